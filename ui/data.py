"""Cached access to the core. Query results are cached under the store's data version, which every
committed write bumps — in this process or any other (the CLI, a cron job) — so charts are never stale.

The store is opened only for the query at hand and let go (see analytics/store.py), so the CLI can
import, back up and restore while the dashboard runs. A cached function reads like this:

    @st.cache_data(show_spinner=False, max_entries=64)
    def registry(data_version: int, block: str | None) -> pd.DataFrame:
        with reading() as cur:
            return queries.registry(cur, block)
"""

from __future__ import annotations

import logging
import threading
from contextlib import AbstractContextManager
from datetime import datetime

import pandas as pd
import streamlit as st

from analytics import communes, measures, queries, scoring
from analytics.bootstrap import open_store
from analytics.config import Campaign, Rubric, load_campaigns
from analytics.labels import fmt_date, t
from analytics.reporting import registration
from analytics.review import assessments
from analytics.settings import from_env
from analytics.store import LINGER_SECONDS, Cursor, Store
from analytics.trust import actions, auth
from analytics.years import compare


@st.cache_resource(show_spinner=False)
def store() -> Store:
    """Migrated, configured (and seeded if brand-new) once per process; keeps the file only for a
    moment after a read, and lets go at once when a command asks for it."""
    return open_store(from_env(), linger_seconds=LINGER_SECONDS)


def reading() -> AbstractContextManager[Cursor]:
    """A connection to the store for one piece of reading: `with reading() as cur: ...`."""
    return store().reading()


def version() -> int:
    """The data version, read from the file every committed write updates (no store opened)."""
    return store().data_version()


@st.cache_data(show_spinner=False, max_entries=64)
def years(data_version: int) -> list[int]:
    with reading() as cur:
        return measures.years(cur)


# `at` in the functions below is the data cut-off chosen in the sidebar (None: current values).
@st.cache_data(show_spinner=False, max_entries=256)
def period_spec(data_version: int, year: int, period: str, at: datetime | None = None) -> measures.PeriodSpec:
    with reading() as cur:
        return measures.period_spec(cur, year, period, at)


@st.cache_data(show_spinner=False, max_entries=256)
def period_values(data_version: int, year: int, period: str, block: str | None, at: datetime | None = None) -> pd.DataFrame:
    spec = period_spec(data_version, year, period, at)
    with reading() as cur:
        return measures.period_values(cur, spec, block)


@st.cache_data(show_spinner=False, max_entries=256)
def reporting(data_version: int, year: int, period: str, block: str | None, at: datetime | None = None) -> pd.DataFrame:
    spec = period_spec(data_version, year, period, at)
    with reading() as cur:
        return measures.reporting(cur, spec, block)


@st.cache_data(show_spinner=False, max_entries=64)
def catalogue(data_version: int, year: int) -> pd.DataFrame:
    with reading() as cur:
        return measures.catalogue(cur, year)


def indicator_labels(data_version: int, year: int) -> dict[str, str]:
    """The year's indicator names by code, for choosers and chart titles."""
    found = catalogue(data_version, year)
    return dict(zip(found["code"], found["label"], strict=True))


def indicator_units(data_version: int, year: int) -> dict[str, str]:
    """The year's units of measure ('xã', '%') by indicator code, for chart axes."""
    found = catalogue(data_version, year)
    return dict(zip(found["code"], found["unit"], strict=True))


@st.cache_data(show_spinner=False, max_entries=64)
def freshness(data_version: int, year: int, at: datetime | None = None) -> measures.Freshness:
    with reading() as cur:
        return measures.freshness(cur, year, at)


# --- leadership dashboard ---
@st.cache_data(show_spinner=False, max_entries=16)
def app_title(data_version: int) -> str:
    """The browser tab's title, naming the cluster as the newest campaign file does."""
    with reading() as cur:
        cluster = queries.cluster_name(cur)
    return t("app_title", cluster=cluster) if cluster else t("app_name")


@st.cache_data(show_spinner=False, max_entries=64)
def registry(data_version: int, block: str | None) -> pd.DataFrame:
    with reading() as cur:
        return queries.registry(cur, block)


@st.cache_data(show_spinner=False, max_entries=64)
def active_registry(data_version: int, year: int, block: str | None) -> pd.DataFrame:
    """The registry's units active in `year` (merged-away units dropped), in listing order."""
    with reading() as cur:
        return queries.registry(cur, block, active_in=year)


@st.cache_data(show_spinner=False, max_entries=64)
def quarter_values(data_version: int, year: int, block: str | None, at: datetime | None = None) -> pd.DataFrame:
    with reading() as cur:
        return queries.quarter_values(cur, year, block, at)


@st.cache_data(show_spinner=False, max_entries=64)
def phase_values(data_version: int, year: int, block: str | None, at: datetime | None = None) -> pd.DataFrame:
    with reading() as cur:
        return queries.phase_values(cur, year, block, at)


@st.cache_data(show_spinner=False, max_entries=64)
def contents(data_version: int, year: int) -> pd.DataFrame:
    with reading() as cur:
        return queries.contents(cur, year)


@st.cache_data(show_spinner=False, max_entries=64)
def milestones(data_version: int, year: int) -> pd.DataFrame:
    with reading() as cur:
        return queries.milestones(cur, year)


@st.cache_data(show_spinner=False, max_entries=64)
def phases(data_version: int, year: int) -> pd.DataFrame:
    with reading() as cur:
        return queries.phases(cur, year)


@st.cache_data(show_spinner=False, max_entries=64)
def commune_list(data_version: int, year: int, program: str, block: str | None) -> pd.DataFrame:
    with reading() as cur:
        return communes.commune_list(cur, year, program, block)


@st.cache_data(show_spinner=False, max_entries=64)
def unit_status(data_version: int, code: str, year: int) -> queries.UnitStatus | None:
    with reading() as cur:
        return queries.unit_status(cur, code, year)


@st.cache_data(show_spinner=False, max_entries=64)
def unit_sources(data_version: int, code: str, year: int) -> pd.DataFrame:
    with reading() as cur:
        return queries.unit_sources(cur, code, year)


@st.cache_resource(show_spinner=False, max_entries=4)
def _campaign_files(config_fingerprint: str | None) -> dict[int, Campaign]:
    """The campaign files (already validated when the store synced them); keyed on the files'
    fingerprint, so a year made or edited on the admin page is scored at once."""
    return load_campaigns(from_env().campaigns_dir)


@st.cache_data(show_spinner=False, max_entries=16)
def _config_fingerprint(data_version: int) -> str | None:
    """Read once per data version: a sync of the campaign files commits a write, which bumps it."""
    return store().get_meta("config_fingerprint")


def campaigns() -> dict[int, Campaign]:
    return _campaign_files(_config_fingerprint(version()))


def rubric(year: int) -> Rubric | None:
    found = campaigns().get(year)
    return found.rubric if found else None


@st.cache_data(show_spinner=False, max_entries=64)
def indicator_years(data_version: int, years: tuple[int, ...], indicator: str, block: str | None) -> compare.YearView | None:
    known = campaigns()
    with reading() as cur:
        return compare.indicator_years(cur, list(years), indicator, block, known)


@st.cache_data(show_spinner=False, max_entries=16)
def score_history(data_version: int, years: tuple[int, ...], block: str | None) -> pd.DataFrame:
    """Each year's scores as the scoring page caches them (the current year is warmed at start)."""
    found = {year: scores(data_version, year) for year in years if freshness(data_version, year).quarter is not None}
    return compare.score_history({year: s.summary for year, s in found.items() if s is not None}, block)


@st.cache_data(show_spinner=False, max_entries=16)
def illustrative_years(data_version: int, years: tuple[int, ...]) -> bool:
    """Whether any unit of these years has a membership the secretariat has not confirmed."""
    with reading() as cur:
        return compare.has_illustrative_members(cur, list(years))


@st.cache_data(show_spinner=False, max_entries=64)
def scores(data_version: int, year: int, at: datetime | None = None) -> scoring.Scores | None:
    """The year's scores for both blocks (ranks are within block, so the block filter only hides rows)."""
    found = rubric(year)
    if found is None:
        return None
    values = period_values(data_version, year, "year", None, at)
    return scoring.score(values, found, manual=manual_points(data_version, year), registered=approved_registrations(data_version, year))


@st.cache_data(show_spinner=False, max_entries=64)
def approved_registrations(data_version: int, year: int) -> dict[str, registration.Registration]:
    with reading() as cur:
        return registration.approved(cur, year)


@st.cache_data(show_spinner=False, max_entries=64)
def manual_points(data_version: int, year: int) -> dict[tuple[str, str], tuple[float, str]]:
    with reading() as cur:
        return assessments.manual_points(cur, year)


_warmed: set[tuple[str, int]] = set()
_warming: list[threading.Thread] = []
_warm_lock = threading.Lock()


def warm_in_background(data_version: int) -> threading.Thread | None:
    """Compute the latest year's scores in a background thread, once per data version per process.

    Scores take ~1,2 s for 1,000 units and the overview, comparison and scoring pages all need them:
    without this the first leader to open the dashboard after an upload (or a restart) would wait.
    A page asking meanwhile waits for this computation instead of repeating it (st.cache_data holds
    one lock per value)."""
    key = (str(store().path), data_version)
    with _warm_lock:
        if key in _warmed:
            return None
        _warmed.add(key)

    def run() -> None:
        try:
            found = years(data_version)
            if found:
                scores(data_version, max(found))
        except Exception:  # a page computing the same thing shows the error where it belongs
            logging.getLogger(__name__).exception("warming the caches for data version %s failed", data_version)

    thread = threading.Thread(target=run, name=f"thidua-warm-{data_version}", daemon=True)
    with _warm_lock:
        _warming[:] = [t for t in _warming if t.is_alive()] + [thread]
    thread.start()
    return thread


def wait_for_warming(timeout: float = 60) -> None:
    """Let background computations finish (tests clear the process-wide caches after this)."""
    with _warm_lock:
        running = list(_warming)
    for thread in running:
        thread.join(timeout)


@st.cache_data(show_spinner=False, max_entries=64)
def attainment(data_version: int, year: int, period: str, block: str | None, at: datetime | None = None) -> pd.DataFrame:
    return queries.content_attainment(period_values(data_version, year, period, block, at), contents(data_version, year))


def rubric_grades(year: int) -> pd.DataFrame | None:
    found = rubric(year)
    if found is None:
        return None
    return scoring.grades_frame(found)


@st.cache_data(show_spinner=False, max_entries=64)
def thads_span(data_version: int, year: int, period: str, at: datetime | None = None) -> str:
    """'01/10/2015 – 30/09/2016': the statistical-year span THADS figures of this view cover."""
    spec = period_spec(data_version, year, period, at)
    start, end = measures.thads_coverage(year, spec.thads_end_quarter)
    return f"{fmt_date(start)} – {fmt_date(end)}"


def unit_label(data_version: int, code: str, year: int) -> str:
    status = unit_status(data_version, code, year)
    return status.short_name if status else code


@st.cache_data(show_spinner=False, max_entries=16)
def user_count(data_version: int) -> int:
    with reading() as cur:
        return auth.user_count(cur)


@st.cache_data(show_spinner=False, max_entries=16)
def open_viewing(data_version: int) -> bool:
    return actions.open_viewing(store())
