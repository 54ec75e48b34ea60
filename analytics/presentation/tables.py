"""Tables the pages show and offer for download: Vietnamese headers, numbers kept as numbers.

`display` turns such a table into text the way a Vietnamese reader expects (1.234,5; 30/06/2016;
"chưa báo cáo" for a missing value) for the screen; downloads keep the numeric table.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd

from analytics.config import ACHIEVED_BY, Rubric
from analytics.ingest.review import upload_kind, uploader
from analytics.labels import STATUS, block_name, fmt_date, fmt_number, fmt_percent, period_short_name, t
from analytics.measures import status_text
from analytics.scoring import adjustment_text, rule_text

MISSING_TEXT = STATUS["missing"][0]


# frame.attrs key: columns where an empty number means "does not apply" (a bonus has no maximum), shown
# as "—" rather than "chưa báo cáo", which is said only of a figure a unit has not reported.
NOT_APPLICABLE = "not_applicable"


def display(frame: pd.DataFrame) -> pd.DataFrame:
    """Text for the screen: Vietnamese numbers and dates, Có/Không, missing as 'chưa báo cáo'
    (as '—' in the columns frame.attrs[NOT_APPLICABLE] names)."""
    out = pd.DataFrame(index=frame.index)
    blank = set(frame.attrs.get(NOT_APPLICABLE, ()))
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_bool_dtype(values):
            out[column] = values.map(lambda v: t("yes") if v else t("no"))
        elif column in blank:
            out[column] = values.map(lambda v: "—" if pd.isna(v) else _number(v))
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


def _status(frame: pd.DataFrame) -> pd.Series:
    """Each value's status in words; a late one names the quarter its figure comes from."""
    quarters = frame.get("source_quarter", [None] * len(frame))
    return pd.Series([status_text(s, q) for s, q in zip(frame["status"], quarters, strict=True)], index=frame.index, dtype=object)


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
        t("col_status"): _status(ranked),
    })  # fmt: skip


def phase_table(both: pd.DataFrame) -> pd.DataFrame:
    verdict = both["change_sign"].map(
        lambda s: MISSING_TEXT if pd.isna(s) else t("improved") if s > 0 else t("fell_back") if s < 0 else t("unchanged")
    )
    # A phase figure from a late report says so, like every other table.
    data = [
        "; ".join(f"{period_short_name(p)}: {status_text(st, q)}" for p, st, q in (("P1", s1, q1), ("P2", s2, q2)) if st == "late")
        for s1, q1, s2, q2 in zip(both["status_p1"], both["source_quarter_p1"], both["status_p2"], both["source_quarter_p2"], strict=True)
    ]
    return pd.DataFrame({
        t("col_unit"): both["name"], t("col_block"): both["block"].map(block_name), period_short_name("P1"): both["value_p1"],
        period_short_name("P2"): both["value_p2"], t("change"): both["change"], t("col_status"): verdict, t("col_data"): data,
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


def wide_table(values: pd.DataFrame, indicators: list[str], order: pd.Series | None = None) -> pd.DataFrame:
    """Units as rows, the given indicators as columns (their labels), in the frame's unit order or,
    given `order` (unit codes, e.g. a ranked indicator_slice's), in that order.

    `values` must hold every listed indicator: a table built from one indicator's slice would show
    "chưa báo cáo" for the others' figures that do exist."""
    part = values[values["indicator"].isin(indicators)]
    units = values.drop_duplicates("unit_code")[["unit_code", "name", "block"]]
    if order is not None:
        units = units.set_index("unit_code").reindex(pd.Index(order).unique()).dropna(how="all").reset_index()
    by_unit = part.pivot_table(index="unit_code", columns="indicator", values="value", aggfunc="first").reindex(columns=indicators)
    wide = units.merge(by_unit.reset_index(), on="unit_code", how="left")
    labels = dict(zip(part["indicator"], part["label"], strict=False))
    out = pd.DataFrame({t("col_unit"): wide["name"], t("col_block"): wide["block"].map(block_name)})
    for code in indicators:
        out[labels.get(code, code)] = wide[code]
    return out


LEGAL_ACCESS = ["xa_tcpl_dat", "tong_so_xa", "ty_le_xa_tcpl"]


def legal_access_table(values: pd.DataFrame, ranked: pd.DataFrame) -> pd.DataFrame:
    """Communes meeting the legal-access standard, all communes and the rate, per Sở Tư pháp, in the
    order of the rate's chart (`ranked`, its indicator_slice); the counts come from the whole period
    frame, since the rate's slice holds only the rate."""
    return wide_table(values, LEGAL_ACCESS, order=ranked["unit_code"])


def scorecard_table(card: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({t("indicator"): card["label"], t("col_measure"): card["unit"]})
    for q in ("Q1", "Q2", "Q3", "Q4"):
        out[period_short_name(q)] = card[q] if q in card else float("nan")
    for period, column in (("P1", "value_p1"), ("P2", "value_p2"), ("year", "year")):
        out[period_short_name(period)] = card[column]
    out[t("col_target")] = _target(card)
    out[t("col_meets")] = _met(card["meets_target"])
    out[t("col_status")] = _status(card)
    return out


def sources_table(sources: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        t("col_upload"): sources["id"], t("col_time"): sources["created_at"], t("col_who"): uploader(sources),
        t("col_file"): sources["file_name"].fillna("—"), t("col_kind"): sources["kind"].map(upload_kind),
        t("col_values_in_use"): sources["n_values"],
        t("col_communes_listed"): sources["n_communes"], t("col_quarters"): sources["quarters"], t("demo_badge"): sources["is_demo"],
    })  # fmt: skip


def score_table(summary: pd.DataFrame) -> pd.DataFrame:
    """One row per unit; the registration element's outcome (or its flag) when the rubric has one."""
    frame = pd.DataFrame({
        t("col_block"): summary["block"].map(block_name), t("col_rank"): summary["rank"], t("col_unit"): summary["short_name"],
        t("col_points"): summary["criteria_points"], t("col_bonus"): summary["bonus"], t("col_penalty"): summary["penalty"],
        t("col_total"): summary["total"], t("col_grade"): summary["grade"] + " — " + summary["grade_label"],
        t("col_data"): summary["data_note"], t("col_grade_note"): summary["grade_note"], t("col_rank_note"): summary["rank_note"],
        t("col_flag"): summary["flag_note"],
    })  # fmt: skip
    if summary["registration"].ne("").any():
        frame.insert(frame.columns.get_loc(t("col_data")), t("col_registration_targets"), summary["registration_note"])
    return frame


def drill_table(detail: pd.DataFrame) -> pd.DataFrame:
    kinds = {"criterion": t("col_criterion"), "bonus": t("col_bonus"), "penalty": t("col_penalty")}
    return pd.DataFrame({
        t("col_unit"): detail["short_name"], t("col_kind"): detail["kind"].map(kinds), t("col_code"): detail["code"],
        t("col_content"): detail["content"], t("col_criterion"): detail["label"], t("col_figure"): detail["value"],
        t("col_rule"): detail["rule"], t("col_how"): detail["how"], t("col_points"): detail["points"], t("col_max"): detail["max_points"],
    }).pipe(not_applicable, t("col_max"))  # fmt: skip


def rubric_table(rubric: Rubric, units_of: dict[str, str], labels_of: dict[str, str]) -> pd.DataFrame:
    """The rubric as rules a unit can check; indicators by their names (`labels_of`), not their codes."""
    rows = [
        {t("col_code"): c.code, t("col_content"): c.content, t("col_criterion"): c.label, t("col_block"): _scope(c.block),
         t("indicator"): labels_of.get(c.indicator, c.indicator), t("col_rule"): rule_text(c, unit=units_of.get(c.indicator, "")),
         t("col_max"): c.max_points}
        for c in rubric.criteria
    ] + [
        {t("col_code"): a.code, t("col_content"): "", t("col_criterion"): a.label, t("col_block"): _scope(a.block),
         t("indicator"): labels_of.get(a.indicator, a.indicator),
         t("col_rule"): f"{adjustment_text(a)} → {'+' if a.kind == 'bonus' else '−'}{fmt_number(a.points, 0)}",
         t("col_max"): float("nan")}
        for a in rubric.adjustments
    ]  # fmt: skip
    element = rubric.registration
    if element is not None:
        indicators = ", ".join(labels_of.get(code, code) for code in ACHIEVED_BY.values())
        rows.append({
            t("col_code"): element.code, t("col_content"): "", t("col_criterion"): element.label, t("col_block"): t("all_blocks"),
            t("indicator"): indicators, t("col_rule"): t("rule_registration", points=fmt_number(element.points, 0)),
            t("col_max"): float("nan"),
        })  # fmt: skip
    return pd.DataFrame(rows).pipe(not_applicable, t("col_max"))


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


def not_applicable(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """`frame`, its `columns` marked for display() to show an empty number as "—"."""
    frame.attrs[NOT_APPLICABLE] = columns
    return frame


def _scope(block: str) -> str:
    return t("all_blocks") if block == "ALL" else block_name(block)


def vote_table(rows: pd.DataFrame) -> pd.DataFrame:
    """One title's recorded count: STT, đơn vị, số phiếu, tỷ lệ, kết quả — and the registration flag
    when the rows carry one (vote.with_registration)."""
    verdict = [
        t("doc_vote_tie") if tie else t("doc_vote_passed") if ok else t("doc_vote_failed")
        for ok, tie in zip(rows["passed"], rows["tie"], strict=True)
    ]
    frame = pd.DataFrame({
        t("doc_col_no"): [str(i) for i in range(1, len(rows) + 1)],
        t("col_unit"): rows["name"].tolist(),
        t("doc_col_votes"): [f"{int(v)}/{int(n)}" for v, n in zip(rows["votes"], rows["voters"], strict=True)],
        t("doc_col_share"): [fmt_percent(float(s) * 100) for s in rows["share"]],
        t("doc_col_result"): verdict,
    })  # fmt: skip
    if "registration" in rows:
        frame[t("doc_col_registration")] = registration_words(rows["registration"])
    return frame


def registration_words(flags: pd.Series) -> list[str]:
    """The registration flag, "đã đăng ký" where there is none, blank where the title checks nothing."""
    return ["" if pd.isna(flag) else flag or t("vote_reg_ok") for flag in flags]


def candidate_table(standing: pd.DataFrame) -> pd.DataFrame:
    """A title's candidates (vote.candidates): the shortlisted units and whether the history lets them stand."""
    return pd.DataFrame({
        t("col_unit"): standing["name"], t("col_block"): standing["block"].map(block_name),
        t("col_total"): standing["total"], t("col_grade"): standing["grade"],
        t("vote_col_may_stand"): standing["eligible"].astype(bool),
        t("vote_col_registration"): registration_words(standing["registration"]), t("col_note"): standing["note"],
    })  # fmt: skip


def assessment_table(current: pd.DataFrame, names: dict[str, str], labels: dict[str, str]) -> pd.DataFrame:
    """Self-assessed against agreed points per unit and manual criterion (assessments.current)."""
    status = {"agreed": t("assess_status_agreed"), "self": t("assess_status_self")}
    return pd.DataFrame({
        t("col_unit"): current["unit_code"].map(names), t("col_criterion"): current["criterion"].map(labels),
        t("assess_col_self"): current["self_points"], t("assess_col_note"): current["self_note"],
        t("assess_col_evidence"): current["evidence"], t("assess_col_agreed"): current["agreed_points"],
        t("assess_col_reason"): current["review_note"].fillna(""), t("assess_col_by"): current["reviewed_by"].fillna(""),
        t("col_status"): current["status"].map(status),
    })  # fmt: skip


def assessment_trail(steps: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Who changed what: every self-assessment and review, newest first."""
    kinds = {"self": t("audit_self_assess"), "accepted": t("audit_assessment_accepted"), "adjusted": t("audit_assessment_adjusted")}
    return pd.DataFrame({
        t("col_time"): steps["made_at"], t("assess_col_who"): steps["made_by"], t("col_unit"): steps["unit_code"].map(names),
        t("col_code"): steps["criterion"], t("col_kind"): steps["step"].map(kinds), t("col_points"): steps["points"],
        t("assess_col_note"): steps["note"], t("assess_col_evidence"): steps["evidence"],
    })  # fmt: skip


def awards_table(held: pd.DataFrame) -> pd.DataFrame:
    """A unit's titles and awards with the decision that gave them (vote.held_titles)."""
    return pd.DataFrame({
        t("col_year"): held["year"].astype(str), t("col_code"): held["title_code"], t("awards_col_title"): held["title"],
        t("awards_col_decision"): held["decision_no"].fillna(""), t("awards_col_date"): held["decision_date"].map(_date_text),
    })  # fmt: skip


def _date_text(value: object) -> str:
    return "" if pd.isna(value) else fmt_date(pd.Timestamp(value))  # type: ignore[arg-type]


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
