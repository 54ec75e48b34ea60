"""Units are listed in the Vietnamese collation of their names (Hà Nội before Hải Dương, Nam Định
before Ninh Bình), block by block, wherever a list is ordered by name rather than by a figure."""

from __future__ import annotations

import io
from datetime import date, datetime
from functools import partial
from pathlib import Path

import pandas as pd

from analytics import communes, measures, queries
from analytics.bootstrap import open_store
from analytics.config import load_campaign
from analytics.mail import deliver
from analytics.mail.settings import smtp_settings
from analytics.presentation import status_board as status_board_figures
from analytics.registry import Unit, in_listing_order, load_units
from analytics.reporting import reminders
from analytics.reporting.deadlines import calendar_of
from analytics.reporting.status import punctuality, status_board
from analytics.settings import DATA_DIR
from analytics.store import Store
from analytics.trust import auth
from tests.support import SHIPPED_CAMPAIGN, SmtpServer, connection, make_settings, run_cli

STP_ORDER = ["STP Bắc Ninh", "STP Hà Nam", "STP Hà Nội", "STP Hải Dương", "STP Hải Phòng", "STP Hưng Yên",
             "STP Nam Định", "STP Ninh Bình", "STP Quảng Ninh", "STP Thái Bình", "STP Vĩnh Phúc"]  # fmt: skip


def test_the_order_is_vietnamese_not_by_code_nor_by_code_point() -> None:
    # By code HD < HN < HNA; by code point "Đ" and "Ư" come after "Z" and "Bình" before "Bắc".
    names = ["STP Hải Dương", "STP Đà Nẵng", "STP Hà Nội", "STP Bình Định", "STP Bắc Ninh", "STP Hà Nam", "STP Zeta"]
    units = [Unit(f"U{i}", n, n, n, "tỉnh", "STP", 2016, None, None, "") for i, n in enumerate(names)]
    listed = pd.DataFrame({"short_name": [u.short_name for u in in_listing_order(units)]})
    expected = ["STP Bắc Ninh", "STP Bình Định", "STP Đà Nẵng", "STP Hà Nam", "STP Hà Nội", "STP Hải Dương", "STP Zeta"]
    assert list(listed["short_name"]) == expected


def test_store_lists_follow_the_collation(demo_store: Store) -> None:
    cur = connection(demo_store)
    assert queries.registry(cur, "STP")["short_name"].tolist() == STP_ORDER
    assert measures.active_units(cur, 2016, "STP")["short_name"].tolist() == STP_ORDER
    spec = measures.period_spec(cur, 2016, "year")
    assert measures.reporting(cur, spec, "STP")["short_name"].tolist() == STP_ORDER
    values = measures.period_values(cur, spec)
    assert values[values["indicator"] == "xa_ntm"]["short_name"].tolist()[:11] == STP_ORDER
    listed = communes.commune_list(cur, 2016, "ntm", "STP")
    assert not listed.empty  # the order check below means nothing on an empty list
    assert list(dict.fromkeys(listed["short_name"])) == [n for n in STP_ORDER if n in set(listed["short_name"])]


def test_equal_values_keep_the_collation_order(demo_store: Store) -> None:
    cur = connection(demo_store)
    values = measures.period_values(cur, measures.period_spec(cur, 2016, "year"), "STP").assign(value=1.0)
    assert measures.indicator_slice(values, "xa_ntm")["short_name"].tolist() == STP_ORDER
    both = queries.phase_values(cur, 2016, "STP").assign(value_p1=1.0, value_p2=1.0)
    assert queries.rank_phases(both, "xa_ntm")["short_name"].tolist() == STP_ORDER
    wide = queries.side_by_side(values, {"xa_ntm": "ntm"}, sort_by="ntm")
    assert wide["short_name"].tolist() == STP_ORDER


def test_cli_units_listing_is_collated(tmp_path: Path) -> None:
    frame = pd.read_csv(io.BytesIO(run_cli(tmp_path, "units", "--year", "2016").stdout))
    assert frame.loc[frame["block"] == "STP", "short_name"].tolist() == STP_ORDER
    assert frame["block"].tolist() == ["STP"] * 11 + ["THADS"] * 11


def test_a_store_made_before_the_listing_order_gets_it_on_its_next_start(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, demo=False)
    store = open_store(settings)
    store.write(lambda cur: cur.execute("UPDATE units SET listing_order = NULL"))
    store.write(lambda cur: cur.execute("DELETE FROM schema_migrations WHERE version = 11"))
    store.write(lambda cur: cur.execute("ALTER TABLE units DROP COLUMN listing_order"))
    store.write(lambda cur: cur.execute("ALTER TABLE contents DROP COLUMN short_title"))
    again = open_store(settings)  # migrates, then re-reads the files
    assert queries.registry(connection(again), "STP")["short_name"].tolist() == STP_ORDER
    assert queries.contents(connection(again), 2016)["short"].iloc[0] == "Điển hình tiên tiến"


def test_the_upload_template_lists_units_in_the_same_order(tmp_path: Path) -> None:
    frame = pd.read_csv(io.BytesIO(run_cli(tmp_path, "template", "--year", "2016", "--quarter", "2").stdout))
    names = frame["Tên đơn vị"].tolist()
    assert names[:3] == ["Sở Tư pháp tỉnh Bắc Ninh", "Sở Tư pháp tỉnh Hà Nam", "Sở Tư pháp thành phố Hà Nội"]


def test_the_status_board_and_its_reminders_list_units_in_the_same_order(empty_store: Store) -> None:
    """The board, its punctuality table and the reminder plan in the store's one order; the shipped
    registry's codes sort differently (STP_HD before STP_HN before STP_HNA; by name Hà Nam, Hà Nội, Hải Dương)."""
    cur = connection(empty_store)
    listed = queries.registry(cur)["code"].tolist()
    campaign = load_campaign(SHIPPED_CAMPAIGN)  # its 2016 deadlines have passed: every unit is missing
    board = status_board(cur, calendar_of(campaign), date.today())
    in_board = list(dict.fromkeys(board["unit_code"]))
    assert in_board == [c for c in listed if c in set(in_board)] and len(in_board) == 22
    assert in_board != sorted(in_board)  # the check above would mean nothing if the two orders agreed
    assert list(dict.fromkeys(board["unit"]))[:11] == STP_ORDER
    assert board.loc[board["unit_code"] == "STP_HN", "quarter"].tolist() == [1, 2, 3, 4]
    assert punctuality(board)["unit_code"].tolist() == in_board
    assert [r.unit_code for r in reminders.plan(cur, campaign, 2, datetime.now())] == in_board
    heatmap = status_board_figures.status_heatmap(board, "")
    assert list(heatmap.data[0].y)[:11] == STP_ORDER


def test_reminders_sent_are_listed_in_the_same_order_skipped_units_in_their_place(empty_store: Store, smtp: SmtpServer) -> None:
    root = auth.system_user("test")
    for name, unit in (("hd.daumoi", "STP_HD"), ("bn.daumoi", "STP_BN")):
        auth.add_user(empty_store, root, name, "unit", "mat khau don vi 2016", unit_code=unit, email=f"{name}@stp.test")
    settings = smtp_settings(smtp.env())
    assert settings is not None
    campaign = load_campaign(SHIPPED_CAMPAIGN)
    units = load_units(DATA_DIR / "units.csv")
    done = reminders.send_reminders(empty_store, root, campaign, units, 2, partial(deliver.send, settings), now=datetime.now())
    listed = queries.registry(connection(empty_store))["code"].tolist()
    assert [r.unit_code for r in done] == [c for c in listed if c in {r.unit_code for r in done}] and len(done) == 22
    assert [r.unit_code for r in done if r.sent] == ["STP_BN", "STP_HD"] and done[1].skip == "no_address"  # STP_HNA (Hà Nam)
