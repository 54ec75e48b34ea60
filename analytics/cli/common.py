"""What the command handlers share: opening the store while the dashboard may be using it, who acts,
reading a password, checking output names, and writing tables and text.

The CLI runs with the server's own file access, so it acts as the system administrator
`cli:<OS user>` — a name no account can take (account names have no colon) — unless `--as-user NAME`
narrows it to that account's rights (no password needed: it can only take rights away). Passwords
are read from standard input or prompted, never taken from argv, where other users of the machine
could see them.
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
from analytics.config import Campaign, ConfigError, load_campaigns
from analytics.history import default_user
from analytics.labels import t
from analytics.mail.settings import MailSettingsError, smtp_settings
from analytics.reporting.digests import Notifier
from analytics.settings import Settings
from analytics.store import LOCK_WAIT_SECONDS, Store
from analytics.trust import auth


class CliRefused(Exception):
    """Refused for a reason the user can fix; printed without a traceback, exit 1."""


TABLE_SUFFIXES = (".csv", ".xlsx")


def output_path(*suffixes: str, folder: bool = False) -> Callable[[str], Path]:
    """The argparse type of an `-o`: a name ending in one of `suffixes`, or (`folder`) a name without a
    file-type suffix; anything else is a usage error (exit 2) before any work, never a guess."""

    def check(text: str) -> Path:
        path = Path(text)
        suffix = path.suffix.lower()
        if suffix in suffixes or (folder and not suffix.strip(".").isalpha()):
            return path
        key = ("cli_bad_output_or_folder" if suffixes else "cli_bad_output_folder") if folder else "cli_bad_output"
        raise argparse.ArgumentTypeError(t(key, name=text, allowed=", ".join(suffixes)))

    return check


def opened(args: argparse.Namespace, settings: Settings) -> Store:
    """The store, retrying for up to `--wait` seconds while the dashboard or another command works on it."""
    return open_store(settings, wait_seconds=getattr(args, "wait", LOCK_WAIT_SECONDS))


def actor_for(store: Store, as_user: str | None) -> auth.User:
    """The system administrator named after the OS user, or the account `--as-user` names."""
    if not as_user:
        return auth.system_user(default_user())
    with store.reading() as cur:
        user = auth.get_user(cur, as_user.strip().lower())
    if user is None:
        raise CliRefused(t("cli_unknown_user", name=as_user))
    return user


def with_actor(args: argparse.Namespace, settings: Settings, work: Callable[[Store, auth.User], int]) -> int:
    """Run `work` on the store as the acting user."""
    store = opened(args, settings)
    return work(store, actor_for(store, getattr(args, "as_user", None)))


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


def campaign_of(settings: Settings, year: int) -> Campaign:
    """The year's campaign file, or a refusal naming the year and the folder looked in."""
    campaign = load_campaigns(settings.campaigns_dir).get(year)
    if campaign is None:
        raise CliRefused(t("cli_no_campaign_year", year=year, folder=settings.campaigns_dir))
    return campaign
