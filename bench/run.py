"""Benchmark of the dashboard at cluster and national scale (not part of the test run).

    python bench/run.py                 # builds both scale stores, measures everything, ~35 min
    python bench/run.py --reuse         # keep stores built by an earlier run
    python bench/run.py --skip-browser  # server, floors and ingest only
    python bench/run.py --reuse --browser-from-last-run  # server and ingest again, browser figures of the last run

Prints a Markdown table (docs/performance.md holds a copy of it) and
writes bench/results/latest.json plus a time-stamped copy. Floors are measured in the same run,
so the ratios survive a slow or busy machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

import browser_time  # noqa: E402
import ingest_time  # noqa: E402
import server_time  # noqa: E402

from analytics import scale  # noqa: E402

PORTS = {"cluster": 8670, "national": 8671}  # and 8672 for the browser floor
TARGETS = {"rerun_ms": {"cluster": 150, "national": 400}, "floor_ratio": 2.0, "scale_ratio": 3.0}


def build_stores(reuse: bool) -> dict[str, Any]:
    built = {}
    for name, spec in scale.PRESETS.items():
        folder = RESULTS / "stores" / name
        started = time.perf_counter()
        if reuse and (folder / "thidua.duckdb").exists():
            info = {"reused": True}
        else:
            store = scale.build(folder, spec, replace=True)
            info = {"reused": False, "build_s": time.perf_counter() - started, "facts": store.facts, "communes": store.communes}
        built[name] = {"folder": folder, **info}
    return built


def _env(folder: Path) -> dict[str, str]:
    return scale.ScaleStore(folder, scale.settings_for(folder), 0, 0).env()


def server_times(folder: Path, samples: int) -> dict[str, Any]:
    out = RESULTS / f"server_{folder.name}.json"
    env = dict(os.environ, **_env(folder))
    subprocess.run([sys.executable, str(BENCH / "server_time.py"), str(out), str(samples)], env=env, check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    return json.loads(out.read_text(encoding="utf-8"))


def _ms(value: float) -> str:
    """Milliseconds the Vietnamese way: 1.234 and 12,5."""
    return f"{value:,.0f}".replace(",", ".") if value >= 100 else f"{value:.1f}".replace(".", ",")


def _num(value: float, decimals: int = 2) -> str:
    return f"{value:.{decimals}f}".replace(".", ",")


def _mark(ok: bool) -> str:
    return "✅" if ok else "❌"


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _stem(page: str) -> str:
    return page.removeprefix("pages/").removesuffix(".py")


def _server_rows(server: dict[str, Any]) -> list[str]:
    lines = [
        _row("page", "scale", "rerun after filter change, median / p95 (ms)", "floor: empty page + bare queries (ms)",
             "ratio to floor (wall / CPU)", "cached rerun (ms)", "first run, cold / warm cache (ms)", "met"),
        _row(*["---"] * 8),
    ]  # fmt: skip
    for i, page in enumerate(server["cluster"]["pages"]):
        for name in ("cluster", "national"):
            p = server[name]["pages"][i]
            empty, queries = p["empty_page"]["median_ms"], p["bare_queries"]["median_ms"]
            rerun = p["rerun_filter_change"]
            ratio = p["ratio_to_floor_median"]
            ok = rerun["median_ms"] <= TARGETS["rerun_ms"][name] and ratio <= TARGETS["floor_ratio"]
            lines.append(
                _row(_stem(page["page"]) + ("" if p.get("has_filters", True) else " ¹"), name,
                     f"{_ms(rerun['median_ms'])} / {_ms(rerun['p95_ms'])}", f"{_ms(empty)} + {_ms(queries)}",
                     f"{_num(ratio)} / {_num(p['cpu_ratio_to_floor_median'])}", _ms(p["rerun_filter_change_cached"]["median_ms"]),
                     f"{_ms(p['first_run_cold']['median_ms'])} / {_ms(p['first_run_warm']['median_ms'])}", _mark(ok))
            )  # fmt: skip
    lines += ["", "¹ no sidebar filters on this page: reruns as it stands (a slideshow tick, a login form).", ""]
    lines += [_row("page", "national ÷ cluster (rerun median)", "met"), _row("---", "---", "---")]
    for i, page in enumerate(server["cluster"]["pages"]):
        ratio = server["national"]["pages"][i]["rerun_filter_change"]["median_ms"] / page["rerun_filter_change"]["median_ms"]
        lines.append(_row(_stem(page["page"]), _num(ratio), _mark(ratio <= TARGETS["scale_ratio"])))
    return lines


def _browser_rows(browser: dict[str, Any]) -> list[str]:
    lines = [
        _row("page", "scale", "chart visible, cold browser, median (max) (ms)", "warm browser (ms)",
             "filter change → chart updated, median / max (ms)", "met"),
        _row(*["---"] * 6),
    ]  # fmt: skip
    for name in ("cluster", "national"):
        for p in browser[name]["pages"]:
            change, cold = p.get("filter_change_to_chart_updated"), p["chart_visible_cold"]
            ok = cold["max_ms"] <= 4000 and (change is None or change["max_ms"] <= 1000)
            lines.append(
                _row(p["page"], name, f"{_ms(cold['median_ms'])} ({_ms(cold['max_ms'])})", _ms(p["chart_visible_warm"]["median_ms"]),
                     f"{_ms(change['median_ms'])} / {_ms(change['max_ms'])}" if change else "— (no chart or no filters)", _mark(ok))
            )  # fmt: skip
    floor = browser["floor"]
    lines.append(
        _row("floor: one small Plotly chart, nothing else", "—", f"{_ms(floor['chart_visible_cold']['median_ms'])} "
             f"({_ms(floor['chart_visible_cold']['max_ms'])})", _ms(floor["chart_visible_warm"]["median_ms"]), "—", "—")
    )  # fmt: skip
    c, n = browser["cluster"], browser["national"]
    lines += [
        "",
        _row("server", "cluster", "national", "target"),
        _row("---", "---", "---", "---"),
        _row("`streamlit run` → /_stcore/health (s)", _num(c["cold_start_health_s"]), _num(n["cold_start_health_s"]), "—"),
        _row("first page after start, title visible (s)", _num(c["first_page_after_start_s"]), _num(n["first_page_after_start_s"]), "—"),
        _row(
            "server peak RSS (MB)",
            _num(c["peak_rss_mb"], 0),
            _num(n["peak_rss_mb"], 0),
            f"≤ 1.024 national {_mark(n['peak_rss_mb'] <= 1024)}",
        ),
    ]
    return lines


def report(result: dict[str, Any]) -> str:
    loads = [round(x, 1) for name in ("cluster", "national") for x in (result["server"][name]["loadavg_before"][0],)]
    lines = [f"Measured {result['when']} on {result['machine']} (`python bench/run.py`); load average at start {loads}.", ""]
    lines += _server_rows(result["server"])
    if result.get("browser"):
        lines += ["", f"Browser, server start and memory measured {result.get('browser_when', result['when'])}:", ""]
        lines += _browser_rows(result["browser"])
    ing = result["ingest"]
    lines += ["", f"Ingest, read + validate + commit ({ing['path']}):", "", _row("file", "median (s)", "max (s)", "target", "met")]
    lines.append(_row(*["---"] * 5))
    for key, target in (("quarterly_22_rows_csv", 0.3), ("values_100k_csv", 3.0), ("values_100k_xlsx", 3.0)):
        r = ing[key]
        lines.append(_row(key, _num(r["median_s"]), _num(r["max_s"]), f"≤ {_num(target, 1)}", _mark(r["median_s"] <= target)))
    stores = "; ".join(
        f"{k}: built by an earlier run" if v.get("reused") else f"{k}: {v['facts']:,} values, {v['communes']:,} communes".replace(",", ".")
        for k, v in result["stores"].items()
    )
    return "\n".join([*lines, "", f"Stores: {stores}."])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reuse", action="store_true", help="reuse the scale stores of an earlier run")
    parser.add_argument("--skip-browser", action="store_true", help="no Chromium measurements")
    parser.add_argument("--samples", type=int, default=20, help="filter changes per page (max 20)")
    parser.add_argument("--server-from-last-run", action="store_true", help="reuse bench/results/server_*.json (browser and ingest only)")
    parser.add_argument("--browser-from-last-run", action="store_true", help="reuse the browser figures of bench/results/latest.json")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {
        "when": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "machine": f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}, Python {platform.python_version()}",
    }
    stores = build_stores(args.reuse)
    result["stores"] = {k: {kk: vv for kk, vv in v.items() if kk != "folder"} for k, v in stores.items()}
    print("stores ready", result["stores"], flush=True)
    if args.server_from_last_run:
        result["server"] = {name: json.loads((RESULTS / f"server_{name}.json").read_text(encoding="utf-8")) for name in stores}
    else:
        result["server"] = {name: server_times(info["folder"], args.samples) for name, info in stores.items()}
    print("server times done", flush=True)
    if args.browser_from_last_run:
        last = json.loads((RESULTS / "latest.json").read_text(encoding="utf-8"))
        result["browser"], result["browser_when"] = last["browser"], last.get("browser_when", last["when"])
    elif not args.skip_browser:
        result["browser_when"] = result["when"]
        pages = server_time.page_urls()
        steps = server_time.snake_path()[:8]
        result["browser"] = {
            name: browser_time.measure(
                scale.ScaleStore(info["folder"], scale.settings_for(info["folder"]), 0, 0).env(), PORTS[name], pages, steps, RESULTS
            )
            for name, info in stores.items()
        }
        result["browser"]["floor"] = browser_time.measure_floor(8672, RESULTS)
        print("browser times done", flush=True)
    result["ingest"] = ingest_time.measure(stores["cluster"]["folder"], stores["national"]["folder"], RESULTS / "ingest")
    table = report(result)
    result["table"] = table
    text = json.dumps(result, indent=2, default=str)
    (RESULTS / "latest.json").write_text(text, encoding="utf-8")
    (RESULTS / f"run_{datetime.now():%Y%m%d_%H%M%S}.json").write_text(text, encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
