"""Every dashboard page in a real Chromium at 1920×1080: opened from a link with filters, it renders
its charts with no exception — on a warm server and as the first request of a fresh one."""

import shutil
import unicodedata
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from analytics.bootstrap import open_store
from tests.support import Server, make_settings, start_server, stop_server

pytestmark = pytest.mark.slow  # a real streamlit server driven by Chromium

# page → (link query, a chart title the page must show)
LINKS = {
    "compare": ("?period=year&block=STP&ind=xa_ntm", "Số xã được chọn hỗ trợ xây dựng nông thôn mới"),
    "phases": ("?unit=STP_HN&ind=buoi_pbgdpl", "theo quý — STP Hà Nội"),
    "rural": ("?period=P2&unit=STP_HD", "Hoạt động hỗ trợ tại xã nông thôn mới"),
    "legal_access": ("?block=STP", "Xã “xóa nghèo” pháp luật"),
    "enforcement": ("?block=THADS", "Tỷ lệ thi hành xong về tiền"),
    "unit_profile": ("?unit=THADS_HN", "Chi tiết cách tính điểm — THADS Hà Nội"),
    "scoring": ("?block=THADS&drill=THADS_TB", "Tổng điểm chấm — Khối Cục THADS"),
}
PLOT = ".js-plotly-plot .main-svg"


def _check(page, name: str) -> str:  # type: ignore[no-untyped-def]
    page.wait_for_selector(PLOT, timeout=60_000)
    page.wait_for_timeout(800)
    body = page.locator("body").inner_text()
    assert "Page not found" not in body and "does not seem to exist" not in body
    assert page.locator("[data-testid='stException']").count() == 0
    assert unicodedata.is_normalized("NFC", body) and "Ã" not in body
    chart = page.locator(".js-plotly-plot").first.bounding_box()
    assert chart is not None and chart["width"] > 600 and chart["height"] > 200, f"{name}: chart not visible"
    return body


@pytest.mark.parametrize("name", list(LINKS))
def test_page_renders_from_a_link_with_filters(page, server, name: str) -> None:  # type: ignore[no-untyped-def]
    query, title = LINKS[name]
    page.goto(f"{server.url}/{name}{query}")
    body = _check(page, name)
    titles = page.eval_on_selector_all(".js-plotly-plot .gtitle", "els => els.map(e => e.textContent)")
    assert any(title in t for t in titles), titles
    assert "Dữ liệu minh họa" in body
    for part in query.lstrip("?").split("&"):
        assert part in page.url  # the filters stay in the URL, so the link can be copied again
    assert page.js_errors == []


def test_overview_bookmark_works_on_a_warm_server(page, server) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/scoring")
    page.wait_for_selector(PLOT, timeout=60_000)
    page.goto(server.url + "/overview?period=P1")
    body = _check(page, "overview")
    assert "Tóm tắt" in body and "period=P1" in page.url


# A fresh server's first request goes through the same routing for every page (app.py and
# ui/routing.py; tests/test_architecture.py checks each page calls it under its own url_path), so a few
# pages of different kinds stand for all: overview and present have fresh-server tests of their own.
FRESH = ("compare", "unit_profile", "scoring")


@pytest.fixture(scope="module")
def fresh_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Server]]:
    """One never-visited server per page, started in parallel from a copy of a demo-seeded store
    (starting them one after another made this module several times slower)."""
    seeded = tmp_path_factory.mktemp("seeded")
    open_store(make_settings(seeded))
    folders = {}
    for name in FRESH:
        folders[name] = tmp_path_factory.mktemp(f"fresh_{name}")
        shutil.copy(seeded / "thidua.duckdb", folders[name] / "browser.duckdb")
    with ThreadPoolExecutor(max_workers=len(folders)) as pool:
        started = dict(zip(folders, pool.map(start_server, folders.values()), strict=True))
    yield started
    for server in started.values():
        stop_server(server)


@pytest.mark.parametrize("name", FRESH)
def test_a_bookmark_opens_as_the_first_request_of_a_fresh_server(chromium, fresh_servers, name: str) -> None:  # type: ignore[no-untyped-def]
    server = fresh_servers[name]
    try:
        page = chromium.new_page(viewport={"width": 1920, "height": 1080})
        query, title = LINKS[name]
        page.goto(f"{server.url}/{name}{query}")
        _check(page, name)
        titles = page.eval_on_selector_all(".js-plotly-plot .gtitle", "els => els.map(e => e.textContent)")
        assert any(title in t for t in titles), titles
        assert f"/{name}" in page.url
        page.close()
    finally:
        stop_server(server)
