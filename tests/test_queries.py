"""Dashboard queries, tables and the narrative, checked against tests/data/mini by hand."""

from datetime import date

import pandas as pd
import pytest

from analytics import measures, queries
from analytics.presentation import kpis, narrative, tables
from analytics.store import Store
from tests.support import connection


def test_quarter_values_give_each_quarter_its_own_figure(mini_store: Store) -> None:
    q = queries.quarter_values(connection(mini_store), 2016).set_index(["unit_code", "indicator", "quarter"])["value"]
    assert [q["STP_A", "buoi_pbgdpl", k] for k in (1, 2, 3, 4)] == [10, 20, 30, 40]  # flow: the quarter's own
    assert [q["STP_A", "xa_ntm", k] for k in (1, 2, 3, 4)] == [1, 2, 2, 3]  # stock: level at quarter end
    assert [q["THADS_A", "ty_le_viec", k] for k in (1, 2, 3, 4)] == pytest.approx([40, 55, 72, 20])  # from counts
    assert pd.isna(q["STP_B", "buoi_pbgdpl", 4])  # not reported: missing, not zero


def test_phase_values_show_who_improved(mini_store: Store) -> None:
    both = queries.phase_values(connection(mini_store), 2016).set_index(["unit_code", "indicator"])
    assert (both.loc[("STP_A", "buoi_pbgdpl"), "value_p1"], both.loc[("STP_A", "buoi_pbgdpl"), "value_p2"]) == (30, 70)
    assert both.loc[("STP_A", "buoi_pbgdpl"), "change_sign"] == 1
    assert both.loc[("STP_B", "buoi_pbgdpl"), "change"] == -3 and both.loc[("STP_B", "buoi_pbgdpl"), "change_sign"] == -1
    assert both.loc[("STP_B", "xa_ntm"), "change_sign"] == 0
    assert both.loc[("THADS_A", "ty_le_viec"), "value_p1"] == pytest.approx(55)
    assert both.loc[("THADS_A", "ty_le_viec"), "value_p2"] == pytest.approx(72)
    assert pd.isna(both.loc[("THADS_B", "xa_ntm"), "change_sign"])
    ranked = queries.rank_phases(queries.phase_values(connection(mini_store), 2016), "xa_ntm")
    assert ranked["unit_code"].tolist()[:3] == ["STP_A", "THADS_B", "STP_B"]  # THADS_B's late Q3 level ranks


def test_phase_table_names_a_late_phase_figure(mini_store: Store) -> None:
    both = queries.rank_phases(queries.phase_values(connection(mini_store), 2016), "xa_ntm")
    table = tables.phase_table(both).set_index("Đơn vị")
    assert table.loc["Cục Thi hành án dân sự tỉnh Bảo Lạc", "Số liệu"] == "Đợt 2: nộp muộn / chưa đủ kỳ — số liệu quý 3"
    assert table.loc["Sở Tư pháp tỉnh An Bình", "Số liệu"] == ""


def test_content_attainment_counts_targets_met_and_keeps_missing_grey(mini_store: Store) -> None:
    cur = connection(mini_store)
    values = measures.period_values(cur, measures.period_spec(cur, 2016, "year"))
    grid = queries.content_attainment(values, queries.contents(cur, 2016)).set_index(["unit_code", "content"])
    assert len(grid) == 4 * 9
    assert grid.loc[("STP_A", "ND3"), "text"] == "1/1" and grid.loc[("STP_A", "ND3"), "share"] == 1
    assert grid.loc[("STP_A", "ND2"), "text"] == "1/2"  # staff share has a target but no value
    assert grid.loc[("STP_B", "ND3"), "share"] == 0
    assert grid.loc[("THADS_A", "ND3"), "status"] == "missing" and pd.isna(grid.loc[("THADS_A", "ND3"), "share"])
    assert grid.loc[("THADS_B", "ND3"), "text"] == "1/1"  # its late Q3 level is a value, not a gap
    assert grid.loc[("THADS_A", "ND7"), "text"] == "1/3"  # cases met; money and carried-over reduction not
    assert grid.loc[("STP_A", "ND7"), "status"] == "none"


def test_unit_sources_and_status(mini_store: Store) -> None:
    cur = connection(mini_store)
    sources = queries.unit_sources(cur, "STP_A", 2016)
    assert len(sources) == 1
    row = sources.iloc[0]
    assert (row["file_name"], row["created_by"], row["n_values"]) == ("facts.csv", "test", 16)
    assert list(row["quarters"]) == [1, 2, 3, 4]
    assert queries.unit_sources(cur, "STP_A", 2017).empty
    merged = queries.unit_status(cur, "STP_B", 2017)
    assert merged is not None and not merged.active and merged.successor == "STP An Bình"
    active = queries.unit_status(cur, "STP_B", 2016)
    assert active is not None and active.active
    assert queries.unit_status(cur, "NOPE", 2016) is None


def test_scorecard_has_quarters_phases_and_year(mini_store: Store) -> None:
    cur = connection(mini_store)
    card = queries.unit_scorecard(
        queries.quarter_values(cur, 2016), queries.phase_values(cur, 2016),
        measures.period_values(cur, measures.period_spec(cur, 2016, "year")), "STP_A",
    )  # fmt: skip
    row = card.set_index("indicator").loc["buoi_pbgdpl"]
    assert (row["Q1"], row["Q4"], row["value_p1"], row["value_p2"], row["year"]) == (10, 40, 30, 70, 100)
    shown = tables.display(tables.scorecard_table(card))
    assert "Mức chỉ tiêu" in shown.columns and "Chỉ tiêu" in shown.columns
    assert shown.loc[card["indicator"].tolist().index("xa_ntm"), "Mức chỉ tiêu"] == "≥ 2"


def test_side_by_side_and_wide_table_keep_one_row_per_unit(mini_store: Store) -> None:
    cur = connection(mini_store)
    values = measures.period_values(cur, measures.period_spec(cur, 2016, "year"))
    pairs = queries.side_by_side(values, {"xa_xnpl_dang_ky": "registered", "xa_xnpl_dat": "achieved"}, sort_by="achieved")
    assert len(pairs) == 4 and pairs.iloc[0]["unit_code"] == "STP_A"
    assert (pairs.iloc[0]["registered"], pairs.iloc[0]["achieved"]) == (4, 3)
    wide = tables.wide_table(values, ["xa_ntm", "buoi_pbgdpl"])
    assert len(wide) == 4
    a = wide[wide["Đơn vị"] == "Sở Tư pháp tỉnh An Bình"].iloc[0]
    assert a.iloc[2] == 3 and a.iloc[3] == 100


def test_display_formats_vietnamese_and_marks_missing() -> None:
    frame = pd.DataFrame({"n": [1234.5, None, 3.0], "ok": [True, False, True], "d": [date(2016, 6, 30), None, None]})
    shown = tables.display(frame)
    assert shown["n"].tolist() == ["1.234,50", "chưa báo cáo", "3"]
    assert shown["ok"].tolist() == ["Có", "Không", "Có"]
    assert shown["d"].iloc[0] == "30/06/2016"


def test_narrative_names_laggards_and_missing_reports(mini_store: Store) -> None:
    cur = connection(mini_store)
    spec = measures.period_spec(cur, 2016, "year")
    lines = narrative.narrative(measures.period_values(cur, spec), measures.reporting(cur, spec), "Quý 4/2016")
    assert "Khối Cục THADS: 1/2 đơn vị chưa báo cáo Quý 4/2016: THADS Bảo Lạc." in lines
    assert "Khối Sở Tư pháp: 1/2 đơn vị đạt chỉ tiêu “Số xã được chọn hỗ trợ xây dựng nông thôn mới”; chưa đạt: STP Bảo Lạc." in lines
    assert "Khối Cục THADS: 2/2 đơn vị đạt chỉ tiêu “Tỷ lệ thi hành xong về việc”." in lines
    # THADS_B sent Q3 only: its Q3 level counts, said to be late; THADS_A never reported it: named, not counted as below.
    thads_ntm = "Khối Cục THADS: 1/2 đơn vị đạt chỉ tiêu “Số xã được chọn hỗ trợ xây dựng nông thôn mới”; chưa báo cáo: THADS An Bình"
    assert any(line.startswith(thads_ntm) and line.endswith("nộp muộn / chưa đủ kỳ: THADS Bảo Lạc (số liệu quý 3).") for line in lines)


def test_narrative_speaks_english_too(mini_store: Store) -> None:
    cur = connection(mini_store)
    spec = measures.period_spec(cur, 2016, "year")
    lines = narrative.narrative(measures.period_values(cur, spec), measures.reporting(cur, spec), "Q4/2016", lang="en")
    assert "Civil Judgment Enforcement Depts.: 1/2 units have not reported Q4/2016: THADS Bảo Lạc." in lines
    ntm = "Departments of Justice: 1/2 units meet the target “Số xã được chọn hỗ trợ xây dựng nông thôn mới”; below target: STP Bảo Lạc."
    assert ntm in lines
    assert not any("đơn vị" in line for line in lines)


def test_overview_kpis_compare_with_cluster_targets(demo_store: Store) -> None:
    cur = connection(demo_store)
    spec = measures.period_spec(cur, 2016, "year")
    cards = {k.key: k for k in kpis.kpis(measures.period_values(cur, spec), measures.reporting(cur, spec))}
    assert cards["reported"].value == "21/22" and "THADS Thái Bình" in cards["reported"].detail
    assert "chỉ tiêu cụm 44" in cards["xa_ntm"].detail and "STP Hải Dương" in cards["xa_ntm"].detail
    assert "/11 Cục đạt chỉ tiêu được giao" in cards["ty_le_tien"].detail
