"""The one module that opens the DuckDB file.

DuckDB lets one process at a time open a file, and a process that keeps it open locks every other
one out. So the dashboard, its backup scheduler and each command of the CLI open the file for the
work at hand and close it again (`reading()`, `write()`), and a process that finds it held retries
for a short while, saying so in a `<store>.wanted` file. Connections of one process to one file
share a single database instance, so they open in well under a millisecond while the instance is
alive; opening it afresh costs 20–150 ms. The dashboard therefore keeps it alive for a moment after
its last read (`linger_seconds`), and lets go within a few hundredths of a second when another
process asks for the file.

Pages read through caches keyed on the data version. Every committed write bumps it in the store
and copies it, atomically, into a small file beside the store (`<store>.version`), so any process
learns of a change without opening the store at all.
"""

from __future__ import annotations

import contextlib
import os
import random
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

# How long to keep retrying a store another process holds: each holds it for one piece of work
# (an import of a quarter takes a fraction of a second, a backup of the national store seconds).
LOCK_WAIT_SECONDS = 15.0
# How long the dashboard keeps the file after its last read: a page rerun reads several times and a
# leader clicks again within seconds, while another process asking for the file gets it at once.
LINGER_SECONDS = 2.0
_POLL_SECONDS = 0.03  # how often a lingering process looks for another one's request
_WANT_FRESH_SECONDS = 1.0  # a waiter renews its request every few hundredths of a second; older is stale


class StoreBusyError(RuntimeError):
    """Another process has held the store file longer than we were willing to wait."""


def migrations() -> list[tuple[int, str]]:
    """Versioned schema scripts shipped in analytics/migrations, in order."""
    found = []
    for entry in resources.files("analytics.migrations").iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8")))
    return sorted(found)


class Store:
    """Where the store file is, and how to work on it. Holds no connection between two pieces of work,
    except for the `linger_seconds` after one (the dashboard)."""

    def __init__(self, path: Path | str, *, wait_seconds: float = LOCK_WAIT_SECONDS, linger_seconds: float = 0.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.wait_seconds = wait_seconds
        self.linger_seconds = linger_seconds
        self._write_lock = threading.RLock()
        self._keeper: Cursor | None = None  # keeps the database instance alive while lingering
        self._keeper_lock = threading.Lock()
        self._last_used = 0.0
        self._open_here = threading.local()  # how many connections this thread has open
        self.migrate()
        for file in (self.path, self.path.with_name(self.path.name + ".wal")):  # password hashes: owner only
            # Only the owner may change a file's mode; a store shared through group rights is left as set up.
            if file.exists() and not file.is_symlink() and file.stat().st_uid == os.getuid():
                file.chmod(0o600)

    @property
    def version_file(self) -> Path:
        return self.path.with_name(self.path.name + ".version")

    @property
    def wanted_file(self) -> Path:
        return self.path.with_name(self.path.name + ".wanted")

    @contextmanager
    def reading(self) -> Iterator[Cursor]:
        """A connection for one piece of work, closed at the end of the block; the file is let go
        then, or after `linger_seconds` without work, or as soon as another process asks for it."""
        depth = getattr(self._open_here, "depth", 0)
        if self.linger_seconds > 0 and depth == 0:  # a thread that holds the file already cannot give it up by waiting
            self._give_way()
        con = _connect(self.path, self.wait_seconds, self.wanted_file)
        self._open_here.depth = depth + 1
        try:
            if self.linger_seconds > 0:
                self._linger()
            yield con
        finally:
            self._open_here.depth = depth
            con.close()
            self._last_used = time.monotonic()

    def _another_process_wants_it(self) -> bool:
        try:
            fresh = time.time() - self.wanted_file.stat().st_mtime < _WANT_FRESH_SECONDS
            return fresh and self.wanted_file.read_text(encoding="ascii") != str(os.getpid())
        except (FileNotFoundError, ValueError):
            return False

    def _give_way(self) -> None:
        """Wait while another process asks for the file, so that overlapping reads of this one do not
        keep it from ever getting it."""
        deadline = time.monotonic() + self.wait_seconds
        while self._another_process_wants_it() and time.monotonic() < deadline:
            time.sleep(_POLL_SECONDS)

    def _linger(self) -> None:
        with self._keeper_lock:
            self._last_used = time.monotonic()
            if self._keeper is not None:
                return
            self._keeper = duckdb.connect(str(self.path))  # the instance is open: this one only keeps it
        # Not a daemon: at exit the interpreter waits (at most linger_seconds) for it to close the
        # keeper itself; a daemon thread killed inside DuckDB during finalisation aborts the process.
        threading.Thread(target=self._let_go_when_idle_or_asked, name="thidua-store-linger").start()

    def _let_go_when_idle_or_asked(self) -> None:
        while True:
            time.sleep(_POLL_SECONDS)
            with self._keeper_lock:
                if time.monotonic() - self._last_used > self.linger_seconds or self._another_process_wants_it():
                    assert self._keeper is not None
                    self._keeper.close()
                    self._keeper = None
                    return

    def migrate(self) -> list[int]:
        """Apply the migrations this file has not seen yet; the applied versions live in the file."""
        applied = []
        with self._write_lock, self.reading() as cur:
            cur.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER, applied_at TIMESTAMP)")
            done = {row[0] for row in cur.execute("SELECT version FROM schema_migrations").fetchall()}
            for version, sql in migrations():
                if version in done:
                    continue
                cur.begin()
                try:
                    cur.execute(sql)
                    cur.execute("INSERT INTO schema_migrations VALUES (?, now())", [version])
                    cur.commit()
                except Exception:
                    cur.rollback()
                    raise
                applied.append(version)
            # Every process start republishes: a new file at an old path must not inherit that file's
            # version, and a writer killed between its commit and its publish is healed here.
            self._publish_version(cur)
        return applied

    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        """One atomic write: everything inside commits together or not at all; bumps the data version."""
        with self._write_lock, self.reading() as cur:
            cur.begin()
            try:
                yield cur
                cur.execute("UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = 'data_version'")
                cur.commit()
            except BaseException:
                cur.rollback()
                raise
            self._publish_version(cur)  # still holding the file: no other writer can come between

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
        """Bumped by every committed write in any process: the cache key that keeps charts fresh.

        Read from the version file, without opening the store; a store without one gets it written."""
        try:
            return int(self.version_file.read_text(encoding="ascii"))
        except (FileNotFoundError, ValueError):
            with self._write_lock, self.reading() as cur:
                return self._publish_version(cur)

    def _publish_version(self, cur: Cursor) -> int:
        row = cur.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
        version = int(row[0]) if row else 0
        partial = self.version_file.with_name(f"{self.version_file.name}.{os.getpid()}.{threading.get_ident()}")
        partial.write_text(str(version), encoding="ascii")
        os.replace(partial, self.version_file)
        return version

    def get_meta(self, key: str, cur: Cursor | None = None) -> str | None:
        if cur is None:
            with self.reading() as own:
                return self.get_meta(key, own)
        row = cur.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    @staticmethod
    def set_meta(cur: Cursor, key: str, value: str) -> None:
        cur.execute("DELETE FROM meta WHERE key = ?", [key])
        cur.execute("INSERT INTO meta VALUES (?, ?)", [key, value])


def _connect(path: Path, wait_seconds: float, wanted: Path) -> duckdb.DuckDBPyConnection:
    """Open the file, retrying every few hundredths of a second while another process holds it, and
    asking for it meanwhile (a lingering dashboard lets go when it sees the request)."""
    deadline = time.monotonic() + wait_seconds
    asked = False
    while True:
        try:
            con = duckdb.connect(str(path))
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                raise StoreBusyError(t("store_busy", path=path)) from exc
            wanted.write_text(str(os.getpid()), encoding="ascii")
            asked = True
            time.sleep(random.uniform(0.01, 0.04))  # jittered, so two waiting processes do not collide in step
            continue
        if asked:
            with contextlib.suppress(OSError):
                if wanted.read_text(encoding="ascii") == str(os.getpid()):
                    wanted.unlink()
        return con
