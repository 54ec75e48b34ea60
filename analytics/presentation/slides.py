"""Slides for the meeting room: a registry of slide kinds and the deck a meeting file asks for.

A slide kind is a function (cursor, spec, params, theme) → SlideBody (title, figure, caption).
Adding a kind is one `register(...)` line; `indicator_chart` and `frame_chart` adapt any chart of
analytics.presentation.charts with the house signature `(frame, title, ..., *, theme, lang)`.
The same deck feeds the /present page, the offline HTML pack and the PNG/PDF export.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from analytics import measures, notes, queries, scoring
from analytics.config import ACHIEVED_BY, Campaign, in_scope
from analytics.labels import block_name, fmt_date, fmt_datetime, period_name, t
from analytics.presentation import captions, chart_notes, charts, kpis
from analytics.presentation import registration as vs
from analytics.presentation.meetings import Meeting, SlideSpec, load_meetings
from analytics.presentation.slide_charts import apply_variant, kpi_board, meeting_timeline
from analytics.reporting import registration
from analytics.reporting.deadlines import calendar_of
from analytics.review import assessments
from analytics.store import Cursor
from analytics.years import compare

THEME = "projector"


@dataclass(frozen=True)
class Params:
    """What one slide is computed for, after the URL, the meeting and the slide had their say."""

    year: int
    period: str
    block: str | None  # None: both blocks
    lang: str = "vi"
    variant: str = "light"
    campaign: Campaign | None = field(default=None, compare=False, repr=False)
    memo: dict[tuple[str, str | None], pd.DataFrame] = field(default_factory=dict, compare=False, repr=False)
    at: datetime | None = None  # the meeting's data cut-off (None: current values)
    campaigns: dict[int, Campaign] | None = field(default=None, compare=False, repr=False)

    def spec(self, cur: Cursor, period: str | None = None) -> measures.PeriodSpec:
        return measures.period_spec(cur, self.year, period or self.period, self.at)

    def values(self, cur: Cursor, period: str | None = None) -> pd.DataFrame:
        """period_values() for this year and block, computed once per deck."""
        key = (period or self.period, self.block)
        if key not in self.memo:
            self.memo[key] = measures.period_values(cur, self.spec(cur, key[0]), self.block)
        return self.memo[key]


@dataclass(frozen=True)
class SlideBody:
    title: str
    figure: go.Figure
    caption: str = ""
    period_note: str = ""


Builder = Callable[[Cursor, SlideSpec, Params, str], SlideBody | None]


@dataclass(frozen=True)
class SlideKind:
    build: Builder
    needs: tuple[str, ...] = ()


KINDS: dict[str, SlideKind] = {}


def register(kind: str, build: Builder, *, needs: tuple[str, ...] = ()) -> None:
    """Make a slide kind available to meeting files (`kind = "..."`)."""
    KINDS[kind] = SlideKind(build, needs)


def kind_needs() -> dict[str, tuple[str, ...]]:
    return {name: kind.needs for name, kind in KINDS.items()}


@dataclass(frozen=True)
class Slide:
    number: int
    total: int
    kind: str
    title: str
    period: str  # e.g. "Đợt 1/2016", plus the THADS statistical span where it applies
    as_of: str
    caption: str
    is_demo: bool
    seconds: int
    figure: go.Figure
    indicator: str | None = None  # the indicator a slide shows, so a document can place it by content
    footnote: str = ""  # the notes this slide covers, plain text (also written under the figure)


@dataclass(frozen=True)
class Deck:
    title: str
    meeting: str
    variant: str
    slides: tuple[Slide, ...]


# --- building blocks for kinds ------------------------------------------------------------------


def _catalogue_row(cur: Cursor, year: int, indicator: str) -> pd.Series | None:
    cat = measures.catalogue(cur, year)
    rows = cat[cat["code"] == indicator]
    return None if rows.empty else rows.iloc[0]


def _applies(scope: str, block: str | None) -> bool:
    return block is None or in_scope(scope, block)


def _change(cur: Cursor, params: Params, row: pd.Series) -> tuple[float, float] | None:
    """(phase 1, current) cluster figures when the slide's period comes after phase 1."""
    if params.period not in ("year", "P2"):
        return None
    parts = (row["numerator"], row["denominator"]) if row["kind"] == "ratio" else None
    p1, current = params.values(cur, "P1"), params.values(cur)
    # Only units with a figure in both periods: a unit missing from one would read as a rise or a fall.
    have = [set(f.loc[(f["indicator"] == row["code"]) & f["value"].notna(), "unit_code"]) for f in (p1, current)]
    both = have[0] & have[1]
    before = captions.cluster_value(p1, row["code"], parts, both)
    now = captions.cluster_value(current, row["code"], parts, both)
    return None if before is None or now is None else (before, now)


def _thads_note(cur: Cursor, params: Params, row: pd.Series) -> str:
    if row["basis"] != "thads":
        return ""
    start, end = measures.thads_coverage(params.year, params.spec(cur).thads_end_quarter)
    return t("present_thads_span", params.lang, start=fmt_date(start), end=fmt_date(end))


def indicator_chart(chart: Callable[..., go.Figure]) -> Builder:
    """A kind for any chart taking one indicator's ranked units: chart(frame, title, unit, *, theme, lang)."""

    def build(cur: Cursor, spec: SlideSpec, params: Params, theme: str) -> SlideBody | None:
        assert spec.indicator is not None
        row = _catalogue_row(cur, params.year, spec.indicator)
        if row is None or not _applies(row["block"], params.block):
            return None
        label = row["label_en"] if params.lang == "en" and row["label_en"] else row["label"]
        ranked = measures.indicator_slice(params.values(cur), spec.indicator)
        if ranked.empty:
            return None  # an annual-only indicator has no figure for a phase or quarter
        title = spec.title or t(
            "chart_units_title", params.lang, indicator=label, period=period_name(params.year, params.period, params.lang)
        )
        figure = chart(ranked, title, row["unit"], theme=theme, lang=params.lang)
        caption = captions.indicator_caption(ranked, row["unit"], params.lang, change=_change(cur, params, row))
        return SlideBody(title, figure, caption, _thads_note(cur, params, row))

    return build


def frame_chart(chart: Callable[..., go.Figure], default_title: str = "slide_kpi_title") -> Builder:
    """A kind for any chart taking the whole period_values() frame: chart(frame, title, *, theme, lang)."""

    def build(cur: Cursor, spec: SlideSpec, params: Params, theme: str) -> SlideBody | None:
        title = spec.title or t(default_title, params.lang, period=period_name(params.year, params.period, params.lang))
        return SlideBody(title, chart(params.values(cur), title, theme=theme, lang=params.lang))

    return build


def _kpi_slide(cur: Cursor, spec: SlideSpec, params: Params, theme: str) -> SlideBody:
    values = params.values(cur)
    reporting = measures.reporting(cur, params.spec(cur), params.block)
    title = spec.title or t("slide_kpi_title", params.lang, period=period_name(params.year, params.period, params.lang))
    figure = kpi_board(kpis.kpis(values, reporting, params.lang), title, theme=theme, variant=params.variant)
    return SlideBody(title, figure, captions.kpi_caption(reporting, values, params.lang))


def _milestone_slide(cur: Cursor, spec: SlideSpec, params: Params, theme: str) -> SlideBody | None:
    phases, milestones = queries.campaign_dates(cur, params.year)
    if not phases and not milestones:
        return None
    quarters = set(measures.period_quarters(cur, params.year, params.period))
    highlight = [p.number for p in phases if quarters & set(p.quarters)]
    title = spec.title or t("slide_milestones_title", params.lang, year=params.year)
    figure = meeting_timeline(phases, milestones, title, highlight=highlight, theme=theme, variant=params.variant)
    # The milestone this meeting is about: the last one inside the highlighted phases.
    spans = [(p.start, p.end) for p in phases if p.number in highlight]
    inside = [m for m in milestones if any(a <= m.date <= b for a, b in spans)] or milestones
    caption = ""
    if inside:
        m = inside[-1]
        caption = t("caption_milestone", params.lang, name=m.name, date=fmt_date(m.date), place=m.place).rstrip(", ")
    return SlideBody(title, figure, caption)


def _heatmap_slide(cur: Cursor, spec: SlideSpec, params: Params, theme: str) -> SlideBody | None:
    contents = queries.contents(cur, params.year)
    grid = queries.content_attainment(params.values(cur), contents)
    if grid.empty:
        return None
    title = spec.title or t("heatmap_title", params.lang, period=period_name(params.year, params.period, params.lang))
    figure = charts.attainment_heatmap(grid, title, contents=contents, theme=theme, lang=params.lang)
    return SlideBody(title, figure, captions.attainment_caption(grid, params.lang))


def _phases_slide(cur: Cursor, spec: SlideSpec, params: Params, theme: str) -> SlideBody | None:
    assert spec.indicator is not None
    row = _catalogue_row(cur, params.year, spec.indicator)
    if row is None or not _applies(row["block"], params.block):
        return None
    both = queries.rank_phases(queries.phase_values(cur, params.year, params.block, params.at), spec.indicator)
    label = row["label_en"] if params.lang == "en" and row["label_en"] else row["label"]
    title = spec.title or t("phase_compare_title", params.lang, indicator=label, year=params.year)
    figure = charts.phase_dumbbell(both, title, row["unit"], theme=theme, lang=params.lang)
    return SlideBody(title, figure, captions.phase_caption(both, row["unit"], params.lang))


def _trend_slide(cur: Cursor, spec: SlideSpec, params: Params, theme: str) -> SlideBody | None:
    assert spec.indicator is not None
    row = _catalogue_row(cur, params.year, spec.indicator)
    if row is None or not _applies(row["block"], params.block):
        return None
    quarters = queries.quarter_values(cur, params.year, params.block, params.at)
    series = quarters[quarters["indicator"] == spec.indicator]
    if series.empty:
        return None
    label = row["label_en"] if params.lang == "en" and row["label_en"] else row["label"]
    who = block_name(params.block, params.lang) if params.block else t("all_blocks", params.lang)
    title = spec.title or t("trend_title", params.lang, indicator=label, who=who)
    figure = charts.quarter_trend(
        series,
        title,
        row["unit"],
        phases=queries.phases(cur, params.year),
        target=queries.common_target(series),
        theme=theme,
        lang=params.lang,
    )
    ranked = measures.indicator_slice(params.values(cur), spec.indicator)
    return SlideBody(title, figure, captions.indicator_caption(ranked, row["unit"], params.lang, change=_change(cur, params, row)))


def _scores_slide(cur: Cursor, spec: SlideSpec, params: Params, theme: str) -> SlideBody | None:
    rubric = params.campaign.rubric if params.campaign is not None else None
    if rubric is None:
        return None
    manual = assessments.manual_points(cur, params.year)
    approved = registration.approved(cur, params.year)
    summary = scoring.score(_year_values(cur, params), rubric, params.lang, manual, approved).summary
    if params.block is not None:
        summary = summary[summary["block"] == params.block]
    grades = scoring.grades_frame(rubric)
    who = block_name(params.block, params.lang) if params.block else t("all_blocks", params.lang)
    title = spec.title or t("scoring_chart_title", params.lang, block=who, year=params.year)
    figure = charts.score_bars(scoring.score_frame_for_chart(summary), title, grades, theme=theme, lang=params.lang)
    return SlideBody(title, figure, captions.score_caption(summary, params.lang))


def _registration_slide(cur: Cursor, spec: SlideSpec, params: Params, theme: str) -> SlideBody | None:
    """Registered at signing vs achieved in the year, per unit, for one target (by its indicator)."""
    deadline = calendar_of(params.campaign).registration_deadline if params.campaign is not None else None
    both = registration.registered_vs_achieved(cur, params.year, params.block, deadline)
    if both.empty:
        return None
    target = vs.target_for(spec.indicator)
    row = _catalogue_row(cur, params.year, ACHIEVED_BY[target])
    unit = str(row["unit"]) if row is not None else ""
    figure = vs.vs_chart(both, target, params.year, unit, theme=theme, lang=params.lang)
    title = spec.title or figure.layout.title.text
    caption = " ".join(part for part in (vs.vs_caption(both, target, params.lang), vs.late_line(both, params.lang)) if part)
    return SlideBody(title, figure, caption)


def _year_values(cur: Cursor, params: Params) -> pd.DataFrame:
    """Scores are for the whole year and rank within a block, so they are computed for every unit."""
    return measures.period_values(cur, params.spec(cur, "year"))


# Years a "years" slide compares: the meeting's year and the configured years before it, at most this many.
YEARS_ON_SLIDE = 3


def _years_slide(cur: Cursor, spec: SlideSpec, params: Params, theme: str) -> SlideBody | None:
    """One indicator across the last years on a comparable basis (merged units with their predecessors)."""
    assert spec.indicator is not None
    shown = sorted(y for y in measures.years(cur) if y <= params.year)[-YEARS_ON_SLIDE:]
    if len(shown) < 2:
        return None
    view = compare.indicator_years(cur, shown, spec.indicator, params.block, params.campaigns)
    if view is None or view.units["value"].isna().all():
        return None
    row = _catalogue_row(cur, params.year, spec.indicator)
    label = row["label_en"] if row is not None and params.lang == "en" and row["label_en"] else view.label
    title = spec.title or t("slide_years_title", params.lang, indicator=label)
    figure = charts.year_lines(view.units, title, view.unit, theme=theme, lang=params.lang)
    return SlideBody(title, figure, captions.years_caption(view, params.lang))


register("kpi", _kpi_slide)
register("units", indicator_chart(charts.unit_bars), needs=("indicator",))
register("milestones", _milestone_slide)
register("heatmap", _heatmap_slide)
register("phases", _phases_slide, needs=("indicator",))
register("trend", _trend_slide, needs=("indicator",))
register("scores", _scores_slide)
register("registration", _registration_slide)
register("years", _years_slide, needs=("indicator",))


# --- meetings and decks ---------------------------------------------------------------------------

DEFAULT_INDICATORS = ("xa_ntm", "dien_hinh", "ty_le_xnpl", "buoi_pbgdpl", "ty_le_viec", "ty_le_tien")


def default_meeting(year: int, period: str, block: str = "ALL", lang: str = "vi") -> Meeting:
    """The slides shown when no meeting file fits: headline figures, the main covenant indicators, the timeline."""
    specs = [SlideSpec("kpi"), *(SlideSpec("units", indicator=code) for code in DEFAULT_INDICATORS), SlideSpec("milestones")]
    title = t("present_default_title", lang, period=period_name(year, period, lang))
    return Meeting("default", title, year, period, block, 15, "light", tuple(specs))


def load_all(directory: Path, campaigns: dict[int, Campaign] | None = None) -> dict[str, Meeting]:
    """Meeting files validated against the registered kinds (and the campaigns when given)."""
    return load_meetings(directory, campaigns, kind_needs())


def build_deck(
    cur: Cursor,
    meeting: Meeting,
    *,
    year: int | None = None,
    period: str | None = None,
    block: str | None = None,
    lang: str = "vi",
    variant: str | None = None,
    campaigns: dict[int, Campaign] | None = None,
    at: datetime | None = None,
) -> Deck:
    """The meeting's slides computed for the filters. A filter given here (from the URL or the CLI)
    replaces the meeting's default; a slide's own period or block wins over both, but a slide for
    the other block than an explicitly chosen one is left out, and so is a slide with nothing to show.
    The values are those stored at the cut-off `at`, else at the meeting's own cut-off, else now."""
    year = year or meeting.year
    variant = variant or meeting.variant
    at = at or meeting.cutoff
    fresh = measures.freshness(cur, year, at)
    known = set(measures.catalogue(cur, year)["code"])
    memos: dict[tuple[str, str | None], dict[tuple[str, str | None], pd.DataFrame]] = {}
    built: list[tuple[SlideSpec, SlideBody, Params]] = []
    for spec in meeting.slides:
        if spec.kind not in KINDS or (spec.indicator is not None and spec.indicator not in known):
            continue
        chosen = block if block not in (None, "ALL") else None
        slide_block = spec.block or chosen or meeting.block
        if chosen is not None and slide_block not in (chosen, "ALL"):
            continue
        effective_block = None if slide_block == "ALL" else slide_block
        effective_period = spec.period or period or meeting.period
        memo = memos.setdefault((effective_period, effective_block), {})
        params = Params(year, effective_period, effective_block, lang, variant, (campaigns or {}).get(year), memo, at, campaigns)
        body = KINDS[spec.kind].build(cur, spec, params, THEME)
        if body is not None:
            built.append((spec, body, params))
    slides = []
    year_notes = notes.for_year(cur, year)
    for number, (spec, body, params) in enumerate(built, start=1):
        as_of = as_of_text(params.spec(cur), fresh, lang)
        label = period_name(year, params.period, lang)
        if params.block is not None:
            label += " · " + block_name(params.block, lang)
        if body.period_note:
            label += " · " + body.period_note
        footnote = chart_notes.footnote(_slide_notes(cur, year_notes, spec, params), lang)
        figure = apply_variant(chart_notes.with_footnote(body.figure, footnote, charts.THEMES[THEME]["label"]), variant)
        slides.append(
            Slide(
                number,
                len(built),
                spec.kind,
                body.title,
                label,
                as_of,
                body.caption,
                fresh.has_demo,
                meeting.seconds_of(spec),
                figure,
                spec.indicator,
                footnote,
            )
        )
    title = meeting.title if year == meeting.year else meeting.title.replace(str(meeting.year), str(year))
    return Deck(title, meeting.name, variant, tuple(slides))


def as_of_text(spec: measures.PeriodSpec, fresh: measures.Freshness, lang: str = "vi") -> str:
    """'Số liệu đến hết Quý 1/2016 (chốt lúc 17:00 15/06/2016)' at a cut-off, otherwise when the
    values last changed; a period with nothing reported says so."""
    if spec.as_of is None:
        return t("present_no_data", lang)
    period = period_name(spec.year, f"Q{spec.as_of}", lang)
    if spec.at is not None:
        return t("present_as_of_cutoff", lang, period=period, cutoff=fmt_datetime(spec.at))
    return t("present_as_of", lang, period=period, when=fmt_datetime(fresh.updated_at))


def _slide_notes(cur: Cursor, year_notes: pd.DataFrame, spec: SlideSpec, params: Params) -> pd.DataFrame:
    """The notes a slide covers: its period, its block's units, its indicator (and that indicator's
    covenant content); a slide of every content (the heatmap) takes notes on any of them, and a
    slide without an indicator only notes about no indicator in particular."""
    if year_notes.empty:
        return year_notes
    if params.block is not None:
        year_notes = year_notes[year_notes["unit_block"].isna() | year_notes["unit_block"].eq(params.block)]
    codes: set[str] | None = set()
    if spec.kind == "heatmap":
        codes = None
    elif spec.indicator is not None:
        row = _catalogue_row(cur, params.year, spec.indicator)
        codes = {spec.indicator} | ({str(row["content"])} if row is not None else set())
    return notes.matching(year_notes, measures.period_quarters(cur, params.year, params.period), codes=codes)


def fit(figure: go.Figure, height: int, width: int | None = None) -> go.Figure:
    """A copy of the figure sized for a slide area (the projector page, the pack, an image)."""
    spec = figure.to_dict()  # a deep copy: the deck's figure stays as it is
    layout = spec["layout"]
    layout.update(height=height, autosize=width is None)
    if width is None:
        layout.pop("width", None)
    else:
        layout["width"] = width
    layout["title"] = {**layout.get("title", {}), "x": 0.015}
    layout["margin"] = {**layout.get("margin", {}), "l": max(layout.get("margin", {}).get("l") or 0, 28)}
    # Already validated (or built by charts._figure and checked to be valid): no second validation.
    return go.Figure(data=spec["data"], layout=layout, _validate=False)
