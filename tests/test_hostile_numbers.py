"""Numbers typed or read from files are 0-9, finite and of an office's size: '٣' is refused
as '²' is (never read as 3, never stored unconverted), '1e309' is not infinity, 32 nines
are not a realisasi. Each refusal is one line, exit 2, and nothing stored.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from soptrack.services.core import Services
from soptrack.sop.errors import BadInput
from soptrack.sop.office import parse_bands, profile_from_dict
from soptrack.sop.performance import parse_number


def run_cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "soptrack", "--db", str(db), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=120,
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "x.json"
    services = Services(path, user="budi", sop_dirs=[])
    services.new_run("pengukuran-kinerja", "Pengukuran Kinerja 2026", 2026)
    return path


def files(db: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(db.parent.glob("x*.json"))}


def refused(db: Path, *args: str, says: str) -> str:
    before = files(db)
    proc = run_cli(db, *args)
    assert proc.returncode == 2, (args, proc.returncode, proc.stdout, proc.stderr)
    assert proc.stderr.startswith("soptrack: ") and proc.stderr.count("\n") == 1, proc.stderr
    assert says in proc.stderr, proc.stderr
    assert files(db) == before, args
    return proc.stderr


ARABIC_3 = "\u0663"  # ٣
ARABIC_2026 = "\u0662\u0660\u0662\u0666"  # ٢٠٢٦


@pytest.mark.parametrize(
    "args",
    [
        ["step", "pk-1", ARABIC_3, "start"],
        ["run", "new", "pengukuran-kinerja", "--title", "X", "--year", ARABIC_2026],
        ["runs", "--page", "\u0661"],
        ["data", "pk-1", "lampiran", "add", "Flashdisk", "--copies", "\u0662"],
    ],
    ids=["step", "run-new-year", "page", "copies"],
)
def test_command_line_numbers_of_other_digits_are_refused_as_superscripts(db: Path, args):
    said = refused(db, *args, says="bukan bilangan bulat")
    superscript = [
        a.translate({ord(c): "\u00b2" for c in "\u0660\u0661\u0662\u0663\u0666"}) for a in args
    ]
    assert (
        refused(db, *superscript, says="bukan bilangan bulat").split(":")[:2] == said.split(":")[:2]
    )


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("capaian.batas", "1e309", "terlalu besar"),
        ("capaian.batas", "nan", "bukan angka"),
        ("capaian.batas", "inf", "bukan angka"),
        ("capaian.batas", "Infinity", "bukan angka"),
        ("capaian.batas", "\u0661\u0662\u0660", "bukan angka"),  # ١٢٠
        ("dokumen.ukuran", "\u0661\u0662", "bukan angka"),  # ١٢
        ("predikat", "1e309:A, 0:B", "NILAI:LABEL"),
        ("predikat", "nan:A, 0:B", "NILAI:LABEL"),
        ("predikat", "\u0669\u0661:A", "NILAI:LABEL"),  # ٩١:A
        ("jam.senin", "\u0660\u0667:\u0663\u0660-\u0661\u0666:\u0660\u0660", "07:30-16:00"),
        (
            "kepala.nip",
            "\u0661\u0669\u0666\u0666\u0660\u0661\u0661\u0663\u0661\u0669"
            "\u0669\u0662\u0660\u0663\u0661\u0660\u0660\u0662",
            "18 angka",
        ),
    ],
)
def test_office_settings_refuse_non_finite_and_other_digits(db: Path, key, value, says):
    refused(db, "office", "set", key, value, says=says)
    shown = run_cli(db, "office", "show", "--json")
    assert shown.returncode == 0 and "Infinity" not in shown.stdout and "NaN" not in shown.stdout


def test_ascii_settings_still_work(db: Path) -> None:
    for key, value in [
        ("capaian.batas", "120"),
        ("predikat", "91:A, 0:B"),
        ("jam.senin", "07:30-16:00"),
        ("kepala.nip", "19660113 199203 1 002"),
    ]:
        proc = run_cli(db, "office", "set", key, value)
        assert proc.returncode == 0, proc.stderr


def test_a_stored_infinite_cap_is_no_cap() -> None:
    """A profile written before the refusal ('Infinity' in the file) reads without it."""
    assert profile_from_dict({"capaian_cap": math.inf}).capaian_cap is None
    assert profile_from_dict({"capaian_cap": 120}).capaian_cap == 120


def test_bands_refuse_what_is_not_a_finite_ascii_number() -> None:
    for text in ("1e309:A", "inf:A", "nan:A", "\u0669\u0661:A"):
        with pytest.raises(BadInput):
            parse_bands(text)


# -- the performance form -----------------------------------------------------------------

FORM = "Jenis;Sasaran Strategis;Indikator Kinerja;Satuan;Target;Realisasi\n"


@pytest.mark.parametrize(
    ("realisasi", "says"),
    [
        ("99999999999999999999999999999999", "terlalu besar"),
        ("1e309", "bukan angka"),
        ("1.000.000.000.000.000", "terlalu besar"),
        ("\u0668\u0665", "bukan angka"),  # ٨٥
    ],
)
def test_the_form_refuses_absurd_numbers_naming_file_and_line(
    db: Path, tmp_path: Path, realisasi: str, says: str
) -> None:
    form = tmp_path / "isian.csv"
    form.write_text(FORM + "# catatan\n" + f"kinerja;S;I;%;80;{realisasi}\n", encoding="utf-8")
    said = refused(db, "data", "pk-1", "import", str(form), says=says)
    assert f"{form}: baris 3: kolom Realisasi" in said, said


def test_parse_number_bounds() -> None:
    assert parse_number("999.999.999.999.999") == 999_999_999_999_999
    assert parse_number("-1.250.000") == -1_250_000
    for text in ("1e15", "-1e15", "99999999999999999999999999999999", "\u0668\u0665", "85\u00b2"):
        with pytest.raises(BadInput):
            parse_number(text)


def test_the_monitoring_late_share_refuses_other_digits(db: Path) -> None:
    refused(db, "monitor", "pengukuran-kinerja", "--late", "\u0662\u0660", says="bukan angka")
