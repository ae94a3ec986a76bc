"""The Dokumen Pengukuran Kinerja: title block, the indicator table grouped by Sasaran
Strategis, the program and budget table, and the Kepala Dinas' signature block.

Until the signing step is done the document carries a KONSEP watermark and mark.
"""

from __future__ import annotations

from datetime import date

from docx.document import Document as DocumentObject

from soptrack.exporters.docx_common import (
    CENTER,
    LEFT,
    RIGHT,
    cell_text,
    fill_header,
    grid_table,
    header_row,
    keep_row,
    konsep_mark,
    middle,
    new_document,
    page_numbers,
    para,
    plain_table,
    signature,
)
from soptrack.sop.dates import long_date
from soptrack.sop.office import OfficeProfile
from soptrack.sop.performance import (
    Performance,
    format_decimal,
    format_number,
    format_rupiah,
    measure,
)
from soptrack.sop.run import Run

TITLE = "PENGUKURAN KINERJA"
INDICATOR_COLUMNS = (
    "No",
    "Sasaran Strategis",
    "Indikator Kinerja",
    "Satuan",
    "Target",
    "Realisasi",
    "Capaian\n(%)",
    "Predikat",
)
INDICATOR_WIDTHS = (1.0, 3.2, 3.5, 1.5, 1.5, 1.9, 1.7, 1.7)
PROGRAM_COLUMNS = ("No", "Program", "Pagu Anggaran (Rp)", "Realisasi Anggaran (Rp)", "%")
PROGRAM_WIDTHS = (1.0, 6.4, 3.2, 3.2, 2.2)
BODY = 10
HEAD = 9


def render(
    run: Run,
    office: OfficeProfile,
    perf: Performance,
    *,
    signed: bool,
    sign_date: date,
    paper: str = "A4",
) -> DocumentObject:
    doc = new_document(paper)
    measured = measure(perf, office)

    para(doc, TITLE, bold=True, size=14, align=CENTER)
    para(doc, office.unit.upper(), bold=True, size=12, align=CENTER)
    para(doc, office.pemerintah.upper(), bold=True, size=12, align=CENTER)
    para(doc, f"TAHUN {run.year}", bold=True, size=12, align=CENTER, space_after=12)

    para(doc, "A. CAPAIAN KINERJA SASARAN STRATEGIS", bold=True, space_after=4, keep_with_next=True)
    rows = sum(len(results) for _, _, results in measured.groups) or 1
    table = grid_table(doc, rows + 1, len(INDICATOR_COLUMNS), INDICATOR_WIDTHS)
    fill_header(table, INDICATOR_COLUMNS, size=HEAD)
    header_row(table)
    if not measured.groups:
        cell = table.cell(1, 0).merge(table.cell(1, len(INDICATOR_COLUMNS) - 1))
        cell_text(cell, "(belum ada data kinerja)", italic=True, size=BODY, align=CENTER)
    at = 1
    for number, sasaran, results in measured.groups:
        first, last = at, at + len(results) - 1
        no_cell = table.cell(first, 0).merge(table.cell(last, 0))
        sasaran_cell = table.cell(first, 1).merge(table.cell(last, 1))
        cell_text(no_cell, str(number), size=BODY, align=CENTER)
        cell_text(sasaran_cell, sasaran, size=BODY, align=LEFT)
        for result in results:
            ind = result.indicator
            cells = table.rows[at].cells
            cell_text(cells[2], ind.indikator, size=BODY)
            cell_text(cells[3], ind.satuan or "-", size=BODY, align=CENTER)
            cell_text(cells[4], format_number(ind.target), size=BODY, align=RIGHT)
            cell_text(cells[5], format_number(ind.realisasi), size=BODY, align=RIGHT)
            mark = "" if result.capaian.value is not None else "*"
            cell_text(cells[6], result.capaian.text + mark, size=BODY, align=RIGHT)
            cell_text(cells[7], result.predikat, size=BODY, align=CENTER)
            middle(*cells[3:])
            keep_row(table, at)
            at += 1
        middle(no_cell)

    para(doc, "", space_after=6)
    para(doc, "B. PROGRAM DAN ANGGARAN", bold=True, space_after=4, keep_with_next=True)
    count = len(measured.programs)
    table = grid_table(doc, max(count, 1) + 2, len(PROGRAM_COLUMNS), PROGRAM_WIDTHS)
    fill_header(table, PROGRAM_COLUMNS, size=HEAD)
    header_row(table)
    if not measured.programs:
        cell = table.cell(1, 0).merge(table.cell(1, len(PROGRAM_COLUMNS) - 1))
        cell_text(cell, "(belum ada data program)", italic=True, size=BODY, align=CENTER)
    for row, (number, prog, value) in enumerate(measured.programs, start=1):
        cells = table.rows[row].cells
        cell_text(cells[0], str(number), size=BODY, align=CENTER)
        cell_text(cells[1], prog.program, size=BODY)
        cell_text(cells[2], format_rupiah(prog.pagu), size=BODY, align=RIGHT)
        cell_text(cells[3], format_rupiah(prog.realisasi), size=BODY, align=RIGHT)
        mark = "" if value.value is not None else "*"
        cell_text(cells[4], value.text + mark, size=BODY, align=RIGHT)
        keep_row(table, row)
    total_row = table.rows[-1]
    pagu, real = perf.totals()
    label = total_row.cells[0].merge(total_row.cells[1])
    cell_text(label, "Jumlah", bold=True, size=BODY, align=CENTER)
    cell_text(total_row.cells[2], format_rupiah(pagu), bold=True, size=BODY, align=RIGHT)
    cell_text(total_row.cells[3], format_rupiah(real), bold=True, size=BODY, align=RIGHT)
    percent = format_decimal(real / pagu * 100, 2) if pagu else "-"
    cell_text(total_row.cells[4], percent, bold=True, size=BODY, align=RIGHT)

    if measured.notes:
        para(doc, "Catatan:", bold=True, size=9, space_before=6)
        if _has_dash(measured):
            para(doc, "* tidak dapat dihitung (ditulis -); alasannya di bawah.", size=9)
        for index, note in enumerate(measured.notes, start=1):
            para(doc, f"{index}. {note}", size=9)

    para(doc, "", space_after=12)
    layout = plain_table(doc, 1, 2, (8.0, 8.0))
    keep_row(layout, 0)
    signature(
        layout.cell(0, 1),
        office.kepala,
        place_date=f"{office.kota}, {long_date(sign_date)}",
    )
    page_numbers(doc)
    if not signed:
        konsep_mark(
            doc, "belum ditandatangani Kepala Dinas (langkah penandatanganan belum selesai)"
        )
    return doc


def _has_dash(measured) -> bool:
    return any(
        r.capaian.value is None for _, _, results in measured.groups for r in results
    ) or any(value.value is None for _, _, value in measured.programs)
