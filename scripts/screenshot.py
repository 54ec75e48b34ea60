"""Take a screenshot of a running dashboard page in Debian's Chromium (a developer aid).

Usage: python scripts/screenshot.py URL OUT.png [--full] [--phone] [--height PX]

Default 1920×1080. `--phone` is a 390×844 phone (and says so in its User-Agent, which is what the
dashboard's phone layout goes by). Streamlit scrolls inside its own container, so `--full` cannot
see below the window: `--height 4000` makes the window that tall instead.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from browser_time import CHROMIUM, CHROMIUM_ARGS, IDLE_NOT, PHONE_AGENT, PHONE_VIEWPORT


def main(url: str, out: str, *, full: bool, phone: bool, height: int | None) -> None:
    width, default_height = (PHONE_VIEWPORT["width"], PHONE_VIEWPORT["height"]) if phone else (1920, 1080)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height or default_height}, user_agent=PHONE_AGENT if phone else None)
        page.goto(url)
        page.wait_for_selector(".js-plotly-plot, [data-testid='stAlert']", timeout=30000)
        page.wait_for_selector(IDLE_NOT, state="detached", timeout=60000)  # the script run has finished
        # Plotly's code arrives after the page, and a fresh server's first run reruns once: wait until
        # every chart on the page is drawn (a page without charts waits 20 s and is taken as it is).
        with contextlib.suppress(PlaywrightTimeout):
            page.wait_for_function(
                "() => { const n = document.querySelectorAll(\"[data-testid='stPlotlyChart']\").length;"
                " return n > 0 && n === document.querySelectorAll('.js-plotly-plot .main-svg:first-child').length; }",
                timeout=20000,
            )
        page.wait_for_timeout(1500)
        page.screenshot(path=out, full_page=full)
        browser.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("out")
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--phone", action="store_true")
    parser.add_argument("--height", type=int)
    args = parser.parse_args()
    main(args.url, args.out, full=args.full, phone=args.phone, height=args.height)
