"""APA tables: numbers, p-values, headers, notes, and LaTeX that compiles."""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from monitor.analyses.tables import (
    LATEX_LETTERS,
    WIDE_COLUMNS,
    apa_bounded,
    apa_latex,
    apa_markdown,
    apa_number,
    apa_p,
    export_table,
    header_labels,
    latex_text,
    relative_path,
)
from monitor.core.texts import text


def test_apa_numbers_have_no_negative_zero_no_booleans_and_dutch_commas():
    assert apa_number(-0.001) == "0.00" and apa_number(-0.004, 2, bounded=True) == ".00"
    assert apa_number(-0.006, 2) == "-0.01"
    assert apa_number(True) == "yes" and apa_number(np.bool_(False), language="nl") == "nee"
    assert apa_number(0.4567, 2, bounded=True, language="nl") == ",46"
    assert apa_number(1234567, language="nl") == "1.234.567" and apa_number(1234567) == "1,234,567"
    assert apa_number(3.653558) == "3.65" and apa_number(float("nan")) == ""
    with pytest.raises(ValueError, match="language must be one of"):
        apa_number(1.0, language="de")


def test_apa_p_values():
    assert [apa_p(p) for p in (0.0, 0.00099, 0.001, 0.0456, 0.9999)] == ["< .001", "< .001", ".001", ".046", "1.000"]
    assert apa_p(0.0, "nl") == "< ,001" and apa_p(None) == ""


def test_headers_are_words_not_snake_case():
    labels = header_labels(["p_value", "ci_low", "mean_gemeente", "items_intended_here", "odd_new_column"], "nl",
                           extra={"gemeente": "Gemeente"})
    assert labels == {"p_value": "p", "ci_low": "95%-BI onder", "mean_gemeente": "M Gemeente",
                      "items_intended_here": "Beoogde items", "odd_new_column": "Odd new column"}


@pytest.fixture
def known():
    """A regression-like table with every trap: p = 0, df as float, a negative zero, a boolean, a NaN."""
    return pd.DataFrame({"beta": [0.30212, -0.0004], "df": [14.0, 28.0], "p_value": [0.0, 0.0312],
                         "significant": [True, False], "ci_low": [np.nan, -0.05]},
                        index=pd.Index(["Reflectief proces", "Balans"], name="factor"))


def test_markdown_table_is_apa_in_dutch(known):
    headers = header_labels([*known.columns, "factor"], "nl")
    md = apa_markdown(known, "Gestandaardiseerde regressie", 2, "Kleinste kwadraten.", language="nl", headers=headers)
    assert md.startswith("**Tabel 2**\n\n*Gestandaardiseerde regressie*\n\n")
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]] for line in md.splitlines()
            if line.startswith("| ") and "---" not in line}
    assert rows["Factor"] == ["β", "df", "p", "Significant", "95%\\-BI onder"]
    assert rows["Reflectief proces"] == ["0,30", "14", "&lt; ,001", "ja", "—"]
    assert rows["Balans"] == ["0,00", "28", ",031", "nee", "\\-0,05"]  # -0.0004 is 0,00, never -0,00
    assert md.rstrip().endswith("*Noot.* Kleinste kwadraten\\. — = niet van toepassing of niet beschikbaar\\.")
    assert "True" not in md and "nan" not in md.lower() and "14.000" not in md and "14,000" not in md


def test_latex_export_has_booktabs_caption_note_and_apa_cells(known, tmp_path):
    paths = export_table(known, "regression", tmp_path, "Regression of the outcome", 1, note="OLS.", language="en",
                         headers=header_labels([*known.columns, "factor"], "en"))
    tex = paths["tex"].read_text(encoding="utf-8")
    assert tex.startswith("% Table 'regression'") and "\\usepackage{booktabs}" in tex.splitlines()[0]
    assert "\\toprule" in tex and "\\midrule" in tex and "\\bottomrule" in tex and "\\hline" not in tex
    assert "\\caption{Regression of the outcome}" in tex and "\\begin{table}" in tex and "longtable" not in tex
    assert "Reflectief proces & 0.30 & 14 & \\textless{} .001 & yes & --- \\\\" in tex
    assert "Balans & 0.00 & 28 & .031 & no & $-$0.05 \\\\" in tex  # a true minus, not a hyphen
    # headers: Greek as math (pdfLaTeX has no Greek input), a long one wrapped in a nested tabular
    assert "Factor & $\\beta$ & df & p & Significant & \\begin{tabular}[b]{@{}r@{}}95\\% CI \\\\ lower\\end{tabular} \\\\" in tex
    assert "\\emph{Note.} OLS. --- = not applicable or not available." in tex
    csv = pd.read_csv(paths["csv"], index_col=0)
    assert csv.loc["Balans", "beta"] == -0.0004 and csv.loc["Reflectief proces", "p_value"] == 0.0  # full precision


def test_wide_table_is_a_landscape_longtable_with_repeated_header():
    wide = pd.DataFrame(np.arange(3.0 * WIDE_COLUMNS).reshape(3, WIDE_COLUMNS),
                        columns=[f"c{i}" for i in range(WIDE_COLUMNS)])
    tex = apa_latex(wide, "wide", "Brede tabel", language="nl")
    assert "\\usepackage{longtable}" in tex.splitlines()[0] and "\\usepackage{pdflscape}" in tex.splitlines()[0]
    assert tex.index("\\begin{landscape}") < tex.index("\\begin{longtable}") < tex.index("\\end{landscape}")
    assert "\\endfirsthead" in tex and "\\endhead" in tex and "(vervolg)" in tex
    narrow = apa_latex(wide.iloc[:, : WIDE_COLUMNS - 1], "narrow", "Smal", language="nl")
    assert "longtable" not in narrow and "landscape" not in narrow


def test_paths_are_shown_relative(tmp_path, monkeypatch):
    from monitor.core.config import PROJECT_ROOT

    monkeypatch.chdir(tmp_path)
    assert relative_path(tmp_path / "out" / "t.tex") == "out/t.tex"
    assert relative_path(PROJECT_ROOT / "reports" / "thesis" / "t.tex", start=tmp_path) == "reports/thesis/t.tex"
    assert relative_path("/somewhere/else/t.tex", start=tmp_path) == "t.tex"


def non_latex_characters(tex: str) -> set[str]:
    """The characters of a .tex or .bib file that pdfLaTeX cannot typeset without packages: the
    rule is ASCII, plus the accented Latin letters of Latin-1 (UTF-8 input, LaTeX's default)."""
    return {ch for ch in tex if not ch.isascii() and ch not in LATEX_LETTERS}


def hyphen_minus_numbers(tex: str) -> list[str]:
    """Numbers written with a hyphen as their sign (``-0.05``, ``-,31``), outside comments."""
    body = "\n".join(line for line in tex.splitlines() if not line.startswith("%"))
    return re.findall(r"(?<![\w.,)\]}$-])-[.,]?\d[\d.,]*", body)  # "--" is a dash


def test_apa_bounded_drops_the_leading_zero_in_any_template_format():
    template = "R² = {r2:.3f} ({adj:.2f}), ΔCFI {d:+.3f}"  # as a catalogue text: the format is the template's
    assert template.format(r2=apa_bounded(0.45678), adj=apa_bounded(0.4), d=apa_bounded(0.004)) == \
        "R² = .457 (.40), ΔCFI +.004"
    assert f"{apa_bounded(-0.0004, 'nl'):+.3f} {apa_bounded(-0.25, 'nl'):.2f}" == ",000 -,25"  # no negative zero
    assert f"{apa_bounded(1.0):.2f} {apa_bounded(1.02):.2f}" == "1.00 1.02"  # only a value below 1 loses it
    # through the catalogue: the template's own format, the language's decimal comma
    assert text("th_model", "nl", n=3508, clusters=6, r2=apa_bounded(0.1234, "nl"),
                adj=apa_bounded(0.1201, "nl")) == "n = 3.508 in 6 regio's; R² = ,123 (gecorrigeerd ,120)."


def test_latex_has_true_minus_signs_and_no_raw_unicode(tmp_path):
    table = pd.DataFrame({"beta": [-0.31, 0.42, np.nan], "delta_chi2": [-1.5, 2.0, 3.0], "text": [
        "Kuder-Richardson → 2025-2026", "α ≥ .70, ω, β × 2, –1, — and “quoted” 95%", "Dvořák, ŁÓDŹ, é ë ü"]},
        index=pd.Index(["a", "b", "c"], name="item"))
    headers = header_labels([*table.columns, "item"], "en", extra={"delta_chi2": "Δχ²"})
    tex = export_table(table, "symbols", tmp_path, "Δχ² and β → outcome", 1, bounded=("beta",),
                       note="χ²(3) = -2.50; R² ≥ .10 – a range 1–5 — done.", headers=headers)["tex"].read_text()
    assert not non_latex_characters(tex), non_latex_characters(tex)
    assert not hyphen_minus_numbers(tex), hyphen_minus_numbers(tex)
    assert "a & $-$.31 & $-$1.50 & Kuder-Richardson $\\rightarrow$ 2025-2026 \\\\" in tex  # words keep hyphens
    assert "$\\alpha$ $\\geq$ .70, $\\omega$, $\\beta$ $\\times$ 2, --1, --- and ``quoted'' 95\\%" in tex
    assert "Dvo\\v{r}\\'{a}k" not in tex and "Dvo\\v{r}ák" in tex and "\\L{}ÓD\\'{Z}" in tex
    assert "$\\Delta$$\\chi$\\textsuperscript{2}" in tex and "$\\chi$\\textsuperscript{2}(3) = $-$2.50" in tex
    assert latex_text("−0.5 and 1\u00a0000") == "$-$0.5 and 1~000"  # a Unicode minus, a no-break space


PREAMBLE = "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{booktabs,longtable,pdflscape}\n"


def compile_tex(paths, workdir) -> None:
    """Compile each .tex in a minimal article (the narrowest common page) with pdflatex, from a
    standard TeX installation (texlive-latex-base, -recommended, -extra); fail with pdflatex's
    error lines, or when a table is wider than the page (twice: longtable settles its column
    widths on the second run)."""
    for path in paths:
        doc = workdir / f"doc_{path.stem}.tex"
        doc.write_text(f"{PREAMBLE}\\begin{{document}}\n\\input{{{path.as_posix()}}}\n\\end{{document}}\n",
                       encoding="utf-8")
        for _ in range(2):
            run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", doc.name], cwd=workdir,
                                 capture_output=True, text=True, timeout=120)
            errors = [line for line in run.stdout.splitlines() if line.startswith("!")]
            assert run.returncode == 0 and (workdir / f"doc_{path.stem}.pdf").exists(), (path.name, errors[:3])
        log = (workdir / f"doc_{path.stem}.log").read_text(encoding="latin-1")
        assert "Overfull \\hbox" not in log, (path.name, log[log.index("Overfull \\hbox"):][:120])


needs_pdflatex = pytest.mark.skipif(shutil.which("pdflatex") is None,
                                    reason="pdflatex not on PATH (TeX is not a CI requirement)")


@needs_pdflatex
def test_exported_tables_compile_with_pdflatex(known, tmp_path):
    hostile = pd.DataFrame({"text": ["50% & $x$ #1 {a} ~ ^ \\input{x}", "é ü ë — –"], "alpha": [0.8, np.nan]},
                           index=pd.Index(["a_b", "c"], name="item_id"))
    wide = pd.DataFrame(np.linspace(-1, 1, 3 * 17).reshape(3, 17), columns=[f"col_{i}" for i in range(17)])
    paths = [export_table(known, "known", tmp_path, "Known", 1, note="p < .05, χ² and Δ.", language="nl",
                          headers=header_labels([*known.columns, "factor"], "nl"))["tex"],
             export_table(hostile, "hostile", tmp_path, "Hostile & 100%", 2, note="50% ~ _")["tex"],
             export_table(wide, "wide", tmp_path, "Wide", 3, bounded=tuple(wide.columns))["tex"]]
    compile_tex(paths, tmp_path)


def test_validity_exports_are_pdflatex_safe_with_apa_prose_and_a_bib_file(tmp_path):
    from monitor.analyses import validity
    from monitor.analyses.references import BIBTEX_FILE
    from monitor.stats.factor import correlation_matrix

    vd = validity.load_validity_data(module="vertrouwen", language="nl")
    reliability, items, sentence = validity.reliability_tables(vd)
    assert not re.search(r"\b0,\d", sentence), sentence  # alpha in prose: ",81", never "0,81" (APA)
    suitability, sentence = validity.suitability(vd, correlation_matrix(vd.items))
    assert "KMO = ," in sentence and not re.search(r"\b0,\d", sentence), sentence
    assert not re.search(r"\b0[.,]\d", validity.criteria("cfa", "en") + validity.criteria("reconsider", "nl"))
    validity.export_tables({"suitability": suitability, "reliability": reliability, "item_statistics": items},
                           tmp_path, "nl")
    written = sorted(tmp_path.glob("*.tex"))
    assert len(written) == 3 and (tmp_path / BIBTEX_FILE).exists()
    for path in [*written, tmp_path / BIBTEX_FILE]:
        tex = path.read_text(encoding="utf-8")
        assert not non_latex_characters(tex), (path.name, non_latex_characters(tex))
        assert not hyphen_minus_numbers(tex), (path.name, hyphen_minus_numbers(tex))
