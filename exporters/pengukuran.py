"""The Dokumen Pengukuran Kinerja: title block, the indicator table grouped by Sasaran
Strategis, the program and budget table, numbered notes, and the signature block.

Layout rules that hold on A4 and F4, portrait or landscape, with 1 or 25 indicators:

- The signature never stands alone on a page. Its lines keep with each other and with what
  comes before them: the last notes, or the last rows of the program table (their paragraphs
  keep with the next, which Word and LibreOffice both honour, rows do not split). A page
  break therefore carries the Jumlah row or the Catatan over with the signature.
- No vertical merges in the indicator table: every row carries its Sasaran's No and text.
  The first row of a group prints the Sasaran; the group's further rows repeat it in small
  grey type marked "(lanjutan)". Where a page break falls inside a group the continuation
  page still names its Sasaran, in Word and LibreOffice alike, without guessing where pages
  break (a merged cell prints its text once, on the first page only). The header row repeats
  on every page.
- Number columns are narrow; Sasaran and Indikator share the rest of the width.
- Quarterly (TW I-IV) columns appear when the data has them; the page then turns landscape,
  the only way twelve columns stay readable.

Until the signing step is done the document carries a KONSEP watermark and mark, and its date
is left blank for the day it is signed.
"""

from __future__ import annotations

from datetime import date

from docx.document import Document as DocumentObject
from docx.shared import RGBColor

from soptrack.exporters.docx_common import (
    CENTER,
    EMU_PER_CM,
    HEADING,
    LEFT,
    NOTE,
    RIGHT,
    TABLE_HEAD,
    TABLE_TEXT,
    TITLE,
    cell_margins,
    cell_text,
    fill_header,
    grid_table,
    header_row,
    keep_row,
    keep_with_next_row,
    marker,
    page_numbers,
    para,
    text_width,
)
from soptrack.exporters.letterhead import konsep_mark, signature
from soptrack.exporters.styles import new_document
from soptrack.sop.dates import konsep_date, long_date
from soptrack.sop.office import OfficeProfile, SignMode
from soptrack.sop.performance import (
    TRIWULAN,
    Measured,
    Performance,
    format_number,
    format_rupiah,
    measure,
)
from soptrack.sop.run import Run

TITLE_TEXT = "PENGUKURAN KINERJA"
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
# cm: No, then Satuan .. Predikat; Sasaran and Indikator share what is left (45:55).
# Every cell is top-aligned, so a row reads along the first line of its Indikator.
NO_WIDTH = 0.8
NUMBER_WIDTHS = (1.3, 1.25, 1.6, 1.75, 1.6)  # room for "103,13" and a note marker
TRIWULAN_WIDTH = 1.2
SASARAN_SHARE = 0.45
CONTINUED_CHARS = 48  # a continuation row names its Sasaran by its first words
PROGRAM_COLUMNS = ("No", "Program", "Pagu Anggaran (Rp)", "Realisasi Anggaran (Rp)", "%")
PROGRAM_NUMBER_WIDTHS = (3.2, 3.2, 1.5)
GREY = RGBColor(0x59, 0x59, 0x59)
CONTINUED = "(lanjutan)"
SIGNATURE_WIDTH = 8.0
KEEP_ALL_NOTES = 6  # a Catatan this short travels whole with the signature
KEEP_LAST_LIST = 9  # else its last list does, heading and all, when it is this short


def render(
    run: Run,
    office: OfficeProfile,
    perf: Performance,
    *,
    signed: bool,
    sign_date: date,
    paper: str = "A4",
    landscape: bool | None = None,
    signer: SignMode | None = None,
) -> DocumentObject:
    """`landscape` and `signer` default to the office's settings (dokumen.pk_lanskap,
    ttd.pk); quarterly data always turns the page."""
    measured = measure(perf, office)
    quarters = perf.has_triwulan
    wide = quarters or (office.pk_landscape if landscape is None else landscape)
    block = office.signature_block(signer or office.sign_mode("pk"))
    doc = new_document(paper, landscape=wide, office=office)
    width = text_width(doc) / EMU_PER_CM - 0.05
    small = max(8.0, office.font_size - 2)

    para(doc, TITLE_TEXT, style=TITLE)
    para(doc, office.pemerintah.upper(), style=TITLE, size=office.font_size)
    para(doc, office.unit.upper(), style=TITLE, size=office.font_size)
    para(doc, f"TAHUN {run.year}", style=TITLE, size=office.font_size, space_after=12)

    para(doc, "A. CAPAIAN KINERJA SASARAN STRATEGIS", style=HEADING)
    _indicators(doc, measured, quarters, width, small)

    para(doc, "B. PROGRAM DAN ANGGARAN", style=HEADING, space_before=12)
    _programs(doc, measured, width)

    _notes(doc, measured)
    para(doc, "", style=NOTE, space_after=6, keep_with_next=True)
    place = f"{office.kota}, {long_date(sign_date) if signed else konsep_date(sign_date.year)}"
    signature(
        doc,
        block,
        place_date=place,
        indent_cm=max(0.0, width - SIGNATURE_WIDTH),
    )
    page_numbers(doc)
    if not signed:
        konsep_mark(
            doc, "belum ditandatangani Kepala Dinas (langkah penandatanganan belum selesai)"
        )
    return doc


def indicator_widths(width: float, quarters: bool) -> tuple[float, ...]:
    numbers = list(NUMBER_WIDTHS)
    if quarters:
        numbers[2:2] = [TRIWULAN_WIDTH] * len(TRIWULAN)
    rest = width - NO_WIDTH - sum(numbers)
    sasaran = round(rest * SASARAN_SHARE, 2)
    return (NO_WIDTH, sasaran, round(rest - sasaran, 2), *numbers)


def indicator_columns(quarters: bool) -> tuple[str, ...]:
    if not quarters:
        return INDICATOR_COLUMNS
    at = INDICATOR_COLUMNS.index("Realisasi")
    return (*INDICATOR_COLUMNS[:at], *TRIWULAN, "Realisasi\nTahunan", *INDICATOR_COLUMNS[at + 1 :])


def _indicators(
    doc: DocumentObject, measured: Measured, quarters: bool, width: float, small: float
) -> None:
    columns = indicator_columns(quarters)
    rows = sum(len(results) for _, _, results in measured.groups) or 1
    table = grid_table(doc, rows + 1, len(columns), indicator_widths(width, quarters))
    cell_margins(table, 0.1)
    fill_header(table, columns, size=None, style=TABLE_HEAD)
    header_row(table)
    keep_row(table, 0)
    if not measured.groups:
        cell = table.cell(1, 0).merge(table.cell(1, len(columns) - 1))
        cell_text(cell, "(belum ada data kinerja)", italic=True, style=TABLE_TEXT, align=CENTER)
    at = 1
    for number, sasaran, results in measured.groups:
        for index, result in enumerate(results):
            ind = result.indicator
            cells = table.rows[at].cells
            if index == 0:
                cell_text(cells[0], str(number), style=TABLE_TEXT, align=CENTER)
                cell_text(cells[1], sasaran, style=TABLE_TEXT)
                if len(results) > 1:
                    keep_with_next_row(table, at)  # a Sasaran never ends a page on its own
            else:
                cell_text(cells[0], str(number), style=TABLE_TEXT, align=CENTER, color=GREY)
                cell_text(
                    cells[1],
                    f"{_first_words(sasaran)} {CONTINUED}",
                    style=TABLE_TEXT,
                    size=small - 1,
                    italic=True,
                    color=GREY,
                )
            values = [
                (ind.indikator, LEFT),
                (ind.satuan or "-", CENTER),
                (format_number(ind.target), RIGHT),
            ]
            if quarters:
                values += [(format_number(v), RIGHT) for v in ind.triwulan]
            values += [(format_number(result.realisasi), RIGHT)]
            for cell, (text, align) in zip(cells[2:], values, strict=False):
                cell_text(cell, text, style=TABLE_TEXT, align=align)
            capaian_cell = cells[len(columns) - 2]
            marker(
                cell_text(capaian_cell, result.capaian.text, style=TABLE_TEXT, align=RIGHT),
                result.note,
            )
            cell_text(cells[len(columns) - 1], result.predikat, style=TABLE_TEXT, align=CENTER)
            keep_row(table, at)
            at += 1


def _first_words(text: str, limit: int = CONTINUED_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def _programs(doc: DocumentObject, measured: Measured, width: float) -> None:
    rest = width - NO_WIDTH - sum(PROGRAM_NUMBER_WIDTHS)
    widths = (NO_WIDTH, rest, *PROGRAM_NUMBER_WIDTHS)
    count = len(measured.programs)
    table = grid_table(doc, max(count, 1) + 2, len(PROGRAM_COLUMNS), widths)
    cell_margins(table, 0.1)
    fill_header(table, PROGRAM_COLUMNS, size=None, style=TABLE_HEAD)
    header_row(table)
    keep_row(table, 0)
    if not measured.programs:
        cell = table.cell(1, 0).merge(table.cell(1, len(PROGRAM_COLUMNS) - 1))
        cell_text(cell, "(belum ada data program)", italic=True, style=TABLE_TEXT, align=CENTER)
    for row, result in enumerate(measured.programs, start=1):
        prog = result.program
        cells = table.rows[row].cells
        cell_text(cells[0], str(result.number), style=TABLE_TEXT, align=CENTER)
        cell_text(cells[1], prog.program, style=TABLE_TEXT)
        cell_text(cells[2], format_rupiah(prog.pagu), style=TABLE_TEXT, align=RIGHT)
        cell_text(cells[3], format_rupiah(prog.realisasi), style=TABLE_TEXT, align=RIGHT)
        marker(cell_text(cells[4], result.capaian.text, style=TABLE_TEXT, align=RIGHT), result.note)
        keep_row(table, row)
    total_row = table.rows[-1]
    total = measured.total
    label = total_row.cells[0].merge(total_row.cells[1])
    cell_text(label, "Jumlah", bold=True, style=TABLE_TEXT, align=CENTER)
    pagu = format_rupiah(total.pagu) if measured.programs else "-"
    real = format_rupiah(total.realisasi) if measured.programs else "-"
    cell_text(total_row.cells[2], pagu, bold=True, style=TABLE_TEXT, align=RIGHT)
    cell_text(total_row.cells[3], real, bold=True, style=TABLE_TEXT, align=RIGHT)
    percent = cell_text(
        total_row.cells[4], total.percent.text, bold=True, style=TABLE_TEXT, align=RIGHT
    )
    marker(percent, measured.total_note)
    keep_row(table, len(table.rows) - 1)
    # the last program row and Jumlah travel with what follows: the notes and the signature
    for index in range(max(1, len(table.rows) - 2), len(table.rows)):
        keep_with_next_row(table, index)


def _notes(doc: DocumentObject, measured: Measured) -> None:
    """Computation notes, numbered like their markers; then the data sources' remarks.

    What keeps with the signature: all of it when short, else the last list whole with its
    heading when that is short, else that list's last two lines."""
    sections: list[list[str]] = []
    if measured.notes:
        sections.append(
            ["Catatan perhitungan:"]
            + [f"({n}) {text}" for n, text in enumerate(measured.notes, start=1)]
        )
    if measured.remarks:
        letters = "abcdefghijklmnopqrstuvwxyz"
        sections.append(
            ["Keterangan sumber data:"]
            + [f"{letters[n % 26]}. {text}" for n, text in enumerate(measured.remarks)]
        )
    if not sections:
        return
    total = sum(len(section) for section in sections)
    for s_index, section in enumerate(sections):
        last_section = s_index == len(sections) - 1
        for index, text in enumerate(section):
            heading = index == 0
            chained = (
                total <= KEEP_ALL_NOTES
                or heading
                or last_section
                and (len(section) <= KEEP_LAST_LIST or index >= len(section) - 2)
            )
            para(
                doc,
                text,
                style=NOTE,
                bold=heading,
                space_before=6 if heading else 0,
                keep_with_next=chained,
            )
