"""The golden fixture (tests/data/golden): four units, four quarters, one unit late, one correction
uploaded after the year-end review's cut-off, and registrations (one never approved) the scores add to.
expected.toml was worked out by hand; the `results` and `scores` commands, the pages' tables and the
meeting slides must all agree with it."""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from analytics import measures, results
from analytics.bootstrap import open_store
from analytics.config import load_campaigns
from analytics.presentation import slides, tables
from analytics.reporting import registration
from analytics.reporting.deadlines import calendar_of
from analytics.reporting.registration import Registration
from analytics.settings import Settings
from analytics.store import Store
from analytics.trust.auth import system_user
from tests.support import TESTS, connection, run_cli

GOLDEN = TESTS / "data" / "golden"
EXPECTED = tomllib.loads((GOLDEN / "expected.toml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Golden:
    folder: Path
    settings: Settings

    def cli(self, *args: str) -> list[dict[str, str]]:
        """A command's CSV output as rows (checked to start with the UTF-8 BOM)."""
        got = run_cli(self.folder, *args, demo=False)
        assert got.returncode == 0, got.stderr.decode()
        assert got.stdout.startswith("\ufeff".encode())
        return list(csv.DictReader(io.StringIO(got.stdout.decode("utf-8-sig"))))

    def store(self) -> Store:
        return open_store(self.settings)


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Golden]:
    folder = tmp_path_factory.mktemp("golden")
    settings = Settings(
        db_path=folder / "cli.duckdb",
        units_file=GOLDEN / "units.csv",
        campaigns_dir=GOLDEN / "campaigns",
        load_demo_when_new=False,
        meetings_dir=GOLDEN / "meetings",
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("THIDUA_UNITS", str(settings.units_file))
        patch.setenv("THIDUA_CAMPAIGNS", str(settings.campaigns_dir))
        patch.setenv("THIDUA_MEETINGS", str(settings.meetings_dir))
        for upload in EXPECTED["uploads"]:
            done = run_cli(folder, "import", str(GOLDEN / "quarters" / upload["file"]), demo=False)
            assert done.returncode == 0, done.stderr.decode()
        # The files were sent over a year; the test's clock is today, so each upload gets its date.
        store = open_store(settings)

        def date_uploads(cur) -> None:  # type: ignore[no-untyped-def]
            for upload in EXPECTED["uploads"]:
                cur.execute("UPDATE uploads SET created_at = ? WHERE file_name = ?", [upload["at"], upload["file"]])

        store.write(date_uploads)
        calendar = calendar_of(load_campaigns(settings.campaigns_dir)[2016])
        secretariat = system_user("golden")
        for unit, ntm, models, xnpl, approved in EXPECTED["registrations"]:
            entered = Registration(unit, 2016, ("co",), ntm, (), models, (), xnpl, ())
            registration.save(store, secretariat, entered, calendar, submit=True)
            if approved:
                registration.review(store, secretariat, unit, 2016, approve=True)
        yield Golden(folder, settings)


def _result_rows(rows: list[dict[str, str]]) -> list[list[object]]:
    return [
        [r["unit_code"], r["indicator"], float(r["value"]), r["status"], int(r["source_quarter"] or 0), r["target"], r["met"]] for r in rows
    ]


def _expected_results(case: dict) -> list[list[object]]:  # type: ignore[type-arg]
    return [[u, i, float(v), s, q, tg, m] for u, i, v, s, q, tg, m in case["rows"]]


@pytest.mark.parametrize("case", EXPECTED["results"], ids=lambda c: f"{c['period']}@{c.get('as_of', 'now')}")
def test_results_command_matches_the_hand_worked_values(golden: Golden, case: dict) -> None:  # type: ignore[type-arg]
    as_of = ["--as-of", case["as_of"]] if "as_of" in case else []
    rows = golden.cli("results", "--year", "2016", "--period", case["period"], *as_of)
    assert list(rows[0]) == results.RESULT_COLUMNS
    assert sorted(_result_rows(rows), key=str) == sorted(_expected_results(case), key=str)


@pytest.mark.parametrize("case", EXPECTED["scores"], ids=lambda c: c.get("as_of", "now"))
def test_scores_command_matches_the_hand_worked_scores(golden: Golden, case: dict) -> None:  # type: ignore[type-arg]
    as_of = ["--as-of", case["as_of"]] if "as_of" in case else []
    rows = golden.cli("scores", "--year", "2016", *as_of)
    assert list(rows[0]) == results.SCORE_COLUMNS
    got = [[r["unit_code"], float(r["points"]), r["grade"], int(r["rank_in_block"]), r["shortlisted"], r["registration"]] for r in rows]
    assert got == [[u, float(p), g, rank, s, reg] for u, p, g, rank, s, reg in case["rows"]]


def test_pages_tables_show_the_late_unit_with_its_quarter(golden: Golden) -> None:
    store = golden.store()
    cur = connection(store)
    values = measures.period_values(cur, measures.period_spec(cur, 2016, "year"))
    table = tables.indicator_table(measures.indicator_slice(values, "xa_ntm")).set_index("Đơn vị")
    status = table["Tình trạng"]
    assert status["Cục Thi hành án dân sự tỉnh Yên Hà"] == "nộp muộn / chưa đủ kỳ — số liệu quý 3"
    assert status["Sở Tư pháp tỉnh Xuân Hòa"] == "đủ số liệu"
    rubric = load_campaigns(golden.settings.campaigns_dir)[2016].rubric
    assert rubric is not None
    summary = results.year_scores(cur, 2016, rubric).summary.set_index("unit_code")
    expected = {u: (float(p), g, rank) for u, p, g, rank, *_ in EXPECTED["scores"][0]["rows"]}
    assert {u: (r["total"], r["grade"], r["rank"]) for u, r in summary.iterrows()} == expected
    assert summary.loc["THADS_Y", "data_note"] == "nộp muộn / chưa đủ kỳ — 2 tiêu chí chấm theo số liệu quý 3"
    assert summary.loc["THADS_X", "data_note"] == "đủ số liệu"
    # The registration element in the scoring page's table, in words a unit can check by hand.
    shown = tables.score_table(summary.reset_index()).set_index("Đơn vị")["Chỉ tiêu đăng ký"]
    assert shown["STP Xuân Hòa"] == "Xã NTM 3/3 — đạt đủ → 10"
    assert shown["STP Yên Hà"] == "Xã NTM 2/2; Điển hình —/1 — chưa đạt đủ → 0"
    assert shown["THADS Yên Hà"] == "chưa có đăng ký được duyệt → 0"


def test_meeting_slides_show_the_values_at_the_cut_off(golden: Golden) -> None:
    meeting = slides.load_all(golden.settings.meetings_dir)["tong-ket"]
    store = golden.store()
    deck = slides.build_deck(connection(store), meeting, campaigns=load_campaigns(golden.settings.campaigns_dir))
    at_cut_off = next(c for c in EXPECTED["results"] if c["period"] == "year" and "as_of" in c)
    wanted = {(u, i): float(v) for u, i, v, *_ in at_cut_off["rows"]}
    names = {"STP Xuân Hòa": "STP_X", "STP Yên Hà": "STP_Y", "THADS Xuân Hòa": "THADS_X", "THADS Yên Hà": "THADS_Y"}
    assert {s.as_of for s in deck.slides} == {"Số liệu đến hết Quý 3/2016 (chốt lúc 17:00 03/11/2016)"}
    for slide, indicator in zip(deck.slides[:2], ("xa_ntm", "ty_le_viec"), strict=True):
        shown = {names[y]: float(x) for tr in slide.figure.data if tr.type == "bar" for x, y in zip(tr.x, tr.y, strict=True)}
        assert shown == {u: v for (u, i), v in wanted.items() if i == indicator}
    points = {u: float(p) for u, p, *_ in next(c for c in EXPECTED["scores"] if "as_of" in c)["rows"]}
    for slide in deck.slides[2:]:
        shown = {names[y]: float(x) for tr in slide.figure.data if tr.type == "bar" for x, y in zip(tr.x, tr.y, strict=True)}
        assert shown == {u: p for u, p in points.items() if u in shown} and len(shown) == 2
