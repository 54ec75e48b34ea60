"""The meeting pack by e-mail: `send-pack` delivers the PDF to a real SMTP server, and the dashboard's
scheduler sends it at the meeting file's time, once — driven by an explicit clock, never by sleeping."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from analytics.mail.settings import smtp_settings
from analytics.presentation.mailing import due, send_due_packs
from analytics.presentation.meetings import load_meeting
from analytics.presentation.renderer import RENDERER
from analytics.settings import DATA_DIR, Settings
from analytics.store import Store
from analytics.trust import audit, backup
from analytics.trust.auth import system_user
from tests.support import SmtpServer, connection, run_cli

AT = datetime(2016, 11, 1, 8, 0)


def meeting_file(folder: Path, mail: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / "tong-ket-2016.toml"
    file.write_text(
        f'title = "Tổng kết năm 2016 — Khu vực Đồng bằng Bắc Bộ"\nyear = 2016\n{mail}\n'
        '[[slides]]\nkind = "kpi"\n\n[[slides]]\nkind = "units"\nindicator = "xa_ntm"\n',
        encoding="utf-8",
    )
    return file


SCHEDULED = '[mail]\nto = ["LanhDao@stp.test", "vanphong@stp.test"]\nsend_at = 2016-11-01T08:00:00\n'


def test_due_at_its_time_once_retried_an_hour_after_a_failure_and_not_when_long_missed(tmp_path: Path, empty_store: Store) -> None:
    meeting = load_meeting(meeting_file(tmp_path, SCHEDULED))
    assert meeting.recipients == ("lanhdao@stp.test", "vanphong@stp.test") and meeting.send_key == "tong-ket-2016@2016-11-01T08:00"
    cur = connection(empty_store)
    assert not due(cur, meeting, AT - timedelta(minutes=1))
    assert due(cur, meeting, AT) and due(cur, meeting, AT + timedelta(days=1))
    assert not due(cur, meeting, AT + timedelta(days=2, minutes=1))
    # Failures and sendings are stamped by the real clock: a meeting sent today.
    today = datetime.now().replace(second=0, microsecond=0) - timedelta(minutes=5)
    meeting = load_meeting(meeting_file(tmp_path / "today", f'[mail]\nto = ["a@stp.test"]\nsend_at = {today:%Y-%m-%dT%H:%M:%S}\n'))
    empty_store.write(lambda c: audit.record(c, "scheduler", "pack_failed", meeting.send_key))
    assert not due(cur, meeting, datetime.now() + timedelta(minutes=59)) and due(cur, meeting, datetime.now() + timedelta(minutes=61))
    empty_store.write(lambda c: audit.record(c, "scheduler", "pack_sent", meeting.send_key))
    assert not due(cur, meeting, datetime.now() + timedelta(hours=2))
    assert not due(cur, load_meeting(meeting_file(tmp_path / "plain", "")), AT)


def test_a_bad_mail_table_names_the_key(tmp_path: Path) -> None:
    from analytics.config import ConfigError

    with pytest.raises(ConfigError, match=r"mail\.to\[2\]"):
        load_meeting(meeting_file(tmp_path, '[mail]\nto = ["a@stp.test", "không phải địa chỉ"]\n'))
    with pytest.raises(ConfigError, match=r"mail\.send_at"):
        load_meeting(meeting_file(tmp_path, '[mail]\nto = ["a@stp.test"]\nsend_at = "ba ngày trước"\n'))


def pdf_pages(content: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", content))


@pytest.mark.slow
def test_send_pack_delivers_the_pdf_and_the_slideshow(tmp_path: Path, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> None:
    meeting_file(tmp_path / "meetings", SCHEDULED)
    monkeypatch.setenv("THIDUA_MEETINGS", str(tmp_path / "meetings"))
    for key, value in smtp.env().items():
        monkeypatch.setenv(key, value)
    result = run_cli(tmp_path, "send-pack", "--meeting", "tong-ket-2016", "--to", "chutich@stp.test")
    assert result.returncode == 0, result.stderr.decode()
    assert "chutich@stp.test: đã gửi" in result.stdout.decode()
    [(recipients, message)] = smtp.inbox.received
    assert recipients == ["chutich@stp.test"]
    assert message["Subject"] == "Tài liệu họp: Tổng kết năm 2016 — Khu vực Đồng bằng Bắc Bộ"
    pdf, slideshow = list(message.iter_attachments())
    assert pdf.get_content_type() == "application/pdf" and pdf.get_content().startswith(b"%PDF")
    assert pdf_pages(pdf.get_content()) == 2
    assert slideshow.get_content_type() == "text/html" and "Tổng kết năm 2016" in slideshow.get_content()
    assert run_cli(tmp_path, "send-pack", "--meeting", "khong-co").returncode == 2


@pytest.mark.slow
def test_the_scheduler_readies_chromium_and_sends_the_pack_at_its_time_once(tmp_path: Path, demo_store: Store, smtp: SmtpServer) -> None:
    meeting_file(tmp_path / "meetings", SCHEDULED)
    settings = Settings(demo_store.path, DATA_DIR / "units.csv", DATA_DIR / "campaigns", False, tmp_path / "meetings")
    mail = smtp_settings(smtp.env())
    scheduler = backup.Scheduler(demo_store, tmp_path / "backups", jobs=[lambda now: send_due_packs(demo_store, settings, mail, now)])
    RENDERER.close()
    scheduler.run_once(AT - timedelta(minutes=10))
    assert not RENDERER.is_open
    scheduler.run_once(AT - timedelta(seconds=1))  # due within minutes: Chromium gets ready, nothing is sent yet
    assert smtp.inbox.received == [] and RENDERER.is_open
    scheduler.run_once(AT)
    [(recipients, message)] = smtp.inbox.received
    assert sorted(recipients) == ["lanhdao@stp.test", "vanphong@stp.test"]
    assert pdf_pages(next(message.iter_attachments()).get_content()) == 2
    scheduler.run_once(AT + timedelta(minutes=1))
    assert len(smtp.inbox.received) == 1
    trail = audit.trail(connection(demo_store), action="pack_sent")
    assert trail["target"].tolist() == ["tong-ket-2016@2016-11-01T08:00"] and trail["actor"].tolist() == ["scheduler"]
    assert system_user("x").role == "admin"
