"""Chart images from kaleido driving the system Chromium, its page kept loaded between exports.

Where a pack's time goes (measured, docs/performance.md): starting Chromium ~0,4 s, loading kaleido's
page with its 4,8 MB of plotly.js ~1,5 s, then ~0,12 s an image. A renderer opened once and kept
serves the next export without the first two; the command line starts it while it builds the deck,
the scheduler a few minutes before a pack is due. An idle renderer closes itself after
`KEEP_SECONDS`: Chromium holds ~200 MB that a dashboard should not keep for a rare export.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import plotly.graph_objects as go

KEEP_SECONDS = 600.0
T = TypeVar("T")


def _kept_page_browser() -> Any:
    import kaleido

    class KeptPage(kaleido.Kaleido):
        """Kaleido reloads its page (and with it plotly.js) after every image: two thirds of Chromium's
        time for our figures. The images come out pixel-identical without the reload
        (tests/browser/test_pack_browser.py checks it), so the page is kept from one image to the next."""

        async def _return_kaleido_tab(self, tab) -> None:  # type: ignore[no-untyped-def]
            await self.tabs_ready.put(tab)

    # No MathJax: no slide uses LaTeX, and kaleido would otherwise fetch it from a CDN.
    return KeptPage(mathjax=False)


async def _opened() -> Any:
    browser = _kept_page_browser()
    await browser.open()
    return browser


class ChartRenderer:
    """One Chromium with kaleido's page, on an event loop of its own thread (so it also serves callers
    that run inside a loop, like Streamlit). One export at a time; `start()` returns at once."""

    def __init__(self, keep_seconds: float = KEEP_SECONDS) -> None:
        self.keep_seconds = keep_seconds
        self.launches = 0  # how many times Chromium was started: what keeping it saves
        self._export = threading.Lock()  # one export at a time, however many sessions export at once
        self._state = threading.Lock()  # guards the fields below
        self._loop: asyncio.AbstractEventLoop | None = None
        self._browser: Future[Any] | None = None
        self._idle: threading.Timer | None = None

    def _run(self, work: Coroutine[Any, Any, T]) -> Future[T]:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(work, self._loop)

    def start(self) -> None:
        """Begin starting Chromium and loading plotly.js in the background unless under way, and keep
        it `keep_seconds` from now (every call, and every export, pushes the closing back)."""
        with self._state:
            if self._browser is None:
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="thidua-chart-renderer", daemon=True).start()
                self._loop = loop
                self._browser = self._run(_opened())
                self.launches += 1
            if self._idle is not None:
                self._idle.cancel()
            timer = threading.Timer(self.keep_seconds, lambda: self._expire(timer))
            timer.daemon = True
            self._idle = timer
            timer.start()

    def render(self, figures: list[go.Figure], width: int, height: int, on_image: Callable[[int, bytes], None]) -> None:
        """Render `figures` in order, calling `on_image(index, png)` as each arrives (from another
        thread). A browser that fails is closed and the export tried once more in a fresh one: a kept
        Chromium may have died while idle."""
        opts = {"format": "png", "width": width, "height": height, "scale": 1}

        done = 0

        async def render_rest(browser: Any) -> None:
            nonlocal done
            while done < len(figures):
                on_image(done, bytes(await browser.calc_fig(figures[done], opts=opts)))
                done += 1

        with self._export:
            for attempt in (1, 2):
                self.start()
                assert self._browser is not None
                try:
                    self._run(render_rest(self._browser.result())).result()
                    break
                except Exception:
                    self._shut()
                    if attempt == 2:
                        raise
            self.start()  # kept from the end of this export

    def _expire(self, timer: threading.Timer) -> None:
        """Close, unless the renderer was asked for again since this timer was set (which replaced it)."""
        with self._export:
            with self._state:
                if self._idle is not timer:
                    return
            self._shut()

    def _shut(self) -> None:
        """Close the browser and stop its loop; the caller holds the export lock or no export runs."""
        with self._state:
            browser, loop = self._browser, self._loop
            self._browser = self._loop = None
            if self._idle is not None:
                self._idle.cancel()
                self._idle = None
        if browser is None or loop is None:
            return

        async def close() -> None:
            # A browser that failed to open or died has nothing left to close.
            with contextlib.suppress(Exception):
                await (await asyncio.wrap_future(browser)).close()

        asyncio.run_coroutine_threadsafe(close(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)

    def close(self) -> None:
        """Close Chromium (after the export under way, if any)."""
        with self._export:
            self._shut()

    @property
    def is_open(self) -> bool:
        with self._state:
            return self._browser is not None


RENDERER = ChartRenderer()  # the process's one renderer: every export of the dashboard, the scheduler and a command
atexit.register(RENDERER.close)
