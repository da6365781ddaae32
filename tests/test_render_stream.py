"""`monitor render` streams: each region renders while the next is computed, into a private
staging folder, and the wave is published only after the audit of every region passed.

These tests render the demo data (latest wave) with one worker and check what reaches the
output folder against :func:`monitor.reports.sections.wave_reports`, the same sections computed in
one go: a region that the secondary suppression rebuilds is published as rebuilt, and a wave
whose audit fails publishes nothing, although its first reports were rendered already.
"""

from __future__ import annotations

import json

import nbformat
import pytest

from monitor.privacy import disclosure, suppression
from monitor.privacy.findings import AuditResult, Recovery
from monitor.render.plan import output_names
from monitor.render.publish import AuditFailed, render
from monitor.reports.prepare import prepare
from monitor.reports.present import View
from monitor.reports.sidecar import report_json
from monitor.reports.wave import region_report, wave_reports

REGIONS_RENDERED = 2


@pytest.fixture(scope="module")
def prepared():
    return prepare(waves="latest")


def _one_more_hidden(chosen, real):
    """The secondary suppression as if one more cell of the second region were hidden first: that
    cell (every copy) and whatever else then has to go, so that the region is built twice."""
    def suppress(all_cells, structure=None, **kwargs):
        region = sorted({c["group"].get("region") for c in all_cells if c["group"].get("region")})[1]
        cell = next(c for c in all_cells if c["group"].get("region") == region and not c.get("hidden")
                    and c["measure"] == "trust_index" and "organisation_type" in c["group"])
        copies = {c["id"] for c in all_cells if c["group"] == cell["group"] and c["measure"] == cell["measure"]}
        chosen.append(cell)
        marked = [dict(c, hidden=True, mean=None) if c["id"] in copies else c for c in all_cells]
        return set(real(marked, structure=structure, **kwargs)) | copies
    return suppress


def test_a_region_rebuilt_by_the_secondary_suppression_is_published_as_rebuilt(tmp_path, prepared, monkeypatch):
    chosen: list = []
    monkeypatch.setattr(suppression, "secondary_suppression", _one_more_hidden(chosen, suppression.secondary_suppression))
    regions = prepared.regions[:REGIONS_RENDERED]
    results = render(regions=regions, jobs=1, out_dir=tmp_path, include=("regions",), progress=False, formats="html")
    assert [r.status for r in results] == ["ok"] * REGIONS_RENDERED, [r.error for r in results]
    expected = wave_reports(prepared, regions=regions)  # with the same extra cell hidden
    names = output_names(prepared.regions)
    folder = results.folder
    for region in regions:
        published = json.loads((folder / f"{names[region]}.json").read_text(encoding="utf-8"))
        assert published == json.loads(json.dumps(report_json(expected[region]), ensure_ascii=False))
    hidden = chosen[0]
    rebuilt = json.loads((folder / f"{names[hidden['group']['region']]}.json").read_text(encoding="utf-8"))
    copy = next(c for c in rebuilt["cells"] if c["group"] == hidden["group"] and c["measure"] == hidden["measure"])
    assert copy["hidden"] and copy.get("mean") is None, "the published report is the rebuilt one"
    # The report too is the rebuilt one, not the first build (which the worker may have rendered).
    region = hidden["group"]["region"]
    first = region_report(prepared.region(region))
    shown = {kind: {s.key: View(rep, "nl").section_html(s) for s in rep.sections} for kind, rep in
             (("first", first), ("rebuilt", expected[region]))}
    changed = [key for key in shown["first"] if shown["first"][key] != shown["rebuilt"][key]]
    assert changed, "the extra hidden cell changes what the report shows"
    notebook = nbformat.read(folder / f"{names[region]}.ipynb", as_version=4)
    page = "".join("".join(o.get("data", {}).get("text/html", "")) for c in notebook.cells for o in c.get("outputs", []))
    assert all(shown["rebuilt"][key] in page for key in changed)
    assert not any(shown["first"][key] in page for key in changed)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{names[r]}.{kind}" for r in regions for kind in ("html", "ipynb", "json")]
        + ["index.html", "status.json", ".status.lock"])


def test_a_wave_that_fails_its_audit_publishes_nothing(tmp_path, prepared, monkeypatch):
    import os
    import tempfile
    from pathlib import Path

    real_audit = disclosure.audit

    def failing(sidecars, **kwargs):
        found = real_audit(sidecars, **kwargs)
        return AuditResult(found.cells_checked, found.hidden_cells,
                           [Recovery(ids=("x",), group={"region": "R"}, measure=None, what="n", value=1.0, low=1.0,
                                     high=1.0, n=1, used=(("y", 1.0),))])

    monkeypatch.setattr(disclosure, "audit", failing)
    with pytest.raises(AuditFailed, match="nothing was published"):
        render(regions=prepared.regions[:REGIONS_RENDERED], jobs=1, out_dir=tmp_path, include=("regions",),
               progress=False, formats="html")
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [], "no report and no index"
    assert list(Path(tempfile.gettempdir()).glob(f"monitor-render-{os.getpid()}-*")) == [], "the staged reports are gone"


def test_publishing_across_file_systems_copies_whole_files(tmp_path, monkeypatch):
    """The staging folder (in the system's temporary folder) and the output folder may be on two
    file systems, where a rename fails with EXDEV: the file is then copied, written whole."""
    import errno
    import os

    from monitor.render import publish as render_module

    staged, out = tmp_path / "stage", tmp_path / "out"
    staged.mkdir()
    out.mkdir()
    (staged / "r.html").write_bytes(b"<p>rapport</p>")
    (out / "r.html").write_bytes(b"<p>vorige</p>")
    real = os.replace

    def across(source, target):
        if str(source).startswith(str(staged)):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real(source, target)

    monkeypatch.setattr(render_module.os, "replace", across)
    render_module._move(staged / "r.html", out / "r.html")
    assert (out / "r.html").read_bytes() == b"<p>rapport</p>"
    assert sorted(p.name for p in out.iterdir()) == ["r.html"], "no temporary file is left"

    def full(source, target):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(render_module.os, "replace", full)
    with pytest.raises(OSError, match="No space"):
        render_module._move(staged / "r.html", out / "r.html")


def test_a_report_that_cannot_be_published_is_failed_and_the_others_are_published(tmp_path, monkeypatch):
    from monitor.render import publish as render_module
    from monitor.render.jobs import Result

    staged, out = tmp_path / "stage", tmp_path / "out"
    staged.mkdir()
    out.mkdir()
    for name in ("a", "b"):
        (staged / f"{name}.html").write_text(name)
    feed = render_module._WaveFeed.__new__(render_module._WaveFeed)
    feed.out, feed.staged_in, feed.sidecars = out, {"a": staged, "b": staged}, {}

    def move(source, target):
        if source.name == "a.html":
            raise OSError(28, "No space left on device")
        source.replace(target)

    monkeypatch.setattr(render_module, "_move", move)
    results = [Result(n, n, "validity", True, 1.0, outputs={"html": f"{n}.html"}) for n in ("a", "b")]
    feed.publish(results)
    assert (results[0].status, results[0].outputs) == ("failed", {})
    assert results[0].error == f"cannot publish {out / 'a.html'}: disk full"
    assert results[1].ok and (out / "b.html").read_text() == "b"


def test_a_signal_mid_render_stops_every_process_and_publishes_only_whole_audited_reports(tmp_path):
    """SIGTERM to `monitor render` while its reports render: exit 143, every worker, kernel and
    child gone, the private work folder removed, and in the output folder only reports that
    finished after the wave's audit, each with all its files (none at all if the signal came first)."""
    import glob
    import os
    import signal
    import subprocess
    import sys
    import tempfile
    import time

    psutil = pytest.importorskip("psutil")
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "monitor", "render", "--only", "regions", "--jobs", "2",
                                "--out", str(out), "--quiet"], stderr=subprocess.PIPE, text=True)
    seen: set = set()
    staged = os.path.join(tempfile.gettempdir(), f"monitor-render-{process.pid}-*", "stage-1", "*.html")
    deadline = time.monotonic() + 240
    while not glob.glob(staged):
        assert process.poll() is None, process.stderr.read()
        assert time.monotonic() < deadline, "no report was rendered"
        seen |= {p for p in psutil.Process(process.pid).children(recursive=True)}
        time.sleep(0.05)
    seen |= set(psutil.Process(process.pid).children(recursive=True))
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 143, err
    gone, alive = psutil.wait_procs(list(seen), timeout=10)
    assert alive == [], [(p.pid, p.cmdline()) for p in alive]
    assert glob.glob(os.path.join(tempfile.gettempdir(), f"monitor-render-{process.pid}-*")) == []
    folder = next(out.iterdir())
    statuses = {r["name"]: r for r in json.loads((folder / "status.json").read_text(encoding="utf-8"))}
    published = {p.name for p in folder.iterdir() if p.suffix in (".html", ".pdf", ".ipynb", ".json")} - {
        "index.html", "status.json"}
    finished = {name for name, r in statuses.items() if r["status"] == "ok"}
    assert published == {f"{name}.{kind}" for name in finished for kind in ("html", "pdf", "ipynb", "json")}
    assert all(r["status"] in ("ok", "cancelled") for r in statuses.values()), statuses
    assert not [p for p in folder.iterdir() if p.name.startswith(".") and p.name != ".status.lock"]
