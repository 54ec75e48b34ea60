"""Who wants a digest of which changes: an account follows a block or units. An account manages its
own subscriptions, the secretariat anyone's (the permission check is in analytics.trust.actions)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd

from analytics.labels import t
from analytics.store import Cursor

BLOCKS = ("STP", "THADS")
LIST_COLUMNS = ["id", "user", "email", "block", "unit_code", "created_at", "created_by"]


class SubscriptionError(ValueError):
    """A subscription that cannot be made or found; the message is Vietnamese."""


def check(cur: Cursor, user_name: str, block: str | None, units: Sequence[str]) -> None:
    """Refuse an unknown account, an account without an e-mail, an unknown block or unit."""
    row = cur.execute("SELECT email FROM users WHERE name = ?", [user_name]).fetchone()
    if row is None:
        raise SubscriptionError(t("auth_unknown_user", name=user_name[:64]))
    if not row[0]:
        raise SubscriptionError(t("digest_no_email", user=user_name))
    if (block is None) == (not units):
        raise SubscriptionError(t("digest_block_or_units"))
    if block is not None and block not in BLOCKS:
        raise SubscriptionError(t("digest_bad_block", block=block[:16], choices=", ".join(BLOCKS)))
    known = {r[0] for r in cur.execute("SELECT code FROM units WHERE code IN (SELECT unnest(?::VARCHAR[]))", [list(units)]).fetchall()}
    unknown = sorted(set(units) - known)
    if unknown:
        raise SubscriptionError(t("digest_unknown_units", units=", ".join(u[:32] for u in unknown)))


def add(cur: Cursor, user_name: str, block: str | None, units: Sequence[str], by: str) -> list[int]:
    """Insert what `user_name` does not follow yet; returns the new ids (none when all were there)."""
    check(cur, user_name, block, units)
    wanted = [(block, None)] if block is not None else [(None, code) for code in dict.fromkeys(units)]
    ids = []
    for wanted_block, unit in wanted:
        found = cur.execute(
            "SELECT 1 FROM subscriptions WHERE user_name = ? AND block IS NOT DISTINCT FROM ? AND unit_code IS NOT DISTINCT FROM ?",
            [user_name, wanted_block, unit],
        ).fetchone()
        if found:
            continue
        row = cur.execute("SELECT nextval('subscription_ids')").fetchone()
        assert row is not None
        cur.execute("INSERT INTO subscriptions VALUES (?, ?, ?, ?, ?, ?)", [int(row[0]), user_name, wanted_block, unit, datetime.now(), by])
        ids.append(int(row[0]))
    return ids


def owner(cur: Cursor, subscription_id: int) -> str:
    """The account a subscription belongs to; raises SubscriptionError when there is none such."""
    row = cur.execute("SELECT user_name FROM subscriptions WHERE id = ?", [int(subscription_id)]).fetchone()
    if row is None:
        raise SubscriptionError(t("digest_unknown_subscription", id=subscription_id))
    return str(row[0])


def listing(cur: Cursor, user_name: str | None = None) -> pd.DataFrame:
    """Every subscription (or one account's), with the account's address, oldest first."""
    return cur.execute(
        """
        SELECT s.id, s.user_name AS user, u.email, s.block, s.unit_code, s.created_at, s.created_by
        FROM subscriptions s LEFT JOIN users u ON u.name = s.user_name
        WHERE $user IS NULL OR s.user_name = $user ORDER BY s.id
        """,
        {"user": user_name},
    ).df()[LIST_COLUMNS]


def watchers(cur: Cursor) -> pd.DataFrame:
    """Subscriptions of accounts that exist and have an address: user_name, full_name, email, block, unit_code."""
    return cur.execute(
        """
        SELECT s.user_name, coalesce(u.full_name, '') AS full_name, u.email, s.block, s.unit_code
        FROM subscriptions s JOIN users u ON u.name = s.user_name
        WHERE u.email IS NOT NULL AND u.email <> '' ORDER BY s.user_name, s.id
        """
    ).df()


def any_watcher(cur: Cursor) -> bool:
    row = cur.execute("SELECT count(*) FROM subscriptions s JOIN users u ON u.name = s.user_name WHERE u.email IS NOT NULL").fetchone()
    return row is not None and int(row[0]) > 0
