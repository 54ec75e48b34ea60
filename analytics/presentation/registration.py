"""Registration at signing on screen and on a slide: the registered-vs-achieved bars per unit and the
registration table. Frames in (analytics.reporting.registration), figures and display frames out."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import plotly.graph_objects as go

from analytics.config import ACHIEVED_BY
from analytics.labels import fmt_date, names_list, t
from analytics.presentation import charts
from analytics.presentation.tables import not_applicable
from analytics.reporting.registration import TARGETS, late_text

TARGET_OF = {indicator: target for target, indicator in ACHIEVED_BY.items()}


def target_for(indicator: str | None) -> str:
    """The registered target a slide or chart shows: by its indicator code, new-rural communes by default."""
    return TARGET_OF.get(indicator or "", "ntm")


def unapproved_word(state: str, lang: str = "vi") -> str:
    """What stands in for the registered number until the registration is approved ('' once it is):
    "chưa đăng ký" while nothing was sent, "chưa được duyệt" while it waits or was returned — never
    a zero, which a leader would read as "registered nothing"."""
    if state == "approved":
        return ""
    return t("reg_none" if state == "draft" else "reg_not_approved", lang)


def registered_counts(both: pd.DataFrame, target: str) -> pd.Series:
    """The approved registration's count for `target`, missing (NA) for a unit without one."""
    return both[f"{target}_count"].astype("Float64").where(both["state"] == "approved")


def vs_chart(both: pd.DataFrame, target: str, year: int, unit: str = "", *, theme: str = "screen", lang: str = "vi") -> go.Figure:
    """Per unit, the number registered (approved registrations only: scoring and the review go by
    those) next to the number the year's figures show achieved; a unit without an approved
    registration has no registered bar but its state as the label. `unit` is the achieved indicator's
    unit of measure ('xã', 'mô hình'): the axis counts in whole numbers."""
    frame = both.rename(columns={"unit": "short_name", "unit_name": "name"}).assign(
        registered=registered_counts(both, target).astype(float),
        achieved=both[f"{target}_achieved"].astype(float),
        registered_why=[unapproved_word(state, lang) for state in both["state"]],
    )
    title = t("reg_chart_title", lang, year=year, target=t("reg_target_" + target, lang))
    series = [("registered", t("reg_series_registered", lang)), ("achieved", t("reg_series_achieved", lang))]
    return charts.grouped_unit_bars(frame, title, series, unit, theme=theme, lang=lang, why_missing={"registered": "registered_why"})


def vs_caption(both: pd.DataFrame, target: str, lang: str = "vi") -> str:
    """How many registrations are approved, and how many approved ones with this target reached it."""
    registered = both[(both["state"] == "approved") & (both[f"{target}_count"] > 0)]
    met = int((registered[f"{target}_achieved"] >= registered[f"{target}_count"]).sum())
    approved = int((both["state"] == "approved").sum())
    return t("reg_caption", lang, approved=approved, total=len(both), met=met, registered=len(registered))


def late_line(both: pd.DataFrame, lang: str = "vi") -> str:
    """Who registered after the deadline, by how many days ('' when nobody): the page's warning and
    the slide's caption."""
    late = [f"{unit} ({late_text(days, lang)})" for unit, days in zip(both["unit"], both["late_days"], strict=True) if days is not None]
    return t("reg_caption_late", lang, units=names_list(late, lang, 5)) if late else ""


def sent_text(submitted: datetime | None, days: int | None, lang: str = "vi") -> str:
    """When the registration was first sent and whether on time: '20/04/2016 — đăng ký muộn (20 ngày)'."""
    if submitted is None or pd.isna(submitted):
        return ""
    verdict = late_text(days, lang) if days is not None else t("reg_on_time", lang)
    return f"{fmt_date(submitted)} — {verdict}"


def state_text(state: str, updated_at: object, lang: str = "vi") -> str:
    """The registration's state in words; "Chưa đăng ký" for a unit that has never saved one."""
    return t("reg_state_none" if state == "draft" and pd.isna(updated_at) else "reg_state_" + state, lang)


def registration_table(both: pd.DataFrame, titles: dict[str, str], lang: str = "vi") -> pd.DataFrame:
    """One row per unit: state, when first sent (late or on time), titles by name, and each target
    registered beside achieved."""
    columns: dict[str, object] = {
        t("status_col_code", lang): both["unit_code"],
        t("status_col_unit", lang): both["unit_name"],
        t("reg_col_state", lang): [state_text(s, at, lang) for s, at in zip(both["state"], both["updated_at"], strict=True)],
        # Next to the state: a late registration must not hide at the far right of a wide table.
        t("reg_col_sent", lang): [sent_text(s, d, lang) for s, d in zip(both["submitted_at"], both["late_days"], strict=True)],
        t("reg_col_titles", lang): both["titles"].map(lambda codes: "; ".join(titles.get(c, c) for c in codes)),
    }
    for target in TARGETS:
        # A draft registers nothing yet; what was sent shows while it awaits review (the secretariat reviews it here).
        columns[t(f"reg_col_{target}", lang)] = both[f"{target}_count"].astype("Int64").where(both["state"] != "draft")
        columns[t(f"reg_col_{target}_done", lang)] = both[f"{target}_achieved"].astype("Float64")
    columns[t("reg_col_names", lang)] = both.apply(
        lambda r: " | ".join("; ".join(r[f"{target}_names"]) for target in TARGETS if r[f"{target}_names"]), axis=1
    )
    columns[t("reg_col_reason", lang)] = both["reason"].fillna("")
    # A draft's blank count is "—" beside its state, never "chưa báo cáo" (said of unreported figures).
    return not_applicable(pd.DataFrame(columns), *(t(f"reg_col_{target}", lang) for target in TARGETS))
