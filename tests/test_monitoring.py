"""SOP monitoring figures on runs with known times, checked against values worked out by
hand with the default office hours (Monday-Friday 07:30-16:00, WITA)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from soptrack.sop.catalog import Catalog
from soptrack.sop.monitoring import (
    GOOD,
    NO_DATA,
    NOT_GOOD,
    effective_history,
    monitor,
    months_before,
)
from soptrack.sop.run import Actor, Run, new_run
from soptrack.sop.workflow import transition, undo
from soptrack.sop.worktime import OfficeHours

WITA = timezone(timedelta(hours=8))
CATALOG = Catalog.load([])
PK = CATALOG.get("pengukuran-kinerja")
HOURS = OfficeHours.default()
ANI = Actor("ani", "kadis")
BUDI = Actor("budi", "sekretaris")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in June 2026 (1 June 2026 is a Monday)."""
    return datetime(2026, 6, day, hour, minute, tzinfo=WITA)


def act(run: Run, number: int, action: str, when: datetime, actor: Actor = BUDI, note="") -> Run:
    return transition(run, PK, action, number, actor, when, note=note or "alasan", hours=HOURS)


def fresh(run_id: str, when: datetime) -> Run:
    return new_run(run_id, PK.id, [s.number for s in PK.steps], run_id, 2026, ANI, when)


def quick(run: Run, numbers, begin: datetime) -> tuple[Run, datetime]:
    """Start and finish each step in 5 office minutes."""
    for number in numbers:
        run = act(run, number, "start", begin)
        begin += timedelta(minutes=5)
        run = act(run, number, "done", begin)
    return run, begin


@pytest.fixture(scope="module")
def runs() -> list[Run]:
    # A: step 1 10 min (on time); step 2 Friday 15:30 -> Monday 08:00 = 30 + 30 = 60 min,
    # exactly the 1-hour Mutu Baku, not late. A first "done" of step 1 is undone.
    a = fresh("pk-a", at(1, 7, 45))
    a = act(a, 1, "start", at(1, 8), ANI)
    a = act(a, 1, "done", at(1, 8, 5), ANI)
    a = undo(a, ANI, at(1, 8, 6))
    a = act(a, 1, "done", at(1, 8, 10), ANI)
    a = act(a, 2, "start", at(5, 15, 30))
    a = act(a, 2, "done", at(8, 8))
    # B: step 1 20 min (late); step 2 Tuesday 08:20 -> Wednesday 08:00 = 460 + 30 = 490 min.
    b = fresh("pk-b", at(9, 7, 45))
    b = act(b, 1, "start", at(9, 8), ANI)
    b = act(b, 1, "done", at(9, 8, 20), ANI)
    b = act(b, 2, "start", at(9, 8, 20))
    b = act(b, 2, "done", at(10, 8))
    # C: step 1 Thursday 15:50 -> Friday 07:35 = 10 + 5 = 15 min (on time, across the
    # night); steps 2-8 five minutes each; step 9 returns to 8 twice, then approves.
    c = fresh("pk-c", at(11, 15))
    c = act(c, 1, "start", at(11, 15, 50), ANI)
    c = act(c, 1, "done", at(12, 7, 35), ANI)
    c, moment = quick(c, range(2, 9), at(15, 8))
    for _ in range(2):
        c = act(c, 9, "start", moment, ANI)
        moment += timedelta(minutes=30)
        c = act(c, 9, "return", moment, ANI, note="target belum sesuai")
        c = act(c, 8, "start", moment)
        moment += timedelta(minutes=50)  # 40 min baku: late each time
        c = act(c, 8, "done", moment)
    c = act(c, 9, "start", moment, ANI)
    c = act(c, 9, "approve", moment + timedelta(minutes=45), ANI)
    other = new_run("mr-1", "monitoring-renstra", list(range(1, 11)), "x", 2026, ANI, at(1, 8))
    return [a, b, c, other]


def step(result, number):
    return next(s for s in result.steps if s.number == number)


def test_figures_per_step_match_the_hand_count(runs) -> None:
    result = monitor(PK, runs, HOURS, date(2026, 6, 1), date(2026, 6, 30))
    assert result.runs == 3 and result.finished_runs == 0
    one = step(result, 1)
    assert [c.worked_minutes for c in one.completions] == [10, 20, 15]
    assert (one.runs_reached, one.done, one.late) == (3, 3, 1)
    assert one.median_minutes == 15 and one.worst_minutes == 20
    assert one.verdict == NOT_GOOD  # 1 of 3 late is above 20%
    assert one.catatan == "terlambat 1 dari 3 run; median 15 mnt vs baku 15 mnt; terlama 20 mnt"
    assert one.waited_on == (("ani", 3),)
    two = step(result, 2)
    assert [c.worked_minutes for c in two.completions] == [60, 490, 5]
    assert [c.late for c in two.completions] == [False, True, False]
    assert two.median_minutes == 60 and two.worst_minutes == 490
    assert two.catatan == (
        "terlambat 1 dari 3 run; median 1 jam vs baku 1 jam; terlama 8 jam 10 mnt"
    )
    three = step(result, 3)
    assert three.verdict == GOOD
    assert three.catatan == "tepat waktu 1 dari 1 run; median 5 mnt vs baku 25 mnt"
    eight = step(result, 8)
    assert eight.returns == 2 and eight.done == 3 and eight.late == 2
    assert [c.worked_minutes for c in eight.completions] == [5, 50, 50]
    assert eight.verdict == NOT_GOOD
    assert eight.catatan == (
        "terlambat 2 dari 3 penyelesaian (1 run); median 50 mnt vs baku 40 mnt; "
        "terlama 50 mnt; dikembalikan 2 kali (berulang)"
    )
    nine = step(result, 9)
    # the two returned attempts are not completions; the approval is (45 min, baku 1 jam)
    assert (nine.runs_reached, nine.done, nine.late, nine.returns) == (1, 1, 0, 0)
    assert nine.verdict == GOOD
    ten = step(result, 10)
    assert ten.verdict == NO_DATA and ten.good is None
    assert ten.catatan == "belum ada run yang sampai ke langkah ini dalam periode"
    assert result.verdict == NOT_GOOD
    assert "langkah yang perlu perhatian: 1, 2, 8" in result.summary


def test_threshold_is_configurable_and_returns_count_once(runs) -> None:
    result = monitor(
        PK, runs, HOURS, date(2026, 6, 1), date(2026, 6, 30), late_share=0.4, max_returns=2
    )
    assert step(result, 1).verdict == GOOD  # 1 of 3 = 33% <= 40%
    assert step(result, 8).verdict == NOT_GOOD  # 2 of 3 late
    with pytest.raises(ValueError):
        monitor(PK, runs, HOURS, date(2026, 6, 1), date(2026, 6, 30), late_share=1.5)


def test_the_period_selects_by_finish_and_start_dates(runs) -> None:
    result = monitor(PK, runs, HOURS, date(2026, 6, 1), date(2026, 6, 10))
    assert result.runs == 2
    assert [c.run_id for c in step(result, 1).completions] == ["pk-a", "pk-b"]
    assert step(result, 8).returns == 0
    assert step(result, 1).verdict == NOT_GOOD  # 1 of 2 late
    empty = monitor(PK, runs, HOURS, date(2026, 1, 1), date(2026, 1, 31))
    assert empty.runs == 0 and empty.verdict == NO_DATA
    assert "belum ada langkah" in empty.summary


def test_undone_transitions_do_not_count(runs) -> None:
    a = runs[0]
    actions = [(e.step, e.action.value) for e in effective_history(a)]
    assert actions == [(1, "start"), (1, "done"), (2, "start"), (2, "done")]


def test_json_form_and_default_period(runs) -> None:
    data = monitor(PK, runs, HOURS, date(2026, 6, 1), date(2026, 6, 30)).to_dict()
    first = data["steps"][0]
    assert first["median_minutes"] == 15 and first["late_share"] == 0.333
    assert first["verdict"] == NOT_GOOD and first["waited_on"] == [{"user": "ani", "count": 3}]
    assert months_before(date(2026, 8, 31)) == date(2026, 2, 28)
    assert months_before(date(2026, 11, 25)) == date(2026, 5, 25)
    assert months_before(date(2026, 3, 15)) == date(2025, 9, 15)


def test_a_run_is_judged_by_the_sop_version_it_follows(runs) -> None:
    """Step 1 of pk-b took 20 minutes: late against today's 15-minute Mutu Baku, on time for
    a run that follows a version giving it 30 minutes."""
    import dataclasses

    one = PK.step(1)
    older = dataclasses.replace(
        PK,
        steps=tuple(dataclasses.replace(s, minutes=30) if s is one else s for s in PK.steps),
    )
    start, end = date(2026, 6, 1), date(2026, 6, 30)
    now = monitor(PK, runs, HOURS, start, end)
    then = monitor(PK, runs, HOURS, start, end, versions={"pk-b": older})
    late = {c.run_id for c in step(now, 1).completions if c.late}
    assert "pk-b" in late
    assert "pk-b" not in {c.run_id for c in step(then, 1).completions if c.late}
    assert step(then, 1).standard_minutes == step(now, 1).standard_minutes == 15
