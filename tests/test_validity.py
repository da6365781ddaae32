"""The validity workflow behind notebooks/validity.ipynb, and table export."""

from __future__ import annotations

import numpy as np
import pandas as pd
import papermill
import pytest

from monitor.analyses import validity
from monitor.analyses.tables import apa_number, export_table
from monitor.core.config import NOTEBOOKS_DIR
from monitor.stats.factor import correlation_matrix


@pytest.fixture(scope="module")
def vd():
    return validity.load_validity_data(module="vertrouwen", language="nl")


def test_notebook_parameters_are_documented():
    params = papermill.inspect_notebook(str(NOTEBOOKS_DIR / "validity.ipynb"))
    assert list(params) == ["data_path", "store", "scales", "mapping_path", "instrument_path", "module", "wave", "correlation",
                            "n_factors", "method", "rotation", "invariance_group", "language", "output_dir"]
    assert params["correlation"]["default"] == '"polychoric"'
    assert params["n_factors"]["default"] == "None"  # one factor per scale
    assert params["invariance_group"]["default"] == "None"  # no domain column assumed
    assert params["language"]["default"] == '"en"'
    assert all(p["help"] for p in params.values()), "every parameter carries its comment"


def test_prepare_keys_items_and_picks_the_latest_wave(vd, instrument):
    assert vd.wave == 2026 and len(vd.items) == 1200
    raw = vd.frame["nw4"].astype("float64")
    np.testing.assert_array_equal(vd.items["nw4"].to_numpy(), (6 - raw).to_numpy())
    assert set(vd.target.values()) == {t.id for t in instrument.themes}
    assert validity.banner(vd).startswith("> **Dit zijn gesimuleerde gegevens")
    with pytest.raises(ValueError, match="wave 1999 is not in the data"):
        validity.load_validity_data(wave=1999)


def test_sentences_carry_the_computed_numbers(vd):
    r = correlation_matrix(vd.items)
    table, sentence = validity.suitability(vd, r)
    # The fixture reports in Dutch: numbers with a decimal comma.
    assert f"KMO = {apa_number(table.loc['KMO (overall)', 'MSA'], 2, True, 'nl')}" in sentence  # APA: ,85
    rel, items, sentence = validity.reliability_tables(vd)
    assert apa_number(rel["alpha"].min(), 2, True, "nl") in sentence and rel["alpha"].idxmin() in sentence


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
        validity.load_validity_data(path, module="samenwerking")


def test_thresholds_in_prose_come_from_the_constants(monkeypatch):
    assert "below .40" in validity.criteria("efa", "en") and " ,30 " in validity.criteria("efa", "nl")  # APA
    monkeypatch.setattr(validity, "PRIMARY_CUT", 0.35)
    monkeypatch.setattr(validity, "CHEN_CFI_DROP", 0.02)
    assert "below .35" in validity.criteria("efa", "en")
    assert "at most .020" in validity.criteria("invariance", "en")
    assert "CFI ≥ .95" in validity.criteria("cfa", "en")
    # The notebook's headings and introductions (catalogue, both languages) state no cut-off of their own.
    import re

    from monitor.core.texts import TEXTS

    prose = " ".join(v for k, t in TEXTS.items() if k.startswith(("val_head_", "val_intro_")) for v in t.values())
    assert prose and not re.search(r"(?<![\w.])[0,]?[.,]\d{2,3}\b|≥|≤", prose)


def test_tables_are_shown_apa_style(vd):
    table = pd.DataFrame({"alpha": [0.81234, np.nan], "p_value": [0.0001, 0.0312], "acceptable": [True, False],
                          "n": [1200, 3]}, index=["a*b", "c"])
    validity.FORMATS["_test"] = (2, ("alpha",), ("p_value",))
    try:
        en = validity.show(table, "_test", "en").data
        nl = validity.show(table, "_test", "nl").data
    finally:
        del validity.FORMATS["_test"]
    assert "\\.81" in en and "< \\.001" in en.replace("&lt;", "<") and "\\.031" in en and "1,200" in en
    assert "yes" in en and "no" in en and "True" not in en and "nan" not in en.lower()
    assert "a\\*b" in en, "labels from data are escaped"
    assert "| α " in en and "| p " in en and "acceptable" in en and "acceptabel" in nl  # headings in the language
    assert ",81" in nl and "ja" in nl and "nee" in nl and "1\\.200" in nl


def test_export_reports_relative_paths(vd, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rel, _, _ = validity.reliability_tables(vd)
    written = validity.export_tables({"reliability": rel}, tmp_path / "out", "nl")
    assert written.loc["reliability", "csv"] == "out/reliability.csv"
    exported = (tmp_path / "out" / "reliability.md").read_text()
    assert "Betrouwbaarheid per schaal" in exported and "**Tabel 1**" in exported
    assert "95%\\-BI onder" in exported and "| schaal " in exported  # Dutch headers
    assert ",8" in exported and "0.8" not in exported  # decimal comma


def test_p_values_in_sentences():
    assert validity.format_p(0.0004) == "< .001" and validity.format_p(0.1812) == "= .181"
    assert validity.format_p(0.1812, "nl") == "= ,181"


def test_mapping_path_reaches_the_loader(monkeypatch, tmp_path):
    seen = {}

    def loader(path, instrument=None, mapping=None):
        seen["mapping"] = mapping
        raise ValueError("stop here")

    monkeypatch.setattr(validity, "read_responses", loader)
    with pytest.raises(ValueError, match="stop here"):
        validity.load_validity_data(tmp_path / "export.csv", mapping_path=tmp_path / "mapping.yaml")
    assert seen["mapping"] == tmp_path / "mapping.yaml"
