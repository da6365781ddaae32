"""Exploratory factor analysis: suitability, number of factors, extraction and rotation.

Extraction (minres, ML, principal axis) follows R ``psych::fa`` step by step; rotations come
from factor_analyzer's ``Rotator`` (gradient projection, ported from GPArotation), through
:mod:`monitor.stats.compat`. Everything works on a correlation matrix, so Pearson and polychoric
correlations are interchangeable.

This module is the EFA itself (:func:`efa`, :func:`align_factors`, :func:`schmid_leiman`) and
the one namespace of the steps before it, which live in their own modules:
:mod:`monitor.stats.correlation` (correlations, checks, KMO, Bartlett),
:mod:`monitor.stats.factor_extraction` (minres, ML, principal axis) and
:mod:`monitor.stats.factor_retention` (parallel analysis, MAP).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from scipy.optimize import linear_sum_assignment

from .compat import factor_analyzer
from .correlation import (
    DUPLICATE_R,
    bartlett_sphericity,
    checked_correlation,
    correlation_matrix,
    drop_constant_items,
    kmo,
    pairwise_correlation,
)
from .factor_extraction import minres, ml_factors, principal_axis
from .factor_retention import parallel_analysis, velicer_map
from .threads import one_blas_thread
from .warnings import PsychometricWarning

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


def _warn(message: str) -> None:
    warnings.warn(message, PsychometricWarning, stacklevel=3)


_EXTRACT = {"minres": minres, "ml": ml_factors, "pa": principal_axis}


# -- EFA -----------------------------------------------------------------------------------
def _rotate(loadings: np.ndarray, rotation: str) -> tuple[np.ndarray, np.ndarray]:
    k = loadings.shape[1]
    if rotation == "none" or k == 1:
        return loadings, np.eye(k)
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


@one_blas_thread()
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


@one_blas_thread()
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
