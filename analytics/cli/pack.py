"""Handler of `pack`: build the deck a meeting (or the year/phase) asks for and write it.

Plotly, kaleido and the slide builders are imported inside the handler: they take seconds to load,
and every other command should start without them.
"""

from __future__ import annotations

import argparse
import sys
import time
from functools import partial

from analytics.cli.common import CliRefused, opened, with_actor
from analytics.cli.reporting import EXIT_UNDELIVERED, mail_settings
from analytics.config import load_campaigns
from analytics.labels import t
from analytics.settings import Settings
from analytics.store import Store
from analytics.trust import auth


def cmd_pack(args: argparse.Namespace, settings: Settings) -> int:
    from analytics.presentation.renderer import RENDERER

    if args.output.suffix.lower() != ".html":  # Chromium loads plotly.js while the slide code loads and the deck's queries run
        RENDERER.start()
    from analytics.presentation.meetings import pick_meeting
    from analytics.presentation.pack import write_pack
    from analytics.presentation.slides import build_deck, default_meeting, load_all

    campaigns = load_campaigns(settings.campaigns_dir)
    meetings = load_all(settings.meetings_dir, campaigns)
    if args.meeting and args.meeting not in meetings:
        names = ", ".join(meetings) or t("cli_pack_no_meetings", args.lang)
        print(t("cli_pack_unknown_meeting", args.lang, meeting=args.meeting, folder=settings.meetings_dir, names=names), file=sys.stderr)
        return 2
    period = f"P{args.phase}" if args.phase else args.period
    year = args.year or max(campaigns, default=None)  # without --year: the newest configured year, as the slideshow page
    meeting = pick_meeting(meetings, args.meeting, year, period)
    if meeting is None:
        if year is None:
            print(t("cli_pack_needs_meeting", args.lang), file=sys.stderr)
            return 2
        meeting = default_meeting(year, period or "year", args.block or "ALL", args.lang)
    started = time.monotonic()
    with opened(args, settings).reading() as cur:
        deck = build_deck(
            cur,
            meeting,
            year=args.year,
            period=period,
            block=args.block,
            lang=args.lang,
            variant=args.variant,
            campaigns=campaigns,
            at=args.as_of,
        )
    if not deck.slides:
        print(t("cli_pack_no_slides", args.lang), file=sys.stderr)
        return 2
    for path in write_pack(deck, args.output, args.lang):
        print(path)
    print(t("cli_pack_done", args.lang, slides=len(deck.slides), seconds=f"{time.monotonic() - started:.1f}"), file=sys.stderr)
    return 0


def cmd_send_pack(args: argparse.Namespace, settings: Settings) -> int:
    """Mail a meeting's pack to its [mail] recipients (or --to); marks a scheduled sending done."""
    from analytics.mail import deliver
    from analytics.mail.settings import is_address
    from analytics.presentation.mailing import send_pack
    from analytics.presentation.renderer import RENDERER
    from analytics.presentation.slides import build_deck, load_all

    campaigns = load_campaigns(settings.campaigns_dir)
    meetings = load_all(settings.meetings_dir, campaigns)
    if args.meeting not in meetings:
        names = ", ".join(meetings) or t("cli_pack_no_meetings")
        print(t("cli_pack_unknown_meeting", meeting=args.meeting, folder=settings.meetings_dir, names=names), file=sys.stderr)
        return 2
    meeting = meetings[args.meeting]
    to = tuple(a.strip().lower() for a in args.to) if args.to else meeting.recipients
    for address in to:
        if not is_address(address):
            raise CliRefused(t("cli_send_pack_bad_address", value=address))
    if not to:
        raise CliRefused(t("cli_send_pack_nobody", meeting=meeting.name))
    smtp = mail_settings(required=True)
    assert smtp is not None

    def work(store: Store, actor: auth.User) -> int:
        auth.authorize(actor, auth.Action.SEND_MAIL)  # before seconds of rendering
        RENDERER.start()
        with store.reading() as cur:
            deck = build_deck(cur, meeting, campaigns=campaigns)
        if not deck.slides:
            raise CliRefused(t("cli_pack_no_slides"))
        cluster = campaigns[meeting.year].cluster if meeting.year in campaigns else ""
        # Sent to the file's own list, it is the scheduled sending (the scheduler will not send it again).
        key = meeting.name if args.to else meeting.send_key
        deliveries = send_pack(store, actor, deck, to, partial(deliver.send, smtp), cluster=cluster, key=key)
        for d in deliveries:
            print(t("cli_send_pack_line", recipient=d.recipient, outcome=t("cli_send_pack_ok") if d.sent else d.error))
        return 0 if all(d.sent for d in deliveries) else EXIT_UNDELIVERED

    return with_actor(args, settings, work)
