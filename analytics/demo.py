"""Synthetic but plausible quarterly figures, so a fresh install shows something real-looking.

Everything it writes is flagged is_demo and labelled "Dữ liệu minh họa" wherever it shows; one
command removes it. The generator is seeded, so the demo is the same on every machine.
"""

from __future__ import annotations

import zlib
from datetime import date, datetime

import numpy as np
import pandas as pd

from analytics.communes import replace_register
from analytics.config import ACHIEVED_BY, Campaign
from analytics.history import REAL_FIGURES_KEY, apply_values, record_upload
from analytics.labels import t
from analytics.registry import Unit, latest_versions, predecessors, units_in
from analytics.reporting.deadlines import calendar_of
from analytics.review import assessments
from analytics.store import Cursor, Store

# Place names in this module match or imitate what the registry and the commune registers hold:
# data, not program text, so they stay out of labels.
# Rough relative sizes (demo only): Hà Nội is far larger than the rest.
_SIZE = {"Hà Nội": 4.0, "Hải Phòng": 1.8, "Quảng Ninh": 1.3, "Hải Dương": 1.2, "Thái Bình": 1.2, "Nam Định": 1.2}
_COMMUNES = {
    "Bắc Ninh": 126, "Hà Nam": 116, "Hà Nội": 584, "Hải Dương": 265, "Hải Phòng": 223, "Hưng Yên": 161,
    "Nam Định": 229, "Ninh Bình": 146, "Quảng Ninh": 186, "Thái Bình": 286, "Vĩnh Phúc": 137,
}  # fmt: skip
# Units chosen to miss targets or a report, so the demo shows laggards and gaps.
NTM_LAGGARDS = ("STP_HD", "THADS_VP", "THADS_HNA")
MISSING_Q4 = "THADS_TB"
# THADS figures are cumulative within the statistical year (1 Oct – 30 Sep): the share of the
# year's enforceable cases reached by each calendar quarter's end, and completion so far.
_THADS_CASES_SHARE = {1: 0.62, 2: 0.83, 3: 1.0, 4: 0.55}
_THADS_CASE_RATE = {1: 0.38, 2: 0.55, 3: 0.74, 4: 0.18}
_THADS_MONEY_RATE = {1: 0.14, 2: 0.22, 3: 0.34, 4: 0.06}
_CARRIED_OUT_SHARE = (1.08, 1.0, 0.94, 1.1)  # of the cases carried in, by quarter end (Q4: of Q3's)
# Registration at signing: one unit never registers and one is returned with a reason, so every state
# shows; both exist in every year of the registry (no merger ends them).
UNREGISTERED = "THADS_QN"
RETURNED = "STP_BN"


def sent_at(year: int, quarter: int, now: datetime) -> datetime:
    """When the demo's reports for a quarter are recorded: the 12th of the month after it, 10:00 —
    so the 6-month review (mid-June) has Q1 only and the year-end review (early November) Q1–Q3.
    Never later than `now`: the demo of the current year must not claim an update from the future."""
    due = datetime(year + 1, 1, 12, 10) if quarter == 4 else datetime(year, 3 * quarter + 1, 12, 10)
    return min(due, now.replace(microsecond=0))


def has_ended(year: int, quarter: int, now: datetime) -> bool:
    """Whether the quarter is over by `now`: the demo holds no figures for a quarter still running."""
    return now.date() >= (date(year + 1, 1, 1) if quarter == 4 else _quarter_start(year, quarter + 1))


def generate(units: list[Unit], campaign: Campaign) -> pd.DataFrame:
    """Long frame (unit_code, year, quarter, indicator, value) for the quarters of the campaign year each
    unit existed in. After a merger the successor reports for the whole merged province, so its figures
    grow by its predecessors' sizes from the first quarter it holds them."""
    rows: list[tuple[str, int, int, str, float]] = []
    wanted_by_block = {block: {i.code for i in campaign.input_indicators() if i.applies_to(block)} for block in ("STP", "THADS")}
    for unit in units_in(units, campaign.year):
        own = _SIZE.get(unit.province, 1.0)
        merged_in = predecessors(units, unit.code)
        gone = [u for u in latest_versions(units) if u.code in merged_in and u.valid_to and u.valid_to.year <= campaign.year]
        merged = own + sum(_SIZE.get(u.province, 1.0) for u in gone)
        seed = zlib.crc32(f"{campaign.year}:{unit.code}".encode())
        alone = _unit_values(unit, np.random.default_rng(seed), own)
        together = _unit_values(unit, np.random.default_rng(seed), merged) if merged != own else alone
        for quarter in (1, 2, 3, 4):
            members = units_in(units, campaign.year, quarter)
            if unit.code not in {u.code for u in members} or (unit.code == MISSING_Q4 and quarter == 4):
                continue
            merged_now = any(u.valid_to is not None and u.valid_to < _quarter_start(campaign.year, quarter) for u in gone)
            values = together if merged_now else alone
            for code, by_quarter in values.items():
                if code in wanted_by_block[unit.block]:
                    rows.append((unit.code, campaign.year, quarter, code, float(by_quarter[quarter - 1])))
    return pd.DataFrame(rows, columns=["unit_code", "year", "quarter", "indicator", "value"])


def _quarter_start(year: int, quarter: int) -> date:
    return date(year, 3 * quarter - 2, 1)


def _unit_values(unit: Unit, rng: np.random.Generator, size: float) -> dict[str, list[float]]:
    stp = unit.block == "STP"
    v: dict[str, list[float]] = {}  # quarter 1..4 values per indicator code
    v["dien_hinh"] = list(rng.choice([0, 0, 1], size=4, p=[0.5, 0.2, 0.3]))
    groups = int(rng.integers(7, 13) if stp else rng.integers(8, 16) * min(size, 2))
    staff = int((rng.integers(45, 90) if stp else rng.integers(90, 220)) * size)
    group_short = int(rng.random() < 0.35)
    staff_short = int(rng.integers(0, 4))
    v["tap_the_tong"] = [groups] * 4
    v["tap_the_ht"] = [groups - group_short] * 4
    v["cbccvc_tong"] = [staff] * 4
    v["cbccvc_ht"] = [staff - staff_short] * 4
    ntm_final = 1 if unit.code in NTM_LAGGARDS else int(rng.integers(2, 4))
    v["xa_ntm"] = [min(ntm_final, 1), ntm_final, ntm_final, ntm_final]  # most units name their communes by mid-year
    v["hoat_dong_ntm"] = [int(x) for x in rng.integers(0, 5, size=4)]
    registered = int(rng.integers(1, 5))
    achieved = sorted(int(x) for x in rng.integers(0, registered + 1, size=4))
    v["xa_xnpl_dang_ky"] = [registered] * 4
    v["xa_xnpl_dat"] = [float(a) for a in achieved]
    sessions = rng.integers(18, 70, size=4) * size if stp else rng.integers(4, 20, size=4) * size
    v["buoi_pbgdpl"] = [round(float(s)) for s in sessions]
    v["luot_pbgdpl"] = [round(float(s) * float(rng.integers(35, 120))) for s in v["buoi_pbgdpl"]]
    if stp:
        v["ho_tich"] = [round(float(x) * size) for x in rng.integers(6000, 14000, size=4)]
        v["van_ban_tham_dinh"] = [int(x) for x in rng.integers(8, 35, size=4)]
        total = _COMMUNES.get(unit.province, 150)
        start = float(rng.uniform(0.55, 0.85))
        v["tong_so_xa"] = [total] * 4
        v["xa_tcpl_dat"] = [round(total * min(start + 0.04 * q, 1.0)) for q in range(4)]
    else:
        year_cases = float(rng.integers(2500, 6000)) * size
        year_money = float(rng.integers(250_000, 900_000)) * size
        case_skill = float(rng.uniform(-0.07, 0.07))
        money_skill = float(rng.uniform(-0.1, 0.1))
        v["viec_co_dk"] = [round(year_cases * _THADS_CASES_SHARE[q]) for q in (1, 2, 3, 4)]
        v["viec_xong"] = [round(v["viec_co_dk"][q - 1] * (_THADS_CASE_RATE[q] + case_skill)) for q in (1, 2, 3, 4)]
        v["tien_co_dk"] = [round(year_money * _THADS_CASES_SHARE[q], 1) for q in (1, 2, 3, 4)]
        v["tien_xong"] = [round(v["tien_co_dk"][q - 1] * max(_THADS_MONEY_RATE[q] + money_skill, 0.02), 1) for q in (1, 2, 3, 4)]
        decisions = [float(int(x * size)) for x in rng.integers(500, 1100, size=4)]
        v["qd_ban_hanh"] = decisions
        v["qd_dung_han"] = [d - int(rng.integers(0, 3)) for d in decisions]
        # Cases carried over: what the statistical year began with, and the running estimate of what it
        # will hand on (below the start = reduced). Q4 opens the next statistical year.
        carried_in = round(year_cases * 0.5)
        backlog_skill = float(rng.uniform(-0.06, 0.06))
        carried_out = [round(carried_in * (f + backlog_skill)) for f in _CARRIED_OUT_SHARE[:3]]
        v["viec_chuyen_ky_truoc"] = [float(carried_in)] * 3 + [float(carried_out[2])]
        v["viec_chuyen_ky_sau"] = [float(x) for x in (*carried_out, round(carried_out[2] * _CARRIED_OUT_SHARE[3]))]
    return v


_COMMUNE_NAMES = (
    "Tân Tiến", "Đông Hưng", "Hòa Bình", "Quyết Thắng", "Thống Nhất", "Minh Khai", "Hồng Phong", "Quang Trung",
    "Nghĩa Hưng", "Yên Phú", "An Lạc", "Phú Xuân", "Đồng Tâm", "Thanh Hải", "Liên Nghĩa", "Xuân Trường",
)  # fmt: skip
_DISTRICT_NAMES = ("Đông Triều", "Tiên Lãng", "Kim Bảng", "Gia Viễn", "Vũ Thư", "Văn Lâm", "Yên Lạc", "Thuận Thành")


def generate_communes(facts: pd.DataFrame, units: list[Unit], year: int) -> pd.DataFrame:
    """Named NTM and legal-poverty communes consistent with the counts in `facts` (last quarter reported)."""
    rows = []
    by_code = {u.code: u for u in units}
    latest = facts[facts["year"] == year].sort_values("quarter").groupby(["unit_code", "indicator"])["value"].last()
    for code in sorted(facts.loc[facts["year"] == year, "unit_code"].unique()):
        rng = np.random.default_rng(zlib.crc32(f"communes:{year}:{code}".encode()))
        names = list(rng.permutation(_COMMUNE_NAMES))
        district = f"Huyện {_DISTRICT_NAMES[int(rng.integers(len(_DISTRICT_NAMES)))]}"
        note = t("note_demo_commune", unit=by_code[code].short_name)
        ntm = int(latest.get((code, "xa_ntm"), 0))
        registered = int(latest.get((code, "xa_xnpl_dang_ky"), 0))
        achieved = int(latest.get((code, "xa_xnpl_dat"), 0))
        for i in range(ntm):
            status = "achieved" if i == 0 and rng.random() < 0.4 else "in_progress"
            rows.append((code, year, "ntm", f"Xã {names.pop()}", district, status, None, note))
        for i in range(registered):
            done = i < achieved
            achieved_on = pd.Timestamp(year, int(rng.integers(3, 12)), 15) if done else None
            status = "achieved" if done else ("in_progress" if i % 2 else "registered")
            rows.append((code, year, "xnpl", f"Xã {names.pop()}", district, status, achieved_on, note))
    columns = ["unit_code", "year", "program", "commune", "district", "status", "achieved_on", "note"]
    return pd.DataFrame(rows, columns=columns)


class RealFiguresError(RuntimeError):
    """The store holds, or once held, real figures: demo values would mix with them."""


def store_is_new(cur: Cursor) -> bool:
    """Nothing was ever stored in it: no upload of any kind (a removed demo leaves its trace), no
    value, no commune, and never a real figure — the only store that demo data may be seeded into."""
    row = cur.execute(
        "SELECT NOT (EXISTS (SELECT 1 FROM uploads) OR EXISTS (SELECT 1 FROM facts) OR EXISTS (SELECT 1 FROM communes)"
        " OR EXISTS (SELECT 1 FROM assessments)"
        " OR EXISTS (SELECT 1 FROM meta WHERE key IN ('demo_seeded', ?)))",
        [REAL_FIGURES_KEY],
    ).fetchone()
    return bool(row and row[0])


def held_real_figures(cur: Cursor) -> bool:
    """Whether a real upload (results or a commune register) was ever stored, even if since removed."""
    return cur.execute("SELECT EXISTS (SELECT 1 FROM meta WHERE key = ?)", [REAL_FIGURES_KEY]).fetchone() == (True,)


def seed_new_store(store: Store, units: list[Unit], campaigns: dict[int, Campaign], now: datetime) -> int | None:
    """The demo dataset, only into a brand-new, empty store (decided again in the writing transaction,
    in case another process seeded or uploaded meanwhile). Every process start asks, so the usual
    answer is read without writing: a write would bump the data version and empty every page's cache."""
    with store.reading() as cur:
        if not store_is_new(cur):
            return None
    frame = _frame(units, campaigns, now)
    return store.write(lambda cur: _write(cur, frame, units, campaigns, now) if store_is_new(cur) else None)


def load(store: Store, units: list[Unit], campaigns: dict[int, Campaign], now: datetime) -> int | None:
    """Write the demo dataset for every configured year, the quarters ended by `now` only, one upload
    per quarter dated when it would have been sent (the commune registers with the year's last one);
    marks the store as seeded. Returns the last upload's id.

    Raises RealFiguresError (nothing written) when the store holds or ever held real figures."""
    frame = _frame(units, campaigns, now)

    def work(cur: Cursor) -> int | None:
        if held_real_figures(cur):
            raise RealFiguresError(t("demo_refused_real_figures"))
        return _write(cur, frame, units, campaigns, now)

    return store.write(work)


def _frame(units: list[Unit], campaigns: dict[int, Campaign], now: datetime) -> pd.DataFrame:
    """Every year's figures for the quarters ended by `now` (a sample file may still show any quarter)."""
    frames = [generate(units, c) for c in campaigns.values()]
    if not frames:
        return pd.DataFrame()
    frame = pd.concat(frames, ignore_index=True)
    ended = [has_ended(int(y), int(q), now) for y, q in zip(frame["year"], frame["quarter"], strict=True)]
    return frame[ended].reset_index(drop=True)


def _write(cur: Cursor, frame: pd.DataFrame, units: list[Unit], campaigns: dict[int, Campaign], now: datetime) -> int | None:
    Store.set_meta(cur, "demo_seeded", "1")
    upload_id = None
    if frame.empty:
        return upload_id
    for (year, quarter), part in frame.groupby(["year", "quarter"], sort=True):
        upload_id = record_upload(
            cur, kind="demo", created_by="demo", n_rows=len(part), is_demo=True, note=t("note_demo"),
            created_at=sent_at(int(year), int(quarter), now),
        )  # fmt: skip
        apply_values(cur, upload_id, part, is_demo=True)
        if quarter == frame.loc[frame["year"] == year, "quarter"].max():
            communes = generate_communes(frame, units, int(year))
            if not communes.empty:
                replace_register(cur, upload_id, communes, is_demo=True)
    for campaign in campaigns.values():
        _self_assessments(cur, units, campaign)
        registrations = generate_registrations(frame, units, campaign, now)
        if not registrations.empty:
            cur.register("demo_registrations", registrations)
            # A unit's own registration (kept when an earlier demo was removed) is never overwritten.
            cur.execute(
                "INSERT INTO registrations BY NAME SELECT d.*, true AS is_demo FROM demo_registrations d"
                " WHERE NOT EXISTS (SELECT 1 FROM registrations r WHERE r.unit_code = d.unit_code AND r.year = d.year)"
            )
            cur.unregister("demo_registrations")
    return upload_id


def generate_registrations(facts: pd.DataFrame, units: list[Unit], campaign: Campaign, now: datetime) -> pd.DataFrame:
    """Each unit's registration at signing, approved: targets equal to what its demo figures achieve in
    the year (so far), one target set one higher for about a third of the units (by a hash of the code)
    so that some miss; titles the ones the year-end vote asks a registration for, the higher title
    (one that `requires` another) for about half the units. UNREGISTERED has none, RETURNED waits
    for the new-rural communes its reason asks it to name. Commune names come from the demo commune registers."""
    year = campaign.year
    facts = facts[facts["year"] == year]
    communes = generate_communes(facts, units, year) if not facts.empty else pd.DataFrame(columns=["unit_code", "program", "commune"])
    registrable = {title.code for title in calendar_of(campaign).titles}
    updated_at = min(datetime(year, 1, 31, 9), now.replace(microsecond=0))  # signed early in the year
    rows = []
    flows = {i.code for i in campaign.indicators if i.kind == "flow"}
    for unit in units_in(units, year):
        if unit.code == UNREGISTERED:
            continue
        mine = facts[facts["unit_code"] == unit.code].sort_values("quarter")
        counts: dict[str, int] = {}
        for target, code in ACHIEVED_BY.items():
            values = mine.loc[mine["indicator"] == code, "value"]
            if values.empty:
                counts[target] = 0
                continue
            counts[target] = int(values.sum() if code in flows else values.iloc[-1])
        seed = zlib.crc32(f"registration:{year}:{unit.code}".encode())
        if seed % 3 == 0:
            counts["ntm"] += 1
        names = {
            program: tuple(communes.loc[(communes["unit_code"] == unit.code) & (communes["program"] == program), "commune"])
            for program in ("ntm", "xnpl")
        }
        titles = [
            title.registration
            for title in campaign.titles
            if title.registration in registrable and title.applies_to(unit.block) and (not title.requires or seed % 2 == 0)
        ]
        returned = unit.code == RETURNED
        rows.append(
            {
                "unit_code": unit.code, "year": year, "titles": list(dict.fromkeys(titles)),
                "ntm_count": counts["ntm"], "ntm_names": [] if returned else list(names["ntm"][: counts["ntm"]]),
                "models_count": counts["models"], "models_names": [],
                "xnpl_count": counts["xnpl"], "xnpl_names": list(names["xnpl"][: counts["xnpl"]]),
                "state": "returned" if returned else "approved", "reason": t("demo_reg_returned_reason") if returned else None,
                "updated_at": updated_at, "updated_by": "demo",
            }
        )  # fmt: skip
    return pd.DataFrame(rows)


def _self_assessments(cur: Cursor, units: list[Unit], campaign: Campaign) -> None:
    """Every unit's own points on the rubric's manual criteria, not yet reviewed: full marks, or one
    point less for about a third of the units (by a hash of the code, the same on every machine)."""
    if campaign.rubric is None:
        return
    for unit in units:
        if not unit.active_in(campaign.year):
            continue
        for c in campaign.rubric.manual():
            if not c.applies_to(unit.block):
                continue
            points = c.max_points - (1 if zlib.crc32(unit.code.encode()) % 3 == 0 else 0)
            assessments.add_step(cur, campaign.year, unit.code, c.code, "self", points, t("demo_self_note"), "demo", is_demo=True)


def remove(store: Store, removed_by: str) -> int:
    """Delete every demo value (kept in history as a 'demo_remove' upload); returns values removed."""
    return store.write(lambda cur: remove_in(cur, removed_by))


def remove_in(cur: Cursor, removed_by: str) -> int:
    """`remove` inside a transaction the caller holds (an import with --replace-demo)."""
    # Never audited, never reported: removed outright, and before the early return (a year without ended
    # quarters has demo registrations and self-assessments but no demo figures).
    cur.execute("DELETE FROM assessments WHERE is_demo")
    cur.execute("DELETE FROM registrations WHERE is_demo")
    count = int(cur.execute("SELECT count(*) FROM facts WHERE is_demo").fetchall()[0][0])
    communes = int(cur.execute("SELECT count(*) FROM communes WHERE is_demo").fetchall()[0][0])
    if count == 0 and communes == 0:
        return 0
    upload_id = record_upload(cur, kind="demo_remove", created_by=removed_by, note=t("note_demo_remove"))
    cur.execute(
        "INSERT INTO fact_history SELECT ?, unit_code, year, quarter, indicator, value, NULL, upload_id FROM facts WHERE is_demo",
        [upload_id],
    )
    cur.execute("DELETE FROM facts WHERE is_demo")
    cur.execute(
        "INSERT INTO commune_history SELECT ?, unit_code, year, program, commune, district, status, achieved_on, note,"
        " upload_id, is_demo FROM communes WHERE is_demo",
        [upload_id],
    )
    cur.execute("DELETE FROM communes WHERE is_demo")
    cur.execute("UPDATE uploads SET n_values = ? WHERE id = ?", [count, upload_id])
    Store.set_meta(cur, "demo_seeded", "1")
    return count


def has_demo(cur: Cursor) -> bool:
    """Demo values, communes or registrations: any of them mixed with real figures would mislead."""
    row = cur.execute(
        "SELECT EXISTS (SELECT 1 FROM facts WHERE is_demo) OR EXISTS (SELECT 1 FROM communes WHERE is_demo)"
        " OR EXISTS (SELECT 1 FROM registrations WHERE is_demo)"
    ).fetchone()
    return bool(row and row[0])
