"""Is this browser a phone? Streamlit tells a script nothing about the window's width, so the
browser's User-Agent decides: "Mobi" is what phone browsers put in it (Mozilla's advice for
telling phones from tablets and desktops), "iPhone" and "Android … Mobile" are kept for old ones."""

from __future__ import annotations

import re

import streamlit as st

PHONE_AGENT = re.compile(r"Mobi|iPhone|Android.*Mobile")


def is_phone() -> bool:
    return bool(PHONE_AGENT.search(st.context.headers.get("User-Agent", "") or ""))
