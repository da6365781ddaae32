"""Executing notebooks in worker processes that keep one Jupyter kernel each.

:func:`run_jobs` renders a list of :class:`Job` in a process pool, ``jobs`` at a time, with a
progress bar; a failing notebook is one failed :class:`Result` and never stops the others.
A worker keeps its kernel from one notebook to the next and clears the namespace in between
(``%reset -f``), so the kernel start and imports are paid once per worker. Each executed
notebook is written as ``<name>.ipynb`` with a self-contained ``<name>.html`` (no code,
images embedded, nothing loaded from the network), both through :func:`monitor.files.atomic_write`.
"""

from __future__ import annotations

import os
import re
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from .config import KERNEL_NAME
from .files import atomic_write

__all__ = ["Job", "Result", "render_one", "run_jobs", "warm_up", "to_html", "external_resources"]

TEMPLATES = Path(__file__).parent / "templates"
RETRY_ON = ("Kernel didn't respond", "Kernel died", "kernel died", "Address already in use", "DeadKernelError")


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
        atomic_write(out_dir / f"{job.name}.html", page)
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


def warm_up(kernel: str, cwd: str) -> None:
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
