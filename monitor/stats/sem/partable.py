"""The parameter table completed with what the data decide, as lavaan's ``lav_partable_*``.

:func:`monitor.stats.sem.syntax.parameter_table` reads the model text; this module adds what
needs the groups' data or the fitting options: thresholds and scale factors of ordered items
(:func:`add_thresholds`), equality constraints across groups (:func:`group_equalities`), the
identification of ordinal items across groups (:func:`ordinal_identification`), the sample
values of fixed exogenous covariates (:func:`fix_x`) and the baseline model
(:func:`baseline_rows`).
"""

from __future__ import annotations

from .syntax import Parameter

__all__ = ["GROUP_EQUAL", "add_thresholds", "ordinal_identification", "group_equalities", "baseline_rows", "fix_x"]

GROUP_EQUAL = ("loadings", "intercepts", "thresholds", "residuals", "means", "lv.variances",
               "lv.covariances", "regressions", "residual.covariances")
_EQUAL_KIND = {"=~": "loadings", "~": "regressions", "|": "thresholds"}


def add_thresholds(rows, roles, groups):
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


def ordinal_identification(rows, roles, group_equal) -> None:
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


def group_equalities(rows, group_equal, n_groups):
    """lavaan's ``group.equal``: free parameters of the kinds in ``group_equal`` get one label
    across groups (so they are one parameter); with equal intercepts the latent means are free
    after the first group."""
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


def baseline_rows(roles, groups, categorical, meanstructure):
    """The independence (baseline) model of lavaan's CFI/TLI: free variances (and means; for
    ordinal items thresholds), no covariances, the exogenous covariates' moments fixed."""
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
        if meanstructure and not categorical:  # and their means (else they would be fitted as 0)
            rows.extend(Parameter(x, "~1", "", group=g, free=False, extra={"fixed_x": True}) for x in exo)
    return rows


def fix_x(rows, roles, groups):
    """lavaan's fixed.x: exogenous observed (co)variances and means take their sample values."""
    ov = roles["observed"]
    for row in rows:
        if row.extra.get("fixed_x"):
            group = groups[row.group - 1]
            i = ov.index(row.lhs)
            row.value = float(group.mean[i]) if row.op == "~1" else float(group.cov[i, ov.index(row.rhs)])
