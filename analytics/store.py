"""The one module that owns the DuckDB connection.

One connection per process; every caller takes its own `.cursor()` (DuckDB refuses concurrent
calls on one shared cursor); writes go through `write()`, serialised by a lock because two DuckDB
transactions touching the same rows fail with a conflict instead of waiting.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TypeVar

import duckdb

from analytics.labels import t

T = TypeVar("T")
Cursor = duckdb.DuckDBPyConnection


class StoreBusyError(RuntimeError):
    """Another process (usually the running dashboard) holds the store file."""


def migrations() -> list[tuple[int, str]]:
    """Versioned schema scripts shipped in analytics/migrations, in order."""
    found = []
    for entry in resources.files("analytics.migrations").iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8")))
    return sorted(found)


class Store:
    def __init__(self, path: Path | str, *, wait_seconds: float = 0.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = _connect(self.path, wait_seconds)
        for file in (self.path, self.path.with_name(self.path.name + ".wal")):  # password hashes: owner only
            # Only the owner may change a file's mode; a store shared through group rights is left as set up.
            if file.exists() and not file.is_symlink() and file.stat().st_uid == os.getuid():
                file.chmod(0o600)
        self._write_lock = threading.RLock()
        self.migrate()

    def cursor(self) -> Cursor:
        return self._conn.cursor()

    def close(self) -> None:
        self._conn.close()

    def migrate(self) -> list[int]:
        """Apply the migrations this file has not seen yet; the applied versions live in the file."""
        cur = self.cursor()
        cur.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER, applied_at TIMESTAMP)")
        done = {row[0] for row in cur.execute("SELECT version FROM schema_migrations").fetchall()}
        applied = []
        for version, sql in migrations():
            if version in done:
                continue
            with self._write_lock:
                cur.begin()
                try:
                    cur.execute(sql)
                    cur.execute("INSERT INTO schema_migrations VALUES (?, now())", [version])
                    cur.commit()
                except Exception:
                    cur.rollback()
                    raise
            applied.append(version)
        return applied

    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        """One atomic write: everything inside commits together or not at all; bumps the data version."""
        with self._write_lock:
            cur = self.cursor()
            cur.begin()
            try:
                yield cur
                cur.execute("UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = 'data_version'")
                cur.commit()
            except BaseException:
                cur.rollback()
                raise

    def write(self, work: Callable[[Cursor], T], retries: int = 3) -> T:
        """Run `work` in a transaction, retrying when DuckDB reports a write-write conflict."""
        for attempt in range(retries + 1):
            try:
                with self.transaction() as cur:
                    return work(cur)
            except duckdb.TransactionException:
                if attempt == retries:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def data_version(self) -> int:
        """Bumped by every committed write: the cache key that keeps charts fresh."""
        row = self.cursor().execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
        return int(row[0]) if row else 0

    def get_meta(self, key: str, cur: Cursor | None = None) -> str | None:
        row = (cur or self.cursor()).execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    @staticmethod
    def set_meta(cur: Cursor, key: str, value: str) -> None:
        cur.execute("DELETE FROM meta WHERE key = ?", [key])
        cur.execute("INSERT INTO meta VALUES (?, ?)", [key, value])


def _connect(path: Path, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            return duckdb.connect(str(path))
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                raise StoreBusyError(t("store_busy", path=path)) from exc
            time.sleep(0.2)
