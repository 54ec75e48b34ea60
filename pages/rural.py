"""Nông thôn mới: communes supported per unit vs ≥ 2, the named communes and their status, activities."""

import streamlit as st

from analytics import measures
from analytics.labels import period_name, t
from analytics.presentation import charts, tables
from ui import data, page
from ui.charts import show_chart
from ui.routing import leave_legacy_pages_mode
from ui.tables import table

leave_legacy_pages_mode()

f, version = page.start("page_rural")
values = data.period_values(version, f.year, f.period, f.block, at=f.at)
page.one_unit_note(values["unit_code"].nunique())
period = period_name(f.year, f.period)
units = data.indicator_units(version, f.year)
ntm = measures.indicator_slice(values, "xa_ntm")
show_chart(charts.unit_bars(ntm, t("ntm_chart_title", period=period), units["xa_ntm"]))
activities = measures.indicator_slice(values, "hoat_dong_ntm")
show_chart(charts.unit_bars(activities, t("ntm_activity_title", period=period), units["hoat_dong_ntm"]))
table(tables.wide_table(values, ["xa_ntm", "hoat_dong_ntm"]), f"nong_thon_moi_{f.year}_{f.period}", key="ntm_table")

st.subheader(t("communes_list"))
communes = data.commune_list(version, f.year, "ntm", f.block)
if f.unit:
    communes = communes[communes["unit_code"] == f.unit]
if communes.empty:
    st.info(t("communes_none", year=f.year))
else:
    table(tables.commune_table(communes), f"xa_nong_thon_moi_{f.year}", key="ntm_communes")
