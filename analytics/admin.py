"""Administrative actions shared by the CLI and the admin page: each checks the permission, takes
a backup first when it destroys something, and leaves its trace in the audit trail."""

from __future__ import annotations

from pathlib import Path

from analytics import audit, backup, demo
from analytics.auth import Action, User, authorize
from analytics.bootstrap import _fingerprint, sync_configuration
from analytics.config import load_campaigns
from analytics.registry import load_units
from analytics.settings import Settings
from analytics.store import Cursor, Store


def remove_demo(store: Store, actor: User | None, backups_root: Path) -> int:
    """Remove every demo value (after a backup); returns how many values went."""
    authorize(actor, Action.REMOVE_DEMO)
    assert actor is not None
    if not demo.has_demo(store.cursor()):
        return 0
    backup.backup(store, None, actor=actor, root=backups_root, reason="before_demo_remove")
    return demo.remove(store, actor.name)


def reload_registry(store: Store, settings: Settings, actor: User | None) -> bool:
    """Re-read data/units.csv and the campaign files; True when something changed.

    Raises ConfigError (nothing changed) when a file is malformed.
    """
    authorize(actor, Action.RELOAD_REGISTRY)
    assert actor is not None
    units = load_units(settings.units_file)
    campaigns = load_campaigns(settings.campaigns_dir)
    return sync_configuration(store, units, campaigns, _fingerprint(settings), actor=actor.name)


def open_viewing(store: Store) -> bool:
    """Whether anyone may view without logging in (default: yes, leaders should not need an account)."""
    return store.get_meta("open_viewing") != "0"


def set_open_viewing(store: Store, actor: User | None, value: bool) -> None:
    authorize(actor, Action.SETTINGS)
    assert actor is not None

    def work(cur: Cursor) -> None:
        Store.set_meta(cur, "open_viewing", "1" if value else "0")
        audit.record(cur, actor.name, "setting", "open_viewing", {"value": bool(value)})

    store.write(work)


def unit_codes(cur: Cursor) -> list[str]:
    """Codes a 'unit' account can be bound to."""
    return [r[0] for r in cur.execute("SELECT code FROM units ORDER BY block, code").fetchall()]
