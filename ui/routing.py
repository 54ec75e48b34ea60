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


def leave_legacy_pages_mode() -> None:
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
