"""A run: one execution of an SOP, with the state of each step and its history.

Runs are immutable values. Workflow functions return a new Run, so a rule that refuses a
transition can never leave a half-changed run behind, and the store writes whole values.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from soptrack.sop.memo import ByIdentity
from soptrack.sop.values import Value


class StepState(StrEnum):
    BELUM = "belum"
    BERJALAN = "berjalan"
    SELESAI = "selesai"
    DIKEMBALIKAN = "dikembalikan"


class Action(StrEnum):
    START = "start"
    DONE = "done"
    APPROVE = "approve"
    RETURN = "return"
    NOTE = "note"
    UNDO = "undo"


ACTION_LABELS: dict[Action, str] = {
    Action.START: "dimulai",
    Action.DONE: "selesai",
    Action.APPROVE: "disetujui",
    Action.RETURN: "dikembalikan",
    Action.NOTE: "catatan ditambahkan",
    Action.UNDO: "dibatalkan",
}


@dataclass(frozen=True, repr=False, eq=False)
class Actor(Value):
    """Who acts: the OS login and the role (lane id) they act in."""

    user: str
    role: str = ""

    def __str__(self) -> str:
        return f"{self.user} ({self.role})" if self.role else self.user


@dataclass(frozen=True, repr=False, eq=False)
class Note(Value):
    """A note a user left on a step, kept with who wrote it and when."""

    at: datetime
    user: str
    role: str
    text: str


@dataclass(frozen=True, repr=False, eq=False)
class StepRecord(Value):
    """What happened to one step of one run."""

    number: int
    state: StepState = StepState.BELUM
    user: str = ""
    role: str = ""
    started_at: datetime | None = None
    finished_at: datetime | None = None
    notes: tuple[Note, ...] = ()
    revisions: int = 0
    late: bool = False
    worked_minutes: float | None = None


@dataclass(frozen=True, repr=False, eq=False)
class HistoryEntry(Value):
    """One transition. `before` holds the step records it changed, so undo can restore them
    while the history itself is only ever appended to."""

    seq: int
    run_id: str
    step: int
    action: Action
    from_state: StepState
    to_state: StepState
    user: str
    role: str
    at: datetime
    note: str = ""
    undoes: int | None = None
    before: tuple[StepRecord, ...] = ()
    before_revisions: int = 0
    before_finished_at: datetime | None = None
    # Notes are only ever appended, so `before` keeps each record's note count, not its
    # notes: undo truncates. This keeps the file linear in the number of notes.
    before_notes: tuple[int, ...] = ()
    # the hash chain (sop/chain.py): digest of the run's steps after this entry, and this
    # entry's link to the previous one; empty until the entry is sealed
    state: str = ""
    hash: str = ""


@dataclass(frozen=True, repr=False, eq=False)
class Run(Value):
    """One run of an SOP: its steps' records and the whole history of transitions, hash
    chained so an edit of the file afterwards shows."""

    id: str
    sop_id: str
    title: str
    year: int
    created_by: str
    created_at: datetime
    steps: tuple[StepRecord, ...]
    history: tuple[HistoryEntry, ...] = ()
    revisions: int = 0
    finished_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    # the catalog version of its SOP the run follows for good (None: from before versions)
    sop_version: int | None = None

    def record(self, number: int) -> StepRecord:
        for record in self.steps:
            if record.number == number:
                return record
        raise KeyError(number)

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    @property
    def state(self) -> str:
        """`selesai` once the last step is done, else `berjalan` (the --json contract)."""
        return StepState.SELESAI.value if self.finished else StepState.BERJALAN.value

    @property
    def done_count(self) -> int:
        return sum(1 for r in self.steps if r.state is StepState.SELESAI)

    @property
    def current(self) -> StepRecord | None:
        """The step the run waits on: the first one not done (steps run in order)."""
        return next((r for r in self.steps if r.state is not StepState.SELESAI), None)

    def with_steps(self, records: dict[int, StepRecord]) -> Run:
        steps = tuple(records.get(r.number, r) for r in self.steps)
        return replace(self, steps=steps)


def new_run(
    run_id: str,
    sop_id: str,
    step_numbers: list[int],
    title: str,
    year: int,
    actor: Actor,
    now: datetime,
    sop_version: int | None = None,
) -> Run:
    return Run(
        id=run_id,
        sop_id=sop_id,
        title=title,
        year=year,
        created_by=actor.user,
        created_at=now,
        steps=tuple(StepRecord(number=n) for n in step_numbers),
        sop_version=sop_version,
    )


# -- plain-dict form, for the store and --json ---------------------------------------------


def _dt(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _parse_dt(value: str | None) -> datetime | None:
    return _parse_when(value) if value is not None and value != "" else None


def _parse_when(value: str) -> datetime:
    """A time every stored entry has (a note's, an entry's, a run's creation). Always
    with its UTC offset, as soptrack writes it: a time without one (a hand edit) cannot be
    compared with the others, and would fail far from here, in whatever drew it."""
    when = datetime.fromisoformat(_text(value, "waktu"))
    if when.utcoffset() is None:
        raise ValueError(f"waktu {value!r} tanpa zona waktu")
    return when


# A stored document is read field by field with the type soptrack writes: a value of
# another type (a hand edit: a number for a title, text for minutes) is refused here, where
# the store names the file and the run, not later by a view that draws it.


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} {value!r} bukan teks")
    return value


def _whole(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} {value!r} bukan bilangan bulat")
    return value


def _flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} {value!r} bukan true/false")
    return value


def _minutes(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise TypeError(f"worked_minutes {value!r} bukan angka")
    return value


def _items(value: Any, name: str) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"{name} {value!r} bukan daftar")
    return value


def note_to_dict(note: Note) -> dict[str, Any]:
    return {"at": _dt(note.at), "user": note.user, "role": note.role, "text": note.text}


def record_to_dict(record: StepRecord) -> dict[str, Any]:
    """A new dict each call (its notes list is shared with earlier calls: never change it).
    Converted once per record object (sop/memo.py): the state digest, the stored document
    and the undo data of a new entry all ask for the same records."""
    return dict(_record_dicts(record))


def _record_dict(record: StepRecord) -> dict[str, Any]:
    data = {
        "number": record.number,
        "state": record.state.value,
        "user": record.user,
        "role": record.role,
        "started_at": _dt(record.started_at),
        "finished_at": _dt(record.finished_at),
        "notes": [note_to_dict(n) for n in record.notes],
        "revisions": record.revisions,
        "late": record.late,
        "worked_minutes": record.worked_minutes,
    }
    if not record.notes:
        del data["notes"]
    return data


_record_dicts: ByIdentity[StepRecord, dict[str, Any]] = ByIdentity(_record_dict)


def record_from_dict(data: dict[str, Any]) -> StepRecord:
    if not isinstance(data, dict):
        raise TypeError(f"steps berisi {data!r}, bukan catatan langkah")
    return StepRecord(
        number=_whole(data["number"], "number"),
        state=StepState(data.get("state", "belum")),
        user=_text(data.get("user", ""), "user"),
        role=_text(data.get("role", ""), "role"),
        started_at=_parse_dt(data.get("started_at")),
        finished_at=_parse_dt(data.get("finished_at")),
        notes=tuple(
            Note(
                at=_parse_when(n["at"]),
                user=_text(n["user"], "user"),
                role=_text(n.get("role", ""), "role"),
                text=_text(n["text"], "text"),
            )
            for n in _items(data.get("notes", []), "notes")
        ),
        revisions=_whole(data.get("revisions", 0), "revisions"),
        late=_flag(data.get("late", False), "late"),
        worked_minutes=_minutes(data.get("worked_minutes")),
    )


def entry_to_dict(entry: HistoryEntry, *, with_undo_data: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "seq": entry.seq,
        "run": entry.run_id,
        "step": entry.step,
        "action": entry.action.value,
        "from": entry.from_state.value,
        "to": entry.to_state.value,
        "user": entry.user,
        "role": entry.role,
        "at": _dt(entry.at),
        "note": entry.note,
    }
    if entry.undoes is not None:
        data["undoes"] = entry.undoes
    if with_undo_data and entry.before:
        data["before"] = [record_to_dict(r) for r in entry.before]
        data["before_revisions"] = entry.before_revisions
        data["before_finished_at"] = _dt(entry.before_finished_at)
        data["before_notes"] = list(entry.before_notes)
    if entry.state:
        data["state"] = entry.state
    if entry.hash:
        data["hash"] = entry.hash
    return data


def entry_from_dict(data: dict[str, Any]) -> HistoryEntry:
    undoes = data.get("undoes")
    return HistoryEntry(
        seq=_whole(data["seq"], "seq"),
        run_id=_text(data["run"], "run"),
        step=_whole(data["step"], "step"),
        action=Action(data["action"]),
        from_state=StepState(data["from"]),
        to_state=StepState(data["to"]),
        user=_text(data.get("user", ""), "user"),
        role=_text(data.get("role", ""), "role"),
        at=_parse_when(data["at"]),
        note=_text(data.get("note", ""), "note"),
        undoes=None if undoes is None else _whole(undoes, "undoes"),
        before=tuple(record_from_dict(r) for r in _items(data.get("before", []), "before")),
        before_revisions=_whole(data.get("before_revisions", 0), "before_revisions"),
        before_finished_at=_parse_dt(data.get("before_finished_at")),
        before_notes=tuple(
            _whole(n, "before_notes") for n in _items(data.get("before_notes", []), "before_notes")
        ),
        state=str(data.get("state", "")),
        hash=str(data.get("hash", "")),
    )


def run_to_dict(run: Run) -> dict[str, Any]:
    return {
        "id": run.id,
        "sop_id": run.sop_id,
        "title": run.title,
        "year": run.year,
        "created_by": run.created_by,
        "created_at": _dt(run.created_at),
        "revisions": run.revisions,
        "finished_at": _dt(run.finished_at),
        "steps": [record_to_dict(r) for r in run.steps],
        "history": [entry_to_dict(e) for e in run.history],
        "extra": copy.deepcopy(run.extra),
        "sop_version": run.sop_version,
    }


def run_from_dict(data: dict[str, Any], *, history: bool = True) -> Run:
    """`history=False` skips the history (most of a run's bytes) for read-only list views;
    such a Run must never be written back."""
    extra = data.get("extra") or {}
    if not isinstance(extra, dict):
        raise TypeError(f"extra {extra!r} bukan objek")
    return Run(
        id=_text(data["id"], "id"),
        sop_id=_text(data["sop_id"], "sop_id"),
        title=_text(data["title"], "title"),
        year=_whole(data["year"], "year"),
        created_by=_text(data.get("created_by", ""), "created_by"),
        created_at=_parse_when(data["created_at"]),
        steps=tuple(record_from_dict(r) for r in _items(data["steps"], "steps")),
        history=(
            tuple(entry_from_dict(e) for e in _items(data.get("history", []), "history"))
            if history
            else ()
        ),
        revisions=_whole(data.get("revisions", 0), "revisions"),
        finished_at=_parse_dt(data.get("finished_at")),
        extra=copy.deepcopy(extra),
        sop_version=_version(data.get("sop_version")),
    )


def _version(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"sop_version {value!r}")
    return value
