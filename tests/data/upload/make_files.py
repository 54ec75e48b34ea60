"""Write the upload test files the way the real tools write them (run: python tests/data/upload/make_files.py).

Every file in good/ holds the same 2016 Q2 figures for all 22 units (the filled sample), so each must
import to byte-identical `export` output. bad/ holds one broken file per rule. The files are committed;
this script documents how each was made and regenerates them.
"""

from __future__ import annotations

import csv
import io
import random
import shutil
import sys
import unicodedata
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from analytics.config import load_campaign  # noqa: E402
from analytics.registry import load_units  # noqa: E402
from analytics.settings import DATA_DIR  # noqa: E402
from analytics.ingest.templates import template_frame  # noqa: E402

TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def sample() -> pd.DataFrame:
    units = load_units(DATA_DIR / "units.csv")
    campaign = load_campaign(DATA_DIR / "campaigns" / "2016.toml")
    return template_frame(units, campaign, 2, filled=True)


def cells(frame: pd.DataFrame, number) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """Rows of text as a spreadsheet would write them; `number` formats a float cell."""
    out = [list(frame.columns)]
    for row in frame.itertuples(index=False):
        out.append(["" if pd.isna(v) else number(v) if isinstance(v, float) else str(v) for v in row])
    return out


def plain(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def vietnamese_excel(v: float) -> str:
    """Excel on a Vietnamese Windows: '.' groups thousands, ',' marks decimals (2.841.234,5)."""
    text = f"{v:,.1f}" if not float(v).is_integer() else f"{int(v):,}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def decimal_comma(v: float) -> str:
    return plain(v).replace(".", ",")


def write_csv(rows: list[list[str]], delimiter: str, newline: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return buffer.getvalue()


def cp1258(text: str) -> bytes:
    """Windows-1258 as Windows writes it: base letters (â, ơ, ư, đ...) precomposed, tone marks combining."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in TONE_MARKS))
        tones = "".join(p for p in parts if p in TONE_MARKS)
        out.append((base + tones).encode("cp1258"))
    return b"".join(out)


def good(frame: pd.DataFrame, folder: Path) -> None:
    rows = cells(frame, plain)
    # 1. Our own template: UTF-8 with BOM, CRLF (what `python -m analytics sample` writes).
    (folder / "template_utf8_bom_crlf.csv").write_bytes(write_csv(rows, ",", "\r\n").encode("utf-8-sig"))
    # 2. UTF-8 without BOM, LF (LibreOffice, scripts).
    (folder / "utf8_nobom_lf.csv").write_bytes(write_csv(rows, ",", "\n").encode("utf-8"))
    # 3. Excel "CSV" on Vietnamese Windows: ANSI = Windows-1258, ';', decimal comma, '.' thousands.
    vn_rows = cells(frame, vietnamese_excel)
    (folder / "excel_vn_windows1258_semicolon.csv").write_bytes(cp1258(write_csv(vn_rows, ";", "\r\n")))
    # 4. Excel "Unicode Text": UTF-16 LE with BOM, tab-separated, decimal comma.
    tab_rows = cells(frame, decimal_comma)
    (folder / "excel_unicode_text_utf16.txt").write_bytes(b"\xff\xfe" + write_csv(tab_rows, "\t", "\r\n").encode("utf-16-le"))
    # 5. An .xlsx with an instructions sheet first; the data sheet is the one that looks like the template.
    book = Workbook()
    notes = book.active
    notes.title = "Hướng dẫn"
    notes.append(["Điền số liệu quý vào trang “Số liệu”. Không sửa dòng tiêu đề."])
    data = book.create_sheet("Số liệu")
    data.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        data.append([None if pd.isna(v) else v for v in row])
    book.save(folder / "workbook_second_sheet.xlsx")
    # 5b. What Excel saves for a consolidation sheet: a SUM formula with its computed value cached.
    #     openpyxl cannot compute, so the cached <v> is written into the sheet XML as Excel would.
    book = Workbook()
    sheet = book.active
    sheet.title = "Tong hop"
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append([None if pd.isna(v) else v for v in row])
    column = list(frame.columns).index("Tổng số CBCCVC (người)") + 1
    cell = sheet.cell(row=2, column=column)
    letter = cell.column_letter
    cached = cell.value
    cell.value = f"=SUM(0,{cached:g})"
    buffer = io.BytesIO()
    book.save(buffer)
    (folder / "excel_formula_with_cached_value.xlsx").write_bytes(_cache_formula_value(buffer.getvalue(), f"{letter}2", cached))
    # 6. Messy by hand: NFD text, headers in other case and spacing, indicator codes as some headers,
    #    columns shuffled, blank rows, units named (some without diacritics), a title row above the header.
    messy = frame.drop(columns=["Mã đơn vị", "Khối"]).copy()
    messy["Tên đơn vị"] = [
        n if i % 3 else unicodedata.normalize("NFD", n.replace("Đ", "D").replace("đ", "d")).encode("ascii", "ignore").decode().lower()
        for i, n in enumerate(messy["Tên đơn vị"])
    ]
    renamed = {}
    for i, column in enumerate(messy.columns):
        if i % 3 == 0:
            renamed[column] = "  " + column.upper().replace(" ", "   ") + " "
        elif i % 3 == 1:
            renamed[column] = column.lower()
    messy = messy.rename(columns=renamed)
    messy = messy.rename(columns={"số việc thi hành xong (kể cả đình chỉ) (việc)": "viec_xong", "Hoạt động hỗ trợ tại xã nông thôn mới (hoạt động)": "hoat_dong_ntm"})
    order = list(messy.columns)
    random.Random(3).shuffle(order)
    messy = messy[order]
    rows = [["BÁO CÁO KẾT QUẢ THI ĐUA QUÝ 2 NĂM 2016"], *cells(messy, plain)]
    rows.insert(5, [])
    rows.insert(12, ["", "", ""])
    rows.append([])
    text = unicodedata.normalize("NFD", write_csv(rows, ",", "\n"))
    (folder / "messy_nfd_names_shuffled.csv").write_bytes(text.encode("utf-8"))
    # 7. One file per block (several files at once) and 8. one unit alone.
    split = folder / "per_block"
    split.mkdir(exist_ok=True)
    for block in ("STP", "THADS"):
        part = frame[frame["Khối"] == block]
        (split / f"{block.lower()}.csv").write_bytes(write_csv(cells(part, plain), ",", "\r\n").encode("utf-8-sig"))


def _cache_formula_value(xlsx: bytes, ref: str, value: float) -> bytes:
    """Add Excel's cached result <v> to the formula cell `ref` of the first sheet."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                start = text.index(f'<c r="{ref}"')
                end = text.index("</c>", start)
                cell = text[start:end]
                assert "<f>" in cell and "<v />" in cell, cell
                text = text[:start] + cell.replace("<v />", f"<v>{value:g}</v>") + text[end:]
                data = text.encode("utf-8")
            target.writestr(item, data)
    return out.getvalue()


def registers(folder: Path) -> None:
    header = ["Mã đơn vị", "Năm", "Chương trình", "Xã", "Huyện", "Trạng thái", "Ngày đạt", "Ghi chú"]
    rows = [
        ["STP_QN", "2016", "Nông thôn mới", "Xã Bình Dân", "Huyện Vân Đồn", "Đang thực hiện", "", ""],
        ["STP_QN", "2016", "Nông thôn mới", "Xã Đông Xá", "Huyện Vân Đồn", "Đã đạt", "15/11/2016", "Đạt chuẩn NTM"],
        ["STP_QN", "2016", "Xóa nghèo pháp luật", "Xã Quảng Nghĩa", "TP Móng Cái", "Đã đăng ký", "", ""],
        ["THADS_QN", "2016", "ntm", "Xã Hạ Long", "Huyện Vân Đồn", "in_progress", "", ""],
        ["THADS_QN", "2016", "ntm", "Xã Vạn Yên", "Huyện Vân Đồn", "achieved", "2016-10-20", ""],
    ]
    (folder / "communes_utf8.csv").write_bytes(write_csv([header, *rows], ",", "\r\n").encode("utf-8-sig"))
    (folder / "communes_windows1258.csv").write_bytes(cp1258(write_csv([header, *rows], ";", "\r\n")))


def bad(frame: pd.DataFrame, folder: Path) -> None:
    rows = cells(frame, plain)
    head = rows[0]

    def save(name: str, table: list[list[str]]) -> None:
        (folder / name).write_bytes(write_csv(table, ",", "\r\n").encode("utf-8-sig"))

    def col(label_start: str) -> int:
        return next(i for i, h in enumerate(head) if h.startswith(label_start))

    (folder / "empty.csv").write_bytes(b"")
    save("header_only.csv", [head])
    noise = random.Random(1)
    (folder / "binary.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(noise.randrange(256) for _ in range(2000)))
    (folder / "old_excel.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    (folder / "not_a_table.txt").write_bytes("Kính gửi Văn phòng Bộ,\nĐơn vị gửi kèm báo cáo quý 2.\n".encode())
    ragged = [r[:] for r in rows]
    ragged[3] = [*ragged[3], "99", "100"]
    save("ragged_row.csv", ragged)
    unknown = [r[:] for r in rows]
    unknown[2][0] = "STP_XX"
    save("unknown_unit.csv", unknown)
    year = [r[:] for r in rows]
    year[4][3] = "2O16"
    year[5][3] = "2031"
    save("bad_year.csv", year)
    quarter = [r[:] for r in rows]
    quarter[6][4] = "5"
    save("bad_quarter.csv", quarter)
    save("missing_quarter_column.csv", [r[:4] + r[5:] for r in rows])
    formula = [r[:] for r in rows]
    formula[2][col("Điển hình")] = "=1+1"
    save("formula_in_csv.csv", formula)
    text = [r[:] for r in rows]
    text[3][col("Buổi tuyên truyền")] = "mười hai"
    save("text_in_number.csv", text)
    negative = [r[:] for r in rows]
    negative[4][col("Buổi tuyên truyền")] = "-3"
    save("negative_count.csv", negative)
    part = [r[:] for r in rows]
    thads_row = next(i for i, r in enumerate(part) if r[2] == "THADS")
    part[thads_row][col("Số việc thi hành xong")] = str(int(float(part[thads_row][col("Số việc có điều kiện")])) + 1)
    save("part_greater_than_whole.csv", part)
    wrong = [r[:] for r in rows]
    stp_row = next(i for i, r in enumerate(wrong) if r[2] == "STP")
    wrong[stp_row][col("Số việc có điều kiện")] = "100"
    save("thads_value_on_stp_row.csv", wrong)
    dup = [r[:] for r in rows]
    again = dup[2][:]
    again[col("Điển hình")] = str(int(float(again[col("Điển hình")] or 0)) + 1)
    dup.append(again)
    save("duplicate_rows_disagree.csv", dup)
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append([float(c) if c.replace(".", "", 1).isdigit() and i >= 3 else c or None for i, c in enumerate(r)])
    ws.cell(row=3, column=col("Điển hình") + 1).value = "=SUM(A1:A2)"
    wb.save(folder / "formula_without_value.xlsx")


def main() -> None:
    frame = sample()
    for name in ("good", "bad"):
        shutil.rmtree(HERE / name, ignore_errors=True)
        (HERE / name).mkdir()
    good(frame, HERE / "good")
    registers(HERE)
    bad(frame, HERE / "bad")


if __name__ == "__main__":
    main()
