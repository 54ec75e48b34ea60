"""Figures are pure functions: a small query result in, a Plotly figure out, one shared look.

Colours are Okabe–Ito (safe for colour-blind viewers); the two blocks always keep the same two,
which also differ in lightness so they survive greyscale and a washed-out projector.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from analytics.labels import STATUS, block_name, fmt_number, t

BLOCK_COLOURS = {"STP": "#0072B2", "THADS": "#E69F00"}
MISSING_COLOUR = "#9E9E9E"
TARGET_COLOUR = "#B2182B"
INK = "#1A1A1A"
FONT = "Noto Sans, DejaVu Sans, Arial, sans-serif"

THEMES = {
    # base font, title font, bar label font, row height in px
    "screen": {"font": 16, "title": 22, "label": 14, "row": 30},
    "projector": {"font": 20, "title": 34, "label": 18, "row": 40},
}


def _layout(fig: go.Figure, title: str, theme: str, height: int) -> go.Figure:
    sizes = THEMES[theme]
    fig.update_layout(
        title={"text": title, "font": {"size": sizes["title"], "color": INK}, "x": 0, "xanchor": "left"},
        font={"family": FONT, "size": sizes["font"], "color": INK},
        separators=",.",  # Vietnamese: decimal comma, thousands dot
        paper_bgcolor="white",
        plot_bgcolor="white",
        height=height,
        margin={"l": 10, "r": 40, "t": 70 + sizes["title"], "b": 40},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "title": None},
        hoverlabel={"font": {"size": sizes["font"]}},
    )
    fig.update_xaxes(gridcolor="#DDDDDD", zerolinecolor="#888888", tickfont={"size": sizes["font"]})
    fig.update_yaxes(tickfont={"size": sizes["font"], "color": INK}, automargin=True)
    return fig


def _decimals(values: pd.Series, unit: str) -> int:
    return 1 if unit == "%" or any(not float(v).is_integer() for v in values.dropna()) else 0


def unit_bars(frame: pd.DataFrame, title: str, unit: str = "", *, theme: str = "screen", lang: str = "vi") -> go.Figure:
    """Horizontal bars, one per unit, in the frame's order (best at the top), coloured by block.

    Needs columns short_name, name, block, value, status; optional target_min/target_max/meets_target.
    Units without data get a grey "chưa báo cáo" label instead of a zero bar; units below target are
    marked with ✗ after their value; the target is drawn per unit, so per-Cục targets show correctly.
    """
    sizes = THEMES[theme]
    data = frame.iloc[::-1].reset_index(drop=True)  # Plotly draws the first category at the bottom
    decimals = _decimals(data["value"], unit)
    fig = go.Figure()
    for block in BLOCK_COLOURS:
        part = data[(data["block"] == block) & data["value"].notna()]
        if part.empty:
            continue
        meets = part["meets_target"] if "meets_target" in part else pd.Series([None] * len(part))
        texts = [fmt_number(v, decimals) + (" ✗" if pd.notna(m) and not bool(m) else "") for v, m in zip(part["value"], meets, strict=True)]
        fig.add_bar(
            x=part["value"],
            y=part["short_name"],
            orientation="h",
            name=block_name(block, lang),
            marker={"color": BLOCK_COLOURS[block], "line": {"color": INK, "width": 0.5}},
            text=texts,
            textposition="outside",
            textfont={"size": sizes["label"], "color": INK},
            cliponaxis=False,
            customdata=part[["name"]],
            hovertemplate="<b>%{customdata[0]}</b><br>%{x:,." + str(decimals) + "f} " + unit + "<extra></extra>",
        )
    missing = data[data["value"].isna()]
    if not missing.empty:
        fig.add_scatter(
            x=[0] * len(missing),
            y=missing["short_name"],
            mode="markers+text",
            name=t("kpi_missing_units", lang, units="").rstrip(": "),
            marker={"symbol": "line-ns-open", "size": 14, "color": MISSING_COLOUR},
            text=[_status_text(s, lang) for s in missing["status"]],
            textposition="middle right",
            textfont={"size": sizes["label"], "color": "#555555"},
            customdata=missing[["name"]],
            hovertemplate="<b>%{customdata[0]}</b><br>%{text}<extra></extra>",
        )
    if "target_min" in data and data["target_min"].notna().any():
        fig.add_scatter(
            x=data["target_min"],
            y=data["short_name"],
            mode="markers",
            name=t("target", lang),
            marker={"symbol": "line-ns", "size": sizes["row"] * 0.9, "line": {"width": 3, "color": TARGET_COLOUR}},
            hovertemplate=t("target", lang) + ": %{x:,." + str(decimals) + "f} " + unit + "<extra></extra>",
        )
    fig.update_yaxes(categoryorder="array", categoryarray=list(data["short_name"]))
    top = pd.concat([data["value"], data.get("target_min", pd.Series(dtype=float))]).max()
    if top is not None and not (isinstance(top, float) and math.isnan(top)) and top > 0:
        fig.update_xaxes(range=[0, float(top) * 1.18])  # room for the value labels
    fig.update_xaxes(title={"text": unit} if unit else None)
    return _layout(fig, title, theme, height=120 + sizes["row"] * max(len(data), 1) + sizes["title"] * 2)


def _status_text(status: str, lang: str) -> str:
    vi, en = STATUS.get(status, STATUS["missing"])
    return en if lang == "en" else vi
