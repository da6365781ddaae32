"""The thesis-style analysis: reference models, recovery of a known truth, the notebook."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import papermill
import pytest

from monitor.analyses import thesis
from monitor.core.config import NOTEBOOKS_DIR
from monitor.stats import modelling
from monitor.survey.synthetic import RESULT_PATHS, TRUST_PATHS, TRUST_TO_RESULTS, simulate

from .conftest import DATA, EXPECTED

FACTORS = list(RESULT_PATHS)


def test_notebook_parameters_are_documented():
    params = papermill.inspect_notebook(str(NOTEBOOKS_DIR / "collaboration_factors.ipynb"))
    assert list(params) == ["data_path", "store", "mapping_path", "instrument_path", "waves", "n_factors", "rotation",
                            "correlation", "outcome", "grouping", "output_dir", "language", "n_boot", "seed"]
    assert params["language"]["default"] == '"en"'


# -- against R: tests/r/thesis_reference.R on tests/data/demo_scores.csv ----------------------------
# Tolerances: the regression's coefficients 1e-10 and SEs 1e-6 (relative); the path model's ML
# estimates 1e-6, SEs (also the delta-method SEs of the indirect effects) 1e-5 relative and its
# chi-square 1e-6: OLS and lavaan's ML agree to machine precision, the tolerance is the margin of
# the iterative fit. Bootstrap draws differ between R and Python: the percentile bounds must lie
# within half a bootstrap SE of lavaan's (Monte Carlo error of a 2.5% quantile from 1000 draws, twice,
# is about 0.12 SE), the bootstrap SEs within 15%.
PATH_MODEL = pd.read_csv(EXPECTED / "thesis_path_model.csv", keep_default_na=False)
BOOTSTRAP = pd.read_csv(EXPECTED / "thesis_path_model_bootstrap.csv", keep_default_na=False)


def _row_id(row) -> str:
    return f"{row['lhs']} {row['op']} {row['rhs']}"


@pytest.fixture(scope="module")
def demo_scores():
    return pd.read_csv(DATA / "demo_scores.csv")


@pytest.fixture(scope="module")
def path_fit(demo_scores):
    """The engine's fit of the path model, on the z-scores R fits (complete rows, scale())."""
    from monitor.stats.sem.cfa import cfa

    data = demo_scores[["transformatieresultaten", "trust_index"] + FACTORS + ["region"]].dropna()
    z = modelling.zscore(data.drop(columns="region"))
    with pytest.warns(UserWarning, match="saturated"):
        result = cfa(z, modelling.path_model_syntax("transformatieresultaten", FACTORS, "trust_index"))
    return result, z.assign(region=data["region"])


@pytest.fixture(scope="module")
def mediation(demo_scores):
    return modelling.mediation_model(demo_scores, "transformatieresultaten", FACTORS, "trust_index", n_boot=200)


def test_regression_matches_r_lm_with_sandwich_cluster_se(demo_scores):
    table, summary = modelling.standardized_regression(demo_scores, "transformatieresultaten", FACTORS)
    expected = pd.read_csv(EXPECTED / "thesis_regression.csv").set_index("term").drop(index="(Intercept)")
    np.testing.assert_allclose(table["beta"], expected.loc[FACTORS, "beta"], atol=1e-10)
    np.testing.assert_allclose(table["se"], expected.loc[FACTORS, "se_cluster"], rtol=1e-6)
    fit = pd.read_csv(EXPECTED / "thesis_regression_fit.csv").iloc[0]
    assert (summary["n"], summary["clusters"]) == (fit["n"], fit["clusters"]) == (3508, 6)
    assert summary["r2"] == pytest.approx(fit["r2"], abs=1e-10)
    assert summary["adj_r2"] == pytest.approx(fit["adj_r2"], abs=1e-10)


@pytest.mark.parametrize("row", PATH_MODEL.to_dict("records"), ids=_row_id)
def test_path_model_estimate_matches_lavaan(path_fit, row):
    """Every path, residual variance and indirect effect (``:=``, delta-method SE) as lavaan's
    ``parameterEstimates(sem(...), standardized = TRUE)``."""
    estimates = path_fit[0].estimates
    ours = estimates[(estimates["lhs"] == row["lhs"]) & (estimates["op"] == row["op"]) & (estimates["rhs"] == row["rhs"])]
    assert len(ours) == 1
    ours = ours.iloc[0]
    assert ours["label"] == row["label"]
    assert ours["est"] == pytest.approx(row["est"], abs=1e-6)
    assert ours["se"] == pytest.approx(row["se"], rel=1e-5)
    assert ours["z"] == pytest.approx(row["z"], rel=1e-5)
    assert ours["std.all"] == pytest.approx(row["std.all"], abs=1e-6)


def test_path_model_fit_matches_lavaan(path_fit):
    result, _z = path_fit
    lavaan = pd.read_csv(EXPECTED / "thesis_path_model_fit.csv").iloc[0]
    assert result.fit["chisq"] == pytest.approx(lavaan["chisq"], abs=1e-6)
    assert (result.fit["df"], result.fit["npar"], result.n) == (lavaan["df"], lavaan["npar"], lavaan["ntotal"]) == (0, 17, 3508)
    assert result.fit["logl"] == pytest.approx(lavaan["logl"], rel=1e-9)


def test_mediation_model_reports_lavaans_numbers(mediation):
    """:func:`mediation_model` hands on the engine's paths, indirect effects and fit."""
    paths = PATH_MODEL[PATH_MODEL["op"] == "~"]
    ours = mediation.paths.set_index(["to", "from"]).loc[list(zip(paths["lhs"], paths["rhs"], strict=True))]
    np.testing.assert_allclose(ours["estimate"], paths["est"], atol=1e-6)
    np.testing.assert_allclose(ours["se"], paths["se"], rtol=1e-5)
    defined = PATH_MODEL[PATH_MODEL["op"] == ":="]
    np.testing.assert_allclose(mediation.indirect["indirect"], defined["est"], atol=1e-6)
    np.testing.assert_allclose(mediation.indirect["total"], mediation.indirect["direct"] + defined["est"].to_numpy(),
                               atol=1e-6)
    residual = PATH_MODEL[(PATH_MODEL["lhs"] == "trust_index") & (PATH_MODEL["op"] == "~~")].iloc[0]
    assert mediation.fit["r2_mediator"] == pytest.approx(1 - residual["std.all"], abs=1e-6)
    assert mediation.fit["df"] == 0 and mediation.fit["chi2"] == pytest.approx(0, abs=1e-6)  # saturated
    assert mediation.fit["n_boot_failed"] == 0
    assert (mediation.indirect["ci_low"] <= mediation.indirect["indirect"]).all()
    assert (mediation.indirect["indirect"] <= mediation.indirect["ci_high"]).all()


def test_bootstrap_is_reproducible_by_seed(demo_scores, mediation):
    again = modelling.mediation_model(demo_scores, "transformatieresultaten", FACTORS, "trust_index", n_boot=200)
    pd.testing.assert_frame_equal(again.indirect, mediation.indirect)
    other = modelling.mediation_model(demo_scores, "transformatieresultaten", FACTORS, "trust_index", n_boot=200, seed=7)
    assert not np.allclose(other.indirect["ci_low"], mediation.indirect["ci_low"])


def test_bootstrap_of_cases_agrees_with_lavaans(path_fit):
    """Resampling cases (lavaan has no cluster bootstrap), 1000 draws as the R script."""
    from monitor.stats.sem.bootstrap import bootstrap

    result, z = path_fit
    intervals = bootstrap(result, z, n_boot=1000, seed=2026).intervals(0.95)
    lavaan = BOOTSTRAP.assign(name=[row["lhs"] if row["op"] == ":=" else _row_id(row).replace(" ", "")
                                    for row in BOOTSTRAP.to_dict("records")]).set_index("name")
    ours = intervals.loc[lavaan.index]
    np.testing.assert_allclose(ours["se"], lavaan["se"], rtol=0.15)
    assert ((ours["ci.lower"] - lavaan["ci.lower"]).abs() < 0.5 * lavaan["se"]).all()
    assert ((ours["ci.upper"] - lavaan["ci.upper"]).abs() < 0.5 * lavaan["se"]).all()


@pytest.fixture(scope="module")
def recovery(tmp_path_factory):
    path = tmp_path_factory.mktemp("truth") / "sim.csv"
    sim = simulate(regions=20, respondents=8000, waves=1, seed=31)
    sim.responses.to_csv(path, index=False)
    td = thesis.load_thesis_data(path)
    return td, sim.truth


def test_recovers_which_factors_drive_results_and_the_mediation(recovery):
    td, truth = recovery
    result = modelling.mediation_model(td.scores, td.outcome, td.factors, td.mediator, n_boot=300, seed=1)
    direct, indirect = result.indirect["direct"], result.indirect
    # Direct effects: sign of every path of at least .10 in the truth, and size within .10.
    for factor, true in RESULT_PATHS.items():
        if abs(true) >= 0.10:
            assert np.sign(direct[factor]) == np.sign(true), factor
        assert direct[factor] == pytest.approx(true, abs=0.10), factor
    assert direct.abs().idxmax() == "reflectief_proces"
    # Mediation: the strongest trust paths carry a clearly non-zero indirect effect of the right sign.
    for factor in ("balans_relatie", "argumentatief_proces", "betekenisgeving"):
        true = TRUST_PATHS[factor] * TRUST_TO_RESULTS
        assert np.sign(indirect.loc[factor, "indirect"]) == np.sign(true)
        assert indirect.loc[factor, "ci_low"] > 0 or indirect.loc[factor, "ci_high"] < 0, factor
        assert indirect.loc[factor, "indirect"] == pytest.approx(true, abs=0.05), factor


def test_recovers_the_factor_structure(recovery):
    from monitor.stats import factor

    td, _truth = recovery
    _table, suggestion = factor.parallel_analysis(td.vd.items, seed=3)
    assert suggestion["n_factors"] == len(td.factors) == 7
    efa_result = factor.efa(factor.correlation_matrix(td.vd.items), 7, target=td.vd.target)
    main = efa_result.loadings_.abs().idxmax(axis=1)
    assert (main == pd.Series(td.vd.target)[main.index]).all()
    names = thesis.factor_naming(td, efa_result)
    assert (names["items_intended_here"] == 3).all()


def test_findings_name_the_numbers(recovery):
    td, _truth = recovery
    regression, _summary, _mediation, indirect = thesis.explanatory_models(td, n_boot=100)
    gaps, _note = thesis.perspectives(td, None)
    text = thesis.findings(td, regression, indirect, gaps)
    assert "strongest predictor of the perceived transformation results is **Reflective process**" in text
    assert "**Argumentative process** works against the outcome" in text
    import dataclasses

    td_nl = dataclasses.replace(td, language="nl")
    regression_nl, summary, _mediation, indirect_nl = thesis.explanatory_models(td_nl, n_boot=100)
    dutch = thesis.findings(td_nl, regression_nl, indirect_nl, thesis.perspectives(td_nl, None)[0])
    assert thesis.model_summary(summary, "nl").startswith(f"n = {summary['n'] // 1000}.")
    assert "De sterkste voorspeller van de ervaren transformatieresultaten is **Reflectief proces**" in dutch
    assert "Reflectieve ruimte in de governance" in dutch and "β = ," in dutch and "β = 0," not in dutch  # APA
    assert re.search(r"R² = ,\d{3} \(gecorrigeerd ,\d{3}\)", thesis.model_summary(summary, "nl"))
    assert "β = ." in text and not re.search(r"β = -?0\.|\(-?0\.\d{3}, 95% CI -?0\.", text)  # β, indirect: APA
    assert "Reflective space in the governance" in text


def test_figures_saved_for_a_thesis(tmp_path):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    paths = thesis.save_figure(fig, "demo", tmp_path)
    assert [p.suffix for p in paths] == [".png", ".svg"] and all(p.stat().st_size > 1000 for p in paths)


def test_figures_are_identical_on_every_run(tmp_path):
    """Two runs (two figures drawn from the same numbers) write byte-identical PNG and SVG: no
    date in the SVG, ids salted with a fixed salt, not a random one."""
    import matplotlib.pyplot as plt

    table = pd.DataFrame({"beta": [0.31, -0.12, 0.05], "ci_low": [0.2, -0.2, -0.03], "ci_high": [0.42, -0.04, 0.13]},
                         index=["Reflectief proces", "Argumentatief proces", "Balans"])
    runs = []
    for run in ("first", "second"):
        fig = thesis.coefficient_figure(table, "Coëfficiënten", "nl")
        runs.append([path.read_bytes() for path in thesis.save_figure(fig, "coefficients", tmp_path / run)])
        plt.close(fig)
    assert runs[0] == runs[1]
    svg = runs[0][1].decode("utf-8")
    assert "<dc:date>" not in svg and 'id="' in svg and plt.rcParams["svg.hashsalt"] is None  # global rc untouched


def test_regression_note_carries_the_few_clusters_warning(recovery, tmp_path):
    import dataclasses

    td, _truth = recovery
    regression, summary, _mediation, _indirect = thesis.explanatory_models(td, n_boot=20)
    assert summary["clusters"] == thesis.FEW_CLUSTERS  # 20 regions: enough, no warning
    many = thesis.show_table(td, {}, "regression", regression, n=summary["n"], clusters=summary["clusters"],
                             r2=summary["r2"])
    assert "Cameron &amp; Miller, 2015\\); R² = \\." in many and "too small" not in many  # R² without leading zero
    td_nl, tables = dataclasses.replace(td, language="nl"), {}
    few = thesis.show_table(td_nl, tables, "regression", regression, n=summary["n"], clusters=6, r2=summary["r2"])
    warning = thesis.few_clusters(6, "nl")
    assert warning.startswith("Met maar 6 regio's als clusters") and warning in thesis.model_summary(
        {**summary, "clusters": 6}, "nl")
    thesis.export_tables(td_nl, tables, tmp_path)
    md, tex = (tmp_path / "regression.md").read_text(encoding="utf-8"), (tmp_path / "regression.tex").read_text("utf-8")
    for written in (few, md):
        assert "Met maar 6 regio's als clusters zijn clusterrobuuste standaardfouten vaak te klein" in written
    assert "Met maar 6 regio's als clusters zijn clusterrobuuste standaardfouten vaak te klein" in tex
    assert tex.index("\\emph{Noot.}") < tex.index("Met maar 6 regio's")


def test_thesis_tables_are_apa_in_the_chosen_language(recovery, tmp_path, monkeypatch):
    import dataclasses

    td, _truth = recovery
    td = dataclasses.replace(td, language="nl")
    regression, summary, mediation, indirect = thesis.explanatory_models(td, n_boot=50)
    tables = {}
    thesis.show_table(td, tables, "sample_type_wave", thesis.sample_tables(td)["sample_type_wave"])
    md = thesis.show_table(td, tables, "regression", regression, n=summary["n"], clusters=summary["clusters"],
                           r2=summary["r2"])
    assert md.startswith("**Tabel 2**\n\n*Gestandaardiseerde regressie van de ervaren transformatieresultaten op de "
                         "samenwerkingsfactoren*")
    assert "| Factor " in md and "95%\\-BI onder" in md and "p_value" not in md and "ci_low" not in md
    row = next(line for line in md.splitlines() if line.startswith("| Reflectief proces"))
    beta = regression.loc["Reflectief proces", "beta"]
    assert f" {f'{beta:.2f}'.replace('0.', ',', 1)} | " in row and "&lt; ,001" in row  # β as APA: ,28; p = 0
    assert f"*Noot.* Kleinste\\-kwadratenregressie op z\\-scores; n = {summary['n'] // 1000}\\.{summary['n'] % 1000:03d};" in md
    perspectives, note = thesis.perspectives(td, None)
    md = thesis.show_table(td, tables, "perspectives", perspectives, first="gemeente", second="zorgaanbieder",
                           note=note)
    assert "*Gemeente en zorgaanbieder vergeleken*" in md and "M Gemeente |" in md
    assert f"minder dan {thesis.MIN_GROUP_SIZE} antwoorden" in md
    monkeypatch.chdir(tmp_path)
    message = thesis.export_tables(td, tables, tmp_path / "uit")
    assert "`uit`" in message and str(tmp_path) not in message and "perspectives" in message  # 10 columns: wide
    tex = (tmp_path / "uit" / "regression.tex").read_text(encoding="utf-8")
    assert "\\caption{Gestandaardiseerde regressie van de ervaren transformatieresultaten" in tex
    assert "\\toprule" in tex and "\\textless{} ,001" in tex and "\\begin{table}" in tex
    assert "\\begin{longtable}" in (tmp_path / "uit" / "perspectives.tex").read_text(encoding="utf-8")
    assert (tmp_path / "uit" / "sample_type_wave.md").read_text(encoding="utf-8").startswith("**Tabel 1**")


def test_correlation_note_states_the_marks_the_code_applies(recovery):
    td, _truth = recovery
    md = thesis.show_table(td, {}, "correlations", thesis.correlations(td))
    marks = ", ".join(f"{mark} p < {str(level).lstrip('0')}" for level, mark in reversed(modelling.STAR_LEVELS))
    from monitor.core.escaping import escape_markdown

    assert escape_markdown(marks) in md
    assert modelling.stars(0.0009) == "***" and modelling.stars(0.04) == "*" and modelling.stars(0.06) == ""


@pytest.fixture(scope="module")
def rendered_nl(tmp_path_factory):
    folder = tmp_path_factory.mktemp("thesis_nl")
    out = folder / "thesis.ipynb"
    papermill.execute_notebook(str(NOTEBOOKS_DIR / "collaboration_factors.ipynb"), str(out),
                               kernel_name="samenwerkingsmonitor", progress_bar=False, cwd=str(folder),
                               parameters={"language": "nl", "n_boot": 50, "output_dir": str(folder / "tabellen")})
    import nbformat

    return folder, nbformat.read(out, as_version=4)


def test_notebook_in_dutch_shows_apa_tables_relative_paths_and_references(rendered_nl):
    folder, nb = rendered_nl
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    texts = ["".join(o.get("data", {}).get("text/markdown", "")) + "".join(o.get("data", {}).get("text/plain", ""))
             + "".join(o.get("text", "")) for o in outputs]
    shown = "\n".join(texts)
    assert not any(o.get("output_type") == "error" for o in outputs)
    assert "pandas" not in shown and "rows x" not in shown and "DataFrame" not in shown  # no raw frames
    assert "NaN" not in shown and "True" not in shown and "p_value" not in shown
    assert str(folder) not in shown and "/work/" not in shown  # no server paths
    assert "**Tabel 1**" in shown and "*Noot.*" in shown and "&lt; ,001" in shown
    assert "Tabellen geschreven naar `tabellen`" in shown
    assert "## Literatuur" in shown and "Mejres, R\\., van Erve" in shown and "Rosseel, Y\\." in shown
    # Headings and introductions in Dutch too (from the catalogue, not fixed Markdown cells).
    assert "# Samenwerkingsfactoren, vertrouwen en transformatieresultaten" in shown
    assert "## 5\\. Verklarend model" in shown and "Explanatory model" not in shown
    written = sorted(p.name for p in (folder / "tabellen").glob("*.tex"))
    assert len(written) == 14 and "correlations.tex" in written


def test_notebook_exports_are_thesis_ready(rendered_nl):
    """Every .tex and the .bib file: pdfLaTeX-safe characters, true minus signs; the regression
    note warns of few clusters (the demo data have six regions); the figures are deterministic."""
    from monitor.analyses.references import BIBTEX_FILE

    from .test_references import parse_bibtex
    from .test_tables import hyphen_minus_numbers, non_latex_characters

    folder, _nb = rendered_nl
    out = folder / "tabellen"
    for path in [*sorted(out.glob("*.tex")), out / BIBTEX_FILE]:
        tex = path.read_text(encoding="utf-8")
        assert not non_latex_characters(tex), (path.name, non_latex_characters(tex))
        assert not hyphen_minus_numbers(tex), (path.name, hyphen_minus_numbers(tex))
    assert set(parse_bibtex((out / BIBTEX_FILE).read_text(encoding="utf-8"))) == set(thesis.REFERENCES)
    for suffix in ("md", "tex"):
        assert "als clusters zijn clusterrobuuste standaardfouten vaak te klein" in \
            (out / f"regression.{suffix}").read_text(encoding="utf-8")
    assert "$-$" in (out / "correlations.tex").read_text(encoding="utf-8") + \
        (out / "efa_loadings.tex").read_text(encoding="utf-8")
    assert "<dc:date>" not in (out / "coefficients.svg").read_text(encoding="utf-8")


@pytest.mark.skipif(__import__("shutil").which("pdflatex") is None,
                    reason="pdflatex not on PATH (TeX is not a CI requirement)")
def test_every_exported_thesis_table_compiles(rendered_nl, tmp_path):
    from .test_tables import compile_tex

    folder, _nb = rendered_nl
    compile_tex(sorted((folder / "tabellen").glob("*.tex")), tmp_path)
