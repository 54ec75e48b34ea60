"""The command line as a shell user meets it: `-o` names it can write or a usage error, and output
piped into `head` ending quietly."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from analytics.cli.parser import build_parser
from tests.support import PROJECT, run_cli, slow_except

YEAR_QUARTER = ("--year", "2016", "--quarter", "2")
# Every command that takes -o: its other arguments, a name of a kind it cannot write, and the names it writes.
OUTPUTS: dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]] = {
    "units": ((), "don_vi.txt", ("don_vi.csv", "don_vi.xlsx")),
    "template": (YEAR_QUARTER, "mau.ods", ("mau.csv", "mau.xlsx")),
    "sample": (YEAR_QUARTER, "mau.json", ("mau.csv", "mau.xlsx")),
    "export": ((), "so_lieu.xlsx", ("so_lieu.csv",)),
    "audit": ((), "nhat_ky.pdf", ("nhat_ky.csv", "nhat_ky.xlsx")),
    "backup": ((), "sao_luu.zip", ("sao_luu", "sao_luu-30.11.2026")),
    "pack": (("--year", "2016"), "deck.docx", ()),  # what it writes is tested with the pack itself
    "results": (("--year", "2016", "--period", "year"), "so_lieu.pdf", ("so_lieu.csv", "so_lieu.xlsx")),
    "scores": (("--year", "2016"), "diem.pdf", ("diem.csv", "diem.xlsx")),
    "status": (("--year", "2016"), "tinh_hinh.pdf", ("tinh_hinh.csv", "tinh_hinh.xlsx")),
    "registrations": (("--year", "2016"), "dang_ky.pdf", ("dang_ky.csv", "dang_ky.xlsx")),
    "note list": ((), "ghi_chu.pdf", ("ghi_chu.csv", "ghi_chu.xlsx")),
    "vote": (("--year", "2016", "--list"), "danh_hieu.pdf", ("danh_hieu.csv", "danh_hieu.xlsx")),
    "awards": ((), "khen_thuong.pdf", ("khen_thuong.csv", "khen_thuong.xlsx")),
    "report": (("--meeting", "tong-ket-2016"), "bao_cao.pdf", ()),  # what it writes is tested with the documents
    "subscribe": (("--list",), "theo_doi.pdf", ("theo_doi.csv", "theo_doi.xlsx")),
}


def _commands_with_output(parser: argparse.ArgumentParser, prefix: str = "") -> set[str]:
    found = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found |= _commands_with_output(sub, f"{prefix}{name} ")
        elif "-o" in action.option_strings:
            found.add(prefix.strip())
    return found


def test_every_command_that_takes_o_is_checked_here() -> None:
    assert _commands_with_output(build_parser()) == set(OUTPUTS)


@pytest.mark.parametrize("command", sorted(OUTPUTS))
def test_an_o_name_of_a_kind_the_command_cannot_write_is_a_usage_error(tmp_path: Path, command: str) -> None:
    args, refused, _ = OUTPUTS[command]
    result = run_cli(tmp_path, *command.split(), *args, "-o", str(tmp_path / refused))
    assert result.returncode == 2
    assert refused in result.stderr.decode() and "hãy dùng" in result.stderr.decode()
    assert not (tmp_path / refused).exists()


@pytest.mark.parametrize("command", slow_except(sorted(c for c in OUTPUTS if OUTPUTS[c][2]), "units", "backup"))
def test_every_name_a_command_accepts_is_written_as_named(tmp_path: Path, command: str) -> None:
    args, _, names = OUTPUTS[command]
    for name in names:
        result = run_cli(tmp_path, *command.split(), *args, "-o", str(tmp_path / name))
        assert result.returncode == 0, result.stderr.decode()
        written = tmp_path / name
        if command == "backup":
            assert (written / "manifest.json").is_file()
        elif name.endswith(".xlsx"):
            assert written.read_bytes()[:2] == b"PK"  # a workbook (a zip), not CSV text under that name
        else:
            assert written.read_bytes().decode("utf-8-sig").count(",") > 1


@pytest.mark.slow  # a real interpreter, as the shell runs it
def test_output_piped_into_a_reader_that_leaves_ends_quietly(tmp_path: Path) -> None:
    """`python -m analytics history | head`: the reader is gone before the command writes."""
    env = dict(os.environ, THIDUA_DB=str(tmp_path / "cli.duckdb"), THIDUA_DEMO="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "analytics", "history"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=PROJECT
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # like `head` once it has its lines
    errors = process.stderr.read().decode()
    assert process.wait(60) == 141  # 128 + SIGPIPE, what a shell reports for `yes | head`
    assert errors == ""
