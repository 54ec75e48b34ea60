"""Campaign files as the secretariat changes them: next year's file made from last year's, edits to
any setting, a preview of what changes, validation as `check-config` does it, a save that keeps the
previous text (audit trail and `campaign_revisions`), and undo.

The files stay plain TOML in the campaigns folder so they can be versioned. A new year is made
mechanically from the text of an earlier one: every date moves by the difference in years and every
mention of the old year (theme, comments) becomes the new one; nothing else changes, so the same
command can regenerate the file after the source year's file changed.
"""

from __future__ import annotations

import difflib
import re
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import tomlkit

from analytics.bootstrap import sync_files
from analytics.config import Campaign, ConfigError, load_campaign, load_campaigns
from analytics.labels import t
from analytics.settings import Settings
from analytics.store import Cursor, Store
from analytics.trust import audit
from analytics.trust.auth import Action, User, authorize

_KEY_PART = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?$")


def campaign_file(settings: Settings, year: int) -> Path:
    return settings.campaigns_dir / f"{year}.toml"


def shift_year(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def next_year_text(source_text: str, from_year: int, to_year: int) -> str:
    """The text of `to_year`'s file from `from_year`'s: `year` set, every date shifted by the difference,
    the old year replaced in every text value (the theme). Comments stay as written — they cite sources
    of the source year — under a header that says where the file came from."""
    years = to_year - from_year
    mention = re.compile(rf"(?<![\d]){from_year}(?![\d])")

    def convert(value: Any) -> Any:
        if isinstance(value, date):
            return shift_year(value, years)
        if isinstance(value, str):
            return mention.sub(str(to_year), value)
        return value

    def walk(node: Any) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in list(items):
            if isinstance(value, dict | list):
                walk(value)
            else:
                changed = convert(value)
                if changed != value:
                    node[key] = changed

    doc = tomlkit.parse(source_text)
    walk(doc)
    doc["year"] = to_year
    header = t("camp_generated_header", year=to_year, source=from_year, years=years)
    return "".join(f"# {line}\n" for line in header.splitlines()) + tomlkit.dumps(doc)


def parse_value(text: str) -> Any:
    """A value as the user typed it: a TOML literal (2027-03-04, 5, [1, 2], true, "…"), otherwise plain text."""
    try:
        return tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        return text


def set_values(text: str, changes: dict[str, Any], file: Path) -> str:
    """`text` with each dotted key (`theme`, `signing.place`, `phases[2].quarters`, `targets[3].min`) set,
    comments and layout kept. A key that names no table is a ConfigError naming it."""
    doc = tomlkit.parse(text)
    for key, value in changes.items():
        node: Any = doc
        parts = key.split(".")
        for depth, part in enumerate(parts):
            match = _KEY_PART.match(part)
            if match is None:
                raise ConfigError(file, key, t("camp_bad_key"))
            name, index = match.group(1), match.group(2)
            last = depth == len(parts) - 1
            if last and index is None:
                node[name] = value
                break
            if name not in node:
                if index is not None or last:
                    raise ConfigError(file, key, t("camp_no_such_key", name=name))
                node[name] = tomlkit.table()
            node = node[name]
            if index is not None:
                position = int(index)
                if not isinstance(node, list) or not 1 <= position <= len(node):
                    raise ConfigError(file, key, t("camp_no_such_item", name=name, count=len(node) if isinstance(node, list) else 0))
                if last:
                    raise ConfigError(file, key, t("camp_bad_key"))
                node = node[position - 1]
    return tomlkit.dumps(doc)


def check_text(text: str, year: int, file: Path) -> Campaign:
    """Validate a campaign text exactly as `check-config` validates the file; errors name `file`."""
    with tempfile.TemporaryDirectory() as folder:
        draft = Path(folder) / f"{year}.toml"
        draft.write_text(text, encoding="utf-8")
        try:
            return load_campaign(draft)
        except ConfigError as exc:
            raise ConfigError(file, exc.key, exc.problem) from exc


def diff(old_text: str | None, new_text: str | None, file: Path) -> str:
    """What a save changes, as a unified diff (empty when nothing changes)."""
    before = (old_text or "").splitlines(keepends=True)
    after = (new_text or "").splitlines(keepends=True)
    return "".join(difflib.unified_diff(before, after, f"{file.name} (trước)", f"{file.name} (sau)"))


@dataclass(frozen=True)
class FileChange:
    file: Path
    old_text: str | None  # None: the file does not exist yet
    new_text: str | None  # None: the change removes the file

    def label(self, settings: Settings) -> str:
        """'campaigns/2017.toml': the folder kind and the name, as revisions record it."""
        folder = "meetings" if self.file.parent == settings.meetings_dir else "campaigns"
        return f"{folder}/{self.file.name}"


@dataclass(frozen=True)
class Draft:
    """A proposed change to one year's configuration: the campaign file and, for a new year, its meeting files."""

    year: int
    action: str  # new | edit | undo
    changes: tuple[FileChange, ...]

    @property
    def preview(self) -> str:
        return "".join(diff(c.old_text, c.new_text, c.file) for c in self.changes)

    @property
    def lines_changed(self) -> int:
        return sum(1 for line in self.preview.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---"))


def _meeting_files(settings: Settings, year: int) -> list[Path]:
    """Meeting files of a year: those named after it (so-ket-2016.toml)."""
    return sorted(f for f in settings.meetings_dir.glob(f"*{year}*.toml") if str(year) in f.stem)


def draft_new(settings: Settings, year: int, from_year: int, changes: dict[str, Any] | None = None, *, text: str | None = None) -> Draft:
    """Next year's files from an existing year's (campaign and meetings), with optional edits of the
    campaign (keys to set, or the whole text as the admin page's editor holds it); validated, nothing written."""
    source = campaign_file(settings, from_year)
    target = campaign_file(settings, year)
    if not source.exists():
        raise ConfigError(source, "year", t("camp_no_source", year=from_year))
    if target.exists():
        raise ConfigError(target, "year", t("camp_exists", year=year))
    if text is None:
        text = next_year_text(source.read_text(encoding="utf-8"), from_year, year)
    if changes:
        text = set_values(text, changes, target)
    check_text(text, year, target)
    files = [FileChange(target, None, text)]
    for meeting in _meeting_files(settings, from_year):
        copy = meeting.with_name(meeting.name.replace(str(from_year), str(year)))
        if not copy.exists():
            files.append(FileChange(copy, None, next_year_text(meeting.read_text(encoding="utf-8"), from_year, year)))
    return Draft(year, "new", tuple(files))


def draft_edit(settings: Settings, year: int, *, changes: dict[str, Any] | None = None, text: str | None = None) -> Draft:
    """An edit of an existing year's campaign file: keys to set, or the whole new text; validated, nothing written."""
    target = campaign_file(settings, year)
    if not target.exists():
        raise ConfigError(target, "year", t("camp_no_source", year=year))
    old = target.read_text(encoding="utf-8")
    new = text if text is not None else old
    if changes:
        new = set_values(new, changes, target)
    check_text(new, year, target)
    return Draft(year, "edit", (FileChange(target, old, new),))


def _path(settings: Settings, label: str) -> Path:
    folder, name = label.split("/", 1)
    return (settings.meetings_dir if folder == "meetings" else settings.campaigns_dir) / name


def draft_undo(store: Store, settings: Settings, year: int) -> Draft:
    """Undo the latest save of `year`: each file it touched goes back to its text before (or goes away)."""
    with store.reading() as cur:
        rows = cur.execute(
            "SELECT file, old_text, new_text FROM campaign_revisions"
            " WHERE revision = (SELECT max(revision) FROM campaign_revisions WHERE year = ?) ORDER BY file",
            [year],
        ).fetchall()
    target = campaign_file(settings, year)
    if not rows:
        raise ConfigError(target, "year", t("camp_nothing_to_undo", year=year))
    files = []
    for label, old_text, new_text in rows:
        path = _path(settings, label)
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != new_text:
            raise ConfigError(path, "year", t("camp_changed_outside"))
        if path == target and old_text is not None:
            check_text(old_text, year, target)
        files.append(FileChange(path, current, old_text))
    return Draft(year, "undo", tuple(files))


def save(store: Store, settings: Settings, actor: User | None, draft: Draft) -> int:
    """Write the draft's files, keep both texts of each as one revision with its audit row, then re-sync the store."""
    authorize(actor, Action.SETTINGS)
    assert actor is not None
    for change in draft.changes:
        if change.old_text is None and change.file.exists():
            raise ConfigError(change.file, "year", t("camp_exists", year=draft.year))

    def work(cur: Cursor) -> int:
        row = cur.execute("SELECT nextval('campaign_revision_ids')").fetchone()
        assert row is not None
        revision, now = int(row[0]), datetime.now()
        for change in draft.changes:
            cur.execute(
                "INSERT INTO campaign_revisions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [revision, draft.year, change.label(settings), now, actor.name, draft.action, change.old_text, change.new_text],
            )
        detail = {"revision": revision, "files": [c.label(settings) for c in draft.changes], "lines_changed": draft.lines_changed}
        audit.record(cur, actor.name, f"campaign_{draft.action}", str(draft.year), detail)
        for change in draft.changes:
            if change.new_text is None:
                change.file.unlink(missing_ok=True)
            else:
                change.file.parent.mkdir(parents=True, exist_ok=True)
                change.file.write_text(change.new_text, encoding="utf-8")
        return revision

    revision = store.write(work)
    sync_files(store, settings, actor=actor.name)
    return revision


def overview(settings: Settings) -> pd.DataFrame:
    """One row per configured year: file, theme, phases, contents, indicators, targets, rubric."""
    rows = []
    for year, c in sorted(load_campaigns(settings.campaigns_dir).items()):
        rows.append(
            {
                "year": year,
                "file": Path(c.source).name,
                "theme": c.theme,
                "signing_date": c.signing_date,
                "phases": len(c.phases),
                "contents": len(c.contents),
                "indicators": len(c.indicators),
                "targets": len(c.targets),
                "rubric": c.rubric is not None,
            }
        )
    return pd.DataFrame(rows, columns=["year", "file", "theme", "signing_date", "phases", "contents", "indicators", "targets", "rubric"])


def revisions(store: Store, year: int | None = None) -> pd.DataFrame:
    """Saves of campaign files, newest first."""
    with store.reading() as cur:
        return cur.execute(
            "SELECT revision, year, file, saved_at, saved_by, action FROM campaign_revisions"
            " WHERE ? IS NULL OR year = ? ORDER BY revision DESC, file",
            [year, year],
        ).df()
