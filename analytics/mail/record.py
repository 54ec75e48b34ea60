"""When something was last mailed: the audit trail is the record, so a sending survives a restart
and shows in the trail like every other change."""

from __future__ import annotations

from datetime import datetime

from analytics.store import Cursor


def last_recorded(cur: Cursor, action: str, target: str) -> datetime | None:
    """The latest audit row of `action` on `target`, or None."""
    row = cur.execute("SELECT max(happened_at) FROM audit WHERE action = ? AND target = ?", [action, target]).fetchone()
    return None if row is None else row[0]
