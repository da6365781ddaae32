"""Test statistics, fit measures and standard errors of a fitted model, as lavaan 0.6.

:func:`fit_measures` gives lavaan's ``fitMeasures`` (the chi-square test against the saturated
model, the baseline model, CFI, TLI, RMSEA with its interval, SRMR; the formulas in
:mod:`monitor.stats.sem.fit`) and the covariance matrix of the estimates, per estimator:

- ``ML``: the expected information; under FIML the observed information, and lavaan's robust
  CFI/TLI/RMSEA for missing data (Zhang & Savalei 2023).
- ``MLR``: Huber-White standard errors from the observed information, the Yuan-Bentler (Mplus
  variant) scaled chi-square and the robust CFI/TLI/RMSEA (Brosseau-Liard & Savalei 2014;
  Brosseau-Liard, Savalei & Li 2012).
- ``DWLS``: the information ``Δ'WΔ``; ``WLSMV`` adds robust standard errors, the mean-and-variance
  adjusted (scaled-and-shifted) chi-square (Asparouhov & Muthén 2010) and the robust
  CFI/TLI/RMSEA for categorical data (Savalei 2021).

References
----------
Yuan, K.-H. & Bentler, P. M. (2000). Three likelihood-based methods for mean and covariance
structure analysis with nonnormal missing data. Sociological Methodology 30, 165-200.
Asparouhov, T. & Muthén, B. (2010). Simple second order chi-square correction. Mplus note.
Savalei, V. (2021). Improving fit indices in structural equation modeling with categorical data.
Multivariate Behavioral Research 56, 390-407.
Zhang, X. & Savalei, V. (2023). New computations for RMSEA and CFI following FIML and TS
estimation with missing data. Psychological Methods 28, 263-283.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import stats

from ..warnings import CFAWarning
from .fit import cfi_index, rmsea_index, rmsea_interval, tli_index
from .ordinal import lower_pairs
from .partable import baseline_rows, fix_x
from .ram import Group, Model, estimate, ml_terms, numerical_hessian, wls_residual, wls_statistic, wls_terms
from .syntax import Parameter

__all__ = ["fit_measures", "degrees_of_freedom"]


def _warn(message: str) -> None:
    warnings.warn(message, CFAWarning, stacklevel=3)


def _inverse(matrix: np.ndarray, what: str) -> np.ndarray:
    values = np.linalg.eigvalsh((matrix + matrix.T) / 2)
    if values.min() <= 1e-10 * max(values.max(), 1e-300):
        _warn(f"cfa: the {what} is singular or not positive definite; the model may not be identified "
              "(standard errors are unreliable)")
        return np.linalg.pinv(matrix)
    return np.linalg.inv(matrix)


def _rmsea_ci(x2, df, n, groups=1, c=1.0):
    if df <= 0 or not np.isfinite(x2):
        return 0.0, 0.0
    low, high = rmsea_interval(x2, int(df), n, groups=1)
    return float(low * np.sqrt(c * groups)), float(high * np.sqrt(c * groups))


def degrees_of_freedom(model: Model) -> int:
    """Sample statistics minus free parameters; with lavaan's fixed.x the exogenous covariates'
    own moments are not counted (they are data, not modelled)."""
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


# -- the fit measures and the covariance of the estimates ----------------------------------------------
def fit_measures(model: Model, theta: np.ndarray, value: float, df: int, estimator: str, fiml: bool, roles: dict,
                 groups: list, n_total: int, meanstructure: bool) -> tuple[dict, np.ndarray]:
    """lavaan's ``fitMeasures`` of a fitted model, and the covariance matrix of its estimates.

    Fits the baseline model, computes the test statistic (ML: ``2N(F - F_sat)``; (D)WLS:
    ``Σ (N_g - 1) e'We``), CFI, TLI, RMSEA with its 90% interval and SRMR, and per estimator
    the standard errors and corrections described in :mod:`monitor.stats.sem.fit_measures`.
    """
    categorical = model.categorical
    n_groups = len(groups)
    fit: dict = {}
    base = Model(baseline_rows(roles, groups, categorical, meanstructure),
                  {**roles, "latent": []}, groups, categorical, meanstructure)
    base.n_total = n_total
    if not categorical:
        fix_x(base.rows, roles, groups)
    terms = wls_terms if categorical else ml_terms
    b_theta, b_value, _ok = estimate(base, terms)
    b_df = degrees_of_freedom(base)
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
