"""Users, passwords, login throttling and sessions (analytics/auth.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.store import Store
from analytics.trust import audit, auth
from tests.support import connection

ROOT = auth.system_user("test")


def test_passwords_are_salted_slow_hashes_never_plain(empty_store: Store) -> None:
    auth.add_user(empty_store, ROOT, "a.admin", "admin", "correct horse 1")
    auth.add_user(empty_store, ROOT, "b.admin", "admin", "correct horse 1")
    hashes = [r[0] for r in connection(empty_store).execute("SELECT password_hash FROM users ORDER BY name").fetchall()]
    assert all(h.split("$")[:4] == ["scrypt", *map(str, auth.scrypt_cost)] for h in hashes)
    assert hashes[0] != hashes[1]  # salted: same password, different hash
    assert "correct horse" not in " ".join(hashes)
    assert auth.verify_password("correct horse 1", hashes[0]) and not auth.verify_password("correct horse 2", hashes[0])
    assert not auth.verify_password("x", "md5$abc") and not auth.verify_password("x", "garbage")


def test_a_hash_carries_its_cost_so_production_hashes_verify_whatever_the_setting() -> None:
    with pytest.MonkeyPatch.context() as production:
        production.setattr(auth, "scrypt_cost", auth.PRODUCTION_SCRYPT)
        stored = auth.hash_password("correct horse 1")
    assert stored.startswith("scrypt$32768$8$3$")  # OWASP's N=2^15, r=8, p=3
    assert auth.scrypt_cost != auth.PRODUCTION_SCRYPT  # the suite hashes cheaply: verification reads the hash
    assert auth.verify_password("correct horse 1", stored) and not auth.verify_password("correct horse 2", stored)


def test_an_unknown_name_costs_one_scrypt_at_the_current_cost(empty_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[str] = []
    real = auth.verify_password
    monkeypatch.setattr(auth, "verify_password", lambda password, stored: checked.append(stored) or real(password, stored))
    with pytest.raises(auth.LoginFailed):
        auth.authenticate(connection(empty_store), "nobody", "mat khau dai 1", auth.LoginLimiter())
    assert [h.split("$")[:4] for h in checked] == [["scrypt", *map(str, auth.scrypt_cost)]]


@pytest.mark.parametrize(
    ("name", "role", "unit", "password", "problem"),
    [
        ("Tên Có Dấu", "admin", None, "long enough 1", "Tên đăng nhập"),
        ("<script>", "admin", None, "long enough 1", "Tên đăng nhập"),
        ("ok.name", "boss", None, "long enough 1", "Vai trò"),
        ("ok.name", "unit", None, "long enough 1", "mã đơn vị"),
        ("ok.name", "unit", "STP_XX", "long enough 1", "Không có đơn vị"),
        ("ok.name", "viewer", "STP_QN", "long enough 1", "Chỉ tài khoản vai trò 'unit'"),
        ("ok.name", "viewer", None, "short", "ít nhất"),
        ("ok.name.x", "viewer", None, "OK.NAME.X", "trùng tên"),
    ],
)
def test_invalid_users_are_refused_in_vietnamese(empty_store: Store, name, role, unit, password, problem) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(auth.UserError, match=problem):
        auth.add_user(empty_store, ROOT, name, role, password, unit_code=unit)
    assert auth.user_count(connection(empty_store)) == 0


def test_unit_users_are_bound_to_a_registered_unit_and_duplicates_refused(empty_store: Store) -> None:
    user = auth.add_user(empty_store, ROOT, "tp.quangninh", "unit", "mat khau 123", unit_code="stp_qn")
    assert user.unit_code == "STP_QN" and auth.allowed_units(user) == {"STP_QN"}
    with pytest.raises(auth.UserError, match="Đã có"):
        auth.add_user(empty_store, ROOT, "TP.QuangNinh", "viewer", "mat khau 123")


def test_first_admin_only_while_no_account_exists(empty_store: Store) -> None:
    first = auth.create_first_admin(empty_store, "thuky", "mat khau dai 1")
    assert first.role == "admin"
    with pytest.raises(auth.PermissionDenied):
        auth.create_first_admin(empty_store, "intruder", "mat khau dai 2")
    assert auth.list_users(connection(empty_store))["name"].tolist() == ["thuky"]


def test_last_admin_cannot_be_removed_and_every_user_change_is_audited(empty_store: Store) -> None:
    admin = auth.add_user(empty_store, ROOT, "thuky", "admin", "mat khau dai 1")
    auth.add_user(empty_store, admin, "lanhdao", "viewer", "mat khau dai 2")
    auth.set_password(empty_store, admin, "lanhdao", "mat khau dai 3")
    auth.remove_user(empty_store, admin, "lanhdao")
    with pytest.raises(auth.UserError, match="cuối cùng"):
        auth.remove_user(empty_store, admin, "thuky")
    trail = audit.trail(connection(empty_store), action=None)
    rows = trail[trail["action"].str.startswith("user_")][["actor", "action", "target"]].values.tolist()
    assert rows == [
        ["thuky", "user_remove", "lanhdao"],
        ["thuky", "user_passwd", "lanhdao"],
        ["thuky", "user_add", "lanhdao"],
        ["cli:test", "user_add", "thuky"],
    ]
    assert "mat khau" not in " ".join(trail["detail"].dropna())


def test_login_is_rate_limited_per_name_and_per_client(empty_store: Store) -> None:
    auth.add_user(empty_store, ROOT, "thuky", "admin", "mat khau dai 1")
    now = [0.0]
    limiter = auth.LoginLimiter(max_failures=3, window=60, clock=lambda: now[0])
    cur = connection(empty_store)
    for _ in range(3):
        with pytest.raises(auth.LoginFailed):
            auth.authenticate(cur, "thuky", "wrong", limiter, "10.0.0.1")
    with pytest.raises(auth.LoginThrottled) as info:  # even the right password is refused now
        auth.authenticate(cur, "thuky", "mat khau dai 1", limiter, "10.0.0.2")
    assert 0 < info.value.retry_after <= 60
    with pytest.raises(auth.LoginThrottled):  # the guessing client is blocked for other names too
        auth.authenticate(cur, "someone", "x", limiter, "10.0.0.1")
    now[0] = 61.0
    assert auth.authenticate(cur, "thuky", "mat khau dai 1", limiter, "10.0.0.2").name == "thuky"
    with pytest.raises(auth.LoginFailed):  # an unknown name fails like a wrong password
        auth.authenticate(cur, "nobody", "mat khau dai 1", limiter, "10.0.0.3")


def test_sessions_expire_and_end_when_the_password_changes_or_the_user_goes(empty_store: Store) -> None:
    admin = auth.add_user(empty_store, ROOT, "thuky", "admin", "mat khau dai 1")
    viewer = auth.add_user(empty_store, admin, "lanhdao", "viewer", "mat khau dai 2")
    cur = connection(empty_store)
    session = auth.open_session(viewer, 1000.0)
    user, renewed = auth.resume_session(cur, session, 1000.0 + auth.IDLE_SECONDS - 1)
    assert user == viewer and renewed is not None
    assert auth.resume_session(cur, renewed, renewed.last_seen + auth.IDLE_SECONDS + 1) == (None, None)
    stale = auth.Session(viewer.name, 0.0, auth.ABSOLUTE_SECONDS + 5, viewer.password_changed_at)
    assert auth.resume_session(cur, stale, auth.ABSOLUTE_SECONDS + 10) == (None, None)
    auth.set_password(empty_store, admin, "lanhdao", "mat khau dai 3")
    assert auth.resume_session(cur, session, 1001.0) == (None, None)
    fresh = auth.open_session(auth.get_user(cur, "lanhdao"), 1002.0)  # type: ignore[arg-type]
    auth.remove_user(empty_store, admin, "lanhdao")
    assert auth.resume_session(cur, fresh, 1003.0) == (None, None)


def test_sso_identity_maps_to_our_user_and_role(empty_store: Store) -> None:
    auth.add_user(empty_store, ROOT, "tp.hanoi", "unit", None, unit_code="STP_HN", email="Focal@HaNoi.gov.vn")
    user = auth.user_for_email(connection(empty_store), " focal@hanoi.gov.vn ")
    assert user is not None and user.role == "unit" and user.unit_code == "STP_HN"
    assert auth.user_for_email(connection(empty_store), "other@hanoi.gov.vn") is None
    with pytest.raises(auth.LoginFailed):  # an SSO-only account has no password to guess
        auth.authenticate(connection(empty_store), "tp.hanoi", "", auth.LoginLimiter())


def test_migration_adds_users_and_audit_to_an_existing_store(tmp_path: Path) -> None:
    import duckdb

    from analytics.store import migrations

    path = tmp_path / "old.duckdb"
    conn = duckdb.connect(str(path))
    conn.execute("CREATE TABLE schema_migrations (version INTEGER, applied_at TIMESTAMP)")
    for version, sql in migrations():
        if version < 4:
            conn.execute(sql)
            conn.execute("INSERT INTO schema_migrations VALUES (?, now())", [version])
    conn.close()
    store = Store(path)
    assert auth.user_count(connection(store)) == 0 and audit.trail(connection(store)).empty


@pytest.mark.parametrize("name", sorted(auth.PROGRAM_ACTORS))
def test_no_account_takes_a_name_the_program_records_for_its_own_actions(empty_store: Store, name: str) -> None:
    """Else the history and the audit trail could not tell the scheduler or the demo from a person."""
    with pytest.raises(auth.UserError, match="chương trình"):
        auth.add_user(empty_store, auth.system_user("test"), name, "admin", "mat khau thu ky")
    assert auth.get_user(connection(empty_store), name) is None
