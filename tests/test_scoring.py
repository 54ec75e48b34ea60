"""Scoring checked on a small rubric worked out by hand, and the rubric's validation."""

from pathlib import Path

import pandas as pd
import pytest

from analytics import measures, scoring
from analytics.config import Adjustment, ConfigError, Criterion, FlagRule, Grade, Rubric, load_campaign
from analytics.store import Store
from tests.support import SHIPPED_CAMPAIGN, broken_campaign, connection

SHIPPED = SHIPPED_CAMPAIGN

RUBRIC = Rubric(
    max_points=20,
    criteria=(
        Criterion("K1", "ND1", "Rate r meets target", "r", "ALL", 10, "target"),
        Criterion("K2", "ND2", "Share s", "s", "ALL", 6, "linear", zero_at=50, full_at=100),
        Criterion("K3", "ND3", "Count n", "n", "ALL", 4, "steps", steps=((1, 2), (2, 4))),
    ),
    adjustments=(
        Adjustment("B1", "n ≥ 3", "bonus", "n", ">=", 1.2, threshold=3),
        Adjustment("P1", "s incomplete", "penalty", "s", "incomplete", 2),
    ),
    grades=(Grade("A", "Xuất sắc", 14, ("r", "s")), Grade("B", "Tốt", 9), Grade("C", "Khá", 0)),
    flag=FlagRule(("A", "B"), 2, True),
    tie_break=("K3",),
)

# unit: block, {indicator: (value, status, meets_target)}; r has target ≥ 70, s target ≥ 80, n none.
UNITS = {
    "A": ("STP", {"r": (80, "ok", True), "s": (75, "late", False), "n": (2, "ok", None)}),
    "B": ("STP", {"r": (60, "ok", False), "s": (100, "ok", True), "n": (1, "ok", None)}),
    "C": ("STP", {"r": (None, "missing", None), "s": (90, "ok", True), "n": (3, "ok", None)}),
    "E": ("STP", {"r": (75, "ok", True), "s": (None, "missing", None), "n": (0, "ok", None)}),
    "F": ("STP", {"r": (75, "ok", True), "s": (None, "missing", None), "n": (0, "ok", None)}),
    "D": ("THADS", {"r": (71, "ok", True), "s": (40, "ok", False), "n": (0, "ok", None)}),
}
TARGETS = {"r": 70.0, "s": 80.0, "n": None}


def hand_frame() -> pd.DataFrame:
    rows = []
    for code, (block, values) in UNITS.items():
        for ind, (value, status, meets) in values.items():
            rows.append({
                "unit_code": code, "short_name": f"U {code}", "name": f"Unit {code}", "block": block, "indicator": ind,
                "label": f"label {ind}", "unit": "%" if ind != "n" else "xã", "value": value, "status": status,
                "target_min": TARGETS[ind], "target_max": None, "meets_target": meets,
                "source_quarter": None if value is None else (3 if status == "late" else 4),
            })  # fmt: skip
    frame = pd.DataFrame(rows)
    frame["value"] = frame["value"].astype(float)
    frame["target_max"] = frame["target_max"].astype(float)
    return frame


@pytest.fixture(scope="module")
def scored() -> scoring.Scores:
    return scoring.score(hand_frame(), RUBRIC)


def test_points_follow_the_rubric_worked_by_hand(scored: scoring.Scores) -> None:
    pts = scored.detail.set_index(["unit_code", "code"])["points"]
    # K1 target: met → 10, not met or missing → 0
    assert (pts["A", "K1"], pts["B", "K1"], pts["C", "K1"], pts["D", "K1"]) == (10, 0, 0, 10)
    # K2 linear 50→0 .. 100→6: 75 → 3,00; 100 → 6; 90 → 4,80; 40 → 0; missing → 0
    assert (pts["A", "K2"], pts["B", "K2"], pts["C", "K2"], pts["D", "K2"], pts["E", "K2"]) == (3.0, 6.0, 4.8, 0.0, 0.0)
    # K3 steps ≥1 → 2, ≥2 → 4
    assert (pts["A", "K3"], pts["B", "K3"], pts["C", "K3"], pts["D", "K3"]) == (4, 2, 4, 0)
    assert pts["C", "B1"] == pytest.approx(1.2) and pts["A", "B1"] == 0  # bonus n ≥ 3
    assert pts["A", "P1"] == -2 and pts["E", "P1"] == -2 and pts["B", "P1"] == 0  # penalty: s late or missing
    totals = scored.summary.set_index("unit_code")["total"].to_dict()
    assert totals == {"A": 15.0, "B": 8.0, "C": 10.0, "E": 8.0, "F": 8.0, "D": 10.0}


def test_every_total_is_the_sum_of_its_drill_down(scored: scoring.Scores) -> None:
    sums = scored.detail.groupby("unit_code")["points"].sum().round(2)
    assert scored.summary.set_index("unit_code")["total"].to_dict() == sums.to_dict()


def test_drill_down_says_how_each_point_was_earned(scored: scoring.Scores) -> None:
    how = scored.detail.set_index(["unit_code", "code"])["how"]
    assert how["C", "K2"] == "6 × (90 − 50) / (100 − 50) = 4,80"
    assert how["C", "K1"] == "chưa báo cáo → 0"
    assert how["B", "K1"] == "60% — chưa đạt chỉ tiêu 70% → 0"
    assert how["B", "K3"] == "1 xã ≥ 1 → 2"
    rules = scored.detail.set_index(["unit_code", "code"])["rule"]
    assert rules["A", "K2"] == "0 điểm tại 50%, 6 điểm tại 100%, ở giữa tỷ lệ thuận"
    assert rules["A", "P1"] == "nộp muộn / thiếu quý → −2"


def test_rank_within_block_with_ties_explained(scored: scoring.Scores) -> None:
    s = scored.summary.set_index("unit_code")
    assert s.loc[["A", "C"], "rank"].tolist() == [1, 2]
    assert s.loc["D", "rank"] == 1  # THADS is ranked on its own
    assert s.loc[s["block"] == "STP", "rank"].max() == 4  # five STP units, E and F share rank 4


def test_ties_broken_by_the_named_criterion_then_shared(scored: scoring.Scores) -> None:
    s = scored.summary.set_index("unit_code")
    assert s.loc["B", "rank"] == 3 and s.loc["E", "rank"] == 4 and s.loc["F", "rank"] == 4
    assert "xếp trên nhờ tiêu chí K3 (2,00 so với 0,00)" in s.loc["B", "rank_note"]
    assert "cùng xếp thứ với U F" in s.loc["E", "rank_note"]
    assert "xếp dưới do tiêu chí K3" in s.loc["E", "rank_note"]
    assert s.loc["A", "rank_note"] == ""


def test_grade_needs_points_and_the_named_targets(scored: scoring.Scores) -> None:
    s = scored.summary.set_index("unit_code")
    assert s.loc["A", "grade"] == "B"  # 15 ≥ 14 but s (75 < 80) misses its target
    assert "đủ điểm loại A nhưng chưa đạt: label s" in s.loc["A", "grade_note"]
    assert s.loc[["C", "D", "B"], "grade"].tolist() == ["B", "B", "C"]


def test_flag_eligibility_names_the_reason(scored: scoring.Scores) -> None:
    s = scored.summary.set_index("unit_code")
    assert s.loc["D", "flag_eligible"] and s.loc["D", "flag_note"] == "Đủ tiêu chí đưa vào bình xét"
    assert not s.loc["A", "flag_eligible"] and "số liệu nộp muộn / chưa đủ" in s.loc["A", "flag_note"]
    assert "xếp sau thứ 2 trong khối" in s.loc["B", "flag_note"] and "xếp loại chưa đạt A, B" in s.loc["B", "flag_note"]


def test_rounding_is_half_up_as_by_hand() -> None:
    assert scoring._round(2.675, 2) == 2.68
    assert scoring._round(4.8049, 2) == 4.8


def test_demo_ranking_is_reproducible_from_the_drill_down(demo_store: Store) -> None:
    cur = connection(demo_store)
    values = measures.period_values(cur, measures.period_spec(cur, 2016, "year"))
    rubric = load_campaign(SHIPPED).rubric
    assert rubric is not None and rubric.illustrative
    result = scoring.score(values, rubric)
    summary = result.summary.set_index("unit_code")
    assert len(summary) == 22
    sums = result.detail.groupby("unit_code")["points"].sum().round(2)
    assert (summary["total"] == sums[summary.index]).all()
    for _, block in result.summary.groupby("block"):
        ordered = block.sort_values("rank")
        assert ordered["total"].is_monotonic_decreasing
        assert ordered["rank"].iloc[0] == 1
    # THADS Thái Bình did not report Q4: penalised 5 points and never flag-eligible
    assert summary.loc["THADS_TB", "penalty"] == -5 and not summary.loc["THADS_TB", "flag_eligible"]
    # A unit with 1 NTM commune gets 7 of 15 points on TC4 (steps ≥1 → 7, ≥2 → 15)
    tc4 = result.detail.set_index(["unit_code", "code"])["points"]
    assert tc4["STP_HD", "TC4"] == 7
    assert summary["flag_eligible"].sum() >= 1


def test_shipped_rubric_totals_100_per_block() -> None:
    rubric = load_campaign(SHIPPED).rubric
    assert rubric is not None
    for block in ("STP", "THADS"):
        assert sum(c.max_points for c in rubric.criteria_for(block)) == rubric.max_points == 100
    assert [g.code for g in rubric.grades] == ["A", "B", "C", "D"]


@pytest.mark.parametrize(
    ("old", "new", "key", "problem"),
    [
        ("steps = [[1, 5], [2, 7]]", "steps = []", "scoring.criteria[1].steps", "steps"),
        ('indicator = "dien_hinh"\nmax_points', 'indicator = "khong_co"\nmax_points', "scoring.criteria[1].indicator", "khong_co"),
        ("max_points = 100", "max_points = 90", "scoring.max_points", "khối STP"),
        ('grades = ["A"]', 'grades = ["Z"]', "scoring.flag.grades", "Z"),
        ("zero_at = 80", "zero_at = 100", "scoring.criteria[2].full_at", "khác nhau"),
        ('indicator = "van_ban_tham_dinh"', 'indicator = "ty_le_viec"', "scoring.criteria[7].indicator", "THADS"),
        ('op = "incomplete"', 'op = "~"', "scoring.adjustments[2].op", "incomplete"),
        ("steps = [[1, 7], [2, 15]]", "steps = [[1, 7], [2, 16]]", "scoring.criteria[4].steps", "từ 0 đến 15"),
        ('tie_break = ["TC4", "TC6"]', 'tie_break = ["TC99"]', "scoring.tie_break", "TC99"),
        ("min_points = 0", "min_points = 10", "scoring.grades", "min_points = 0"),
    ],
)
def test_malformed_rubric_names_file_key_and_problem(tmp_path: Path, old: str, new: str, key: str, problem: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_campaign(broken_campaign(tmp_path, old, new))
    assert info.value.key == key
    assert problem in info.value.problem
    assert "2016.toml" in str(info.value)
