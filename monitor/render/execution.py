"""Executing notebooks in worker processes that keep one Jupyter kernel each.

:class:`WorkerPool` owns a few worker processes; each keeps one Jupyter kernel from one
notebook to the next and clears the namespace in between (``%reset -f``), so the kernel
start and imports are paid once per worker. :meth:`WorkerPool.run` (or :func:`run_jobs`)
renders a list of :class:`Job`, one at a time per worker, with a progress bar; a failing
notebook is one failed :class:`Result` and never stops the others. Each executed notebook is
written as ``<name>.ipynb`` with a self-contained ``<name>.html`` (no code, images embedded,
nothing loaded from the network), both through :func:`monitor.core.files.atomic_writer`.

Process lifetime
    Nothing the pool starts outlives it. The parent handles SIGINT, SIGTERM and SIGHUP while
    the pool is open: queued jobs are cancelled, running notebooks are stopped (their kernels
    killed), every worker and kernel is gone within a few seconds and :class:`Interrupted` is
    raised with the results so far. Workers ask the Linux kernel for SIGTERM when their parent
    dies (``prctl(PR_SET_PDEATHSIG)``) and poll ``os.getppid()`` as a fallback; kernels are
    started through a tiny launcher that asks for SIGKILL when their worker dies, and ipykernel
    itself polls its parent too. So even ``kill -9`` of the parent leaves nothing running.
    A worker removes its kernel's files and its half-written outputs before it exits.

Kernels
    Kernels talk to their worker over ZeroMQ ``ipc`` sockets (Unix domain sockets) in a private
    ``0700`` folder, never over TCP: ipykernel warns "Kernel is running over TCP without
    encryption" for every TCP kernel, and rightly so, because any local user could connect to
    its ports. The kernels' own output (log lines, ZeroMQ noise) goes to a log file in that
    folder; a kernel that dies has the last lines of its log quoted in the report's error.
    A cell that times out, or a kernel that died, has its kernel killed and replaced at once:
    a busy kernel is never waited on. A report whose kernel died is retried once.

Leftovers
    Temporary files are named uniquely by :func:`monitor.core.files.atomic_writer` and removed on
    every exit path, including a signal; :func:`clean_leftovers` removes those of earlier runs
    that were killed outright (``kill -9``, power loss).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..core.config import KERNEL_NAME, NOTEBOOKS_DIR
from .html import _page, external_resources, to_html
from ..core.files import atomic_writer, describe_os_error

__all__ = ["Job", "Result", "WorkerPool", "Interrupted", "clean_leftovers", "claim", "render_one", "run_jobs",
           "warm_up", "to_html", "external_resources", "WARM_UP_CODE", "SIGNALS"]

RETRY_ON = ("Kernel didn't respond", "Kernel died", "kernel died", "Address already in use", "DeadKernelError")

#: Imports run in each new kernel ahead of the first notebook: what a region report uses (no
#: pandas or SciPy: its sections arrive computed; the validity and thesis notebooks import their
#: own libraries, once per kernel). Then what they import is frozen out of the garbage
#: collector's sight (``gc.freeze``): a module lives as long as the kernel, and each full
#: collection (``%reset`` makes two per report) would otherwise walk all of matplotlib again.
WARM_UP_CODE = ("import matplotlib.pyplot as plt\nimport matplotlib_inline.backend_inline\n"
                "from monitor.reports import notebook, pdf, present, sections\nfrom monitor.stats import plotting\nimport gc\ngc.collect()\ngc.freeze()")
#: Signals that cancel a run while a :class:`WorkerPool` is open.
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

_PR_SET_PDEATHSIG = 1
_STOP_GRACE = 3.0  # seconds a worker gets to clean up after SIGTERM before it is killed
_MAX_SOCKET_PATH = 96  # sockaddr_un holds 108 bytes; the kernel adds "-<port>" and the folder a few names


@dataclass
class Job:
    """One notebook to render: where from, where to, with which parameters.

    ``setup`` is Python code run in the kernel after ``%reset -f`` and before the notebook's
    first cell; like the reset, it is not kept in the saved notebook (use it to hand prepared
    data to the notebook without writing temporary paths into the report). ``finish`` is
    code run after the last cell, not kept either; ``products`` maps an output kind
    (``"pdf"``) to the file ``finish`` writes, published as ``<name>.<kind>`` beside the
    HTML. ``html`` ``False`` publishes no HTML page (``monitor render --format pdf``).
    ``out`` is the folder for this job's files (default: the run's). ``ahead``: a job fed during
    a run (:meth:`WorkerPool.run`) goes ahead of those still waiting (a long notebook fed late,
    so that it does not run alone at the end).
    """

    name: str
    notebook: Path
    parameters: dict
    kind: str
    title: str
    setup: str = ""
    finish: str = ""
    products: dict = field(default_factory=dict)
    html: bool = True
    out: str | None = None
    ahead: bool = False


@dataclass
class Result:
    """The outcome of one :class:`Job`.

    ``status`` is ``"ok"``, ``"failed"`` or ``"cancelled"`` (queued or running when a signal
    ended the run); ``ok`` is ``status == "ok"``, kept for older callers and ``status.json``.
    """

    name: str
    title: str
    kind: str
    ok: bool
    seconds: float
    error: str = ""
    outputs: dict = field(default_factory=dict)
    status: str = ""
    summary: dict = field(default_factory=dict)  # what the index shows besides the files (a region's n, index)

    def __post_init__(self):
        if not self.status:
            self.status = "ok" if self.ok else "failed"


class Interrupted(KeyboardInterrupt):
    """A signal ended the run; raised after every worker and kernel is gone.

    A subclass of :class:`KeyboardInterrupt`, so code that already treats Ctrl-C as "stop now"
    treats SIGTERM and SIGHUP the same way, and ``except Exception`` does not swallow it.

    Attributes
    ----------
    signum : int
        The signal that was received first.
    results : list of Result
        One per planned job, in planned order: finished ones as they ended, the rest
        ``status="cancelled"``. Empty when the signal came before :meth:`WorkerPool.run`.
    exit_code : int
        ``128 + signum``: 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP.
    """

    def __init__(self, signum: int, results: list[Result] | None = None):
        super().__init__(signum)
        self.signum = int(signum)
        self.results = list(results or [])

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    def __str__(self) -> str:
        return f"interrupted by {signal.Signals(self.signum).name}"


def _short_error(exc: BaseException) -> str:
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename:
        return f"{ename}: {evalue}"
    return f"{type(exc).__name__}: {exc}".strip().splitlines()[0] if str(exc) else type(exc).__name__


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _set_parent_death_signal(signum: int) -> bool:
    """Ask Linux to send ``signum`` to this process when its parent (thread) ends."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signum), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


# -- leftovers of earlier runs ---------------------------------------------------------------------
_RUNNING = re.compile(r"^\..+\.(\d+)\.running\.ipynb$")


@contextlib.contextmanager
def claim(out_dir: str | os.PathLike):
    """Mark ``out_dir`` as in use by this run while the block runs (a shared ``flock`` on the folder).

    :func:`clean_leftovers` in another process leaves temporary files alone while any run holds
    a claim. No file is created: the lock is on the folder itself and ends with the process.
    """
    fd = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


def clean_leftovers(out_dir: str | os.PathLike) -> list[Path]:
    """Remove temporary files that crashed earlier runs left in ``out_dir``; return what was removed.

    * ``.<name>.<pid>.running.ipynb`` (executed notebooks of earlier versions) whose process
      ``pid`` is gone;
    * ``.*.tmp`` (half-written files of :func:`monitor.core.files.atomic_writer`, in ``out_dir`` and
      its subfolders), but only when no live run holds a :func:`claim` on ``out_dir``: these
      names carry no process id, so "no run is writing here now" is what makes them stale.

    Call it before :func:`claim` (or :meth:`WorkerPool.run`) in the same run: a run's own claim
    keeps the ``.tmp`` files too.
    """
    out_dir = Path(out_dir)
    removed = []
    if not out_dir.is_dir():
        return removed
    for path in out_dir.glob(".*.running.ipynb"):
        match = _RUNNING.match(path.name)
        if match and not _alive(int(match.group(1))):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed.append(path)
    fd = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return removed  # another run is writing here: its temporary files are not leftovers
        for path in out_dir.rglob(".*.tmp"):
            if path.is_file() and not path.is_symlink():
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed.append(path)
    finally:
        os.close(fd)
    return removed


def _remove_stale_runtime_folders(base: Path) -> None:
    """Private kernel folders of pools whose process is gone (``kill -9`` of a whole process group)."""
    import shutil

    for folder in base.glob("monitor-*-*"):
        match = re.match(r"^monitor-(\d+)-", folder.name)
        with contextlib.suppress(OSError):
            if match and folder.is_dir() and not folder.is_symlink() and folder.stat().st_uid == os.getuid() \
                    and not _alive(int(match.group(1))):
                shutil.rmtree(folder, ignore_errors=True)


# -- the worker side: one kernel per process ------------------------------------------------------
_WORKER: dict = {"temps": set()}  # this process's kernel and state, reused from one report to the next


def _forget_after_fork() -> None:
    """A forked child (a ProcessPoolExecutor worker, say) starts its own kernel, in its own folder."""
    _WORKER.clear()
    _WORKER["temps"] = set()


os.register_at_fork(after_in_child=_forget_after_fork)

# Started in front of a kernel's own command: asks for SIGKILL when the worker that started it
# ends (checking the worker did not end already), then becomes the kernel.
_LAUNCHER = """import ctypes, os, signal, sys
ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)
if os.getppid() != int(sys.argv[1]):
    os._exit(1)
os.execvp(sys.argv[2], sys.argv[2:])
"""

_MANAGER = []


def _manager_class():
    """``AsyncKernelManager`` whose kernels, in a pool worker, die with that worker."""
    if not _MANAGER:
        from jupyter_client.manager import AsyncKernelManager

        class KernelManager(AsyncKernelManager):
            def format_kernel_cmd(self, extra_arguments=None):
                cmd = super().format_kernel_cmd(extra_arguments=extra_arguments)
                if _WORKER.get("pool") and sys.platform.startswith("linux"):
                    cmd = [sys.executable, "-I", "-S", "-c", _LAUNCHER, str(os.getpid()), *cmd]
                return cmd

        _MANAGER.append(KernelManager)
    return _MANAGER[0]


def _runtime() -> Path:
    """The private folder for this process's connection files, sockets and kernel logs."""
    folder = _WORKER.get("runtime")
    if folder is None:  # rendering in this process (render_one called directly): a folder of its own
        import shutil
        from multiprocessing import util

        folder = Path(tempfile.mkdtemp(prefix=f"monitor-{os.getpid()}-"))
        _WORKER["runtime"] = folder

        def tidy():
            _shutdown_worker_kernel()
            shutil.rmtree(folder, ignore_errors=True)

        # Run at exit, also in multiprocessing's children (which leave through os._exit, skipping atexit).
        util.Finalize(None, tidy, exitpriority=10)
    return folder


def _kernel_stem(n: int) -> Path:
    return _runtime() / f"k{os.getpid()}-{n}"


def _kernel_files(stem: Path) -> list[Path]:
    return [p for p in stem.parent.glob(f"{stem.name}*") if p.name == stem.name + ".json"
            or p.name == stem.name + ".log" or re.fullmatch(re.escape(stem.name) + r"-\d+", p.name)]


def _kernel_pid() -> int | None:
    """The kernel's process id, while it has not been reaped (after that the number may be reused)."""
    km = _WORKER.get("km")
    process = getattr(getattr(km, "provisioner", None), "process", None)
    return process.pid if process is not None and process.returncode is None else None


def _kill_kernel_now() -> None:
    """SIGKILL this process's kernel (its whole process group) and reap it; safe in a signal handler."""
    pid = _kernel_pid()
    if pid:
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)  # the kernel leads its own session (jupyter_client starts it so)
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 1.0
        with contextlib.suppress(OSError):  # reap it (no zombie); ECHILD: not our child, or reaped already
            while not os.waitpid(pid, os.WNOHANG)[0] and time.monotonic() < deadline:
                time.sleep(0.01)


def _kernel_log_tail(stem: Path | None, lines: int = 2) -> str:
    """The last lines of a kernel's log that say something (a real error, summarised)."""
    if stem is None:
        return ""
    try:
        with open(stem.with_name(stem.name + ".log"), "rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - 4000))
            text = handle.read().decode("utf-8", "replace")
    except OSError:
        return ""
    said = [line.strip() for line in text.splitlines() if line.strip()]
    return " / ".join(said[-lines:])


def _shutdown_worker_kernel() -> None:
    """Stop this process's kernel now (a busy kernel is killed, never waited on) and remove its files."""
    km = _WORKER.pop("km", None)
    stem = _WORKER.pop("stem", None)
    kc = _WORKER.pop("kc", None)
    _WORKER.pop("kc_of", None)
    _WORKER.pop("cwd", None)
    if kc is not None:
        with contextlib.suppress(Exception):
            kc.stop_channels()
    if km is not None:
        from jupyter_core.utils import run_sync

        _WORKER["km"] = km  # for _kill_kernel_now
        _kill_kernel_now()
        _WORKER.pop("km", None)
        with contextlib.suppress(Exception):  # the kernel is gone already; this reaps and tidies the manager
            run_sync(km.shutdown_kernel)(now=True)
    if stem is not None:
        for path in _kernel_files(stem):
            with contextlib.suppress(OSError):
                path.unlink()


def _worker_kernel(kernel: str, cwd: str):
    """This process's kernel, started on first use and after a crash, a timeout or a change of folder.

    Starting a kernel and importing the report's libraries costs about two seconds; a
    worker renders many reports, so it keeps one kernel and clears the user namespace
    (``%reset -f``) before each notebook: nothing of one region is left for the next.
    The kernel listens on ``ipc`` sockets in the private runtime folder (no TCP port) and
    writes its output to a log file there, not to the terminal.
    """
    from jupyter_core.utils import run_sync

    km = _WORKER.get("km")
    if km is not None and _WORKER.get("cwd") == cwd and _WORKER.get("kernel") == kernel and run_sync(km.is_alive)():
        return km
    _shutdown_worker_kernel()
    _WORKER["count"] = n = _WORKER.get("count", 0) + 1
    stem = _kernel_stem(n)
    km = _manager_class()(kernel_name=kernel, transport="ipc", ip=str(stem), connection_file=f"{stem}.json")
    _WORKER.update(km=km, stem=stem, cwd=cwd, kernel=kernel)
    with open(f"{stem}.log", "ab") as log:
        run_sync(km.start_kernel)(cwd=cwd, stdout=subprocess.DEVNULL, stderr=log)
    _tell("kernel", _kernel_pid())
    return km


def _kernel_client(km):
    """The client of this process's kernel, connected once and kept with it.

    A new client per notebook would cost 0.2 s each time: connecting waits until the kernel's
    output channel has been quiet for 0.2 s (``wait_for_ready``). The kept one is connected
    already; nbclient ignores any late message of an earlier notebook (it matches replies to
    its own requests).
    """
    from jupyter_core.utils import run_sync

    kc = _WORKER.get("kc")
    if kc is None or _WORKER.get("kc_of") is not km:
        kc = km.client()
        kc.start_channels()
        run_sync(kc.wait_for_ready)(timeout=60)
        kc.allow_stdin = False
        _WORKER.update(kc=kc, kc_of=km)
    return kc


def _client(notebook, km, kernel: str, timeout: int, path: str):
    from nbclient import NotebookClient

    client = NotebookClient(notebook, km=km, timeout=timeout, kernel_name=kernel, resources={"metadata": {"path": path}})
    client.kc = _kernel_client(km)  # after __init__, which sets it to None
    return client


def _run_cells(km, kernel: str, cells: list, timeout: int, path: str):
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    _client(notebook, km, kernel, timeout, path).execute()


def warm_up(kernel: str = KERNEL_NAME, cwd: str | os.PathLike = NOTEBOOKS_DIR, code: str = WARM_UP_CODE) -> None:
    """Start this process's kernel and import the report's libraries ahead of the first job."""
    km = _worker_kernel(kernel, str(cwd))
    if code:
        _run_cells(km, kernel, [code], 120, str(cwd))


def _execute(job: Job, timeout: int, kernel: str):
    """Run the job's notebook on this process's kernel; return it (run as far as it got) and the error."""
    import nbformat
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    notebook = load_notebook_node(str(job.notebook))  # as papermill reads it: every cell has tags
    notebook = parameterize_notebook(notebook, job.parameters, kernel_name=kernel, language="python")
    prelude = [nbformat.v4.new_code_cell("%reset -f")]
    if job.setup:
        prelude.append(nbformat.v4.new_code_cell(job.setup))
    notebook.cells[:0] = prelude
    postlude = [nbformat.v4.new_code_cell(job.finish)] if job.finish else []
    notebook.cells.extend(postlude)
    try:
        km = _worker_kernel(kernel, str(job.notebook.parent))
        try:
            _client(notebook, km, kernel, timeout, str(job.notebook.parent)).execute()
        except Exception as exc:  # noqa: BLE001 - the caller decides: retry, restart or report
            return notebook, exc
        return notebook, None
    finally:
        del notebook.cells[:len(prelude)]
        if postlude:
            del notebook.cells[-len(postlude):]


def _failure(exc: BaseException) -> str:
    """``"timeout"``, ``"dead"`` (kernel died or did not answer) or ``"cell"`` (the notebook's own error)."""
    from nbclient.exceptions import CellTimeoutError

    if isinstance(exc, CellTimeoutError):
        return "timeout"
    if type(exc).__name__ in ("DeadKernelError", "RuntimeError") or any(m in str(exc) for m in RETRY_ON):
        return "dead"
    return "cell"


def _write(path: Path, data: str | bytes) -> None:
    """Write ``path`` atomically; a signal meanwhile removes the temporary file (see ``_die``)."""
    with atomic_writer(path) as tmp:
        _WORKER["temps"].add(tmp)
        try:
            with open(tmp, "wb") as handle:
                _dump(handle, data.encode("utf-8") if isinstance(data, str) else data)
        finally:
            _WORKER["temps"].discard(tmp)


def _dump(handle, payload: bytes) -> None:
    handle.write(payload)


@contextlib.contextmanager
def _critical():
    """Defer SIGTERM/SIGHUP in a worker while outputs are published and the result is sent.

    A report is then either written and reported, or neither; the deferred signal is acted on
    when the block ends (milliseconds: the page is made before, only the writes are inside).
    """
    _WORKER["critical"] = _WORKER.get("critical", 0) + 1
    try:
        yield
    finally:
        _WORKER["critical"] -= 1
        if not _WORKER["critical"] and _WORKER.get("pending"):
            _die(_WORKER["pending"])


def _render(job: Job, out_dir: Path, timeout: int, kernel: str, deliver=None) -> Result:
    start = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    notebook, error = None, ""
    for attempt in (1, 2):
        try:
            notebook, exc = _execute(job, timeout, kernel)
        except Exception as load_error:  # noqa: BLE001 - unreadable notebook, unknown kernel: reported
            notebook, exc = None, load_error
        if exc is None:
            error = ""
            break
        error, kind = _short_error(exc), _failure(exc)
        if kind == "timeout":
            _shutdown_worker_kernel()  # still busy with the cell: replaced, never waited on
            error += " (the kernel was restarted)"
            break
        if kind == "dead":
            tail = _kernel_log_tail(_WORKER.get("stem"))
            _shutdown_worker_kernel()
            if attempt == 1:
                continue
            error = f"kernel died (also on a fresh kernel): {error}" + (f" [kernel log: {tail}]" if tail else "")
        break
    import nbformat

    page = text = None
    products = {}
    if not error:
        try:
            text = nbformat.writes(notebook)
            if job.html:
                page = _page(nbformat.reads(text, as_version=4), job.parameters.get("language"))
            for kind, made in job.products.items():
                products[kind] = Path(made).read_bytes()
        except FileNotFoundError as exc:
            error = f"the notebook ran but made no {Path(exc.filename).suffix.lstrip('.').upper() or 'file'}"
        except Exception as exc:  # noqa: BLE001
            error = _short_error(exc) or traceback.format_exc(limit=1)
    with _critical() if deliver else contextlib.nullcontext():
        if error:
            if notebook is not None:
                try:
                    _write(out_dir / f"{job.name}.failed.ipynb", nbformat.writes(notebook))
                except OSError as exc:
                    error += f"; {describe_os_error(exc, out_dir / f'{job.name}.failed.ipynb')}"
            result = Result(job.name, job.title, job.kind, False, time.perf_counter() - start, error)
        else:
            outputs = {}
            try:
                for kind, data in ([("html", page)] if job.html else []) + list(products.items()):
                    target = out_dir / f"{job.name}.{kind}"
                    _write(target, data)
                    outputs[kind] = target.name
                target = out_dir / f"{job.name}.ipynb"
                _write(target, text)
                with contextlib.suppress(FileNotFoundError):
                    (out_dir / f"{job.name}.failed.ipynb").unlink()
                result = Result(job.name, job.title, job.kind, True, time.perf_counter() - start,
                                outputs={"ipynb": target.name, **outputs})
            except OSError as exc:
                result = Result(job.name, job.title, job.kind, False, time.perf_counter() - start,
                                f"cannot write {describe_os_error(exc, target)}")
        if deliver:
            deliver(result)
    return result


def render_one(job: Job, out_dir: Path, timeout: int = 600, kernel: str = KERNEL_NAME) -> Result:
    """Execute one notebook on this process's kernel and write its .ipynb and .html atomically.

    Parameters are injected as papermill does (a cell tagged ``injected-parameters`` after
    the ``parameters`` cell). A kernel that died or failed to start is replaced and the
    notebook retried once; a cell that times out fails the report and its kernel is replaced.
    A failed notebook is kept as ``<name>.failed.ipynb`` (written whole or not at all).
    """
    return _render(job, Path(out_dir), timeout, kernel)


def _tell(*message) -> None:
    conn = _WORKER.get("conn")
    if conn is not None:
        with contextlib.suppress(OSError):
            conn.send(message)


_DYING = threading.Lock()


def _die(signum: int = signal.SIGTERM) -> None:
    """Leave now: kill the kernel, remove this worker's files, exit. Safe from a handler or a thread."""
    _WORKER["dying"] = True  # a second signal meanwhile is ignored (it would re-enter this function)
    if not _DYING.acquire(blocking=False):
        while True:  # another thread is on it and will end the process
            time.sleep(1)
    _kill_kernel_now()
    for tmp in list(_WORKER["temps"]):
        with contextlib.suppress(OSError):
            tmp.unlink()
    runtime = _WORKER.get("runtime")
    if runtime is not None:
        for path in runtime.glob(f"k{os.getpid()}-*"):
            with contextlib.suppress(OSError):
                path.unlink()
        # The pool may be gone and unable to tidy up (its parent-death signal comes while it exits, so
        # getppid() cannot tell yet): the last worker out removes the folder. A pool that lives on
        # removes it anyway and makes it again for a new worker.
        with contextlib.suppress(OSError):
            Path(_WORKER["log"]).unlink()
        with contextlib.suppress(OSError):
            runtime.rmdir()
    os._exit(128 + int(signum))


def _on_terminate(signum, _frame) -> None:
    if _WORKER.get("dying"):
        return
    if _WORKER.get("critical"):
        _WORKER["pending"] = signum
        return
    _die(signum)


def _watch_parent(parent: int) -> None:
    """Die with the pool: PR_SET_PDEATHSIG, and a thread polling ``getppid()`` where that is missing."""
    _set_parent_death_signal(signal.SIGTERM)
    if os.getppid() != parent:
        _die(signal.SIGTERM)

    def poll():
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                _die(signal.SIGTERM)

    threading.Thread(target=poll, name="watch-parent", daemon=True).start()


def _keep_signal_handlers() -> None:
    """Stop nbclient from replacing this worker's SIGINT/SIGTERM handlers with its own.

    nbclient adds asyncio signal handlers while it executes and resets them to the defaults
    afterwards (which let a worker catch SIGTERM, retry and write a report after its pool
    was gone). It ignores a loop that refuses (``RuntimeError``), which this loop does.
    """
    from jupyter_core.utils import ensure_event_loop

    loop = ensure_event_loop()

    def refuse(*_args, **_kwargs):
        raise RuntimeError("signals are handled by the render worker")

    loop.add_signal_handler = refuse
    loop.remove_signal_handler = lambda _signum: False


def _worker_main(fd: int, settings: str) -> None:
    """A pool worker: render the jobs the pool sends, one at a time, on one kept kernel."""
    from multiprocessing.connection import Connection

    config = json.loads(settings)
    os.set_inheritable(fd, False)  # a kernel must not hold the pool's line open (it inherits fds)
    conn = Connection(fd)
    _WORKER.update(conn=conn, parent=config["parent"], runtime=Path(config["runtime"]), log=config["log"], pool=True)
    signal.signal(signal.SIGTERM, _on_terminate)
    signal.signal(signal.SIGHUP, _on_terminate)
    signal.signal(signal.SIGINT, lambda *_: None)  # Ctrl-C reaches the whole process group: the pool decides
    _watch_parent(config["parent"])
    _keep_signal_handlers()
    kernel, cwd, code = config["kernel"], config["cwd"], config["warm_up"]
    import logging

    logging.getLogger("papermill").setLevel(logging.ERROR)  # "no cell tagged parameters": not news, not an error

    def prepare(folder: str) -> None:
        try:
            warm_up(kernel, folder, code)
        except Exception:  # noqa: BLE001 - the first job starts a kernel again and reports what fails
            traceback.print_exc()
        _tell("ready", os.getpid())

    prepare(cwd)
    import nbconvert  # noqa: F401 - loaded while idle, not in the first report's time
    import papermill  # noqa: F401

    try:
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                break
            if message[0] != "job":
                break
            _, index, job, out, timeout = message
            _render(job, Path(out), timeout, kernel, deliver=lambda result, i=index: _tell("result", i, result))
            if "km" not in _WORKER:  # killed after a timeout or a crash: have the next one ready now
                prepare(str(job.notebook.parent))
    finally:
        _shutdown_worker_kernel()


# A worker's first lines: die with the pool even during the imports; load monitor.render.execution
# without the package's __init__ (pandas, scipy: 1.5 s and 100 MB a worker does not use; the
# kernels import the real package); skip rfc3987_syntax, which jsonschema (via nbformat) imports
# for IRI format checks no notebook schema uses and which builds a grammar for 2.5 s at import.
_BOOT = """import ctypes, signal, sys, types
try:
    ctypes.CDLL(None).prctl(1, signal.SIGTERM, 0, 0, 0)
except Exception:
    pass
package = types.ModuleType("monitor")
package.__path__ = [sys.argv[3] + "/monitor"]
sys.modules["monitor"] = package
sys.modules.setdefault("rfc3987_syntax", None)
from monitor.render.execution import _worker_main
_worker_main(int(sys.argv[1]), sys.argv[2])
"""


# -- the pool side -------------------------------------------------------------------------------
class _Worker:
    def __init__(self, process: subprocess.Popen, conn, log: Path):
        self.process, self.conn, self.log = process, conn, log
        self.job: int | None = None
        self.started = 0.0
        self.kernel_pid: int | None = None
        self.gone = False


def _cancelled(job: Job, signum: int, running: bool, seconds: float = 0.0) -> Result:
    name = signal.Signals(signum).name
    error = f"cancelled by {name} while running" if running else f"cancelled by {name} before it started"
    return Result(job.name, job.title, job.kind, False, seconds, error, status="cancelled")


class WorkerPool:
    """Worker processes with one Jupyter kernel each, owned by this object: nothing outlives it.

    Use it as a context manager around everything the run does, data loading included: the
    workers start their kernels (and run ``warm_up`` code) at once, while the caller prepares.

    Parameters
    ----------
    workers : int, optional
        Worker processes (default: the number of CPUs).
    kernel : str
        Jupyter kernel name.
    cwd : path
        Folder the kernels start in (the notebooks' folder; a job elsewhere restarts its kernel there).
    warm_up : str
        Code run in each new kernel before its first job (default :data:`WARM_UP_CODE`; ``""``: none).
    runtime_dir : path, optional
        Where the pool's private ``0700`` folder for connection files, ``ipc`` sockets and logs
        is made (default: the system's temporary folder). It is removed when the pool closes.
    signals : tuple of int
        Signals that cancel the run (default SIGINT, SIGTERM, SIGHUP). Handlers are installed
        only in the main thread and the previous ones are restored by :meth:`close`.

    Attributes
    ----------
    runtime : Path
        The private folder (once started). A caller may keep its own scratch files in a
        subfolder: it goes with the pool, and after a ``kill -9`` with the next pool's start.
    signum : int or None
        The signal that ended the run, if one did.

    Notes
    -----
    While the pool is open, a signal outside :meth:`run` raises :class:`Interrupted` at once
    in the main thread (as Ctrl-C raises ``KeyboardInterrupt``); the ``with`` block's exit then
    stops the workers. Inside :meth:`run` the signal cancels the queued jobs, stops the running
    ones, waits for the workers to go and raises :class:`Interrupted` with every result.

    Create and use the pool in one thread that outlives it: Linux delivers the workers'
    parent-death signal when the *thread* that started them ends.
    """

    def __init__(self, workers: int | None = None, kernel: str = KERNEL_NAME, cwd: str | os.PathLike = NOTEBOOKS_DIR,
                 warm_up: str = WARM_UP_CODE, runtime_dir: str | os.PathLike | None = None,
                 signals: tuple[int, ...] = SIGNALS):
        self.size = max(1, workers or os.cpu_count() or 1)
        self.kernel, self.cwd, self.warm_up = kernel, str(cwd), warm_up
        self.base = Path(runtime_dir or tempfile.gettempdir())
        self.signals = tuple(signals)
        self.runtime: Path | None = None
        self.signum: int | None = None
        self._workers: list[_Worker] = []
        self._previous: dict = {}
        self._armed = False  # raise Interrupted from the signal handler (outside run and close)
        self._spawned = 0
        self._open = self._closed = False

    # -- life cycle
    def __enter__(self) -> WorkerPool:
        if not self._open:  # a pool may be started ahead of its block (monitor render does)
            self.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def start(self) -> None:
        """Start the workers (their kernels start and warm up in the background)."""
        if self._open or self._closed:
            raise RuntimeError("a WorkerPool starts once")
        self._open = True
        try:
            if threading.current_thread() is threading.main_thread():
                for signum in self.signals:
                    self._previous[signum] = signal.signal(signum, self._on_signal)
            self.base.mkdir(parents=True, exist_ok=True)
            _remove_stale_runtime_folders(self.base)
            self.runtime = Path(tempfile.mkdtemp(prefix=f"monitor-{os.getpid()}-", dir=self.base))  # mode 0700
            if len(os.fsencode(self.runtime)) + 24 > _MAX_SOCKET_PATH:
                raise ValueError(f"runtime_dir {self.base} is too long a path for the kernels' ipc sockets")
            for _ in range(self.size):
                self._spawn()
        except BaseException:
            self.close()
            raise
        if self.signum:
            self.close()
            raise Interrupted(self.signum)
        self._armed = True

    def close(self) -> None:
        """Stop every worker and kernel (at most a few seconds), remove the runtime folder, restore handlers."""
        if self._closed:
            return
        self._closed, self._armed = True, False
        try:
            self._stop_workers()
        finally:
            if self.runtime is not None:
                import shutil

                shutil.rmtree(self.runtime, ignore_errors=True)
            for signum, handler in self._previous.items():
                signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
            self._previous.clear()

    def pids(self) -> dict[int, int | None]:
        """Live workers' process ids, each with its kernel's (once known)."""
        return {w.process.pid: w.kernel_pid for w in self._workers if not w.gone}

    # -- signals
    def _on_signal(self, signum, _frame) -> None:
        if self.signum is None:
            self.signum = signum
        if self._armed:
            self._armed = False
            raise Interrupted(signum)

    # -- workers
    def _spawn(self) -> _Worker:
        from multiprocessing.connection import Connection

        self._spawned += 1
        self.runtime.mkdir(mode=0o700, exist_ok=True)  # a worker that left may have removed it (see _die)
        log = self.runtime / f"w{self._spawned}.log"
        ours, theirs = socket.socketpair()
        settings = json.dumps({"parent": os.getpid(), "runtime": str(self.runtime), "log": str(log),
                               "kernel": self.kernel, "cwd": self.cwd, "warm_up": self.warm_up})
        root = str(Path(__file__).resolve().parents[2])
        try:
            with open(log, "ab") as err:
                process = subprocess.Popen([sys.executable, "-c", _BOOT, str(theirs.fileno()), settings, root],
                                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                           pass_fds=(theirs.fileno(),))
        finally:
            theirs.close()
        worker = _Worker(process, Connection(ours.detach()), log)
        self._workers.append(worker)
        return worker

    def _receive(self, worker: _Worker, results: list | None, planned: list[Job] | None) -> None:
        """Read one message from a worker, or notice it is gone."""
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            self._lost(worker, results, planned)
            return
        if message[0] == "result" and results is not None and worker.job == message[1]:
            results[message[1]] = message[2]
            worker.job = None
        elif message[0] == "kernel":
            worker.kernel_pid = message[1]

    def _lost(self, worker: _Worker, results: list | None, planned: list[Job] | None) -> None:
        worker.gone = True
        with contextlib.suppress(OSError):
            worker.conn.close()
        try:
            code = worker.process.wait(timeout=_STOP_GRACE)
        except subprocess.TimeoutExpired:
            worker.process.kill()
            code = worker.process.wait()
        if worker.kernel_pid:  # dies of its own parent-death signal too; this is the belt to those braces
            with contextlib.suppress(OSError):
                os.killpg(worker.kernel_pid, signal.SIGKILL)
        if worker.job is not None and results is not None and results[worker.job] is None:
            job = planned[worker.job]
            seconds = time.perf_counter() - worker.started
            if self.signum:
                results[worker.job] = _cancelled(job, self.signum, True, seconds)
            else:
                tail = ""
                with contextlib.suppress(OSError):
                    tail = " / ".join(worker.log.read_text(errors="replace").strip().splitlines()[-2:])
                results[worker.job] = Result(job.name, job.title, job.kind, False, seconds,
                                             f"worker process died (exit code {code})" + (f": {tail}" if tail else ""))
        worker.job = None

    def _stop_workers(self, results: list | None = None, planned: list[Job] | None = None) -> None:
        """SIGTERM every worker, collect what they still report, SIGKILL those that outstay the grace."""
        from multiprocessing.connection import wait

        live = [w for w in self._workers if not w.gone]
        for worker in live:
            with contextlib.suppress(OSError):
                worker.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + _STOP_GRACE
        while live and time.monotonic() < deadline:
            for conn in wait([w.conn for w in live], timeout=max(0.0, deadline - time.monotonic())):
                worker = next(w for w in live if w.conn is conn)
                self._receive(worker, results, planned)
            live = [w for w in live if not w.gone]
        for worker in live:
            with contextlib.suppress(OSError):
                worker.process.kill()
            self._lost(worker, results, planned)

    # -- running
    def run(self, planned: list[Job], out: str | os.PathLike, timeout: int = 600, progress: bool = True,
            label: str = "", clean: bool = True, feed: Iterator[list[Job]] | None = None) -> list[Result]:
        """Render ``planned`` into ``out``; one :class:`Result` per job, in planned order.

        A failing notebook is a failed result; a worker that dies is one failed result and is
        replaced. ``clean`` first removes leftovers of crashed earlier runs (:func:`clean_leftovers`),
        and the run holds a :func:`claim` on ``out`` so that other runs leave its files alone.

        ``feed`` lets the caller prepare jobs while the workers render: the pool advances it
        (``next(feed)``) whenever it has handed every idle worker a job, and queues the jobs
        each step yields (a list, possibly empty) after those planned. A fed job whose name
        was given before supersedes it: still queued, the earlier one is dropped; running or
        done, its result is set aside. The result list holds one result per name, in the order
        the names first came, the latest job's. An exception raised by ``feed`` ends the run
        with it (close the pool, as its ``with`` block does, to stop the workers).

        Raises
        ------
        Interrupted
            When one of the pool's signals arrived: after the queued jobs were cancelled, the
            running ones stopped and every worker and kernel is gone. ``exc.results`` holds a
            result for every job (``status="cancelled"`` for those that did not finish).
        """
        from multiprocessing.connection import wait

        from tqdm import tqdm

        if not self._open or self._closed:
            raise RuntimeError("the WorkerPool is not open")
        self._armed = False
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        if clean:
            clean_leftovers(out)
        planned = list(planned)
        results: list[Result | None] = [None] * len(planned)
        queue = deque(range(len(planned)))
        latest = {job.name: index for index, job in enumerate(planned)}  # a name's newest job
        dropped: set[int] = set()  # superseded jobs: run or not, their results are not returned
        with claim(out), tqdm(total=len(planned), desc=f"rendering {label}".strip(), unit="report",
                              disable=not progress) as bar:
            while not self.signum and (feed is not None or any(r is None for r in results)):
                for worker in self._workers:
                    if not worker.gone and worker.job is None and queue:
                        index = queue.popleft()
                        try:
                            worker.conn.send(("job", index, planned[index], planned[index].out or str(out), timeout))
                        except OSError:
                            queue.appendleft(index)
                            self._lost(worker, results, planned)
                            continue
                        worker.job, worker.started = index, time.perf_counter()
                live = [w for w in self._workers if not w.gone]
                self._workers = live
                if queue and len(live) < self.size:
                    if self._spawned < self.size + len(planned):
                        live = [*live, self._spawn()]  # replaces a worker that died (_spawn adds it to _workers)
                    elif not live:  # workers die as they start: report it rather than try for ever
                        while queue:
                            index = queue.popleft()
                            job = planned[index]
                            results[index] = Result(job.name, job.title, job.kind, False, 0.0,
                                                    "no worker process could be started")
                waiting = 0.25
                if feed is not None:
                    try:
                        more = next(feed)
                    except StopIteration:
                        feed, more = None, []
                    ahead = []
                    for job in more:
                        earlier = latest.get(job.name)
                        if earlier is not None and earlier in queue:
                            queue.remove(earlier)
                            results[earlier] = Result(job.name, job.title, job.kind, False, 0.0, "superseded",
                                                      status="cancelled")
                        if earlier is not None:
                            dropped.add(earlier)
                        planned.append(job)
                        results.append(None)
                        latest[job.name] = len(planned) - 1
                        (ahead if job.ahead else queue).append(len(planned) - 1)
                    queue.extendleft(reversed(ahead))  # in the order fed, before those waiting
                    bar.total = len(latest)
                    waiting = 0.0  # the feed is the work to do while the workers render: poll, do not wait
                for conn in wait([w.conn for w in live], timeout=waiting):
                    self._receive(next(w for w in live if w.conn is conn), results, planned)
                done = sum(r is not None for i, r in enumerate(results) if i not in dropped)
                bar.update(done - bar.n)
            if self.signum:
                self._stop_workers(results, planned)  # what finished meanwhile still counts
                for index, result in enumerate(results):
                    if result is None:
                        results[index] = _cancelled(planned[index], self.signum, False)
                self.close()
                raise Interrupted(self.signum, [results[i] for i in latest.values()])
        self._armed = True
        return [results[i] for i in latest.values()]  # a dict keeps the order its names first came in


def run_jobs(planned: list[Job], out: Path, jobs: int | None = None, timeout: int = 600, progress: bool = True,
             label: str = "", pool: WorkerPool | None = None) -> list[Result]:
    """Render jobs in worker processes, ``jobs`` at a time, with a progress bar; one result per job.

    Never raises for a failing notebook; raises :class:`Interrupted` when a signal ended the
    run. An open ``pool`` (whose kernels may be warm) can be passed; otherwise one is made
    for these jobs and closed afterwards.
    """
    if isinstance(pool, WorkerPool):
        return pool.run(planned, out, timeout=timeout, progress=progress, label=label)
    # Any other pool (a ProcessPoolExecutor from an older render()) is not used: its processes
    # cannot be stopped with their kernels. A WorkerPool of our own is.
    if not planned:
        return []
    workers = max(1, min(jobs or os.cpu_count() or 1, len(planned)))
    with WorkerPool(workers, cwd=planned[0].notebook.parent, warm_up="") as own:
        return own.run(planned, out, timeout=timeout, progress=progress, label=label)
