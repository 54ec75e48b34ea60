"""The year-over-year page in a real Chromium at 1920×1080 on the shipped demo years, opened from a link."""

from pathlib import Path

import pytest

from tests.browser.test_dashboard_browser import _check
from tests.support import Server

pytestmark = pytest.mark.slow  # a real streamlit server driven by Chromium


def test_year_over_year_from_a_link_draws_both_charts_with_the_merger_note(browser_context, years_server: Server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser_context.new_page()
    try:
        page.goto(f"{years_server.url}/years?block=THADS&ind=ty_le_viec&from=2024")
        body = _check(page, "years")
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2", timeout=60_000)
        assert "Qua các năm" in body and "THADS Ninh Bình: THADS Hà Nam, THADS Nam Định" in body
        assert "Tỷ lệ thi hành xong về việc — từng đơn vị qua các năm" in page.locator("body").inner_text()
        assert page.locator(".js-plotly-plot").nth(1).locator("g.textpoint text").count() >= 6  # the names at the line ends
        page.screenshot(path=str(tmp_path / "years.png"))
    finally:
        page.close()
