"""Scoring: reverse-keying, scale scores, the trust index, and suppressed group tables.

Privacy rule: a group with fewer than ``min_group_size`` answers shows no figure (primary
suppression), and further groups are hidden (complementary suppression) so that no hidden
group can be recovered by subtracting the shown groups from a shown total.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from .config import DEFAULT_MIN_GROUP_SIZE
from .data import item_matrix
from .instrument import Instrument, load_instrument

__all__ = ["reverse_key", "theme_scores", "aggregate", "suppress_small_groups",
           "DEFAULT_MIN_SHARE", "DEFAULT_MIN_GROUP_SIZE"]

DEFAULT_MIN_SHARE = 2 / 3


def reverse_key(frame: pd.DataFrame, instrument: Instrument | None = None) -> pd.DataFrame:
    """Return a copy with reverse-keyed items recoded as ``min + max - answer``.

    Examples
    --------
    On the 1-5 scale, an answer 1 to a reverse-keyed item becomes 5; missing stays missing.
    """
    instrument = instrument or load_instrument()
    out = frame.copy()
    for item in instrument.reverse_items:
        if item in out:
            answers = instrument.answer_scale(item)  # the item's own answer scale, if it has one
            out[item] = (answers.min + answers.max - out[item]).astype(out[item].dtype)
    return out


def _row_mean(values: np.ndarray) -> np.ndarray:
    """Mean of the finite values per row; NaN for a row without any."""
    finite = np.isfinite(values)
    count = finite.sum(axis=1)
    total = np.where(finite, values, 0.0).sum(axis=1)
    return np.divide(total, count, out=np.full(len(values), np.nan), where=count > 0)


def _required_answers(n_items: int, min_share: float) -> int:
    # A small tolerance so that 2/3 of 3 items asks for 2, not 3, despite rounding.
    return max(1, math.ceil(n_items * min_share - 1e-9))


def theme_scores(frame: pd.DataFrame, instrument: Instrument | None = None,
                 min_share: float = DEFAULT_MIN_SHARE, keep: Sequence[str] | None = None) -> pd.DataFrame:
    """Score every scale of the modules present: themes, outcomes, factors and stages.

    A scale score is the mean of the answered items, after reverse-keying, when at least
    ``min_share`` of the scale's items are answered; otherwise it is missing. The trust index
    is the mean of the six trust-theme scores when at least ``min_share`` of them are scored.

    Parameters
    ----------
    frame : DataFrame
        Responses as returned by :func:`monitor.load_responses`.
    min_share : float
        Share of a scale's items that must be answered, in (0, 1]; default 2/3.
    keep : list of str, optional
        Columns carried over from ``frame``; default all background variables present.

    Returns
    -------
    DataFrame
        ``keep`` columns plus one ``Float64`` column per scale id and ``trust_index``.
    """
    if not 0 < min_share <= 1:
        raise ValueError(f"min_share must lie in (0, 1], not {min_share}")
    instrument = instrument or load_instrument()
    # Only the item columns are keyed (a copy of the whole frame would double the memory of score).
    keyed = reverse_key(frame[[c for c in instrument.item_ids if c in frame.columns]], instrument)
    if keep is None:
        keep = [c for c in instrument.background_ids if c in frame]
    out = frame[list(keep)].copy()
    for module in instrument.modules:
        if not set(module.item_ids) <= set(frame.columns):
            continue
        for scale in module.scales:
            values = item_matrix(keyed, scale.item_ids)
            answered = np.isfinite(values).sum(axis=1)
            mean = _row_mean(values)
            ok = answered >= _required_answers(len(scale.item_ids), min_share)
            out[scale.id] = pd.array(np.where(ok, mean, np.nan), dtype="Float64")
        if module.index:
            themes = [s.id for s in module.scales_with_role("theme")]
            values = out[themes].to_numpy(dtype="float64", na_value=np.nan)
            answered = np.isfinite(values).sum(axis=1)
            mean = _row_mean(values)
            ok = answered >= _required_answers(len(themes), min_share)
            out[module.index["id"]] = pd.array(np.where(ok, mean, np.nan), dtype="Float64")
    return out


# -- group tables --------------------------------------------------------------------------
def aggregate(scores: pd.DataFrame, by: Sequence[str], measures: Sequence[str] | None = None,
              min_group_size: int = DEFAULT_MIN_GROUP_SIZE, favourable_from: float = 4.0,
              confidence: float = 0.95, favourable: Sequence[str] | None = None) -> pd.DataFrame:
    """Mean, confidence interval, n and % favourable per group, with small groups suppressed.

    Parameters
    ----------
    scores : DataFrame
        Scale scores as from :func:`theme_scores` (or any numeric columns).
    by : list of str
        Grouping columns, e.g. ``["region", "wave"]``. A missing value forms a group of its
        own, so that no respondent silently leaves the partition that suppression protects.
    measures : list of str, optional
        Columns to summarise; default every float column not in ``by``.
    min_group_size : int
        Groups with fewer answers than this show no figure (default 5).
    favourable_from : float
        A score from this value up counts as favourable (default 4.0, "mee eens").
    confidence : float
        Level of the t-based confidence interval of the mean (default 0.95).
    favourable : list of str, optional
        Measures on the answer scale, for which ``pct_favourable`` is computed; for the others
        (e.g. ``years_collaboration``, a count of years) it is missing. Default: every measure.

    Returns
    -------
    DataFrame
        Long table: ``by`` columns, ``measure``, ``n``, ``mean``, ``sd``, ``ci_low``,
        ``ci_high``, ``pct_favourable`` and ``suppressed`` (``""``, ``"primary"`` or
        ``"complementary"``). Suppressed rows have every figure, ``n`` included, missing.

    Notes
    -----
    CI: ``mean ± t(1 - α/2, n - 1) · sd / √n``. Suppression is described in
    :func:`suppress_small_groups`.
    """
    by = [by] if isinstance(by, str) else list(by)
    unknown = [c for c in by if c not in scores]
    if unknown:
        raise KeyError(f"grouping column(s) not in the data: {', '.join(unknown)}")
    if min_group_size < 1:
        raise ValueError("min_group_size must be at least 1")
    if measures is None:
        measures = [c for c in scores.columns if c not in by and pd.api.types.is_float_dtype(scores[c])]
    # One grouping for all measures; per-group sums by bincount (the melt/groupby of pandas costs
    # ten times more, and region reports call this a few hundred times per render).
    grouped = scores.groupby(by, dropna=False, observed=True, sort=True)
    codes = grouped.ngroup().to_numpy()
    keys = grouped.size().index.to_frame(index=False)
    k, measures = len(keys), list(measures)
    n_, mean_, sd_, fav_ = (np.empty((k, len(measures))) for _ in range(4))
    for j, m in enumerate(measures):
        values = scores[m].to_numpy(dtype="float64", na_value=np.nan)
        ok = ~np.isnan(values)
        c, v = codes[ok], values[ok]
        n = np.bincount(c, minlength=k).astype("float64")
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.bincount(c, weights=v, minlength=k) / n
            squares = np.bincount(c, weights=(v - mean[c]) ** 2, minlength=k)
            sd_[:, j] = np.sqrt(squares / (n - 1))
            fav_[:, j] = np.bincount(c, weights=(v >= favourable_from).astype("float64"), minlength=k) / n
        sd_[n < 2, j] = np.nan
        if favourable is not None and m not in favourable:
            fav_[:, j] = np.nan  # "% from 4 up" means nothing for a number of years
        n_[:, j], mean_[:, j] = n, mean
    table = keys.iloc[np.repeat(np.arange(k), len(measures))].reset_index(drop=True)
    table["measure"] = np.tile(np.array(measures, dtype=object), k)
    table["n"] = n_.ravel().astype("int64")
    table["mean"], table["sd"] = mean_.ravel(), sd_.ravel()
    table["pct_favourable"] = 100 * fav_.ravel()
    t = stats.t.ppf(0.5 + confidence / 2, np.maximum(table["n"] - 1, 1))
    half = np.where(table["n"] > 1, t * table["sd"] / np.sqrt(table["n"]), np.nan)
    table["ci_low"], table["ci_high"] = table["mean"] - half, table["mean"] + half
    table = table[by + ["measure", "n", "mean", "sd", "ci_low", "ci_high", "pct_favourable"]]
    return suppress_small_groups(table, by=by, min_group_size=min_group_size)


def suppress_small_groups(table: pd.DataFrame, by: Sequence[str], min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
                          count: str = "n", within: Sequence[str] = ("measure",)) -> pd.DataFrame:
    """Hide figures of small groups, and of enough other groups to protect them.

    Primary suppression hides every group with ``0 < n < min_group_size``. Complementary
    suppression then works through each grouping dimension in turn: within a partition of
    groups that add up to a total (the groups that differ only in that dimension), the hidden
    groups must be none, or at least two that together hold ``min_group_size`` answers or
    more; otherwise the smallest shown group is hidden as well. This repeats over all
    dimensions until nothing changes, so no hidden group can be recovered by subtraction from
    a shown total, not even in two-way tables where totals exist for rows and columns.

    Returns
    -------
    DataFrame
        A copy with a ``suppressed`` column and every numeric figure blanked where suppressed.
    """
    by = list(by)
    out = table.copy().reset_index(drop=True)
    n = out[count].to_numpy(dtype="float64")
    hidden = (n > 0) & (n < min_group_size)
    primary = hidden.copy()
    changed = True
    partitions = {}
    for dim in by:
        rest = [c for c in by if c != dim] + list(within)
        codes = out.groupby(rest, sort=False, dropna=False, observed=True).ngroup().to_numpy() if rest else \
            np.zeros(len(out), dtype=int)
        order = np.argsort(codes, kind="stable")
        partitions[dim] = np.split(order, np.flatnonzero(np.diff(codes[order])) + 1) if len(order) else []
    while changed:
        changed = False
        for dim in by:
            for idx in partitions[dim]:
                while True:
                    sup = idx[hidden[idx] & (n[idx] > 0)]
                    if len(sup) == 0 or (len(sup) >= 2 and n[sup].sum() >= min_group_size):
                        break
                    candidates = idx[~hidden[idx] & (n[idx] > 0)]
                    if len(candidates) == 0:
                        break  # the whole partition is hidden; its total is hidden by the same rule
                    hidden[candidates[np.argmin(n[candidates])]] = True
                    changed = True
    out["suppressed"] = np.where(primary, "primary", np.where(hidden, "complementary", ""))
    figures = [c for c in out.columns if c not in by and c not in within and c != "suppressed"
               and pd.api.types.is_numeric_dtype(out[c])]
    for col in figures:
        out[col] = out[col].astype("float64").mask(hidden)
    return out
