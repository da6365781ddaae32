"""Explanatory models for the thesis-style analysis: which collaboration factors drive trust
and perceived transformation results.

- :func:`correlation_table` — means, SDs and correlations with significance marks (APA).
- :func:`standardized_regression` — OLS on z-scores with region-clustered standard errors
  (statsmodels).
- :func:`mediation_model` — the path model factors → trust → results, fitted by the project's
  lavaan-matching engine (:mod:`monitor.stats.sem`), with its fit and the indirect effects with
  percentile bootstrap confidence intervals.

Factor scores are the instrument's scale scores (mean of the keyed items), which keeps every
number traceable to the questionnaire.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .sem.bootstrap import bootstrap
from .sem.cfa import cfa
from .warnings import CFAWarning

__all__ = ["correlation_table", "standardized_regression", "mediation_model", "MediationResult", "stars",
           "STAR_LEVELS", "zscore", "path_model_syntax"]

#: APA significance marks, strictest first: (p below, mark). Notes print them from here.
STAR_LEVELS = ((0.001, "***"), (0.01, "**"), (0.05, "*"))


def stars(p: float) -> str:
    """APA significance marks (:data:`STAR_LEVELS`): * p < .05, ** p < .01, *** p < .001."""
    if not np.isfinite(p):
        return ""
    return next((mark for level, mark in STAR_LEVELS if p < level), "")


def zscore(frame: pd.DataFrame) -> pd.DataFrame:
    """Standardize columns (mean 0, SD 1 with n - 1), as R's ``scale()``."""
    values = frame.astype("float64")
    return (values - values.mean()) / values.std(ddof=1)


def correlation_table(scores: pd.DataFrame, columns: list[str], labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Means, SDs and pairwise Pearson correlations (lower triangle) with significance marks.

    Returns a table ready for a thesis: one row per variable, ``M``, ``SD`` and columns
    ``1`` … ``k - 1`` holding ``r`` with marks (e.g. ``.45***``); the diagonal is ``—``. As in
    APA tables, there is no column ``k``: it would hold only the last diagonal dash.
    """
    labels = labels or {}
    data = scores[columns].astype("float64")
    rows = []
    for i, ci in enumerate(columns):
        row = {"variable": f"{i + 1}. {labels.get(ci, ci)}", "M": data[ci].mean(), "SD": data[ci].std()}
        for j, cj in enumerate(columns[:-1]):
            if j < i:
                pair = data[[ci, cj]].dropna()
                r, p = stats.pearsonr(pair[ci], pair[cj])
                row[str(j + 1)] = f"{r:.2f}".replace("0.", ".", 1) + stars(p)
            elif j == i:
                row[str(j + 1)] = "—"
            else:
                row[str(j + 1)] = ""
        rows.append(row)
    return pd.DataFrame(rows).set_index("variable")


def standardized_regression(scores: pd.DataFrame, outcome: str, predictors: list[str],
                            cluster: str | None = "region") -> tuple[pd.DataFrame, dict]:
    """OLS of the z-scored outcome on z-scored predictors, SEs clustered by ``cluster``.

    Rows with a missing value are dropped (listwise). Cluster-robust (CR1, as Stata and
    statsmodels' ``cov_type="cluster"``) standard errors account for respondents in one
    region sharing their context.

    Returns
    -------
    table : DataFrame
        Per predictor: ``beta``, ``se``, ``z``, ``p_value``, ``ci_low``, ``ci_high``.
    summary : dict
        ``n``, ``clusters``, ``r2``, ``adj_r2``.
    """
    import statsmodels.api as sm  # here, not on top: statsmodels takes ~0.4 s to import

    columns = [outcome] + predictors + ([cluster] if cluster else [])
    data = scores[columns].dropna()
    z = zscore(data[[outcome] + predictors])
    model = sm.OLS(z[outcome], sm.add_constant(z[predictors]))
    if cluster:
        groups = pd.factorize(data[cluster])[0]
        fit = model.fit(cov_type="cluster", cov_kwds={"groups": groups})
    else:
        fit = model.fit(cov_type="HC1")
    ci = fit.conf_int()
    table = pd.DataFrame({"beta": fit.params, "se": fit.bse, "z": fit.tvalues, "p_value": fit.pvalues,
                          "ci_low": ci[0], "ci_high": ci[1]}).drop(index="const")
    summary = {"n": int(fit.nobs), "clusters": int(data[cluster].nunique()) if cluster else None,
               "r2": float(fit.rsquared), "adj_r2": float(fit.rsquared_adj)}
    return table, summary


@dataclass
class MediationResult:
    """Path model factors → mediator → outcome (standardized)."""

    paths: pd.DataFrame
    indirect: pd.DataFrame
    fit: dict
    description: str


def path_model_syntax(outcome: str, predictors: list[str], mediator: str) -> str:
    """The mediation model in lavaan syntax: paths ``a1`` … ``ak`` from the predictors to the
    mediator, ``b`` from the mediator to the outcome, the direct paths, and the indirect effects
    ``ind1 := a1*b`` … as defined parameters.

    Examples
    --------
    >>> print(path_model_syntax("y", ["x1", "x2"], "m"))
    m ~ a1*x1 + a2*x2
    y ~ x1 + x2 + b*m
    ind1 := a1*b
    ind2 := a2*b
    """
    a_paths = " + ".join(f"a{i}*{x}" for i, x in enumerate(predictors, start=1))
    defined = "\n".join(f"ind{i} := a{i}*b" for i in range(1, len(predictors) + 1))
    return f"{mediator} ~ {a_paths}\n{outcome} ~ {' + '.join(predictors)} + b*{mediator}\n{defined}"


def mediation_model(scores: pd.DataFrame, outcome: str, predictors: list[str], mediator: str,
                    n_boot: int = 1000, seed: int = 2026, level: float = 0.95,
                    cluster: str | None = "region") -> MediationResult:
    """Fit ``mediator ~ predictors`` and ``outcome ~ predictors + mediator`` on z-scores.

    The model (:func:`path_model_syntax`) is fitted by :func:`monitor.stats.sem.cfa.cfa`: maximum
    likelihood with the predictors' moments taken as given, as lavaan's ``sem()`` (``fixed.x``).
    It is saturated (every path is free), so its fit is perfect by construction (χ² = 0, df = 0)
    and its estimates equal OLS. The indirect effect of predictor *i* is the defined parameter
    ``ind_i := a_i*b``; its confidence interval is the percentile interval of ``n_boot``
    bootstrap refits (:func:`monitor.stats.sem.bootstrap.bootstrap`; Preacher & Hayes 2008),
    drawn by cluster (whole regions) when ``cluster`` is given, so the dependence within regions
    is respected. The same ``seed`` gives the same intervals.

    Returns
    -------
    MediationResult
        ``paths`` (``to``, ``from``, ``estimate``, ``se``, ``p_value``: lavaan's ML estimates and
        standard errors), ``indirect`` (per predictor ``a``, ``b``, ``indirect``, ``ci_low``,
        ``ci_high``, ``direct``, ``total``), ``fit`` (``n``, ``df``, ``chi2``, ``r2_mediator``,
        ``n_boot``, ``n_boot_failed``, ``level``) and the model's lavaan syntax.

    Examples
    --------
    The demo data's scale scores, as ``tests/r/thesis_reference.R`` fits them with lavaan:

    >>> from monitor.core.config import PROJECT_ROOT
    >>> scores = pd.read_csv(PROJECT_ROOT / "tests" / "data" / "demo_scores.csv")
    >>> factors = ["contextuele_factoren", "betekenisgeving", "argumentatief_proces", "reflectief_proces",
    ...            "balans_relatie", "partnerschap", "constructief_conflict"]
    >>> result = mediation_model(scores, "transformatieresultaten", factors, "trust_index", n_boot=100)
    >>> result.paths.loc[0, ["estimate", "se"]].round(4).tolist()  # lavaan: a1 = 0.0944 (SE 0.0141)
    [0.0944, 0.0141]
    >>> round(float(result.indirect.loc["contextuele_factoren", "indirect"]), 4)  # lavaan: ind1 = 0.0239
    0.0239
    """
    data = scores[[outcome, mediator] + predictors + ([cluster] if cluster else [])].dropna()
    z = zscore(data[[outcome, mediator] + predictors])
    if cluster:
        z[cluster] = data[cluster]
    description = path_model_syntax(outcome, predictors, mediator)
    with warnings.catch_warnings():  # saturated by design: the text says so, the warning would repeat it
        warnings.filterwarnings("ignore", "cfa: the model is saturated", CFAWarning)
        result = cfa(z, description)
    estimates = result.estimates
    reg = estimates[estimates["op"] == "~"]
    paths = pd.DataFrame({"to": reg["lhs"], "from": reg["rhs"], "estimate": reg["est"], "se": reg["se"],
                          "p_value": reg["pvalue"]}).reset_index(drop=True)
    a = paths[paths["to"] == mediator].set_index("from")["estimate"].reindex(predictors).to_numpy()
    b = float(paths[(paths["to"] == outcome) & (paths["from"] == mediator)]["estimate"].iloc[0])
    direct = paths[(paths["to"] == outcome)].set_index("from")["estimate"].reindex(predictors).to_numpy()
    names = [f"ind{i}" for i in range(1, len(predictors) + 1)]
    defined = estimates[estimates["op"] == ":="].set_index("lhs")["est"].reindex(names).to_numpy()

    boot = bootstrap(result, z, n_boot=n_boot, seed=seed, cluster=cluster)
    interval = boot.intervals(level).reindex(names)
    indirect = pd.DataFrame({"a": a, "b": b, "indirect": defined, "ci_low": interval["ci.lower"].to_numpy(),
                             "ci_high": interval["ci.upper"].to_numpy(), "direct": direct, "total": direct + defined},
                            index=predictors)
    residual = estimates[(estimates["op"] == "~~") & (estimates["lhs"] == mediator) & (estimates["rhs"] == mediator)]
    fit = {"n": result.n, "df": int(result.fit["df"]), "chi2": float(result.fit["chisq"]),
           "r2_mediator": float(1 - residual["std.all"].iloc[0]), "n_boot": n_boot, "n_boot_failed": boot.failed,
           "level": level}
    return MediationResult(paths=paths, indirect=indirect, fit=fit, description=description)
