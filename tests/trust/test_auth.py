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
        auth.authenticate(connection(empty_store), "nobody", "mat khau dai 1", auth.LoginLimiter(), "10.0.0.1")
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
        ("ok.name.long", "viewer", None, "OK.NAME.LONG", "trùng tên"),
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


def test_wrong_passwords_slow_their_client_down_but_never_lock_the_right_user_out(empty_store: Store) -> None:
    auth.add_user(empty_store, ROOT, "thuky", "admin", "mat khau dai 1")
    now = [1000.0]
    limiter = auth.LoginLimiter(window=600, clock=lambda: now[0])
    cur = connection(empty_store)
    for _ in range(auth.PAIR_BACKOFF.free):
        with pytest.raises(auth.LoginFailed):
            auth.authenticate(cur, "thuky", "wrong", limiter, "10.0.0.1")
    with pytest.raises(auth.LoginThrottled) as info:  # the guessing client now waits, even with the right password
        auth.authenticate(cur, "thuky", "mat khau dai 1", limiter, "10.0.0.1")
    assert info.value.retry_after == auth.FIRST_WAIT
    # The right password from another client is not refused, and another name from the guessing client neither.
    assert auth.authenticate(cur, "thuky", "mat khau dai 1", limiter, "10.0.0.2").name == "thuky"
    with pytest.raises(auth.LoginFailed):
        auth.authenticate(cur, "someone", "x", limiter, "10.0.0.1")
    # Each further failure doubles the guessing client's wait.
    waits = []
    for _ in range(4):
        now[0] += 700  # past the wait, but also past the window: failures expire
        for _ in range(auth.PAIR_BACKOFF.free):
            limiter.failed("thuky", "10.0.0.9")
        for step in range(len(waits) + 1):
            with pytest.raises(auth.LoginThrottled) as info:
                auth.authenticate(cur, "thuky", "wrong", limiter, "10.0.0.9")
            if step < len(waits):
                now[0] += info.value.retry_after
                with pytest.raises(auth.LoginFailed):
                    auth.authenticate(cur, "thuky", "wrong", limiter, "10.0.0.9")
        waits.append(info.value.retry_after)
    assert waits == [2.0, 4.0, 8.0, 16.0]
    with pytest.raises(auth.LoginFailed):  # an unknown name fails like a wrong password
        auth.authenticate(cur, "nobody", "mat khau dai 1", limiter, "10.0.0.3")


def test_guessing_one_name_from_many_clients_delays_the_right_user_a_minute_at_most(empty_store: Store) -> None:
    auth.add_user(empty_store, ROOT, "thuky", "admin", "mat khau dai 1")
    now = [1000.0]
    limiter = auth.LoginLimiter(window=600, clock=lambda: now[0])
    cur = connection(empty_store)
    for i in range(40):
        limiter.failed("thuky", f"session:{i}")  # visitors without an address each count apart
    with pytest.raises(auth.LoginThrottled) as info:
        auth.authenticate(cur, "thuky", "mat khau dai 1", limiter, "10.0.0.2")
    assert info.value.retry_after <= auth.NAME_BACKOFF.cap
    now[0] += auth.NAME_BACKOFF.cap
    assert auth.authenticate(cur, "thuky", "mat khau dai 1", limiter, "session:other").name == "thuky"


def test_an_administrator_unlocks_a_name_for_every_process(empty_store: Store) -> None:
    admin = auth.add_user(empty_store, ROOT, "thuky", "admin", "mat khau dai 1")
    viewer = auth.add_user(empty_store, admin, "lanhdao", "viewer", "mat khau dai 2")
    limiter = auth.LoginLimiter(window=600)  # the dashboard's counters, with the real clock
    cur = connection(empty_store)
    for _ in range(auth.PAIR_BACKOFF.free):
        with pytest.raises(auth.LoginFailed):
            auth.authenticate(cur, "lanhdao", "wrong", limiter, "10.0.0.1")
    with pytest.raises(auth.LoginThrottled):
        auth.authenticate(cur, "lanhdao", "mat khau dai 2", limiter, "10.0.0.1")
    with pytest.raises(auth.PermissionDenied):
        auth.unlock_user(empty_store, viewer, "lanhdao")
    auth.unlock_user(empty_store, admin, "lanhdao")  # what `user unlock` and the admin page call
    assert auth.authenticate(cur, "lanhdao", "mat khau dai 2", limiter, "10.0.0.1").name == "lanhdao"
    assert audit.trail(cur)["action"].iloc[0] == "user_unlock"


def test_the_throttle_forgets_counters_whose_failures_expired(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "MAX_COUNTERS", 300)
    now = [0.0]
    limiter = auth.LoginLimiter(window=60, clock=lambda: now[0])
    for i in range(3_000):  # a flood of made-up names from made-up sessions, 5 a second
        limiter.failed(f"name{i}", f"session:{i}")
        now[0] += 0.2
    assert len(limiter._failures) <= 2 * 3 * 300  # not 9,000: only the last window's are kept (3 counters per failure)


@pytest.mark.parametrize(
    "password",
    [
        "12345678",
        "password",
        "Password2024!",
        "123456789012",
        "qwertyuiopas",
        "aaaaaaaaaaaaaaaa",
        "abcabcabcabc",
        "matkhau12345",
        "thuky1234567",
    ],
)
def test_short_and_common_passwords_are_refused(empty_store: Store, password: str) -> None:
    with pytest.raises(auth.UserError, match=r"ít nhất 12|phổ biến|trùng tên"):
        auth.add_user(empty_store, ROOT, "thuky", "admin", password)
    assert auth.user_count(connection(empty_store)) == 0


def test_a_phrase_of_a_few_words_is_accepted(empty_store: Store) -> None:
    assert auth.add_user(empty_store, ROOT, "thuky", "admin", "ba con meo tam nang").name == "thuky"


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
        auth.authenticate(connection(empty_store), "tp.hanoi", "", auth.LoginLimiter(), "10.0.0.1")


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
