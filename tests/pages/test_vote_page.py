"""The vote page: the rule shown as to be confirmed, the shortlisted candidates, a count typed into the
form stored and shown with who passes; a count above the voters present is refused with its row."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import open_page, shown, texts

pytestmark = pytest.mark.slow  # an AppTest run of the whole app


def test_the_secretariat_records_a_count_and_sees_who_passes(app_env: Path) -> None:
    at = open_page("vote")
    assert any("cần xác minh" in w.value for w in at.warning)
    at.selectbox(key="vote_title").set_value("CO_BTP_THADS").run()
    assert "chỉ được xem xét danh hiệu thi đua khi đã đăng ký thi đua" in shown(texts(at))
    candidates = at.dataframe[0].value
    # The demo's approved registrations all name the Ministry's flag: nobody to flag for it.
    assert set(candidates["Đăng ký thi đua"]) == {"đã đăng ký"}
    assert not any(shown(w.value).startswith("Ứng viên cần thư ký cụm xem xét") for w in at.warning)
    assert {n.key for n in at.number_input} >= {"votes_THADS_NB", "votes_THADS_HN"}
    at.number_input[0].set_value(20)
    at.number_input(key="votes_THADS_NB").set_value(25)
    at.button[-1].click().run()
    assert [shown(e.value) for e in at.error] == ["Cục Thi hành án dân sự tỉnh Ninh Bình: số phiếu lớn hơn số người bỏ phiếu có mặt (20)"]
    at.number_input(key="votes_THADS_NB").set_value(15)
    at.number_input(key="votes_THADS_HN").set_value(4)
    at.button[-1].click().run()
    assert not at.exception
    assert any("Đạt: THADS Ninh Bình" in shown(s.value) for s in at.success)
    assert "Ghi bởi localhost; 20 người bỏ phiếu có mặt" in shown(texts(at))
    result = at.dataframe[-1].value
    assert result[["Số phiếu", "Kết quả"]].values.tolist() == [["15/20", "Đạt"], ["4/20", "Không đạt"]]
    assert result["Đăng ký thi đua"].tolist() == ["đã đăng ký"] * 2
    assert not any("Lưu ý:" in shown(s.value) for s in at.success)
