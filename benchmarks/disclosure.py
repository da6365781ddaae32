"""A synthetic national publication for timing the disclosure audit (``make bench``)."""

from __future__ import annotations

import json
import time
from collections import defaultdict

import numpy as np

from monitor.privacy.cells import SCHEMA
from monitor.privacy.disclosure import audit
from monitor.privacy.suppression import secondary_suppression


def benchmark_publication(regions: int = 42, waves: int = 5, measures: int = 8, respondents: int = 480,
                          functions: int = 10, items: int = 24, seed: int = 0, min_group_size: int = 5
                          ) -> list[dict]:
    """A synthetic national publication: one sidecar per region, primary suppression only.

    Every region report has, per scale (``measures``): its mean this wave, the all-regions
    benchmark, a trend over ``waves``, and means by organisation type, function, function × type,
    organisation and organisation × function (``n`` published with each); head counts by function
    × type with margins and per wave; and ``items`` item counts. Organisations nest in type and
    region (``structure.nesting``). Groups with ``0 < n < min_group_size`` are hidden. Shown cells
    carry their true figures, so the cells can go to :func:`secondary_suppression` as they are (see
    :func:`_benchmark`).
    """
    rng = np.random.default_rng(seed)
    types = ["gemeente", "zorgaanbieder", "anders"]
    funcs = [f"functie_{i:02d}" for i in range(functions)]
    fprob = rng.dirichlet(np.full(functions, 1.5))
    scales = ["trust_index"] + [f"theme_{i}" for i in range(1, measures)]
    item_ids = [f"item_{i:02d}" for i in range(items)]
    last = 2026
    wave_list = list(range(last - waves + 1, last + 1))
    people = []
    for r in range(regions):
        name = f"Regio {r + 1:02d}"
        orgs = {"gemeente": [f"Gemeente {r + 1:02d}-{j}" for j in range(rng.integers(5, 12))],
                "zorgaanbieder": [f"Zorg {r + 1:02d}-{j}" for j in range(rng.integers(12, 25))],
                "anders": [f"Anders {r + 1:02d}-{j}" for j in range(rng.integers(2, 6))]}
        size = max(3, int(rng.poisson(respondents * rng.uniform(0.3, 1.7))))
        t = rng.choice(3, size, p=[0.45, 0.45, 0.10])
        level = rng.normal(3.4, 0.3)
        for i in range(size):
            typ = types[t[i]]
            pool = orgs[typ]
            org = pool[min(int(rng.zipf(1.6)) - 1, len(pool) - 1)]
            scores = {m: (float(np.clip(rng.normal(level, 0.7), 1, 5)) if rng.random() < 0.93 else None)
                      for m in scales}
            answered = {it: rng.random() < 0.9 for it in item_ids}
            people.append((name, typ, funcs[rng.choice(functions, p=fprob)], org, scores, answered))
    by_region = defaultdict(list)
    for p in people:
        by_region[p[0]].append(p)

    def cell(ident, group, measure, rows, with_mean=True):
        if measure is None:
            n = len(rows)
            mean = None
        elif measure in scales:
            vals = [p[4][measure] for p in rows if p[4][measure] is not None]
            n, mean = len(vals), (float(np.mean(vals)) if vals else None)
        else:
            n, mean = sum(p[5][measure] for p in rows), None
        if n == 0:
            return None
        hidden = n < min_group_size
        return {"id": ident, "group": group, "measure": measure, "n": None if hidden else n,
                "mean": None if hidden or not with_mean or mean is None else round(mean, 2), "decimals": 2,
                "hidden": hidden, **({"n_range": [1, min_group_size - 1]} if hidden else {})}

    national = {}
    for m in scales:
        vals = [p[4][m] for p in people if p[4][m] is not None]
        national[m] = (len(vals), round(float(np.mean(vals)), 2))
    sidecars = []
    for name, rows in by_region.items():
        base = {"wave": last, "region": name}
        slug = name.lower().replace(" ", "-")
        cells = []

        def add(c, into=cells):
            if c is not None:
                into.append(c)

        def split(attr_rows, keyfn):
            acc = defaultdict(list)
            for p in attr_rows:
                acc[keyfn(p)].append(p)
            return acc

        for f, part in split(rows, lambda p: p[2]).items():
            for t, cellrows in split(part, lambda p: p[1]).items():
                add(cell(f"{slug}/respondents/{f}/{t}", {**base, "function": f, "organisation_type": t}, None,
                         cellrows))
            add(cell(f"{slug}/respondents/{f}", {**base, "function": f}, None, part))
        for t, part in split(rows, lambda p: p[1]).items():
            add(cell(f"{slug}/respondents/{t}", {**base, "organisation_type": t}, None, part))
        add(cell(f"{slug}/respondents", dict(base), None, rows))
        for w in wave_list[:-1]:
            n = int(len(rows) * rng.uniform(0.7, 1.2))
            cells.append({"id": f"{slug}/per_wave/{w}", "group": {"wave": w, "region": name}, "measure": None,
                          "n": n if n >= min_group_size else None, "mean": None, "hidden": n < min_group_size})
        for m in scales:
            add(cell(f"{slug}/summary/{m}", dict(base), m, rows))
            n_b, mean_b = national[m]
            cells.append({"id": f"{slug}/benchmark/{m}", "group": {"wave": last}, "measure": m, "n": n_b,
                          "mean": mean_b, "decimals": 2, "hidden": False})
            for w in wave_list[:-1]:
                n = int(len(rows) * rng.uniform(0.6, 1.1))
                small = n < min_group_size
                cells.append({"id": f"{slug}/trend/{m}/{w}", "group": {"wave": w, "region": name}, "measure": m,
                              "n": None if small else n, "mean": None if small else round(float(rng.normal(3.4, 0.2)), 2),
                              "decimals": 2, "hidden": small})
            for t, part in split(rows, lambda p: p[1]).items():
                add(cell(f"{slug}/gap/{m}/{t}", {**base, "organisation_type": t}, m, part))
            for f, part in split(rows, lambda p: p[2]).items():
                add(cell(f"{slug}/functions/{m}/{f}", {**base, "function": f}, m, part))
                for t, sub in split(part, lambda p: p[1]).items():
                    add(cell(f"{slug}/function_type/{m}/{f}/{t}", {**base, "function": f, "organisation_type": t},
                             m, sub))
            for o, part in split(rows, lambda p: p[3]).items():
                add(cell(f"{slug}/organisations/{m}/{o}", {**base, "organisation": o}, m, part))
                for f, sub in split(part, lambda p: p[2]).items():
                    add(cell(f"{slug}/within/{m}/{o}/{f}", {**base, "organisation": o, "function": f}, m, sub))
        for it in item_ids:
            add(cell(f"{slug}/items/{it}", dict(base), it, rows))
        nesting = {"organisation": {o: {"organisation_type": t, "region": name}
                                    for (_, t, _, o, _, _) in rows}}
        sidecars.append({"schema": SCHEMA, "kind": "region", "region": name, "cells": cells,
                         "structure": {"nesting": nesting}})
    return sidecars


def _benchmark(regions: int = 42, seed: int = 0) -> dict:
    """Time :func:`audit` and :func:`secondary_suppression` on :func:`benchmark_publication`.

    ``python -m benchmarks.disclosure [REGIONS]`` prints the result as JSON: the audit of the
    publication with primary suppression only (which finds many recoverable cells), secondary
    suppression over every cell (each report its own ``source``), and the audit of the result.
    """
    start = time.perf_counter()
    sidecars = benchmark_publication(regions=regions, seed=seed)
    built = time.perf_counter() - start
    first = audit(sidecars)
    flat = [{**c, "source": i} for i, s in enumerate(sidecars) for c in s["cells"]]
    structure = {"nesting": {"organisation": {k: v for s in sidecars
                                              for k, v in s["structure"]["nesting"]["organisation"].items()}}}
    start = time.perf_counter()
    extra = secondary_suppression(flat, structure=structure)
    suppress_seconds = time.perf_counter() - start
    for s in sidecars:
        for c in s["cells"]:
            if c["id"] in extra:
                c.update(hidden=True, n=None, mean=None)
    second = audit(sidecars)
    return {"regions": regions, "cells": first.cells_checked, "hidden_primary": first.hidden_cells,
            "build_seconds": round(built, 2), "audit_primary_only_seconds": round(first.seconds, 2),
            "recoverable_cells_before": len(first.recoverable_cells),
            "secondary_suppression_seconds": round(suppress_seconds, 2), "extra_hidden": len(extra),
            "audit_seconds": round(second.seconds, 2), "ok_after": second.ok}


if __name__ == "__main__":  # pragma: no cover
    import sys

    print(json.dumps(_benchmark(int(sys.argv[1]) if len(sys.argv) > 1 else 42), indent=1))
