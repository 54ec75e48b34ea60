"""Hostile shapes are refused from cheap counts before any per-cell work: small files shaped like the
attacks (hundreds of thousands of columns, forged workbook dimensions, thousands of bad rows).
How long a refusal takes is measured in bench/hostile_uploads.py, not here."""

from __future__ import annotations

from analytics.ingest import limits, validate
from analytics.ingest.readers import Source, source_from_bytes
from analytics.store import Store
from bench.hostile_files import workbook_with_formats, workbook_with_shared_strings, workbook_with_sheet
from tests.support import connection


def _only_problem(checked: validate.Checked) -> validate.Problem:
    assert len(checked.problems) == 1, checked.problems
    return checked.problems[0]


def test_a_csv_with_200000_header_columns_is_refused_by_its_shape(empty_store: Store) -> None:
    header = "Mã đơn vị,Năm,Quý," + ",".join(f"c{i}" for i in range(200_000))
    data = (header + "\r\nSTP_QN,2016,1\r\n").encode()
    checked = validate.check(connection(empty_store), [source_from_bytes("rong.csv", data)])
    problem = _only_problem(checked)
    assert (problem.code, problem.file) == ("read_too_many_columns", "rong.csv")
    assert problem.text().startswith("Lỗi: tệp rong.csv: dòng 1 có 200003 cột, vượt giới hạn 500 cột")
    assert not checked.ok and checked.files[0].kind is None


def test_a_csv_with_too_many_rows_or_cells_is_refused(empty_store: Store) -> None:
    tall = ("Mã đơn vị,Năm,Quý\r\n" + "\r\n" * (limits.MAX_ROWS + 1)).encode()
    wide_and_tall = ("Mã đơn vị,Năm,Quý" + ",x" * 400 + "\r\n").encode() * 1_000
    checked = validate.check(connection(empty_store), [source_from_bytes("dai.csv", tall), source_from_bytes("to.csv", wide_and_tall)])
    assert [(p.code, p.file) for p in checked.problems] == [("read_too_many_rows", "dai.csv"), ("read_too_many_cells", "to.csv")]


def test_workbooks_are_measured_by_streaming_their_xml_before_loading(empty_store: Store) -> None:
    row = "".join(f'<c t="inlineStr"><is><t>v{j}</t></is></c>' for j in range(20))
    many_cells = workbook_with_sheet("".join(f'<row r="{i}">{row}</row>' for i in range(1, 13_000)).encode())
    assert len(many_cells) < 1_000_000  # small on the wire, large once inflated
    far_row = workbook_with_sheet(b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row><row r="1048576"><c r="A1048576"/></row>')
    far_column = workbook_with_sheet(b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c><c r="XFD1"/></row>')
    sources = [source_from_bytes(name, data) for name, data in (("o.xlsx", many_cells), ("d.xlsx", far_row), ("r.xlsx", far_column))]
    checked = validate.check(connection(empty_store), sources)
    assert [(p.code, p.file) for p in checked.problems] == [
        ("read_too_many_cells", "o.xlsx"),
        ("read_too_many_rows", "d.xlsx"),
        ("read_too_many_columns", "r.xlsx"),
    ]


def test_a_workbook_of_a_few_cells_and_too_many_shared_strings_is_refused(empty_store: Store) -> None:
    workbook = workbook_with_shared_strings(limits.MAX_CELLS + 1)
    checked = validate.check(connection(empty_store), [source_from_bytes("chuoi.xlsx", workbook)])
    assert [(p.code, p.file) for p in checked.problems] == [("read_too_many_cells", "chuoi.xlsx")]


def test_a_workbook_whose_styles_hold_hundreds_of_thousands_of_formats_is_refused(empty_store: Store) -> None:
    workbook = workbook_with_formats(limits.MAX_OTHER_ELEMENTS + 1)
    checked = validate.check(connection(empty_store), [source_from_bytes("kieu.xlsx", workbook)])
    assert [(p.code, p.file, dict(p.params)["part"]) for p in checked.problems] == [("read_xlsx_too_complex", "kieu.xlsx", "xl/styles.xml")]


def test_checking_stops_after_the_problem_limit_and_counts_what_was_left(empty_store: Store) -> None:
    rows = "".join(f"NOPE_{i},2016,1,1\r\n" for i in range(3_000))
    data = ("Mã đơn vị,Năm,Quý,dien_hinh\r\n" + rows).encode()
    checked = validate.check(connection(empty_store), [source_from_bytes("sai.csv", data)])
    assert len(checked.problems) == limits.MAX_PROBLEMS + 1
    last = checked.problems[-1]
    assert (last.code, last.row) == ("stopped", limits.MAX_PROBLEMS + 2)
    assert dict(last.params)["rows"] == 3_000 - limits.MAX_PROBLEMS
    assert "đã dừng kiểm tra sau 1000 vấn đề; 2000 dòng" in last.message()


def test_a_batch_beyond_the_file_limit_is_refused_without_reading_a_file(empty_store: Store) -> None:
    class Unreadable(Source):
        def read(self) -> bytes:
            raise AssertionError("a file of a refused batch was read")

    batch = [Unreadable(name=f"f{i}.csv", size=10) for i in range(limits.MAX_FILES + 1)]
    checked = validate.check(connection(empty_store), batch)
    assert _only_problem(checked).code == "batch_too_large" and checked.files == [] and not checked.ok
    oversized = [Unreadable(name=f"{i}.csv", size=limits.MAX_BYTES) for i in range(limits.MAX_BATCH_BYTES // limits.MAX_BYTES + 1)]
    assert _only_problem(validate.check(connection(empty_store), oversized)).code == "batch_too_large"
