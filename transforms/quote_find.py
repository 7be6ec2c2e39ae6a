"""find_quotes: the quotations of one body in named steps (direct ones, each sentence's indirect, free
indirect and reported speech, the speakers of direct quotations without a frame)."""
from __future__ import annotations

import re
from bisect import bisect_right

from newsetl.transforms.codes import DIRECT, FREE_INDIRECT, INDIRECT
from newsetl.transforms.quote_article import Article, Quote
from newsetl.transforms.quote_grammar import (
    AFTER_QUOTE_VERBS,
    HEARSAY,
    KONJ2_SPEECH,
    SPEECH_VERBS,
    WORD,
    konj1_in,
    speech_cue,
    trim_end,
    words_of,
)
from newsetl.transforms.quote_indirect import indirect_speech, reported_speech
from newsetl.transforms.quote_marks import is_quotation, quoted_spans
from newsetl.transforms.speakers import PRONOUNS, Mentioned

# A direct quotation without a frame that starts this close after the previous one goes on with it.
DIRECT_CONTINUATION_CHARS = 200
# Sentences after the last attributed quotation within which a subjunctive sentence is still its speaker's.
FREE_INDIRECT_REACH = 3


def find_quotes(body: str, mentions: list[Mentioned]) -> list[Quote]:
    """All quotations of one body, ordered by start: the direct ones, then each sentence's indirect, free
    indirect and reported speech, then the speakers of direct quotations without a frame."""
    art = Article(body, mentions)
    quotes, direct_cover = _direct_quotes(art)
    _sentence_quotes(art, quotes, direct_cover)
    quotes.sort(key=lambda q: (q.start, q.end))
    _unframed_direct_speakers(art, quotes, art.sentence_starts)
    return quotes


def _direct_quotes(art: Article) -> tuple[list[Quote], list[tuple[int, int]]]:
    """Quotations in marks with their speakers, and the spans of those of four words or more (the sentences
    they fill have no indirect speech of their own)."""
    body = art.body
    quotes: list[Quote] = []
    direct_cover: list[tuple[int, int]] = []
    previous_direct: Quote | None = None
    for a, b in quoted_spans(body):
        inner_words = words_of(body[a + 1:b - 1])
        s, e = art.sentence_at(a)
        # A quotation may run over several sentences: its frame is the text around it up to the sentence bounds.
        e = max(e, art.sentence_at(b - 1)[1])
        s = min(s, a)
        if not is_quotation(body[a + 1:b - 1], inner_words, body[s:a], body[b:e]):
            continue
        q = Quote(DIRECT, a, b)
        _direct_speaker(art, q, s, e, previous_direct)
        quotes.append(q)
        previous_direct = q
        if len(inner_words) >= 4:
            direct_cover.append((a, b))
    return quotes, direct_cover


def _direct_speaker(art: Article, q: Quote, s: int, e: int, previous_direct: Quote | None) -> None:
    """The cue and speaker of the direct quotation q in the frame body[s:e]: after it (", sagte X", ", so X"),
    else before it (X sagte: / X:), else the sentence's first name or the quotation it continues."""
    body, a, b = art.body, q.start, q.end
    frame_before, frame_after = body[s:a], body[b:e]
    # A verb after "und" is the subject's next act, not a frame ("bezeichnete X als „…“ und erklärte, ...").
    coordinated = re.match(r"\s*(?:und|sowie|oder)\s", frame_after)
    cue_after = None if coordinated else speech_cue(frame_after[:60], AFTER_QUOTE_VERBS)
    so_after = re.match(r"\s*,?\s*so\s+", frame_after)
    if cue_after or so_after:
        cue_pos = b + (cue_after.start() if cue_after else so_after.end() - 3)
        q.cue = cue_after.group() if cue_after else "so"
        nxt = re.search(r"[„»«\"‚]", frame_after)
        stop = b + (nxt.start() if nxt else len(frame_after))
        q.speaker, q.speaker_entity_id = art.speaker(b, stop, cue_pos)
    else:
        cue_before = None
        for m in WORD.finditer(frame_before):
            if m.group() in SPEECH_VERBS:
                cue_before = m
        if cue_before is not None or frame_before.rstrip().endswith(":"):
            q.cue = cue_before.group() if cue_before else ":"
            cue_pos = s + (cue_before.start() if cue_before else len(frame_before))
            q.speaker, q.speaker_entity_id = art.speaker(s, a, cue_pos)
            if cue_before is None and q.speaker_entity_id is None and q.speaker not in PRONOUNS:
                # A colon without a speech verb names no speaker of its own: "Seine Zuversicht gründet sich
                # auf Erfahrungen mit der Türkeifrage: „…“" (train 30, 518) goes on with the last speaker.
                q.speaker = None
    if q.speaker is None and q.cue is None:
        _unframed_speaker(art, q, s, e, previous_direct)
    elif q.speaker is None and q.cue in ("heißt", "hieß") and _continues(q, previous_direct):
        # "..., weiter hieß es, dass „…“": the writing just quoted goes on.
        q.speaker, q.speaker_entity_id = previous_direct.speaker, previous_direct.speaker_entity_id


def _continues(q: Quote, previous: Quote | None) -> bool:
    return previous is not None and q.start - previous.end < DIRECT_CONTINUATION_CHARS


def _unframed_speaker(art: Article, q: Quote, s: int, e: int, previous_direct: Quote | None) -> None:
    """The speaker of a direct quotation without a cue in the frame body[s:e]: its sentence's subject (a partial
    quotation, "bezeichnete X als „…“"), the name of a next sentence that points back to it, or the quotation
    it continues."""
    a, b = q.start, q.end
    source = indirect_speech(art, *art.sentence_at(a))
    if source is not None and source.cue in ("laut", "nach", "zufolge") and source.speaker is not None:
        # Words in marks inside a sourced sentence are the source's (laut dem Chefankläger ... „von
        # unbeschreiblicher Brutalität“; Nach Schäubles Idee soll „im Zweifel ...“).
        q.speaker, q.speaker_entity_id = source.speaker, source.speaker_entity_id
        return
    named = art.speakers_in(s, a) or art.speakers_in(b, e)
    # The first that hangs on no other word (Der Vorsitzende der Gewerkschaft ver.di, Frank Bsirske, ...).
    free = [m for m in named if not art.attached(m.start, s if m.start < a else b, m.label)]
    if not named and not art.body[s:a].strip() and _POINTS_BACK.match(art.body, e):
        # „Ja, es gibt Zumutungen“. Das musste Bundesfinanzminister Peer Steinbrück ... eingestehen.
        named = art.speakers_in(*art.sentence_at(_POINTS_BACK.match(art.body, e).end()))
        free = []
    if named:
        best = (free or named)[0]
        q.speaker, q.speaker_entity_id = best.surface, best.entity_id
    elif _continues(q, previous_direct):
        # The second part of an interrupted quotation, or its next paragraph: the same speaker.
        q.speaker, q.speaker_entity_id = previous_direct.speaker, previous_direct.speaker_entity_id
        q.cue = previous_direct.cue


# A sentence after a quotation that points back to it (Das sagte ..., Diese dem ... zugeschriebene Weisheit).
_POINTS_BACK = re.compile(r"[ \t]*(?=(?:Das|Dies|Diese|Dieser|Dieses)\s)")


def _sentence_quotes(art: Article, quotes: list[Quote], direct_cover: list[tuple[int, int]]) -> None:
    """Each sentence's indirect speech (a cue with its clause, a source marker, Demnach), else its free
    indirect speech (Konjunktiv I going on from the speaker before), else its reported speech act."""
    body = art.body

    def covered(s: int, e: int) -> bool:
        # A sentence that is mostly a direct quotation has no indirect speech of its own.
        inside = sum(max(0, min(e, b) - max(s, a)) for a, b in direct_cover)
        return inside * 2 > (e - s)

    last_speaker: Quote | None = None
    last_sentence = -2
    open_free: Quote | None = None
    for k, (s, e) in enumerate(art.sentences):
        text = body[s:e]
        if covered(s, e):
            spoken = _indirect_around_direct(art, quotes, s, e)
            if spoken:
                last_speaker, last_sentence = spoken, k
            open_free = None
            continue
        found = _indirect_of_sentence(art, k, last_speaker, last_sentence)
        if found:
            quotes.append(found)
            last_speaker, last_sentence, open_free = found, k, None
            continue
        # Konjunktiv II (würden, hätte) stands in for Konjunktiv I only right after reported speech.
        # Modal könnte, müsste, dürfte are as often the writer's own conjecture: they do not continue it.
        right_after = last_sentence == k - 1
        subjunctive = (konj1_in(text) or (right_after and any(w in KONJ2_SPEECH for w in words_of(text)))
                       or bool(HEARSAY.search(text)))
        if not (subjunctive and not speech_cue(text)):
            open_free = None
            reported = reported_speech(art, s, e)
            if reported:
                quotes.append(reported)
                last_speaker, last_sentence = reported, k
            continue
        if open_free is not None and "\n" not in body[open_free.end:s]:
            # Reported speech that goes on over several sentences is one quotation.
            open_free.end = trim_end(body, s, e)[1]
        else:
            speaker, eid = art.for_whom(s, e) or _previous_speaker(art, k, _recent(art, k, last_speaker, last_sentence))
            open_free = Quote(FREE_INDIRECT, *trim_end(body, s, e), None, speaker, eid)
            quotes.append(open_free)
        last_sentence = k


def _indirect_around_direct(art: Article, quotes: list[Quote], s: int, e: int) -> Quote | None:
    """The indirect speech of a sentence that is mostly a direct quotation, added where it has words of its own;
    returns the sentence's last quotation with a speaker."""
    body = art.body
    # Indirect speech may hold a direct quotation (er sagte, es sei „unfassbar, ...“); the quotation
    # alone, with no words of the indirect speech outside it, is no second quotation.
    found = indirect_speech(art, s, e)
    inside = [q for q in quotes if q.kind == DIRECT and found and q.start <= found.end and q.end >= found.start]
    if found and len(words_of(body[found.start:found.end])) - sum(
            len(words_of(body[q.start:q.end])) for q in inside) >= 3:
        quotes.append(found)
    spoken = [q for q in quotes if s <= q.start < e and q.speaker]
    return spoken[-1] if spoken else None


def _indirect_of_sentence(art: Article, k: int, last_speaker: Quote | None, last_sentence: int) -> Quote | None:
    """Indirect speech of sentence k; "heißt es" and "Demnach" without a source of their own take the speaker
    just before."""
    body = art.body
    s, e = art.sentences[k]
    found = indirect_speech(art, s, e)
    if found is not None and found.speaker is None and found.cue in ("heißt", "hieß"):
        # "Als Begründung dafür heißt es, ...", "..., heißt es.": the source or speaker just before.
        found.speaker, found.speaker_entity_id = _previous_speaker(
            art, k, _recent(art, k, last_speaker, last_sentence))
    according = _ACCORDING_TO_THAT.match(body[s:e])
    if found is None and according:
        # "Demnach erwartet Russland, ...": the content of the source or quotation just before.
        speaker, eid = _previous_speaker(art, k, last_speaker if last_sentence >= k - 1 else None)
        found = Quote(INDIRECT, *trim_end(body, s + according.end(), e), according.group(1), speaker, eid)
    return found


def _unframed_direct_speakers(art: Article, quotes: list[Quote], sentence_starts: list[int]) -> None:
    """A direct quotation with no frame and no name in its sentence goes on with whoever spoke last: words in
    marks inside reported speech (Hier seien die Mittel „völlig unrealistisch“, train 187, 362, 372, 398) and a
    quotation after its speaker's sentence (will Oettinger ... straffen. „Nicht jede Formel ...“, 327, 179)."""
    last: Quote | None = None
    for q in quotes:
        if q.kind == DIRECT and q.speaker is None and q.cue in (None, ":"):
            k = max(0, bisect_right(sentence_starts, q.start) - 1)
            said_in = bisect_right(sentence_starts, last.start) - 1 if last is not None else -1
            q.speaker, q.speaker_entity_id = _previous_speaker(art, k, _recent(art, k, last, said_in))
        if q.speaker is not None:
            last = q


def _recent(art: Article, k: int, last: Quote | None, said_in: int) -> Quote | None:
    """The last quotation (said in sentence said_in) while its speaker still speaks in sentence k: within
    FREE_INDIRECT_REACH sentences, unless the sentence just before, after it, names a new subject (Der
    Finanzbürgermeister Hartmut Vorjahn will ... präsentieren. Die Stadt müsse ... entscheiden)."""
    if last is None or said_in < k - FREE_INDIRECT_REACH:
        return None
    if said_in < k - 1 and k > 0 and art.subject(*art.sentences[k - 1])[1] is not None:
        return None
    return last


# A word that points back to someone named before (Eine seiner Varianten ist ..., Er soll ...).
_POINTS_BACK_WORD = re.compile(r"\b(?:[Ee]r|[Ss]ie|[Ss]ein\w*|[Ii]hr\w*|[Dd]essen|[Dd]eren)\b")
_ACCORDING_TO_THAT = re.compile(r"(Demnach|Dementsprechend)\s+")


def _previous_speaker(art: Article, k: int, recent: Quote | None) -> tuple[str | None, str | None]:
    """Who goes on speaking in sentence k: the speaker of a recent quotation, else the subject of the
    sentence before (Der Iran streitet dies ab. Sein Programm diene ...)."""
    if recent is not None:
        return recent.speaker, recent.speaker_entity_id
    for before in (k - 1, k - 2):
        if before < 0:
            break
        # The sentence before names no one (Eine seiner Varianten ist ...): the one before it may.
        subject = art.subject(*art.sentences[before])
        subject = subject if subject[0] is not None else art.description_subject(*art.sentences[before]) or subject
        if subject[0] is not None:
            return subject
        if not _POINTS_BACK_WORD.search(art.body, *art.sentences[before]):
            break
    return None, None
