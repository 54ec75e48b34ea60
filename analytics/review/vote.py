"""The vote at the year-end review (bình xét, suy tôn): who stands, the count, who passes.

Scores do not award titles: the rubric's flag rule gives a shortlist, the cluster votes among it.
A candidate passes when its share of the voters present is above the title's share and it is within
the title's places, best-voted first. Units level on votes at the last place are a tie: none of them
passes, and the result says the cluster must vote again between them — the program never breaks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from analytics import results
from analytics.config import Rubric, Title
from analytics.labels import fmt_number, fmt_percent, t
from analytics.reporting.registration import Registration
from analytics.store import Cursor

RESULT_COLUMNS = ["unit_code", "unit", "votes", "share", "passed", "registration"]


def year_summary(cur: Cursor, rubric: Rubric, year: int, lang: str = "vi", at: datetime | None = None) -> pd.DataFrame:
    """The year's scores for every unit, as the scoring page computes them (ranks are within block),
    with the values as they stood at `at` (a meeting's cut-off) when given."""
    return results.year_scores(cur, year, rubric, at, lang).summary


def shortlist(summary: pd.DataFrame) -> pd.DataFrame:
    """The units the scores put forward for the vote: the flag rule's output of scoring.score()."""
    return summary[summary["flag_eligible"].astype(bool)]


def rule_text(title: Title, lang: str = "vi") -> str:
    """The rule in one line, as the result, the minutes and `vote --list` print it."""
    text = t("vote_rule", lang, share=fmt_number(title.share * 100, 0), places=title.places)
    return f"{text} ({t('vote_to_confirm', lang)})" if title.to_confirm else text


def titles_frame(titles: tuple[Title, ...], lang: str = "vi") -> pd.DataFrame:
    """The campaign's titles as `vote --list` prints them: code,title,block,places,rule."""
    rows = [{"code": x.code, "title": x.title, "block": x.block, "places": x.places, "rule": rule_text(x, lang)} for x in titles]
    return pd.DataFrame(rows, columns=["code", "title", "block", "places", "rule"])


def held_titles(cur: Cursor) -> pd.DataFrame:
    """Every title in the award history: unit_code, year, title_code, title, decision_no, decision_date."""
    return cur.execute(
        "SELECT unit_code, year, title_code, title, decision_no, decision_date FROM awards ORDER BY unit_code, year, title_code"
    ).df()


def registration_note(title: Title, unit_code: str, approved: dict[str, Registration], lang: str = "vi") -> str | None:
    """Why the unit's registration does not cover the title — the law considers for a title only a
    collective that registered for it; '' when it did; None when the title names no registration title
    (nothing to check)."""
    if title.registration is None:
        return None
    reg = approved.get(unit_code)
    if reg is None:
        return t("vote_reg_not_approved", lang)
    return "" if title.registration in reg.titles else t("vote_reg_not_title", lang)


def with_registration(frame: pd.DataFrame, title: Title, approved: dict[str, Registration], lang: str = "vi") -> pd.DataFrame:
    """The frame (one row per unit_code) with a `registration` column: registration_note() per unit."""
    return frame.assign(registration=[registration_note(title, code, approved, lang) for code in frame["unit_code"]])


def candidates(
    summary: pd.DataFrame, title: Title, held: pd.DataFrame, year: int, approved: dict[str, Registration], lang: str = "vi"
) -> pd.DataFrame:
    """The shortlisted units of the title's block, each marked `eligible` or with the history rule it
    fails, and flagged (not dropped: the secretariat decides) when its approved registration
    (`approved`, registration.approved) does not include the title.

    Columns: unit_code, short_name, name, block, total, grade, rank, eligible, note, registration."""
    listed = shortlist(summary)
    listed = listed[[title.applies_to(str(b)) for b in listed["block"]]]
    earlier = held[held["year"] < year] if len(held) else held
    rows = []
    for r in listed.itertuples(index=False):
        mine = set(earlier.loc[earlier["unit_code"] == r.unit_code, "title_code"]) if len(earlier) else set()
        missing = bool(title.requires) and not (mine & set(title.requires))
        note = t("vote_needs_earlier", lang, titles=", ".join(title.requires)) if missing else ""
        rows.append({
            "unit_code": r.unit_code, "short_name": r.short_name, "name": r.name, "block": r.block, "total": r.total,
            "grade": r.grade, "rank": r.rank, "eligible": not missing, "note": note,
        })  # fmt: skip
    frame = pd.DataFrame(rows, columns=["unit_code", "short_name", "name", "block", "total", "grade", "rank", "eligible", "note"])
    return with_registration(frame, title, approved, lang)


@dataclass(frozen=True)
class Result:
    title: Title
    voters: int
    rule: str
    table: pd.DataFrame  # unit_code, unit, name, block, votes, share, passed, tie, registration, note — best-voted first

    @property
    def winners(self) -> list[str]:
        return self.table.loc[self.table["passed"], "unit"].tolist()

    @property
    def tied(self) -> list[str]:
        return self.table.loc[self.table["tie"], "unit"].tolist()

    @property
    def unregistered(self) -> list[str]:
        """Units that passed though their approved registration does not include the title."""
        return self.table.loc[self.table["passed"] & (self.table["registration"].fillna("") != ""), "unit"].tolist()


def tally(title: Title, voters: int, counts: dict[str, int], standing: pd.DataFrame, lang: str = "vi") -> Result:
    """Apply the title's rule to the votes of the eligible candidates in `standing` (from candidates())."""
    if voters < 1:
        raise ValueError(t("vote_voters_positive", lang))
    eligible = standing[standing["eligible"].astype(bool)]
    frame = pd.DataFrame({
        "unit_code": eligible["unit_code"], "unit": eligible["short_name"], "name": eligible["name"], "block": eligible["block"],
        "votes": [int(counts.get(code, 0)) for code in eligible["unit_code"]],
        "registration": eligible["registration"],
    })  # fmt: skip
    frame["share"] = frame["votes"] / voters
    frame = frame.sort_values(["votes", "unit"], ascending=[False, True]).reset_index(drop=True)
    reaching = frame["share"] > title.share
    above = frame.loc[reaching, "votes"].tolist()
    cutoff = above[title.places - 1] if len(above) > title.places else None
    passed, tie = [], []
    for votes, reached in zip(frame["votes"], reaching, strict=True):
        if not reached:
            passed.append(False)
            tie.append(False)
        elif cutoff is None or votes > cutoff:
            passed.append(True)
            tie.append(False)
        else:
            level = sum(1 for v in above if v > cutoff) + above.count(cutoff)
            at_cutoff = votes == cutoff and level > title.places
            passed.append(votes == cutoff and not at_cutoff)
            tie.append(at_cutoff)
    frame["passed"], frame["tie"] = passed, tie
    frame["note"] = [_note(title, voters, r, lang) for r in frame.itertuples(index=False)]
    return Result(title, voters, rule_text(title, lang), frame)


def summary_text(result: Result, lang: str = "vi") -> str:
    """One paragraph: the title, the voters present, the rule applied, who passed and who tied."""
    none = t("vote_nobody", lang)
    text = t(
        "vote_summary",
        lang,
        title=result.title.title,
        voters=result.voters,
        rule=result.rule,
        passed=", ".join(result.winners) or none,
    )
    if result.tied:
        text = f"{text} {t('vote_summary_tie', lang, units=', '.join(result.tied))}"
    if result.unregistered:
        text = f"{text} {t('vote_summary_unregistered', lang, units=', '.join(result.unregistered))}"
    return text


def _verdict(title: Title, voters: int, r, lang: str) -> str:  # type: ignore[no-untyped-def]
    counted = t("vote_counted", lang, votes=r.votes, voters=voters, share=fmt_percent(r.share * 100))
    if r.passed:
        return f"{counted} — {t('vote_passed', lang)}"
    if r.tie:
        return f"{counted} — {t('vote_tie', lang)}"
    if r.share > title.share:
        return f"{counted} — {t('vote_beyond_places', lang, places=title.places)}"
    return f"{counted} — {t('vote_below_share', lang, share=fmt_number(title.share * 100, 0))}"


def _note(title: Title, voters: int, r, lang: str) -> str:  # type: ignore[no-untyped-def]
    """The count's verdict, then the registration flag when there is one."""
    verdict = _verdict(title, voters, r, lang)
    return f"{verdict} ({r.registration})" if r.registration else verdict


def result_frame(result: Result) -> pd.DataFrame:
    """The result file's columns: unit_code,unit,votes,share,passed,registration (share a fraction to 4
    decimals, passed true/false, registration the flag or empty)."""
    out = result.table[RESULT_COLUMNS].copy()
    out["share"] = out["share"].round(4)
    out["passed"] = out["passed"].map({True: "true", False: "false"})
    return out


def recorded(cur: Cursor, year: int) -> pd.DataFrame:
    """The latest recorded vote of each title of the year, one row per candidate, best-voted first.

    Columns: vote_id, title_code, title, voters, rule, recorded_at, recorded_by, unit_code, short_name,
    name, block, votes, share, passed, tie."""
    return cur.execute(
        """
        WITH latest AS (
            SELECT * FROM votes v WHERE year = $year
            AND id = (SELECT max(id) FROM votes w WHERE w.year = v.year AND w.title_code = v.title_code)
        )
        SELECT l.id AS vote_id, l.title_code, l.title, l.voters, l.rule, l.recorded_at, l.recorded_by,
               c.unit_code, u.short_name, u.name, u.block, c.votes, c.votes / l.voters AS share, c.passed, c.tie
        FROM latest l JOIN vote_counts c ON c.vote_id = l.id LEFT JOIN unit_years u ON u.code = c.unit_code AND u.year = l.year
        ORDER BY l.id, c.votes DESC, u.short_name
        """,
        {"year": int(year)},
    ).df()


def save(cur: Cursor, year: int, result: Result, *, by: str, source: str | None, sha256: str | None) -> int:
    """Write one vote (inside the caller's transaction); returns its id."""
    row = cur.execute("SELECT nextval('vote_ids')").fetchone()
    assert row is not None
    vote_id = int(row[0])
    cur.execute(
        "INSERT INTO votes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [vote_id, int(year), result.title.code, result.title.title, int(result.voters), result.rule, source, sha256, datetime.now(), by],
    )
    for r in result.table.itertuples(index=False):
        cur.execute("INSERT INTO vote_counts VALUES (?, ?, ?, ?, ?)", [vote_id, r.unit_code, int(r.votes), bool(r.passed), bool(r.tie)])
    return vote_id
