"""The questionnaire-validity analysis, step by step, for ``notebooks/validity.ipynb``.

This is where the domain meets the statistics: it loads the data (with the monitor's instrument
file, another instrument file, or psych-style scoring keys alone), keys the items and hands
frames, keys and models to the domain-free modules (:mod:`monitor.stats.factor`,
:mod:`monitor.stats.reliability`, :mod:`monitor.stats.sem.measurement`). Each step returns the tables, figures and
sentences a researcher expects; the sentences are built from the computed numbers only, and
every caveat a statistic raises (:class:`monitor.stats.factor.PsychometricWarning`) is appended to
the step's sentence as a visible note.
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..core.config import DEMO_DATA
from ..core.escaping import escape_html, escape_markdown
from ..core.files import atomic_write, ensure_folder
from ..core.texts import TEXTS, dutch, text
from ..stats import factor, plotting, reliability
from ..stats.sem import measurement as sem
from ..survey.instrument import Background, Instrument, instrument_from_keys, load_instrument
from ..survey.responses import Responses, read_responses
from ..survey.scoring import reverse_key
from ..survey.store import read_store
from ..survey.synthetic import simulation_seed
from .references import BIBTEX_FILE, bibtex, reference_list
from .tables import apa_bounded, apa_number, apa_p, export_table, header_labels

__all__ = ["ValidityData", "load_validity_data", "simulation_seed", "sample_summary", "item_distributions", "correlations",
           "suitability",
           "number_of_factors", "factor_structure", "reliability_tables", "confirmatory", "composite",
           "invariance", "scalar_invariance", "items_to_reconsider", "general_factor", "instrument_reliability", "criteria",
           "show", "export_tables", "references", "banner", "format_p", "Heading", "section",
           "PRIMARY_CUT", "CROSS_CUT", "ITEM_REST_CUT", "CEILING_CUT", "MISSING_CUT", "MI_CUT", "ALPHA_CUT",
           "AVE_CUT", "PA_QUANTILE", "CHEN_CFI_DROP", "CHEN_RMSEA_RISE"]

PRIMARY_CUT = 0.40  # a main loading below this is weak
CROSS_CUT = 0.30  # a secondary loading from this up is a cross-loading
ITEM_REST_CUT = 0.30  # an item-rest correlation below this is low
CEILING_CUT = 0.50  # more than this share at the highest answer is a ceiling effect
MISSING_CUT = 0.10  # more than this share unanswered
MI_CUT = 10.0  # a modification index from this up is a hint
ALPHA_CUT = 0.70  # the conventional lowest alpha for group comparisons (Nunnally 1978)
AVE_CUT = 0.50  # Fornell & Larcker (1981): a factor explains at least half its items' variance
PA_QUANTILE = 0.95  # parallel analysis compares with this quantile of resampled eigenvalues
CHEN_CFI_DROP = 0.010  # Chen (2007): an invariance step holds if CFI drops by at most this
CHEN_RMSEA_RISE = 0.015  # ... and RMSEA rises by at most this
#: The answer codes accepted while reading data described by scoring keys alone (any Likert range).
_KEYS_ANSWER_RANGE = (-100, 100)


@dataclass
class ValidityData:
    """The responses of one module (and wave, when the data have waves), items keyed in one direction."""

    frame: pd.DataFrame
    items: pd.DataFrame
    target: dict[str, str]
    instrument: Instrument
    module: str
    wave: int | str | None
    source: Path
    language: str = "en"
    extra: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # caveats found while preparing

    @property
    def n_scales(self) -> int:
        return len(set(self.target.values()))

    @property
    def scales(self) -> dict[str, list[str]]:
        """Scale -> its (keyed) items, in questionnaire order."""
        model: dict[str, list[str]] = {}
        for item, scale in self.target.items():
            model.setdefault(scale, []).append(item)
        return model

    def label(self, key: str) -> str:
        return self.instrument.label(key, self.language)


# -- notes from warnings -------------------------------------------------------------------------
@contextmanager
def _noting():
    """Collect the :class:`PsychometricWarning` messages raised inside, instead of printing them."""
    found: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", factor.PsychometricWarning)
        yield found
    for warning in caught:
        if issubclass(warning.category, factor.PsychometricWarning):
            message = str(warning.message)
            if message not in found:
                found.append(message)
        else:
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)


def _with_notes(sentence: str, notes: list[str], language: str) -> str:
    """The sentence followed by one visible Markdown note per caveat (escaped: names come from data)."""
    label = text("note", language)
    return "\n\n".join([sentence] * bool(sentence) + [f"> **{label}** {escape_markdown(n)}" for n in notes])


# -- loading -------------------------------------------------------------------------------------
def _with_columns(instrument: Instrument, columns) -> Instrument:
    """The instrument with extra columns to read (e.g. a grouping column), as text background
    variables, so that the loader keeps them."""
    extra = [c for c in dict.fromkeys(columns or ()) if c not in instrument.background_ids]
    if not extra:
        return instrument
    added = tuple(Background(id=c, type="text", label={"nl": c, "en": c}) for c in extra)
    return dataclasses.replace(instrument, background=instrument.background + added)


def _load(source: Path, instrument: Instrument, mapping_path, store=None) -> Responses:
    """``read_responses``, with the mapping when given; every wave of a wave store when ``store`` is."""
    if store is not None:
        return read_store(source, instrument)
    return read_responses(source, instrument, mapping=mapping_path)


def _load_with_keys(source: Path, scales: dict, mapping_path, columns) -> tuple[pd.DataFrame, Instrument]:
    """Read data described only by scoring keys; the answer range is the one observed (as psych)."""
    low, high = _KEYS_ANSWER_RANGE
    reading = instrument_from_keys(scales, low, high, name=source.stem)
    frame = _load(source, _with_columns(reading, columns), mapping_path).frame
    items = reading.item_ids
    values = frame[items].to_numpy(dtype="float64", na_value=np.nan)
    if not np.isfinite(values).any():
        raise ValueError(f"{source}: the item columns hold no answers")
    observed = int(np.nanmin(values)), int(np.nanmax(values))
    if observed[0] == observed[1]:
        raise ValueError(f"{source}: every answer is {observed[0]}; there is nothing to analyse")
    return frame, instrument_from_keys(scales, *observed, name=source.stem)


def load_validity_data(data_path: str | Path | None = None, instrument_path: str | Path | None = None,
            module: str | None = None, wave: int | str | None = None, language: str = "en",
            roles: tuple[str, ...] = ("theme", "factor", "stage", "scale"), scales: dict | None = None,
            mapping_path: str | Path | None = None, columns: list[str] | None = None,
            store: str | Path | None = None) -> ValidityData:
    """Load and validate the data, pick the wave and key the items.

    Parameters
    ----------
    data_path : path, optional
        A survey export (.csv, .xlsx, .sav); default the committed demo data.
    instrument_path : path, optional
        An instrument file; default ``data/instrument.yaml``. Ignored when ``scales`` is given.
    module : str, optional
        The module to validate; default ``vertrouwen`` when the instrument has it, else the
        first module found in the data.
    wave : int, "all" or None
        For data with a ``wave`` column: that wave, every wave together, or (None) the latest.
    scales : dict, optional
        psych-style scoring keys, scale -> items with a leading ``-`` for reverse-keyed items
        (``{"A": ["-A1", "A2", "A3"]}``): validate any questionnaire without an instrument file.
    mapping_path : path, optional
        A column mapping for platform exports, passed to the data loader.
    columns : list of str, optional
        Further columns to keep from the data (e.g. a grouping column for invariance), read as text.
    store : path, optional
        A wave store's folder (``monitor waves add``), read instead of ``data_path``: every stored wave.
    """
    if store is not None and data_path:
        raise ValueError("give a data file or a wave store (one of the two)")
    source = Path(store) if store is not None else Path(data_path) if data_path else DEMO_DATA
    if scales:
        frame, instrument = _load_with_keys(source, scales, mapping_path, columns)
        module = "items"
    else:
        instrument = load_instrument(instrument_path)
        responses = _load(source, _with_columns(instrument, columns), mapping_path, store)
        frame, present = responses.frame, list(responses.modules)
        if module is None:
            module = "vertrouwen" if "vertrouwen" in present else (present or [m.id for m in instrument.modules])[0]
        if module not in present:
            raise ValueError(f"{source}: the data hold no answers to module {module!r} "
                             f"(modules present: {', '.join(present) or 'none'})")
    chosen = [s for s in instrument.module(module).scales if s.role in roles]
    if not chosen:
        raise ValueError(f"module {module!r} has no scales with roles {roles}")
    if "wave" in frame.columns and frame["wave"].notna().any():
        waves = sorted(frame["wave"].dropna().unique())
        if wave != "all":
            wave = int(waves[-1]) if wave is None else int(wave)
            if wave not in waves:
                raise ValueError(f"wave {wave} is not in the data; it holds {', '.join(map(str, waves))}")
            frame = frame[frame["wave"] == wave].reset_index(drop=True)
    elif wave not in (None, "all"):
        raise ValueError(f"wave {wave}: the data have no wave column")
    else:
        wave = None
    keyed = reverse_key(frame, instrument)
    target = {item: s.id for s in chosen for item in s.item_ids}
    items = keyed[list(target)].astype("float64")
    with _noting() as notes:
        kept = factor.drop_constant_items(items, "validity analysis")
    target = {i: s for i, s in target.items() if i in kept.columns}
    return ValidityData(frame=frame, items=kept, target=target, instrument=instrument, module=module, wave=wave,
                        source=source, language=language, extra={"seed": simulation_seed(source)}, notes=notes)


def instrument_reliability(frame: pd.DataFrame, instrument: Instrument, module: str = "vertrouwen",
                           roles: tuple[str, ...] = ("theme", "outcome", "factor", "stage"),
                           ordinal: bool = False) -> pd.DataFrame:
    """Alpha (Feldt CI), standardized alpha and omega per scale of an instrument's module: the
    instrument's keying as psych-style keys, handed to :func:`monitor.stats.reliability.scale_reliability`."""
    keys = {s.id: [("-" if item.reverse else "") + item.id for item in s.items]
            for s in instrument.module(module).scales if s.role in roles}
    table = reliability.scale_reliability(frame, keys, ordinal=ordinal)
    table.insert(0, "role", [instrument.scale_by_id(s).role for s in table.index])
    return table


# -- steps -----------------------------------------------------------------------------------------
def sample_summary(vd: ValidityData) -> tuple[pd.DataFrame, str]:
    """Respondents by function and organisation type (when the data have them), and missingness."""
    columns = [c for c in ("function", "organisation_type") if c in vd.frame.columns]
    total = "total" if vd.language == "en" else "totaal"
    if len(columns) == 2:
        counts = pd.crosstab(vd.frame[columns[0]], vd.frame[columns[1]], margins=True, margins_name=total)
    elif columns:
        counts = vd.frame[columns[0]].value_counts(dropna=False).to_frame("n")
        counts.loc[total] = counts["n"].sum()
    else:
        counts = pd.DataFrame({"n": [len(vd.items)]}, index=[total])
    missing = vd.items.isna().mean() * 100
    complete = int(vd.items.notna().all(axis=1).sum())
    values = dict(n=len(vd.items), module=escape_markdown(vd.instrument.module(vd.module).label[vd.language]),
                  complete=complete, complete_pct=100 * complete / len(vd.items), miss_min=float(missing.min()),
                  miss_max=float(missing.max()))
    sentence = (text("sample", vd.language, wave=vd.wave, **values) if vd.wave not in (None, "all")
                else text("sample_all", vd.language, **values))
    return counts, _with_notes(sentence, vd.notes, vd.language)


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


def format_p(value: float, language: str = "en") -> str:
    """A p-value as APA writes it after "p": ``< .001`` or ``= .042`` (Dutch: ``= ,042``)."""
    formatted = apa_p(value)
    formatted = formatted if formatted.startswith("<") else f"= {formatted}"
    return dutch(formatted) if language == "nl" else formatted


def correlations(vd: ValidityData, kind: str) -> tuple[pd.DataFrame, str]:
    """The item correlation matrix (``pearson`` or ``polychoric``), with notes (e.g. smoothing)."""
    with _noting() as notes:
        r = factor.correlation_matrix(vd.items, kind)
    return r, _with_notes("", notes, vd.language)


def suitability(vd: ValidityData, correlation: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """KMO (overall and per item) and Bartlett's test, with n the number of respondents (as psych)."""
    with _noting() as notes:
        overall, per_item = factor.kmo(correlation)
        bart = factor.bartlett_sphericity(correlation, len(vd.items))
    table = per_item.to_frame("MSA")
    table.loc["KMO (overall)"] = overall
    sentence = text("suitability", vd.language, kmo_label=_kmo_label(overall, vd.language),
                    kmo=apa_bounded(overall, vd.language), msa_min=apa_bounded(per_item.min(), vd.language), msa_item=escape_markdown(per_item.idxmin()), df=bart["df"],
                    chi2=bart["chi2"], p=format_p(bart["p_value"], vd.language))
    return table, _with_notes(sentence, notes, vd.language)


def number_of_factors(vd: ValidityData, correlation_kind: str, n_factors=None, n_iter: int = 20,
                      seed: int = 2026):
    """Parallel analysis with a scree plot, and the number of factors the EFA uses.

    ``n_factors``: None takes one factor per scale (the key's or instrument's intent), ``"auto"``
    the parallel-analysis suggestion, a number itself; the suggestion is reported beside it.
    """
    with _noting() as notes:
        table, suggestion = factor.parallel_analysis(vd.items, n_iter=n_iter, correlation=correlation_kind,
                                                     seed=seed, quantile=PA_QUANTILE)
    if n_factors is None:
        used, choice = vd.n_scales, "choice_scales"
    elif n_factors == "auto":
        used, choice = suggestion["n_factors"], "choice_auto"
    else:
        try:
            used, choice = int(n_factors), "choice_fixed"
        except (TypeError, ValueError):
            raise ValueError(f"n_factors must be None, 'auto' or a number, not {n_factors!r}") from None
    used = max(1, min(used, vd.items.shape[1] - 1))
    labels = {k: text(k, vd.language) for k in ("observed_pc", "observed_fa", "resampled_pc", "resampled_fa",
                                                 "position", "eigenvalue")}
    fig, ax = plt.subplots(figsize=(7, 4))
    plotting.scree_plot(table, used, labels, ax=ax)
    fig.tight_layout()
    sentence = text("n_factors_used", vd.language, n_iter=n_iter,
                    correlation=text(f"corr_{correlation_kind}", vd.language), quantile=PA_QUANTILE * 100,
                    n_factors=suggestion["n_factors"], n_components=suggestion["n_components"],
                    intended=vd.n_scales, used=used, choice=text(choice, vd.language))
    return table, used, _with_notes(sentence, notes, vd.language), fig


def factor_structure(vd: ValidityData, correlation: pd.DataFrame, n_factors: int, method: str, rotation: str,
                     correlation_kind: str):
    """EFA aligned to the scales, with a heat map marking weak and cross-loadings."""
    with _noting() as notes:
        result = factor.efa(correlation, n_factors, method=method, rotation=rotation, n_obs=len(vd.items),
                            target=vd.target)
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
                    matched=matched, items=len(loadings), weak=weak, primary_cut=apa_bounded(PRIMARY_CUT, vd.language),
                    cross=cross, cross_cut=apa_bounded(CROSS_CUT, vd.language),
                    rmsr=apa_bounded(result.fit_["rmsr"], vd.language))
    return result, _with_notes(sentence, notes, vd.language), fig


def reliability_tables(vd: ValidityData, polychoric: pd.DataFrame | None = None):
    """Alpha (Feldt CI), standardized alpha and omega per scale (with ordinal alpha and omega
    when a polychoric matrix is given), and item statistics."""
    scale = vd.instrument.scale
    with _noting() as notes:
        table = reliability.scale_reliability(vd.items, vd.scales, ordinal=polychoric is not None,
                                              polychoric=polychoric)
        items = pd.concat([reliability.item_analysis(vd.items[members], scale.min, scale.max).assign(scale=name)
                           for name, members in vd.scales.items()])
    sentence = text("reliability_cut", vd.language, alpha_min=apa_bounded(table["alpha"].min(), vd.language),
                    alpha_min_scale=escape_markdown(table["alpha"].idxmin()),
                    alpha_max=apa_bounded(table["alpha"].max(), vd.language),
                    alpha_max_scale=escape_markdown(table["alpha"].idxmax()),
                    below=int((table["alpha"] < ALPHA_CUT).sum()), cut=apa_bounded(ALPHA_CUT, vd.language))
    return table, items, _with_notes(sentence, notes, vd.language)


def general_factor(vd: ValidityData) -> tuple[pd.Series, str]:
    """Omega hierarchical and omega total of the whole set of items (Schmid-Leiman, psych::omega
    with its default flip), one group factor per scale; needs at least three scales."""
    if vd.n_scales < 3:
        return pd.Series(dtype=float), text("omega_h_few", vd.language, k=vd.n_scales)
    with _noting() as notes:
        result = reliability.omega(vd.items, n_factors=vd.n_scales)
    sentence = text("omega_h", vd.language, omega_h=apa_bounded(result["omega_hierarchical"], vd.language),
                    omega_t=apa_bounded(result["omega_total"], vd.language), k=vd.n_scales)
    return result, _with_notes(sentence, notes, vd.language)


def _cfa_parameters(model: dict[str, list[str]]) -> int:
    """Free parameters of a simple-structure CFA with marker variables: loadings, residual
    variances, factor variances and covariances."""
    p, m = sum(len(items) for items in model.values()), len(model)
    return (p - m) + p + m * (m + 1) // 2


def confirmatory(vd: ValidityData):
    """CFA of the scales (each item on its own scale), with verdicts per fit index and notes on
    listwise row loss, cases per parameter and Heywood cases. Returns ``(None, sentence)`` when
    the model cannot be fitted."""
    model = vd.scales
    complete = int(vd.items.notna().all(axis=1).sum())
    notes = []
    lost = len(vd.items) - complete
    if lost:
        notes.append(text("listwise", vd.language, used=complete, lost=lost, pct=100 * lost / len(vd.items)))
    parameters = _cfa_parameters(model)
    if complete < factor.MIN_CASES_PER_PARAMETER * parameters:
        notes.append(text("few_cases", vd.language, n=complete, parameters=parameters,
                          ratio=factor.MIN_CASES_PER_PARAMETER))
    try:
        with _noting() as caught:
            result = sem.fit_cfa(vd.items, model)
    except (np.linalg.LinAlgError, ValueError, RuntimeError, KeyError) as exc:
        return None, _with_notes(text("cfa_failed", vd.language, reason=escape_markdown(str(exc).splitlines()[0]
                                                                                            if str(exc) else
                                                                                            type(exc).__name__)),
                                 notes, vd.language)
    squared = (result.loadings.fillna(0) ** 2).sum(axis=1)  # communality of each item (simple structure)
    heywood = [str(i) for i, h2 in squared.items() if 1 - h2 <= factor.HEYWOOD_UNIQUENESS]
    if heywood:
        notes.append(text("cfa_heywood", vd.language, n=len(heywood), items=", ".join(heywood)))
    ok = int(result.verdicts["acceptable"].sum())
    verdict = text("fit_good" if ok == 4 else "fit_mixed" if ok >= 2 else "fit_poor", vd.language)
    fit = result.fit
    fit_indices = {k: apa_bounded(fit[k], vd.language)  # APA: no leading zero
                   for k in ("cfi", "tli", "rmsea", "rmsea_low", "rmsea_high", "srmr")}
    sentence = text("cfa", vd.language, verdict=verdict, df=fit["df"], chi2=fit["chi2"], p=format_p(fit["p_value"], vd.language),
                    ok=ok, **fit_indices)
    return result, _with_notes(sentence, notes + caught, vd.language)


def _residual_variances(result) -> pd.Series | None:
    """Standardized residual variances of the items from a CFA's estimates, when it reports them."""
    estimates = getattr(result, "estimates", None)
    if not isinstance(estimates, pd.DataFrame) or not {"lhs", "op", "rhs", "std.all"} <= set(estimates.columns):
        return None
    items = list(result.loadings.index)
    rows = estimates[(estimates["op"] == "~~") & (estimates["lhs"] == estimates["rhs"])
                     & estimates["lhs"].isin(items)]
    series = rows.set_index("lhs")["std.all"].astype("float64")
    return series.reindex(items) if set(items) <= set(series.index) else None


def composite(vd: ValidityData, cfa_result) -> tuple[pd.DataFrame, str]:
    """Composite reliability and AVE per scale from the CFA's standardized solution
    (semTools' ``compRelSEM``/``AVE`` convention), with Fornell and Larcker's AVE criterion."""
    if cfa_result is None:
        return pd.DataFrame(), ""
    table = reliability.composite_reliability(cfa_result.loadings, _residual_variances(cfa_result))
    squared = cfa_result.factor_correlation.reindex(index=table.index, columns=table.index) ** 2
    table["max_r2"] = [squared.loc[f].drop(f).max() if len(table) > 1 else np.nan for f in table.index]
    sentence = text("composite", vd.language, cr_min=apa_bounded(table["composite_reliability"].min(), vd.language),
                    cr_max=apa_bounded(table["composite_reliability"].max(), vd.language),
                    below=int((table["ave"] < AVE_CUT).sum()), cut=apa_bounded(AVE_CUT, vd.language),
                    under_r2=int((table["ave"] < table["max_r2"]).sum()))
    return table, sentence


def scalar_invariance(table: pd.DataFrame) -> bool:
    """Whether an invariance table (:func:`invariance`) supports scalar invariance by Chen's (2007)
    criteria (:data:`CHEN_CFI_DROP`, :data:`CHEN_RMSEA_RISE`): metric and scalar steps both hold."""
    return all(sem.invariance_holds(table, step, max_cfi_drop=CHEN_CFI_DROP, max_rmsea_rise=CHEN_RMSEA_RISE)
               for step in ("metric", "scalar"))


def invariance(vd: ValidityData, group: str | None, levels: list | None = None):
    """Configural, metric and scalar invariance across ``group`` (any column of the data), and a
    reading by Chen's (2007) criteria; ``group=None`` skips it with a sentence."""
    if not group:
        return pd.DataFrame(), text("invariance_skipped", vd.language)
    if group not in vd.frame.columns:
        raise ValueError(f"invariance_group: the data have no column {group!r} (name it in load_validity_data's columns)")
    data = vd.items.assign(**{group: vd.frame[group].astype("object")})
    try:
        with _noting() as notes:
            table = sem.measurement_invariance(data, vd.scales, group, groups=levels)
    except (np.linalg.LinAlgError, ValueError) as exc:
        return pd.DataFrame(), text("invariance_failed", vd.language, group=escape_markdown(group),
                                    reason=escape_markdown(str(exc)))

    def holds(step):
        return sem.invariance_holds(table, step, max_cfi_drop=CHEN_CFI_DROP, max_rmsea_rise=CHEN_RMSEA_RISE)

    if scalar_invariance(table):
        conclusion = text("invariance_scalar", vd.language,
                          dcfi=apa_bounded(table.loc["scalar", "delta_cfi"], vd.language),
                          drmsea=apa_bounded(table.loc["scalar", "delta_rmsea"], vd.language))
    elif holds("metric"):
        conclusion = text("invariance_metric", vd.language,
                          dcfi=apa_bounded(table.loc["scalar", "delta_cfi"], vd.language))
    else:
        conclusion = text("invariance_none", vd.language,
                          dcfi=apa_bounded(table.loc["metric", "delta_cfi"], vd.language))
    label = vd.label(group) if group in vd.instrument.background_ids else group
    compared = sem.invariance_groups(data, vd.scales, group, levels)
    sentence = text("invariance", vd.language, group=escape_markdown(label),
                    groups=", ".join(escape_markdown(str(g)) for g in compared), conclusion=conclusion)
    return table, _with_notes(sentence, notes, vd.language)


def items_to_reconsider(vd: ValidityData, efa_result, item_stats: pd.DataFrame, reliability_table: pd.DataFrame,
                        cfa_result=None) -> tuple[pd.DataFrame, str]:
    """Items that meet one or more criteria for reconsideration, each with its reasons.

    Criteria (the module's constants): main loading below :data:`PRIMARY_CUT`; cross-loading
    from :data:`CROSS_CUT`; main loading on another scale than intended; item-rest correlation
    below :data:`ITEM_REST_CUT`; alpha higher without the item; more than :data:`CEILING_CUT`
    at the ceiling; more than :data:`MISSING_CUT` missing; a CFA modification index from
    :data:`MI_CUT`. See :func:`criteria` for the sentence.
    """
    lang = vd.language
    reasons: dict[str, list[str]] = {}
    loadings = efa_result.loadings_
    for item, row in loadings.iterrows():
        absolute = row.abs()
        main = absolute.idxmax()
        if absolute[main] < PRIMARY_CUT:
            reasons.setdefault(item, []).append(text("reason_weak", lang, value=apa_bounded(row[main], lang)))
        if main != vd.target[item] and vd.target[item] in loadings.columns:
            reasons.setdefault(item, []).append(text("reason_misplaced", lang, factor=main))
        for other, value in absolute.drop(main).items():
            if value >= CROSS_CUT:
                reasons.setdefault(item, []).append(text("reason_cross", lang, factor=other,
                                                         value=apa_bounded(row[other], lang)))
    for item, row in item_stats.iterrows():
        if row["item_rest_r"] < ITEM_REST_CUT:
            reasons.setdefault(item, []).append(text("reason_item_rest", lang,
                                                     value=apa_bounded(row["item_rest_r"], lang)))
        if row["alpha_if_deleted"] > reliability_table.loc[row["scale"], "alpha"] + 0.005:
            reasons.setdefault(item, []).append(text("reason_alpha", lang, value=apa_bounded(row["alpha_if_deleted"], lang)))
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


def criteria(step: str, language: str) -> str:
    """The sentence stating a step's thresholds, from the constants the code applies."""
    if step == "parallel":
        return text("criteria_parallel", language, quantile=PA_QUANTILE * 100)
    def apa(value):  # loadings, correlations, alpha, AVE, fit indices: no leading zero (APA)
        return apa_bounded(value, language)

    if step == "efa":
        return text("criteria_efa", language, primary=apa(PRIMARY_CUT), cross=apa(CROSS_CUT))
    if step == "reliability":
        return text("criteria_reliability", language, alpha=apa(ALPHA_CUT), ave=apa(AVE_CUT))
    if step == "cfa":
        cut = {k: apa(v[1]) for k, v in sem.FIT_CUTOFFS.items()}
        return text("criteria_cfa", language, cfi=cut["cfi"], tli=cut["tli"], rmsea=cut["rmsea"], srmr=cut["srmr"])
    if step == "invariance":
        return text("criteria_invariance", language, cfi=apa(CHEN_CFI_DROP), rmsea=apa(CHEN_RMSEA_RISE))
    if step == "reconsider":
        return text("criteria_reconsider", language, primary=apa(PRIMARY_CUT), cross=apa(CROSS_CUT),
                    item_rest=apa(ITEM_REST_CUT), ceiling=CEILING_CUT, missing=MISSING_CUT, mi=MI_CUT)
    raise ValueError(f"no criteria for step {step!r}")


def banner(vd: ValidityData) -> str:
    """A visible Markdown notice when the data are simulated (empty for real data)."""
    seed = vd.extra.get("seed")
    return "" if seed is None else f"> **{text('simulated', vd.language, seed=seed)}**"


# -- headings and introductions ---------------------------------------------------------------------
class Heading:
    """A heading the notebook displays in its language: HTML for the rendered page (which takes
    its title and the figures' alt text from its headings, as from the region report's) and
    Markdown for anything that reads the notebook's Markdown."""

    def __init__(self, words: str, level: int = 2):
        self.words, self.level = words, level

    def _repr_html_(self) -> str:
        return f"<h{self.level}>{escape_html(self.words)}</h{self.level}>"

    def _repr_markdown_(self) -> str:
        return f"{'#' * self.level} {escape_markdown(self.words)}"

    def __repr__(self) -> str:
        return self.words


def section(name: str, language: str = "en") -> tuple:
    """The heading and introduction of the notebook's section ``name`` (``title`` for the
    notebook's own title) in ``language``, from the catalogue (``val_head_<name>``,
    ``val_intro_<name>``), for ``display(*validity.section(name, language))``."""
    from IPython.display import Markdown  # IPython (0.2 s): only when a notebook shows the section

    return (Heading(text(f"val_head_{name}", language), 1 if name == "title" else 2),
            Markdown(text(f"val_intro_{name}", language)))


# -- showing and exporting -------------------------------------------------------------------------
#: name -> (decimals, columns without a leading zero, p-value columns) for :func:`show` and the export.
FORMATS = {
    "sample": (0, (), ()),
    "item_distributions": (2, (), ()),
    "suitability": (2, ("MSA",), ()),
    "parallel_analysis": (2, (), ()),
    "efa_loadings": (2, (), ()),
    "factor_correlations": (2, (), ()),
    "reliability": (3, ("alpha", "ci_low", "ci_high", "std_alpha", "average_r", "omega_total", "ordinal_alpha",
                        "ordinal_omega_total"), ()),
    "item_statistics": (2, ("item_rest_r", "alpha_if_deleted", "missing_share", "floor_share", "ceiling_share"), ()),
    "composite_reliability": (3, ("composite_reliability", "ave", "max_r2"), ()),
    "cfa_fit": (3, (), ()),
    "modification_indices": (2, (), ()),
    "invariance": (3, (), ("p_value", "delta_p")),
    "items_to_reconsider": (2, (), ()),
}


def _apa(table: pd.DataFrame, name: str, language: str) -> pd.DataFrame:
    """Every cell as APA text: fixed decimals, no leading zero where bounded, p as ``< .001``,
    yes/no in the language for booleans, blank for missing."""
    decimals, bounded, p_columns = FORMATS.get(name, (2, (), ()))
    local = dutch if language == "nl" else str

    def cell(value, column):
        if isinstance(value, str):
            return value
        if isinstance(value, (bool, np.bool_)):
            return text("yes" if value else "no", language)
        if column in p_columns:
            return local(apa_p(value))
        return local(apa_number(value, decimals, column in bounded))

    out = pd.DataFrame(index=table.index, columns=table.columns, dtype=object)
    for column in table.columns:
        out[column] = [cell(v, column) for v in table[column]]
    return out


def _title(name: str, language: str) -> str:
    try:
        return text(f"table_{name}", language)
    except KeyError:
        return name.replace("_", " ").capitalize()


def _heading(column, language: str) -> str:
    """A column's heading in the language (``ci_low`` -> ``95% CI low``); other names as they are."""
    try:
        return text(f"validity_col_{column}", language)
    except KeyError:
        return str(column)


def show(table: pd.DataFrame, name: str, language: str = "en"):
    """A table for the notebook as an APA-formatted Markdown table with its caption: whole (never
    truncated), escaped (labels come from data), numbers formatted for the language."""
    from IPython.display import Markdown  # IPython (0.2 s): only when a notebook shows the table

    if table is None or table.empty:
        return Markdown("")
    shown = _apa(table, name, language).map(escape_markdown)
    shown.index = [escape_markdown(i) for i in shown.index]
    shown.columns = [escape_markdown(_heading(c, language)) for c in shown.columns]
    return Markdown(f"*{escape_markdown(_title(name, language))}*\n\n{shown.to_markdown()}")


def export_tables(tables: dict[str, pd.DataFrame], out_dir: str | Path, language: str = "en") -> pd.DataFrame:
    """Write each table as CSV, Markdown and LaTeX (APA style) with its caption, headers, words
    and numbers in ``language``; returns what was written, with paths relative to the working
    directory."""
    rows = []
    for number, (name, table) in enumerate((n, t) for n, t in tables.items() if t is not None and not t.empty):
        decimals, bounded, p_columns = FORMATS.get(name, (2, (), ()))
        names = [*table.columns, table.index.name or ""]
        headers = header_labels(names, language, extra={c: _heading(c, language) for c in names
                                                         if f"validity_col_{c}" in TEXTS})
        paths = export_table(table, name, out_dir, _title(name, language), number=number + 1, decimals=decimals,
                             bounded=bounded, language=language, headers=headers, p_columns=p_columns or None)
        rows.append({"table": name, **{k: os.path.relpath(v) for k, v in paths.items()}})
    if rows:  # the works the tables rest on, for a thesis in LaTeX
        atomic_write(ensure_folder(out_dir) / BIBTEX_FILE, bibtex(REFERENCE_KEYS, language))
    return pd.DataFrame(rows).set_index("table") if rows else pd.DataFrame()


#: The works the validity notebook relies on, as keys of :mod:`monitor.analyses.references`.
REFERENCE_KEYS = ("mejres_thesis", "psych", "lavaan", "factor_analyzer", "cronbach1951", "feldt1965",
                  "mcdonald1999", "zinbarg2005", "schmid_leiman1957", "olsson1979", "horn1965", "kaiser1974",
                  "bartlett1950", "hu_bentler1999", "chen2007")


def references(language: str = "en") -> str:
    """The reference list of the validity notebook as Markdown (APA 7, :mod:`monitor.analyses.references`)."""
    return reference_list(REFERENCE_KEYS, language)


def default_output_dir(reports_dir: Path, vd: ValidityData) -> Path:
    """``reports/validity/<module>_<wave>`` (``<module>`` alone for data without waves)."""
    return Path(reports_dir) / "validity" / (vd.module if vd.wave is None else f"{vd.module}_{vd.wave}")
