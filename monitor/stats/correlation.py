"""Item correlations for factor analysis, the checks every method shares, and suitability.

- :func:`correlation_matrix`: Pearson (pairwise complete, by one matrix product) or polychoric
  (:mod:`monitor.stats.polychoric`) correlations of the items;
- :func:`drop_constant_items` and :func:`checked_correlation`: items without variance dropped,
  a missing correlation refused, duplicated items named and a matrix that is not positive
  definite smoothed (``psych::cor.smooth``), each with a :class:`PsychometricWarning`;
- :func:`kmo` and :func:`bartlett_sphericity`: is the matrix worth factoring (``psych::KMO``,
  ``psych::cortest.bartlett``).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from .polychoric import polychoric_matrix, smooth_correlation
from .threads import one_blas_thread
from .warnings import PsychometricWarning

__all__ = ["drop_constant_items", "checked_correlation", "pairwise_correlation", "correlation_from_parts",
           "correlation_matrix", "kmo", "bartlett_sphericity", "DUPLICATE_R"]

#: Two items correlating this strongly measure the same thing twice (a duplicated column).
DUPLICATE_R = 0.999


def _warn(message: str) -> None:
    warnings.warn(message, PsychometricWarning, stacklevel=3)


# -- checks shared by every method ---------------------------------------------------------
def drop_constant_items(items: pd.DataFrame, what: str = "analysis") -> pd.DataFrame:
    """``items`` without the columns that have no variance (fewer than two distinct answers),
    with a :class:`PsychometricWarning` naming them, as ``psych::alpha`` and ``psych::polychoric`` do."""
    values = items.astype("float64")
    constant = [column for column in items.columns if values[column].nunique(dropna=True) < 2]
    if constant:
        _warn(f"{what}: item(s) without variance dropped: {', '.join(map(str, constant))}")
        items = items.drop(columns=constant)
    return items


def checked_correlation(correlation, what: str = "analysis") -> np.ndarray:
    """A correlation matrix ready for inversion: finite, and positive definite.

    Missing correlations (a pair of items nobody answered together) raise a one-line
    ``ValueError``; items that correlate at :data:`DUPLICATE_R` or more are named in a
    :class:`PsychometricWarning`; a matrix that is not positive definite is smoothed as
    ``psych::cor.smooth`` does, with a warning.
    """
    r = np.asarray(correlation, dtype=float)
    names = list(correlation.columns) if isinstance(correlation, pd.DataFrame) else list(range(len(r)))
    if r.ndim != 2 or r.shape[0] != r.shape[1] or len(r) < 2:
        raise ValueError(f"{what}: needs a square correlation matrix of at least two items")
    if not np.isfinite(r).all():
        rows, cols = np.nonzero(~np.isfinite(r))
        raise ValueError(f"{what}: the correlation of {names[rows[0]]} and {names[cols[0]]} is missing "
                         "(no respondent answered both, or an item has no variance)")
    upper = np.triu(np.abs(r) >= DUPLICATE_R, k=1)
    if upper.any():
        pairs = [f"{names[i]} and {names[j]}" for i, j in zip(*np.nonzero(upper), strict=True)]
        _warn(f"{what}: items correlate {DUPLICATE_R} or more (duplicated?): {'; '.join(map(str, pairs[:5]))}")
    smoothed, changed = smooth_correlation(r)
    if changed:
        _warn(f"{what}: the correlation matrix is not positive definite; smoothed as psych::cor.smooth")
    return smoothed


# -- correlations --------------------------------------------------------------------------
def pairwise_correlation(values: np.ndarray) -> np.ndarray:
    """Pearson correlations, pairwise complete, for a float array with NaN (fast, by matmul)."""
    finite = np.isfinite(values)
    dtype = np.float32 if values.dtype == np.float32 else np.float64
    # Centre first so that the sums below lose no precision to cancellation.
    x = np.where(finite, values - np.nanmean(values, axis=0), 0.0).astype(dtype)
    return correlation_from_parts(x, finite.astype(dtype))


def correlation_from_parts(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Pairwise-complete correlations from centred data (0 where missing) and its mask.

    One product of ``[x, mask, x²]`` with itself gives every pairwise count, sum, sum of
    squares and cross-product.
    """
    p = x.shape[1]
    block = np.concatenate([x, mask, x * x], axis=1)
    products = (block.T @ block).astype(np.float64)
    cross, s, n, ss = products[:p, :p], products[:p, p:2 * p], products[p:2 * p, p:2 * p], products[2 * p:, p:2 * p]
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = n * cross - s * s.T
        var_i = n * ss - s * s
        r = cov / np.sqrt(var_i * var_i.T)
    np.fill_diagonal(r, 1.0)
    return r


def correlation_matrix(items: pd.DataFrame, kind: str = "pearson") -> pd.DataFrame:
    """Item correlations: ``pearson`` (pairwise complete) or ``polychoric``; items without
    variance are dropped with a :class:`PsychometricWarning`."""
    if kind not in ("pearson", "polychoric"):
        raise ValueError(f"correlation must be 'pearson' or 'polychoric', not {kind!r}")
    items = drop_constant_items(items, f"{kind} correlations")
    if kind == "polychoric":
        return polychoric_matrix(items)
    r = pairwise_correlation(items.astype("float64").to_numpy(na_value=np.nan))
    return pd.DataFrame(r, index=items.columns, columns=items.columns)


# -- suitability ---------------------------------------------------------------------------
@one_blas_thread()
def kmo(correlation: pd.DataFrame) -> tuple[float, pd.Series]:
    """Kaiser-Meyer-Olkin measure of sampling adequacy, overall and per item (``psych::KMO``).

    ``MSA = Σ r² / (Σ r² + Σ a²)`` over off-diagonal elements, with ``a`` the anti-image
    (partial) correlations ``-R⁻¹ᵢⱼ / sqrt(R⁻¹ᵢᵢ R⁻¹ⱼⱼ)``. Kaiser (1974) calls >= .80
    meritorious, >= .60 mediocre, < .50 unacceptable. A matrix that is not positive definite
    is smoothed first, with a warning (psych does the same).

    Examples
    --------
    >>> import pandas as pd
    >>> from monitor.core.config import PROJECT_ROOT
    >>> bfi = pd.read_csv(PROJECT_ROOT / "tests" / "data" / "bfi.csv")
    >>> round(kmo(correlation_matrix(bfi))[0], 3)  # psych::KMO(bfi[1:25]) gives 0.85
    0.846
    """
    r = checked_correlation(correlation, "KMO")
    inv = np.linalg.inv(r)
    d = 1 / np.sqrt(np.diag(inv))
    partial = -inv * d[:, None] * d[None, :]
    off = ~np.eye(len(r), dtype=bool)
    r2, a2 = np.where(off, r ** 2, 0), np.where(off, partial ** 2, 0)
    overall = r2.sum() / (r2.sum() + a2.sum())
    per_item = r2.sum(axis=0) / (r2.sum(axis=0) + a2.sum(axis=0))
    names = correlation.columns if isinstance(correlation, pd.DataFrame) else range(len(r))
    return float(overall), pd.Series(per_item, index=names, name="msa")


@one_blas_thread()
def bartlett_sphericity(correlation, n: int) -> pd.Series:
    """Bartlett's test that the correlation matrix is an identity (``psych::cortest.bartlett``).

    ``χ² = -(n - 1 - (2p + 5)/6) · ln|R|`` with ``p(p-1)/2`` degrees of freedom. ``n`` is the
    number of respondents (rows), as psych uses for a pairwise matrix; a singular matrix is
    smoothed first with a warning, so the statistic stays finite.

    Examples
    --------
    >>> import pandas as pd
    >>> from monitor.core.config import PROJECT_ROOT
    >>> bfi = pd.read_csv(PROJECT_ROOT / "tests" / "data" / "bfi.csv")
    >>> bartlett_sphericity(correlation_matrix(bfi), len(bfi))[["chi2", "df"]].round(1).tolist()
    [20163.8, 300.0]
    """
    r = checked_correlation(correlation, "Bartlett's test")
    p = len(r)
    sign, logdet = np.linalg.slogdet(r)
    chi2 = -(n - 1 - (2 * p + 5) / 6) * logdet
    df = p * (p - 1) / 2
    return pd.Series({"chi2": chi2, "df": df, "p_value": stats.chi2.sf(chi2, df)})
