"""The thesis-style analysis of collaboration, chapter by chapter, for
``notebooks/collaboration_factors.ipynb``.

Research question (after the thesis "Laveren binnen het Constructief Conflict"): which
factors shape the collaboration between municipalities and care providers, and so the
perceived transformation results? Every sentence here is built from computed numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..core.config import INTERVENTIONS_PATH
from ..core.escaping import escape_markdown
from ..core.files import atomic_write, atomic_writer, ensure_folder
from ..core.texts import dutch, text
from ..core.yaml_files import load_yaml
from ..stats import modelling
from ..stats.effects import MIN_GROUP_SIZE, compare_groups
from ..survey.scoring import theme_scores
from . import validity
from .references import BIBTEX_FILE, bibtex, reference_list
from .tables import apa_bounded, apa_markdown, apa_number, apa_p, export_table, header_labels, relative_path

__all__ = ["ThesisData", "load_thesis_data", "research_question", "sample_tables", "factor_naming", "correlations",
           "explanatory_models", "model_summary", "path_summary", "coefficient_figure", "perspectives", "findings",
           "save_figure", "TABLES", "REFERENCES", "SIGNIFICANCE", "FEW_CLUSTERS", "ThesisTable", "show_table",
           "export_tables", "references", "few_clusters", "SVG_HASH_SALT", "section"]

#: The thesis tables: name -> (decimals, columns without a leading zero: they cannot exceed 1;
#: ``("*",)``: every column, as the loadings).
#: Captions are the texts ``th_tab_<name>``, notes ``th_note_<name>`` (:mod:`monitor.core.texts`).
TABLES: dict[str, tuple[int, tuple[str, ...]]] = {
    "sample_type_wave": (0, ()), "sample_function_type": (0, ()), "sample_region_wave": (0, ()),
    "suitability": (2, ("MSA",)), "parallel_analysis": (2, ()), "efa_loadings": (2, ("*",)),
    "factor_names": (2, ()),
    "reliability": (2, ("alpha", "ci_low", "ci_high", "std_alpha", "average_r", "omega_total")),
    "item_statistics": (2, ("missing_share", "floor_share", "ceiling_share", "item_rest_r", "alpha_if_deleted",
                            "p1", "p2", "p3", "p4", "p5")),
    "correlations": (2, ()), "regression": (2, ("beta", "ci_low", "ci_high")),
    "indirect_effects": (3, ("a", "b", "indirect", "direct", "total", "ci_low", "ci_high")),
    "invariance": (3, ("cfi", "tli", "rmsea", "rmsea_low", "rmsea_high", "srmr", "delta_cfi", "delta_rmsea")),
    "perspectives": (2, ()),
}
#: The row-label header of tables whose index has no name.
_INDEX_NAMES = {"regression": "factor", "indirect_effects": "factor", "perspectives": "measure",
                "suitability": "item", "efa_loadings": "item"}
#: Level below which a predictor counts as significant in the findings (the widest APA mark).
SIGNIFICANCE = modelling.STAR_LEVELS[-1][0]
#: Below this many clusters, cluster-robust standard errors tend to be too small (Cameron &
#: Miller 2015, "few clusters"); the model summary and the regression table's note then warn.
FEW_CLUSTERS = 20
#: A figure's SVG ids are hashes salted with this (matplotlib's ``svg.hashsalt``; by default a
#: random salt per file), so the same figure gives the same file on every run.
SVG_HASH_SALT = "samenwerkingsmonitor"
#: Keys of :mod:`monitor.analyses.references` for the thesis and the methods the notebook applies.
REFERENCES = ("mejres_thesis", "psych", "lavaan", "r_core", "factor_analyzer", "statsmodels", "kaiser1974",
              "bartlett1950", "horn1965", "olsson1979", "cronbach1951", "feldt1965", "mcdonald1999", "hu_bentler1999",
              "chen2007", "cameron_miller2015", "preacher_hayes2008", "welch1947", "hedges_olkin1985")


@dataclass
class ThesisData:
    """Scores of every scale for the chosen waves, with the factor-structure data of the
    collaboration module."""

    vd: validity.ValidityData
    scores: pd.DataFrame
    factors: list[str]
    themes: list[str]
    outcome: str
    mediator: str
    language: str

    def label(self, key: str) -> str:
        return self.vd.instrument.label(key, self.language)


def load_thesis_data(data_path=None, instrument_path=None, waves=None, outcome: str = "transformatieresultaten",
            language: str = "en", mapping_path=None, store=None) -> ThesisData:
    """Load, validate and score the data; ``waves``: a list of years, or None for all;
    ``mapping_path``: the mapping file of a survey platform's export (``monitor mapping``);
    ``store``: a wave store's folder, read instead of ``data_path`` (every stored wave)."""
    vd = validity.load_validity_data(data_path, instrument_path, module="samenwerking", wave="all", language=language,
                          roles=("factor",), mapping_path=mapping_path, store=store)
    if waves:
        keep = vd.frame["wave"].isin([int(w) for w in waves]).to_numpy()
        if not keep.any():
            raise ValueError(f"none of the waves {waves} is in the data")
        vd.frame, vd.items = vd.frame[keep].reset_index(drop=True), vd.items[keep].reset_index(drop=True)
    instrument = vd.instrument
    scores = theme_scores(vd.frame, instrument)
    factors = [s.id for s in instrument.module("samenwerking").scales if s.role == "factor"]
    if outcome not in scores:
        raise ValueError(f"outcome {outcome!r} is not a scale of the data")
    return ThesisData(vd=vd, scores=scores, factors=factors, themes=[t.id for t in instrument.themes],
                      outcome=outcome, mediator="trust_index", language=language)


def section(name: str, language: str = "en") -> tuple:
    """The heading and introduction of the notebook's chapter ``name`` (``title`` for the
    notebook's own title) in ``language``, from the catalogue (``th_head_<name>``,
    ``th_intro_<name>``), for ``display(*thesis.section(name, language))``."""
    from IPython.display import Markdown  # IPython (0.2 s): only when a notebook shows the chapter

    return (validity.Heading(text(f"th_head_{name}", language), 1 if name == "title" else 2),
            Markdown(text(f"th_intro_{name}", language)))


def research_question(td: ThesisData, n_factors, rotation: str, correlation: str) -> str:
    """Chapter 1: the question and the method, stated from the parameters and the data."""
    waves = sorted(td.scores["wave"].dropna().unique())
    lang = td.language
    return text("th_question", lang, outcome=escape_markdown(td.label(td.outcome).lower()), n=len(td.scores),
                regions=td.scores["region"].nunique(), waves=", ".join(str(int(w)) for w in waves),
                k=len(td.factors), correlation=text(f"corr_{correlation}", lang), rotation=rotation,
                n_factors=n_factors, mediator=escape_markdown(td.label(td.mediator)))


def sample_tables(td: ThesisData) -> dict[str, pd.DataFrame]:
    """Chapter 2: respondents by organisation type, function, region and wave."""
    frame = td.scores
    return {"sample_type_wave": pd.crosstab(frame["organisation_type"], frame["wave"], margins=True,
                                            margins_name="total"),
            "sample_function_type": pd.crosstab(frame["function"], frame["organisation_type"], margins=True,
                                                margins_name="total"),
            "sample_region_wave": pd.crosstab(frame["region"], frame["wave"], margins=True, margins_name="total")}


def factor_naming(td: ThesisData, efa_result) -> pd.DataFrame:
    """Each extracted factor with its intended scale (from alignment) and highest-loading items."""
    loadings = efa_result.loadings_
    rows = []
    for factor in loadings.columns:
        top = loadings[factor].abs().sort_values(ascending=False).head(3)
        intended = td.label(factor) if factor in td.factors else "—"
        rows.append({"factor": factor, "intended_scale": intended,
                     "top_items": ", ".join(f"{i} ({apa_number(loadings.loc[i, factor], 2, True, td.language)})"
                                            for i in top.index),
                     "items_intended_here": int(sum(td.vd.target.get(i) == factor for i in loadings.index
                                                    if loadings.loc[i].abs().idxmax() == factor))})
    return pd.DataFrame(rows).set_index("factor")


def correlations(td: ThesisData) -> pd.DataFrame:
    """Chapter 4: descriptives and correlations of factors, trust themes and the outcome."""
    columns = td.factors + [td.mediator] + td.themes + [td.outcome]
    labels = {c: td.label(c) for c in columns}
    return modelling.correlation_table(td.scores, columns, labels)


def explanatory_models(td: ThesisData, n_boot: int = 1000, seed: int = 2026):
    """Chapter 5: regression with region-clustered SEs, and the mediation path model."""
    table, summary = modelling.standardized_regression(td.scores, td.outcome, td.factors, cluster="region")
    table.index = [td.label(f) for f in table.index]
    mediation = modelling.mediation_model(td.scores, td.outcome, td.factors, td.mediator, n_boot=n_boot, seed=seed)
    indirect = mediation.indirect.copy()
    indirect.index = [td.label(f) for f in indirect.index]
    return table, summary, mediation, indirect


def few_clusters(clusters: int | None, language: str = "en") -> str:
    """The caution on cluster-robust standard errors from fewer than :data:`FEW_CLUSTERS`
    clusters (Cameron & Miller, 2015), or ``""``: for the model summary and the regression note."""
    if clusters is None or clusters >= FEW_CLUSTERS:
        return ""
    return text("th_few_clusters", language, clusters=int(clusters))


def model_summary(summary: dict, language: str = "en") -> str:
    """One sentence on the regression (R² in APA style, no leading zero), with a caution when
    there are few clusters."""
    sentence = text("th_model", language, n=summary["n"], clusters=summary["clusters"],
                    r2=apa_bounded(summary["r2"], language), adj=apa_bounded(summary["adj_r2"], language))
    caution = few_clusters(summary["clusters"], language)
    return f"{sentence} {caution}" if caution else sentence


def path_summary(mediation, language: str = "en") -> str:
    """One sentence on the path model's fit and the bootstrap."""
    return text("th_path", language, df=int(mediation.fit["df"]), chi2=float(mediation.fit["chi2"]),
                n_boot=int(mediation.fit["n_boot"]))


def coefficient_figure(table: pd.DataFrame, title: str = "", language: str = "en"):
    """Standardized coefficients with 95% CIs."""
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(table) + 1.2))
    y = np.arange(len(table))[::-1]
    ax.errorbar(table["beta"], y, xerr=[table["beta"] - table["ci_low"], table["ci_high"] - table["beta"]],
                fmt="o", color="#0571b0", capsize=3)
    ax.axvline(0, color="grey", linewidth=0.8)
    ax.set_yticks(y, table.index)
    ax.set_xlabel(text("th_coefficient_axis", language))
    ax.set_title(title)
    fig.tight_layout()
    return fig


def perspectives(td: ThesisData, invariance_table: pd.DataFrame | None,
                 group: str = "organisation_type") -> tuple[pd.DataFrame, str]:
    """Chapter 6: two groups (municipalities against care providers by default) on each factor:
    means, difference with Welch 95% CI, Hedges' g; with the invariance result as the note."""
    if group == "organisation_type":
        first, second = "gemeente", "zorgaanbieder"
    else:
        first, second = td.scores[group].value_counts().index[:2]
    table = compare_groups(td.scores, group, first, second, td.factors + [td.outcome])
    table.index = [td.label(i) for i in table.index]
    if invariance_table is None:
        note = text("th_inv_none", td.language)
    elif validity.scalar_invariance(invariance_table):
        note = text("th_inv_ok", td.language)
    else:
        note = text("th_inv_not", td.language)
    return table, note


def _p_phrase(p: float, language: str) -> str:
    """``< .001`` or ``= .042`` (Dutch: ``< ,001``), for "p {p}" in a sentence."""
    value = apa_p(p, language)
    return value if value.startswith("<") else f"= {value}"


#: Factors on which a high score is unfavourable (the thesis's argumentative process).
UNFAVOURABLE_HIGH = ("argumentatief_proces",)


def findings(td: ThesisData, regression: pd.DataFrame, indirect: pd.DataFrame, gaps: pd.DataFrame) -> str:
    """Chapter 7: findings and the thesis's recommendations, generated from the numbers.
    Labels come from the instrument file: escaped, never Markdown."""
    lang, md = td.language, escape_markdown
    means = td.scores[td.factors].astype(float).mean()
    weakest, strongest = means.idxmin(), means.idxmax()
    significant = regression[regression["p_value"] < SIGNIFICANCE]
    lines = [text("th_range", lang, low=md(td.label(weakest)), low_mean=float(means[weakest]),
                  high=md(td.label(strongest)), high_mean=float(means[strongest]))]
    if strongest in UNFAVOURABLE_HIGH or weakest in UNFAVOURABLE_HIGH:  # the thesis's conflict scale
        lines[0] += text("th_range_unfavourable", lang, name=md(td.label(next(f for f in (strongest, weakest)
                                                                              if f in UNFAVOURABLE_HIGH))))
    if len(significant):
        top = significant["beta"].abs().idxmax()
        lines.append(text("th_predictor", lang, outcome=md(td.label(td.outcome).lower()), name=md(top),
                          beta=apa_bounded(significant.loc[top, "beta"], lang), p=_p_phrase(significant.loc[top, "p_value"], lang),
                          k=len(significant), total=len(regression)))
    for name, row in significant[significant["beta"] < 0].iterrows():
        lines.append(text("th_negative", lang, name=md(name), beta=apa_bounded(row["beta"], lang)))
    mediated = indirect[(indirect["ci_low"] > 0) | (indirect["ci_high"] < 0)]
    if len(mediated):
        parts = [text("th_mediated_part", lang, name=md(name), indirect=apa_bounded(row["indirect"], lang),
                      low=apa_bounded(row["ci_low"], lang), high=apa_bounded(row["ci_high"], lang))
                 for name, row in mediated.iterrows()]
        lines.append(text("th_mediated", lang, k=len(mediated), parts="; ".join(parts)))
    else:
        lines.append(text("th_no_mediation", lang))
    valid = gaps.dropna(subset=["difference"])
    if len(valid):
        biggest = valid["difference"].abs().idxmax()
        lines.append(text("th_gap", lang, name=md(biggest), diff=float(valid.loc[biggest, "difference"]),
                          g=float(valid.loc[biggest, "hedges_g"])))
    recommendations = load_yaml(INTERVENTIONS_PATH.read_text(encoding="utf-8"))
    label_to_id = {td.label(f): f for f in td.factors}
    focus = [weakest] + [label_to_id[n] for n in significant.sort_values("beta", key=np.abs, ascending=False).index
                         if n in label_to_id]
    seen, advice = set(), []
    for factor in focus:
        for entry in recommendations.get(factor, []):
            title = entry["en" if lang == "en" else "nl"]["title"]
            if title not in seen:
                seen.add(title)
                advice.append(f"- *{title}* ({md(td.label(factor))}): {entry['en' if lang == 'en' else 'nl']['text']}")
    return "\n".join(lines) + "\n\n" + text("th_recommendations", lang) + "\n\n" + "\n".join(advice)


def save_figure(fig, name: str, out_dir: str | Path) -> list[Path]:
    """Save a figure as PNG and SVG for a thesis; returns the paths.

    The files are the same on every run of the same figure: no creation date in the SVG
    (``metadata={"Date": None}``) and its element ids salted with :data:`SVG_HASH_SALT`
    (version control then shows only figures that changed)."""
    out_dir = ensure_folder(out_dir)  # a symbolic link planted as the folder is refused, never followed
    paths = []
    for suffix in ("png", "svg"):
        path = out_dir / f"{name}.{suffix}"
        metadata = {"Date": None} if suffix == "svg" else {}
        with atomic_writer(path) as tmp, mpl.rc_context({"svg.hashsalt": SVG_HASH_SALT}):  # whole or not at all
            fig.savefig(tmp, format=suffix, dpi=200, bbox_inches="tight", metadata=metadata)
        paths.append(path)
    return paths


@dataclass
class ThesisTable:
    """A table as computed (full precision, for the CSV) with its caption and note in the
    chosen language and its printed headers and row labels."""

    frame: pd.DataFrame
    title: str
    note: str
    headers: dict = field(default_factory=dict)
    decimals: int = 2
    bounded: tuple[str, ...] = ()


def _labels(td: ThesisData) -> dict[str, str]:
    """Printed names of the codes that appear as row labels or headers: scales, categories,
    background variables, invariance steps and the margin total."""
    lang, instrument = td.language, td.vd.instrument
    names = {scale.id: scale.label[lang] for scale in instrument.scales}
    names[td.mediator] = td.label(td.mediator)
    for var in instrument.background:
        names[var.id] = var.label[lang]
        names.update({code: label[lang] for code, label in var.categories.items()})
    names.update({step: text(f"th_inv_{step}", lang) for step in ("configural", "metric", "scalar")})
    names["total"] = text("th_total", lang)
    names.update({f"p{v}": f"p{v}" for v in instrument.scale.values})
    return names


def _correlations(kind: str, language: str) -> str:
    """"polychoric correlations" / "polychorische correlaties", "Pearson-correlaties"."""
    adjective = text(f"corr_{kind}", language)
    noun = "correlations" if language == "en" else "correlaties"
    return f"{adjective}{'' if adjective.endswith('-') else ' '}{noun}"


def _level(level: float, language: str) -> str:
    """A significance level as written: ``.05`` (Dutch ``,05``), not ``.050``."""
    written = f"{level:g}".replace("0.", ".", 1)
    return dutch(written) if language == "nl" else written


def _note_values(td: ThesisData, name: str, **context) -> dict:
    """The numbers and names a caption or note of table ``name`` is filled in with."""
    lang = td.language
    values = {"outcome": td.label(td.outcome).lower(), "mediator": td.label(td.mediator).lower(),
              "waves": ", ".join(str(int(w)) for w in sorted(td.scores["wave"].dropna().unique()))}
    if "correlation" in context:
        values["correlations"] = _correlations(context.pop("correlation"), lang)
    if name == "correlations":
        data = td.scores[td.factors + [td.mediator] + td.themes + [td.outcome]].notna().astype(int)
        pairs = data.T @ data
        values.update(n_min=int(pairs.to_numpy().min()), n_max=int(pairs.to_numpy().max()),
                      marks=", ".join(f"{mark} p < {_level(level, lang)}" for level, mark
                                      in reversed(modelling.STAR_LEVELS)))
    if name == "invariance":
        values.update(cfi=apa_bounded(validity.CHEN_CFI_DROP, lang), rmsea=apa_bounded(validity.CHEN_RMSEA_RISE, lang))
    if name == "perspectives":
        values["min_n"] = MIN_GROUP_SIZE
    values.update(context)
    if "r2" in values:
        values["r2"] = apa_bounded(values["r2"], lang)
    return values


def show_table(td: ThesisData, tables: dict, name: str, table: pd.DataFrame, **context) -> str:
    """Keep ``table`` for the export as ``tables[name]`` and return it as APA Markdown, numbered
    by its place in ``tables``, with its caption and note in ``td.language``.

    ``context`` fills in the caption and note (e.g. ``rotation``, ``correlation``, ``n``,
    ``n_boot``; ``first``/``second`` for the groups); ``note`` adds a sentence to the note.
    """
    if name not in TABLES:
        raise ValueError(f"unknown thesis table {name!r}; known: {', '.join(TABLES)}")
    lang, names = td.language, _labels(td)
    extra_note = context.pop("note", "")
    for key in ("first", "second"):  # "Gemeente en zorgaanbieder vergeleken": the second inside the sentence
        if key in context:
            label = names.get(context[key], str(context[key]))
            context[key] = label if key == "first" else label[:1].lower() + label[1:]
    values = _note_values(td, name, **context)
    title = text(f"th_tab_{name}", lang, **values)
    note_key = "th_note_sample" if name.startswith("sample_") else f"th_note_{name}"
    caution = few_clusters(values.get("clusters"), lang) if name == "regression" else ""
    note = " ".join(part for part in (text(note_key, lang, **values), caution, extra_note) if part)
    frame = table.rename(index=lambda v: names.get(v, v) if isinstance(v, str) else v)
    if frame.index.name is None and name in _INDEX_NAMES:
        frame = frame.rename_axis(_INDEX_NAMES[name])
    if "scale" in frame.columns:
        frame = frame.assign(scale=frame["scale"].map(lambda v: names.get(v, v)))
    decimals, bounded = TABLES[name]
    bounded = tuple(frame.columns) if bounded == ("*",) else bounded
    headers = header_labels([*frame.columns, frame.index.name or ""], lang, extra=names)
    tables[name] = ThesisTable(frame, title, note, headers, decimals, bounded)
    number = list(tables).index(name) + 1
    return apa_markdown(frame, title, number, note, language=lang, headers=headers, decimals=decimals,
                        bounded=bounded)


def export_tables(td: ThesisData, tables: dict, out_dir: str | Path) -> str:
    """Write every kept table as CSV, Markdown and LaTeX (numbered as shown), and the references
    as BibTeX (:data:`~monitor.analyses.references.BIBTEX_FILE`), and return a Markdown paragraph
    naming the folder (relative, never a server path), the wide tables and the LaTeX packages
    they need."""
    wide = []
    for number, (name, kept) in enumerate(tables.items(), start=1):
        paths = export_table(kept.frame, name, out_dir, kept.title, number, kept.decimals, kept.bounded, kept.note,
                             language=td.language, headers=kept.headers)
        if "\\begin{landscape}" in paths["tex"].read_text(encoding="utf-8"):  # apa_latex decided it is wide
            wide.append(name)
    atomic_write(ensure_folder(out_dir) / BIBTEX_FILE, bibtex(REFERENCES, td.language))
    return text("th_exported", td.language, folder=relative_path(out_dir), wide=", ".join(wide) or "—",
                bib=BIBTEX_FILE)


def references(language: str = "en") -> str:
    """The reference list of the notebook (:data:`REFERENCES`) as Markdown."""
    return reference_list(REFERENCES, language)
