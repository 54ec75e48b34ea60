"""Commune registers: which communes each unit supports (NTM) or registered for "xóa nghèo pháp luật"."""

from __future__ import annotations

import pandas as pd

from analytics.labels import t
from analytics.store import Cursor

PROGRAMS = ("ntm", "xnpl")


def commune_list(cur: Cursor, year: int, program: str, block: str | None = None) -> pd.DataFrame:
    """The current register of `program` for `year`, one row per commune, ordered by unit.

    Columns: unit_code, short_name, name, block, commune, district, program, status, achieved_on,
    note, upload_id, is_demo.
    """
    if program not in PROGRAMS:
        raise ValueError(t("bad_program", program=program))
    return cur.execute(
        """
        SELECT c.unit_code, u.short_name, u.name, u.block, c.commune, c.district, c.program, c.status,
               c.achieved_on, c.note, c.upload_id, c.is_demo
        FROM communes c JOIN units u ON u.code = c.unit_code
        WHERE c.year = ? AND c.program = ? AND (? IS NULL OR u.block = ?)
        ORDER BY u.listing_order, c.commune COLLATE vi
        """,
        [year, program, block, block],
    ).df()


def replace_register(cur: Cursor, upload_id: int, rows: pd.DataFrame, *, is_demo: bool = False) -> int:
    """Replace the lists of every (unit_code, year, program) present in `rows` (inside a transaction).

    `rows` has columns unit_code, year, program, commune, district, status, achieved_on, note.
    The replaced rows go to commune_history under `upload_id`. Returns the number of rows written.
    """
    frame = rows[["unit_code", "year", "program", "commune", "district", "status", "achieved_on", "note"]].copy()
    cur.register("register_rows", frame)
    try:
        cur.execute(
            """
            CREATE OR REPLACE TEMP TABLE register_keys AS
            SELECT DISTINCT unit_code, CAST(year AS INTEGER) AS year, program FROM register_rows
            """
        )
        cur.execute(
            """
            INSERT INTO commune_history
            SELECT ?, c.unit_code, c.year, c.program, c.commune, c.district, c.status, c.achieved_on, c.note,
                   c.upload_id, c.is_demo
            FROM communes c JOIN register_keys k USING (unit_code, year, program)
            """,
            [upload_id],
        )
        cur.execute(
            "DELETE FROM communes c USING register_keys k WHERE c.unit_code = k.unit_code AND c.year = k.year AND c.program = k.program"
        )
        cur.execute(
            """
            INSERT INTO communes
            SELECT unit_code, CAST(year AS INTEGER), program, commune, district, status,
                   CAST(achieved_on AS DATE), note, ?, ?
            FROM register_rows
            """,
            [upload_id, is_demo],
        )
    finally:
        cur.unregister("register_rows")
    cur.execute("DROP TABLE register_keys")
    return len(frame)
