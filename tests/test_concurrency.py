"""Many writers and readers on one store: writes are serialised and atomic, readers never see half of one."""

from __future__ import annotations

import threading
import time

import duckdb
import pandas as pd

from analytics.history import apply_values, record_upload
from analytics.store import Store

COLS = ["unit_code", "year", "quarter", "indicator", "value"]
UNITS = [f"STP_{c}" for c in ("BN", "HNA", "HN", "HD", "HP", "HY", "ND", "NB", "QN", "TB", "VP")]
INDICATORS = [f"i{n:02d}" for n in range(20)]
KEYS = len(UNITS) * len(INDICATORS)  # 220 values per upload


def batch(marker: float) -> pd.DataFrame:
    """Every key of the shared slice set to one marker: a reader sees one marker or a torn write."""
    return pd.DataFrame([[u, 2099, 1, i, marker] for u in UNITS for i in INDICATORS], columns=COLS)


def test_writers_and_readers_at_once(empty_store: Store) -> None:
    store = empty_store
    stop = time.monotonic() + 3.0
    committed: list[tuple[int, float]] = []
    errors: list[BaseException] = []
    torn: list[tuple] = []
    reads = [0]
    lock = threading.Lock()

    def writer(n: int) -> None:
        k = 0
        try:
            while time.monotonic() < stop:
                k += 1
                marker = float(n * 100_000 + k)

                def work(cur, marker=marker, name=f"w{n}-{k}.csv"):  # type: ignore[no-untyped-def]
                    upload_id = record_upload(cur, kind="results", created_by=f"writer{n}", file_name=name)
                    apply_values(cur, upload_id, batch(marker))
                    return upload_id

                upload_id = store.write(work)
                with lock:
                    committed.append((upload_id, marker))
        except BaseException as exc:  # reported below
            errors.append(exc)

    def reader() -> None:
        try:
            cur = store.cursor()  # one cursor per reader, as each dashboard session has
            while time.monotonic() < stop:
                row = cur.execute(
                    "SELECT count(*), count(DISTINCT value), count(DISTINCT upload_id) FROM facts WHERE year = 2099"
                ).fetchone()
                if row not in ((0, 0, 0), (KEYS, 1, 1)):
                    torn.append(row)
                reads[0] += 1
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)] + [threading.Thread(target=reader) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert errors == []
    assert torn == []
    assert len(committed) >= 8 and reads[0] >= 20
    cur = store.cursor()
    per_upload = dict(cur.execute("SELECT upload_id, count(*) FROM fact_history GROUP BY upload_id").fetchall())
    assert all(per_upload.get(upload_id) == KEYS for upload_id, _ in committed)  # every committed upload fully recorded
    last_id, last_marker = max(committed)
    assert cur.execute("SELECT DISTINCT value, upload_id FROM facts WHERE year = 2099").fetchall() == [(last_marker, last_id)]
    assert store.data_version() >= len(committed)


def test_a_write_conflict_is_retried_not_lost(empty_store: Store) -> None:
    """A transaction outside the app's queue holds the same row: Store.write retries until it can commit."""
    outsider = empty_store.cursor()
    outsider.begin()
    outsider.execute("UPDATE meta SET value = '41' WHERE key = 'data_version'")
    result: list[object] = []

    def write() -> None:
        try:
            result.append(empty_store.write(lambda cur: cur.execute("SELECT 1").fetchone(), retries=20))
        except duckdb.Error as exc:
            result.append(exc)

    th = threading.Thread(target=write)
    th.start()
    time.sleep(0.3)
    outsider.commit()
    th.join(10)
    assert result == [(1,)]
    assert empty_store.data_version() == 42  # the retried write committed after the outsider's


def test_without_retries_the_conflict_surfaces(empty_store: Store) -> None:
    outsider = empty_store.cursor()
    outsider.begin()
    outsider.execute("UPDATE meta SET value = '41' WHERE key = 'data_version'")
    try:
        empty_store.write(lambda cur: None, retries=0)
        raise AssertionError("expected a write-write conflict")
    except duckdb.TransactionException:
        pass
    finally:
        outsider.rollback()
