"""The meeting pack: an offline HTML slideshow, 1920×1080 PNG images and a PDF of one deck.

The HTML inlines plotly.js and every figure, so it runs from a USB stick with no network. The
images come from the process's kept chart renderer (renderer.py): one browser for every image.
Pillow (already installed with Streamlit) adds the header and caption, and builds the PDF from the
same images in memory, one page per slide, without encoding and decoding them again.
"""

from __future__ import annotations

import functools
import html
import io
import json
import zipfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from analytics.labels import t
from analytics.presentation.charts import TARGET_COLOUR
from analytics.presentation.renderer import RENDERER, ChartRenderer
from analytics.presentation.slide_charts import palette
from analytics.presentation.slides import Deck, Slide, fit

if TYPE_CHECKING:
    from PIL import Image

WIDTH, HEIGHT = 1920, 1080
HEADER_PX, FOOTER_PX = 78, 78
HEADER_FONT, CAPTION_FONT = 22, 24
T = TypeVar("T")


def file_stem(deck: Deck) -> str:
    return f"trinh-chieu-{deck.meeting}"


# --- offline HTML slideshow -----------------------------------------------------------------------

_STYLE = """
html, body { margin: 0; height: 100%; overflow: hidden; background: var(--paper); color: var(--ink);
  font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; }
.slide { display: none; box-sizing: border-box; width: 100vw; height: 100vh; padding: 14px 28px 10px;
  flex-direction: column; }
.slide.active { display: flex; }
.top { display: flex; justify-content: space-between; align-items: baseline; gap: 24px; font-size: 22px; }
.top .meta { color: var(--muted); line-height: 1.3; }
.top .right { white-space: nowrap; }
.demo { color: #FFFFFF; background: #B2182B; padding: 2px 10px; border-radius: 4px; margin-right: 16px; font-weight: bold; }
.chart { flex: 1 1 auto; min-height: 0; }
.caption { font-size: 24px; padding-top: 6px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.help { position: fixed; right: 10px; bottom: 6px; font-size: 13px; color: var(--muted); opacity: 0.6; }
"""

_SCRIPT = """
(function () {
  var slides = Array.prototype.slice.call(document.querySelectorAll('.slide'));
  var figures = JSON.parse(document.getElementById('figures').textContent);
  var drawn = {}, index = 0, timer = null;
  var match = location.search.match(/[?&]interval=(\\d+)/);
  var interval = match ? Math.max(3, parseInt(match[1], 10)) : 0;
  function draw(i) {
    var box = slides[i].querySelector('.chart');
    if (drawn[i]) { Plotly.Plots.resize(box); return; }
    var fig = figures[i];
    fig.layout.autosize = true; delete fig.layout.height; delete fig.layout.width;
    Plotly.newPlot(box, fig.data, fig.layout, {displayModeBar: false, responsive: true, staticPlot: false});
    drawn[i] = true;
  }
  function show(i) {
    index = (i + slides.length) % slides.length;
    slides.forEach(function (s, k) { s.classList.toggle('active', k === index); });
    draw(index);
    location.hash = String(index + 1);
    schedule();
  }
  function schedule() {
    if (timer) { clearTimeout(timer); timer = null; }
    if (interval > 0) { timer = setTimeout(function () { show(index + 1); }, interval * 1000); }
  }
  document.addEventListener('keydown', function (e) {
    var k = e.key;
    if (k === 'ArrowRight' || k === 'PageDown' || k === 'ArrowDown' || k === 'Enter') { show(index + 1); }
    else if (k === 'ArrowLeft' || k === 'PageUp' || k === 'ArrowUp' || k === 'Backspace') { show(index - 1); }
    else if (k === 'Home') { show(0); }
    else if (k === 'End') { show(slides.length - 1); }
    else if (k === ' ') { interval = interval ? 0 : (parseInt(slides[index].dataset.seconds, 10) || 15); schedule(); }
    else if (k === 'f' || k === 'F') { if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen(); }
    else { return; }
    e.preventDefault();
  });
  var start = parseInt((location.hash || '#1').slice(1), 10);
  show(isNaN(start) ? 0 : start - 1);
})();
"""


def _figure_json(slide: Slide) -> dict:
    return json.loads(pio.to_json(slide.figure, validate=False))


def offline_html(deck: Deck, lang: str = "vi") -> str:
    """One self-contained page: plotly.js, the figures and the slide texts, keyboard-driven
    (→/PageDown next, ←/PageUp previous, Space auto-advance, F full screen; ?interval=N plays)."""
    colours = palette(deck.variant)
    figures = json.dumps([_figure_json(s) for s in deck.slides], ensure_ascii=False).replace("</", "<\\/")
    sections = []
    for s in deck.slides:
        demo = f'<span class="demo">{html.escape(t("demo_badge", lang))}</span>' if s.is_demo else ""
        sections.append(
            f'<section class="slide" data-seconds="{int(s.seconds)}">'
            f'<div class="top"><div class="meta">{html.escape(deck.title)} · <b>{html.escape(s.period)}</b><br>{html.escape(s.as_of)}</div>'
            f'<div class="right">{demo}<b>{s.number}/{s.total}</b></div></div>'
            f'<div class="chart"></div><div class="caption">{html.escape(s.caption)}</div></section>'
        )
    variables = f":root {{ --paper: {colours['paper']}; --ink: {colours['ink']}; --muted: {colours['muted']}; }}"
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        f"<title>{html.escape(deck.title)}</title>"
        f"<style>{variables}{_STYLE}</style>"
        f"<script>{get_plotlyjs()}</script></head><body>"
        + "".join(sections)
        + f'<div class="help">{html.escape(t("present_keys", lang))}</div>'
        + f'<script type="application/json" id="figures">{figures}</script>'
        + f"<script>{_SCRIPT}</script></body></html>"
    )


# --- images and PDF ---------------------------------------------------------------------------------


def chart_figure(slide: Slide) -> go.Figure:
    """The slide's chart sized for the area between the header and the caption of a 1920×1080 image."""
    return fit(slide.figure, HEIGHT - HEADER_PX - FOOTER_PX, WIDTH)


@functools.cache
def _font(size: int, bold: bool = False):  # type: ignore[no-untyped-def]
    from PIL import ImageFont

    for name in ("NotoSans-Bold.ttf", "DejaVuSans-Bold.ttf") if bold else ("NotoSans-Regular.ttf", "DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def _fit_lines(draw, text: str, size: int, width: int, max_lines: int):  # type: ignore[no-untyped-def]
    """Wrap `text` into at most `max_lines` lines of `width` px, shrinking the font down to 18 px."""
    while True:
        font = _font(size)
        lines: list[str] = []
        for word in text.split(" "):
            trial = f"{lines[-1]} {word}" if lines else word
            if lines and draw.textlength(trial, font=font) <= width:
                lines[-1] = trial
            else:
                lines.append(word)
        if len(lines) <= max_lines or size <= 18:
            return font, lines[:max_lines]
        size -= 2


def compose_image(slide: Slide, deck: Deck, chart_png: bytes, lang: str = "vi") -> Image.Image:
    """The full slide image: header line (meeting, period, data as of, demo label, counter), the
    chart, and the caption underneath — the same parts, in the same places, as on /present."""
    from PIL import Image, ImageDraw

    colours = palette(deck.variant)
    canvas = Image.new("RGB", (WIDTH, HEIGHT), colours["paper"])
    canvas.paste(Image.open(io.BytesIO(chart_png)).convert("RGB"), (0, HEADER_PX))
    draw = ImageDraw.Draw(canvas)
    pad = 28
    counter = f"{slide.number}/{slide.total}"
    bold = _font(HEADER_FONT, bold=True)
    right = WIDTH - pad - draw.textlength(counter, font=bold)
    draw.text((right, 12), counter, font=bold, fill=colours["ink"])
    if slide.is_demo:
        badge = t("demo_badge", lang).upper()
        width = draw.textlength(badge, font=bold)
        right -= width + 36
        draw.rectangle((right - 10, 8, right + width + 10, 12 + HEADER_FONT + 10), fill=TARGET_COLOUR)
        draw.text((right, 12), badge, font=bold, fill="#FFFFFF")
    meta_font, meta = _fit_lines(draw, f"{deck.title} · {slide.period}", HEADER_FONT, int(right - 2 * pad), 1)
    draw.text((pad, 12), meta[0], font=meta_font, fill=colours["muted"])
    draw.text((pad, 14 + HEADER_FONT + 10), slide.as_of, font=_font(HEADER_FONT - 2), fill=colours["muted"])
    if slide.caption:
        font, lines = _fit_lines(draw, slide.caption, CAPTION_FONT, WIDTH - 2 * pad, 2)
        line_height = int(font.size * 1.3)
        y = HEIGHT - 8 - line_height * len(lines)
        for line in lines:
            draw.text((pad, y), line, font=font, fill=colours["ink"])
            y += line_height
    return canvas


def png_bytes(image: Image.Image) -> bytes:
    """PNG at zlib level 1: encoding is most of an image's cost, level 6 is ~15 % smaller for ~20 % more time."""
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def figure_pngs(
    figures: list[go.Figure],
    width: int,
    height: int,
    progress: Callable[[int, int], None] | None = None,
    renderer: ChartRenderer = RENDERER,
) -> list[bytes]:
    """PNG images of `figures`, each sized width × height, from one kaleido browser for all.
    `progress(done, total)` is called from the rendering thread (in Streamlit: no `st.` calls in it)."""
    images: dict[int, bytes] = {}

    def keep(index: int, data: bytes) -> None:
        images[index] = data
        if progress is not None:
            progress(len(images), len(figures))

    renderer.render(figures, width, height, keep)
    return [images[i] for i in range(len(figures))]


def _composed(deck: Deck, lang: str, finish: Callable[[Image.Image], T]) -> list[T]:
    """`finish(image)` of every slide's 1920×1080 image, its chart between the header line and the
    caption. Each slide is composed (and finished) in a second thread as soon as its chart arrives,
    while Chromium draws the next: the two cores work at once."""
    done: dict[int, Future[T]] = {}
    with ThreadPoolExecutor(max_workers=1) as composer:

        def compose(index: int, chart: bytes) -> None:
            done[index] = composer.submit(lambda: finish(compose_image(deck.slides[index], deck, chart, lang)))

        RENDERER.render([chart_figure(s) for s in deck.slides], WIDTH, HEIGHT - HEADER_PX - FOOTER_PX, compose)
        return [done[i].result() for i in range(len(deck.slides))]


def slide_images(deck: Deck, lang: str = "vi") -> list[Image.Image]:
    """Every slide as a 1920×1080 image (for the PDF)."""
    return _composed(deck, lang, lambda image: image)


def slide_pngs(deck: Deck, lang: str = "vi") -> list[tuple[Image.Image, bytes]]:
    """Every slide as a 1920×1080 image and as its PNG file, encoded while Chromium draws the next."""
    return _composed(deck, lang, lambda image: (image, png_bytes(image)))


def pdf_bytes(images: list[Image.Image]) -> bytes:
    """One PDF page per image, at 96 dpi so a page is 1920×1080 CSS pixels (20 × 11,25 inches)."""
    if not images:
        raise ValueError(t("pack_no_pages"))
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=96.0)
    return out.getvalue()


def _html_and_pngs(deck: Deck, lang: str) -> tuple[str, list[Image.Image], list[bytes]]:
    """The offline HTML built while Chromium starts and renders the charts; the images and their PNGs."""
    with ThreadPoolExecutor(max_workers=1) as builder:
        page = builder.submit(offline_html, deck, lang)
        slides = slide_pngs(deck, lang)
        return page.result(), [image for image, _ in slides], [png for _, png in slides]


def images_zip(deck: Deck, lang: str = "vi") -> bytes:
    """A zip with slide-01.png … and the PDF deck, plus the offline HTML."""
    page, images, pngs = _html_and_pngs(deck, lang)
    stem = file_stem(deck)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, png in enumerate(pngs, start=1):
            # PNG and PDF are compressed already: deflating them again costs time and saves nothing.
            archive.writestr(f"{stem}/trang-{number:02d}.png", png, compress_type=zipfile.ZIP_STORED)
        archive.writestr(f"{stem}/{stem}.pdf", pdf_bytes(images), compress_type=zipfile.ZIP_STORED)
        archive.writestr(f"{stem}/{stem}.html", page)
    return out.getvalue()


def pptx_bytes(deck: Deck, lang: str = "vi") -> bytes:
    """A PowerPoint deck the secretary can add her own slides to: each slide one full-size picture
    (the same image as the PDF's page), its caption as text in the speaker notes."""
    from pptx import Presentation
    from pptx.util import Emu

    pngs = [png for _, png in slide_pngs(deck, lang)]
    show = Presentation()
    show.slide_width, show.slide_height = Emu(12192000), Emu(6858000)  # 16:9, 33,867 × 19,05 cm
    blank = show.slide_layouts[6]
    for slide, png in zip(deck.slides, pngs, strict=True):
        page = show.slides.add_slide(blank)
        page.shapes.add_picture(io.BytesIO(png), 0, 0, width=show.slide_width, height=show.slide_height).name = slide.title
        page.notes_slide.notes_text_frame.text = "\n".join(x for x in (slide.title, slide.period, slide.as_of, slide.caption) if x)
    show.core_properties.title = deck.title
    out = io.BytesIO()
    show.save(out)
    return out.getvalue()


def write_pack(deck: Deck, output: Path, lang: str = "vi") -> list[Path]:
    """Write the pack where the CLI was told: FILE.html (slideshow only), FILE.pdf (PDF only),
    FILE.pptx (PowerPoint), FILE.zip (everything), or a folder (slideshow, PDF and one PNG per slide)."""
    suffix = output.suffix.lower()
    if suffix == ".pptx":
        output.write_bytes(pptx_bytes(deck, lang))
        return [output]
    if suffix == ".html":
        output.write_text(offline_html(deck, lang), encoding="utf-8")
        return [output]
    if suffix == ".pdf":
        output.write_bytes(pdf_bytes(slide_images(deck, lang)))
        return [output]
    if suffix == ".zip":
        output.write_bytes(images_zip(deck, lang))
        return [output]
    output.mkdir(parents=True, exist_ok=True)
    stem = file_stem(deck)
    page, images, pngs = _html_and_pngs(deck, lang)
    written = [output / f"{stem}.html"]
    written[0].write_text(page, encoding="utf-8")
    for number, png in enumerate(pngs, start=1):
        path = output / f"trang-{number:02d}.png"
        path.write_bytes(png)
        written.append(path)
    pdf = output / f"{stem}.pdf"
    pdf.write_bytes(pdf_bytes(images))
    written.append(pdf)
    return written
