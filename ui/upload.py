"""The upload page's actions in one place: checking files, previewing, committing, reverting and the
demo-data questions; the page renders what they return with `analytics.ingest.review`.

`allowed_units()` and `may_change()` come from the logged-in user; the page never writes to the
store except through `commit_action` and `revert_action`, which check the permission again in the
core (`analytics.trust.actions.commit_upload` / `revert_upload`, the functions the CLI calls too).
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from analytics import demo
from analytics.config import load_campaigns
from analytics.downloads import csv_bytes, xlsx_bytes
from analytics.history import RevertError, list_uploads
from analytics.ingest import review, save, templates, validate
from analytics.ingest.limits import MAX_BYTES
from analytics.ingest.readers import Source
from analytics.labels import t
from analytics.registry import load_units
from analytics.settings import from_env
from analytics.trust import actions, auth, backup
from ui import auth as auth_ui
from ui import data, mail

_CHECKED = "up_checked"  # (what was checked, the result) for this browser session
_PREVIEWED = "up_previewed"  # save.basis of the preview last shown in this browser session


def _user() -> auth.User | None:
    return auth_ui.current_user()


def allowed_units() -> set[str] | None:
    """Units the current user may upload for (None = all; an empty set = none)."""
    return auth.allowed_units(_user())


def may_change() -> bool:
    """Whether the current user may upload or revert at all (a login is needed, except on first run)."""
    return auth.can(_user(), auth.Action.UPLOAD)


def may_replace_demo() -> bool:
    """Replacing the demo data removes every unit's demo values: the secretariat's decision."""
    return auth.can(_user(), auth.Action.REMOVE_DEMO)


def login_notice() -> None:
    """Shown instead of the file drop zone to visitors and viewers."""
    user = _user()
    st.info(t("up_login_needed") if user is None else t("up_role_cannot", role=auth_ui.role_label(user.role)))
    if user is None:
        st.page_link("pages/login.py", label=t("page_login"), icon=":material/login:")


def sources(files: list) -> list[Source]:  # type: ignore[type-arg]
    """Uploaded files as ingest sources; size comes from the upload, bytes are read only if small enough."""
    out = []
    for f in files:
        out.append(Source(name=f.name, size=f.size, data=f.getvalue() if f.size <= MAX_BYTES else b""))
    return out


def _fingerprint(files: list) -> tuple[tuple[str, int, str], ...]:  # type: ignore[type-arg]
    """Each file's name, size and content hash (too-large files are never read, so not hashed)."""
    return tuple((f.name, f.size, hashlib.sha256(f.getvalue()).hexdigest() if f.size <= MAX_BYTES else "") for f in files)


def check(files: list, year: int | None, quarter: int | None, replace_demo: bool) -> validate.Checked:  # type: ignore[type-arg]
    """The batch checked once per browser session: a rerun (the commit click too) with the same files,
    choices, user and data reuses the result instead of reading every file again."""
    user = _user()
    key = (_fingerprint(files), year, quarter, replace_demo, user.name if user else None, data.version())
    done = st.session_state.get(_CHECKED)
    if done is not None and done[0] == key:
        return done[1]
    with data.reading() as cur:
        checked = validate.check(cur, sources(files), allowed_units=allowed_units(), year=year, quarter=quarter, replace_demo=replace_demo)
    st.session_state[_CHECKED] = (key, checked)
    return checked


def forget_check() -> None:
    """No files on the page any more: drop the kept batch (its bytes) and its preview."""
    st.session_state.pop(_CHECKED, None)
    st.session_state.pop(_PREVIEWED, None)


def preview(checked: validate.Checked) -> tuple[pd.DataFrame, str | None]:
    """What storing the batch would change, per file and unit (rendered with `review.preview_frame`),
    and the fingerprint of the preview this session showed on its previous run — the one a click on
    "store" confirms (this run's preview replaces it for the next click)."""
    shown = st.session_state.get(_PREVIEWED)
    with data.reading() as cur:
        st.session_state[_PREVIEWED] = save.basis(cur, checked)
        return save.preview(cur, checked), shown


@st.cache_data(show_spinner=False, max_entries=16)
def has_demo(data_version: int) -> bool:
    """Asked on every rerun of the page: answered once per data version (removing the demo is a write)."""
    with data.reading() as cur:
        return demo.has_demo(cur)


def commit_action(checked: validate.Checked, replace_demo: bool, previewed: str | None) -> tuple[bool, list[str]]:
    """Store the batch as the logged-in user, if the figures are still those the preview showed;
    returns whether it was stored and the sentences to show. The only write path of the page."""
    if previewed is None:  # no preview was on screen before this click
        return False, [t("up_changed_since_preview")]
    try:
        result = actions.commit_upload(
            data.store(),
            checked,
            _user(),
            backups_root=from_env().backups_root,
            replace_demo=replace_demo,
            previewed=previewed,
            notifier=mail.notifier(),
        )
    except (auth.PermissionDenied, backup.BackupError) as exc:
        return False, [str(exc)]
    except save.ChangedSincePreview:
        return False, [t("up_changed_since_preview")]
    lines = [t("up_demo_removed", count=result.demo_removed)] if result.demo_removed else []
    return True, lines + review.summary_lines(result)


def revert_action(upload_id: int) -> tuple[bool, str]:
    try:
        applied = actions.revert_upload(data.store(), upload_id, _user(), backups_root=from_env().backups_root, notifier=mail.notifier())
    except RevertError as exc:
        return False, t(f"up_{exc.code}", **exc.params)
    except (auth.PermissionDenied, backup.BackupError) as exc:
        return False, str(exc)
    return True, t("up_reverted", target=upload_id, id=applied.upload_id, count=applied.new + applied.changed)


@st.cache_data(show_spinner=False, max_entries=16)
def uploads(data_version: int) -> pd.DataFrame:
    with data.reading() as cur:
        return list_uploads(cur, 200)


@st.cache_data(show_spinner=False, max_entries=32)
def template_bytes(data_version: int, year: int, quarter: int, kind: str) -> bytes:
    """Downloads: empty template (csv/xlsx), filled sample (csv), commune register (csv)."""
    settings = from_env()
    if kind == "register":
        with data.reading() as cur:
            return csv_bytes(review.register_template(cur, year))
    campaign = load_campaigns(settings.campaigns_dir)[year]
    frame = templates.template_frame(load_units(settings.units_file), campaign, quarter, filled=kind == "sample")
    return xlsx_bytes(frame, templates.SHEET) if kind == "xlsx" else csv_bytes(frame)


def revertible_for_user(choices: dict[int, str]) -> dict[int, str]:
    """Only the uploads the current user may revert (a unit user: those touching its unit alone)."""
    user = _user()
    with data.reading() as cur:
        return {
            upload_id: label
            for upload_id, label in choices.items()
            if auth.can(user, auth.Action.REVERT, auth.upload_units(cur, upload_id))
        }
