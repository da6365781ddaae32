"""Reliability, suitability, number of factors and EFA against R psych reference outputs.

Tolerances (from the validity issue): alpha, KMO, omega 0.001; loadings 0.02 after
alignment; fit indices 0.002. The measured differences are far smaller (about 1e-5).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

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
    velicer_map,
)
from monitor.stats.factor import align_factors
from monitor.stats.factor_retention import fa_eigenvalues

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
    np.testing.assert_allclose(fa_eigenvalues(r), expected["fa_values"], atol=1e-5)
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
    from monitor.survey.synthetic import simulate

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


def test_instrument_reliability_keys_items(small_sim, instrument):
    from monitor.analyses.validity import instrument_reliability

    frame = small_sim.responses.copy()
    frame[instrument.item_ids] = frame[instrument.item_ids].mask(frame[instrument.item_ids] == 9)
    table = instrument_reliability(frame, instrument, module="vertrouwen")
    assert list(table.index) == [s.id for s in instrument.module("vertrouwen").scales]
    assert (table["alpha"] > 0.6).all(), "reverse-keyed items must be recoded before alpha"
    assert (table["ci_low"] < table["alpha"]).all() and (table["alpha"] < table["ci_high"]).all()
    # The instrument's keying as psych keys gives what keying by hand gives.
    theme = instrument.module("vertrouwen").scales[0]
    by_hand = frame[theme.item_ids].astype("float64")
    for item in theme.items:
        if item.reverse:
            by_hand[item.id] = 6 - by_hand[item.id]
    assert table.loc[theme.id, "alpha"] == pytest.approx(cronbach_alpha(by_hand)["alpha"], abs=1e-12)


# -- any questionnaire: psych's bfi with its scoring keys (tests/r/psych_reference.R) ------------
BFI_KEYS = {"A": ["-A1", "A2", "A3", "A4", "A5"], "C": ["C1", "C2", "C3", "-C4", "-C5"],
            "E": ["-E1", "-E2", "E3", "E4", "E5"], "N": ["N1", "N2", "N3", "N4", "N5"],
            "O": ["O1", "-O2", "O3", "O4", "-O5"]}


def test_keys_reliability_matches_psych(bfi):
    from monitor.stats.reliability import scale_reliability

    expected = pd.read_csv(EXPECTED / "bfi_keys_reliability.csv").set_index("scale")
    table = scale_reliability(bfi, BFI_KEYS, ordinal=True)
    columns = ["alpha", "std_alpha", "average_r", "ci_low", "ci_high", "omega_total", "ordinal_alpha",
               "ordinal_omega_total"]
    np.testing.assert_allclose(table[columns], expected.loc[table.index, columns], atol=0.001)
    assert (table["n"] == expected["n"]).all() and (table["k"] == 5).all()
    # Without keys the reversed items cancel out: the O scale's alpha collapses.
    unkeyed = scale_reliability(bfi, {"O": [k.lstrip("-") for k in BFI_KEYS["O"]]})
    assert unkeyed.loc["O", "alpha"] < expected.loc["O", "alpha"] - 0.15


def test_every_form_of_keys_gives_psychs_alpha(bfi):
    expected = pd.read_csv(EXPECTED / "bfi_keys_reliability.csv").set_index("scale").loc["C", "alpha"]
    items = bfi[["C1", "C2", "C3", "C4", "C5"]]
    for keys in (["C4", "C5"], ["C1", "C2", "C3", "-C4", "-C5"], [1, 1, 1, -1, -1]):
        assert cronbach_alpha(items, keys=keys)["alpha"] == pytest.approx(expected, abs=1e-10)
    with pytest.raises(ValueError, match="not among the columns: X9"):
        cronbach_alpha(items, keys=["X9"])
    with pytest.raises(ValueError, match="one \\+1 or -1 per item"):
        cronbach_alpha(items, keys=[1, -1])


def test_omega_flips_items_to_the_general_factor_as_psych(bfi):
    expected = pd.read_csv(EXPECTED / "bfi_omega_general.csv").set_index("nfactors")
    for n_factors, ref in expected.iterrows():
        flipped, unflipped = omega(bfi, n_factors=n_factors), omega(bfi, n_factors=n_factors, flip=False)
        assert flipped["omega_hierarchical"] == pytest.approx(ref["omega_h"], abs=0.001)
        assert flipped["omega_total"] == pytest.approx(ref["omega_total"], abs=0.001)
        assert unflipped["omega_hierarchical"] == pytest.approx(ref["omega_h_noflip"], abs=0.001)
        assert unflipped["omega_total"] == pytest.approx(ref["omega_total_noflip"], abs=0.001)
        # Given keys replace the flip (psych turns flip off): the neuroticism items stay negative
        # on the general factor, hence the lower omega_h (.30 for five factors).
        keyed = omega(bfi, n_factors=n_factors, keys=[k for scale in BFI_KEYS.values() for k in scale])
        assert keyed["omega_hierarchical"] == pytest.approx(ref["omega_h_keys"], abs=0.001)
        assert keyed["omega_total"] == pytest.approx(ref["omega_total_keys"], abs=0.001)


def test_a_constant_item_is_dropped_with_a_warning_as_psych(bfi):
    from monitor.stats.factor import PsychometricWarning

    expected = pd.read_csv(EXPECTED / "bfi_zero_variance_alpha.csv").iloc[0]
    items = bfi[["C1", "C2", "C3", "C4", "C5"]].assign(Z=3)
    with pytest.warns(PsychometricWarning, match="without variance dropped: Z"):
        result = cronbach_alpha(items, keys=["C4", "C5"])
    assert result["alpha"] == pytest.approx(expected["alpha"], abs=1e-10)
    assert result["std_alpha"] == pytest.approx(expected["std_alpha"], abs=1e-10)
    assert result["k"] == expected["k"]
    with pytest.warns(PsychometricWarning, match="without variance dropped: Z"):
        assert correlation_matrix(items).shape == (5, 5)
    with pytest.warns(PsychometricWarning, match="without variance dropped: Z"):
        assert np.isfinite(omega(items, keys=["C4", "C5"])).all()
    with pytest.warns(PsychometricWarning, match="without variance dropped: Z"):
        _, suggestion = parallel_analysis(items, n_iter=3, seed=1)
    assert suggestion["n_factors"] >= 1


def test_composite_reliability_and_ave_match_semtools():
    from monitor.stats.reliability import composite_reliability

    expected = pd.read_csv(EXPECTED / "bfi_composite_reliability.csv").set_index("scale")
    raw = pd.read_csv(EXPECTED / "bfi_cfa_unstandardized.csv")
    loadings = raw[raw["op"] == "=~"].pivot(index="rhs", columns="lhs", values="est")
    variances = raw[raw["op"] == "~~"].set_index("lhs")["est"]
    unstandardized = composite_reliability(loadings, variances[loadings.index], variances[loadings.columns])
    np.testing.assert_allclose(unstandardized["composite_reliability"], expected["composite_reliability"], atol=1e-6)
    np.testing.assert_allclose(unstandardized["ave"], expected["ave"], atol=1e-6)
    std = pd.read_csv(EXPECTED / "bfi_cfa_standardized.csv")
    standardized = composite_reliability(std[std["op"] == "=~"].pivot(index="rhs", columns="lhs", values="est.std"))
    np.testing.assert_allclose(standardized["composite_reliability"], expected["composite_reliability_std"],
                               atol=1e-5)
    np.testing.assert_allclose(standardized["ave"], expected["ave_std"], atol=1e-5)


def test_suitability_on_the_polychoric_matrix_matches_psych(bfi):
    expected = pd.read_csv(EXPECTED / "bfi_poly_suitability.csv").iloc[0]
    keyed = bfi.copy()
    reversed_items = [k[1:] for scale in BFI_KEYS.values() for k in scale if k.startswith("-")]
    keyed[reversed_items] = 7 - keyed[reversed_items]
    r = polychoric_matrix(keyed)
    assert kmo(r)[0] == pytest.approx(expected["kmo"], abs=0.001)
    # n is the number of rows, as psych::cortest.bartlett, not the complete cases.
    assert bartlett_sphericity(r, len(keyed))["chi2"] == pytest.approx(expected["chisq"], rel=0.001)


def test_degenerate_data_warn_instead_of_failing(bfi):
    from monitor.stats.factor import PsychometricWarning

    items = bfi[["A1", "A2", "A3", "A4", "A5"]].assign(A2b=bfi["A2"])
    r = correlation_matrix(items)
    with pytest.warns(PsychometricWarning, match="duplicated\\?\\): A2 and A2b"):
        bart = bartlett_sphericity(r, len(items))
    assert np.isfinite(bart["chi2"]) and bart["df"] == 15
    with pytest.warns(PsychometricWarning, match="duplicated"):
        assert 0 < kmo(r)[0] < 1
    with pytest.warns(PsychometricWarning) as caught:
        efa(r, 2, method="ml")
    said = [str(w.message) for w in caught]
    assert all(m.startswith("EFA: ") for m in said), said
    # The duplicate comes first; whether the singular matrix is smoothed and the ML iterations stop
    # short depends on the last bits of the eigenvalues (SciPy/NumPy versions), the Heywood case not.
    assert "duplicated" in said[0]
    heywood = [m for m in said if "Heywood case(s)" in m]
    assert len(heywood) == 1 and "A2, A2b" in heywood[0]
    with pytest.warns(PsychometricWarning, match="100 respondents for 140 free parameters"):
        efa(correlation_matrix(bfi.iloc[:100]), 5, n_obs=100)
    # A nearly perfect item: minres runs into its bound and says so.
    rng = np.random.default_rng(1)
    f = rng.standard_normal(500)
    heywood = pd.DataFrame({"x1": f + 0.05 * rng.standard_normal(500), "x2": f + rng.standard_normal(500),
                            "x3": f + rng.standard_normal(500), "x4": rng.standard_normal(500) + 0.3 * f})
    with pytest.warns(PsychometricWarning) as caught:
        efa(correlation_matrix(heywood), 1)
    messages = " ".join(str(w.message) for w in caught)
    assert "did not converge" in messages and "Heywood case(s), uniqueness at or below 0.01: x1" in messages
    with pytest.raises(ValueError, match="correlation of a and b is missing"):
        kmo(pd.DataFrame([[1, np.nan, 0.2], [np.nan, 1, 0.3], [0.2, 0.3, 1]], index=list("abc"), columns=list("abc")))


def test_polychoric_parallel_analysis_takes_integer_column_names(bfi):
    """Column names 0..p-1 once raised TypeError when a resampled item had no variance."""
    frame = pd.DataFrame(bfi.iloc[:200, :6].to_numpy())
    table, suggestion = parallel_analysis(frame, n_iter=3, correlation="polychoric", seed=3)
    assert len(table) == 6 and 1 <= suggestion["n_factors"] <= 5
