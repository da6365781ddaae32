"""Confirmatory factor analysis for the questionnaire: fit indices with verdicts, modification
hints and measurement invariance.

A thin layer over :mod:`monitor.stats.sem.cfa` (the lavaan-syntax engine, checked against lavaan) for the
simple-structure models of the instrument (factor -> items):

- :func:`fit_cfa`: ML fit with chi-square, CFI, TLI, RMSEA with its 90% CI and SRMR (lavaan's
  ``srmr_bentler``), verdicts against :data:`FIT_CUTOFFS`, the standardized solution and the
  largest modification indices for cross-loadings and residual covariances (score tests),
- :func:`measurement_invariance`: configural, metric and scalar invariance across groups, as
  lavaan's ``group.equal = c("loadings", "intercepts")``.

The fit-index formulas themselves are in :mod:`monitor.stats.sem.fit`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ..warnings import CFAWarning
from .cfa import cfa
from .modindices import modification_indices as score_tests

__all__ = ["invariance_holds", "model_description", "fit_cfa", "CFAResult", "modification_indices",
           "measurement_invariance", "invariance_groups", "FIT_CUTOFFS"]

#: Conventional cut-offs (Hu & Bentler 1999), shown with a verdict per index.
FIT_CUTOFFS = {"cfi": (">=", 0.95), "tli": (">=", 0.95), "rmsea": ("<=", 0.06), "srmr": ("<=", 0.08)}


def model_description(model: dict[str, list[str]]) -> str:
    """The model in lavaan syntax (``factor =~ item1 + item2 ...``)."""
    return "\n".join(f"{factor} =~ {' + '.join(items)}" for factor, items in model.items())


def modification_indices(result, top: int = 10) -> pd.DataFrame:
    """The largest modification indices of a :func:`monitor.stats.sem.cfa.cfa` fit, for fixed cross-loadings
    and residual covariances, as a table of ``parameter`` (lavaan syntax), ``kind``, ``mi``, ``epc``
    (score tests with the expected information, as lavaan's ``modindices``)."""
    table = score_tests(result)
    kinds = {"=~": "cross-loading", "~~": "residual covariance"}
    out = pd.DataFrame({"parameter": table["lhs"] + " " + table["op"] + " " + table["rhs"],
                        "kind": table["op"].map(kinds), "mi": table["mi"], "epc": table["epc"]})
    return out.head(top) if top else out


#: monitor.stats.sem.cfa's warnings that the validity notebook states in its own words (rows lost, few
#: cases, Heywood cases); the others (convergence, identification, ...) pass through.
_STATED_ELSEWHERE = ("rows dropped", "per parameter", "Heywood", "negative variance")


def _fit(frame: pd.DataFrame, syntax: str, **options):
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
        as lavaan's ``parameterEstimates(fit, standardized = TRUE)`` (``lhs``, ``op``, ``rhs``,
        ``label``, ``est``, ``se``, ``z``, ``pvalue``, ``std.all``).

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
    loadings.index.name, loadings.columns.name = "item", "factor"
    corr = pd.DataFrame(np.eye(len(model)), index=list(model), columns=list(model))
    for _, row in est[(est["op"] == "~~") & est["lhs"].isin(model) & est["rhs"].isin(model)].iterrows():
        if row["lhs"] != row["rhs"]:
            corr.loc[row["lhs"], row["rhs"]] = corr.loc[row["rhs"], row["lhs"]] = row["std.all"]
    return CFAResult(fit=fit, verdicts=_verdicts(fit), loadings=loadings, factor_correlation=corr,
                     modification_indices=modification_indices(result, top=top_hints),
                     estimates=est)


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
    kept = invariance_groups(frame, model, group, groups)
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
    return pd.DataFrame(rows).set_index("model")


def invariance_groups(frame: pd.DataFrame, model: dict[str, list[str]], group: str, groups: list | None = None) -> list:
    """The levels of ``group`` that :func:`measurement_invariance` compares: those of ``groups``
    (default: every level, sorted) with at least ``2 · items`` complete rows, in that order.

    Raises
    ------
    ValueError
        If fewer than two groups are left.
    """
    items = [i for its in model.values() for i in its]
    data = frame[items + [group]].dropna()
    levels = groups or sorted(data[group].dropna().unique(), key=str)
    kept = [level for level in levels if int((data[group] == level).sum()) >= 2 * len(items)]
    if len(kept) < 2:
        raise ValueError(f"measurement invariance needs two groups of '{group}' with enough respondents")
    return kept
