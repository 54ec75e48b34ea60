"""Upload through the page in a real Chromium and see the overview chart change at once."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import TESTS, UPLOADS, Server, start_server, stop_server

pytestmark = pytest.mark.slow  # a real streamlit server driven by Chromium

BARS = ".js-plotly-plot .barlayer .point"


@pytest.fixture(scope="module")
def stp_only_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server whose store holds only the Departments of Justice' Q2 figures (imported by the CLI)."""
    tmp = Path(tmp_path_factory.mktemp("upload_server"))
    env = dict(os.environ, THIDUA_DB=str(tmp / "browser.duckdb"), THIDUA_DEMO="0")
    subprocess.run(
        [sys.executable, "-m", "analytics", "import", str(UPLOADS / "good" / "per_block" / "stp.csv")],
        cwd=TESTS.parent, env=env, check=True, capture_output=True,
    )  # fmt: skip
    server = start_server(tmp, {"THIDUA_DEMO": "0"})
    yield server
    stop_server(server)


def test_uploading_a_file_changes_the_overview_chart(chromium, stp_only_server: Server) -> None:  # type: ignore[no-untyped-def]
    page = chromium.new_page(viewport={"width": 1920, "height": 1080}, locale="vi-VN")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(stp_only_server.url + "/overview")
    page.wait_for_selector(BARS, timeout=60_000)
    assert page.locator(BARS).count() == 11  # only the STP units have values
    assert "11/22" in page.locator("[data-testid='stMetric']").first.inner_text()

    page.goto(stp_only_server.url + "/upload")
    page.get_by_role("heading", name="Tải số liệu lên").wait_for(timeout=60_000)
    page.set_input_files("[data-testid='stFileUploaderDropzoneInput']", str(UPLOADS / "good" / "per_block" / "thads.csv"))
    page.get_by_text("Sẽ thay đổi", exact=True).wait_for(timeout=30_000)
    page.get_by_role("button", name="Lưu số liệu").click()
    page.get_by_text("Đã lưu thads.csv (lần tải #2)", exact=False).wait_for(timeout=30_000)

    page.get_by_role("link", name="Tổng quan").click()
    page.wait_for_selector(BARS, timeout=60_000)
    page.wait_for_function(f"document.querySelectorAll('{BARS}').length === 22", timeout=30_000)
    assert "22/22" in page.locator("[data-testid='stMetric']").first.inner_text()
    assert page.locator("[data-testid='stException']").count() == 0
    assert errors == []
    page.close()


def test_a_bad_file_shows_the_error_table_and_stores_nothing(chromium, stp_only_server: Server) -> None:  # type: ignore[no-untyped-def]
    page = chromium.new_page(viewport={"width": 1920, "height": 1080}, locale="vi-VN")
    page.goto(stp_only_server.url + "/upload")
    page.get_by_role("heading", name="Tải số liệu lên").wait_for(timeout=60_000)
    page.set_input_files("[data-testid='stFileUploaderDropzoneInput']", str(UPLOADS / "bad" / "negative_count.csv"))
    page.get_by_text("Lỗi và cảnh báo", exact=True).wait_for(timeout=30_000)
    assert page.get_by_role("button", name="Lưu số liệu").is_disabled()
    assert page.get_by_role("button", name="Tải về danh sách lỗi (CSV)").is_visible()
    page.close()
