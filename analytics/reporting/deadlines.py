"""Deadlines and the registrable titles, read from a campaign file's [calendar] and [registration] tables.

Both tables are optional: a year without them has no deadlines (every quarter is just reported or not)
and no registration. A malformed table is a ConfigError naming file, key and problem, like the rest of
the campaign file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from analytics.config import Campaign, ConfigError, _Reader
from analytics.labels import t


@dataclass(frozen=True)
class Title:
    code: str
    name: str


@dataclass(frozen=True)
class Calendar:
    year: int
    quarter_deadlines: dict[int, date]
    registration_deadline: date | None
    illustrative: bool  # dates not taken from an official plan: said on screen
    titles: tuple[Title, ...]
    titles_illustrative: bool

    def deadline(self, quarter: int) -> date | None:
        return self.quarter_deadlines.get(quarter)


def calendar_of(campaign: Campaign) -> Calendar:
    """The year's calendar; raises ConfigError for a malformed [calendar] or [registration] table."""
    file = Path(campaign.source)
    raw_calendar = campaign.extra.get("calendar", {})
    raw_registration = campaign.extra.get("registration", {})
    for key, raw in (("calendar", raw_calendar), ("registration", raw_registration)):
        if not isinstance(raw, dict):
            raise ConfigError(file, key, t("cfg_not_tables"))
    cal = _Reader(file, raw_calendar, "calendar")
    deadlines: dict[int, date] = {}
    for r in cal.tables("deadlines"):
        quarter = r.get("quarter", int)
        when = r.get("date", date)
        if quarter not in (1, 2, 3, 4):
            raise ConfigError(file, f"{r.prefix}.quarter", t("up_bad_quarter"))
        if quarter in deadlines:
            raise ConfigError(file, f"{r.prefix}.quarter", t("cal_duplicate_quarter", quarter=quarter))
        if when.year not in (campaign.year, campaign.year + 1):
            raise ConfigError(file, f"{r.prefix}.date", t("cal_date_outside_year", date=when, year=campaign.year))
        deadlines[quarter] = when
    reg = _Reader(file, raw_registration, "registration")
    titles = tuple(Title(r.get("code", str), r.get("name", str)) for r in reg.tables("titles"))
    codes = [title.code for title in titles]
    if len(set(codes)) != len(codes):
        raise ConfigError(file, "registration.titles", t("cal_duplicate_title"))
    return Calendar(
        year=campaign.year,
        quarter_deadlines=dict(sorted(deadlines.items())),
        registration_deadline=cal.get("registration_deadline", date, None),
        illustrative=cal.get("illustrative", bool, False),
        titles=titles,
        titles_illustrative=reg.get("illustrative", bool, False),
    )
