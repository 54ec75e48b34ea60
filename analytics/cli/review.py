"""Handlers of `vote` and `report`: the year-end vote from a ballots file, and the meeting's documents."""

from __future__ import annotations

import argparse
import sys

from analytics.cli.common import CliRefused, campaign_of, opened, with_actor, write_frame
from analytics.config import load_campaigns
from analytics.ingest import awards, ballots
from analytics.ingest.readers import source_from_path
from analytics.labels import t
from analytics.queries import registry
from analytics.reporting import registration
from analytics.review import vote
from analytics.settings import Settings
from analytics.store import Store
from analytics.trust import actions
from analytics.trust.auth import User


def cmd_vote(args: argparse.Namespace, settings: Settings) -> int:
    campaign = campaign_of(settings, args.year)
    if args.list:
        write_frame(vote.titles_frame(campaign.titles), args.output)
        return 0
    if not (args.title and args.voters is not None and args.ballots):
        print(t("cli_vote_needs"), file=sys.stderr)
        return 2
    try:
        title = campaign.title(args.title)
    except KeyError:
        codes = ", ".join(x.code for x in campaign.titles) or "—"
        print(t("cli_vote_unknown_title", code=args.title, year=args.year, codes=codes), file=sys.stderr)
        return 2
    if args.voters < 1:
        print(t("vote_voters_positive"), file=sys.stderr)
        return 2
    if campaign.rubric is None:
        raise CliRefused(t("cli_vote_no_rubric", year=args.year))
    rubric = campaign.rubric

    def work(store: Store, actor: User) -> int:
        with store.reading() as cur:
            summary = vote.year_summary(cur, rubric, args.year)
            standing = vote.candidates(summary, title, vote.held_titles(cur), args.year, registration.approved(cur, args.year))
            units = registry(cur)
        source = source_from_path(args.ballots)
        counted = ballots.read(source, args.voters, units, standing)
        if counted.problems:
            print(ballots.problems_text(counted.problems), file=sys.stderr)
            return 1
        result = vote.tally(title, args.voters, counted.counts, standing)
        actions.record_vote(store, actor, args.year, result, source=source.name, raw=source.read())
        write_frame(vote.result_frame(result), args.output)
        print(vote.summary_text(result), file=sys.stderr)
        return 0

    return with_actor(args, settings, work)


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    """The meeting's report (default), the minutes of the vote or the proposal, as an editable .docx."""
    from analytics.presentation import documents
    from analytics.presentation.slides import load_all

    campaigns = load_campaigns(settings.campaigns_dir)
    meetings = load_all(settings.meetings_dir, campaigns)
    meeting = meetings.get(args.meeting)
    if meeting is None:
        names = ", ".join(meetings) or t("cli_pack_no_meetings")
        print(t("cli_pack_unknown_meeting", meeting=args.meeting, folder=settings.meetings_dir, names=names), file=sys.stderr)
        return 2
    campaign = campaigns[meeting.year]
    with opened(args, settings).reading() as cur:
        if args.document == "minutes":
            data = documents.minutes_docx(cur, campaign, meeting.period)
        elif args.document == "proposal":
            data = documents.proposal_docx(cur, campaign, meeting.period)
        else:
            data = documents.report_docx(cur, meeting, campaigns)
    args.output.write_bytes(data)
    print(args.output)
    return 0


def cmd_awards(args: argparse.Namespace, settings: Settings) -> int:
    """Print the award history (CSV), or replace the history of the units a checked file names."""

    def work(store: Store, actor: User) -> int:
        if args.import_file is None:
            with store.reading() as cur:
                held = vote.held_titles(cur)
            write_frame(held, args.output)
            return 0
        source = source_from_path(args.import_file)
        with store.reading() as cur:
            codes = set(registry(cur)["code"])
        checked = awards.check(source, codes)
        if checked.problems:
            print("\n".join(p.text() for p in checked.problems), file=sys.stderr)
            return 1
        count = actions.import_awards(store, actor, checked, source.name)
        print(t("cli_awards_done", rows=count, units=checked.rows["unit_code"].nunique()), file=sys.stderr)
        return 0

    return with_actor(args, settings, work)
