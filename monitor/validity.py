"""The questionnaire-validity analysis, step by step, for ``notebooks/validity.ipynb``.

Each function takes the prepared data and returns the tables, figures and sentences a
researcher expects; the sentences are built from the computed numbers only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from . import factor, plotting, reliability, sem
from .config import DEMO_DATA
from .data import load_responses
from .instrument import Instrument, load_instrument
from .scoring import reverse_key
from .texts import text

__all__ = ["ValidityData", "prepare", "simulation_seed", "sample_summary", "item_distributions", "suitability",
           "number_of_factors", "factor_structure", "reliability_tables", "confirmatory", "invariance",
           "items_to_reconsider", "PRIMARY_CUT", "CROSS_CUT"]

PRIMARY_CUT = 0.40  # a main loading below this is weak
CROSS_CUT = 0.30  # a secondary loading from this up is a cross-loading
ITEM_REST_CUT = 0.30
CEILING_CUT = 0.50
MISSING_CUT = 0.10
MI_CUT = 10.0


@dataclass
class ValidityData:
    """The responses of one module and wave, with items keyed in one direction."""

    frame: pd.DataFrame
    items: pd.DataFrame
    target: dict[str, str]
    instrument: Instrument
    module: str
    wave: int | str
    source: Path
    language: str = "en"
    extra: dict = field(default_factory=dict)

    @property
    def n_scales(self) -> int:
        return len(set(self.target.values()))

    def label(self, key: str) -> str:
        return self.instrument.label(key, self.language)


def simulation_seed(path: Path) -> int | None:
    """The seed of a simulated dataset (from its truth file beside it), or None for real data."""
    path = Path(path)
    for candidate in (path.with_name(path.stem + ".truth.json"), path.with_name("truth.json")):
        if candidate.exists():
            try:
                return json.loads(candidate.read_text(encoding="utf-8"))["settings"]["seed"]
            except (KeyError, ValueError):
                return None
    return None


def prepare(data_path: str | Path | None = None, instrument_path: str | Path | None = None,
            module: str = "vertrouwen", wave: int | None = None, language: str = "en",
            roles: tuple[str, ...] = ("theme", "factor", "stage")) -> ValidityData:
    """Load and validate the data, pick the wave (default: the latest; ``"all"``: every wave
    together) and key the items."""
    instrument = load_instrument(instrument_path)
    source = Path(data_path) if data_path else DEMO_DATA
    frame = load_responses(source, instrument)
    if module not in frame.attrs.get("modules", []):
        raise ValueError(f"{source}: the data hold no answers to module {module!r} "
                         f"(modules present: {', '.join(frame.attrs.get('modules', [])) or 'none'})")
    scales = [s for s in instrument.module(module).scales if s.role in roles]
    if not scales:
        raise ValueError(f"module {module!r} has no scales with roles {roles}")
    waves = sorted(frame["wave"].dropna().unique())
    if wave != "all":
        wave = int(waves[-1]) if wave is None else int(wave)
        if wave not in waves:
            raise ValueError(f"wave {wave} is not in the data; it holds {', '.join(map(str, waves))}")
        frame = frame[frame["wave"] == wave].reset_index(drop=True)
    keyed = reverse_key(frame, instrument)
    target = {item: s.id for s in scales for item in s.item_ids}
    items = keyed[list(target)].astype("float64")
    return ValidityData(frame=frame, items=items, target=target, instrument=instrument, module=module, wave=wave,
                        source=source, language=language, extra={"seed": simulation_seed(source)})


def sample_summary(vd: ValidityData) -> tuple[pd.DataFrame, str]:
    """Respondents by organisation type and function, and missingness per item."""
    counts = pd.crosstab(vd.frame["function"], vd.frame["organisation_type"], margins=True,
                         margins_name="total" if vd.language == "en" else "totaal")
    missing = vd.items.isna().mean() * 100
    complete = int(vd.items.notna().all(axis=1).sum())
    sentence = text("sample", vd.language, n=len(vd.items), module=vd.instrument.module(vd.module).label[vd.language],
                    wave=vd.wave, complete=complete, complete_pct=100 * complete / len(vd.items),
                    miss_min=missing.min(), miss_max=missing.max())
    return counts, sentence


def item_distributions(vd: ValidityData):
    """Answer shares per item (missing excluded) and a diverging stacked bar chart."""
    scale = vd.instrument.scale
    shares = pd.DataFrame({v: (vd.items == v).sum() / vd.items.notna().sum() for v in scale.values})
    labels = [scale.labels[v][vd.language] for v in scale.values]
    height = 0.3 * len(shares) + 1.8
    fig, ax = plt.subplots(figsize=(9, height))
    plotting.diverging_bars(shares, labels, ax=ax)
    fig.tight_layout()
    return shares, fig


def _kmo_label(value: float, language: str) -> str:
    for cut, key in [(0.9, "marvelous"), (0.8, "meritorious"), (0.7, "middling"), (0.6, "mediocre"),
                     (0.5, "miserable")]:
        if value >= cut:
            return text(f"kmo_{key}", language)
    return text("kmo_unacceptable", language)


def format_p(value: float) -> str:
    """A p-value as APA writes it: ``< .001`` or ``= .042``."""
    return "< .001" if value < 0.001 else f"= {value:.3f}".replace("0.", ".")


def suitability(vd: ValidityData, correlation: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """KMO (overall and per item) and Bartlett's test."""
    overall, per_item = factor.kmo(correlation)
    bart = factor.bartlett_sphericity(correlation, int(vd.items.notna().all(axis=1).sum()))
    table = per_item.to_frame("MSA")
    table.loc["KMO (overall)"] = overall
    sentence = text("suitability", vd.language, kmo_label=_kmo_label(overall, vd.language), kmo=overall,
                    msa_min=per_item.min(), msa_item=per_item.idxmin(), df=bart["df"], chi2=bart["chi2"],
                    p=format_p(bart["p_value"]))
    return table, sentence


def number_of_factors(vd: ValidityData, correlation_kind: str, n_factors="auto", n_iter: int = 20,
                      seed: int = 2026):
    """Parallel analysis with a scree plot; ``n_factors='auto'`` takes its suggestion."""
    table, suggestion = factor.parallel_analysis(vd.items, n_iter=n_iter, correlation=correlation_kind, seed=seed)
    used = suggestion["n_factors"] if n_factors == "auto" else int(n_factors)
    used = max(1, min(used, vd.items.shape[1] - 1))
    labels = {k: text(k, vd.language) for k in ("observed_pc", "observed_fa", "resampled_pc", "resampled_fa",
                                                 "position", "eigenvalue")}
    fig, ax = plt.subplots(figsize=(7, 4))
    plotting.scree_plot(table, used, labels, ax=ax)
    fig.tight_layout()
    sentence = text("n_factors", vd.language, n_iter=n_iter, correlation=text(f"corr_{correlation_kind}", vd.language),
                    n_factors=suggestion["n_factors"], n_components=suggestion["n_components"],
                    intended=vd.n_scales, used=used)
    return table, used, sentence, fig


def factor_structure(vd: ValidityData, correlation: pd.DataFrame, n_factors: int, method: str, rotation: str,
                     correlation_kind: str):
    """EFA aligned to the instrument's scales, with a heat map marking weak and cross-loadings."""
    result = factor.efa(correlation, n_factors, method=method, rotation=rotation,
                        n_obs=int(vd.items.notna().all(axis=1).sum()), target=vd.target)
    loadings = result.loadings_
    absolute = loadings.abs()
    main = absolute.idxmax(axis=1)
    matched = int(sum(main[i] == vd.target[i] for i in loadings.index))
    weak = int((absolute.max(axis=1) < PRIMARY_CUT).sum())
    second = absolute.apply(lambda row: row.drop(row.idxmax()).max() if len(row) > 1 else 0.0, axis=1)
    cross = int((second >= CROSS_CUT).sum())
    fig, ax = plt.subplots(figsize=(1.0 * n_factors + 3.5, 0.3 * len(loadings) + 1.5))
    plotting.loadings_heatmap(loadings, PRIMARY_CUT, CROSS_CUT, ax=ax)
    fig.tight_layout()
    sentence = text("efa", vd.language, method=method, rotation=rotation,
                    correlation=text(f"corr_{correlation_kind}", vd.language),
                    matched=matched, items=len(loadings), weak=weak, primary_cut=PRIMARY_CUT, cross=cross,
                    cross_cut=CROSS_CUT, rmsr=result.fit_["rmsr"])
    return result, sentence, fig


def reliability_tables(vd: ValidityData):
    """Alpha (Feldt CI), standardized alpha and omega per scale, and item statistics."""
    scales = list(dict.fromkeys(vd.target.values()))
    rows, item_tables = [], []
    for scale in scales:
        items = vd.items[[i for i, s in vd.target.items() if s == scale]]
        row = reliability.cronbach_alpha(items).to_dict()
        row["omega_total"] = reliability.omega(items)["omega_total"] if items.shape[1] >= 3 else np.nan
        rows.append({"scale": scale, **row})
        stats = reliability.item_analysis(items, vd.instrument.scale.min, vd.instrument.scale.max)
        item_tables.append(stats.assign(scale=scale))
    table = pd.DataFrame(rows).set_index("scale")
    table[["n", "k"]] = table[["n", "k"]].astype(int)
    items = pd.concat(item_tables)
    sentence = text("reliability", vd.language, alpha_min=table["alpha"].min(), alpha_min_scale=table["alpha"].idxmin(),
                    alpha_max=table["alpha"].max(), alpha_max_scale=table["alpha"].idxmax(),
                    below=int((table["alpha"] < 0.70).sum()))
    return table, items, sentence


def _model(vd: ValidityData) -> dict[str, list[str]]:
    model: dict[str, list[str]] = {}
    for item, scale in vd.target.items():
        model.setdefault(scale, []).append(item)
    return model


def confirmatory(vd: ValidityData):
    """CFA of the instrument's theoretical model with verdicts per fit index."""
    result = sem.fit_cfa(vd.items, _model(vd))
    ok = int(result.verdicts["acceptable"].sum())
    verdict = text("fit_good" if ok == 4 else "fit_mixed" if ok >= 2 else "fit_poor", vd.language)
    fit = result.fit
    sentence = text("cfa", vd.language, verdict=verdict, df=fit["df"], chi2=fit["chi2"], p=format_p(fit["p_value"]),
                    cfi=fit["cfi"], tli=fit["tli"], rmsea=fit["rmsea"], rmsea_low=fit["rmsea_low"],
                    rmsea_high=fit["rmsea_high"], srmr=fit["srmr"], ok=ok)
    return result, sentence


def invariance(vd: ValidityData, group: str, levels: list | None = None):
    """Configural, metric and scalar invariance across ``group`` and a reading of the steps.

    Chen's (2007) criteria: a step holds if CFI drops by no more than .010 and RMSEA rises by
    no more than .015.
    """
    data = vd.items.assign(**{group: vd.frame[group].astype("object")})
    if group == "organisation_type" and levels is None:
        levels = ["gemeente", "zorgaanbieder"]
    table = sem.measurement_invariance(data, _model(vd), group, groups=levels)

    def holds(step):
        return sem.invariance_holds(table, step)

    if holds("metric") and holds("scalar"):
        conclusion = text("invariance_scalar", vd.language, dcfi=table.loc["scalar", "delta_cfi"],
                          drmsea=table.loc["scalar", "delta_rmsea"])
    elif holds("metric"):
        conclusion = text("invariance_metric", vd.language, dcfi=table.loc["scalar", "delta_cfi"])
    else:
        conclusion = text("invariance_none", vd.language, dcfi=table.loc["metric", "delta_cfi"])
    table.attrs["scalar"] = bool(holds("metric") and holds("scalar"))
    sentence = text("invariance", vd.language, group=vd.label(group) if group in vd.instrument.background_ids
                    else group, groups=", ".join(table.attrs["groups"]), conclusion=conclusion)
    return table, sentence


def items_to_reconsider(vd: ValidityData, efa_result, item_stats: pd.DataFrame, reliability_table: pd.DataFrame,
                        cfa_result=None) -> tuple[pd.DataFrame, str]:
    """Items that meet one or more criteria for reconsideration, each with its reasons.

    Criteria: main loading < .40; cross-loading >= .30; main loading on another scale than
    intended; item-rest correlation < .30; alpha higher without the item; more than half at
    the ceiling; more than 10% missing; a CFA modification index of 10 or more.
    """
    lang = vd.language
    reasons: dict[str, list[str]] = {}
    loadings = efa_result.loadings_
    for item, row in loadings.iterrows():
        absolute = row.abs()
        main = absolute.idxmax()
        if absolute[main] < PRIMARY_CUT:
            reasons.setdefault(item, []).append(text("reason_weak", lang, value=row[main]))
        if main != vd.target[item] and vd.target[item] in loadings.columns:
            reasons.setdefault(item, []).append(text("reason_misplaced", lang, factor=main))
        for other, value in absolute.drop(main).items():
            if value >= CROSS_CUT:
                reasons.setdefault(item, []).append(text("reason_cross", lang, factor=other, value=row[other]))
    for item, row in item_stats.iterrows():
        if row["item_rest_r"] < ITEM_REST_CUT:
            reasons.setdefault(item, []).append(text("reason_item_rest", lang, value=row["item_rest_r"]))
        if row["alpha_if_deleted"] > reliability_table.loc[row["scale"], "alpha"] + 0.005:
            reasons.setdefault(item, []).append(text("reason_alpha", lang, value=row["alpha_if_deleted"]))
        if row["ceiling_share"] > CEILING_CUT:
            reasons.setdefault(item, []).append(text("reason_ceiling", lang, value=row["ceiling_share"]))
        if row["missing_share"] > MISSING_CUT:
            reasons.setdefault(item, []).append(text("reason_missing", lang, value=row["missing_share"]))
    if cfa_result is not None:
        for _, row in cfa_result.modification_indices.iterrows():
            if row["mi"] >= MI_CUT and row["kind"] == "cross-loading":
                item = row["parameter"].split("=~")[1].strip()
                reasons.setdefault(item, []).append(text("reason_mi", lang, value=row["mi"], parameter=row["parameter"]))
    rows = [{"item": item, "scale": vd.target[item], "text": vd.instrument.item_by_id[item].text[lang],
             "reasons": "; ".join(found)} for item, found in reasons.items()]
    table = pd.DataFrame(rows, columns=["item", "scale", "text", "reasons"]).set_index("item")
    sentence = text("reconsider_none", lang) if table.empty else ""
    return table, sentence


def banner(vd: ValidityData) -> str:
    """A visible Markdown notice when the data are simulated (empty for real data)."""
    seed = vd.extra.get("seed")
    return "" if seed is None else f"> **{text('simulated', vd.language, seed=seed)}**"


#: name -> (title, decimals, columns without a leading zero) for :func:`export_tables`.
EXPORTS = {
    "sample": ("Respondents by function and organisation type", 0, ()),
    "item_distributions": ("Answer shares per item", 2, ()),
    "suitability": ("Sampling adequacy per item (MSA) and overall (KMO)", 2, ("MSA",)),
    "parallel_analysis": ("Eigenvalues: observed against random data", 2, ()),
    "efa_loadings": ("Factor loadings", 2, ()),
    "factor_correlations": ("Factor correlations", 2, ()),
    "reliability": ("Reliability per scale", 2, ("alpha", "ci_low", "ci_high", "std_alpha", "average_r",
                                                 "omega_total")),
    "item_statistics": ("Item statistics", 2, ("item_rest_r", "alpha_if_deleted", "missing_share",
                                               "floor_share", "ceiling_share")),
    "cfa_fit": ("Fit of the theoretical model", 3, ()),
    "modification_indices": ("Largest modification indices", 2, ()),
    "invariance": ("Measurement invariance", 3, ()),
    "items_to_reconsider": ("Items to reconsider", 2, ()),
}


def export_tables(tables: dict[str, pd.DataFrame], out_dir: str | Path) -> pd.DataFrame:
    """Write each table as CSV, Markdown and LaTeX (APA style); returns what was written."""
    from .tables import export_table

    rows = []
    for number, (name, table) in enumerate(tables.items(), start=1):
        title, decimals, bounded = EXPORTS.get(name, (name.replace("_", " ").capitalize(), 2, ()))
        paths = export_table(table, name, out_dir, title, number=number, decimals=decimals, bounded=bounded)
        rows.append({"table": name, **{k: str(v) for k, v in paths.items()}})
    return pd.DataFrame(rows).set_index("table")


def general_factor(vd: ValidityData) -> tuple[pd.Series, str]:
    """Omega hierarchical and omega total of the whole module (Schmid-Leiman, psych::omega),
    with one group factor per scale; needs at least three scales."""
    if vd.n_scales < 3:
        return pd.Series(dtype=float), ""
    result = reliability.omega(vd.items, n_factors=vd.n_scales)
    return result, text("omega_h", vd.language, omega_h=result["omega_hierarchical"], omega_t=result["omega_total"],
                        k=vd.n_scales)
