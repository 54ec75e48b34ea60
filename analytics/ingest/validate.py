"""Checking a batch of quarterly results or commune registers before anything is stored.

check() reads every file, recognises its columns and validates every row against the registry and the
indicator catalogue held in the store, collecting *all* problems (file, Excel row, column as written,
value, rule), so a focal point fixes a file once, not once per error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from analytics import demo
from analytics.config import counts_whole, in_scope
from analytics.downloads import starts_like_formula
from analytics.ingest.headers import (
    BLOCKS_MATCHER,
    IDENTITY_ALIASES,
    IDENTITY_MATCHER,
    PROGRAMS_MATCHER,
    REGISTER_ALIASES,
    REGISTER_MATCHER,
    STATUSES_MATCHER,
    Matcher,
    fold,
    looks_like_header,
    norm,
)
from analytics.ingest.limits import MAX_BATCH_BYTES, MAX_BYTES, MAX_FILES, MAX_PROBLEMS, MEGABYTE
from analytics.ingest.readers import Cell, ReadError, Source, Table, read_table
from analytics.labels import fmt_date, indicator_header, t
from analytics.registry import quarter_days
from analytics.store import Cursor


@dataclass(frozen=True)
class Problem:
    """One finding. `code` selects the message in labels (up_<code>); `row` is Excel's row number."""

    file: str | None
    row: int | None
    column: str | None
    value: str | None
    code: str
    params: tuple[tuple[str, object], ...] = ()
    severity: str = "error"

    def message(self, lang: str = "vi") -> str:
        return t(f"up_{self.code}", lang, **dict(self.params))

    def where(self, lang: str = "vi") -> str:
        parts = []
        if self.file:
            parts.append(t("up_where_file", lang, file=self.file))
        if self.row:
            parts.append(t("up_where_row", lang, row=self.row))
        if self.column:
            parts.append(t("up_where_column", lang, column=self.column))
        return ", ".join(parts)

    def text(self, lang: str = "vi") -> str:
        head = self.where(lang)
        tail = t("up_value_was", lang, value=self.value) if self.value not in (None, "") else ""
        label = t("up_warning", lang) if self.severity == "warning" else t("up_error", lang)
        return f"{label}: {head + ': ' if head else ''}{self.message(lang)}{tail}"


def _problem(
    file: str | None, row: int | None, column: str | None, value: object, code: str, severity: str = "error", /, **params: object
) -> Problem:
    shown = None if value is None else str(value)
    return Problem(file, row, column, shown, code, tuple(params.items()), severity)


@dataclass
class FileResult:
    name: str
    raw: bytes
    kind: str | None = None  # "results" | "communes" | None (unreadable)
    format: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    decimal: str | None = None
    n_rows: int = 0
    values: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["unit_code", "year", "quarter", "indicator", "value"]))
    communes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REGISTER_COLUMNS))


REGISTER_COLUMNS: list[str] = ["unit_code", "year", "program", "commune", "district", "status", "achieved_on", "note"]


@dataclass
class Checked:
    """What check() found: the parsed files and every problem (errors and warnings)."""

    files: list[FileResult]
    problems: list[Problem]
    replace_demo: bool = False

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors and any(f.kind for f in self.files)


# ---------------------------------------------------------------- the store's view of units and indicators


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    short_name: str
    block: str
    valid_from: int
    valid_to: int | None


@dataclass(frozen=True)
class IndicatorRow:
    year: int
    code: str
    label: str
    unit: str
    block: str
    kind: str
    numerator: str | None
    denominator: str | None
    share: bool = True  # a ratio's numerator is part of its denominator, so never larger

    @property
    def whole_numbers(self) -> bool:
        return counts_whole(self.unit)


class Context:
    """Registry and catalogue as synced into the store, plus the matchers built from them."""

    def __init__(self, cur: Cursor) -> None:
        self.units = {
            r[0]: UnitRow(r[0], r[1], r[2], r[3], int(r[4]), None if r[5] is None else int(r[5]))
            for r in cur.execute("SELECT code, name, short_name, block, valid_from, valid_to FROM units").fetchall()
        }
        rows = cur.execute(
            "SELECT year, code, label, unit, block, kind, numerator, denominator, coalesce(share, true)"
            " FROM indicators ORDER BY year, position"
        ).fetchall()
        self.indicators: dict[int, dict[str, IndicatorRow]] = {}
        for r in rows:
            self.indicators.setdefault(int(r[0]), {})[r[1]] = IndicatorRow(
                int(r[0]), r[1], r[2], r[3] or "", r[4], r[5], r[6], r[7], bool(r[8])
            )
        pairs: list[tuple[str, str]] = []
        for by_code in self.indicators.values():
            for ind in by_code.values():
                if ind.kind != "ratio":
                    pairs += [(ind.code, ind.code), (ind.label, ind.code), (indicator_header(ind.label, ind.unit), ind.code)]
        self.indicator_matcher = Matcher(set(pairs))
        self.ratio_matcher = Matcher(
            {(i.code, i.code) for d in self.indicators.values() for i in d.values() if i.kind == "ratio"}
            | {(indicator_header(i.label, i.unit), i.code) for d in self.indicators.values() for i in d.values() if i.kind == "ratio"}
            | {(i.label, i.code) for d in self.indicators.values() for i in d.values() if i.kind == "ratio"}
        )
        # First and last day of each unit (over its versions): a row for a quarter it did not exist in is refused.
        self.spans: dict[str, tuple[date, date | None]] = {
            r[0]: (r[1], r[2])
            for r in cur.execute(
                "SELECT code, min(valid_from), CASE WHEN bool_or(valid_to IS NULL) THEN NULL ELSE max(valid_to) END"
                " FROM unit_years GROUP BY code"
            ).fetchall()
        }
        # Every name a unit has had (a file of 2016 writes "Cục Thi hành án dân sự …", one of 2026 the new name).
        versions = cur.execute("SELECT DISTINCT code, name, short_name FROM unit_years").fetchall()
        self.unit_matcher = Matcher(
            {(u.code, u.code) for u in self.units.values()}
            | {(u.name, u.code) for u in self.units.values()}
            | {(u.short_name, u.code) for u in self.units.values()}
            | {(name, code) for code, name, _ in versions}
            | {(short, code) for code, _, short in versions}
        )


# ---------------------------------------------------------------- numbers


_POINT = (re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$"), re.compile(r"^-?\d+(\.\d+)?$"))
_COMMA = (re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$"), re.compile(r"^-?\d+(,\d+)?$"))


def _clean_number_text(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]", "", text)


def _matches(text: str, patterns: tuple[re.Pattern[str], ...]) -> bool:
    return any(p.match(text) for p in patterns)


def decimal_mode(cells: Iterable[str], delimiter: str | None) -> str:
    """',' or '.' as the decimal mark of a file, from cells that only one reading accepts.

    Excel on a Vietnamese Windows writes ';' or tab files with decimal commas and '.' thousands; a
    cell like '1.234' is ambiguous on its own, so the file's other cells (or its delimiter) decide.
    """
    comma = point = 0
    for raw in cells:
        text = _clean_number_text(raw)
        in_comma, in_point = _matches(text, _COMMA), _matches(text, _POINT)
        comma += in_comma and not in_point
        point += in_point and not in_comma
    if comma != point:
        return "," if comma > point else "."
    return "," if delimiter in (";", "\t") else "."


def parse_number(cell: Cell, decimal: str) -> float | None:
    """A number from a typed cell or from text written either way; None when it is not a number."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        return float(cell)
    if not isinstance(cell, str):
        return None
    text = _clean_number_text(cell)
    if decimal == ",":
        if not _matches(text, _COMMA):
            return None
        return float(text.replace(".", "").replace(",", "."))
    if not _matches(text, _POINT):
        return None
    return float(text.replace(",", ""))


def _blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and cell.strip() == "")


def _shown(cell: Cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime | date):
        return cell.strftime("%d/%m/%Y")
    return "" if cell is None else str(cell)


def _int_cell(cell: Cell) -> int | None:
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float):
        return int(cell) if cell.is_integer() else None
    if isinstance(cell, str) and re.fullmatch(r"\d{1,4}(\.0+)?", cell.strip()):
        return int(float(cell.strip()))
    return None


def _quarter_cell(cell: Cell) -> int | None:
    if isinstance(cell, str):
        # "quý"/"quy" is how people write a quarter in their files: input vocabulary, not output.
        m = re.fullmatch(r"(?:q|quy|quý|quarter)?\s*([1-4])(?:\.0+)?", norm(cell))
        if m is None:
            m = re.fullmatch(r"(?:q|quy|quarter)?\s*([1-4])(?:\.0+)?", fold(cell))
        return int(m.group(1)) if m else None
    value = _int_cell(cell)
    return value if value in (1, 2, 3, 4) else None


def _date_cell(cell: Cell) -> date | None:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, str):
        for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
            try:
                return datetime.strptime(cell.strip(), pattern).date()
            except ValueError:
                continue
    return None


# ---------------------------------------------------------------- check


def check(
    cur: Cursor,
    sources: list[Source],
    *,
    allowed_units: set[str] | None = None,
    year: int | None = None,
    quarter: int | None = None,
    replace_demo: bool = False,
) -> Checked:
    """Read and validate a batch of files without storing anything; every problem is collected."""
    # Refused from the count and the declared sizes alone: no file of the batch is read. A file over
    # the size limit is never read either, so it does not count towards the batch's bytes.
    if len(sources) > MAX_FILES or sum(s.size for s in sources if s.size <= MAX_BYTES) > MAX_BATCH_BYTES:
        too_many = _problem(None, None, None, None, "batch_too_large", files=len(sources), limit=MAX_FILES,
                            limit_mb=MAX_BATCH_BYTES // MEGABYTE, file_limit_mb=MAX_BYTES // MEGABYTE)  # fmt: skip
        return Checked([], [too_many], replace_demo)
    ctx = Context(cur)
    files: list[FileResult] = []
    problems: list[Problem] = []
    for source in sources:
        result, found = _check_file(ctx, source, allowed_units, year, quarter)
        files.append(result)
        problems += found
    problems += _merge_batch(files)
    if not replace_demo and any(f.kind for f in files) and demo.has_demo(cur):
        problems.append(_problem(None, None, None, None, "demo_present"))
    return Checked(files, problems, replace_demo)


def _check_file(
    ctx: Context, source: Source, allowed: set[str] | None, year: int | None, quarter: int | None
) -> tuple[FileResult, list[Problem]]:
    name = source.name
    try:
        table = read_table(source)
    except ReadError as exc:
        return FileResult(name=name, raw=b""), [_problem(name, None, None, None, f"read_{exc.code}", **exc.detail)]
    raw = source.read()
    result = FileResult(name=name, raw=raw, format=table.format, encoding=table.encoding, delimiter=table.delimiter, sheet=table.sheet)
    header_at = next((i for i, row in enumerate(table.rows[:10]) if looks_like_header(row)), None)
    if header_at is None:
        if not any(not _blank(c) for row in table.rows for c in row):
            return result, [_problem(name, None, None, None, "read_empty")]
        return result, [_problem(name, 1, None, None, "no_header")]
    header = table.rows[header_at]
    body = [(table.numbers[i], row) for i, row in enumerate(table.rows) if i > header_at]
    data_rows = [(n, row) for n, row in body if not all(_blank(c) for c in row)]
    columns = {j: str(c) for j, c in enumerate(header) if not _blank(c)}
    is_register = any(REGISTER_MATCHER.find(c) in ("commune", "program") for c in columns.values())
    result.kind = "communes" if is_register else "results"
    if not data_rows:
        return result, [_problem(name, table.numbers[header_at], None, None, "header_only")]
    result.n_rows = len(data_rows)
    cols, indicators, problems = _layout(ctx, name, table, header_at, columns, data_rows, register=is_register)
    if cols is not None and is_register:
        _check_register(ctx, result, columns, cols, data_rows, problems, allowed, year)
    elif cols is not None:
        _check_results(ctx, result, table, columns, cols, indicators, data_rows, problems, allowed, year, quarter)
    listed = [p for p in problems if p.code != "stopped"]
    if len(listed) > MAX_PROBLEMS:  # the last rows checked may add a few beyond the limit
        more = _problem(name, None, None, None, "more_problems", count=len(listed) - MAX_PROBLEMS, limit=MAX_PROBLEMS)
        problems = [*listed[:MAX_PROBLEMS], more, *(p for p in problems if p.code == "stopped")]
    return result, problems


def _stopped(name: str, number: int, problems: list[Problem], rows_left: int) -> Problem | None:
    """Checking ends once a file has MAX_PROBLEMS problems; the rows not checked are counted instead."""
    if len(problems) < MAX_PROBLEMS:
        return None
    return _problem(name, number, None, None, "stopped", limit=MAX_PROBLEMS, rows=rows_left)


def _ragged(name: str, header_row: int, width: int, data_rows: list[tuple[int, list[Cell]]], table: Table) -> list[Problem]:
    out = []
    for number, row in data_rows:
        extra = [c for c in row[width:] if not _blank(c)]
        if extra or (table.format == "csv" and len(row) < width):
            out.append(_problem(name, number, None, None, "ragged", cells=len(row), columns=width))
    return out


@dataclass
class _RowUnit:
    code: str | None
    problems: list[Problem]


def _resolve_unit(
    ctx: Context, name: str, number: int, row: list[Cell], cols: dict[str, int], headers: dict[int, str], allowed: set[str] | None
) -> _RowUnit:
    problems: list[Problem] = []
    code_col, name_col = cols.get("unit_code"), cols.get("unit_name")
    by_code = by_name = None
    code_cell = row[code_col] if code_col is not None and code_col < len(row) else None
    name_cell = row[name_col] if name_col is not None and name_col < len(row) else None
    if not _blank(code_cell):
        by_code = ctx.unit_matcher.find(code_cell)
        if by_code is None:
            problems.append(_problem(name, number, headers[code_col], code_cell, "unknown_unit"))  # type: ignore[index]
    if not _blank(name_cell):
        by_name = ctx.unit_matcher.find(name_cell)
        if by_name is None and by_code is None and _blank(code_cell):
            problems.append(_problem(name, number, headers[name_col], name_cell, "unknown_unit"))  # type: ignore[index]
        elif by_name is not None and by_code is not None and by_name != by_code:
            problems.append(_problem(name, number, headers[name_col], name_cell, "unit_mismatch", code=by_code))  # type: ignore[index]
    if _blank(code_cell) and _blank(name_cell):
        column = headers[code_col] if code_col is not None else headers[name_col]  # type: ignore[index]
        problems.append(_problem(name, number, column, None, "unit_blank"))
    code = by_code or by_name
    if code is not None and allowed is not None and code not in allowed:
        column = headers[code_col] if by_code else headers[name_col]  # type: ignore[index]
        problems.append(_problem(name, number, column, code, "unit_not_allowed"))
        code = None
    return _RowUnit(code if not problems else None, problems)


def _active(unit: UnitRow, year: int) -> bool:
    return unit.valid_from <= year and (unit.valid_to is None or year <= unit.valid_to)


def _check_year(ctx: Context, name: str, number: int, cell: Cell, column: str, declared: int | None) -> tuple[int | None, list[Problem]]:
    value = _int_cell(cell)
    if value is None:
        return None, [_problem(name, number, column, _shown(cell), "bad_year")]
    if value not in ctx.indicators:
        return None, [_problem(name, number, column, value, "year_unknown", years=", ".join(map(str, sorted(ctx.indicators))))]
    if declared is not None and value != declared:
        return None, [_problem(name, number, column, value, "outside_declared", declared=declared)]
    return value, []


def _header_map(
    ctx: Context, name: str, header_row: int, columns: dict[int, str], register: bool
) -> tuple[dict[str, int], dict[int, str], list[Problem]]:
    """Identity/register column keys → index, indicator columns → code, and header problems."""
    cols: dict[str, int] = {}
    indicators: dict[int, str] = {}
    problems: list[Problem] = []
    for j, text in columns.items():
        key = IDENTITY_MATCHER.find(text) or (REGISTER_MATCHER.find(text) if register else None)
        if key is not None:
            if key in cols:
                problems.append(_problem(name, header_row, text, None, "duplicate_column"))
            cols[key] = j
            continue
        if not register:
            code = ctx.indicator_matcher.find(text)
            if code is not None:
                if code in indicators.values():
                    problems.append(_problem(name, header_row, text, None, "duplicate_column"))
                indicators[j] = code
                continue
            if ctx.ratio_matcher.find(text) is not None:
                problems.append(_problem(name, header_row, text, None, "ratio_column", "warning"))
                continue
        problems.append(_problem(name, header_row, text, None, "unknown_column", "warning"))
    if "unit_code" not in cols and "unit_name" not in cols:
        problems.append(_problem(name, header_row, None, None, "missing_column", column=IDENTITY_ALIASES["unit_code"][0]))
    required = ("year", "program", "commune", "status") if register else ("year", "quarter")
    for key in required:
        if key not in cols:
            label = (REGISTER_ALIASES.get(key) or IDENTITY_ALIASES[key])[0]
            problems.append(_problem(name, header_row, None, None, "missing_column", column=label))
    if not register and not indicators:
        problems.append(_problem(name, header_row, None, None, "no_indicator_columns"))
    return cols, indicators, problems


def _layout(
    ctx: Context, name: str, table: Table, header_at: int, columns: dict[int, str], data_rows: list[tuple[int, list[Cell]]],
    *, register: bool,
) -> tuple[dict[str, int] | None, dict[int, str], list[Problem]]:  # fmt: skip
    """Where each field is (None when the header is unusable), the indicator columns, and the header's
    and the ragged rows' problems: the first checks of a results file and of a commune register."""
    header_row = table.numbers[header_at]
    cols, indicators, problems = _header_map(ctx, name, header_row, columns, register=register)
    if any(p.severity == "error" for p in problems):
        return None, indicators, problems
    return cols, indicators, problems + _ragged(name, header_row, max(columns) + 1, data_rows, table)


def _inactive(
    name: str, number: int, columns: dict[int, str], cols: dict[str, int], unit_row: UnitRow | None, year: int | None
) -> Problem | None:
    """A row for a unit outside its validity years (merged away, not yet created)."""
    if unit_row is None or year is None or _active(unit_row, year):
        return None
    return _problem(name, number, columns[cols.get("unit_code", cols.get("unit_name", 0))], unit_row.code, "inactive_unit", year=year)


def _outside_quarter(
    ctx: Context, name: str, number: int, columns: dict[int, str], cols: dict[str, int], unit_row: UnitRow | None, year: int | None,
    quarter: int | None,
) -> Problem | None:  # fmt: skip
    """A row for a quarter the unit did not exist in (a unit merged on 1 July reports Q1–Q2 of that year only)."""
    if unit_row is None or year is None or quarter is None or unit_row.code not in ctx.spans:
        return None
    first, last = ctx.spans[unit_row.code]
    start, end = quarter_days(year, quarter)
    if first <= end and (last is None or start <= last):
        return None
    column = columns[cols.get("unit_code", cols.get("unit_name", 0))]
    return _problem(
        name, number, column, unit_row.code, "unit_outside_quarter", quarter=quarter, year=year, first=fmt_date(first), last=fmt_date(last)
    )


def _check_results(
    ctx: Context,
    result: FileResult,
    table: Table,
    columns: dict[int, str],
    cols: dict[str, int],
    indicators: dict[int, str],
    data_rows: list[tuple[int, list[Cell]]],
    problems: list[Problem],
    allowed: set[str] | None,
    declared_year: int | None,
    declared_quarter: int | None,
) -> None:
    """The rows of a results file, after its layout's checks: their problems are added to `problems`, their values kept in `result`."""
    name = result.name
    text_cells = [row[j] for _, row in data_rows for j in indicators if j < len(row) and isinstance(row[j], str)]
    decimal = decimal_mode((c for c in text_cells if isinstance(c, str)), table.delimiter) if text_cells else "."
    result.decimal = decimal
    values: list[tuple[str, int, int, str, float]] = []
    seen: dict[tuple[str, int, int], tuple[int, dict[str, float]]] = {}
    for index, (number, row) in enumerate(data_rows):
        stopped = _stopped(name, number, problems, len(data_rows) - index)
        if stopped is not None:
            problems.append(stopped)
            break
        unit = _resolve_unit(ctx, name, number, row, cols, columns, allowed)
        row_problems = list(unit.problems)
        year_cell = row[cols["year"]] if cols["year"] < len(row) else None
        year, found = _check_year(ctx, name, number, year_cell, columns[cols["year"]], declared_year)
        row_problems += found
        q_cell = row[cols["quarter"]] if cols["quarter"] < len(row) else None
        quarter = _quarter_cell(q_cell)
        if quarter is None:
            row_problems.append(_problem(name, number, columns[cols["quarter"]], _shown(q_cell), "bad_quarter"))
        elif declared_quarter is not None and quarter != declared_quarter:
            row_problems.append(
                _problem(name, number, columns[cols["quarter"]], quarter, "outside_declared_quarter", declared=declared_quarter)
            )
        unit_row = ctx.units.get(unit.code) if unit.code else None
        inactive = _inactive(name, number, columns, cols, unit_row, year) or _outside_quarter(
            ctx, name, number, columns, cols, unit_row, year, quarter
        )
        if inactive is not None:
            row_problems.append(inactive)
            unit_row = None
        block_cell = row[cols["block"]] if "block" in cols and cols["block"] < len(row) else None
        if unit_row is not None and not _blank(block_cell) and BLOCKS_MATCHER.find(block_cell) != unit_row.block:
            row_problems.append(_problem(name, number, columns[cols["block"]], block_cell, "block_mismatch", block=unit_row.block))
        catalogue = ctx.indicators.get(year or 0, {})
        row_values: dict[str, float] = {}
        for j, code in indicators.items():
            cell = row[j] if j < len(row) else None
            if _blank(cell):
                continue
            column = columns[j]
            shown = _shown(cell)
            if (number, j) in table.formulas or (isinstance(cell, str) and cell.startswith("=")):
                row_problems.append(_problem(name, number, column, table.formulas.get((number, j), shown), "formula"))
                continue
            value = parse_number(cell, decimal)
            if value is None:
                row_problems.append(_problem(name, number, column, shown, "not_number", decimal=decimal))
                continue
            ind = catalogue.get(code)
            if year is not None and ind is None:
                row_problems.append(_problem(name, number, column, shown, "indicator_not_in_year", year=year))
                continue
            if ind is None:
                continue
            if unit_row is not None and not in_scope(ind.block, unit_row.block):
                row_problems.append(_problem(name, number, column, shown, "wrong_block", block=ind.block, unit=unit_row.code))
                continue
            if value < 0:
                row_problems.append(_problem(name, number, column, shown, "negative"))
                continue
            if ind.unit == "%" and value > 100:
                row_problems.append(_problem(name, number, column, shown, "percent_range"))
                continue
            if ind.whole_numbers and not float(value).is_integer():
                row_problems.append(_problem(name, number, column, shown, "not_whole", decimal=decimal))
                continue
            row_values[code] = value
        for ind in catalogue.values():
            if ind.kind == "ratio" and ind.share and ind.numerator in row_values and ind.denominator in row_values:
                part, whole = row_values[ind.numerator], row_values[ind.denominator]
                if part > whole:
                    column = next(columns[j] for j, c in indicators.items() if c == ind.numerator)
                    whole_label = next(columns[j] for j, c in indicators.items() if c == ind.denominator)
                    row_problems.append(
                        _problem(name, number, column, _shown(part), "part_gt_whole", whole=whole_label, whole_value=_shown(whole))
                    )
        problems += row_problems
        if row_problems or unit_row is None or year is None or quarter is None:
            continue
        key = (unit_row.code, year, quarter)
        if key in seen:
            first_row, first_values = seen[key]
            clash = [c for c in row_values if c in first_values and first_values[c] != row_values[c]]
            if clash:
                column = next(columns[j] for j, c in indicators.items() if c == clash[0])
                problems.append(_problem(name, number, column, _shown(row_values[clash[0]]), "duplicate_row", other=first_row))
                continue
            new_codes = {c: v for c, v in row_values.items() if c not in first_values}
            first_values.update(new_codes)
            row_values = new_codes
        else:
            seen[key] = (number, dict(row_values))
        values += [(unit_row.code, year, quarter, code, value) for code, value in row_values.items()]
    result.values = pd.DataFrame(values, columns=["unit_code", "year", "quarter", "indicator", "value"])


def _check_register(
    ctx: Context,
    result: FileResult,
    columns: dict[int, str],
    cols: dict[str, int],
    data_rows: list[tuple[int, list[Cell]]],
    problems: list[Problem],
    allowed: set[str] | None,
    declared_year: int | None,
) -> None:
    """The rows of a commune register, after its layout's checks: their problems are added to `problems`, the rows kept in `result`."""
    name = result.name
    rows: list[tuple[str, int, str, str, str | None, str, date | None, str | None]] = []
    seen: dict[tuple[str, int, str, str], int] = {}

    def cell(row: list[Cell], key: str) -> Cell:
        j = cols.get(key)
        return row[j] if j is not None and j < len(row) else None

    for index, (number, row) in enumerate(data_rows):
        stopped = _stopped(name, number, problems, len(data_rows) - index)
        if stopped is not None:
            problems.append(stopped)
            break
        unit = _resolve_unit(ctx, name, number, row, cols, columns, allowed)
        found = list(unit.problems)
        year, year_problems = _check_year(ctx, name, number, cell(row, "year"), columns[cols["year"]], declared_year)
        found += year_problems
        program = PROGRAMS_MATCHER.find(cell(row, "program")) if not _blank(cell(row, "program")) else None
        if program is None:
            found.append(_problem(name, number, columns[cols["program"]], _shown(cell(row, "program")), "bad_program"))
        status = STATUSES_MATCHER.find(cell(row, "status")) if not _blank(cell(row, "status")) else None
        if status is None:
            found.append(_problem(name, number, columns[cols["status"]], _shown(cell(row, "status")), "bad_status"))
        commune = cell(row, "commune")
        if _blank(commune) or not isinstance(commune, str):
            found.append(_problem(name, number, columns[cols["commune"]], _shown(commune), "commune_blank"))
        achieved_on: date | None = None
        if "achieved_on" in cols and not _blank(cell(row, "achieved_on")):
            achieved_on = _date_cell(cell(row, "achieved_on"))
            if achieved_on is None:
                found.append(_problem(name, number, columns[cols["achieved_on"]], _shown(cell(row, "achieved_on")), "bad_date"))
            elif status is not None and status != "achieved":
                found.append(_problem(name, number, columns[cols["achieved_on"]], _shown(cell(row, "achieved_on")), "date_not_achieved"))
        elif status == "achieved":
            found.append(_problem(name, number, columns.get(cols.get("achieved_on", -1)), None, "achieved_no_date", "warning"))
        for text_field in ("commune", "district", "note"):
            value = cell(row, text_field)
            if text_field in cols and starts_like_formula(value):
                found.append(_problem(name, number, columns[cols[text_field]], value, "formula_text"))
        unit_row = ctx.units.get(unit.code) if unit.code else None
        inactive = _inactive(name, number, columns, cols, unit_row, year)
        if inactive is not None:
            found.append(inactive)
        problems += found
        failed = any(p.severity == "error" for p in found)
        if failed or unit_row is None or year is None or program is None or status is None or not isinstance(commune, str):
            continue
        key = (unit_row.code, year, program, fold(commune))
        if key in seen:
            problems.append(_problem(name, number, columns[cols["commune"]], commune, "duplicate_commune", other=seen[key]))
            continue
        seen[key] = number
        district = cell(row, "district")
        note = cell(row, "note")
        rows.append(
            (
                unit_row.code,
                year,
                program,
                commune.strip(),
                _shown(district) or None,
                status,
                achieved_on,
                _shown(note) or None,
            )
        )
    result.communes = pd.DataFrame(rows, columns=REGISTER_COLUMNS)


def _merge_batch(files: list[FileResult]) -> list[Problem]:
    """Several files in one batch: the same key twice must agree; agreeing repeats are dropped."""
    problems: list[Problem] = []
    owner: dict[tuple[str, int, int, str], tuple[str, float]] = {}
    for f in files:
        if f.kind != "results" or f.values.empty:
            continue
        keep = []
        for row in f.values.itertuples(index=False):
            key = (row.unit_code, int(row.year), int(row.quarter), row.indicator)
            if key in owner:
                other_file, other_value = owner[key]
                if other_value != row.value:
                    problems.append(
                        _problem(
                            f.name,
                            None,
                            row.indicator,
                            _shown(row.value),
                            "batch_conflict",
                            other=other_file,
                            unit=row.unit_code,
                            quarter=row.quarter,
                        )
                    )
                keep.append(False)
            else:
                owner[key] = (f.name, float(row.value))
                keep.append(True)
        f.values = f.values[keep].reset_index(drop=True)
    registers: dict[tuple[str, int, str], str] = {}
    for f in files:
        if f.kind != "communes" or f.communes.empty:
            continue
        for key in f.communes[["unit_code", "year", "program"]].drop_duplicates().itertuples(index=False):
            k = (key.unit_code, int(key.year), key.program)
            if k in registers and registers[k] != f.name:
                problems.append(
                    _problem(f.name, None, None, key.unit_code, "batch_register_conflict", other=registers[k], program=key.program)
                )
            registers.setdefault(k, f.name)
    return problems


# ---------------------------------------------------------------- describing what was read


def describe(f: FileResult, lang: str = "vi") -> str:
    """Format, encoding, separator, sheet and decimal mark detected, for people to check."""
    parts = [f.format.upper()]
    if f.encoding:
        parts.append(f.encoding)
    if f.delimiter:
        parts.append(t("up_separator", lang, sep={"\t": "Tab"}.get(f.delimiter, f"“{f.delimiter}”")))
    if f.sheet:
        parts.append(t("up_sheet", lang, sheet=f.sheet))
    if f.decimal:
        parts.append(t("up_decimal", lang, mark=f.decimal))
    return " · ".join(parts)
