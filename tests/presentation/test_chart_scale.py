"""Charts at national scale: the best and worst of many units, said in the title; 22 units unchanged; and
every chart, built without Plotly's validation, the same as a validated rebuild."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from analytics.presentation import charts
from tests.support import connection


def _frame(n: int) -> pd.DataFrame:
    values = np.linspace(n, 1, n)  # already ranked best first, as measures.indicator_slice returns it
    return pd.DataFrame(
        {
            "short_name": [f"Đơn vị {i:04d}" for i in range(n)],
            "name": [f"Đơn vị số {i:04d}" for i in range(n)],
            "block": ["STP" if i % 2 else "THADS" for i in range(n)],
            "value": values,
            "status": "ok",
            "target_min": 10.0,
            "meets_target": values >= 10,
        }
    )


def _categories(fig) -> list[str]:  # type: ignore[no-untyped-def]
    return list(fig.layout.yaxis.categoryarray)


def test_many_units_show_the_best_and_worst_twenty_and_say_so() -> None:
    frame = _frame(1000)
    fig = charts.unit_bars(frame, "Số xã — Năm 2016", "xã")
    shown = _categories(fig)[::-1]  # top of the chart first
    assert shown == list(frame["short_name"].head(20)) + list(frame["short_name"].tail(20))
    assert "20 đơn vị xếp đầu và 20 đơn vị xếp cuối trong 1.000" in fig.layout.title.text
    assert fig.layout.height < 2000  # legible on a projector, not 30,000 px tall
    bars = {y for trace in fig.data if trace.type == "bar" for y in trace.y}
    assert bars == set(shown)


def test_a_cluster_sized_chart_shows_every_unit_and_keeps_its_title() -> None:
    frame = _frame(22)
    fig = charts.unit_bars(frame, "Số xã — Năm 2016", "xã", theme="projector")
    assert _categories(fig)[::-1] == list(frame["short_name"])
    assert fig.layout.title.text == "Số xã — Năm 2016"
    everything = charts.unit_bars(_frame(100), "T", max_bars=None)
    assert len(_categories(everything)) == 100


def test_kpi_captions_name_ten_units_and_count_the_rest() -> None:
    from analytics.labels import names_list
    from analytics.presentation.kpis import MAX_NAMES

    names = [f"Đơn vị {i}" for i in range(5000)]
    text = names_list(names, "vi", MAX_NAMES)
    assert text.startswith("Đơn vị 0, Đơn vị 1,") and "Đơn vị 9 và 4.990 đơn vị khác" in text and "Đơn vị 10" not in text
    assert names_list(names[:3], "vi", MAX_NAMES) == "Đơn vị 0, Đơn vị 1, Đơn vị 2"
    assert names_list(names, "en", MAX_NAMES).endswith("and 4.990 more units")


def _phase_frame(n: int) -> pd.DataFrame:
    frame = _frame(n).rename(columns={"value": "value_p2"})
    frame["value_p1"] = frame["value_p2"] - 1
    frame["unit_code"] = [f"U{i:04d}" for i in range(n)]
    return frame


def _quarters(n: int) -> pd.DataFrame:
    rows = [
        {"unit_code": f"U{i:04d}", "short_name": f"Đơn vị {i:04d}", "name": f"Đơn vị số {i:04d}", "block": "STP" if i % 2 else "THADS",
         "quarter": q, "value": float(i * 10 + q), "higher_is_better": True}
        for i in range(n) for q in (1, 2, 3, 4)
    ]  # fmt: skip
    return pd.DataFrame(rows)


def test_every_chart_kind_keeps_to_forty_rows_at_national_scale() -> None:
    phases = charts.phase_dumbbell(_phase_frame(1000), "Đợt", "xã")
    assert len(_categories(phases)) == 40 and "trong 1.000" in phases.layout.title.text
    grouped = charts.grouped_unit_bars(_phase_frame(1000), "Đợt", [("value_p1", "Đợt 1"), ("value_p2", "Đợt 2")], "xã")
    assert len(_categories(grouped)) == 40 and grouped.layout.height < 2500
    grid = pd.DataFrame(
        [{"short_name": f"Đơn vị {i:04d}", "name": "x", "content": c, "title": "t", "share": (i % 100) / 100, "status": "ok", "text": "1/2"}
         for i in range(1000) for c in ("ND1", "ND2")]
    )  # fmt: skip
    heat = charts.attainment_heatmap(grid, "Đạt chỉ tiêu")
    rows = list(heat.data[0].y)
    assert len(rows) == 40 and "20 đơn vị xếp đầu" in heat.layout.title.text
    shares = grid.groupby("short_name")["share"].mean()
    assert min(shares[rows[:20]]) >= max(shares[rows[20:]])  # the best 20 on top, then the worst 20


def test_a_national_trend_draws_the_best_and_worst_five_and_the_chosen_unit() -> None:
    frame = _quarters(1000)
    fig = charts.quarter_trend(frame, "Xã NTM theo quý", "xã")
    drawn = [tr.name for tr in fig.data]
    best, worst = [f"Đơn vị {i:04d}" for i in range(999, 994, -1)], [f"Đơn vị {i:04d}" for i in range(4, -1, -1)]
    assert sorted(drawn) == sorted(best + worst)
    assert all(tr.showlegend for tr in fig.data)  # ten lines: named in the legend, not only on hover
    assert "5 đơn vị xếp đầu và 5 đơn vị xếp cuối trong 1.000" in fig.layout.title.text
    chosen = charts.quarter_trend(frame, "T", highlight="U0500")
    assert chosen.data[-1].name == "Đơn vị 0500" and chosen.data[-1].line.width == 4 and len(chosen.data) == 11
    cluster = charts.quarter_trend(_quarters(22), "T")
    assert len(cluster.data) == 22 and cluster.layout.title.text == "T"  # the cluster sees every unit


def test_every_chart_serialises_like_a_validated_rebuild(demo_store) -> None:  # type: ignore[no-untyped-def]
    """Charts skip Plotly's validation for speed; a validated rebuild must not change a thing."""
    from datetime import date

    import plotly.graph_objects as go

    from analytics import measures, queries, scoring
    from analytics.config import load_campaign
    from analytics.settings import DATA_DIR

    cur = connection(demo_store)
    values = measures.period_values(cur, measures.period_spec(cur, 2016, "year"))
    rubric = load_campaign(DATA_DIR / "campaigns" / "2016.toml").rubric
    scores = scoring.score(values, rubric)
    both = queries.rank_phases(queries.phase_values(cur, 2016), "xa_ntm")
    series = queries.quarter_values(cur, 2016)
    series = series[series["indicator"] == "xa_ntm"]
    pairs = queries.side_by_side(values, {"xa_xnpl_dang_ky": "a", "xa_xnpl_dat": "b"}, sort_by="b")
    grades = pd.DataFrame([{"code": g.code, "min_points": g.min_points} for g in rubric.grades])
    ms, ph = queries.milestones(cur, 2016), queries.phases(cur, 2016)
    for theme in ("screen", "projector"):
        figures = [
            charts.unit_bars(measures.indicator_slice(values, "ty_le_viec"), "Tỷ lệ", "%", theme=theme),
            charts.attainment_heatmap(queries.content_attainment(values, queries.contents(cur, 2016)), "t", theme=theme),
            charts.attainment_heatmap(_national_grid(), "t", theme=theme),
            charts.phase_dumbbell(both, "t", "xã", theme=theme),
            charts.phase_dumbbell(_phase_frame(100), "t", theme=theme, lang="en"),
            charts.quarter_trend(series, "t", "xã", phases=ph, target=2, reference=queries.block_medians(series), theme=theme),
            charts.quarter_trend(_quarters(100), "t", highlight="U0007", theme=theme),
            charts.today_on_timeline(ms, "t", date(2016, 6, 1), phases=ph, theme=theme),
            charts.today_on_timeline(ms, "t", date(2026, 11, 26), theme=theme),
            charts.grouped_unit_bars(pairs, "t", [("a", "A"), ("b", "B")], "xã", target=2, theme=theme),
            charts.score_bars(scoring.score_frame_for_chart(scores.summary), "t", grades, theme=theme),
            charts.points_breakdown(scores.detail[scores.detail["unit_code"] == "STP_HN"], "t", theme=theme),
        ]
        for fig in figures:
            assert json.loads(fig.to_json()) == json.loads(go.Figure(fig.to_dict()).to_json()), fig.layout.title.text


def _national_grid() -> pd.DataFrame:
    return pd.DataFrame(
        [{"short_name": f"Đơn vị {i:03d}", "name": "<b>x</b>", "content": c, "title": "t", "share": None if i == 5 else i / 100,
          "status": "missing" if i == 5 else "ok", "text": "" if i == 5 else "1/2"}
         for i in range(100) for c in ("ND1", "ND2")]
    )  # fmt: skip
