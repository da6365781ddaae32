"""Disclosure control across tables, reports and waves: the audit and secondary suppression."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pandas as pd
import pytest

from monitor.cli import main as cli_main
from monitor.privacy.cells import SCHEMA
from monitor.privacy.disclosure import audit, audit_folder
from monitor.privacy.findings import format_findings
from monitor.privacy.suppression import secondary_suppression
from monitor.survey.scoring import aggregate

BASE = {"wave": 2026, "region": "Regio A"}


def cell(ident, group, measure=None, n=None, mean=None, hidden=False, decimals=2, **extra):
    """A cell as the report writer gives it to secondary suppression: true figures, primary flag."""
    return {"id": ident, "group": dict(group), "measure": measure, "n": n,
            "mean": None if mean is None else round(mean, decimals), "decimals": decimals, "hidden": hidden, **extra}


def published(c, extra=frozenset()):
    """The cell as a sidecar shows it: figures of hidden cells blanked."""
    hidden = c["hidden"] or c["id"] in extra
    return {**c, "hidden": hidden, "n": None if hidden else c["n"], "mean": None if hidden else c["mean"]}


def sidecar(cells, extra=frozenset(), structure=None):
    out = {"schema": SCHEMA, "cells": [published(c, extra) for c in cells]}
    if structure:
        out["structure"] = structure
    return out


def recovered(result, ident, what="n"):
    hits = [r for r in result.recoverable if ident in r.ids and r.what == what]
    return hits[0] if hits else None


# -- the tester's cases ----------------------------------------------------------------------
def anders_case():
    types = [cell("a/types/gemeente", {**BASE, "organisation_type": "gemeente"}, "trust_index", 12, 3.52),
             cell("a/types/zorgaanbieder", {**BASE, "organisation_type": "zorgaanbieder"}, "trust_index", 8, 3.11),
             cell("a/types/anders", {**BASE, "organisation_type": "anders"}, "trust_index", 1, 1.00, hidden=True)]
    total = [cell("a/summary/trust_index", BASE, "trust_index", 21, (12 * 3.52 + 8 * 3.11 + 1.0) / 21)]
    return types, total


def test_one_anders_respondent_follows_from_type_table_and_region_total():
    types, total = anders_case()
    result = audit([sidecar(types), sidecar(total)])
    assert not result.ok and result.cells_checked == 4 and result.hidden_cells == 1
    n = recovered(result, "a/types/anders", "n")
    assert n is not None and n.value == 1
    assert dict(n.used) == {"a/summary/trust_index": 1, "a/types/gemeente": -1, "a/types/zorgaanbieder": -1}
    mean = recovered(result, "a/types/anders", "sum")
    assert mean is not None and mean.low <= 1.0 <= mean.high and mean.high - mean.low < 1.0
    text = format_findings(result)
    assert len(text.splitlines()) == 2 and "a/types/anders" in text and "a/summary/trust_index" in text
    # each table on its own is safe: the leak is across the two
    assert audit([sidecar(types)]).ok and audit([sidecar(total)]).ok

    extra = secondary_suppression(types + total)
    assert extra == {"a/types/zorgaanbieder"}  # the smallest cell of the derivation
    assert audit([sidecar(types, extra), sidecar(total, extra)]).ok


def test_the_mean_rule_follows_the_tolerance():
    types, total = anders_case()
    # half-width (21 + 12 + 8) * 0.005 = 0.205 scale points
    assert recovered(audit([sidecar(types), sidecar(total)], mean_tolerance=0.2), "a/types/anders", "sum") is None
    assert recovered(audit([sidecar(types), sidecar(total)], mean_tolerance=0.21), "a/types/anders", "sum")
    # with a large group the rounding of the means hides the one score, but the count still follows
    big = [dict(c, n=c["n"] * 10) if not c["hidden"] else c for c in types]
    big_total = [dict(total[0], n=201)]
    result = audit([sidecar(big), sidecar(big_total)])
    assert recovered(result, "a/types/anders", "n").value == 1
    assert recovered(result, "a/types/anders", "sum") is None


def function_type_table(small=4):
    counts = {("bestuurder", "gemeente"): 12, ("bestuurder", "zorgaanbieder"): 9,
              ("beleid", "gemeente"): 15, ("beleid", "zorgaanbieder"): 11,
              ("uitvoering", "gemeente"): small - 3, ("uitvoering", "zorgaanbieder"): 3}
    cells = []
    for (f, t), n in counts.items():
        cells.append(cell(f"a/resp/{f}/{t}", {**BASE, "function": f, "organisation_type": t}, None, n,
                          hidden=n < 5))
    for f in ("bestuurder", "beleid", "uitvoering"):
        n = sum(v for (ff, _), v in counts.items() if ff == f)
        cells.append(cell(f"a/resp/{f}", {**BASE, "function": f}, None, n, hidden=n < 5))
    for t in ("gemeente", "zorgaanbieder"):
        cells.append(cell(f"a/resp/{t}", {**BASE, "organisation_type": t}, None,
                          sum(v for (_, tt), v in counts.items() if tt == t)))
    cells.append(cell("a/resp/total", BASE, None, sum(counts.values())))
    return cells


def test_a_function_of_four_follows_from_the_margins():
    cells = function_type_table()
    result = audit(sidecar(cells))
    assert recovered(result, "a/resp/uitvoering").value == 4
    assert recovered(result, "a/resp/uitvoering/gemeente").value == 1
    assert recovered(result, "a/resp/uitvoering/zorgaanbieder").value == 3
    extra = secondary_suppression(cells)
    assert extra and audit(sidecar(cells, extra)).ok


def test_a_hidden_region_follows_from_all_regions_minus_the_others():
    sizes = {"Regio A": 30, "Regio B": 40, "Regio C": 3}
    means = {"Regio A": 3.4, "Regio B": 3.8, "Regio C": 2.0}
    all_n = sum(sizes.values())
    all_mean = sum(sizes[r] * means[r] for r in sizes) / all_n
    sidecars = []
    for r, n in sizes.items():
        sidecars.append(sidecar([cell(f"{r}/summary", {"wave": 2026, "region": r}, "trust_index", n, means[r],
                                      hidden=n < 5),
                                 cell(f"{r}/benchmark", {"wave": 2026}, "trust_index", all_n, all_mean)]))
    result = audit(sidecars)
    n = recovered(result, "Regio C/summary")
    assert n.value == 3 and {i for i, _ in n.used} == {"Regio A/benchmark", "Regio A/summary", "Regio B/summary"}
    mean = recovered(result, "Regio C/summary", "sum")
    assert mean.low <= 2.0 <= mean.high
    # a region left out of the audit is not "empty" when the regions are declared
    declared = {"domains": {"region": [*sizes, "Regio D"]}}
    assert audit([{**s, "structure": declared} for s in sidecars]).ok


def test_a_cell_within_a_municipality_follows_from_its_total_elsewhere():
    nesting = {"nesting": {"organisation": {
        "Gemeente X": {"organisation_type": "gemeente", "region": "Regio A"},
        "Gemeente Y": {"organisation_type": "gemeente", "region": "Regio A"},
        "Zorg Z": {"organisation_type": "zorgaanbieder", "region": "Regio A"}}}}
    municipalities = [cell("a/mun/X", {**BASE, "organisation": "Gemeente X"}, "trust_index", 14, 3.5),
                      cell("a/mun/Y", {**BASE, "organisation": "Gemeente Y"}, "trust_index", 20, 3.0),
                      cell("a/types/zorg", {**BASE, "organisation_type": "zorgaanbieder"}, "trust_index", 9, 3.1)]
    within = [cell(f"a/within/X/{f}", {**BASE, "organisation_type": "gemeente", "organisation": "Gemeente X",
                                       "function": f}, "trust_index", n, 3.5, hidden=n < 5)
              for f, n in (("beleid", 6), ("uitvoering", 6), ("bestuurder", 2))]
    result = audit([sidecar(municipalities, structure=nesting), sidecar(within, structure=nesting)])
    assert recovered(result, "a/within/X/bestuurder").value == 2
    # without the nesting, Gemeente X might hold zorgaanbieder respondents as well: nothing follows
    assert audit([sidecar(municipalities), sidecar(within)]).ok

    # one small municipality against the gemeente total of the region (the list of municipalities is complete)
    by_type = [cell("a/types/gemeente", {**BASE, "organisation_type": "gemeente"}, None, 38),
               cell("a/types/zorgaanbieder", {**BASE, "organisation_type": "zorgaanbieder"}, None, 9)]
    per_mun = [cell(f"a/mun/{o}", {**BASE, "organisation_type": "gemeente", "organisation": f"Gemeente {o}"},
                    None, n, hidden=n < 5) for o, n in (("X", 14), ("Y", 20), ("Q", 4))]
    nesting["nesting"]["organisation"]["Gemeente Q"] = {"organisation_type": "gemeente", "region": "Regio A"}
    result = audit([sidecar(by_type, structure=nesting), sidecar(per_mun, structure=nesting)])
    assert recovered(result, "a/mun/Q").value == 4


def test_a_wave_follows_from_a_multi_wave_total():
    waves = [cell(f"a/trend/{w}", {"wave": w, "region": "Regio A"}, "trust_index", n, 3.2, hidden=n < 5)
             for w, n in ((2024, 3), (2025, 25), (2026, 30))]
    pooled = [cell("a/pooled", {"region": "Regio A"}, "trust_index", 58, 3.2)]
    result = audit([sidecar(waves), sidecar(pooled)])
    assert recovered(result, "a/trend/2024").value == 3
    extra = secondary_suppression(waves + pooled)
    assert extra == {"a/trend/2025"}
    assert audit([sidecar(waves, extra), sidecar(pooled, extra)]).ok


def test_copies_share_one_fate():
    types, total = anders_case()
    again = [dict(types[0], id="b/types/gemeente", hidden=True)]  # the same group hidden elsewhere
    result = audit([sidecar(types), sidecar(total), sidecar(again)])
    assert recovered(result, "b/types/gemeente").value == 12  # shown in one place, hidden in another
    extra = secondary_suppression(types + total + again)
    assert "a/types/gemeente" in extra  # every copy of a group hidden anywhere is hidden
    assert audit([sidecar(types, extra), sidecar(total, extra), sidecar(again, extra)]).ok


# -- property: the audit finds everything that subtraction finds -------------------------------
def _random_publication(rng, dims):
    """A random table over ``dims`` attributes with random margins, as cells in several sidecars."""
    attrs = "abc"[:len(dims)]
    levels = [rng.integers(2, 5) for _ in dims]
    scale = rng.choice([2.0, 5.0, 12.0])
    cells, sidecars, truth = [], [], {}
    for combo in itertools.product(*[range(k) for k in levels]):
        n = int(rng.poisson(scale)) if rng.random() > 0.15 else 0
        truth[combo] = (n, float(rng.uniform(1, 5)) if n else 0.0)
    subsets = [s for r in range(len(dims)) for s in itertools.combinations(range(len(dims)), r)]
    margins = [s for s in subsets if rng.random() < 0.6]
    for subset in [tuple(range(len(dims)))] + margins:
        acc = {}
        for combo, (n, mean) in truth.items():
            key = tuple(combo[i] for i in subset)
            a, s = acc.get(key, (0, 0.0))
            acc[key] = (a + n, s + n * mean)
        table = []
        for key, (n, total) in sorted(acc.items()):
            if n == 0:
                continue
            group = {attrs[i]: f"{attrs[i]}{v}" for i, v in zip(subset, key, strict=True)}
            ident = "t" + "".join(f"/{k}={v}" for k, v in group.items()) + f"#{len(subset)}"
            hidden = n < 5 or rng.random() < 0.05
            table.append(cell(ident, group, "m", n, total / n, hidden=hidden, source=len(sidecars)))
        sidecars.append(table)
        cells += table
    return cells, sidecars, truth, attrs, levels


def _subtraction(cells, truth, attrs, levels, extra=frozenset()):
    """Every figure that follows by subtraction (chains included): total = Σ parts along one attribute."""
    dims = len(levels)
    named = [sorted({c["group"][a] for c in cells if a in c["group"]}) for a in attrs]
    groups = [frozenset(zip(s, vals, strict=True)) for r in range(dims + 1) for s in itertools.combinations(attrs, r)
              for vals in itertools.product(*[named[attrs.index(a)] for a in s])]
    shown = {frozenset(c["group"].items()) for c in cells if not (c["hidden"] or c["id"] in extra)}
    finest = {frozenset(zip(attrs, [f"{a}{v}" for a, v in zip(attrs, combo, strict=True)], strict=True))
              for combo, (n, _) in truth.items() if n == 0}
    known = {g for g in groups if g in shown or g in finest}
    relations = []
    for g in groups:
        have = {a for a, _ in g}
        for a in attrs:
            if a not in have:
                relations.append((g, [g | {(a, v)} for v in named[attrs.index(a)]]))
    changed = True
    while changed:
        changed = False
        for total, parts in relations:
            unknown = [p for p in [total] + parts if p not in known]
            if len(unknown) == 1:
                known.add(unknown[0])
                changed = True
    return known


def test_audit_finds_every_subtraction_and_secondary_suppression_fixes_all():
    rng = np.random.default_rng(20260)
    leaky = 0
    for case in range(200):
        dims = 2 if case % 3 else 3
        cells, sidecars, truth, attrs, levels = _random_publication(rng, [0] * dims)
        hidden = {frozenset(c["group"].items()): c["id"] for c in cells if c["hidden"]}
        derived = _subtraction(cells, truth, attrs, levels)
        expected = {ident for g, ident in hidden.items() if g in derived}
        result = audit([sidecar(s) for s in sidecars], mean_tolerance=math.inf)
        found_n = {i for r in result.recoverable if r.what == "n" for i in r.ids}
        found_sum = {i for r in result.recoverable if r.what == "sum" for i in r.ids}
        assert expected <= found_n, (case, expected - found_n)
        # counts and sums obey the same subtraction, and every shown cell shows its mean here
        assert expected <= found_sum, (case, expected - found_sum)
        assert found_n <= {c["id"] for c in cells if c["hidden"]}
        leaky += bool(expected)
        extra = secondary_suppression(cells, mean_tolerance=math.inf)
        after = audit([sidecar(s, extra) for s in sidecars], mean_tolerance=math.inf)
        assert after.ok, (case, format_findings(after))
        assert not ({frozenset(c["group"].items()) for c in cells if c["hidden"] or c["id"] in extra}
                    & _subtraction(cells, truth, attrs, levels, extra))
    assert leaky > 20  # the cases do exercise the audit


# -- monitor.survey.scoring.aggregate on its own ----------------------------------------------------
def _aggregate_cells(frame, by):
    table = aggregate(frame, by=by, measures=["trust_index"])
    cells = []
    for row in table.to_dict("records"):
        group = {b: (int(row[b]) if b == "wave" else row[b]) for b in by}
        ident = "agg/" + ",".join(f"{k}={v}" for k, v in group.items())
        hidden = bool(row["suppressed"])
        cells.append({"id": ident, "group": group, "measure": "trust_index",
                      "n": None if hidden else int(row["n"]), "mean": None if hidden else round(row["mean"], 2),
                      "decimals": 2, "hidden": hidden, "suppressed": row["suppressed"]})
    return cells


def test_suppress_small_groups_leaves_a_bridge_cell_that_margins_reveal():
    """Each aggregate() table passes its own rule (no hidden cell alone in a row or column, hidden
    cells of a row adding up to 5 or more), yet a hidden cell that joins two blocks of hidden cells
    (a bridge of the hidden-cell graph) is determined by the row and column totals."""
    counts = {(1, 1): 2, (1, 2): 2, (1, 3): 1, (1, 4): 10,
              (2, 1): 3, (2, 2): 3, (2, 3): 10, (2, 4): 10,
              (3, 1): 10, (3, 2): 10, (3, 3): 3, (3, 4): 2,
              (4, 1): 10, (4, 2): 10, (4, 3): 2, (4, 4): 3}
    rng = np.random.default_rng(7)
    rows = [{"wave": 2026, "function": f"f{f}", "region": f"r{r}", "trust_index": float(rng.integers(1, 6))}
            for (f, r), n in counts.items() for _ in range(n)]
    frame = pd.DataFrame(rows)
    cells = []
    for by in (["function", "region"], ["function"], ["region"], ["wave"]):
        cells += _aggregate_cells(frame, by)
    two_way = [c for c in cells if set(c["group"]) == {"function", "region"}]
    assert {c["suppressed"] for c in two_way} == {"", "primary"}  # no complementary cell was needed
    assert not any(c["hidden"] for c in cells if len(c["group"]) == 1)  # every margin shown
    result = audit({"schema": SCHEMA, "cells": cells})
    found = {r.cell for r in result.recoverable if r.what == "n"}
    assert found == {"agg/function=f1,region=r3"}
    assert recovered(result, "agg/function=f1,region=r3").value == 1
    extra = secondary_suppression(cells)
    assert audit({"schema": SCHEMA, "cells": [published(c, extra) for c in cells]}).ok


# -- folders and the command line ------------------------------------------------------------
def _write(folder, name, data):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(data), encoding="utf-8")


def test_audit_folder_reads_only_sidecars(tmp_path):
    types, total = anders_case()
    _write(tmp_path, "a.json", sidecar(types))
    _write(tmp_path, "b.json", sidecar(total))
    _write(tmp_path, "index.json", {"reports": ["a", "b"]})
    _write(tmp_path, "notes.txt", {"schema": SCHEMA})
    result = audit_folder(tmp_path)
    assert result.cells_checked == 4 and recovered(result, "a/types/anders").value == 1
    with pytest.raises(ValueError, match="no sidecar"):
        audit_folder(_empty(tmp_path))
    with pytest.raises(FileNotFoundError):
        audit_folder(tmp_path / "missing")


def _empty(tmp_path):
    folder = tmp_path / "empty"
    _write(folder, "other.json", {"schema": "something/else"})
    return folder


def test_cli_audit_exit_codes(tmp_path, capsys):
    types, total = anders_case()
    leaky, safe = tmp_path / "leaky", tmp_path / "safe"
    _write(leaky, "a.json", sidecar(types))
    _write(leaky, "b.json", sidecar(total))
    extra = secondary_suppression(types + total)
    _write(safe, "a.json", sidecar(types, extra))
    _write(safe, "b.json", sidecar(total, extra))

    assert cli_main(["audit", str(safe)]) == 0
    out = capsys.readouterr().out
    assert "4 cells checked" in out and "2 hidden" in out and "0 recoverable" in out

    assert cli_main(["audit", str(leaky)]) == 1
    out = capsys.readouterr().out
    assert "1 recoverable" in out and "a/types/anders" in out and "a/summary/trust_index" in out

    assert cli_main(["audit", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "no such folder" in err
    assert cli_main(["audit", str(_empty(tmp_path))]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "no sidecar" in err


# -- input errors and warnings ---------------------------------------------------------------
def test_bad_input_is_refused_with_the_cell_named(tmp_path):
    types, total = anders_case()
    with pytest.raises(ValueError, match="not a sidecar"):
        audit([{"cells": types}])
    clash = [dict(total[0], id="b/summary/trust_index", n=22)]
    with pytest.raises(ValueError, match="a/summary/trust_index and b/summary/trust_index"):
        audit([sidecar(total), sidecar(clash)])
    nesting = {"nesting": {"organisation": {"Gemeente X": {"organisation_type": "gemeente"}}}}
    wrong = [cell("x", {**BASE, "organisation": "Gemeente X", "organisation_type": "anders"}, None, 7)]
    with pytest.raises(ValueError, match="cell x: organisation=Gemeente X implies organisation_type=gemeente"):
        audit(sidecar(wrong, structure=nesting))
    with pytest.raises(ValueError, match="cell y: n must be a whole number"):
        audit(sidecar([cell("y", BASE, None, 2.5)]))
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    with pytest.raises(ValueError, match="broken.json: not valid JSON"):
        audit_folder(tmp_path)
    assert audit([]).ok and audit([]).cells_checked == 0


def test_a_table_that_omits_a_group_shown_elsewhere_is_reported():
    types, _ = anders_case()
    shown_types = [c for c in types if not c["hidden"]]  # a type table without its anders row
    elsewhere = [cell("b/resp/anders/beleid", {**BASE, "organisation_type": "anders", "function": "beleid"},
                      "trust_index", 6, 3.0)]
    result = audit([sidecar(shown_types), sidecar(elsewhere)])
    assert result.ok and result.inconsistent == ["b/resp/anders/beleid"]
    assert "warning: b/resp/anders/beleid" in format_findings(result)
