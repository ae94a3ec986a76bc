"""A review of the hostile-input and walkthrough fixes: what they still let through."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tui_fixtures import app_for, async_test, services


def _two_runs(cli) -> None:
    cli("run", "new", "pengukuran-kinerja", "--title", "A", "--year", "2026", check=True)
    cli("run", "new", "pengukuran-kinerja", "--title", "B", "--year", "2026", check=True)
    cli("step", "pk-1", "1", "start", check=True)


def test_an_infinity_an_older_version_stored_does_not_block_later_writes(db_path, cli):
    """Before numbers were checked, `office set predikat "1e309:A, 0:B"` stored Infinity.
    The store now refuses to write it, so reading it must not keep it: it is read as no
    value (that band left out), and every later write of the main file goes through."""
    _two_runs(cli)
    cli("office", "set", "predikat", "91:A, 0:B", check=True)
    cli("office", "set", "capaian.batas", "120", check=True)
    text = db_path.read_text()
    data = json.loads(text)
    data["office"]["1"]["bands"][0][0] = float("inf")
    data["office"]["1"]["capaian_cap"] = float("nan")
    db_path.write_text(json.dumps(data))  # Python writes Infinity and NaN, as before
    assert "Infinity" in db_path.read_text()
    for args in (
        ("office", "set", "kepala.nama", "Budi"),
        ("run", "new", "monitoring-renstra", "--title", "X", "--year", "2026"),
    ):
        result = cli(*args)
        assert result.returncode == 0, result
    shown = json.loads(cli("office", "show", "--json", check=True).stdout)
    assert shown["bands"] == [[0.0, "B"]] and shown["capaian_cap"] is None
    assert "Infinity" not in db_path.read_text() and "NaN" not in db_path.read_text()
    assert cli("doctor").returncode == 0


def test_a_year_made_text_in_the_index_is_no_traceback_anywhere(db_path, cli):
    _two_runs(cli)
    cli("status", check=True)  # the index written
    index = db_path.with_name(db_path.stem + ".index.json")
    data = json.loads(index.read_text())
    data["index"]["1"]["year"] = "2026"
    data["index"]["2"]["year"] = None
    index.write_text(json.dumps(data))
    for args in (("status",), ("runs", "--all"), ("monitor", "pengukuran-kinerja")):
        result = cli(*args)
        assert result.returncode == 0 and "Traceback" not in result.stderr, (args, result)
    assert cli("status", "pk-1").returncode == 0
    assert cli("doctor").returncode == 0  # rebuilt
    assert "pk-2" in cli("status", check=True).stdout


def test_one_damaged_run_does_not_stop_the_monitoring_of_others(db_path, cli):
    _two_runs(cli)
    cli("run", "new", "monitoring-renstra", "--title", "M", "--year", "2026", check=True)
    year = db_path.with_name(db_path.stem + ".2026.json")
    data = json.loads(year.read_text())
    data["runs"]["1"]["title"] = 5
    year.write_text(json.dumps(data))
    for sop in ("monitoring-renstra", "pengukuran-kinerja"):
        result = cli("monitor", sop)
        assert result.returncode == 0 and "Traceback" not in result.stderr, result
        assert str(year) in result.stderr  # the damaged run named, once
        assert result.stderr.count("\n") == 1


def test_a_list_warning_prints_no_escape_sequence(db_path, cli):
    _two_runs(cli)
    year = db_path.with_name(db_path.stem + ".2026.json")
    data = json.loads(year.read_text())
    data["runs"]["1"]["sop_id"] = "pk\x1b]0;HACKED\x07\u202e"
    year.write_text(json.dumps(data))
    result = cli("status")
    assert result.returncode == 0 and "peringatan" in result.stderr, result
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "\u202e" not in result.stderr


def test_the_served_app_accepts_the_default_database_through_a_symlink(tmp_path):
    """`soptrack serve` passes its app the resolved path of the default database: with a
    data folder behind a symlink (/home -> /var/home) it was taken for a named database in
    a folder that does not exist yet, and the app refused to start."""
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    env = {**os.environ, "XDG_DATA_HOME": str(link), "HOME": str(tmp_path / "home")}
    env.pop("SOPTRACK_DB", None)
    resolved = real / "soptrack" / "soptrack.json"  # what serve passes as --db
    result = subprocess.run(
        [sys.executable, "-m", "soptrack", "--db", str(resolved), "sops"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result


@async_test
async def test_rows_that_fit_get_no_scrollbar(db_path: Path) -> None:
    office = services(db_path)
    office.new_run("pengukuran-kinerja", "Run 0", office.clock().year)
    app = app_for(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        height = app.screen.query_one("#runs").size.height
    for n in range(1, (height - 1) // 2):
        office.new_run("pengukuran-kinerja", f"Run {n}", office.clock().year)
    app = app_for(db_path)
    async with app.run_test(size=(80, 24 + (0 if height % 2 else 1))) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#runs")
        assert 1 + 2 * len(table.rows) == table.size.height
        assert not table.show_vertical_scrollbar and table.max_scroll_y == 0
