"""The permission matrix: every role × every action, through the core API and through the CLI.

Denied actions must change nothing; allowed ones must really happen.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from analytics import demo, export
from analytics.bootstrap import open_store
from analytics.cli import main
from analytics.settings import Settings
from analytics.store import Store
from analytics.trust import actions, auth, backup
from tests.support import OTHER, OWN, connection, make_settings, quarter_file, slow_except

ACTIONS = (
    "view",
    "upload_own",
    "upload_other",
    "revert_own",
    "revert_other",
    "manage_users",
    "backup",
    "restore",
    "reload_registry",
    "remove_demo",
    "view_audit",
    "settings",
    "register_own",
    "register_other",
    "review_registration",
    "send_mail",
)
EXPECTED = {
    "anonymous": {"view"},
    "viewer": {"view"},
    "unit": {"view", "upload_own", "revert_own", "register_own"},
    "admin": set(ACTIONS),
    "cli": set(ACTIONS),
}


def make_users(store: Store) -> dict[str, auth.User | None]:
    root = auth.system_user("test")
    return {
        "anonymous": None,
        "viewer": auth.add_user(store, root, "lanhdao", "viewer", "mat khau lanh dao"),
        "unit": auth.add_user(store, root, "tp.qn", "unit", "mat khau don vi", unit_code=OWN),
        "admin": auth.add_user(store, root, "thuky", "admin", "mat khau thu ky"),
        "cli": root,
    }


def test_authorize_matrix_matches_the_table() -> None:
    principals = {
        "anonymous": None,
        "viewer": auth.User("v", "viewer"),
        "unit": auth.User("u", "unit", OWN),
        "admin": auth.User("a", "admin"),
        "cli": auth.system_user("x"),
    }
    scoped = {
        "upload_own": (auth.Action.UPLOAD, [OWN]),
        "upload_other": (auth.Action.UPLOAD, [OWN, OTHER]),
        "revert_own": (auth.Action.REVERT, [OWN]),
        "revert_other": (auth.Action.REVERT, [OTHER]),
        "register_own": (auth.Action.REGISTER, [OWN]),
        "register_other": (auth.Action.REGISTER, [OTHER]),
    }
    for role, user in principals.items():
        for name in ACTIONS:
            action, units = scoped[name] if name in scoped else (auth.Action(name), [])
            assert auth.can(user, action, units) == (name in EXPECTED[role]), (role, name)
    assert not auth.can(None, auth.Action.VIEW, open_viewing=False)  # closed viewing needs an account
    assert auth.can(auth.User("v", "viewer"), auth.Action.VIEW, open_viewing=False)
    assert not auth.can(auth.User("u", "unit", None), auth.Action.UPLOAD, [OWN])  # a unit user without a unit changes nothing


@pytest.fixture
def settings_with_users(tmp_path: Path, open_ready_store: Callable[..., Store]) -> Iterator[tuple[Settings, dict[str, auth.User | None]]]:
    settings = make_settings(tmp_path)
    store = open_ready_store(settings)
    users = make_users(store)
    yield settings, users


def _real_actions(store: Store, settings: Settings, first_backup: Path) -> dict[str, Callable[[auth.User | None], object]]:
    """The core functions behind each administrative action (uploads are checked through authorize)."""
    return {
        "manage_users": lambda u: auth.add_user(store, u, "new.user", "viewer", "mat khau moi 1"),
        "backup": lambda u: backup.backup(store, None, actor=u, root=settings.backups_root),
        "restore": lambda u: actions.restore_backup(store, u, first_backup, backups_root=settings.backups_root),
        "reload_registry": lambda u: (_files_changed(store), actions.reload_registry(store, settings, u)),
        "remove_demo": lambda u: actions.remove_demo(store, u, settings.backups_root),
        "settings": lambda u: actions.set_open_viewing(store, u, False),
    }


def _files_changed(store: Store) -> None:
    """Pretend data/units.csv was edited, so a reload has something to do."""
    store.write(lambda cur: Store.set_meta(cur, "config_fingerprint", "edited"))


def _state(store: Store, settings: Settings) -> tuple:
    cur = connection(store)
    return (
        export.export_csv(cur),
        auth.list_users(cur)["name"].tolist(),
        len(backup.list_backups(settings.backups_root)),
        actions.open_viewing(store),
        cur.execute("SELECT count(*) FROM audit").fetchone(),
    )


@pytest.mark.parametrize("role", slow_except(EXPECTED, "unit"))
def test_core_api_refuses_and_changes_nothing_or_does_it(settings_with_users, role: str) -> None:  # type: ignore[no-untyped-def]
    settings, users = settings_with_users
    store = open_store(settings)
    first = backup.backup(store, None, actor=users["admin"], root=settings.backups_root).path
    user = users[role]
    for name, run in _real_actions(store, settings, first).items():
        before = _state(store, settings)
        if name in EXPECTED[role]:
            run(user)
            assert _state(store, settings) != before, (role, name)
        else:
            with pytest.raises(auth.PermissionDenied):
                run(user)
            assert _state(store, settings) == before, (role, name)


# --- the same matrix through `python -m analytics` (in-process: argument parsing, handlers, exit codes) ---

CLI_COMMANDS = {
    "manage_users": (["user", "add", "cli.new", "--role", "viewer"], "mat khau moi 12\n"),
    "list_users": (["user", "list"], ""),
    "unlock_user": (["user", "unlock", "lanhdao"], ""),
    "backup": (["backup"], ""),
    "schedule": (["backup", "--every", "6"], ""),
    "view_audit": (["audit"], ""),
    "remove_demo": (["demo", "--remove"], ""),
    "restore": (["restore", "{backup}"], ""),
}
CLI_ALLOWED = {"viewer": set(), "unit": set(), "admin": set(CLI_COMMANDS), "cli": set(CLI_COMMANDS)}


def run_cli(monkeypatch: pytest.MonkeyPatch, settings: Settings, args: list[str], stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setenv("THIDUA_DB", str(settings.db_path))
    monkeypatch.setenv("THIDUA_DEMO", "1" if settings.load_demo_when_new else "0")
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    code = main(args)
    monkeypatch.undo()
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("role", slow_except(CLI_ALLOWED, "unit"))
def test_cli_matrix_with_as_user(settings_with_users, monkeypatch: pytest.MonkeyPatch, role: str) -> None:  # type: ignore[no-untyped-def]
    settings, users = settings_with_users
    store = open_store(settings)
    first = backup.backup(store, None, actor=users["admin"], root=settings.backups_root).path
    narrow = [] if role == "cli" else ["--as-user", users[role].name]  # type: ignore[union-attr]
    for name, (args, stdin) in CLI_COMMANDS.items():
        argv = [a.replace("{backup}", str(first)) for a in args] + narrow
        code, _out, err = run_cli(monkeypatch, settings, argv, stdin)
        if name in CLI_ALLOWED[role]:
            assert code == 0, (role, name, err)
        else:
            assert code == 1, (role, name, code, err)
            assert "Từ chối" in err and "Traceback" not in err
    store = open_store(settings)
    names = auth.list_users(connection(store))["name"].tolist()
    assert ("cli.new" in names) == ("manage_users" in CLI_ALLOWED[role])
    assert demo.has_demo(connection(store)) == ("remove_demo" not in CLI_ALLOWED[role] or "restore" in CLI_ALLOWED[role])


def test_cli_unknown_as_user_is_refused(settings_with_users, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    settings, _ = settings_with_users
    code, _, err = run_cli(monkeypatch, settings, ["backup", "--as-user", "nobody"])
    assert code == 1 and "nobody" in err


def test_revert_is_scoped_to_the_units_an_upload_touched(empty_store: Store) -> None:
    import pandas as pd

    from analytics.history import apply_values, record_upload

    cols = ["unit_code", "year", "quarter", "indicator", "value"]

    def upload(rows: list[list[object]]) -> int:
        def work(cur):  # type: ignore[no-untyped-def]
            upload_id = record_upload(cur, kind="results", created_by="t", file_name="f.csv", raw=b"x")
            apply_values(cur, upload_id, pd.DataFrame(rows, columns=cols))
            return upload_id

        return empty_store.write(work)

    own = upload([[OWN, 2016, 1, "xa_ntm", 2.0]])
    mixed = upload([[OWN, 2016, 2, "xa_ntm", 2.0], [OTHER, 2016, 2, "xa_ntm", 3.0]])
    unit = auth.User("tp.qn", "unit", OWN)
    cur = connection(empty_store)
    assert auth.upload_units(cur, mixed) == {OWN, OTHER}
    auth.authorize_revert(cur, unit, own)
    with pytest.raises(auth.PermissionDenied, match=OTHER):
        auth.authorize_revert(cur, unit, mixed)
    auth.authorize_revert(cur, auth.User("a", "admin"), mixed)
    with pytest.raises(auth.PermissionDenied):
        auth.authorize_revert(cur, auth.User("v", "viewer"), own)


def test_a_revert_that_would_be_refused_takes_no_backup(empty_store: Store, tmp_path: Path) -> None:
    import pandas as pd

    from analytics.history import RevertError, apply_values, record_upload

    def work(cur):  # type: ignore[no-untyped-def]
        upload_id = record_upload(cur, kind="results", created_by="t", file_name="f.csv", raw=b"x")
        apply_values(
            cur, upload_id, pd.DataFrame([[OWN, 2016, 1, "xa_ntm", 2.0]], columns=["unit_code", "year", "quarter", "indicator", "value"])
        )
        return upload_id

    upload_id = empty_store.write(work)
    admin, root = auth.User("a", "admin"), tmp_path / "backups"
    actions.revert_upload(empty_store, upload_id, admin, backups_root=root)
    backups = len(backup.list_backups(root))
    assert backups == 1  # the revert that happened was backed up first
    for refused in (upload_id, 999):  # already reverted; no such upload
        with pytest.raises(RevertError):
            actions.revert_upload(empty_store, refused, admin, backups_root=root)
    assert len(backup.list_backups(root)) == backups


# --- uploads and reverts through the real ingest ---------------------------------------------------


UPLOAD_EXPECTED = {
    "anonymous": (False, False),
    "viewer": (False, False),
    "unit": (True, False),
    "admin": (True, True),
    "cli": (True, True),
}  # (own unit's file, a file with another unit's rows)


@pytest.mark.parametrize("role", slow_except(UPLOAD_EXPECTED, "unit"))
def test_upload_and_revert_through_the_ingest(tmp_path: Path, open_ready_store: Callable[..., Store], role: str) -> None:
    from analytics.ingest import validate
    from analytics.ingest.readers import source_from_path

    store = open_ready_store(make_settings(tmp_path, demo=False))
    users = make_users(store)
    user = users[role]
    own, mixed = quarter_file(tmp_path, [OWN]), quarter_file(tmp_path, [OWN, OTHER])
    first = validate.check(connection(store), [source_from_path(quarter_file(tmp_path, [OTHER], 1))])
    admin_upload = actions.commit_upload(store, first, users["admin"], backups_root=tmp_path)
    other_id = admin_upload.stored[0].upload_id
    for path, allowed in zip((own, mixed), UPLOAD_EXPECTED[role], strict=True):
        before = export.export_csv(connection(store))
        checked = validate.check(connection(store), [source_from_path(path)], allowed_units=auth.allowed_units(user))
        assert checked.ok == allowed, (role, path.name, [p.text() for p in checked.problems][:3])
        if not allowed:
            assert any(p.code == "unit_not_allowed" for p in checked.problems) or user is None
            unchecked = validate.check(connection(store), [source_from_path(path)])  # even a batch checked without limits is refused
            with pytest.raises(auth.PermissionDenied):
                actions.commit_upload(store, unchecked, user, backups_root=tmp_path)
            assert export.export_csv(connection(store)) == before
            continue
        result = actions.commit_upload(store, checked, user, backups_root=tmp_path)
        upload_id = result.stored[0].upload_id
        assert export.export_csv(connection(store)) != before
        trail = connection(store).execute("SELECT actor, action FROM audit WHERE upload_id = ?", [upload_id]).fetchall()
        assert trail == [(user.name, "upload")]  # type: ignore[union-attr]
        actions.revert_upload(store, upload_id, user, backups_root=tmp_path)  # its own upload: allowed
        assert export.export_csv(connection(store)) == before
    may_revert_other = role in ("admin", "cli")
    if may_revert_other:
        actions.revert_upload(store, other_id, user, backups_root=tmp_path)
    else:
        with pytest.raises(auth.PermissionDenied):
            actions.revert_upload(store, other_id, user, backups_root=tmp_path)
    assert ("before_revert" in {b.reason for b in backup.list_backups(tmp_path)}) == (role in ("unit", "admin", "cli"))


@pytest.mark.slow  # seconds of CLI runs; test_cli_write_path refuses a unit its import --as-user quickly
def test_cli_import_and_revert_as_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, open_ready_store: Callable[..., Store]) -> None:
    settings = make_settings(tmp_path, demo=False)
    store = open_ready_store(settings)
    users = make_users(store)
    own, mixed, other = quarter_file(tmp_path, [OWN]), quarter_file(tmp_path, [OWN, OTHER]), quarter_file(tmp_path, [OTHER], 1)

    def export_now() -> str:
        return run_cli(monkeypatch, settings, ["export"])[1]

    assert run_cli(monkeypatch, settings, ["import", str(other)])[0] == 0  # the CLI itself acts as admin
    other_id = 1
    before = export_now()
    code, _out, err = run_cli(monkeypatch, settings, ["import", str(mixed), "--as-user", "tp.qn"])
    assert code == 1 and OTHER in err and "không được tải số liệu của đơn vị này" in err
    assert export_now() == before  # nothing stored
    for name in ("lanhdao",):
        assert run_cli(monkeypatch, settings, ["import", str(own), "--as-user", name])[0] == 1
    assert export_now() == before
    code, _out, err = run_cli(monkeypatch, settings, ["import", str(own), "--as-user", "tp.qn"])
    assert code == 0, err
    assert export_now() != before
    code, _out, err = run_cli(monkeypatch, settings, ["revert", str(other_id), "--as-user", "tp.qn"])
    assert code == 1 and "Từ chối" in err
    assert run_cli(monkeypatch, settings, ["revert", str(other_id), "--as-user", "lanhdao"])[0] == 1
    history = run_cli(monkeypatch, settings, ["history"])[1]
    own_id = int(next(line for line in history.splitlines() if "tp.qn" in line).split("\t")[0].lstrip("#"))
    assert run_cli(monkeypatch, settings, ["revert", str(own_id), "--as-user", "tp.qn"])[0] == 0
    assert export_now() == before
    assert run_cli(monkeypatch, settings, ["revert", str(other_id), "--as-user", "thuky"])[0] == 0
    trail = run_cli(monkeypatch, settings, ["audit"])[1]
    assert trail.count('"tp.qn","revert"') == 1 and trail.count('"tp.qn","upload"') == 1 and '"thuky","revert"' in trail
    assert users["unit"] is not None
