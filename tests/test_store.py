"""The wave store (monitor.survey.store, ``monitor waves``): one export per year, read as one."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow.parquet as pq
import pytest

from monitor.cli import main
from monitor.core.config import DEMO_DATA
from monitor.survey import store as store_module
from monitor.survey.responses import read_responses, summarise_responses
from monitor.survey.store import instrument_columns, list_waves, read_store

YEARS = (2024, 2025, 2026)


@pytest.fixture(scope="module")
def demo_text():
    return pd.read_csv(DEMO_DATA, dtype=str, keep_default_na=False)


@pytest.fixture
def exports(tmp_path, demo_text):
    """The demo data as one export per wave, as an adviser gets them from a survey platform."""
    paths = {}
    for year, rows in demo_text.groupby("wave"):
        paths[int(year)] = tmp_path / f"export-{year}.csv"
        rows.to_csv(paths[int(year)], index=False)
    return paths


def waves(*args, store) -> int:
    return main(["waves", *map(str, args), "--store", str(store)])


@pytest.fixture
def full_store(tmp_path, exports):
    store = tmp_path / "store"
    for year in YEARS:
        assert waves("add", exports[year], store=store) == 0
    return store


def test_three_waves_are_added_and_listed(full_store, exports, capsys):
    capsys.readouterr()
    assert waves("list", store=full_store) == 0
    table = capsys.readouterr().out
    for year in YEARS:
        assert f"export-{year}.csv" in table and str(year) in table
    manifest = json.loads((full_store / "manifest.json").read_text())
    assert [w["wave"] for w in manifest["waves"]] == list(YEARS)
    first = manifest["waves"][0]
    assert first["rows_read"] == first["rows_kept"] == 1200
    assert first["source_sha256"] == read_responses(exports[2024]).sha256
    assert first["instrument_version"] and len(first["instrument_sha256"]) == 64
    assert first["added"].endswith("+00:00")


def test_check_and_score_read_the_store_as_the_demo_file(full_store, tmp_path, instrument, capsys):
    stored = read_store(full_store, instrument)
    demo = read_responses(DEMO_DATA, instrument)
    assert summarise_responses(stored) == summarise_responses(demo)
    pd.testing.assert_frame_equal(stored.frame.drop(columns="respondent_id"), demo.frame.drop(columns="respondent_id"))
    capsys.readouterr()
    assert main(["check", "--store", str(full_store)]) == 0
    from_store = capsys.readouterr().out.splitlines()
    assert main(["check", str(DEMO_DATA)]) == 0
    from_file = capsys.readouterr().out.splitlines()
    assert from_store[0] == f"{full_store}: OK" and from_store[1:] == from_file[1:]
    for name, source in (("store.csv", ["--store", str(full_store)]), ("file.csv", [str(DEMO_DATA)])):
        assert main(["score", *source, "--by", "region,wave", "--out", str(tmp_path / name)]) == 0
    assert (tmp_path / "store.csv").read_text() == (tmp_path / "file.csv").read_text()
    assert main(["check", str(DEMO_DATA), "--store", str(full_store)]) == 2


def test_a_stored_wave_is_replaced_only_when_asked_and_the_change_is_told(full_store, demo_text, tmp_path, capsys):
    rows = demo_text[demo_text["wave"] == "2026"].copy()
    column = rows.columns.get_loc("nw1")
    for i in (0, 1):
        rows.iloc[i, column] = "1" if rows.iloc[i, column] != "1" else "2"
    new_row = rows.iloc[[10]].assign(respondent_id="RNEWONE1")
    corrected = pd.concat([rows.iloc[:-3], new_row])  # 2 changed, 3 removed, 1 added
    export = tmp_path / "export-2026-corrected.csv"
    corrected.to_csv(export, index=False)
    before = (full_store / "manifest.json").read_text()
    capsys.readouterr()

    assert waves("add", export, store=full_store) == 2
    refused = capsys.readouterr().err
    assert "wave 2026 is already in" in refused and "add --replace" in refused
    assert (full_store / "manifest.json").read_text() == before

    assert waves("add", export, "--replace", store=full_store) == 0
    said = capsys.readouterr().err
    assert "wave 2026 replaced: 1 row added, 3 removed, 2 changed, 1,195 unchanged" in said
    assert [w.rows_kept for w in list_waves(full_store)] == [1200, 1200, 1198]
    assert len(list((full_store / "waves").iterdir())) == 3  # the replaced file is gone


def test_a_wave_is_removed(full_store, capsys):
    assert waves("remove", 2025, store=full_store) == 0
    assert [w.wave for w in list_waves(full_store)] == [2024, 2026]
    assert len(list((full_store / "waves").iterdir())) == 2
    capsys.readouterr()
    assert waves("remove", 2025, store=full_store) == 2
    assert "wave 2025 is not in" in capsys.readouterr().err


def test_an_export_of_several_years_is_refused(tmp_path, capsys):
    assert waves("add", DEMO_DATA, store=tmp_path / "store") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "holds waves 2024, 2025, 2026" in err
    assert not (tmp_path / "store" / "manifest.json").exists()


def test_the_wave_comes_from_wave_when_the_export_has_none(tmp_path, exports, capsys):
    export = tmp_path / "no-wave.csv"
    pd.read_csv(exports[2025], dtype=str, keep_default_na=False).drop(columns="wave").to_csv(export, index=False)
    capsys.readouterr()
    assert waves("add", export, store=tmp_path / "store") == 2
    assert "wave" in capsys.readouterr().err  # read_responses: missing required column wave
    assert waves("add", export, "--wave", 2025, store=tmp_path / "store") == 0
    assert [w.wave for w in list_waves(tmp_path / "store")] == [2025]
    assert waves("add", exports[2024], "--wave", 2025, store=tmp_path / "store") == 2
    assert "says 2024, not --wave 2025" in capsys.readouterr().err


def test_the_store_holds_only_instrument_columns_and_no_platform_ids(tmp_path, exports, instrument):
    rows = pd.read_csv(exports[2024], dtype=str, keep_default_na=False)
    rows["IPAddress"] = "203.0.113.77"
    rows["RecipientEmail"] = "piet.jansen@example.nl"
    rows["LocationLatitude"] = "52.0907"
    export = tmp_path / "with-platform-columns.csv"
    rows.to_csv(export, index=False)
    store = tmp_path / "store"
    assert waves("add", export, store=store) == 0
    (wave_file,) = (store / "waves").iterdir()
    stored = pq.read_table(wave_file).to_pandas()
    assert set(stored.columns) <= set(instrument_columns(instrument))
    data = wave_file.read_bytes()
    for secret in ("203.0.113.77", "piet.jansen", "52.0907", rows["respondent_id"].iloc[0]):
        assert secret.encode() not in data
    assert not set(rows["respondent_id"]) & set(stored["respondent_id"])  # pseudonyms, not the platform's ids
    again = store_module.stored_frame(read_responses(export, instrument), instrument, 2024,
                                      bytes.fromhex((store / "pseudonym.key").read_text().strip()))
    assert list(again["respondent_id"]) == list(stored["respondent_id"])  # stable: the key to compare a re-add


@pytest.mark.parametrize("failing", ["wave file", "manifest"])
def test_a_failed_replacement_leaves_the_old_wave(full_store, exports, instrument, monkeypatch, failing):
    before = read_store(full_store, instrument)
    manifest = (full_store / "manifest.json").read_bytes()
    files = sorted(p.name for p in (full_store / "waves").iterdir())

    if failing == "wave file":
        def half_written(frame, path, **kwargs):
            with open(path, "wb") as handle:
                handle.write(b"PAR1 half a wave")
            raise OSError(28, "No space left on device")
        monkeypatch.setattr(pd.DataFrame, "to_parquet", half_written)
    else:
        def no_manifest(path, data, **kwargs):
            raise OSError(28, "No space left on device")
        monkeypatch.setattr(store_module, "atomic_write", no_manifest)

    responses = read_responses(exports[2026], instrument)
    with pytest.raises(OSError):
        store_module.add_wave(responses, instrument, full_store, replace=True)
    assert (full_store / "manifest.json").read_bytes() == manifest
    assert sorted(p.name for p in (full_store / "waves").iterdir()) == files  # no temporary or half file left
    after = read_store(full_store, instrument)
    assert after.sha256 == before.sha256
    pd.testing.assert_frame_equal(after.frame, before.frame)


def test_a_damaged_wave_file_is_refused(full_store, instrument):
    wave_file = sorted((full_store / "waves").iterdir())[0]
    wave_file.write_bytes(wave_file.read_bytes()[:-10])
    with pytest.raises(store_module.StoreError, match="does not match its SHA-256"):
        read_store(full_store, instrument)


# -- render and the notebooks read the store (issue 20 item 1) --------------------------------
def _published(sidecar: dict, sha256: str) -> dict:
    """What a region report publishes, without ``meta`` (which names the data and its SHA-256) and
    the method note's fingerprint (checked to be ``sha256``'s first 16 characters)."""
    sections = json.loads(json.dumps(sidecar["sections"]))
    for section in sections:
        for sentence in section["sentences"]:
            if "sha" in sentence["values"]:
                assert sentence["values"].pop("sha") == sha256[:16]
    return {**{key: value for key, value in sidecar.items() if key != "meta"}, "sections": sections}


def test_prepare_reads_the_store_as_the_demo_file(full_store):
    from monitor.reports.prepare import prepare
    from monitor.reports.sidecar import report_json
    from monitor.reports.wave import wave_reports

    stored, demo = prepare(store=full_store, waves=[2026]), prepare(waves=[2026])
    assert stored.meta["source"] == "store" and stored.meta["seed"] is None
    assert stored.meta["sha256"] == store_module.file_sha256(full_store / "manifest.json")
    assert stored.waves == list(YEARS) and stored.regions == demo.regions
    from_store, from_file = wave_reports(stored, 2026), wave_reports(demo, 2026)
    assert sorted(from_store) == sorted(from_file)
    for region in from_file:
        assert (_published(report_json(from_store[region]), stored.meta["sha256"])
                == _published(report_json(from_file[region]), demo.meta["sha256"])), region


def test_the_analyses_read_the_store_as_the_demo_file(full_store):
    from monitor.analyses.thesis import load_thesis_data
    from monitor.analyses.validity import load_validity_data

    stored, demo = load_validity_data(store=full_store), load_validity_data()
    assert stored.wave == demo.wave == 2026
    pd.testing.assert_frame_equal(stored.items, demo.items)
    thesis_stored, thesis_demo = load_thesis_data(store=full_store), load_thesis_data()
    pd.testing.assert_frame_equal(thesis_stored.scores.drop(columns="respondent_id"),
                                  thesis_demo.scores.drop(columns="respondent_id"))
    with pytest.raises(ValueError, match="one of the two"):
        load_validity_data(DEMO_DATA, store=full_store)


def test_render_takes_a_store_or_a_data_file(full_store, tmp_path, capsys):
    base = ["render", "--only", "regions", "--format", "html", "--out", str(tmp_path / "out"), "--quiet"]
    with pytest.raises(SystemExit) as exit_:  # argparse: not allowed with argument --data
        main([*base, "--data", str(DEMO_DATA), "--store", str(full_store)])
    assert exit_.value.code == 2
    assert main([*base, "--store", str(full_store), "--mapping", str(tmp_path / "m.yaml")]) == 2
    assert "store's waves are mapped already" in capsys.readouterr().err
    assert main([*base, "--store", str(tmp_path / "nowhere")]) == 2
    assert "no such folder" in capsys.readouterr().err


@pytest.mark.slow
def test_render_of_the_store_equals_a_render_of_the_demo_file(full_store, tmp_path):
    """Three demo waves in a store render, for wave 2026, the same trust index, theme means and
    trends per region as the demo file (every section and cell of each sidecar)."""
    renders = {}
    for name, source in (("store", ["--store", str(full_store)]), ("file", ["--data", str(DEMO_DATA)])):
        out = tmp_path / name
        assert main(["render", *source, "--wave", "2026", "--only", "regions", "--format", "html",
                     "--out", str(out), "--quiet"]) == 0
        renders[name] = {p.name: json.loads(p.read_text()) for p in (out / "2026").glob("*.json")
                         if p.name != "status.json"}
    assert len(renders["file"]) == 6 and sorted(renders["store"]) == sorted(renders["file"])
    manifest = store_module.file_sha256(full_store / "manifest.json")
    for name, sidecar in renders["file"].items():
        stored = renders["store"][name]
        assert stored["waves"] == list(YEARS) and stored["meta"]["source"] == "store"
        assert stored["meta"]["sha256"] == manifest
        assert _published(stored, manifest)["sections"] == _published(sidecar, sidecar["meta"]["sha256"])["sections"]
        assert stored["cells"] == sidecar["cells"], name
    notebook = next((tmp_path / "store" / "2026").glob("*.ipynb")).read_text()
    assert "store = \\\"store\\\"" in notebook and str(full_store) not in notebook  # the folder's name only
