"""The status board: with 21 of 22 units reported for a quarter it shows 21 on time or late and 1 missing;
filters live in the URL; the secretariat's button reminds the missing unit, in the background."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analytics.ingest import validate
from analytics.ingest.readers import source_from_path
from analytics.registry import load_units
from analytics.settings import DATA_DIR, from_env
from analytics.store import Store
from analytics.trust import actions, auth
from tests.support import APP, SmtpServer, button, connection, figures, quarter_file, texts

MISSING = "THADS_HY"


@pytest.fixture
def secretariat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, smtp: SmtpServer, open_ready_store: Callable[..., Store]
) -> Iterator[auth.User]:
    monkeypatch.setenv("THIDUA_DB", str(tmp_path / "app.duckdb"))
    monkeypatch.setenv("THIDUA_DEMO", "0")
    for key, value in smtp.env().items():
        monkeypatch.setenv(key, value)
    st.cache_resource.clear()
    st.cache_data.clear()
    store = open_ready_store(from_env())
    root = auth.system_user("test")
    admin = auth.add_user(store, root, "thuky", "admin", "mat khau thu ky")
    auth.add_user(store, root, "hy.daumoi", "unit", "mat khau don vi", unit_code=MISSING, email="daumoi@thahy.test")
    codes = [u.code for u in load_units(DATA_DIR / "units.csv") if u.active_in(2016) and u.code != MISSING]
    checked = validate.check(connection(store), [source_from_path(quarter_file(tmp_path, codes, 2))])
    actions.commit_upload(store, checked, admin, backups_root=tmp_path / "backups")
    yield admin
    st.cache_resource.clear()
    st.cache_data.clear()


def status_page(user: auth.User | None, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    if user is not None:
        at.session_state["_auth_session"] = auth.open_session(user, time.time())
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page("pages/status.py")
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.slow  # a reminder sent in the background; the board itself stays quick below
def test_21_of_22_reported_shows_21_late_and_1_missing_and_the_button_reminds_it(secretariat: auth.User, smtp: SmtpServer) -> None:
    at = status_page(secretariat, quarter="2")
    shown = texts(at)
    assert "Quý 2/2016: 21/22 đơn vị đã gửi — 0 đúng hạn, 21 chậm, 0 sửa sau hạn; 1 chưa gửi." in shown
    assert "MINH HỌA" in shown
    [board] = figures(at)
    heat = board["data"][0]
    assert len(heat["y"]) == 22 and heat["x"] == ["Q2"]
    cells = [c for row in heat["text"] for c in row]
    assert sum(c.startswith("chậm ") for c in cells) == 21 and cells.count("Chưa gửi (quá hạn)") == 1
    [plan] = [d.value for d in at.dataframe if "Gửi tới" in d.value.columns]
    assert plan["Mã đơn vị"].tolist() == [MISSING] and plan["Gửi tới"].tolist() == ["daumoi@thahy.test"]
    button(at, "remind_send").click().run()
    job = at.session_state["_remind_job"]
    job.result(timeout=30)
    at.run()
    assert "Đã gửi 1 thư nhắc; 0 đơn vị có địa chỉ không nhận được; 0 bỏ qua." in texts(at)
    assert smtp.inbox.recipients() == ["daumoi@thahy.test"]


def test_the_status_filter_comes_from_the_url_and_visitors_get_no_button(secretariat: auth.User) -> None:
    at = status_page(None, quarter="2", status="missing")
    [board] = figures(at)
    assert board["data"][0]["y"] == ["THADS Hưng Yên"]
    assert not [b for b in at.button if b.key == "remind_send"]
    assert at.query_params["status"] == "missing" and at.query_params["quarter"] == "2"
