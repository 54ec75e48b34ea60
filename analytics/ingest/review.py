"""Tables the upload page shows (and lets people download), built from ingest/history results."""

from __future__ import annotations

import pandas as pd

from analytics.communes import PROGRAMS, commune_list
from analytics.ingest.headers import PROGRAM_ALIASES, REGISTER_ALIASES, STATUS_ALIASES
from analytics.ingest.save import CommitResult
from analytics.ingest.validate import Checked, describe
from analytics.labels import TEMPLATE_IDENTITY, fmt_date, fmt_datetime, t
from analytics.store import Cursor


def files_frame(checked: Checked, lang: str = "vi") -> pd.DataFrame:
    rows = [
        {
            t("col_file", lang): f.name,
            t("col_kind", lang): t(f"up_kind_{f.kind}", lang) if f.kind else "—",
            t("col_format", lang): describe(f, lang) if f.format else "—",
            t("col_rows", lang): f.n_rows,
        }
        for f in checked.files
    ]
    return pd.DataFrame(rows)


def problems_frame(checked: Checked, lang: str = "vi") -> pd.DataFrame:
    """One row per problem: file, Excel row, column as written, value, message; errors first."""
    ordered = sorted(checked.problems, key=lambda p: (p.severity != "error", p.file or "", p.row or 0))
    rows = [
        {
            t("col_severity", lang): t("up_error", lang) if p.severity == "error" else t("up_warning", lang),
            t("col_file", lang): p.file or "",
            t("col_row", lang): "" if p.row is None else str(p.row),
            t("col_column", lang): p.column or "",
            t("col_problem", lang): p.message(lang),
            t("col_value", lang): p.value or "",
        }
        for p in ordered
    ]
    return pd.DataFrame(rows)


def preview_frame(preview: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    return preview.drop(columns=["kind", "unit_code"]).rename(
        columns={
            "file": t("col_file", lang),
            "unit": t("col_unit", lang),
            "what": t("col_what", lang),
            "new": t("col_new", lang),
            "changed": t("col_changed", lang),
            "unchanged": t("col_unchanged", lang),
        }
    )


def summary_lines(result: CommitResult, lang: str = "vi") -> list[str]:
    """One sentence per stored file: what was stored (or that nothing changed)."""
    lines = []
    for s in result.stored:
        applied = s.applied
        assert applied is not None
        if s.upload_id is None:
            line = t("up_unchanged", lang, file=s.file, unchanged=applied.unchanged)
        else:
            key = "up_stored" if s.kind == "results" else "up_stored_register"
            line = t(key, lang, file=s.file, id=s.upload_id, units=s.units, quarters=s.quarters, indicators=s.indicators,
                     new=applied.new, changed=applied.changed, unchanged=applied.unchanged)  # fmt: skip
        if s.same_as is not None:
            line += t("up_same_bytes", lang, id=s.same_as)
        lines.append(line)
    return lines


def upload_kind(kind: str, lang: str = "vi") -> str:
    """An upload's kind in words ('dữ liệu minh họa', 'số liệu quý'), never its stored code."""
    return t(f"up_kind_{kind}", lang)


def uploader(uploads: pd.DataFrame, lang: str = "vi") -> pd.Series:
    """Who uploaded: the account, or for the demo data (recorded as by "demo") the words 'Dữ liệu minh họa'."""
    return uploads["created_by"].where(uploads["kind"] != "demo", t("demo_badge", lang))


def history_frame(uploads: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The uploads list for people: id, time, who, kind, file, values, status."""

    def kind(row: pd.Series) -> str:
        name = upload_kind(row["kind"], lang)
        return f"{name} #{int(row['reverts'])}" if pd.notna(row["reverts"]) else name

    def status(row: pd.Series) -> str:
        return t("up_status_reverted", lang, by=int(row["reverted_by"])) if pd.notna(row["reverted_by"]) else ""

    if uploads.empty:
        return pd.DataFrame()
    return pd.DataFrame(
        {
            t("col_id", lang): uploads["id"].map(lambda i: f"#{int(i)}"),
            t("col_when", lang): uploads["created_at"].map(lambda d: fmt_datetime(d.to_pydatetime())),
            t("col_who", lang): uploader(uploads, lang),
            t("col_kind", lang): uploads.apply(kind, axis=1),
            t("col_file", lang): uploads["file_name"].fillna(""),
            t("col_values", lang): uploads["n_values"].fillna(0).astype(int),
            t("col_status", lang): uploads.apply(status, axis=1),
        }
    )


def revertible(uploads: pd.DataFrame, lang: str = "vi") -> dict[int, str]:
    """Uploads a person may try to revert (not yet reverted), newest first, with a label naming each."""
    ok = uploads[uploads["kind"].isin(["results", "communes", "revert"]) & uploads["reverted_by"].isna()]
    labels = {}
    for row in ok.itertuples(index=False):
        what = row.file_name if isinstance(row.file_name, str) else t(f"up_kind_{row.kind}", lang)
        labels[int(row.id)] = f"#{int(row.id)} · {what} · {row.created_by} · {fmt_datetime(row.created_at.to_pydatetime())}"
    return labels


def register_template(cur: Cursor, year: int) -> pd.DataFrame:
    """The commune-register upload file for `year`, pre-filled with the current lists so people edit them."""
    columns = [
        TEMPLATE_IDENTITY["unit_code"],
        TEMPLATE_IDENTITY["unit_name"],
        TEMPLATE_IDENTITY["year"],
        *(REGISTER_ALIASES[key][0] for key in ("program", "commune", "district", "status", "achieved_on", "note")),
    ]
    parts = [commune_list(cur, year, program) for program in PROGRAMS]
    current = pd.concat([p for p in parts if not p.empty], ignore_index=True) if any(not p.empty for p in parts) else None
    if current is None:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame(
        {
            columns[0]: current["unit_code"],
            columns[1]: current["name"],
            columns[2]: year,
            columns[3]: current["program"].map(lambda p: PROGRAM_ALIASES[p][1]),
            columns[4]: current["commune"],
            columns[5]: current["district"],
            columns[6]: current["status"].map(lambda s: STATUS_ALIASES[s][1]),
            columns[7]: current["achieved_on"].map(lambda d: "" if pd.isna(d) else fmt_date(pd.Timestamp(d).date())),
            columns[8]: current["note"].fillna(""),
        }
    )
