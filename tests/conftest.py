"""Shared fixtures. Every test runs with its own HOME and XDG folders, so nothing a test
does can touch a real user's database or SOP folder."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

WITA = timezone(timedelta(hours=8))


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("SOPTRACK_DB", raising=False)
    # the machine's /etc/soptrack/config.toml (a shared db, roles) must not reach a test
    monkeypatch.setenv("SOPTRACK_CONFIG", "/nonexistent-soptrack-test/config.toml")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "160")
    return home


@pytest.fixture
def whole_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every write replaces its file whole, as a process's first write of a file does (the
    tests of that path): no step goes to a journal."""
    from soptrack.store import storage

    monkeypatch.setattr(storage, "JOURNALS", False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "soptrack.json"


class Clock:
    """A settable clock: tests move time forward explicitly."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now = self.now + timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> Clock:
    # Wednesday 25 November 2026, 08:00 WITA (Luwuk): inside office hours.
    return Clock(datetime(2026, 11, 25, 8, 0, tzinfo=WITA))


@pytest.fixture
def cli(db_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the installed command line end to end, as a user would."""

    def run(*args: str, check: bool = False, env: dict[str, str] | None = None):
        full_env = {**os.environ, **(env or {})}
        result = subprocess.run(
            [sys.executable, "-m", "soptrack", "--db", str(db_path), *args],
            capture_output=True,
            text=True,
            env=full_env,
            timeout=60,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"{args}: exit {result.returncode}\n{result.stderr}")
        return result

    return run


@pytest.fixture
def worked(tmp_path: Path) -> tuple[Any, Path]:
    """A run worked in one process (as in the TUI): its first write of each file whole,
    the later ones in the journals."""
    from soptrack.services.core import Services
    from soptrack.store.storage import released

    db = tmp_path / "kantor.json"
    services = Services(db=db, user="budi", sop_dirs=[])
    services.new_run("pengukuran-kinerja", "PK 2026", 2026)
    services.act("pk-1", 1, "start")  # whole: the year file's first backup is due
    services.act("pk-1", 1, "done")
    services.act("pk-1", 2, "start")
    released()
    return services, db
