"""The synthetic scale generator builds the shape it is asked for, as a store the app can open."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics import measures, scale
from analytics.bootstrap import open_store
from analytics.cli import main
from analytics.export import export_frame
from tests.support import connection


def test_small_national_like_store_has_the_requested_shape(tmp_path: Path) -> None:
    spec = scale.ScaleSpec(units=30, years=3, indicators=20, communes=50)
    built = scale.build(tmp_path / "s", spec)
    store = open_store(built.settings)  # opened the way the dashboard opens it: config in sync, no demo re-seed
    cur = connection(store)
    assert cur.execute("SELECT count(*) FROM units").fetchone() == (30,)
    assert measures.years(cur) == [2018, 2017, 2016]
    per_quarter = cur.execute(
        "SELECT u.block, count(*) / count(DISTINCT f.unit_code || f.year || f.quarter) FROM facts f"
        " JOIN units u ON u.code = f.unit_code GROUP BY u.block ORDER BY u.block"
    ).fetchall()
    stp, thads = (float(r[1]) for r in per_quarter)
    assert (stp + thads) / 2 == pytest.approx(20, abs=0.5)  # reported indicators per unit and quarter
    units_with_values = cur.execute("SELECT count(DISTINCT unit_code), count(DISTINCT year) FROM facts").fetchone()
    assert units_with_values == (30, 3)
    assert built.facts == cur.execute("SELECT count(*) FROM facts").fetchone()[0] > 30 * 3 * 4 * 19
    assert built.communes == 50 == cur.execute("SELECT count(DISTINCT commune) FROM communes").fetchone()[0]
    assert cur.execute("SELECT bool_and(is_demo) FROM facts").fetchone() == (True,)
    extra = cur.execute("SELECT count(*) FROM indicators WHERE year = 2017 AND code LIKE 'mau_%'").fetchone()[0]
    assert extra == 20 - 17  # the shipped catalogue has 15 STP and 19 THADS reported indicators
    frame = measures.period_values(cur, measures.period_spec(cur, 2017, "P1"), "STP")
    assert frame["unit_code"].nunique() == 15 and frame["value"].notna().all()


@pytest.mark.slow  # another preset of the same builder as the test above
def test_cluster_preset_is_the_shipped_install_over_three_years(tmp_path: Path, demo_store) -> None:  # type: ignore[no-untyped-def]
    built = scale.build(tmp_path / "c", scale.PRESETS["cluster"])
    store = open_store(built.settings)
    ours, shipped = export_frame(connection(store)), export_frame(connection(demo_store))
    assert sorted(ours["year"].unique()) == [2016, 2017, 2018] and len(ours) == built.facts
    first = ours[ours["year"] == 2016].reset_index(drop=True)
    assert first.equals(shipped)  # its first year is what a fresh install holds for 2016
    communes = connection(demo_store).execute("SELECT count(*) FROM communes").fetchone()[0]
    assert connection(store).execute("SELECT count(*) FROM communes WHERE year = 2016").fetchone()[0] == communes


@pytest.mark.slow  # builds whole stores; the small national store above stays quick
def test_cli_builds_and_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "cli"
    args = ["scale-sample", "--scale", "national", "--units", "24", "--years", "2", "--indicators", "0", "--communes", "10"]
    assert main([*args, "--dir", str(folder)]) == 0
    out = capsys.readouterr().out
    assert f"THIDUA_DB={folder / 'thidua.duckdb'}" in out and "10 xã" in out
    assert sorted(p.name for p in (folder / "campaigns").iterdir()) == ["2016.toml", "2017.toml"]
    assert main([*args, "--dir", str(folder)]) == 2
    assert "--replace" in capsys.readouterr().err
    assert main([*args, "--dir", str(folder), "--replace"]) == 0
