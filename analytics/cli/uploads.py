"""Handlers of `python -m analytics import | history | revert` (issue 3): thin wrappers over ingest/history."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analytics.bootstrap import open_store
from analytics.history import RevertError, default_user, list_uploads, revert
from analytics.ingest import save, validate
from analytics.ingest.readers import source_from_path
from analytics.labels import fmt_datetime, t
from analytics.settings import Settings


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "import",
        help="Nhập tệp số liệu quý hoặc danh sách xã (import quarterly results or commune registers)",
        description="Kiểm tra toàn bộ các tệp rồi lưu trong một giao dịch; có lỗi thì không lưu gì. "
        "Mã thoát: 0 đã lưu, 1 bị từ chối (không lưu gì), 2 sai cách dùng.",
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="tệp .csv, .txt hoặc .xlsx")
    p.add_argument("--by", help="người tải lên (mặc định: tài khoản hệ điều hành)")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ thông báo (vi, en)")
    p.add_argument("--replace-demo", action="store_true", help="xóa dữ liệu minh họa trong cùng giao dịch rồi lưu số liệu thật")
    p.add_argument("--year", type=int, help="chỉ nhận số liệu của năm này")
    p.add_argument("--quarter", type=int, choices=(1, 2, 3, 4), help="chỉ nhận số liệu của quý này")
    p.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra và cho biết sẽ thay đổi gì, không lưu")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("history", help="Lịch sử các lần tải lên (upload history)")
    p.add_argument("--limit", type=int, default=50, help="số dòng mới nhất (mặc định 50)")
    p.add_argument("--lang", choices=("vi", "en"), default="vi")
    p.set_defaults(handler=cmd_history)

    p = sub.add_parser("revert", help="Hoàn tác một lần tải lên (revert an upload)")
    p.add_argument("upload_id", type=int, metavar="UPLOAD_ID")
    p.add_argument("--by", help="người thực hiện (mặc định: tài khoản hệ điều hành)")
    p.add_argument("--lang", choices=("vi", "en"), default="vi")
    p.set_defaults(handler=cmd_revert)


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    lang = args.lang
    missing = [str(f) for f in args.files if not f.is_file()]
    if missing:
        _err(("File not found: " if lang == "en" else "Không tìm thấy tệp: ") + ", ".join(missing))
        return 2
    sources = [source_from_path(f) for f in args.files]
    store = open_store(settings, wait_seconds=10)
    try:
        cur = store.cursor()
        allowed = getattr(args, "allowed_units", None)  # set by `--as-user` (issue 6)
        checked = validate.check(cur, sources, allowed_units=allowed, year=args.year, quarter=args.quarter, replace_demo=args.replace_demo)
        for f in checked.files:
            if f.kind:
                print(
                    t(
                        "up_file_read",
                        lang,
                        file=f.name,
                        kind=t(f"up_kind_{f.kind}", lang),
                        format=validate.describe(f, lang),
                        rows=f.n_rows,
                    )
                )
        for problem in checked.problems:
            _err(problem.text(lang))
        if not checked.ok:
            _err(t("up_rejected", lang, errors=len(checked.errors), warnings=len(checked.warnings)))
            return 1
        if args.dry_run:
            print(save.preview(cur, checked).to_string(index=False))
            return 0
        try:
            result = save.commit(store, checked, by=args.by or default_user(), replace_demo=args.replace_demo, allowed_units=allowed)
        except save.DemoPresentError:
            _err(t("up_demo_present", lang))
            return 1
        if result.demo_removed:
            print(t("up_demo_removed", lang, count=result.demo_removed))
        for line in summary_lines(result, lang):
            print(line)
    finally:
        store.close()
    return 0


def summary_lines(result: save.CommitResult, lang: str = "vi") -> list[str]:
    """One sentence per file: what was stored (or that nothing changed)."""
    lines = []
    for s in result.stored:
        applied = s.applied
        assert applied is not None
        if s.upload_id is None:
            line = t("up_unchanged", lang, file=s.file, unchanged=applied.unchanged)
        else:
            key = "up_stored" if s.kind == "results" else "up_stored_register"
            line = t(key, lang, file=s.file, id=s.upload_id, units=s.units, quarters=s.quarters, indicators=s.indicators,
                     new=applied.new, changed=applied.changed, unchanged=applied.unchanged)  # fmt: skip
        if s.same_as is not None:
            line += t("up_same_bytes", lang, id=s.same_as)
        lines.append(line)
    return lines


def cmd_history(args: argparse.Namespace, settings: Settings) -> int:
    store = open_store(settings, wait_seconds=10)
    try:
        frame = list_uploads(store.cursor(), args.limit)
    finally:
        store.close()
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
    store = open_store(settings, wait_seconds=10)
    try:
        try:
            applied = store.write(lambda cur: revert(cur, args.upload_id, args.by or default_user()))
        except RevertError as exc:
            _err(t(f"up_{exc.code}", args.lang, **exc.params))
            return 1
    finally:
        store.close()
    print(t("up_reverted", args.lang, target=args.upload_id, id=applied.upload_id, count=applied.new + applied.changed))
    return 0
