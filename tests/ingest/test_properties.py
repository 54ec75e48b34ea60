"""Property tests: random bytes and random damage to a good file never crash the ingest, and a
rejected batch never stores anything (export, uploads and registers unchanged)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.bootstrap import open_store
from analytics.export import export_csv
from analytics.ingest import save, validate
from analytics.ingest.readers import source_from_bytes
from analytics.store import Store
from tests.support import TESTS, connection, make_settings

pytestmark = pytest.mark.slow  # hundreds of damaged files per test

GOOD = TESTS / "data" / "upload" / "good"
SEEDS = {
    "csv": (GOOD / "excel_vn_windows1258_semicolon.csv").read_bytes(),
    "utf16": (GOOD / "excel_unicode_text_utf16.txt").read_bytes(),
    "xlsx": (GOOD / "workbook_second_sheet.xlsx").read_bytes(),
}
# THIDUA_HYPOTHESIS_EXAMPLES=600 for a longer hunt (done before committing; 60 keeps the suite quick).
EXAMPLES = int(os.environ.get("THIDUA_HYPOTHESIS_EXAMPLES", "60"))
FAST = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    s = open_store(make_settings(Path(tmp_path_factory.mktemp("prop")), demo=False))
    yield s


def snapshot(store: Store) -> tuple[str, int, int, int]:
    cur = connection(store)
    uploads = cur.execute("SELECT count(*) FROM uploads").fetchall()[0][0]
    communes = cur.execute("SELECT count(*) FROM communes").fetchall()[0][0]
    return export_csv(cur), uploads, communes, store.data_version()


def attempt(store: Store, name: str, data: bytes) -> validate.Checked:
    """What the CLI does; must never raise, whatever the bytes."""
    before = snapshot(store)
    checked = validate.check(connection(store), [source_from_bytes(name, data)])
    for problem in checked.problems:
        assert problem.text() and problem.text("en")  # every message renders in both languages
    if checked.ok:
        save.commit(store, checked, by="hypothesis")
    else:
        assert snapshot(store) == before
    return checked


@FAST
@given(data=st.binary(max_size=4096), name=st.sampled_from(["x.csv", "x.xlsx", "x.txt", "x"]))
def test_random_bytes_never_crash_and_rejections_store_nothing(store: Store, data: bytes, name: str) -> None:
    attempt(store, name, data)


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[kind])
    for _ in range(draw(st.integers(1, 6))):
        action = draw(st.sampled_from(["flip", "cut", "insert", "truncate", "dup"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if action == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif action == "cut":
            del data[at : at + draw(st.integers(1, 200))]
        elif action == "insert":
            data[at:at] = draw(st.sampled_from([b";", b",", b"\t", b"\r\n", b'"', b"=1+1", b"-5", b"\x00", b"\xff\xfe", "Đ".encode()]))
        elif action == "truncate":
            del data[at:]
        else:
            data[at:at] = data[at : at + draw(st.integers(1, 300))]
    return ("x.xlsx" if kind == "xlsx" else "x.csv"), bytes(data)


@FAST
@given(case=damaged())
def test_damaged_good_files_never_crash_and_rejections_store_nothing(store: Store, case: tuple[str, bytes]) -> None:
    attempt(store, *case)


@FAST
@given(
    row=st.integers(2, 23),
    column=st.integers(5, 25),
    cell=st.one_of(st.text(max_size=12), st.sampled_from(["-1", "=A1", "1.5", "1,5", "99999999", "", " ", "1e3", "NaN", "∞"])),
)
def test_one_cell_changed_is_stored_or_rejected_with_its_row(store: Store, row: int, column: int, cell: str) -> None:
    text = SEEDS["csv"].decode("cp1258")
    lines = text.split("\r\n")
    cells = lines[row - 1].split(";")
    if column >= len(cells):
        return
    cells[column] = cell.replace(";", "").replace("\r", "").replace("\n", "").replace('"', "")
    lines[row - 1] = ";".join(cells)
    try:
        data = "\r\n".join(lines).encode("cp1258")
    except UnicodeEncodeError:
        data = "\r\n".join(lines).encode("utf-8")
    checked = attempt(store, "one_cell.csv", data)
    for problem in checked.errors:
        assert problem.row in (None, 1, row), problem.text()
