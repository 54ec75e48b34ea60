"""Notes on the charts in the store: what a note may be about, edits and removals in the audit trail,
who may write one (through analytics.trust.actions, the path of the CLI and the pages), and which
view a note belongs to."""

from __future__ import annotations

import json

import pytest

from analytics import notes
from analytics.store import Store
from analytics.trust import actions, audit
from analytics.trust.auth import PermissionDenied, User
from tests.support import connection

ADMIN = User("thuky", "admin")
UNIT = User("tp.hanoi", "unit", "STP_HN")
VIEWER = User("lanhdao", "viewer")


def _trail(store: Store) -> list[tuple[str, str, dict]]:
    rows = audit.trail(connection(store))
    picked = rows[rows["action"].str.startswith("note_")]
    return [(r.action, r.target, json.loads(r.detail)) for r in picked.iloc[::-1].itertuples()]


def test_add_edit_remove_are_audited_with_the_text(demo_store: Store) -> None:
    scope = notes.Scope(2016, quarter=2, unit_code="STP_HN", indicator="xa_ntm")
    note_id = actions.add_note(demo_store, ADMIN, scope, "  số liệu điều chỉnh\nsau kiểm tra ")
    listed = notes.list_notes(connection(demo_store), 2016)
    assert list(listed.columns) == notes.COLUMNS
    assert listed.iloc[0][["id", "quarter", "unit_code", "indicator", "text", "by"]].tolist() == [
        note_id, 2, "STP_HN", "xa_ntm", "số liệu điều chỉnh sau kiểm tra", "thuky"
    ]  # fmt: skip
    actions.edit_note(demo_store, UNIT, note_id, "hợp nhất từ 01/7/2025")
    assert notes.list_notes(connection(demo_store)).iloc[0][["text", "by"]].tolist() == ["hợp nhất từ 01/7/2025", "tp.hanoi"]
    actions.remove_note(demo_store, ADMIN, note_id)
    assert notes.list_notes(connection(demo_store)).empty
    trail = _trail(demo_store)
    assert [(a, t) for a, t, _ in trail] == [("note_add", str(note_id)), ("note_edit", str(note_id)), ("note_remove", str(note_id))]
    assert trail[1][2] == {"old": "số liệu điều chỉnh sau kiểm tra", "text": "hợp nhất từ 01/7/2025"}
    assert trail[2][2]["text"] == "hợp nhất từ 01/7/2025" and trail[2][2]["unit_code"] == "STP_HN"


@pytest.mark.parametrize(
    ("scope", "text", "message"),
    [
        (notes.Scope(2099), "x", "2099"),
        (notes.Scope(2016, quarter=5), "x", "Quý 5"),
        (notes.Scope(2016, quarter=1, phase=1), "x", "quý hoặc đợt"),
        (notes.Scope(2016, phase=3), "x", "đợt 3"),
        (notes.Scope(2016, unit_code="STP_XX"), "x", "STP_XX"),
        (notes.Scope(2016, indicator="khong_co"), "x", "khong_co"),
        (notes.Scope(2016), " \n ", "trống"),
        (notes.Scope(2016), "x" * (notes.MAX_TEXT + 1), "tối đa 500"),
    ],
)
def test_a_note_about_nothing_known_is_refused_and_nothing_stored(demo_store: Store, scope: notes.Scope, text: str, message: str) -> None:
    with pytest.raises(notes.NoteError, match=message):
        actions.add_note(demo_store, ADMIN, scope, text)
    assert notes.list_notes(connection(demo_store)).empty and not _trail(demo_store)


def test_a_content_code_is_a_valid_subject(demo_store: Store) -> None:
    note_id = actions.add_note(demo_store, ADMIN, notes.Scope(2016, phase=1, indicator="ND3"), "x")
    row = notes.for_year(connection(demo_store), 2016).iloc[0]
    assert (row["id"], row["content"], row["quarters"]) == (note_id, "ND3", (1, 2))


def test_a_unit_writes_notes_on_its_own_unit_only_and_a_viewer_none(demo_store: Store) -> None:
    own = actions.add_note(demo_store, UNIT, notes.Scope(2016, unit_code="STP_HN"), "của mình")
    other = actions.add_note(demo_store, ADMIN, notes.Scope(2016, unit_code="THADS_HN"), "của đơn vị khác")
    cluster = actions.add_note(demo_store, ADMIN, notes.Scope(2016), "cả cụm")
    for attempt in (
        lambda: actions.add_note(demo_store, UNIT, notes.Scope(2016, unit_code="THADS_HN"), "x"),
        lambda: actions.add_note(demo_store, UNIT, notes.Scope(2016), "x"),
        lambda: actions.edit_note(demo_store, UNIT, other, "x"),
        lambda: actions.remove_note(demo_store, UNIT, cluster),
        lambda: actions.add_note(demo_store, VIEWER, notes.Scope(2016, unit_code="STP_HN"), "x"),
        lambda: actions.remove_note(demo_store, VIEWER, own),
        lambda: actions.add_note(demo_store, None, notes.Scope(2016), "x"),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert notes.list_notes(connection(demo_store))["text"].tolist() == ["của mình", "của đơn vị khác", "cả cụm"]
    actions.remove_note(demo_store, UNIT, own)
    assert len(notes.list_notes(connection(demo_store))) == 2


def test_a_view_takes_notes_whose_period_indicator_and_unit_it_shows(demo_store: Store) -> None:
    add = lambda scope: actions.add_note(demo_store, ADMIN, scope, "x")  # noqa: E731
    q2_unit = add(notes.Scope(2016, quarter=2, unit_code="STP_HN", indicator="xa_ntm"))
    p2_all = add(notes.Scope(2016, phase=2))
    year_other = add(notes.Scope(2016, unit_code="THADS_HN", indicator="ty_le_viec"))
    content = add(notes.Scope(2016, quarter=1, indicator="ND3"))
    frame = notes.for_year(connection(demo_store), 2016)

    def ids(quarters: tuple[int, ...], **kw: object) -> list[int]:
        return notes.matching(frame, quarters, **kw)["id"].tolist()  # type: ignore[arg-type]

    assert ids((1, 2, 3, 4)) == [q2_unit, p2_all, year_other, content]
    assert ids((1, 2), codes={"xa_ntm", "ND3"}) == [q2_unit, content]
    assert ids((3,), codes={"xa_ntm", "ND3"}) == [p2_all]
    assert ids((1, 2, 3, 4), codes={"xa_ntm"}, units=["STP_QN"]) == [p2_all]
    assert ids((1, 2, 3, 4), codes={"ty_le_viec"}, units=["THADS_HN"]) == [p2_all, year_other]
