"""Units are listed in the Vietnamese collation of their names (Hà Nội before Hải Dương, Nam Định
before Ninh Bình), block by block, wherever a list is ordered by name rather than by a figure."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from analytics import communes, measures, queries
from analytics.registry import in_unit_order
from analytics.store import Store
from tests.support import run_cli

STP_ORDER = ["STP Bắc Ninh", "STP Hà Nam", "STP Hà Nội", "STP Hải Dương", "STP Hải Phòng", "STP Hưng Yên",
             "STP Nam Định", "STP Ninh Bình", "STP Quảng Ninh", "STP Thái Bình", "STP Vĩnh Phúc"]  # fmt: skip


def test_the_order_is_vietnamese_not_by_code_nor_by_code_point() -> None:
    # By code HD < HN < HNA; by code point "Đ" and "Ư" come after "Z" and "Bình" before "Bắc".
    names = ["STP Hải Dương", "STP Đà Nẵng", "STP Hà Nội", "STP Bình Định", "STP Bắc Ninh", "STP Hà Nam", "STP Zeta"]
    listed = in_unit_order(pd.DataFrame({"block": "STP", "short_name": names}))
    expected = ["STP Bắc Ninh", "STP Bình Định", "STP Đà Nẵng", "STP Hà Nam", "STP Hà Nội", "STP Hải Dương", "STP Zeta"]
    assert list(listed["short_name"]) == expected


def test_store_lists_follow_the_collation(demo_store: Store) -> None:
    cur = demo_store.cursor()
    assert queries.registry(cur, "STP")["short_name"].tolist() == STP_ORDER
    assert measures.active_units(cur, 2016, "STP")["short_name"].tolist() == STP_ORDER
    spec = measures.period_spec(cur, 2016, "year")
    assert measures.reporting(cur, spec, "STP")["short_name"].tolist() == STP_ORDER
    values = measures.period_values(cur, spec)
    assert values[values["indicator"] == "xa_ntm"]["short_name"].tolist()[:11] == STP_ORDER
    listed = communes.commune_list(cur, 2016, "ntm", "STP")
    assert list(dict.fromkeys(listed["short_name"])) == [n for n in STP_ORDER if n in set(listed["short_name"])]


def test_equal_values_keep_the_collation_order(demo_store: Store) -> None:
    cur = demo_store.cursor()
    values = measures.period_values(cur, measures.period_spec(cur, 2016, "year"), "STP").assign(value=1.0)
    assert measures.indicator_slice(values, "xa_ntm")["short_name"].tolist() == STP_ORDER
    both = queries.phase_values(cur, 2016, "STP").assign(value_p1=1.0, value_p2=1.0)
    assert queries.rank_phases(both, "xa_ntm")["short_name"].tolist() == STP_ORDER
    wide = queries.side_by_side(values, {"xa_ntm": "ntm"}, sort_by="ntm")
    assert wide["short_name"].tolist() == STP_ORDER


def test_cli_units_listing_is_collated(tmp_path: Path) -> None:
    frame = pd.read_csv(io.BytesIO(run_cli(tmp_path, "units").stdout))
    assert frame.loc[frame["block"] == "STP", "short_name"].tolist() == STP_ORDER
    assert frame["block"].tolist() == ["STP"] * 11 + ["THADS"] * 11
