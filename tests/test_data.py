"""Loading survey exports: formats, labels, and one clear line for every bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from monitor import load_responses, read_responses, theme_scores
from monitor.core.config import DEMO_DATA

from .conftest import raw_frame, run_cli, sha256


def _write(frame: pd.DataFrame, path, **kwargs):
    frame.to_csv(path, index=False, **kwargs)
    return path


def _check_fails(path, *expected: str) -> str:
    """`monitor check` exits 2 with one line on stderr that holds every expected part."""
    before = sha256(path) if path.exists() else None
    result = run_cli("check", path)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert str(path) in lines[0]
    for part in expected:
        assert part in lines[0], lines[0]
    if before:
        assert sha256(path) == before, "the input file was modified"
    return lines[0]


# -- bad input -----------------------------------------------------------------------------
def test_missing_file(tmp_path):
    _check_fails(tmp_path / "nope.csv", "file not found")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    _check_fails(path, "empty")


def test_header_only(tmp_path, small_sim):
    path = tmp_path / "header.csv"
    path.write_text(",".join(small_sim.responses.columns) + "\n")
    _check_fails(path, "no respondents")


def test_unreadable_encoding(tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(b"respondent_id,wave\x00\x01\x02\xff\xfe\x00garbage")
    _check_fails(path, "unreadable encoding")


def test_undecodable_bytes(tmp_path, small_sim):
    path = tmp_path / "bytes.csv"
    text = raw_frame(small_sim).head(3).to_csv(index=False).encode()
    path.write_bytes(text + b"\x81\x8d\x8f\x90\x9d\n")  # invalid in UTF-8 and undefined in cp1252
    _check_fails(path, "unreadable encoding")


def test_missing_required_columns(tmp_path, small_sim):
    path = _write(raw_frame(small_sim).drop(columns=["region", "nw3"]), tmp_path / "cols.csv")
    _check_fails(path, "missing required column(s)", "region", "nw3")


def test_unknown_item_like_column(tmp_path, small_sim):
    frame = raw_frame(small_sim).rename(columns={"co2": "co_2"})
    path = _write(frame, tmp_path / "typo.csv")
    _check_fails(path, "unknown column 'co_2'", "did you mean 'co2'", "missing required column(s): co2")


def test_unrelated_extra_columns_are_ignored(tmp_path, small_sim):
    frame = raw_frame(small_sim)
    frame["StartDate"] = "2024-03-01"
    responses = read_responses(_write(frame, tmp_path / "extra.csv"))
    assert "StartDate" not in responses.frame
    assert responses.ignored_columns == ("StartDate",)


def test_value_outside_scale_names_row_and_column(tmp_path, small_sim):
    frame = raw_frame(small_sim)
    frame.loc[4, "gw2"] = "7"
    frame.loc[9, "gw2"] = "0"
    path = _write(frame, tmp_path / "range.csv")
    # Data row 4 is spreadsheet row 6: row 1 is the header and row 2 the first respondent.
    _check_fails(path, "value outside the scale 1-5 in column gw2", "rows 6, 11")


def test_text_in_answer_column(tmp_path, small_sim):
    frame = raw_frame(small_sim)
    frame.loc[0, "rm1"] = "vaak"
    _check_fails(_write(frame, tmp_path / "text.csv"), "text in answer column rm1", "row 2", "'vaak'")


def test_duplicate_respondent_within_wave(tmp_path, small_sim):
    frame = raw_frame(small_sim)
    frame.loc[5, "respondent_id"] = frame.loc[3, "respondent_id"]
    _check_fails(_write(frame, tmp_path / "dup.csv"), "duplicate respondent_id within a wave", "rows 5, 7")


def test_same_respondent_in_two_waves_is_fine(tmp_path, small_sim):
    frame = raw_frame(small_sim)
    later = frame.index[frame["wave"] != frame.loc[0, "wave"]][0]
    frame.loc[later, "respondent_id"] = frame.loc[0, "respondent_id"]
    assert len(load_responses(_write(frame, tmp_path / "panel.csv"))) == len(frame)


def test_unknown_category(tmp_path, small_sim):
    frame = raw_frame(small_sim)
    frame.loc[2, "organisation_type"] = "ministerie"
    _check_fails(_write(frame, tmp_path / "cat.csv"), "unknown organisation_type 'ministerie'", "row 4",
                 "gemeente, zorgaanbieder, anders")


def test_bad_wave(tmp_path, small_sim):
    frame = raw_frame(small_sim)
    frame.loc[1, "wave"] = "vorig jaar"
    _check_fails(_write(frame, tmp_path / "wave.csv"), "wave must be a year", "row 3")


def test_unsupported_file_type(tmp_path):
    path = tmp_path / "data.json"
    path.write_text("{}")
    _check_fails(path, "unsupported file type .json")


def test_corrupt_excel(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    _check_fails(path, "cannot be read as an Excel workbook")


# -- good input ----------------------------------------------------------------------------
def test_check_prints_a_summary():
    result = run_cli("check", DEMO_DATA)
    assert result.returncode == 0, result.stderr
    assert "3,600 respondents in 3 wave(s), 6 region(s)" in result.stdout
    assert "Respondents per wave: 2024: 1,200, 2025: 1,200, 2026: 1,200" in result.stdout
    assert "zorgaanbieder" in result.stdout


def test_types_and_missing(small_csv, instrument):
    responses = read_responses(small_csv)
    frame = responses.frame
    assert str(frame["wave"].dtype) == "Int64"
    assert isinstance(frame["organisation_type"].dtype, pd.CategoricalDtype)
    assert list(frame["organisation_type"].cat.categories) == ["gemeente", "zorgaanbieder", "anders"]
    assert all(str(frame[i].dtype) == "Int8" for i in instrument.item_ids)
    values = frame[instrument.item_ids].to_numpy(dtype="float64", na_value=np.nan)
    assert np.nanmin(values) == 1 and np.nanmax(values) == 5  # code 9 ("weet niet") became missing
    assert np.isnan(values).mean() == pytest.approx(0.03, abs=0.01)
    assert responses.modules == ("vertrouwen", "samenwerking", "levenscyclus")
    assert len(responses.sha256) == 64 and responses.source == str(small_csv)
    assert frame.attrs == {}, "the facts travel in Responses, not in DataFrame.attrs"


def test_labels_and_codes_give_the_same_scores(tmp_path, small_sim, instrument):
    coded = raw_frame(small_sim)
    labelled = coded.copy()
    rng = np.random.default_rng(0)
    nl = {str(code): texts["nl"] for code, texts in instrument.scale.labels.items()}
    en = {str(code): texts["en"].upper() for code, texts in instrument.scale.labels.items()}
    for item in instrument.item_ids:
        use_en = rng.random(len(labelled)) < 0.3
        mapped = labelled[item].map(lambda v: nl.get(v, v))
        mapped[use_en] = labelled.loc[use_en, item].map(lambda v: en.get(v, v))
        labelled[item] = mapped.replace({"9": "Weet niet / n.v.t."})
    assert labelled.loc[:, "nw1"].str.contains("eens").any()
    a = theme_scores(load_responses(_write(coded, tmp_path / "codes.csv")))
    b = theme_scores(load_responses(_write(labelled, tmp_path / "labels.csv")))
    pd.testing.assert_frame_equal(a, b)


def test_semicolon_cp1252_decimal_comma(tmp_path, small_sim):
    frame = raw_frame(small_sim)
    frame.loc[0, "organisation"] = "Coöperatie Zorg én Welzijn"
    frame["years_collaboration"] = frame["years_collaboration"].str.replace(".", ",", regex=False)
    path = tmp_path / "excel-nl.csv"
    frame.to_csv(path, index=False, sep=";", encoding="cp1252")
    loaded = load_responses(path)
    assert loaded.loc[0, "organisation"] == "Coöperatie Zorg én Welzijn"
    expected = small_sim.responses["years_collaboration"].astype("float64").to_numpy()
    np.testing.assert_allclose(loaded["years_collaboration"].to_numpy(dtype="float64"), expected)


def test_utf8_bom_and_upper_case_headers(tmp_path, small_sim):
    frame = raw_frame(small_sim)
    frame.columns = [c.upper() if c.startswith("nw") else c for c in frame.columns]
    path = tmp_path / "bom.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    loaded = load_responses(path)
    assert loaded.columns[0] == "respondent_id"
    assert "nw1" in loaded


def _reference(small_csv):
    return load_responses(small_csv)


def test_xlsx_round_trip(tmp_path, small_sim, small_csv):
    path = tmp_path / "responses.xlsx"
    small_sim.responses.to_excel(path, index=False)
    loaded = load_responses(path)
    pd.testing.assert_frame_equal(loaded, _reference(small_csv), check_like=False)


def test_sav_round_trip_with_value_labels(tmp_path, small_sim, small_csv, instrument):
    import pyreadstat

    frame = small_sim.responses.copy()
    items = instrument.item_ids
    # SPSS exports often code 0..4 with value labels; the labels, not the codes, must count.
    for item in items:
        frame[item] = (frame[item].astype("float64") - 1).where(frame[item].astype("float64") != 9, 8)
    labels = {code - 1: texts["nl"] for code, texts in instrument.scale.labels.items()}
    labels[8] = "Weet niet / n.v.t."
    frame["years_collaboration"] = frame["years_collaboration"].astype("float64")
    frame["wave"] = frame["wave"].astype("float64")
    frame[items] = frame[items].astype("float64")
    for col in ("open_goed", "open_anders"):
        frame[col] = frame[col].fillna("")
    path = tmp_path / "responses.sav"
    pyreadstat.write_sav(frame, str(path), variable_value_labels={item: labels for item in items})
    loaded = load_responses(path)
    pd.testing.assert_frame_equal(loaded, _reference(small_csv))


def test_demo_data_loads(instrument):
    frame = load_responses(DEMO_DATA)
    assert len(frame) == 3600
    assert DEMO_DATA.stat().st_size < 2_000_000
