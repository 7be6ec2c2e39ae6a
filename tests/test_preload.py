"""Preload: once it has run, a batch loads no model of its own."""
import pandas as pd

from newsetl.transforms import language, tag
from newsetl.transforms.clean import clean_article
from newsetl.transforms.preload import preload


def refuse(*args, **kwargs):
    raise AssertionError("a model was loaded after preload")


class RefusingBuilder:
    from_iso_codes_639_1 = staticmethod(refuse)


def test_after_preload_cleaning_and_tagging_load_no_model(monkeypatch):
    import spacy  # here, not at collection: importing spaCy takes a second

    preload()
    monkeypatch.setattr(spacy, "load", refuse)
    monkeypatch.setattr(language, "LanguageDetectorBuilder", RefusingBuilder)
    article = clean_article("Treffen in Berlin\n\nBerlin (dpa) - Bundeskanzler Olaf Scholz hat am Montag in Berlin "
                            "den französischen Präsidenten Emmanuel Macron empfangen, teilte ein Sprecher mit.", "text")
    mentions, _, rejected = tag.tag_batch(pd.DataFrame([{"doc_id": "a", "body": article["body"]}]))
    assert article["language"] == "de" and rejected.empty
    assert {"Olaf Scholz", "Berlin"} <= set(mentions["surface"])
