"""Đăng ký thi đua: what each unit registered at signing against what it achieved; the unit's own form,
the file import and the secretariat's approval."""

import streamlit as st

from analytics.labels import t
from analytics.presentation import registration as vs
from analytics.reporting.registration import ACHIEVED_BY, TARGETS
from ui import auth, data, status
from ui import registration as reg
from ui.charts import show_chart
from ui.filters import url_choice
from ui.routing import leave_legacy_pages_mode
from ui.tables import table
from ui.text import markdown_text

leave_legacy_pages_mode()

st.title(t("page_registration"))
auth.show_flash()
f = st.session_state.get("filters")
cal = status.calendar(f.year) if f else None
if f is None or cal is None:
    st.info(t("no_campaign"))
    st.stop()
reg.head(cal)
both = reg.overview(data.version(), f.year, f.block, cal.registration_deadline)
names = dict(zip(both["unit_code"], both["unit"], strict=True))
if both["is_demo"].any():
    st.warning(f"**{t('demo_badge')}** — {t('reg_demo_explain')}", icon="⚠️")
late = vs.late_line(both)
if late:
    st.warning(markdown_text(late), icon=":material/schedule:")

st.subheader(t("reg_overview"))
target = url_choice(
    t("reg_target_choice"), list(TARGETS), "reg_target", "target", format_func=lambda c: t("reg_target_" + c), widget="radio"
)
unit = data.indicator_units(data.version(), f.year).get(ACHIEVED_BY[target], "")
show_chart(vs.vs_chart(both, target, f.year, unit), key="reg_chart")
st.caption(vs.vs_caption(both, target))
table(vs.registration_table(both, reg.titles(cal)), f"dang_ky_thi_dua_{f.year}", key="reg_table", wide=(t("reg_col_sent"),))

units = reg.own_units(f.year)
if units:
    reg.form(cal, units, names)
    reg.import_panel(cal)
else:
    st.info(t("reg_login_needed"))
if reg.may_review():
    reg.review(cal, both, names)
