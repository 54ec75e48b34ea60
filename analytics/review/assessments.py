"""Self-assessment of the rubric's manual criteria and the secretariat's review (scoring as a process).

A unit gives its points for a manual criterion with a short justification and, if it wishes, evidence
files; the secretariat accepts them or adjusts them with a reason; once the year is locked nothing
changes. Each step is one row: the current points of a (unit, criterion) are the review made after the
latest self-assessment when there is one (agreed), otherwise the self-assessment (provisional).
Permissions and the audit trail are the caller's (trust/actions).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from analytics.labels import t
from analytics.store import Cursor

STEPS = ("self", "accepted", "adjusted")
MAX_NOTE = 1000
MAX_EVIDENCE_BYTES = 5 * 1024 * 1024  # a scanned page or two; the store keeps the bytes
MAX_EVIDENCE_FILES = 5
# What a file's first bytes say it is; the name's extension is not trusted.
_SIGNATURES = ((b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


class AssessmentError(ValueError):
    """A self-assessment or review that cannot be stored; the message is Vietnamese."""


@dataclass(frozen=True)
class Evidence:
    name: str
    data: bytes

    @property
    def content_type(self) -> str | None:
        return next((kind for magic, kind in _SIGNATURES if self.data.startswith(magic)), None)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def check_evidence(files: tuple[Evidence, ...]) -> None:
    if len(files) > MAX_EVIDENCE_FILES:
        raise AssessmentError(t("assess_too_many_files", limit=MAX_EVIDENCE_FILES))
    for f in files:
        if len(f.data) > MAX_EVIDENCE_BYTES:
            raise AssessmentError(t("assess_file_too_large", file=f.name, limit_mb=MAX_EVIDENCE_BYTES // 1024 // 1024))
        if f.content_type is None:
            raise AssessmentError(t("assess_file_kind", file=f.name))


def check_points(points: float, max_points: float, note: str) -> None:
    if not 0 <= points <= max_points:
        raise AssessmentError(t("assess_points_range", max=max_points))
    if not note.strip():
        raise AssessmentError(t("assess_note_needed"))
    if len(note) > MAX_NOTE:
        raise AssessmentError(t("assess_note_long", limit=MAX_NOTE))


def is_locked(cur: Cursor, year: int) -> bool:
    row = cur.execute("SELECT count(*) FROM score_locks WHERE year = ?", [int(year)]).fetchone()
    return bool(row and row[0])


def lock_info(cur: Cursor, year: int) -> tuple[datetime, str] | None:
    row = cur.execute("SELECT locked_at, locked_by FROM score_locks WHERE year = ? ORDER BY locked_at LIMIT 1", [int(year)]).fetchone()
    return None if row is None else (row[0], row[1])


def add_step(
    cur: Cursor, year: int, unit: str, criterion: str, step: str, points: float, note: str, by: str, *, is_demo: bool = False
) -> int:
    """One row of the process (inside the caller's transaction); returns its id."""
    assert step in STEPS
    if is_locked(cur, year):
        raise AssessmentError(t("assess_locked", year=year))
    row = cur.execute("SELECT nextval('assessment_ids')").fetchone()
    assert row is not None
    step_id = int(row[0])
    cur.execute(
        "INSERT INTO assessments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [step_id, int(year), unit, criterion, step, float(points), note.strip(), by, datetime.now(), is_demo],
    )
    return step_id


def add_evidence(cur: Cursor, step_id: int, files: tuple[Evidence, ...]) -> None:
    for f in files:
        cur.execute("INSERT INTO evidence VALUES (?, ?, ?, ?, ?, ?)", [step_id, f.name, f.content_type, len(f.data), f.sha256, f.data])


def lock(cur: Cursor, year: int, by: str) -> None:
    if is_locked(cur, year):
        raise AssessmentError(t("assess_locked", year=year))
    cur.execute("INSERT INTO score_locks VALUES (?, ?, ?)", [int(year), datetime.now(), by])


def current(cur: Cursor, year: int) -> pd.DataFrame:
    """Per (unit, criterion) with a self-assessment: the self points and note, the review after it
    (if any), the points that count and their status ('agreed' or 'self'), and the evidence count."""
    return cur.execute(
        """
        WITH s AS (
            SELECT * FROM assessments a WHERE year = $year AND step = 'self'
            AND id = (SELECT max(id) FROM assessments b WHERE b.year = a.year AND b.unit_code = a.unit_code
                      AND b.criterion = a.criterion AND b.step = 'self')
        ), r AS (
            SELECT * FROM assessments a WHERE year = $year AND step <> 'self'
            AND id = (SELECT max(id) FROM assessments b WHERE b.year = a.year AND b.unit_code = a.unit_code
                      AND b.criterion = a.criterion AND b.step <> 'self')
        )
        SELECT s.unit_code, s.criterion, s.points AS self_points, s.note AS self_note, s.made_by AS self_by,
               s.made_at AS self_at, s.id AS self_id,
               CASE WHEN r.id > s.id THEN r.step END AS review,
               CASE WHEN r.id > s.id THEN r.points END AS agreed_points,
               CASE WHEN r.id > s.id THEN r.note END AS review_note,
               CASE WHEN r.id > s.id THEN r.made_by END AS reviewed_by,
               coalesce(CASE WHEN r.id > s.id THEN r.points END, s.points) AS points,
               CASE WHEN r.id > s.id THEN 'agreed' ELSE 'self' END AS status,
               (SELECT count(*) FROM evidence e WHERE e.assessment_id = s.id) AS evidence
        FROM s LEFT JOIN r ON r.unit_code = s.unit_code AND r.criterion = s.criterion
        ORDER BY s.unit_code, s.criterion
        """,
        {"year": int(year)},
    ).df()


def manual_points(cur: Cursor, year: int) -> dict[tuple[str, str], tuple[float, str]]:
    """(unit, criterion) → (points that count, 'agreed' | 'self'): what scoring.score() takes."""
    frame = current(cur, year)
    return {
        (u, c): (float(p), str(s))
        for u, c, p, s in zip(frame["unit_code"], frame["criterion"], frame["points"], frame["status"], strict=True)
    }


def steps(cur: Cursor, year: int, unit: str | None = None) -> pd.DataFrame:
    """Every step, newest first: who changed what, when and why."""
    return cur.execute(
        """
        SELECT a.id, a.made_at, a.made_by, a.unit_code, a.criterion, a.step, a.points, a.note,
               (SELECT count(*) FROM evidence e WHERE e.assessment_id = a.id) AS evidence
        FROM assessments a WHERE a.year = $year AND ($unit IS NULL OR a.unit_code = $unit) ORDER BY a.id DESC
        """,
        {"year": int(year), "unit": unit},
    ).df()


def evidence_files(cur: Cursor, step_id: int) -> list[tuple[str, str, str, bytes]]:
    """(name, content type, sha256, bytes) of a self-assessment's files."""
    rows = cur.execute("SELECT file_name, content_type, sha256, data FROM evidence WHERE assessment_id = ?", [int(step_id)]).fetchall()
    return [(r[0], r[1], r[2], bytes(r[3])) for r in rows]
