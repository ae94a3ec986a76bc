"""Workflow rules as pure functions: no terminal, no file."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from soptrack.sop.catalog import SHIPPED_DIR
from soptrack.sop.errors import BadInput, RuleViolation
from soptrack.sop.loader import load_sop
from soptrack.sop.office import OfficeProfile, check_may_act, resolve_actor
from soptrack.sop.run import Action, Actor, StepState, new_run
from soptrack.sop.status import run_status
from soptrack.sop.workflow import transition, undo, undoable
from soptrack.sop.worktime import OfficeHours

WITA = timezone(timedelta(hours=8))

PK = load_sop(SHIPPED_DIR / "pengukuran-kinerja.toml")
HOURS = OfficeHours.default()
KADIS = Actor("syaifuddin", "kadis")
SEK = Actor("budi", "sekretaris")


def fresh(now: datetime):
    return new_run("pk-1", PK.id, [s.number for s in PK.steps], "PK 2026", 2026, SEK, now)


T0 = datetime(2026, 11, 25, 8, 0, tzinfo=WITA)  # a Wednesday


def act(run, action, number, minutes_later=5, note=""):
    now = (run.history[-1].at if run.history else T0) + timedelta(minutes=minutes_later)
    return transition(run, PK, action, number, SEK, now, note=note, hours=HOURS)


def test_full_path_with_one_return_at_step_9() -> None:
    run = fresh(T0)
    for n in range(1, 9):
        run = act(run, "start", n)
        run = act(run, "done", n)
    run = act(run, "start", 9)
    run = act(run, "return", 9, note="Target indikator 2 belum sesuai PK")
    assert run.record(8).state is StepState.DIKEMBALIKAN
    assert run.record(8).revisions == 1 and run.revisions == 1
    assert run.record(9).state is StepState.BELUM
    assert "Target indikator 2" in run.record(8).notes[-1].text
    with pytest.raises(RuleViolation, match="langkah 8 belum selesai"):
        act(run, "start", 9)
    run = act(run, "start", 8)
    run = act(run, "done", 8)
    run = act(run, "start", 9)
    run = act(run, "approve", 9)
    for n in range(10, 14):
        run = act(run, "start", n)
        assert not run.finished
        run = act(run, "done", n)
    assert run.finished and run.state == "selesai" and run.done_count == 13
    actions = [e.action for e in run.history]
    assert actions.count(Action.RETURN) == 1 and actions.count(Action.APPROVE) == 1
    assert len(run.history) == 2 * 8 + 2 + 4 + 8
    assert [e.seq for e in run.history] == list(range(1, len(run.history) + 1))
    with pytest.raises(RuleViolation, match="sudah selesai"):
        act(run, "start", 13)


def test_out_of_order_start_is_refused_with_a_reason() -> None:
    run = fresh(T0)
    with pytest.raises(RuleViolation) as info:
        act(run, "start", 5)
    assert "langkah 4 belum selesai" in str(info.value)
    assert run.history == ()


def test_done_requires_start_and_decision_requires_approve_or_return() -> None:
    run = fresh(T0)
    with pytest.raises(RuleViolation, match="belum dimulai"):
        act(run, "done", 1)
    for n in range(1, 9):
        run = act(act(run, "start", n), "done", n)
    run = act(run, "start", 9)
    with pytest.raises(RuleViolation, match="keputusan"):
        act(run, "done", 9)
    with pytest.raises(RuleViolation, match="catatan"):
        act(run, "return", 9, note="   ")
    run = act(act(run, "approve", 9), "start", 10)
    with pytest.raises(RuleViolation, match="bukan keputusan"):
        act(run, "approve", 10)


def test_unknown_step_and_action_are_bad_input() -> None:
    run = fresh(T0)
    with pytest.raises(BadInput, match="langkah 14 tidak ada"):
        act(run, "start", 14)
    with pytest.raises(BadInput, match="tidak dikenal"):
        act(run, "fly", 1)


def test_undo_walks_back_and_history_is_only_appended() -> None:
    run = fresh(T0)
    run = act(run, "start", 1)
    run = act(run, "done", 1)
    run = act(run, "note", 1, note="disposisi sudah diteruskan")
    history_before = run.history
    run = undo(run, SEK, T0 + timedelta(hours=1))
    assert run.record(1).notes == ()
    run = undo(run, SEK, T0 + timedelta(hours=1))
    assert run.record(1).state is StepState.BERJALAN
    run = undo(run, SEK, T0 + timedelta(hours=1))
    assert run.record(1).state is StepState.BELUM
    assert run.history[: len(history_before)] == history_before
    assert [e.action for e in run.history[-3:]] == [Action.UNDO] * 3
    assert [e.undoes for e in run.history[-3:]] == [3, 2, 1]
    assert undoable(run) is None
    with pytest.raises(RuleViolation, match="Tidak ada transisi"):
        undo(run, SEK, T0)


def test_undo_of_a_return_restores_the_steps_and_revision_count() -> None:
    run = fresh(T0)
    for n in range(1, 9):
        run = act(act(run, "start", n), "done", n)
    run = act(run, "start", 9)
    before = run
    run = act(run, "return", 9, note="perbaiki")
    run = undo(run, KADIS, T0 + timedelta(days=1))
    assert run.steps == before.steps and run.revisions == 0


def test_undo_of_the_last_done_reopens_a_finished_run() -> None:
    run = fresh(T0)
    for n in range(1, 9):
        run = act(act(run, "start", n), "done", n)
    run = act(act(run, "start", 9), "approve", 9)
    for n in range(10, 14):
        run = act(act(run, "start", n), "done", n)
    assert run.finished
    run = undo(run, SEK, T0 + timedelta(days=2))
    assert not run.finished and run.record(13).state is StepState.BERJALAN


def test_lateness_counts_working_time_not_wall_clock() -> None:
    friday = datetime(2026, 11, 27, 15, 55, tzinfo=WITA)
    monday = datetime(2026, 11, 30, 7, 40, tzinfo=WITA)
    run = fresh(friday)
    run = transition(run, PK, "start", 1, KADIS, friday, hours=HOURS)
    run = transition(run, PK, "done", 1, KADIS, monday, hours=HOURS)
    record = run.record(1)
    assert record.worked_minutes == 15.0 and not record.late  # 15 Menit standard
    run = transition(run, PK, "start", 2, SEK, monday, hours=HOURS)
    late_time = monday + timedelta(minutes=61)
    status = run_status(run, PK, late_time, HOURS)
    assert status.steps[1].late and status.late_count == 1  # running past 1 Jam
    run = transition(run, PK, "done", 2, SEK, late_time, hours=HOURS)
    assert run.record(2).late


def test_role_enforcement() -> None:
    off = OfficeProfile()
    check_may_act(PK.step(9), SEK, off)  # off by default: one operator keeps the board
    on = OfficeProfile(
        users={"budi": ("sekretaris",), "syaifuddin": ("kadis",), "admin1": ("admin",)},
        enforce_roles=True,
    )
    check_may_act(PK.step(8), SEK, on)
    with pytest.raises(RuleViolation, match="Langkah 9"):
        check_may_act(PK.step(9), SEK, on)
    check_may_act(PK.step(9), Actor("admin1", "admin"), on)
    with pytest.raises(RuleViolation, match="tidak memegang peran"):
        resolve_actor("budi", "kadis", on, ["kadis", "sekretaris"])
    assert resolve_actor("budi", None, on, ["kadis"]).role == "sekretaris"
    with pytest.raises(BadInput, match="tidak dikenal"):
        resolve_actor("budi", "bupati", off, ["kadis", "sekretaris"])


def test_a_returned_step_does_not_keep_counting_worked_time() -> None:
    run = fresh(T0)
    for n in range(1, 9):
        run = act(run, "start", n)
        run = act(run, "done", n)
    run = act(run, "start", 9)
    run = act(run, "return", 9, note="belum sesuai")
    two_days_later = run.history[-1].at + timedelta(days=2)
    status = run_status(run, PK, two_days_later, HOURS)
    step8 = next(s for s in status.steps if s.number == 8)
    assert step8.state is StepState.DIKEMBALIKAN and step8.worked_minutes is None
    assert not step8.late
    run = transition(run, PK, "start", 8, SEK, two_days_later, hours=HOURS)
    later = two_days_later + timedelta(minutes=20)
    step8 = next(s for s in run_status(run, PK, later, HOURS).steps if s.number == 8)
    assert step8.worked_minutes == 20  # from the new start, not the first one


def test_lateness_is_judged_at_the_precision_shown() -> None:
    """15 minutes and a couple of seconds is shown "15 mnt / 15 mnt": not TERLAMBAT."""
    run = act(fresh(T0), "start", 1)  # step 1: 15 minutes
    start = run.history[-1].at
    run = transition(run, PK, "done", 1, SEK, start + timedelta(minutes=15, seconds=2), hours=HOURS)
    assert run.record(1).worked_minutes == 15.0 and not run.record(1).late
    run2 = act(fresh(T0), "start", 1)
    late = transition(
        run2, PK, "done", 1, SEK, start + timedelta(minutes=15, seconds=40), hours=HOURS
    )
    assert late.record(1).late  # shown as "16 mnt / 15 mnt"


def test_acting_on_a_done_step_says_it_is_done() -> None:
    run = act(act(fresh(T0), "start", 1), "done", 1)
    for action in ("done", "approve", "return"):
        with pytest.raises(RuleViolation, match="sudah selesai"):
            act(run, action, 1, note="x")


def test_an_empty_note_is_bad_input_and_undo_names_the_action_in_indonesian() -> None:
    run = act(fresh(T0), "start", 1)
    with pytest.raises(BadInput, match="Catatan kosong"):
        act(run, "note", 1, note=" \x1b ")
    undone = undo(run, SEK, run.history[-1].at + timedelta(minutes=1))
    assert undone.history[-1].note == "membatalkan #1 (dimulai)"


def test_act_reads_roles_and_profile_under_the_lock(tmp_path) -> None:
    from soptrack.services.core import Services

    services = Services(db=tmp_path / "kantor.json", user="budi", sop_dirs=[])
    run = services.new_run("pengukuran-kinerja", "PK", 2026)
    held: list[bool] = []
    original = services.office

    def office():
        lock = services.repo._lock
        held.append(bool(lock is not None and lock.is_locked))
        return original()

    services.office = office  # type: ignore[method-assign]
    services.act(run.id, 1, "start")
    services.undo(run.id)
    assert held and all(held), held
