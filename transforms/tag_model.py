"""The shipped spaCy NER model: loaded once, fed long texts in pieces, its entities as mentions."""
from __future__ import annotations

import logging
from pathlib import Path

import simplemma

from newsetl.transforms.codes import ENTITY_LABELS, LOC, PER
from newsetl.transforms.once import once
from newsetl.transforms.tag_rules import (
    Mention,
    _inflected_noun,
    _place_mention,
    person_key,
)

log = logging.getLogger(__name__)
MODEL_DIR = Path(__file__).parent / "models" / "ner_de"
# spaCy refuses a text over nlp.max_length (1,000,000 characters), and the model's memory follows
# the characters it is given at once (measured: 100,000 characters in one call, about 300 MB over
# the loaded model; 20,000, about 35 MB). A longer text goes through the model in pieces of
# MODEL_CHUNK_CHARS, cut at paragraph, line, sentence or word ends, with the offsets shifted back;
# pieces go through in groups of at most MODEL_BATCH_CHARS. Speed does not depend on either size;
# tagging 500 real articles peaks 110 MB lower with groups of 20,000 characters than of 50,000.
MODEL_CHUNK_CHARS = 10_000
MODEL_BATCH_CHARS = 20_000


@once
def load_model():
    """The shipped spaCy NER model, loaded once per process; None where it is missing."""
    if not (MODEL_DIR / "meta.json").exists():
        log.warning("no NER model at %s: tagging with rules only", MODEL_DIR)
        return None
    import spacy

    return spacy.load(MODEL_DIR)


def _model_mentions(docs) -> list[list[Mention]]:
    result = []
    for doc in docs:
        mentions = []
        for ent in doc.ents:
            if ent.label_ not in ENTITY_LABELS or _inflected_noun(ent.text):
                continue
            if ent.label_ == LOC:
                place = _place_mention(ent.start_char, ent.end_char, ent.text, "model")
                if place:
                    mentions.append(place)
                    continue
            span = _trim_person(ent) if ent.label_ == PER else ent
            if ent.label_ == PER:
                key, name = person_key(span.text)
            else:
                key, name = " ".join(span.text.lower().split()), " ".join(span.text.split())
            mentions.append(Mention(span.start_char, span.end_char, ent.label_, key, name, source="model"))
        result.append(mentions)
    return result


def _trim_person(ent):
    """Cut a person span before an inflected common noun the model ran into ("Dunfords Gesprächen")."""
    for i, token in enumerate(ent[1:], start=1):
        text = token.text
        lemma = simplemma.lemmatize(text, lang="de")
        genitive = text.endswith("s") and lemma == text[:-1]  # Merkels is still Merkel
        if text[:1].isupper() and lemma != text and not genitive and simplemma.is_known(lemma, lang="de"):
            return ent[:i]
    return ent


def model_pieces(text: str, size: int = MODEL_CHUNK_CHARS) -> list[tuple[int, str]]:
    """(offset, piece) covering text in order, each piece at most size characters.

    A piece ends after the last paragraph break in its second half, else the last line break,
    sentence end or space there; a text without any is cut at size.
    """
    pieces, start = [], 0
    while len(text) - start > size:
        window = text[start:start + size]
        cut = size
        for separator in ("\n\n", "\n", ". ", " "):
            at = window.rfind(separator, size // 2)
            if at != -1:
                cut = at + len(separator)
                break
        pieces.append((start, window[:cut]))
        start += cut
    pieces.append((start, text[start:]))
    return pieces


def _pipe(model, pieces: list[str]):
    """The model's docs of the pieces, in order, run in groups of at most MODEL_BATCH_CHARS characters."""
    group: list[str] = []
    size = 0
    for piece in pieces:
        if group and size + len(piece) > MODEL_BATCH_CHARS:
            yield from model.pipe(group, batch_size=len(group))
            group, size = [], 0
        group.append(piece)
        size += len(piece)
    if group:
        yield from model.pipe(group, batch_size=len(group))
