"""Qua các năm: one indicator for the cluster and each unit across years on a comparable basis,
better or worse than last year, and score, grade and rank per year."""

import streamlit as st

from analytics.labels import t
from analytics.presentation import charts, tables
from ui import data, filters, page
from ui.charts import show_chart
from ui.routing import leave_legacy_pages_mode
from ui.tables import table

leave_legacy_pages_mode()

f, version = page.start("page_years", needs_period_data=False)
earlier = [y for y in sorted(data.years(version)) if y < f.year]
if not earlier:
    st.info(t("years_only_one", year=f.year))
    st.stop()
labels, units = data.indicator_labels(version, f.year), data.indicator_units(version, f.year)
left, right = st.columns([1, 3])
with left:
    start = filters.url_choice(t("years_from"), earlier, "yy_from", "from", default=earlier[max(len(earlier) - 2, 0)])
with right:
    code = filters.url_choice(t("indicator"), list(labels), "yy_indicator", "ind", format_func=labels.get, default="buoi_pbgdpl")
shown = tuple(y for y in data.years(version) if start <= y <= f.year)
view = data.indicator_years(version, shown, code, f.block)
if view is None or view.units.empty:
    st.info(t("no_data"))
    st.stop()

if view.merged:
    st.info(t("years_comparable_note", units="; ".join(view.merged)), icon="ℹ️")
if data.illustrative_years(version, shown):
    st.caption(f"{t('units_illustrative_note')} {t('years_left_note')}")

counts = view.direction_counts
a, b, c = st.columns(3)
a.metric(t("years_better"), counts["better"])
b.metric(t("years_worse"), counts["worse"])
c.metric(t("years_no_previous"), counts["none"])

show_chart(charts.cluster_years(view.cluster, t("years_cluster_title", indicator=labels[code]), units[code]))
show_chart(charts.year_lines(view.units, t("years_units_title", indicator=labels[code]), units[code], highlight=f.unit))
st.subheader(t("years_change_title", year=f.year, previous=f.year - 1))
table(tables.year_changes(view.changes, f.year), f"{code}_{f.year - 1}_{f.year}", key="yy_changes")

st.subheader(t("years_scores"))
history = data.score_history(version, shown, f.block)
if history.empty:
    st.info(t("years_scores_none"))
else:
    table(tables.score_years(history), f"diem_{shown[0]}_{shown[-1]}", key="yy_scores")
