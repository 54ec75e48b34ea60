"""A short Vietnamese summary generated from the period's figures, one sentence per fact, per block.

Only facts the data supports are stated: an indicator without targets or values is left out, and a
unit without data is named as not reported, never counted as below target.
"""

from __future__ import annotations

import pandas as pd

from analytics.labels import BLOCKS, block_name, fmt_number

# Indicators a leader asks about first, in the order they are read out.
HEADLINE = ("xa_ntm", "dien_hinh", "ty_le_viec", "ty_le_tien", "ty_le_tap_the_ht")
_MAX_NAMES = 6


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:_MAX_NAMES])
    return shown + (f" và {len(names) - _MAX_NAMES} đơn vị khác" if len(names) > _MAX_NAMES else "")


def narrative(values: pd.DataFrame, reporting: pd.DataFrame, quarter_label: str, scores: pd.DataFrame | None = None) -> list[str]:
    """Sentences such as 'Khối Sở Tư pháp: 10/11 đơn vị đạt chỉ tiêu “Số xã…”; chưa đạt: STP Hải Dương.'"""
    lines: list[str] = []
    targeted = values[values["indicator"].isin(HEADLINE) & (values["target_min"].notna() | values["target_max"].notna())]
    parts = dict(tuple(targeted.groupby(["block", "indicator"], sort=False)))  # split once, not filtered per sentence
    for block in BLOCKS:
        name = block_name(block)
        rep = reporting[reporting["block"] == block]
        if rep.empty:
            continue
        late = rep.loc[~rep["reported"].astype(bool), "short_name"].tolist()
        if late:
            lines.append(f"{name}: {len(late)}/{len(rep)} đơn vị chưa báo cáo {quarter_label}: {_names(late)}.")
        for code in HEADLINE:
            part = parts.get((block, code))
            if part is None or part["value"].isna().all():
                continue
            met = part.loc[part["meets_target"].eq(True), "short_name"].tolist()
            below = part.loc[part["meets_target"].eq(False), "short_name"].tolist()
            missing = part.loc[part["value"].isna(), "short_name"].tolist()
            label = str(part["label"].iloc[0])
            text = f"{name}: {len(met)}/{len(part)} đơn vị đạt chỉ tiêu “{label}”"
            if below:
                text += f"; chưa đạt: {_names(below)}"
            if missing:
                text += f"; chưa báo cáo: {_names(missing)}"
            lines.append(text + ".")
        if scores is not None and not scores.empty:
            top = scores[(scores["block"] == block) & (scores["rank"] == 1)]
            if not top.empty:
                leaders = ", ".join(f"{r.short_name} ({fmt_number(r.total, 2)} điểm)" for r in top.itertuples(index=False))
                lines.append(f"{name}: dẫn đầu bảng điểm — {leaders}.")
    return lines
