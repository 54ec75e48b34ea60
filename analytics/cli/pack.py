"""Handler of `pack`: build the deck a meeting (or the year/phase) asks for and write it.

Plotly, kaleido and the slide builders are imported inside the handler: they take seconds to load,
and every other command should start without them.
"""

from __future__ import annotations

import argparse
import sys
import time

from analytics.cli.common import opened
from analytics.config import load_campaigns
from analytics.labels import t
from analytics.settings import Settings


def cmd_pack(args: argparse.Namespace, settings: Settings) -> int:
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
    meeting = pick_meeting(meetings, args.meeting, args.year, period)
    if meeting is None:
        if args.year is None:
            print(t("cli_pack_needs_meeting", args.lang), file=sys.stderr)
            return 2
        meeting = default_meeting(args.year, period or "year", args.block or "ALL", args.lang)
    started = time.monotonic()
    with opened(args, settings).reading() as cur:
        deck = build_deck(
            cur, meeting, year=args.year, period=period, block=args.block, lang=args.lang, variant=args.variant, campaigns=campaigns
        )
    if not deck.slides:
        print(t("cli_pack_no_slides", args.lang), file=sys.stderr)
        return 2
    for path in write_pack(deck, args.output, args.lang):
        print(path)
    print(t("cli_pack_done", args.lang, slides=len(deck.slides), seconds=f"{time.monotonic() - started:.1f}"), file=sys.stderr)
    return 0
