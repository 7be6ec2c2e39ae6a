"""A loader computed once per process, also when several threads ask for it at the same time."""
from __future__ import annotations

import functools
import threading
from typing import Callable, TypeVar

T = TypeVar("T")


def once(load: Callable[[], T]) -> Callable[[], T]:
    """Cache a function of no arguments; a second caller waits for the first instead of loading again.

    functools.lru_cache alone lets two threads both compute: the preload thread and a batch task
    would each build the NER model or the language detector.
    """
    lock = threading.Lock()
    cached = functools.lru_cache(maxsize=1)(load)

    @functools.wraps(load)
    def loaded() -> T:
        with lock:
            return cached()

    loaded.cache_clear = cached.cache_clear
    return loaded
