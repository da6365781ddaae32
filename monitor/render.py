"""Rendering every report of a wave with papermill, in parallel, with failures isolated.

``monitor render`` (and ``make reports``) runs the validity notebook, the thesis notebook
(when present) and one region report per region. The data are loaded, validated and scored
once; each region report then reads only its own rows and the all-regions aggregates (see
:func:`monitor.report.save_shared`). Each notebook runs in its own worker process (papermill's
``cwd`` is not thread-safe), a kernel that fails to start is retried once, and a failing
notebook never stops the others. A worker keeps its kernel from one notebook to the next and
clears the namespace in between, so the kernel start and imports are paid once per worker,
not once per region. Outputs are written atomically:
``reports/<wave>/<name>.ipynb`` and a self-contained ``<name>.html`` without code, plus
``reports/<wave>/index.html`` linking every report with its status.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .config import KERNEL_NAME, NOTEBOOKS_DIR, REPORTS_DIR
from .execution import Job, Result, external_resources, render_one, run_jobs, to_html, warm_up
from .files import atomic_write

__all__ = ["Job", "Result", "plan_jobs", "render", "render_one", "run_jobs", "write_index", "to_html", "external_resources", "slug"]

NOTEBOOKS = {"validity": "validity.ipynb", "thesis": "collaboration_factors.ipynb", "region": "region_report.ipynb"}


def slug(text: str) -> str:
    """A file-name-safe form: ``Regio Noord-Veenstreek`` -> ``regio-noord-veenstreek``."""
    text = text.lower().replace("ö", "o").replace("ë", "e").replace("é", "e").replace("ï", "i")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def plan_jobs(shared: dict, work: Path, wave: int, regions: list[str] | None, include: tuple[str, ...],
              language: str, data_path: str | None, out: Path) -> list[Job]:
    """The notebooks to render for one wave; region reports get their prepared slice."""
    from .report import save_shared

    jobs = []
    if "validity" in include and (NOTEBOOKS_DIR / NOTEBOOKS["validity"]).exists():
        jobs.append(Job("validity", NOTEBOOKS_DIR / NOTEBOOKS["validity"],
                        {"data_path": data_path, "wave": wave, "output_dir": str(out / "validity_tables")}, "validity",
                        "Questionnaire validity"))
    modules = shared["frame"].attrs.get("modules", [])
    if "thesis" in include and (NOTEBOOKS_DIR / NOTEBOOKS["thesis"]).exists() and "samenwerking" in modules:
        jobs.append(Job("collaboration_factors", NOTEBOOKS_DIR / NOTEBOOKS["thesis"],
                        {"data_path": data_path, "output_dir": str(out / "thesis_tables")}, "thesis",
                        "Collaboration factors"))
    if "regions" in include:
        paths = save_shared(shared, work)
        available = sorted(paths)
        chosen = regions or available
        unknown = [r for r in chosen if r not in paths]
        if unknown:
            raise ValueError(f"unknown region(s): {', '.join(unknown)}; the data hold: {', '.join(available)}")
        for region in chosen:
            frame = shared["frame"]
            if not ((frame["region"] == region) & (frame["wave"] == wave)).any():
                continue
            jobs.append(Job(slug(region), NOTEBOOKS_DIR / NOTEBOOKS["region"],
                            {"region": region, "wave": wave, "language": language,
                             "prepared_aggregates": str(work / "aggregates.pkl"),
                             "prepared_region": str(paths[region])}, "region", region))
    return jobs


def write_index(results: list[Result], out_dir: Path, wave: int) -> Path:
    """``index.html``: every report with its status, linking the HTML of those that rendered.

    Statuses are kept in ``status.json`` and merged across runs, so rendering one region
    does not drop the others from the index; a report that failed now but rendered before
    is listed as failed, with its previous HTML still linked.
    """
    import json

    status_path = out_dir / "status.json"
    known = {}
    if status_path.exists():
        try:
            known = {r["name"]: Result(**r) for r in json.loads(status_path.read_text(encoding="utf-8"))}
        except (ValueError, TypeError):
            known = {}
    for r in results:
        if not r.ok and r.name in known and known[r.name].outputs:
            r.outputs = known[r.name].outputs
        known[r.name] = r
    results = list(known.values())
    atomic_write(status_path, json.dumps([r.__dict__ for r in results], indent=1, ensure_ascii=False))
    rows = []
    for r in sorted(results, key=lambda r: (r.kind != "validity", r.kind != "thesis", r.title)):
        link = (f'<a href="{html.escape(r.outputs["html"])}">{html.escape(r.title)}</a>' if r.outputs.get("html")
                else html.escape(r.title))
        status = "OK" if r.ok else f"mislukt / failed: {html.escape(r.error)}"
        rows.append(f"<tr><td>{link}</td><td>{r.kind}</td><td>{status}</td><td>{r.seconds:.1f} s</td></tr>")
    page = f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>Samenwerkingsmonitor {wave}</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:.3em 1em;text-align:left}}
tr:nth-child(even){{background:#f4f4f4}}</style></head>
<body><h1>Samenwerkingsmonitor — meting {wave}</h1>
<table><tr><th>Rapport / report</th><th>Soort / kind</th><th>Status</th><th>Tijd / time</th></tr>
{''.join(rows)}
</table></body></html>
"""
    path = out_dir / "index.html"
    atomic_write(path, page)
    return path


def render(data_path: str | None = None, wave: int | None = None, regions: list[str] | None = None,
           jobs: int | None = None, out_dir: Path | None = None, timeout: int = 600, language: str = "nl",
           include: tuple[str, ...] = ("validity", "thesis", "regions"), progress: bool = True) -> list[Result]:
    """Render the reports of one wave (default: the latest) in parallel; returns one result each."""
    from .report import prepare_shared

    workers = max(1, jobs or os.cpu_count() or 1)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        # Kernels start and import in the workers while this process loads and prepares the data.
        warming = [pool.submit(warm_up, KERNEL_NAME, str(NOTEBOOKS_DIR)) for _ in range(workers)]
        shared = prepare_shared(data_path, waves="latest" if wave is None else [int(wave)])
        waves = sorted(int(w) for w in shared["frame"]["wave"].dropna().unique())
        wave = waves[-1] if wave is None else int(wave)
        if wave not in waves:
            raise ValueError(f"wave {wave} is not in the data; it holds {', '.join(map(str, waves))}")
        out = Path(out_dir or REPORTS_DIR) / str(wave)
        out.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".render-", dir=out))
        try:
            planned = plan_jobs(shared, work, wave, regions, include, language,
                                str(Path(data_path).resolve()) if data_path else None, out)
            for future in warming:
                future.exception()  # a kernel that failed to warm up is started again by its first job
            results = run_jobs(planned, out, jobs=workers, timeout=timeout, progress=progress, label=f"wave {wave}",
                               pool=pool)
            write_index(results, out, wave)
            return results
        finally:
            shutil.rmtree(work, ignore_errors=True)
