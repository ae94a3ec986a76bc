"""What the domain's frozen dataclasses share: their repr, equality and hash, written once.

`@dataclass` compiles every method it adds from generated source, and on Python 3.11 that
compiling is most of what defining a class costs: some twenty frozen dataclasses are
defined on the way to the app's first frame, and their generated `__repr__`, `__eq__` and
`__hash__` were 37 M instructions of every start (about 7 ms here; counted with valgrind
from the process's start to the first frame). Those classes derive from `Value` and say
`@dataclass(frozen=True, repr=False, eq=False)`: the three methods come from here and give
what the generated ones would (the same text, `Step(number=1, kegiatan='...', ...)`; equal
when of the same class with equal fields, compared as tuples; the hash of that tuple).
`__init__` and immutability stay generated: they are frozen dataclasses all the same.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from operator import attrgetter
from reprlib import recursive_repr
from typing import Any

# class -> a function giving the tuple of the fields its equality compares, and the same for
# its hash: operator.attrgetter, C code like the tuple a generated method builds
_COMPARED: dict[type, Callable[[Any], tuple[Any, ...]]] = {}
_HASHED: dict[type, Callable[[Any], tuple[Any, ...]]] = {}


def _fields_of(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    if len(names) == 1:  # attrgetter of one name gives the value, not a 1-tuple
        name = names[0]
        return lambda value: (getattr(value, name),)
    return attrgetter(*names) if names else lambda value: ()


def _compared(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    fields = _COMPARED.get(cls)
    if fields is None:
        names = tuple(f.name for f in dataclasses.fields(cls) if f.compare)
        fields = _COMPARED[cls] = _fields_of(names)
    return fields


def _hashed(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    fields = _HASHED.get(cls)
    if fields is None:
        chosen = (f for f in dataclasses.fields(cls) if (f.compare if f.hash is None else f.hash))
        fields = _HASHED[cls] = _fields_of(tuple(f.name for f in chosen))
    return fields


class Value:
    """The base of a frozen dataclass that says `repr=False, eq=False` (see above)."""

    __slots__ = ()

    @recursive_repr()  # as the generated one: "..." where a value would contain itself
    def __repr__(self) -> str:
        shown = ", ".join(
            f"{field.name}={getattr(self, field.name)!r}"
            for field in dataclasses.fields(self)  # type: ignore[arg-type]
            if field.repr
        )
        return f"{type(self).__qualname__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        fields = _compared(type(self))
        return fields(self) == fields(other)

    def __hash__(self) -> int:
        return hash(_hashed(type(self))(self))
