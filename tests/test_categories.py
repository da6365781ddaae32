"""Categories as people type them, names without invisible characters, and the manners of the
command line (issue 20, items 4 and 6; issue 19, item 7)."""

from __future__ import annotations

import pandas as pd
import pytest

from monitor import load_responses, read_responses
from monitor.cli import build_parser
from monitor.core.config import DEMO_DATA
from monitor.core.names import clean_name, name_key
from monitor.privacy.cells import Structure
from monitor.survey.categories import near_duplicates, unify_spellings

from .conftest import run_cli

BIDI = "\u202e\u2066\u200f\u200b\x07"


@pytest.fixture(scope="module")
def demo_text() -> pd.DataFrame:
    return pd.read_csv(DEMO_DATA, dtype=str, keep_default_na=False)


def _write(frame: pd.DataFrame, path):
    frame.to_csv(path, index=False)
    return path


def _typed_by_people(demo: pd.DataFrame) -> pd.DataFrame:
    """The demo with region names in lower case, with a double space, a trailing space and an
    accent, and functions and types typed in other ways."""
    frame = demo.copy()
    region = frame["region"]
    frame.loc[1::4, "region"] = region[1::4].str.lower()
    frame.loc[2::4, "region"] = region[2::4].str.replace(" ", "  ", n=1) + " "
    frame.loc[3::8, "region"] = region[3::8].str.replace("e", "é", n=1)
    frame.loc[5::9, "organisation"] = frame["organisation"][5::9].str.upper()
    frame.loc[frame["function"].eq("beleidsadviseur").to_numpy().nonzero()[0][::2], "function"] = "Beleids-Adviseur"
    frame.loc[frame["organisation_type"].eq("zorgaanbieder").to_numpy().nonzero()[0][::3], "organisation_type"] = \
        "ZORG-AANBIEDER "
    return frame


# -- 1. spellings of one name are one value ---------------------------------------------------------
def test_spellings_of_one_name_are_one_value(tmp_path, demo_text):
    clean = load_responses(DEMO_DATA)
    path = _write(_typed_by_people(demo_text), tmp_path / "typed.csv")
    frame = load_responses(path)
    assert sorted(frame["region"].unique()) == sorted(clean["region"].unique())  # 6, not 18
    assert frame["organisation"].nunique() == clean["organisation"].nunique()
    for column in ("region", "function", "organisation_type"):
        assert frame[column].astype(str).tolist() == clean[column].astype(str).tolist(), column
    # one spelling per organisation: the demo's, or upper case where most of its rows have that
    assert frame["organisation"].map(name_key).tolist() == clean["organisation"].map(name_key).tolist()
    assert frame.groupby(clean["organisation"].to_numpy())["organisation"].nunique().eq(1).all()
    result = run_cli("check", path)
    assert result.returncode == 0, result.stderr
    assert "6 region(s)" in result.stdout
    assert "read as 'Regio" in result.stdout


def test_the_most_frequent_spelling_is_shown_ties_the_first_met():
    frame = pd.DataFrame({"region": pd.array(["regio a", "Regio A", "Regio A", "REGIO A", "Regio B", "regio b"],
                                             dtype="string")})
    frame, merged = unify_spellings(frame, ["region"])
    assert frame["region"].tolist() == ["Regio A"] * 4 + ["Regio B"] * 2
    assert {m.shown: m.others for m in merged} == {"Regio A": ("regio a", "REGIO A"), "Regio B": ("regio b",)}


def test_name_key_folds_case_accents_punctuation_and_spaces_only():
    assert name_key(" Régio  Hoog-Heidezoom.") == name_key("regio hoogheidezoom")
    assert name_key("Regio Hoog Heidezoom") != name_key("Regio Hoog-Heidezoom")


# -- near-duplicates: warned about, with a values: block that works -----------------------------------
def test_near_duplicates_are_warned_with_a_values_block_that_applies(tmp_path, demo_text):
    frame = demo_text.copy()
    hoog = frame.index[frame["region"].eq("Regio Hoog-Heidezoom")][:7]
    frame.loc[hoog, "region"] = "Regio Hoog Heidezoom"
    path = _write(frame, tmp_path / "near.csv")
    result = run_cli("check", path)
    assert result.returncode == 0, result.stderr
    assert "7 region(s)" in result.stdout
    assert "Warning: region 'Regio Hoog Heidezoom' (7 rows) may be 'Regio Hoog-Heidezoom'" in result.stdout
    block = result.stdout[result.stdout.index("values:"):]
    assert block.strip() == 'values:\n  region:\n    "Regio Hoog Heidezoom": "Regio Hoog-Heidezoom"'

    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(block, encoding="utf-8")  # the proposed block alone is a mapping file
    result = run_cli("check", path, "--mapping", mapping)
    assert result.returncode == 0, result.stderr
    assert "6 region(s)" in result.stdout and "Warning" not in result.stdout
    assert load_responses(path, mapping=mapping)["region"].tolist() == demo_text["region"].tolist()


def test_names_of_different_places_are_not_near_duplicates():
    assert near_duplicates(load_responses(DEMO_DATA), ["region", "organisation"]) == ()
    frame = pd.DataFrame({"organisation": ["Gemeente Ede", "Gemeente Epe", "Regio West-Beekdal",
                                           "Regio Oost-Beekdal", "De Linde", "De Vlinder"]})
    assert near_duplicates(frame, ["organisation"]) == ()


# -- 2. control and bidi characters out of names ------------------------------------------------------
def test_control_and_bidi_characters_are_removed_from_names(tmp_path, demo_text):
    frame = demo_text.copy()
    frame["region"] = BIDI[:2] + frame["region"] + "\u202c"
    frame["organisation"] = frame["organisation"].str.replace(" ", " \u200b" + BIDI[2:], n=1)
    frame.loc[::2, "function"] = "\u202e" + frame["function"][::2]
    frame = load_responses(_write(frame, tmp_path / "bidi.csv"))
    clean = load_responses(DEMO_DATA)
    for column in ("region", "organisation", "function"):
        assert frame[column].astype(str).tolist() == clean[column].astype(str).tolist(), column


def test_clean_name():
    assert clean_name("Regio\u202e Noord\u202c\t\n") == "Regio Noord"
    assert clean_name("Ge\u200dmeente\x00\x9b Oss\u2069") == "Gemeente Oss"


# -- 3. manners ---------------------------------------------------------------------------------------
def test_missing_markers_of_r_and_spss_are_missing(tmp_path, demo_text):
    frame = demo_text.copy()
    frame.loc[::3, "nw1"] = "NA"
    frame.loc[1::7, "nw2"] = "N/A"
    frame.loc[2::5, "nw3"] = "."
    frame.loc[::4, "years_collaboration"] = "NA"
    loaded = load_responses(_write(frame, tmp_path / "from_r.csv"))
    assert loaded["nw1"].isna().sum() >= len(frame) // 3
    assert loaded["nw2"].iloc[1::7].isna().all() and loaded["nw3"].iloc[2::5].isna().all()
    assert loaded["years_collaboration"].iloc[::4].isna().all()
    kept = ~frame["nw1"].isin(["NA", "", "9"]).to_numpy()  # 9: the instrument's missing code
    assert loaded["nw1"][kept].astype(int).tolist() == frame["nw1"][kept].astype(int).tolist()


def test_a_required_name_given_as_na_is_empty(tmp_path, demo_text):
    frame = demo_text.copy()
    frame.loc[4, "region"] = "NA"
    result = run_cli("check", _write(frame, tmp_path / "na_region.csv"))
    assert result.returncode == 2 and "empty region in row 6" in result.stderr


def test_check_without_a_wave_column_says_one_line(tmp_path, demo_text):
    path = _write(demo_text[demo_text["wave"] == "2026"].drop(columns="wave"), tmp_path / "one_wave.csv")
    result = run_cli("check", path)  # the demo instrument requires a wave
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "missing required column(s): wave; when the file holds one wave, set `wave: <year>`" in result.stderr
    instrument = tmp_path / "instrument.yaml"
    text = (DEMO_DATA.parent.parent / "instrument.yaml").read_text(encoding="utf-8")
    instrument.write_text(text.replace("    type: year\n", "    type: year\n    required: false\n", 1),
                          encoding="utf-8")
    result = run_cli("check", path, "--instrument", instrument)  # an instrument without a required wave
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "one wave (no wave column)" in result.stdout and "set `wave: <year>`" in result.stdout
    wave = tmp_path / "wave.yaml"
    wave.write_text("wave: 2026\n", encoding="utf-8")
    assert read_responses(path, mapping=wave).frame["wave"].unique().tolist() == [2026]


@pytest.mark.parametrize("argv", [
    ["--instrument", "x.yaml", "-q", "check", "data.csv"],
    ["check", "data.csv", "--instrument", "x.yaml", "-q"],
    ["--instrument", "x.yaml", "check", "data.csv", "--quiet"],
    ["-q", "check", "--instrument", "x.yaml", "data.csv"],
])
def test_global_options_before_or_after_the_command(argv):
    args = build_parser().parse_args(argv)
    assert (args.instrument, args.verbosity) == ("x.yaml", 0)


def test_global_options_keep_their_defaults():
    args = build_parser().parse_args(["audit", "folder"])
    assert (args.instrument, args.verbosity) == (None, 1)
    assert build_parser().parse_args(["-v", "audit", "folder"]).verbosity == 2


def test_an_organisation_in_two_regions_is_said_in_the_advisers_terms():
    structure = Structure()
    structure.merge({"nesting": {"organisation": {"Gemeente Oss": {"region": "Regio A"}}}}, "")
    with pytest.raises(ValueError) as error:
        structure.merge({"nesting": {"organisation": {"Gemeente Oss": {"region": "Regio B"}}}}, "")
    message = str(error.value)
    assert "structure" not in message and "nesting" not in message
    assert "organisation 'Gemeente Oss' is found in region 'Regio A' and in region 'Regio B'" in message
    assert "correct the region of its respondents in the data" in message
