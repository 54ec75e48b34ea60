"""A real `streamlit run` server and Debian's Chromium at 1920×1080: cold start, chart visible,
filter change → chart updated, and the server's peak memory.

Cold browser = a freshly launched Chromium (empty cache, new connection); warm = a new tab in a
browser that has loaded the app before. A chart counts as visible when Plotly has drawn a trace;
as updated when the drawn data differ from before the click.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("THIDUA_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A phone (390×844) for the screenshot aid and the phone-layout tests: the dashboard's phone layout
# goes by the User-Agent (ui/phone.py), so the window's size alone is not a phone.
PHONE_VIEWPORT = {"width": 390, "height": 844}
PHONE_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.0 Mobile/15E148 Safari/604.1"
)
SHOTS = ROOT / "bench" / "results"
CHART = ".js-plotly-plot g.trace"
DRAWN = ".js-plotly-plot .main-svg"  # a figure drawn, with or without data traces
PERIOD_LABELS = {"year": "Cả năm", "P1": "Đợt 1", "P2": "Đợt 2", "Q1": "Quý 1", "Q2": "Quý 2", "Q3": "Quý 3", "Q4": "Quý 4"}
BLOCK_LABELS = {"ALL": "Cả hai khối", "STP": "Khối Sở Tư pháp", "THADS": "Khối Cục THADS"}
# What the drawn chart shows; changes when a new figure is applied.
# Present while a script run is in flight (stale elements greyed out, the "Stop" widget shown).
IDLE_NOT = "[data-stale=true], [data-testid=stStatusWidget]"
SIGNATURE_JS = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  if (!gd || !gd.data || !document.querySelector('.js-plotly-plot g.trace')) return null;
  return JSON.stringify([gd.layout && gd.layout.title && (gd.layout.title.text || gd.layout.title), gd.data.map(t => [t.x, t.y])]);
}"""


def start_server(env: dict[str, str], port: int, log: Path, script: str = "app.py") -> tuple[subprocess.Popen[bytes], float]:
    """Start `streamlit run SCRIPT`; returns the process and seconds until /_stcore/health answers."""
    url = f"http://127.0.0.1:{port}/_stcore/health"
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=dict(os.environ, **env), stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    while time.perf_counter() - started < 90:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early: {log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return process, time.perf_counter() - started
        except OSError:
            time.sleep(0.02)
    process.kill()
    raise RuntimeError("streamlit did not answer in 90 s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the most resident memory the process has had so far."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("VmHWM not found")


def _summary(values: list[float]) -> dict[str, Any]:
    ordered = sorted(values)
    return {
        "median_ms": 1000 * statistics.median(ordered),
        "max_ms": 1000 * ordered[-1],
        "n": len(ordered),
        "all_ms": [round(1000 * v) for v in values],
    }


def _visit(page: Any, url: str, selector: str) -> float:
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_selector(selector, state="visible", timeout=60_000)
    return time.perf_counter() - started


def _visit_tab(context: Any, url: str, selector: str) -> float:
    """Open `url` in a new tab of a browser that has loaded the app before, then close the tab."""
    tab = context.new_page()
    try:
        return _visit(tab, url, selector)
    finally:
        tab.close()


def _discover(page: Any, url: str) -> str:
    """The selector that says this page is drawn: a Plotly trace if the page has a chart, else its title."""
    page.goto(url)
    page.wait_for_selector("h1, .js-plotly-plot", timeout=60_000)  # the slideshow has a chart and no title
    try:
        page.wait_for_selector(CHART, timeout=15_000)
    except Exception:  # no chart with data traces: the title, or the slideshow's first figure (a KPI board)
        return "h1" if page.locator("h1").count() else DRAWN
    return CHART


def _choose(page: Any, kind: str, value: str) -> None:
    sidebar = page.locator("[data-testid='stSidebar']")
    if kind == "f_block":
        sidebar.locator("[data-testid='stRadio'] label").filter(has_text=BLOCK_LABELS[value]).click()
    else:
        sidebar.locator("[data-testid='stSelectbox']").filter(has_text="Kỳ").click(timeout=5000)
        page.get_by_role("option", name=PERIOD_LABELS[value], exact=True).click()


def _filter_changes(page: Any, steps: list[tuple[str, str, str]]) -> tuple[list[float], int]:
    """Seconds from each click to the updated chart; a change that leaves the first chart as it was
    (the page's chart does not depend on that filter) is counted, not timed."""
    times, unchanged = [], 0
    for kind, block, period in steps:
        before = page.evaluate(SIGNATURE_JS)
        started = time.perf_counter()
        try:
            _choose(page, kind, block if kind == "f_block" else period)
        except Exception:
            page.screenshot(path=str(SHOTS / "filter_change_failed.png"))
            raise
        try:
            page.wait_for_function(
                f"(before) => {{ const now = ({SIGNATURE_JS})();"
                f" return now !== null && now !== before && !document.querySelector('{IDLE_NOT}'); }}",
                arg=before,
                polling="raf",
                timeout=15_000,
            )
        except Exception:
            unchanged += 1
            continue
        times.append(time.perf_counter() - started)
    return times, unchanged


def measure(
    env: dict[str, str], port: int, pages: dict[str, str], steps: list[tuple[str, str, str]], workdir: Path, cold_runs: int = 3
) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    process, cold_start = start_server(env, port, workdir / f"streamlit_{port}.log")
    base = f"http://127.0.0.1:{port}"
    result: dict[str, Any] = {"cold_start_health_s": cold_start, "pages": []}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            tab = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="vi-VN")
            first_url = base + next(iter(pages.values()))
            result["first_page_after_start_s"] = _visit(tab, first_url, "h1")
            selectors = {stem: _discover(tab, base + path) for stem, path in pages.items()}
            browser.close()
            for stem, path in pages.items():
                url, selector = base + path, selectors[stem]
                entry: dict[str, Any] = {"page": stem, "has_chart": selector == CHART}
                cold = []
                for _ in range(cold_runs):
                    browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                    cold.append(_visit(browser.new_page(viewport={"width": 1920, "height": 1080}, locale="vi-VN"), url, selector))
                    browser.close()
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="vi-VN")
                _visit_tab(context, url, selector)
                entry["chart_visible_cold"] = _summary(cold)
                entry["chart_visible_warm"] = _summary([_visit_tab(context, url, selector) for _ in range(3)])
                tab = context.new_page()
                _visit(tab, url, selector)
                # Pages without the sidebar filters (the slideshow) have no filter change to time.
                if entry["has_chart"] and tab.locator("[data-testid='stSidebar'] [data-testid='stRadio']").count():
                    changes, entry["filter_changes_without_chart_change"] = _filter_changes(tab, steps)
                    entry["filter_change_to_chart_updated"] = _summary(changes) if changes else None
                entry["exceptions_shown"] = tab.locator("[data-testid='stException']").count()
                entry["page_not_found_shown"] = "Page not found" in tab.locator("body").inner_text()
                tab.screenshot(path=str(SHOTS / f"{port}_{stem}.png"))
                browser.close()
                result["pages"].append(entry)
        result["peak_rss_mb"] = peak_rss_mb(process.pid)
    finally:
        stop_server(process)
    return result


def measure_floor(port: int, workdir: Path, cold_runs: int = 3) -> dict[str, Any]:
    """Cold and warm "chart visible" for a page holding only one small Plotly chart."""
    from playwright.sync_api import sync_playwright

    process, _ = start_server({}, port, workdir / f"streamlit_{port}.log", script="bench/floor_app.py")
    url = f"http://127.0.0.1:{port}/"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            _visit(browser.new_page(), url, CHART)  # the server's first session, not measured
            browser.close()
            cold = []
            for _ in range(cold_runs):
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                cold.append(_visit(browser.new_page(viewport={"width": 1920, "height": 1080}), url, CHART))
                browser.close()
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1920, "height": 1080})
            _visit_tab(context, url, CHART)
            warm = [_visit_tab(context, url, CHART) for _ in range(5)]
            browser.close()
    finally:
        stop_server(process)
    return {"chart_visible_cold": _summary(cold), "chart_visible_warm": _summary(warm)}
