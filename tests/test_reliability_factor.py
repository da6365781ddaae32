"""Reliability, suitability, number of factors and EFA against R psych reference outputs.

Tolerances (from the validity issue): alpha, KMO, omega 0.001; loadings 0.02 after
alignment; fit indices 0.002. The measured differences are far smaller (about 1e-5).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from monitor.factor import _fa_eigenvalues, align_factors
from monitor.psychometrics import (
    bartlett_sphericity,
    correlation_matrix,
    cronbach_alpha,
    efa,
    item_analysis,
    kmo,
    omega,
    parallel_analysis,
    polychoric_matrix,
    reliability_table,
    velicer_map,
)

from .conftest import DATA, EXPECTED

THEMES = {"normen_waarden": "nw", "professionaliteit": "pr", "communicatie": "co",
          "gelijkwaardigheid": "gw", "gezamenlijkheid": "gz", "rentmeesterschap": "rm"}
TARGET = {f"{prefix}{k}": theme for theme, prefix in THEMES.items() for k in range(1, 5)}


@pytest.fixture(scope="module")
def keyed():
    frame = pd.read_csv(DATA / "demo_trust_2026.csv")
    for item in ("nw4", "co4", "gw3"):
        frame[item] = 6 - frame[item]
    return frame


@pytest.fixture(scope="module")
def bfi():
    return pd.read_csv(DATA / "bfi.csv")


def test_alpha_and_omega_match_psych(keyed):
    expected = pd.read_csv(EXPECTED / "reliability_demo.csv").set_index("scale")
    for theme, prefix in THEMES.items():
        items = keyed[[f"{prefix}{k}" for k in range(1, 5)]]
        alpha, om, ref = cronbach_alpha(items), omega(items), expected.loc[theme]
        for ours, theirs in [(alpha["alpha"], ref["alpha"]), (alpha["std_alpha"], ref["std_alpha"]),
                             (alpha["ci_low"], ref["ci_low"]), (alpha["ci_high"], ref["ci_high"]),
                             (om["omega_total"], ref["omega_total"]), (om["omega_hierarchical"], ref["omega_h"])]:
            assert ours == pytest.approx(theirs, abs=0.001)
        assert alpha["alpha"] == pytest.approx(ref["alpha"], abs=1e-10)


def test_omega_hierarchical_with_six_group_factors(keyed):
    expected = pd.read_csv(EXPECTED / "omega6_demo.csv").iloc[0]
    result = omega(keyed, n_factors=6)
    assert result["omega_total"] == pytest.approx(expected["omega_total"], abs=0.001)
    assert result["omega_hierarchical"] == pytest.approx(expected["omega_h"], abs=0.001)


def test_item_statistics_match_psych(keyed):
    expected = pd.read_csv(EXPECTED / "alpha_items_gelijkwaardigheid.csv").set_index("item")
    table = item_analysis(keyed[["gw1", "gw2", "gw3", "gw4"]])
    np.testing.assert_allclose(table["item_rest_r"], expected["r_drop"], atol=1e-10)
    np.testing.assert_allclose(table["alpha_if_deleted"], expected["alpha_drop"], atol=1e-10)
    np.testing.assert_allclose(table["mean"], expected["mean"], atol=1e-10)
    np.testing.assert_allclose(table["sd"], expected["sd"], atol=1e-10)
    skew = pd.read_csv(EXPECTED / "describe_demo.csv").set_index("item")["skew"]
    np.testing.assert_allclose(table["skew"], skew[table.index], atol=1e-10)
    shares = table[[f"p{k}" for k in range(1, 6)]].sum(axis=1)
    np.testing.assert_allclose(shares, 1.0)
    assert (table["floor_share"] == table["p1"]).all() and (table["ceiling_share"] == table["p5"]).all()


def test_kmo_and_bartlett_match_psych(keyed):
    r = correlation_matrix(keyed)
    overall, per_item = kmo(r)
    expected = pd.read_csv(EXPECTED / "kmo_demo.csv").set_index("item")["msa"]
    assert overall == pytest.approx(expected["overall"], abs=0.001)
    np.testing.assert_allclose(per_item, expected.drop("overall")[per_item.index], atol=0.001)
    bart = bartlett_sphericity(r, len(keyed))
    ref = pd.read_csv(EXPECTED / "bartlett_demo.csv").iloc[0]
    assert bart["chi2"] == pytest.approx(ref["chisq"], rel=1e-6) and bart["df"] == ref["df"]
    assert bart["p_value"] < 1e-10


def test_factor_eigenvalues_match_fa_parallel(keyed):
    expected = pd.read_csv(EXPECTED / "parallel_demo_observed.csv")
    r = correlation_matrix(keyed).to_numpy()
    np.testing.assert_allclose(_fa_eigenvalues(r), expected["fa_values"], atol=1e-5)
    np.testing.assert_allclose(np.sort(np.linalg.eigvalsh(r))[::-1], expected["pc_values"], atol=1e-10)


@pytest.mark.parametrize("data", ["demo", "bfi"])
def test_parallel_analysis_suggests_what_psych_suggests(data, keyed, bfi):
    frame = keyed if data == "demo" else bfi
    expected = pd.read_csv(EXPECTED / "parallel.csv").set_index("data").loc[data]
    table, suggestion = parallel_analysis(frame, n_iter=20, seed=1)
    assert suggestion["n_factors"] == expected["nfact"]
    assert suggestion["n_components"] == expected["ncomp"]
    assert (table["observed_fa"].iloc[:suggestion["n_factors"]] > table["resampled_fa"].iloc[:suggestion["n_factors"]]).all()


def test_parallel_analysis_recovers_the_simulated_structure():
    """The national-scale simulation has 14 scales in its first 48 items."""
    from monitor.synthetic import simulate

    sim = simulate(regions=10, respondents=4000, waves=1, seed=4)
    items = sim.responses.columns[7:7 + 48]
    frame = sim.responses[items].mask(sim.responses[items] == 9)
    true_scales = len({sim.truth["items"][i]["scale"] for i in items})
    _, suggestion = parallel_analysis(frame, n_iter=20, seed=2)
    assert suggestion["n_factors"] == true_scales == 14


@pytest.mark.parametrize("name, data, n_factors, method, rotation", [
    ("demo_minres_oblimin", "demo", 6, "minres", "oblimin"),
    ("demo_ml_oblimin", "demo", 6, "ml", "oblimin"),
    ("demo_pa_varimax", "demo", 6, "pa", "varimax"),
    ("demo_minres_promax", "demo", 6, "minres", "promax"),
    ("demo_minres_geomin", "demo", 6, "minres", "geomin"),
    ("bfi_minres_oblimin", "bfi", 5, "minres", "oblimin"),
    ("bfi_ml_varimax", "bfi", 5, "ml", "varimax"),
    ("bfi_poly_minres_oblimin", "bfi_poly", 5, "minres", "oblimin"),
])
def test_efa_matches_psych_fa(name, data, n_factors, method, rotation, keyed, bfi):
    if data == "demo":
        frame, target, r = keyed, TARGET, correlation_matrix(keyed)
    else:
        frame, target = bfi, {c: c[0] for c in bfi.columns}
        r = polychoric_matrix(bfi) if data == "bfi_poly" else correlation_matrix(bfi)
    result = efa(r, n_factors, method=method, rotation=rotation, n_obs=len(frame), target=target)
    expected = pd.read_csv(EXPECTED / f"efa_{name}_loadings.csv", index_col=0)
    aligned, _, labels = align_factors(expected.to_numpy(), np.eye(n_factors), list(expected.index), target)
    assert list(result.loadings_.columns) == labels
    assert np.abs(result.loadings_.to_numpy() - aligned).max() < 0.02
    fit = pd.read_csv(EXPECTED / f"efa_{name}_fit.csv").iloc[0]
    assert result.fit_["rmsr"] == pytest.approx(fit["rms"], abs=0.002)
    if method == "ml":
        assert result.fit_["tli"] == pytest.approx(fit["TLI"], abs=0.002)
        assert result.fit_["rmsea"] == pytest.approx(fit["RMSEA"], abs=0.002)
        assert result.fit_["chi2"] == pytest.approx(fit["chi"], rel=0.001)


def test_efa_recovers_each_items_theme(keyed):
    result = efa(correlation_matrix(keyed), 6, target=TARGET)
    primary = result.loadings_.abs().idxmax(axis=1)
    assert (primary == pd.Series(TARGET)[primary.index]).all()
    assert list(result.loadings_.columns) == list(THEMES)


def test_efa_rejects_bad_options(keyed):
    r = correlation_matrix(keyed)
    with pytest.raises(ValueError, match="method"):
        efa(r, 2, method="alpha")
    with pytest.raises(ValueError, match="rotation"):
        efa(r, 2, rotation="quartimax")
    with pytest.raises(ValueError, match="n_factors"):
        efa(r, 30)


def test_velicer_map_matches_psych_vss(keyed):
    series, suggested = velicer_map(correlation_matrix(keyed))
    expected = pd.read_csv(EXPECTED / "map_demo.csv").set_index("components")["map"]
    np.testing.assert_allclose(series[expected.index], expected, atol=1e-10)
    # MAP under-extracts correlated themes here (4 of 6), in R as in Python.
    assert suggested == expected.idxmin() == 4


def test_reliability_table_keys_items(small_sim, instrument):
    frame = small_sim.responses.copy()
    frame[instrument.item_ids] = frame[instrument.item_ids].mask(frame[instrument.item_ids] == 9)
    table = reliability_table(frame, instrument, module="vertrouwen")
    assert list(table.index) == [s.id for s in instrument.module("vertrouwen").scales]
    assert (table["alpha"] > 0.6).all(), "reverse-keyed items must be recoded before alpha"
    assert (table["ci_low"] < table["alpha"]).all() and (table["alpha"] < table["ci_high"]).all()
