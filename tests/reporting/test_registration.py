"""Registration at signing: a unit registers its own titles and targets only, the secretariat approves or
returns with a reason, a file is checked like a results file, and every change is audited."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from analytics.config import load_campaign
from analytics.downloads import csv_bytes
from analytics.ingest.readers import source_from_bytes
from analytics.presentation import registration as vs
from analytics.reporting import registration
from analytics.reporting.deadlines import calendar_of
from analytics.reporting.registration import Registration, RegistrationError
from analytics.store import Store
from analytics.trust import audit, auth
from tests.support import OTHER, OWN, SHIPPED_CAMPAIGN, connection, csv_file

CALENDAR = calendar_of(load_campaign(SHIPPED_CAMPAIGN))
ROOT = auth.system_user("test")


@pytest.fixture
def people(empty_store: Store) -> dict[str, auth.User]:
    return {
        "admin": auth.add_user(empty_store, ROOT, "thuky", "admin", "mat khau thu ky"),
        "unit": auth.add_user(empty_store, ROOT, "tp.qn", "unit", "mat khau don vi", unit_code=OWN),
    }


def own(**changes: object) -> Registration:
    base = Registration(OWN, 2016, ("co_bo_tu_phap", "tap_the_ldxs"), 2, ("Xã Hồng Thái Tây", "Xã Bình Dương"), 1, (), 3, ())
    return Registration(**{**base.__dict__, **changes})  # type: ignore[arg-type]


def test_a_unit_registers_its_own_and_the_secretariat_returns_then_approves(empty_store: Store, people: dict[str, auth.User]) -> None:
    unit, admin = people["unit"], people["admin"]
    with pytest.raises(auth.PermissionDenied):
        registration.save(empty_store, unit, own(unit_code=OTHER), CALENDAR, submit=False)
    assert registration.save(empty_store, unit, own(), CALENDAR, submit=False).state == "draft"
    assert registration.save(empty_store, unit, own(), CALENDAR, submit=True).state == "submitted"
    with pytest.raises(RegistrationError, match="Chờ duyệt"):
        registration.save(empty_store, unit, own(models_count=2), CALENDAR, submit=True)
    with pytest.raises(auth.PermissionDenied):
        registration.review(empty_store, unit, OWN, 2016, approve=True)
    with pytest.raises(RegistrationError, match="lý do"):
        registration.review(empty_store, admin, OWN, 2016, approve=False, reason="  ")
    returned = registration.review(empty_store, admin, OWN, 2016, approve=False, reason="Thiếu tên điển hình")
    assert (returned.state, returned.reason) == ("returned", "Thiếu tên điển hình")
    registration.save(empty_store, unit, own(models_names=("Mô hình “Tủ sách pháp luật”",)), CALENDAR, submit=True)
    assert registration.review(empty_store, admin, OWN, 2016, approve=True).state == "approved"
    stored = registration.get(connection(empty_store), OWN, 2016)
    assert stored is not None and stored.models_names == ("Mô hình “Tủ sách pháp luật”",) and stored.reason is None
    trail = audit.trail(connection(empty_store))
    assert trail.loc[trail["action"].str.startswith("registration"), "action"].tolist()[::-1] == [
        "registration_save", "registration_submit", "registration_return", "registration_submit", "registration_approve",
    ]  # fmt: skip


def test_rules_unknown_title_more_names_than_registered(empty_store: Store, people: dict[str, auth.User]) -> None:
    with pytest.raises(RegistrationError, match="“huy_chuong”") as caught:
        registration.save(empty_store, people["unit"], own(titles=("huy_chuong",), ntm_count=1), CALENDAR, submit=False)
    assert "ghi 2 tên nhưng chỉ đăng ký 1" in str(caught.value)
    assert registration.get(connection(empty_store), OWN, 2016) is None


HEADER = ["Mã đơn vị", "Năm", "Danh hiệu đăng ký", "Số xã nông thôn mới", "Tên các xã nông thôn mới", "Số điển hình tiên tiến"]


def test_a_file_is_checked_row_by_row_and_stored_all_or_nothing(empty_store: Store, people: dict[str, auth.User]) -> None:
    bad = csv_file(
        [
            HEADER,
            [OWN, 2016, "Cờ thi đua của Bộ Tư pháp; Bằng khen của Bộ trưởng", 2, "Xã A; Xã B", 1],
            ["STP_XX", 2015, "Huân chương", "hai", "", 1],
            [OTHER, 2016, "co thi dua cua chinh phu", 1, "Xã C; Xã D", 0],
        ]
    )
    stored, issues = registration.import_file(empty_store, people["admin"], source_from_bytes("dang_ky.csv", bad), CALENDAR)
    assert stored == []
    assert [(p.row, p.column, p.text()) for p in issues] == [
        (3, "Mã đơn vị", "Lỗi: tệp dang_ky.csv, dòng 3, cột “Mã đơn vị”: mã đơn vị không có trong danh sách năm nay (giá trị: “STP_XX”)"),
        (3, "Năm", "Lỗi: tệp dang_ky.csv, dòng 3, cột “Năm”: năm phải là 2016 (giá trị: “2015”)"),
        (3, "Danh hiệu đăng ký", issues[2].text()),
        (3, "Số xã nông thôn mới", "Lỗi: tệp dang_ky.csv, dòng 3, cột “Số xã nông thôn mới”: không phải số nguyên (giá trị: “hai”)"),
        (4, "Tên các xã nông thôn mới", "Lỗi: tệp dang_ky.csv, dòng 4, cột “Tên các xã nông thôn mới”: ghi 2 tên nhưng chỉ đăng ký 1"),
    ]
    assert "không nhận ra danh hiệu" in issues[2].text() and "Huân chương" in issues[2].text()
    assert registration.registrations(connection(empty_store), 2016)["state"].eq("draft").all()
    good = csv_file([HEADER, [OWN, 2016, "Cờ thi đua của Bộ Tư pháp; bang khen cua bo truong", 2, "Xã A\nXã B", 1]])
    with pytest.raises(auth.PermissionDenied):
        other = source_from_bytes("x.csv", csv_file([HEADER, [OTHER, 2016, "", 0, "", 0]]))
        registration.import_file(empty_store, people["unit"], other, CALENDAR)
    stored, issues = registration.import_file(empty_store, people["unit"], source_from_bytes("dang_ky.csv", good), CALENDAR)
    assert issues == []
    [reg] = stored
    assert (reg.titles, reg.ntm_names, reg.state) == (("co_bo_tu_phap", "bang_khen_bo_truong"), ("Xã A", "Xã B"), "submitted")


def test_the_template_reads_back_and_registered_meets_achieved(demo_store: Store) -> None:
    registration.save(demo_store, ROOT, own(), CALENDAR, submit=True)
    template = registration.template_frame(connection(demo_store), CALENDAR)
    assert len(template) == 22
    stored, issues = registration.import_file(demo_store, ROOT, source_from_bytes("mau.csv", csv_bytes(template)), CALENDAR)
    assert issues == [] and len(stored) == 22
    assert registration.get(connection(demo_store), OWN, 2016) == own(state="submitted")
    both = registration.registered_vs_achieved(connection(demo_store), 2016).set_index("unit_code")
    assert both.loc[OWN, "ntm_count"] == 2 and both.loc[OWN, "ntm_achieved"] >= 0
    assert both["models_achieved"].notna().all()


def test_the_commands_import_a_file_and_print_registered_against_achieved(tmp_path: Path) -> None:
    from tests.support import run_cli

    bad = tmp_path / "sai.csv"
    bad.write_bytes(csv_file([HEADER, ["STP_XX", 2016, "", 0, "", 0]]))
    result = run_cli(tmp_path, "register-import", str(bad), "--year", "2016", demo=False)
    assert result.returncode == 1 and "tệp sai.csv, dòng 2, cột “Mã đơn vị”" in result.stderr.decode()
    good = tmp_path / "dang_ky.csv"
    good.write_bytes(csv_file([HEADER, [OWN, 2016, "Cờ thi đua của Bộ Tư pháp", 2, "Xã A; Xã B", 1]]))
    result = run_cli(tmp_path, "register-import", str(good), "--year", "2016", demo=False)
    assert result.returncode == 0 and "Đã nhận đăng ký của 1 đơn vị (chờ duyệt)." in result.stdout.decode()
    out = run_cli(tmp_path, "registrations", "--year", "2016", demo=False).stdout.decode()
    lines = out.splitlines()
    assert (
        lines[0] == '"unit_code","unit","state","titles","ntm_count","ntm_achieved","models_count","models_achieved",'
        '"xnpl_count","xnpl_achieved","submitted_at","late","reason"'
    )
    # Nothing reported yet; sent today, years after the 2016 deadline (31/3/2016).
    mine = next(line for line in lines if line.startswith(f'"{OWN}",'))
    assert mine.startswith(f'"{OWN}","STP Quảng Ninh","submitted","co_bo_tu_phap",2,"",1,"",0,"","{date.today():%Y-%m-%d} ')
    late = (date.today() - date(2016, 3, 31)).days
    assert mine.endswith(f',"đăng ký muộn ({late} ngày)",""')
    assert f'"{OTHER}",' in out and '"draft"' in out


def _sent_on(store: Store, unit: str, when: str) -> None:
    """Date the unit's submissions in the audit trail as if sent on `when` (the test's clock is today)."""
    store.write(
        lambda cur: cur.execute(
            "UPDATE audit SET happened_at = ? WHERE action = 'registration_submit' AND target = ?", [when, f"{unit}/2016"]
        )
    )


def test_a_registration_first_sent_after_the_deadline_is_late_by_whole_days(empty_store: Store, people: dict[str, auth.User]) -> None:
    unit, admin = people["unit"], people["admin"]
    registration.save(empty_store, unit, own(), CALENDAR, submit=True)
    _sent_on(empty_store, OWN, "2016-04-20 09:00")
    registration.review(empty_store, admin, OWN, 2016, approve=False, reason="Thiếu tên")
    registration.save(empty_store, unit, own(), CALENDAR, submit=True)  # sent again today: the first sending counts
    registration.save(empty_store, admin, own(unit_code=OTHER), CALENDAR, submit=True)
    _sent_on(empty_store, OTHER, "2016-03-31 23:59")  # on the deadline day: on time
    assert CALENDAR.registration_deadline == date(2016, 3, 31)
    frame = registration.registrations(connection(empty_store), 2016, deadline=CALENDAR.registration_deadline).set_index("unit_code")
    assert frame.loc[OWN, "submitted_at"] == datetime(2016, 4, 20, 9, 0) and frame.loc[OWN, "late_days"] == 20
    assert frame.loc[OTHER, "late_days"] is None
    assert frame["submitted_at"].isna().sum() == len(frame) - 2 and frame["late_days"].notna().sum() == 1
    assert registration.registrations(connection(empty_store), 2016)["late_days"].isna().all()  # a year without a deadline
    both = registration.registered_vs_achieved(connection(empty_store), 2016, deadline=CALENDAR.registration_deadline)
    table = vs.registration_table(both, {}).set_index("Mã đơn vị")
    assert table.loc[OWN, "Gửi đăng ký"] == "20/04/2016 — đăng ký muộn (20 ngày)"
    assert table.loc[OTHER, "Gửi đăng ký"] == "31/03/2016 — đúng hạn"
    assert vs.late_line(both) == "Đăng ký muộn: STP Quảng Ninh (đăng ký muộn (20 ngày))."
    assert "muộn" not in vs.vs_caption(both, "ntm")
