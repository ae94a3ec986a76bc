"""Where a run stands: progress, whose turn it is, what is late. Shared by CLI and TUI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from soptrack.sop.model import Sop
from soptrack.sop.run import Run, StepState
from soptrack.sop.values import Value
from soptrack.sop.workflow import check_run_matches, is_late, step_worked_minutes
from soptrack.sop.worktime import OfficeHours, working_minutes


@dataclass(frozen=True, repr=False, eq=False)
class StepStatus(Value):
    """A step as a reader sees it at one moment: state, who, how long against its Mutu Baku
    time, and whether it is late or the current step."""

    number: int
    label: str
    kegiatan: str
    lanes: tuple[str, ...]
    state: StepState
    decision: bool
    user: str
    role: str
    worked_minutes: float | None
    standard_minutes: int
    waktu: str
    late: bool
    revisions: int
    notes: int
    current: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "kegiatan": self.kegiatan,
            "lanes": list(self.lanes),
            "state": self.state.value,
            "decision": self.decision,
            "user": self.user,
            "role": self.role,
            "worked_minutes": None
            if self.worked_minutes is None
            else round(self.worked_minutes, 1),
            "standard_minutes": self.standard_minutes,
            "late": self.late,
            "revisions": self.revisions,
            "notes": self.notes,
        }


@dataclass(frozen=True, repr=False, eq=False)
class RunStatus(Value):
    """A run as every list and board shows it: its steps' statuses, progress and lateness,
    computed once for a moment so every view of it agrees."""

    run: Run
    sop: Sop
    steps: tuple[StepStatus, ...]
    elapsed_minutes: float
    standard_minutes: int
    # what the reader must know about the run itself: a broken history chain, an SOP
    # version other than the current one
    warnings: tuple[str, ...] = ()
    # the office's time zone: the times shown are read on its clock
    zone: str = ""

    @property
    def done(self) -> int:
        return self.run.done_count

    @property
    def total(self) -> int:
        return len(self.run.steps)

    @property
    def current(self) -> StepStatus | None:
        return next((s for s in self.steps if s.current), None)

    @property
    def late_count(self) -> int:
        return sum(1 for s in self.steps if s.late)

    @property
    def waiting_on(self) -> str:
        """The lane names the run waits on, or '-' when finished."""
        current = self.current
        if current is None:
            return "-"
        return ", ".join(self.sop.lane(lane).name for lane in current.lanes[:1])

    def to_dict(self, *, with_steps: bool = False) -> dict[str, Any]:
        current = self.current
        data: dict[str, Any] = {
            "id": self.run.id,
            "sop_id": self.run.sop_id,
            "sop_version": self.run.sop_version,
            "title": self.run.title,
            "year": self.run.year,
            "state": self.run.state,
            "steps_done": self.done,
            "steps_total": self.total,
            "current_step": current.number if current else None,
            "current_state": current.state.value if current else None,
            "waiting_on": current.lanes[0] if current else None,
            "late": self.late_count,
            "revisions": self.run.revisions,
            "elapsed_minutes": round(self.elapsed_minutes, 1),
            "standard_minutes": self.standard_minutes,
            "created_by": self.run.created_by,
            "created_at": self.run.created_at.isoformat(timespec="seconds"),
            "finished_at": (
                self.run.finished_at.isoformat(timespec="seconds") if self.run.finished_at else None
            ),
        }
        if self.warnings:
            data["warnings"] = list(self.warnings)
        if with_steps:
            data["steps"] = [s.to_dict() for s in self.steps]
        return data


def run_status(run: Run, sop: Sop, now: datetime, hours: OfficeHours) -> RunStatus:
    check_run_matches(run, sop)
    current = run.current
    steps = []
    for record in run.steps:
        step = sop.step(record.number)
        steps.append(
            StepStatus(
                number=record.number,
                label=step.label,
                kegiatan=step.kegiatan,
                lanes=step.lanes,
                state=record.state,
                decision=step.is_decision,
                user=record.user,
                role=record.role,
                worked_minutes=step_worked_minutes(record, now, hours),
                standard_minutes=step.minutes,
                waktu=step.waktu,
                late=is_late(record, step, now, hours),
                revisions=record.revisions,
                notes=len(record.notes),
                current=current is not None and record.number == current.number,
            )
        )
    started = run.steps[0].started_at if run.steps else None
    first = min((r.started_at for r in run.steps if r.started_at), default=started)
    elapsed = working_minutes(first, run.finished_at or now, hours) if first else 0.0
    return RunStatus(run, sop, tuple(steps), elapsed, sop.total_minutes, zone=hours.zone)
