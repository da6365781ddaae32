"""Polychoric correlations for ordinal items, vectorised across all item pairs.

The method follows R ``psych::polychoric`` (Revelle, psych 2.2): thresholds from each item's
margins, then for every pair the correlation that maximises the likelihood of the pair's
contingency table, and a final smoothing to a positive-definite matrix when needed.

Speed comes from doing every pair at once: all pairwise contingency tables are one matrix
product of the one-hot coded data, and the maximum-likelihood step is a vectorised Fisher
scoring over all pairs, using the closed-form derivative of the bivariate normal CDF with
respect to the correlation (the bivariate normal density).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from .threads import one_blas_thread
from .warnings import PsychometricWarning

__all__ = ["polychoric", "polychoric_matrix", "PolychoricResult", "bivariate_normal_cdf", "smooth_correlation",
           "cell_probabilities", "maximum_likelihood_rho", "THRESHOLD_BOUND", "MAX_CATEGORIES"]

#: Thresholds are clipped to ±this; the normal tail beyond is far below double precision.
THRESHOLD_BOUND = 10.0
MAX_CATEGORIES = 8

# Gauss-Legendre nodes and weights on [-1, 1] (20 points, as the tables in Genz 2004).
_GL_X = np.array([0.9931285991850949, 0.9639719272779138, 0.9122344282513259, 0.8391169718222188,
                  0.7463319064601508, 0.6360536807265150, 0.5108670019508271, 0.3737060887154196,
                  0.2277858511416451, 0.07652652113349733])
_GL_W = np.array([0.01761400713915212, 0.04060142980038694, 0.06267204833410906, 0.08327674157670475,
                  0.1019301198172404, 0.1181945319615184, 0.1316886384491766, 0.1420961093183821,
                  0.1491729864726037, 0.1527533871307259])
_X = np.concatenate([1 - _GL_X, 1 + _GL_X])  # nodes on [0, 2]
_W = np.concatenate([_GL_W, _GL_W])


def _bvnu(h: np.ndarray, k: np.ndarray, r: np.ndarray) -> np.ndarray:
    """P(X > h, Y > k) for standard bivariate normals with correlation r (finite h, k).

    Vectorised transcription of Alan Genz's ``bvnu`` (Genz 2004, "Numerical computation of
    rectangular bivariate and trivariate normal and t probabilities", Statistics and
    Computing 14, 251-260), with the 20-point rule throughout.
    """
    h, k, r = np.broadcast_arrays(np.asarray(h, float), np.asarray(k, float), np.asarray(r, float))
    out = np.empty(h.shape)
    hk = h * k
    two_pi = 2 * np.pi
    small = np.abs(r) < 0.925

    if small.any():
        hs, kk, rr, hks = h[small], k[small], r[small], hk[small]
        half = (hs * hs + kk * kk) / 2
        asr = np.arcsin(rr) / 2
        sn = np.sin(asr[:, None] * _X[None, :])
        bvn = np.exp((sn * hks[:, None] - half[:, None]) / (1 - sn * sn)) @ _W
        out[small] = bvn * asr / two_pi + ndtr(-hs) * ndtr(-kk)

    large = ~small
    if large.any():
        hh, kk, rr = h[large], k[large].copy(), r[large]
        hkl = hk[large].copy()
        neg = rr < 0
        kk[neg] = -kk[neg]
        hkl[neg] = -hkl[neg]
        bvn = np.zeros(hh.shape)
        inner = np.abs(rr) < 1
        a_s = 1 - rr * rr
        a = np.sqrt(np.where(inner, a_s, 1.0))
        bs = (hh - kk) ** 2
        c = (4 - hkl) / 8
        d = (12 - hkl) / 80
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            asr = -(bs / np.where(inner, a_s, 1.0) + hkl) / 2
            term = np.where(asr > -100, a * np.exp(asr) * (1 - c * (bs - a_s) * (1 - d * bs) / 3 + c * d * a_s * a_s), 0.0)
            b = np.sqrt(bs)
            sp = np.sqrt(two_pi) * ndtr(-b / a)
            term = term - np.where(hkl > -100, np.exp(-hkl / 2) * sp * b * (1 - c * bs * (1 - d * bs) / 3), 0.0)
            a2 = a / 2
            xs = (a2[:, None] * _X[None, :]) ** 2
            rs = np.sqrt(1 - xs)
            asr2 = -(bs[:, None] / xs + hkl[:, None]) / 2
            spx = 1 + c[:, None] * xs * (1 + 5 * d[:, None] * xs)
            ep = np.exp(-hkl[:, None] * (1 - rs) / (2 * (1 + rs))) / rs
            series = a2 * ((np.exp(asr2) * (spx - ep)) @ _W)
        bvn = np.where(inner, (series - term) / two_pi, 0.0)
        pos = rr > 0
        bvn_pos = bvn + ndtr(-np.maximum(hh, kk))
        lower = np.where(hh < 0, ndtr(kk) - ndtr(hh), ndtr(-hh) - ndtr(-kk))
        bvn_neg = np.where(hh >= kk, -bvn, lower - bvn)
        out[large] = np.where(pos, bvn_pos, bvn_neg)
    return np.clip(out, 0.0, 1.0)


def bivariate_normal_cdf(h, k, r) -> np.ndarray:
    """P(X <= h, Y <= k) for standard bivariate normals with correlation ``r``.

    Broadcasts over its arguments; infinite limits are allowed.

    Examples
    --------
    >>> round(float(bivariate_normal_cdf(0.0, 0.0, 0.5)), 6)  # 1/4 + asin(0.5)/(2*pi)
    0.333333
    """
    h = np.clip(np.asarray(h, float), -THRESHOLD_BOUND * 4, THRESHOLD_BOUND * 4)
    k = np.clip(np.asarray(k, float), -THRESHOLD_BOUND * 4, THRESHOLD_BOUND * 4)
    return _bvnu(-h, -k, r)


def smooth_correlation(matrix: np.ndarray, eig_tol: float = 1e-12) -> tuple[np.ndarray, bool]:
    """Nearest positive-definite correlation matrix by eigenvalue smoothing, as ``psych::cor.smooth``.

    If the smallest eigenvalue is below machine epsilon, eigenvalues under ``eig_tol`` are set
    to ``100 * eig_tol``, all are rescaled to sum to the number of variables, and the matrix is
    rebuilt and rescaled to unit diagonal. Returns the matrix and whether it was smoothed.
    """
    values, vectors = np.linalg.eigh(matrix)
    if values.min() >= np.finfo(float).eps:
        return matrix, False
    values = np.where(values < eig_tol, 100 * eig_tol, values)
    values = values * len(values) / values.sum()
    rebuilt = (vectors * values) @ vectors.T
    scale = 1 / np.sqrt(np.diag(rebuilt))
    return rebuilt * scale[:, None] * scale[None, :], True


@dataclass
class PolychoricResult:
    """Polychoric correlations with what they were estimated from."""

    rho: pd.DataFrame
    thresholds: pd.DataFrame
    n_pairs: pd.DataFrame
    smoothed: bool
    global_thresholds: bool


def _codes(frame: pd.DataFrame) -> tuple[np.ndarray, int, list[str]]:
    values = frame.astype("float64").to_numpy(na_value=np.nan)
    if np.isfinite(values).sum() == 0:
        raise ValueError("polychoric: the data hold no answers")
    finite = values[np.isfinite(values)]
    if np.any(finite % 1 != 0):
        raise ValueError("polychoric: items must hold whole-number categories")
    lo = int(finite.min())
    n_values = int(finite.max()) - lo + 1
    if n_values > MAX_CATEGORIES:
        raise ValueError(f"polychoric: {n_values} categories; more than {MAX_CATEGORIES} "
                         "do not need polychoric correlations (as psych::polychoric)")
    codes = np.where(np.isfinite(values), values - lo, -1).astype(np.int64)
    return codes, n_values, list(frame.columns)


def _pair_tables(codes: np.ndarray, n_values: int) -> np.ndarray:
    """All pairwise contingency tables at once, shape (p, p, K, K), pairwise complete."""
    n, p = codes.shape
    onehot = np.zeros((n, p * n_values), dtype=np.float32 if n < 2 ** 24 else np.float64)
    rows = np.repeat(np.arange(n), p)
    cols = (np.arange(p)[None, :] * n_values + codes).ravel()
    valid = codes.ravel() >= 0
    onehot[rows[valid], cols[valid]] = 1.0
    counts = onehot.T @ onehot  # exact: integer counts below 2**24 in float32
    return counts.astype(np.float64).reshape(p, n_values, p, n_values).transpose(0, 2, 1, 3)


def _thresholds_from_margins(margins: np.ndarray, total: np.ndarray | None = None) -> np.ndarray:
    """Cut points from category counts (last axis): qnorm of the cumulative shares.

    ``total`` defaults to the margins' sum; psych divides corrected tables by the uncorrected
    total, which the per-pair mode passes here.
    """
    if total is None:
        total = margins.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        cum = np.cumsum(margins, axis=-1)[..., :-1] / total
    return np.clip(ndtri(np.clip(cum, 0, 1)), -THRESHOLD_BOUND, THRESHOLD_BOUND)


def cell_probabilities(tau_x: np.ndarray, tau_y: np.ndarray, rho: np.ndarray):
    """Cell probabilities and their first and second derivatives in rho, each (m, K, K)."""
    m, km1 = tau_x.shape
    kk = km1 + 1
    h = np.broadcast_to(tau_x[:, :, None], (m, km1, km1))
    k = np.broadcast_to(tau_y[:, None, :], (m, km1, km1))
    r = np.broadcast_to(rho[:, None, None], (m, km1, km1))
    grids = np.zeros((3, m, kk + 1, kk + 1))
    grids[0, :, 1:kk, 1:kk] = bivariate_normal_cdf(h.ravel(), k.ravel(), r.ravel()).reshape(m, km1, km1)
    # d Phi2 / d rho = phi2, and d phi2 / d rho = phi2 * (r/(1-r^2) + hk/(1-r^2) - r Q/(1-r^2)^2).
    one_minus = 1 - r * r
    quad = h * h - 2 * r * h * k + k * k
    density = np.exp(-quad / (2 * one_minus)) / (2 * np.pi * np.sqrt(one_minus))
    grids[1, :, 1:kk, 1:kk] = density
    grids[2, :, 1:kk, 1:kk] = density * ((r + h * k) / one_minus - r * quad / one_minus ** 2)
    grids[0, :, 1:kk, kk] = ndtr(tau_x)
    grids[0, :, kk, 1:kk] = ndtr(tau_y)
    grids[0, :, kk, kk] = 1.0
    cells = grids[:, :, 1:, 1:] - grids[:, :, :-1, 1:] - grids[:, :, 1:, :-1] + grids[:, :, :-1, :-1]
    return cells[0], cells[1], cells[2]


def _loglik(tables: np.ndarray, cells: np.ndarray) -> np.ndarray:
    use = (cells > 1e-300) & (tables > 0)
    return np.where(use, tables * np.log(np.where(use, cells, 1.0)), 0.0).sum(axis=(1, 2))


def maximum_likelihood_rho(tables: np.ndarray, tau_x: np.ndarray, tau_y: np.ndarray, start: np.ndarray,
             tol: float = 1e-8, max_iter: int = 100) -> np.ndarray:
    """Maximum-likelihood correlation per table: Newton steps, Fisher scoring where the
    log-likelihood is not concave, and step halving whenever a step would lower it."""
    rho = np.clip(start, -0.99, 0.99)
    total = tables.sum(axis=(1, 2))
    cells, d1, d2 = cell_probabilities(tau_x, tau_y, rho)
    ll = _loglik(tables, cells)
    active = np.ones(len(rho), dtype=bool)
    for _ in range(max_iter):
        idx = np.flatnonzero(active)
        if len(idx) == 0:
            break
        c, t = cells[idx], tables[idx]
        ok = (c > 1e-300) & (t > 0)
        safe = np.where(ok, c, 1.0)
        g1 = np.where(ok, d1[idx] / safe, 0.0)
        score = (t * g1).sum(axis=(1, 2))
        hessian = (t * (np.where(ok, d2[idx] / safe, 0.0) - g1 * g1)).sum(axis=(1, 2))
        fisher = total[idx] * np.where(c > 1e-300, d1[idx] ** 2 / np.where(c > 1e-300, c, 1.0), 0.0).sum(axis=(1, 2))
        curvature = np.where(hessian < 0, -hessian, np.maximum(fisher, 1e-12))
        step = score / curvature
        accepted = np.zeros(len(idx), dtype=bool)
        new_rho, new_ll = rho[idx].copy(), ll[idx].copy()
        new_c, new_d1, new_d2 = c.copy(), d1[idx].copy(), d2[idx].copy()
        for _halving in range(40):
            trial = np.clip(rho[idx] + step, -0.99999, 0.99999)
            tc, td1, td2 = cell_probabilities(tau_x[idx], tau_y[idx], trial)
            tll = _loglik(t, tc)
            take = (tll >= ll[idx] - 1e-10 * np.abs(ll[idx])) & ~accepted
            new_rho[take], new_ll[take] = trial[take], tll[take]
            new_c[take], new_d1[take], new_d2[take] = tc[take], td1[take], td2[take]
            accepted |= take
            if accepted.all():
                break
            step = np.where(accepted, 0.0, step / 2)
        moved = np.abs(new_rho - rho[idx])
        rho[idx], ll[idx] = new_rho, new_ll
        cells[idx], d1[idx], d2[idx] = new_c, new_d1, new_d2
        active[idx] = accepted & (moved > tol)
    return rho


@one_blas_thread()
def polychoric(frame: pd.DataFrame, smooth: bool = True, global_thresholds: bool | None = None,
               correct: float = 0.5) -> PolychoricResult:
    """Polychoric correlation matrix of ordinal items, as R ``psych::polychoric``.

    Parameters
    ----------
    frame : DataFrame
        One column per item, whole-number categories (at most 8), missing as NaN/NA.
        Correlations are pairwise complete. Items without variance are dropped with a
        warning, as psych does.
    smooth : bool
        Smooth to the nearest positive-definite matrix when needed (``psych::cor.smooth``).
    global_thresholds : bool, optional
        Use each item's thresholds from all its answers (psych's ``global=TRUE``). Default:
        as psych, true when all items have the same highest category, else false, in which
        case each pair's thresholds come from that pair's table after dropping empty rows and
        columns and replacing empty cells by ``correct``.
    correct : float
        Continuity correction for empty cells when thresholds are not global (psych: 0.5).

    Returns
    -------
    PolychoricResult
        ``rho`` (items × items), ``thresholds`` (items × cut points, global), ``n_pairs``
        (pairwise complete counts), ``smoothed`` and ``global_thresholds``.

    Notes
    -----
    Two-step estimation (Olsson 1979): thresholds ``τ_k = Φ⁻¹(P(X ≤ k))`` from the margins;
    then, per pair with table ``n_ij``, ``ρ`` maximises ``Σ n_ij log π_ij(ρ)``, where ``π_ij`` is
    the bivariate normal probability of the rectangle between the thresholds. The score uses
    ``∂Φ₂(h, k; ρ)/∂ρ = φ₂(h, k; ρ)``; all pairs are solved together by Fisher scoring. R's
    ``optimize`` stops at a tolerance of about 1e-4 in ``ρ``; this converges to 1e-9.

    References
    ----------
    Olsson, U. (1979). Maximum likelihood estimation of the polychoric correlation
    coefficient. Psychometrika 44, 443-460. Revelle, W. psych: ``polychoric``, ``cor.smooth``.

    Examples
    --------
    >>> from monitor.survey.synthetic import simulate
    >>> sim = simulate(regions=2, respondents=500, waves=1, seed=3)
    >>> items = sim.responses[["nw1", "nw2", "nw3"]].mask(sim.responses[["nw1", "nw2", "nw3"]] == 9)
    >>> polychoric(items).rho.shape
    (3, 3)
    """
    codes, n_values, names = _codes(frame)
    present = codes >= 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        sd = np.array([np.std(codes[present[:, j], j]) if present[:, j].sum() > 1 else np.nan
                       for j in range(codes.shape[1])])
    bad = ~(sd > 0)
    if bad.any():
        dropped = [str(n) for n, b in zip(names, bad, strict=False) if b]
        warnings.warn(f"polychoric: item(s) without variance dropped: {', '.join(dropped)}", PsychometricWarning,
                      stacklevel=2)
        codes, names = codes[:, ~bad], [n for n, b in zip(names, bad, strict=False) if not b]
    p = codes.shape[1]
    if p < 2:
        raise ValueError("polychoric: at least two items with variance are needed")

    tables = _pair_tables(codes, n_values)
    margins = np.stack([np.bincount(codes[codes[:, j] >= 0, j], minlength=n_values) for j in range(p)]).astype(float)
    tau = _thresholds_from_margins(margins)
    highest = np.array([codes[:, j].max() for j in range(p)])
    if global_thresholds is None:
        global_thresholds = bool((highest == highest[0]).all())

    iu, ju = np.triu_indices(p, k=1)
    pair_tables = tables[iu, ju]
    n_pairs = pair_tables.sum(axis=(1, 2))
    if global_thresholds:
        tau_x, tau_y = tau[iu], tau[ju]
        fit_tables = pair_tables
    else:
        fit_tables = pair_tables.copy()
        raw_total = pair_tables.sum(axis=(1, 2))[:, None]
        rows_used = fit_tables.sum(axis=2, keepdims=True) > 0
        cols_used = fit_tables.sum(axis=1, keepdims=True) > 0
        used = rows_used & cols_used
        if correct > 0:
            fit_tables = np.where(used & (fit_tables == 0), correct, fit_tables)
        tau_x = _thresholds_from_margins(fit_tables.sum(axis=2), raw_total)
        tau_y = _thresholds_from_margins(fit_tables.sum(axis=1), raw_total)

    # Start from the Pearson correlation of the category codes in each pair's table.
    grid = np.arange(n_values, dtype=float)
    tot = np.maximum(fit_tables.sum(axis=(1, 2)), 1)
    px, py = fit_tables.sum(axis=2) / tot[:, None], fit_tables.sum(axis=1) / tot[:, None]
    mx, my = px @ grid, py @ grid
    sx = np.sqrt(np.maximum(px @ grid ** 2 - mx ** 2, 1e-12))
    sy = np.sqrt(np.maximum(py @ grid ** 2 - my ** 2, 1e-12))
    exy = np.einsum("mij,i,j->m", fit_tables, grid, grid) / tot
    start = (exy - mx * my) / (sx * sy)

    rho = np.full(len(iu), np.nan)
    fit = n_pairs > 0
    rho[fit] = maximum_likelihood_rho(fit_tables[fit], tau_x[fit], tau_y[fit], start[fit])
    matrix = np.eye(p)
    matrix[iu, ju] = matrix[ju, iu] = rho
    smoothed = False
    if smooth and np.isfinite(matrix).all():
        matrix, smoothed = smooth_correlation(matrix)
        if smoothed:
            warnings.warn("polychoric: the matrix was not positive definite and was smoothed", PsychometricWarning,
                          stacklevel=2)
    counts = np.diag(present[:, ~bad].sum(axis=0)).astype(float) if bad.any() else np.diag(present.sum(axis=0)).astype(float)
    counts[iu, ju] = counts[ju, iu] = n_pairs
    cut_names = [f"tau{k}" for k in range(1, n_values)]
    return PolychoricResult(rho=pd.DataFrame(matrix, index=names, columns=names),
                            thresholds=pd.DataFrame(tau, index=names, columns=cut_names),
                            n_pairs=pd.DataFrame(counts.astype(int), index=names, columns=names),
                            smoothed=smoothed, global_thresholds=global_thresholds)


def polychoric_matrix(frame: pd.DataFrame, smooth: bool = True, global_thresholds: bool | None = None,
                      correct: float = 0.5) -> pd.DataFrame:
    """The polychoric correlation matrix alone; see :func:`polychoric`."""
    return polychoric(frame, smooth=smooth, global_thresholds=global_thresholds, correct=correct).rho
