"""The status board's figure and tables: hostile unit names stay text, a national-scale board draws the
units needing attention (with a note saying how many are left out), the reminder table page and CLI share."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from analytics import scale
from analytics.bootstrap import open_store
from analytics.history import apply_values, record_upload
from analytics.mail.deliver import Delivery
from analytics.presentation.narrow import for_narrow_screen
from analytics.presentation.status_board import reminder_table, status_heatmap, status_table
from analytics.reporting.deadlines import Calendar
from analytics.reporting.reminders import Reminder
from analytics.reporting.status import status_board
from analytics.store import Store
from tests.support import connection, make_settings

TODAY = date.today()
DEADLINE = TODAY - timedelta(days=10)


def hostile_board() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_code": ["STP_X"],
            "unit": ['STP <b>X</b> "A"'],
            "unit_name": ["Sở <a href='javascript:alert(1)'>X</a>\u202e"],
            "block": ["STP"],
            "quarter": [2],
            "deadline": [DEADLINE],
            "status": ["missing"],
            "uploaded_at": [pd.NaT],
            "revised_at": [pd.NaT],
            "days_late": pd.array([None], dtype="Int64"),
        }
    )


def test_hostile_unit_names_reach_plotly_as_text() -> None:
    heat = status_heatmap(hostile_board(), "Năm <i>2016</i>").data[0]
    assert list(heat.y) == ['STP &lt;b&gt;X&lt;/b&gt; "A"']  # quotes as typed: Plotly does not decode &quot;
    hover = heat.hovertext[0][0]
    assert "<a" not in hover and "&lt;a href='javascript:alert(1)'&gt;X&lt;/a&gt;" in hover
    assert "\u202e" not in hover  # a bidi override would turn the rest of the line around
    assert status_table(hostile_board())["Đơn vị"].iloc[0].startswith("Sở <a href=")  # tables show plain values as stored


def many_units_store(tmp_path: Path, count: int) -> Store:
    """A made-up registry of `count` units (the shipped 22 first), no demo values."""
    units_file = tmp_path / "units.csv"
    scale.write_units(scale.synthetic_units(count), units_file)
    return open_store(make_settings(tmp_path, demo=False, units=units_file))


def send(store: Store, codes: list[str], at: datetime) -> None:
    values = pd.DataFrame([{"unit_code": c, "year": 2016, "quarter": 2, "indicator": "dien_hinh", "value": 1.0} for c in codes])

    def work(cur):  # type: ignore[no-untyped-def]
        upload_id = record_upload(cur, kind="results", created_by="test")
        apply_values(cur, upload_id, values)
        cur.execute("UPDATE uploads SET created_at = ? WHERE id = ?", [at, upload_id])

    store.write(work)


def test_a_board_of_many_units_draws_those_needing_attention_and_says_how_many_are_left_out(tmp_path: Path) -> None:
    store = many_units_store(tmp_path, 120)
    cur = connection(store)
    codes = cur.execute("SELECT code FROM units ORDER BY listing_order").df()["code"].tolist()
    assert len(codes) == 120
    missing, late = codes[3::20], codes[7::25]  # spread over the list: 6 missing, 5 late
    on_time = [c for c in codes if c not in missing and c not in late]
    send(store, on_time, datetime.combine(DEADLINE - timedelta(days=3), datetime.min.time()))
    send(store, late, datetime.combine(DEADLINE + timedelta(days=4), datetime.min.time()))
    board = status_board(cur, Calendar(2016, {2: DEADLINE}, None, False, (), False), TODAY, quarter=2)
    assert len(board) == 120  # the table keeps every unit
    figure = status_heatmap(board, "Tình hình gửi số liệu năm 2016")
    names = dict(zip(board["unit_code"], board["unit"], strict=True))
    attention = [c for c in codes if c in set(missing) | set(late)]
    assert list(figure.data[0].y) == [names[c] for c in attention]  # only those, in the board's order
    title = figure.layout.title.text
    assert "11 đơn vị cần chú ý (chưa gửi, gửi chậm, sửa sau hạn) trong 120 đơn vị; 109 đơn vị còn lại xem ở bảng" in title
    assert len(status_heatmap(board, "T", max_rows=4).data[0].y) == 4  # the most overdue first: the missing ones
    assert set(status_heatmap(board, "T", max_rows=4).data[0].y) <= {names[c] for c in missing}
    nobody_late = board[board["status"] == "on_time"]
    first = status_heatmap(nobody_late, "T")
    assert list(first.data[0].y) == [names[c] for c in codes if c in set(on_time)][:40]
    assert "Không đơn vị nào quá hạn hoặc gửi chậm: 40 đơn vị đầu danh sách trong 109" in first.layout.title.text
    assert first.layout.height < 150 + 30 * 41
    assert "trong" not in status_heatmap(board[board["unit_code"].isin(codes[:40])], "T").layout.title.text


def test_the_reminder_table_names_recipients_and_failures() -> None:
    planned = Reminder("STP_HN", "Sở Tư pháp thành phố Hà Nội", DEADLINE, ("a@hn.test", "b@hn.test"))
    skipped = Reminder("STP_HP", "Sở Tư pháp thành phố Hải Phòng", DEADLINE, (), "no_address")
    sent = Reminder(
        "STP_QN", "Sở Tư pháp tỉnh Quảng Ninh", DEADLINE, ("a@qn.test", "b@qn.test"),
        deliveries=(Delivery("a@qn.test", "STP_QN", True, 1), Delivery("b@qn.test", "STP_QN", False, 3, "550 no such user")),
    )  # fmt: skip
    table = reminder_table([planned, skipped, sent])
    assert list(table.columns) == ["Mã đơn vị", "Đơn vị", "Gửi tới", "Ghi chú"]
    assert table["Gửi tới"].tolist() == ["a@hn.test, b@hn.test", "", "a@qn.test"]
    assert table["Ghi chú"].tolist() == ["", "tài khoản của đơn vị chưa có địa chỉ e-mail", "b@qn.test (550 no such user)"]


def test_on_a_phone_the_whole_year_drops_the_cell_words_and_one_quarter_keeps_them() -> None:
    year = pd.concat([hostile_board().assign(quarter=q) for q in (1, 2, 3, 4)], ignore_index=True)
    assert not for_narrow_screen(status_heatmap(year, "T")).data[0].texttemplate
    assert for_narrow_screen(status_heatmap(hostile_board(), "T")).data[0].texttemplate == "%{text}"
