"""The award history file: titles and awards each unit received, with the decision's number and date.

Columns `unit_code,year,title_code,title,decision_no,decision_date` (Vietnamese headers accepted), read
like every other upload and checked whole: each problem names file, Excel row and column, and nothing
is stored while one remains. Storing replaces the history of the units the file names, so a unit's
corrected list is sent again whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from analytics.ingest.headers import Matcher
from analytics.ingest.readers import ReadError, Source, read_table
from analytics.ingest.validate import Problem, _date_cell, parse_number
from analytics.store import Cursor

COLUMNS = ("unit_code", "year", "title_code", "title", "decision_no", "decision_date")
REQUIRED = ("unit_code", "year", "title_code", "title")
HEADERS = Matcher(
    [(c, c) for c in COLUMNS]
    + [("Mã đơn vị", "unit_code"), ("Năm", "year"), ("Mã danh hiệu", "title_code"), ("Danh hiệu", "title"),
       ("Hình thức khen thưởng", "title"), ("Số quyết định", "decision_no"), ("Ngày quyết định", "decision_date")]
)  # fmt: skip


@dataclass(frozen=True)
class Checked:
    rows: pd.DataFrame  # COLUMNS, one row per award
    problems: list[Problem]


def _problem(file: str, row: int | None, column: str | None, value: object, code: str, **params: object) -> Problem:
    return Problem(file, row, column, None if value in (None, "") else str(value), code, tuple(params.items()))


def check(source: Source, units: set[str]) -> Checked:
    name = source.name
    try:
        table = read_table(source)
    except ReadError as exc:
        return Checked(pd.DataFrame(columns=COLUMNS), [_problem(name, None, None, None, f"read_{exc.code}", **exc.detail)])
    header = [HEADERS.find(cell) for cell in table.rows[0]] if table.rows else []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return Checked(pd.DataFrame(columns=COLUMNS), [_problem(name, 1, None, None, "award_columns", missing=", ".join(missing))])
    shown = {key: str(table.rows[0][i]) for i, key in enumerate(header) if key}
    rows, problems = [], []
    for cells, number in zip(table.rows[1:], table.numbers[1:], strict=True):
        cell = {key: cells[i] if i < len(cells) else None for i, key in enumerate(header) if key}
        if all(v in (None, "") for v in cell.values()):
            continue
        code = str(cell.get("unit_code") or "").strip().upper()
        if code not in units:
            problems.append(_problem(name, number, shown["unit_code"], cell.get("unit_code"), "award_unknown_unit"))
        year = parse_number(cell.get("year"), ".")
        if year is None or not float(year).is_integer() or not 1945 <= year <= 2100:
            problems.append(_problem(name, number, shown["year"], cell.get("year"), "award_bad_year"))
        for key in ("title_code", "title"):
            if not str(cell.get(key) or "").strip():
                problems.append(_problem(name, number, shown[key], None, "award_empty"))
        when = cell.get("decision_date")
        day = _date_cell(when) if when not in (None, "") else None
        if when not in (None, "") and day is None:
            problems.append(_problem(name, number, shown["decision_date"], when, "award_bad_date"))
        rows.append({
            "unit_code": code, "year": int(year) if year is not None and float(year).is_integer() else None,
            "title_code": str(cell.get("title_code") or "").strip().upper(), "title": str(cell.get("title") or "").strip(),
            "decision_no": str(cell.get("decision_no") or "").strip() or None, "decision_date": day,
        })  # fmt: skip
    return Checked(pd.DataFrame(rows, columns=COLUMNS), problems)


def replace(cur: Cursor, rows: pd.DataFrame, by: str) -> int:
    """Replace the award history of the units in `rows` (inside the caller's transaction)."""
    for unit in sorted(set(rows["unit_code"])):
        cur.execute("DELETE FROM awards WHERE unit_code = ?", [unit])
    now = datetime.now()
    for r in rows.itertuples(index=False):
        cur.execute(
            "INSERT INTO awards VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [r.unit_code, int(r.year), r.title_code, r.title, r.decision_no, r.decision_date, now, by],  # type: ignore[arg-type]
        )
    return len(rows)


def add(cur: Cursor, row: dict[str, object], by: str) -> None:
    cur.execute(
        "INSERT INTO awards VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            row["unit_code"],
            row["year"],
            row["title_code"],
            row["title"],
            row.get("decision_no"),
            row.get("decision_date"),
            datetime.now(),
            by,
        ],
    )


def remove(cur: Cursor, unit: str, year: int, title_code: str) -> int:
    found = cur.execute(
        "SELECT count(*) FROM awards WHERE unit_code = ? AND year = ? AND title_code = ?", [unit, year, title_code]
    ).fetchone()
    cur.execute("DELETE FROM awards WHERE unit_code = ? AND year = ? AND title_code = ?", [unit, year, title_code])
    return int(found[0]) if found else 0
