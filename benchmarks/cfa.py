"""Benchmark: the WLSMV fit of a 25-item, 5-factor ordinal CFA (psych's bfi, 2,436 complete
cases) with ``monitor.stats.sem.cfa`` against lavaan's ``cfa(..., ordered = TRUE, estimator = "WLSMV")``.

Registered in ``python -m benchmarks`` (``make bench``) as the case ``cfa_wlsmv_25``; both
sides read the same ``bfi.csv`` and each times ``--repeat`` fits (medians). Target: at most
0.2 × lavaan's time. Run alone, without the rest of the benchmarks:

    python -m benchmarks.cfa [--repeat 5]

It prints both medians and the ratio; lavaan is skipped with a message when ``Rscript`` is
not installed.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = "\\n".join(f"{f} =~ " + " + ".join(f"{f}{i}" for i in range(1, 6)) for f in "ACENO")

#: The case as ``benchmarks.__main__`` runs it (``tmp`` holds ``bfi.csv``).
CASE = {
    "what": "WLSMV CFA, 25 six-point items, 5 factors, bfi 2,436 complete cases (lavaan: same model)",
    "python": f"""
import warnings
from monitor.stats.sem.cfa import cfa, CFAWarning
warnings.simplefilter("ignore", CFAWarning)
x = pd.read_csv(tmp / "bfi.csv").dropna()
fit, s = timed(lambda: cfa(x, "{MODEL}", estimator="WLSMV", ordered=True))
report(s, chisq_scaled=round(fit.fit["chisq.scaled"], 3), cfi_robust=round(fit.fit["cfi.robust"], 4))
""",
    "r": ('suppressPackageStartupMessages(library(lavaan)); x <- na.omit(read.csv(file.path(tmp, "bfi.csv"))); '
          f'model <- "{MODEL}"; f <- function() cfa(model, x, ordered = TRUE, estimator = "WLSMV")'),
    "r_extra": 'res <- f(); extra <- list(chisq_scaled = round(fitMeasures(res, "chisq.scaled"), 3), '
               'cfi_robust = round(fitMeasures(res, "cfi.robust"), 4))',
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cfa")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    import warnings

    import pandas as pd

    from monitor.stats.sem.cfa import CFAWarning, cfa

    warnings.simplefilter("ignore", CFAWarning)
    data = pd.read_csv(ROOT / "tests" / "data" / "bfi.csv").dropna()
    model = MODEL.replace("\\n", "\n")
    seconds = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        fit = cfa(data, model, estimator="WLSMV", ordered=True)
        seconds.append(time.perf_counter() - start)
    ours = statistics.median(seconds)
    print(f"monitor.stats.sem.cfa WLSMV: median {ours:.3f} s over {args.repeat} runs "
          f"(chisq.scaled {fit.fit['chisq.scaled']:.3f}, cfi.robust {fit.fit['cfi.robust']:.4f})")
    if not shutil.which("Rscript"):
        print("lavaan: skipped (Rscript is not installed)")
        return 0
    script = (f'suppressPackageStartupMessages(library(lavaan)); x <- na.omit(read.csv("{ROOT}/tests/data/bfi.csv")); '
              f'model <- "{MODEL}"; t <- sapply(1:{args.repeat}, function(i) system.time(res <<- cfa(model, x, '
              'ordered = TRUE, estimator = "WLSMV"))[["elapsed"]]); '
              'cat(median(t), fitMeasures(res, "chisq.scaled"), "\\n")')
    out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True)
    if out.returncode != 0:
        print(f"lavaan: failed ({out.stderr.strip().splitlines()[-1] if out.stderr else 'no message'})")
        return 1
    r_seconds, r_chisq = (float(v) for v in out.stdout.split()[:2])
    print(f"lavaan WLSMV:      median {r_seconds:.3f} s (chisq.scaled {r_chisq:.3f})")
    print(f"ratio monitor / lavaan: {ours / r_seconds:.3f} (target <= 0.2)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
