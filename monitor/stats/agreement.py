"""Is aggregation to clusters justified? ICC(1), ICC(2) and within-group agreement rwg(J).

Before respondents' answers are reported as the mean of their region or organisation, a
validation shows that the clusters differ (ICC(1): the share of the variance that lies between
clusters), that the cluster means are reliable (ICC(2)), and that the members of a cluster agree
(rwg(J)). In organisational data ICC(1) typically lies between .05 and .20 (Bliese, 2000); LeBreton
& Senter (2008) read ICC(1) of .01, .10 and .25 as small, medium and large, ICC(2) of .70 or more
as a reliable mean and rwg(J) of .71 to .90 as strong agreement. The thresholds a report applies
are its own; nothing here decides.

- :func:`icc`: ICC(1) and ICC(2) per column from the one-way ANOVA, as ``psych::statsBy``;
- :func:`rwg_j`: rwg(J) per cluster under the uniform null, as ``multilevel::rwg.j``.

Nothing here knows the monitor's questionnaire: the functions take a frame, column names and
the column that names each respondent's cluster.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from .warnings import PsychometricWarning

__all__ = ["icc", "rwg_j", "CONFIDENCE", "MIN_OPTIONS"]

#: The level of the ICC intervals: ``psych::statsBy``'s default ``alpha = .05``.
CONFIDENCE = 0.95
#: The fewest answer options a uniform null distribution can have.
MIN_OPTIONS = 2


def _checked_columns(data: pd.DataFrame, columns: str | Sequence[str], cluster: str) -> list[str]:
    """``columns`` as a list, after one-line errors for anything :func:`icc` and :func:`rwg_j` cannot use."""
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"data must be a pandas DataFrame, not {type(data).__name__}")
    names = [columns] if isinstance(columns, str) else list(columns)
    if not names:
        raise ValueError("columns is empty: name at least one numeric column")
    if cluster not in data.columns:
        raise ValueError(f"cluster column {cluster!r} is not in the data")
    unknown = [name for name in names if name not in data.columns]
    if unknown:
        raise ValueError(f"column(s) not in the data: {', '.join(map(str, unknown))}")
    if len(set(names)) < len(names):
        raise ValueError("a column is named twice in columns")
    if cluster in names:
        raise ValueError(f"the cluster column {cluster!r} is also one of the columns")
    for name in names:
        dtype = data[name].dtype
        if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
            raise ValueError(f"column {name!r} is not numeric ({dtype})")
        if np.isinf(data[name].to_numpy(dtype="float64", na_value=np.nan)).any():
            raise ValueError(f"column {name!r} holds an infinite value")
    return names


def _values(data: pd.DataFrame, name: str) -> np.ndarray:
    # Nullable integer columns (Int8 from the survey reader) become floats with NaN for <NA>.
    return data[name].to_numpy(dtype="float64", na_value=np.nan)


# -- ICC(1) and ICC(2) --------------------------------------------------------------------------
def _one_way_anova(values: np.ndarray, clusters: pd.Series) -> dict[str, float]:
    """The one-way ANOVA of ``values`` by ``clusters`` and the ICCs from it, on the rows with both."""
    used = ~np.isnan(values) & clusters.notna().to_numpy()
    x = values[used]
    codes, _ = pd.factorize(clusters[used])
    sizes = np.bincount(codes).astype("float64")
    n, k = float(x.size), float(sizes.size)
    means = np.bincount(codes, weights=x) / sizes if k else np.array([])
    ss_between = float(np.sum(sizes * (means - x.mean()) ** 2)) if n else np.nan
    ss_within = float(np.sum((x - means[codes]) ** 2)) if n else np.nan
    df_between, df_within = (k - 1, n - k) if k else (np.nan, np.nan)  # a column with no answers: no ANOVA
    with np.errstate(divide="ignore", invalid="ignore"):
        # NumPy floats, so that 0/0 is NaN and x/0 is inf as in R (Python floats would raise).
        ms_between = np.float64(ss_between / df_between if df_between > 0 else np.nan)
        ms_within = np.float64(ss_within / df_within if df_within > 0 else np.nan)
        f = ms_between / ms_within
        # psych's "npr": the plain mean cluster size, also for unequal sizes (multilevel::ICC1 agrees).
        size = np.float64(n / k if k else np.nan)
        icc1 = (ms_between - ms_within) / (ms_between + (size - 1) * ms_within)
        icc2 = (ms_between - ms_within) / ms_between
        p = stats.f.sf(f, df_between, df_within) if df_between > 0 and df_within > 0 else np.nan
        tail = 1 - (1 - CONFIDENCE) / 2
        f_low = f / stats.f.ppf(tail, df_between, df_within)
        f_high = f * stats.f.ppf(tail, df_within, df_between)
        ci1 = [(bound - 1) / (bound + size - 1) for bound in (f_low, f_high)]
        ci2 = [1 - 1 / bound for bound in (f_low, f_high)]
    return {"n": int(n), "n_clusters": int(k), "mean_cluster_size": float(size), "ms_between": float(ms_between),
            "ms_within": float(ms_within), "df_between": df_between, "df_within": df_within, "F": float(f), "p": float(p),
            "icc1": float(icc1), "icc1_ci_low": float(ci1[0]), "icc1_ci_high": float(ci1[1]),
            "icc2": float(icc2), "icc2_ci_low": float(ci2[0]), "icc2_ci_high": float(ci2[1])}


def icc(data: pd.DataFrame, columns: str | Sequence[str], cluster: str) -> pd.DataFrame:
    """ICC(1) and ICC(2) of each column for respondents nested in clusters, as ``psych::statsBy``.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent.
    columns : str or list of str
        Numeric columns (items or scale scores); each is analysed on its own non-missing values.
    cluster : str
        The column naming each respondent's cluster (region, organisation). Rows without a
        cluster are left out, as R's ``by`` leaves them out.

    Returns
    -------
    pandas.DataFrame
        One row per column: ``column`` (its name), ``n`` (answers used),
        ``n_clusters``, ``mean_cluster_size``, ``ms_between``, ``ms_within``, ``df_between``,
        ``df_within``, ``F``, ``p`` (the ANOVA's F test), ``icc1``, ``icc2`` and their
        :data:`CONFIDENCE` intervals ``icc1_ci_low`` ... ``icc2_ci_high`` (psych's ``ci1``, ``ci2``).

    Notes
    -----
    From the one-way ANOVA of the column by cluster, with :math:`N` answers in :math:`k`
    clusters of sizes :math:`n_g`:

    .. math::

        MS_B = \\frac{\\sum_g n_g (\\bar x_g - \\bar x)^2}{k - 1}, \\quad
        MS_W = \\frac{\\sum_g \\sum_i (x_{gi} - \\bar x_g)^2}{N - k}, \\quad
        \\bar n = N / k,

        ICC(1) = \\frac{MS_B - MS_W}{MS_B + (\\bar n - 1) MS_W}, \\quad
        ICC(2) = \\frac{MS_B - MS_W}{MS_B} = 1 - 1/F.

    :math:`\\bar n` is psych's (and ``multilevel::ICC1``'s) plain mean cluster size; with
    unequal clusters some authors use :math:`n_0 = (N - \\sum n_g^2 / N)/(k - 1)` instead, which
    gives a somewhat larger ICC(1). A cluster of one respondent adds to :math:`MS_B`, :math:`k`
    and :math:`\\bar n` but not to :math:`MS_W`. ICC(1) is negative when the clusters differ less
    than chance would make them; it is reported as computed. The intervals are psych's, from
    the F distribution with :math:`k - 1` and :math:`N - k` degrees of freedom (exact for equal
    clusters). A column without variance has no ICC (NaN, with a :class:`PsychometricWarning`).

    References
    ----------
    Bliese, P. D. (2000). Within-group agreement, non-independence, and reliability. In K. J.
    Klein & S. W. J. Kozlowski (Eds.), *Multilevel theory, research, and methods in
    organizations* (pp. 349-381). Jossey-Bass.

    Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: Uses in assessing rater
    reliability. *Psychological Bulletin, 86*(2), 420-428.

    Revelle, W. ``psych::statsBy``; Bliese, P. ``multilevel::ICC1``, ``multilevel::ICC2``.

    Examples
    --------
    >>> import pandas as pd
    >>> teams = pd.DataFrame({"team": list("aaabbbbcc"), "x": [1, 2, 3, 3, 4, 5, 4, 5, 5],
    ...                       "y": [2, 2, 3, 3, 3, 5, 4, 5, 4]})
    >>> icc(teams, ["x", "y"], "team")[["column", "n_clusters", "F", "p", "icc1", "icc2"]].round(6)
      column  n_clusters         F         p      icc1      icc2
    0      x           3  9.166667  0.014992  0.731343  0.890909
    1      y           3  4.829787  0.056249  0.560748  0.792952

    R returns the same: ``statsBy(teams, group = "team")`` gives ``$F`` 9.166667 and
    4.829787, ``$ICC1`` 0.7313433 and 0.5607477, ``$ICC2`` 0.8909091 and 0.7929515 (and
    ``$ci1`` for x 0.0805 to 0.9917); ``summary(aov(x ~ team))`` gives p 0.015.
    """
    names = _checked_columns(data, columns, cluster)
    clusters = data[cluster]
    if clusters.nunique(dropna=True) < 2:
        raise ValueError(f"cluster column {cluster!r} has fewer than two clusters: an ICC needs at least two")
    rows = {name: _one_way_anova(_values(data, name), clusters) for name in names}
    undefined = [name for name, row in rows.items() if row["ms_between"] == 0 and row["ms_within"] == 0]
    if undefined:
        warnings.warn(f"no ICC for column(s) without variance: {', '.join(map(str, undefined))}",
                      PsychometricWarning, stacklevel=2)
    return pd.DataFrame([{"column": name, **row} for name, row in rows.items()])


# -- rwg(J) ---------------------------------------------------------------------------------------
def rwg_j(data: pd.DataFrame, columns: str | Sequence[str], cluster: str, options: int = 5) -> pd.DataFrame:
    """Within-group agreement rwg(J) per cluster on a scale of J items, under the uniform null.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent.
    columns : str or list of str
        The J items of one scale, numeric answers on ``options`` categories.
    cluster : str
        The column naming each respondent's cluster.
    options : int, default 5
        The number of answer options A of the items; the null distribution is uniform over
        them (at least :data:`MIN_OPTIONS`).

    Returns
    -------
    pandas.DataFrame
        One row per cluster, sorted: the cluster (named as the cluster column), ``n`` (respondents
        who answered every item), ``n_items`` (J), ``mean_item_variance`` (the observed
        :math:`\\bar s^2`), ``rwg_j`` and ``truncated`` (True when :math:`\\bar s^2` exceeds the
        null variance and rwg(J) was set to 0).

    Notes
    -----
    James, Demaree & Wolf (1984):

    .. math::

        \\sigma^2_{EU} = \\frac{A^2 - 1}{12}, \\qquad
        r_{wg(J)} = \\frac{J (1 - \\bar s^2 / \\sigma^2_{EU})}
                         {J (1 - \\bar s^2 / \\sigma^2_{EU}) + \\bar s^2 / \\sigma^2_{EU}},

    with :math:`\\bar s^2` the mean over the J items of their variances within the cluster
    (denominator n - 1). When :math:`\\bar s^2 > \\sigma^2_{EU}` the members disagree more
    than random answers would and the formula leaves [0, 1]; rwg(J) is then set to 0, as
    LeBreton & Senter (2008) recommend and ``multilevel::rwg.j`` does. As in ``rwg.j``, a
    respondent with a missing item or cluster is left out (listwise), a cluster left with one
    respondent has no variance and gets NaN, and a cluster left with none is not listed. The
    uniform null is the upper bound of chance variance: with a response bias (e.g. leniency)
    it overstates agreement.

    References
    ----------
    James, L. R., Demaree, R. G., & Wolf, G. (1984). Estimating within-group interrater
    reliability with and without response bias. *Journal of Applied Psychology, 69*(1), 85-98.

    LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about interrater
    reliability and interrater agreement. *Organizational Research Methods, 11*(4), 815-852.

    Bliese, P. ``multilevel::rwg.j``.

    Examples
    --------
    >>> import pandas as pd
    >>> answers = pd.DataFrame({"team": list("aaabbb"), "q1": [4, 4, 5, 1, 3, 5],
    ...                         "q2": [4, 5, 5, 2, 5, 1], "q3": [3, 4, 4, 5, 1, 3]})
    >>> rwg_j(answers, ["q1", "q2", "q3"], "team", options=5).round(6)
      team  n  n_items  mean_item_variance   rwg_j  truncated
    0    a  3        3            0.333333  0.9375      False
    1    b  3        3            4.111111  0.0000       True

    R returns the same: ``multilevel::rwg.j(answers[c("q1", "q2", "q3")], answers$team,
    ranvar = 2)`` gives ``rwg.j`` 0.9375 and 0 (team b's mean variance 4.11 exceeds the null's 2).
    """
    names = _checked_columns(data, columns, cluster)
    if isinstance(options, bool) or not isinstance(options, (int, np.integer)) or options < MIN_OPTIONS:
        raise ValueError(f"options must be a whole number of answer options, at least {MIN_OPTIONS}; got {options!r}")
    items = pd.DataFrame({name: _values(data, name) for name in names}, index=data.index)
    complete = items.notna().all(axis=1) & data[cluster].notna()
    items = items[complete]
    if not items.empty:
        low, high = float(items.min().min()), float(items.max().max())
        if high - low > options - 1:  # more answer categories than a uniform null over ``options``
            raise ValueError(f"the answers run from {low:g} to {high:g}, more than options={options} values: "
                             "give the items' number of answer options")
    null_variance = (options ** 2 - 1) / 12
    groups = items.groupby(data.loc[complete, cluster], sort=True)
    n = groups.size()
    variance = groups.var(ddof=1).mean(axis=1)  # NaN for a cluster of one
    ratio = np.minimum(variance / null_variance, 1.0)
    j = len(names)
    result = pd.DataFrame({"n": n.astype("int64"), "n_items": j, "mean_item_variance": variance,
                           "rwg_j": j * (1 - ratio) / (j * (1 - ratio) + ratio),
                           "truncated": variance > null_variance})
    return result.rename_axis(cluster).reset_index()
