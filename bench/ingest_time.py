"""Ingest end to end through the upload page's path (analytics.ingest.check + commit: read,
validate every row, commit atomically with history): the 22-row quarterly file, a file of
100,000 values and an .xlsx of the same, each into a fresh copy of a scale store whose values are
marked as real (a store with real data is what an upload meets).

The upload format is the wide template (one row per unit and quarter, one column per indicator),
so "100,000 rows" of long data are 100,000 values: about 2,500 unit-quarter rows × 40 indicators.
"""

from __future__ import annotations

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

from analytics import scale  # noqa: E402
from analytics.bootstrap import open_store  # noqa: E402
from analytics.config import load_campaigns  # noqa: E402
from analytics.downloads import csv_bytes, xlsx_bytes  # noqa: E402
from analytics.ingest import readers, save, templates, validate  # noqa: E402
from analytics.labels import TEMPLATE_IDENTITY, indicator_header  # noqa: E402
from analytics.registry import load_units  # noqa: E402
from analytics.store import Store  # noqa: E402


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
    return csv_bytes(frame)


def hundred_thousand_values(store: Store, values: int = 100_000) -> bytes:
    """The upload template (one row per unit and quarter, one column per indicator) of the latest
    year, every value changed, with as many rows as it takes to hold `values` values."""
    with store.reading() as cur:
        year = int(cur.execute("SELECT max(year) FROM facts").fetchone()[0])  # type: ignore[index]
        facts = cur.execute(
            "SELECT f.unit_code, u.name AS unit_name, u.block, f.year, f.quarter, f.indicator, f.value + 1 AS value"
            " FROM facts f JOIN units u ON u.code = f.unit_code WHERE f.year = ?",
            [year],
        ).df()
        catalogue = cur.execute("SELECT code, label, unit FROM indicators WHERE year = ? ORDER BY position", [year]).df()
    identity = ["unit_code", "unit_name", "block", "year", "quarter"]
    wide = facts.pivot_table(index=identity, columns="indicator", values="value").reset_index()
    wide = wide.sort_values(["quarter", "unit_code"])
    filled = wide.drop(columns=identity).notna().sum(axis=1).cumsum()
    wide = wide[filled.shift(fill_value=0) < values]  # just enough rows to hold `values` values
    headers = {r.code: indicator_header(r.label, r.unit) for r in catalogue.itertuples()}
    wide = wide.rename(columns={**TEMPLATE_IDENTITY, **headers})
    return csv_bytes(wide)


def xlsx_of(csv_file: bytes) -> bytes:
    return xlsx_bytes(pd.read_csv(io.BytesIO(csv_file), encoding="utf-8-sig"), templates.SHEET)


def _ingest(store: Store, name: str, data: bytes) -> int:
    with store.reading() as cur:
        checked = validate.check(cur, [readers.source_from_bytes(name, data)])
    if checked.errors:
        raise RuntimeError(f"{name}: {[str(p) for p in checked.errors[:3]]}")
    result = save.commit(store, checked, by="bench")
    return len(result.stored)


def timed_ingest(store: Store, name: str, data: bytes) -> float:
    started = time.perf_counter()
    _ingest(store, name, data)
    return time.perf_counter() - started


def measure(cluster: Path, national: Path, work: Path, repeats: int = 3) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"path": "analytics.ingest.check + commit, the upload page's path"}
    quarterly = quarterly_file(cluster)
    big_csv = hundred_thousand_values(_copy_as_real(national, work / "national_copy"))
    cached_xlsx = work / "values_100k.xlsx"
    if not cached_xlsx.exists() or cached_xlsx.stat().st_mtime < (national / "thidua.duckdb").stat().st_mtime:
        cached_xlsx.write_bytes(xlsx_of(big_csv))
    cases = [
        ("quarterly_22_rows_csv", cluster, "bao_cao_quy_2.csv", quarterly),
        ("values_100k_csv", national, "bao_cao_lon.csv", big_csv),
        ("values_100k_xlsx", national, "bao_cao_lon.xlsx", cached_xlsx.read_bytes()),
    ]
    for key, folder, name, data in cases:
        times = []
        for _ in range(repeats):  # each on a fresh copy, so every run really changes the values
            times.append(timed_ingest(_copy_as_real(folder, work / f"{folder.name}_copy"), name, data))
        result[key] = {"median_s": statistics.median(times), "max_s": max(times), "n": len(times), "bytes": len(data)}
    return result
