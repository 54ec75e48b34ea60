"""Tables the pages show and offer for download: Vietnamese headers, numbers kept as numbers.

`display` turns such a table into text the way a Vietnamese reader expects (1.234,5; 30/06/2016;
"chưa báo cáo" for a missing value) for the screen; downloads keep the numeric table.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd

from analytics.config import Rubric
from analytics.labels import STATUS, block_name, fmt_date, fmt_number, period_short_name, t
from analytics.scoring import adjustment_text, rule_text

MISSING_TEXT = STATUS["missing"][0]


def display(frame: pd.DataFrame) -> pd.DataFrame:
    """Text for the screen: Vietnamese numbers and dates, Có/Không, missing as 'chưa báo cáo'."""
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_bool_dtype(values):
            out[column] = values.map(lambda v: t("yes") if v else t("no"))
        elif pd.api.types.is_numeric_dtype(values):
            out[column] = values.map(_number)
        else:
            out[column] = values.map(_cell)
    return out


def _number(value: object) -> str:
    if pd.isna(value):  # type: ignore[call-overload]
        return MISSING_TEXT
    number = float(value)  # type: ignore[arg-type]
    return fmt_number(number, 0 if number.is_integer() else 2)


def _cell(value: object) -> str:
    if isinstance(value, list | tuple | np.ndarray):
        return ", ".join(str(v) for v in value)
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA or value is pd.NaT:
        return "—"
    if isinstance(value, bool):
        return t("yes") if value else t("no")
    if isinstance(value, datetime | pd.Timestamp):
        return value.strftime("%d/%m/%Y %H:%M") if (value.hour or value.minute) else fmt_date(value)
    if isinstance(value, date):
        return fmt_date(value)
    return str(value)


def _status(status: pd.Series) -> pd.Series:
    return status.map(lambda s: STATUS.get(s, STATUS["missing"])[0])


def _target(frame: pd.DataFrame) -> pd.Series:
    def one(lo: float, hi: float) -> str:
        if pd.isna(lo) and pd.isna(hi):
            return "—"
        if pd.notna(lo) and pd.notna(hi) and lo != hi:
            return f"{fmt_number(lo, 0 if float(lo).is_integer() else 1)}–{fmt_number(hi, 0 if float(hi).is_integer() else 1)}"
        v = lo if pd.notna(lo) else hi
        return ("≥ " if pd.notna(lo) else "≤ ") + fmt_number(v, 0 if float(v).is_integer() else 1)

    return pd.Series([one(a, b) for a, b in zip(frame["target_min"], frame["target_max"], strict=True)], index=frame.index, dtype=object)


def _met(series: pd.Series) -> pd.Series:
    return series.map(lambda m: "—" if pd.isna(m) else ("✓" if bool(m) else "✗"))


def indicator_table(ranked: pd.DataFrame) -> pd.DataFrame:
    """One indicator for every unit (indicator_slice order)."""
    return pd.DataFrame({
        t("col_unit"): ranked["name"], t("col_block"): ranked["block"].map(block_name),
        t("col_figure"): ranked["value"], t("col_target"): _target(ranked), t("col_meets"): _met(ranked["meets_target"]),
        t("col_status"): _status(ranked["status"]),
    })  # fmt: skip


def phase_table(both: pd.DataFrame) -> pd.DataFrame:
    verdict = both["change_sign"].map(
        lambda s: MISSING_TEXT if pd.isna(s) else t("improved") if s > 0 else t("fell_back") if s < 0 else t("unchanged")
    )
    return pd.DataFrame({
        t("col_unit"): both["name"], t("col_block"): both["block"].map(block_name), period_short_name("P1"): both["value_p1"],
        period_short_name("P2"): both["value_p2"], t("change"): both["change"], t("col_status"): verdict,
    })  # fmt: skip


COMMUNE_STATUS = {
    "registered": "commune_status_registered",
    "in_progress": "commune_status_in_progress",
    "achieved": "commune_status_achieved",
}


def commune_table(communes: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        t("col_unit"): communes["short_name"], t("col_commune"): communes["commune"], t("col_district"): communes["district"],
        t("col_status"): communes["status"].map(lambda s: t(COMMUNE_STATUS[s]) if s in COMMUNE_STATUS else s),
        t("col_achieved_on"): communes["achieved_on"], t("col_note"): communes["note"], t("demo_badge"): communes["is_demo"],
    })  # fmt: skip


def wide_table(values: pd.DataFrame, indicators: list[str]) -> pd.DataFrame:
    """Units as rows, the given indicators as columns (their labels), in the frame's unit order."""
    part = values[values["indicator"].isin(indicators)]
    units = values.drop_duplicates("unit_code")[["unit_code", "name", "block"]]
    by_unit = part.pivot_table(index="unit_code", columns="indicator", values="value", aggfunc="first").reindex(columns=indicators)
    wide = units.merge(by_unit.reset_index(), on="unit_code", how="left")
    labels = dict(zip(part["indicator"], part["label"], strict=False))
    out = pd.DataFrame({t("col_unit"): wide["name"], t("col_block"): wide["block"].map(block_name)})
    for code in indicators:
        out[labels.get(code, code)] = wide[code]
    return out


def scorecard_table(card: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({t("indicator"): card["label"], t("col_measure"): card["unit"]})
    for q in ("Q1", "Q2", "Q3", "Q4"):
        out[period_short_name(q)] = card[q] if q in card else float("nan")
    for period, column in (("P1", "value_p1"), ("P2", "value_p2"), ("year", "year")):
        out[period_short_name(period)] = card[column]
    out[t("col_target")] = _target(card)
    out[t("col_meets")] = _met(card["meets_target"])
    out[t("col_status")] = _status(card["status"])
    return out


def sources_table(sources: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        t("col_upload"): sources["id"], t("col_time"): sources["created_at"], t("col_who"): sources["created_by"],
        t("col_file"): sources["file_name"].fillna("—"), t("col_kind"): sources["kind"], t("col_values_in_use"): sources["n_values"],
        t("col_communes_listed"): sources["n_communes"], t("col_quarters"): sources["quarters"], t("demo_badge"): sources["is_demo"],
    })  # fmt: skip


def score_table(summary: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        t("col_block"): summary["block"].map(block_name), t("col_rank"): summary["rank"], t("col_unit"): summary["short_name"],
        t("col_points"): summary["criteria_points"], t("col_bonus"): summary["bonus"], t("col_penalty"): summary["penalty"],
        t("col_total"): summary["total"], t("col_grade"): summary["grade"] + " — " + summary["grade_label"],
        t("col_grade_note"): summary["grade_note"], t("col_rank_note"): summary["rank_note"], t("col_flag"): summary["flag_note"],
    })  # fmt: skip


def drill_table(detail: pd.DataFrame) -> pd.DataFrame:
    kinds = {"criterion": t("col_criterion"), "bonus": t("col_bonus"), "penalty": t("col_penalty")}
    return pd.DataFrame({
        t("col_unit"): detail["short_name"], t("col_kind"): detail["kind"].map(kinds), t("col_code"): detail["code"],
        t("col_content"): detail["content"], t("col_criterion"): detail["label"], t("col_figure"): detail["value"],
        t("col_rule"): detail["rule"], t("col_how"): detail["how"], t("col_points"): detail["points"], t("col_max"): detail["max_points"],
    })  # fmt: skip


def rubric_table(rubric: Rubric, units_of: dict[str, str]) -> pd.DataFrame:
    rows = [
        {t("col_code"): c.code, t("col_content"): c.content, t("col_criterion"): c.label, t("col_block"): _scope(c.block),
         t("indicator"): c.indicator, t("col_rule"): rule_text(c, unit=units_of.get(c.indicator, "")), t("col_max"): c.max_points}
        for c in rubric.criteria
    ] + [
        {t("col_code"): a.code, t("col_content"): "", t("col_criterion"): a.label, t("col_block"): _scope(a.block),
         t("indicator"): a.indicator, t("col_rule"): f"{adjustment_text(a)} → {'+' if a.kind == 'bonus' else '−'}{fmt_number(a.points, 0)}",
         t("col_max"): float("nan")}
        for a in rubric.adjustments
    ]  # fmt: skip
    return pd.DataFrame(rows)


def grades_table(rubric: Rubric, labels: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({
        t("col_grade"): [f"{g.code} — {g.label}" for g in rubric.grades],
        t("col_from_points"): [g.min_points for g in rubric.grades],
        t("col_required_targets"): [", ".join(labels.get(c, c) for c in g.require_targets) or "—" for g in rubric.grades],
    })  # fmt: skip


def enforcement_table(values: pd.DataFrame) -> pd.DataFrame:
    """Per Cục: the counts each rate comes from, the rates, and the Cục's own targets."""
    codes = ["viec_co_dk", "viec_xong", "ty_le_viec", "tien_co_dk", "tien_xong", "ty_le_tien", "ty_le_qd_dung_han"]
    out = wide_table(values, codes)
    for code, header, position in (("ty_le_viec", t("col_target_cases"), 5), ("ty_le_tien", t("col_target_money"), 9)):
        target = values[values["indicator"] == code].set_index("name")["target_min"]
        out.insert(position, header, out[t("col_unit")].map(target))
    return out


def _scope(block: str) -> str:
    return t("all_blocks") if block == "ALL" else block_name(block)


YEAR_DIRECTION = {"better": "years_better", "worse": "years_worse", "same": "unchanged"}


def year_changes(changes: pd.DataFrame, year: int) -> pd.DataFrame:
    """This year against the last, per unit: both values, the change, its share and its direction."""
    return pd.DataFrame({
        t("col_unit"): changes["short_name"], t("col_block"): changes["block"].map(block_name),
        str(year - 1): changes["value_before"], str(year): changes["value_now"], t("change"): changes["change"],
        t("years_change_pct"): changes["change_pct"],
        t("years_vs_last"): changes["direction"].map(lambda d: t(YEAR_DIRECTION[d]) if d in YEAR_DIRECTION else MISSING_TEXT),
        t("years_col_includes", year=year - 1): changes["includes_before"],
    })  # fmt: skip


def score_years(history: pd.DataFrame) -> pd.DataFrame:
    """Score, grade and rank within the block per unit (rows) and year (columns)."""
    if history.empty:
        return pd.DataFrame()
    wide = history.pivot_table(index=["short_name", "block"], columns="year", values=["total", "grade", "rank"], aggfunc="first")
    out = pd.DataFrame(
        {t("col_unit"): wide.index.get_level_values(0), t("col_block"): [block_name(b) for b in wide.index.get_level_values(1)]}
    )
    for year in sorted(history["year"].unique()):
        out[t("years_col_score", year=year)] = wide[("total", year)].to_numpy()
        out[t("years_col_grade", year=year)] = wide[("grade", year)].to_numpy()
        out[t("years_col_rank", year=year)] = wide[("rank", year)].astype("Int64").to_numpy()
    return out.sort_values([t("col_block"), t("col_unit")]).reset_index(drop=True)
