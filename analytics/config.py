"""The yearly campaign configuration (data/campaigns/YYYY.toml): phases, milestones, covenant
contents, the indicator catalogue and targets. A malformed file stops start-up with a message
naming the file, the key and the problem, because a silently wrong catalogue means wrong charts.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from analytics.labels import t

# The registered targets of a registration (đăng ký thi đua) and the indicator that measures each: the year's
# value (stock at year end, or summed) is what the unit achieved against what it registered.
ACHIEVED_BY = {"ntm": "xa_ntm", "models": "dien_hinh", "xnpl": "xa_xnpl_dat"}

KINDS = ("flow", "stock", "ratio")
BLOCK_SCOPES = ("ALL", "STP", "THADS")


def in_scope(scope: str, block: str) -> bool:
    """A rule scoped to "ALL" or to this block applies to the block's units."""
    return scope in ("ALL", block)


BASES = ("calendar", "thads")
TARGET_PERIODS = ("year", "any")


class ConfigError(ValueError):
    """A configuration file is unusable; the message is Vietnamese and names file, key, problem."""

    def __init__(self, file: Path | str, key: str, problem: str) -> None:
        self.file, self.key, self.problem = str(file), key, problem
        super().__init__(t("cfg_error", file=file, setting=key, problem=problem))


@dataclass(frozen=True)
class Phase:
    number: int
    name: str
    start: date
    end: date
    quarters: tuple[int, ...]


@dataclass(frozen=True)
class Milestone:
    date: date
    name: str
    place: str = ""
    note: str = ""


@dataclass(frozen=True)
class Content:
    code: str
    title: str
    placeholder: bool = False
    short: str = ""  # a few words for a chart's column; empty: charts use the title


def counts_whole(unit: str) -> bool:
    """Whether figures in `unit` count things (xã, mô hình, buổi) and so are whole numbers; money
    (triệu đồng) and percentages may have decimals."""
    # "đồng" matches the catalogue's money units as the campaign files write them.
    return "đồng" not in unit and unit != "%"


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    label_en: str
    unit: str
    block: str
    kind: str
    content: str
    numerator: str | None = None
    denominator: str | None = None
    basis: str = "calendar"
    higher_is_better: bool = True
    annual: bool = False  # compared for the whole year only, never per phase or quarter
    share: bool = True  # a ratio whose numerator is part of its denominator (False: a comparison, may pass 100%)

    def applies_to(self, block: str) -> bool:
        return in_scope(self.block, block)


@dataclass(frozen=True)
class Target:
    indicator: str
    min: float | None
    max: float | None
    block: str | None = None
    unit: str | None = None
    period: str = "year"
    illustrative: bool = False


@dataclass(frozen=True)
class Crosswalk:
    """An indicator whose code or definition changed: this year's `indicator` continues `previous`."""

    indicator: str
    previous: str
    note: str = ""


@dataclass(frozen=True)
class Campaign:
    year: int
    cluster: str
    theme: str
    head_unit: str | None
    signing_date: date | None
    signing_place: str
    phases: tuple[Phase, ...]
    milestones: tuple[Milestone, ...]
    contents: tuple[Content, ...]
    indicators: tuple[Indicator, ...]
    targets: tuple[Target, ...]
    source: str
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    rubric: Rubric | None = None
    titles: tuple[Title, ...] = ()

    def title(self, code: str) -> Title:
        for found in self.titles:
            if found.code == code:
                return found
        raise KeyError(code)

    crosswalk: tuple[Crosswalk, ...] = ()

    def indicator(self, code: str) -> Indicator:
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise KeyError(code)

    def input_indicators(self) -> list[Indicator]:
        """Indicators a unit reports (ratios are computed, never uploaded)."""
        return [i for i in self.indicators if i.kind != "ratio"]

    def phase_quarters(self, period: str) -> tuple[int, ...]:
        """Quarters a period covers: 'year', 'P1'/'P2' or 'Q1'..'Q4'."""
        if period == "year":
            return (1, 2, 3, 4)
        if period.startswith("P"):
            for phase in self.phases:
                if f"P{phase.number}" == period:
                    return phase.quarters
        if period in ("Q1", "Q2", "Q3", "Q4"):
            return (int(period[1]),)
        raise ValueError(t("cfg_bad_period", period=period))


class _Reader:
    """Reads typed values out of one TOML table, raising ConfigError with the full key path."""

    def __init__(self, file: Path, table: dict[str, Any], prefix: str) -> None:
        self.file, self.table, self.prefix = file, table, prefix

    def _key(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def get(self, name: str, kind: type | tuple[type, ...], default: Any = ..., choices: tuple = ()) -> Any:
        if name not in self.table:
            if default is ...:
                raise ConfigError(self.file, self._key(name), t("cfg_missing"))
            return default
        value = self.table[name]
        if isinstance(value, bool) and kind in (int, float, (int, float)):
            raise ConfigError(self.file, self._key(name), t("cfg_not_number", value=value))
        if not isinstance(value, kind):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise ConfigError(self.file, self._key(name), t("cfg_wrong_type", kind=names, value=value))
        if choices and value not in choices:
            raise ConfigError(self.file, self._key(name), t("cfg_not_choice", choices=", ".join(choices), value=value))
        return value

    def tables(self, name: str) -> list[_Reader]:
        items = self.table.get(name, [])
        if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
            raise ConfigError(self.file, self._key(name), t("cfg_not_tables"))
        return [_Reader(self.file, item, f"{self._key(name)}[{i + 1}]") for i, item in enumerate(items)]


def read_toml(file: Path) -> dict[str, Any]:
    """A configuration file's content; unreadable TOML or a non-UTF-8 file is a ConfigError."""
    try:
        return tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(file, t("cfg_key_syntax"), t("cfg_bad_toml", error=exc)) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(file, t("cfg_key_encoding"), t("cfg_not_utf8")) from exc


def load_campaign(file: Path) -> Campaign:
    """Parse and validate one campaign file."""
    raw = read_toml(file)
    root = _Reader(file, raw, "")
    year = root.get("year", int)
    if str(year) != file.stem:
        raise ConfigError(file, "year", t("cfg_year_file", year=year, name=file.name))

    signing = _Reader(file, raw.get("signing", {}), "signing")
    phases = tuple(
        Phase(
            number=r.get("number", int),
            name=r.get("name", str),
            start=r.get("start", date),
            end=r.get("end", date),
            quarters=tuple(r.get("quarters", list)),
        )
        for r in root.tables("phases")
    )
    _check_phases(file, year, phases)
    milestones = tuple(
        Milestone(r.get("date", date), r.get("name", str), r.get("place", str, ""), r.get("note", str, ""))
        for r in root.tables("milestones")
    )
    contents = tuple(
        Content(r.get("code", str), r.get("title", str), r.get("placeholder", bool, False), r.get("short", str, ""))
        for r in root.tables("contents")
    )
    indicators = tuple(_indicator(r) for r in root.tables("indicators"))
    _check_catalogue(file, contents, indicators)
    targets = tuple(_target(r) for r in root.tables("targets"))
    codes = {i.code for i in indicators}
    for i, tg in enumerate(targets):
        if tg.indicator not in codes:
            raise ConfigError(file, f"targets[{i + 1}].indicator", t("cfg_unknown_indicator", code=tg.indicator))
    known = {
        "year",
        "cluster",
        "theme",
        "head_unit",
        "signing",
        "phases",
        "milestones",
        "contents",
        "indicators",
        "targets",
        "scoring",
        "titles",
        "crosswalk",
    }
    crosswalk = tuple(Crosswalk(r.get("indicator", str), r.get("previous", str), r.get("note", str, "")) for r in root.tables("crosswalk"))
    for i, link in enumerate(crosswalk):
        if link.indicator not in codes:
            raise ConfigError(file, f"crosswalk[{i + 1}].indicator", t("cfg_unknown_indicator", code=link.indicator))
    rubric = _rubric(file, raw["scoring"], contents, indicators) if "scoring" in raw else None
    raw_registration = raw.get("registration", {})
    registrable = (
        {str(x.get("code")) for x in raw_registration.get("titles", []) if isinstance(x, dict)}
        if isinstance(raw_registration, dict)
        else set()
    )
    titles = _titles(file, root.tables("titles"), registrable)
    return Campaign(
        year=year,
        cluster=root.get("cluster", str, ""),
        theme=root.get("theme", str, ""),
        head_unit=root.get("head_unit", str, None),
        signing_date=signing.get("date", date, None),
        signing_place=signing.get("place", str, ""),
        phases=phases,
        milestones=milestones,
        contents=contents,
        indicators=indicators,
        targets=targets,
        source=str(file),
        extra={k: v for k, v in raw.items() if k not in known},
        rubric=rubric,
        titles=titles,
        crosswalk=crosswalk,
    )


def _indicator(r: _Reader) -> Indicator:
    kind = r.get("kind", str, choices=KINDS)
    ind = Indicator(
        code=r.get("code", str),
        label=r.get("label", str),
        label_en=r.get("label_en", str, ""),
        unit=r.get("unit", str, ""),
        block=r.get("block", str, "ALL", choices=BLOCK_SCOPES),
        kind=kind,
        content=r.get("content", str),
        numerator=r.get("numerator", str, None),
        denominator=r.get("denominator", str, None),
        basis=r.get("basis", str, "calendar", choices=BASES),
        higher_is_better=r.get("higher_is_better", bool, True),
        annual=r.get("annual", bool, False),
        share=r.get("share", bool, True),
    )
    if not ind.code.isascii() or not ind.code.replace("_", "").isalnum() or not ind.code[0].isalpha():
        raise ConfigError(r.file, r._key("code"), t("cfg_bad_code", code=ind.code))
    if kind == "ratio" and not (ind.numerator and ind.denominator):
        raise ConfigError(r.file, r._key("numerator"), t("cfg_ratio_parts"))
    return ind


def _target(r: _Reader) -> Target:
    tg = Target(
        indicator=r.get("indicator", str),
        min=r.get("min", (int, float), None),
        max=r.get("max", (int, float), None),
        block=r.get("block", str, None, choices=("STP", "THADS")),
        unit=r.get("unit", str, None),
        period=r.get("period", str, "year", choices=TARGET_PERIODS),
        illustrative=r.get("illustrative", bool, False),
    )
    if tg.min is None and tg.max is None:
        raise ConfigError(r.file, r._key("min"), t("cfg_target_bounds"))
    if tg.min is not None and tg.max is not None and tg.min > tg.max:
        raise ConfigError(r.file, r._key("max"), t("cfg_max_below_min", max=tg.max, min=tg.min))
    return tg


def _check_phases(file: Path, year: int, phases: tuple[Phase, ...]) -> None:
    seen: set[int] = set()
    for i, ph in enumerate(phases):
        key = f"phases[{i + 1}]"
        if ph.start > ph.end or ph.start.year != year or ph.end.year != year:
            raise ConfigError(file, f"{key}.start", t("cfg_phase_dates", year=year))
        bad = [q for q in ph.quarters if q not in (1, 2, 3, 4) or q in seen]
        if bad or not ph.quarters:
            raise ConfigError(file, f"{key}.quarters", t("cfg_phase_quarters", quarters=bad or "[]"))
        seen.update(ph.quarters)


def _check_catalogue(file: Path, contents: tuple[Content, ...], indicators: tuple[Indicator, ...]) -> None:
    content_codes = {c.code for c in contents}
    by_code: dict[str, Indicator] = {}
    for i, ind in enumerate(indicators):
        key = f"indicators[{i + 1}]"
        if ind.code in by_code:
            raise ConfigError(file, f"{key}.code", t("cfg_duplicate_code", code=ind.code))
        if ind.content not in content_codes:
            raise ConfigError(file, f"{key}.content", t("cfg_unknown_content", content=ind.content))
        by_code[ind.code] = ind
    for i, ind in enumerate(indicators):
        for part in ("numerator", "denominator"):
            ref = getattr(ind, part)
            if ref is None:
                continue
            other = by_code.get(ref)
            if other is None or other.kind == "ratio":
                raise ConfigError(file, f"indicators[{i + 1}].{part}", t("cfg_part_not_count", code=ref))
            if not in_scope(other.block, ind.block):
                raise ConfigError(file, f"indicators[{i + 1}].{part}", t("cfg_part_block", code=ref, block=ind.block))


def load_campaigns(directory: Path) -> dict[int, Campaign]:
    """All campaign files in a folder, by year."""
    campaigns: dict[int, Campaign] = {}
    for file in sorted(directory.glob("*.toml")):
        campaign = load_campaign(file)
        campaigns[campaign.year] = campaign
    return campaigns


# --- scoring rubric -----------------------------------------------------------------------------
SCORING_METHODS = ("target", "linear", "steps", "manual")
ADJUSTMENT_KINDS = ("bonus", "penalty")
ADJUSTMENT_OPS = (">=", ">", "<=", "<", "missing", "incomplete")


@dataclass(frozen=True)
class Criterion:
    """One line of the points table: an indicator turned into points by an explicit rule, or (method
    "manual") a criterion figures cannot score, self-assessed by each unit and agreed by the secretariat."""

    code: str
    content: str
    label: str
    indicator: str
    block: str
    max_points: float
    method: str
    zero_at: float | None = None
    full_at: float | None = None
    steps: tuple[tuple[float, float], ...] = ()

    def applies_to(self, block: str) -> bool:
        return in_scope(self.block, block)


@dataclass(frozen=True)
class Adjustment:
    """A bonus (points added) or penalty (points taken off) triggered by one indicator."""

    code: str
    label: str
    kind: str
    indicator: str
    op: str
    points: float
    threshold: float | None = None
    block: str = "ALL"

    def applies_to(self, block: str) -> bool:
        return in_scope(self.block, block)


@dataclass(frozen=True)
class Grade:
    code: str
    label: str
    min_points: float
    require_targets: tuple[str, ...] = ()


@dataclass(frozen=True)
class FlagRule:
    """Who may be proposed for the sector flag: grade, rank within block, complete data."""

    grades: tuple[str, ...]
    max_rank: int
    require_complete: bool = True


@dataclass(frozen=True)
class RegistrationRule:
    """Points added when a unit reaches every target of its approved registration (đăng ký thi đua):
    a bonus on top of the criteria, so the points table's maximum and the grade thresholds stay as set."""

    code: str
    label: str
    points: float


@dataclass(frozen=True)
class Rubric:
    max_points: float
    criteria: tuple[Criterion, ...]
    adjustments: tuple[Adjustment, ...]
    grades: tuple[Grade, ...]  # highest threshold first
    flag: FlagRule
    tie_break: tuple[str, ...] = ()
    decimals: int = 2
    illustrative: bool = False
    note: str = ""
    registration: RegistrationRule | None = None

    def criteria_for(self, block: str) -> list[Criterion]:
        return [c for c in self.criteria if c.applies_to(block)]

    def manual(self) -> list[Criterion]:
        return [c for c in self.criteria if c.method == "manual"]


def _rubric(file: Path, raw: Any, contents: tuple[Content, ...], indicators: tuple[Indicator, ...]) -> Rubric:
    if not isinstance(raw, dict):
        raise ConfigError(file, "scoring", t("cfg_scoring_table"))
    root = _Reader(file, raw, "scoring")
    by_code = {i.code: i for i in indicators}
    content_codes = {c.code for c in contents}

    def indicator_for(r: _Reader, block: str) -> str:
        code = r.get("indicator", str)
        ind = by_code.get(code)
        if ind is None:
            raise ConfigError(file, r._key("indicator"), t("cfg_unknown_indicator", code=code))
        if not in_scope(ind.block, block):
            raise ConfigError(file, r._key("indicator"), t("cfg_criterion_block", code=code, block=ind.block, criterion_block=block))
        return code

    criteria: list[Criterion] = []
    for r in root.tables("criteria"):
        block = r.get("block", str, "ALL", choices=BLOCK_SCOPES)
        method = r.get("method", str, choices=SCORING_METHODS)
        crit = Criterion(
            code=r.get("code", str),
            content=r.get("content", str),
            label=r.get("label", str),
            indicator="" if method == "manual" else indicator_for(r, block),
            block=block,
            max_points=float(r.get("max_points", (int, float))),
            method=method,
            zero_at=_opt_float(r.get("zero_at", (int, float), None)),
            full_at=_opt_float(r.get("full_at", (int, float), None)),
            steps=_steps(r),
        )
        if crit.content not in content_codes:
            raise ConfigError(file, r._key("content"), t("cfg_unknown_content", content=crit.content))
        if crit.max_points <= 0:
            raise ConfigError(file, r._key("max_points"), t("cfg_max_points_positive"))
        if method == "linear" and (crit.zero_at is None or crit.full_at is None or crit.zero_at == crit.full_at):
            raise ConfigError(file, r._key("full_at"), t("cfg_linear_bounds"))
        if method == "steps" and not crit.steps:
            raise ConfigError(file, r._key("steps"), t("cfg_steps_missing"))
        if any(p > crit.max_points or p < 0 for _, p in crit.steps):
            raise ConfigError(file, r._key("steps"), t("cfg_step_points", max=crit.max_points))
        if any(c.code == crit.code for c in criteria):
            raise ConfigError(file, r._key("code"), t("cfg_duplicate_criterion", code=crit.code))
        criteria.append(crit)
    if not criteria:
        raise ConfigError(file, "scoring.criteria", t("cfg_no_criteria"))

    max_points = float(root.get("max_points", (int, float)))
    for block in ("STP", "THADS"):
        total = sum(c.max_points for c in criteria if c.applies_to(block))
        if abs(total - max_points) > 1e-9:
            raise ConfigError(file, "scoring.max_points", t("cfg_block_max_points", block=block, total=total, max_points=max_points))

    adjustments: list[Adjustment] = []
    for r in root.tables("adjustments"):
        block = r.get("block", str, "ALL", choices=BLOCK_SCOPES)
        adj = Adjustment(
            code=r.get("code", str),
            label=r.get("label", str),
            kind=r.get("kind", str, choices=ADJUSTMENT_KINDS),
            indicator=indicator_for(r, block),
            op=r.get("op", str, choices=ADJUSTMENT_OPS),
            points=float(r.get("points", (int, float))),
            threshold=_opt_float(r.get("threshold", (int, float), None)),
            block=block,
        )
        if adj.points <= 0:
            raise ConfigError(file, r._key("points"), t("cfg_points_positive"))
        if adj.op not in ("missing", "incomplete") and adj.threshold is None:
            raise ConfigError(file, r._key("threshold"), t("cfg_threshold_needed", op=adj.op))
        adjustments.append(adj)

    grades: list[Grade] = []
    for r in root.tables("grades"):
        grade = Grade(
            r.get("code", str), r.get("label", str), float(r.get("min_points", (int, float))), tuple(r.get("require_targets", list, []))
        )
        if not 0 <= grade.min_points <= max_points:
            raise ConfigError(file, r._key("min_points"), t("cfg_points_range", max=max_points))
        for code in grade.require_targets:
            if code not in by_code:
                raise ConfigError(file, r._key("require_targets"), t("cfg_unknown_indicator", code=code))
        grades.append(grade)
    if not grades:
        raise ConfigError(file, "scoring.grades", t("cfg_no_grades"))
    if min(g.min_points for g in grades) > 0:
        raise ConfigError(file, "scoring.grades", t("cfg_grade_zero"))

    flag_raw = _Reader(file, raw.get("flag", {}), "scoring.flag")
    flag = FlagRule(tuple(flag_raw.get("grades", list)), int(flag_raw.get("max_rank", int)), flag_raw.get("require_complete", bool, True))
    for code in flag.grades:
        if code not in {g.code for g in grades}:
            raise ConfigError(file, "scoring.flag.grades", t("cfg_unknown_grade", code=code))
    registration = None
    if "registration" in raw:
        reg = _Reader(file, raw["registration"], "scoring.registration")
        registration = RegistrationRule(reg.get("code", str), reg.get("label", str), float(reg.get("points", (int, float))))
        if registration.points <= 0:
            raise ConfigError(file, reg._key("points"), t("cfg_registration_points"))
        if registration.code in {c.code for c in criteria} | {a.code for a in adjustments}:
            raise ConfigError(file, reg._key("code"), t("cfg_duplicate_criterion", code=registration.code))
    tie_break = tuple(root.get("tie_break", list, []))
    for code in tie_break:
        if code not in {c.code for c in criteria}:
            raise ConfigError(file, "scoring.tie_break", t("cfg_unknown_criterion", code=code))
    return Rubric(
        max_points=max_points,
        criteria=tuple(criteria),
        adjustments=tuple(adjustments),
        grades=tuple(sorted(grades, key=lambda g: -g.min_points)),
        flag=flag,
        tie_break=tie_break,
        decimals=root.get("decimals", int, 2),
        illustrative=root.get("illustrative", bool, False),
        note=root.get("note", str, ""),
        registration=registration,
    )


def _opt_float(value: float | int | None) -> float | None:
    return None if value is None else float(value)


def _steps(r: _Reader) -> tuple[tuple[float, float], ...]:
    raw = r.get("steps", list, [])
    out = []
    for i, step in enumerate(raw):
        if not (isinstance(step, list) and len(step) == 2 and all(isinstance(x, int | float) and not isinstance(x, bool) for x in step)):
            raise ConfigError(r.file, f"{r._key('steps')}[{i + 1}]", t("cfg_bad_step", step=step))
        out.append((float(step[0]), float(step[1])))
    return tuple(sorted(out))


# --- titles voted at the year-end review ----------------------------------------------------------


@dataclass(frozen=True)
class Title:
    """A title the cluster votes for (bình xét, suy tôn): who may stand, how many places, the votes needed.

    A candidate passes with votes / voters present above `share` (strictly: 0.5 is "more than half"),
    within `places` (the best-voted first); `requires` names earlier titles, one of which the unit must
    already hold in its award history."""

    code: str
    title: str
    block: str
    places: int
    share: float = 0.5
    requires: tuple[str, ...] = ()
    to_confirm: bool = True
    registration: str | None = None  # the [[registration.titles]] code a unit registers for to stand

    def applies_to(self, block: str) -> bool:
        return in_scope(self.block, block)


def _titles(file: Path, readers: list[_Reader], registrable: set[str]) -> tuple[Title, ...]:
    titles: list[Title] = []
    for r in readers:
        title = Title(
            code=r.get("code", str),
            title=r.get("title", str),
            block=r.get("block", str, "ALL", choices=BLOCK_SCOPES),
            places=r.get("places", int),
            share=float(r.get("share", (int, float), 0.5)),
            requires=tuple(r.get("requires", list, [])),
            to_confirm=r.get("to_confirm", bool, True),
            registration=r.get("registration", str, None),
        )
        if title.registration is not None and title.registration not in registrable:
            raise ConfigError(file, r._key("registration"), t("cfg_title_registration", code=title.registration))
        if title.places < 1:
            raise ConfigError(file, r._key("places"), t("cfg_title_places"))
        if not 0 <= title.share < 1:
            raise ConfigError(file, r._key("share"), t("cfg_title_share", value=title.share))
        if any(other.code == title.code for other in titles):
            raise ConfigError(file, r._key("code"), t("cfg_title_duplicate", code=title.code))
        titles.append(title)
    return tuple(titles)
