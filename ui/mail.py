"""The SMTP server's settings for the dashboard: the environment first, then the [smtp] table of
.streamlit/secrets.toml (host, port, security, user, password, from). Read here, passed into the core,
which also sends the change digests after a write with them."""

from __future__ import annotations

import os

import streamlit as st

from analytics.config import load_campaigns
from analytics.mail.settings import MailSettingsError, SmtpSettings, smtp_settings
from analytics.reporting.digests import Notifier
from analytics.settings import from_env


def settings() -> SmtpSettings | None:
    """None when no server is configured; raises MailSettingsError for a malformed setting."""
    try:
        secrets = dict(st.secrets["smtp"]) if "smtp" in st.secrets else None
    except FileNotFoundError:  # no secrets file at all
        secrets = None
    return smtp_settings(os.environ, secrets)


def notifier() -> Notifier | None:
    """Digests after an upload, revert or lock, when a mail server is configured (a malformed setting
    means no digests: the write itself must go on). Links are absolute when THIDUA_PUBLIC_URL is set."""
    try:
        smtp = settings()
    except MailSettingsError:
        return None
    if smtp is None:
        return None
    return Notifier(smtp, load_campaigns(from_env().campaigns_dir), public_url=os.environ.get("THIDUA_PUBLIC_URL") or None)
