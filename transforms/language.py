"""Language: ISO 639-1 code of an article body, from a detector restricted to likely languages."""
from __future__ import annotations

from lingua import IsoCode639_1, LanguageDetectorBuilder

from newsetl.transforms.codes import LANGUAGES
from newsetl.transforms.once import once


@once
def detector():
    """The lingua detector restricted to the warehouse's languages, built once per process.

    Restricting it keeps it fast and small (all languages cost 6.6 s and 930 MB). Low accuracy mode
    (trigram models only): in high accuracy mode, the first body that the rules and trigrams do not
    settle (a list of match results) loaded every language's larger models, 233 MB and 1.75 s in each
    worker, while both modes gave the same answer on 2,500 real articles of 10kgnad and wikinews-de and 339
    extraction-de pages (German, English, French); the mode is meant for texts of DETECT_CHARS's length.
    """
    codes = [getattr(IsoCode639_1, code.upper()) for code in LANGUAGES]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_low_accuracy_mode().build()


# The detector's cost grows with the text; a paragraph or two decide as well as 2,000 characters did
# on 300 real articles, at a third of the time (README, Scale-out).
DETECT_CHARS = 600


def detect_language(text: str) -> str | None:
    """'de', 'en', 'fr', ... for the text, or None when no language is confident."""
    language = detector().detect_language_of(text[:DETECT_CHARS])
    return language.iso_code_639_1.name.lower() if language else None
