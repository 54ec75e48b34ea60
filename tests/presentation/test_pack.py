"""The meeting pack's HTML slideshow and the CLI's answers (images and PDF: tests/browser/test_pack_browser.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analytics.presentation import pack, slides
from analytics.presentation.meetings import Meeting, SlideSpec
from analytics.settings import DATA_DIR
from analytics.store import Store
from tests.support import connection, run_cli

MEETINGS = slides.load_all(DATA_DIR / "meetings")


def test_html_is_self_contained_and_escapes_text(demo_store: Store) -> None:
    meeting = Meeting("m", "Họp <script>alert(1)</script>", 2016, "P1", "ALL", 15, "light", (SlideSpec("kpi"), SlideSpec("milestones")))
    deck = slides.build_deck(connection(demo_store), meeting)
    text = pack.offline_html(deck)
    assert text.count('<section class="slide"') == 2
    assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)" in text
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", text)  # nothing loaded from elsewhere
    assert "Plotly.newPlot" in text and len(text) > 3_000_000  # plotly.js is inlined


def test_cli_explains_an_unknown_meeting(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "pack", "--meeting", "khong-co", "-o", str(tmp_path / "x.html"))
    assert result.returncode == 2
    assert "khong-co" in result.stderr.decode() and "so-ket-2016" in result.stderr.decode()


@pytest.mark.slow
def test_cli_html_only(tmp_path: Path) -> None:
    out = tmp_path / "x.html"
    result = run_cli(tmp_path, "pack", "--meeting", "so-ket-2016", "--variant", "dark", "-o", str(out))
    assert result.returncode == 0, result.stderr.decode()
    text = out.read_text(encoding="utf-8")
    assert text.count('<section class="slide"') == 9 and "--paper: #111111" in text
