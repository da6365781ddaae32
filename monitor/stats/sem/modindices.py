"""Modification indices: score tests for parameters the model fixes, as lavaan's ``modindices``.

References
----------
Sörbom, D. (1989). Model modification. Psychometrika 54, 371-384.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .ram import Model, ml_terms
from .syntax import Parameter

__all__ = ["modification_indices"]


def modification_indices(result, kinds: tuple[str, ...] = ("=~", "~~")) -> pd.DataFrame:
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
