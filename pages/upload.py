"""Tải số liệu lên: templates, drop files, see what was read and what would change, store or revert."""

from functools import partial

import streamlit as st

from analytics.downloads import CSV_MIME, csv_bytes
from analytics.ingest import review
from analytics.ingest.limits import MAX_BYTES
from analytics.labels import t
from analytics.trust.safety import markdown_escape
from ui import data
from ui import upload as actions
from ui.routing import leave_legacy_pages_mode

leave_legacy_pages_mode()

st.title(t("page_upload"))
st.caption(t("up_intro"))
f = st.session_state.get("filters")
years = data.years(data.version())
if not years:
    st.info(t("no_campaign"))
    st.stop()
year_col, quarter_col, _ = st.columns([1, 1, 4])
year = year_col.selectbox(t("filter_year"), years, index=years.index(f.year) if f and f.year in years else 0, key="up_year")
quarter = quarter_col.selectbox(t("quarter"), (1, 2, 3, 4), key="up_quarter")

st.subheader(t("up_templates"))
downloads = (("csv", "up_template_csv", "csv"), ("xlsx", "up_template_xlsx", "xlsx"), ("sample", "up_sample_csv", "csv"))
for column, (kind, label, ext) in zip(st.columns(4), (*downloads, ("register", "up_register_csv", "csv")), strict=True):
    name = (
        f"danh_sach_xa_{year}.csv"
        if kind == "register"
        else f"mau_bao_cao_Q{quarter}_{year}{'_minh_hoa' if kind == 'sample' else ''}.{ext}"
    )
    # Built on click, not on every run: at national scale the four files take over a second.
    content = partial(actions.template_bytes, data.version(), year, quarter, kind)
    column.download_button(t(label), content, file_name=name, key=f"dl_{kind}")

st.session_state.setdefault("up_round", 0)
files = None
if not actions.may_change():
    actions.login_notice()
else:
    files = st.file_uploader(
        t("up_files", limit=MAX_BYTES // 1024 // 1024),
        type=["csv", "txt", "tsv", "xlsx", "xls"],
        accept_multiple_files=True,
        key=f"up_files_{st.session_state['up_round']}",
    )
only_period = actions.may_change() and st.checkbox(t("up_check_period"), value=False, key="up_only_period")
replace_demo = False
if actions.has_demo(data.version()):
    st.warning(f"**{t('demo_badge')}** — {t('up_demo_explain')}", icon="⚠️")
    if actions.may_replace_demo():
        replace_demo = st.checkbox(t("up_replace_demo"), value=False, key="up_replace_demo")
    elif actions.may_change():
        st.caption(t("up_demo_admin_first"))

for line in st.session_state.pop("up_done", []):
    st.success(markdown_escape(line, 2000))  # names uploaded files, so never Markdown

if files:
    checked = actions.check(files, year if only_period else None, quarter if only_period else None, replace_demo)
    st.subheader(t("up_detected"))
    st.dataframe(review.files_frame(checked), hide_index=True, width="stretch")
    problems = review.problems_frame(checked)
    if not problems.empty:
        st.subheader(t("up_problems"))
        (st.error if checked.errors else st.warning)(t("up_rejected", errors=len(checked.errors), warnings=len(checked.warnings)))
        wide = {t("col_problem"): st.column_config.TextColumn(width="large"), t("col_column"): st.column_config.TextColumn(width="medium")}
        st.dataframe(problems, hide_index=True, width="stretch", column_config=wide)
        errors_csv = partial(csv_bytes, problems)  # built only when the button is clicked, not on every rerun
        st.download_button(t("up_download_errors"), errors_csv, file_name="loi_tai_len.csv", mime=CSV_MIME, key="dl_errors")
    previewed = None
    if checked.ok:
        st.subheader(t("up_preview"))
        changes, previewed = actions.preview(checked)
        st.dataframe(review.preview_frame(changes), hide_index=True, width="stretch")
    if st.button(t("up_commit"), type="primary", disabled=not checked.ok or not actions.may_change(), key="up_commit"):
        stored, lines = actions.commit_action(checked, replace_demo, previewed)
        if stored:
            st.session_state["up_done"] = lines
            st.session_state["up_round"] += 1
            st.rerun()
        for line in lines:
            st.warning(markdown_escape(line, 2000))
else:
    actions.forget_check()

st.subheader(t("up_history"))
uploads = actions.uploads(data.version())
if uploads.empty:
    st.info(t("up_history_empty"))
else:
    st.dataframe(review.history_frame(uploads), hide_index=True, width="stretch")
    choices = actions.revertible_for_user(review.revertible(uploads))
    if choices and actions.may_change():
        pick_col, button_col, _ = st.columns([2, 1, 2], vertical_alignment="bottom")
        target = pick_col.selectbox(t("up_revert_pick"), list(choices), format_func=choices.get, key="up_revert_pick")
        if button_col.button(t("up_revert_button", id=target), key="up_revert"):
            ok, message = actions.revert_action(int(target))
            (st.success if ok else st.error)(markdown_escape(message, 2000))
            if ok:
                st.session_state["up_done"] = [message]
                st.rerun()
