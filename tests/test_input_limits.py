"""Hostile and huge inputs: one clear line and exit code 2, within a memory cap, quickly.

Every hostile file is built small in a temporary folder. The checks run in ONE worker
subprocess under ``RLIMIT_AS`` (:data:`MEMORY_CAP`), which calls ``monitor check`` for each
file in turn (``monitor.cli.main``, standard error captured), so a regression that tries to
materialise a sheet or a header fails here instead of exhausting the machine, and the file
costs a single interpreter start. A few cases (a symbolic link loop, ``<(cat file)``) run the
real command line under the same cap.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import textwrap
import threading
import zipfile
from pathlib import Path

import pytest

from monitor.survey.sources import MAX_COLUMNS, MAX_COMPRESSION_RATIO, MAX_FIELD_CHARS, MAX_MESSAGE_CHARS

from .conftest import raw_frame

MEMORY_CAP = 2 * 2**30
ROOT = Path(__file__).resolve().parent.parent


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


# -- hostile files -------------------------------------------------------------------------
_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                  'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                  'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>')
_ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
              '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
              '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
             '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
             '<sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_BOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
              '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
              '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats'
               '.org/spreadsheetml/2006/main">')


def _xlsx(path: Path, sheet_body: str | bytes, padding: int = 0) -> Path:
    """A minimal workbook written by hand, so that hostile sheets stay a few hundred bytes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _BOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(_SHEET_HEAD.encode())
            sheet.write(sheet_body.encode() if isinstance(sheet_body, str) else sheet_body)
            for _ in range(padding // 2**20):  # white space a parser must wade through: a zip bomb
                sheet.write(b" " * 2**20)
            sheet.write(b"</worksheet>")
    return path


def _far_cell(dimension: str | None) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'{dim}<sheetData><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'


def _cells(n: int) -> str:
    rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{col}{r}"><v>{r * 100 + i}</v></c>' for i, col in
                                             enumerate("ABCDEFGHIJ")) + "</row>" for r in range(1, n // 10 + 1))
    return f"<sheetData>{rows}</sheetData>"


def _csv_lines(path: Path, header: str, rows: list[str] = ()) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _feed_fifo(path: Path, data: bytes) -> threading.Thread:
    """A FIFO with a writer thread that blocks until the reader opens it, then writes and closes."""
    os.mkfifo(path)

    def write():
        try:
            with open(path, "wb") as handle:
                for start in range(0, len(data), 65536):
                    handle.write(data[start:start + 65536])
        except BrokenPipeError:  # the reader refused the pipe without reading it all
            pass

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


WORKER = textwrap.dedent("""
    import contextlib, io, json, sys, time, traceback
    import monitor.survey.xlsx as data  # the module that reads the limits patched below
    from monitor.cli import main
    results = {}
    for case in json.loads(sys.argv[1]):
        saved = {k: getattr(data, k) for k in case.get("patch", {})}
        for k, v in case.get("patch", {}).items():
            setattr(data, k, v)
        err, out = io.StringIO(), io.StringIO()
        start = time.perf_counter()
        try:
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
                code = main(case["argv"])
        except BaseException:
            code, err = None, io.StringIO(traceback.format_exc())
        finally:
            for k, v in saved.items():
                setattr(data, k, v)
        results[case["id"]] = {"code": code, "stderr": err.getvalue(), "stdout": out.getvalue(),
                               "seconds": time.perf_counter() - start}
    print(json.dumps(results))
""")


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory, small_sim):
    """Build every hostile file, then run ``monitor check`` on each in one capped worker."""
    tmp = tmp_path_factory.mktemp("hostile")
    good = raw_frame(small_sim)
    columns = list(good.columns)
    good_csv = good.to_csv(index=False)
    bad = good.copy()
    bad.loc[3, "gw2"] = "7"
    cases: dict[str, dict] = {}

    def case(key, path, **extra):
        cases[key] = {"id": key, "argv": ["check", str(path)], **extra}
        return path

    case("xlsx_used_range", _xlsx(tmp / "xfd.xlsx", _far_cell("A1:XFD1048576")))
    case("xlsx_lying_dimension", _xlsx(tmp / "lying.xlsx", _far_cell("A1")))
    case("xlsx_no_dimension", _xlsx(tmp / "nodim.xlsx", _far_cell(None)))
    case("xlsx_cell_limit", _xlsx(tmp / "cells.xlsx", _cells(2000)), patch={"MAX_CELLS": 5})
    case("xlsx_zip_bomb", _xlsx(tmp / "bomb.xlsx", "<sheetData/>", padding=64 * 2**20))
    case("xlsx_unpacked_size", _xlsx(tmp / "big.xlsx", _cells(2000)), patch={"MAX_XLSX_BYTES": 10_000})
    long_name = "x" * 200_000
    case("csv_long_header_field", _csv_lines(tmp / "longhead.csv", f"respondent_id,{long_name},wave", ["a,b,2024"]))
    body = good.head(3).copy()
    body.loc[1, "open_goed"] = "y" * 200_000
    case("csv_long_body_field", tmp / "longbody.csv")
    body.to_csv(tmp / "longbody.csv", index=False)
    case("csv_million_columns", _csv_lines(tmp / "wide.csv", ",".join(f"c{i}" for i in range(1_000_000))))
    taken = {c.lower() for c in columns}
    unknown = [name for i in range(30_000)
               if (name := f"{chr(97 + i // 2600 % 26)}{chr(97 + i // 100 % 26)}{i % 100}") not in taken][:20_000]
    case("csv_unknown_item_columns", tmp / "unknown.csv")
    wide = good.head(5).copy()
    extra = wide.reindex(columns=unknown, fill_value="3")
    wide.join(extra).to_csv(tmp / "unknown.csv", index=False)
    case("symlink_loop", tmp / "loop.csv")
    os.symlink(tmp / "loop2.csv", tmp / "loop.csv")
    os.symlink(tmp / "loop.csv", tmp / "loop2.csv")
    case("dangling_symlink", tmp / "gone.csv")
    os.symlink(tmp / "nowhere.csv", tmp / "gone.csv")
    case("directory", tmp / "folder.csv")
    (tmp / "folder.csv").mkdir()
    writers = [
        _feed_fifo(case("fifo_good", tmp / "good_fifo.csv"), good_csv.encode()),
        _feed_fifo(case("fifo_bad", tmp / "bad_fifo.csv"), bad.to_csv(index=False).encode()),
        _feed_fifo(case("fifo_empty", tmp / "empty_fifo.csv"), b""),
        _feed_fifo(case("fifo_xlsx", tmp / "book_fifo.xlsx"), (tmp / "cells.xlsx").read_bytes()),
    ]
    result = subprocess.run([sys.executable, "-c", WORKER, json.dumps(list(cases.values()))], capture_output=True,
                            text=True, cwd=ROOT, preexec_fn=_cap_memory, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    for writer in writers:
        writer.join(timeout=10)
    found = json.loads(result.stdout.strip().splitlines()[-1])
    for key, outcome in found.items():
        outcome["path"] = cases[key]["argv"][1]
    return found


def _failed(outcome: dict, *expected: str) -> str:
    """Exit code 2, one line on standard error, no traceback, short, holding every part."""
    assert outcome["code"] == 2, outcome["stderr"][-2000:]
    lines = outcome["stderr"].strip().splitlines()
    assert len(lines) == 1, outcome["stderr"][-2000:]
    line = lines[0]
    assert line.startswith("error: ") and "Traceback" not in line
    message = line.removeprefix("error: ")
    assert len(message) <= MAX_MESSAGE_CHARS, (len(message), message)
    assert outcome["path"] in message
    for part in expected:
        assert part in message, message
    return message


# -- Excel ---------------------------------------------------------------------------------
def test_xlsx_absurd_used_range_is_refused_before_parsing(outcomes):
    _failed(outcomes["xlsx_used_range"], "used range A1:XFD1048576", "1,048,576 rows x 16,384 columns",
            "17,179,869,184 cells")
    assert outcomes["xlsx_used_range"]["seconds"] < 2


@pytest.mark.parametrize("key", ["xlsx_lying_dimension", "xlsx_no_dimension"])
def test_xlsx_far_cell_without_honest_dimension_streams(outcomes, key):
    # Streaming, the sheet's one cell is its header: no instrument column, nothing materialised.
    _failed(outcomes[key], "missing required column(s): respondent_id")
    assert outcomes[key]["seconds"] < 5


def test_xlsx_cells_counted_while_streaming(outcomes):
    _failed(outcomes["xlsx_cell_limit"], "more than 5 cells")


def test_xlsx_zip_bomb(outcomes):
    message = _failed(outcomes["xlsx_zip_bomb"], "xl/worksheets/sheet1.xml", "zip bomb")
    ratio = int(message.split("compressed ")[1].split(" : 1")[0].replace(",", ""))
    assert ratio > MAX_COMPRESSION_RATIO


def test_xlsx_total_unpacked_size(outcomes):
    _failed(outcomes["xlsx_unpacked_size"], "the workbook unpacks to", "MiB allowed")


def test_xlsx_from_a_pipe_is_refused_honestly(outcomes):
    _failed(outcomes["fifo_xlsx"], "cannot be read from a pipe", "save it as a file")


# -- CSV -----------------------------------------------------------------------------------
def test_long_header_field(outcomes):
    _failed(outcomes["csv_long_header_field"], "row 1, column 2", "200,000 characters", f"{MAX_FIELD_CHARS:,}")


def test_long_body_field(outcomes):
    _failed(outcomes["csv_long_body_field"], "row 3, column open_goed", "200,000 characters")


def test_million_column_header(outcomes):
    _failed(outcomes["csv_million_columns"], "1,000,000 columns", f"{MAX_COLUMNS:,} allowed")
    assert outcomes["csv_million_columns"]["seconds"] < 10


def test_many_unknown_item_like_columns(outcomes):
    _failed(outcomes["csv_unknown_item_columns"], "20,000 unknown columns look like items", "'aa0'",
            "and 19,997 more")
    assert outcomes["csv_unknown_item_columns"]["seconds"] < 10


# -- what is not a regular file ------------------------------------------------------------
def test_fifo_is_streamed(outcomes):
    outcome = outcomes["fifo_good"]
    assert outcome["code"] == 0, outcome["stderr"]
    # The whole stream was read: all 600 respondents (2 waves of 300), in 3 regions.
    assert outcome["stdout"].splitlines()[1].startswith("600 respondents in 2 wave(s), 3 region(s)"), outcome["stdout"]


def test_fifo_with_bad_data_names_row_and_column(outcomes):
    _failed(outcomes["fifo_bad"], "value outside the scale 1-5 in column gw2", "row 5", "'7'")


def test_empty_fifo(outcomes):
    _failed(outcomes["fifo_empty"], "the file is empty")


def test_symlink_loop(outcomes):
    _failed(outcomes["symlink_loop"], "symbolic link loop")


def test_dangling_symlink(outcomes):
    _failed(outcomes["dangling_symlink"], "symbolic link to a file that does not exist")


def test_directory(outcomes):
    _failed(outcomes["directory"], "is a folder")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_permission_denied(tmp_path, small_csv):
    small_csv.chmod(0)
    outcome = _cli(["check", str(small_csv)])
    _failed(outcome, "permission denied")


def test_permission_denied_as_root_too(small_csv, monkeypatch):
    import errno

    import monitor.survey.sources
    from monitor import DataError, load_responses

    def refuse(*_args, **_kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(small_csv))

    monkeypatch.setattr(monitor.survey.sources.os, "open", refuse)
    with pytest.raises(DataError, match=r"responses\.csv: permission denied$"):
        load_responses(small_csv)


def _cli(argv: list[str], shell: str | None = None) -> dict:
    command = ["bash", "-c", shell] if shell else [sys.executable, "-m", "monitor", *argv]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, preexec_fn=_cap_memory, timeout=120)
    return {"code": result.returncode, "stderr": result.stderr, "path": argv[-1] if argv else ""}


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash for <(...)")
def test_process_substitution_is_streamed(tmp_path, small_csv):
    monitor = f"{sys.executable} -m monitor"
    result = subprocess.run(["bash", "-c", f'{monitor} check <(cat "{small_csv}")'], capture_output=True, text=True,
                            cwd=ROOT, preexec_fn=_cap_memory, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "600 respondents in 2 wave(s)" in result.stdout


def test_every_case_is_quick(outcomes):
    """Each hostile file is dealt with in seconds (run with -s to see the figures)."""
    for key, outcome in sorted(outcomes.items()):
        first = (outcome["stderr"].strip().splitlines() or [""])[0]
        print(f"{key:<26} {outcome['seconds']:6.2f} s  exit {outcome['code']}  {first[:150]}")
        assert outcome["seconds"] < 10, key


# -- the streaming readers keep what the whole-file readers did ----------------------------
def _numbered(small_sim, copies: int):
    """The small simulation repeated, with respondent ids kept unique within a wave."""
    import pandas as pd

    frame = raw_frame(small_sim)
    parts = []
    for k in range(copies):
        part = frame.copy()
        part["respondent_id"] = part["respondent_id"] + f"-{k}"
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def test_cp1252_after_the_first_megabyte_switches_while_streaming(tmp_path, small_sim):
    from monitor import load_responses

    frame = _numbered(small_sim, 8).map(lambda v: v.encode("ascii", "ignore").decode())
    frame.loc[len(frame) - 1, "organisation"] = "Coöperatie Zorg én Welzijn"
    path = tmp_path / "late.csv"
    frame.to_csv(path, index=False, encoding="cp1252")
    assert path.stat().st_size > 2**20 and path.read_bytes()[: 2**20].isascii()
    loaded = load_responses(path)
    assert loaded["organisation"].iloc[-1] == "Coöperatie Zorg én Welzijn"


def test_utf8_then_cp1252_is_read_again_as_cp1252_or_refused_from_a_pipe(tmp_path, small_sim):
    from monitor import DataError, load_responses

    frame = _numbered(small_sim, 8)
    frame.loc[0, "organisation"] = "Coöperatie"
    frame.loc[len(frame) - 1, "organisation"] = "Zorg én Welzijn"
    data = frame.iloc[:-1].to_csv(index=False).encode("utf-8") + frame.iloc[-1:].to_csv(
        index=False, header=False).encode("cp1252")
    assert len(data) > 2**20 and not data[:100_000].isascii()
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    loaded = load_responses(path)  # as before: a file that is not all UTF-8 is cp1252 throughout
    assert loaded["organisation"].iloc[-1] == "Zorg én Welzijn"
    assert loaded["organisation"].iloc[0] == "Coöperatie".encode().decode("cp1252")
    writer = _feed_fifo(tmp_path / "mixed_fifo.csv", data)
    with pytest.raises(DataError, match="partly UTF-8 and partly another encoding"):
        load_responses(tmp_path / "mixed_fifo.csv")
    writer.join(timeout=10)


@pytest.mark.parametrize("encoding, sep", [("utf-16", ","), ("utf-8", "\t"), ("utf-8-sig", ";")])
def test_encodings_and_delimiters(tmp_path, small_sim, encoding, sep):
    from monitor import load_responses

    path = tmp_path / "export.csv"
    raw_frame(small_sim).to_csv(path, index=False, sep=sep, encoding=encoding)
    assert len(load_responses(path)) == 600


def test_short_rows_are_padded_and_long_rows_refused(tmp_path, small_sim):
    from monitor import DataError, load_responses

    lines = raw_frame(small_sim).to_csv(index=False).splitlines()
    short = next(i for i, line in enumerate(lines) if i > 1 and line.endswith(",,"))
    lines[short] = lines[short][:-2]  # no open answers: old Excel drops such trailing separators
    path = tmp_path / "short.csv"
    path.write_text("\n".join(lines) + "\n")
    loaded = load_responses(path)
    assert loaded["open_goed"].isna().iloc[short - 1] and loaded["open_anders"].isna().iloc[short - 1]
    lines[7] += ",extra"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError, match="not a well-formed table: .*Expected 67 fields"):
        load_responses(path)


def _rich_workbook(path: Path, frame) -> Path:
    """A workbook written with inline rich-text strings and a comment: the fast reader hands
    such a sheet to expat, which must give the same frame."""
    from xml.sax.saxutils import escape

    def letters(i):
        name = ""
        i += 1
        while i:
            i, r = divmod(i - 1, 26)
            name = chr(65 + r) + name
        return name

    rows = []
    for r, values in enumerate([list(frame.columns), *frame.to_numpy().tolist()], start=1):
        cells = "".join(f'<c r="{letters(i)}{r}" t="inlineStr"><is><r><t>{escape(str(v))}</t></r></is></c>'
                        for i, v in enumerate(values) if v != "")
        rows.append(f'<row r="{r}">{cells}</row>')
    return _xlsx(path, "<!-- written by hand --><sheetData>" + "".join(rows) + "</sheetData>")


def test_xlsx_fast_reader_and_expat_agree(tmp_path, small_sim, small_csv):
    import pandas as pd

    from monitor import load_responses

    reference = load_responses(small_csv)
    fast = tmp_path / "fast.xlsx"
    small_sim.responses.to_excel(fast, index=False)  # openpyxl's XML: the fast reader's
    pd.testing.assert_frame_equal(load_responses(fast), reference)
    rich = _rich_workbook(tmp_path / "rich.xlsx", raw_frame(small_sim))
    pd.testing.assert_frame_equal(load_responses(rich), reference)


def test_xlsx_rows_are_the_sheets_own_numbers(tmp_path, small_sim):
    import numpy as np
    import pandas as pd

    from monitor import DataError, load_responses

    frame = small_sim.responses.copy()
    frame.loc[5, "respondent_id"] = frame.loc[3, "respondent_id"]
    blank = pd.DataFrame([[np.nan] * frame.shape[1]], columns=frame.columns)
    frame = pd.concat([frame.iloc[:1], blank, frame.iloc[1:]], ignore_index=True)  # sheet row 3 is empty
    path = tmp_path / "gap.xlsx"
    frame.to_excel(path, index=False)
    with pytest.raises(DataError, match=r"duplicate respondent_id within a wave .* rows 6, 8 "):
        load_responses(path)
