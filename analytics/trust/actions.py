"""Every change the command line and the pages make to the store goes through here, one path each:
check the permission, take a safety backup first when the change destroys something, commit, and
leave the trace in the audit trail (in the same transaction as the change)."""

from __future__ import annotations

from pathlib import Path

from analytics import demo
from analytics.bootstrap import _fingerprint, sync_configuration
from analytics.config import Campaign, load_campaigns
from analytics.history import Applied, check_revertible, revert
from analytics.ingest import save, validate
from analytics.registry import Unit, load_units
from analytics.settings import Settings
from analytics.store import Cursor, Store
from analytics.trust import audit, backup
from analytics.trust.auth import Action, User, allowed_units, authorize, authorize_revert


def remove_demo(store: Store, actor: User | None, backups_root: Path) -> int:
    """Remove every demo value (after a backup); returns how many values went."""
    authorize(actor, Action.REMOVE_DEMO)
    assert actor is not None
    with store.reading() as cur:
        if not demo.has_demo(cur):
            return 0
    safety_backup(store, actor, backups_root, "before_demo_remove")
    return demo.remove(store, actor.name)


def load_demo(store: Store, actor: User | None, units: list[Unit], campaigns: dict[int, Campaign]) -> bool:
    """Load the demo dataset unless the store already holds it; False when it did.

    The same right as removing it: demo values change what every unit's figures look like. Raises
    demo.RealFiguresError (nothing written) when the store holds or ever held real figures."""
    authorize(actor, Action.REMOVE_DEMO)
    with store.reading() as cur:
        if demo.has_demo(cur):
            return False
    demo.load(store, units, campaigns)
    return True


def restore_backup(store: Store, actor: User | None, folder: Path, *, backups_root: Path, include_users: bool = False) -> backup.BackupInfo:
    """Bring the data back to the backup in `folder`; returns the backup of the state before it.

    `backup.restore` itself checks the right, backs the current state up and records the restore;
    it is offered here with the other destructive actions that the admin page and the CLI share."""
    return backup.restore(store, folder, actor=actor, root=backups_root, include_users=include_users)


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


# --- uploads and reverts: a unit account only for its own unit, after a safety backup ---


def _automatic(actor: User) -> User:
    """Automatic backups are taken by the system on behalf of whoever triggered them."""
    return User(f"auto:{actor.name}", "admin", system=True)


def safety_backup(store: Store, actor: User, backups_root: Path, reason: str) -> backup.BackupInfo:
    info = backup.backup(store, None, actor=_automatic(actor), root=backups_root, reason=reason)
    backup.prune(backups_root)
    return info


def checked_units(checked: validate.Checked) -> set[str]:
    """Every unit whose rows a checked batch would write."""
    units: set[str] = set()
    for f in checked.files:
        units |= set(f.values["unit_code"]) | set(f.communes["unit_code"])
    return units


def commit_upload(
    store: Store, checked: validate.Checked, actor: User | None, *, backups_root: Path, replace_demo: bool = False
) -> save.CommitResult:
    """Store a checked batch as `actor`: only units it may change; replacing the demo is an admin's
    decision and is preceded by a backup. Raises PermissionDenied (nothing stored)."""
    authorize(actor, Action.UPLOAD, checked_units(checked))
    assert actor is not None
    if replace_demo:
        with store.reading() as cur:
            has_demo = demo.has_demo(cur)
        if has_demo:
            authorize(actor, Action.REMOVE_DEMO)
            safety_backup(store, actor, backups_root, "before_demo_remove")
    return save.commit(store, checked, by=actor.name, replace_demo=replace_demo, allowed_units=allowed_units(actor))


def revert_upload(store: Store, upload_id: int, actor: User | None, *, backups_root: Path) -> Applied:
    """Revert as `actor` (a unit user only its own unit's uploads), after a backup.

    Raises RevertError, before any backup, when the upload cannot be reverted: nothing would change."""
    with store.reading() as cur:
        authorize_revert(cur, actor, upload_id)
        check_revertible(cur, upload_id)
    assert actor is not None
    safety_backup(store, actor, backups_root, "before_revert")
    return store.write(lambda c: revert(c, upload_id, actor.name))
