"""monitor.stats.sem.cfa against lavaan 0.6 (tests/r/cfa_reference.R writes the references; the
mean-structure and growth cases of issue 22 come from tests/r/means_reference.R).

Tolerances (issue 12): chi-square 0.1% relative; fit indices (CFI, TLI, RMSEA and its CI,
SRMR, their scaled and robust versions) 0.002; loadings and standardized estimates 0.02;
standard errors 2% relative. The scaling factor of a robust chi-square follows from the
chi-squares and is held to 0.1% as well.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from monitor.stats.sem.cfa import CFAWarning, cfa, growth
from monitor.stats.sem.modindices import modification_indices
from monitor.stats.sem.syntax import ModelSyntaxError, parameter_table

from .conftest import DATA, EXPECTED

HS3 = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
LINEAR = "i =~ 1*t1 + 1*t2 + 1*t3 + 1*t4\ns =~ 0*t1 + 1*t2 + 2*t3 + 3*t4"
TWO = "f1 =~ y1 + y2 + y3 + y4\nf2 =~ y5 + y6 + y7 + y8"
BFI = "\n".join(f"{f} =~ " + " + ".join(f"{f}{i}" for i in range(1, 6)) for f in "ACENO")
CHISQ = ("chisq", "chisq.scaled", "baseline.chisq", "chisq.scaling.factor")
INDICES = ("cfi", "tli", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper", "srmr", "cfi.scaled", "tli.scaled",
           "rmsea.scaled", "cfi.robust", "tli.robust", "rmsea.robust")


def _data(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name)


CASES = {  # case: (data file, model, options), as in tests/r/cfa_reference.R
    "hs_cross": ("holzinger_swineford.csv", "visual =~ x1 + x2 + x3 + x9\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9", {}),
    "hs_fixed_labels": ("holzinger_swineford.csv", "visual =~ x1 + a*x2 + a*x3\ntextual =~ NA*x4 + x5 + x6\n"
                        "speed =~ x7 + 0.8*x8 + x9\ntextual ~~ 1*textual\nvisual ~~ 0*speed", {}),
    "hs_second_order": ("holzinger_swineford.csv", HS3 + "\ng =~ visual + textual + speed", {}),
    "hs_regression": ("holzinger_swineford.csv", HS3 + "\nspeed ~ visual + textual\nvisual ~ ageyr", {}),
    "hs_regression_mlr": ("holzinger_swineford.csv", HS3 + "\nspeed ~ visual + textual\nvisual ~ ageyr",
                          {"estimator": "MLR"}),
    "hs_std_lv": ("holzinger_swineford.csv", HS3, {"std_lv": True}),
    "hs_mlr": ("holzinger_swineford.csv", HS3, {"estimator": "MLR"}),
    "hs_mlr_rescov": ("holzinger_swineford.csv", HS3 + "\nx7 ~~ x8", {"estimator": "MLR"}),
    "hs_fiml": ("holzinger_swineford_missing.csv", HS3, {"missing": "fiml"}),
    "hs_fiml_mlr": ("holzinger_swineford_missing.csv", HS3, {"missing": "fiml", "estimator": "MLR"}),
    "hs_fiml_mlr_school": ("holzinger_swineford_missing.csv", HS3,
                           {"missing": "fiml", "estimator": "MLR", "group": "school"}),
    "hs_listwise": ("holzinger_swineford_missing.csv", HS3, {}),
    "hs_invariance_configural": ("holzinger_swineford.csv", HS3, {"group": "school"}),
    "hs_invariance_loadings": ("holzinger_swineford.csv", HS3, {"group": "school", "group_equal": ("loadings",)}),
    "hs_invariance_loadings_intercepts": ("holzinger_swineford.csv", HS3,
                                          {"group": "school", "group_equal": ("loadings", "intercepts")}),
    "hs_invariance_loadings_intercepts_residuals": (
        "holzinger_swineford.csv", HS3, {"group": "school", "group_equal": ("loadings", "intercepts", "residuals")}),
    # mean structures (tests/r/means_reference.R): one `~ 1` line fits the means of every item
    "hs_intercept": ("holzinger_swineford.csv", HS3 + "\nx1 ~ 1", {}),
    "hs_intercept_mlr": ("holzinger_swineford.csv", HS3 + "\nx1 ~ 1", {"estimator": "MLR"}),
    "hs_meanstructure": ("holzinger_swineford.csv", HS3, {"meanstructure": True}),
    "hs_latent_mean": ("holzinger_swineford.csv", HS3 + "\nvisual ~ 1\nx1 ~ 0*1", {}),
    "hs_intercept_school": ("holzinger_swineford.csv", HS3 + "\nx1 ~ 1", {"group": "school"}),
    "hs_latent_mean_fiml_mlr": ("holzinger_swineford_missing.csv", HS3 + "\nvisual ~ 1\nx1 ~ 0*1",
                                {"missing": "fiml", "estimator": "MLR"}),
    "growth_linear": ("demo_growth.csv", LINEAR, {}),
    "growth_linear_mlr": ("demo_growth.csv", LINEAR, {"estimator": "MLR"}),
    "growth_covariates": ("demo_growth.csv", LINEAR + "\ni ~ x1 + x2\ns ~ x1 + x2", {}),
    "ord5_wlsmv": ("ordinal_5cat_8items.csv", TWO, {"estimator": "WLSMV", "ordered": True}),
    "ord5_dwls": ("ordinal_5cat_8items.csv", TWO, {"estimator": "DWLS", "ordered": True}),
    "ord4_wlsmv": ("ordinal_4cat_6items.csv", "f =~ y1 + y2 + y3 + y4 + y5 + y6", {"estimator": "WLSMV", "ordered": True}),
    "ord7_wlsmv": ("ordinal_7cat_12items.csv", "f1 =~ y1 + y2 + y3 + y4\nf2 =~ y5 + y6 + y7 + y8\nf3 =~ y9 + y10 + y11 + y12",
                   {"estimator": "WLSMV", "ordered": True}),
    "bfi_wlsmv": ("bfi.csv", BFI, {"estimator": "WLSMV", "ordered": True}),
}
# Ordinal invariance (Wu & Estabrook 2016), against lavaan on semTools::measEq.syntax's models.
for _step in ("configural", "thresholds", "thresholds_loadings", "thresholds_loadings_intercepts"):
    CASES[f"ord5_invariance_{_step}"] = ("ordinal_5cat_8items.csv", TWO, {
        "estimator": "WLSMV", "ordered": True, "group": "group",
        "group_equal": () if _step == "configural" else tuple(_step.split("_"))})


FUNCTIONS = {case: growth for case in CASES if case.startswith("growth")}  # lavaan's growth(); cfa() otherwise


@pytest.fixture(scope="module")
def fits():
    cache = {}

    def get(case):
        if case not in cache:
            data, model, options = CASES[case]
            frame = _data(data)
            if data.startswith("ordinal"):
                frame = frame.drop(columns=[c for c in frame if not c.startswith("y") and c != options.get("group")])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", CFAWarning)  # listwise loss, Heywood cases...: tested below
                cache[case] = FUNCTIONS.get(case, cfa)(frame, model, **options)
        return cache[case]
    return get


def _lavaan(case: str) -> tuple[pd.Series, pd.DataFrame]:
    fit = pd.read_csv(EXPECTED / f"cfa_{case}_fit.csv").set_index("measure")["value"]
    est = pd.read_csv(EXPECTED / f"cfa_{case}_est.csv", keep_default_na=False, na_values=[""])
    est["rhs"] = est["rhs"].fillna("")
    return fit, est


@pytest.mark.parametrize("case", list(CASES))
def test_fit_measures_match_lavaan(fits, case):
    ours = fits(case).fit
    lavaan, _est = _lavaan(case)
    assert ours["df"] == lavaan["df"]
    assert ours["npar"] == lavaan["npar"]
    compared = 0
    for key in CHISQ:
        if key in lavaan.index:
            assert ours[key] == pytest.approx(lavaan[key], rel=0.001), key
            compared += 1
    for key in INDICES:
        if key in lavaan.index and np.isfinite(lavaan[key]):
            assert ours[key] == pytest.approx(lavaan[key], abs=0.002), key
            compared += 1
    assert compared >= 8


@pytest.mark.parametrize("case", list(CASES))
def test_parameter_estimates_match_lavaan(fits, case):
    ours = fits(case).estimates
    _fit, lavaan = _lavaan(case)
    keys = ["lhs", "op", "rhs"] + (["group"] if "group" in lavaan else [])
    merged = lavaan.merge(ours, on=keys, how="left", suffixes=("_lavaan", ""))
    assert merged["est"].notna().all(), merged.loc[merged["est"].isna(), keys]
    assert len(ours) == len(lavaan)
    np.testing.assert_allclose(merged["est"], merged["est_lavaan"], atol=0.02)
    np.testing.assert_allclose(merged["std.all"], merged["std.all_lavaan"], atol=0.02)
    np.testing.assert_allclose(merged["se"], merged["se_lavaan"], rtol=0.02, atol=1e-6)
    free = merged["se_lavaan"] > 0
    np.testing.assert_allclose(merged.loc[free, "z"], merged.loc[free, "z_lavaan"], rtol=0.02)


def test_holzinger_swineford_cross_loading_published(fits):
    fit = fits("hs_cross").fit
    assert (round(fit["chisq"], 3), fit["df"]) == (52.382, 23)


def test_modification_indices_match_lavaan(fits):
    ours = modification_indices(cfa(_data("holzinger_swineford.csv"), HS3))
    lavaan = pd.read_csv(EXPECTED / "lavaan_hs_modindices.csv").head(6)
    for _, row in lavaan.iterrows():
        match = ours[((ours["lhs"] == row["lhs"]) & (ours["rhs"] == row["rhs"]))
                     | ((ours["op"] == "~~") & (ours["lhs"] == row["rhs"]) & (ours["rhs"] == row["lhs"]))]
        match = match[match["op"] == row["op"]]
        assert len(match) == 1, row.to_dict()
        assert match.iloc[0]["mi"] == pytest.approx(row["mi"], rel=0.001)
        assert match.iloc[0]["epc"] == pytest.approx(row["epc"], rel=0.001)
    assert ours["mi"].is_monotonic_decreasing


def test_wlsmv_reports_the_robust_measures(fits):
    fit = fits("ord5_wlsmv").fit
    for key in ("chisq.scaled", "chisq.scaling.factor", "cfi.scaled", "tli.scaled", "rmsea.scaled",
                "cfi.robust", "tli.robust", "rmsea.robust"):
        assert np.isfinite(fit[key]), key
    # the robust indices differ from the scaled ones here (Savalei 2021), as lavaan's do
    assert fit["cfi.robust"] < fit["cfi.scaled"] - 0.01


def test_warnings_for_listwise_loss_and_heywood():
    frame = _data("holzinger_swineford_missing.csv")
    with pytest.warns(CFAWarning, match="rows dropped"):
        cfa(frame, HS3)
    ordinal = _data("ordinal_7cat_12items.csv")
    with pytest.warns(CFAWarning, match="Heywood"):
        cfa(ordinal, CASES["ord7_wlsmv"][1], estimator="WLSMV", ordered=True)


def test_warning_for_few_cases_per_parameter():
    frame = _data("holzinger_swineford.csv").head(60)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cfa(frame, HS3)
    messages = [str(w.message) for w in caught if issubclass(w.category, CFAWarning)]
    assert any("60 cases for 21 free parameters (fewer than 5 per parameter)" in m for m in messages)
    assert any("Heywood" in m for m in messages)  # this small sample also gives a negative variance


def test_a_singular_covariance_matrix_is_a_clear_error():
    frame = _data("holzinger_swineford.csv")
    frame["x10"] = frame["x1"] + frame["x2"] - frame["x3"]
    with pytest.raises(ValueError, match="not positive definite"):
        cfa(frame, HS3 + "\nvisual =~ x10")


def test_warning_for_an_unidentified_model():
    frame = _data("holzinger_swineford.csv")
    with pytest.warns(CFAWarning, match="identified|converge"):
        cfa(frame, "f =~ x1 + x2\ng =~ x4 + x5 + x6\nf ~~ 0*g")  # a lone two-indicator factor


@pytest.mark.parametrize(("options", "message"), [
    ({"estimator": "GLS"}, "estimator must be one of"),
    ({"estimator": "ML", "ordered": True}, "ordered items need"),
    ({"estimator": "WLSMV"}, "needs ordered items"),
    ({"missing": "pairwise"}, "missing must be"),
    ({"group": "nope"}, "group column"),
    ({"group": "school", "group_equal": ("everything",)}, "unknown group_equal"),
])
def test_bad_options_give_one_line_errors(options, message):
    frame = _data("holzinger_swineford.csv")
    with pytest.raises(ValueError, match=message):
        cfa(frame, HS3, **options)


def test_bad_model_syntax_and_data_give_one_line_errors():
    frame = _data("holzinger_swineford.csv")
    with pytest.raises(ModelSyntaxError, match="not in the data"):
        cfa(frame, "visual =~ x1 + x2 + nope")
    with pytest.raises(ModelSyntaxError, match="no operator"):
        cfa(frame, "visual x1 x2")
    with pytest.raises(ModelSyntaxError, match="empty"):
        cfa(frame, "  # nothing\n")
    text = frame.assign(x1=frame["x1"].astype(str) + "a")
    with pytest.raises(ValueError, match="must hold numbers"):
        cfa(text, HS3)
    with pytest.raises(TypeError, match="DataFrame"):
        cfa(frame.to_numpy(), HS3)


@pytest.mark.parametrize(("model", "message"), [
    ("f =~ x1 + x2 + x3 +", "a term is missing"),
    ("f =~ x1 + x2 + x3\nf ~ f", "cannot predict itself"),
    ("f =~ x1 + x2\ng =~ x3 + x4\nx1 ~~ x2\nx3 ~~ x4\nx1 ~~ x3", "not identified"),
    ("f =~ x1 + 'a'*x2 + x3", "cannot read the modifier"),
    ("f =~ x1 + x2 + x3\nf == 1", "not supported"),
    ("f =~ x1 + a*x2 + x3\nd := a*q", "unknown label"),
    ("f =~ x1 + a*x2 + x3\nd := a*2\nd := a", "defined twice"),
    ("f =~ x1 + a*x2 + x3\na := 2", "already a label"),
    ("f =~ x1 + a*x2 + x3\nd := __import__('os')", "may be called"),
    ("f =~ x1 + a*x2 + x3\nd := a.real", "cannot read the expression"),
    ("f =~ x1 + a*x2 + x3\nd := a +", "cannot read the expression"),
])
def test_bad_models_give_one_line_errors(model, message):
    with pytest.raises(ValueError, match=message):
        cfa(_data("holzinger_swineford.csv"), model)


def test_defined_parameters_and_their_bootstrap():
    """``:=`` gives the expression of the labelled estimates with a delta-method SE (checked
    against lavaan in tests/test_thesis.py); the bootstrap refits from the estimates."""
    from monitor.stats.sem.bootstrap import bootstrap

    frame = _data("holzinger_swineford.csv")
    fit = cfa(frame, "visual =~ x1 + a*x2 + b*x3\ntextual =~ x4 + x5 + x6\nratio := a/b\n"
                     "both := ratio^2 + sqrt(abs(a)) - 1")
    est = fit.estimates.set_index("label")
    a, b = est.loc["a", "est"], est.loc["b", "est"]
    assert est.loc["ratio", "est"] == pytest.approx(a / b)
    assert est.loc["both", "est"] == pytest.approx((a / b) ** 2 + np.sqrt(a) - 1)
    assert est.loc["ratio", "rhs"] == "a/b" and est.loc["ratio", "op"] == ":=" and est.loc["ratio", "se"] > 0
    boot = bootstrap(fit, frame, n_boot=50, seed=3)
    again = bootstrap(fit, frame, n_boot=50, seed=3)
    pd.testing.assert_frame_equal(boot.draws, again.draws)
    assert boot.failed == 0 and list(boot.draws.columns[-2:]) == ["ratio", "both"]
    assert "visual=~x2" in boot.draws.columns and "visual=~x1" not in boot.draws.columns  # free parameters only
    interval = boot.intervals().loc["ratio"]
    assert interval["ci.lower"] < est.loc["ratio", "est"] < interval["ci.upper"]
    assert interval["se"] == pytest.approx(est.loc["ratio", "se"], rel=0.5)


@pytest.mark.filterwarnings("ignore::monitor.stats.sem.cfa.CFAWarning")
def test_an_item_without_variance_is_a_clear_error():
    frame = _data("holzinger_swineford_missing.csv")
    for missing in ("fiml", "listwise"):
        with pytest.raises(ValueError, match="'x1' has no variance"):
            cfa(frame.assign(x1=1.0), HS3, missing=missing)
        with pytest.raises(ValueError, match="'x1' has no variance"):
            cfa(frame.assign(x1=np.nan), HS3, missing=missing)


def test_infinite_values_and_saturated_models():
    frame = _data("holzinger_swineford.csv")
    with pytest.raises(ValueError, match="infinite"):
        cfa(frame.assign(x1=np.where(frame["x1"] > 6, np.inf, frame["x1"])), HS3)
    with pytest.warns(CFAWarning, match="saturated"):
        fit = cfa(frame, "f =~ x1 + x2 + x3")
    assert fit.fit["df"] == 0 and fit.fit["chisq"] == pytest.approx(0, abs=1e-6)


def test_ordinal_input_errors():
    frame = _data("ordinal_5cat_8items.csv")
    sparse = frame[~((frame["group"] == "gemeente") & (frame["y1"] == 1))]
    with pytest.raises(ValueError, match="empty category in group 'gemeente'"):
        cfa(sparse, TWO, estimator="WLSMV", ordered=True, group="group")
    hs = _data("holzinger_swineford.csv")
    with pytest.raises(ValueError, match="treat it as continuous"):
        cfa(hs, HS3, estimator="WLSMV", ordered=True)
    with pytest.raises(ValueError, match="mixed models are not supported"):
        cfa(frame, TWO, estimator="WLSMV", ordered=["y1", "y2"])


def test_parameter_table_reads_modifiers_and_adds_lavaan_defaults():
    rows, roles = parameter_table("f =~ x1 + a*x2 + start(0.5)*x3 + c(NA, 1)*x4\nf ~~ 1*f\ny ~ f + 1e-1*z + score\n"
                                  "# comment\n", ["x1", "x2", "x3", "x4", "y", "z", "score"], groups=2)
    first = {(r.lhs, r.op, r.rhs): r for r in rows if r.group == 1}
    second = {(r.lhs, r.op, r.rhs): r for r in rows if r.group == 2}
    assert first[("f", "=~", "x1")].value == 1.0 and not first[("f", "=~", "x1")].free
    assert first[("f", "=~", "x2")].label == "a" and first[("f", "=~", "x3")].start == 0.5
    assert first[("f", "=~", "x4")].free and second[("f", "=~", "x4")].value == 1.0
    assert first[("f", "~~", "f")].value == 1.0
    assert ("y", "~~", "y") in first and ("z", "~~", "z") in first and first[("z", "~~", "z")].extra["fixed_x"]
    assert first[("y", "~", "z")].value == 0.1 and first[("y", "~", "score")].free
    assert roles["latent"] == ["f"] and roles["exogenous_observed"] == ["z", "score"]


def test_means_are_fitted_once_the_model_names_one(fits):
    """Issue 22: `x1 ~ 1` used to add one free intercept left at its start value (df 23, 22
    parameters); lavaan fits all nine intercepts (df 24, 30 parameters) and so do we."""
    for case in ("hs_intercept", "hs_meanstructure"):
        fit = fits(case)
        assert (fit.fit["npar"], fit.fit["df"]) == (30, 24)
        intercepts = fit.estimates.query("op == '~1'").set_index("lhs")
        assert intercepts.loc["x1", "est"] == pytest.approx(4.936, abs=0.001)  # lavaan: the sample mean
        assert (intercepts.loc[[f"x{i}" for i in range(1, 10)], "se"] > 0).all()
        assert (intercepts.loc[["visual", "textual", "speed"], ["est", "se"]] == 0).all(axis=None)
    means = fits("hs_latent_mean").estimates.query("op == '~1'").set_index("lhs")
    assert means.loc["visual", "se"] > 0 and means.loc["x1", "est"] == 0


def test_growth_means_and_refit(fits):
    fit = fits("growth_linear")
    assert (fit.fit["npar"], fit.fit["df"]) == (9, 5)
    means = fit.estimates.query("op == '~1'").set_index("lhs")
    assert (means.loc[["t1", "t2", "t3", "t4"], "est"] == 0).all()  # int.ov.free = FALSE
    assert (means.loc[["i", "s"], "se"] > 0).all()  # int.lv.free = TRUE
    np.testing.assert_allclose(fit.refit(_data("demo_growth.csv")), fit.estimates["est"], atol=1e-6)


def test_unchanged_models_keep_no_mean_structure(fits):
    assert fits("hs_std_lv").estimates.query("op == '~1'").empty
    assert fits("hs_std_lv").fit["df"] == 24


@pytest.mark.parametrize(("model", "named"), [
    (HS3 + "\nx1 | t1", "x1|t1"),  # a threshold of a continuous item
    (HS3 + "\nx2 ~*~ x2", "x2~*~x2"),  # a scale factor of a continuous item
])
def test_a_parameter_outside_the_likelihood_is_an_error(model, named):
    with pytest.raises(ValueError, match=f"cannot be estimated: {named.replace('|', '[|]').replace('*', '[*]')}$"):
        cfa(_data("holzinger_swineford.csv"), model)
