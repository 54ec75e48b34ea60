"""What the command handlers share: opening the store while the dashboard may hold it, who acts,
reading a password, and writing tables and text.

The CLI runs with the server's own file access, so it acts as the system administrator
("cli:<OS user or --by>") unless `--as-user NAME` narrows it to that account's rights (no password
needed: it can only take rights away). Passwords are read from standard input or prompted, never
taken from argv, where other users of the machine could see them.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from analytics.bootstrap import open_store
from analytics.config import ConfigError, load_campaigns
from analytics.history import default_user
from analytics.labels import t
from analytics.mail.settings import MailSettingsError, smtp_settings
from analytics.reporting.digests import Notifier
from analytics.settings import Settings
from analytics.store import Store, StoreBusyError
from analytics.trust import auth


class CliRefused(Exception):
    """Refused for a reason the user can fix; printed without a traceback, exit 1."""


# How long a command waits for a dashboard that holds the store before it gives up (exit 3).
WAIT_SECONDS = 10.0


def open_waiting(settings: Settings, wait: float) -> Store:
    """Open the store; if the dashboard holds it, say so once and wait up to `wait` seconds."""
    try:
        return open_store(settings, wait_seconds=0)
    except StoreBusyError as exc:
        if wait <= 0:
            raise StoreBusyError(f"{exc} {t('cli_store_busy_hint')}") from exc
    print(t("cli_store_waiting", seconds=f"{wait:g}"), file=sys.stderr)
    try:
        return open_store(settings, wait_seconds=wait)
    except StoreBusyError as exc:
        raise StoreBusyError(f"{exc} {t('cli_store_busy_hint')}") from exc


def actor_for(store: Store, as_user: str | None, by: str | None = None) -> auth.User:
    """The system administrator named after `by` (or the OS user), or the account `--as-user` names."""
    if not as_user:
        return auth.system_user(by or default_user())
    user = auth.get_user(store.cursor(), as_user.strip().lower())
    if user is None:
        raise CliRefused(t("cli_unknown_user", name=as_user))
    return user


def with_actor(args: argparse.Namespace, settings: Settings, work: Callable[[Store, auth.User], int]) -> int:
    """Run `work` on the store (waiting `--wait` seconds for the dashboard) as the acting user."""
    store = open_waiting(settings, getattr(args, "wait", WAIT_SECONDS))
    try:
        return work(store, actor_for(store, getattr(args, "as_user", None), getattr(args, "by", None)))
    finally:
        store.close()


def read_password(prompt_key: str = "cli_password") -> str:
    """From a terminal: asked twice without echo. Otherwise: the first line of standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass(t(prompt_key))
        if getpass.getpass(t("cli_password_again")) != first:
            raise CliRefused(t("cli_password_mismatch"))
        return first
    line = sys.stdin.readline()
    if not line:
        raise CliRefused(t("cli_password_unreadable"))
    return line.rstrip("\r\n")


def write_text(path: Path | None, text: str) -> None:
    """Plain text to the file, or to the screen without one."""
    if path is None:
        sys.stdout.write(text)
    else:
        path.write_text(text, encoding="utf-8")


def write_frame(frame: pd.DataFrame, path: Path | None, sheet: str = "Bang", *, for_excel: bool = False) -> None:
    """A table through the one CSV/xlsx writer: .xlsx by suffix, otherwise CSV (UTF-8 with BOM).

    On the screen the CSV text goes without the BOM, which a terminal would show as noise — except
    for files meant for Excel (`for_excel`: templates), which people redirect into a .csv.
    """
    from analytics import downloads  # openpyxl comes with it: loaded only by the commands that write tables

    if path is None:
        data = downloads.csv_bytes(frame)
        if for_excel:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data.decode("utf-8-sig"))
        return
    downloads.write_file(frame, path, sheet)


def digest_notifier(settings: Settings) -> Notifier | None:
    """Digests to subscribers after a write, when THIDUA_SMTP_* names a mail server; a malformed
    setting or campaign file is said on stderr and the write goes on without digests."""
    try:
        smtp = smtp_settings(os.environ)
        campaigns = load_campaigns(settings.campaigns_dir)
    except (MailSettingsError, ConfigError) as exc:
        print(t("digest_not_sent", reason=exc), file=sys.stderr)
        return None
    if smtp is None:
        return None
    return Notifier(smtp, campaigns, public_url=os.environ.get("THIDUA_PUBLIC_URL") or None)
