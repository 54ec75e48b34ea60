"""Slides and captions: what a deck contains for a meeting and filters, and what the captions say."""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest

from analytics import measures
from analytics.config import load_campaigns
from analytics.history import apply_values, record_upload
from analytics.presentation import captions, slides
from analytics.presentation.meetings import Meeting, SlideSpec
from analytics.settings import DATA_DIR
from analytics.store import Store
from tests.support import connection

MEETINGS = slides.load_all(DATA_DIR / "meetings")
CAMPAIGNS = load_campaigns(DATA_DIR / "campaigns")


def _frame(rows: list[tuple[str, float | None, bool | None]], unit: str = "xã") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "short_name": [r[0] for r in rows],
            "value": [r[1] for r in rows],
            "meets_target": pd.array([r[2] for r in rows], dtype="boolean"),
            "status": ["missing" if r[1] is None else "ok" for r in rows],
            "higher_is_better": True,
        }
    )


def test_caption_names_leader_laggards_missing_and_change() -> None:
    ranked = _frame([("STP A", 3, True), ("STP B", 2, True), ("THADS C", 1, False), ("THADS D", None, None)])
    text = captions.indicator_caption(ranked, "xã", change=(22, 46))
    assert (
        text == "Cao nhất: STP A (3 xã) · Chưa đạt chỉ tiêu (1): THADS C · Chưa báo cáo: THADS D · Toàn cụm: 46 xã (đợt 1: 22 xã, tăng 24)"
    )


def test_caption_without_target_names_the_lowest_worst_first_and_caps_the_list() -> None:
    ranked = _frame([("A", 9.5, None), ("B", 1, None), ("C", 1, None), ("D", 1, None), ("E", 1, None)], "%")
    text = captions.indicator_caption(ranked, "%")
    assert text == "Cao nhất: A (9,5%) · Thấp nhất: B, C, D và 1 đơn vị khác (1,0%)"  # ties in list order


def test_change_of_a_rate_is_in_points_and_never_an_average() -> None:
    assert captions.change_text(48.3, 92.6, "%") == "Toàn cụm: 92,6% (đợt 1: 48,3%, tăng 44,3 điểm phần trăm)"
    assert captions.change_text(10, 7, "buổi") == "Toàn cụm: 7 buổi (đợt 1: 10 buổi, giảm 3)"
    frame = pd.DataFrame(
        {
            "unit_code": ["a", "b", "a", "b", "a", "b"],
            "indicator": ["r", "r", "num", "num", "den", "den"],
            "kind": ["ratio", "ratio", "stock", "stock", "stock", "stock"],
            "value": [50.0, 100.0, 1.0, 9.0, 2.0, 9.0],
        }
    )
    assert captions.cluster_value(frame, "r", ("num", "den")) == 100.0 * 10 / 11  # not (50 + 100) / 2


def test_phase_one_deck_has_the_configured_slides(demo_store: Store) -> None:
    deck = slides.build_deck(connection(demo_store), MEETINGS["so-ket-2016"])
    assert [s.kind for s in deck.slides] == ["kpi", *["units"] * 6, "heatmap", "milestones"]
    assert [s.number for s in deck.slides] == list(range(1, 10)) and {s.total for s in deck.slides} == {9}
    # Its cut-off is the afternoon before the 16/6 meeting: phase 1 holds what was reported by then, Q1.
    assert all(s.is_demo and s.as_of == "Số liệu đến hết Quý 1/2016 (chốt lúc 17:00 15/06/2016)" for s in deck.slides)
    enforcement = deck.slides[5]
    assert "THADS: 01/10/2015–31/03/2016" in enforcement.period
    ys = {y for trace in enforcement.figure.data for y in (() if trace.y is None else list(trace.y))}
    assert ys and all(str(y).startswith("THADS ") for y in ys)
    assert "Toàn cụm" not in enforcement.caption  # phase 1 has nothing earlier to compare with
    assert "Sơ kết 6 tháng đầu năm: 16/06/2016" in deck.slides[-1].caption


@pytest.mark.slow  # two decks; the cut-off deck below stays quick
def test_an_upload_after_the_cut_off_leaves_the_meeting_deck_as_it_was(demo_store: Store) -> None:
    meeting = MEETINGS["so-ket-2016"]
    before = slides.build_deck(connection(demo_store), meeting)
    correction = pd.DataFrame({"unit_code": ["STP_HD"], "year": [2016], "quarter": [1], "indicator": ["xa_ntm"], "value": [5.0]})

    def upload(cur):  # type: ignore[no-untyped-def]
        apply_values(cur, record_upload(cur, kind="results", created_by="t"), correction)

    demo_store.write(upload)
    after = slides.build_deck(connection(demo_store), meeting)
    assert [(s.caption, s.as_of, s.figure.to_json()) for s in after.slides] == [
        (s.caption, s.as_of, s.figure.to_json()) for s in before.slides
    ]
    now = slides.build_deck(connection(demo_store), dataclasses.replace(meeting, cutoff=None), period="Q1")
    assert now.slides[1].caption.startswith("Cao nhất: STP Hải Dương (5 xã)")  # without the cut-off the correction shows


@pytest.mark.slow  # the late unit stays quick in tests/cli/test_cli.py; the year-end deck below stays quick
def test_year_deck_without_a_cut_off_flags_a_late_unit(demo_store: Store) -> None:
    cur = connection(demo_store)
    deck = slides.build_deck(cur, dataclasses.replace(MEETINGS["tong-ket-2016"], cutoff=None))
    ntm = deck.slides[1]
    year = measures.period_values(cur, measures.period_spec(cur, 2016, "year"))
    p1 = measures.period_values(cur, measures.period_spec(cur, 2016, "P1"))
    now, before = year.loc[year["indicator"] == "xa_ntm", "value"].sum(), p1.loc[p1["indicator"] == "xa_ntm", "value"].sum()
    assert f"Toàn cụm: {now:.0f} xã (đợt 1: {before:.0f} xã" in ntm.caption
    assert "Nộp muộn / chưa đủ kỳ: THADS Thái Bình (số liệu quý 3)" in ntm.caption  # the demo's unit without Q4
    assert "(đợt 1: 48 xã, không đổi)" in ntm.caption  # its Q3 level counts: no fall the data does not show
    assert "STP Hải Dương" in ntm.caption  # a demo laggard


@pytest.mark.slow  # a variant of the year deck above; the cut-off stays quick in tests/pages/test_dashboard_pages.py
def test_year_deck_at_its_cut_off_has_the_third_quarter_and_no_late_unit(demo_store: Store) -> None:
    deck = slides.build_deck(connection(demo_store), MEETINGS["tong-ket-2016"])
    assert {s.as_of for s in deck.slides} == {"Số liệu đến hết Quý 3/2016 (chốt lúc 17:00 03/11/2016)"}
    assert "Nộp muộn" not in deck.slides[1].caption  # nobody had Q4 on 3/11: nobody is late


@pytest.mark.slow  # the present page's block filter from the URL stays quick
def test_url_filters_override_the_meeting(demo_store: Store) -> None:
    cur = connection(demo_store)
    deck = slides.build_deck(cur, MEETINGS["tong-ket-2016"], block="STP", period="P2", campaigns=CAMPAIGNS)
    assert [s.kind for s in deck.slides].count("scores") == 1  # only the STP scoring slide
    # The legal-access rate is annual-only: no phase-2 slide for it; the registration slide is there.
    assert len(deck.slides) == 10 and all("Đợt 2/2016" in s.period for s in deck.slides)
    assert all("Khối Sở Tư pháp" in s.period for s in deck.slides)
    dark = slides.build_deck(cur, MEETINGS["so-ket-2016"], variant="dark")
    assert dark.variant == "dark" and dark.slides[1].figure.layout.paper_bgcolor == "#111111"


def test_a_new_kind_is_one_registration(demo_store: Store) -> None:
    def dots(frame: pd.DataFrame, title: str, unit: str = "", *, theme: str = "screen", lang: str = "vi") -> go.Figure:
        return go.Figure(go.Scatter(x=frame["value"], y=frame["short_name"], mode="markers"), layout={"title": {"text": title}})

    slides.register("dots", slides.indicator_chart(dots), needs=("indicator",))
    try:
        meeting = Meeting("m", "Họp", 2016, "year", "ALL", 15, "light", (SlideSpec("dots", indicator="dien_hinh"),))
        deck = slides.build_deck(connection(demo_store), meeting)
        assert deck.slides[0].kind == "dots" and len(deck.slides[0].figure.data[0].y) == 22
        assert "Cao nhất" in deck.slides[0].caption
    finally:
        del slides.KINDS["dots"]


def test_default_meeting_when_no_file_fits(empty_store: Store) -> None:
    deck = slides.build_deck(connection(empty_store), slides.default_meeting(2016, "P1"))
    assert deck.slides and all(s.as_of == "chưa có số liệu" for s in deck.slides)
    assert all(not s.is_demo for s in deck.slides)


@pytest.mark.slow
def test_phase_heatmap_scores_and_trend_slides_and_their_captions(demo_store: Store) -> None:
    cur = connection(demo_store)
    deck = slides.build_deck(cur, MEETINGS["tong-ket-2016"], campaigns=CAMPAIGNS)
    by_kind = {s.kind: s for s in deck.slides}
    assert [s.kind for s in deck.slides][-5:] == ["phases", "heatmap", "scores", "scores", "milestones"]
    assert "Đợt 2 so với đợt 1:" in by_kind["phases"].caption
    assert "đơn vị đạt mọi chỉ tiêu được giao" in by_kind["heatmap"].caption
    stp, thads = (s for s in deck.slides if s.kind == "scores")
    assert stp.caption.startswith("Khối Sở Tư pháp: STP ") and thads.caption.startswith("Khối Cục THADS: THADS ")
    assert "có điểm chấm cao nhất khối" in stp.caption and "dẫn đầu" not in stp.caption.lower()
    names = [str(y) for trace in stp.figure.data for y in (() if trace.y is None else list(trace.y))]
    assert names and all(name.startswith("STP ") for name in names)
    # Without the campaign's rubric the scoring slides are left out rather than drawn empty.
    assert "scores" not in [s.kind for s in slides.build_deck(cur, MEETINGS["tong-ket-2016"]).slides]
    trend = Meeting("m", "Họp", 2016, "year", "STP", 15, "light", (SlideSpec("trend", indicator="buoi_pbgdpl"),))
    only = slides.build_deck(cur, trend).slides[0]
    assert only.kind == "trend" and "Khối Sở Tư pháp" in only.title and "Cao nhất" in only.caption


@pytest.mark.slow  # a whole deck rebuilt; tests/presentation/test_chart_scale.py keeps one rebuild quick
def test_fit_sizes_a_copy_that_a_validated_rebuild_leaves_unchanged(demo_store: Store) -> None:
    import json

    deck = slides.build_deck(connection(demo_store), MEETINGS["tong-ket-2016"], campaigns=CAMPAIGNS, variant="dark")
    assert len(deck.slides) == 15
    for slide in deck.slides:
        before = slide.figure.to_json()
        fitted = slides.fit(slide.figure, 940)
        assert fitted.layout.height == 940 and fitted.layout.autosize is True and fitted.layout.width is None
        assert fitted.layout.title.x == 0.015 and fitted.layout.margin.l >= 28
        assert json.loads(fitted.to_json()) == json.loads(go.Figure(fitted.to_dict()).to_json()), slide.kind
        assert slide.figure.to_json() == before  # the deck's figure is not touched
        image = slides.fit(slide.figure, 900, 1920)
        assert image.layout.width == 1920 and image.layout.autosize is False


def test_the_year_end_deck_shows_registered_against_achieved(demo_store: Store) -> None:
    from analytics.reporting import registration
    from analytics.reporting.deadlines import calendar_of
    from analytics.reporting.registration import Registration, save
    from analytics.trust.auth import system_user

    calendar = calendar_of(CAMPAIGNS[2016])
    save(demo_store, system_user("test"), Registration("STP_QN", 2016, ("co_bo_tu_phap",), 5), calendar, submit=True)
    deck = slides.build_deck(connection(demo_store), MEETINGS["tong-ket-2016"], campaigns=CAMPAIGNS)
    [slide] = [s for s in deck.slides if s.kind == "registration"]
    assert "Xã được chọn hỗ trợ xây dựng nông thôn mới" in slide.title
    traces = {trace.name: trace for trace in slide.figure.data}
    registered, achieved = traces["Đăng ký"], traces["Đạt được"]
    labels = dict(zip(registered.y, registered.text, strict=True))
    approved = registration.approved(connection(demo_store), 2016)
    # Sent but not approved, never registered, returned: a word, never a registered zero.
    assert labels["STP Quảng Ninh"] == "chưa được duyệt" and labels["THADS Quảng Ninh"] == "chưa đăng ký"
    assert labels["STP Bắc Ninh"] == "chưa được duyệt"
    assert labels["STP Hà Nội"] == str(approved["STP_HN"].ntm_count) and len(achieved.y) == 22
    assert slide.caption.startswith(f"{len(approved)}/22 đơn vị đã được duyệt đăng ký; ")
    # Sent today, long after the 2016 deadline (31/03/2016): the slide says so.
    late = (date.today() - date(2016, 3, 31)).days
    assert slide.caption.endswith(f"Đăng ký muộn: STP Quảng Ninh (đăng ký muộn ({late} ngày)).")
    assert slide.figure.layout.xaxis.dtick == 1 and slide.figure.layout.xaxis.title.text == "xã"  # whole communes, no 0,5


@pytest.mark.slow  # three years of decks; tests/test_years.py keeps the lineage quick
def test_years_slide_follows_merged_units_over_the_last_three_years(years_store: Store) -> None:
    deck = slides.build_deck(connection(years_store), MEETINGS["tong-ket-2026"], campaigns=CAMPAIGNS)
    last = deck.slides[-1]
    assert last.kind == "years" and last.title == "Tỷ lệ thi hành xong về việc qua các năm"
    assert {tuple(trace["x"]) for trace in last.figure.to_dict()["data"]} == {(2024, 2025, 2026)}
    assert last.caption.startswith("Khối Cục THADS: Toàn khu vực:") and "THADS Ninh Bình: THADS Hà Nam, THADS Nam Định" in last.caption
    alone = slides.build_deck(connection(years_store), MEETINGS["tong-ket-2016"], campaigns=CAMPAIGNS)
    assert "years" not in {s.kind for s in alone.slides}  # no earlier year to compare 2016 with
