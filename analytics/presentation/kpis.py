"""Headline figures for the overview page, computed from one period_values() result."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.labels import fmt_number, fmt_percent, names_list, t


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    value: str
    detail: str


# The indicators the headline figures read; the frame is split by these once, not filtered per figure.
_USED = ("xa_ntm", "dien_hinh", "xa_xnpl_dang_ky", "xa_xnpl_dat", "ty_le_viec", "viec_xong", "viec_co_dk", "ty_le_tien", "tien_xong",
         "tien_co_dk")  # fmt: skip


class _ByIndicator:
    def __init__(self, frame: pd.DataFrame) -> None:
        part = frame[frame["indicator"].isin(_USED)]
        self._parts = dict(tuple(part.groupby("indicator", sort=False)))
        self._empty = frame.iloc[0:0]

    def __getitem__(self, indicator: str) -> pd.DataFrame:
        if indicator not in _USED:  # a new figure must name its indicator above, not read an empty frame
            raise KeyError(f"{indicator} is not in kpis._USED")
        return self._parts.get(indicator, self._empty)


def _sum(by: _ByIndicator, indicator: str) -> float | None:
    part = by[indicator]["value"].dropna()
    return None if part.empty else float(part.sum())


# A KPI caption names at most this many units; at national scale the others are counted, not listed
# (a list of 500 names pushed the chart off the screen and slowed every rerun in the browser).
MAX_NAMES = 10


def kpis(frame: pd.DataFrame, reporting: pd.DataFrame, lang: str = "vi") -> list[Kpi]:
    """Units reported, NTM communes vs the cluster target, models, legal-poverty communes, enforcement."""
    out: list[Kpi] = []
    done = int(reporting["reported"].sum())
    missing = reporting.loc[~reporting["reported"], "short_name"].tolist()
    out.append(
        Kpi(
            "reported",
            t("kpi_reported", lang),
            f"{done}/{len(reporting)}",
            t("kpi_missing_units", lang, units=names_list(missing, lang, MAX_NAMES)) if missing else "",
        )
    )
    by = _ByIndicator(frame)
    ntm = by["xa_ntm"]
    if not ntm.empty:
        goal = ntm["target_min"].fillna(0).sum()
        below = ntm.loc[ntm["meets_target"].eq(False), "short_name"].tolist()
        meeting = int(ntm["meets_target"].eq(True).sum())
        detail = t("target_cluster", lang, value=fmt_number(goal)) + " · " + t("kpi_units_met", lang, met=meeting, total=len(ntm))
        if below:
            detail += " · " + t("below_target", lang) + ": " + names_list(below, lang, MAX_NAMES)
        out.append(Kpi("xa_ntm", t("kpi_ntm", lang), fmt_number(_sum(by, "xa_ntm")), detail))
    models = by["dien_hinh"]
    if not models.empty:
        reached = int(models["meets_target"].eq(True).sum())
        with_target = int(models["target_min"].notna().sum())
        detail = t("kpi_models_detail", lang, reached=reached, total=len(models)) if with_target else ""
        out.append(Kpi("dien_hinh", t("kpi_models", lang), fmt_number(_sum(by, "dien_hinh")), detail))
    reg, ach = _sum(by, "xa_xnpl_dang_ky"), _sum(by, "xa_xnpl_dat")
    if reg is not None:
        registered = int((by["xa_xnpl_dang_ky"]["value"] > 0).sum())
        out.append(Kpi("xnpl", t("kpi_xnpl", lang), f"{fmt_number(ach)}/{fmt_number(reg)}", t("kpi_xnpl_detail", lang, units=registered)))
    for key, num, den, label in (
        ("ty_le_viec", "viec_xong", "viec_co_dk", "kpi_enforcement"),
        ("ty_le_tien", "tien_xong", "tien_co_dk", "kpi_enforcement_money"),
    ):
        den_sum, num_sum = _sum(by, den), _sum(by, num)
        if not den_sum:
            continue
        rates = by[key]
        targeted = rates[rates["target_min"].notna()]
        detail = (
            t("kpi_enforcement_detail", lang, met=int(targeted["meets_target"].eq(True).sum()), total=len(targeted))
            if len(targeted)
            else ""
        )
        below = targeted.loc[targeted["meets_target"].eq(False), "short_name"].tolist()
        if below:
            detail += " · " + t("below_target", lang) + ": " + names_list(below, lang, MAX_NAMES)
        out.append(Kpi(key, t(label, lang), fmt_percent(100 * (num_sum or 0) / den_sum), detail))
    return out
