"""Command-line handlers for users, backups, restore and the audit trail (issue 6).

The CLI runs with the server's own file access, so it acts as an administrator ("cli:<OS user>")
unless `--as-user NAME` narrows it to that account's rights (no password needed: it can only take
rights away). Passwords are read from standard input or prompted, never taken from argv.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path

from analytics import demo
from analytics.bootstrap import open_store
from analytics.config import load_campaigns
from analytics.history import default_user
from analytics.registry import load_units
from analytics.settings import Settings
from analytics.store import Store, StoreBusyError
from analytics.trust import actions, audit, auth, backup
from analytics.trust.safety import neutralise_frame

Handler = Callable[[argparse.Namespace, Settings], int]


class CliRefused(Exception):
    """Refused for a reason the user can fix; printed without a traceback, exit 1."""


def open_waiting(settings: Settings, wait: float) -> Store:
    """Open the store; if the dashboard holds it, say so once and wait up to `wait` seconds."""
    hint = " Trong khi dashboard chạy, các thao tác này có ở trang Quản trị (/admin); dashboard cũng tự sao lưu theo lịch đã đặt."
    try:
        return open_store(settings, wait_seconds=0)
    except StoreBusyError as exc:
        if wait <= 0:
            raise StoreBusyError(f"{exc}{hint}") from exc
    print(f"Kho dữ liệu đang được dashboard giữ; đang chờ tối đa {wait:g} giây…", file=sys.stderr)
    try:
        return open_store(settings, wait_seconds=wait)
    except StoreBusyError as exc:
        raise StoreBusyError(f"{exc}{hint}") from exc


def actor_for(store: Store, as_user: str | None, by: str | None = None) -> auth.User:
    if not as_user:
        return auth.system_user(by or default_user())
    user = auth.get_user(store.cursor(), as_user.strip().lower())
    if user is None:
        raise CliRefused(f"Không có tài khoản “{as_user}” (--as-user).")
    return user


def read_password(prompt: str = "Mật khẩu: ") -> str:
    """From a terminal: asked twice without echo. Otherwise: the first line of standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if getpass.getpass("Nhập lại mật khẩu: ") != first:
            raise CliRefused("Hai lần nhập mật khẩu không khớp.")
        return first
    line = sys.stdin.readline()
    if not line:
        raise CliRefused("Không đọc được mật khẩu từ đầu vào chuẩn (stdin).")
    return line.rstrip("\r\n")


def guarded(handler: Handler) -> Handler:
    """Turn the refusals users can fix into a Vietnamese message and exit 1."""

    def run(args: argparse.Namespace, settings: Settings) -> int:
        try:
            return handler(args, settings)
        except (CliRefused, auth.PermissionDenied, auth.UserError, backup.BackupError) as exc:
            print(f"Từ chối: {exc}", file=sys.stderr)
            return 1

    return run


def _with_store(args: argparse.Namespace, settings: Settings, work: Callable[[Store, auth.User], int]) -> int:
    store = open_waiting(settings, getattr(args, "wait", 10.0))
    try:
        return work(store, actor_for(store, getattr(args, "as_user", None), getattr(args, "by", None)))
    finally:
        store.close()


def cmd_user(args: argparse.Namespace, settings: Settings) -> int:
    def work(store: Store, actor: auth.User) -> int:
        if args.user_command == "list":
            auth.authorize(actor, auth.Action.MANAGE_USERS)
            frame = neutralise_frame(auth.list_users(store.cursor()))
            sys.stdout.write(frame.to_csv(index=False, lineterminator="\n"))
            return 0
        if args.user_command == "add":
            auth.authorize(actor, auth.Action.MANAGE_USERS)  # before asking for a password
            password = None if args.sso_only else read_password()
            user = auth.add_user(
                store, actor, args.name, args.role, password, unit_code=args.unit, full_name=args.full_name or "", email=args.email
            )
            print(f"Đã tạo tài khoản {user.name} (vai trò {user.role}{', đơn vị ' + user.unit_code if user.unit_code else ''}).")
            return 0
        if args.user_command == "remove":
            auth.remove_user(store, actor, args.name)
            print(f"Đã xóa tài khoản {args.name}.")
            return 0
        if args.user_command == "passwd":
            if actor.name != args.name:
                auth.authorize(actor, auth.Action.MANAGE_USERS)
            auth.set_password(store, actor, args.name, read_password("Mật khẩu mới: "))
            print(f"Đã đổi mật khẩu của {args.name}; các phiên đăng nhập cũ đã hết hiệu lực.")
            return 0
        raise AssertionError(args.user_command)

    return _with_store(args, settings, work)


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    def work(store: Store, actor: auth.User) -> int:
        if args.list:
            auth.authorize(actor, auth.Action.BACKUP)
            for info in backup.list_backups(settings.backups_root):
                print(f"{info.path}\t{info.created_at:%d/%m/%Y %H:%M}\t{info.reason}\t{info.created_by}\t{info.rows} dòng")
            return 0
        if args.every is not None:
            backup.set_schedule(store, actor, args.every)
            print("Đã tắt sao lưu định kỳ." if args.every == 0 else f"Dashboard sẽ tự sao lưu mỗi {args.every} giờ.")
            return 0
        info = backup.backup(store, args.output, actor=actor, root=settings.backups_root)
        print(f"Đã sao lưu {info.rows} dòng vào {info.path}")
        return 0

    return _with_store(args, settings, work)


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    def work(store: Store, actor: auth.User) -> int:
        safety = backup.restore(store, args.folder, actor=actor, root=settings.backups_root, include_users=args.include_users)
        print(f"Đã khôi phục từ {args.folder}. Bản sao lưu trạng thái trước khi khôi phục: {safety.path}")
        return 0

    return _with_store(args, settings, work)


def cmd_audit(args: argparse.Namespace, settings: Settings) -> int:
    def work(store: Store, actor: auth.User) -> int:
        auth.authorize(actor, auth.Action.VIEW_AUDIT)
        data = audit.csv_bytes(audit.trail(store.cursor(), limit=args.limit))
        if args.output is None:
            sys.stdout.write(data.decode("utf-8-sig"))
        else:
            args.output.write_bytes(data)
        return 0

    return _with_store(args, settings, work)


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """`demo` with permissions: removal needs the right, takes a backup first and is audited."""

    def work(store: Store, actor: auth.User) -> int:
        if args.remove:
            count = actions.remove_demo(store, actor, settings.backups_root)
            print(f"Đã xóa {count} giá trị minh họa (đã sao lưu trước khi xóa)." if count else "Kho không có dữ liệu minh họa.")
            return 0
        auth.authorize(actor, auth.Action.REMOVE_DEMO)
        if demo.has_demo(store.cursor()):
            print("Kho đã có dữ liệu minh họa.")
            return 0
        demo.load(store, load_units(settings.units_file), load_campaigns(settings.campaigns_dir))
        print("Đã nạp dữ liệu minh họa.")
        return 0

    return _with_store(args, settings, work)


def cmd_import_as(args: argparse.Namespace, settings: Settings) -> int:
    """`import` narrowed to a user: only its units' rows pass the check (exit 1, nothing stored,
    otherwise); replacing the demo data needs the admin right and is preceded by a backup."""
    from analytics.cli import uploads

    store = open_waiting(settings, 10)
    try:
        actor = actor_for(store, args.as_user, args.by)
        args.allowed_units = auth.allowed_units(actor) if args.as_user else None
        if args.as_user:
            args.by = actor.name
        if args.replace_demo and demo.has_demo(store.cursor()) and not args.dry_run:
            auth.authorize(actor, auth.Action.REMOVE_DEMO)
            actions.safety_backup(store, actor, settings.backups_root, "before_demo_remove")
    finally:
        store.close()
    return uploads.cmd_import(args, settings)


def cmd_revert_as(args: argparse.Namespace, settings: Settings) -> int:
    """`revert` as a user (a unit user: only uploads that touched its unit alone), after a backup."""
    from analytics.cli import uploads

    store = open_waiting(settings, 10)
    try:
        actor = actor_for(store, args.as_user, args.by)
        auth.authorize_revert(store.cursor(), actor, args.upload_id)
        if args.as_user:
            args.by = actor.name
        if store.cursor().execute("SELECT count(*) FROM uploads WHERE id = ?", [args.upload_id]).fetchone() != (0,):
            actions.safety_backup(store, actor, settings.backups_root, "before_revert")
    finally:
        store.close()
    return uploads.cmd_revert(args, settings)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as-user", metavar="TÊN", help="chỉ dùng quyền của tài khoản này (mặc định: quyền quản trị của máy chủ)")
    p.add_argument("--wait", type=float, default=10.0, metavar="GIÂY", help="chờ tối đa bấy nhiêu giây khi dashboard đang giữ kho")


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("user", help="Quản lý tài khoản: add, list, remove, passwd (manage users)")
    users = p.add_subparsers(dest="user_command", required=True, metavar="THAO_TÁC")
    q = users.add_parser("add", help="Tạo tài khoản; mật khẩu đọc từ stdin hoặc hỏi khi gõ (không bao giờ từ dòng lệnh)")
    q.add_argument("name", help="tên đăng nhập: chữ thường không dấu, số, . _ - @")
    q.add_argument("--role", required=True, choices=auth.ROLES, help="viewer (xem), unit (đầu mối đơn vị), admin (thư ký cụm)")
    q.add_argument("--unit", help="mã đơn vị của tài khoản vai trò unit, ví dụ STP_QN")
    q.add_argument("--full-name", help="họ tên hiển thị")
    q.add_argument("--email", help="e-mail dùng khi đăng nhập một lần (SSO, st.login)")
    q.add_argument("--sso-only", action="store_true", help="không đặt mật khẩu: chỉ đăng nhập qua SSO (cần --email)")
    _common(q)
    q = users.add_parser("list", help="Danh sách tài khoản (CSV, không có mật khẩu)")
    _common(q)
    q = users.add_parser("remove", help="Xóa tài khoản")
    q.add_argument("name")
    _common(q)
    q = users.add_parser("passwd", help="Đổi mật khẩu (đọc từ stdin hoặc hỏi khi gõ)")
    q.add_argument("name")
    _common(q)
    p.set_defaults(handler=guarded(cmd_user))

    p = sub.add_parser("backup", help="Sao lưu kho dữ liệu (Parquet) vào thư mục mới (backup)")
    p.add_argument("-o", "--output", type=Path, help="thư mục đích (mới hoặc trống); mặc định: data/backups/thidua-<thời điểm>")
    p.add_argument("--list", action="store_true", help="liệt kê các bản sao lưu")
    p.add_argument("--every", type=int, metavar="GIỜ", help="đặt lịch: dashboard tự sao lưu mỗi GIỜ giờ (0 = tắt)")
    _common(p)
    p.set_defaults(handler=guarded(cmd_backup))

    p = sub.add_parser("restore", help="Khôi phục dữ liệu từ một bản sao lưu (sao lưu trạng thái hiện tại trước)")
    p.add_argument("folder", type=Path, help="thư mục sao lưu")
    p.add_argument("--include-users", action="store_true", help="khôi phục cả danh sách tài khoản (khi dựng lại máy chủ)")
    _common(p)
    p.set_defaults(handler=guarded(cmd_restore))

    p = sub.add_parser("audit", help="Nhật ký thay đổi (CSV, mới nhất trước)")
    p.add_argument("--limit", type=int, default=5000)
    p.add_argument("-o", "--output", type=Path, help="ghi ra tệp CSV (UTF-8 có BOM)")
    _common(p)
    p.set_defaults(handler=guarded(cmd_audit))

    # `import` and `revert` (issue 3) gain --as-user; the handlers check the rights before running.
    for name, handler in (("import", cmd_import_as), ("revert", cmd_revert_as)):
        p = sub.choices[name]
        p.add_argument("--as-user", metavar="TÊN", help="chỉ dùng quyền của tài khoản này (đầu mối: chỉ đơn vị của mình)")
        p.set_defaults(handler=guarded(handler))

    # The foundation's `demo` command gains permissions, a backup before removal, and --as-user.
    p = sub.choices["demo"]
    _common(p)
    p.set_defaults(handler=guarded(cmd_demo))
