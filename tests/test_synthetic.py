"""The simulated-data generator: determinism, realism, scale, and the committed demo."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

from monitor import load_responses, theme_scores
from monitor.core.config import DEMO_DATA, DEMO_SETTINGS, DEMO_TRUTH
from monitor.survey.instrument import Item, Module, Scale
from monitor.survey.synthetic import DEFAULT_LATENT, simulate

from .conftest import run_cli


def test_same_seed_same_output(instrument):
    a = simulate(regions=2, respondents=150, waves=2, seed=5, instrument=instrument)
    b = simulate(regions=2, respondents=150, waves=2, seed=5, instrument=instrument)
    c = simulate(regions=2, respondents=150, waves=2, seed=6, instrument=instrument)
    pd.testing.assert_frame_equal(a.responses, b.responses)
    assert a.truth == b.truth
    assert not a.responses.equals(c.responses)


def test_committed_demo_is_the_generator_output(tmp_path):
    out = tmp_path / "responses.csv"
    result = run_cli("simulate", out, "--preset", "demo", "--truth", tmp_path / "truth.json")
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == DEMO_DATA.read_bytes(), "run `make demo` after changing the generator"
    assert json.loads((tmp_path / "truth.json").read_text()) == json.loads(DEMO_TRUTH.read_text())


def test_demo_is_marked_and_sized():
    truth = json.loads(DEMO_TRUTH.read_text())
    assert truth["settings"]["regions"] == DEMO_SETTINGS["regions"]
    frame = pd.read_csv(DEMO_DATA)
    assert frame["wave"].nunique() == 3 and frame["region"].nunique() == 6


def test_answers_look_like_agreement_data(small_sim, instrument):
    frame = small_sim.responses
    positive = [i.id for i in instrument.items if not i.reverse]
    values = frame[positive].astype("float64").replace(9, np.nan)
    shares = values.stack().value_counts(normalize=True).sort_index()
    assert shares.index.tolist() == [1, 2, 3, 4, 5]
    assert shares[4] == shares.max(), "agreement data pile up at 'mee eens'"
    assert values.mean().mean() > 3.0
    assert values.skew().median() < 0


def test_model_effects_are_in_the_data(instrument):
    sim = simulate(regions=4, respondents=3000, waves=3, seed=2, instrument=instrument)
    frame = sim.responses.copy()
    frame[instrument.item_ids] = frame[instrument.item_ids].mask(frame[instrument.item_ids] == 9)
    scores = theme_scores(frame, instrument).astype({"wave": "int64"})
    by_type = scores.groupby("organisation_type")["gelijkwaardigheid"].mean()
    assert by_type["zorgaanbieder"] < by_type["gemeente"] - 0.15
    by_wave = scores.groupby("wave")[["communicatie", "gelijkwaardigheid"]].mean()
    assert by_wave["communicatie"].is_monotonic_increasing
    assert by_wave["gelijkwaardigheid"].is_monotonic_decreasing
    corr = scores[["reflectief_proces", "transformatieresultaten"]].astype(float).corr().iloc[0, 1]
    assert corr > 0.2
    assert sim.truth["straightliners"] > 0


def test_national_scale_geography(instrument):
    sim = simulate(regions=42, respondents=2000, waves=1, seed=1, instrument=instrument)
    frame = sim.responses
    assert frame["region"].nunique() == 42
    municipalities = {m for g in sim.truth["geography"] for m in g["gemeente"]}
    assert len(municipalities) == 342
    owners = frame.groupby("organisation")["region"].nunique()
    assert (owners == 1).all(), "an organisation name belongs to one region only"
    assert frame["respondent_id"].is_unique


def test_open_answers_are_dutch_and_some_hold_personal_details(small_sim):
    answers = pd.concat([small_sim.responses["open_goed"], small_sim.responses["open_anders"]]).dropna()
    assert 0.2 < len(answers) / (2 * len(small_sim.responses)) < 0.45
    assert answers.str.contains("samenwerking|overleg|cliënt|contact", regex=True).mean() > 0.3
    assert answers.str.contains(r"@voorbeeld\.nl|06-\d{8}|Vraag het maar aan", regex=True).any()


def _with_extra_scale(instrument):
    """The instrument plus a module whose one scale the population model does not know."""
    items = tuple(Item(id=f"wb{i}", scale="welbevinden", module="extra", text={"nl": f"Stelling {i}", "en": f"Item {i}"},
                       reverse=i == 3) for i in (1, 2, 3))
    scale = Scale(id="welbevinden", module="extra", role="scale", label={"nl": "Welbevinden", "en": "Wellbeing"},
                  items=items)
    module = Module(id="extra", label={"nl": "Extra", "en": "Extra"}, referent={"nl": "", "en": ""}, scales=(scale,))
    return dataclasses.replace(instrument, modules=(*instrument.modules, module))


def test_an_instrument_with_an_extra_scale_simulates(instrument, tmp_path):
    extended = _with_extra_scale(instrument)
    sim = simulate(regions=3, respondents=2000, waves=1, seed=7, instrument=extended)
    assert sim.truth["items"]["wb3"]["scale"] == "welbevinden" and sim.truth["items"]["wb3"]["reverse"]
    assert sim.truth["structure"]["other_scales"] == {"welbevinden": dataclasses.asdict(DEFAULT_LATENT)}
    assert set(sim.truth["effects"]["region"]["welbevinden"]) == set(sim.responses["region"])
    path = tmp_path / "extended.csv"
    sim.responses.to_csv(path, index=False)
    scores = theme_scores(load_responses(path, extended), extended).astype({"welbevinden": float})
    # One latent behind the three items (the reversed one keyed back), related to trust as the default says.
    assert scores["welbevinden"].notna().mean() > 0.9
    assert scores[["welbevinden", "algemeen_vertrouwen"]].astype(float).corr().iloc[0, 1] > 0.2
    assert "welbevinden" not in simulate(regions=1, respondents=20, waves=1, seed=7).truth["structure"].get(
        "other_scales", {}), "the default instrument has no scale outside the model"


def test_simulated_file_passes_validation(small_csv):
    assert len(load_responses(small_csv)) == 600


def test_simulate_refuses_to_overwrite(tmp_path):
    out = tmp_path / "sim.csv"
    args = ["simulate", out, "--regions", "1", "--respondents", "20", "--waves", "1", "--seed", "1"]
    assert run_cli(*args).returncode == 0
    assert (tmp_path / "sim.truth.json").exists()
    before = out.read_bytes()
    again = run_cli(*args[:-1], "2")
    assert again.returncode == 2 and "already exist" in again.stderr
    assert out.read_bytes() == before
    assert run_cli(*args[:-1], "2", "--force").returncode == 0
    assert out.read_bytes() != before


def test_bad_simulation_arguments(tmp_path):
    result = run_cli("simulate", tmp_path / "x.csv", "--regions", "0")
    assert result.returncode == 2 and "at least 1" in result.stderr


@pytest.mark.slow
def test_national_dataset_time_and_memory(tmp_path):
    """42 regions, 20,000 respondents per wave, 5 waves, within 1 GB (its time is measured in benchmarks/)."""
    import subprocess
    import sys

    # The child reports its own peak resident memory. Neither RUSAGE_CHILDREN (the largest child this
    # test process ever had) nor the child's ru_maxrss (which starts at the forking pytest process's
    # size) measures it: the child resets its high-water mark (Linux clear_refs 5) and reads VmHWM.
    code = ("import re; open('/proc/self/clear_refs', 'w').write('5');"
            "from monitor.survey.synthetic import simulate, write_simulation;"
            f"write_simulation(simulate(regions=42, respondents=20000, waves=5, seed=1), r'{tmp_path / 'n.csv'}');"
            "print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))")
    child = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    peak_mb = int(child.stdout.split()[-1]) / 1024
    written = pd.read_csv(tmp_path / "n.csv", usecols=["wave", "region"])
    assert written["wave"].value_counts().tolist() == [20_000] * 5
    assert written["region"].nunique() == 42
    assert peak_mb < 1024, f"peak memory {peak_mb:.0f} MB"
