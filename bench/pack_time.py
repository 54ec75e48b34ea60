"""How long the year-end meeting pack takes (a benchmark, not a test).

Usage: python bench/pack_time.py [--runs 5]
Builds the demo store once in a temporary folder, then, `--runs` times, writes the pack of
data/meetings/tong-ket-2016.toml into a folder — offline HTML, one 1920×1080 PNG per slide and the
PDF — through `pack.write_pack`, the call behind `python -m analytics pack -o FOLDER`. The deck is
built before the clock starts (its queries are not the pack). Prints wall time and CPU time (this
process plus its children: kaleido's Chromium) per run, their min and median, and the load average
before and after: the machine is shared, so CPU time is the figure that load moves least.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics.bootstrap import open_store  # noqa: E402
from analytics.config import load_campaigns  # noqa: E402
from analytics.presentation import pack, slides  # noqa: E402
from analytics.settings import from_env  # noqa: E402

MEETING = "tong-ket-2016"
TARGET_S = 4.0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = from_env({"THIDUA_DB": str(Path(tmp) / "bench.duckdb")})
        campaigns = load_campaigns(settings.campaigns_dir)
        meeting = slides.load_all(settings.meetings_dir, campaigns)[MEETING]
        with open_store(settings).reading() as cur:
            deck = slides.build_deck(cur, meeting, campaigns=campaigns)
        print(f"{MEETING}: {len(deck.slides)} slides; load average before {os.getloadavg()[0]:.1f}", flush=True)
        walls, cpus = [], []
        for run in range(args.runs):
            out = Path(tmp) / f"pack-{run}"
            # Children are counted once they have been waited for: kaleido's Chromium is, when its server stops.
            wall, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
            written = pack.write_pack(deck, out)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu + _children_cpu() - children)
            size = sum(p.stat().st_size for p in written) / 1e6
            print(f"run {run + 1}: {walls[-1]:.2f} s wall, {cpus[-1]:.2f} s CPU, {len(written)} files, {size:.1f} MB", flush=True)
    median = statistics.median(walls)
    print(
        f"wall min {min(walls):.2f} s, median {median:.2f} s (target ≤ {TARGET_S:.0f} s: {'met' if median <= TARGET_S else 'NOT met'}); "
        f"CPU min {min(cpus):.2f} s, median {statistics.median(cpus):.2f} s; load average after {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
