"""Notes on the charts in the dashboard: the year's notes (cached on the data version), the stars
they put on a page's charts, the unit profile's list, and the form that adds, edits and removes them
through analytics.trust.actions (the functions `python -m analytics note` calls).

Notes are user text: shown in st.dataframe cells and widget values (plain text), in Plotly only
through analytics.presentation.chart_notes (escaped), and in messages through markdown_escape.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import notes, queries
from analytics.labels import period_name, t
from analytics.presentation import chart_notes, charts
from analytics.trust import actions, auth
from analytics.trust.safety import markdown_escape
from ui import auth as auth_ui
from ui import data
from ui.filters import Filters


@st.cache_data(show_spinner=False, max_entries=64)
def year_notes(data_version: int, year: int) -> pd.DataFrame:
    with data.reading() as cur:
        return notes.for_year(cur, year)


def _shown(f: Filters, *, codes: set[str] | None, units: list[str] | None) -> pd.DataFrame:
    version = data.version()
    quarters = data.period_spec(version, f.year, f.period).quarters
    return notes.matching(year_notes(version, f.year), quarters, codes=codes, units=units)


def _indicator_codes(year: int, indicator: str) -> set[str]:
    """A chart of one indicator shows notes on it and on its covenant content."""
    cat = data.catalogue(data.version(), year)
    return {indicator, *cat.loc[cat["code"] == indicator, "content"].astype(str)}


def on_unit_bars(figure: go.Figure, ranked: pd.DataFrame, f: Filters, indicator: str) -> go.Figure:
    """Stars on the units of a one-indicator bar chart (the frame `charts.unit_bars` drew)."""
    units = ranked["unit_code"].tolist()
    found = _shown(f, codes=_indicator_codes(f.year, indicator), units=units)
    return chart_notes.on_rows(figure, found, dict(zip(units, ranked["short_name"], strict=True)))


def on_heatmap(figure: go.Figure, grid: pd.DataFrame, f: Filters) -> go.Figure:
    """Stars in the cells of units × covenant contents (rows are the escaped short names the heatmap uses)."""
    units = grid.drop_duplicates("unit_code")
    found = _shown(f, codes=None, units=units["unit_code"].tolist())
    return chart_notes.on_cells(figure, found, dict(zip(units["unit_code"], map(html.escape, units["short_name"]), strict=True)))


def unit_trend(f: Filters, code: str, block: str, indicator: str, label: str, unit: str) -> go.Figure:
    """One unit's quarters for one indicator against its block, with its notes as stars."""
    version = data.version()
    quarters = data.quarter_values(version, f.year, block)
    series = quarters[quarters["indicator"] == indicator]
    mine = series[series["unit_code"] == code]
    title = f"{label} — {period_name(f.year, 'year')}"
    figure = charts.quarter_trend(
        series, title, unit, highlight=code, phases=data.phases(version, f.year), target=queries.common_target(mine)
    )
    found = notes.matching(year_notes(version, f.year), (1, 2, 3, 4), codes=_indicator_codes(f.year, indicator), units=[code])
    values = dict(zip(mine["quarter"].astype(int), mine["value"], strict=True))
    return chart_notes.on_quarters(figure, found, values)


def unit_notes(f: Filters, code: str) -> pd.DataFrame:
    """The unit's notes and the cluster's, for the profile's list: plain values, Vietnamese headers."""
    found = notes.matching(year_notes(data.version(), f.year), (1, 2, 3, 4), units=[code])
    return pd.DataFrame(
        {
            t("note_col_id"): found["id"],
            t("note_col_about"): [chart_notes.subject(r) for _, r in found.iterrows()],
            t("note_col_text"): found["text"],
            t("note_col_by"): found["by"],
            t("note_col_at"): found["at"].dt.strftime("%d/%m/%Y %H:%M"),
        }
    )


def _period_choices(f: Filters) -> dict[str, tuple[int | None, int | None]]:
    phases = data.phases(data.version(), f.year)
    choices: dict[str, tuple[int | None, int | None]] = {period_name(f.year, "year"): (None, None)}
    choices |= {period_name(f.year, f"Q{q}"): (q, None) for q in (1, 2, 3, 4)}
    choices |= {period_name(f.year, f"P{n}"): (None, int(n)) for n in phases["number"]}
    return choices


def editor(f: Filters, code: str) -> None:
    """Add, edit and remove this unit's notes, for whoever may (the secretariat; the unit itself)."""
    user = auth_ui.current_user()
    if not auth.can(user, auth.Action.NOTE, [code]):
        return
    auth_ui.show_flash()  # "saved", after the rerun that shows the change
    with st.expander(t("note_edit_title")):
        version = data.version()
        periods = _period_choices(f)
        cat = data.catalogue(version, f.year)
        contents = data.contents(version, f.year)
        about = {"": t("note_any_indicator")} | dict(zip(contents["code"], contents["title"], strict=True))
        about |= dict(zip(cat["code"], cat["label"], strict=True))
        with st.form("note_add", clear_on_submit=True):
            period = st.selectbox(t("filter_period"), list(periods))
            indicator = st.selectbox(t("indicator"), list(about), format_func=lambda c: about[c][:90])
            text = st.text_area(t("note_text"), max_chars=notes.MAX_TEXT)
            if st.form_submit_button(t("note_add")):
                quarter, phase = periods[period]
                _act(lambda: actions.add_note(data.store(), user, notes.Scope(f.year, quarter, phase, code, indicator or None), text))
        everyone = year_notes(version, f.year)
        mine = everyone[everyone["unit_code"] == code]  # the unit's own: cluster-wide notes are not its to edit
        if mine.empty:
            return
        texts = dict(zip(mine["id"].astype(int), mine["text"], strict=True))
        chosen = st.selectbox(t("note_pick"), list(texts), format_func=lambda i: f"#{i} · {texts[i][:80]}", key="note_pick")
        new_text = st.text_input(t("note_text"), value=texts[chosen], max_chars=notes.MAX_TEXT, key=f"note_text_{chosen}")
        left, right = st.columns(2)
        if left.button(t("note_save"), key="note_save"):
            _act(lambda: actions.edit_note(data.store(), user, chosen, new_text))
        if right.button(t("note_remove"), key="note_remove"):
            _act(lambda: actions.remove_note(data.store(), user, chosen))


def _act(work) -> None:  # type: ignore[no-untyped-def]
    try:
        work()
    except (notes.NoteError, auth.PermissionDenied) as exc:
        st.error(markdown_escape(exc, 2000))
        return
    auth_ui.flash(t("note_saved"))
    st.rerun()
