"""Shared python-docx helpers: paper, margins, styles, fields, borders, kop and signatures.

Every exporter builds on these so the documents share one look: the office's font and size
(default Arial 12, as Pemda tata naskah dinas mostly use; Liberation Sans in LibreOffice),
single spacing, A4 or F4 paper, page numbers in the footer. Every style is tagged Bahasa
Indonesia (id-ID), so Word and LibreOffice spell-check in Indonesian, and text carries real
paragraph styles (Title, Heading 1, Teks Tabel, Tanda Tangan, ...) so a clerk who edits the
file in Word gets consistent text; direct formatting only where a single run needs it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from soptrack.sop.errors import BadInput
from soptrack.sop.model import Signatory
from soptrack.sop.office import OfficeProfile, SignatureBlock, decode_logo, jabatan_lines

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


def new_document(
    paper: str = "A4",
    *,
    landscape: bool = False,
    margins: Margins | None = None,
    office: OfficeProfile | None = None,
    font: str | None = None,
    size: float | None = None,
    table_size: float | None = None,
) -> DocumentObject:
    """A blank document on the paper, with the office's font and size (`office`, or `font`
    and `size`, default Arial 12) and the house styles, all tagged id-ID."""
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
    font = font or (office.font if office else FONT)
    size = float(size or (office.font_size if office else SIZE))
    _defaults(doc, font, size)
    normal = doc.styles["Normal"]
    normal.font.name = font
    normal.font.size = Pt(size)
    _fonts(normal.element.get_or_add_rPr(), font)
    pf = normal.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing = 1.0
    _house_styles(doc, size, table_size or max(8.0, size - 2))
    for style in doc.styles.element.findall(qn("w:style")):
        _language(style)
    _settings_language(doc)
    return doc


def _settings_language(doc: DocumentObject) -> None:
    """The template says en-US for theme fonts and claims it was proofread already; say
    id-ID, and let Word check the spelling afresh."""
    settings = doc.settings.element
    theme = settings.find(qn("w:themeFontLang"))
    if theme is not None:
        theme.set(qn("w:val"), LANGUAGE)
    for proof in settings.findall(qn("w:proofState")):
        settings.remove(proof)


def _fonts(rpr, font: str) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]  # theme fonts would win over the named font
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)


def _defaults(doc: DocumentObject, font: str, size: float) -> None:
    """docDefaults: the font, size, language and spacing of anything not styled."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr, font)
    for tag in ("w:sz", "w:szCs"):
        element = rpr.find(qn(tag))
        if element is not None:
            element.set(qn("w:val"), str(round(size * 2)))
    _set_lang(rpr)
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr.find(qn("w:spacing"))
    if spacing is not None:
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), "240")


def _set_lang(rpr) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)
    lang.set(qn("w:bidi"), "ar-SA")


def _language(style) -> None:
    """Tag a style Bahasa Indonesia; w:lang sits after most run properties (schema order)."""
    rpr = style.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        # rPr comes after pPr and before tblPr/trPr/tcPr/tblStylePr in a style
        before = None
        for tag in ("w:tblPr", "w:trPr", "w:tcPr", "w:tblStylePr"):
            before = style.find(qn(tag))
            if before is not None:
                break
        if before is not None:
            before.addprevious(rpr)
        else:
            style.append(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        # keep schema order: lang comes before eastAsianLayout, specVanish, oMath
        tail = next(
            (
                rpr.find(qn(t))
                for t in ("w:eastAsianLayout", "w:specVanish", "w:oMath")
                if rpr.find(qn(t)) is not None
            ),
            None,
        )
        if tail is not None:
            tail.addprevious(lang)
        else:
            rpr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)
    lang.set(qn("w:bidi"), "ar-SA")


def _paragraph_style(doc: DocumentObject, name: str):
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    element = style.element
    # a built-in (Title, Heading 1) brings theme fonts, colours and borders: start clean
    for tag in ("w:rPr", "w:pPr"):
        old = element.find(qn(tag))
        if old is not None:
            element.remove(old)
    style.base_style = styles["Normal"]
    style.quick_style = True
    style.hidden = False
    style.unhide_when_used = False
    return style


def _house_styles(doc: DocumentObject, size: float, table_size: float) -> None:
    specs = (
        # name, size, bold, align, space before, space after, keep with next
        (TITLE, size + 2, True, CENTER, 0, 0, True),
        (HEADING, size, True, LEFT, 6, 4, True),
        (KOP_STYLE, size, True, CENTER, 0, 0, True),
        (TABLE_TEXT, table_size, False, LEFT, 0, 0, False),
        (TABLE_HEAD, max(8.0, table_size - 1), True, CENTER, 0, 0, False),
        (SIGNATURE, size, False, CENTER, 0, 0, True),
        (NOTE, max(8.0, size - 2), False, LEFT, 0, 0, False),
    )
    for name, pt, bold, align, before, after, keep in specs:
        style = _paragraph_style(doc, name)
        style.font.size = Pt(pt)
        style.font.bold = bold
        style.font.color.rgb = RGBColor(0, 0, 0)
        fmt = style.paragraph_format
        fmt.alignment = align
        fmt.space_before = Pt(before)
        fmt.space_after = Pt(after)
        fmt.line_spacing = 1.0
        fmt.keep_with_next = keep or None
        if name == HEADING:
            outline = OxmlElement("w:outlineLvl")  # Word's navigation pane lists it
            outline.set(qn("w:val"), "0")
            place(style.element.get_or_add_pPr(), outline)
    doc.styles[HEADING].next_paragraph_style = doc.styles["Normal"]


def text_width(doc: DocumentObject) -> int:
    """The width between the margins of the last section, in EMU."""
    section = doc.sections[-1]
    return (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)


# -- schema order ----------------------------------------------------------------------------

# Word refuses ("unreadable content") property elements out of the schema's order; these are
# the sequences of the properties soptrack writes, and `place` puts an element where it goes.
ORDER: dict[str, tuple[str, ...]] = {
    "pPr": (
        "pStyle",
        "keepNext",
        "keepLines",
        "pageBreakBefore",
        "framePr",
        "widowControl",
        "numPr",
        "suppressLineNumbers",
        "pBdr",
        "shd",
        "tabs",
        "suppressAutoHyphens",
        "kinsoku",
        "wordWrap",
        "overflowPunct",
        "topLinePunct",
        "autoSpaceDE",
        "autoSpaceDN",
        "bidi",
        "adjustRightInd",
        "snapToGrid",
        "spacing",
        "ind",
        "contextualSpacing",
        "mirrorIndents",
        "suppressOverlap",
        "jc",
        "textDirection",
        "textAlignment",
        "textboxTightWrap",
        "outlineLvl",
        "divId",
        "cnfStyle",
        "rPr",
        "sectPr",
        "pPrChange",
    ),
    "tblPr": (
        "tblStyle",
        "tblpPr",
        "tblOverlap",
        "bidiVisual",
        "tblStyleRowBandSize",
        "tblStyleColBandSize",
        "tblW",
        "jc",
        "tblCellSpacing",
        "tblInd",
        "tblBorders",
        "shd",
        "tblLayout",
        "tblCellMar",
        "tblLook",
        "tblCaption",
        "tblDescription",
        "tblPrChange",
    ),
    "trPr": (
        "cnfStyle",
        "divId",
        "gridBefore",
        "gridAfter",
        "wBefore",
        "wAfter",
        "cantSplit",
        "trHeight",
        "tblHeader",
        "tblCellSpacing",
        "jc",
        "hidden",
        "ins",
        "del",
        "trPrChange",
    ),
    "tcPr": (
        "cnfStyle",
        "tcW",
        "gridSpan",
        "hMerge",
        "vMerge",
        "tcBorders",
        "shd",
        "noWrap",
        "tcMar",
        "textDirection",
        "tcFitText",
        "vAlign",
        "hideMark",
        "headers",
        "cellIns",
        "cellDel",
        "cellMerge",
        "tcPrChange",
    ),
}


def _local(element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def place(parent, child) -> None:
    """Put `child` into a property element (pPr, tblPr, trPr, tcPr) at its schema position,
    replacing one of the same kind."""
    order = ORDER[_local(parent)]
    name = _local(child)
    for old in parent.findall(child.tag):
        parent.remove(old)
    later = set(order[order.index(name) + 1 :])
    for sibling in parent:
        if _local(sibling) in later:
            sibling.addprevious(child)
            return
    parent.append(child)


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


# -- kop, signature, KONSEP -----------------------------------------------------------------


def kop_lines(office: OfficeProfile, chars: int = 90) -> list[str]:
    """The contact lines under the unit's name, only what the office has set (address,
    telephone, kode pos, email, website), packed into lines of about `chars` characters so
    no line wraps on its own."""
    parts = [office.alamat] if office.alamat else []
    if office.telepon:
        parts.append(f"Telp. {office.telepon}")
    if office.kode_pos:
        parts.append(f"Kode Pos {office.kode_pos}")
    web = []
    if office.email:
        web.append(f"Email: {office.email}")
    if office.website:
        web.append(f"Laman: {office.website}")
    lines: list[str] = []
    for group in (parts, web):
        line = ""
        for part in group:
            joined = f"{line}, {part}" if line else part
            if line and len(joined) > chars:
                lines.append(line)
                line = part
            else:
                line = joined
        if line:
            lines.append(line)
    return lines or [office.kota.upper()]


LOGO_CM = 2.3


def kop(doc: DocumentObject, office: OfficeProfile) -> None:
    """The letterhead: the emblem on the left when set, PEMERINTAH ..., the unit, the contact
    lines, then the double closing rule across the page."""
    width = text_width(doc) / EMU_PER_CM
    side = LOGO_CM + 0.3 if office.logo else 0.0
    # 10 pt Arial averages about 0.17 cm a character (a little more than it takes)
    lines = kop_lines(office, chars=int((width - 2 * side) / 0.17))
    container: DocumentObject | _Cell
    if office.logo:
        # logo | centred text | a spacer as wide as the logo, so the text is centred on the page
        table = plain_table(doc, 1, 3, (side, width - 2 * side, side))
        cell_margins(table, 0.0)
        picture = table.cell(0, 0).paragraphs[0]
        picture.alignment = LEFT
        picture.add_run().add_picture(io.BytesIO(decode_logo(office.logo)), height=Cm(LOGO_CM))
        middle(table.cell(0, 0), table.cell(0, 1))
        container = table.cell(0, 1)
    else:
        container = doc
    para(container, office.pemerintah.upper(), style=KOP_STYLE, size=14)
    para(container, office.unit.upper(), style=KOP_STYLE, size=16)
    for line in lines:
        para(container, line, style=KOP_STYLE, size=10).runs[0].bold = False
    rule = para(doc, "", size=4)
    bottom_rule(rule)
    para(doc, "", size=6)


def signature(
    container,
    signer: Signatory | SignatureBlock,
    *,
    place_date: str = "",
    prefix: str = "",
    space_lines: int = 4,
    size: float | None = None,
    align=CENTER,
    indent_cm: float | None = None,
) -> Paragraph:
    """'Tempat, tanggal' / jabatan lines / (space to sign) / nama / pangkat / NIP, in the
    Tanda Tangan style. Every line keeps with the next, so the block never splits and pulls
    the paragraph (or table row) before it along; returns the last paragraph.

    A Signatory's jabatan breaks at ' / ' as the office writes it; a SignatureBlock (a.n.,
    Plt., Plh.) brings its lines ready."""
    if isinstance(signer, Signatory):
        block = SignatureBlock(
            tuple(jabatan_lines(signer.jabatan)), signer.nama, signer.pangkat, signer.nip
        )
    else:
        block = signer

    def line(text: str, **style) -> Paragraph:
        paragraph = para(
            container,
            text,
            style=SIGNATURE,
            align=align,
            size=size,
            indent_cm=indent_cm,
            keep_with_next=True,
            **style,
        )
        return paragraph

    if place_date:
        line(place_date)
    if prefix:
        line(prefix)
    for text in block.jabatan or ("",):
        line(text, bold=True)
    for _ in range(space_lines):
        line("")
    line(block.nama or "....................", bold=True, underline=True)
    if block.pangkat:
        line(block.pangkat)
    last = line(f"NIP. {block.nip}" if block.nip else "NIP. ")
    last.paragraph_format.keep_with_next = False
    return last


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
    place(tbl_pr, margins)
