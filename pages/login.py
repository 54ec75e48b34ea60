"""Đăng nhập: the login form, the one-step first administrator on localhost, SSO when configured."""

import streamlit as st

from analytics.labels import t
from analytics.trust import auth
from analytics.trust.safety import markdown_escape
from ui import auth as auth_ui
from ui import data, digests
from ui.routing import leave_legacy_pages_mode

leave_legacy_pages_mode()

st.title(t("page_login"))
auth_ui.show_flash()
user = auth_ui.current_user()

if data.user_count(data.version()) == 0:
    st.subheader(t("setup_title"))
    if not auth_ui.client_is_local():
        st.info(t("setup_remote"))
        st.stop()
    st.info(t("setup_explain"))
    with st.form("setup"):
        name = st.text_input(t("login_name"), key="setup_name")
        full_name = st.text_input(t("login_full_name"), key="setup_full_name")
        password = st.text_input(t("login_password"), type="password", key="setup_password")
        again = st.text_input(t("login_password_again"), type="password", key="setup_again")
        if st.form_submit_button(t("setup_create"), type="primary"):
            try:
                if password != again:
                    raise auth.UserError(t("password_mismatch"))
                auth_ui.start_session(auth.create_first_admin(data.store(), name, password, full_name=full_name))
            except (auth.UserError, auth.PermissionDenied) as exc:
                st.error(markdown_escape(str(exc), 2000))
            else:
                auth_ui.flash(t("login_ok", user=name))
                st.rerun()
    st.stop()

if user is not None:
    st.success(markdown_escape(t("login_as", user=user.label, role=auth_ui.role_label(user.role))))
    if st.button(t("logout"), key="logout_page"):
        auth_ui.logout()
        st.rerun()
    digests.own_subscriptions(user)
    st.stop()

with st.form("login"):
    name = st.text_input(t("login_name"), key="login_name", max_chars=64)
    password = st.text_input(t("login_password"), type="password", key="login_password", max_chars=auth.MAX_PASSWORD)
    if st.form_submit_button(t("login_submit"), type="primary"):
        error = auth_ui.login(name, password)
        if error:
            st.error(markdown_escape(error))
        else:
            auth_ui.flash(t("login_ok", user=name))
            st.rerun()

if auth_ui.sso_configured():
    if auth_ui.sso_email():
        st.warning(markdown_escape(t("login_sso_unknown", email=auth_ui.sso_email())))
    elif st.button(t("login_sso")):
        st.login()
