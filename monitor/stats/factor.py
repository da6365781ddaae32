"""Exploratory factor analysis: suitability, number of factors, extraction and rotation.

Extraction (minres, ML, principal axis) follows R ``psych::fa`` step by step; rotations come
from factor_analyzer's ``Rotator`` (gradient projection, ported from GPArotation), through
:mod:`monitor.stats.compat`. Everything works on a correlation matrix, so Pearson and polychoric
correlations are interchangeable.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats
from scipy.optimize import linear_sum_assignment

__all__ = ["pairwise_correlation", "correlation_matrix", "kmo", "bartlett_sphericity", "minres", "ml_factors",
           "principal_axis", "parallel_analysis", "velicer_map", "efa", "EFAResult", "schmid_leiman",
           "align_factors", "ROTATIONS", "METHODS", "PsychometricWarning", "drop_constant_items",
           "checked_correlation", "HEYWOOD_UNIQUENESS", "MIN_CASES_PER_PARAMETER", "DUPLICATE_R"]

METHODS = ("minres", "ml", "pa")
ROTATIONS = ("oblimin", "promax", "varimax", "geomin", "none")
OBLIQUE = ("oblimin", "promax", "geomin")

#: A uniqueness at or below this is a Heywood case (psych bounds uniquenesses at .005).
HEYWOOD_UNIQUENESS = 0.01
#: Fewer respondents per free parameter than this gives unstable estimates (Bentler & Chou 1987).
MIN_CASES_PER_PARAMETER = 5
#: Two items correlating this strongly measure the same thing twice (a duplicated column).
DUPLICATE_R = 0.999


class PsychometricWarning(UserWarning):
    """A statistical result that needs a caveat: a dropped item, a smoothed matrix, a Heywood
    case, no convergence, rows lost or few cases per parameter."""


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
    from .polychoric import smooth_correlation

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
    return _correlation_from_parts(x, finite.astype(dtype))


def _correlation_from_parts(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
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
        from .polychoric import polychoric_matrix

        return polychoric_matrix(items)
    r = pairwise_correlation(items.astype("float64").to_numpy(na_value=np.nan))
    return pd.DataFrame(r, index=items.columns, columns=items.columns)


def _smc(r: np.ndarray) -> np.ndarray:
    """Squared multiple correlations, ``1 - 1/diag(R⁻¹)`` (pseudo-inverse if singular)."""
    try:
        inv = np.linalg.inv(r)
    except np.linalg.LinAlgError:
        inv = np.linalg.pinv(r)
    return np.clip(1 - 1 / np.diag(inv), 0, 1)


# -- suitability ---------------------------------------------------------------------------
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


# -- extraction ----------------------------------------------------------------------------
def _top_loadings(matrix: np.ndarray, n_factors: int) -> np.ndarray:
    values, vectors = np.linalg.eigh(matrix)
    order = np.argsort(values)[::-1][:n_factors]
    return vectors[:, order] * np.sqrt(np.maximum(values[order], 0))


def minres(r: np.ndarray, n_factors: int) -> tuple[np.ndarray, dict]:
    """Minimum-residual factor extraction, as ``psych::fa(fm = "minres")``.

    The uniquenesses ψ minimise the sum of squared off-diagonal residuals; loadings are the
    leading eigenvectors of ``R - diag(ψ)`` scaled by the roots of their eigenvalues.
    L-BFGS-B from ``ψ = 1 - SMC`` within [0.005, 1], with psych's gradient.
    """
    r = np.asarray(r, dtype=float)

    def objective(psi):
        load = _loadings_uls(psi)
        residual = r - load @ load.T
        np.fill_diagonal(residual, 0)
        return float((residual ** 2).sum())

    def _loadings_uls(psi):
        reduced = r.copy()
        np.fill_diagonal(reduced, np.diag(r) - psi)
        return _top_loadings(reduced, n_factors)

    def gradient(psi):
        load = _loadings_uls(psi)
        return np.diag(load @ load.T) + psi - np.diag(r)

    start = 1 - _smc(r)
    res = optimize.minimize(objective, start, jac=gradient, method="L-BFGS-B",
                            bounds=[(0.005, 1.0)] * len(r), options={"maxiter": 1000, "ftol": 1e-12, "gtol": 1e-8})
    return _loadings_uls(res.x), {"objective": res.fun, "converged": bool(res.success), "uniquenesses": res.x}


def ml_factors(r: np.ndarray, n_factors: int) -> tuple[np.ndarray, dict]:
    """Maximum-likelihood extraction (``psych::fa(fm = "ml")``, after ``factanal``)."""
    r = np.asarray(r, dtype=float)
    p = len(r)

    def scaled_eig(psi):
        sc = 1 / np.sqrt(psi)
        values, vectors = np.linalg.eigh(r * sc[:, None] * sc[None, :])
        order = np.argsort(values)[::-1]
        return values[order], vectors[:, order]

    def objective(psi):
        values, _ = scaled_eig(psi)
        e = values[n_factors:]
        return float(-(np.sum(np.log(e) - e) - n_factors + p))

    def loadings(psi):
        values, vectors = scaled_eig(psi)
        load = vectors[:, :n_factors] * np.sqrt(np.maximum(values[:n_factors] - 1, 0))
        return np.sqrt(psi)[:, None] * load

    def gradient(psi):
        load = loadings(psi)
        return (np.diag(load @ load.T) + psi - np.diag(r)) / psi ** 2

    start = 1 - _smc(r)
    res = optimize.minimize(objective, start, jac=gradient, method="L-BFGS-B",
                            bounds=[(0.005, 1.0)] * p, options={"maxiter": 1000, "ftol": 1e-14, "gtol": 1e-10})
    return loadings(res.x), {"objective": res.fun, "converged": bool(res.success), "uniquenesses": res.x}


def principal_axis(r: np.ndarray, n_factors: int, max_iter: int = 50, tol: float = 0.001) -> tuple[np.ndarray, dict]:
    """Iterated principal-axis extraction (``psych::fa(fm = "pa")``): communalities from SMC,
    re-estimated until their total changes by less than ``tol``."""
    r = np.asarray(r, dtype=float)
    communality = _smc(r)
    reduced = r.copy()
    err, it = np.inf, 0
    while err > tol and it < max_iter:
        np.fill_diagonal(reduced, communality)
        load = _top_loadings(reduced, n_factors)
        new = (load ** 2).sum(axis=1)
        err = abs(communality.sum() - new.sum())
        communality = new
        it += 1
    return load, {"objective": np.nan, "converged": err <= tol, "iterations": it}


_EXTRACT = {"minres": minres, "ml": ml_factors, "pa": principal_axis}


# -- number of factors ---------------------------------------------------------------------
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


def _fa_eigenvalues(r: np.ndarray) -> np.ndarray:
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
    from tqdm import tqdm

    if correlation not in ("pearson", "polychoric"):
        raise ValueError(f"correlation must be 'pearson' or 'polychoric', not {correlation!r}")
    rng = np.random.default_rng(seed)
    items = drop_constant_items(items, "parallel analysis")
    values = items.astype("float64").to_numpy(na_value=np.nan)
    n, p = values.shape
    observed_r = checked_correlation(correlation_matrix(items, correlation), "parallel analysis")
    observed_pc = np.sort(np.linalg.eigvalsh(observed_r))[::-1]
    observed_fa = _fa_eigenvalues(observed_r)
    resampler = _ColumnResampler(values)
    sim_pc, sim_fa, res_pc, res_fa = [], [], [], []
    for _ in tqdm(range(n_iter), disable=not progress, desc="parallel analysis"):
        if correlation == "polychoric":
            from .polychoric import polychoric_matrix

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                # Named columns and no smoothing-away of a column: the shape must stay p x p.
                rr = polychoric_matrix(pd.DataFrame(resampler.draw(rng), columns=items.columns.astype(str)))
                if rr.shape != (p, p):  # a resampled column without variance (tiny samples only)
                    continue
                rr = rr.to_numpy()
        elif resampler.categorical:
            rr = _correlation_from_parts(*resampler.draw_parts(rng))
        else:
            rr = pairwise_correlation(resampler.draw(rng))
        if not np.isfinite(rr).all():  # a resampled pair answered by nobody together
            continue
        res_pc.append(np.sort(np.linalg.eigvalsh(rr))[::-1])
        res_fa.append(_fa_eigenvalues(rr))
        rs = _random_normal_correlation(rng, n, p)
        sim_pc.append(np.sort(np.linalg.eigvalsh(rs))[::-1])
        sim_fa.append(_fa_eigenvalues(rs))
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


# -- EFA -----------------------------------------------------------------------------------
def _rotate(loadings: np.ndarray, rotation: str) -> tuple[np.ndarray, np.ndarray]:
    k = loadings.shape[1]
    if rotation == "none" or k == 1:
        return loadings, np.eye(k)
    from .compat import factor_analyzer

    fa = factor_analyzer()
    if rotation == "varimax":
        rotated = fa.Rotator(method="varimax", normalize=True).fit_transform(loadings)
        return rotated, np.eye(k)
    if rotation == "promax":
        rotator = fa.Rotator(method="promax", normalize=True, power=4)
        rotated = rotator.fit_transform(loadings)
        return rotated, rotator.phi_
    method = {"oblimin": "oblimin", "geomin": "geomin_obl"}[rotation]
    # GPArotation (used by psych) does not normalise rows for oblimin and geominQ.
    rotator = fa.Rotator(method=method, normalize=False, max_iter=1000, tol=1e-8)
    rotated = rotator.fit_transform(loadings)
    return rotated, rotator.phi_


@dataclass
class EFAResult:
    """An exploratory factor solution, in scikit-learn style attribute names."""

    loadings_: pd.DataFrame
    communalities_: pd.Series
    uniquenesses_: pd.Series
    factor_correlation_: pd.DataFrame
    variance_: pd.DataFrame
    fit_: dict = field(default_factory=dict)
    method: str = "minres"
    rotation: str = "oblimin"


def _fit_statistics(r: np.ndarray, loadings: np.ndarray, phi: np.ndarray, n: int | None, method: str) -> dict:
    p, q = loadings.shape
    model = loadings @ phi @ loadings.T
    residual = r - model
    off = ~np.eye(p, dtype=bool)
    fit = {"rmsr": float(np.sqrt(np.mean(residual[off] ** 2)))}
    df = ((p - q) ** 2 - (p + q)) / 2
    fit["df"] = df
    if method == "ml" and n is not None and df > 0:
        implied = model.copy()
        np.fill_diagonal(implied, 1.0)
        f = np.linalg.slogdet(implied)[1] - np.linalg.slogdet(r)[1] + np.trace(np.linalg.solve(implied, r)) - p
        chi2 = (n - 1 - (2 * p + 5) / 6 - 2 * q / 3) * f
        f0 = -np.linalg.slogdet(r)[1]
        df0 = p * (p - 1) / 2
        chi0 = (n - 1 - (2 * p + 5) / 6) * f0
        fit.update(chi2=chi2, p_value=stats.chi2.sf(chi2, df),
                   tli=(chi0 / df0 - chi2 / df) / (chi0 / df0 - 1),
                   rmsea=float(np.sqrt(max(chi2 / df - 1, 0) / (n - 1))))
    return fit


def _efa_warnings(names: list, communality: np.ndarray, converged: bool, n_obs: int | None, n_factors: int,
                  method: str) -> None:
    """The caveats of a factor solution, as warnings: no convergence, Heywood cases, few cases."""
    if not converged:
        _warn(f"EFA: the {method} extraction with {n_factors} factor(s) did not converge; "
              "the loadings are not a solution")
    heywood = [str(name) for name, h2 in zip(names, communality, strict=True) if 1 - h2 <= HEYWOOD_UNIQUENESS]
    if heywood:
        _warn(f"EFA: Heywood case(s), uniqueness at or below {HEYWOOD_UNIQUENESS}: {', '.join(heywood)}; "
              "try fewer factors or drop a redundant item")
    if n_obs is not None:
        p = len(names)
        parameters = p * n_factors + p - n_factors * (n_factors - 1) // 2
        if n_obs < MIN_CASES_PER_PARAMETER * parameters:
            _warn(f"EFA: {n_obs:,} respondents for {parameters} free parameters, fewer than "
                  f"{MIN_CASES_PER_PARAMETER} per parameter; the solution may not replicate")


def efa(correlation: pd.DataFrame, n_factors: int, method: str = "minres", rotation: str = "oblimin",
        n_obs: int | None = None, target: dict[str, str] | None = None) -> EFAResult:
    """Exploratory factor analysis on a correlation matrix (Pearson or polychoric).

    Parameters
    ----------
    correlation : DataFrame
        Item correlation matrix (see :func:`correlation_matrix`).
    n_factors : int
        Number of factors (see :func:`parallel_analysis`).
    method : {"minres", "ml", "pa"}
        Extraction as ``psych::fa``'s ``fm``.
    rotation : {"oblimin", "promax", "varimax", "geomin", "none"}
        ``geomin`` is the oblique geomin (GPArotation ``geominQ``).
    n_obs : int, optional
        Respondents, for the ML fit statistics (chi-square, TLI, RMSEA).
    target : dict, optional
        Intended scale per item (e.g. the instrument's themes). Factors are then matched to
        scales, named after them, ordered and signed so that tables are stable; see
        :func:`align_factors`. Without it, factors are ordered by variance and signed to
        positive loading sums, as psych does.

    Warns
    -----
    PsychometricWarning
        When the extraction did not converge, for Heywood cases (uniqueness at or below
        :data:`HEYWOOD_UNIQUENESS`), with fewer than :data:`MIN_CASES_PER_PARAMETER`
        respondents per free parameter, and for a correlation matrix that had to be smoothed.

    Examples
    --------
    >>> import pandas as pd
    >>> from monitor.core.config import PROJECT_ROOT
    >>> bfi = pd.read_csv(PROJECT_ROOT / "tests" / "data" / "bfi.csv")
    >>> result = efa(correlation_matrix(bfi), 5, target={item: item[0] for item in bfi.columns})
    >>> list(result.loadings_.columns), round(float(result.loadings_.loc["N1", "N"]), 2)  # psych::fa: 0.81
    (['A', 'C', 'E', 'N', 'O'], 0.81)
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    if rotation not in ROTATIONS:
        raise ValueError(f"rotation must be one of {ROTATIONS}, not {rotation!r}")
    names = list(correlation.columns)
    if not 1 <= n_factors < len(names):
        raise ValueError(f"n_factors must be between 1 and {len(names) - 1}")
    r = checked_correlation(correlation, "EFA")
    unrotated, info = _EXTRACT[method](r, n_factors)
    loadings, phi = _rotate(unrotated, rotation)
    if target is not None:
        loadings, phi, labels = align_factors(loadings, phi, names, target)
    else:
        signs = np.where(loadings.sum(axis=0) < 0, -1.0, 1.0)
        loadings, phi = loadings * signs, phi * np.outer(signs, signs)
        order = np.argsort(-np.diag(phi @ loadings.T @ loadings))
        loadings, phi = loadings[:, order], phi[np.ix_(order, order)]
        labels = [f"F{i + 1}" for i in range(n_factors)]
    communality = np.diag(loadings @ phi @ loadings.T)
    _efa_warnings(names, communality, info["converged"], n_obs, n_factors, method)
    ss = np.diag(phi @ loadings.T @ loadings)
    variance = pd.DataFrame({"ss_loadings": ss, "proportion": ss / len(names)}, index=labels)
    variance["cumulative"] = variance["proportion"].cumsum()
    return EFAResult(
        loadings_=pd.DataFrame(loadings, index=names, columns=labels),
        communalities_=pd.Series(communality, index=names, name="communality"),
        uniquenesses_=pd.Series(1 - communality, index=names, name="uniqueness"),
        factor_correlation_=pd.DataFrame(phi, index=labels, columns=labels),
        variance_=variance, fit_={**_fit_statistics(r, loadings, phi, n_obs, method), "converged": info["converged"]},
        method=method, rotation=rotation)


def align_factors(loadings: np.ndarray, phi: np.ndarray, items: list[str], target: dict[str, str]):
    """Match factors to intended scales, so that factor k is "the nw factor" in every run.

    Each factor is assigned to the scale whose items load most on it (Hungarian assignment on
    the summed absolute loadings), signed so those loadings are positive, and ordered as the
    scales first appear in ``target``. Unmatched factors follow, named ``F<n>``.
    """
    scales = list(dict.fromkeys(target[i] for i in items if i in target))
    q = loadings.shape[1]
    weight = np.array([[np.abs(loadings[[j for j, i in enumerate(items) if target.get(i) == s], f]).sum()
                        for f in range(q)] for s in scales])
    rows, cols = linear_sum_assignment(-weight)
    order = [cols[list(rows).index(s)] for s in range(len(scales)) if s in rows]
    labels = [scales[s] for s in range(len(scales)) if s in rows]
    rest = [f for f in range(q) if f not in order]
    order += rest
    labels += [f"F{len(labels) + i + 1}" for i in range(len(rest))]
    loadings, phi = loadings[:, order], phi[np.ix_(order, order)]
    signs = []
    for k, label in enumerate(labels):
        members = [j for j, i in enumerate(items) if target.get(i) == label]
        total = loadings[members, k].sum() if members else loadings[:, k].sum()
        signs.append(-1.0 if total < 0 else 1.0)
    signs = np.array(signs)
    return loadings * signs, phi * np.outer(signs, signs), labels


def schmid_leiman(r: np.ndarray, n_factors: int, rotation: str = "oblimin") -> dict:
    """Schmid-Leiman transformation of an oblique minres solution (``psych::schmid``).

    The factor correlations are factored (one minres factor) to give each group factor's
    loading on a general factor; item loadings on the general factor are ``L · g`` and on
    the residualised group factors ``L · diag(sqrt(1 - g²))``.
    """
    if n_factors < 3:
        raise ValueError("a general factor needs at least three group factors (psych warns likewise)")
    load, _ = minres(r, n_factors)
    load, phi = _rotate(load, rotation)
    g_of_factors, _ = minres(phi, 1)
    g_of_factors = g_of_factors[:, 0]
    if g_of_factors.sum() < 0:
        g_of_factors = -g_of_factors
    general = load @ g_of_factors
    group = load * np.sqrt(np.clip(1 - g_of_factors ** 2, 0, None))
    h2 = general ** 2 + (group ** 2).sum(axis=1)
    return {"g": general, "group": group, "h2": h2, "u2": 1 - h2}
