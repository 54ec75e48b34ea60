"""Every change the command line and the pages make to the store goes through here, one path each:
check the permission, take a safety backup first when the change destroys something, commit, and
leave the trace in the audit trail (in the same transaction as the change)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from analytics import demo, notes
from analytics.bootstrap import sync_files
from analytics.config import Campaign, Criterion
from analytics.history import Applied, check_revertible, file_hash, revert
from analytics.ingest import awards, save, validate
from analytics.labels import t
from analytics.registry import Unit
from analytics.reporting import digests, subscriptions
from analytics.review import assessments, vote
from analytics.settings import Settings
from analytics.store import Cursor, Store
from analytics.trust import audit, backup
from analytics.trust.auth import Action, PermissionDenied, User, allowed_units, authorize, authorize_revert


def remove_demo(store: Store, actor: User | None, backups_root: Path) -> int:
    """Remove every demo value (after a backup); returns how many values went."""
    authorize(actor, Action.REMOVE_DEMO)
    assert actor is not None
    with store.reading() as cur:
        if not demo.has_demo(cur):
            return 0
    safety_backup(store, actor, backups_root, "before_demo_remove")
    return demo.remove(store, actor.name)


def load_demo(store: Store, actor: User | None, units: list[Unit], campaigns: dict[int, Campaign], now: datetime) -> bool:
    """Load the demo dataset unless the store already holds it; False when it did.

    The same right as removing it: demo values change what every unit's figures look like. Raises
    demo.RealFiguresError (nothing written) when the store holds or ever held real figures."""
    authorize(actor, Action.REMOVE_DEMO)
    with store.reading() as cur:
        if demo.has_demo(cur):
            return False
    demo.load(store, units, campaigns, now)
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
    return sync_files(store, settings, actor=actor.name)


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


def checked_years(checked: validate.Checked) -> set[int]:
    """Every year whose figures a checked batch would write."""
    years: set[int] = set()
    for f in checked.files:
        years |= {int(y) for y in f.values["year"]} | {int(y) for y in f.communes["year"]}
    return years


def commit_upload(
    store: Store,
    checked: validate.Checked,
    actor: User | None,
    *,
    backups_root: Path,
    replace_demo: bool = False,
    previewed: str | None = None,
    notifier: digests.Notifier | None = None,
) -> save.CommitResult:
    """Store a checked batch as `actor`: only units it may change; replacing the demo is an admin's
    decision and is preceded by a backup. Raises PermissionDenied, or save.ChangedSincePreview when
    the figures changed since the preview `previewed` fingerprints (nothing stored either way).
    With a `notifier`, subscribers of what changed get their digest once the batch is stored."""
    authorize(actor, Action.UPLOAD, checked_units(checked))
    assert actor is not None
    with store.reading() as cur:
        if previewed is not None and save.basis(cur, checked) != previewed:
            raise save.ChangedSincePreview()  # before the safety backup: nothing would be stored
        has_demo = replace_demo and demo.has_demo(cur)
    if has_demo:
        authorize(actor, Action.REMOVE_DEMO)
        safety_backup(store, actor, backups_root, "before_demo_remove")
    with digests.watching(store, notifier, checked_years(checked), actor.name, t("digest_cause_upload_generic")):
        units = allowed_units(actor)
        return save.commit(store, checked, by=actor.name, replace_demo=replace_demo, allowed_units=units, previewed=previewed)


def revert_upload(
    store: Store, upload_id: int, actor: User | None, *, backups_root: Path, notifier: digests.Notifier | None = None
) -> Applied:
    """Revert as `actor` (a unit user only its own unit's uploads), after a backup.

    Raises RevertError, before any backup, when the upload cannot be reverted: nothing would change."""
    with store.reading() as cur:
        authorize_revert(cur, actor, upload_id)
        check_revertible(cur, upload_id)
        years = {int(r[0]) for r in cur.execute("SELECT DISTINCT year FROM fact_history WHERE upload_id = ?", [upload_id]).fetchall()}
    assert actor is not None
    safety_backup(store, actor, backups_root, "before_revert")
    with digests.watching(store, notifier, years, actor.name, t("digest_cause_upload_generic")):
        return store.write(lambda c: revert(c, upload_id, actor.name))


# --- the year-end vote ---


def record_vote(store: Store, actor: User | None, year: int, result: vote.Result, *, source: str | None, raw: bytes | None = None) -> int:
    """Store a counted vote as `actor` (the secretariat), with its audit row; returns the vote's id."""
    authorize(actor, Action.RECORD_VOTE)
    assert actor is not None
    digest = file_hash(raw) if raw is not None else None

    def work(cur: Cursor) -> int:
        vote_id = vote.save(cur, year, result, by=actor.name, source=source, sha256=digest)
        detail = {"vote": vote_id, "voters": result.voters, "rule": result.rule, "passed": result.winners, "tied": result.tied,
                  "source": source, "sha256": digest}  # fmt: skip
        audit.record(cur, actor.name, "vote", f"{year}/{result.title.code}", detail)
        return vote_id

    return store.write(work)


# --- scoring as a process: self-assessment, review, lock ---


def self_assess(
    store: Store, actor: User | None, year: int, unit: str, criterion: Criterion, points: float, note: str,
    files: tuple[assessments.Evidence, ...] = (),
) -> int:  # fmt: skip
    """A unit's own points on a manual criterion (a unit account: its own unit only), with evidence."""
    authorize(actor, Action.SELF_ASSESS, [unit])
    assert actor is not None
    assessments.check_points(points, criterion.max_points, note)
    assessments.check_evidence(files)

    def work(cur: Cursor) -> int:
        step = assessments.add_step(cur, year, unit, criterion.code, "self", points, note, actor.name)
        assessments.add_evidence(cur, step, files)
        detail = {"year": year, "points": points, "note": note, "files": [{"name": f.name, "sha256": f.sha256} for f in files]}
        audit.record(cur, actor.name, "self_assess", f"{unit}/{criterion.code}", detail)
        return step

    return store.write(work)


def review_assessment(
    store: Store, actor: User | None, year: int, unit: str, criterion: Criterion, points: float | None, reason: str,
    *, notifier: digests.Notifier | None = None,
) -> int:  # fmt: skip
    """The secretariat accepts the unit's points (`points` None) or adjusts them, with a reason; the
    points that count may move a rank, which subscribers then hear of."""
    authorize(actor, Action.REVIEW_SCORES)
    assert actor is not None
    with store.reading() as cur:
        found = assessments.current(cur, year)
    mine = found[(found["unit_code"] == unit) & (found["criterion"] == criterion.code)]
    if mine.empty:
        raise assessments.AssessmentError(t("assess_nothing_to_review"))
    agreed = float(mine["self_points"].iloc[0]) if points is None else points
    assessments.check_points(agreed, criterion.max_points, reason or ("-" if points is None else ""))
    step = "accepted" if points is None else "adjusted"

    def work(cur: Cursor) -> int:
        step_id = assessments.add_step(cur, year, unit, criterion.code, step, agreed, reason, actor.name)
        audit.record(cur, actor.name, f"assessment_{step}", f"{unit}/{criterion.code}", {"year": year, "points": agreed, "reason": reason})
        return step_id

    with digests.watching(store, notifier, [year], actor.name, t("digest_cause_review", unit=unit, criterion=criterion.code)):
        return store.write(work)


def lock_scores(store: Store, actor: User | None, year: int) -> None:
    """Freeze the year's manual points: no self-assessment or review after this."""
    authorize(actor, Action.REVIEW_SCORES)
    assert actor is not None

    def work(cur: Cursor) -> None:
        assessments.lock(cur, year, actor.name)
        audit.record(cur, actor.name, "scores_locked", str(year))

    store.write(work)


# --- award history: the secretariat imports and edits it ---


def import_awards(store: Store, actor: User | None, checked: awards.Checked, source: str) -> int:
    """Replace the history of the units the checked file names; refused while it has problems."""
    authorize(actor, Action.EDIT_AWARDS)
    assert actor is not None and not checked.problems

    def work(cur: Cursor) -> int:
        count = awards.replace(cur, checked.rows, actor.name)
        units = sorted(set(checked.rows["unit_code"]))
        audit.record(cur, actor.name, "awards_import", source, {"rows": count, "units": units})
        return count

    return store.write(work)


def add_award(store: Store, actor: User | None, row: dict[str, object]) -> None:
    authorize(actor, Action.EDIT_AWARDS)
    assert actor is not None

    def work(cur: Cursor) -> None:
        awards.add(cur, row, actor.name)
        audit.record(cur, actor.name, "award_add", str(row["unit_code"]), row)

    store.write(work)


def remove_award(store: Store, actor: User | None, unit: str, year: int, title_code: str) -> int:
    authorize(actor, Action.EDIT_AWARDS)
    assert actor is not None

    def work(cur: Cursor) -> int:
        removed = awards.remove(cur, unit, year, title_code)
        audit.record(cur, actor.name, "award_remove", unit, {"year": year, "title_code": title_code, "removed": removed})
        return removed

    return store.write(work)


# --- notes on the charts: the secretariat on anything, a unit account only on its own unit ---


def _authorize_note(actor: User | None, unit_code: str | None) -> User:
    # A note without a unit speaks for the whole cluster: for a unit account that is "another unit".
    authorize(actor, Action.NOTE, [unit_code or t("note_whole_cluster")])
    assert actor is not None
    return actor


def add_note(store: Store, actor: User | None, scope: notes.Scope, text: str) -> int:
    """Pin a note; returns its id. Raises PermissionDenied or NoteError (nothing stored)."""
    user = _authorize_note(actor, scope.unit_code)
    return store.write(lambda cur: notes.add(cur, user.name, scope, text))


def edit_note(store: Store, actor: User | None, note_id: int, text: str) -> None:
    with store.reading() as cur:
        note = notes.get(cur, note_id)
    user = _authorize_note(actor, note.unit_code)
    store.write(lambda cur: notes.edit(cur, user.name, note_id, text))


def remove_note(store: Store, actor: User | None, note_id: int) -> None:
    with store.reading() as cur:
        note = notes.get(cur, note_id)
    user = _authorize_note(actor, note.unit_code)
    store.write(lambda cur: notes.remove(cur, user.name, note_id))


# --- change digests: who follows which block or units ---


def _authorize_subscriptions(actor: User | None, user_name: str) -> User:
    """An account manages its own subscriptions; the secretariat anyone's."""
    if actor is None:
        raise PermissionDenied(t("auth_login_to", action=t("action_subscribe")))
    if actor.role != "admin" and actor.name != user_name:
        raise PermissionDenied(t("digest_own_only", user=actor.name))
    return actor


def subscribe(store: Store, actor: User | None, user_name: str, *, block: str | None = None, units: tuple[str, ...] = ()) -> list[int]:
    """`user_name` follows a block or units (what it follows already is left as is); returns the new ids."""
    who = _authorize_subscriptions(actor, user_name)

    def work(cur: Cursor) -> list[int]:
        ids = subscriptions.add(cur, user_name, block, units, who.name)
        if ids:
            audit.record(cur, who.name, "subscribe", user_name, {"block": block, "units": list(units), "ids": ids})
        return ids

    return store.write(work)


def unsubscribe(store: Store, actor: User | None, subscription_id: int) -> None:
    """Remove one subscription (the account's own, or any for the secretariat)."""
    if actor is None:
        raise PermissionDenied(t("auth_login_to", action=t("action_subscribe")))

    def work(cur: Cursor) -> None:
        user_name = subscriptions.owner(cur, subscription_id)
        who = _authorize_subscriptions(actor, user_name)
        cur.execute("DELETE FROM subscriptions WHERE id = ?", [int(subscription_id)])
        audit.record(cur, who.name, "unsubscribe", user_name, {"id": int(subscription_id)})

    store.write(work)
