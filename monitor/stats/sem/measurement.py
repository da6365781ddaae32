"""Confirmatory factor analysis for the questionnaire: fit indices with verdicts, modification
hints and measurement invariance.

A thin layer over :mod:`monitor.stats.sem.cfa` (the lavaan-syntax engine, checked against lavaan) for the
simple-structure models of the instrument (factor -> items):

- :func:`fit_cfa`: ML fit with chi-square, CFI, TLI, RMSEA with its 90% CI and SRMR (lavaan's
  ``srmr_bentler``), verdicts against :data:`FIT_CUTOFFS`, the standardized solution and the
  largest modification indices for cross-loadings and residual covariances (score tests),
- :func:`measurement_invariance`: configural, metric and scalar invariance across groups, as
  lavaan's ``group.equal = c("loadings", "intercepts")``,
- the fit-index formulas of lavaan's ``fitMeasures`` (:func:`cfi_index`, :func:`tli_index`,
  :func:`rmsea_index`, :func:`rmsea_interval`), which :mod:`monitor.stats.sem.cfa` uses too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

__all__ = ["invariance_holds", "model_description", "fit_cfa", "CFAResult", "fit_indices", "rmsea_interval",
           "modification_indices", "measurement_invariance", "FIT_CUTOFFS", "cfi_index", "tli_index", "rmsea_index"]

#: Conventional cut-offs (Hu & Bentler 1999), shown with a verdict per index.
FIT_CUTOFFS = {"cfi": (">=", 0.95), "tli": (">=", 0.95), "rmsea": ("<=", 0.06), "srmr": ("<=", 0.08)}


def model_description(model: dict[str, list[str]]) -> str:
    """The model in lavaan/semopy syntax (``factor =~ item1 + item2 ...``)."""
    return "\n".join(f"{factor} =~ {' + '.join(items)}" for factor, items in model.items())


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


def modification_indices(result, top: int = 10) -> pd.DataFrame:
    """The largest modification indices of a :func:`monitor.stats.sem.cfa.cfa` fit, for fixed cross-loadings
    and residual covariances, as a table of ``parameter`` (lavaan syntax), ``kind``, ``mi``, ``epc``
    (score tests with the expected information, as lavaan's ``modindices``)."""
    from .cfa import modification_indices as score_tests

    table = score_tests(result)
    kinds = {"=~": "cross-loading", "~~": "residual covariance"}
    out = pd.DataFrame({"parameter": table["lhs"] + " " + table["op"] + " " + table["rhs"],
                        "kind": table["op"].map(kinds), "mi": table["mi"], "epc": table["epc"]})
    return out.head(top) if top else out


#: monitor.stats.sem.cfa's warnings that the validity notebook states in its own words (rows lost, few
#: cases, Heywood cases); the others (convergence, identification, ...) pass through.
_STATED_ELSEWHERE = ("rows dropped", "per parameter", "Heywood", "negative variance")


def _fit(frame: pd.DataFrame, syntax: str, **options):
    import warnings

    from .cfa import CFAWarning, cfa

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CFAWarning)
        result = cfa(frame, syntax, **options)
    for warning in caught:
        if not (issubclass(warning.category, CFAWarning) and any(k in str(warning.message) for k in _STATED_ELSEWHERE)):
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    return result


def _short_fit(fit: dict) -> dict:
    return {"chi2": fit["chisq"], "df": fit["df"], "p_value": fit["pvalue"], "cfi": fit["cfi"], "tli": fit["tli"],
            "rmsea": fit["rmsea"], "rmsea_low": fit["rmsea.ci.lower"], "rmsea_high": fit["rmsea.ci.upper"],
            "srmr": fit["srmr"]}


def _semopy_layout(estimates: pd.DataFrame) -> pd.DataFrame:
    """lavaan-style estimates in the layout of semopy's ``inspect(std_est=True)``."""
    loading = estimates["op"] == "=~"
    return pd.DataFrame({"lval": np.where(loading, estimates["rhs"], estimates["lhs"]),
                         "op": np.where(loading, "~", estimates["op"]),
                         "rval": np.where(loading, estimates["lhs"], estimates["rhs"]),
                         "Estimate": estimates["est"], "Std. Err": estimates["se"], "z-value": estimates["z"],
                         "p-value": estimates["pvalue"], "Est. Std": estimates["std.all"]})


@dataclass
class CFAResult:
    """A fitted CFA: fit indices with verdicts, standardized estimates and hints."""

    fit: dict
    verdicts: pd.DataFrame
    loadings: pd.DataFrame
    factor_correlation: pd.DataFrame
    modification_indices: pd.DataFrame
    estimates: pd.DataFrame


def _verdicts(fit: dict) -> pd.DataFrame:
    rows = []
    for index, (op, cut) in FIT_CUTOFFS.items():
        value = fit[index]
        ok = value >= cut if op == ">=" else value <= cut
        rows.append({"index": index.upper(), "value": value, "cutoff": f"{op} {cut:.2f}", "acceptable": bool(ok)})
    return pd.DataFrame(rows).set_index("index")


def fit_cfa(frame: pd.DataFrame, model: dict[str, list[str]], top_hints: int = 10) -> CFAResult:
    """Fit a CFA (ML, marker-variable identification) and report what researchers expect.

    The model is fitted by :func:`monitor.stats.sem.cfa.cfa` (as lavaan's ``cfa``). Rows with a missing
    item are dropped (listwise).

    Returns
    -------
    CFAResult
        ``fit`` (chi2, df, p_value, cfi, tli, rmsea, rmsea_low, rmsea_high, srmr, n),
        ``verdicts`` against :data:`FIT_CUTOFFS`, standardized ``loadings`` (items × factors),
        ``factor_correlation``, ``modification_indices`` (largest first) and the ``estimates``
        in semopy's layout (``lval``, ``op``, ``rval``, ``Estimate``, ..., ``Est. Std``).

    Examples
    --------
    For lavaan's Holzinger-Swineford example the result is chi2 85.306, df 24, CFI .931,
    TLI .896, RMSEA .092 (.071-.114), SRMR .065, as lavaan reports.
    """
    items = [i for its in model.values() for i in its]
    result = _fit(frame[items], model_description(model))
    fit = {**_short_fit(result.fit), "n": result.n}
    est = result.estimates
    loads = est[est["op"] == "=~"]
    loadings = loads.pivot(index="rhs", columns="lhs", values="std.all").reindex(index=items, columns=list(model))
    loadings.index.name, loadings.columns.name = "lval", "rval"
    corr = pd.DataFrame(np.eye(len(model)), index=list(model), columns=list(model))
    for _, row in est[(est["op"] == "~~") & est["lhs"].isin(model) & est["rhs"].isin(model)].iterrows():
        if row["lhs"] != row["rhs"]:
            corr.loc[row["lhs"], row["rhs"]] = corr.loc[row["rhs"], row["lhs"]] = row["std.all"]
    return CFAResult(fit=fit, verdicts=_verdicts(fit), loadings=loadings, factor_correlation=corr,
                     modification_indices=modification_indices(result, top=top_hints),
                     estimates=_semopy_layout(est))


def invariance_holds(table: pd.DataFrame, step: str, max_cfi_drop: float = 0.010,
                     max_rmsea_rise: float = 0.015) -> bool:
    """Whether an invariance ``step`` (``"metric"`` or ``"scalar"``) holds by Chen's (2007)
    criteria: CFI drops by no more than .010 and RMSEA rises by no more than .015."""
    return bool(table.loc[step, "delta_cfi"] >= -max_cfi_drop and table.loc[step, "delta_rmsea"] <= max_rmsea_rise)


def measurement_invariance(frame: pd.DataFrame, model: dict[str, list[str]], group: str,
                           groups: list | None = None) -> pd.DataFrame:
    """Configural, metric and scalar invariance across ``group`` (multi-group ML CFA).

    As lavaan's ``cfa(..., group = group, group.equal = ...)``: configural (same pattern,
    all free, intercepts free, factor means 0), metric (loadings equal), scalar (loadings
    and intercepts equal, factor means free after the first group). Rows with a missing item
    are dropped. Groups with fewer than ``2 · items`` rows are left out.

    Returns
    -------
    DataFrame
        Per model: chi2, df, p_value, cfi, tli, rmsea (with 90% CI), srmr, and the change
        from the previous step (``delta_chi2``, ``delta_df``, ``delta_p``, ``delta_cfi``,
        ``delta_rmsea``). Conventional reading (Chen 2007): a drop in CFI of more than .01 or
        a rise in RMSEA of more than .015 speaks against the stricter model.

    Examples
    --------
    >>> import pandas as pd
    >>> from monitor.core.config import PROJECT_ROOT
    >>> hs = pd.read_csv(PROJECT_ROOT / "tests" / "data" / "holzinger_swineford.csv")
    >>> model = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}
    >>> table = measurement_invariance(hs, model, "school")
    >>> table["chi2"].round(3).tolist(), table["df"].tolist()  # lavaan tutorial values
    ([115.851, 124.044, 164.103], [48, 54, 60])
    """
    items = [i for its in model.values() for i in its]
    data = frame[items + [group]].dropna()
    levels = groups or sorted(data[group].dropna().unique(), key=str)
    kept = [level for level in levels if int((data[group] == level).sum()) >= 2 * len(items)]
    if len(kept) < 2:
        raise ValueError(f"measurement invariance needs two groups of '{group}' with enough respondents")
    # monitor.stats.sem.cfa takes the groups in order of appearance: order the rows as the groups asked for
    data = pd.concat([data[data[group] == level] for level in kept])
    syntax = model_description(model)
    rows, previous = [], None
    for name, equal in [("configural", ()), ("metric", ("loadings",)), ("scalar", ("loadings", "intercepts"))]:
        result = _fit(data, syntax, group=group, group_equal=equal)
        row = {"model": name, **_short_fit(result.fit)}
        if previous is not None:
            row.update(delta_chi2=row["chi2"] - previous["chi2"], delta_df=row["df"] - previous["df"],
                       delta_cfi=row["cfi"] - previous["cfi"], delta_rmsea=row["rmsea"] - previous["rmsea"])
            row["delta_p"] = float(stats.chi2.sf(row["delta_chi2"], row["delta_df"]))
        rows.append(row)
        previous = row
    table = pd.DataFrame(rows).set_index("model")
    table.attrs.update(groups=[str(level) for level in kept], n=[int((data[group] == level).sum()) for level in kept])
    return table
