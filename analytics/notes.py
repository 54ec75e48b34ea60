"""Notes on the charts: a short remark pinned to a year, a quarter or phase, a unit and an indicator
or covenant content ("số liệu điều chỉnh sau kiểm tra"), so the first question asked of a chart —
why did it fall? — is answered on the chart itself.

A note is plain text: it is stored as typed (whitespace collapsed to one line) and every surface
shows it through the escaping of analytics.trust.safety. Writes record their audit row in the same
transaction; permissions are checked by analytics.trust.actions, the one path of CLI and pages.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from analytics.labels import t
from analytics.store import Cursor
from analytics.trust import audit

MAX_TEXT = 500  # "a short note": a sentence or two; longer explanations belong in the meeting minutes
COLUMNS = ["id", "year", "quarter", "phase", "unit_code", "indicator", "text", "by", "at"]


class NoteError(ValueError):
    """A note that cannot be stored as asked; the message is Vietnamese and says why."""


@dataclass(frozen=True)
class Scope:
    """What a note is about. None means "all": the whole year, the whole cluster, every indicator."""

    year: int
    quarter: int | None = None
    phase: int | None = None
    unit_code: str | None = None
    indicator: str | None = None


def clean_text(text: str) -> str:
    """The note as stored: NFC, one line, not empty, at most MAX_TEXT characters."""
    value = " ".join(unicodedata.normalize("NFC", text).split())
    if not value:
        raise NoteError(t("note_empty"))
    if len(value) > MAX_TEXT:
        raise NoteError(t("note_too_long", limit=MAX_TEXT, length=len(value)))
    return value


def check_scope(cur: Cursor, scope: Scope) -> None:
    """Refuse a scope naming a year, period, unit or code the store does not know."""
    if not _exists(cur, "SELECT 1 FROM campaigns WHERE year = $y", {"y": scope.year}):
        raise NoteError(t("note_bad_year", year=scope.year))
    if scope.quarter is not None and scope.phase is not None:
        raise NoteError(t("note_quarter_or_phase"))
    if scope.quarter is not None and scope.quarter not in (1, 2, 3, 4):
        raise NoteError(t("note_bad_quarter", quarter=scope.quarter))
    if scope.phase is not None and not _exists(
        cur, "SELECT 1 FROM phases WHERE year = $y AND number = $p", {"y": scope.year, "p": scope.phase}
    ):
        raise NoteError(t("note_bad_phase", phase=scope.phase, year=scope.year))
    if scope.unit_code is not None and not _exists(
        cur,
        "SELECT 1 FROM units WHERE code = $c AND valid_from <= $y AND coalesce(valid_to, 9999) >= $y",
        {"c": scope.unit_code, "y": scope.year},
    ):
        raise NoteError(t("note_bad_unit", unit=scope.unit_code, year=scope.year))
    if scope.indicator is not None and not _exists(
        cur,
        "SELECT 1 FROM indicators WHERE year = $y AND code = $c UNION ALL SELECT 1 FROM contents WHERE year = $y AND code = $c",
        {"y": scope.year, "c": scope.indicator},
    ):
        raise NoteError(t("note_bad_indicator", indicator=scope.indicator, year=scope.year))


def _exists(cur: Cursor, sql: str, params: dict[str, object]) -> bool:
    return cur.execute(sql, params).fetchone() is not None


def get(cur: Cursor, note_id: int) -> Scope:
    """The scope of note `note_id`; NoteError when there is none."""
    row = cur.execute("SELECT year, quarter, phase, unit_code, indicator FROM notes WHERE id = ?", [note_id]).fetchone()
    if row is None:
        raise NoteError(t("note_not_found", id=note_id))
    return Scope(*row)


def add(cur: Cursor, by: str, scope: Scope, text: str) -> int:
    """Store a new note (call inside a write transaction); returns its id."""
    check_scope(cur, scope)
    value = clean_text(text)
    row = cur.execute("SELECT nextval('note_ids')").fetchone()
    assert row is not None
    note_id = int(row[0])
    now = datetime.now()
    cur.execute(
        "INSERT INTO notes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [note_id, scope.year, scope.quarter, scope.phase, scope.unit_code, scope.indicator, value, by, now, by, now],
    )
    audit.record(cur, by, "note_add", str(note_id), {**scope.__dict__, "text": value})
    return note_id


def edit(cur: Cursor, by: str, note_id: int, text: str) -> None:
    """Replace a note's text; the old text stays in the audit trail."""
    old = cur.execute("SELECT text FROM notes WHERE id = ?", [note_id]).fetchone()
    if old is None:
        raise NoteError(t("note_not_found", id=note_id))
    value = clean_text(text)
    cur.execute("UPDATE notes SET text = ?, updated_by = ?, updated_at = ? WHERE id = ?", [value, by, datetime.now(), note_id])
    audit.record(cur, by, "note_edit", str(note_id), {"old": old[0], "text": value})


def remove(cur: Cursor, by: str, note_id: int) -> None:
    """Delete a note; its scope and text stay in the audit trail."""
    row = cur.execute("DELETE FROM notes WHERE id = ? RETURNING year, quarter, phase, unit_code, indicator, text", [note_id]).fetchone()
    if row is None:
        raise NoteError(t("note_not_found", id=note_id))
    audit.record(cur, by, "note_remove", str(note_id), {**Scope(*row[:5]).__dict__, "text": row[5]})


def list_notes(cur: Cursor, year: int | None = None) -> pd.DataFrame:
    """Every note (of one year), oldest first, in the columns of `note list`."""
    return cur.execute(
        """
        SELECT id, year, quarter, phase, unit_code, indicator, text, updated_by AS "by",
               date_trunc('second', updated_at) AS "at"
        FROM notes WHERE ? IS NULL OR year = ? ORDER BY id
        """,
        [year, year],
    ).df()


def for_year(cur: Cursor, year: int) -> pd.DataFrame:
    """The year's notes with what the charts need to place them: the quarters they cover (a phase's
    quarters from the campaign), the unit's short name and block, the indicator's content and label."""
    frame = cur.execute(
        """
        SELECT n.id, n.year, n.quarter, n.phase, n.unit_code, n.indicator, n.text, n.updated_by AS "by", n.updated_at AS "at",
               u.short_name AS unit_name, u.block AS unit_block, p.quarters AS phase_quarters,
               coalesce(i.content, c.code) AS content, coalesce(i.label, c.title) AS indicator_label
        FROM notes n
        LEFT JOIN unit_years u ON u.code = n.unit_code AND u.year = n.year
        LEFT JOIN phases p ON p.year = n.year AND p.number = n.phase
        LEFT JOIN indicators i ON i.year = n.year AND i.code = n.indicator
        LEFT JOIN contents c ON c.year = n.year AND c.code = n.indicator
        WHERE n.year = ?
        ORDER BY n.id
        """,
        [year],
    ).df()
    frame["quarters"] = [_quarters(q, p) for q, p in zip(frame["quarter"], frame["phase_quarters"], strict=True)]
    return frame.drop(columns="phase_quarters")


def _quarters(quarter: object, phase_quarters: object) -> tuple[int, ...]:
    if pd.notna(quarter):  # type: ignore[call-overload]
        return (int(quarter),)  # type: ignore[call-overload]
    if isinstance(phase_quarters, Iterable) and not isinstance(phase_quarters, str):
        return tuple(int(q) for q in phase_quarters)
    return (1, 2, 3, 4)


def matching(
    frame: pd.DataFrame, quarters: Iterable[int], *, codes: Iterable[str] | None = None, units: Iterable[str] | None = None
) -> pd.DataFrame:
    """The notes of `for_year` that a view covers: their quarters overlap the view's, their indicator
    is one the view shows (`codes`, indicator or content codes; None: any) or none, and their unit
    is one the view shows (None: any) or none (a note on the whole cluster)."""
    wanted = set(quarters)
    keep = frame["quarters"].map(lambda qs: bool(wanted & set(qs)))
    if codes is not None:
        keep &= frame["indicator"].isna() | frame["indicator"].isin(set(codes))
    if units is not None:
        keep &= frame["unit_code"].isna() | frame["unit_code"].isin(set(units))
    return frame[keep]
