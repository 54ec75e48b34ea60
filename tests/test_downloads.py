"""Every file the product offers for download, fuzzed with hostile text (hypothesis).

Each download is built by the function that builds it for people: a table as the pages offer it,
the quarterly template and its filled sample from a hostile units.csv, the commune register, the
upload error report of a hostile file, the audit trail and the account list. Each file is opened
again by its own reader (the csv module, openpyxl), and for every one: as many rows and columns as
the table, each text cell exactly as written unless a spreadsheet would run it as a formula, and then
behind exactly one apostrophe, numbers still numbers, and a CSV in UTF-8 with a BOM and CRLF row ends.
The fuzz tests are slow; the tests with fixed inputs stay in the quick loop.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import string
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import streamlit as st
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as s
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from analytics.communes import replace_register
from analytics.config import load_campaigns
from analytics.downloads import csv_bytes, neutralise_cell, xlsx_bytes
from analytics.history import record_upload
from analytics.ingest import review, templates, validate
from analytics.ingest.headers import REGISTER_ALIASES
from analytics.ingest.readers import source_from_bytes
from analytics.labels import TEMPLATE_IDENTITY
from analytics.registry import COLUMNS, load_units
from analytics.settings import DATA_DIR
from analytics.store import Store
from analytics.trust import audit, auth
from tests.support import PROJECT, StoreTemplates, connection, csv_file, hostile

# Cells a spreadsheet runs as formulas: the signs, full-width ones included, also behind spaces,
# NBSP, tabs, line breaks or control characters, which a spreadsheet skips or drops.
FORMULAS = [
    "=1+1",
    "+1",
    "-1",
    "@A1",
    "\t=1",
    "\r=1",
    "\n=1",
    "\r\n=1",
    "\uff1d1+1",
    "\uff0b1",
    "\uff0d1",
    "\uff20A1",
    " =1",
    "\u00a0=1",
    "\u3000=1",
    "\x01=1",
    "\x1f\x7f=1",
    "\u200b=1",
    "\u202e=1",
    "\ufeff=1",
    "=" + "x" * 40_000,
]
LEADING = " \t\r\n\u00a0\x01\x0b\x0c\u200b\u202e\u2066"
cells = s.one_of(
    hostile,
    s.sampled_from(FORMULAS),
    s.tuples(s.text(alphabet=LEADING, max_size=4), s.sampled_from("=+-@\uff1d\uff0b\uff0d\uff20"), hostile).map("".join),
)
# A cell a spreadsheet may run as a formula: it starts with a tab or a carriage return, or its first
# character after spaces and control characters is a formula sign.
FORMULA = re.compile(r"^(?:[\t\r]|[\s\x00-\x1f\x7f\u00a0]*[=+\-@\uff1d\uff0b\uff0d\uff20])")
QUOTED = re.compile(r'"(?:[^"]|"")*"')
BOM = b"\xef\xbb\xbf"
EXCEL_CELL = 32_767
# pandas cuts longer text to what an Excel cell holds, and says so.
pytestmark = pytest.mark.filterwarnings("ignore:Cell contents too long:UserWarning")
STORE_EXAMPLES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def inert(cell: str) -> bool:
    """A spreadsheet shows this cell as text."""
    return cell.startswith("'") or not FORMULA.match(cell)


def is_number(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def check_cell(written: object, value: object, number: bool, *, in_worksheet: bool = False) -> None:
    if isinstance(value, str):
        if in_worksheet:  # a worksheet cell holds no control characters; they are dropped before neutralising
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        expected = "'" + value if FORMULA.match(value) else value  # the apostrophe only where a formula could run
        if in_worksheet:  # 32,767 characters at most; the writer keeps a CR (escaped in the sheet's XML)
            expected = expected[:EXCEL_CELL]
            written = "" if written is None else written
        assert written == expected, (written, value)
        assert inert(str(written)), written
    elif pd.isna(value):  # type: ignore[call-overload]
        assert written in ("", None), written
    elif number:
        if in_worksheet:
            assert isinstance(written, int | float) and not isinstance(written, bool), written
        assert float(written) == pytest.approx(float(value)), (written, value)  # type: ignore[arg-type]
    else:
        assert not isinstance(written, str) or inert(written), written


def check_csv(data: bytes, frame: pd.DataFrame) -> None:
    """UTF-8 with BOM, rows ended by CRLF (line breaks only inside quoted cells), cells safe and kept."""
    assert data.startswith(BOM)
    text = data[len(BOM) :].decode("utf-8")
    between_quotes = QUOTED.sub("", text)
    assert between_quotes.endswith("\r\n") and between_quotes.count("\r\n") == len(frame) + 1
    assert not re.search(r"\r(?!\n)|(?<!\r)\n", between_quotes)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == len(frame) + 1 and all(len(row) == frame.shape[1] for row in rows)
    for j, name in enumerate(frame.columns):
        check_cell(rows[0][j], str(name), False)
        column = frame.iloc[:, j]
        for i, value in enumerate(column):
            check_cell(rows[i + 1][j], value, is_number(column))


def check_xlsx(data: bytes, frame: pd.DataFrame) -> openpyxl.worksheet.worksheet.Worksheet:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert (sheet.max_row, sheet.max_column) == (len(frame) + 1, frame.shape[1])
    rows = list(sheet.iter_rows())
    assert not [c.coordinate for row in rows for c in row if c.data_type == "f"]  # no formula cell at all
    for j, name in enumerate(frame.columns):
        check_cell(rows[0][j].value, str(name), False, in_worksheet=True)
        column = frame.iloc[:, j]
        for i, value in enumerate(column):
            check_cell(rows[i + 1][j].value, value, is_number(column), in_worksheet=True)
    return sheet


@pytest.fixture(scope="module")
def store(store_templates: StoreTemplates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The shipped registry and campaign, no values; hostile text piles up across examples."""
    yield store_templates.open("empty", tmp_path_factory.mktemp("downloads"))


# --- tables (ui.tables offers every table a page shows as CSV and .xlsx) -----------------------------


@pytest.mark.slow
@given(
    header=cells,
    texts=s.lists(cells, min_size=1, max_size=4),
    numbers=s.lists(s.floats(-1e12, 1e12), min_size=4, max_size=4),
    counts=s.lists(s.one_of(s.none(), s.integers(-(10**9), 10**9)), min_size=4, max_size=4),
)
@settings(max_examples=200, deadline=None)
def test_table_downloads(header: str, texts: list[str], numbers: list[float], counts: list[int | None]) -> None:
    assume(header not in ("Đơn vị", "Giá trị", "Số việc", "Đạt"))
    n = len(texts)
    frame = pd.DataFrame(
        {
            "Đơn vị": texts,
            header: pd.array(texts[::-1], dtype="string"),
            "Giá trị": numbers[:n],
            "Số việc": pd.array(counts[:n], dtype="Int64"),
            "Đạt": [v > 0 for v in numbers[:n]],
        }
    )
    check_csv(csv_bytes(frame), frame)
    check_xlsx(xlsx_bytes(frame), frame)


def test_table_downloads_neutralise_formulas_and_keep_negative_numbers_as_numbers() -> None:
    frame = pd.DataFrame({"Đơn vị": ['=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "Sở Tư pháp"], "Giá trị": [1.5, -3, 0, 2, 1234]})
    data = csv_bytes(frame)
    check_csv(data, frame)
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert back["Đơn vị"].tolist() == ['\'=HYPERLINK("x")', "'+1", "'-2", "'@SUM(A1)", "Sở Tư pháp"]
    assert back["Giá trị"].tolist() == [1.5, -3, 0, 2, 1234]
    sheet = check_xlsx(xlsx_bytes(frame), frame)
    units = [sheet.cell(row=r, column=1) for r in range(2, 7)]
    assert [cell.value for cell in units] == back["Đơn vị"].tolist()
    assert all(cell.data_type == "s" for cell in units)  # text, never a formula
    assert [sheet.cell(row=r, column=2).value for r in range(2, 7)] == [1.5, -3, 0, 2, 1234]
    assert neutralise_cell(5) == 5 and neutralise_cell("a=b") == "a=b"  # only a leading sign makes a formula


# --- the quarterly template and its filled sample, from a hostile units.csv -------------------------

codes = s.one_of(
    s.sampled_from(["=cmd|' /C calc'!A0", "+1", "-1", "@A1", " =1", "STP_QN"]),
    s.text(alphabet=string.printable, min_size=1, max_size=20),
).filter(lambda code: code.strip() != "")
names = cells.filter(lambda name: name.strip() != "" and "\x00" not in name)


def hostile_units(folder: Path, units: list[tuple[str, str]]) -> Path:
    file = folder / "units.csv"
    blocks = itertools.cycle(["STP", "THADS"])
    rows = [[code, name, name, name, "tỉnh", next(blocks), 2016, "", "", name] for code, name in units]
    file.write_bytes(csv_file([list(COLUMNS), *rows]))
    return file


@pytest.mark.slow
@given(
    units=s.lists(s.tuples(codes, names), min_size=1, max_size=3, unique_by=lambda unit: unit[0].strip()),
    quarter=s.integers(1, 4),
    filled=s.booleans(),
)
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_template_and_sample_downloads(tmp_path: Path, units: list[tuple[str, str]], quarter: int, filled: bool) -> None:
    registry = load_units(hostile_units(tmp_path, units))
    frame = templates.template_frame(registry, load_campaigns(DATA_DIR / "campaigns")[2016], quarter, filled=filled)
    # the hostile names are in (rows in the listing order: block, then the collated short name)
    assert sorted(frame[TEMPLATE_IDENTITY["unit_name"]].tolist()) == sorted(u.name for u in registry)
    check_csv(csv_bytes(frame), frame)
    assert check_xlsx(xlsx_bytes(frame, templates.SHEET), frame).title == templates.SHEET


# --- the commune register (the upload page's current lists, to edit and upload again) ---------------


def save_register(store: Store, rows: list[list[object]]) -> pd.DataFrame:
    """Store `rows` as the lists of their units, years and programs, as an upload would."""
    register = pd.DataFrame(rows, columns=["unit_code", "year", "program", "commune", "district", "status", "achieved_on", "note"])
    store.write(
        lambda cur: replace_register(cur, record_upload(cur, kind="communes", created_by="fuzz", file_name="x", raw=b"x"), register)
    )
    return register


@pytest.mark.slow
@given(rows=s.lists(s.tuples(cells, cells, cells, s.booleans()), min_size=1, max_size=3))
@STORE_EXAMPLES
def test_commune_register_download(store: Store, rows: list[tuple[str, str, str, bool]]) -> None:
    register = save_register(
        store,
        [
            ["STP_QN", 2016, "ntm", commune, district, "achieved" if done else "registered", date(2016, 6, 30) if done else None, note]
            for commune, district, note, done in rows
        ],
    )
    frame = review.register_template(connection(store), 2016)
    assert sorted(frame[REGISTER_ALIASES["commune"][0]]) == sorted(register["commune"])
    check_csv(csv_bytes(frame), frame)


# --- the upload error report ------------------------------------------------------------------------


@pytest.mark.slow
@given(cell=cells)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_upload_error_report_download(store: Store, cell: str) -> None:
    data = csv_file([["Mã đơn vị", "Năm", "Quý", "xa_ntm"], ["STP_QN", 2016, 1, cell], [cell, 2016, 1, 2]])
    frame = review.problems_frame(validate.check(connection(store), [source_from_bytes(cell[:40] + ".csv", data)]))
    assert not frame.empty  # the hostile cell is either not a number or not a unit
    check_csv(csv_bytes(frame), frame)


def test_upload_error_report_neutralises_the_file_name_and_values_and_keeps_vietnamese(empty_store: Store) -> None:
    text = 'Mã đơn vị,Năm,Quý,dien_hinh\r\n=HYPERLINK("x"),2016,1,@SUM(1)\r\n'
    frame = review.problems_frame(validate.check(connection(empty_store), [source_from_bytes("=evil.csv", text.encode())]))
    data = csv_bytes(frame)
    check_csv(data, frame)
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(back.columns) == list(frame.columns) and "Tệp" in back.columns
    assert (back["Tệp"] == "'=evil.csv").all()
    assert {'\'=HYPERLINK("x")', "'@SUM(1)"} <= set(back["Giá trị"])
    for column in back.columns:
        assert not back[column].str.startswith(("=", "+", "-", "@")).any(), column


# --- the audit trail (admin page: as shown; command line: as stored) ---------------------------------


@pytest.mark.slow
@given(actor=cells, target=cells, detail=cells)
@STORE_EXAMPLES
def test_audit_trail_download(store: Store, actor: str, target: str, detail: str) -> None:
    store.write(lambda cur: audit.record(cur, actor, "upload", target, {"ghi_chu": detail}))
    trail = audit.trail(connection(store), limit=20)
    assert (trail.loc[0, "actor"], trail.loc[0, "target"]) == (actor, target)
    for frame in (audit.for_display(trail), trail):
        check_csv(csv_bytes(frame), frame)


# --- the account list -------------------------------------------------------------------------------

accounts = itertools.count()


@pytest.mark.slow
@given(full_name=cells, email=cells)
@STORE_EXAMPLES
def test_account_list_download(store: Store, full_name: str, email: str) -> None:
    n = next(accounts)
    auth.add_user(store, auth.system_user("t"), f"tk{n}", "viewer", None, full_name=full_name, email=f"{email}#{n}")
    frame = auth.list_users(connection(store))
    assert frame["email"].str.endswith(f"#{n}").any()
    check_csv(csv_bytes(frame), frame)


# --- the upload page's four downloads, as the page builds them --------------------------------------


def test_upload_page_downloads_go_through_the_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Template (CSV, .xlsx), sample and commune register, with a hostile name in every unit and commune."""
    from ui import data
    from ui import upload as page

    units_file = hostile_units(tmp_path, [(f"U{i}", name) for i, name in enumerate(FORMULAS)])
    monkeypatch.setenv("THIDUA_DB", str(tmp_path / "app.duckdb"))
    monkeypatch.setenv("THIDUA_UNITS", str(units_file))
    monkeypatch.setenv("THIDUA_DEMO", "0")
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        save_register(data.store(), [[f"U{i}", 2016, "xnpl", name, name, "registered", None, name] for i, name in enumerate(FORMULAS)])
        version = data.version()
        registry, campaign = load_units(units_file), load_campaigns(DATA_DIR / "campaigns")[2016]
        check_csv(page.template_bytes(version, 2016, 3, "csv"), templates.template_frame(registry, campaign, 3))
        check_xlsx(page.template_bytes(version, 2016, 3, "xlsx"), templates.template_frame(registry, campaign, 3))
        check_csv(page.template_bytes(version, 2016, 3, "sample"), templates.template_frame(registry, campaign, 3, filled=True))
        current = review.register_template(connection(data.store()), 2016)
        assert len(current) == len(FORMULAS)
        check_csv(page.template_bytes(version, 2016, 3, "register"), current)
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()


# --- one writer -------------------------------------------------------------------------------------

WRITING = re.compile(r"to_csv\(|to_excel\(|ExcelWriter|csv\.(Dict)?[Ww]riter|Workbook\(|xlsxwriter|def neutralise")
# Files that are not downloads, each saying why next to the call.
NOT_DOWNLOADS = {"analytics/export.py", "analytics/scale.py"}


def test_only_analytics_downloads_writes_csv_and_xlsx() -> None:
    sources = [*PROJECT.glob("analytics/**/*.py"), *PROJECT.glob("ui/**/*.py"), *PROJECT.glob("pages/**/*.py"), PROJECT / "app.py"]
    found = []
    for path in sources:
        name = path.relative_to(PROJECT).as_posix()
        text = path.read_text(encoding="utf-8")
        if name == "analytics/downloads.py" or (name in NOT_DOWNLOADS and "Not analytics.downloads:" in text):
            continue
        found += [f"{name}:{number}: {line.strip()}" for number, line in enumerate(text.splitlines(), 1) if WRITING.search(line)]
    assert not found, "\n".join(found)
