"""Handlers of `units`, `template`, `sample`, `export`, `results`, `scores`, `check-config` and
`scale-sample`: reading the configuration and the store, writing files."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time

import pandas as pd

from analytics import export, results, scale
from analytics.cli.common import CliRefused, opened, write_frame, write_text
from analytics.config import load_campaigns
from analytics.ingest import templates
from analytics.labels import fmt_number, t
from analytics.registry import in_listing_order, load_units, predecessors, units_in, units_on
from analytics.settings import Settings

UNIT_LISTING = [
    "code", "name", "province", "block", "short_name", "valid_from", "valid_to", "successor", "parent", "predecessors", "illustrative",
]  # fmt: skip


def cmd_units(args: argparse.Namespace, settings: Settings) -> int:
    """Every version in the file, or the members of one year (`--year`) or one day (`--on`)."""
    registered = load_units(settings.units_file)  # read once: every row's predecessors come from it too
    units = in_listing_order(registered)
    if args.on is not None:
        units = units_on(units, args.on)
    elif args.year is not None:
        units = units_in(units, args.year)
    frame = pd.DataFrame(
        [
            {
                "code": u.code,
                "name": u.name,
                "province": u.province,
                "block": u.block,
                "short_name": u.short_name,
                "valid_from": u.valid_from,
                "valid_to": u.valid_to,
                "successor": u.successor,
                "parent": u.parent,
                "predecessors": " ".join(predecessors(registered, u.code)),
                "illustrative": u.illustrative,
            }
            for u in units
        ],
        columns=UNIT_LISTING,
    )
    write_frame(frame, args.output)
    if (args.year is not None or args.on is not None) and frame["illustrative"].any():
        print(t("units_illustrative_note"), file=sys.stderr)
    return 0


def _template(args: argparse.Namespace, settings: Settings, filled: bool) -> int:
    campaigns = load_campaigns(settings.campaigns_dir)
    if args.year not in campaigns:
        print(t("cli_no_campaign_year", year=args.year, folder=settings.campaigns_dir), file=sys.stderr)
        return 2
    frame = templates.template_frame(load_units(settings.units_file), campaigns[args.year], args.quarter, filled=filled)
    write_frame(frame, args.output, templates.SHEET, for_excel=True)
    return 0


def cmd_template(args: argparse.Namespace, settings: Settings) -> int:
    return _template(args, settings, filled=False)


def cmd_sample(args: argparse.Namespace, settings: Settings) -> int:
    return _template(args, settings, filled=True)


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    with opened(args, settings).reading() as cur:
        text = export.export_csv(cur, args.year)
    write_text(args.output, text)
    return 0


def cmd_results(args: argparse.Namespace, settings: Settings) -> int:
    """The period's figure for every unit and indicator, as the pages compute it, as CSV (or .xlsx)."""
    with opened(args, settings).reading() as cur:
        frame = results.results(cur, args.year, args.period, args.as_of)
    write_frame(frame, args.output, for_excel=True)
    return 0


def cmd_scores(args: argparse.Namespace, settings: Settings) -> int:
    """The year's points, grade, rank within the block and shortlist, as the scoring page computes them."""
    campaign = load_campaigns(settings.campaigns_dir).get(args.year)
    if campaign is None or campaign.rubric is None:
        raise CliRefused(t("scoring_none", year=args.year))
    with opened(args, settings).reading() as cur:
        frame = results.scores(cur, args.year, campaign.rubric, args.as_of)
    write_frame(frame, args.output, for_excel=True)
    return 0


def cmd_check_config(args: argparse.Namespace, settings: Settings) -> int:
    units = load_units(settings.units_file)
    campaigns = load_campaigns(settings.campaigns_dir)
    print(t("cli_config_units", count=len(units), file=settings.units_file))
    for year, c in sorted(campaigns.items()):
        print(t("cli_config_year", year=year, indicators=len(c.indicators), targets=len(c.targets), phases=len(c.phases), source=c.source))
    return 0


def cmd_scale_sample(args: argparse.Namespace, settings: Settings) -> int:
    """Build the synthetic store and print how to open the dashboard on it."""
    overrides = {k: getattr(args, k) for k in ("units", "years", "indicators", "communes") if getattr(args, k) is not None}
    spec = dataclasses.replace(scale.PRESETS[args.scale], **overrides)
    if spec.units < 1 or spec.years < 1:
        print(t("cli_scale_too_small"), file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        built = scale.build(args.dir, spec, replace=args.replace)
    except FileExistsError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    print(
        t(
            "cli_scale_built",
            facts=fmt_number(built.facts),
            communes=fmt_number(built.communes),
            seconds=fmt_number(elapsed, 1),
            folder=built.folder,
        )
    )
    print(t("cli_scale_open"))
    print(" ".join(f"{k}={v}" for k, v in built.env().items()) + " python -m streamlit run app.py")
    return 0
