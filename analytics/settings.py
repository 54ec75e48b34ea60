"""Paths and switches read once from the environment, then passed in explicitly."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"


@dataclass(frozen=True)
class Settings:
    db_path: Path
    units_file: Path
    campaigns_dir: Path
    load_demo_when_new: bool
    meetings_dir: Path = DATA_DIR / "meetings"  # slide lists of the meeting-room projection
    backups_dir: Path | None = None  # default: a "backups" folder next to the store
    # What "now" is for the demo dataset: its figures stop at the last quarter ended by then. Tests pin it
    # so a store of the current year's demo is the same whatever day they run.
    clock: Callable[[], datetime] = datetime.now

    @property
    def backups_root(self) -> Path:
        return self.backups_dir or self.db_path.parent / "backups"


def from_env(env: dict[str, str] | None = None) -> Settings:
    """THIDUA_DB moves the store (tests and CI use temporary files); THIDUA_DEMO=0 starts empty."""
    env = dict(os.environ) if env is None else env
    return Settings(
        db_path=Path(env.get("THIDUA_DB") or DATA_DIR / "thidua.duckdb"),
        units_file=Path(env.get("THIDUA_UNITS") or DATA_DIR / "units.csv"),
        campaigns_dir=Path(env.get("THIDUA_CAMPAIGNS") or DATA_DIR / "campaigns"),
        load_demo_when_new=env.get("THIDUA_DEMO", "1") not in ("0", "false", "no"),
        meetings_dir=Path(env.get("THIDUA_MEETINGS") or DATA_DIR / "meetings"),
        backups_dir=Path(env["THIDUA_BACKUPS"]) if env.get("THIDUA_BACKUPS") else None,
    )
