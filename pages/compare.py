"""So sánh đơn vị: one indicator or the score for all units, and targets met per covenant content."""

import streamlit as st

from analytics import measures, scoring
from analytics.labels import block_name, period_name, t
from analytics.presentation import charts, tables
from ui import data, filters, page
from ui import notes as chart_notes
from ui.charts import show_chart
from ui.routing import leave_legacy_pages_mode
from ui.tables import table

leave_legacy_pages_mode()

SCORE = "diem_cham"
f, version = page.start("page_compare")
values = data.period_values(version, f.year, f.period, f.block, at=f.at)
labels, units = data.indicator_labels(version, f.year), data.indicator_units(version, f.year)
scores = data.scores(version, f.year, at=f.at)
# Annual-only indicators have no phase or quarter figure: offered for the year only.
present = set(values["indicator"])
options = [c for c in labels if c in present] + ([SCORE] if scores is not None else [])
choice = filters.url_choice(
    t("indicator"), options, "cmp_indicator", "ind", format_func=lambda c: t("score_total") if c == SCORE else labels[c], default="xa_ntm"
)
page.one_unit_note(values["unit_code"].nunique())

if choice == SCORE and scores is not None:
    summary = scores.summary if f.block is None else scores.summary[scores.summary["block"] == f.block]
    frame = scoring.score_frame_for_chart(summary)
    grades = data.rubric_grades(f.year)
    title = t("scoring_chart_title", block=t("all_blocks") if f.block is None else block_name(f.block), year=f.year)
    show_chart(charts.score_bars(frame, title, grades))
    table(tables.score_table(summary), f"diem_{f.year}", key="cmp_scores")
else:
    ranked = measures.indicator_slice(values, choice)
    title = t("chart_units_title", indicator=labels[choice], period=period_name(f.year, f.period))
    show_chart(chart_notes.on_unit_bars(charts.unit_bars(ranked, title, units[choice]), ranked, f, choice))
    if ranked["basis"].eq("thads").any():
        st.caption(t("thads_period_note", coverage=data.thads_span(version, f.year, f.period, at=f.at)))
    table(tables.indicator_table(ranked), f"{choice}_{f.year}_{f.period}", key="cmp_table")

st.divider()
view = filters.url_choice(
    t("heat_view"), ["targets", "points"], "cmp_heat", "heat", widget="radio",
    format_func=lambda v: t("met_share") if v == "targets" else t("score_total"),
)  # fmt: skip
contents = data.contents(version, f.year)
if view == "points" and scores is not None:
    detail = scores.detail if f.block is None else scores.detail[scores.detail["block"] == f.block]
    grid = scoring.content_points(detail, contents)
    heat_title, scale, note = t("heatmap_points_title", year=f.year), t("points_share"), t("heatmap_points_note")
else:
    grid = data.attainment(version, f.year, f.period, f.block, at=f.at)
    heat_title, scale, note = t("heatmap_title", period=period_name(f.year, f.period)), t("met_share"), t("heatmap_note")
show_chart(chart_notes.on_heatmap(charts.attainment_heatmap(grid, heat_title, contents=contents, scale_title=scale), grid, f))
st.caption(note)
