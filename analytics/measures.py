"""Period figures per unit, computed in DuckDB from the stored quarterly values.

Rules (from the indicator catalogue, never guessed from names):
- the period's reference quarter is the latest quarter of the period that any unit has reported
  (as the values stood at the cut-off, when one is given);
- flow indicators are summed over the period's quarters up to the reference quarter;
- stock indicators take each unit's value at ITS OWN latest reported quarter inside the period:
  a unit that has not sent the reference quarter keeps its last level, flagged "late" with the
  quarter it comes from — a late report is never read as zero nor as complete;
- ratios are numerator ÷ denominator × 100 of those period values — a percentage is never summed;
- annual-only indicators (the catalogue's `annual`) have a figure for the year only, no phase or quarter;
- THADS statistics are cumulative over the statistical year 1 Oct – 30 Sep, so for a year or phase 2
  their level is read at 30 Sep (Q3), the end of the statistical year the year-end review judges.
Status per value: "ok", "late" (a quarter up to the reference quarter is missing: the stock comes
from an earlier quarter, or the flow's sum lacks a quarter), "missing" (nothing in the period) or
"na" (a rate with a zero denominator). Missing data stays missing, never zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from analytics.labels import STATUS, t
from analytics.store import Cursor

PERIODS = ("year", "P1", "P2", "Q1", "Q2", "Q3", "Q4")
_QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}


@dataclass(frozen=True)
class PeriodSpec:
    """Which quarters a period covers and which quarter each kind of figure is read at."""

    year: int
    period: str
    quarters: tuple[int, ...]
    as_of: int | None  # reference quarter: the latest in the period for which anything is stored
    at: datetime | None = None  # data cut-off: values as they stood then (None: current values)

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


def facts_source(at: datetime | None) -> str:
    """SQL for the year's stored values ($year) as they stood at the cut-off $at.

    Without a cut-off: the facts table. With one: every key's newest change in fact_history made by
    an upload recorded at or before $at (the history holds every insert, change and deletion, in
    upload order), so a correction uploaded after a meeting's cut-off leaves that meeting's figures
    as they were. Only these two constant texts are ever returned; values are bound parameters.
    """
    if at is None:
        return "SELECT unit_code, quarter, indicator, value, upload_id, is_demo FROM facts WHERE year = $year"
    return """
        SELECT unit_code, quarter, indicator, new_value AS value, upload_id, is_demo FROM (
            SELECT h.unit_code, h.quarter, h.indicator, h.new_value, h.upload_id, u.is_demo,
                   row_number() OVER (PARTITION BY h.unit_code, h.quarter, h.indicator ORDER BY h.upload_id DESC) AS newest
            FROM fact_history h JOIN uploads u ON u.id = h.upload_id
            WHERE h.year = $year AND u.created_at <= $at
        ) WHERE newest = 1 AND new_value IS NOT NULL
    """


def _params(year: int, at: datetime | None, **more: object) -> dict[str, object]:
    return {"year": year, **({"at": at} if at is not None else {}), **more}


def period_spec(cur: Cursor, year: int, period: str, at: datetime | None = None) -> PeriodSpec:
    """The period's quarters and reference quarter, from the values stored at `at` (None: now)."""
    quarters = period_quarters(cur, year, period)
    sql = f"SELECT max(quarter) FROM ({facts_source(at)}) WHERE list_contains($quarters, quarter)"
    frame = _arrow_frame(cur, sql, _params(year, at, quarters=list(quarters)))
    found = frame.iloc[0, 0]
    return PeriodSpec(year, period, quarters, None if pd.isna(found) else int(found), at)


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
    """One row per (active unit, applicable indicator) with the period value, its status, the quarter
    it comes from (source_quarter; for a flow the last quarter summed) and the target."""
    end_q, thads_end_q = spec.end_quarter, spec.thads_end_quarter
    params = _params(
        spec.year,
        spec.at,
        quarters=list(spec.quarters),
        end_q=end_q,
        thads_end_q=thads_end_q,
        n_flow=sum(1 for q in spec.quarters if q <= end_q),
        n_flow_thads=sum(1 for q in spec.quarters if q <= thads_end_q),
        block=block,
        is_year=spec.is_year,
    )
    return _arrow_frame(
        cur,
        f"""
        WITH u AS (
            SELECT y.code AS unit_code, y.name, y.short_name, y.block, y.province, u.listing_order
            FROM unit_years y JOIN units u USING (code)
            WHERE y.year = $year AND ($block IS NULL OR y.block = $block)
        ),
        cat AS (
            SELECT code, label, unit, kind, basis, content, numerator, denominator, block AS scope,
                   higher_is_better, position
            FROM indicators WHERE year = $year AND (NOT coalesce(annual, false) OR $is_year)
        ),
        base AS (
            SELECT u.unit_code, c.code AS indicator, c.kind,
                   CASE WHEN c.basis = 'thads' THEN $thads_end_q ELSE $end_q END AS end_q,
                   CASE WHEN c.kind = 'flow' THEN (CASE WHEN c.basis = 'thads' THEN $n_flow_thads ELSE $n_flow END)
                        ELSE 1 END AS n_expected
            FROM u JOIN cat c ON c.kind <> 'ratio' AND c.scope IN ('ALL', u.block)
        ),
        f AS (
            SELECT * FROM ({facts_source(spec.at)}) WHERE list_contains($quarters, quarter)
        ),
        agg AS (
            SELECT b.unit_code, b.indicator, b.kind, b.end_q, b.n_expected,
                   CASE WHEN b.kind = 'flow' THEN sum(f.value) ELSE arg_max(f.value, f.quarter) END AS value,
                   max(f.quarter) AS source_quarter,
                   CASE WHEN b.kind = 'flow' THEN count(f.quarter) ELSE least(count(f.quarter), 1) END AS n_have,
                   coalesce(bool_or(f.is_demo), false) AS is_demo
            FROM base b LEFT JOIN f ON f.unit_code = b.unit_code AND f.indicator = b.indicator AND f.quarter <= b.end_q
            GROUP BY b.unit_code, b.indicator, b.kind, b.end_q, b.n_expected
        ),
        graded AS (
            SELECT *, CASE WHEN n_have = 0 THEN 2
                           WHEN n_have < n_expected OR source_quarter < end_q THEN 1
                           ELSE 0 END AS rank
            FROM agg
        ),
        ratios AS (
            SELECT u.unit_code, c.code AS indicator,
                   CASE WHEN d.value > 0 THEN 100.0 * n.value / d.value END AS value,
                   least(n.source_quarter, d.source_quarter) AS source_quarter,
                   least(n.n_have, d.n_have) AS n_have, greatest(n.n_expected, d.n_expected) AS n_expected,
                   CASE WHEN greatest(n.rank, d.rank) = 0 AND NOT d.value > 0 THEN 3
                        ELSE greatest(n.rank, d.rank) END AS rank,
                   n.is_demo OR d.is_demo AS is_demo
            FROM u JOIN cat c ON c.kind = 'ratio' AND c.scope IN ('ALL', u.block)
            LEFT JOIN graded n ON n.unit_code = u.unit_code AND n.indicator = c.numerator
            LEFT JOIN graded d ON d.unit_code = u.unit_code AND d.indicator = c.denominator
        ),
        allv AS (
            SELECT unit_code, indicator, value, source_quarter, n_have, n_expected, rank, is_demo FROM graded
            UNION ALL
            SELECT unit_code, indicator, value, source_quarter, n_have, n_expected, rank, is_demo FROM ratios
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
               CASE a.rank WHEN 0 THEN 'ok' WHEN 1 THEN 'late' WHEN 2 THEN 'missing' ELSE 'na' END AS status,
               a.source_quarter::INTEGER AS source_quarter, a.n_have, a.n_expected, a.is_demo,
               tg.min_value AS target_min, tg.max_value AS target_max,
               coalesce(tg.illustrative, false) AS target_illustrative,
               CASE WHEN a.value IS NULL OR (tg.min_value IS NULL AND tg.max_value IS NULL) THEN NULL
                    WHEN c.higher_is_better THEN a.value >= coalesce(tg.min_value, tg.max_value)
                    ELSE a.value <= coalesce(tg.max_value, tg.min_value) END AS meets_target
        FROM allv a
        JOIN u USING (unit_code)
        JOIN cat c ON c.code = a.indicator
        LEFT JOIN tg ON tg.unit_code = a.unit_code AND tg.indicator = a.indicator
        ORDER BY c.position, u.listing_order
        """,
        params,
    ).astype({"meets_target": "boolean", "source_quarter": "Int64"})


def status_text(status: str, source_quarter: object = None, lang: str = "vi", *, short: bool = False) -> str:
    """A value's status in words; a late value names the quarter its figure comes from."""
    if status == "late" and source_quarter is not None and not pd.isna(source_quarter):
        return t("status_late_short" if short else "status_late_from", lang, quarter=int(source_quarter))  # type: ignore[call-overload]
    vi, en = STATUS.get(status, STATUS["missing"])
    return en if lang == "en" else vi


def indicator_slice(frame: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """One indicator out of a period_values() frame, best first and missing last."""
    part = frame[frame["indicator"] == indicator]
    ascending = not bool(part["higher_is_better"].iloc[0]) if len(part) else False
    # Stable on the value alone: equal values keep the frame's unit order (units.listing_order).
    return part.sort_values("value", ascending=ascending, na_position="last", kind="stable").reset_index(drop=True)


def catalogue(cur: Cursor, year: int) -> pd.DataFrame:
    """The year's indicators in configuration order."""
    return cur.execute(
        "SELECT code, label, label_en, unit, block, kind, content, numerator, denominator, basis, higher_is_better,"
        " coalesce(annual, false) AS annual FROM indicators WHERE year = ? ORDER BY position",
        [year],
    ).df()


def active_units(cur: Cursor, year: int, block: str | None = None) -> pd.DataFrame:
    return cur.execute(
        "SELECT y.code, y.name, y.short_name, y.province, y.block FROM unit_years y JOIN units u USING (code)"
        " WHERE y.year = ? AND (? IS NULL OR y.block = ?) ORDER BY u.listing_order",
        [year, block, block],
    ).df()


def reporting(cur: Cursor, spec: PeriodSpec, block: str | None = None) -> pd.DataFrame:
    """Per active unit: whether it has reported the period's reference quarter (spec.as_of), and the
    latest quarter of the period it has reported (last_quarter), as the values stood at spec.at."""
    return _arrow_frame(
        cur,
        f"""
        SELECT u.code AS unit_code, u.short_name, u.name, u.block,
               coalesce(bool_or(f.quarter = $as_of), false) AS reported,
               max(f.quarter)::INTEGER AS last_quarter
        FROM unit_years u
        JOIN units r USING (code)
        LEFT JOIN ({facts_source(spec.at)}) f ON f.unit_code = u.code AND list_contains($quarters, f.quarter)
        WHERE u.year = $year AND ($block IS NULL OR u.block = $block)
        GROUP BY ALL ORDER BY min(r.listing_order)
        """,
        _params(spec.year, spec.at, as_of=spec.as_of, quarters=list(spec.quarters), block=block),
    ).astype({"last_quarter": "Int64"})


@dataclass(frozen=True)
class Freshness:
    year: int
    quarter: int | None
    updated_at: datetime | None
    has_demo: bool
    at: datetime | None = None  # the cut-off these facts are as of (None: current values)


def freshness(cur: Cursor, year: int, at: datetime | None = None) -> Freshness:
    """Latest quarter with data in `year`, when values last changed, and whether any are demo — as
    the values stood at the cut-off `at` when one is given."""
    row = _arrow_frame(
        cur,
        f"""
        SELECT max(f.quarter) AS quarter, max(u.created_at) AS updated_at, coalesce(bool_or(f.is_demo), false) AS has_demo
        FROM ({facts_source(at)}) f JOIN uploads u ON u.id = f.upload_id
        """,
        _params(year, at),
    ).iloc[0]
    updated = None if pd.isna(row["updated_at"]) else pd.Timestamp(row["updated_at"]).to_pydatetime()
    return Freshness(year, None if pd.isna(row["quarter"]) else int(row["quarter"]), updated, bool(row["has_demo"]), at)
