"""SOP monitoring (PermenPANRB 35/2012, "Monitoring Pelaksanaan SOP AP") from tracked runs.

The regulation asks every unit to judge each SOP every six months: does it run well, what was
seen, what must be done. Offices fill that table from memory; soptrack has the facts: every
completion of every step with its worked office time against the Mutu Baku, every return.
This module turns the runs' histories into those figures, per step, and into the verdict and
the Catatan an evaluator can sign off or overrule. Pure: runs, SOP and office hours in.

What counts, and why:
- A completion is a done/approve in a run's history that was not undone; its worked time is
  office time from the step's last start before it (a step redone after a return counts
  again: the office did the work twice).
- A completion belongs to the period when it finished inside it; a run "reached" a step when
  the step was started inside the period.
- Returns into a step: a decision's "tidak" that sent the work back to it.
- Late: worked office time above the step's Mutu Baku, as the board marks it.
- "berjalan dengan baik": at most `late_share` (default 20%) of the completions late, and no
  repeated returns (more than `max_returns`, default 1, in the period).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from soptrack.sop.durations import format_minutes
from soptrack.sop.model import Sop, Step
from soptrack.sop.run import Action, HistoryEntry, Run
from soptrack.sop.worktime import OfficeHours, working_minutes

GOOD = "berjalan dengan baik"
NOT_GOOD = "tidak berjalan dengan baik"
NO_DATA = "belum dapat dinilai"
DEFAULT_LATE_SHARE = 0.2
DEFAULT_MAX_RETURNS = 1


@dataclass(frozen=True)
class Completion:
    run_id: str
    step: int
    started_at: datetime
    finished_at: datetime
    worked_minutes: float
    late: bool
    user: str
    role: str


@dataclass(frozen=True)
class StepMonitoring:
    number: int
    label: str
    kegiatan: str
    lanes: tuple[str, ...]
    standard_minutes: int
    runs_reached: int
    completions: tuple[Completion, ...]
    returns: int
    waited_on: tuple[tuple[str, int], ...]
    good: bool | None
    catatan: str

    @property
    def done(self) -> int:
        return len(self.completions)

    @property
    def late(self) -> int:
        return sum(1 for c in self.completions if c.late)

    @property
    def late_share(self) -> float | None:
        return self.late / self.done if self.done else None

    @property
    def median_minutes(self) -> float | None:
        worked = [c.worked_minutes for c in self.completions]
        return statistics.median(worked) if worked else None

    @property
    def worst_minutes(self) -> float | None:
        return max((c.worked_minutes for c in self.completions), default=None)

    @property
    def verdict(self) -> str:
        if self.good is None:
            return NO_DATA
        return GOOD if self.good else NOT_GOOD

    def to_dict(self) -> dict[str, Any]:
        def rounded(value: float | None) -> float | None:
            return None if value is None else round(value, 1)

        return {
            "number": self.number,
            "label": self.label,
            "kegiatan": self.kegiatan,
            "lanes": list(self.lanes),
            "standard_minutes": self.standard_minutes,
            "runs_reached": self.runs_reached,
            "completions": self.done,
            "late": self.late,
            "late_share": None if self.late_share is None else round(self.late_share, 3),
            "median_minutes": rounded(self.median_minutes),
            "worst_minutes": rounded(self.worst_minutes),
            "returns": self.returns,
            "waited_on": [{"user": user, "count": count} for user, count in self.waited_on],
            "verdict": self.verdict,
            "good": self.good,
            "catatan": self.catatan,
        }


@dataclass(frozen=True)
class Monitoring:
    sop_id: str
    sop_name: str
    start: date
    end: date
    runs: int
    finished_runs: int
    late_share_limit: float
    max_returns: int
    steps: tuple[StepMonitoring, ...]

    @property
    def good(self) -> bool | None:
        """The SOP as a whole: good when every judged step is; None with nothing to judge."""
        judged = [s.good for s in self.steps if s.good is not None]
        return all(judged) if judged else None

    @property
    def verdict(self) -> str:
        if self.good is None:
            return NO_DATA
        return GOOD if self.good else NOT_GOOD

    @property
    def summary(self) -> str:
        weak = [str(s.number) for s in self.steps if s.good is False]
        base = f"{self.runs} run dalam periode, {self.finished_runs} selesai"
        if self.good is None:
            return f"{base}; belum ada langkah yang selesai untuk dinilai"
        if weak:
            return f"{base}; langkah yang perlu perhatian: {', '.join(weak)}"
        return f"{base}; semua langkah yang dinilai berjalan dengan baik"

    def to_dict(self) -> dict[str, Any]:
        return {
            "sop_id": self.sop_id,
            "sop": self.sop_name,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "runs": self.runs,
            "finished_runs": self.finished_runs,
            "late_share_limit": self.late_share_limit,
            "max_returns": self.max_returns,
            "verdict": self.verdict,
            "summary": self.summary,
            "steps": [step.to_dict() for step in self.steps],
        }


def months_before(day: date, months: int = 6) -> date:
    """The same day `months` earlier (clamped to the month's end): the default period."""
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def effective_history(run: Run) -> list[HistoryEntry]:
    """The transitions that stand: undo entries and the entries they cancelled removed."""
    undone = {e.undoes for e in run.history if e.action is Action.UNDO}
    return [e for e in run.history if e.action is not Action.UNDO and e.seq not in undone]


def monitor(
    sop: Sop,
    runs: list[Run],
    hours: OfficeHours,
    start: date,
    end: date,
    *,
    late_share: float = DEFAULT_LATE_SHARE,
    max_returns: int = DEFAULT_MAX_RETURNS,
    lane_names: bool = True,
    versions: Mapping[str, Sop] | None = None,
) -> Monitoring:
    """Per-step figures over the runs of `sop` between `start` and `end` (both inclusive).
    `versions` gives the SOP version a run follows, by run id (a run keeps the rules it was
    started with): its steps are judged late against that version's Mutu Baku time."""
    versions = versions or {}
    if not 0 <= late_share <= 1:
        raise ValueError(f"late_share must be between 0 and 1, not {late_share!r}")
    mine = [run for run in runs if run.sop_id == sop.id]
    completions: dict[int, list[Completion]] = {step.number: [] for step in sop.steps}
    reached: dict[int, set[str]] = {step.number: set() for step in sop.steps}
    returns: Counter[int] = Counter()
    active: set[str] = set()

    def inside(moment: datetime) -> bool:
        return start <= moment.date() <= end

    for run in mine:
        started: dict[int, datetime] = {}
        own = versions.get(run.id, sop)
        for entry in effective_history(run):
            step = sop.find_step(entry.step)
            if step is None:
                continue
            standard = own.find_step(entry.step) or step
            if entry.action is Action.START:
                started[entry.step] = entry.at
                if inside(entry.at):
                    reached[entry.step].add(run.id)
                    active.add(run.id)
            elif entry.action in (Action.DONE, Action.APPROVE):
                begin = started.pop(entry.step, None)
                if begin is None or not inside(entry.at):
                    continue
                worked = working_minutes(begin, entry.at, hours)
                completions[entry.step].append(
                    Completion(
                        run.id,
                        entry.step,
                        begin,
                        entry.at,
                        worked,
                        worked > standard.minutes,
                        entry.user,
                        entry.role,
                    )
                )
                active.add(run.id)
            elif entry.action is Action.RETURN:
                started.pop(entry.step, None)
                if step.return_to is not None and inside(entry.at):
                    returns[step.return_to] += 1
                    # the steps between the target and the decision start over
                    for number in range(step.return_to, entry.step + 1):
                        started.pop(number, None)
                    active.add(run.id)
    finished = sum(1 for run in mine if run.finished_at and inside(run.finished_at))
    steps = tuple(
        _step_figures(
            sop,
            step,
            tuple(completions[step.number]),
            len(reached[step.number]),
            returns[step.number],
            late_share,
            max_returns,
            lane_names,
        )
        for step in sop.steps
    )
    return Monitoring(
        sop.id,
        sop.name,
        start,
        end,
        len(active),
        finished,
        late_share,
        max_returns,
        steps,
    )


def _step_figures(
    sop: Sop,
    step: Step,
    done: tuple[Completion, ...],
    reached: int,
    returns: int,
    late_share: float,
    max_returns: int,
    lane_names: bool,
) -> StepMonitoring:
    waited = Counter(c.user for c in done if c.user)
    waited_on = tuple(sorted(waited.items(), key=lambda item: (-item[1], item[0])))
    late = sum(1 for c in done if c.late)
    good: bool | None
    if not done and not returns:
        good = None
    else:
        good = (not done or late <= late_share * len(done)) and returns <= max_returns
    figures = StepMonitoring(
        number=step.number,
        label=step.label,
        kegiatan=step.kegiatan,
        lanes=tuple(sop.lane(lane).name if lane_names else lane for lane in step.lanes),
        standard_minutes=step.minutes,
        runs_reached=reached,
        completions=done,
        returns=returns,
        waited_on=waited_on,
        good=good,
        catatan="",
    )
    return _with_catatan(figures, max_returns)


def catatan(step: StepMonitoring, max_returns: int = DEFAULT_MAX_RETURNS) -> str:
    """The generated Catatan hasil penilaian: "terlambat 3 dari 5 run; median 2 jam vs baku
    1 jam; dikembalikan 2 kali"."""
    if step.good is None:
        if step.runs_reached:
            return f"dimulai di {step.runs_reached} run, belum ada yang selesai"
        return "belum ada run yang sampai ke langkah ini dalam periode"
    parts = []
    if step.done:
        runs = len({c.run_id for c in step.completions})
        of = f"{step.done} run" if runs == step.done else f"{step.done} penyelesaian ({runs} run)"
        if step.late:
            parts.append(f"terlambat {step.late} dari {of}")
        else:
            parts.append(f"tepat waktu {step.done} dari {of}")
        median = format_minutes(step.median_minutes or 0)
        parts.append(f"median {median} vs baku {format_minutes(step.standard_minutes)}")
        if step.late:
            parts.append(f"terlama {format_minutes(step.worst_minutes or 0)}")
    if step.returns:
        repeated = " (berulang)" if step.returns > max_returns else ""
        parts.append(f"dikembalikan {step.returns} kali{repeated}")
    return "; ".join(parts)


def _with_catatan(step: StepMonitoring, max_returns: int) -> StepMonitoring:
    return replace(step, catatan=catatan(step, max_returns))
