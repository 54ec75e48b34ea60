"""Who reported when, from the upload history: on time, late by N days, revised after the deadline,
missing, not yet due; a unit's punctuality over the year; the `status` command's CSV."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from analytics.config import ConfigError, load_campaign
from analytics.history import apply_values, record_upload
from analytics.reporting.deadlines import Calendar, calendar_of
from analytics.reporting.status import CSV_COLUMNS, punctuality, status_board
from analytics.store import Store
from analytics.trust import actions, auth
from tests.support import SHIPPED_CAMPAIGN, broken_campaign, connection, quarter_file, run_cli

TODAY = date.today()


def upload(store: Store, units: dict[str, float], quarter: int, *, at: datetime | None = None, kind: str = "results") -> int:
    """One upload through the write path; `at` moves its stamp back, as if sent that day."""
    values = pd.DataFrame(
        [{"unit_code": u, "year": 2016, "quarter": quarter, "indicator": "dien_hinh", "value": v} for u, v in units.items()]
    )

    def work(cur):  # type: ignore[no-untyped-def]
        upload_id = record_upload(cur, kind=kind, created_by="test", is_demo=kind == "demo")
        apply_values(cur, upload_id, values, is_demo=kind == "demo")
        if at is not None:
            cur.execute("UPDATE uploads SET created_at = ? WHERE id = ?", [at, upload_id])
        return upload_id

    return store.write(work)


def calendar(**deadlines: date) -> Calendar:
    return Calendar(2016, {int(q[1]): d for q, d in deadlines.items()}, None, False, (), False)


def statuses(board: pd.DataFrame, quarter: int) -> dict[str, tuple[str, object]]:
    rows = board[board["quarter"] == quarter]
    return {r.unit_code: (r.status, None if pd.isna(r.days_late) else int(r.days_late)) for r in rows.itertuples()}


def test_each_status_is_read_from_the_upload_history(empty_store: Store) -> None:
    deadline = TODAY - timedelta(days=10)
    before, after = datetime.combine(deadline - timedelta(days=2), datetime.min.time()), datetime.now()
    upload(empty_store, {"STP_QN": 1, "STP_HN": 2}, 2, at=before)  # both on time
    upload(empty_store, {"STP_HN": 3}, 2)  # STP_HN changed a value after the deadline
    upload(empty_store, {"STP_HP": 1}, 2, at=before + timedelta(days=5))  # three days late
    upload(empty_store, {"STP_QN": 1}, 2)  # an identical re-send changes nothing: still on time
    upload(empty_store, {"STP_NB": 1}, 2, kind="demo")  # demo values are not a submission
    upload(empty_store, {"STP_TB": 1}, 3)  # quarter 3 sent early, before its deadline
    board = status_board(connection(empty_store), calendar(Q2=deadline, Q3=TODAY + timedelta(days=5)), TODAY)
    q2, q3 = statuses(board, 2), statuses(board, 3)
    assert q2["STP_QN"] == ("on_time", None)
    assert q2["STP_HN"] == ("revised", None)
    assert q2["STP_HP"] == ("late", 3)
    assert q2["STP_NB"] == ("missing", None)
    assert q3["STP_TB"] == ("on_time", None) and q3["STP_QN"] == ("pending", None)
    assert statuses(board, 1)["STP_QN"] == ("pending", None)  # no deadline set for Q1
    revised = board[(board["unit_code"] == "STP_HN") & (board["quarter"] == 2)].iloc[0]
    assert revised["uploaded_at"] == pd.Timestamp(before) and revised["revised_at"].date() == after.date()
    assert len(board) == 22 * 4


def test_a_reverted_quarter_is_missing_again(empty_store: Store, tmp_path: Path) -> None:
    upload_id = upload(empty_store, {"STP_QN": 1}, 2)
    actions.revert_upload(empty_store, upload_id, auth.system_user("test"), backups_root=tmp_path / "backups")
    board = status_board(connection(empty_store), calendar(Q2=TODAY - timedelta(days=1)), TODAY, quarter=2)
    assert statuses(board, 2)["STP_QN"] == ("missing", None)


def test_punctuality_counts_due_quarters_only(empty_store: Store) -> None:
    long_ago = datetime.now() - timedelta(days=100)
    upload(empty_store, {"STP_QN": 1}, 1, at=long_ago)
    upload(empty_store, {"STP_QN": 1}, 2)
    cal = calendar(Q1=TODAY - timedelta(days=60), Q2=TODAY - timedelta(days=4), Q3=TODAY + timedelta(days=30))
    found = punctuality(status_board(connection(empty_store), cal, TODAY, block="STP")).set_index("unit_code")
    qn = found.loc["STP_QN"]
    assert (qn["due"], qn["on_time"], qn["late"], qn["missing"], qn["days_late"]) == (2, 1, 1, 0, 4)
    assert qn["on_time_share"] == pytest.approx(50.0)
    assert found.loc["STP_HN", "missing"] == 2 and found.loc["STP_HN", "on_time_share"] == 0
    assert set(found["block"]) == {"STP"} and len(found) == 11


def test_the_shipped_calendar_is_marked_illustrative_and_a_bad_one_is_refused(tmp_path: Path) -> None:
    shipped = calendar_of(load_campaign(SHIPPED_CAMPAIGN))
    assert shipped.illustrative and shipped.deadline(2) == date(2016, 7, 15) and len(shipped.titles) == 4
    bad = broken_campaign(tmp_path, "quarter = 2\ndate = 2016-07-15", "quarter = 1\ndate = 2016-07-15")
    with pytest.raises(ConfigError, match=r"calendar\.deadlines\[2\]\.quarter"):
        calendar_of(load_campaign(bad))


def test_status_command_with_21_of_22_units_reported(tmp_path: Path) -> None:
    """The shipped deadlines are in 2016: every quarter sent today is late, the unit not sent is missing."""
    from analytics.registry import load_units
    from analytics.settings import DATA_DIR

    codes = [u.code for u in load_units(DATA_DIR / "units.csv") if u.active_in(2016)]
    assert len(codes) == 22
    file = quarter_file(tmp_path, [c for c in codes if c != "THADS_HY"], quarter=2)
    assert run_cli(tmp_path, "import", str(file), demo=False).returncode == 0
    result = run_cli(tmp_path, "status", "--year", "2016", "--quarter", "2", demo=False)
    assert result.returncode == 0, result.stderr.decode()
    frame = pd.read_csv(io.StringIO(result.stdout.decode("utf-8")), dtype={"days_late": "Int64"})
    assert list(frame.columns) == CSV_COLUMNS
    assert frame["status"].value_counts().to_dict() == {"late": 21, "missing": 1}
    missing = frame[frame["status"] == "missing"].iloc[0]
    assert (missing["unit_code"], missing["unit"]) == ("THADS_HY", "THADS Hưng Yên")
    assert frame["unit"].tolist()[:4] == ["STP Bắc Ninh", "STP Hà Nam", "STP Hà Nội", "STP Hải Dương"]  # as every list, not by code
    assert frame.loc[frame["status"] == "late", "days_late"].eq((TODAY - date(2016, 7, 15)).days).all()
    whole_year = run_cli(tmp_path, "status", "--year", "2016", "-o", str(tmp_path / "s.csv"), demo=False)
    assert whole_year.returncode == 0
    assert len(pd.read_csv(tmp_path / "s.csv", encoding="utf-8-sig")) == 88
