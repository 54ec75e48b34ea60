"""Theo đợt: phase 1 vs phase 2 per unit (who improved, who fell back) and quarter-by-quarter trends."""

import streamlit as st

from analytics import queries
from analytics.labels import block_name, period_short_name, t
from analytics.presentation import charts, tables
from ui import data, filters, page
from ui.charts import show_chart
from ui.routing import leave_legacy_pages_mode
from ui.tables import table

leave_legacy_pages_mode()

f, version = page.start("page_phases", needs_period_data=False)
catalogue = data.catalogue(version, f.year)
labels, units = data.indicator_labels(version, f.year), data.indicator_units(version, f.year)
# Annual-only indicators are compared for the whole year, never phase against phase.
phased_codes = catalogue.loc[~catalogue["annual"].astype(bool), "code"].tolist()
code = filters.url_choice(t("indicator"), phased_codes, "ph_indicator", "ind", format_func=labels.get, default="xa_ntm")

both = queries.rank_phases(data.phase_values(version, f.year, f.block, at=f.at), code)
page.one_unit_note(len(both))
moves = queries.phase_moves(both)
left, mid, right = st.columns(3)
left.metric(t("improved"), moves.improved)
mid.metric(t("fell_back"), moves.fell_back)
right.metric(t("unchanged"), moves.unchanged)
title = t("phase_compare_title", indicator=labels[code], year=f.year)
show_chart(charts.phase_dumbbell(both, title, units[code]))
if catalogue.loc[catalogue["code"] == code, "basis"].eq("thads").any():
    coverage = "; ".join(f"{period_short_name(p)}: {data.thads_span(version, f.year, p, at=f.at)}" for p in ("P1", "P2"))
    st.caption(t("thads_period_note", coverage=coverage))
table(tables.phase_table(both), f"{code}_dot_{f.year}", key="ph_table")

st.divider()
quarters = data.quarter_values(version, f.year, f.block, at=f.at)
series = quarters[quarters["indicator"] == code]
who = data.unit_label(version, f.unit, f.year) if f.unit else (block_name(f.block) if f.block else t("all_blocks"))
trend = charts.quarter_trend(
    series, t("trend_title", indicator=labels[code], who=who), units[code], highlight=f.unit,
    phases=data.phases(version, f.year), target=queries.common_target(series),
    reference=None if f.unit else queries.block_medians(series),
)  # fmt: skip
show_chart(trend)
st.caption(t("quarter_values_note"))
