"""One-line talking points (Vietnamese or English) generated from the data: who leads, who lags, who has not
reported, and how the cluster moved since phase 1. Built from period_values() frames only."""

from __future__ import annotations

import pandas as pd

from analytics.labels import block_name, fmt_number, names_list, t
from analytics.queries import phase_moves
from analytics.years.compare import YearView

# A caption is read from the back of a meeting room in one or two lines under the chart: it names
# at most three units and counts the rest.
MAX_NAMES = 3
SEPARATOR = " · "


def _decimals(unit: str, values: pd.Series) -> int:
    return 1 if unit == "%" or any(not float(v).is_integer() for v in values.dropna()) else 0


def _with_unit(value: float, unit: str, decimals: int) -> str:
    text = fmt_number(value, decimals)
    return f"{text}%" if unit == "%" else f"{text} {unit}".rstrip()


def cluster_value(frame: pd.DataFrame, indicator: str, parts: tuple[str, str] | None = None, units: set[str] | None = None) -> float | None:
    """The cluster's figure for one indicator: the sum over reporting units (only `units` when given,
    so two periods are compared over the same units), or for a rate (whose numerator and denominator
    codes are `parts`) the summed numerator over the summed denominator of the units that have the
    rate — never an average of percentages."""
    if units is not None:
        frame = frame[frame["unit_code"].isin(units)]
    part = frame[frame["indicator"] == indicator]
    if part.empty:
        return None
    if part["kind"].iloc[0] != "ratio":
        values = part["value"].dropna()
        return None if values.empty else float(values.sum())
    units = set(part.loc[part["value"].notna(), "unit_code"])
    if not units or parts is None:
        return None
    num = frame[(frame["indicator"] == parts[0]) & frame["unit_code"].isin(units)]["value"].sum()
    den = frame[(frame["indicator"] == parts[1]) & frame["unit_code"].isin(units)]["value"].sum()
    return None if not den else 100.0 * float(num) / float(den)


def indicator_caption(ranked: pd.DataFrame, unit: str, lang: str = "vi", *, change: tuple[float, float] | None = None) -> str:
    """Leader(s), units below target (or the lowest when there is no target), units that have not
    reported, and the cluster change since phase 1 when `change` = (phase-1 value, current value)."""
    parts: list[str] = []
    have = ranked[ranked["value"].notna()]
    decimals = _decimals(unit, ranked["value"])
    if not have.empty:
        higher = bool(have["higher_is_better"].iloc[0])
        best = have["value"].max() if higher else have["value"].min()
        leaders = have.loc[have["value"] == best, "short_name"].tolist()
        shown = _with_unit(best, unit, decimals)
        # The best value is named for what it is (highest or lowest), never "dẫn đầu": that is a
        # title the cluster votes, not something a figure confers.
        extreme = "highest" if higher else "lowest"
        if len(leaders) == len(have) and len(have) > 1:
            parts.append(t("caption_all_same", lang, count=len(have), value=shown))
        elif len(leaders) > MAX_NAMES:
            parts.append(t(f"caption_{extreme}_many", lang, count=len(leaders), value=shown))
        else:
            parts.append(t(f"caption_{extreme}", lang, units=names_list(leaders, lang, MAX_NAMES), value=shown))
        # Worst first; equal values keep the frame's unit order (units.listing_order), not its reverse.
        worst_first = have.sort_values("value", ascending=higher, kind="stable")
        if "meets_target" in have and have["meets_target"].notna().any():
            below = worst_first.loc[worst_first["meets_target"].eq(False), "short_name"].tolist()
            if below and len(below) == int(have["meets_target"].notna().sum()):
                parts.append(t("caption_none_meet", lang))
            elif below:
                parts.append(t("caption_below", lang, count=len(below), units=names_list(below, lang, MAX_NAMES)))
            else:
                parts.append(t("caption_all_meet", lang))
        elif 0 < len(leaders) < len(have):
            worst = have["value"].min() if higher else have["value"].max()
            last = worst_first.loc[worst_first["value"] == worst, "short_name"].tolist()
            key = "caption_lowest" if higher else "caption_highest"
            parts.append(t(key, lang, units=names_list(last, lang, MAX_NAMES), value=_with_unit(worst, unit, decimals)))
    missing = ranked.loc[ranked["value"].isna() & ranked["status"].eq("missing"), "short_name"].tolist()
    if missing:
        parts.append(t("caption_missing", lang, units=names_list(missing, lang, MAX_NAMES)))
    late = late_units(ranked, lang)
    if late:
        parts.append(t("caption_late", lang, units=names_list(late, lang, MAX_NAMES)))
    if change is not None:
        parts.append(change_text(change[0], change[1], unit, lang))
    return SEPARATOR.join(parts) if parts else t("no_data", lang)


def change_text(before: float, now: float, unit: str, lang: str = "vi") -> str:
    """'Toàn cụm: 48 xã (đợt 1: 42 xã, tăng 6)' — a rate's change in percentage points ('điểm
    phần trăm'); a change that shows as 0 at the printed precision is 'không đổi', never 'giảm 0,0'."""
    decimals = 1 if unit == "%" or not (float(before).is_integer() and float(now).is_integer()) else 0
    # The change between the figures as printed, so the sentence agrees with the numbers beside it.
    delta = round(now, decimals) - round(before, decimals)
    if fmt_number(abs(delta), decimals) == fmt_number(0, decimals):
        move = t("caption_same", lang)
    else:
        size = fmt_number(abs(delta), decimals) + (t("caption_points", lang) if unit == "%" else "")
        move = t("caption_up" if delta > 0 else "caption_down", lang, delta=size)
    return t("caption_change", lang, now=_with_unit(now, unit, decimals), before=_with_unit(before, unit, decimals), move=move)


def kpi_caption(reporting: pd.DataFrame, values: pd.DataFrame, lang: str = "vi") -> str:
    """How many units reported, who has not, and who is below the new-rural commune target."""
    done = int(reporting["reported"].sum())
    parts = [t("caption_reported", lang, done=done, total=len(reporting))]
    missing = reporting.loc[~reporting["reported"], "short_name"].tolist()
    if missing:
        parts.append(t("caption_missing", lang, units=names_list(missing, lang, MAX_NAMES)))
    ntm = values[values["indicator"] == "xa_ntm"]
    below = ntm.loc[ntm["meets_target"].eq(False), "short_name"].tolist()
    if below and len(below) == int(ntm["meets_target"].notna().sum()):
        parts.append(t("caption_ntm_none", lang))
    elif below:
        parts.append(t("caption_ntm_below", lang, units=names_list(below, lang, MAX_NAMES)))
    return SEPARATOR.join(parts)


def attainment_caption(grid: pd.DataFrame, lang: str = "vi") -> str:
    """How many units meet every targeted content, and the units meeting the smallest share."""
    rated = grid[grid["status"] == "ok"]
    if rated.empty:
        return t("no_data", lang)
    per_unit = rated.groupby("short_name", sort=False).agg(met=("met", "sum"), total=("total", "sum"))  # in the grid's unit order
    share = per_unit["met"] / per_unit["total"]
    parts = [t("caption_all_contents", lang, count=int((share == 1).sum()), total=len(share))]
    lowest = share[share == share.min()].index.tolist()
    if share.min() < 1:
        worst = per_unit.loc[lowest[0]]
        parts.append(t("caption_fewest", lang, units=names_list(lowest, lang, MAX_NAMES), met=int(worst["met"]), total=int(worst["total"])))
    return SEPARATOR.join(parts)


def phase_caption(both: pd.DataFrame, unit: str, lang: str = "vi") -> str:
    """Units that improved, fell back or held from phase 1 to phase 2, and the biggest improvement."""
    moves = phase_moves(both)
    parts = [t("caption_phase_moves", lang, up=moves.improved, down=moves.fell_back, same=moves.unchanged)]
    improved = both[both["change_sign"] > 0]
    if not improved.empty:
        higher = bool(both["higher_is_better"].iloc[0])
        best = improved.loc[(improved["change"] if higher else -improved["change"]).idxmax()]
        decimals = _decimals(unit, both["change"])
        size = fmt_number(abs(float(best["change"])), decimals) + (t("caption_points", lang) if unit == "%" else f" {unit}".rstrip())
        parts.append(t("caption_phase_best", lang, unit=best["short_name"], delta=size))
    missing = both.loc[both["value_p1"].isna() | both["value_p2"].isna(), "short_name"].tolist()
    if missing:
        parts.append(t("caption_missing", lang, units=names_list(missing, lang, MAX_NAMES)))
    return SEPARATOR.join(parts)


def score_caption(summary: pd.DataFrame, lang: str = "vi") -> str:
    """The first of each block with points and grade, and the units eligible for the sector flag."""
    parts = []
    for block, part in summary.groupby("block", sort=True):
        top = part.sort_values("rank").iloc[0]
        parts.append(
            t(
                "caption_score_top",
                lang,
                block=block_name(str(block), lang),
                unit=top["short_name"],
                points=fmt_number(top["total"], 2),
                grade=top["grade"],
            )
        )
    flagged = summary.loc[summary["flag_eligible"].astype(bool), "short_name"].tolist()
    parts.append(t("caption_flag", lang, units=names_list(flagged, lang, MAX_NAMES)) if flagged else t("caption_flag_none", lang))
    return SEPARATOR.join(parts)


def years_caption(view: YearView, lang: str = "vi") -> str:
    """Per block: the cluster last year → this year; how many units did better or worse; who is shown
    with predecessors' figures added."""
    year, previous = view.years[-1], view.years[-2]
    decimals = 1 if view.unit == "%" else 0
    parts = []
    for block, rows in view.cluster.groupby("block", sort=True):
        by_year = rows.set_index("year")["value"]
        before, now = by_year.get(previous), by_year.get(year)
        if before is None or now is None or pd.isna(before) or pd.isna(now):
            continue
        moves = view.changes[view.changes["block"] == block]["direction"].value_counts()
        parts.append(
            f"{block_name(str(block), lang)}: "
            + t(
                "years_caption", lang, before=fmt_number(float(before), decimals), now=fmt_number(float(now), decimals),
                previous=previous, year=year, better=int(moves.get("better", 0)), worse=int(moves.get("worse", 0)),
            )
        )  # fmt: skip
    if view.merged:
        parts.append(t("years_caption_merged", lang, units="; ".join(view.merged)))
    return " ".join(parts)


def late_units(values: pd.DataFrame, lang: str = "vi") -> list[str]:
    """Each unit whose figure comes from a late report, with the quarter it comes from."""
    late = values[values["value"].notna() & values["status"].eq("late")]
    return [t("caption_late_unit", lang, unit=r.short_name, quarter=int(r.source_quarter)) for r in late.itertuples(index=False)]
