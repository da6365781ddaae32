"""The factor_analyzer shim: needed on current scikit-learn, and it works."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn
from sklearn.utils import check_array

from monitor.compat import factor_analyzer, sklearn_accepts_force_all_finite


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
    fa.FactorAnalyzer(n_factors=1, rotation=None).fit(data)
