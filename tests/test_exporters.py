"""Every document read back with python-docx: numbers, capaian, KONSEP before signing and
not after, the kop and receipt block, paper sizes. The SOP sheet: tests/test_flowchart.py."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import docx
import pytest
from docx.shared import Mm

from soptrack.exporters import pengantar, pengukuran
from soptrack.exporters.pengantar import Recipient
from soptrack.services import documents
from soptrack.services.core import Services
from soptrack.sop.catalog import Catalog
from soptrack.sop.errors import BadInput, RuleViolation
from soptrack.sop.office import OfficeProfile
from soptrack.sop.performance import Direction, Indicator, Performance, Program
from soptrack.sop.run import Actor, new_run

WITA = timezone(timedelta(hours=8))
OFFICE = OfficeProfile(alamat="Jl. Jend. Sudirman No. 1, Luwuk", telepon="(0461) 21000")
NOW = datetime(2026, 11, 25, 9, tzinfo=WITA)
CATALOG = Catalog.load([])
PK = CATALOG.get("pengukuran-kinerja")
RUN = new_run("pk-1", PK.id, [s.number for s in PK.steps], "PK 2026", 2026, Actor("t"), NOW)
PERF = Performance(
    indicators=(
        Indicator("Meningkatnya kesejahteraan sosial", "Persentase PMKS tertangani", "%", 80, 85.5),
        Indicator(
            "Meningkatnya kesejahteraan sosial",
            "Kasus terlantar",
            "orang",
            120,
            90,
            Direction.LOWER,
        ),
        Indicator("Meningkatnya pelayanan", "Indeks kepuasan", "indeks", 0, 3.2),
    ),
    programs=(Program("Program Perlindungan Sosial", 1_250_000_000, 1_187_500_000),),
)


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    return "\n".join(parts)


def header_xml(document) -> str:
    return "".join(s.header._element.xml for s in document.sections)


def reopen(doc, tmp_path: Path, name: str):
    path = tmp_path / name
    doc.save(str(path))
    return docx.Document(str(path))


def test_pengukuran_tables_numbers_and_signature(tmp_path: Path) -> None:
    doc = pengukuran.render(RUN, OFFICE, PERF, signed=True, sign_date=date(2026, 11, 25))
    doc = reopen(doc, tmp_path, "pk.docx")
    heads = [p.text for p in doc.paragraphs[:4]]
    assert heads == [
        "PENGUKURAN KINERJA",
        "DINAS SOSIAL",
        "PEMERINTAH KABUPATEN BANGGAI",
        "TAHUN 2026",
    ]
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "No",
        "Sasaran Strategis",
        "Indikator Kinerja",
        "Satuan",
        "Target",
        "Realisasi",
        "Capaian\n(%)",
        "Predikat",
    ]
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert rows[0] == [
        "1",
        "Meningkatnya kesejahteraan sosial",
        "Persentase PMKS tertangani",
        "%",
        "80",
        "85,5",
        "106,88",
        "Sangat Baik",
    ]
    assert rows[1][0:2] == ["1", "Meningkatnya kesejahteraan sosial"]  # merged group cell
    assert rows[1][4:] == ["120", "90", "125,00", "Sangat Baik"]  # lower is better
    assert rows[2][:3] == ["2", "Meningkatnya pelayanan", "Indeks kepuasan"]
    assert rows[2][6:] == ["-*", "-"]  # target 0
    programs = [[c.text for c in row.cells] for row in doc.tables[1].rows]
    assert programs[1] == [
        "1",
        "Program Perlindungan Sosial",
        "1.250.000.000",
        "1.187.500.000",
        "95,00",
    ]
    assert programs[-1][0] == "Jumlah" and programs[-1][-1] == "95,00"
    text = all_text(doc)
    assert "Indeks kepuasan: target 0, capaian tidak dapat dihitung." in text
    assert "Luwuk, 25 November 2026" in text
    assert "KEPALA DINAS SOSIAL KABUPATEN BANGGAI" in text
    assert "SYAIFUDDIN MUID, SH" in text and "NIP. 19660113 199203 1 002" in text
    assert "KONSEP" not in text and "KONSEP" not in header_xml(doc)
    footer = doc.sections[0].footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer


def test_pengukuran_is_konsep_until_signed(tmp_path: Path) -> None:
    doc = pengukuran.render(RUN, OFFICE, PERF, signed=False, sign_date=date(2026, 11, 25))
    doc = reopen(doc, tmp_path, "konsep.docx")
    assert doc.paragraphs[0].text.startswith("KONSEP")
    assert "KONSEP" in doc.sections[0].header.paragraphs[0].text
    assert 'string="KONSEP"' in header_xml(doc)  # the diagonal watermark


def test_empty_data_still_exports(tmp_path: Path) -> None:
    doc = pengukuran.render(RUN, OFFICE, Performance(), signed=True, sign_date=date(2026, 1, 2))
    text = all_text(reopen(doc, tmp_path, "empty.docx"))
    assert "(belum ada data kinerja)" in text and "Luwuk, 2 Januari 2026" in text


@pytest.mark.parametrize(("paper", "height"), [("A4", Mm(297)), ("F4", Mm(330))])
def test_paper_sizes(paper: str, height: int, tmp_path: Path) -> None:
    doc = pengukuran.render(RUN, OFFICE, PERF, signed=True, sign_date=date(2026, 1, 2), paper=paper)
    section = reopen(doc, tmp_path, f"{paper}.docx").sections[0]
    assert abs(section.page_height - height) < Mm(1)


def test_pengantar_layout(tmp_path: Path) -> None:
    doc = pengantar.render(
        RUN,
        OFFICE,
        number="000.8.3.3/4/Dinsos/2026",
        letter_date=date(2026, 11, 26),
        recipient=Recipient("Kepala BAPPEDA Kabupaten Banggai", "Luwuk", eksemplar=2),
    )
    doc = reopen(doc, tmp_path, "pengantar.docx")
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[:3] == [
        "PEMERINTAH KABUPATEN BANGGAI",
        "DINAS SOSIAL",
        "Jl. Jend. Sudirman No. 1, Luwuk, Telp. (0461) 21000",
    ]
    assert "w:pBdr" in doc.paragraphs[2]._p.xml  # the closing rule under the kop
    assert "SURAT PENGANTAR" in paragraphs
    assert "Nomor: 000.8.3.3/4/Dinsos/2026" in paragraphs
    head = doc.tables[0].cell(0, 1).text
    assert "Luwuk, 26 November 2026" in head
    assert "Yth. Kepala BAPPEDA Kabupaten Banggai" in head and "Luwuk" in head
    body = [[c.text for c in row.cells] for row in doc.tables[1].rows]
    assert body[0] == ["No", "Naskah Dinas yang dikirimkan", "Banyaknya", "Keterangan"]
    assert body[1][1] == "Dokumen Pengukuran Kinerja Dinas Sosial Kabupaten Banggai Tahun 2026"
    assert body[1][2] == "2 (dua) eksemplar"
    sender = doc.tables[2].cell(0, 1).text
    assert "SYAIFUDDIN MUID, SH" in sender and "NIP. 19660113 199203 1 002" in sender
    receipt = doc.tables[3].cell(0, 0).text
    assert "Diterima tanggal" in receipt and "Penerima" in receipt and "NIP" in receipt
    assert "Tanda tangan" in receipt


# -- through the services: signing decides KONSEP, numbering waits for the signature --------


def walk(services: Services, run_id: str, upto: int) -> None:
    for n in range(1, upto + 1):
        services.act(run_id, n, "start")
        services.act(run_id, n, "approve" if n == 9 else "done")


@pytest.fixture
def services(db_path: Path, clock) -> Services:
    return Services(db_path, sop_dirs=[], clock=clock, user="tester")


def test_export_konsep_before_step_11_and_not_after(
    services: Services, tmp_path: Path, clock
) -> None:
    run = services.new_run("pengukuran-kinerja", "PK 2026", 2026)
    walk(services, run.id, 10)
    [draft] = documents.export(services, run.id, "pk", tmp_path / "draft.docx")
    assert "KONSEP" in all_text(docx.Document(str(draft)))
    [letter] = documents.export(services, run.id, "pengantar", tmp_path / "letter.docx")
    assert "nomor diberikan setelah ditandatangani" in all_text(docx.Document(str(letter)))
    assert documents.letters(services) == []  # a draft takes no number
    services.act(run.id, 11, "start")
    clock.advance(days=1)
    services.act(run.id, 11, "done")
    clock.advance(days=3)
    [signed] = documents.export(services, run.id, "pk", tmp_path / "signed.docx")
    document = docx.Document(str(signed))
    assert "KONSEP" not in all_text(document) and "KONSEP" not in header_xml(document)
    assert "Luwuk, 26 November 2026" in all_text(document)  # the day step 11 was done


def test_export_refuses_pk_for_another_sop(services: Services, tmp_path: Path) -> None:
    run = services.new_run("monitoring-renstra", "Renstra", 2026)
    with pytest.raises(RuleViolation, match="Pengukuran Kinerja"):
        documents.export(services, run.id, "pk", tmp_path / "x.docx")
    [sheet] = documents.export(services, run.id, "sop", tmp_path)
    assert sheet.name == f"{run.id}-sop.docx"
    with pytest.raises(BadInput, match="jenis dokumen"):
        documents.export(services, run.id, "lkjip")
    with pytest.raises(BadInput, match=r"\.docx"):
        documents.export(services, run.id, "sop", tmp_path / "x.pdf")
