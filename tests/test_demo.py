from analytics import demo, measures
from analytics.store import Store
from tests.support import connection


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
