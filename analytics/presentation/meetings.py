"""Per-meeting slide lists (data/meetings/*.toml) that the cluster secretariat edits.

A meeting file names the year, period and block its slides show, how long each slide stays on
screen, the light or dark projector variant, and the slides in order. A malformed file gives a
Vietnamese ConfigError naming the file, the key and the problem, like the campaign files do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from analytics.config import Campaign, ConfigError, read_toml
from analytics.labels import t
from analytics.mail.settings import is_address
from analytics.measures import PERIODS

BLOCKS = ("ALL", "STP", "THADS")
VARIANTS = ("light", "dark")
MIN_SECONDS, MAX_SECONDS = 3, 3600
_SLIDE_KEYS = {"kind", "title", "seconds", "period", "block", "indicator"}


@dataclass(frozen=True)
class SlideSpec:
    """One slide as configured: a registered kind plus what it shows."""

    kind: str
    title: str | None = None
    seconds: int | None = None  # None: the meeting's default
    period: str | None = None  # None: the meeting's (or the URL's) period
    block: str | None = None  # None: the meeting's (or the URL's) block; "ALL" both blocks
    indicator: str | None = None
    options: dict[str, Any] = field(default_factory=dict, compare=False)  # extra keys for the kind


@dataclass(frozen=True)
class Meeting:
    name: str  # file stem, used in ?meeting=
    title: str
    year: int
    period: str
    block: str
    seconds: int
    variant: str
    slides: tuple[SlideSpec, ...]
    source: str = ""
    cutoff: datetime | None = None  # data cut-off: the deck shows the values as they stood then
    recipients: tuple[str, ...] = ()  # [mail] to: who receives the pack by e-mail
    send_at: datetime | None = None  # [mail] send_at: when the in-app scheduler sends it (local time), once

    @property
    def send_key(self) -> str:
        """What the audit trail records a scheduled sending under: a changed send time is a new sending."""
        return f"{self.name}@{self.send_at:%Y-%m-%dT%H:%M}" if self.send_at else self.name

    def seconds_of(self, spec: SlideSpec) -> int:
        return spec.seconds or self.seconds


def _check(file: Path, key: str, value: Any, kind: type | tuple[type, ...], what_key: str) -> Any:
    """`value` when it is of `kind`; otherwise the error names what was expected (label `what_key`)."""
    if isinstance(value, bool) or not isinstance(value, kind):
        raise ConfigError(file, key, t("meeting_wrong_type", what=t(what_key), value=repr(value)))
    return value


def _choice(file: Path, key: str, value: Any, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ConfigError(file, key, t("cfg_not_choice", choices=", ".join(choices), value=value))
    return str(value)


def _seconds(file: Path, key: str, value: Any) -> int:
    _check(file, key, value, int, "meeting_type_seconds")
    if not MIN_SECONDS <= value <= MAX_SECONDS:
        raise ConfigError(file, key, t("meeting_seconds_range", low=MIN_SECONDS, high=MAX_SECONDS, value=value))
    return int(value)


def load_meeting(file: Path, campaigns: dict[int, Campaign] | None = None, kinds: dict[str, tuple[str, ...]] | None = None) -> Meeting:
    """Parse and validate one meeting file.

    `kinds` maps each registered slide kind to the keys it needs; `campaigns` lets indicator codes be
    checked against the year's catalogue. Both are passed in so this module stays free of the
    slide registry and of the store.
    """
    raw = read_toml(file)
    for key in ("title", "year", "slides"):
        if key not in raw:
            raise ConfigError(file, key, t("cfg_missing"))
    title = _check(file, "title", raw["title"], str, "meeting_type_text")
    year = _check(file, "year", raw["year"], int, "meeting_type_year")
    period = _choice(file, "period", raw.get("period", "year"), PERIODS)
    block = _choice(file, "block", raw.get("block", "ALL"), BLOCKS)
    seconds = _seconds(file, "seconds", raw.get("seconds", 15))
    variant = _choice(file, "variant", raw.get("variant", "light"), VARIANTS)
    campaign = (campaigns or {}).get(year)
    if campaigns is not None and campaign is None:
        raise ConfigError(file, "year", t("meeting_no_campaign", year=year))
    rows = raw["slides"]
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        raise ConfigError(file, "slides", t("meeting_no_slides"))
    slides = tuple(_slide(file, f"slides[{i + 1}]", row, campaign, kinds) for i, row in enumerate(rows))
    recipients, send_at = _mail(file, raw.get("mail", {}))
    cutoff = _cutoff(file, raw["cutoff"]) if "cutoff" in raw else None
    return Meeting(
        file.stem,
        title,
        year,
        period,
        block,
        seconds,
        variant,
        slides,
        str(file),
        cutoff=cutoff,
        recipients=recipients,
        send_at=send_at,
    )


def _mail(file: Path, raw: Any) -> tuple[tuple[str, ...], datetime | None]:
    """The optional [mail] table: `to` (addresses) and `send_at` (a local date and time, or a date: 07:00)."""
    if not isinstance(raw, dict):
        raise ConfigError(file, "mail", t("cfg_not_tables"))
    to = raw.get("to", [])
    if not isinstance(to, list) or not all(isinstance(a, str) for a in to):
        raise ConfigError(file, "mail.to", t("meeting_mail_to"))
    for i, address in enumerate(to):
        if not is_address(address):
            raise ConfigError(file, f"mail.to[{i + 1}]", t("meeting_mail_address", value=address))
    when = raw.get("send_at")
    if isinstance(when, date) and not isinstance(when, datetime):
        when = datetime.combine(when, time(7, 0))
    if when is not None and (not isinstance(when, datetime) or when.tzinfo is not None):
        raise ConfigError(file, "mail.send_at", t("meeting_mail_send_at", value=when))
    if when is not None and not to:
        raise ConfigError(file, "mail.to", t("meeting_mail_to"))
    return tuple(a.strip().lower() for a in to), when


def _cutoff(file: Path, value: Any) -> datetime:
    """`cutoff = 2016-06-15T17:00:00` (a TOML date-time) or "2016-06-15 17:00"; a date alone means its end."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, 23, 59, 59)
    if isinstance(value, str):
        try:
            return datetime.strptime(value.strip(), "%Y-%m-%d %H:%M")
        except ValueError:
            pass
    raise ConfigError(file, "cutoff", t("as_of_bad", value=value))


def _slide(file: Path, key: str, row: dict[str, Any], campaign: Campaign | None, kinds: dict[str, tuple[str, ...]] | None) -> SlideSpec:
    if "kind" not in row:
        raise ConfigError(file, f"{key}.kind", t("cfg_missing"))
    kind = _check(file, f"{key}.kind", row["kind"], str, "meeting_type_text")
    if kinds is not None:
        if kind not in kinds:
            raise ConfigError(file, f"{key}.kind", t("meeting_unknown_kind", kind=kind, kinds=", ".join(sorted(kinds))))
        for needed in kinds[kind]:
            if needed not in row:
                raise ConfigError(file, f"{key}.{needed}", t("meeting_kind_needs", kind=kind))
    title = row.get("title")
    if title is not None:
        _check(file, f"{key}.title", title, str, "meeting_type_text")
    seconds = _seconds(file, f"{key}.seconds", row["seconds"]) if "seconds" in row else None
    period = _choice(file, f"{key}.period", row["period"], PERIODS) if "period" in row else None
    block = _choice(file, f"{key}.block", row["block"], BLOCKS) if "block" in row else None
    indicator = row.get("indicator")
    if indicator is not None:
        _check(file, f"{key}.indicator", indicator, str, "meeting_type_indicator")
        if campaign is not None and indicator not in {i.code for i in campaign.indicators}:
            raise ConfigError(file, f"{key}.indicator", t("meeting_unknown_indicator", indicator=indicator, year=campaign.year))
    options = {k: v for k, v in row.items() if k not in _SLIDE_KEYS}
    return SlideSpec(kind, title, seconds, period, block, indicator, options)


def load_meetings(
    directory: Path, campaigns: dict[int, Campaign] | None = None, kinds: dict[str, tuple[str, ...]] | None = None
) -> dict[str, Meeting]:
    """Every meeting file in a folder, by name (file stem), in file-name order."""
    if not directory.is_dir():
        return {}
    return {f.stem: load_meeting(f, campaigns, kinds) for f in sorted(directory.glob("*.toml"))}


def pick_meeting(meetings: dict[str, Meeting], name: str | None, year: int | None, period: str | None) -> Meeting | None:
    """The meeting a URL asks for: by name, else the one for that year and period (phase 1 → the
    sơ kết, anything else → the tổng kết), else the first for the year, else None."""
    if name and name in meetings:
        return meetings[name]
    candidates = [m for m in meetings.values() if year is None or m.year == year]
    if not candidates:
        return None
    wanted = period if period in ("P1", "P2") else "year"
    for meeting in candidates:
        if meeting.period == wanted:
            return meeting
    return candidates[0]
