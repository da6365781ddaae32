"""Benchmark: scrubbing 20,000 open answers with :func:`monitor.privacy.deidentify.scrub_texts` (DEDUCE, Menger et al. 2018).

Two batches of 20,000 answers are drawn from the committed demo data's open answers (``open_goed``,
``open_anders``), with replacement:

* ``duplicates``: as drawn, so many answers repeat (the demo data has a few hundred distinct answers), which
  is what a render of simulated data sees; :func:`~monitor.privacy.deidentify.scrub_texts` scrubs each distinct one once.
* ``unique``: every answer gets a varying extra sentence, so all 20,000 are distinct and deduplication does not
  help; real open answers are nearly all distinct, so this is the realistic figure for real data.

The DEDUCE instance is built once before timing (its load time is reported separately), as in a render.

    python -m benchmarks.deidentify [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

from monitor.privacy.deidentify import scrub_texts
from monitor.privacy.deidentify_engine import deidentifier

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "demo" / "responses.csv"
N_ANSWERS = 20_000

_EXTRA_OPENINGS = ["Bij ons", "In onze regio", "Vanuit de gemeente", "Voor de aanbieders", "In het wijkteam",
                   "Volgens de contractmanager", "In het casusoverleg", "Sinds de nieuwe aanbesteding"]
_EXTRA_MIDDLES = ["ging het om", "spraken we over", "hadden we te maken met", "ging het mis bij",
                  "lukte het goed bij", "wachtten"]
_EXTRA_ENDS = ["dossiers", "gezinnen", "jongeren", "aanvragen", "beschikkingen", "overleggen"]


def answers(n: int = N_ANSWERS, unique: bool = False, seed: int = 0) -> list[str]:
    """``n`` open answers drawn from the demo data; with ``unique``, each made distinct by an extra sentence."""
    frame = pd.read_csv(DEMO, usecols=["open_goed", "open_anders"], dtype="string")
    pool = pd.concat([frame["open_goed"], frame["open_anders"]]).dropna().to_numpy(dtype=object)
    rng = np.random.default_rng(seed)
    drawn = pool[rng.integers(0, len(pool), n)].tolist()
    if not unique:
        return drawn
    return [f"{a} {rng.choice(_EXTRA_OPENINGS)} {rng.choice(_EXTRA_MIDDLES)} {i % 997 + 3} {rng.choice(_EXTRA_ENDS)}."
            for i, a in enumerate(drawn)]


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the forked workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run(repeat: int = 3) -> dict:
    """Time :func:`monitor.privacy.deidentify.scrub_texts` on 20,000 answers, ``repeat`` times; return medians.

    Cases: ``duplicates`` and ``unique`` (see the module docstring) in this process (the default), and
    ``unique_2_workers`` with ``workers=2`` (two forked processes). ``seconds`` is wall-clock time, ``cpu_seconds``
    the CPU time of this process and its workers (on a machine shared with other work, wall-clock time can be
    much longer than CPU time); the load average at the start is reported alongside.
    """
    start = time.perf_counter()
    deidentifier()
    load = time.perf_counter() - start
    result = {"answers": N_ANSWERS, "repeat": repeat, "load_seconds": round(load, 2),
              "load_average": round(os.getloadavg()[0], 2), "cores": os.cpu_count()}
    duplicates, unique = answers(), answers(unique=True)
    for name, batch, workers in (("duplicates", duplicates, 1), ("unique", unique, 1), ("unique_2_workers", unique, 2)):
        wall, cpu = [], []
        for _ in range(repeat):
            start, start_cpu = time.perf_counter(), _cpu()
            scrub_texts(batch, workers=workers)
            wall.append(time.perf_counter() - start)
            cpu.append(_cpu() - start_cpu)
        median = statistics.median(wall)
        result[name] = {"distinct_answers": len(set(batch)), "seconds": round(median, 3),
                        "cpu_seconds": round(statistics.median(cpu), 3),
                        "ms_per_answer": round(1000 * median / N_ANSWERS, 4)}
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.deidentify", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.repeat), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
