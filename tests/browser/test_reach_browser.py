"""Leaders' reach in a real Chromium: a click on a unit's bar opens its profile with the filters kept
and Back returns; at 390×844 (a phone) the pages read without scrolling sideways."""

from __future__ import annotations

import pytest

from tests.support import Server, run_cli, start_server, stop_server

pytestmark = pytest.mark.slow  # a real streamlit server driven by Chromium

BARS = ".js-plotly-plot .bars .point path"


def _bar_of(page, unit: str):  # type: ignore[no-untyped-def]
    """The bar drawn on the row labelled `unit` of the first chart."""
    chart = page.locator(".js-plotly-plot").first
    label = chart.locator(".ytick text", has_text=unit).first.bounding_box()
    middle = label["y"] + label["height"] / 2
    bars = chart.locator(".bars .point path")
    boxes = [bars.nth(i).bounding_box() for i in range(bars.count())]
    return bars.nth(min(range(len(boxes)), key=lambda i: abs(boxes[i]["y"] + boxes[i]["height"] / 2 - middle)))


def test_a_click_on_a_compare_bar_opens_that_units_profile_and_back_returns(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server.url}/compare?year=2016&period=P1&block=STP&ind=buoi_pbgdpl")
    page.wait_for_selector(BARS, timeout=60_000)
    page.wait_for_timeout(1000)
    _bar_of(page, "STP Quảng Ninh").click(force=True)  # force: the value label may lie over a short bar
    page.wait_for_url("**/unit_profile?**", timeout=30_000)
    page.wait_for_selector("text=Sở Tư pháp tỉnh Quảng Ninh", timeout=30_000)
    for part in ("year=2016", "period=P1", "block=STP", "unit=STP_QN", "ind=buoi_pbgdpl"):
        assert part in page.url, page.url
    page.wait_for_timeout(1500)
    titles = page.eval_on_selector_all(".js-plotly-plot .gtitle", "els => els.map(e => e.textContent)")
    assert any(t.startswith("Buổi tuyên truyền") for t in titles), titles  # the indicator came along
    chosen = page.eval_on_selector_all(
        "[data-testid='stSidebar'] [data-testid='stSelectbox']",
        "els => els.map(e => e.innerText + ' ' + [...e.querySelectorAll('input')].map(i => i.value).join(' '))",
    )
    assert any("Đợt 1" in c for c in chosen) and any("STP Quảng Ninh" in c for c in chosen), chosen  # the period and unit filters too
    assert page.locator("[data-testid='stException']").count() == 0

    page.go_back()
    page.wait_for_url("**/compare?**", timeout=30_000)
    page.wait_for_selector(BARS, timeout=60_000)
    page.wait_for_timeout(1500)
    assert "So sánh đơn vị" in page.locator("h1").first.inner_text()
    assert "period=P1" in page.url and "ind=buoi_pbgdpl" in page.url
    titles = page.eval_on_selector_all(".js-plotly-plot .gtitle", "els => els.map(e => e.textContent)")
    assert any(t.startswith("Buổi tuyên truyền") and "Đợt 1/2016" in t for t in titles), titles
    assert page.js_errors == []


def test_a_click_on_a_heatmap_cell_opens_that_units_profile(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server.url}/compare?year=2016&period=year&block=THADS&ind=ty_le_viec")
    page.wait_for_selector(BARS, timeout=60_000)
    heatmap = page.locator(".js-plotly-plot").nth(1)
    heatmap.scroll_into_view_if_needed()
    page.wait_for_timeout(1000)
    label = heatmap.locator(".ytick text", has_text="THADS Hải Phòng").first.bounding_box()
    plot = heatmap.locator(".nsewdrag").first.bounding_box()
    column = plot["width"] / 9  # nine covenant contents
    page.mouse.click(plot["x"] + 2.5 * column, label["y"] + label["height"] / 2)  # the ND3 cell of that row
    page.wait_for_url("**/unit_profile?**", timeout=30_000)
    assert "unit=THADS_HP" in page.url and "block=THADS" in page.url and "ind=ty_le_viec" in page.url
    page.wait_for_selector("text=Cục Thi hành án dân sự thành phố Hải Phòng", timeout=30_000)


LAYOUT = """() => {
  const main = document.querySelector("[data-testid='stMain']");
  const ticks = [...document.querySelectorAll('.js-plotly-plot .xtick text, .js-plotly-plot .ytick text')];
  const metrics = [...document.querySelectorAll("[data-testid='stMetric']")].map(e => e.getBoundingClientRect());
  const tables = [...document.querySelectorAll("[data-testid='stDataFrame']")].map(e => {
    const scroller = e.querySelector('.dvn-scroller');
    return {right: e.getBoundingClientRect().right, inner: scroller ? scroller.scrollWidth : 0, outer: scroller ? scroller.clientWidth : 0};
  });
  return {
    page: document.scrollingElement.scrollWidth, window: innerWidth,
    main: main ? main.scrollWidth - main.clientWidth : 0,
    ticks: ticks.map(e => parseFloat(getComputedStyle(e).fontSize)),
    titles: [...document.querySelectorAll('.js-plotly-plot .gtitle')].map(e => e.getBoundingClientRect().right),
    metrics: metrics.map(r => [Math.round(r.left), Math.round(r.top)]),
    tables,
  };
}"""


@pytest.fixture(scope="module")
def phone(chromium):  # type: ignore[no-untyped-def]
    from bench.browser_time import PHONE_AGENT, PHONE_VIEWPORT

    context = chromium.new_context(viewport=PHONE_VIEWPORT, user_agent=PHONE_AGENT, is_mobile=True, has_touch=True, locale="vi-VN")
    yield context
    context.close()


@pytest.mark.parametrize("name", ["overview", "unit_profile?unit=STP_HN&ind=xa_ntm"])
def test_a_phone_reads_the_page_without_scrolling_sideways(phone, server: Server, name: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _reads_on_a_phone(phone, server, name, tmp_path)


def test_a_phone_reads_the_year_over_year_view(phone, years_server: Server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _reads_on_a_phone(phone, years_server, "years?block=THADS&ind=ty_le_viec&from=2024", tmp_path)


def _reads_on_a_phone(phone, server: Server, name: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    page = phone.new_page()
    page.goto(f"{server.url}/{name}")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    page.wait_for_timeout(2500)
    found = page.evaluate(LAYOUT)
    page.screenshot(path=str(tmp_path / f"{name.split('?')[0]}_390x844.png"))
    page.close()
    assert found["window"] == 390
    assert found["page"] <= found["window"] and found["main"] <= 0, found  # no sideways scroll, of the page or of Streamlit's main
    assert found["ticks"] and min(found["ticks"]) >= 12, found["ticks"]  # unit names and axis labels stay legible
    assert max(found["titles"]) <= found["window"], found["titles"]  # chart titles wrap instead of running off the screen
    if len(found["metrics"]) > 1:  # KPI cards stack: one column, one under the other
        lefts, tops = zip(*found["metrics"], strict=True)
        assert len(set(lefts)) == 1 and list(tops) == sorted(tops), found["metrics"]
    for table in found["tables"]:  # a wide table scrolls inside its own box
        assert table["right"] <= found["window"] and (table["inner"] <= table["outer"] or table["outer"] < found["window"]), table


HOSTILE = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script> **đậm** [x](javascript:alert(3))'


@pytest.fixture(scope="module")
def noted_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A server on a store where `python -m analytics note add` left a hostile note (the CLI writes
    before the dashboard holds the file)."""
    folder = tmp_path_factory.mktemp("noted")
    scope = ("--year", "2016", "--quarter", "2", "--unit", "STP_HN", "--indicator", "xa_ntm")
    added = run_cli(folder, "note", "add", *scope, "--text", HOSTILE)
    assert added.returncode == 0, added.stderr
    (folder / "cli.duckdb").rename(folder / "browser.duckdb")
    srv = start_server(folder)
    yield srv
    stop_server(srv)


def test_a_cli_note_shows_on_hover_in_the_browser_as_inert_text(page, noted_server: Server) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{noted_server.url}/compare?year=2016&period=Q2&block=STP&ind=xa_ntm")
    page.wait_for_selector(BARS, timeout=60_000)
    page.wait_for_timeout(1000)
    star = page.locator(".js-plotly-plot").first.locator(".scatterlayer .trace").last.locator(".point").first
    star.hover(force=True)
    label = page.locator(".hoverlayer .hovertext").first
    label.wait_for(timeout=10_000)
    shown = label.text_content() or ""
    assert "STP Hà Nội" in shown and '<img src=x onerror="window.pwned=1"><script>' in shown  # written out, as typed
    assert page.evaluate("window.pwned === undefined")  # neither the image's handler nor the script ran
    assert page.locator(".js-plotly-plot img, .js-plotly-plot script").count() == 0
    assert page.js_errors == []
