"""The words a Vietnamese official reads in captions, the summary and labels: what a figure says and
no more ("dẫn đầu" is a voted title, "Hạng" is the grade, a rate moves in "điểm phần trăm")."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics import measures, queries, scoring
from analytics.config import load_campaign
from analytics.labels import KINDS, TEXT, t
from analytics.presentation import captions, charts, narrative, tables
from analytics.settings import DATA_DIR
from analytics.store import Store
from tests.support import connection


def _ranked(rows: list[tuple[str, float | None]], *, higher: bool = True) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "short_name": [r[0] for r in rows],
            "value": [r[1] for r in rows],
            "status": ["missing" if r[1] is None else "ok" for r in rows],
            "higher_is_better": higher,
        }
    )


def test_a_rate_moves_in_percentage_points() -> None:
    assert captions.change_text(48.3, 92.6, "%") == "Toàn cụm: 92,6% (đợt 1: 48,3%, tăng 44,3 điểm phần trăm)"
    assert captions.change_text(48.3, 92.6, "%", "en").endswith("up 44,3 percentage points)")


@pytest.mark.parametrize(("before", "now"), [(50.02, 49.98), (71.0, 71.04), (3.0, 3.0)])
def test_a_change_that_prints_as_zero_is_no_change(before: float, now: float) -> None:
    text = captions.change_text(before, now, "%")
    assert text.endswith(", không đổi)") and "giảm" not in text and "tăng" not in text


def test_the_change_agrees_with_the_printed_figures() -> None:
    # 44,04 → 44,0 and 44,06 → 44,1: the sentence says what a reader computes from the numbers shown.
    assert captions.change_text(44.04, 44.06, "%") == "Toàn cụm: 44,1% (đợt 1: 44,0%, tăng 0,1 điểm phần trăm)"


def test_the_best_figure_is_called_highest_or_lowest_never_leading() -> None:
    higher = captions.indicator_caption(_ranked([("STP A", 3), ("STP B", 1)]), "xã")
    assert higher == "Cao nhất: STP A (3 xã) · Thấp nhất: STP B (1 xã)"
    # Fewer is better (e.g. cases carried over): the best is the lowest, the last is the highest.
    lower = captions.indicator_caption(_ranked([("STP B", 1), ("STP A", 3)], higher=False), "việc")
    assert lower == "Thấp nhất: STP B (1 việc) · Cao nhất: STP A (3 việc)"
    many = captions.indicator_caption(_ranked([(f"U{i}", 2) for i in range(5)] + [("Z", 1)]), "xã")
    assert many.startswith("5 đơn vị cùng mức cao nhất (2 xã)")
    assert "dẫn đầu" not in (higher + lower + many).lower()


def _scores(rows: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["short_name", "block", "rank", "total"]).assign(grade="A", flag_eligible=False)


def test_the_summary_says_who_has_the_highest_score_not_who_leads() -> None:
    values = pd.DataFrame(columns=["indicator", "target_min", "target_max", "block", "value", "meets_target", "short_name", "label"])
    reporting = pd.DataFrame({"block": ["STP", "STP"], "reported": [True, True], "short_name": ["STP Thái Bình", "STP Hà Nội"]})
    one = narrative.narrative(values, reporting, "Quý 4/2016", _scores([("STP Thái Bình", "STP", 1, 91.333), ("STP Hà Nội", "STP", 2, 80)]))
    assert one == ["Khối Sở Tư pháp: STP Thái Bình có điểm chấm cao nhất khối (91,33)."]
    tied = narrative.narrative(values, reporting, "Quý 4/2016", _scores([("STP Thái Bình", "STP", 1, 90), ("STP Hà Nội", "STP", 1, 90)]))
    assert tied == ["Khối Sở Tư pháp: STP Thái Bình, STP Hà Nội cùng có điểm chấm cao nhất khối (90,00)."]


def test_the_score_caption_names_the_highest_score_of_each_block() -> None:
    text = captions.score_caption(_scores([("STP Thái Bình", "STP", 1, 91.333), ("THADS Hà Nam", "THADS", 1, 150)]))
    assert text.startswith("Khối Sở Tư pháp: STP Thái Bình có điểm chấm cao nhất khối (91,33, xếp loại A) · Khối Cục THADS: THADS Hà Nam")


def test_labels_use_the_ministrys_words() -> None:
    assert t("col_rank") == "Xếp thứ" and t("col_grade") == "Xếp loại"
    assert t("download_csv") == "Tải về (CSV)" and t("download_xlsx") == "Tải về (Excel)"
    assert t("up_commit") == "Lưu số liệu" and t("up_demo_explain").startswith("Cơ sở dữ liệu đang chứa")
    assert t("no_target") == "không giao chỉ tiêu"
    assert KINDS["flow"][0].startswith("chỉ tiêu thời kỳ") and KINDS["stock"][0].startswith("chỉ tiêu thời điểm")
    assert "chỉ tiêu thời điểm lấy số cuối quý" in t("quarter_values_note")
    assert t("profile_rank", block="Khối Sở Tư pháp", rank=2, count=11, points="80,00", grade="B").startswith("Xếp thứ 2/11 trong")


def test_no_vietnamese_text_says_dashboard_kho_leading_or_hang_for_a_place() -> None:
    words = ("dashboard", "dẫn đầu", "lưu vào kho", "kho dữ liệu", "kho đang", "kho không", "kho đã", "chỉ tiêu tồn", "điểm %")
    offenders = {key: vi for key, (vi, _) in TEXT.items() if any(w in vi.lower() for w in words)}
    offenders |= {key: vi for key, (vi, _) in TEXT.items() if "hạng" in vi.lower() and "xếp hạng" not in vi.lower()}
    assert offenders == {}


def test_tables_show_names_and_words_not_codes_or_a_false_not_reported(demo_store: Store) -> None:
    cur = connection(demo_store)
    values = measures.period_values(cur, measures.period_spec(cur, 2016, "year"))
    campaign = load_campaign(DATA_DIR / "campaigns" / "2016.toml")
    assert campaign.rubric is not None
    catalogue = measures.catalogue(cur, 2016)
    labels = dict(zip(catalogue["code"], catalogue["label"], strict=True))
    units = dict(zip(catalogue["code"], catalogue["unit"], strict=True))
    rubric = tables.display(tables.rubric_table(campaign.rubric, units, labels))
    assert "dien_hinh" not in set(rubric["Chỉ tiêu"]) and labels["dien_hinh"] in set(rubric["Chỉ tiêu"])
    assert "chưa báo cáo" not in set(rubric["Tối đa"])  # a bonus has no maximum: "—"
    detail = scoring.score(values, campaign.rubric).detail
    drill = tables.display(tables.drill_table(detail))
    bonus = drill[drill["Loại"] == "Cộng"]
    assert len(bonus) and set(bonus["Tối đa"]) == {"—"}
    sources = tables.display(tables.sources_table(queries.unit_sources(cur, "STP_QN", 2016)))
    assert set(sources["Loại"]) == {"dữ liệu minh họa"}  # not the stored code "demo"


def test_breakdown_labels_are_cut_at_a_word() -> None:
    detail = pd.DataFrame({"kind": "criterion", "code": ["TC4"], "label": ["Số xã được hỗ trợ xây dựng nông thôn mới (≥ 2)"],
                           "block": "STP", "points": [15.0], "max_points": [15.0], "how": [""]})  # fmt: skip
    label = charts.points_breakdown(detail, "t").data[0].y[0]
    assert label == "TC4 · Số xã được hỗ trợ xây dựng nông thôn …"
