"""A message as the standard library builds it: UTF-8 plain text, an HTML alternative made only of
escaped values, and attachments. Nothing here writes MIME by hand."""

from __future__ import annotations

import html
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime: str  # "maintype/subtype"; text/* content is UTF-8


@dataclass(frozen=True)
class Mail:
    to: tuple[str, ...]
    subject: str
    paragraphs: tuple[str, ...]  # plain text; a line break inside one is kept
    attachments: tuple[Attachment, ...] = ()
    about: str = ""  # what the mail concerns (a unit code, a meeting), carried into the results


def html_body(paragraphs: tuple[str, ...]) -> str:
    """Each paragraph escaped, then wrapped: user text (unit names, notes) can never become markup."""
    body = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    return f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"></head><body>{body}</body></html>'


def email_message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(mail.to)
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    message.set_content("\n\n".join(mail.paragraphs) + "\n", charset="utf-8")
    message.add_alternative(html_body(mail.paragraphs), subtype="html", charset="utf-8")
    for item in mail.attachments:
        maintype, _, subtype = item.mime.partition("/")
        if maintype == "text":  # text travels with its charset, so the reader's mail program shows Vietnamese
            message.add_attachment(item.content.decode("utf-8"), subtype=subtype, charset="utf-8", filename=item.filename)
        else:
            message.add_attachment(item.content, maintype=maintype, subtype=subtype, filename=item.filename)
    return message
