"""Static guards for hostile input: settings that must stay on, constructs that must never appear."""

from __future__ import annotations

import re
import tomllib

from analytics.ingest.limits import MAX_BYTES, MEGABYTE
from tests.support import PROJECT

SOURCES = [*PROJECT.glob("analytics/**/*.py"), *PROJECT.glob("ui/*.py"), *PROJECT.glob("pages/*.py"), PROJECT / "app.py"]


def test_xsrf_protection_stays_on_and_uploads_are_capped() -> None:
    config = tomllib.loads((PROJECT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableXsrfProtection"] is True
    # Streamlit keeps what its upload endpoint accepted in memory, even from a page with no uploader:
    # never more than the ingest itself accepts.
    assert config["server"]["maxUploadSize"] * MEGABYTE == MAX_BYTES
    assert config["client"]["showErrorDetails"] == "none"


def test_nothing_is_unpickled_evaluated_or_rendered_as_raw_html() -> None:
    banned = re.compile(r"\bpickle\b|\beval\(|\bexec\(|unsafe_allow_html\s*=\s*True|st\.html\(|components\.html\(")
    # The projector page injects one stylesheet built from constants only (checked in
    # tests/test_present_page.py::test_the_projector_stylesheet_holds_no_data); nothing else may use st.html.
    allowed = {("ui/present.py", "st.html(stylesheet(variant))")}
    offenders = [
        f"{p.relative_to(PROJECT)}:{n}"
        for p in SOURCES
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if banned.search(line) and not any(str(p.relative_to(PROJECT)) == f and call in line for f, call in allowed)
    ]
    assert offenders == []


def test_sql_is_never_built_with_f_strings() -> None:
    fstring_sql = re.compile(r"\.execute\(\s*f[\"']")
    offenders = [str(p.relative_to(PROJECT)) for p in SOURCES if fstring_sql.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
