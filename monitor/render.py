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
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from .config import KERNEL_NAME, NOTEBOOKS_DIR, REPORTS_DIR

__all__ = ["Job", "Result", "plan_jobs", "render", "render_one", "run_jobs", "write_index", "to_html", "external_resources", "slug"]

TEMPLATES = Path(__file__).parent / "templates"
RETRY_ON = ("Kernel didn't respond", "Kernel died", "kernel died", "Address already in use", "DeadKernelError")
NOTEBOOKS = {"validity": "validity.ipynb", "thesis": "collaboration_factors.ipynb", "region": "region_report.ipynb"}


@dataclass
class Job:
    """One notebook to render: where from, where to, with which parameters."""

    name: str
    notebook: Path
    parameters: dict
    kind: str
    title: str


@dataclass
class Result:
    name: str
    title: str
    kind: str
    ok: bool
    seconds: float
    error: str = ""
    outputs: dict = field(default_factory=dict)


def slug(text: str) -> str:
    """A file-name-safe form: ``Regio Noord-Veenstreek`` -> ``regio-noord-veenstreek``."""
    text = text.lower().replace("ö", "o").replace("ë", "e").replace("é", "e").replace("ï", "i")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def external_resources(page: str) -> list[str]:
    """Addresses of scripts, style sheets, images or frames an HTML page would fetch."""
    tags = re.findall(r"<(?:script|link|img|iframe|source)\b[^>]*?(?:src|href)\s*=\s*[\"']([^\"']+)[\"']", page,
                      flags=re.IGNORECASE)
    imports = re.findall(r"import\s*\(?\s*[\"'](https?://[^\"']+)", page)
    return [u for u in tags + imports if re.match(r"(?:https?:)?//", u)]


def to_html(notebook_path: Path) -> str:
    """The executed notebook as one self-contained HTML page: no code, images embedded."""
    import nbformat
    from nbconvert import HTMLExporter

    notebook = nbformat.read(notebook_path, as_version=4)
    exporter = HTMLExporter(extra_template_basedirs=[str(TEMPLATES)], template_name="offline")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    page, _resources = exporter.from_notebook_node(notebook)
    found = external_resources(page)
    if found:
        raise RuntimeError(f"HTML would load from the network: {found[:3]}")
    return page


def _write_atomic(path: Path, data: str | bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    if isinstance(data, bytes):
        tmp.write_bytes(data)
    else:
        tmp.write_text(data, encoding="utf-8")
    tmp.replace(path)


def _short_error(exc: BaseException) -> str:
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename:
        return f"{ename}: {evalue}"
    return f"{type(exc).__name__}: {exc}".strip().splitlines()[0] if str(exc) else type(exc).__name__


_WORKER = {}  # this worker process's kernel, reused from one report to the next


def _shutdown_worker_kernel() -> None:
    from jupyter_core.utils import run_sync

    km = _WORKER.pop("km", None)
    if km is not None:
        try:
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - the kernel may be gone already
            pass


def _worker_kernel(kernel: str, cwd: str):
    """This worker's kernel, started on first use and after a crash.

    Starting a kernel and importing the report's libraries costs about two seconds; a
    worker renders many reports, so it keeps one kernel and clears the user namespace
    (``%reset -f``) before each notebook: nothing of one region is left for the next.
    """
    from multiprocessing import util

    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    km = _WORKER.get("km")
    if km is not None and run_sync(km.is_alive)() and _WORKER.get("cwd") == cwd:
        return km
    _shutdown_worker_kernel()
    km = AsyncKernelManager(kernel_name=kernel)
    run_sync(km.start_kernel)(cwd=cwd)
    _WORKER.update(km=km, cwd=cwd)
    if not _WORKER.get("finalizer"):
        # Workers leave through os._exit, which skips atexit; multiprocessing's finalizers run.
        _WORKER["finalizer"] = util.Finalize(None, _shutdown_worker_kernel, exitpriority=10)
    return km


def _execute(job: Job, executed: Path, timeout: int, kernel: str) -> None:
    import nbformat
    from nbclient import NotebookClient
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    notebook = load_notebook_node(str(job.notebook))  # as papermill reads it: every cell has tags
    notebook = parameterize_notebook(notebook, job.parameters, kernel_name=kernel, language="python")
    notebook.cells.insert(0, nbformat.v4.new_code_cell("%reset -f"))
    km = _worker_kernel(kernel, str(job.notebook.parent))
    client = NotebookClient(notebook, km=km, timeout=timeout, kernel_name=kernel,
                            resources={"metadata": {"path": str(job.notebook.parent)}})
    try:
        client.execute()
    finally:
        notebook.cells.pop(0)
        if client.kc is not None:
            client.kc.stop_channels()
        nbformat.write(notebook, executed)


def render_one(job: Job, out_dir: Path, timeout: int = 600, kernel: str = KERNEL_NAME) -> Result:
    """Execute one notebook and write its .ipynb and .html atomically (run in a worker process).

    Parameters are injected as papermill does (a cell tagged ``injected-parameters`` after
    the ``parameters`` cell). A kernel that died or failed to start is replaced and the
    notebook retried once.
    """
    start = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    executed = out_dir / f".{job.name}.{os.getpid()}.running.ipynb"
    error = ""
    for attempt in (1, 2):
        try:
            _execute(job, executed, timeout, kernel)
            error = ""
            break
        except Exception as exc:  # noqa: BLE001 - every failure is reported, none may stop the others
            error = _short_error(exc)
            dead = type(exc).__name__ in ("DeadKernelError", "RuntimeError") or any(m in str(exc) for m in RETRY_ON)
            if dead:
                _shutdown_worker_kernel()
            if attempt == 1 and dead:
                continue
            break
    if error:
        if executed.exists():
            executed.replace(out_dir / f"{job.name}.failed.ipynb")
        return Result(job.name, job.title, job.kind, False, time.perf_counter() - start, error)
    try:
        page = to_html(executed)
        _write_atomic(out_dir / f"{job.name}.html", page)
        executed.replace(out_dir / f"{job.name}.ipynb")
        stale = out_dir / f"{job.name}.failed.ipynb"
        if stale.exists():
            stale.unlink()
    except Exception as exc:  # noqa: BLE001
        executed.unlink(missing_ok=True)
        return Result(job.name, job.title, job.kind, False, time.perf_counter() - start,
                      _short_error(exc) or traceback.format_exc(limit=1))
    return Result(job.name, job.title, job.kind, True, time.perf_counter() - start,
                  outputs={"ipynb": f"{job.name}.ipynb", "html": f"{job.name}.html"})


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
    _write_atomic(status_path, json.dumps([r.__dict__ for r in results], indent=1, ensure_ascii=False))
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
    _write_atomic(path, page)
    return path


def _warm_up(kernel: str, cwd: str) -> None:
    """Start this worker's kernel and import the report's libraries ahead of the first job."""
    import nbformat
    from nbclient import NotebookClient

    km = _worker_kernel(kernel, cwd)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\nfrom monitor import report, validity")]
    client = NotebookClient(notebook, km=km, timeout=120, kernel_name=kernel)
    try:
        client.execute()
    finally:
        if client.kc is not None:
            client.kc.stop_channels()


def run_jobs(planned: list[Job], out: Path, jobs: int | None = None, timeout: int = 600, progress: bool = True,
             label: str = "", pool: ProcessPoolExecutor | None = None) -> list[Result]:
    """Render jobs in worker processes, ``jobs`` at a time, with a progress bar; never raises
    for a failing notebook. An existing ``pool`` (whose kernels may be warm) can be passed."""
    from contextlib import nullcontext

    from tqdm import tqdm

    workers = max(1, min(jobs or os.cpu_count() or 1, len(planned) or 1))
    results = []
    with nullcontext(pool) if pool is not None else ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(render_one, job, out, timeout): job for job in planned}
        with tqdm(total=len(futures), desc=f"rendering {label}".strip(), unit="report", disable=not progress) as bar:
            for future in as_completed(futures):
                job = futures[future]
                try:
                    results.append(future.result())
                except Exception as exc:  # noqa: BLE001 - a crashed worker is one failed report
                    results.append(Result(job.name, job.title, job.kind, False, 0.0, _short_error(exc)))
                bar.update()
    return results


def render(data_path: str | None = None, wave: int | None = None, regions: list[str] | None = None,
           jobs: int | None = None, out_dir: Path | None = None, timeout: int = 600, language: str = "nl",
           include: tuple[str, ...] = ("validity", "thesis", "regions"), progress: bool = True) -> list[Result]:
    """Render the reports of one wave (default: the latest) in parallel; returns one result each."""
    from .report import prepare_shared

    workers = max(1, jobs or os.cpu_count() or 1)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        # Kernels start and import in the workers while this process loads and prepares the data.
        warming = [pool.submit(_warm_up, KERNEL_NAME, str(NOTEBOOKS_DIR)) for _ in range(workers)]
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
