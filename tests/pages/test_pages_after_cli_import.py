"""Every dashboard page on data that came in through `python -m analytics import` (no demo data)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st

from tests.support import PAGES, TESTS, bar_units, figures, open_page

pytestmark = pytest.mark.slow  # its store comes from the command line


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "analytics", *args], capture_output=True, text=True, env=env, cwd=TESTS.parent)


@pytest.fixture(scope="module")
def imported_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli_import")
    env = dict(os.environ, THIDUA_DB=str(folder / "store.duckdb"), THIDUA_DEMO="0")
    files = []
    for quarter in ("1", "2", "3", "4"):
        target = folder / f"bao_cao_Q{quarter}.csv"
        assert cli(env, "sample", "--year", "2016", "--quarter", quarter, "-o", str(target)).returncode == 0
        files.append(str(target))
    result = cli(env, "import", *files)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(cli(env, "export").stdout.splitlines()) > 1000
    return folder / "store.duckdb"


@pytest.fixture
def imported_env(imported_store: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("THIDUA_DB", str(imported_store))
    monkeypatch.setenv("THIDUA_DEMO", "0")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield imported_store
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_imported_data_without_demo_label(imported_env: Path, page: str) -> None:
    at = open_page(page, year="2016", period="year")
    assert not at.exception
    assert not any("Dữ liệu minh họa" in w.value for w in at.warning)
    if page == "compare":
        assert len(bar_units(figures(at)[0])) == 22
