"""AppTest of the login and admin pages: first admin, login form, throttling, roles, admin actions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import demo
from analytics.settings import from_env
from analytics.store import Store
from analytics.trust import auth, backup
from tests.support import APP, TESTS, connection

# Pages are driven on their own: AppTest drops widget state of a page reached with switch_page in
# this Streamlit version, and a form needs it. The login itself is the real form of pages/login.py.
LOGIN = str(TESTS.parent / "pages" / "login.py")
ADMIN = str(TESTS.parent / "pages" / "admin.py")
ROOT = auth.system_user("test")
PASSWORDS = {"thuky": "mat khau thu ky", "tp.qn": "mat khau don vi", "lanhdao": "mat khau lanh dao"}


def with_store(work) -> None:  # type: ignore[no-untyped-def]
    """Prepare the store before the app opens it (one process may hold the file), opened the way the
    app opens it (under `app_env`, a copy of the template)."""
    from ui import data

    work(data.open_store(from_env()))


def add_users(store: Store) -> None:
    auth.add_user(store, ROOT, "thuky", "admin", PASSWORDS["thuky"])
    auth.add_user(store, ROOT, "tp.qn", "unit", PASSWORDS["tp.qn"], unit_code="STP_QN")
    auth.add_user(store, ROOT, "lanhdao", "viewer", PASSWORDS["lanhdao"])


def button_labelled(at: AppTest, label: str):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label == label)


def login(at: AppTest, name: str, password: str) -> AppTest:
    """Submit the real login form of pages/login.py (`at` runs that page)."""
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    return button_labelled(at, "Đăng nhập").click().run()


def logged_in_as(path: str, name: str) -> AppTest:
    """`path` run in a session that logged in as `name` through the login form."""
    at = AppTest.from_file(LOGIN, default_timeout=60).run()
    login(at, name, PASSWORDS[name])
    assert f"Đã đăng nhập: {name}" in rendered_texts(at)
    session = at.session_state["_auth_session"]
    other = AppTest.from_file(path, default_timeout=60)
    other.session_state["_auth_session"] = session
    return other.run()


def rendered_texts(at: AppTest) -> str:
    parts = [e.value for kind in ("error", "warning", "info", "success", "caption", "subheader") for e in getattr(at, kind)]
    return re.sub(r"\\(.)", r"\1", "\n".join(str(p) for p in parts))  # as Markdown renders the escapes


def test_first_admin_is_created_in_one_step_on_localhost(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.auth

    # AppTest has no real connection (its client address is a mock); the browser test covers real loopback.
    monkeypatch.setattr(ui.auth, "client_is_local", lambda: True)
    at = AppTest.from_file(LOGIN, default_timeout=60).run()
    assert not at.exception
    assert "Cài đặt lần đầu" in rendered_texts(at)
    at.text_input(key="setup_name").input("thuky")
    at.text_input(key="setup_password").input("mat khau thu ky")
    at.text_input(key="setup_again").input("mat khau thu ky")
    button_labelled(at, "Tạo tài khoản quản trị và đăng nhập").click().run()
    assert not at.exception
    assert "Đã đăng nhập: thuky" in rendered_texts(at)
    session = at.session_state["_auth_session"]
    at = AppTest.from_file(ADMIN, default_timeout=60)
    at.session_state["_auth_session"] = session
    at.run()
    assert not at.exception and at.title[0].value == "Quản trị"
    users = at.dataframe[0].value
    assert users["Tên đăng nhập"].tolist() == ["thuky"] and users["Vai trò"].tolist() == ["Thư ký cụm (quản trị)"]
    assert not any("hash" in c for c in users.columns)
    trail = at.dataframe[1].value
    assert "Tạo tài khoản" in trail["Thao tác"].tolist()
    assert not at.get("data_editor")  # the trail is shown read-only


def test_a_remote_newcomer_cannot_create_the_first_admin(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.auth

    monkeypatch.setattr(ui.auth, "client_is_local", lambda: False)
    at = AppTest.from_file(LOGIN, default_timeout=60).run()
    assert "chỉ tạo được từ chính máy chủ" in rendered_texts(at) and not at.text_input
    at = AppTest.from_file(ADMIN, default_timeout=60).run()
    assert "Cần đăng nhập" in rendered_texts(at) and not at.tabs


def test_wrong_passwords_are_refused_then_throttled(app_env: Path) -> None:
    with_store(add_users)
    at = AppTest.from_file(LOGIN, default_timeout=60).run()
    for _ in range(5):
        login(at, "thuky", "sai mat khau")
        assert "Sai tên đăng nhập hoặc mật khẩu" in rendered_texts(at)
    login(at, "thuky", PASSWORDS["thuky"])
    assert "quá nhiều lần" in rendered_texts(at) and "Đã đăng nhập" not in rendered_texts(at)
    # Another browser without an address (loopback, or behind the same proxy) is not locked out with it.
    elsewhere = AppTest.from_file(LOGIN, default_timeout=60).run()
    login(elsewhere, "thuky", PASSWORDS["thuky"])
    assert "Đã đăng nhập: thuky" in rendered_texts(elsewhere)
    # The administrator unlocks the name from the admin page; the first browser may try again at once.
    admin = logged_in_as(ADMIN, "thuky")
    admin.selectbox(key="unlock_name").select("thuky")
    button_labelled(admin, "Mở khóa đăng nhập").click().run()
    assert not admin.exception and "Đã mở khóa đăng nhập cho thuky" in rendered_texts(admin)
    login(at, "thuky", PASSWORDS["thuky"])
    assert "Đã đăng nhập: thuky" in rendered_texts(at)


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        # an administrator opening it stays quick in test_admin_backs_up_removes_demo_and_restores
        pytest.param("thuky", True, marks=pytest.mark.slow),
        ("tp.qn", False),
        pytest.param("lanhdao", False, marks=pytest.mark.slow),
    ],
)
def test_only_admins_open_the_admin_page(app_env: Path, name: str, allowed: bool) -> None:
    with_store(add_users)
    at = logged_in_as(ADMIN, name)
    assert not at.exception
    assert bool(at.tabs) == allowed
    if not allowed:
        assert "không có quyền" in rendered_texts(at)


def test_closed_viewing_needs_a_login(app_env: Path) -> None:
    def close_viewing(store: Store) -> None:
        add_users(store)
        store.write(lambda cur: Store.set_meta(cur, "open_viewing", "0"))

    with_store(close_viewing)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "Cần đăng nhập để xem" in rendered_texts(at) and not at.get("plotly_chart")
    at = logged_in_as(APP, "lanhdao")
    assert not at.exception and at.get("plotly_chart")


def test_admin_backs_up_removes_demo_and_restores(app_env: Path) -> None:
    with_store(add_users)
    at = logged_in_as(ADMIN, "thuky")
    button_labelled(at, "Sao lưu ngay").click().run()
    assert not at.exception and "Đã sao lưu" in rendered_texts(at)
    at.checkbox(key="demo_sure").check().run()
    button_labelled(at, "Xóa toàn bộ dữ liệu minh họa").click().run()
    assert "Đã xóa" in rendered_texts(at)
    root = from_env().backups_root
    reasons = sorted(b.reason for b in backup.list_backups(root))
    assert reasons == ["before_demo_remove", "manual"]
    manual = next(b.path.name for b in backup.list_backups(root) if b.reason == "manual")
    at.selectbox(key="restore_pick").select(manual)
    at.checkbox(key="restore_sure").check()
    button_labelled(at, "Khôi phục bản sao lưu đã chọn").click().run()
    assert not at.exception and "Đã khôi phục" in rendered_texts(at)
    from ui import data

    assert demo.has_demo(connection(data.store()))


@pytest.mark.slow  # the mapping stays quick in tests/trust/test_auth.py
def test_sso_identity_gets_the_role_of_its_account_and_unknown_ones_get_none(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.auth

    def sso_accounts(store: Store) -> None:
        add_users(store)
        auth.add_user(store, ROOT, "sso.admin", "admin", None, email="thuky@cuc.gov.vn")

    with_store(sso_accounts)
    monkeypatch.setattr(ui.auth, "sso_configured", lambda: True)
    monkeypatch.setattr(ui.auth, "sso_email", lambda: "ThuKy@cuc.gov.vn")
    at = AppTest.from_file(ADMIN, default_timeout=60).run()
    assert not at.exception and at.tabs  # mapped to the admin account, no password asked
    monkeypatch.setattr(ui.auth, "sso_email", lambda: "stranger@example.invalid")
    at = AppTest.from_file(ADMIN, default_timeout=60).run()
    assert not at.tabs and "Cần đăng nhập" in rendered_texts(at)
    at = AppTest.from_file(LOGIN, default_timeout=60).run()
    assert "chưa được cấp quyền" in rendered_texts(at)


@pytest.mark.slow  # the store's lists in collation order stay quick in tests/test_unit_order.py
def test_the_unit_of_a_new_account_is_chosen_by_name_in_collation_order(app_env: Path) -> None:
    with_store(add_users)
    at = logged_in_as(ADMIN, "thuky")
    options = at.selectbox(key="new_unit").options
    assert options[:4] == ["—", "STP Bắc Ninh (STP_BN)", "STP Hà Nam (STP_HNA)", "STP Hà Nội (STP_HN)"]
    assert "None" not in options
