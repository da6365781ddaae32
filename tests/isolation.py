"""A pytest plugin (``-p tests.isolation`` in pyproject.toml): the test run writes no report into
the checkout.

Loaded before any conftest imports :mod:`monitor`, it points :envvar:`MONITOR_REPORTS_DIR`, and so
the default output folder :data:`monitor.core.config.REPORTS_DIR`, at a fresh temporary folder,
which every process the tests start inherits: the notebooks nbval runs (their default
``output_dir``), ``monitor render`` without ``--out`` and the README's commands. The folder is
removed when the run ends, so an adviser's own renders in ``reports/`` are never touched.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile

VARIABLE = "MONITOR_REPORTS_DIR"

if "monitor.core.config" in sys.modules:  # pragma: no cover - a plugin loaded after monitor
    raise RuntimeError(f"monitor.core.config was imported before {VARIABLE} was set; load tests.isolation first")
FOLDER = tempfile.mkdtemp(prefix="monitor-test-reports-")
os.environ[VARIABLE] = FOLDER


def pytest_unconfigure(config):
    shutil.rmtree(FOLDER, ignore_errors=True)
