"""Unit bars at national scale: the best and worst 20 of many units, said in the title; 22 units unchanged."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from analytics import charts


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
    assert "20 đơn vị dẫn đầu và 20 đơn vị cuối trong 1.000" in fig.layout.title.text
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


def test_the_figure_built_without_validation_serialises_like_a_validated_one() -> None:
    import plotly.graph_objects as go

    frame = _frame(30)
    frame.loc[3, "value"] = None
    frame.loc[3, "status"] = "missing"
    for theme in ("screen", "projector"):
        fig = charts.unit_bars(frame, "Tỷ lệ — Đợt 1/2016", "%", theme=theme)
        assert json.loads(fig.to_json()) == json.loads(go.Figure(fig.to_dict()).to_json())


def test_kpi_captions_name_ten_units_and_count_the_rest() -> None:
    from analytics.overview import unit_names

    names = [f"Đơn vị {i}" for i in range(500)]
    text = unit_names(names)
    assert text.startswith("Đơn vị 0, Đơn vị 1,") and "Đơn vị 9 và 490 đơn vị khác" in text and "Đơn vị 10" not in text
    assert unit_names(names[:3]) == "Đơn vị 0, Đơn vị 1, Đơn vị 2"
    assert unit_names(names, "en").endswith("and 490 more units")
