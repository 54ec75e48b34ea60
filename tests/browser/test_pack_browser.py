"""PNG images (1920×1080) and the PDF deck, rendered by kaleido through the system Chromium,
from the library and from `python -m analytics pack`."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from analytics.presentation import pack, slides
from analytics.settings import DATA_DIR
from analytics.store import Store
from tests.support import run_cli_process as run_cli

MEETINGS = slides.load_all(DATA_DIR / "meetings")


def _pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", data))


@pytest.mark.usefixtures("chromium")  # kaleido drives the same system Chromium
def test_png_and_pdf_have_the_right_size_and_page_count(demo_store: Store) -> None:
    deck = slides.build_deck(demo_store.cursor(), MEETINGS["so-ket-2016"])
    images = pack.render_pngs(deck)
    assert len(images) == len(deck.slides) == 9
    for data in images:
        image = Image.open(io.BytesIO(data))
        assert image.format == "PNG" and image.size == (1920, 1080)
        assert len(image.convert("L").resize((64, 36)).getcolors(4096) or ()) > 5  # not a blank page
    pdf = pack.pdf_from_pngs(images)
    assert pdf.startswith(b"%PDF") and _pdf_pages(pdf) == 9


@pytest.mark.usefixtures("chromium")
def test_cli_writes_the_whole_pack(tmp_path: Path) -> None:
    out = tmp_path / "hop"
    result = run_cli(tmp_path, "pack", "--year", "2016", "--phase", "1", "-o", str(out))
    assert result.returncode == 0, result.stderr.decode()
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"trang-{n:02d}.png" for n in range(1, 10)] + ["trinh-chieu-so-ket-2016.html", "trinh-chieu-so-ket-2016.pdf"]
    assert _pdf_pages((out / "trinh-chieu-so-ket-2016.pdf").read_bytes()) == 9
    assert Image.open(out / "trang-01.png").size == (1920, 1080)
