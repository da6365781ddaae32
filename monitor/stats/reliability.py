"""Reliability and item analysis: Cronbach's alpha (Feldt CI), omega, ordinal alpha and
omega, composite reliability and AVE, item statistics.

Conventions follow R ``psych``: covariances and correlations are pairwise complete, alpha is
computed from the covariance matrix (raw) and the correlation matrix (standardized), items
without variance are dropped with a warning, and scoring keys are psych's: a list of items per
scale in which a leading ``-`` marks a reverse-keyed item (``psych::bfi.keys``). Nothing here
knows the monitor's questionnaire: the functions take frames and keys.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from .correlation import checked_correlation, drop_constant_items
from .factor import schmid_leiman
from .factor_extraction import minres
from .polychoric import polychoric_matrix
from .threads import one_blas_thread

__all__ = ["parse_keys", "key_signs", "reverse_keyed", "is_item_matrix", "cronbach_alpha", "alpha_if_deleted",
           "item_rest_correlation", "item_analysis", "omega", "ordinal_reliability", "composite_reliability", "scale_reliability"]


# -- scoring keys ------------------------------------------------------------------------------
def parse_keys(scales: Mapping[str, Sequence[str]]) -> tuple[dict[str, list[str]], list[str]]:
    """Split psych-style scoring keys into items per scale and the reverse-keyed items.

    Parameters
    ----------
    scales : mapping
        Scale name -> item names; a leading ``-`` marks a reverse-keyed item, as in
        ``psych::bfi.keys``: ``{"A": ["-A1", "A2", "A3"], ...}``.

    Returns
    -------
    (dict, list)
        Scale -> plain item names, and the reverse-keyed items in order.

    Examples
    --------
    >>> parse_keys({"A": ["-A1", "A2"], "C": ["C1", "-C4"]})
    ({'A': ['A1', 'A2'], 'C': ['C1', 'C4']}, ['A1', 'C4'])
    """
    if not isinstance(scales, Mapping) or not scales:
        raise ValueError("scales must map each scale to its items, e.g. {A: [-A1, A2, A3]}")
    items: dict[str, list[str]] = {}
    reversed_items: list[str] = []
    seen: dict[str, str] = {}
    for scale, keys in scales.items():
        if isinstance(keys, str) or not isinstance(keys, Sequence) or len(keys) == 0:
            raise ValueError(f"scale {scale!s}: give a list of items, e.g. [-A1, A2, A3]")
        items[str(scale)] = []
        for key in keys:
            name = str(key).strip()
            plain = name[1:].strip() if name.startswith("-") else name
            if not plain:
                raise ValueError(f"scale {scale!s}: an empty item name")
            if plain in seen:
                raise ValueError(f"item {plain} is listed in scale {seen[plain]} and in scale {scale!s}")
            seen[plain] = str(scale)
            items[str(scale)].append(plain)
            if name.startswith("-"):
                reversed_items.append(plain)
    return items, reversed_items


def key_signs(columns: Sequence[str], keys) -> np.ndarray:
    """+1/-1 per column from ``keys``, which may be

    - ``None``: every item positive;
    - +1/-1 numbers, one per column (``psych::omega``'s ``key``);
    - item names: with a leading ``-`` on some, those are reversed (a keys list such as
      ``["-A1", "A2"]``); without any ``-``, every named item is reversed (``psych::alpha``'s
      ``keys = c("A1")``).
    """
    columns = [str(c) for c in columns]
    if keys is None:
        return np.ones(len(columns))
    keys = list(keys)
    if all(isinstance(k, (int, float, np.integer, np.floating)) and not isinstance(k, bool) for k in keys):
        signs = np.asarray(keys, dtype=float)
        if len(signs) != len(columns) or not np.isin(signs, (-1, 1)).all():
            raise ValueError(f"keys as numbers need one +1 or -1 per item ({len(columns)} items)")
        return signs
    names = [str(k).strip() for k in keys]
    marked = [n[1:].strip() for n in names if n.startswith("-")]
    flip = marked if marked else names
    unknown = sorted(set(flip) - set(columns))
    if unknown:
        raise ValueError(f"keys name item(s) not among the columns: {', '.join(unknown)}")
    return np.array([-1.0 if c in flip else 1.0 for c in columns])


def reverse_keyed(items: pd.DataFrame, keys) -> pd.DataFrame:
    """A float copy of ``items`` with the reverse-keyed items recoded as ``min + max - x``, with
    min and max the lowest and highest answer in ``items`` (as ``psych::alpha`` and
    ``psych::reverse.code`` do)."""
    values = items.astype("float64")
    signs = key_signs(items.columns, keys)
    if (signs < 0).any():
        low, high = np.nanmin(values.to_numpy()), np.nanmax(values.to_numpy())
        for column, sign in zip(items.columns, signs, strict=True):
            if sign < 0:
                values[column] = low + high - values[column]
    return values


def _prepared(items: pd.DataFrame, keys, what: str, minimum: int = 2) -> pd.DataFrame:
    """Keyed float items without the constant ones (warned), with at least ``minimum`` left."""
    keyed = reverse_keyed(items, keys)
    keyed = drop_constant_items(keyed, what)
    if keyed.shape[1] < minimum:
        raise ValueError(f"{what} needs at least {minimum} items with variance, not {keyed.shape[1]}")
    return keyed


def is_item_matrix(items) -> bool:
    """Whether ``items`` is a correlation or covariance matrix rather than answers: a square
    DataFrame whose index equals its columns (psych's ``isCovariance`` asks for a square,
    symmetric matrix; the labels make the intent explicit here).

    Examples
    --------
    >>> import pandas as pd
    >>> answers = pd.DataFrame({"a": [1, 2, 3], "b": [2, 2, 3]})
    >>> is_item_matrix(answers), is_item_matrix(answers.corr())
    (False, True)
    """
    return (isinstance(items, pd.DataFrame) and items.shape[0] == items.shape[1]
            and list(map(str, items.index)) == list(map(str, items.columns)))


def _keyed_matrix(matrix: pd.DataFrame, keys, what: str, minimum: int = 2) -> np.ndarray:
    """A checked covariance or correlation matrix with the reverse-keyed items' signs flipped
    (reversing an item as ``min + max - x`` flips the sign of its covariances)."""
    values = matrix.to_numpy(dtype=float)
    if not np.isfinite(values).all() or not np.allclose(values, values.T, atol=1e-10):
        raise ValueError(f"{what}: the matrix must be finite and symmetric")
    if (np.diag(values) <= 0).any():
        flat = [str(c) for c, v in zip(matrix.columns, np.diag(values), strict=True) if v <= 0]
        raise ValueError(f"{what}: item(s) without variance on the diagonal: {', '.join(flat)}")
    if len(values) < minimum:
        raise ValueError(f"{what} needs at least {minimum} items, not {len(values)}")
    signs = key_signs(matrix.columns, keys)
    return values * np.outer(signs, signs)


def _covariance_of(items: pd.DataFrame, keys, what: str) -> tuple[np.ndarray, list, int | None]:
    """(covariance or correlation matrix, item names, rows or None) of answers or of a matrix."""
    if is_item_matrix(items):
        return _keyed_matrix(items, keys, what), list(items.columns), None
    keyed = _prepared(items, keys, what)
    return _pairwise_cov(keyed.to_numpy(na_value=np.nan)), list(keyed.columns), len(keyed)


# -- alpha -------------------------------------------------------------------------------------
def _pairwise_cov(values: np.ndarray) -> np.ndarray:
    """Pairwise-complete covariance matrix (as R ``cov(x, use = "pairwise")``)."""
    frame = pd.DataFrame(values)
    cov = frame.cov(min_periods=2).to_numpy()
    if not np.isfinite(cov).all():
        raise ValueError("some pairs of items were never answered together; alpha is undefined")
    return cov


def _alpha_from_cov(cov: np.ndarray) -> float:
    k = cov.shape[0]
    return k / (k - 1) * (1 - np.trace(cov) / cov.sum())


@one_blas_thread()
def cronbach_alpha(items: pd.DataFrame, confidence: float = 0.95, keys=None, n_obs: int | None = None) -> pd.Series:
    """Cronbach's alpha with its Feldt confidence interval, and standardized alpha.

    Parameters
    ----------
    items : DataFrame
        One column per item; or a correlation or covariance matrix (a square frame whose index
        equals its columns, see :func:`is_item_matrix`), as ``psych::alpha(r, n.obs = )``.
    confidence : float
        Level of the Feldt interval (default 0.95).
    keys : optional
        Reverse-keyed items (see :func:`key_signs`), as ``psych::alpha(keys = ...)``. Items
        without variance are dropped with a warning, as psych does.
    n_obs : int, optional
        Respondents behind a matrix, for the Feldt interval; without it the interval is NaN.
        Raw answers give their own n (the rows), so ``n_obs`` is refused with them.

    Returns
    -------
    Series
        ``alpha`` (raw), ``ci_low``, ``ci_high`` (Feldt), ``std_alpha``, ``average_r``,
        ``n`` (respondents: rows, or ``n_obs``) and ``k`` (items used).

    Notes
    -----
    ``α = k/(k-1) · (1 - tr(C)/ΣC)`` with C the covariance matrix; standardized alpha uses
    the correlation matrix R: ``k·r̄/(1 + (k-1)·r̄)``. Feldt (1965) interval:
    ``1 - (1-α)·F(1-p/2; n-1, (n-1)(k-1))`` to ``1 - (1-α)·F(p/2; ...)``, as
    ``psych::alpha.ci``, with n the number of rows (as ``psych::alpha``). From a correlation
    matrix alpha is the standardized alpha; from a covariance matrix, the raw alpha of the data
    it came from. psych 2.2.9's ``alpha(r, n.obs =)`` prints a Feldt interval computed with the
    number of items as n (``nrow(r)``); the interval here is ``psych::alpha.ci(alpha, n.obs, k)``.

    References
    ----------
    Cronbach (1951), Psychometrika 16, 297-334. Feldt (1965), Psychometrika 30, 357-370.

    Examples
    --------
    >>> import pandas as pd
    >>> from monitor.core.config import PROJECT_ROOT
    >>> bfi = pd.read_csv(PROJECT_ROOT / "tests" / "data" / "bfi.csv")
    >>> cronbach_alpha(bfi[["C1", "C2", "C3"]])[["alpha", "ci_low", "ci_high"]].round(3).tolist()
    [0.631, 0.607, 0.654]
    >>> round(float(cronbach_alpha(bfi[["C1", "C2", "C3", "C4", "C5"]], keys=["C4", "C5"])["alpha"]), 3)
    0.727
    >>> r = bfi[["C1", "C2", "C3"]].corr()  # pairwise, as R's cor(x, use = "pairwise")
    >>> cronbach_alpha(r, n_obs=len(bfi))[["alpha", "ci_low", "ci_high"]].round(3).tolist()
    [0.632, 0.607, 0.655]

    (R: ``psych::alpha(r, n.obs = 2800)`` 0.632; ``psych::alpha.ci(0.632, 2800, 3)`` 0.607, 0.655.)

    R ``psych::alpha`` gives the same values (``tests/expected/``).
    """
    if n_obs is not None and not is_item_matrix(items):
        raise ValueError("alpha: n_obs is for a correlation or covariance matrix; raw answers give their own n")
    if n_obs is not None and (isinstance(n_obs, bool) or int(n_obs) != n_obs or n_obs < 2):
        raise ValueError(f"alpha: n_obs must be a whole number of respondents, at least 2, not {n_obs!r}")
    cov, _, rows = _covariance_of(items, keys, "alpha")
    n, k = (rows if n_obs is None else int(n_obs)), cov.shape[0]
    corr = cov / np.sqrt(np.outer(np.diag(cov), np.diag(cov)))
    alpha = _alpha_from_cov(cov)
    std_alpha = _alpha_from_cov(corr)
    average_r = (corr.sum() - k) / (k * (k - 1))
    p = 1 - confidence
    if n is None:  # a matrix without n_obs: no interval
        low = high = n = np.nan
    else:
        df1, df2 = n - 1, (n - 1) * (k - 1)
        low = 1 - (1 - alpha) * stats.f.ppf(1 - p / 2, df1, df2)
        high = 1 - (1 - alpha) * stats.f.ppf(p / 2, df1, df2)
    return pd.Series({"alpha": alpha, "ci_low": low, "ci_high": high,
                      "std_alpha": std_alpha, "average_r": average_r, "n": n, "k": k})


@one_blas_thread()
def alpha_if_deleted(items: pd.DataFrame, keys=None) -> pd.Series:
    """Raw alpha of the remaining items when each item is dropped (``psych::alpha``'s alpha.drop);
    ``items`` may be answers or a correlation or covariance matrix (:func:`is_item_matrix`).

    Examples
    --------
    >>> import pandas as pd
    >>> from monitor.core.config import PROJECT_ROOT
    >>> bfi = pd.read_csv(PROJECT_ROOT / "tests" / "data" / "bfi.csv")
    >>> alpha_if_deleted(bfi[["C1", "C2", "C3"]]).round(3).tolist()
    [0.524, 0.47, 0.598]
    """
    cov, names, _ = _covariance_of(items, keys, "alpha if item deleted")
    k = cov.shape[0]
    out = {}
    for i, name in enumerate(names):
        keep = [j for j in range(k) if j != i]
        out[name] = _alpha_from_cov(cov[np.ix_(keep, keep)]) if len(keep) > 1 else np.nan
    return pd.Series(out, name="alpha_if_deleted")


def _item_rest(cov: np.ndarray) -> np.ndarray:
    """``ΣC[i, -i] / sqrt(C[i, i] · ΣC[-i, -i])`` per item (psych's ``r.drop``)."""
    total, row = cov.sum(), cov.sum(axis=1)
    rest_var = total - 2 * row + np.diag(cov)
    return (row - np.diag(cov)) / np.sqrt(np.diag(cov) * rest_var)


@one_blas_thread()
def item_rest_correlation(items: pd.DataFrame, keys=None) -> pd.Series:
    """Corrected item-total (item-rest) correlation per item, ``psych::alpha``'s ``r.drop``;
    ``items`` may be answers or a correlation or covariance matrix (:func:`is_item_matrix`).

    Examples
    --------
    >>> import pandas as pd
    >>> from monitor.core.config import PROJECT_ROOT
    >>> bfi = pd.read_csv(PROJECT_ROOT / "tests" / "data" / "bfi.csv")
    >>> item_rest_correlation(bfi[["C1", "C2", "C3"]]).round(2).tolist()
    [0.45, 0.48, 0.39]
    """
    cov, names, _ = _covariance_of(items, keys, "item-rest correlation")
    return pd.Series(_item_rest(cov), index=names, name="item_rest_r")


def _skew_type3(x: np.ndarray) -> float:
    """Sample skewness as ``psych::describe`` (type 3): ``m3 / s³`` with the n-1 SD."""
    x = x[np.isfinite(x)]
    n = len(x)
    if n < 3:
        return np.nan
    d = x - x.mean()
    spread = np.sum(d ** 2) / (n - 1)
    return float(np.mean(d ** 3) / spread ** 1.5) if spread > 0 else np.nan


@one_blas_thread()
def item_analysis(items: pd.DataFrame, scale_min: int = 1, scale_max: int = 5, keys=None) -> pd.DataFrame:
    """Item statistics for one scale: distribution, mean, SD, skew, floor/ceiling, missing,
    item-rest correlation and alpha if item deleted.

    Parameters
    ----------
    items : DataFrame
        The scale's items.
    scale_min, scale_max : int
        The lowest and highest answer code.
    keys : optional
        Reverse-keyed items (see :func:`key_signs`); their statistics are those of the keyed
        answers. Items without variance are dropped with a warning.

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
    >>> from monitor.core.config import PROJECT_ROOT
    >>> bfi = pd.read_csv(PROJECT_ROOT / "tests" / "data" / "bfi.csv")
    >>> item_analysis(bfi[["C1", "C2", "C3"]], 1, 6)["item_rest_r"].round(2).tolist()
    [0.45, 0.48, 0.39]
    """
    if is_item_matrix(items):
        raise ValueError("item analysis needs the answers (distributions, means, SDs); from a matrix use "
                         "item_rest_correlation and alpha_if_deleted")
    keyed = _prepared(items, keys, "item analysis")
    values = keyed.to_numpy(na_value=np.nan)
    rest_r = _item_rest(_pairwise_cov(values))
    drop = alpha_if_deleted(keyed)
    rows = []
    for i, name in enumerate(keyed.columns):
        x = values[:, i]
        answered = x[np.isfinite(x)]
        row = {
            "item": name,
            "n": len(answered),
            "missing_share": 1 - len(answered) / len(x),
            "mean": answered.mean() if len(answered) else np.nan,
            "sd": answered.std(ddof=1) if len(answered) > 1 else np.nan,
            "skew": _skew_type3(answered),
            "floor_share": np.mean(answered == scale_min) if len(answered) else np.nan,
            "ceiling_share": np.mean(answered == scale_max) if len(answered) else np.nan,
            "item_rest_r": rest_r[i],
            "alpha_if_deleted": drop[name],
        }
        for category in range(scale_min, scale_max + 1):
            row[f"p{category}"] = np.mean(answered == category) if len(answered) else np.nan
        rows.append(row)
    return pd.DataFrame(rows).set_index("item")


# -- omega -------------------------------------------------------------------------------------
@one_blas_thread()
def omega(items: pd.DataFrame | None = None, n_factors: int = 1, correlation=None,
          rotation: str = "oblimin", keys=None, flip: bool = True) -> pd.Series:
    """McDonald's omega total and omega hierarchical, as ``psych::omega``.

    With one factor, a minres factor is fitted to the correlation matrix and
    ``ω_t = (V_t - Σu²) / V_t`` with ``V_t`` the sum of all correlations and ``u²`` the
    uniquenesses; ``ω_h = (Σλ)² / V_t`` then describes the same single factor (the two can
    differ slightly, in psych as here, because ``V_t`` is observed). With more factors, the
    Schmid-Leiman transformation of an oblique minres solution gives a general factor:
    ``ω_h = (Σ g)² / V_t``.

    Parameters
    ----------
    items : DataFrame, optional
        Items (pairwise Pearson correlations are used); constant items are dropped with a
        warning. A correlation or covariance matrix (a square frame whose index equals its
        columns, :func:`is_item_matrix`) is read as ``psych::omega(m)`` does: a covariance
        matrix is turned into correlations. Omega needs no n: psych's ``n.obs`` only adds the
        fit statistics of the omega model, which this function does not report.
    n_factors : int
        1, or the number of group factors (at least 3) under a general factor.
    correlation : DataFrame or ndarray, optional
        A correlation matrix instead of ``items`` (e.g. polychoric, for ordinal omega).
    keys : optional
        Reverse-keyed items (see :func:`key_signs`); given keys turn ``flip`` off, as in psych.
    flip : bool
        psych's default: items with a negative loading on the general factor are reversed
        before ``V_t`` and ``ω_h`` are computed, so that an unkeyed reversed item does not
        cancel out of the general factor.

    References
    ----------
    McDonald (1999), Test theory. Zinbarg, Revelle, Yovel & Li (2005), Psychometrika 70.
    Revelle, psych: ``omega``, ``schmid``.

    Examples
    --------
    >>> import pandas as pd
    >>> from monitor.core.config import PROJECT_ROOT
    >>> bfi = pd.read_csv(PROJECT_ROOT / "tests" / "data" / "bfi.csv")
    >>> omega(bfi[["C1", "C2", "C3"]]).round(3).tolist()
    [0.637, 0.637]
    >>> round(float(omega(bfi, n_factors=5)["omega_hierarchical"]), 2)  # psych::omega(bfi[1:25], 5): 0.46
    0.46
    >>> r = bfi.corr()  # psych::omega(cor(bfi[1:25], use = "pairwise"), 5, n.obs = 2800): 0.46
    >>> round(float(omega(r, n_factors=5)["omega_hierarchical"]), 2)
    0.46
    """
    if correlation is None and is_item_matrix(items):
        matrix = _keyed_matrix(items, None, "omega", minimum=2)
        d = 1 / np.sqrt(np.diag(matrix))
        correlation = pd.DataFrame(matrix * np.outer(d, d), index=items.columns, columns=items.columns)
    if correlation is None:
        if items is None:
            raise ValueError("omega needs items or a correlation matrix")
        items = drop_constant_items(items, "omega")
        correlation = items.astype("float64").corr()
    names = list(correlation.columns) if isinstance(correlation, pd.DataFrame) else list(range(len(correlation)))
    r = checked_correlation(correlation, "omega")
    if keys is not None:
        signs = key_signs(names, keys)
        r = r * np.outer(signs, signs)
        flip = False
    if n_factors == 1:
        loadings, _ = minres(r, 1)
        g = loadings[:, 0]
        if g.sum() < 0:
            g = -g
        u2 = 1 - g ** 2
    else:
        sl = schmid_leiman(r, n_factors, rotation=rotation)
        g, u2 = sl["g"], sl["u2"]
    if flip:
        signs = np.where(g < 0, -1.0, 1.0)
        r, g = r * np.outer(signs, signs), g * signs
    vt = r.sum()
    return pd.Series({"omega_total": (vt - u2.sum()) / vt, "omega_hierarchical": g.sum() ** 2 / vt})


@one_blas_thread()
def ordinal_reliability(items: pd.DataFrame, keys=None, correlation=None) -> pd.Series:
    """Ordinal alpha and ordinal omega total: alpha and omega of the polychoric matrix.

    For Likert items, alpha of the polychoric correlations estimates the reliability of the
    underlying continuous responses (Zumbo, Gadermann & Zeisser 2007), as
    ``psych::alpha(polychoric(x)$rho)`` and ``psych::omega(x, poly = TRUE)``.

    Parameters
    ----------
    items : DataFrame
        Whole-number answers (at most 8 categories); constant items are dropped with a warning.
    keys : optional
        Reverse-keyed items (see :func:`key_signs`).
    correlation : DataFrame, optional
        The polychoric matrix of ``items``, when already computed.

    Returns
    -------
    Series
        ``ordinal_alpha`` and ``ordinal_omega_total`` (NaN below three items).
    """
    keyed = _prepared(items, keys, "ordinal reliability")
    rho = polychoric_matrix(keyed) if correlation is None else correlation.loc[keyed.columns, keyed.columns]
    k = rho.shape[0]
    alpha = k / (k - 1) * (1 - k / rho.to_numpy().sum())
    total = omega(correlation=rho)["omega_total"] if k >= 3 else np.nan
    return pd.Series({"ordinal_alpha": alpha, "ordinal_omega_total": total})


def composite_reliability(loadings: pd.DataFrame, residual_variances: pd.Series | None = None,
                          factor_variances: pd.Series | None = None) -> pd.DataFrame:
    """Composite reliability and average variance extracted per factor of a CFA.

    Parameters
    ----------
    loadings : DataFrame
        Loadings, items × factors (missing or 0 where an item does not load): standardized
        (the default reading) or unstandardized.
    residual_variances : Series, optional
        Residual variances per item, on the loadings' scale; default ``1 - λ²`` (standardized
        loadings, simple structure).
    factor_variances : Series, optional
        Variance per factor; default 1 (standardized).

    Returns
    -------
    DataFrame
        Per factor: ``composite_reliability``, ``ave`` and ``k`` (items).

    Notes
    -----
    ``CR = (Σλ)²ψ / ((Σλ)²ψ + Σθ)`` and ``AVE = Σλ²ψ / (Σλ²ψ + Σθ)`` over the factor's items,
    as semTools' ``compRelSEM(fit, obs.var = FALSE)`` and ``AVE(fit, obs.var = FALSE)`` compute
    them from a fit's estimates. From the standardized solution (ψ = 1) these are Fornell and
    Larcker's composite reliability and AVE, which semTools gives for z-scored items; from the
    unstandardized estimates, semTools' values for the items as they are. AVE above .50 and
    above the squared factor correlations is Fornell and Larcker's criterion for convergent and
    discriminant validity.

    References
    ----------
    Fornell & Larcker (1981), Journal of Marketing Research 18, 39-50. Raykov (1997),
    Applied Psychological Measurement 21, 173-184. Jorgensen et al., semTools: ``compRelSEM``, ``AVE``.

    Examples
    --------
    >>> lam = pd.DataFrame({"F": [0.8, 0.7, 0.6]}, index=["x1", "x2", "x3"])
    >>> composite_reliability(lam).round(3).to_dict("records")
    [{'composite_reliability': 0.745, 'ave': 0.497, 'k': 3}]
    """
    rows = []
    for factor in loadings.columns:
        lam = loadings[factor].astype("float64")
        lam = lam[lam.notna() & (lam != 0)]
        if lam.empty:
            continue
        psi = 1.0 if factor_variances is None else float(factor_variances[factor])
        theta = (1 - lam ** 2) if residual_variances is None else residual_variances[lam.index].astype("float64")
        common, explained = lam.sum() ** 2 * psi, (lam ** 2).sum() * psi
        rows.append({"factor": factor, "composite_reliability": common / (common + theta.sum()),
                     "ave": explained / (explained + theta.sum()), "k": len(lam)})
    return pd.DataFrame(rows, columns=["factor", "composite_reliability", "ave", "k"]).set_index("factor")


@one_blas_thread()
def scale_reliability(frame: pd.DataFrame, scales: Mapping[str, Sequence[str]], ordinal: bool = False,
                      confidence: float = 0.95, polychoric: pd.DataFrame | None = None) -> pd.DataFrame:
    """Alpha (Feldt CI), standardized alpha and omega per scale, from psych-style keys.

    Parameters
    ----------
    frame : DataFrame
        Holds every item named in ``scales``.
    scales : mapping
        Scale -> items, a leading ``-`` marking reverse-keyed items (see :func:`parse_keys`).
    ordinal : bool
        Add ordinal alpha and omega (polychoric; :func:`ordinal_reliability`).
    polychoric : DataFrame, optional
        The polychoric matrix of (at least) the items of ``frame`` as given (before keying),
        to reuse instead of recomputing.

    Returns
    -------
    DataFrame
        Per scale: ``alpha``, ``ci_low``, ``ci_high``, ``std_alpha``, ``average_r``,
        ``omega_total`` (NaN below three items), optionally ``ordinal_alpha`` and
        ``ordinal_omega_total``, ``n`` and ``k``.

    Examples
    --------
    >>> import pandas as pd
    >>> from monitor.core.config import PROJECT_ROOT
    >>> bfi = pd.read_csv(PROJECT_ROOT / "tests" / "data" / "bfi.csv")
    >>> table = scale_reliability(bfi, {"A": ["-A1", "A2", "A3", "A4", "A5"]})
    >>> table.loc["A", ["alpha", "omega_total"]].round(3).tolist()  # psych: 0.703, 0.723
    [0.703, 0.723]
    """
    items_per_scale, reversed_items = parse_keys(scales)
    missing = sorted({i for items in items_per_scale.values() for i in items} - set(map(str, frame.columns)))
    if missing:
        raise ValueError(f"the data hold no column(s) {', '.join(missing)}")
    rows = []
    for scale, items in items_per_scale.items():
        keys = [i for i in items if i in reversed_items]
        block = frame[items]
        keyed = _prepared(block, keys or None, f"scale {scale}")
        row = {"scale": scale, **cronbach_alpha(keyed, confidence).to_dict()}
        row["omega_total"] = omega(keyed)["omega_total"] if keyed.shape[1] >= 3 else np.nan
        if ordinal:
            rho = None
            if polychoric is not None:  # of the items as given: reverse-keyed items change sign
                signs = np.array([-1.0 if c in reversed_items else 1.0 for c in keyed.columns])
                rho = polychoric.loc[keyed.columns, keyed.columns] * np.outer(signs, signs)
            row.update(ordinal_reliability(keyed, correlation=rho).to_dict())
        rows.append(row)
    table = pd.DataFrame(rows).set_index("scale")
    table[["n", "k"]] = table[["n", "k"]].astype(int)
    order = [c for c in table.columns if c not in ("n", "k")] + ["n", "k"]
    return table[order]
