"""Survey exports as sources of cells: the limits, opening a file, encodings and CSV.

The lowest layer of reading survey data (:mod:`monitor.survey.responses` puts it together): it
imports nothing else of the survey wing. Every problem is a :class:`DataError` with one line
for the user; the helpers that keep such a line short live here as well.

Bounded input
-------------
Exports can be huge, and a file can be hostile. Reading is therefore streamed and checked
against limits *before* the expensive step, each breach reported as one ``DataError`` line:

- the header is read and checked first (at most :data:`MAX_COLUMNS` columns, every field at
  most :data:`MAX_FIELD_CHARS` characters, the line at most :data:`MAX_HEADER_BYTES`), and
  the columns are matched to the instrument before a single data row is parsed;
- a CSV body is decoded block by block (UTF-8, switching to cp1252 on the spot where all
  before was ASCII; UTF-16 after a BOM) and parsed in chunks of about :data:`CHUNK_CELLS`
  cells by pandas' C parser (the parser of old, so quoting, short rows and its error
  messages stay as they were); each chunk becomes compact columns at once (``int8`` codes in
  one preallocated array per column, categories, Arrow strings), so the text is never held
  whole: memory is about the size of the result (about the size of the file), not a multiple
  of it. A FIFO or ``/dev/fd/N`` is read once, front to back, never seeked;
- an ``.xlsx`` workbook is checked as a zip (total unpacked size at most
  :data:`MAX_XLSX_BYTES`, no member above 1 MiB compressed more than
  :data:`MAX_COMPRESSION_RATIO` : 1), its sheet's ``<dimension>`` (used range at most
  :data:`MAX_CELLS` cells) is checked before anything is parsed, and the sheet XML is then
  streamed, counting cells as they come, so a missing or lying dimension cannot make it
  materialise more than :data:`MAX_CELLS` cells either; only the instrument's columns are
  kept (:mod:`monitor.survey.xlsx`);
- an SPSS file's dictionary is read first (at most :data:`MAX_COLUMNS` variables), then only
  the instrument's variables, in chunks (:mod:`monitor.survey.spss`);
- "did you mean" suggestions are looked up for at most :data:`MAX_SUGGESTIONS` unknown
  columns, lists say "and N more", and a message, file name included, is at most about
  :data:`MAX_MESSAGE_CHARS` characters.

A reader
--------
Each file format has one function that opens its reading: :func:`csv_reader` here,
:func:`monitor.survey.xlsx.xlsx_reader` and :func:`monitor.survey.spss.sav_reader`. It takes
``header_plan(names, row)``, which turns the header into a plan (an object with ``width``, the
columns of the header, and ``wanted``, column key -> 0-based position: a
:class:`monitor.survey.validation.Plan`) or raises, and returns ``(plan, offset, batches,
estimate)``: what to add to a 0-based data row to get the row a user sees, an iterator of
``(columns, n_rows, row_numbers or None)`` with cells as text, and ``estimate(n)``, the rows to
expect in all once ``n`` are in (or None).
"""

from __future__ import annotations

import codecs
import csv
import errno
import hashlib
import io
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..core.files import describe_os_error

__all__ = ["DataError", "Source", "open_source", "require_random_access", "file_fingerprint", "csv_reader",
           "csv_header", "read_prefix", "TextStream", "Reencode", "one_line_error", "listing", "listed_rows",
           "row_list", "shorten", "quote_value", "CSV_SUFFIXES", "EXCEL_SUFFIXES", "SPSS_SUFFIXES", "MAX_COLUMNS",
           "MAX_FIELD_CHARS", "MAX_HEADER_BYTES", "MAX_CELLS", "MAX_XLSX_BYTES", "MAX_COMPRESSION_RATIO",
           "MAX_MESSAGE_CHARS", "MAX_SUGGESTIONS", "MAX_LISTED_ROWS", "MAX_CACHED_TEXTS", "CHUNK_CELLS", "READ_BLOCK"]

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
SPSS_SUFFIXES = {".sav", ".zsav"}
#: Row numbers a message lists before "and N more".
MAX_LISTED_ROWS = 5

#: Columns in a header. Excel stops at 16,384 and real exports have a few hundred; the limit
#: only has to stop absurd headers early (a million columns) while costing nothing below it.
MAX_COLUMNS = 100_000
#: Characters in one field (a header name or a cell). Excel's own limit for a cell, so every
#: export that went through Excel fits; a longer field is a broken file, not an open answer.
MAX_FIELD_CHARS = 32_767
#: Bytes of the header line (row 1) of a CSV file, read before anything else.
MAX_HEADER_BYTES = 16 * 2**20
#: Cells of an Excel sheet: the used range (rows x columns) and the cells met while streaming.
#: 1,000,000 respondents x 100 columns; larger exports belong in CSV or SPSS files.
MAX_CELLS = 100_000_000
#: Total unpacked size of an ``.xlsx`` workbook (a 1,000,000-row sheet of 67 columns unpacks
#: to about 2.3 GB of XML, which is streamed, never held).
MAX_XLSX_BYTES = 4 * 2**30
#: Unpacked / packed size of any workbook member above 1 MiB. Real sheets pack 5-20 : 1; a
#: zip bomb packs about 1000 : 1.
MAX_COMPRESSION_RATIO = 100
#: Length of an error message, file name included (at least 120 characters are left for the
#: problems); longer lists end in "and N more".
MAX_MESSAGE_CHARS = 300
#: Unknown columns for which a close instrument id ("did you mean") is looked up.
MAX_SUGGESTIONS = 20
#: Cells parsed per chunk of a CSV file or per batch of an Excel or SPSS file.
CHUNK_CELLS = 4_000_000

#: Distinct cell texts remembered per look-up (a sheet's numbers, a column's answers).
MAX_CACHED_TEXTS = 100_000
#: Bytes read from a file at a time.
READ_BLOCK = 1 << 20
_MAX_EXAMPLE_CHARS = 40


class DataError(ValueError):
    """Survey data that cannot be used as it is. The message is one line for the user."""


def listed_rows(rows, offset: int) -> str:
    """``rows 2, 5 and 3 more``: 0-based positions plus ``offset`` as the rows a user sees."""
    rows = [int(r) + offset for r in rows]
    return row_list(rows[:MAX_LISTED_ROWS], len(rows))


def row_list(first: list[int], count: int) -> str:
    """``rows 2, 5, 9 and 3 more``: the first few of ``count`` rows.

    >>> row_list([2, 5, 9, 11, 12], 8)
    'rows 2, 5, 9, 11, 12 and 3 more'
    """
    shown = ", ".join(str(r) for r in first[:MAX_LISTED_ROWS])
    more = f" and {count - MAX_LISTED_ROWS:,} more" if count > MAX_LISTED_ROWS else ""
    word = "row" if count == 1 else "rows"
    return f"{word} {shown}{more}"


def listing(names: list[str], limit: int = 10) -> str:
    """``a, b, c and 12 more``: a list that stays short however long it is."""
    shown = [shorten(n) for n in names[:limit]]
    more = f" and {len(names) - limit:,} more" if len(names) > limit else ""
    return ", ".join(shown) + more


def shorten(text: str, limit: int = _MAX_EXAMPLE_CHARS) -> str:
    """``text`` cut to ``limit`` characters, an ellipsis marking the cut."""
    text = str(text)
    return text if len(text) <= limit else text[:limit] + "…"


def quote_value(value) -> str:
    """A cell value for a message: its repr, cut to a few dozen characters."""
    return repr(shorten(value))


def one_line_error(name: str, problems: list[str]) -> DataError:
    """One line: the file name and as many problems as fit in :data:`MAX_MESSAGE_CHARS`."""
    budget = max(MAX_MESSAGE_CHARS - len(name) - 2, 120)
    shown: list[str] = []
    used = 0
    for i, problem in enumerate(problems):
        left = len(problems) - i - 1
        tail = len(f"; and {left:,} more problems") if left else 0
        if used + len(problem) + 2 + tail > budget:
            if not shown:
                shown.append(problem[:max(budget - tail - 1, 40)] + "…")
            rest = len(problems) - len(shown)
            if rest:
                shown.append(f"and {rest:,} more problem{'s' if rest > 1 else ''}")
            break
        shown.append(problem)
        used += len(problem) + 2
    line = "; ".join(shown)
    return DataError(f"{name}: {' '.join(line.split())}")


def file_fingerprint(path: str | Path) -> str:
    """SHA-256 of a file's bytes, to trace every reported number to its data file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(READ_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


# -- opening -------------------------------------------------------------------------------
_OS_CAUSES = {errno.ENOENT: "file not found", errno.ELOOP: "symbolic link loop (too many levels of symbolic links)",
              errno.EACCES: "permission denied", errno.EPERM: "permission denied",
              errno.ENOTDIR: "a part of the path is not a folder", errno.ENAMETOOLONG: "file name too long",
              errno.EISDIR: "is a folder, not a data file"}


def _os_problem(exc: OSError, name: str) -> DataError:
    cause = _OS_CAUSES.get(exc.errno)
    if cause is None:
        return DataError(describe_os_error(exc, name))
    if exc.errno == errno.ENOENT and os.path.islink(name):
        cause = "symbolic link to a file that does not exist"
    return DataError(f"{name}: {cause}")


@dataclass
class Source:
    """An opened input: a binary handle, whether it is a regular (seekable) file, its kind."""

    name: str
    handle: io.BufferedReader
    regular: bool
    kind: str
    size: int | None


def open_source(path: Path) -> Source:
    """Open ``path`` once for reading, with one-line errors for everything that is not a file."""
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _os_problem(exc, name) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise DataError(f"{name}: is a folder, not a data file")
        regular = stat.S_ISREG(info.st_mode)
        handle = os.fdopen(fd, "rb", buffering=READ_BLOCK)
    except BaseException:
        os.close(fd)
        raise
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        kind = "csv"
    elif suffix in EXCEL_SUFFIXES:
        kind = "xlsx"
    elif suffix in SPSS_SUFFIXES:
        kind = "sav"
    elif not regular and not suffix:
        kind = "csv"  # a pipe such as <(cat export.csv) has no suffix; its content decides below
    else:
        handle.close()
        raise DataError(f"{name}: unsupported file type {suffix or '(none)'}; use .csv, .xlsx or .sav")
    if regular and info.st_size == 0:
        handle.close()
        raise DataError(f"{name}: the file is empty")
    return Source(name, handle, regular, kind, info.st_size if regular else None)


def require_random_access(source: Source, what: str) -> None:
    """Refuse a pipe or device for a format that needs seeking (``what``: "an Excel workbook")."""
    if not source.regular:
        raise DataError(f"{source.name}: {what} cannot be read from a pipe or device (it needs random access); "
                        "save it as a file first, or export it as CSV")


# -- CSV -----------------------------------------------------------------------------------
class Reencode(Exception):  # noqa: N818 - control flow, never shown
    """The file turned out not to be UTF-8 after non-ASCII UTF-8 text had been passed on."""


class TextStream(io.TextIOBase):
    """Decode a byte stream block by block for the CSV parser: read once, front to back.

    UTF-8 is tried first; when undecodable bytes turn up and everything before them was ASCII,
    decoding switches to cp1252 on the spot (so a pipe needs no second pass); after non-ASCII
    UTF-8 it raises :class:`Reencode` and the caller starts again as cp1252 where it can.
    Every byte also goes into ``digest``; NUL bytes mean the file is not text.
    """

    def __init__(self, raw, prefix: bytes, encoding: str, name: str, digest):
        super().__init__()
        self._raw, self._pending, self._name, self._digest = raw, prefix, name, digest
        self.encoding_used = encoding
        self._decoder = codecs.getincrementaldecoder(encoding)()
        self._ascii_so_far = True
        self._text = ""
        self._eof = False
        self.consumed = len(prefix)
        digest.update(prefix)

    def readable(self) -> bool:
        return True

    def _block(self) -> bytes:
        if self._pending:
            block, self._pending = self._pending, b""
            return block
        block = self._raw.read(READ_BLOCK)
        self._digest.update(block)
        self.consumed += len(block)
        return block

    def _fill(self) -> None:
        block = self._block()
        final = not block
        if block and self.encoding_used != "utf-16" and b"\x00" in block:
            raise DataError(f"{self._name}: unreadable encoding: the file is not text "
                            "(save it as CSV in UTF-8, or give the .xlsx or .sav file itself)")
        if self.encoding_used == "utf-8" and block.isascii() and not self._decoder.getstate()[0]:
            self._text += block.decode("ascii")
        else:
            self._text += self._decode(block, final)
        self._eof = final

    def _decode(self, block: bytes, final: bool) -> str:
        try:
            text = self._decoder.decode(block, final)
        except UnicodeDecodeError as exc:
            if self.encoding_used == "utf-16":
                raise DataError(f"{self._name}: unreadable encoding (broken UTF-16 text)") from exc
            if self.encoding_used == "utf-8":
                if not self._ascii_so_far:
                    raise Reencode from exc
                self.encoding_used = "cp1252"
                self._decoder = codecs.getincrementaldecoder("cp1252")()
                return self._decode(block, final)
            raise DataError(f"{self._name}: unreadable encoding: neither UTF-8 nor Windows-1252 (cp1252)") from exc
        if self._ascii_so_far and not text.isascii():
            self._ascii_so_far = False
        return text

    def read(self, size: int | None = -1) -> str:
        size = -1 if size is None else size
        while not self._eof and (size < 0 or len(self._text) < size):
            self._fill()
        if size < 0 or size >= len(self._text):
            out, self._text = self._text, ""
        else:
            out, self._text = self._text[:size], self._text[size:]
        return out


def read_prefix(source: Source) -> bytes:
    """The first block, extended until it holds the header line (or the limit, or the end)."""
    prefix = source.handle.read(READ_BLOCK)
    utf16 = prefix.startswith((b"\xff\xfe", b"\xfe\xff"))
    while True:
        head = prefix[:MAX_HEADER_BYTES + 4]
        if utf16:
            found = any(p in head for p in (b"\n\x00", b"\x00\n", b"\r\x00", b"\x00\r"))
        else:
            found = b"\n" in head or b"\r" in head
        if found or len(prefix) > MAX_HEADER_BYTES:
            return prefix
        block = source.handle.read(READ_BLOCK)
        if not block:
            return prefix
        prefix += block


def _first_line(text: str) -> str:
    match = re.search(r"[\r\n]", text)
    return text if match is None else text[:match.start()]


def csv_header(prefix: bytes, name: str, encoding: str | None = None) -> tuple[str, str, list[str]]:
    """Encoding, delimiter and header fields, from the first bytes of a CSV file."""
    if encoding is not None:
        text = prefix[:MAX_HEADER_BYTES + 4].decode(encoding, "replace")
    elif prefix.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
        try:
            text = codecs.getincrementaldecoder("utf-16")().decode(prefix[:MAX_HEADER_BYTES + 4])
        except UnicodeDecodeError as exc:
            raise DataError(f"{name}: unreadable encoding (broken UTF-16 text)") from exc
    else:
        if b"\x00" in prefix:
            raise DataError(f"{name}: unreadable encoding: the file is not text "
                            "(save it as CSV in UTF-8, or give the .xlsx or .sav file itself)")
        body = prefix[3:] if prefix.startswith(codecs.BOM_UTF8) else prefix
        end = re.search(rb"[\r\n]", body)
        line = body if end is None else body[:end.start()]
        try:
            # The whole first block decides where it can: cp1252 text usually shows early.
            codecs.getincrementaldecoder("utf-8")().decode(body[:READ_BLOCK])
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1252"
        try:
            text = line.decode(encoding)
        except UnicodeDecodeError:
            try:
                encoding, text = "cp1252", line.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise DataError(f"{name}: unreadable encoding: neither UTF-8 nor Windows-1252 (cp1252)") from exc
    header = _first_line(text.lstrip("\ufeff"))
    if len(header.encode("utf-8", "replace")) > MAX_HEADER_BYTES:
        raise DataError(f"{name}: the header line (row 1) is longer than {MAX_HEADER_BYTES // 2**20} MiB; "
                        "this is not a survey export")
    if not header.strip():
        if not text.strip():
            raise DataError(f"{name}: the file is empty")
        raise DataError(f"{name}: row 1 (the header) is empty")
    sep = max(["\t", ";", ","], key=header.count)
    previous = csv.field_size_limit()
    try:
        csv.field_size_limit(max(previous, len(header) + 1))
        names = next(csv.reader([header], delimiter=sep))
    except csv.Error as exc:
        raise DataError(f"{name}: not a well-formed table: row 1 (the header): {exc}") from exc
    finally:
        csv.field_size_limit(previous)
    return encoding, sep, names


def csv_reader(source: Source, header_plan, digest, encoding: str | None = None):
    """The reading of a CSV file (see "A reader" above); every byte goes into ``digest``.

    ``encoding`` forces the encoding (a second pass as cp1252 after :class:`Reencode`).
    """
    name = source.name
    prefix = read_prefix(source)
    if not prefix:
        raise DataError(f"{name}: the file is empty")
    if prefix.startswith(b"PK\x03\x04") and not source.regular:
        raise DataError(f"{name}: this is an Excel workbook, which cannot be read from a pipe or device; "
                        "save it as a file first, or export it as CSV")
    encoding, sep, names = csv_header(prefix, name, encoding)
    plan = header_plan(names, 1)
    stream = TextStream(source.handle, prefix, encoding, name, digest)

    def estimate(n: int) -> float | None:  # rows so far x file size / bytes so far (read ahead by a block)
        if not source.regular or not stream.consumed:
            return None
        return n * source.size / max(stream.consumed - READ_BLOCK, stream.consumed / 2)

    return plan, 2, _csv_batches(source, plan.width, plan.wanted, stream, sep), estimate


def _csv_batches(source: Source, width: int, wanted: dict[str, int], stream: TextStream, sep: str):
    """Yield ``(columns, n_rows, None)`` chunks of the ``wanted`` columns as arrays of ``str``."""
    rows = max(100, CHUNK_CELLS // max(width, 1))
    try:
        reader = pd.read_csv(stream, sep=sep, header=None, names=list(range(width)), skiprows=1,
                             dtype=object, na_filter=False, keep_default_na=False, quoting=csv.QUOTE_MINIMAL,
                             skip_blank_lines=True, chunksize=rows, engine="c")
        with reader:
            for chunk in reader:
                yield {key: chunk[index].to_numpy(dtype=object) for key, index in wanted.items()}, len(chunk), None
    except pd.errors.ParserError as exc:
        raise DataError(f"{source.name}: not a well-formed table: {shorten(' '.join(str(exc).split()), 160)}") from exc
    except pd.errors.EmptyDataError:
        return
    while stream.read(READ_BLOCK):  # the rest of the stream, for the fingerprint
        pass
