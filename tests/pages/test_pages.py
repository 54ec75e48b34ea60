"""AppTest for every page: it renders from a temporary store with no exception."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support import APP


def test_overview_shows_kpis_and_a_chart_of_all_22_units(app_env: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Tổng quan"
    assert "Dữ liệu minh họa" in at.warning[0].value
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Đơn vị đã báo cáo"] == "21/22"
    assert "Dữ liệu đến hết Quý 4/2016" in at.caption[0].value
    charts = at.get("plotly_chart")
    assert len(charts) == 2  # milestone timeline, then the 22-unit comparison
    figure = json.loads(charts[1].proto.spec)
    units = {y for trace in figure["data"] if trace.get("type") == "bar" for y in trace["y"]}
    missing = {y for trace in figure["data"] if trace.get("mode") == "markers+text" for y in trace["y"]}
    assert len(units | missing) == 22


def test_filters_come_from_the_url_and_go_back_to_it(app_env: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["period"] = "P1"
    at.query_params["block"] = "STP"
    at.run()
    assert not at.exception
    assert at.selectbox(key="f_period").value == "P1"
    assert at.radio(key="f_block").value == "STP"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Đơn vị đã báo cáo"] == "11/11"
    at.selectbox(key="f_period").set_value("Q4").run()
    assert at.query_params["period"] in ("Q4", ["Q4"])


def test_bad_url_values_are_ignored(app_env: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["year"] = "1999"
    at.query_params["period"] = "<script>"
    at.run()
    assert not at.exception
    assert at.selectbox(key="f_year").value == 2016 and at.selectbox(key="f_period").value == "year"


def test_empty_store_says_so(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THIDUA_DEMO", "0")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "Chưa có số liệu" in at.info[0].value


def test_malformed_config_stops_with_a_message(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    campaigns = app_env / "campaigns"
    campaigns.mkdir()
    (campaigns / "2016.toml").write_text("year = 2016\n[[indicators]]\ncode = 'x'\n", encoding="utf-8")
    monkeypatch.setenv("THIDUA_CAMPAIGNS", str(campaigns))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "indicators[1]" in at.error[0].value


def test_scores_are_computed_in_the_background_once_per_data_version(app_env, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """After an upload or a restart the first leader should not wait for the year's scores."""
    from analytics import scoring
    from ui import data

    calls: list[int] = []
    real = scoring.score
    monkeypatch.setattr(scoring, "score", lambda *a, **k: calls.append(1) or real(*a, **k))
    version = data.version()
    thread = data.warm_in_background(version)
    assert thread is not None
    thread.join(60)
    assert calls == [1]
    assert data.warm_in_background(version) is None  # once per data version
    assert data.scores(version, max(data.years(version))) is not None and calls == [1]  # a page finds them ready


def test_the_app_starts_the_warm_up_on_its_first_run(app_env) -> None:  # type: ignore[no-untyped-def]
    from ui import data

    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert (str(data.store().path), data.version()) in data._warmed
