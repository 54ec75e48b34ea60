"""The upload page's store sends the change digest: a real SMTP server on 127.0.0.1 receives one
message for the subscriber, after the page has already said the figures are stored."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.trust import actions, auth
from tests.pages.test_auth_pages import LOGIN, ROOT, login, with_store
from tests.support import TESTS, UPLOADS, SmtpServer, button, shown

UPLOAD = str(TESTS.parent / "pages" / "upload.py")
pytestmark = pytest.mark.slow  # AppTest runs of a page
PASSWORD = "mat khau thu ky cum"


def test_storing_on_the_upload_page_mails_one_digest_to_the_subscriber(
    app_env: Path, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in smtp.env().items():
        monkeypatch.setenv(key, value)

    def prepare(store) -> None:  # type: ignore[no-untyped-def]
        auth.add_user(store, ROOT, "thuky", "admin", PASSWORD, email="thuky@cum.test")
        auth.add_user(store, ROOT, "khac", "viewer", PASSWORD, email="khac@cum.test")
        actions.subscribe(store, ROOT, "thuky", block="STP")
        actions.subscribe(store, ROOT, "thuky", block="THADS")

    with_store(prepare)
    session = login(AppTest.from_file(LOGIN, default_timeout=60).run(), "thuky", PASSWORD).session_state["_auth_session"]
    at = AppTest.from_file(UPLOAD, default_timeout=60)
    at.session_state["_auth_session"] = session
    at.run()
    path = UPLOADS / "good" / "excel_vn_windows1258_semicolon.csv"
    at.file_uploader[0].set_value([(path.name, path.read_bytes(), "text/csv")]).run()
    at.checkbox(key="up_replace_demo").check().run()
    button(at, "up_commit").click().run()
    assert not at.exception
    assert any("excel_vn_windows1258_semicolon.csv" in shown(s.value) for s in at.success)
    deadline = time.monotonic() + 30  # the page does not wait for the mail: it goes on the sending thread
    while not smtp.inbox.received and time.monotonic() < deadline:
        time.sleep(0.1)
    [(recipients, message)] = smtp.inbox.received
    assert recipients == ["thuky@cum.test"]
    body = message.get_body(("plain",))
    assert body is not None and "gửi muộn" in body.get_content()  # the demo's quarters were no submissions
