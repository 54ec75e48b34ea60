"""Which unit a clicked chart point names, and the profile URL it opens (the click itself is driven
in Chromium: tests/browser/test_reach_browser.py)."""

from __future__ import annotations

from ui.drill import clicked_unit, profile_params
from ui.filters import Filters

LOOKUP = {"STP Hà Nội": "STP_HN", "Sở Tư pháp thành phố Hà Nội": "STP_HN", "STP &lt;b&gt;X&lt;/b&gt;": "STP_X", "THADS Hà Nội": "THADS_HN"}


def test_a_point_names_its_unit_by_row_label_hover_name_or_category() -> None:
    assert clicked_unit([{"x": 3, "y": "STP Hà Nội", "curve_number": 0}], LOOKUP) == "STP_HN"  # a bar's row
    assert clicked_unit([{"x": "ND3", "y": "STP &lt;b&gt;X&lt;/b&gt;"}], LOOKUP) == "STP_X"  # a heatmap cell (escaped row)
    assert clicked_unit([{"x": 2, "y": 4.0, "customdata": "Sở Tư pháp thành phố Hà Nội"}], LOOKUP) == "STP_HN"  # a trend dot
    assert clicked_unit([{"x": 2, "y": 1.0, "customdata": ["Sở Tư pháp thành phố Hà Nội", 5]}], LOOKUP) == "STP_HN"
    assert clicked_unit([{"x": "2016-06-16", "y": 0, "customdata": "Móng Cái"}], LOOKUP) is None  # a milestone
    assert clicked_unit([{"x": 5, "y": "TC1 · Điển hình"}, {"x": 1, "y": "THADS Hà Nội"}], LOOKUP) == "THADS_HN"
    assert clicked_unit([], LOOKUP) is None


def test_the_profile_url_keeps_year_period_block_and_indicator() -> None:
    f = Filters(2016, "P1", "STP", "STP_QN")
    assert profile_params(f, "STP_HN", "xa_ntm") == {"year": "2016", "period": "P1", "block": "STP", "unit": "STP_HN", "ind": "xa_ntm"}
    assert profile_params(Filters(2016, "year", None), "THADS_HN", None) == {
        "year": "2016", "period": "year", "block": "ALL", "unit": "THADS_HN"
    }  # fmt: skip
