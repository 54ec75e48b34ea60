"""Backups: the round trip, what a restore keeps, damaged backups, schedule and pruning."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from analytics import demo, export
from analytics.bootstrap import open_store
from analytics.history import apply_values, record_upload
from analytics.store import Store
from analytics.trust import audit, auth, backup
from tests.support import TESTS, connection, make_settings

ROOT = auth.system_user("test")
COLS = ["unit_code", "year", "quarter", "indicator", "value"]


def upload(store: Store, rows: list[list[object]], by: str = "t") -> int:
    def work(cur):  # type: ignore[no-untyped-def]
        upload_id = record_upload(cur, kind="results", created_by=by, file_name="q.csv", raw=b"x")
        apply_values(cur, upload_id, pd.DataFrame(rows, columns=COLS))
        return upload_id

    return store.write(work)


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, THIDUA_DB=str(db))
    command = [sys.executable, "-m", "analytics", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=TESTS.parent, timeout=120)


@pytest.mark.slow
def test_cli_backup_change_restore_round_trip(tmp_path: Path) -> None:
    db = tmp_path / "thidua.duckdb"
    before = cli(db, "export").stdout
    out = tmp_path / "snap"
    result = cli(db, "backup", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "manifest.json").exists() and (out / "facts.parquet").exists()
    assert cli(db, "demo", "--remove").returncode == 0
    assert cli(db, "export").stdout != before
    result = cli(db, "restore", str(out))
    assert result.returncode == 0, result.stderr
    assert cli(db, "export").stdout == before
    trail = cli(db, "audit").stdout
    assert "restore" in trail and "demo_remove" in trail and "backup" in trail  # the trail survives the restore
    listed = cli(db, "backup", "--list").stdout
    assert "\tbefore_demo_remove\tauto:cli:" in listed and "\tbefore_restore\tcli:" in listed  # each destructive step backed up first


def test_restore_keeps_users_and_audit_and_never_reuses_upload_ids(demo_store: Store, tmp_path: Path) -> None:
    root = tmp_path / "backups"
    snap = backup.backup(demo_store, None, actor=ROOT, root=root)
    later = upload(demo_store, [["STP_QN", 2016, 1, "xa_ntm", 9.0]])
    admin = auth.add_user(demo_store, ROOT, "thuky", "admin", "mat khau thu ky")
    backup.restore(demo_store, snap.path, actor=admin, root=root)
    cur = connection(demo_store)
    assert cur.execute("SELECT count(*) FROM uploads WHERE id = ?", [later]).fetchone() == (0,)
    assert auth.get_user(cur, "thuky") is not None  # accounts are not rolled back
    actions = audit.trail(cur)["action"].tolist()
    assert actions[:3] == ["restore", "backup", "user_add"] and "upload" in actions
    assert upload(demo_store, [["STP_QN", 2016, 1, "xa_ntm", 5.0]]) > later  # a new id, never one in the trail already


@pytest.mark.slow  # builds a second store; the restore above stays quick
def test_disaster_recovery_into_a_new_store_with_users(demo_store: Store, tmp_path: Path) -> None:
    auth.add_user(demo_store, ROOT, "thuky", "admin", "mat khau thu ky")
    upload(demo_store, [["STP_QN", 2016, 1, "xa_ntm", 7.0]])
    snap = backup.backup(demo_store, tmp_path / "snap", actor=ROOT, root=tmp_path / "b")
    expected = export.export_csv(connection(demo_store))
    fresh = open_store(make_settings(tmp_path / "new", demo=False))
    with pytest.raises(backup.BackupError, match="chép tệp khóa"):  # a new store has its own key
        backup.restore(fresh, snap.path, actor=ROOT, root=tmp_path / "b2", include_users=True)
    shutil.copy2(backup.key_file(demo_store), backup.key_file(fresh))  # the key kept with the off-site copy
    backup.restore(fresh, snap.path, actor=ROOT, root=tmp_path / "b2", include_users=True)
    assert export.export_csv(connection(fresh)) == expected
    assert auth.authenticate(connection(fresh), "thuky", "mat khau thu ky", auth.LoginLimiter(), "10.0.0.1").role == "admin"
    assert demo.has_demo(connection(fresh))
    next_id = upload(fresh, [["STP_HN", 2016, 2, "xa_ntm", 1.0]])
    assert next_id > max(connection(fresh).execute("SELECT id FROM uploads WHERE id <> ?", [next_id]).fetchall())[0]


def test_a_tampered_or_foreign_folder_is_refused_and_nothing_changes(demo_store: Store, tmp_path: Path) -> None:
    snap = backup.backup(demo_store, tmp_path / "snap", actor=ROOT, root=tmp_path / "b")
    before = export.export_csv(connection(demo_store))
    facts = snap.path / "facts.parquet"
    facts.write_bytes(facts.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(backup.BackupError, match="facts"):
        backup.restore(demo_store, snap.path, actor=ROOT, root=tmp_path / "b")
    (tmp_path / "empty").mkdir()
    with pytest.raises(backup.BackupError, match="manifest"):
        backup.restore(demo_store, tmp_path / "empty", actor=ROOT, root=tmp_path / "b")
    assert export.export_csv(connection(demo_store)) == before
    with pytest.raises(backup.BackupError, match="đã có tệp"):
        backup.backup(demo_store, snap.path, actor=ROOT, root=tmp_path / "b")


def test_partial_backups_are_not_listed_and_pruning_keeps_manual_ones(demo_store: Store, tmp_path: Path) -> None:
    root = tmp_path / "b"
    manual = backup.backup(demo_store, None, actor=ROOT, root=root)
    autos = [backup.backup(demo_store, None, actor=ROOT, root=root, reason="scheduled") for _ in range(3)]
    (root / "thidua-broken.partial").mkdir()
    listed = {b.path for b in backup.list_backups(root)}
    assert listed == {manual.path, *(a.path for a in autos)}
    removed = backup.prune(root, keep=1)
    assert len(removed) == 2 and manual.path.exists()
    assert {b.path for b in backup.list_backups(root)} == {manual.path, autos[-1].path}


def test_schedule_set_by_the_admin_drives_the_scheduler(demo_store: Store, tmp_path: Path) -> None:
    root = tmp_path / "b"
    worker = backup.Scheduler(demo_store, root)
    assert worker.run_once() is None  # off by default
    backup.set_schedule(demo_store, ROOT, 6)
    assert backup.backup_due(demo_store, datetime.now())
    made = worker.run_once()
    assert made is not None and made.reason == "scheduled"
    assert not backup.backup_due(demo_store, datetime.now())
    assert backup.backup_due(demo_store, datetime.now() + timedelta(hours=6, seconds=1))
    with pytest.raises(backup.BackupError):
        backup.set_schedule(demo_store, ROOT, -1)
    viewer = auth.add_user(demo_store, ROOT, "lanhdao", "viewer", "mat khau lanh dao")
    with pytest.raises(auth.PermissionDenied):
        backup.set_schedule(demo_store, viewer, 1)


HOLDER = """
import sys, time
import duckdb
con = duckdb.connect(sys.argv[1])  # a process that keeps the file, as the dashboard did before it let go
print("HOLDING", flush=True)
time.sleep(float(sys.argv[2]))
"""


def _hold(db: Path, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), str(seconds)], stdout=subprocess.PIPE, text=True, cwd=TESTS.parent)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "HOLDING"
    return holder


@pytest.mark.slow
def test_cli_waits_for_a_store_held_elsewhere_and_explains_when_it_stays_held(tmp_path: Path) -> None:
    db = tmp_path / "thidua.duckdb"
    assert cli(db, "export").returncode == 0  # create the store
    holder = _hold(db, 30)
    try:
        refused = cli(db, "backup", "--wait", "0")
        assert refused.returncode == 3 and "Traceback" not in refused.stderr
        assert "đang bận" in refused.stderr and "thử lại" in refused.stderr
    finally:
        holder.kill()
        holder.wait()
    holder = _hold(db, 6)  # longer than the CLI takes to start on a busy machine, so it finds the store held
    try:
        waited = cli(db, "backup", "--wait", "30")
        assert waited.returncode == 0, waited.stderr
        assert "Đã sao lưu" in waited.stdout
    finally:
        holder.wait()
