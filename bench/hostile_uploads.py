"""How fast, and at what memory, are hostile shapes refused? (a benchmark, not a test)

Usage: python bench/hostile_uploads.py
Builds the shapes found by trying to break the upload, at the largest size the ingest still reads
(just under limits.MAX_BYTES / MAX_XLSX_INFLATED): a CSV whose header has about 2,6 million columns,
a CSV of 5 million empty lines, an .xlsx of a few hundred KB whose sheet XML inflates to about 45 MB,
an .xlsx of 2,5 MB declaring a million shared strings (openpyxl took 42 s to load it), one of 60 KB
whose styles declare 300,000 cell formats (33 s), and a results
file of 20,000 rows that are all wrong. Prints validate.check's time, the problem it reports, and the
process's peak memory after each.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics.bootstrap import open_store  # noqa: E402
from analytics.ingest import limits, validate  # noqa: E402
from analytics.ingest.readers import source_from_bytes  # noqa: E402
from analytics.settings import from_env  # noqa: E402
from bench.hostile_files import workbook_with_formats, workbook_with_shared_strings, workbook_with_sheet  # noqa: E402


def main() -> None:
    budget = limits.MAX_BYTES - 1024
    wide_header = "Mã đơn vị,Năm,Quý," + ",".join("x" for _ in range(budget // 2 - 20))
    row = b"".join(b'<c t="inlineStr"><is><t>v</t></is></c>' for _ in range(20))
    rows = b"".join(b'<row r="%d">' % i + row + b"</row>" for i in range(1, 55_000))
    cases = {
        "wide_header.csv": wide_header.encode(),
        "blank_lines.csv": b"Ma don vi,Nam,Quy\n" + b"\n" * (budget - 20),
        "sheet_xml_45MB.xlsx": workbook_with_sheet(rows),
        "one_million_shared_strings.xlsx": workbook_with_shared_strings(1_000_000),
        "300000_formats.xlsx": workbook_with_formats(300_000),
        "all_wrong_20000_rows.csv": ("Mã đơn vị,Năm,Quý,dien_hinh\r\n" + "".join(f"X{i},2016,1,1\r\n" for i in range(20_000))).encode(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(from_env(dict(os.environ, THIDUA_DB=str(Path(tmp) / "bench.duckdb"), THIDUA_DEMO="0")))
        for name, data in cases.items():
            start = time.perf_counter()
            with store.reading() as cur:
                checked = validate.check(cur, [source_from_bytes(name, data)])
            took = time.perf_counter() - start
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            last = checked.problems[-1]
            print(f"{name} ({len(data) / limits.MEGABYTE:.1f} MB): {took:.2f} s, {len(checked.problems)} problems, "
                  f"last {last.code}; peak RSS so far {peak:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
