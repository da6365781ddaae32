"""The mapping file: validation with one-line errors, and what applying it does to the data.

Also: the instrument's answer-wording aliases, ``--instrument`` with its own aliases, and the
notebooks' kernel on every install route (:mod:`monitor.render.kernel`).
"""

from __future__ import annotations

import shutil
import sys

import pandas as pd
import pytest
import yaml

from monitor.cli import main
from monitor.core.config import DEMO_DATA, INSTRUMENT_PATH
from monitor.survey.instrument import fold_label, load_instrument
from monitor.survey.mapping import MappingError, load_mapping
from monitor.survey.responses import DataError, load_responses
from monitor.survey.scoring import aggregate, theme_scores

INSTRUMENT = load_instrument()
HEADER = DEMO_DATA.read_text(encoding="utf-8").splitlines()[0].split(",")


@pytest.fixture(scope="module")
def demo():
    return load_responses(DEMO_DATA, INSTRUMENT)


def _write(tmp_path, content: dict, name: str = "mapping.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _identity() -> dict:
    return {"columns": {c: c for c in HEADER}}


def _error(tmp_path, content) -> str:
    with pytest.raises(MappingError) as caught:
        load_mapping(_write(tmp_path, content), INSTRUMENT)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(tmp_path))
    return message


# -- validation ------------------------------------------------------------------------------
def test_unknown_instrument_id(tmp_path):
    content = _identity()
    content["columns"]["nw1"] = "nw11"
    assert "columns: 'nw1' -> 'nw11': not an instrument id (did you mean 'nw1'?)" in _error(tmp_path, content)


def test_two_columns_mapped_to_one_id(tmp_path):
    content = _identity()
    content["columns"]["nw2"] = "nw1"
    assert "columns: 'nw1' and 'nw2' are both mapped to nw1" in _error(tmp_path, content)


def test_a_column_given_twice_in_the_file(tmp_path):
    path = tmp_path / "twice.yaml"
    path.write_text("columns:\n  Q1: nw1\n  Q1: nw2\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"line 3: 'Q1' is given twice"):
        load_mapping(path, INSTRUMENT)


def test_an_item_left_unmapped(tmp_path):
    content = _identity()
    del content["columns"]["gz3"]
    content["ignore"] = ["gz3"]
    assert "item(s) gz3 of module vertrouwen are left unmapped" in _error(tmp_path, content)


def test_mapped_and_ignored(tmp_path):
    content = _identity()
    content["ignore"] = ["region"]
    assert "column(s) 'region' are both mapped and ignored" in _error(tmp_path, content)


@pytest.mark.parametrize("content, expected", [
    ({"answers": {"Zeer mee eens": 7}}, "answers: 'Zeer mee eens' -> 7: a code must be 1-5, a missing code (9)"),
    ({"values": {"organisation_type": {"1": "gemeentes"}}}, "not a category of organisation_type"),
    ({"values": {"nw1": {"1": "2"}}}, "values: 'nw1' is not a column mapped to a background variable"),
    ({"item_answers": {"region": {"Nooit": 1}}}, "item_answers: 'region' is not a column mapped to an item"),
    ({"wave": 2026}, "wave: 2026 is given, but column 'wave' is mapped to wave as well"),
    ({"skip_rows": 40}, "skip_rows: must be a whole number from 0 to 10"),
    ({"colums": {}}, "unknown key(s) 'colums'"),
])
def test_bad_entries(tmp_path, content, expected):
    assert expected in _error(tmp_path, _identity() | content)


def test_no_wave(tmp_path):
    content = _identity()
    del content["columns"]["wave"]
    assert "no column is mapped to wave; set `wave: <year>`" in _error(tmp_path, content)


def test_not_yaml(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("columns: [unclosed\n", encoding="utf-8")
    with pytest.raises(MappingError, match="not valid YAML"):
        load_mapping(path, INSTRUMENT)


# -- applying ---------------------------------------------------------------------------------
def _scores(frame):
    return aggregate(theme_scores(frame, INSTRUMENT), by=["region"])


def test_identity_mapping_changes_nothing(tmp_path, demo):
    frame = load_responses(DEMO_DATA, INSTRUMENT, mapping=_write(tmp_path, _identity()))
    pd.testing.assert_frame_equal(frame, demo)


def test_an_export_column_neither_mapped_nor_ignored(tmp_path):
    content = _identity()
    del content["columns"]["open_goed"]
    with pytest.raises(DataError, match=r"export column\(s\) 'open_goed' are neither mapped nor ignored"):
        load_responses(DEMO_DATA, INSTRUMENT, mapping=_write(tmp_path, content))


def test_a_mapped_column_missing_from_the_export(tmp_path):
    content = _identity()
    content["columns"]["Q99"] = content["columns"].pop("nw1")
    with pytest.raises(DataError, match=r"column\(s\) 'Q99' are not in the export's header \(row 1\)"):
        load_responses(DEMO_DATA, INSTRUMENT, mapping=_write(tmp_path, content))


def test_skip_rows_never_drops_a_respondent(tmp_path):
    content = _identity() | {"skip_rows": 1}
    with pytest.raises(DataError, match="row 2 holds answers, but skip_rows: 1 drops it as a header row"):
        load_responses(DEMO_DATA, INSTRUMENT, mapping=_write(tmp_path, content))


def test_constant_wave_values_and_wordings(tmp_path, demo):
    """One wave without a wave column, organisation types as numbers, own answer wordings."""
    raw = pd.read_csv(DEMO_DATA, dtype=str, keep_default_na=False)
    raw = raw[raw["wave"] == "2026"].drop(columns="wave")
    raw["organisation_type"] = raw["organisation_type"].map({"gemeente": "1", "zorgaanbieder": "2", "anders": "3"})
    words = {"5": "Volkomen eens", "1": "Volkomen oneens", "9": "Geen idee"}
    for item in INSTRUMENT.item_ids:
        raw[item] = raw[item].replace(words)
    raw["nw1"] = raw["nw1"].replace({"Volkomen eens": "Altijd"})  # this item's own wording
    export = tmp_path / "wave2026.csv"
    raw.rename(columns={"organisation_type": "typeorg"}).to_csv(export, index=False)
    content = {"wave": 2026, "columns": {c: c for c in raw.columns}}
    content["columns"]["typeorg"] = content["columns"].pop("organisation_type")
    content["answers"] = {"Volkomen eens": 5, "Volkomen oneens": 1, "Geen idee": "missing"}
    content["item_answers"] = {"nw1": {"Altijd": 5}}
    content["values"] = {"typeorg": {1: "gemeente", 2: "zorgaanbieder", 3: "anders"}}
    frame = load_responses(export, INSTRUMENT, mapping=_write(tmp_path, content))
    expected = demo[(demo["wave"] == 2026).to_numpy()].reset_index(drop=True)
    assert frame["wave"].dtype == expected["wave"].dtype and list(frame.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(frame, expected, check_categorical=False)
    pd.testing.assert_frame_equal(_scores(frame), _scores(expected))


def test_values_rename_a_region_by_its_instrument_id_however_it_is_typed(tmp_path, demo):
    """``values:`` keyed by the instrument id of a mapped column; one line renames every spelling."""
    raw = pd.read_csv(DEMO_DATA, dtype=str, keep_default_na=False)
    raw.loc[raw["region"].eq("Regio Hoog-Heidezoom"), "region"] = ["Regio Hoog Heidezoom", "regio hoog heidezoom "] * (
        raw["region"].eq("Regio Hoog-Heidezoom").sum() // 2)
    export = tmp_path / "renamed.csv"
    raw.rename(columns={"region": "Regio"}).to_csv(export, index=False)
    content = {"columns": {("Regio" if c == "region" else c): c for c in HEADER},
               "values": {"region": {"Regio Hoog Heidezoom": "Regio Hoog-Heidezoom"}}}
    frame = load_responses(export, INSTRUMENT, mapping=_write(tmp_path, content))
    assert frame["region"].tolist() == demo["region"].tolist()
    content["values"]["Regio"] = content["values"]["region"]
    assert "values: 'Regio' is given twice" in _error(tmp_path, content)


def test_without_the_item_answers_an_unknown_wording_is_an_error(tmp_path):
    raw = pd.read_csv(DEMO_DATA, dtype=str, keep_default_na=False)
    raw["nw1"] = raw["nw1"].replace({"5": "Altijd"})
    export = tmp_path / "altijd.csv"
    raw.to_csv(export, index=False)
    with pytest.raises(DataError, match="text in an answer column|expected a code 1-5"):
        load_responses(export, INSTRUMENT, mapping=_write(tmp_path, _identity()))


# -- the instrument's wordings and --instrument -------------------------------------------------
def test_common_wordings_are_aliases_of_the_scale():
    lookup = INSTRUMENT.scale.label_lookup
    for wording, code in [("Zeer mee eens", 5), ("zeer mee oneens", 1), ("Helemaal eens", 5), ("Strongly agree", 5),
                          ("Somewhat disagree", 2), ("Eens", 4), ("Oneens", 2), ("Neutral", 3), ("Weet ik niet", None)]:
        value = lookup[fold_label(wording)]
        assert (pd.isna(value) if code is None else value == code), wording


def test_no_wording_stands_for_two_codes():
    raw = yaml.safe_load(INSTRUMENT_PATH.read_text(encoding="utf-8"))["scale"]
    seen: dict[str, object] = {}
    pairs = [(t, code) for code, texts in raw["labels"].items() for t in texts.values()]
    pairs += [(t, code) for code, texts in raw["aliases"].items() for t in texts]
    pairs += [(t, "missing") for texts in raw["missing"]["labels"].values() for t in texts]
    for text, code in pairs:
        assert seen.setdefault(fold_label(text), code) == code, text


def test_zeer_mee_eens_loads_without_a_mapping(tmp_path, demo):
    raw = pd.read_csv(DEMO_DATA, dtype=str, keep_default_na=False)
    for item in INSTRUMENT.item_ids:
        raw[item] = raw[item].replace({"5": "Zeer mee eens", "1": "Zeer mee oneens"})
    export = tmp_path / "zeer.csv"
    raw.to_csv(export, index=False)
    pd.testing.assert_frame_equal(load_responses(export, INSTRUMENT), demo)


def test_instrument_option_is_honoured(tmp_path, capsys):
    """An instrument copy with its own alias: `monitor score --instrument` reads with it."""
    raw = pd.read_csv(DEMO_DATA, dtype=str, keep_default_na=False)
    raw["nw1"] = raw["nw1"].replace({"5": "Volmondig ja"})
    export = tmp_path / "own.csv"
    raw.to_csv(export, index=False)
    assert main(["score", str(export), "--by", "region"]) == 2
    assert "Volmondig ja" in capsys.readouterr().err
    copy = tmp_path / "instrument.yaml"
    text = INSTRUMENT_PATH.read_text(encoding="utf-8")
    copy.write_text(text.replace("    5: [Zeer mee eens,", "    5: [Volmondig ja, Zeer mee eens,"), encoding="utf-8")
    assert main(["--instrument", str(copy), "score", str(export), "--by", "region"]) == 0
    own = capsys.readouterr().out
    assert main(["score", str(DEMO_DATA), "--by", "region"]) == 0
    assert own == capsys.readouterr().out


# -- the kernel ---------------------------------------------------------------------------------
def test_kernel_registered_when_missing(tmp_path, monkeypatch):
    from monitor.render import kernel

    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "share" / "jupyter"))
    said = []
    name = kernel.ensure_kernel("monitor-test-kernel", prefix=tmp_path, say=said.append)
    spec = kernel._find(name)
    assert spec is not None and spec.argv[0] == sys.executable and kernel.kernel_runs_here(spec)
    assert (tmp_path / "share" / "jupyter" / "kernels" / name / "kernel.json").exists()
    assert len(said) == 1 and "is not registered; registered it in" in said[0]
    said.clear()
    assert kernel.ensure_kernel("monitor-test-kernel", prefix=tmp_path, say=said.append) == name and said == []


def test_kernel_of_another_python_is_replaced_by_this_interpreter(tmp_path, monkeypatch):
    """A user-wide kernel of that name runs another Python (it takes precedence over one
    registered in the environment, which may also be read-only): a private spec for this
    interpreter comes first on JUPYTER_PATH, and the renderer says so."""
    from monitor.render import kernel

    foreign = tmp_path / "user" / "kernels" / "monitor-test-kernel"
    foreign.mkdir(parents=True)
    (foreign / "kernel.json").write_text('{"argv": ["/opt/other/bin/python", "-m", "ipykernel_launcher", "-f", '
                                         '"{connection_file}"], "display_name": "x", "language": "python"}')
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "user"))
    readonly = tmp_path / "readonly"
    readonly.mkdir()
    readonly.chmod(0o500)
    said = []
    try:
        name = kernel.ensure_kernel("monitor-test-kernel", prefix=readonly, say=said.append)
    finally:
        readonly.chmod(0o700)
    spec = kernel._find(name)
    assert kernel.kernel_runs_here(spec) and spec.argv[0] == sys.executable
    assert "runs another Python (/opt/other/bin/python)" in said[0] and "running the notebooks on this" in said[0]
    shutil.rmtree(spec.resource_dir, ignore_errors=True)
