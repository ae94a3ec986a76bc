"""A new document in the house style: paper, margins, the office's font and size, real
paragraph styles, and Indonesian (id-ID) on every style so Word does not mark each word."""

from __future__ import annotations

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from soptrack.exporters.docx_common import (
    CENTER,
    FONT,
    HEADING,
    KOP_STYLE,
    LANGUAGE,
    LEFT,
    NOTE,
    PAPERS,
    SIGNATURE,
    SIZE,
    TABLE_HEAD,
    TABLE_TEXT,
    TITLE,
    Margins,
    check_paper,
)
from soptrack.exporters.ooxml import place
from soptrack.sop.office import OfficeProfile


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
