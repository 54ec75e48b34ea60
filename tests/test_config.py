from pathlib import Path

import pytest

from analytics.config import ConfigError, load_campaign, load_campaigns
from tests.support import SHIPPED_CAMPAIGN, broken_campaign

SHIPPED = SHIPPED_CAMPAIGN


def test_shipped_2016_campaign_matches_the_article() -> None:
    c = load_campaign(SHIPPED)
    assert c.year == 2016
    assert c.signing_date is not None and c.signing_date.isoformat() == "2016-03-04"
    assert [(p.number, p.start.isoformat(), p.end.isoformat(), p.quarters) for p in c.phases] == [
        (1, "2016-01-01", "2016-06-30", (1, 2)),
        (2, "2016-07-01", "2016-12-31", (3, 4)),
    ]
    milestones = {m.date.isoformat(): m.place for m in c.milestones}
    assert "Móng Cái" in milestones["2016-06-16"] and "Hạ Long" in milestones["2016-11-04"]
    assert len(c.contents) == 9 and any(k.placeholder for k in c.contents)
    assert c.indicator("ty_le_viec").numerator == "viec_xong"
    ntm = [t for t in c.targets if t.indicator == "xa_ntm"]
    assert ntm and ntm[0].min == 2
    assert all(i.kind != "ratio" for i in c.input_indicators())


@pytest.mark.parametrize(
    ("old", "new", "key", "problem"),
    [
        ('kind = "flow"', 'kind = "sum"', "indicators[1].kind", "flow, stock, ratio"),
        ('numerator = "viec_xong"', 'numerator = "khong_co"', "indicators[22].numerator", "khong_co"),
        ("min = 2\n", 'min = "hai"\n', "targets[4].min", "kiểu"),
        ("quarters = [3, 4]", "quarters = [2, 3]", "phases[2].quarters", "trùng"),
        ('content = "ND1"', 'content = "ND99"', "indicators[1].content", "ND99"),
        ("year = 2016", "year = 2017", "year", "không khớp"),
        ('theme = "Toàn', "theme = Toàn", "(cú pháp)", "TOML"),
        ('registration = "co_chinh_phu"', 'registration = "co_khong_co"', "titles[3].registration", "[[registration.titles]]"),
        (
            'label = "Hoàn thành chỉ tiêu đăng ký"\npoints = 5',
            'label = "Hoàn thành chỉ tiêu đăng ký"\npoints = 0',
            "scoring.registration.points",
            "lớn hơn 0",
        ),
    ],
)
def test_malformed_config_names_file_key_and_problem(tmp_path: Path, old: str, new: str, key: str, problem: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_campaign(broken_campaign(tmp_path, old, new))
    assert info.value.key == key
    assert problem in info.value.problem
    assert "2016.toml" in str(info.value)


def test_load_campaigns_reads_every_year(tmp_path: Path) -> None:
    (tmp_path / "2016.toml").write_bytes(SHIPPED.read_bytes())
    (tmp_path / "2017.toml").write_text(SHIPPED.read_text(encoding="utf-8").replace("2016", "2017"), encoding="utf-8")
    assert sorted(load_campaigns(tmp_path)) == [2016, 2017]
