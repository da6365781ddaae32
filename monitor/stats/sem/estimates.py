"""The estimates of a fitted model as lavaan's ``parameterEstimates``, with defined parameters.

:func:`estimates_table` gives one row per parameter with its standard error, z, p and the
completely standardized value (``std.all``), and one per defined parameter (``:=``) with its
delta-method standard error; :func:`check_solution` warns of Heywood cases.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ..warnings import CFAWarning
from .ram import Model
from .syntax import Definition

__all__ = ["estimates_table", "parameter_values", "defined_values", "defined_covariance", "check_solution"]


def _warn(message: str) -> None:
    warnings.warn(message, CFAWarning, stacklevel=3)


def estimates_table(model: Model, theta: np.ndarray, vcov: np.ndarray, multigroup: bool,
                    definitions: Sequence[Definition] = ()) -> pd.DataFrame:
    """lavaan's ``parameterEstimates(fit, standardized = TRUE)``: one row per parameter (``lhs``,
    ``op``, ``rhs``, [``group``], ``label``, ``est``, ``se``, ``z``, ``pvalue``, ``std.all``), then
    one per defined parameter (``op`` ``:=``, ``rhs`` its expression, ``group`` 0), its standard
    error by the delta method (:func:`defined_covariance`) and its ``std.all`` the expression of
    the standardized values, as lavaan's ``lav_standardize_all``."""
    se_free = np.sqrt(np.clip(np.diag(vcov), 0, None))
    records = []
    totals = [model.total_cov(theta, g) for g in range(len(model.groups))]
    for row in model.rows:
        g = row.group - 1
        t = row.extra["index"]
        est = _estimate_of(model, theta, row)
        sd = np.sqrt(np.clip(np.diag(totals[g]), 0, None))
        pos = model.pos
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
    table = pd.DataFrame(records)
    if definitions:
        table = pd.concat([table, _defined_rows(model, theta, vcov, table, definitions, multigroup)], ignore_index=True)
    return table


def _estimate_of(model: Model, theta: np.ndarray, row) -> float:
    """A row's estimate: free from ``theta``, fixed its value; the residual variance of an
    ordinal item in the delta parameterization is ``1/Δ² -`` the explained variance."""
    t = row.extra["index"]
    if row.op == "~~" and row.lhs == row.rhs and row.lhs in model.roles["ordered"]:
        i = model.pos[row.lhs]
        a, s, _m, _tau, scale = model.matrices(theta, row.group - 1)
        b = np.linalg.inv(np.eye(model.v) - a)
        return 1 / scale[i] ** 2 - float(b[i] @ s @ b[i])
    return float(theta[t]) if t >= 0 else (row.value if row.value is not None else 0.0)


def parameter_values(model: Model, theta: np.ndarray, definitions: Sequence[Definition] = ()) -> np.ndarray:
    """The ``est`` column of :func:`estimates_table` alone (rows, then definitions), without
    standard errors or standardized values: what a bootstrap resample needs."""
    rows = [_estimate_of(model, theta, row) for row in model.rows]
    return np.concatenate([np.array(rows, dtype=float), defined_values(model, theta, definitions)])


def _label_values(model: Model, theta: np.ndarray) -> dict[str, float]:
    """The value of every user label (free: from ``theta``; fixed: its value)."""
    values: dict[str, float] = {}
    for row in model.rows:
        if row.label and not row.label.startswith(".") and row.label not in values:
            t = row.extra["index"]
            values[row.label] = float(theta[t]) if t >= 0 else (row.value if row.value is not None else 0.0)
    return values


def _evaluate(definitions: Sequence[Definition], values: dict[str, float]) -> np.ndarray:
    """Each definition at ``values``, later ones seeing the earlier ones; NaN where undefined."""
    values = dict(values)
    out = []
    for definition in definitions:
        try:
            value = definition.value(values)
        except (ZeroDivisionError, ValueError, OverflowError):  # e.g. a/0, log(-1), sqrt(-1)
            value = np.nan
        values[definition.name] = value
        out.append(value)
    return np.array(out, dtype=float)


def defined_values(model: Model, theta: np.ndarray, definitions: Sequence[Definition]) -> np.ndarray:
    """The defined parameters (lavaan's ``:=``) at the estimates ``theta``."""
    return _evaluate(definitions, _label_values(model, theta))


def defined_covariance(model: Model, theta: np.ndarray, vcov: np.ndarray,
                       definitions: Sequence[Definition]) -> np.ndarray:
    """Covariance of the defined parameters by the delta method, ``J V Jᵀ``, with ``J`` their
    Jacobian in ``theta`` by central differences (lavaan's ``lav_model_vcov_se`` does the same
    with its numerical Jacobian)."""
    jacobian = np.zeros((len(definitions), len(theta)))
    for k in range(len(theta)):
        h = 1e-6 * max(1.0, abs(theta[k]))
        up, down = theta.copy(), theta.copy()
        up[k] += h
        down[k] -= h
        jacobian[:, k] = (defined_values(model, up, definitions) - defined_values(model, down, definitions)) / (2 * h)
    return jacobian @ vcov @ jacobian.T


def _defined_rows(model, theta, vcov, table, definitions, multigroup) -> pd.DataFrame:
    est = defined_values(model, theta, definitions)
    se = np.sqrt(np.clip(np.diag(defined_covariance(model, theta, vcov, definitions)), 0, None))
    labelled = table[table["label"] != ""].drop_duplicates("label")
    std = _evaluate(definitions, dict(zip(labelled["label"], labelled["std.all"], strict=True)))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, est / se, np.nan)
    rows = pd.DataFrame({"lhs": [d.name for d in definitions], "op": ":=", "rhs": [d.expression for d in definitions],
                         "label": [d.name for d in definitions], "est": est, "se": se, "z": z,
                         "pvalue": 2 * stats.norm.sf(np.abs(z)), "std.all": std})
    if multigroup:
        rows.insert(3, "group", 0)
    return rows


def check_solution(model: Model, theta: np.ndarray, estimates: pd.DataFrame) -> None:
    """Warn of an inadmissible solution: negative variances, standardized loadings beyond 1, a
    latent covariance matrix that is not positive definite (Heywood cases)."""
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
