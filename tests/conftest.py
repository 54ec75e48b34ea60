"""Shared fixtures: temporary stores built from the shipped configuration or from tests/data/mini."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from hypothesis import settings as hypothesis_settings

from analytics.bootstrap import open_store
from analytics.history import apply_values, record_upload
from analytics.store import Store
from analytics.trust import auth
from tests.support import MINI, make_settings

# CI explores the same examples every run, so a landing never depends on luck; locally the search
# stays random and keeps finding new inputs (failures found are replayed from .hypothesis/).
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashes() -> Iterator[None]:
    """Production scrypt spends about 0.2 s per hash, by design; tests hash hundreds of passwords.
    Only this process is lowered: the CLI and the browser servers run as subprocesses at production cost."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "scrypt_cost", auth.ScryptCost(n=2**4, r=8, p=1))
        yield


@pytest.fixture(autouse=True)
def _no_warm_up_outlives_its_test() -> Iterator[None]:
    """app.py warms the score cache in a thread; Streamlit's caches are process-wide and keyed by
    data version, so a warm-up of one test's store must not land in the next test's cache."""
    yield
    from ui import data

    data.wait_for_warming()


@pytest.fixture
def demo_store(tmp_path: Path) -> Iterator[Store]:
    """The shipped registry and 2016 campaign with the demo dataset, as a fresh install has."""
    store = open_store(make_settings(tmp_path))
    yield store
    store.close()


@pytest.fixture
def empty_store(tmp_path: Path) -> Iterator[Store]:
    """The shipped registry and campaign, no values."""
    store = open_store(make_settings(tmp_path, demo=False))
    yield store
    store.close()


@pytest.fixture
def mini_store(tmp_path: Path) -> Iterator[Store]:
    """Four made-up units and the hand-made values of tests/data/mini/facts.csv."""
    store = open_store(make_settings(tmp_path, demo=False, units=MINI / "units.csv"))
    facts = pd.read_csv(MINI / "facts.csv")

    def work(cur):  # type: ignore[no-untyped-def]
        upload_id = record_upload(cur, kind="results", created_by="test", file_name="facts.csv", raw=b"fixture")
        apply_values(cur, upload_id, facts)

    store.write(work)
    yield store
    store.close()


@pytest.fixture
def app_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh store for an AppTest; Streamlit's caches are process-wide, so clear them around each test."""
    from ui import data

    monkeypatch.setenv("THIDUA_DB", str(tmp_path / "app.duckdb"))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield tmp_path
    data.wait_for_warming()  # a warm-up finishing later would fill the next test's cache with this store's scores
    st.cache_resource.clear()
    st.cache_data.clear()
