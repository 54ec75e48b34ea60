"""Workbooks shaped like the attacks on the upload, built as a hostile program would write them: a real
workbook with one part rewritten. Shared by bench/hostile_uploads.py (at the largest size the ingest
still reads) and tests/ingest/test_limits.py (just past each limit)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

import openpyxl

_SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml"'
    b' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)


def _rewritten(change: Callable[[str, bytes], bytes], added: dict[str, bytes] | None = None) -> bytes:
    """A one-sheet workbook with a header row, each part passed through `change(name, content)`, and `added` parts."""
    book = openpyxl.Workbook()
    book.active.append(["Mã đơn vị", "Năm", "Quý"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, change(info.filename, src.read(info)))
        for name, content in (added or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def workbook_with_sheet(sheet_data: bytes) -> bytes:
    """A workbook whose first sheet's cells are replaced by `sheet_data`."""

    def change(name: str, content: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return content
        start, end = content.index(b"<sheetData>"), content.index(b"</sheetData>") + len(b"</sheetData>")
        return content[:start] + b"<sheetData>" + sheet_data + b"</sheetData>" + content[end:]

    return _rewritten(change)


def workbook_with_shared_strings(count: int) -> bytes:
    """A workbook declaring `count` shared strings that no cell uses (declared, so openpyxl loads them all)."""
    strings = b"".join(b"<si><t>%d</t></si>" % i for i in range(count))
    shared = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + strings + b"</sst>"

    def change(name: str, content: bytes) -> bytes:
        return content.replace(b"</Types>", _SHARED_STRINGS_TYPE + b"</Types>") if name == "[Content_Types].xml" else content

    return _rewritten(change, {"xl/sharedStrings.xml": shared})


def workbook_with_formats(count: int) -> bytes:
    """A workbook whose styles.xml declares `count` cell formats."""
    formats = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' * count

    def change(name: str, content: bytes) -> bytes:
        if name != "xl/styles.xml":
            return content
        return re.sub(rb'<cellXfs count="\d+">', b'<cellXfs count="%d">' % count + formats, content)

    return _rewritten(change)
