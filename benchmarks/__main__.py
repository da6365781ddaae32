"""Run the benchmarks and print medians (and peak memory) measured in this one run.

Each case runs in a fresh Python subprocess, which times its work ``--repeat`` times and
reports the median and its own peak resident memory. Where a case has an R counterpart and
``Rscript`` with ``psych`` is installed, R runs the same work on the same data file, side by
side, and the ratio Python / R is printed. Results are also written as JSON to
``benchmarks/results/`` (ignored by git). R is never needed for the tests.

    python -m benchmarks [--repeat 3] [--only NAME] [--all]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
ROOT = Path(__file__).resolve().parent.parent

# Shared set-up: the national simulation (42 regions, 20,000 respondents per wave, 5 waves),
# and its first wave's first 48 items (the trust and collaboration modules) for psychometrics.
SETUP = """
import json, resource, statistics, sys, time
from pathlib import Path
import pandas as pd
tmp = Path(sys.argv[1]); repeat = int(sys.argv[2])
def timed(fn):
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter(); result = fn(); seconds.append(time.perf_counter() - start)
    return result, statistics.median(seconds)
def report(seconds, **extra):
    print(json.dumps({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **extra}))
"""

CASES = {
    "simulate_national": {
        "what": "simulate 42 regions x 20,000 respondents x 5 waves and write the CSV",
        "python": """
from monitor.survey.synthetic import simulate, write_simulation
_, s = timed(lambda: write_simulation(simulate(regions=42, respondents=20000, waves=5, seed=1),
                                      tmp / "national.csv", overwrite=True))
report(s, rows=100000)
""",
    },
    "load_national": {
        "what": "load and validate the 100,000-row national CSV",
        "python": """
from monitor import load_responses
frame, s = timed(lambda: load_responses(tmp / "national.csv"))
report(s, rows=len(frame))
""",
    },
    "mapping_propose_national": {
        "what": "monitor mapping propose on the national file as a Qualtrics export (default codes), and its load",
        "python": """
from monitor import load_responses
from monitor.survey.instrument import load_instrument
from monitor.survey.platforms import read_export, write_export
from monitor.survey.propose import propose
instrument = load_instrument()
export = tmp / "national_qualtrics.csv"
truth = write_export(load_responses(tmp / "national.csv"), instrument, "qualtrics", export, platform_codes=True)
proposal, s = timed(lambda: propose(read_export(export), instrument))
(tmp / "national.yaml").write_text(proposal.text, encoding="utf-8")
frame, load_s = timed(lambda: load_responses(export, instrument, mapping=tmp / "national.yaml"))
report(s, rows=len(frame), columns=len(proposal.export.keys), correct=sum(truth.get(k) == v for k, v in
       proposal.mapping.items()), marked_check=proposal.checks, load_with_mapping_seconds=round(load_s, 2))
""",
    },
    "polychoric_20000x48": {
        "what": "polychoric matrix, 20,000 respondents x 48 five-point items",
        "python": """
from monitor.stats.polychoric import polychoric_matrix
x = pd.read_csv(tmp / "items48.csv")
_, s = timed(lambda: polychoric_matrix(x))
report(s)
""",
        "r": 'x <- read.csv(file.path(tmp, "items48.csv")); f <- function() polychoric(x)',
    },
    "polychoric_bfi_2800x25": {
        "what": "polychoric matrix, psych::bfi 2,800 x 25 six-point items",
        "python": """
from monitor.stats.polychoric import polychoric_matrix
x = pd.read_csv(tmp / "bfi.csv")
_, s = timed(lambda: polychoric_matrix(x))
report(s)
""",
        "r": 'x <- read.csv(file.path(tmp, "bfi.csv")); f <- function() polychoric(x)',
    },
    "parallel_20000x48": {
        "what": "parallel analysis, 20 iterations, 20,000 x 48 (Pearson)",
        "python": """
from monitor.stats.factor import parallel_analysis
x = pd.read_csv(tmp / "items48.csv")
(table, suggestion), s = timed(lambda: parallel_analysis(x, n_iter=20, seed=1))
report(s, n_factors=suggestion["n_factors"], n_components=suggestion["n_components"])
""",
        "r": 'x <- read.csv(file.path(tmp, "items48.csv")); f <- function() fa.parallel(x, n.iter = 20, plot = FALSE)',
        "r_extra": "res <- f(); extra <- list(n_factors = res$nfact, n_components = res$ncomp)",
    },
    "deidentify_20000": {
        "what": "de-identify 20,000 open answers (all distinct) with deduce, once per render",
        "python": """
from benchmarks.deidentify import run
result = run(repeat=repeat)
report(result["unique"]["seconds"], **{k: v for k, v in result.items()})
""",
    },
    "disclosure_audit_42": {
        "what": "disclosure audit and secondary suppression of a synthetic national wave (42 regions)",
        "python": """
from benchmarks.disclosure import _benchmark
result, s = timed(lambda: _benchmark(42))
report(result.get("audit_seconds", s), **{k: v for k, v in result.items() if isinstance(v, (int, float, str))})
""",
    },
    "region_reports_42": {
        "what": "render 42 region reports, HTML and PDF (national data, latest wave, all cores) against the floor; "
                "peak memory of the render's process tree",
        "python": """
import os, threading, psutil, nbformat, papermill
from monitor.render.publish import render
cores = os.cpu_count()
floor_nb = tmp / "floor.ipynb"
nb = nbformat.v4.new_notebook()
# The floor: a notebook that only starts the kernel and imports what the report imports.
nb.cells = [nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\\nfrom IPython.display import Markdown, display\\n"
                                      "from monitor.reports import notebook")]
nb.metadata["kernelspec"] = {"name": "samenwerkingsmonitor", "display_name": "k", "language": "python"}
nbformat.write(nb, floor_nb)
def one_floor():
    papermill.execute_notebook(str(floor_nb), str(tmp / "floor_out.ipynb"), kernel_name="samenwerkingsmonitor",
                               progress_bar=False)
# The floor is short and noisy (1.1-1.3 s a notebook here): at least 7 runs for its median.
floor_runs = []
for _ in range(max(repeat, 7)):
    start = time.perf_counter(); one_floor(); floor_runs.append(time.perf_counter() - start)
floor_one = statistics.median(floor_runs)
floor = floor_one * 42 / cores
peak = [0, 0]
def sample(stop):
    # PSS (proportional set size) splits a page shared by k processes (the forked workers share
    # the parent's pages, every kernel the same libraries) into k parts, so the sum over the tree
    # is its real use of memory; the RSS sum counts shared pages once per process (reported too).
    me = psutil.Process()
    while not stop.is_set():
        pss = rss = 0
        for proc in [me] + me.children(recursive=True):
            try:
                info = proc.memory_full_info()
                pss, rss = pss + info.pss, rss + info.rss
            except psutil.Error:
                pass
        peak[0], peak[1] = max(peak[0], pss), max(peak[1], rss)
        stop.wait(0.2)
stop = threading.Event(); sampler = threading.Thread(target=sample, args=(stop,)); sampler.start()
results, parallel = timed(lambda: render(data_path=str(tmp / "national.csv"), out_dir=tmp / "par", jobs=cores,
                                          include=("regions",), progress=False))
stop.set(); sampler.join()
_, sequential = timed(lambda: render(data_path=str(tmp / "national.csv"), out_dir=tmp / "seq", jobs=1,
                                     include=("regions",), progress=False))
# One page of the PDF (the summary, page 3) as PNG beside the results, to look at (never committed).
import pypdfium2
first = next(r for r in results if r.ok and r.outputs.get("pdf"))
page = pypdfium2.PdfDocument(str(results.folder / first.outputs["pdf"]))[2]
page.render(scale=150 / 72).to_pil().save(Path(sys.argv[3]) / "benchmarks" / "results" / "summary-page.png")
report(parallel, rendered=sum(r.ok for r in results), pdfs=sum(bool(r.outputs.get("pdf")) for r in results),
       floor_seconds=round(floor, 2),
       floor_one_notebook=round(floor_one, 3), floor_one_range=[round(min(floor_runs), 3), round(max(floor_runs), 3)],
       ratio_to_floor=round(parallel / floor, 3),
       sequential_jobs1_seconds=round(sequential, 2), speedup_vs_jobs1=round(sequential / parallel, 3),
       peak_tree_pss_mb=round(peak[0] / 2**20), peak_tree_rss_sum_mb=round(peak[1] / 2**20))
""",
    },
    "validity_notebook_20000": {
        "what": "the whole validity notebook (papermill) on one national wave of 20,000 respondents",
        "python": """
import papermill
def run():
    papermill.execute_notebook(str(Path(sys.argv[3]) / "notebooks" / "validity.ipynb"), str(tmp / "validity.ipynb"),
                               parameters={"data_path": str(tmp / "wave1.csv"), "output_dir": str(tmp / "validity")},
                               kernel_name="samenwerkingsmonitor", progress_bar=False)
_, s = timed(run)
report(s)
""",
    },
}

CASES["cfa_wlsmv_25"] = __import__("benchmarks.cfa", fromlist=["CASE"]).CASE  # monitor.stats.sem.cfa vs lavaan WLSMV
CASES["parallel_20000x48_busy"] = __import__("benchmarks.busy_core", fromlist=["CASE"]).CASE  # one core busy

# `monitor check` and `monitor score --by region` on simulated exports of 60,000, 600,000 and
# 3,000,000 rows (3 waves, 42 regions), each run as the command a user types, in its own child
# process: the time is the child's wall time (interpreter start included), the peak its maximum
# resident memory, also as a multiple of the file's size, and that multiple once more above the
# baseline (the same command on the 3,600-row demo file: interpreter and imports, about 200-270
# MB, which dominates the ratio for the small files). The files are simulated once and kept in
# benchmarks/results/data/ (ignored by git). The 3,000,000-row file (about 800 MB; two minutes
# and 4 GB to simulate) is made and used only by the cases left out of the default set:
# ``python -m benchmarks --only check_3m --only score_3m``, or ``--all``.
LOAD_SIZES = {"60k": 20_000, "600k": 200_000, "3m": 1_000_000}
LOAD_CASE = """
import os, subprocess
from pathlib import Path
data = Path(sys.argv[3]) / "benchmarks" / "results" / "data" / "simulated_{respondents}x3.csv"
data.parent.mkdir(parents=True, exist_ok=True)
if not data.exists():
    subprocess.run([sys.executable, "-m", "monitor", "simulate", str(data), "--regions", "42", "--respondents",
                    "{respondents}", "--waves", "3", "--seed", "1", "--force", "--truth", str(tmp / "truth.json")],
                   check=True, capture_output=True)
def run(path=data):  # os.wait4: the resource usage of this one child, not of every child so far
    child = subprocess.Popen([sys.executable, "-m", "monitor", *{argv!r}, str(path)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(child.stderr.read().decode())
    return usage.ru_maxrss
peak_kb, s = timed(run)
# The same command on the 3,600-row demo file: the interpreter and its imports, whatever the data.
base_kb = run(Path(sys.argv[3]) / "data" / "demo" / "responses.csv")
size = data.stat().st_size
print(json.dumps({{"seconds": s, "peak_mb": peak_kb / 1024, "file_mb": round(size / 2**20, 1),
                  "peak_per_file_size": round(peak_kb * 1024 / size, 2), "rows": {respondents} * 3,
                  "baseline_mb": round(base_kb / 1024),
                  "above_baseline_per_file_size": round((peak_kb - base_kb) * 1024 / size, 2)}}))
"""
for _label, _n in LOAD_SIZES.items():
    for _command, _argv in (("check", ["check"]), ("score", ["score", "--by", "region"])):
        CASES[f"{_command}_{_label}"] = {
            "what": f"monitor {' '.join(_argv)} on a simulated export of {_n * 3:,} rows (peak of the child process)",
            "python": LOAD_CASE.format(respondents=_n, argv=_argv),
            "default": _label != "3m",
        }

PREPARE = """
import sys, shutil
from pathlib import Path
from monitor.survey.synthetic import simulate, write_simulation
tmp = Path(sys.argv[1])
sim = simulate(regions=42, respondents=20000, waves=5, seed=1)
write_simulation(sim, tmp / "national.csv", overwrite=True)
first = sim.responses[sim.responses["wave"] == sim.responses["wave"].min()]
write_simulation(type(sim)(responses=first, truth=sim.truth), tmp / "wave1.csv", overwrite=True)
items = list(first.columns[7:7 + 48])
first[items].mask(first[items] == 9).to_csv(tmp / "items48.csv", index=False)
shutil.copy(Path(sys.argv[2]) / "tests" / "data" / "bfi.csv", tmp / "bfi.csv")
"""


def run_python(code: str, tmp: str, repeat: int) -> dict:
    program = SETUP + textwrap.dedent(code)
    out = subprocess.run([sys.executable, "-c", program, tmp, str(repeat), str(ROOT)], capture_output=True,
                         text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_r(code: str, extra: str | None, tmp: str, repeat: int) -> dict | None:
    if not shutil.which("Rscript"):
        return None
    script = f"""
suppressPackageStartupMessages(library(psych))
tmp <- "{tmp}"
{code}
times <- sapply(1:{repeat}, function(i) system.time(suppressWarnings(suppressMessages(f())))[["elapsed"]])
extra <- list()
{extra or ""}
cat(sprintf('{{"seconds": %f, "extra": {{%s}}}}\\n', median(times),
    paste(sprintf('"%s": %s', names(extra), unlist(extra)), collapse = ", ")))
"""
    out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True)
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr else "R failed"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", action="append", choices=sorted(CASES))
    parser.add_argument("--all", action="store_true", help="also the cases left out by default (3,000,000 rows)")
    args = parser.parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    report = {}
    with tempfile.TemporaryDirectory() as tmp:
        print("preparing data (national simulation, 20,000 x 48 items, bfi) ...", flush=True)
        subprocess.run([sys.executable, "-c", PREPARE, tmp, str(ROOT)], check=True, cwd=ROOT)
        for name in args.only or [n for n, case in CASES.items() if args.all or case.get("default", True)]:
            case = CASES[name]
            py = run_python(case["python"], tmp, args.repeat)
            line = f"{name:<26} python {py['seconds']:7.3f} s  peak {py['peak_mb']:6.0f} MB"
            entry = {"what": case["what"], "python": py}
            if "r" in case:
                r = run_r(case["r"], case.get("r_extra"), tmp, args.repeat)
                entry["r"] = r
                if r and "seconds" in r:
                    ratio = py["seconds"] / r["seconds"]
                    entry["ratio"] = ratio
                    line += f"  R {r['seconds']:7.3f} s  ratio {ratio:.3f}"
                else:
                    line += "  R: not available" if r is None else f"  R failed: {r['error']}"
            load_keys = ("peak_per_file_size", "file_mb", "rows", "baseline_mb", "above_baseline_per_file_size")
            if "peak_per_file_size" in py:  # a load case: the child's peak over the file's size
                line = (f"{name:<26} python {py['seconds']:7.3f} s  peak {py['peak_mb']:6.0f} MB  "
                        f"= {py['peak_per_file_size']:.2f} x the file ({py['file_mb']:,.0f} MB, {py['rows']:,} rows; "
                        f"{py['above_baseline_per_file_size']:.2f} x above the {py['baseline_mb']} MB of the demo file)")
            extras = {k: v for k, v in py.items() if k not in ("seconds", "peak_mb", *load_keys)}
            if extras:
                line += f"  {extras}"
            if entry.get("r") and entry["r"].get("extra"):
                line += f"  R: {entry['r']['extra']}"
            print(line, flush=True)
            report[name] = entry
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"bench-{stamp}.json").write_text(json.dumps({"repeat": args.repeat, "cases": report}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
