"""The command line writes through the same `analytics.trust.actions` functions as the pages:
authorise, safety backup, commit, audit — in-process, so the calls themselves can be watched."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from analytics import export
from analytics.bootstrap import open_store
from analytics.cli import main
from analytics.history import default_user
from analytics.settings import Settings
from analytics.store import Store
from analytics.trust import actions, audit, auth, backup
from tests.support import OTHER, OWN, connection, make_settings, quarter_file


def run(monkeypatch: pytest.MonkeyPatch, settings: Settings, *args: str) -> int:
    monkeypatch.setenv("THIDUA_DB", str(settings.db_path))
    monkeypatch.setenv("THIDUA_DEMO", "1" if settings.load_demo_when_new else "0")
    monkeypatch.setattr("getpass.getuser", lambda: "thu-ky")  # the OS account the CLI acts as, cli:thu-ky
    return main(list(args))


def watch(monkeypatch: pytest.MonkeyPatch, name: str) -> list[auth.User]:
    """Record the acting user of every call to `actions.<name>`, still running the real function."""
    real: Callable[..., object] = getattr(actions, name)
    actors: list[auth.User] = []

    def spy(store, *args, **kwargs):  # type: ignore[no-untyped-def]
        actors.append(next(a for a in (*args, *kwargs.values()) if isinstance(a, auth.User)))
        return real(store, *args, **kwargs)

    monkeypatch.setattr(actions, name, spy)
    return actors


def backups(settings: Settings) -> list[tuple[str, str]]:
    return sorted((b.reason, b.created_by) for b in backup.list_backups(settings.backups_root))


def trail(settings: Settings) -> list[tuple[str, str]]:
    store = open_store(settings)
    frame = audit.trail(connection(store))
    return list(zip(frame["actor"], frame["action"], strict=True))


def stored(settings: Settings) -> str:
    store = open_store(settings)
    return export.export_csv(connection(store))


def test_import_replace_demo_backs_up_and_audits_through_the_pages_action(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], open_ready_store: Callable[..., Store]
) -> None:
    settings = make_settings(tmp_path)
    store = open_ready_store(settings)
    auth.add_user(store, auth.system_user("test"), "tp.qn", "unit", "mat khau don vi", unit_code=OWN)
    committed = watch(monkeypatch, "commit_upload")
    mixed = quarter_file(tmp_path, [OWN, OTHER])

    before = stored(settings)
    assert run(monkeypatch, settings, "import", "--replace-demo", str(mixed), "--as-user", "tp.qn") == 1
    assert "không được tải số liệu của đơn vị này" in capsys.readouterr().err
    assert stored(settings) == before and backups(settings) == [] and committed == []  # nothing stored, nothing backed up

    assert run(monkeypatch, settings, "import", "--replace-demo", str(mixed)) == 0
    assert "Đã xóa 1477 giá trị minh họa" in capsys.readouterr().out
    assert [u.name for u in committed] == ["cli:thu-ky"] and committed[0].system
    assert backups(settings) == [("before_demo_remove", "auto:cli:thu-ky")]
    assert trail(settings)[:3] == [("cli:thu-ky", "upload"), ("cli:thu-ky", "demo_remove"), ("auto:cli:thu-ky", "backup")]
    assert stored(settings) != before


@pytest.mark.slow  # a variant of the shared write path above; the CLI revert stays quick in tests/cli/test_cli_upload.py
def test_cli_revert_makes_the_same_safety_backup_as_the_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = make_settings(tmp_path, demo=False)
    files = [quarter_file(tmp_path, [OWN], 1), quarter_file(tmp_path, [OTHER], 2)]
    assert run(monkeypatch, settings, "import", *map(str, files)) == 0  # uploads #1 and #2
    reverted = watch(monkeypatch, "revert_upload")
    assert run(monkeypatch, settings, "revert", "1") == 0
    assert [u.name for u in reverted] == ["cli:thu-ky"]
    assert run(monkeypatch, settings, "revert", "99") == 1  # no such upload: refused, no backup

    store = open_store(settings)
    admin = auth.add_user(store, auth.system_user("test"), "thuky", "admin", "mat khau thu ky")
    actions.revert_upload(store, 2, admin, backups_root=settings.backups_root)  # what the upload page's revert calls
    assert backups(settings) == [("before_revert", "auto:cli:thu-ky"), ("before_revert", "auto:thuky")]
    first, second = sorted(backup.list_backups(settings.backups_root), key=lambda b: b.created_at)
    assert set(first.tables) == set(second.tables)
    actions_by = [row for row in trail(settings) if row[1] in ("backup", "revert")]
    assert actions_by == [("thuky", "revert"), ("auto:thuky", "backup"), ("cli:thu-ky", "revert"), ("auto:cli:thu-ky", "backup")]


@pytest.mark.slow  # a variant of the shared write path above; the admin page's demo removal and restore stay quick
def test_cli_demo_and_restore_go_through_the_admin_pages_actions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], open_ready_store: Callable[..., Store]
) -> None:
    settings = make_settings(tmp_path)
    removed, loaded, restored = (watch(monkeypatch, name) for name in ("remove_demo", "load_demo", "restore_backup"))
    with_demo = export.export_csv(connection(open_ready_store(settings)))
    assert run(monkeypatch, settings, "demo", "--remove") == 0
    assert [u.name for u in removed] == ["cli:thu-ky"] and backups(settings) == [("before_demo_remove", "auto:cli:thu-ky")]
    assert stored(settings) != with_demo
    safety = backup.list_backups(settings.backups_root)[0].path
    assert run(monkeypatch, settings, "restore", str(safety)) == 0
    os_user = f"cli:{default_user()}"
    assert [u.name for u in restored] == [os_user] and stored(settings) == with_demo
    assert ("before_restore", os_user) in backups(settings)
    capsys.readouterr()
    assert run(monkeypatch, settings, "demo") == 0 and len(loaded) == 1
    assert capsys.readouterr().out == "Cơ sở dữ liệu đã có dữ liệu minh họa.\n"
