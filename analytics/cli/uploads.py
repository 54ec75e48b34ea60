"""Handlers of `import`, `history`, `revert` and `demo`: the same checks as the upload page, and the
same writes (`analytics.trust.actions`), as the system administrator or the `--as-user` account."""

from __future__ import annotations

import argparse
import sys

from analytics.cli.common import digest_notifier, opened, with_actor
from analytics.config import load_campaigns
from analytics.history import RevertError, list_uploads
from analytics.ingest import review, save, validate
from analytics.ingest.readers import source_from_path
from analytics.labels import fmt_datetime, t
from analytics.registry import load_units
from analytics.settings import Settings
from analytics.store import Store
from analytics.trust import actions, auth


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    """Check every file, then store the batch through the upload page's own action (exit 1, nothing
    stored, when a file or the acting user's rights refuse it)."""
    lang = args.lang
    missing = [str(f) for f in args.files if not f.is_file()]
    if missing:
        _err(t("cli_files_missing", lang, files=", ".join(missing)))
        return 2
    sources = [source_from_path(f) for f in args.files]

    def work(store: Store, actor: auth.User) -> int:
        with store.reading() as cur:
            checked = validate.check(
                cur,
                sources,
                allowed_units=auth.allowed_units(actor),
                year=args.year,
                quarter=args.quarter,
                replace_demo=args.replace_demo,
            )
        for f in checked.files:
            if f.kind:
                kind = t(f"up_kind_{f.kind}", lang)
                print(t("up_file_read", lang, file=f.name, kind=kind, format=validate.describe(f, lang), rows=f.n_rows))
        for problem in checked.problems:
            _err(problem.text(lang))
        if not checked.ok:
            _err(t("up_rejected", lang, errors=len(checked.errors), warnings=len(checked.warnings)))
            return 1
        if args.dry_run:
            with store.reading() as cur:
                preview = save.preview(cur, checked)
            print(preview.to_string(index=False))
            return 0
        notifier = digest_notifier(settings)
        try:
            result = actions.commit_upload(
                store, checked, actor, backups_root=settings.backups_root, replace_demo=args.replace_demo, notifier=notifier
            )
        except save.DemoPresentError:
            _err(t("up_demo_present", lang))
            return 1
        if result.demo_removed:
            print(t("up_demo_removed", lang, count=result.demo_removed))
        for line in review.summary_lines(result, lang):
            print(line)
        if notifier is not None:
            notifier.wait()  # the digests go out (or their failure is recorded) before the store closes
        return 0

    return with_actor(args, settings, work)


def cmd_history(args: argparse.Namespace, settings: Settings) -> int:
    with opened(args, settings).reading() as cur:
        frame = list_uploads(cur, args.limit)
    if frame.empty:
        print(t("up_history_empty", args.lang))
        return 0
    frame = frame.astype(object).where(frame.notna(), None)
    for row in frame.itertuples(index=False):
        status = "" if row.reverted_by is None else t("up_status_reverted", args.lang, by=int(row.reverted_by))
        target = "" if row.reverts is None else f" → #{int(row.reverts)}"
        print(
            f"#{int(row.id)}\t{fmt_datetime(row.created_at)}\t{row.kind}{target}\t{row.created_by}\t{row.file_name or ''}\t"
            f"{int(row.n_values or 0)}\t{(row.sha256 or '')[:12]}\t{status}"
        )
    return 0


def cmd_revert(args: argparse.Namespace, settings: Settings) -> int:
    """Revert through the upload page's own action: the same permission check and safety backup."""

    def work(store: Store, actor: auth.User) -> int:
        notifier = digest_notifier(settings)
        try:
            applied = actions.revert_upload(store, args.upload_id, actor, backups_root=settings.backups_root, notifier=notifier)
        except RevertError as exc:
            _err(t(f"up_{exc.code}", args.lang, **exc.params))
            return 1
        print(t("up_reverted", args.lang, target=args.upload_id, id=applied.upload_id, count=applied.new + applied.changed))
        if notifier is not None:
            notifier.wait()
        return 0

    return with_actor(args, settings, work)


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """Load or remove the demo data through the admin page's actions (removal is backed up first)."""

    def work(store: Store, actor: auth.User) -> int:
        if args.remove:
            count = actions.remove_demo(store, actor, settings.backups_root)
            print(t("cli_demo_removed", count=count) if count else t("cli_demo_none"))
        elif actions.load_demo(store, actor, load_units(settings.units_file), load_campaigns(settings.campaigns_dir), settings.clock()):
            print(t("cli_demo_loaded"))
        else:
            print(t("cli_demo_present"))
        return 0

    return with_actor(args, settings, work)
