"""The cluster's name comes from the campaign file (`cluster = ...`), never from the code."""

from __future__ import annotations

from analytics import queries
from analytics.labels import t
from analytics.store import Store
from tests.support import PROJECT, connection


def test_the_cluster_name_is_read_from_the_campaign(demo_store: Store) -> None:
    cur = connection(demo_store)
    assert queries.cluster_name(cur) == queries.cluster_name(cur, 2016) == "Khu vực thi đua Đồng bằng Bắc Bộ"
    demo_store.write(lambda w: w.execute("UPDATE campaigns SET cluster = ? WHERE year = 2016", ["Cụm thi đua số 3"]))
    assert t("app_title", cluster=queries.cluster_name(connection(demo_store))) == "Thi đua Tư pháp — Cụm thi đua số 3"
    assert queries.cluster_name(connection(demo_store), 2015) is None


def test_no_code_names_the_cluster() -> None:
    sources = [PROJECT / "app.py", *(p for d in ("analytics", "ui", "pages") for p in (PROJECT / d).rglob("*.py"))]
    assert [str(p) for p in sources if "Đồng bằng Bắc Bộ" in p.read_text(encoding="utf-8")] == []
