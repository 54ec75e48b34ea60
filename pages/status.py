"""Tình hình báo cáo: who sent each quarter on time, late or not at all, punctuality over the year,
and reminders to the units that have not sent."""

from datetime import date

import streamlit as st

from analytics.labels import t
from analytics.presentation import status_board
from analytics.reporting.status import punctuality
from ui import data, status
from ui.charts import show_chart
from ui.routing import leave_legacy_pages_mode
from ui.tables import table

leave_legacy_pages_mode()

st.title(t("page_status"))
f = st.session_state.get("filters")
cal = status.calendar(f.year) if f else None
if f is None or cal is None:
    st.info(t("no_campaign"))
    st.stop()
today = date.today()
status.deadlines_caption(cal)
board = status.board(data.version(), f.year, f.block, today)
left, right, _ = st.columns([2, 2, 3])
with left:
    quarter = status.choose_quarter(cal, today)
with right:
    wanted = status.choose_status()
if data.freshness(data.version(), f.year).has_demo:
    st.info(t("status_demo_note"))
if quarter != status.ALL:
    st.markdown(f"**{status_board.summary_text(board, f.year, int(quarter))}**")

rows = status.shown(board, quarter, wanted)
if rows.empty:
    st.info(t("status_none_match"))
else:
    show_chart(status_board.status_heatmap(rows, t("status_board_title", year=f.year)), key="status_map")
    table(status_board.status_table(rows), f"tinh_hinh_bao_cao_{f.year}", key="status_table")

st.subheader(t("status_punctuality"))
table(status_board.punctuality_table(punctuality(board)), f"dung_han_{f.year}", key="punctuality")

if status.may_remind():
    st.subheader(t("remind_heading"))
    if quarter == status.ALL:
        st.caption(t("remind_pick_quarter"))
    else:
        force = st.checkbox(t("remind_force"), key="remind_force")
        plan = status.reminder_plan(f.year, int(quarter), force)
        sendable = sum(r.skip is None for r in plan)
        if not plan:
            st.success(t("remind_nobody", quarter=quarter, year=f.year))
        else:
            st.dataframe(status_board.reminder_table(plan), hide_index=True)
            if st.button(t("remind_button", count=sendable), key="remind_send", type="primary", disabled=not sendable):
                problem = status.start_reminders(f.year, int(quarter), force)
                if problem:
                    st.error(problem)
        status.reminder_progress()
