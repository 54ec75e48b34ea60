"""Turn the bytes people really send into rows of text cells, keeping Excel's row numbers.

Order of trust for text files: a BOM (UTF-8 / UTF-16), then strict UTF-8, then Windows-1258 (what
Excel's "CSV" writes on a Vietnamese Windows). Never Latin-1: it decodes any byte, so it would turn
Vietnamese into garbage silently. Windows-1258 writes tone marks as combining characters, so every
cell is normalised to NFC. The delimiter and quote come from DuckDB's CSV sniffer; the rows are then
read with the csv module so blank and ragged rows keep their real line numbers.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from analytics.ingest.headers import looks_like_header
from analytics.ingest.limits import (
    ELEMENTS_PER_CELL,
    MAX_BYTES,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_OTHER_ELEMENTS,
    MAX_ROWS,
    MAX_XLSX_INFLATED,
    MEGABYTE,
)

_DELIMITERS = (",", ";", "\t", "|")


class ReadError(Exception):
    """The file cannot be read as a table; `code` picks the message in labels, `detail` fills it."""

    def __init__(self, code: str, **detail: object) -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Source:
    """An uploaded file: its name, its size (known before reading) and how to read its bytes."""

    name: str
    size: int
    path: Path | None = None
    data: bytes | None = None

    def read(self) -> bytes:
        if self.data is not None:
            return self.data
        assert self.path is not None
        return self.path.read_bytes()


def source_from_path(path: Path) -> Source:
    return Source(name=path.name, size=os.stat(path).st_size, path=path)


def source_from_bytes(name: str, data: bytes) -> Source:
    return Source(name=name, size=len(data), data=data)


Cell = str | float | int | date | datetime | None


@dataclass
class Table:
    """Rows of cells as read; `rows[i]` is the spreadsheet row `numbers[i]` (header = row 1)."""

    rows: list[list[Cell]]
    numbers: list[int]
    format: str  # "csv" or "xlsx"
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # (row number, col index) → formula without cached value


def check_size(source: Source) -> None:
    """Refuse a too-large file from its size alone, before a single byte is read."""
    if source.size > MAX_BYTES:
        raise ReadError("too_large", size_mb=round(source.size / MEGABYTE, 1), limit_mb=MAX_BYTES // MEGABYTE)


def read_table(source: Source) -> Table:
    check_size(source)
    raw = source.read()
    if len(raw) > MAX_BYTES:  # the size given was wrong; never trust it blindly
        raise ReadError("too_large", size_mb=round(len(raw) / MEGABYTE, 1), limit_mb=MAX_BYTES // MEGABYTE)
    if not raw.strip():
        raise ReadError("empty")
    if raw.startswith(b"PK\x03\x04"):
        return read_xlsx(raw)
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError("old_xls")
    text, encoding = decode(raw)
    return read_csv_text(text, encoding)


def decode(raw: bytes) -> tuple[str, str]:
    """Text and the encoding it was in; raises ReadError('binary') for what is not text."""
    for bom, codec, name in (
        (codecs.BOM_UTF8, "utf-8", "UTF-8 (BOM)"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE (BOM)"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE (BOM)"),
    ):
        if raw.startswith(bom):
            try:
                text = raw[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise ReadError("bad_encoding", encoding=name, offset=exc.start) from exc
            return _checked_text(text), name
    if b"\x00" in raw:
        raise ReadError("binary")
    try:
        return _checked_text(raw.decode("utf-8")), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return _checked_text(raw.decode("cp1258")), "Windows-1258"
    except UnicodeDecodeError as exc:
        raise ReadError("binary") from exc


def _checked_text(text: str) -> str:
    controls = sum(1 for ch in text[:65536] if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t")
    if "\x00" in text or controls > max(2, len(text[:65536]) // 200):
        raise ReadError("binary")
    return unicodedata.normalize("NFC", text)


def sniff_delimiter(text: str) -> str:
    """DuckDB's sniffer on a sample of the (already decoded) text; ',' when it cannot tell."""
    lines = [line for line in text.splitlines() if line.strip()][:200]
    if not lines:
        return ","
    with tempfile.NamedTemporaryFile("w", suffix=".csv", encoding="utf-8", delete=False) as tmp:
        tmp.write("\n".join(lines) + "\n")
    try:
        conn = duckdb.connect()
        try:
            row = conn.execute("SELECT Delimiter FROM sniff_csv(?, ignore_errors = true, all_varchar = true)", [tmp.name]).fetchone()
        finally:
            conn.close()
        found = row[0] if row else ","
    except duckdb.Error:
        found = ","
    finally:
        os.unlink(tmp.name)
    if found not in _DELIMITERS:
        # A one-column sniff on a real table usually means a delimiter DuckDB did not try first.
        counts = {d: lines[0].count(d) for d in _DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        found = best if counts[best] else ","
    return found


def check_text_shape(text: str) -> None:
    """Refuse too many rows, columns or cells from counts over the text, before any cell is split off.

    A line's width is counted for every delimiter we accept and the largest taken: the delimiter is
    not known yet (the sniffer itself would choke on a million-column header), and a real file
    never holds hundreds of a second delimiter on one line."""
    lines = max(text.count("\n"), text.count("\r")) + 1
    if lines > MAX_ROWS:
        raise ReadError("too_many_rows", rows=lines, limit=MAX_ROWS)
    cells = 0
    for number, line in enumerate(text.splitlines(), 1):
        width = max(line.count(d) for d in _DELIMITERS) + 1
        if width > MAX_COLUMNS:
            raise ReadError("too_many_columns", row=number, columns=width, limit=MAX_COLUMNS)
        cells += width
        if cells > MAX_CELLS:
            raise ReadError("too_many_cells", limit=MAX_CELLS)


def read_csv_text(text: str, encoding: str) -> Table:
    check_text_shape(text)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[Cell]] = []
    try:
        for record in reader:
            rows.append([cell.strip() for cell in record])
    except csv.Error as exc:
        raise ReadError("not_table") from exc
    # Excel numbers records, not physical lines (a quoted cell may span lines).
    numbers = list(range(1, len(rows) + 1))
    return Table(rows=rows, numbers=numbers, format="csv", encoding=encoding, delimiter=delimiter)


def read_xlsx(raw: bytes) -> Table:
    """The first sheet, or the first one whose top rows look like our template."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ReadError("bad_xlsx") from exc
    if inflated > MAX_XLSX_INFLATED:
        raise ReadError("too_large", size_mb=round(inflated / MEGABYTE, 1), limit_mb=MAX_XLSX_INFLATED // MEGABYTE)
    check_xlsx_shape(raw)
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise ReadError("bad_xlsx") from exc
    try:
        sheets = [(ws.title, _sheet_rows(ws)) for ws in book.worksheets]
    except Exception as exc:  # read_only mode parses sheet XML lazily: damage shows up here
        raise ReadError("bad_xlsx") from exc
    finally:
        book.close()
    if not sheets:
        raise ReadError("empty")

    title, rows = next(((t, r) for t, r in sheets if any(looks_like_header(row) for row in r[:10])), sheets[0])
    formulas = {
        (i + 1, j): str(cell) for i, row in enumerate(rows) for j, cell in enumerate(row) if isinstance(cell, str) and cell.startswith("=")
    }
    if formulas:
        cached = _cached_values(raw, title)
        for r, c in list(formulas):
            value = cached[r - 1][c] if r - 1 < len(cached) and c < len(cached[r - 1]) else None
            if value is not None and not (isinstance(value, str) and value.startswith("=")):
                rows[r - 1][c] = value
                del formulas[(r, c)]
    return Table(rows=rows, numbers=list(range(1, len(rows) + 1)), format="xlsx", sheet=title, formulas=formulas)


# Row and cell start tags of a worksheet, with or without a namespace prefix, and their `r`
# reference when they have one (the empty alternative matches a tag without it).
_PREFIX = rb"<(?:[A-Za-z_][\w.-]*:)?"
_ROW_TAG = re.compile(_PREFIX + rb"""row(?=[\s/>])(?:[^>]*?\sr\s*=\s*["'](\d+)["']|)""")
_CELL_TAG = re.compile(_PREFIX + rb"""c(?=[\s/>])(?:[^>]*?\sr\s*=\s*["']([A-Z]{1,3})(\d+)["']|)""")
_ROW_START = re.compile(_PREFIX + rb"row(?=[\s/>])")
_CHUNK = 1 << 20


def _xml_chunks(archive: zipfile.ZipFile) -> Iterator[tuple[str, bytes]]:
    """(part name, text) for every XML part, inflated a megabyte at a time; a tag is never cut in two."""
    for info in archive.infolist():
        if not info.filename.lower().endswith(".xml"):
            continue
        with archive.open(info) as part:
            pending = b""
            while chunk := part.read(_CHUNK):
                pending += chunk
                cut = max(pending.rfind(b"<"), 0)
                yield info.filename, pending[:cut]
                pending = pending[cut:]
            yield info.filename, pending


@dataclass
class _Shape:
    """An upper bound of the rows × columns openpyxl would build for one sheet, and its cells.

    A cell without a reference sits just after the one before it, so a row's widest column is at
    most its widest reference plus its cell count; rows are walked one by one only in a sheet that
    has such cells (every spreadsheet program writes the references)."""

    last_row: int = 0
    widest: int = 0
    cells: int = 0
    unnumbered_rows: int = 0
    unnumbered_cells: int = 0
    fullest_row: int = 0
    open_row: int = 0  # cells seen so far in the row a chunk ended in

    def add(self, text: bytes) -> None:
        from openpyxl.utils import column_index_from_string  # only an .xlsx upload pays for importing openpyxl

        rows = _ROW_TAG.findall(text)
        cells = _CELL_TAG.findall(text)
        numbered = [int(r) for r in rows if r] + [int(r) for _, r in cells if r]
        self.last_row = max([self.last_row, *numbered])
        columns = {letters.decode() for letters, _ in cells if letters}
        self.widest = max([self.widest, *map(column_index_from_string, columns)])
        self.cells += len(cells)
        self.unnumbered_rows += sum(1 for r in rows if not r)
        self.unnumbered_cells += sum(1 for letters, _ in cells if not letters)
        if self.unnumbered_cells:
            for i, segment in enumerate(_ROW_START.split(text)):
                self.open_row = (self.open_row if i == 0 else 0) + len(_CELL_TAG.findall(segment))
                self.fullest_row = max(self.fullest_row, self.open_row)

    @property
    def rows(self) -> int:
        return self.last_row + self.unnumbered_rows  # a row without its number follows the one before

    @property
    def columns(self) -> int:
        return self.widest + self.fullest_row if self.unnumbered_cells else self.widest


def check_xlsx_shape(raw: bytes) -> None:
    """Refuse a workbook with too many rows, columns or cells, counted by scanning its XML.

    openpyxl pads every row to the widest and fills row gaps, so the shape that costs is the last
    row × the widest column of each sheet, taken from the cells' own references (a `<dimension>`
    tag may lie). Every XML part is counted, not only xl/worksheets/: a workbook may put its sheets
    anywhere its relationships point. Regular expressions over the bytes a megabyte at a time, not
    an XML parser: the count must cost far less than the reading it protects."""
    shapes: dict[str, _Shape] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            # A first pass counts unprefixed cell tags, and shared strings (openpyxl loads every one,
            # used or not), at C speed: a workbook of millions of either stops here. So does a part
            # with far more elements than its cells explain (a styles.xml of 300,000 formats).
            at_least = 0
            cells: dict[str, int] = {}
            elements: dict[str, int] = {}
            for part, text in _xml_chunks(archive):
                found = sum(text.count(tag + end) for tag in (b"<c", b"<si") for end in (b" ", b">", b"/"))
                at_least += found
                if at_least > MAX_CELLS:
                    raise ReadError("too_many_cells", limit=MAX_CELLS)
                cells[part] = cells.get(part, 0) + found
                elements[part] = elements.get(part, 0) + text.count(b"<") - text.count(b"</")
                if elements[part] - ELEMENTS_PER_CELL * cells[part] > MAX_OTHER_ELEMENTS:
                    raise ReadError("xlsx_too_complex", part=part, limit=MAX_OTHER_ELEMENTS)
            for part, text in _xml_chunks(archive):
                shape = shapes.setdefault(part, _Shape())
                shape.add(text)
                if shape.rows > MAX_ROWS:
                    raise ReadError("too_many_rows", rows=shape.rows, limit=MAX_ROWS)
                if shape.columns > MAX_COLUMNS:
                    raise ReadError("too_many_columns", row=shape.rows, columns=shape.columns, limit=MAX_COLUMNS)
                if sum(s.cells for s in shapes.values()) > MAX_CELLS or shape.rows * shape.columns > MAX_CELLS:
                    raise ReadError("too_many_cells", limit=MAX_CELLS)
    # What a damaged archive raises while a member is inflated (openpyxl would fail on it next).
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError, NotImplementedError) as exc:
        raise ReadError("bad_xlsx") from exc


def _sheet_rows(ws: Any) -> list[list[Cell]]:
    ws.reset_dimensions()  # a forged <dimension> would make openpyxl pad to it; the cells were counted instead
    rows: list[list[Cell]] = []
    for values in ws.iter_rows(values_only=True):
        rows.append([unicodedata.normalize("NFC", v).strip() if isinstance(v, str) else v for v in values])
    while rows and all(v is None or v == "" for v in rows[-1]):
        rows.pop()
    return rows


def _cached_values(raw: bytes, title: str) -> list[list[Cell]]:
    """Values Excel saved for formula cells (absent when a program wrote formulas without computing them)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    try:
        return _sheet_rows(book[title])
    finally:
        book.close()
