"""A quotation found, and the article the quote rules read: body, mentions, sentences, speaker rules."""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from newsetl.transforms.quote_grammar import sentences
from newsetl.transforms.speakers import Mentioned, Speakers


@dataclass
class Quote:
    """One quotation found: body offsets, kind, cue and speaker."""

    kind: str
    start: int
    end: int
    cue: str | None = None
    speaker: str | None = None
    speaker_entity_id: str | None = None



class Article(Speakers):
    """One body with its mentions, sentences and the speaker rules the quotation rules share."""

    def __init__(self, body: str, mentions: list[Mentioned]):
        super().__init__(body, mentions)
        self.sentences = sentences(body)
        self.sentence_starts = [s for s, _ in self.sentences]

    def sentence_at(self, pos: int) -> tuple[int, int]:
        """The sentence span that holds pos (the whole body when it has none)."""
        k = max(0, bisect_right(self.sentence_starts, pos) - 1)
        return self.sentences[k] if self.sentences else (0, len(self.body))
