"""Indirect and reported speech of one sentence: a cue with its dass/ob, subjunctive or zu clause, a source
marker (laut, zufolge, nach Angaben, wie X mitteilte, ..., so X), a speech act without its words."""
from __future__ import annotations

import re

from newsetl.transforms.codes import INDIRECT, REPORTED
from newsetl.transforms.quote_article import Article, Quote
from newsetl.transforms.quote_grammar import (
    AFTER_QUOTE_VERBS,
    CONJUNCTION,
    NOUN_CUES,
    REPORT_MARKER,
    SPEECH_VERBS,
    WORD,
    strip_spaces,
    subjunctive_in,
    trim_end,
    words_of,
    zu_infinitive_end,
)
from newsetl.transforms.speaker_words import noun_phrase_end


def indirect_speech(art: Article, s: int, e: int) -> Quote | None:
    """Indirect speech of the sentence body[s:e]: cue with a dass/ob or subjunctive clause, or a marker."""
    body = art.body
    text = body[s:e]
    for cue in WORD.finditer(text):
        word = cue.group()
        if word not in SPEECH_VERBS and word not in NOUN_CUES:
            continue
        # Frame first: "X sagte am Montag, dass ..." / "X sagte, er sei ..."
        comma = text.find(",", cue.end())
        colon = text.find(":", cue.end())
        if colon != -1 and (comma == -1 or colon < comma) and colon - cue.end() < 60:
            comma = colon
        if comma != -1 and comma - cue.end() < 70:
            rest_start = s + comma + 1
            rest = body[rest_start:e]
            conj = CONJUNCTION.match(rest)
            zu_end = None if conj else zu_infinitive_end(rest)
            subjunctive = word not in NOUN_CUES and subjunctive_in(" ".join(words_of(rest)[:12]))
            if conj or zu_end is not None or subjunctive:
                qs = rest_start + (conj.start(1) if conj else len(rest) - len(rest.lstrip()))
                qe = rest_start + zu_end if zu_end is not None else e
                speaker, eid = art.speaker(s, rest_start, s + cue.start())
                return Quote(INDIRECT, *trim_end(body, qs, qe), _cue_phrase(text, cue), speaker, eid)
        # Frame last: "Er sei bereit, sagte X." -- the cue right after a comma.
        before = text[:cue.start()].rstrip()
        if before.endswith(",") and word in AFTER_QUOTE_VERBS and len(words_of(before)) >= 3:
            clause = before[:-1]
            frame_words = len(words_of(text[cue.start():]))
            # An indicative clause counts too when the frame closes the sentence: "..., teilte die Polizei mit."
            short_frame = frame_words <= 6 and len(words_of(clause)) >= 4
            if subjunctive_in(clause) or CONJUNCTION.match(clause) or short_frame:
                speaker, eid = art.speaker(s + cue.start(), e, s + cue.start())
                return Quote(INDIRECT, *trim_end(body, s, s + len(clause)), word, speaker, eid)
    marker = REPORT_MARKER.search(text)
    if marker and len(words_of(text)) >= 5:
        return _reported_by_marker(art, s, e, marker)
    return None


# Speech acts reported without their words: "X sprach von ...", "X bezeichnete Y als Z", "X forderte ...".
# Only the verbs whose sentences quotes-de (train) annotates as quotations more often than not; kritisierte,
# begrüßte, würdigte, äußerte sich are left out (0 to 25 % of their sentences are).
_REPORTING = re.compile(
    r"\b(?:sprachen?\s+(?:[^,.]{0,60}?\s)?von|spricht\s+(?:[^,.]{0,60}?\s)?von|bezeichnete[n]?|bezeichnet|nannten?|"
    r"forderte[n]?(?!\s+\d)|verurteilte[n]?(?!\s+[A-ZÄÖÜ])|bezifferte[n]?|beziffert|hob(?:en)?\s+[^,.]{0,60}?\bhervor|"
    r"(?:hat|haben|hatte|hatten)\s[^,.]{0,160}?\s(?:gefordert|verurteilt))\b")


def reported_speech(art: Article, s: int, e: int) -> Quote | None:
    """A sentence reporting a named speaker's speech act without its words: the whole sentence."""
    text = art.body[s:e]
    cue = _REPORTING.search(text)
    if cue is None:
        return None
    if re.search(r"[„»«\"]", text) or re.match(r"\s*(?:man|es)\b", text[cue.end():]):
        # A sentence with a quotation in it is that quotation's frame; "nannte man" names no speaker.
        return None
    words = cue.group().split()
    verb = words[-1] if words[0] in ("hat", "haben", "hatte", "hatten") else words[0]
    agent = art.passive_agent(s, e, s + cue.start())
    if agent is not None:
        return Quote(REPORTED, *trim_end(art.body, s, e), verb, *agent)
    named = art.speakers_in(s, e)
    if named:
        before = [m for m in named if m.start < s + cue.start()]
        speaker = before[0] if before else named[0]
        return Quote(REPORTED, *trim_end(art.body, s, e), verb, speaker.surface, speaker.entity_id)
    pronoun = re.match(r"(Er|Sie)\s", text)
    if pronoun:
        person = art.person_before(s, pronoun=pronoun.group(1))
        return Quote(REPORTED, *trim_end(art.body, s, e), verb, pronoun.group(1),
                     person.entity_id if person else None)
    return None


def _cue_phrase(text: str, cue: re.Match) -> str:
    """The cue with its separated particle where one follows (teilte ... mit, kündigte ... an)."""
    particle = re.match(r"[^,.:]{0,40}?\b(mit|an|hinzu|ein|zu|bekannt|fest|klar|hin|vor|aus|hervor)(?=\s*[,:])",
                        text[cue.end():])
    return f"{cue.group()} {particle.group(1)}" if particle else cue.group()


def _verb_after_source(text: str) -> re.Match | None:
    """The first word after a source (laut einem Bericht des Ministeriums, nach Angaben der örtlichen Polizei)
    that is neither part of its noun phrases nor a name: the finite verb that starts the content."""
    in_phrase = False
    for m in WORD.finditer(text):
        word = m.group()
        if word in _SOURCE_WORDS:
            in_phrase = True
        elif word[:1].isupper():
            in_phrase = False
        elif not in_phrase:
            return m
    return None


# Lower-case words inside a source after laut / nach Angaben (laut einem Bericht des Ministeriums).
_SOURCE_WORDS = {"der", "des", "dem", "den", "die", "von", "vom", "zur", "zum", "und", "aus", "eines", "einer", "einem", "ein", "eine",
                 "in", "im"}


def _reported_by_marker(art: Article, s: int, e: int, marker: re.Match) -> Quote:
    """Laut X / X zufolge / nach Angaben von X / wie X mitteilte / ..., so X: the rest of the sentence is the content."""
    body, text = art.body, art.body[s:e]
    word = marker.group().strip(" ,").split()[0].lower()
    if word == "so":
        # ", so das Ergebnis einer Studie der Stiftung Warentest, ...": the source runs to the next comma.
        comma = text.find(",", marker.end())
        speaker, eid = art.speaker(s + marker.end(), s + comma if comma != -1 else e, s + marker.end(), nearest=True)
        return Quote(INDIRECT, *trim_end(body, s, s + marker.start()), "so", speaker, eid)
    if word == "zufolge":
        # "Der Polizei zufolge wurden ...": the frame runs from the sentence start to the marker.
        frame_start = s if marker.start() < 60 else s + text.rfind(",", 0, marker.start()) + 1
        speaker, eid = art.source(frame_start, s + marker.start())
        content_start = s + marker.end() if marker.start() < 60 else s
        end = e if marker.start() < 60 else frame_start - 1
        return Quote(INDIRECT, *strip_spaces(body, *trim_end(body, content_start, end)), "zufolge", speaker, eid)
    if word == "wonach":
        # "..., wonach die Maus den Brand verursacht habe": the clause after wonach is the content.
        speaker, eid = art.speaker(s, s + marker.start(), s + marker.start(), nearest=True)
        return Quote(INDIRECT, *trim_end(body, s + marker.end(), e), "wonach", speaker, eid)
    # laut / nach Angaben / wie: the frame ends at the comma or at the finite verb after the source.
    after = text[marker.end():]
    comma = after.find(",")
    verb = _verb_after_source(after)
    if word == "wie" and comma != -1:
        frame_end = marker.end() + comma
    elif marker.start() == 0 and verb is not None:
        frame_end = marker.end() + verb.start()
    else:
        frame_end = marker.end() + (verb.start() if verb is not None else 0)
    if word == "wie":
        speaker, eid = art.speaker(s + marker.start(), s + frame_end, s + marker.start())
    elif word in ("laut", "gemäß", "nach"):
        # Laut einem Bericht des Innenministeriums, nach Angaben der Polizei: the source as printed, up to
        # the first name after the marker (laut el-Baradei die Bearbeitung ...).
        source_end = s + marker.end() + noun_phrase_end(text[marker.end():], after_noun=word == "nach")
        named = art.speakers_in(s + marker.end(), s + frame_end + 80)
        if named and named[0].start - (s + marker.end()) < 60:
            source_end = max(source_end, named[0].end)
            for later in named[1:]:  # dpa und AFP
                if not re.fullmatch(r"\s*(?:,|und|sowie|oder)\s*", body[source_end:later.start]):
                    break
                source_end = later.end
        speaker, eid = art.source(s + marker.start() + len(word), source_end)
    else:
        speaker, eid = art.source(s + marker.start(), s + marker.end())  # seiner Ansicht nach
    cue = "laut" if word in ("laut", "gemäß") else "wie" if word == "wie" else "nach"
    if marker.start() < 3:
        return Quote(INDIRECT, *strip_spaces(body, *trim_end(body, s + frame_end, e)), cue, speaker, eid)
    return Quote(INDIRECT, *trim_end(body, s, e), cue, speaker, eid)
