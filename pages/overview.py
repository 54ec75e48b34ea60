"""Tổng quan: headline figures, milestones with today, a generated summary and one 22-unit chart."""

from datetime import date

import streamlit as st

from analytics import measures
from analytics.labels import period_name, t
from analytics.presentation import charts, kpis, narrative
from ui import data, filters, page
from ui import notes as chart_notes
from ui.charts import show_chart
from ui.routing import leave_legacy_pages_mode
from ui.text import markdown_text

leave_legacy_pages_mode()

f, version = page.start("page_overview")
values = data.period_values(version, f.year, f.period, f.block, at=f.at)
reporting = data.reporting(version, f.year, f.period, f.block, at=f.at)
spec = data.period_spec(version, f.year, f.period, at=f.at)
cards = kpis.kpis(values, reporting)
for column, kpi in zip(st.columns(len(cards)), cards, strict=True):
    column.metric(kpi.label, kpi.value, help=kpi.detail or None)
    if kpi.detail:
        column.caption(kpi.detail)

scores = data.scores(version, f.year, at=f.at)
summary = scores.summary if scores is not None and f.period == "year" else None
lines = narrative.narrative(values, reporting, period_name(f.year, f"Q{spec.as_of}"), summary)
if lines:
    st.subheader(t("narrative_title"))
    st.markdown("\n".join(f"- {markdown_text(line)}" for line in lines))

milestones = data.milestones(version, f.year)
if not milestones.empty:
    title = t("timeline_title", year=f.year)
    show_chart(charts.today_on_timeline(milestones, title, date.today(), phases=data.phases(version, f.year)))

labels, units = data.indicator_labels(version, f.year), data.indicator_units(version, f.year)
indicator = filters.url_choice(t("indicator"), list(labels), "ov_indicator", "ind", format_func=labels.get, default="xa_ntm")
ranked = measures.indicator_slice(values, indicator)
title = t("chart_units_title", indicator=labels[indicator], period=period_name(f.year, f.period))
show_chart(chart_notes.on_unit_bars(charts.unit_bars(ranked, title, units[indicator]), ranked, f, indicator))
