"""Hostile text through the store, the ingest and the pages (hypothesis).

Inputs mix known attack snippets (HTML/JS, Markdown links and images, spreadsheet formulas, SQL,
control characters, bidi overrides, very long strings) with random text. What must hold: the store
keeps text as text, pages show it only as plain values (never as HTML/Markdown), and nothing raises.
The files people download get the same inputs in tests/test_downloads.py.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from hypothesis import HealthCheck, Phase, example, given, settings
from streamlit.testing.v1 import AppTest

from analytics.bootstrap import open_store
from analytics.communes import replace_register
from analytics.history import record_upload
from analytics.settings import from_env
from analytics.store import Store
from analytics.trust import auth, safety
from tests.support import APP, SNIPPETS, TESTS, connection, csv_file, hostile, make_settings

pytestmark = pytest.mark.slow  # hundreds of hostile examples per test, some each an AppTest run


@given(hostile)
@settings(max_examples=400)
def test_display_text_is_inert(text: str) -> None:
    md = safety.markdown_escape(text)
    assert not re.search(r"(?<!\\)[\[\]()<>!`*_#:|]", md)  # every Markdown-active character escaped
    assert all(ch.isprintable() for ch in md) and len(md) <= 300 * 2
    assert not set(md) & set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
    assert "<" not in safety.plotly_escape(text) and ">" not in safety.plotly_escape(text)


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = open_store(make_settings(tmp_path_factory.mktemp("fuzz")))
    yield store


@given(name=hostile, file_name=hostile, note=hostile)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_store_keeps_hostile_text_as_text(fuzz_store: Store, name: str, file_name: str, note: str) -> None:
    tables = connection(fuzz_store).execute("SELECT count(*) FROM duckdb_tables()").fetchone()

    def work(cur):  # type: ignore[no-untyped-def]
        upload_id = record_upload(cur, kind="communes", created_by=name, file_name=file_name, note=note, raw=note.encode())
        frame = pd.DataFrame(
            [["STP_QN", 2030, "ntm", name, file_name, "registered", None, note]],
            columns=["unit_code", "year", "program", "commune", "district", "status", "achieved_on", "note"],
        )
        replace_register(cur, upload_id, frame)
        return upload_id

    upload_id = fuzz_store.write(work)
    cur = connection(fuzz_store)
    assert cur.execute("SELECT created_by, file_name, note FROM uploads WHERE id = ?", [upload_id]).fetchone() == (name, file_name, note)
    assert cur.execute("SELECT actor, target FROM audit WHERE upload_id = ?", [upload_id]).fetchone() == (name, file_name)
    stored = cur.execute("SELECT commune, note FROM communes WHERE upload_id = ?", [upload_id]).fetchone()
    assert stored is not None and stored[1] == note
    assert cur.execute("SELECT count(*) FROM duckdb_tables()").fetchone() == tables  # no statement was injected


# --- pages (AppTest) -----------------------------------------------------------------------------

DANGEROUS = re.compile(r"<script|<img|<svg|<a |\]\(javascript|\]\(http|https?://", re.IGNORECASE)  # live tags, links, autolinks
ADMIN = str(TESTS.parent / "pages" / "admin.py")


def rendered_markup(at: AppTest) -> list[str]:
    """Everything rendered as Markdown (where HTML or links could come alive), minus escaped characters,
    which Markdown shows literally."""
    kinds = ("markdown", "caption", "info", "warning", "error", "success", "title", "header", "subheader")
    return [re.sub(r"\\.", "", str(e.value)) for kind in kinds for e in getattr(at, kind)]


@given(full_name=hostile, file_name=hostile, actor=hostile)
@example(full_name=SNIPPETS[1] + SNIPPETS[6], file_name=SNIPPETS[3] + SNIPPETS[14], actor=SNIPPETS[0] + SNIPPETS[17])
@example(full_name=SNIPPETS[4] + SNIPPETS[16], file_name=SNIPPETS[5] + SNIPPETS[20], actor=SNIPPETS[12] + SNIPPETS[18])
@settings(
    max_examples=8,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # an AppTest run per example: shrinking would take minutes
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_pages_show_hostile_text_only_as_plain_values(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, full_name: str, file_name: str, actor: str
) -> None:
    folder: Path = tmp_path_factory.mktemp("fuzzpage")
    monkeypatch.setenv("THIDUA_DB", str(folder / "app.duckdb"))
    st.cache_resource.clear()
    st.cache_data.clear()
    store = open_store(from_env())
    admin = auth.add_user(store, auth.system_user("t"), "thuky", "admin", "mat khau thu ky", full_name=full_name)
    store.write(lambda cur: record_upload(cur, kind="results", created_by=actor, file_name=file_name, raw=b"x"))

    def register(cur):  # type: ignore[no-untyped-def]
        upload_id = record_upload(cur, kind="communes", created_by=actor, file_name=file_name, raw=b"y")
        rows = [["STP_QN", 2016, "ntm", full_name[:300] or "x", file_name[:300], "registered", None, actor]]
        replace_register(
            cur,
            upload_id,
            pd.DataFrame(rows, columns=["unit_code", "year", "program", "commune", "district", "status", "achieved_on", "note"]),
        )

    store.write(register)
    try:
        at = AppTest.from_file(ADMIN, default_timeout=60)
        at.session_state["_auth_session"] = auth.open_session(admin, time.time())
        at.run()
        assert not at.exception
        markup = rendered_markup(at)
        assert not any(DANGEROUS.search(m) for m in markup), markup
        users, trail = at.dataframe[0].value, at.dataframe[1].value
        assert users.loc[0, "Họ tên"] == "".join(ch for ch in full_name if ch.isprintable()).strip()[:200]
        assert trail.loc[0, "Đối tượng"] == file_name and trail.loc[0, "Người thực hiện"] == actor  # shown as is, as data
        at = AppTest.from_file(APP, default_timeout=60)
        at.session_state["_auth_session"] = auth.open_session(admin, time.time())
        at.run()
        assert not at.exception
        assert not any(DANGEROUS.search(m) for m in rendered_markup(at))
        for path in ("pages/rural.py", "pages/unit_profile.py", "pages/upload.py"):  # commune lists, sources, history
            at.switch_page(path).run()
            assert not at.exception, (path, [e.stack_trace for e in at.exception])
            assert not any(DANGEROUS.search(m) for m in rendered_markup(at)), (path, rendered_markup(at))
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()


# --- register files with hostile cells, through the ingest and the upload page ---------------------

REGISTER_HEADER = ["Mã đơn vị", "Năm", "Chương trình", "Xã", "Huyện", "Trạng thái", "Ngày đạt", "Ghi chú"]


@given(commune=hostile, district=hostile, note=hostile)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_hostile_register_files_never_crash_the_ingest_and_stay_text(fuzz_store: Store, commune: str, district: str, note: str) -> None:
    from analytics.communes import commune_list
    from analytics.ingest import save, validate
    from analytics.ingest.readers import source_from_bytes

    data = csv_file([REGISTER_HEADER, ["STP_QN", 2030, "ntm", commune, district, "registered", "", note]])
    cur = connection(fuzz_store)
    checked = validate.check(cur, [source_from_bytes("xã <b>độc</b> =1.csv", data)])
    if not checked.ok:
        assert checked.problems and all(p.text() for p in checked.problems)  # reported, not raised
        return
    save.commit(fuzz_store, checked, by="fuzz")
    shown = commune_list(connection(fuzz_store), 2030, "ntm")
    assert len(shown[shown["unit_code"] == "STP_QN"]) == 1


@given(file_name=hostile, commune=hostile)
@example(file_name="[x](javascript:alert(1)) ![y](http://example.invalid/p.png) <img src=x onerror=alert(1)>", commune=SNIPPETS[0])
@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_upload_page_shows_hostile_file_and_commune_names_inertly(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, file_name: str, commune: str
) -> None:

    folder: Path = tmp_path_factory.mktemp("fuzzupload")
    monkeypatch.setenv("THIDUA_DB", str(folder / "app.duckdb"))
    monkeypatch.setenv("THIDUA_DEMO", "0")
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        at = AppTest.from_file(APP, default_timeout=60).run()  # first run on the server: setup mode, may upload
        at.switch_page("pages/upload.py").run()
        data = csv_file([REGISTER_HEADER, ["STP_QN", 2016, "ntm", commune, "Huyện A", "registered", "", commune]])
        # Streamlit itself refuses a file name with a NUL byte before any of our code runs (no browser can send one).
        shown_name = (file_name.replace("/", "_").replace("\x00", "") or "x")[:200] + ".csv"
        at.file_uploader[0].set_value([(shown_name, data, "text/csv")]).run()
        assert not at.exception
        commit = next(b for b in at.button if b.key == "up_commit")
        if not commit.disabled:
            commit.click().run()
            assert not at.exception
        assert not any(DANGEROUS.search(m) for m in rendered_markup(at)), rendered_markup(at)
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()
