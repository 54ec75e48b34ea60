"""PNG images (1920×1080) and the PDF deck, rendered by kaleido through the system Chromium, from
`python -m analytics pack`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

from analytics.presentation import slides
from analytics.settings import DATA_DIR
from tests.support import run_cli_process

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
