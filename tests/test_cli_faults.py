"""Faults of the command line: one line, the right exit code, no half file, no temporary file.

Exit codes (see :mod:`monitor.cli`): 2 for the user's arguments or environment, 130 when
interrupted, 141 when the reader of standard output went away. Tests that need a full or a
read-only file system mount a small tmpfs (root only) and are skipped where that is not allowed.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest

import monitor.cli
import monitor.survey.synthetic
from monitor.cli import main
from monitor.core.config import DEMO_DATA
from monitor.survey.synthetic import simulate

SMALL = ["--regions", "2", "--respondents", "3000", "--waves", "1"]  # 3,000 rows, about 0.8 MB


def _command(*args) -> list[str]:
    return [sys.executable, "-m", "monitor", *map(str, args)]


def _files(folder: Path) -> list[str]:
    """Every name in ``folder``, hidden temporary files included."""
    return sorted(os.listdir(folder))


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


def _not_called(*_args, **_kwargs):
    pytest.fail("the slow step ran although the output could be checked before it")


def _run_together(*commands, cwd: Path) -> list[subprocess.CompletedProcess]:
    """Start the commands at the same moment; wait for all of them."""
    procs = [subprocess.Popen(c, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in commands]
    results = []
    for proc, command in zip(procs, commands, strict=True):
        out, err = proc.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(command, proc.returncode, out, err))
    return results


@contextlib.contextmanager
def _tmpfs(folder: Path, options: str):
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    folder.mkdir()
    try:
        result = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                                capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        pytest.skip("no mount command")
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (no CAP_SYS_ADMIN?): {result.stderr.strip()}")
    try:
        yield folder
    finally:
        if subprocess.run(["umount", str(folder)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True)


@pytest.fixture
def full_disk(tmp_path):
    """A 64 KiB file system: the simulation (0.8 MB) cannot fit."""
    with _tmpfs(tmp_path / "full", "size=64k") as folder:
        yield folder


@pytest.fixture
def read_only(tmp_path):
    with _tmpfs(tmp_path / "ro", "ro,size=64k") as folder:
        yield folder


# --- concurrent runs -------------------------------------------------------------------------


def test_concurrent_simulations_with_force_leave_one_complete_pair(tmp_path):
    results = _run_together(*(_command("simulate", "x.csv", *SMALL, "--seed", seed, "--force") for seed in (1, 2)),
                            cwd=tmp_path)
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    assert _files(tmp_path) == ["x.csv", "x.truth.json"]
    data = pd.read_csv(tmp_path / "x.csv")  # a mixed file fails here ("Expected 67 fields ...")
    assert len(data) == 3000 and data["respondent_id"].is_unique
    seed = json.loads((tmp_path / "x.truth.json").read_text())["settings"]["seed"]
    expected = simulate(regions=2, respondents=3000, waves=1, seed=seed).responses
    assert data["respondent_id"].tolist() == expected["respondent_id"].tolist(), "data and truth from one run"


def test_concurrent_simulations_without_force_one_wins(tmp_path):
    results = _run_together(*(_command("simulate", "x.csv", *SMALL, "--seed", seed) for seed in (1, 2)), cwd=tmp_path)
    codes = sorted(r.returncode for r in results)
    assert codes == [0, 2], [r.stderr for r in results]
    loser = next(r for r in results if r.returncode == 2)
    assert "already exists" in _error_lines(loser.stderr)[-1] and "Traceback" not in loser.stderr
    assert _files(tmp_path) == ["x.csv", "x.truth.json"]
    assert len(pd.read_csv(tmp_path / "x.csv")) == 3000


def test_concurrent_scores(tmp_path):
    args = ("score", DEMO_DATA, "--by", "region,wave", "--out", "s.csv")
    forced = _run_together(_command(*args, "--force"), _command(*args, "--force"), cwd=tmp_path)
    assert [r.returncode for r in forced] == [0, 0], [r.stderr for r in forced]
    assert _files(tmp_path) == ["s.csv"]
    expected = pd.read_csv(tmp_path / "s.csv")
    assert len(expected) > 0 and {"region", "wave", "measure", "n"} <= set(expected)

    (tmp_path / "s.csv").unlink()
    plain = _run_together(_command(*args), _command(*args), cwd=tmp_path)
    assert sorted(r.returncode for r in plain) == [0, 2], [r.stderr for r in plain]
    loser = next(r for r in plain if r.returncode == 2)
    assert _error_lines(loser.stderr) == ["error: s.csv: already exists; use --force to overwrite it"]
    assert _files(tmp_path) == ["s.csv"]
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "s.csv"), expected)


# --- the no-overwrite check cannot race ----------------------------------------------------------


def _appearing(monkeypatch, target: Path):
    """Make ``target`` appear while the output is being written (after every early check)."""
    original = pd.DataFrame.to_csv

    def to_csv(self, path_or_buf=None, *args, **kwargs):
        target.write_text("someone else's file\n")
        return original(self, path_or_buf, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", to_csv)


def test_score_does_not_overwrite_a_file_that_appears_meanwhile(tmp_path, monkeypatch, capsys):
    out = tmp_path / "s.csv"
    _appearing(monkeypatch, out)
    assert main(["score", str(DEMO_DATA), "--by", "region", "--out", str(out)]) == 2
    assert _error_lines(capsys.readouterr().err) == [f"error: {out}: already exists; use --force to overwrite it"]
    assert out.read_text() == "someone else's file\n"
    assert _files(tmp_path) == ["s.csv"]


@pytest.mark.parametrize("appears", ["x.csv", "x.truth.json"])
def test_simulate_does_not_overwrite_a_file_that_appears_meanwhile(tmp_path, monkeypatch, capsys, appears):
    _appearing(monkeypatch, tmp_path / appears)
    assert main(["simulate", str(tmp_path / "x.csv"), *SMALL]) == 2
    assert _error_lines(capsys.readouterr().err)[-1] == f"error: {tmp_path / appears}: already exists; use --force to overwrite it"
    # the other file of the pair is not left behind: the data this run had published are removed again
    assert _files(tmp_path) == [appears]
    assert (tmp_path / appears).read_text() == "someone else's file\n"


# --- interruption ----------------------------------------------------------------------------------


def _interrupt(tmp_path, when) -> subprocess.CompletedProcess:
    command = _command("simulate", "x.csv", "--regions", "6", "--respondents", "40000", "--waves", "2")
    proc = subprocess.Popen(command, cwd=tmp_path, stderr=subprocess.PIPE, text=True)
    try:
        assert "simulating" in proc.stderr.readline()
        when(proc)
        proc.send_signal(signal.SIGINT)
        err = proc.stderr.read()
        proc.wait(timeout=60)
    finally:
        proc.kill()
    return subprocess.CompletedProcess(command, proc.returncode, None, err)


def test_interrupted_simulation(tmp_path):
    result = _interrupt(tmp_path, lambda proc: None)
    assert result.returncode == 130 and _error_lines(result.stderr) == ["interrupted"]
    assert _files(tmp_path) == []


def test_interrupted_while_writing_leaves_no_temporary_file(tmp_path):
    def while_writing(proc):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if any(p.name.startswith(".x.csv.") and p.stat().st_size > 0 for p in tmp_path.glob(".x.csv.*.tmp")):
                return
            time.sleep(0.005)
        pytest.fail("the data were never seen being written")

    result = _interrupt(tmp_path, while_writing)
    assert result.returncode == 130 and _error_lines(result.stderr) == ["interrupted"]
    assert _files(tmp_path) == []


def test_interrupted_write_in_process(tmp_path, monkeypatch, capsys):
    def to_csv(self, path_or_buf=None, *args, **kwargs):
        Path(path_or_buf).write_text("respondent_id,wave\nhalf")
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_csv", to_csv)
    assert main(["score", str(DEMO_DATA), "--by", "region", "--out", str(tmp_path / "s.csv")]) == 130
    assert _error_lines(capsys.readouterr().err) == ["interrupted"]
    assert _files(tmp_path) == []


# --- arguments ---------------------------------------------------------------------------------------


def test_data_and_truth_the_same_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(monitor.survey.synthetic, "simulate", _not_called)
    assert main(["simulate", str(tmp_path / "x.csv"), "--truth", str(tmp_path / "x.csv"), *SMALL]) == 2
    assert _error_lines(capsys.readouterr().err) == [
        f"error: {tmp_path / 'x.csv'}: the data and --truth cannot be the same file; choose another name"]
    assert _files(tmp_path) == []


def test_score_output_is_the_input(tmp_path, monkeypatch, capsys):
    data = tmp_path / "responses.csv"
    shutil.copy(DEMO_DATA, data)
    before = data.read_bytes()
    monkeypatch.setattr(monitor.cli, "read_responses", _not_called)
    assert main(["score", str(data), "--by", "region", "--out", str(data), "--force"]) == 2
    assert _error_lines(capsys.readouterr().err) == [f"error: {data}: --out is the input file; choose another name"]
    assert data.read_bytes() == before and _files(tmp_path) == ["responses.csv"]


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--min-group-size", "0", "must be at least 2 (a group of 1 is a person), not 0"),
    ("--min-group-size", "1", "must be at least 2 (a group of 1 is a person), not 1"),
    ("--min-group-size", "five", "not a whole number"),
    ("--min-share", "0", "must lie in (0, 1]"),
    ("--min-share", "1.5", "must lie in (0, 1]"),
    ("--min-share", "nan", "must lie in (0, 1]"),
])
def test_bad_score_options(monkeypatch, capsys, option, value, message):
    monkeypatch.setattr(monitor.cli, "read_responses", _not_called)
    with pytest.raises(SystemExit) as exit_:
        main(["score", str(DEMO_DATA), "--by", "region", option, value])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if "error:" in line]  # argparse: usage, then one error line
    assert len(errors) == 1 and errors[0].startswith(f"monitor score: error: argument {option}: {message}")
    assert "Traceback" not in err


@pytest.mark.parametrize(("option", "value"), [("--regions", "0"), ("--respondents", "-5"), ("--waves", "0")])
def test_bad_simulate_counts(tmp_path, monkeypatch, capsys, option, value):
    monkeypatch.setattr(monitor.survey.synthetic, "simulate", _not_called)
    with pytest.raises(SystemExit) as exit_:
        main(["simulate", str(tmp_path / "x.csv"), option, value])
    assert exit_.value.code == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if "error:" in line]
    assert errors == [f"monitor simulate: error: argument {option}: must be at least 1, not {value}"]
    assert _files(tmp_path) == []


def test_missing_output_folder_is_named_before_loading(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(monitor.cli, "read_responses", _not_called)
    monkeypatch.setattr(monitor.survey.synthetic, "simulate", _not_called)
    start = time.perf_counter()
    assert main(["score", str(DEMO_DATA), "--by", "region", "--out", "missing/dir/x.csv"]) == 2
    assert main(["simulate", "missing/dir/x.csv", *SMALL]) == 2
    assert time.perf_counter() - start < 1
    assert _error_lines(capsys.readouterr().err) == ["error: missing/dir: no such folder"] * 2
    assert _files(tmp_path) == []


def test_output_is_a_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(monitor.cli, "read_responses", _not_called)
    assert main(["score", str(DEMO_DATA), "--by", "region", "--out", str(tmp_path), "--force"]) == 2
    assert _error_lines(capsys.readouterr().err) == [f"error: {tmp_path}: is a folder"]


# --- a closed pipe --------------------------------------------------------------------------------


def test_score_into_a_closed_pipe_is_quiet():
    """``monitor score … | head -1``; the table (150 kB) is larger than a pipe holds."""
    score = subprocess.Popen(_command("score", DEMO_DATA, "--by", "region,wave,organisation_type"),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    head = subprocess.Popen(["head", "-1"], stdin=score.stdout, stdout=subprocess.PIPE)
    score.stdout.close()  # only head reads the pipe, so its exit closes it
    first, _ = head.communicate(timeout=120)
    err = score.stderr.read().decode()
    score.stderr.close()
    assert score.wait(timeout=120) == 141  # 128 + SIGPIPE, as for cat or seq
    assert first.decode().startswith("region,wave,organisation_type,measure")
    assert err == "", err


# --- the file system ---------------------------------------------------------------------------------


def test_disk_full_simulation(full_disk, capsys):
    assert main(["simulate", str(full_disk / "x.csv"), *SMALL]) == 2
    assert _error_lines(capsys.readouterr().err)[-1] == f"error: {full_disk / 'x.csv'}: disk full"
    assert _files(full_disk) == []


def test_disk_full_score(full_disk, capsys):
    out = full_disk / "s.csv"
    assert main(["score", str(DEMO_DATA), "--by", "region,wave,organisation_type", "--out", str(out)]) == 2
    assert _error_lines(capsys.readouterr().err) == [f"error: {out}: disk full"]
    assert _files(full_disk) == []


def test_read_only_folder_is_found_before_loading(read_only, monkeypatch, capsys):
    monkeypatch.setattr(monitor.cli, "read_responses", _not_called)
    monkeypatch.setattr(monitor.survey.synthetic, "simulate", _not_called)
    assert main(["score", str(DEMO_DATA), "--by", "region", "--out", str(read_only / "s.csv")]) == 2
    assert main(["simulate", str(read_only / "x.csv"), *SMALL]) == 2
    assert _error_lines(capsys.readouterr().err) == [f"error: {read_only}: read-only file system"] * 2
    assert _files(read_only) == []


def test_permission_denied_is_found_before_loading(monkeypatch, capsys):
    """Root ignores mode bits, so the check runs with the effective user id of ``nobody``."""
    if os.geteuid() != 0:
        pytest.skip("needs root to switch the effective user")
    folder = Path(tempfile.mkdtemp(prefix="monitor-denied-"))  # not under pytest's private tmp folder
    folder.chmod(0o755)  # nobody may enter, not write
    monkeypatch.setattr(monitor.cli, "read_responses", _not_called)
    try:
        os.seteuid(65534)
        try:
            code = main(["score", str(DEMO_DATA), "--by", "region", "--out", str(folder / "s.csv")])
        finally:
            os.seteuid(0)
        assert code == 2
        assert _error_lines(capsys.readouterr().err) == [f"error: {folder}: permission denied"]
        assert _files(folder) == []
    finally:
        shutil.rmtree(folder)


def test_table_export_failing_leaves_nothing(tmp_path, monkeypatch):
    from monitor.analyses.tables import export_table

    def to_csv(self, path_or_buf=None, *args, **kwargs):
        Path(path_or_buf).write_text("half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", to_csv)
    with pytest.raises(OSError):
        export_table(pd.DataFrame({"a": [1.0]}), "t", tmp_path, "A table")
    assert _files(tmp_path) == []
