"""Tables as files a leader can open: CSV (UTF-8 with BOM, so Excel shows Vietnamese) and .xlsx.

Text cells that a spreadsheet would run as a formula (starting with =, +, -, @, or a tab / carriage
return) are prefixed with an apostrophe: unit names and notes come from uploads and must not turn
into formulas on a secretary's machine. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from analytics.trust.safety import neutralise_cell


def neutralise(value: object) -> object:
    """One rule for every export (analytics.trust.safety, issue 6): also a formula behind spaces or in
    full-width form."""
    return neutralise_cell(value)


def _excel_text(value: object) -> object:
    """Control characters cannot be stored in a worksheet (openpyxl raises, which crashed the page
    showing the table: found by the issue-6 fuzz test); they are dropped from the .xlsx only."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell and header neutralised."""
    out = frame.copy()
    out.columns = [str(neutralise(str(c))) for c in out.columns]
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    # Every text cell quoted: pandas leaves a lone CR unquoted, which would split the row (issue 6).
    return safe_frame(frame).to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC).encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "Bang") -> bytes:
    buffer = io.BytesIO()
    # Drop what a worksheet cannot hold first, so what remains is what gets neutralised.
    cleaned = frame.copy()
    cleaned.columns = [_excel_text(str(c)) for c in cleaned.columns]
    for column in cleaned.columns:
        if cleaned[column].dtype == object or pd.api.types.is_string_dtype(cleaned[column]):
            cleaned[column] = cleaned[column].map(_excel_text)
    safe = safe_frame(cleaned)
    for column in safe.columns:  # Excel cannot store time-zone-aware datetimes
        if isinstance(safe[column].dtype, pd.DatetimeTZDtype):
            safe[column] = safe[column].dt.tz_localize(None)
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        safe.to_excel(writer, index=False, sheet_name=sheet[:31])
    return buffer.getvalue()
