"""Sidebar filters (year, period, block) shared by every page and mirrored in the URL, so a copied
link reproduces the view. URL values are checked against allow-lists, never trusted."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from analytics.labels import block_name, period_short_name, t
from analytics.measures import PERIODS
from ui import data

BLOCK_CHOICES = ("ALL", "STP", "THADS")


@dataclass(frozen=True)
class Filters:
    year: int
    period: str
    block: str | None
    unit: str | None = None  # a unit code, or None for all units


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
    if params.get("unit"):
        st.session_state["f_unit"] = params["unit"]  # checked against the registry in sidebar()


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
        period = st.selectbox(t("filter_period"), PERIODS, key="f_period", format_func=period_short_name)
        block = st.radio(
            t("filter_block"),
            BLOCK_CHOICES,
            key="f_block",
            format_func=lambda b: t("all_blocks") if b == "ALL" else block_name(b),
        )
        registry = data.registry(data.version(), None if block == "ALL" else block)
        names = dict(zip(registry["code"], registry["short_name"], strict=True))
        active = registry[(registry["valid_from"] <= year) & (registry["valid_to"].isna() | (registry["valid_to"] >= year))]
        # Active units first; a unit that merged away stays choosable so an old link still explains itself.
        active_codes = active["code"].tolist()
        current = set(active_codes)  # built once: inside the comprehension it cost 0.5 s with 1,000 units
        options = ["ALL", *active_codes, *[c for c in registry["code"].tolist() if c not in current]]
        if st.session_state.get("f_unit") not in options:
            st.session_state["f_unit"] = "ALL"
        unit = st.selectbox(
            t("filter_unit"), options, key="f_unit", format_func=lambda c: t("all_units") if c == "ALL" else names.get(c, c)
        )
    st.query_params.update({"year": str(year), "period": period, "block": block, "unit": unit})
    return Filters(int(year), period, None if block == "ALL" else block, None if unit == "ALL" else unit)


def url_choice(label: str, options: list, key: str, param: str, *, format_func=str, widget: str = "selectbox", default=None):  # type: ignore[no-untyped-def]
    """A page's own choice (indicator, view...) that also lives in the URL under `param`.

    A value from the URL is taken only when it is one of `options` (never trusted otherwise).
    """
    if not options:
        return None
    wanted = st.query_params.get(param)
    by_text = {str(o): o for o in options}
    if key not in st.session_state and wanted in by_text:
        st.session_state[key] = by_text[wanted]
    if st.session_state.get(key) not in options:
        st.session_state[key] = default if default in options else options[0]
    draw = st.radio if widget == "radio" else st.selectbox
    kwargs = {"horizontal": True} if widget == "radio" else {}
    value = draw(label, options, key=key, format_func=format_func, **kwargs)
    st.query_params[param] = str(value)
    return value
