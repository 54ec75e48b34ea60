"""Routing around Streamlit's legacy `pages/` folder mode.

Streamlit sees our `pages/` folder at start-up and runs the first session of a fresh server in its
old multipage mode, where a bookmarked sub-page URL (say /present) is not known yet: the user gets a
"Page not found" dialog over the right page. Every page file therefore keeps url_path == file stem,
so the old mode finds it, and the first thing app.py and each page do is leave that mode. When the
old mode runs a page file directly (without app.py's sidebar and navigation), the page runs app.py
in the same script run — app.py's st.navigation then routes to that page — and stops. No rerun, so
nothing the user did in that run (a button click) is lost; AppTest re-enters the old mode before
every run, so this path is exercised by every page test. After the first run it is a no-op.
"""

from __future__ import annotations

import runpy

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

# The default page is served at "/", so st.navigation no longer knows "/overview" once the legacy
# mode is off; a bookmark of it would show "Page not found". It is treated as "/".
DEFAULT_PAGE_STEM = "overview"


def leave_legacy_pages_mode(*, entry_script: bool = False) -> None:
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        ctx = get_script_run_ctx()
        if not entry_script and ctx is not None:
            runpy.run_path(str(ctx.pages_manager.main_script_path), run_name="__main__")
            st.stop()
    ctx = get_script_run_ctx()
    if ctx is not None and not ctx.pages_manager.intended_page_script_hash and ctx.pages_manager.intended_page_name == DEFAULT_PAGE_STEM:
        ctx.pages_manager.set_script_intent("", "")
