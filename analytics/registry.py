"""The unit registry (data/units.csv) is data the secretariat edits: units come and go (the 2025
provincial mergers) and change name and parent body, each change from an effective date.

A row is one version of a unit: the dates it holds (valid_from, valid_to; a bare year means 1 January
or 31 December), its name, short name and parent body then. A rename is a second row with the same
code starting the day after the first one ends. A unit that merged away names its successor, so the
lineage of a unit (its predecessors) is read from the same file.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from analytics.config import ConfigError
from analytics.labels import t

COLUMNS = [
    "code", "name", "short_name", "province", "province_kind", "block", "valid_from", "valid_to", "successor", "parent",
    "illustrative", "note",
]  # fmt: skip
REQUIRED = COLUMNS[:7]
BLOCK_CODES = ("STP", "THADS")


@dataclass(frozen=True)
class Unit:
    """One version of a unit: what it was called and whom it answered to between two dates."""

    code: str
    name: str
    short_name: str
    province: str
    province_kind: str
    block: str
    valid_from: date
    valid_to: date | None
    successor: str | None
    note: str
    parent: str = ""
    illustrative: bool = False  # membership of the cluster not confirmed by the secretariat

    def active_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def active_in(self, year: int) -> bool:
        """Valid on at least one day of the year."""
        return self.valid_from.year <= year and (self.valid_to is None or year <= self.valid_to.year)


def units_on(units: list[Unit], day: date) -> list[Unit]:
    """The units of the cluster on one day, one version each."""
    return [u for u in units if u.active_on(day)]


def quarter_days(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a calendar quarter."""
    first = date(year, 3 * quarter - 2, 1)
    last = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, date.fromordinal(last.toordinal() - 1)


def units_in(units: list[Unit], year: int, quarter: int | None = None) -> list[Unit]:
    """The cluster's members in a year (or one quarter of it), one version per code: the one in force
    on the last day of the span the unit existed (a unit renamed in July shows its new name for that year)."""
    first, last = quarter_days(year, quarter) if quarter else (date(year, 1, 1), date(year, 12, 31))
    chosen: dict[str, Unit] = {}
    for unit in units:
        if unit.valid_from <= last and (unit.valid_to is None or first <= unit.valid_to):
            current = chosen.get(unit.code)
            if current is None or current.valid_from < unit.valid_from:
                chosen[unit.code] = unit
    return [chosen[code] for code in dict.fromkeys(u.code for u in units) if code in chosen]


def latest_versions(units: list[Unit]) -> list[Unit]:
    """Each unit once, as it stands in its newest version."""
    latest: dict[str, Unit] = {}
    for unit in units:
        if unit.code not in latest or latest[unit.code].valid_from < unit.valid_from:
            latest[unit.code] = unit
    return list(latest.values())


def unit_span(units: list[Unit], code: str) -> tuple[date, date | None]:
    """First and last day of a unit over all its versions (None: still in force)."""
    versions = [u for u in units if u.code == code]
    ends = [u.valid_to for u in versions]
    return min(u.valid_from for u in versions), None if None in ends else max(e for e in ends if e is not None)


def predecessors(units: list[Unit], code: str) -> list[str]:
    """Codes of the units that merged into `code`, directly or through earlier mergers."""
    found: list[str] = []
    direct = sorted({u.code for u in units if u.successor == code and u.code != code})
    for other in direct:
        found.append(other)
        found.extend(p for p in predecessors(units, other) if p not in found)
    return found


def _day(text: str, *, end: bool) -> date:
    """'2025-07-01' as it is; a bare year '2025' as 1 January (start) or 31 December (end)."""
    if text.isdigit() and len(text) == 4:
        return date(int(text), 12, 31) if end else date(int(text), 1, 1)
    return date.fromisoformat(text)


def load_units(file: Path) -> list[Unit]:
    """Read and validate the registry; errors name the file, the row as a spreadsheet shows it, and the column."""
    frame = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise ConfigError(file, ", ".join(missing), t("reg_missing_columns"))
    units: list[Unit] = []
    for idx, row in frame.iterrows():
        excel_row = int(idx) + 2  # header is row 1

        def where(col: str, excel_row: int = excel_row) -> str:
            return t("reg_where", row=excel_row, column=col)

        text = {c: unicodedata.normalize("NFC", str(row.get(c, "")).strip()) for c in COLUMNS}
        if not text["code"] or not text["code"].isascii():
            raise ConfigError(file, where("code"), t("reg_bad_code"))
        if text["block"] not in BLOCK_CODES:
            raise ConfigError(file, where("block"), t("reg_bad_block", block=text["block"]))
        for col in ("name", "short_name", "province"):
            if not text[col]:
                raise ConfigError(file, where(col), t("reg_blank"))
        try:
            valid_from = _day(text["valid_from"], end=False)
            valid_to = _day(text["valid_to"], end=True) if text["valid_to"] else None
        except ValueError as exc:
            raise ConfigError(file, where("valid_from/valid_to"), t("reg_bad_year")) from exc
        if valid_to is not None and valid_to < valid_from:
            raise ConfigError(file, where("valid_to"), t("reg_years_reversed"))
        unit = Unit(
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
            parent=text["parent"],
            illustrative=text["illustrative"].lower() in ("1", "true", "x", "có"),
        )
        _check_versions(file, where("code"), unit, [u for u in units if u.code == unit.code])
        units.append(unit)
    codes = {u.code for u in units}
    for unit in units:
        if unit.successor and unit.successor not in codes:
            raise ConfigError(file, t("reg_where_successor", unit=unit.code), t("reg_unknown_successor", successor=unit.successor))
    return units


def in_listing_order(units: Sequence[Unit]) -> list[Unit]:
    """The units as every list shows them: block by block, in the Vietnamese collation of their short
    names (Hà Nam, Hà Nội, Hải Dương; Nam Định before Ninh Bình), never by code.

    The one definition of that order: the store keeps each unit's place (units.listing_order) from
    it, and the CLI lists the registry file with it. DuckDB's ICU extension collates ("COLLATE vi");
    it is built into the duckdb wheel, so it works offline."""
    if not units:
        return []
    listed = pd.DataFrame({"i": range(len(units)), "block": [u.block for u in units], "short_name": [u.short_name for u in units]})
    with duckdb.connect() as con:
        con.register("listed", listed)  # a frame, not row-by-row inserts: a national registry has 1,000 units
        order = con.execute("SELECT i FROM listed ORDER BY block, short_name COLLATE vi, i").fetchall()
    return [units[i] for (i,) in order]


def _check_versions(file: Path, where: str, unit: Unit, earlier: list[Unit]) -> None:
    """A code may repeat only as a later version of the same unit: same block, starting after the last one ended."""
    if not earlier:
        return
    last = earlier[-1]
    if last.block != unit.block or last.valid_to is None or unit.valid_from <= last.valid_to:
        raise ConfigError(file, where, t("reg_version_overlap", code=unit.code))
