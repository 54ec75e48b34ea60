"""Where mail goes: the SMTP server's settings, from THIDUA_SMTP_* environment variables or the [smtp]
table of Streamlit's secrets (read by ui/ and passed in here).

The password lives only in memory: it is never printed (repr hides it), logged, audited or written to
any file of ours.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr

from analytics.labels import t

SECURITIES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
# Environment variable → key of the [smtp] secrets table.
ENV_KEYS = {
    "THIDUA_SMTP_HOST": "host",
    "THIDUA_SMTP_PORT": "port",
    "THIDUA_SMTP_SECURITY": "security",
    "THIDUA_SMTP_USER": "user",
    "THIDUA_SMTP_PASSWORD": "password",
    "THIDUA_SMTP_FROM": "from",
}


class MailSettingsError(ValueError):
    """The SMTP settings are present but unusable; the message is Vietnamese and names the setting."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str
    sender: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)


def is_address(text: str) -> bool:
    """A bare address with a local part and a dotted or local domain (what a unit account may carry)."""
    address = parseaddr(text)[1]
    local, _, domain = address.partition("@")
    return bool(address) and address == text.strip() and bool(local) and bool(domain) and " " not in address


def smtp_settings(env: Mapping[str, str], secrets: Mapping[str, object] | None = None) -> SmtpSettings | None:
    """The settings, each value from the environment first, then the secrets table; None when no host
    is set (mail is then simply not configured). Raises MailSettingsError for a bad port, security or sender."""
    values: dict[str, str] = {}
    for env_key, key in ENV_KEYS.items():
        value = env.get(env_key)
        if value is None and secrets is not None and secrets.get(key) is not None:
            value = str(secrets[key])
        if value is not None and value.strip():
            values[key] = value.strip() if key != "password" else value
    if "host" not in values:
        return None
    security = values.get("security", "starttls").lower()
    if security not in SECURITIES:
        raise MailSettingsError(t("mail_bad_security", value=security, choices=", ".join(SECURITIES)))
    port_text = values.get("port", str(DEFAULT_PORTS[security]))
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise MailSettingsError(t("mail_bad_port", value=port_text))
    sender = values.get("from", "")
    if not is_address(parseaddr(sender)[1]):
        raise MailSettingsError(t("mail_bad_sender", value=sender))
    return SmtpSettings(values["host"], int(port_text), security, sender, values.get("user"), values.get("password"))
