"""Tables with their downloads: every table a page shows can be saved as CSV and .xlsx."""

from __future__ import annotations

import re
import unicodedata
from functools import partial

import pandas as pd
import streamlit as st

from analytics.downloads import CSV_MIME, XLSX_MIME, csv_bytes, xlsx_bytes
from analytics.labels import t
from analytics.presentation.tables import display


def table(frame: pd.DataFrame, name: str, *, key: str, height: int | None = None, wide: tuple[str, ...] = ()) -> None:
    """Show `frame` and offer it as CSV (UTF-8 with BOM) and Excel, formulas neutralised. Columns
    named in `wide` get room for a sentence (a flag that only some rows carry would be cut short)."""
    config = {column: st.column_config.TextColumn(width="large") for column in wide}
    st.dataframe(display(frame), hide_index=True, width="stretch", height=height or "auto", column_config=config)
    downloads(frame, name, key=key)


def downloads(frame: pd.DataFrame, name: str, *, key: str) -> None:
    """The CSV and Excel buttons alone, for a table too long to read on screen."""
    ascii_name = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D")).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", ascii_name).strip("_") or "bang"
    left, right, _ = st.columns([1, 1, 6])
    # Files are built when clicked, not on every run (an .xlsx costs ~20 ms per table per rerun).
    left.download_button(t("download_csv"), partial(csv_bytes, frame), f"{stem}.csv", CSV_MIME, key=f"{key}_csv", icon="⬇️")
    right.download_button(t("download_xlsx"), partial(xlsx_bytes, frame), f"{stem}.xlsx", XLSX_MIME, key=f"{key}_xlsx", icon="⬇️")
