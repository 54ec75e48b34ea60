"""The browser floor: a Streamlit page with nothing but one small Plotly chart (bench/run.py)."""

import plotly.graph_objects as go
import streamlit as st

st.plotly_chart(go.Figure(go.Bar(x=[3, 1, 2], y=["a", "b", "c"], orientation="h")))
