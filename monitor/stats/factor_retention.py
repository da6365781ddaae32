"""How many factors: Horn's parallel analysis and Velicer's MAP test, as R ``psych``.

- :func:`parallel_analysis`: observed eigenvalues against those of random data of the same
  shape (``psych::fa.parallel``, ``fa = "both"``), components and factors
  (:func:`fa_eigenvalues`);
- :func:`velicer_map`: the minimum average partial correlation (``psych::VSS``'s map).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from tqdm import tqdm

from .correlation import (
    checked_correlation,
    correlation_from_parts,
    correlation_matrix,
    drop_constant_items,
    pairwise_correlation,
)
from .factor_extraction import minres
from .polychoric import polychoric_matrix
from .threads import one_blas_thread

__all__ = ["parallel_analysis", "velicer_map", "fa_eigenvalues"]


def _one_factor_uls(r: np.ndarray, tol: float = 1e-10, max_iter: int = 100) -> np.ndarray:
    """Loadings of one minres (ULS) factor, by Newton's method on the loadings.

    Minimises ``f(λ) = Σ_{i≠j} (r_ij - λ_i λ_j)²``, the same criterion as :func:`minres` with
    one factor, with the exact gradient ``-4 E λ`` and Hessian
    ``4 (λλ' - E)`` off the diagonal and ``4 Σ_{j≠i} λ_j²`` on it (E the off-diagonal
    residuals); a step that does not lower f is halved. Falls back to :func:`minres` if it
    does not converge or a communality passes psych's bound of 0.995.
    """
    p = len(r)
    off = ~np.eye(p, dtype=bool)
    values, vectors = np.linalg.eigh(r)
    lam = vectors[:, -1] * np.sqrt(max(values[-1] - 1, 0.01))

    def residual(lam):
        return np.where(off, r - np.outer(lam, lam), 0.0)

    e = residual(lam)
    f = (e ** 2).sum()
    for _ in range(max_iter):
        grad = -4 * e @ lam
        hess = 4 * np.where(off, np.outer(lam, lam) - e, 0.0)
        hess[np.diag_indices(p)] = 4 * (lam @ lam - lam ** 2)
        try:
            step = -np.linalg.solve(hess, grad)
            if step @ grad >= 0:
                raise np.linalg.LinAlgError
        except np.linalg.LinAlgError:
            step = -grad / max(np.abs(np.diag(hess)).max(), 1e-12)
        t = 1.0
        while t > 1e-8:
            trial = lam + t * step
            e_trial = residual(trial)
            f_trial = (e_trial ** 2).sum()
            if f_trial <= f:
                break
            t /= 2
        moved = np.max(np.abs(trial - lam))
        lam, e, f = trial, e_trial, f_trial
        if moved < tol:
            break
    else:
        return minres(r, 1)[0][:, 0]
    if np.max(lam ** 2) > 0.995:
        return minres(r, 1)[0][:, 0]
    return lam


@one_blas_thread()
def fa_eigenvalues(r: np.ndarray) -> np.ndarray:
    """Eigenvalues of R with the communalities of a one-factor minres solution on the diagonal
    (what ``psych::fa.parallel`` compares)."""
    reduced = r.copy()
    np.fill_diagonal(reduced, _one_factor_uls(r) ** 2)
    return np.sort(np.linalg.eigvalsh(reduced))[::-1]


def _random_normal_correlation(rng: np.random.Generator, n: int, p: int) -> np.ndarray:
    """Correlation matrix of n x p independent normal data, drawn directly.

    The scatter matrix of such data is Wishart(n - 1, I); Bartlett's decomposition draws it
    in O(p²) instead of O(n·p), with exactly the distribution of ``cor(rnorm data)``.
    """
    lower = np.tril(rng.standard_normal((p, p)), k=-1)
    lower[np.diag_indices(p)] = np.sqrt(rng.chisquare(n - 1 - np.arange(p)))
    scatter = lower @ lower.T
    d = 1 / np.sqrt(np.diag(scatter))
    return scatter * d[:, None] * d[None, :]


class _ColumnResampler:
    """Draw data sets whose columns are resampled independently, with replacement.

    For whole-number items each column is drawn from its empirical distribution (answers and
    missing) by the inverse CDF, the same distribution as ``sample(y, replace = TRUE)`` per
    column, without gathering rows; other data are resampled by index.
    """

    def __init__(self, values: np.ndarray):
        self.values = values
        self.n, self.p = values.shape
        finite = values[np.isfinite(values)]
        self.categorical = bool(len(finite)) and np.all(finite % 1 == 0) and np.ptp(finite) < 20
        if self.categorical:
            self.low = finite.min()
            k = int(np.ptp(finite)) + 1
            counts = np.zeros((self.p, k + 1))
            for j in range(self.p):
                column = values[:, j]
                present = np.isfinite(column)
                counts[j, :k] = np.bincount((column[present] - self.low).astype(int), minlength=k)
                counts[j, k] = (~present).sum()
            self.cdf = (np.cumsum(counts, axis=1) / self.n)[:, :-1].astype(np.float32)
            self.centre = (np.nanmean(values, axis=0)).astype(np.float32)

    def draw(self, rng: np.random.Generator) -> np.ndarray:
        """One resampled data set, NaN for missing."""
        if not self.categorical:
            rows = rng.integers(0, self.n, size=(self.n, self.p))
            return self.values[rows, np.arange(self.p)[None, :]]
        x, mask = self.draw_parts(rng)
        return np.where(mask > 0, x + self.centre, np.nan)

    def draw_parts(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """A resampled data set as (values minus a centre, 0 where missing; mask), float32."""
        u = rng.random((self.n, self.p), dtype=np.float32)
        cuts = self.cdf
        x = np.zeros((self.n, self.p), dtype=np.float32)
        for c in range(cuts.shape[1] - 1):
            x += u >= cuts[:, c]
        mask = (u < cuts[:, -1]).astype(np.float32)
        x -= self.centre - np.float32(self.low)
        x *= mask
        return x, mask


@one_blas_thread()
def parallel_analysis(items: pd.DataFrame, n_iter: int = 20, correlation: str = "pearson", quantile: float = 0.95,
                      seed: int = 0, progress: bool = False) -> tuple[pd.DataFrame, dict]:
    """Horn's parallel analysis as ``psych::fa.parallel`` (``fa = "both"``).

    Observed eigenvalues of the correlation matrix (components) and of the one-factor reduced
    matrix (factors) are compared with those of ``n_iter`` random data sets of the same
    shape: normal data (simulated) and data resampled column by column (which keeps each
    item's distribution and missingness). The suggested number is the count of leading
    observed eigenvalues above the ``quantile`` of the resampled ones, as psych reports.

    Returns
    -------
    table : DataFrame
        Per position: observed, simulated-mean and resampled-quantile eigenvalues, for
        components and factors.
    suggestion : dict
        ``n_factors`` and ``n_components``.

    Notes
    -----
    Random data are drawn from the same distributions as psych's, more cheaply: the
    correlation matrix of normal data straight from its Wishart distribution, resampled
    columns by their inverse CDF. The suggestion is random; psych's is too. Items without
    variance are dropped with a :class:`PsychometricWarning`.

    References
    ----------
    Horn (1965), Psychometrika 30, 179-185. Revelle, psych: ``fa.parallel``.

    Examples
    --------
    >>> import pandas as pd
    >>> from monitor.core.config import PROJECT_ROOT
    >>> bfi = pd.read_csv(PROJECT_ROOT / "tests" / "data" / "bfi.csv")
    >>> parallel_analysis(bfi, seed=1)[1]  # psych::fa.parallel(bfi[1:25]): 6 factors, 6 components
    {'n_factors': 6, 'n_components': 6}
    """
    if correlation not in ("pearson", "polychoric"):
        raise ValueError(f"correlation must be 'pearson' or 'polychoric', not {correlation!r}")
    rng = np.random.default_rng(seed)
    items = drop_constant_items(items, "parallel analysis")
    values = items.astype("float64").to_numpy(na_value=np.nan)
    n, p = values.shape
    observed_r = checked_correlation(correlation_matrix(items, correlation), "parallel analysis")
    observed_pc = np.sort(np.linalg.eigvalsh(observed_r))[::-1]
    observed_fa = fa_eigenvalues(observed_r)
    resampler = _ColumnResampler(values)
    sim_pc, sim_fa, res_pc, res_fa = [], [], [], []
    for _ in tqdm(range(n_iter), disable=not progress, desc="parallel analysis"):
        if correlation == "polychoric":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                # Named columns and no smoothing-away of a column: the shape must stay p x p.
                rr = polychoric_matrix(pd.DataFrame(resampler.draw(rng), columns=items.columns.astype(str)))
                if rr.shape != (p, p):  # a resampled column without variance (tiny samples only)
                    continue
                rr = rr.to_numpy()
        elif resampler.categorical:
            rr = correlation_from_parts(*resampler.draw_parts(rng))
        else:
            rr = pairwise_correlation(resampler.draw(rng))
        if not np.isfinite(rr).all():  # a resampled pair answered by nobody together
            continue
        res_pc.append(np.sort(np.linalg.eigvalsh(rr))[::-1])
        res_fa.append(fa_eigenvalues(rr))
        rs = _random_normal_correlation(rng, n, p)
        sim_pc.append(np.sort(np.linalg.eigvalsh(rs))[::-1])
        sim_fa.append(fa_eigenvalues(rs))
    if not res_pc:
        raise ValueError("parallel analysis: no resampled data set gave a usable correlation matrix; "
                         "the data are too few or too sparse")
    table = pd.DataFrame({
        "observed_pc": observed_pc, "simulated_pc": np.mean(sim_pc, axis=0),
        "resampled_pc": np.quantile(res_pc, quantile, axis=0),
        "observed_fa": observed_fa, "simulated_fa": np.mean(sim_fa, axis=0),
        "resampled_fa": np.quantile(res_fa, quantile, axis=0),
    }, index=pd.RangeIndex(1, p + 1, name="position"))

    def leading(obs, crit):
        below = np.flatnonzero(~(obs > crit))
        return int(below[0]) if len(below) else len(obs)

    suggestion = {"n_factors": leading(observed_fa, table["resampled_fa"].to_numpy()),
                  "n_components": leading(observed_pc, table["resampled_pc"].to_numpy())}
    return table, suggestion


@one_blas_thread()
def velicer_map(correlation) -> tuple[pd.Series, int]:
    """Velicer's minimum average partial (MAP) test, squared version (as ``psych::VSS``'s map).

    For m = 0 .. p-1 components, the average squared partial correlation after removing the
    first m principal components; the suggested number is the m with the smallest average.

    Examples
    --------
    >>> import pandas as pd
    >>> from monitor.core.config import PROJECT_ROOT
    >>> bfi = pd.read_csv(PROJECT_ROOT / "tests" / "data" / "bfi.csv")
    >>> velicer_map(correlation_matrix(bfi))[1]  # psych::VSS(bfi[1:25]) map: minimum at 5
    5
    """
    r = np.asarray(correlation, dtype=float)
    p = len(r)
    values, vectors = np.linalg.eigh(r)
    order = np.argsort(values)[::-1]
    load = vectors[:, order] * np.sqrt(np.maximum(values[order], 0))
    off = ~np.eye(p, dtype=bool)
    averages = [np.mean(r[off] ** 2)]
    for m in range(1, p - 1):
        partial = r - load[:, :m] @ load[:, :m].T
        d = np.sqrt(np.diag(partial))
        partial = partial / np.outer(d, d)
        averages.append(np.mean(partial[off] ** 2))
    series = pd.Series(averages, index=pd.RangeIndex(0, len(averages), name="components"), name="map")
    return series, int(series.idxmin())
