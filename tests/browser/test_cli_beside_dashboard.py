"""An administrator at a shell while leaders use the dashboard: import, backup, restore and a new
account from the command line succeed within seconds, and an open page shows the new quarter on its
next rerun — no restart, no stale cache."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import OTHER, OWN, PROJECT, quarter_file, start_server, stop_server

pytestmark = pytest.mark.slow  # a real streamlit server, Chromium and a dozen interpreters


def shell(env: dict[str, str], *args: str, stdin: str = "") -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "analytics", *args], input=stdin, capture_output=True, text=True, env=env, cwd=PROJECT)
    return done, time.monotonic() - started


def test_the_cli_works_beside_a_running_dashboard_and_the_page_sees_it(chromium, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    env = dict(os.environ, THIDUA_DB=str(tmp_path / "browser.duckdb"), THIDUA_DEMO="0")
    first, _ = shell(env, "import", str(quarter_file(tmp_path, [OWN, OTHER], 1)))
    assert first.returncode == 0, first.stderr
    server = start_server(tmp_path, {"THIDUA_DEMO": "0"})
    try:
        page = chromium.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(server.url + "/?year=2016")
        page.get_by_text(re.compile("Dữ liệu đến hết Quý 1/2016")).wait_for(timeout=60_000)
        # a leader's session is open and has read the store: the shell's turn
        commands = [
            ("import", str(quarter_file(tmp_path, [OWN, OTHER], 2))),
            ("backup", "-o", str(tmp_path / "sao_luu")),
            ("restore", str(tmp_path / "sao_luu")),
            ("user", "add", "thuky", "--role", "admin"),
        ]
        for command in commands:
            done, seconds = shell(env, *command, stdin="mot mat khau rat dai 2026\n")
            assert done.returncode == 0, (command, done.stderr)
            assert seconds < 20, (command, seconds)  # interpreter start-up included, on a shared machine
            print(command[0], f"{seconds:.1f} s")
        page.keyboard.press("r")  # Streamlit's rerun key: the same session, its next run
        page.get_by_text(re.compile("Dữ liệu đến hết Quý 2/2016")).wait_for(timeout=30_000)
        assert page.locator("[data-testid='stException']").count() == 0
        assert "Kho dữ liệu đang bận" not in page.locator("body").inner_text()
    finally:
        stop_server(server)
