"""Open the store the way both the CLI and the dashboard do: migrate, sync the registry and the
campaign files into it, and seed demo data into a brand-new, empty store."""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pandas as pd

from analytics import demo
from analytics.config import Campaign, load_campaigns
from analytics.registry import Unit, in_listing_order, latest_versions, load_units, unit_span, units_in
from analytics.settings import Settings
from analytics.store import LOCK_WAIT_SECONDS, Cursor, Store
from analytics.trust import audit


def open_store(settings: Settings, *, wait_seconds: float = LOCK_WAIT_SECONDS, linger_seconds: float = 0.0) -> Store:
    """The store, ready to use. Raises ConfigError for a malformed registry or campaign file.

    Demo data goes only into a store that has never held anything (see `demo.store_is_new`): a
    THIDUA_DEMO left at its default must never mix made-up figures into a store with real ones."""
    units = load_units(settings.units_file)
    campaigns = load_campaigns(settings.campaigns_dir)
    store = Store(settings.db_path, wait_seconds=wait_seconds, linger_seconds=linger_seconds)
    sync_configuration(store, units, campaigns, _fingerprint(settings))
    if settings.load_demo_when_new:
        demo.seed_new_store(store, units, campaigns, settings.clock())
    return store


# Part of the fingerprint, so a store synced before `unit_years` existed fills it on its next start.
_SYNC_LAYOUT = b"units+unit_years"


def _fingerprint(settings: Settings) -> str:
    digest = hashlib.sha256(_SYNC_LAYOUT + settings.units_file.read_bytes())
    for file in sorted(settings.campaigns_dir.glob("*.toml")):
        digest.update(file.name.encode() + file.read_bytes())
    return digest.hexdigest()


def sync_files(store: Store, settings: Settings, *, actor: str = "system") -> bool:
    """Re-read the registry and campaign files named by `settings` into the store when they changed."""
    return sync_configuration(
        store, load_units(settings.units_file), load_campaigns(settings.campaigns_dir), _fingerprint(settings), actor=actor
    )


def sync_configuration(store: Store, units: list[Unit], campaigns: dict[int, Campaign], fingerprint: str, *, actor: str = "system") -> bool:
    """Replace registry and campaign tables when the files changed; returns whether it did."""
    if store.get_meta("config_fingerprint") == fingerprint:
        return False

    def work(cur: Cursor) -> None:
        _replace_units(cur, units, campaigns)
        for statement in _CLEAR_CAMPAIGNS:
            cur.execute(statement)
        for campaign in campaigns.values():
            _insert_campaign(cur, campaign)
        Store.set_meta(cur, "config_fingerprint", fingerprint)
        detail = {"units": len(units), "years": sorted(campaigns), "fingerprint": fingerprint[:12]}
        audit.record(cur, actor, "registry_reload", None, detail)

    store.write(work)
    return True


_CLEAR_CAMPAIGNS = (
    "DELETE FROM campaigns",
    "DELETE FROM phases",
    "DELETE FROM milestones",
    "DELETE FROM contents",
    "DELETE FROM indicators",
    "DELETE FROM targets",
)


def _replace_units(cur: Cursor, units: list[Unit], campaigns: dict[int, Campaign]) -> None:
    """`units`: each unit once (newest version, first and last year); `unit_years`: each year's members."""
    cur.execute("DELETE FROM units")
    rows = []
    for place, u in enumerate(in_listing_order(latest_versions(units))):
        first, last = unit_span(units, u.code)
        years = [first.year, last and last.year]
        rows.append([u.code, u.name, u.short_name, u.province, u.province_kind, u.block, *years, u.successor, u.note, place])
    cur.executemany(
        "INSERT INTO units (code, name, short_name, province, province_kind, block, valid_from, valid_to, successor, note, listing_order)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    cur.execute("DELETE FROM unit_years")
    first_year = min(u.valid_from.year for u in units)
    last_year = max([*campaigns, date.today().year, *(u.valid_to.year for u in units if u.valid_to)]) + 1
    members = pd.DataFrame([{"year": year, **asdict(u)} for year in range(first_year, last_year + 1) for u in units_in(units, year)])
    cur.register("member_rows", members)
    cur.execute("INSERT INTO unit_years BY NAME SELECT * FROM member_rows")
    cur.unregister("member_rows")


def _insert_campaign(cur: Cursor, c: Campaign) -> None:
    cur.execute(
        "INSERT INTO campaigns VALUES (?, ?, ?, ?, ?, ?, ?)",
        [c.year, c.cluster, c.theme, c.head_unit, c.signing_date, c.signing_place, Path(c.source).name],
    )
    cur.executemany(
        "INSERT INTO phases VALUES (?, ?, ?, ?, ?, ?)",
        [[c.year, p.number, p.name, p.start, p.end, list(p.quarters)] for p in c.phases],
    )
    if c.milestones:
        cur.executemany("INSERT INTO milestones VALUES (?, ?, ?, ?, ?)", [[c.year, m.date, m.name, m.place, m.note] for m in c.milestones])
    cur.executemany(
        "INSERT INTO contents (year, code, title, placeholder, short_title) VALUES (?, ?, ?, ?, ?)",
        [[c.year, k.code, k.title, k.placeholder, k.short or None] for k in c.contents],
    )
    indicators = pd.DataFrame(
        [
            {
                "year": c.year,
                "position": pos,
                "code": i.code,
                "label": i.label,
                "label_en": i.label_en,
                "unit": i.unit,
                "block": i.block,
                "kind": i.kind,
                "content": i.content,
                "numerator": i.numerator,
                "denominator": i.denominator,
                "basis": i.basis,
                "higher_is_better": i.higher_is_better,
                "annual": i.annual,
                "share": i.share,
            }
            for pos, i in enumerate(c.indicators)
        ]
    )
    cur.register("indicator_rows", indicators)
    cur.execute("INSERT INTO indicators BY NAME SELECT * FROM indicator_rows")
    cur.unregister("indicator_rows")
    if c.targets:
        cur.executemany(
            "INSERT INTO targets VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [[c.year, t.indicator, t.block, t.unit, t.min, t.max, t.period, t.illustrative] for t in c.targets],
        )
