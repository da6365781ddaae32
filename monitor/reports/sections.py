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
import math
from typing import TYPE_CHECKING

import numpy as np

from .model import DECIMALS, HIDDEN, Cell, Column, Figure, Hider, Label, Section, Sentence, Table, finite, measure_label
from .reading import (
    CONCERN_BELOW,
    MIN_TREND_CHANGE,
    STAGE_FROM,
    STRONG_FROM,
    answered,
    band,
    effect_size,
    position,
    trend_label,
)

if TYPE_CHECKING:  # pandas and the statistics are imported where they are used: a kernel that only
    import pandas as pd  # shows a report (unpickled) never loads them

    from .prepare import RegionData

__all__ = ["respondents", "summary", "trends", "differences", "within_municipality", "perspective_gap",
           "item_answers", "life_cycle", "open_answers", "method_note", "small_region", "MIN_RELIABILITY_N"]

#: Fewer respondents than this: no reliability figure for the region.
MIN_RELIABILITY_N = 30


# -- disclosure control shared by every section --------------------------------------------


class _Cells:
    """Collects the cells of one section, applying primary and wave-wide suppression."""

    def __init__(self, data: RegionData, section: str, hider: Hider):
        self.data, self.section, self.hider, self.cells = data, section, hider, []

    def add(self, group: dict, measure: str | None, n, mean=None, primary: bool = False, n_shown: bool = True) -> Cell:
        n = None if n is None or (isinstance(n, float) and math.isnan(n)) else int(n)
        hidden = primary or self.hider(group, measure) or (n is not None and 0 < n < self.data.min_group_size)
        ident = f"{self.data.region}|{self.section}|{measure}|" + ",".join(f"{k}={v}" for k, v in group.items())
        cell = Cell(ident, dict(group), measure, None if hidden or not n_shown else n,
                    None if hidden else finite(mean), hidden=hidden,
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
    from ..survey.scoring import aggregate_columns  # pandas: never loaded by a kernel that shows a handed report

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


def _columns(frame: pd.DataFrame, columns: list[str]) -> dict[str, np.ndarray]:
    """Columns of a frame as float64 arrays, missing as NaN."""
    return {c: frame[c].to_numpy(dtype="float64", na_value=np.nan) for c in columns}


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
    from ..survey.scoring import suppress_small_groups  # pandas: as above

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
        b_mean = finite(bench[m]["mean"]) if m in bench else None
        b_n = None if m not in bench or finite(bench[m]["n"]) is None else int(bench[m]["n"])
        cells.add({"wave": data.wave}, m, b_n, b_mean, primary=b_mean is None)
        mean = finite(row["mean"])
        where = position(mean, finite(row["ci_low"]), finite(row["ci_high"]), b_mean)
        rows.append([measure_label(m), mean, [finite(row["ci_low"]), finite(row["ci_high"])] if mean is not None else HIDDEN,
                     None if mean is None else int(row["n"]), finite(row["pct_favourable"]), b_mean,
                     Label("text", f"band_{band(mean)}"),
                     Label("text", f"position_{where}") if where else Label("text", "dash")])
        profile.append({"measure": m, "mean": mean, "ci_low": finite(row["ci_low"]), "ci_high": finite(row["ci_high"]),
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
        row = [measure_label(m)]
        points = []
        for w in data.waves:
            r = records.get((w, m), {})
            mean = finite(r.get("mean"))
            n = None if mean is None else int(r["n"])
            row += [mean, n]
            points.append({"wave": w, "mean": mean, "ci_low": finite(r.get("ci_low")), "ci_high": finite(r.get("ci_high"))})
        lab = labels.get(m)
        row += [Label("text", f"trend_{lab[0]}") if lab else Label("text", "dash"),
                finite(lab[1]) if lab else None, [finite(lab[2]), finite(lab[3])] if lab and finite(lab[1]) is not None else None]
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
                    + [finite(diff[g, m]) if (g, m) in diff else None for m in data.measures])
    hidden = sum(1 for r in rows for v in r[2:] if v is None)
    columns = [Column("col_function" if by == "function" else "municipality", "label" if by == "function" else "text"),
               Column("n", "count")]
    columns += [Column(measure_label(m), "signed") for m in data.measures]
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
    rows = [[org] + [finite(means[org, f]) if (org, f) in means else np.nan for f in functions]
            for org in sorted({o for o, _ in means})]
    columns = [Column("municipality", "text")] + [Column(Label("function", f), "mean") for f in functions]
    return Section("within", tables=[Table("within", columns, rows, row_header=True)], cells=cells.cells)


def perspective_gap(data: RegionData, hider: Hider) -> Section:
    """Gemeenten against zorgaanbieders per measure: means, the difference with its 95% CI
    and Hedges' g; hidden when either group (or a group it would reveal) is hidden."""
    from ..stats.effects import hedges_g, welch_difference  # SciPy: as above

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
            rows.append([measure_label(m), None, None, None, None, None])
            figure.append({"measure": m, "gemeente": None, "zorgaanbieder": None})
            continue
        a, b = answered(scores[m][kind == "gemeente"]), answered(scores[m][kind == "zorgaanbieder"])
        diff, low, high = welch_difference(b, a)  # gemeente minus zorgaanbieder
        g = hedges_g(b, a)
        rows.append([measure_label(m), float(a.mean()), float(b.mean()), float(diff), [float(low), float(high)], float(g)])
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
            sentences.append(Sentence(key, {"theme": measure_label(m), "diff": abs(diff),
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
        mean = finite(table[s.id]["mean"]) if s.id in table else None
        rows.append([Label("stage", f"{s.stage}|{s.id}"), mean,
                     [finite(table[s.id]["ci_low"]), finite(table[s.id]["ci_high"])] if mean is not None else HIDDEN])
        if mean is None:
            known = False
        if known and mean is not None and mean >= STAGE_FROM and reached == s.stage - 1:
            reached = s.stage
    columns = [Column("col_stage", "label"), Column("col_mean", "mean"), Column("col_ci", "interval")]
    sentences = []
    if not known and reached == 0:
        sentences.append(Sentence("stage_unknown", {}))
    elif reached:
        sentences.append(Sentence("stage_text", {"stage": reached, "name": measure_label(stages[reached - 1].id), "cut": STAGE_FROM}))
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
    import pandas as pd  # pandas and SciPy: never loaded by a kernel that shows a handed report

    from ..stats.reliability import cronbach_alpha

    cells = _Cells(data, "method", hider)
    latest = data.latest_frame
    total = cells.add(_base(data), None, len(latest))
    items = list(dict.fromkeys(i for theme in data.instrument.themes for i in theme.item_ids if i in latest))
    # The keyed items once, as one float matrix (a copy of every column, or a selection of
    # columns per theme, costs more than the alphas themselves).
    keyed = data.latest_keyed[items].to_numpy(dtype="float64", na_value=np.nan)
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
        alphas.append([measure_label(theme.id), finite(alpha), Label("text", source)])
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


