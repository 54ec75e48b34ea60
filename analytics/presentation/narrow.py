"""A finished figure rearranged for a phone (about 360–430 px wide), where a Plotly figure cannot wrap
its own title: the title wraps onto short lines, the legend moves under the plot instead of growing
over the title, a heatmap's colour bar gives its width to the cells. Unit names and tick
labels keep their size (at least MIN_FONT px), so a leader can still read them.
"""

from __future__ import annotations

import textwrap

import plotly.graph_objects as go

TITLE_CHARS = 30  # about 370 px of 17 px Noto Sans: a 390 px phone less Streamlit's padding
TITLE_FONT = 17
LINE = 24  # px per title or legend line
MIN_FONT = 12
TOP_TICKS = 40  # a heatmap's column codes above its cells, turned upright
LABEL_CHARS = 16  # a milestone's name under or over its mark
ROW_CHARS = 22  # a unit's short name ("THADS Quảng Ninh") fits whole


def wrap_title(text: str, width: int = TITLE_CHARS) -> list[str]:
    """The title's lines: its own <br> breaks kept, each part wrapped at spaces."""
    lines: list[str] = []
    for part in text.split("<br>"):
        lines += textwrap.wrap(part, width, break_long_words=False, break_on_hyphens=False) or [""]
    return lines


def _legend_rows(figure: go.Figure) -> int:
    """Legend entries drawn: on a phone a horizontal legend wraps to about one entry per row."""
    shown = [tr for tr in figure.data if tr.showlegend is not False and tr.name]
    return len(shown) if figure.layout.showlegend is not False else 0


def _shorten_row_labels(axis: object) -> None:
    """Row labels longer than ROW_CHARS are shown cut ('Tỷ lệ xã đạt chuẩn…'), so the bars keep
    most of the width; the rows stay the same categories (clicks and notes find them)."""
    rows = getattr(axis, "categoryarray", None)
    if not rows or all(len(str(r)) <= ROW_CHARS for r in rows):
        return
    axis.update(tickvals=list(rows), ticktext=[r if len(r) <= ROW_CHARS else r[: ROW_CHARS - 1] + "…" for r in map(str, rows)])  # type: ignore[attr-defined]


def for_narrow_screen(figure: go.Figure) -> go.Figure:
    """A copy of `figure` laid out for a phone."""
    narrow = go.Figure(figure)
    layout = narrow.layout
    lines = wrap_title(layout.title.text or "")
    legend = _legend_rows(narrow)
    top = 16 + LINE * len(lines) + (TOP_TICKS if layout.xaxis.side == "top" else 0)
    bottom = (layout.margin.b or 0) + LINE * legend
    extra = max(0, top - (layout.margin.t or 0)) + LINE * legend
    layout.margin.update(t=top, b=bottom, l=4)
    if layout.height:
        layout.height = layout.height + extra
    # Plotly writes a title's later lines under its first, whatever the anchor: the first line's
    # baseline is placed one line below the figure's top, so the lines fill the margin sized for them.
    first_line = 1 - (8 + LINE) / (layout.height or 450)
    layout.title.update(text="<br>".join(lines), font_size=TITLE_FONT, y=first_line, yref="container", yanchor="bottom")
    # The legend moves to the figure's foot, where a phone's one-entry-per-row legend cannot grow over the title.
    layout.legend.update(orientation="h", x=0, xanchor="left", y=0, yref="container", yanchor="bottom")
    _shorten_row_labels(layout.yaxis)
    for trace in narrow.data:
        if trace.type == "scatter" and isinstance(trace.textposition, tuple) and trace.mode and "text" in trace.mode:
            # The milestones' names, written above and below their marks: narrower columns of text.
            trace.textfont.size = MIN_FONT
            trace.text = [
                "<br>".join(line for part in str(label).split("<br>") for line in wrap_title(part, LABEL_CHARS)) for label in trace.text
            ]
        if trace.type == "heatmap":
            trace.showscale = False  # the cells' text says the same; the bar took a third of the width
            layout.xaxis.update(tickangle=-90, tickfont_size=MIN_FONT, dtick=1)  # every content code, upright
            if trace.texttemplate and len(trace.x or ()) > 1:  # "Chưa gửi (quá hạn)" in a quarter-wide cell
                trace.texttemplate = ""  # overlaps its neighbours: the colour, the legend and the hover say it
    if any(trace.type == "heatmap" for trace in narrow.data):
        for trace in narrow.data:  # "2/3" in a 17-px cell overlaps its neighbours: the colour and the hover say it
            if trace.type == "scatter" and trace.mode == "markers+text":
                trace.mode = "markers"
    return narrow
