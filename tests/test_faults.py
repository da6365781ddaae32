"""Fault injection for notebook execution: signals, kill -9, hung cells, dying kernels, full disks.

The signal tests run a small driver (``python -c``) that renders tiny notebooks through a
:class:`monitor.render.pool.WorkerPool`; a thread records every process the driver starts
(workers and their kernels) while it runs, and after the signal the test polls, with a 5 s
deadline, until none of them is left.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import pytest

from monitor.render import worker as render_worker
from monitor.render.jobs import Interrupted, Job, claim, clean_leftovers
from monitor.render.pool import SIGNALS, WorkerPool
from monitor.render.worker import render_one, shutdown_kernel

from .notebook_files import one_cell_notebook

psutil = pytest.importorskip("psutil")  # installed with ipykernel/ipython, which the project kernel needs

ROOT = Path(__file__).resolve().parent.parent
GONE_WITHIN = 5.0

# The driver loads monitor.render.pool without the package's __init__ (pandas, scipy), as the
# workers do: the tests pay for processes, not for imports they do not use.
DRIVER = r"""
import json, sys, time, types
from pathlib import Path
package = types.ModuleType("monitor")
package.__path__ = [sys.argv[2] + "/monitor"]
sys.modules["monitor"] = package
from monitor.render.jobs import Interrupted, Job
from monitor.render.pool import WorkerPool
spec = json.loads(sys.argv[1])
jobs = [Job(name, Path(path), {}, "region", name) for name, path in spec["jobs"]]
code = 0
try:
    with WorkerPool(spec["workers"], cwd=spec["cwd"], warm_up=spec["warm_up"], runtime_dir=spec["runtime"]) as pool:
        time.sleep(spec["loading"])  # as render() loads the data while the kernels warm up
        results = pool.run(jobs, spec["out"], timeout=60, progress=False)
except Interrupted as exc:
    results, code = exc.results, exc.exit_code
Path(spec["report"]).write_text(json.dumps({r.name: r.status for r in results}))
sys.exit(code)
"""


def _job(name: str, notebook: Path, setup: str = "") -> Job:
    return Job(name, notebook, {}, "region", name, setup=setup)


def _sleeper(folder: Path, name: str) -> Path:
    """A notebook that says it started (a marker file) and then sleeps for a minute."""
    return one_cell_notebook(folder / f"{name}.ipynb",
                     f"import pathlib, time\npathlib.Path({str(folder / f'started-{name}')!r}).touch()\ntime.sleep(60)")


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


class Descendants(threading.Thread):
    """Every process below ``pid``, recorded every 50 ms until stopped (kernels start their own session)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.seen: dict[tuple[int, float], psutil.Process] = {}
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            try:
                for child in self.root.children(recursive=True):
                    self.seen.setdefault((child.pid, child.create_time()), child)
            except psutil.Error:
                pass
            time.sleep(0.05)

    def kernels(self) -> list[psutil.Process]:
        found = []
        for process in list(self.seen.values()):
            try:
                if "ipykernel_launcher" in " ".join(process.cmdline()):
                    found.append(process)
            except psutil.Error:
                pass
        return found

    def survivors(self) -> list[psutil.Process]:
        return [p for p in list(self.seen.values()) if _alive(p)]

    def gone_after(self) -> float:
        """Seconds until no recorded process is alive (at most GONE_WITHIN plus one poll)."""
        start = time.monotonic()
        while self.survivors() and time.monotonic() - start < GONE_WITHIN:
            time.sleep(0.05)
        self.done.set()
        return time.monotonic() - start

    def kill_all(self) -> None:
        self.done.set()
        for process in self.survivors():
            try:
                process.kill()
            except psutil.Error:
                pass


@pytest.fixture
def runtime():
    """A short runtime folder (ipc socket paths must stay under 108 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="mt-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def driver(tmp_path, runtime):
    """Start the driver in a session of its own; whatever happens, kill what it left afterwards."""
    started = []

    def start(jobs: list[tuple[str, Path]], workers: int, warm_up: str = "", loading: float = 0):
        spec = {"jobs": [(name, str(path)) for name, path in jobs], "workers": workers, "cwd": str(tmp_path),
                "loading": loading,
                "warm_up": warm_up, "runtime": str(runtime), "out": str(tmp_path / "out"),
                "report": str(tmp_path / "report.json")}
        process = subprocess.Popen([sys.executable, "-c", DRIVER, json.dumps(spec), str(ROOT)], cwd=ROOT, start_new_session=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        tracker = Descendants(process.pid)
        tracker.start()
        started.append((process, tracker))
        return process, tracker

    yield start
    for process, tracker in started:
        tracker.kill_all()
        if process.poll() is None:
            process.kill()
        process.communicate()


def _outputs(tmp_path: Path) -> list[str]:
    out = tmp_path / "out"
    return sorted(str(p.relative_to(out)) for p in out.rglob("*")) if out.exists() else []


@pytest.mark.parametrize(("signum", "moment", "target", "workers"), [
    pytest.param(signal.SIGTERM, "loading", "driver", 1, id="SIGTERM-loading"),  # before run(): data still loading
    pytest.param(signal.SIGINT, "warm-up", "driver", 2, id="SIGINT-warm-up"),  # run() waits for warming kernels
    # kill -TERM -<pgid>: the worker running a notebook used to survive this and write its report later
    pytest.param(signal.SIGTERM, "running", "group", 2, id="SIGTERM-group-running"),
    pytest.param(signal.SIGHUP, "running", "driver", 1, id="SIGHUP-running"),
    pytest.param(signal.SIGINT, "running", "group", 1, id="SIGINT-group-running", marks=pytest.mark.slow),  # Ctrl-C
])
def test_a_signal_cancels_the_run_and_leaves_nothing(tmp_path, runtime, driver, signum, moment, target, workers):
    quick = one_cell_notebook(tmp_path / "quick.ipynb", "print('fine')")
    if moment == "loading":
        process, tracker = driver([("a", quick)], workers, loading=60)
        _wait_for(lambda: len(tracker.kernels()) == workers, 60, "the kernel to start")
        expected, files = {}, []
    elif moment == "warm-up":
        jobs = [("a", quick), ("b", quick), ("c", quick)]
        process, tracker = driver(jobs, workers, warm_up="import time\ntime.sleep(60)")
        _wait_for(lambda: len(tracker.kernels()) == workers, 60, "the kernels to warm up")
        expected = {"a": "cancelled", "b": "cancelled", "c": "cancelled"}
        files = []
    else:  # one quick report done, one sleeping notebook per worker, one report queued
        sleepers = [f"s{i}" for i in range(1, workers + 1)]
        jobs = [("a", quick), *[(name, _sleeper(tmp_path, name)) for name in sleepers], ("b", quick)]
        process, tracker = driver(jobs, workers)
        _wait_for(lambda: all((tmp_path / f"started-{name}").exists() for name in sleepers), 60,
                  "the sleeping notebooks to run")
        expected = {"a": "ok", **dict.fromkeys(sleepers, "cancelled"), "b": "cancelled"}
        files = ["a.html", "a.ipynb"]
    assert len(tracker.kernels()) == workers and len(tracker.seen) >= 2 * workers, "workers with a kernel each"
    if target == "group":
        os.killpg(process.pid, signum)
    else:
        process.send_signal(signum)
    seconds = tracker.gone_after()
    assert tracker.survivors() == [], f"still running {seconds:.1f} s after {signal.Signals(signum).name}"
    _out, err = process.communicate(timeout=10)
    assert process.returncode == 128 + signum, err
    assert json.loads((tmp_path / "report.json").read_text()) == expected
    assert _outputs(tmp_path) == files, "only the completed reports are left in the output folder"
    assert list(runtime.iterdir()) == [], "no connection files, sockets or logs are left"
    assert "Traceback" not in err and "without encryption" not in err and "zmq" not in err.lower(), err


def test_kill_9_of_the_driver_takes_its_workers_and_kernels_along(tmp_path, runtime, driver):
    jobs = [("s1", _sleeper(tmp_path, "s1")), ("s2", _sleeper(tmp_path, "s2"))]
    process, tracker = driver(jobs, 2)
    _wait_for(lambda: (tmp_path / "started-s1").exists() and (tmp_path / "started-s2").exists(), 60,
              "both sleeping notebooks to run")
    assert len(tracker.kernels()) == 2
    process.kill()
    seconds = tracker.gone_after()
    assert tracker.survivors() == [], f"still running {seconds:.1f} s after SIGKILL"
    process.communicate(timeout=10)
    assert process.returncode == -signal.SIGKILL
    _wait_for(lambda: list(runtime.iterdir()) == [], 2, f"the workers to remove the runtime folder {list(runtime.rglob('*'))}")
    assert _outputs(tmp_path) == []


def test_a_hung_cell_times_out_and_the_next_report_does_not_wait_for_its_kernel(tmp_path, runtime):
    hung = one_cell_notebook(tmp_path / "hung.ipynb", "import time\ntime.sleep(600)")
    quick = one_cell_notebook(tmp_path / "quick.ipynb", "print(answer + 1)")
    before = {s: signal.getsignal(s) for s in SIGNALS}
    start = time.perf_counter()
    with WorkerPool(1, cwd=tmp_path, warm_up="", runtime_dir=runtime) as pool:
        results = pool.run([_job("hung", hung), _job("next", quick, setup="answer = 41")], tmp_path / "out",
                           timeout=3, progress=False)
        workers = pool.pids()
    elapsed = time.perf_counter() - start
    hung_result, next_result = results
    assert hung_result.status == "failed" and "timed out" in hung_result.error, hung_result.error
    assert next_result.status == "ok", next_result.error
    assert next_result.seconds < 15, f"the next report waited {next_result.seconds:.1f} s for the busy kernel"
    assert elapsed < 45, elapsed
    assert len(workers) == 1, "the worker lived on; only its kernel was replaced"
    saved = (tmp_path / "out" / "next.ipynb").read_text()
    assert "42" in saved and "answer = 41" not in saved and "%reset" not in saved, "setup runs but is not saved"
    failed = nbformat.read(tmp_path / "out" / "hung.failed.ipynb", as_version=4)
    assert [c.source for c in failed.cells if "time.sleep(600)" in c.source], "the failed notebook is whole"
    assert {s: signal.getsignal(s) for s in SIGNALS} == before, "signal handlers restored"
    assert list(runtime.iterdir()) == []


def test_reports_on_one_kept_kernel_share_one_connection_and_no_names(tmp_path):
    # A worker keeps its kernel and that kernel's client from one report to the next (a new client
    # costs 0.2 s of waiting per report); what one notebook defined is gone for the next, and
    # each notebook gets its own outputs.
    first = one_cell_notebook(tmp_path / "first.ipynb", "secret = 'region A'\nprint(secret)")
    second = one_cell_notebook(tmp_path / "second.ipynb", "print('secret' in globals())")
    third = one_cell_notebook(tmp_path / "third.ipynb", "print('third')")
    try:
        results = [render_one(_job(name, nb), tmp_path / "out") for name, nb in
                   (("first", first), ("second", second))]
        client = render_worker._WORKER["kc"]
        results.append(render_one(_job("third", third), tmp_path / "out"))
        assert render_worker._WORKER["kc"] is client, "the third report reused the connection"
    finally:
        shutdown_kernel()
    assert [r.status for r in results] == ["ok", "ok", "ok"], [r.error for r in results]
    outputs = {name: "".join(o.get("text", "") for c in nbformat.read(tmp_path / "out" / f"{name}.ipynb", as_version=4).cells
                             for o in c.get("outputs", []))
               for name in ("first", "second", "third")}
    assert outputs == {"first": "region A\n", "second": "False\n", "third": "third\n"}
    assert "kc" not in render_worker._WORKER, "shutting the kernel down closes its connection"


def test_a_feed_adds_jobs_while_the_pool_renders_and_a_later_job_supersedes_an_earlier(tmp_path, runtime):
    # monitor render computes the next region's sections while the workers render the ones
    # before; a region rebuilt after the wave's secondary suppression is fed again under its name.
    notebooks = {name: one_cell_notebook(tmp_path / f"{name}.ipynb",
                                         f"import time\nprint({name!r}, time.monotonic_ns())")
                 for name in ("a", "b", "c", "a2", "d", "e")}
    second = tmp_path / "second"
    steps = []

    def feed():
        steps.append("b")
        yield [_job("b", notebooks["b"])]
        steps.append("nothing")
        yield []
        again = _job("a", notebooks["a2"])
        again.out = str(second)
        steps.append("a again, c")
        yield [again, _job("c", notebooks["c"])]
        urgent = [_job("d", notebooks["d"]), _job("e", notebooks["e"])]
        for job in urgent:
            job.ahead = True
        steps.append("d, e ahead")
        yield urgent

    with WorkerPool(1, cwd=tmp_path, warm_up="", runtime_dir=runtime) as pool:
        results = pool.run([_job("a", notebooks["a"])], tmp_path / "out", progress=False, feed=feed())
    assert steps == ["b", "nothing", "a again, c", "d, e ahead"]
    assert [(r.name, r.status) for r in results] == [("a", "ok"), ("b", "ok"), ("c", "ok"), ("d", "ok"), ("e", "ok")]

    def printed(path):
        name, when = nbformat.read(path, as_version=4).cells[-1].outputs[0]["text"].split()
        return name, int(when)

    assert printed(second / "a.ipynb")[0] == "a2", "the result of a name is its latest job's, written where it said"
    # The first a was handed to the idle worker before the feed's first step: it ran, and is set aside.
    assert sorted(p.name for p in (tmp_path / "out").glob("*.ipynb")) == [f"{n}.ipynb" for n in "abcde"]
    # The feed ran to its end while the first a ran; d and e (ahead) then went before the rest, in their order.
    order = sorted(["a2", "c", "d", "e"], key=lambda n: printed(second / "a.ipynb" if n == "a2"
                                                            else tmp_path / "out" / f"{n}.ipynb")[1])
    assert order == ["d", "e", "a2", "c"]


def test_a_kernel_killed_mid_report_is_retried_once_and_others_are_unaffected(tmp_path, runtime):
    marker = tmp_path / "died-once"
    once = one_cell_notebook(tmp_path / "once.ipynb", f"import os, pathlib\nmarker = pathlib.Path({str(marker)!r})\n"
                     "if not marker.exists():\n    marker.touch()\n    os.kill(os.getpid(), 9)\nprint('survived')")
    always = one_cell_notebook(tmp_path / "always.ipynb", "import os\nos.kill(os.getpid(), 9)")
    quick = one_cell_notebook(tmp_path / "quick.ipynb", "print('fine')")
    with WorkerPool(1, cwd=tmp_path, warm_up="", runtime_dir=runtime) as pool:
        results = pool.run([_job("once", once), _job("always", always), _job("quick", quick)], tmp_path / "out",
                           progress=False)
    status = {r.name: r for r in results}
    assert marker.exists() and status["once"].status == "ok", status["once"].error
    assert "survived" in (tmp_path / "out" / "once.ipynb").read_text()
    assert status["always"].status == "failed" and "kernel died" in status["always"].error, status["always"].error
    assert status["quick"].status == "ok", status["quick"].error
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "always.failed.ipynb", "once.html", "once.ipynb", "quick.html", "quick.ipynb"]
    assert list(runtime.iterdir()) == []


@pytest.mark.slow
def test_a_dead_worker_is_one_failed_report_and_is_replaced(tmp_path, runtime):
    worker_killer = one_cell_notebook(tmp_path / "killer.ipynb", "import os\nos.kill(os.getppid(), 9)")  # the kernel's parent
    quick = one_cell_notebook(tmp_path / "quick.ipynb", "print('fine')")
    with WorkerPool(1, cwd=tmp_path, warm_up="", runtime_dir=runtime) as pool:
        first_worker = set(pool.pids())
        results = pool.run([_job("killer", worker_killer), _job("quick", quick)], tmp_path / "out", progress=False)
        replacement = set(pool.pids())
    killer, after = results
    assert killer.status == "failed" and killer.error == "worker process died (exit code -9)", killer.error
    assert after.status == "ok", after.error
    assert len(replacement) == 1 and replacement != first_worker, "the dead worker was replaced"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["quick.html", "quick.ipynb"]
    assert list(runtime.iterdir()) == []


def test_a_full_disk_leaves_no_partial_or_temporary_files(tmp_path, monkeypatch):
    good = one_cell_notebook(tmp_path / "good.ipynb", "print('good report')")
    bad = one_cell_notebook(tmp_path / "bad.ipynb", "raise ValueError('broken')")
    out = tmp_path / "out"

    def full(handle, payload):
        handle.write(payload[: len(payload) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    try:
        monkeypatch.setattr(render_worker, "_dump", full)
        result = render_one(_job("good", good), out)
        assert not result.ok and "disk full" in result.error, result.error
        failed = render_one(_job("bad", bad), out)
        assert not failed.ok and "ValueError: broken" in failed.error and "disk full" in failed.error
        assert list(out.iterdir()) == [], "no .tmp, no truncated .failed.ipynb, no half a report"
        monkeypatch.undo()
        assert not render_one(_job("bad", bad), out).ok
        assert nbformat.read(out / "bad.failed.ipynb", as_version=4).cells  # whole, valid JSON
    finally:
        shutdown_kernel()


def test_leftovers_of_dead_runs_are_removed_and_a_live_runs_are_kept(tmp_path):
    out = tmp_path / "out"
    (out / "validity_tables").mkdir(parents=True)
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(finished.stdout)  # a process that has ended: its pid is free
    live = os.getpid()
    names = [f".noord.{dead}.running.ipynb", f".zuid.{live}.running.ipynb", ".noord.html.k2j4x8.tmp",
             "validity_tables/.items.csv.a8b9c0.tmp", "noord.html", "noord.ipynb", "zuid.failed.ipynb"]
    for name in names:
        (out / name).write_text("x")
    with claim(out):  # another run is writing here now: its temporary files are not leftovers
        assert clean_leftovers(out) == [out / f".noord.{dead}.running.ipynb"]
    assert sorted(clean_leftovers(out)) == sorted([out / ".noord.html.k2j4x8.tmp",
                                                   out / "validity_tables/.items.csv.a8b9c0.tmp"])
    left = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert left == sorted([f".zuid.{live}.running.ipynb", "noord.html", "noord.ipynb", "zuid.failed.ipynb"])


def test_interrupted_carries_the_exit_code():
    assert [Interrupted(s).exit_code for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)] == [130, 143, 129]
    assert str(Interrupted(signal.SIGTERM)) == "interrupted by SIGTERM"
    assert isinstance(Interrupted(signal.SIGINT), KeyboardInterrupt)


def _measure() -> None:
    """Print how long until nothing of the driver remains, per signal: ``python -m tests.test_faults``."""
    cases = [(signal.SIGINT, "warm-up", "driver"), (signal.SIGINT, "running", "group"),
             (signal.SIGTERM, "running", "driver"), (signal.SIGTERM, "running", "group"),
             (signal.SIGHUP, "running", "driver"), (signal.SIGKILL, "running", "driver")]
    for signum, moment, target in cases:
        tmp, runtime = Path(tempfile.mkdtemp(prefix="ms-")), Path(tempfile.mkdtemp(prefix="mt-", dir="/tmp"))
        jobs = [("a", one_cell_notebook(tmp / "quick.ipynb", "print('fine')")), ("s1", _sleeper(tmp, "s1")),
                ("s2", _sleeper(tmp, "s2")), ("b", tmp / "quick.ipynb")]
        spec = {"jobs": [(n, str(p)) for n, p in jobs], "workers": 2, "cwd": str(tmp), "loading": 0,
                "warm_up": "import time\ntime.sleep(60)" if moment == "warm-up" else "", "runtime": str(runtime),
                "out": str(tmp / "out"), "report": str(tmp / "report.json")}
        process = subprocess.Popen([sys.executable, "-c", DRIVER, json.dumps(spec), str(ROOT)], cwd=ROOT,
                                   start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        tracker = Descendants(process.pid)
        tracker.start()
        if moment == "warm-up":
            _wait_for(lambda t=tracker: len(t.kernels()) == 2, 60, "kernels")
        else:
            _wait_for(lambda d=tmp: (d / "started-s1").exists() and (d / "started-s2").exists(), 60, "sleepers")
        (os.killpg if target == "group" else os.kill)(process.pid, signum)
        seconds, count = tracker.gone_after(), len(tracker.seen)
        print(f"{signal.Signals(signum).name} to the {target} during {moment}: {count} processes gone after "
              f"{seconds:.2f} s, exit {process.wait(10)}, survivors {tracker.survivors()}, "
              f"runtime files {list(runtime.rglob('*'))}", flush=True)
        tracker.kill_all()
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(runtime, ignore_errors=True)


if __name__ == "__main__":
    _measure()
