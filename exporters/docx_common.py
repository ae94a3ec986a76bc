"""Shared python-docx helpers: paper, margins, styles, fields, borders, kop and signatures.

Every exporter builds on these so the documents share one look: the office's font and size
(default Arial 12, as Pemda tata naskah dinas mostly use; Liberation Sans in LibreOffice),
single spacing, A4 or F4 paper, page numbers in the footer. Every style is tagged Bahasa
Indonesia (id-ID), so Word and LibreOffice spell-check in Indonesian, and text carries real
paragraph styles (Title, Heading 1, Teks Tabel, Tanda Tangan, ...) so a clerk who edits the
file in Word gets consistent text; direct formatting only where a single run needs it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from docx.document import Document as DocumentObject
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from soptrack.exporters.ooxml import place
from soptrack.sop.errors import BadInput

FONT = "Arial"
SIZE = 12.0
LANGUAGE = "id-ID"
# paragraph styles every document carries (names as Word shows them)
TITLE = "Title"
HEADING = "Heading 1"
TABLE_TEXT = "Teks Tabel"
TABLE_HEAD = "Kepala Tabel"
SIGNATURE = "Tanda Tangan"
KOP_STYLE = "Kop Surat"
NOTE = "Catatan"
EMU_PER_CM = 360000
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
PAPERS = {"A4": (Mm(210), Mm(297)), "F4": (Mm(215), Mm(330))}
CENTER = WD_ALIGN_PARAGRAPH.CENTER
LEFT = WD_ALIGN_PARAGRAPH.LEFT
RIGHT = WD_ALIGN_PARAGRAPH.RIGHT
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY
RED = RGBColor(0xC0, 0x00, 0x00)


def check_paper(paper: str) -> str:
    key = paper.strip().upper()
    if key not in PAPERS:
        raise BadInput(f"ukuran kertas {paper!r} tidak dikenal; pilih A4 atau F4")
    return key


@dataclass(frozen=True)
class Margins:
    """In centimetres. Tata naskah dinas: 3 cm left for binding, 2 cm elsewhere."""

    top: float = 2.0
    right: float = 2.0
    bottom: float = 2.0
    left: float = 3.0


def text_width(doc: DocumentObject) -> int:
    """The width between the margins of the last section, in EMU."""
    section = doc.sections[-1]
    return (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)


# -- paragraphs ----------------------------------------------------------------------------


def xml_text(text: str) -> str:
    """Drop characters a .docx cannot hold (control characters from pasted text)."""
    return _NOT_XML.sub("", text)


def style_run(
    run,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: float | None = None,
    color: RGBColor | None = None,
) -> None:
    run.bold = bold or None
    run.italic = italic or None
    run.underline = underline or None
    if size:
        run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = color


def para(
    container,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: float | None = None,
    align=None,
    space_before: float = 0,
    space_after: float = 0,
    color: RGBColor | None = None,
    keep_with_next: bool = False,
    style: str | None = None,
    indent_cm: float | None = None,
) -> Paragraph:
    """Add a paragraph to a document or a cell. A cell's first, still empty paragraph is
    reused, so a cell holds no stray blank line. With `style`, spacing not given stays the
    style's."""
    paragraph = _first_empty(container) or container.add_paragraph()
    if style is not None:
        set_style(paragraph, style)
    # always a run, even for a blank line, so the next call does not reuse this paragraph
    style_run(
        paragraph.add_run(xml_text(text)),
        bold=bold,
        italic=italic,
        underline=underline,
        size=size,
        color=color,
    )
    fmt = paragraph.paragraph_format
    if align is not None:
        paragraph.alignment = align
    if style is None or space_before:
        fmt.space_before = Pt(space_before)
    if style is None or space_after:
        fmt.space_after = Pt(space_after)
    if keep_with_next:
        fmt.keep_with_next = True
    if indent_cm is not None:
        fmt.left_indent = Cm(indent_cm)
    return paragraph


def set_style(paragraph: Paragraph, name: str) -> None:
    """Paragraph.style = name looks the name up among every style, for each paragraph; the
    house styles' ids are their names without spaces (as add_style and Word make them)."""
    paragraph._p.style = name.replace(" ", "")


def _first_empty(container) -> Paragraph | None:
    if not isinstance(container, _Cell):
        return None
    paragraphs = container.paragraphs
    if len(paragraphs) == 1 and not paragraphs[0].runs:
        return paragraphs[0]
    return None


def cell_text(
    cell: _Cell,
    text: str,
    *,
    bold: bool = False,
    size: float | None = None,
    align=None,
    italic: bool = False,
    style: str | None = None,
    color: RGBColor | None = None,
) -> Paragraph:
    """Replace a cell's content by one paragraph (lines split on newlines)."""
    lines = xml_text(text).split("\n")
    first = cell.paragraphs[0]
    if style is not None:
        set_style(first, style)
    for extra in cell.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    for run in list(first.runs):
        run._r.getparent().remove(run._r)
    for index, line in enumerate(lines):
        run = first.add_run(line)
        style_run(run, bold=bold, italic=italic, size=size, color=color)
        if index < len(lines) - 1:
            run.add_break()
    if align is not None:
        first.alignment = align
    return first


def marker(paragraph: Paragraph, number: int | None, size: float | None = None) -> None:
    """A note marker after the cell's text: superscript '(1)', matching note (1) below."""
    if number is None:
        return
    run = paragraph.add_run(f"({number})")
    run.font.superscript = True
    if size:
        run.font.size = Pt(size)


def page_break(doc: DocumentObject) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def add_field(paragraph: Paragraph, instruction: str, placeholder: str = "1", **style) -> None:
    """A Word field (PAGE, NUMPAGES): fldChar begin / instrText / separate / text / end."""

    def fld(kind: str):
        run = paragraph.add_run()
        style_run(run, **style)
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
        return run

    fld("begin")
    run = paragraph.add_run()
    style_run(run, **style)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    fld("separate")
    style_run(paragraph.add_run(placeholder), **style)
    fld("end")


def page_numbers(doc: DocumentObject, *, size: float = 9, total: bool = True) -> None:
    """'Halaman N dari M' centred in every section's footer."""
    for section in doc.sections:
        footer = section.footer
        paragraph = footer.paragraphs[0]
        paragraph.alignment = CENTER
        style_run(paragraph.add_run("Halaman "), size=size)
        add_field(paragraph, "PAGE", size=size)
        if total:
            style_run(paragraph.add_run(" dari "), size=size)
            add_field(paragraph, "NUMPAGES", size=size)


# -- borders, widths, shading ---------------------------------------------------------------


def bottom_rule(paragraph: Paragraph, *, size: int = 18, style: str = "thickThinSmallGap") -> None:
    """A rule under the paragraph: the kop's closing line (w:pBdr/w:bottom)."""
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), style)
    bottom.set(qn("w:sz"), str(size))
    bottom.set(qn("w:space"), "4")
    bottom.set(qn("w:color"), "000000")
    border.append(bottom)
    place(ppr, border)


def box(paragraph: Paragraph, *, color: str = "C00000", size: int = 12) -> None:
    """A border on every side of a paragraph."""
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), str(size))
        edge.set(qn("w:space"), "4")
        edge.set(qn("w:color"), color)
        border.append(edge)
    place(ppr, border)


def grid_table(container, rows: int, cols: int, widths_cm: Sequence[float]) -> Table:
    """A bordered table with fixed column widths (Word and LibreOffice honour them)."""
    table = container.add_table(rows=rows, cols=cols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(table, widths_cm)
    return table


def plain_table(container, rows: int, cols: int, widths_cm: Sequence[float]) -> Table:
    """A layout table without borders."""
    table = container.add_table(rows=rows, cols=cols)
    set_widths(table, widths_cm)
    no_borders(table)
    return table


def set_widths(table: Table, widths_cm: Sequence[float]) -> None:
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    place(tbl_pr, layout)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(int(sum(widths_cm) * 567)))
    width.set(qn("w:type"), "dxa")
    place(tbl_pr, width)
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=False):
        col.set(qn("w:w"), str(int(w * 567)))
    for row in table.rows:
        for cell, w in zip(row.cells, widths_cm, strict=False):
            cell.width = Cm(w)


def no_borders(table: Table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    place(tbl_pr, borders)


def shade(cell: _Cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    place(tc_pr, shd)


def middle(*cells: _Cell) -> None:
    for cell in cells:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def header_row(table: Table, index: int = 0) -> None:
    """Repeat this row at the top of every page the table runs onto."""
    tr_pr = table.rows[index]._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    place(tr_pr, element)


def keep_row(table: Table, index: int) -> None:
    """Do not split this row across pages."""
    tr_pr = table.rows[index]._tr.get_or_add_trPr()
    element = OxmlElement("w:cantSplit")
    element.set(qn("w:val"), "true")
    place(tr_pr, element)


def keep_with_next_row(table: Table, index: int) -> None:
    """Keep this row on the page of the row (or paragraph) after it: every paragraph in it
    keeps with the next, which Word and LibreOffice both honour inside tables."""
    for cell in table.rows[index].cells:
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True


def fill_header(
    table: Table,
    labels: Iterable[str],
    *,
    row: int = 0,
    size: float | None = 10,
    fill: str = "D9D9D9",
    style: str | None = None,
) -> None:
    for cell, label in zip(table.rows[row].cells, labels, strict=False):
        cell_text(cell, label, bold=style is None, size=size, align=CENTER, style=style)
        shade(cell, fill)
        middle(cell)


def cell_margins(table: Table, left_right_cm: float = 0.1) -> None:
    """Narrower left/right padding in every cell, for tables with many narrow columns."""
    tbl_pr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(int(left_right_cm * 567)))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    place(tbl_pr, margins)
