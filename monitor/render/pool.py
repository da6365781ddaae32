"""A pool of render workers, each with one Jupyter kernel: notebooks rendered side by side, nothing left running.

:class:`WorkerPool` owns a few worker processes (:mod:`monitor.render.worker`); each keeps one Jupyter kernel
from one notebook to the next and clears the namespace in between (``%reset -f``), so the kernel
start and imports are paid once per worker. :meth:`WorkerPool.run` (or :func:`run_jobs`)
renders a list of :class:`~monitor.render.jobs.Job`, one at a time per worker, with a progress bar; a failing
notebook is one failed :class:`~monitor.render.jobs.Result` and never stops the others. Each executed notebook
is written as ``<name>.ipynb`` with a self-contained ``<name>.html`` (no code, images embedded,
nothing loaded from the network), both through :func:`monitor.core.files.atomic_writer`.

Process lifetime
    Nothing the pool starts outlives it. The parent handles SIGINT, SIGTERM and SIGHUP while
    the pool is open: queued jobs are cancelled, running notebooks are stopped (their kernels
    killed), every worker and kernel is gone within a few seconds and :class:`~monitor.render.jobs.Interrupted` is
    raised with the results so far. Workers ask the Linux kernel for SIGTERM when their parent
    dies (``prctl(PR_SET_PDEATHSIG)``) and poll ``os.getppid()`` as a fallback; kernels are
    started through a tiny launcher that asks for SIGKILL when their worker dies, and ipykernel
    itself polls its parent too. So even ``kill -9`` of the parent leaves nothing running.
    A worker removes its kernel's files and its half-written outputs before it exits.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator
from multiprocessing.connection import Connection, wait
from pathlib import Path

from tqdm import tqdm

from ..core.config import KERNEL_NAME, NOTEBOOKS_DIR
from .jobs import Interrupted, Job, Result, claim, clean_leftovers, process_alive
from .worker import WARM_UP_CODE, boot_command

__all__ = ["WorkerPool", "run_jobs", "SIGNALS"]

#: Signals that cancel a run while a :class:`WorkerPool` is open.
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

_STOP_GRACE = 3.0  # seconds a worker gets to clean up after SIGTERM before it is killed
_MAX_SOCKET_PATH = 96  # sockaddr_un holds 108 bytes; the kernel adds "-<port>" and the folder a few names


def _remove_stale_runtime_folders(base: Path) -> None:
    """Private kernel folders of pools whose process is gone (``kill -9`` of a whole process group)."""
    for folder in base.glob("monitor-*-*"):
        match = re.match(r"^monitor-(\d+)-", folder.name)
        with contextlib.suppress(OSError):
            if match and folder.is_dir() and not folder.is_symlink() and folder.stat().st_uid == os.getuid() \
                    and not process_alive(int(match.group(1))):
                shutil.rmtree(folder, ignore_errors=True)


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
                raise ValueError(f"{self.base}: the folder for temporary files is too long a path for the notebooks' "
                                 "connections; set TMPDIR to a short folder such as /tmp and render again")
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
        self._spawned += 1
        self.runtime.mkdir(mode=0o700, exist_ok=True)  # a worker that left may have removed it (monitor.render.worker)
        log = self.runtime / f"w{self._spawned}.log"
        ours, theirs = socket.socketpair()
        settings = {"parent": os.getpid(), "runtime": str(self.runtime), "log": str(log),
                    "kernel": self.kernel, "cwd": self.cwd, "warm_up": self.warm_up}
        try:
            with open(log, "ab") as err:
                process = subprocess.Popen(boot_command(theirs.fileno(), settings),
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
