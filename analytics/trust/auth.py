"""Users, roles and permissions: who may change what.

Three roles: *viewer* (leaders: look only), *unit* (a focal point bound to one unit code: may
upload, preview and revert that unit's rows only) and *admin* (the secretariat: everything).
Passwords are kept only as salted scrypt hashes. `authorize` is the one place a permission is
decided; every write path (CLI, pages) calls it before it touches the store.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import re
import secrets
import string
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

import pandas as pd

from analytics.labels import t
from analytics.settings import DATA_DIR
from analytics.store import Cursor, Store
from analytics.trust import audit

ROLES = ("viewer", "unit", "admin")
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._@-]{1,63}")
# NIST SP 800-63B asks for at least 8 and a check against common passwords; 12 because accounts here
# change figures that rank units, and a phrase of three Vietnamese words is easy to remember.
MIN_PASSWORD = 12
COMMON_PASSWORDS_FILE = DATA_DIR / "common_passwords.txt"
# Names the program records for what it does itself (bootstrap, demo seeding, scheduled backups, the
# first-run newcomer, scale stores); the CLI acts as "cli:<OS user>", which no account name can match.
PROGRAM_ACTORS = frozenset({"system", "demo", "scheduler", "localhost", "scale"})
MAX_PASSWORD = 1024  # scrypt cost grows with input; a megabyte "password" is an attack, not a password


class ScryptCost(NamedTuple):
    n: int
    r: int
    p: int


# OWASP's scrypt setting N=2^15, r=8, p=3: about 0.2 s and 32 MiB per hash on this machine.
PRODUCTION_SCRYPT = ScryptCost(n=2**15, r=8, p=3)
# The cost of new hashes; only the test suite lowers it. Every hash records its own parameters and
# verification reads them from there, so hashes made at any cost keep verifying.
scrypt_cost = PRODUCTION_SCRYPT
_MAXMEM = 64 * 1024 * 1024


class Action(StrEnum):
    VIEW = "view"
    UPLOAD = "upload"  # also preview: seeing what an upload would change reveals the same rows
    REVERT = "revert"
    MANAGE_USERS = "manage_users"
    BACKUP = "backup"
    RESTORE = "restore"
    RELOAD_REGISTRY = "reload_registry"
    REMOVE_DEMO = "remove_demo"
    VIEW_AUDIT = "view_audit"
    SETTINGS = "settings"
    REGISTER = "register"  # a unit's registration at signing (its own only)
    REVIEW_REGISTRATION = "review_registration"  # approve or return a registration: the secretariat
    SEND_MAIL = "send_mail"  # reminders and the meeting pack: mail goes out in the secretariat's name
    RECORD_VOTE = "record_vote"
    SELF_ASSESS = "self_assess"  # a unit's own points on the rubric's manual criteria
    REVIEW_SCORES = "review_scores"  # accept or adjust them, lock the year
    EDIT_AWARDS = "edit_awards"
    NOTE = "note"  # notes on the charts: a unit only on its own unit, like its uploads


UNIT_SCOPED = frozenset({Action.UPLOAD, Action.REVERT, Action.REGISTER, Action.SELF_ASSESS, Action.NOTE})


class PermissionDenied(PermissionError):
    """The user may not do this; the message is Vietnamese and says why."""


class LoginFailed(PermissionError):
    """Wrong name or password (deliberately not saying which)."""


class LoginThrottled(PermissionError):
    """Too many failed attempts; `retry_after` seconds until the next try is accepted."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(t("auth_throttled", seconds=max(1, round(retry_after))))


class UserError(ValueError):
    """Invalid user data (name, role, unit, password); the message is Vietnamese."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    unit_code: str | None = None
    full_name: str = ""
    email: str | None = None
    password_changed_at: datetime | None = None
    system: bool = False  # the CLI acting with the server's own file access

    @property
    def label(self) -> str:
        return self.name if not self.full_name else f"{self.full_name} ({self.name})"


def system_user(os_user: str) -> User:
    """The CLI: it can open the store file, so it is as powerful as an admin."""
    return User(name=f"cli:{os_user}", role="admin", system=True)


def setup_user() -> User:
    """A local newcomer before any account exists (first run on localhost, see ui/auth.py)."""
    return User(name="localhost", role="admin", full_name=t("auth_setup_user"), system=True)


def allowed_units(user: User | None) -> set[str] | None:
    """Units whose rows `user` may upload or revert: None means every unit, an empty set none."""
    if user is None or user.role == "viewer":
        return set()
    if user.role == "unit":
        return {user.unit_code} if user.unit_code else set()
    return None


def upload_units(cur: Cursor, upload_id: int) -> set[str]:
    """The units whose rows an upload touched (values it changed, register rows it wrote or replaced)."""
    rows = cur.execute(
        """
        SELECT unit_code FROM fact_history WHERE upload_id = $id
        UNION SELECT unit_code FROM communes WHERE upload_id = $id
        UNION SELECT unit_code FROM commune_history WHERE upload_id = $id OR old_upload_id = $id
        """,
        {"id": int(upload_id)},
    ).fetchall()
    return {r[0] for r in rows}


def authorize_revert(cur: Cursor, user: User | None, upload_id: int, *, open_viewing: bool = True) -> None:
    """A unit user may revert only an upload that touched nothing but its own unit."""
    authorize(user, Action.REVERT, upload_units(cur, upload_id), open_viewing=open_viewing)


def can(user: User | None, action: Action, unit_codes: Iterable[str] = (), *, open_viewing: bool = True) -> bool:
    try:
        authorize(user, action, unit_codes, open_viewing=open_viewing)
    except PermissionDenied:
        return False
    return True


def authorize(user: User | None, action: Action, unit_codes: Iterable[str] = (), *, open_viewing: bool = True) -> None:
    """Raise PermissionDenied unless `user` may do `action` on rows of `unit_codes`.

    `None` is an anonymous visitor: it may view when viewing is left open, nothing else.
    """
    action = Action(action)
    if user is None:
        if action is Action.VIEW and open_viewing:
            return
        raise PermissionDenied(t("auth_login_to", action=t("action_" + action.value)))
    if user.role == "admin":
        return
    if action is Action.VIEW:
        return
    if user.role == "unit" and action in UNIT_SCOPED:
        others = sorted({c for c in unit_codes if c != user.unit_code})
        if others:
            raise PermissionDenied(t("auth_own_unit_only", user=user.name, unit=user.unit_code, others=", ".join(others)))
        return
    raise PermissionDenied(t("auth_role_cannot", user=user.name, role=user.role, action=t("action_" + action.value)))


# --- passwords ---------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    n, r, p = scrypt_cost
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${n}${r}${p}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str | None) -> bool:
    """Constant-time check; parameters are read from the stored hash, so they can be raised later."""
    if not stored or len(password) > MAX_PASSWORD:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(
            password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), maxmem=_MAXMEM, dklen=len(expected)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def _unmatched_hash() -> str:
    """Checked when the name is unknown, so a wrong name costs as long as a wrong password: the current
    cost with random salt and digest, which no password matches, and no hashing until it is needed."""
    n, r, p = scrypt_cost
    b64 = base64.b64encode
    return f"scrypt${n}${r}${p}${b64(secrets.token_bytes(16)).decode()}${b64(secrets.token_bytes(32)).decode()}"


@functools.cache
def common_passwords() -> frozenset[str]:
    """The refused list shipped in data/common_passwords.txt (its source is in the file)."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip() and not line.startswith("#"))


_EDGES = string.digits + string.punctuation + " "
# Keys in a row and counting: "123456789012" and "qwertyuiopas" are as guessable as "123456".
_RUNS = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p")


def is_common_password(name: str, password: str) -> bool:
    """On the common list (also without leading or trailing digits and punctuation), the name
    itself, a few characters repeated, or a run of neighbouring keys."""
    folded = password.casefold()
    forms = {folded, folded.strip(_EDGES), folded.rstrip(_EDGES), folded.lstrip(_EDGES)}
    if forms & (common_passwords() | {name.casefold()}):
        return True
    if len(set(folded)) <= 3:
        return True
    return any(folded in run * 3 or folded in run[::-1] * 3 for run in _RUNS)


def check_password_policy(name: str, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(t("auth_password_short", min=MIN_PASSWORD))
    if len(password) > MAX_PASSWORD:
        raise UserError(t("auth_password_long", max=MAX_PASSWORD))
    if password.strip().lower() == name.lower():
        raise UserError(t("auth_password_is_name"))
    if is_common_password(name, password):
        raise UserError(t("auth_password_common"))


# --- the users table ---------------------------------------------------------------------------


def _user(row: tuple | None) -> User | None:
    if row is None:
        return None
    return User(name=row[0], role=row[1], unit_code=row[2], full_name=row[3] or "", email=row[4], password_changed_at=row[5])


def get_user(cur: Cursor, name: str) -> User | None:
    return _user(
        cur.execute("SELECT name, role, unit_code, full_name, email, password_changed_at FROM users WHERE name = ?", [name]).fetchone()
    )


def user_for_email(cur: Cursor, email: str) -> User | None:
    """The account a single-sign-on identity maps to (roles always come from our table)."""
    return _user(
        cur.execute(
            "SELECT name, role, unit_code, full_name, email, password_changed_at FROM users WHERE email = ?", [email.strip().lower()]
        ).fetchone()
    )


def user_count(cur: Cursor) -> int:
    row = cur.execute("SELECT count(*) FROM users").fetchone()
    return int(row[0]) if row else 0


def list_users(cur: Cursor) -> pd.DataFrame:
    """Users without their password hashes."""
    return cur.execute(
        "SELECT name, full_name, role, unit_code, email, created_at, created_by, password_changed_at,"
        " password_hash IS NOT NULL AS has_password FROM users ORDER BY role, name"
    ).df()


def normalise_name(name: str) -> str:
    """A new account's name; never one the program records for its own actions, which the audit
    trail and the upload history could not tell apart from a person."""
    clean = name.strip().lower()
    if not NAME_PATTERN.fullmatch(clean):
        raise UserError(t("auth_bad_name", name=name[:80]))
    if clean in PROGRAM_ACTORS:
        raise UserError(t("auth_reserved_name", name=clean))
    return clean


def _check_role(cur: Cursor, role: str, unit_code: str | None) -> str | None:
    if role not in ROLES:
        raise UserError(t("auth_bad_role", roles=", ".join(ROLES), role=role[:40]))
    if role != "unit":
        if unit_code:
            raise UserError(t("auth_unit_for_unit_role"))
        return None
    if not unit_code:
        raise UserError(t("auth_unit_needed"))
    code = unit_code.strip().upper()
    if cur.execute("SELECT count(*) FROM units WHERE code = ?", [code]).fetchone() == (0,):
        raise UserError(t("auth_unknown_unit", code=unit_code[:40]))
    return code


def _clean_full_name(full_name: str) -> str:
    text = "".join(ch for ch in full_name if ch.isprintable()).strip()
    return text[:200]


def add_user(
    store: Store,
    actor: User | None,
    name: str,
    role: str,
    password: str | None,
    *,
    unit_code: str | None = None,
    full_name: str = "",
    email: str | None = None,
) -> User:
    """Create an account (admin only). `password=None` makes an SSO-only account (needs `email`)."""
    authorize(actor, Action.MANAGE_USERS)
    assert actor is not None
    clean = normalise_name(name)
    if password is None and not email:
        raise UserError(t("auth_password_or_sso"))
    if password is not None:
        check_password_policy(clean, password)
    hashed = hash_password(password) if password is not None else None  # slow: outside the write lock
    mail = email.strip().lower() if email else None

    def work(cur: Cursor) -> User:
        unit = _check_role(cur, role, unit_code)
        if get_user(cur, clean) is not None:
            raise UserError(t("auth_user_exists", name=clean))
        if mail and user_for_email(cur, mail) is not None:
            raise UserError(t("auth_email_taken", email=mail))
        now = datetime.now()
        cur.execute(
            "INSERT INTO users (name, full_name, role, unit_code, password_hash, email, created_at, created_by, password_changed_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [clean, _clean_full_name(full_name), role, unit, hashed, mail, now, actor.name, now],
        )
        audit.record(cur, actor.name, "user_add", clean, {"role": role, "unit_code": unit, "email": mail})
        user = get_user(cur, clean)
        assert user is not None
        return user

    return store.write(work)


def create_first_admin(store: Store, name: str, password: str, *, full_name: str = "") -> User:
    """First run: the very first account, an admin. Refused once any account exists."""
    clean = normalise_name(name)
    check_password_policy(clean, password)
    hashed = hash_password(password)

    def work(cur: Cursor) -> User:
        if user_count(cur) > 0:  # checked under the write lock, so two newcomers cannot both win
            raise PermissionDenied(t("auth_admin_exists"))
        now = datetime.now()
        cur.execute(
            "INSERT INTO users (name, full_name, role, unit_code, password_hash, email, created_at, created_by, password_changed_at)"
            " VALUES (?, ?, 'admin', NULL, ?, NULL, ?, 'localhost', ?)",
            [clean, _clean_full_name(full_name), hashed, now, now],
        )
        audit.record(cur, clean, "user_add", clean, {"role": "admin", "first_admin": True})
        user = get_user(cur, clean)
        assert user is not None
        return user

    return store.write(work)


def remove_user(store: Store, actor: User | None, name: str) -> None:
    authorize(actor, Action.MANAGE_USERS)
    assert actor is not None

    def work(cur: Cursor) -> None:
        user = get_user(cur, name)
        if user is None:
            raise UserError(t("auth_unknown_user", name=name[:64]))
        if user.role == "admin":
            row = cur.execute("SELECT count(*) FROM users WHERE role = 'admin'").fetchone()
            if row is not None and int(row[0]) <= 1:
                raise UserError(t("auth_last_admin"))
        cur.execute("DELETE FROM users WHERE name = ?", [name])
        audit.record(cur, actor.name, "user_remove", name, {"role": user.role, "unit_code": user.unit_code})

    store.write(work)


def set_password(store: Store, actor: User | None, name: str, password: str) -> None:
    """Admins reset anyone's password; a user changes their own. Open sessions of `name` end."""
    if actor is None or actor.name != name:
        authorize(actor, Action.MANAGE_USERS)
    assert actor is not None
    check_password_policy(name, password)
    hashed = hash_password(password)

    def work(cur: Cursor) -> None:
        if get_user(cur, name) is None:
            raise UserError(t("auth_unknown_user", name=name[:64]))
        cur.execute("UPDATE users SET password_hash = ?, password_changed_at = ? WHERE name = ?", [hashed, datetime.now(), name])
        audit.record(cur, actor.name, "user_passwd", name)

    store.write(work)


# --- logging in ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Backoff:
    """Failures allowed before any wait, and the longest wait they can cause (seconds)."""

    free: int
    cap: float


# One client guessing one name: a growing wait up to the whole window.
PAIR_BACKOFF = Backoff(free=5, cap=600.0)
# Many clients guessing one name, or one client trying many names: the wait stays short, so the right
# person on another machine, or behind the same proxy, waits a minute at most and is never locked out.
NAME_BACKOFF = Backoff(free=20, cap=60.0)
CLIENT_BACKOFF = Backoff(free=30, cap=60.0)
MAX_COUNTERS = 10_000  # beyond this many counters, those with no failure left in the window are dropped
FIRST_WAIT = 2.0  # seconds after the first failure beyond the free ones; doubles with each further one


class LoginLimiter:
    """Failed logins counted per (name, client), per name and per client within `window` seconds; past
    each count's free failures the next attempt waits FIRST_WAIT, doubling per failure up to its cap.

    Kept in memory: the dashboard is one process, and a restart forgetting the counters is harmless
    next to the cost of a database write per failed guess. An administrator's unlock is read from the
    store (`users.unlocked_at`), so the command line can unlock a name the dashboard is counting;
    hence wall-clock time, comparable across processes.
    """

    def __init__(self, window: float = 600.0, clock: Callable[[], float] = time.time) -> None:
        self.window, self.clock = window, clock
        self._failures: dict[tuple[str, ...], deque[float]] = {}
        self._sweep_at = MAX_COUNTERS
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, ...], now: float, not_before: float = 0.0) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and (now - times[0] >= self.window or times[0] < not_before):
            times.popleft()
        return times

    def _wait(self, key: tuple[str, ...], backoff: Backoff, now: float, not_before: float) -> float:
        times = self._recent(key, now, not_before)
        beyond = len(times) - backoff.free
        if beyond < 0:
            return 0.0
        return max(0.0, times[-1] + min(backoff.cap, FIRST_WAIT * 2**beyond) - now)

    def check(self, name: str, client: str, not_before: float = 0.0) -> None:
        """Raise LoginThrottled while a wait is running; failures before `not_before` (an unlock) do not count."""
        now = self.clock()
        with self._lock:
            waits = (
                self._wait(("pair", name, client), PAIR_BACKOFF, now, not_before),
                self._wait(("name", name), NAME_BACKOFF, now, not_before),
                self._wait(("client", client), CLIENT_BACKOFF, now, 0.0),
            )
        if max(waits) > 0:
            raise LoginThrottled(max(waits))

    def failed(self, name: str, client: str) -> None:
        now = self.clock()
        with self._lock:
            for key in (("pair", name, client), ("name", name), ("client", client)):
                self._recent(key, now).append(now)
            if len(self._failures) > self._sweep_at:  # guesses from ever-new names and sessions must not grow memory forever
                for expired in [k for k, times in self._failures.items() if not times or now - times[-1] >= self.window]:
                    del self._failures[expired]
                self._sweep_at = max(MAX_COUNTERS, 2 * len(self._failures))  # so sweeping stays rare however many are live

    def succeeded(self, name: str, client: str) -> None:
        with self._lock:
            self._failures.pop(("pair", name, client), None)
            self._failures.pop(("name", name), None)


def authenticate(cur: Cursor, name: str, password: str, limiter: LoginLimiter, client: str) -> User:
    """The user for a correct name and password; LoginThrottled / LoginFailed otherwise.

    `client` names the browser: its address, or its session when the address is unknown, so that
    visitors without an address do not share one counter."""
    clean = name.strip().lower()
    key_name = clean[:64]
    row = cur.execute("SELECT password_hash, unlocked_at FROM users WHERE name = ?", [clean]).fetchone()
    unlocked_at = row[1].timestamp() if row is not None and row[1] is not None else 0.0
    limiter.check(key_name, client, not_before=unlocked_at)
    ok = verify_password(password, row[0] if row else _unmatched_hash()) and row is not None
    if not ok:
        limiter.failed(key_name, client)
        raise LoginFailed(t("auth_login_failed"))
    limiter.succeeded(key_name, client)
    user = get_user(cur, clean)
    assert user is not None
    return user


def unlock_user(store: Store, actor: User | None, name: str) -> None:
    """Forget the failed logins of `name` so far, in every process (admin only)."""
    authorize(actor, Action.MANAGE_USERS)
    assert actor is not None

    def work(cur: Cursor) -> None:
        if get_user(cur, name) is None:
            raise UserError(t("auth_unknown_user", name=name[:64]))
        cur.execute("UPDATE users SET unlocked_at = ? WHERE name = ?", [datetime.now(), name])
        audit.record(cur, actor.name, "user_unlock", name)

    store.write(work)


# --- sessions -----------------------------------------------------------------------------------

IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 12 * 60 * 60


@dataclass(frozen=True)
class Session:
    """A login held by one browser session: expires after 30 min idle or 12 h in all."""

    user_name: str
    started: float
    last_seen: float
    password_changed_at: datetime | None

    def expired(self, now: float) -> bool:
        return now - self.last_seen > IDLE_SECONDS or now - self.started > ABSOLUTE_SECONDS


def open_session(user: User, now: float) -> Session:
    return Session(user.name, now, now, user.password_changed_at)


def resume_session(cur: Cursor, session: Session | None, now: float) -> tuple[User | None, Session | None]:
    """The session's user if it is still valid (not expired, account present, password unchanged)."""
    if session is None or session.expired(now):
        return None, None
    user = get_user(cur, session.user_name)
    if user is None or user.password_changed_at != session.password_changed_at:
        return None, None
    return user, Session(session.user_name, session.started, now, session.password_changed_at)


def users_for_display(frame: pd.DataFrame) -> pd.DataFrame:
    """`list_users` with Vietnamese headers and role names, for the admin page."""

    def when(value: object) -> str:
        return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%d/%m/%Y %H:%M")  # type: ignore[arg-type]

    return pd.DataFrame(
        {
            t("users_col_name"): frame["name"],
            t("users_col_full_name"): frame["full_name"].fillna(""),
            t("users_col_role"): frame["role"].map(lambda r: t("role_" + r) if r in ROLES else r),
            t("users_col_unit"): frame["unit_code"].fillna(""),
            t("users_col_email"): frame["email"].fillna(""),
            t("users_col_created_at"): frame["created_at"].map(when),
            t("users_col_created_by"): frame["created_by"],
            t("users_col_password_changed_at"): frame["password_changed_at"].map(when),
            t("users_col_has_password"): frame["has_password"],
        }
    )
