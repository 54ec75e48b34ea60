"""Take a 1920×1080 screenshot of a running dashboard page in Debian's Chromium (a developer aid).

Usage: python scripts/screenshot.py URL OUT.png [--full]
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from browser_time import CHROMIUM, CHROMIUM_ARGS


def main(url: str, out: str, full: bool) -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(url)
        page.wait_for_selector(".js-plotly-plot, [data-testid='stAlert']", timeout=30000)
        page.wait_for_timeout(1500)
        page.screenshot(path=out, full_page=full)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], "--full" in sys.argv)
