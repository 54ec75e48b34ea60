"""Handler of `note`: the same notes the unit profile edits, through the same actions."""

from __future__ import annotations

import argparse

from analytics import notes
from analytics.cli.common import CliRefused, with_actor, write_frame
from analytics.labels import t
from analytics.settings import Settings
from analytics.store import Store
from analytics.trust import actions, auth


def cmd_note(args: argparse.Namespace, settings: Settings) -> int:
    def work(store: Store, actor: auth.User) -> int:
        try:
            if args.note_command == "list":
                auth.authorize(actor, auth.Action.VIEW)
                with store.reading() as cur:
                    listed = notes.list_notes(cur, args.year)
                write_frame(listed, args.output)
            elif args.note_command == "add":
                scope = notes.Scope(args.year, args.quarter, args.phase, args.unit, args.indicator)
                print(t("cli_note_added", id=actions.add_note(store, actor, scope, args.text)))
            elif args.note_command == "edit":
                actions.edit_note(store, actor, args.id, args.text)
                print(t("cli_note_edited", id=args.id))
            else:
                actions.remove_note(store, actor, args.id)
                print(t("cli_note_removed", id=args.id))
        except notes.NoteError as exc:
            raise CliRefused(str(exc)) from exc
        return 0

    return with_actor(args, settings, work)
