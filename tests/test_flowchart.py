"""The SOP flowchart: its layout (sop.flow), the shapes in the SOP sheet (exporters.flowchart
via exporters.sop_sheet) read back with python-docx, the sheet's fixes (head's name, Waktu
units, alignment) and a LibreOffice render of both shipped SOPs."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from soptrack.exporters import sop_sheet
from soptrack.sop.catalog import Catalog
from soptrack.sop.flow import NO, YES, Symbol, layout, loops, paginate
from soptrack.sop.model import Signatory
from soptrack.sop.office import OfficeProfile

CATALOG = Catalog.load([])
PK = CATALOG.get("pengukuran-kinerja")
MR = CATALOG.get("monitoring-renstra")
OFFICE = OfficeProfile()
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"


# -- layout -------------------------------------------------------------------------------


def test_layout_puts_each_step_in_its_lanes_and_draws_the_decision_loop() -> None:
    flow = layout(PK)
    lanes = [lane.id for lane in PK.lanes]
    for step, node in zip(PK.steps, flow.nodes, strict=True):
        assert [lanes[c] for c in node.columns] == list(step.lanes)
    assert flow.node(1).symbol is Symbol.TERMINATOR
    assert flow.node(13).symbol is Symbol.TERMINATOR
    assert flow.node(9).symbol is Symbol.DECISION
    assert flow.node(8).symbol is Symbol.PROCESS
    out = {(e.target, e.label, e.back) for e in flow.outgoing(9)}
    assert out == {(10, YES, False), (8, NO, True)}
    # arrows leave and enter in the nearest lanes: 4 (SAKIP lanes) -> 5 (same) is straight
    assert flow.forward(4).from_column == flow.forward(4).to_column == 2
    assert loops(flow) == ((7, 8),)
    assert len([e for e in layout(MR).edges if e.back]) == 0


def test_paginate_fills_pages_reserves_connectors_and_keeps_loops() -> None:
    pages = paginate([1, 2, 3, 4, 5], 6, 7, 0.5)
    assert [p.rows for p in pages] == [(0, 1), (2,), (3,), (4,)]
    # the last row needs no bottom connector
    assert [p.rows for p in paginate([1, 1, 1], 3, 3, 0.5)] == [(0, 1, 2)]
    # a break inside the loop (rows 1..2) moves the loop's first row to the next page
    assert [p.rows for p in paginate([2, 2, 2, 1], 5, 8, 0.5)] == [(0, 1), (2, 3)]
    assert [p.rows for p in paginate([2, 2, 2, 1], 5, 8, 0.5, keep=[(1, 2)])] == [
        (0,),
        (1, 2, 3),
    ]
    # a row taller than a page still gets a page of its own
    assert [p.rows for p in paginate([9, 1], 5, 5, 0.5)] == [(0,), (1,)]


# -- the .docx ------------------------------------------------------------------------------


def reopen(doc, tmp_path: Path, name: str):
    path = tmp_path / name
    doc.save(str(path))
    return docx.Document(str(path))


def flow_tables(doc):
    return [t for t in doc.tables if t.rows[0].cells[0].text == "No"]


def step_rows(doc):
    """(step number, row) of every step row of the flowchart tables, in order."""
    rows = []
    for table in flow_tables(doc):
        for row in table.rows[2:]:
            rows.append((int(row.cells[0].text), row))
    return rows


def shapes(cell) -> list[tuple[str, str, bool]]:
    """(name, descr, has arrow head) of every anchored shape in a cell."""
    found = []
    for anchor in cell._tc.iter(f"{{{WP}}}anchor"):
        assert anchor.get("layoutInCell") == "1"
        pr = anchor.find(f"{{{WP}}}docPr")
        arrow = anchor.find(f".//{{{A}}}tailEnd") is not None
        found.append((pr.get("name"), pr.get("descr"), arrow))
    return found


@pytest.mark.parametrize("sop", [PK, MR], ids=lambda s: s.id)
@pytest.mark.parametrize("paper", ["A4", "F4"])
def test_each_step_has_its_symbol_in_its_lane_columns(sop, paper, tmp_path: Path) -> None:
    doc = reopen(sop_sheet.render(sop, OFFICE, paper=paper), tmp_path, "sheet.docx")
    rows = step_rows(doc)
    assert [n for n, _ in rows] == [s.number for s in sop.steps]
    lanes = [lane.id for lane in sop.lanes]
    for (number, row), step in zip(rows, sop.steps, strict=True):
        cells = row.cells[2 : 2 + len(lanes)]
        marked = {
            lanes[i]
            for i, cell in enumerate(cells)
            if any(name == f"simbol langkah {number}" for name, _, _ in shapes(cell))
        }
        assert marked == set(step.lanes), number
        kind = layout(sop).node(number).symbol.value
        descr = {d for cell in cells for n, d, _ in shapes(cell) if n.startswith("simbol")}
        assert descr == {f"langkah {number}: {kind} ({', '.join(step.lanes)})"}
        # no text in the lane cells: the symbol is the mark
        assert all(cell.text == "" for cell in cells)
        # every step but the first is entered by an arrow head in its row
        heads = [n for cell in cells for n, _, arrow in shapes(cell) if arrow]
        if number != sop.steps[0].number:
            assert any(n.startswith(f"panah {number - 1}-{number}") for n in heads), number


def test_the_decision_has_two_outgoing_connectors_one_back_to_its_return_step(
    tmp_path: Path,
) -> None:
    doc = reopen(sop_sheet.render(PK, OFFICE), tmp_path, "sheet.docx")
    every = [
        (number, shape)
        for number, row in step_rows(doc)
        for cell in row.cells
        for shape in shapes(cell)
    ]
    edges = {name for _, (name, _, _) in every if name.startswith("panah 9-")}
    assert edges == {"panah 9-10 Ya", "panah 9-8 Tidak"}
    labels = {descr for _, (name, descr, _) in every if name.startswith("label")}
    assert {YES, NO} <= labels
    # the "Tidak" arrow runs from the decision's row up to step 8's row and ends there
    rows_of_no = {number for number, (name, _, _) in every if name == "panah 9-8 Tidak"}
    assert rows_of_no == {8, 9}
    heads = [number for number, (name, _, arrow) in every if name == "panah 9-8 Tidak" and arrow]
    assert heads == [8]


def test_off_page_connectors_stand_where_the_table_breaks(tmp_path: Path) -> None:
    doc = reopen(sop_sheet.render(PK, OFFICE), tmp_path, "sheet.docx")
    tables = flow_tables(doc)
    assert len(tables) >= 2  # 13 steps do not fit one landscape page
    for before, after in zip(tables, tables[1:], strict=False):
        following = after.rows[2].cells[0].text
        bottom = [d for c in before.rows[-1].cells for n, d, _ in shapes(c) if "penghubung" in n]
        top = [d for c in after.rows[2].cells for n, d, _ in shapes(c) if "penghubung" in n]
        assert bottom == [f"penghubung {following}"]
        assert top == [f"penghubung {following}"]
        # the continuation repeats the column heads
        assert after.rows[0].cells[2].text == "Pelaksana"
    # the decision loop (8 and 9) is never split between pages
    for table in tables:
        numbers = [row.cells[0].text for row in table.rows[2:]]
        assert ("8" in numbers) == ("9" in numbers)


def test_rows_have_exact_heights_and_lane_cells_no_padding(tmp_path: Path) -> None:
    doc = reopen(sop_sheet.render(MR, OFFICE), tmp_path, "sheet.docx")
    for _, row in step_rows(doc):
        height = row._tr.trPr.find(qn("w:trHeight"))
        assert height.get(qn("w:hRule")) == "exact"
        lane = row.cells[2]._tc.tcPr
        margins = lane.find(qn("w:tcMar"))
        assert margins is not None and {m.get(qn("w:w")) for m in margins} == {"0"}
        # schema order: tcMar before vAlign, which Word insists on
        tags = [child.tag for child in lane]
        assert tags.index(qn("w:tcMar")) < tags.index(qn("w:vAlign"))


# -- issue 10, item 7 ------------------------------------------------------------------------


def test_head_name_comes_from_the_office_profile_when_the_nip_matches(tmp_path: Path) -> None:
    assert PK.identity.disahkan_oleh.nama == "SYAFUDDIN MUAID, SH"  # the SOP file's spelling
    doc = reopen(sop_sheet.render(PK, OFFICE), tmp_path, "sheet.docx")
    ident = doc.tables[0]
    text = "\n".join(cell.text for row in ident.rows for cell in row.cells)
    assert "SYAIFUDDIN MUID, SH" in text and "SYAFUDDIN MUAID" not in text
    assert "NIP. 19660113 199203 1 002" in text
    other = replace(OFFICE, kepala=Signatory("KEPALA", "ORANG LAIN", "19700101 199001 1 001"))
    assert sop_sheet.signer_of(PK, other).nama == "SYAFUDDIN MUAID, SH"
    blank = replace(PK, identity=replace(PK.identity, disahkan_oleh=Signatory()))
    assert sop_sheet.signer_of(blank, OFFICE) == OFFICE.kepala


def test_waktu_always_has_its_unit_in_lower_case(tmp_path: Path) -> None:
    assert [sop_sheet.waktu_text(s, MR.minutes_per_day) for s in MR.steps[:3]] == [
        "10 menit",
        "120 menit",
        "60 menit",
    ]
    assert [sop_sheet.waktu_text(s) for s in PK.steps[:4]] == [
        "15 menit",
        "1 jam",
        "25 menit",
        "30 menit",
    ]
    hours = replace(PK.steps[1], waktu="2", minutes=120)
    assert sop_sheet.waktu_text(hours) == "2 jam"
    doc = reopen(sop_sheet.render(MR, OFFICE), tmp_path, "sheet.docx")
    waktu = [row.cells[3 + len(MR.lanes)].text for _, row in step_rows(doc)]
    assert waktu[1] == "120 menit"
    assert all(re.fullmatch(r"\d+ (menit|jam|hari)", w) for w in waktu), waktu


def test_text_cells_of_a_step_row_share_one_vertical_alignment(tmp_path: Path) -> None:
    doc = reopen(sop_sheet.render(PK, OFFICE), tmp_path, "sheet.docx")
    n = len(PK.lanes)
    for _, row in step_rows(doc):
        cells = [c for i, c in enumerate(row.cells) if not 2 <= i < 2 + n]
        assert {c.vertical_alignment for c in cells} == {1}, row.cells[0].text  # CENTER


def test_shipped_sops_have_the_dasar_hukum_slip_fixed() -> None:
    for sop in CATALOG:
        assert "`" not in sop.dasar_hukum[0]
        assert sop.dasar_hukum[0].startswith("PP No. 79")
    for path in Path(sop_sheet.__file__).parents[1].joinpath("sop", "data").glob("*.toml"):
        assert "Fixed editor slip" in path.read_text(encoding="utf-8")


# -- rendered --------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
@pytest.mark.parametrize("sop,paper", [(PK, "A4"), (MR, "F4")], ids=["pk-A4", "mr-F4"])
def test_sheet_renders_every_step_whole(sop, paper, tmp_path: Path) -> None:
    from soptrack.services.documents import to_pdf

    path = tmp_path / f"{sop.id}.docx"
    sop_sheet.render(sop, OFFICE, paper=paper).save(str(path))
    pdf = to_pdf(path)
    pages = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    tables = flow_tables(docx.Document(str(path)))
    assert len(pages) == 1 + len(tables)  # page 1, then one page per flowchart table
    assert "Disahkan oleh" in pages[0]
    words = set(" ".join(pages).split())
    for step in sop.steps:
        # the last word of each cell prints: an exact row height clipped nothing
        for text in (step.kegiatan, step.kelengkapan, step.output, step.keterangan):
            if text:
                assert text.split()[-1] in words, (step.number, text)
    for page in pages[1:]:
        assert "Pelaksana" in page and "Mutu Baku" in page
