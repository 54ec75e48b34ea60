"""`campaign new|edit|undo|list|show` and the path a new year takes: new → sample → import → export."""

import io
from pathlib import Path

import pandas as pd
import pytest

from tests.support import run_cli

pytestmark = pytest.mark.slow  # each test opens fresh stores; tests/test_campaign_files.py covers the logic quickly


def test_a_new_year_from_the_command_line_takes_samples_and_imports(config_copy: Path) -> None:
    made = run_cli(config_copy, "campaign", "new", "--year", "2017", "--from", "2016", demo=False)
    assert made.returncode == 0, made.stderr.decode()
    assert "campaign undo --year 2017" in made.stdout.decode()
    listed = pd.read_csv(io.BytesIO(run_cli(config_copy, "campaign", "list", demo=False).stdout))
    assert listed["year"].tolist() == [2016, 2017]
    assert run_cli(config_copy, "campaign", "show", "--year", "2017", demo=False).stdout.decode().count("2017-03-04") == 2
    sample = config_copy / "q1.csv"
    assert run_cli(config_copy, "sample", "--year", "2017", "--quarter", "1", "-o", str(sample), demo=False).returncode == 0
    imported = run_cli(config_copy, "import", str(sample), demo=False)
    assert imported.returncode == 0, imported.stderr.decode()
    exported = pd.read_csv(io.BytesIO(run_cli(config_copy, "export", "--year", "2017", demo=False).stdout))
    assert set(exported["year"]) == {2017} and exported["unit_code"].nunique() == 22


def test_preview_saves_nothing_and_a_bad_edit_exits_2_naming_the_key(config_copy: Path) -> None:
    new_2017 = ("campaign", "new", "--year", "2017", "--from", "2016")
    preview = run_cli(config_copy, *new_2017, "--set", "theme=Chủ đề mới", "--preview", demo=False)
    assert preview.returncode == 0 and '+theme = "Chủ đề mới"' in preview.stdout.decode()
    assert not (config_copy / "campaigns" / "2017.toml").exists()
    bad = run_cli(config_copy, *new_2017, "--set", "phases[1].quarters=[5]", demo=False)
    assert bad.returncode == 2 and "phases[1].quarters" in bad.stderr.decode()
    assert run_cli(config_copy, "campaign", "undo", "--year", "2016", demo=False).returncode == 2  # nothing saved yet


def test_edit_then_undo_restores_the_text(config_copy: Path) -> None:
    file = config_copy / "campaigns" / "2016.toml"
    before = file.read_text(encoding="utf-8")
    edited = run_cli(config_copy, "campaign", "edit", "--year", "2016", "--set", 'signing.place="Hà Nội"', demo=False)
    assert edited.returncode == 0 and 'place = "Hà Nội"' in file.read_text(encoding="utf-8")
    assert run_cli(config_copy, "campaign", "undo", "--year", "2016", demo=False).returncode == 0
    assert file.read_text(encoding="utf-8") == before
    history = pd.read_csv(io.BytesIO(run_cli(config_copy, "campaign", "history", demo=False).stdout))
    assert history["action"].tolist() == ["undo", "edit"]
