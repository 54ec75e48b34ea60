"""Every CSV and .xlsx the product offers — tables, templates, registers, error reports, the audit
trail, account lists — is written here, so each one is safe the same way.

CSV is UTF-8 with a BOM (so Excel shows Vietnamese) and CRLF line ends (so Notepad on Windows does);
every text cell is quoted, because pandas leaves a lone carriage return unquoted and it would split
the row. Text cells that a spreadsheet would run as a formula are prefixed with an apostrophe (OWASP
"CSV injection"): unit names, communes and notes come from uploads and must not turn into formulas on
a secretary's machine. Numbers stay numbers.

The long export (`analytics.export`) keeps its own plain format: it is for comparing two stores byte
for byte, not for people.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

XLSX = ".xlsx"
CSV = ".csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"

# What a spreadsheet reads as the start of a formula, full-width forms included.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Spaces and control characters a spreadsheet may skip or drop before it looks for a formula.
_LEADING_SKIPPABLE = re.compile(r"^[\s\x00-\x1f\x7f\u00a0]+")


def starts_like_formula(value: object) -> bool:
    """Text a spreadsheet would evaluate ('=cmd|...', '+1', '@SUM', ' =1'): refused on upload, neutralised on download."""
    return isinstance(value, str) and (value.startswith(FORMULA_START) or _LEADING_SKIPPABLE.sub("", value).startswith(FORMULA_START))


def neutralise_cell(value: object) -> object:
    """A text cell a spreadsheet would evaluate gets a leading apostrophe."""
    return "'" + value if isinstance(value, str) and starts_like_formula(value) else value


def _is_text(column: pd.Series) -> bool:
    return column.dtype == object or pd.api.types.is_string_dtype(column)


def _map_text(frame: pd.DataFrame, change: Callable[[object], object]) -> pd.DataFrame:
    """A copy with `change` applied to every header and text cell; numbers untouched."""
    out = frame.copy()
    out.columns = [str(change(str(c))) for c in out.columns]
    for column in out.columns:
        if _is_text(out[column]):
            out[column] = out[column].map(change)
    return out


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell and header neutralised; numbers untouched."""
    return _map_text(frame, neutralise_cell)


def _worksheet_text(value: object) -> object:
    """Control characters cannot be stored in a worksheet (openpyxl raises): dropped from the .xlsx only."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return neutralise_frame(frame).to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n").encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "Bang") -> bytes:
    # Drop what a worksheet cannot hold first, so what remains is what gets neutralised.
    safe = neutralise_frame(_map_text(frame, _worksheet_text))
    for column in safe.columns:  # Excel cannot store time-zone-aware datetimes
        if isinstance(safe[column].dtype, pd.DatetimeTZDtype):
            safe[column] = safe[column].dt.tz_localize(None)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        safe.to_excel(writer, index=False, sheet_name=sheet[:31])
    return buffer.getvalue()


def file_bytes(frame: pd.DataFrame, suffix: str, sheet: str = "Bang") -> bytes:
    """The file for a name ending in `suffix`: a workbook for .xlsx, CSV for anything else."""
    return xlsx_bytes(frame, sheet) if suffix.lower() == XLSX else csv_bytes(frame)


def write_file(frame: pd.DataFrame, path: Path, sheet: str = "Bang") -> None:
    """Write `frame` as the file `path` names: .xlsx, otherwise CSV."""
    path.write_bytes(file_bytes(frame, path.suffix, sheet))
