"""The admin page's editor of yearly campaigns: start next year from last year's file, edit any year's
text, preview the diff, save (validated, audited) and undo — the same functions as `campaign new|edit|undo`."""

from __future__ import annotations

import streamlit as st

from analytics.config import ConfigError
from analytics.labels import t
from analytics.settings import Settings
from analytics.store import Store
from analytics.trust import auth
from analytics.trust.safety import markdown_escape
from analytics.years import campaigns as campaign_files
from ui import auth as auth_ui
from ui.tables import table


def editor(store: Store, settings: Settings, user: auth.User | None) -> None:
    overview = campaign_files.overview(settings)
    table(overview, "phong_trao_cac_nam", key="camp_years")
    years = overview["year"].tolist()
    if not years:
        st.info(t("camp_page_no_years"))
        return
    mode = st.radio(t("camp_page_mode"), ("new", "edit"), format_func=lambda m: t(f"camp_page_mode_{m}"), horizontal=True, key="camp_mode")
    if mode == "new":
        left, right = st.columns(2)
        from_year = left.selectbox(t("camp_page_from"), sorted(years, reverse=True), key="camp_from")
        year = int(right.number_input(t("camp_page_year"), 2000, 2100, max(years) + 1, key="camp_year"))
        source = campaign_files.campaign_file(settings, from_year).read_text(encoding="utf-8")
        start_text = campaign_files.next_year_text(source, from_year, year)
    else:
        year = st.selectbox(t("camp_page_edit_year"), sorted(years, reverse=True), key="camp_edit_year")
        start_text = campaign_files.campaign_file(settings, year).read_text(encoding="utf-8")
    st.caption(t("camp_page_edit_help"))
    # The text box is keyed on what it starts from, so choosing another year starts over from that file.
    text = st.text_area(t("camp_page_text"), start_text, height=420, key=f"camp_text_{mode}_{year}_{hash(start_text)}")
    try:
        if mode == "new":
            draft = campaign_files.draft_new(settings, year, int(from_year), text=text)
        else:
            draft = campaign_files.draft_edit(settings, year, text=text)
    except ConfigError as exc:
        st.error(markdown_escape(str(exc), 2000))
        draft = None
    if draft is not None:
        if not draft.preview:
            st.info(t("camp_no_change"))
        else:
            with st.expander(t("camp_page_preview", lines=draft.lines_changed), expanded=mode == "edit"):
                st.code(draft.preview, language="diff")
            if st.button(t("camp_page_save"), type="primary", key="camp_save"):
                _save(store, settings, user, draft)
    _undo(store, settings, user, year)


def _save(store: Store, settings: Settings, user: auth.User | None, draft: campaign_files.Draft) -> None:
    try:
        revision = campaign_files.save(store, settings, user, draft)
    except (ConfigError, auth.PermissionDenied) as exc:
        st.error(markdown_escape(str(exc), 2000))
        return
    auth_ui.flash(t("camp_saved", revision=revision, lines=draft.lines_changed, year=draft.year))
    st.rerun()


def _undo(store: Store, settings: Settings, user: auth.User | None, year: int) -> None:
    history = campaign_files.revisions(store, year)
    if history.empty:
        return
    with st.expander(t("camp_page_undo_title", year=year)):
        table(history, f"lan_luu_{year}", key="camp_history")
        try:
            draft = campaign_files.draft_undo(store, settings, year)
        except ConfigError as exc:
            st.error(markdown_escape(str(exc), 2000))
            return
        st.code(draft.preview, language="diff")
        if st.button(t("camp_page_undo", year=year), key="camp_undo"):
            _save(store, settings, user, draft)
