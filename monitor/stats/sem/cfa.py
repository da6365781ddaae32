"""CFA and SEM from lavaan model syntax: ML, MLR, FIML, DWLS and WLSMV, matching lavaan 0.6.

``cfa(data, model, estimator=...)`` reads lavaan syntax (:mod:`monitor.stats.sem.syntax`),
estimates the model in the RAM form ``Σ = F (I - A)⁻¹ S (I - A)⁻ᵀ Fᵀ``, ``μ = F (I - A)⁻¹ m``
by Fisher scoring, and returns lavaan's ``fitMeasures`` and ``parameterEstimates(standardized =
TRUE)``.

- ``ML``: normal-theory likelihood, expected information (lavaan's defaults for ``cfa``).
- ``MLR``: the same estimates, Huber-White standard errors from the observed information, the
  Yuan-Bentler (Mplus variant) scaled chi-square and lavaan's robust CFI/TLI/RMSEA
  (Brosseau-Liard & Savalei 2014; Brosseau-Liard, Savalei & Li 2012).
- ``missing="fiml"``: case-wise (full-information) likelihood, the saturated model by EM,
  observed-information standard errors.
- ``DWLS``/``WLSMV`` for ordinal items: thresholds, polychoric correlations and their asymptotic
  covariance ``Γ`` (:mod:`monitor.stats.sem.ordinal`), the diagonal weight matrix, delta parameterization;
  WLSMV adds robust standard errors, the mean-and-variance adjusted (scaled-and-shifted)
  chi-square (Asparouhov & Muthén 2010) and lavaan's robust CFI/TLI/RMSEA for categorical data
  (Savalei 2021: the ML statistic of the polychoric matrix, rescaled).
- Under FIML lavaan's robust CFI/TLI/RMSEA (Zhang & Savalei 2023); multiple groups with
  ``group_equal`` (up to strict invariance; ordinal items as Wu & Estabrook 2016); score-test
  modification indices (:func:`modification_indices`).

References
----------
Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. JSS 48(2).
Yuan, K.-H. & Bentler, P. M. (2000). Three likelihood-based methods for mean and covariance
structure analysis with nonnormal missing data. Sociological Methodology 30, 165-200.
Asparouhov, T. & Muthén, B. (2010). Simple second order chi-square correction. Mplus note.
Savalei, V. (2021). Improving fit indices in structural equation modeling with categorical data.
Multivariate Behavioral Research 56, 390-407.
Zhang, X. & Savalei, V. (2023). New computations for RMSEA and CFI following FIML and TS
estimation with missing data. Psychological Methods 28, 263-283.
Wu, H. & Estabrook, R. (2016). Identification of confirmatory factor analysis models of different
levels of invariance for ordered categorical outcomes. Psychometrika 81, 1014-1045.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from threadpoolctl import threadpool_limits

from ..factor import MIN_CASES_PER_PARAMETER, PsychometricWarning
from .syntax import Parameter, parameter_table
from .ordinal import lower_pairs, ordinal_codes, ordinal_statistics
from .ram import (
    Group,
    Model,
    em_saturated,
    fisher_scoring,
    ml_terms,
    numerical_hessian,
    pattern_loglik,
    response_patterns,
    wls_residual,
    wls_statistic,
    wls_terms,
)
from .measurement import cfi_index, rmsea_index, rmsea_interval, tli_index

__all__ = ["cfa", "modification_indices", "CFAFit", "CFAWarning", "ESTIMATORS"]

ESTIMATORS = ("ML", "MLR", "DWLS", "WLSMV")
GROUP_EQUAL = ("loadings", "intercepts", "thresholds", "residuals", "means", "lv.variances",
               "lv.covariances", "regressions", "residual.covariances")
_EQUAL_KIND = {"=~": "loadings", "~": "regressions", "|": "thresholds"}


class CFAWarning(PsychometricWarning):
    """Something in a CFA fit deserves the user's attention (Heywood case, non-convergence, ...);
    a :class:`monitor.stats.factor.PsychometricWarning`, the project's class for such caveats."""


def _warn(message: str) -> None:
    warnings.warn(message, CFAWarning, stacklevel=3)


@dataclass
class CFAFit:
    """A fitted model: lavaan's ``fitMeasures`` (``fit``) and ``parameterEstimates`` (``estimates``)."""

    fit: dict
    estimates: pd.DataFrame
    estimator: str
    n: int
    converged: bool
    groups: list = field(default_factory=list)
    model: Model | None = field(default=None, repr=False)  # the fitted model and its free parameters
    theta: np.ndarray | None = field(default=None, repr=False)


# -- fitting --------------------------------------------------------------------------------------
def _start_values(model: Model) -> np.ndarray:
    """Simple start values: loadings from the marker's covariances, half the item variances."""
    var: dict[str, float] = {}
    first = model.groups[0]
    cov0 = first.ordinal.rho if model.categorical else first.cov
    for name in model.ov:
        k = model.pos[name]
        var[name] = 1.0 if (model.categorical or cov0 is None) else float(max(cov0[k, k], 1e-3))
    markers = {}
    for row in model.rows:
        if row.op == "=~" and row.lhs not in markers:
            markers[row.lhs] = row.rhs
    for _ in range(len(model.lv) + 1):
        for f in model.lv:
            marker = markers.get(f)
            var[f] = 0.5 * var.get(marker, 1.0) if marker else 1.0
    theta = np.zeros(model.n_free)
    done = set()
    for row in model.free_rows:
        t = row.extra["index"]
        if t in done:
            continue
        done.add(t)
        if row.start is not None:
            theta[t] = row.start
        elif row.op == "=~":
            marker = markers[row.lhs]
            if row.rhs in model.ov and marker in model.ov and marker != row.rhs:
                i, m = model.pos[row.rhs], model.pos[marker]
                theta[t] = cov0[i, m] / max(var[row.lhs], 1e-3)
            else:
                theta[t] = 1.0 if marker != row.rhs else np.sqrt(0.5 * var[row.rhs])
        elif row.op == "~~" and row.lhs == row.rhs:
            theta[t] = 0.5 * var.get(row.lhs, 1.0)
        elif row.op == "~1" and row.lhs in model.ov:
            g = row.group - 1
            mean = model.groups[g].mean
            theta[t] = mean[model.pos[row.lhs]] if mean is not None else 0.0
        elif row.op == "|":
            g = row.group - 1
            item = model.roles["ordered"].index(row.lhs)
            theta[t] = model.groups[g].ordinal.thresholds[item][int(row.rhs[1:]) - 1]
    return theta


def _estimate(model: Model, terms) -> tuple[np.ndarray, float, bool]:
    theta = _start_values(model)
    try:
        theta, value, converged = fisher_scoring(model, theta, terms)
    except np.linalg.LinAlgError:
        converged, value = False, np.inf
    if not converged:  # fall back on a quasi-Newton search from the same start
        from scipy import optimize

        def fun(x):
            try:
                v, g, _i, _s = terms(model, x)
            except np.linalg.LinAlgError:
                v, g = np.inf, None
            return (v, g) if np.isfinite(v) else (1e10, np.zeros_like(x))

        start = theta if np.isfinite(value) else _start_values(model)
        res = optimize.minimize(fun, start, jac=True, method="L-BFGS-B",
                                options={"maxiter": 20000, "ftol": 1e-15, "gtol": 1e-10})
        theta, value = res.x, float(res.fun)
        try:
            theta, value, converged = fisher_scoring(model, theta, terms)
        except np.linalg.LinAlgError:
            converged = False
    return theta, value, converged


def _inverse(matrix: np.ndarray, what: str) -> np.ndarray:
    values = np.linalg.eigvalsh((matrix + matrix.T) / 2)
    if values.min() <= 1e-10 * max(values.max(), 1e-300):
        _warn(f"cfa: the {what} is singular or not positive definite; the model may not be identified "
              "(standard errors are unreliable)")
        return np.linalg.pinv(matrix)
    return np.linalg.inv(matrix)


# -- test statistics and fit measures --------------------------------------------------------------
def _rmsea_ci(x2, df, n, groups=1, c=1.0):
    if df <= 0 or not np.isfinite(x2):
        return 0.0, 0.0
    low, high = rmsea_interval(x2, int(df), n, groups=1)
    return float(low * np.sqrt(c * groups)), float(high * np.sqrt(c * groups))


def _df(model: Model) -> int:
    p = model.p
    fixed_x = len(model.roles["exogenous_observed"])
    if model.categorical:
        moments = sum(len(np.concatenate(g.ordinal.thresholds)) + p * (p - 1) // 2 for g in model.groups)
    else:
        per = p * (p + 1) // 2 + (p if model.meanstructure else 0)
        per -= fixed_x * (fixed_x + 1) // 2 + (fixed_x if model.meanstructure else 0)
        moments = per * len(model.groups)
    return moments - model.n_free


def _srmr(model: Model, theta: np.ndarray) -> float:
    """lavaan's ``srmr`` (Bentler): residual correlations (and standardized mean residuals when
    modelled; for ordinal items correlations only), averaged over groups by size."""
    total = 0.0
    for g, group in enumerate(model.groups):
        sigma, mu, _ = model.implied(theta, g)
        if model.categorical:
            resid = group.ordinal.rho - sigma
            values = resid[np.tril_indices(model.p)]
        else:
            sd = np.sqrt(np.diag(group.cov))
            resid = (group.cov - sigma) / np.outer(sd, sd)
            values = resid[np.tril_indices(model.p)]
            if model.meanstructure:
                values = np.concatenate([values, (group.mean - mu) / sd])
        total += group.weight * np.sqrt(np.mean(values ** 2))
    return float(total)


def _saturated(model: Model, complete: bool = False) -> tuple[Model, np.ndarray]:
    """The unrestricted model (h1) over the same groups, at its estimates (sample or EM moments);
    with ``complete`` its data are those moments as if observed completely."""
    ov, p = model.ov, model.p
    exo = set(model.roles["exogenous_observed"])  # fixed.x: their moments stay at the sample values
    upper_i, upper_j = np.triu_indices(p)
    rows, estimates = [], []
    for g, group in enumerate(model.groups, start=1):
        for i, j in zip(upper_i, upper_j, strict=True):
            fixed = ov[i] in exo and ov[j] in exo
            rows.append(Parameter(ov[i], "~~", ov[j], group=g, user=False, free=not fixed,
                                  value=float(group.cov[i, j]) if fixed else None))
            if not fixed:
                estimates.append(group.cov[i, j])
        if model.meanstructure:
            for i, name in enumerate(ov):
                rows.append(Parameter(name, "~1", "", group=g, user=False, free=name not in exo,
                                      value=float(group.mean[i]) if name in exo else None))
                if name not in exo:
                    estimates.append(group.mean[i])
    groups = [Group(n=g.n, weight=g.weight, patterns=[(np.arange(p), g.n, g.mean, g.cov)], cov=g.cov, mean=g.mean)
              for g in model.groups] if complete else model.groups
    saturated = Model(rows, {**model.roles, "latent": [], "exogenous_observed": []}, groups, False,
                      model.meanstructure)
    saturated.n_total = model.n_total
    return saturated, np.array(estimates, dtype=float)


def _moment_jacobian(model: Model, theta: np.ndarray) -> np.ndarray:
    """∂(vech Σ, μ)/∂θ per group, stacked in the order of :func:`_saturated`'s free parameters."""
    exo = [model.ov.index(name) for name in model.roles["exogenous_observed"]]
    upper_i, upper_j = np.triu_indices(model.p)
    moving = ~(np.isin(upper_i, exo) & np.isin(upper_j, exo))
    blocks = []
    for g in range(len(model.groups)):
        d_sigma, d_mu, _ = model.jacobian(theta, g)
        blocks.append(d_sigma[:, upper_i[moving], upper_j[moving]].T)
        if model.meanstructure:
            blocks.append(np.delete(d_mu, exo, axis=1).T)
    return np.vstack(blocks)


def _first_order(model: Model, theta: np.ndarray) -> np.ndarray:
    scores = ml_terms(model, theta, casewise=True)[3]
    return sum(s.T @ s for s in scores) / model.n_total  # Σ_g (N_g/N) B_g


def _h1_information(model: Model, fiml: bool) -> dict:
    """The unrestricted model's observed (W_m) and first-order (J_m) information, and for missing
    data also W_c, the information of its moments as if observed completely."""
    saturated, t_sat = _saturated(model)
    out = {"observed": numerical_hessian(saturated, t_sat) if fiml else ml_terms(saturated, t_sat)[2],
           "first_order": _first_order(saturated, t_sat)}
    if fiml:
        on_complete, _t = _saturated(model, complete=True)
        _value, _grad, out["complete"], _s = ml_terms(on_complete, t_sat)
        out["complete_model"], out["complete_value"] = on_complete, _value
    return out


def _ml_robust(model: Model, theta: np.ndarray, df: int, h1: dict):
    """Huber-White covariance of the estimates (observed information) and the Yuan-Bentler
    scaling factor, Mplus variant (lavaan's ``yuan.bentler.mplus``):
    ``c = (tr(A1⁻¹B1) - tr(B0 E⁻¹)) / df``, A1 and B1 the observed and first-order information
    of the unrestricted model, B0 and E those of the fitted one."""
    e_inv = _inverse(numerical_hessian(model, theta), "observed information matrix")
    b0 = _first_order(model, theta)
    vcov = e_inv @ b0 @ e_inv / model.n_total
    trace_h1 = float(np.sum(h1["first_order"] * np.linalg.inv(h1["observed"]).T))
    return vcov, (trace_h1 - float(np.sum(b0 * e_inv.T))) / df if df > 0 else np.nan


def _wls_robust(model: Model, theta: np.ndarray, df: int, info: np.ndarray):
    """Robust covariance of the estimates, the traces of UΓ and the scaled-and-shifted test."""
    e_inv = _inverse(info, "information matrix")
    deltas, weights, gammas = [], [], []
    for g, group in enumerate(model.groups):
        _e, delta = wls_residual(model, theta, g)
        deltas.append(delta)
        weights.append(group.weight * group.w_diag)
        gammas.append(group.ordinal.gamma / group.weight)
    meat = sum(d.T @ (w[:, None] * gam * w[None, :]) @ d for d, w, gam in zip(deltas, weights, gammas, strict=True))
    vcov = e_inv @ meat @ e_inv / (model.n_total - len(model.groups))  # lavaan: N - 1
    traces = _ugamma_traces(deltas, weights, gammas, e_inv)
    return vcov, e_inv, traces


def _ugamma_traces(deltas, weights, gammas, e_inv):
    """tr(UΓ) and tr((UΓ)²), U = W - WΔ(Δ'WΔ)⁻¹Δ'W (lavaan's ``trace_original``)."""
    delta = np.vstack(deltas)
    w = np.concatenate(weights)
    gamma = _block_diag(gammas)
    wd = w[:, None] * delta
    u = np.diag(w) - wd @ e_inv @ wd.T
    ug = u @ gamma
    return float(np.trace(ug)), float(np.sum(ug * ug.T))


def _block_diag(blocks):
    size = sum(len(b) for b in blocks)
    out = np.zeros((size, size))
    k = 0
    for b in blocks:
        out[k:k + len(b), k:k + len(b)] = b
        k += len(b)
    return out


def _scaled_shifted(stat, df, traces):
    tr_ug, tr_ug2 = traces
    a = np.sqrt(df / tr_ug2)
    shift = df - a * tr_ug
    return a * stat + shift, 1 / a, shift


def _catml(model: Model, theta: np.ndarray, e_inv: np.ndarray, df: int):
    """lavaan's ``lav_fit_catml_dwls``: the ML statistic of the polychoric matrix at the DWLS
    estimates and its scaling constant (Savalei 2021), for the robust CFI/TLI/RMSEA."""
    p = model.p
    rows, cols = lower_pairs(p)
    xx3, xx3_null, ks, kbs = 0.0, 0.0, 0.0, 0.0
    blocks_w, blocks_v, blocks_g, blocks_d = [], [], [], []
    for g, group in enumerate(model.groups):
        r = group.ordinal.rho
        sigma, _mu, _tau = model.implied(theta, g)
        if np.linalg.eigvalsh(r).min() < np.sqrt(np.finfo(float).eps):
            return None
        inv = np.linalg.inv(sigma)
        n_g = group.n
        xx3 += n_g * (np.linalg.slogdet(sigma)[1] + np.trace(r @ inv) - np.linalg.slogdet(r)[1] - p)
        xx3_null += -n_g * np.linalg.slogdet(r)[1]
        n_tau = len(group.ordinal.vector) - len(rows)
        _e, delta = wls_residual(model, theta, g)
        v = inv[rows[:, None], rows[None, :]] * inv[cols[:, None], cols[None, :]] \
            + inv[rows[:, None], cols[None, :]] * inv[cols[:, None], rows[None, :]]
        blocks_d.append(delta[n_tau:])
        blocks_w.append(group.weight * group.w_diag[n_tau:])
        blocks_v.append(group.weight * v)
        blocks_g.append(group.ordinal.gamma[n_tau:, n_tau:] / group.weight)
    delta = np.vstack(blocks_d)
    w = np.concatenate(blocks_w)
    v, gamma = _block_diag(blocks_v), _block_diag(blocks_g)
    wiu = np.eye(len(w)) - delta @ e_inv @ delta.T * w[None, :]
    ks = float(np.trace(wiu.T @ v @ wiu @ gamma))
    kbs = float(np.trace(gamma))
    return xx3, ks / df, xx3_null, kbs / len(w), xx3 / (ks / df)


# -- the public function ------------------------------------------------------------------------
def _prepare(data, model, estimator, ordered, group, missing):
    if not isinstance(data, pd.DataFrame):
        raise TypeError("cfa: data must be a pandas DataFrame")
    if estimator not in ESTIMATORS:
        raise ValueError(f"cfa: estimator must be one of {', '.join(ESTIMATORS)}, not {estimator!r}")
    if missing not in ("listwise", "fiml", "ml"):
        raise ValueError(f"cfa: missing must be 'listwise' or 'fiml', not {missing!r}")
    fiml = missing in ("fiml", "ml")
    columns = [str(c) for c in data.columns]
    if group is not None and group not in data.columns:
        raise ValueError(f"cfa: the group column {group!r} is not in the data")
    probe_rows, roles = parameter_table(model, columns)
    if ordered is True:
        ordered = list(roles["observed"])
    ordered = list(ordered or [])
    categorical = bool(ordered)
    if categorical and estimator in ("ML", "MLR"):
        raise ValueError("cfa: ordered items need estimator='WLSMV' or 'DWLS'")
    if not categorical and estimator in ("DWLS", "WLSMV"):
        raise ValueError("cfa: estimator='WLSMV'/'DWLS' needs ordered items (ordered=True or a list)")
    if categorical and set(roles["observed"]) - set(ordered):
        raise ValueError("cfa: with WLSMV/DWLS every observed variable must be ordered (mixed models are not supported)")
    if categorical and fiml:
        raise ValueError("cfa: missing='fiml' needs estimator='ML' or 'MLR'")
    if roles["exogenous_observed"] and (categorical or fiml):
        raise ValueError("cfa: observed exogenous covariates are supported with complete-data ML/MLR only")
    del probe_rows
    return roles, ordered, categorical, fiml


#: More categories than this are not treated as ordinal (the item is continuous).
MAX_CATEGORIES = 15


def _check_categories(frame, parts, ov, levels) -> None:
    """Ordinal items: every group must use the same categories, and not too many of them."""
    for name in ov:
        values = np.unique(frame[name].to_numpy(dtype=float))
        if len(values) > MAX_CATEGORIES:
            raise ValueError(f"cfa: ordered item {name!r} has {len(values)} categories (more than {MAX_CATEGORIES}); "
                             "treat it as continuous")
        for part, level in zip(parts, levels, strict=True):
            if len(np.unique(part[name].to_numpy(dtype=float))) != len(values):
                raise ValueError(f"cfa: ordered item {name!r} has an empty category in group {str(level)!r}; "
                                 "merge sparse categories first")


def _group_data(frame, ov, categorical, fiml):
    values = frame[ov].to_numpy(dtype=float)
    n = len(values)
    group = Group(n=n)
    if categorical:
        codes, _levels = ordinal_codes(values)
        if (codes.max(axis=0) == 0).any():
            bad = [name for name, c in zip(ov, codes.max(axis=0), strict=True) if c == 0]
            raise ValueError(f"cfa: item(s) without variance: {', '.join(bad)}")
        group.ordinal = ordinal_statistics(codes)
        group.w_diag = 1 / np.diag(group.ordinal.gamma)
        return group
    group.patterns, group.raw_patterns = response_patterns(values)
    if fiml:
        group.mean, group.cov = em_saturated(values, group.patterns)
    else:
        group.mean = values.mean(axis=0)
        group.cov = (values - group.mean).T @ (values - group.mean) / n
    group.sat_loglik = pattern_loglik(group.patterns, group.cov, group.mean)
    return group


def _add_thresholds(rows, roles, groups):
    """Thresholds (after the user's rows, as lavaan) and delta scale factors of ordered items."""
    out = []
    for g, group in enumerate(groups, start=1):
        block = [r for r in rows if r.group == g]
        have = {(r.lhs, r.op, r.rhs) for r in block}
        last_user = max((k for k, r in enumerate(block) if r.user), default=-1)
        th = [Parameter(name, "|", f"t{k + 1}", group=g, user=False)
              for item, name in enumerate(roles["ordered"]) for k in range(len(group.ordinal.thresholds[item]))
              if (name, "|", f"t{k + 1}") not in have]
        scales = [Parameter(name, "~*~", name, group=g, free=False, value=1.0, user=False)
                  for name in roles["ordered"] if (name, "~*~", name) not in have]
        out.extend(block[:last_user + 1] + th + block[last_user + 1:] + scales)
    return out


def _ordinal_identification(rows, roles, group_equal) -> None:
    """Identification of ordinal items across groups after Wu & Estabrook (2016), as semTools'
    ``measEq.syntax(ID.fac = "std.lv", ID.cat = "Wu.Estabrook.2016")``: with equal thresholds the
    scale factors (and, unless intercepts are equal too, the intercepts) are free after the first
    group; with equal loadings the factor variances; with equal intercepts the factor means."""
    equal, latent, ordered = set(group_equal), set(roles["latent"]), set(roles["ordered"])
    for row in rows:
        if row.user or row.group == 1:
            continue
        if (row.op == "~*~" and "thresholds" in equal) or (
                row.op == "~1" and row.lhs in ordered and "thresholds" in equal and "intercepts" not in equal) or (
                row.op == "~~" and row.lhs == row.rhs and row.lhs in latent and "loadings" in equal):
            row.free, row.value = True, None


def _equalities(rows, group_equal, n_groups):
    unknown = set(group_equal) - set(GROUP_EQUAL)
    if unknown:
        raise ValueError(f"cfa: unknown group_equal {sorted(unknown)}; use {', '.join(GROUP_EQUAL)}")
    if n_groups < 2 or not group_equal:
        return
    lv = {r.lhs for r in rows if r.op == "=~"}
    for row in rows:
        if row.op in _EQUAL_KIND:
            kind = _EQUAL_KIND[row.op]
        elif row.op == "~1":
            kind = "means" if row.lhs in lv else "intercepts"
        elif row.op == "~~":
            if row.lhs in lv:
                kind = "lv.variances" if row.lhs == row.rhs else "lv.covariances"
            else:
                kind = "residuals" if row.lhs == row.rhs else "residual.covariances"
        else:
            continue
        if kind in group_equal and row.free and not row.label:
            row.label = f".{row.lhs}{row.op}{row.rhs}"
    if "intercepts" in group_equal and "means" not in group_equal:  # latent means free after group 1
        for row in rows:
            if row.op == "~1" and row.lhs in lv and row.group > 1 and not row.user:
                row.free, row.value = True, None


def _baseline_rows(roles, groups, categorical, meanstructure):
    rows = []
    for g, group in enumerate(groups, start=1):
        for item, name in enumerate(roles["ordered"]):
            rows.extend(Parameter(name, "|", f"t{k + 1}", group=g, user=False)
                        for k in range(len(group.ordinal.thresholds[item])))
        exo = roles["exogenous_observed"]
        for name in roles["observed"]:
            if name in exo:
                continue
            rows.append(Parameter(name, "~~", name, group=g, free=not categorical, value=1.0 if categorical else None))
            if meanstructure and not categorical:
                rows.append(Parameter(name, "~1", "", group=g))
        for i, x1 in enumerate(exo):
            for x2 in exo[i:]:
                rows.append(Parameter(x1, "~~", x2, group=g, free=False, extra={"fixed_x": True}))
    return rows


def _fix_x(rows, roles, groups):
    """lavaan's fixed.x: exogenous observed (co)variances and means take their sample values."""
    ov = roles["observed"]
    for row in rows:
        if row.extra.get("fixed_x"):
            group = groups[row.group - 1]
            i = ov.index(row.lhs)
            row.value = float(group.mean[i]) if row.op == "~1" else float(group.cov[i, ov.index(row.rhs)])


def cfa(data: pd.DataFrame, model: str, estimator: str = "ML", ordered=None, group: str | None = None,
        group_equal=(), missing: str = "listwise", std_lv: bool = False) -> CFAFit:
    """Fit a CFA/SEM given in lavaan syntax, as ``lavaan::cfa`` (or ``sem``) does.

    Parameters
    ----------
    data : DataFrame
        One column per observed variable (and the ``group`` column).
    model : str
        lavaan model syntax: ``=~``, ``~``, ``~~``, ``~1``, fixed values (``0.5*x``), ``NA*x``,
        labels (``a*x``: equal labels are equal parameters), second-order factors.
    estimator : {"ML", "MLR", "DWLS", "WLSMV"}
        ``DWLS``/``WLSMV`` need ``ordered``.
    ordered : True or list of str, optional
        Items treated as ordinal (all observed variables of the model).
    group : str, optional
        Column of a multiple-group analysis (groups in order of appearance, as lavaan).
    group_equal : tuple of str
        Equality constraints across groups, as lavaan's ``group.equal`` (``"loadings"``,
        ``"intercepts"``, ``"residuals"`` for strict invariance, ...). With ``"intercepts"`` the
        latent means are free in all but the first group. Ordinal items follow Wu & Estabrook
        (2016) as semTools' ``measEq.syntax(ID.fac = "std.lv", ID.cat = "Wu.Estabrook.2016")``:
        the steps ``("thresholds",)``, ``("thresholds", "loadings")`` and ``("thresholds",
        "loadings", "intercepts")`` after the configural model (factor variances 1, intercepts 0,
        scale factors 1), freeing scale factors, intercepts, factor variances and means as needed.
    missing : {"listwise", "fiml"}
        ``"fiml"`` (lavaan's ``missing = "ml"``) for ML/MLR: every case with at least one answer.
    std_lv : bool
        Factor variances fixed to 1 instead of the first loading (lavaan's ``std.lv``).

    Returns
    -------
    CFAFit
        ``fit``: a dict keyed by lavaan's ``fitMeasures`` names (``chisq``, ``df``, ``pvalue``,
        ``cfi``, ``tli``, ``rmsea``, ``rmsea.ci.lower``, ``rmsea.ci.upper``, ``srmr``, and for
        MLR/WLSMV ``chisq.scaled``, ``chisq.scaling.factor``, ``cfi.scaled``, ``tli.scaled``,
        ``rmsea.scaled``, ``cfi.robust``, ``tli.robust``, ``rmsea.robust``); ``estimates``: a
        DataFrame as ``parameterEstimates(fit, standardized = TRUE)`` (``lhs``, ``op``, ``rhs``,
        [``group``], ``label``, ``est``, ``se``, ``z``, ``pvalue``, ``std.all``).

    Warns
    -----
    CFAWarning
        Rows dropped listwise, few cases per parameter (< 5), non-convergence, a sample or implied
        matrix that is not positive definite, Heywood cases (negative variances, standardized
        loadings beyond 1), a singular information matrix.

    Examples
    --------
    >>> import pandas as pd
    >>> from monitor.core.config import PROJECT_ROOT
    >>> hs = pd.read_csv(PROJECT_ROOT / "tests" / "data" / "holzinger_swineford.csv")
    >>> fit = cfa(hs, "visual =~ x1 + x2 + x3 + x9\\ntextual =~ x4 + x5 + x6\\nspeed =~ x7 + x8 + x9")
    >>> round(fit.fit["chisq"], 3), fit.fit["df"]  # lavaan: 52.382, 23
    (52.382, 23)
    """
    with threadpool_limits(limits=1, user_api="blas"):
        try:
            return _cfa(data, model, estimator, ordered, group, tuple(group_equal), missing, std_lv)
        except np.linalg.LinAlgError as exc:  # a singular matrix the checks above did not foresee
            raise ValueError(f"cfa: the model could not be estimated (a matrix is singular: {exc})") from exc


def _cfa(data, model, estimator, ordered, group, group_equal, missing, std_lv) -> CFAFit:
    roles, ordered, categorical, fiml = _prepare(data, model, estimator, ordered, group, missing)
    ov = roles["observed"]
    meanstructure = fiml or group is not None
    columns = ov + ([group] if group is not None else [])
    try:
        frame = data[columns].apply(pd.to_numeric, errors="raise") if group is None else \
            pd.concat([data[ov].apply(pd.to_numeric, errors="raise"), data[[group]]], axis=1)
    except (ValueError, TypeError) as exc:
        raise ValueError("cfa: the model's variables must hold numbers") from exc
    if np.isinf(frame[ov].to_numpy(dtype=float)).any():
        raise ValueError("cfa: the model's variables hold infinite values")
    if group is not None:
        frame = frame[frame[group].notna()]
    keep = frame[ov].notna().any(axis=1) if fiml else frame[ov].notna().all(axis=1)
    dropped = int((~keep).sum())
    if dropped:
        _warn(f"cfa: {dropped} of {len(frame)} rows dropped ({'no answers' if fiml else 'listwise'}: missing values)")
    frame = frame[keep]
    for name in ov:
        answered = frame[name].dropna()
        if len(answered) < 2 or answered.nunique() < 2:
            raise ValueError(f"cfa: item {name!r} has no variance (or fewer than two answers)")
    levels = list(pd.unique(frame[group])) if group is not None else [None]
    parts = [frame if level is None else frame[frame[group] == level] for level in levels]
    if any(len(part) < 2 for part in parts):
        raise ValueError("cfa: too few complete cases to fit the model")
    if categorical:
        _check_categories(frame, parts, ov, levels)
    groups = [_group_data(part, ov, categorical, fiml) for part in parts]
    n_total = sum(g.n for g in groups)
    for g in groups:
        g.weight = g.n / n_total
        if not categorical and np.linalg.eigvalsh(g.cov).min() <= 1e-10 * max(np.trace(g.cov), 1e-300):
            raise ValueError("cfa: the sample covariance matrix is not positive definite (an item is constant "
                             "or a linear combination of others); ML cannot be computed")
        if categorical and np.linalg.eigvalsh(g.ordinal.rho).min() <= 1e-10:
            _warn("cfa: the polychoric correlation matrix is not positive definite")

    std_lv = std_lv or (categorical and len(groups) > 1)  # Wu & Estabrook's identification uses std.lv
    rows, roles = parameter_table(model, list(frame.columns), ordered=ordered, groups=len(groups),
                                  meanstructure=meanstructure, std_lv=std_lv)
    if categorical:
        rows = _add_thresholds(rows, roles, groups)
    _equalities(rows, tuple(group_equal), len(groups))
    if categorical and len(groups) > 1:
        _ordinal_identification(rows, roles, group_equal)
    if not categorical:
        _fix_x(rows, roles, groups)
    fitted = Model(rows, roles, groups, categorical, meanstructure)
    fitted.n_total = n_total
    if n_total < MIN_CASES_PER_PARAMETER * fitted.n_free:
        _warn(f"cfa: {n_total} cases for {fitted.n_free} free parameters "
              f"(fewer than {MIN_CASES_PER_PARAMETER} per parameter)")
    df = _df(fitted)
    if df < 0:
        raise ValueError(f"cfa: the model is not identified: {fitted.n_free} free parameters for "
                         f"{df + fitted.n_free} sample statistics (df = {df})")
    if df == 0:
        _warn("cfa: the model is saturated (df = 0): it fits perfectly by construction, the fit measures say nothing")
    terms = wls_terms if categorical else ml_terms
    theta, value, converged = _estimate(fitted, terms)
    if not converged:
        _warn("cfa: the estimation did not converge; the results are not trustworthy")

    fit, vcov = _fit_measures(fitted, theta, value, df, estimator, fiml, roles, groups, n_total, meanstructure)
    fit["npar"] = fitted.n_free
    fit["ntotal"] = n_total
    estimates = _estimates_table(fitted, theta, vcov, len(groups) > 1)
    _check_solution(fitted, theta, estimates)
    return CFAFit(fit=fit, estimates=estimates, estimator=estimator, n=n_total, converged=converged,
                  groups=[str(level) for level in levels if level is not None], model=fitted, theta=theta)


def _fit_measures(model, theta, value, df, estimator, fiml, roles, groups, n_total, meanstructure):
    categorical = model.categorical
    n_groups = len(groups)
    fit: dict = {}
    base = Model(_baseline_rows(roles, groups, categorical, meanstructure),
                  {**roles, "latent": []}, groups, categorical, meanstructure)
    base.n_total = n_total
    if not categorical:
        _fix_x(base.rows, roles, groups)
    terms = wls_terms if categorical else ml_terms
    b_theta, b_value, _ok = _estimate(base, terms)
    b_df = _df(base)
    if categorical:  # lavaan's WLS statistics use N_g - 1 per group
        chisq, chisq_null = wls_statistic(model, theta), wls_statistic(base, b_theta)
    else:
        sat = -sum(g.sat_loglik for g in groups) / n_total
        chisq, chisq_null = 2 * n_total * (value - sat), 2 * n_total * (b_value - sat)
        x_part = _exogenous_loglik(roles, groups)  # lavaan's fixed.x: the likelihood given x
        fit["logl"] = -n_total * value - x_part
        fit["unrestricted.logl"] = -n_total * sat - x_part
    info = terms(model, theta)[2]
    fit.update({"chisq": chisq, "df": df, "pvalue": float(stats.chi2.sf(chisq, df)) if df > 0 else np.nan,
                "baseline.chisq": chisq_null, "baseline.df": b_df,
                "cfi": cfi_index(chisq, df, chisq_null, b_df), "tli": tli_index(chisq, df, chisq_null, b_df),
                "rmsea": rmsea_index(chisq, df, n_total, n_groups)})
    fit["rmsea.ci.lower"], fit["rmsea.ci.upper"] = _rmsea_ci(chisq, df, n_total, n_groups)
    fit["srmr"] = _srmr(model, theta)

    scaled, robust = None, None  # robust: (T, c, T_null, c_null, T scaled) for the robust CFI/TLI/RMSEA
    if estimator == "ML" and not fiml:
        vcov = _inverse(info, "information matrix") / n_total
    elif estimator == "ML" and fiml:
        vcov = _inverse(numerical_hessian(model, theta), "observed information matrix") / n_total
        robust = _fiml_corrected(model, theta, base, b_theta, df, b_df, _h1_information(model, fiml), scaled=False)
    elif estimator == "MLR":
        h1 = _h1_information(model, fiml)
        vcov, c = _ml_robust(model, theta, df, h1)
        _vb, c_null = _ml_robust(base, b_theta, b_df, h1)
        scaled = (chisq / c, c, chisq_null / c_null, c_null)
        robust = _fiml_corrected(model, theta, base, b_theta, df, b_df, h1, scaled=True) if fiml else \
            (chisq, c, chisq_null, c_null, chisq / c)
    elif estimator == "DWLS":
        vcov = _inverse(info, "information matrix") / (n_total - n_groups)
    else:  # WLSMV
        vcov, e_inv, traces = _wls_robust(model, theta, df, info)
        b_info = wls_terms(base, b_theta)[2]
        _vb, _eb, b_traces = _wls_robust(base, b_theta, b_df, b_info)
        stat, factor, shift = _scaled_shifted(chisq, df, traces)
        b_stat, b_factor, _b_shift = _scaled_shifted(chisq_null, b_df, b_traces)
        scaled = (stat, factor, b_stat, b_factor)
        fit["chisq.shift.parameter"] = shift
        if any(r.free and (r.op == "~*~" or (r.op == "~1" and r.lhs in model.ov)) for r in model.rows):
            # lavaan 0.6 gives no robust CFI/TLI/RMSEA for these models either (its catML step fails)
            _warn("cfa: no robust CFI/TLI/RMSEA with free scale factors or intercepts of ordinal items (as lavaan)")
        else:
            robust = _catml(model, theta, e_inv, df)
            if robust is None:
                _warn("cfa: the polychoric matrix is not positive definite; no robust CFI/TLI/RMSEA (as lavaan)")
    if scaled is not None:
        stat, factor, b_stat, b_factor = scaled
        fit.update({"chisq.scaled": stat, "df.scaled": df, "pvalue.scaled": float(stats.chi2.sf(stat, df)),
                    "chisq.scaling.factor": factor, "baseline.chisq.scaled": b_stat,
                    "baseline.chisq.scaling.factor": b_factor,
                    "cfi.scaled": cfi_index(stat, df, b_stat, b_df), "tli.scaled": tli_index(stat, df, b_stat, b_df),
                    "rmsea.scaled": rmsea_index(stat, df, n_total, n_groups)})
        fit["rmsea.ci.lower.scaled"], fit["rmsea.ci.upper.scaled"] = _rmsea_ci(stat, df, n_total, n_groups)
    if robust is not None:
        x2, c, x2_null, c_null, x2_scaled = robust
        fit.update({"cfi.robust": cfi_index(x2, df, x2_null, b_df, c, c_null),
                    "tli.robust": tli_index(x2, df, x2_null, b_df, c, c_null),
                    "rmsea.robust": rmsea_index(x2, df, n_total, n_groups, c)})
        fit["rmsea.ci.lower.robust"], fit["rmsea.ci.upper.robust"] = _rmsea_ci(x2_scaled, df, n_total, n_groups, c)
    return fit, vcov


def _fiml_corrected(model: Model, theta, base: Model, b_theta, df, b_df, h1: dict, scaled: bool):
    """lavaan's ``lav_fit_fiml_corrected`` for the robust CFI/TLI/RMSEA under FIML (Zhang &
    Savalei 2023): the complete-data statistic at the EM moments, rescaled by ``c = k/df``; with
    ``U = W_m - W_m Δ (Δ' W_m Δ)⁻¹ Δ' W_m`` (W_m, W_c the unrestricted model's observed
    information under missing data and for complete data), ``k = tr(W_c W_m⁻¹ U W_m⁻¹)`` (V6,
    ML) or ``k = tr(U W_m⁻¹ W_c W_m⁻¹ U Γ)``, ``Γ = W_m⁻¹ J_m W_m⁻¹`` (V3, MLR)."""
    w_m, w_c, on_complete, sat_value = h1["observed"], h1["complete"], h1["complete_model"], h1["complete_value"]
    w_mi = np.linalg.inv(w_m)
    gamma = w_mi @ h1["first_order"] @ w_mi if scaled else None
    out = []
    for fitted, estimates in ((model, theta), (base, b_theta)):
        copy = Model([Parameter(r.lhs, r.op, r.rhs, group=r.group, free=r.free, value=r.value, label=r.label,
                                user=r.user) for r in fitted.rows], fitted.roles, on_complete.groups, False, True)
        copy.n_total = model.n_total
        x2 = 2 * model.n_total * (ml_terms(copy, estimates)[0] - sat_value)
        delta = _moment_jacobian(fitted, estimates)
        # lavaan sets observed.information = "h1" first: the information is Δ' W_m Δ
        u = w_m - w_m @ delta @ np.linalg.pinv(delta.T @ w_m @ delta) @ delta.T @ w_m
        k = np.trace(u @ w_mi @ w_c @ w_mi @ u @ gamma) if scaled else np.trace(w_c @ w_mi @ u @ w_mi)
        out.append((x2, float(k)))
    (x2, k), (x2_null, k_null) = out
    return x2, k / df, x2_null, k_null / b_df, x2 / (k / df)


def _exogenous_loglik(roles, groups) -> float:
    exo = [roles["observed"].index(name) for name in roles["exogenous_observed"]]
    if not exo:
        return 0.0
    return sum(-0.5 * g.n * (len(exo) * np.log(2 * np.pi) + np.linalg.slogdet(g.cov[np.ix_(exo, exo)])[1] + len(exo))
               for g in groups)


def _estimates_table(model: Model, theta: np.ndarray, vcov: np.ndarray, multigroup: bool) -> pd.DataFrame:
    se_free = np.sqrt(np.clip(np.diag(vcov), 0, None))
    records = []
    totals = [model.total_cov(theta, g) for g in range(len(model.groups))]
    for row in model.rows:
        g = row.group - 1
        t = row.extra["index"]
        est = theta[t] if t >= 0 else (row.value if row.value is not None else 0.0)
        sd = np.sqrt(np.clip(np.diag(totals[g]), 0, None))
        pos = model.pos
        if row.op == "~~" and row.lhs == row.rhs and row.lhs in model.roles["ordered"]:
            i = pos[row.lhs]
            a, s, _m, _tau, scale = model.matrices(theta, g)
            b = np.linalg.inv(np.eye(model.v) - a)
            est = 1 / scale[i] ** 2 - float(b[i] @ s @ b[i])  # delta parameterization: 1/Δ² - explained
        if t >= 0:
            se = se_free[t]
            z = est / se if se > 0 else np.nan
            pvalue = 2 * stats.norm.sf(abs(z)) if np.isfinite(z) else np.nan
        else:
            se, z, pvalue = 0.0, np.nan, np.nan
        if row.op == "=~":
            std = est * sd[pos[row.lhs]] / sd[pos[row.rhs]]
        elif row.op == "~":
            std = est * sd[pos[row.rhs]] / sd[pos[row.lhs]]
        elif row.op == "~~" and row.lhs == row.rhs:
            std = est / sd[pos[row.lhs]] ** 2
        elif row.op == "~*~":
            std = 1.0  # as lavaan
        elif row.op == "~~":  # lavaan: covariances are standardized by the (residual) variances
            _a, s, _m, _tau, scale = model.matrices(theta, g)
            std = est / np.sqrt(s[pos[row.lhs], pos[row.lhs]] * s[pos[row.rhs], pos[row.rhs]])
        else:
            std = est / sd[pos[row.lhs]]
        record = {"lhs": row.lhs, "op": row.op, "rhs": row.rhs}
        if multigroup:
            record["group"] = row.group
        record.update(label=row.label if not row.label.startswith(".") else "", est=float(est), se=float(se),
                      z=float(z), pvalue=float(pvalue), **{"std.all": float(std) if np.isfinite(std) else np.nan})
        records.append(record)
    return pd.DataFrame(records)


def _check_solution(model: Model, theta: np.ndarray, estimates: pd.DataFrame) -> None:
    variances = estimates[(estimates["op"] == "~~") & (estimates["lhs"] == estimates["rhs"])]
    negative = variances[variances["est"] < 0]
    if len(negative):
        names = ", ".join(sorted(set(negative["lhs"])))[:200]
        _warn(f"cfa: negative variance estimate(s) for {names} (Heywood case); the solution is not admissible")
    loadings = estimates[estimates["op"] == "=~"]
    if (loadings["std.all"].abs() > 1).any():
        _warn("cfa: a standardized loading exceeds 1 (Heywood case)")
    for g in range(len(model.groups)):
        total = model.total_cov(theta, g)
        lv = [model.pos[f] for f in model.lv]
        if lv and np.linalg.eigvalsh(total[np.ix_(lv, lv)]).min() < -1e-10:
            _warn("cfa: the latent covariance matrix is not positive definite")


def modification_indices(result: CFAFit, kinds: tuple[str, ...] = ("=~", "~~")) -> pd.DataFrame:
    """Score tests for fixed cross-loadings (``=~``) and residual covariances of observed
    variables (``~~``), as lavaan's ``modindices`` (expected information), for ML fits.

    ``MI = N · g² / (I_cc - I_cf I_ff⁻¹ I_fc)`` and ``EPC = -g / (I_cc - I_cf I_ff⁻¹ I_fc)``, with
    g the gradient of the ML discrepancy for the fixed parameter at the estimates and I the
    expected information (Sörbom 1989).

    Returns
    -------
    DataFrame
        ``lhs``, ``op``, ``rhs``, [``group``], ``mi``, ``epc``, largest MI first.
    """
    model, theta = result.model, result.theta
    if model is None or model.categorical:
        raise ValueError("modification_indices: needs a continuous (ML/MLR) fit from monitor.stats.sem.cfa")
    indicators = {(r.lhs, r.rhs, r.group) for r in model.rows if r.op == "=~"}
    have = {(r.lhs, r.op, r.rhs, r.group) for r in model.rows} | {(r.rhs, r.op, r.lhs, r.group) for r in model.rows}
    items = [name for name in model.ov if name not in model.roles["exogenous_observed"]]
    candidates = []
    for g in range(1, len(model.groups) + 1):
        if "=~" in kinds:
            candidates += [Parameter(f, "=~", item, group=g, user=False) for f in model.lv for item in items
                           if (f, item, g) not in indicators and (f, "=~", item, g) not in have]
        if "~~" in kinds:
            candidates += [Parameter(items[i], "~~", items[j], group=g, user=False)
                           for i in range(len(items)) for j in range(i) if (items[i], "~~", items[j], g) not in have]
    rows = [Parameter(r.lhs, r.op, r.rhs, group=r.group, free=r.free, value=r.value, label=r.label, user=r.user,
                      extra={k: v for k, v in r.extra.items() if k == "fixed_x"}) for r in model.rows]
    extended = Model(rows + candidates, model.roles, model.groups, False, model.meanstructure)
    extended.n_total = model.n_total
    q = model.n_free
    _value, grad, info, _s = ml_terms(extended, np.concatenate([theta, np.zeros(len(candidates))]))
    cross = info[q:, :q]
    conditional = np.diag(info)[q:] - np.sum((cross @ np.linalg.pinv(info[:q, :q])) * cross, axis=1)
    g_c = grad[q:]
    with np.errstate(divide="ignore", invalid="ignore"):
        mi = np.where(conditional > 1e-12, model.n_total * g_c ** 2 / conditional, np.nan)
        epc = np.where(conditional > 1e-12, -g_c / conditional, np.nan)
    table = pd.DataFrame({"lhs": [c.lhs for c in candidates], "op": [c.op for c in candidates],
                          "rhs": [c.rhs for c in candidates], "group": [c.group for c in candidates], "mi": mi, "epc": epc})
    if len(model.groups) == 1:
        table = table.drop(columns="group")
    return table.dropna(subset=["mi"]).sort_values("mi", ascending=False).reset_index(drop=True)
