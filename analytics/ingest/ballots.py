"""The count of a vote as the secretariat sends it: a CSV or .xlsx with `unit_code,votes` per candidate.

Read like every other upload (encoding, delimiter, Excel's row numbers) and checked whole: every
problem names the file, the Excel row and the column, and nothing is counted while one remains.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.ingest.headers import Matcher
from analytics.ingest.readers import ReadError, Source, read_table
from analytics.ingest.validate import Problem, parse_number
from analytics.labels import t

COLUMNS = Matcher([("unit_code", "unit_code"), ("Mã đơn vị", "unit_code"), ("votes", "votes"), ("Số phiếu", "votes")])


@dataclass(frozen=True)
class Ballots:
    counts: dict[str, int]
    problems: list[Problem]


def _problem(file: str, row: int | None, column: str | None, value: object, code: str, **params: object) -> Problem:
    return Problem(file, row, column, None if value is None else str(value), code, tuple(params.items()))


def read(source: Source, voters: int, units: pd.DataFrame, standing: pd.DataFrame) -> Ballots:
    """Votes per unit from the file, checked against the voters present, the registry (`units`:
    code, short_name) and the title's candidates (`standing`, from vote.candidates())."""
    name = source.name
    try:
        table = read_table(source)
    except ReadError as exc:
        return Ballots({}, [_problem(name, None, None, None, f"read_{exc.code}", **exc.detail)])
    if not table.rows:
        return Ballots({}, [_problem(name, None, None, None, "vote_empty")])
    header = [COLUMNS.find(cell) for cell in table.rows[0]]
    missing = [c for c in ("unit_code", "votes") if c not in header]
    if missing:
        return Ballots({}, [_problem(name, table.numbers[0], None, None, "vote_columns", missing=", ".join(missing))])
    at = {column: header.index(column) for column in ("unit_code", "votes")}
    code_col, votes_col = (str(table.rows[0][at[c]]) for c in ("unit_code", "votes"))
    known = dict(zip(units["code"], units["short_name"], strict=True))
    listed = {r.unit_code: r for r in standing.itertuples(index=False)}
    counts: dict[str, int] = {}
    problems: list[Problem] = []
    for cells, number in zip(table.rows[1:], table.numbers[1:], strict=True):
        code_cell = cells[at["unit_code"]] if at["unit_code"] < len(cells) else None
        votes_cell = cells[at["votes"]] if at["votes"] < len(cells) else None
        code = str(code_cell or "").strip().upper()
        if not code and votes_cell in (None, ""):
            continue
        if code not in known:
            problems.append(_problem(name, number, code_col, code_cell, "vote_unknown_unit"))
        elif code not in listed:
            problems.append(_problem(name, number, code_col, code_cell, "vote_not_candidate", unit=known[code]))
        elif not bool(listed[code].eligible):
            problems.append(_problem(name, number, code_col, code_cell, "vote_not_eligible", unit=known[code], why=listed[code].note))
        elif code in counts:
            problems.append(_problem(name, number, code_col, code_cell, "vote_duplicate", unit=known[code]))
        value = parse_number(votes_cell, ".") if votes_cell is not None else None
        if value is None or not float(value).is_integer():
            problems.append(_problem(name, number, votes_col, votes_cell, "vote_not_whole"))
            continue
        if value < 0:
            problems.append(_problem(name, number, votes_col, votes_cell, "vote_negative"))
            continue
        if value > voters:
            problems.append(_problem(name, number, votes_col, votes_cell, "vote_over_voters", voters=voters))
            continue
        if code in listed and code not in counts:
            counts[code] = int(value)
    return Ballots(counts if not problems else {}, problems)


def problems_text(problems: list[Problem], lang: str = "vi") -> str:
    return "\n".join(p.text(lang) for p in problems) or t("vote_no_problems", lang)
