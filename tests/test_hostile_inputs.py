"""Every bad input of issue 12, run as a user would (a new process, no terminal): one line on
stderr, the documented exit code (0 ok, 1 rule, 2 bad input, 3 busy), no traceback, and the
database's bytes unchanged. Nothing here waits for time: a hang is caught by the timeout.

Cases that need root (a tmpfs for a full or read-only disk, chattr +i, another user) skip
themselves elsewhere.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from soptrack.services.core import Services

MINI_SOP = """\
id = "uji"
name = "SOP Uji{name_extra}"

[identitas]
pemerintah = "Pemda"
unit = "Dinas"
judul = "Uji"

[[pelaksana]]
id = "staf"
nama = "Staf"
{steps}"""
STEP = """
[[langkah]]
no = {n}
kegiatan = "Langkah {n}"
pelaksana = ["staf"]
waktu = "10 menit"
"""


def mini_sop(steps: int = 2, name_extra: str = "") -> str:
    body = "".join(STEP.format(n=n) for n in range(1, steps + 1))
    return MINI_SOP.format(steps=body, name_extra=name_extra)


class Office:
    """A user with a database (one run of a shipped SOP, one of a user SOP) and folders."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "home"
        self.config = self.home / ".config"
        self.sops = self.config / "soptrack" / "sops"
        self.sops.mkdir(parents=True)
        (self.sops / "uji.toml").write_text(mini_sop(3))
        self.db = root / "kantor.json"
        services = Services(db=self.db, user="budi", sop_dirs=[self.sops])
        services.add_sop(self.sops / "uji.toml")  # the catalog lives in the database
        services.new_run("pengukuran-kinerja", "Pengukuran Kinerja 2026", 2026)
        services.new_run("uji", "Uji", 2026)
        services.act("pk-1", 1, "start")
        services.act("pk-1", 1, "done")
        services.act("u-2", 1, "start")
        services.act("u-2", 1, "done")
        services.act("u-2", 2, "start")

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "HOME": str(self.home),
            "XDG_CONFIG_HOME": str(self.config),
            "XDG_DATA_HOME": str(self.home / ".local" / "share"),
            "SOPTRACK_CONFIG": "/nonexistent-soptrack-test/config.toml",
            "NO_COLOR": "1",
            "COLUMNS": "80",
        }

    def run(self, *args: str, db: Path | str | None = None) -> subprocess.CompletedProcess[str]:
        env = self.env()
        env.pop("TEXTUAL_DRIVER", None)
        return subprocess.run(
            [sys.executable, "-m", "soptrack", "--db", str(db or self.db), *args],
            stdin=subprocess.DEVNULL,  # no terminal, like cron or a pipe
            capture_output=True,
            text=True,
            errors="surrogateescape",
            env=env,
            timeout=120,  # a hang fails the test instead of blocking the suite
        )


@pytest.fixture
def office(tmp_path: Path) -> Office:
    return Office(tmp_path)


def refused(office: Office, code: int, *args: str, db: Path | str | None = None, says: str = ""):
    """Run, and check the promise: one line, this exit code, no traceback, bytes unchanged."""
    before = office.db.read_bytes()
    proc = office.run(*args, db=db)
    assert proc.returncode == code, (args, proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.startswith("soptrack: ") and proc.stderr.count("\n") == 1, proc.stderr
    assert office.db.read_bytes() == before, args
    assert says in proc.stderr, proc.stderr
    return proc


# -- the TUI without a terminal, or with a database it cannot open --------------------------


def test_tui_on_a_folder_is_one_line(office):
    folder = office.root / "folder"
    folder.mkdir()
    refused(office, 2, db=folder, says="folder")


def test_tui_on_a_corrupt_database_is_one_line(office):
    corrupt = office.root / "rusak.json"
    corrupt.write_text("{rusak")
    refused(office, 2, db=corrupt, says="rusak")
    assert corrupt.read_text() == "{rusak"


def test_tui_without_a_terminal_exits_at_once(office):
    refused(office, 2, says="soptrack status")
    refused(office, 2, "tui", says="terminal")
    refused(office, 2, "open", "pk-1", says="terminal")


def test_symlink_loop_as_database(office):
    loop = office.root / "loop-a"
    os.symlink(office.root / "loop-b", loop)
    os.symlink(loop, office.root / "loop-b")
    refused(office, 2, "status", db=loop, says="symlink")


# -- hostile SOP files -------------------------------------------------------------------


def test_sop_nested_500_deep(office):
    deep = office.root / "deep.toml"
    deep.write_text("a = " + "[" * 500 + "]" * 500 + "\n")
    refused(office, 2, "sop", "validate", str(deep), says=str(deep))
    # in the user's SOP folder (only a draft area) it changes nothing: commands still work
    (office.sops / "deep.toml").write_text(deep.read_text())
    proc = office.run("runs")
    assert proc.returncode == 0 and "pk-1" in proc.stdout, proc.stderr
    assert "Traceback" not in proc.stderr


def test_sop_validate_a_fifo_does_not_hang(office):
    fifo = office.root / "sop.toml"
    os.mkfifo(fifo)
    refused(office, 2, "sop", "validate", str(fifo), says="bukan file biasa")


def test_sop_validate_dev_zero_does_not_read_forever(office):
    refused(office, 2, "sop", "validate", "/dev/zero", says="bukan file biasa")


def test_sop_file_size_and_field_limits(office):
    big = office.root / "besar.toml"
    big.write_text(mini_sop() + f"\n# {'x' * 2_000_000}\n")
    refused(office, 2, "sop", "validate", str(big), says="terlalu besar")
    long_name = office.root / "panjang.toml"
    long_name.write_text(mini_sop(name_extra="x" * 120_000))
    refused(office, 2, "sop", "validate", str(long_name), says="terlalu panjang")


def test_sop_with_a_bom_is_accepted(office):
    bom = office.root / "bom.toml"
    bom.write_bytes(b"\xef\xbb\xbf" + mini_sop().encode())
    proc = office.run("sop", "validate", str(bom))
    assert proc.returncode == 0 and "OK" in proc.stdout, proc.stderr


def test_sop_text_with_control_characters_never_reaches_the_terminal(office):
    nasty = office.root / "nakal.toml"
    nasty.write_text(mini_sop(3, name_extra="\\u001b]0;judul\\u0007\\u001b[2J\\u0000\\u009b"))
    for args in (
        ["sop", "validate", str(nasty)],
        ["sop", "add", str(nasty), "--replace"],
        ["sops"],
        ["sop", "show", "uji"],
        ["status"],
        ["status", "u-2"],
        ["runs"],
    ):
        proc = office.run(*args)
        assert proc.returncode == 0, (args, proc.stderr)
        for control in ("\x1b", "\x07", "\x00", "\x9b"):
            assert control not in proc.stdout + proc.stderr, (args, control)
        if args[:2] == ["sop", "validate"]:
            assert "SOP Uji]0;judul[2J" in proc.stdout


def test_sop_add_when_the_sop_folder_is_a_file(office):
    shutil.rmtree(office.sops)
    office.sops.write_text("bukan folder")
    good = office.root / "uji.toml"
    good.write_text(mini_sop(3))
    # the catalog lives in the database: a broken draft folder does not matter
    proc = office.run("sop", "add", str(good))
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr


# -- workflow inputs -----------------------------------------------------------------------


def test_undo_after_the_sop_file_lost_steps(office):
    """The run keeps the SOP version it started with: a shorter draft changes nothing."""
    (office.sops / "uji.toml").write_text(mini_sop(2))
    proc = office.run("undo", "u-2")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "u-2 langkah 2" in proc.stdout


def test_empty_note_is_bad_input(office):
    refused(office, 2, "step", "pk-1", "2", "note", "--note", "", says="Catatan kosong")
    refused(office, 2, "step", "pk-1", "2", "note", "--note", " \x01\x1b ", says="kosong")


def test_huge_title_and_note_are_refused(office):
    refused(office, 2, "run", "new", "pk", "--title", "x" * 120_000, says="terlalu panjang")
    refused(office, 2, "step", "pk-1", "2", "note", "--note", "x" * 20_000, says="terlalu")


@pytest.mark.parametrize("action", ["done", "approve", "return"])
def test_acting_on_a_done_step_says_it_is_done(office, action):
    refused(office, 1, "step", "pk-1", "1", action, "--note", "alasan", says="sudah selesai")


def test_office_hours_errors_are_indonesian(office):
    refused(office, 2, "office", "set", "jam.senin", "07:30-25:00", says="tidak mungkin")


def test_restore_without_yes_and_without_a_terminal(office):
    refused(office, 2, "restore", says="--yes")


def test_argparse_speaks_indonesian(office):
    proc = refused(office, 2, "run", "new", "pk", "--title", "x", "--year", "abc")
    assert "bukan bilangan bulat" in proc.stderr and "invalid" not in proc.stderr
    help_text = office.run("run", "new", "--help").stdout
    for english in ("positional arguments", "options:", "show this help", "usage:"):
        assert english not in help_text


# -- a full disk, a read-only disk, an immutable file (root only) --------------------------


@contextlib.contextmanager
def tmpfs(size: str) -> Iterator[Path]:
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("needs root to mount a small tmpfs")
    where = Path(tempfile.mkdtemp(prefix="soptrack-tmpfs-"))
    if subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)]
    ).returncode:
        where.rmdir()
        pytest.skip("mount is not allowed here")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)
        with contextlib.suppress(OSError):
            where.rmdir()


def _office_on(folder: Path, office: Office) -> Office:
    """The office's database moved onto `folder` (a small tmpfs)."""
    db = folder / "kantor.json"
    for part in office.db.parent.glob(f"{office.db.stem}*.json"):  # main file and year files
        shutil.copyfile(part, folder / part.name)
    office.db = db
    return office


def test_disk_full_on_every_write(office):
    with tmpfs("256k") as disk:
        _office_on(disk, office)
        filler = disk / "isi"
        with contextlib.suppress(OSError), open(filler, "wb") as handle:
            while True:
                handle.write(b"\0" * 4096)
                handle.flush()
        for args in (
            ["step", "pk-1", "2", "start"],
            ["undo", "pk-1"],
            ["run", "new", "pk", "--title", "Baru"],
            ["office", "set", "alamat", "Jl. Baru"],
        ):
            refused(office, 2, *args, says="disk penuh")
        filler.unlink()
        assert office.run("step", "pk-1", "2", "start").returncode == 0  # and it recovers


def test_read_only_disk_on_writes_and_exports(office):
    with tmpfs("4m") as disk:
        _office_on(disk, office)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        for args in (
            ["step", "pk-1", "2", "start"],
            ["undo", "pk-1"],
            ["run", "new", "pk", "--title", "Baru"],
            ["office", "set", "alamat", "Jl. Baru"],
        ):
            refused(office, 2, *args, says="hanya-baca")
        out = disk / "dokumen.docx"
        refused(office, 2, "sop", "export", "pengukuran-kinerja", "-o", str(out), says=str(out))
        refused(office, 2, "form", "pk-1", "-o", str(disk / "f.csv"), says="f.csv")


def test_immutable_database(office):
    if os.geteuid() != 0 or not shutil.which("chattr"):
        pytest.skip("needs root and chattr")
    if subprocess.run(["chattr", "+i", str(office.db)], capture_output=True).returncode:
        pytest.skip("this file system has no immutable flag")
    try:
        refused(office, 2, "step", "pk-1", "2", "start", says=str(office.db))
    finally:
        subprocess.run(["chattr", "-i", str(office.db)], check=False)


def test_read_only_database_and_folder_agree_with_doctor(office):
    """0444 file: writes refuse like doctor says; 0555 folder: doctor says what writes find.
    Checked for root too: root passes os.access, so this needs another user to bite."""
    if os.geteuid() == 0:
        pytest.skip("root may write anything: see test_corrupt.test_no_read_permission")
    office.db.chmod(0o444)
    refused(office, 2, "step", "pk-1", "2", "start", says="hanya-baca")
    proc = office.run("doctor")
    assert proc.returncode == 2 and "TIDAK BISA DITULIS" in proc.stdout


# -- tables at 80 columns keep words, ids, numbers and paths whole --------------------------


def test_tables_at_80_columns_never_split_a_word(office):
    from soptrack.sop.catalog import Catalog

    sop = Catalog.load([]).get("pengukuran-kinerja")
    words = {
        word
        for step in sop.steps
        for field in (step.kegiatan, step.output, step.keterangan, step.kelengkapan)
        for word in field.split(" ")
        if word
    }
    proc = office.run("sop", "show", "pengukuran-kinerja")
    assert proc.returncode == 0, proc.stderr
    shown = {token for line in proc.stdout.splitlines() for token in line.split()}
    assert all(len(line) <= 80 for line in proc.stdout.splitlines())
    assert words <= shown, sorted(words - shown)[:10]
    proc = office.run("config")
    shown = {token for line in proc.stdout.splitlines() for token in line.split()}
    assert str(office.sops) in shown, proc.stdout


# -- exported files -------------------------------------------------------------------------


def test_csv_form_gets_the_same_mode_as_a_document(tmp_path, monkeypatch):
    """Under umask 077 in a group-writable folder the .docx was group-readable and the CSV
    form 0600: both are written one way now."""
    from soptrack.services import documents

    services = Services(db=tmp_path / "kantor.json", user="budi", sop_dirs=[])
    run = services.new_run("pengukuran-kinerja", "PK", 2026)
    out = tmp_path / "bersama"
    out.mkdir()
    out.chmod(0o2770)
    old = os.umask(0o077)
    try:
        [docx] = documents.export_sop(services, "pengukuran-kinerja", out)
        form = documents.write_form(services, run.id, out / "form.csv")
    finally:
        os.umask(old)
    assert docx.stat().st_mode & 0o777 == form.stat().st_mode & 0o777 == 0o660


def test_an_export_cleans_what_a_killed_export_left(tmp_path):
    from soptrack.services import documents

    services = Services(db=tmp_path / "kantor.json", user="budi", sop_dirs=[])
    out = tmp_path / "keluar"
    out.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    killed = out / f".soptrack-{dead.pid}-abc.docx"  # its writer is gone
    killed.write_bytes(b"PK half")
    old_style = out / ".soptrack-xyz.docx"  # an older name: judged by age
    old_style.write_bytes(b"PK half")
    os.utime(old_style, (1, 1))
    alive = out / f".soptrack-{os.getpid()}-def.docx"  # a running export: kept
    alive.write_bytes(b"PK")
    documents.export_sop(services, "pengukuran-kinerja", out)
    assert not killed.exists() and not old_style.exists() and alive.exists()


def test_huge_office_setting_is_refused(office):
    refused(office, 2, "office", "set", "alamat", "Jl. " + "x" * 120_000, says="terlalu panjang")
