"""`make lab` as the README describes it: JupyterLab on the project with its own kernel.

The server is started headless through the Makefile target (on a free port, with a token), asked
over HTTP for its kernelspecs, a notebook and the reports folder, given a kernel to start, and then
stopped; no process it started may be left.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import nbformat
import psutil
import pytest

from monitor.core.config import KERNEL_NAME, PROJECT_ROOT

pytestmark = pytest.mark.slow

STARTUP_SECONDS = 180  # a patience for a loaded machine, not a speed requirement (benchmarks measure speed)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Lab:
    def __init__(self, base: str, token: str):
        self.base, self.token = base, token

    def get(self, path: str, token: bool = True):
        request = urllib.request.Request(self.base + path)
        if token:
            request.add_header("Authorization", f"token {self.token}")
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.geturl(), response.read()

    def json(self, path: str, method: str = "GET", body: dict | None = None):
        request = urllib.request.Request(self.base + path, method=method,
                                         data=None if body is None else json.dumps(body).encode())
        request.add_header("Authorization", f"token {self.token}")
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read() or b"null")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    port, token = _free_port(), secrets.token_hex(16)
    log = tmp_path_factory.mktemp("lab") / "lab.log"
    lab_args = (f"--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port={port} --ServerApp.port_retries=0 "
                f"--IdentityProvider.token={token}")
    # The venv running these tests is the one `make test` installed (-o: do not reinstall it here).
    command = ["make", "--no-print-directory", "-o", f"{sys.prefix}/.installed", "lab", f"VENV={sys.prefix}",
               f"LAB_ARGS={lab_args}"]
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(log.parent / "runtime")}
    with log.open("w") as out:
        make = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True, env=env)
    client = Lab(f"http://127.0.0.1:{port}", token)
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            client.get("/api/status")
            break
        except (urllib.error.URLError, ConnectionError):
            if make.poll() is not None or time.monotonic() > deadline:
                os.killpg(make.pid, signal.SIGKILL) if make.poll() is None else None
                pytest.fail(f"make lab did not start (exit {make.poll()}):\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
    client.make, client.log = make, log
    yield client
    if make.poll() is None:  # a failing test: stop it anyway
        os.killpg(make.pid, signal.SIGKILL)
        make.wait()


def _command_line(process) -> str:
    """A process's command line; "" for one that ended meanwhile (a short-lived helper the server
    started, seen between its exit and its reaping, has none to read)."""
    try:
        return " ".join(process.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied):  # ZombieProcess is a NoSuchProcess
        return ""


def test_lab_serves_the_project_kernel_and_notebooks_then_stops_cleanly(lab):
    specs = lab.json("/api/kernelspecs")
    assert KERNEL_NAME in specs["kernelspecs"], sorted(specs["kernelspecs"])
    assert specs["default"] == KERNEL_NAME
    # The kernel is the venv's own interpreter, the one that has the monitor package.
    assert specs["kernelspecs"][KERNEL_NAME]["spec"]["argv"][0] == sys.executable

    notebook = lab.json("/api/contents/notebooks/validity.ipynb?content=1")
    assert notebook["type"] == "notebook"
    on_disk = nbformat.read(PROJECT_ROOT / "notebooks" / "validity.ipynb", as_version=4)
    assert len(notebook["content"]["cells"]) == len(on_disk.cells)
    assert notebook["content"]["metadata"]["kernelspec"]["name"] == KERNEL_NAME

    # The file browser opens at notebooks/; reports/ (rendered notebooks) is reachable from there.
    status, url, _ = lab.get(f"/?token={lab.token}", token=False)
    assert status == 200 and urllib.parse.urlsplit(url).path == "/lab/tree/notebooks", url
    reports = lab.json("/api/contents/reports")
    assert reports["type"] == "directory" and "README.md" in {f["name"] for f in reports["content"]}

    # Without the token nothing is served.
    with pytest.raises(urllib.error.HTTPError) as refused:
        lab.get("/api/kernelspecs", token=False)
    assert refused.value.code == 403

    # A kernel of the project starts, and it runs the venv's interpreter with the package importable.
    kernel = lab.json("/api/kernels", "POST", {"name": KERNEL_NAME})
    server = psutil.Process(lab.make.pid)
    deadline = time.monotonic() + STARTUP_SECONDS
    while not [p for p in server.children(recursive=True) if kernel["id"] in _command_line(p)]:
        assert time.monotonic() < deadline, "the kernel process did not appear"
        time.sleep(0.2)
    started = [server, *server.children(recursive=True)]
    kernel_process = next(p for p in started if kernel["id"] in _command_line(p))
    assert Path(kernel_process.cmdline()[0]) == Path(sys.executable)

    # Stopped as a terminal's Ctrl-C / a logout would stop it: nothing it started is left.
    os.killpg(lab.make.pid, signal.SIGTERM)
    lab.make.wait(timeout=60)
    gone, alive = psutil.wait_procs(started, timeout=30)
    assert alive == [], [(p.pid, p.cmdline()) for p in alive]
    with pytest.raises(urllib.error.URLError):
        lab.get("/api/status")
