"""Streamlit side of the meeting-room projection: URL parameters (checked against allow-lists),
the cached deck, the slide position and the auto-advance clock, and the CSS that removes chrome."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from string import Template

import streamlit as st

from analytics.config import load_campaigns
from analytics.measures import PERIODS
from analytics.presentation import pack
from analytics.presentation.meetings import BLOCKS, MAX_SECONDS, MIN_SECONDS, VARIANTS, Meeting, pick_meeting
from analytics.presentation.slides import Deck, build_deck, default_meeting, load_all
from analytics.settings import from_env
from ui import data

# At 1920×1080: header line, chart, caption — sized so nothing scrolls (tests/browser checks).
CHART_HEIGHT = 940


@dataclass(frozen=True)
class Request:
    meeting: str | None
    year: int | None
    period: str | None
    block: str | None
    variant: str | None
    interval: int | None  # seconds for every slide; None: the meeting's seconds once playing
    playing: bool
    slide: int | None  # 1-based, from ?slide=
    lang: str


def _int(text: str, low: int, high: int) -> int | None:
    return int(text) if text.isdigit() and low <= int(text) <= high else None


def request() -> Request:
    """The presentation's parameters from the URL; anything not on an allow-list is ignored."""
    q = st.query_params
    years = data.years(data.version())
    year = _int(q.get("year", ""), 1900, 2999)
    interval_text = q.get("interval", "")
    interval = _int(interval_text, MIN_SECONDS, MAX_SECONDS)
    return Request(
        meeting=q.get("meeting") or None,
        year=year if year in years else None,
        period=q.get("period") if q.get("period") in PERIODS else None,
        block=q.get("block") if q.get("block") in BLOCKS else None,
        variant=q.get("variant") if q.get("variant") in VARIANTS else None,
        interval=interval,
        playing=interval is not None or interval_text == "auto",
        slide=_int(q.get("slide", ""), 1, 999),
        lang="en" if q.get("lang") == "en" else "vi",
    )


def _files(*folders: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, modification time and size of every TOML file: changes when the secretariat edits one."""
    found = (f for folder in folders if folder.is_dir() for f in sorted(folder.glob("*.toml")))
    return tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in found)


@st.cache_resource(show_spinner=False, max_entries=4)
def _meetings(meetings_dir: Path, campaigns_dir: Path, files: tuple[tuple[str, int, int], ...]) -> dict[str, Meeting]:
    # Parsing every meeting and campaign file on each run cost ~30 ms with ten years configured;
    # `files` makes an edited file count as new. A malformed file raises and is not cached.
    return load_all(meetings_dir, load_campaigns(campaigns_dir))


def meetings() -> dict[str, Meeting]:
    """The meeting files, read again when one is edited; a malformed file raises ConfigError."""
    settings = from_env()
    return _meetings(settings.meetings_dir, settings.campaigns_dir, _files(settings.meetings_dir, settings.campaigns_dir))


def meeting_for(req: Request) -> Meeting | None:
    """The meeting file the URL names or the one for its year (the newest without one) and period; the
    built-in default slides when there is none; None when no year is configured at all. A malformed
    file raises ConfigError for the page to show."""
    years = data.years(data.version())
    year = req.year or (years[0] if years else None)
    chosen = pick_meeting(meetings(), req.meeting, year, req.period)
    if chosen is not None:
        return chosen
    if year is None:
        return None
    return default_meeting(year, req.period or "year", req.block or "ALL", req.lang)


# A resource, not data: st.cache_data would unpickle the deck's Plotly figures on every run, and
# unpickling a figure validates it again (~170 ms per run for 14 slides). Nothing changes a deck;
# slides.fit copies a figure before sizing it.
@st.cache_resource(show_spinner=False, max_entries=32)
def _deck(version: int, meeting: Meeting, year: int | None, period: str | None, block: str | None, variant: str | None, lang: str) -> Deck:
    campaigns = data.campaigns()  # the scoring rubric lives in the campaign file
    with data.reading() as cur:
        return build_deck(cur, meeting, year=year, period=period, block=block, lang=lang, variant=variant, campaigns=campaigns)


def deck(req: Request, meeting: Meeting) -> Deck:
    version = data.version()
    built = _deck(version, meeting, req.year, req.period, req.block, req.variant, req.lang)
    st.session_state["present_version"] = version
    return built


def data_changed() -> bool:
    """True when the store's data version moved since the deck was built (checked on every tick)."""
    return data.version() != st.session_state.get("present_version")


# --- position and clock -----------------------------------------------------------------------------


def start(req: Request, deck: Deck) -> None:
    """Set the slide position once per session (and again when the URL asks for another deck)."""
    key = (deck.meeting, deck.title, len(deck.slides))
    if st.session_state.get("present_key") == key:
        return
    st.session_state["present_key"] = key
    st.session_state["present_index"] = min((req.slide or 1), len(deck.slides)) - 1
    st.session_state["present_playing"] = req.playing
    st.session_state["present_shown_at"] = time.monotonic()


# How often the slide fragment wakes up to check the clock. Streamlit's timer is not in step with
# the moment a slide appeared, so a one-second tick keeps every slide within a second of its time; a
# rerun with an unchanged slide sends nothing new to the browser (measured: the chart's DOM node is
# kept), and it keeps ticking while paused, so Play needs no page rerun.
TICK_SECONDS = 1.0


def seconds_of(req: Request, deck: Deck, index: int) -> int:
    return req.interval or deck.slides[index].seconds


def advance_if_due(req: Request, deck: Deck) -> None:
    """Move on when the current slide has had its time (called on every fragment run)."""
    if not st.session_state.get("present_playing"):
        return
    index = st.session_state["present_index"]
    due = st.session_state["present_shown_at"] + seconds_of(req, deck, index) - TICK_SECONDS / 4
    if time.monotonic() >= due:
        go_to(index + 1, len(deck.slides))


def go_to(index: int, total: int) -> None:
    st.session_state["present_index"] = index % total
    st.session_state["present_shown_at"] = time.monotonic()
    st.query_params["slide"] = str(index % total + 1)


def step(delta: int, total: int) -> None:
    """Button callback: previous (-1) or next (+1) slide."""
    go_to(current() + delta, total)


def toggle_playing() -> None:
    st.session_state["present_playing"] = not st.session_state.get("present_playing")
    st.session_state["present_shown_at"] = time.monotonic()


def current() -> int:
    return int(st.session_state["present_index"])


# --- chrome and downloads ---------------------------------------------------------------------------

_CSS = """
<style>
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stSidebar"],
[data-testid="stSidebarCollapsedControl"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
[data-testid="stSidebarNav"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 10px 28px 0 28px !important; max-width: 100% !important; }
[data-testid="stAppViewContainer"], .stApp { background: $paper; color: $ink; }
[data-testid="stVerticalBlock"] { gap: 0.35rem; }
.st-key-present_meta p { font-size: 20px; color: $muted; margin: 0; line-height: 1.3; }
.st-key-present_meta { min-height: 54px; justify-content: center; }
.st-key-present_counter p { font-size: 22px; font-weight: 700; margin: 0; text-align: right; color: $ink; }
.st-key-present_caption p { font-size: 24px; margin: 0; color: $ink; line-height: 1.3; }
.st-key-present_controls button { min-height: 0; padding: 0 8px; opacity: 0.55; color: $ink; }
.st-key-present_controls button:hover, .st-key-present_pack button:hover { opacity: 1; }
.st-key-present_controls { padding-right: 44px; }
.st-key-present_pack { position: fixed; top: 12px; right: 20px; z-index: 999990; width: auto !important; }
.st-key-present_pack button { min-height: 0; padding: 0 8px; opacity: 0.55; color: $ink; }
.st-key-present_demo p { font-size: 20px; font-weight: 700; color: #FFFFFF; background: #B2182B;
  padding: 0 10px; border-radius: 4px; margin: 0; white-space: nowrap; }
.st-key-present_chart_box { min-height: ${chart_height}px; }
/* A timed slide change must not dim the slide while the fragment reruns. */
[data-stale="true"] { opacity: 1 !important; }
</style>
"""


def stylesheet(variant: str) -> str:
    """The projector's CSS, made only of constants: the variant's palette and the chart height."""
    from analytics.presentation.slide_charts import palette

    return Template(_CSS).substitute(palette(variant), chart_height=CHART_HEIGHT)


def chrome_off(variant: str) -> None:
    """No sidebar, toolbar or navigation on the projector; the colours of the variant."""
    st.html(stylesheet(variant))  # the one static stylesheet allowed by tests/test_hardening.py


def html_pack(deck: Deck, lang: str) -> bytes:
    return pack.offline_html(deck, lang).encode("utf-8")


def images_pack(deck: Deck, lang: str) -> bytes:
    return pack.images_zip(deck, lang)


PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCUMENTS = ("report", "minutes", "proposal")


def pptx_pack(deck: Deck, lang: str) -> bytes:
    return pack.pptx_bytes(deck, lang)


def document_name(meeting: Meeting, which: str) -> str:
    return f"{which}-{meeting.name}.docx"


def document(meeting: Meeting, which: str) -> bytes:
    """The meeting's report, the minutes of the vote or the proposal, built when the button is pressed."""
    from analytics.presentation import documents

    campaigns = data.campaigns()
    with data.reading() as cur:
        if which == "minutes":
            return documents.minutes_docx(cur, campaigns[meeting.year], meeting.period)
        if which == "proposal":
            return documents.proposal_docx(cur, campaigns[meeting.year], meeting.period)
        return documents.report_docx(cur, meeting, campaigns)


def has_campaign(meeting: Meeting) -> bool:
    return meeting.year in data.campaigns()  # on every run of the page: the cached files, not a fresh parse
