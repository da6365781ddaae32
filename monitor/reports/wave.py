"""One region's report and every region's report of a wave, with disclosure control across them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import Hider, RegionReport, cell_key
from .reading import flagged_themes, key_messages
from .sections import (
    differences,
    item_answers,
    life_cycle,
    method_note,
    open_answers,
    perspective_gap,
    respondents,
    small_region,
    summary,
    trends,
    within_municipality,
)

if TYPE_CHECKING:
    from .prepare import Prepared, RegionData

__all__ = ["instrument_labels", "region_report", "wave_reports", "iter_wave_reports"]


def instrument_labels(instrument) -> dict:
    """The instrument's words a report shows (scales, indices, items, categories), per language,
    so that presentation needs no instrument file."""
    measures = {}
    for module in instrument.modules:
        if module.index:
            measures[module.index["id"]] = dict(module.index["label"])
    for scale in instrument.scales:
        measures[scale.id] = dict(scale.label)
    labels = {"measure": measures, "item": {i.id: dict(i.text) for i in instrument.items},
              "reverse": [i for i in instrument.reverse_items]}
    for var, kind in (("function", "function"), ("organisation_type", "type")):
        try:
            labels[kind] = {k: dict(v) for k, v in instrument.background_var(var).categories.items()}
        except KeyError:
            labels[kind] = {}
    labels["scale"] = {str(k): dict(v) for k, v in instrument.scale.labels.items()}
    return labels


def region_report(data: RegionData, hider: Hider | None = None) -> RegionReport:
    """Every section of one region's report (or its short page when the region is small)."""
    hider = hider or Hider()
    n = len(data.latest_frame)
    structure = {}
    if {"organisation", "organisation_type"} <= set(data.frame.columns):
        # Public knowledge an outsider may use: an organisation belongs to one type and region
        # (an organisation with respondents of two types is left out: no such fact holds).
        pairs = data.latest_frame[["organisation", "organisation_type"]].astype(str).drop_duplicates()
        single = pairs[~pairs["organisation"].duplicated(keep=False)]
        structure = {"nesting": {"organisation": {org: {"organisation_type": t, "region": data.region}
                                                  for org, t in single.itertuples(index=False)}}}
    common = {"labels": instrument_labels(data.instrument), "region": data.region, "wave": data.wave, "waves": data.waves, "n": n,
              "min_group_size": data.min_group_size, "min_comment_group_size": data.min_comment_group_size,
              "meta": data.meta, "structure": structure}
    if n < data.min_group_size or hider({"wave": data.wave, "region": data.region}, None):
        return RegionReport(small=True, sections=[small_region(data)], **common)
    summary_section = summary(data, hider)
    trend_section = trends(data, hider)
    labels = trend_section.figures[0].data["labels"]
    gap_section = perspective_gap(data, hider)
    flags_section = flagged_themes(data, summary_section, labels)
    sections = [key_messages(data, summary_section, trend_section, gap_section, flags_section),
                respondents(data, hider), summary_section, trend_section, differences(data, hider, "function")]
    if "organisation" in data.frame.columns:
        sections += [differences(data, hider, "organisation"), within_municipality(data, hider)]
    sections += [gap_section, item_answers(data, hider), flags_section, life_cycle(data, hider, labels),
                 open_answers(data), method_note(data, hider)]
    return RegionReport(small=False, sections=sections, **common)


def wave_reports(prepared: Prepared, wave: int | None = None, regions: list[str] | None = None,
                 audit: bool = True) -> dict[str, RegionReport]:
    """Every region's report of one wave, with disclosure control across all of them.

    First each region's sections are built with primary and within-table suppression; then
    :func:`monitor.privacy.suppression.secondary_suppression` looks at every cell the wave publishes
    (all regions, the all-regions benchmark, every table) and names further cells to hide so
    that no hidden cell's count or sum can be derived; the regions touched are built again
    with those hidden. ``regions`` limits what is returned, never what is checked.
    """
    reports = dict(iter_wave_reports(prepared, wave, audit))  # a rebuilt region's last report counts
    wanted = regions or list(reports)
    return {r: reports[r] for r in wanted if r in reports}


def iter_wave_reports(prepared: Prepared, wave: int | None = None, audit: bool = True):
    """:func:`wave_reports` one region at a time, for a caller that puts each to work at once.

    Yields ``(region, report)``: first every region with respondents in the wave, then (after
    the secondary suppression across all of them) each region built again with the extra
    cells hidden. A region's last report is its final one; ``monitor render`` renders each
    as it comes and lets a rebuilt region's second report supersede its first.
    """
    wave = prepared.waves[-1] if wave is None else int(wave)
    in_wave = (prepared.frame["wave"] == wave).to_numpy(dtype=bool, na_value=False)
    with_rows = {str(r) for r in prepared.frame["region"][in_wave].dropna().unique()}
    present = [r for r in prepared.regions if r in with_rows]
    cells, structure = [], []
    for r in present:
        report = region_report(prepared.region(r, wave))
        if audit:
            cells += [c.as_dict() for c in report.cells]
            structure.append(report.structure)
        yield r, report
    if audit and cells:
        from ..privacy.suppression import secondary_suppression  # SciPy's HiGHS: only when the wave is audited

        extra = secondary_suppression(cells, structure=structure)
        if extra:
            by_id = {c["id"]: c for c in cells}
            keys = {cell_key(by_id[i]["group"], by_id[i]["measure"]) for i in extra}
            hider = Hider(keys)
            touched = {by_id[i]["group"].get("region") for i in extra}
            for r in present:
                if r in touched or None in touched:
                    yield r, region_report(prepared.region(r, wave), hider)
