"""The command line end to end, through a subprocess, as a user types it."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from soptrack.sop.catalog import SHIPPED_DIR


def new_pk(cli) -> str:
    result = cli(
        "run", "new", "pengukuran-kinerja", "--title", "PK 2026", "--year", "2026", check=True
    )
    run_id = result.stdout.strip()
    assert run_id == "pk-1" and result.stdout == "pk-1\n"  # the id alone, for scripts
    return run_id


def test_sops_lists_both(cli) -> None:
    data = json.loads(cli("sops", "--json", check=True).stdout)
    by_id = {s["id"]: s for s in data}
    assert by_id["pengukuran-kinerja"]["steps"] == 13
    assert by_id["pengukuran-kinerja"]["lanes"] == [
        "Kadis",
        "Sekretaris",
        "Sek Tim SAKIP",
        "Anggota Tim SAKIP",
    ]
    assert by_id["pengukuran-kinerja"]["total_minutes"] == 665
    assert by_id["monitoring-renstra"]["steps"] == 10
    table = cli("sops", check=True).stdout
    assert "pengukuran-kinerja" in table and "11 jam 5 mnt" in table


def test_sop_show(cli) -> None:
    out = cli("sop", "show", "pengukuran-kinerja", check=True).stdout
    assert "Dasar Hukum" in out and "keputusan" in out and "Mekanisme Pengumpulan" in out


def test_walk_pengukuran_kinerja_to_the_end_with_one_return(cli) -> None:
    run_id = new_pk(cli)
    refused = cli("step", run_id, "5", "start")
    assert refused.returncode == 1
    assert "langkah 4 belum selesai" in refused.stderr.lower()
    assert "Traceback" not in refused.stderr and refused.stderr.count("\n") == 1
    for n in range(1, 9):
        cli("step", run_id, str(n), "start", check=True)
        cli("step", run_id, str(n), "done", check=True)
    cli("step", run_id, "9", "start", check=True)
    no_note = cli("step", run_id, "9", "return")
    assert no_note.returncode == 1 and "catatan" in no_note.stderr
    cli("step", run_id, "9", "return", "--note", "Capaian indikator 3 keliru", check=True)
    status = json.loads(cli("status", run_id, "--json", check=True).stdout)
    assert status["current_step"] == 8 and status["current_state"] == "dikembalikan"
    assert status["steps"][7]["revisions"] == 1
    cli("step", run_id, "8", "start", check=True)
    cli("step", run_id, "8", "done", check=True)
    cli("step", run_id, "9", "start", check=True)
    cli("step", run_id, "9", "approve", check=True)
    for n in range(10, 14):
        cli("step", run_id, str(n), "start", check=True)
        last = cli("step", run_id, str(n), "done", check=True)
    assert "run selesai" in last.stdout
    runs = json.loads(cli("runs", "--json", check=True).stdout)
    assert runs[0]["state"] == "selesai" and runs[0]["steps_done"] == 13
    assert runs[0]["steps_total"] == 13 and runs[0]["current_step"] is None
    history = json.loads(cli("history", run_id, "--json", check=True).stdout)
    assert len(history) == 8 * 2 + 2 + 4 + 8
    assert [h["action"] for h in history].count("return") == 1
    assert history[0]["run"] == run_id and history[0]["from"] == "belum"
    assert {"run", "step", "action", "from", "to", "user", "role", "at", "note"} <= set(history[0])
    text = cli("history", run_id, check=True).stdout
    assert "Capaian indikator 3 keliru" in text


def test_undo_and_note(cli) -> None:
    run_id = new_pk(cli)
    cli("step", run_id, "1", "start", check=True)
    cli("step", run_id, "1", "note", "--note", "Disposisi diterima", check=True)
    out = cli("undo", run_id, check=True).stdout
    assert "membatalkan #2" in out
    out = cli("undo", run_id, check=True).stdout
    assert "berjalan -> belum" in out
    assert cli("undo", run_id).returncode == 1


def test_status_overview_and_runs_json_contract(cli) -> None:
    run_id = new_pk(cli)
    cli("step", run_id, "1", "start", check=True)
    overview = json.loads(cli("status", "--json", check=True).stdout)
    keys = {
        "id",
        "sop_id",
        "title",
        "year",
        "state",
        "steps_done",
        "steps_total",
        "current_step",
        "late",
    }
    assert keys <= set(overview[0])
    assert overview[0]["state"] == "berjalan" and overview[0]["current_step"] == 1
    text = cli("status", check=True).stdout
    assert run_id in text and "Kadis" in text


def test_bad_input_is_one_line_exit_2(cli, tmp_path: Path) -> None:
    cases = [
        ("step", "pk-99", "1", "start"),
        ("run", "new", "tidak-ada", "--title", "x"),
        ("status", "--bogus"),
        ("step", "pk-1", "x", "start"),
        ("sop", "show", "nope"),
    ]
    new_pk(cli)
    cases.append(("step", "pk-1", "14", "start"))
    for args in cases:
        result = cli(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.count("\n") == 1, (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_a_step_on_a_mistyped_database_makes_nothing(tmp_path: Path) -> None:
    """No folder and no lock file for a --db that does not exist: one line naming it (the
    missing folder, when that is what is missing)."""
    for db, says in (
        (tmp_path / "salah" / "ketik.json", f"folder database {tmp_path / 'salah'} tidak ada"),
        (tmp_path / "ketik.json", f"database {tmp_path / 'ketik.json'} belum ada"),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "soptrack", "--db", str(db), "step", "pk-1", "1", "start"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 2, result.stderr
        assert result.stderr.count("\n") == 1 and says in result.stderr, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_line_number_of_other_digits_is_bad_input(cli) -> None:
    """'²' is a digit to str.isdigit() but not to int()."""
    run = new_pk(cli)
    result = cli("data", run, "tembusan", "remove", "\u00b2")
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_validate_and_add_sop(cli, tmp_path: Path) -> None:
    good = tmp_path / "kunjungan.toml"
    good.write_text(
        (SHIPPED_DIR / "pengukuran-kinerja.toml")
        .read_text()
        .replace('id = "pengukuran-kinerja"', 'id = "kunjungan"')
        .replace('code = "pk"', 'code = "kj"')
    )
    out = cli("sop", "validate", str(good), check=True).stdout
    assert out.startswith(f"OK: {good}")
    bad = tmp_path / "rusak.toml"
    bad.write_text(good.read_text().replace('waktu = "1 Jam"', 'waktu = "lama"', 1))
    result = cli("sop", "validate", str(bad))
    assert result.returncode == 2 and str(bad) in result.stderr and "langkah 2" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    cli("sop", "add", str(good), check=True)
    ids = [s["id"] for s in json.loads(cli("sops", "--json", check=True).stdout)]
    assert "kunjungan" in ids
    assert cli("run", "new", "kj", "--title", "Kunjungan", check=True).stdout.strip() == "kj-1"


def test_office_show_and_set(cli) -> None:
    out = cli("office", "show", check=True).stdout
    assert "PEMERINTAH KABUPATEN BANGGAI" in out and "19660113 199203 1 002" in out
    cli("office", "set", "kepala.nip", "196601131992031002", check=True)
    cli("office", "set", "peran.budi", "sekretaris", check=True)
    data = json.loads(cli("office", "show", "--json", check=True).stdout)
    assert data["kepala"]["nip"] == "19660113 199203 1 002"
    assert data["users"] == {"budi": ["sekretaris"]}
    bad = cli("office", "set", "kepala.nip", "123")
    assert bad.returncode == 2 and "18 angka" in bad.stderr
    assert cli("office", "set", "warna", "biru").returncode == 2


def test_role_enforcement_from_the_command_line(cli, tmp_path: Path) -> None:
    run_id = new_pk(cli)
    import pwd

    me = pwd.getpwuid(os.getuid()).pw_name
    cli("office", "set", f"peran.{me}", "sekretaris", check=True)
    refused = cli("office", "set", "peran.wajib", "ya")
    assert refused.returncode == 1 and "admin" in refused.stderr  # nobody could undo it
    cli("office", "set", "peran.kepala", "admin", check=True)
    cli("office", "set", "peran.wajib", "ya", check=True)
    refused = cli("step", run_id, "1", "start")
    assert refused.returncode == 1 and "Langkah 1" in refused.stderr
    claim = cli("--as", "kadis", "step", run_id, "1", "start")
    assert claim.returncode == 1 and "tidak memegang peran" in claim.stderr
    # only an admin changes the rules now: not the user's roles, not enforcement itself
    for key, value in [(f"peran.{me}", "sekretaris,kadis"), ("peran.wajib", "tidak")]:
        refused = cli("office", "set", key, value)
        assert refused.returncode == 1 and "hanya boleh diubah oleh admin" in refused.stderr
    system = tmp_path / "etc" / "config.toml"
    system.parent.mkdir()
    system.write_text(f'[peran]\n{me} = ["sekretaris", "kadis"]\n')
    env = {"SOPTRACK_CONFIG": str(system)}
    cli("step", run_id, "1", "start", "--as", "kadis", check=True, env=env)
    entry = json.loads(cli("history", run_id, "--json", check=True).stdout)[-1]
    assert entry["role"] == "kadis" and entry["user"] == me


def test_sop_environment_variable_chooses_the_db(tmp_path: Path) -> None:
    db = tmp_path / "shared.json"
    env = {**__import__("os").environ, "SOPTRACK_DB": str(db)}
    result = subprocess.run(
        [sys.executable, "-m", "soptrack", "run", "new", "pk", "--title", "x"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert result.stdout.strip() == "pk-1" and db.exists()


def test_cli_commands_do_not_import_textual(db_path: Path) -> None:
    code = (
        "import sys; from soptrack.main import main; "
        f"main(['--db', {str(db_path)!r}, 'status']); "
        "print('textual' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().endswith("False")


def test_an_added_sop_lives_in_the_database_not_in_the_file(cli, tmp_path: Path) -> None:
    own = tmp_path / "kunjungan.toml"
    own.write_text(
        (SHIPPED_DIR / "pengukuran-kinerja.toml")
        .read_text()
        .replace('id = "pengukuran-kinerja"', 'id = "kunjungan"')
        .replace('code = "pk"', 'code = "kj"')
    )
    cli("sop", "add", str(own), check=True)
    new_pk(cli)
    cli("run", "new", "kunjungan", "--title", "Kunjungan", check=True)
    own.unlink()  # the file was only a draft
    result = cli("runs", "--json")
    assert result.returncode == 0 and result.stderr == ""
    assert [r["id"] for r in json.loads(result.stdout)] == ["pk-1", "kj-2"]


def test_user_text_is_printed_literally_never_as_rich_markup(cli, tmp_path: Path) -> None:
    cli("run", "new", "pk", "--title", "PK [bold]2026[/bold]", check=True)
    form = tmp_path / "form.csv"
    form.write_text(
        "Sasaran Strategis;Indikator Kinerja;Target;Realisasi\nSasaran [red]A[/red];Ind [x];80;90\n"
    )
    cli("data", "pk-1", "import", str(form), check=True)
    shown = cli("data", "pk-1", "show", check=True).stdout
    assert "PK [bold]2026[/bold]" in shown and "[red]A[/red]" in shown and "Ind [x]" in shown
    assert "PK [bold]2026[/bold]" in cli("runs", check=True).stdout


def test_the_app_forms_are_read_without_building_the_command_line() -> None:
    """`soptrack`, `tui`, `open RUN` with --db/--as open the app straight away; anything else
    goes to the full parser (which names what is wrong)."""
    from soptrack.main import app_request

    plain = app_request([])
    assert plain is not None and plain.run is None and plain.db is None
    request = app_request(["--db", "/srv/x.json", "open", "pk-1", "--as=kadis"])
    assert request is not None
    assert (request.db, request.as_role, request.run) == ("/srv/x.json", "kadis", "pk-1")
    assert app_request(["tui"]) is not None
    for words in (["--help"], ["status"], ["open"], ["tui", "x"], ["--db"], ["-x"]):
        assert app_request(words) is None, words


def test_the_collector_is_on_again_after_any_command(tmp_path, capsys) -> None:
    """`soptrack` starts with Python's garbage collector off (start-up time); a command, a
    refused command and a refused app start all give it back."""
    import gc

    import pytest

    from soptrack.main import main as soptrack_main

    db = str(tmp_path / "kantor.json")
    assert gc.isenabled()
    assert soptrack_main(["--db", db, "status"]) == 0
    assert gc.isenabled()
    assert soptrack_main(["--db", db, "open", "pk-99"]) == 2  # no such run: refused
    assert gc.isenabled()
    with pytest.raises(SystemExit) as wrong:  # argparse's own exit, with its usage line
        soptrack_main(["--db", db, "nothing-like-this"])
    assert wrong.value.code == 2 and gc.isenabled()
    capsys.readouterr()


# -- the quick exit (soptrack.main.finish) -----------------------------------------------


def _long_history(db_path: Path, notes: int) -> str:
    """A run whose `history` prints far more than a pipe holds (64 KB)."""
    from soptrack.services.core import Services

    services = Services(db_path, user="budi", sop_dirs=[])
    run = services.new_run("pengukuran-kinerja", "PK", 2026)
    services.act(run.id, 1, "start")
    for i in range(notes):
        services.act(run.id, 1, "note", f"catatan nomor {i} " + "isi yang panjang " * 5)
    return run.id


def test_the_quick_exit_flushes_all_output_and_runs_the_exit_handlers(cli, db_path: Path) -> None:
    """`soptrack` leaves without the interpreter's teardown: whatever the command printed
    must still arrive whole, and a write's replaced files are still freed before exit."""
    run_id = _long_history(db_path, 700)
    result = cli("history", run_id, check=True)
    assert len(result.stdout) > 64_000
    assert result.stdout.count("catatan nomor") == 700
    assert "catatan nomor 699 " in result.stdout
    cli("step", run_id, "1", "note", "--note", "sekali lagi", check=True)
    assert not list(db_path.parent.glob(".*.old.tmp")), "a replaced file left behind"


def test_a_reader_that_leaves_early_is_not_an_error(cli, db_path: Path) -> None:
    """`soptrack history RUN | head -1`: exit 0 and nothing on stderr (no BrokenPipe
    traceback or 'Exception ignored' from the last flush)."""
    run_id = _long_history(db_path, 700)
    script = (
        f"{shlex.quote(sys.executable)} -m soptrack --db {shlex.quote(str(db_path))} "
        f"history {run_id} | head -c 100 > /dev/null; echo ${{PIPESTATUS[0]}} >&2"
    )
    result = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stderr.strip() == "0", result.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
@pytest.mark.parametrize("buffered", [True, False])
def test_output_lost_to_a_full_disk_is_said_with_exit_120(
    db_path: Path, cli, buffered: bool
) -> None:
    """`soptrack run new ... > file` on a full disk: the run is made and its id cannot be
    written. One line says the output was lost (never "nothing changed": it did), exit
    120 as Python's own exit gives, no traceback; whether the id meets the full disk
    during the command (unbuffered) or at the exit's flush (buffered)."""
    new_pk(cli)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if not buffered:
        env["PYTHONUNBUFFERED"] = "1"
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "soptrack", "--db", str(db_path), "run", "new"]
            + ["pengukuran-kinerja", "--title", "Kedua", "--year", "2026"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            timeout=60,
        )
    assert result.returncode == 120, result.stderr
    assert result.stderr == "soptrack: keluaran tidak tertulis (No space left on device)\n"
    assert cli("runs", check=True).stdout.count("Kedua") == 1  # the run itself was made


def test_a_command_with_stderr_closed_exits_0(tmp_path) -> None:
    """`soptrack ... 2>&-` (cron, a daemon's closed fds): sys.stderr is None and the quick
    exit's _flushed raises AttributeError: exit 1 for a command that succeeded."""
    db = tmp_path / "db.json"
    result = subprocess.run(
        [sys.executable, "-m", "soptrack", "--db", str(db), "sops"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        pass_fds=(),
        preexec_fn=lambda: os.close(2),
        timeout=60,
    )
    assert result.returncode == 0


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_output_lost_is_said_once(tmp_path) -> None:
    """rich flushes after each print: the guard reports OutputLost (exit 120) and then the
    quick exit's flush meets the same full disk and says it again: two lines."""
    db = tmp_path / "db.json"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "soptrack", "--db", str(db), "sops"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            timeout=60,
        )
    assert result.returncode == 120
    assert result.stderr.count("\n") == 1, result.stderr


def test_status_of_one_run_refuses_the_flags_that_choose_among_runs(cli) -> None:
    """`status RUN --all` was accepted and ignored: the user asked for something else."""
    run_id = new_pk(cli)
    for flags in (["--all"], ["--year", "2025"], ["--page", "2"]):
        result = cli("status", run_id, *flags)
        assert result.returncode == 2, result
        assert result.stderr.startswith("soptrack: ") and flags[0] in result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert cli("status", run_id).returncode == 0
