"""What a render asks and gets: jobs, their results, an interruption; and the output folder's claim.

A :class:`Job` is one notebook to render, a :class:`Result` its outcome; :class:`Interrupted` ends a run that a
signal stopped (:class:`monitor.render.pool.WorkerPool`). A run holds a :func:`claim` on its output folder while
it writes there.

Leftovers
    Temporary files are named uniquely by :func:`monitor.core.files.atomic_writer` and removed on
    every exit path, including a signal; :func:`clean_leftovers` removes those of earlier runs
    that were killed outright (``kill -9``, power loss).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import signal
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Job", "Result", "Interrupted", "claim", "clean_leftovers", "process_alive"]


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
    a run (:meth:`~monitor.render.pool.WorkerPool.run`) goes ahead of those still waiting (a long notebook fed late,
    so that it does not run alone at the end). ``published``: parameter values the saved notebook
    records instead of those it ran with (a file's name without its folder: no analyst's path
    is published; a re-run passes the full path with ``-p``).
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
    published: dict = field(default_factory=dict)


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
        ``status="cancelled"``. Empty when the signal came before :meth:`~monitor.render.pool.WorkerPool.run`.
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


def process_alive(pid: int) -> bool:
    """Whether a process with id ``pid`` exists (one of another user's counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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

    Call it before :func:`claim` (or :meth:`~monitor.render.pool.WorkerPool.run`) in the same run: a run's own claim
    keeps the ``.tmp`` files too.
    """
    out_dir = Path(out_dir)
    removed = []
    if not out_dir.is_dir():
        return removed
    for path in out_dir.glob(".*.running.ipynb"):
        match = _RUNNING.match(path.name)
        if match and not process_alive(int(match.group(1))):
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
