"""One bounded memo for the pure results the layers keep (parses, readings, plans, lookups).

Bounded by the size of what it holds, not only by how many: a key's weight is its length in
characters (a tuple's, the sum of its parts'), so a flood of distinct 2,000-character texts
keeps a few hundred of them, where ordinary questions keep thousands. The oldest entries go
first. A memo pickles empty (the advisor's start-up cache stores the engines that hold them),
and is safe to share between threads: reads take no lock, writes one.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import Any, Generic, TypeVar, overload

__all__ = ["Memo", "weight"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
D = TypeVar("D")


def weight(key: Any) -> int:
    """The size a key stands for: characters of text, summed over tuples; 1 for the rest."""
    if isinstance(key, str):
        return len(key) + 1
    if isinstance(key, tuple | frozenset):
        return 1 + sum(weight(part) for part in key)
    return 1


class Memo(Generic[K, V]):
    """A dict-like memo of at most `items` entries whose keys weigh at most `chars` together.

    What a value holds grows with its key (a parse of a long text is large), so the weight
    bound is also a bound on memory: about `chars` times what one character of key costs.
    """

    def __init__(self, items: int = 8192, chars: int = 256_000) -> None:
        self._reset(items, chars)

    def _reset(self, items: int, chars: int) -> None:
        self.items, self.chars = items, chars
        self._data: dict[K, V] = {}
        self._weights: dict[K, int] = {}
        self._total = 0
        self._lock = threading.Lock()

    @overload
    def get(self, key: K) -> V | None: ...

    @overload
    def get(self, key: K, default: D) -> V | D: ...

    def get(self, key: K, default: Any = None) -> Any:
        """The value kept for `key`, or `default`."""
        return self._data.get(key, default)

    def put(self, key: K, value: V) -> V:
        """Keep `value` for `key` (unless the key alone outweighs the whole memo); return it."""
        size = weight(key)
        if size > self.chars:
            return value
        with self._lock:
            if key not in self._data:
                self._weights[key] = size
                self._total += size
            self._data[key] = value
            while self._total > self.chars or len(self._data) > self.items:
                oldest = next(iter(self._data))
                del self._data[oldest]
                self._total -= self._weights.pop(oldest)
        return value

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    @property
    def weight(self) -> int:
        """The summed weight of the keys held."""
        return self._total

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._weights.clear()
            self._total = 0

    def __getstate__(self) -> dict[str, Any]:
        """Pickled empty: entries refill in a few turns, and a smaller file loads faster."""
        return {"items": self.items, "chars": self.chars}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._reset(state["items"], state["chars"])
