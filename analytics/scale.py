"""Synthetic stores at chosen scale, for the benchmark (bench/run.py) and capacity checks.

A scale store is a folder holding everything a deployment has: `units.csv` (the registry),
`campaigns/YYYY.toml` (one campaign per year, the shipped 2016 file re-dated, plus extra synthetic
indicators when more are asked for) and `thidua.duckdb`. It is opened exactly like the real store
(`THIDUA_DB`, `THIDUA_UNITS`, `THIDUA_CAMPAIGNS`), so bootstrap syncs that configuration into it
the same way. Presets:

- cluster: the 22 shipped units, 2016–2018 (three years, so the year-over-year page has something to compare), the shipped catalogue;
- national: about 1,000 units × 10 years × 40 reported indicators ≈ 1.6 M result rows and
  10,000 communes in the registers.

Every value is flagged is_demo, so the dashboard labels it "Dữ liệu minh họa".
"""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from analytics import demo
from analytics.bootstrap import open_store
from analytics.communes import replace_register
from analytics.config import Campaign, load_campaigns
from analytics.history import apply_values, record_upload
from analytics.labels import t
from analytics.registry import COLUMNS, Unit, load_units
from analytics.settings import DATA_DIR, Settings
from analytics.store import Cursor, Store
from analytics.years.campaigns import next_year_text

BASE_YEAR = 2016


@dataclass(frozen=True)
class ScaleSpec:
    """How big a synthetic store is.

    `indicators` is the number of indicators each unit reports per quarter (on average over the
    two blocks); 0 keeps the shipped catalogue. Above it, ALL-block synthetic indicators are added.
    """

    units: int
    years: int
    indicators: int = 0
    communes: int = 0
    seed: int = 7


PRESETS: dict[str, ScaleSpec] = {
    "cluster": ScaleSpec(units=22, years=3, indicators=0, communes=0),
    "national": ScaleSpec(units=1000, years=10, indicators=40, communes=10_000),
}


@dataclass(frozen=True)
class ScaleStore:
    folder: Path
    settings: Settings
    facts: int
    communes: int

    def env(self) -> dict[str, str]:
        """Environment variables that point the dashboard and the CLI at this store."""
        return {
            "THIDUA_DB": str(self.settings.db_path),
            "THIDUA_UNITS": str(self.settings.units_file),
            "THIDUA_CAMPAIGNS": str(self.settings.campaigns_dir),
            "THIDUA_DEMO": "0",
        }


def settings_for(folder: Path) -> Settings:
    return Settings(
        db_path=folder / "thidua.duckdb",
        units_file=folder / "units.csv",
        campaigns_dir=folder / "campaigns",
        load_demo_when_new=False,
    )


def synthetic_units(count: int) -> list[Unit]:
    """The shipped registry first, then made-up provincial and district units, alternating blocks."""
    # Names and province kinds imitate what the secretariat writes in units.csv: data, not program text.
    shipped = load_units(DATA_DIR / "units.csv")
    kept = list(dict.fromkeys(u.code for u in shipped))[:count]
    units = [u for u in shipped if u.code in kept]
    for i in range(len(kept), count):
        n = i + 1
        province = f"Tỉnh mẫu {(n // 16) + 1:02d}"
        stp = i % 2 == 0
        code = f"{'STP' if stp else 'THADS'}_M{n:04d}"
        name = f"{'Phòng Tư pháp' if stp else 'Chi cục THADS'} mẫu số {n:04d}, {province}"
        short = f"{'PTP' if stp else 'CC THADS'} {n:04d}"
        block = "STP" if stp else "THADS"
        units.append(Unit(code, name, short, province, "tỉnh", block, date(BASE_YEAR, 1, 1), None, None, t("note_scale_unit")))
    return units


def write_units(units: list[Unit], file: Path) -> None:
    # Not analytics.downloads: this is the registry file `load_units` reads for the bench store, not a download.
    with file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for u in units:
            writer.writerow(
                [
                    u.code,
                    u.name,
                    u.short_name,
                    u.province,
                    u.province_kind,
                    u.block,
                    u.valid_from,
                    u.valid_to or "",
                    u.successor or "",
                    u.parent,
                    "1" if u.illustrative else "",
                    u.note,
                ]
            )


def _reported_per_unit(campaign: Campaign) -> float:
    inputs = campaign.input_indicators()
    return sum(1 for i in inputs if i.applies_to("STP")) / 2 + sum(1 for i in inputs if i.applies_to("THADS")) / 2


def extra_indicator_codes(base: Campaign, indicators: int) -> list[str]:
    """Codes of the synthetic indicators that bring the average reported count up to `indicators`."""
    extra = max(0, round(indicators - _reported_per_unit(base)))
    return [f"mau_{k + 1:02d}" for k in range(extra)]


def write_campaigns(years: list[int], extra: list[str], folder: Path) -> None:
    """The shipped 2016 campaign re-dated for each year, with the extra indicators appended."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (DATA_DIR / "campaigns" / f"{BASE_YEAR}.toml").read_text(encoding="utf-8")
    blocks = []
    for k, code in enumerate(extra):
        kind = "flow" if k % 2 == 0 else "stock"
        label, label_en = t("scale_indicator", number=k + 1), t("scale_indicator", "en", number=k + 1)
        # "việc" (cases) is a unit of measure as the shipped catalogue writes it: catalogue data, not program text.
        blocks.append(
            f'\n[[indicators]]\ncode = "{code}"\nlabel = "{label}"\n'
            f'label_en = "{label_en}"\nunit = "việc"\nblock = "ALL"\nkind = "{kind}"\ncontent = "ND9"\n'
        )
    for year in years:
        dated = next_year_text(text, BASE_YEAR, year) if year != BASE_YEAR else text
        (folder / f"{year}.toml").write_text(dated + "".join(blocks), encoding="utf-8")


def generate_values(units: list[Unit], campaigns: dict[int, Campaign], extra: list[str], seed: int) -> pd.DataFrame:
    """Long values: the demo generator's plausible figures for the shipped catalogue, numpy for the rest."""
    frames = [demo.generate(units, c) for c in campaigns.values()]
    if extra:
        rng = np.random.default_rng(seed)
        codes = np.array(list(dict.fromkeys(u.code for u in units)))  # a renamed unit has two rows
        years = np.array(sorted(campaigns))
        n_u, n_y, n_q, n_i = len(codes), len(years), 4, len(extra)
        total = n_u * n_y * n_q * n_i
        frames.append(
            pd.DataFrame(
                {
                    "unit_code": np.repeat(codes, n_y * n_q * n_i),
                    "year": np.tile(np.repeat(years, n_q * n_i), n_u),
                    "quarter": np.tile(np.repeat(np.arange(1, 5), n_i), n_u * n_y),
                    "indicator": np.tile(np.array(extra), n_u * n_y * n_q),
                    "value": rng.integers(0, 500, size=total).astype(float),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


_STATUSES = np.array(["registered", "in_progress", "achieved"])


def generate_communes(units: list[Unit], years: list[int], count: int, seed: int) -> pd.DataFrame:
    """`count` named communes spread over units, years and the two programs (unique per list)."""
    rng = np.random.default_rng(seed + 1)
    n = np.arange(count)
    codes = np.array(list(dict.fromkeys(u.code for u in units)))  # a renamed unit has two rows
    unit_idx = rng.integers(0, len(codes), size=count)
    status = _STATUSES[rng.integers(0, 3, size=count)]
    year = np.array(years)[rng.integers(0, len(years), size=count)]
    achieved_on = pd.to_datetime(pd.Series(year.astype(str)) + "-06-30")
    # Commune and district names imitate what registers hold: data, not program text.
    return pd.DataFrame(
        {
            "unit_code": codes[unit_idx],
            "year": year,
            "program": np.where(n % 3 == 0, "ntm", "xnpl"),
            "commune": [f"Xã mẫu {i + 1:05d}" for i in n],
            "district": [f"Huyện mẫu {i % 97 + 1:02d}" for i in n],
            "status": status,
            "achieved_on": achieved_on.where(status == "achieved").dt.date,
            "note": t("note_scale_commune"),
        }
    )


def build(folder: Path, spec: ScaleSpec, *, replace: bool = False) -> ScaleStore:
    """Write registry, campaigns and a filled store into `folder` (an existing store only with `replace`)."""
    settings = settings_for(folder)
    if settings.db_path.exists():
        if not replace:
            raise FileExistsError(t("scale_exists", path=settings.db_path))
        settings.db_path.unlink()
        settings.db_path.with_suffix(".duckdb.wal").unlink(missing_ok=True)
    if settings.campaigns_dir.exists():
        shutil.rmtree(settings.campaigns_dir)
    folder.mkdir(parents=True, exist_ok=True)
    units = synthetic_units(spec.units)
    write_units(units, settings.units_file)
    base = load_campaigns(DATA_DIR / "campaigns")[BASE_YEAR]
    extra = extra_indicator_codes(base, spec.indicators) if spec.indicators else []
    years = list(range(BASE_YEAR, BASE_YEAR + spec.years))
    write_campaigns(years, extra, settings.campaigns_dir)

    store = open_store(settings)
    campaigns = load_campaigns(settings.campaigns_dir)
    values = generate_values(units, campaigns, extra, spec.seed)
    if spec.communes:
        registers = generate_communes(units, years, spec.communes, spec.seed)
    else:  # the demo's own registers, consistent with its counts
        registers = pd.concat([demo.generate_communes(values, units, y) for y in years], ignore_index=True)

    def work(cur: Cursor) -> None:
        upload_id = record_upload(
            cur,
            kind="demo",
            created_by="scale",
            n_rows=len(values),
            is_demo=True,
            note=t("note_scale", units=spec.units, years=spec.years),
        )
        apply_values(cur, upload_id, values, is_demo=True)
        if not registers.empty:
            replace_register(cur, upload_id, registers, is_demo=True)
        Store.set_meta(cur, "demo_seeded", "1")

    store.write(work)
    with store.reading() as cur:
        facts = _one(cur, "SELECT count(*) FROM facts")
        communes = _one(cur, "SELECT count(*) FROM communes")
    return ScaleStore(folder, settings, facts, communes)


def _one(cur: Cursor, sql: str) -> int:
    row = cur.execute(sql).fetchone()
    assert row is not None
    return int(row[0])
