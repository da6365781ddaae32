"""The command line: entry points, score export, and refusal to overwrite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

from monitor.core.config import DEMO_DATA

from .conftest import run_cli


def test_both_entry_points_show_help():
    assert "check" in run_cli("--help").stdout
    script = Path(sys.executable).parent / "monitor"
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "simulate" in result.stdout


def test_score_exports_a_suppressed_table(tmp_path):
    out = tmp_path / "scores.csv"
    result = run_cli("score", DEMO_DATA, "--by", "region,wave", "--out", out)
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(out, keep_default_na=False, na_values=[""])
    assert {"region", "wave", "measure", "n", "mean", "ci_low", "ci_high", "pct_favourable", "suppressed"} <= set(table)
    assert table["region"].nunique() == 6 and table["wave"].nunique() == 3
    assert "trust_index" in set(table["measure"])
    assert (table.loc[table["suppressed"].isna(), "n"] >= 5).all()

    again = run_cli("score", DEMO_DATA, "--by", "region", "--out", out)
    assert again.returncode == 2 and "--force" in again.stderr


def test_score_rejects_unknown_grouping():
    result = run_cli("score", DEMO_DATA, "--by", "gemeente")
    assert result.returncode == 2
    assert "not a background variable" in result.stderr and "organisation_type" in result.stderr
