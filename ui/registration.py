"""The registration page's data and actions: the overview cached on the data version, the unit's form,
the secretariat's review and the file import. Every write goes through analytics.reporting.registration,
which checks the permission again (a unit account: its own unit only)."""

from __future__ import annotations

from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from analytics.downloads import CSV_MIME, csv_bytes
from analytics.ingest.readers import MAX_BYTES, source_from_bytes
from analytics.labels import fmt_date, t
from analytics.reporting import registration
from analytics.reporting.deadlines import Calendar
from analytics.reporting.registration import TARGETS, Registration, RegistrationError
from analytics.trust import auth
from analytics.trust.safety import markdown_escape
from ui import auth as auth_ui
from ui import data


@st.cache_data(show_spinner=False, max_entries=64)
def overview(data_version: int, year: int, block: str | None, deadline: date | None = None) -> pd.DataFrame:
    """Every unit's registration against what it achieved, late against `deadline` when given."""
    with data.reading() as cur:
        return registration.registered_vs_achieved(cur, year, block, deadline)


def titles(cal: Calendar) -> dict[str, str]:
    return {title.code: title.name for title in cal.titles}


def head(cal: Calendar) -> None:
    st.caption(t("reg_intro"))
    if cal.registration_deadline is not None:
        st.caption(t("reg_deadline", date=fmt_date(cal.registration_deadline)))
    if cal.titles_illustrative or cal.illustrative:
        st.warning(t("reg_titles_illustrative", year=cal.year), icon="⚠️")


def own_units(year: int) -> list[str]:
    """Units the current user may register for: a unit account its own, the secretariat every unit."""
    user = auth_ui.current_user()
    codes = overview(data.version(), year, None)["unit_code"].tolist()  # the year's units, cached
    return [c for c in codes if auth.can(user, auth.Action.REGISTER, [c])] if user is not None else []


def may_review() -> bool:
    return auth.can(auth_ui.current_user(), auth.Action.REVIEW_REGISTRATION)


def form(cal: Calendar, units: list[str], names: dict[str, str]) -> None:
    """The registration of one unit: titles, and for each target how many and which."""
    unit = units[0] if len(units) == 1 else st.selectbox(t("reg_form_unit"), units, format_func=lambda c: names.get(c, c), key="reg_unit")
    with data.reading() as cur:
        current = registration.get(cur, unit, cal.year) or Registration(unit, cal.year)
    st.subheader(t("reg_form_heading", unit=names.get(unit, unit)))
    st.caption(t("reg_state_now", state=t("reg_state_" + current.state)))
    if current.state == "returned" and current.reason:
        st.warning(markdown_escape(t("reg_returned_because", reason=current.reason), 2000))
    known = titles(cal)
    with st.form(f"reg_form_{unit}"):
        chosen = st.multiselect(
            t("reg_form_titles"),
            list(known),
            default=[c for c in current.titles if c in known],
            format_func=known.get,
            key=f"reg_titles_{unit}",
        )
        values: dict[str, object] = {"titles": tuple(chosen)}
        for target in TARGETS:
            left, right = st.columns([1, 3])
            values[f"{target}_count"] = int(
                left.number_input(
                    f"{t('reg_target_' + target)} — {t('reg_form_count')}", 0, registration.MAX_COUNT,
                    int(getattr(current, f"{target}_count")), key=f"reg_{target}_count_{unit}",
                )
            )  # fmt: skip
            text = right.text_area(
                t("reg_form_names"), "\n".join(getattr(current, f"{target}_names")), key=f"reg_{target}_names_{unit}", height=90
            )
            values[f"{target}_names"] = registration.clean_names(text)
        save, submit = st.columns(2)
        saving = save.form_submit_button(t("reg_save"))
        sending = submit.form_submit_button(t("reg_submit"), type="primary")
    if saving or sending:
        reg = Registration(unit, cal.year, **values)  # type: ignore[arg-type]
        try:
            saved = registration.save(data.store(), auth_ui.current_user(), reg, cal, submit=sending)
        except (RegistrationError, auth.PermissionDenied) as exc:
            st.error(markdown_escape(str(exc), 2000))
            return
        auth_ui.flash(t("reg_saved", unit=names.get(unit, unit), state=t("reg_state_" + saved.state)))
        st.rerun()


def review(cal: Calendar, both: pd.DataFrame, names: dict[str, str]) -> None:
    """The secretariat's decision on one registration awaiting approval."""
    st.subheader(t("reg_review_heading"))
    waiting = both.loc[both["state"] == "submitted", "unit_code"].tolist()
    if not waiting:
        st.caption(t("reg_review_none"))
        return
    unit = st.selectbox(t("reg_review_pick"), waiting, format_func=lambda c: names.get(c, c), key="reg_review_unit")
    reason = st.text_input(t("reg_review_reason"), key="reg_review_reason", max_chars=500)
    left, right, _ = st.columns([1, 1, 4])
    decision = True if left.button(t("reg_approve"), key="reg_approve", type="primary") else None
    if right.button(t("reg_return"), key="reg_return"):
        decision = False
    if decision is None:
        return
    try:
        after = registration.review(data.store(), auth_ui.current_user(), unit, cal.year, approve=decision, reason=reason)
    except (RegistrationError, auth.PermissionDenied) as exc:
        st.error(markdown_escape(str(exc), 2000))
        return
    auth_ui.flash(t("reg_reviewed", unit=names.get(unit, unit), state=t("reg_state_" + after.state)))
    st.rerun()


def template_bytes(cal: Calendar) -> bytes:
    with data.reading() as cur:
        frame = registration.template_frame(cur, cal)
    return csv_bytes(frame)


def import_panel(cal: Calendar) -> None:
    """A registration file (CSV or Excel) checked as a whole; nothing stored while any row is wrong."""
    st.subheader(t("reg_import_heading"))
    template = partial(template_bytes, cal)  # built when clicked
    st.download_button(t("reg_import_template"), template, f"dang_ky_thi_dua_{cal.year}.csv", CSV_MIME, key="reg_template")
    upload = st.file_uploader(t("reg_import_file"), type=["csv", "xlsx"], key="reg_file", max_upload_size=MAX_BYTES // 1024 // 1024)
    if upload is None or st.session_state.get("reg_file_done") == upload.file_id:
        return
    try:
        stored, issues = registration.import_file(
            data.store(), auth_ui.current_user(), source_from_bytes(upload.name, upload.getvalue()), cal
        )
    except (auth.PermissionDenied, RegistrationError) as exc:
        st.error(markdown_escape(str(exc), 2000))
        return
    for problem in issues:
        st.error(markdown_escape(problem.text(), 2000))
    if stored:
        st.session_state["reg_file_done"] = upload.file_id
        auth_ui.flash(t("reg_imported", count=len(stored)))
        st.rerun()
