"""The SMTP server's settings for the dashboard: the environment first, then the [smtp] table of
.streamlit/secrets.toml (host, port, security, user, password, from). Read here, passed into the core."""

from __future__ import annotations

import os

import streamlit as st

from analytics.mail.settings import SmtpSettings, smtp_settings


def settings() -> SmtpSettings | None:
    """None when no server is configured; raises MailSettingsError for a malformed setting."""
    try:
        secrets = dict(st.secrets["smtp"]) if "smtp" in st.secrets else None
    except FileNotFoundError:  # no secrets file at all
        secrets = None
    return smtp_settings(os.environ, secrets)
