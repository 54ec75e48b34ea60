"""Streamlit side of logging in: who is using this browser session, and what they may do.

A login lives in `st.session_state` (one browser tab's websocket session) as an `auth.Session`,
re-checked against the users table on every run, so a removed account or a changed password takes
effect at once and an idle session expires. Single sign-on (`st.login`, OIDC) is used only when
`.streamlit/secrets.toml` has an `[auth]` section; its e-mail is mapped to our users table, which
alone decides the role.
"""

from __future__ import annotations

import secrets
import time
from functools import partial

import streamlit as st

from analytics.labels import t
from analytics.mail.settings import MailSettingsError
from analytics.presentation import mailing
from analytics.settings import from_env
from analytics.trust import auth, backup
from analytics.trust.safety import markdown_escape
from ui import data, mail

_SESSION = "_auth_session"
_FLASH = "_auth_flash"
_CLIENT = "_auth_client"  # names this browser session to the login throttle when it has no address
_PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip", "x-forwarded-host")


@st.cache_resource(show_spinner=False)
def limiter() -> auth.LoginLimiter:
    """One per process: failed attempts count across every browser session."""
    return auth.LoginLimiter()


@st.cache_resource(show_spinner=False)
def scheduler() -> backup.Scheduler:
    """Scheduled backups and the meeting packs' mail run in the dashboard process (the CLI's `backup` and
    `send-pack` do the same from a cron job)."""
    settings = from_env()
    try:
        smtp = mail.settings()
    except MailSettingsError:  # the status board shows the problem; backups still run
        smtp = None
    send_packs = partial(mailing.send_due_packs, data.store(), settings, smtp)
    worker = backup.Scheduler(data.store(), settings.backups_root, jobs=[send_packs])
    worker.start()
    return worker


def client_address() -> str:
    """Who is trying to log in, for the login throttle: the address, or this browser session when
    Streamlit reports none (loopback, and so every visitor behind a local reverse proxy)."""
    address = st.context.ip_address
    if isinstance(address, str) and address:
        return address
    return "session:" + st.session_state.setdefault(_CLIENT, secrets.token_hex(8))


def client_is_local() -> bool:
    """The browser runs on the server itself. Behind a reverse proxy every client looks local, so a
    forwarding header makes the client remote."""
    headers = {k.lower() for k in (st.context.headers or {})}
    if any(h in headers for h in _PROXY_HEADERS):
        return False
    # Streamlit reports loopback clients (127.0.0.1, ::1) as None; a run with no network peer at all
    # (AppTest, bare mode) gives a placeholder object instead of an address string: also local.
    address = st.context.ip_address
    return address is None or not isinstance(address, str)


def sso_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def sso_email() -> str | None:
    """The e-mail of the single-sign-on identity of this browser, when SSO is configured and used."""
    if not sso_configured() or not st.user.is_logged_in:
        return None
    return str(st.user.get("email") or "") or None


def current_user() -> auth.User | None:
    """The logged-in user; the setup principal on a fresh local install; None for a visitor.

    A visitor's rerun opens no store (the account count is cached under the data version); a session
    or a single-sign-on identity is checked against the accounts on every run."""
    email = sso_email()
    session = st.session_state.get(_SESSION)
    user: auth.User | None = None
    if email or session is not None:
        with data.reading() as cur:
            mapped = auth.user_for_email(cur, email) if email else None
            if mapped is not None:
                return mapped
            user, renewed = auth.resume_session(cur, session, time.time())
        if renewed is None and session is not None:
            del st.session_state[_SESSION]
            flash(t("login_expired"), "warning")
        elif renewed is not None:
            st.session_state[_SESSION] = renewed
    if user is None and data.user_count(data.version()) == 0 and client_is_local():
        return auth.setup_user()
    return user


def viewing_allowed(user: auth.User | None) -> bool:
    return auth.can(user, auth.Action.VIEW, open_viewing=data.open_viewing(data.version()))


def login(name: str, password: str) -> str | None:
    """Log this browser session in; returns the error to show, or None."""
    try:
        with data.reading() as cur:
            user = auth.authenticate(cur, name, password, limiter(), client_address())
    except (auth.LoginFailed, auth.LoginThrottled) as exc:
        return str(exc)
    st.session_state[_SESSION] = auth.open_session(user, time.time())
    return None


def start_session(user: auth.User) -> None:
    st.session_state[_SESSION] = auth.open_session(user, time.time())


def logout() -> None:
    st.session_state.pop(_SESSION, None)
    if sso_configured() and st.user.is_logged_in:
        st.logout()


def flash(message: str, kind: str = "success") -> None:
    """A message shown once on the next run (after st.rerun)."""
    st.session_state[_FLASH] = (kind, message)


def show_flash() -> None:
    kind, message = st.session_state.pop(_FLASH, (None, None))
    if message:
        getattr(st, kind if kind in ("success", "warning", "error", "info") else "info")(markdown_escape(message, 2000))


def role_label(role: str) -> str:
    return t("role_" + role) if role in auth.ROLES else role


def sidebar(user: auth.User | None) -> None:
    """Who is logged in, with a log-out button, or a link to log in."""
    scheduler()
    with st.sidebar:
        st.divider()
        if user is None:
            st.caption(t("login_anonymous"))
            st.page_link("pages/login.py", label=t("page_login"), icon=":material/login:")
        elif user.name == auth.setup_user().name:
            st.caption(markdown_escape(t("setup_title")))
            st.page_link("pages/login.py", label=t("page_login"), icon=":material/login:")
        else:
            st.caption(markdown_escape(t("login_as", user=user.label, role=role_label(user.role))))
            if st.button(t("logout"), key="logout"):
                logout()
                st.rerun()


def gate(user: auth.User | None, page_url_path: str) -> None:
    """Stop every page but the login page when viewing requires an account."""
    if page_url_path == "login" or viewing_allowed(user):
        return
    st.info(t("login_required"))
    st.page_link("pages/login.py", label=t("page_login"), icon=":material/login:")
    st.stop()


def require(action: auth.Action, unit_codes: tuple[str, ...] = ()) -> auth.User:
    """The current user if they may do `action`; otherwise explain and stop the page."""
    user = current_user()
    try:
        auth.authorize(user, action, unit_codes, open_viewing=data.open_viewing(data.version()))
    except auth.PermissionDenied as exc:
        st.warning(markdown_escape(str(exc), 2000))
        if user is None:
            st.page_link("pages/login.py", label=t("page_login"), icon=":material/login:")
        st.stop()
    assert user is not None
    return user
