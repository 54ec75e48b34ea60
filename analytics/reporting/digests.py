"""A digest when something changes: after a write (an upload, a revert, the review of a score) each
subscriber of a changed unit or block gets ONE message listing every change that concerns them.

The changes are a pure diff of two small snapshots of the watched years, taken before and after the
write: a unit crossing a target either way (the year's current values), a change of rank within the
block (the rubric's scores), a quarter newly late or missing (the reporting status). Sending runs on
the mail core's background thread after the write has committed: a mail server that is down or a
failing snapshot never holds up or undoes the write; the outcome is recorded in the audit trail.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

import pandas as pd

from analytics import measures, results
from analytics.config import Campaign
from analytics.labels import block_name, fmt_number, t
from analytics.mail import deliver
from analytics.mail.compose import Mail
from analytics.mail.deliver import Delivery
from analytics.mail.settings import SmtpSettings
from analytics.reporting import subscriptions
from analytics.reporting.deadlines import calendar_of
from analytics.reporting.status import status_board
from analytics.review import assessments
from analytics.store import Cursor, Store
from analytics.trust import audit

log = logging.getLogger(__name__)

AUDIT_SENT, AUDIT_FAILED = "digest", "digest_failed"
KINDS = ("target_lost", "target_met", "rank", "late", "missing")
CHANGE_COLUMNS = ["year", "unit_code", "unit", "block", "kind", "subject", "before", "after"]
NEW_REPORT_STATUSES = ("late", "missing")
PROFILE_PATH = "/unit_profile"  # the unit profile page's url_path (app.py)


@dataclass(frozen=True)
class Snapshot:
    """The watched figures of some years at one moment; each frame carries year, unit_code, unit, block."""

    targets: pd.DataFrame  # + indicator, label, meets_target (only values judged against a target)
    ranks: pd.DataFrame  # + rank, locked (years whose campaign has a rubric and no demo value)
    reports: pd.DataFrame  # + quarter, status (years whose campaign has a calendar)
    last_upload: int = 0  # the newest upload id then: later ones caused the changes


def _frame(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


TARGET_COLUMNS = ["year", "unit_code", "unit", "block", "indicator", "label", "meets_target"]
RANK_COLUMNS = ["year", "unit_code", "unit", "block", "rank", "locked"]
REPORT_COLUMNS = ["year", "unit_code", "unit", "block", "quarter", "status"]


def take(cur: Cursor, years: Iterable[int], campaigns: Mapping[int, Campaign], today: date) -> Snapshot:
    """The watched figures of `years` as the store holds them now."""
    targets, ranks, reports = [_frame(TARGET_COLUMNS)], [_frame(RANK_COLUMNS)], [_frame(REPORT_COLUMNS)]
    for year in sorted(set(years)):
        values = measures.period_values(cur, measures.period_spec(cur, year, "year"))
        demo = values["is_demo"].fillna(False).astype(bool)
        judged = values.loc[values["meets_target"].notna() & ~demo, ["unit_code", "short_name", "block", *TARGET_COLUMNS[4:]]]
        targets.append(judged.rename(columns={"short_name": "unit"}).assign(year=year)[TARGET_COLUMNS])
        campaign = campaigns.get(year)
        if campaign is None:
            continue
        if campaign.rubric is not None and not demo.any():  # ranks from illustrative figures are no news
            summary = results.scores_of(cur, year, campaign.rubric, values).summary[["unit_code", "short_name", "block", "rank"]]
            locked = assessments.is_locked(cur, year)
            ranks.append(summary.rename(columns={"short_name": "unit"}).assign(year=year, locked=locked)[RANK_COLUMNS])
        board = status_board(cur, calendar_of(campaign), today)
        board = board[["unit_code", "unit", "block", "quarter", "status"]]
        reports.append(board.assign(year=year)[REPORT_COLUMNS])
    row = cur.execute("SELECT coalesce(max(id), 0) FROM uploads").fetchone()
    return Snapshot(
        pd.concat(targets, ignore_index=True), pd.concat(ranks, ignore_index=True), pd.concat(reports, ignore_index=True),
        int(row[0]) if row else 0,
    )  # fmt: skip


def diff(before: Snapshot, after: Snapshot) -> pd.DataFrame:
    """Every change from `before` to `after`, one row each (CHANGE_COLUMNS), by unit then kind.

    A target counts as crossed only when judged on both sides (a first value is not a crossing); a rank
    only when the unit was ranked on both sides; a report status only when newly late or missing."""
    keys = ["year", "unit_code", "unit", "block"]
    targets = before.targets.merge(after.targets, on=[*keys, "indicator", "label"], suffixes=("_before", "_after"))
    targets = targets[targets["meets_target_before"].astype(bool) != targets["meets_target_after"].astype(bool)]
    crossed = pd.DataFrame(
        {
            **{k: targets[k] for k in keys},
            "kind": ["target_met" if met else "target_lost" for met in targets["meets_target_after"].astype(bool)],
            "subject": targets["label"],
            "before": targets["meets_target_before"].astype(bool),
            "after": targets["meets_target_after"].astype(bool),
        }
    )
    ranks = before.ranks.merge(after.ranks, on=keys, suffixes=("_before", "_after"))
    ranks = ranks[ranks["rank_before"] != ranks["rank_after"]]
    moved = pd.DataFrame(
        {
            **{k: ranks[k] for k in keys},
            "kind": "rank",
            "subject": ["locked" if locked else "" for locked in ranks["locked_after"]],  # a locked score moved
            "before": ranks["rank_before"],
            "after": ranks["rank_after"],
        }
    )
    reports = after.reports.merge(before.reports, on=[*keys, "quarter"], how="left", suffixes=("_after", "_before"))
    reports = reports[reports["status_after"].isin(NEW_REPORT_STATUSES) & (reports["status_after"] != reports["status_before"])]
    late = pd.DataFrame(
        {
            **{k: reports[k] for k in keys},
            "kind": reports["status_after"],
            "subject": reports["quarter"],
            "before": reports["status_before"],
            "after": reports["status_after"],
        }
    )
    found = [f.astype(object) for f in (crossed, moved, late) if not f.empty]
    if not found:
        return _frame(CHANGE_COLUMNS)
    changes = pd.concat(found, ignore_index=True)
    order = changes["kind"].map(KINDS.index)
    return (
        changes.assign(_order=order)
        .sort_values(["year", "block", "unit_code", "_order"])
        .drop(columns="_order")[CHANGE_COLUMNS]
        .reset_index(drop=True)
    )


def concerned(changes: pd.DataFrame, watchers: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each watching account's changes (user_name → rows of `changes`); accounts with none are left out."""
    found = {}
    for user, mine in watchers.groupby("user_name", sort=True):
        blocks, units = set(mine["block"].dropna()), set(mine["unit_code"].dropna())
        rows = changes[changes["block"].isin(blocks) | changes["unit_code"].isin(units)]
        if not rows.empty:
            found[str(user)] = rows
    return found


def profile_link(unit_code: str, year: int, public_url: str | None) -> str:
    """The unit profile of that year: absolute under the public address when one is set, else the path."""
    path = f"{PROFILE_PATH}?{urlencode({'year': year, 'period': 'year', 'unit': unit_code})}"
    return f"{public_url.rstrip('/')}{path}" if public_url else path


def change_line(row: pd.Series) -> str:
    kind = row["kind"]
    if kind in ("target_lost", "target_met"):
        return t(f"digest_{kind}", indicator=row["subject"])
    if kind == "rank":
        line = t("digest_rank", block=block_name(str(row["block"])), before=fmt_number(row["before"]), after=fmt_number(row["after"]))
        return line + (t("digest_rank_locked", year=row["year"]) if row["subject"] == "locked" else "")
    return t(f"digest_{kind}", quarter=row["subject"])


def cause_lines(cur: Cursor, since_upload: int, cause: str) -> list[str]:
    """What made the changes: the uploads recorded after `since_upload` (by file name, plain text), else `cause`."""
    rows = cur.execute(
        "SELECT id, kind, created_by, coalesce(file_name, ''), reverts FROM uploads WHERE id > ? ORDER BY id", [since_upload]
    ).fetchall()
    return [
        t("digest_cause_upload", id=upload_id, by=by, file=file_name or kind)
        if reverts is None
        else t("digest_cause_revert", id=upload_id, target=reverts, by=by)
        for upload_id, kind, by, file_name, reverts in rows
    ] or [cause]


def compose(
    user: str, full_name: str, email: str, changes: pd.DataFrame, causes: Sequence[str], cluster: str, public_url: str | None
) -> Mail:
    """One message: what caused the changes, then each unit's changes with a link to its profile."""
    units = []
    for (year, code, name), rows in changes.groupby(["year", "unit_code", "unit"], sort=False):
        lines = [t("digest_unit_heading", unit=name, year=year)]
        lines += [f"• {change_line(row)}" for _, row in rows.iterrows()]
        lines.append(t("digest_link", link=profile_link(str(code), int(year), public_url)))
        units.append("\n".join(lines))
    return Mail(
        to=(email,),
        subject=t("digest_subject", count=len(changes), units=changes["unit_code"].nunique()),
        paragraphs=(
            t("digest_greeting", name=full_name or user),
            t("digest_intro", causes="\n".join(causes)),
            *units,
            t("digest_why", user=user),
            t("mail_signature", cluster=cluster),
        ),
        about=user,
    )


@dataclass
class Notifier:
    """Where and how to send digests; keeps the pending sendings so a short-lived caller (the command
    line) can wait for them before it closes the store."""

    smtp: SmtpSettings
    campaigns: Mapping[int, Campaign]
    public_url: str | None = None
    pending: list[Future[None]] = field(default_factory=list)

    def cluster(self, years: Iterable[int]) -> str:
        named = [self.campaigns[y].cluster for y in sorted(years, reverse=True) if y in self.campaigns and self.campaigns[y].cluster]
        return named[0] if named else t("digest_cluster_unnamed")

    def wait(self) -> None:
        for job in self.pending:
            job.result()


def _record(store: Store, actor: str, deliveries: Sequence[Delivery], counts: Mapping[str, int], error: str | None = None) -> None:
    def work(cur: Cursor) -> None:
        for d in deliveries:
            detail = {"to": d.recipient, "changes": counts.get(d.about, 0), "attempts": d.attempts, "error": d.error}
            audit.record(cur, actor, AUDIT_SENT if d.sent else AUDIT_FAILED, d.about, detail)
        if error is not None:
            audit.record(cur, actor, AUDIT_FAILED, None, {"error": error})

    store.write(work)


def dispatch(store: Store, notifier: Notifier, before: Snapshot, years: Iterable[int], actor: str, cause: str) -> Future[None] | None:
    """After the write: diff, compose and hand the digests to the sending thread (None: nobody to tell)."""
    with store.reading() as cur:
        changes = diff(before, take(cur, years, notifier.campaigns, date.today()))
        if changes.empty:
            return None
        watchers = subscriptions.watchers(cur)
        mine = concerned(changes, watchers)
        if not mine:
            return None
        causes = cause_lines(cur, before.last_upload, cause)
    people = watchers.drop_duplicates("user_name").set_index("user_name")
    cluster = notifier.cluster(years)
    mails = [
        compose(user, str(people.at[user, "full_name"]), str(people.at[user, "email"]), rows, causes, cluster, notifier.public_url)
        for user, rows in mine.items()
    ]
    counts = {user: len(rows) for user, rows in mine.items()}

    def job() -> None:
        try:
            deliveries = deliver.send(notifier.smtp, mails)
        except Exception as exc:
            log.exception("digest sending failed")
            deliveries = [Delivery(m.to[0], m.about, False, 0, str(exc)) for m in mails]
        try:
            _record(store, actor, deliveries, counts)
        except Exception:
            log.exception("digest outcome not recorded")

    future = deliver.send_later(job)
    notifier.pending.append(future)
    return future


@contextmanager
def watching(store: Store, notifier: Notifier | None, years: Iterable[int], actor: str, cause: str) -> Iterator[None]:
    """Around a write: snapshot before, and after it committed, the digests. Nothing here can fail the
    write: a failing snapshot is logged and recorded, and the write goes on."""
    wanted = sorted(set(years))
    before = None
    if notifier is not None and wanted:
        try:
            with store.reading() as cur:
                if subscriptions.any_watcher(cur):
                    before = take(cur, wanted, notifier.campaigns, date.today())
        except Exception as exc:
            log.exception("digest snapshot failed")
            _record_failure(store, actor, exc)
    yield
    if notifier is None or before is None:
        return
    try:
        dispatch(store, notifier, before, wanted, actor, cause)
    except Exception as exc:
        log.exception("digest not prepared")
        _record_failure(store, actor, exc)


def _record_failure(store: Store, actor: str, exc: Exception) -> None:
    try:
        _record(store, actor, (), {}, error=f"{type(exc).__name__}: {exc}")
    except Exception:
        log.exception("digest failure not recorded")
