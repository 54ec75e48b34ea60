"""AppTest of the account's change-digest section on the login page: a leader follows a block and
stops following it, as its own account; the subscription is stored and audited."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from analytics.reporting import subscriptions
from analytics.trust import audit, auth
from tests.pages.test_auth_pages import LOGIN, ROOT, button_labelled, login, rendered_texts, with_store
from tests.support import connection

PASSWORD = "mat khau lanh dao cum"


def test_a_leader_follows_a_block_and_stops_following_it_from_the_login_page(app_env: Path) -> None:
    with_store(lambda store: auth.add_user(store, ROOT, "lanhdao", "viewer", PASSWORD, email="lanhdao@cum.test"))
    at = login(AppTest.from_file(LOGIN, default_timeout=60).run(), "lanhdao", PASSWORD)
    assert "Thư báo khi số liệu thay đổi" in rendered_texts(at) and "lanhdao@cum.test" in rendered_texts(at)
    at.selectbox[0].select("STP")
    at = button_labelled(at, "Đăng ký").click().run()
    assert not at.exception, at.exception

    def stored(store) -> None:  # type: ignore[no-untyped-def]
        found = subscriptions.listing(connection(store))
        assert found[["user", "block"]].values.tolist() == [["lanhdao", "STP"]]
        assert audit.trail(connection(store), action="subscribe")["actor"].tolist() == ["lanhdao"]

    with_store(stored)
    assert at.dataframe[0].value.iloc[0, 0] == "Khối Sở Tư pháp"
    at = button_labelled(at, "Hủy đăng ký").click().run()
    assert not at.exception, at.exception

    def removed(store) -> None:  # type: ignore[no-untyped-def]
        assert subscriptions.listing(connection(store)).empty
        assert audit.trail(connection(store), action="unsubscribe")["target"].tolist() == ["lanhdao"]

    with_store(removed)
