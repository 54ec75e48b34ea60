"""Ingest end to end (read + validate + commit): a 22-row quarterly file, a 100,000-row long file
and an .xlsx of the same, each into a copy of a scale store whose values are marked as real
(a store with real data is what an upload meets; demo values would first have to be replaced).

Uses the upload pipeline (analytics.ingest: check + commit) when it is present; otherwise a
stand-in that reads with pandas and commits through analytics.history.apply_values, and says so.
"""

from __future__ import annotations

import importlib.util
import io
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from analytics import scale, templates  # noqa: E402
from analytics.bootstrap import open_store  # noqa: E402
from analytics.config import load_campaigns  # noqa: E402
from analytics.history import apply_values, record_upload  # noqa: E402
from analytics.labels import TEMPLATE_IDENTITY, indicator_header  # noqa: E402
from analytics.registry import load_units  # noqa: E402
from analytics.store import Cursor, Store  # noqa: E402

HAS_PIPELINE = importlib.util.find_spec("analytics.ingest") is not None and importlib.util.find_spec("analytics.readers") is not None


def _copy_as_real(folder: Path, target: Path) -> Store:
    """A copy of a scale store whose values count as reported data, opened like the app opens it."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(folder, target)
    store = open_store(scale.settings_for(target))
    store.write(lambda cur: (cur.execute("UPDATE facts SET is_demo = false"), cur.execute("UPDATE communes SET is_demo = false")))
    return store


def quarterly_file(folder: Path) -> bytes:
    """The filled quarterly template of the store's first year, Q2: one row per active unit."""
    settings = scale.settings_for(folder)
    campaigns = load_campaigns(settings.campaigns_dir)
    frame = templates.template_frame(load_units(settings.units_file), campaigns[min(campaigns)], 2, filled=True)
    return templates.write_table(frame, None)


def long_file(store: Store, rows: int) -> bytes:
    """`rows` stored values of the latest year, each changed, as a long CSV."""
    frame = (
        store.cursor()
        .execute(
            "SELECT unit_code, year, quarter, indicator, value + 1 AS value FROM facts"
            " WHERE year = (SELECT max(year) FROM facts) ORDER BY unit_code, quarter, indicator LIMIT ?",
            [rows],
        )
        .df()
    )
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def xlsx_of(csv_bytes: bytes) -> bytes:
    buffer = io.BytesIO()
    pd.read_csv(io.BytesIO(csv_bytes)).to_excel(buffer, index=False, sheet_name="Sheet1")
    return buffer.getvalue()


def _stand_in(store: Store, name: str, data: bytes) -> int:
    """Read with pandas, map the template's headers to codes, commit through apply_values."""
    frame = pd.read_excel(io.BytesIO(data)) if name.endswith(".xlsx") else pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    if "indicator" not in frame.columns:  # a wide quarterly template
        cur = store.cursor()
        catalogue = cur.execute(
            "SELECT code, label, unit FROM indicators WHERE year = ?", [int(frame[TEMPLATE_IDENTITY["year"]].iloc[0])]
        ).df()
        codes = {indicator_header(r.label, r.unit): r.code for r in catalogue.itertuples()}
        frame = frame.rename(columns={v: k for k, v in TEMPLATE_IDENTITY.items()}).rename(columns=codes)
        frame = frame.melt(id_vars=["unit_code", "year", "quarter"], value_vars=[c for c in frame.columns if c in codes.values()])
        frame = frame.rename(columns={"variable": "indicator"}).dropna(subset=["value"])

    def work(cur: Cursor) -> int:
        upload_id = record_upload(cur, kind="results", created_by="bench", file_name=name, raw=data, n_rows=len(frame))
        return apply_values(cur, upload_id, frame).new

    return store.write(work)


def _pipeline(store: Store, name: str, data: bytes) -> int:
    from analytics import ingest, readers  # type: ignore[attr-defined]

    checked = ingest.check(store.cursor(), [readers.source_from_bytes(name, data)])
    if checked.errors:
        raise RuntimeError(f"{name}: {[str(p) for p in checked.errors[:3]]}")
    result = ingest.commit(store, checked, by="bench")
    return len(result.stored)


def ingest(store: Store, name: str, data: bytes) -> float:
    started = time.perf_counter()
    (_pipeline if HAS_PIPELINE else _stand_in)(store, name, data)
    return time.perf_counter() - started


def measure(cluster: Path, national: Path, work: Path, repeats: int = 3) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"path": "analytics.ingest check + commit" if HAS_PIPELINE else "stand-in: pandas read + history.apply_values"}
    quarterly = quarterly_file(cluster)
    store = _copy_as_real(national, work / "national_copy")
    try:
        long_csv = long_file(store, 100_000)
    finally:
        store.close()
    cached_xlsx = work / "long_100k.xlsx"
    if not cached_xlsx.exists() or cached_xlsx.stat().st_mtime < (national / "thidua.duckdb").stat().st_mtime:
        cached_xlsx.write_bytes(xlsx_of(long_csv))
    cases = [
        ("quarterly_22_rows_csv", cluster, "bao_cao_quy_2.csv", quarterly),
        ("long_100k_rows_csv", national, "ket_qua_dai.csv", long_csv),
        ("long_100k_rows_xlsx", national, "ket_qua_dai.xlsx", cached_xlsx.read_bytes()),
    ]
    for key, folder, name, data in cases:
        times = []
        for _ in range(repeats):  # each on a fresh copy, so every run really changes the values
            store = _copy_as_real(folder, work / f"{folder.name}_copy")
            try:
                times.append(ingest(store, name, data))
            finally:
                store.close()
        result[key] = {"median_s": statistics.median(times), "max_s": max(times), "n": len(times), "bytes": len(data)}
    return result
