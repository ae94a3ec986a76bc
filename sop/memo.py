"""A memo by object identity, for immutable domain objects carried over unchanged.

A transition hands all but one or two step records over to the next Run as the very same
objects, while their converted forms (dict, canonical JSON) are wanted several times a
write: each object is converted once. The memo keeps the object itself, so its id is never
reused while its entry lives, and it forgets everything once it holds `limit` entries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class ByIdentity(Generic[K, V]):
    def __init__(self, make: Callable[[K], V], limit: int = 2048) -> None:
        self.make = make
        self.limit = limit
        self.known: dict[int, tuple[K, V]] = {}

    def __call__(self, obj: K) -> V:
        known = self.known.get(id(obj))
        if known is not None and known[0] is obj:
            return known[1]
        value = self.make(obj)
        if len(self.known) >= self.limit:
            self.known.clear()
        self.known[id(obj)] = (obj, value)
        return value
