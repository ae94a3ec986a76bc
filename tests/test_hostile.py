"""Hostile input, property-based (hypothesis): only soptrack's own errors, never a traceback.

* the SOP loader on random text and on mutated valid SOP files: only SopFileError;
* the duration parser on random text: only DurationError;
* the command line (`soptrack.main.main` in-process, a temporary database): random argv ends in a
  return code or SystemExit of 0-3, nothing else;
* notes with huge texts and control characters are stored cleanly: characters illegal in
  XML are removed (sop.workflow.clean_text) and the note survives a reload.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import re
import sys
import tempfile
import types
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from soptrack.services.core import Services
from soptrack.sop.catalog import SHIPPED_DIR
from soptrack.sop.durations import DurationError, parse_duration
from soptrack.sop.errors import SopFileError
from soptrack.sop.loader import parse_sop
from soptrack.store import Repository
from soptrack.store.storage import forget

SHIPPED = {p.name: p.read_text(encoding="utf-8") for p in sorted(SHIPPED_DIR.glob("*.toml"))}
# XML 1.0 Char production: what a .docx (or any XML) may contain
XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
FAST = settings(max_examples=300, deadline=None)


# -- the SOP loader ----------------------------------------------------------------------


@FAST
@given(st.text())
def test_loader_random_text(text):
    with contextlib.suppress(SopFileError):
        parse_sop(text, "random.toml")


@FAST
@given(st.binary())
def test_loader_random_bytes(raw):
    with contextlib.suppress(SopFileError):
        parse_sop(raw, "random.toml")


def _mutate(text: str, data: st.DataObject) -> str:
    lines = text.splitlines()
    for _ in range(data.draw(st.integers(1, 4))):
        if not lines:
            break
        i = data.draw(st.integers(0, len(lines) - 1))
        how = data.draw(st.sampled_from(["drop", "dup", "value", "insert", "cut", "swap"]))
        line = lines[i]
        if how == "drop":
            del lines[i]
        elif how == "dup":
            lines.insert(i, line)
        elif how == "value" and "=" in line:
            key = line.split("=", 1)[0]
            value = data.draw(
                st.sampled_from(
                    [
                        '""',
                        '"   "',
                        "0",
                        "-1",
                        "99999999999999999999",
                        "1.5",
                        "true",
                        "[]",
                        "[1, 2]",
                        '["x"]',
                        "{}",
                        "{a = 1}",
                        "1979-05-27",
                        '"\\u0000"',
                        "inf",
                        '"9"',
                        '"0 menit"',
                        '"1,5 jam"',
                        '"365 hari"',
                        '"366 hari"',
                        "nan",
                    ]
                )
            )
            lines[i] = f"{key}= {value}"
        elif how == "insert":
            lines.insert(i, data.draw(st.text(max_size=30)))
        elif how == "cut":
            lines[i] = line[: data.draw(st.integers(0, len(line)))]
        elif how == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
    return "\n".join(lines)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(SHIPPED)), st.data())
def test_loader_mutated_sop_files(name, data):
    text = _mutate(SHIPPED[name], data)
    with contextlib.suppress(SopFileError):
        sop = parse_sop(text, name)
        assert sop.steps and all(s.minutes > 0 for s in sop.steps)


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if value == value and abs(value) != float("inf") else "nan"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
        )
    raise TypeError(value)


SCALARS = st.one_of(
    st.integers(-(10**20), 10**20),
    st.booleans(),
    st.text(max_size=20),
    st.floats(allow_nan=False, allow_infinity=False),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(SHIPPED)), st.data())
def test_loader_structurally_mutated_sop(name, data):
    """Replace a random value anywhere in a valid SOP with a random TOML value."""
    import tomllib

    tree = tomllib.loads(SHIPPED[name])
    node = tree
    for _ in range(data.draw(st.integers(0, 3))):
        children = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        children = [(k, v) for k, v in children if isinstance(v, dict | list) and v]
        if not children:
            break
        _, node = data.draw(st.sampled_from(children))
    if isinstance(node, dict) and node:
        key = data.draw(st.sampled_from(sorted(node)))
        node[key] = data.draw(VALUES)
    elif isinstance(node, list) and node:
        node[data.draw(st.integers(0, len(node) - 1))] = data.draw(VALUES)
    text = "\n".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in tree.items())
    with contextlib.suppress(SopFileError):
        parse_sop(text, name)


# -- the duration parser -----------------------------------------------------------------


@FAST
@given(st.text())
def test_duration_random_text(text):
    with contextlib.suppress(DurationError):
        assert parse_duration(text) > 0


DURATION_WORDS = st.sampled_from(
    [
        "menit",
        "Menit",
        "mnt",
        "jam",
        "JAM",
        "hari",
        "m",
        "j",
        "h",
        " ",
        ",",
        ".",
        "-",
        "\u2212",
        "0",
        "1",
        "15",
        "1,5",
        "0,25",
        "1.000",
        "999999999",
        "9" * 30,
        "\u0661",
        "\n",
        "\t",
    ]
)


@FAST
@given(
    st.lists(DURATION_WORDS, max_size=8),
    st.sampled_from(["menit", "jam", "hari"]),
    st.integers(60, 1440),
)
def test_duration_shaped_input(words, unit, per_day):
    text = "".join(words)
    with contextlib.suppress(DurationError):
        minutes = parse_duration(text, bare_unit=unit, minutes_per_day=per_day)
        assert isinstance(minutes, int) and 0 < minutes <= 365 * per_day


# -- the command line --------------------------------------------------------------------

ARGV_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=30,
)


@pytest.fixture(scope="module")
def cli_sandbox():
    """A database with runs, a broken database, a folder: the only paths argv may name."""
    with tempfile.TemporaryDirectory(prefix="soptrack-hostile-") as tmp:
        root = Path(tmp)
        good = root / "kantor.json"
        services = Services(db=good, user="budi", sop_dirs=[])
        services.new_run("pengukuran-kinerja", "Pengukuran Kinerja 2026", 2026)
        services.new_run("monitoring-renstra", "Monitoring Renstra 2026", 2026)
        services.act("pk-1", 1, "start")
        (root / "broken.json").write_text('{"meta": ')
        (root / "folder.json").mkdir()
        (root / "sop.toml").write_text(
            SHIPPED[sorted(SHIPPED)[0]].replace("[[langkah]]", "[[x]]", 1)
        )
        yield root


def _paths(root: Path) -> list[str]:
    return [
        str(root / n)
        for n in (
            "kantor.json",
            "broken.json",
            "folder.json",
            "none/x.json",
            "sop.toml",
            "missing.toml",
        )
    ]


def argv_strategy(root: Path):
    paths = st.sampled_from(_paths(root))
    words = st.sampled_from(
        [
            "sops",
            "sop",
            "show",
            "validate",
            "add",
            "run",
            "new",
            "runs",
            "status",
            "step",
            "undo",
            "history",
            "office",
            "set",
            "doctor",
            "restore",
            "pengukuran-kinerja",
            "pk",
            "mr",
            "pk-1",
            "pk-2",
            "mr-2",
            "pk-999",
            "1",
            "2",
            "9",
            "13",
            "0",
            "-1",
            "99999999999",
            "start",
            "done",
            "approve",
            "return",
            "note",
            "--note",
            "--title",
            "--year",
            "--json",
            "--as",
            "kadis",
            "sekretaris",
            "--replace",
            "--help",
            "-h",
            "--from",
            "--",
            "-",
            "kepala.nip",
            "jam.senin",
            "peran.budi",
            "peran.wajib",
            "libur",
            "predikat",
            "unit",
            "surat.pola",
            "08:00-16:00",
            "ya",
            "{nomor}",
            "2026-02-30",
        ]
    )
    token = st.one_of(words, words, words, ARGV_TEXT, paths)
    return st.lists(token, max_size=8)


def run_cli(argv: list[str], root: Path) -> tuple[int, str, str]:
    from soptrack.main import main

    out, err = io.StringIO(), io.StringIO()
    code: object
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([*argv, "--db", str(root / "kantor.json")] if "--db" not in argv else argv)
        except SystemExit as exc:  # argparse: --help (0) and usage errors (2)
            code = exc.code if exc.code is not None else 0
    assert isinstance(code, int) and 0 <= code <= 3, (argv, code, err.getvalue())
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def no_app(monkeypatch, cli_sandbox):
    """The commands that open the TUI get a stand-in: this test is about the CLI."""
    fake = types.ModuleType("soptrack.tui.app")
    fake.run_app = lambda services, run=None: 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "soptrack.tui.app", fake)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(cli_sandbox / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(cli_sandbox / "data"))
    monkeypatch.setenv("HOME", str(cli_sandbox / "home"))
    monkeypatch.delenv("SOPTRACK_DB", raising=False)
    return cli_sandbox


@settings(
    max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_cli_random_argv(no_app, data):
    root = no_app
    argv = data.draw(argv_strategy(root))
    # `--db` followed by random text could name any path on this machine: keep it sandboxed
    for i, arg in enumerate(argv):
        if arg.startswith("--db") and not (i + 1 < len(argv) and argv[i + 1] in _paths(root)):
            assume(False)
    assume(not any(a.startswith("--d") and a != "--db" for a in argv))  # abbreviations
    forget(str(root / "kantor.json"))
    code, _, err = run_cli(argv, root)
    assert "Traceback" not in err
    if code != 0:
        assert err.strip() == "" or err.startswith(("soptrack", "usage")), err


def test_cli_known_bad_inputs_are_one_line(no_app):
    root = no_app
    cases = [
        ["step", "pk-1", "99", "start"],
        ["step", "pk-1", "3", "start"],
        ["step", "nope", "1", "start"],
        ["step", "pk-1", "1", "return"],
        ["run", "new", "nope", "--title", "x"],
        ["run", "new", "pk", "--title", "\x01\x02 "],
        ["run", "new", "pk", "--title", "x", "--year", "99999"],
        ["office", "set", "kepala.nip", "123"],
        ["office", "set", "jam.senin", "25:00-26:00"],
        ["status", "pk-1", "--db", str(root / "folder.json")],
        ["sop", "validate", str(root / "sop.toml")],
        ["sop", "validate", str(root / "missing.toml")],
        ["sop", "validate", str(root)],
    ]
    for argv in cases:
        code, _, err = run_cli(argv, root)
        assert code in (1, 2), (argv, code, err)
        assert err.startswith("soptrack") and err.count("\n") == 1, (argv, err)


# -- notes: huge texts and control characters --------------------------------------------

NOTE_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=200)


@pytest.fixture(scope="module")
def note_db():
    with tempfile.TemporaryDirectory(prefix="soptrack-notes-") as tmp:
        db = Path(tmp) / "kantor.json"
        services = Services(db=db, user="budi", sop_dirs=[])
        services.new_run("pengukuran-kinerja", "Catatan", 2026)
        yield services


@settings(max_examples=150, deadline=None)
@given(NOTE_TEXT)
def test_note_text_stored_cleanly(note_db, text):
    from soptrack.sop.errors import BadInput
    from soptrack.sop.workflow import clean_text

    services = note_db
    try:
        run = services.act("pk-1", 1, "note", text)
    except BadInput:
        assert clean_text(text) == ""  # an empty note after cleaning is refused, not stored
        return
    stored = run.history[-1].note
    assert stored == clean_text(text) and stored
    assert not XML_ILLEGAL.search(stored)
    forget(str(services.repo.path))
    again = Repository(services.repo.path).get_run("pk-1")
    assert again.history[-1].note == stored
    assert again.record(1).notes[-1].text == stored


def test_huge_note_with_every_control_character(note_db):
    """A note up to the limit is stored cleanly; a bigger one is refused, nothing stored."""
    from soptrack.sop.errors import BadInput
    from soptrack.sop.text import MAX_NOTE

    services = note_db
    controls = "".join(chr(c) for c in range(0x20)) + "\x7f\x9b\ufffe\uffff"
    rng = random.Random(5)
    text = "".join(
        rng.choice(["kata ", "\u00e9", "\U0001f600", controls, "x" * 50]) for _ in range(400)
    )
    text = text[:MAX_NOTE]
    run = services.act("pk-1", 2, "note", text)
    stored = run.history[-1].note
    assert not XML_ILLEGAL.search(stored) and "\x1b" not in stored and "\x9b" not in stored
    assert "\U0001f600" in stored and "\t" in stored and "\n" in stored
    forget(str(services.repo.path))
    assert Repository(services.repo.path).get_run("pk-1").history[-1].note == stored
    raw = services.repo.path.read_text(encoding="utf-8")
    assert "\\u0001" not in raw and "\\u001f" not in raw
    before = services.repo.path.read_bytes()
    with pytest.raises(BadInput, match="terlalu panjang"):
        services.act("pk-1", 2, "note", "x" * (MAX_NOTE + 1) + controls)
    assert services.repo.path.read_bytes() == before


def test_note_with_lone_surrogate_is_cleaned(note_db):
    run = note_db.act("pk-1", 3, "note", "rusak \udcff byte")
    assert run.history[-1].note == "rusak  byte"


def test_invalid_utf8_in_argv_is_one_line_not_a_traceback(tmp_path):
    """Until clean_text drops surrogates, the store refuses them in one line (exit 2)."""
    import os
    import subprocess

    db = tmp_path / "kantor.json"
    Services(db=db, user="budi", sop_dirs=[]).new_run("pengukuran-kinerja", "T", 2026)
    before = db.read_bytes()
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "soptrack",
            "step",
            "pk-1",
            "1",
            "note",
            "--note",
            b"rusak \xff byte",
            "--db",
            str(db),
        ],
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode in (0, 2), proc.stderr
    assert b"Traceback" not in proc.stderr and proc.stderr.count(b"\n") <= 1
    if proc.returncode == 2:
        assert db.read_bytes() == before
    else:  # cleaned: the note is stored without the invalid byte
        assert not XML_ILLEGAL.search(Repository(db).get_run("pk-1").history[-1].note)
