"""newsetl.transforms.dates: one parser for the dates of plain text and HTML pages."""
import datetime as dt

import pytest

from newsetl.transforms.dates import EARLIEST, LATEST_MARGIN, find_date, find_day


@pytest.mark.parametrize("text, expected, precision", [
    ("30. Oktober, 2024", "2024-10-30T00:00", "day"),
    ("Stand: 12.03.2024, 14:05 Uhr", "2024-03-12T14:05", "day"),
    ("date 2025-01 Von Euronews", "2025-01-01T00:00", "month"),
    ("veröffentlicht 2023-05-07T08:30", "2023-05-07T08:30", "day"),
    ("3. Jan. 2022", "2022-01-03T00:00", "day"),
    ("07 Dezember, 2022", "2022-12-07T00:00", "day"),
    ("Wien, 3. Jänner 2021", "2021-01-03T00:00", "day"),
    ("15. Feber 2020", "2020-02-15T00:00", "day"),
    ("Jänner 2019", "2019-01-01T00:00", "month"),
    ("28.09.19", "2019-09-28T00:00", "day"),
])
def test_a_date_is_found_with_its_precision(text, expected, precision):
    found = find_date(text)
    assert (found.value.isoformat(timespec="minutes"), found.precision) == (expected, precision)


def test_the_span_covers_the_date_and_its_time():
    text = "Von Anna Muster | 12.03.2024, 14:05 Uhr"
    found = find_date(text)
    assert text[found.start:found.end] == "12.03.2024, 14:05"


def test_a_utc_stamp_becomes_the_german_local_day():
    assert find_day("2023-11-05T23:30:00Z") == dt.date(2023, 11, 6)


def test_a_slashed_date_is_month_first_unless_the_first_number_is_above_twelve():
    assert find_day("12/06/2019") == dt.date(2019, 12, 6)
    assert find_day("26/12/2019") == dt.date(2019, 12, 26)


def test_explicit_forms_win_over_earlier_looser_ones():
    # htmldate's order: an ISO stamp anywhere beats a German date printed before it.
    assert find_day("Aktualisiert 01.02.2021, erschienen 2020-05-04T10:00:00+02:00") == dt.date(2020, 5, 4)


def test_dates_outside_the_plausibility_window_are_skipped():
    too_late = dt.date.today() + LATEST_MARGIN + dt.timedelta(days=1)
    too_early = EARLIEST - dt.timedelta(days=1)
    assert find_date(f"{too_early:%d.%m.%Y}") is None
    assert find_day(f"Termin: {too_late:%d.%m.%Y}, erschienen 02.03.2021") == dt.date(2021, 3, 2)


def test_day_patterns_leave_out_two_digit_years_and_months():
    assert find_day("Januar 2025, Beitrag vom 28.09.19") is None
    assert find_day("28.09.19", ("short_year",)) == dt.date(2019, 9, 28)


def test_no_date_in_plain_words():
    assert find_date("Politik") is None


@pytest.mark.parametrize("text, expected", [
    ("macbacchi 28.09.19 12:44 hallo, hat jemand eine Idee", dt.date(2019, 9, 28)),  # a forum post's stamp
    ("Von Simon Braasch 19.10.19, 08:16 Uhr", dt.date(2019, 10, 19)),
    ("Erstellt am 01.01.23 um 08:35", dt.date(2023, 1, 1)),
])
def test_a_two_digit_year_with_its_time_of_day_is_a_day(text, expected):
    assert find_day(text) == expected


def test_a_two_digit_year_without_a_time_or_with_an_impossible_one_is_no_day():
    assert find_day("Ausgabe 28.09.19, Seite 3") is None
    assert find_day("Stand 28.09.19 25:61") is None


def test_a_four_digit_year_beats_a_two_digit_stamp_printed_before_it():
    assert find_day("Kommentar 03.11.21 10:15 zum Artikel vom 02.11.2021") == dt.date(2021, 11, 2)
