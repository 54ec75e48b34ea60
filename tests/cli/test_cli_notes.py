"""`python -m analytics note`: add, list (CSV), edit and remove, refusals with exit 1, and a note that
looks like a formula stays text in the list."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from tests.support import run_cli


def _listed(tmp_path: Path, *args: str) -> pd.DataFrame:
    result = run_cli(tmp_path, "note", "list", *args)
    assert result.returncode == 0, result.stderr
    return pd.read_csv(io.BytesIO(result.stdout), dtype=str, keep_default_na=False)


def test_note_add_list_edit_remove(tmp_path: Path) -> None:
    added = run_cli(
        tmp_path, "note", "add", "--year", "2016", "--quarter", "2", "--unit", "STP_HN", "--indicator", "xa_ntm",
        "--text", '=HYPERLINK("http://x","bấm")',
    )  # fmt: skip
    assert added.returncode == 0 and "Đã thêm ghi chú số 1" in added.stdout.decode()
    assert run_cli(tmp_path, "note", "add", "--year", "2016", "--phase", "2", "--text", "hợp nhất từ 01/7/2025").returncode == 0
    frame = _listed(tmp_path, "--year", "2016")
    assert list(frame.columns) == ["id", "year", "quarter", "phase", "unit_code", "indicator", "text", "by", "at"]
    assert frame[["id", "quarter", "phase", "unit_code", "indicator"]].values.tolist() == [
        ["1", "2", "", "STP_HN", "xa_ntm"], ["2", "", "2", "", ""]
    ]  # fmt: skip
    assert frame["text"].tolist() == ['\'=HYPERLINK("http://x","bấm")', "hợp nhất từ 01/7/2025"]  # a spreadsheet shows it, never runs it
    assert frame["by"].str.startswith("cli:").all()
    assert _listed(tmp_path, "--year", "2015").empty

    assert run_cli(tmp_path, "note", "edit", "1", "--text", "số liệu điều chỉnh sau kiểm tra").returncode == 0
    assert run_cli(tmp_path, "note", "remove", "2").returncode == 0
    assert _listed(tmp_path)["text"].tolist() == ["số liệu điều chỉnh sau kiểm tra"]


@pytest.mark.slow  # the refusals stay quick in tests/test_notes.py, the command above
def test_note_refusals_exit_1_and_usage_errors_exit_2(tmp_path: Path) -> None:
    unknown = run_cli(tmp_path, "note", "add", "--year", "2016", "--unit", "STP_XX", "--text", "x")
    assert unknown.returncode == 1 and "STP_XX" in unknown.stderr.decode()
    assert run_cli(tmp_path, "note", "remove", "9").returncode == 1
    assert run_cli(tmp_path, "note", "add", "--year", "2016", "--quarter", "1", "--phase", "1", "--text", "x").returncode == 2
    assert run_cli(tmp_path, "user", "add", "tp.hanoi", "--role", "unit", "--unit", "STP_HN", stdin="mat-khau-dai\n").returncode == 0
    other = run_cli(tmp_path, "note", "add", "--year", "2016", "--unit", "THADS_HN", "--text", "x", "--as-user", "tp.hanoi")
    assert other.returncode == 1
    own = run_cli(tmp_path, "note", "add", "--year", "2016", "--unit", "STP_HN", "--text", "x", "--as-user", "tp.hanoi")
    assert own.returncode == 0
    assert _listed(tmp_path)["by"].tolist() == ["tp.hanoi"]
