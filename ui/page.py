"""The opening every dashboard page shares: title, filters, demo label, freshness and the plain
messages for an empty store, a year without data, a period without data or no unit in the filter."""

from __future__ import annotations

import streamlit as st

from analytics.labels import fmt_datetime, period_name, t
from ui import data
from ui.filters import Filters


def start(title_key: str, *, needs_period_data: bool = True) -> tuple[Filters, int]:
    """Draw the page head; stops the page with a plain message when there is nothing to show."""
    st.title(t(title_key))
    f: Filters | None = st.session_state.get("filters")
    if f is None:
        st.info(t("no_data"))
        st.stop()
    version = data.version()
    fresh = data.freshness(version, f.year, f.at)
    if fresh.has_demo:
        st.warning(f"**{t('demo_badge')}** — {t('demo_explain')}", icon="⚠️")
    if fresh.quarter is None:
        st.info(t("no_values_year", year=f.year))
        st.stop()
    period = period_name(f.year, f"Q{fresh.quarter}")
    if f.at is not None:
        st.caption(t("present_as_of_cutoff", period=period, cutoff=fmt_datetime(f.at)))
    else:
        st.caption(t("freshness", period=period, when=fmt_datetime(fresh.updated_at)))
    if data.registry(version, f.block).empty or data.reporting(version, f.year, f.period, f.block, f.at).empty:
        st.info(t("no_units", year=f.year))
        st.stop()
    if needs_period_data and data.period_spec(version, f.year, f.period, f.at).as_of is None:
        st.info(f"{t('no_data')} ({period_name(f.year, f.period)})")
        st.stop()
    return f, version


def one_unit_note(frame_units: int) -> None:
    if frame_units == 1:
        st.info(t("one_unit"))
