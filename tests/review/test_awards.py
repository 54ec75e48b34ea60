"""Award history: a file checked like every upload, stored per unit by the secretariat, shown on the unit
profile, and used by a title that needs an earlier one."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.config import load_campaigns
from analytics.ingest import awards
from analytics.ingest.readers import source_from_bytes
from analytics.queries import registry
from analytics.review import vote
from analytics.settings import DATA_DIR
from analytics.store import Store
from analytics.trust import actions, auth
from tests.support import connection, open_page, run_cli

CAMPAIGN = load_campaigns(DATA_DIR / "campaigns")[2016]
HISTORY = (
    "Mã đơn vị;Năm;Mã danh hiệu;Danh hiệu;Số quyết định;Ngày quyết định\n"
    "THADS_NB;2015;CO_BTP_THADS;Cờ thi đua của Bộ Tư pháp;123/QĐ-BTP;15/01/2016\n"
    "STP_TB;2016;CO_BTP_STP;Cờ thi đua của Bộ Tư pháp;;\n"
)


def test_the_file_names_row_and_column_of_each_problem(demo_store: Store) -> None:
    data = "unit_code,year,title_code,title,decision_date\nXX,20a5,,Cờ,32/13/2015\n".encode()
    checked = awards.check(source_from_bytes("ls.csv", data), set(registry(connection(demo_store))["code"]))
    assert [p.text() for p in checked.problems] == [
        "Lỗi: tệp ls.csv, dòng 2, cột “unit_code”: mã đơn vị không có trong danh sách đơn vị (giá trị: “XX”)",
        "Lỗi: tệp ls.csv, dòng 2, cột “year”: năm phải là số nguyên (ví dụ 2015) (giá trị: “20a5”)",
        "Lỗi: tệp ls.csv, dòng 2, cột “title_code”: ô này không được để trống",
        "Lỗi: tệp ls.csv, dòng 2, cột “decision_date”: ngày quyết định không đọc được (dd/mm/yyyy) (giá trị: “32/13/2015”)",
    ]


def test_imported_history_decides_who_may_stand_for_a_title_that_needs_an_earlier_one(demo_store: Store) -> None:
    cur = connection(demo_store)
    checked = awards.check(source_from_bytes("ls.csv", HISTORY.encode()), set(registry(cur)["code"]))
    assert checked.problems == []
    with pytest.raises(auth.PermissionDenied):
        actions.import_awards(demo_store, auth.User("tp.nb", "unit", "THADS_NB"), checked, "ls.csv")
    assert actions.import_awards(demo_store, auth.User("thuky", "admin"), checked, "ls.csv") == 2
    assert CAMPAIGN.rubric is not None
    summary = vote.year_summary(cur, CAMPAIGN.rubric, 2016)
    standing = vote.candidates(summary, CAMPAIGN.title("CO_CP"), vote.held_titles(cur), 2016, {}).set_index("unit_code")
    assert standing["eligible"].to_dict() == {"STP_TB": False, "STP_ND": False, "THADS_NB": True, "THADS_HN": False}
    # Editing: the secretariat removes a row, with its audit entry.
    assert actions.remove_award(demo_store, auth.User("thuky", "admin"), "THADS_NB", 2015, "CO_BTP_THADS") == 1
    assert vote.held_titles(cur)["unit_code"].tolist() == ["STP_TB"]
    actions_done = [r[0] for r in cur.execute("SELECT action FROM audit WHERE action LIKE 'award%' ORDER BY id").fetchall()]
    assert actions_done == ["awards_import", "award_remove"]


@pytest.mark.slow  # a demo store built through the CLI; the import's checks are tested above
def test_awards_command_imports_and_prints(tmp_path: Path) -> None:
    source = tmp_path / "lich_su.csv"
    source.write_text(HISTORY, encoding="utf-8")
    assert run_cli(tmp_path, "awards", "--import", str(source)).returncode == 0
    listed = run_cli(tmp_path, "awards").stdout.decode()
    assert '"THADS_NB",2015,"CO_BTP_THADS","Cờ thi đua của Bộ Tư pháp","123/QĐ-BTP","2016-01-15"' in listed


@pytest.mark.slow  # an AppTest run of the whole app
def test_the_secretariat_adds_an_award_on_the_unit_profile(app_env: Path) -> None:
    at = open_page("unit_profile", unit="THADS_NB")
    assert any("Chưa có danh hiệu" in i.value for i in at.info)
    at.number_input(key="awards_year").set_value(2015)
    at.text_input(key="awards_code").set_value("co_btp_thads")
    at.text_input(key="awards_name").set_value("Cờ thi đua của Bộ Tư pháp")
    at.text_input(key="awards_decision").set_value("123/QĐ-BTP")
    next(b for b in at.button if "awards_add" in str(b.key)).click().run()
    assert not at.exception
    shown = next(d.value for d in at.dataframe if "Số quyết định" in d.value.columns)
    assert shown.values.tolist() == [["2015", "CO_BTP_THADS", "Cờ thi đua của Bộ Tư pháp", "123/QĐ-BTP", ""]]
