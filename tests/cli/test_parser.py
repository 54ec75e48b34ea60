"""The one parser: every command declared once in analytics/cli/parser.py, each one's help reachable."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from analytics.cli import main
from analytics.cli.parser import build_parser
from tests.support import PROJECT

COMMANDS = (
    "units",
    "template",
    "sample",
    "export",
    "demo",
    "check-config",
    "import",
    "history",
    "revert",
    "pack",
    "user",
    "backup",
    "restore",
    "audit",
    "scale-sample",
    "results",
    "scores",
    "campaign",
    "status",
    "remind",
    "send-pack",
    "registrations",
    "register-import",
    "subscribe",
    "note",
    "vote",
    "report",
    "awards",
)
USER_COMMANDS = ("add", "list", "remove", "passwd", "unlock")
CLI_DIR = PROJECT / "analytics" / "cli"


def _subcommands(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:  # type: ignore[type-arg]
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def test_every_command_is_declared_once_in_the_parser_module() -> None:
    sub = _subcommands(build_parser())
    listed = [choice.dest for choice in sub._choices_actions]  # what `--help` lists, one entry per add_parser
    assert listed == list(COMMANDS) and list(sub.choices) == list(COMMANDS)
    assert [c.dest for c in _subcommands(sub.choices["user"])._choices_actions] == list(USER_COMMANDS)
    for module in CLI_DIR.glob("*.py"):
        text = module.read_text(encoding="utf-8")
        if module.name != "parser.py":  # no second place adds commands or options, or patches them afterwards
            assert "add_parser(" not in text and "add_argument(" not in text and ".choices[" not in text, module.name


@pytest.mark.parametrize("command", [[c] for c in COMMANDS] + [["user", u] for u in USER_COMMANDS] + [[]])
def test_main_shows_each_commands_help_and_exits_0(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main([*command, "--help"])
    assert stopped.value.code == 0
    shown = capsys.readouterr().out
    assert shown.startswith(f"usage: python -m analytics {' '.join(command)}".rstrip())
    assert "options:" in shown


def test_options_that_narrow_or_wait_are_where_they_were() -> None:
    sub = _subcommands(build_parser())
    users = _subcommands(sub.choices["user"])

    def options(parser: argparse.ArgumentParser) -> set[str]:
        return {o for a in parser._actions for o in a.option_strings}

    for name in ("demo", "backup", "restore", "audit"):
        assert {"--as-user", "--wait"} <= options(sub.choices[name]), name
    for name in USER_COMMANDS:
        assert {"--as-user", "--wait"} <= options(users.choices[name]), name
    for name in ("import", "revert"):
        assert "--as-user" in options(sub.choices[name]) and "--wait" not in options(sub.choices[name]), name
    # who acts is never typed in: the CLI is "cli:<OS user>" or, with --as-user, that account
    assert {name for name in COMMANDS if "--by" in options(sub.choices[name])} == set()
    assert {name for name in COMMANDS if "--lang" in options(sub.choices[name])} == {"import", "history", "revert", "pack"}


def test_help_is_vietnamese_with_english_beside_it_in_the_labels(capsys: pytest.CaptureFixture[str]) -> None:
    from analytics.labels import TEXT

    with pytest.raises(SystemExit):
        main(["import", "--help"])
    shown = capsys.readouterr().out
    assert "chỉ kiểm tra và cho biết sẽ thay đổi gì" in shown and "--as-user TÊN" in shown
    english = TEXT["cli_help_dry_run"][1]
    assert english and english not in shown


def test_starting_the_cli_does_not_load_plotly(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom analytics.cli import main\nfrom analytics.cli.parser import build_parser\nbuild_parser()\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'plotly', 'kaleido', 'streamlit'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT, check=True)
    assert result.stdout.strip() == "[]"
