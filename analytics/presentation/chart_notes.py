"""Notes on a finished chart: a star where a note's unit (and quarter or covenant content) sits on the
chart, with the note as hover text; one marker in the corner for notes about the whole view; and the
footnote line of a slide.

Notes are user text: every string that reaches Plotly goes through `safety.plotly_escape` (Plotly
renders <a>, <b> and <br> in hover text and annotations), and the footnote is plain text that each
surface escapes for itself.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from analytics.labels import period_name, t
from analytics.notes import MAX_TEXT
from analytics.presentation.charts import INK
from analytics.trust.safety import plain, plotly_escape

MARKER = {"symbol": "star", "size": 18, "color": INK, "line": {"color": "white", "width": 1.5}}
_DESCRIBED = MAX_TEXT + 200  # the note plus its period, unit and indicator
FOOTNOTE_CHARS = 150  # a line of 18 px text across a 1920 px slide
FOOTNOTE_LINES = 3


def subject(row: pd.Series, lang: str = "vi") -> str:
    """What a note is about, as plain text: 'Quý 2/2016 · STP Hà Nội · Số xã NTM'."""
    if pd.notna(row["quarter"]):
        period = period_name(int(row["year"]), f"Q{int(row['quarter'])}", lang)
    elif pd.notna(row["phase"]):
        period = period_name(int(row["year"]), f"P{int(row['phase'])}", lang)
    else:
        period = period_name(int(row["year"]), "year", lang)
    who = row["unit_name"] if pd.notna(row["unit_name"]) else t("note_whole_cluster", lang)
    parts = [period, str(who)] + ([str(row["indicator_label"])] if pd.notna(row["indicator_label"]) else [])
    return plain(" · ".join(parts), _DESCRIBED)


def describe(row: pd.Series, lang: str = "vi") -> str:
    """One line of plain text: 'Quý 2/2016 · STP Hà Nội · Số xã NTM: số liệu điều chỉnh sau kiểm tra'."""
    return plain(f"{subject(row, lang)}: {row['text']}", _DESCRIBED)


def _hover(rows: pd.DataFrame, lang: str) -> str:
    return "<br>".join(plotly_escape("✎ " + describe(r, lang), _DESCRIBED) for _, r in rows.iterrows())


def _shown_rows(figure: go.Figure, rows: dict[str, str]) -> dict[str, str]:
    """The units of `rows` whose row the chart shows (all of them when its y axis lists no categories)."""
    shown = getattr(figure.layout.yaxis, "categoryarray", None)
    if shown is None:
        return rows
    labels = {str(c) for c in shown}
    return {code: label for code, label in rows.items() if str(label) in labels}


def _stars(figure: go.Figure, xs: Sequence[object], ys: Sequence[object], hovers: list[str], lang: str, *, legend: bool = True) -> None:
    if xs:
        figure.add_trace(
            go.Scatter(
                x=xs, y=ys, mode="markers", marker=MARKER, name=t("note_legend", lang), hovertext=hovers,
                hovertemplate="%{hovertext}<extra></extra>", cliponaxis=False, showlegend=legend,
            )
        )  # fmt: skip


def _general(figure: go.Figure, rows: pd.DataFrame, lang: str) -> None:
    """Notes that have no point of their own on this chart: one marker above the plot's right end."""
    if rows.empty:
        return
    figure.add_annotation(
        text="✎ " + plotly_escape(t("note_more", lang, n=len(rows))), hovertext=_hover(rows, lang),
        x=1, xref="paper", y=1, yref="paper", xanchor="right", yanchor="bottom", showarrow=False,
        font={"color": INK}, bgcolor="#FFF3C4", bordercolor=INK, borderwidth=1,
    )  # fmt: skip


def on_rows(figure: go.Figure, notes: pd.DataFrame, rows: dict[str, str], *, lang: str = "vi") -> go.Figure:
    """A chart with one row per unit (bars, dumbbells): a star at the start of each noted unit's row.

    `rows` maps unit codes to the row labels the chart uses; units the chart does not show (a
    national chart shows the best and worst 20) get no star."""
    rows = _shown_rows(figure, rows)
    pinned = notes[notes["unit_code"].isin(rows)]
    # Just inside the bar's start: on the axis line the star would cover the unit's name.
    span = figure.layout.xaxis.range
    start = float(span[1]) * 0.015 if span else 0
    xs, ys, hovers = [], [], []
    for code, group in pinned.groupby("unit_code", sort=False):
        xs.append(start)
        ys.append(rows[str(code)])
        hovers.append(_hover(group, lang))
    _stars(figure, xs, ys, hovers, lang)
    _general(figure, notes[notes["unit_code"].isna()], lang)
    return figure


def on_quarters(figure: go.Figure, notes: pd.DataFrame, values: dict[int, float], *, lang: str = "vi") -> go.Figure:
    """One unit's quarter line: a star on the last quarter a note covers, at the unit's value there
    (on the axis when it has none). Notes on the whole year go to the corner marker."""
    yearly = notes["quarters"].map(lambda qs: len(qs) == 4)
    pinned = notes[~yearly].assign(at=notes.loc[~yearly, "quarters"].map(max))
    xs, ys, hovers = [], [], []
    for quarter, group in pinned.groupby("at", sort=True):
        value = values.get(int(quarter))
        xs.append(int(quarter))
        ys.append(0 if value is None or pd.isna(value) else value)
        hovers.append(_hover(group, lang))
    _stars(figure, xs, ys, hovers, lang)
    _general(figure, notes[yearly], lang)
    return figure


def on_cells(figure: go.Figure, notes: pd.DataFrame, rows: dict[str, str], *, lang: str = "vi") -> go.Figure:
    """Units × covenant contents: a star in the cell of a note's unit and content (an indicator's note
    in its content's column); other notes go to the corner marker."""
    rows = _shown_rows(figure, rows)
    # Columns are headed by the contents' short titles; the cells' clickable points carry the code.
    columns = {
        str(code): heading
        for trace in figure.data
        if trace.type == "scatter" and trace.customdata is not None
        for code, heading in zip(trace.customdata, trace.x, strict=True)
    }
    at_cell = notes["unit_code"].isin(rows) & notes["content"].isin(columns)
    xs, ys, hovers = [], [], []
    for (code, content), group in notes[at_cell].groupby(["unit_code", "content"], sort=False):
        xs.append(columns[str(content)])
        ys.append(rows[str(code)])
        hovers.append(_hover(group, lang))
    _stars(figure, xs, ys, hovers, lang, legend=False)  # a heatmap's legend would sit on its column codes
    _general(figure, notes[~at_cell & notes["unit_code"].isna()], lang)
    return figure


def footnote(notes: pd.DataFrame, lang: str = "vi") -> str:
    """The slide's footnote: every note the slide covers, as one line of plain text ('' when none)."""
    if notes.empty:
        return ""
    return f"✎ {t('note_footnote', lang)}: " + "; ".join(describe(r, lang) for _, r in notes.iterrows())


def with_footnote(figure: go.Figure, text: str, size: int) -> go.Figure:
    """The footnote written under the plot, inside the figure, so the page, the HTML pack and the
    images all carry it: wrapped at FOOTNOTE_CHARS, at most FOOTNOTE_LINES lines, below the axis title."""
    if not text:
        return figure
    lines = textwrap.wrap(text, FOOTNOTE_CHARS, max_lines=FOOTNOTE_LINES, placeholder=" …")
    margin = figure.layout.margin.b or 40
    below_axis = margin + 2 * size  # under the tick labels and the axis title, which sit below the plot
    figure.update_layout(margin={"b": below_axis + int(size * 1.4 * len(lines)) + size // 2})
    figure.update_xaxes(title_standoff=8)  # the axis title stays by its ticks instead of drifting into the note
    figure.add_annotation(
        text="<br>".join(plotly_escape(line, FOOTNOTE_CHARS) for line in lines), x=0, xref="paper", y=0, yref="paper",
        yshift=-below_axis, xanchor="left", yanchor="top", showarrow=False, align="left", font={"size": size, "color": INK},
    )  # fmt: skip
    return figure
