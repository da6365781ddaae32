"""CFA and SEM from lavaan model syntax: ML, MLR, FIML, DWLS and WLSMV, matching lavaan 0.6.

``cfa(data, model, estimator=...)`` reads lavaan syntax (:mod:`monitor.stats.sem.syntax`),
estimates the model in the RAM form ``Σ = F (I - A)⁻¹ S (I - A)⁻ᵀ Fᵀ``, ``μ = F (I - A)⁻¹ m``
by Fisher scoring (:mod:`monitor.stats.sem.ram`), and returns lavaan's ``fitMeasures``
(:mod:`monitor.stats.sem.fit_measures`) and ``parameterEstimates(standardized = TRUE)``
(:mod:`monitor.stats.sem.estimates`).

- ``ML``: normal-theory likelihood, expected information (lavaan's defaults for ``cfa``/``sem``),
  exogenous observed covariates with their moments fixed at the sample values (``fixed.x``).
- ``MLR``: the same estimates, Huber-White standard errors and the Yuan-Bentler scaled test.
- ``missing="fiml"``: case-wise (full-information) likelihood, the saturated model by EM.
- ``DWLS``/``WLSMV`` for ordinal items: thresholds, polychoric correlations and their asymptotic
  covariance ``Γ`` (:mod:`monitor.stats.sem.ordinal`), the diagonal weight matrix, delta
  parameterization; WLSMV adds robust standard errors and the scaled-and-shifted test.
- Mean structures: fitted with several groups, under FIML, when the model has a ``~ 1`` line
  or with ``meanstructure=True`` (lavaan's ``meanstructure = "default"``); :func:`growth`
  for latent growth curves as lavaan's ``growth()``.
- Multiple groups with ``group_equal`` (up to strict invariance; ordinal items as Wu & Estabrook
  2016, :mod:`monitor.stats.sem.partable`), defined parameters (``:=``), score-test modification
  indices (:mod:`monitor.stats.sem.modindices`) and bootstrap resampling
  (:mod:`monitor.stats.sem.bootstrap`).

This module holds the entry point: it checks the data and options, builds the groups' sample
statistics and the parameter table, and puts the pieces together in a :class:`CFAFit`.

References
----------
Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. JSS 48(2).
Wu, H. & Estabrook, R. (2016). Identification of confirmatory factor analysis models of different
levels of invariance for ordered categorical outcomes. Psychometrika 81, 1014-1045.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..factor import MIN_CASES_PER_PARAMETER
from ..threads import one_blas_thread
from ..warnings import CFAWarning
from .estimates import check_solution, estimates_table, parameter_values
from .fit_measures import degrees_of_freedom, fit_measures
from .ordinal import ordinal_codes, ordinal_statistics
from .partable import GROUP_EQUAL, add_thresholds, fix_x, group_equalities, ordinal_identification
from .ram import (
    Group,
    Model,
    em_saturated,
    estimate,
    inert_parameters,
    ml_terms,
    pattern_loglik,
    response_patterns,
    wls_terms,
)
from .syntax import Definition, defined_parameters, parameter_table

__all__ = ["cfa", "growth", "CFAFit", "CFAWarning", "ESTIMATORS", "GROUP_EQUAL", "MAX_CATEGORIES"]

ESTIMATORS = ("ML", "MLR", "DWLS", "WLSMV")


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
    definitions: list[Definition] = field(default_factory=list, repr=False)
    options: dict = field(default_factory=dict, repr=False)  # cfa()'s arguments but the data, for refit

    def refit(self, data: pd.DataFrame) -> np.ndarray | None:
        """The ``est`` column of :attr:`estimates` for the same model and options estimated on
        ``data`` (a bootstrap resample), from this fit's estimates; ``None`` when the data give no
        admissible or converged solution. No standard errors and no fit measures are computed.
        The checks' warnings (rows dropped, a saturated model, ...) are left to the caller, and
        so is limiting BLAS to one thread (``threadpool_limits``, as :func:`cfa` does: it costs
        milliseconds to set, once per loop of refits rather than once per refit)."""
        try:
            spec = _specify(data, **self.options)
            theta, _value, converged = estimate(spec.model, wls_terms if spec.model.categorical else ml_terms,
                                                start=self.theta if spec.model.n_free == len(self.theta) else None)
        except (ValueError, np.linalg.LinAlgError):
            return None
        return parameter_values(spec.model, theta, spec.definitions) if converged else None


# -- data and options ------------------------------------------------------------------------------
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
    intercepts = any(row.op == "~1" for row in probe_rows)
    return roles, ordered, categorical, fiml, intercepts


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


@dataclass
class _Specification:
    """A model ready to estimate: the parameter table on the groups' sample statistics."""

    model: Model
    definitions: list[Definition]
    roles: dict
    groups: list[Group]
    levels: list
    df: int
    fiml: bool


# -- the public function ------------------------------------------------------------------------
def cfa(data: pd.DataFrame, model: str, estimator: str = "ML", ordered=None, group: str | None = None,
        group_equal=(), missing: str = "listwise", std_lv: bool = False, meanstructure: bool = False) -> CFAFit:
    """Fit a CFA/SEM given in lavaan syntax, as ``lavaan::cfa`` (or ``sem``) does.

    Parameters
    ----------
    data : DataFrame
        One column per observed variable (and the ``group`` column).
    model : str
        lavaan model syntax: ``=~``, ``~``, ``~~``, ``~1``, fixed values (``0.5*x``), ``NA*x``,
        labels (``a*x``: equal labels are equal parameters), second-order factors, and defined
        parameters of the labels (``ind := a*b``, delta-method standard errors).
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
    meanstructure : bool
        Fit the means too (lavaan's ``meanstructure = TRUE``): the intercepts of the observed
        variables free, the latent means fixed to 0. The means are fitted anyway, as lavaan's
        default does, when the model has a ``~ 1`` line (then for every observed variable, not
        only the one named), with several groups and under ``missing="fiml"``.

    Returns
    -------
    CFAFit
        ``fit``: a dict keyed by lavaan's ``fitMeasures`` names (``chisq``, ``df``, ``pvalue``,
        ``cfi``, ``tli``, ``rmsea``, ``rmsea.ci.lower``, ``rmsea.ci.upper``, ``srmr``, and for
        MLR/WLSMV ``chisq.scaled``, ``chisq.scaling.factor``, ``cfi.scaled``, ``tli.scaled``,
        ``rmsea.scaled``, ``cfi.robust``, ``tli.robust``, ``rmsea.robust``); ``estimates``: a
        DataFrame as ``parameterEstimates(fit, standardized = TRUE)`` (``lhs``, ``op``, ``rhs``,
        [``group``], ``label``, ``est``, ``se``, ``z``, ``pvalue``, ``std.all``), defined
        parameters last (``op`` ``:=``). :meth:`CFAFit.refit` estimates the same model on other data
        (what :func:`monitor.stats.sem.bootstrap.bootstrap` resamples).

    Raises
    ------
    ValueError
        Bad options or data, a model with more free parameters than sample statistics, or a
        free parameter that does not enter the fitted moments (named in the message).

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
    >>> fit = cfa(hs, "visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6\\nspeed =~ x7 + x8 + x9\\nx1 ~ 1")
    >>> fit.fit["npar"], fit.fit["df"], round(fit.fit["chisq"], 3)  # lavaan: 30, 24, 85.306
    (30, 24, 85.306)
    """
    return _fit(data, {"model": model, "estimator": estimator, "ordered": ordered, "group": group,
                       "group_equal": tuple(group_equal), "missing": missing, "std_lv": std_lv,
                       "meanstructure": meanstructure})


def growth(data: pd.DataFrame, model: str, estimator: str = "ML", group: str | None = None, group_equal=(),
           missing: str = "listwise") -> CFAFit:
    """Fit a latent growth curve model, as ``lavaan::growth``.

    As :func:`cfa` with lavaan's ``growth()`` defaults: the mean structure is fitted, the
    intercepts of the observed variables are fixed to 0 (``int.ov.free = FALSE``) and the latent
    means (intercepts of latent variables) are free (``int.lv.free = TRUE``). The growth factors
    are given by fixed loadings, e.g. ``i =~ 1*t1 + 1*t2 + 1*t3`` and ``s =~ 0*t1 + 1*t2 + 2*t3``.
    Parameters and the result are those of :func:`cfa` (continuous outcomes: ML or MLR).

    Examples
    --------
    >>> import pandas as pd
    >>> from monitor.core.config import PROJECT_ROOT
    >>> demo = pd.read_csv(PROJECT_ROOT / "tests" / "data" / "demo_growth.csv")  # lavaan's Demo.growth
    >>> fit = growth(demo, "i =~ 1*t1 + 1*t2 + 1*t3 + 1*t4\\ns =~ 0*t1 + 1*t2 + 2*t3 + 3*t4")
    >>> fit.fit["npar"], fit.fit["df"], round(fit.fit["chisq"], 3)  # lavaan: 9, 5, 8.069
    (9, 5, 8.069)
    >>> means = fit.estimates.query("op == '~1' and lhs in ('i', 's')")
    >>> means["est"].round(3).tolist()  # lavaan: 0.615, 1.006
    [0.615, 1.006]
    """
    return _fit(data, {"model": model, "estimator": estimator, "ordered": None, "group": group,
                       "group_equal": tuple(group_equal), "missing": missing, "std_lv": False,
                       "meanstructure": True, "int_ov_free": False, "int_lv_free": True})


def _fit(data, options: dict) -> CFAFit:
    with one_blas_thread():
        try:
            return _cfa(data, options)
        except np.linalg.LinAlgError as exc:  # a singular matrix the checks above did not foresee
            raise ValueError(f"cfa: the model could not be estimated (a matrix is singular: {exc})") from exc


def _cfa(data, options: dict) -> CFAFit:
    estimator = options["estimator"]
    spec = _specify(data, **options)
    fitted, groups, df = spec.model, spec.groups, spec.df
    if fitted.n_total < MIN_CASES_PER_PARAMETER * fitted.n_free:
        _warn(f"cfa: {fitted.n_total} cases for {fitted.n_free} free parameters "
              f"(fewer than {MIN_CASES_PER_PARAMETER} per parameter)")
    if df == 0:
        _warn("cfa: the model is saturated (df = 0): it fits perfectly by construction, the fit measures say nothing")
    theta, value, converged = estimate(fitted, wls_terms if fitted.categorical else ml_terms)
    if not converged:
        _warn("cfa: the estimation did not converge; the results are not trustworthy")

    fit, vcov = fit_measures(fitted, theta, value, df, estimator, spec.fiml, spec.roles, groups, fitted.n_total,
                             fitted.meanstructure)
    fit["npar"] = fitted.n_free
    fit["ntotal"] = fitted.n_total
    estimates = estimates_table(fitted, theta, vcov, len(groups) > 1, spec.definitions)
    check_solution(fitted, theta, estimates)
    return CFAFit(fit=fit, estimates=estimates, estimator=estimator, n=fitted.n_total, converged=converged,
                  groups=[str(level) for level in spec.levels if level is not None], model=fitted, theta=theta,
                  definitions=spec.definitions, options=options)


def _specify(data, model, estimator, ordered, group, group_equal, missing, std_lv, meanstructure=False,
             int_ov_free=True, int_lv_free=False) -> _Specification:
    """Check the data and options, build each group's sample statistics and the parameter table."""
    roles, ordered, categorical, fiml, intercepts = _prepare(data, model, estimator, ordered, group, missing)
    ov = roles["observed"]
    # lavaan's meanstructure = "default": on with groups, FIML or a `~ 1` line in the model
    meanstructure = bool(meanstructure or fiml or group is not None or intercepts)
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
                                  meanstructure=meanstructure, std_lv=std_lv, int_ov_free=int_ov_free,
                                  int_lv_free=int_lv_free)
    if categorical:
        rows = add_thresholds(rows, roles, groups)
    group_equalities(rows, tuple(group_equal), len(groups))
    if categorical and len(groups) > 1:
        ordinal_identification(rows, roles, group_equal)
    if not categorical:
        fix_x(rows, roles, groups)
    definitions = defined_parameters(model, {r.label for r in rows if r.label and not r.label.startswith(".")})
    fitted = Model(rows, roles, groups, categorical, meanstructure)
    fitted.n_total = n_total
    df = degrees_of_freedom(fitted)
    if df < 0:
        raise ValueError(f"cfa: the model is not identified: {fitted.n_free} free parameters for "
                         f"{df + fitted.n_free} sample statistics (df = {df})")
    inert = inert_parameters(fitted)
    if inert:
        raise ValueError(f"cfa: free parameter(s) that do not enter the model's moments cannot be estimated: "
                         f"{', '.join(inert)}")
    return _Specification(model=fitted, definitions=definitions, roles=roles, groups=groups, levels=levels, df=df,
                          fiml=fiml)
