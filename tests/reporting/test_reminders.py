"""`python -m analytics remind` against a real SMTP server: one message per unit not reported, to its
accounts' addresses, with its template; never twice a day unless --force; failures per recipient."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from analytics.registry import load_units
from analytics.settings import DATA_DIR
from tests.support import SmtpServer, quarter_file, run_cli

MISSING = "THADS_HY"
PASSWORD = "mat-khau-du-dai-2016\n"


def cli(tmp_path: Path, *args: str, stdin: str = "") -> tuple[int, str]:
    result = run_cli(tmp_path, *args, demo=False, stdin=stdin)
    return result.returncode, result.stdout.decode() + result.stderr.decode()


@pytest.fixture(scope="module")
def reported_21_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Quarter 2 of 2016 sent by every unit but THADS_HY; unit accounts with addresses for it and for one that sent."""
    folder = tmp_path_factory.mktemp("reported_21")
    codes = [u.code for u in load_units(DATA_DIR / "units.csv") if u.active_in(2016)]
    file = quarter_file(folder, [c for c in codes if c != MISSING], quarter=2)
    assert cli(folder, "import", str(file))[0] == 0
    for name, unit, email in (
        ("hy.daumoi", MISSING, "daumoi@thahy.test"),
        ("hy.thuky", MISSING, "ThuKy@thahy.test"),
        ("qn.daumoi", "STP_QN", "daumoi@stpqn.test"),
    ):
        code, out = cli(folder, "user", "add", name, "--role", "unit", "--unit", unit, "--email", email, stdin=PASSWORD)
        assert code == 0, out
    return folder / "cli.duckdb"


@pytest.fixture
def reported_21(reported_21_store: Path, tmp_path: Path) -> Path:
    """A copy of that store for one test (built once per module: the import takes a second or two)."""
    shutil.copyfile(reported_21_store, tmp_path / "cli.duckdb")
    return tmp_path


@pytest.fixture
def mail_env(smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> SmtpServer:
    for key, value in smtp.env().items():
        monkeypatch.setenv(key, value)
    return smtp


def audit_rows(tmp_path: Path, action: str) -> list[dict]:
    code, out = cli(tmp_path, "audit", "-o", str(tmp_path / "audit.csv"))
    assert code == 0, out
    import pandas as pd

    trail = pd.read_csv(tmp_path / "audit.csv", encoding="utf-8-sig")
    return [
        json.loads(d) | {"target": t}
        for d, t in zip(trail.loc[trail["action"] == action, "detail"], trail.loc[trail["action"] == action, "target"], strict=True)
    ]


def test_remind_sends_exactly_one_message_to_the_missing_unit_with_its_template(reported_21: Path, mail_env: SmtpServer) -> None:
    code, out = cli(reported_21, "remind", "--year", "2016", "--quarter", "2")
    assert code == 0, out
    [(recipients, message)] = mail_env.inbox.received
    assert sorted(recipients) == ["daumoi@thahy.test", "thuky@thahy.test"]
    assert message["Subject"] == "Nhắc gửi số liệu thi đua quý 2/2016 — THADS Hưng Yên"
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "Kính gửi: Cục Thi hành án dân sự tỉnh Hưng Yên," in text
    assert "Hạn gửi là 15/07/2016, đã quá" in text
    [attached] = list(message.iter_attachments())
    assert attached.get_filename() == f"mau_bao_cao_2016_Q2_{MISSING}.xlsx"
    sheet = load_workbook(io.BytesIO(attached.get_content())).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Mã đơn vị", "Tên đơn vị", "Khối", "Năm", "Quý")
    assert [r[:5] for r in rows[1:]] == [(MISSING, "Cục Thi hành án dân sự tỉnh Hưng Yên", "THADS", 2016, 2)]
    assert "THADS_HY — Cục Thi hành án dân sự tỉnh Hưng Yên: đã gửi tới daumoi@thahy.test, thuky@thahy.test" in out
    [row] = audit_rows(reported_21, "remind")
    assert row["target"] == MISSING and row["quarter"] == 2 and sorted(row["sent"]) == ["daumoi@thahy.test", "thuky@thahy.test"]


@pytest.mark.slow  # a variant of the reminder above
def test_never_twice_a_day_unless_forced_and_dry_run_sends_nothing(reported_21: Path, mail_env: SmtpServer) -> None:
    code, out = cli(reported_21, "remind", "--year", "2016", "--quarter", "2", "--dry-run")
    assert code == 0 and "THADS_HY — Cục Thi hành án dân sự tỉnh Hưng Yên: sẽ gửi tới daumoi@thahy.test, thuky@thahy.test" in out
    assert mail_env.inbox.received == []
    assert cli(reported_21, "remind", "--year", "2016", "--quarter", "2")[0] == 0
    code, out = cli(reported_21, "remind", "--year", "2016", "--quarter", "2")
    assert code == 0 and "bỏ qua — đã nhắc hôm nay" in out
    assert len(mail_env.inbox.received) == 1
    assert cli(reported_21, "remind", "--year", "2016", "--quarter", "2", "--force")[0] == 0
    assert len(mail_env.inbox.received) == 2
    assert len(audit_rows(reported_21, "remind")) == 2


def test_a_refused_address_is_reported_and_the_others_still_get_it(reported_21: Path, mail_env: SmtpServer) -> None:
    code, out = cli(
        reported_21, "user", "add", "hy.cu", "--role", "unit", "--unit", MISSING, "--email", "refuse@thahy.test", stdin=PASSWORD
    )
    assert code == 0, out
    code, out = cli(reported_21, "remind", "--year", "2016", "--quarter", "2")
    assert code == 4
    assert "không gửi được tới refuse@thahy.test (máy chủ thư trả lời 550" in out
    assert mail_env.inbox.recipients() == ["daumoi@thahy.test", "thuky@thahy.test"]
    [row] = audit_rows(reported_21, "remind")
    assert list(row["failed"]) == ["refuse@thahy.test"]


def test_no_mail_server_is_refused_and_a_unit_account_may_not_send(reported_21: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("THIDUA_SMTP_HOST", raising=False)
    code, out = cli(reported_21, "remind", "--year", "2016", "--quarter", "2")
    assert code == 1 and "chưa cấu hình máy chủ thư" in out
    code, out = cli(reported_21, "remind", "--year", "2016", "--quarter", "2", "--dry-run", "--as-user", "hy.daumoi")
    assert code == 1 and "gửi thư" in out
