"""Text from data shown through st.markdown / st.caption / st.success: made inert by the one
escaping rule of analytics.trust.safety (Markdown and HTML characters, bidi and zero-width characters)."""

from analytics.trust.safety import markdown_escape

CAPTION_MAX = 2000  # a narrative line or a slide caption; safety's default of 300 is for names


def markdown_text(text: object) -> str:
    """`text` escaped for st.markdown, cut only past CAPTION_MAX characters."""
    return markdown_escape(text, CAPTION_MAX)
