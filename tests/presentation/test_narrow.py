"""A figure laid out for a phone: wrapped title, legend at the foot, long row labels shortened, tick
labels kept legible; the original figure is left as it was."""

from __future__ import annotations

import pandas as pd

from analytics.presentation import charts
from analytics.presentation.narrow import MIN_FONT, TITLE_CHARS, for_narrow_screen

FRAME = pd.DataFrame(
    {"unit_code": ["A", "B"], "short_name": ["STP Quảng Ninh", "THADS Hải Phòng"], "name": ["Sở A", "Cục B"],
     "block": ["STP", "THADS"], "value": [3.0, None], "status": ["ok", "missing"], "target_min": [2.0, 2.0]}
)  # fmt: skip
TITLE = "Số xã được chọn hỗ trợ xây dựng nông thôn mới — Năm 2016"


def test_bars_on_a_phone_wrap_the_title_and_keep_unit_names_whole_and_legible() -> None:
    wide = charts.unit_bars(FRAME, TITLE, "xã")
    narrow = for_narrow_screen(wide)
    lines = narrow.layout.title.text.split("<br>")
    assert " ".join(lines) == TITLE and all(len(line) <= TITLE_CHARS for line in lines) and len(lines) == 2
    assert narrow.layout.legend.yref == "container" and narrow.layout.legend.y == 0  # under the plot, not over the title
    assert narrow.layout.height > wide.layout.height  # the title and legend take room, not the bars
    assert narrow.layout.yaxis.ticktext is None  # unit names are short enough to stay whole
    assert min(narrow.layout.yaxis.tickfont.size, narrow.layout.xaxis.tickfont.size) >= MIN_FONT
    assert wide.layout.title.text == TITLE  # a copy: the desktop figure is unchanged


def test_long_row_labels_are_cut_but_the_rows_stay_the_same_categories() -> None:
    rows = ["TC1 · Điển hình tiên tiến (1–2 mô hình)", "TC2 · Tỷ lệ"]
    figure = for_narrow_screen(charts._figure([{"type": "bar", "x": [1, 2], "y": rows, "orientation": "h"}], "t", "screen", 300,
                                              yaxis={"categoryorder": "array", "categoryarray": rows}))  # fmt: skip
    assert list(figure.layout.yaxis.tickvals) == rows
    assert list(figure.layout.yaxis.ticktext) == ["TC1 · Điển hình tiên …", "TC2 · Tỷ lệ"]


def test_a_heatmap_on_a_phone_gives_the_colour_bar_width_to_the_cells() -> None:
    grid = pd.DataFrame(
        {"unit_code": "A", "short_name": "STP A", "name": "Sở A", "content": ["ND1", "ND2"], "title": "x", "share": [1.0, 0.5],
         "status": "ok", "text": ["1/1", "1/2"]}
    )  # fmt: skip
    figure = for_narrow_screen(charts.attainment_heatmap(grid, "t"))
    assert figure.data[0].showscale is False and figure.layout.xaxis.tickfont.size == MIN_FONT
    cells = next(tr for tr in figure.data if tr.type == "scatter")
    assert cells.mode == "markers" and len(cells.hovertext) == 2  # no text crowding the cells; still clickable, still hovering
