"""Per-region reports for advisers: aggregates only, small groups suppressed, Dutch by default.

The work a renderer can do once for all regions (loading and validating the data, scoring,
the all-regions benchmark, reliability and measurement invariance) is :func:`prepare_shared`;
each region report then needs only :func:`region_context` on its own slice. Everything a
report shows goes through :func:`monitor.scoring.aggregate`, so no figure rests on fewer than
``min_group_size`` respondents and no hidden group can be recovered by subtraction.
"""

from __future__ import annotations

import pickle
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import yaml

from . import __version__, plotting
from .config import DATA_DIR, DEMO_DATA
from .data import load_responses
from .effects import hedges_g, welch_difference
from .instrument import Instrument, load_instrument
from .privacy import scrub_text
from .reliability import cronbach_alpha
from .scoring import DEFAULT_MIN_GROUP_SIZE, aggregate, reverse_key, theme_scores
from .texts import number
from .texts import text as label
from .validity import simulation_seed

__all__ = ["prepare_shared", "save_shared", "load_shared", "region_context", "load_context", "RegionContext",
           "band", "trend_label", "INTERVENTIONS_PATH", "STRONG_FROM", "CONCERN_BELOW"]

INTERVENTIONS_PATH = DATA_DIR / "interventions.yaml"
STRONG_FROM, CONCERN_BELOW = 4.0, 3.0  # heuristic bands on the 1-5 scale
MIN_TREND_CHANGE = 0.10  # a change smaller than this is called stable, however many respondents
MIN_RELIABILITY_N = 30
STAGE_FROM = 3.5  # a life-cycle stage counts as reached from this mean up


# -- shared work ---------------------------------------------------------------------------
def prepare_shared(data_path: str | Path | None = None, instrument: Instrument | None = None,
                   min_group_size: int = DEFAULT_MIN_GROUP_SIZE, waves: list[int] | str | None = None) -> dict:
    """Everything all region reports of a dataset share, computed once.

    Returns a dict with the responses (``frame``), their scale scores (``scores``), the
    all-regions benchmark per wave, reliability per theme and wave over all regions, the
    invariance result per wave (gemeente vs zorgaanbieder, trust themes), and metadata.
    Reliability and invariance are computed for ``waves`` only (default: all; ``"latest"``:
    the latest wave).
    """
    from .sem import cfa_model, invariance_holds, measurement_invariance

    instrument = instrument or load_instrument()
    source = Path(data_path) if data_path else DEMO_DATA
    frame = load_responses(source, instrument)
    scores = theme_scores(frame, instrument)
    measures = _measures(instrument, scores)
    benchmark = aggregate(scores, by=["wave"], measures=measures, min_group_size=min_group_size)
    keyed = reverse_key(frame, instrument)
    if waves == "latest":
        waves = [int(frame["wave"].max())]
    reliability, invariance = {}, {}
    model = cfa_model(instrument, "vertrouwen")
    for wave, rows in keyed.groupby("wave"):
        if waves is not None and int(wave) not in waves:
            continue
        reliability[int(wave)] = {t.id: float(cronbach_alpha(rows[t.item_ids])["alpha"]) for t in instrument.themes}
        data = rows[[i for items in model.values() for i in items]].astype("float64")
        data["organisation_type"] = rows["organisation_type"].astype("object")
        try:
            table = measurement_invariance(data, model, "organisation_type", groups=["gemeente", "zorgaanbieder"])
            ok_metric, ok_scalar = invariance_holds(table, "metric"), invariance_holds(table, "scalar")
            invariance[int(wave)] = {"scalar": bool(ok_metric and ok_scalar), "metric": bool(ok_metric),
                                     "delta_cfi": float(table.loc["scalar", "delta_cfi"])}
        except ValueError:
            invariance[int(wave)] = None
    meta = {"source": str(source), "sha256": frame.attrs["sha256"], "version": __version__,
            "instrument_version": instrument.version, "seed": simulation_seed(source)}
    return {"frame": frame, "scores": scores, "benchmark": benchmark, "reliability": reliability,
            "invariance": invariance, "meta": meta, "instrument_path": str(instrument.path)}


def save_shared(shared: dict, folder: str | Path) -> dict[str, Path]:
    """Split the shared work into one file per region (its rows only) plus the aggregates.

    A region's report then reads nothing of other regions but the all-regions aggregates.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    aggregates = {k: v for k, v in shared.items() if k not in ("frame", "scores")}
    with open(folder / "aggregates.pkl", "wb") as handle:
        pickle.dump(aggregates, handle)
    paths = {}
    for position, (region, rows) in enumerate(shared["frame"].groupby("region", observed=True), start=1):
        path = folder / f"region-{position:03d}.pkl"
        with open(path, "wb") as handle:
            pickle.dump({"region": region, "frame": rows, "scores": shared["scores"].loc[rows.index]}, handle)
        paths[region] = path
    return paths


def load_shared(aggregates_path: str | Path, region_path: str | Path) -> dict:
    with open(aggregates_path, "rb") as handle:
        shared = pickle.load(handle)
    with open(region_path, "rb") as handle:
        part = pickle.load(handle)
    return {**shared, "frame": part["frame"], "scores": part["scores"]}


def _measures(instrument: Instrument, scores: pd.DataFrame) -> list[str]:
    themes = [t.id for t in instrument.themes]
    index = [m.index["id"] for m in instrument.modules if m.index]
    return [c for c in index + themes if c in scores]


# -- one region ----------------------------------------------------------------------------
@dataclass
class RegionContext:
    """What one region's report is made from: its own rows (never displayed) and aggregates."""

    region: str
    wave: int
    waves: list[int]
    language: str
    instrument: Instrument
    frame: pd.DataFrame
    scores: pd.DataFrame
    benchmark: pd.DataFrame
    reliability_all: dict
    invariance: dict | None
    meta: dict
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE
    min_comment_group_size: int = 10
    measures: list[str] = field(default_factory=list)

    def t(self, key: str, **values) -> str:
        return label(key, self.language, **values)

    def num(self, value, decimals: int = 2, sign: bool = False) -> str:
        return number(value, f"{'+' if sign else ''}.{decimals}f", self.language)

    def name(self, key: str) -> str:
        """Label of a scale, index or background variable in the report's language."""
        try:
            return self.instrument.label(key, self.language)
        except KeyError:
            return key

    @property
    def latest(self) -> pd.DataFrame:
        return self.scores[self.scores["wave"] == self.wave]


def region_context(shared: dict, region: str | None = None, wave: int | None = None, language: str = "nl",
                   min_group_size: int = DEFAULT_MIN_GROUP_SIZE, min_comment_group_size: int = 10,
                   instrument: Instrument | None = None) -> RegionContext:
    """Select one region (default: the first alphabetically) and wave (default: the latest)."""
    instrument = instrument or load_instrument(shared.get("instrument_path"))
    frame, scores = shared["frame"], shared["scores"]
    regions = sorted(frame["region"].dropna().unique())
    region = region or regions[0]
    if region not in regions:
        raise ValueError(f"region {region!r} is not in the data")
    mine = frame["region"] == region
    waves = sorted(int(w) for w in frame.loc[mine, "wave"].dropna().unique())
    wave = waves[-1] if wave is None else int(wave)
    if wave not in waves:
        raise ValueError(f"region {region!r} has no respondents in wave {wave}")
    return RegionContext(region=region, wave=wave, waves=[w for w in waves if w <= wave], language=language,
                         instrument=instrument, frame=frame[mine], scores=scores[mine],
                         benchmark=shared["benchmark"], reliability_all=shared["reliability"],
                         invariance=(shared["invariance"] or {}).get(wave), meta=shared["meta"],
                         min_group_size=min_group_size, min_comment_group_size=min_comment_group_size,
                         measures=_measures(instrument, scores))


def load_context(data_path=None, instrument_path=None, region=None, wave=None, language="nl",
                 min_group_size=DEFAULT_MIN_GROUP_SIZE, min_comment_group_size=10,
                 prepared_aggregates=None, prepared_region=None) -> RegionContext:
    """The notebook's entry point: from prepared files (``monitor render``) or the data itself."""
    if prepared_aggregates and prepared_region:
        shared = load_shared(prepared_aggregates, prepared_region)
    else:
        shared = prepare_shared(data_path, load_instrument(instrument_path), min_group_size)
    return region_context(shared, region, wave, language, min_group_size, min_comment_group_size)


# -- helpers -------------------------------------------------------------------------------
def band(mean: float) -> str:
    """Heuristic band of a mean on the 1-5 scale: sterk punt / aandachtspunt / zorgpunt."""
    if pd.isna(mean):
        return "suppressed"
    return "strong" if mean >= STRONG_FROM else "attention" if mean >= CONCERN_BELOW else "concern"


def trend_label(previous: pd.Series, latest: pd.Series, min_group_size: int) -> tuple[str, float, float, float]:
    """rising / stable / falling between two waves, from the Welch 95% CI of the change.

    A change counts only if its CI excludes zero *and* it is at least 0.10 scale points, so
    that large groups do not turn trivial changes into trends and small groups need a larger
    change. Returns the label, the change and its CI.
    """
    a, b = previous.dropna().astype(float), latest.dropna().astype(float)
    if len(a) < min_group_size or len(b) < min_group_size:
        return "too_few", np.nan, np.nan, np.nan
    diff, low, high = welch_difference(a, b)
    if low > 0 and diff >= MIN_TREND_CHANGE:
        return "rising", diff, low, high
    if high < 0 and diff <= -MIN_TREND_CHANGE:
        return "falling", diff, low, high
    return "stable", diff, low, high


# -- sections ------------------------------------------------------------------------------
def setup_figures(dpi: int = 80) -> None:
    """Figure defaults for reports, so that 42 reports render quickly: a modest resolution,
    and (in a notebook) inline figures saved as laid out, without a second drawing pass to
    trim their margins (the report's figures set their own margins)."""
    plt.rcParams["figure.dpi"] = dpi
    # Library deprecation notices mean nothing to the parties at the table; keep them out.
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=PendingDeprecationWarning)
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the notebook stack
        return
    shell = get_ipython()
    if shell is not None and "InlineBackend" in shell.config:
        shell.config.InlineBackend.print_figure_kwargs = {"bbox_inches": None}
    if shell is not None:
        try:
            from matplotlib_inline.backend_inline import InlineBackend

            InlineBackend.instance().print_figure_kwargs = {"bbox_inches": None}
        except Exception:  # noqa: BLE001 - only an optimisation
            pass


def heading(ctx: RegionContext, key: str) -> str:
    """A section heading in the report's language, as Markdown."""
    return f"## {ctx.t('heading_' + key)}"


def show(table: pd.DataFrame, index: bool = False):
    """A table for display: no row numbers unless the index carries meaning."""
    text_columns = [c for c in table.columns if table[c].map(lambda v: isinstance(v, str) and len(v) > 25).any()]
    styler = table.style.set_properties(subset=text_columns, **{"text-align": "left"})
    styler = styler.set_table_styles([{"selector": "th.col_heading", "props": "text-align: left;"}])
    return styler if index else styler.hide(axis="index")


def banner(ctx: RegionContext) -> str:
    parts = [f"# {ctx.t('report_title', region=ctx.region, wave=ctx.wave)}"]
    if ctx.meta.get("seed") is not None:
        parts.append(f"> **{ctx.t('simulated', seed=ctx.meta['seed'])}**")
    parts.append(ctx.t("report_intro"))
    return "\n\n".join(parts)


def respondents(ctx: RegionContext) -> tuple[pd.DataFrame, str]:
    """Respondents by function and organisation type this wave; counts under the minimum as '< k'."""
    latest = ctx.frame[ctx.frame["wave"] == ctx.wave]
    table = pd.crosstab(latest["function"], latest["organisation_type"], margins=True,
                        margins_name=ctx.t("total"), dropna=False)
    k = ctx.min_group_size
    shown = table.map(lambda v: f"< {k}" if 0 < v < k else f"{v}")
    shown.index = [ctx.t(f"function_{i}") if i != ctx.t("total") else i for i in shown.index]
    shown.columns = [ctx.t(f"type_{c}") if c != ctx.t("total") else c for c in shown.columns]
    per_wave = ctx.frame.groupby("wave").size()
    sentence = ctx.t("respondents_text", n=len(latest), wave=ctx.wave,
                     waves=", ".join(f"{w}: {per_wave.get(w, 0)}" for w in ctx.waves))
    return shown, sentence


def theme_summary(ctx: RegionContext) -> tuple[pd.DataFrame, str]:
    """Trust index and themes this wave: mean, 95% CI, n, band, and all regions together."""
    mine = aggregate(ctx.latest, by=["wave"], measures=ctx.measures, min_group_size=ctx.min_group_size)
    bench = ctx.benchmark[ctx.benchmark["wave"] == ctx.wave].set_index("measure")
    rows = []
    for _, row in mine.iterrows():
        m = row["measure"]
        rows.append({"measure": m, "label": ctx.name(m), "n": row["n"], "mean": row["mean"], "ci_low": row["ci_low"],
                     "ci_high": row["ci_high"], "pct_favourable": row["pct_favourable"],
                     "benchmark": bench.loc[m, "mean"] if m in bench.index else np.nan,
                     "band": band(row["mean"])})
    table = pd.DataFrame(rows).set_index("measure")
    index = table.iloc[0]
    sentence = ctx.t("summary_text", index=ctx.num(index["mean"]), low=ctx.num(index["ci_low"]), high=ctx.num(index["ci_high"]),
                     bench=ctx.num(index["benchmark"]), n=int(index["n"]) if pd.notna(index["n"]) else 0)
    return table, sentence


def summary_display(ctx: RegionContext, table: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({
        ctx.t("col_theme"): table["label"],
        ctx.t("col_mean"): table["mean"].map(ctx.num),
        ctx.t("col_ci"): [f"{ctx.num(a)}–{ctx.num(b)}" if pd.notna(a) else "–" for a, b in zip(table["ci_low"], table["ci_high"],
                                                                                        strict=True)],
        "n": table["n"].map(lambda v: "–" if pd.isna(v) else f"{int(v)}"),
        ctx.t("col_favourable"): table["pct_favourable"].map(lambda v: "–" if pd.isna(v) else f"{v:.0f}%"),
        ctx.t("col_benchmark"): table["benchmark"].map(ctx.num),
        ctx.t("col_band"): table["band"].map(lambda b: ctx.t(f"band_{b}")),
    })
    return out.reset_index(drop=True)


def profile_figure(ctx: RegionContext, table: pd.DataFrame):
    """Theme profile: bars with 95% CI, the all-regions mean as a marker, band boundaries."""
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(table) + 1.2))
    y = np.arange(len(table))[::-1]
    colours = table["band"].map({"strong": "#0571b0", "attention": "#f4a582", "concern": "#ca0020",
                                 "suppressed": "#d9d9d9"})
    ax.barh(y, table["mean"].fillna(0), color=colours, height=0.6)
    err = np.vstack([table["mean"] - table["ci_low"], table["ci_high"] - table["mean"]])
    ax.errorbar(table["mean"], y, xerr=err, fmt="none", ecolor="black", capsize=3, linewidth=1)
    ax.scatter(table["benchmark"], y, marker="D", color="black", zorder=3, label=ctx.t("all_regions"))
    for cut in (CONCERN_BELOW, STRONG_FROM):
        ax.axvline(cut, color="grey", linestyle=":", linewidth=1)
    ax.set_yticks(y, table["label"])
    ax.set_xlim(1, 5)
    ax.set_xlabel(ctx.t("mean_scale"))
    ax.legend(frameon=False, loc="lower right", fontsize="small")
    plotting.sns.despine(ax=ax)
    plotting.fit_margins(fig, list(table["label"]), bottom=0.7 / fig.get_size_inches()[1])
    return fig


def trends(ctx: RegionContext) -> tuple[pd.DataFrame, str, object]:
    """Per theme and wave: mean, CI and n, and a trend label between the last two waves."""
    table = aggregate(ctx.scores, by=["wave"], measures=ctx.measures, min_group_size=ctx.min_group_size)
    labels = {}
    if len(ctx.waves) >= 2:
        prev, last = ctx.waves[-2], ctx.waves[-1]
        for m in ctx.measures:
            a = ctx.scores.loc[ctx.scores["wave"] == prev, m]
            b = ctx.scores.loc[ctx.scores["wave"] == last, m]
            labels[m] = trend_label(a, b, ctx.min_group_size)
    wide = table.pivot(index="measure", columns="wave", values="mean").reindex(ctx.measures)
    out = pd.DataFrame({ctx.t("col_theme"): [ctx.name(m) for m in ctx.measures]}, index=ctx.measures)
    for w in wide.columns:
        n = table[(table["wave"] == w)].set_index("measure")["n"].reindex(ctx.measures)
        out[str(w)] = [f"{ctx.num(v)} (n={int(k)})" if pd.notna(v) else ctx.t("too_few") for v, k in zip(wide[w], n,
                                                                                                       strict=True)]
    out[ctx.t("col_trend")] = [ctx.t(f"trend_{labels[m][0]}") if m in labels else "–" for m in ctx.measures]
    out[ctx.t("col_change")] = [f"{ctx.num(labels[m][1], sign=True)} ({ctx.num(labels[m][2])} – {ctx.num(labels[m][3])})"
                                if m in labels and pd.notna(labels[m][1]) else "–" for m in ctx.measures]
    fig, ax = plt.subplots(figsize=(8, 4))
    for m in ctx.measures:
        part = table[table["measure"] == m]
        ax.errorbar(part["wave"], part["mean"], yerr=[part["mean"] - part["ci_low"], part["ci_high"] - part["mean"]],
                    marker="o", capsize=2, label=ctx.name(m), linewidth=2.5 if m == ctx.measures[0] else 1)
    ax.set_xticks(ctx.waves)
    ax.set_ylim(1, 5)
    ax.set_ylabel(ctx.t("mean_scale"))
    ax.legend(frameon=False, fontsize="small", bbox_to_anchor=(1.01, 1), loc="upper left")
    plotting.sns.despine(ax=ax)
    fig.subplots_adjust(left=0.1, right=0.68, bottom=0.1, top=0.95)
    counts = {k: sum(1 for v in labels.values() if v[0] == k) for k in ("rising", "stable", "falling")}
    sentence = ctx.t("trend_text", **counts, prev=ctx.waves[-2] if len(ctx.waves) > 1 else "-", last=ctx.wave) \
        if labels else ctx.t("trend_none")
    out.attrs["labels"] = {m: v[0] for m, v in labels.items()}
    return out.reset_index(drop=True), sentence, fig


def difference_heatmap(ctx: RegionContext, by: str, rows: pd.DataFrame | None = None):
    """Group means minus the regional mean per theme (this wave), as a coloured table.

    A heat map drawn as an HTML table: blue above, red below the regional mean; cells of
    groups that are too small (or hidden to protect those) read "te weinig". Returns the
    styled table and the number of hidden cells.
    """
    from matplotlib import colormaps
    from matplotlib.colors import Normalize, to_hex

    data = ctx.latest if rows is None else rows
    table = aggregate(data, by=[by], measures=ctx.measures, min_group_size=ctx.min_group_size)
    overall = ctx.latest[ctx.measures].astype(float).mean()
    table["diff"] = table["mean"] - table["measure"].map(overall)
    wide = table.pivot(index=by, columns="measure", values="diff").reindex(columns=ctx.measures)
    suppressed = table.pivot(index=by, columns="measure", values="suppressed").reindex(columns=ctx.measures)
    hidden = (suppressed.fillna("") != "").to_numpy() | wide.isna().to_numpy()
    if by in ("function", "organisation_type"):
        prefix = "function_" if by == "function" else "type_"
        wide.index = [ctx.t(f"{prefix}{i}") for i in wide.index]
    wide.columns = [ctx.name(m) for m in wide.columns]
    values = wide.to_numpy(dtype=float)
    shown = pd.DataFrame([[ctx.t("too_few_short") if hidden[i, j] else ctx.num(values[i, j], sign=True)
                           for j in range(values.shape[1])] for i in range(values.shape[0])],
                         index=wide.index, columns=wide.columns)
    shown.index.name = None
    cmap, norm = colormaps["RdBu"], Normalize(-0.8, 0.8)

    def colour(i, j):
        if hidden[i, j]:
            return "background-color: #eeeeee; color: #777777"
        rgba = cmap(norm(values[i, j]))
        text = "white" if abs(values[i, j]) > 0.45 else "black"
        return f"background-color: {to_hex(rgba)}; color: {text}"

    styles = pd.DataFrame([[colour(i, j) for j in range(values.shape[1])] for i in range(values.shape[0])],
                          index=shown.index, columns=shown.columns)
    styler = shown.style.apply(lambda _frame: styles, axis=None).set_properties(
        **{"text-align": "center", "font-size": "0.85em", "padding": "3px 5px"})
    styler = styler.set_table_styles([
        {"selector": "th.col_heading", "props": "text-align: center; white-space: normal; max-width: 7em; "
                                                "font-size: 0.85em;"},
        {"selector": "th.row_heading", "props": "font-size: 0.85em; max-width: 12em; white-space: normal;"}])
    return styler, int(hidden.sum())


def within_municipality(ctx: RegionContext) -> pd.DataFrame:
    """Trust index by municipality and function among municipal staff (small cells hidden)."""
    rows = ctx.latest[ctx.latest["organisation_type"] == "gemeente"]
    index_id = ctx.measures[0]
    table = aggregate(rows, by=["organisation", "function"], measures=[index_id], min_group_size=ctx.min_group_size)
    table["shown"] = [ctx.t("too_few_short") if s else ctx.num(m) for m, s in zip(table["mean"], table["suppressed"],
                                                                              strict=True)]
    wide = table.pivot(index="organisation", columns="function", values="shown").fillna("")
    wide.columns = [ctx.t(f"function_{c}") for c in wide.columns]
    wide.index.name = ctx.t("municipality")
    return wide


def perspective_gap(ctx: RegionContext) -> tuple[pd.DataFrame, str, object]:
    """Gemeenten against zorgaanbieders per theme: means, difference with 95% CI and Hedges' g."""
    latest = ctx.latest
    rows = []
    for m in ctx.measures:
        a = latest.loc[latest["organisation_type"] == "gemeente", m].dropna().astype(float)
        b = latest.loc[latest["organisation_type"] == "zorgaanbieder", m].dropna().astype(float)
        if len(a) < ctx.min_group_size or len(b) < ctx.min_group_size:
            rows.append({"measure": m, "gemeente": np.nan, "zorgaanbieder": np.nan, "diff": np.nan, "low": np.nan,
                         "high": np.nan, "g": np.nan})
            continue
        diff, low, high = welch_difference(b, a)
        g = hedges_g(b, a)
        rows.append({"measure": m, "gemeente": a.mean(), "zorgaanbieder": b.mean(), "diff": diff, "low": low,
                     "high": high, "g": g})
    table = pd.DataFrame(rows).set_index("measure")
    out = pd.DataFrame({
        ctx.t("col_theme"): [ctx.name(m) for m in table.index],
        ctx.t("type_gemeente"): table["gemeente"].map(ctx.num), ctx.t("type_zorgaanbieder"): table["zorgaanbieder"].map(ctx.num),
        ctx.t("col_gap"): [f"{ctx.num(d, sign=True)} ({ctx.num(lo)} – {ctx.num(hi)})" if pd.notna(d) else ctx.t("too_few")
                           for d, lo, hi in zip(table["diff"], table["low"], table["high"], strict=True)],
        "Hedges' g": table["g"].map(ctx.num),
    })
    valid = table.dropna()
    if len(valid):
        biggest = valid["diff"].abs().idxmax()
        sentence = ctx.t("gap_text", theme=ctx.name(biggest), diff=valid.loc[biggest, "diff"],
                         g=valid.loc[biggest, "g"])
    else:
        sentence = ctx.t("too_few")
    inv = ctx.invariance
    sentence += " " + (ctx.t("invariance_ok") if inv and inv["scalar"] else
                       ctx.t("invariance_partial") if inv and inv["metric"] else
                       ctx.t("invariance_not") if inv else ctx.t("invariance_unknown"))
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(table) + 1.2))
    y = np.arange(len(table))[::-1]
    ax.scatter(table["gemeente"], y, color="#0571b0", label=ctx.t("type_gemeente"), zorder=3)
    ax.scatter(table["zorgaanbieder"], y, color="#ca0020", label=ctx.t("type_zorgaanbieder"), zorder=3)
    ax.hlines(y, table[["gemeente", "zorgaanbieder"]].min(axis=1), table[["gemeente", "zorgaanbieder"]].max(axis=1),
              color="grey")
    ax.set_yticks(y, [ctx.name(m) for m in table.index])
    ax.set_xlim(1, 5)
    ax.set_xlabel(ctx.t("mean_scale"))
    ax.legend(frameon=False, fontsize="small")
    plotting.sns.despine(ax=ax)
    plotting.fit_margins(fig, [ctx.name(m) for m in table.index], bottom=0.7 / fig.get_size_inches()[1])
    return out, sentence, fig


def item_answers(ctx: RegionContext, module: str = "vertrouwen") -> tuple[pd.DataFrame, object | None]:
    """Answer shares per item this wave (as worded), % (on)eens, as table and diverging bars."""
    latest = ctx.frame[ctx.frame["wave"] == ctx.wave]
    scale = ctx.instrument.scale
    items = [i for i in ctx.instrument.module(module).item_ids if i in latest]
    rows = []
    for item in items:
        answers = latest[item].dropna().astype(int)
        n = len(answers)
        shares = answers.value_counts(normalize=True).reindex(scale.values, fill_value=0.0)
        rows.append({"item": item, "n": n, **{v: shares[v] for v in scale.values}})
    table = pd.DataFrame(rows).set_index("item")
    hidden = table["n"] < ctx.min_group_size
    table.loc[hidden, scale.values] = np.nan
    shown = pd.DataFrame({
        ctx.t("col_statement"): [ctx.instrument.item_by_id[i].text[ctx.language] for i in table.index],
        "n": table["n"].map(lambda v: f"< {ctx.min_group_size}" if 0 < v < ctx.min_group_size else f"{v}"),
        ctx.t("col_disagree"): (table[[1, 2]].sum(axis=1, min_count=1) * 100).map(lambda v: "–" if pd.isna(v) else f"{v:.0f}%"),
        ctx.t("col_agree"): (table[[4, 5]].sum(axis=1, min_count=1) * 100).map(lambda v: "–" if pd.isna(v) else f"{v:.0f}%"),
    }, index=table.index)
    visible = table.loc[~hidden, scale.values]
    if visible.empty:
        return shown, None
    fig, ax = plt.subplots(figsize=(9, 0.3 * len(visible) + 1.8))
    plotting.diverging_bars(visible, [scale.labels[v][ctx.language] for v in scale.values], ax=ax)
    plotting.fit_margins(fig, list(visible.index), bottom=1.2 / fig.get_size_inches()[1])
    return shown, fig


def flagged_themes(ctx: RegionContext, summary: pd.DataFrame, trend_labels: dict) -> tuple[pd.DataFrame, str]:
    """Themes that score low (zorgpunt), fall, or lie below all regions, with interventions."""
    interventions = yaml.safe_load(INTERVENTIONS_PATH.read_text(encoding="utf-8"))
    rows = []
    for m, row in summary.iterrows():
        reasons = []
        if row["band"] == "concern":
            reasons.append(ctx.t("flag_low", mean=ctx.num(row["mean"])))
        if trend_labels.get(m) == "falling":
            reasons.append(ctx.t("flag_falling"))
        if pd.notna(row["ci_high"]) and pd.notna(row["benchmark"]) and row["ci_high"] < row["benchmark"]:
            reasons.append(ctx.t("flag_below", bench=ctx.num(row["benchmark"])))
        if reasons:
            ideas = interventions.get(m, [])
            rows.append({ctx.t("col_theme"): row["label"], ctx.t("col_why"): "; ".join(reasons),
                         ctx.t("col_interventions"): " • ".join(f"{i[ctx.language]['title']}: {i[ctx.language]['text']}"
                                                               for i in ideas)})
    table = pd.DataFrame(rows)
    sentence = ctx.t("flags_none") if table.empty else ctx.t("flags_text", n=len(table))
    return table, sentence


def life_cycle(ctx: RegionContext, trend_labels: dict) -> tuple[pd.DataFrame, str]:
    """Scores of the three stages (familiarity, agreements, openness), the stage reached and the spiral."""
    stages = [s for s in ctx.instrument.scales if s.role == "stage"]
    if not stages or stages[0].id not in ctx.latest:
        return pd.DataFrame(), ctx.t("stages_missing")
    table = aggregate(ctx.latest, by=["wave"], measures=[s.id for s in stages], min_group_size=ctx.min_group_size)
    table = table.set_index("measure")
    reached = 0
    for s in stages:
        if pd.notna(table.loc[s.id, "mean"]) and table.loc[s.id, "mean"] >= STAGE_FROM:
            reached = s.stage
        else:
            break
    shown = pd.DataFrame({ctx.t("col_stage"): [f"{s.stage}. {ctx.name(s.id)}" for s in stages],
                          ctx.t("col_mean"): [ctx.num(table.loc[s.id, "mean"]) for s in stages],
                          ctx.t("col_ci"): [f"{ctx.num(table.loc[s.id, 'ci_low'])}–{ctx.num(table.loc[s.id, 'ci_high'])}"
                                            for s in stages]})
    spiral = trend_labels.get(ctx.measures[0])
    sentence = ctx.t("stage_text", stage=reached, name=ctx.name(stages[reached - 1].id) if reached else "-",
                     cut=STAGE_FROM) if reached else ctx.t("stage_none", cut=STAGE_FROM)
    if spiral in ("rising", "falling"):
        sentence += " " + ctx.t(f"spiral_{spiral}")
    return shown, sentence


def open_answers(ctx: RegionContext) -> list[tuple[str, str, list[str]]]:
    """Open answers per question and organisation type, scrubbed, only for large enough groups.

    Returns (question, group label, answers); for a group below ``min_comment_group_size``
    respondents the list is empty and the label says how many answers there were.
    """
    latest = ctx.frame[ctx.frame["wave"] == ctx.wave]
    out = []
    for question in ctx.instrument.open_questions:
        if question["id"] not in latest:
            continue
        for group, rows in latest.groupby("organisation_type", observed=True):
            answers = rows[question["id"]].dropna().astype(str)
            name = ctx.t(f"type_{group}")
            if len(rows) >= ctx.min_comment_group_size:
                out.append((question[ctx.language], f"{name} ({len(answers)})", sorted(scrub_text(a) for a in answers)))
            else:
                out.append((question[ctx.language], ctx.t("answers_hidden", group=name, n=len(answers),
                                                          k=ctx.min_comment_group_size), []))
    return out


def open_answers_markdown(ctx: RegionContext) -> str:
    parts = []
    current = None
    for question, group, answers in open_answers(ctx):
        if question != current:
            parts.append(f"**{question}**")
            current = question
        if answers:
            parts.append(f"*{group}*\n\n" + "\n".join(f"- {a}" for a in answers))
        else:
            parts.append(f"*{group}*")
    return "\n\n".join(parts)


def method_note(ctx: RegionContext) -> str:
    """n, reliability per theme this wave, suppression rules, data fingerprint, version."""
    latest = ctx.frame[ctx.frame["wave"] == ctx.wave]
    keyed = reverse_key(latest, ctx.instrument)
    alphas = []
    for theme in ctx.instrument.themes:
        if len(latest) >= MIN_RELIABILITY_N:
            alpha = cronbach_alpha(keyed[theme.item_ids])["alpha"]
            source = ctx.t("this_region")
        else:
            alpha = ctx.reliability_all.get(ctx.wave, {}).get(theme.id, np.nan)
            source = ctx.t("all_regions")
        alphas.append(f"{ctx.name(theme.id)} {ctx.num(alpha)} ({source})")
    return ctx.t("method_text", n=len(latest), wave=ctx.wave, alphas="; ".join(alphas), k=ctx.min_group_size,
                 kc=ctx.min_comment_group_size, sha=ctx.meta["sha256"][:16], version=ctx.meta["version"],
                 instrument=ctx.meta["instrument_version"], strong=STRONG_FROM, concern=CONCERN_BELOW,
                 change=MIN_TREND_CHANGE)
