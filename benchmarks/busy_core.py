"""Benchmark: parallel analysis on 20,000 × 48 with one core kept busy by another process.

Issue 22: with all BLAS threads on small matrices, a busy core slowed parallel analysis from
0.44 s to 1.2 s. Both sides start ``python -c "while True: pass"`` before timing and kill it
after (the Python side in ``finally``), so Python and R run under the same load in one run.
Registered in ``python -m benchmarks`` as ``parallel_20000x48_busy``; compare with the idle case
``parallel_20000x48`` of the same run.
"""

from __future__ import annotations

#: A command that keeps one core busy until killed.
BUSY = "while True: pass"

CASE = {
    "what": "parallel analysis, 20 iterations, 20,000 x 48 (Pearson), one core kept busy by another process",
    "python": f"""
import subprocess
from monitor.stats.factor import parallel_analysis
x = pd.read_csv(tmp / "items48.csv")
busy = subprocess.Popen([sys.executable, "-c", {BUSY!r}])
try:
    time.sleep(0.5)  # let the busy process take its core
    (table, suggestion), s = timed(lambda: parallel_analysis(x, n_iter=20, seed=1))
finally:
    busy.kill(); busy.wait()
report(s, n_factors=suggestion["n_factors"], n_components=suggestion["n_components"])
""",
    "r": ('x <- read.csv(file.path(tmp, "items48.csv")); '
          "busy <- as.integer(system(\"python3 -c 'while True: pass' >/dev/null 2>&1 & echo $!\", intern = TRUE)); "
          "reg.finalizer(environment(), function(e) tools::pskill(busy), onexit = TRUE); "  # killed even if R fails
          "Sys.sleep(0.5); f <- function() fa.parallel(x, n.iter = 20, plot = FALSE)"),
    "r_extra": "res <- f(); tools::pskill(busy); extra <- list(n_factors = res$nfact, n_components = res$ncomp)",
}
