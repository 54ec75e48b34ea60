"""Every chart a page shows goes through `show_chart`, so each gets the same width and toolbar, and a
click on a unit in any of them opens that unit's profile (ui.drill)."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from analytics.presentation.narrow import for_narrow_screen
from ui import drill, phone

# The toolbar's Plotly logo is a link out of the dashboard; a projected slide shows no toolbar at all.
_SCREEN_CONFIG = {"displaylogo": False}
_PROJECTOR_CONFIG = {"displayModeBar": False}


def show_chart(figure: go.Figure, *, key: str | None = None, projector: bool = False) -> None:
    """Draw `figure` across the page. A projector figure keeps its own colours (Streamlit's theme
    would repaint the dark variant), has no toolbar and is not clickable (the slideshow advances by
    itself); a screen figure opens the profile of the unit clicked in it, and on a phone is laid out
    for a narrow screen."""
    if projector:
        st.plotly_chart(figure, width="stretch", theme=None, key=key, config=_PROJECTOR_CONFIG)
        return
    if phone.is_phone():
        figure = for_narrow_screen(figure)
    event = st.plotly_chart(
        figure, width="stretch", theme="streamlit", key=key, config=_SCREEN_CONFIG, on_select="rerun", selection_mode="points"
    )
    drill.open_clicked(event)
