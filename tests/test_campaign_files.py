"""A new year's campaign made from last year's, edits with preview and validation, saves kept and undone."""

import shutil
from datetime import date
from pathlib import Path

import pytest

from analytics.bootstrap import open_store
from analytics.config import ConfigError, load_campaign
from analytics.settings import DATA_DIR, Settings
from analytics.trust import auth
from analytics.years import campaigns as campaign_files
from tests.support import CAMPAIGNS_2016, MEETINGS_2016, StoreTemplates, connection


@pytest.fixture
def settings(tmp_path: Path, store_templates: StoreTemplates) -> Settings:
    shutil.copytree(CAMPAIGNS_2016, tmp_path / "campaigns")
    shutil.copytree(MEETINGS_2016, tmp_path / "meetings")
    store_templates.place("empty", tmp_path / "store.duckdb")  # the same files as the template's, so opening it changes nothing
    return Settings(
        db_path=tmp_path / "store.duckdb",
        units_file=DATA_DIR / "units.csv",
        campaigns_dir=tmp_path / "campaigns",
        load_demo_when_new=False,
        meetings_dir=tmp_path / "meetings",
    )


def test_next_year_shifts_every_date_and_the_theme_but_keeps_the_source_comments() -> None:
    source = (DATA_DIR / "campaigns" / "2016.toml").read_text(encoding="utf-8")
    text = campaign_files.next_year_text(source, 2016, 2017)
    assert "year = 2017\n" in text and "2016-" not in text.split("\n[signing]")[1]
    assert "(PLO, 2016)" in text  # a source citation is not re-dated
    assert "nhiệm vụ chính trị được giao năm 2017" in text


def test_shift_year_moves_29_february_to_28() -> None:
    assert campaign_files.shift_year(date(2024, 2, 29), 1) == date(2025, 2, 28)


def test_new_year_is_validated_saved_audited_and_undone(settings: Settings) -> None:
    store = open_store(settings)
    admin = auth.system_user("thuky")
    draft = campaign_files.draft_new(settings, 2017, 2016, {"signing.place": "TP Hạ Long", "phases[1].end": date(2017, 6, 15)})
    assert '+place = "TP Hạ Long"' in draft.preview and not (settings.campaigns_dir / "2017.toml").exists()
    assert {c.file.name for c in draft.changes} == {"2017.toml", "so-ket-2017.toml", "tong-ket-2017.toml"}
    campaign_files.save(store, settings, admin, draft)
    made = load_campaign(settings.campaigns_dir / "2017.toml")
    assert made.signing_date == date(2017, 3, 4) and made.signing_place == "TP Hạ Long"
    assert made.phases[0].end == date(2017, 6, 15) and [m.date.year for m in made.milestones] == [2017] * 3
    assert connection(store).execute("SELECT count(*) FROM campaigns WHERE year = 2017").fetchone() == (1,)  # store re-synced
    trail = connection(store).execute("SELECT action, target FROM audit WHERE action LIKE 'campaign_%'").fetchall()
    assert trail == [("campaign_new", "2017")]

    edit = campaign_files.draft_edit(settings, 2017, changes={"targets[1].max": 3})
    assert "-max = 2\n" in edit.preview and "+max = 3\n" in edit.preview and edit.lines_changed == 2
    campaign_files.save(store, settings, admin, edit)
    assert load_campaign(settings.campaigns_dir / "2017.toml").targets[0].max == 3

    campaign_files.save(store, settings, admin, campaign_files.draft_undo(store, settings, 2017))
    assert load_campaign(settings.campaigns_dir / "2017.toml").targets[0].max == 2
    campaign_files.save(store, settings, admin, campaign_files.draft_undo(store, settings, 2017))  # undo the undo: 3 again
    assert load_campaign(settings.campaigns_dir / "2017.toml").targets[0].max == 3


def test_undo_of_a_new_year_removes_its_files(settings: Settings) -> None:
    store = open_store(settings)
    admin = auth.system_user("thuky")
    campaign_files.save(store, settings, admin, campaign_files.draft_new(settings, 2018, 2016))
    undo = campaign_files.draft_undo(store, settings, 2018)
    campaign_files.save(store, settings, admin, undo)
    assert not list(settings.campaigns_dir.glob("2018*")) and not list(settings.meetings_dir.glob("*2018*"))
    assert connection(store).execute("SELECT count(*) FROM campaigns WHERE year = 2018").fetchone() == (0,)


@pytest.mark.parametrize(
    ("changes", "key", "problem"),
    [
        ({"phases[2].quarters": [2, 3, 4]}, "phases[2].quarters", "quý"),
        ({"targets[99].min": 1}, "targets[99].min", "12 mục"),
        ({"scoring.max_points": 90}, "scoring.max_points", "90"),
        ({"signing.date": "mồng bốn"}, "signing.date", "mồng bốn"),
    ],
)
def test_a_bad_edit_names_file_key_and_problem_and_writes_nothing(settings: Settings, changes: dict, key: str, problem: str) -> None:
    with pytest.raises(ConfigError) as info:
        campaign_files.draft_new(settings, 2017, 2016, changes)
    assert info.value.file.endswith("2017.toml") and info.value.key == key and problem in info.value.problem
    assert not (settings.campaigns_dir / "2017.toml").exists()


def test_only_an_admin_saves(settings: Settings) -> None:
    store = open_store(settings)
    viewer = auth.User("xem", "viewer")
    with pytest.raises(auth.PermissionDenied):
        campaign_files.save(store, settings, viewer, campaign_files.draft_new(settings, 2017, 2016))
    assert not (settings.campaigns_dir / "2017.toml").exists()
