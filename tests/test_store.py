import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analytics.bootstrap import open_store
from analytics.export import export_csv
from analytics.history import apply_values, record_upload
from analytics.store import Store, StoreBusyError, migrations
from tests.support import PROJECT, StoreKind, StoreTemplates, connection, make_settings, slow_except, store_settings


def test_migrations_are_recorded_in_the_file_and_not_rerun(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    versions = [v for v, _ in migrations()]
    assert connection(store).execute("SELECT list(version ORDER BY version) FROM schema_migrations").fetchone()[0] == versions
    again = Store(tmp_path / "s.duckdb")
    assert again.migrate() == []


def test_reopening_keeps_data_and_does_not_reseed_demo(open_ready_store: Callable[..., Store], tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = open_ready_store(settings)  # a fresh install's store (seeding it is tested in tests/test_demo.py)
    count = connection(store).execute("SELECT count(*) FROM facts").fetchone()[0]
    uploads = connection(store).execute("SELECT count(*) FROM uploads").fetchone()[0]
    store = open_store(settings)
    assert connection(store).execute("SELECT count(*) FROM facts").fetchone()[0] == count > 0
    assert connection(store).execute("SELECT count(*) FROM uploads").fetchone()[0] == uploads


@pytest.mark.parametrize("kind", slow_except(["demo", "empty", "mini", "years"], "demo", "empty", "mini"))
def test_opening_a_template_copy_changes_nothing(store_templates: StoreTemplates, tmp_path: Path, kind: StoreKind) -> None:
    """What lets the store fixtures skip open_store: the copy is already current."""
    store = store_templates.open(kind, tmp_path)
    before = store.data_version(), export_csv(connection(store))
    open_store(store_settings(kind, tmp_path))
    assert (store.data_version(), export_csv(connection(store))) == before


def test_failed_transaction_leaves_nothing_and_keeps_version(empty_store: Store) -> None:
    before = empty_store.data_version()
    row = pd.DataFrame([["STP_HN", 2016, 1, "xa_ntm", 2.0]], columns=["unit_code", "year", "quarter", "indicator", "value"])
    with pytest.raises(duckdb.Error), empty_store.transaction() as cur:
        apply_values(cur, record_upload(cur, kind="results", created_by="t"), row)
        cur.execute("SELECT * FROM no_such_table")
    cur = connection(empty_store)
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
    cur = connection(empty_store)
    assert cur.execute("SELECT value, upload_id FROM facts WHERE indicator = 'xa_ntm'").fetchone() == (3.0, b.upload_id)
    assert cur.execute("SELECT old_value, new_value FROM fact_history WHERE upload_id = ?", [b.upload_id]).fetchall() == [(2.0, 3.0)]


def _in_another_process(code: str, db: Path) -> subprocess.CompletedProcess[str]:
    """`code` in its own interpreter (DB = the store's path), as the CLI or a cron job runs beside the dashboard."""
    script = "import sys, time, duckdb\nfrom analytics.store import Store\nDB = sys.argv[1]\n" + code
    return subprocess.run([sys.executable, "-c", script, str(db)], capture_output=True, text=True, cwd=PROJECT, timeout=60)


def test_the_store_is_let_go_between_pieces_of_work_and_a_write_elsewhere_is_seen(tmp_path: Path) -> None:
    """Another process can open the file while this one has the store (the dashboard's case), and its
    committed write bumps the data version this process reads, without opening the store."""
    store = open_store(make_settings(tmp_path, demo=False))
    before = store.data_version()
    done = _in_another_process("Store(DB).write(lambda cur: Store.set_meta(cur, 'touched', 'yes'))", store.path)
    assert done.returncode == 0, done.stderr
    assert store.data_version() == before + 1
    assert store.get_meta("touched") == "yes"


def _hold(db: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process that opens the store file for `seconds`; returns once it holds it."""
    code = "import sys, time, duckdb\ncon = duckdb.connect(sys.argv[1])\nprint('held', flush=True)\ntime.sleep(float(sys.argv[2]))"
    holder = subprocess.Popen([sys.executable, "-c", code, str(db), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    return holder


@pytest.mark.slow  # two more interpreters and a second of waiting
def test_a_store_held_for_a_moment_is_waited_for_and_one_held_too_long_is_reported(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb", wait_seconds=20)
    holder = _hold(store.path, 1.0)
    with store.reading() as cur:  # retried until the other process let go
        assert cur.execute("SELECT count(*) FROM schema_migrations").fetchone() == (len(migrations()),)
    holder.wait(30)
    holder = _hold(store.path, 30)
    try:
        with pytest.raises(StoreBusyError):  # the error the CLI turns into exit 3 and the dashboard into its busy page
            Store(store.path, wait_seconds=0.3)
    finally:
        holder.kill()
        holder.wait(30)


def test_a_new_file_at_an_old_path_does_not_inherit_its_data_version(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    for _ in range(3):
        store.write(lambda cur: Store.set_meta(cur, "x", "1"))
    assert store.data_version() == 3
    store.path.unlink()
    assert Store(store.path).data_version() == 0


@pytest.mark.slow  # another interpreter
def test_a_lingering_store_lets_go_as_soon_as_another_process_asks(tmp_path: Path) -> None:
    """The dashboard keeps the file for a while after a read (opening it afresh is slow), but a command
    asking for it gets it within moments, and the dashboard's next read sees what it wrote."""
    store = Store(tmp_path / "s.duckdb", linger_seconds=60)
    before = store.data_version()
    with store.reading() as cur:
        cur.execute("SELECT 1").fetchall()
    code = (
        "started = time.monotonic()\n"
        "Store(DB, wait_seconds=30).write(lambda cur: Store.set_meta(cur, 'x', '1'))\n"
        "print(time.monotonic() - started)"
    )
    done = _in_another_process(code, store.path)
    assert done.returncode == 0, done.stderr
    assert float(done.stdout) < 5  # not the 60 s the dashboard would otherwise have kept it
    assert store.data_version() == before + 1 and store.get_meta("x") == "1"
