"""Sidebar filters (year, period, block) shared by every page and mirrored in the URL, so a copied
link reproduces the view. URL values are checked against allow-lists, never trusted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import streamlit as st

from analytics import results
from analytics.config import ConfigError
from analytics.labels import block_name, fmt_datetime, period_short_name, t
from analytics.measures import PERIODS
from ui import data, present

BLOCK_CHOICES = ("ALL", "STP", "THADS")


@dataclass(frozen=True)
class Filters:
    year: int
    period: str
    block: str | None
    unit: str | None = None  # a unit code, or None for all units
    at: datetime | None = None  # data cut-off: values as they stood then (None: current values)


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
    if params.get("as_of"):
        st.session_state["f_as_of"] = params["as_of"]  # checked in _as_of_choice()


def _as_of_choice(year: int) -> str:
    """Current values, or the data cut-off of one of the year's meetings (or a valid one from the URL):
    whoever prepares a meeting sees every page as the meeting will."""
    try:
        cutoffs = {m.cutoff: m.title for m in present.meetings().values() if m.year == year and m.cutoff is not None}
    except ConfigError:
        cutoffs = {}  # the presentation page shows the file's error
    options = ["", *(c.strftime(results.AS_OF_FORMAT) for c in sorted(cutoffs))]
    titles = {c.strftime(results.AS_OF_FORMAT): title for c, title in cutoffs.items()}
    wanted = st.session_state.get("f_as_of", "")
    if wanted not in options:
        try:
            options.append(results.parse_as_of(wanted).strftime(results.AS_OF_FORMAT))
            st.session_state["f_as_of"] = options[-1]
        except ValueError:
            st.session_state["f_as_of"] = ""

    def label(value: str) -> str:
        if not value:
            return t("as_of_current")
        when = fmt_datetime(results.parse_as_of(value))
        return t("as_of_meeting", when=when, meeting=titles[value]) if value in titles else t("as_of_other", when=when)

    return str(st.selectbox(t("filter_as_of"), options, key="f_as_of", format_func=label, help=t("filter_as_of_help")))


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
        active = data.active_registry(data.version(), year, None if block == "ALL" else block)
        # Active units first; a unit that merged away stays choosable so an old link still explains itself.
        active_codes = active["code"].tolist()
        current = set(active_codes)  # built once: inside the comprehension it cost 0.5 s with 1,000 units
        options = ["ALL", *active_codes, *[c for c in registry["code"].tolist() if c not in current]]
        if st.session_state.get("f_unit") not in options:
            st.session_state["f_unit"] = "ALL"
        unit = st.selectbox(
            t("filter_unit"), options, key="f_unit", format_func=lambda c: t("all_units") if c == "ALL" else names.get(c, c)
        )
        as_of = _as_of_choice(int(year))
    st.query_params.update({"year": str(year), "period": period, "block": block, "unit": unit})
    if as_of:
        st.query_params["as_of"] = as_of
    else:
        st.query_params.pop("as_of", None)
    at = results.parse_as_of(as_of) if as_of else None
    return Filters(int(year), period, None if block == "ALL" else block, None if unit == "ALL" else unit, at)


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
