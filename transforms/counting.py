"""Work done as it goes, for a progress line: a stage tells a callback, never who listens."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

Item = TypeVar("Item")


def telling(items: Iterable[Item], owner_of_item: list[int], done: Callable[[int], None]) -> Iterator[Item]:
    """The items as they come, telling done(n) once the first n owners have all their items through.

    owner_of_item: each item's owner (a text's number for each of its pieces), in order.
    """
    for position, item in enumerate(items):
        yield item
        if position + 1 == len(owner_of_item) or owner_of_item[position + 1] != owner_of_item[position]:
            done(owner_of_item[position] + 1)
