"""The one place that knows the project's paths."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["PROJECT_ROOT", "DATA_DIR", "INSTRUMENT_PATH", "INTERVENTIONS_PATH", "DEMO_DIR", "DEMO_DATA", "DEMO_TRUTH",
           "STORE_DIR", "REPORTS_DIR", "NOTEBOOKS_DIR", "KERNEL_NAME", "DEFAULT_MIN_GROUP_SIZE", "DEFAULT_MIN_COMMENT_GROUP_SIZE"]

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
INSTRUMENT_PATH = DATA_DIR / "instrument.yaml"
INTERVENTIONS_PATH = DATA_DIR / "interventions.yaml"
DEMO_DIR = DATA_DIR / "demo"
DEMO_DATA = DEMO_DIR / "responses.csv"
DEMO_TRUTH = DEMO_DIR / "truth.json"
#: The wave store without ``--store`` (``monitor waves``): real respondents' answers, so git ignores it.
STORE_DIR = DATA_DIR / "store"
#: Where reports go without ``--out``: ``reports/``, or the folder :envvar:`MONITOR_REPORTS_DIR` names
#: (the test suite points it at a temporary folder, so that it never writes into the checkout).
REPORTS_DIR = Path(os.environ.get("MONITOR_REPORTS_DIR") or PROJECT_ROOT / "reports")
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"

#: Name of the Jupyter kernel the Makefile registers inside the project's virtual environment.
KERNEL_NAME = "samenwerkingsmonitor"

#: Settings of the committed demo dataset (``make demo`` regenerates it from these).
DEMO_SETTINGS = {"regions": 6, "respondents": 1200, "waves": 3, "first_wave": 2024, "seed": 2015}

#: Disclosure thresholds' defaults: groups smaller than this show no figure, and open answers
#: are shown only for groups at least this large (``--min-group-size``, ``--min-comment-group-size``).
DEFAULT_MIN_GROUP_SIZE = 5
DEFAULT_MIN_COMMENT_GROUP_SIZE = 10
