"""Click to open: a click on a unit's bar, dot or heatmap cell opens that unit's profile with the
same year, period, block and indicator, as a new URL (so the browser's Back returns); and the
profile's own unit picker when no unit is chosen.

A clicked point names its unit the way the chart shows it — the row label (short name, escaped by
some charts) or the full name in the hover data — so any chart that draws units can be clicked
without each chart carrying codes for it.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from analytics.labels import t
from analytics.trust.safety import plotly_escape
from ui import data
from ui.filters import Filters

PROFILE_PAGE = "pages/unit_profile.py"
PICKER_KEY = "profile_pick_unit"


def unit_lookup(data_version: int) -> dict[str, str]:
    """Every way a chart labels a unit (short and full name, raw and as charts escape them) → its code."""
    registry = data.registry(data_version, None)
    found: dict[str, str] = {}
    for column in ("name", "short_name"):  # short names last: they win if a full name ever equals one
        for code, label in zip(registry["code"], registry[column], strict=True):
            found[str(label)] = found[plotly_escape(label)] = str(code)
    return found


def clicked_unit(points: list[Mapping[str, object]], lookup: Mapping[str, str]) -> str | None:
    """The unit of the first clicked point that names one, else None (a milestone, a criterion)."""
    for point in points:
        custom = point.get("customdata")
        candidates = [point.get("y"), custom[0] if isinstance(custom, list) and custom else custom, point.get("x")]
        for value in candidates:
            if isinstance(value, str) and value in lookup:
                return lookup[value]
    return None


def profile_params(f: Filters, unit: str, indicator: str | None) -> dict[str, str]:
    """The URL of a unit's profile keeping the view's year, period, block and indicator."""
    params = {"year": str(f.year), "period": f.period, "block": f.block or "ALL", "unit": unit}
    return params | ({"ind": indicator} if indicator else {})


def open_clicked(event: object) -> None:
    """After a chart's selection event: switch to the clicked unit's profile (nothing else clicked: stay)."""
    points = list(getattr(getattr(event, "selection", None), "points", None) or [])
    f: Filters | None = st.session_state.get("filters")
    if not points or f is None:
        return
    unit = clicked_unit(points, unit_lookup(data.version()))
    if unit is None:
        return
    # The sidebar adopts URL values once per session; the profile's URL must win over the current widgets.
    st.session_state["_filters_from_url"] = False
    st.switch_page(PROFILE_PAGE, query_params=profile_params(f, unit, st.query_params.get("ind")))


def _pick(choice_key: str) -> None:
    st.session_state["f_unit"] = st.session_state[choice_key]  # a callback runs before the sidebar is drawn


def unit_picker(f: Filters) -> None:
    """The profile's own unit chooser, shown when the sidebar's unit filter says "all units"."""
    active = data.active_registry(data.version(), f.year, f.block)
    names = dict(zip(active["code"], active["name"], strict=True))
    st.selectbox(
        t("pick_unit"), list(names), index=None, format_func=names.get, key=PICKER_KEY, on_change=_pick, args=(PICKER_KEY,),
        placeholder=t("pick_unit_placeholder"),
    )  # fmt: skip
