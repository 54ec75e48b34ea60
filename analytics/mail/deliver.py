"""Delivering mail over SMTP, with a result for every recipient.

A server that cannot be reached, drops the line or answers 4xx (try later) is tried again after a
growing pause; a 5xx answer (unknown address, refused sender, bad login) is final at once. Each mail
goes over its own connection, so one bad message cannot take the others down with it.
"""

from __future__ import annotations

import smtplib
import ssl
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from analytics.labels import t
from analytics.mail.compose import Mail, email_message
from analytics.mail.settings import SmtpSettings

T = TypeVar("T")
ATTEMPTS = 3
BACKOFF_SECONDS = 2.0  # then 4 s: a restarting mail server is back within seconds
TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Delivery:
    recipient: str
    about: str
    sent: bool
    attempts: int
    error: str | None = None


def _connect(settings: SmtpSettings, timeout: float) -> smtplib.SMTP:
    if settings.security == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
    try:
        if settings.security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if settings.user:
            smtp.login(settings.user, settings.password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _answer(code: int, detail: bytes | str) -> str:
    text = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
    return t("mail_server_said", code=code, detail=text)


def send_one(
    settings: SmtpSettings,
    mail: Mail,
    *,
    attempts: int = ATTEMPTS,
    backoff: float = BACKOFF_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
    timeout: float = TIMEOUT_SECONDS,
) -> list[Delivery]:
    """Send `mail` to each of its recipients; returns one Delivery per recipient, in `mail.to` order."""
    message = email_message(mail, settings.sender)
    recipients = list(dict.fromkeys(mail.to))
    pending = recipients
    done: dict[str, Delivery] = {}
    for attempt in range(1, attempts + 1):
        answers: dict[str, tuple[int, str]] = {}  # recipient → (SMTP code or 0 for no answer, reason)
        try:
            with _connect(settings, timeout) as smtp:
                refused = smtp.send_message(message, to_addrs=pending)
            answers = {r: (code, _answer(code, detail)) for r, (code, detail) in refused.items()}
        except smtplib.SMTPRecipientsRefused as exc:
            answers = {r: (code, _answer(code, detail)) for r, (code, detail) in exc.recipients.items()}
        except smtplib.SMTPResponseException as exc:  # sender refused, bad login, message refused
            answers = dict.fromkeys(pending, (exc.smtp_code, _answer(exc.smtp_code, exc.smtp_error)))
        except smtplib.SMTPNotSupportedError as exc:  # e.g. no STARTTLS: trying again cannot help
            answers = dict.fromkeys(pending, (550, t("mail_not_supported", detail=exc)))
        except OSError as exc:  # refused connection, timeout, dropped line, TLS failure
            answers = dict.fromkeys(pending, (0, t("mail_unreachable", host=settings.host, port=settings.port, detail=exc)))
        last = attempt == attempts
        for recipient in pending:
            code, reason = answers.get(recipient, (250, ""))
            if code == 250:
                done[recipient] = Delivery(recipient, mail.about, True, attempt)
            elif last or code >= 500:
                done[recipient] = Delivery(recipient, mail.about, False, attempt, reason)
        pending = [r for r in pending if r not in done]
        if not pending:
            break
        sleep(backoff * 2 ** (attempt - 1))
    return [done[r] for r in recipients]


def send(settings: SmtpSettings, mails: Sequence[Mail], **options: object) -> list[Delivery]:
    """Every mail in turn; one Delivery per recipient of each."""
    return [d for mail in mails for d in send_one(settings, mail, **options)]  # type: ignore[arg-type]


# One sending thread for the process: a page hands its mail over and returns at once.
_outbox = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mail")


def send_later(work: Callable[[], T]) -> Future[T]:
    """Run a sending job (which may take minutes with retries) off the caller's thread."""
    return _outbox.submit(work)
