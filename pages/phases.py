"""Theo đợt: phase 1 vs phase 2 per unit (who improved, who fell back) and quarter-by-quarter trends."""

import streamlit as st

from analytics import queries
from analytics.labels import block_name, t
from analytics.presentation import charts, tables
from ui import data, filters, page
from ui.routing import leave_legacy_pages_mode
from ui.tables import table

leave_legacy_pages_mode()

f, version = page.start("page_phases", needs_period_data=False)
catalogue = data.catalogue(version, f.year)
labels = dict(zip(catalogue["code"], catalogue["label"], strict=True))
units = dict(zip(catalogue["code"], catalogue["unit"], strict=True))
code = filters.url_choice(t("indicator"), catalogue["code"].tolist(), "ph_indicator", "ind", format_func=labels.get, default="xa_ntm")

both = queries.rank_phases(data.phase_values(version, f.year, f.block), code)
page.one_unit_note(len(both))
counts = both["change_sign"].value_counts()
left, mid, right = st.columns(3)
left.metric(t("improved"), int(counts.get(1, 0)))
mid.metric(t("fell_back"), int(counts.get(-1, 0)))
right.metric(t("unchanged"), int(counts.get(0, 0)))
title = t("phase_compare_title", indicator=labels[code], year=f.year)
st.plotly_chart(charts.phase_dumbbell(both, title, units[code]), width="stretch", config={"displaylogo": False})
if catalogue.loc[catalogue["code"] == code, "basis"].eq("thads").any():
    st.caption(
        t("thads_period_note", coverage=f"Đợt 1: {data.thads_span(version, f.year, 'P1')}; Đợt 2: {data.thads_span(version, f.year, 'P2')}")
    )
table(tables.phase_table(both), f"{code}_dot_{f.year}", key="ph_table")

st.divider()
quarters = data.quarter_values(version, f.year, f.block)
series = quarters[quarters["indicator"] == code]
who = data.unit_label(version, f.unit, f.year) if f.unit else (block_name(f.block) if f.block else t("all_blocks"))
trend = charts.quarter_trend(
    series, t("trend_title", indicator=labels[code], who=who), units[code], highlight=f.unit,
    phases=data.phases(version, f.year), target=queries.common_target(series),
    reference=None if f.unit else queries.block_medians(series),
)  # fmt: skip
st.plotly_chart(trend, width="stretch", config={"displaylogo": False})
st.caption(t("quarter_values_note"))
