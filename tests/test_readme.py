"""Every shell block of README.md runs as written, top to bottom, in a fresh shell.

Each ```bash block is run by ``bash -euo pipefail`` with nothing activated and a clean ``PATH``
(no venv on it), in a folder that mirrors the project (a symbolic link per top-level entry), so
that files a block writes into the current folder (``scores.csv``, ``sim.csv``) land in a
temporary folder while ``data/``, ``notebooks/`` and ``.venv/`` are the project's own. ``reports/`` is a
real folder of the mirror, named to the commands by ``MONITOR_REPORTS_DIR``: ``make reports`` writes
there, never over an adviser's renders in the checkout's ``reports/``.
The blocks run in README order, as a newcomer would (``monitor audit`` reads what
``make reports`` wrote). A block is skipped only for a reason stated in :data:`SKIPPED`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from monitor.core.config import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"

#: A block holding one of these commands is not run here, for the reason given.
SKIPPED = {
    "make test": "runs this very test suite (CI runs it: .ci/run)",
    "make lab": "starts a server that runs until stopped; tests/test_lab.py starts it headless, fetches its "
                "kernelspecs and a notebook over HTTP and stops it",
}
#: Blocks with one of these commands take more than a few seconds (notebooks, a whole wave).
SLOW = ("make", "render", "papermill", "simulate", "python -m monitor.screenshots")


def shell_blocks(text: str) -> list[str]:
    """The ```bash (or ```sh / ```shell) fenced blocks of a Markdown text, in order."""
    return [m.group(2) for m in re.finditer(r"^```(bash|sh|shell)[ \t]*\n(.*?)^```[ \t]*$", text, re.M | re.S)]


def _commands(block: str) -> list[str]:
    """The commands of a block: continuation lines joined, comments and blank lines dropped."""
    joined = re.sub(r"\\\n\s*", " ", block)
    return [line.split(" #")[0].strip() for line in joined.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


BLOCKS = shell_blocks(README.read_text(encoding="utf-8"))


def _skip_reason(block: str) -> str | None:
    for command, reason in SKIPPED.items():
        if any(c == command or c.startswith(command + " ") for c in _commands(block)):
            return reason
    return None


def _param(index: int, block: str):
    commands = _commands(block)
    marks = []
    reason = _skip_reason(block)
    if reason:
        marks.append(pytest.mark.skip(reason=reason))
    elif any(word in c for c in commands for word in SLOW):
        marks.append(pytest.mark.slow)
    return pytest.param(block, id=f"{index}:{commands[0][:50] if commands else 'empty'}", marks=marks)


@pytest.fixture(scope="module")
def mirror(tmp_path_factory) -> Path:
    """A folder that looks like the project root to a shell, with the project's own files in it."""
    root = tmp_path_factory.mktemp("readme")
    for entry in PROJECT_ROOT.iterdir():
        if entry.name not in (".git", ".pytest_cache", ".ruff_cache", "reports"):
            (root / entry.name).symlink_to(entry)
    (root / "reports").mkdir()
    return root


def _fresh_environment(mirror: Path) -> dict[str, str]:
    """A login-like environment: no venv activated, no Python paths inherited from pytest; the
    default reports folder is the mirror's own ``reports/``."""
    keep = ("HOME", "LANG", "LC_ALL", "TERM", "TMPDIR", "USER")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin"
    env["MONITOR_REPORTS_DIR"] = str(mirror / "reports")
    return env


def test_readme_has_runnable_blocks_and_skips_only_for_stated_reasons():
    assert len(BLOCKS) >= 5
    commands = [c for block in BLOCKS for c in _commands(block)]
    # The newcomer's path: set-up through make, every other command through the venv's path.
    for command in commands:
        first = command.split()[0]
        assert first == "make" or first.startswith(".venv/bin/"), f"README command not runnable in a fresh shell: {command!r}"
    for needed in ("make test", "make reports", "make lab"):
        assert needed in commands, needed
    skipped = [b for b in BLOCKS if _skip_reason(b)]
    assert all(len(_commands(b)) == 1 for b in skipped), "a skipped block holds only the command it is skipped for"


@pytest.mark.parametrize("block", [_param(i, b) for i, b in enumerate(BLOCKS)])
def test_readme_block_runs_as_written(block, mirror):
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=mirror, env=_fresh_environment(mirror),
                          capture_output=True, text=True, timeout=3600)
    assert done.returncode == 0, f"exit {done.returncode}\n--- block\n{block}\n--- stderr\n{done.stderr[-3000:]}"
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    if "make reports" in _commands(block):
        _check_reports_written(mirror / "reports")


def _check_reports_written(reports: Path):
    """What the README says `make reports` writes: every report of the latest demo wave, with an index."""
    from monitor.core.config import DEMO_DATA
    from monitor.render.plan import peek_regions

    waves = sorted(p for p in reports.iterdir() if p.is_dir() and p.name.isdigit())
    latest = waves[-1]
    status = json.loads((latest / "status.json").read_text())
    assert (latest / "index.html").is_file()
    assert {r["kind"] for r in status} == {"validity", "thesis", "region"}
    assert all(r["ok"] for r in status), [(r["name"], r["error"]) for r in status if not r["ok"]]
    regions = [r["name"] for r in status if r["kind"] == "region"]
    assert len(regions) == len(peek_regions(DEMO_DATA))
    for name in regions:
        assert all((latest / f"{name}.{kind}").is_file() for kind in ("html", "pdf", "json", "ipynb")), name
    for name in ("validity", "collaboration_factors"):
        assert (latest / f"{name}.html").is_file() and (latest / f"{name}.ipynb").is_file()
