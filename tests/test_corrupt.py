"""Corrupt and foreign database files, through the real command line (`soptrack --db FILE`).

Promise: exit 2, ONE line on stderr that names the file and, where one exists, the backup to
restore; the file is never modified. Rolling backups exist after writes; `soptrack doctor`
reports; `soptrack restore` brings back the latest good backup and keeps the broken file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from privileges import become, preload, readable_shipped_sops

from soptrack.services.core import Services
from soptrack.store import backups
from soptrack.store.storage import forget, released

CLI = [sys.executable, "-m", "soptrack"]
NOBODY = 65534


def cli_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("SOPTRACK_DB", None)
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "cfg"), XDG_DATA_HOME=str(home / "d"))
    return env


def soptrack(db: Path, *args: str, env: dict[str, str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, *args, "--db", str(db)], env=env, capture_output=True, text=True, timeout=60, **kw
    )


def assert_one_line_error(proc: subprocess.CompletedProcess, db: Path, code: int = 2) -> str:
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    err = proc.stderr.strip()
    assert err.startswith("soptrack: "), err
    assert "\n" not in err, err
    assert str(db) in err, err
    return err


def make_db(path: Path, writes: int = 3) -> Services:
    """A database written several times: the second write of each file leaves its first
    backup (a transition rewrites the year file; an admin change, here the office profile,
    the main file)."""
    services = Services(db=path, user="budi", sop_dirs=[])
    services.new_run("pengukuran-kinerja", "Pengukuran Kinerja 2026", 2026)
    for i in range(writes):
        services.act("pk-1", 1, "note", note=f"catatan {i}")
    services.repo.update_office(lambda office: office)
    services.fold_journals()  # at rest, as when the TUI closes: each file says all
    released()  # at rest: the replaced files' background freeing done (tests list the folder)
    return services


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return cli_env(tmp_path / "home")


def _truncated(good: bytes) -> bytes:
    return good[: len(good) // 2]


def _newer(good: bytes) -> bytes:
    data = json.loads(good)
    data["meta"]["1"]["schema"] = 99
    return json.dumps(data).encode()


BROKEN = {
    "truncated JSON": _truncated,
    "empty file": lambda good: b"",
    "only whitespace": lambda good: b"  \n",
    "binary garbage": lambda good: bytes(range(256)),
    "JSON list": lambda good: b"[1, 2, 3]",
    "plain TinyDB file": lambda good: b'{"_default": {}}',
    "table of numbers": lambda good: b'{"runs": {"1": 5}, "meta": {"1": {"app": "soptrack"}}}',
    "non-numeric doc id": lambda good: good.replace(b'"sops":{\n"1"', b'"sops":{\n"x"'),
    "deeply nested": lambda good: b"[" * 100_000 + b"]" * 100_000,
    "huge integer": lambda good: b'{"meta": {"1": {"schema": ' + b"9" * 5000 + b"}}}",
    "newer schema version": _newer,
}


@pytest.mark.parametrize("kind", list(BROKEN))
def test_broken_file_is_refused_with_one_line_and_never_touched(tmp_path, env, kind):
    db = tmp_path / "kantor.json"
    make_db(db)
    assert backups.latest(db) is not None
    bad = BROKEN[kind](db.read_bytes())
    db.write_bytes(bad)
    forget(str(db))
    for args in (["status"], ["runs"], ["history", "pk-1"], ["step", "pk-1", "1", "start"]):
        err = assert_one_line_error(soptrack(db, *args, env=env), db)
        if kind == "newer schema version":
            assert "versi 99" in err
        else:
            # names the backup to restore
            assert str(backups.latest(db)) in err and "soptrack restore" in err, err
        assert db.read_bytes() == bad, f"{kind}: {args} modified the file"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_corrupt_without_backup_says_there_is_none(tmp_path, env):
    db = tmp_path / "baru.json"
    db.write_bytes(b'{"meta": {"1": {"app": "soptrack", "sch')
    err = assert_one_line_error(soptrack(db, "status", env=env), db)
    assert "tidak ada cadangan" in err
    assert db.read_bytes() == b'{"meta": {"1": {"app": "soptrack", "sch'


def test_run_document_missing_fields_is_one_line(tmp_path, env):
    db = tmp_path / "kantor.json"
    make_db(db)
    index = db.with_name("kantor.index.json")
    data = json.loads(index.read_bytes())
    del data["index"]["1"]["title"]  # the index entry, in the index file
    index.write_bytes(json.dumps(data).encode())
    # a list view shows the run as its year file has it, and says how to mend the index
    shown = soptrack(db, "status", env=env)
    assert shown.returncode == 0 and "pk-1" in shown.stdout, shown
    assert "Traceback" not in shown.stderr and str(index) in shown.stderr
    assert "soptrack doctor" in shown.stderr and shown.stderr.count("\n") == 1
    assert soptrack(db, "doctor", env=env).returncode == 0  # rebuilds it from the year file
    assert soptrack(db, "status", env=env).stderr == ""
    assert soptrack(db, "status", env=env).returncode == 0
    year = db.with_name("kantor.2026.json")
    data = json.loads(year.read_bytes())
    del data["runs"]["1"]["steps"]  # the run itself, in its year's file
    year.write_bytes(json.dumps(data).encode())
    assert_one_line_error(soptrack(db, "status", "pk-1", env=env), year)


def test_directory_where_the_file_should_be(tmp_path, env):
    db = tmp_path / "kantor.json"
    db.mkdir()
    (db / "inside").write_text("x")
    for args in (["status"], ["step", "pk-1", "1", "start"], ["run", "new", "pk", "--title", "T"]):
        err = assert_one_line_error(soptrack(db, *args, env=env), db)
        assert "folder" in err
    assert sorted(p.name for p in db.iterdir()) == ["inside"]


def test_parent_is_a_file(tmp_path, env):
    parent = tmp_path / "afile"
    parent.write_text("not a directory")
    db = parent / "kantor.json"
    for args in (["status"], ["step", "pk-1", "1", "start"]):
        proc = soptrack(db, *args, env=env)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
        assert proc.stderr.count("\n") == 1 and str(parent) in proc.stderr
    assert parent.read_text() == "not a directory"


def test_fifo_is_refused_without_blocking(tmp_path, env):
    db = tmp_path / "kantor.json"
    os.mkfifo(db)
    err = assert_one_line_error(soptrack(db, "status", env=env), db)
    assert "bukan file biasa" in err


def run_as_nobody(args: list[str], home: Path, *, stdout: bool = False) -> tuple[int, str]:
    """`soptrack ARGS` in a forked child that dropped root for 'nobody' (root ignores chmod).

    A fork, not a new interpreter: 'nobody' may not be able to read the Python installation
    (here it lives under /root), so everything the command needs is imported first.
    """
    import traceback

    from soptrack.main import main

    preload()
    shipped = readable_shipped_sops()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        code = 99
        try:
            os.close(read_end)
            os.dup2(write_end, 2)
            os.dup2(write_end if stdout else os.open(os.devnull, os.O_WRONLY), 1)
            os.environ.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "cfg"))
            become(NOBODY, NOBODY, [], shipped)
            sys.stderr = os.fdopen(2, "w", closefd=False)
            sys.stdout = os.fdopen(1, "w", closefd=False)
            code = main(args)
            sys.stderr.flush()
            sys.stdout.flush()
        except BaseException:
            traceback.print_exc()
            sys.stderr.flush()
        finally:
            os._exit(code if isinstance(code, int) else 98)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        err = pipe.read()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), err


@pytest.mark.skipif(
    not hasattr(os, "fork") or os.geteuid() != 0,
    reason="needs root, to drop to 'nobody' (root itself ignores file permissions)",
)
def test_no_read_permission(tmp_path):
    shared = Path(tempfile.mkdtemp(prefix="soptrack-perm-"))
    try:
        shared.chmod(0o755)  # others may enter, not write
        db = shared / "kantor.json"
        make_db(db)
        db.chmod(0o600)  # root's file: nobody may not read it
        before = db.read_bytes()
        home = shared / "home-nobody"
        for args in (["status"], ["step", "pk-1", "1", "start"]):
            code, err = run_as_nobody([*args, "--db", str(db)], home)
            assert code == 2 and "Traceback" not in err, err
            assert err.count("\n") == 1 and str(db) in err, err
            assert "izin" in err, err  # says it is a permission problem
        assert db.read_bytes() == before
        # readable, but the folder is not writable: the write is refused in one line
        db.chmod(0o644)
        code, err = run_as_nobody(["step", "pk-1", "1", "start", "--db", str(db)], home)
        assert code == 2 and "Traceback" not in err, err
        assert err.count("\n") == 1 and "izin" in err, err
        assert db.read_bytes() == before
    finally:
        shutil.rmtree(shared)


def test_rolling_backups_keep_the_last_n(tmp_path, monkeypatch):
    monkeypatch.setattr(backups, "INTERVAL_SECONDS", 0)
    db = tmp_path / "kantor.json"
    services = Services(db=db, user="budi", sop_dirs=[])
    services.new_run("pengukuran-kinerja", "Pengukuran Kinerja 2026", 2026)
    year = db.with_name("kantor.2026.json")  # the file a transition rewrites
    states = [year.read_bytes()]
    for i in range(backups.KEEP + 5):
        services.act("pk-1", 1, "note", note=f"catatan {i}")
        states.append(year.read_bytes())
        if i == 0:
            os.utime(backups.latest(year), (1, 1))  # hard links share mtime; age it
        import time

        time.sleep(0.002)  # backup names have millisecond resolution
    found = backups.list_backups(year)
    assert len(found) == backups.KEEP
    # newest backup = the file as it was before the last write; all are good databases
    assert found[0].read_bytes() == states[-2]
    assert [b.read_bytes() for b in found] == states[-2 : -2 - backups.KEEP : -1]


def test_backup_interval_limits_backups(tmp_path):
    db = tmp_path / "kantor.json"
    make_db(db, writes=20)
    # one per 10 minutes, not one per write
    assert len(backups.list_backups(db.with_name("kantor.2026.json"))) == 1


def test_doctor_reports_good_and_broken(tmp_path, env):
    db = tmp_path / "kantor.json"
    make_db(db)
    proc = soptrack(db, "doctor", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "OK" in proc.stdout and "1 run" in proc.stdout
    assert backups.latest(db).name in proc.stdout
    db.write_bytes(db.read_bytes()[:100])
    proc = soptrack(db, "doctor", env=env)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "RUSAK" in proc.stdout and str(db) in proc.stdout


def test_restore_brings_back_latest_good_backup_and_keeps_broken_file(tmp_path, env):
    db = tmp_path / "kantor.json"
    make_db(db)
    good_backup = backups.latest(db)
    expected = good_backup.read_bytes()
    broken = db.read_bytes()[:-7]
    db.write_bytes(broken)
    # a newer backup that is itself broken must be skipped
    bad_backup = good_backup.with_name("kantor-29991231-235959-999.json")
    bad_backup.write_bytes(b"{")
    proc = soptrack(db, "restore", "--yes", env=env)
    assert proc.returncode == 0, proc.stderr
    assert str(good_backup) in proc.stdout
    assert db.read_bytes() == expected
    kept = [p for p in tmp_path.iterdir() if ".rusak-" in p.name]
    assert len(kept) == 1 and kept[0].read_bytes() == broken
    proc = soptrack(db, "status", "pk-1", "--json", env=env)
    assert proc.returncode == 0 and json.loads(proc.stdout)["id"] == "pk-1"
    # a second restore in the same second keeps both broken files
    db.write_bytes(b"")
    assert soptrack(db, "restore", "--yes", env=env).returncode == 0
    assert len([p for p in tmp_path.iterdir() if ".rusak-" in p.name]) == 2


def test_restore_asks_and_shows_what_is_lost(tmp_path, env, monkeypatch):
    db = tmp_path / "kantor.json"
    make_db(db)
    Services(db=db, user="budi", sop_dirs=[]).act("pk-1", 1, "note", "setelah cadangan")
    year = db.with_name("kantor.2026.json")  # the runs of 2026 and their history
    before = year.read_bytes()
    backup = backups.latest(year)
    assert backup is not None
    proc = soptrack(db, "restore", "--from", str(backup), env=env)  # no terminal, no --yes
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert "--yes" in proc.stderr and year.read_bytes() == before
    assert "yang lalu" in proc.stdout  # the backup's age
    assert "HILANG: run pk-1: 4 transisi terakhir hilang" in proc.stdout  # 3 notes + 1 after
    # where hard links are refused (fs.protected_hardlinks), the replaced file is copied
    from soptrack.store import maintenance

    def no_links(*_args):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(maintenance.os, "link", no_links)
    [(restored, kept)] = Services(db=db, user="budi", sop_dirs=[]).restore(backup)
    assert kept is not None and kept.read_bytes() == before


def test_restore_without_backup_changes_nothing(tmp_path, env):
    db = tmp_path / "kantor.json"
    db.write_bytes(b"{")
    proc = soptrack(db, "restore", env=env)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert db.read_bytes() == b"{"


@pytest.mark.skipif(
    not hasattr(os, "fork") or os.geteuid() != 0,
    reason="needs root, to drop to 'nobody' (root ignores file permissions)",
)
def test_doctor_and_writes_agree_on_read_only_file_and_folder(tmp_path):
    shared = Path(tempfile.mkdtemp(prefix="soptrack-agree-"))
    try:
        home = shared / "home-nobody"
        # a folder nobody may not write (0755 root): writes fail, and doctor says so
        shared.chmod(0o755)
        db = shared / "kantor.json"
        make_db(db)
        db.chmod(0o666)
        before = db.read_bytes()
        code, err = run_as_nobody(["step", "pk-1", "1", "start", "--db", str(db)], home)
        assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
        code, out = run_as_nobody(["doctor", "--db", str(db)], home, stdout=True)
        assert code == 2 and "TIDAK BISA DITULIS" in out, out
        assert db.read_bytes() == before
        # a 0444 file of nobody's own in a folder nobody may write: doctor said "not
        # writable" while a write replaced it anyway; now both refuse
        for path in [shared, *shared.rglob("*")]:
            os.chown(path, NOBODY, NOBODY)
        db.chmod(0o444)
        code, err = run_as_nobody(["step", "pk-1", "1", "start", "--db", str(db)], home)
        assert code == 2 and "hanya-baca" in err and err.count("\n") == 1, err
        code, out = run_as_nobody(["doctor", "--db", str(db)], home, stdout=True)
        assert code == 2 and "TIDAK BISA DITULIS" in out, out
        assert db.read_bytes() == before
    finally:
        shutil.rmtree(shared)


def test_doctor_removes_what_killed_writers_left(tmp_path, env):
    db = tmp_path / "kantor.json"
    make_db(db)
    left = tmp_path / ".kantor.json.killed123.tmp"
    left.write_text("{half")
    proc = soptrack(db, "doctor", env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Dibersihkan: 1 file sementara" in proc.stdout and not left.exists()


@pytest.mark.skipif(
    not hasattr(os, "fork") or os.geteuid() != 0,
    reason="needs root, to drop to 'nobody' (root ignores file permissions)",
)
def test_sticky_folder_owned_by_another_user_is_one_line():
    """/tmp-like folder (1777): nobody may create files but not replace root's database."""
    shared = Path(tempfile.mkdtemp(prefix="soptrack-sticky-"))
    try:
        db = shared / "kantor.json"
        make_db(db)
        for path in shared.rglob("*"):
            path.chmod(0o777 if path.is_dir() else 0o666)
        shared.chmod(0o1777)
        before = db.read_bytes()
        code, err = run_as_nobody(["step", "pk-1", "1", "start", "--db", str(db)], shared / "h")
        assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
        assert "sticky" in err and db.read_bytes() == before
        code, out = run_as_nobody(["doctor", "--db", str(db)], shared / "h", stdout=True)
        assert code == 2 and "sticky" in out, out
    finally:
        shutil.rmtree(shared)


def test_a_broken_year_file_is_named_and_restored_alone(tmp_path, env):
    db = tmp_path / "kantor.json"
    make_db(db)
    year = db.with_name("kantor.2026.json")
    good = year.read_bytes()
    Services(db=db, user="budi", sop_dirs=[]).act("pk-1", 1, "note", note="lagi")
    assert backups.latest(year) is not None
    main = db.read_bytes()
    year.write_bytes(good[:50])
    assert_one_line_error(soptrack(db, "status", "pk-1", env=env), year)
    doctor = soptrack(db, "doctor", env=env)
    assert doctor.returncode == 2 and "RUSAK: tahun 2026" in doctor.stdout
    proc = soptrack(db, "restore", "--yes", env=env)
    assert proc.returncode == 0, proc.stderr
    assert str(backups.latest(year)) in proc.stdout and db.read_bytes() == main
    assert [p for p in tmp_path.iterdir() if p.name.startswith("kantor.2026.json.rusak-")]
    status = soptrack(db, "status", "pk-1", "--json", env=env)
    assert status.returncode == 0 and json.loads(status.stdout)["id"] == "pk-1"
    assert soptrack(db, "doctor", env=env).returncode == 0


def test_a_database_of_the_previous_release_migrates_once(tmp_path, env):
    """soptrack 0.2 kept every run in one file (schema 1): the first command splits it."""
    db = tmp_path / "kantor.json"
    make_db(db)
    main = json.loads(db.read_bytes())
    year = db.with_name("kantor.2026.json")
    runs = json.loads(year.read_bytes())["runs"]
    year.unlink()
    old = {k: v for k, v in main.items() if k not in ("index", "years")}
    old["runs"] = runs
    old["meta"]["1"]["schema"] = 1
    db.write_text(json.dumps(old))
    for path in backups.list_backups(db):
        path.unlink()
    v1 = db.read_bytes()
    proc = soptrack(db, "status", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    assert [r["id"] for r in json.loads(proc.stdout)] == ["pk-1"]
    assert backups.latest(db).read_bytes() == v1
    assert year.exists() and "runs" not in json.loads(db.read_bytes())
    split = db.read_bytes()
    assert soptrack(db, "runs", env=env).returncode == 0
    assert db.read_bytes() == split and len(backups.list_backups(db)) == 1
    step = soptrack(db, "step", "pk-1", "1", "start", env=env)
    assert step.returncode == 0, step.stderr
    assert soptrack(db, "doctor", env=env).returncode == 0


@pytest.mark.skipif(
    not hasattr(os, "fork") or os.geteuid() != 0,
    reason="needs root, to drop to 'nobody' (root ignores file permissions)",
)
def test_sop_add_into_a_folder_the_user_cannot_write(tmp_path):
    base = Path(tempfile.mkdtemp(prefix="soptrack-sopadd-"))
    try:
        base.chmod(0o755)
        home = base / "home-nobody"
        (home / "cfg" / "soptrack").mkdir(parents=True)  # root's: nobody may not write it
        for path in (home, home / "cfg", home / "cfg" / "soptrack"):
            path.chmod(0o755)
        source = base / "uji.toml"
        from soptrack.sop.catalog import SHIPPED_DIR

        source.write_text((SHIPPED_DIR / "pengukuran-kinerja.toml").read_text())
        source.chmod(0o644)
        db = base / "kantor.json"
        code, err = run_as_nobody(["sop", "add", str(source), "--db", str(db)], home)
        # the catalog is in the database (a folder nobody may not write): one line, exit 2
        assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    finally:
        shutil.rmtree(base)


def test_index_steps_edited_by_hand_are_one_line(tmp_path, env):
    db = tmp_path / "kantor.json"
    make_db(db)
    index = db.with_name("kantor.index.json")
    data = json.loads(index.read_bytes())
    data["index"]["1"]["steps"] = "[[1,"  # the packed steps, one JSON string, cut short
    index.write_bytes(json.dumps(data).encode())
    shown = soptrack(db, "status", env=env)  # the run from its year file, and one line why
    assert shown.returncode == 0 and "pk-1" in shown.stdout, shown
    assert shown.stderr.startswith(f"soptrack: peringatan: indeks {index} rusak")
    assert shown.stderr.count("\n") == 1 and "soptrack doctor" in shown.stderr
    for garbage in ([[1, "belum", None, None, None, False, "extra"]], [5], {"1": 2}):
        data["index"]["1"]["steps"] = garbage  # never a traceback, whatever the shape
        index.write_bytes(json.dumps(data).encode())
        shown = soptrack(db, "status", env=env)
        assert shown.returncode == 0 and "Traceback" not in shown.stderr, shown


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("title", lambda run: run.update(title=12345)),
        ("worked_minutes", lambda run: run["steps"][0].update(worked_minutes="x")),
        ("late", lambda run: run["steps"][0].update(late="no")),
        ("steps", lambda run: run.update(steps=None)),
        ("steps", lambda run: run.update(steps=[1, 2])),
        ("StepState", lambda run: run["steps"][1].update(state="bogus")),
        ("zona waktu", lambda run: run["steps"][0].update(started_at="2026-11-26T10:00:00")),
        ("year", lambda run: run.update(year="2026")),
    ],
)
def test_a_run_field_of_the_wrong_type_names_the_year_file(tmp_path, env, field, change):
    """A hand edit that gives a field another type (a number for the title, text for the
    minutes, a time without its zone) was read as it was and failed later, in whatever drew
    it: a traceback from `status`, `runs`, the TUI. It is refused where the run is read:
    list views leave that run out with one line naming the year file (the other runs
    shown), the run itself is one line and exit 2, and doctor names it (not the index,
    whose rebuild from the same file could not help)."""
    db = tmp_path / "kantor.json"
    services = make_db(db)
    services.new_run("pengukuran-kinerja", "Yang lain", 2026)
    services.fold_journals()  # closed: the edit is made to a file that says all
    released()
    year = db.with_name("kantor.2026.json")
    data = json.loads(year.read_bytes())
    change(data["runs"]["1"])
    year.write_bytes(json.dumps(data).encode())
    for command in ("status", "runs"):
        shown = soptrack(db, command, env=env)
        assert shown.returncode == 0 and "pk-2" in shown.stdout, shown
        assert "Traceback" not in shown.stderr and shown.stderr.count("\n") == 1, shown
        assert str(year) in shown.stderr and field in shown.stderr, shown
    for args in (("status", "pk-1"), ("history", "pk-1"), ("step", "pk-1", "1", "start")):
        assert field in assert_one_line_error(soptrack(db, *args, env=env), year)
    doctor = soptrack(db, "doctor", env=env)
    assert doctor.returncode == 2 and "Traceback" not in doctor.stderr, doctor
    assert f"MASALAH: database {year} rusak" in doctor.stdout
    again = soptrack(db, "doctor", env=env)  # no loop: the same finding, nothing "repaired"
    assert again.stdout.count("MASALAH") == doctor.stdout.count("MASALAH")


def test_doctor_does_not_count_zero_runs_when_a_year_cannot_be_read(tmp_path, env):
    """With a year file that cannot be read, the run count is unknown: doctor said
    'OK: skema versi 4, 0 run' beside the RUSAK line."""
    db = tmp_path / "kantor.json"
    make_db(db)
    year = db.with_name("kantor.2026.json")
    year.write_bytes(b"{garbage")
    result = soptrack(db, "doctor", env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"RUSAK: database {year}" in result.stdout
    assert " 0 run" not in result.stdout
