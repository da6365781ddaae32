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
from scipy import special

from ..core.config import DEFAULT_MIN_GROUP_SIZE
from .instrument import Instrument, load_instrument

__all__ = ["reverse_key", "keyed_items", "item_matrix", "theme_scores", "aggregate", "aggregate_columns",
           "suppress_small_groups", "DEFAULT_MIN_SHARE", "DEFAULT_MIN_GROUP_SIZE"]

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


def keyed_items(frame: pd.DataFrame, instrument: Instrument | None = None) -> pd.DataFrame:
    """The instrument's item columns present in ``frame``, reverse-keyed: once per dataset.

    What every scale statistic reads (scale scores, alpha, factor analysis). Key the items once
    where the responses are prepared and pass the result along (``theme_scores(..., keyed=)``,
    a selection of its rows per region or wave), rather than calling :func:`reverse_key` in
    each step: a copy of the item columns each time.

    Examples
    --------
    >>> from monitor.survey.instrument import instrument_from_keys
    >>> instrument = instrument_from_keys({"A": ["-a1", "a2"]}, 1, 5)
    >>> keyed_items(pd.DataFrame({"id": [7, 8], "a1": [1, 4], "a2": [2, 3]}), instrument)
       a1  a2
    0   5   2
    1   2   3
    """
    instrument = instrument or load_instrument()
    return reverse_key(frame[[c for c in instrument.item_ids if c in frame.columns]], instrument)


def item_matrix(frame: pd.DataFrame, items: list[str]) -> np.ndarray:
    """Items as a float array with NaN for missing, the form numerical code works on.

    Filled column by column into one array: no float copy of the whole selection on the way.
    """
    out = np.empty((len(frame), len(items)), dtype="float64")
    for j, item in enumerate(items):
        out[:, j] = frame[item].to_numpy(dtype="float64", na_value=np.nan)
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
                 min_share: float = DEFAULT_MIN_SHARE, keep: Sequence[str] | None = None,
                 keyed: pd.DataFrame | None = None) -> pd.DataFrame:
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
    keyed : DataFrame, optional
        The items of ``frame`` already reverse-keyed (:func:`keyed_items`), when the caller
        needs them as well; default: keyed here.

    Returns
    -------
    DataFrame
        ``keep`` columns plus one ``Float64`` column per scale id and ``trust_index``.
    """
    if not 0 < min_share <= 1:
        raise ValueError(f"min_share must lie in (0, 1], not {min_share}")
    instrument = instrument or load_instrument()
    if keyed is None:
        # Only the item columns are keyed (a copy of the whole frame would double the memory of score).
        keyed = keyed_items(frame, instrument)
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
_FIGURES = ["n", "mean", "sd", "ci_low", "ci_high", "pct_favourable"]


def _column_codes(column: pd.Series) -> tuple[np.ndarray, int]:
    """Integer codes in the sort order of ``groupby(sort=True)`` (categories in their own order,
    other values sorted), a missing value coded last; and the number of codes."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes, k = column.cat.codes.to_numpy().astype("int64"), len(column.cat.categories)
    else:
        codes, uniques = pd.factorize(column, sort=True, use_na_sentinel=True)
        k = len(uniques)
    return np.where(codes < 0, k, codes), k + 1


def _combined_codes(columns: Sequence[np.ndarray], sizes: Sequence[int]) -> np.ndarray:
    """One code per combination of the column codes, ordered lexicographically (as a sorted groupby)."""
    combined, bound = np.zeros(len(columns[0]) if len(columns) else 0, dtype="int64"), 1
    for codes, size in zip(columns, sizes, strict=True):
        if bound * size >= 2 ** 62:  # renumber densely (order kept) before the product overflows
            uniques, combined = np.unique(combined, return_inverse=True)
            combined, bound = combined.reshape(-1), len(uniques)
        combined, bound = combined * size + codes, bound * size
    return combined


def _group_figures(scores: pd.DataFrame, by: list[str], measures: list[str], favourable_from: float,
                   confidence: float, favourable: Sequence[str] | None) -> tuple[np.ndarray, list, dict]:
    """The unsuppressed figures of :func:`aggregate` as arrays of ``groups x measures`` values
    (row ``g * len(measures) + j``), with the first row of each group in ``scores`` and the
    codes of each grouping column per row."""
    coded = [_column_codes(scores[b]) for b in by]
    combined = _combined_codes([c for c, _ in coded], [k for _, k in coded])
    _, first, codes = np.unique(combined, return_index=True, return_inverse=True)
    k, width = len(first), len(measures)
    values = np.empty((len(scores), width))
    for j, m in enumerate(measures):
        values[:, j] = scores[m].to_numpy(dtype="float64", na_value=np.nan)
    # Per-group sums by bincount over (group, measure) bins, each bin summed in row order (the
    # melt/groupby of pandas costs ten times more, and region reports call this hundreds of times).
    rows, cols = np.nonzero(~np.isnan(values))
    bins, v = codes.reshape(-1)[rows] * width + cols, values[rows, cols]
    n = np.bincount(bins, minlength=k * width).astype("float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(bins, weights=v, minlength=k * width) / n
        sd = np.sqrt(np.bincount(bins, weights=(v - mean[bins]) ** 2, minlength=k * width) / (n - 1))
        fav = np.bincount(bins, weights=(v >= favourable_from).astype("float64"), minlength=k * width) / n
    sd[n < 2] = np.nan
    if favourable is not None:
        fav[~np.tile(np.isin(np.array(measures, dtype=object), list(favourable)), k)] = np.nan  # not for years
    count = n.astype("int64")
    t = special.stdtrit(np.maximum(count - 1, 1), 0.5 + confidence / 2)  # what stats.t.ppf computes
    with np.errstate(invalid="ignore", divide="ignore"):
        half = np.where(count > 1, t * sd / np.sqrt(count), np.nan)
    repeat = np.repeat(np.arange(k), width)
    figures = {"measure": np.tile(np.array(measures, dtype=object), k), "n": count, "mean": mean, "sd": sd,
               "ci_low": mean - half, "ci_high": mean + half, "pct_favourable": 100 * fav}
    return first, [c[first][repeat] for c, _ in coded], figures


def _check_grouping(scores: pd.DataFrame, by, min_group_size: int) -> list[str]:
    by = [by] if isinstance(by, str) else list(by)
    unknown = [c for c in by if c not in scores]
    if unknown:
        raise KeyError(f"grouping column(s) not in the data: {', '.join(unknown)}")
    if min_group_size < 1:
        raise ValueError("min_group_size must be at least 1")
    return by


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
    :func:`suppress_small_groups`. :func:`aggregate_columns` gives the same figures as arrays.
    """
    by = _check_grouping(scores, by, min_group_size)
    if measures is None:
        measures = [c for c in scores.columns if c not in by and pd.api.types.is_float_dtype(scores[c])]
    measures = list(measures)
    first, _, columns = _group_figures(scores, by, measures, favourable_from, confidence, favourable)
    keys = scores[by].iloc[first].reset_index(drop=True)
    table = keys.iloc[np.repeat(np.arange(len(first)), len(measures))].reset_index(drop=True)
    for name, values in columns.items():
        table[name] = values
    return suppress_small_groups(table, by=by, min_group_size=min_group_size)


def aggregate_columns(scores: pd.DataFrame, by: Sequence[str], measures: Sequence[str],
                      min_group_size: int = DEFAULT_MIN_GROUP_SIZE, favourable_from: float = 4.0,
                      confidence: float = 0.95) -> dict[str, list]:
    """:func:`aggregate` as plain columns (lists), without building a DataFrame.

    The region reports call this a few hundred times per wave on small frames, where the
    DataFrame itself costs more than the figures. Same rows, figures and suppression as
    :func:`aggregate`; group keys are Python values (a missing key ``None``, or NaN for a
    category), ``suppressed`` is ``""``, ``"primary"`` or ``"complementary"``, and a
    suppressed row's figures are NaN.
    """
    by, measures = _check_grouping(scores, by, min_group_size), list(measures)
    first, dims, columns = _group_figures(scores, by, measures, favourable_from, confidence, None)
    keys = {}
    for b in by:
        values = scores[b].iloc[first].tolist()
        keys[b] = [None if v is pd.NA else v for v in values for _ in measures]
    measure_codes = np.tile(pd.factorize(np.array(measures, dtype=object))[0], len(first))
    primary, hidden = _suppression(columns["n"].astype("float64"), dims, [measure_codes], min_group_size)
    out = {**keys, "measure": columns["measure"].tolist()}
    for name in _FIGURES:
        out[name] = np.where(hidden, np.nan, columns[name].astype("float64")).tolist()
    out["suppressed"] = np.where(primary, "primary", np.where(hidden, "complementary", "")).tolist()
    return out


def _partitions(dims: list[np.ndarray], within: list[np.ndarray]) -> list[list[np.ndarray]]:
    """Per grouping dimension, the row sets that add up to a total: rows equal in every other
    dimension and in ``within``, in order of first appearance, each in row order."""
    size = len(dims[0]) if dims else len(within[0]) if within else 0
    out = []
    for d in range(len(dims)):
        rest = [c for i, c in enumerate(dims) if i != d] + list(within)
        if rest:
            combined = _combined_codes(rest, [int(c.max()) + 1 if len(c) else 1 for c in rest])
            _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
            codes = np.argsort(np.argsort(first, kind="stable"), kind="stable")[inverse.reshape(-1)]
        else:
            codes = np.zeros(size, dtype=int)
        order = np.argsort(codes, kind="stable")
        out.append(np.split(order, np.flatnonzero(np.diff(codes[order])) + 1) if len(order) else [])
    return out


def _suppression(n: np.ndarray, dims: list[np.ndarray], within: list[np.ndarray],
                 min_group_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Primary and all (primary or complementary) hidden rows; see :func:`suppress_small_groups`."""
    hidden = (n > 0) & (n < min_group_size)
    primary = hidden.copy()
    if not hidden.any():
        return primary, hidden  # nothing hidden: no partition can need a complement
    partitions = _partitions(dims, within)
    changed = True
    while changed:
        changed = False
        for dim_partitions in partitions:
            for idx in dim_partitions:
                while True:
                    sup = idx[hidden[idx] & (n[idx] > 0)]
                    if len(sup) == 0 or (len(sup) >= 2 and n[sup].sum() >= min_group_size):
                        break
                    candidates = idx[~hidden[idx] & (n[idx] > 0)]
                    if len(candidates) == 0:
                        break  # the whole partition is hidden; its total is hidden by the same rule
                    hidden[candidates[np.argmin(n[candidates])]] = True
                    changed = True
    return primary, hidden


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
    primary, hidden = _suppression(out[count].to_numpy(dtype="float64"),
                                   [_column_codes(out[c])[0] for c in by],
                                   [_column_codes(out[c])[0] for c in within], min_group_size)
    out["suppressed"] = np.where(primary, "primary", np.where(hidden, "complementary", ""))
    figures = [c for c in out.columns if c not in by and c not in within and c != "suppressed"
               and pd.api.types.is_numeric_dtype(out[c])]
    for col in figures:
        out[col] = out[col].astype("float64").mask(hidden)
    return out
