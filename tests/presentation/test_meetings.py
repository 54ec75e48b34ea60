"""Meeting files: the shipped ones are valid; a broken one names file, key and problem in Vietnamese."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from analytics.config import ConfigError, load_campaigns
from analytics.presentation.meetings import load_meeting, pick_meeting
from analytics.presentation.slides import kind_needs, load_all
from analytics.settings import DATA_DIR

CAMPAIGNS = load_campaigns(DATA_DIR / "campaigns")
GOOD = 'title = "Họp"\nyear = 2016\nperiod = "P1"\n[[slides]]\nkind = "units"\nindicator = "xa_ntm"\n'


def test_shipped_meetings_are_valid_and_cover_both_reviews() -> None:
    meetings = load_all(DATA_DIR / "meetings", CAMPAIGNS)
    assert meetings["so-ket-2016"].period == "P1" and meetings["tong-ket-2016"].period == "year"
    for meeting in meetings.values():
        kinds = [s.kind for s in meeting.slides]
        assert kinds[0] == "kpi" and "milestones" in kinds and kinds.count("units") >= 5
    assert pick_meeting(meetings, None, 2016, "P1").name == "so-ket-2016"
    assert pick_meeting(meetings, None, 2016, "year").name == "tong-ket-2016"
    assert pick_meeting(meetings, "tong-ket-2016", None, "P1").name == "tong-ket-2016"
    assert pick_meeting(meetings, None, 2015, "P1") is None
    # Each review's data cut-off is the afternoon before it (16/6 and 4/11/2016).
    assert meetings["so-ket-2016"].cutoff == datetime(2016, 6, 15, 17, 0)
    assert meetings["tong-ket-2016"].cutoff == datetime(2016, 11, 3, 17, 0)


@pytest.mark.parametrize(
    ("line", "cutoff"),
    [
        ("cutoff = 2016-06-15T17:00:00", datetime(2016, 6, 15, 17, 0)),
        ('cutoff = "2016-06-15 17:00"', datetime(2016, 6, 15, 17, 0)),
        ("cutoff = 2016-06-15", datetime(2016, 6, 15, 23, 59, 59)),  # a date alone: the end of that day
    ],
)
def test_a_meeting_cut_off_is_a_date_and_time(tmp_path: Path, line: str, cutoff: datetime) -> None:
    file = tmp_path / "hop.toml"
    file.write_text(GOOD.replace('period = "P1"', f'period = "P1"\n{line}'), encoding="utf-8")
    assert load_meeting(file, CAMPAIGNS, kind_needs()).cutoff == cutoff


def test_slide_seconds_default_to_the_meetings(tmp_path: Path) -> None:
    file = tmp_path / "hop.toml"
    file.write_text(
        GOOD.replace('period = "P1"', 'period = "P1"\nseconds = 12') + '[[slides]]\nkind = "kpi"\nseconds = 30\n', encoding="utf-8"
    )
    meeting = load_meeting(file, CAMPAIGNS, kind_needs())
    assert [meeting.seconds_of(s) for s in meeting.slides] == [12, 30]


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        (GOOD.replace('kind = "units"', 'kind = "pie"'), "slides[1].kind", "loại trang “pie” chưa có"),
        (GOOD.replace('indicator = "xa_ntm"\n', ""), "slides[1].indicator", "cần khóa này"),
        (GOOD.replace("xa_ntm", "xa_khong_co"), "slides[1].indicator", "không có trong danh mục năm 2016"),
        (GOOD.replace('period = "P1"', 'period = "P3"'), "period", "phải là một trong"),
        (GOOD.replace('period = "P1"', "seconds = 1"), "seconds", "từ 3 đến 3600"),
        (GOOD.replace("year = 2016", "year = 2099"), "year", "chưa có cấu hình phong trào năm 2099"),
        (GOOD.replace('title = "Họp"\n', ""), "title", "thiếu"),
        (GOOD + "[[slides]]\nkind = 3\n", "slides[2].kind", "phải là chuỗi chữ"),
        ('title = "Họp"\nyear = 2016\nslides = [', "(cú pháp)", "không đọc được TOML"),
        (GOOD.replace('period = "P1"', 'period = "P1"\ncutoff = "15/6/2016"'), "cutoff", "không đúng dạng"),
    ],
)
def test_broken_meeting_files_say_where(tmp_path: Path, text: str, key: str, problem: str) -> None:
    file = tmp_path / "hop.toml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_meeting(file, CAMPAIGNS, kind_needs())
    assert caught.value.key == key and problem in caught.value.problem and caught.value.file == str(file)
    assert "hop.toml" in str(caught.value)
