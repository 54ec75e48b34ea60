"""Entry point: page config, the shared sidebar, and routing. Pages live in pages/ and stay thin."""

import streamlit as st

from analytics.config import ConfigError
from analytics.labels import t
from ui import data, filters

st.set_page_config(page_title=t("app_title"), page_icon="🏅", layout="wide")

try:
    data.store()
except ConfigError as exc:
    st.error(f"{t('config_error')}: {exc}")
    st.stop()

navigation = st.navigation(
    [
        st.Page("pages/overview.py", title=t("page_overview"), icon="📊", url_path="tong-quan", default=True),
    ]
)
st.session_state["filters"] = filters.sidebar()
navigation.run()
