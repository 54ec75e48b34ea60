"""Scores, grades and ranks from the year's rubric (campaign file, [scoring]) — nothing hidden here.

Every point is one row of the drill-down with the value it came from and the rule in words, so a
unit can redo its score by hand: criterion points (rounded half-up to the rubric's decimals), plus
bonuses, minus penalties. Units are ranked within their block by total, then by the rubric's
tie-break criteria in order; still equal → the same rank, and the note says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from analytics.config import ACHIEVED_BY, Adjustment, Criterion, RegistrationRule, Rubric
from analytics.labels import fmt_number, t
from analytics.measures import status_text
from analytics.reporting.registration import TARGETS, Registration

_OPS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


@dataclass(frozen=True)
class Scores:
    detail: pd.DataFrame  # one row per unit × (criterion | adjustment): how each point was earned
    summary: pd.DataFrame  # one row per unit: points, grade, rank within block, flag eligibility


def _round(value: float, decimals: int) -> float:
    return float(Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def _num(value: float, unit: str = "") -> str:
    text = fmt_number(value, 0 if float(value).is_integer() else 2)
    return f"{text}{unit}" if unit == "%" else (f"{text} {unit}" if unit else text)


def rule_text(c: Criterion, lang: str = "vi", unit: str = "") -> str:
    """The criterion's rule in one line, as printed in the points table."""
    pts = fmt_number(c.max_points, 0 if float(c.max_points).is_integer() else 2)
    if c.method == "manual":
        return t("rule_manual", lang, points=pts)
    if c.method == "target":
        return t("rule_target", lang, points=pts)
    if c.method == "linear":
        assert c.zero_at is not None and c.full_at is not None
        return t("rule_linear", lang, zero=_num(c.zero_at, unit), full=_num(c.full_at, unit), points=pts)
    return "; ".join(f"≥ {_num(th, unit)} → {fmt_number(p, 0 if float(p).is_integer() else 2)}" for th, p in c.steps)


def _criterion_points(c: Criterion, row: pd.Series | None, decimals: int, lang: str) -> tuple[float, str]:
    if row is None or pd.isna(row["value"]):
        status = "missing" if row is None else str(row["status"])
        return 0.0, t("score_missing" if status != "na" else "score_na", lang)
    value, unit = float(row["value"]), str(row["unit"] or "")
    shown = _num(value, unit)
    if c.method == "target":
        met = row["meets_target"]
        target = row["target_min"] if pd.notna(row["target_min"]) else row["target_max"]
        if pd.isna(met) or pd.isna(target):
            return 0.0, t("score_no_target", lang, value=shown)
        points = c.max_points if bool(met) else 0.0
        word = t("score_met" if bool(met) else "score_not_met", lang)
        return points, f"{shown} — {word} {_num(float(target), unit)} → {fmt_number(points, 0)}"
    if c.method == "linear":
        assert c.zero_at is not None and c.full_at is not None
        share = min(max((value - c.zero_at) / (c.full_at - c.zero_at), 0.0), 1.0)
        points = _round(c.max_points * share, decimals)
        how = f"{fmt_number(c.max_points, 0)} × ({_num(value)} − {_num(c.zero_at)}) / ({_num(c.full_at)} − {_num(c.zero_at)})"
        if share in (0.0, 1.0):
            how = t("score_clipped", lang, value=shown, points=fmt_number(points, decimals))
            return points, how
        return points, f"{how} = {fmt_number(points, decimals)}"
    reached = [(th, p) for th, p in c.steps if value >= th]
    if not reached:
        return 0.0, t("score_below_steps", lang, value=shown, first=_num(c.steps[0][0]))
    th, p = reached[-1]
    return float(p), f"{shown} ≥ {_num(th)} → {fmt_number(p, 0 if float(p).is_integer() else 2)}"


def _adjustment_fires(a: Adjustment, row: pd.Series | None) -> bool:
    status = "missing" if row is None else str(row["status"])
    if a.op == "missing":
        return status == "missing"
    if a.op == "incomplete":
        return status in ("missing", "late")
    if row is None or pd.isna(row["value"]):
        return False
    value, th = float(row["value"]), float(a.threshold or 0)
    return {">=": value >= th, ">": value > th, "<=": value <= th, "<": value < th}[a.op]


def adjustment_text(a: Adjustment, lang: str = "vi") -> str:
    if a.op in ("missing", "incomplete"):
        return t(f"adj_{a.op}", lang)
    return f"{_OPS[a.op]} {_num(float(a.threshold or 0))}"


Manual = dict[tuple[str, str], tuple[float, str]]


def _manual_points(c: Criterion, unit: str, manual: Manual, decimals: int, lang: str) -> tuple[float, str]:
    """A manual criterion: the agreed points, else the unit's own (provisional), else 0."""
    found = manual.get((unit, c.code))
    if found is None:
        return 0.0, t("score_manual_none", lang)
    points, status = found
    shown = fmt_number(points, 0) if float(points).is_integer() else fmt_number(points, decimals).rstrip("0")
    return _round(points, decimals), t("score_manual_agreed" if status == "agreed" else "score_manual_self", lang, points=shown)


def _registration_line(rule: RegistrationRule, reg: Registration | None, mine: dict[str, dict], lang: str) -> tuple[float, str, str]:
    """(points, how, status) of the registration element: every target the approved registration
    counts (> 0) reached by the year's value of its indicator in the same frame, hence the same cut-off."""
    if reg is None:
        return 0.0, t("score_reg_none", lang), "unregistered"
    parts, met = [], True
    registered = [(target, int(getattr(reg, f"{target}_count"))) for target in TARGETS if getattr(reg, f"{target}_count") > 0]
    if not registered:
        return 0.0, t("score_reg_no_targets", lang), "ok"
    for target, count in registered:
        row = mine.get(ACHIEVED_BY[target])
        achieved = None if row is None or pd.isna(row["value"]) else float(row["value"])
        met = met and achieved is not None and achieved >= count
        shown = fmt_number(achieved, 0 if achieved is None or achieved.is_integer() else 2)
        parts.append(f"{t('reg_target_short_' + target, lang)} {shown}/{count}")
    word = t("score_reg_met" if met else "score_reg_not_met", lang)
    points = rule.points if met else 0.0
    return points, f"{'; '.join(parts)} — {word} → {fmt_number(points, 0)}", "ok"


def score(
    values: pd.DataFrame,
    rubric: Rubric,
    lang: str = "vi",
    manual: Manual | None = None,
    registered: dict[str, Registration] | None = None,
) -> Scores:
    """Score every unit in a period_values() frame against the rubric; `manual` holds the points of the
    manual criteria (assessments.manual_points: (unit, criterion) → (points, 'agreed' | 'self')) and
    `registered` the approved registrations by unit (registration.approved), which the rubric's
    registration element goes by when it has one."""
    units = values.drop_duplicates("unit_code")[["unit_code", "short_name", "name", "block"]]
    # Plain dict rows: building one Series per value (iterrows) cost seconds at 1,000 units.
    by_unit: dict[str, dict[str, dict]] = {}
    for r in values.to_dict("records"):
        by_unit.setdefault(r["unit_code"], {})[r["indicator"]] = r
    lookup = {(code, indicator): r for code, rows in by_unit.items() for indicator, r in rows.items()}
    units_of = dict(zip(values["indicator"], values["unit"].fillna(""), strict=True)) if len(values) else {}
    rows: list[dict[str, object]] = []
    for unit in units.itertuples(index=False):
        for c in rubric.criteria_for(str(unit.block)):
            if c.method == "manual":
                # Not a figure: the status is "ok" so a manual criterion never makes the unit's data incomplete.
                points, how = _manual_points(c, unit.unit_code, manual or {}, rubric.decimals, lang)
                line = _detail(unit, "criterion", c.code, c.content, c.label, "", None, rule_text(c, lang), how, points, c.max_points)
                rows.append({**line, "status": "ok", "value": points})
                continue
            row = lookup.get((unit.unit_code, c.indicator))
            points, how = _criterion_points(c, row, rubric.decimals, lang)
            if row is not None and row["status"] == "late" and pd.notna(row.get("source_quarter")):
                how += t("score_late", lang, quarter=int(row["source_quarter"]))
            rule = rule_text(c, lang, units_of.get(c.indicator, ""))
            rows.append(_detail(unit, "criterion", c.code, c.content, c.label, c.indicator, row, rule, how, points, c.max_points))
        for a in rubric.adjustments:
            if not a.applies_to(str(unit.block)):
                continue
            row = lookup.get((unit.unit_code, a.indicator))
            fires = _adjustment_fires(a, row)
            sign = 1 if a.kind == "bonus" else -1
            points = sign * a.points if fires else 0.0
            how = t("adj_applied" if fires else "adj_not_applied", lang)
            rule = f"{adjustment_text(a, lang)} → {'+' if sign > 0 else '−'}{fmt_number(a.points, 0)}"
            rows.append(_detail(unit, a.kind, a.code, "", a.label, a.indicator, row, rule, how, points, None))
        if rubric.registration is not None:
            element = rubric.registration
            reg = (registered or {}).get(unit.unit_code)
            points, how, status = _registration_line(element, reg, by_unit.get(unit.unit_code, {}), lang)
            rule = t("rule_registration", lang, points=fmt_number(element.points, 0))
            line = _detail(unit, "bonus", element.code, "", element.label, "", None, rule, how, points, None)
            rows.append({**line, "status": status})
    columns = ["unit_code", "short_name", "name", "block", "kind", "code", "content", "label", "indicator", "value", "unit",
               "status", "source_quarter", "rule", "how", "points", "max_points"]  # fmt: skip
    detail = pd.DataFrame(rows, columns=columns)
    return Scores(detail, _summary(units, detail, by_unit, rubric, lang))


def _detail(unit, kind, code, content, label, indicator, row, rule, how, points, max_points) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "unit_code": unit.unit_code, "short_name": unit.short_name, "name": unit.name, "block": unit.block,
        "kind": kind, "code": code, "content": content, "label": label, "indicator": indicator,
        "value": None if row is None else row["value"], "unit": "" if row is None else row["unit"],
        "status": "missing" if row is None else row["status"],
        "source_quarter": None if row is None else row.get("source_quarter"), "rule": rule, "how": how,
        "points": float(points), "max_points": max_points,
    }  # fmt: skip


def _summary(units: pd.DataFrame, detail: pd.DataFrame, by_unit: dict[str, dict[str, dict]], rubric: Rubric, lang: str) -> pd.DataFrame:
    out = []
    # Per-unit sums over plain records: pandas filtering per unit was quadratic at 1,000 units.
    lines: dict[str, list[dict]] = {}
    for line in detail.to_dict("records"):
        lines.setdefault(line["unit_code"], []).append(line)
    for unit in units.itertuples(index=False):
        mine = lines.get(unit.unit_code, [])
        crit = [x for x in mine if x["kind"] == "criterion"]
        base = float(sum(x["points"] for x in crit))
        bonus = float(sum(x["points"] for x in mine if x["kind"] == "bonus"))
        penalty = float(sum(x["points"] for x in mine if x["kind"] == "penalty"))
        total = _round(base + bonus + penalty, rubric.decimals)
        complete = all(x["status"] == "ok" for x in crit)
        late = [int(x["source_quarter"]) for x in crit if x["status"] == "late" and pd.notna(x["source_quarter"])]
        grade, grade_note = _grade(total, by_unit.get(unit.unit_code, {}), rubric, lang)
        registration, registration_note = _registration_outcome(mine, rubric.registration)
        tb = {code: float(sum(x["points"] for x in crit if x["code"] == code)) for code in rubric.tie_break}
        out.append({
            "unit_code": unit.unit_code, "short_name": unit.short_name, "name": unit.name, "block": unit.block,
            "criteria_points": _round(base, rubric.decimals), "bonus": bonus, "penalty": penalty, "total": total,
            "max_points": rubric.max_points, "grade": grade.code, "grade_label": grade.label, "grade_note": grade_note,
            "complete": complete, "late_quarter": min(late) if late else None,
            "data_note": t("score_data_late", lang, quarter=min(late), count=len(late)) if late else status_text("ok", lang=lang),
            "registration": registration, "registration_note": registration_note,
            **{f"tb_{k}": v for k, v in tb.items()},
        })  # fmt: skip
    summary = pd.DataFrame(out)
    if summary.empty:
        return summary.assign(
            rank=[], rank_note=[], flag_eligible=[], flag_note=[], late_quarter=[], data_note=[], registration=[], registration_note=[]
        )
    keys = ["total"] + [f"tb_{k}" for k in rubric.tie_break]
    ranks, notes = {}, {}
    for _, block in summary.groupby("block"):
        rows = list(block.itertuples(index=False))
        keyed = [(tuple(getattr(r, k) for k in keys), r) for r in rows]
        # Rank = 1 + units with a strictly better (total, tie-breaks) key: the first place that key
        # takes in the descending order (sorting, not comparing every pair, for 1,000 units).
        first: dict[tuple, int] = {}
        for place, key in enumerate(sorted((k for k, _ in keyed), reverse=True), start=1):
            first.setdefault(key, place)
        same_total: dict[float, list] = {}
        for key, r in keyed:
            ranks[r.unit_code] = first[key]
            same_total.setdefault(r.total, []).append(r)
        for r in rows:
            others = [o for o in same_total[r.total] if o.unit_code != r.unit_code]
            notes[r.unit_code] = _rank_note(r, others, rubric, ranks, lang)
    summary["rank"] = summary["unit_code"].map(ranks).astype(int)
    summary["rank_note"] = summary["unit_code"].map(notes)
    flag = rubric.flag
    eligible, reasons = [], []
    for r in summary.itertuples(index=False):
        why = []
        if r.grade not in flag.grades:
            why.append(t("flag_grade", lang, grades=", ".join(flag.grades)))
        if r.rank > flag.max_rank:
            why.append(t("flag_rank", lang, rank=flag.max_rank))
        if flag.require_complete and not r.complete:
            why.append(t("flag_incomplete", lang))
        eligible.append(not why)
        reasons.append(t("flag_yes", lang) if not why else t("flag_no", lang) + "; ".join(why))
    summary["flag_eligible"] = eligible
    summary["flag_note"] = reasons
    return summary.sort_values(["block", "rank", "short_name"]).reset_index(drop=True)


def _registration_outcome(lines: list[dict], rule: RegistrationRule | None) -> tuple[str, str]:
    """'met', 'not_met' or 'none' (no approved registration) with the line's words; '' without the element."""
    found = next((x for x in lines if rule is not None and x["kind"] == "bonus" and x["code"] == rule.code), None)
    if found is None:
        return "", ""
    outcome = "none" if found["status"] == "unregistered" else ("met" if found["points"] > 0 else "not_met")
    return outcome, str(found["how"])


def _grade(total: float, mine: dict[str, dict], rubric: Rubric, lang: str):  # type: ignore[no-untyped-def]
    """The best grade whose points and required targets the unit reaches; `mine` is its values by indicator."""
    skipped: list[str] = []
    for grade in rubric.grades:
        if total < grade.min_points:
            continue
        unmet = []
        for code in grade.require_targets:
            row = mine.get(code)
            if row is None:
                continue  # the indicator does not apply to this block
            if pd.isna(row["target_min"]) and pd.isna(row["target_max"]):
                continue
            if not (pd.notna(row["meets_target"]) and bool(row["meets_target"])):
                unmet.append(str(row["label"]))
        if unmet:
            skipped.append(t("grade_blocked", lang, grade=grade.code, targets=", ".join(unmet)))
            continue
        return grade, "; ".join(skipped)
    return rubric.grades[-1], "; ".join(skipped)


def _rank_note(r, same_total: list, rubric: Rubric, ranks: dict[str, int], lang: str) -> str:  # type: ignore[no-untyped-def]
    """Why a unit sharing its total with others (`same_total`) ranks where it does."""
    parts = []
    for o in same_total:
        if ranks[o.unit_code] == ranks[r.unit_code]:
            parts.append(t("tie_shared", lang, unit=o.short_name, points=fmt_number(r.total, rubric.decimals)))
            continue
        for code in rubric.tie_break:
            mine, theirs = getattr(r, f"tb_{code}"), getattr(o, f"tb_{code}")
            if mine != theirs:
                word = "tie_above" if mine > theirs else "tie_below"
                parts.append(
                    t(
                        word,
                        lang,
                        unit=o.short_name,
                        code=code,
                        mine=fmt_number(mine, rubric.decimals),
                        theirs=fmt_number(theirs, rubric.decimals),
                    )
                )
                break
    return "; ".join(parts)


def grades_frame(rubric: Rubric) -> pd.DataFrame:
    """The rubric's grades (code, label, min_points) in the shape charts.score_bars draws as lines."""
    return pd.DataFrame([{"code": g.code, "label": g.label, "min_points": g.min_points} for g in rubric.grades])


def score_frame_for_chart(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary in the shape unit_bars() draws: value = total, best first within the order given."""
    frame = summary.rename(columns={"total": "value"}).copy()
    # A score computed from a late report carries the flag onto its bar, like the value it came from.
    frame["source_quarter"] = frame["late_quarter"]
    frame["status"] = frame["late_quarter"].map(lambda q: "ok" if pd.isna(q) else "late")
    return frame.sort_values(["value", "short_name"], ascending=[False, True]).reset_index(drop=True)


def content_points(detail: pd.DataFrame, contents: pd.DataFrame) -> pd.DataFrame:
    """Units × covenant contents: criterion points earned ÷ points available (bonuses left out),
    in the shape charts.attainment_heatmap draws."""
    crit = detail[detail["kind"] == "criterion"].copy()
    crit["reported"] = crit["status"].isin(["ok", "late"])
    grouped = crit.groupby(["unit_code", "content"], as_index=False).agg(
        points=("points", "sum"), max_points=("max_points", "sum"), reported=("reported", "any")
    )
    units = detail.drop_duplicates("unit_code")[["unit_code", "short_name", "name", "block"]]
    grid = units.merge(contents[["code", "title"]].rename(columns={"code": "content"}), how="cross")
    out = grid.merge(grouped, on=["unit_code", "content"], how="left")
    out["status"] = "ok"
    out.loc[out["max_points"].isna(), "status"] = "none"
    out.loc[out["max_points"].notna() & ~out["reported"].fillna(False).astype(bool), "status"] = "missing"
    out["share"] = (out["points"] / out["max_points"]).where(out["status"] == "ok")
    out["text"] = [
        f"{fmt_number(p, 0 if float(p).is_integer() else 1)}/{fmt_number(m, 0)}" if s == "ok" else ""
        for p, m, s in zip(out["points"].fillna(0), out["max_points"].fillna(0), out["status"], strict=True)
    ]
    return out
