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
        st.Page("pages/compare.py", title=t("page_compare"), icon="📶", url_path="compare"),
        st.Page("pages/phases.py", title=t("page_phases"), icon="🔁", url_path="phases"),
        st.Page("pages/rural.py", title=t("page_rural"), icon="🌾", url_path="rural"),
        st.Page("pages/legal_access.py", title=t("page_legal_access"), icon="⚖️", url_path="legal_access"),
        st.Page("pages/enforcement.py", title=t("page_enforcement"), icon="🏛️", url_path="enforcement"),
        st.Page("pages/unit_profile.py", title=t("page_unit_profile"), icon="🗂️", url_path="unit_profile"),
        st.Page("pages/scoring.py", title=t("page_scoring"), icon="🏅", url_path="scoring"),
    ]
)
st.session_state["filters"] = filters.sidebar()
navigation.run()
