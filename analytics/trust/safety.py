"""Hostile text: what every page and export does with text that came from a user or a file.

Pages show such text only through widgets that render plain text (st.dataframe, st.text, widget
labels built with `plain`), never as HTML; Streamlit's Markdown would still turn `![](http://...)`
into a remote fetch and `[x](javascript:...)` into a link, so Markdown gets `markdown_escape`d.
Files people download are made safe for spreadsheets in `analytics.downloads`.
"""

from __future__ import annotations

import html
import re
import unicodedata

# Bidirectional overrides and isolates can make "gpj.exe" read as "exe.jpg"; zero-width characters
# hide text. Shown names drop them (the stored text keeps everything as uploaded).
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"))
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&])")


def plain(text: object, max_len: int = 300) -> str:
    """One line of display text: NFC, no control, bidi or zero-width characters, bounded length."""
    value = unicodedata.normalize("NFC", str(text)).translate(_INVISIBLE)
    value = "".join(ch if ch.isprintable() else " " for ch in value)
    return value if len(value) <= max_len else value[: max_len - 1] + "…"


def markdown_escape(text: object, max_len: int = 300) -> str:
    """`plain` text made inert for st.markdown / st.caption / st.info (no links, images, HTML)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", plain(text, max_len))


def plotly_escape(text: object, max_len: int = 300) -> str:
    """Plotly renders a few HTML tags (<a href>, <b>) in labels and hover text: escape them.

    Quotes stay as they are: with < and > escaped no tag (so no attribute) can begin, and Plotly
    does not decode &quot; — a note saying "A" would show as &quot;A&quot;."""
    return html.escape(plain(text, max_len), quote=False)
