"""The model behind :mod:`monitor.stats.sem.cfa`: RAM matrices, implied moments, derivatives, estimation.

A model from a lavaan parameter table is held in the RAM form (McArdle & McDonald 1984):
all variables v = A v + u, Cov(u) = S, means m, observed ones selected by F, so that
``Σ = F (I - A)⁻¹ S (I - A)⁻ᵀ Fᵀ`` and ``μ = F (I - A)⁻¹ m``. Ordinal items use the delta
parameterization (``var(y*) = 1``). The derivatives of Σ, μ and the thresholds with respect to
the free parameters are analytic; estimation is Fisher scoring with step halving (the
expected information of ML, or Δ'WΔ of (D)WLS), with a quasi-Newton fallback.

Discrepancy functions (per unit of N, as lavaan's ``fmin``): ML ``F = -logL/N`` over the
missing-data patterns (one pattern for complete data, so complete-data ML and FIML share
the code); DWLS ``F = ½ Σ_g (N_g/N) (s - σ)' W (s - σ)`` with W the inverse of diag(Γ).

References
----------
McArdle, J. J. & McDonald, R. P. (1984). Some algebraic properties of the Reticular Action
Model for moment structures. British Journal of Mathematical and Statistical Psychology 37.
Lee, S.-Y. & Jennrich, R. I. (1979). A study of algorithms for covariance structure analysis
with specific comparisons using factor analysis. Psychometrika 44, 99-113 (Fisher scoring).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import optimize

from .ordinal import lower_pairs
from .syntax import Parameter

__all__ = ["Group", "Model", "ml_terms", "wls_terms", "wls_statistic", "wls_residual", "fisher_scoring",
           "numerical_hessian", "em_saturated", "response_patterns", "pattern_loglik", "start_values", "estimate",
           "inert_parameters"]


# -- data per group --------------------------------------------------------------------------------
@dataclass
class Group:
    n: int
    weight: float = 1.0
    patterns: list = field(default_factory=list)  # (observed index, n, mean, cov) for ML
    cov: np.ndarray | None = None  # sample (or EM) covariance, divisor n
    mean: np.ndarray | None = None
    raw_patterns: list = field(default_factory=list)  # each pattern's rows, for case-wise scores (MLR)
    ordinal: object | None = None  # OrdinalStatistics
    w_diag: np.ndarray | None = None  # the DWLS weights: 1 / diag(Γ)
    sat_loglik: float = 0.0


def response_patterns(values: np.ndarray) -> tuple[list, list]:
    """Missing-data patterns: (observed columns, n, mean, covariance) each, and each one's rows."""
    observed = ~np.isnan(values)
    if observed.all():  # complete data: one pattern (np.unique would sort every row to find it)
        mean = values.mean(axis=0)
        centred = values - mean
        return [(np.arange(values.shape[1]), len(values), mean, centred.T @ centred / len(values))], [values]
    keys, inverse = np.unique(observed, axis=0, return_inverse=True)
    out, raw = [], []
    for k, key in enumerate(keys):
        if not key.any():
            continue
        rows = values[inverse.ravel() == k][:, key]
        mean = rows.mean(axis=0)
        centred = rows - mean
        out.append((np.flatnonzero(key), len(rows), mean, centred.T @ centred / len(rows)))
        raw.append(rows)
    return out, raw


def pattern_loglik(patterns: list, sigma: np.ndarray, mu: np.ndarray) -> float:
    """Normal log-likelihood summed over missing-data patterns, from each pattern's moments."""
    total = 0.0
    for idx, n, mean, cov in patterns:
        s = sigma[np.ix_(idx, idx)]
        sign, logdet = np.linalg.slogdet(s)
        if sign <= 0:
            return -np.inf
        d = mean - mu[idx]
        total -= 0.5 * n * (len(idx) * np.log(2 * np.pi) + logdet + np.trace(np.linalg.solve(s, cov + np.outer(d, d))))
    return float(total)


def em_saturated(values: np.ndarray, patterns: list, max_iter: int = 2000, tol: float = 1e-10):
    """Saturated mean and covariance under missing data by EM (lavaan's ``lav_mvnorm_missing_h1``)."""
    p = values.shape[1]
    mu = np.nanmean(values, axis=0)
    sigma = np.diag(np.nanvar(values, axis=0))
    n = sum(pat[1] for pat in patterns)
    for _ in range(max_iter):
        t1, t2 = np.zeros(p), np.zeros((p, p))
        for idx, k, mean, cov in patterns:
            mis = np.setdiff1d(np.arange(p), idx)
            soo = sigma[np.ix_(idx, idx)]
            beta = np.linalg.solve(soo, sigma[np.ix_(idx, mis)]).T if len(mis) else np.zeros((0, len(idx)))
            # E[y_m | y_o] = mu_m + beta (y_o - mu_o): sufficient statistics from the pattern's moments
            m_full = np.empty(p)
            m_full[idx] = mean
            m_full[mis] = mu[mis] + beta @ (mean - mu[idx])
            c_full = np.zeros((p, p))
            c_full[np.ix_(idx, idx)] = cov
            if len(mis):
                c_full[np.ix_(mis, idx)] = beta @ cov
                c_full[np.ix_(idx, mis)] = c_full[np.ix_(mis, idx)].T
                c_full[np.ix_(mis, mis)] = beta @ cov @ beta.T + sigma[np.ix_(mis, mis)] - beta @ sigma[np.ix_(idx, mis)]
            t1 += k * m_full
            t2 += k * (c_full + np.outer(m_full, m_full))
        new_mu = t1 / n
        new_sigma = t2 / n - np.outer(new_mu, new_mu)
        change = max(np.abs(new_mu - mu).max(), np.abs(new_sigma - sigma).max())
        mu, sigma = new_mu, new_sigma
        if change < tol:
            break
    return mu, sigma


# -- the model ----------------------------------------------------------------------------------
class Model:
    """Parameter table → RAM matrices per group, implied moments and their derivatives."""

    def __init__(self, rows: list[Parameter], roles: dict, groups: list[Group], categorical: bool,
                 meanstructure: bool):
        self.rows, self.roles, self.groups = rows, roles, groups
        self.ov, self.lv = roles["observed"], roles["latent"]
        self.names = self.ov + self.lv
        self.p, self.v = len(self.ov), len(self.names)
        self.pos = {name: i for i, name in enumerate(self.names)}
        self.categorical, self.meanstructure = categorical, meanstructure
        self.ordered_idx = np.array([self.pos[n] for n in roles["ordered"]], dtype=int)
        labels: dict[str, int] = {}
        self.n_free = 0
        for row in rows:
            if not row.free:
                row.extra["index"] = -1
                continue
            if row.label and row.label in labels:
                row.extra["index"] = labels[row.label]
                continue
            row.extra["index"] = self.n_free
            if row.label:
                labels[row.label] = self.n_free
            self.n_free += 1
        self.free_rows = [r for r in rows if r.free]
        self.by_group = [[r for r in rows if r.group == g + 1] for g in range(len(groups))]

    # matrices
    def matrices(self, theta: np.ndarray, g: int):
        """A, S, m, thresholds (per ordered item) and delta scale factors of group ``g``."""
        a, s, m = np.zeros((self.v, self.v)), np.zeros((self.v, self.v)), np.zeros(self.v)
        scale = np.ones(self.p)
        tau: dict[str, list] = {}
        for row in self.by_group[g]:
            value = theta[row.extra["index"]] if row.free else (row.value if row.value is not None else 0.0)
            if row.op == "=~":
                a[self.pos[row.rhs], self.pos[row.lhs]] = value
            elif row.op == "~":
                a[self.pos[row.lhs], self.pos[row.rhs]] = value
            elif row.op == "~~":
                i, j = self.pos[row.lhs], self.pos[row.rhs]
                s[i, j] = s[j, i] = value
            elif row.op == "~1":
                m[self.pos[row.lhs]] = value
            elif row.op == "|":
                tau.setdefault(row.lhs, []).append(value)
            elif row.op == "~*~":
                scale[self.pos[row.lhs]] = value
        if self.categorical:  # delta parameterization: residual variances make var(y*) = 1/Δ²
            s[self.ordered_idx, self.ordered_idx] = 0.0
        return a, s, m, tau, scale

    def _tau(self, tau: dict) -> np.ndarray:
        return np.concatenate([np.asarray(tau[n], float) for n in self.roles["ordered"]])

    def _tau_owner(self, g: int) -> np.ndarray:
        """For each threshold of group ``g``, the index of its item."""
        return np.array([self.pos[r.lhs] for r in self.by_group[g] if r.op == "|"], dtype=int)

    def implied(self, theta: np.ndarray, g: int):
        """Σ and μ of the observed variables; for ordinal items the correlations of y* and the
        standardized thresholds ``Δ_j (τ_jk - μ*_j)`` (delta parameterization)."""
        a, s, m, tau, scale = self.matrices(theta, g)
        b = np.linalg.inv(np.eye(self.v) - a)
        u = b[: self.p]
        sigma = u @ s @ u.T
        mu = u @ m
        if not self.categorical:
            return sigma, mu, None
        corr = scale[:, None] * sigma * scale[None, :]
        corr[self.ordered_idx, self.ordered_idx] = 1.0
        owner = self._tau_owner(g)
        return corr, mu, scale[owner] * (self._tau(tau) - mu[owner])

    def total_cov(self, theta: np.ndarray, g: int) -> np.ndarray:
        """Model-implied covariance of all variables (observed and latent), for std.all."""
        a, s, _m, _tau, scale = self.matrices(theta, g)
        b = np.linalg.inv(np.eye(self.v) - a)
        total = b @ s @ b.T
        if self.categorical:
            total[self.ordered_idx, self.ordered_idx] = 1 / scale[self.ordered_idx] ** 2
        return total

    def jacobian(self, theta: np.ndarray, g: int):
        """∂Σ (q, p, p), ∂μ (q, p) and ∂τ (q, n_τ) with respect to the free parameters; for
        ordinal items of the correlations and standardized thresholds of :meth:`implied`."""
        a, s, m, tau, scale = self.matrices(theta, g)
        b = np.linalg.inv(np.eye(self.v) - a)
        u = b[: self.p]
        c = b @ s @ u.T  # (v, p)
        bm = b @ m
        q = self.n_free
        d_sigma, d_mu, d_scale = np.zeros((q, self.p, self.p)), np.zeros((q, self.p)), np.zeros((q, self.p))
        n_tau = sum(1 for r in self.by_group[g] if r.op == "|")
        d_tau = np.zeros((q, n_tau))
        k_tau = 0
        for row in self.by_group[g]:
            t = row.extra["index"]
            if row.op == "|":
                if t >= 0:
                    d_tau[t, k_tau] += 1.0
                k_tau += 1
                continue
            if t < 0:
                continue
            if row.op in ("=~", "~"):
                i, j = (self.pos[row.rhs], self.pos[row.lhs]) if row.op == "=~" else (self.pos[row.lhs], self.pos[row.rhs])
                term = np.outer(u[:, i], c[j])
                d_sigma[t] += term + term.T
                d_mu[t] += u[:, i] * bm[j]
            elif row.op == "~~":
                i, j = self.pos[row.lhs], self.pos[row.rhs]
                term = np.outer(u[:, i], u[:, j])
                d_sigma[t] += term + term.T if i != j else term
            elif row.op == "~1":
                d_mu[t] += u[:, self.pos[row.lhs]]
            elif row.op == "~*~":
                d_scale[t, self.pos[row.lhs]] += 1.0
        if not self.categorical:
            return d_sigma, d_mu, d_tau
        sigma = u @ s @ u.T
        owner = self._tau_owner(g)
        d_corr = scale[None, :, None] * d_sigma * scale[None, None, :] + (
            d_scale[:, :, None] * scale[None, None, :] + scale[None, :, None] * d_scale[:, None, :]) * sigma[None]
        centred = self._tau(tau) - (u @ m)[owner]
        d_std_tau = scale[owner][None] * (d_tau - d_mu[:, owner]) + d_scale[:, owner] * centred[None]
        return d_corr, d_mu, d_std_tau


# -- discrepancy functions: value, gradient and (expected) information, per unit of N ----------------
def ml_terms(model: Model, theta: np.ndarray, casewise: bool = False, need_info: bool = True):
    """ML discrepancy ``F = -logL/N``, its gradient and expected information (per unit of N);
    with ``casewise`` also each case's score (the gradient of its own ``-log L_i``), per group.
    Without a mean structure the means are the sample means (lavaan's ``meanstructure = FALSE``)."""
    value, grad, info = 0.0, np.zeros(model.n_free), np.zeros((model.n_free, model.n_free))
    scores = []
    for g, group in enumerate(model.groups):
        sigma, mu, _ = model.implied(theta, g)
        d_sigma, d_mu, _ = model.jacobian(theta, g)
        loglik = pattern_loglik(group.patterns, sigma, mu if model.meanstructure else None) if model.meanstructure \
            else pattern_loglik(group.patterns, sigma, group.mean)
        if not np.isfinite(loglik):
            return np.inf, None, None, None
        value += -loglik / model.n_total
        for idx, k, mean, cov in group.patterns:
            sub = np.ix_(idx, idx)
            inv = np.linalg.inv(sigma[sub])
            d = mean - mu[idx] if model.meanstructure else np.zeros(len(idx))
            gs = 0.5 * k / model.n_total * (inv - inv @ (cov + np.outer(d, d)) @ inv)
            gm = -k / model.n_total * (inv @ d)
            ds = d_sigma[:, idx][:, :, idx]
            flat = ds.reshape(len(ds), -1)
            grad += flat @ gs.ravel()
            if need_info:
                kmat = np.matmul(inv, ds)  # Σ⁻¹ ∂Σ per parameter; tr(K_a K_b) = vec(K_a)·vec(K_bᵀ)
                info += 0.5 * k / model.n_total * (kmat.reshape(len(ds), -1) @ kmat.transpose(0, 2, 1).reshape(len(ds), -1).T)
            if model.meanstructure:
                dm = d_mu[:, idx]
                grad += dm @ gm
                if need_info:
                    info += k / model.n_total * dm @ inv @ dm.T
        if casewise:  # the gradient of each case's -log-likelihood, pattern by pattern
            case_scores = []
            for (idx, _k, _mean, _cov), rows in zip(group.patterns, group.raw_patterns, strict=True):
                inv = np.linalg.inv(sigma[np.ix_(idx, idx)])
                z = (rows - (mu[idx] if model.meanstructure else group.mean[idx])) @ inv
                gs_case = 0.5 * (inv[None] - z[:, :, None] * z[:, None, :])
                sub = d_sigma[:, idx][:, :, idx]
                sc = gs_case.reshape(len(rows), -1) @ sub.reshape(len(sub), -1).T
                if model.meanstructure:
                    sc -= z @ d_mu[:, idx].T
                case_scores.append(sc)
            scores.append(np.vstack(case_scores))
    return value, grad, info, scores


def wls_terms(model: Model, theta: np.ndarray):
    """DWLS discrepancy ``½ Σ_g (N_g/N) e'We``, its gradient and ``Σ_g (N_g/N) Δ'WΔ``."""
    value, grad, info = 0.0, np.zeros(model.n_free), np.zeros((model.n_free, model.n_free))
    for g, group in enumerate(model.groups):
        e, delta = wls_residual(model, theta, g)
        w = group.weight * group.w_diag
        value += 0.5 * np.sum(w * e * e)
        grad -= delta.T @ (w * e)
        info += delta.T @ (w[:, None] * delta)
    return value, grad, info, None


def wls_statistic(model: Model, theta: np.ndarray) -> float:
    """lavaan's (D)WLS test statistic: ``Σ_g (N_g - 1) e'We``."""
    total = 0.0
    for g, group in enumerate(model.groups):
        e, _delta = wls_residual(model, theta, g)
        total += (group.n - 1) * np.sum(group.w_diag * e * e)
    return float(total)


def wls_residual(model: Model, theta: np.ndarray, g: int):
    """Sample minus implied statistics (thresholds, then correlations) of group ``g``, and Δ."""
    group = model.groups[g]
    sigma, _mu, tau = model.implied(theta, g)
    d_sigma, _d_mu, d_tau = model.jacobian(theta, g)
    rows, cols = lower_pairs(model.p)
    implied = np.concatenate([tau, sigma[rows, cols]])
    delta = np.concatenate([d_tau.T, d_sigma[:, rows, cols].T])
    return group.ordinal.vector - implied, delta


def fisher_scoring(model: Model, theta: np.ndarray, terms, max_iter: int = 500, tol: float = 1e-9):
    """Minimise ``terms``' discrepancy by Fisher scoring with step halving; returns the
    estimates, the minimum and whether the gradient vanished."""
    value, grad, info, _ = terms(model, theta)
    if not np.isfinite(value):
        raise np.linalg.LinAlgError("the start values give no positive-definite implied matrix")
    for _ in range(max_iter):
        try:
            step = np.linalg.solve(info + 1e-10 * np.eye(len(theta)), -grad)
        except np.linalg.LinAlgError:
            step = -np.linalg.pinv(info) @ grad
        alpha = 1.0
        for _halving in range(40):
            trial = theta + alpha * step
            t_value, t_grad, t_info, _ = terms(model, trial)
            if np.isfinite(t_value) and t_value <= value + 1e-12 * abs(value):
                break
            alpha /= 2
        else:
            break  # no step lowers the discrepancy
        improvement = value - t_value
        theta, value, grad, info = trial, t_value, t_grad, t_info
        if np.max(np.abs(grad)) < tol or (improvement < 1e-15 and np.max(np.abs(alpha * step)) < 1e-10):
            break
    return theta, value, bool(np.max(np.abs(grad)) < 1e-5)


# -- start values and the search ------------------------------------------------------------------
def start_values(model: Model) -> np.ndarray:
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
        elif row.op == "|" and row.lhs in model.roles["ordered"]:  # (one of a continuous item: inert_parameters)
            g = row.group - 1
            item = model.roles["ordered"].index(row.lhs)
            theta[t] = model.groups[g].ordinal.thresholds[item][int(row.rhs[1:]) - 1]
    return _start_means(model, theta)


def _start_means(model: Model, theta: np.ndarray) -> np.ndarray:
    """Intercepts and latent means that reproduce the sample means as closely as the other start
    values allow: μ is linear in them, so one least-squares step (minimum norm) finds them. A free
    latent mean whose indicators' intercepts are fixed (a growth model, ``x1 ~ 0*1``) would
    otherwise start at 0, far from the data."""
    if not model.meanstructure or model.categorical:
        return theta
    means = sorted({r.extra["index"] for r in model.free_rows if r.op == "~1"})
    if not means:
        return theta
    jacobians, residuals = [], []
    for g, group in enumerate(model.groups):
        _sigma, mu, _tau = model.implied(theta, g)
        jacobians.append(model.jacobian(theta, g)[1][means].T)
        residuals.append(group.mean - mu)
    step = np.linalg.lstsq(np.vstack(jacobians), np.concatenate(residuals), rcond=None)[0]
    theta = theta.copy()
    theta[means] += step
    return theta


def inert_parameters(model: Model) -> list[str]:
    """The free parameters that do not enter the fitted moments (as ``lhs op rhs``, ``.gN`` after
    the first group): each one's derivative of the implied covariances (correlations and
    thresholds for ordinal items; means when a mean structure is fitted) is zero in every group.
    The derivatives are taken at the start values and, for those that vanish there, again at a
    perturbed point, so a start value of 0 does not hide a parameter that does enter.

    Such a parameter cannot be estimated (it would stay at its start value): e.g. a threshold of a
    continuous item, or an intercept in a model fitted without its means."""
    start = start_values(model)
    probe = start + 0.05 * (1 + np.arange(model.n_free) % 7)
    moving = np.zeros(model.n_free, dtype=bool)
    for theta in (start, probe):
        for g in range(len(model.groups)):
            d_sigma, d_mu, d_tau = model.jacobian(theta, g)
            moving |= np.abs(d_sigma.reshape(model.n_free, -1)).max(axis=1, initial=0) > 0
            if model.categorical:
                moving |= np.abs(d_tau).max(axis=1, initial=0) > 0
            elif model.meanstructure:
                moving |= np.abs(d_mu).max(axis=1, initial=0) > 0
        if moving.all():
            break
    names = {}
    for row in model.free_rows:
        t = row.extra["index"]
        if not moving[t] and t not in names:
            names[t] = f"{row.lhs}{row.op}{row.rhs}" + (f".g{row.group}" if row.group > 1 else "")
    return list(names.values())


def estimate(model: Model, terms, start: np.ndarray | None = None) -> tuple[np.ndarray, float, bool]:
    """Minimise ``terms``' discrepancy from ``start`` (default :func:`start_values`): Fisher
    scoring, and when it fails a quasi-Newton search (L-BFGS) polished by Fisher scoring.
    Returns the estimates, the minimum and whether the gradient vanished."""
    theta = start_values(model) if start is None else np.array(start, dtype=float)
    try:
        theta, value, converged = fisher_scoring(model, theta, terms)
    except np.linalg.LinAlgError:
        converged, value = False, np.inf
    if not converged:  # fall back on a quasi-Newton search from the same start

        def fun(x):
            try:
                v, g, _i, _s = terms(model, x)
            except np.linalg.LinAlgError:
                v, g = np.inf, None
            return (v, g) if np.isfinite(v) else (1e10, np.zeros_like(x))

        start = theta if np.isfinite(value) else start_values(model)
        res = optimize.minimize(fun, start, jac=True, method="L-BFGS-B",
                                options={"maxiter": 20000, "ftol": 1e-15, "gtol": 1e-10})
        theta, value = res.x, float(res.fun)
        try:
            theta, value, converged = fisher_scoring(model, theta, terms)
        except np.linalg.LinAlgError:
            converged = False
    return theta, value, converged


def numerical_hessian(model: Model, theta: np.ndarray) -> np.ndarray:
    """Observed information of ML: central differences of the analytic gradient (as lavaan's)."""

    def gradient(x):
        return ml_terms(model, x, need_info=False)[1]

    q = len(theta)
    hess = np.zeros((q, q))
    for k in range(q):
        h = 1e-5 * max(1.0, abs(theta[k]))
        up, down = theta.copy(), theta.copy()
        up[k] += h
        down[k] -= h
        hess[:, k] = (gradient(up) - gradient(down)) / (2 * h)
    return (hess + hess.T) / 2
