"""The registration page: a focal point registers its own unit (no other unit offered), the secretariat
returns it with a reason the unit then sees, and approves it; registered vs achieved is on the page."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analytics import demo
from analytics.bootstrap import open_store
from analytics.settings import from_env
from analytics.trust import auth
from tests.support import APP, button, figures, shown, texts

pytestmark = pytest.mark.slow
UNIT = demo.UNREGISTERED  # the demo's one unit without a registration: it starts from nothing


@pytest.fixture
def people(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, auth.User]]:
    monkeypatch.setenv("THIDUA_DB", str(tmp_path / "app.duckdb"))
    st.cache_resource.clear()
    st.cache_data.clear()
    store = open_store(from_env())  # the demo dataset: achieved values to set against
    root = auth.system_user("test")
    users = {
        "admin": auth.add_user(store, root, "thuky", "admin", "mat khau thu ky"),
        "unit": auth.add_user(store, root, "tp.qn", "unit", "mat khau don vi", unit_code=UNIT),
    }
    yield users
    st.cache_resource.clear()
    st.cache_data.clear()


def page(user: auth.User) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["_auth_session"] = auth.open_session(user, time.time())
    at.switch_page("pages/registration.py")
    at.run()
    assert not at.exception, at.exception
    return at


def table_row(at: AppTest, unit: str) -> dict:
    [frame] = [d.value for d in at.dataframe if "Trạng thái" in d.value.columns]
    return frame[frame["Mã đơn vị"] == unit].iloc[0].to_dict()


def test_a_unit_registers_its_own_and_the_secretariat_returns_then_approves(people: dict[str, auth.User]) -> None:
    at = page(people["unit"])
    assert not [s for s in at.selectbox if s.key == "reg_unit"]  # only its own unit: no choice offered
    assert "Đăng ký của THADS Quảng Ninh" in texts(at)
    before = table_row(at, UNIT)
    assert before["Trạng thái"] == "Chưa đăng ký" and before["Xã NTM đăng ký"] == "—"
    [chart] = figures(at)
    registered = next(tr for tr in chart["data"] if tr["name"] == "Đăng ký")
    labels = dict(zip(registered["y"], registered["text"], strict=True))
    assert labels["THADS Quảng Ninh"] == "chưa đăng ký" and labels["STP Bắc Ninh"] == "chưa được duyệt"
    at.multiselect(key=f"reg_titles_{UNIT}").set_value(["co_bo_tu_phap", "tap_the_ldxs"])
    at.number_input(key=f"reg_ntm_count_{UNIT}").set_value(2)
    at.text_area(key=f"reg_ntm_names_{UNIT}").set_value("Xã Hồng Thái Tây\nXã Bình Dương")
    next(b for b in at.button if b.label == "Gửi duyệt").click().run()
    assert not at.exception
    row = table_row(at, UNIT)
    assert row["Trạng thái"] == "Chờ duyệt" and row["Xã NTM đăng ký"] == "2"
    assert row["Danh hiệu đăng ký"] == "Cờ thi đua của Bộ Tư pháp; Tập thể lao động xuất sắc"
    # Sent today, years after the shipped 2016 deadline (31/03/2016): flagged in the table and under the chart.
    late = (date.today() - date(2016, 3, 31)).days
    assert row["Gửi đăng ký"] == f"{date.today():%d/%m/%Y} — đăng ký muộn ({late} ngày)"
    assert f"Đăng ký muộn: THADS Quảng Ninh (đăng ký muộn ({late} ngày))." in [shown(w.value) for w in at.warning]

    admin = page(people["admin"])
    admin.text_input(key="reg_review_reason").set_value("Bổ sung tên điển hình tiên tiến")
    button(admin, "reg_return").click().run()
    assert table_row(admin, UNIT)["Trạng thái"] == "Từ chối"
    again = page(people["unit"])
    assert "Thư ký cụm trả lại: Bổ sung tên điển hình tiên tiến" in shown(texts(again))
    next(b for b in again.button if b.label == "Gửi duyệt").click().run()
    admin = page(people["admin"])
    button(admin, "reg_approve").click().run()
    assert table_row(admin, UNIT)["Trạng thái"] == "Đã duyệt"
    [chart] = figures(admin)
    registered = next(tr for tr in chart["data"] if tr["name"] == "Đăng ký")
    assert len(registered["y"]) == 22
