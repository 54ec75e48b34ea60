"""How long the year-end meeting pack takes (a benchmark, not a test).

Usage: python bench/pack_time.py [--runs 5]
Builds the demo store once in a temporary folder, then writes the pack of
data/meetings/tong-ket-2016.toml — offline HTML, one 1920×1080 PNG per slide and the PDF — `--runs`
times in each of three ways:
- kept: through `pack.write_pack` with the process's chart renderer already open, as the scheduler
  has it (it starts Chromium minutes before a pack is due) and as a second export from the dashboard
  finds it within ten minutes of the first;
- cold: the same call with the renderer closed before each run: a process's first export;
- command: `python -m analytics pack --meeting tong-ket-2016 -o FOLDER` in a fresh interpreter, from
  start to exit (imports, the deck's queries with Chromium starting meanwhile, the files, closing).
The deck of the first two is built before the clock starts (its queries are not the pack). Prints
wall time and CPU time (this process plus its children: Chromium's CPU is counted once the browser
is closed, so only for cold and command) and the load average: the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import plotly.graph_objects as go  # noqa: E402

from analytics.bootstrap import open_store  # noqa: E402
from analytics.config import load_campaigns  # noqa: E402
from analytics.presentation import pack, slides  # noqa: E402
from analytics.presentation.renderer import RENDERER  # noqa: E402
from analytics.settings import from_env  # noqa: E402

MEETING = "tong-ket-2016"
TARGET_S = 4.0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(runs: int, label: str, work: Callable[[int], None], before: Callable[[], None] = lambda: None) -> float:
    walls, cpus = [], []
    for run in range(runs):
        before()
        wall, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
        work(run)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu + _children_cpu() - children)
    median = statistics.median(walls)
    print(
        f"{label:8} wall min {min(walls):.2f} s, median {median:.2f} s, max {max(walls):.2f} s; "
        f"CPU median {statistics.median(cpus):.2f} s; load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        settings = from_env({"THIDUA_DB": str(db)})
        campaigns = load_campaigns(settings.campaigns_dir)
        meeting = slides.load_all(settings.meetings_dir, campaigns)[MEETING]
        with open_store(settings).reading() as cur:
            deck = slides.build_deck(cur, meeting, campaigns=campaigns)
        print(f"{MEETING}: {len(deck.slides)} slides, {args.runs} runs each; load average before {os.getloadavg()[0]:.1f}", flush=True)

        def write(run: int) -> None:
            files = pack.write_pack(deck, Path(tmp) / f"pack-{run}")
            assert len(files) == len(deck.slides) + 2

        def command(run: int) -> None:
            out = Path(tmp) / f"command-{run}"
            env = {**os.environ, "THIDUA_DB": str(db)}
            cli = [sys.executable, "-m", "analytics", "pack", "--meeting", MEETING, "-o", str(out)]
            subprocess.run(cli, cwd=ROOT, env=env, check=True, capture_output=True)

        pack.figure_pngs([go.Figure()], 64, 64)  # the renderer open and ready, as the scheduler leaves it
        kept = _timed(args.runs, "kept", write)
        _timed(args.runs, "cold", write, before=RENDERER.close)
        RENDERER.close()
        _timed(args.runs, "command", command)
    print(f"target ≤ {TARGET_S:.0f} s for the pack a scheduled sending writes (kept): {'met' if kept <= TARGET_S else 'NOT met'}")


if __name__ == "__main__":
    main()
