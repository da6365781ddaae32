"""The validity workflow behind notebooks/validity.ipynb, and table export."""

from __future__ import annotations

import numpy as np
import pandas as pd
import papermill
import pytest

from monitor import validity
from monitor.config import NOTEBOOKS_DIR
from monitor.factor import correlation_matrix
from monitor.tables import apa_number, export_table
from monitor.texts import number


@pytest.fixture(scope="module")
def vd():
    return validity.prepare(module="vertrouwen", language="nl")


def test_notebook_parameters_are_documented():
    params = papermill.inspect_notebook(str(NOTEBOOKS_DIR / "validity.ipynb"))
    assert list(params) == ["data_path", "instrument_path", "module", "wave", "correlation", "n_factors", "method",
                            "rotation", "invariance_group", "language", "output_dir"]
    assert params["correlation"]["default"] == '"polychoric"'
    assert params["n_factors"]["default"] == '"auto"'


def test_prepare_keys_items_and_picks_the_latest_wave(vd, instrument):
    assert vd.wave == 2026 and len(vd.items) == 1200
    raw = vd.frame["nw4"].astype("float64")
    np.testing.assert_array_equal(vd.items["nw4"].to_numpy(), (6 - raw).to_numpy())
    assert set(vd.target.values()) == {t.id for t in instrument.themes}
    assert validity.banner(vd).startswith("> **Dit zijn gesimuleerde gegevens")
    with pytest.raises(ValueError, match="wave 1999 is not in the data"):
        validity.prepare(wave=1999)


def test_sentences_carry_the_computed_numbers(vd):
    r = correlation_matrix(vd.items)
    table, sentence = validity.suitability(vd, r)
    # The fixture reports in Dutch: numbers with a decimal comma.
    assert f"KMO = {number(table.loc['KMO (overall)', 'MSA'], '.2f', 'nl')}" in sentence
    rel, items, sentence = validity.reliability_tables(vd)
    assert number(rel["alpha"].min(), ".2f", "nl") in sentence and rel["alpha"].idxmin() in sentence


def test_items_to_reconsider_flags_a_bad_item(vd):
    noisy = vd.items.copy()
    rng = np.random.default_rng(0)
    noisy["nw3"] = rng.integers(1, 6, len(noisy)).astype(float)  # pure noise
    bad = validity.ValidityData(frame=vd.frame, items=noisy, target=vd.target, instrument=vd.instrument,
                                module=vd.module, wave=vd.wave, source=vd.source, language="en")
    r = correlation_matrix(noisy)
    efa_result, _, _ = validity.factor_structure(bad, r, 6, "minres", "oblimin", "pearson")
    rel, item_stats, _ = validity.reliability_tables(bad)
    table, sentence = validity.items_to_reconsider(bad, efa_result, item_stats, rel)
    assert "nw3" in table.index and sentence == ""
    assert "low item-rest correlation" in table.loc["nw3", "reasons"]
    assert "weak loading" in table.loc["nw3", "reasons"]


def test_apa_numbers_and_export(tmp_path):
    assert apa_number(0.8712, 2, bounded=True) == ".87"
    assert apa_number(-0.05, 2, bounded=True) == "-.05"
    assert apa_number(12.345, 1) == "12.3" and apa_number(1200) == "1,200"
    table = pd.DataFrame({"alpha": [0.81234, 0.7], "n": [100, 90]}, index=["a", "b"])
    paths = export_table(table, "reliability", tmp_path, "Reliability per scale", number=3, bounded=("alpha",))
    assert pd.read_csv(paths["csv"], index_col=0)["alpha"].iloc[0] == 0.81234
    md = paths["md"].read_text()
    assert "**Table 3**" in md and "*Reliability per scale*" in md and ".81" in md
    tex = paths["tex"].read_text()
    assert "\\toprule" in tex and "\\caption{Reliability per scale}" in tex
    assert not list(tmp_path.glob("*.tmp"))


def test_a_module_missing_from_the_data_is_named(tmp_path, instrument):
    frame = pd.read_csv(validity.DEMO_DATA)
    path = tmp_path / "trust.csv"
    frame[instrument.background_ids + instrument.module("vertrouwen").item_ids].to_csv(path, index=False)
    with pytest.raises(ValueError, match="no answers to module 'samenwerking'"):
        validity.prepare(path, module="samenwerking")
