"""A page whose store another process holds past the wait: a plain Vietnamese page saying what to do
(English beside it), never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import streamlit as st

from tests.support import PROJECT, open_page

pytestmark = pytest.mark.slow  # AppTest runs of the whole app


def test_a_store_held_too_long_shows_the_busy_page_in_vietnamese(app_env: Path) -> None:
    from ui import data

    at = open_page("overview")
    assert not at.exception
    data.store().wait_seconds = 0.3
    st.cache_data.clear()  # the next run has to read the store, which a command now holds
    code = (  # a command that asks for the store (the page's lingering hold lets go), then keeps it
        "import sys, time\nfrom analytics.store import Store\n"
        "with Store(sys.argv[1]).reading():\n    print('held', flush=True)\n    time.sleep(60)"
    )
    holder = subprocess.Popen([sys.executable, "-c", code, str(data.store().path)], stdout=subprocess.PIPE, text=True, cwd=PROJECT)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        at.run()
    finally:
        holder.kill()
        holder.wait(30)
    assert not at.exception
    assert [t.value for t in at.title] == ["Cơ sở dữ liệu đang bận"]
    assert "tải lại trang" in at.warning[0].value
    assert "The store is busy" in at.caption[0].value
    at.run()  # let go: the page is back
    assert not at.exception and [t.value for t in at.title] != ["Cơ sở dữ liệu đang bận"]
