"""Entry point: page config, the shared sidebar, and routing. Pages live in pages/ and stay thin."""

import streamlit as st

from analytics.config import ConfigError
from analytics.labels import t
from analytics.store import StoreBusyError
from ui import auth, data, filters
from ui.routing import leave_legacy_pages_mode

leave_legacy_pages_mode(entry_script=True)
# An emoji favicon: a ":material/...:" one would be fetched from a font CDN (offline meeting rooms, no leaks).
st.set_page_config(page_title=t("app_name"), page_icon="🏅", layout="wide")


def show_store_busy() -> None:
    """What to do, in words a leader understands, instead of a traceback; then nothing else."""
    st.title(t("store_locked_title"))
    st.warning(t("store_locked_page"), icon="⏳")
    st.caption(f"{t('store_locked_title', 'en')}. {t('store_locked_page', 'en')}")
    st.stop()


try:
    version = data.version()  # opens the store on the first run (migrated, configured)
    st.set_page_config(page_title=data.app_title(version))  # the cluster's name comes from its campaign file
    data.warm_in_background(version)  # after an upload or a restart, not on every run

    # url_path must equal the page file's stem (see ui/routing.py).
    navigation = st.navigation(
        {
            t("nav_dashboard"): [
                st.Page("pages/overview.py", title=t("page_overview"), icon=":material/dashboard:", url_path="overview", default=True),
                st.Page("pages/compare.py", title=t("page_compare"), icon=":material/bar_chart:", url_path="compare"),
                st.Page("pages/phases.py", title=t("page_phases"), icon=":material/compare_arrows:", url_path="phases"),
                st.Page("pages/rural.py", title=t("page_rural"), icon=":material/agriculture:", url_path="rural"),
                st.Page("pages/legal_access.py", title=t("page_legal_access"), icon=":material/balance:", url_path="legal_access"),
                st.Page("pages/enforcement.py", title=t("page_enforcement"), icon=":material/gavel:", url_path="enforcement"),
                st.Page("pages/unit_profile.py", title=t("page_unit_profile"), icon=":material/badge:", url_path="unit_profile"),
                st.Page("pages/scoring.py", title=t("page_scoring"), icon=":material/military_tech:", url_path="scoring"),
                st.Page("pages/vote.py", title=t("page_vote"), icon=":material/how_to_vote:", url_path="vote"),
                st.Page("pages/years.py", title=t("page_years"), icon=":material/timeline:", url_path="years"),
                st.Page("pages/present.py", title=t("page_present"), icon=":material/slideshow:", url_path="present"),
            ],
            t("nav_data"): [
                st.Page("pages/upload.py", title=t("page_upload"), icon=":material/upload_file:", url_path="upload"),
                st.Page("pages/status.py", title=t("page_status"), icon=":material/event_available:", url_path="status"),
                st.Page("pages/registration.py", title=t("page_registration"), icon=":material/how_to_reg:", url_path="registration"),
                st.Page("pages/admin.py", title=t("page_admin"), icon=":material/admin_panel_settings:", url_path="admin"),
                st.Page("pages/login.py", title=t("page_login"), icon=":material/login:", url_path="login"),
            ],
        },
        expanded=True,  # every page listed: a secretary must not hunt for "Quản trị" behind "View more"
    )
    user = auth.current_user()  # login and session expiry; visitors are stopped when viewing needs an account
    auth.gate(user, navigation.url_path)
    if navigation.url_path != "present":  # the projector page has no sidebar; it reads the URL itself
        st.session_state["filters"] = filters.sidebar()
        auth.sidebar(user)
    navigation.run()
except ConfigError as exc:
    st.error(f"{t('config_error')}: {exc}")
    st.stop()
except StoreBusyError:  # a command held the store for longer than a page waits
    show_store_busy()
