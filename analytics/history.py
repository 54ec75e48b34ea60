"""The single write path for results: every change is an upload, and what it replaced is kept."""

from __future__ import annotations

import getpass
import hashlib
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from analytics import audit
from analytics.store import Cursor

VALUE_COLUMNS = ["unit_code", "year", "quarter", "indicator", "value"]


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
) -> int:
    """Insert an uploads row and return its id (call inside a transaction)."""
    row = cur.execute("SELECT nextval('upload_ids')").fetchone()
    assert row is not None
    upload_id = int(row[0])
    sha = hashlib.sha256(raw).hexdigest() if raw is not None else None
    cur.execute(
        "INSERT INTO uploads (id, kind, created_at, created_by, file_name, sha256, n_rows, n_values, is_demo, reverts, raw, note)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
        [upload_id, kind, datetime.now(), created_by, file_name, sha, n_rows, is_demo, reverts, raw, note],
    )
    # Every change to values passes here, so every upload, revert and demo change is audited (issue 6).
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
