"""Every chart a page shows goes through `show_chart`, so each gets the same width and toolbar."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

# The toolbar's Plotly logo is a link out of the dashboard; a projected slide shows no toolbar at all.
_SCREEN_CONFIG = {"displaylogo": False}
_PROJECTOR_CONFIG = {"displayModeBar": False}


def show_chart(figure: go.Figure, *, key: str | None = None, projector: bool = False) -> None:
    """Draw `figure` across the page. A projector figure keeps its own colours (Streamlit's theme
    would repaint the dark variant) and has no toolbar."""
    config = _PROJECTOR_CONFIG if projector else _SCREEN_CONFIG
    st.plotly_chart(figure, width="stretch", theme=None if projector else "streamlit", key=key, config=config)
