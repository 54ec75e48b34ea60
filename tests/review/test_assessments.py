"""Scoring as a process: a unit self-assesses a manual criterion (its own only, evidence hashed and
checked), the secretariat accepts or adjusts with a reason and locks the year; the score follows."""

from __future__ import annotations

import hashlib

import pytest

from analytics import measures, scoring
from analytics.config import load_campaigns
from analytics.review import assessments, vote
from analytics.settings import DATA_DIR
from analytics.store import Store
from analytics.trust import actions, auth
from tests.support import connection

CAMPAIGN = load_campaigns(DATA_DIR / "campaigns")[2016]
assert CAMPAIGN.rubric is not None
RUBRIC = CAMPAIGN.rubric
(MANUAL,) = RUBRIC.manual()
SECRETARIAT = auth.User("thuky", "admin")
FOCAL = auth.User("tp.qn", "unit", "STP_QN")
PDF = b"%PDF-1.4\n% minh chung\n"


def _points(store: Store, unit: str) -> tuple[float, str]:
    summary = vote.year_summary(connection(store), RUBRIC, 2016)
    row = summary.set_index("unit_code").loc[unit]
    return float(row["total"]), str(row["grade"])


def _line(store: Store, unit: str) -> dict:
    found = assessments.current(connection(store), 2016)
    return found[(found["unit_code"] == unit) & (found["criterion"] == MANUAL.code)].iloc[0].to_dict()


def test_a_unit_self_assesses_the_secretariat_adjusts_and_locks(demo_store: Store) -> None:
    before, _ = _points(demo_store, "STP_QN")
    demo_points = _line(demo_store, "STP_QN")["self_points"]
    evidence = (assessments.Evidence("bao_cao.pdf", PDF),)
    actions.self_assess(demo_store, FOCAL, 2016, "STP_QN", MANUAL, 3, "Đã tổ chức 4 hội nghị điển hình", evidence)
    line = _line(demo_store, "STP_QN")
    assert (line["self_points"], line["status"], line["evidence"]) == (3.0, "self", 1)
    assert _points(demo_store, "STP_QN")[0] == pytest.approx(before - demo_points + 3)
    (stored,) = assessments.evidence_files(connection(demo_store), int(line["self_id"]))
    assert stored == ("bao_cao.pdf", "application/pdf", hashlib.sha256(PDF).hexdigest(), PDF)

    with pytest.raises(auth.PermissionDenied):
        actions.self_assess(demo_store, FOCAL, 2016, "STP_HN", MANUAL, 3, "không phải đơn vị mình")
    with pytest.raises(auth.PermissionDenied):
        actions.review_assessment(demo_store, FOCAL, 2016, "STP_QN", MANUAL, None, "tự duyệt")
    with pytest.raises(assessments.AssessmentError, match="lý do"):
        actions.review_assessment(demo_store, SECRETARIAT, 2016, "STP_QN", MANUAL, 1.5, "")

    actions.review_assessment(demo_store, SECRETARIAT, 2016, "STP_QN", MANUAL, 1.5, "Chỉ 2 hội nghị có minh chứng")
    line = _line(demo_store, "STP_QN")
    assert (line["self_points"], line["agreed_points"], line["status"], line["reviewed_by"]) == (3.0, 1.5, "agreed", "thuky")
    assert _points(demo_store, "STP_QN")[0] == pytest.approx(before - demo_points + 1.5)
    cur = connection(demo_store)
    values = measures.period_values(cur, measures.period_spec(cur, 2016, "year"))
    detail = scoring.score(values, RUBRIC, manual=assessments.manual_points(cur, 2016)).detail
    shown = detail[(detail["unit_code"] == "STP_QN") & (detail["code"] == "TC7")].iloc[0]
    assert (shown["points"], shown["how"]) == (1.5, "Thư ký Khu vực thống nhất 1,5")

    actions.lock_scores(demo_store, SECRETARIAT, 2016)
    with pytest.raises(assessments.AssessmentError, match="đã khóa"):
        actions.self_assess(demo_store, FOCAL, 2016, "STP_QN", MANUAL, 3, "sau khi khóa")
    trail = connection(demo_store).execute("SELECT actor, action, target FROM audit WHERE action IN "
                                        "('self_assess', 'assessment_adjusted', 'scores_locked') ORDER BY id").fetchall()  # fmt: skip
    assert trail == [
        ("tp.qn", "self_assess", "STP_QN/TC7"),
        ("thuky", "assessment_adjusted", "STP_QN/TC7"),
        ("thuky", "scores_locked", "2016"),
    ]
    steps = assessments.steps(connection(demo_store), 2016, "STP_QN")
    assert steps["step"].tolist()[:2] == ["adjusted", "self"]


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        ((assessments.Evidence("a.exe", b"MZ\x90\x00"),), "không phải PDF"),
        ((assessments.Evidence("to.pdf", b"%PDF-" + b"0" * assessments.MAX_EVIDENCE_BYTES),), "lớn hơn 5 MB"),
    ],
)
def test_evidence_must_be_a_small_pdf_or_image(demo_store: Store, files: tuple, problem: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(assessments.AssessmentError, match=problem):
        actions.self_assess(demo_store, FOCAL, 2016, "STP_QN", MANUAL, 2, "giải trình", files)
    assert _line(demo_store, "STP_QN")["self_by"] == "demo"  # nothing stored


def test_points_above_the_criterion_or_without_justification_are_refused(demo_store: Store) -> None:
    with pytest.raises(assessments.AssessmentError, match="từ 0 đến 3"):
        actions.self_assess(demo_store, FOCAL, 2016, "STP_QN", MANUAL, 4, "quá điểm")
    with pytest.raises(assessments.AssessmentError, match="giải trình"):
        actions.self_assess(demo_store, FOCAL, 2016, "STP_QN", MANUAL, 2, "  ")
