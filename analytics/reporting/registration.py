"""Registration at signing (đăng ký thi đua): the titles a unit registers for and its registered targets,
entered by the unit itself (its own only) or imported from a file, then approved or returned with a
reason by the secretariat. States: draft (chưa gửi) → submitted (chờ duyệt) → approved (đã duyệt) or
returned (từ chối, with the reason); a returned registration can be corrected and sent again.
Every change is recorded in the audit trail in the same transaction."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime

import pandas as pd

from analytics import measures
from analytics.config import ACHIEVED_BY
from analytics.ingest.headers import Matcher, norm
from analytics.ingest.readers import Cell, ReadError, Source, read_table
from analytics.ingest.validate import Problem
from analytics.labels import TEMPLATE_IDENTITY, t
from analytics.reporting.deadlines import Calendar
from analytics.store import Cursor, Store
from analytics.trust import audit
from analytics.trust.auth import Action, PermissionDenied, User, authorize

STATES = ("draft", "submitted", "approved", "returned")
EDITABLE = ("draft", "returned")  # what a unit may still change; submitted and approved wait for the secretariat
TARGETS = tuple(ACHIEVED_BY)
MAX_COUNT = 999
MAX_NAME = 200
# The columns of the registration file: the template we offer writes the first alias of each.
FILE_COLUMNS: dict[str, tuple[str, ...]] = {
    "unit_code": ("Mã đơn vị", "unit_code", "Mã ĐV"),
    "year": ("Năm", "year"),
    "titles": ("Danh hiệu đăng ký", "Danh hiệu", "titles"),
    "ntm_count": ("Số xã nông thôn mới", "ntm_count"),
    "ntm_names": ("Tên các xã nông thôn mới", "ntm_names"),
    "models_count": ("Số điển hình tiên tiến", "models_count"),
    "models_names": ("Tên các điển hình tiên tiến", "models_names"),
    "xnpl_count": ("Số xã “xóa nghèo” pháp luật", "Số xã xóa nghèo pháp luật", "xnpl_count"),
    "xnpl_names": ("Tên các xã “xóa nghèo” pháp luật", "Tên các xã xóa nghèo pháp luật", "xnpl_names"),
}
_COLUMNS = Matcher((alias, key) for key, aliases in FILE_COLUMNS.items() for alias in aliases)
LIST_SEPARATOR = ";"


class RegistrationError(ValueError):
    """The registration cannot be saved or reviewed as asked; the message is Vietnamese."""


@dataclass(frozen=True)
class Registration:
    unit_code: str
    year: int
    titles: tuple[str, ...] = ()
    ntm_count: int = 0
    ntm_names: tuple[str, ...] = ()
    models_count: int = 0
    models_names: tuple[str, ...] = ()
    xnpl_count: int = 0
    xnpl_names: tuple[str, ...] = ()
    state: str = "draft"
    reason: str | None = None


def clean_names(text: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Names separated by ";" or line breaks (or given as a list): NFC, trimmed, blanks dropped."""
    parts = text if isinstance(text, list | tuple) else str(text).replace("\n", LIST_SEPARATOR).split(LIST_SEPARATOR)
    cleaned = (" ".join(unicodedata.normalize("NFC", p).split()) for p in parts)
    return tuple(dict.fromkeys(p for p in cleaned if p))


def problems(reg: Registration, calendar: Calendar) -> list[tuple[str, str]]:
    """(field, message) for each rule broken: known titles, counts 0–999, no fewer than the names given."""
    found: list[tuple[str, str]] = []
    known = {title.code for title in calendar.titles}
    for code in reg.titles:
        if code not in known:
            found.append(("titles", t("reg_unknown_title", title=code)))
    for target in TARGETS:
        count, names = getattr(reg, f"{target}_count"), getattr(reg, f"{target}_names")
        if not 0 <= count <= MAX_COUNT:
            found.append((f"{target}_count", t("reg_bad_count", max=MAX_COUNT)))
        elif len(names) > count:
            found.append((f"{target}_names", t("reg_more_names", names=len(names), count=count)))
        for name in names:
            if len(name) > MAX_NAME:
                found.append((f"{target}_names", t("reg_long_name", max=MAX_NAME)))
            elif name.startswith(("=", "+", "@")):
                found.append((f"{target}_names", t("reg_formula_name")))
    return found


_SELECT = (
    "SELECT unit_code, year, titles, ntm_count, ntm_names, models_count, models_names, xnpl_count, xnpl_names, state, reason"
    " FROM registrations WHERE year = ?"
)


def _registration(row: tuple) -> Registration:  # type: ignore[type-arg]
    unit, year_, titles, ntm, ntm_names, models, models_names, xnpl, xnpl_names, state, reason = row
    return Registration(
        unit, year_, tuple(titles), ntm, tuple(ntm_names), models, tuple(models_names), xnpl, tuple(xnpl_names), state, reason
    )


def get(cur: Cursor, unit_code: str, year: int) -> Registration | None:
    row = cur.execute(_SELECT + " AND unit_code = ?", [int(year), unit_code]).fetchone()
    return None if row is None else _registration(row)


def _write(cur: Cursor, reg: Registration, by: str) -> None:
    """The unit's one current row, never demo: a registration a person saved, sent or reviewed is theirs,
    and removing the demo must not take it away."""
    cur.execute("DELETE FROM registrations WHERE unit_code = ? AND year = ?", [reg.unit_code, reg.year])
    cur.execute(
        "INSERT INTO registrations (unit_code, year, titles, ntm_count, ntm_names, models_count, models_names, xnpl_count,"
        " xnpl_names, state, reason, updated_at, updated_by, is_demo) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, false)",
        [
            reg.unit_code, reg.year, list(reg.titles), reg.ntm_count, list(reg.ntm_names), reg.models_count,
            list(reg.models_names), reg.xnpl_count, list(reg.xnpl_names), reg.state, reg.reason, datetime.now(), by,
        ],
    )  # fmt: skip


def _detail(reg: Registration) -> dict[str, object]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in reg.__dict__.items() if k not in ("unit_code",)}


def save(store: Store, actor: User | None, reg: Registration, calendar: Calendar, *, submit: bool) -> Registration:
    """Save the unit's registration as a draft, or send it for approval (`submit`). A unit account only
    for its own unit and only while not waiting or approved; the secretariat may always correct it."""
    authorize(actor, Action.REGISTER, [reg.unit_code])
    assert actor is not None
    if reg.year != calendar.year:
        raise RegistrationError(t("reg_wrong_year", year=reg.year))
    found = problems(reg, calendar)
    if found:
        raise RegistrationError("; ".join(message for _, message in found))

    def work(cur: Cursor) -> Registration:
        before = get(cur, reg.unit_code, reg.year)
        if before is not None and before.state not in EDITABLE and actor.role != "admin":
            raise RegistrationError(t("reg_locked", state=t("reg_state_" + before.state)))
        saved = replace(reg, state="submitted" if submit else "draft", reason=None)
        _write(cur, saved, actor.name)
        audit.record(
            cur, actor.name, "registration_submit" if submit else "registration_save", f"{reg.unit_code}/{reg.year}", _detail(saved)
        )
        return saved

    return store.write(work)


def review(store: Store, actor: User | None, unit_code: str, year: int, *, approve: bool, reason: str = "") -> Registration:
    """The secretariat approves a submitted registration, or returns it with a reason."""
    authorize(actor, Action.REVIEW_REGISTRATION)
    assert actor is not None
    why = " ".join(reason.split())[:500]
    if not approve and not why:
        raise RegistrationError(t("reg_reason_needed"))

    def work(cur: Cursor) -> Registration:
        before = get(cur, unit_code, year)
        if before is None or before.state != "submitted":
            state = t("reg_state_" + (before.state if before else "draft"))
            raise RegistrationError(t("reg_not_submitted", unit=unit_code, state=state))
        after = replace(before, state="approved" if approve else "returned", reason=None if approve else why)
        _write(cur, after, actor.name)
        audit.record(
            cur, actor.name, "registration_approve" if approve else "registration_return", f"{unit_code}/{year}", {"reason": after.reason}
        )
        return after

    return store.write(work)


# --- the registration file --------------------------------------------------------------------------


def _count(cell: Cell) -> int | None:
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    if isinstance(cell, str) and cell.strip().isdigit():
        return int(cell.strip())
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return 0
    return None


def read_file(source: Source, calendar: Calendar, unit_codes: set[str]) -> tuple[list[Registration], list[Problem]]:
    """Every row of a registration file checked (file, Excel row, column as written, Vietnamese message);
    the registrations only count when there is no problem at all."""
    name = source.name
    try:
        table = read_table(source)
    except ReadError as exc:
        return [], [Problem(name, None, None, None, exc.code, tuple(exc.detail.items()))]
    header, *rows = table.rows
    columns = {_COLUMNS.find(cell): (j, str(cell)) for j, cell in enumerate(header) if isinstance(cell, str)}
    columns.pop(None, None)  # type: ignore[call-overload]
    missing = [FILE_COLUMNS[key][0] for key in ("unit_code", "year", "titles") if key not in columns]
    if missing:
        return [], [Problem(name, table.numbers[0], None, None, "reg_missing_columns", (("columns", ", ".join(missing)),))]
    titles = Matcher([(title.name, title.code) for title in calendar.titles] + [(title.code, title.code) for title in calendar.titles])
    found: list[Registration] = []
    issues: list[Problem] = []
    seen: dict[str, int] = {}
    for number, row in zip(table.numbers[1:], rows, strict=True):

        def cell(key: str, row: list[Cell] = row) -> Cell:
            j = columns[key][0] if key in columns else None
            return row[j] if j is not None and j < len(row) else None

        def flag(key: str, code: str, value: object = None, number: int = number, **params: object) -> None:
            shown = None if value is None else str(value)
            issues.append(Problem(name, number, columns[key][1] if key in columns else None, shown, code, tuple(params.items())))

        if all(c is None or (isinstance(c, str) and not c.strip()) for c in row):
            continue
        code = norm(cell("unit_code")).upper()
        if code not in unit_codes:
            flag("unit_code", "reg_unknown_unit", cell("unit_code"))
        elif code in seen:
            flag("unit_code", "reg_duplicate_unit", cell("unit_code"), other=seen[code])
        seen.setdefault(code, number)
        if _count(cell("year")) != calendar.year:
            flag("year", "reg_file_year", cell("year"), year=calendar.year)
        chosen: list[str] = []
        for part in clean_names(str(cell("titles") or "")):
            matched = titles.find(part)
            if matched is None:
                flag("titles", "reg_file_title", part, known=", ".join(title.name for title in calendar.titles))
            else:
                chosen.append(matched)
        values: dict[str, object] = {"titles": tuple(dict.fromkeys(chosen))}
        for target in TARGETS:
            count = _count(cell(f"{target}_count"))
            if count is None:
                flag(f"{target}_count", "reg_file_count", cell(f"{target}_count"))
            values[f"{target}_count"] = count or 0
            values[f"{target}_names"] = clean_names(str(cell(f"{target}_names") or ""))
        reg = Registration(code, calendar.year, **values)  # type: ignore[arg-type]
        for key, message in problems(reg, calendar):
            issues.append(Problem(name, number, columns[key][1] if key in columns else None, None, "reg_rule", (("rule", message),)))
        found.append(reg)
    return ([] if issues else found), issues


def import_file(store: Store, actor: User | None, source: Source, calendar: Calendar) -> tuple[list[Registration], list[Problem]]:
    """Check the whole file, then store every row sent for approval — all or nothing, a unit account
    only for its own unit. Returns what was stored and the problems (nothing stored when any)."""
    with store.reading() as cur:
        rows = cur.execute(
            "SELECT code FROM units WHERE valid_from <= $y AND coalesce(valid_to, 9999) >= $y", {"y": calendar.year}
        ).fetchall()
    codes = {r[0] for r in rows}
    found, issues = read_file(source, calendar, codes)
    if issues:
        return [], issues
    authorize(actor, Action.REGISTER, [r.unit_code for r in found])
    assert actor is not None

    def work(cur: Cursor) -> list[Registration]:
        stored = []
        for reg in found:
            before = get(cur, reg.unit_code, reg.year)
            if before is not None and before.state not in EDITABLE and actor.role != "admin":
                raise PermissionDenied(t("reg_locked", state=t("reg_state_" + before.state)))
            saved = replace(reg, state="submitted")
            _write(cur, saved, actor.name)
            audit.record(cur, actor.name, "registration_submit", f"{reg.unit_code}/{reg.year}", _detail(saved) | {"file": source.name})
            stored.append(saved)
        return stored

    return store.write(work), []


def template_frame(cur: Cursor, calendar: Calendar) -> pd.DataFrame:
    """The registration file to fill: one row per active unit, what it has registered so far."""
    current = registrations(cur, calendar.year)
    names = {title.code: title.name for title in calendar.titles}
    return pd.DataFrame(
        {
            FILE_COLUMNS["unit_code"][0]: current["unit_code"],
            TEMPLATE_IDENTITY["unit_name"]: current["unit_name"],
            FILE_COLUMNS["year"][0]: calendar.year,
            FILE_COLUMNS["titles"][0]: current["titles"].map(lambda codes: "; ".join(names.get(c, c) for c in codes)),
            **{
                FILE_COLUMNS[f"{target}_{part}"][0]: current[f"{target}_{part}"].map((lambda v: "; ".join(v)) if part == "names" else int)
                for target in TARGETS
                for part in ("count", "names")
            },
        }
    )


# --- reading ------------------------------------------------------------------------------------------


def registrations(cur: Cursor, year: int, block: str | None = None, deadline: date | None = None) -> pd.DataFrame:
    """Every active unit with its registration (a unit that has sent nothing is "draft" with nothing),
    whether the demo made it (`is_demo`), when it was first sent (`submitted_at`) and the whole days
    after `deadline` (`late_days`, None when on time, unsent or without a deadline)."""
    frame = cur.execute(
        """
        SELECT u.code AS unit_code, u.name AS unit_name, u.short_name AS unit, u.block,
               coalesce(r.titles, []::VARCHAR[]) AS titles,
               coalesce(r.ntm_count, 0) AS ntm_count, coalesce(r.ntm_names, []::VARCHAR[]) AS ntm_names,
               coalesce(r.models_count, 0) AS models_count, coalesce(r.models_names, []::VARCHAR[]) AS models_names,
               coalesce(r.xnpl_count, 0) AS xnpl_count, coalesce(r.xnpl_names, []::VARCHAR[]) AS xnpl_names,
               coalesce(r.state, 'draft') AS state, r.reason, r.updated_at, r.updated_by, coalesce(r.is_demo, false) AS is_demo
        FROM unit_years u JOIN units o USING (code)
        LEFT JOIN registrations r ON r.unit_code = u.code AND r.year = $year
        WHERE u.year = $year AND ($block IS NULL OR u.block = $block)
        ORDER BY o.listing_order
        """,
        {"year": int(year), "block": block},
    ).df()
    for column in ("titles", "ntm_names", "models_names", "xnpl_names"):
        frame[column] = frame[column].map(lambda v: tuple(v) if v is not None else ())
    sent = first_submitted(cur, year)
    frame["submitted_at"] = frame["unit_code"].map(sent).astype(object)
    # Object, not float: whole days, and None (not NaN) for "not late".
    frame["late_days"] = pd.Series([days_late(sent.get(code), deadline) for code in frame["unit_code"]], index=frame.index, dtype=object)
    return frame


def approved(cur: Cursor, year: int) -> dict[str, Registration]:
    """The year's approved registrations by unit: what the review and the scoring go by (a draft,
    a registration awaiting approval or a returned one does not count yet)."""
    rows = cur.execute(_SELECT + " AND state = 'approved'", [int(year)]).fetchall()
    return {row[0]: _registration(row) for row in rows}


def first_submitted(cur: Cursor, year: int) -> dict[str, datetime]:
    """When each unit first sent its registration for approval, from the audit trail (the form, the
    file import and the secretariat's corrections all record "registration_submit")."""
    rows = cur.execute(
        "SELECT target, min(happened_at) FROM audit WHERE action = 'registration_submit' AND target LIKE ? GROUP BY target",
        [f"%/{int(year)}"],
    ).fetchall()
    return {str(target).rsplit("/", 1)[0]: when for target, when in rows}


def days_late(submitted: datetime | None, deadline: date | None) -> int | None:
    """Whole days after the registration deadline (sent on the deadline day is on time); None when on
    time, never sent or the year has no deadline."""
    if submitted is None or deadline is None or pd.isna(submitted):
        return None
    late = (submitted.date() - deadline).days
    return late if late > 0 else None


def late_text(days: int | None, lang: str = "vi") -> str:
    return "" if days is None else t("reg_late", lang, days=days)


def registered_vs_achieved(cur: Cursor, year: int, block: str | None = None, deadline: date | None = None) -> pd.DataFrame:
    """Per unit: each registered target next to what the year's figures show it achieved (None when
    not reported), and the titles it registered for (titles are voted at the year-end review); with
    when it was first sent and how late against `deadline` (see registrations())."""
    frame = registrations(cur, year, block, deadline)
    values = measures.period_values(cur, measures.period_spec(cur, year, "year"), block)
    for target, indicator in ACHIEVED_BY.items():
        achieved = values[values["indicator"] == indicator].set_index("unit_code")["value"]
        frame[f"{target}_achieved"] = frame["unit_code"].map(achieved)
    return frame
