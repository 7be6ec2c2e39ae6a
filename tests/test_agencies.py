"""The agency table: every credit it knows is read back in the agency's own spelling, by both extractors."""
import pytest

from newsetl.transforms.agencies import AGENCIES
from newsetl.transforms.clean import clean_article
from newsetl.transforms.html_extract.agency import agency_of, dateline

PROSE = ("Die Regierung hat am Montag in Berlin ein neues Gesetz zur Rente beschlossen, das im Sommer in Kraft "
         "treten soll, sagte eine Sprecherin am Abend vor Journalisten.")


def test_credits_are_lower_case_and_each_agency_answers_to_its_own_spelling():
    assert all(credit == credit.lower() for credit in AGENCIES)
    assert {AGENCIES[name.lower()] for name in AGENCIES.values()} == set(AGENCIES.values())


@pytest.mark.parametrize("agency", sorted(set(AGENCIES.values())))
def test_a_plain_text_dateline_credits_the_agency_in_its_own_spelling(agency):
    article = clean_article(f"Neues Rentengesetz\n\nBerlin ({agency}) - {PROSE}\n\n{PROSE}", "text")
    assert (article["dateline"], article["agency"]) == ("Berlin", agency)


@pytest.mark.parametrize("agency", sorted(set(AGENCIES.values())))
def test_an_html_dateline_in_lower_case_credits_the_agency_in_its_own_spelling(agency):
    assert dateline([f"Berlin ({agency.lower()}) - {PROSE}"]) == ("Berlin", agency)


def test_the_longest_credit_wins_and_a_word_containing_one_is_no_credit():
    assert agency_of("Quelle: dpa-AFX") == "dpa-AFX"
    assert agency_of("(AFP/dpa)") == "AFP"  # the first credited
    assert agency_of("Apartment in Berlin") is None
