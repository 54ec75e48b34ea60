"""Notes added from the command line on the pages' charts, in the profile's list, and hostile text inert;
the profile's own unit picker."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support import figures, open_page, run_cli

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)> **đậm** [x](javascript:alert(3))"


def _hover_texts(figure: dict) -> str:
    """Every hover text and annotation of a figure, as Plotly receives it."""
    parts = [json.dumps(tr.get("hovertext", ""), ensure_ascii=False) for tr in figure["data"]]
    parts += [f"{a.get('hovertext', '')} {a.get('text', '')}" for a in figure["layout"].get("annotations", [])]
    return " ".join(parts)


@pytest.fixture
def noted(app_env: Path) -> Path:
    """The demo store with two notes added through `python -m analytics note add`."""
    for args in (
        ("--quarter", "2", "--unit", "STP_HN", "--indicator", "xa_ntm", "--text", HOSTILE),
        ("--phase", "2", "--text", "hợp nhất từ 01/7/2025"),
    ):
        assert run_cli(app_env, "note", "add", "--year", "2016", *args).returncode == 0
    (app_env / "cli.duckdb").rename(app_env / "app.duckdb")
    return app_env


def test_cli_note_on_the_profile_chart_list_and_inert(noted: Path) -> None:
    at = open_page("unit_profile", unit="STP_HN", ind="xa_ntm")
    trend = next(f for f in figures(at) if "Số xã" in f["layout"]["title"]["text"])
    stars = [tr for tr in trend["data"] if tr.get("name") == "Ghi chú"]
    assert len(stars) == 1 and stars[0]["x"] == [2, 4]  # the unit's quarter-2 note; phase 2's note at its last quarter
    hover = _hover_texts(trend)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in hover
    assert "<script" not in hover and "<img" not in hover
    assert "hợp nhất từ 01/7/2025" in hover
    listed = next(d.value for d in at.dataframe if "Ghi chú" in d.value.columns)
    assert HOSTILE in listed["Ghi chú"].tolist()  # a dataframe cell: plain text, shown as typed
    assert set(listed["Về"]) == {"Quý 2/2016 · STP Hà Nội · Số xã được chọn hỗ trợ xây dựng nông thôn mới", "Đợt 2/2016 · cả cụm"}
    assert all("<script" not in m.value for m in at.markdown)


@pytest.mark.slow  # a variant of the note on the profile chart above, on other charts
def test_cli_note_on_compare_bars_and_heatmap_cell(noted: Path) -> None:
    at = open_page("compare", ind="xa_ntm", period="Q2")
    bars, heat = figures(at)
    star = next(tr for tr in bars["data"] if tr.get("name") == "Ghi chú")
    assert star["y"] == ["STP Hà Nội"]
    assert "&lt;script&gt;" in _hover_texts(bars) and "<script" not in _hover_texts(bars)
    cell = next(tr for tr in heat["data"] if tr.get("name") == "Ghi chú")
    assert (cell["x"], cell["y"]) == (["Nông thôn mới"], ["STP Hà Nội"])  # ND3's column, headed by its short title
    assert "hợp nhất" not in _hover_texts(bars)  # phase 2 does not cover quarter 2
    later = _hover_texts(figures(open_page("compare", ind="xa_ntm", period="Q3"))[0])
    assert "alert" not in later
    assert "✎ Đợt 2/2016 · cả cụm: hợp nhất từ 01/7/2025" in later


def test_profile_without_a_unit_offers_a_picker_that_opens_the_unit(app_env: Path) -> None:
    at = open_page("unit_profile")
    picker = at.selectbox(key="profile_pick_unit")
    assert (picker.value is None and "STP_QN" in picker.options) or "Sở Tư pháp tỉnh Quảng Ninh" in picker.options
    picker.set_value("STP_QN").run()
    assert not at.exception
    assert at.selectbox(key="f_unit").value == "STP_QN"
    assert any("Quảng Ninh" in s.value for s in at.subheader)


@pytest.mark.slow  # four page runs, seconds
def test_the_profile_form_adds_edits_and_removes_a_note_through_the_actions(app_env: Path) -> None:
    at = open_page("unit_profile", unit="STP_HN", ind="xa_ntm")  # a fresh local install: the setup account may write
    at.text_area[0].input("số liệu điều chỉnh sau kiểm tra")
    next(b for b in at.button if b.label == "Thêm ghi chú").click().run()
    assert not at.exception
    listed = next(d.value for d in at.dataframe if "Ghi chú" in d.value.columns)
    assert listed["Ghi chú"].tolist() == ["số liệu điều chỉnh sau kiểm tra"]
    assert any("Đã lưu ghi chú" in s.value for s in at.success)
    at.text_input[0].input("hợp nhất từ 01/7/2025")
    next(b for b in at.button if b.key == "note_save").click().run()
    assert next(d.value for d in at.dataframe if "Ghi chú" in d.value.columns)["Ghi chú"].tolist() == ["hợp nhất từ 01/7/2025"]
    next(b for b in at.button if b.key == "note_remove").click().run()
    assert not any("Ghi chú" in d.value.columns for d in at.dataframe)
    assert "Chưa có ghi chú nào" in " ".join(c.value for c in at.caption)


@pytest.mark.slow  # who may write notes stays quick in tests/test_notes.py
def test_visitors_see_notes_but_no_form_once_accounts_exist(noted: Path) -> None:
    from analytics.trust import auth
    from ui import data

    at = open_page("unit_profile", unit="STP_HN", ind="xa_ntm")
    assert any(b.label == "Thêm ghi chú" for b in at.button)  # the setup account of a fresh install may write
    auth.add_user(data.store(), auth.system_user("test"), "lanhdao", "viewer", "mat-khau-dai")
    at.run()
    assert not any(b.label == "Thêm ghi chú" for b in at.button)
    assert HOSTILE in next(d.value for d in at.dataframe if "Ghi chú" in d.value.columns)["Ghi chú"].tolist()
