"""The words and sentences of speech: cue verbs and nouns, source markers, the subjunctive of reported
speech, zu-infinitive complements and sentence spans; the quote rules read a text through these."""
from __future__ import annotations

import re
from functools import lru_cache

import simplemma

WORD = re.compile(r"[\wÄÖÜäöüß]+(?:[-'’][\wÄÖÜäöüß]+)*")

_WEAK_SPEECH_STEMS = [
    "sag", "erklär", "beton", "warn", "bericht", "meld", "versicher", "bestätig", "behaupt", "erläuter",
    "mahn", "forder", "kritisier", "argumentier", "mein", "glaub", "vermut", "hoff", "befürcht", "fürcht",
    "schätz", "bekräftig", "beklag", "beteuer", "dementier", "ergänz", "antwort", "äußer", "zitier",
    "erinner", "verkünd", "präzisier", "unterstell", "klag", "prophezei", "spekulier", "berücksichtig",
    "resümier", "bilanzier", "begründ", "signalisier", "bedauer", "insistier", "schilder", "mutmaß",
    "appellier", "prognostizier", "unterricht", "informier", "verlaut", "verdeutlich", "bemängel",
    "beanstand", "beschwer", "monier", "rechtfertig", "folger", "urteil", "erzähl", "bitt",
    "beschuldig", "versprech", "vorwerf", "empfehl", "bezweifel", "leugn", "verlang", "plädier", "vereinbar",
    "beantrag", "ermahn", "frag",
]
_STRONG_SPEECH_FORMS = [
    "schrieb", "schrieben", "schreibt", "geschrieben", "unterstrich", "unterstrichen", "unterstreicht",
    "bestritt", "bestritten", "bestreitet", "entgegnete", "entgegnet", "erwiderte", "erwidert",
    "hieß", "heißt", "rief", "wies", "verwies", "verweist", "gab", "gibt", "räumte", "räumt", "fügte",
    "fügt", "kündigte", "kündigt", "teilte", "teilt", "stellte", "wirft", "warf", "sprach", "spricht",
    "drohte", "droht", "riet", "rät", "empfahl", "empfiehlt", "nannte", "nennt", "bezeichnete",
    "bezeichnet", "beschrieb", "beschreibt", "vermeldete", "weiß", "wusste", "geht", "ging", "hält",
    "hielt", "zeigte", "zeigt", "sieht", "sah", "befand", "beschloss", "entschied", "hob", "hebt", "vertritt",
    "vertrat",
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
NOUN_CUES = {"Hypothese", "Verdacht", "Beschluss", "Forderung", "Forderungen", "Vorwurf", "Vorwürfe",
              "Ankündigung", "Appell", "Bitte", "Hinweis", "Warnung", "Behauptung", "Aussage", "Erklärung",
              "Überzeugung", "Auffassung", "Ansicht", "Meinung", "Einschätzung", "Versprechen", "Zusage",
              "Aufforderung", "Aufruf"}
# Frame-only forms: the finite verb of a speech act whose complement follows after a comma.
# Weak verbs with a stem in d or t take -et, -ete (berichtete, begründet).
SPEECH_VERBS = ({s + ("e" if s.endswith(("d", "t")) else "") + e
                  for s in _WEAK_SPEECH_STEMS for e in ("t", "te", "ten")}
                 | {s + e for s in _WEAK_SPEECH_STEMS for e in ("en", "e")}
                 | {"ge" + s + ("et" if s.endswith(("d", "t")) else "t") for s in _WEAK_SPEECH_STEMS}
                 | set(_STRONG_SPEECH_FORMS) | set(_OTHER_SPEECH_FORMS))
# Cues for a quote after the frame in a sentence ("..., sagte er."); verbs that also mean other things
# (hält, sieht, geht, gab) are left out there.
AFTER_QUOTE_VERBS = SPEECH_VERBS - {"geht", "ging", "hält", "hielt", "sieht", "sah", "gab", "gibt",
                                      "zeigte", "zeigt", "stellte", "wies", "befand", "beschloss", "entschied",
                                      "weiß", "wusste", "nannte", "nennt"}
_SPEECH_NOUNS = ("Angaben", "Aussage", "Aussagen", "Worten", "Ansicht", "Meinung", "Auffassung", "Einschätzung",
                 "Einschätzungen", "Darstellung", "Information", "Informationen", "Berichten", "Bericht", "Schätzung",
                 "Schätzungen", "Erkenntnis", "Erkenntnissen", "Berechnung", "Berechnungen", "Stellungnahme",
                 "Ermittlungen", "Analyse", "Vorhersage", "Prognose", "Umfrage", "Medien", "Medienberichten")
REPORT_MARKER = re.compile(
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
CONJUNCTION = re.compile(r"\s*(dass|daß|ob)\b")
_KONJ2 = {"wäre", "wären", "hätte", "hätten", "würde", "würden", "könnte", "könnten", "müsste", "müssten",
          "dürfte", "dürften", "gäbe", "läge", "käme"}
# "sollen" with a perfect infinitive reports what others say happened (Er soll geflohen sein).
HEARSAY = re.compile(
    r"\b(?:soll|sollen)\b[^,;:]*?\s(?:\w+\s+(?:worden\s+)?(?:sein|haben)|gewesen\s+sein)\s*[.!?]?$")
KONJ2_SPEECH = {"wäre", "wären", "hätte", "hätten", "würde", "würden", "gäbe"}
_NOT_KONJ1 = {"bitte", "gerne", "lange", "ohne", "heute", "beide", "ebene"}
_ABBREVIATIONS = {"Dr", "Prof", "Nr", "St", "bzw", "ca", "vgl", "Mio", "Mrd", "Abs", "Art", "Str", "usw", "etc",
                  "Jh", "Chr", "Hr", "Fr", "geb", "gest", "inkl", "ggf", "z", "B", "u", "a", "d", "h", "S", "v"}
_SENTENCE_END = re.compile(r"[.!?…]+[\"“”«»‘’)]*(?=\s+[\"„»«‚(\[]?[A-ZÄÖÜ0-9])|\n+")


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
        if m.group()[0] == "." and (last in _ABBREVIATIONS or (last.isdigit() and len(last) <= 2) or _initial(last)):
            continue
        end = m.end() if m.group()[0] != "\n" else m.start()
        if body[start:end].strip():
            spans.append(strip_spaces(body, start, end))
        start = m.end()
    if body[start:].strip():
        spans.append(strip_spaces(body, start, len(body)))
    return spans


def _initial(word: str) -> bool:
    """A name's initial (George W. Bush, C.Y. Leung): one capital, or capitals with dots."""
    return bool(re.fullmatch(r"(?:[A-ZÄÖÜ]\.)*[A-ZÄÖÜ]", word))


def strip_spaces(body: str, start: int, end: int) -> tuple[int, int]:
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, end



def words_of(text: str) -> list[str]:
    return WORD.findall(text)


def speech_cue(text: str, verbs: set[str] = SPEECH_VERBS) -> re.Match | None:
    for m in WORD.finditer(text):
        if m.group() in verbs:
            return m
    return None



def subjunctive_in(text: str) -> bool:
    return any(is_subjunctive(w) or w in _KONJ2 for w in words_of(text))


_ZU_INFINITIVE = re.compile(
    r"(?:\bzu\s+(?!(?:den|einen|ihren|seinen|unseren|diesen|allen|beiden|vielen|anderen)\b)[a-zäöü]{3,}n"
    r"|\b(?:ab|an|auf|aus|bei|ein|fest|her|heraus|hin|hinzu|mit|nach|vor|weg|zurück|zusammen|"
    r"durch|um|über|unter|wieder|fort|weiter|dar|frei|bekannt|teil|stand)zu[a-zäöü]+n)"
    r"(?:\s+(?:lassen|wollen|können|haben|sein|werden))?(?=\W*$|,)")


def zu_infinitive_end(clause: str) -> int | None:
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


def konj1_in(text: str) -> bool:
    return any(is_subjunctive(w) for w in words_of(text))



def trim_end(body: str, start: int, end: int) -> tuple[int, int]:
    while end > start and body[end - 1] in " .;:":
        end -= 1
    return start, end
