"""Reminders: one message to each unit that has not sent a quarter, to its accounts' addresses, naming
the deadline and carrying the unit's own upload template. A unit reminded today is not reminded again
the same day unless asked (`force`); every reminder sent (or failed) is in the audit trail."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from analytics.config import Campaign
from analytics.downloads import XLSX_MIME, xlsx_bytes
from analytics.ingest import templates
from analytics.labels import fmt_date, t
from analytics.mail.compose import Attachment, Mail
from analytics.mail.deliver import Delivery
from analytics.registry import Unit, units_in
from analytics.reporting.deadlines import calendar_of
from analytics.reporting.status import not_reported, status_board
from analytics.store import Cursor, Store
from analytics.trust import audit
from analytics.trust.auth import Action, User, authorize

AUDIT_SENT, AUDIT_FAILED = "remind", "remind_failed"
Sender = Callable[[Sequence[Mail]], list[Delivery]]


@dataclass(frozen=True)
class Reminder:
    unit_code: str
    unit_name: str
    deadline: date | None
    addresses: tuple[str, ...]
    skip: str | None = None  # "reminded_today" or "no_address": planned but not sent
    deliveries: tuple[Delivery, ...] = field(default=())

    @property
    def sent(self) -> bool:
        return any(d.sent for d in self.deliveries)

    @property
    def failed(self) -> bool:
        """Some address did not get it (the others may have)."""
        return any(not d.sent for d in self.deliveries)


def unit_addresses(cur: Cursor, unit_codes: list[str]) -> dict[str, tuple[str, ...]]:
    """Each unit's accounts' e-mail addresses (accounts bound to the unit), sorted."""
    rows = cur.execute(
        "SELECT unit_code, email FROM users WHERE role = 'unit' AND email IS NOT NULL AND unit_code IN (SELECT unnest(?::VARCHAR[]))"
        " ORDER BY unit_code, email",
        [unit_codes],
    ).fetchall()
    found: dict[str, list[str]] = {}
    for code, email in rows:
        found.setdefault(code, []).append(email)
    return {code: tuple(emails) for code, emails in found.items()}


def reminded_on(cur: Cursor, day: date) -> set[str]:
    """Units a reminder reached on `day` (the audit trail is the record)."""
    rows = cur.execute("SELECT DISTINCT target FROM audit WHERE action = ? AND CAST(happened_at AS DATE) = ?", [AUDIT_SENT, day]).fetchall()
    return {r[0] for r in rows}


def plan(cur: Cursor, campaign: Campaign, quarter: int, now: datetime, *, force: bool = False) -> list[Reminder]:
    """Who would be reminded of `quarter` now, and who is skipped and why."""
    calendar = calendar_of(campaign)
    board = status_board(cur, calendar, now.date(), quarter=quarter)
    missing = not_reported(board)
    names = dict(zip(board["unit_code"], board["unit_name"], strict=False))
    addresses = unit_addresses(cur, missing)
    already = set() if force else reminded_on(cur, now.date())
    planned = []
    for code in missing:
        skip = "reminded_today" if code in already else ("no_address" if code not in addresses else None)
        planned.append(Reminder(code, names[code], calendar.deadline(quarter), addresses.get(code, ()), skip))
    return planned


def message(reminder: Reminder, campaign: Campaign, unit: Unit, quarter: int, today: date) -> Mail:
    """The reminder in Vietnamese, with the unit's template (its own row only) attached."""
    year = campaign.year
    if reminder.deadline is None:
        when = t("remind_no_deadline")
    elif today > reminder.deadline:
        when = t("remind_overdue", deadline=fmt_date(reminder.deadline), days=(today - reminder.deadline).days)
    else:
        when = t("remind_due", deadline=fmt_date(reminder.deadline))
    frame = templates.template_frame([unit], campaign, quarter)
    attachment = Attachment(f"mau_bao_cao_{year}_Q{quarter}_{unit.code}.xlsx", xlsx_bytes(frame, templates.SHEET), XLSX_MIME)
    return Mail(
        to=reminder.addresses,
        subject=t("remind_subject", quarter=quarter, year=year, unit=unit.short_name),
        paragraphs=(
            t("remind_greeting", unit=unit.name),
            t("remind_body", cluster=campaign.cluster, quarter=quarter, year=year, when=when),
            t("remind_template"),
            t("mail_signature", cluster=campaign.cluster),
        ),
        attachments=(attachment,),
        about=unit.code,
    )


def send_reminders(
    store: Store,
    actor: User | None,
    campaign: Campaign,
    units: list[Unit],
    quarter: int,
    send: Sender,
    *,
    now: datetime,
    force: bool = False,
) -> list[Reminder]:
    """Send the planned reminders through `send` and record each unit's outcome in the audit trail."""
    authorize(actor, Action.SEND_MAIL)
    assert actor is not None
    by_code = {u.code: u for u in units_in(units, campaign.year, quarter)}  # each unit as it was named that quarter
    with store.reading() as cur:
        planned = plan(cur, campaign, quarter, now, force=force)
    due = [r for r in planned if r.skip is None]
    deliveries = send([message(r, campaign, by_code[r.unit_code], quarter, now.date()) for r in due])
    done = [replace(r, deliveries=tuple(d for d in deliveries if d.about == r.unit_code)) for r in due]

    def work(cur: Cursor) -> None:
        for r in done:
            detail = {
                "year": campaign.year,
                "quarter": quarter,
                "sent": [d.recipient for d in r.deliveries if d.sent],
                "failed": {d.recipient: d.error for d in r.deliveries if not d.sent},
                "forced": force,
            }
            audit.record(cur, actor.name, AUDIT_SENT if r.sent else AUDIT_FAILED, r.unit_code, detail)

    if done:
        store.write(work)
    outcome = {r.unit_code: r for r in done}
    return [outcome.get(r.unit_code, r) for r in planned]  # in the plan's order: the units as every list shows them


def reminder_recipients(reminder: Reminder) -> str:
    """The addresses a planned reminder would go to; once sent, those it reached."""
    if reminder.deliveries:
        return ", ".join(d.recipient for d in reminder.deliveries if d.sent)
    return ", ".join(reminder.addresses)


def reminder_note(reminder: Reminder, lang: str = "vi") -> str:
    """Why a unit was skipped, or which addresses the reminder did not reach (and the server's answer)."""
    if reminder.skip:
        return t("remind_skip_" + reminder.skip, lang)
    return "; ".join(f"{d.recipient} ({d.error})" for d in reminder.deliveries if not d.sent)
