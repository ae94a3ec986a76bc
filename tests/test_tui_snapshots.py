"""pytest-textual-snapshot: board (both SOPs), overview, step detail and help, each at 80x24
and 160x48. Regenerate with --snapshot-update, then read the SVGs' text before accepting."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from tui_fixtures import NOW, make_run, services, stepping_clock

from soptrack.tui.app import SoptrackApp

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]


@pytest.fixture(autouse=True)
def colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "soptrack.json"
    # PK, scripted the day before inside office hours: steps 1-8 done (20 minutes each, so
    # the 15-minute ones are late), 9 returned to 8 with a note, 8 running again.
    begin = NOW - timedelta(days=1)
    svc = services(path, clock=stepping_clock(begin, 20))
    run = svc.new_run("pengukuran-kinerja", "Pengukuran Kinerja 2026", 2026)
    for number in range(1, 9):
        svc.act(run.id, number, "start")
        svc.act(run.id, number, "done")
    svc.act(run.id, 9, "start")
    svc.act(run.id, 9, "note", "Target indikator 3 perlu dicek")
    svc.act(run.id, 9, "return", "Target belum sesuai RENSTRA")
    svc.act(run.id, 8, "start")
    # RENSTRA: four steps done, the fifth (a meeting of every lane) running.
    make_run(
        path,
        "monitoring-renstra",
        title="Monitoring RENSTRA 2026",
        done=[1, 2, 3, 4],
        start=5,
        script_minutes=30,
    )
    make_run(path, title="Pengukuran Kinerja 2025")
    return path


def app(db: Path, run_ref: str | None = None) -> SoptrackApp:
    return SoptrackApp(services(db), run_ref, poll_seconds=3600)


@pytest.mark.parametrize("size", SIZES)
def test_board_pengukuran_kinerja(snap_compare, db: Path, size) -> None:
    assert snap_compare(app(db, "pk-1"), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_board_monitoring_renstra(snap_compare, db: Path, size) -> None:
    assert snap_compare(app(db, "mr-2"), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_overview(snap_compare, db: Path, size) -> None:
    assert snap_compare(app(db), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_step_detail(snap_compare, db: Path, size) -> None:
    # From step 8 (current, Sekretaris) left to the decision, step 9 (Kadis), returned once.
    assert snap_compare(app(db, "pk-1"), press=["h", "enter"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, db: Path, size) -> None:
    assert snap_compare(app(db, "pk-1"), press=["question_mark"], terminal_size=size)
