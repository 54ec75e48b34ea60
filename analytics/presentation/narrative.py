"""A short summary generated from the period's figures, one sentence per fact, per block.

Only facts the data supports are stated: an indicator without targets or values is left out, and a
unit without data is named as not reported, never counted as below target.
"""

from __future__ import annotations

import pandas as pd

from analytics.labels import BLOCKS, block_name, fmt_number, names_list, t
from analytics.presentation import captions

# Indicators a leader asks about first, in the order they are read out.
HEADLINE = ("xa_ntm", "dien_hinh", "ty_le_viec", "ty_le_tien", "ty_le_tap_the_ht")
# A summary sentence has room for more names than a slide caption, fewer than a KPI's detail.
MAX_NAMES = 6


def narrative(
    values: pd.DataFrame, reporting: pd.DataFrame, quarter_label: str, scores: pd.DataFrame | None = None, lang: str = "vi"
) -> list[str]:
    """Sentences such as 'Khối Sở Tư pháp: 10/11 đơn vị đạt chỉ tiêu “Số xã…”; chưa đạt: STP Hải Dương.'"""
    lines: list[str] = []
    targeted = values[values["indicator"].isin(HEADLINE) & (values["target_min"].notna() | values["target_max"].notna())]
    parts = dict(tuple(targeted.groupby(["block", "indicator"], sort=False)))  # split once, not filtered per sentence
    for block in BLOCKS:
        name = block_name(block, lang)
        rep = reporting[reporting["block"] == block]
        if rep.empty:
            continue
        late = rep.loc[~rep["reported"].astype(bool), "short_name"].tolist()
        if late:
            units = names_list(late, lang, MAX_NAMES)
            lines.append(t("narrative_late", lang, block=name, late=len(late), total=len(rep), period=quarter_label, units=units))
        for code in HEADLINE:
            part = parts.get((block, code))
            if part is None or part["value"].isna().all():
                continue
            met = part.loc[part["meets_target"].eq(True), "short_name"].tolist()
            below = part.loc[part["meets_target"].eq(False), "short_name"].tolist()
            missing = part.loc[part["value"].isna(), "short_name"].tolist()
            text = t("narrative_met", lang, block=name, met=len(met), total=len(part), indicator=str(part["label"].iloc[0]))
            if below:
                text += t("narrative_below", lang, units=names_list(below, lang, MAX_NAMES))
            if missing:
                text += t("narrative_missing", lang, units=names_list(missing, lang, MAX_NAMES))
            late = captions.late_units(part, lang)
            if late:
                text += t("narrative_late_values", lang, units=names_list(late, lang, MAX_NAMES))
            lines.append(text + ".")
        if scores is not None and not scores.empty:
            top = scores[(scores["block"] == block) & (scores["rank"] == 1)]
            if not top.empty:
                # Units placed first share one total (ties on points share the place). "Dẫn đầu" is a
                # title the cluster votes, so the sentence says only what the score says.
                key = "narrative_top_score_shared" if len(top) > 1 else "narrative_top_score"
                units = names_list(top["short_name"].tolist(), lang, MAX_NAMES)
                lines.append(t(key, lang, block=name, units=units, points=fmt_number(float(top["total"].iloc[0]), 2)))
    return lines
