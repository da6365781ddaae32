"""CFA fit indices, modification indices and measurement invariance against lavaan.

Tolerances (validity issue): chi-square 0.1%; CFI, TLI, RMSEA (and its CI), SRMR 0.002;
loadings 0.02. Published lavaan tutorial values for Holzinger-Swineford are checked too.
"""

from __future__ import annotations

import pandas as pd
import pytest

from monitor.stats.sem.measurement import fit_cfa, measurement_invariance, model_description
from monitor.survey.instrument import cfa_model

from .conftest import DATA, EXPECTED

HS_MODEL = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}
INDICES = [("cfi", "cfi"), ("tli", "tli"), ("rmsea", "rmsea"), ("rmsea_low", "rmsea.ci.lower"),
           ("rmsea_high", "rmsea.ci.upper"), ("srmr", "srmr")]


@pytest.fixture(scope="module")
def hs():
    return pd.read_csv(DATA / "holzinger_swineford.csv")


@pytest.fixture(scope="module")
def hs_fit(hs):
    return fit_cfa(hs, HS_MODEL)


def _assert_matches(ours: dict, lavaan: pd.Series):
    assert ours["chi2"] == pytest.approx(lavaan["chisq"], rel=0.001)
    assert ours["df"] == lavaan["df"]
    for mine, theirs in INDICES:
        assert ours[mine] == pytest.approx(lavaan[theirs], abs=0.002), mine


def test_holzinger_swineford_published_values(hs_fit):
    fit = hs_fit.fit
    assert round(fit["chi2"], 3) == 85.306 and fit["df"] == 24
    assert round(fit["cfi"], 3) == 0.931 and round(fit["tli"], 3) == 0.896
    assert round(fit["rmsea"], 3) == 0.092
    assert (round(fit["rmsea_low"], 3), round(fit["rmsea_high"], 3)) == (0.071, 0.114)
    assert round(fit["srmr"], 3) == 0.065
    _assert_matches(fit, pd.read_csv(EXPECTED / "lavaan_hs_cfa.csv").iloc[0])


def test_verdicts_use_the_usual_cutoffs(hs_fit):
    verdicts = hs_fit.verdicts
    assert list(verdicts.index) == ["CFI", "TLI", "RMSEA", "SRMR"]
    assert verdicts["acceptable"].tolist() == [False, False, False, True]


def test_modification_indices_match_lavaan(hs_fit):
    expected = pd.read_csv(EXPECTED / "lavaan_hs_modindices.csv")
    top = hs_fit.modification_indices.iloc[0]
    assert top["parameter"] == "visual =~ x9"
    assert top["mi"] == pytest.approx(expected.iloc[0]["mi"], rel=0.001)
    assert top["epc"] == pytest.approx(expected.iloc[0]["epc"], rel=0.001)
    second = hs_fit.modification_indices.iloc[1]
    assert second["parameter"] == "x8 ~~ x7"
    assert second["mi"] == pytest.approx(expected.iloc[1]["mi"], rel=0.001)


def test_standardized_loadings_match_lavaan(hs_fit):
    assert hs_fit.loadings.loc["x1", "visual"] == pytest.approx(0.772, abs=0.002)
    assert hs_fit.factor_correlation.loc["visual", "textual"] == pytest.approx(0.459, abs=0.002)
    # The estimates as lavaan's parameterEstimates(fit, standardized = TRUE) lays them out.
    estimates = hs_fit.estimates
    assert list(estimates.columns) == ["lhs", "op", "rhs", "label", "est", "se", "z", "pvalue", "std.all"]
    x1 = estimates[(estimates["lhs"] == "visual") & (estimates["op"] == "=~") & (estimates["rhs"] == "x1")].iloc[0]
    assert x1["std.all"] == pytest.approx(hs_fit.loadings.loc["x1", "visual"])


def test_invariance_by_school_matches_lavaan(hs):
    table = measurement_invariance(hs, HS_MODEL, "school")
    expected = pd.read_csv(EXPECTED / "lavaan_hs_invariance.csv", index_col=0)
    for step, published in [("configural", (115.851, 48)), ("metric", (124.044, 54)), ("scalar", (164.103, 60))]:
        assert (round(table.loc[step, "chi2"], 3), table.loc[step, "df"]) == published
        _assert_matches(table.loc[step].to_dict(), expected.loc[step])
    assert table.loc["scalar", "delta_df"] == 6
    assert table.loc["scalar", "delta_p"] < 0.001 < table.loc["metric", "delta_p"]


def test_instrument_model_on_demo_matches_lavaan(instrument):
    demo = pd.read_csv(DATA.parent.parent / "data" / "demo" / "responses.csv")
    model = cfa_model(instrument, "vertrouwen")
    items = [i for its in model.values() for i in its]
    frame = demo[(demo["wave"] == 2026) & demo["organisation_type"].isin(["gemeente", "zorgaanbieder"])].copy()
    frame[items] = frame[items].mask(frame[items] == 9)
    for item in instrument.reverse_items:
        if item in frame:
            frame[item] = 6 - frame[item]
    result = fit_cfa(frame, model)
    _assert_matches(result.fit, pd.read_csv(EXPECTED / "lavaan_demo_cfa.csv").iloc[0])
    loadings = pd.read_csv(EXPECTED / "lavaan_demo_loadings.csv")
    for _, row in loadings.iterrows():
        assert result.loadings.loc[row["rhs"], row["lhs"]] == pytest.approx(row["est.std"], abs=0.02)
    table = measurement_invariance(frame, model, "organisation_type")
    expected = pd.read_csv(EXPECTED / "lavaan_demo_invariance.csv", index_col=0)
    for step in ("configural", "metric", "scalar"):
        _assert_matches(table.loc[step].to_dict(), expected.loc[step])


def test_model_description_is_lavaan_syntax():
    assert model_description(HS_MODEL).splitlines()[0] == "visual =~ x1 + x2 + x3"


def test_invariance_needs_two_groups(hs):
    with pytest.raises(ValueError, match="two groups"):
        measurement_invariance(hs[hs["school"] == "Pasteur"], HS_MODEL, "school")
