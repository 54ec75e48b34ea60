"""Backups: a consistent snapshot of the store as Parquet files, and bringing one back.

`backup` runs DuckDB's EXPORT DATABASE inside one read transaction, so the snapshot is consistent
while the dashboard keeps serving and writing; it is written to a `.partial` folder and renamed
only when complete, so a crash never leaves something that looks like a backup but is not.

`restore` works in place, in one write transaction, on the open store (so the admin page can do it
while the dashboard runs): the data tables are replaced from the Parquet files. The audit trail,
the users and the registry/campaign copies are deliberately left alone — the trail is append-only,
accounts are access control rather than data (unless `include_users`), and the registry is re-read
from its files. A backup of the current state is taken first.

A restore trusts nothing it reads: the manifest must carry an HMAC made with the key kept beside the
store (`<store>.backup-key`, owner-only, never inside a backup), name every table of the store's
schema and no other, and every Parquet file must hash and count as the manifest says; symbolic links
are refused. Backups hold password hashes, so folders and files are written owner-only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from analytics.history import mark_if_real
from analytics.labels import TEXT, t
from analytics.store import Cursor, Store
from analytics.trust import audit
from analytics.trust.auth import Action, User, authorize

MANIFEST = "manifest.json"
KEY_SUFFIX = ".backup-key"
OWNER_ONLY_FILE = 0o600
OWNER_ONLY_FOLDER = 0o700
KEEP_AUTOMATIC = 30
MAX_SCHEDULE_HOURS = 24 * 31  # a month: a longer period is a typo, not a schedule
# Never replaced by a restore (see the module docstring); 'users' only with include_users.
NOT_RESTORED = frozenset(
    {"schema_migrations", "meta", "audit", "users", "units", "campaigns", "phases", "milestones", "contents", "indicators", "targets"}
)
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class BackupError(RuntimeError):
    """A backup cannot be written or read; the message is Vietnamese and names the folder."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created_at: datetime
    reason: str
    created_by: str
    schema_version: int
    tables: dict[str, int]
    sequences: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def key_file(store: Store) -> Path:
    return store.path.with_name(store.path.name + KEY_SUFFIX)


def _signing_key(store: Store, *, create: bool) -> bytes | None:
    """The HMAC key beside the store, made owner-only on the first backup; None when there is none."""
    path = key_file(store)
    if path.is_symlink():
        raise BackupError(t("backup_symlink", path=path))
    if not path.exists():
        if not create:
            return None
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY_FILE)
        except FileExistsError:  # another process made it first
            return path.read_bytes().strip()
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_bytes().strip()


def _signature(key: bytes, manifest: dict) -> str:
    body = {k: v for k, v in manifest.items() if k != "signature"}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hmac.new(key, canonical, hashlib.sha256).hexdigest()


def owner_only(path: Path) -> None:
    """Password hashes live in the store and in every backup: nobody but the owner may read them."""
    for item in [path, *path.rglob("*")] if path.is_dir() else [path]:
        if not item.is_symlink():
            item.chmod(OWNER_ONLY_FOLDER if item.is_dir() else OWNER_ONLY_FILE)


def _literal(path: Path) -> str:
    """A single-quoted SQL string for the one statement that cannot take a bound parameter."""
    text = str(path.resolve())
    if any(ch in text for ch in "\x00\r\n"):
        raise BackupError(t("backup_bad_path", path=text))
    return "'" + text.replace("'", "''") + "'"


def _quoted(table: str) -> str:
    if not _IDENTIFIER.fullmatch(table):
        raise BackupError(t("backup_bad_table", table=table))
    return '"' + table + '"'


def _live_tables(cur: Cursor) -> list[str]:
    rows = cur.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary"
        " ORDER BY table_name"
    ).fetchall()
    return [r[0] for r in rows]


def _live_sequences(cur: Cursor) -> set[str]:
    rows = cur.execute("SELECT sequence_name FROM duckdb_sequences() WHERE database_name = current_database()").fetchall()
    return {r[0] for r in rows}


def _sha256(file: Path) -> str:
    digest = hashlib.sha256()
    with file.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _unique_dir(root: Path, reason: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = root / f"thidua-{stamp}-{reason}"
    n = 1
    while candidate.exists() or candidate.with_name(candidate.name + ".partial").exists():
        n += 1
        candidate = root / f"thidua-{stamp}-{reason}-{n}"
    return candidate


def backup(store: Store, dest: Path | None, *, actor: User | None, root: Path, reason: str = "manual") -> BackupInfo:
    """Write a snapshot to `dest` (a new or empty folder) or to a new folder under `root`."""
    authorize(actor, Action.BACKUP)
    assert actor is not None
    target = Path(dest) if dest is not None else _unique_dir(Path(root), reason)
    if target.is_symlink():
        raise BackupError(t("backup_symlink", path=target))
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(t("backup_folder_not_empty", folder=target))
    partial = target.with_name(target.name + ".partial")
    if partial.exists() or partial.is_symlink():
        # Maybe another backup still being written, maybe a crash's leftover: a person decides.
        raise BackupError(t("backup_partial_exists", partial=partial))
    try:
        key = _signing_key(store, create=True)
        assert key is not None
        partial.parent.mkdir(parents=True, exist_ok=True)
        info = _export(store, partial, target, key, actor, reason)
        if target.exists():
            target.rmdir()  # an empty folder the caller named
        os.replace(partial, target)
    except (OSError, duckdb.Error) as exc:  # a full disk, a read-only or missing folder: said in words, not a traceback
        shutil.rmtree(partial, ignore_errors=True)
        raise BackupError(t("backup_write_failed", folder=target, error=exc)) from exc
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise

    def work(c: Cursor) -> None:
        Store.set_meta(c, "last_backup_at", info.created_at.isoformat(timespec="seconds"))
        audit.record(c, actor.name, "backup", str(target), {"reason": reason, "rows": info.rows})

    store.write(work)
    return info


def _export(store: Store, partial: Path, target: Path, key: bytes, actor: User, reason: str) -> BackupInfo:
    """EXPORT DATABASE into `partial`, then the signed manifest; owner-only throughout."""
    with store.reading() as cur:
        cur.begin()  # one snapshot for the counts and the export
        try:
            tables = {t: int(cur.execute("SELECT count(*) FROM " + _quoted(t)).fetchone()[0]) for t in _live_tables(cur)}  # type: ignore[index]
            row = cur.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
            schema_version = int(row[0]) if row else 0
            cur.execute("EXPORT DATABASE " + _literal(partial) + " (FORMAT parquet)")
            cur.commit()
        except BaseException:
            cur.rollback()
            raise
    owner_only(partial)
    sequences = {
        m.group(1): int(m.group(2))
        for m in re.finditer(r"CREATE SEQUENCE (\w+) .*?START (\d+)", (partial / "schema.sql").read_text(encoding="utf-8"))
    }
    files = _exported_files(partial)
    info = BackupInfo(target, datetime.now(), reason, actor.name, schema_version, tables, sequences)
    manifest = {
        "format": 1,
        "created_at": info.created_at.isoformat(timespec="seconds"),
        "reason": reason,
        "created_by": actor.name,
        "schema_version": schema_version,
        "tables": tables,
        "sequences": sequences,
        "files": {t: {"file": f.name, "sha256": _sha256(f)} for t, f in files.items()},
    }
    manifest["signature"] = _signature(key, manifest)
    manifest_file = partial / MANIFEST
    manifest_file.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    manifest_file.chmod(OWNER_ONLY_FILE)
    return info


def _exported_files(folder: Path) -> dict[str, Path]:
    """Table → Parquet file, read from EXPORT's load.sql (its paths name the folder at export time,
    as SQL string literals: a quote in a folder name is written doubled)."""
    found = {}
    for m in re.finditer(r"COPY (\w+) FROM '((?:[^']|'')*)'", (folder / "load.sql").read_text(encoding="utf-8")):
        found[m.group(1)] = folder / Path(m.group(2).replace("''", "'")).name
    return found


def _info(folder: Path, manifest: dict) -> BackupInfo:
    """The description a manifest gives (raises KeyError/ValueError/TypeError when it is malformed)."""
    return BackupInfo(
        folder,
        datetime.fromisoformat(manifest["created_at"]),
        str(manifest["reason"]),
        str(manifest["created_by"]),
        int(manifest["schema_version"]),
        {str(k): int(v) for k, v in manifest["tables"].items()},
        {str(k): int(v) for k, v in manifest["sequences"].items()},
    )


def read_backup(folder: Path) -> BackupInfo:
    """Check a backup folder (manifest present, every file there and unchanged) and describe it."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"]
        info = _info(folder, manifest)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(t("backup_unreadable", folder=folder, manifest=MANIFEST, error=exc)) from exc
    for table, entry in files.items():
        file = folder / Path(str(entry["file"])).name
        if not file.is_file() or _sha256(file) != entry["sha256"]:
            raise BackupError(t("backup_file_changed", folder=folder, table=table, file=file.name))
    return info


def verify_backup(store: Store, folder: Path) -> tuple[BackupInfo, dict[str, dict]]:
    """Everything a restore relies on, checked before anything changes: no symbolic link, the
    manifest signed with this store's key, exactly the store's tables, every file unchanged and
    holding the rows and columns the manifest and the schema say. Returns the info and the files."""
    if folder.is_symlink() or any(item.is_symlink() for item in folder.iterdir() if folder.is_dir()):
        raise BackupError(t("backup_symlink", path=folder))
    info = read_backup(folder)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    key = _signing_key(store, create=False)
    signature = manifest.get("signature")
    if key is None or not isinstance(signature, str) or not hmac.compare_digest(signature, _signature(key, manifest)):
        raise BackupError(t("backup_bad_signature", folder=folder, keyfile=key_file(store)))
    with store.reading() as cur:
        row = cur.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
        if row is not None and info.schema_version > int(row[0]):
            raise BackupError(t("backup_newer_schema", folder=folder, version=info.schema_version))
        live = set(_live_tables(cur))
        files: dict[str, dict] = manifest["files"]
        missing = sorted(live - set(info.tables) | live - set(files))
        unknown = sorted(set(info.tables) - live | set(files) - live)
        if missing or unknown:
            raise BackupError(
                t("backup_tables_differ", folder=folder, missing=", ".join(missing) or "—", unknown=", ".join(unknown) or "—")
            )
        for table in sorted(live):
            path = folder / Path(str(files[table]["file"])).name
            try:
                counted = cur.execute("SELECT count(*) FROM read_parquet(?)", [str(path)]).fetchone()
                columns = {r[0] for r in cur.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()}
            except duckdb.Error as exc:
                raise BackupError(t("backup_file_changed", folder=folder, table=table, file=path.name)) from exc
            if counted is None or int(counted[0]) != info.tables[table]:
                raise BackupError(
                    t("backup_row_count", folder=folder, table=table, expected=info.tables[table], found=counted and counted[0])
                )
            schema = {r[0] for r in cur.execute("DESCRIBE " + _quoted(table)).fetchall()}
            if not columns <= schema:
                raise BackupError(t("backup_columns_differ", folder=folder, table=table, columns=", ".join(sorted(columns - schema))))
    return info, files


def list_backups(root: Path) -> list[BackupInfo]:
    """Complete backups under `root`, newest first (unreadable folders are skipped)."""
    found = []
    for folder in Path(root).glob("*/" + MANIFEST):
        try:
            manifest = json.loads(folder.read_text(encoding="utf-8"))
            found.append(_info(folder.parent, manifest))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return sorted(found, key=lambda b: (b.created_at, b.path.name), reverse=True)


def prune(root: Path, keep: int = KEEP_AUTOMATIC) -> list[Path]:
    """Delete automatic backups beyond the newest `keep`; manual ones are never deleted."""
    automatic = [b for b in list_backups(root) if b.reason != "manual"]
    removed = []
    for info in automatic[keep:]:
        shutil.rmtree(info.path, ignore_errors=True)
        removed.append(info.path)
    return removed


def restore(store: Store, folder: Path, *, actor: User | None, root: Path, include_users: bool = False) -> BackupInfo:
    """Bring the data back to the backup's state, atomically; returns the safety backup taken first."""
    authorize(actor, Action.RESTORE)
    assert actor is not None
    info, files = verify_backup(store, Path(folder))
    safety = backup(store, None, actor=actor, root=root, reason="before_restore")
    skip = NOT_RESTORED - ({"users"} if include_users else set())

    def work(cur: Cursor) -> None:
        for table in _live_tables(cur):
            if table in skip:
                continue
            cur.execute("DELETE FROM " + _quoted(table))
            if table in files:
                path = info.path / Path(str(files[table]["file"])).name
                cur.execute("INSERT INTO " + _quoted(table) + " BY NAME SELECT * FROM read_parquet(?)", [str(path)])
        live_sequences = _live_sequences(cur)
        for name, start in info.sequences.items():
            if name not in live_sequences:
                continue
            current = cur.execute("SELECT nextval(?)", [name]).fetchone()
            if current is not None and int(current[0]) < start:  # never hand out an id the backup already used
                cur.execute("CREATE OR REPLACE SEQUENCE " + _quoted(name) + " START " + str(int(start)))
        Store.set_meta(cur, "demo_seeded", "1")
        mark_if_real(cur)
        audit.record(
            cur, actor.name, "restore", str(info.path), {"backup_of": info.created_at.isoformat(), "safety_backup": str(safety.path)}
        )

    try:
        store.write(work)
    except duckdb.Error as exc:
        raise BackupError(t("backup_restore_failed", folder=folder, error=exc)) from exc
    return safety


# --- schedule -----------------------------------------------------------------------------------


def schedule_hours(store: Store) -> int:
    value = store.get_meta("backup_every_hours")
    return int(value) if value and value.isdigit() else 0


def set_schedule(store: Store, actor: User | None, hours: int) -> None:
    """0 turns scheduled backups off."""
    authorize(actor, Action.BACKUP)
    assert actor is not None
    if not 0 <= int(hours) <= MAX_SCHEDULE_HOURS:
        raise BackupError(t("backup_bad_schedule", max=MAX_SCHEDULE_HOURS))

    def work(cur: Cursor) -> None:
        Store.set_meta(cur, "backup_every_hours", str(int(hours)))
        audit.record(cur, actor.name, "backup_schedule", None, {"hours": int(hours)})

    store.write(work)


def backup_due(store: Store, now: datetime) -> bool:
    hours = schedule_hours(store)
    if hours <= 0:
        return False
    last = store.get_meta("last_backup_at")
    return last is None or now - datetime.fromisoformat(last) >= timedelta(hours=hours)


class Scheduler(threading.Thread):
    """Runs in the dashboard process: every `poll` seconds, backs up when the admin's period has passed,
    then runs each of `jobs` with the same clock (the meeting pack goes out this way)."""

    def __init__(self, store: Store, root: Path, poll: float = 60.0, jobs: Sequence[Callable[[datetime], object]] = ()) -> None:
        super().__init__(name="thidua-backup-scheduler", daemon=True)
        self.store, self.root, self.poll, self.jobs = store, root, poll, tuple(jobs)
        self.stopped = threading.Event()
        self.last_error: str | None = None

    def run_once(self, now: datetime | None = None) -> BackupInfo | None:
        now = now or datetime.now()
        info = None
        if backup_due(self.store, now):
            info = backup(self.store, None, actor=User("scheduler", "admin", system=True), root=self.root, reason="scheduled")
            prune(self.root)
        for job in self.jobs:
            job(now)
        return info

    def run(self) -> None:
        while not self.stopped.wait(self.poll):
            try:
                self.run_once()
                self.last_error = None
            except Exception as exc:  # a full disk or a mail server down must not kill the dashboard; the admin page shows it
                self.last_error = str(exc)


def reason_label(reason: str) -> str:
    """Why a backup was taken, in words; a reason without a label shows as written."""
    key = "backup_reason_" + reason
    return t(key) if key in TEXT else reason


def backups_frame(root: Path) -> pd.DataFrame:
    """The backups under `root` for a table on the admin page, newest first."""
    columns = [t("backups_col_folder"), t("backups_col_when"), t("backups_col_reason"), t("backups_col_by"), t("backups_col_rows")]
    rows = [
        (b.path.name, b.created_at.strftime("%d/%m/%Y %H:%M:%S"), reason_label(b.reason), b.created_by, b.rows) for b in list_backups(root)
    ]
    return pd.DataFrame(rows, columns=columns)
