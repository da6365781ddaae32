"""Reading a region's figures: bands, positions, trends, flagged themes and the key messages.

The rules that turn numbers into words live here, with their thresholds as named constants,
so that the summary, the flags and the key messages apply one reading.
"""

from __future__ import annotations

import copy
from dataclasses import asdict
from typing import TYPE_CHECKING

import numpy as np

from .model import Figure, Label, Section, Sentence, finite, measure_label

if TYPE_CHECKING:
    import pandas as pd

    from .prepare import RegionData

__all__ = ["band", "position", "effect_size", "trend_label", "answered", "flagged_themes", "key_messages",
           "STRONG_FROM", "CONCERN_BELOW", "MIN_TREND_CHANGE", "STAGE_FROM"]

STRONG_FROM, CONCERN_BELOW = 4.0, 3.0  # heuristic bands on the 1-5 scale


MIN_TREND_CHANGE = 0.10  # a change smaller than this is called stable, however many respondents


STAGE_FROM = 3.5  # a life-cycle stage counts as reached from this mean up


def band(mean: float | None) -> str:
    """Heuristic band of a mean on the 1-5 scale: ``strong`` / ``attention`` / ``concern``."""
    if finite(mean) is None:
        return "suppressed"
    return "strong" if mean >= STRONG_FROM else "attention" if mean >= CONCERN_BELOW else "concern"


def position(mean: float | None, low: float | None, high: float | None, benchmark: float | None) -> str | None:
    """A region's theme against all regions: ``above``/``below`` when its 95% CI lies wholly
    above/below the all-regions mean, else ``level``; None when either is hidden.

    >>> position(3.3, 3.1, 3.5, 3.6), position(3.3, 3.1, 3.5, 3.4), position(None, None, None, 3.4)
    ('below', 'level', None)
    """
    if mean is None or low is None or high is None or benchmark is None:
        return None
    return "above" if low > benchmark else "below" if high < benchmark else "level"


def effect_size(g: float) -> str:
    """Cohen's (1988) words for a standardized difference: negligible < .2 <= small < .5 <=
    medium < .8 <= large."""
    g = abs(g)
    return "negligible" if g < 0.2 else "small" if g < 0.5 else "medium" if g < 0.8 else "large"


def trend_label(previous: pd.Series | np.ndarray, latest: pd.Series | np.ndarray,
                min_group_size: int) -> tuple[str, float, float, float]:
    """rising / stable / falling between two waves, from the Welch 95% CI of the change.

    A change counts only if its CI excludes zero *and* it is at least 0.10 scale points, so
    that large groups do not turn trivial changes into trends and small groups need a larger
    change. Returns the label, the change and its CI.
    """
    a, b = answered(previous), answered(latest)
    if len(a) < min_group_size or len(b) < min_group_size:
        return "too_few", np.nan, np.nan, np.nan
    from ..stats.effects import welch_difference  # SciPy: not loaded by a kernel that only shows a report

    diff, low, high = welch_difference(a, b)
    if low > 0 and diff >= MIN_TREND_CHANGE:
        return "rising", diff, low, high
    if high < 0 and diff <= -MIN_TREND_CHANGE:
        return "falling", diff, low, high
    return "stable", diff, low, high


def answered(values) -> np.ndarray:
    """The non-missing values of a column (Series or array) as float64."""
    values = values.to_numpy(dtype="float64", na_value=np.nan) if hasattr(values, "to_numpy") else \
        np.asarray(values, dtype="float64")
    return values[~np.isnan(values)]


def flagged_themes(data: RegionData, summary_section: Section, trend_labels: dict) -> Section:
    """Themes that score low (zorgpunt), fall, or lie below all regions, with interventions."""
    interventions = data.interventions
    rows = []
    profile = summary_section.figures[0].data["rows"]
    themes = [r for r in profile[1:] if r["mean"] is not None]  # the first row is the index
    lowest = min(themes, key=lambda r: r["mean"])["measure"] if len(themes) > 1 else None
    for row in profile:
        m, mean = row["measure"], row["mean"]
        if mean is None:
            continue
        reasons = []
        if m == lowest and row["band"] != "concern":
            reasons.append(Sentence("flag_lowest", {}))
        if row["band"] == "concern":
            reasons.append(Sentence("flag_low", {"mean": mean}))
        if trend_labels.get(m) == "falling":
            reasons.append(Sentence("flag_falling", {}))
        if row["ci_high"] is not None and row["benchmark"] is not None and row["ci_high"] < row["benchmark"]:
            reasons.append(Sentence("flag_below", {"bench": row["benchmark"]}))
        if reasons:
            rows.append({"measure": m, "reasons": [asdict(r) for r in reasons],
                         "interventions": copy.deepcopy(interventions.get(m, []))})
    sentence = Sentence("flags_none", {}) if not rows else Sentence("flags_text", {"n": len(rows)})
    return Section("flags", sentences=[sentence], figures=[Figure("flags", {"rows": rows})])


def key_messages(data: RegionData, summary_section: Section, trend_section: Section, gap_section: Section,
                 flags_section: Section) -> Section:
    """Three to five key messages for the first page, computed from the other sections only
    (no new figure is published): the trust index against all regions and its trend, the
    strongest and weakest theme, clear changes since the last wave, the largest gap between
    municipalities and providers, and the themes with suggested interventions."""
    sentences = []
    profile = summary_section.figures[0].data["rows"]
    labels = trend_section.figures[0].data["labels"] if trend_section.figures else {}
    index = profile[0] if profile else None
    prev = data.waves[-2] if len(data.waves) >= 2 else None
    if index and index["mean"] is not None and index["benchmark"] is not None:
        trend = labels.get(index["measure"])
        if prev is not None and trend in ("rising", "stable", "falling"):
            sentences.append(Sentence("km_index_change", {"index": index["mean"], "bench": index["benchmark"],
                                                          "trend": Label("text", f"trend_{trend}"), "prev": prev}))
        else:
            sentences.append(Sentence("km_index", {"index": index["mean"], "bench": index["benchmark"]}))
    themes = [r for r in profile[1:] if r["mean"] is not None]
    if len(themes) >= 2:
        high, low = max(themes, key=lambda r: r["mean"]), min(themes, key=lambda r: r["mean"])
        sentences.append(Sentence("km_range", {"high": measure_label(high["measure"]), "high_mean": high["mean"],
                                               "low": measure_label(low["measure"]), "low_mean": low["mean"]}))
    if prev is not None and labels:
        rising = [measure_label(m) for m, v in labels.items() if v == "rising"]
        falling = [measure_label(m) for m, v in labels.items() if v == "falling"]
        if rising and falling:
            sentences.append(Sentence("km_changes", {"prev": prev, "up": rising, "down": falling}))
        elif rising:
            sentences.append(Sentence("km_rising", {"prev": prev, "themes": rising}))
        elif falling:
            sentences.append(Sentence("km_falling", {"prev": prev, "themes": falling}))
        else:
            sentences.append(Sentence("km_stable", {"prev": prev}))
    sentences += [s for s in gap_section.sentences if s.key.startswith("gap_") and s.key != "gap_none"][:1]
    flagged = flags_section.figures[0].data["rows"] if flags_section.figures else []
    index_id = index["measure"] if index else None  # the index is the first message's; here the themes
    with_ideas = [r for r in flagged if r["interventions"] and r["measure"] != index_id]
    if with_ideas:
        sentences.append(Sentence("km_flags", {"n": len(with_ideas), "themes": [measure_label(r["measure"]) for r in with_ideas]}))
    elif not any(r["measure"] != index_id for r in flagged):
        sentences.append(Sentence("km_flags_none", {}))
    return Section("key_messages", sentences=sentences)

