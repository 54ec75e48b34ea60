"""The mail core against a real SMTP server (aiosmtpd on 127.0.0.1): what arrives, retries, failures."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from analytics.downloads import XLSX_MIME
from analytics.mail.compose import Attachment, Mail
from analytics.mail.deliver import send, send_one
from analytics.mail.settings import MailSettingsError, SmtpSettings, smtp_settings
from tests.support import SmtpServer, smtp_server

SUBJECT = "Nhắc gửi số liệu quý 2/2016 — Sở Tư pháp tỉnh Quảng Ninh"
BODY = "Kính gửi: Cục Thi hành án dân sự tỉnh Hưng Yên,\nhạn gửi là 15/07/2016 — đề nghị đơn vị khẩn trương."


def settings_for(server: SmtpServer) -> SmtpSettings:
    found = smtp_settings(server.env())
    assert found is not None
    return found


def workbook_bytes() -> bytes:
    book = Workbook()
    assert book.active is not None
    book.active["A1"] = "Mã đơn vị"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_vietnamese_subject_body_and_attachment_arrive_intact(smtp: SmtpServer) -> None:
    hostile = "<script>alert(1)</script> & “Tư pháp”"
    mail = Mail(
        ("dauMoi@stp.test", "thuky@stp.test"),
        SUBJECT,
        (BODY, hostile),
        (Attachment("mẫu_báo_cáo.xlsx", workbook_bytes(), XLSX_MIME),),
        about="STP_QN",
    )
    results = send(settings_for(smtp), [mail])
    assert [(d.recipient, d.sent, d.about) for d in results] == [("dauMoi@stp.test", True, "STP_QN"), ("thuky@stp.test", True, "STP_QN")]
    [(recipients, message)] = smtp.inbox.received
    assert sorted(recipients) == ["dauMoi@stp.test", "thuky@stp.test"]
    assert message["Subject"] == SUBJECT
    assert message["From"] == "Văn phòng Khu vực <vanphong@thidua.test>"
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    text = plain.get_content().replace("\r\n", "\n")  # SMTP carries lines as CRLF
    assert text == f"{BODY}\n\n{hostile}\n"
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; “Tư pháp”" in html.get_content()
    assert "<script>" not in html.get_content()
    [attached] = list(message.iter_attachments())
    assert attached.get_filename() == "mẫu_báo_cáo.xlsx"
    sheet = load_workbook(io.BytesIO(attached.get_content())).active
    assert sheet is not None and sheet["A1"].value == "Mã đơn vị"


def test_a_refused_connection_is_retried_with_backoff_and_then_delivered() -> None:
    server = smtp_server()  # not listening yet: the first attempt is refused
    pauses: list[float] = []

    def pause(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 2:
            server.start()  # the server comes back during the second pause

    try:
        [result] = send_one(settings_for(server), Mail(("a@stp.test",), SUBJECT, (BODY,)), attempts=3, backoff=0.5, sleep=pause)
    finally:
        server.stop()
    assert pauses == [0.5, 1.0]
    assert result.sent and result.attempts == 3
    assert len(server.inbox.received) == 1


def test_a_server_that_never_answers_fails_each_recipient_after_the_last_attempt() -> None:
    server = smtp_server()
    pauses: list[float] = []
    results = send_one(
        settings_for(server), Mail(("a@stp.test", "b@stp.test"), SUBJECT, (BODY,)), attempts=3, backoff=1, sleep=pauses.append
    )
    assert pauses == [1, 2]
    assert [(d.sent, d.attempts) for d in results] == [(False, 3), (False, 3)]
    assert all(d.error and "không kết nối được máy chủ thư 127.0.0.1" in d.error for d in results)


def test_a_refused_address_fails_alone_and_is_not_retried(smtp: SmtpServer) -> None:
    pauses: list[float] = []
    results = send_one(settings_for(smtp), Mail(("refuse-me@stp.test", "ok@stp.test"), SUBJECT, (BODY,)), sleep=pauses.append)
    by_address = {d.recipient: d for d in results}
    assert by_address["ok@stp.test"].sent
    refused = by_address["refuse-me@stp.test"]
    assert not refused.sent and refused.attempts == 1 and refused.error is not None and "550" in refused.error
    assert pauses == []
    assert smtp.inbox.recipients() == ["ok@stp.test"]


def test_every_recipient_refused_is_reported_per_recipient(smtp: SmtpServer) -> None:
    results = send_one(settings_for(smtp), Mail(("refuse-a@stp.test", "refuse-b@stp.test"), SUBJECT, (BODY,)), sleep=pytest.fail)
    assert [(d.recipient, d.sent) for d in results] == [("refuse-a@stp.test", False), ("refuse-b@stp.test", False)]
    assert smtp.inbox.received == []


def test_settings_come_from_the_environment_first_then_secrets_and_hide_the_password() -> None:
    secrets = {"host": "mail.secrets.test", "port": 465, "security": "ssl", "user": "vp", "password": "bí-mật-123", "from": "vp@stp.test"}
    found = smtp_settings({"THIDUA_SMTP_HOST": "mail.env.test"}, secrets)
    assert found == SmtpSettings("mail.env.test", 465, "ssl", "vp@stp.test", "vp", "bí-mật-123")
    assert "bí-mật" not in repr(found)
    assert smtp_settings({}, None) is None
    assert smtp_settings({"THIDUA_SMTP_HOST": "h", "THIDUA_SMTP_FROM": "a@b.test"}) == SmtpSettings("h", 587, "starttls", "a@b.test")
    with pytest.raises(MailSettingsError, match="THIDUA_SMTP_SECURITY"):
        smtp_settings({"THIDUA_SMTP_HOST": "h", "THIDUA_SMTP_SECURITY": "tls", "THIDUA_SMTP_FROM": "a@b.test"})
    with pytest.raises(MailSettingsError, match="THIDUA_SMTP_PORT"):
        smtp_settings({"THIDUA_SMTP_HOST": "h", "THIDUA_SMTP_PORT": "smtp", "THIDUA_SMTP_FROM": "a@b.test"})
    with pytest.raises(MailSettingsError, match="THIDUA_SMTP_FROM"):
        smtp_settings({"THIDUA_SMTP_HOST": "h"})
