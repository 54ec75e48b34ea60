"""All stored values as one long CSV, in a fixed order, so two stores can be compared byte for byte."""

from __future__ import annotations

import pandas as pd

from analytics.store import Cursor

EXPORT_COLUMNS = ["unit_code", "year", "quarter", "indicator", "value"]


def export_frame(cur: Cursor, year: int | None = None) -> pd.DataFrame:
    return cur.execute(
        "SELECT unit_code, year, quarter, indicator, value FROM facts"
        " WHERE ? IS NULL OR year = ? ORDER BY unit_code, year, quarter, indicator",
        [year, year],
    ).df()


def format_value(value: float) -> str:
    """Integers without '.0'; other numbers in Python's shortest round-trip form."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def export_csv(cur: Cursor, year: int | None = None) -> str:
    frame = export_frame(cur, year)
    frame["value"] = frame["value"].map(format_value)
    # Not analytics.downloads: this file compares two stores byte for byte, so it stays plain (no BOM, LF, no quoting).
    return frame.to_csv(index=False, columns=EXPORT_COLUMNS, lineterminator="\n")
