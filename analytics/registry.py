"""The unit registry (data/units.csv) is data the secretariat edits: units come and go
(the 2025 provincial mergers), so each unit carries the years it is valid and its successor."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from analytics.config import ConfigError
from analytics.labels import t

COLUMNS = ["code", "name", "short_name", "province", "province_kind", "block", "valid_from", "valid_to", "successor", "note"]
BLOCK_CODES = ("STP", "THADS")


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    short_name: str
    province: str
    province_kind: str
    block: str
    valid_from: int
    valid_to: int | None
    successor: str | None
    note: str

    def active_in(self, year: int) -> bool:
        return self.valid_from <= year and (self.valid_to is None or year <= self.valid_to)


def load_units(file: Path) -> list[Unit]:
    """Read and validate the registry; errors name the file, the row as a spreadsheet shows it, and the column."""
    frame = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in COLUMNS[:7] if c not in frame.columns]
    if missing:
        raise ConfigError(file, ", ".join(missing), t("reg_missing_columns"))
    units: list[Unit] = []
    seen: set[str] = set()
    for idx, row in frame.iterrows():
        excel_row = int(idx) + 2  # header is row 1

        def where(col: str, excel_row: int = excel_row) -> str:
            return t("reg_where", row=excel_row, column=col)

        text = {c: unicodedata.normalize("NFC", str(row.get(c, "")).strip()) for c in COLUMNS}
        if not text["code"] or not text["code"].isascii():
            raise ConfigError(file, where("code"), t("reg_bad_code"))
        if text["code"] in seen:
            raise ConfigError(file, where("code"), t("cfg_duplicate_code", code=text["code"]))
        if text["block"] not in BLOCK_CODES:
            raise ConfigError(file, where("block"), t("reg_bad_block", block=text["block"]))
        for col in ("name", "short_name", "province"):
            if not text[col]:
                raise ConfigError(file, where(col), t("reg_blank"))
        try:
            valid_from = int(text["valid_from"])
            valid_to = int(text["valid_to"]) if text["valid_to"] else None
        except ValueError as exc:
            raise ConfigError(file, where("valid_from/valid_to"), t("reg_bad_year")) from exc
        if valid_to is not None and valid_to < valid_from:
            raise ConfigError(file, where("valid_to"), t("reg_years_reversed"))
        seen.add(text["code"])
        units.append(
            Unit(
                code=text["code"],
                name=text["name"],
                short_name=text["short_name"],
                province=text["province"],
                province_kind=text["province_kind"],
                block=text["block"],
                valid_from=valid_from,
                valid_to=valid_to,
                successor=text["successor"] or None,
                note=text["note"],
            )
        )
    for unit in units:
        if unit.successor and unit.successor not in seen:
            raise ConfigError(file, t("reg_where_successor", unit=unit.code), t("reg_unknown_successor", successor=unit.successor))
    return units


def in_listing_order(units: Sequence[Unit]) -> list[Unit]:
    """The units as every list shows them: block by block, in the Vietnamese collation of their short
    names (Hà Nam, Hà Nội, Hải Dương; Nam Định before Ninh Bình), never by code.

    The one definition of that order: the store keeps each unit's place (units.listing_order) from
    it, and the CLI lists the registry file with it. DuckDB's ICU extension collates ("COLLATE vi");
    it is built into the duckdb wheel, so it works offline."""
    listed = pd.DataFrame({"i": range(len(units)), "block": [u.block for u in units], "short_name": [u.short_name for u in units]})
    with duckdb.connect() as con:
        con.register("listed", listed)  # a frame, not row-by-row inserts: a national registry has 1,000 units
        order = con.execute("SELECT i FROM listed ORDER BY block, short_name COLLATE vi, i").fetchall()
    return [units[i] for (i,) in order]
