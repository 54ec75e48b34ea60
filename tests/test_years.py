"""Year over year on a comparable basis: merged units carry their predecessors' values for the years
before the merger (flows and stocks summed, rates recomputed), crosswalks follow renamed indicators."""

from dataclasses import replace

import pandas as pd
import pytest

from analytics import measures
from analytics.config import Crosswalk, load_campaigns
from analytics.settings import DATA_DIR
from analytics.store import Store
from analytics.years import compare
from tests.support import connection


def _year(store: Store, year: int) -> pd.DataFrame:
    cur = connection(store)
    return measures.period_values(cur, measures.period_spec(cur, year, "year")).set_index(["unit_code", "indicator"])["value"]


def test_lineage_follows_the_successor_column(years_store: Store) -> None:
    links = compare.lineage(connection(years_store))
    assert links["STP_NB"] == ["STP_HNA", "STP_ND"] and links["THADS_HP"] == ["THADS_HD"] and "STP_QN" not in links


def test_a_merged_unit_adds_its_predecessors_for_the_years_before_the_merger(years_store: Store) -> None:
    view = compare.indicator_years(connection(years_store), [2024, 2025, 2026], "buoi_pbgdpl")
    assert view is not None
    nb = view.units[view.units["unit_code"] == "STP_NB"].set_index("year")
    before = _year(years_store, 2024)
    assert nb.loc[2024, "value"] == before["STP_NB", "buoi_pbgdpl"] + before["STP_HNA", "buoi_pbgdpl"] + before["STP_ND", "buoi_pbgdpl"]
    assert nb.loc[2024, "includes"] == "STP Hà Nam, STP Nam Định"
    merger_year = _year(years_store, 2025)  # the predecessors reported the first half of 2025
    expected = sum(merger_year[code, "buoi_pbgdpl"] for code in ("STP_NB", "STP_HNA", "STP_ND"))
    assert nb.loc[2025, "value"] == expected
    assert nb.loc[2026, "value"] == _year(years_store, 2026)["STP_NB", "buoi_pbgdpl"] and nb.loc[2026, "includes"] == ""
    assert set(view.units["year"]) == {2024, 2025, 2026} and view.units["unit_code"].nunique() == 12  # Vĩnh Phúc left
    qn = view.units[view.units["unit_code"] == "STP_QN"].set_index("year")
    assert qn.loc[2024, "value"] == before["STP_QN", "buoi_pbgdpl"] and qn.loc[2024, "includes"] == ""


def test_a_merged_units_rate_is_recomputed_from_summed_counts(years_store: Store) -> None:
    view = compare.indicator_years(connection(years_store), [2024, 2026], "ty_le_viec")
    assert view is not None
    nb = view.units[view.units["unit_code"] == "THADS_NB"].set_index("year")
    before = _year(years_store, 2024)
    codes = ("THADS_NB", "THADS_HNA", "THADS_ND")
    done, due = (sum(before[c, part] for c in codes) for part in ("viec_xong", "viec_co_dk"))
    assert nb.loc[2024, "value"] == pytest.approx(100 * done / due)
    average = sum(before[c, "ty_le_viec"] for c in codes) / 3
    assert nb.loc[2024, "value"] != pytest.approx(average)  # never an average of rates
    cluster = view.cluster.set_index("year")["value"]
    assert 0 < cluster[2024] < 100


def test_changes_say_better_or_worse_in_the_indicators_direction() -> None:
    frame = pd.DataFrame(
        {
            "year": [2025, 2026, 2025, 2026], "unit_code": ["A", "A", "B", "B"], "short_name": ["A", "A", "B", "B"],
            "name": ["A", "A", "B", "B"], "block": ["STP"] * 4, "value": [10.0, 12.0, 5.0, 4.0], "includes": ["X", "", "", ""],
            "is_demo": [False] * 4, "higher_is_better": [True] * 4, "unit": [""] * 4,
        }
    )  # fmt: skip
    out = compare.changes(frame, 2026).set_index("unit_code")
    assert out.loc["A", "direction"] == "better" and out.loc["A", "change"] == 2 and out.loc["A", "change_pct"] == 20
    assert out.loc["A", "includes_before"] == "X" and out.loc["B", "direction"] == "worse"
    lower = compare.changes(frame.assign(higher_is_better=False), 2026).set_index("unit_code")
    assert lower.loc["A", "direction"] == "worse" and lower.loc["B", "direction"] == "better"


def test_the_page_counts_and_block_scores_come_from_the_year_view() -> None:
    changes = pd.DataFrame({"direction": ["better", "worse", "better", None, "same"]})
    view = compare.YearView((2025, 2026), "x", "x", "", pd.DataFrame(), pd.DataFrame(), changes)
    assert view.direction_counts == {"better": 2, "worse": 1, "none": 1}
    summary = pd.DataFrame(
        {"unit_code": ["A", "B"], "short_name": ["A", "B"], "block": ["STP", "THADS"], "total": [90.0, 80.0], "grade": "x", "rank": 1}
    )
    assert compare.score_history({2025: summary, 2026: summary}, "THADS")["unit_code"].tolist() == ["B", "B"]
    assert len(compare.score_history({2025: summary})) == 2


def test_a_crosswalk_follows_an_indicator_that_changed_code(years_store: Store) -> None:
    campaigns = load_campaigns(DATA_DIR / "campaigns")
    values = compare.year_values(connection(years_store), [2024, 2026])
    renamed = values.assign(
        indicator=values["indicator"].where(~((values["year"] == 2024) & (values["indicator"] == "dien_hinh")), "mo_hinh")
    )
    campaigns[2026] = replace(campaigns[2026], crosswalk=(Crosswalk("dien_hinh", "mo_hinh"),))
    assert compare.crosswalk_codes(campaigns, 2024, 2026) == {"mo_hinh": "dien_hinh"}
    links = compare.lineage(connection(years_store))
    followed = compare.comparable(renamed, "dien_hinh", 2026, links, campaigns=campaigns)
    lost = compare.comparable(renamed, "dien_hinh", 2026, links)
    assert followed[followed["year"] == 2024]["value"].notna().all() and lost[lost["year"] == 2024].empty


def test_a_unit_is_named_as_it_was_in_the_year_shown(years_store: Store) -> None:
    from analytics.queries import unit_status

    cur = connection(years_store)
    old, new = unit_status(cur, "THADS_BN", 2016), unit_status(cur, "THADS_BN", 2026)
    assert old is not None and old.name == "Cục Thi hành án dân sự tỉnh Bắc Ninh" and old.active
    assert new is not None and new.name == "Thi hành án dân sự tỉnh Bắc Ninh"
    gone = unit_status(cur, "STP_HNA", 2026)
    assert gone is not None and not gone.active and gone.successor == "STP Ninh Bình"
    members = measures.active_units(cur, 2026)
    assert len(members) == 12 and "Thi hành án dân sự thành phố Hà Nội" in set(members["name"])


def test_an_upload_may_name_a_unit_by_any_name_it_has_had(years_store: Store) -> None:
    from analytics.ingest.validate import Context

    matcher = Context(connection(years_store)).unit_matcher
    assert matcher.find("Cục Thi hành án dân sự tỉnh Bắc Ninh") == matcher.find("Thi hành án dân sự tỉnh Bắc Ninh") == "THADS_BN"


def test_a_merged_unit_reports_only_the_quarters_it_existed_in(years_store: Store) -> None:
    from analytics.ingest import validate
    from analytics.ingest.readers import source_from_bytes

    text = "Mã đơn vị,Năm,Quý,dien_hinh\r\nSTP_HNA,2025,2,1\r\nSTP_HNA,2025,3,1\r\nSTP_NB,2025,3,2\r\n"
    checked = validate.check(connection(years_store), [source_from_bytes("q.csv", text.encode())])
    assert [(p.code, p.row) for p in checked.errors if p.code != "demo_present"] == [("unit_outside_quarter", 3)]
    refused = next(p for p in checked.errors if p.row == 3)
    assert refused.message() == "đơn vị không thuộc khu vực trong Quý 3/2025 (từ 01/01/2016 đến 30/06/2025)"
