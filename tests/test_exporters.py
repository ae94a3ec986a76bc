"""Every document read back with python-docx: numbers, capaian, KONSEP before signing and
not after, the kop and receipt block, paper sizes. The SOP sheet: tests/test_flowchart.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import docx
import pytest
from doc_samples import emblem_png, sample
from docx.oxml.ns import qn
from docx.shared import Cm, Mm

from soptrack.exporters import pengantar, pengukuran, sop_sheet
from soptrack.services import documents
from soptrack.services.core import Services
from soptrack.sop.catalog import Catalog
from soptrack.sop.errors import BadInput, RuleViolation
from soptrack.sop.model import Signatory
from soptrack.sop.office import OfficeProfile, SignMode, encode_logo
from soptrack.sop.performance import Direction, Indicator, Performance, Program
from soptrack.sop.recipient import Attachment, Recipient
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
    assert heads == [  # in kop order: the pemerintah above its unit
        "PENGUKURAN KINERJA",
        "PEMERINTAH KABUPATEN BANGGAI",
        "DINAS SOSIAL",
        "TAHUN 2026",
    ]
    assert {p.style.name for p in doc.paragraphs[:4]} == {"Title"}
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
    # no vertical merge: the second row of the group names its Sasaran, marked (lanjutan)
    assert rows[1][0:2] == ["1", "Meningkatnya kesejahteraan sosial (lanjutan)"]
    assert rows[1][4:] == ["120", "90", "125,00", "Sangat Baik"]  # lower is better
    assert rows[2][:3] == ["2", "Meningkatnya pelayanan", "Indeks kepuasan"]
    assert rows[2][6:] == ["-(1)", "-"]  # target 0: a dash and the marker of note (1)
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
    assert "(1) Indeks kepuasan: target 0, capaian tidak dapat dihitung." in text
    assert "Luwuk, 25 November 2026" in text
    lines = [p.text for p in doc.paragraphs if p.style.name == "Tanda Tangan"]
    assert lines[:3] == ["Luwuk, 25 November 2026", "KEPALA DINAS SOSIAL", "KABUPATEN BANGGAI"]
    assert "SYAIFUDDIN MUID, SH" in text and "NIP. 19660113 199203 1 002" in text
    assert "KONSEP" not in text and "KONSEP" not in header_xml(doc)
    footer = doc.sections[0].footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer


def test_signature_keeps_with_the_table_and_notes(tmp_path: Path) -> None:
    doc = reopen(
        pengukuran.render(RUN, OFFICE, sample(25, 9), signed=True, sign_date=date(2026, 1, 2)),
        tmp_path,
        "long.docx",
    )
    body = doc.paragraphs
    sign = [i for i, p in enumerate(body) if p.style.name == "Tanda Tangan"]
    assert sign == list(range(sign[0], len(body)))  # the signature ends the document
    # every line but the last keeps with the next, and so does the line before the block
    assert all(body[i].paragraph_format.keep_with_next for i in range(sign[0] - 2, sign[-1]))
    programs = doc.tables[1]
    for row in programs.rows[-2:]:  # the last rows travel with the notes and signature
        assert "w:cantSplit" in row._tr.xml
        assert all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)
    indicators = doc.tables[0]
    assert "w:tblHeader" in indicators.rows[0]._tr.xml  # the header repeats on every page
    assert "vMerge" not in indicators._tbl.xml
    continued = [r.cells[1].text for r in indicators.rows[1:] if "(lanjutan)" in r.cells[1].text]
    assert len(continued) == 25 - 4  # every row but the first of each Sasaran


def test_styles_are_indonesian_and_carry_the_office_font(tmp_path: Path) -> None:
    office = replace(OFFICE, font="Bookman Old Style", font_size=11)
    doc = reopen(
        pengukuran.render(RUN, office, PERF, signed=True, sign_date=date(2026, 1, 2)),
        tmp_path,
        "styles.docx",
    )
    styles = doc.styles.element
    langs = [
        s.find(qn("w:rPr")).find(qn("w:lang")).get(qn("w:val"))
        for s in styles.findall(qn("w:style"))
    ]
    assert langs and set(langs) == {"id-ID"}
    assert "en-US" not in styles.xml and "en-US" not in doc.settings.element.xml
    normal = doc.styles["Normal"]
    assert normal.font.name == "Bookman Old Style" and normal.font.size.pt == 11
    used = {p.style.name for p in doc.paragraphs}
    used |= {
        p.style.name for t in doc.tables for r in t.rows for c in r.cells for p in c.paragraphs
    }
    assert {"Title", "Heading 1", "Teks Tabel", "Kepala Tabel", "Tanda Tangan"} <= used
    default = pengukuran.render(RUN, OFFICE, PERF, signed=True, sign_date=date(2026, 1, 2))
    assert default.styles["Normal"].font.name == "Arial"
    assert default.styles["Normal"].font.size.pt == 12


def test_konsep_leaves_the_date_blank(tmp_path: Path) -> None:
    doc = pengukuran.render(RUN, OFFICE, PERF, signed=False, sign_date=date(2026, 11, 25))
    text = all_text(reopen(doc, tmp_path, "k.docx"))
    assert "Luwuk, ............ 2026" in text and "25 November" not in text


def test_landscape_option_and_triwulan_columns(tmp_path: Path) -> None:
    doc = pengukuran.render(
        RUN, OFFICE, PERF, signed=True, sign_date=date(2026, 1, 2), landscape=True
    )
    section = reopen(doc, tmp_path, "l.docx").sections[0]
    assert section.page_width > section.page_height
    office = replace(OFFICE, pk_landscape=True)
    doc = pengukuran.render(RUN, office, PERF, signed=True, sign_date=date(2026, 1, 2))
    assert doc.sections[0].page_width > doc.sections[0].page_height
    quarterly = sample(6, 4, triwulan=True)
    doc = reopen(
        pengukuran.render(RUN, OFFICE, quarterly, signed=True, sign_date=date(2026, 1, 2)),
        tmp_path,
        "tw.docx",
    )
    head = [c.text for c in doc.tables[0].rows[0].cells]
    assert head[5:10] == ["TW I", "TW II", "TW III", "TW IV", "Realisasi\nTahunan"]
    assert doc.sections[0].page_width > doc.sections[0].page_height  # twelve columns: wide
    first = [c.text for c in doc.tables[0].rows[1].cells]
    assert first[5:9] == ["20", "45,5", "61", "82,5"]


def test_an_signature_with_the_substitute(tmp_path: Path) -> None:
    office = replace(
        OFFICE,
        pengganti=Signatory("Sekretaris", "Drs. MOH. RIZAL, M.Si", "19700512 199503 1 004"),
    )
    doc = pengukuran.render(
        RUN, office, PERF, signed=True, sign_date=date(2026, 1, 2), signer=SignMode.AN
    )
    lines = [p.text for p in reopen(doc, tmp_path, "an.docx").paragraphs]
    at = lines.index("a.n. KEPALA DINAS SOSIAL")
    assert lines[at + 1 : at + 3] == ["KABUPATEN BANGGAI", "Sekretaris"]
    assert "Drs. MOH. RIZAL, M.Si" in lines and "NIP. 19700512 199503 1 004" in lines
    assert "SYAIFUDDIN MUID, SH" not in lines
    plt = pengukuran.render(
        RUN, office, PERF, signed=True, sign_date=date(2026, 1, 2), signer=SignMode.PLT
    )
    assert "Plt. KEPALA DINAS SOSIAL" in [p.text for p in plt.paragraphs]
    with pytest.raises(RuleViolation, match="pengganti.nama"):
        pengukuran.render(
            RUN, OFFICE, PERF, signed=True, sign_date=date(2026, 1, 2), signer=SignMode.PLH
        )


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
        recipient=Recipient(
            "Kepala BAPPEDA Kabupaten Banggai",
            "Luwuk",
            eksemplar=2,
            lampiran=(Attachment("Softcopy dokumen (flashdisk)", 1, "buah", "format PDF"),),
            tembusan=("Bupati Banggai di Luwuk", "Arsip"),
        ),
    )
    doc = reopen(doc, tmp_path, "pengantar.docx")
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[:3] == [
        "PEMERINTAH KABUPATEN BANGGAI",
        "DINAS SOSIAL",
        "Jl. Jend. Sudirman No. 1, Luwuk, Telp. (0461) 21000",
    ]
    assert "w:pBdr" in doc.paragraphs[3]._p.xml  # the closing rule under the kop
    assert "SURAT PENGANTAR" in paragraphs
    assert "Nomor: 000.8.3.3/4/Dinsos/2026" in paragraphs
    head = doc.tables[0].cell(0, 1).text
    assert "Luwuk, 26 November 2026" in head
    assert "Yth. Kepala BAPPEDA Kabupaten Banggai" in head and "Luwuk" in head
    body = [[c.text for c in row.cells] for row in doc.tables[1].rows]
    assert body[0] == ["No", "Naskah Dinas yang dikirimkan", "Banyaknya", "Keterangan"]
    assert body[1][1] == "Dokumen Pengukuran Kinerja Dinas Sosial Kabupaten Banggai Tahun 2026"
    assert body[1][2] == "2 (dua) eksemplar"
    assert body[2] == ["2.", "Softcopy dokumen (flashdisk)", "1 (satu) buah", "format PDF"]
    foot = [[c.text for c in row.cells] for row in doc.tables[2].rows]
    receipt = [left for left, _ in foot]
    sender = [right for _, right in foot]
    assert receipt[0].startswith("Diterima tanggal") and receipt[1] == "Penerima,"
    assert sender[:2] == ["KEPALA DINAS SOSIAL", "KABUPATEN BANGGAI"]
    name = sender.index("SYAIFUDDIN MUID, SH")
    assert receipt[name].startswith("Nama") and receipt[name + 1].startswith("NIP")
    assert sender[name + 1] == "NIP. 19660113 199203 1 002"
    assert any(line.startswith("Telp.") for line in receipt)
    assert not any("Jabatan" in line or "Tanda tangan" in line for line in receipt)
    # the date and addressee column and the sender's column start at the same place
    assert doc.tables[0].columns[0].width == doc.tables[2].columns[0].width
    assert paragraphs[-3:] == ["Tembusan:", "1. Bupati Banggai di Luwuk", "2. Arsip"]
    for row in doc.tables[2].rows:
        assert "w:cantSplit" in row._tr.xml


def test_pengantar_konsep_date_and_kop_lines(tmp_path: Path) -> None:
    office = replace(
        OFFICE, kode_pos="94711", email="dinsos@banggaikab.go.id", website="dinsos.go.id"
    )
    doc = pengantar.render(
        RUN, office, number="(nomor ...)", letter_date=None, recipient=Recipient(), year=2026
    )
    doc = reopen(doc, tmp_path, "konsep.docx")
    text = all_text(doc)
    assert "Luwuk, ............ 2026" in text and "Yth. ......" in text
    assert "Kode Pos 94711" in text and "Email: dinsos@banggaikab.go.id" in text
    assert "Laman: dinsos.go.id" in text


def test_kop_with_logo(tmp_path: Path) -> None:
    office = replace(OFFICE, logo=encode_logo(emblem_png()))
    doc = pengantar.render(
        RUN, office, number="1", letter_date=date(2026, 1, 2), recipient=Recipient("X")
    )
    doc = reopen(doc, tmp_path, "logo.docx")
    assert len(doc.inline_shapes) == 1
    kop_table = doc.tables[0]
    assert "PEMERINTAH KABUPATEN BANGGAI" in kop_table.cell(0, 1).text
    image = doc.inline_shapes[0]
    assert abs(image.height - Cm(2.3)) < Cm(0.05)


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
    konsep = all_text(docx.Document(str(letter)))
    assert "nomor diberikan setelah ditandatangani" in konsep and "belum bernomor" in konsep
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


def _out_of_order(document) -> list[str]:
    """Property elements whose children break the schema order Word insists on."""
    from soptrack.exporters.ooxml import ORDER

    parts = [document.element, document.styles.element]
    parts += [s.header._element for s in document.sections]
    parts += [s.footer._element for s in document.sections]
    bad = []
    for part in parts:
        for kind, order in ORDER.items():
            for element in part.iter(qn(f"w:{kind}")):
                names = [c.tag.rsplit("}", 1)[-1] for c in element]
                known = [order.index(n) for n in names if n in order]
                if known != sorted(known):
                    bad.append(f"{kind}: {names}")
    return bad


def test_properties_in_the_order_word_requires(tmp_path: Path) -> None:
    office = replace(OFFICE, logo=encode_logo(emblem_png()), kode_pos="94711")
    docs = [
        pengukuran.render(RUN, office, sample(12, 9), signed=False, sign_date=date(2026, 1, 2)),
        pengukuran.render(
            RUN, office, sample(6, 4, triwulan=True), signed=True, sign_date=date(2026, 1, 2)
        ),
        pengantar.render(
            RUN,
            office,
            number="1",
            letter_date=None,
            recipient=Recipient("X", tembusan=("Arsip",)),
        ),
        sop_sheet.render(PK, office),
    ]
    for index, doc in enumerate(docs):
        assert _out_of_order(reopen(doc, tmp_path, f"{index}.docx")) == []
