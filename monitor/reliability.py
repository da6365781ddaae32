"""Reliability and item analysis: Cronbach's alpha (Feldt CI), omega, item statistics.

Conventions follow R ``psych``: covariances and correlations are pairwise complete, alpha is
computed from the covariance matrix (raw) and the correlation matrix (standardized).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .instrument import Instrument, load_instrument
from .scoring import reverse_key

__all__ = ["cronbach_alpha", "alpha_if_deleted", "item_analysis", "omega", "reliability_table"]


def _pairwise_cov(values: np.ndarray) -> np.ndarray:
    """Pairwise-complete covariance matrix (as R ``cov(x, use = "pairwise")``)."""
    frame = pd.DataFrame(values)
    return frame.cov(min_periods=2).to_numpy()


def _alpha_from_cov(cov: np.ndarray) -> float:
    k = cov.shape[0]
    return k / (k - 1) * (1 - np.trace(cov) / cov.sum())


def cronbach_alpha(items: pd.DataFrame, confidence: float = 0.95) -> pd.Series:
    """Cronbach's alpha with its Feldt confidence interval, and standardized alpha.

    Parameters
    ----------
    items : DataFrame
        One column per item, already keyed in one direction (see :func:`reliability_table`).
    confidence : float
        Level of the Feldt interval (default 0.95).

    Returns
    -------
    Series
        ``alpha`` (raw), ``ci_low``, ``ci_high`` (Feldt), ``std_alpha``, ``average_r``,
        ``n`` (respondents, rows) and ``k`` (items).

    Notes
    -----
    ``α = k/(k-1) · (1 - tr(C)/ΣC)`` with C the covariance matrix; standardized alpha uses
    the correlation matrix R: ``k·r̄/(1 + (k-1)·r̄)``. Feldt (1965) interval:
    ``1 - (1-α)·F(1-p/2; n-1, (n-1)(k-1))`` to ``1 - (1-α)·F(p/2; ...)``, as
    ``psych::alpha.ci``, with n the number of rows (as ``psych::alpha``).

    References
    ----------
    Cronbach (1951), Psychometrika 16, 297-334. Feldt (1965), Psychometrika 30, 357-370.

    Examples
    --------
    >>> import pandas as pd
    >>> from monitor.config import PROJECT_ROOT
    >>> bfi = pd.read_csv(PROJECT_ROOT / "tests" / "data" / "bfi.csv")
    >>> cronbach_alpha(bfi[["C1", "C2", "C3"]])[["alpha", "ci_low", "ci_high"]].round(3).tolist()
    [0.631, 0.607, 0.654]

    R ``psych::alpha`` gives the same raw alpha and Feldt bounds (``tests/expected/``).
    """
    values = items.astype("float64").to_numpy(na_value=np.nan)
    n, k = values.shape
    if k < 2:
        raise ValueError("alpha needs at least two items")
    cov = _pairwise_cov(values)
    corr = cov / np.sqrt(np.outer(np.diag(cov), np.diag(cov)))
    alpha = _alpha_from_cov(cov)
    std_alpha = _alpha_from_cov(corr)
    average_r = (corr.sum() - k) / (k * (k - 1))
    p = 1 - confidence
    df1, df2 = n - 1, (n - 1) * (k - 1)
    return pd.Series({"alpha": alpha,
                      "ci_low": 1 - (1 - alpha) * stats.f.ppf(1 - p / 2, df1, df2),
                      "ci_high": 1 - (1 - alpha) * stats.f.ppf(p / 2, df1, df2),
                      "std_alpha": std_alpha, "average_r": average_r, "n": n, "k": k})


def alpha_if_deleted(items: pd.DataFrame) -> pd.Series:
    """Raw alpha of the remaining items when each item is dropped (``psych::alpha``'s alpha.drop).

    Examples
    --------
    >>> import pandas as pd
    >>> from monitor.config import PROJECT_ROOT
    >>> bfi = pd.read_csv(PROJECT_ROOT / "tests" / "data" / "bfi.csv")
    >>> alpha_if_deleted(bfi[["C1", "C2", "C3"]]).round(3).tolist()
    [0.524, 0.47, 0.598]
    """
    cov = _pairwise_cov(items.astype("float64").to_numpy(na_value=np.nan))
    k = cov.shape[0]
    out = {}
    for i, name in enumerate(items.columns):
        keep = [j for j in range(k) if j != i]
        out[name] = _alpha_from_cov(cov[np.ix_(keep, keep)]) if len(keep) > 1 else np.nan
    return pd.Series(out, name="alpha_if_deleted")


def _skew_type3(x: np.ndarray) -> float:
    """Sample skewness as ``psych::describe`` (type 3): ``m3 / s³`` with the n-1 SD."""
    x = x[np.isfinite(x)]
    n = len(x)
    if n < 3:
        return np.nan
    d = x - x.mean()
    return float(np.mean(d ** 3) / (np.sum(d ** 2) / (n - 1)) ** 1.5)


def item_analysis(items: pd.DataFrame, scale_min: int = 1, scale_max: int = 5) -> pd.DataFrame:
    """Item statistics for one scale: distribution, mean, SD, skew, floor/ceiling, missing,
    item-rest correlation and alpha if item deleted.

    Parameters
    ----------
    items : DataFrame
        The scale's items, already keyed in one direction.

    Returns
    -------
    DataFrame
        One row per item: ``n``, ``missing_share``, ``mean``, ``sd``, ``skew``,
        ``floor_share``, ``ceiling_share``, ``item_rest_r``, ``alpha_if_deleted`` and the
        share of each answer category (``p1`` … ``p5``) among the answers.

    Notes
    -----
    The item-rest correlation is ``ΣC[i, -i] / sqrt(C[i, i] · ΣC[-i, -i])`` from the pairwise
    covariance matrix, as ``r.drop`` in ``psych::alpha``.

    Examples
    --------
    >>> import pandas as pd
    >>> from monitor.config import PROJECT_ROOT
    >>> bfi = pd.read_csv(PROJECT_ROOT / "tests" / "data" / "bfi.csv")
    >>> item_analysis(bfi[["C1", "C2", "C3"]], 1, 6)["item_rest_r"].round(2).tolist()
    [0.45, 0.48, 0.39]
    """
    values = items.astype("float64").to_numpy(na_value=np.nan)
    cov = _pairwise_cov(values)
    drop = alpha_if_deleted(items)
    rows = []
    for i, name in enumerate(items.columns):
        x = values[:, i]
        answered = x[np.isfinite(x)]
        others = [j for j in range(len(items.columns)) if j != i]
        row = {
            "item": name,
            "n": len(answered),
            "missing_share": 1 - len(answered) / len(x),
            "mean": answered.mean() if len(answered) else np.nan,
            "sd": answered.std(ddof=1) if len(answered) > 1 else np.nan,
            "skew": _skew_type3(answered),
            "floor_share": np.mean(answered == scale_min) if len(answered) else np.nan,
            "ceiling_share": np.mean(answered == scale_max) if len(answered) else np.nan,
            "item_rest_r": cov[i, others].sum() / np.sqrt(cov[i, i] * cov[np.ix_(others, others)].sum()),
            "alpha_if_deleted": drop[name],
        }
        for category in range(scale_min, scale_max + 1):
            row[f"p{category}"] = np.mean(answered == category) if len(answered) else np.nan
        rows.append(row)
    return pd.DataFrame(rows).set_index("item")


def omega(items: pd.DataFrame | None = None, n_factors: int = 1, correlation: np.ndarray | None = None,
          rotation: str = "oblimin") -> pd.Series:
    """McDonald's omega total (and omega hierarchical with ``n_factors`` > 1), as ``psych::omega``.

    With one factor, a minres factor is fitted to the correlation matrix and
    ``ω_t = (V_t - Σu²) / V_t`` with ``V_t`` the sum of all correlations and ``u²`` the
    uniquenesses; ``ω_h = (Σλ)² / V_t`` then describes the same single factor. With more
    factors, the Schmid-Leiman transformation of an oblique minres solution gives a general
    factor: ``ω_h = (Σ g)² / V_t``.

    Parameters
    ----------
    items : DataFrame, optional
        Items keyed in one direction (pairwise Pearson correlations are used).
    correlation : ndarray, optional
        A correlation matrix instead of ``items`` (e.g. polychoric).

    References
    ----------
    McDonald (1999), Test theory. Zinbarg, Revelle, Yovel & Li (2005), Psychometrika 70.
    Revelle, psych: ``omega``, ``schmid``.

    Examples
    --------
    >>> import pandas as pd
    >>> from monitor.config import PROJECT_ROOT
    >>> bfi = pd.read_csv(PROJECT_ROOT / "tests" / "data" / "bfi.csv")
    >>> omega(bfi[["C1", "C2", "C3"]]).round(3).tolist()
    [0.637, 0.637]
    """
    from .factor import minres, schmid_leiman

    if correlation is None:
        correlation = items.astype("float64").corr().to_numpy()
    r = np.asarray(correlation, dtype=float)
    vt = r.sum()
    if n_factors == 1:
        loadings, _ = minres(r, 1)
        g = loadings[:, 0]
        if g.sum() < 0:
            g = -g
        u2 = 1 - g ** 2
    else:
        sl = schmid_leiman(r, n_factors, rotation=rotation)
        g, u2 = sl["g"], sl["u2"]
    return pd.Series({"omega_total": (vt - u2.sum()) / vt, "omega_hierarchical": g.sum() ** 2 / vt})


def reliability_table(frame: pd.DataFrame, instrument: Instrument | None = None, module: str = "vertrouwen",
                      roles: tuple[str, ...] = ("theme", "outcome", "factor", "stage")) -> pd.DataFrame:
    """Alpha (Feldt CI), standardized alpha and omega total per scale of a module.

    Reverse-keyed items are recoded first, per the instrument.
    """
    instrument = instrument or load_instrument()
    keyed = reverse_key(frame, instrument)
    rows = []
    for scale in instrument.module(module).scales:
        if scale.role not in roles:
            continue
        items = keyed[scale.item_ids]
        row = {"scale": scale.id, "role": scale.role, **cronbach_alpha(items).to_dict()}
        row["omega_total"] = omega(items)["omega_total"] if len(scale.item_ids) >= 3 else np.nan
        rows.append(row)
    table = pd.DataFrame(rows).set_index("scale")
    table[["n", "k"]] = table[["n", "k"]].astype(int)
    return table
