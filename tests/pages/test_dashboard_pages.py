"""AppTest for every dashboard page: filters from the URL, empty and edge states, charts and downloads."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analytics.bootstrap import open_store
from analytics.history import apply_values, record_upload
from analytics.settings import DATA_DIR, Settings
from tests.support import MINI, PAGES, array, bar_units, figures, open_page, slow_except, texts


@pytest.mark.parametrize("page", slow_except(PAGES, "overview"))  # each page has its own quick test below
def test_every_page_renders_on_demo_data_with_demo_label_and_downloads(app_env: Path, page: str) -> None:
    at = open_page(page, unit="THADS_HN")
    assert "Dữ liệu minh họa" in at.warning[0].value
    assert figures(at), f"{page} shows no chart"
    configs = [json.loads(c.proto.config) for c in at.get("plotly_chart")]
    assert all(config == {"displaylogo": False} for config in configs), f"{page}: a chart not drawn by ui.charts.show_chart"
    if page != "overview":
        assert len(at.get("download_button")) >= 2  # every table: CSV and Excel


def test_compare_draws_22_units_target_and_heatmap(app_env: Path) -> None:
    at = open_page("compare", ind="xa_ntm")
    bars, heat = figures(at)
    assert len(bar_units(bars)) == 22
    assert any(tr.get("name") == "Chỉ tiêu" for tr in bars["data"])
    assert "Số xã được chọn hỗ trợ xây dựng nông thôn mới — Năm 2016" in bars["layout"]["title"]["text"]
    # The contents with a target in 2016, by their short titles from the campaign file.
    assert len(heat["data"][0]["y"]) == 22 and heat["data"][0]["x"][:3] == ["Điển hình tiên tiến", "Hoàn thành nhiệm vụ", "Nông thôn mới"]
    assert len(heat["data"][0]["x"]) == 5


@pytest.mark.slow  # the compare page stays quick above, the points in test_scoring_page_lists_flag_candidates_and_drills_down
def test_compare_score_within_a_block_from_the_url(app_env: Path) -> None:
    at = open_page("compare", ind="diem_cham", block="THADS", heat="points")
    assert at.selectbox(key="cmp_indicator").value == "diem_cham"
    bars = figures(at)[0]
    units = bar_units(bars)
    assert len(units) == 11 and all(u.startswith("THADS ") for u in units)
    assert "Tổng điểm chấm" in bars["layout"]["title"]["text"]
    assert at.query_params["heat"] in ("points", ["points"])


def test_phases_shows_improvement_and_trend_for_the_chosen_unit(app_env: Path) -> None:
    at = open_page("phases", unit="STP_HN", ind="xa_ntm")
    metrics = {m.label: m.value for m in at.metric}
    assert set(metrics) == {"Tiến bộ", "Giảm", "Không đổi"}
    assert sum(int(v) for v in metrics.values()) == 22  # THADS Thái Bình keeps its Q3 level for phase 2 (flagged late)
    dumbbell, trend = figures(at)
    assert len(bar_units(dumbbell)) == 22
    assert "STP Hà Nội" in trend["layout"]["title"]["text"]


def test_enforcement_explains_the_statistical_year_and_per_cuc_targets(app_env: Path) -> None:
    at = open_page("enforcement")
    info = texts(at)
    assert "01/10/2015 đến 30/09/2016" in info and "minh họa" in info
    case, money = figures(at)
    assert len(bar_units(case)) == 11 and len(bar_units(money)) == 11
    targets = next(tr for tr in case["data"] if tr.get("name") == "Chỉ tiêu")
    assert {67, 70, 72, 75} <= set(array(targets["x"]))  # each Cục's own target
    stp = open_page("enforcement", block="STP")
    assert "chỉ áp dụng cho Khối Cục THADS" in stp.info[0].value


def test_rural_lists_named_communes_of_the_chosen_unit(app_env: Path) -> None:
    at = open_page("rural", unit="STP_HD")
    ntm = figures(at)[0]
    assert len(bar_units(ntm)) == 22
    frames = [df.value for df in at.dataframe]
    communes = frames[-1]
    assert set(communes["Đơn vị"]) == {"STP Hải Dương"} and len(communes) == 1


def test_legal_access_phases_and_stp_only_access_standard(app_env: Path) -> None:
    at = open_page("legal_access", block="THADS")
    assert any("chỉ áp dụng cho Khối Sở Tư pháp" in i.value for i in at.info)
    stp = open_page("legal_access", block="STP")
    titles = [f["layout"]["title"]["text"] for f in figures(stp)]
    assert any("tiếp cận pháp luật" in title for title in titles) and any("theo đợt" in title for title in titles)
    access = stp.dataframe[-1].value  # the legal-access table: its counts, not "chưa báo cáo" for figures that exist
    counts = [c for c in access.columns if c.startswith("Tổng số xã")]
    assert counts and (access[counts[0]] != "chưa báo cáo").sum() >= 10


def test_unit_profile_shows_rank_scorecard_and_sources(app_env: Path) -> None:
    at = open_page("unit_profile", unit="STP_QN")
    assert at.subheader[0].value == "Sở Tư pháp tỉnh Quảng Ninh"
    assert "trong Khối Sở Tư pháp" in at.metric[0].label and at.metric[0].label.startswith("Xếp thứ ")
    frames = [df.value for df in at.dataframe]
    assert "Quý 1" in frames[0].columns and "Đợt 2" in frames[0].columns
    # the demo sends each quarter as its own upload
    assert frames[1]["Người tải"].tolist() == ["Dữ liệu minh họa"] * 4 and frames[1]["Loại"].tolist() == ["dữ liệu minh họa"] * 4
    assert open_page("unit_profile").selectbox(key="profile_pick_unit").label == "Chọn đơn vị để xem hồ sơ"  # a picker, not an empty page


def test_scoring_page_lists_flag_candidates_and_drills_down(app_env: Path) -> None:
    at = open_page("scoring", drill="THADS_TB")
    assert "Bảng điểm minh họa" in texts(at)
    assert at.success and "xếp thứ 1" in at.success[0].value
    assert at.selectbox(key="sc_unit").value == "THADS_TB"
    frames = [df.value for df in at.dataframe]
    drill = next(f for f in frames if "Cách tính" in f.columns)
    assert set(drill["Đơn vị"]) == {"THADS Thái Bình"} and "−5" in " ".join(drill["Quy tắc"])
    # Its stocks come from Q3 (no Q4): scored, and said to be late — never a silent zero.
    assert "nộp muộn / chưa đủ kỳ — số liệu quý 3" in " ".join(drill["Cách tính"])
    # The registration element: the demo's approved registrations earn the bonus or miss it; the unit
    # left unregistered and the one returned say so, not a silent 0.
    summary = next(f for f in frames if "Chỉ tiêu đăng ký" in f.columns)
    how = summary["Chỉ tiêu đăng ký"]
    assert len(summary) == 22 and how.eq("chưa có đăng ký được duyệt → 0").sum() == 2
    assert how.str.contains("— đạt đủ →").any() and how.str.contains("— chưa đạt đủ →").any()
    line = drill.set_index("Mã").loc["DK"]
    assert line["Tiêu chí"] == "Hoàn thành chỉ tiêu đăng ký" and line["Cách tính"].startswith("Xã NTM ")
    # Every unit's detail is a file to download, not a table to scroll (30,000 rows nationally).
    assert all(set(f.get("Đơn vị", [])) <= {"THADS Thái Bình"} for f in frames if "Cách tính" in f.columns)
    assert any(c.value.startswith("Chi tiết điểm của tất cả 22 đơn vị") for c in at.caption)
    assert {b.proto.id.rsplit("-", 1)[-1] for b in at.get("download_button")} >= {"sc_drill_all_csv", "sc_drill_all_xlsx"}


@pytest.mark.slow  # values at a cut-off stay quick in tests/test_golden.py, the scoring page above
def test_scoring_page_at_a_meeting_cut_off_from_the_url(app_env: Path) -> None:
    at = open_page("scoring", drill="THADS_TB", as_of="2016-11-03 17:00")
    assert "Số liệu đến hết Quý 3/2016 (chốt lúc 17:00 03/11/2016)" in [c.value for c in at.caption]
    assert at.selectbox(key="f_as_of").value == "2016-11-03 17:00" and at.query_params["as_of"] == "2016-11-03 17:00"
    drill = next(df.value for df in at.dataframe if "Cách tính" in df.value.columns)
    assert "nộp muộn" not in " ".join(drill["Cách tính"])  # nobody had Q4 on 3/11


@pytest.mark.parametrize("page", slow_except(PAGES, "overview"))
def test_empty_store_says_so_on_every_page(app_env: Path, monkeypatch: pytest.MonkeyPatch, page: str) -> None:
    monkeypatch.setenv("THIDUA_DEMO", "0")
    at = open_page(page)
    assert any("Chưa có số liệu" in i.value for i in at.info)
    assert not at.get("plotly_chart")


@pytest.fixture(scope="module")
def two_years_store(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The mini registry (STP_B/THADS_B merge into the A units after 2016), its 2016 values, one
    2017 quarter for the A units only, and a 2018 campaign without any value: built once, then
    copied for each test by `two_years`."""
    folder = tmp_path_factory.mktemp("two_years")
    campaigns = folder / "campaigns"
    campaigns.mkdir()
    text = (DATA_DIR / "campaigns" / "2016.toml").read_text(encoding="utf-8")
    (campaigns / "2016.toml").write_text(text, encoding="utf-8")
    for year in ("2017", "2018"):
        (campaigns / f"{year}.toml").write_text(text.replace("2016", year), encoding="utf-8")
    units = folder / "units.csv"
    shutil.copy(MINI / "units.csv", units)
    settings = Settings(db_path=folder / "template.duckdb", units_file=units, campaigns_dir=campaigns, load_demo_when_new=False)
    store = open_store(settings)
    facts = pd.read_csv(MINI / "facts.csv")
    later = pd.DataFrame({"unit_code": ["STP_A", "THADS_A"], "year": 2017, "quarter": 1, "indicator": "xa_ntm", "value": [2.0, 1.0]})
    facts = pd.concat([facts, later], ignore_index=True)

    def work(cur):  # type: ignore[no-untyped-def]
        apply_values(cur, record_upload(cur, kind="results", created_by="test", file_name="facts.csv", raw=b"x"), facts)

    store.write(work)
    return settings


@pytest.fixture
def two_years(app_env: Path, two_years_store: Settings, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of `two_years_store` as the app's store, with its registry and campaign files."""
    shutil.copyfile(two_years_store.db_path, app_env / "app.duckdb")
    monkeypatch.setenv("THIDUA_CAMPAIGNS", str(two_years_store.campaigns_dir))
    monkeypatch.setenv("THIDUA_UNITS", str(two_years_store.units_file))
    monkeypatch.setenv("THIDUA_DEMO", "0")
    return app_env


@pytest.mark.parametrize("page", slow_except(PAGES, "compare"))
def test_a_year_without_data_says_so(two_years: Path, page: str) -> None:
    at = open_page(page, year="2018")
    assert any("Chưa có số liệu nào được tải lên cho năm 2018" in i.value for i in at.info)


def test_a_merged_unit_and_a_single_unit_are_explained(two_years: Path) -> None:
    at = open_page("unit_profile", year="2016", unit="STP_B")
    assert at.subheader[0].value == "Sở Tư pháp tỉnh Bảo Lạc"  # active in 2016
    assert at.dataframe[-1].value["Tệp"].tolist() == ["facts.csv"]  # where its data came from
    gone = open_page("unit_profile", year="2017", unit="STP_B")
    assert "không còn hoạt động trong năm 2017 — đã hợp nhất vào STP An Bình" in gone.warning[0].value
    single = open_page("compare", year="2017", block="STP", period="Q1")
    assert any("Chỉ có một đơn vị" in i.value for i in single.info)
    assert bar_units(figures(single)[0]) == {"STP An Bình"}


@pytest.mark.slow  # filters from and back to the URL stay quick in tests/pages/test_pages.py
def test_filters_persist_across_pages_and_in_the_url(app_env: Path) -> None:
    at = open_page("compare", period="P2", block="STP", unit="STP_HN")
    at.switch_page("pages/scoring.py").run()
    assert not at.exception
    assert at.selectbox(key="f_period").value == "P2" and at.radio(key="f_block").value == "STP"
    assert at.selectbox(key="f_unit").value == "STP_HN"
    for key, value in {"period": "P2", "block": "STP", "unit": "STP_HN"}.items():
        assert at.query_params[key] in (value, [value])
    at.selectbox(key="f_unit").set_value("STP_QN").run()
    assert at.query_params["unit"] in ("STP_QN", ["STP_QN"])


def test_unknown_unit_in_the_url_is_ignored(app_env: Path) -> None:
    at = open_page("unit_profile", unit="<script>")
    assert at.selectbox(key="f_unit").value == "ALL"
