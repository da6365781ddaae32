"""The fit-index formulas of lavaan's ``fitMeasures``, as functions of test statistics.

:func:`cfi_index`, :func:`tli_index` and :func:`rmsea_index` (each also in the robust form of
Brosseau-Liard & Savalei, with scaling constants), :func:`rmsea_interval` (the noncentral
chi-square interval) and :func:`fit_indices` (all of them for one chi-square). They know nothing
of models: :mod:`monitor.stats.sem.fit_measures` computes the statistics and calls them.

References
----------
Rosseel, Y. lavaan 0.6: ``lav_fit_cfi``, ``lav_fit_rmsea``, ``lav_fit_rmsea_ci``.
Brosseau-Liard, P. E., Savalei, V. & Li, L. (2012). An investigation of the sample performance of
two nonnormality corrections for RMSEA. Multivariate Behavioral Research 47, 904-930.
Brosseau-Liard, P. E. & Savalei, V. (2014). Adjusting incremental fit indices for nonnormality.
Multivariate Behavioral Research 49, 460-470.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, stats

__all__ = ["cfi_index", "tli_index", "rmsea_index", "rmsea_interval", "fit_indices"]


def rmsea_interval(chi2: float, df: int, n: int, level: float = 0.90, groups: int = 1) -> tuple[float, float]:
    """Confidence interval of the RMSEA from the noncentral chi-square (as lavaan, with N).

    The bounds solve ``P(χ²_df(λ) <= T) = 0.95`` and ``0.05`` for the noncentrality λ;
    ``RMSEA = sqrt(G · λ / (N · df))``.

    Examples
    --------
    >>> [round(x, 3) for x in rmsea_interval(85.3055, 24, 301)]  # lavaan: 0.071, 0.114
    [0.071, 0.114]
    """
    tail = (1 - level) / 2

    def solve(prob):
        f = lambda lam: stats.ncx2.cdf(chi2, df, lam) - prob  # noqa: E731
        if f(1e-12) < 0:
            return 0.0
        hi = max(chi2, 1.0)
        while f(hi) > 0:
            hi *= 2
        return optimize.brentq(f, 1e-12, hi, xtol=1e-12)

    lower, upper = solve(1 - tail), solve(tail)
    return float(np.sqrt(groups * lower / (n * df))), float(np.sqrt(groups * upper / (n * df)))


def cfi_index(chi2: float, df: float, chi2_null: float, df_null: float, c: float = 1.0, c_null: float = 1.0) -> float:
    """CFI as lavaan's ``lav_fit_cfi``; with scaling constants ``c`` (model) and ``c_null``
    (baseline) it is the robust CFI (Brosseau-Liard & Savalei 2014): ``T - c·df`` for ``T - df``."""
    if not np.all(np.isfinite([chi2, df, chi2_null, df_null, c, c_null])):
        return np.nan
    t1 = max(chi2 - c * df, 0.0)
    t2 = max(chi2 - c * df, chi2_null - c_null * df_null, 0.0)
    return 1.0 if np.isclose(t1, 0) and np.isclose(t2, 0) else float(1 - t1 / t2)


def tli_index(chi2: float, df: float, chi2_null: float, df_null: float, c: float = 1.0, c_null: float = 1.0) -> float:
    """TLI as lavaan's ``lav_fit_tli`` (robust with ``c`` and ``c_null``, as :func:`cfi_index`)."""
    if not np.all(np.isfinite([chi2, df, chi2_null, df_null, c, c_null])):
        return np.nan
    t1 = (chi2 - c * df) * df_null
    t2 = (chi2_null - c_null * df_null) * df
    return float(1 - t1 / t2) if df > 0 and abs(t2) > 0 else 1.0


def rmsea_index(chi2: float, df: float, n: int, groups: int = 1, c: float = 1.0) -> float:
    """RMSEA as lavaan's ``lav_fit_rmsea``: ``sqrt(G) · sqrt(max(T/(N·df) - c/N, 0))``; with
    ``c`` the scaling constant it is the robust RMSEA (Brosseau-Liard, Savalei & Li 2012)."""
    if not np.all(np.isfinite([chi2, df, c])):
        return np.nan
    return float(np.sqrt(max(chi2 / n / df - c / n, 0.0)) * np.sqrt(groups)) if df > 0 else 0.0


def fit_indices(chi2: float, df: int, baseline_chi2: float, baseline_df: int, n: int, groups: int = 1) -> dict:
    """Chi-square test, CFI, TLI and RMSEA with its 90% CI (formulas as lavaan's)."""
    low, high = rmsea_interval(chi2, df, n, groups=groups) if df > 0 else (0.0, 0.0)
    return {"chi2": chi2, "df": df, "p_value": float(stats.chi2.sf(chi2, df)) if df > 0 else np.nan,
            "cfi": cfi_index(chi2, df, baseline_chi2, baseline_df),
            "tli": tli_index(chi2, df, baseline_chi2, baseline_df),
            "rmsea": rmsea_index(chi2, df, n, groups), "rmsea_low": low, "rmsea_high": high}
