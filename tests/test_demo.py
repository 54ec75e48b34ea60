import shutil
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analytics import demo, measures
from analytics.bootstrap import open_store
from analytics.config import load_campaign
from analytics.history import REAL_FIGURES_KEY
from analytics.reporting.deadlines import calendar_of
from analytics.reporting.status import status_board
from analytics.settings import DATA_DIR
from analytics.store import Store
from analytics.trust import backup
from tests.support import DEMO_NOW, OTHER, OWN, connection, make_settings, quarter_file, run_cli


def test_demo_covers_22_units_with_differing_values_and_gaps(demo_store: Store) -> None:
    cur = connection(demo_store)
    facts = cur.execute("SELECT * FROM facts").df()
    assert facts["is_demo"].all()
    assert facts["unit_code"].nunique() == 22
    assert set(facts["quarter"]) == {1, 2, 3, 4}
    q4_units = set(facts.loc[facts["quarter"] == 4, "unit_code"])
    assert demo.MISSING_Q4 not in q4_units and len(q4_units) == 21
    sessions = facts[facts["indicator"] == "buoi_pbgdpl"]
    assert sessions.groupby("unit_code")["value"].sum().nunique() > 10  # units differ
    assert sessions.groupby("quarter")["value"].sum().nunique() == 4  # quarters differ


def test_demo_has_laggards_and_sensible_rates(demo_store: Store) -> None:
    cur = connection(demo_store)
    year = measures.period_values(cur, measures.period_spec(cur, 2016, "year"))
    ntm = year[year["indicator"] == "xa_ntm"]
    assert set(ntm.loc[ntm["meets_target"].eq(False), "unit_code"]) == set(demo.NTM_LAGGARDS)
    rates = year.loc[year["indicator"] == "ty_le_viec", "value"].dropna()
    assert len(rates) == 11 and rates.between(55, 90).all()
    money = year.loc[year["indicator"] == "ty_le_tien", "value"].dropna()
    assert money.between(5, 60).all()
    parts = year.pivot_table(index="unit_code", columns="indicator", values="value")
    both = parts[["xa_xnpl_dat", "xa_xnpl_dang_ky"]].dropna()
    assert (both["xa_xnpl_dat"] <= both["xa_xnpl_dang_ky"]).all()


def test_demo_removal_is_recorded_and_leaves_no_demo(demo_store: Store) -> None:
    cur = connection(demo_store)
    before = cur.execute("SELECT count(*) FROM facts").fetchone()[0]
    assert demo.remove(demo_store, "thu-ky") == before
    assert cur.execute("SELECT count(*) FROM facts").fetchone()[0] == 0
    kind, by, n = cur.execute("SELECT kind, created_by, n_values FROM uploads ORDER BY id DESC LIMIT 1").fetchone()
    assert (kind, by, n) == ("demo_remove", "thu-ky", before)
    history = cur.execute("SELECT count(*) FROM fact_history WHERE new_value IS NULL").fetchone()[0]
    assert history == before  # earlier values stay recoverable
    assert demo.remove(demo_store, "thu-ky") == 0
    assert not measures.freshness(cur, 2016).has_demo
    assert cur.execute("SELECT count(*) FROM facts WHERE is_demo").fetchone()[0] == 0


def test_demo_commune_registers_match_the_counts(demo_store: Store) -> None:
    from analytics.communes import commune_list

    cur = connection(demo_store)
    ntm = commune_list(cur, 2016, "ntm")
    per_unit = ntm.groupby("unit_code").size()
    assert len(per_unit) == 22
    assert set(per_unit[per_unit < 2].index) == set(demo.NTM_LAGGARDS)
    assert ntm["commune"].str.startswith("Xã ").all() and set(ntm["status"]) <= {"registered", "in_progress", "achieved"}
    xnpl = commune_list(cur, 2016, "xnpl")
    year = measures.period_values(cur, measures.period_spec(cur, 2016, "year")).set_index(["unit_code", "indicator"])["value"]
    achieved = xnpl[xnpl["status"] == "achieved"].groupby("unit_code").size()
    assert achieved.get("STP_HN", 0) == year.get(("STP_HN", "xa_xnpl_dat"))
    assert commune_list(cur, 2016, "xnpl", block="STP")["block"].eq("STP").all()
    demo.remove(demo_store, "t")
    assert commune_list(cur, 2016, "ntm").empty


def test_demo_is_never_seeded_into_a_store_that_holds_or_held_real_figures(tmp_path: Path) -> None:
    """The reproduction: a store made with THIDUA_DEMO=0, a real quarter imported, then every later
    command and the dashboard's start without the variable (so with its default, 1)."""
    assert run_cli(tmp_path, "import", str(quarter_file(tmp_path, [OWN, OTHER])), demo=False).returncode == 0
    real = run_cli(tmp_path, "export", demo=False).stdout
    settings = make_settings(tmp_path, demo=True)
    store = open_store(replace(settings, db_path=tmp_path / "cli.duckdb"))  # what the dashboard does at start
    version = store.data_version()
    assert run_cli(tmp_path, "history", demo=True).returncode == 0
    assert store.data_version() == version  # a command that only reads leaves every page's cache valid
    assert run_cli(tmp_path, "export", demo=True).stdout == real
    assert not demo.has_demo(connection(store))
    # "ever held": reverting the only real upload empties the store, and still no demo comes in
    assert run_cli(tmp_path, "revert", "1", demo=True).returncode == 0
    assert connection(store).execute("SELECT count(*) FROM facts").fetchone() == (0,)
    open_store(replace(settings, db_path=store.path))
    assert connection(store).execute("SELECT count(*) FROM facts").fetchone() == (0,)
    refused = run_cli(tmp_path, "demo", demo=True)  # nor by asking for it
    assert refused.returncode == 1 and "số liệu thật" in refused.stderr.decode()
    assert connection(store).execute("SELECT count(*) FROM facts").fetchone() == (0,)


@pytest.mark.slow  # the seeding rule stays quick in test_demo_is_never_seeded_into_a_store_that_holds_or_held_real_figures
def test_a_store_with_real_figures_from_before_the_mark_is_marked_by_its_migration(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "import", str(quarter_file(tmp_path, [OWN])), demo=False).returncode == 0
    db = tmp_path / "cli.duckdb"
    with duckdb.connect(str(db)) as con:  # as a store written before the mark existed
        con.execute("DELETE FROM meta WHERE key = ?", [REAL_FIGURES_KEY])
        con.execute("DELETE FROM schema_migrations WHERE version = 50")
    store = open_store(replace(make_settings(tmp_path, demo=True), db_path=db))
    assert demo.held_real_figures(connection(store)) and not demo.has_demo(connection(store))


@pytest.mark.slow  # the seeding rule stays quick in test_demo_is_never_seeded_into_a_store_that_holds_or_held_real_figures
def test_a_brand_new_store_is_still_seeded_and_a_removed_demo_not_reseeded(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, demo=False)
    store = open_store(settings)
    assert demo.store_is_new(connection(store))  # opened with THIDUA_DEMO=0, nothing stored yet
    store = open_store(replace(settings, load_demo_when_new=True))
    assert demo.has_demo(connection(store))
    demo.remove(store, "thu-ky")
    store = open_store(replace(settings, load_demo_when_new=True))
    assert not demo.has_demo(connection(store))


@pytest.mark.slow  # two stores, a backup and a restore through the CLI
def test_a_store_restored_from_a_backup_with_real_figures_refuses_the_demo(tmp_path: Path) -> None:
    real, fresh = tmp_path / "real", tmp_path / "fresh"
    real.mkdir(), fresh.mkdir()
    assert run_cli(real, "import", str(quarter_file(tmp_path, [OWN])), demo=False).returncode == 0
    assert run_cli(real, "backup", "-o", str(tmp_path / "sao_luu"), demo=False).returncode == 0
    # A restore into another store needs the signing key kept beside the first one (as its error says).
    [key] = real.glob("*" + backup.KEY_SUFFIX)
    shutil.copy2(key, fresh / key.name)
    assert run_cli(fresh, "restore", str(tmp_path / "sao_luu"), demo=False).returncode == 0
    refused = run_cli(fresh, "demo", demo=False)
    assert refused.returncode == 1 and "số liệu thật" in refused.stderr.decode()


def test_the_demo_holds_only_quarters_ended_by_its_clock(years_store: Store) -> None:
    """Built on 30/11/2026 (tests.support.DEMO_NOW): 2026 up to Q3, earlier years whole; the board
    shows 2026's running quarter as not yet due, not as missing."""
    cur = connection(years_store)
    held = cur.execute("SELECT year, max(quarter) FROM facts GROUP BY year ORDER BY year").fetchall()
    assert held == [(2016, 4), (2024, 4), (2025, 4), (2026, 3)]
    fresh = measures.freshness(cur, 2026)
    assert fresh.quarter == 3 and fresh.updated_at == datetime(2026, 10, 12, 10) and fresh.has_demo
    assert cur.execute("SELECT max(created_at) FROM uploads").fetchone()[0] <= DEMO_NOW
    campaign = load_campaign(DATA_DIR / "campaigns" / "2026.toml")
    board = status_board(cur, calendar_of(campaign), DEMO_NOW.date())
    assert set(board.loc[board["quarter"] == 4, "status"]) == {"pending"}


def test_a_quarter_has_ended_from_the_first_day_of_the_next() -> None:
    assert not demo.has_ended(2026, 3, datetime(2026, 9, 30, 23, 59))
    assert demo.has_ended(2026, 3, datetime(2026, 10, 1))
    assert not demo.has_ended(2026, 4, datetime(2026, 12, 31, 23, 59)) and demo.has_ended(2026, 4, datetime(2027, 1, 1))
    assert demo.sent_at(2026, 3, datetime(2026, 10, 5, 8, 30, 1, 500)) == datetime(2026, 10, 5, 8, 30, 1)  # not in the future


def test_demo_registrations_show_every_state_and_both_outcomes(demo_store: Store) -> None:
    from analytics.reporting import registration

    cur = connection(demo_store)
    rows = cur.execute("SELECT unit_code, state, reason, is_demo FROM registrations WHERE year = 2016").df().set_index("unit_code")
    assert rows["is_demo"].all() and len(rows) == 21 and demo.UNREGISTERED not in rows.index
    assert rows.loc[demo.RETURNED, "state"] == "returned" and rows.loc[demo.RETURNED, "reason"].startswith("Dữ liệu minh họa")
    assert (rows["state"] == "approved").sum() == 20
    # Not sent by anyone: no audit row, so no date sent and no "late" flag.
    assert cur.execute("SELECT count(*) FROM audit WHERE action LIKE 'registration%'").fetchone() == (0,)
    approved = registration.approved(cur, 2016)
    known = {title.code for title in calendar_of(load_campaign(DATA_DIR / "campaigns" / "2016.toml")).titles}
    assert all(set(reg.titles) <= known and "co_bo_tu_phap" in reg.titles for reg in approved.values())
    both = registration.registered_vs_achieved(cur, 2016).set_index("unit_code").loc[list(approved)]
    met = pd.Series(True, index=both.index)
    for target in registration.TARGETS:
        counted = both[f"{target}_count"] > 0
        met &= ~counted | (both[f"{target}_achieved"] >= both[f"{target}_count"])
    assert 8 <= met.sum() <= 16  # some units reach every target they registered, some miss one
    assert (both["ntm_count"] > 0).all()  # every approved registration counts a target: the bonus is earned or missed


@pytest.mark.slow  # registrations stay quick in test_demo_registrations_show_every_state_and_both_outcomes
def test_a_real_save_makes_a_demo_registration_real_and_removing_the_demo_keeps_it(demo_store: Store) -> None:
    from analytics.registry import load_units
    from analytics.reporting import registration
    from analytics.trust import auth

    secretariat, unit = auth.system_user("test"), auth.User("tp.bn", "unit", demo.RETURNED)
    cur = connection(demo_store)
    calendar = calendar_of(load_campaign(DATA_DIR / "campaigns" / "2016.toml"))
    corrected = registration.get(cur, demo.RETURNED, 2016)
    assert corrected is not None
    registration.save(demo_store, unit, replace(corrected, ntm_names=("Xã An Lạc",)), calendar, submit=True)
    registration.save(demo_store, secretariat, registration.Registration(OWN, 2016, ("co_bo_tu_phap",), 4), calendar, submit=True)
    registration.review(demo_store, secretariat, OWN, 2016, approve=True)
    flags = dict(cur.execute("SELECT unit_code, is_demo FROM registrations WHERE unit_code IN (?, ?)", [OWN, demo.RETURNED]).fetchall())
    assert flags == {OWN: False, demo.RETURNED: False}
    assert demo.remove(demo_store, "thu-ky") > 0
    kept = cur.execute("SELECT unit_code, state, ntm_count FROM registrations ORDER BY unit_code").fetchall()
    assert kept == [(demo.RETURNED, "submitted", corrected.ntm_count), (OWN, "approved", 4)]
    assert not demo.has_demo(cur)
    # Loading the demo again fills in the other units and leaves the real ones alone.
    demo.load(demo_store, load_units(DATA_DIR / "units.csv"), {2016: load_campaign(DATA_DIR / "campaigns" / "2016.toml")}, DEMO_NOW)
    again = cur.execute("SELECT unit_code, is_demo, ntm_count FROM registrations WHERE unit_code IN (?, ?)", [OWN, demo.RETURNED])
    assert sorted(again.fetchall()) == [(demo.RETURNED, False, corrected.ntm_count), (OWN, False, 4)]
    assert cur.execute("SELECT count(*) FROM registrations WHERE is_demo").fetchone() == (19,)
