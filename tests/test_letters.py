"""The letter-number register: the pattern, the yearly sequence, a run keeping its number,
and several processes exporting at the same moment never sharing a number."""

from __future__ import annotations

import multiprocessing
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import docx
import pytest

from soptrack.services import documents
from soptrack.services.core import Services
from soptrack.sop import letters
from soptrack.sop.dates import day_name, full_date, long_date, terbilang
from soptrack.sop.errors import BadInput, RuleViolation
from soptrack.sop.office import OfficeProfile

WITA = timezone(timedelta(hours=8))
OFFICE = OfficeProfile()


def test_long_dates_without_locale() -> None:
    assert long_date(date(2026, 11, 25)) == "25 November 2026"
    assert day_name(date(2026, 11, 25)) == "Rabu"
    assert full_date(datetime(2026, 8, 17, 9, 0)) == "Senin, 17 Agustus 2026"
    assert (
        terbilang(1) == "satu"
        and terbilang(12) == "dua belas"
        and terbilang(105) == ("seratus lima")
    )


def test_pattern_fields() -> None:
    when = date(2026, 11, 25)
    assert (
        letters.format_number(
            "{klasifikasi}/{nomor}/{kode_unit}/{tahun}",
            nomor=7,
            klasifikasi="000.8.3.3",
            kode_unit="Dinsos",
            when=when,
        )
        == "000.8.3.3/7/Dinsos/2026"
    )
    assert (
        letters.format_number(
            "{nomor:03d}/{kode_unit}/{bulan_romawi}/{bulan}/{tahun}",
            nomor=7,
            klasifikasi="",
            kode_unit="Dinsos",
            when=when,
        )
        == "007/Dinsos/XI/11/2026"
    )
    with pytest.raises(BadInput):
        letters.format_number("{nomer}", nomor=1, klasifikasi="", kode_unit="", when=when)


def test_sequence_restarts_each_year_and_a_run_keeps_its_number() -> None:
    rows: list[dict] = []
    at = datetime(2026, 12, 30, 9, tzinfo=WITA)
    a = letters.allocate(rows, run_id="pk-1", kind="pengantar", office=OFFICE, now=at)
    b = letters.allocate(rows, run_id="pk-2", kind="pengantar", office=OFFICE, now=at)
    again = letters.allocate(rows, run_id="pk-1", kind="pengantar", office=OFFICE, now=at)
    jan = datetime(2027, 1, 4, 9, tzinfo=WITA)
    c = letters.allocate(rows, run_id="pk-3", kind="pengantar", office=OFFICE, now=jan)
    assert [a["number"], b["number"], c["number"]] == [
        "000.8.3.3/1/Dinsos/2026",
        "000.8.3.3/2/Dinsos/2026",
        "000.8.3.3/1/Dinsos/2027",
    ]
    assert again is a and len(rows) == 3
    assert [r["run"] for r in letters.register_rows(rows, 2026)] == ["pk-1", "pk-2"]


def walk(services: Services, run_id: str, upto: int) -> None:
    for n in range(1, upto + 1):
        services.act(run_id, n, "start")
        services.act(run_id, n, "approve" if n == 9 else "done")


def signed_run(services: Services) -> str:
    run = services.new_run("pengukuran-kinerja", "PK", 2026)
    documents.set_recipient(services, run.id, "Kepala BAPPEDA Kabupaten Banggai")
    walk(services, run.id, 11)
    return run.id


def all_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


def test_no_number_without_an_addressee(db_path: Path, clock, tmp_path: Path) -> None:
    services = Services(db_path, sop_dirs=[], clock=clock, user="tester")
    run = services.new_run("pengukuran-kinerja", "PK", 2026)
    walk(services, run.id, 11)
    with pytest.raises(RuleViolation, match=f"soptrack data {run.id} recipient"):
        documents.export(services, run.id, "pengantar", tmp_path / "x.docx")
    assert documents.letters(services) == [] and not (tmp_path / "x.docx").exists()
    documents.set_recipient(services, run.id, "Kepala BAPPEDA")
    [path] = documents.export(services, run.id, "pengantar", tmp_path / "x.docx")
    assert nomor_in(path) == "Nomor: 000.8.3.3/1/Dinsos/2026"


def test_an_unset_substitute_signer_takes_no_number(db_path: Path, clock, tmp_path: Path) -> None:
    services = Services(db_path, sop_dirs=[], clock=clock, user="tester")
    run_id = signed_run(services)
    with pytest.raises(RuleViolation, match="pengganti.nama"):
        documents.export(services, run_id, "pengantar", tmp_path / "x.docx", signer="an")
    assert documents.letters(services) == []


def test_number_stays_with_the_run_after_undo_of_signing(
    db_path: Path, clock, tmp_path: Path
) -> None:
    services = Services(db_path, sop_dirs=[], clock=clock, user="tester")
    run_id = signed_run(services)
    [signed] = documents.export(services, run_id, "pengantar", tmp_path / "a.docx")
    assert nomor_in(signed) == "Nomor: 000.8.3.3/1/Dinsos/2026"
    services.undo(run_id)  # step 11 back to running: no longer signed
    [konsep] = documents.export(services, run_id, "pengantar", tmp_path / "b.docx")
    text = all_text(konsep)
    assert nomor_in(konsep) == "Nomor: 000.8.3.3/1/Dinsos/2026"
    assert "belum bernomor" not in text
    assert "nomor 000.8.3.3/1/Dinsos/2026" in text and "tetap milik run ini" in text
    assert "Luwuk, ............ 2026" in text  # a konsep leaves the date blank
    other = signed_run(services)  # another run meanwhile takes the next number
    [p2] = documents.export(services, other, "pengantar", tmp_path / "c.docx")
    assert nomor_in(p2) == "Nomor: 000.8.3.3/2/Dinsos/2026"
    services.act(run_id, 11, "done")
    [again] = documents.export(services, run_id, "pengantar", tmp_path / "d.docx")
    assert nomor_in(again) == "Nomor: 000.8.3.3/1/Dinsos/2026"
    assert "KONSEP" not in all_text(again)
    assert len(documents.letters(services)) == 2


def nomor_in(path: Path) -> str:
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    return next(line for line in text.splitlines() if line.startswith("Nomor:"))


def test_export_numbers_two_runs_then_a_new_year(db_path: Path, clock, tmp_path: Path) -> None:
    services = Services(db_path, sop_dirs=[], clock=clock, user="tester")
    first, second = signed_run(services), signed_run(services)
    out = tmp_path / "out"
    out.mkdir()
    [p1] = documents.export(services, first, "pengantar", out / "a.docx")
    [p2] = documents.export(services, second, "pengantar", out / "b.docx")
    assert nomor_in(p1) == "Nomor: 000.8.3.3/1/Dinsos/2026"
    assert nomor_in(p2) == "Nomor: 000.8.3.3/2/Dinsos/2026"
    clock.now = datetime(2027, 1, 5, 8, tzinfo=WITA)
    [again] = documents.export(services, first, "pengantar", out / "a2.docx")
    assert nomor_in(again) == "Nomor: 000.8.3.3/1/Dinsos/2026"  # re-export keeps it
    third = signed_run(services)
    [p3] = documents.export(services, third, "pengantar", out / "c.docx")
    assert nomor_in(p3) == "Nomor: 000.8.3.3/1/Dinsos/2027"
    assert [(r["year"], r["nomor"]) for r in documents.letters(services)] == [
        (2026, 1),
        (2026, 2),
        (2027, 1),
    ]


def _export_at_once(db: str, run_id: str, out: str, barrier) -> None:
    services = Services(db, sop_dirs=[], user=f"user-{run_id}")
    barrier.wait()
    documents.export(services, run_id, "pengantar", out)


def test_concurrent_exports_get_unique_numbers(db_path: Path, clock, tmp_path: Path) -> None:
    services = Services(db_path, sop_dirs=[], clock=clock, user="tester")
    runs = [signed_run(services) for _ in range(6)]
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(len(runs))
    procs = [
        ctx.Process(
            target=_export_at_once,
            args=(str(db_path), run_id, str(tmp_path / f"{run_id}.docx"), barrier),
        )
        for run_id in runs
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    rows = documents.letters(services)
    year = rows[0]["year"]
    assert sorted(r["nomor"] for r in rows) == list(range(1, len(runs) + 1))
    assert sorted(r["run"] for r in rows) == sorted(runs)
    numbers = {nomor_in(tmp_path / f"{run_id}.docx") for run_id in runs}
    assert len(numbers) == len(runs) and all(str(year) in n for n in numbers)
