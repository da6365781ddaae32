"""Run the benchmarks and print medians (and peak memory) measured in this one run.

Each case runs in a fresh subprocess so that its peak resident memory is its own; the
median over ``--repeat`` runs is reported. Results are also written as JSON to
``benchmarks/results/`` (ignored by git).

    python -m benchmarks [--repeat 3] [--only NAME]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"

# name -> (description, code run in a fresh interpreter; it must print one JSON line)
CASES = {
    "simulate_national": (
        "simulate 42 regions x 20,000 respondents x 5 waves and write the CSV",
        """
import json, resource, sys, time
from monitor.synthetic import simulate, write_simulation
start = time.perf_counter()
sim = simulate(regions=42, respondents=20000, waves=5, seed=1)
write_simulation(sim, sys.argv[1] + "/national.csv", overwrite=True)
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rows": len(sim.responses)}))
""",
    ),
    "load_national": (
        "load and validate the 100,000-row national CSV",
        """
import json, resource, sys, time
from monitor.synthetic import simulate, write_simulation
from monitor import load_responses
path = sys.argv[1] + "/national.csv"
write_simulation(simulate(regions=42, respondents=20000, waves=5, seed=1), path, overwrite=True)
start = time.perf_counter()
frame = load_responses(path)
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rows": len(frame)}))
""",
    ),
}


def run_case(code: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([sys.executable, "-c", code, tmp], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", action="append", choices=sorted(CASES))
    args = parser.parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    report = {}
    for name in args.only or CASES:
        description, code = CASES[name]
        runs = [run_case(code) for _ in range(args.repeat)]
        seconds = statistics.median(r["seconds"] for r in runs)
        peak = statistics.median(r["peak_mb"] for r in runs)
        report[name] = {"description": description, "median_seconds": seconds, "median_peak_mb": peak,
                        "runs": runs}
        print(f"{name:<20} median {seconds:7.2f} s   peak {peak:7.0f} MB   ({description}; {args.repeat} runs)")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"bench-{stamp}.json").write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
