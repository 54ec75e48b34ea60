"""Tiếp cận pháp luật / xóa nghèo pháp luật: registered vs achieved communes, legal-dissemination
sessions and attendance per phase, communes meeting the legal-access standard (Departments of Justice)."""

import streamlit as st

from analytics import measures, queries
from analytics.labels import period_name, period_short_name, t
from analytics.presentation import charts, tables
from ui import data, page
from ui.charts import show_chart
from ui.routing import leave_legacy_pages_mode
from ui.tables import table

leave_legacy_pages_mode()

f, version = page.start("page_legal_access")
values = data.period_values(version, f.year, f.period, f.block, at=f.at)
page.one_unit_note(values["unit_code"].nunique())
period = period_name(f.year, f.period)
units = data.indicator_units(version, f.year)

xnpl = tables.wide_table(values, ["xa_xnpl_dang_ky", "xa_xnpl_dat", "ty_le_xnpl"])
pairs = queries.side_by_side(values, {"xa_xnpl_dang_ky": "registered", "xa_xnpl_dat": "achieved"}, sort_by="achieved")
series = [("registered", t("registered")), ("achieved", t("achieved"))]
show_chart(charts.grouped_unit_bars(pairs, t("xnpl_chart_title", period=period), series, units["xa_xnpl_dang_ky"]))
table(xnpl, f"xoa_ngheo_phap_luat_{f.year}_{f.period}", key="xnpl_table")
communes = data.commune_list(version, f.year, "xnpl", f.block)
if f.unit:
    communes = communes[communes["unit_code"] == f.unit]
with st.expander(t("communes_list_xnpl", count=len(communes))):
    if communes.empty:
        st.info(t("communes_none", year=f.year))
    else:
        table(tables.commune_table(communes), f"xa_xoa_ngheo_{f.year}", key="xnpl_communes")

st.divider()
phased = data.phase_values(version, f.year, f.block, at=f.at)
for code, key in (("buoi_pbgdpl", "pbgdpl_sessions_title"), ("luot_pbgdpl", "pbgdpl_people_title")):
    both = queries.rank_phases(phased, code)
    series = [("value_p1", period_short_name("P1")), ("value_p2", period_short_name("P2"))]
    show_chart(charts.grouped_unit_bars(both, t(key, year=f.year), series, units[code]))
    table(tables.phase_table(both), f"{code}_{f.year}", key=f"tbl_{code}")

st.divider()
if f.block == "THADS":
    st.info(t("tcpl_stp_only"))
else:
    access = measures.indicator_slice(values, "ty_le_xa_tcpl")
    show_chart(charts.unit_bars(access, t("tcpl_title", period=period), "%"))
    table(tables.legal_access_table(values, access), f"tiep_can_phap_luat_{f.year}", key="tcpl_table")
