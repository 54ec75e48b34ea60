"""The overview in a real Chromium at 1920×1080: a 22-unit chart, Vietnamese text, no exception."""

import unicodedata

import pytest

from tests.support import start_server, stop_server

pytestmark = pytest.mark.slow  # a real streamlit server driven by Chromium


def test_overview_shows_a_chart_of_22_units(page, server) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/")
    page.wait_for_selector(".js-plotly-plot .barlayer", timeout=60_000)
    ticks = page.eval_on_selector_all(".js-plotly-plot .yaxislayer-above .ytick text", "els => els.map(e => e.textContent)")
    assert len(ticks) == 22
    assert "STP Quảng Ninh" in ticks and "THADS Hà Nội" in ticks
    assert page.locator("[data-testid='stException']").count() == 0
    body = page.locator("body").inner_text()
    assert "Dữ liệu minh họa" in body and "Tổng quan" in body
    assert unicodedata.is_normalized("NFC", body)
    assert "Ã" not in body and "Â»" not in body  # no UTF-8 read as Latin-1
    assert page.js_errors == []


def test_a_bookmarked_page_opens_on_a_fresh_server_without_page_not_found(chromium, tmp_path) -> None:  # type: ignore[no-untyped-def]

    server = start_server(tmp_path)  # fresh process: this is its very first session
    try:
        page = chromium.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(server.url + "/overview?period=P1&block=STP")
        page.wait_for_selector(".js-plotly-plot .barlayer", timeout=60_000)
        page.wait_for_timeout(500)
        body = page.locator("body").inner_text()
        assert "Page not found" not in body and "does not seem to exist" not in body
        ticks = page.eval_on_selector_all(".js-plotly-plot .yaxislayer-above .ytick text", "els => els.map(e => e.textContent)")
        assert len(ticks) == 11 and all(t.startswith("STP ") for t in ticks)  # the link's block filter applied
        assert "period=P1" in page.url
    finally:
        stop_server(server)
