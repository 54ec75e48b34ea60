"""Text from data shown through st.markdown: markdown and HTML characters are escaped."""

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-!|<>~])")


def plain(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", str(text))
