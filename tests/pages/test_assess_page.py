"""The scoring page as the secretariat uses it on review day: a unit's self-assessment entered, adjusted
with a reason, the year locked; the table shows self-assessed against agreed points and who reviewed them."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analytics.bootstrap import open_store
from analytics.settings import from_env
from analytics.trust import auth
from tests.support import APP, open_page, shown

pytestmark = pytest.mark.slow  # an AppTest run of the whole app


def _row(at, unit: str) -> dict:  # type: ignore[no-untyped-def]
    frame = next(d.value for d in at.dataframe if "Điểm tự chấm" in d.value.columns)
    return frame[frame["Đơn vị"] == unit].iloc[0].to_dict()


def _submit(at: AppTest, form: str) -> None:
    """Press the submit button of form `form` (its key is the form's, with Streamlit's prefix) and rerun."""
    next(b for b in at.button if form in str(b.key)).click().run()


def test_self_assess_adjust_with_a_reason_and_lock(app_env: Path) -> None:
    at = open_page("scoring")
    assert _row(at, "STP Quảng Ninh")["Tình trạng"] == "Chờ thẩm định"
    at.selectbox(key="assess_unit").set_value("STP_QN")
    at.number_input(key="assess_points").set_value(3.0)
    at.text_area(key="assess_note").set_value("Tổ chức 4 hội nghị nhân rộng điển hình")
    _submit(at, "assess_self")
    assert not at.exception and not at.error
    assert _row(at, "STP Quảng Ninh")["Giải trình"] == "Tổ chức 4 hội nghị nhân rộng điển hình"
    at.selectbox(key="assess_pair").set_value("STP_QN|TC7")
    at.number_input(key="assess_adjusted").set_value(2.0)
    at.text_input(key="assess_reason").set_value("Một hội nghị thiếu minh chứng")
    _submit(at, "assess_review")
    assert not at.exception and not at.error
    row = _row(at, "STP Quảng Ninh")
    assert (row["Điểm tự chấm"], row["Điểm thống nhất"], row["Tình trạng"], row["Người thẩm định"]) == (
        "3",
        "2",
        "Đã thống nhất",
        "localhost",
    )
    at.button(key="assess_lock").click().run()
    assert any("Đã khóa điểm năm 2016" in shown(s.value) for s in at.success)
    assert any("Điểm năm đã khóa bởi localhost" in shown(c.value) for c in at.caption)
    assert not [b for b in at.button if b.key == "assess_lock"]


def test_a_focal_point_self_assesses_only_its_own_unit_and_cannot_review(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THIDUA_DB", str(tmp_path / "app.duckdb"))
    st.cache_resource.clear()
    st.cache_data.clear()
    store = open_store(from_env())
    focal = auth.add_user(store, auth.system_user("test"), "tp.qn", "unit", "mat khau don vi", unit_code="STP_QN")
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["_auth_session"] = auth.open_session(focal, time.time())
    at.switch_page("pages/scoring.py").run()
    assert not at.exception
    assert at.selectbox(key="assess_unit").options == ["STP Quảng Ninh"]
    assert not [s for s in at.selectbox if s.key == "assess_pair"] and not [b for b in at.button if b.key == "assess_lock"]
    at.number_input(key="assess_points").set_value(1.0)
    at.text_area(key="assess_note").set_value("Tự đánh giá lại")
    _submit(at, "assess_self")
    assert not at.error
    row = _row(at, "STP Quảng Ninh")
    assert (row["Điểm tự chấm"], row["Giải trình"], row["Tình trạng"]) == ("1", "Tự đánh giá lại", "Chờ thẩm định")
    st.cache_resource.clear()
    st.cache_data.clear()
