"""Language detection: the body's language among the warehouse's languages, from its first paragraphs."""
import pytest

from newsetl.transforms.codes import LANGUAGES
from newsetl.transforms.language import DETECT_CHARS, detect_language, detector

GERMAN = "Der Kanzler sagte am Montag in Berlin, die Regierung werde noch vor dem Sommer über die Rente entscheiden. "
ENGLISH = "The president said on Monday in Washington that the government would decide on pensions before summer. "


@pytest.mark.parametrize("text, language", [
    (GERMAN, "de"), (ENGLISH, "en"),
    ("Le gouvernement a adopté mercredi le budget de l'année prochaine après de longues négociations.", "fr"),
    ("Il governo ha approvato mercoledì il bilancio per il prossimo anno dopo lunghe trattative.", "it"),
    ("El gobierno aprobó el miércoles el presupuesto del próximo año tras largas negociaciones.", "es"),
    ("De regering heeft woensdag na lange onderhandelingen de begroting voor volgend jaar goedgekeurd.", "nl"),
    ("Rząd przyjął w środę budżet na przyszły rok po długich negocjacjach.", "pl"),
    ("Hükümet çarşamba günü uzun müzakerelerin ardından gelecek yılın bütçesini onayladı.", "tr"),
])
def test_a_sentence_is_detected_in_its_language(text, language):
    assert detect_language(text) == language


def test_text_without_words_has_no_language():
    assert detect_language("") is None
    assert detect_language("12:30 – 14:45 | 3,5 % +++") is None


def test_a_language_outside_the_warehouse_is_never_answered():
    portuguese = "O governo aprovou na quarta-feira o orçamento para o próximo ano depois de longas negociações."
    assert detect_language(portuguese) in {*LANGUAGES, None}


def test_a_german_list_of_match_results_is_german():
    results = ("Freitag, 8. Februar 2008\n\nEintracht Frankfurt – Arminia Bielefeld 2 : 1 (1 : 0)\n\n"
               "Samstag, 9. Februar 2008\n\nVfL Wolfsburg – MSV Duisburg 2 : 1 (1 : 1)\n\n"
               "Hannover 96 – Karlsruher SC 2 : 2 (1 : 0)\n\nSonntag, 10. Februar 2008")
    assert detect_language(results) == "de"


def test_only_the_opening_decides():
    opening = GERMAN * (DETECT_CHARS // len(GERMAN) + 1)
    assert detect_language(opening + ENGLISH * 40) == "de"


def test_the_detector_is_built_once():
    assert detector() is detector()
