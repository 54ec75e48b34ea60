"""Every command of `python -m analytics`, its options and its handler, declared once."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from pathlib import Path

from analytics import measures, results, scale
from analytics.cli import admin, data, notes, pack, reporting, review, uploads, years
from analytics.cli.common import TABLE_SUFFIXES, output_path
from analytics.labels import t
from analytics.store import LOCK_WAIT_SECONDS
from analytics.trust import auth

LANGS = ("vi", "en")


def _as_user(p: argparse.ArgumentParser, help_key: str = "cli_help_as_user") -> None:
    p.add_argument("--as-user", metavar=t("cli_metavar_name"), help=t(help_key))


def _waiting(p: argparse.ArgumentParser) -> None:
    """Commands that may find the store held by the running dashboard, and wait for it."""
    p.add_argument("--wait", type=float, default=LOCK_WAIT_SECONDS, metavar=t("cli_metavar_seconds"), help=t("cli_help_wait"))


def _as_user_waiting(p: argparse.ArgumentParser) -> None:
    _as_user(p)
    _waiting(p)


def _as_of(text: str) -> datetime:
    try:
        return results.parse_as_of(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analytics", description=t("cli_description"))
    sub = parser.add_subparsers(dest="command", required=True, metavar=t("cli_metavar_command"))

    p = sub.add_parser("units", help=t("cli_help_units"))
    p.add_argument("--year", type=int, help=t("cli_help_units_year"))
    p.add_argument("--on", type=date.fromisoformat, metavar="YYYY-MM-DD", help=t("cli_help_units_on"))
    p.add_argument("-o", "--output", type=output_path(*TABLE_SUFFIXES), help=t("cli_help_output"))
    p.set_defaults(handler=data.cmd_units)

    for name, handler, help_key in (
        ("template", data.cmd_template, "cli_help_template"),
        ("sample", data.cmd_sample, "cli_help_sample"),
    ):
        p = sub.add_parser(name, help=t(help_key), description=t(help_key))
        p.add_argument("--year", type=int, required=True, help=t("cli_help_year"))
        p.add_argument("--quarter", type=int, required=True, choices=(1, 2, 3, 4), help=t("cli_help_quarter"))
        p.add_argument("-o", "--output", type=output_path(*TABLE_SUFFIXES), help=t("cli_help_template_output"))
        p.set_defaults(handler=handler)

    p = sub.add_parser("export", help=t("cli_help_export"))
    p.add_argument("--year", type=int, help=t("cli_help_only_year"))
    p.add_argument("-o", "--output", type=output_path(".csv"), help=t("cli_help_export_output"))
    p.set_defaults(handler=data.cmd_export)

    p = sub.add_parser("demo", help=t("cli_help_demo"))
    p.add_argument("--remove", action="store_true", help=t("cli_help_demo_remove"))
    _as_user_waiting(p)
    p.set_defaults(handler=uploads.cmd_demo)

    p = sub.add_parser("check-config", help=t("cli_help_check_config"))
    p.set_defaults(handler=data.cmd_check_config)

    p = sub.add_parser("import", help=t("cli_help_import"), description=t("cli_description_import"))
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help=t("cli_help_import_files"))
    p.add_argument("--lang", choices=LANGS, default="vi", help=t("cli_help_message_lang"))
    p.add_argument("--replace-demo", action="store_true", help=t("cli_help_replace_demo"))
    p.add_argument("--year", type=int, help=t("cli_help_import_year"))
    p.add_argument("--quarter", type=int, choices=(1, 2, 3, 4), help=t("cli_help_import_quarter"))
    p.add_argument("--dry-run", action="store_true", help=t("cli_help_dry_run"))
    _as_user(p, "cli_help_as_user_upload")
    p.set_defaults(handler=uploads.cmd_import)

    p = sub.add_parser("history", help=t("cli_help_history"))
    p.add_argument("--limit", type=int, default=50, help=t("cli_help_history_limit"))
    p.add_argument("--lang", choices=LANGS, default="vi")
    p.set_defaults(handler=uploads.cmd_history)

    p = sub.add_parser("revert", help=t("cli_help_revert"))
    p.add_argument("upload_id", type=int, metavar="UPLOAD_ID")
    p.add_argument("--lang", choices=LANGS, default="vi")
    _as_user(p, "cli_help_as_user_upload")
    p.set_defaults(handler=uploads.cmd_revert)

    p = sub.add_parser("pack", help=t("cli_help_pack"), description=t("cli_description_pack"))
    p.add_argument("--meeting", help=t("cli_help_meeting"))
    p.add_argument("--year", type=int, help=t("cli_help_year"))
    p.add_argument("--phase", type=int, choices=(1, 2), help=t("cli_help_phase"))
    p.add_argument("--period", choices=("year", "P1", "P2", "Q1", "Q2", "Q3", "Q4"), help=t("cli_help_period"))
    p.add_argument("--block", choices=("ALL", "STP", "THADS"), help=t("cli_help_block"))
    p.add_argument("--variant", choices=("light", "dark"), help=t("cli_help_variant"))
    p.add_argument("--lang", choices=LANGS, default="vi", help=t("cli_help_lang"))
    p.add_argument(
        "-o", "--output", type=output_path(".html", ".pdf", ".pptx", ".zip", folder=True), required=True, help=t("cli_help_pack_output")
    )
    p.add_argument("--as-of", type=_as_of, metavar="YYYY-MM-DD HH:MM", help=t("cli_help_pack_as_of"))
    p.set_defaults(handler=pack.cmd_pack)

    p = sub.add_parser("user", help=t("cli_help_user"))
    users = p.add_subparsers(dest="user_command", required=True, metavar=t("cli_metavar_operation"))
    q = users.add_parser("add", help=t("cli_help_user_add"))
    q.add_argument("name", help=t("cli_help_user_name"))
    q.add_argument("--role", required=True, choices=auth.ROLES, help=t("cli_help_role"))
    q.add_argument("--unit", help=t("cli_help_unit"))
    q.add_argument("--full-name", help=t("cli_help_full_name"))
    q.add_argument("--email", help=t("cli_help_email"))
    q.add_argument("--sso-only", action="store_true", help=t("cli_help_sso_only"))
    _as_user_waiting(q)
    q = users.add_parser("list", help=t("cli_help_user_list"))
    _as_user_waiting(q)
    q = users.add_parser("remove", help=t("cli_help_user_remove"))
    q.add_argument("name")
    _as_user_waiting(q)
    q = users.add_parser("passwd", help=t("cli_help_user_passwd"))
    q.add_argument("name")
    _as_user_waiting(q)
    q = users.add_parser("unlock", help=t("cli_help_user_unlock"))
    q.add_argument("name")
    _as_user_waiting(q)
    p.set_defaults(handler=admin.cmd_user)

    p = sub.add_parser("backup", help=t("cli_help_backup"))
    p.add_argument("-o", "--output", type=output_path(folder=True), help=t("cli_help_backup_output"))
    p.add_argument("--list", action="store_true", help=t("cli_help_backup_list"))
    p.add_argument("--every", type=int, metavar=t("cli_metavar_hours"), help=t("cli_help_backup_every"))
    _as_user_waiting(p)
    p.set_defaults(handler=admin.cmd_backup)

    p = sub.add_parser("restore", help=t("cli_help_restore"))
    p.add_argument("folder", type=Path, help=t("cli_help_restore_folder"))
    p.add_argument("--include-users", action="store_true", help=t("cli_help_include_users"))
    _as_user_waiting(p)
    p.set_defaults(handler=admin.cmd_restore)

    p = sub.add_parser("audit", help=t("cli_help_audit"))
    p.add_argument("--limit", type=int, default=5000)
    p.add_argument("-o", "--output", type=output_path(*TABLE_SUFFIXES), help=t("cli_help_audit_output"))
    _as_user_waiting(p)
    p.set_defaults(handler=admin.cmd_audit)

    p = sub.add_parser("scale-sample", help=t("cli_help_scale_sample"))
    p.add_argument("--scale", choices=tuple(scale.PRESETS), default="cluster", help=t("cli_help_scale"))
    p.add_argument("--dir", type=Path, required=True, help=t("cli_help_scale_dir"))
    p.add_argument("--units", type=int, help=t("cli_help_scale_units"))
    p.add_argument("--years", type=int, help=t("cli_help_scale_years"))
    p.add_argument("--indicators", type=int, help=t("cli_help_scale_indicators"))
    p.add_argument("--communes", type=int, help=t("cli_help_scale_communes"))
    p.add_argument("--replace", action="store_true", help=t("cli_help_scale_replace"))
    p.set_defaults(handler=data.cmd_scale_sample)

    # results and scores
    p = sub.add_parser("results", help=t("cli_help_results"), description=t("cli_help_results"))
    p.add_argument("--year", type=int, required=True, help=t("cli_help_year"))
    p.add_argument("--period", required=True, choices=measures.PERIODS, help=t("cli_help_results_period"))
    p.add_argument("--as-of", type=_as_of, metavar="YYYY-MM-DD HH:MM", help=t("cli_help_as_of"))
    p.add_argument("-o", "--output", type=output_path(*TABLE_SUFFIXES), help=t("cli_help_output"))
    p.set_defaults(handler=data.cmd_results)

    p = sub.add_parser("scores", help=t("cli_help_scores"), description=t("cli_help_scores"))
    p.add_argument("--year", type=int, required=True, help=t("cli_help_year"))
    p.add_argument("--as-of", type=_as_of, metavar="YYYY-MM-DD HH:MM", help=t("cli_help_as_of"))
    p.add_argument("-o", "--output", type=output_path(*TABLE_SUFFIXES), help=t("cli_help_output"))
    p.set_defaults(handler=data.cmd_scores)

    # campaign years
    p = sub.add_parser("campaign", help=t("cli_help_campaign"), description=t("cli_description_campaign"))
    ops = p.add_subparsers(dest="campaign_command", required=True, metavar=t("cli_metavar_operation"))
    ops.add_parser("list", help=t("cli_help_campaign_list"))
    q = ops.add_parser("show", help=t("cli_help_campaign_show"))
    q.add_argument("--year", type=int, required=True, help=t("cli_help_year"))
    q = ops.add_parser("history", help=t("cli_help_campaign_history"))
    q.add_argument("--year", type=int, help=t("cli_help_only_year"))
    _as_user_waiting(q)
    for name, help_key in (("new", "cli_help_campaign_new"), ("edit", "cli_help_campaign_edit"), ("undo", "cli_help_campaign_undo")):
        q = ops.add_parser(name, help=t(help_key), description=t(help_key))
        q.add_argument("--year", type=int, required=True, help=t("cli_help_year"))
        if name == "new":
            q.add_argument("--from", dest="from_year", type=int, required=True, help=t("cli_help_campaign_from"))
        if name == "edit":
            q.add_argument("--text-file", type=Path, help=t("cli_help_campaign_text_file"))
        if name != "undo":
            q.add_argument("--set", action="append", metavar="KHÓA=GIÁ_TRỊ", help=t("cli_help_campaign_set"))
        q.add_argument("--preview", action="store_true", help=t("cli_help_campaign_preview"))
        _as_user_waiting(q)
    p.set_defaults(handler=years.cmd_campaign)

    # reporting calendar and e-mail
    p = sub.add_parser("status", help=t("cli_help_status"), description=t("cli_description_status"))
    p.add_argument("--year", type=int, required=True, help=t("cli_help_year"))
    p.add_argument("--quarter", type=int, choices=(1, 2, 3, 4), help=t("cli_help_status_quarter"))
    p.add_argument("-o", "--output", type=output_path(*TABLE_SUFFIXES), help=t("cli_help_output"))
    _waiting(p)
    p.set_defaults(handler=reporting.cmd_status)

    p = sub.add_parser("remind", help=t("cli_help_remind"), description=t("cli_description_remind"))
    p.add_argument("--year", type=int, required=True, help=t("cli_help_year"))
    p.add_argument("--quarter", type=int, required=True, choices=(1, 2, 3, 4), help=t("cli_help_quarter"))
    p.add_argument("--dry-run", action="store_true", help=t("cli_help_remind_dry_run"))
    p.add_argument("--force", action="store_true", help=t("cli_help_remind_force"))
    _as_user_waiting(p)
    p.set_defaults(handler=reporting.cmd_remind)

    p = sub.add_parser("send-pack", help=t("cli_help_send_pack"), description=t("cli_description_send_pack"))
    p.add_argument("--meeting", required=True, help=t("cli_help_meeting"))
    p.add_argument("--to", nargs="+", metavar="ADDR", help=t("cli_help_send_pack_to"))
    _as_user_waiting(p)
    p.set_defaults(handler=pack.cmd_send_pack)

    p = sub.add_parser("registrations", help=t("cli_help_registrations"), description=t("cli_description_registrations"))
    p.add_argument("--year", type=int, required=True, help=t("cli_help_year"))
    p.add_argument("-o", "--output", type=output_path(*TABLE_SUFFIXES), help=t("cli_help_output"))
    _waiting(p)
    p.set_defaults(handler=reporting.cmd_registrations)

    p = sub.add_parser("register-import", help=t("cli_help_register_import"), description=t("cli_description_register_import"))
    p.add_argument("file", type=Path, metavar="FILE", help=t("cli_help_register_file"))
    p.add_argument("--year", type=int, required=True, help=t("cli_help_year"))
    _as_user_waiting(p)
    p.set_defaults(handler=reporting.cmd_register_import)

    # chart notes
    p = sub.add_parser("subscribe", help=t("cli_help_subscribe"), description=t("cli_description_subscribe"))
    p.add_argument("--user", help=t("cli_help_subscribe_user"))
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--block", choices=("STP", "THADS"), help=t("cli_help_subscribe_block"))
    what.add_argument("--unit", nargs="+", metavar="CODE", help=t("cli_help_subscribe_unit"))
    what.add_argument("--list", action="store_true", help=t("cli_help_subscribe_list"))
    what.add_argument("--remove", type=int, metavar="ID", help=t("cli_help_subscribe_remove"))
    p.add_argument("-o", "--output", type=output_path(*TABLE_SUFFIXES), help=t("cli_help_output"))
    _as_user_waiting(p)
    p.set_defaults(handler=reporting.cmd_subscribe)

    p = sub.add_parser("note", help=t("cli_help_note"))
    note_ops = p.add_subparsers(dest="note_command", required=True, metavar=t("cli_metavar_operation"))
    q = note_ops.add_parser("add", help=t("cli_help_note_add"))
    q.add_argument("--year", type=int, required=True, help=t("cli_help_note_year"))
    period = q.add_mutually_exclusive_group()
    period.add_argument("--quarter", type=int, choices=(1, 2, 3, 4), help=t("cli_help_note_quarter"))
    period.add_argument("--phase", type=int, help=t("cli_help_note_phase"))
    q.add_argument("--unit", help=t("cli_help_note_unit"))
    q.add_argument("--indicator", help=t("cli_help_note_indicator"))
    q.add_argument("--text", required=True, help=t("cli_help_note_text"))
    _as_user_waiting(q)
    q = note_ops.add_parser("edit", help=t("cli_help_note_edit"))
    q.add_argument("id", type=int, help=t("cli_help_note_id"))
    q.add_argument("--text", required=True, help=t("cli_help_note_text"))
    _as_user_waiting(q)
    q = note_ops.add_parser("list", help=t("cli_help_note_list"))
    q.add_argument("--year", type=int, help=t("cli_help_only_year"))
    q.add_argument("-o", "--output", type=output_path(*TABLE_SUFFIXES), help=t("cli_help_output"))
    _as_user_waiting(q)
    q = note_ops.add_parser("remove", help=t("cli_help_note_remove"))
    q.add_argument("id", type=int, help=t("cli_help_note_id"))
    _as_user_waiting(q)
    p.set_defaults(handler=notes.cmd_note)

    # review day
    p = sub.add_parser("vote", help=t("cli_help_vote"), description=t("cli_description_vote"))
    p.add_argument("--year", type=int, required=True, help=t("cli_help_year"))
    p.add_argument("--list", action="store_true", help=t("cli_help_vote_list"))
    p.add_argument("--title", metavar="CODE", help=t("cli_help_vote_title"))
    p.add_argument("--voters", type=int, metavar="N", help=t("cli_help_vote_voters"))
    p.add_argument("--ballots", type=Path, metavar="FILE", help=t("cli_help_vote_ballots"))
    p.add_argument("-o", "--output", type=output_path(*TABLE_SUFFIXES), help=t("cli_help_output"))
    _as_user_waiting(p)
    p.set_defaults(handler=review.cmd_vote)

    p = sub.add_parser("report", help=t("cli_help_report"), description=t("cli_description_report"))
    p.add_argument("--meeting", required=True, help=t("cli_help_meeting"))
    p.add_argument("--document", choices=("report", "minutes", "proposal"), default="report", help=t("cli_help_report_document"))
    p.add_argument("-o", "--output", type=output_path(".docx"), required=True, help=t("cli_help_report_output"))
    _waiting(p)
    p.set_defaults(handler=review.cmd_report)

    p = sub.add_parser("awards", help=t("cli_help_awards"), description=t("cli_description_awards"))
    p.add_argument("--import", dest="import_file", type=Path, metavar="FILE", help=t("cli_help_awards_import"))
    p.add_argument("-o", "--output", type=output_path(*TABLE_SUFFIXES), help=t("cli_help_output"))
    _as_user_waiting(p)
    p.set_defaults(handler=review.cmd_awards)

    # registration in scoring and the review

    # status board order and scale

    return parser
