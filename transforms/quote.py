"""Quote: German article bodies + entity mentions -> quotations with their speakers.

Rule-based, no model: one pass of regular expressions per article, so the stage costs a small
fraction of tagging. What it finds (see docs/fields.md, "quotes"):

- direct: text in quotation marks („…“ »…« «…» ‚…‘ "…") that is no name, title or scare-quoted word
  (_is_quotation). A quote interrupted by its frame („…“, sagte er, „…“) gives two rows, one speaker.
- indirect: a speech cue (sagte, erklärte, teilte mit, hieß es, ...) with its complement: a
  dass/ob clause, a clause in the subjunctive (er sei bereit) or a zu-infinitive, before or after
  the frame; and the markers laut, zufolge, nach Angaben, wie X mitteilte with the rest of their sentence.
- free_indirect: sentences in Konjunktiv I without a new cue (reported speech going on), and
  hearsay with "soll ... sein/haben".
- reported: a speech act without its content as a clause (X bezeichnete Y als Z, X forderte ...).

The speaker is the subject of the frame, resolved to the entity the article means by
transforms/speakers.py (names the tagger missed, appositions, roles, pronouns, sources).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
import simplemma
from newsetl.transforms.isolation import isolated
from newsetl.transforms.speakers import PRONOUNS, Mentioned, Speakers

QUOTE_COLUMNS = ["doc_id", "quote_id", "kind", "quote", "start_char", "end_char", "cue", "speaker",
                 "speaker_entity_id"]
KINDS = ("direct", "indirect", "free_indirect", "reported")

# Opening mark -> the marks that close it. “ opens only where no „ is open (English style).
_CLOSERS = {"„": "“”", "»": "«", "«": "»", "‚": "‘", '"': '"', "“": "”"}
_WORD = re.compile(r"[\wÄÖÜäöüß]+(?:[-'’][\wÄÖÜäöüß]+)*")

_WEAK_SPEECH_STEMS = [
    "sag", "erklär", "beton", "warn", "bericht", "meld", "versicher", "bestätig", "behaupt", "erläuter",
    "mahn", "forder", "kritisier", "argumentier", "mein", "glaub", "vermut", "hoff", "befürcht", "fürcht",
    "schätz", "bekräftig", "beklag", "beteuer", "dementier", "ergänz", "antwort", "äußer", "zitier",
    "erinner", "verkünd", "präzisier", "unterstell", "klag", "prophezei", "spekulier", "berücksichtig",
    "resümier", "bilanzier", "begründ", "signalisier", "bedauer", "insistier", "schilder", "mutmaß",
    "appellier", "prognostizier", "unterricht", "informier", "verlaut", "verdeutlich", "bemängel",
    "beanstand", "beschwer", "monier", "rechtfertig", "folger", "urteil", "erzähl", "bitt",
    "beschuldig", "versprech", "vorwerf", "empfehl", "bezweifel", "leugn", "verlang", "plädier", "vereinbar",
    "beantrag", "ermahn",
]
_STRONG_SPEECH_FORMS = [
    "schrieb", "schrieben", "schreibt", "geschrieben", "unterstrich", "unterstrichen", "unterstreicht",
    "bestritt", "bestritten", "bestreitet", "entgegnete", "entgegnet", "erwiderte", "erwidert",
    "hieß", "heißt", "rief", "wies", "verwies", "verweist", "gab", "gibt", "räumte", "räumt", "fügte",
    "fügt", "kündigte", "kündigt", "teilte", "teilt", "stellte", "wirft", "warf", "sprach", "spricht",
    "drohte", "droht", "riet", "rät", "empfahl", "empfiehlt", "nannte", "nennt", "bezeichnete",
    "bezeichnet", "beschrieb", "beschreibt", "vermeldete", "weiß", "wusste", "geht", "ging", "hält",
    "hielt", "zeigte", "zeigt", "sieht", "sah", "befand", "beschloss", "entschied",
]
# Participles and verb-final forms with a separable prefix ("hat angekündigt, ...", "wird vorgeworfen, ...",
# "wie er mitteilte"), and strong forms the stems above do not make.
_OTHER_SPEECH_FORMS = [
    "angekündigt", "aufgefordert", "aufgerufen", "vorgeworfen", "vorgeschlagen", "angewiesen", "gebeten",
    "beschuldigt", "mitgeteilt", "bekanntgegeben", "angegeben", "eingeräumt", "hingewiesen", "zugesagt",
    "ausgeführt", "erzählt", "bekannt", "angenommen", "befürchtet", "vermutet", "erwartet", "gedroht",
    "beschlossen", "entschieden", "schloss", "bat", "baten", "ankündigen", "ausführte", "ausführten", "erzählte",
    "erzählten", "sprechen", "sprachen", "ergab", "ergaben", "zugab", "angab", "mitteilte", "mitteilten",
    "bekanntgab", "ankündigte", "hinwies",
]
# Nouns of speech whose dass or zu clause is what was said (die Forderung, ... zu; der Vorwurf, dass ...).
_NOUN_CUES = {"Hypothese", "Verdacht", "Beschluss", "Forderung", "Forderungen", "Vorwurf", "Vorwürfe",
              "Ankündigung", "Appell", "Bitte", "Hinweis", "Warnung", "Behauptung", "Aussage", "Erklärung",
              "Überzeugung", "Auffassung", "Ansicht", "Meinung", "Einschätzung", "Versprechen", "Zusage",
              "Aufforderung", "Aufruf"}
# Frame-only forms: the finite verb of a speech act whose complement follows after a comma.
# Weak verbs with a stem in d or t take -et, -ete (berichtete, begründet).
_SPEECH_VERBS = ({s + ("e" if s.endswith(("d", "t")) else "") + e
                  for s in _WEAK_SPEECH_STEMS for e in ("t", "te", "ten")}
                 | {s + e for s in _WEAK_SPEECH_STEMS for e in ("en", "e")}
                 | {"ge" + s + ("et" if s.endswith(("d", "t")) else "t") for s in _WEAK_SPEECH_STEMS}
                 | set(_STRONG_SPEECH_FORMS) | set(_OTHER_SPEECH_FORMS))
# Cues for a quote after the frame in a sentence ("..., sagte er."); verbs that also mean other things
# (hält, sieht, geht, gab) are left out there.
_AFTER_QUOTE_VERBS = _SPEECH_VERBS - {"geht", "ging", "hält", "hielt", "sieht", "sah", "gab", "gibt",
                                      "zeigte", "zeigt", "stellte", "wies", "befand", "beschloss", "entschied",
                                      "weiß", "wusste", "nannte", "nennt"}
_SPEECH_NOUNS = ("Angaben", "Aussage", "Aussagen", "Worten", "Ansicht", "Meinung", "Auffassung", "Einschätzung",
                 "Einschätzungen", "Darstellung", "Information", "Informationen", "Berichten", "Bericht", "Schätzung",
                 "Schätzungen", "Erkenntnis", "Erkenntnissen", "Berechnung", "Berechnungen", "Stellungnahme",
                 "Ermittlungen", "Analyse", "Vorhersage", "Prognose", "Umfrage", "Medien", "Medienberichten")
_REPORT_MARKER = re.compile(
    r"(?:(?<![\w])(?:[Ll]aut|[Gg]emäß)\s+"
    # nach Angaben der Polizei, nach den bisherigen Ermittlungen, Nach Grupps Meinung, nach Polizeiangaben
    r"|(?<![\w])[Nn]ach\s+(?:(?:(?:dem|der|den|des|einer|einem|eines|[a-zäöü]+e[nmrs]?|[A-ZÄÖÜ][\wäöüß-]+s)\s+){0,3}(?:"
    + "|".join(_SPEECH_NOUNS) + r")\b|[\wÄÖÜäöüß-]+-?[Aa]ngaben\b)"
    r"|(?<![\w])(?:[Ss]einer|[Ii]hrer|[Dd]eren|[Dd]essen|[Dd]em)\s+(?:Ansicht|Meinung|Auffassung|Einschätzung|Vernehmen)\s+nach\b"
    r"|\s[Zz]ufolge\b|,\s*wonach\s+"
    # ", so der Minister" / ", so schätzen die Forscher", never ", so dass" or ", so wird ..."
    r"|,\s*so\s+(?!dass\b)(?=(?:der|die|das|ein|eine|[A-ZÄÖÜ]|\w+(?:te|ten|en|t)\s+(?:der|die|das|ein|eine|[A-ZÄÖÜ])))"
    r"|(?<![\w])[Ww]ie\s+(?=[^,.]{0,80}?\b(?:"
    r"sagte|mitteilte|berichtete|erklärte|meldete|bekanntgab|bekannt gab|betonte|mitteilten|berichteten|sagten|"
    r"erklärten|meldeten|hieß|schrieb|bestätigte|angab|ankündigte|verlautete|berichtet|berichten|meldet|melden|"
    r"schreibt|schreiben|ergab|ergaben|ergibt|ausführte|erläuterte|sagt|erklärt|heißt|mitteilt|zeigte|zeigen|zeigt)\s*,))")
# Longest quotation sought between an opening and a closing mark.
MAX_QUOTE_CHARS = 3000
# A direct quotation without a frame that starts this close after the previous one goes on with it.
DIRECT_CONTINUATION_CHARS = 200
# Sentences after the last attributed quotation within which a subjunctive sentence is still its speaker's.
FREE_INDIRECT_REACH = 3
_CONJUNCTION = re.compile(r"\s*(dass|daß|ob)\b")
_KONJ2 = {"wäre", "wären", "hätte", "hätten", "würde", "würden", "könnte", "könnten", "müsste", "müssten",
          "dürfte", "dürften", "gäbe", "läge", "käme"}
# "sollen" with a perfect infinitive reports what others say happened (Er soll geflohen sein).
_HEARSAY = re.compile(
    r"\b(?:soll|sollen)\b[^,;:]*?\s(?:\w+\s+(?:worden\s+)?(?:sein|haben)|gewesen\s+sein)\s*[.!?]?$")
_KONJ2_SPEECH = {"wäre", "wären", "hätte", "hätten", "würde", "würden", "gäbe"}
_NOT_KONJ1 = {"bitte", "gerne", "lange", "ohne", "heute", "beide", "ebene"}
_ABBREVIATIONS = {"Dr", "Prof", "Nr", "St", "bzw", "ca", "vgl", "Mio", "Mrd", "Abs", "Art", "Str", "usw", "etc",
                  "Jh", "Chr", "Hr", "Fr", "geb", "gest", "inkl", "ggf", "z", "B", "u", "a", "d", "h", "S", "v"}
_SENTENCE_END = re.compile(r"[.!?…]+[\"“”«»‘’)]*(?=\s+[\"„»«‚(\[]?[A-ZÄÖÜ0-9])|\n+")


@dataclass
class Quote:
    """One quotation found: body offsets, kind, cue and speaker."""

    kind: str
    start: int
    end: int
    cue: str | None = None
    speaker: str | None = None
    speaker_entity_id: str | None = None


@lru_cache(maxsize=65536)
def is_subjunctive(word: str) -> bool:
    """Konjunktiv I of the third person (sei, seien, habe, plane, handle, liefere): the verb of
    reported speech. simplemma gives the infinitive; the subjunctive is the infinitive minus its n."""
    if word in ("sei", "seien"):
        return True
    if not word.islower() or not word.endswith("e") or len(word) < 4 or word in _NOT_KONJ1:
        return False
    lemma = simplemma.lemmatize(word, lang="de")
    return lemma == word + "n" or (lemma.endswith(("eln", "ern")) and word == lemma[:-1] + "e")


def sentences(body: str) -> list[tuple[int, int]]:
    """Sentence spans of a body: ends at . ! ? before a capital, and at line breaks; not after
    abbreviations (Dr., z. B.) or a day number (5. August)."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(body):
        before = body[max(start, m.start() - 12):m.start()].split()
        last = before[-1] if before else ""
        if m.group()[0] == "." and (last in _ABBREVIATIONS or (last.isdigit() and len(last) <= 2)):
            continue
        end = m.end() if m.group()[0] != "\n" else m.start()
        if body[start:end].strip():
            spans.append(_strip(body, start, end))
        start = m.end()
    if body[start:].strip():
        spans.append(_strip(body, start, len(body)))
    return spans


def _strip(body: str, start: int, end: int) -> tuple[int, int]:
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, end


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


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _speech_cue(text: str, verbs: set[str] = _SPEECH_VERBS) -> re.Match | None:
    for m in _WORD.finditer(text):
        if m.group() in verbs:
            return m
    return None


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


def _is_quotation(inner: str, words: list[str], frame_before: str, frame_after: str) -> bool:
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
            _speech_cue(frame_after[:30], _AFTER_QUOTE_VERBS) and frame_after.lstrip().startswith(",")
            or _SO_SPEAKER_AFTER.match(frame_after)):
        return True
    if _SLOGAN.search(frame_before[-40:]):
        # Words chanted, written or said: Parolen wie „Stoppt den Überwachungswahn“, mit den Worten „…“.
        return True
    if _INDEFINITE_BEFORE.search(frame_before) and (
            _CALLED.search(frame_before + " " + frame_after) or _konj1_in(frame_before + " " + frame_after)):
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
    source = _REPORT_MARKER.search(context) and not re.search(r"\b(?:[Ll]aut|[Gg]emäß)\s*$", frame_before)
    return words[0][:1].islower() and bool(
        _speech_cue(context) or _subjunctive_in(context) or re.match(r"\s*,?\s*so\s", frame_after) or source)


class _Article(Speakers):
    """One body with its mentions, sentences and the speaker rules the quotation rules share."""

    def __init__(self, body: str, mentions: list[Mentioned]):
        super().__init__(body, mentions)
        self.sentences = sentences(body)
        self.sentence_starts = [s for s, _ in self.sentences]

    def sentence_at(self, pos: int) -> tuple[int, int]:
        """The sentence span that holds pos (the whole body when it has none)."""
        k = max(0, bisect_right(self.sentence_starts, pos) - 1)
        return self.sentences[k] if self.sentences else (0, len(self.body))


def _subjunctive_in(text: str) -> bool:
    return any(is_subjunctive(w) or w in _KONJ2 for w in _words(text))


_ZU_INFINITIVE = re.compile(
    r"(?:\bzu\s+(?!(?:den|einen|ihren|seinen|unseren|diesen|allen|beiden|vielen|anderen)\b)[a-zäöü]{3,}n"
    r"|\b(?:ab|an|auf|aus|bei|ein|fest|her|heraus|hin|hinzu|mit|nach|vor|weg|zurück|zusammen|"
    r"durch|um|über|unter|wieder|fort|weiter|dar|frei|bekannt|teil|stand)zu[a-zäöü]+n)"
    r"(?:\s+(?:lassen|wollen|können|haben|sein|werden))?(?=\W*$|,)")


def _zu_infinitive_end(clause: str) -> int | None:
    """Where a clause's zu-infinitive complement ends (..., das Amt abzugeben / Raketen zu feuern, ...):
    what was announced, asked or threatened; the sentence's last one where it ends the sentence. None when
    the clause has none, or only a purpose clause (um ... zu, ohne ... zu)."""
    found = list(_ZU_INFINITIVE.finditer(clause))
    if not found:
        return None
    last = found[-1] if not clause[found[-1].end():].strip(" .!?;)") else found[0]
    if re.match(r"\s*(?:um|ohne|statt|anstatt)\s", clause[clause.rfind(",", 0, last.start()) + 1:]):
        return None
    return last.end()


def _konj1_in(text: str) -> bool:
    return any(is_subjunctive(w) for w in _words(text))


def find_quotes(body: str, mentions: list[Mentioned]) -> list[Quote]:
    """All quotations of one body, ordered by start: the direct ones, then each sentence's indirect, free
    indirect and reported speech, then the speakers of direct quotations without a frame."""
    art = _Article(body, mentions)
    quotes, direct_cover = _direct_quotes(art)
    _sentence_quotes(art, quotes, direct_cover)
    quotes.sort(key=lambda q: (q.start, q.end))
    _unframed_direct_speakers(art, quotes, art.sentence_starts)
    return quotes


def _direct_quotes(art: _Article) -> tuple[list[Quote], list[tuple[int, int]]]:
    """Quotations in marks with their speakers, and the spans of those of four words or more (the sentences
    they fill have no indirect speech of their own)."""
    body = art.body
    quotes: list[Quote] = []
    direct_cover: list[tuple[int, int]] = []
    previous_direct: Quote | None = None
    for a, b in quoted_spans(body):
        inner_words = _words(body[a + 1:b - 1])
        s, e = art.sentence_at(a)
        # A quotation may run over several sentences: its frame is the text around it up to the sentence bounds.
        e = max(e, art.sentence_at(b - 1)[1])
        s = min(s, a)
        if not _is_quotation(body[a + 1:b - 1], inner_words, body[s:a], body[b:e]):
            continue
        q = Quote("direct", a, b)
        _direct_speaker(art, q, s, e, previous_direct)
        quotes.append(q)
        previous_direct = q
        if len(inner_words) >= 4:
            direct_cover.append((a, b))
    return quotes, direct_cover


def _direct_speaker(art: _Article, q: Quote, s: int, e: int, previous_direct: Quote | None) -> None:
    """The cue and speaker of the direct quotation q in the frame body[s:e]: after it (", sagte X", ", so X"),
    else before it (X sagte: / X:), else the sentence's first name or the quotation it continues."""
    body, a, b = art.body, q.start, q.end
    frame_before, frame_after = body[s:a], body[b:e]
    # A verb after "und" is the subject's next act, not a frame ("bezeichnete X als „…“ und erklärte, ...").
    coordinated = re.match(r"\s*(?:und|sowie|oder)\s", frame_after)
    cue_after = None if coordinated else _speech_cue(frame_after[:60], _AFTER_QUOTE_VERBS)
    so_after = re.match(r"\s*,?\s*so\s+", frame_after)
    if cue_after or so_after:
        cue_pos = b + (cue_after.start() if cue_after else so_after.end() - 3)
        q.cue = cue_after.group() if cue_after else "so"
        nxt = re.search(r"[„»«\"‚]", frame_after)
        stop = b + (nxt.start() if nxt else len(frame_after))
        q.speaker, q.speaker_entity_id = art.speaker(b, stop, cue_pos)
    else:
        cue_before = None
        for m in _WORD.finditer(frame_before):
            if m.group() in _SPEECH_VERBS:
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
        # No cue: a partial quotation ("bezeichnete X als „…“") is its sentence's subject's, its first name.
        named = art.speakers_in(s, a) or art.speakers_in(b, e)
        if named:
            q.speaker, q.speaker_entity_id = named[0].surface, named[0].entity_id
        elif previous_direct is not None and a - previous_direct.end < DIRECT_CONTINUATION_CHARS:
            # The second part of an interrupted quotation, or its next paragraph: the same speaker.
            q.speaker, q.speaker_entity_id = previous_direct.speaker, previous_direct.speaker_entity_id
            q.cue = previous_direct.cue


def _sentence_quotes(art: _Article, quotes: list[Quote], direct_cover: list[tuple[int, int]]) -> None:
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
            # Indirect speech may hold a direct quotation (er sagte, es sei „unfassbar, ...“); the quotation
            # alone, with no words of the indirect speech outside it, is no second quotation.
            found = _indirect(art, s, e)
            inside = [q for q in quotes if q.kind == "direct" and found and q.start <= found.end and q.end >= found.start]
            if found and len(_words(body[found.start:found.end])) - sum(
                    len(_words(body[q.start:q.end])) for q in inside) >= 3:
                quotes.append(found)
            spoken = [q for q in quotes if s <= q.start < e and q.speaker]
            if spoken:
                last_speaker, last_sentence = spoken[-1], k
            open_free = None
            continue
        found = _indirect(art, s, e)
        if found is not None and found.speaker is None and found.cue in ("heißt", "hieß"):
            # "Als Begründung dafür heißt es, ...", "..., heißt es.": the source or speaker just before.
            found.speaker, found.speaker_entity_id = _previous_speaker(
                art, k, _recent(art, k, last_speaker, last_sentence))
        according = _ACCORDING_TO_THAT.match(text)
        if found is None and according:
            # "Demnach erwartet Russland, ...": the content of the source or quotation just before.
            speaker, eid = _previous_speaker(art, k, last_speaker if last_sentence >= k - 1 else None)
            found = Quote("indirect", *_trim_end(body, s + according.end(), e), according.group(1), speaker, eid)
        if found:
            quotes.append(found)
            last_speaker, last_sentence, open_free = found, k, None
            continue
        # Konjunktiv II (würden, hätte) stands in for Konjunktiv I only right after reported speech.
        # Modal könnte, müsste, dürfte are as often the writer's own conjecture: they do not continue it.
        right_after = last_sentence == k - 1
        subjunctive = (_konj1_in(text) or (right_after and any(w in _KONJ2_SPEECH for w in _words(text)))
                       or bool(_HEARSAY.search(text)))
        if not (subjunctive and not _speech_cue(text)):
            open_free = None
            reported = _reported(art, s, e)
            if reported:
                quotes.append(reported)
                last_speaker, last_sentence = reported, k
            continue
        if open_free is not None and "\n" not in body[open_free.end:s]:
            # Reported speech that goes on over several sentences is one quotation.
            open_free.end = _trim_end(body, s, e)[1]
        else:
            speaker, eid = _previous_speaker(art, k, _recent(art, k, last_speaker, last_sentence))
            open_free = Quote("free_indirect", *_trim_end(body, s, e), None, speaker, eid)
            quotes.append(open_free)
        last_sentence = k


def _unframed_direct_speakers(art: _Article, quotes: list[Quote], sentence_starts: list[int]) -> None:
    """A direct quotation with no frame and no name in its sentence goes on with whoever spoke last: words in
    marks inside reported speech (Hier seien die Mittel „völlig unrealistisch“, train 187, 362, 372, 398) and a
    quotation after its speaker's sentence (will Oettinger ... straffen. „Nicht jede Formel ...“, 327, 179)."""
    last: Quote | None = None
    for q in quotes:
        if q.kind == "direct" and q.speaker is None and q.cue in (None, ":"):
            k = max(0, bisect_right(sentence_starts, q.start) - 1)
            said_in = bisect_right(sentence_starts, last.start) - 1 if last is not None else -1
            q.speaker, q.speaker_entity_id = _previous_speaker(art, k, _recent(art, k, last, said_in))
        if q.speaker is not None:
            last = q


def _recent(art: _Article, k: int, last: Quote | None, said_in: int) -> Quote | None:
    """The last quotation (said in sentence said_in) while its speaker still speaks in sentence k: within
    FREE_INDIRECT_REACH sentences, unless the sentence just before, after it, names a new subject (Der
    Finanzbürgermeister Hartmut Vorjahn will ... präsentieren. Die Stadt müsse ... entscheiden)."""
    if last is None or said_in < k - FREE_INDIRECT_REACH:
        return None
    if said_in < k - 1 and k > 0 and art.subject(*art.sentences[k - 1])[1] is not None:
        return None
    return last


_ACCORDING_TO_THAT = re.compile(r"(Demnach|Dementsprechend)\s+")


def _previous_speaker(art: _Article, k: int, recent: Quote | None) -> tuple[str | None, str | None]:
    """Who goes on speaking in sentence k: the speaker of a recent quotation, else the subject of the
    sentence before (Der Iran streitet dies ab. Sein Programm diene ...)."""
    if recent is not None:
        return recent.speaker, recent.speaker_entity_id
    return art.subject(*art.sentences[k - 1]) if k > 0 else (None, None)


def _trim_end(body: str, start: int, end: int) -> tuple[int, int]:
    while end > start and body[end - 1] in " .;:":
        end -= 1
    return start, end


def _indirect(art: _Article, s: int, e: int) -> Quote | None:
    """Indirect speech of the sentence body[s:e]: cue with a dass/ob or subjunctive clause, or a marker."""
    body = art.body
    text = body[s:e]
    for cue in _WORD.finditer(text):
        word = cue.group()
        if word not in _SPEECH_VERBS and word not in _NOUN_CUES:
            continue
        # Frame first: "X sagte am Montag, dass ..." / "X sagte, er sei ..."
        comma = text.find(",", cue.end())
        colon = text.find(":", cue.end())
        if colon != -1 and (comma == -1 or colon < comma) and colon - cue.end() < 60:
            comma = colon
        if comma != -1 and comma - cue.end() < 70:
            rest_start = s + comma + 1
            rest = body[rest_start:e]
            conj = _CONJUNCTION.match(rest)
            zu_end = None if conj else _zu_infinitive_end(rest)
            subjunctive = word not in _NOUN_CUES and _subjunctive_in(" ".join(_words(rest)[:12]))
            if conj or zu_end is not None or subjunctive:
                qs = rest_start + (conj.start(1) if conj else len(rest) - len(rest.lstrip()))
                qe = rest_start + zu_end if zu_end is not None else e
                speaker, eid = art.speaker(s, rest_start, s + cue.start())
                return Quote("indirect", *_trim_end(body, qs, qe), _cue_phrase(text, cue), speaker, eid)
        # Frame last: "Er sei bereit, sagte X." -- the cue right after a comma.
        before = text[:cue.start()].rstrip()
        if before.endswith(",") and word in _AFTER_QUOTE_VERBS and len(_words(before)) >= 3:
            clause = before[:-1]
            frame_words = len(_words(text[cue.start():]))
            # An indicative clause counts too when the frame closes the sentence: "..., teilte die Polizei mit."
            short_frame = frame_words <= 6 and len(_words(clause)) >= 4
            if _subjunctive_in(clause) or _CONJUNCTION.match(clause) or short_frame:
                speaker, eid = art.speaker(s + cue.start(), e, s + cue.start())
                return Quote("indirect", *_trim_end(body, s, s + len(clause)), word, speaker, eid)
    marker = _REPORT_MARKER.search(text)
    if marker and len(_words(text)) >= 5:
        return _reported_by_marker(art, s, e, marker)
    return None


# Speech acts reported without their words: "X sprach von ...", "X bezeichnete Y als Z", "X forderte ...".
# Only the verbs whose sentences quotes-de (train) annotates as quotations more often than not; kritisierte,
# begrüßte, würdigte, äußerte sich are left out (0 to 25 % of their sentences are).
_REPORTING = re.compile(
    r"\b(?:sprachen?\s+(?:[^,.]{0,60}?\s)?von|spricht\s+(?:[^,.]{0,60}?\s)?von|bezeichnete[n]?|bezeichnet|nannten?|"
    r"forderte[n]?(?!\s+\d)|verurteilte[n]?(?!\s+[A-ZÄÖÜ])|bezifferte[n]?|beziffert|hob(?:en)?\s+[^,.]{0,60}?\bhervor|"
    r"(?:hat|haben|hatte|hatten)\s[^,.]{0,160}?\s(?:gefordert|verurteilt))\b")


def _reported(art: _Article, s: int, e: int) -> Quote | None:
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
    named = art.speakers_in(s, e)
    if named:
        before = [m for m in named if m.start < s + cue.start()]
        speaker = before[0] if before else named[0]
        return Quote("reported", *_trim_end(art.body, s, e), verb, speaker.surface, speaker.entity_id)
    pronoun = re.match(r"(Er|Sie)\s", text)
    if pronoun:
        person = art.person_before(s, pronoun=pronoun.group(1))
        return Quote("reported", *_trim_end(art.body, s, e), verb, pronoun.group(1),
                     person.entity_id if person else None)
    return None


def _cue_phrase(text: str, cue: re.Match) -> str:
    """The cue with its separated particle where one follows (teilte ... mit, kündigte ... an)."""
    particle = re.match(r"[^,.:]{0,40}?\b(mit|an|hinzu|ein|zu|bekannt|fest|klar|hin|vor|aus)(?=\s*[,:])",
                        text[cue.end():])
    return f"{cue.group()} {particle.group(1)}" if particle else cue.group()


def _verb_after_source(text: str) -> re.Match | None:
    """The first word after a source (laut einem Bericht des Ministeriums, nach Angaben der örtlichen Polizei)
    that is neither part of its noun phrases nor a name: the finite verb that starts the content."""
    in_phrase = False
    for m in _WORD.finditer(text):
        word = m.group()
        if word in _SOURCE_WORDS:
            in_phrase = True
        elif word[:1].isupper():
            in_phrase = False
        elif not in_phrase:
            return m
    return None


def _source_end(text: str, after_noun: bool = False) -> int:
    """Where the source's noun phrase that opens text ends (" einem Sprecher des Unternehmens RWE würde ..."
    -> after RWE): articles, prepositions, adjectives after them, capitalised words and names in marks, each
    genitive or preposition hanging on the noun before (after_noun: on the marker's, nach Angaben | der
    Polizei); 0 when text opens with none."""
    end, expect = 0, "noun" if after_noun else "start"  # start: an article or noun may follow; noun: a genitive, preposition or und
    for m in re.finditer(r"[„»\"][^„“»«\"]{1,40}[“«\"]|[\wÄÖÜäöüß.'’-]+|\S", text):
        word = m.group()
        lower = word.lower()
        if word[:1] in "„»\"" or word[:1].isupper() and lower not in _ARTICLE_WORDS:
            end, expect = m.end(), "noun"
        elif expect == "noun" and lower in ("der", "des", "eines", "einer", "und", "von", "vom", "im", "in", "aus",
                                            "zur", "zum", "bei", "beim", "für"):
            expect = "start"
        elif expect == "start" and (lower in _ARTICLE_WORDS or re.fullmatch(r"[a-zäöüß]+(?:e|en|er|es|em)", word)):
            continue
        else:
            break
    return end


_ARTICLE_WORDS = {"der", "die", "das", "des", "dem", "den", "ein", "eine", "einem", "einen", "eines", "einer"}
# Lower-case words inside a source after laut / nach Angaben (laut einem Bericht des Ministeriums).
_SOURCE_WORDS = {"der", "des", "dem", "den", "die", "von", "vom", "zur", "zum", "und", "aus", "eines", "einer", "einem", "ein", "eine",
                 "in", "im"}


def _reported_by_marker(art: _Article, s: int, e: int, marker: re.Match) -> Quote:
    """Laut X / X zufolge / nach Angaben von X / wie X mitteilte / ..., so X: the rest of the sentence is the content."""
    body, text = art.body, art.body[s:e]
    word = marker.group().strip(" ,").split()[0].lower()
    if word == "so":
        # ", so das Ergebnis einer Studie der Stiftung Warentest, ...": the source runs to the next comma.
        comma = text.find(",", marker.end())
        speaker, eid = art.speaker(s + marker.end(), s + comma if comma != -1 else e, s + marker.end(), nearest=True)
        return Quote("indirect", *_trim_end(body, s, s + marker.start()), "so", speaker, eid)
    if word == "zufolge":
        # "Der Polizei zufolge wurden ...": the frame runs from the sentence start to the marker.
        frame_start = s if marker.start() < 60 else s + text.rfind(",", 0, marker.start()) + 1
        speaker, eid = art.source(frame_start, s + marker.start())
        content_start = s + marker.end() if marker.start() < 60 else s
        end = e if marker.start() < 60 else frame_start - 1
        return Quote("indirect", *_strip(body, *_trim_end(body, content_start, end)), "zufolge", speaker, eid)
    if word == "wonach":
        # "..., wonach die Maus den Brand verursacht habe": the clause after wonach is the content.
        speaker, eid = art.speaker(s, s + marker.start(), s + marker.start(), nearest=True)
        return Quote("indirect", *_trim_end(body, s + marker.end(), e), "wonach", speaker, eid)
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
        source_end = s + marker.end() + _source_end(text[marker.end():], after_noun=word == "nach")
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
        return Quote("indirect", *_strip(body, *_trim_end(body, s + frame_end, e)), cue, speaker, eid)
    return Quote("indirect", *_trim_end(body, s, e), cue, speaker, eid)


def quote_id(doc_id: str, start_char: int) -> str:
    """Stable id of a quotation: its document (first 16 hex digits) and its start offset in the body."""
    return f"{doc_id[:16]}-{start_char}"


def quotes_batch(articles: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """Quotations of the German articles of a batch, one row each (QUOTE_COLUMNS)."""
    by_doc: dict[str, list[Mentioned]] = {}
    if not mentions.empty:
        for doc_id, eid, label, surface, start, end in zip(
                mentions["doc_id"], mentions["entity_id"], mentions["label"], mentions["surface"],
                mentions["start_char"], mentions["end_char"]):
            by_doc.setdefault(doc_id, []).append(Mentioned(int(start), int(end), label, eid, surface))
    rows = []
    german = articles[articles["language"] == "de"]
    for doc_id, body in zip(german["doc_id"], german["body"]):
        if not isinstance(body, str) or not body:
            continue
        seen = set()
        for q in find_quotes(body, by_doc.get(doc_id, [])):
            if q.start in seen or q.end <= q.start:
                continue
            seen.add(q.start)
            rows.append({"doc_id": doc_id, "quote_id": quote_id(doc_id, q.start), "kind": q.kind,
                         "quote": body[q.start:q.end], "start_char": q.start, "end_char": q.end, "cue": q.cue,
                         "speaker": q.speaker, "speaker_entity_id": q.speaker_entity_id})
    frame = pd.DataFrame(rows, columns=QUOTE_COLUMNS)
    # One schema whatever the batch holds: text columns str (missing values NaN), offsets int64.
    return frame.astype({c: ("int64" if c in ("start_char", "end_char") else "str") for c in QUOTE_COLUMNS})


def quotes_of(articles: pd.DataFrame, mentions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """quotes_batch with per-document isolation: quotes rows, and rejected rows (doc_id, stage, reason, detail)."""
    return isolated("quote", articles, lambda batch: (quotes_batch(batch, mentions[mentions["doc_id"].isin(
        batch["doc_id"])] if not mentions.empty else mentions),))
