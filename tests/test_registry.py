import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from analytics.config import ConfigError
from analytics.registry import load_units
from analytics.settings import DATA_DIR


def test_shipped_registry_has_22_units_one_per_block_per_province() -> None:
    units = load_units(DATA_DIR / "units.csv")
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


def test_merged_units_end_in_2025_and_name_their_successor() -> None:
    units = {u.code: u for u in load_units(DATA_DIR / "units.csv")}
    assert units["STP_TB"].valid_to == 2025 and units["STP_TB"].successor == "STP_HY"
    assert not units["THADS_HD"].active_in(2026) and units["THADS_HP"].active_in(2026)


@pytest.mark.parametrize(
    ("row", "where", "problem"),
    [
        ("X1,Tên,Ngắn,Tỉnh,tỉnh,KHAC,2016,,,", "dòng 3, cột block", "STP hoặc THADS"),
        ("STP_A,Tên,Ngắn,Tỉnh,tỉnh,STP,2016,,,", "dòng 3, cột code", "trùng"),
        ("X1,Tên,Ngắn,Tỉnh,tỉnh,STP,hai,,,", "dòng 3, cột valid_from/valid_to", "số nguyên"),
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
