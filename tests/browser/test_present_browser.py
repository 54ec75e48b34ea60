"""The projector page and the offline pack in a real Chromium at 1920×1080: no scrollbars, font
sizes measured from the rendered chart, slides that change by themselves, no exception."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analytics.presentation import pack, slides
from analytics.store import Store
from tests.support import connection, start_server, stop_server

pytestmark = pytest.mark.slow  # a real streamlit server driven by Chromium

MIN_TITLE_PX, MIN_TICK_PX = 32, 18

# Elements that would show a scrollbar: the document itself or any box that scrolls its overflow.
OVERFLOWING = """() => {
  const out = [];
  const doc = document.scrollingElement || document.documentElement;
  if (doc.scrollHeight > window.innerHeight || doc.scrollWidth > window.innerWidth) out.push('document');
  for (const el of document.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    const scrollsY = ['auto', 'scroll'].includes(style.overflowY) && el.scrollHeight > el.clientHeight + 1;
    const scrollsX = ['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
    if ((scrollsY || scrollsX) && el.clientHeight > 0) out.push(el.tagName + '.' + el.className);
  }
  return out;
}"""

FONT_SIZES = """() => {
  const px = sel => Array.from(document.querySelectorAll(sel)).map(e => parseFloat(getComputedStyle(e).fontSize));
  return {title: px('.js-plotly-plot .gtitle'), ticks: px('.js-plotly-plot .xtick text, .js-plotly-plot .ytick text')};
}"""


def _counter(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator(".st-key-present_counter").inner_text().strip()


def _open(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    page.wait_for_timeout(800)


def test_a_slide_fits_1920x1080_with_projector_font_sizes(page, server) -> None:  # type: ignore[no-untyped-def]
    _open(page, server.url + "/present?meeting=tong-ket-2016&slide=2")
    assert page.evaluate(OVERFLOWING) == []
    sizes = page.evaluate(FONT_SIZES)
    assert sizes["title"] and min(sizes["title"]) >= MIN_TITLE_PX, sizes
    assert sizes["ticks"] and min(sizes["ticks"]) >= MIN_TICK_PX, sizes
    ticks = page.eval_on_selector_all(".js-plotly-plot .ytick text", "els => els.map(e => e.textContent)")
    assert len(ticks) == 22 and "THADS Quảng Ninh" in ticks
    # Unit names are never cut: every tick label lies inside the chart's box.
    box = page.locator(".js-plotly-plot").bounding_box()
    lefts = page.eval_on_selector_all(".js-plotly-plot .ytick text", "els => els.map(e => e.getBoundingClientRect().left)")
    assert min(lefts) >= box["x"]
    assert _counter(page) == "2/15"
    assert not page.locator("[data-testid='stSidebar']").is_visible()
    assert not page.locator("[data-testid='stToolbar']").is_visible()
    assert "Dữ liệu đến hết" not in page.locator("body").inner_text()  # the overview's caption is not drawn here
    assert "DỮ LIỆU MINH HỌA" in page.locator("body").inner_text()
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.js_errors == []
    page.screenshot(path=str(Path(server.db_path).parent / "present-slide2.png"))


@pytest.mark.parametrize("number", [1, 12, 13, 15])
def test_kpi_and_timeline_slides_fit_too(page, server, number: int) -> None:  # type: ignore[no-untyped-def]
    _open(page, server.url + f"/present?meeting=tong-ket-2016&slide={number}&variant=dark")
    assert page.evaluate(OVERFLOWING) == []
    sizes = page.evaluate(FONT_SIZES)
    assert min(sizes["title"]) >= MIN_TITLE_PX
    assert _counter(page) == f"{number}/15"
    assert page.locator("[data-testid='stException']").count() == 0


def test_slides_advance_by_themselves_without_reloading(page, server) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/present?meeting=so-ket-2016&interval=4")
    page.wait_for_selector(".st-key-present_counter", timeout=60_000)
    first = int(_counter(page).split("/")[0])
    page.evaluate("window.__still_same_page = true")
    times = []
    for step in (1, 2):
        expected = f"{(first - 1 + step) % 9 + 1}/9"
        page.wait_for_function(
            "n => document.querySelector('.st-key-present_counter').innerText.trim() === n", arg=expected, timeout=20_000, polling=100
        )
        times.append(page.evaluate("performance.now()"))
    assert 2_500 <= times[1] - times[0] <= 6_500  # about the interval, not every tick
    assert page.evaluate("window.__still_same_page === true")  # a fragment rerun, not a page load
    assert f"slide={(first + 1) % 9 + 1}" in page.url
    assert page.evaluate(OVERFLOWING) == []
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.js_errors == []


def test_keyboard_moves_and_pauses(page, server) -> None:  # type: ignore[no-untyped-def]
    _open(page, server.url + "/present?meeting=so-ket-2016&slide=4")
    assert _counter(page) == "4/9"
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.st-key-present_counter').innerText.trim() === '5/9'", timeout=15_000)
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => document.querySelector('.st-key-present_counter').innerText.trim() === '4/9'", timeout=15_000)
    page.wait_for_timeout(4000)
    assert _counter(page) == "4/9"  # ?slide= without ?interval= stays


def test_present_bookmark_on_a_fresh_server(chromium, tmp_path) -> None:  # type: ignore[no-untyped-def]

    server = start_server(tmp_path)  # the meeting-room PC opens the bookmark right after start-up
    try:
        page = chromium.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(server.url + "/present?interval=15")
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
        page.wait_for_timeout(800)
        body = page.locator("body").inner_text()
        assert "Page not found" not in body and "does not seem to exist" not in body
        assert re.fullmatch(r"1/\d+", _counter(page))
        assert "interval=15" in page.url
        assert page.locator("[data-testid='stException']").count() == 0
    finally:
        stop_server(server)


def test_the_html_pack_runs_offline_and_shows_every_slide(chromium, demo_store: Store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    meeting = slides.load_all(Path("data/meetings"))["so-ket-2016"]
    deck = slides.build_deck(connection(demo_store), meeting)
    file = tmp_path / "pack.html"
    file.write_text(pack.offline_html(deck), encoding="utf-8")
    context = chromium.new_context(viewport={"width": 1920, "height": 1080}, offline=True)
    requested: list[str] = []

    def block_network(route) -> None:  # type: ignore[no-untyped-def]
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            requested.append(route.request.url)
            route.abort()

    context.route("**/*", block_network)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(file.as_uri())
    seen = []
    for number in range(1, len(deck.slides) + 1):
        active = page.locator("section.slide.active")
        active.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=15_000)
        seen.append(active.locator(".right b").inner_text())
        title = active.locator(".gtitle").text_content()
        assert title == deck.slides[number - 1].title
        assert page.evaluate(OVERFLOWING) == []
        page.keyboard.press("ArrowRight")
    assert seen == [f"{n}/{len(deck.slides)}" for n in range(1, len(deck.slides) + 1)]
    assert requested == [] and errors == []
    context.close()


def test_the_pack_downloads_from_the_page(page, server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _open(page, server.url + "/present?meeting=so-ket-2016&block=STP")
    page.locator("[data-testid='stPopoverButton'] >> visible=true").click()
    with page.expect_download(timeout=30_000) as html_download:
        page.get_by_text("Bản trình chiếu HTML").click()
    html_file = tmp_path / "pack.html"
    html_download.value.save_as(html_file)
    assert html_file.read_text(encoding="utf-8").count('<section class="slide"') == 7  # STP: no enforcement slides
    with page.expect_download(timeout=90_000) as zip_download:
        page.get_by_text("Ảnh PNG 1920×1080 và PDF").click()
    zip_file = tmp_path / "pack.zip"
    zip_download.value.save_as(zip_file)
    import zipfile

    with zipfile.ZipFile(zip_file) as archive:
        names = archive.namelist()
    assert sum(n.endswith(".png") for n in names) == 7 and sum(n.endswith(".pdf") for n in names) == 1
    assert page.locator("[data-testid='stException']").count() == 0
