"""The legal-access table shows the counts behind the rate, not 'chưa báo cáo' for figures that exist."""

from analytics import measures
from analytics.presentation import tables
from analytics.presentation.tables import display
from analytics.store import Store
from tests.support import connection


def test_legal_access_table_shows_the_counts_the_rate_comes_from(demo_store: Store) -> None:
    cur = connection(demo_store)
    values = measures.period_values(cur, measures.period_spec(cur, 2016, "year"), "STP")
    ranked = measures.indicator_slice(values, "ty_le_xa_tcpl")
    table = tables.legal_access_table(values, ranked)
    labels = dict(zip(values["indicator"], values["label"], strict=False))
    achieved, communes = table[labels["xa_tcpl_dat"]], table[labels["tong_so_xa"]]
    assert len(table) == 11 and list(table["Đơn vị"]) == list(ranked["name"])  # the chart's order
    reported = ranked["value"].notna().to_numpy()
    assert achieved[reported].notna().all() and communes[reported].notna().all()
    assert (achieved[reported] <= communes[reported]).all()
    assert "chưa báo cáo" not in set(display(table).loc[reported, labels["tong_so_xa"]])
