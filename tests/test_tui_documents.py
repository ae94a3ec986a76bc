"""Pilot tests at 80x24 for the board's document keys: `e` Ekspor (a worker thread writes the
.docx, read back with python-docx) and `i` Data kinerja (the data-entry screen); and the
search box receiving every key typed in a burst after "/"."""

from __future__ import annotations

import os
from pathlib import Path

import docx
import pytest
from textual import events
from tui_fixtures import Recorder, app_for, async_test, fresh, make_run

from soptrack.services import documents
from soptrack.sop import performance as perf_mod
from soptrack.tui.screens.board import BoardScreen
from soptrack.tui.screens.export import ExportDialog
from soptrack.tui.screens.help import HelpScreen
from soptrack.tui.screens.performance import PerformanceScreen

SIZE = (80, 24)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "soptrack.json"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Exports go to the working directory: a fresh one per test."""
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    return out


async def settle(pilot) -> None:
    """Wait for the export worker thread, then for the notification it posts."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def paragraphs(path: Path) -> str:
    document = docx.Document(str(path))
    return "\n".join(p.text for p in document.paragraphs)


# -- e: Ekspor --------------------------------------------------------------------------------


@async_test
async def test_e_exports_dokumen_pengukuran_kinerja(db: Path, workdir: Path) -> None:
    run_id = make_run(db, done=[1, 2])
    app = app_for(db, run_id)
    seen = Recorder(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("enter")  # the first document: Dokumen Pengukuran Kinerja
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        target = workdir / f"{run_id}-pengukuran-kinerja.docx"
        # the path stays on the board's header after the notification is gone
        assert f"ekspor: {target}" in str(app.screen.query_one("#run-header").render())
        other = make_run(db)  # on another run's board it is not that run's export
        await app.screen.load(other)
        await pilot.pause()
        assert "ekspor:" not in str(app.screen.query_one("#run-header").render())
        await app.screen.load(run_id)
        await pilot.pause()
        assert f"ekspor: {target}" in str(app.screen.query_one("#run-header").render())
    assert target.exists()
    text = paragraphs(target)
    assert "PENGUKURAN KINERJA" in text
    assert "KONSEP" in text  # step 11 (signing) not done yet
    assert seen.errors() == []
    assert any(str(target) in message for message in seen.infos())


def test_export_folder_setting(db: Path, workdir: Path, tmp_path: Path, monkeypatch) -> None:
    """`ekspor = "FOLDER"` in the user's config: documents go there, not to the cwd."""
    folder = tmp_path / "dokumen"
    folder.mkdir()
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "soptrack" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'ekspor = "{folder}"\n')
    from soptrack.services.core import open_services

    services = open_services(str(db))
    run = services.new_run("pengukuran-kinerja", "PK", 2026)
    written = documents.export_sop(services, "pengukuran-kinerja")
    assert written == [folder / "sop-pengukuran-kinerja.docx"]
    form = documents.write_form(services, run.id)
    assert form.parent == folder and not list(workdir.iterdir())


@async_test
async def test_e_exports_surat_pengantar_and_sop_sheet(db: Path, workdir: Path) -> None:
    run_id = make_run(db)
    app = app_for(db, run_id)
    seen = Recorder(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e", "down", "enter")
        await settle(pilot)
        await pilot.press("e", "down", "down", "enter")
        await settle(pilot)
    assert seen.errors() == []
    pengantar = workdir / f"{run_id}-surat-pengantar.docx"
    assert "SURAT PENGANTAR" in paragraphs(pengantar)
    sheet = workdir / f"{run_id}-sop.docx"
    assert sheet.exists()
    docx.Document(str(sheet))  # opens clean


@async_test
async def test_export_offers_only_what_the_sop_declares(db: Path, workdir: Path) -> None:
    """RENSTRA declares no documents: its runs offer only their SOP sheet."""
    from textual.widgets import OptionList

    run_id = make_run(db, "monitoring-renstra", title="Monitoring RENSTRA 2026")
    app = app_for(db, run_id)
    seen = Recorder(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        options = app.screen.query_one("#export-kind", OptionList)
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == ["sop"]
        await pilot.press("enter")
        await settle(pilot)
        assert seen.errors() == []
        assert (workdir / f"{run_id}-sop.docx").exists()
        await pilot.press("i")  # no document of this SOP uses performance data
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
    assert not (workdir / f"{run_id}-pengukuran-kinerja.docx").exists()


@async_test
async def test_export_pdf_without_libreoffice_says_so(
    db: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from soptrack.services import documents

    monkeypatch.setattr(documents, "soffice", lambda: None)
    run_id = make_run(db)
    app = app_for(db, run_id)
    seen = Recorder(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e", "f", "enter")  # f: also PDF
        await settle(pilot)
    errors = seen.errors()
    assert len(errors) == 1 and "LibreOffice tidak terpasang" in errors[0]
    assert (workdir / f"{run_id}-pengukuran-kinerja.docx").exists()  # the .docx still is


@async_test
async def test_escape_cancels_the_export_dialog(db: Path, workdir: Path) -> None:
    run_id = make_run(db)
    app = app_for(db, run_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e", "escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
    assert list(workdir.iterdir()) == []


@async_test
async def test_export_runs_in_a_worker_and_the_ui_stays_live(
    db: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from soptrack.services import documents

    release = threading.Event()
    threads: list[str] = []
    original = documents.export

    def slow_export(*args, **kwargs):
        threads.append(threading.current_thread().name)
        release.wait(10)
        return original(*args, **kwargs)

    monkeypatch.setattr(documents, "export", slow_export)
    run_id = make_run(db)
    app = app_for(db, run_id)
    seen = Recorder(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e", "enter")
        await pilot.pause()
        # The export is blocked, yet the cursor moves and a second export is refused.
        await pilot.press("j")
        assert app.screen.card.number == 9
        app.screen.export_document("sop")
        assert any("masih berjalan" in m for m in seen.warnings())
        release.set()
        await settle(pilot)
    assert threads and threads[0] != threading.main_thread().name
    assert (workdir / f"{run_id}-pengukuran-kinerja.docx").exists()


@async_test
async def test_palette_lists_the_exports_and_data_entry(db: Path, workdir: Path) -> None:
    run_id = make_run(db)
    app = app_for(db, run_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Ekspor (e)" in titles and "Data kinerja (i)" in titles
        assert "Ekspor Dokumen Pengukuran Kinerja" in titles
        assert "Ekspor Surat pengantar + PDF" in titles
        command = next(
            c for c in app.get_system_commands(app.screen) if c.title == "Ekspor Lembar SOP"
        )
        command.callback()
        await settle(pilot)
    assert (workdir / f"{run_id}-sop.docx").exists()


@async_test
async def test_help_and_key_bar_list_the_new_keys(db: Path) -> None:
    run_id = make_run(db)
    app = app_for(db, run_id)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        keybar = str(app.screen.query_one(".keybar").render())
        # every key is on the bar; words as far as the width allows (the rest in help)
        assert " e " in keybar and " i " in keybar and "? Bantuan" in keybar
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = dict(app.help_sections())["Papan run"]
        assert ("e", "Ekspor") in rows and ("i", "Data kinerja") in rows


# -- i: Data kinerja ---------------------------------------------------------------------------


@async_test
async def test_i_opens_data_entry_and_saved_data_reaches_the_export(
    db: Path, workdir: Path
) -> None:
    run_id = make_run(db)
    app = app_for(db, run_id)
    seen = Recorder(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PerformanceScreen) and screen.run_id == run_id
        await pilot.press("a")  # a new indicator; its Target cell, then Realisasi
        await pilot.pause()
        table = screen.query_one("#perf-indicators")
        table.move_cursor(row=0, column=3)
        await pilot.press("enter", *"80", "enter")
        table.move_cursor(row=0, column=4)
        await pilot.press("enter", *"88", "enter", "s")
        await pilot.pause()
        assert not screen.dirty
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("e", "enter")
        await settle(pilot)
    assert seen.errors() == []
    perf = perf_mod.of_extra(fresh(db).repo.get_run(run_id).extra)
    assert (perf.indicators[0].target, perf.indicators[0].realisasi) == (80, 88)
    document = docx.Document(str(workdir / f"{run_id}-pengukuran-kinerja.docx"))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "110,00" in cells  # capaian 88/80 x 100


@async_test
async def test_i_on_another_sop_is_refused_with_a_warning(db: Path) -> None:
    run_id = make_run(db, "monitoring-renstra", title="Monitoring RENSTRA 2026")
    app = app_for(db, run_id)
    seen = Recorder(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
    assert any("tidak menyatakan dokumen dari data kinerja" in m for m in seen.warnings())


# -- "/" and the words after it ----------------------------------------------------------------


@async_test
async def test_slash_then_letters_in_one_press_all_reach_the_search(db: Path) -> None:
    run_id = make_run(db)
    app = app_for(db, run_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "r", "a", "p", "a", "t")
        await pilot.pause()
        board = app.screen
        assert board.query_one("#search").value == "rapat"
        assert board.query_text == "rapat"


@async_test
async def test_slash_and_words_in_a_burst_lose_nothing_and_act_on_nothing(db: Path) -> None:
    """A paste or typing ahead over SSH: every key is queued before the app handles any."""
    run_id = make_run(db)
    app = app_for(db, run_id)
    seen = Recorder(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key in ["slash", *"rapat dana"]:
            key_name = "space" if key == " " else key
            char = "/" if key == "slash" else key
            app._driver.send_message(events.Key(key_name, char))
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert board.query_one("#search").value == "rapat dana"
        # "r", "a", "d" and "n" are board keys: none of them may have acted on a card.
        assert seen.warnings() == [] and seen.errors() == []
    run = fresh(db).repo.get_run(run_id)
    assert run.history == [] or all(e.step != 1 for e in run.history)


@async_test
async def test_slash_before_the_first_frame_is_not_lost(db: Path) -> None:
    run_id = make_run(db)
    app = app_for(db, run_id)
    async with app.run_test(size=SIZE) as pilot:
        for key in ["slash", *"kepala"]:
            app._driver.send_message(events.Key(key, "/" if key == "slash" else key))
        await pilot.pause()
        assert app.screen.query_one("#search").value == "kepala"


@async_test
async def test_slash_inside_the_open_search_is_a_character(db: Path) -> None:
    run_id = make_run(db)
    app = app_for(db, run_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", "a", "slash", "b")
        await pilot.pause()
        assert app.screen.query_one("#search").value == "a/b"
        await pilot.press("escape")
        await pilot.pause()
        search = app.screen.query_one("#search")
        assert search.value == "" and not search.display


@async_test
async def test_saving_data_never_overwrites_a_colleagues_import(db: Path, tmp_path: Path) -> None:
    run_id = make_run(db)
    app = app_for(db, run_id)
    seen = Recorder(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PerformanceScreen)
        await pilot.press("a")  # this user starts a row...
        await pilot.pause()
        form = tmp_path / "bidang.csv"  # ...while a colleague imports a bidang's form
        form.write_text(
            "Sasaran Strategis;Indikator Kinerja;Target;Realisasi\n"
            "Meningkatnya layanan;Jumlah PM dilayani;100;95\n",
            encoding="utf-8",
        )
        documents.import_forms(fresh(db), run_id, [form])
        await pilot.press("s")
        await pilot.pause()
        assert screen.dirty  # not saved
        await pilot.press("q")  # q closes carefully: it must not quit with edits unsaved
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, PerformanceScreen)
        # and the warning names q, the key that discards when pressed again (not Escape)
        assert any("q lagi untuk membuang" in m for m in seen.warnings())
    assert any("diubah pengguna lain" in m for m in seen.errors())
    perf = perf_mod.of_extra(fresh(db).repo.get_run(run_id).extra)
    assert [i.indikator for i in perf.indicators] == ["Jumlah PM dilayani"]
