"""Any questionnaire: instruments in one language, without background variables, with several
answer scales, and scoring keys alone; the validity notebook run with ``data_path`` and
``scales`` only, checked against R psych and semTools (tests/r/psych_reference.R)."""

from __future__ import annotations

import json
import re
import textwrap

import numpy as np
import pandas as pd
import papermill
import pytest

from monitor.analyses import validity
from monitor.core.config import NOTEBOOKS_DIR
from monitor.stats.factor import PsychometricWarning
from monitor.survey.instrument import InstrumentError, instrument_from_keys, load_instrument

from .conftest import DATA, EXPECTED

BFI_KEYS = {"A": ["-A1", "A2", "A3", "A4", "A5"], "C": ["C1", "C2", "C3", "-C4", "-C5"],
            "E": ["-E1", "-E2", "E3", "E4", "E5"], "N": ["N1", "N2", "N3", "N4", "N5"],
            "O": ["O1", "-O2", "O3", "O4", "-O5"]}


def _instrument(tmp_path, body: str):
    path = tmp_path / "instrument.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return load_instrument(path)


ENGLISH_ONLY = """
    name: Work engagement
    scale:
      min: 1
      max: 7
      labels: {1: {en: Never}, 2: {en: Rarely}, 3: {en: Sometimes}, 4: {en: Often}, 5: {en: Very often},
               6: {en: Mostly}, 7: {en: Always}}
    modules:
      - id: engagement
        label: {en: Engagement}
        scales:
          - id: vigour
            role: scale
            label: {en: Vigour}
            items:
              - {id: v1, en: At my work I feel bursting with energy}
              - {id: v2, en: I feel tired at work, reverse: true}
"""


def test_an_english_only_instrument_without_background_loads(tmp_path):
    instrument = _instrument(tmp_path, ENGLISH_ONLY)
    assert instrument.background_ids == [] and instrument.reverse_items == ["v2"]
    # The other language shows the same text.
    assert instrument.label("v1", "nl") == instrument.label("v1", "en") == "At my work I feel bursting with energy"
    assert instrument.scale.labels[7] == {"nl": "Always", "en": "Always"}
    with pytest.raises(InstrumentError, match="region reports needs the background variable\\(s\\) wave, region"):
        instrument.require_background("wave", "region", purpose="region reports")


def test_a_dutch_only_instrument_loads_and_a_text_in_no_language_does_not(tmp_path):
    dutch = ENGLISH_ONLY.replace("{en:", "{nl:").replace(", en:", ", nl:")
    instrument = _instrument(tmp_path, dutch)
    assert instrument.label("vigour", "en") == "Vigour" and instrument.item_by_id["v2"].text["en"] == "I feel tired at work"
    with pytest.raises(InstrumentError, match="item v1: no text in any language"):
        _instrument(tmp_path, ENGLISH_ONLY.replace("{id: v1, en: At my work I feel bursting with energy}", "{id: v1}"))


def test_answer_scales_per_scale_and_per_item(tmp_path):
    body = ENGLISH_ONLY + """
    answer_scales:
      yes_no: {min: 0, max: 1, labels: {0: {en: "No", nl: Nee}, 1: {en: "Yes", nl: Ja}}}
    """
    body = body.replace("    role: scale\n", "    role: scale\n            answers:\n"
                        "              {min: 1, max: 5, labels: {1: a, 2: b, 3: c, 4: d, 5: e}}\n")
    body = body.replace("{id: v2, en: I feel tired at work, reverse: true}",
                        "{id: v2, en: I feel tired at work, reverse: true, answers: yes_no}")
    instrument = _instrument(tmp_path, body)
    assert instrument.scale.values == list(range(1, 8))  # the instrument's default
    assert instrument.answer_scale("v1").values == [1, 2, 3, 4, 5]  # the scale's own
    assert instrument.answer_scale("v2").labels[1]["nl"] == "Ja"  # the item's own, by name
    with pytest.raises(InstrumentError, match="item v2: unknown answer scale 'often'"):
        _instrument(tmp_path, body.replace("answers: yes_no}", "answers: often}"))


def test_the_monitor_instrument_still_loads_as_before(instrument):
    assert len(instrument.item_ids) == 58 and instrument.background_ids[:3] == ["respondent_id", "wave", "region"]
    assert {instrument.answer_scale(i).max for i in instrument.item_ids} == {5}
    assert instrument.label("nw1", "en") != instrument.label("nw1", "nl")


def test_scoring_keys_make_an_instrument():
    inst = instrument_from_keys(BFI_KEYS, 1, 6, name="bfi")
    assert inst.reverse_items == ["A1", "C4", "C5", "E1", "E2", "O2", "O5"]
    assert [s.id for s in inst.module("items").scales] == list(BFI_KEYS)
    with pytest.raises(InstrumentError, match="item A1 is listed in scale A and in scale C"):
        instrument_from_keys({"A": ["A1", "A2"], "C": ["-A1", "C2"]}, 1, 6)
    with pytest.raises(InstrumentError, match="scale A: give a list of items"):
        instrument_from_keys({"A": "A1 A2"}, 1, 6)


@pytest.fixture(scope="module")
def bfi_csv(tmp_path_factory):
    """psych's bfi plus a grouping column, as a researcher's own CSV (no wave, region or organisation)."""
    frame = pd.read_csv(DATA / "bfi.csv")
    frame.insert(0, "half", np.where(np.arange(len(frame)) % 2 == 0, "first", "second"))
    path = tmp_path_factory.mktemp("bfi") / "bfi.csv"
    frame.to_csv(path, index=False)
    return path


def test_prepare_from_keys_alone(bfi_csv):
    vd = validity.load_validity_data(bfi_csv, scales=BFI_KEYS, columns=["half"])
    assert vd.wave is None and vd.items.shape == (2800, 25) and vd.n_scales == 5
    assert vd.instrument.scale.values == [1, 2, 3, 4, 5, 6]  # the observed answer range, as psych
    raw = pd.read_csv(bfi_csv)
    np.testing.assert_array_equal(vd.items["A1"].to_numpy(), 7 - raw["A1"].to_numpy(dtype=float))
    table, sentence = validity.invariance(vd, None)
    assert table.empty and "not tested" in sentence
    table, sentence = validity.invariance(vd, "half")
    assert list(table.index) == ["configural", "metric", "scalar"] and "first, second" in sentence
    with pytest.raises(ValueError, match="the data have no column 'organisation_type'"):
        validity.invariance(vd, "organisation_type")
    with pytest.raises(ValueError, match="wave 2026: the data have no wave column"):
        validity.load_validity_data(bfi_csv, scales=BFI_KEYS, wave=2026)


def test_a_constant_item_becomes_a_visible_note(bfi_csv, tmp_path):
    frame = pd.read_csv(bfi_csv).assign(Z=3)
    path = tmp_path / "constant.csv"
    frame.to_csv(path, index=False)
    vd = validity.load_validity_data(path, scales={**BFI_KEYS, "C": BFI_KEYS["C"] + ["Z"]})
    assert "Z" not in vd.items.columns and vd.items.shape[1] == 25
    _, sentence = validity.sample_summary(vd)
    assert "> **Note.** validity analysis\\: item\\(s\\) without variance dropped\\: Z" in sentence


def test_warnings_reach_the_notebook_as_notes_not_tracebacks(bfi_csv):
    vd = validity.load_validity_data(bfi_csv, scales=BFI_KEYS)
    small = validity.ValidityData(frame=vd.frame.iloc[:100], items=vd.items.iloc[:100], target=vd.target,
                                  instrument=vd.instrument, module=vd.module, wave=None, source=vd.source)
    r, _ = validity.correlations(small, "pearson")
    with _no_psychometric_warning():
        _, sentence, _ = validity.factor_structure(small, r, 5, "minres", "oblimin", "pearson")
        cfa, cfa_sentence = validity.confirmatory(small)
    assert "> **Note.** EFA\\: 100 respondents for 140 free parameters" in sentence
    assert "fewer than 5 per parameter" in cfa_sentence and "left out \\(listwise\\)" in cfa_sentence


class _no_psychometric_warning:  # noqa: N801 - used as a context manager
    def __enter__(self):
        import warnings

        self._catch = warnings.catch_warnings(record=True)
        self.caught = self._catch.__enter__()
        warnings.simplefilter("always")
        return self

    def __exit__(self, *exc):
        self._catch.__exit__(*exc)
        leaked = [w for w in self.caught if issubclass(w.category, PsychometricWarning)]
        assert not leaked, f"warnings leaked instead of becoming notes: {[str(w.message) for w in leaked]}"


@pytest.mark.slow
def test_the_notebook_validates_a_questionnaire_from_data_path_and_scales_only(bfi_csv, tmp_path):
    """The issue's "done when": papermill with -p data_path and -y scales only; numbers as psych."""
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(str(NOTEBOOKS_DIR / "validity.ipynb"), str(out), cwd=str(tmp_path), progress_bar=False,
                               parameters={"data_path": str(bfi_csv), "scales": BFI_KEYS, "output_dir": "tables"},
                               kernel_name="samenwerkingsmonitor")
    tables = tmp_path / "tables"
    reliability = pd.read_csv(tables / "reliability.csv", index_col=0)
    expected = pd.read_csv(EXPECTED / "bfi_keys_reliability.csv").set_index("scale")
    columns = ["alpha", "ci_low", "ci_high", "std_alpha", "omega_total", "ordinal_alpha", "ordinal_omega_total"]
    np.testing.assert_allclose(reliability[columns], expected.loc[reliability.index, columns], atol=0.001)
    suitability = pd.read_csv(tables / "suitability.csv", index_col=0)["MSA"]
    assert suitability["KMO (overall)"] == pytest.approx(
        pd.read_csv(EXPECTED / "bfi_poly_suitability.csv")["kmo"].iloc[0], abs=0.001)
    composite = pd.read_csv(tables / "composite_reliability.csv", index_col=0)
    semtools = pd.read_csv(EXPECTED / "bfi_composite_reliability.csv").set_index("scale")
    np.testing.assert_allclose(composite["composite_reliability"], semtools["composite_reliability_std"], atol=0.001)
    np.testing.assert_allclose(composite["ave"], semtools["ave_std"], atol=0.001)
    assert list(pd.read_csv(tables / "efa_loadings.csv", index_col=0).columns) == list(BFI_KEYS) + ["communality"]

    cells = json.loads(out.read_text())["cells"]
    outputs = [o for c in cells if c["cell_type"] == "code" for o in c.get("outputs", [])]
    streams = "".join("".join(o["text"]) for o in outputs if o["output_type"] == "stream")
    assert "Warning" not in streams and "Traceback" not in streams
    markdown = "\n".join("".join(o["data"].get("text/markdown", "")) for o in outputs if "data" in o)
    assert "The analysis uses 5 factors (one per scale)" in markdown and "suggests 6 factors" in markdown
    assert "Measurement invariance is not tested" in markdown
    assert "tables/reliability\\.csv" in markdown and str(tmp_path) not in markdown
    assert "Revelle" in markdown and "Horn, J\\. L\\." in markdown and "Laveren binnen het Constructief Conflict" \
        in markdown
    assert not re.search(r"\bnan\b", markdown, re.IGNORECASE) and "True" not in markdown
    assert "rows ×" not in markdown and "rows x" not in markdown


def test_answers_are_read_and_checked_against_each_items_own_scale(tmp_path):
    from monitor.survey.responses import DataError, load_responses
    from monitor.survey.scoring import reverse_key

    body = ENGLISH_ONLY + """
    answer_scales:
      yes_no: {min: 0, max: 1, labels: {0: {en: "No", nl: Nee}, 1: {en: "Yes", nl: Ja}}}
    """
    body = body.replace("    role: scale\n", "    role: scale\n            answers:\n"
                        "              {min: 1, max: 5, labels: {1: a, 2: b, 3: c, 4: d, 5: e}}\n")
    body = body.replace("reverse: true}", "reverse: true, answers: yes_no}")
    instrument = _instrument(tmp_path, body)
    good = tmp_path / "good.csv"
    good.write_text("v1,v2\n5,Yes\n1,0\ne,1\n", encoding="utf-8")
    frame = load_responses(good, instrument)
    assert frame["v1"].tolist() == [5, 1, 5] and frame["v2"].tolist() == [1, 0, 1]
    assert reverse_key(frame, instrument)["v2"].tolist() == [0, 1, 0]  # 0 + 1 - answer, not 1 + 7 - answer
    bad = tmp_path / "bad.csv"
    bad.write_text("v1,v2\n7,1\n1,2\n", encoding="utf-8")
    with pytest.raises(DataError) as error:
        load_responses(bad, instrument)
    assert "outside the scale 1-5 in column v1" in str(error.value)
    assert "outside the scale 0-1 in column v2" in str(error.value)
