"""Registration at signing on screen and on a slide: the registered-vs-achieved bars per unit and the
registration table. Frames in (analytics.reporting.registration), figures and display frames out."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import plotly.graph_objects as go

from analytics.labels import fmt_date, names_list, t
from analytics.presentation import charts
from analytics.reporting.registration import ACHIEVED_BY, TARGETS, late_text

TARGET_OF = {indicator: target for target, indicator in ACHIEVED_BY.items()}


def target_for(indicator: str | None) -> str:
    """The registered target a slide or chart shows: by its indicator code, new-rural communes by default."""
    return TARGET_OF.get(indicator or "", "ntm")


def vs_chart(both: pd.DataFrame, target: str, year: int, unit: str = "", *, theme: str = "screen", lang: str = "vi") -> go.Figure:
    """Per unit, the number registered next to the number the year's figures show achieved; `unit` is
    the achieved indicator's unit of measure ('xã', 'mô hình'): the axis counts in whole numbers."""
    frame = both.rename(columns={"unit": "short_name", "unit_name": "name"}).assign(
        registered=both[f"{target}_count"].astype(float), achieved=both[f"{target}_achieved"].astype(float)
    )
    title = t("reg_chart_title", lang, year=year, target=t("reg_target_" + target, lang))
    series = [("registered", t("reg_series_registered", lang)), ("achieved", t("reg_series_achieved", lang))]
    return charts.grouped_unit_bars(frame, title, series, unit, theme=theme, lang=lang)


def vs_caption(both: pd.DataFrame, target: str, lang: str = "vi") -> str:
    """How many registrations are approved and reached."""
    registered = both[both[f"{target}_count"] > 0]
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


def registration_table(both: pd.DataFrame, titles: dict[str, str], lang: str = "vi") -> pd.DataFrame:
    """One row per unit: state, when first sent (late or on time), titles by name, and each target
    registered beside achieved."""
    columns: dict[str, object] = {
        t("status_col_code", lang): both["unit_code"],
        t("status_col_unit", lang): both["unit_name"],
        t("reg_col_state", lang): both["state"].map(lambda s: t("reg_state_" + s, lang)),
        # Next to the state: a late registration must not hide at the far right of a wide table.
        t("reg_col_sent", lang): [sent_text(s, d, lang) for s, d in zip(both["submitted_at"], both["late_days"], strict=True)],
        t("reg_col_titles", lang): both["titles"].map(lambda codes: "; ".join(titles.get(c, c) for c in codes)),
    }
    for target in TARGETS:
        columns[t(f"reg_col_{target}", lang)] = both[f"{target}_count"]
        columns[t(f"reg_col_{target}_done", lang)] = both[f"{target}_achieved"].astype("Float64")
    columns[t("reg_col_names", lang)] = both.apply(
        lambda r: " | ".join("; ".join(r[f"{target}_names"]) for target in TARGETS if r[f"{target}_names"]), axis=1
    )
    columns[t("reg_col_reason", lang)] = both["reason"].fillna("")
    return pd.DataFrame(columns)
