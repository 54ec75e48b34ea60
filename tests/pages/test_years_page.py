"""AppTest of the year-over-year page on the demo years, and of every page on a year made with `campaign new`."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.cli import main
from analytics.settings import DATA_DIR
from tests.support import PAGES, figures, open_page


@pytest.mark.slow  # several years of stores; the single-year page below stays quick
def test_year_over_year_shows_a_merged_unit_on_a_comparable_basis_with_the_note(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THIDUA_CAMPAIGNS", str(DATA_DIR / "campaigns"))
    monkeypatch.setenv("THIDUA_MEETINGS", str(DATA_DIR / "meetings"))
    at = open_page("years", ind="ty_le_viec", block="THADS", unit="THADS_NB")
    assert at.selectbox(key="f_year").value == 2026 and at.selectbox(key="yy_from").value == 2024
    assert "Dữ liệu minh họa" in at.warning[0].value
    note = at.info[0].value
    assert "Số liệu so sánh được" in note and "THADS Ninh Bình: THADS Hà Nam, THADS Nam Định" in note
    assert any("minh họa" in c.value and "thư ký cụm" in c.value for c in at.caption)
    cluster, lines = figures(at)
    assert {tuple(trace["x"]) for trace in cluster["data"]} == {(2024, 2025, 2026)}
    nb = next(trace for trace in lines["data"] if trace["name"] == "THADS Ninh Bình")
    assert (
        nb["marker"]["symbol"] == ["diamond-open", "diamond-open", "circle"] and "THADS Hà Nam" in nb["customdata"][0]
    )  # 2025 adds the predecessors' first half
    assert len(lines["data"]) == 6  # the six enforcement departments of 2026
    metrics = {m.label: int(m.value) for m in at.metric}
    assert metrics["Tốt hơn năm trước"] + metrics["Kém hơn năm trước"] + metrics["Chưa có năm trước để so"] == 6
    assert at.query_params["ind"] in ("ty_le_viec", ["ty_le_viec"]) and at.query_params["from"] in ("2024", ["2024"])
    assert len(at.dataframe) == 2  # this year against the last, and the scores across years
    changes, scores = (d.value for d in at.dataframe)
    assert {"2025", "2026", "So với năm trước"} <= set(changes.columns) and len(changes) == 6
    assert {"Điểm 2024", "Xếp loại 2025", "Xếp thứ 2026"} <= set(scores.columns)


def test_a_single_year_says_there_is_nothing_to_compare(app_env: Path) -> None:
    at = open_page("years")
    assert "Mới có số liệu của một năm (2016)" in at.info[0].value


@pytest.mark.slow  # every page on a new year
def test_every_page_opens_on_a_year_made_with_campaign_new(app_env: Path, config_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THIDUA_DEMO", "0")
    sample = app_env / "q1_2017.xlsx"
    assert main(["campaign", "new", "--year", "2017", "--from", "2016"]) == 0
    assert main(["sample", "--year", "2017", "--quarter", "1", "-o", str(sample)]) == 0
    assert main(["import", str(sample)]) == 0
    for page in (*PAGES, "years"):
        at = open_page(page)
        assert at.selectbox(key="f_year").value == 2017, page
        assert at.selectbox(key="f_year").options == ["2017", "2016"], page
    present = open_page("present")
    assert "2017" in present.markdown[0].value or any("2017" in str(c.value) for c in present.caption)
