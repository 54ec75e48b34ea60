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


def _layout_parts(title: str, theme: str, height: int) -> tuple[dict, dict, dict]:
    """The shared look as plain dicts (layout, x axis, y axis), so a figure can be built in one step."""
    sizes = THEMES[theme]
    layout = {
        "title": {"text": title, "font": {"size": sizes["title"], "color": INK}, "x": 0, "xanchor": "left"},
        "font": {"family": FONT, "size": sizes["font"], "color": INK},
        "separators": ",.",  # Vietnamese: decimal comma, thousands dot
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "height": height,
        "margin": {"l": 10, "r": 40, "t": 70 + sizes["title"], "b": 40},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "title": None},
        "hoverlabel": {"font": {"size": sizes["font"]}},
    }
    xaxis = {"gridcolor": "#DDDDDD", "zerolinecolor": "#888888", "tickfont": {"size": sizes["font"]}}
    yaxis = {"tickfont": {"size": sizes["font"], "color": INK}, "automargin": True}
    return layout, xaxis, yaxis


def _layout(fig: go.Figure, title: str, theme: str, height: int) -> go.Figure:
    layout, xaxis, yaxis = _layout_parts(title, theme, height)
    fig.update_layout(layout)
    fig.update_xaxes(xaxis)
    fig.update_yaxes(yaxis)
    return fig


def _decimals(values: pd.Series, unit: str) -> int:
    return 1 if unit == "%" or any(not float(v).is_integer() for v in values.dropna()) else 0


# A projected bar chart stays legible up to about 40 rows; with more units (national scale) it shows
# the best and the worst 20 and says so, instead of drawing a 30,000-pixel-tall chart.
MAX_BARS = 40
# Plotly's per-property validation is most of a figure's build time (~6 of 7 ms for 22 bars). The
# dicts below are fixed by this module and tests/test_chart_scale.py checks that the unvalidated
# figure serialises exactly like a validated rebuild, so unit_bars skips it (plotly is pinned).
_VALIDATE = False


def unit_bars(
    frame: pd.DataFrame, title: str, unit: str = "", *, theme: str = "screen", lang: str = "vi", max_bars: int | None = MAX_BARS
) -> go.Figure:
    """Horizontal bars, one per unit, in the frame's order (best at the top), coloured by block.

    Needs columns short_name, name, block, value, status; optional target_min/target_max/meets_target.
    Units without data get a grey "chưa báo cáo" label instead of a zero bar; units below target are
    marked with ✗ after their value; the target is drawn per unit, so per-Cục targets show correctly.
    More than `max_bars` units: the first and last max_bars/2 rows, with a note in the title.
    The figure is assembled from plain dicts in one step: Plotly validates once instead of on every
    update call, which is most of the page's time at cluster scale.
    """
    sizes = THEMES[theme]
    if max_bars is not None and len(frame) > max_bars:
        half = max_bars // 2
        note = t("chart_best_worst", lang, n=half, total=fmt_number(len(frame)))
        frame, title = pd.concat([frame.head(half), frame.tail(half)]), f"{title} · {note}"
    data = frame.iloc[::-1].reset_index(drop=True)  # Plotly draws the first category at the bottom
    decimals = _decimals(data["value"], unit)
    traces: list[dict] = []
    for block in BLOCK_COLOURS:
        part = data[(data["block"] == block) & data["value"].notna()]
        if part.empty:
            continue
        meets = part["meets_target"] if "meets_target" in part else pd.Series([None] * len(part))
        texts = [fmt_number(v, decimals) + (" ✗" if pd.notna(m) and not bool(m) else "") for v, m in zip(part["value"], meets, strict=True)]
        traces.append(
            {
                "type": "bar",
                "x": part["value"],
                "y": part["short_name"],
                "orientation": "h",
                "name": block_name(block, lang),
                "marker": {"color": BLOCK_COLOURS[block], "line": {"color": INK, "width": 0.5}},
                "text": texts,
                "textposition": "outside",
                "textfont": {"size": sizes["label"], "color": INK},
                "cliponaxis": False,
                "customdata": part[["name"]],
                "hovertemplate": "<b>%{customdata[0]}</b><br>%{x:,." + str(decimals) + "f} " + unit + "<extra></extra>",
            }
        )
    missing = data[data["value"].isna()]
    if not missing.empty:
        traces.append(
            {
                "type": "scatter",
                "x": [0] * len(missing),
                "y": missing["short_name"],
                "mode": "markers+text",
                "name": t("kpi_missing_units", lang, units="").rstrip(": "),
                "marker": {"symbol": "line-ns-open", "size": 14, "color": MISSING_COLOUR},
                "text": [_status_text(s, lang) for s in missing["status"]],
                "textposition": "middle right",
                "textfont": {"size": sizes["label"], "color": "#555555"},
                "customdata": missing[["name"]],
                "hovertemplate": "<b>%{customdata[0]}</b><br>%{text}<extra></extra>",
            }
        )
    if "target_min" in data and data["target_min"].notna().any():
        traces.append(
            {
                "type": "scatter",
                "x": data["target_min"],
                "y": data["short_name"],
                "mode": "markers",
                "name": t("target", lang),
                "marker": {"symbol": "line-ns", "size": sizes["row"] * 0.9, "line": {"width": 3, "color": TARGET_COLOUR}},
                "hovertemplate": t("target", lang) + ": %{x:,." + str(decimals) + "f} " + unit + "<extra></extra>",
            }
        )
    layout, xaxis, yaxis = _layout_parts(title, theme, height=120 + sizes["row"] * max(len(data), 1) + sizes["title"] * 2)
    yaxis.update(categoryorder="array", categoryarray=list(data["short_name"]))
    top = pd.concat([data["value"], data.get("target_min", pd.Series(dtype=float))]).max()
    if top is not None and not (isinstance(top, float) and math.isnan(top)) and top > 0:
        xaxis["range"] = [0, float(top) * 1.18]  # room for the value labels
    if unit:
        xaxis["title"] = {"text": unit}
    legend = {k: v for k, v in layout["legend"].items() if v is not None}  # what validation would drop
    return go.Figure(data=traces, layout={**layout, "legend": legend, "xaxis": xaxis, "yaxis": yaxis}, _validate=_VALIDATE)


def _status_text(status: str, lang: str) -> str:
    vi, en = STATUS.get(status, STATUS["missing"])
    return en if lang == "en" else vi
