"""AppTest of the upload page: check, preview, errors, commit, revert — through the widgets people use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from analytics.ingest import validate
from analytics.trust import backup
from tests.support import APP, UPLOADS, button, shown


def open_upload_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/upload.py").run()
    assert not at.exception
    return at


def file(name: str) -> tuple[str, bytes, str]:
    path = UPLOADS / name
    return (path.name, path.read_bytes(), "text/csv")


def test_upload_page_offers_templates_and_history(app_env: Path) -> None:
    at = open_upload_page()
    assert at.title[0].value == "Tải số liệu lên"
    downloads = [d for d in at.get("download_button")]
    assert len(downloads) == 4
    assert "Dữ liệu minh họa" in at.warning[0].value
    history = at.dataframe[0].value
    assert list(history["Loại"]) == ["dữ liệu minh họa"] * 4  # the demo sends each quarter as its own upload


def test_bad_file_shows_every_error_and_cannot_be_stored(app_env: Path) -> None:
    at = open_upload_page()
    at.file_uploader[0].set_value([file("bad/bad_year.csv"), file("bad/negative_count.csv")]).run()
    assert not at.exception
    assert "Không lưu gì: 4 lỗi" in at.error[0].value  # 2 in bad_year, 1 negative, 1 demo present
    problems = next(d.value for d in at.dataframe if "Lỗi" in d.value.columns)
    rows = set(zip(problems["Tệp"], problems["Dòng"], strict=True))
    assert {("bad_year.csv", "5"), ("bad_year.csv", "6"), ("negative_count.csv", "5")} <= rows
    assert button(at, "up_commit").disabled


def test_commit_with_replace_demo_then_revert(app_env: Path) -> None:
    at = open_upload_page()
    at.file_uploader[0].set_value([file("good/excel_vn_windows1258_semicolon.csv"), file("communes_utf8.csv")]).run()
    assert button(at, "up_commit").disabled  # demo data present, not yet replaced
    at.checkbox(key="up_replace_demo").check().run()
    assert not at.exception and not button(at, "up_commit").disabled
    formats = at.dataframe[0].value
    assert "Windows-1258" in formats["Định dạng"].iloc[0] and "“;”" in formats["Định dạng"].iloc[0]
    preview = at.dataframe[1].value
    assert preview["Mới"].sum() == 352 + 5 and preview["Thay đổi"].sum() == 0
    button(at, "up_commit").click().run()
    assert not at.exception
    done = [shown(s.value) for s in at.success]
    assert any("Đã xóa 1477 giá trị minh họa" in s for s in done)
    assert any("excel_vn_windows1258_semicolon.csv (lần tải #6)" in s for s in done)
    assert not at.warning  # no demo data any more
    history = at.dataframe[-1].value
    assert list(history["Lần tải"]) == [f"#{n}" for n in range(7, 0, -1)]  # the demo's four quarters are #1–#4
    at.selectbox(key="up_revert_pick").set_value(6).run()
    button(at, "up_revert").click().run()
    assert not at.exception
    assert any("Đã hoàn tác #6" in shown(s.value) for s in at.success)
    history = at.dataframe[-1].value
    assert history.loc[history["Lần tải"] == "#6", "Tình trạng"].item() == "đã hoàn tác bởi #8"
    # the same safety backups as `python -m analytics import --replace-demo` and `revert` (tests/cli)
    assert [b.reason for b in backup.list_backups(app_env / "backups")] == ["before_revert", "before_demo_remove"]


@pytest.mark.slow  # several runs; the store-and-revert run stays quick
def test_a_batch_is_checked_once_per_session_not_on_every_rerun(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real_check = validate.check

    def counted(*args: Any, **kwargs: Any) -> validate.Checked:
        calls.append(1)
        return real_check(*args, **kwargs)

    monkeypatch.setattr(validate, "check", counted)
    at = open_upload_page()
    at.file_uploader[0].set_value([file("good/excel_vn_windows1258_semicolon.csv")]).run()
    at.checkbox(key="up_replace_demo").check().run()  # a new choice: checked again
    at.run()  # a rerun with nothing changed
    button(at, "up_commit").click().run()  # the click stores what the preview showed, without reading the file again
    assert not at.exception
    # the demo's four uploads and their removal come first
    assert any("excel_vn_windows1258_semicolon.csv (lần tải #6)" in shown(s.value) for s in at.success)
    assert len(calls) == 2
    assert "up_checked" not in at.session_state  # the stored batch's bytes are not kept once the files are gone


@pytest.mark.slow  # several runs; the store-and-revert run stays quick
def test_the_second_of_two_previews_is_asked_again_not_stored_over_the_first(app_env: Path) -> None:
    def previewing(value: int) -> AppTest:
        at = open_upload_page()
        text = f"Mã đơn vị,Năm,Quý,dien_hinh\r\nSTP_QN,2016,1,{value}\r\n"
        at.file_uploader[0].set_value([(f"q1_{value}.csv", text.encode(), "text/csv")]).run()
        at.checkbox(key="up_replace_demo").check().run()
        assert not button(at, "up_commit").disabled
        return at

    first, second = previewing(1), previewing(2)
    button(first, "up_commit").click().run()
    assert any("q1_1.csv" in shown(s.value) for s in first.success)
    button(second, "up_commit").click().run()
    assert not second.exception
    assert any("Chưa lưu" in shown(w.value) for w in second.warning)
    preview = next(d.value for d in second.dataframe if "Thay đổi" in d.value.columns)
    assert preview["Thay đổi"].tolist() == [1]  # the first person's value, now shown as what would change
    button(second, "up_commit").click().run()
    assert any("q1_2.csv" in shown(s.value) for s in second.success)


@pytest.mark.slow  # an unwritable backup stays quick in tests/trust/test_backup_trust.py; the page's store-and-revert too
def test_a_safety_backup_that_cannot_be_written_stops_the_store_with_a_message(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (app_env / "a_file").write_text("x")
    monkeypatch.setenv("THIDUA_BACKUPS", str(app_env / "a_file" / "backups"))
    at = open_upload_page()
    at.file_uploader[0].set_value([file("good/excel_vn_windows1258_semicolon.csv")]).run()
    at.checkbox(key="up_replace_demo").check().run()
    button(at, "up_commit").click().run()  # replacing the demo needs a backup first
    assert not at.exception
    assert any("Không ghi được bản sao lưu" in shown(w.value) for w in at.warning)
    assert "Dữ liệu minh họa" in at.warning[0].value  # the demo is still there: nothing was stored
