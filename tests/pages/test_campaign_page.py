"""AppTest of the admin page's campaign years: a new year made, previewed, saved and undone from the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.test_auth_pages import ADMIN, add_users, button_labelled, logged_in_as, rendered_texts, with_store

pytestmark = pytest.mark.slow


def test_admin_starts_2017_from_2016_previews_saves_and_undoes(app_env: Path, config_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THIDUA_DEMO", "0")
    with_store(add_users)
    at: AppTest = logged_in_as(ADMIN, "thuky")
    assert not at.exception
    assert at.number_input(key="camp_year").value == 2017
    preview = next(c.value for c in at.code if "+year = 2017" in c.value)
    assert "+date = 2017-03-04" in preview
    button_labelled(at, "Lưu").click().run()
    assert not at.exception and "Đã lưu" in rendered_texts(at)
    assert (app_env / "campaigns" / "2017.toml").exists() and (app_env / "meetings" / "tong-ket-2017.toml").exists()

    at.radio(key="camp_mode").set_value("edit").run()
    at.selectbox(key="camp_edit_year").select(2017).run()
    box = next(a for a in at.text_area if a.key.startswith("camp_text_edit_2017"))
    box.input(box.value.replace('place = "TP Vĩnh Yên, tỉnh Vĩnh Phúc"', 'place = "Nhập sai', 1)).run()
    assert "Tệp cấu hình" in rendered_texts(at)  # the TOML error, named, and no save button
    assert not [b for b in at.button if b.label == "Lưu"]
    button_labelled(at, "Hoàn tác lần lưu gần nhất của năm 2017").click().run()
    assert not at.exception and not (app_env / "campaigns" / "2017.toml").exists()
