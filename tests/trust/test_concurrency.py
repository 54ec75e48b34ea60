"""Many writers and readers on one store: writes are serialised and atomic, readers never see half of one."""

from __future__ import annotations

import threading
import time

import duckdb
import pandas as pd
import pytest

from analytics.history import apply_values, record_upload
from analytics.store import Store
from tests.support import connection, make_settings

COLS = ["unit_code", "year", "quarter", "indicator", "value"]
UNITS = [f"STP_{c}" for c in ("BN", "HNA", "HN", "HD", "HP", "HY", "ND", "NB", "QN", "TB", "VP")]
INDICATORS = [f"i{n:02d}" for n in range(20)]
KEYS = len(UNITS) * len(INDICATORS)  # 220 values per upload


def batch(marker: float) -> pd.DataFrame:
    """Every key of the shared slice set to one marker: a reader sees one marker or a torn write."""
    return pd.DataFrame([[u, 2099, 1, i, marker] for u in UNITS for i in INDICATORS], columns=COLS)


@pytest.mark.slow
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
            cur = connection(store)  # one cursor per reader, as each dashboard session has
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
    cur = connection(store)
    per_upload = dict(cur.execute("SELECT upload_id, count(*) FROM fact_history GROUP BY upload_id").fetchall())
    assert all(per_upload.get(upload_id) == KEYS for upload_id, _ in committed)  # every committed upload fully recorded
    last_id, last_marker = max(committed)
    assert cur.execute("SELECT DISTINCT value, upload_id FROM facts WHERE year = 2099").fetchall() == [(last_marker, last_id)]
    assert store.data_version() >= len(committed)


def test_a_write_conflict_is_retried_not_lost(empty_store: Store) -> None:
    """A transaction outside the app's queue holds the same row: Store.write retries until it can commit."""
    outsider = connection(empty_store)
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
    outsider = connection(empty_store)
    outsider.begin()
    outsider.execute("UPDATE meta SET value = '41' WHERE key = 'data_version'")
    try:
        empty_store.write(lambda cur: None, retries=0)
        raise AssertionError("expected a write-write conflict")
    except duckdb.TransactionException:
        pass
    finally:
        outsider.rollback()


@pytest.mark.slow
def test_uploads_through_the_ingest_with_readers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Three focal points upload corrected files again and again while four sessions read."""
    from analytics.bootstrap import open_store
    from analytics.config import load_campaigns
    from analytics.downloads import csv_bytes
    from analytics.ingest import validate
    from analytics.ingest.readers import source_from_bytes
    from analytics.ingest.templates import template_frame
    from analytics.registry import load_units
    from analytics.settings import DATA_DIR
    from analytics.trust import actions, auth

    store = open_store(make_settings(tmp_path, demo=False))
    sample = template_frame(load_units(DATA_DIR / "units.csv"), load_campaigns(DATA_DIR / "campaigns")[2016], 3, filled=True)
    units = ["STP_QN", "THADS_HP", "STP_HN"]
    root = auth.system_user("t")
    users = {u: auth.add_user(store, root, f"dm.{u.lower()}", "unit", "mat khau dai 1", unit_code=u) for u in units}
    numbers = sample.columns[5:]
    stop = time.monotonic() + 3.0
    committed: list[tuple[str, int, int]] = []  # unit, upload id, values it wrote
    errors: list[BaseException] = []
    torn: list[object] = []

    def uploader(unit: str) -> None:
        k = 0
        try:
            while time.monotonic() < stop:
                k += 1
                frame = sample[sample["Mã đơn vị"] == unit].copy()
                frame[numbers] = frame[numbers] + k  # a corrected file: every value changes
                checked = validate.check(connection(store), [source_from_bytes(f"{unit}-{k}.csv", csv_bytes(frame))])
                assert checked.ok, [p.text() for p in checked.problems][:3]
                result = actions.commit_upload(store, checked, users[unit], backups_root=tmp_path / "b")
                stored = result.stored[0]
                assert stored.applied is not None
                committed.append((unit, int(stored.upload_id or 0), stored.applied.new + stored.applied.changed))
        except BaseException as exc:
            errors.append(exc)

    def reader() -> None:
        try:
            cur = connection(store)
            while time.monotonic() < stop:
                rows = cur.execute(
                    "SELECT unit_code, count(DISTINCT upload_id), count(*) FROM facts WHERE year = 2016 AND quarter = 3 GROUP BY unit_code"
                ).fetchall()
                torn.extend(r for r in rows if r[1] != 1)  # values of two uploads mixed for one unit
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=uploader, args=(u,)) for u in units] + [threading.Thread(target=reader) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert errors == [] and torn == []
    assert len(committed) >= 6
    cur = connection(store)
    for unit, upload_id, written in committed:
        assert cur.execute("SELECT count(*) FROM fact_history WHERE upload_id = ?", [upload_id]).fetchone() == (written,)
        actor = cur.execute("SELECT actor FROM audit WHERE upload_id = ?", [upload_id]).fetchone()
        assert actor == (users[unit].name,)
    for unit in units:
        last = max(upload_id for u, upload_id, _ in committed if u == unit)
        assert cur.execute("SELECT DISTINCT upload_id FROM facts WHERE unit_code = ? AND quarter = 3", [unit]).fetchall() == [(last,)]
