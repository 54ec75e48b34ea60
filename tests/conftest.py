"""Shared fixtures: temporary stores copied from templates built once per session, and what the whole
session can share safely (cheap password hashes, one Streamlit component scan).

A module whose every test takes seconds says so with `pytestmark = pytest.mark.slow`, a single slow test with
`@pytest.mark.slow` (pyproject.toml describes the marker): `python -m pytest -m "not slow"` leaves them out
of the quick loop."""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from hypothesis import settings as hypothesis_settings

from analytics.bootstrap import open_store
from analytics.settings import DATA_DIR, Settings
from analytics.store import Store
from analytics.trust import auth
from tests.support import CAMPAIGNS_2016, MEETINGS_2016, SmtpServer, StoreTemplates, kind_built_by, smtp_server

# CI explores the same examples every run, so a landing never depends on luck; locally the search
# stays random and keeps finding new inputs (failures found are replayed from .hypothesis/).
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashes() -> Iterator[None]:
    """Production scrypt spends about 0.2 s per hash, by design; tests hash hundreds of passwords.
    Only this process is lowered, so run_cli's in-process CLI hashes cheaply too; run_cli_process and the
    browser servers are separate interpreters and hash at production cost."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "scrypt_cost", auth.ScryptCost(n=2**4, r=8, p=1))
        yield


@pytest.fixture(scope="session", autouse=True)
def _configuration_of_2016() -> Iterator[None]:
    """Every store, CLI run, app and server of the tests reads the 2016 configuration alone unless a
    test points THIDUA_CAMPAIGNS elsewhere (see tests.support.CONFIG_2016)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("THIDUA_CAMPAIGNS", str(CAMPAIGNS_2016))
        patch.setenv("THIDUA_MEETINGS", str(MEETINGS_2016))
        yield


@pytest.fixture(scope="session", autouse=True)
def _one_component_scan() -> Iterator[None]:
    """Each new AppTest reads the metadata of every installed distribution, looking for Streamlit
    components: a tenth of a second or more, hundreds of times. What is installed stays put for a session."""
    from streamlit.components.v2 import manifest_scanner

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(manifest_scanner, "scan_component_manifests", functools.cache(manifest_scanner.scan_component_manifests))
        yield


@pytest.fixture(scope="session", autouse=True)
def _default_store_left_alone() -> Iterator[None]:
    """No test may create the dashboard's default store in data/ (a developer's own, if any, is left be)."""
    default = DATA_DIR / "thidua.duckdb"
    existed = default.exists()
    yield
    if not existed and default.exists():
        pytest.fail(f"a test created {default}: some code ran without the test's THIDUA_DB")


@pytest.fixture(autouse=True)
def _no_warm_up_outlives_its_test(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """app.py warms the score cache in a thread; Streamlit's caches are process-wide and keyed by
    data version, so a warm-up of one test's store must not land in the next test's cache. It asks
    for `monkeypatch` so that the test's THIDUA_DB is undone only after the warm-up ended: a warm-up
    still running without it would open the default store in data/."""
    yield
    from ui import data

    data.wait_for_warming()


@pytest.fixture(scope="session")
def store_templates(tmp_path_factory: pytest.TempPathFactory) -> StoreTemplates:
    """One folder for the whole run: the xdist workers' temporary folders share a parent of this run's
    own, so a template one worker built is copied by the other instead of built again."""
    root = tmp_path_factory.getbasetemp()
    folder = (root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root) / "templates"
    folder.mkdir(exist_ok=True)
    return StoreTemplates(folder)


@pytest.fixture(scope="session")
def open_ready_store(store_templates: StoreTemplates) -> Callable[..., Store]:
    """`open_store`, except that a file which does not exist yet and which the settings would build from
    the shipped inputs is first a copy of that template (the same store, without the seconds of
    building it); a file the test prepared itself, or other inputs, are opened or built as they are."""

    def open_ready(settings: Settings, **options: float) -> Store:
        kind = kind_built_by(settings)
        if kind is not None and not settings.db_path.exists():
            store_templates.place(kind, settings.db_path)
        return open_store(settings, **options)

    return open_ready


@pytest.fixture(scope="session", autouse=True)
def _cli_opens_templates(open_ready_store: Callable[..., Store]) -> Iterator[None]:
    """The command line run in-process (tests.support.run_cli) opens its store through the same
    opener: most CLI tests start from a store that does not exist yet."""
    from analytics.cli import common

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(common, "open_store", open_ready_store)
        yield


@pytest.fixture
def demo_store(store_templates: StoreTemplates, tmp_path: Path) -> Store:
    """The shipped registry and 2016 campaign with the demo dataset, as a fresh install has."""
    return store_templates.open("demo", tmp_path)


@pytest.fixture
def empty_store(store_templates: StoreTemplates, tmp_path: Path) -> Store:
    """The shipped registry and campaign, no values."""
    return store_templates.open("empty", tmp_path)


@pytest.fixture
def mini_store(store_templates: StoreTemplates, tmp_path: Path) -> Store:
    """Four made-up units and the hand-made values of tests/data/mini/facts.csv."""
    return store_templates.open("mini", tmp_path)


@pytest.fixture
def years_store(store_templates: StoreTemplates, tmp_path: Path) -> Store:
    """Every shipped year (2016 and the demo years 2024–2026, across the 2025 mergers) with the demo dataset."""
    return store_templates.open("years", tmp_path)


@pytest.fixture
def config_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Writable copies of the 2016 campaign and meeting files in `tmp_path`, in use through the
    environment: for tests that add a year or edit a campaign."""
    shutil.copytree(CAMPAIGNS_2016, tmp_path / "campaigns")
    shutil.copytree(MEETINGS_2016, tmp_path / "meetings")
    monkeypatch.setenv("THIDUA_CAMPAIGNS", str(tmp_path / "campaigns"))
    monkeypatch.setenv("THIDUA_MEETINGS", str(tmp_path / "meetings"))
    return tmp_path


@pytest.fixture
def app_env(open_ready_store: Callable[..., Store], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """THIDUA_DB in `tmp_path` for an AppTest. The store is placed when the app first opens it (see
    `open_ready_store`), since a test may still change THIDUA_DEMO or the configuration before.
    Streamlit's caches are process-wide, so they are cleared around each test."""
    from ui import data

    monkeypatch.setenv("THIDUA_DB", str(tmp_path / "app.duckdb"))
    monkeypatch.setattr(data, "open_store", open_ready_store)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield tmp_path
    data.wait_for_warming()  # a warm-up finishing later would fill the next test's cache with this store's scores
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1, running (see tests/support.smtp_server for one started late)."""
    server = smtp_server()
    server.start()
    yield server
    server.stop()
