"""Handlers of `status`, `remind`, `registrations` and `register-import`: the campaign's calendar from the
command line (and from cron)."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from functools import partial

import pandas as pd

from analytics.cli.common import CliRefused, campaign_of, opened, with_actor, write_frame
from analytics.ingest.readers import source_from_path
from analytics.labels import t
from analytics.mail import deliver
from analytics.mail.settings import MailSettingsError, SmtpSettings, smtp_settings
from analytics.registry import load_units
from analytics.reporting import registration, reminders, subscriptions
from analytics.reporting.deadlines import calendar_of
from analytics.reporting.reminders import reminder_note, reminder_recipients
from analytics.reporting.status import status_board, status_csv_frame
from analytics.settings import Settings
from analytics.store import Store
from analytics.trust import actions, auth

# Exit code when some messages could not be delivered (the others went): cron should notice.
EXIT_UNDELIVERED = 4


def mail_settings(required: bool) -> SmtpSettings | None:
    """The SMTP server from THIDUA_SMTP_*; refused when required and missing or malformed."""
    try:
        found = smtp_settings(os.environ)
    except MailSettingsError as exc:
        raise CliRefused(str(exc)) from exc
    if found is None and required:
        raise CliRefused(t("mail_not_configured"))
    return found


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    calendar = calendar_of(campaign_of(settings, args.year))
    with opened(args, settings).reading() as cur:
        board = status_board(cur, calendar, datetime.now().date(), quarter=args.quarter)
    write_frame(status_csv_frame(board), args.output)
    return 0


def _line(reminder: reminders.Reminder, dry_run: bool) -> str:
    """One reminder as a line: the same recipients and notes as the status page's table."""
    unit = f"{reminder.unit_code} — {reminder.unit_name}"
    to, note = reminder_recipients(reminder), reminder_note(reminder)
    if reminder.skip:
        return t("remind_line_skipped", unit=unit, reason=note)
    if dry_run:
        return t("remind_line_planned", unit=unit, to=to)
    if not note:
        return t("remind_line_sent", unit=unit, to=to)
    return t("remind_line_failed", unit=unit, to=to or "—", failed=note)


def cmd_remind(args: argparse.Namespace, settings: Settings) -> int:
    campaign = campaign_of(settings, args.year)
    smtp = mail_settings(required=not args.dry_run)

    def work(store: Store, actor: auth.User) -> int:
        auth.authorize(actor, auth.Action.SEND_MAIL)
        now = datetime.now()
        if args.dry_run:
            with store.reading() as cur:
                done = reminders.plan(cur, campaign, args.quarter, now, force=args.force)
        else:
            assert smtp is not None
            send = partial(deliver.send, smtp)
            done = reminders.send_reminders(
                store, actor, campaign, load_units(settings.units_file), args.quarter, send, now=now, force=args.force
            )
        for reminder in done:
            print(_line(reminder, args.dry_run))
        if not done:
            print(t("remind_nobody", quarter=args.quarter, year=args.year))
        failed = sum(r.failed for r in done)
        if not args.dry_run:
            print(t("remind_summary", sent=sum(r.sent for r in done), failed=failed, skipped=sum(r.skip is not None for r in done)))
        if failed:
            print(t("remind_failed_exit"), file=sys.stderr)
            return EXIT_UNDELIVERED
        return 0

    return with_actor(args, settings, work)


REGISTRATION_COLUMNS = [
    "unit_code", "unit", "state", "titles", "ntm_count", "ntm_achieved", "models_count", "models_achieved",
    "xnpl_count", "xnpl_achieved", "submitted_at", "late", "reason",
]  # fmt: skip


def cmd_registrations(args: argparse.Namespace, settings: Settings) -> int:
    """Each unit's registration beside what it achieved, as CSV (or .xlsx by the file's suffix)."""
    deadline = calendar_of(campaign_of(settings, args.year)).registration_deadline
    with opened(args, settings).reading() as cur:
        both = registration.registered_vs_achieved(cur, args.year, deadline=deadline)
    both["titles"] = both["titles"].map("; ".join)
    both["submitted_at"] = both["submitted_at"].map(lambda v: "" if v is None or pd.isna(v) else v.strftime("%Y-%m-%d %H:%M"))
    both["late"] = both["late_days"].map(registration.late_text)
    write_frame(both[REGISTRATION_COLUMNS], args.output)
    return 0


def cmd_register_import(args: argparse.Namespace, settings: Settings) -> int:
    """A registration file checked as a whole; stored (awaiting approval) only when every row is right."""
    calendar = calendar_of(campaign_of(settings, args.year))

    def work(store: Store, actor: auth.User) -> int:
        stored, problems = registration.import_file(store, actor, source_from_path(args.file), calendar)
        for problem in problems:
            print(problem.text(), file=sys.stderr)
        if problems:
            return 1
        print(t("reg_imported", count=len(stored)))
        return 0

    return with_actor(args, settings, work)


def cmd_subscribe(args: argparse.Namespace, settings: Settings) -> int:
    """Follow a block or units (`--user`), list the subscriptions as CSV, or remove one by its id."""
    if (args.block or args.unit) and not args.user:
        raise CliRefused(t("cli_subscribe_needs_user"))

    def work(store: Store, actor: auth.User) -> int:
        try:
            if args.list:
                with store.reading() as cur:
                    frame = subscriptions.listing(cur, args.user)
                frame["created_at"] = frame["created_at"].map(lambda v: v.strftime("%Y-%m-%d %H:%M"))
                write_frame(frame, args.output)
            elif args.remove is not None:
                actions.unsubscribe(store, actor, args.remove)
                print(t("cli_unsubscribed", id=args.remove))
            else:
                ids = actions.subscribe(store, actor, args.user, block=args.block, units=tuple(args.unit or ()))
                print(t("cli_subscribed", user=args.user, ids=", ".join(map(str, ids)) or "—"))
        except subscriptions.SubscriptionError as exc:
            raise CliRefused(str(exc)) from exc
        return 0

    return with_actor(args, settings, work)
