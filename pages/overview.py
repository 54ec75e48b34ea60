"""Tổng quan: headline figures and one 22-unit comparison for the chosen year and period."""

import streamlit as st

from analytics import charts, measures, overview
from analytics.labels import fmt_datetime, period_name, t
from ui import data
from ui.routing import leave_legacy_pages_mode

leave_legacy_pages_mode()

st.title(t("page_overview"))
f = st.session_state.get("filters")
if f is None:
    st.info(t("no_data"))
    st.stop()

version = data.version()
fresh = data.freshness(version, f.year)
if fresh.has_demo:
    st.warning(f"**{t('demo_badge')}** — {t('demo_explain')}", icon="⚠️")
if fresh.quarter is None:
    st.info(t("freshness_none"))
    st.stop()
st.caption(t("freshness", period=period_name(f.year, f"Q{fresh.quarter}"), when=fmt_datetime(fresh.updated_at)))

values = data.period_values(version, f.year, f.period, f.block)
reporting = data.reporting(version, f.year, f.period, f.block)
cards = overview.kpis(values, reporting)
for column, kpi in zip(st.columns(len(cards)), cards, strict=True):
    column.metric(kpi.label, kpi.value, help=kpi.detail or None)
    if kpi.detail:
        column.caption(kpi.detail)

catalogue = data.catalogue(version, f.year)
codes = catalogue["code"].tolist()
labels = dict(zip(catalogue["code"], catalogue["label"], strict=True))
units = dict(zip(catalogue["code"], catalogue["unit"], strict=True))
indicator = st.selectbox("Chỉ tiêu", codes, index=codes.index("xa_ntm") if "xa_ntm" in codes else 0, format_func=labels.get)
ranked = measures.indicator_slice(values, indicator)
title = t("chart_units_title", indicator=labels[indicator], period=period_name(f.year, f.period))
st.plotly_chart(charts.unit_bars(ranked, title, units[indicator]), width="stretch", config={"displaylogo": False})
