"""Hồ sơ đơn vị: one unit's scorecard per quarter and phase, its rank in its block, one indicator by
quarter with the notes on it, the notes list, and the uploads its figures came from."""

import streamlit as st

from analytics import queries
from analytics.labels import block_name, fmt_number, t
from analytics.presentation import charts, tables
from ui import awards, data, drill, filters, page
from ui import notes as chart_notes
from ui.charts import show_chart
from ui.routing import leave_legacy_pages_mode
from ui.tables import table
from ui.text import markdown_text

leave_legacy_pages_mode()

f, version = page.start("page_unit_profile", needs_period_data=False)
if f.unit is None:
    drill.unit_picker(f)
    st.stop()
status = data.unit_status(version, f.unit, f.year)
if status is None or not status.active:
    name = status.name if status else f.unit
    successor = t("unit_successor", successor=status.successor) if status and status.successor else ""
    st.warning(t("unit_merged", unit=name, year=f.year, successor=successor))
    st.stop()

st.subheader(markdown_text(status.name))
scores = data.scores(version, f.year, at=f.at)
if scores is not None:
    mine = scores.summary[scores.summary["unit_code"] == f.unit]
    if not mine.empty:
        row = mine.iloc[0]
        count = int((scores.summary["block"] == status.block).sum())
        rank = int(row["rank"])
        points = fmt_number(row["total"], 2)
        st.metric(
            t("profile_rank", block=block_name(status.block), rank=rank, count=count, points=points, grade=row["grade"]), f"{rank}/{count}"
        )
        if row["rank_note"]:
            st.caption(markdown_text(row["rank_note"]))
        detail = scores.detail[scores.detail["unit_code"] == f.unit]
        show_chart(charts.points_breakdown(detail, f"{t('scoring_drill')} — {status.short_name}"))

st.subheader(t("profile_scorecard"))
card = queries.unit_scorecard(
    data.quarter_values(version, f.year, status.block, at=f.at), data.phase_values(version, f.year, status.block, at=f.at),
    data.period_values(version, f.year, "year", status.block, at=f.at), f.unit,
)  # fmt: skip
table(tables.scorecard_table(card), f"ho_so_{f.unit}_{f.year}", key="profile_card", height=35 * (len(card) + 1) + 3)

st.subheader(t("profile_trend"))
labels, units = data.indicator_labels(version, f.year), data.indicator_units(version, f.year)
choices = card["indicator"].tolist()
indicator = filters.url_choice(t("indicator"), choices, "profile_indicator", "ind", format_func=labels.get, default="xa_ntm")
if indicator is not None:
    show_chart(chart_notes.unit_trend(f, f.unit, status.block, indicator, labels[indicator], units[indicator]))

st.subheader(t("note_list_title"))
unit_notes = chart_notes.unit_notes(f, f.unit)
if unit_notes.empty:
    st.caption(t("note_none"))
else:
    table(unit_notes, f"ghi_chu_{f.unit}_{f.year}", key="profile_notes")
chart_notes.editor(f, f.unit)

st.subheader(t("profile_sources"))
sources = data.unit_sources(version, f.unit, f.year)
if sources.empty:
    st.info(t("profile_no_sources"))
else:
    table(tables.sources_table(sources), f"nguon_{f.unit}_{f.year}", key="profile_sources")

st.subheader(t("awards_title"))
held = awards.history(version, f.unit)
if held.empty:
    st.info(t("awards_none"))
else:
    table(tables.awards_table(held), f"khen_thuong_{f.unit}", key="profile_awards")
if awards.may_edit():
    with st.expander(t("awards_edit"), expanded=False):
        with st.form("awards_add", clear_on_submit=True):
            year = st.number_input(t("col_year"), min_value=1945, max_value=2100, value=f.year - 1, step=1, key="awards_year")
            code = st.text_input(t("col_code"), key="awards_code")
            title = st.text_input(t("awards_col_title"), key="awards_name")
            number = st.text_input(t("awards_col_decision"), key="awards_decision")
            day = st.date_input(t("awards_col_date"), value=None, format="DD/MM/YYYY", key="awards_date")
            if st.form_submit_button(t("awards_add")) and code.strip() and title.strip():
                awards.add(f.unit, int(year), code, title, number, day)
                st.rerun()
        if not held.empty:
            keys = [f"{y}|{c}" for y, c in zip(held["year"], held["title_code"], strict=True)]
            gone = st.selectbox(t("awards_pick"), keys, format_func=lambda k: k.replace("|", " — "), key="awards_remove_pick")
            if st.button(t("awards_remove"), key="awards_remove"):
                awards.remove(f.unit, gone)
                st.rerun()
        upload = st.file_uploader(t("awards_import"), type=["csv", "xlsx"], key="awards_file")
        if upload is not None and st.button(t("awards_import_button"), key="awards_import"):
            problems = awards.import_file(upload)
            if problems:
                st.error(markdown_text("\n\n".join(problems)))
            else:
                st.rerun()
