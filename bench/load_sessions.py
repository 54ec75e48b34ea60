"""Load test on loopback: N concurrent viewer sessions while an administrator writes.

Starts `streamlit run app.py` on 127.0.0.1 with a temporary store (the 22 units' 2016 figures
imported through the ingest, one admin), opens N Streamlit websocket sessions that re-run the
overview page in a loop, and meanwhile drives a real Chromium logged in as the admin through the
login form that keeps uploading corrected quarterly files on the upload page (each commit bumps the
data version, so every cached query is recomputed). Reports p50/p95/max page time (rerun request →
script finished), runs, exceptions, connection errors and uploads. Bounded in time; loopback only.

    python bench/load_sessions.py [--sessions 20] [--seconds 30] [--think 0] [--port 8662]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics.bootstrap import open_store  # noqa: E402
from analytics.config import load_campaigns  # noqa: E402
from analytics.downloads import csv_bytes  # noqa: E402
from analytics.ingest import save, validate  # noqa: E402
from analytics.ingest.readers import source_from_bytes  # noqa: E402
from analytics.ingest.templates import template_frame  # noqa: E402
from analytics.registry import load_units  # noqa: E402
from analytics.settings import from_env  # noqa: E402
from analytics.trust import auth  # noqa: E402

QUERIES = ["", "period=P1", "period=Q4&block=THADS", "period=P2&block=STP", "period=Q2"]
ADMIN, PASSWORD = "thuky", "mat khau thu ky"


def start_server(folder: Path, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, THIDUA_DB=str(folder / "load.duckdb"), THIDUA_DEMO="0")
    store = open_store(from_env(env))
    auth.add_user(store, auth.system_user("bench"), ADMIN, "admin", PASSWORD)
    settings = from_env(env)
    campaign = load_campaigns(settings.campaigns_dir)[2016]
    units = load_units(settings.units_file)
    sources = [source_from_bytes(f"q{q}.csv", csv_bytes(template_frame(units, campaign, q, filled=True))) for q in (1, 2, 3, 4)]
    with store.reading() as cur:
        checked = validate.check(cur, sources)
    assert checked.ok, [p.text() for p in checked.problems][:3]
    save.commit(store, checked, by="bench")
    log = (folder / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    for _ in range(150):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


async def viewer(port: int, n: int, stop_at: float, times: list[float], problems: dict[str, int], think: float) -> None:
    url = f"ws://127.0.0.1:{port}/_stcore/stream"
    try:
        async with websockets.connect(url, subprotocols=["streamlit"], origin=f"http://127.0.0.1:{port}", max_size=None) as ws:
            k = n
            while time.monotonic() < stop_at:
                msg = BackMsg()
                msg.rerun_script.query_string = QUERIES[k % len(QUERIES)]
                k += 1
                started = time.perf_counter()
                await ws.send(msg.SerializeToString())
                while True:
                    fwd = ForwardMsg()
                    fwd.ParseFromString(await asyncio.wait_for(ws.recv(), 60))
                    kind = fwd.WhichOneof("type")
                    element = fwd.delta.new_element.WhichOneof("type") if kind == "delta" else None
                    if element == "exception":
                        problems["exceptions"] += 1
                    if kind == "script_finished" and fwd.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        break
                times.append(time.perf_counter() - started)
                await asyncio.sleep(think)
    except Exception as exc:  # counted, not hidden
        problems["connection_errors"] += 1
        problems.setdefault("last_error", str(exc)[:200])  # type: ignore[arg-type]


def corrected_file(k: int) -> bytes:
    """STP Quảng Ninh's Q4 row with every figure raised by k: a correction that changes every value."""
    settings = from_env()
    frame = template_frame(load_units(settings.units_file), load_campaigns(settings.campaigns_dir)[2016], 4, filled=True)
    frame = frame[frame["Mã đơn vị"] == "STP_QN"].copy()
    numbers = frame.columns[5:]
    frame[numbers] = frame[numbers] + k
    return csv_bytes(frame)


def writer(port: int, clock: dict[str, float], ready: threading.Event, result: dict[str, object]) -> None:
    """A real admin in Chromium: log in through the form, then upload corrected files again and again."""
    from playwright.sync_api import sync_playwright

    writes = 0
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"http://127.0.0.1:{port}/login")
            page.get_by_label("Tên đăng nhập").fill(ADMIN)
            page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
            page.get_by_role("button", name="Đăng nhập").click()
            page.get_by_text(f"Đã đăng nhập: {ADMIN}").first.wait_for(timeout=60_000)
            page.locator("[data-testid='stSidebarNav'] a", has_text="Tải số liệu lên").click()
            page.get_by_role("heading", name="Tải số liệu lên").wait_for(timeout=60_000)
            ready.set()
            while "stop_at" not in clock:
                time.sleep(0.05)
            try:
                writes = upload_loop(page, clock)
            except Exception:
                (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(ROOT / "bench" / "results" / "writer_error.png"), full_page=True)
                raise
            browser.close()
    except Exception as exc:
        result["writer_error"] = str(exc)[:300]
    finally:
        ready.set()
    result["writes"] = writes


def upload_loop(page, clock: dict[str, float]) -> int:  # type: ignore[no-untyped-def]
    """Upload corrected files until the clock runs out; returns how many were stored."""
    writes = 0
    while time.monotonic() < clock["stop_at"]:
        name = f"stp_qn_q4_sua_{writes + 1}.csv"
        payload = {"name": name, "mimeType": "text/csv", "buffer": corrected_file(writes + 1)}
        page.set_input_files("[data-testid='stFileUploaderDropzoneInput']", files=[payload])
        page.get_by_role("button", name="Lưu vào kho").and_(page.locator(":enabled")).wait_for(timeout=60_000)
        page.get_by_role("button", name="Lưu vào kho").click()
        page.get_by_text(f"Đã lưu {name}").first.wait_for(timeout=60_000)
        writes += 1
        page.wait_for_timeout(300)
    return writes


async def run(port: int, sessions: int, seconds: float, think: float) -> dict[str, object]:
    times: list[float] = []
    problems: dict[str, int] = {"exceptions": 0, "connection_errors": 0}
    write_result: dict[str, object] = {}
    clock: dict[str, float] = {}
    ready = threading.Event()
    thread = threading.Thread(target=writer, args=(port, clock, ready, write_result))
    thread.start()
    ready.wait(120)  # the admin is logged in and on the backup tab before the clock starts
    stop_at = clock["stop_at"] = time.monotonic() + seconds
    await asyncio.gather(*(viewer(port, n, stop_at, times, problems, think) for n in range(sessions)))
    thread.join(120)
    ordered = sorted(times)

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 3) if ordered else float("nan")

    return {
        "sessions": sessions,
        "seconds": seconds,
        "think_s": think,
        "page_runs": len(times),
        "p50_s": round(statistics.median(ordered), 3) if ordered else None,
        "p95_s": pct(0.95),
        "max_s": round(ordered[-1], 3) if ordered else None,
        **problems,
        **write_result,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--port", type=int, default=8662)
    parser.add_argument("--think", type=float, default=0.0, help="pause of each viewer between page runs (s)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp), args.port)
        try:
            report = asyncio.run(run(args.port, args.sessions, args.seconds, args.think))
        finally:
            server.terminate()
            server.wait(15)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"load_sessions_{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
