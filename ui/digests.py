"""The account's own change digests: what it follows, follow a block or units, stop following. Any
account with an e-mail address may; the secretariat manages anyone's from the command line."""

from __future__ import annotations

import streamlit as st

from analytics.labels import block_name, t
from analytics.reporting import subscriptions
from analytics.trust import actions, auth
from analytics.trust.safety import markdown_escape
from ui import data
from ui.auth import flash


def own_subscriptions(user: auth.User) -> None:
    st.subheader(t("digest_section"))
    if not user.email:
        st.info(t("digest_section_no_email"))
        return
    st.caption(markdown_escape(t("digest_section_explain", email=user.email)))
    with data.reading() as cur:
        mine = subscriptions.listing(cur, user.name)
    registry = data.registry(data.version(), None)
    names = dict(zip(registry["code"], registry["short_name"], strict=True))

    choices = {
        int(sub_id): block_name(block) if isinstance(block, str) else f"{names.get(unit, unit)} ({unit})"
        for sub_id, block, unit in zip(mine["id"], mine["block"], mine["unit_code"], strict=True)
    }
    if choices:
        st.dataframe({t("digest_following"): list(choices.values())}, hide_index=True, width="stretch")
    with st.form("digest_subscribe", clear_on_submit=True):
        blocks = [None, *subscriptions.BLOCKS]
        block = st.selectbox(t("digest_pick_block"), blocks, format_func=lambda b: "—" if b is None else block_name(b))
        units = st.multiselect(t("digest_pick_units"), list(names), format_func=lambda c: f"{names[c]} ({c})")
        if st.form_submit_button(t("digest_subscribe")):
            _attempt(lambda: actions.subscribe(data.store(), user, user.name, block=block, units=tuple(units)))
    if choices:
        with st.form("digest_unsubscribe"):
            chosen = st.selectbox(t("digest_pick_remove"), list(choices), format_func=choices.__getitem__)
            if st.form_submit_button(t("digest_unsubscribe")):
                _attempt(lambda: actions.unsubscribe(data.store(), user, chosen))


def _attempt(work) -> None:  # type: ignore[no-untyped-def]
    try:
        work()
    except (auth.PermissionDenied, subscriptions.SubscriptionError) as exc:
        st.error(markdown_escape(str(exc), 2000))
        return
    flash(t("digest_saved"))
    st.rerun()
