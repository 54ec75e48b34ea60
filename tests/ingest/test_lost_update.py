"""Two people preview, one stores: the other's store is refused and asked again, never a silent
overwrite of a value their preview did not show."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.ingest import save, validate
from analytics.ingest.readers import source_from_bytes
from analytics.store import Store
from analytics.trust import actions, auth
from tests.support import connection

ROOT = auth.system_user("test")


def checked(store: Store, unit: str, value: int) -> validate.Checked:
    text = f"Mã đơn vị,Năm,Quý,dien_hinh\r\n{unit},2016,1,{value}\r\n"
    result = validate.check(connection(store), [source_from_bytes(f"{unit}_{value}.csv", text.encode())])
    assert result.ok, result.problems
    return result


def stored_value(store: Store, unit: str) -> float | None:
    row = connection(store).execute("SELECT value FROM facts WHERE unit_code = ? AND indicator = 'dien_hinh'", [unit]).fetchone()
    return None if row is None else row[0]


def test_a_store_after_someone_else_stored_the_same_figures_is_refused_then_asked_again(empty_store: Store, tmp_path: Path) -> None:
    backups = tmp_path / "b"
    mine, theirs = checked(empty_store, "STP_QN", 1), checked(empty_store, "STP_QN", 2)
    seen_mine, seen_theirs = save.basis(connection(empty_store), mine), save.basis(connection(empty_store), theirs)
    actions.commit_upload(empty_store, mine, ROOT, backups_root=backups, previewed=seen_mine)
    with pytest.raises(save.ChangedSincePreview):
        actions.commit_upload(empty_store, theirs, ROOT, backups_root=backups, previewed=seen_theirs)
    with pytest.raises(save.ChangedSincePreview):  # the core checks again inside its transaction
        save.commit(empty_store, theirs, by="x", previewed=seen_theirs)
    assert stored_value(empty_store, "STP_QN") == 1
    # Asked again: the new preview shows the change of the first person's value, and that is what gets confirmed.
    assert save.preview(connection(empty_store), theirs)[["new", "changed"]].values.tolist() == [[0, 1]]
    again = save.basis(connection(empty_store), theirs)
    result = actions.commit_upload(empty_store, theirs, ROOT, backups_root=backups, previewed=again)
    assert stored_value(empty_store, "STP_QN") == 2 and result.stored[0].applied.changed == 1  # type: ignore[union-attr]


def test_figures_of_other_units_stored_meanwhile_do_not_disturb(empty_store: Store, tmp_path: Path) -> None:
    mine, other = checked(empty_store, "STP_QN", 3), checked(empty_store, "STP_BN", 4)
    seen_mine = save.basis(connection(empty_store), mine)
    actions.commit_upload(empty_store, other, ROOT, backups_root=tmp_path, previewed=save.basis(connection(empty_store), other))
    actions.commit_upload(empty_store, mine, ROOT, backups_root=tmp_path, previewed=seen_mine)
    assert (stored_value(empty_store, "STP_QN"), stored_value(empty_store, "STP_BN")) == (3, 4)
