"""The thesis-style analysis of collaboration, chapter by chapter, for
``notebooks/collaboration_factors.ipynb``.

Research question (after the thesis "Laveren binnen het Constructief Conflict"): which
factors shape the collaboration between municipalities and care providers, and so the
perceived transformation results? Every sentence here is built from computed numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import yaml

from . import modelling, validity
from .effects import compare_groups
from .files import atomic_writer
from .scoring import theme_scores
from .sections import INTERVENTIONS_PATH
from .texts import text

__all__ = ["ThesisData", "prepare", "research_question", "sample_tables", "factor_naming", "correlations",
           "explanatory_models", "model_summary", "path_summary", "coefficient_figure", "perspectives", "findings", "save_figure"]


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


def prepare(data_path=None, instrument_path=None, waves=None, outcome: str = "transformatieresultaten",
            language: str = "en") -> ThesisData:
    """Load, validate and score the data; ``waves``: a list of years, or None for all."""
    vd = validity.prepare(data_path, instrument_path, module="samenwerking", wave="all", language=language,
                          roles=("factor",))
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


def research_question(td: ThesisData, n_factors, rotation: str, correlation: str) -> str:
    """Chapter 1: the question and the method, stated from the parameters and the data."""
    waves = sorted(td.scores["wave"].dropna().unique())
    lang = td.language
    return text("th_question", lang, outcome=td.label(td.outcome).lower(), n=len(td.scores),
                regions=td.scores["region"].nunique(), waves=", ".join(str(int(w)) for w in waves),
                k=len(td.factors), correlation=text(f"corr_{correlation}", lang), rotation=rotation,
                n_factors=n_factors, mediator=td.label(td.mediator))


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
                     "top_items": ", ".join(f"{i} ({loadings.loc[i, factor]:.2f})" for i in top.index),
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


def model_summary(summary: dict, language: str = "en") -> str:
    """One sentence on the regression, with a caution when there are few clusters."""
    sentence = text("th_model", language, n=summary["n"], clusters=summary["clusters"], r2=summary["r2"],
                    adj=summary["adj_r2"])
    if summary["clusters"] is not None and summary["clusters"] < 20:
        sentence += text("th_few_clusters", language, clusters=summary["clusters"])
    return sentence


def path_summary(mediation, language: str = "en") -> str:
    """One sentence on the path model's fit and the bootstrap."""
    return text("th_path", language, df=int(mediation.fit["df"]), chi2=float(mediation.fit["chi2"]),
                n_boot=int(mediation.fit["n_boot"]))


def coefficient_figure(table: pd.DataFrame, title: str = ""):
    """Standardized coefficients with 95% CIs."""
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(table) + 1.2))
    y = np.arange(len(table))[::-1]
    ax.errorbar(table["beta"], y, xerr=[table["beta"] - table["ci_low"], table["ci_high"] - table["beta"]],
                fmt="o", color="#0571b0", capsize=3)
    ax.axvline(0, color="grey", linewidth=0.8)
    ax.set_yticks(y, table.index)
    ax.set_xlabel("standardized coefficient (β) with 95% CI")
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
    elif invariance_table.attrs.get("scalar"):
        note = text("th_inv_ok", td.language)
    else:
        note = text("th_inv_not", td.language)
    return table, note


def findings(td: ThesisData, regression: pd.DataFrame, indirect: pd.DataFrame, gaps: pd.DataFrame) -> str:
    """Chapter 7: findings and the thesis's recommendations, generated from the numbers."""
    lang = td.language
    means = td.scores[td.factors].astype(float).mean()
    weakest, strongest = means.idxmin(), means.idxmax()
    significant = regression[regression["p_value"] < 0.05]
    lines = [text("th_range", lang, low=td.label(weakest), low_mean=float(means[weakest]), high=td.label(strongest),
                  high_mean=float(means[strongest]))]
    if len(significant):
        top = significant["beta"].abs().idxmax()
        lines.append(text("th_predictor", lang, outcome=td.label(td.outcome).lower(), name=top,
                          beta=float(significant.loc[top, "beta"]), p=validity.format_p(significant.loc[top, "p_value"]),
                          k=len(significant), total=len(regression)))
    for name, row in significant[significant["beta"] < 0].iterrows():
        lines.append(text("th_negative", lang, name=name, beta=float(row["beta"])))
    mediated = indirect[(indirect["ci_low"] > 0) | (indirect["ci_high"] < 0)]
    if len(mediated):
        parts = [text("th_mediated_part", lang, name=name, indirect=float(row["indirect"]), low=float(row["ci_low"]),
                      high=float(row["ci_high"])) for name, row in mediated.iterrows()]
        lines.append(text("th_mediated", lang, k=len(mediated), parts="; ".join(parts)))
    else:
        lines.append(text("th_no_mediation", lang))
    valid = gaps.dropna(subset=["difference"])
    if len(valid):
        biggest = valid["difference"].abs().idxmax()
        lines.append(text("th_gap", lang, name=biggest, diff=float(valid.loc[biggest, "difference"]),
                          g=float(valid.loc[biggest, "hedges_g"])))
    recommendations = yaml.safe_load(INTERVENTIONS_PATH.read_text(encoding="utf-8"))
    label_to_id = {td.label(f): f for f in td.factors}
    focus = [weakest] + [label_to_id[n] for n in significant.sort_values("beta", key=np.abs, ascending=False).index
                         if n in label_to_id]
    seen, advice = set(), []
    for factor in focus:
        for entry in recommendations.get(factor, []):
            title = entry["en" if lang == "en" else "nl"]["title"]
            if title not in seen:
                seen.add(title)
                advice.append(f"- *{title}* ({td.label(factor)}): {entry['en' if lang == 'en' else 'nl']['text']}")
    return "\n".join(lines) + "\n\n" + text("th_recommendations", lang) + "\n\n" + "\n".join(advice)


def save_figure(fig, name: str, out_dir: str | Path) -> list[Path]:
    """Save a figure as PNG and SVG for a thesis; returns the paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for suffix in ("png", "svg"):
        path = out_dir / f"{name}.{suffix}"
        with atomic_writer(path) as tmp:  # whole or not at all
            fig.savefig(tmp, format=suffix, dpi=200, bbox_inches="tight")
        paths.append(path)
    return paths
