"""Period figures per unit, computed in DuckDB from the stored quarterly values.

Rules (from the indicator catalogue, never guessed from names):
- flow indicators are summed over the period's quarters up to the latest quarter reported;
- stock indicators take the value at the period's last reported quarter;
- ratios are numerator ÷ denominator × 100 of those period values — a percentage is never summed;
- THADS statistics are cumulative over the statistical year 1 Oct – 30 Sep, so for a year or phase 2
  their level is read at 30 Sep (Q3), the end of the statistical year the year-end review judges.
Missing data stays missing (status "missing"/"partial"), never zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from analytics.labels import t
from analytics.store import Cursor

PERIODS = ("year", "P1", "P2", "Q1", "Q2", "Q3", "Q4")
_QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}


@dataclass(frozen=True)
class PeriodSpec:
    """Which quarters a period covers and which quarter each kind of figure is read at."""

    year: int
    period: str
    quarters: tuple[int, ...]
    as_of: int | None  # latest quarter in the period for which anything is stored

    @property
    def end_quarter(self) -> int:
        return self.as_of or max(self.quarters)

    @property
    def thads_end_quarter(self) -> int:
        if len(self.quarters) > 1 and 3 in self.quarters:
            return min(self.end_quarter, 3)
        return self.end_quarter

    @property
    def is_year(self) -> bool:
        return self.period == "year"


def years(cur: Cursor) -> list[int]:
    """Years with a campaign configuration or stored values, newest first."""
    rows = cur.execute("SELECT year FROM campaigns UNION SELECT DISTINCT year FROM facts ORDER BY year DESC").fetchall()
    return [int(r[0]) for r in rows]


def period_quarters(cur: Cursor, year: int, period: str) -> tuple[int, ...]:
    if period == "year":
        return (1, 2, 3, 4)
    if period in ("Q1", "Q2", "Q3", "Q4"):
        return (int(period[1]),)
    if period.startswith("P") and period[1:].isdigit():
        row = cur.execute("SELECT quarters FROM phases WHERE year = ? AND number = ?", [year, int(period[1:])]).fetchone()
        if row:
            return tuple(int(q) for q in row[0])
        # No campaign for that year: the covenant's standard halves.
        return {1: (1, 2), 2: (3, 4)}.get(int(period[1:]), (1, 2, 3, 4))
    raise ValueError(t("cfg_bad_period", period=period))


def period_spec(cur: Cursor, year: int, period: str) -> PeriodSpec:
    quarters = period_quarters(cur, year, period)
    row = cur.execute("SELECT max(quarter) FROM facts WHERE year = ? AND list_contains(?, quarter)", [year, list(quarters)]).fetchone()
    as_of = int(row[0]) if row and row[0] is not None else None
    return PeriodSpec(year, period, quarters, as_of)


def thads_coverage(year: int, quarter: int) -> tuple[date, date]:
    """The span a cumulative THADS figure at the end of `quarter` covers."""
    start_year = year - 1 if quarter <= 3 else year
    month, day = _QUARTER_END[quarter]
    return date(start_year, 10, 1), date(year, month, day)


def _arrow_frame(cur: Cursor, sql: str, params: dict[str, object]) -> pd.DataFrame:
    """Run a query and fetch it as Arrow, then pandas.

    For a large result (45,000 rows at national scale) this takes ~1 ms where .df() takes ~80 ms
    converting string columns value by value. A child cursor, because DuckDB refuses a relation
    query on a connection that still holds an unfinished execute() result.
    """
    with cur.cursor() as own:
        return own.sql(sql, params=params).to_arrow_table().to_pandas()


def period_values(cur: Cursor, spec: PeriodSpec, block: str | None = None) -> pd.DataFrame:
    """One row per (active unit, applicable indicator) with the period value, status and target."""
    flow_quarters = [q for q in spec.quarters if q <= spec.end_quarter]
    params = {
        "year": spec.year,
        "quarters": flow_quarters,
        "n_flow": len(flow_quarters),
        "end_q": spec.end_quarter,
        "thads_end_q": spec.thads_end_quarter,
        "block": block,
        "is_year": spec.is_year,
    }
    return _arrow_frame(
        cur,
        """
        WITH u AS (
            SELECT code AS unit_code, name, short_name, block, province
            FROM unit_years
            WHERE year = $year AND ($block IS NULL OR block = $block)
        ),
        cat AS (
            SELECT code, label, unit, kind, basis, content, numerator, denominator, block AS scope,
                   higher_is_better, position
            FROM indicators WHERE year = $year
        ),
        base AS (
            SELECT u.unit_code, c.code AS indicator, c.kind,
                   CASE WHEN c.basis = 'thads' THEN $thads_end_q ELSE $end_q END AS end_q
            FROM u JOIN cat c ON c.kind <> 'ratio' AND c.scope IN ('ALL', u.block)
        ),
        f AS (
            SELECT unit_code, indicator, quarter, value, is_demo
            FROM facts WHERE year = $year AND list_contains($quarters, quarter)
        ),
        agg AS (
            SELECT b.unit_code, b.indicator,
                   CASE WHEN b.kind = 'flow' THEN sum(f.value)
                        ELSE max(f.value) FILTER (WHERE f.quarter = b.end_q) END AS value,
                   CASE WHEN b.kind = 'flow' THEN count(f.quarter)
                        ELSE count(f.quarter) FILTER (WHERE f.quarter = b.end_q) END AS n_have,
                   CASE WHEN b.kind = 'flow' THEN $n_flow ELSE 1 END AS n_expected,
                   coalesce(bool_or(f.is_demo), false) AS is_demo
            FROM base b LEFT JOIN f ON f.unit_code = b.unit_code AND f.indicator = b.indicator
            GROUP BY b.unit_code, b.indicator, b.kind, b.end_q
        ),
        graded AS (
            SELECT *, CASE WHEN n_have = 0 THEN 2 WHEN n_have < n_expected THEN 1 ELSE 0 END AS rank FROM agg
        ),
        ratios AS (
            SELECT u.unit_code, c.code AS indicator,
                   CASE WHEN d.value > 0 THEN 100.0 * n.value / d.value END AS value,
                   least(n.n_have, d.n_have) AS n_have, greatest(n.n_expected, d.n_expected) AS n_expected,
                   CASE WHEN greatest(n.rank, d.rank) = 0 AND NOT d.value > 0 THEN 3
                        ELSE greatest(n.rank, d.rank) END AS rank,
                   n.is_demo OR d.is_demo AS is_demo
            FROM u JOIN cat c ON c.kind = 'ratio' AND c.scope IN ('ALL', u.block)
            LEFT JOIN graded n ON n.unit_code = u.unit_code AND n.indicator = c.numerator
            LEFT JOIN graded d ON d.unit_code = u.unit_code AND d.indicator = c.denominator
        ),
        allv AS (
            SELECT unit_code, indicator, value, n_have, n_expected, rank, is_demo FROM graded
            UNION ALL
            SELECT unit_code, indicator, value, n_have, n_expected, rank, is_demo FROM ratios
        ),
        tg AS (
            SELECT * EXCLUDE (pick) FROM (
                SELECT u.unit_code, t.indicator, t.min_value, t.max_value, t.illustrative,
                       row_number() OVER (PARTITION BY u.unit_code, t.indicator
                                          ORDER BY t.unit_code IS NOT NULL DESC, t.block IS NOT NULL DESC) AS pick
                FROM u JOIN targets t
                  ON t.year = $year
                 AND (t.unit_code = u.unit_code OR (t.unit_code IS NULL AND coalesce(t.block, u.block) = u.block))
                WHERE t.period = 'any' OR $is_year
            ) WHERE pick = 1
        )
        SELECT u.unit_code, u.name, u.short_name, u.block, u.province,
               a.indicator, c.label, c.unit, c.kind, c.content, c.basis, c.higher_is_better, c.position,
               a.value,
               CASE a.rank WHEN 0 THEN 'ok' WHEN 1 THEN 'partial' WHEN 2 THEN 'missing' ELSE 'na' END AS status,
               a.n_have, a.n_expected, a.is_demo,
               tg.min_value AS target_min, tg.max_value AS target_max,
               coalesce(tg.illustrative, false) AS target_illustrative,
               CASE WHEN a.value IS NULL OR (tg.min_value IS NULL AND tg.max_value IS NULL) THEN NULL
                    WHEN c.higher_is_better THEN a.value >= coalesce(tg.min_value, tg.max_value)
                    ELSE a.value <= coalesce(tg.max_value, tg.min_value) END AS meets_target
        FROM allv a
        JOIN u USING (unit_code)
        JOIN cat c ON c.code = a.indicator
        LEFT JOIN tg ON tg.unit_code = a.unit_code AND tg.indicator = a.indicator
        ORDER BY c.position, u.block, u.unit_code
        """,
        params,
    ).astype({"meets_target": "boolean"})


def indicator_slice(frame: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """One indicator out of a period_values() frame, best first and missing last."""
    part = frame[frame["indicator"] == indicator]
    ascending = not bool(part["higher_is_better"].iloc[0]) if len(part) else False
    return part.sort_values(["value", "short_name"], ascending=[ascending, True], na_position="last").reset_index(drop=True)


def catalogue(cur: Cursor, year: int) -> pd.DataFrame:
    """The year's indicators in configuration order."""
    return cur.execute(
        "SELECT code, label, label_en, unit, block, kind, content, numerator, denominator, basis, higher_is_better"
        " FROM indicators WHERE year = ? ORDER BY position",
        [year],
    ).df()


def active_units(cur: Cursor, year: int, block: str | None = None) -> pd.DataFrame:
    return cur.execute(
        "SELECT code, name, short_name, province, block FROM unit_years WHERE year = ? AND (? IS NULL OR block = ?) ORDER BY block, code",
        [year, block, block],
    ).df()


def reporting(cur: Cursor, spec: PeriodSpec, block: str | None = None) -> pd.DataFrame:
    """Per active unit: whether it has reported the period's latest quarter (spec.as_of)."""
    return cur.execute(
        """
        SELECT u.code AS unit_code, u.short_name, u.name, u.block,
               count(DISTINCT f.quarter) FILTER (WHERE f.quarter = ?) > 0 AS reported
        FROM unit_years u
        LEFT JOIN facts f ON f.unit_code = u.code AND f.year = u.year
        WHERE u.year = ? AND (? IS NULL OR u.block = ?)
        GROUP BY ALL ORDER BY u.block, u.code
        """,
        [spec.as_of, spec.year, block, block],
    ).df()


@dataclass(frozen=True)
class Freshness:
    year: int
    quarter: int | None
    updated_at: datetime | None
    has_demo: bool


def freshness(cur: Cursor, year: int) -> Freshness:
    """Latest quarter with data in `year`, when values last changed, and whether any are demo."""
    row = cur.execute(
        """
        SELECT max(f.quarter), max(u.created_at), coalesce(bool_or(f.is_demo), false)
        FROM facts f JOIN uploads u ON u.id = f.upload_id WHERE f.year = ?
        """,
        [year],
    ).fetchone()
    assert row is not None
    return Freshness(year, None if row[0] is None else int(row[0]), row[1], bool(row[2]))
