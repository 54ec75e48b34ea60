"""The ingest path on real files written like the real tools (tests/data/upload, made by make_files.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analytics.bootstrap import open_store
from analytics.communes import commune_list
from analytics.export import export_csv
from analytics.history import RevertError, list_uploads, revert
from analytics.ingest import save, validate
from analytics.ingest.limits import MAX_BYTES
from analytics.ingest.readers import Source, source_from_bytes, source_from_path
from analytics.store import Store
from tests.support import TESTS, UPLOADS, StoreTemplates, connection, make_settings, slow_except

GOOD = UPLOADS / "good"
BAD = UPLOADS / "bad"
SINGLE_FORMATS = [
    "template_utf8_bom_crlf.csv",
    "utf8_nobom_lf.csv",
    "excel_vn_windows1258_semicolon.csv",
    "excel_unicode_text_utf16.txt",
    "workbook_second_sheet.xlsx",
    "excel_formula_with_cached_value.xlsx",
    "messy_nfd_names_shuffled.csv",
]


def load(store: Store, *paths: Path, by: str = "test", **options: object) -> validate.Checked:
    """check() then commit() when clean, as the CLI does; returns what check() found."""
    checked = validate.check(connection(store), [source_from_path(p) for p in paths], **options)  # type: ignore[arg-type]
    if checked.ok:
        save.commit(store, checked, by=by, replace_demo=bool(options.get("replace_demo")))
    return checked


def state(store: Store) -> tuple[str, int, int]:
    cur = connection(store)
    uploads = cur.execute("SELECT count(*) FROM uploads").fetchall()[0][0]
    communes = cur.execute("SELECT count(*) FROM communes").fetchall()[0][0]
    return export_csv(cur), uploads, communes


@pytest.fixture(scope="module")
def reference(store_templates: StoreTemplates, tmp_path_factory: pytest.TempPathFactory) -> str:
    store = store_templates.open("empty", tmp_path_factory.mktemp("ref"))
    assert load(store, GOOD / "template_utf8_bom_crlf.csv").ok
    return export_csv(connection(store))


# The reference is the template's UTF-8 file; a Windows-1258 CSV and a workbook stay quick, and
# test_detected_encodings_and_separators reads every format in the quick loop.
@pytest.mark.parametrize("name", slow_except(SINGLE_FORMATS, "excel_vn_windows1258_semicolon.csv", "workbook_second_sheet.xlsx"))
def test_every_format_stores_the_same_values(empty_store: Store, reference: str, name: str) -> None:
    checked = load(empty_store, GOOD / name)
    assert checked.ok, [p.text() for p in checked.problems]
    assert export_csv(connection(empty_store)) == reference
    assert reference.count("\n") == 353  # header + 22 units' Q2 values


def test_several_files_at_once_store_the_same_values(empty_store: Store, reference: str) -> None:
    checked = load(empty_store, GOOD / "per_block" / "stp.csv", GOOD / "per_block" / "thads.csv")
    assert checked.ok
    assert export_csv(connection(empty_store)) == reference
    kinds = connection(empty_store).execute("SELECT kind, file_name FROM uploads ORDER BY id").fetchall()
    assert kinds == [("results", "stp.csv"), ("results", "thads.csv")]  # one upload row per file, one transaction


def test_detected_encodings_and_separators(empty_store: Store) -> None:
    checked = validate.check(connection(empty_store), [source_from_path(GOOD / n) for n in SINGLE_FORMATS])
    seen = {f.name: (f.format, f.encoding, f.delimiter, f.decimal, f.sheet) for f in checked.files}
    assert seen["template_utf8_bom_crlf.csv"] == ("csv", "UTF-8 (BOM)", ",", ".", None)
    assert seen["excel_vn_windows1258_semicolon.csv"] == ("csv", "Windows-1258", ";", ",", None)
    assert seen["excel_unicode_text_utf16.txt"] == ("csv", "UTF-16 LE (BOM)", "\t", ",", None)
    assert seen["workbook_second_sheet.xlsx"][0] == "xlsx" and seen["workbook_second_sheet.xlsx"][4] == "Số liệu"


BAD_CASES = {
    "empty.csv": ("read_empty", None, None),
    "header_only.csv": ("header_only", 1, None),
    "binary.png": ("read_binary", None, None),
    "old_excel.xls": ("read_old_xls", None, None),
    "not_a_table.txt": ("no_header", 1, None),
    "ragged_row.csv": ("ragged", 4, None),
    "unknown_unit.csv": ("unknown_unit", 3, "Mã đơn vị"),
    "bad_year.csv": ("bad_year", 5, "Năm"),
    "bad_quarter.csv": ("bad_quarter", 7, "Quý"),
    "missing_quarter_column.csv": ("missing_column", 1, None),
    "formula_in_csv.csv": ("formula", 3, "Điển hình tiên tiến xây dựng được (mô hình)"),
    "formula_without_value.xlsx": ("formula", 3, "Điển hình tiên tiến xây dựng được (mô hình)"),
    "text_in_number.csv": ("not_number", 4, "Buổi tuyên truyền, phổ biến giáo dục pháp luật (buổi)"),
    "negative_count.csv": ("negative", 5, "Buổi tuyên truyền, phổ biến giáo dục pháp luật (buổi)"),
    "part_greater_than_whole.csv": ("part_gt_whole", 3, "Số việc thi hành xong (kể cả đình chỉ) (việc)"),
    "thads_value_on_stp_row.csv": ("wrong_block", 2, "Số việc có điều kiện thi hành (việc)"),
    "duplicate_rows_disagree.csv": ("duplicate_row", 24, "Điển hình tiên tiến xây dựng được (mô hình)"),
}


@pytest.fixture(scope="module")
def holding_values(store_templates: StoreTemplates, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A store after one good upload, shared by the bad-file cases: each of them must leave it as it was."""
    store = store_templates.open("empty", tmp_path_factory.mktemp("holding"))
    assert load(store, GOOD / "utf8_nobom_lf.csv").ok
    return store


# One unreadable file, one structural and two cell-level problems stay quick; the other cases share their code path.
@pytest.mark.parametrize(
    "name",
    slow_except(sorted(BAD_CASES), "binary.png", "ragged_row.csv", "text_in_number.csv", "part_greater_than_whole.csv"),
)
def test_bad_files_are_rejected_with_where_and_why_and_nothing_is_stored(holding_values: Store, name: str) -> None:
    before = state(holding_values)
    checked = load(holding_values, BAD / name, GOOD / "per_block" / "stp.csv")  # a good file in the same batch
    code, row, column = BAD_CASES[name]
    assert not checked.ok
    found = [(p.code, p.row, p.column) for p in checked.errors]
    assert (code, row, column) in found, found
    text = next(p.text() for p in checked.errors if p.code == code)
    assert name in text and text.startswith("Lỗi")
    assert state(holding_values) == before  # the good file in the batch was not stored either


def test_bad_year_reports_every_problem_not_just_the_first(empty_store: Store) -> None:
    checked = load(empty_store, BAD / "bad_year.csv")
    assert [(p.code, p.row) for p in checked.errors] == [("bad_year", 5), ("year_unknown", 6)]


def test_an_80_mb_file_is_refused_from_its_size_without_reading_it(empty_store: Store, tmp_path: Path) -> None:
    big = tmp_path / "ca_nam_80MB.csv"
    with big.open("wb") as out:
        out.truncate(80 * 1024 * 1024)  # sparse: 80 MB on paper, nothing on disk
    source = source_from_path(big)

    class Unreadable(Source):
        def read(self) -> bytes:
            raise AssertionError("the size check must come before reading")

    checked = validate.check(connection(empty_store), [Unreadable(source.name, source.size, path=big)])
    assert [p.code for p in checked.errors] == ["read_too_large"]
    assert "80.0 MB" in checked.errors[0].text() and "5 MB" in checked.errors[0].text()
    assert source.size > MAX_BYTES


def test_demo_data_is_never_mixed_with_real_data(demo_store: Store, reference: str) -> None:
    before = state(demo_store)
    checked = load(demo_store, GOOD / "utf8_nobom_lf.csv")
    assert [p.code for p in checked.errors] == ["demo_present"]
    assert "--replace-demo" in checked.errors[0].text()
    assert state(demo_store) == before
    with pytest.raises(save.DemoPresentError):
        save.commit(demo_store, validate.Checked(checked.files, []), by="x")
    assert state(demo_store) == before
    assert load(demo_store, GOOD / "utf8_nobom_lf.csv", replace_demo=True).ok
    assert export_csv(connection(demo_store)) == reference
    cur = connection(demo_store)
    assert cur.execute("SELECT count(*) FROM facts WHERE is_demo").fetchall()[0][0] == 0
    assert cur.execute("SELECT count(*) FROM communes WHERE is_demo").fetchall()[0][0] == 0
    kinds = [r[0] for r in cur.execute("SELECT kind FROM uploads ORDER BY id").fetchall()]
    assert kinds == ["demo"] * 4 + ["demo_remove", "results"]  # the demo is one upload per quarter


def test_reimporting_an_identical_file_changes_nothing_and_says_so(empty_store: Store) -> None:
    assert load(empty_store, GOOD / "template_utf8_bom_crlf.csv").ok
    before = state(empty_store)
    checked = validate.check(connection(empty_store), [source_from_path(GOOD / "template_utf8_bom_crlf.csv")])
    result = save.commit(empty_store, checked, by="test")
    assert state(empty_store) == before
    (stored,) = result.stored
    assert stored.upload_id is None and stored.same_as == 1 and stored.applied is not None and stored.applied.unchanged == 352
    preview = save.preview(connection(empty_store), checked)
    assert preview["new"].sum() == 0 and preview["changed"].sum() == 0 and preview["unchanged"].sum() == 352


def _one_unit_file(value: int, unit: str = "STP_QN") -> bytes:
    return f"Mã đơn vị,Năm,Quý,buoi_pbgdpl,dien_hinh\r\n{unit},2016,2,{value},1\r\n".encode()


def test_a_corrected_file_replaces_values_and_history_keeps_the_old_ones(empty_store: Store) -> None:
    store = empty_store
    for value in (40, 45):
        checked = validate.check(connection(store), [source_from_bytes(f"qn_{value}.csv", _one_unit_file(value))])
        assert checked.ok
        preview = save.preview(connection(store), checked)
        save.commit(store, checked, by="thu-ky")
    assert (preview["changed"].sum(), preview["unchanged"].sum()) == (1, 1)
    cur = connection(store)
    assert cur.execute("SELECT value FROM facts WHERE indicator = 'buoi_pbgdpl'").fetchall() == [(45.0,)]
    assert cur.execute("SELECT old_value, new_value FROM fact_history WHERE upload_id = 2").fetchall() == [(40.0, 45.0)]
    raw, sha, who = cur.execute("SELECT raw, sha256, created_by FROM uploads WHERE id = 2").fetchall()[0]
    assert bytes(raw) == _one_unit_file(45) and len(sha) == 64 and who == "thu-ky"


def test_revert_restores_exactly_the_values_before_and_is_recorded(empty_store: Store) -> None:
    store = empty_store
    assert load(store, GOOD / "per_block" / "stp.csv").ok
    before = export_csv(connection(store))
    assert load(store, GOOD / "template_utf8_bom_crlf.csv").ok  # adds THADS, STP unchanged
    checked = validate.check(connection(store), [source_from_bytes("fix.csv", _one_unit_file(999))])
    save.commit(store, checked, by="x")  # upload 3 changes STP_QN
    with pytest.raises(RevertError) as refused:
        store.write(lambda cur: revert(cur, 1, "x"))
    assert refused.value.code == "revert_later" and "#3" in str(refused.value.params["later"])
    store.write(lambda cur: revert(cur, 3, "x"))
    store.write(lambda cur: revert(cur, 2, "x"))
    assert export_csv(connection(store)) == before
    with pytest.raises(RevertError) as twice:
        store.write(lambda cur: revert(cur, 2, "x"))
    assert twice.value.code == "revert_twice"
    uploads = list_uploads(connection(store))
    assert uploads.loc[uploads["id"] == 5, "reverts"].item() == 2 and uploads.loc[uploads["id"] == 2, "reverted_by"].item() == 5
    # Once upload 3 and its revert cancel out, upload 1 can be reverted: back to an empty store.
    store.write(lambda cur: revert(cur, 1, "x"))
    assert export_csv(connection(store)).strip() == "unit_code,year,quarter,indicator,value"


@pytest.mark.slow  # a variant of the revert above
def test_a_revert_can_itself_be_reverted(empty_store: Store) -> None:
    assert load(empty_store, GOOD / "utf8_nobom_lf.csv").ok
    after = export_csv(connection(empty_store))
    empty_store.write(lambda cur: revert(cur, 1, "x"))
    empty_store.write(lambda cur: revert(cur, 2, "x"))
    assert export_csv(connection(empty_store)) == after


def test_revert_of_unknown_or_demo_upload_is_refused(demo_store: Store) -> None:
    for upload_id, code in ((99, "revert_unknown"), (1, "revert_kind")):
        with pytest.raises(RevertError) as refused:
            demo_store.write(lambda cur, i=upload_id: revert(cur, i, "x"))
        assert refused.value.code == code


@pytest.mark.slow  # the demo replaced and a revert stay quick above
def test_replacing_demo_then_reverting_both_brings_the_demo_back(demo_store: Store) -> None:
    before = export_csv(connection(demo_store))
    demo_communes = len(commune_list(connection(demo_store), 2016, "ntm"))
    assert load(demo_store, GOOD / "utf8_nobom_lf.csv", replace_demo=True).ok
    # Uploads 1–4 are the demo's quarters, 5 removes the demo, 6 stores the file.
    with pytest.raises(RevertError):
        demo_store.write(lambda cur: revert(cur, 5, "x"))  # demo back while real values exist: refused
    demo_store.write(lambda cur: revert(cur, 6, "x"))
    demo_store.write(lambda cur: revert(cur, 5, "x"))
    assert export_csv(connection(demo_store)) == before
    assert len(commune_list(connection(demo_store), 2016, "ntm")) == demo_communes
    assert connection(demo_store).execute("SELECT bool_and(is_demo) FROM facts").fetchall()[0][0] is True


@pytest.mark.parametrize("name", slow_except(["communes_utf8.csv", "communes_windows1258.csv"], "communes_utf8.csv"))
def test_commune_registers_import_and_revert(empty_store: Store, name: str) -> None:
    store = empty_store
    checked = load(store, UPLOADS / name)
    assert checked.ok and checked.files[0].kind == "communes"
    ntm = commune_list(connection(store), 2016, "ntm")
    assert list(ntm["commune"]) == ["Xã Bình Dân", "Xã Đông Xá", "Xã Hạ Long", "Xã Vạn Yên"]
    assert dict(zip(ntm["commune"], ntm["status"], strict=True))["Xã Đông Xá"] == "achieved"
    assert str(ntm.loc[ntm["commune"] == "Xã Vạn Yên", "achieved_on"].item())[:10] == "2016-10-20"
    assert list(commune_list(connection(store), 2016, "xnpl")["commune"]) == ["Xã Quảng Nghĩa"]
    # A corrected list for STP_QN ntm replaces that list only; revert brings the first back.
    fix = "Mã đơn vị,Năm,Chương trình,Xã,Trạng thái\r\nSTP_QN,2016,ntm,Xã Tiên Yên,Đang thực hiện\r\n".encode()
    assert validate.check(connection(store), [source_from_bytes("fix.csv", fix)]).ok
    save.commit(store, validate.check(connection(store), [source_from_bytes("fix.csv", fix)]), by="x")
    assert sorted(commune_list(connection(store), 2016, "ntm")["commune"]) == ["Xã Hạ Long", "Xã Tiên Yên", "Xã Vạn Yên"]
    store.write(lambda cur: revert(cur, 2, "x"))
    assert list(commune_list(connection(store), 2016, "ntm")["commune"]) == list(ntm["commune"])
    store.write(lambda cur: revert(cur, 1, "x"))
    assert commune_list(connection(store), 2016, "ntm").empty and commune_list(connection(store), 2016, "xnpl").empty


def test_register_rules(empty_store: Store) -> None:
    text = (
        "Mã đơn vị,Năm,Chương trình,Xã,Trạng thái,Ngày đạt\r\n"
        "STP_QN,2016,du lịch,Xã A,Đã đạt,01/02/2016\r\n"
        "STP_QN,2016,ntm,Xã B,xong rồi,\r\n"
        "STP_QN,2016,ntm,Xã C,Đang thực hiện,30/02/2016\r\n"
        "STP_QN,2016,ntm,Xã D,Đang thực hiện,01/03/2016\r\n"
        "STP_QN,2016,ntm,,Đã đăng ký,\r\n"
        "STP_QN,2016,ntm,Xã E,Đã đạt,\r\n"
        "STP_QN,2016,ntm,xa e,Đã đăng ký,\r\n"
    )
    checked = validate.check(connection(empty_store), [source_from_bytes("ds.csv", text.encode())])
    found = [(p.code, p.row, p.severity) for p in checked.problems]
    assert found == [
        ("bad_program", 2, "error"),
        ("bad_status", 3, "error"),
        ("bad_date", 4, "error"),
        ("date_not_achieved", 5, "error"),
        ("commune_blank", 6, "error"),
        ("achieved_no_date", 7, "warning"),
        ("duplicate_commune", 8, "error"),
    ]


def test_units_by_name_with_or_without_diacritics_and_conflicts(empty_store: Store) -> None:
    text = (
        "Tên đơn vị,Mã đơn vị,Năm,Quý,dien_hinh\r\n"
        "so tu phap tinh quang ninh,,2016,1,1\r\n"
        "THADS Hà Nội,,2016,1,2\r\n"
        "Sở Tư pháp tỉnh Hà Nam,STP_QN,2016,1,1\r\n"
        "Sở Tư pháp,,2016,1,1\r\n"
        ",,2016,1,1\r\n"
    )
    checked = validate.check(connection(empty_store), [source_from_bytes("names.csv", text.encode())])
    assert [(p.code, p.row) for p in checked.errors] == [("unit_mismatch", 4), ("unknown_unit", 5), ("unit_blank", 6)]
    assert set(checked.files[0].values["unit_code"]) == {"STP_QN", "THADS_HN"}


def test_allowed_units_name_the_row_of_another_unit(empty_store: Store) -> None:
    checked = validate.check(connection(empty_store), [source_from_path(GOOD / "utf8_nobom_lf.csv")], allowed_units={"STP_BN"})
    assert len(checked.errors) == 21 and {p.code for p in checked.errors} == {"unit_not_allowed"}
    assert checked.errors[0].row == 3 and checked.errors[0].value == "THADS_BN"


def test_declared_year_and_quarter(empty_store: Store) -> None:
    checked = validate.check(connection(empty_store), [source_from_path(GOOD / "utf8_nobom_lf.csv")], quarter=3)
    assert {p.code for p in checked.errors} == {"outside_declared_quarter"} and len(checked.errors) == 22
    assert validate.check(connection(empty_store), [source_from_path(GOOD / "utf8_nobom_lf.csv")], year=2016, quarter=2).ok


def test_inactive_unit_is_rejected(tmp_path: Path) -> None:
    units = tmp_path / "units.csv"
    registry = (TESTS.parent / "data" / "units.csv").read_text(encoding="utf-8")
    first_row = ",2016,2025-06-30,,UBND tỉnh Quảng Ninh,,Trưởng khu vực"
    assert first_row in registry  # STP_QN's first version; it starts in 2017 in this copy
    units.write_text(registry.replace(first_row, first_row.replace("2016", "2017", 1)), encoding="utf-8")
    store = open_store(make_settings(tmp_path, demo=False, units=units))
    checked = validate.check(connection(store), [source_from_bytes("qn.csv", _one_unit_file(3))])
    assert [(p.code, p.row, p.column) for p in checked.errors] == [("inactive_unit", 2, "Mã đơn vị")]


def test_unknown_and_ratio_columns_are_warnings_and_the_rest_is_stored(empty_store: Store) -> None:
    text = "Mã đơn vị,Năm,Quý,dien_hinh,Ghi chú riêng,Tỷ lệ thi hành xong về việc (%)\r\nTHADS_QN,2016,1,2,xyz,75\r\n"
    checked = validate.check(connection(empty_store), [source_from_bytes("w.csv", text.encode())])
    assert checked.ok and [(p.code, p.severity) for p in checked.warnings] == [("unknown_column", "warning"), ("ratio_column", "warning")]
    save.commit(empty_store, checked, by="x")
    assert export_csv(connection(empty_store)).splitlines()[1:] == ["THADS_QN,2016,1,dien_hinh,2"]


@pytest.mark.parametrize(
    ("cells", "delimiter", "expected"),
    [
        (["1.234", "2,5"], ";", ","),
        (["1.234", "1234.5"], ",", "."),
        (["1.234"], ";", ","),
        (["1.234"], ",", "."),
        (["1.234.567"], ",", ","),
    ],
)
def test_decimal_mark_comes_from_cells_only_one_reading_accepts(cells: list[str], delimiter: str, expected: str) -> None:
    assert validate.decimal_mode(cells, delimiter) == expected


@pytest.mark.parametrize(
    ("cell", "decimal", "value"),
    [("2.841.234,5", ",", 2841234.5), ("2,841,234.5", ".", 2841234.5), ("1 234", ",", 1234.0), ("12", ".", 12.0), (7, ".", 7.0),
     ("1,2,3", ".", None), ("abc", ",", None), ("", ".", None), (True, ".", None)],
)  # fmt: skip
def test_parse_number(cell: object, decimal: str, value: float | None) -> None:
    assert validate.parse_number(cell, decimal) == value  # type: ignore[arg-type]


def test_ambiguous_thousands_in_a_point_file_are_caught_as_not_whole(empty_store: Store) -> None:
    text = "Mã đơn vị,Năm,Quý,ho_tich,tong_so_xa\r\nSTP_QN,2016,1,1.234,186.5\r\n"
    checked = validate.check(connection(empty_store), [source_from_bytes("x.csv", text.encode())])
    assert [(p.code, p.column) for p in checked.errors] == [("not_whole", "ho_tich"), ("not_whole", "tong_so_xa")]


def test_copy_of_the_store_file_is_not_needed_for_check(tmp_path: Path, empty_store: Store) -> None:
    """check() only reads: the store's data version does not move."""
    version = empty_store.data_version()
    shutil.copy(GOOD / "utf8_nobom_lf.csv", tmp_path / "a.csv")
    validate.check(connection(empty_store), [source_from_path(tmp_path / "a.csv")])
    assert empty_store.data_version() == version


def test_an_uploaded_percentage_must_lie_between_0_and_100(tmp_path: Path) -> None:
    """No shipped indicator is an uploaded percentage, so a campaign copy adds one (kind stock, unit %)."""
    from analytics.settings import DATA_DIR, Settings

    campaigns = tmp_path / "campaigns"
    campaigns.mkdir()
    toml = (DATA_DIR / "campaigns" / "2016.toml").read_text(encoding="utf-8")
    extra = (
        '\n[[indicators]]\ncode = "ty_le_tu_cham"\nlabel = "Tỷ lệ tự chấm"\nunit = "%"\nblock = "ALL"\nkind = "stock"\ncontent = "ND9"\n'
    )
    marker = "# Chỉ tiêu. period"
    (campaigns / "2016.toml").write_text(toml.replace(marker, extra + "\n" + marker), encoding="utf-8")
    settings = Settings(tmp_path / "p.duckdb", DATA_DIR / "units.csv", campaigns, load_demo_when_new=False)
    store = open_store(settings)
    text = "Mã đơn vị,Năm,Quý,Tỷ lệ tự chấm (%)\r\nSTP_QN,2016,1,100\r\nSTP_HN,2016,1,-1\r\nSTP_HP,2016,1,100.5\r\nSTP_HD,2016,1,99.5\r\n"
    checked = validate.check(connection(store), [source_from_bytes("pct.csv", text.encode())])
    assert [(p.code, p.row) for p in checked.errors] == [("negative", 3), ("percent_range", 4)]
    assert dict(zip(checked.files[0].values["unit_code"], checked.files[0].values["value"], strict=True)) == {
        "STP_QN": 100.0,
        "STP_HD": 99.5,
    }
