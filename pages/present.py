"""Trình chiếu: full-screen slides for the meeting room, advancing by themselves with ?interval=N."""

import streamlit as st

from analytics.config import ConfigError
from analytics.labels import t
from analytics.presentation.pack import file_stem
from analytics.presentation.slides import fit
from ui import present
from ui.charts import show_chart
from ui.routing import leave_legacy_pages_mode
from ui.text import markdown_text

leave_legacy_pages_mode()

req = present.request()
try:
    meeting = present.meeting_for(req)
    deck = present.deck(req, meeting) if meeting else None
except ConfigError as exc:
    st.error(f"{t('config_error')}: {exc}")
    st.stop()
if deck is None:
    st.info(t("no_campaign"))
    st.stop()
present.chrome_off(deck.variant)
if not deck.slides:
    st.info(t("present_no_slides"))
    st.stop()
present.start(req, deck)
# Outside the ticking fragment, so a download in progress is not replaced every second.
with st.container(key="present_pack"), st.popover("", icon=":material/download:", type="tertiary", help=t("present_pack", req.lang)):
    st.download_button(t("present_pack_html", req.lang), lambda: present.html_pack(deck, req.lang), f"{file_stem(deck)}.html", "text/html")
    st.download_button(
        t("present_pack_images", req.lang),
        lambda: present.images_pack(deck, req.lang),
        f"{file_stem(deck)}.zip",
        "application/zip",
    )
    st.download_button(
        t("present_pack_pptx", req.lang), lambda: present.pptx_pack(deck, req.lang), f"{file_stem(deck)}.pptx", present.PPTX_MIME
    )
    if meeting is not None and present.has_campaign(meeting):
        for which in present.DOCUMENTS:
            st.download_button(
                t(f"present_doc_{which}", req.lang),
                lambda which=which: present.document(meeting, which),
                present.document_name(meeting, which),
                present.DOCX_MIME,
            )
    st.caption(t("present_keys", req.lang))


@st.fragment(run_every=present.TICK_SECONDS)
def show_slide() -> None:
    if present.data_changed():
        st.rerun()  # an upload arrived during the meeting: rebuild the deck, keep the place
    present.advance_if_due(req, deck)
    slide = deck.slides[present.current()]
    meta, badge, counter, controls = st.columns([12.5, 2.2, 0.8, 3.5], vertical_alignment="center")
    with meta.container(key="present_meta"):
        title, period, as_of = (markdown_text(x) for x in (deck.title, slide.period, slide.as_of))
        st.markdown(f"{title} · **{period}**  \n{as_of}")
    if slide.is_demo:
        badge.container(key="present_demo").markdown(t("demo_badge", req.lang).upper())
    counter.container(key="present_counter").markdown(f"{slide.number}/{slide.total}")
    with controls.container(key="present_controls", horizontal=True, gap="small"):
        total = len(deck.slides)
        playing = st.session_state.get("present_playing")
        for key, icon, shortcut, label, callback, args in (
            ("present_prev", ":material/chevron_left:", "Left", "present_prev", present.step, (-1, total)),
            ("present_play", ":material/pause:" if playing else ":material/play_arrow:", "Space",
             "present_pause" if playing else "present_play", present.toggle_playing, ()),
            ("present_next", ":material/chevron_right:", "Right", "present_next", present.step, (1, total)),
        ):  # fmt: skip
            st.button("", key=key, icon=icon, type="tertiary", shortcut=shortcut, help=t(label, req.lang), on_click=callback, args=args)
    figure = fit(slide.figure, present.CHART_HEIGHT)
    with st.container(key="present_chart_box"):  # keeps its height while the chart is swapped
        show_chart(figure, key="present_chart", projector=True)
    st.container(key="present_caption").markdown(markdown_text(slide.caption))


show_slide()
