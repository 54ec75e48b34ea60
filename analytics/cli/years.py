"""Handlers of `campaign list|show|new|edit|undo|history`: a year's configuration made, changed and
undone from the command line, through the same functions as the admin page."""

from __future__ import annotations

import argparse
import sys

from analytics.cli.common import CliRefused, with_actor, write_frame
from analytics.labels import t
from analytics.settings import Settings
from analytics.store import Store
from analytics.trust import auth
from analytics.years import campaigns as campaign_files


def _changes(pairs: list[str] | None) -> dict[str, object]:
    """`--set KEY=VALUE` pairs; the value is a TOML literal or plain text."""
    changes: dict[str, object] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise CliRefused(t("camp_cli_bad_set", pair=pair))
        changes[key.strip()] = campaign_files.parse_value(value.strip())
    return changes


def cmd_campaign(args: argparse.Namespace, settings: Settings) -> int:
    if args.campaign_command == "list":
        write_frame(campaign_files.overview(settings), None)
        return 0
    if args.campaign_command == "show":
        file = campaign_files.campaign_file(settings, args.year)
        if not file.exists():
            print(t("cli_no_campaign_year", year=args.year, folder=settings.campaigns_dir), file=sys.stderr)
            return 2
        sys.stdout.write(file.read_text(encoding="utf-8"))
        return 0

    def work(store: Store, actor: auth.User) -> int:
        if args.campaign_command == "history":
            write_frame(campaign_files.revisions(store, args.year), None)
            return 0
        auth.authorize(actor, auth.Action.SETTINGS)
        if args.campaign_command == "new":
            draft = campaign_files.draft_new(settings, args.year, args.from_year, _changes(args.set))
        elif args.campaign_command == "edit":
            text = args.text_file.read_text(encoding="utf-8") if args.text_file else None
            draft = campaign_files.draft_edit(settings, args.year, changes=_changes(args.set), text=text)
        else:
            draft = campaign_files.draft_undo(store, settings, args.year)
        if args.preview:
            sys.stdout.write(draft.preview or t("camp_no_change") + "\n")
            return 0
        if not draft.preview:
            print(t("camp_no_change"))
            return 0
        revision = campaign_files.save(store, settings, actor, draft)
        for change in draft.changes:
            print(t("camp_saved_file", file=change.file, action=t(f"camp_action_{draft.action}")))
        print(t("camp_saved", revision=revision, lines=draft.lines_changed, year=args.year))
        return 0

    return with_actor(args, settings, work)
