"""Files around the database and the documents, as they are found on a real server: a backup
folder that cannot be written (or is a file), an export over a colleague's read-only file,
a mistyped --db, a folder where the lock file belongs, --help to a full disk.

Promise: a change the user asked for is either made, or refused in one line naming the file
and the fix (exit 2), never silently half-done; what is refused stays untouched. Cases that
need another user fork and drop root (tests/privileges.py, via test_corrupt's helper) and
skip themselves when not run as root.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_corrupt import make_db, run_as_nobody

from soptrack.services.core import Services
from soptrack.store import backups

needs_root = pytest.mark.skipif(
    not hasattr(os, "fork") or os.geteuid() != 0,
    reason="needs root, to drop to 'nobody' (root itself ignores file permissions)",
)


def soptrack(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "soptrack", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def one_line(proc: subprocess.CompletedProcess[str], code: int, *says: str) -> str:
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.startswith("soptrack: ") and proc.stderr.count("\n") == 1, proc.stderr
    for text in says:
        assert text in proc.stderr, proc.stderr
    return proc.stderr


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder everyone may write (no sticky bit), outside any private test folder."""
    folder = Path(tempfile.mkdtemp(prefix="soptrack-safety-"))
    folder.chmod(0o777)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


def open_to_all(db: Path) -> None:
    """Every file of the database readable and writable by the other user."""
    for path in db.parent.glob(f"{db.name.split('.')[0]}*"):
        if path.is_file():
            path.chmod(0o666)


# -- 1. backups that cannot be made ---------------------------------------------------------


def test_a_file_in_place_of_the_backup_folder_is_said_and_doctor_fails(db_path: Path, cli):
    """Even root cannot keep a backup in a regular file: the step is made (a backup must not
    stop the office's work), stderr says so with the fix, and doctor reports a problem."""
    cli("run", "new", "pk", "--title", "PK", "--year", "2026", check=True)
    folder = backups.backup_dir(db_path)
    if folder.exists():
        shutil.rmtree(folder)
    folder.write_text("bukan folder")
    proc = cli("step", "pk-1", "1", "start")
    err = one_line(proc, 0, "peringatan", str(folder), f"mv {folder}")
    assert "tanpa cadangan" in err
    assert "berjalan" in proc.stdout
    assert Services(db=db_path, sop_dirs=[]).repo.get_run("pk-1").steps[0].state.value == (
        "berjalan"
    )
    doctor = cli("doctor")
    assert doctor.returncode == 2, doctor.stdout
    [line] = [x for x in doctor.stdout.splitlines() if x.startswith("MASALAH")]
    assert str(folder) in line and "mv " in line
    folder.unlink()  # fixed: the next write keeps its backup and says nothing
    proc = cli("step", "pk-1", "1", "done")
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert backups.list_backups(db_path.with_name("soptrack.2026.json"))
    assert cli("doctor").returncode == 0


def test_the_tui_says_a_missing_backup_as_a_notice(tmp_path: Path) -> None:
    import asyncio

    from tui_fixtures import app_for, make_run, wait_until

    db = tmp_path / "kantor.json"
    run_id = make_run(db, done=[1])
    folder = backups.backup_dir(db)
    if folder.exists():
        shutil.rmtree(folder)
    folder.write_text("bukan folder")
    backups._NEWEST.clear()
    backups.take_failures()

    async def scenario() -> list[str]:
        app = app_for(db, run_id)
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await pilot.pause()
            assert await app.screen.do_step(2, "start")

            def shown() -> list[str]:  # the one notification on screen now
                return [str(n.message) for n in app._notifications]

            await wait_until(pilot, lambda: any("cadangan" in t for t in shown()), seconds=10)
            return shown()

    shown = asyncio.run(scenario())
    assert any("tanpa cadangan" in text and str(folder) in text for text in shown), shown


@needs_root
def test_a_backup_folder_the_writer_may_not_write_is_said_and_doctor_fails(shared: Path):
    db = shared / "kantor.json"
    make_db(db)
    folder = backups.backup_dir(db)
    for old in folder.iterdir():  # no recent backup: the next write must make one
        old.unlink()
    backups._NEWEST.clear()  # nor in this process's memo, which the forked child inherits
    folder.chmod(0o755)  # root's, as in the audit: nobody may not write it
    open_to_all(db)
    home = shared / "home-nobody"
    code, err = run_as_nobody(["step", "pk-1", "1", "start", "--db", str(db)], home)
    assert code == 0 and err.count("\n") == 1 and "Traceback" not in err, err
    assert "peringatan" in err and str(folder) in err and "chmod g+w" in err, err
    assert Services(db=db, sop_dirs=[]).repo.get_run("pk-1").steps[0].state.value == "berjalan"
    assert not list(folder.iterdir())
    code, out = run_as_nobody(["doctor", "--db", str(db)], home, stdout=True)
    assert code == 2, out
    assert any(
        line.startswith("MASALAH") and str(folder) in line and "chmod g+w" in line
        for line in out.splitlines()
    ), out


# -- 2. an export over a file the user may not write ----------------------------------------


def _read_only_target(folder: Path, name: str) -> Path:
    target = folder / name
    target.write_bytes(b"milik orang lain")
    target.chmod(0o444)
    return target


@pytest.mark.parametrize(
    ("name", "args"),
    [("ro.docx", ["export", "pk-1", "sop"]), ("ro.csv", ["form", "pk-1"])],
)
def test_an_export_never_replaces_a_file_the_user_may_not_write(shared: Path, name, args):
    db = shared / "kantor.json"
    make_db(db)
    open_to_all(db)
    target = _read_only_target(shared, name)
    owner = target.stat().st_uid
    command = [*args, "-o", str(target), "--db", str(db)]
    if os.geteuid() == 0:  # root may write anything: the colleague is 'nobody'
        code, err = run_as_nobody(command, shared / "home-nobody")
    else:
        proc = soptrack(*command)
        code, err = proc.returncode, proc.stderr
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert str(target) in err and "pilih nama lain" in err, err
    assert target.read_bytes() == b"milik orang lain" and target.stat().st_uid == owner
    assert not [p for p in shared.iterdir() if p.name.startswith(".soptrack-")]


def test_an_export_refuses_a_target_that_is_not_a_regular_file(tmp_path: Path, db_path: Path):
    Services(db=db_path, sop_dirs=[]).new_run("pengukuran-kinerja", "PK", 2026)
    fifo = tmp_path / "antrian.csv"
    os.mkfifo(fifo)
    one_line(
        soptrack("form", "pk-1", "-o", str(fifo), "--db", str(db_path)),
        2,
        str(fifo),
        "bukan file biasa",
    )
    assert fifo.is_fifo()


@needs_root
def test_a_pdf_beside_the_document_is_checked_before_anything_is_written(shared: Path):
    db = shared / "kantor.json"
    make_db(db)
    open_to_all(db)
    pdf = _read_only_target(shared, "lembar.pdf")
    docx = shared / "lembar.docx"
    command = ["export", "pk-1", "sop", "-o", str(docx), "--pdf", "--db", str(db)]
    code, err = run_as_nobody(command, shared / "home-nobody")
    assert code == 2 and err.count("\n") == 1 and str(pdf) in err, err
    assert not docx.exists() and pdf.read_bytes() == b"milik orang lain"


# -- 3. a database named in a folder that does not exist ------------------------------------


@pytest.mark.parametrize("how", ["flag", "env", "config"])
def test_a_named_database_in_a_missing_folder_is_refused(tmp_path: Path, how: str):
    missing = tmp_path / "tidak-ada" / "dir"
    db = missing / "x.json"
    args = ["run", "new", "pk", "--title", "T", "--year", "2026"]
    env: dict[str, str] = {}
    if how == "flag":
        args += ["--db", str(db)]
    elif how == "env":
        env["SOPTRACK_DB"] = str(db)
    else:
        config = tmp_path / "config.toml"
        config.write_text(f'db = "{db}"\n')
        env["SOPTRACK_CONFIG"] = str(config)
    err = one_line(soptrack(*args, env=env), 2, str(missing), "buat foldernya dulu")
    assert {"flag": "--db", "env": "SOPTRACK_DB", "config": str(tmp_path)}[how] in err
    assert not (tmp_path / "tidak-ada").exists()


@pytest.mark.parametrize("named", [False, True])
def test_the_default_database_is_made_with_its_folders(isolated_home: Path, named: bool):
    """README command 1: no configuration at all, the data folder does not exist yet. Also
    when the default path is named: `soptrack serve` hands it to its app as --db."""
    data = isolated_home / ".local" / "share"
    assert not data.exists()
    db = data / "soptrack" / "soptrack.json"
    named_db = ["--db", str(db)] if named else []
    proc = soptrack(*named_db, "run", "new", "pk", "--title", "T", "--year", "2026")
    assert proc.returncode == 0 and proc.stdout == "pk-1\n", proc.stderr
    assert db.is_file()


# -- 4. a folder where the lock file belongs -----------------------------------------------


def test_a_folder_in_place_of_the_lock_is_named_and_doctor_fails(db_path: Path, cli):
    cli("run", "new", "pk", "--title", "PK", "--year", "2026", check=True)
    lock = Path(f"{db_path}.lock")
    lock.unlink()
    lock.mkdir()
    before = db_path.with_name("soptrack.2026.json").read_bytes()
    err = one_line(cli("step", "pk-1", "1", "start"), 2, str(lock), f"mv {lock}")
    assert f"{db_path}:" not in err  # the lock is named, not the database
    assert db_path.with_name("soptrack.2026.json").read_bytes() == before
    doctor = cli("doctor")
    assert doctor.returncode == 2, doctor.stdout
    assert any(
        line.startswith("MASALAH") and str(lock) in line for line in doctor.stdout.splitlines()
    ), doctor.stdout
    lock.rmdir()
    assert cli("step", "pk-1", "1", "start").returncode == 0


# -- 5. --help to a full disk --------------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
@pytest.mark.parametrize("buffered", [True, False])
@pytest.mark.parametrize("words", [["--help"], ["step", "--help"]])
def test_help_lost_to_a_full_disk_is_exit_120(words: list[str], buffered: bool):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if not buffered:
        env["PYTHONUNBUFFERED"] = "1"
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "soptrack", *words],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            timeout=60,
        )
    assert proc.returncode == 120, proc.stderr
    assert proc.stderr == "soptrack: keluaran tidak tertulis (No space left on device)\n"


def test_help_to_a_reader_still_exits_0():
    proc = soptrack("--help")
    assert proc.returncode == 0 and "cara pakai" in proc.stdout and proc.stderr == ""
