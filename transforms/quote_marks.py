"""Direct quotations: text in quotation marks, and whether it is someone's words rather than a name, a
title or a scare-quoted word."""
from __future__ import annotations

import re

from newsetl.transforms.quote_grammar import (
    AFTER_QUOTE_VERBS,
    REPORT_MARKER,
    konj1_in,
    speech_cue,
    subjunctive_in,
)

# Opening mark -> the marks that close it. “ opens only where no „ is open (English style).
_CLOSERS = {"„": "“”", "»": "«", "«": "»", "‚": "‘", '"': '"', "“": "”"}
# Longest quotation sought between an opening and a closing mark.
MAX_QUOTE_CHARS = 3000


def quoted_spans(body: str) -> list[tuple[int, int]]:
    """(start, end) of each text in quotation marks, marks included.

    „ and » nest (a name in marks inside a quotation) and may close with a straight ". A quotation
    runs over line breaks to its closing mark; one whose paragraph ends unclosed, as quotations
    over several paragraphs do (each paragraph reopens with „), ends with its paragraph.
    """
    spans, i, n = [], 0, len(body)
    while i < n:
        opener = body[i]
        closers = _CLOSERS.get(opener)
        if not closers:
            i += 1
            continue
        depth, j, line_end = 1, i + 1, body.find("\n", i)
        limit = min(n, i + MAX_QUOTE_CHARS)
        while j < limit:
            c = body[j]
            if c in closers or (opener in "„»" and c == '"' and depth == 1):
                depth -= 1
                if depth == 0:
                    break
            elif c == opener and opener != '"':
                if j > line_end >= 0:
                    break  # a new paragraph reopens the quotation: the first one ended with its line
                depth += 1
            j += 1
        if j < limit and depth == 0 and j > i + 1:
            if line_end != -1 and j > line_end and opener not in "„»":
                i += 1  # straight and single marks never cross a line: too often unpaired
                continue
            spans.append((i, j + 1))
            i = j + 1
        elif opener in "„»" and line_end > i + 1:
            spans.append((i, line_end))
            i = line_end
        else:
            i += 1
    return spans



# Nouns that announce a name or title in quotation marks: das Motto „…“, der Titel „…“, die so genannte „…“.
_NAMING = re.compile(
    r"(?:Motto|Titel|Buch|Buches|Lied|Liedes|Film|Films|Album|Song|Roman|Stück|Musical|Oper|Sendung|Serie|Zeitung|"
    r"Zeitschrift|Magazin|Schiff|Operation|Projekt|Programm|Kampagne|Aktion|Initiative|Organisation|Partei|"
    r"Bewegung|Unternehmen|Unternehmensgruppe|Gruppe|Namen|Name|Slogan|Schriftzug|Ausstellung|Festival|"
    r"Preis|Award|Tagung|Konferenz|Gipfel|Studie|Bericht|Dokumentation|genannte[nmrs]?|genannt)\s*$")


# Words chanted or written: Parolen, Sprüche wie „…“ (train 44; "Sprüche" since long slogans are title phrases).
_SLOGAN = re.compile(r"(?:Parolen?|Sprüchen?|Aufschrift|Worten|Sprechchören|Rufen|skandierten|skandierte|riefen|rief)"
                     r"(?:\s+(?:wie|zum|Beispiel|etwa|von|der|des|dem|den))*\s*:?\s*$")


# Verbs of calling or speaking of something; an indefinite article before the marks makes the words theirs.
_CALLED = re.compile(r"\b(?:nannten?|nennt|nennen|bezeichnete[n]?|bezeichnet|sprach(?:en)?|spricht|gesprochen|"
                     r"warf(?:en)?|wirft)\b")
_INDEFINITE_BEFORE = re.compile(r"\b(?:[Ee]in|[Ee]ine|[Ee]inen|[Ee]inem|[Ee]iner|[Ee]ines)\s*$")
# A speech act with what it is about in marks: sprach von einer „…“ (train 342), warnte vor den „…“ (330),
# riet zu „…“ (106).
_SPEECH_ACT_OBJECT = re.compile(
    r"\b(?:sprach(?:en)?|spricht|gesprochen|warnte[n]?|warnt|gewarnt|riet(?:en)?|rät|geraten)\s+(?:[^\s,.;:]+\s+){0,3}?"
    r"(?:von|vor|zu)\s+(?:(?:dem|den|der|einer|einem|einen|eine|ein)\s+)?$")
# "als" that says what something is known as or counts as, no one's words: gilt als „Störfall“ (train 276),
# galt als „heimlicher Regierungschef“ (634, 96), als „Poe Toaster“ bekannt (240, 447, 555), stellte sich als
# „Gläserne Abgeordnete“ vor (631, 641).
_KNOWN_AS_BEFORE = re.compile(r"(?:\b(?:[Gg]ilt|[Gg]alt|[Gg]elten|[Gg]alten|[Dd]ient|[Dd]iente|[Dd]ienen|[Dd]ienten)"
                              r"(?:\s+[^\s,;:]+){0,8}|\bsich(?:\s+[^\s,;:]+){0,2})\s+als\s*$")
_KNOWN_AS_AFTER = re.compile(r"[^,;:]{0,40}?\bbekannt")
# Lower-case words a name or title has: articles, prepositions, conjunctions (German, English, French, Italian).
_TITLE_FUNCTION_WORDS = {
    "der", "die", "das", "dem", "den", "des", "ein", "eine", "einen", "einem", "einer", "eines", "und", "oder",
    "für", "gegen", "über", "unter", "mit", "ohne", "von", "vom", "zum", "zur", "im", "am", "in", "an", "auf",
    "aus", "bei", "beim", "um", "durch", "nach", "vor", "zu", "of", "the", "and", "for", "on", "to", "de", "la",
    "le", "du", "et", "les", "pour", "del", "dello", "della", "di", "against"}


# ", so der Minister", ", so sagte Scholz": a speaker after "so"; not ", so wurde sein Werk ..." (train 96).
_SO_SPEAKER_AFTER = re.compile(r"\s*,\s*so\s+(?!dass\b)(?=der|die|das|ein|eine|[A-ZÄÖÜ]|\w+(?:te|ten|en|t)\s+"
                               r"(?:der|die|das|ein|eine|[A-ZÄÖÜ]))")


_ARTICLE_BEFORE = re.compile(r"\b(?:der|des|dem|den|von|vom|im|beim|zum|zur)\s+$")


def _is_title_phrase(inner: str, words: list[str]) -> bool:
    """A noun phrase with capitalised words and no lower-case word but articles, prepositions and conjunctions:
    the name of an institution, award, law or talk, however long (train 190 Rat für Demokratische Reform unter
    der Konstitutionellen Monarchie, 199, 433, 612 Mobile Engländer und die Verbreitung des Fußballs in Europa).
    Quotations have a verb, pronoun or adjective."""
    return (words[0][:1].isupper() and len(words) >= 4 and inner.rstrip()[-1:] not in ".!?"
            and all(w in _TITLE_FUNCTION_WORDS for w in words if not w[:1].isupper()))


def is_quotation(inner: str, words: list[str], frame_before: str, frame_after: str) -> bool:
    """Whether text in quotation marks is a quotation rather than a name, title or scare-quoted word.

    A speech verb or "so" right after („…“, sagte er; „…“, so der Minister) makes a quotation; so do
    seven words or more and a closing sentence mark inside, unless the text is a title phrase (capitalised
    words joined by articles and prepositions only). Shorter texts need a lower-case content word (names and
    titles capitalise theirs: Reporter ohne Grenzen, Let it be); up to three words also need to start
    lower-case ("felsenfest", „schwach radioaktiv“) and a speech cue, subjunctive or "so X" in their sentence.
    Any length is a quotation after "als" (bezeichnete X als „…“, not gilt als, als … bekannt), after a slogan
    or "mit den Worten", after a speech act's object (sprach von, warnte vor, riet zu), and after ein/eine in a
    sentence that names or calls (nannte den Bericht eine „Zeitungsente“) or reports speech in Konjunktiv I
    (Afghanistan sei ein „Opfer des Terrorismus“). Text glued to a hyphen („Bild“-Zeitung) is part of a word.
    """
    if _NAMING.search(frame_before[-40:]) or (frame_before.endswith("(") and len(words) < 7) \
            or frame_after.startswith("-"):
        return False
    # A short name after an article is no quotation for the speech verb after it: der Chefredakteur der
    # „New York Times“, bekräftigt (train 110); Der Geschäftsführer von „Ener1“, Charles Gassenheimer, sagte (419).
    name_after_article = len(words) <= 3 and not any(w[:1].islower() for w in words) \
        and _ARTICLE_BEFORE.search(frame_before)
    if not name_after_article and (
            speech_cue(frame_after[:30], AFTER_QUOTE_VERBS) and frame_after.lstrip().startswith(",")
            or _SO_SPEAKER_AFTER.match(frame_after)):
        return True
    if _SLOGAN.search(frame_before[-40:]):
        # Words chanted, written or said: Parolen wie „Stoppt den Überwachungswahn“, mit den Worten „…“.
        return True
    if _INDEFINITE_BEFORE.search(frame_before) and (
            _CALLED.search(frame_before + " " + frame_after) or konj1_in(frame_before + " " + frame_after)):
        # nannte den Bericht eine „Zeitungsente“, sprach von einer „Katastrophe“: the speaker's own word; in
        # reported speech too: sei ein „Opfer des Terrorismus“ (train 370), habe ihr einen „Ruck“ verpasst (355),
        # sei man von einer „Entschuldung weit entfernt“ (187).
        return True
    if _SPEECH_ACT_OBJECT.search(frame_before[-80:]):
        return True
    if frame_before.rstrip().endswith(" als") and len(words) <= 6:
        # X bezeichnete Y als „Schatten-CIA“ (or sich als „…“): what someone called something, in their words.
        known_as = _KNOWN_AS_BEFORE.search(frame_before) and not _CALLED.search(frame_before)
        return not (known_as or _KNOWN_AS_AFTER.match(frame_after))
    if _is_title_phrase(inner, words):
        return False
    if len(words) >= 7 or inner.rstrip()[-1:] in ".!?":
        return True
    if not any(w[:1].islower() and len(w) > 3 for w in words) and not words[0][:1].islower():
        return False
    if len(words) >= 4:
        return True
    context = frame_before + " " + frame_after
    # A source marker counts as a cue (laut dem Chefankläger ... „von unbeschreiblicher Brutalität“, train 364;
    # Nacke zufolge ... „unangemessene Fragen“, 558; laut Gericht ... „manipulative Fähigkeiten“, 538), but
    # marks right after laut hold the source's name (laut „tagesschau.de“, 444).
    source = REPORT_MARKER.search(context) and not re.search(r"\b(?:[Ll]aut|[Gg]emäß)\s*$", frame_before)
    return words[0][:1].islower() and bool(
        speech_cue(context) or subjunctive_in(context) or re.match(r"\s*,?\s*so\s", frame_after) or source)
