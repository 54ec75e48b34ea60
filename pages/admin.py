"""Quản trị: users, the read-only audit trail, backups and restore, demo data and the registry."""

from functools import partial

import streamlit as st

from analytics.config import ConfigError
from analytics.downloads import CSV_MIME, csv_bytes
from analytics.labels import t
from analytics.settings import from_env
from analytics.trust import actions, audit, auth, backup
from analytics.trust.safety import markdown_escape
from ui import auth as auth_ui
from ui import campaigns as campaigns_ui
from ui import data
from ui.routing import leave_legacy_pages_mode

leave_legacy_pages_mode()

st.title(t("page_admin"))
user = auth_ui.require(auth.Action.SETTINGS)
auth_ui.show_flash()
store, settings = data.store(), from_env()
REFUSED = (auth.PermissionDenied, auth.UserError, backup.BackupError, ConfigError)


def attempt(work, done: str) -> None:  # type: ignore[no-untyped-def]
    """Run an admin action; on success flash `done` (formatted with its result) and rerun."""
    try:
        result = work()
    except REFUSED as exc:
        st.error(markdown_escape(str(exc), 2000))
        return
    auth_ui.flash(done.format(result=result) if "{result" in done else done)
    st.rerun()


users_tab, audit_tab, backups_tab, data_tab, years_tab = st.tabs(
    [t("admin_users"), t("admin_audit"), t("admin_backups"), t("admin_data"), t("camp_page_tab")]
)

with users_tab:
    with store.reading() as cur:
        users = auth.list_users(cur)
    st.dataframe(auth.users_for_display(users), hide_index=True, width="stretch")
    with st.form("add_user", clear_on_submit=True):
        st.subheader(t("admin_add_user"))
        name = st.text_input(t("login_name"), key="new_name", max_chars=64)
        full_name = st.text_input(t("login_full_name"), key="new_full_name", max_chars=200)
        role = st.selectbox(t("admin_role"), auth.ROLES, key="new_role", format_func=auth_ui.role_label)
        registry = data.registry(data.version(), None)
        unit_names = dict(zip(registry["code"], registry["short_name"], strict=True))
        unit = st.selectbox(
            t("admin_unit"), [None, *unit_names], key="new_unit", format_func=lambda c: "—" if c is None else f"{unit_names[c]} ({c})"
        )
        email = st.text_input(t("admin_email"), key="new_email", max_chars=200)
        password = st.text_input(t("login_password"), type="password", key="new_password", max_chars=auth.MAX_PASSWORD)
        if st.form_submit_button(t("admin_add_user")):
            attempt(
                lambda: auth.add_user(store, user, name, role, password or None, unit_code=unit, full_name=full_name, email=email or None),
                t("admin_user_added", name=name),
            )
    names = users["name"].tolist()
    left, right = st.columns(2)
    with left.form("remove_user"):
        st.subheader(t("admin_remove_user"))
        victim = st.selectbox(t("login_name"), names, key="remove_name")
        sure = st.checkbox(t("admin_confirm"), key="remove_sure")
        if st.form_submit_button(t("admin_remove_user")) and sure and victim:
            attempt(lambda: auth.remove_user(store, user, victim), t("admin_user_removed", name=victim))
    with right.form("reset_password", clear_on_submit=True):
        st.subheader(t("admin_reset_password"))
        target = st.selectbox(t("login_name"), names, key="reset_name")
        new_password = st.text_input(t("login_password"), type="password", key="reset_password", max_chars=auth.MAX_PASSWORD)
        if st.form_submit_button(t("admin_reset_password")) and target:
            attempt(lambda: auth.set_password(store, user, target, new_password), t("admin_password_set", name=target))
    with left.form("unlock_user"):
        st.subheader(t("admin_unlock_user"))
        st.caption(t("admin_unlock_explain"))
        locked = st.selectbox(t("login_name"), names, key="unlock_name")
        if st.form_submit_button(t("admin_unlock_user")) and locked:
            attempt(lambda: auth.unlock_user(store, user, locked), t("admin_user_unlocked", name=locked))

with audit_tab:
    st.caption(t("admin_audit_explain"))
    with store.reading() as cur:
        trail = audit.for_display(audit.trail(cur))
    st.dataframe(trail, hide_index=True, width="stretch")
    st.download_button(t("admin_audit_download"), partial(csv_bytes, trail), file_name="nhat_ky_thay_doi.csv", mime=CSV_MIME)

with backups_tab:
    if st.button(t("admin_backup_now"), type="primary"):
        attempt(
            lambda: backup.backup(store, None, actor=user, root=settings.backups_root),
            t("admin_backup_done", rows="{result.rows}", path="{result.path}"),
        )
    if auth_ui.scheduler().last_error:
        st.error(markdown_escape(t("admin_scheduler_error", error=auth_ui.scheduler().last_error), 2000))
    with st.form("schedule"):
        hours = st.number_input(t("admin_backup_every"), 0, backup.MAX_SCHEDULE_HOURS, backup.schedule_hours(store), key="backup_hours")
        if st.form_submit_button(t("admin_backup_schedule_save")):
            attempt(lambda: backup.set_schedule(store, user, int(hours)), t("admin_backup_schedule_saved"))
    backups = backup.backups_frame(settings.backups_root)
    if backups.empty:
        st.info(t("admin_backup_none"))
    else:
        st.dataframe(backups, hide_index=True, width="stretch")
        with st.form("restore"):
            chosen = st.selectbox(t("admin_restore_pick"), backups[t("backups_col_folder")].tolist(), key="restore_pick")
            sure = st.checkbox(t("admin_confirm"), key="restore_sure")
            if st.form_submit_button(t("admin_restore")) and sure:
                attempt(
                    lambda: actions.restore_backup(store, user, settings.backups_root / chosen, backups_root=settings.backups_root),
                    t("admin_restore_done", path="{result.path}"),
                )

with data_tab:
    sure = st.checkbox(t("admin_confirm"), key="demo_sure")
    if st.button(t("admin_remove_demo"), disabled=not sure):
        attempt(lambda: actions.remove_demo(store, user, settings.backups_root), t("admin_demo_removed", count="{result}"))
    if st.button(t("admin_reload")):
        attempt(
            lambda: t("admin_reloaded") if actions.reload_registry(store, settings, user) else t("admin_reload_same"),
            "{result}",
        )
    stored = actions.open_viewing(store)
    viewing = st.toggle(t("admin_open_viewing"), value=stored, key="open_viewing")
    if viewing != stored:
        attempt(lambda: actions.set_open_viewing(store, user, viewing), t("admin_saved"))

with years_tab:
    campaigns_ui.editor(store, settings, user)
