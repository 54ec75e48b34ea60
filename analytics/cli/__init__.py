"""`python -m analytics ...`: the same functions the dashboard pages call, for the command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from analytics import demo, export
from analytics.bootstrap import open_store
from analytics.cli import admin, uploads
from analytics.config import ConfigError, load_campaigns
from analytics.history import default_user
from analytics.ingest import templates
from analytics.registry import load_units
from analytics.settings import Settings, from_env
from analytics.store import Store, StoreBusyError

Handler = Callable[[argparse.Namespace, Settings], int]


def _out(path: Path | None, text: str) -> None:
    if path is None:
        sys.stdout.write(text)
    else:
        path.write_text(text, encoding="utf-8")


def _open(settings: Settings) -> Store:
    return open_store(settings, wait_seconds=10)


def cmd_units(args: argparse.Namespace, settings: Settings) -> int:
    import pandas as pd

    units = load_units(settings.units_file)
    if args.year is not None:
        units = [u for u in units if u.active_in(args.year)]
    frame = pd.DataFrame(
        [
            {
                "code": u.code,
                "name": u.name,
                "province": u.province,
                "block": u.block,
                "short_name": u.short_name,
                "valid_from": u.valid_from,
                "valid_to": u.valid_to,
                "successor": u.successor,
            }
            for u in units
        ]
    ).astype({"valid_to": "Int64"})
    _out(args.output, frame.to_csv(index=False, lineterminator="\n"))
    return 0


def _template(args: argparse.Namespace, settings: Settings, filled: bool) -> int:
    campaigns = load_campaigns(settings.campaigns_dir)
    if args.year not in campaigns:
        print(f"Chưa có cấu hình phong trào năm {args.year} trong {settings.campaigns_dir}", file=sys.stderr)
        return 2
    frame = templates.template_frame(load_units(settings.units_file), campaigns[args.year], args.quarter, filled=filled)
    if args.output is not None and args.output.suffix.lower() == ".xlsx":
        templates.write_table(frame, args.output)
    else:
        data = templates.write_table(frame, args.output)
        if args.output is None:
            sys.stdout.buffer.write(data)
    return 0


def cmd_template(args: argparse.Namespace, settings: Settings) -> int:
    return _template(args, settings, filled=False)


def cmd_sample(args: argparse.Namespace, settings: Settings) -> int:
    return _template(args, settings, filled=True)


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    store = _open(settings)
    try:
        _out(args.output, export.export_csv(store.cursor(), args.year))
    finally:
        store.close()
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    store = _open(settings)
    try:
        if args.remove:
            count = demo.remove(store, args.by or default_user())
            print(f"Đã xóa {count} giá trị minh họa." if count else "Kho không có dữ liệu minh họa.")
        else:
            if demo.has_demo(store.cursor()):
                print("Kho đã có dữ liệu minh họa.")
                return 0
            demo.load(store, load_units(settings.units_file), load_campaigns(settings.campaigns_dir))
            print("Đã nạp dữ liệu minh họa.")
    finally:
        store.close()
    return 0


def cmd_check_config(args: argparse.Namespace, settings: Settings) -> int:
    units = load_units(settings.units_file)
    campaigns = load_campaigns(settings.campaigns_dir)
    print(f"Danh sách đơn vị: {len(units)} đơn vị ({settings.units_file})")
    for year, c in sorted(campaigns.items()):
        print(f"Năm {year}: {len(c.indicators)} chỉ tiêu, {len(c.targets)} chỉ tiêu giao, {len(c.phases)} đợt ({c.source})")
    return 0


def _cmd_pack(args: argparse.Namespace, settings: Settings) -> int:
    from analytics.presentation.pack import cli_pack  # plotly and kaleido load only for this command

    return cli_pack(args, settings)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analytics",
        description="Công cụ dòng lệnh của dashboard thi đua Khu vực Đồng bằng Bắc Bộ "
        "(Command line of the Northern Delta justice emulation dashboard). Kho dữ liệu: biến THIDUA_DB.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH")

    p = sub.add_parser("units", help="Danh sách đơn vị dạng CSV (list units as CSV)")
    p.add_argument("--year", type=int, help="chỉ các đơn vị còn hoạt động trong năm này")
    p.add_argument("-o", "--output", type=Path, help="ghi ra tệp thay vì màn hình")
    p.set_defaults(handler=cmd_units)

    for name, handler, text in (
        ("template", cmd_template, "Mẫu báo cáo quý, cột chỉ tiêu để trống (empty quarterly template)"),
        ("sample", cmd_sample, "Mẫu báo cáo quý điền số minh họa để tập huấn (filled training sample)"),
    ):
        p = sub.add_parser(name, help=text, description=text)
        p.add_argument("--year", type=int, required=True, help="năm (year)")
        p.add_argument("--quarter", type=int, required=True, choices=(1, 2, 3, 4), help="quý (quarter)")
        p.add_argument("-o", "--output", type=Path, help="tệp .csv (UTF-8 có BOM) hoặc .xlsx; mặc định: CSV ra màn hình")
        p.set_defaults(handler=handler)

    p = sub.add_parser("export", help="Xuất mọi giá trị dạng CSV dài (unit_code,year,quarter,indicator,value)")
    p.add_argument("--year", type=int, help="chỉ năm này")
    p.add_argument("-o", "--output", type=Path, help="ghi ra tệp thay vì màn hình")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("demo", help="Nạp hoặc xóa dữ liệu minh họa (load or remove demo data)")
    p.add_argument("--remove", action="store_true", help="xóa toàn bộ dữ liệu minh họa")
    p.add_argument("--by", help="người thực hiện (mặc định: tài khoản hệ điều hành)")
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("check-config", help="Kiểm tra danh sách đơn vị và cấu hình phong trào")
    p.set_defaults(handler=cmd_check_config)

    # --- import, history, revert (issue 3) ---
    uploads.add_commands(sub)

    # --- pack (issue 5) ---
    p = sub.add_parser(
        "pack",
        help="Gói trình chiếu hội nghị: HTML chạy không cần mạng, ảnh PNG 1920×1080, PDF (meeting pack)",
        description="Xuất gói trình chiếu. -o X.html: chỉ bản HTML; X.pdf: chỉ PDF; X.zip: tất cả; thư mục: HTML, PDF và từng ảnh PNG.",
    )
    p.add_argument("--meeting", help="tên tệp cuộc họp trong data/meetings (không có .toml), ví dụ so-ket-2016")
    p.add_argument("--year", type=int, help="năm (year)")
    p.add_argument("--phase", type=int, choices=(1, 2), help="đợt thi đua (phase): 1 = sơ kết, 2")
    p.add_argument("--period", choices=("year", "P1", "P2", "Q1", "Q2", "Q3", "Q4"), help="kỳ (thay cho --phase)")
    p.add_argument("--block", choices=("ALL", "STP", "THADS"), help="khối")
    p.add_argument("--variant", choices=("light", "dark"), help="nền sáng hoặc nền tối")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ (vi mặc định)")
    p.add_argument("-o", "--output", type=Path, required=True, help="tệp .html / .pdf / .zip, hoặc thư mục")
    p.set_defaults(handler=_cmd_pack)

    # --- user, backup, restore (issue 6) ---
    admin.add_commands(sub)

    # --- scale samples (issue 7) ---
    from analytics import scale

    p = sub.add_parser("scale-sample", help="Tạo kho dữ liệu mẫu quy mô cụm hoặc toàn quốc để đo hiệu năng (synthetic scale store)")
    p.add_argument(
        "--scale", choices=tuple(scale.PRESETS), default="cluster", help="cluster: 22 đơn vị × 1 năm; national: 1.000 đơn vị × 10 năm"
    )
    p.add_argument("--dir", type=Path, required=True, help="thư mục ghi units.csv, campaigns/ và thidua.duckdb")
    p.add_argument("--units", type=int, help="số đơn vị (thay cho giá trị của --scale)")
    p.add_argument("--years", type=int, help="số năm, từ 2016")
    p.add_argument("--indicators", type=int, help="số chỉ tiêu mỗi đơn vị báo cáo mỗi quý (0: danh mục có sẵn)")
    p.add_argument("--communes", type=int, help="số xã trong danh sách đăng ký (0: theo dữ liệu minh họa)")
    p.add_argument("--replace", action="store_true", help="tạo lại nếu thư mục đã có kho")
    p.set_defaults(handler=scale.cli_build)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args, from_env()))
    except ConfigError as exc:
        print(f"Lỗi cấu hình: {exc}", file=sys.stderr)
        return 2
    except StoreBusyError as exc:
        print(str(exc), file=sys.stderr)
        return 3
