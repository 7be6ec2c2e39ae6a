"""Tag: article bodies -> entity mentions with character offsets and stable canonical entity ids."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pandas as pd

from newsetl.transforms.codes import PER, TAG
from newsetl.transforms.counting import telling
from newsetl.transforms.isolation import isolated
from newsetl.transforms.tag_model import (
    _model_mentions,
    _pipe,
    load_model,
    model_pieces,
)
from newsetl.transforms.tag_resolve import (
    _merge,
    _one_label_per_name,
    _resolve_people,
)
from newsetl.transforms.tag_rules import (
    Mention,
    _drop_common_nouns,
    _rule_mentions,
    entity_id,
)

MENTION_COLUMNS = ["doc_id", "entity_id", "label", "surface", "start_char", "end_char", "source", "is_derived"]
MENTION_KEY = ["doc_id", "start_char", "end_char", "entity_id"]  # the warehouse's key of mentions
ALIAS_COLUMNS = ["entity_id", "name", "label", "country_code", "alias"]


def tag_texts(texts: list[str], use_model: bool = True, use_rules: bool = True,
              done: Callable[[int], None] | None = None) -> list[list[Mention]]:
    """Mentions of each text: model and rules merged, persons resolved within the text.

    done: told how many texts (the first n) the model has been through, as it goes, for a progress line.
    """
    model = load_model() if use_model else None
    model_mentions: list[list[Mention]] = [[] for _ in texts]
    if model is not None:
        pieces = [(n, offset, piece) for n, text in enumerate(texts) for offset, piece in model_pieces(text)]
        docs = _pipe(model, [piece for _, _, piece in pieces])
        found = _model_mentions(docs if done is None else telling(docs, [n for n, _, _ in pieces], done))
        for (n, offset, _), mentions in zip(pieces, found):
            model_mentions[n] += [dataclasses.replace(m, start=m.start + offset, end=m.end + offset) for m in mentions]
    result = []
    for text, from_model in zip(texts, model_mentions):
        from_rules = _rule_mentions(text) if use_rules else []
        mentions = _merge(from_rules, _drop_common_nouns(text, from_model) if use_rules else from_model, text)
        result.append(_one_label_per_name(text, _resolve_people(text, mentions)) if use_rules else mentions)
    return result


def find_mentions(texts: list[str], use_model: bool = True, use_rules: bool = True) -> list[list[tuple[int, int, str]]]:
    """(start, end, label) of the named mentions in each text; derived adjectives are left out."""
    return [[(m.start, m.end, m.label) for m in mentions if not m.derived]
            for mentions in tag_texts(texts, use_model, use_rules)]


def tag_batch(articles: pd.DataFrame, known_entity_ids: frozenset[str] = frozenset(),
              done: Callable[[int], None] | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Mentions rows, entity alias rows and rejected rows (doc_id, stage, reason, detail) for a batch of articles.

    known_entity_ids (of the warehouse) let a genitive name (Donald Trumps) join the person
    (Donald Trump) seen in an earlier run. An article whose tagging raises is rejected with
    stage 'tag' and the error; the others are tagged. done: as tag_texts.
    """
    mentions, aliases, rejected = isolated(TAG, articles, lambda batch: _tag_rows(batch, known_entity_ids, done))
    return mentions, aliases.drop_duplicates(["entity_id", "alias"], ignore_index=True), rejected


def _tag_rows(articles: pd.DataFrame, known_entity_ids: frozenset[str],
              done: Callable[[int], None] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    bodies = articles["body"].tolist()
    tagged = tag_texts(bodies, done=done)
    person_ids = known_entity_ids | {entity_id(PER, m.key) for ms in tagged for m in ms if m.label == PER}
    mention_rows, alias_rows = [], {}
    for doc_id, body, mentions in zip(articles["doc_id"], bodies, tagged):
        for m in mentions:
            if m.label == PER and m.key.endswith("s") and entity_id(PER, m.key[:-1]) in person_ids:
                m.key, m.name = m.key[:-1], m.name[:-1]
            eid = entity_id(m.label, m.key)
            surface = body[m.start:m.end]
            mention_rows.append({"doc_id": doc_id, "entity_id": eid, "label": m.label, "surface": surface,
                                 "start_char": m.start, "end_char": m.end, "source": m.source,
                                 "is_derived": m.derived})
            alias_rows.setdefault((eid, surface), {"entity_id": eid, "name": m.name, "label": m.label,
                                                   "country_code": m.country_code, "alias": surface})
    mentions = pd.DataFrame(mention_rows, columns=MENTION_COLUMNS)
    # A name the model found and resolution found again (Zschäpes as the model's and as Zschäpe's genitive)
    # is one mention: the warehouse keys mentions by doc_id, span and entity. The model's or a rule's stays.
    by_source = mentions.assign(resolved=mentions["source"].eq("coref")).sort_values("resolved", kind="stable")
    mentions = mentions.loc[sorted(by_source.drop_duplicates(MENTION_KEY).index)].reset_index(drop=True)
    return mentions, pd.DataFrame(list(alias_rows.values()), columns=ALIAS_COLUMNS)
