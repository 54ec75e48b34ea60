"""The layout of a Vietnamese administrative document (Nghị định 30/2020/NĐ-CP, Phụ lục I) in python-docx.

A4, margins top/bottom 2 cm, left 3 cm, right 2 cm; Times New Roman, body 14 pt; the header of two
columns — the issuing body on the left (its parent body above it, regular capitals; the body itself
bold; a short line under it; the document number), the national motto on the right (12 pt bold
capitals, 13 pt bold motto with a line under it, then the place and date in italics); the document's
kind and subject centred in bold; sections numbered I, II, III…; the recipients ("Nơi nhận") on the
left and the signature on the right at the end. Every part is plain Word formatting the secretary
can edit: no text boxes, no fields, styles named as Word names them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from analytics.labels import t

FONT = "Times New Roman"
BODY_PT, TABLE_PT, SMALL_PT = 14, 12, 11
DENSE_COLUMNS, DENSE_PT = 6, 10  # a table this wide gets a smaller font, so figures keep to one line
PAGE_WIDTH_CM = 21.0 - 3.0 - 2.0  # A4 less the left and right margins
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


@dataclass(frozen=True)
class Letterhead:
    parent_body: str  # "BỘ TƯ PHÁP": cơ quan chủ quản, regular capitals
    issuing_body: str  # the cluster, bold capitals
    number: str  # "Số:      /BC-KVTĐ" — the number itself is given by the clerk's register
    place: str  # địa danh: the province where the issuing body sits
    day: date | None  # None: left for the clerk to fill ("ngày     tháng     năm")


def _fonts(element) -> None:  # type: ignore[no-untyped-def]
    """Times New Roman for every script Word distinguishes (Vietnamese falls under several)."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):  # a theme font would win
        fonts.attrib.pop(qn(attribute), None)


def new_document(landscape: bool = False) -> DocumentObject:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Cm(2), Cm(2), Cm(3), Cm(2)
    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Caption", "Table Grid"):
        style = doc.styles[name]
        style.font.name = FONT
        _fonts(style.element)
        style.font.color.rgb = RGBColor(0, 0, 0)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1
    for name, size in (("Heading 1", BODY_PT), ("Heading 2", BODY_PT), ("Heading 3", BODY_PT)):
        style = doc.styles[name]
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = name == "Heading 3"
        style.paragraph_format.space_before = Pt(6)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    # A page number at the top centre, from page 2 (NĐ 30: numbered pages, none on the first).
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(number)
    return doc


def _page_field(paragraph: Paragraph) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    run.font.size = Pt(SMALL_PT + 2)


def _rule(cell: _Cell, width_cm: float, column_cm: float) -> None:
    """The short line NĐ 30 draws under the issuing body and under the motto: the bottom border of an
    empty, tiny paragraph, indented so the line is `width_cm` long and centred in the column."""
    paragraph = cell.add_paragraph()
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)
    side = Cm((column_cm - width_cm) / 2)
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = side
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = Pt(2)
    paragraph.add_run().font.size = Pt(1)


def _text(cell_or_doc, text: str, *, size: float = BODY_PT, bold: bool = False, italic: bool = False,  # type: ignore[no-untyped-def]
          align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER, after: float = 0) -> Paragraph:  # fmt: skip
    paragraph = cell_or_doc.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    paragraph.paragraph_format.first_line_indent = Cm(0)
    run = paragraph.add_run(text)
    run.font.size, run.font.bold, run.font.italic = Pt(size), bold, italic
    return paragraph


def _borderless(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _widths(grid: Table, widths_cm: Sequence[float]) -> None:
    """Column widths Word and LibreOffice both keep: the grid's and every cell's."""
    grid.autofit = False
    for column, width in zip(grid.columns, widths_cm, strict=True):
        column.width = Cm(width)
    for row in grid.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)


def _fresh(cell: _Cell) -> _Cell:
    """A cell without the empty paragraph Word puts in a new one (so text starts at the top)."""
    cell._tc.remove(cell.paragraphs[0]._p)
    return cell


def letterhead(doc: DocumentObject, head: Letterhead) -> None:
    table = doc.add_table(rows=1, cols=2)
    _borderless(table)
    widths = (6.6, 9.4)
    _widths(table, widths)
    left, right = (_fresh(c) for c in table.rows[0].cells)
    _text(left, head.parent_body.upper(), size=13)
    for line in head.issuing_body.upper().split("\n"):
        _text(left, line, size=13, bold=True)
    _rule(left, 2.5, widths[0])
    _text(left, head.number, size=13, after=0).paragraph_format.space_before = Pt(6)
    _text(right, t("doc_nation"), size=12, bold=True)
    _text(right, t("doc_motto"), size=13, bold=True)
    _rule(right, 6.0, widths[1])
    when = (
        t("doc_place_date", place=head.place, day=f"{head.day.day:02d}", month=_month(head.day.month), year=head.day.year)
        if head.day
        else t("doc_place_no_date", place=head.place)
    )
    _text(right, when, size=14, italic=True).paragraph_format.space_before = Pt(6)


def _month(month: int) -> str:
    """NĐ 30: a zero before days under 10 and before months 1 and 2 only ("tháng 02", "tháng 6")."""
    return f"{month:02d}" if month < 3 else str(month)


def title(doc: DocumentObject, kind: str, subject: str) -> None:
    """The document's kind (BÁO CÁO, BIÊN BẢN, TỜ TRÌNH) and its subject, centred and bold."""
    _text(doc, kind.upper(), bold=True).paragraph_format.space_before = Pt(18)
    _text(doc, subject, bold=True, after=12)


def recipient(doc: DocumentObject, to: str) -> None:
    _text(doc, to, after=12)


def heading(doc: DocumentObject, text: str, level: int = 1) -> Paragraph:
    return doc.add_heading(text, level=level)


def paragraph(doc: DocumentObject, text: str, *, italic: bool = False, size: float = BODY_PT) -> Paragraph:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    p.paragraph_format.first_line_indent = Cm(1)
    run = p.add_run(text)
    run.font.italic, run.font.size = italic, Pt(size)
    return p


def bullet(doc: DocumentObject, text: str) -> Paragraph:
    return paragraph(doc, f"- {text}")


def table(doc: DocumentObject, frame: pd.DataFrame, *, widths_cm: Sequence[float] | None = None, numeric: Sequence[str] = ()) -> Table:
    """A bordered table of text cells (already formatted), header row bold and repeated on each page."""
    grid = doc.add_table(rows=1, cols=len(frame.columns))
    grid.style = doc.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    size = DENSE_PT if len(frame.columns) >= DENSE_COLUMNS else TABLE_PT
    for cell, name in zip(grid.rows[0].cells, frame.columns, strict=True):
        _cell_text(cell, str(name), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=size)
    header = grid.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    for values in frame.itertuples(index=False):
        cells = grid.add_row().cells
        for cell, name, value in zip(cells, frame.columns, values, strict=True):
            align = WD_ALIGN_PARAGRAPH.RIGHT if name in numeric else WD_ALIGN_PARAGRAPH.LEFT
            _cell_text(cell, str(value), align=align, size=size)
    _widths(grid, widths_cm or _default_widths(len(frame.columns)))
    doc.add_paragraph().paragraph_format.space_after = Pt(0)
    return grid


def _default_widths(columns: int) -> list[float]:
    """STT narrow, the unit's name wide enough for one or two lines, the figures sharing the rest."""
    if columns <= 2:
        return [1.2, PAGE_WIDTH_CM - 1.2][:columns]
    number, name = (1.1, 2.8) if columns >= DENSE_COLUMNS else (1.2, 5.0)
    rest = (PAGE_WIDTH_CM - number - name) / (columns - 2)
    return [number, name] + [rest] * (columns - 2)


def _cell_text(
    cell: _Cell, text: str, *, bold: bool = False, align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.LEFT, size: float = TABLE_PT
) -> None:
    p = cell.paragraphs[0]
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.first_line_indent = Cm(0)
    run = p.add_run(text)
    run.font.size, run.font.bold = Pt(size), bold


def picture(doc: DocumentObject, png: bytes, number: int, caption_title: str, caption: str) -> None:
    """A chart across the text width, 'Hình N. title' under it, then the page's caption."""
    doc.add_picture(io.BytesIO(png), width=Cm(PAGE_WIDTH_CM))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _text(doc, t("doc_figure", number=number, title=caption_title), size=13, bold=True, after=2)
    if caption:
        _text(doc, caption, size=13, italic=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=8)


def signature(doc: DocumentObject, recipients: Sequence[str], capacity: Sequence[str], signer_note: str) -> None:
    """'Nơi nhận' on the left; on the right the signing capacity (TM., title), room to sign, a note."""
    grid = doc.add_table(rows=1, cols=2)
    _borderless(grid)
    _widths(grid, (7.5, 8.5))
    left, right = (_fresh(c) for c in grid.rows[0].cells)
    _text(left, t("doc_recipients"), size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in recipients:
        _text(left, f"- {line}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in capacity:
        _text(right, line.upper(), size=14, bold=True)
    for _ in range(4):
        _text(right, "")
    _text(right, signer_note, size=13, italic=True)


def signatures_side_by_side(doc: DocumentObject, left_role: str, right_role: str, note: str) -> None:
    """Two signatures on one line (the minutes: the secretary and the chair)."""
    grid = doc.add_table(rows=1, cols=2)
    _borderless(grid)
    _widths(grid, (8.0, 8.0))
    for cell, role in zip((_fresh(c) for c in grid.rows[0].cells), (left_role, right_role), strict=True):
        _text(cell, role.upper(), bold=True)
        for _ in range(4):
            _text(cell, "")
        _text(cell, note, size=13, italic=True)


def to_bytes(doc: DocumentObject) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
