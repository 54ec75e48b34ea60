"""Text a spreadsheet would run as a formula is refused in a commune register, as in a results file,
and neutralised in the register the upload page offers for download."""

from __future__ import annotations

import csv
import io

from analytics.downloads import csv_bytes
from analytics.ingest import review, save, validate
from analytics.ingest.readers import source_from_bytes
from analytics.store import Store
from tests.support import connection

HOSTILE = ["+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", '=HYPERLINK("http://x.invalid","bấm")', "-2+3", " =1+1"]


def test_a_register_whose_communes_start_like_formulas_is_refused(empty_store: Store) -> None:
    rows = [["Mã đơn vị", "Năm", "Chương trình", "Xã", "Trạng thái", "Ghi chú"]]
    rows += [["STP_QN", "2016", "ntm", name, "Đã đăng ký", ""] for name in HOSTILE]
    rows += [["STP_QN", "2016", "ntm", "Xã Hạ Long", "Đã đăng ký", "=1+1"], ["STP_QN", "2016", "ntm", "Xã Tiên Yên", "Đã đăng ký", "- chú"]]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    checked = validate.check(connection(empty_store), [source_from_bytes("xa.csv", buffer.getvalue().encode())])
    assert [(p.code, p.row, p.column) for p in checked.errors] == [("formula_text", n, "Xã") for n in range(2, 7)] + [
        ("formula_text", 7, "Ghi chú"),
        ("formula_text", 8, "Ghi chú"),
    ]
    assert not checked.ok and checked.files[0].communes.empty


def test_the_register_download_writes_no_live_formula(empty_store: Store) -> None:
    text = "Mã đơn vị,Năm,Chương trình,Xã,Trạng thái\r\n" + "".join(f"STP_QN,2016,ntm,Xã {i},Đã đăng ký\r\n" for i in range(len(HOSTILE)))
    checked = validate.check(connection(empty_store), [source_from_bytes("xa.csv", text.encode())])
    # Stored as an older version (or another path) might have stored them: the download must still be safe.
    checked.files[0].communes["commune"] = HOSTILE
    save.commit(empty_store, checked, by="test")
    written = csv_bytes(review.register_template(connection(empty_store), 2016)).decode("utf-8-sig")
    communes = [row["Xã"] for row in csv.DictReader(io.StringIO(written))]
    assert sorted(communes) == sorted("'" + name for name in HOSTILE)
