"""1,000 runs over 10 years (13,000 steps, 50,000 history entries): every command still
answers correctly, list views show this year's and every unfinished run unless asked for
more, and a write changes one run in one year's file.

Timings are recorded by bench/ (python bench/run_all.py); here only correctness is asserted,
so a slow CI machine cannot make this test flaky. Also: no CLI command imports Textual.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from bench_store import build_runs, newest_unfinished, write_database, year_of  # noqa: E402

from soptrack.store import Repository  # noqa: E402
from soptrack.store.storage import forget  # noqa: E402

CLI = [sys.executable, "-m", "soptrack"]
RUNS = 1000


def soptrack(db: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("SOPTRACK_DB", None)
    env.update(XDG_CONFIG_HOME=str(db.parent / "cfg"), COLUMNS="200")
    proc = subprocess.run(
        [*CLI, *args, "--db", str(db)], env=env, capture_output=True, text=True, timeout=300
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


@pytest.fixture(scope="module")
def big_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("scale") / "kantor.json"
    write_database(db, build_runs(RUNS))  # one store transaction
    return db


@pytest.mark.slow
def test_the_data_is_the_size_we_promise(big_db):
    forget(str(big_db))
    repo = Repository(big_db)
    runs = repo.list_runs()
    assert len(runs) == RUNS
    assert sum(len(r.steps) for r in runs) == 13 * RUNS
    assert sum(len(r.history) for r in runs) == 50 * RUNS
    assert len({r.id for r in runs}) == RUNS
    assert len(repo.years()) == 10 and len(repo.files()) == 12  # main, index, 10 years


@pytest.mark.slow
def test_every_command_at_scale(big_db):
    this_year = year_of(RUNS, RUNS)
    everything = soptrack(big_db, "status", "--all", "--json")
    assert everything.returncode == 0
    rows = json.loads(everything.stdout)
    assert len(rows) == RUNS and {r["id"] for r in rows} == {f"pk-{i}" for i in range(1, RUNS + 1)}
    finished = sum(1 for r in rows if r["state"] == "selesai")
    assert finished == RUNS - RUNS // 4  # three in four went through the whole SOP

    # by default: this year's runs and every unfinished one, newest year first
    default = json.loads(soptrack(big_db, "status", "--json").stdout)
    expected = {r["id"] for r in rows if r["year"] == this_year or r["state"] != "selesai"}
    assert {r["id"] for r in default} == expected and len(default) < RUNS
    assert [r["year"] for r in default] == sorted((r["year"] for r in default), reverse=True)
    one_year = json.loads(soptrack(big_db, "runs", "--year", str(this_year - 3), "--json").stdout)
    assert len(one_year) == RUNS // 10 and {r["year"] for r in one_year} == {this_year - 3}

    # a table never draws them all: one page (25 runs of two lines for status, 50 for runs),
    # the count and how to see more
    table = soptrack(big_db, "status")
    assert table.returncode == 0
    assert table.stdout.count("pk-") == 25
    assert f"dari {len(default)}; berikutnya: --page 2" in table.stdout
    assert f"{RUNS - len(default)} run lain: --year TAHUN atau --all" in table.stdout
    last_page = (len(default) + 49) // 50
    page = soptrack(big_db, "runs", "--page", str(last_page))
    assert page.returncode == 0 and page.stdout.count("pk-") == len(default) - 50 * (last_page - 1)
    beyond = soptrack(big_db, "runs", "--page", str(last_page + 1))
    assert beyond.returncode == 2 and "halaman" in beyond.stderr

    runs = soptrack(big_db, "runs", "--all", "--json")
    assert runs.returncode == 0 and len(json.loads(runs.stdout)) == RUNS

    one = soptrack(big_db, "status", "pk-500", "--json")
    assert one.returncode == 0
    assert json.loads(one.stdout)["id"] == "pk-500"
    assert soptrack(big_db, "status", "pk-500").returncode == 0

    ref = f"pk-{newest_unfinished(RUNS)}"
    before = json.loads(soptrack(big_db, "status", ref, "--json").stdout)
    archive = {p: p.stat().st_mtime_ns for p in Repository(big_db).files()}
    step = soptrack(big_db, "step", ref, str(before["current_step"]), "note", "--note", "skala")
    assert step.returncode == 0, step.stderr
    history = soptrack(big_db, "history", ref, "--json")
    assert history.returncode == 0
    entries = json.loads(history.stdout)
    assert [e["seq"] for e in entries] == list(range(1, 52))
    assert entries[-1]["note"] == "skala"
    assert soptrack(big_db, "history", ref).returncode == 0

    # the write changed exactly one run, in this year's file and the index only
    changed = {p.name for p, t in archive.items() if p.stat().st_mtime_ns != t}
    assert changed == {f"{big_db.stem}.index.json", f"{big_db.stem}.{this_year}.json"}
    forget(str(big_db))
    after = {r.id: len(r.history) for r in Repository(big_db).list_runs()}
    assert after.pop(ref) == 51 and set(after.values()) == {50}

    doctor = soptrack(big_db, "doctor")
    assert doctor.returncode == 0 and f"{RUNS} run" in doctor.stdout


COMMANDS = [
    ["status"],
    ["status", "pk-1"],
    ["runs"],
    ["runs", "--json"],
    ["history", "pk-1"],
    ["step", "pk-1", "1", "note", "--note", "x"],
    ["sops"],
    ["sop", "show", "pk"],
    ["office", "show"],
    ["doctor"],
    ["--help"],
]


def test_cli_commands_never_import_textual(tmp_path):
    db = tmp_path / "kantor.json"
    write_database(db, build_runs(2))
    probe = (
        "import sys, contextlib, io\n"
        "from soptrack.main import main\n"
        "argv = sys.argv[1:]\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        code = main(argv)\n"
        "    except SystemExit as exc:\n"
        "        code = exc.code\n"
        "loaded = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(code, len(loaded), loaded[:3])\n"
    )
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    for command in COMMANDS:
        proc = subprocess.run(
            [sys.executable, "-c", probe, *command, "--db", str(db)],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )
        code, count, _ = proc.stdout.split(" ", 2)
        assert code == "0", (command, proc.stdout, proc.stderr)
        assert count == "0", f"soptrack {' '.join(command)} imported textual: {proc.stdout}"


def test_status_importtime_has_no_textual(tmp_path):
    db = tmp_path / "kantor.json"
    write_database(db, build_runs(2))
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "soptrack", "status", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "cfg")},
    )
    assert proc.returncode == 0, proc.stderr
    modules = [
        line.rsplit("|", 1)[-1].strip()
        for line in proc.stderr.splitlines()
        if line.startswith("import time:")
    ]
    assert "soptrack.cli.main" in modules or "rich.table" in modules  # the probe itself works
    assert not [m for m in modules if m == "textual" or m.startswith("textual.")]
