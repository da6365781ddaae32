"""A render worker: one process that keeps one Jupyter kernel and renders one notebook at a time.

:func:`render_one` executes a :class:`~monitor.render.jobs.Job`'s notebook on this process's kernel and writes
``<name>.ipynb`` with a self-contained ``<name>.html`` (:func:`monitor.render.html.notebook_page`), both through
:func:`monitor.core.files.atomic_writer`. The kernel is kept from one notebook to the next and the namespace
cleared in between (``%reset -f``), so its start and imports are paid once. :func:`main` is a
:class:`~monitor.render.pool.WorkerPool` worker process: it renders the jobs the pool sends over its line
(started by :func:`boot_command`).

Kernels
    Kernels talk to their worker over ZeroMQ ``ipc`` sockets (Unix domain sockets) in a private
    ``0700`` folder, never over TCP: ipykernel warns "Kernel is running over TCP without
    encryption" for every TCP kernel, and rightly so, because any local user could connect to
    its ports. The kernels' own output (log lines, ZeroMQ noise) goes to a log file in that
    folder; a kernel that dies has the last lines of its log quoted in the report's error.
    A cell that times out, or a kernel that died, has its kernel killed and replaced at once:
    a busy kernel is never waited on. A report whose kernel died is retried once.

Dying with the pool
    A worker asks the Linux kernel for SIGTERM when its pool dies (``prctl(PR_SET_PDEATHSIG)``) and
    polls ``os.getppid()`` as a fallback; its kernel is started through a tiny launcher that asks for
    SIGKILL when the worker dies, and ipykernel itself polls its parent too. On SIGTERM or SIGHUP the
    worker kills its kernel, removes its kernel's files and its half-written outputs, and exits; a
    report being published meanwhile is finished first (milliseconds).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from multiprocessing import util
from multiprocessing.connection import Connection
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import ensure_event_loop, run_sync

from ..core.config import KERNEL_NAME, NOTEBOOKS_DIR
from ..core.files import atomic_writer, describe_os_error
from .html import notebook_page
from .jobs import Job, Result

__all__ = ["render_one", "warm_up", "shutdown_kernel", "main", "boot_command", "WARM_UP_CODE", "RETRY_ON"]

#: Error texts of a kernel that died or never answered: the report is retried once on a fresh kernel.
RETRY_ON = ("Kernel didn't respond", "Kernel died", "kernel died", "Address already in use", "DeadKernelError")

#: Imports run in each new kernel ahead of the first notebook: what a region report uses (no
#: pandas or SciPy: its sections arrive computed; the validity and thesis notebooks import their
#: own libraries, once per kernel). Then what they import is frozen out of the garbage
#: collector's sight (``gc.freeze``): a module lives as long as the kernel, and each full
#: collection (``%reset`` makes two per report) would otherwise walk all of matplotlib again.
WARM_UP_CODE = ("import matplotlib.pyplot as plt\nimport matplotlib_inline.backend_inline\n"
                "from monitor.reports import notebook, pdf, present, sections\nfrom monitor.stats import plotting\nimport gc\ngc.collect()\ngc.freeze()")

_PR_SET_PDEATHSIG = 1


def _short_error(exc: BaseException) -> str:
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename:
        return f"{ename}: {evalue}"
    return f"{type(exc).__name__}: {exc}".strip().splitlines()[0] if str(exc) else type(exc).__name__


def _set_parent_death_signal(signum: int) -> bool:
    """Ask Linux to send ``signum`` to this process when its parent (thread) ends."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signum), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


# -- this process's kernel -------------------------------------------------------------------------
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


class _KernelManager(AsyncKernelManager):
    """``AsyncKernelManager`` whose kernels, in a pool worker, die with that worker."""

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments=extra_arguments)
        if _WORKER.get("pool") and sys.platform.startswith("linux"):
            cmd = [sys.executable, "-I", "-S", "-c", _LAUNCHER, str(os.getpid()), *cmd]
        return cmd


def _runtime() -> Path:
    """The private folder for this process's connection files, sockets and kernel logs."""
    folder = _WORKER.get("runtime")
    if folder is None:  # rendering in this process (render_one called directly): a folder of its own
        folder = Path(tempfile.mkdtemp(prefix=f"monitor-{os.getpid()}-"))
        _WORKER["runtime"] = folder

        def tidy():
            shutdown_kernel()
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


def shutdown_kernel() -> None:
    """Stop this process's kernel now (a busy kernel is killed, never waited on) and remove its files.

    The next render starts a new one. A process that called :func:`render_one` may call it when done;
    otherwise the kernel is stopped as the process exits.
    """
    km = _WORKER.pop("km", None)
    stem = _WORKER.pop("stem", None)
    kc = _WORKER.pop("kc", None)
    _WORKER.pop("kc_of", None)
    _WORKER.pop("cwd", None)
    if kc is not None:
        with contextlib.suppress(Exception):
            kc.stop_channels()
    if km is not None:
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
    km = _WORKER.get("km")
    if km is not None and _WORKER.get("cwd") == cwd and _WORKER.get("kernel") == kernel and run_sync(km.is_alive)():
        return km
    shutdown_kernel()
    _WORKER["count"] = n = _WORKER.get("count", 0) + 1
    stem = _kernel_stem(n)
    km = _KernelManager(kernel_name=kernel, transport="ipc", ip=str(stem), connection_file=f"{stem}.json")
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
    kc = _WORKER.get("kc")
    if kc is None or _WORKER.get("kc_of") is not km:
        kc = km.client()
        kc.start_channels()
        run_sync(kc.wait_for_ready)(timeout=60)
        kc.allow_stdin = False
        _WORKER.update(kc=kc, kc_of=km)
    return kc


def _client(notebook, km, kernel: str, timeout: int, path: str):
    from nbclient import NotebookClient  # 0.8 s to import: after the kernel started, which boots meanwhile

    client = NotebookClient(notebook, km=km, timeout=timeout, kernel_name=kernel, resources={"metadata": {"path": path}})
    client.kc = _kernel_client(km)  # after __init__, which sets it to None
    return client


def _run_cells(km, kernel: str, cells: list, timeout: int, path: str):
    import nbformat  # 0.9 s to import: after the kernel started, which boots meanwhile

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
    # nbformat 0.9 s and papermill 1.6 s to import: a pool worker loads them ahead, while idle (see main)
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
        _record_published(notebook, job, kernel)


#: The comment of a published notebook's parameters cell when it names files without their folders.
PUBLISHED_COMMENT = ("Parameters (files named without their folders; to re-run, pass each full path, "
                     "e.g. -p data_path /full/path/to/the/file)")


def _record_published(notebook, job: Job, kernel: str) -> None:
    """Let the saved notebook record ``job.published`` (a data file's name and SHA-256) instead
    of the parameters it ran with, in its injected-parameters cell and papermill's metadata."""
    if not job.published:
        return
    from papermill.translators import translate_parameters  # loaded with papermill by _execute

    parameters = {**job.parameters, **job.published}
    for cell in notebook.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.source = translate_parameters(kernel, "python", parameters, PUBLISHED_COMMENT)
    notebook.metadata.papermill["parameters"] = parameters


def _failure(exc: BaseException) -> str:
    """``"timeout"``, ``"dead"`` (kernel died or did not answer) or ``"cell"`` (the notebook's own error)."""
    from nbclient.exceptions import CellTimeoutError  # nbclient: 0.8 s to import, loaded by _client

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
            shutdown_kernel()  # still busy with the cell: replaced, never waited on
            error += " (the kernel was restarted)"
            break
        if kind == "dead":
            tail = _kernel_log_tail(_WORKER.get("stem"))
            shutdown_kernel()
            if attempt == 1:
                continue
            error = f"kernel died (also on a fresh kernel): {error}" + (f" [kernel log: {tail}]" if tail else "")
        break
    import nbformat  # 0.9 s to import; loaded by _execute

    page = text = None
    products = {}
    if not error:
        try:
            text = nbformat.writes(notebook)
            if job.html:
                page = notebook_page(nbformat.reads(text, as_version=4), job.parameters.get("language"))
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
    loop = ensure_event_loop()

    def refuse(*_args, **_kwargs):
        raise RuntimeError("signals are handled by the render worker")

    loop.add_signal_handler = refuse
    loop.remove_signal_handler = lambda _signum: False


# -- the worker process ---------------------------------------------------------------------------
def main(fd: int, settings: str) -> None:
    """A pool worker: render the jobs the pool sends, one at a time, on one kept kernel.

    ``fd`` is this end of the line to the pool (a socket), ``settings`` the JSON of
    :func:`boot_command`. Messages in: ``("job", index, job, out, timeout)``; out: ``("kernel", pid)``,
    ``("ready", pid)`` and ``("result", index, result)``. Ends when the line closes, or on SIGTERM/SIGHUP.
    """
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
    logging.getLogger("papermill").setLevel(logging.ERROR)  # "no cell tagged parameters": not news, not an error

    def prepare(folder: str) -> None:
        try:
            warm_up(kernel, folder, code)
        except Exception:  # noqa: BLE001 - the first job starts a kernel again and reports what fails
            traceback.print_exc()
        _tell("ready", os.getpid())

    prepare(cwd)
    # nbconvert 1.5 s and papermill 1.6 s to import: loaded while idle, not in the first report's time
    import nbconvert  # noqa: F401
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
        shutdown_kernel()


# A worker's first lines: die with the pool even during the imports; load this module without the
# package's __init__ (pandas, scipy: 1.5 s and 100 MB a worker does not use; the kernels import the
# real package); skip rfc3987_syntax, which jsonschema (via nbformat) imports for IRI format checks
# no notebook schema uses and which builds a grammar for 2.5 s at import. The module is named once:
# this module's own name.
_PACKAGE = __name__.partition(".")[0]
_BOOT = f"""import ctypes, signal, sys, types
try:
    ctypes.CDLL(None).prctl(1, signal.SIGTERM, 0, 0, 0)
except Exception:
    pass
package = types.ModuleType({_PACKAGE!r})
package.__path__ = [sys.argv[3]]
sys.modules[{_PACKAGE!r}] = package
sys.modules.setdefault("rfc3987_syntax", None)
from {__name__} import {main.__name__}
{main.__name__}(int(sys.argv[1]), sys.argv[2])
"""


def boot_command(fd: int, settings: dict) -> list[str]:
    """The command that starts a pool worker (:func:`main`) on line ``fd`` (inherited) with ``settings``.

    ``settings``: ``parent`` (the pool's process id), ``runtime`` (its private folder), ``log`` (this
    worker's log file), ``kernel``, ``cwd`` and ``warm_up`` (see :class:`~monitor.render.pool.WorkerPool`).
    """
    package = Path(__file__).resolve().parents[1]
    return [sys.executable, "-c", _BOOT, str(fd), json.dumps(settings), str(package)]
