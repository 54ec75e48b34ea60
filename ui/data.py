"""Cached access to the core. The store is a process-wide resource; query results are cached
under the store's data version, which every committed write bumps, so charts are never stale."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import measures
from analytics.bootstrap import open_store
from analytics.settings import from_env
from analytics.store import Store


@st.cache_resource(show_spinner=False)
def store() -> Store:
    return open_store(from_env())


def version() -> int:
    return store().data_version()


@st.cache_data(show_spinner=False, max_entries=64)
def years(data_version: int) -> list[int]:
    return measures.years(store().cursor())


@st.cache_data(show_spinner=False, max_entries=256)
def period_spec(data_version: int, year: int, period: str) -> measures.PeriodSpec:
    return measures.period_spec(store().cursor(), year, period)


@st.cache_data(show_spinner=False, max_entries=256)
def period_values(data_version: int, year: int, period: str, block: str | None) -> pd.DataFrame:
    return measures.period_values(store().cursor(), period_spec(data_version, year, period), block)


@st.cache_data(show_spinner=False, max_entries=256)
def reporting(data_version: int, year: int, period: str, block: str | None) -> pd.DataFrame:
    return measures.reporting(store().cursor(), period_spec(data_version, year, period), block)


@st.cache_data(show_spinner=False, max_entries=64)
def catalogue(data_version: int, year: int) -> pd.DataFrame:
    return measures.catalogue(store().cursor(), year)


@st.cache_data(show_spinner=False, max_entries=64)
def freshness(data_version: int, year: int) -> measures.Freshness:
    return measures.freshness(store().cursor(), year)
