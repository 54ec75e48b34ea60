"""Streamlit side of the award history: a unit's past titles, and the secretariat's import and edits."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from analytics.ingest import awards
from analytics.ingest.readers import source_from_bytes
from analytics.review import vote
from analytics.trust import actions, auth
from ui import data
from ui.auth import current_user


@st.cache_data(show_spinner=False, max_entries=32)
def history(data_version: int, unit: str) -> pd.DataFrame:
    with data.reading() as cur:
        held = vote.held_titles(cur)
    return held[held["unit_code"] == unit].sort_values(["year", "title_code"], ascending=[False, True])


def may_edit() -> bool:
    return auth.can(current_user(), auth.Action.EDIT_AWARDS)


def import_file(upload: object) -> list[str]:
    """Check and store an award history file; the problems (Vietnamese) when it was refused."""
    source = source_from_bytes(upload.name, upload.getvalue())  # type: ignore[attr-defined]
    codes = set(data.registry(data.version(), None)["code"])
    checked = awards.check(source, codes)
    if checked.problems:
        return [p.text() for p in checked.problems]
    actions.import_awards(data.store(), current_user(), checked, source.name)
    return []


def add(unit: str, year: int, title_code: str, title: str, decision_no: str, decision_date: date | None) -> None:
    row = {"unit_code": unit, "year": int(year), "title_code": title_code.strip().upper(), "title": title.strip(),
           "decision_no": decision_no.strip() or None, "decision_date": decision_date}  # fmt: skip
    actions.add_award(data.store(), current_user(), row)


def remove(unit: str, key: str) -> None:
    year, code = key.split("|")
    actions.remove_award(data.store(), current_user(), unit, int(year), code)
