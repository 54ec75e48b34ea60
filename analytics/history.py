"""The single write path for results: every change is an upload, and what it replaced is kept."""

from __future__ import annotations

import getpass
import hashlib
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from analytics.labels import t
from analytics.store import Cursor
from analytics.trust import audit

VALUE_COLUMNS = ["unit_code", "year", "quarter", "indicator", "value"]
# Uploads of real figures; the first one marks the store for good (meta REAL_FIGURES_KEY), so demo
# data is never seeded into it again, even after every real value is reverted or deleted.
REAL_KINDS = ("results", "communes")
REAL_FIGURES_KEY = "held_real_figures"


@dataclass(frozen=True)
class Applied:
    upload_id: int
    new: int
    changed: int
    unchanged: int


def default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def file_hash(raw: bytes) -> str:
    """The SHA-256 an upload is recorded and recognised by."""
    return hashlib.sha256(raw).hexdigest()


def mark_if_real(cur: Cursor) -> None:
    """Mark the store, with the time of its first real upload, once its uploads include real figures;
    a mark already there stays as it is. Called by every real upload and by a restore."""
    cur.execute(
        "INSERT INTO meta SELECT ?, CAST(min(created_at) AS VARCHAR) FROM uploads WHERE kind IN (SELECT unnest(?)) AND NOT is_demo"
        " HAVING count(*) > 0 AND NOT EXISTS (SELECT 1 FROM meta WHERE key = ?)",
        [REAL_FIGURES_KEY, list(REAL_KINDS), REAL_FIGURES_KEY],
    )


def record_upload(
    cur: Cursor,
    *,
    kind: str,
    created_by: str,
    file_name: str | None = None,
    raw: bytes | None = None,
    n_rows: int | None = None,
    is_demo: bool = False,
    reverts: int | None = None,
    note: str | None = None,
    created_at: datetime | None = None,
) -> int:
    """Insert an uploads row and return its id (call inside a transaction). `created_at` is now,
    except for the demo, whose quarters are dated when a unit would have sent them so that a
    meeting's data cut-off has something to cut."""
    row = cur.execute("SELECT nextval('upload_ids')").fetchone()
    assert row is not None
    upload_id = int(row[0])
    sha = file_hash(raw) if raw is not None else None
    cur.execute(
        "INSERT INTO uploads (id, kind, created_at, created_by, file_name, sha256, n_rows, n_values, is_demo, reverts, raw, note)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
        [upload_id, kind, created_at or datetime.now(), created_by, file_name, sha, n_rows, is_demo, reverts, raw, note],
    )
    if kind in REAL_KINDS and not is_demo:
        mark_if_real(cur)
    # Every change to values passes here, so auditing here covers every upload, revert and demo change.
    detail = {"kind": kind, "reverts": reverts, "note": note}
    audit.record(cur, created_by, audit.UPLOAD_ACTIONS.get(kind, kind), file_name, detail, upload_id)
    return upload_id


def apply_values(cur: Cursor, upload_id: int, values: pd.DataFrame, *, is_demo: bool = False) -> Applied:
    """Upsert long values (unit_code, year, quarter, indicator, value) as `upload_id`.

    A NULL value deletes the key (used by revert). Unchanged values are not rewritten, so
    re-importing an identical file changes nothing; changed ones go to fact_history first.
    """
    staged = values[VALUE_COLUMNS].copy()
    cur.register("staged_df", staged)
    try:
        cur.execute(
            """
            CREATE OR REPLACE TEMP TABLE staged AS
            SELECT s.unit_code, CAST(s.year AS INTEGER) AS year, CAST(s.quarter AS INTEGER) AS quarter,
                   s.indicator, CAST(s.value AS DOUBLE) AS value,
                   f.value AS old_value, f.upload_id AS old_upload_id
            FROM staged_df s
            LEFT JOIN facts f
              ON f.unit_code = s.unit_code AND f.year = CAST(s.year AS INTEGER)
             AND f.quarter = CAST(s.quarter AS INTEGER) AND f.indicator = s.indicator
            WHERE s.value IS NOT NULL OR f.value IS NOT NULL
            """
        )
    finally:
        cur.unregister("staged_df")
    row = cur.execute(
        """
        SELECT count(*) FILTER (WHERE old_value IS NULL),
               count(*) FILTER (WHERE old_value IS NOT NULL AND value IS DISTINCT FROM old_value),
               count(*) FILTER (WHERE value IS NOT DISTINCT FROM old_value)
        FROM staged
        """
    ).fetchone()
    assert row is not None
    new, changed, unchanged = (int(x) for x in row)
    cur.execute("DELETE FROM staged WHERE value IS NOT DISTINCT FROM old_value")
    cur.execute(
        "INSERT INTO fact_history SELECT ?, unit_code, year, quarter, indicator, old_value, value, old_upload_id FROM staged",
        [upload_id],
    )
    cur.execute(
        """
        DELETE FROM facts f USING staged s
        WHERE f.unit_code = s.unit_code AND f.year = s.year AND f.quarter = s.quarter AND f.indicator = s.indicator
        """
    )
    cur.execute(
        "INSERT INTO facts SELECT unit_code, year, quarter, indicator, value, ?, ? FROM staged WHERE value IS NOT NULL",
        [upload_id, is_demo],
    )
    cur.execute("UPDATE uploads SET n_values = ? WHERE id = ?", [new + changed, upload_id])
    cur.execute("DROP TABLE staged")
    return Applied(upload_id, new, changed, unchanged)


# --- listing and revert ---

REVERTIBLE = ("results", "communes", "revert", "demo_remove")


class RevertError(ValueError):
    """An upload cannot be reverted; `code` picks the message in labels, `params` fill it."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def list_uploads(cur: Cursor, limit: int | None = None) -> pd.DataFrame:
    """Every upload, newest first, with whether (and by which upload) it has been reverted."""
    return cur.execute(
        """
        SELECT u.id, u.kind, u.created_at, u.created_by, u.file_name, u.sha256, u.n_rows, u.n_values, u.is_demo,
               u.reverts, u.note, r.id AS reverted_by
        FROM uploads u
        LEFT JOIN (SELECT reverts, max(id) AS id FROM uploads WHERE reverts IS NOT NULL GROUP BY reverts) r ON r.reverts = u.id
        ORDER BY u.id DESC
        LIMIT coalesce(?, 1000000000)
        """,
        [limit],
    ).df()


def _undone(cur: Cursor) -> set[int]:
    """Uploads cancelled out by a revert, together with that revert (their net effect is nothing)."""
    pairs = cur.execute("SELECT id, reverts FROM uploads WHERE reverts IS NOT NULL").fetchall()
    reverted = {int(r[1]) for r in pairs}
    out: set[int] = set()
    for rid, target in pairs:
        if int(rid) not in reverted:  # a revert that was itself reverted no longer cancels anything
            out.update({int(rid), int(target)})
    return out


def check_revertible(cur: Cursor, upload_id: int) -> None:
    """Raise RevertError when `upload_id` does not exist, cannot be reverted, was already reverted,
    or when a later upload changed one of the same keys (revert that one first): restoring then
    would silently undo it."""
    found = cur.execute("SELECT kind FROM uploads WHERE id = ?", [upload_id]).fetchall()
    if not found:
        raise RevertError("revert_unknown", id=upload_id)
    kind = str(found[0][0])
    if kind not in REVERTIBLE:
        raise RevertError("revert_kind", id=upload_id, kind=kind)
    done = cur.execute("SELECT id FROM uploads WHERE reverts = ?", [upload_id]).fetchall()
    undone = _undone(cur)
    if any(int(r[0]) in undone for r in done):
        raise RevertError("revert_twice", id=upload_id, by=int(done[-1][0]))
    if kind == "demo_remove":
        real = cur.execute("SELECT count(*) FROM facts WHERE NOT is_demo").fetchall()
        if real[0][0]:
            raise RevertError("revert_demo_mix", id=upload_id)
    later = cur.execute(
        """
        SELECT DISTINCT h.upload_id FROM fact_history h
        JOIN fact_history mine ON mine.upload_id = $1 AND mine.unit_code = h.unit_code AND mine.year = h.year
             AND mine.quarter = h.quarter AND mine.indicator = h.indicator
        WHERE h.upload_id > $1
        UNION
        SELECT DISTINCT h.upload_id FROM commune_history h
        JOIN (SELECT unit_code, year, program FROM commune_history WHERE upload_id = $1 OR old_upload_id = $1
              UNION SELECT unit_code, year, program FROM communes WHERE upload_id = $1) k USING (unit_code, year, program)
        WHERE h.upload_id > $1
        """,
        [upload_id],
    ).fetchall()
    blockers = sorted({int(r[0]) for r in later} - undone)
    if blockers:
        raise RevertError("revert_later", id=upload_id, later=", ".join(f"#{b}" for b in blockers))


def revert(cur: Cursor, upload_id: int, by: str) -> Applied:
    """Restore, for every key `upload_id` changed, the value before it, as a new 'revert' upload
    (refused as `check_revertible` says)."""
    check_revertible(cur, upload_id)
    new_id = record_upload(cur, kind="revert", created_by=by, reverts=upload_id, note=t("note_revert", id=upload_id))
    before = cur.execute(
        """
        SELECT h.unit_code, h.year, h.quarter, h.indicator, h.old_value AS value, coalesce(o.is_demo, false) AS was_demo
        FROM fact_history h LEFT JOIN uploads o ON o.id = h.old_upload_id
        WHERE h.upload_id = ?
        """,
        [upload_id],
    ).df()
    totals = Applied(new_id, 0, 0, 0)
    for flag in (False, True):
        part = before[before["was_demo"] == flag]
        if not part.empty:
            got = apply_values(cur, new_id, part, is_demo=flag)
            totals = Applied(new_id, totals.new + got.new, totals.changed + got.changed, totals.unchanged + got.unchanged)
    communes = _revert_communes(cur, upload_id, new_id)
    cur.execute("UPDATE uploads SET n_values = ? WHERE id = ?", [len(before) + communes, new_id])
    return Applied(new_id, totals.new, totals.changed + communes, totals.unchanged)


def _revert_communes(cur: Cursor, upload_id: int, new_id: int) -> int:
    """Put back the register rows `upload_id` replaced, for every (unit, year, program) it touched.

    The keys it touched are those it replaced (history rows under it), those it wrote that are still
    there, and those it wrote that a later upload replaced (history rows whose old_upload_id is it).
    """
    cur.execute(
        """
        CREATE OR REPLACE TEMP TABLE revert_keys AS
        SELECT unit_code, year, program FROM commune_history WHERE upload_id = $old OR old_upload_id = $old
        UNION SELECT unit_code, year, program FROM communes WHERE upload_id = $old
        """,
        {"old": upload_id},
    )
    keys = cur.execute("SELECT count(*) FROM revert_keys").fetchall()[0][0]
    if not keys:
        cur.execute("DROP TABLE revert_keys")
        return 0
    cur.execute(
        """
        INSERT INTO commune_history
        SELECT $new, c.unit_code, c.year, c.program, c.commune, c.district, c.status, c.achieved_on, c.note, c.upload_id, c.is_demo
        FROM communes c JOIN revert_keys k USING (unit_code, year, program)
        """,
        {"new": new_id},
    )
    cur.execute("DELETE FROM communes c USING revert_keys k WHERE c.unit_code = k.unit_code AND c.year = k.year AND c.program = k.program")
    cur.execute(
        """
        INSERT INTO communes
        SELECT unit_code, year, program, commune, district, status, achieved_on, note, $new, was_demo
        FROM commune_history WHERE upload_id = $old
        """,
        {"new": new_id, "old": upload_id},
    )
    cur.execute("DROP TABLE revert_keys")
    return int(keys)
