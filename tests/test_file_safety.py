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
