"""Confirmatory factor analysis: fit indices, modification hints and measurement invariance.

Single-group CFA estimates (loadings, standard errors, standardized solution) come from
semopy, whose maximum-likelihood fit matches lavaan's. What semopy lacks is computed here
with a small maximum-likelihood engine for simple-structure CFA in one or more groups
(Σ = ΛΦΛ' + Θ, μ = ν + Λα; marker-variable identification, as lavaan's default):

- the RMSEA confidence interval and SRMR (lavaan's ``srmr_bentler``),
- modification indices for fixed cross-loadings and residual covariances (score tests),
- measurement invariance across groups (configural, metric, scalar), as lavaan's
  ``group.equal = c("loadings", "intercepts")``.

The engine is checked against lavaan's published Holzinger-Swineford results and semopy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from .instrument import Instrument, load_instrument

__all__ = ["invariance_holds", "cfa_model", "model_description", "fit_cfa", "CFAResult", "fit_indices", "rmsea_interval",
           "modification_indices", "measurement_invariance", "FIT_CUTOFFS"]

#: Conventional cut-offs (Hu & Bentler 1999), shown with a verdict per index.
FIT_CUTOFFS = {"cfi": (">=", 0.95), "tli": (">=", 0.95), "rmsea": ("<=", 0.06), "srmr": ("<=", 0.08)}


def cfa_model(instrument: Instrument | None = None, module: str = "vertrouwen",
              roles: tuple[str, ...] = ("theme",)) -> dict[str, list[str]]:
    """The instrument's theoretical model: factor -> its items, for the scales of ``roles``."""
    instrument = instrument or load_instrument()
    return {s.id: s.item_ids for s in instrument.module(module).scales if s.role in roles}


def model_description(model: dict[str, list[str]]) -> str:
    """The model in lavaan/semopy syntax (``factor =~ item1 + item2 ...``)."""
    return "\n".join(f"{factor} =~ {' + '.join(items)}" for factor, items in model.items())


# -- the ML engine -------------------------------------------------------------------------
class _Engine:
    """ML estimation of a simple-structure CFA in G groups with optional equality constraints."""

    def __init__(self, model: dict[str, list[str]], groups: list[tuple[np.ndarray, np.ndarray, int]],
                 equal: tuple[str, ...] = (), meanstructure: bool = False,
                 extra: list[tuple] = ()):
        self.factors = list(model)
        self.items = [i for items in model.values() for i in items]
        self.p, self.m = len(self.items), len(self.factors)
        self.groups = groups  # (S, mean, n) per group; S divided by n
        self.meanstructure = meanstructure
        self.index: list[dict] = []  # per group: (kind, i, j) -> parameter number
        self.start: list[float] = []
        shared: dict = {}

        def param(g, key, start, equal_kind):
            if equal_kind in equal and key in shared:
                self.index[g][key] = shared[key]
                return
            self.index[g][key] = len(self.start)
            self.start.append(start)
            if equal_kind in equal:
                shared[key] = self.index[g][key]

        for g, (s, mean, _n) in enumerate(groups):
            self.index.append({})
            var = np.diag(s)
            for k, factor in enumerate(self.factors):
                for pos, item in enumerate(model[factor]):
                    i = self.items.index(item)
                    if pos > 0:
                        param(g, ("L", i, k), 1.0, "loadings")
            for key in extra:
                param(g, key, 0.0, "extra")
            for k, factor in enumerate(self.factors):
                marker = self.items.index(model[factor][0])
                for k2 in range(k + 1):
                    start = 0.05 if k2 != k else max(var[marker] * 0.5, 0.05)
                    param(g, ("F", k, k2), start, "lv")
            for i in range(self.p):
                param(g, ("T", i, i), var[i] * 0.5, "residuals")
            if meanstructure:
                for i in range(self.p):
                    param(g, ("N", i), float(mean[i]), "intercepts")
                if "intercepts" in equal and g > 0:
                    for k in range(self.m):
                        param(g, ("A", k), 0.0, "means")
        self.markers = {(self.items.index(model[f][0]), k) for k, f in enumerate(self.factors)}
        self.start = np.array(self.start)

    def matrices(self, theta: np.ndarray, g: int):
        lam, phi, th = np.zeros((self.p, self.m)), np.zeros((self.m, self.m)), np.zeros((self.p, self.p))
        nu, alpha = np.zeros(self.p), np.zeros(self.m)
        for i, k in self.markers:
            lam[i, k] = 1.0
        for key, idx in self.index[g].items():
            kind, value = key[0], theta[idx]
            if kind == "L":
                lam[key[1], key[2]] = value
            elif kind == "F":
                phi[key[1], key[2]] = phi[key[2], key[1]] = value
            elif kind == "T":
                th[key[1], key[2]] = th[key[2], key[1]] = value
            elif kind == "N":
                nu[key[1]] = value
            elif kind == "A":
                alpha[key[1]] = value
        return lam, phi, th, nu, alpha

    def implied(self, theta: np.ndarray, g: int):
        lam, phi, th, nu, alpha = self.matrices(theta, g)
        return lam @ phi @ lam.T + th, nu + lam @ alpha

    def statistic(self, theta: np.ndarray) -> float:
        """T = Σ_g n_g · F_ML,g (lavaan's test statistic for ML)."""
        total = 0.0
        for g, (s, mean, n) in enumerate(self.groups):
            sigma, mu = self.implied(theta, g)
            sign, logdet = np.linalg.slogdet(sigma)
            if sign <= 0:
                return 1e10
            inv = np.linalg.inv(sigma)
            f = logdet + np.trace(s @ inv) - np.linalg.slogdet(s)[1] - self.p
            if self.meanstructure:
                d = mean - mu
                f += d @ inv @ d
            total += n * f
        return float(total)

    def gradient(self, theta: np.ndarray) -> np.ndarray:
        grad = np.zeros_like(theta)
        for g, (s, mean, n) in enumerate(self.groups):
            lam, phi, th, nu, alpha = self.matrices(theta, g)
            sigma = lam @ phi @ lam.T + th
            inv = np.linalg.inv(sigma)
            d = mean - (nu + lam @ alpha) if self.meanstructure else np.zeros(self.p)
            gs = inv - inv @ (s + np.outer(d, d)) @ inv  # dF/dΣ
            gm = -2 * inv @ d  # dF/dμ
            d_lam = 2 * gs @ lam @ phi + np.outer(gm, alpha)
            d_phi = lam.T @ gs @ lam
            for key, idx in self.index[g].items():
                kind = key[0]
                if kind == "L":
                    grad[idx] += n * d_lam[key[1], key[2]]
                elif kind == "F":
                    i, j = key[1], key[2]
                    grad[idx] += n * (d_phi[i, j] if i == j else 2 * d_phi[i, j])
                elif kind == "T":
                    i, j = key[1], key[2]
                    grad[idx] += n * (gs[i, i] if i == j else 2 * gs[i, j])
                elif kind == "N":
                    grad[idx] += n * gm[key[1]]
                elif kind == "A":
                    grad[idx] += n * (lam.T @ gm)[key[1]]
        return grad

    def fit(self) -> tuple[np.ndarray, float, bool]:
        res = optimize.minimize(self.statistic, self.start, jac=self.gradient, method="L-BFGS-B",
                                options={"maxiter": 20000, "ftol": 1e-14, "gtol": 1e-9, "maxcor": 30})
        return res.x, float(res.fun), bool(res.success)

    @property
    def df(self) -> int:
        moments = self.p * (self.p + 1) // 2 + (self.p if self.meanstructure else 0)
        return moments * len(self.groups) - len(self.start)


def _moments(frame: pd.DataFrame, items: list[str]) -> tuple[np.ndarray, np.ndarray, int]:
    data = frame[items].astype("float64").dropna().to_numpy()
    n = len(data)
    mean = data.mean(axis=0)
    centred = data - mean
    return centred.T @ centred / n, mean, n


def _baseline(groups, p: int) -> float:
    """Test statistic of the independence model (variances only; means saturated)."""
    return float(sum(n * (np.sum(np.log(np.diag(s))) - np.linalg.slogdet(s)[1]) for s, _m, n in groups))


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


def fit_indices(chi2: float, df: int, baseline_chi2: float, baseline_df: int, n: int, groups: int = 1) -> dict:
    """Chi-square test, CFI, TLI and RMSEA with its 90% CI (formulas as lavaan's)."""
    cfi_den = max(baseline_chi2 - baseline_df, chi2 - df, 0)
    rmsea = float(np.sqrt(groups * max(chi2 - df, 0) / (n * df))) if df > 0 else 0.0
    low, high = rmsea_interval(chi2, df, n, groups=groups) if df > 0 else (0.0, 0.0)
    return {"chi2": chi2, "df": df, "p_value": float(stats.chi2.sf(chi2, df)) if df > 0 else np.nan,
            "cfi": 1 - max(chi2 - df, 0) / cfi_den if cfi_den > 0 else 1.0,
            "tli": ((baseline_chi2 / baseline_df - chi2 / df) / (baseline_chi2 / baseline_df - 1)) if df > 0 else 1.0,
            "rmsea": rmsea, "rmsea_low": low, "rmsea_high": high}


def _srmr(engine: _Engine, theta: np.ndarray) -> float:
    """lavaan's ``srmr`` (Bentler): residuals scaled by observed SDs, over the lower triangle
    with diagonal (and over means when modelled), averaged over groups by size."""
    total, ntot = 0.0, 0
    for g, (s, mean, n) in enumerate(engine.groups):
        sigma, mu = engine.implied(theta, g)
        sd = np.sqrt(np.diag(s))
        resid = (s - sigma) / np.outer(sd, sd)
        values = list(resid[np.tril_indices(engine.p)])
        if engine.meanstructure:
            values += list((mean - mu) / sd)
        total += n * np.sqrt(np.mean(np.square(values)))
        ntot += n
    return float(total / ntot)


def modification_indices(engine: _Engine, theta: np.ndarray, top: int = 10) -> pd.DataFrame:
    """Score-test modification indices for fixed cross-loadings and residual covariances.

    ``MI = (∂T/∂ψ)² / (4 · (I_ψψ - I_ψθ I_θθ⁻¹ I_θψ))`` with I the expected information of
    T = n·F_ML, ``I = n/2 · Δ'(Σ⁻¹ ⊗ Σ⁻¹)Δ`` (Δ the derivatives of Σ), as lavaan's
    ``modindices``; single group. The expected parameter change is ``EPC = -g / (2·I_c)``.
    """
    (s, _mean, n), = engine.groups
    sigma, _ = engine.implied(theta, 0)
    inv = np.linalg.inv(sigma)
    p = engine.p
    free_keys = sorted(engine.index[0], key=engine.index[0].get)
    candidates = [("L", i, k) for i in range(p) for k in range(engine.m)
                  if ("L", i, k) not in engine.index[0] and (i, k) not in engine.markers]
    candidates += [("T", i, j) for i in range(p) for j in range(i)]

    def d_sigma(key):
        lam, phi, _th, _nu, _a = engine.matrices(theta, 0)
        d = np.zeros((p, p))
        if key[0] == "L":
            i, k = key[1], key[2]
            row = phi[k] @ lam.T
            d[i, :] += row
            d[:, i] += row
        elif key[0] == "F":
            i, j = key[1], key[2]
            d += np.outer(lam[:, i], lam[:, j])
            if i != j:
                d += np.outer(lam[:, j], lam[:, i])
        elif key[0] == "T":
            i, j = key[1], key[2]
            d[i, j] = d[j, i] = 1.0
        return d

    def info(a, b):
        return n / 2 * np.trace(inv @ a @ inv @ b)

    gs = inv - inv @ s @ inv
    free = [d_sigma(k) for k in free_keys]
    i_ff = np.array([[info(a, b) for b in free] for a in free])
    i_ff_inv = np.linalg.pinv(i_ff)
    rows = []
    for key in candidates:
        d = d_sigma(key)
        grad = n * np.sum(gs * d)
        i_cf = np.array([info(d, b) for b in free])
        i_c = info(d, d) - i_cf @ i_ff_inv @ i_cf
        if i_c <= 1e-12:
            continue
        mi = grad ** 2 / (4 * i_c)
        if key[0] == "L":
            label = f"{engine.factors[key[2]]} =~ {engine.items[key[1]]}"
        else:
            label = f"{engine.items[key[1]]} ~~ {engine.items[key[2]]}"
        rows.append({"parameter": label, "kind": "cross-loading" if key[0] == "L" else "residual covariance",
                     "mi": mi, "epc": -grad / (2 * i_c)})
    table = pd.DataFrame(rows).sort_values("mi", ascending=False).reset_index(drop=True)
    return table.head(top) if top else table


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

    Estimates and the standardized solution come from semopy; chi-square, CFI, TLI and RMSEA
    with its 90% CI, SRMR and modification indices from this module's engine (the chi-square
    of both agrees with lavaan's). Rows with a missing item are dropped (listwise).

    Returns
    -------
    CFAResult
        ``fit`` (chi2, df, p_value, cfi, tli, rmsea, rmsea_low, rmsea_high, srmr, n),
        ``verdicts`` against :data:`FIT_CUTOFFS`, standardized ``loadings`` (items × factors),
        ``factor_correlation``, ``modification_indices`` (largest first) and semopy's
        ``estimates`` table.

    Examples
    --------
    For lavaan's Holzinger-Swineford example the result is chi2 85.306, df 24, CFI .931,
    TLI .896, RMSEA .092 (.071-.114), SRMR .065, as lavaan reports.
    """
    import semopy

    items = [i for its in model.values() for i in its]
    data = frame[items].astype("float64").dropna()
    groups = [_moments(data, items)]
    engine = _Engine(model, groups)
    theta, chi2, _ok = engine.fit()
    n = groups[0][2]
    fit = fit_indices(chi2, engine.df, _baseline(groups, engine.p), engine.p * (engine.p - 1) // 2, n)
    fit.update(srmr=_srmr(engine, theta), n=n)

    sem = semopy.Model(model_description(model))
    sem.fit(data)
    estimates = sem.inspect(std_est=True)
    loads = estimates[(estimates["op"] == "~") & estimates["rval"].isin(model)]
    loadings = loads.pivot(index="lval", columns="rval", values="Est. Std").reindex(index=items, columns=list(model))
    covs = estimates[(estimates["op"] == "~~") & estimates["lval"].isin(model) & estimates["rval"].isin(model)]
    corr = pd.DataFrame(np.eye(len(model)), index=list(model), columns=list(model))
    for _, row in covs.iterrows():
        corr.loc[row["lval"], row["rval"]] = corr.loc[row["rval"], row["lval"]] = row["Est. Std"]
    return CFAResult(fit=fit, verdicts=_verdicts(fit), loadings=loadings, factor_correlation=corr,
                     modification_indices=modification_indices(engine, theta, top=top_hints), estimates=estimates)


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
    >>> from monitor.config import PROJECT_ROOT
    >>> hs = pd.read_csv(PROJECT_ROOT / "tests" / "data" / "holzinger_swineford.csv")
    >>> model = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}
    >>> table = measurement_invariance(hs, model, "school")
    >>> table["chi2"].round(3).tolist(), table["df"].tolist()  # lavaan tutorial values
    ([115.851, 124.044, 164.103], [48, 54, 60])
    """
    items = [i for its in model.values() for i in its]
    data = frame[items + [group]].dropna()
    levels = groups or sorted(data[group].dropna().unique(), key=str)
    parts = [_moments(data[data[group] == level], items) for level in levels]
    kept = [(lvl, part) for lvl, part in zip(levels, parts, strict=True) if part[2] >= 2 * len(items)]
    if len(kept) < 2:
        raise ValueError(f"measurement invariance needs two groups of '{group}' with enough respondents")
    levels, parts = [k[0] for k in kept], [k[1] for k in kept]
    n = sum(part[2] for part in parts)
    p = len(items)
    baseline = _baseline(parts, p)
    baseline_df = len(parts) * p * (p - 1) // 2
    rows, previous = [], None
    for name, equal in [("configural", ()), ("metric", ("loadings",)), ("scalar", ("loadings", "intercepts"))]:
        engine = _Engine(model, parts, equal=equal, meanstructure=True)
        theta, chi2, _ok = engine.fit()
        row = {"model": name, **fit_indices(chi2, engine.df, baseline, baseline_df, n, groups=len(parts)),
               "srmr": _srmr(engine, theta)}
        if previous is not None:
            row.update(delta_chi2=row["chi2"] - previous["chi2"], delta_df=row["df"] - previous["df"],
                       delta_cfi=row["cfi"] - previous["cfi"], delta_rmsea=row["rmsea"] - previous["rmsea"])
            row["delta_p"] = float(stats.chi2.sf(row["delta_chi2"], row["delta_df"]))
        rows.append(row)
        previous = row
    table = pd.DataFrame(rows).set_index("model")
    table.attrs.update(groups=[str(level) for level in levels], n=[part[2] for part in parts])
    return table
