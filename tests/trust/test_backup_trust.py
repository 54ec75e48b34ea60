"""A restore trusts nothing it reads, and a backup works wherever it is asked to write: tampered,
incomplete, miscounted or linked backups are refused before anything changes; odd paths work."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from analytics import export
from analytics.bootstrap import open_store
from analytics.store import Store
from analytics.trust import auth, backup
from tests.support import connection, make_settings

ROOT = auth.system_user("test")


def snapshot(store: Store, tmp_path: Path) -> Path:
    return backup.backup(store, tmp_path / "snap", actor=ROOT, root=tmp_path / "b").path


def rewrite_manifest(folder: Path, edit: Callable[[dict], None], *, key: bytes | None = None) -> None:
    """Change the manifest as someone with the folder would; re-signed only when given the key."""
    manifest = json.loads((folder / backup.MANIFEST).read_text(encoding="utf-8"))
    edit(manifest)
    if key is not None:
        manifest["signature"] = backup._signature(key, manifest)
    (folder / backup.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def rehash(folder: Path, table: str) -> Callable[[dict], None]:
    def edit(manifest: dict) -> None:
        file = folder / manifest["files"][table]["file"]
        manifest["files"][table]["sha256"] = hashlib.sha256(file.read_bytes()).hexdigest()

    return edit


def refused(store: Store, folder: Path, tmp_path: Path, match: str, *, include_users: bool = False) -> None:
    before = export.export_csv(connection(store)), auth.list_users(connection(store)).to_dict()
    with pytest.raises(backup.BackupError, match=match):
        backup.restore(store, folder, actor=ROOT, root=tmp_path / "b", include_users=include_users)
    assert (export.export_csv(connection(store)), auth.list_users(connection(store)).to_dict()) == before


def store_key(store: Store) -> bytes:
    return backup.key_file(store).read_bytes().strip()


def test_a_manifest_that_omits_tables_is_refused_even_when_signed(demo_store: Store, tmp_path: Path) -> None:
    folder = snapshot(demo_store, tmp_path)

    def omit(manifest: dict) -> None:
        for table in ("facts", "uploads"):
            manifest["tables"].pop(table, None), manifest["files"].pop(table, None)

    rewrite_manifest(folder, omit)
    refused(demo_store, folder, tmp_path, "chữ ký")
    rewrite_manifest(folder, omit, key=store_key(demo_store))  # even the key's holder cannot empty the store this way
    refused(demo_store, folder, tmp_path, "thiếu bảng facts, uploads")


def test_a_forged_parquet_with_its_checksum_recomputed_is_refused(demo_store: Store, tmp_path: Path) -> None:
    folder = snapshot(demo_store, tmp_path)
    facts = folder / "facts.parquet"
    forged = "COPY (SELECT * REPLACE (value * 10 AS value) FROM read_parquet(?)) TO '" + str(facts) + ".new' (FORMAT parquet)"
    duckdb.execute(forged, [str(facts)])
    os.replace(str(facts) + ".new", facts)
    rewrite_manifest(folder, rehash(folder, "facts"))
    refused(demo_store, folder, tmp_path, "chữ ký")


def test_a_wrong_row_count_is_noticed(demo_store: Store, tmp_path: Path) -> None:
    folder = snapshot(demo_store, tmp_path)
    facts = folder / "facts.parquet"
    duckdb.execute("COPY (SELECT * FROM read_parquet(?) LIMIT 10) TO '" + str(facts) + ".new' (FORMAT parquet)", [str(facts)])
    os.replace(str(facts) + ".new", facts)

    rewrite_manifest(folder, rehash(folder, "facts"), key=store_key(demo_store))
    held = connection(demo_store).execute("SELECT count(*) FROM facts").fetchone()[0]  # type: ignore[index]
    refused(demo_store, folder, tmp_path, f"facts .* 10 dòng, bản kê ghi {held}")


def test_restoring_users_from_a_tampered_backup_creates_no_admin(demo_store: Store, tmp_path: Path) -> None:
    folder = snapshot(demo_store, tmp_path)
    users = folder / "users.parquet"
    evil = auth.hash_password("mat khau ke gian")
    duckdb.execute(
        "COPY (SELECT 'mallory' AS name, '' AS full_name, 'admin' AS role, NULL::VARCHAR AS unit_code, ? AS password_hash,"
        " NULL::VARCHAR AS email, now()::TIMESTAMP AS created_at, 'x' AS created_by, now()::TIMESTAMP AS password_changed_at)"
        " TO '" + str(users) + "' (FORMAT parquet)",
        [evil],
    )

    def edit(manifest: dict) -> None:
        rehash(folder, "users")(manifest)
        manifest["tables"]["users"] = 1

    rewrite_manifest(folder, edit)
    refused(demo_store, folder, tmp_path, "chữ ký", include_users=True)
    assert auth.get_user(connection(demo_store), "mallory") is None


def test_symbolic_links_are_refused(demo_store: Store, tmp_path: Path) -> None:
    folder = snapshot(demo_store, tmp_path)
    link = tmp_path / "link"
    link.symlink_to(folder)
    refused(demo_store, link, tmp_path, "liên kết")
    facts = folder / "facts.parquet"
    moved = tmp_path / "facts_elsewhere.parquet"
    os.replace(facts, moved)
    facts.symlink_to(moved)
    refused(demo_store, folder, tmp_path, "liên kết")
    target = tmp_path / "to_empty"
    (tmp_path / "empty").mkdir()
    target.symlink_to(tmp_path / "empty")
    with pytest.raises(backup.BackupError, match="liên kết"):
        backup.backup(demo_store, target, actor=ROOT, root=tmp_path / "b")


def test_backups_the_key_and_the_store_are_owner_only(demo_store: Store, tmp_path: Path) -> None:
    folder = snapshot(demo_store, tmp_path)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in [folder, *folder.iterdir()]}
    assert modes.pop(folder.name) == 0o700 and set(modes.values()) == {0o600}
    assert stat.S_IMODE(backup.key_file(demo_store).stat().st_mode) == 0o600
    reopened = open_store(make_settings(tmp_path / "own"))
    assert stat.S_IMODE(reopened.path.stat().st_mode) == 0o600


@pytest.mark.slow  # builds a store; a variant of the round trip in tests/trust/test_backup.py
def test_a_quote_in_the_paths_backs_up_and_restores(tmp_path: Path) -> None:
    folder = tmp_path / "Sở Tư pháp's data"
    store = open_store(make_settings(folder))
    before = export.export_csv(connection(store))
    info = backup.backup(store, None, actor=ROOT, root=folder / "sao lưu 'chính'")
    assert info.tables["facts"] > 0 and not list(info.path.parent.glob("*.partial"))
    backup.restore(store, info.path, actor=ROOT, root=folder / "sao lưu 'chính'")
    assert export.export_csv(connection(store)) == before


def test_an_existing_partial_folder_is_neither_deleted_nor_written_over(demo_store: Store, tmp_path: Path) -> None:
    partial = tmp_path / "snap.partial"
    partial.mkdir()
    (partial / "someone_else.txt").write_text("đang ghi")
    with pytest.raises(backup.BackupError, match=r"snap\.partial"):
        backup.backup(demo_store, tmp_path / "snap", actor=ROOT, root=tmp_path / "b")
    assert (partial / "someone_else.txt").read_text() == "đang ghi"


def test_a_backup_that_cannot_be_written_says_so_and_leaves_nothing(demo_store: Store, tmp_path: Path) -> None:
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("x")
    with pytest.raises(backup.BackupError, match="Không ghi được bản sao lưu"):
        backup.backup(demo_store, None, actor=ROOT, root=blocker / "backups")
    assert not list(tmp_path.rglob("*.partial"))
