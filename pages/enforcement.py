"""Thi hành án dân sự: completion rates by case and by money per Cục against each Cục's own target,
computed from counts, on the enforcement statistical year (1 Oct – 30 Sep)."""

import streamlit as st

from analytics import measures
from analytics.labels import period_name, t
from analytics.presentation import charts, tables
from ui import data, page
from ui.charts import show_chart
from ui.routing import leave_legacy_pages_mode
from ui.tables import table

leave_legacy_pages_mode()

f, version = page.start("page_enforcement")
if f.block == "STP":
    st.info(t("enforcement_stp_only"))
    st.stop()
start, end = data.thads_span(version, f.year, f.period, at=f.at).split(" – ")
st.info(t("enforcement_period", start=start, end=end), icon=":material/event:")
values = data.period_values(version, f.year, f.period, "THADS", at=f.at)
if values.empty:
    st.info(t("no_units", year=f.year))
    st.stop()
page.one_unit_note(values["unit_code"].nunique())
if values["target_illustrative"].any():
    st.caption(t("enforcement_illustrative"))
if f.period != "year":
    st.caption(t("enforcement_no_targets"))

period = period_name(f.year, f.period)
for code in ("ty_le_viec", "ty_le_tien"):
    ranked = measures.indicator_slice(values, code)
    title = t("chart_units_title", indicator=str(ranked["label"].iloc[0]), period=period)
    show_chart(charts.unit_bars(ranked, title, "%"))

table(tables.enforcement_table(values), f"thi_hanh_an_{f.year}_{f.period}", key="thads_table")
