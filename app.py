"""Entry point: page config, the shared sidebar, and routing. Pages live in pages/ and stay thin."""

import streamlit as st

from analytics.config import ConfigError
from analytics.labels import t
from ui import data, filters
from ui.routing import leave_legacy_pages_mode

leave_legacy_pages_mode()
st.set_page_config(page_title=t("app_title"), page_icon="🏅", layout="wide")

try:
    data.store()
except ConfigError as exc:
    st.error(f"{t('config_error')}: {exc}")
    st.stop()

# url_path must equal the page file's stem (see ui/routing.py).
navigation = st.navigation(
    [
        st.Page("pages/overview.py", title=t("page_overview"), icon="📊", url_path="overview", default=True),
        st.Page("pages/upload.py", title=t("page_upload"), icon="📤", url_path="upload"),
    ]
)
st.session_state["filters"] = filters.sidebar()
navigation.run()
