"""Chấm điểm & xếp hạng: the year's rubric, each unit's score and rank within its block (ties
explained), how every point was earned, and who may be proposed for the sector flag."""

import streamlit as st

from analytics import scoring
from analytics.labels import block_name, fmt_number, period_name, t
from analytics.presentation import charts, tables
from analytics.registry import BLOCK_CODES
from ui import assess, data, filters, page
from ui.auth import show_flash
from ui.charts import show_chart
from ui.routing import leave_legacy_pages_mode
from ui.tables import downloads, table
from ui.text import markdown_text

leave_legacy_pages_mode()

f, version = page.start("page_scoring", needs_period_data=False)
show_flash()
rubric = data.rubric(f.year)
scores = data.scores(version, f.year, at=f.at)
if rubric is None or scores is None:
    st.info(t("scoring_none", year=f.year))
    st.stop()
if rubric.illustrative:
    st.warning(t("scoring_illustrative", file=f"data/campaigns/{f.year}.toml"), icon="⚠️")
if rubric.note:
    st.caption(markdown_text(rubric.note))  # what in the rubric is sourced and what still needs checking
spec = data.period_spec(version, f.year, "year", at=f.at)
st.caption(t("scoring_basis", year=f.year, quarter=period_name(f.year, f"Q{spec.as_of}")))

summary, detail = scores.summary, scores.detail
blocks = [f.block] if f.block else list(BLOCK_CODES)
st.subheader(t("scoring_flag"))
flagged = summary[summary["flag_eligible"] & summary["block"].isin(blocks)]
complete = t("scoring_flag_complete") if rubric.flag.require_complete else ""
st.caption(t("scoring_flag_rule", grades=", ".join(rubric.flag.grades), rank=rubric.flag.max_rank, complete=complete))
if flagged.empty:
    st.info(t("scoring_flag_none"))
else:
    items = [t("scoring_flag_item", unit=r.short_name, block=block_name(r.block), rank=r.rank) for r in flagged.itertuples()]
    st.success(markdown_text(" · ".join(items)), icon=":material/military_tech:")

names = dict(zip(summary["unit_code"], summary["short_name"], strict=True))
grades = data.rubric_grades(f.year)
for column, block in zip(st.columns(len(blocks)), blocks, strict=True):
    frame = scoring.score_frame_for_chart(summary[summary["block"] == block])
    title = t("scoring_chart_title", block=block_name(block), year=f.year)
    with column:
        show_chart(charts.score_bars(frame, title, grades))
table(tables.score_table(summary[summary["block"].isin(blocks)]), f"xep_hang_{f.year}", key="sc_summary", wide=(t("col_data"),))

manual = rubric.manual()
if manual:
    st.subheader(t("assess_title"))
    locked = assess.lock_info(version, f.year)
    st.caption(t("assess_locked_by", who=locked[1], when=str(locked[0])[:16]) if locked else t("assess_explain"))
    crit_names = {c.code: f"{c.code} — {c.label}" for c in manual}
    now = assess.current(version, f.year)
    table(tables.assessment_table(now, names, crit_names), f"tu_cham_{f.year}", key="sc_assess")
    with st.expander(t("assess_trail"), expanded=False):
        table(tables.assessment_trail(assess.trail(version, f.year), names), f"lich_su_tu_cham_{f.year}", key="sc_assess_trail")
        for number, (label, name, kind, raw) in enumerate(assess.evidence(version, f.year)):
            st.download_button(label, raw, name, kind, key=f"assess_evidence_{number}")
    own = assess.own_units()
    choices = list(names) if own is None else [u for u in own if u in names]
    if not locked and choices:
        with st.form("assess_self", clear_on_submit=True):
            st.markdown(t("assess_self_form"))
            unit = st.selectbox(t("filter_unit"), choices, format_func=names.get, key="assess_unit")
            code = st.selectbox(t("col_criterion"), list(crit_names), format_func=crit_names.get, key="assess_crit")
            points = st.number_input(t("col_points"), min_value=0.0, step=0.5, key="assess_points")
            note = st.text_area(t("assess_col_note"), max_chars=1000, key="assess_note")
            files = st.file_uploader(t("assess_files"), type=["pdf", "png", "jpg", "jpeg"], accept_multiple_files=True, key="assess_files")
            if st.form_submit_button(t("assess_submit")):
                problem = assess.self_assess(f.year, unit, assess.criterion(rubric, code), points, note, files or [])
                assess.finish(problem, t("assess_saved"))
    if not locked and assess.may_review() and not now.empty:
        with st.form("assess_review"):
            st.markdown(t("assess_review_form"))
            pairs = [f"{u}|{c}" for u, c in zip(now["unit_code"], now["criterion"], strict=True)]
            pair = st.selectbox(t("assess_pick"), pairs, format_func=assess.pair_label(names), key="assess_pair")
            adjusted = st.number_input(t("assess_adjust_points"), min_value=0.0, step=0.5, value=None, key="assess_adjusted")
            reason = st.text_input(t("assess_col_reason"), max_chars=1000, key="assess_reason")
            if st.form_submit_button(t("assess_review_submit")):
                unit, code = pair.split("|")
                problem = assess.review(f.year, unit, assess.criterion(rubric, code), adjusted, reason)
                assess.finish(problem, t("assess_saved"))
        if st.button(t("assess_lock", year=f.year), key="assess_lock"):
            problem = assess.lock(f.year)
            assess.finish(problem, t("assess_locked_now", year=f.year))

st.subheader(t("scoring_drill"))
codes = summary.loc[summary["block"].isin(blocks), "unit_code"].tolist()
if not codes:
    st.info(t("no_units", year=f.year))
    st.stop()
default = f.unit if f.unit in codes else codes[0]
unit = filters.url_choice(t("filter_unit"), codes, "sc_unit", "drill", format_func=names.get, default=default)
mine = detail[detail["unit_code"] == unit]
show_chart(charts.points_breakdown(mine, f"{t('scoring_drill')} — {names[unit]}"))
table(tables.drill_table(mine), f"chi_tiet_diem_{unit}_{f.year}", key="sc_drill")
with st.expander(t("scoring_rubric"), expanded=False):
    labels_of = data.indicator_labels(version, f.year)
    table(tables.rubric_table(rubric, data.indicator_units(version, f.year), labels_of), f"bang_diem_{f.year}", key="sc_rubric")
    table(tables.grades_table(rubric, labels_of), f"xep_loai_{f.year}", key="sc_grades")
    # Every criterion of every unit is a file to open in Excel, not a table to scroll (30,000 rows
    # at national scale took ~250 ms to format on every rerun).
    st.caption(t("scoring_drill_all", units=fmt_number(detail["unit_code"].nunique()), rows=fmt_number(len(detail))))
    downloads(tables.drill_table(detail), f"chi_tiet_diem_tat_ca_{f.year}", key="sc_drill_all")
