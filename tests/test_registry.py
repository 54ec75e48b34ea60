import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from analytics.config import ConfigError
from analytics.registry import load_units, predecessors, units_in, units_on
from analytics.settings import DATA_DIR


def test_shipped_registry_has_22_units_one_per_block_per_province() -> None:
    units = units_in(load_units(DATA_DIR / "units.csv"), 2016)
    assert len(units) == 22
    per_province = Counter((u.province, u.block) for u in units)
    assert len({u.province for u in units}) == 11
    assert set(per_province.values()) == {1}
    assert {u.block for u in units} == {"STP", "THADS"}
    for u in units:
        assert u.active_in(2016)
        assert unicodedata.is_normalized("NFC", u.name)
    hn = next(u for u in units if u.code == "STP_HN")
    assert hn.name == "Sở Tư pháp thành phố Hà Nội"


def test_merged_units_end_on_30_june_2025_and_name_their_successor() -> None:
    units = load_units(DATA_DIR / "units.csv")
    tb = next(u for u in units if u.code == "STP_TB")
    assert tb.valid_to == date(2025, 6, 30) and tb.successor == "STP_HY"
    assert {u.code for u in units_on(units, date(2025, 6, 30))} >= {"STP_TB", "THADS_HD"}
    assert not {u.code for u in units_on(units, date(2025, 7, 1))} & {"STP_TB", "THADS_HD", "STP_VP"}
    assert predecessors(units, "STP_NB") == ["STP_HNA", "STP_ND"]
    assert predecessors(units, "STP_QN") == []


def test_membership_per_year_and_names_change_on_their_effective_date() -> None:
    units = load_units(DATA_DIR / "units.csv")
    after = units_in(units, 2026)
    assert len(after) == 12 and all(u.illustrative for u in after)
    assert {u.province for u in after} == {"Bắc Ninh", "Hà Nội", "Hải Phòng", "Hưng Yên", "Ninh Bình", "Quảng Ninh"}
    assert len(units_in(units, 2025)) == 22  # the merged units reported the first half of 2025
    assert len(units_in(units, 2025, quarter=3)) == 12
    names_2025 = {u.code: u.name for u in units_in(units, 2025)}
    assert names_2025["THADS_BN"] == "Thi hành án dân sự tỉnh Bắc Ninh"  # renamed in July: the year's last name
    assert names_2025["THADS_HNA"] == "Cục Thi hành án dân sự tỉnh Hà Nam"  # merged away before the rename
    on_june = {u.code: u for u in units_on(units, date(2025, 6, 30))}
    assert on_june["THADS_BN"].name.startswith("Cục ") and on_june["THADS_BN"].parent == "Tổng cục Thi hành án dân sự"
    assert {u.code: u for u in units_on(units, date(2025, 7, 1))}["THADS_BN"].parent == "Cục Quản lý Thi hành án dân sự"


def test_a_repeated_code_must_start_after_the_previous_version(tmp_path: Path) -> None:
    file = tmp_path / "units.csv"
    header = "code,name,short_name,province,province_kind,block,valid_from,valid_to,successor,note\n"
    first = "STP_A,Sở A,STP A,A,tỉnh,STP,2016,2025-06-30,,\n"
    file.write_text(header + first + "STP_A,Sở A mới,STP A,A,tỉnh,STP,2025-07-01,,,\n", encoding="utf-8")
    assert [u.name for u in units_in(load_units(file), 2025)] == ["Sở A mới"]
    file.write_text(header + first + "STP_A,Sở A mới,STP A,A,tỉnh,STP,2025-06-30,,,\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_units(file)
    assert info.value.key == "dòng 3, cột code" and "phiên bản mới" in info.value.problem


@pytest.mark.parametrize(
    ("row", "where", "problem"),
    [
        ("X1,Tên,Ngắn,Tỉnh,tỉnh,KHAC,2016,,,", "dòng 3, cột block", "STP hoặc THADS"),
        ("STP_A,Tên,Ngắn,Tỉnh,tỉnh,STP,2016,,,", "dòng 3, cột code", "phiên bản mới"),
        ("X1,Tên,Ngắn,Tỉnh,tỉnh,STP,hai,,,", "dòng 3, cột valid_from/valid_to", "2025-07-01"),
        ("X1,Tên,Ngắn,Tỉnh,tỉnh,STP,2025-13-01,,,", "dòng 3, cột valid_from/valid_to", "2025-07-01"),
        ("X1,Tên,Ngắn,Tỉnh,tỉnh,STP,2016,,KHONG,", "đơn vị X1, cột successor", "KHONG"),
    ],
)
def test_registry_errors_name_row_and_column(tmp_path: Path, row: str, where: str, problem: str) -> None:
    file = tmp_path / "units.csv"
    file.write_text("code,name,short_name,province,province_kind,block,valid_from,valid_to,successor,note\n"
                    "STP_A,Sở Tư pháp A,STP A,A,tỉnh,STP,2016,,,\n" + row + "\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(ConfigError) as info:
        load_units(file)
    assert info.value.key == where
    assert problem in info.value.problem
