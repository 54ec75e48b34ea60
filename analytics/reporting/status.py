"""Who reported each quarter, and when: on time, late (by how many days), missing, revised after the
deadline — read from the upload history, never from a flag someone sets.

A quarter counts as sent by the first results upload that wrote one of the unit's values for it; a later
upload that changed a value after the deadline makes an on-time quarter "revised". Demo values are not
submissions and are left out. Dates are compared in the server's local time, as uploads are stamped.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from analytics.reporting.deadlines import Calendar
from analytics.store import Cursor

STATUSES = ("on_time", "late", "revised", "missing", "pending", "reported")
# on_time: first sent by the deadline; late: first sent after it; revised: on time, changed after it;
# missing: nothing held and the deadline passed; pending: nothing yet, deadline not passed (or none set);
# reported: sent, and the year sets no deadline for the quarter.
SENT = ("on_time", "late", "revised", "reported")
CSV_COLUMNS = ["unit_code", "unit", "quarter", "status", "uploaded_at", "days_late"]


def submissions(cur: Cursor, year: int, quarters: list[int], block: str | None = None) -> pd.DataFrame:
    """One row per active unit and quarter, units in the order every list shows them (units.listing_order):
    first and last upload that wrote its values, and whether values are held now (a reverted quarter is
    held no more)."""
    return cur.execute(
        """
        WITH active AS (
            SELECT y.code, y.name, y.short_name, y.block, u.listing_order FROM unit_years y JOIN units u USING (code)
            WHERE y.year = $year AND ($block IS NULL OR y.block = $block)
        ),
        wanted AS (SELECT unnest($quarters::INTEGER[]) AS quarter),
        sent AS (
            SELECT h.unit_code, h.quarter, min(u.created_at) AS first_at, max(u.created_at) AS last_at
            FROM fact_history h JOIN uploads u ON u.id = h.upload_id
            WHERE h.year = $year AND u.kind = 'results' AND NOT u.is_demo AND h.new_value IS NOT NULL
            GROUP BY ALL
        ),
        held AS (SELECT DISTINCT unit_code, quarter FROM facts WHERE year = $year AND NOT is_demo)
        SELECT a.code AS unit_code, a.short_name AS unit, a.name AS unit_name, a.block, w.quarter,
               s.first_at, s.last_at, h.unit_code IS NOT NULL AS held
        FROM active a CROSS JOIN wanted w
        LEFT JOIN sent s ON s.unit_code = a.code AND s.quarter = w.quarter
        LEFT JOIN held h ON h.unit_code = a.code AND h.quarter = w.quarter
        ORDER BY a.listing_order, w.quarter
        """,
        {"year": int(year), "quarters": [int(q) for q in quarters], "block": block},
    ).df()


def _status(row: pd.Series, deadline: date | None, today: date) -> tuple[str, int | None]:
    if not row["held"] or pd.isna(row["first_at"]):
        return ("missing" if deadline is not None and today > deadline else "pending"), None
    if deadline is None:
        return "reported", None
    first = pd.Timestamp(row["first_at"]).date()
    if first > deadline:
        return "late", (first - deadline).days
    if pd.Timestamp(row["last_at"]).date() > deadline:
        return "revised", None
    return "on_time", None


def status_board(cur: Cursor, calendar: Calendar, today: date, *, quarter: int | None = None, block: str | None = None) -> pd.DataFrame:
    """Per active unit and quarter: status, deadline, first upload, last change and days late."""
    quarters = [quarter] if quarter else [1, 2, 3, 4]
    frame = submissions(cur, calendar.year, quarters, block)
    frame["deadline"] = frame["quarter"].map(lambda q: calendar.deadline(int(q)))
    judged = [_status(row, row["deadline"], today) for _, row in frame.iterrows()]
    frame["status"] = [s for s, _ in judged]
    frame["days_late"] = pd.array([d for _, d in judged], dtype="Int64")
    frame["uploaded_at"] = frame["first_at"].where(frame["held"])
    frame["revised_at"] = frame["last_at"].where(frame["status"] == "revised")
    return frame[
        ["unit_code", "unit", "unit_name", "block", "quarter", "deadline", "status", "uploaded_at", "revised_at", "days_late"]
    ].reset_index(drop=True)


def status_csv_frame(board: pd.DataFrame) -> pd.DataFrame:
    """The `status` command's columns: codes as they are, times to the minute."""
    out = board[CSV_COLUMNS].copy()
    out["uploaded_at"] = out["uploaded_at"].map(lambda v: "" if pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%d %H:%M"))
    return out


def punctuality(board: pd.DataFrame) -> pd.DataFrame:
    """Per unit over the quarters shown: how many were due, on time (revised ones were on time), late,
    missing, the days late in total, and the share on time of those due."""
    due = board[board["status"] != "pending"]
    counts = pd.crosstab(due["unit_code"], due["status"]).reindex(columns=list(STATUSES), fill_value=0)
    units = board.drop_duplicates("unit_code").set_index("unit_code")[["unit", "block"]]
    out = units.join(counts).fillna(0)
    for column in STATUSES:
        out[column] = out[column].astype(int)
    out["due"] = out[["on_time", "late", "revised", "missing"]].sum(axis=1)
    out["days_late"] = due.groupby("unit_code")["days_late"].sum().reindex(out.index).fillna(0).astype(int)
    on_time = out["on_time"] + out["revised"]
    out["on_time_share"] = (on_time / out["due"].where(out["due"] > 0)) * 100
    return out.reset_index()[["unit_code", "unit", "block", "due", "on_time", "revised", "late", "missing", "days_late", "on_time_share"]]


def not_reported(board: pd.DataFrame) -> list[str]:
    """Units with nothing held for the quarter(s) shown: missing, or not yet sent before the deadline."""
    return board.loc[~board["status"].isin(SENT), "unit_code"].drop_duplicates().tolist()
