"""Shared python-docx helpers: paper, margins, fields, borders, kop and signature blocks.

Every exporter builds on these so the documents share one look: Arial (Liberation Sans in
LibreOffice) 11 pt, single spacing, A4 or F4 paper, page numbers in the footer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from soptrack.sop.errors import BadInput
from soptrack.sop.model import Signatory
from soptrack.sop.office import OfficeProfile

FONT = "Arial"
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


def new_document(
    paper: str = "A4", *, landscape: bool = False, margins: Margins | None = None
) -> DocumentObject:
    doc = Document()
    margins = margins or Margins()
    width, height = PAPERS[check_paper(paper)]
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        width, height = height, width
    section.page_width, section.page_height = width, height
    section.top_margin = Cm(margins.top)
    section.bottom_margin = Cm(margins.bottom)
    section.left_margin = Cm(margins.left)
    section.right_margin = Cm(margins.right)
    section.header_distance = Cm(1.0)
    section.footer_distance = Cm(1.0)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    pf = normal.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing = 1.0
    return doc


def text_width(doc: DocumentObject) -> int:
    """The width between the margins of the last section, in EMU."""
    section = doc.sections[-1]
    return section.page_width - section.left_margin - section.right_margin


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
) -> Paragraph:
    """Add a paragraph to a document or a cell. A cell's first, still empty paragraph is
    reused, so a cell holds no stray blank line."""
    paragraph = _first_empty(container) or container.add_paragraph()
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
    fmt.space_before = Pt(space_before)
    fmt.space_after = Pt(space_after)
    if keep_with_next:
        fmt.keep_with_next = True
    return paragraph


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
) -> Paragraph:
    """Replace a cell's content by one paragraph (lines split on newlines)."""
    lines = xml_text(text).split("\n")
    first = cell.paragraphs[0]
    for extra in cell.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    for run in list(first.runs):
        run._r.getparent().remove(run._r)
    for index, line in enumerate(lines):
        run = first.add_run(line)
        style_run(run, bold=bold, italic=italic, size=size)
        if index < len(lines) - 1:
            run.add_break()
    if align is not None:
        first.alignment = align
    return first


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
    ppr.append(border)


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
    ppr.append(border)


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
    tbl_pr.append(layout)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(int(sum(widths_cm) * 567)))
    width.set(qn("w:type"), "dxa")
    for old in tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    tbl_pr.append(width)
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
    tbl_pr.append(borders)


def cell_borders(cell: _Cell, **sides: str) -> None:
    """cell_borders(cell, top="nil", bottom="single")."""
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = tc_pr.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        tc_pr.append(borders)
    for side, value in sides.items():
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), value)
        if value != "nil":
            edge.set(qn("w:sz"), "4")
            edge.set(qn("w:color"), "000000")
        borders.append(edge)


def shade(cell: _Cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def middle(*cells: _Cell) -> None:
    for cell in cells:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def header_row(table: Table, index: int = 0) -> None:
    """Repeat this row at the top of every page the table runs onto."""
    tr_pr = table.rows[index]._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    tr_pr.append(element)


def keep_row(table: Table, index: int) -> None:
    """Do not split this row across pages."""
    tr_pr = table.rows[index]._tr.get_or_add_trPr()
    element = OxmlElement("w:cantSplit")
    element.set(qn("w:val"), "true")
    tr_pr.append(element)


def fill_header(
    table: Table, labels: Iterable[str], *, row: int = 0, size: float = 10, fill: str = "D9D9D9"
) -> None:
    for cell, label in zip(table.rows[row].cells, labels, strict=False):
        cell_text(cell, label, bold=True, size=size, align=CENTER)
        shade(cell, fill)
        middle(cell)


# -- kop, signature, KONSEP -----------------------------------------------------------------


def kop(doc: DocumentObject, office: OfficeProfile) -> None:
    """The letterhead: PEMERINTAH ..., the unit, address, then a double closing rule."""
    para(doc, office.pemerintah.upper(), bold=True, size=14, align=CENTER)
    para(doc, office.unit.upper(), bold=True, size=16, align=CENTER)
    contact = office.alamat
    if office.telepon:
        contact = f"{contact}, Telp. {office.telepon}" if contact else f"Telp. {office.telepon}"
    last = para(doc, contact or office.kota.upper(), size=10, align=CENTER)
    bottom_rule(last)
    para(doc, "", size=6)


def signature(
    container,
    signer: Signatory,
    *,
    place_date: str = "",
    prefix: str = "",
    space_lines: int = 4,
    size: float = 11,
) -> None:
    """'Tempat, tanggal' / jabatan / (space to sign) / nama / pangkat / NIP, centred."""
    if place_date:
        para(container, place_date, size=size, align=CENTER)
    if prefix:
        para(container, prefix, size=size, align=CENTER)
    para(container, signer.jabatan or "", bold=True, size=size, align=CENTER)
    for _ in range(space_lines):
        para(container, "", size=size)
    para(
        container,
        signer.nama or "....................",
        bold=True,
        underline=True,
        size=size,
        align=CENTER,
    )
    if signer.pangkat:
        para(container, signer.pangkat, size=size, align=CENTER)
    para(container, f"NIP. {signer.nip}" if signer.nip else "NIP. ", size=size, align=CENTER)


KONSEP = "KONSEP"

_WATERMARK = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
    '<w:pict><v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas>'
    '<v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/>'
    '<v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/>'
    '<v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/>'
    '<v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/>'
    '<v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/></v:formulas>'
    '<v:path textpathok="t" o:connecttype="custom" '
    'o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>'
    '<v:textpath on="t" fitshape="t"/><v:handles><v:h position="#0,bottomRight" '
    'xrange="6629,14971"/></v:handles><o:lock v:ext="edit" text="t" shapetype="t"/>'
    '</v:shapetype><v:shape id="KonsepWatermark" o:spid="_x0000_s2049" type="#_x0000_t136" '
    'style="position:absolute;margin-left:0;margin-top:0;width:440pt;height:140pt;'
    "rotation:315;z-index:-251657216;mso-position-horizontal:center;"
    "mso-position-horizontal-relative:margin;mso-position-vertical:center;"
    'mso-position-vertical-relative:margin" o:allowincell="f" fillcolor="#d9d9d9" '
    'stroked="f"><v:fill opacity=".5"/><v:textpath style="font-family:&quot;Arial&quot;;'
    'font-size:1pt;font-weight:bold" string="{text}"/></v:shape></w:pict></w:r>'
)


def konsep_mark(doc: DocumentObject, reason: str) -> None:
    """Mark a draft: a diagonal KONSEP watermark on every page, a red KONSEP in the header
    and a boxed line at the top of the body saying why."""
    for section in doc.sections:
        header = section.header
        paragraph = header.paragraphs[0]
        paragraph.alignment = RIGHT
        style_run(paragraph.add_run(KONSEP), bold=True, size=12, color=RED)
        paragraph._p.append(parse_xml(_WATERMARK.replace("{text}", KONSEP)))
    body = doc.element.body
    note = para(
        doc, f"{KONSEP} – {reason}", bold=True, size=10, align=CENTER, color=RED, space_after=6
    )
    box(note)
    body.remove(note._p)
    body.insert(0, note._p)


def unit_name(office: OfficeProfile) -> str:
    """'Dinas Sosial Kabupaten Banggai' from the unit and the pemerintah."""
    region = office.pemerintah.strip()
    if region.upper().startswith("PEMERINTAH "):
        region = region[len("PEMERINTAH ") :]
    return " ".join(part for part in (_title(office.unit), _title(region)) if part)


def _title(text: str) -> str:
    small = {"dan", "di", "ke", "dari", "pada", "untuk"}
    words = text.split()
    return " ".join(
        w.lower()
        if i and w.lower() in small
        else (w if w.isupper() and len(w) <= 5 and w not in ("DINAS", "KOTA") else w.capitalize())
        for i, w in enumerate(words)
    )


def cell_margins(table: Table, left_right_cm: float = 0.1) -> None:
    """Narrower left/right padding in every cell, for tables with many narrow columns."""
    tbl_pr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(int(left_right_cm * 567)))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    tbl_pr.append(margins)
