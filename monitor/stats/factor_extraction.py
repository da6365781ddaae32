"""Factor extraction from a correlation matrix, step by step as R ``psych::fa``.

- :func:`minres` (``fm = "minres"``, unweighted least squares on the off-diagonal residuals),
- :func:`ml_factors` (``fm = "ml"``, after ``factanal``),
- :func:`principal_axis` (``fm = "pa"``, iterated communalities),

each from the uniquenesses ``1 - SMC`` (:func:`smc`), returning unrotated loadings; rotation
and the rest of an EFA are in :mod:`monitor.stats.factor`.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize

from .threads import one_blas_thread

__all__ = ["smc", "minres", "ml_factors", "principal_axis"]


def smc(r: np.ndarray) -> np.ndarray:
    """Squared multiple correlations, ``1 - 1/diag(R⁻¹)`` (pseudo-inverse if singular)."""
    try:
        inv = np.linalg.inv(r)
    except np.linalg.LinAlgError:
        inv = np.linalg.pinv(r)
    return np.clip(1 - 1 / np.diag(inv), 0, 1)


def _top_loadings(matrix: np.ndarray, n_factors: int) -> np.ndarray:
    values, vectors = np.linalg.eigh(matrix)
    order = np.argsort(values)[::-1][:n_factors]
    return vectors[:, order] * np.sqrt(np.maximum(values[order], 0))


@one_blas_thread()
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

    start = 1 - smc(r)
    res = optimize.minimize(objective, start, jac=gradient, method="L-BFGS-B",
                            bounds=[(0.005, 1.0)] * len(r), options={"maxiter": 1000, "ftol": 1e-12, "gtol": 1e-8})
    return _loadings_uls(res.x), {"objective": res.fun, "converged": bool(res.success), "uniquenesses": res.x}


@one_blas_thread()
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

    start = 1 - smc(r)
    res = optimize.minimize(objective, start, jac=gradient, method="L-BFGS-B",
                            bounds=[(0.005, 1.0)] * p, options={"maxiter": 1000, "ftol": 1e-14, "gtol": 1e-10})
    return loadings(res.x), {"objective": res.fun, "converged": bool(res.success), "uniquenesses": res.x}


@one_blas_thread()
def principal_axis(r: np.ndarray, n_factors: int, max_iter: int = 50, tol: float = 0.001) -> tuple[np.ndarray, dict]:
    """Iterated principal-axis extraction (``psych::fa(fm = "pa")``): communalities from SMC,
    re-estimated until their total changes by less than ``tol``."""
    r = np.asarray(r, dtype=float)
    communality = smc(r)
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
