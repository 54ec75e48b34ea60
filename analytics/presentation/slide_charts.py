"""Figures that only slides need (a KPI board, the meeting's timeline) and the dark projector variant.

Pure functions like analytics.presentation.charts: data in, Plotly figure out. The dark variant is applied to a
finished figure, so every chart kind (including ones added later to charts.py) gets it for free.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import date, timedelta

import plotly.graph_objects as go

from analytics.config import Milestone, Phase
from analytics.labels import fmt_date
from analytics.presentation.charts import BLOCK_COLOURS, FONT, INK, THEMES
from analytics.presentation.kpis import Kpi

DARK = {"paper": "#111111", "ink": "#F5F5F5", "muted": "#C8C8C8", "grid": "#4A4A4A", "card": "#262626"}
LIGHT = {"paper": "#FFFFFF", "ink": INK, "muted": "#4D4D4D", "grid": "#DDDDDD", "card": "#F2F2F2"}
_DARK_INKS = {INK.lower(), "#555555", "#1a1a1a", "black"}


def palette(variant: str) -> dict[str, str]:
    return DARK if variant == "dark" else LIGHT


def _base(fig: go.Figure, title: str, theme: str, variant: str) -> go.Figure:
    sizes, colours = THEMES[theme], palette(variant)
    fig.update_layout(
        title={"text": title, "font": {"size": sizes["title"], "color": colours["ink"]}, "x": 0, "xanchor": "left"},
        font={"family": FONT, "size": sizes["font"], "color": colours["ink"]},
        paper_bgcolor=colours["paper"],
        plot_bgcolor=colours["paper"],
        margin={"l": 10, "r": 40, "t": 70 + sizes["title"], "b": 40},
        showlegend=False,
    )
    return fig


def _wrap(text: str, width: int, max_lines: int = 3) -> str:
    """Wrap for a card; a longer text is cut with an ellipsis (the caption carries the full story)."""
    lines = textwrap.wrap(text, width, max_lines=max_lines, placeholder=" …") if text else []
    return "<br>".join(lines)


def kpi_board(kpis: Sequence[Kpi], title: str, *, theme: str = "projector", variant: str = "light") -> go.Figure:
    """Headline figures as cards: a big number, its label and one line of detail each."""
    sizes, colours = THEMES[theme], palette(variant)
    fig = _base(go.Figure(), title, theme, variant)
    columns = min(3, max(len(kpis), 1))
    rows = max(1, -(-len(kpis) // columns))
    gap = 0.03
    width, height = (1 - gap * (columns - 1)) / columns, (1 - gap * (rows - 1)) / rows
    for i, kpi in enumerate(kpis):
        row, col = divmod(i, columns)
        x0, y1 = col * (width + gap), 1 - row * (height + gap)
        x_mid, y0 = x0 + width / 2, y1 - height
        fig.add_shape(
            type="rect", xref="paper", yref="paper", x0=x0, x1=x0 + width, y0=y0, y1=y1,
            fillcolor=colours["card"], line={"color": colours["grid"], "width": 2}, layer="below",
        )  # fmt: skip
        fig.add_annotation(
            x=x_mid, y=y1 - height * 0.08, xref="paper", yref="paper", xanchor="center", yanchor="top", showarrow=False,
            text=_wrap(kpi.label, 34, 2), font={"size": sizes["font"] + 6, "color": colours["ink"]},
        )  # fmt: skip
        fig.add_annotation(
            x=x_mid, y=y0 + height * 0.52, xref="paper", yref="paper", xanchor="center", yanchor="middle", showarrow=False,
            text=f"<b>{kpi.value}</b>", font={"size": sizes["title"] * 2, "color": colours["ink"]},
        )  # fmt: skip
        if kpi.detail:
            fig.add_annotation(
                x=x_mid, y=y0 + height * 0.06, xref="paper", yref="paper", xanchor="center", yanchor="bottom", showarrow=False,
                text=_wrap(kpi.detail, 44, 2), font={"size": sizes["label"], "color": colours["muted"]},
            )  # fmt: skip
    fig.update_xaxes(visible=False, range=[0, 1])
    fig.update_yaxes(visible=False, range=[0, 1])
    return fig


def meeting_timeline(
    phases: Sequence[Phase],
    milestones: Sequence[Milestone],
    title: str,
    *,
    highlight: Sequence[int] = (),
    theme: str = "projector",
    variant: str = "light",
) -> go.Figure:
    """The campaign year as a meeting reviews it: phases as bands (the ones under review stronger),
    milestones as diamonds labelled with name, date and place, alternately above and below the line.

    Unlike the dashboard's charts.today_on_timeline, everything is written out (nobody hovers over a
    projected slide) and today is not marked: a pack is shown days after it was exported."""
    sizes, colours = THEMES[theme], palette(variant)
    fig = _base(go.Figure(), title, theme, variant)
    band = {True: "rgba(0,114,178,0.28)", False: "rgba(128,128,128,0.16)"}
    for phase in phases:
        fig.add_shape(
            type="rect", xref="x", yref="y", x0=phase.start, x1=phase.end + timedelta(days=1), y0=-0.35, y1=0.35,
            fillcolor=band[phase.number in highlight], line={"width": 0}, layer="below",
        )  # fmt: skip
        middle = phase.start + (phase.end - phase.start) / 2
        fig.add_annotation(
            x=middle, y=0, showarrow=False, font={"size": sizes["font"] + 2, "color": colours["ink"]},
            text=f"<b>{phase.name}</b>: {fmt_date(phase.start)[:5]}–{fmt_date(phase.end)}",
        )  # fmt: skip
    for i, m in enumerate(sorted(milestones, key=lambda m: m.date)):
        up = i % 2 == 0
        lines = [f"<b>{fmt_date(m.date)}</b>", *textwrap.wrap(m.name, 26), *textwrap.wrap(m.place, 30)]
        fig.add_annotation(
            x=m.date, y=0.45 if up else -0.45, ax=0, ay=-60 if up else 60, showarrow=True, arrowwidth=2,
            arrowcolor=colours["muted"], yanchor="bottom" if up else "top", align="center",
            text="<br>".join(lines), font={"size": sizes["font"] + 2, "color": colours["ink"]},
        )  # fmt: skip
    if milestones:
        fig.add_scatter(
            x=[m.date for m in milestones], y=[0.45 if i % 2 == 0 else -0.45 for i in range(len(milestones))],
            mode="markers", marker={"symbol": "diamond", "size": 22, "color": BLOCK_COLOURS["THADS"],
                                    "line": {"color": colours["ink"], "width": 2}},
            hoverinfo="skip",
        )  # fmt: skip
    years = {p.start.year for p in phases} or {m.date.year for m in milestones}
    if years:
        year = min(years)
        fig.update_xaxes(range=[date(year, 1, 1) - timedelta(days=12), date(year, 12, 31) + timedelta(days=12)])
    fig.update_xaxes(
        showgrid=False, tickformat="%m/%Y", dtick="M1", tickfont={"size": sizes["font"], "color": colours["ink"]},
        linecolor=colours["muted"], showline=True,
    )  # fmt: skip
    fig.update_yaxes(visible=False, range=[-1.6, 1.6])
    return fig


def apply_variant(fig: go.Figure, variant: str) -> go.Figure:
    """Recolour a finished light figure for a dark room: dark paper, light ink, dimmer grid.
    The block colours stay: they keep their greyscale difference on either background."""
    if variant != "dark":
        return fig
    colours = DARK
    fig.update_layout(paper_bgcolor=colours["paper"], plot_bgcolor=colours["paper"], font={"color": colours["ink"]})
    fig.update_layout(title_font_color=colours["ink"], legend_font_color=colours["ink"])
    fig.update_xaxes(
        gridcolor=colours["grid"], zerolinecolor=colours["muted"], tickfont_color=colours["ink"], title_font_color=colours["ink"]
    )
    fig.update_yaxes(
        gridcolor=colours["grid"], zerolinecolor=colours["muted"], tickfont_color=colours["ink"], title_font_color=colours["ink"]
    )
    for trace in fig.data:
        textfont = getattr(trace, "textfont", None)
        if textfont is not None and (textfont.color or "").lower() in _DARK_INKS:
            trace.textfont.color = colours["ink"]
        marker = getattr(trace, "marker", None)
        if marker is not None and marker.line is not None and (marker.line.color or "") in (INK,):
            trace.marker.line.color = colours["ink"]
    for annotation in fig.layout.annotations:
        if (annotation.font.color or "").lower() in _DARK_INKS:
            annotation.font.color = colours["ink"]
    return fig
