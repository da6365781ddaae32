"""Explanatory models for the thesis-style analysis: which collaboration factors drive trust
and perceived transformation results.

- :func:`correlation_table` — means, SDs and correlations with significance marks (APA).
- :func:`standardized_regression` — OLS on z-scores with region-clustered standard errors
  (statsmodels).
- :func:`mediation_model` — the path model factors → trust → results in semopy, with its fit,
  and indirect effects with percentile bootstrap confidence intervals.

Factor scores are the instrument's scale scores (mean of the keyed items), which keeps every
number traceable to the questionnaire.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["correlation_table", "standardized_regression", "mediation_model", "MediationResult", "stars",
           "STAR_LEVELS", "zscore"]

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
    import statsmodels.api as sm

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


def _ols(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    design = np.column_stack([np.ones(len(x)), x])
    return np.linalg.lstsq(design, y, rcond=None)[0][1:]


def mediation_model(scores: pd.DataFrame, outcome: str, predictors: list[str], mediator: str,
                    n_boot: int = 1000, seed: int = 2026, level: float = 0.95,
                    cluster: str | None = "region") -> MediationResult:
    """Fit ``mediator ~ predictors`` and ``outcome ~ predictors + mediator`` on z-scores.

    The model is fitted with semopy (maximum likelihood, as lavaan); it is saturated (every
    path is free), so its fit is perfect by construction and its estimates equal OLS. The
    indirect effect of predictor *i* is ``a_i · b``; its confidence interval is the percentile
    interval of ``n_boot`` bootstrap resamples (Preacher & Hayes 2008), drawn by cluster (whole
    regions) when ``cluster`` is given, so the dependence within regions is respected.
    """
    import semopy

    data = scores[[outcome, mediator] + predictors + ([cluster] if cluster else [])].dropna()
    z = zscore(data[[outcome, mediator] + predictors])
    description = (f"{mediator} ~ {' + '.join(predictors)}\n"
                   f"{outcome} ~ {' + '.join(predictors)} + {mediator}")
    model = semopy.Model(description)
    model.fit(z)
    estimates = model.inspect()
    reg = estimates[estimates["op"] == "~"]
    paths = pd.DataFrame({"to": reg["lval"], "from": reg["rval"], "estimate": reg["Estimate"].astype(float),
                          "se": pd.to_numeric(reg["Std. Err"], errors="coerce"),
                          "p_value": pd.to_numeric(reg["p-value"], errors="coerce")}).reset_index(drop=True)
    a = paths[paths["to"] == mediator].set_index("from")["estimate"].reindex(predictors).to_numpy()
    b = float(paths[(paths["to"] == outcome) & (paths["from"] == mediator)]["estimate"].iloc[0])
    direct = paths[(paths["to"] == outcome)].set_index("from")["estimate"].reindex(predictors).to_numpy()

    rng = np.random.default_rng(seed)
    x, m, y = z[predictors].to_numpy(), z[mediator].to_numpy(), z[outcome].to_numpy()
    if cluster:
        codes, _ = pd.factorize(data[cluster])
        members = [np.flatnonzero(codes == c) for c in range(codes.max() + 1)]
    boot = np.empty((n_boot, len(predictors)))
    for k in range(n_boot):
        if cluster:
            picks = rng.integers(0, len(members), len(members))
            rows = np.concatenate([members[c] for c in picks])
        else:
            rows = rng.integers(0, len(y), len(y))
        a_k = _ols(x[rows], m[rows])
        b_k = _ols(np.column_stack([x[rows], m[rows]]), y[rows])[-1]
        boot[k] = a_k * b_k
    tail = (1 - level) / 2
    indirect = pd.DataFrame({"a": a, "b": b, "indirect": a * b,
                             "ci_low": np.quantile(boot, tail, axis=0), "ci_high": np.quantile(boot, 1 - tail, axis=0),
                             "direct": direct, "total": direct + a * b}, index=predictors)
    stats_table = semopy.calc_stats(model).T.iloc[:, 0]
    # Degrees of freedom with the predictors' covariances taken as given (lavaan's fixed.x):
    # moments of the 2 endogenous variables and their covariances with the k predictors, less
    # the 2k + 1 paths and 2 residual variances. semopy also counts the predictors' own
    # covariances as moments, so its DoF for this model is k(k+1)/2 too high.
    k = len(predictors)
    df = 3 + 2 * k - (2 * k + 1 + 2)
    fit = {"n": len(z), "df": df, "chi2": float(stats_table["chi2"]),
           "r2_mediator": float(1 - np.var(m - np.column_stack([np.ones(len(x)), x]) @ np.r_[0, a]) / np.var(m)),
           "n_boot": n_boot, "level": level}
    return MediationResult(paths=paths, indirect=indirect, fit=fit, description=description)
