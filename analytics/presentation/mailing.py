"""The meeting pack by e-mail: the PDF (and the offline slideshow when small enough) to the meeting
file's recipients, by the command line or by the dashboard's scheduler at the file's `send_at`, once.

A scheduled sending is recorded in the audit trail under the meeting's name and send time; one that
failed is tried again an hour later, and one missed by more than two days (the dashboard was down) is
left to the command line rather than sent out of the blue.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import partial

from analytics.config import Campaign, load_campaigns
from analytics.labels import t
from analytics.mail import deliver
from analytics.mail.compose import Attachment, Mail
from analytics.mail.deliver import Delivery
from analytics.mail.record import last_recorded
from analytics.mail.settings import SmtpSettings
from analytics.presentation.meetings import Meeting
from analytics.presentation.pack import file_stem, offline_html, pdf_bytes, slide_images
from analytics.presentation.renderer import RENDERER
from analytics.presentation.slides import Deck, build_deck, load_all
from analytics.settings import Settings
from analytics.store import Cursor, Store
from analytics.trust import audit
from analytics.trust.auth import Action, User, authorize

# The slideshow carries plotly.js (about 5 MB); base64 adds a third. Past this the mail would near the
# 20–25 MB that common mail servers accept, so the HTML stays home and the PDF goes alone.
HTML_ATTACH_LIMIT = 8 * 1024 * 1024
RETRY_AFTER = timedelta(hours=1)
MISSED_AFTER = timedelta(days=2)
WARM_AHEAD = timedelta(minutes=5)  # more than the scheduler's poll, less than the renderer is kept
SENT, FAILED = "pack_sent", "pack_failed"
SCHEDULER = User("scheduler", "admin", system=True)
Sender = Callable[[Sequence[Mail]], list[Delivery]]


def pack_mail(deck: Deck, to: Sequence[str], cluster: str, lang: str = "vi", *, html_limit: int = HTML_ATTACH_LIMIT) -> Mail:
    stem = file_stem(deck)
    attachments = [Attachment(f"{stem}.pdf", pdf_bytes(slide_images(deck, lang)), "application/pdf")]
    slideshow = offline_html(deck, lang).encode("utf-8")
    if len(slideshow) <= html_limit:
        attachments.append(Attachment(f"{stem}.html", slideshow, "text/html"))
        note = t("pack_mail_with_html", lang)
    else:
        note = t("pack_mail_without_html", lang, mb=round(len(slideshow) / 1024 / 1024, 1))
    return Mail(
        tuple(to),
        t("pack_mail_subject", lang, title=deck.title),
        (
            t("pack_mail_greeting", lang),
            t("pack_mail_body", lang, title=deck.title, slides=len(deck.slides)),
            note,
            t("mail_signature", lang, cluster=cluster),
        ),
        tuple(attachments),
        about=deck.meeting,
    )


def send_pack(
    store: Store, actor: User | None, deck: Deck, to: Sequence[str], send: Sender, *, cluster: str, key: str, lang: str = "vi"
) -> list[Delivery]:
    """Mail the pack and record the outcome under `key` (sent when anyone received it)."""
    authorize(actor, Action.SEND_MAIL)
    assert actor is not None
    deliveries = send([pack_mail(deck, to, cluster, lang)])
    detail = {"sent": [d.recipient for d in deliveries if d.sent], "failed": {d.recipient: d.error for d in deliveries if not d.sent}}
    action = SENT if any(d.sent for d in deliveries) else FAILED

    def work(cur: Cursor) -> None:
        audit.record(cur, actor.name, action, key, detail)

    store.write(work)
    return deliveries


def due(cur: Cursor, meeting: Meeting, now: datetime) -> bool:
    """Its time has come, not more than two days ago, it was not sent, and no failure in the last hour."""
    if meeting.send_at is None or not meeting.recipients or not meeting.send_at <= now < meeting.send_at + MISSED_AFTER:
        return False
    if last_recorded(cur, SENT, meeting.send_key) is not None:
        return False
    failed = last_recorded(cur, FAILED, meeting.send_key)
    return failed is None or now - failed >= RETRY_AFTER


def coming_soon(meeting: Meeting, now: datetime) -> bool:
    """Its sending time is less than WARM_AHEAD away: time to get the chart renderer ready."""
    return meeting.send_at is not None and bool(meeting.recipients) and meeting.send_at - WARM_AHEAD <= now < meeting.send_at


def send_due_packs(store: Store, settings: Settings, smtp: SmtpSettings | None, now: datetime, *, send: Sender | None = None) -> list[str]:
    """The scheduler's job: every meeting whose pack is due, built and sent now. Returns their names.
    A pack due within minutes gets the chart renderer started now, so that at its time only the
    charts are left to draw."""
    if smtp is None:
        return []
    campaigns: dict[int, Campaign] = load_campaigns(settings.campaigns_dir)
    meetings = load_all(settings.meetings_dir, campaigns)
    if any(coming_soon(m, now) for m in meetings.values()):
        RENDERER.start()
    sent = []
    for meeting in meetings.values():
        with store.reading() as cur:
            if not due(cur, meeting, now):
                continue
            RENDERER.start()
            deck = build_deck(cur, meeting, campaigns=campaigns)
        cluster = campaigns[meeting.year].cluster if meeting.year in campaigns else ""
        send_pack(store, SCHEDULER, deck, meeting.recipients, send or partial(deliver.send, smtp), cluster=cluster, key=meeting.send_key)
        sent.append(meeting.name)
    return sent
