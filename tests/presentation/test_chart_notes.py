"""Notes on the slides (footnote under the figure, in the deck and the offline pack) and on figures:
hostile note text reaches Plotly escaped and the footnote as plain text."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import given, settings

from analytics import notes
from analytics.presentation import chart_notes, charts, pack, slides
from analytics.presentation.meetings import Meeting, SlideSpec
from analytics.store import Store
from analytics.trust import actions
from analytics.trust.auth import User
from tests.support import connection, hostile

ADMIN = User("thuky", "admin")
HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)> **đậm** =HYPERLINK("x") [x](javascript:alert(3))'


def _deck(store: Store, block: str | None = None) -> slides.Deck:
    specs = tuple(SlideSpec("units", indicator=code) for code in ("xa_ntm", "dien_hinh", "ty_le_viec"))
    meeting = Meeting("ghi-chu", "Ghi chú 2016", 2016, "year", "ALL", 15, "light", specs)
    return slides.build_deck(connection(store), meeting, year=2016, period="year", block=block)


def test_slide_footnote_carries_matching_notes_inert(demo_store: Store) -> None:
    actions.add_note(demo_store, ADMIN, notes.Scope(2016, quarter=2, unit_code="STP_HN", indicator="xa_ntm"), HOSTILE)
    actions.add_note(demo_store, ADMIN, notes.Scope(2016, phase=1, indicator="ty_le_viec"), "số liệu điều chỉnh sau kiểm tra")
    deck = _deck(demo_store)
    by_indicator = {s.title.split(" — ")[0]: s for s in deck.slides}
    ntm = by_indicator["Số xã được chọn hỗ trợ xây dựng nông thôn mới"]
    assert ntm.footnote == f"✎ Ghi chú: Quý 2/2016 · STP Hà Nội · Số xã được chọn hỗ trợ xây dựng nông thôn mới: {HOSTILE}"
    written = json.dumps(ntm.figure.to_plotly_json()["layout"]["annotations"], ensure_ascii=False)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in written
    assert "<script" not in written and "<img" not in written
    cases = by_indicator["Tỷ lệ thi hành xong về việc"]
    assert "số liệu điều chỉnh sau kiểm tra" in cases.footnote and "STP Hà Nội" not in cases.footnote
    assert by_indicator["Điển hình tiên tiến xây dựng được"].footnote == ""  # a note on another indicator stays off
    html = pack.offline_html(deck)
    assert "alert(1)</script>" not in html and "<img src=x" not in html and "&lt;script&gt;alert(1)" in html
    # A deck of the enforcement block leaves the Sở Tư pháp unit's note out.
    assert all("STP Hà Nội" not in s.footnote for s in _deck(demo_store, "THADS").slides)


def _notes_frame(**row: object) -> pd.DataFrame:
    base = {"id": 1, "year": 2016, "quarter": None, "phase": None, "unit_code": None, "indicator": None, "text": HOSTILE,
            "by": "x", "at": pd.Timestamp("2016-07-01"), "unit_name": None, "unit_block": None, "content": None,
            "indicator_label": None, "quarters": (1, 2, 3, 4)}  # fmt: skip
    return pd.DataFrame([base | row])


def test_stars_sit_on_the_noted_unit_and_general_notes_in_the_corner() -> None:
    frame = pd.DataFrame(
        {"unit_code": ["A", "B"], "short_name": ["STP A", "STP <b>B</b>"], "name": ["Sở A", "Sở B"], "block": ["STP", "STP"],
         "value": [3.0, 1.0], "status": ["ok", "ok"]}
    )  # fmt: skip
    noted = pd.concat([_notes_frame(unit_code="B", unit_name="STP <b>B</b>", quarter=2, quarters=(2,)), _notes_frame(id=2)])
    figure = chart_notes.on_rows(charts.unit_bars(frame, "t"), noted, dict(zip(frame["unit_code"], frame["short_name"], strict=True)))
    spec = figure.to_plotly_json()
    star = next(tr for tr in spec["data"] if tr.get("name") == "Ghi chú")
    assert list(star["y"]) == ["STP <b>B</b>"] and 0 < star["x"][0] < 0.1  # just inside the bar's start
    assert star["hovertext"][0].startswith("✎ Quý 2/2016 · STP &lt;b&gt;B&lt;/b&gt;: &lt;script&gt;")
    corner = spec["layout"]["annotations"][-1]
    assert corner["text"] == "✎ 1 ghi chú chung" and "&lt;img src=x onerror=alert(2)&gt;" in corner["hovertext"]
    assert "<script" not in json.dumps(spec, ensure_ascii=False, default=list)


@pytest.mark.slow  # hostile examples, each a figure
@settings(max_examples=15, deadline=None)
@given(text=hostile)
def test_any_note_text_reaches_plotly_without_a_tag(text: str) -> None:
    frame = pd.DataFrame({"unit_code": ["A"], "short_name": ["STP A"], "name": ["Sở A"], "block": "STP", "value": [1.0], "status": "ok"})
    noted = pd.concat([_notes_frame(unit_code="A", unit_name="STP A", text=text), _notes_frame(id=2, text=text)])
    figure = chart_notes.on_rows(charts.unit_bars(frame, "t"), noted, {"A": "STP A"})
    figure = chart_notes.with_footnote(figure, chart_notes.footnote(noted), 18)
    spec = figure.to_plotly_json()
    written = [*spec["data"][-1]["hovertext"], *(a.get("hovertext", "") + a["text"] for a in spec["layout"]["annotations"])]
    for value in written:
        assert "<" not in value.replace("<br>", ""), value  # Plotly renders only tags; every < arrives as &lt;
