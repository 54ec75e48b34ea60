"""Server time per page through AppTest, with the floors the targets are stated against.

Run in its own process per scale (bench/run.py does that): st.cache_resource holds one store per
process. Every DuckDB statement a page runs is recorded (a thin proxy around Store.reading), then
replayed bare on the same connection: that is the page's query floor. The empty-page floor is an
empty script run through the same AppTest machinery.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.runtime.pages_manager import PagesManager  # noqa: E402
from streamlit.testing.v1 import AppTest, app_test  # noqa: E402

from analytics.measures import PERIODS  # noqa: E402
from analytics.store import Store  # noqa: E402

APP = ROOT / "app.py"
BLOCKS = ("ALL", "STP", "THADS")

_original_reading = Store.reading
_log: list[list[Any]] | None = None  # [store, sql, params, fetch] while recording


class RecordingCursor:
    """Passes everything to the real cursor and notes each statement and how it was fetched."""

    def __init__(self, store: Store, real: Any) -> None:
        self._store, self._real = store, real

    def execute(self, sql: str, params: Any = None) -> RecordingCursor:
        self._real.execute(sql, params) if params is not None else self._real.execute(sql)
        if _log is not None:
            _log.append([self._store, sql, params, "fetchall"])
        return self

    def _fetch(self, kind: str) -> Any:
        if _log is not None and _log:
            _log[-1][3] = kind
        return getattr(self._real, kind)()

    def sql(self, sql: str, params: Any = None) -> Any:
        """A relation query; every caller here fetches it whole as Arrow, and so does the replay."""
        if _log is not None:
            _log.append([self._store, sql, params, "arrow"])
        return self._real.sql(sql, params=params)

    def cursor(self) -> RecordingCursor:
        return RecordingCursor(self._store, self._real.cursor())

    def __enter__(self) -> RecordingCursor:
        return self

    def __exit__(self, *exc: object) -> None:
        self._real.close()

    def df(self) -> Any:
        return self._fetch("df")

    def fetchone(self) -> Any:
        return self._fetch("fetchone")

    def fetchall(self) -> Any:
        return self._fetch("fetchall")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


@contextmanager
def _recording_reading(self: Store) -> Iterator[Any]:
    with _original_reading(self) as con:
        yield RecordingCursor(self, con)


Timing = tuple[float, float]  # wall seconds, CPU seconds of this process


def _clock() -> Timing:
    return time.perf_counter(), time.process_time()


def _since(start: Timing) -> Timing:
    return time.perf_counter() - start[0], time.process_time() - start[1]


def replay(log: list[list[Any]]) -> Timing:
    """Time to run the recorded statements bare, fetching results the way the page did."""
    with ExitStack() as opened:  # each store opened before the clock starts: the floor is the queries
        connections = {id(store): opened.enter_context(_original_reading(store)) for store, *_ in log}
        started = _clock()
        for store, sql, params, kind in log:
            cur = connections[id(store)].cursor()
            if kind == "arrow":
                cur.sql(sql, params=params).to_arrow_table()
                continue
            result = cur.execute(sql, params) if params is not None else cur.execute(sql)
            getattr(result, kind)()
        return _since(started)


def navigation_pages() -> list[str]:
    """Page files in app.py's navigation, in order (so new pages are measured without edits here)."""
    return re.findall(r'st\.Page\(\s*"(pages/[^"]+\.py)"', APP.read_text(encoding="utf-8"))


def page_urls() -> dict[str, str]:
    """URL path of each navigation page by file stem; the default page is served at "/"."""
    urls = {}
    for line in APP.read_text(encoding="utf-8").splitlines():
        found = re.search(r'st\.Page\(\s*"pages/([^"]+)\.py"', line)
        if found:
            urls[found.group(1)] = "/" if "default=True" in line else f"/{found.group(1)}"
    return urls


def snake_path() -> list[tuple[str, str, str]]:
    """One widget change at a time through every (block, period) pair, each pair visited once."""
    steps: list[tuple[str, str, str]] = []
    for i, block in enumerate(BLOCKS):
        periods = PERIODS if i % 2 == 0 else tuple(reversed(PERIODS))
        if i > 0:
            steps.append(("f_block", block, periods[0]))
        steps.extend(("f_period", block, p) for p in periods[1:])
    return steps


def _timed_run(at: AppTest) -> Timing:
    started = _clock()
    at.run()
    elapsed = _since(started)
    if at.exception:
        raise RuntimeError(f"page raised: {at.exception[0].value}")
    return elapsed


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def summary(values: list[Timing]) -> dict[str, float]:
    """Median and p95 of wall time, and the median CPU time (steadier on a shared machine)."""
    wall, cpu = [v[0] for v in values], [v[1] for v in values]
    return {
        "median_ms": 1000 * statistics.median(wall),
        "p95_ms": 1000 * _p95(wall),
        "cpu_median_ms": 1000 * statistics.median(cpu),
        "n": len(values),
    }


def _empty_session() -> AppTest:
    at = AppTest.from_string("", default_timeout=60)
    at.run()
    return at


def _session_on(page: str) -> AppTest:
    """A new session that has run once (AppTest switches pages only after a run) and is set to `page`."""
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    return at.switch_page(page)


def measure_page(page: str, samples: int) -> dict[str, Any]:
    """First run (cold and warm caches) and reruns after a filter change to an unseen combination."""
    global _log
    cold, warm = [], []
    for _ in range(max(3, samples // 4)):
        at = _session_on(page)
        st.cache_data.clear()
        cold.append(_timed_run(at))
        warm.append(_timed_run(_session_on(page)))

    at = _session_on(page)
    st.cache_data.clear()
    at.run()
    empty_at = _empty_session()
    reruns, cached, floors, empties, ratios, cpu_ratios = [], [], [], [], [], []
    # Pages without the sidebar filters (the slideshow, login, admin) are rerun as they stand.
    has_filters = any(w.key == "f_period" for w in at.selectbox)
    steps = snake_path()[:samples] if has_filters else [("", "", "")] * samples
    for key, block, period in steps:
        if has_filters:
            widget = at.selectbox(key="f_period") if key == "f_period" else at.radio(key="f_block")
            widget.set_value(period if key == "f_period" else block)
        _log = []
        reruns.append(_timed_run(at))
        log, _log = _log, None
        # Both floors right after the run they belong to, so a busy moment hits all three alike.
        floors.append(replay(log))
        empties.append(_timed_run(empty_at))
        ratios.append(reruns[-1][0] / (floors[-1][0] + empties[-1][0]))
        cpu_ratios.append(reruns[-1][1] / max(floors[-1][1] + empties[-1][1], 1e-6))
    # The same changes again: every combination is now in st.cache_data.
    if has_filters:
        at.radio(key="f_block").set_value("ALL")
        at.selectbox(key="f_period").set_value(PERIODS[0])
    at.run()
    for key, block, period in steps:
        if has_filters:
            widget = at.selectbox(key="f_period") if key == "f_period" else at.radio(key="f_block")
            widget.set_value(period if key == "f_period" else block)
        cached.append(_timed_run(at))
    return {
        "page": page,
        "first_run_cold": summary(cold),
        "first_run_warm": summary(warm),
        "rerun_filter_change": summary(reruns),
        "rerun_filter_change_cached": summary(cached),
        "bare_queries": summary(floors),
        "empty_page": summary(empties),
        "ratio_to_floor_median": statistics.median(ratios),
        "cpu_ratio_to_floor_median": statistics.median(cpu_ratios),
        "statements_per_rerun": len(log),
        "has_filters": has_filters,
    }


def _share_script_cache() -> None:
    """A real server compiles each page once (its ScriptCache lives as long as the server); AppTest
    makes a new cache for every run, so it would re-parse and re-compile app.py and the page on
    every measured run. Give AppTest one cache, as a server has."""
    shared = app_test.ScriptCache()
    app_test.ScriptCache = lambda: shared  # type: ignore[attr-defined]


def _legacy_pages_mode_only_once() -> None:
    """A server runs its legacy `pages/` mode in the first session of the process only (ui/routing.py);
    AppTest re-enters it before every run, which re-executes app.py inside the page. Keep it off."""
    original = PagesManager.__init__

    def init(self: PagesManager, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init  # type: ignore[method-assign]


def main(out: Path, samples: int) -> None:
    _share_script_cache()
    _legacy_pages_mode_only_once()
    Store.reading = _recording_reading  # type: ignore[method-assign,assignment]
    pages = navigation_pages()
    # Warm up imports and the store once, so the first measured run is not the process start.
    AppTest.from_file(str(APP), default_timeout=120).run()
    load_before = os.getloadavg()
    result = {"pages": [measure_page(p, samples) for p in pages], "loadavg_before": load_before, "loadavg_after": os.getloadavg()}
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
