"""Template downloads are built when clicked (not on every page run) and still arrive complete."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from analytics.labels import t

pytestmark = pytest.mark.slow  # a real streamlit server driven by Chromium


def test_clicking_a_template_download_delivers_the_workbook(page, server) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/upload")
    button = page.get_by_role("button", name=t("up_template_xlsx"))
    button.wait_for(timeout=60_000)
    with page.expect_download(timeout=60_000) as info:
        button.click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes()), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Mã đơn vị" and len(rows) == 1 + 22  # header + one row per active unit
    assert page.locator("[data-testid='stException']").count() == 0
