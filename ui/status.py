"""The status board's data and actions: the year's calendar, the board (cached on the data version),
filters in the URL, and reminders sent in the background so the page never waits for a mail server."""

from __future__ import annotations

from concurrent.futures import Future
from datetime import date, datetime
from functools import partial

import pandas as pd
import streamlit as st

from analytics.labels import fmt_date, t
from analytics.mail import deliver
from analytics.mail.settings import MailSettingsError
from analytics.presentation.status_board import reminder_table
from analytics.registry import load_units
from analytics.reporting import reminders
from analytics.reporting.deadlines import Calendar, calendar_of
from analytics.reporting.status import STATUSES, status_board
from analytics.settings import from_env
from analytics.trust import auth
from analytics.trust.safety import markdown_escape
from ui import auth as auth_ui
from ui import data, mail
from ui.filters import url_choice

ALL = "all"
_JOB = "_remind_job"


def calendar(year: int) -> Calendar | None:
    campaign = data.campaigns().get(year)
    return None if campaign is None else calendar_of(campaign)


@st.cache_data(show_spinner=False, max_entries=64)
def board(data_version: int, year: int, block: str | None, today: date) -> pd.DataFrame:
    """The whole year's board; `today` is in the key because the same uploads age into "missing"."""
    found = calendar(year)
    assert found is not None
    with data.reading() as cur:
        return status_board(cur, found, today, block=block)


def choose_quarter(cal: Calendar, today: date) -> int | str:
    """Quarter filter (URL `quarter`): the latest quarter already due by default, else the whole year."""
    due = [q for q, d in cal.quarter_deadlines.items() if d < today]
    label = {ALL: t("status_all_quarters"), **{q: f"Q{q}" for q in (1, 2, 3, 4)}}
    return url_choice(t("status_filter_quarter"), [ALL, 1, 2, 3, 4], "st_quarter", "quarter",
                      format_func=label.get, widget="radio", default=max(due) if due else ALL)  # fmt: skip


def choose_status() -> str:
    label = {ALL: t("status_all_statuses"), **{s: t("status_" + s) for s in STATUSES}}
    return url_choice(t("status_filter_status"), [ALL, *STATUSES], "st_status", "status", format_func=label.get)


def shown(frame: pd.DataFrame, quarter: int | str, status: str) -> pd.DataFrame:
    """The board rows the filters keep: one quarter (or all), and units having that status."""
    rows = frame if quarter == ALL else frame[frame["quarter"] == quarter]
    if status != ALL:
        rows = rows[rows["unit_code"].isin(rows.loc[rows["status"] == status, "unit_code"])]
    return rows


def deadlines_caption(cal: Calendar) -> None:
    if not cal.quarter_deadlines:
        st.info(t("status_no_deadlines", year=cal.year))
        return
    listed = ", ".join(f"Q{q} {fmt_date(d)}" for q, d in cal.quarter_deadlines.items())
    st.caption(t("status_deadlines", year=cal.year, deadlines=listed))
    if cal.illustrative:
        st.warning(t("status_illustrative", year=cal.year), icon="⚠️")


# --- reminders -------------------------------------------------------------------------------------


def may_remind() -> bool:
    return auth.can(auth_ui.current_user(), auth.Action.SEND_MAIL)


def reminder_plan(year: int, quarter: int, force: bool) -> list[reminders.Reminder]:
    """Who is not reported, in the board's order, and what would happen to each."""
    with data.reading() as cur:
        return reminders.plan(cur, data.campaigns()[year], quarter, datetime.now(), force=force)


def start_reminders(year: int, quarter: int, force: bool) -> str | None:
    """Hand the reminders to the sending thread; returns an error to show, or None."""
    try:
        settings = mail.settings()
    except MailSettingsError as exc:
        return str(exc)
    if settings is None:
        return t("remind_not_configured_page")
    user = auth_ui.current_user()
    store, campaign, units = data.store(), data.campaigns()[year], load_units(from_env().units_file)
    send = partial(deliver.send, settings)
    now = datetime.now()
    job = deliver.send_later(lambda: reminders.send_reminders(store, user, campaign, units, quarter, send, now=now, force=force))
    st.session_state[_JOB] = job
    return None


def _progress() -> None:
    job: Future[list[reminders.Reminder]] | None = st.session_state.get(_JOB)
    if job is None:
        return
    if not job.done():
        st.info(t("remind_sending"), icon="⏳")
        return
    try:
        done = job.result()
    except (auth.PermissionDenied, MailSettingsError) as exc:
        st.error(markdown_escape(str(exc), 2000))
        return
    sent, failed = sum(r.sent for r in done), sum(r.failed for r in done)
    skipped = sum(r.skip is not None for r in done)
    (st.warning if failed else st.success)(t("remind_done", sent=sent, failed=failed, skipped=skipped))
    st.dataframe(reminder_table(done), hide_index=True)


def reminder_progress() -> None:
    """Results once the sending thread is done; while it runs, the fragment alone re-runs every 2 s."""
    job = st.session_state.get(_JOB)
    pending = job is not None and not job.done()
    st.fragment(_progress, run_every=2 if pending else None)()
