"""Change digests against a real SMTP server: after an upload, each subscriber of a changed unit or
block gets one message listing its changes, nobody else gets anything, and user text stays inert."""

from __future__ import annotations

import io
from email.message import EmailMessage
from pathlib import Path

import pandas as pd
import pytest

from analytics.config import load_campaigns
from analytics.ingest import validate
from analytics.ingest.readers import source_from_bytes
from analytics.mail.settings import smtp_settings
from analytics.reporting import digests, subscriptions
from analytics.settings import DATA_DIR
from analytics.store import Store
from analytics.trust import actions, audit, auth
from tests.support import SmtpServer, connection, run_cli

ROOT = auth.system_user("test")
CAMPAIGNS = load_campaigns(DATA_DIR / "campaigns")
HEADER = "Mã đơn vị,Năm,Quý,dien_hinh,xa_ntm"


def upload(store: Store, rows: list[str], notifier: digests.Notifier | None, name: str = "q1.csv") -> None:
    text = "\r\n".join([HEADER, *rows]) + "\r\n"
    checked = validate.check(connection(store), [source_from_bytes(name, text.encode())])
    assert checked.ok, checked.problems
    actions.commit_upload(store, checked, ROOT, backups_root=Path(store.path).parent / "backups", notifier=notifier)
    if notifier is not None:
        notifier.wait()


@pytest.fixture
def notifier(smtp: SmtpServer) -> digests.Notifier:
    settings = smtp_settings(smtp.env())
    assert settings is not None
    return digests.Notifier(settings, CAMPAIGNS, public_url="https://thidua.example.vn/")


@pytest.fixture
def watched(empty_store: Store) -> Store:
    """Quarter 1 of 2016 held for two departments, both meeting the targets of dien_hinh and xa_ntm;
    one leader follows STP_QN, another the THADS block, a third has no subscription."""
    upload(empty_store, ["STP_QN,2016,1,1,2", "STP_BN,2016,1,1,2"], None)
    for name, email in (("ld.qn", "lanhdao@stpqn.test"), ("ld.thads", "lanhdao@thads.test"), ("ld.none", "khac@x.test")):
        auth.add_user(empty_store, ROOT, name, "viewer", None, email=email, full_name=f"Lãnh đạo {name}")
    actions.subscribe(empty_store, ROOT, "ld.qn", units=("STP_QN",))
    actions.subscribe(empty_store, ROOT, "ld.thads", block="THADS")
    return empty_store


def plain(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def test_an_upload_pushing_a_unit_below_its_target_sends_one_digest_to_its_subscriber_only(
    watched: Store, notifier: digests.Notifier, smtp: SmtpServer
) -> None:
    upload(watched, ["STP_QN,2016,1,0,2"], notifier)
    [(recipients, message)] = smtp.inbox.received
    assert recipients == ["lanhdao@stpqn.test"]
    text = plain(message)
    assert "Kính gửi: Lãnh đạo ld.qn," in text
    assert "• Điển hình tiên tiến xây dựng được: không còn đạt chỉ tiêu" in text
    assert "https://thidua.example.vn/unit_profile?year=2016&period=year&unit=STP_QN" in text
    assert "lần tải lên số" in text and "q1.csv" in text
    sent = audit.trail(connection(watched), action="digest")
    assert sent["target"].tolist() == ["ld.qn"]


@pytest.mark.slow  # a variant of the upload digest above
def test_two_changes_in_one_upload_make_one_message_listing_both(watched: Store, notifier: digests.Notifier, smtp: SmtpServer) -> None:
    actions.lock_scores(watched, ROOT, 2016)  # the rank the upload moves is then the official one
    upload(watched, ["STP_QN,2016,1,0,0"], notifier)
    [(recipients, message)] = smtp.inbox.received
    assert recipients == ["lanhdao@stpqn.test"]
    text = plain(message)
    assert text.count("không còn đạt chỉ tiêu") == 2
    assert text.count("unit_profile?") == 1  # one unit, one link
    assert "• Xếp hạng trong Khối Sở Tư pháp: từ thứ 1 thành thứ 2 (điểm năm 2016 đã khóa: thứ tự xếp chính thức thay đổi)" in text


@pytest.mark.slow  # a variant of the upload digest above
def test_a_block_subscriber_hears_of_its_block_and_the_way_back_up_is_a_change_too(
    watched: Store, notifier: digests.Notifier, smtp: SmtpServer
) -> None:
    upload(watched, ["STP_QN,2016,1,0,2"], None)
    actions.subscribe(watched, ROOT, "ld.none", block="STP")
    upload(watched, ["STP_QN,2016,1,1,2"], notifier)
    assert smtp.inbox.recipients() == ["khac@x.test", "lanhdao@stpqn.test"]
    assert all("nay đã đạt chỉ tiêu" in plain(m) for _, m in smtp.inbox.received)


@pytest.mark.slow  # another change behind the same digest as the upload test
def test_a_revert_that_brings_a_unit_back_to_its_target_sends_the_digest(
    watched: Store, notifier: digests.Notifier, smtp: SmtpServer
) -> None:
    upload(watched, ["STP_QN,2016,1,0,2"], None)
    row = connection(watched).execute("SELECT max(id) FROM uploads").fetchone()
    assert row is not None
    actions.revert_upload(watched, int(row[0]), ROOT, backups_root=Path(watched.path).parent / "backups", notifier=notifier)
    notifier.wait()
    [(recipients, message)] = smtp.inbox.received
    assert recipients == ["lanhdao@stpqn.test"]
    text = plain(message)
    assert f"(hoàn tác lần tải lên số {int(row[0])})" in text and "nay đã đạt chỉ tiêu" in text


@pytest.mark.slow  # another change behind the same digest as the upload and revert tests
def test_the_secretariats_review_of_a_score_that_moves_a_rank_sends_the_digest(
    watched: Store, notifier: digests.Notifier, smtp: SmtpServer
) -> None:
    rubric = CAMPAIGNS[2016].rubric
    assert rubric is not None
    (manual,) = rubric.manual()
    actions.self_assess(watched, ROOT, 2016, "STP_BN", manual, 0, "tự chấm")  # the unit's own claim sends nothing
    actions.review_assessment(watched, ROOT, 2016, "STP_BN", manual, manual.max_points, "đủ minh chứng", notifier=notifier)
    notifier.wait()
    [(recipients, message)] = smtp.inbox.received
    assert recipients == ["lanhdao@stpqn.test"]  # STP_QN was pushed down a place by STP_BN's points
    text = plain(message)
    assert "Xếp hạng trong Khối Sở Tư pháp: từ thứ 1 thành thứ 2" in text and "duyệt điểm tự chấm của STP_BN" in text


def test_hostile_text_in_the_upload_cannot_become_markup_in_the_digest(
    watched: Store, notifier: digests.Notifier, smtp: SmtpServer
) -> None:
    hostile = '<img src=x onerror="alert(1)"><a href="https://evil.test">bấm</a>.csv'
    upload(watched, ["STP_QN,2016,1,0,2"], notifier, name=hostile)
    [(_, message)] = smtp.inbox.received
    html_part = message.get_body(("html",))
    assert html_part is not None
    markup = str(html_part.get_content())
    assert "<img" not in markup and "<a " not in markup
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in markup
    assert hostile in plain(message)  # shown as it was written, as text


@pytest.mark.slow  # nobody else gets the upload test's digest either
def test_no_subscriber_means_no_message(empty_store: Store, notifier: digests.Notifier, smtp: SmtpServer) -> None:
    upload(empty_store, ["STP_QN,2016,1,1,2"], None)
    auth.add_user(empty_store, ROOT, "ld.qn", "viewer", None, email="lanhdao@stpqn.test")
    upload(empty_store, ["STP_QN,2016,1,0,0"], notifier)
    assert smtp.inbox.received == [] and notifier.pending == []


def test_a_mail_failure_is_recorded_and_never_fails_the_upload(
    watched: Store, notifier: digests.Notifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> list[object]:
        raise ConnectionError("máy chủ thư không trả lời")

    monkeypatch.setattr(digests.deliver, "send", broken)
    upload(watched, ["STP_QN,2016,1,0,2"], notifier)
    row = connection(watched).execute("SELECT value FROM facts WHERE unit_code = 'STP_QN' AND indicator = 'dien_hinh'").fetchone()
    assert row is not None and row[0] == 0
    failed = audit.trail(connection(watched), action="digest_failed")
    assert failed["target"].tolist() == ["ld.qn"] and "máy chủ thư không trả lời" in failed["detail"].iloc[0]


@pytest.mark.slow  # several accounts; the command line's subscriptions stay quick
def test_an_account_manages_its_own_subscriptions_and_the_secretariat_anyones(watched: Store) -> None:
    own = auth.get_user(connection(watched), "ld.none")
    assert own is not None
    with pytest.raises(auth.PermissionDenied):
        actions.subscribe(watched, own, "ld.qn", block="STP")
    [new] = actions.subscribe(watched, own, "ld.none", units=("THADS_HY", "THADS_HY"))
    assert actions.subscribe(watched, own, "ld.none", units=("THADS_HY",)) == []  # already followed
    [qn_id] = subscriptions.listing(connection(watched), "ld.qn")["id"].tolist()
    with pytest.raises(auth.PermissionDenied):
        actions.unsubscribe(watched, own, qn_id)
    actions.unsubscribe(watched, own, new)
    actions.unsubscribe(watched, ROOT, qn_id)
    assert subscriptions.listing(connection(watched))["user"].tolist() == ["ld.thads"]
    assert audit.trail(connection(watched), action="unsubscribe")["actor"].tolist() == [ROOT.name, "ld.none"]
    with pytest.raises(subscriptions.SubscriptionError, match="chưa có địa chỉ"):
        auth.add_user(watched, ROOT, "no.mail", "viewer", "mat-khau-du-dai-2016-x")
        actions.subscribe(watched, ROOT, "no.mail", block="STP")


def snapshot(targets: list[tuple], ranks: list[tuple], reports: list[tuple]) -> digests.Snapshot:
    return digests.Snapshot(
        pd.DataFrame(targets, columns=digests.TARGET_COLUMNS),
        pd.DataFrame(ranks, columns=digests.RANK_COLUMNS),
        pd.DataFrame(reports, columns=digests.REPORT_COLUMNS),
    )


def test_the_diff_finds_crossings_rank_moves_and_new_late_or_missing_reports_only() -> None:
    unit_a, unit_b = (2016, "A", "Đơn vị A", "STP"), (2016, "B", "Đơn vị B", "STP")
    before = snapshot(
        [(*unit_a, "x", "Chỉ tiêu X", True), (*unit_a, "y", "Chỉ tiêu Y", False), (*unit_b, "x", "Chỉ tiêu X", True)],
        [(*unit_a, 1, False), (*unit_b, 2, False)],
        [(*unit_a, 1, "late"), (*unit_a, 2, "pending"), (*unit_b, 1, "on_time")],
    )
    after = snapshot(
        [
            (*unit_a, "x", "Chỉ tiêu X", False),
            (*unit_a, "y", "Chỉ tiêu Y", True),
            (*unit_b, "x", "Chỉ tiêu X", True),
            (*unit_b, "z", "Chỉ tiêu Z", False),
        ],
        [(*unit_a, 2, False), (*unit_b, 1, True)],
        [(*unit_a, 1, "late"), (*unit_a, 2, "missing"), (*unit_b, 1, "revised")],
    )
    changes = digests.diff(before, after)
    assert changes[["unit_code", "kind", "subject", "before", "after"]].values.tolist() == [
        ["A", "target_lost", "Chỉ tiêu X", True, False],
        ["A", "target_met", "Chỉ tiêu Y", False, True],
        ["A", "rank", "", 1, 2],
        ["A", "missing", 2, "pending", "missing"],
        ["B", "rank", "locked", 2, 1],
    ]  # B's first value of z is no crossing, A's quarter 1 was late already, B's revision is not late
    assert digests.diff(after, after).empty


def test_the_link_is_the_path_alone_without_a_public_address() -> None:
    assert digests.profile_link("STP_QN", 2016, None) == "/unit_profile?year=2016&period=year&unit=STP_QN"
    assert (
        digests.profile_link("STP_QN", 2016, "https://a.vn/thidua/") == "https://a.vn/thidua/unit_profile?year=2016&period=year&unit=STP_QN"
    )


def test_the_command_line_subscribes_lists_and_removes_and_its_import_sends_the_digest(
    tmp_path: Path, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def cli(*args: str, stdin: str = "") -> str:
        result = run_cli(tmp_path, *args, demo=False, stdin=stdin)
        assert result.returncode == 0, result.stderr.decode()
        return result.stdout.decode()

    def quarter(name: str, rows: list[str]) -> str:
        (tmp_path / name).write_text("\r\n".join([HEADER, *rows]) + "\r\n", encoding="utf-8")
        return str(tmp_path / name)

    cli("import", quarter("a.csv", ["STP_QN,2016,1,1,2"]))
    cli("user", "add", "ld.qn", "--role", "viewer", "--email", "LanhDao@stpqn.test", stdin="mat-khau-du-dai-2016\n")
    assert "số 1" in cli("subscribe", "--user", "ld.qn", "--unit", "STP_QN")
    listed = pd.read_csv(io.StringIO(cli("subscribe", "--list")))
    assert listed.columns.tolist() == subscriptions.LIST_COLUMNS
    assert listed[["id", "user", "email", "unit_code"]].values.tolist() == [[1, "ld.qn", "lanhdao@stpqn.test", "STP_QN"]]
    for key, value in smtp.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("THIDUA_PUBLIC_URL", raising=False)
    cli("import", quarter("b.csv", ["STP_QN,2016,1,0,2"]))
    [(recipients, message)] = smtp.inbox.received
    assert recipients == ["lanhdao@stpqn.test"]
    assert "Xem hồ sơ đơn vị: /unit_profile?year=2016&period=year&unit=STP_QN" in plain(message)
    cli("subscribe", "--remove", "1")
    assert pd.read_csv(io.StringIO(cli("subscribe", "--list"))).empty
    cli("import", quarter("c.csv", ["STP_QN,2016,1,1,2"]))
    assert len(smtp.inbox.received) == 1
