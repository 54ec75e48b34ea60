"""Figures are pure functions: a small query result in, a Plotly figure out, one shared look.

Colours are Okabe–Ito (safe for colour-blind viewers); the two blocks always keep the same two,
which also differ in lightness so they survive greyscale and a washed-out projector.
"""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.config import counts_whole
from analytics.labels import STATUS, block_name, fmt_number, period_short_name, t
from analytics.measures import status_text
from analytics.trust.safety import plotly_escape

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


# A projected chart stays legible up to about 40 rows; with more units (national scale) it shows the
# best and the worst 20 and says so, instead of drawing a 30,000-pixel-tall chart. Trend lines read
# as spaghetti long before that: above MAX_LINES units a trend shows the best and worst 5.
MAX_BARS = 40
MAX_LINES = 22
_VALIDATE = False  # see _figure


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
    # automargin: the axis title ("mô hình", "%") gets its own room below the tick labels on a slide too.
    xaxis = {"gridcolor": "#DDDDDD", "zerolinecolor": "#888888", "tickfont": {"size": sizes["font"]}, "automargin": True}
    yaxis = {"tickfont": {"size": sizes["font"], "color": INK}, "automargin": True}
    return layout, xaxis, yaxis


def _figure(
    traces: list[dict], title: str, theme: str, height: int, *, xaxis: dict | None = None, yaxis: dict | None = None,
    shapes: list[dict] | None = None, annotations: list[dict] | None = None, **layout: object,
) -> go.Figure:  # fmt: skip
    """One figure from plain dicts in the shared look: Plotly validates nothing on the way.

    Plotly's per-property validation was most of a page's time (a validated add_* or update_* call
    costs ~1 ms each). Every dict here is built by this module, and tests/test_chart_scale.py checks
    that each chart serialises exactly like a validated rebuild of itself (plotly is pinned).
    Keyword arguments add to the shared layout; a dict merges into the shared dict of that name.
    """
    base, x_base, y_base = _layout_parts(title, theme, height)
    for key, value in layout.items():
        base[key] = {**base[key], **value} if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    base["legend"] = {k: v for k, v in base["legend"].items() if v is not None}  # what validation would drop
    base["xaxis"], base["yaxis"] = {**x_base, **(xaxis or {})}, {**y_base, **(yaxis or {})}
    if shapes:
        base["shapes"] = shapes
    if annotations:
        base["annotations"] = annotations
    return go.Figure(data=traces, layout=base, _validate=_VALIDATE)


# Lines and bands across the plot, as Plotly's add_vrect / add_vline / add_hline would make them.
def _band(x0: object, x1: object, fill: str, label: str, size: int) -> tuple[dict, dict]:
    shape = {"type": "rect", "x0": x0, "x1": x1, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain",
             "fillcolor": fill, "line": {"width": 0}, "layer": "below"}  # fmt: skip
    note = {"text": label, "x": x0, "xref": "x", "y": 1, "yref": "y domain", "xanchor": "left", "yanchor": "top",
            "showarrow": False, "font": {"size": size}}  # fmt: skip
    return shape, note


def _vline(x: object, line: dict) -> dict:
    return {"type": "line", "x0": x, "x1": x, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain", "line": line}


def _above(x: object, label: str) -> dict:
    """A label above the plot at x, where add_vline(annotation_position="top") puts it."""
    return {"text": label, "x": x, "xref": "x", "y": 1, "yref": "y domain", "xanchor": "center", "yanchor": "bottom", "showarrow": False}


def _hline(y: float, line: dict, label: str) -> tuple[dict, dict]:
    shape = {"type": "line", "x0": 0, "x1": 1, "xref": "x domain", "y0": y, "y1": y, "yref": "y", "line": line}
    return shape, {
        "text": label,
        "x": 1,
        "xref": "x domain",
        "y": y,
        "yref": "y",
        "xanchor": "right",
        "yanchor": "bottom",
        "showarrow": False,
    }


def _statuses(frame: pd.DataFrame) -> list[tuple[str, object]]:
    """Each row's (status, source quarter): "ok" and no quarter where the frame carries no status."""
    n = len(frame)
    return list(zip(frame.get("status", ["ok"] * n), frame.get("source_quarter", [None] * n), strict=True))


def _count_ticks(unit: str, top: float) -> dict:
    """Whole-number ticks on an axis of counts (xã, mô hình, buổi): left to itself Plotly steps by
    0,5 on a short range, and "0,5 mô hình" is not a thing. A step of 1, 2, 5, 10, 20… for at most
    eight steps; nothing for rates and money, or without a positive top."""
    if not unit or not counts_whole(unit) or not top > 0:
        return {}
    step = 1
    while top / step > 8:
        step = step * 5 // 2 if str(step).startswith("2") else step * 2
    return {"tick0": 0, "dtick": step, "tickformat": ",d"}


def _decimals(values: pd.Series, unit: str) -> int:
    return 1 if unit == "%" or any(not float(v).is_integer() for v in values.dropna()) else 0


def unit_bars(
    frame: pd.DataFrame, title: str, unit: str = "", *, theme: str = "screen", lang: str = "vi", max_bars: int | None = MAX_BARS
) -> go.Figure:
    """Horizontal bars, one per unit, in the frame's order (best at the top), coloured by block.

    Needs columns short_name, name, block, value, status; optional target_min/target_max/meets_target.
    Units without data get a grey "chưa báo cáo" label instead of a zero bar; units below target are
    marked with ✗ after their value; the target is drawn per unit, so per-Cục targets show correctly.
    More than `max_bars` units: the first and last max_bars/2 rows, with a note in the title.
    """
    traces, title, xaxis, yaxis, height = _unit_bar_parts(frame, title, unit, theme, lang, max_bars)
    return _figure(traces, title, theme, height, xaxis=xaxis, yaxis=yaxis)


def _unit_bar_parts(
    frame: pd.DataFrame, title: str, unit: str, theme: str, lang: str, max_bars: int | None
) -> tuple[list[dict], str, dict, dict, int]:
    """unit_bars as parts (traces, title, x axis, y axis, height), so score_bars can add to them."""
    sizes = THEMES[theme]
    frame, title = _best_and_worst(frame, max_bars, title, lang)
    data = frame.iloc[::-1].reset_index(drop=True)  # Plotly draws the first category at the bottom
    decimals = _decimals(data["value"], unit)
    traces: list[dict] = []
    for block in BLOCK_COLOURS:
        part = data[(data["block"] == block) & data["value"].notna()]
        if part.empty:
            continue
        meets = part["meets_target"] if "meets_target" in part else pd.Series([None] * len(part))
        statuses = _statuses(part)
        late = [status_text(s, q, lang, short=True) if s == "late" else "" for s, q in statuses]
        texts = [
            fmt_number(v, decimals) + (" ✗" if pd.notna(m) and not bool(m) else "") + (f" ({note})" if note else "")
            for v, m, note in zip(part["value"], meets, late, strict=True)
        ]
        hover_status = [status_text(s, q, lang) for s, q in statuses]
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
                "customdata": list(zip(_esc(part["name"]), hover_status, strict=True)),
                "hovertemplate": "<b>%{customdata[0]}</b><br>%{x:,." + str(decimals) + "f} " + unit + "<br>%{customdata[1]}<extra></extra>",
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
                "name": t("chart_not_reported", lang),
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
    xaxis: dict = {"title": {"text": unit}} if unit else {}
    top = pd.concat([data["value"], data.get("target_min", pd.Series(dtype=float))]).max()
    if top is not None and not (isinstance(top, float) and math.isnan(top)) and top > 0:
        xaxis["range"] = [0, float(top) * 1.18]  # room for the value labels
        xaxis.update(_count_ticks(unit, float(top)))
    height = 120 + sizes["row"] * max(len(data), 1) + sizes["title"] * 2
    return traces, title, xaxis, {"categoryorder": "array", "categoryarray": list(data["short_name"])}, height


def _status_text(status: str, lang: str) -> str:
    vi, en = STATUS.get(status, STATUS["missing"])
    return en if lang == "en" else vi


# --- leadership dashboard charts -------------------------------------------------------------------
# Every function: frame(s) in, figure out, `theme` "screen" | "projector"; text from data is escaped
# because Plotly renders some HTML tags in labels and hover text.
ATTAINMENT_SCALE = [[0.0, "#D55E00"], [0.5, "#F0E442"], [1.0, "#009E73"]]  # Okabe–Ito: vermillion, yellow, green
SERIES_COLOURS = ("#56B4E9", "#D55E00", "#009E73", "#CC79A7")  # Okabe–Ito, distinct from the block pair
PHASE_FILL = ("rgba(86,180,233,0.12)", "rgba(230,159,0,0.12)")


def _esc(values: object) -> list[str]:
    return [plotly_escape(v) for v in values]  # type: ignore[attr-defined]


def attainment_heatmap(
    frame: pd.DataFrame, title: str, *, contents: pd.DataFrame | None = None, scale_title: str | None = None, theme: str = "screen",
    lang: str = "vi", max_rows: int | None = MAX_BARS,
) -> go.Figure:  # fmt: skip
    """Units (rows, in the frame's order) × covenant contents (columns) coloured by share attained.

    Needs short_name, name, content, title, share (0–1 or NaN), status ok|missing|none, text.
    Columns are headed by the contents' short titles (`contents`: code, short — queries.contents);
    a content no unit has a target in, this period, is left out. Missing cells are grey with "chưa
    báo cáo"; a cell without a target stays blank and says "không giao chỉ tiêu" on hover. More than
    `max_rows` units: the best and worst max_rows/2 by mean share, with a note in the title.
    """
    sizes = THEMES[theme]
    targeted = set(frame.loc[frame["status"] != "none", "content"])
    frame = frame[frame["content"].isin(targeted)]
    units = list(dict.fromkeys(frame["short_name"]))
    if max_rows is not None and len(units) > max_rows:
        half = max_rows // 2
        ranked = frame.groupby("short_name", sort=False)["share"].mean().sort_values(ascending=False, na_position="last", kind="stable")
        units = list(ranked.index[:half]) + list(ranked.index[-half:])
        title = f"{title} · {t('chart_best_worst', lang, n=half, total=fmt_number(len(ranked)))}"
        frame = frame[frame["short_name"].isin(units)]
    contents_shown = list(dict.fromkeys(frame["content"]))
    heading = _content_headings(contents_shown, contents, sizes["font"])
    ys, xs = _esc(units), [heading[c] for c in contents_shown]
    by_key = {(r.short_name, r.content): r for r in frame.itertuples(index=False)}
    no_target, missing_text = t("no_target", lang), _status_text("missing", lang)

    def hover(u: str, c: str) -> str:
        cell = by_key.get((u, c))
        if cell is None:
            return ""
        what = cell.text if cell.status == "ok" else (missing_text if cell.status == "missing" else no_target)
        return f"<b>{_esc([cell.name])[0]}</b><br>{_esc([c])[0]}: {_esc([cell.title])[0][:70]}<br>{what}"

    z = [[by_key[(u, c)].share if (u, c) in by_key else None for c in contents_shown] for u in units]
    hovers = [[hover(u, c) for c in contents_shown] for u in units]
    traces: list[dict] = [
        {
            "type": "heatmap", "z": z, "x": xs, "y": ys, "zmin": 0, "zmax": 1, "colorscale": ATTAINMENT_SCALE,
            "xgap": 2, "ygap": 2, "hovertext": hovers, "hoverinfo": "text",
            # The scale's title runs beside it: on top it sat on the "100%" label.
            "colorbar": {"title": {"text": scale_title or t("met_share", lang), "side": "right"}, "tickformat": ".0%", "len": 0.6},
        }
    ]  # fmt: skip
    missing = frame[frame["status"] == "missing"]
    if not missing.empty:
        gaps = set(zip(missing["short_name"], missing["content"], strict=True))
        traces.append(
            {
                "type": "heatmap", "z": [[1 if (u, c) in gaps else None for c in contents_shown] for u in units],
                "x": xs, "y": ys, "colorscale": [[0, MISSING_COLOUR], [1, MISSING_COLOUR]], "showscale": False,
                "xgap": 2, "ygap": 2, "hovertext": hovers, "hoverinfo": "text", "name": missing_text,
            }
        )  # fmt: skip
    # Every cell also carries an invisible marker with the cell's hover: a heatmap cell cannot be
    # selected, a scatter point can, so a click on a cell names its unit (the dashboard opens it).
    places = {(u, c): (i, j) for i, u in enumerate(units) for j, c in enumerate(contents_shown)}
    cells = [(r, places[(r.short_name, r.content)]) for r in frame.itertuples(index=False) if (r.short_name, r.content) in places]
    traces.append(
        {
            "type": "scatter", "x": [heading[r.content] for r, _ in cells], "y": _esc([r.short_name for r, _ in cells]),
            "mode": "markers+text", "customdata": [r.content for r, _ in cells],
            "text": [(r.text if r.status == "ok" else missing_text) if r.status != "none" else "" for r, _ in cells],
            "textfont": {"size": sizes["label"] - 2, "color": INK}, "marker": {"size": sizes["row"] * 0.8, "opacity": 0},
            "hovertext": [hovers[i][j] for _, (i, j) in cells], "hovertemplate": "%{hovertext}<extra></extra>", "showlegend": False,
        }
    )  # fmt: skip
    # Categorical axes with explicit ranges: autorange pads a category axis that carries a text
    # trace, which left an empty band between the column headings and the first row.
    return _figure(
        traces, title, theme, 170 + sizes["row"] * max(len(units), 1) + sizes["title"] * 2,
        xaxis={"side": "top", "categoryorder": "array", "categoryarray": xs, "showgrid": False, "autorange": False,
               "range": [-0.5, len(xs) - 0.5], "tickangle": 0, "tickfont": {"size": sizes["font"], "color": INK}, "ticks": ""},
        yaxis={"categoryorder": "array", "categoryarray": ys[::-1], "autorange": False, "range": [-0.5, len(ys) - 0.5],
               "showgrid": False, "ticks": ""},
        plot_bgcolor="#F7F7F7", margin={"t": 140 + sizes["title"]},
    )  # fmt: skip


def _content_headings(codes: list[str], contents: pd.DataFrame | None, font: int) -> dict[str, str]:
    """Column headings: each content's short title, wrapped to fit its column (at most three lines);
    the code where no short title is known. Headings must stay distinct: they are the categories."""
    short = dict(zip(contents["code"], contents["short"], strict=True)) if contents is not None else {}
    # About 1,400 px of plot shared by the columns; a character is about 0.55 of the font size wide.
    width = max(10, int(1400 / max(len(codes), 1) / (font * 0.55)))
    headings = {c: "<br>".join(textwrap.wrap(plotly_escape(short.get(c) or c), width, max_lines=3, placeholder=" …")) for c in codes}
    if len(set(headings.values())) < len(headings):
        return {c: plotly_escape(c) for c in codes}
    return headings


def _best_and_worst(frame: pd.DataFrame, max_rows: int | None, title: str, lang: str) -> tuple[pd.DataFrame, str]:
    """A ranked frame cut to its first and last max_rows/2 rows, the title saying so; else unchanged."""
    if max_rows is None or len(frame) <= max_rows:
        return frame, title
    half = max_rows // 2
    note = t("chart_best_worst", lang, n=half, total=fmt_number(len(frame)))
    return pd.concat([frame.head(half), frame.tail(half)]), f"{title} · {note}"


def phase_dumbbell(
    frame: pd.DataFrame, title: str, unit: str = "", *, theme: str = "screen", lang: str = "vi", max_rows: int | None = MAX_BARS
) -> go.Figure:
    """Phase 1 (open circle) → phase 2 (filled, block colour) per unit, in the frame's order (top first).

    Needs short_name, name, block, value_p1, value_p2; a phase without data is drawn as a grey
    "chưa báo cáo" mark at the axis, never as zero. More than `max_rows` units: first and last half.
    """
    sizes = THEMES[theme]
    frame, title = _best_and_worst(frame, max_rows, title, lang)
    data = frame.iloc[::-1].reset_index(drop=True)
    ys, names = _esc(data["short_name"]), _esc(data["name"])
    decimals = _decimals(pd.concat([data["value_p1"], data["value_p2"]]), unit)
    fmt = ",." + str(decimals) + "f"
    first, second = period_short_name("P1", lang), period_short_name("P2", lang)
    line_x: list[float | None] = []
    line_y: list[str | None] = []
    for y, a, b in zip(ys, data["value_p1"], data["value_p2"], strict=True):
        if pd.notna(a) and pd.notna(b):
            line_x += [a, b, None]
            line_y += [y, y, None]
    traces: list[dict] = [
        {"type": "scatter", "x": line_x, "y": line_y, "mode": "lines", "line": {"color": "#888888", "width": 3}, "hoverinfo": "skip",
         "showlegend": False}
    ]  # fmt: skip
    p1 = data["value_p1"].notna()
    traces.append(
        {
            "type": "scatter", "x": data.loc[p1, "value_p1"], "y": [y for y, k in zip(ys, p1, strict=True) if k], "mode": "markers",
            "name": first,
            "marker": {"symbol": "circle-open", "size": sizes["row"] * 0.5, "color": INK, "line": {"width": 2}},
            "customdata": [n for n, k in zip(names, p1, strict=True) if k],
            "hovertemplate": "<b>%{customdata}</b><br>" + first + ": %{x:" + fmt + "} " + unit + "<extra></extra>",
        }
    )  # fmt: skip
    for block, colour in BLOCK_COLOURS.items():
        mask = data["value_p2"].notna() & (data["block"] == block)
        if not mask.any():
            continue
        traces.append(
            {
                "type": "scatter", "x": data.loc[mask, "value_p2"], "y": [y for y, k in zip(ys, mask, strict=True) if k],
                "mode": "markers", "name": f"{second} — {block_name(block, lang)}",
                "marker": {"symbol": "circle", "size": sizes["row"] * 0.55, "color": colour, "line": {"color": INK, "width": 1}},
                "customdata": [n for n, k in zip(names, mask, strict=True) if k],
                "hovertemplate": "<b>%{customdata}</b><br>" + second + ": %{x:" + fmt + "} " + unit + "<extra></extra>",
            }
        )  # fmt: skip
    gaps = data["value_p1"].isna() | data["value_p2"].isna()
    if gaps.any():
        traces.append(
            {
                "type": "scatter", "x": [0] * int(gaps.sum()), "y": [y for y, k in zip(ys, gaps, strict=True) if k],
                "mode": "markers+text", "name": _status_text("missing", lang),
                "marker": {"symbol": "line-ns-open", "size": 14, "color": MISSING_COLOUR},
                "text": [_gap_text(a, b, lang) for a, b, k in zip(data["value_p1"], data["value_p2"], gaps, strict=True) if k],
                "textposition": "middle right", "textfont": {"size": sizes["label"], "color": "#555555"}, "hoverinfo": "skip",
            }
        )  # fmt: skip
    top = float(pd.concat([data["value_p1"], data["value_p2"]]).max()) if len(data) else math.nan
    xaxis = {"rangemode": "tozero", **({"title": {"text": unit}} if unit else {}), **_count_ticks(unit, top)}
    height = 140 + sizes["row"] * max(len(data), 1) + sizes["title"] * 2
    return _figure(traces, title, theme, height, xaxis=xaxis, yaxis={"categoryorder": "array", "categoryarray": ys})


def _gap_text(p1: float, p2: float, lang: str) -> str:
    missing = _status_text("missing", lang)
    if pd.isna(p1) and pd.isna(p2):
        return missing
    return f"{period_short_name('P1' if pd.isna(p1) else 'P2', lang)}: {missing}"


def _trend_selection(ordered: pd.DataFrame, highlight: str | None, max_lines: int) -> list[str]:
    """Units whose lines a national-scale trend draws: the best and the worst max_lines/4 by their
    latest reported quarter (direction-aware when the frame says so), plus the highlighted unit."""
    latest = ordered.dropna(subset=["value"]).drop_duplicates("unit_code", keep="last").set_index("unit_code")["value"]
    lower_first = "higher_is_better" in ordered and not bool(ordered["higher_is_better"].iloc[0])
    ranked = list(latest.sort_values(ascending=lower_first, kind="stable").index)
    n = max(max_lines // 4, 1)
    chosen = ranked[:n] + ranked[-n:] if len(ranked) > 2 * n else ranked
    return list(dict.fromkeys(chosen + ([highlight] if highlight is not None else [])))


def quarter_trend(
    frame: pd.DataFrame,
    title: str,
    unit: str = "",
    *,
    highlight: str | None = None,
    phases: pd.DataFrame | None = None,
    target: float | None = None,
    reference: pd.DataFrame | None = None,
    theme: str = "screen",
    lang: str = "vi",
    max_lines: int | None = MAX_LINES,
) -> go.Figure:
    """Quarter-by-quarter lines, one per unit (short_name, name, block, quarter, value), phases shaded.

    With `highlight` (a unit code) that unit is drawn bold and the others thin and light; without it
    every unit is drawn thin in its block colour. `reference` (block, quarter, value, label), e.g. each
    block's median, is drawn bold and dashed. Missing quarters leave a gap, never a zero. More than
    `max_lines` units: only the best and worst few (and the highlighted unit), the title saying so.
    """
    sizes = THEMES[theme]
    decimals = _decimals(frame["value"], unit)
    shapes, notes = [], []
    for number, (q_from, q_to) in enumerate(_phase_spans(phases)):
        label = period_short_name(f"P{number + 1}", lang) if number < 2 else f"{number + 1}"
        shape, note = _band(q_from - 0.5, q_to + 0.5, PHASE_FILL[number % 2], label, sizes["label"])
        shapes.append(shape)
        notes.append(note)
    ordered = frame.sort_values("quarter", kind="stable")
    total = ordered["unit_code"].nunique()
    selected = max_lines is not None and total > max_lines  # few enough lines left to name them in the legend
    if max_lines is not None and selected:
        chosen = _trend_selection(ordered, highlight, max_lines)
        ordered = ordered[ordered["unit_code"].isin(chosen)]
        n = max(max_lines // 4, 1)
        title = f"{title} · {t('chart_best_worst', lang, n=n, total=fmt_number(total))}"
    if highlight is not None:  # the highlighted unit last, so it is drawn on top
        ordered = pd.concat([ordered[ordered["unit_code"] != highlight], ordered[ordered["unit_code"] == highlight]])
    hover = f"<b>%{{customdata}}</b><br>{t('quarter', lang)} %{{x}}: %{{y:,.{decimals}f}} {unit}<extra></extra>"
    # Plain Python over the rows: a pivot and a .loc per unit cost more than drawing them.
    lines: dict[str, list[float]] = {}
    about: dict[str, tuple[str, str, str]] = {}
    for code, short, name, block, quarter, value in zip(
        ordered["unit_code"], ordered["short_name"], ordered["name"], ordered["block"], ordered["quarter"], ordered["value"], strict=True
    ):
        if code not in lines:
            lines[code], about[code] = [math.nan] * 4, (str(short), str(name), str(block))
        if 1 <= quarter <= 4 and math.isnan(lines[code][quarter - 1]) and pd.notna(value):
            lines[code][quarter - 1] = float(value)
    traces: list[dict] = []
    for code, values in lines.items():
        short, name, block = about[code]
        bold = code == highlight or (highlight is None and reference is None)
        colour = BLOCK_COLOURS.get(block, INK) if bold or highlight is None else "#BBBBBB"
        traces.append(
            {
                "type": "scatter", "x": [1, 2, 3, 4], "y": np.array(values),
                "mode": "lines+markers", "connectgaps": False,
                "name": _esc([short])[0], "showlegend": selected or (highlight is not None and bold),
                "line": {"color": colour, "width": 4 if highlight is not None and bold else 2},
                "marker": {"size": 10 if bold else 5, "color": colour}, "opacity": 1.0 if bold else 0.7,
                "customdata": _esc([name] * 4), "hovertemplate": hover,
            }
        )  # fmt: skip
    if reference is not None:
        for label, ref in reference.sort_values("quarter").groupby("label", sort=False):
            full = ref.set_index("quarter").reindex([1, 2, 3, 4])
            colour = BLOCK_COLOURS.get(str(ref["block"].iloc[0]), INK)
            traces.append(
                {
                    "type": "scatter", "x": [1, 2, 3, 4], "y": full["value"], "mode": "lines+markers", "name": _esc([label])[0],
                    "line": {"color": colour, "width": 5, "dash": "dash"}, "marker": {"size": 11, "color": colour, "symbol": "diamond"},
                    "hovertemplate": _esc([label])[0] + ": %{y:,." + str(decimals) + "f} " + unit + "<extra></extra>",
                }
            )  # fmt: skip
    if target is not None:
        shape, note = _hline(
            target, {"color": TARGET_COLOUR, "width": 2, "dash": "dash"}, f"{t('target', lang)} {fmt_number(target, decimals)}"
        )
        shapes.append(shape)
        notes.append(note)
    xaxis = {"tickvals": [1, 2, 3, 4], "ticktext": [period_short_name(f"Q{q}", lang) for q in (1, 2, 3, 4)], "range": [0.5, 4.5]}
    top = max(float(frame["value"].max()) if frame["value"].notna().any() else 0.0, target or 0.0)
    yaxis = {"rangemode": "tozero", "gridcolor": "#DDDDDD", **({"title": {"text": unit}} if unit else {}), **_count_ticks(unit, top)}
    height = 460 if theme == "screen" else 620
    return _figure(traces, title, theme, height, xaxis=xaxis, yaxis=yaxis, shapes=shapes, annotations=notes)


def _phase_spans(phases: pd.DataFrame | None) -> list[tuple[int, int]]:
    if phases is None or phases.empty:
        return [(1, 2), (3, 4)]
    return [(min(q), max(q)) for q in phases["quarters"]]


def today_on_timeline(
    milestones: pd.DataFrame, title: str, today: object, *, phases: pd.DataFrame | None = None, theme: str = "screen", lang: str = "vi"
) -> go.Figure:
    """Where today falls in the campaign: the year's milestones (date, name, place) on a line, phases
    shaded, today marked; the place shows on hover, so the chart stays one row high on a page.

    The meeting-room timeline (slide_charts.meeting_timeline) draws something else: the phases a
    meeting reviews, every milestone written out in full, and no today."""
    sizes = THEMES[theme]
    shapes, notes = [], []
    if phases is not None:
        for i, ph in enumerate(phases.itertuples(index=False)):
            shape, note = _band(
                pd.Timestamp(ph.start_date), pd.Timestamp(ph.end_date), PHASE_FILL[i % 2], _esc([ph.name])[0], sizes["label"]
            )
            shapes.append(shape)
            notes.append(note)
    dates = pd.to_datetime(milestones["date"])
    labels = [f"{_esc([n])[0]}<br>{d.strftime('%d/%m/%Y')}" for n, d in zip(milestones["name"], dates, strict=True)]
    traces = [
        {
            "type": "scatter", "x": dates, "y": [0] * len(dates), "mode": "markers+text", "text": labels,
            "textposition": ["bottom center" if i % 2 else "top center" for i in range(len(dates))],
            "marker": {"size": 18, "color": BLOCK_COLOURS["STP"], "symbol": "diamond", "line": {"color": INK, "width": 1}},
            "textfont": {"size": sizes["label"]}, "customdata": _esc(milestones["place"].fillna("")),
            "hovertemplate": "%{text}<br>%{customdata}<extra></extra>", "showlegend": False,
        }
    ]  # fmt: skip
    today_ts = pd.Timestamp(today)  # type: ignore[arg-type]
    start = pd.Timestamp(phases["start_date"].min()) if phases is not None and not phases.empty else dates.min()
    end = pd.Timestamp(phases["end_date"].max()) if phases is not None and not phases.empty else dates.max()
    today_text = f"{t('today', lang)} {today_ts.strftime('%d/%m/%Y')}"
    font = {"color": TARGET_COLOUR, "size": sizes["label"]}
    if start <= today_ts <= end:
        shapes.append(_vline(today_ts.value / 1e6, {"color": TARGET_COLOUR, "width": 3, "dash": "dot"}))
        notes.append({"x": today_ts, "y": 1.45, "text": today_text, "showarrow": False, "font": font})
    else:  # the campaign year is over (or not begun): say so at the edge instead of stretching the axis
        after = today_ts > end
        notes.append(
            {
                "x": end if after else start, "y": 1.45, "text": f"{today_text} →" if after else f"← {today_text}",
                "xanchor": "right" if after else "left", "showarrow": False, "font": font,
            }
        )  # fmt: skip
    xaxis = {"range": [start - pd.Timedelta(days=10), end + pd.Timedelta(days=10)], "tickformat": "%m/%Y", "showgrid": False}
    height = 300 if theme == "screen" else 420
    return _figure(
        traces, title, theme, height, xaxis=xaxis, yaxis={"visible": False, "range": [-1.6, 1.6]}, shapes=shapes, annotations=notes
    )


def grouped_unit_bars(
    frame: pd.DataFrame, title: str, series: list[tuple[str, str]], unit: str = "", *, target: float | None = None,
    theme: str = "screen", lang: str = "vi", max_rows: int | None = MAX_BARS, why_missing: dict[str, str] | None = None,
) -> go.Figure:  # fmt: skip
    """Horizontal grouped bars per unit (frame order, top first) for the given (column, label) series.

    A missing value is labelled "chưa báo cáo" instead of a zero bar, or with the text in the frame
    column that `why_missing` names for its series (a registration not yet approved is no zero).
    More than `max_rows` units: the first and last half, the title saying so.
    """
    sizes = THEMES[theme]
    frame, title = _best_and_worst(frame, max_rows, title, lang)
    data = frame.iloc[::-1].reset_index(drop=True)
    ys, names = _esc(data["short_name"]), _esc(data["name"])
    decimals = _decimals(pd.concat([data[c] for c, _ in series]), unit)
    traces: list[dict] = []
    # Plotly stacks a horizontal group bottom-up: add the series in reverse so the first is on top.
    for (column, label), colour in reversed(list(zip(series, SERIES_COLOURS, strict=False))):
        values = data[column]
        reasons = data[why_missing[column]] if why_missing and column in why_missing else pd.Series("", index=data.index)
        traces.append(
            {
                "type": "bar", "x": values.fillna(0), "y": ys, "orientation": "h", "name": label,
                "marker": {"color": colour, "line": {"color": INK, "width": 0.5}},
                "text": [
                    fmt_number(v, decimals) if pd.notna(v) else (why or _status_text("missing", lang))
                    for v, why in zip(values, reasons, strict=True)
                ],
                "textposition": "outside", "textfont": {"size": sizes["label"] - 2, "color": INK}, "cliponaxis": False,
                "constraintext": "none",
                "customdata": names,
                "hovertemplate": "<b>%{customdata}</b><br>" + _esc([label])[0] + ": %{text} " + unit + "<extra></extra>",
            }
        )  # fmt: skip
    shapes, notes = [], []
    if target is not None:
        shapes.append(_vline(target, {"color": TARGET_COLOUR, "width": 3, "dash": "dash"}))
        notes.append(_above(target, f"{t('target', lang)} {fmt_number(target, decimals)}"))
    xaxis: dict = {"title": {"text": unit}} if unit else {}
    top = max([float(data[c].max()) for c, _ in series if data[c].notna().any()] + [target or 0, 0])
    if top > 0:
        xaxis["range"] = [0, top * 1.2]
        xaxis.update(_count_ticks(unit, top))
    return _figure(
        traces, title, theme, 140 + int(sizes["row"] * 1.3) * max(len(data), 1) + sizes["title"] * 2,
        xaxis=xaxis, yaxis={"categoryorder": "array", "categoryarray": ys}, shapes=shapes, annotations=notes,
        barmode="group", bargap=0.25, legend={"traceorder": "reversed"},
    )  # fmt: skip


def score_bars(
    frame: pd.DataFrame, title: str, grades: pd.DataFrame | None = None, *, theme: str = "screen", lang: str = "vi"
) -> go.Figure:
    """Total score per unit (best first) coloured by block, grade thresholds as vertical lines."""
    data = frame.assign(short_name=_esc(frame["short_name"]), name=_esc(frame["name"]))
    traces, title, xaxis, yaxis, height = _unit_bar_parts(data, title, t("col_points", lang).lower(), theme, lang, MAX_BARS)
    # A score computed from a late report keeps that flag on its bar.
    late = {y: status_text(s, q, lang, short=True) for y, (s, q) in zip(data["short_name"], _statuses(data), strict=True) if s == "late"}
    for trace in traces:  # totals with the rubric's two decimals, as in the drill-down
        if trace["type"] == "bar":
            trace["text"] = [fmt_number(v, 2) + (f" ({late[y]})" if y in late else "") for v, y in zip(trace["x"], trace["y"], strict=True)]
    shapes, notes = [], []
    if grades is not None:
        for g in grades.itertuples(index=False):
            if g.min_points > 0:
                shapes.append(_vline(g.min_points, {"color": "#555555", "width": 1.5, "dash": "dot"}))
                notes.append(_above(g.min_points, f"{_esc([g.code])[0]} ≥ {fmt_number(g.min_points, 0)}"))
        top = max(float(grades["min_points"].max()), float(frame["value"].max()) if frame["value"].notna().any() else 0.0)
        xaxis["range"] = [0, top * 1.15]
    return _figure(traces, title, theme, height, xaxis=xaxis, yaxis=yaxis, shapes=shapes, annotations=notes)


def points_breakdown(detail: pd.DataFrame, title: str, *, theme: str = "screen", lang: str = "vi") -> go.Figure:
    """One unit's criteria: points earned (block colour) against the points available (light bar)."""
    sizes = THEMES[theme]
    crit = detail[detail["kind"] == "criterion"].iloc[::-1]
    # Cut at a word with an ellipsis: a label cut mid-word ("nông thôn m") reads as a typo on a projector.
    short = [textwrap.shorten(label, 40, placeholder=" …") for label in _esc(crit["label"])]
    labels = [f"{c} · {lbl}" for c, lbl in zip(_esc(crit["code"]), short, strict=True)]
    colour = BLOCK_COLOURS.get(str(crit["block"].iloc[0]), INK) if len(crit) else INK
    traces = [
        {"type": "bar", "x": crit["max_points"], "y": labels, "orientation": "h", "name": t("col_max", lang),
         "marker": {"color": "#E5E5E5"}, "hoverinfo": "skip"},
        {
            "type": "bar", "x": crit["points"], "y": labels, "orientation": "h", "name": t("col_points", lang), "marker": {"color": colour},
            "text": [f"{fmt_number(p, 2)}/{fmt_number(m, 0)}" for p, m in zip(crit["points"], crit["max_points"], strict=True)],
            "textposition": "outside", "cliponaxis": False, "textfont": {"size": sizes["label"]}, "customdata": _esc(crit["how"]),
            "hovertemplate": "%{customdata}<extra></extra>",
        },
    ]  # fmt: skip
    height = 140 + sizes["row"] * max(len(crit), 1) + sizes["title"] * 2
    return _figure(traces, title, theme, height, yaxis={"categoryorder": "array", "categoryarray": labels}, barmode="overlay")


def year_lines(
    frame: pd.DataFrame,
    title: str,
    unit: str = "",
    *,
    highlight: str | None = None,
    theme: str = "screen",
    lang: str = "vi",
    max_lines: int | None = MAX_LINES,
) -> go.Figure:
    """One line per unit across years (year, unit_code, short_name, name, block, value, includes), in
    its block colour. A year whose value adds predecessors' figures (`includes`) is an open diamond
    and its hover names them; a missing year is a gap, never a zero."""
    sizes = THEMES[theme]
    decimals = _decimals(frame["value"], unit)
    years = sorted(int(y) for y in frame["year"].unique())
    ordered = frame.sort_values("year", kind="stable")
    total = ordered["unit_code"].nunique()
    if max_lines is not None and total > max_lines:
        chosen = _trend_selection(ordered, highlight, max_lines)
        ordered = ordered[ordered["unit_code"].isin(chosen)]
        title = f"{title} · {t('chart_best_worst', lang, n=max(max_lines // 4, 1), total=fmt_number(total))}"
    if highlight is not None:
        ordered = pd.concat([ordered[ordered["unit_code"] != highlight], ordered[ordered["unit_code"] == highlight]])
    traces: list[dict] = []
    for code, rows in ordered.groupby("unit_code", sort=False):
        by_year = rows.set_index("year").reindex(years)
        block = str(rows["block"].iloc[0])
        bold = highlight is None or code == highlight
        colour = BLOCK_COLOURS.get(block, INK) if bold else "#BBBBBB"
        merged = by_year["includes"].fillna("").ne("")
        notes = [t("years_includes", lang, units=inc) if inc else "" for inc in by_year["includes"].fillna("")]
        # Lines of one block share its colour, so each line is named at its last point.
        values = by_year["value"].to_numpy(dtype=float)
        last = max((i for i, v in enumerate(values) if not math.isnan(v)), default=None)
        name = _esc([rows["short_name"].iloc[0]])[0]
        traces.append(
            {
                "type": "scatter", "x": years, "y": values, "mode": "lines+markers+text",
                "text": [name if i == last and bold else "" for i in range(len(years))], "textposition": "middle right",
                "textfont": {"size": sizes["label"], "color": colour}, "cliponaxis": False,
                "connectgaps": False, "name": name,
                "line": {"color": colour, "width": 4 if highlight is not None and bold else 2},
                "marker": {
                    "size": [14 if m else 8 for m in merged], "color": colour,
                    "symbol": ["diamond-open" if m else "circle" for m in merged],
                },
                "customdata": _esc(notes),
                "hovertemplate": f"<b>{name}</b> %{{x}}: %{{y:,.{decimals}f}} {unit}"
                "<br>%{customdata}<extra></extra>",
            }
        )  # fmt: skip
    span = max(max(years) - min(years), 1)
    xaxis = {
        "tickvals": years,
        "ticktext": [str(y) for y in years],
        "type": "linear",
        "range": [min(years) - 0.1 * span, max(years) + 0.35 * span],
    }
    yaxis = {"rangemode": "tozero", "gridcolor": "#DDDDDD", **({"title": {"text": unit}} if unit else {})}
    height = 520 if theme == "screen" else 620
    return _figure(traces, title, theme, height, xaxis=xaxis, yaxis=yaxis, showlegend=False)


def cluster_years(cluster: pd.DataFrame, title: str, unit: str = "", *, theme: str = "screen", lang: str = "vi") -> go.Figure:
    """The cluster per year (year, block, value), one bar per block and year, the value on the bar."""
    sizes = THEMES[theme]
    decimals = _decimals(cluster["value"], unit)
    years = sorted(int(y) for y in cluster["year"].unique())
    traces = []
    for block, rows in cluster.groupby("block", sort=True):
        by_year = rows.set_index("year").reindex(years)["value"].to_numpy(dtype=float)
        traces.append(
            {
                "type": "bar", "x": years, "y": by_year, "name": _esc([block_name(str(block), lang)])[0],
                "marker": {"color": BLOCK_COLOURS.get(str(block), INK)},
                "text": [fmt_number(v, decimals) if not math.isnan(v) else "" for v in by_year],
                "textposition": "outside", "textfont": {"size": sizes["label"]}, "cliponaxis": False,
                "hovertemplate": "%{x}: %{y:,." + str(decimals) + "f} " + unit + "<extra></extra>",
            }
        )  # fmt: skip
    xaxis = {"tickvals": years, "ticktext": [str(y) for y in years], "type": "linear"}
    yaxis = {"rangemode": "tozero", "gridcolor": "#DDDDDD", **({"title": {"text": unit}} if unit else {})}
    return _figure(traces, title, theme, 380 if theme == "screen" else 560, xaxis=xaxis, yaxis=yaxis, barmode="group")
