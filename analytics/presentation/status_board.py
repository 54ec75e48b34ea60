"""The status board's figure and tables: units × quarters coloured by reporting status, the same as a
table, and each unit's punctuality over the year. Frames in (analytics.reporting.status), figures out."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from analytics.labels import fmt_date, fmt_datetime, fmt_number, t
from analytics.presentation.charts import FONT, INK, MAX_BARS, THEMES
from analytics.reporting.reminders import Reminder, reminder_note, reminder_recipients
from analytics.trust.safety import plotly_escape

# Okabe–Ito: green on time, sky-blue revised, orange late, vermillion missing; greys for "nothing due yet".
STATUS_COLOURS = {
    "on_time": "#009E73",
    "revised": "#56B4E9",
    "late": "#E69F00",
    "missing": "#D55E00",
    "pending": "#E6E6E6",
    "reported": "#8FBF9F",
}
ORDER = list(STATUS_COLOURS)


def status_label(status: str, lang: str = "vi") -> str:
    return t("status_" + status, lang)


def cell_text(status: str, days_late: object, lang: str = "vi") -> str:
    if status == "late" and not pd.isna(days_late):
        return t("status_days_late_text", lang, days=int(days_late))  # type: ignore[call-overload]
    return status_label(status, lang)


def needing_attention(board: pd.DataFrame, max_rows: int) -> list[str]:
    """The codes of at most `max_rows` units needing the secretariat's attention over the quarters
    shown (a quarter missing, late or revised after the deadline), most first: most quarters missing,
    then late, most days late, revised; ties keep the board's order."""
    per_unit = board.assign(
        missing=board["status"].eq("missing"), late=board["status"].eq("late"), revised=board["status"].eq("revised"),
        days=board["days_late"].fillna(0),
    ).groupby("unit_code", sort=False)[["missing", "late", "days", "revised"]].sum()  # fmt: skip
    ranked = per_unit[per_unit.any(axis=1)].sort_values(["missing", "late", "days", "revised"], ascending=False, kind="stable")
    return ranked.index[:max_rows].tolist()


def status_heatmap(
    board: pd.DataFrame, title: str, *, theme: str = "screen", lang: str = "vi", max_rows: int | None = MAX_BARS
) -> go.Figure:
    """Rows are units (in the board's order), columns quarters; every cell names its status in words,
    so the colours are never the only carrier of meaning. More than `max_rows` units (national scale):
    only the units needing attention (or, when none does, the first `max_rows`), still in the board's
    order, the title saying how many are left out and that the table below lists them all."""
    sizes = THEMES[theme]
    total = board["unit_code"].nunique()
    note = None
    if max_rows is not None and total > max_rows:
        attention = needing_attention(board, max_rows)
        kept = attention or list(dict.fromkeys(board["unit_code"]))[:max_rows]
        board = board[board["unit_code"].isin(kept)]
        key = "status_board_attention" if attention else "status_board_first"
        note = t(key, lang, n=len(kept), total=fmt_number(total), rest=fmt_number(total - len(kept)))
    heading = plotly_escape(title) + ("" if note is None else "<br>" + plotly_escape(note))
    codes = list(dict.fromkeys(board["unit_code"]))
    quarters = sorted(board["quarter"].unique())
    xs = [f"Q{int(q)}" for q in quarters]
    cells = {(r.unit_code, r.quarter): r for r in board.itertuples(index=False)}
    names = dict(zip(board["unit_code"], board["unit"], strict=True))
    ys = [plotly_escape(names[c]) for c in codes]
    deadline = t("status_col_deadline", lang)
    z: list[list[int | None]] = []
    text: list[list[str]] = []
    hover: list[list[str]] = []
    for code in codes:
        found = [cells.get((code, q)) for q in quarters]
        z.append([None if c is None else ORDER.index(c.status) for c in found])
        words = ["" if c is None else plotly_escape(cell_text(c.status, c.days_late, lang)) for c in found]
        text.append(words)
        hover.append(
            [
                "" if c is None else f"<b>{plotly_escape(c.unit_name)}</b><br>Q{int(c.quarter)} · {deadline}: {fmt_date(c.deadline)}<br>{w}"
                for c, w in zip(found, words, strict=True)
            ]
        )
    n = len(ORDER)
    scale = [[edge, STATUS_COLOURS[s]] for i, s in enumerate(ORDER) for edge in (i / n, (i + 1) / n)]
    figure = go.Figure(
        go.Heatmap(
            z=z, x=xs, y=ys, zmin=-0.5, zmax=n - 0.5, colorscale=scale, showscale=False, xgap=3, ygap=3,
            text=text, texttemplate="%{text}", textfont={"size": sizes["label"] - 2, "color": INK},
            hovertext=hover, hoverinfo="text",
        )
    )  # fmt: skip
    shown = [s for s in ORDER if (board["status"] == s).any()]
    for status in shown:  # a legend: one invisible marker per status present
        figure.add_trace(
            go.Scatter(x=[None], y=[None], mode="markers", name=status_label(status, lang),
                       marker={"symbol": "square", "size": 14, "color": STATUS_COLOURS[status]})
        )  # fmt: skip
    figure.update_layout(
        title={"text": heading, "x": 0, "xanchor": "left", "font": {"size": sizes["title"], "color": INK}},
        font={"family": FONT, "size": sizes["font"], "color": INK},
        height=150 + sizes["row"] * max(len(codes), 1),
        paper_bgcolor="white", plot_bgcolor="white",
        margin={"l": 10, "r": 20, "t": 60 + sizes["title"] * 2 + (0 if note is None else sizes["title"] + 20), "b": 70},
        legend={"orientation": "h", "yanchor": "top", "y": -0.01, "x": 0},  # below: the quarters are on top
        xaxis={"side": "top", "showgrid": False, "categoryorder": "array", "categoryarray": xs},
        yaxis={"autorange": "reversed", "showgrid": False, "automargin": True},
    )  # fmt: skip
    return figure


def status_table(board: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """One row per unit and quarter with Vietnamese headers and words; user text stays plain values."""
    return pd.DataFrame(
        {
            t("status_col_code", lang): board["unit_code"],
            t("status_col_unit", lang): board["unit_name"],
            t("status_col_quarter", lang): board["quarter"].astype(int),
            t("status_col_deadline", lang): board["deadline"].map(lambda d: "" if pd.isna(d) else fmt_date(d)),
            t("status_col_status", lang): board["status"].map(lambda s: status_label(s, lang)),
            t("status_col_uploaded", lang): board["uploaded_at"].map(_when),
            t("status_col_revised", lang): board["revised_at"].map(_when),
            # Blank, not "not reported": only a late quarter has days late.
            t("status_col_days_late", lang): board["days_late"].map(lambda d: "" if pd.isna(d) else str(int(d))),
        }
    )


def punctuality_table(found: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("status_col_code", lang): found["unit_code"],
            t("status_col_unit", lang): found["unit"],
            t("status_col_due", lang): found["due"],
            t("status_col_on_time", lang): found["on_time"],
            t("status_col_revised_n", lang): found["revised"],
            t("status_col_late", lang): found["late"],
            t("status_col_missing", lang): found["missing"],
            t("status_col_total_days", lang): found["days_late"],
            t("status_col_share", lang): found["on_time_share"].map(lambda v: "—" if pd.isna(v) else fmt_number(v, 0)),
        }
    )


def summary_text(board: pd.DataFrame, year: int, quarter: int, lang: str = "vi") -> str:
    counts = board.loc[board["quarter"] == quarter, "status"].value_counts()
    got = {s: int(counts.get(s, 0)) for s in ORDER}
    sent = got["on_time"] + got["late"] + got["revised"] + got["reported"]
    return t(
        "status_summary", lang, quarter=quarter, year=year, sent=sent, total=int(counts.sum()), on_time=got["on_time"] + got["reported"],
        late=got["late"], revised=got["revised"], missing=got["missing"] + got["pending"],
    )  # fmt: skip


def reminder_table(reminders: Sequence[Reminder], lang: str = "vi") -> pd.DataFrame:
    """The reminders planned or sent, one row per unit in the plan's order; user text stays plain values."""
    return pd.DataFrame(
        {
            t("status_col_code", lang): [r.unit_code for r in reminders],
            t("status_col_unit", lang): [r.unit_name for r in reminders],
            t("remind_col_to", lang): [reminder_recipients(r) for r in reminders],
            t("remind_col_note", lang): [reminder_note(r, lang) for r in reminders],
        }
    )


def _when(value: object) -> str:
    return "" if pd.isna(value) else fmt_datetime(pd.Timestamp(value))  # type: ignore[arg-type]
