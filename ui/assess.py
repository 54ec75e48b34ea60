"""Streamlit side of scoring as a process: the manual criteria's self-assessed and agreed points, the
trail of who changed what, and the forms — a unit's own self-assessment (with evidence files), the
secretariat's acceptance or adjustment with a reason, and locking the year."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.config import Criterion, Rubric
from analytics.labels import t
from analytics.review import assessments
from analytics.trust import actions, auth
from ui import data, mail
from ui.auth import current_user, flash
from ui.text import markdown_text


@st.cache_data(show_spinner=False, max_entries=32)
def current(data_version: int, year: int) -> pd.DataFrame:
    with data.reading() as cur:
        return assessments.current(cur, year)


@st.cache_data(show_spinner=False, max_entries=32)
def trail(data_version: int, year: int) -> pd.DataFrame:
    with data.reading() as cur:
        return assessments.steps(cur, year)


@st.cache_data(show_spinner=False, max_entries=32)
def lock_info(data_version: int, year: int) -> tuple[object, str] | None:
    with data.reading() as cur:
        return assessments.lock_info(cur, year)


def own_units() -> list[str] | None:
    """Units the current user may self-assess: None for the secretariat (every unit), [] for nobody."""
    allowed = auth.allowed_units(current_user())
    return None if allowed is None else sorted(allowed)


def may_review() -> bool:
    return auth.can(current_user(), auth.Action.REVIEW_SCORES)


def criterion(rubric: Rubric, code: str) -> Criterion:
    return next(c for c in rubric.manual() if c.code == code)


def run(work) -> str | None:  # type: ignore[no-untyped-def]
    """Do a write; the error to show (Vietnamese), or None when it went through."""
    try:
        work(current_user())
    except (assessments.AssessmentError, auth.PermissionDenied) as exc:
        return str(exc)
    return None


def self_assess(year: int, unit: str, crit: Criterion, points: float, note: str, files: list) -> str | None:  # type: ignore[type-arg]
    evidence = tuple(assessments.Evidence(f.name, f.getvalue()) for f in files)
    return run(lambda user: actions.self_assess(data.store(), user, year, unit, crit, points, note, evidence))


def review(year: int, unit: str, crit: Criterion, points: float | None, reason: str) -> str | None:
    return run(lambda user: actions.review_assessment(data.store(), user, year, unit, crit, points, reason, notifier=mail.notifier()))


def lock(year: int) -> str | None:
    return run(lambda user: actions.lock_scores(data.store(), user, year))


def finish(problem: str | None, message: str) -> None:
    """Show what went wrong, or say it went through and redraw the page with the new points."""
    if problem:
        st.error(markdown_text(problem))
        return
    flash(message)
    st.rerun()


def pair_label(names: dict[str, str]):  # type: ignore[no-untyped-def]
    """'STP Bắc Ninh — TC7' for a 'STP_BN|TC7' choice."""
    return lambda pair: f"{names.get(pair.split('|')[0], pair)} — {pair.split('|')[1]}"


@st.cache_data(show_spinner=False, max_entries=16)
def evidence(data_version: int, year: int) -> list[tuple[str, str, str, bytes]]:
    """(label, file name, content type, bytes) of every current self-assessment's evidence files."""
    files = []
    found = current(data_version, year)
    with data.reading() as cur:
        for unit, code, step in zip(found["unit_code"], found["criterion"], found["self_id"], strict=True):
            for name, kind, digest, raw in assessments.evidence_files(cur, int(step)):
                files.append((t("assess_evidence_item", unit=unit, criterion=code, file=name, sha=digest[:12]), name, kind, raw))
    return files
