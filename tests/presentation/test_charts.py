"""Dashboard charts on the demo data: what each shows (22 units, contents, phases, targets, titles)."""

from datetime import date

import pandas as pd
import pytest

from analytics import measures, queries, scoring
from analytics.config import load_campaign
from analytics.presentation import charts
from analytics.settings import DATA_DIR
from analytics.store import Store
from tests.support import connection


@pytest.fixture
def demo(demo_store: Store):  # type: ignore[no-untyped-def]
    cur = connection(demo_store)
    return cur, measures.period_values(cur, measures.period_spec(cur, 2016, "year"))


def _categories(fig) -> set[str]:  # type: ignore[no-untyped-def]
    return {y for trace in fig.data if trace.y is not None for y in trace.y if y is not None}


def test_heatmap_has_22_units_by_the_targeted_contents_and_grey_missing(demo) -> None:  # type: ignore[no-untyped-def]
    cur, values = demo
    values = values.copy()
    gone = values["unit_code"] == "THADS_TB"  # as if it had reported nothing at all
    values.loc[gone, "value"] = float("nan")
    values.loc[gone, "meets_target"] = pd.NA
    values.loc[gone, "status"] = "missing"
    contents = queries.contents(cur, 2016)
    grid = queries.content_attainment(values, contents)
    fig = charts.attainment_heatmap(grid, "Đạt chỉ tiêu theo nội dung Giao ước — Năm 2016", contents=contents)
    main = fig.data[0]
    # Short titles, not ND1…ND9; ND4–ND6 and ND9 have no target in 2016 and are left out.
    assert len(main.y) == 22 and list(main.x) == ["Điển hình tiên tiến", "Hoàn thành nhiệm vụ", "Nông thôn mới",
                                                  "Chỉ tiêu thi hành án", "Luật THADS sửa đổi"]  # fmt: skip
    assert fig.layout.title.text == "Đạt chỉ tiêu theo nội dung Giao ước — Năm 2016"
    grey = [tr for tr in fig.data if tr.type == "heatmap" and tr.colorscale[0][1] == charts.MISSING_COLOUR]
    assert grey, "a unit without any report must show as grey cells"
    texts = next(tr for tr in fig.data if tr.type == "scatter" and tr.mode == "markers+text").text
    assert "chưa báo cáo" in texts


def test_points_heatmap_from_scores(demo) -> None:  # type: ignore[no-untyped-def]
    cur, values = demo
    rubric = load_campaign(DATA_DIR / "campaigns" / "2016.toml").rubric
    assert rubric is not None
    detail = scoring.score(values, rubric).detail
    grid = scoring.content_points(detail, queries.contents(cur, 2016)).set_index(["unit_code", "content"])
    assert grid.loc[("STP_HD", "ND3"), "text"].endswith("/20")  # TC4 15 + TC5 5 available
    assert grid.loc[("STP_HN", "ND7"), "status"] == "none"  # enforcement criteria are THADS only


def test_dumbbell_shows_every_unit_and_missing_phase(demo) -> None:  # type: ignore[no-untyped-def]
    cur, _ = demo
    both = queries.rank_phases(queries.phase_values(cur, 2016), "xa_ntm")
    fig = charts.phase_dumbbell(both, "Số xã: Đợt 1 và Đợt 2 năm 2016", "xã")
    assert len(_categories(fig)) == 22
    # THADS Thái Bình, without Q4, keeps its Q3 level for phase 2: no unit is shown as a gap.
    assert not [tr for tr in fig.data if tr.mode == "markers+text"]
    tb = both[both["unit_code"] == "THADS_TB"].iloc[0]
    assert (tb["status_p2"], tb["value_p2"]) == ("late", tb["value_p1"])
    assert fig.layout.title.text.startswith("Số xã")


def test_trend_shades_two_phases_and_draws_target(demo) -> None:  # type: ignore[no-untyped-def]
    cur, _ = demo
    series = queries.quarter_values(cur, 2016, "STP")
    series = series[series["indicator"] == "xa_ntm"]
    fig = charts.quarter_trend(series, "Xã NTM theo quý", "xã", highlight="STP_HN", phases=queries.phases(cur, 2016), target=2)
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    assert [(r.x0, r.x1) for r in rects] == [(0.5, 2.5), (2.5, 4.5)]
    assert any(s.type == "line" and s.y0 == 2 for s in fig.layout.shapes)
    assert len(fig.data) == 11 and fig.data[-1].name == "STP Hà Nội" and fig.data[-1].line.width == 4


def test_timeline_marks_today_inside_the_year_and_says_when_outside(demo) -> None:  # type: ignore[no-untyped-def]
    cur, _ = demo
    ms, ph = queries.milestones(cur, 2016), queries.phases(cur, 2016)
    inside = charts.today_on_timeline(ms, "Các mốc", date(2016, 7, 1), phases=ph)
    assert len(inside.data[0].x) == 3
    assert any(s.type == "line" for s in inside.layout.shapes)
    assert any("Hôm nay 01/07/2016" in a.text for a in inside.layout.annotations)
    after = charts.today_on_timeline(ms, "Các mốc", date(2026, 11, 26), phases=ph)
    assert not any(s.type == "line" for s in after.layout.shapes)
    assert any(a.text == "Hôm nay 26/11/2026 →" for a in after.layout.annotations)
    assert pd.Timestamp(after.layout.xaxis.range[1]).year == 2017  # the axis stays on the campaign year


def test_grouped_bars_and_score_bars(demo) -> None:  # type: ignore[no-untyped-def]
    _, values = demo
    pairs = queries.side_by_side(values, {"xa_xnpl_dang_ky": "registered", "xa_xnpl_dat": "achieved"}, sort_by="achieved")
    fig = charts.grouped_unit_bars(pairs, "Xã xóa nghèo pháp luật", [("registered", "Đăng ký"), ("achieved", "Đạt")], "xã")
    assert {tr.name for tr in fig.data} == {"Đăng ký", "Đạt"} and len(_categories(fig)) == 22
    rubric = load_campaign(DATA_DIR / "campaigns" / "2016.toml").rubric
    assert rubric is not None
    summary = scoring.score(values, rubric).summary
    frame = scoring.score_frame_for_chart(summary[summary["block"] == "STP"])
    grades = pd.DataFrame([{"code": g.code, "min_points": g.min_points} for g in rubric.grades])
    bars = charts.score_bars(frame, "Tổng điểm chấm — Khối Sở Tư pháp — năm 2016", grades, theme="projector")
    assert len(_categories(bars)) == 11
    assert sorted(s.x0 for s in bars.layout.shapes if s.type == "line" and s.x0 == s.x1 and s.x0 in (60, 75, 90)) == [60, 75, 90]
    assert bars.layout.title.font.size == charts.THEMES["projector"]["title"]


def test_user_text_is_escaped_in_charts() -> None:
    frame = pd.DataFrame({
        "unit_code": ["X"], "short_name": ["<b>X</b>"], "name": ["<script>x</script>"], "block": ["STP"],
        "value_p1": [1.0], "value_p2": [2.0],
    })  # fmt: skip
    fig = charts.phase_dumbbell(frame, "t")
    assert "&lt;b&gt;X&lt;/b&gt;" in _categories(fig)
    assert all("<script>" not in str(tr.customdata) for tr in fig.data)


def test_unit_bars_flag_a_flow_with_missing_quarters(demo_store: Store) -> None:
    cur = connection(demo_store)
    values = measures.period_values(cur, measures.period_spec(cur, 2016, "P2"))
    fig = charts.unit_bars(measures.indicator_slice(values, "hoat_dong_ntm"), "Hoạt động — Đợt 2/2016", "hoạt động")
    labels = {y: text for tr in fig.data if tr.type == "bar" for y, text in zip(tr.y, tr.text, strict=True)}
    assert labels["THADS Thái Bình"].endswith("(nộp muộn, quý 3)")  # Q4 not reported: a sum to Q3, said so
    assert not labels["STP Hà Nội"].endswith(")")


def test_block_trend_draws_each_block_median(mini_store: Store) -> None:
    series = queries.quarter_values(connection(mini_store), 2016)
    series = series[series["indicator"] == "buoi_pbgdpl"]
    medians = queries.block_medians(series).set_index(["block", "quarter"])["value"]
    assert medians["STP", 1] == 7.5 and medians["STP", 4] == 40  # (10+5)/2; STP_B missing Q4 is left out
    fig = charts.quarter_trend(series, "Buổi PBGDPL", "buổi", reference=queries.block_medians(series))
    ref = next(tr for tr in fig.data if tr.name == "Trung vị khối Sở Tư pháp")
    assert list(ref.y) == [7.5, 13.5, 19.5, 40] and ref.line.dash == "dash"


def test_every_dashboard_chart_has_a_projector_variant(demo) -> None:  # type: ignore[no-untyped-def]
    cur, values = demo
    rubric = load_campaign(DATA_DIR / "campaigns" / "2016.toml").rubric
    assert rubric is not None
    detail = scoring.score(values, rubric).detail
    both = queries.rank_phases(queries.phase_values(cur, 2016), "xa_ntm")
    series = queries.quarter_values(cur, 2016)
    series = series[series["indicator"] == "xa_ntm"]
    pairs = queries.side_by_side(values, {"xa_xnpl_dang_ky": "a", "xa_xnpl_dat": "b"}, sort_by="b")
    figures = [
        charts.attainment_heatmap(queries.content_attainment(values, queries.contents(cur, 2016)), "t", theme="projector"),
        charts.phase_dumbbell(both, "t", "xã", theme="projector"),
        charts.quarter_trend(series, "t", "xã", reference=queries.block_medians(series), theme="projector"),
        charts.today_on_timeline(queries.milestones(cur, 2016), "t", date(2016, 6, 1), theme="projector"),
        charts.grouped_unit_bars(pairs, "t", [("a", "A"), ("b", "B")], theme="projector"),
        charts.points_breakdown(detail[detail["unit_code"] == "STP_HN"], "t", theme="projector"),
    ]
    for fig in figures:
        assert fig.layout.title.font.size == charts.THEMES["projector"]["title"]
        assert fig.layout.separators == ",."


def _shown_categories(fig, axis: str) -> list[str]:  # type: ignore[no-untyped-def]
    return list(getattr(fig.layout, f"{axis}axis").categoryarray)


def test_heatmap_leaves_no_empty_band_or_empty_column(demo) -> None:  # type: ignore[no-untyped-def]
    cur, _ = demo
    contents = queries.contents(cur, 2016)
    for period in ("P1", "year"):
        values = measures.period_values(cur, measures.period_spec(cur, 2016, period))
        grid = queries.content_attainment(values, contents)
        for theme in ("screen", "projector"):
            fig = charts.attainment_heatmap(grid, "t", contents=contents, theme=theme)
            xs, ys = _shown_categories(fig, "x"), _shown_categories(fig, "y")
            # The axes span exactly their categories: no padding band above the first row.
            assert fig.layout.yaxis.autorange is False and list(fig.layout.yaxis.range) == [-0.5, len(ys) - 0.5]
            assert fig.layout.xaxis.autorange is False and list(fig.layout.xaxis.range) == [-0.5, len(xs) - 0.5]
            assert set(fig.data[0].x) == set(xs) and set(fig.data[0].y) == set(ys)
            for column in range(len(xs)):  # every column shown holds at least one unit's figure or a grey cell
                assert any(row[column] is not None for trace in fig.data if trace.type == "heatmap" for row in trace.z)
            assert not any("ND" in x for x in xs)


def test_heatmap_hover_says_no_target_where_none_was_set(demo) -> None:  # type: ignore[no-untyped-def]
    cur, values = demo
    contents = queries.contents(cur, 2016)
    fig = charts.attainment_heatmap(queries.content_attainment(values, contents), "t", contents=contents)
    hovers = [h for row in fig.data[0].hovertext for h in row]
    stp_row = fig.data[0].y.index("STP Bắc Ninh")
    enforcement = list(fig.data[0].x).index("Chỉ tiêu thi hành án")
    assert fig.data[0].hovertext[stp_row][enforcement].endswith("không giao chỉ tiêu")
    assert not any(h.endswith("chưa báo cáo") and "Bắc Ninh" in h and "ND7" in h for h in hovers)


@pytest.mark.parametrize(
    ("indicator", "unit", "integer"),
    [
        ("dien_hinh", "mô hình", True),
        pytest.param("xa_ntm", "xã", True, marks=pytest.mark.slow),  # more counts: dien_hinh stands for them in the quick loop
        pytest.param("buoi_pbgdpl", "buổi", True, marks=pytest.mark.slow),
        ("ty_le_viec", "%", False),
    ],
)
def test_count_axes_have_whole_number_ticks(demo, indicator: str, unit: str, integer: bool) -> None:  # type: ignore[no-untyped-def]
    cur, values = demo
    ranked = measures.indicator_slice(values, indicator)
    bars = charts.unit_bars(ranked, "t", unit)
    both = queries.rank_phases(queries.phase_values(cur, 2016), indicator)
    dumbbell = charts.phase_dumbbell(both, "t", unit)
    grouped = charts.grouped_unit_bars(both, "t", [("value_p1", "Đợt 1"), ("value_p2", "Đợt 2")], unit)
    series = queries.quarter_values(cur, 2016)
    trend = charts.quarter_trend(series[series["indicator"] == indicator], "t", unit)
    for axis in (bars.layout.xaxis, dumbbell.layout.xaxis, grouped.layout.xaxis, trend.layout.yaxis):
        if integer:
            assert axis.tick0 == 0 and axis.dtick >= 1 and float(axis.dtick).is_integer() and axis.tickformat == ",d"
        else:
            assert axis.dtick is None


def test_a_short_count_range_steps_by_one_and_a_long_one_by_a_round_number() -> None:
    small = pd.DataFrame({"short_name": ["A", "B"], "name": ["A", "B"], "block": "STP", "value": [2.0, 1.0], "status": "ok"})
    assert charts.unit_bars(small, "t", "mô hình").layout.xaxis.dtick == 1
    large = small.assign(value=[730.0, 12.0])
    assert charts.unit_bars(large, "t", "buổi").layout.xaxis.dtick in (100, 200)


def test_every_heatmap_cell_has_a_clickable_point_with_its_hover(demo) -> None:  # type: ignore[no-untyped-def]
    cur, values = demo
    grid = queries.content_attainment(values, queries.contents(cur, 2016))
    fig = charts.attainment_heatmap(grid, "t")
    cells = next(tr for tr in fig.data if tr.type == "scatter" and tr.mode == "markers+text")
    targeted = grid.loc[grid["status"] != "none", "content"].nunique()  # contents without a target are left out
    assert len(cells.x) == 22 * targeted and cells.marker.opacity == 0  # a heatmap cell cannot be selected; this point can
    first = next(zip(cells.x, cells.y, cells.hovertext, cells.customdata, strict=True))
    row = grid.iloc[0]
    # Without the contents' short titles the column is headed by the code, which the point also carries.
    assert first[:2] == (row["content"], row["short_name"]) and first[2].startswith(f"<b>{row['name']}</b>")
    assert first[3] == row["content"]
