"""A document that makes a stage raise is quarantined with the stage and the error; its batch goes on."""
import pandas as pd

from newsetl.transforms import clean, search, tag, themes
from newsetl.transforms.ingest import DecodedFile, IngestLimits

POISON = "Gift"
PROSE = ("Berlin (dpa) - Bundeskanzler Olaf Scholz hat am Montag in Berlin mit Präsident Emmanuel Macron "
         "über die Raketenabwehr gesprochen, wie ein Regierungssprecher mitteilte.")


def _articles() -> pd.DataFrame:
    return pd.DataFrame({"doc_id": ["good", "poison"], "title": ["Treffen", "Gift"],
                         "body": [PROSE, POISON + " " + PROSE]})


def _raise_on_poison(original):
    def patched(text, *args, **kwargs):
        if POISON in text:
            raise RuntimeError("kaputt im Test")
        return original(text, *args, **kwargs)
    return patched


def test_an_article_whose_tagging_raises_is_rejected_and_the_others_are_tagged(monkeypatch):
    monkeypatch.setattr(tag, "_rule_mentions", _raise_on_poison(tag._rule_mentions))
    mentions, aliases, rejected = tag.tag_batch(_articles())
    assert set(mentions["doc_id"]) == {"good"} and not aliases.empty
    assert rejected.to_dict("records") == [{"doc_id": "poison", "stage": "tag", "reason": "tag failed: RuntimeError",
                                            "detail": "RuntimeError: kaputt im Test"}]


def test_an_article_whose_themes_raise_is_rejected_and_the_others_are_scored(monkeypatch):
    monkeypatch.setattr(themes, "score_themes", _raise_on_poison(themes.score_themes))
    rows, rejected = themes.themes_batch(_articles())
    assert set(rows["doc_id"]) <= {"good"}
    assert list(rejected["doc_id"]) == ["poison"] and rejected["stage"].iloc[0] == "themes"


def test_an_article_whose_search_terms_raise_is_rejected_and_the_others_get_terms(monkeypatch):
    original = search.compound_parts

    def parts(word):
        if word == "Raketenabwehr":
            raise ValueError("zu lang")
        return original(word)

    monkeypatch.setattr(search, "compound_parts", parts)
    articles = _articles().assign(body=[PROSE.replace("Raketenabwehr", "Abwehr"), PROSE])
    rows, rejected = search.search_terms_batch(articles)
    assert list(rows["doc_id"]) == ["good"]
    assert rejected.to_dict("records") == [{"doc_id": "poison", "stage": "search", "reason": "search failed: ValueError",
                                            "detail": "ValueError: zu lang"}]


def test_a_document_whose_cleaning_raises_is_rejected_and_the_others_are_cleaned(monkeypatch):
    monkeypatch.setattr(clean, "clean_text", _raise_on_poison(clean.clean_text))
    documents = pd.DataFrame({"doc_id": ["good", "poison"], "status": ["loaded", "loaded"],
                              "source_path": ["good.txt", "poison.txt"]})
    texts = {"good": DecodedFile("Treffen in Berlin\n\n" + PROSE + "\n\n" + PROSE.replace("Montag", "Dienstag"),
                                 "utf-8", "text"),
             "poison": DecodedFile(POISON + "\n\n" + PROSE, "utf-8", "text")}
    articles, rejected = clean.clean_batch(documents, texts)
    assert list(articles["doc_id"]) == ["good"]
    assert rejected.to_dict("records") == [{"doc_id": "poison", "stage": "clean", "reason": "clean failed: RuntimeError",
                                            "detail": "RuntimeError: kaputt im Test"}]


def test_a_body_over_the_limit_is_rejected_by_clean():
    documents = pd.DataFrame({"doc_id": ["long"], "status": ["loaded"], "source_path": ["long.html"]})
    paragraphs = "".join(f"<p>{PROSE.replace('Montag', f'{day}. Mai')}</p>" for day in range(1, 21))
    page = f"<html><body><article><h1>Lang</h1>{paragraphs}</article></body></html>"
    articles, rejected = clean.clean_batch(documents, {"long": DecodedFile(page, "utf-8", "html")},
                                           IngestLimits(max_body_chars=1000))
    assert articles.empty
    assert rejected[["stage", "reason"]].values.tolist() == [["clean", "body too long"]]
