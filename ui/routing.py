"""Routing around Streamlit's legacy `pages/` folder mode.

Streamlit sees our `pages/` folder at start-up and runs the first session of a fresh server in its
old multipage mode, where a bookmarked sub-page URL (say /present) is not known yet: the user gets a
"Page not found" dialog over the right page. Every page file therefore keeps url_path == file stem,
so the old mode finds it, and the first thing app.py and each page do is leave that mode and rerun
through st.navigation. After the first run of the process this is a no-op.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

# The default page is served at "/", so st.navigation no longer knows "/overview" once the legacy
# mode is off; a bookmark of it would show "Page not found". It is treated as "/".
DEFAULT_PAGE_STEM = "overview"


def leave_legacy_pages_mode() -> None:
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
    ctx = get_script_run_ctx()
    if ctx is not None and not ctx.pages_manager.intended_page_script_hash and ctx.pages_manager.intended_page_name == DEFAULT_PAGE_STEM:
        ctx.pages_manager.set_script_intent("", "")
