"""Period figures checked against values computed by hand from tests/data/mini/facts.csv."""

import math

import pandas as pd
import pytest

from analytics import measures
from analytics.store import Store
from tests.support import connection


def values(store: Store, period: str) -> pd.DataFrame:
    cur = connection(store)
    return measures.period_values(cur, measures.period_spec(cur, 2016, period)).set_index(["unit_code", "indicator"])


def test_flows_are_summed_and_gaps_flagged(mini_store: Store) -> None:
    year = values(mini_store, "year")
    assert year.loc[("STP_A", "buoi_pbgdpl"), "value"] == 100
    assert year.loc[("STP_A", "buoi_pbgdpl"), "status"] == "ok"
    assert year.loc[("STP_B", "buoi_pbgdpl"), "value"] == 21
    assert year.loc[("STP_B", "buoi_pbgdpl"), "status"] == "late"
    assert values(mini_store, "P1").loc[("STP_A", "buoi_pbgdpl"), "value"] == 30
    assert values(mini_store, "P2").loc[("STP_A", "buoi_pbgdpl"), "value"] == 70


def test_stocks_are_read_at_each_units_own_last_quarter_and_flagged_late(mini_store: Store) -> None:
    year = values(mini_store, "year")
    assert year.loc[("STP_A", "xa_ntm"), "value"] == 3
    assert year.loc[("STP_A", "xa_ntm"), ["status", "source_quarter"]].tolist() == ["ok", 4]
    assert year.loc[("STP_B", "xa_ntm"), "value"] == 1
    assert not bool(year.loc[("STP_B", "xa_ntm"), "meets_target"])
    # THADS_B reported Q3 only while the others reached Q4: its Q3 level, flagged late — never blank.
    assert year.loc[("THADS_B", "xa_ntm"), ["value", "status", "source_quarter"]].tolist() == [2, "late", 3]
    assert values(mini_store, "P1").loc[("STP_A", "xa_ntm"), "value"] == 2
    # Nothing in the period at all stays missing, not zero.
    p1 = values(mini_store, "P1")
    assert p1.loc[("THADS_B", "xa_ntm"), "status"] == "missing" and math.isnan(p1.loc[("THADS_B", "xa_ntm"), "value"])


def test_ratios_come_from_counts_never_from_summed_percentages(mini_store: Store) -> None:
    year = values(mini_store, "year")
    assert year.loc[("STP_A", "ty_le_tap_the_ht"), "value"] == pytest.approx(100.0)
    assert bool(year.loc[("STP_A", "ty_le_tap_the_ht"), "meets_target"])
    # Task-completion ratings are annual: the year has them, a phase or quarter does not.
    p1 = values(mini_store, "P1").reset_index()
    assert not p1["indicator"].isin(["ty_le_tap_the_ht", "tap_the_ht", "ty_le_xa_tcpl"]).any()
    assert year.loc[("STP_A", "ty_le_xnpl"), "value"] == pytest.approx(75.0)
    assert values(mini_store, "Q1").loc[("STP_A", "ty_le_xnpl"), "value"] == pytest.approx(0.0)


def test_enforcement_follows_the_statistical_year(mini_store: Store) -> None:
    year = values(mini_store, "year")
    assert year.loc[("THADS_A", "ty_le_viec"), "value"] == pytest.approx(72.0)  # 720/1000 at 30 Sep
    assert bool(year.loc[("THADS_A", "ty_le_viec"), "meets_target"])  # THADS block target 70
    assert year.loc[("THADS_B", "ty_le_viec"), "value"] == pytest.approx(75.0)
    assert values(mini_store, "P1").loc[("THADS_A", "ty_le_viec"), "value"] == pytest.approx(55.0)
    assert pd.isna(values(mini_store, "P1").loc[("THADS_A", "ty_le_viec"), "target_min"])  # a year target
    assert values(mini_store, "P2").loc[("THADS_A", "ty_le_viec"), "value"] == pytest.approx(72.0)
    assert values(mini_store, "Q4").loc[("THADS_A", "ty_le_viec"), "value"] == pytest.approx(20.0)
    start, end = measures.thads_coverage(2016, 3)
    assert (start.isoformat(), end.isoformat()) == ("2015-10-01", "2016-09-30")
    assert measures.thads_coverage(2016, 4)[0].isoformat() == "2016-10-01"


def test_indicators_apply_only_to_their_block_and_units_to_their_years(mini_store: Store) -> None:
    year = values(mini_store, "year").reset_index()
    assert set(year.loc[year["indicator"] == "ty_le_viec", "unit_code"]) == {"THADS_A", "THADS_B"}
    assert set(year.loc[year["indicator"] == "ho_tich", "unit_code"]) == {"STP_A", "STP_B"}
    cur = connection(mini_store)
    assert list(measures.active_units(cur, 2017)["code"]) == ["STP_A", "THADS_A"]
    stp = measures.period_values(cur, measures.period_spec(cur, 2016, "year"), block="STP")
    assert set(stp["block"]) == {"STP"}


def test_slice_ranks_best_first_missing_last(mini_store: Store) -> None:
    cur = connection(mini_store)
    frame = measures.period_values(cur, measures.period_spec(cur, 2016, "year"))
    ranked = measures.indicator_slice(frame, "xa_ntm")
    assert list(ranked["unit_code"]) == ["STP_A", "THADS_B", "STP_B", "THADS_A"]  # THADS_B's late Q3 level counts
    assert ranked["value"].isna().tolist() == [False, False, False, True]


def test_reporting_and_freshness(mini_store: Store) -> None:
    cur = connection(mini_store)
    spec = measures.period_spec(cur, 2016, "year")
    assert spec.as_of == 4
    rep = measures.reporting(cur, spec).set_index("unit_code")["reported"].to_dict()
    assert rep == {"STP_A": True, "STP_B": True, "THADS_A": True, "THADS_B": False}
    fresh = measures.freshness(cur, 2016)
    assert fresh.quarter == 4 and not fresh.has_demo
    assert measures.period_spec(cur, 2017, "year").as_of is None
