"""The command line on a temporary store: `main` in-process for speed, and `python -m analytics` as its own
process where the interpreter, the exit code and the streams themselves are what is tested."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.support import TESTS, run_cli, run_cli_process


def test_units_of_2016_are_the_22_and_of_2026_the_post_merger_units_marked_illustrative(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "units", "--year", "2016")
    assert result.returncode == 0
    frame = pd.read_csv(io.BytesIO(result.stdout))
    assert list(frame.columns[:4]) == ["code", "name", "province", "block"]
    assert len(frame) == 22 and frame.groupby("province")["block"].nunique().eq(2).all()
    assert not frame["illustrative"].any() and b"minh h" not in result.stderr
    after = run_cli(tmp_path, "units", "--year", "2026")
    merged = pd.read_csv(io.BytesIO(after.stdout))
    assert len(merged) == 12 and merged["illustrative"].all() and "minh họa" in after.stderr.decode()
    assert merged.set_index("code").loc["STP_NB", "predecessors"] == "STP_HNA STP_ND"
    on_day = pd.read_csv(io.BytesIO(run_cli(tmp_path, "units", "--on", "2025-06-30").stdout))
    assert len(on_day) == 22 and on_day.set_index("code").loc["THADS_BN", "name"] == "Cục Thi hành án dân sự tỉnh Bắc Ninh"
    assert len(pd.read_csv(io.BytesIO(run_cli(tmp_path, "units").stdout))) > 22  # every version of every unit


@pytest.mark.parametrize("command", ["template", "sample"])
def test_template_and_sample_hold_unit_codes_year_quarter(tmp_path: Path, command: str) -> None:
    out = tmp_path / f"{command}.csv"
    result = run_cli(tmp_path, command, "--year", "2016", "--quarter", "3", "-o", str(out))
    assert result.returncode == 0, result.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so Excel shows the diacritics
    frame = pd.read_csv(out, encoding="utf-8-sig")
    assert list(frame.columns[:5]) == ["Mã đơn vị", "Tên đơn vị", "Khối", "Năm", "Quý"]
    assert len(frame) == 22 and set(frame["Năm"]) == {2016} and set(frame["Quý"]) == {3}
    indicator_cells = frame.iloc[:, 5:]
    if command == "template":
        assert indicator_cells.isna().all().all()
    else:
        assert indicator_cells.notna().sum().sum() > 300


def test_sample_xlsx_opens_with_the_same_rows(tmp_path: Path) -> None:
    out = tmp_path / "sample.xlsx"
    assert run_cli(tmp_path, "sample", "--year", "2016", "--quarter", "1", "-o", str(out)).returncode == 0
    frame = pd.read_excel(out)
    assert frame["Mã đơn vị"].str.startswith(("STP_", "THADS_")).all() and len(frame) == 22


def test_template_on_the_screen_is_the_file_bom_included_so_a_redirect_opens_in_excel(tmp_path: Path) -> None:
    out = tmp_path / "template.csv"
    assert run_cli(tmp_path, "template", "--year", "2016", "--quarter", "2", "-o", str(out)).returncode == 0
    shown = run_cli(tmp_path, "template", "--year", "2016", "--quarter", "2").stdout
    assert out.read_bytes() == shown and shown.startswith(b"\xef\xbb\xbf" + '"Mã đơn vị"'.encode())
    listed = run_cli(tmp_path, "units").stdout
    assert listed.startswith(b'"code","name"')  # a listing for the terminal carries no BOM


def test_user_list_and_audit_are_written_with_formulas_neutralised(tmp_path: Path) -> None:
    added = run_cli(tmp_path, "user", "add", "lanhdao", "--role", "viewer", "--full-name", "=1+2", "--sso-only", "--email", "ld@stp.vn")
    assert added.returncode == 0, added.stderr.decode()
    listed = pd.read_csv(io.BytesIO(run_cli(tmp_path, "user", "list").stdout))
    assert listed.loc[listed["name"] == "lanhdao", "full_name"].item() == "'=1+2"
    out = tmp_path / "trail.xlsx"
    assert run_cli(tmp_path, "audit", "-o", str(out)).returncode == 0
    trail = pd.read_excel(out)
    assert trail["action"].iloc[0] == "user_add" and trail["actor"].iloc[0].startswith("cli:")


@pytest.mark.slow  # its own interpreter; test_malformed_config_exits_2_with_a_vietnamese_message keeps one quick
def test_export_prints_the_long_csv(tmp_path: Path) -> None:
    result = run_cli_process(tmp_path, "export")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    assert lines[0] == "unit_code,year,quarter,indicator,value"
    frame = pd.read_csv(io.StringIO(result.stdout.decode()))
    assert frame["unit_code"].nunique() == 22 and len(frame) > 1000
    assert run_cli(tmp_path, "export", "--year", "2017").stdout.decode().splitlines() == [lines[0]]


@pytest.mark.slow  # the removal stays quick in tests/test_demo.py, the CLI's demo command in its seeding test
def test_demo_remove_then_export_is_empty(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "demo", "--remove").returncode == 0
    assert run_cli(tmp_path, "export").stdout.decode().strip() == "unit_code,year,quarter,indicator,value"


def test_malformed_config_exits_2_with_a_vietnamese_message(tmp_path: Path) -> None:
    campaigns = tmp_path / "campaigns"
    campaigns.mkdir()
    (campaigns / "2016.toml").write_text("year = 2016\n[[phases]]\nnumber = 'một'\n", encoding="utf-8")
    env = dict(os.environ, THIDUA_DB=str(tmp_path / "x.duckdb"), THIDUA_CAMPAIGNS=str(campaigns))
    result = subprocess.run([sys.executable, "-m", "analytics", "export"], capture_output=True, env=env, cwd=TESTS.parent)
    assert result.returncode == 2
    err = result.stderr.decode()
    assert "phases[1].number" in err and "2016.toml" in err and "Traceback" not in err


@pytest.mark.slow  # its own interpreter; tests/cli/test_parser.py checks the Vietnamese help in-process
def test_help_is_vietnamese(tmp_path: Path) -> None:
    result = run_cli_process(tmp_path, "template", "--help")
    assert result.returncode == 0 and "Mẫu báo cáo quý" in result.stdout.decode()


def test_results_and_scores_on_the_demo_keep_the_late_unit(tmp_path: Path) -> None:
    """THADS Thái Bình sent no Q4: its year reads its Q3 levels, flagged late, and it is scored on them."""
    results = run_cli(tmp_path, "results", "--year", "2016", "--period", "year")
    assert results.returncode == 0 and results.stdout.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(results.stdout), encoding="utf-8-sig", dtype={"met": str}).set_index(["unit_code", "indicator"])
    assert frame.loc[("THADS_TB", "xa_ntm"), ["status", "source_quarter"]].tolist() == ["late", 3]
    assert frame.loc[("THADS_TB", "ty_le_viec"), "status"] == "ok"  # THADS figures stop at 30/9 anyway
    assert set(frame["status"]) <= {"ok", "late", "missing", "na"} and set(frame["met"].dropna()) <= {"true", "false"}
    scores = pd.read_csv(io.BytesIO(run_cli(tmp_path, "scores", "--year", "2016").stdout), encoding="utf-8-sig")
    tb = scores.set_index("unit_code").loc["THADS_TB"]
    assert tb["points"] > 60 and tb["grade"] != "D"  # not the zeros the old rule gave (33,78, D)
    assert list(scores.columns) == ["unit_code", "unit", "block", "points", "grade", "rank_in_block", "shortlisted", "registration"]
    # The demo's approved registrations are met or missed; its unregistered and returned units say "none".
    assert set(scores["registration"]) == {"met", "not_met", "none"} and (scores["registration"] == "none").sum() == 2
