"""The quarterly upload template (one row per active unit, Vietnamese headers) and a filled sample."""

from __future__ import annotations

import pandas as pd

from analytics import demo
from analytics.config import Campaign
from analytics.labels import TEMPLATE_IDENTITY, indicator_header, t
from analytics.registry import Unit, in_listing_order, units_in

SHEET = "Mau_bao_cao"  # the worksheet of the .xlsx template and sample ("Mẫu báo cáo")


def template_frame(units: list[Unit], campaign: Campaign, quarter: int, *, filled: bool = False) -> pd.DataFrame:
    """Identity columns filled for the units of the quarter, indicator columns empty (or demo values when `filled`)."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError(t("up_bad_quarter").capitalize())
    active = in_listing_order(units_in(units, campaign.year, quarter))  # rows as every list shows units
    inputs = campaign.input_indicators()
    frame = pd.DataFrame(
        {
            TEMPLATE_IDENTITY["unit_code"]: [u.code for u in active],
            TEMPLATE_IDENTITY["unit_name"]: [u.name for u in active],
            TEMPLATE_IDENTITY["block"]: [u.block for u in active],
            TEMPLATE_IDENTITY["year"]: campaign.year,
            TEMPLATE_IDENTITY["quarter"]: quarter,
        }
    )
    values = pd.DataFrame(index=frame.index)
    if filled:
        long = demo.generate(units, campaign)
        long = long[long["quarter"] == quarter]
        wide = long.pivot(index="unit_code", columns="indicator", values="value")
        wide = wide.reindex(index=[u.code for u in active]).reset_index(drop=True)
    for ind in inputs:
        column = wide[ind.code] if filled and ind.code in wide else pd.Series([None] * len(frame), dtype="Float64")
        values[indicator_header(ind.label, ind.unit)] = column.astype("Float64")
    return pd.concat([frame, values], axis=1)
