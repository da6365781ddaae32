"""Shared fixtures: the instrument, seeded simulated data, and file writers."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

from monitor import load_instrument
from monitor.survey.synthetic import simulate

matplotlib.use("Agg")


@pytest.fixture(scope="session")
def instrument():
    return load_instrument()


@pytest.fixture(scope="session")
def small_sim(instrument):
    """A small seeded simulation: 3 regions, 2 waves, 300 respondents per wave."""
    return simulate(regions=3, respondents=300, waves=2, seed=11, instrument=instrument)


@pytest.fixture
def small_csv(tmp_path, small_sim):
    path = tmp_path / "responses.csv"
    small_sim.responses.to_csv(path, index=False)
    return path


@pytest.fixture(autouse=True)
def close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m monitor`` as a user would, capturing its output."""
    return subprocess.run([sys.executable, "-m", "monitor", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def raw_frame(sim) -> pd.DataFrame:
    """The simulated responses as plain text cells, the way a CSV holds them."""
    return sim.responses.astype("string").fillna("")


DATA = Path(__file__).parent / "data"
EXPECTED = Path(__file__).parent / "expected"
