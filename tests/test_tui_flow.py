"""The flow view (`f` on the board) and the SOP monitoring screen (command palette): snapshots
of the flow at 80x24 and 160x48, and Pilot tests for the keys, the words that carry state
without colour, the palette entries and the monitoring form written from the screen."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import docx
import pytest
from rich.console import Console
from tui_fixtures import NOW, Recorder, app_for, async_test, services, stepping_clock

from soptrack.tui.app import SoptrackApp
from soptrack.tui.screens.board import BoardScreen
from soptrack.tui.screens.flow import FlowScreen
from soptrack.tui.screens.monitor import MonitorScreen, monitoring_table

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """As tests/test_tui_snapshots.py: PK steps 1-8 done (20 minutes each, so the 15-minute
    ones are late), 9 returned to 8 with a note, 8 running again."""
    path = tmp_path / "soptrack.json"
    svc = services(path, clock=stepping_clock(NOW - timedelta(days=1), 20))
    run = svc.new_run("pengukuran-kinerja", "Pengukuran Kinerja 2026", 2026)
    for number in range(1, 9):
        svc.act(run.id, number, "start")
        svc.act(run.id, number, "done")
    svc.act(run.id, 9, "start")
    svc.act(run.id, 9, "return", "Target belum sesuai RENSTRA")
    svc.act(run.id, 8, "start")
    return path


@pytest.mark.parametrize("size", SIZES)
def test_flow_view(snap_compare, db: Path, size, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    app = SoptrackApp(services(db), "pk-1", poll_seconds=3600)
    assert snap_compare(app, press=["f"], terminal_size=size)


def screen_text(app) -> str:
    return "\n".join(
        str(widget.render()) for widget in app.screen.query("Static") if widget.display
    )


@async_test
async def test_f_opens_the_flow_with_states_in_words_and_escape_returns(db: Path) -> None:
    app = app_for(db, "pk-1")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, FlowScreen)
        text = screen_text(app)
        assert "▶ BERJALAN KINI" in text  # step 8, current: words, not only colour
        assert "↩" not in text or "DIKEMBALIKAN" in text
        assert "✓ SELESAI" in text and "○ BELUM" in text
        assert "Tidak" in text and "Ya" in text and "┏" in text
        assert "Kadis" in text  # the lane heads stay above the scrolled body
        await pilot.press("j", "j", "pagedown", "g")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)


@async_test
async def test_flow_follows_a_change_made_elsewhere(db: Path) -> None:
    app = app_for(db, "pk-1")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f")
        await pilot.pause()
        services(db).act("pk-1", 8, "done")
        for _ in range(50):
            await pilot.pause(0.1)
            if "langkah kini 9" in screen_text(app):
                break
        assert "langkah kini 9" in screen_text(app)


def test_help_lists_the_flow_and_monitoring_keys(db: Path) -> None:
    sections = dict(app_for(db).help_sections())
    assert ("f", "Diagram alir") in sections["Papan run"]
    assert any(title.startswith("Diagram alir") for title in sections)
    assert "Monitoring, Ctrl+P" in sections


@async_test
async def test_palette_opens_monitoring_and_e_writes_the_form(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    app = app_for(db, "pk-1")
    seen = Recorder(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Monitoring SOP Pengukuran Kinerja" in titles
        assert "Diagram alir (f)" in titles
        command = next(
            c for c in app.get_system_commands(app.screen) if c.title.startswith("Monitoring SOP P")
        )
        command.callback()
        await pilot.pause()
        assert isinstance(app.screen, MonitorScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "Monitoring SOP Pengukuran Kinerja" in text
        assert "TIDAK BAIK" in text  # the 15-minute steps took 20
        result = app.screen.result
        assert (result.steps[0].late, result.steps[0].done) == (1, 1)
        console = Console(width=80, record=True, no_color=True)
        console.print(monitoring_table(result))
        shown = console.export_text()
        assert "terlambat ██████ 1/1 · median 20 mnt" in shown and "✗ TIDAK BAIK" in shown
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not seen.errors()
        [written] = list(out.glob("monitoring-pengukuran-kinerja-*.docx"))
        document = docx.Document(str(written))
        assert any(
            "Penilaian terhadap penerapan" in c.text for c in document.tables[1].rows[0].cells
        )
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
