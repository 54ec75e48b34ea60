"""Year over year: each indicator for the cluster and each unit across the configured years, on a
comparable basis, with score, grade and rank per year and "better / worse than last year".

Comparable basis: a unit is followed under its latest code; for the years before a merger its
predecessors' values are added to its own (flows summed, stocks summed, rates recomputed from the
summed numerator and denominator, never an average of rates), and the row says which units it
includes. An indicator whose code changed between years is followed through the crosswalk of the
campaign files (`[[crosswalk]]`: this year's code, the previous code).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics import measures
from analytics.config import Campaign
from analytics.store import Cursor


def lineage(cur: Cursor) -> dict[str, list[str]]:
    """Predecessors of every unit (direct and earlier), read from the registry's successor column."""
    successors = dict(cur.execute("SELECT code, successor FROM units WHERE successor IS NOT NULL").fetchall())
    found: dict[str, list[str]] = {}
    for code in successors:
        target = successors[code]
        while target is not None:
            found.setdefault(target, []).append(code)
            target = successors.get(target)
    return {code: sorted(codes) for code, codes in found.items()}


def year_values(cur: Cursor, years: list[int], block: str | None = None) -> pd.DataFrame:
    """period_values() of the whole year for each of `years`, with a `year` column."""
    frames = [measures.period_values(cur, measures.period_spec(cur, y, "year"), block).assign(year=y) for y in sorted(years)]
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def crosswalk_codes(campaigns: dict[int, Campaign], year: int, to_year: int) -> dict[str, str]:
    """Old indicator code → code used in `to_year`, for values stored in `year` (crosswalks chained)."""
    mapping: dict[str, str] = {}
    for later in sorted((y for y in campaigns if year < y <= to_year), reverse=True):
        step = {c.previous: c.indicator for c in campaigns[later].crosswalk}
        mapping = {old: mapping.get(new, new) for old, new in step.items()} | {k: v for k, v in mapping.items() if k not in step}
    return mapping


def comparable(
    values: pd.DataFrame,
    indicator: str,
    reference_year: int,
    lineage_map: dict[str, list[str]],
    *,
    parts: tuple[str, str] | None = None,
    campaigns: dict[int, Campaign] | None = None,
) -> pd.DataFrame:
    """One row per (year, unit of `reference_year`): the unit's value for `indicator` on a comparable
    basis, the units whose values it includes (`includes`, predecessors that reported that year) and
    whether the value is demo. A rate needs its numerator and denominator codes (`parts`).
    Units that left the cluster without a successor in it are not followed."""
    columns = ["year", "unit_code", "short_name", "name", "block", "value", "includes", "is_demo", "higher_is_better", "unit"]
    if values.empty:
        return pd.DataFrame(columns=columns)
    current = values[(values["year"] == reference_year) & (values["indicator"] == indicator)]
    if current.empty:
        return pd.DataFrame(columns=columns)
    about = current.set_index("unit_code")[["short_name", "name", "block", "higher_is_better", "unit"]]
    group_of = {code: code for code in about.index}
    for code in about.index:
        group_of.update({p: code for p in lineage_map.get(code, [])})
    kind = str(current["kind"].iloc[0])
    wanted_codes = parts if kind == "ratio" and parts else (indicator,)
    part = values[values["unit_code"].isin(group_of.keys())]
    renamed = [
        rows.assign(indicator=rows["indicator"].replace(crosswalk_codes(campaigns or {}, int(year), reference_year)))
        for year, rows in part.groupby("year")
    ]
    part = pd.concat(renamed, ignore_index=True) if renamed else part
    part = part[part["indicator"].isin(wanted_codes)].assign(ref=part["unit_code"].map(group_of))
    sums = part.groupby(["year", "ref", "indicator"])["value"].sum(min_count=1).unstack("indicator")
    sums = sums.reindex(columns=list(wanted_codes))
    if kind == "ratio":
        num, den = sums[wanted_codes[0]], sums[wanted_codes[-1]]
        value = (100.0 * num / den.where(den > 0)).astype(float)
    else:
        value = sums[indicator].astype(float)
    first_part = part[part["indicator"] == wanted_codes[0]]
    merged_in = first_part[first_part["value"].notna() & (first_part["unit_code"] != first_part["ref"])].sort_values("unit_code")
    includes = merged_in.groupby(["year", "ref"])["short_name"].agg(", ".join)
    demo = part.groupby(["year", "ref"])["is_demo"].any()
    out = pd.DataFrame({"value": value, "includes": includes.reindex(value.index).fillna(""), "is_demo": demo.reindex(value.index)})
    out = out.reset_index().rename(columns={"ref": "unit_code"}).join(about, on="unit_code")
    out["year"] = out["year"].astype(int)
    out["is_demo"] = out["is_demo"].fillna(False).astype(bool)
    return out[columns].sort_values(["block", "unit_code", "year"]).reset_index(drop=True)


def cluster_series(
    frame: pd.DataFrame,
    values: pd.DataFrame,
    reference_year: int,
    lineage_map: dict[str, list[str]],
    *,
    parts: tuple[str, str] | None = None,
    campaigns: dict[int, Campaign] | None = None,
) -> pd.DataFrame:
    """The cluster per year and block on the same basis as `frame` (a comparable() result): counts
    summed over the followed units, a rate as Σ numerator ÷ Σ denominator of the units that have it."""
    if frame.empty:
        return pd.DataFrame(columns=["year", "block", "value"])
    if parts is None:
        return frame.groupby(["year", "block"])["value"].sum(min_count=1).reset_index()
    num = comparable(values, parts[0], reference_year, lineage_map, campaigns=campaigns)
    den = comparable(values, parts[1], reference_year, lineage_map, campaigns=campaigns)
    rated = frame.loc[frame["value"].notna(), ["year", "unit_code", "block"]]
    both = rated.merge(num[["year", "unit_code", "value"]], on=["year", "unit_code"]).merge(
        den[["year", "unit_code", "value"]], on=["year", "unit_code"], suffixes=("_num", "_den")
    )
    sums = both.groupby(["year", "block"])[["value_num", "value_den"]].sum().reset_index()
    sums["value"] = 100.0 * sums["value_num"] / sums["value_den"].where(sums["value_den"] > 0)
    return sums[["year", "block", "value"]]


def changes(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per unit: value last year and this year, the change and whether it is better (direction-aware)."""
    now = frame[frame["year"] == year].set_index("unit_code")
    before = frame[frame["year"] == year - 1].set_index("unit_code")
    out = now[["short_name", "block", "value", "includes", "higher_is_better"]].rename(columns={"value": "value_now"})
    out["value_before"] = before["value"].reindex(out.index)
    out["includes_before"] = before["includes"].reindex(out.index).fillna("")
    out["change"] = out["value_now"] - out["value_before"]
    out["change_pct"] = 100.0 * out["change"] / out["value_before"].where(out["value_before"] != 0)
    signed = out["change"].where(out["higher_is_better"].astype(bool), -out["change"])
    out["direction"] = signed.map(lambda d: None if pd.isna(d) else ("better" if d > 0 else "worse" if d < 0 else "same"))
    return out.reset_index().sort_values(["block", "change_pct"], ascending=[True, False], na_position="last").reset_index(drop=True)


def score_history(summaries: dict[int, pd.DataFrame], block: str | None = None) -> pd.DataFrame:
    """Score, grade and rank within the block per unit and year, from each year's scoring summary
    (the scoring page's own results, so a year already scored is not scored again); one block's
    units only when `block` is given."""
    columns = ["unit_code", "short_name", "block", "total", "grade", "rank"]
    frames = [summary[columns].assign(year=year) for year, summary in sorted(summaries.items()) if not summary.empty]
    if not frames:
        return pd.DataFrame(columns=[*columns, "year"])
    history = pd.concat(frames, ignore_index=True)
    return history if block is None else history[history["block"] == block].reset_index(drop=True)


@dataclass(frozen=True)
class YearView:
    """One indicator across years on a comparable basis: per unit, the cluster, and this year's changes."""

    years: tuple[int, ...]
    indicator: str
    label: str
    unit: str
    units: pd.DataFrame  # comparable(): year, unit_code, short_name, block, value, includes, is_demo
    cluster: pd.DataFrame  # year, block, value
    changes: pd.DataFrame  # changes(): per unit, this year against the year before

    @property
    def merged(self) -> list[str]:
        """'STP Ninh Bình: STP Hà Nam, STP Nam Định' for each unit shown with its predecessors added."""
        shown = self.units[self.units["includes"] != ""]
        return [f"{name}: {inc}" for name, inc in shown.groupby("short_name", sort=False)["includes"].first().items()]

    @property
    def direction_counts(self) -> dict[str, int]:
        """How many units did better or worse than last year, and how many had no value then (`none`)."""
        direction = self.changes["direction"]
        counts = direction.value_counts()
        return {key: int(counts.get(key, 0)) for key in ("better", "worse")} | {"none": int(direction.isna().sum())}


def indicator_years(
    cur: Cursor, years: list[int], indicator: str, block: str | None = None, campaigns: dict[int, Campaign] | None = None
) -> YearView | None:
    """`indicator` over `years`, followed under the units and the catalogue of the last of them."""
    reference = max(years)
    catalogue = measures.catalogue(cur, reference).set_index("code")
    if indicator not in catalogue.index:
        return None
    row = catalogue.loc[indicator]
    parts = (str(row["numerator"]), str(row["denominator"])) if row["kind"] == "ratio" else None
    values = year_values(cur, years, block)
    links = lineage(cur)
    frame = comparable(values, indicator, reference, links, parts=parts, campaigns=campaigns)
    cluster = cluster_series(frame, values, reference, links, parts=parts, campaigns=campaigns)
    return YearView(tuple(sorted(years)), indicator, str(row["label"]), str(row["unit"] or ""), frame, cluster, changes(frame, reference))


def has_illustrative_members(cur: Cursor, years: list[int]) -> bool:
    row = cur.execute("SELECT coalesce(bool_or(illustrative), false) FROM unit_years WHERE list_contains(?, year)", [years]).fetchone()
    return bool(row and row[0])
