"""PNG images (1920×1080) and the PDF deck, rendered by kaleido through the system Chromium, from
`python -m analytics pack`."""

from __future__ import annotations

import io
import os
import re
import signal
import time
from pathlib import Path

import plotly.graph_objects as go
import pytest
from PIL import Image, ImageChops

from analytics.presentation import pack, slides
from analytics.presentation.renderer import ChartRenderer
from analytics.settings import DATA_DIR
from analytics.store import Store
from tests.support import connection, run_cli_process

pytestmark = pytest.mark.slow  # the whole pack rendered by Chromium, from a separate interpreter

MEETINGS = slides.load_all(DATA_DIR / "meetings")


def _pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", data))


@pytest.mark.usefixtures("chromium")  # kaleido drives the same system Chromium
def test_cli_writes_the_whole_pack(tmp_path: Path) -> None:
    """Every slide as a 1920×1080 PNG that is not blank, the offline HTML and a PDF of as many pages
    (the slideshow's download builds the same files through the same functions)."""
    out = tmp_path / "hop"
    result = run_cli_process(tmp_path, "pack", "--year", "2016", "--phase", "1", "-o", str(out))
    assert result.returncode == 0, result.stderr.decode()
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"trang-{n:02d}.png" for n in range(1, 10)] + ["trinh-chieu-so-ket-2016.html", "trinh-chieu-so-ket-2016.pdf"]
    assert _pdf_pages((out / "trinh-chieu-so-ket-2016.pdf").read_bytes()) == 9
    for png in sorted(out.glob("*.png")):
        image = Image.open(png)
        assert image.format == "PNG" and image.size == (1920, 1080)
        assert len(image.convert("L").resize((64, 36)).getcolors(4096) or ()) > 5  # not a blank page


@pytest.mark.usefixtures("chromium")
def test_charts_drawn_in_one_kept_page_match_charts_drawn_each_in_a_fresh_page(demo_store: Store) -> None:
    """The pack keeps kaleido's page for all its charts instead of reloading it after each: nothing
    a chart leaves behind may show on the next one."""
    deck = slides.build_deck(connection(demo_store), MEETINGS["tong-ket-2016"])
    figures = [slides.fit(s.figure, 360, 640) for s in deck.slides[:4]]
    assert len({type(f.data[0]).__name__ if f.data else "" for f in figures}) > 1  # different kinds of chart
    together = pack.figure_pngs(figures, 640, 360)
    for figure, kept in zip(figures, together, strict=True):
        fresh_browser = ChartRenderer()
        (fresh,) = pack.figure_pngs([figure], 640, 360, renderer=fresh_browser)
        fresh_browser.close()
        difference = ImageChops.difference(Image.open(io.BytesIO(kept)).convert("RGB"), Image.open(io.BytesIO(fresh)).convert("RGB"))
        assert difference.getbbox() is None


@pytest.mark.usefixtures("chromium")
def test_the_renderer_is_kept_between_exports_closes_when_idle_and_replaces_a_dead_browser() -> None:
    """One Chromium serves export after export; left idle it closes itself; one that died while idle
    is replaced by the next export instead of failing it."""
    figure = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    renderer = ChartRenderer(keep_seconds=1.0)
    first = pack.figure_pngs([figure], 320, 180, renderer=renderer)
    second = pack.figure_pngs([figure, figure], 320, 180, renderer=renderer)
    assert renderer.launches == 1 and renderer.is_open
    assert second == first * 2 and Image.open(io.BytesIO(first[0])).size == (320, 180)
    deadline = time.monotonic() + 30
    while renderer.is_open and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not renderer.is_open
    assert pack.figure_pngs([figure], 320, 180, renderer=renderer) == first and renderer.launches == 2
    renderer.start()  # already open: nothing new starts
    assert renderer.launches == 2
    os.kill(_chromium_pid(renderer), signal.SIGKILL)
    assert pack.figure_pngs([figure], 320, 180, renderer=renderer) == first and renderer.launches == 3
    renderer.close()
    assert not renderer.is_open


def _chromium_pid(renderer: ChartRenderer) -> int:
    """The process kaleido started (reached through the renderer's internals: only a test kills it)."""
    assert renderer._browser is not None
    return int(renderer._browser.result().subprocess.pid)
