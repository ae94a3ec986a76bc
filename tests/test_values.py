"""sop.values.Value: the repr, equality and hash the domain's frozen dataclasses share must
be exactly those dataclasses would generate. Each class is compared with a twin made by
dataclasses itself from the same fields, on instances a real run produces."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from soptrack.services.config import Config, Setting
from soptrack.services.core import Scope, Services, SopAdded
from soptrack.sop import documents
from soptrack.sop.values import Value


def _all_value_classes() -> set[type]:
    found: set[type] = set()
    todo = list(Value.__subclasses__())
    while todo:
        cls = todo.pop()
        if cls not in found:
            found.add(cls)
            todo.extend(cls.__subclasses__())
    return found


def _walk(root: Any, into: dict[type, list[Any]], seen: set[int]) -> None:
    """Every Value reachable from `root` through fields, tuples, lists and dicts."""
    if id(root) in seen:
        return
    seen.add(id(root))
    if isinstance(root, Value):
        into.setdefault(type(root), []).append(root)
        for field in dataclasses.fields(root):  # type: ignore[arg-type]
            _walk(getattr(root, field.name), into, seen)
    elif isinstance(root, (list, tuple, set, frozenset)):
        for item in root:
            _walk(item, into, seen)
    elif isinstance(root, dict):
        for key, item in root.items():
            _walk(key, into, seen)
            _walk(item, into, seen)


@pytest.fixture(scope="module")
def instances(tmp_path_factory) -> dict[type, list[Any]]:
    db = tmp_path_factory.mktemp("values") / "kantor.json"
    services = Services(db=db, user="budi", sop_dirs=[])
    run = services.new_run("pengukuran-kinerja", "PK 2026", 2026)
    services.act(run.id, 1, "start")
    run = services.act(run.id, 1, "note", note="catatan")
    roots: list[Any] = [
        run,
        services.status(run),
        services.office(),
        services.office().signature_block(),
        services.catalog,
        services.repo.sop_versions(),
        documents.KINDS,
        Scope(year=2026),
        SopAdded(version=2, new=True, keep=["pk-1"], pinned=[]),
        services.config,
        Config(
            db=Setting(value=str(db), source="--db"),
            office={"nama": Setting(value="Dinas Sosial", source="/etc/soptrack/config.toml")},
        ),
        services.actor(),
    ]
    found: dict[type, list[Any]] = {}
    seen: set[int] = set()
    for root in roots:
        _walk(root, found, seen)
    return found


def _twin(cls: type) -> type:
    """The same fields, with the methods dataclasses generates."""
    spec = [
        (
            f.name,
            f.type,
            dataclasses.field(
                default=f.default,
                default_factory=f.default_factory,
                repr=f.repr,
                hash=f.hash,
                compare=f.compare,
            ),
        )
        for f in dataclasses.fields(cls)
    ]
    twin = dataclasses.make_dataclass(cls.__name__, spec, frozen=True)
    twin.__qualname__ = cls.__qualname__
    return twin


def _as_twin(value: Any, twin: type) -> Any:
    return twin(**{f.name: getattr(value, f.name) for f in dataclasses.fields(value) if f.init})


def test_every_value_class_is_checked(instances) -> None:
    assert _all_value_classes() <= set(instances), _all_value_classes() - set(instances)


@pytest.mark.parametrize("cls", sorted(_all_value_classes(), key=lambda c: c.__qualname__))
def test_repr_equality_and_hash_are_what_dataclasses_generate(cls, instances) -> None:
    twin = _twin(cls)
    for value in instances.get(cls, [])[:5]:
        mirror = _as_twin(value, twin)
        assert repr(value) == repr(mirror)
        copy = dataclasses.replace(value)
        assert value == copy
        assert (value != copy) is False
        assert value != mirror  # another class, as with generated methods
        assert value.__eq__(1) is NotImplemented
        try:
            expected: int | type[BaseException] = hash(mirror)
        except TypeError:
            expected = TypeError
        if expected is TypeError:
            with pytest.raises(TypeError):
                hash(value)
        else:
            assert hash(value) == expected
        for field in dataclasses.fields(value):
            if not field.init:
                continue
            other = getattr(value, field.name)
            changed = "~" if not isinstance(other, str) else other + "~"
            if other == changed:
                continue
            try:
                altered = dataclasses.replace(value, **{field.name: changed})
                altered_twin = _as_twin(altered, twin)
            except Exception:  # noqa: BLE001 - a field its __post_init__ checks or parses
                continue
            assert (value == altered) == (mirror == altered_twin), field.name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(value, dataclasses.fields(value)[0].name, None)
