"""`python -m analytics import | history | revert` on a temporary store, through the command's own `main`;
where a test checks that no traceback is shown, that one call runs in its own interpreter."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.history import default_user
from tests.support import UPLOADS, run_cli, run_cli_process, slow_except

GOOD = UPLOADS / "good"
BAD = UPLOADS / "bad"


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """`export` after importing our own template (UTF-8 with BOM, CRLF)."""
    ref = tmp_path_factory.mktemp("ref")
    assert run_cli(ref, "import", str(GOOD / "template_utf8_bom_crlf.csv"), demo=False).returncode == 0
    out = run_cli(ref, "export", demo=False).stdout
    assert out.count(b"\n") == 353
    return out


def text(result) -> str:  # type: ignore[no-untyped-def]
    return result.stdout.decode() + result.stderr.decode()


@pytest.mark.parametrize(
    "files",
    slow_except(
        [
            ["excel_vn_windows1258_semicolon.csv"],
            ["excel_unicode_text_utf16.txt"],
            ["workbook_second_sheet.xlsx"],
            ["per_block/stp.csv", "per_block/thads.csv"],
        ],
        ["per_block/stp.csv", "per_block/thads.csv"],  # every format is read quickly in tests/ingest/test_validate_and_save.py
    ),
)
def test_formats_export_byte_identical_to_the_template(tmp_path: Path, reference: bytes, files: list[str]) -> None:
    result = run_cli(tmp_path, "import", *(str(GOOD / f) for f in files), demo=False)
    assert result.returncode == 0, text(result)
    assert "22 đơn vị" in text(result) or "11 đơn vị" in text(result)
    assert run_cli(tmp_path, "export", demo=False).stdout == reference


def test_rejected_batch_exits_1_lists_every_problem_and_stores_nothing(tmp_path: Path) -> None:
    before = run_cli(tmp_path, "export", demo=False).stdout
    files = [BAD / "bad_year.csv", BAD / "negative_count.csv", BAD / "empty.csv", GOOD / "utf8_nobom_lf.csv"]
    result = run_cli_process(tmp_path, "import", *map(str, files), demo=False)
    assert result.returncode == 1
    err = result.stderr.decode()
    assert "Traceback" not in err
    assert "tệp bad_year.csv, dòng 5, cột “Năm”" in err and "tệp bad_year.csv, dòng 6" in err
    assert "tệp negative_count.csv, dòng 5, cột “Buổi tuyên truyền, phổ biến giáo dục pháp luật (buổi)”" in err
    assert "tệp empty.csv: tệp rỗng" in err and "Không lưu gì: 4 lỗi" in err
    assert run_cli(tmp_path, "export", demo=False).stdout == before
    assert "Chưa có lần tải lên nào" in run_cli(tmp_path, "history", demo=False).stdout.decode()


def test_english_messages(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "import", "--lang", "en", str(BAD / "text_in_number.csv"), demo=False)
    assert result.returncode == 1
    assert "file text_in_number.csv, row 4, column" in result.stderr.decode() and "not a number" in result.stderr.decode()


@pytest.mark.slow  # its own interpreter; the rejected batch above keeps one quick
def test_every_bad_file_is_named_and_the_batch_exits_1_without_traceback(tmp_path: Path) -> None:
    bad = sorted(BAD.iterdir())
    result = run_cli_process(tmp_path, "import", *map(str, bad), demo=False)
    assert result.returncode == 1 and "Traceback" not in text(result)
    lines = result.stderr.decode().splitlines()
    for path in bad:
        assert any(line.startswith(f"Lỗi: tệp {path.name}") for line in lines), path.name


def test_80_mb_file_is_refused_fast_and_nothing_stored(tmp_path: Path) -> None:
    big = tmp_path / "ca_nam.csv"
    with big.open("wb") as out:
        out.truncate(80 * 1024 * 1024)
    result = run_cli(tmp_path, "import", str(big), demo=False)
    assert result.returncode == 1 and "vượt giới hạn 5 MB" in result.stderr.decode()


@pytest.mark.slow  # its own interpreter; usage errors exit 2 in-process in tests/cli/test_cli_hygiene.py
def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "import", demo=False).returncode == 2
    missing = run_cli_process(tmp_path, "import", str(tmp_path / "khong_co.csv"), demo=False)
    assert missing.returncode == 2 and "Không tìm thấy tệp" in missing.stderr.decode() and "Traceback" not in text(missing)
    assert run_cli(tmp_path, "revert", "abc", demo=False).returncode == 2


@pytest.mark.slow  # import --replace-demo stays quick in tests/cli/test_cli_write_path.py
def test_demo_store_needs_replace_demo(tmp_path: Path) -> None:
    before = run_cli(tmp_path, "export").stdout
    refused = run_cli(tmp_path, "import", str(GOOD / "utf8_nobom_lf.csv"))
    assert refused.returncode == 1 and "--replace-demo" in refused.stderr.decode()
    assert run_cli(tmp_path, "export").stdout == before
    done = run_cli(tmp_path, "import", "--replace-demo", str(GOOD / "utf8_nobom_lf.csv"))
    assert done.returncode == 0 and "Đã xóa 1477 giá trị minh họa" in done.stdout.decode()
    history = run_cli(tmp_path, "history").stdout.decode()
    assert f"cli:{default_user()}" in history and "demo_remove" in history


def test_history_revert_round_trip(tmp_path: Path) -> None:
    first = GOOD / "per_block" / "stp.csv"
    assert run_cli(tmp_path, "import", str(first), demo=False).returncode == 0
    before = run_cli(tmp_path, "export", demo=False).stdout
    again = run_cli(tmp_path, "import", str(first), demo=False)
    assert again.returncode == 0 and "không có gì thay đổi" in again.stdout.decode() and "#1" in again.stdout.decode()
    corrected = tmp_path / "stp_sua.csv"
    corrected.write_text("Mã đơn vị,Năm,Quý,buoi_pbgdpl\nSTP_HN,2016,2,1\n", encoding="utf-8")
    stored = run_cli(tmp_path, "import", str(corrected), demo=False)
    assert stored.returncode == 0 and "1 thay đổi" in stored.stdout.decode()
    history = run_cli(tmp_path, "history", demo=False).stdout.decode().splitlines()
    assert history[0].startswith("#2") and f"\tcli:{default_user()}\t" in history[0] and "stp_sua.csv" in history[0]
    reverted = run_cli(tmp_path, "revert", "2", demo=False)
    assert reverted.returncode == 0, text(reverted)
    assert run_cli(tmp_path, "export", demo=False).stdout == before
    twice = run_cli_process(tmp_path, "revert", "2", demo=False)
    assert twice.returncode == 1 and "đã được hoàn tác" in twice.stderr.decode() and "Traceback" not in text(twice)
    assert "đã hoàn tác bởi #3" in run_cli(tmp_path, "history", demo=False).stdout.decode()
