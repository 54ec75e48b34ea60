from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analytics.bootstrap import open_store
from analytics.history import apply_values, record_upload
from analytics.store import Store, migrations
from tests.support import make_settings


def test_migrations_are_recorded_in_the_file_and_not_rerun(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    versions = [v for v, _ in migrations()]
    assert store.cursor().execute("SELECT list(version ORDER BY version) FROM schema_migrations").fetchone()[0] == versions
    store.close()
    again = Store(tmp_path / "s.duckdb")
    assert again.migrate() == []
    again.close()


def test_reopening_keeps_data_and_does_not_reseed_demo(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = open_store(settings)
    count = store.cursor().execute("SELECT count(*) FROM facts").fetchone()[0]
    uploads = store.cursor().execute("SELECT count(*) FROM uploads").fetchone()[0]
    store.close()
    store = open_store(settings)
    assert store.cursor().execute("SELECT count(*) FROM facts").fetchone()[0] == count > 0
    assert store.cursor().execute("SELECT count(*) FROM uploads").fetchone()[0] == uploads
    store.close()


def test_failed_transaction_leaves_nothing_and_keeps_version(empty_store: Store) -> None:
    before = empty_store.data_version()
    row = pd.DataFrame([["STP_HN", 2016, 1, "xa_ntm", 2.0]], columns=["unit_code", "year", "quarter", "indicator", "value"])
    with pytest.raises(duckdb.Error), empty_store.transaction() as cur:
        apply_values(cur, record_upload(cur, kind="results", created_by="t"), row)
        cur.execute("SELECT * FROM no_such_table")
    cur = empty_store.cursor()
    assert cur.execute("SELECT count(*) FROM facts").fetchone()[0] == 0
    assert cur.execute("SELECT count(*) FROM uploads").fetchone()[0] == 0
    assert empty_store.data_version() == before


def test_apply_values_keeps_history_and_skips_unchanged(empty_store: Store) -> None:
    cols = ["unit_code", "year", "quarter", "indicator", "value"]
    first = pd.DataFrame([["STP_HN", 2016, 1, "xa_ntm", 2.0], ["STP_HN", 2016, 1, "dien_hinh", 1.0]], columns=cols)
    second = pd.DataFrame([["STP_HN", 2016, 1, "xa_ntm", 3.0], ["STP_HN", 2016, 1, "dien_hinh", 1.0]], columns=cols)

    def upload(frame: pd.DataFrame):  # type: ignore[no-untyped-def]
        def work(cur):  # type: ignore[no-untyped-def]
            return apply_values(cur, record_upload(cur, kind="results", created_by="t"), frame)

        return empty_store.write(work)

    a = upload(first)
    assert (a.new, a.changed, a.unchanged) == (2, 0, 0)
    version = empty_store.data_version()
    b = upload(second)
    assert (b.new, b.changed, b.unchanged) == (0, 1, 1)
    assert empty_store.data_version() == version + 1
    cur = empty_store.cursor()
    assert cur.execute("SELECT value, upload_id FROM facts WHERE indicator = 'xa_ntm'").fetchone() == (3.0, b.upload_id)
    assert cur.execute("SELECT old_value, new_value FROM fact_history WHERE upload_id = ?", [b.upload_id]).fetchall() == [(2.0, 3.0)]
