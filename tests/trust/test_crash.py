"""Crash safety: SIGKILL a process in the middle of a large import; the store reopens as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analytics import export
from analytics.bootstrap import open_store
from tests.support import TESTS, connection, make_settings, quarter_file

pytestmark = pytest.mark.slow  # SIGKILLs a process mid-import

# A child that writes 800 000 values as one upload, announcing each stage on stdout.
CHILD = """
import sys, time
import numpy as np, pandas as pd
from analytics.history import apply_values, record_upload
from analytics.store import Store

n = 800_000
rng = np.random.default_rng(1)
frame = pd.DataFrame({
    "unit_code": np.array(["STP_QN", "STP_HN", "THADS_HP"])[rng.integers(0, 3, n)],
    "year": 2100 + np.arange(n) // 40_000, "quarter": (np.arange(n) // 10_000) % 4 + 1,
    "indicator": [f"x{i % 10_000}" for i in range(n)], "value": rng.random(n),
}).drop_duplicates(["unit_code", "year", "quarter", "indicator"])
store = Store(sys.argv[1])
with store.transaction() as cur:
    upload_id = record_upload(cur, kind="results", created_by="crash", file_name="big.csv", raw=b"x" * 1_000_000)
    print("BEGUN", flush=True)
    apply_values(cur, upload_id, frame)
    print("APPLIED", flush=True)
    if sys.argv[2] == "hold":
        time.sleep(60)
print("COMMITTED", flush=True)
time.sleep(60)
"""


def _state(db: Path) -> tuple[str, int, int, int]:
    store = open_store(make_settings(db.parent))
    cur = connection(store)
    counts = cur.execute(
        "SELECT (SELECT count(*) FROM uploads), (SELECT count(*) FROM fact_history), (SELECT count(*) FROM audit)"
    ).fetchone()
    assert counts is not None
    return (export.export_csv(cur), *counts)


def _run_and_kill(db: Path, mode: str, kill_after: str, delay: float) -> str:
    """Start the child, SIGKILL it `delay` s after it prints `kill_after`; returns what it printed after that."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), mode], stdout=subprocess.PIPE, text=True, cwd=TESTS.parent, env=dict(os.environ)
    )
    assert child.stdout is not None
    try:
        deadline = time.monotonic() + 120
        for line in child.stdout:
            if line.strip() == kill_after:
                break
            assert time.monotonic() < deadline
        else:
            pytest.fail(f"child ended before {kill_after}: {child.wait()}")
        time.sleep(delay)
        assert child.poll() is None, "the child must still be inside its transaction when killed"
        child.send_signal(signal.SIGKILL)
        child.wait(30)
        return child.stdout.read()
    finally:
        child.kill()
        child.wait(30)


@pytest.mark.parametrize(
    ("kill_after", "mode", "delay"),
    [("BEGUN", "hold", 0.05), ("APPLIED", "hold", 0.2)],
    ids=["while-writing-values", "before-commit"],
)
def test_sigkill_inside_the_transaction_leaves_the_previous_state(tmp_path: Path, kill_after: str, mode: str, delay: float) -> None:
    db = tmp_path / "thidua.duckdb"
    before = _state(db)
    printed = _run_and_kill(db, mode, kill_after, delay)
    if kill_after == "BEGUN":
        assert "APPLIED" not in printed  # killed while the values were being written
    assert _state(db) == before


def test_sigkill_after_commit_keeps_the_committed_import(tmp_path: Path) -> None:
    db = tmp_path / "thidua.duckdb"
    before = _state(db)
    _run_and_kill(db, "commit", "COMMITTED", 0.0)
    after = _state(db)
    assert after[1] == before[1] + 1 and after[2] > before[2] + 500_000  # the whole upload, durable


# The real `python -m analytics import`, slowed down inside its transaction (after the values are
# written, before the commit) so that the kill surely lands there.
IMPORT_CHILD = """
import sys, time
import analytics.ingest.save as save
real = save.apply_values

def slow(*args, **kwargs):
    applied = real(*args, **kwargs)
    print("APPLIED", flush=True)
    time.sleep(60)
    return applied

save.apply_values = slow
from analytics.cli import main
sys.exit(main(["import", "--replace-demo", *sys.argv[1:]]))
"""


def test_sigkill_during_a_real_import_leaves_the_previous_state(tmp_path: Path) -> None:

    db = tmp_path / "thidua.duckdb"
    before = _state(db)
    files = [str(quarter_file(tmp_path, ["STP_QN", "THADS_HN", "STP_HP"], q)) for q in (1, 2)]
    child = subprocess.Popen(
        [sys.executable, "-c", IMPORT_CHILD, *files],
        stdout=subprocess.PIPE,
        text=True,
        cwd=TESTS.parent,
        env=dict(os.environ, THIDUA_DB=str(db)),
    )
    assert child.stdout is not None
    try:
        lines = [child.stdout.readline().strip() for _ in range(3)]  # two "file read" lines, then the marker
        assert lines[-1] == "APPLIED", lines  # demo removed and the first file written, uncommitted
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    finally:
        child.kill()
        child.wait(30)
    after = _state(db)
    assert after[:3] == before[:3]  # demo data still there, nothing of the import, no upload rows
    assert after[3] == before[3] + 1  # only the automatic backup taken before replacing the demo (committed earlier)
    assert len(list((tmp_path / "backups").glob("*before_demo_remove*/manifest.json"))) == 1
