"""Queries behind the leadership pages: quarter and phase series, attainment per covenant content,
a unit's data sources and registry status. Period figures always come from measures.period_values,
so the flow/stock/ratio and THADS statistical-year rules live in one place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from analytics import measures
from analytics.config import Milestone, Phase
from analytics.labels import t
from analytics.store import Cursor

_KEEP = ["unit_code", "short_name", "name", "block", "indicator", "label", "unit", "kind", "content", "basis",
         "higher_is_better", "value", "status", "source_quarter", "target_min", "target_max", "meets_target", "is_demo"]  # fmt: skip


def quarter_values(cur: Cursor, year: int, block: str | None = None, at: datetime | None = None) -> pd.DataFrame:
    """Every quarter's own figure per unit and indicator (flows: that quarter; stocks and THADS: the
    level at quarter end; ratios from that quarter's counts), for quarters anyone has reported by `at`."""
    frames = []
    for q in (1, 2, 3, 4):
        spec = measures.period_spec(cur, year, f"Q{q}", at)
        if spec.as_of is None:
            continue
        frames.append(measures.period_values(cur, spec, block)[_KEEP].assign(quarter=q))
    if not frames:
        return pd.DataFrame(columns=[*_KEEP, "quarter"])
    return pd.concat(frames, ignore_index=True)


def phase_values(cur: Cursor, year: int, block: str | None = None, at: datetime | None = None) -> pd.DataFrame:
    """Phase 1 and phase 2 figures side by side per unit and indicator, with the change between them.

    change_sign: +1 improved, -1 fell back, 0 unchanged (direction-aware: lower is better for some
    indicators), NaN when either phase is missing.
    """
    p1 = measures.period_values(cur, measures.period_spec(cur, year, "P1", at), block)
    p2 = measures.period_values(cur, measures.period_spec(cur, year, "P2", at), block)
    key = ["unit_code", "indicator"]
    left = p1[[*key, "short_name", "name", "block", "label", "unit", "higher_is_better", "value", "status", "source_quarter"]]
    right = p2[[*key, "value", "status", "source_quarter"]]
    # Both phases hold the same rows (the year's active units × its catalogue), so a left merge loses
    # nothing and keeps phase 1's unit order, where an outer merge would sort the rows by unit code.
    both = left.merge(right, on=key, how="left", suffixes=("_p1", "_p2"))
    both["change"] = both["value_p2"] - both["value_p1"]
    direction = both["higher_is_better"].map(lambda h: 1 if h else -1)
    sign = (both["change"] * direction).apply(lambda x: x if pd.isna(x) else (x > 0) - (x < 0))
    both["change_sign"] = sign
    return both


def content_attainment(values: pd.DataFrame, contents: pd.DataFrame) -> pd.DataFrame:
    """Units × covenant contents: how many of the content's targeted indicators the unit meets.

    status "ok" (share = met / total), "missing" (targets set but nothing reported: grey, never 0%)
    or "none" (no target in that content for this unit's block and period).
    """
    targeted = values[values["target_min"].notna() | values["target_max"].notna()]
    # Counted vectorised: a lambda per (unit, content) group took 1 s at 1,000 units.
    targeted = targeted.assign(met_one=targeted["meets_target"].eq(True).fillna(False).astype(int))
    grouped = targeted.groupby(["unit_code", "content"], as_index=False).agg(
        met=("met_one", "sum"), total=("indicator", "size"), have=("value", "count")
    )
    units = values.drop_duplicates("unit_code")[["unit_code", "short_name", "name", "block"]]
    grid = units.merge(contents[["code", "title"]].rename(columns={"code": "content"}), how="cross")
    out = grid.merge(grouped, on=["unit_code", "content"], how="left")
    out["total"] = out["total"].fillna(0).astype(int)
    out["met"] = out["met"].fillna(0).astype(int)
    have = out["have"].fillna(0)
    out["status"] = "ok"
    out.loc[out["total"] == 0, "status"] = "none"
    out.loc[(out["total"] > 0) & (have == 0), "status"] = "missing"
    out["share"] = (out["met"] / out["total"].where(out["total"] > 0)).where(out["status"] == "ok")
    out["text"] = [f"{m}/{n}" if s == "ok" else "" for m, n, s in zip(out["met"], out["total"], out["status"], strict=True)]
    return out.drop(columns="have")


def contents(cur: Cursor, year: int) -> pd.DataFrame:
    """The year's covenant contents: code, title, placeholder and `short` (the short title, else the title)."""
    return cur.execute(
        "SELECT code, title, placeholder, coalesce(short_title, title) AS short FROM contents WHERE year = ? ORDER BY code", [year]
    ).df()


def cluster_name(cur: Cursor, year: int | None = None) -> str | None:
    """The cluster's name as its campaign file gives it (`cluster = ...`), for `year` or the newest
    configured year; None without a campaign or a name."""
    row = cur.execute(
        "SELECT cluster FROM campaigns WHERE (? IS NULL OR year = ?) AND coalesce(cluster, '') <> '' ORDER BY year DESC LIMIT 1",
        [year, year],
    ).fetchone()
    return None if row is None else str(row[0])


def milestones(cur: Cursor, year: int) -> pd.DataFrame:
    return cur.execute("SELECT date, name, place, note FROM milestones WHERE year = ? ORDER BY date", [year]).df()


def phases(cur: Cursor, year: int) -> pd.DataFrame:
    return cur.execute("SELECT number, name, start_date, end_date, quarters FROM phases WHERE year = ? ORDER BY number", [year]).df()


def registry(cur: Cursor, block: str | None = None, active_in: int | None = None) -> pd.DataFrame:
    """All units ever registered (active or not), for the unit filter and merged-unit messages; with
    `active_in`, only the units active in that year (merged-away units dropped)."""
    return cur.execute(
        "SELECT code, short_name, name, block, valid_from, valid_to, successor FROM units"
        " WHERE ($block IS NULL OR block = $block)"
        " AND ($year IS NULL OR (valid_from <= $year AND coalesce(valid_to, 9999) >= $year)) ORDER BY listing_order",
        {"block": block, "year": active_in},
    ).df()


@dataclass(frozen=True)
class UnitStatus:
    code: str
    short_name: str
    name: str
    block: str
    active: bool
    successor: str | None  # short name of the successor unit, when the unit merged away


def unit_status(cur: Cursor, code: str, year: int) -> UnitStatus | None:
    """The unit under the name it had in `year` (its newest name when it no longer existed then)."""
    row = cur.execute(
        """
        SELECT u.code, coalesce(y.short_name, u.short_name), coalesce(y.name, u.name), u.block, y.code IS NOT NULL, s.short_name
        FROM units u
        LEFT JOIN unit_years y ON y.code = u.code AND y.year = ?
        LEFT JOIN units s ON s.code = u.successor
        WHERE u.code = ?
        """,
        [year, code],
    ).fetchone()
    if row is None:
        return None
    return UnitStatus(row[0], row[1], row[2], row[3], bool(row[4]), row[5])


def unit_sources(cur: Cursor, code: str, year: int) -> pd.DataFrame:
    """The uploads whose values (or commune lists) are in force for a unit and year."""
    return cur.execute(
        """
        WITH used AS (
            SELECT upload_id, count(*) AS n_values, list(DISTINCT quarter ORDER BY quarter) AS quarters, 0 AS n_communes
            FROM facts WHERE unit_code = ? AND year = ? GROUP BY upload_id
            UNION ALL
            SELECT upload_id, 0, [], count(*) FROM communes WHERE unit_code = ? AND year = ? GROUP BY upload_id
        )
        SELECT u.id, u.created_at, u.created_by, u.file_name, u.kind, u.is_demo,
               sum(used.n_values)::INTEGER AS n_values, sum(used.n_communes)::INTEGER AS n_communes,
               flatten(list(used.quarters)) AS quarters
        FROM used JOIN uploads u ON u.id = used.upload_id
        GROUP BY ALL ORDER BY u.created_at DESC, u.id DESC
        """,
        [code, year, code, year],
    ).df()


def unit_scorecard(quarters: pd.DataFrame, phases_frame: pd.DataFrame, year_values: pd.DataFrame, code: str) -> pd.DataFrame:
    """One unit: each indicator's value per quarter, per phase and for the year, with the year target."""
    q = quarters[quarters["unit_code"] == code].pivot_table(index="indicator", columns="quarter", values="value", aggfunc="first")
    q.columns = [f"Q{c}" for c in q.columns]
    p = phases_frame[phases_frame["unit_code"] == code].set_index("indicator")[["value_p1", "value_p2"]]
    y = year_values[year_values["unit_code"] == code].set_index("indicator")
    out = y[["label", "unit", "content"]].join(q).join(p)
    out["year"] = y["value"]
    out["status"] = y["status"]
    out["source_quarter"] = y["source_quarter"]
    out["target_min"] = y["target_min"]
    out["target_max"] = y["target_max"]
    out["meets_target"] = y["meets_target"]
    order = {code: i for i, code in enumerate(y.index)}
    return out.reset_index().sort_values("indicator", key=lambda s: s.map(order)).reset_index(drop=True)


def rank_phases(both: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """One indicator's phase comparison, best phase-2 value first and missing last."""
    part = both[both["indicator"] == indicator]
    ascending = not bool(part["higher_is_better"].iloc[0]) if len(part) else False
    # Equal values keep the frame's unit order (units.listing_order): a multi-column sort is stable.
    return part.sort_values(["value_p2", "value_p1"], ascending=[ascending, ascending], na_position="last").reset_index(drop=True)


@dataclass(frozen=True)
class PhaseMoves:
    improved: int
    fell_back: int
    unchanged: int


def phase_moves(both: pd.DataFrame) -> PhaseMoves:
    """How many units improved, fell back or held from phase 1 to phase 2 (units missing a phase are not counted)."""
    signs = both["change_sign"].dropna()
    return PhaseMoves(int((signs > 0).sum()), int((signs < 0).sum()), int((signs == 0).sum()))


def common_target(series: pd.DataFrame) -> float | None:
    """The one target every unit shares for these rows (e.g. ≥ 2 communes), else None."""
    found = series["target_min"].dropna().unique()
    return float(found[0]) if len(found) == 1 else None


def side_by_side(values: pd.DataFrame, columns: dict[str, str], sort_by: str) -> pd.DataFrame:
    """Some indicators of a period_values() frame as columns per unit (renamed), best `sort_by` first."""
    part = values[values["indicator"].isin(list(columns))]
    units = values.drop_duplicates("unit_code")[["unit_code", "short_name", "name", "block"]]
    by_unit = part.pivot_table(index="unit_code", columns="indicator", values="value", aggfunc="first").reindex(columns=list(columns))
    wide = units.merge(by_unit.rename(columns=columns).reset_index(), on="unit_code", how="left")
    wide.columns.name = None
    return wide.sort_values(sort_by, ascending=False, na_position="last", kind="stable").reset_index(drop=True)


def block_medians(series: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Per block and quarter, the median of the units' values (missing units left out)."""
    med = series.dropna(subset=["value"]).groupby(["block", "quarter"], as_index=False)["value"].median()
    med["label"] = med["block"].map(lambda block: t(f"chart_median_{block}", lang))
    return med


def campaign_dates(cur: Cursor, year: int) -> tuple[list[Phase], list[Milestone]]:
    """The year's phases and milestones as stored from its campaign file."""
    phases = [
        Phase(int(n), str(name), start, end, tuple(int(q) for q in quarters))
        for n, name, start, end, quarters in cur.execute(
            "SELECT number, name, start_date, end_date, quarters FROM phases WHERE year = ? ORDER BY number", [year]
        ).fetchall()
    ]
    milestones = [
        Milestone(day, str(name), str(place or ""), str(note or ""))
        for day, name, place, note in cur.execute(
            "SELECT date, name, place, note FROM milestones WHERE year = ? ORDER BY date", [year]
        ).fetchall()
    ]
    return phases, milestones
