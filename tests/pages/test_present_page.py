"""AppTest for /present: which slide shows, the auto-advance clock, the URL filters, the buttons."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support import APP


def present(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page("pages/present.py")
    return at.run()


def counter(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.count("/") == 1 and m.value.replace("/", "").isdigit())


def chart(at: AppTest) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def test_first_slide_without_sidebar_and_stays_without_interval(app_env: Path) -> None:
    at = present(meeting="so-ket-2016")
    assert not at.exception
    assert counter(at) == "1/9"
    assert len(at.sidebar) == 0  # no filters drawn for the projector
    assert at.session_state["present_playing"] is False
    at.session_state["present_shown_at"] = 0.0  # long ago: still no advance when not playing
    at.run()
    assert counter(at) == "1/9"


def test_slide_param_opens_that_slide(app_env: Path) -> None:
    at = present(meeting="so-ket-2016", slide="2")
    assert counter(at) == "2/9"
    figure = chart(at)
    assert figure["layout"]["title"]["text"].startswith("Số xã được chọn hỗ trợ xây dựng nông thôn mới — Đợt 1/2016")
    caption = at.markdown[-1].value.replace("\\", "")  # the source is markdown-escaped
    # The sơ kết's cut-off (15/6) has Q1 only, when every demo unit had named one commune so far.
    assert caption == "Cả 22 đơn vị cùng mức 1 xã · Chưa đơn vị nào đạt chỉ tiêu"


def test_interval_advances_when_the_slide_has_had_its_time(app_env: Path) -> None:
    at = present(meeting="so-ket-2016", interval="10", slide="9")
    assert at.session_state["present_playing"] is True
    assert counter(at) == "9/9"
    at.run()  # not yet due
    assert counter(at) == "9/9"
    at.session_state["present_shown_at"] = 0.0
    at.run()
    assert counter(at) == "1/9"  # wraps round to the first slide
    assert at.query_params["slide"] in ("1", ["1"])


def test_buttons_move_and_pause(app_env: Path) -> None:
    at = present(meeting="so-ket-2016", interval="10")
    at.button(key="present_next").click().run()
    assert counter(at) == "2/9"
    at.button(key="present_prev").click().run()
    at.button(key="present_prev").click().run()
    assert counter(at) == "9/9"
    at.button(key="present_play").click().run()
    assert at.session_state["present_playing"] is False
    at.session_state["present_shown_at"] = 0.0
    at.run()
    assert counter(at) == "9/9"


@pytest.mark.slow  # a variant of the URL parameters; the slide one stays quick
def test_block_filter_from_the_url_leaves_out_the_other_blocks_slides(app_env: Path) -> None:
    at = present(meeting="tong-ket-2016", block="STP", slide="2")
    assert not at.exception
    assert counter(at) == "2/11"  # the three enforcement slides and the THADS scores are left out
    units = {y for trace in chart(at)["data"] for y in trace.get("y", []) if isinstance(y, str)}
    assert units and all(u.startswith("STP ") for u in units)


@pytest.mark.slow  # a variant of the URL parameters; the slide and block ones stay quick
def test_period_from_the_url_picks_the_meeting(app_env: Path) -> None:
    at = present(period="P1")
    assert counter(at) == "1/9"
    at = present(period="year", slide="2")
    assert "Năm 2016" in chart(at)["layout"]["title"]["text"]


@pytest.mark.slow  # a variant of the URL parameters checked quickly above
def test_bad_url_values_are_ignored(app_env: Path) -> None:
    at = present(meeting="../../etc/passwd", interval="0", slide="abc", block="<b>", period="P9")
    assert not at.exception
    assert counter(at).startswith("1/")
    assert at.session_state["present_playing"] is False


def test_a_broken_meeting_file_is_reported(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    meetings = app_env / "meetings"
    meetings.mkdir()
    (meetings / "hop.toml").write_text('title = "Họp"\nyear = 2016\n[[slides]]\nkind = "units"\n', encoding="utf-8")
    monkeypatch.setenv("THIDUA_MEETINGS", str(meetings))
    at = present()
    assert not at.exception
    assert "hop.toml" in at.error[0].value and "slides[1].indicator" in at.error[0].value


@pytest.mark.slow  # a variant of the interval; test_interval_advances_when_the_slide_has_had_its_time stays quick
def test_interval_auto_uses_each_slides_seconds_from_the_meeting_file(app_env: Path) -> None:
    import time

    at = present(meeting="so-ket-2016", interval="auto", slide="8")  # slide 8: 20 s, slide 9: 10 s
    assert at.session_state["present_playing"] is True
    at.session_state["present_shown_at"] = time.monotonic() - 16
    at.run()
    assert counter(at) == "8/9"  # 16 s < 20 s
    at.session_state["present_shown_at"] = time.monotonic() - 21
    at.run()
    assert counter(at) == "9/9"
    at.session_state["present_shown_at"] = time.monotonic() - 11
    at.run()
    assert counter(at) == "1/9"  # the timeline slide has 10 s


@pytest.mark.slow  # a variant of the deck; English captions are checked in tests/presentation/test_wording.py
def test_english_slides(app_env: Path) -> None:
    at = present(meeting="tong-ket-2016", lang="en", slide="2")
    assert "Year 2016" in chart(at)["layout"]["title"]["text"]
    assert any(m.value.startswith("Highest:") or "share the highest value" in m.value for m in at.markdown)


@pytest.mark.slow  # an empty store stays quick on the dashboard pages
def test_an_empty_store_still_projects_and_says_there_is_no_data(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THIDUA_DEMO", "0")
    at = present(meeting="so-ket-2016", slide="2")
    assert not at.exception
    assert counter(at) == "2/9"
    assert any("chưa có số liệu" in m.value for m in at.markdown)
    assert not any(m.value == "DỮ LIỆU MINH HỌA" for m in at.markdown)


@pytest.mark.slow  # several runs of the deck
def test_a_new_data_version_rebuilds_the_deck_and_keeps_the_place(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ui import data

    at = present(meeting="so-ket-2016", slide="3")
    built = at.session_state["present_version"]
    monkeypatch.setattr(data, "version", lambda: built + 1)  # an upload commits while slides run
    at.run()
    assert not at.exception
    assert at.session_state["present_version"] == built + 1 and counter(at) == "3/9"


def test_the_projector_stylesheet_holds_no_data() -> None:
    import re

    from ui import present as ui_present

    for variant in ("light", "dark"):
        css = ui_present.stylesheet(variant)
        assert css.startswith("\n<style>") and css.rstrip().endswith("</style>") and css.count("<") == 2
        assert "$" not in css and re.findall(r"#[0-9A-Fa-f]{6}", css)  # every placeholder filled with a colour


@pytest.mark.slow  # several runs; a broken meeting file is reported in the quick loop
def test_an_edited_meeting_file_is_read_again_and_a_fixed_one_recovers(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Meeting files are parsed once, not on every run, yet the secretariat's edit shows on the next run."""
    import os
    import re

    from analytics.settings import DATA_DIR

    meetings = app_env / "meetings"
    meetings.mkdir()
    file = meetings / "so-ket-2016.toml"
    original = (DATA_DIR / "meetings" / "so-ket-2016.toml").read_text(encoding="utf-8")
    file.write_text(original, encoding="utf-8")
    monkeypatch.setenv("THIDUA_MEETINGS", str(meetings))
    at = present(meeting="so-ket-2016")
    assert not at.exception and not at.error
    first = at.markdown[0].value
    title = re.search(r'^title = "([^"]+)"', original, re.MULTILINE).group(1)  # type: ignore[union-attr]
    assert title in first
    file.write_text(original.replace(f'title = "{title}"', 'title = "Họp thử ngày mai"'), encoding="utf-8")
    os.utime(file, ns=(file.stat().st_atime_ns, file.stat().st_mtime_ns + 1_000_000_000))  # a later save
    at.run()
    assert "Họp thử ngày mai" in at.markdown[0].value
    file.write_text(re.sub(r'^kind = "\w+"', 'kind = "khong_co"', original, count=1, flags=re.MULTILINE), encoding="utf-8")
    at.run()
    assert at.error and "so-ket-2016.toml" in at.error[0].value
    file.write_text(original, encoding="utf-8")
    at.run()
    assert not at.error and title in at.markdown[0].value
