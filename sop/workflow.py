"""The SOP's rules as pure functions: (run, sop, action, ...) -> new run, or RuleViolation.

Steps run in order; a decision step is approved or returned to an earlier step; every
transition is appended to the run's history with what it replaced, so undo can restore it.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime

from soptrack.sop.errors import BadInput, RuleViolation
from soptrack.sop.model import Sop, Step
from soptrack.sop.run import (
    ACTION_LABELS,
    Action,
    Actor,
    HistoryEntry,
    Note,
    Run,
    StepRecord,
    StepState,
)
from soptrack.sop.text import MAX_NOTE, check_length, clean_text
from soptrack.sop.worktime import OfficeHours, working_minutes

STEP_ACTIONS = (Action.START, Action.DONE, Action.APPROVE, Action.RETURN, Action.NOTE)


def transition(
    run: Run,
    sop: Sop,
    action: Action | str,
    number: int,
    actor: Actor,
    now: datetime,
    *,
    note: str = "",
    hours: OfficeHours | None = None,
) -> Run:
    """Apply one step action; the returned run carries the new history entry."""
    try:
        action = Action(action)
    except ValueError:
        raise BadInput(
            f"aksi {action!r} tidak dikenal; pilih salah satu dari "
            + ", ".join(a.value for a in STEP_ACTIONS)
        ) from None
    if action not in STEP_ACTIONS:
        raise BadInput(f"aksi {action.value!r} bukan aksi langkah")
    check_run_matches(run, sop)
    step = _step(sop, number)
    record = run.record(number)
    note = check_length(clean_text(note), MAX_NOTE, "catatan")
    hours = hours or OfficeHours.default()
    if action is Action.NOTE:
        if not note:
            raise BadInput("Catatan kosong: tulis isi catatan (--note TEKS).")
        changed = {number: _with_note(record, actor, now, note)}
        return _commit(run, action, step, record, changed, actor, now, note)
    if run.finished:
        raise RuleViolation(f"Run {run.id} sudah selesai; gunakan undo untuk membuka kembali.")
    if action is Action.START:
        return _start(run, sop, step, record, actor, now, note)
    if record.state is StepState.SELESAI:
        raise RuleViolation(f"Langkah {number} sudah selesai; gunakan undo bila keliru.")
    if record.state is not StepState.BERJALAN:
        raise RuleViolation(
            f"Langkah {number} belum dimulai (status: {record.state.value}); mulai dulu (start)."
        )
    if action is Action.DONE:
        if step.is_decision:
            raise RuleViolation(
                f"Langkah {number} adalah keputusan: pilih approve (setujui) "
                f"atau return (kembalikan ke langkah {step.return_to})."
            )
        return _finish(run, sop, step, record, actor, now, note, hours)
    if not step.is_decision:
        raise RuleViolation(f"Langkah {number} bukan keputusan; tandai selesai dengan done.")
    if action is Action.APPROVE:
        return _finish(run, sop, step, record, actor, now, note, hours)
    return _return(run, step, record, actor, now, note)


def undo(run: Run, actor: Actor, now: datetime) -> Run:
    """Revert the newest transition not yet undone; repeated undos walk further back."""
    entry = undoable(run)
    if entry is None:
        raise RuleViolation(f"Tidak ada transisi di run {run.id} yang bisa dibatalkan.")
    records = {r.number: r for r in entry.before}
    for record, count in zip(entry.before, entry.before_notes, strict=False):
        records[record.number] = replace(record, notes=run.record(record.number).notes[:count])
    restored = replace(
        run.with_steps(records),
        revisions=entry.before_revisions,
        finished_at=entry.before_finished_at,
    )
    current = run.record(entry.step)
    after = restored.record(entry.step)
    undo_entry = HistoryEntry(
        seq=len(run.history) + 1,
        run_id=run.id,
        step=entry.step,
        action=Action.UNDO,
        from_state=current.state,
        to_state=after.state,
        user=actor.user,
        role=actor.role,
        at=now,
        note=f"membatalkan #{entry.seq} ({ACTION_LABELS[entry.action]})",
        undoes=entry.seq,
    )
    return replace(restored, history=(*run.history, undo_entry))


def undoable(run: Run) -> HistoryEntry | None:
    """The newest entry no undo has taken back. Read from the end: an undo always names an
    earlier entry, so every undo of an entry comes after it (one pass, usually a few
    entries, where a history of hundreds of undos was quadratic)."""
    undone: set[int | None] = set()
    for entry in reversed(run.history):
        if entry.action is Action.UNDO:
            undone.add(entry.undoes)
        elif entry.seq not in undone:
            return entry
    return None


def check_run_matches(run: Run, sop: Sop) -> None:
    """A run made under another version of its SOP file cannot be driven by this one."""
    if [r.number for r in run.steps] != [s.number for s in sop.steps]:
        raise BadInput(
            f"run {run.id} dibuat dengan {len(run.steps)} langkah, tetapi SOP {sop.id} "
            f"({sop.source}) kini punya {len(sop.steps)}; kembalikan file SOP versi lama"
        )


def step_worked_minutes(record: StepRecord, now: datetime, hours: OfficeHours) -> float | None:
    """Working minutes the step took (done) or has taken so far (running)."""
    if record.started_at is None or record.state is StepState.DIKEMBALIKAN:
        # a returned step waits for its next start; its old start (kept for the run's
        # elapsed time) must not make its worked time grow
        return None
    if record.state is StepState.SELESAI and record.worked_minutes is not None:
        return record.worked_minutes
    end = record.finished_at or now
    return working_minutes(record.started_at, end, hours)


def is_late(record: StepRecord, step: Step, now: datetime, hours: OfficeHours) -> bool:
    """Past its Mutu Baku time: recorded when done, live while running."""
    if record.state is StepState.SELESAI:
        return record.late
    if record.state is not StepState.BERJALAN:
        return False
    worked = step_worked_minutes(record, now, hours)
    return worked is not None and over_standard(worked, step.minutes)


def over_standard(worked: float, standard: int) -> bool:
    """Late at the precision minutes are shown (whole minutes, half-up as format_minutes
    rounds): "15 mnt / 15 mnt" is never TERLAMBAT, 15.5 minutes ("16 mnt") is."""
    return math.floor(worked + 0.5) > standard


# -- the transitions -----------------------------------------------------------------------


def _step(sop: Sop, number: int) -> Step:
    try:
        return sop.step(number)
    except KeyError:
        raise BadInput(
            f"langkah {number} tidak ada di {sop.name} (langkah 1-{sop.last_step})"
        ) from None


def _start(
    run: Run, sop: Sop, step: Step, record: StepRecord, actor: Actor, now: datetime, note: str
) -> Run:
    if record.state is StepState.BERJALAN:
        raise RuleViolation(f"Langkah {step.number} sudah berjalan.")
    if record.state is StepState.SELESAI:
        raise RuleViolation(f"Langkah {step.number} sudah selesai; gunakan undo bila keliru.")
    if step.number > 1:
        previous = run.record(step.number - 1)
        if previous.state is not StepState.SELESAI:
            raise RuleViolation(
                f"Langkah {step.number} belum bisa dimulai: langkah {previous.number} "
                f"belum selesai (status: {previous.state.value})."
            )
    new = replace(
        record,
        state=StepState.BERJALAN,
        user=actor.user,
        role=actor.role,
        started_at=now,
        finished_at=None,
        late=False,
        worked_minutes=None,
    )
    if note:
        new = _with_note(new, actor, now, note)
    return _commit(run, Action.START, step, record, {step.number: new}, actor, now, note)


def _finish(
    run: Run,
    sop: Sop,
    step: Step,
    record: StepRecord,
    actor: Actor,
    now: datetime,
    note: str,
    hours: OfficeHours,
) -> Run:
    worked = working_minutes(record.started_at or now, now, hours)
    new = replace(
        record,
        state=StepState.SELESAI,
        user=actor.user,
        role=actor.role,
        finished_at=now,
        worked_minutes=round(worked, 1),
        late=over_standard(round(worked, 1), step.minutes),
    )
    if note:
        new = _with_note(new, actor, now, note)
    action = Action.APPROVE if step.is_decision else Action.DONE
    result = _commit(run, action, step, record, {step.number: new}, actor, now, note)
    if step.number == sop.last_step:
        result = replace(result, finished_at=now)
    return result


def _return(
    run: Run,
    step: Step,
    record: StepRecord,
    actor: Actor,
    now: datetime,
    note: str,
) -> Run:
    if not note:
        raise RuleViolation(
            f"Mengembalikan langkah {step.number} wajib disertai catatan alasan (--note TEKS)."
        )
    assert step.return_to is not None  # the loader guarantees it for decisions
    target = run.record(step.return_to)
    changed: dict[int, StepRecord] = {
        target.number: _with_note(
            replace(
                target,
                state=StepState.DIKEMBALIKAN,
                finished_at=None,
                late=False,
                worked_minutes=None,
                revisions=target.revisions + 1,
            ),
            actor,
            now,
            f"Dikembalikan dari langkah {step.number}: {note}",
        )
    }
    for number in range(target.number + 1, step.number + 1):
        between = run.record(number)
        changed[number] = replace(
            between,
            state=StepState.BELUM,
            started_at=None,
            finished_at=None,
            late=False,
            worked_minutes=None,
        )
    changed[step.number] = replace(
        changed[step.number],
        user=actor.user,
        role=actor.role,
        late=False,
        notes=(*record.notes, Note(now, actor.user, actor.role, note)),
    )
    result = _commit(run, Action.RETURN, step, record, changed, actor, now, note)
    return replace(result, revisions=run.revisions + 1)


def _with_note(record: StepRecord, actor: Actor, now: datetime, text: str) -> StepRecord:
    return replace(record, notes=(*record.notes, Note(now, actor.user, actor.role, text)))


def _commit(
    run: Run,
    action: Action,
    step: Step,
    record: StepRecord,
    changed: dict[int, StepRecord],
    actor: Actor,
    now: datetime,
    note: str,
) -> Run:
    entry = HistoryEntry(
        seq=len(run.history) + 1,
        run_id=run.id,
        step=step.number,
        action=action,
        from_state=record.state,
        to_state=changed[step.number].state,
        user=actor.user,
        role=actor.role,
        at=now,
        note=note,
        before=tuple(replace(run.record(n), notes=()) for n in sorted(changed)),
        before_notes=tuple(len(run.record(n).notes) for n in sorted(changed)),
        before_revisions=run.revisions,
        before_finished_at=run.finished_at,
    )
    return replace(run.with_steps(changed), history=(*run.history, entry))
