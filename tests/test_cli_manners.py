"""Command-line manners shared by every command: --quiet/--verbose, a final "wrote … to …" line,
whole counts and rounded figures in ``monitor score``, % favourable only on the answer scale."""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
import pytest

from monitor import aggregate, load_instrument, load_responses, theme_scores
from monitor.cli import SCORE_DECIMALS, build_parser, main
from monitor.core.config import DEMO_DATA

from .conftest import run_cli


def _library_table(by: str) -> pd.DataFrame:
    """What ``monitor.aggregate`` gives for the demo data, every digit, indexed by group and measure."""
    instrument = load_instrument()
    scores = theme_scores(load_responses(DEMO_DATA, instrument), instrument)
    return aggregate(scores, by=[by]).set_index([by, "measure"])


def _commands(parser: argparse.ArgumentParser | None = None, prefix: str = "") -> dict[str, argparse.ArgumentParser]:
    """Every command that runs (``mapping propose``, not the group ``mapping``), by its words."""
    parser = parser or build_parser()
    groups = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not groups:
        return {prefix.strip(): parser}
    return {name: leaf for group in groups for word, sub in group.choices.items()
            for name, leaf in _commands(sub, f"{prefix}{word} ").items()}


@pytest.mark.parametrize("command", sorted(_commands()))
def test_every_command_takes_quiet_and_verbose(command):
    options = {o for action in _commands()[command]._actions for o in action.option_strings}
    assert {"-q", "--quiet", "-v", "--verbose"} <= options, command


def test_quiet_given_to_a_command_group_is_not_lost(tmp_path):
    # `monitor mapping -q propose` would be silently loud (argparse: the subcommand's default wins).
    with pytest.raises(SystemExit):
        build_parser().parse_args(["mapping", "-q", "propose", "export.csv"])
    args = build_parser().parse_args(["mapping", "propose", "export.csv", "-q"])
    assert args.verbosity == 0


def test_quiet_and_verbose_exclude_each_other(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["check", str(DEMO_DATA), "--quiet", "--verbose"])
    assert stop.value.code == 2 and "not allowed with" in capsys.readouterr().err


def test_score_csv_has_whole_counts_and_two_decimals(tmp_path):
    out = tmp_path / "scores.csv"
    result = run_cli("score", DEMO_DATA, "--by", "region", "--out", out)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == f"wrote 120 rows (20 measures by region) to {out}"
    text = out.read_text().splitlines()
    assert text[0] == "region,measure,n,mean,sd,ci_low,ci_high,pct_favourable,suppressed"
    # The same figures as the library's, rounded: n as a whole number, 2 decimals, no % for years.
    full = _library_table("region")
    years = full.loc[("Regio Hoog-Heidezoom", "years_collaboration")]
    assert f"Regio Hoog-Heidezoom,years_collaboration,{int(years['n'])},{years['mean']:.2f}," in text[1]
    assert text[1].endswith(",,"), "no % favourable for a number of years"
    table = pd.read_csv(out, keep_default_na=False, na_values=[""])
    assert table["n"].dtype == np.int64
    likert = table["measure"] != "years_collaboration"
    for column in ("mean", "sd", "ci_low", "ci_high", "pct_favourable"):
        values = table[column].dropna()
        assert (values == values.round(SCORE_DECIMALS)).all(), column
        rows = table[likert] if column == "pct_favourable" else table
        expected = full.loc[list(zip(rows["region"], rows["measure"], strict=True)), column].to_numpy()
        np.testing.assert_allclose(rows[column], expected, atol=0.5 * 10 ** -SCORE_DECIMALS + 1e-12)
    assert table.loc[likert, "pct_favourable"].notna().all()
    assert table.loc[~likert, "pct_favourable"].isna().all()


def test_full_precision_keeps_every_digit(tmp_path):
    out = tmp_path / "scores.csv"
    assert run_cli("score", DEMO_DATA, "--by", "wave", "--out", out, "--full-precision", "-q").returncode == 0
    table = pd.read_csv(out)
    full = _library_table("wave")
    expected = full.loc[list(zip(table["wave"], table["measure"], strict=True)), "mean"].to_numpy()
    np.testing.assert_allclose(table["mean"], expected, rtol=1e-15)
    assert (table["mean"] != table["mean"].round(SCORE_DECIMALS)).any()


def test_quiet_writes_nothing_to_stderr_and_verbose_tells_each_step(tmp_path):
    quiet = run_cli("score", DEMO_DATA, "--by", "wave", "--out", tmp_path / "q.csv", "--quiet")
    assert quiet.returncode == 0 and quiet.stderr == ""
    loud = run_cli("score", DEMO_DATA, "--by", "wave", "--out", tmp_path / "v.csv", "--verbose")
    lines = loud.stderr.strip().splitlines()
    assert lines[0].startswith("instrument ") and lines[1].startswith(f"loaded 3,600 responses from {DEMO_DATA}")
    assert lines[-1] == f"wrote 60 rows (20 measures by wave) to {tmp_path / 'v.csv'}"
    # Errors still show with --quiet.
    refused = run_cli("score", DEMO_DATA, "--by", "wave", "--out", tmp_path / "q.csv", "--quiet")
    assert refused.returncode == 2 and "already exists" in refused.stderr


def test_score_to_standard_output_says_so_on_stderr():
    result = run_cli("score", DEMO_DATA, "--by", "wave")
    assert result.stdout.count("\n") == 61
    assert result.stderr.strip() == "wrote 60 rows (20 measures by wave) to standard output"


def test_simulate_says_what_it_wrote_where(tmp_path):
    out = tmp_path / "sim.csv"
    result = run_cli("simulate", out, "--regions", "2", "--respondents", "50", "--waves", "2", "--seed", "1")
    assert result.returncode == 0, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"wrote 100 responses to {out} and the true model to {tmp_path / 'sim.truth.json'} in ")
    assert len(pd.read_csv(out)) == 100


def test_render_ends_with_the_folder_and_lists_failures_even_when_quiet(tmp_path, monkeypatch, capsys):
    import monitor.render.publish
    from monitor.render.jobs import Result

    folder = tmp_path / "2026"
    results = monitor.render.publish.WaveResults([
        Result("regio-a", "Regio A", "region", True, 1.0, outputs={"ipynb": "regio-a.ipynb", "html": "regio-a.html"}),
        Result("regio-b", "Regio B", "region", False, 1.0, error="ValueError: boom")], folder)
    monkeypatch.setattr(monitor.render.publish, "render", lambda **_: results)

    assert main(["render", "--out", str(tmp_path), "--verbose"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert f"  Regio A: {folder / 'regio-a.ipynb'}, {folder / 'regio-a.html'} (1.0 s)" in err
    assert "FAILED Regio B: ValueError: boom" in err
    assert err[-1] == f"wrote 1 of 2 report(s) to {folder}/ (open {folder / 'index.html'})"

    assert main(["render", "--out", str(tmp_path), "--quiet"]) == 1
    assert capsys.readouterr().err.splitlines() == ["FAILED Regio B: ValueError: boom"]
