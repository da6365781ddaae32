"""Alpha and omega from a matrix, as psych's ``alpha(r, n.obs =)`` and ``omega(m, n.obs =)``, and
one BLAS thread for the statistics on small matrices (issue 22, items 5 and 6).

References: ``tests/r/matrix_input_reference.R`` → ``tests/expected/matrix_input_*.csv``.
Tolerances as the other reliability tests: alpha and omega 0.001 (the differences are ~1e-12).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from monitor.psychometrics import (
    bartlett_sphericity,
    cronbach_alpha,
    efa,
    item_analysis,
    kmo,
    omega,
    parallel_analysis,
    polychoric_matrix,
    velicer_map,
)
from monitor.stats.reliability import alpha_if_deleted, is_item_matrix, item_rest_correlation
from monitor.stats.sem.cfa import cfa
from monitor.stats.threads import one_blas_thread

from .conftest import DATA, EXPECTED

ALPHA = pd.read_csv(EXPECTED / "matrix_input_alpha.csv", keep_default_na=False, na_values=["NA"])
DROP = pd.read_csv(EXPECTED / "matrix_input_alpha_drop.csv")
OMEGA = pd.read_csv(EXPECTED / "matrix_input_omega.csv")
SCALES = {"C": ["C1", "C2", "C3", "C4", "C5"], "A": ["A1", "A2", "A3", "A4", "A5"],
          "N": ["N1", "N2", "N3", "N4", "N5"]}


@pytest.fixture(scope="module")
def bfi():
    return pd.read_csv(DATA / "bfi.csv")


def _matrix(bfi, scale: str, kind: str) -> pd.DataFrame:
    items = bfi[SCALES[scale]]
    return items.corr() if kind == "correlation" else items.cov()  # pairwise, as R's use = "pairwise"


# -- alpha from a matrix --------------------------------------------------------------------------
@pytest.mark.parametrize("case", ALPHA.to_dict("records"),
                         ids=lambda c: f"{c['scale']}-{c['matrix']}-{'n' if c['n_obs'] == c['n_obs'] else 'no-n'}")
def test_alpha_from_a_matrix_matches_psych(bfi, case):
    n_obs = None if np.isnan(case["n_obs"]) else int(case["n_obs"])
    keys = case["keys"].split() or None
    result = cronbach_alpha(_matrix(bfi, case["scale"], case["matrix"]), keys=keys, n_obs=n_obs)
    for ours, theirs in [("alpha", "alpha"), ("std_alpha", "std_alpha"), ("average_r", "average_r")]:
        assert result[ours] == pytest.approx(case[theirs], abs=0.001)
    if n_obs is None:  # no n, no interval (psych's own uses the number of items as n)
        assert np.isnan(result["ci_low"]) and np.isnan(result["ci_high"]) and np.isnan(result["n"])
    else:
        assert result["ci_low"] == pytest.approx(case["ci_low"], abs=0.001)
        assert result["ci_high"] == pytest.approx(case["ci_high"], abs=0.001)
        assert result["n"] == n_obs
    assert result["k"] == 5


@pytest.mark.parametrize(("scale", "kind"), [(s, k) for s in SCALES for k in ("correlation", "covariance")])
def test_alpha_drop_and_item_rest_from_a_matrix_match_psych(bfi, scale, kind):
    expected = DROP.query("scale == @scale and matrix == @kind").set_index("item")
    keys = {"C": ["C4", "C5"], "A": ["A1"], "N": None}[scale]
    matrix = _matrix(bfi, scale, kind)
    np.testing.assert_allclose(alpha_if_deleted(matrix, keys=keys), expected.loc[SCALES[scale], "alpha_drop"],
                               atol=0.001)
    np.testing.assert_allclose(item_rest_correlation(matrix, keys=keys), expected.loc[SCALES[scale], "r_drop"],
                               atol=0.001)


def test_a_covariance_matrix_gives_the_raw_data_estimates(bfi):
    items = bfi[SCALES["C"]]
    raw = cronbach_alpha(items, keys=["C4", "C5"])
    from_cov = cronbach_alpha(items.cov(), keys=["C4", "C5"], n_obs=len(items))
    pd.testing.assert_series_equal(raw, from_cov, rtol=1e-12, check_dtype=False)
    np.testing.assert_allclose(alpha_if_deleted(items.cov(), keys=["C4", "C5"]),
                               alpha_if_deleted(items, keys=["C4", "C5"]), rtol=1e-12)
    np.testing.assert_allclose(item_rest_correlation(items.cov()),
                               item_analysis(items, 1, 6)["item_rest_r"], rtol=1e-12)


def test_what_needs_the_answers_says_so(bfi):
    items = bfi[SCALES["C"]]
    with pytest.raises(ValueError, match="n_obs is for a correlation or covariance matrix"):
        cronbach_alpha(items, n_obs=100)
    with pytest.raises(ValueError, match="whole number"):
        cronbach_alpha(items.corr(), n_obs=2.5)
    with pytest.raises(ValueError, match="needs the answers"):
        item_analysis(items.corr())
    with pytest.raises(ValueError, match="symmetric"):
        cronbach_alpha(pd.DataFrame([[1, 0.3], [0.2, 1]], index=["a", "b"], columns=["a", "b"]))
    assert not is_item_matrix(items) and is_item_matrix(items.corr())


# -- omega from a matrix --------------------------------------------------------------------------
@pytest.mark.parametrize("case", OMEGA.to_dict("records"), ids=lambda c: f"{c['items']}-{c['nfactors']}")
def test_omega_from_a_matrix_matches_psych(bfi, case):
    if case["items"] == "all":
        matrix, keys = bfi.corr(), None
    else:
        matrix = bfi[SCALES[case["items"]]].corr()
        keys = [1 if k else -1 for k in ~np.isin(SCALES[case["items"]], ["C4", "C5", "A1"])]
    result = omega(matrix, n_factors=int(case["nfactors"]), keys=keys)
    assert result["omega_total"] == pytest.approx(case["omega_total"], abs=0.001)
    assert result["omega_hierarchical"] == pytest.approx(case["omega_h"], abs=0.001)


def test_omega_of_a_covariance_matrix_is_that_of_its_correlations(bfi):
    items = bfi[SCALES["N"]].dropna()  # complete cases: pairwise correlations are the covariances' own
    pd.testing.assert_series_equal(omega(items.cov()), omega(items), rtol=1e-6)
    pd.testing.assert_series_equal(omega(items.corr()), omega(correlation=items.corr()), rtol=1e-12)


# -- one BLAS thread ------------------------------------------------------------------------------
def _blas_threads() -> int:
    return max(pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas")


@pytest.fixture
def blas_threads_seen(monkeypatch):
    """The BLAS thread count in force at every call of numpy's linear algebra, while two threads
    are allowed outside (so that the limit, not the machine, makes it one)."""
    seen: list[int] = []
    for name in ("eigh", "eigvalsh", "inv", "solve", "slogdet", "det", "cholesky", "pinv"):
        original = getattr(np.linalg, name)

        def spy(*args, _original=original, **kwargs):
            seen.append(_blas_threads())
            return _original(*args, **kwargs)

        monkeypatch.setattr(np.linalg, name, spy)
    with threadpool_limits(limits=2, user_api="blas"):
        assert _blas_threads() == 2
        yield seen
        assert _blas_threads() == 2  # restored after each computation


@pytest.fixture(scope="module")
def small(bfi):
    return bfi.iloc[:400, :12].dropna()


@pytest.mark.parametrize("statistic", [
    "efa_minres_oblimin", "efa_ml_promax", "efa_pa_varimax", "omega_1", "omega_sl", "parallel_pearson",
    "kmo", "bartlett", "velicer_map", "polychoric", "alpha", "cfa"])
def test_small_matrix_statistics_run_with_one_blas_thread(blas_threads_seen, small, statistic):
    r = small.corr()
    run = {
        "efa_minres_oblimin": lambda: efa(r, 3),
        "efa_ml_promax": lambda: efa(r, 3, method="ml", rotation="promax"),
        "efa_pa_varimax": lambda: efa(r, 3, method="pa", rotation="varimax"),
        "omega_1": lambda: omega(small.iloc[:, :5]),
        "omega_sl": lambda: omega(small, n_factors=3),
        "parallel_pearson": lambda: parallel_analysis(small, n_iter=2),
        "kmo": lambda: kmo(r),
        "bartlett": lambda: bartlett_sphericity(r, len(small)),
        "velicer_map": lambda: velicer_map(r),
        "polychoric": lambda: polychoric_matrix(small.iloc[:, :4]),
        "alpha": lambda: (cronbach_alpha(r, n_obs=len(small)), item_rest_correlation(small)),
        "cfa": lambda: cfa(small, "A =~ A1 + A2 + A3 + A4 + A5\nC =~ C1 + C2 + C3 + C4 + C5"),
    }[statistic]
    run()
    if statistic not in ("alpha",):  # alpha's sums need no linear algebra routine
        assert blas_threads_seen, "the spy saw no linear algebra: the test proves nothing"
    assert set(blas_threads_seen) <= {1}


def test_nested_limits_set_once_and_restore():
    with threadpool_limits(limits=2, user_api="blas"):
        with one_blas_thread():
            assert _blas_threads() == 1
            with one_blas_thread():
                assert _blas_threads() == 1
            assert _blas_threads() == 1  # the inner use did not lift the outer limit
        assert _blas_threads() == 2
