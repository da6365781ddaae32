"""The factor_analyzer shim: needed on current scikit-learn, and it works."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.utils import check_array

from monitor.stats.compat import factor_analyzer, sklearn_accepts_force_all_finite


def _one_factor_data(n=2000, seed=3):
    rng = np.random.default_rng(seed)
    f = rng.normal(size=(n, 1))
    loadings = np.array([0.8, 0.7, 0.6, 0.5, 0.75])
    return f * loadings + rng.normal(size=(n, 5)) * np.sqrt(1 - loadings ** 2), loadings


def test_the_shim_is_needed_on_this_scikit_learn():
    major, minor = (int(p) for p in sklearn.__version__.split(".")[:2])
    if (major, minor) < (1, 8):
        pytest.skip(f"scikit-learn {sklearn.__version__} still accepts force_all_finite")
    assert not sklearn_accepts_force_all_finite()
    with pytest.raises(TypeError, match="force_all_finite"):
        check_array(np.eye(3), force_all_finite="allow-nan")


def test_factor_analyzer_fits_through_the_shim():
    fa = factor_analyzer()
    data, loadings = _one_factor_data()
    model = fa.FactorAnalyzer(n_factors=1, rotation=None, method="ml").fit(data)
    estimated = np.abs(model.loadings_[:, 0])
    np.testing.assert_allclose(estimated, loadings, atol=0.05)
    # Missing values pass through as factor_analyzer intends ("allow-nan").
    data[0, 0] = np.nan
    with_missing = fa.FactorAnalyzer(n_factors=1, rotation=None).fit(data)
    np.testing.assert_allclose(np.abs(with_missing.loadings_[:, 0]), loadings, atol=0.05)


# -- breakage we work around by using our own code instead -------------------------------------
HS_MODEL = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}


def _hs():
    import pandas as pd

    from .conftest import DATA

    return pd.read_csv(DATA / "holzinger_swineford.csv")


def test_factor_analyzer_cfa_breaks_under_pandas_3_and_monitor_sem_works():
    """factor_analyzer's CFA writes into arrays pandas 3 hands out read-only."""
    from monitor.stats.sem.measurement import fit_cfa

    data = _hs()[[f"x{i}" for i in range(1, 10)]]
    fa = factor_analyzer()
    try:
        spec = fa.ModelSpecificationParser.parse_model_specification_from_dict(data, HS_MODEL)
        fa.ConfirmatoryFactorAnalyzer(spec, disp=False).fit(data.to_numpy())
    except ValueError as exc:
        assert "read-only" in str(exc)
    else:
        pytest.skip("factor_analyzer's CFA works with this pandas; the work-around is no longer needed")
    assert fit_cfa(data, HS_MODEL).fit["chi2"] == pytest.approx(85.306, abs=0.001)


def test_monitor_efa_aligns_the_factors_to_the_model():
    """Our EFA (psych's extraction, factor_analyzer's rotations through the shim) runs here."""
    from monitor.stats.factor import correlation_matrix, efa

    data = _hs()[[f"x{i}" for i in range(1, 10)]]
    result = efa(correlation_matrix(data), 3, target={i: f for f, items in HS_MODEL.items() for i in items})
    assert list(result.loadings_.columns) == list(HS_MODEL)


def test_monitor_polychoric_matches_psych():
    """Our polychoric correlations, where Python packages break on current SciPy."""
    from monitor.stats.polychoric import polychoric_matrix

    from .conftest import DATA, EXPECTED

    items = ["A1", "A2", "A3"]
    data = pd.read_csv(DATA / "bfi.csv")[items]
    # What R gives: psych::polychoric(bfi)$rho (tests/r/generate_reference.R).
    expected = pd.read_csv(EXPECTED / "polychoric_bfi.csv", index_col=0).loc[items, items]
    np.testing.assert_allclose(polychoric_matrix(data).to_numpy(), expected.to_numpy(), atol=0.005)
