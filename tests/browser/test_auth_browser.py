"""Logging in through the real form in Chromium: first admin on a fresh server, roles, hostile text.

Every page load listens for JavaScript dialogs (alert/confirm/prompt) and for requests leaving the
loopback interface: hostile text stored in the database must trigger neither.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from analytics.bootstrap import open_store
from analytics.history import record_upload
from analytics.settings import from_env
from analytics.trust import auth
from tests.support import Server, start_server, stop_server

pytestmark = pytest.mark.slow  # a real streamlit server driven by Chromium

HOSTILE = [
    "<img src=x onerror=alert('img')>",
    "<script>alert('script')</script>",
    "[bấm](javascript:alert('link'))",
    "![x](http://example.invalid/pixel.png)",
    "=cmd|' /C calc'!A0",
    "\u202egpj.exe",
]
PASSWORDS = {"thuky": "mat khau thu ky", "tp.qn": "mat khau don vi"}


@pytest.fixture(scope="module")
def seeded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server whose store already holds users and hostile text in every field the UI shows."""
    tmp = tmp_path_factory.mktemp("auth-server")
    env = dict(os.environ, THIDUA_DB=str(tmp / "browser.duckdb"))
    store = open_store(from_env(env))
    root = auth.system_user("test")
    auth.add_user(store, root, "thuky", "admin", PASSWORDS["thuky"], full_name=HOSTILE[0] + HOSTILE[1])
    auth.add_user(store, root, "tp.qn", "unit", PASSWORDS["tp.qn"], unit_code="STP_QN", full_name=HOSTILE[2] + HOSTILE[3])
    for text in HOSTILE:
        store.write(lambda cur, text=text: record_upload(cur, kind="results", created_by=text, file_name=text, note=text, raw=b"x"))
    server = start_server(tmp)
    yield server
    stop_server(server)


def watch(page) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    dialogs: list[str] = []
    remote: list[str] = []

    def on_dialog(dialog) -> None:  # type: ignore[no-untyped-def]
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    local = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")
    page.on("request", lambda req: None if req.url.startswith(local) else remote.append(req.url))
    return dialogs, remote


def log_in(page, url: str, name: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url + "/login")
    page.get_by_label("Tên đăng nhập").fill(name)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def open_admin_from_sidebar(page) -> None:  # type: ignore[no-untyped-def]
    """Client-side navigation keeps the websocket session, so the login holds."""
    page.locator("[data-testid='stSidebarNav'] a", has_text="Quản trị").click()
    page.get_by_role("heading", name="Quản trị").wait_for(timeout=30_000)


def test_admin_logs_in_through_the_form_and_hostile_text_stays_inert(chromium, seeded_server: Server) -> None:  # type: ignore[no-untyped-def]
    page = chromium.new_page(viewport={"width": 1920, "height": 1080})
    dialogs, remote = watch(page)
    log_in(page, seeded_server.url, "thuky", "sai mat khau")
    page.get_by_text("Sai tên đăng nhập hoặc mật khẩu").wait_for(timeout=30_000)
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORDS["thuky"])
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Đã đăng nhập: thuky").first.wait_for(timeout=30_000)
    sidebar = page.locator("[data-testid='stSidebar']").inner_text()
    assert "<img src=x onerror=alert('img')>" in sidebar  # the full name shown as literal text
    open_admin_from_sidebar(page)
    for tab in ("Tài khoản", "Nhật ký thay đổi", "Sao lưu", "Dữ liệu và cấu hình"):
        page.get_by_role("tab", name=tab).click()
        page.wait_for_timeout(300)
    page.get_by_role("tab", name="Nhật ký thay đổi").click()
    page.locator("[data-testid='stDataFrame']:visible").first.wait_for(timeout=30_000)
    page.locator("[data-testid='stSidebarNav'] a", has_text="Tổng quan").click()
    page.wait_for_selector(".js-plotly-plot .barlayer", timeout=60_000)
    page.wait_for_timeout(1000)
    assert page.locator("[data-testid='stException']").count() == 0
    assert dialogs == [] and remote == []
    page.screenshot(path=str(Path(seeded_server.log).parent / "admin.png"))
    page.close()


def test_unit_user_is_refused_the_admin_page(chromium, seeded_server: Server) -> None:  # type: ignore[no-untyped-def]
    page = chromium.new_page(viewport={"width": 1920, "height": 1080})
    dialogs, remote = watch(page)
    log_in(page, seeded_server.url, "tp.qn", PASSWORDS["tp.qn"])
    page.get_by_text("Đã đăng nhập: tp.qn").first.wait_for(timeout=30_000)
    page.locator("[data-testid='stSidebarNav'] a", has_text="Quản trị").click()
    page.get_by_text("không có quyền").wait_for(timeout=30_000)
    assert page.get_by_role("tab", name="Tài khoản").count() == 0
    assert dialogs == [] and remote == []
    page.close()


def test_first_admin_on_a_fresh_server_in_one_step(chromium, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server = start_server(tmp_path)
    try:
        page = chromium.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(server.url + "/login")
        page.get_by_text("Cài đặt lần đầu: tạo tài khoản quản trị").first.wait_for(timeout=30_000)
        page.get_by_label("Tên đăng nhập").fill("thuky")
        page.get_by_label("Mật khẩu", exact=True).fill("mat khau thu ky")
        page.get_by_label("Nhập lại mật khẩu").fill("mat khau thu ky")
        page.get_by_role("button", name="Tạo tài khoản quản trị và đăng nhập").click()
        page.get_by_text("Đã đăng nhập: thuky").first.wait_for(timeout=30_000)
        open_admin_from_sidebar(page)
        page.get_by_role("tab", name="Tài khoản").wait_for(timeout=30_000)
        page.close()
    finally:
        stop_server(server)
