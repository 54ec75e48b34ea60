"""The review day's documents as editable Word files: the sơ kết / tổng kết report, the minutes of the
vote (biên bản) and the proposal for awards (tờ trình đề nghị khen thưởng).

Nothing is computed here that a page does not compute: the figures are period_values(), the scores
scoring.score() through vote.year_summary(), the shortlist vote.shortlist(), the votes vote.recorded();
the charts and captions are the meeting deck's slides (slides.build_deck), drawn by the same kaleido
path as the meeting pack; the tables go through tables.display(), the pages' formatter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from docx.document import Document as DocumentObject

from analytics import measures, queries
from analytics.config import Campaign, Milestone
from analytics.labels import block_name, fmt_date, fmt_number, fmt_percent, period_name, t
from analytics.presentation import captions, narrative, tables
from analytics.presentation import docx_layout as layout
from analytics.presentation import registration as vs
from analytics.presentation.meetings import Meeting
from analytics.presentation.pack import figure_pngs
from analytics.presentation.slides import Deck, Slide, build_deck, fit
from analytics.registry import BLOCK_CODES
from analytics.reporting import registration
from analytics.reporting.registration import TARGETS
from analytics.review import vote
from analytics.store import Cursor

CHART_WIDTH, CHART_HEIGHT = 1400, 760  # px: projector-sized text stays readable at 16 cm wide


@dataclass(frozen=True)
class Context:
    """What every document of one meeting shares: the year's campaign, its letterhead facts, the day."""

    campaign: Campaign
    year: int
    period: str
    day: Milestone | None
    head_name: str  # the unit heading the cluster that year, e.g. "Sở Tư pháp tỉnh Quảng Ninh"
    place: str  # its province (địa danh in the header)
    is_demo: bool


def context(cur: Cursor, campaign: Campaign, period: str) -> Context:
    """The meeting's day is the last milestone inside its phases (the tổng kết for the year)."""
    phases, milestones = queries.campaign_dates(cur, campaign.year)
    quarters = set(measures.period_quarters(cur, campaign.year, period))
    spans = [(p.start, p.end) for p in phases if quarters & set(p.quarters)]
    inside = [m for m in milestones if any(a <= m.date <= b for a, b in spans)] or list(milestones)
    units = measures.active_units(cur, campaign.year)
    head = units[units["code"] == campaign.head_unit]
    head_name = str(head["name"].iloc[0]) if len(head) else ""
    place = str(head["province"].iloc[0]) if len(head) else ""
    fresh = measures.freshness(cur, campaign.year)
    return Context(campaign, campaign.year, period, inside[-1] if inside else None, head_name, place, fresh.has_demo)


def period_words(year: int, period: str) -> str:
    """The period as a sentence says it: 'năm 2016', 'đợt 1 năm 2016', 'quý 3 năm 2016'."""
    if period == "year":
        return t("doc_period_year", year=year)
    key = "doc_period_phase" if period.startswith("P") else "doc_period_quarter"
    return t(key, number=period[1:], year=year)


def _letterhead(ctx: Context, symbol: str) -> layout.Letterhead:
    cluster = ctx.campaign.cluster or t("doc_cluster_fallback")
    # The kind of body ("Khu vực thi đua") over the region's name: two lines of the narrow column.
    words = cluster.split(" ")
    issuing = " ".join(words[:4]) + "\n" + " ".join(words[4:]) if len(words) > 5 else cluster
    return layout.Letterhead(t("doc_parent_body"), issuing, t("doc_number", symbol=symbol), ctx.place, ctx.day.date if ctx.day else None)


def _opening(doc: DocumentObject, ctx: Context, symbol: str, kind: str, subject: str) -> None:
    layout.letterhead(doc, _letterhead(ctx, symbol))
    layout.title(doc, kind, subject)
    if ctx.is_demo:
        layout.paragraph(doc, t("doc_demo_warning"), italic=True)


def _signature(doc: DocumentObject, ctx: Context, recipients: list[str]) -> None:
    layout.signature(doc, recipients, [t("doc_head_title")], t("doc_signer_note", unit=ctx.head_name))


# --- the report -----------------------------------------------------------------------------------


def _value_columns(frame: pd.DataFrame, codes: list[str], catalogue: pd.DataFrame) -> pd.DataFrame:
    """tables.wide_table with each indicator's measure in its header: 'Số xã … (xã)'."""
    wide = tables.wide_table(frame, codes).drop(columns=t("col_block"))
    short = dict(zip(frame["name"], frame["short_name"], strict=False))  # a dense table has room for short names only
    wide[t("col_unit")] = wide[t("col_unit")].map(short)
    units = dict(zip(catalogue["label"], catalogue["unit"], strict=False))
    return wide.rename(columns={c: f"{c} ({units[c]})" for c in wide.columns if units.get(c)})


def _target_lines(part: pd.DataFrame, codes: list[str]) -> list[str]:
    """'Tỷ lệ … — chỉ tiêu giao ≥ 100%: 9/11 đơn vị đạt' for each indicator that has targets."""
    lines = []
    for code in codes:
        rows = part[(part["indicator"] == code) & (part["target_min"].notna() | part["target_max"].notna())]
        if rows.empty:
            continue
        met = int(rows["meets_target"].eq(True).sum())
        below = rows.loc[rows["meets_target"].eq(False), "short_name"].tolist()
        text = t("doc_target_line", indicator=rows["label"].iloc[0], met=met, total=len(rows))
        lines.append(text + (t("doc_target_below", units=", ".join(below)) if below else ""))
    return lines


def _numbered_table(frame: pd.DataFrame) -> pd.DataFrame:
    shown = tables.display(frame.reset_index(drop=True))
    shown.insert(0, t("doc_col_no"), [str(i) for i in range(1, len(shown) + 1)])
    return shown


def sentence(caption: str) -> str:
    """A slide caption as a sentence of a document: its ' · ' parts joined by semicolons, a full stop."""
    text = caption.replace(captions.SEPARATOR, "; ").strip()
    return text if not text or text.endswith(".") else text + "."


def _chart(doc: DocumentObject, figures: dict[int, bytes], slide: Slide, counter: list[int]) -> None:
    counter[0] += 1
    layout.picture(doc, figures[slide.number], counter[0], slide.title, sentence(slide.caption))


def chart_images(deck: Deck, progress: Callable[[int, int], None] | None = None) -> dict[int, bytes]:
    """Each slide's chart (without the slide's header line) sized for a page, by slide number."""
    pngs = figure_pngs([fit(s.figure, CHART_HEIGHT, CHART_WIDTH) for s in deck.slides], CHART_WIDTH, CHART_HEIGHT, progress)
    return {s.number: png for s, png in zip(deck.slides, pngs, strict=True)}


def report_docx(
    cur: Cursor,
    meeting: Meeting,
    campaigns: dict[int, Campaign],
    *,
    lang: str = "vi",
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """The sơ kết / tổng kết report of a meeting: results, a table per covenant content, the charts
    with their captions, scores and the vote when the meeting is the year's."""
    campaign = campaigns[meeting.year]
    ctx = context(cur, campaign, meeting.period)
    deck = build_deck(cur, meeting, lang=lang, campaigns=campaigns)
    figures = chart_images(deck, progress)
    spec = measures.period_spec(cur, ctx.year, ctx.period, meeting.cutoff)  # the tables show what the deck shows
    values = measures.period_values(cur, spec)
    reporting = measures.reporting(cur, spec)
    catalogue = measures.catalogue(cur, ctx.year)
    content_of = dict(zip(catalogue["code"], catalogue["content"], strict=True))
    placed: set[int] = set()
    counter = [0]

    def charts(where: Callable[[Slide], bool]) -> None:
        for slide in deck.slides:
            if slide.number not in placed and where(slide):
                placed.add(slide.number)
                _chart(doc, figures, slide, counter)

    period_label = period_words(ctx.year, ctx.period)
    doc = layout.new_document()
    subject = t("doc_report_subject_year" if ctx.period == "year" else "doc_report_subject", period=period_label)
    _opening(doc, ctx, t("doc_symbol_report"), t("doc_kind_report"), subject)
    layout.paragraph(doc, t("doc_report_intro", cluster=campaign.cluster, period=period_label, theme=campaign.theme))
    section = iter(layout.ROMAN)

    layout.heading(doc, f"{next(section)}. {t('doc_section_overview')}")
    if deck.slides:
        layout.paragraph(doc, deck.slides[0].as_of + ".", italic=True)
    layout.paragraph(doc, sentence(captions.kpi_caption(reporting, values)))
    quarter = period_name(ctx.year, f"Q{spec.as_of}") if spec.as_of else period_label
    for line in narrative.narrative(values, reporting, quarter):
        layout.bullet(doc, line)
    charts(lambda s: s.kind in ("kpi", "milestones"))

    layout.heading(doc, f"{next(section)}. {t('doc_section_contents')}")
    number = 0
    reported = set(values["indicator"])
    for content in queries.contents(cur, ctx.year).itertuples(index=False):
        codes = [c for c in catalogue.loc[catalogue["content"] == content.code, "code"] if c in reported]
        if not codes:
            continue
        number += 1
        layout.heading(doc, f"{number}. {content.title}", level=2)
        for block in BLOCK_CODES:
            part = values[(values["block"] == block) & values["indicator"].isin(codes)]
            in_block = set(part["indicator"])
            shown = [c for c in codes if c in in_block]  # part holds only `codes`: empty exactly when part is
            if not shown:
                continue
            layout.heading(doc, block_name(block), level=3)
            frame = _value_columns(part, shown, catalogue)
            layout.table(doc, _numbered_table(frame), numeric=list(frame.columns[1:]))
            for line in _target_lines(part, shown):
                layout.bullet(doc, line)
        charts(_of_content(content_of, str(content.code)))
    charts(lambda s: s.kind == "heatmap")

    if ctx.period == "year":
        both = registration.registered_vs_achieved(cur, ctx.year)
        if not both.empty:
            layout.heading(doc, f"{next(section)}. {t('doc_section_registration')}")
            table = registered_achieved_table(both)
            layout.table(doc, _numbered_table(table), numeric=list(table.columns[2:]))
            charts(lambda s: s.kind == "registration")

    rubric = campaign.rubric
    if ctx.period == "year" and rubric is not None:
        layout.heading(doc, f"{next(section)}. {t('doc_section_scores')}")
        if rubric.illustrative:
            layout.paragraph(doc, t("doc_rubric_illustrative", note=rubric.note), italic=True)
        summary = vote.year_summary(cur, rubric, ctx.year, at=meeting.cutoff)
        for block in BLOCK_CODES:
            part = summary[summary["block"] == block]
            if part.empty:
                continue
            layout.heading(doc, block_name(block), level=3)
            layout.table(doc, score_table(part), numeric=[t("doc_col_rank"), t("col_total")])
            for line in highest_lowest(part):
                layout.bullet(doc, line)
        charts(lambda s: s.kind == "scores")
        votes = vote.recorded(cur, ctx.year)
        if not votes.empty:
            layout.heading(doc, f"{next(section)}. {t('doc_section_vote')}")
            _vote_results(doc, votes, campaign, registration.approved(cur, ctx.year))
    charts(lambda s: True)

    layout.heading(doc, f"{next(section)}. {t('doc_section_next')}")
    layout.paragraph(doc, t("doc_to_fill"), italic=True)
    _signature(doc, ctx, [t("doc_to_ministry"), t("doc_to_units"), t("doc_to_archive")])
    return layout.to_bytes(doc)


def registered_achieved_table(both: pd.DataFrame) -> pd.DataFrame:
    """Per unit: the registration's state and each target as "registered / achieved" (— when the
    year's figure is not reported; "chưa đăng ký" or "chưa được duyệt" in place of the registered
    number without an approved registration), narrow enough for a portrait page."""
    columns: dict[str, object] = {
        t("col_unit"): both["unit_name"],
        t("reg_col_state"): [vs.state_text(s, at) for s, at in zip(both["state"], both["updated_at"], strict=True)],
    }
    for target in TARGETS:
        cells = [
            t("doc_registration_cell", registered=fmt_number(r) if pd.notna(r) else vs.unapproved_word(state), achieved=fmt_number(a))
            for r, a, state in zip(vs.registered_counts(both, target), both[f"{target}_achieved"], both["state"], strict=True)
        ]
        columns[t("doc_col_registered_achieved", target=t(f"reg_target_short_{target}"))] = cells
    return pd.DataFrame(columns)


def _of_content(content_of: dict[str, str], code: str) -> Callable[[Slide], bool]:
    return lambda slide: slide.indicator is not None and content_of.get(slide.indicator) == code


def score_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Xếp thứ, đơn vị, tổng điểm, xếp loại, đưa vào bình xét — from scoring.score()'s summary."""
    shortlisted = set(vote.shortlist(summary)["unit_code"])
    ordered = summary.sort_values(["rank", "short_name"])
    return pd.DataFrame({
        t("doc_col_rank"): [str(r) for r in ordered["rank"]],
        t("col_unit"): ordered["name"].tolist(),
        t("col_total"): [fmt_number(v, 2) for v in ordered["total"]],
        t("col_grade"): (ordered["grade"] + " — " + ordered["grade_label"]).tolist(),
        t("doc_col_shortlisted"): [t("yes") if c in shortlisted else "" for c in ordered["unit_code"]],
    })  # fmt: skip


def highest_lowest(part: pd.DataFrame) -> list[str]:
    """The block's highest and lowest scores, by points (a unit 'leads' only by the vote)."""
    top = part[part["total"] == part["total"].max()]
    low = part[part["total"] == part["total"].min()]
    block = block_name(str(part["block"].iloc[0]))
    names = ", ".join(top["name"])
    lines = [t("doc_highest", block=block, units=names, points=fmt_number(float(top["total"].iloc[0]), 2))]
    if len(part) > 1:
        lines.append(t("doc_lowest", block=block, units=", ".join(low["name"]), points=fmt_number(float(low["total"].iloc[0]), 2)))
    return lines


def by_title(votes: pd.DataFrame, campaign: Campaign) -> list[pd.DataFrame]:
    """One frame per recorded title, in the campaign file's order of titles."""
    order = {x.code: i for i, x in enumerate(campaign.titles)}
    groups = [rows for _, rows in votes.groupby("vote_id", sort=True)]
    return sorted(groups, key=lambda rows: order.get(str(rows["title_code"].iloc[0]), len(order)))


def flag_registration(rows: pd.DataFrame, campaign: Campaign, approved: dict[str, registration.Registration]) -> pd.DataFrame:
    """One title's recorded rows with the registration flag of each unit (vote.with_registration);
    unchanged when the campaign file no longer has the title."""
    title = next((x for x in campaign.titles if x.code == str(rows["title_code"].iloc[0])), None)
    return rows if title is None else vote.with_registration(rows, title, approved)


def _vote_results(doc: DocumentObject, votes: pd.DataFrame, campaign: Campaign, approved: dict[str, registration.Registration]) -> None:
    for number, found in enumerate(by_title(votes, campaign), start=1):
        rows = flag_registration(found, campaign, approved)
        first = rows.iloc[0]
        layout.heading(doc, f"{number}. {first['title']}", level=2)
        layout.paragraph(doc, t("doc_vote_line", voters=int(first["voters"]), rule=first["rule"]))
        layout.table(doc, tables.vote_table(rows), numeric=[t("doc_col_votes"), t("doc_col_share")])
        passed = rows.loc[rows["passed"].astype(bool), "name"].tolist()
        tied = rows.loc[rows["tie"].astype(bool), "name"].tolist()
        layout.paragraph(doc, t("doc_vote_conclusion", units=", ".join(passed) or t("vote_nobody")))
        if tied:
            layout.paragraph(doc, t("doc_vote_tie_line", units=", ".join(tied)))


# --- the minutes of the vote and the proposal ---------------------------------------------------------


def minutes_docx(cur: Cursor, campaign: Campaign, period: str = "year") -> bytes:
    """Biên bản họp bình xét, suy tôn: who could stand (the shortlist), the count of each title, the conclusion."""
    ctx = context(cur, campaign, period)
    doc = layout.new_document()
    _opening(doc, ctx, t("doc_symbol_minutes"), t("doc_kind_minutes"), t("doc_minutes_subject", year=ctx.year))
    when = fmt_date(ctx.day.date) if ctx.day else t("doc_blank_date")
    where = ctx.day.place if ctx.day and ctx.day.place else t("doc_blank_place")
    layout.paragraph(doc, t("doc_minutes_when", date=when, place=where))
    layout.paragraph(doc, t("doc_minutes_who", cluster=campaign.cluster))
    section = iter(layout.ROMAN)
    layout.heading(doc, f"{next(section)}. {t('doc_section_shortlist')}")
    if campaign.rubric is not None:
        summary = vote.year_summary(cur, campaign.rubric, ctx.year)
        listed = vote.shortlist(summary)
        layout.paragraph(doc, t("doc_shortlist_rule", grades=", ".join(campaign.rubric.flag.grades), rank=campaign.rubric.flag.max_rank))
        if listed.empty:
            layout.paragraph(doc, t("doc_shortlist_none"))
        else:
            frame = pd.DataFrame({
                t("doc_col_no"): [str(i) for i in range(1, len(listed) + 1)],
                t("col_unit"): listed["name"].tolist(),
                t("col_block"): [block_name(b) for b in listed["block"]],
                t("col_total"): [fmt_number(v, 2) for v in listed["total"]],
                t("col_grade"): (listed["grade"] + " — " + listed["grade_label"]).tolist(),
                t("doc_col_rank"): [str(r) for r in listed["rank"]],
            })  # fmt: skip
            layout.table(doc, frame, numeric=[t("col_total"), t("doc_col_rank")])
    layout.heading(doc, f"{next(section)}. {t('doc_section_count')}")
    votes = vote.recorded(cur, ctx.year)
    if votes.empty:
        layout.paragraph(doc, t("doc_no_votes"), italic=True)
    else:
        _vote_results(doc, votes, campaign, registration.approved(cur, ctx.year))
    layout.heading(doc, f"{next(section)}. {t('doc_section_conclusion')}")
    for rows in by_title(votes, campaign):
        passed = rows.loc[rows["passed"].astype(bool), "name"].tolist()
        layout.bullet(doc, t("doc_conclusion_line", title=rows["title"].iloc[0], units=", ".join(passed) or t("vote_nobody")))
    layout.paragraph(doc, t("doc_minutes_end"))
    layout.signatures_side_by_side(doc, t("doc_secretary"), t("doc_chair"), t("doc_sign_note"))
    return layout.to_bytes(doc)


def proposal_docx(cur: Cursor, campaign: Campaign, period: str = "year") -> bytes:
    """Tờ trình đề nghị khen thưởng: the units the vote passed, with their scores and votes."""
    ctx = context(cur, campaign, period)
    doc = layout.new_document()
    _opening(doc, ctx, t("doc_symbol_proposal"), t("doc_kind_proposal"), t("doc_proposal_subject", year=ctx.year))
    layout.recipient(doc, t("doc_proposal_to"))
    when = fmt_date(ctx.day.date) if ctx.day else t("doc_blank_date")
    layout.paragraph(doc, t("doc_proposal_basis", cluster=campaign.cluster, year=ctx.year, date=when))
    votes = vote.recorded(cur, ctx.year)
    passed = votes[votes["passed"].astype(bool)] if not votes.empty else votes
    summary = vote.year_summary(cur, campaign.rubric, ctx.year) if campaign.rubric is not None else None
    approved = registration.approved(cur, ctx.year)
    if passed.empty:
        layout.paragraph(doc, t("doc_proposal_none"), italic=True)
    for number, found in enumerate(by_title(passed, campaign), start=1):
        rows = flag_registration(found, campaign, approved)
        layout.heading(doc, f"{number}. {rows['title'].iloc[0]}", level=2)
        frame = proposal_table(rows, summary) if summary is not None else tables.vote_table(rows)
        layout.table(doc, frame, numeric=[t("col_total"), t("doc_col_votes")])
        flagged = rows.loc[rows["registration"].fillna("") != "", "name"].tolist() if "registration" in rows else []
        if flagged:
            layout.paragraph(doc, t("doc_proposal_unregistered", units=", ".join(flagged)), italic=True)
    layout.paragraph(doc, t("doc_proposal_attached"))
    layout.paragraph(doc, t("doc_proposal_closing", cluster=campaign.cluster))
    _signature(doc, ctx, [t("doc_to_addressee"), t("doc_to_ministry_office"), t("doc_to_archive")])
    return layout.to_bytes(doc)


def proposal_table(rows: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """The proposed units of one title with their points, grade and votes, and the registration flag
    when the rows carry one (flag_registration)."""
    frame = rows.merge(summary[["unit_code", "total", "grade", "grade_label"]], on="unit_code", how="left")
    votes = zip(frame["votes"], frame["voters"], frame["share"], strict=True)
    table = pd.DataFrame({
        t("doc_col_no"): [str(i) for i in range(1, len(frame) + 1)],
        t("col_unit"): frame["name"].tolist(),
        t("col_total"): [fmt_number(v, 2) for v in frame["total"]],
        t("col_grade"): (frame["grade"] + " — " + frame["grade_label"]).tolist(),
        t("doc_col_votes"): [f"{int(v)}/{int(n)} ({fmt_percent(float(x) * 100)})" for v, n, x in votes],
    })  # fmt: skip
    if "registration" in frame:
        table[t("doc_col_registration")] = tables.registration_words(frame["registration"])
    return table
