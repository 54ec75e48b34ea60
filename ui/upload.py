"""The upload page's actions in one place: checking files, committing and reverting.

Issue 6 adds login: `allowed_units()` and `may_change()` are where the gate goes; the page never
writes to the store except through `commit_action` and `revert_action`.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import ingest, templates, upload_view
from analytics.config import load_campaigns
from analytics.history import RevertError, default_user, list_uploads, revert
from analytics.labels import t
from analytics.readers import MAX_BYTES, Source
from analytics.registry import load_units
from analytics.settings import from_env
from analytics.upload_cli import summary_lines
from ui import data


def allowed_units() -> set[str] | None:
    """Units the current user may upload for (None = all; no login yet)."""
    return None


def may_change() -> bool:
    """Whether the current user may commit or revert (always, until issue 6 adds login)."""
    return True


def current_user() -> str:
    return default_user()


def sources(files: list) -> list[Source]:  # type: ignore[type-arg]
    """Uploaded files as ingest sources; size comes from the upload, bytes are read only if small enough."""
    out = []
    for f in files:
        out.append(Source(name=f.name, size=f.size, data=f.getvalue() if f.size <= MAX_BYTES else b""))
    return out


def check(files: list, year: int | None, quarter: int | None, replace_demo: bool) -> ingest.Checked:  # type: ignore[type-arg]
    cur = data.store().cursor()
    return ingest.check(cur, sources(files), allowed_units=allowed_units(), year=year, quarter=quarter, replace_demo=replace_demo)


def preview(checked: ingest.Checked) -> pd.DataFrame:
    return upload_view.preview_frame(ingest.preview(data.store().cursor(), checked))


def has_demo() -> bool:
    return ingest.has_demo(data.store().cursor())


def commit_action(checked: ingest.Checked, replace_demo: bool) -> list[str]:
    """Store the batch; returns the sentences to show. The only write path of the page."""
    if not may_change():
        raise PermissionError
    result = ingest.commit(data.store(), checked, by=current_user(), replace_demo=replace_demo, allowed_units=allowed_units())
    lines = [t("up_demo_removed", count=result.demo_removed)] if result.demo_removed else []
    return lines + summary_lines(result)


def revert_action(upload_id: int) -> tuple[bool, str]:
    if not may_change():
        raise PermissionError
    try:
        applied = data.store().write(lambda cur: revert(cur, upload_id, current_user()))
    except RevertError as exc:
        return False, t(f"up_{exc.code}", **exc.params)
    return True, t("up_reverted", target=upload_id, id=applied.upload_id, count=applied.new + applied.changed)


@st.cache_data(show_spinner=False, max_entries=16)
def uploads(data_version: int) -> pd.DataFrame:
    return list_uploads(data.store().cursor(), 200)


@st.cache_data(show_spinner=False, max_entries=32)
def template_bytes(data_version: int, year: int, quarter: int, kind: str) -> bytes:
    """Downloads: empty template (csv/xlsx), filled sample (csv), commune register (csv)."""
    settings = from_env()
    if kind == "register":
        return templates.write_table(upload_view.register_template(data.store().cursor(), year), None)
    campaign = load_campaigns(settings.campaigns_dir)[year]
    frame = templates.template_frame(load_units(settings.units_file), campaign, quarter, filled=kind == "sample")
    return upload_view.xlsx_bytes(frame) if kind == "xlsx" else templates.write_table(frame, None)
