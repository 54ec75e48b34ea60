"""Sidebar filters (year, period, block) shared by every page and mirrored in the URL, so a copied
link reproduces the view. URL values are checked against allow-lists, never trusted."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from analytics.labels import block_name, period_name, t
from analytics.measures import PERIODS
from ui import data

BLOCK_CHOICES = ("ALL", "STP", "THADS")


@dataclass(frozen=True)
class Filters:
    year: int
    period: str
    block: str | None


def _period_label(period: str) -> str:
    if period == "year":
        return t("year_whole")
    return period_name(0, period).split("/")[0]


def _adopt_query_params(years: list[int]) -> None:
    """Copy valid URL values into widget state once per session (a shared link wins over defaults)."""
    if st.session_state.get("_filters_from_url"):
        return
    st.session_state["_filters_from_url"] = True
    params = st.query_params
    year = params.get("year", "")
    if year.isdigit() and int(year) in years:
        st.session_state["f_year"] = int(year)
    if params.get("period") in PERIODS:
        st.session_state["f_period"] = params["period"]
    if params.get("block") in BLOCK_CHOICES:
        st.session_state["f_block"] = params["block"]


def sidebar() -> Filters | None:
    """Draw the filters; None when the store has no year at all."""
    years = data.years(data.version())
    if not years:
        st.sidebar.info(t("no_campaign"))
        return None
    _adopt_query_params(years)
    if st.session_state.get("f_year") not in years:
        st.session_state["f_year"] = years[0]
    with st.sidebar:
        year = st.selectbox(t("filter_year"), years, key="f_year")
        period = st.selectbox(t("filter_period"), PERIODS, key="f_period", format_func=_period_label)
        block = st.radio(
            t("filter_block"),
            BLOCK_CHOICES,
            key="f_block",
            format_func=lambda b: t("all_blocks") if b == "ALL" else block_name(b),
        )
    st.query_params.update({"year": str(year), "period": period, "block": block})
    return Filters(int(year), period, None if block == "ALL" else block)
