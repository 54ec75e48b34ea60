"""The upload page once accounts exist: visitors and viewers cannot upload, a focal point only for its unit."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analytics.ingest import validate
from analytics.ingest.readers import source_from_path
from analytics.settings import from_env
from analytics.store import Store
from analytics.trust import actions, auth, backup
from tests.support import APP, OTHER, OWN, button, connection, quarter_file, shown

ROOT = auth.system_user("test")


@pytest.fixture
def accounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, open_ready_store: Callable[..., Store]) -> Iterator[dict[str, auth.User]]:
    monkeypatch.setenv("THIDUA_DB", str(tmp_path / "app.duckdb"))
    monkeypatch.setenv("THIDUA_DEMO", "0")
    st.cache_resource.clear()
    st.cache_data.clear()
    store = open_ready_store(from_env())
    users = {
        "admin": auth.add_user(store, ROOT, "thuky", "admin", "mat khau thu ky"),
        "unit": auth.add_user(store, ROOT, "tp.qn", "unit", "mat khau don vi", unit_code=OWN),
        "viewer": auth.add_user(store, ROOT, "lanhdao", "viewer", "mat khau lanh dao"),
    }
    first = validate.check(connection(store), [source_from_path(quarter_file(tmp_path, [OTHER], 1))])
    actions.commit_upload(store, first, users["admin"], backups_root=tmp_path)  # upload #1: another unit's
    yield users
    st.cache_resource.clear()
    st.cache_data.clear()


def upload_page(user: auth.User | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if user is not None:
        at.session_state["_auth_session"] = auth.open_session(user, time.time())
    at.run()
    at.switch_page("pages/upload.py").run()
    assert not at.exception
    return at


@pytest.mark.parametrize(
    ("role", "notice"),
    [  # the page's permissions stay quick with the focal point's test below, the rule itself in tests/trust
        pytest.param(None, "Cần đăng nhập để tải số liệu lên", marks=pytest.mark.slow),
        pytest.param("viewer", "chỉ được xem", marks=pytest.mark.slow),
    ],
)
def test_visitors_and_viewers_get_no_drop_zone_and_no_revert(accounts, role, notice) -> None:  # type: ignore[no-untyped-def]
    at = upload_page(accounts[role] if role else None)
    assert any(notice in i.value for i in at.info)
    assert not at.file_uploader and not [b for b in at.button if b.key == "up_revert"]


def test_a_focal_point_uploads_and_reverts_only_its_own_unit(accounts, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    at = upload_page(accounts["unit"])
    mixed = quarter_file(tmp_path, [OWN, OTHER], 2)
    at.file_uploader[0].set_value([(mixed.name, mixed.read_bytes(), "text/csv")]).run()
    problems = next(d.value for d in at.dataframe if "Lỗi" in d.value.columns)
    assert any("không được tải số liệu của đơn vị này" in str(p) for p in problems["Lỗi"])
    assert set(problems["Giá trị"]) == {OTHER} and button(at, "up_commit").disabled
    own = quarter_file(tmp_path, [OWN], 2)
    at.file_uploader[0].set_value([(own.name, own.read_bytes(), "text/csv")]).run()
    assert not button(at, "up_commit").disabled
    button(at, "up_commit").click().run()
    assert not at.exception and any("lần tải #2" in shown(s.value) for s in at.success)
    choices = at.selectbox(key="up_revert_pick").options
    assert len(choices) == 1 and choices[0].startswith("#2")  # not #1, the other unit's upload
    button(at, "up_revert").click().run()
    assert any("Đã hoàn tác #2" in shown(s.value) for s in at.success)
    from analytics.trust import audit
    from ui import data

    actions = audit.trail(connection(data.store()))
    assert actions[actions["actor"] == "tp.qn"]["action"].tolist() == ["revert", "upload"]  # both under its name
    made = [(b.reason, b.created_by) for b in backup.list_backups(from_env().backups_root)]
    assert made == [("before_revert", "auto:tp.qn")]  # the safety backup the CLI's revert takes too (tests/cli)
