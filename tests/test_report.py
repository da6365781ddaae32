"""Region reports end to end: privacy by construction, rendering, sidecars, atomic writes, offline HTML."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import nbformat
import pandas as pd
import papermill
import pytest

from monitor.core.config import NOTEBOOKS_DIR
from monitor.render.html import external_resources
from monitor.render.index import write_index
from monitor.render.jobs import Job
from monitor.render.plan import output_names, slug
from monitor.render.pool import run_jobs
from monitor.render.publish import render
from monitor.render.worker import render_one
from monitor.reports.prepare import prepare

from .notebook_files import one_cell_notebook

DOCUMENTED_PARAMETERS = ["data_path", "store", "data_sha256", "instrument_path", "mapping_path", "region", "wave", "language",
                         "min_group_size", "min_comment_group_size"]


@pytest.fixture(scope="module")
def shared():
    return prepare(waves="latest")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, shared):
    """Two regions rendered into a fresh folder (the demo data, latest wave) by one worker, so
    that one kernel renders both, one after the other: the second must hold nothing of the first."""
    out = tmp_path_factory.mktemp("reports")
    regions = shared.regions[:2]
    results = render(regions=regions, jobs=1, out_dir=out, include=("regions",), progress=False)
    return out / "2026", regions, results


def test_parameters_match_the_documented_ones():
    params = papermill.inspect_notebook(str(NOTEBOOKS_DIR / "region_report.ipynb"))
    assert list(params) == DOCUMENTED_PARAMETERS
    readme = (NOTEBOOKS_DIR.parent / "README.md").read_text()
    for name in DOCUMENTED_PARAMETERS:
        assert f"`{name}`" in readme


def test_two_regions_render_privately(rendered, shared):
    folder, regions, results = rendered
    assert all(r.ok for r in results), [r.error for r in results]
    frame = shared.frame
    ids = set(frame["respondent_id"])
    for region in regions:
        others = frame.loc[frame["region"] != region, "organisation"].unique()
        other_regions = [r for r in frame["region"].unique() if r != region]
        for suffix in ("ipynb", "html"):
            content = (folder / f"{slug(region)}.{suffix}").read_text(encoding="utf-8")
            assert region in content
            leaked = [o for o in others if o in content]
            assert not leaked, f"{region} {suffix} names other regions' organisations: {leaked[:3]}"
            assert not [r for r in other_regions if r in content]
            found = set(re.findall(r"R[A-Z2-9]{7}", content)) & ids
            assert not found, f"respondent ids in the {suffix}: {sorted(found)[:3]}"


def test_reports_show_no_errors_or_warnings(rendered):
    folder, regions, _ = rendered
    for region in regions:
        notebook = nbformat.read(folder / f"{slug(region)}.ipynb", as_version=4)
        streams = [o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") in ("stream", "error")]
        assert not [o for o in streams if o.get("name") == "stderr" or o.get("output_type") == "error"], streams[:1]


def test_html_has_no_code_every_image_embedded_and_nothing_remote(rendered):
    folder, regions, _ = rendered
    page = (folder / f"{slug(regions[0])}.html").read_text(encoding="utf-8")
    assert 'class="jp-InputArea' not in page and "report.load_report" not in page
    images = re.findall(r"<img[^>]*src=\"([^\"]+)\"", page)
    assert len(images) >= 4
    assert all(src.startswith(("data:image/svg+xml;base64,", "data:image/png;base64,")) for src in images)
    assert external_resources(page) == []
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{slug(r)}.html"' in index and f'href="{slug(r)}.pdf"' in index for r in regions)


def test_every_rendered_page_is_an_accessible_document(rendered):
    """Language, the report's title, alt text on every image, header cells in every table."""
    folder, regions, results = rendered
    for result in results:
        page = (folder / result.outputs["html"]).read_text(encoding="utf-8")
        assert '<html lang="nl">' in page
        title = re.search(r"<title>(.*?)</title>", page).group(1)
        assert title.startswith("Samenwerkingsmonitor ") and result.title in title and "Notebook" not in title
        assert "No description has been provided" not in page
        alts = re.findall(r"<img[^>]*?alt=\"([^\"]*)\"", page)
        assert len(alts) == page.count("<img") and all(len(a) > 40 for a in alts)
        tables = re.findall(r"<table.*?</table>", page, flags=re.S)
        assert tables and all('<th scope="col">' in t for t in tables)


def test_every_rendered_region_has_its_pdf(rendered):
    import pdfplumber

    folder, regions, results = rendered
    for result in results:
        assert result.outputs["pdf"] == f"{result.name}.pdf"
        with pdfplumber.open(folder / result.outputs["pdf"]) as pdf:
            assert pdf.pages[0].width == pytest.approx(595.3, abs=0.5)
            assert result.title in pdf.pages[0].extract_text()
            assert pdf.doc.catalog["Lang"] == b"nl"


def test_format_pdf_publishes_no_html(tmp_path, shared):
    results = render(regions=shared.regions[:1], jobs=1, out_dir=tmp_path, include=("regions",), progress=False,
                     formats="pdf")
    assert [r.ok for r in results] == [True] and set(results[0].outputs) == {"ipynb", "pdf", "json"}
    folder = tmp_path / "2026"
    assert [p.name for p in folder.glob("*.html")] == ["index.html"]
    assert (folder / results[0].outputs["pdf"]).read_bytes().startswith(b"%PDF-")


def test_html_opens_in_headless_chromium(rendered, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("Chromium is not installed (Debian package chromium)")
    folder, regions, _ = rendered
    shot = tmp_path / "page.png"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
                    f"--screenshot={shot}", "--window-size=1200,3000", (folder / f"{slug(regions[0])}.html").as_uri()],
                   check=True, capture_output=True, timeout=120)
    assert shot.stat().st_size > 20_000  # a rendered page with figures, not a blank one


def _job(name: str, notebook: Path, parameters: dict | None = None) -> Job:
    return Job(name, notebook, parameters or {}, "region", name)


def test_a_failing_report_does_not_stop_the_others(tmp_path):
    good = one_cell_notebook(tmp_path / "good.ipynb", "print('fine')")
    bad = one_cell_notebook(tmp_path / "bad.ipynb", "raise RuntimeError('region data broken')")
    results = run_jobs([_job("a", good), _job("b", bad), _job("c", good)], tmp_path / "out", jobs=2, progress=False)
    status = {r.name: r for r in results}
    assert status["a"].ok and status["c"].ok and not status["b"].ok
    assert "RuntimeError: region data broken" in status["b"].error
    assert (tmp_path / "out" / "a.html").exists() and not (tmp_path / "out" / "b.html").exists()
    write_index(results, tmp_path / "out", 2026)
    assert "region data broken" in (tmp_path / "out" / "index.html").read_text()


def test_writes_are_atomic_a_failed_rerender_keeps_the_good_report(tmp_path):
    out = tmp_path / "out"
    good = one_cell_notebook(tmp_path / "good.ipynb", "print('good report')")
    assert render_one(_job("x", good), out).ok
    before = (out / "x.html").read_bytes()
    bad = one_cell_notebook(tmp_path / "bad.ipynb", "raise ValueError('interrupted')")
    result = render_one(_job("x", bad), out)
    assert not result.ok
    assert (out / "x.html").read_bytes() == before
    assert "good report" in (out / "x.ipynb").read_text()
    assert (out / "x.failed.ipynb").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "no temporary files left behind"


def test_sidecars_rendered_ipynb_records_data_not_temporary_paths(rendered, shared):
    folder, regions, results = rendered
    for region in regions:
        name = slug(region)
        sidecar = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        assert sidecar["region"] == region and sidecar["wave"] == 2026
        assert sidecar["meta"]["sha256"] == shared.meta["sha256"]
        text = (folder / f"{name}.ipynb").read_text(encoding="utf-8")
        assert shared.meta["sha256"] in text
        assert "monitor-render-" not in text and ".pkl" not in text and "use_prepared" not in text
    assert not list(Path(tempfile.gettempdir()).glob("monitor-render-*")), "the private work folder is removed"
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{slug(r)}.json"' in index for r in regions)


@pytest.mark.slow
def test_a_rendered_notebook_reruns_with_papermill_as_it_is(rendered, tmp_path):
    folder, regions, _ = rendered
    source = folder / f"{slug(regions[0])}.ipynb"
    out = tmp_path / "again.ipynb"
    papermill.execute_notebook(str(source), str(out), kernel_name="samenwerkingsmonitor", progress_bar=False,
                               cwd=str(NOTEBOOKS_DIR))
    again = nbformat.read(out, as_version=4)
    html_outputs = [o["data"]["text/html"] for c in again.cells for o in c.get("outputs", []) if "text/html" in o.get(
        "data", {})]
    first = nbformat.read(source, as_version=4)
    before = [o["data"]["text/html"] for c in first.cells for o in c.get("outputs", []) if "text/html" in o.get(
        "data", {})]
    assert html_outputs == before  # the same report, computed from the data file alone


def test_a_changed_data_file_is_refused_on_rerun(tmp_path):
    from monitor.core.config import DEMO_DATA
    from monitor.reports.notebook import DataChanged, load_report

    copy = tmp_path / "responses.csv"
    shutil.copy(DEMO_DATA, copy)
    with pytest.raises(DataChanged, match="changed since the report was rendered"):
        load_report(copy, data_sha256="0" * 64)


def test_render_refuses_bad_arguments_before_loading(tmp_path):
    from .conftest import run_cli

    for args, message in ((("--region", "Regio Nergens"), "unknown region"),
                          (("--min-group-size", "1"), "at least 2"),
                          (("--data", tmp_path / "missing.csv"), "no such file")):
        result = run_cli("render", *args, "--out", tmp_path, "--only", "regions", "--quiet")
        assert result.returncode == 2 and message in result.stderr, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not list(tmp_path.glob("20*")), "nothing written for refused arguments"


def test_output_names_are_unique_and_safe():
    names = output_names(["Regio/Noord", "Regio Noord", "€€€", "Súdwest-Fryslân", "index"])
    assert len(set(names.values())) == 5
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9-]*", n) for n in names.values())
    assert names["Súdwest-Fryslân"] == "sudwest-fryslan" and names["index"] != "index"
    assert names["Regio/Noord"] != names["Regio Noord"] and names["Regio/Noord"].startswith("regio-noord-")


def test_render_plans_only_what_the_data_support(tmp_path, instrument):
    from monitor.core.config import DEMO_DATA
    from monitor.render.plan import plan_jobs
    from monitor.reports.wave import wave_reports

    frame = pd.read_csv(DEMO_DATA)
    path = tmp_path / "trust.csv"
    frame[instrument.background_ids + instrument.module("vertrouwen").item_ids].to_csv(path, index=False)
    prepared = prepare(path, waves="latest")
    reports = wave_reports(prepared, 2026)
    (tmp_path / "work").mkdir()
    jobs = plan_jobs(prepared, reports, output_names(prepared.regions), tmp_path / "work", 2026, None,
                     ("validity", "thesis", "regions"), "nl", str(path), tmp_path / "out")
    kinds = [job.kind for job in jobs]
    assert "thesis" not in kinds and kinds.count("region") == 6 and "validity" in kinds
    region_job = [j for j in jobs if j.kind == "region"][0]
    assert region_job.parameters["data_sha256"] == prepared.meta["sha256"]
    # The prepared report is handed over by an explicit call in the unsaved set-up cell, the PDF gets the view.
    assert "use_prepared(" in region_job.setup and str(tmp_path / "work") in region_job.setup
    assert region_job.finish.startswith("from monitor.reports.notebook import write_pdf") and "(view, " in region_job.finish
    validity_job = next(j for j in jobs if j.kind == "validity")
    # the monitor's validity report compares its two perspectives, in the render's language
    assert validity_job.parameters["invariance_group"] == "organisation_type"
    assert validity_job.parameters["language"] == "nl"


def test_the_region_notebook_defines_what_the_render_hands_over_to():
    """The render's unsaved cells call NOTEBOOK_ENTRY's use_prepared and write_pdf and typeset the
    notebook's VIEW_NAME: the template notebook must define that name with a View."""
    import importlib

    from monitor.core.config import NOTEBOOKS_DIR
    from monitor.render.plan import NOTEBOOK_ENTRY, NOTEBOOKS, VIEW_NAME

    entry = importlib.import_module(NOTEBOOK_ENTRY)
    assert callable(entry.use_prepared) and callable(entry.write_pdf)
    cells = json.loads((NOTEBOOKS_DIR / NOTEBOOKS["region"]).read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert re.search(rf"^{VIEW_NAME} = report\.View\(", code, re.M)
