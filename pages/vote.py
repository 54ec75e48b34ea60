"""Bình xét, suy tôn: the year's titles, who may stand (the scores' shortlist and the award history),
the count of the voters present and the votes per candidate, and who passes under the title's rule."""

import streamlit as st

from analytics.labels import t
from analytics.presentation import tables
from analytics.review import vote
from ui import page
from ui import vote as ui_vote
from ui.auth import flash, show_flash
from ui.routing import leave_legacy_pages_mode
from ui.tables import table
from ui.text import markdown_text

leave_legacy_pages_mode()

f, version = page.start("page_vote", needs_period_data=False)
show_flash()
campaign = ui_vote.campaign(f.year)
if campaign is None or campaign.rubric is None or not campaign.titles:
    st.info(t("vote_page_none", year=f.year))
    st.stop()
st.caption(t("vote_page_sources"))
names = {x.code: x.title for x in campaign.titles}
code = st.selectbox(t("vote_page_title"), list(names), format_func=names.get, key="vote_title")
title = campaign.title(code)
rule = vote.rule_text(title)
if title.to_confirm:
    st.warning(markdown_text(rule), icon="⚠️")
else:
    st.info(markdown_text(rule))

st.subheader(t("vote_page_candidates"))
if title.registration is not None:
    st.caption(t("vote_page_registration_rule"))
standing = ui_vote.standing(version, f.year, code)
if standing.empty:
    st.info(t("vote_page_no_candidates"))
else:
    flagged = [f"{r.short_name} ({r.registration})" for r in standing.itertuples() if r.registration]
    if flagged:
        st.warning(markdown_text(t("vote_page_flagged", units="; ".join(flagged))), icon="⚠️")
    table(tables.candidate_table(standing), f"ung_vien_{code}_{f.year}", key="vote_candidates")

latest = ui_vote.latest(version, f.year, code, title)
if not latest.empty:
    st.subheader(t("vote_page_latest"))
    first = latest.iloc[0]
    st.caption(t("vote_page_recorded", who=first["recorded_by"], voters=int(first["voters"]), rule=first["rule"]))
    table(tables.vote_table(latest), f"ket_qua_binh_xet_{code}_{f.year}", key="vote_latest")

eligible = standing[standing["eligible"].astype(bool)] if not standing.empty else standing
if ui_vote.may_record() and not eligible.empty:
    st.subheader(t("vote_page_record"))
    with st.form("vote_form"):
        voters = st.number_input(t("vote_page_voters"), min_value=1, step=1, value=22)
        typed = {r.unit_code: int(st.number_input(r.name, min_value=0, step=1, key=f"votes_{r.unit_code}")) for r in eligible.itertuples()}
        upload = st.file_uploader(t("vote_page_file"), type=["csv", "xlsx"], key="vote_file")
        submitted = st.form_submit_button(t("vote_page_submit"), type="primary")
    if submitted:
        outcome = ui_vote.record(f.year, code, int(voters), typed, upload)
        if outcome.result is None:
            st.error(markdown_text("\n\n".join(outcome.problems)))
        else:
            flash(vote.summary_text(outcome.result))
            st.rerun()
