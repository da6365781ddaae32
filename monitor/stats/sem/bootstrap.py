"""Bootstrap of a fitted model: the same model refitted on resamples of its data.

As lavaan's ``bootstrapLavaan`` (and ``se = "bootstrap"``): each resample draws the rows with
replacement, is estimated from the original estimates, and gives every free and defined
parameter a draw; :meth:`BootstrapResult.intervals` turns the draws into percentile intervals
(lavaan's ``parameterEstimates(boot.ci.type = "perc")``). With ``cluster``, whole clusters are
drawn instead of rows (the cluster bootstrap: cases in one cluster share their context, so
the cluster is the unit that was sampled).

References
----------
Efron, B. & Tibshirani, R. J. (1993). An introduction to the bootstrap. Chapman & Hall.
Preacher, K. J. & Hayes, A. F. (2008). Asymptotic and resampling strategies for assessing and
comparing indirect effects in multiple mediator models. Behavior Research Methods 40, 879-891.
Field, C. A. & Welsh, A. H. (2007). Bootstrapping clustered data. JRSS B 69, 369-390.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..threads import one_blas_thread
from ..warnings import CFAWarning
from .cfa import CFAFit

__all__ = ["bootstrap", "BootstrapResult", "parameter_names"]


def parameter_names(estimates: pd.DataFrame) -> list[str]:
    """lavaan's names of the estimates' rows: ``lhs op rhs`` without spaces (``y~x``, ``x~~x``,
    ``x~1``), ``.g2`` … for groups after the first, and a defined parameter's own name."""
    names = []
    for row in estimates.itertuples(index=False):
        if row.op == ":=":
            names.append(row.lhs)
            continue
        group = getattr(row, "group", 1)
        names.append(f"{row.lhs}{row.op}{row.rhs}" + (f".g{group}" if group > 1 else ""))
    return names


@dataclass
class BootstrapResult:
    """The draws of a bootstrap: one row per resample that gave a solution, one column per free
    or defined parameter (named by :func:`parameter_names`)."""

    draws: pd.DataFrame
    requested: int
    failed: int  # resamples without a (converged) solution, left out as lavaan leaves them out

    def intervals(self, level: float = 0.95) -> pd.DataFrame:
        """Per parameter the bootstrap standard error (SD of the draws, as lavaan's) and the
        percentile interval at ``level`` (``ci.lower``, ``ci.upper``; numpy's default linear
        interpolation of the quantiles)."""
        tail = (1 - level) / 2
        values = self.draws.to_numpy()
        return pd.DataFrame({"se": values.std(axis=0, ddof=1), "ci.lower": np.quantile(values, tail, axis=0),
                             "ci.upper": np.quantile(values, 1 - tail, axis=0)}, index=self.draws.columns)


def _resampled_rows(rng: np.random.Generator, n: int, members: list[np.ndarray] | None) -> np.ndarray:
    """Row positions of one resample: ``n`` rows, or as many whole clusters as there are."""
    if members is None:
        return rng.integers(0, n, n)
    picks = rng.integers(0, len(members), len(members))
    return np.concatenate([members[c] for c in picks])


def bootstrap(result: CFAFit, data: pd.DataFrame, n_boot: int = 1000, seed: int = 2026,
              cluster: str | None = None) -> BootstrapResult:
    """Refit ``result``'s model on ``n_boot`` resamples of ``data``.

    Parameters
    ----------
    result : CFAFit
        A fit by :func:`monitor.stats.sem.cfa.cfa` of ``data``.
    data : DataFrame
        The data ``result`` was fitted on (and the ``cluster`` column).
    n_boot : int
        Number of resamples.
    seed : int
        Seed of the random generator (``numpy.random.default_rng``): the same seed gives the
        same draws.
    cluster : str, optional
        Column whose values are resampled whole (clusters in order of appearance), instead of
        single rows.

    Returns
    -------
    BootstrapResult
        The draws of the free and the defined parameters; resamples that give no converged
        solution are counted in ``failed`` and left out.

    Examples
    --------
    >>> import pandas as pd
    >>> from monitor.core.config import PROJECT_ROOT
    >>> from monitor.stats.sem.cfa import cfa
    >>> hs = pd.read_csv(PROJECT_ROOT / "tests" / "data" / "holzinger_swineford.csv")
    >>> fit = cfa(hs, "x4 ~ a*x1\\nx7 ~ b*x4\\nab := a*b")
    >>> fit.estimates.set_index("label").loc["ab", ["est", "se"]].round(4).tolist()  # lavaan: 0.0605, 0.0216
    [0.0605, 0.0216]
    >>> boot = bootstrap(fit, hs, n_boot=1000, seed=1)
    >>> boot.intervals().loc["ab"].round(3).tolist()  # lavaan's se = "bootstrap" (other draws): 0.023, 0.019, 0.111
    [0.024, 0.02, 0.112]
    """
    if result.model is None or result.theta is None:
        raise ValueError("bootstrap: needs a fit by monitor.stats.sem.cfa.cfa")
    if result.options.get("group") is not None:  # lavaan resamples within groups; not needed here yet
        raise ValueError("bootstrap: multiple-group models are not supported")
    if cluster is not None and cluster not in data.columns:
        raise ValueError(f"bootstrap: the cluster column {cluster!r} is not in the data")
    if n_boot < 2:
        raise ValueError("bootstrap: needs at least two resamples")
    free = [k for k, row in enumerate(result.model.rows) if row.extra["index"] >= 0]
    keep = free + list(range(len(result.model.rows), len(result.estimates)))  # and the defined parameters
    names = [parameter_names(result.estimates)[k] for k in keep]
    members = None
    if cluster is not None:
        codes, _levels = pd.factorize(data[cluster])
        members = [np.flatnonzero(codes == c) for c in range(codes.max() + 1)]
    rng = np.random.default_rng(seed)
    draws, failed = [], 0
    with warnings.catch_warnings(), one_blas_thread():
        warnings.simplefilter("ignore", CFAWarning)  # the original fit has warned of what applies
        for _ in range(n_boot):
            values = result.refit(data.iloc[_resampled_rows(rng, len(data), members)])
            if values is None:
                failed += 1
            else:
                draws.append(values[keep])
    if not draws:
        raise ValueError("bootstrap: no resample gave a solution")
    return BootstrapResult(draws=pd.DataFrame(np.array(draws), columns=names), requested=n_boot, failed=failed)
