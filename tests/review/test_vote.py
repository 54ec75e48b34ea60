"""The year-end vote: candidates from the scores' shortlist and the award history, the count, ties,
the ballots file's checks, and the `vote` command that stores and audits the result."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from analytics.config import Title, load_campaigns
from analytics.ingest import ballots
from analytics.ingest.readers import source_from_bytes
from analytics.presentation import tables
from analytics.queries import registry
from analytics.reporting.registration import Registration
from analytics.review import vote
from analytics.settings import DATA_DIR
from analytics.store import Store
from analytics.trust import actions, auth
from tests.support import connection, run_cli

CAMPAIGN = load_campaigns(DATA_DIR / "campaigns")[2016]


def _standing(codes: list[str], block: str = "THADS") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_code": codes,
            "short_name": [f"Đơn vị {c}" for c in codes],
            "name": codes,
            "block": block,
            "total": 90.0,
            "grade": "A",
            "rank": 1,
            "eligible": True,
            "note": "",
            "registration": "",
        }
    )


def test_campaign_titles_are_listed_with_their_rule_marked_to_confirm() -> None:
    frame = vote.titles_frame(CAMPAIGN.titles)
    assert list(frame.columns) == ["code", "title", "block", "places", "rule"]
    assert set(frame["code"]) == {"CO_BTP_STP", "CO_BTP_THADS", "CO_CP"}
    assert all("trên 50%" in rule and "cần xác minh" in rule for rule in frame["rule"])


def test_more_than_half_of_the_voters_passes_and_exactly_half_does_not() -> None:
    title = Title("T", "Cờ", "THADS", places=2)
    result = vote.tally(title, 20, {"A": 11, "B": 10, "C": 15}, _standing(["A", "B", "C"]))
    by_code = result.table.set_index("unit_code")
    assert by_code.loc["C", "passed"] and by_code.loc["A", "passed"] and not by_code.loc["B", "passed"]
    assert list(result.table["unit_code"]) == ["C", "A", "B"]  # best-voted first
    assert "không vượt quá 50%" in by_code.loc["B", "note"]


def test_places_limit_the_winners_and_a_level_last_place_is_a_tie_nobody_wins() -> None:
    title = Title("T", "Cờ", "THADS", places=1)
    beyond = vote.tally(title, 10, {"A": 9, "B": 7}, _standing(["A", "B"]))
    assert beyond.winners == ["Đơn vị A"] and beyond.tied == []
    assert "ngoài số suất" in beyond.table.set_index("unit_code").loc["B", "note"]
    level = vote.tally(title, 10, {"A": 8, "B": 8, "C": 2}, _standing(["A", "B", "C"]))
    assert level.winners == [] and sorted(level.tied) == ["Đơn vị A", "Đơn vị B"]
    assert "Bằng phiếu" in vote.summary_text(level)


def test_a_title_that_needs_an_earlier_one_checks_the_award_history() -> None:
    title = CAMPAIGN.title("CO_CP")
    summary = pd.DataFrame(
        {
            "unit_code": ["STP_TB", "THADS_NB"],
            "short_name": ["STP Thái Bình", "THADS Ninh Bình"],
            "name": ["a", "b"],
            "block": ["STP", "THADS"],
            "total": [91.0, 95.0],
            "grade": ["A", "A"],
            "rank": [1, 1],
            "flag_eligible": [True, True],
        }
    )
    held = pd.DataFrame({"unit_code": ["THADS_NB", "STP_TB"], "year": [2015, 2016], "title_code": ["CO_BTP_THADS", "CO_BTP_STP"]})
    standing = vote.candidates(summary, title, held, 2016, {}).set_index("unit_code")
    assert bool(standing.loc["THADS_NB", "eligible"])
    assert not bool(standing.loc["STP_TB", "eligible"])  # its Ministry flag is of the same year, not earlier
    assert "CO_BTP_STP" in standing.loc["STP_TB", "note"]


def test_the_ballots_file_names_file_excel_row_and_column_of_every_problem(demo_store: Store) -> None:
    cur = connection(demo_store)
    title = CAMPAIGN.title("CO_BTP_THADS")
    assert CAMPAIGN.rubric is not None
    summary = vote.year_summary(cur, CAMPAIGN.rubric, 2016)
    standing = vote.candidates(summary, title, vote.held_titles(cur), 2016, {})
    data = b"unit_code;votes\nTHADS_NB;25\nSTP_TB;3\nXX;1\nTHADS_HN;-1\nTHADS_HN;2,5\n"
    found = ballots.read(source_from_bytes("phieu.csv", data), 20, registry(cur), standing)
    texts = [p.text() for p in found.problems]
    assert found.counts == {}
    assert "tệp phieu.csv, dòng 2, cột “votes”: số phiếu lớn hơn số người bỏ phiếu (20)" in texts[0]
    assert "dòng 3, cột “unit_code”: STP Thái Bình không có tên trong danh sách đủ tiêu chí đưa vào bình xét" in texts[1]
    assert "dòng 4" in texts[2] and "không có trong danh sách đơn vị" in texts[2]
    assert "dòng 5" in texts[3] and "không được âm" in texts[3]
    assert "dòng 6" in texts[4] and "số nguyên" in texts[4]


def test_recording_a_vote_needs_the_secretariat_and_leaves_an_audit_row(demo_store: Store, tmp_path: Path) -> None:
    title = CAMPAIGN.title("CO_BTP_THADS")
    result = vote.tally(title, 15, {"THADS_NB": 12}, _standing(["THADS_NB"]))
    with pytest.raises(auth.PermissionDenied):
        actions.record_vote(demo_store, auth.User("dv", "unit", "THADS_NB"), 2016, result, source="form")
    actions.record_vote(demo_store, auth.User("thuky", "admin"), 2016, result, source="form")
    cur = connection(demo_store)
    stored = vote.recorded(cur, 2016)
    assert stored[["unit_code", "votes", "passed"]].values.tolist() == [["THADS_NB", 12, True]]
    row = cur.execute("SELECT actor, action, target FROM audit WHERE action = 'vote'").fetchone()
    assert row == ("thuky", "vote", "2016/CO_BTP_THADS")


def test_vote_command_lists_titles_and_counts_a_ballots_file(tmp_path: Path) -> None:
    listed = run_cli(tmp_path, "vote", "--year", "2016", "--list")
    assert listed.returncode == 0
    assert listed.stdout.decode().splitlines()[0] == '"code","title","block","places","rule"'
    ballots_file = tmp_path / "phieu.csv"
    ballots_file.write_text("unit_code,votes\nTHADS_NB,14\nTHADS_HN,13\n", encoding="utf-8")
    out = tmp_path / "ket_qua.csv"
    count = ("vote", "--year", "2016", "--title", "CO_BTP_THADS", "--ballots", str(ballots_file))
    done = run_cli(tmp_path, *count, "--voters", "22", "-o", str(out))
    assert done.returncode == 0, done.stderr.decode()
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [(r["unit_code"], r["votes"], r["share"], r["passed"]) for r in rows] == [
        ("THADS_NB", "14", "0.6364", "true"),
        ("THADS_HN", "13", "0.5909", "false"),
    ]
    assert "Đạt: THADS Ninh Bình" in done.stderr.decode()
    refused = run_cli(tmp_path, *count, "--voters", "10")
    assert refused.returncode == 1
    assert "dòng 2, cột “votes”: số phiếu lớn hơn số người bỏ phiếu (10)" in refused.stderr.decode()


def test_a_candidate_whose_approved_registration_lacks_the_title_is_flagged_not_dropped() -> None:
    title = CAMPAIGN.title("CO_BTP_THADS")
    assert title.registration == "co_bo_tu_phap"
    summary = pd.DataFrame(
        {
            "unit_code": ["THADS_NB", "THADS_HN", "THADS_QN", "THADS_HP"],
            "short_name": ["THADS Ninh Bình", "THADS Hà Nội", "THADS Quảng Ninh", "THADS Hải Phòng"],
            "name": ["a", "b", "c", "d"],
            "block": "THADS",
            "total": [95.0, 93.0, 92.0, 91.0],
            "grade": "A",
            "rank": [1, 2, 3, 4],
            "flag_eligible": True,
        }
    )
    approved = {
        "THADS_NB": Registration("THADS_NB", 2016, ("co_bo_tu_phap",), state="approved"),
        "THADS_HN": Registration("THADS_HN", 2016, ("bang_khen_bo_truong",), state="approved"),
    }  # THADS_QN and THADS_HP: nothing approved (a draft or a returned one is not passed in)
    standing = vote.candidates(summary, title, pd.DataFrame(columns=["unit_code", "year", "title_code"]), 2016, approved)
    assert standing.set_index("unit_code")["registration"].to_dict() == {
        "THADS_NB": "",
        "THADS_HN": "chưa đăng ký danh hiệu này",
        "THADS_QN": "chưa được duyệt đăng ký thi đua",
        "THADS_HP": "chưa được duyệt đăng ký thi đua",
    }
    assert standing["eligible"].all()  # the secretariat decides: nobody is dropped
    shown = tables.candidate_table(standing)["Đăng ký thi đua"].tolist()
    assert shown == ["đã đăng ký", "chưa đăng ký danh hiệu này", "chưa được duyệt đăng ký thi đua", "chưa được duyệt đăng ký thi đua"]
    result = vote.tally(title, 20, {"THADS_NB": 3, "THADS_HN": 15}, standing)
    assert result.winners == ["THADS Hà Nội"] and result.unregistered == ["THADS Hà Nội"]
    note = result.table.set_index("unit_code").loc["THADS_HN", "note"]
    assert note.startswith("15/20") and note.endswith(" (chưa đăng ký danh hiệu này)")
    assert "Lưu ý: THADS Hà Nội chưa đăng ký danh hiệu này" in vote.summary_text(result)
    assert vote.result_frame(result).set_index("unit_code").loc["THADS_HN", "registration"] == "chưa đăng ký danh hiệu này"
    # A title that names no registration title checks nothing: no flag, nothing said.
    unchecked = vote.candidates(summary, Title("T", "Cờ", "THADS", places=1), pd.DataFrame(columns=["unit_code"]), 2016, {})
    assert unchecked["registration"].isna().all() and set(tables.candidate_table(unchecked)["Đăng ký thi đua"]) == {""}
