"""Helpers for the TUI tests: a fixed clock, services on a tmp database, scripted runs."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from soptrack.services.core import Services

WITA = timezone(timedelta(hours=8))
# Wednesday 25 November 2026, 09:00 WITA: inside office hours.
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=WITA)
USER = "tester"


def fixed_clock() -> datetime:
    return NOW


def services(db: Path, *, clock: Callable[[], datetime] = fixed_clock, **kwargs) -> Services:
    """Services as the app gets them: fixed clock, user 'tester', no user SOP folder."""
    return Services(db, clock=clock, user=kwargs.pop("user", USER), sop_dirs=[], **kwargs)


def fresh(db: Path) -> Services:
    """A second, independent reader of the same file (what the store really holds)."""
    return services(db)


def stepping_clock(start: datetime, minutes: float) -> Callable[[], datetime]:
    """Each call returns a moment `minutes` later: scripted history with real durations."""
    moments = (start + timedelta(minutes=minutes * i) for i in range(10_000))
    return lambda: next(moments)


def make_run(
    db: Path,
    sop_id: str = "pengukuran-kinerja",
    *,
    title: str = "Pengukuran Kinerja 2026",
    done: Iterable[int] = (),
    start: int | None = None,
    script_minutes: float = 0,
) -> str:
    """A run with steps `done` finished and `start` running. With script_minutes, each
    action happens that many minutes after the previous one, ending before NOW."""
    done = list(done)
    if script_minutes:
        actions = 1 + 2 * len(done) + (1 if start else 0)
        begin = NOW - timedelta(minutes=script_minutes * actions)
        svc = services(db, clock=stepping_clock(begin, script_minutes))
    else:
        svc = services(db)
    run = svc.new_run(sop_id, title, 2026)
    sop = svc.catalog.get(sop_id)
    for number in done:
        svc.act(run.id, number, "start")
        svc.act(run.id, number, "approve" if sop.step(number).is_decision else "done")
    if start:
        svc.act(run.id, start, "start")
    return run.id


def async_test(fn):
    """Run an async test with asyncio.run (no async pytest plugin is installed)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return asyncio.run(fn(*args, **kwargs))

    return wrapper


class Recorder:
    """Keeps every notification the app shows (message, severity)."""

    def __init__(self, app) -> None:
        self.seen: list[tuple[str, str]] = []
        original = app.notify

        def notify(message, *args, **kwargs):
            self.seen.append((str(message), kwargs.get("severity", "information")))
            return original(message, *args, **kwargs)

        app.notify = notify

    def errors(self) -> list[str]:
        return [m for m, severity in self.seen if severity == "error"]

    def warnings(self) -> list[str]:
        return [m for m, severity in self.seen if severity == "warning"]

    def infos(self) -> list[str]:
        return [m for m, severity in self.seen if severity == "information"]


def app_for(db: Path, run_ref: str | None = None, **kwargs):
    """The app on `db` as `soptrack` starts it, polling the store fast for the tests."""
    from soptrack.tui.app import SoptrackApp

    return SoptrackApp(services(db, **kwargs), run_ref, poll_seconds=0.2)


async def wait_until(pilot, condition, seconds: float = 2.0) -> bool:
    """True once `condition` holds: tests wait for what they check, never a fixed time."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return True
        await asyncio.sleep(0.05)
        await pilot.pause()
    return condition()
