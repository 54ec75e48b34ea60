"""The audit trail: who changed what, and when.

Every write path records one row in the same transaction as the change, so a change without its
trace cannot commit. The table is append-only: nothing here (or anywhere) updates or deletes it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pandas as pd

from analytics.labels import TEXT, t
from analytics.store import Cursor

# The audit action `record_upload` writes for each kind of upload, so the trail names what happened.
UPLOAD_ACTIONS = {
    "results": "upload",
    "communes": "upload_communes",
    "revert": "revert",
    "demo": "demo_load",
    "demo_remove": "demo_remove",
}


def record(
    cur: Cursor,
    actor: str,
    action: str,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
    upload_id: int | None = None,
) -> int:
    """Append one audit row (call inside the transaction that makes the change)."""
    row = cur.execute("SELECT nextval('audit_ids')").fetchone()
    assert row is not None
    audit_id = int(row[0])
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str) if detail else None
    cur.execute(
        "INSERT INTO audit (id, happened_at, actor, action, target, detail, upload_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [audit_id, datetime.now(), actor, action, target, text, upload_id],
    )
    return audit_id


def trail(cur: Cursor, *, limit: int = 5000, actor: str | None = None, action: str | None = None) -> pd.DataFrame:
    """Newest first, with the upload's counts where the row is an upload."""
    return cur.execute(
        """
        SELECT a.id, a.happened_at, a.actor, a.action, a.target, a.detail, a.upload_id, u.n_values
        FROM audit a LEFT JOIN uploads u ON u.id = a.upload_id
        WHERE ($actor IS NULL OR a.actor = $actor) AND ($action IS NULL OR a.action = $action)
        ORDER BY a.id DESC
        LIMIT $limit
        """,
        {"actor": actor, "action": action, "limit": int(limit)},
    ).df()


def action_label(action: str, lang: str = "vi") -> str:
    key = "audit_" + action
    return t(key, lang) if key in TEXT else action


def for_display(frame: pd.DataFrame) -> pd.DataFrame:
    """The trail with Vietnamese headers and action names, user text kept as plain values."""
    return pd.DataFrame(
        {
            t("trail_col_id"): frame["id"],
            t("trail_col_when"): frame["happened_at"].map(fmt_seconds),
            t("trail_col_actor"): frame["actor"],
            t("trail_col_action"): frame["action"].map(action_label),
            t("trail_col_target"): frame["target"].fillna(""),
            t("trail_col_detail"): frame["detail"].fillna(""),
            t("trail_col_upload"): frame["upload_id"].astype("Int64"),
            t("trail_col_values"): frame["n_values"].astype("Int64"),
        }
    )


def fmt_seconds(value: object) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%d/%m/%Y %H:%M:%S")
