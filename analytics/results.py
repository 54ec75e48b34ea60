"""The computed figures and scores as flat tables for use outside the dashboard (the Ministry's report,
a spreadsheet): the same period_values() and score() the pages show, one row per unit and indicator
or per unit, with plain codes a spreadsheet can filter on (status ok/late/missing/na, met true/false).
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from analytics import measures, scoring
from analytics.config import Rubric
from analytics.labels import t
from analytics.reporting import registration
from analytics.review import assessments
from analytics.store import Cursor

AS_OF_FORMAT = "%Y-%m-%d %H:%M"
RESULT_COLUMNS = ["unit_code", "unit", "block", "indicator", "value", "status", "source_quarter", "target", "met"]
SCORE_COLUMNS = ["unit_code", "unit", "block", "points", "grade", "rank_in_block", "shortlisted", "registration"]


def parse_as_of(text: str) -> datetime:
    """A cut-off written "YYYY-MM-DD HH:MM" (the form meeting files and the URL use)."""
    try:
        return datetime.strptime(text.strip(), AS_OF_FORMAT)
    except ValueError as exc:
        raise ValueError(t("as_of_bad", value=text)) from exc


def _bool_text(value: object) -> str:
    return "" if value is None or pd.isna(value) else ("true" if bool(value) else "false")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _target(low: object, high: object) -> str:
    """'≥ 70', '≤ 5' or '1–2': the target as the campaign file sets it; empty without one."""
    has_low, has_high = low is not None and not pd.isna(low), high is not None and not pd.isna(high)  # type: ignore[call-overload]
    if has_low and has_high and low != high:
        return f"{_number(float(low))}–{_number(float(high))}"  # type: ignore[arg-type]
    if has_low:
        return f"≥ {_number(float(low))}"  # type: ignore[arg-type]
    if has_high:
        return f"≤ {_number(float(high))}"  # type: ignore[arg-type]
    return ""


def results(cur: Cursor, year: int, period: str, at: datetime | None = None) -> pd.DataFrame:
    """Every unit × indicator of the period: value (rounded to 4 decimals), status, the quarter the
    value comes from, the target and whether it is met — as the values stood at `at`."""
    values = measures.period_values(cur, measures.period_spec(cur, year, period, at))
    return pd.DataFrame(
        {
            "unit_code": values["unit_code"],
            "unit": values["name"],
            "block": values["block"],
            "indicator": values["indicator"],
            "value": values["value"].round(4),
            "status": values["status"],
            "source_quarter": values["source_quarter"],
            "target": [_target(lo, hi) for lo, hi in zip(values["target_min"], values["target_max"], strict=True)],
            "met": values["meets_target"].map(_bool_text),
        },
        columns=RESULT_COLUMNS,
    )


def year_scores(cur: Cursor, year: int, rubric: Rubric, at: datetime | None = None, lang: str = "vi") -> scoring.Scores:
    """The year's scores as the scoring page shows them: every unit of both blocks, at `at`."""
    return scores_of(cur, year, rubric, measures.period_values(cur, measures.period_spec(cur, year, "year", at)), lang)


def scores_of(cur: Cursor, year: int, rubric: Rubric, values: pd.DataFrame, lang: str = "vi") -> scoring.Scores:
    """The scores of the year's period_values() frame `values` (for a caller that holds it already),
    with the year's manual points and approved registrations."""
    return scoring.score(values, rubric, lang, assessments.manual_points(cur, year), registration.approved(cur, year))


def scores(cur: Cursor, year: int, rubric: Rubric, at: datetime | None = None) -> pd.DataFrame:
    """One row per unit: total points, grade code, rank within its block, whether the rubric's rule
    puts it on the shortlist for the cluster's vote, and its registration element: met, not_met,
    none (no approved registration) or empty when the rubric has no such element."""
    summary = year_scores(cur, year, rubric, at).summary
    if summary.empty:
        return pd.DataFrame(columns=SCORE_COLUMNS)
    return pd.DataFrame(
        {
            "unit_code": summary["unit_code"],
            "unit": summary["name"],
            "block": summary["block"],
            "points": summary["total"],
            "grade": summary["grade"],
            "rank_in_block": summary["rank"],
            "shortlisted": summary["flag_eligible"].map(_bool_text),
            "registration": summary["registration"],
        },
        columns=SCORE_COLUMNS,
    )
