"""Storing a checked batch: one transaction, one `uploads` row per file with its raw bytes, or nothing.

preview() says what a commit would change against the store, for people to confirm first.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd

from analytics import demo
from analytics.communes import replace_register
from analytics.history import Applied, apply_values, file_hash, record_upload
from analytics.ingest.validate import Checked, FileResult, describe
from analytics.store import Cursor, Store


@dataclass(frozen=True)
class Stored:
    file: str
    upload_id: int | None  # None: nothing changed, nothing recorded
    kind: str
    applied: Applied | None
    units: int
    quarters: int
    indicators: int
    same_as: int | None = None  # an earlier upload with identical bytes


@dataclass(frozen=True)
class CommitResult:
    stored: list[Stored]
    demo_removed: int


def preview(cur: Cursor, checked: Checked) -> pd.DataFrame:
    """Per file and unit: values new, changed and unchanged against the store (registers: communes before → after)."""
    rows = []
    for f in checked.files:
        if f.kind == "results" and not f.values.empty:
            cur.register("incoming", f.values)
            try:
                diff = cur.execute(
                    """
                    SELECT i.unit_code, u.short_name, list_sort(list_distinct(list(CAST(i.quarter AS INTEGER)))) AS quarters,
                           count(*) FILTER (WHERE f.value IS NULL) AS new,
                           count(*) FILTER (WHERE f.value IS NOT NULL AND f.value <> i.value) AS changed,
                           count(*) FILTER (WHERE f.value = i.value) AS unchanged
                    FROM incoming i
                    JOIN units u ON u.code = i.unit_code
                    LEFT JOIN (SELECT * FROM facts WHERE NOT (is_demo AND $replace_demo)) f
                         ON f.unit_code = i.unit_code AND f.year = CAST(i.year AS INTEGER)
                         AND f.quarter = CAST(i.quarter AS INTEGER) AND f.indicator = i.indicator
                    GROUP BY i.unit_code, u.short_name ORDER BY min(u.listing_order)
                    """,
                    {"replace_demo": checked.replace_demo},
                ).fetchall()
            finally:
                cur.unregister("incoming")
            for code, short, quarters, new, changed, unchanged in diff:
                rows.append({"file": f.name, "kind": "results", "unit_code": code, "unit": short,
                             "what": ", ".join(f"Q{q}" for q in quarters),
                             "new": new, "changed": changed, "unchanged": unchanged})  # fmt: skip
        elif f.kind == "communes" and not f.communes.empty:
            for (code, year, program), part in f.communes.groupby(["unit_code", "year", "program"], sort=True):
                new, changed, unchanged = _register_diff(cur, part, str(code), int(year), str(program), skip_demo=checked.replace_demo)
                rows.append(
                    {"file": f.name, "kind": "communes", "unit_code": code, "unit": _short_name(cur, str(code)),
                     "what": f"{program} {year}", "new": new, "changed": changed, "unchanged": unchanged}
                )  # fmt: skip
    return pd.DataFrame(rows, columns=["file", "kind", "unit_code", "unit", "what", "new", "changed", "unchanged"])


def basis(cur: Cursor, checked: Checked) -> str:
    """A fingerprint of the stored rows a batch would touch (its values' keys, its registers' lists).

    Taken with the preview and compared again inside the commit's transaction: when someone else has
    stored figures for the same keys in between, the commit is refused instead of silently overwriting
    what the preview did not show."""
    digest = hashlib.sha256()
    for f in checked.files:
        if f.kind == "results" and not f.values.empty:
            cur.register("incoming", f.values[["unit_code", "year", "quarter", "indicator"]])
            try:
                rows = cur.execute(
                    """
                    SELECT f.unit_code, f.year, f.quarter, f.indicator, f.value, f.upload_id, f.is_demo
                    FROM facts f JOIN incoming i ON f.unit_code = i.unit_code AND f.year = CAST(i.year AS INTEGER)
                     AND f.quarter = CAST(i.quarter AS INTEGER) AND f.indicator = i.indicator
                    ORDER BY 1, 2, 3, 4
                    """
                ).fetchall()
            finally:
                cur.unregister("incoming")
            digest.update(repr(rows).encode())
        elif f.kind == "communes" and not f.communes.empty:
            for code, year, program in sorted(set(f.communes[["unit_code", "year", "program"]].itertuples(index=False, name=None))):
                rows = cur.execute(
                    "SELECT commune, district, status, achieved_on, note, upload_id, is_demo FROM communes"
                    " WHERE unit_code = ? AND year = ? AND program = ? ORDER BY ALL",
                    [code, int(year), program],
                ).fetchall()
                digest.update(repr((code, int(year), program, rows)).encode())
    return digest.hexdigest()


def _short_name(cur: Cursor, code: str) -> str:
    rows = cur.execute("SELECT short_name FROM units WHERE code = ?", [code]).fetchall()
    return str(rows[0][0]) if rows else code


def _register_diff(cur: Cursor, part: pd.DataFrame, code: str, year: int, program: str, *, skip_demo: bool = False) -> tuple[int, int, int]:
    """New, changed (stored rows the file drops or alters) and unchanged communes of one register."""
    current = _current_register(cur, code, year, program, skip_demo=skip_demo)
    incoming = _register_set(part)
    return len(incoming - current), len(current - incoming), len(incoming & current)


def _register_set(frame: pd.DataFrame) -> set[tuple[object, ...]]:
    out: set[tuple[object, ...]] = set()
    for r in frame.itertuples(index=False):
        achieved = None if r.achieved_on is None or pd.isna(r.achieved_on) else pd.Timestamp(r.achieved_on).date()
        out.add((r.commune, r.district or None, r.status, achieved, r.note or None))
    return out


def _current_register(cur: Cursor, code: str, year: int, program: str, *, skip_demo: bool = False) -> set[tuple[object, ...]]:
    frame = cur.execute(
        "SELECT commune, district, status, achieved_on, note FROM communes"
        " WHERE unit_code = ? AND year = ? AND program = ? AND NOT (is_demo AND ?)",
        [code, year, program, skip_demo],
    ).df()
    return _register_set(frame)


def commit(
    store: Store,
    checked: Checked,
    *,
    by: str,
    replace_demo: bool = False,
    allowed_units: set[str] | None = None,
    previewed: str | None = None,
) -> CommitResult:
    """Store a clean batch atomically: one uploads row per file that changes something, or nothing at all.

    `previewed` is the `basis` of what the person saw before confirming; ChangedSincePreview (nothing
    stored) when the stored rows differ from it now. None when nothing was shown (a command line import)."""
    if checked.errors:
        raise ValueError("commit() needs a batch without errors; call check() first")
    if allowed_units is not None:
        for f in checked.files:
            units = set(f.values["unit_code"]) | set(f.communes["unit_code"])
            if not units <= allowed_units:
                raise PermissionError(", ".join(sorted(units - allowed_units)))

    def work(cur: Cursor) -> CommitResult:
        if previewed is not None and basis(cur, checked) != previewed:
            raise ChangedSincePreview()
        removed = 0
        if demo.has_demo(cur):
            if not replace_demo:
                raise DemoPresentError()
            removed = demo.remove_in(cur, by)
        stored = []
        for f in checked.files:
            if f.kind is None:
                continue
            same = cur.execute("SELECT max(id) FROM uploads WHERE sha256 = ? AND kind = ?", [file_hash(f.raw), f.kind]).fetchall()
            same_as = int(same[0][0]) if same and same[0][0] is not None else None
            if f.kind == "results":
                stored.append(_store_results(cur, f, by, same_as))
            else:
                stored.append(_store_register(cur, f, by, same_as))
        return CommitResult(stored, removed)

    return store.write(work)


class DemoPresentError(RuntimeError):
    """Real data would be mixed with demo values; the user must choose to replace the demo."""


class ChangedSincePreview(RuntimeError):
    """Someone stored figures for the same units and periods after the preview: show it again, ask again."""


def _store_results(cur: Cursor, f: FileResult, by: str, same_as: int | None) -> Stored:
    frame = f.values
    shape = (frame["unit_code"].nunique(), frame[["year", "quarter"]].drop_duplicates().shape[0], frame["indicator"].nunique())
    cur.register("incoming", frame)
    try:
        row = cur.execute(
            """
            SELECT count(*) FROM incoming i LEFT JOIN facts f ON f.unit_code = i.unit_code AND f.year = CAST(i.year AS INTEGER)
              AND f.quarter = CAST(i.quarter AS INTEGER) AND f.indicator = i.indicator
            WHERE f.value IS DISTINCT FROM i.value
            """
        ).fetchall()
    finally:
        cur.unregister("incoming")
    if not row[0][0]:
        return Stored(f.name, None, "results", Applied(0, 0, 0, len(frame)), *shape, same_as=same_as)
    upload_id = record_upload(cur, kind="results", created_by=by, file_name=f.name, raw=f.raw, n_rows=f.n_rows, note=describe(f))
    applied = apply_values(cur, upload_id, frame)
    return Stored(f.name, upload_id, "results", applied, *shape, same_as=same_as)


def _store_register(cur: Cursor, f: FileResult, by: str, same_as: int | None) -> Stored:
    frame = f.communes
    keys = frame[["unit_code", "year", "program"]].drop_duplicates()
    shape = (frame["unit_code"].nunique(), keys[["year", "program"]].drop_duplicates().shape[0], len(frame))
    new = changed = unchanged = 0
    for key in keys.itertuples(index=False):
        part = frame[(frame["unit_code"] == key.unit_code) & (frame["year"] == key.year) & (frame["program"] == key.program)]
        counts = _register_diff(cur, part, key.unit_code, int(key.year), key.program)
        new, changed, unchanged = new + counts[0], changed + counts[1], unchanged + counts[2]
    if new == 0 and changed == 0:
        return Stored(f.name, None, "communes", Applied(0, 0, 0, unchanged), *shape, same_as=same_as)
    upload_id = record_upload(cur, kind="communes", created_by=by, file_name=f.name, raw=f.raw, n_rows=f.n_rows, note=describe(f))
    replace_register(cur, upload_id, frame)
    cur.execute("UPDATE uploads SET n_values = ? WHERE id = ?", [len(frame), upload_id])
    return Stored(f.name, upload_id, "communes", Applied(upload_id, new, changed, unchanged), *shape, same_as=same_as)
