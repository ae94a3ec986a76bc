"""Text from files, users and paths never reaches the terminal as an escape sequence or a bidi
override: not from a run title hand-edited into the year file, not from a file name or a
database path, not in the TUI. Only rich's (and Textual's) own styling writes ESC.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tui_fixtures import app_for, async_test, make_run

from soptrack.services.core import Services

NASTY = "A\x1b[31mRED\x1b[0m\x1b]0;pwned\x07B\u202eXYZ"
SHOWN = "A[31mRED[0m]0;pwnedBXYZ"  # what is left: the letters, no control, no override
UNSAFE = ("\x1b", "\x07", "\x9b", "\u202e")


def run_cli(*args: str, db: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "-m", "soptrack", *(["--db", str(db)] if db else []), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=full,
        timeout=120,
    )


def retitle(db: Path, title: str) -> None:
    """Edit the year file by hand, as a user with a text editor would."""
    (year_file,) = db.parent.glob(f"{db.stem}.2026.json")
    data = json.loads(year_file.read_text(encoding="utf-8"))
    for run in data["runs"].values():
        run["title"] = title
    year_file.write_text(json.dumps(data), encoding="utf-8")


def assert_clean(proc: subprocess.CompletedProcess[str]) -> None:
    assert proc.returncode == 0, proc.stderr
    for unsafe in UNSAFE:
        assert unsafe not in proc.stdout + proc.stderr, (proc.args, repr(unsafe), proc.stdout)


@pytest.fixture
def edited(tmp_path: Path) -> Path:
    """A database whose one run (pk-1, a step started) has a hand-edited hostile title."""
    db = tmp_path / "x.json"
    services = Services(db, user="budi", sop_dirs=[])
    services.new_run("pengukuran-kinerja", "Judul", 2026)
    services.act("pk-1", 1, "start")
    retitle(db, NASTY)
    return db


@pytest.mark.parametrize(
    "args", [["status"], ["runs"], ["history", "pk-1"], ["status", "pk-1"], ["runs", "--all"]]
)
def test_a_hand_edited_title_is_printed_without_its_escapes(edited: Path, args) -> None:
    proc = run_cli(*args, db=edited)
    assert_clean(proc)
    assert SHOWN in " ".join(proc.stdout.split()), proc.stdout


def test_json_output_escapes_what_it_keeps(edited: Path) -> None:
    proc = run_cli("history", "pk-1", "--json", db=edited)
    assert_clean(proc)
    proc = run_cli("status", "pk-1", "--json", db=edited)
    assert_clean(proc)
    assert json.loads(proc.stdout)["title"].startswith("A\x1b[31mRED")  # data, escaped


def test_a_file_name_with_escapes_is_printed_clean(edited: Path, tmp_path: Path) -> None:
    target = tmp_path / "a\x1b[31mb\u202e.docx"
    proc = run_cli("export", "pk-1", "sop", "-o", str(target), db=edited)
    assert_clean(proc)
    assert "Ditulis: " in proc.stdout and "a[31mb.docx" in proc.stdout, proc.stdout
    assert target.exists()  # the file has the name asked for; only the message is cleaned


def test_a_database_path_with_escapes_is_printed_clean(tmp_path: Path) -> None:
    db = tmp_path / "\x1b[31mzz.json"
    proc = run_cli("whoami", SOPTRACK_DB=str(db))
    assert_clean(proc)
    assert "Database: " in proc.stdout and "[31mzz.json" in proc.stdout, proc.stdout


def test_rich_styling_still_passes_user_escapes_do_not(monkeypatch) -> None:
    """On a colour terminal rich's own SGR stays; the one inside the data goes."""
    from rich.text import Text

    from soptrack.cli import output

    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    buffer = io.StringIO()
    monkeypatch.setattr(sys, "stdout", buffer)
    with output.clean_stdout():
        output.console().print(Text("x\x1b[31my\u202e", style="bold"))
        print("plain \x1b[32mgreen\x1b[0m")
    written = buffer.getvalue()
    assert "\x1b[1m" in written and "x[31my" in written, repr(written)
    assert "\x1b[31m" not in written and "\u202e" not in written, repr(written)
    assert "plain [32mgreen[0m" in written, repr(written)


# -- bidi overrides where text enters -----------------------------------------------------


def test_bidi_overrides_are_not_stored(tmp_path: Path) -> None:
    db = tmp_path / "x.json"
    sops = tmp_path / "sops"
    sops.mkdir()
    (sops / "uji.toml").write_text(
        'id = "uji"\nname = "SOP \u202eUji\u2066"\n[identitas]\npemerintah = "P"\n'
        'unit = "D"\njudul = "U"\n[[pelaksana]]\nid = "staf"\nnama = "Staf"\n'
        '[[langkah]]\nno = 1\nkegiatan = "L"\npelaksana = ["staf"]\nwaktu = "10 menit"\n',
        encoding="utf-8",
    )
    assert run_cli("sop", "add", str(sops / "uji.toml"), db=db).returncode == 0
    assert (
        run_cli("run", "new", "uji", "--title", "Ju\u202edul", "--year", "2026", db=db).returncode
        == 0
    )
    assert run_cli("office", "set", "unit", "DINAS \u202eSOSIAL", db=db).returncode == 0
    # the catalog keeps the SOP file's own text (its hash); what is parsed from it is clean
    stored = (tmp_path / "x.2026.json").read_text(encoding="utf-8")
    assert "\u202e" not in stored and "\\u202e" not in stored, stored
    services = Services(db, user="budi", sop_dirs=[])
    assert services.repo.list_runs()[0].title == "Judul"
    assert services.office().unit == "DINAS SOSIAL"
    assert services.catalog.get("uji").name == "SOP Uji"


# -- the TUI --------------------------------------------------------------------------------


@pytest.mark.parametrize("run_ref", [None, "pk-1"], ids=["overview", "board"])
@async_test
async def test_the_tui_draws_a_hand_edited_title_without_its_escapes(
    tmp_path: Path, run_ref: str | None
) -> None:
    db = tmp_path / "x.json"
    make_run(db, start=1)
    retitle(db, NASTY)
    app = app_for(db, run_ref)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        drawn = app.export_screenshot()
    for unsafe in UNSAFE:
        assert unsafe not in drawn, repr(unsafe)
    assert "A[31mRED[0m]0;pwnedBXYZ" in drawn.replace("&#160;", " ")


def test_a_mistyped_argument_is_quoted_clean(edited: Path) -> None:
    proc = run_cli("runs", "\x1b[31mX\u202e", db=edited)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert "[31mX" in proc.stderr
    for unsafe in UNSAFE:
        assert unsafe not in proc.stderr, repr(unsafe)
