"""How fast is a too-large file refused, and how long does a normal batch take? (a benchmark, not a test)

Usage: python bench/upload_limit.py
Creates an 80 MB sparse file and a streamed (really written) 80 MB file in a temporary folder, then
times the CLI (`python -m analytics import`, whole process) and the ingest call alone.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics.bootstrap import open_store  # noqa: E402
from analytics.ingest import validate  # noqa: E402
from analytics.ingest.readers import source_from_path  # noqa: E402
from analytics.settings import from_env  # noqa: E402

MB = 1024 * 1024


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sparse = folder / "sparse_80MB.csv"
        with sparse.open("wb") as out:
            out.truncate(80 * MB)
        streamed = folder / "streamed_80MB.csv"
        line = "STP_QN,Sở Tư pháp tỉnh Quảng Ninh,STP,2016,2," + ",".join(["12"] * 21) + "\r\n"
        with streamed.open("w", encoding="utf-8") as out:
            out.write("Mã đơn vị,Tên đơn vị,Khối,Năm,Quý\r\n")
            while out.tell() < 80 * MB:
                out.write(line * 1000)
        env = dict(os.environ, THIDUA_DB=str(folder / "bench.duckdb"), THIDUA_DEMO="0")
        store = open_store(from_env(env))
        for path in (sparse, streamed):
            start = time.perf_counter()
            with store.reading() as cur:
                checked = validate.check(cur, [source_from_path(path)])
            took = time.perf_counter() - start
            print(f"validate.check {path.name} ({path.stat().st_size / MB:.0f} MB): {took * 1000:.2f} ms → {checked.errors[0].code}")
        for path in (sparse, streamed):
            start = time.perf_counter()
            result = subprocess.run([sys.executable, "-m", "analytics", "import", str(path)], cwd=ROOT, env=env, capture_output=True)
            took = time.perf_counter() - start
            print(f"CLI import {path.name}: exit {result.returncode} in {took:.2f} s (whole process incl. start-up)")
        good = sorted((ROOT / "tests" / "data" / "upload" / "good").glob("*.*"))
        start = time.perf_counter()
        command = [sys.executable, "-m", "analytics", "import", "--dry-run", str(good[0])]
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True)
        print(f"CLI import --dry-run {good[0].name}: exit {result.returncode} in {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
