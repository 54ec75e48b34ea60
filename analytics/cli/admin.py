"""Handlers of `user`, `backup`, `restore` and `audit`: the admin page's actions from the command line."""

from __future__ import annotations

import argparse

from analytics.cli.common import read_password, with_actor, write_frame
from analytics.labels import t
from analytics.settings import Settings
from analytics.store import Store
from analytics.trust import actions, audit, auth, backup


def cmd_user(args: argparse.Namespace, settings: Settings) -> int:
    def work(store: Store, actor: auth.User) -> int:
        if args.user_command == "list":
            auth.authorize(actor, auth.Action.MANAGE_USERS)
            with store.reading() as cur:
                users = auth.list_users(cur)
            write_frame(users, None)
            return 0
        if args.user_command == "add":
            auth.authorize(actor, auth.Action.MANAGE_USERS)  # before asking for a password
            password = None if args.sso_only else read_password()
            user = auth.add_user(
                store, actor, args.name, args.role, password, unit_code=args.unit, full_name=args.full_name or "", email=args.email
            )
            if user.unit_code:
                print(t("cli_user_added_unit", name=user.name, role=user.role, unit=user.unit_code))
            else:
                print(t("cli_user_added", name=user.name, role=user.role))
            return 0
        if args.user_command == "remove":
            auth.remove_user(store, actor, args.name)
            print(t("cli_user_removed", name=args.name))
            return 0
        if args.user_command == "passwd":
            if actor.name != args.name:
                auth.authorize(actor, auth.Action.MANAGE_USERS)
            auth.set_password(store, actor, args.name, read_password("cli_password_new"))
            print(t("cli_password_changed", name=args.name))
            return 0
        if args.user_command == "unlock":
            auth.unlock_user(store, actor, args.name)
            print(t("cli_user_unlocked", name=args.name))
            return 0
        raise AssertionError(args.user_command)

    return with_actor(args, settings, work)


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    def work(store: Store, actor: auth.User) -> int:
        if args.list:
            auth.authorize(actor, auth.Action.BACKUP)
            for info in backup.list_backups(settings.backups_root):
                when = f"{info.created_at:%d/%m/%Y %H:%M}"
                print(t("cli_backup_row", path=info.path, when=when, reason=info.reason, by=info.created_by, rows=info.rows))
            return 0
        if args.every is not None:
            backup.set_schedule(store, actor, args.every)
            print(t("cli_schedule_off") if args.every == 0 else t("cli_schedule_on", hours=args.every))
            return 0
        info = backup.backup(store, args.output, actor=actor, root=settings.backups_root)
        print(t("cli_backup_done", rows=info.rows, path=info.path))
        return 0

    return with_actor(args, settings, work)


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    def work(store: Store, actor: auth.User) -> int:
        safety = actions.restore_backup(store, actor, args.folder, backups_root=settings.backups_root, include_users=args.include_users)
        print(t("cli_restored", folder=args.folder, safety=safety.path))
        return 0

    return with_actor(args, settings, work)


def cmd_audit(args: argparse.Namespace, settings: Settings) -> int:
    def work(store: Store, actor: auth.User) -> int:
        auth.authorize(actor, auth.Action.VIEW_AUDIT)
        with store.reading() as cur:
            trail = audit.trail(cur, limit=args.limit)
        write_frame(trail, args.output)
        return 0

    return with_actor(args, settings, work)
