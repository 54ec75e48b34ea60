"""Streamlit side of the vote page: the year's titles, each title's candidates and last recorded count,
and recording a count from the form or from a ballots file (the secretariat only)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from analytics.config import Campaign, Title
from analytics.ingest import ballots
from analytics.ingest.readers import source_from_bytes
from analytics.labels import t
from analytics.review import vote
from analytics.trust import actions, auth
from ui import data
from ui.auth import current_user


def campaign(year: int) -> Campaign | None:
    return data.campaigns().get(year)


@st.cache_data(show_spinner=False, max_entries=32)
def standing(data_version: int, year: int, code: str) -> pd.DataFrame:
    """The title's candidates: the shortlist of its block, checked against the award history."""
    found, scores = campaign(year), data.scores(data_version, year)  # the scoring page's scores, cached
    assert found is not None and scores is not None
    with data.reading() as cur:
        held = vote.held_titles(cur)
    return vote.candidates(scores.summary, found.title(code), held, year, data.approved_registrations(data_version, year))


@st.cache_data(show_spinner=False, max_entries=32)
def latest(data_version: int, year: int, code: str, _title: Title) -> pd.DataFrame:
    """The title's last recorded count, each unit with its registration flag as it stands now."""
    with data.reading() as cur:
        recorded = vote.recorded(cur, year)
    return vote.with_registration(recorded[recorded["title_code"] == code], _title, data.approved_registrations(data_version, year))


def may_record() -> bool:
    return auth.can(current_user(), auth.Action.RECORD_VOTE)


@dataclass(frozen=True)
class Outcome:
    result: vote.Result | None
    problems: list[str]


def record(year: int, code: str, voters: int, typed: dict[str, int], upload: object | None) -> Outcome:
    """Count the ballots file when one is given, else the form's numbers; store the result when clean."""
    found = campaign(year)
    assert found is not None
    title = found.title(code)
    candidates = standing(data.version(), year, code)
    if upload is None:
        names = dict(zip(candidates["unit_code"], candidates["name"], strict=True))
        over = [t("vote_form_over", unit=names[unit], voters=voters) for unit, votes in typed.items() if votes > voters]
        if over:
            return Outcome(None, over)
        result = vote.tally(title, voters, typed, candidates)
        actions.record_vote(data.store(), current_user(), year, result, source=None)
        return Outcome(result, [])
    raw = upload.getvalue()  # type: ignore[attr-defined]
    source = source_from_bytes(upload.name, raw)  # type: ignore[attr-defined]
    counted = ballots.read(source, voters, data.registry(data.version(), None), candidates)
    if counted.problems:
        return Outcome(None, [p.text() for p in counted.problems])
    result = vote.tally(title, voters, counted.counts, candidates)
    actions.record_vote(data.store(), current_user(), year, result, source=source.name, raw=raw)
    return Outcome(result, [])
