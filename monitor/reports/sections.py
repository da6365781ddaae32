"""Region report sections as data: pure functions of a region's prepared data.

Each section function takes a :class:`~monitor.reports.prepare.RegionData` (and a :class:`Hider`, the
cells hidden by the wave-wide disclosure control) and returns a :class:`Section`: its
sentences (text keys with values), tables (typed columns, raw values), figure data, and every
published number as a :class:`Cell` (group, measure, n, mean). Nothing here draws, formats or
loads: :mod:`monitor.reports.present` shows a section (notebook, HTML, PDF), :func:`report_json`
publishes it as the sidecar JSON, and :mod:`monitor.privacy.disclosure` audits the cells.

Values in sentences and tables are typed so that every output format can escape and format
them alike: ``float`` (a mean, 2 decimals), ``int``, :class:`Label` (a trusted label: a text
key, an instrument id or a category), and ``str`` (text from the data: untrusted, always
escaped, never interpreted).
"""

from __future__ import annotations

import collections
import copy
import functools
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml

from ..core.config import DATA_DIR

if TYPE_CHECKING:  # pandas and the statistics are imported where they are used: a kernel that only
    import pandas as pd  # shows a report (unpickled) never loads them

    from .prepare import Prepared, RegionData

__all__ = ["Label", "Column", "Table", "Sentence", "Figure", "Cell", "Section", "RegionReport", "Hider",
           "region_report", "wave_reports", "iter_wave_reports", "report_json", "save_report", "band", "position", "effect_size", "trend_label", "SCHEMA",
           "STRONG_FROM", "CONCERN_BELOW", "MIN_TREND_CHANGE", "STAGE_FROM", "INTERVENTIONS_PATH"]

SCHEMA = "samenwerkingsmonitor.sidecar/1"
INTERVENTIONS_PATH = DATA_DIR / "interventions.yaml"
STRONG_FROM, CONCERN_BELOW = 4.0, 3.0  # heuristic bands on the 1-5 scale
MIN_TREND_CHANGE = 0.10  # a change smaller than this is called stable, however many respondents
MIN_RELIABILITY_N = 30
STAGE_FROM = 3.5  # a life-cycle stage counts as reached from this mean up
DECIMALS = 2


# -- typed values --------------------------------------------------------------------------
@dataclass(frozen=True)
class Label:
    """A trusted label, translated by the presentation: ``kind`` is ``text`` (a key of
    :mod:`monitor.core.texts`), ``measure`` (an instrument id), ``function`` or ``type``."""

    kind: str
    id: str


@dataclass
class Column:
    """A table column: ``key`` is a text key (or a :class:`Label`); ``kind`` says how its
    values are shown: ``label``, ``text``, ``mean``, ``signed``, ``count``, ``int``, ``pct``,
    ``interval``, ``year``."""

    key: str | Label
    kind: str


#: A hidden figure (suppressed): shown as "too few", never as a number.
HIDDEN = None


@dataclass
class Table:
    key: str
    columns: list[Column]
    rows: list[list[Any]]
    row_header: bool = False  # the first column names the row (a <th scope="row">)
    caption: str | None = None  # a text key


@dataclass
class Sentence:
    key: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Figure:
    key: str
    data: dict[str, Any]


@dataclass
class Cell:
    """One published group figure, for the sidecar and the disclosure audit.

    ``n`` is the number of respondents with a value (published, or implied by a published
    head count of the same group); ``mean`` the mean shown (``DECIMALS`` decimals). A hidden
    cell exists but shows nothing. ``measure`` ``None`` is a head count.
    """

    id: str
    group: dict[str, Any]
    measure: str | None
    n: int | None
    mean: float | None
    hidden: bool = False
    decimals: int = DECIMALS
    n_range: list[int] | None = None

    @property
    def key(self) -> tuple:
        return _key(self.group, self.measure)

    def as_dict(self) -> dict:
        """The cell as a plain dict (``dataclasses.asdict`` without its deep copy, which is slow)."""
        return {"id": self.id, "group": dict(self.group), "measure": self.measure, "n": self.n, "mean": self.mean,
                "hidden": self.hidden, "decimals": self.decimals,
                "n_range": None if self.n_range is None else list(self.n_range)}


def _key(group: dict, measure: str | None) -> tuple:
    return (tuple(sorted((k, str(v)) for k, v in group.items())), measure)


@dataclass
class Section:
    key: str
    sentences: list[Sentence] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)
    notes: list[Sentence] = field(default_factory=list)  # shown after the tables


@dataclass
class RegionReport:
    """Every section of one region's report, with what identifies the data and the rules."""

    region: str
    wave: int
    waves: list[int]
    n: int
    small: bool
    min_group_size: int
    min_comment_group_size: int
    meta: dict
    sections: list[Section]
    structure: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)  # kind -> id -> {language: text}, from the instrument

    def section(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(f"no section {key!r}; the report has: {', '.join(s.key for s in self.sections)}")

    @property
    def cells(self) -> list[Cell]:
        return [c for s in self.sections for c in s.cells]


# -- disclosure control shared by every section --------------------------------------------
class Hider:
    """Which (group, measure) cells a wave's disclosure control hides on top of primary
    suppression; one decision for every table, report and format."""

    def __init__(self, hidden: set[tuple] | None = None):
        self.hidden = set(hidden or ())

    def __call__(self, group: dict, measure: str | None) -> bool:
        return _key(group, measure) in self.hidden


def _num(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


class _Cells:
    """Collects the cells of one section, applying primary and wave-wide suppression."""

    def __init__(self, data: RegionData, section: str, hider: Hider):
        self.data, self.section, self.hider, self.cells = data, section, hider, []

    def add(self, group: dict, measure: str | None, n, mean=None, primary: bool = False, n_shown: bool = True) -> Cell:
        n = None if n is None or (isinstance(n, float) and math.isnan(n)) else int(n)
        hidden = primary or self.hider(group, measure) or (n is not None and 0 < n < self.data.min_group_size)
        ident = f"{self.data.region}|{self.section}|{measure}|" + ",".join(f"{k}={v}" for k, v in group.items())
        cell = Cell(ident, dict(group), measure, None if hidden or not n_shown else n,
                    None if hidden else _num(mean), hidden=hidden,
                    n_range=[1, self.data.min_group_size - 1] if hidden and n is not None and n > 0
                    and n < self.data.min_group_size else None)
        if not n_shown and not hidden:
            cell.n = n  # implied: the same group's head count is published elsewhere (conservative)
        self.cells.append(cell)
        return cell


def _base(data: RegionData) -> dict:
    return {"wave": data.wave, "region": data.region}


_FIGURES = ("n", "mean", "sd", "ci_low", "ci_high", "pct_favourable")


def _aggregate(data: RegionData, rows: pd.DataFrame, by: list[str], measures: list[str], cells: _Cells,
               group: dict, n_shown: bool = True) -> list[dict]:
    """``aggregate`` with the wave-wide hidden cells applied and every figure recorded.

    One record per group and measure, in the order of :func:`monitor.survey.scoring.aggregate`: the
    ``by`` keys, ``measure``, the figures (NaN where hidden) and ``hidden``.
    """
    from ..survey.scoring import aggregate_columns

    if not len(rows):
        return []
    columns = aggregate_columns(rows, by=by, measures=measures, min_group_size=data.min_group_size)
    records = [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]
    for row in records:
        g = {**group, **{b: _plain(row[b]) for b in by if b != "wave"}}
        if "wave" in by:
            g["wave"] = int(row["wave"])
        primary = bool(row["suppressed"])
        true_n = None if primary else row["n"]
        cell = cells.add(g, row["measure"], true_n, row["mean"], primary=primary, n_shown=n_shown)
        row["hidden"] = cell.hidden
        if cell.hidden:
            row.update(dict.fromkeys(_FIGURES, math.nan))
    return records


def _plain(value):
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value if value is None or isinstance(value, int | float) else str(value)


# -- small helpers kept from the first build -----------------------------------------------
def band(mean: float | None) -> str:
    """Heuristic band of a mean on the 1-5 scale: ``strong`` / ``attention`` / ``concern``."""
    if _num(mean) is None:
        return "suppressed"
    return "strong" if mean >= STRONG_FROM else "attention" if mean >= CONCERN_BELOW else "concern"


def position(mean: float | None, low: float | None, high: float | None, benchmark: float | None) -> str | None:
    """A region's theme against all regions: ``above``/``below`` when its 95% CI lies wholly
    above/below the all-regions mean, else ``level``; None when either is hidden.

    >>> position(3.3, 3.1, 3.5, 3.6), position(3.3, 3.1, 3.5, 3.4), position(None, None, None, 3.4)
    ('below', 'level', None)
    """
    if mean is None or low is None or high is None or benchmark is None:
        return None
    return "above" if low > benchmark else "below" if high < benchmark else "level"


def effect_size(g: float) -> str:
    """Cohen's (1988) words for a standardized difference: negligible < .2 <= small < .5 <=
    medium < .8 <= large."""
    g = abs(g)
    return "negligible" if g < 0.2 else "small" if g < 0.5 else "medium" if g < 0.8 else "large"


def trend_label(previous: pd.Series | np.ndarray, latest: pd.Series | np.ndarray,
                min_group_size: int) -> tuple[str, float, float, float]:
    """rising / stable / falling between two waves, from the Welch 95% CI of the change.

    A change counts only if its CI excludes zero *and* it is at least 0.10 scale points, so
    that large groups do not turn trivial changes into trends and small groups need a larger
    change. Returns the label, the change and its CI.
    """
    a, b = _answered(previous), _answered(latest)
    if len(a) < min_group_size or len(b) < min_group_size:
        return "too_few", np.nan, np.nan, np.nan
    from ..stats.effects import welch_difference

    diff, low, high = welch_difference(a, b)
    if low > 0 and diff >= MIN_TREND_CHANGE:
        return "rising", diff, low, high
    if high < 0 and diff <= -MIN_TREND_CHANGE:
        return "falling", diff, low, high
    return "stable", diff, low, high


def _answered(values) -> np.ndarray:
    """The non-missing values of a column (Series or array) as float64."""
    values = values.to_numpy(dtype="float64", na_value=np.nan) if hasattr(values, "to_numpy") else \
        np.asarray(values, dtype="float64")
    return values[~np.isnan(values)]


def _columns(frame: pd.DataFrame, columns: list[str]) -> dict[str, np.ndarray]:
    """Columns of a frame as float64 arrays, missing as NaN."""
    return {c: frame[c].to_numpy(dtype="float64", na_value=np.nan) for c in columns}


def _m(measure: str) -> Label:
    return Label("measure", measure)


# -- sections ------------------------------------------------------------------------------
def respondents(data: RegionData, hider: Hider) -> Section:
    """Respondents by function and organisation type this wave, with totals; small counts
    (and those that would reveal them) hidden."""
    cells = _Cells(data, "respondents", hider)
    latest = data.latest_frame
    base = _base(data)
    counts = latest.groupby(["function", "organisation_type"], observed=True, dropna=False).size()
    long = counts.rename("n").reset_index()
    long["function"] = long["function"].astype(str)
    long["organisation_type"] = long["organisation_type"].astype(str)
    from ..survey.scoring import suppress_small_groups

    inner = suppress_small_groups(long, by=["function", "organisation_type"], min_group_size=data.min_group_size,
                                  within=())
    functions = sorted(long["function"].unique())
    types = [t for t in ("gemeente", "zorgaanbieder", "anders") if t in set(long["organisation_type"])] + sorted(
        set(long["organisation_type"]) - {"gemeente", "zorgaanbieder", "anders"})
    value = {}
    for f, t, n, suppressed in zip(long["function"].tolist(), long["organisation_type"].tolist(), long["n"].tolist(),
                                   inner["suppressed"].tolist(), strict=True):
        c = cells.add({**base, "function": f, "organisation_type": t}, None, n, primary=bool(suppressed))
        value[(f, t)] = c.n if not c.hidden else HIDDEN
    per_function = collections.Counter(latest["function"].astype(str).tolist())
    per_type = collections.Counter(str(t) for t in latest["organisation_type"].dropna().tolist())
    rows = []
    for f in functions:
        c = cells.add({**base, "function": f}, None, per_function[f])
        rows.append([Label("function", f)] + [value.get((f, t), 0) for t in types] + [c.n if not c.hidden else HIDDEN])
    foot = []
    for t in types:
        c = cells.add({**base, "organisation_type": t}, None, per_type[t])
        foot.append(c.n if not c.hidden else HIDDEN)
    total = cells.add(dict(base), None, len(latest))
    rows.append([Label("text", "total")] + foot + [total.n if not total.hidden else HIDDEN])
    table = Table("respondents", [Column("col_function", "label")] + [Column(Label("type", t), "count") for t in types]
                  + [Column("total", "count")], rows, row_header=True)
    per_wave = data.frame.groupby("wave").size()
    waves = []
    for w in data.waves:
        c = total if w == data.wave else cells.add({"wave": w, "region": data.region}, None, int(per_wave.get(w, 0)))
        waves.append([int(w), c.n if not c.hidden else HIDDEN])
    sentence = Sentence("respondents_text", {"n": total.n if not total.hidden else HIDDEN, "wave": data.wave})
    per_wave_table = Table("respondents_per_wave", [Column("col_wave", "year"), Column("col_respondents", "count")],
                           waves, row_header=True)
    return Section("respondents", sentences=[sentence], tables=[table, per_wave_table], cells=cells.cells)


def summary(data: RegionData, hider: Hider) -> Section:
    """Trust index and themes this wave: mean, 95% CI, n, % favourable, band, all regions."""
    cells = _Cells(data, "summary", hider)
    mine = _aggregate(data, data.latest, ["wave"], data.measures, cells, {"region": data.region})
    benchmark = data.benchmark[(data.benchmark["wave"] == data.wave).to_numpy()]
    bench = {r["measure"]: r for r in benchmark.to_dict("records")}
    rows, profile = [], []
    for row in mine:
        m = row["measure"]
        b_mean = _num(bench[m]["mean"]) if m in bench else None
        b_n = None if m not in bench or _num(bench[m]["n"]) is None else int(bench[m]["n"])
        cells.add({"wave": data.wave}, m, b_n, b_mean, primary=b_mean is None)
        mean = _num(row["mean"])
        where = position(mean, _num(row["ci_low"]), _num(row["ci_high"]), b_mean)
        rows.append([_m(m), mean, [_num(row["ci_low"]), _num(row["ci_high"])] if mean is not None else HIDDEN,
                     None if mean is None else int(row["n"]), _num(row["pct_favourable"]), b_mean,
                     Label("text", f"band_{band(mean)}"),
                     Label("text", f"position_{where}") if where else Label("text", "dash")])
        profile.append({"measure": m, "mean": mean, "ci_low": _num(row["ci_low"]), "ci_high": _num(row["ci_high"]),
                        "benchmark": b_mean, "band": band(mean), "position": where})
    table = Table("summary", [Column("col_theme", "label"), Column("col_mean", "mean"), Column("col_ci", "interval"),
                              Column("n", "count"), Column("col_favourable", "pct"), Column("col_benchmark", "mean"),
                              Column("col_band", "label"), Column("col_position", "label")], rows, row_header=True)
    first = profile[0] if profile else {}
    sentences = []
    if first.get("mean") is not None:
        sentences.append(Sentence("summary_text", {"index": first["mean"], "low": first["ci_low"],
                                                   "high": first["ci_high"], "bench": first["benchmark"],
                                                   "n": rows[0][3]}))
    else:
        sentences.append(Sentence("summary_hidden", {}))
    notes = [Sentence("bands_note", {"strong": STRONG_FROM, "concern": CONCERN_BELOW,
                                     "position": Label("text", "col_position")})]
    return Section("summary", sentences=sentences, tables=[table],
                   figures=[Figure("profile", {"rows": profile, "cuts": [CONCERN_BELOW, STRONG_FROM]})],
                   cells=cells.cells, notes=notes)


def trends(data: RegionData, hider: Hider) -> Section:
    """Per measure and wave: mean and n; a trend label between the last two waves."""
    cells = _Cells(data, "trends", hider)
    table = _aggregate(data, data.scores, ["wave"], data.measures, cells, {"region": data.region})
    labels = {}
    if len(data.waves) >= 2:
        prev, last = data.waves[-2], data.waves[-1]
        hidden = {(int(r["wave"]), r["measure"]): r["hidden"] for r in table}
        wave = data.scores["wave"].to_numpy(dtype="float64", na_value=np.nan)
        values = _columns(data.scores, data.measures)
        for m in data.measures:
            if hidden.get((prev, m), True) or hidden.get((last, m), True):
                labels[m] = ("too_few", np.nan, np.nan, np.nan)
                continue
            labels[m] = trend_label(values[m][wave == prev], values[m][wave == last], data.min_group_size)
    since = {}
    if len(data.waves) >= 3:
        first, last = data.waves[0], data.waves[-1]
        for m in data.measures:
            if hidden.get((first, m), True) or hidden.get((last, m), True):
                since[m] = ("too_few", np.nan, np.nan, np.nan)
            else:
                since[m] = trend_label(values[m][wave == first], values[m][wave == last], data.min_group_size)
    columns = [Column("col_theme", "label")]
    for w in data.waves:
        columns += [Column(Label("year", str(w)), "mean"), Column(Label("n_wave", str(w)), "count")]
    columns += [Column("col_trend", "label"), Column("col_change", "signed"), Column("col_ci", "interval")]
    if since:
        columns.append(Column(Label("since", str(data.waves[0])), "label"))
    rows, series = [], []
    records = {(int(r["wave"]), r["measure"]): r for r in table}
    for m in data.measures:
        row = [_m(m)]
        points = []
        for w in data.waves:
            r = records.get((w, m), {})
            mean = _num(r.get("mean"))
            n = None if mean is None else int(r["n"])
            row += [mean, n]
            points.append({"wave": w, "mean": mean, "ci_low": _num(r.get("ci_low")), "ci_high": _num(r.get("ci_high"))})
        lab = labels.get(m)
        row += [Label("text", f"trend_{lab[0]}") if lab else Label("text", "dash"),
                _num(lab[1]) if lab else None, [_num(lab[2]), _num(lab[3])] if lab and _num(lab[1]) is not None else None]
        if since:
            row.append(Label("text", f"trend_{since[m][0]}"))
        rows.append(row)
        series.append({"measure": m, "points": points})
    counts = {k: sum(1 for v in labels.values() if v[0] == k) for k in ("rising", "stable", "falling")}
    sentences = [Sentence("trend_text", {**counts, "prev": data.waves[-2], "last": data.wave,
                                         "change": MIN_TREND_CHANGE}) if labels else Sentence("trend_none", {})]
    if since:
        sentences.append(Sentence("trend_since_text", {"first": data.waves[0], "last": data.wave}))
    figure = {"series": series, "waves": data.waves, "labels": {m: v[0] for m, v in labels.items()},
              "since": {m: v[0] for m, v in since.items()}}
    return Section("trends", sentences=sentences, tables=[Table("trends", columns, rows, row_header=True)],
                   figures=[Figure("trends", figure)], cells=cells.cells)


def _municipal(data: RegionData, columns: list[str]) -> pd.DataFrame:
    """Those ``columns`` of this wave's scores for respondents of a gemeente (selected first:
    filtering every column costs more than the table)."""
    return data.latest[columns][(data.latest["organisation_type"] == "gemeente").to_numpy()]


def differences(data: RegionData, hider: Hider, by: str) -> Section:
    """Group means minus the regional mean per measure (this wave), by function or by
    municipality (gemeenten only); hidden cells read "too few"."""
    key = "functions" if by == "function" else "municipalities"
    cells = _Cells(data, key, hider)
    rows_data = data.latest if by == "function" else _municipal(data, [by, *data.measures])
    group = {"region": data.region, "wave": data.wave}
    if by == "organisation":
        group["organisation_type"] = "gemeente"
    table = _aggregate(data, rows_data, [by], data.measures, cells, group, n_shown=False)
    overall = data.latest[data.measures].astype(float).mean()
    diff = {(str(r[by]), r["measure"]): r["mean"] - overall[r["measure"]] for r in table}
    groups = sorted({g for g, _ in diff})
    heads = collections.Counter(str(v) for v in rows_data[by].tolist())
    rows = []
    for g in groups:
        label = Label("function", g) if by == "function" else g
        head = cells.add({**group, by: g}, None, heads[g])  # n per row: a head count, protected too
        rows.append([label, None if head.hidden else head.n]
                    + [_num(diff[g, m]) if (g, m) in diff else None for m in data.measures])
    hidden = sum(1 for r in rows for v in r[2:] if v is None)
    columns = [Column("col_function" if by == "function" else "municipality", "label" if by == "function" else "text"),
               Column("n", "count")]
    columns += [Column(_m(m), "signed") for m in data.measures]
    return Section(key, sentences=[Sentence("heatmap_note", {"n": hidden})],
                   tables=[Table(f"heatmap_{by}", columns, rows, row_header=True)], cells=cells.cells)


def within_municipality(data: RegionData, hider: Hider) -> Section:
    """Trust index by municipality and function among municipal staff (small cells hidden)."""
    cells = _Cells(data, "within", hider)
    index_id = data.measures[0]
    rows_data = _municipal(data, ["organisation", "function", index_id])
    group = {"region": data.region, "wave": data.wave, "organisation_type": "gemeente"}
    table = _aggregate(data, rows_data, ["organisation", "function"], [index_id], cells, group, n_shown=False)
    means = {(str(r["organisation"]), str(r["function"])): r["mean"] for r in table}
    functions = sorted({f for _, f in means})
    rows = [[org] + [_num(means[org, f]) if (org, f) in means else np.nan for f in functions]
            for org in sorted({o for o, _ in means})]
    columns = [Column("municipality", "text")] + [Column(Label("function", f), "mean") for f in functions]
    return Section("within", tables=[Table("within", columns, rows, row_header=True)], cells=cells.cells)


def perspective_gap(data: RegionData, hider: Hider) -> Section:
    """Gemeenten against zorgaanbieders per measure: means, the difference with its 95% CI
    and Hedges' g; hidden when either group (or a group it would reveal) is hidden."""
    from ..stats.effects import hedges_g, welch_difference

    cells = _Cells(data, "gap", hider)
    latest = data.latest
    table = _aggregate(data, latest, ["organisation_type"], data.measures, cells,
                       {"region": data.region, "wave": data.wave}, n_shown=False)
    rows, figure, valid = [], [], []
    hidden = {(str(r["organisation_type"]), r["measure"]): r["hidden"] for r in table}
    kind = latest["organisation_type"].astype(str).to_numpy()
    scores = _columns(latest, data.measures)
    for m in data.measures:
        if any(hidden.get((t, m), True) for t in ("gemeente", "zorgaanbieder")):
            rows.append([_m(m), None, None, None, None, None])
            figure.append({"measure": m, "gemeente": None, "zorgaanbieder": None})
            continue
        a, b = _answered(scores[m][kind == "gemeente"]), _answered(scores[m][kind == "zorgaanbieder"])
        diff, low, high = welch_difference(b, a)  # gemeente minus zorgaanbieder
        g = hedges_g(b, a)
        rows.append([_m(m), float(a.mean()), float(b.mean()), float(diff), [float(low), float(high)], float(g)])
        figure.append({"measure": m, "gemeente": float(a.mean()), "zorgaanbieder": float(b.mean())})
        valid.append((m, float(diff), float(g)))
    columns = [Column("col_theme", "label"), Column(Label("type", "gemeente"), "mean"),
               Column(Label("type", "zorgaanbieder"), "mean"), Column("col_gap", "signed"), Column("col_ci", "interval"),
               Column("col_effect", "signed")]
    sentences = []
    if valid:
        m, diff, g = max(valid, key=lambda v: abs(v[1]))
        if round(diff, DECIMALS) == 0:
            sentences.append(Sentence("gap_none", {}))
        else:
            key = "gap_municipalities_higher" if diff > 0 else "gap_providers_higher"
            sentences.append(Sentence(key, {"theme": _m(m), "diff": abs(diff),
                                            "size": Label("text", f"size_{effect_size(g)}")}))
    else:
        sentences.append(Sentence("too_few", {}))
    inv = data.invariance
    sentences.append(Sentence("invariance_ok" if inv and inv["scalar"] else "invariance_partial" if inv and inv["metric"]
                              else "invariance_not" if inv else "invariance_unknown", {}))
    return Section("gap", sentences=sentences, tables=[Table("gap", columns, rows, row_header=True)],
                   figures=[Figure("gap", {"rows": figure})], cells=cells.cells)


def item_answers(data: RegionData, hider: Hider, module: str = "vertrouwen") -> Section:
    """Answer shares per item this wave (as worded): n, % disagree, % agree, and the shares
    of every answer for the diverging bars; items answered by too few are hidden."""
    cells = _Cells(data, "items", hider)
    latest = data.latest_frame
    scale = data.instrument.scale
    try:
        items = [i for i in data.instrument.module(module).item_ids if i in latest]
    except KeyError:
        items = []
    rows, bars = [], []
    reversed_items = set(data.instrument.reverse_items)
    middle = (scale.min + scale.max) / 2
    values = np.array(scale.values)
    for item in items:
        answers = latest[item].to_numpy(dtype="float64", na_value=np.nan)
        answers = answers[~np.isnan(answers)].astype(int)
        n = len(answers)
        c = cells.add(_base(data), item, n)
        if c.hidden:
            rows.append([Label("item", item), HIDDEN, HIDDEN, HIDDEN])
            continue
        counts = np.bincount(answers - scale.min, minlength=len(values))[:len(values)]
        shares = counts / n
        low, high = float(shares[values < middle].sum() * 100), float(shares[values > middle].sum() * 100)
        rows.append([Label("item", item), n, low, high])
        bars.append({"item": item, "shares": [float(v) for v in shares], "reversed": item in reversed_items})
    columns = [Column("col_statement", "label"), Column("n", "count"), Column("col_disagree", "pct"),
               Column("col_agree", "pct")]
    notes = [Sentence("items_note", {"mark": Label("text", "reversed_mark")})] if bars else []
    return Section("items", tables=[Table("items", columns, rows, row_header=True)],
                   figures=[Figure("items", {"bars": bars, "values": scale.values})] if bars else [], cells=cells.cells,
                   notes=notes)


@functools.lru_cache(maxsize=4)
def _read_interventions(path: str, mtime: float) -> dict:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}


def _interventions() -> dict:
    """The interventions per theme (read once per file version; copy what you keep)."""
    return _read_interventions(str(INTERVENTIONS_PATH), INTERVENTIONS_PATH.stat().st_mtime)


def flagged_themes(data: RegionData, summary_section: Section, trend_labels: dict) -> Section:
    """Themes that score low (zorgpunt), fall, or lie below all regions, with interventions."""
    interventions = _interventions()
    rows = []
    profile = summary_section.figures[0].data["rows"]
    themes = [r for r in profile[1:] if r["mean"] is not None]  # the first row is the index
    lowest = min(themes, key=lambda r: r["mean"])["measure"] if len(themes) > 1 else None
    for row in profile:
        m, mean = row["measure"], row["mean"]
        if mean is None:
            continue
        reasons = []
        if m == lowest and row["band"] != "concern":
            reasons.append(Sentence("flag_lowest", {}))
        if row["band"] == "concern":
            reasons.append(Sentence("flag_low", {"mean": mean}))
        if trend_labels.get(m) == "falling":
            reasons.append(Sentence("flag_falling", {}))
        if row["ci_high"] is not None and row["benchmark"] is not None and row["ci_high"] < row["benchmark"]:
            reasons.append(Sentence("flag_below", {"bench": row["benchmark"]}))
        if reasons:
            rows.append({"measure": m, "reasons": [asdict(r) for r in reasons],
                         "interventions": copy.deepcopy(interventions.get(m, []))})
    sentence = Sentence("flags_none", {}) if not rows else Sentence("flags_text", {"n": len(rows)})
    return Section("flags", sentences=[sentence], figures=[Figure("flags", {"rows": rows})])


def key_messages(data: RegionData, summary_section: Section, trend_section: Section, gap_section: Section,
                 flags_section: Section) -> Section:
    """Three to five key messages for the first page, computed from the other sections only
    (no new figure is published): the trust index against all regions and its trend, the
    strongest and weakest theme, clear changes since the last wave, the largest gap between
    municipalities and providers, and the themes with suggested interventions."""
    sentences = []
    profile = summary_section.figures[0].data["rows"]
    labels = trend_section.figures[0].data["labels"] if trend_section.figures else {}
    index = profile[0] if profile else None
    prev = data.waves[-2] if len(data.waves) >= 2 else None
    if index and index["mean"] is not None and index["benchmark"] is not None:
        trend = labels.get(index["measure"])
        if prev is not None and trend in ("rising", "stable", "falling"):
            sentences.append(Sentence("km_index_change", {"index": index["mean"], "bench": index["benchmark"],
                                                          "trend": Label("text", f"trend_{trend}"), "prev": prev}))
        else:
            sentences.append(Sentence("km_index", {"index": index["mean"], "bench": index["benchmark"]}))
    themes = [r for r in profile[1:] if r["mean"] is not None]
    if len(themes) >= 2:
        high, low = max(themes, key=lambda r: r["mean"]), min(themes, key=lambda r: r["mean"])
        sentences.append(Sentence("km_range", {"high": _m(high["measure"]), "high_mean": high["mean"],
                                               "low": _m(low["measure"]), "low_mean": low["mean"]}))
    if prev is not None and labels:
        rising = [_m(m) for m, v in labels.items() if v == "rising"]
        falling = [_m(m) for m, v in labels.items() if v == "falling"]
        if rising and falling:
            sentences.append(Sentence("km_changes", {"prev": prev, "up": rising, "down": falling}))
        elif rising:
            sentences.append(Sentence("km_rising", {"prev": prev, "themes": rising}))
        elif falling:
            sentences.append(Sentence("km_falling", {"prev": prev, "themes": falling}))
        else:
            sentences.append(Sentence("km_stable", {"prev": prev}))
    sentences += [s for s in gap_section.sentences if s.key.startswith("gap_") and s.key != "gap_none"][:1]
    flagged = flags_section.figures[0].data["rows"] if flags_section.figures else []
    index_id = index["measure"] if index else None  # the index is the first message's; here the themes
    with_ideas = [r for r in flagged if r["interventions"] and r["measure"] != index_id]
    if with_ideas:
        sentences.append(Sentence("km_flags", {"n": len(with_ideas), "themes": [_m(r["measure"]) for r in with_ideas]}))
    elif not any(r["measure"] != index_id for r in flagged):
        sentences.append(Sentence("km_flags_none", {}))
    return Section("key_messages", sentences=sentences)


def life_cycle(data: RegionData, hider: Hider, trend_labels: dict) -> Section:
    """Means of the three stages (familiarity, agreements, openness), the stage reached and
    the spiral; nothing is said about a stage whose mean is hidden."""
    cells = _Cells(data, "lifecycle", hider)
    stages = [s for s in data.instrument.scales if s.role == "stage"]
    if not stages or stages[0].id not in data.latest:
        return Section("lifecycle", sentences=[Sentence("stages_missing", {})])
    table = _aggregate(data, data.latest, ["wave"], [s.id for s in stages], cells, {"region": data.region})
    table = {r["measure"]: r for r in table}
    rows, reached, known = [], 0, True
    for s in stages:
        mean = _num(table[s.id]["mean"]) if s.id in table else None
        rows.append([Label("stage", f"{s.stage}|{s.id}"), mean,
                     [_num(table[s.id]["ci_low"]), _num(table[s.id]["ci_high"])] if mean is not None else HIDDEN])
        if mean is None:
            known = False
        if known and mean is not None and mean >= STAGE_FROM and reached == s.stage - 1:
            reached = s.stage
    columns = [Column("col_stage", "label"), Column("col_mean", "mean"), Column("col_ci", "interval")]
    sentences = []
    if not known and reached == 0:
        sentences.append(Sentence("stage_unknown", {}))
    elif reached:
        sentences.append(Sentence("stage_text", {"stage": reached, "name": _m(stages[reached - 1].id), "cut": STAGE_FROM}))
    else:
        sentences.append(Sentence("stage_none", {"cut": STAGE_FROM}))
    spiral = trend_labels.get(data.measures[0]) if data.measures else None
    if spiral in ("rising", "falling"):
        sentences.append(Sentence(f"spiral_{spiral}", {}))
    return Section("lifecycle", sentences=sentences, tables=[Table("stages", columns, rows, row_header=True)],
                   cells=cells.cells)


def open_answers(data: RegionData) -> Section:
    """Open answers (already de-identified) per question and organisation type, only for
    groups of at least ``min_comment_group_size`` respondents; plain text, sorted."""
    latest = data.latest_frame
    groups = []
    grouped = latest.groupby("organisation_type", observed=True)
    codes = grouped.ngroup().to_numpy()
    parts = [(group, np.flatnonzero(codes == i)) for i, group in enumerate(grouped.size().index)]
    for question in data.instrument.open_questions:
        if question["id"] not in latest:
            continue
        column = latest[question["id"]].to_numpy(dtype=object, na_value=None)
        for group, rows in parts:
            answers = [str(a) for a in column[rows] if a is not None]
            answers = [a for a in answers if a.strip()]
            shown = len(rows) >= data.min_comment_group_size
            groups.append({"question": question["id"], "type": str(group), "shown": shown,
                           "n_answers": len(answers) if shown else None, "answers": sorted(answers) if shown else []})
    return Section("open", figures=[Figure("open", {"groups": groups,
                                                    "questions": {q["id"]: {k: q[k] for k in ("nl", "en") if k in q}
                                                                  for q in data.instrument.open_questions}})],
                   notes=[Sentence("open_note", {"kc": data.min_comment_group_size})])


def method_note(data: RegionData, hider: Hider) -> Section:
    """n, reliability per theme this wave, the rules, the data fingerprint and versions."""
    import pandas as pd

    from ..stats.reliability import cronbach_alpha
    from ..survey.scoring import reverse_key

    cells = _Cells(data, "method", hider)
    latest = data.latest_frame
    total = cells.add(_base(data), None, len(latest))
    items = list(dict.fromkeys(i for theme in data.instrument.themes for i in theme.item_ids if i in latest))
    # The keyed items once, as one float matrix (a copy of every column, or a selection of
    # columns per theme, costs more than the alphas themselves).
    keyed = reverse_key(latest[items], data.instrument).to_numpy(dtype="float64", na_value=np.nan)
    column_of = {item: j for j, item in enumerate(items)}
    alphas = []
    for theme in data.instrument.themes:
        if not all(i in column_of for i in theme.item_ids):
            continue
        if len(latest) >= MIN_RELIABILITY_N:
            block = pd.DataFrame(keyed[:, [column_of[i] for i in theme.item_ids]], columns=theme.item_ids)
            alpha, source = float(cronbach_alpha(block)["alpha"]), "this_region"
        else:
            alpha, source = data.reliability_all.get(data.wave, {}).get(theme.id, np.nan), "all_regions"
        alphas.append([_m(theme.id), _num(alpha), Label("text", source)])
    values = {"n": total.n if not total.hidden else HIDDEN, "wave": data.wave, "k": data.min_group_size,
              "kc": data.min_comment_group_size, "sha": str(data.meta.get("sha256", ""))[:16],
              "version": str(data.meta.get("version", "")), "instrument": str(data.meta.get("instrument_version", "")),
              "strong": STRONG_FROM, "concern": CONCERN_BELOW, "change": MIN_TREND_CHANGE}
    table = Table("alphas", [Column("col_theme", "label"), Column("col_alpha", "mean"), Column("col_source", "label")],
                  alphas, row_header=True)
    return Section("method", sentences=[Sentence("method_text", values)], tables=[table], cells=cells.cells)


def small_region(data: RegionData) -> Section:
    """The honest page of a region with too few respondents this wave: how many took part,
    why nothing is shown, and from how many respondents on it will be."""
    return Section("small", sentences=[Sentence("small_region", {"n": len(data.latest_frame), "wave": data.wave,
                                                                 "k": data.min_group_size})],
                   cells=[Cell(f"{data.region}|small|None|wave={data.wave}", _base(data), None,
                               len(data.latest_frame), None)])


# -- one region and one wave ---------------------------------------------------------------
def instrument_labels(instrument) -> dict:
    """The instrument's words a report shows (scales, indices, items, categories), per language,
    so that presentation needs no instrument file."""
    measures = {}
    for module in instrument.modules:
        if module.index:
            measures[module.index["id"]] = dict(module.index["label"])
    for scale in instrument.scales:
        measures[scale.id] = dict(scale.label)
    labels = {"measure": measures, "item": {i.id: dict(i.text) for i in instrument.items},
              "reverse": [i for i in instrument.reverse_items]}
    for var, kind in (("function", "function"), ("organisation_type", "type")):
        try:
            labels[kind] = {k: dict(v) for k, v in instrument.background_var(var).categories.items()}
        except KeyError:
            labels[kind] = {}
    labels["scale"] = {str(k): dict(v) for k, v in instrument.scale.labels.items()}
    return labels


def region_report(data: RegionData, hider: Hider | None = None) -> RegionReport:
    """Every section of one region's report (or its short page when the region is small)."""
    hider = hider or Hider()
    n = len(data.latest_frame)
    structure = {}
    if {"organisation", "organisation_type"} <= set(data.frame.columns):
        # Public knowledge an outsider may use: an organisation belongs to one type and region
        # (an organisation with respondents of two types is left out: no such fact holds).
        pairs = data.latest_frame[["organisation", "organisation_type"]].astype(str).drop_duplicates()
        single = pairs[~pairs["organisation"].duplicated(keep=False)]
        structure = {"nesting": {"organisation": {org: {"organisation_type": t, "region": data.region}
                                                  for org, t in single.itertuples(index=False)}}}
    common = {"labels": instrument_labels(data.instrument), "region": data.region, "wave": data.wave, "waves": data.waves, "n": n,
              "min_group_size": data.min_group_size, "min_comment_group_size": data.min_comment_group_size,
              "meta": data.meta, "structure": structure}
    if n < data.min_group_size or hider(_base(data), None):
        return RegionReport(small=True, sections=[small_region(data)], **common)
    summary_section = summary(data, hider)
    trend_section = trends(data, hider)
    labels = trend_section.figures[0].data["labels"]
    gap_section = perspective_gap(data, hider)
    flags_section = flagged_themes(data, summary_section, labels)
    sections = [key_messages(data, summary_section, trend_section, gap_section, flags_section),
                respondents(data, hider), summary_section, trend_section, differences(data, hider, "function")]
    if "organisation" in data.frame.columns:
        sections += [differences(data, hider, "organisation"), within_municipality(data, hider)]
    sections += [gap_section, item_answers(data, hider), flags_section, life_cycle(data, hider, labels),
                 open_answers(data), method_note(data, hider)]
    return RegionReport(small=False, sections=sections, **common)


def wave_reports(prepared: Prepared, wave: int | None = None, regions: list[str] | None = None,
                 audit: bool = True) -> dict[str, RegionReport]:
    """Every region's report of one wave, with disclosure control across all of them.

    First each region's sections are built with primary and within-table suppression; then
    :func:`monitor.privacy.disclosure.secondary_suppression` looks at every cell the wave publishes
    (all regions, the all-regions benchmark, every table) and names further cells to hide so
    that no hidden cell's count or sum can be derived; the regions touched are built again
    with those hidden. ``regions`` limits what is returned, never what is checked.
    """
    reports = dict(iter_wave_reports(prepared, wave, audit))  # a rebuilt region's last report counts
    wanted = regions or list(reports)
    return {r: reports[r] for r in wanted if r in reports}


def iter_wave_reports(prepared: Prepared, wave: int | None = None, audit: bool = True):
    """:func:`wave_reports` one region at a time, for a caller that puts each to work at once.

    Yields ``(region, report)``: first every region with respondents in the wave, then (after
    the secondary suppression across all of them) each region built again with the extra
    cells hidden. A region's last report is its final one; ``monitor render`` renders each
    as it comes and lets a rebuilt region's second report supersede its first.
    """
    wave = prepared.waves[-1] if wave is None else int(wave)
    in_wave = (prepared.frame["wave"] == wave).to_numpy(dtype=bool, na_value=False)
    with_rows = {str(r) for r in prepared.frame["region"][in_wave].dropna().unique()}
    present = [r for r in prepared.regions if r in with_rows]
    cells, structure = [], []
    for r in present:
        report = region_report(prepared.region(r, wave))
        if audit:
            cells += [c.as_dict() for c in report.cells]
            structure.append(report.structure)
        yield r, report
    if audit and cells:
        from ..privacy.disclosure import secondary_suppression

        extra = secondary_suppression(cells, structure=structure)
        if extra:
            by_id = {c["id"]: c for c in cells}
            keys = {_key(by_id[i]["group"], by_id[i]["measure"]) for i in extra}
            hider = Hider(keys)
            touched = {by_id[i]["group"].get("region") for i in extra}
            for r in present:
                if r in touched or None in touched:
                    yield r, region_report(prepared.region(r, wave), hider)


def save_report(report: RegionReport, path: str | Path) -> Path:
    """Pickle a prepared report for a notebook's kernel (aggregates and de-identified answers only).

    The file is private (mode 0600, created new, never replacing one) and temporary: ``monitor
    render`` writes it in its private work folder before it hands the job to a worker and removes
    the folder after the run, so it is not synced to disk.
    """
    import os
    import pickle

    path = Path(path)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
        pickle.dump(report, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def report_json(report: RegionReport) -> dict:
    """The sidecar: every number, sentence, table and figure datum the report publishes."""

    def plain(value):
        if isinstance(value, Label):
            return {"label": value.kind, "id": value.id}
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        if isinstance(value, float) and math.isnan(value):
            return None
        if isinstance(value, np.generic):
            return plain(value.item())
        return value

    sections = []
    for s in report.sections:
        sections.append({"key": s.key, "sentences": [plain(asdict(x)) for x in s.sentences],
                         "notes": [plain(asdict(x)) for x in s.notes],
                         "tables": [{"key": t.key, "columns": [plain(asdict(c)) for c in t.columns],
                                     "rows": plain(t.rows), "row_header": t.row_header} for t in s.tables],
                         "figures": [{"key": f.key, "data": plain(f.data)} for f in s.figures]})
    return {"schema": SCHEMA, "kind": "region", "region": report.region, "wave": report.wave, "waves": report.waves,
            "n": report.n, "small": report.small, "labels": plain(report.labels), "min_group_size": report.min_group_size,
            "min_comment_group_size": report.min_comment_group_size, "meta": plain(report.meta),
            "sections": sections, "cells": [plain(c.as_dict()) for c in report.cells],
            "structure": plain(report.structure)}
