"""Loading survey exports and validating them against the instrument.

:func:`load_responses` reads the files users really have (CSV with comma, semicolon or tab,
UTF-8 with or without BOM, cp1252 or UTF-16 with BOM, Dutch decimal commas; Excel ``.xlsx``;
SPSS ``.sav`` with value labels), in wide layout (one row per respondent per wave). Answers
may be codes (``4``) or labels (``Mee eens``); "weet niet / n.v.t." becomes missing.

Every problem with the input raises :class:`DataError` with one line that names the file and
the rows and columns concerned. Row numbers are those a user sees in a spreadsheet: row 1 is
the header, the first respondent is row 2 (for SPSS files: case numbers, from 1).

The checks are hand-written rather than done with a schema library such as pandera: the
messages must be single lines in the users' terms (rows as in the spreadsheet, an item id
that looks mistyped, the allowed labels), and the answer columns need parsing (labels and
codes, missing codes) before any schema could apply.

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
  kept. The sheet is read by a regular expression for the XML that Excel, LibreOffice,
  openpyxl and XlsxWriter write (each chunk verified to hold nothing else), and otherwise by
  expat; a DTD is refused;
- an SPSS file's dictionary is read first (at most :data:`MAX_COLUMNS` variables), then only
  the instrument's variables, in chunks;
- "did you mean" suggestions are looked up for at most :data:`MAX_SUGGESTIONS` unknown
  columns, lists say "and N more", and a message, file name included, is at most about
  :data:`MAX_MESSAGE_CHARS` characters.

Excel cells formatted as dates are read as their serial numbers (styles are not read); no
survey variable of the instrument is a date.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import ctypes
import difflib
import errno
import hashlib
import html
import io
import itertools
import os
import re
import stat
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

import numpy as np
import pandas as pd

from ..core.files import describe_os_error
from .instrument import Instrument, _fold, load_instrument

__all__ = ["DataError", "load_responses", "read_table", "item_matrix", "file_fingerprint",
           "summarise_responses", "MAX_COLUMNS", "MAX_FIELD_CHARS", "MAX_HEADER_BYTES", "MAX_CELLS",
           "MAX_XLSX_BYTES", "MAX_COMPRESSION_RATIO", "MAX_MESSAGE_CHARS", "MAX_SUGGESTIONS"]

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
SPSS_SUFFIXES = {".sav", ".zsav"}
MAX_LISTED_ROWS = 5
ITEM_LIKE = re.compile(r"^[a-z]{2}[_\-. ]?\d{1,2}[a-z]?$", re.IGNORECASE)

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

_BLOCK = 1 << 20
_MAX_EXAMPLE_CHARS = 40
_SMALL_MEMBER = 1 << 20


class DataError(ValueError):
    """Survey data that cannot be used as it is. The message is one line for the user."""


def _rows(rows, offset: int) -> str:
    rows = [int(r) + offset for r in rows]
    return _row_list(rows[:MAX_LISTED_ROWS], len(rows))


def _row_list(first: list[int], count: int) -> str:
    shown = ", ".join(str(r) for r in first[:MAX_LISTED_ROWS])
    more = f" and {count - MAX_LISTED_ROWS:,} more" if count > MAX_LISTED_ROWS else ""
    word = "row" if count == 1 else "rows"
    return f"{word} {shown}{more}"


def _listing(names: list[str], limit: int = 10) -> str:
    """``a, b, c and 12 more``: a list that stays short however long it is."""
    shown = [_shorten(n) for n in names[:limit]]
    more = f" and {len(names) - limit:,} more" if len(names) > limit else ""
    return ", ".join(shown) + more


def _shorten(text: str, limit: int = _MAX_EXAMPLE_CHARS) -> str:
    text = str(text)
    return text if len(text) <= limit else text[:limit] + "…"


def _example(value) -> str:
    """A cell value for a message: its repr, cut to a few dozen characters."""
    return repr(_shorten(value))


def _error(name: str, problems: list[str]) -> DataError:
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
        for block in iter(lambda: handle.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def _as_text(value) -> str:
    """A cell as the text a user would see; integral floats lose their '.0'."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


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
class _Source:
    """An opened input: a binary handle, whether it is a regular (seekable) file, its kind."""

    name: str
    handle: io.BufferedReader
    regular: bool
    kind: str
    size: int | None


def _open(path: Path) -> _Source:
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
        handle = os.fdopen(fd, "rb", buffering=_BLOCK)
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
    return _Source(name, handle, regular, kind, info.st_size if regular else None)


def _not_from_pipe(source: _Source, what: str) -> None:
    if not source.regular:
        raise DataError(f"{source.name}: {what} cannot be read from a pipe or device (it needs random access); "
                        "save it as a file first, or export it as CSV")


# -- CSV -----------------------------------------------------------------------------------
class _SheetProblem(DataError):
    """A problem met inside a workbook part; the file name is put in front where it is caught."""


class _Reencode(Exception):  # noqa: N818 - control flow, never shown
    """The file turned out not to be UTF-8 after non-ASCII UTF-8 text had been passed on."""


class _TextStream(io.TextIOBase):
    """Decode a byte stream block by block for the CSV parser: read once, front to back.

    UTF-8 is tried first; when undecodable bytes turn up and everything before them was ASCII,
    decoding switches to cp1252 on the spot (so a pipe needs no second pass); after non-ASCII
    UTF-8 it raises :class:`_Reencode` and the caller starts again as cp1252 where it can.
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
        block = self._raw.read(_BLOCK)
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
                    raise _Reencode from exc
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


def _read_prefix(source: _Source) -> bytes:
    """The first block, extended until it holds the header line (or the limit, or the end)."""
    prefix = source.handle.read(_BLOCK)
    utf16 = prefix.startswith((b"\xff\xfe", b"\xfe\xff"))
    while True:
        head = prefix[:MAX_HEADER_BYTES + 4]
        if utf16:
            found = any(p in head for p in (b"\n\x00", b"\x00\n", b"\r\x00", b"\x00\r"))
        else:
            found = b"\n" in head or b"\r" in head
        if found or len(prefix) > MAX_HEADER_BYTES:
            return prefix
        block = source.handle.read(_BLOCK)
        if not block:
            return prefix
        prefix += block


def _first_line(text: str) -> str:
    match = re.search(r"[\r\n]", text)
    return text if match is None else text[:match.start()]


def _csv_header(prefix: bytes, name: str, encoding: str | None = None) -> tuple[str, str, list[str]]:
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
            codecs.getincrementaldecoder("utf-8")().decode(body[:_BLOCK])
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


def _csv_batches(source: _Source, plan: _Plan, stream: _TextStream, sep: str):
    """Yield ``(columns, n_rows, None)`` chunks of the instrument's columns as arrays of ``str``."""
    rows = max(100, CHUNK_CELLS // max(plan.width, 1))
    try:
        reader = pd.read_csv(stream, sep=sep, header=None, names=list(range(plan.width)), skiprows=1,
                             dtype=object, na_filter=False, keep_default_na=False, quoting=csv.QUOTE_MINIMAL,
                             skip_blank_lines=True, chunksize=rows, engine="c")
        with reader:
            for chunk in reader:
                yield {key: chunk[index].to_numpy(dtype=object) for key, index in plan.wanted.items()}, len(chunk), None
    except pd.errors.ParserError as exc:
        raise DataError(f"{source.name}: not a well-formed table: {_shorten(' '.join(str(exc).split()), 160)}") from exc
    except pd.errors.EmptyDataError:
        return
    while stream.read(_BLOCK):  # the rest of the stream, for the fingerprint
        pass


# -- Excel ---------------------------------------------------------------------------------
_CELL_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
_NUMBER_CACHE_SIZE = 100_000


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index


def _range_size(ref: str) -> tuple[int, int] | None:
    """Rows and columns of an A1-style range such as ``A1:XFD1048576``; None if unreadable."""
    parts = ref.upper().split(":")
    cells = [_CELL_REF.match(p.strip()) for p in parts]
    if not 1 <= len(cells) <= 2 or not all(cells):
        return None
    (c1, r1), (c2, r2) = (cells[0].groups(), cells[-1].groups())
    return abs(int(r2) - int(r1)) + 1, abs(_column_index(c2) - _column_index(c1)) + 1


def _excel_number(raw: str) -> str:
    text = raw.strip()
    digits = text[1:] if text[:1] == "-" else text
    if digits.isdigit():
        return str(int(text))
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value)) if value.is_integer() and abs(value) < 2**53 else str(value)


def _reject_doctype(*_args) -> None:
    raise _SheetProblem("the workbook's XML declares a document type (DTD), which Excel never writes")


def _expat() -> expat.XMLParserType:
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = 1 << 16
    parser.StartDoctypeDeclHandler = _reject_doctype
    return parser


def _parse_member(zf: zipfile.ZipFile, member: str, parser, name: str) -> None:
    with _workbook_errors(name, member), zf.open(member) as handle:
        while block := handle.read(_BLOCK):
            parser.Parse(block, False)
        parser.Parse(b"", True)


@contextlib.contextmanager
def _workbook_errors(name: str, where: str):
    """A sheet's problem, or a broken workbook (XML, zip, I/O), as one-line :class:`DataError`."""
    try:
        yield
    except _SheetProblem as exc:
        raise DataError(f"{name}: {exc}") from None
    except DataError:
        raise
    except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise DataError(f"{name}: cannot be read as an Excel workbook ({type(exc).__name__}: "
                        f"{_shorten(str(exc), 80)} in {where})") from exc


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


class _Workbook:
    """The parts of an ``.xlsx`` needed to stream its first sheet, after the zip checks."""

    def __init__(self, source: _Source, sheet: str | int | None = None):
        _not_from_pipe(source, "an Excel workbook")
        self.name = name = source.name
        try:
            self.zip = zipfile.ZipFile(source.handle)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise DataError(f"{name}: cannot be read as an Excel workbook ({type(exc).__name__}: "
                            f"{_shorten(str(exc), 80)})") from exc
        total = sum(info.file_size for info in infos)
        if total > MAX_XLSX_BYTES:
            raise DataError(f"{name}: the workbook unpacks to {total / 2**20:,.0f} MiB, more than the "
                            f"{MAX_XLSX_BYTES / 2**20:,.0f} MiB allowed (a zip bomb?); export it as CSV")
        for info in infos:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > _SMALL_MEMBER and ratio > MAX_COMPRESSION_RATIO:
                raise DataError(f"{name}: {_shorten(info.filename, 60)} in the workbook is compressed "
                                f"{ratio:,.0f} : 1, more than the {MAX_COMPRESSION_RATIO} : 1 of any real sheet "
                                "(a zip bomb?)")
        self.members = {info.filename for info in infos}
        self.sheet, self.shared = self._locate(sheet)

    def _small_xml(self, member: str):
        import xml.etree.ElementTree as ET

        data = self.zip.read(member)
        if len(data) > 16 * 2**20 or b"<!DOCTYPE" in data[:4096].upper():
            raise DataError(f"{self.name}: cannot be read as an Excel workbook ({member} is not a workbook part)")
        return ET.fromstring(data)

    def _locate(self, chosen: str | int | None = None) -> tuple[str, str | None]:
        """The first sheet (as pandas' ``sheet_name=0``), or the one ``chosen`` (name or 1-based
        number), and the shared strings, from the rels."""
        try:
            book = self._small_xml("xl/workbook.xml")
            rels = {r.get("Id"): (r.get("Target", ""), r.get("Type", ""))
                    for r in self._small_xml("xl/_rels/workbook.xml.rels")}
        except KeyError as exc:
            raise DataError(f"{self.name}: cannot be read as an Excel workbook (no {exc.args[0]})") from None
        except Exception as exc:  # ElementTree.ParseError and friends
            if isinstance(exc, DataError):
                raise
            raise DataError(f"{self.name}: cannot be read as an Excel workbook ({type(exc).__name__}: "
                            f"{_shorten(str(exc), 80)})") from exc

        def member(target: str) -> str:
            return target.lstrip("/") if target.startswith("/") else "xl/" + target

        sheets = [el for el in book.iter() if _local(el.tag) == "sheet"]
        sheet = None
        if chosen is not None:  # --sheet (a mapping's sheet:)
            from .platforms import _sheet_name

            title = _sheet_name([el.get("name", "") for el in sheets], chosen, Path(self.name))
            sheets = [el for el in sheets if el.get("name", "") == title]
        if sheets:
            rid = next((v for k, v in sheets[0].attrib.items() if _local(k) == "id"), None)
            if rid in rels:
                sheet = member(rels[rid][0])
        sheet = sheet or "xl/worksheets/sheet1.xml"
        if sheet not in self.members:
            raise DataError(f"{self.name}: cannot be read as an Excel workbook (its first sheet {sheet} is missing)")
        shared = next((member(t) for t, kind in rels.values() if kind.endswith("/sharedStrings")), None)
        if shared is None and "xl/sharedStrings.xml" in self.members:
            shared = "xl/sharedStrings.xml"
        return sheet, shared if shared in self.members else None

    def check_dimension(self) -> int | None:
        """Reject an absurd used range (``<dimension ref=...>``) before parsing anything; its rows."""
        with self.zip.open(self.sheet) as handle:
            head = handle.read(64 * 1024).decode("utf-8", "replace")
        head = head.split("sheetData", 1)[0]
        match = re.search(r"<(?:\w+:)?dimension\s[^>]*?ref\s*=\s*[\"']([^\"']+)[\"']", head)
        size = _range_size(match.group(1)) if match else None
        if size is None:
            return None  # no (readable) dimension: the streaming limits below still hold
        rows, cols = size
        if cols > MAX_COLUMNS or rows * cols > MAX_CELLS:
            raise DataError(f"{self.name}: the sheet's used range {_shorten(match.group(1), 30)} spans {rows:,} rows x "
                            f"{cols:,} columns ({rows * cols:,} cells), more than the {MAX_CELLS:,} cells allowed; "
                            "delete the stray cells far from the data, or export it as CSV")
        return rows

    def shared_strings(self) -> list[str]:
        if self.shared is None:
            return []
        strings: list[str] = []
        parts: list[str] = []
        state = {"t": False, "rph": 0}
        parser = _expat()

        def start(tag, _attrs):
            tag = tag.rsplit(":", 1)[-1]
            if tag == "t" and not state["rph"]:
                state["t"] = True
            elif tag == "rPh":
                state["rph"] += 1

        def end(tag):
            tag = tag.rsplit(":", 1)[-1]
            if tag == "t":
                state["t"] = False
            elif tag == "rPh":
                state["rph"] -= 1
            elif tag == "si":
                strings.append("".join(parts).strip())
                parts.clear()

        def chars(data):
            if state["t"]:
                parts.append(data)
                if len(parts) > 4 and sum(map(len, parts)) > MAX_FIELD_CHARS:
                    raise _SheetProblem(f"shared string {len(strings)} is longer than {MAX_FIELD_CHARS:,} characters")

        parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, chars
        _parse_member(self.zip, self.shared, parser, self.name)
        return strings


def _xlsx_rows(book: _Workbook, strings: list[str], on_header, batch_rows, header_row: int = 1):
    """Stream the first sheet with expat: call ``on_header(names, row)`` for the first non-blank
    row, which returns the wanted column indices (1-based) in order; then yield batches
    ``(one object array per wanted column, the sheet's row numbers)`` with cells as text."""
    name = book.name
    parser = _expat()
    numbers: dict[str, str] = {}
    st = {"row": 0, "col": 0, "t": None, "collect": False, "in_is": False, "rph": 0, "cells": 0,
          "ref": "", "has_value": False}
    buf: list[str] = []
    header: dict[int, str] | None = {}
    slots: dict[int, int] = {}
    width = 0
    n_slots = 0
    current: list[str] = []
    batch: list[tuple] = []
    numbers_of_rows: list[int] = []
    done: list[tuple[list, list]] = []

    def fail(message: str):
        raise _SheetProblem(message)

    def start(tag, attrs):
        nonlocal current
        if ":" in tag:
            tag = tag.rsplit(":", 1)[1]
        if tag == "c":
            st["cells"] += 1
            if st["cells"] > MAX_CELLS:
                fail(f"the sheet holds more than {MAX_CELLS:,} cells; export it as CSV")
            ref = attrs.get("r")
            if ref:
                letters = ref.rstrip("0123456789").lstrip("$")
                col = _column_index(letters) if letters.isalpha() and letters.isupper() else st["col"] + 1
            else:
                col = st["col"] + 1
            st["col"], st["t"], st["ref"] = col, attrs.get("t"), ref or ""
            buf.clear()
        elif tag == "v":
            st["collect"] = True
        elif tag == "t":
            st["collect"] = st["in_is"] and not st["rph"]
        elif tag == "row":
            ref = attrs.get("r")
            st["row"] = int(ref) if ref and ref.isdigit() else st["row"] + 1
            st["col"], st["has_value"] = 0, False
            if header is None:
                current = [""] * n_slots
        elif tag == "is":
            st["in_is"] = True
        elif tag == "rPh":
            st["rph"] += 1

    def end(tag):
        nonlocal header, width, current, n_slots
        if ":" in tag:
            tag = tag.rsplit(":", 1)[1]
        if tag == "v" or tag == "t":
            st["collect"] = False
        elif tag == "c":
            raw = "".join(buf) if buf else ""
            col = st["col"]
            if header is not None:
                if col > MAX_COLUMNS:
                    fail(f"the header (row {st['row']}) has more than {MAX_COLUMNS:,} columns")
                if raw or st["t"] == "inlineStr":
                    text = _cell_text(raw, st["t"])
                    if text:
                        header[col] = text
                return
            slot = slots.get(col)
            if slot is None:
                if raw:
                    st["has_value"] = True
                return
            kind = st["t"]
            if kind is None or kind == "n":
                text = numbers.get(raw)
                if text is None:
                    text = _excel_number(raw)
                    if len(numbers) < _NUMBER_CACHE_SIZE:
                        numbers[raw] = text
            else:
                text = _cell_text(raw, kind)
            if text:
                current[slot] = text
                st["has_value"] = True
        elif tag == "row":
            if header is not None:
                if header and st["row"] < header_row:  # a title block above --header-row
                    header.clear()
                if header:
                    width = max(header)
                    names = [header.get(i, "") for i in range(1, width + 1)]
                    header = None
                    wanted = on_header(names, st["row"])
                    slots.update({col: i for i, col in enumerate(wanted)})
                    n_slots = len(wanted)
                return
            if st["has_value"]:
                batch.append(tuple(current))
                numbers_of_rows.append(st["row"])
                if len(batch) >= batch_rows:
                    done.append((_columns(batch, n_slots), numbers_of_rows.copy()))
                    batch.clear()
                    numbers_of_rows.clear()
        elif tag == "is":
            st["in_is"] = False
        elif tag == "rPh":
            st["rph"] -= 1

    def chars(data):
        if st["collect"]:
            buf.append(data)
            if len(buf) > 4 and sum(map(len, buf)) > MAX_FIELD_CHARS:
                fail(f"cell {_shorten(st['ref'], 12) or '?'} (row {st['row']}) holds more than "
                     f"{MAX_FIELD_CHARS:,} characters")

    def _cell_text(raw: str, kind: str | None) -> str:
        if kind == "s":
            try:
                return strings[int(raw)]
            except (ValueError, IndexError):
                fail(f"cell {st['ref'] or '?'} refers to shared string {_shorten(raw, 12)!r}, which does not exist")
        if kind == "b":
            return "True" if raw.strip() == "1" else "False"
        if kind == "e":
            return ""  # #N/A and friends: what pandas read as missing
        if kind is None or kind == "n":
            return _excel_number(raw)
        if len(raw) > MAX_FIELD_CHARS:
            fail(f"cell {st['ref'] or '?'} (row {st['row']}) holds more than {MAX_FIELD_CHARS:,} characters")
        return raw.strip()  # inlineStr, str (formula result), d (ISO date)

    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, chars
    with _workbook_errors(name, book.sheet), book.zip.open(book.sheet) as handle:
        while True:
            block = handle.read(_BLOCK)
            parser.Parse(block, not block)
            yield from done
            done.clear()
            if not block:
                break
    if header is not None:
        raise DataError(f"{name}: the file is empty (its first sheet has no cells)")
    if batch:
        yield _columns(batch, n_slots), numbers_of_rows


def _columns(rows: list[tuple], width: int) -> list[np.ndarray]:
    """Rows of cells as one object array per column."""
    out = []
    for values in (zip(*rows, strict=True) if rows else [() for _ in range(width)]):
        array = np.empty(len(values), dtype=object)
        array[:] = values
        out.append(array)
    return out


class _Fallback(Exception):  # noqa: N818 - control flow, never shown
    """The sheet holds XML the fast reader does not take on; expat reads it instead."""


# One cell as Excel, LibreOffice, openpyxl and XlsxWriter write it: r, then s, t, ... in this
# order, an optional formula, then a value or an inline string. Anything else (comments,
# CDATA, rich text, prefixes, other attribute orders) is detected and read by expat.
_FAST_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})(\d{1,7})"(?: s="\d+")?(?: t="([A-Za-z]+)")?(?: cm="\d+")?(?: vm="\d+")?(?: ph="[01]")?'
    rb'(?:/>|>(?:<f>[^<]*</f>|<f [^>]*/>|<f [^>]*>[^<]*</f>)?'
    rb'(?:<v>([^<]*)</v>|<is><t(?: xml:space="preserve")?>([^<]*)</t></is>)?</c>)')
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:")
_FAST_BLOCK = 8 * 2**20
_MAX_FAST_ROW = 64 * 2**20


def _xml_text(raw: bytes) -> str:
    text = raw.decode("utf-8")
    return (html.unescape(text) if "&" in text else text).strip()


def _xlsx_fast(book: _Workbook, strings: list[str], on_header, batch_rows: int, header_row: int = 1):
    """Like :func:`_xlsx_rows`, but a regular expression finds the cells, chunk by chunk, and
    numpy places them: several times faster than expat's one Python call per tag. Each chunk
    is verified (every ``<c`` matched, no comment or CDATA); otherwise :class:`_Fallback`."""
    shared = np.array(strings, dtype=object)
    column_of: dict[bytes, int] = {}
    numbers: dict[bytes, str] = {}
    state = {"slots": None, "cells": 0}
    pending: list[tuple[list[np.ndarray], np.ndarray]] = []

    def texts(kinds: np.ndarray, values: np.ndarray, inline: np.ndarray, refs) -> np.ndarray:
        out = np.empty(len(kinds), dtype=object)
        kind_codes, kind_names = pd.factorize(kinds)
        for i, kind in enumerate(kind_names):
            which = kind_codes == i
            if kind in (b"", b"n"):
                codes, distinct = pd.factorize(values[which])
                lut = np.empty(len(distinct), dtype=object)
                for j, raw in enumerate(distinct):
                    text = numbers.get(raw)
                    if text is None:
                        text = _excel_number(raw.decode("ascii", "replace"))
                        if len(numbers) < _NUMBER_CACHE_SIZE:
                            numbers[raw] = text
                    lut[j] = text
                out[which] = lut[codes]
            elif kind == b"s":
                try:
                    index = values[which].astype("S").astype(np.int64)
                    out[which] = shared[index]
                except (ValueError, IndexError):
                    raise _SheetProblem("a cell refers to a shared string that does not exist") from None
            elif kind == b"b":
                out[which] = np.where(values[which] == b"1", "True", "False")
            elif kind == b"e":
                out[which] = ""
            else:  # inlineStr; str (a formula's text), d (an ISO date)
                raw = inline[which] if kind == b"inlineStr" else values[which]
                decoded = [_xml_text(v) for v in raw]
                for j, text in enumerate(decoded):
                    if len(text) > MAX_FIELD_CHARS:
                        ref = refs(np.flatnonzero(which)[j])
                        raise _SheetProblem(f"cell {ref} holds more than {MAX_FIELD_CHARS:,} characters")
                out[which] = decoded
        return out

    def chunk(region: bytes) -> None:
        cells = _FAST_CELL.findall(region)
        # Every cell matched, and nothing the pattern could not see: comments, CDATA, prefixes.
        if len(cells) != region.count(b"<c") or b"<!" in region or b"<?" in region or _PREFIXED.search(region):
            raise _Fallback
        if not cells:
            return
        state["cells"] += len(cells)
        if state["cells"] > MAX_CELLS:
            raise _SheetProblem(f"the sheet holds more than {MAX_CELLS:,} cells; export it as CSV")
        table = np.array(cells, dtype=object)
        letters, digits, kinds, values, inline = table.T
        row_codes, row_keys = pd.factorize(digits)
        row_numbers = np.array([int(k) for k in row_keys], dtype=np.int64)
        col_codes, col_keys = pd.factorize(letters)
        for key in col_keys:
            if key not in column_of:
                column_of[key] = _column_index(key.decode("ascii"))
        cols = np.array([column_of[k] for k in col_keys], dtype=np.int64)[col_codes]
        filled = ((values != b"") | (inline != b"")) & (kinds != b"e")

        def refs(i):
            return (letters[i] + digits[i]).decode("ascii")

        keep = np.ones(len(cells), dtype=bool)
        if state["slots"] is None:
            filled_below = filled & (row_numbers[row_codes] >= header_row)  # a title block above --header-row
            if not filled_below.any():
                return
            header = int(row_codes[filled_below].min())
            in_header = row_codes == header
            names_at = cols[in_header]
            if names_at.max() > MAX_COLUMNS:
                raise _SheetProblem(f"the header (row {row_numbers[header]}) has more than {MAX_COLUMNS:,} columns")
            names = [""] * int(names_at.max())
            for col, text in zip(names_at, texts(kinds[in_header], values[in_header], inline[in_header],
                                                 lambda j: refs(np.flatnonzero(in_header)[j])), strict=True):
                names[col - 1] = text
            wanted = on_header(names, int(row_numbers[header]))
            slots = np.full(max([len(names), *wanted]) + 1, -1, dtype=np.int64)
            slots[wanted] = np.arange(len(wanted))
            state["slots"] = slots
            keep = row_codes > header
        slots = state["slots"]
        slot = np.where(cols < len(slots), slots[np.minimum(cols, len(slots) - 1)], -1)
        live = np.zeros(len(row_keys), dtype=bool)
        live[row_codes[keep & filled]] = True  # blank rows (no value in any column) are left out
        kept = np.flatnonzero(live)
        if not len(kept):
            return
        position = np.full(len(row_keys), -1, dtype=np.int64)
        position[kept] = np.arange(len(kept))
        chosen = keep & filled & (slot >= 0)
        grid = np.full((len(kept), int(slots.max()) + 1), "", dtype=object, order="F")
        grid[position[row_codes[chosen]], slot[chosen]] = texts(kinds[chosen], values[chosen], inline[chosen],
                                                                 lambda j: refs(np.flatnonzero(chosen)[j]))
        pending.append(([grid[:, j] for j in range(grid.shape[1])], row_numbers[kept]))

    def flush(final: bool):
        if pending and (final or sum(len(p[1]) for p in pending) >= batch_rows):
            width = len(pending[0][0])
            columns = [np.concatenate([p[0][j] for p in pending]) for j in range(width)]
            numbers_of_rows = np.concatenate([p[1] for p in pending])
            pending.clear()
            yield columns, numbers_of_rows

    with book.zip.open(book.sheet) as handle:
        data, started = b"", False
        while True:
            block = handle.read(_FAST_BLOCK)
            data += block
            if not started:
                at = data.find(b"<sheetData")
                if at < 0 or (block and len(data) < at + 12):
                    if not block or len(data) > _MAX_FAST_ROW:
                        raise _Fallback
                    continue
                if b"<worksheet" not in data[:at] or data.startswith(b"<sheetData/>", at):
                    raise _Fallback  # a prefixed root, or no rows at all: expat says what it is
                if not data.startswith(b"<sheetData>", at):
                    raise _Fallback
                data, started = data[at + len(b"<sheetData>"):], True
            end = data.find(b"</sheetData>")
            if end >= 0:
                chunk(data[:end])
                yield from flush(True)
                break
            if not block:
                raise _Fallback  # truncated: expat reports it
            cut = data.rfind(b"</row>")
            if cut < 0:
                if len(data) > _MAX_FAST_ROW:
                    raise _Fallback
                continue
            chunk(data[:cut + 6])
            data = data[cut + 6:]
            yield from flush(False)
    if state["slots"] is None:
        raise _Fallback  # no cell with a value: let expat find the header or say the sheet is empty


# -- SPSS ----------------------------------------------------------------------------------
def _texts(values: pd.Series) -> np.ndarray:
    """Cells as text (:func:`_as_text`), computed once per distinct value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    texts = np.array([_as_text(v) for v in uniques] + [""], dtype=object)
    return texts[codes]  # code -1 (missing) takes the "" at the end


# -- header matching -----------------------------------------------------------------------
@dataclass
class _Plan:
    """What the header says: the instrument columns present and where, and what is ignored."""

    width: int
    wanted: dict[str, int]
    modules: list[str]
    ignored: list[str] = field(default_factory=list)


def _check_header(names: list[str], name: str, row: int = 1) -> None:
    if len(names) > MAX_COLUMNS:
        raise DataError(f"{name}: the header (row {row}) has {len(names):,} columns, more than the "
                        f"{MAX_COLUMNS:,} allowed; this is not a survey export")
    for i, value in enumerate(names):
        if len(value) > MAX_FIELD_CHARS:
            raise DataError(f"{name}: row {row}, column {i + 1}: a field of {len(value):,} characters, more than "
                            f"the {MAX_FIELD_CHARS:,} allowed (starts {_example(value[:20])})")


def _plan(names: list[str], instrument: Instrument, name: str, row: int = 1) -> _Plan:
    """Match the header to the instrument: everything that can be said before the data rows."""
    _check_header(names, name, row)
    known = instrument.background_ids + instrument.item_ids + instrument.open_question_ids
    by_fold = {k.casefold(): k for k in known}
    renamed = []
    for i, raw in enumerate(names):
        text = str(raw).strip().lstrip("\ufeff").strip()
        renamed.append(by_fold.get(text.casefold(), text) if text else f"Unnamed: {i}")
    seen, dupes = set(), []
    for col in renamed:
        if col in seen and col not in dupes:
            dupes.append(col)
        seen.add(col)
    if dupes:
        raise _error(name, [f"column(s) appear more than once: {_listing(sorted(dupes))}"])
    wanted = {col: i for i, col in enumerate(renamed) if col in by_fold.values()}

    problems: list[str] = []
    required = [b.id for b in instrument.background if b.required]
    missing = [c for c in required if c not in wanted]
    modules = []
    for module in instrument.modules:
        present = [i for i in module.item_ids if i in wanted]
        if present and len(present) < len(module.item_ids):
            missing += [i for i in module.item_ids if i not in wanted]
        if present:
            modules.append(module.id)
    if missing:
        problems.append(f"missing required column(s): {_listing(missing, 20)}")
    if not modules:
        problems.append("no item columns of any module of the instrument were found")

    longest = max(len(i) for i in instrument.item_ids)
    ignored, suspects = [], []
    looked_up = 0
    for col in renamed:
        if col in wanted:
            continue
        close = []
        # difflib only for a bounded number of columns of a length that can match at 0.75.
        if looked_up < MAX_SUGGESTIONS and len(col) <= 2 * longest:
            looked_up += 1
            close = difflib.get_close_matches(col.casefold(), instrument.item_ids, n=1, cutoff=0.75)
        if close or ITEM_LIKE.match(col):
            suspects.append((col, close[0] if close else None))
        else:
            ignored.append(col)
    if len(suspects) == 1:
        col, close = suspects[0]
        hint = f" (did you mean {close!r}?)" if close else ""
        problems.append(f"unknown column {_example(col)} looks like an item but is not in the instrument{hint}")
    elif suspects:
        shown = [_example(col) + (f" (did you mean {close!r}?)" if close else "") for col, close in suspects[:3]]
        more = f" and {len(suspects) - 3:,} more" if len(suspects) > 3 else ""
        problems.append(f"{len(suspects):,} unknown columns look like items but are not in the instrument: "
                        f"{', '.join(shown)}{more}")
    if problems:
        raise _error(name, problems)
    return _Plan(width=len(names), wanted=wanted, modules=modules, ignored=ignored)


# -- validation, chunk by chunk ------------------------------------------------------------
_NA, _TEXT, _OUTSIDE = -128, -127, -126


class _Finding:
    """Rows with one kind of problem: how many, the first few, and the first value."""

    __slots__ = ("count", "first", "example")

    def __init__(self):
        self.count, self.first, self.example = 0, [], None

    def add(self, positions: np.ndarray, rows: np.ndarray, example) -> None:
        if not len(positions):
            return
        if self.example is None:
            self.example = example(positions[0])
        self.count += len(positions)
        if len(self.first) < MAX_LISTED_ROWS:
            self.first.extend(int(r) for r in rows[positions[:MAX_LISTED_ROWS]])

    def __bool__(self) -> bool:
        return self.count > 0

    def rows(self) -> str:
        return _row_list(self.first, self.count)


def _classify_answers(texts: list, instrument: Instrument, scale=None) -> np.ndarray:
    """Answer texts -> int8 codes, or the markers _NA, _TEXT (not an answer), _OUTSIDE."""
    scale = scale or instrument.scale  # an item's own answer scale, else the instrument's
    series = pd.Series(["" if not isinstance(t, str) else t for t in texts], dtype=object)
    numbers = _number(series)
    out = np.full(len(series), _NA, dtype=np.int16)
    for i in np.flatnonzero(numbers.isna().to_numpy() & series.ne("").to_numpy()):
        text = series.iat[i].strip()
        if text:
            code = scale.label_lookup.get(_fold(text), "?")
            if code == "?":
                out[i] = _TEXT
            else:
                numbers.iat[i] = code  # NaN for a "don't know" label
    values = numbers.to_numpy(dtype="float64")
    present = ~np.isnan(values) & ~np.isin(values, scale.missing_codes) & (out != _TEXT)
    outside = present & ((values < scale.min) | (values > scale.max) | (values % 1 != 0))
    inside = present & ~outside
    out[outside] = _OUTSIDE
    out[inside] = values[inside].astype(np.int16)
    return out.astype(np.int8)


def _release_freed_memory() -> None:
    """Give the memory freed while parsing back to the system before the caller's work starts.

    Arrow's pool (the string chunks) and glibc's heap (the parser's buffers) keep freed blocks
    for reuse; after a large load that is a few hundred MB the process would otherwise carry.
    """
    arrow = sys.modules.get("pyarrow")
    if arrow is not None:
        arrow.default_memory_pool().release_unused()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6").malloc_trim(0)


class _Buffer:
    """A column filled chunk by chunk: one allocation for the rows expected, grown when short.

    Many small chunk arrays joined at the end would leave the heap in holes that the process
    keeps; one array per column does not.
    """

    def __init__(self, dtype, capacity: int):
        self.data = np.empty(max(capacity, 1), dtype=dtype)
        self.n = 0

    def append(self, values: np.ndarray) -> None:
        end = self.n + len(values)
        if end > len(self.data):
            grown = np.empty(max(end, len(self.data) * 3 // 2), dtype=self.data.dtype)
            grown[:self.n] = self.data[:self.n]
            self.data = grown
        self.data[self.n:end] = values
        self.n = end

    def array(self) -> np.ndarray:
        """The filled part: a view, or a copy where the estimate of the rows was well off."""
        return self.data[:self.n].copy() if self.n < 0.9 * len(self.data) else self.data[:self.n]


class _Collector:
    """Turn chunks of text columns into the result, recording problems as they are met.

    ``estimate(n)``, if given, says how many rows to expect in all once the first ``n`` are in.
    """

    def __init__(self, instrument: Instrument, plan: _Plan, offset: int, name: str):
        self.instrument, self.plan, self.offset, self.name = instrument, plan, offset, name
        self.n = 0
        self.estimate = None
        self.parts: dict[str, list] = {key: [] for key in plan.wanted}
        self.buffers: dict[str, _Buffer] = {}
        self.capacity = 0
        self.findings: dict[tuple[str, str], _Finding] = {}
        self.caches: dict[str, dict] = {}
        self.answers: dict[str, int] = {}
        self.vars = {var.id: var for var in instrument.background}
        self.items = {item for module in plan.modules for item in instrument.module(module).item_ids}

    def finding(self, column: str, kind: str) -> _Finding:
        return self.findings.setdefault((column, kind), _Finding())

    def _store(self, key: str, values: np.ndarray) -> None:
        buffer = self.buffers.get(key)
        if buffer is None:
            buffer = self.buffers[key] = _Buffer(values.dtype, self.capacity)
        buffer.append(values)

    def add(self, columns: dict[str, np.ndarray], n: int, rows: np.ndarray | None) -> None:
        if not self.capacity:
            expected = self.estimate(n) if self.estimate is not None and n else None
            self.capacity = max(int(expected), n) if expected else max(4 * n, 1024)
        if rows is None:
            rows = np.arange(self.n, self.n + n, dtype=np.int64) + self.offset
        else:  # the sheet's own row numbers (blank rows are left out)
            self._store("\x00rows", rows)
        for key, values in columns.items():
            if key in self.items:
                self._answers(key, values, rows)
            elif key in self.vars:
                self._background(self.vars[key], values, rows)
            elif key in self.instrument.open_question_ids:
                self._text(key, values, rows, required=False)
        self.n += n

    @staticmethod
    def _factorize(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        if (codes < 0).any():  # short rows or missing cells: empty
            uniques = np.append(uniques.astype(object), "")
            codes = np.where(codes < 0, len(uniques) - 1, codes)
        return codes, np.asarray(uniques, dtype=object)

    def _too_long(self, key: str, uniques: np.ndarray, codes: np.ndarray, rows: np.ndarray) -> None:
        """Refuse a field over :data:`MAX_FIELD_CHARS` characters (checked on the distinct values)."""
        lengths = np.fromiter((len(u) for u in uniques), dtype=np.int64, count=len(uniques))
        if len(lengths) and lengths.max() > MAX_FIELD_CHARS:
            longest = int(np.argmax(lengths > MAX_FIELD_CHARS))
            first = int(np.argmax(codes == longest))
            raise DataError(f"{self.name}: row {int(rows[first])}, column {key}: a field of {int(lengths[longest]):,} "
                            f"characters, more than the {MAX_FIELD_CHARS:,} allowed")

    def _answers(self, item: str, values: np.ndarray, rows: np.ndarray) -> None:
        codes, uniques = self._factorize(values)
        self._too_long(item, uniques, codes, rows)
        scale = self.instrument.answer_scale(item)
        cache = self.answers if scale is self.instrument.scale else {}  # own answer scale: own look-up
        todo = [u for u in uniques if u not in cache]
        if todo:
            classified = _classify_answers(todo, self.instrument, scale)
            if len(cache) < _NUMBER_CACHE_SIZE:
                cache.update(zip(todo, classified.tolist(), strict=True))
            local = dict(zip(todo, classified.tolist(), strict=True))
            lut = np.array([cache.get(u, local.get(u)) for u in uniques], dtype=np.int8)
        else:
            lut = np.array([cache[u] for u in uniques], dtype=np.int8)
        out = lut[codes]
        for marker, kind in ((_TEXT, "text"), (_OUTSIDE, "outside")):
            if (lut == marker).any():
                positions = np.flatnonzero(out == marker)
                self.finding(item, kind).add(positions, rows, lambda p: str(values[p]).strip())
        self._store(item, out)

    def _background(self, var, values: np.ndarray, rows: np.ndarray) -> None:
        if var.type not in ("category", "year", "number"):
            self._text(var.id, values, rows, required=var.required)
            return
        codes, uniques = self._factorize(values)
        self._too_long(var.id, uniques, codes, rows)
        stripped = np.array([u.strip() for u in uniques], dtype=object)
        blank = stripped == ""
        if var.required and blank.any():
            self.finding(var.id, "empty").add(np.flatnonzero(blank[codes]), rows, lambda p: "")
        if var.type == "category":
            lookup = self.caches.get(var.id)
            if lookup is None:
                lookup = {}
                for i, (key, texts) in enumerate(var.categories.items()):
                    lookup[_fold(key)] = i
                    for text in texts.values():
                        lookup[_fold(text)] = i
                self.caches[var.id] = lookup
            lut = np.array([lookup.get(_fold(s), -2) if s else -1 for s in stripped], dtype=np.int16)
            out = lut[codes]
            if (lut == -2).any():
                positions = np.flatnonzero(out == -2)
                self.finding(var.id, "category").add(positions, rows, lambda p: str(values[p]).strip())
                out = np.where(out == -2, -1, out)
            self._store(var.id, out.astype(np.int16))
            return
        numbers = _number(pd.Series(uniques, dtype=object)).to_numpy(dtype="float64")
        bad = np.isnan(numbers) & ~blank
        with np.errstate(invalid="ignore"):
            if var.type == "year":
                bad |= ~np.isnan(numbers) & ((numbers % 1 != 0) | (numbers < 1990) | (numbers > 2100))
            lo = -np.inf if var.min is None else var.min
            hi = np.inf if var.max is None else var.max
            bad |= ~np.isnan(numbers) & ((numbers < lo) | (numbers > hi))
        if bad.any():
            positions = np.flatnonzero(bad[codes])
            self.finding(var.id, "number").add(positions, rows, lambda p: str(values[p]))
        self._store(var.id, np.where(bad, np.nan, numbers)[codes])

    def _text(self, key: str, values: np.ndarray, rows: np.ndarray, required: bool) -> None:
        # As a string array at once (compact and vectorised with pyarrow), not str objects held.
        text = pd.Series(pd.array(values, dtype="string"), copy=False)
        lengths = text.str.len().to_numpy(dtype=np.int64, na_value=0)
        if len(lengths) and lengths.max() > MAX_FIELD_CHARS:
            first = int(np.argmax(lengths > MAX_FIELD_CHARS))
            raise DataError(f"{self.name}: row {int(rows[first])}, column {key}: a field of {int(lengths[first]):,} "
                            f"characters, more than the {MAX_FIELD_CHARS:,} allowed")
        stripped = text.str.strip()
        blank = stripped.eq("").to_numpy(dtype=bool, na_value=True)
        if required and blank.any():
            self.finding(key, "empty").add(np.flatnonzero(blank), rows, lambda p: "")
        self.parts[key].append(stripped.mask(blank).array)

    def problems(self) -> list[str]:
        """The problems in the order of the columns of the instrument."""
        out = []
        for var in self.instrument.background:
            if var.id not in self.plan.wanted:
                continue
            empty = self.findings.get((var.id, "empty"))
            if empty:
                out.append(f"empty {var.id} in {empty.rows()}")
            category = self.findings.get((var.id, "category"))
            if category:
                allowed = ", ".join(var.categories)
                out.append(f"unknown {var.id} {_example(category.example)} in {category.rows()}; allowed: {allowed}")
            number = self.findings.get((var.id, "number"))
            if number:
                what = "a year" if var.type == "year" else f"a number from {var.min} to {var.max}"
                out.append(f"{var.id} must be {what}: {_example(number.example)} in {number.rows()}")
        for module in self.plan.modules:
            for item in self.instrument.module(module).item_ids:
                scale = self.instrument.answer_scale(item)
                text = self.findings.get((item, "text"))
                if text:
                    out.append(f"text in answer column {item}, {text.rows()} (e.g. {_example(text.example)}); "
                               f"expected a code {scale.min}-{scale.max} or an answer label")
                outside = self.findings.get((item, "outside"))
                if outside:
                    out.append(f"value outside the scale {scale.min}-{scale.max} in column {item}, "
                               f"{outside.rows()} (e.g. {_example(outside.example)})")
        return out

    def user_rows(self, positions: np.ndarray) -> np.ndarray:
        """Row numbers as a user sees them, for 0-based positions in the result."""
        numbers = self.buffers.get("\x00rows")
        return numbers.data[positions] if numbers is not None else positions + self.offset

    def frame(self) -> pd.DataFrame:
        """The result, column by column (each buffer or chunk list freed once used)."""
        columns: dict[str, object] = {}

        def joined(key, dtype):
            buffer = self.buffers.pop(key, None)
            return buffer.array() if buffer is not None else np.empty(0, dtype=dtype)

        def strings(key):
            parts = self.parts.pop(key)
            if not parts:
                return pd.array([], dtype="string")
            return parts[0] if len(parts) == 1 else type(parts[0])._concat_same_type(parts)

        for var in self.instrument.background:
            if var.id not in self.plan.wanted:
                continue
            if var.type == "category":
                columns[var.id] = pd.Categorical.from_codes(joined(var.id, np.int16), categories=list(var.categories))
            elif var.type in ("year", "number"):
                values = joined(var.id, np.float64)
                values = pd.arrays.FloatingArray(values, np.isnan(values))
                columns[var.id] = values.astype("Int64") if var.type == "year" else values
            else:
                columns[var.id] = strings(var.id)
        for module in self.plan.modules:
            for item in self.instrument.module(module).item_ids:
                scale = self.instrument.answer_scale(item)
                codes = joined(item, np.int8)
                mask = (codes < scale.min) | (codes > scale.max)
                codes[mask] = 0  # in place: the buffer becomes the data of the column
                columns[item] = pd.arrays.IntegerArray(codes, mask)
        for question in self.instrument.open_question_ids:
            if question in self.plan.wanted:
                columns[question] = strings(question)
        return pd.DataFrame(columns, index=pd.RangeIndex(self.n), copy=False)


# -- reading -------------------------------------------------------------------------------
def _batches(source: _Source, header_plan, digest, encoding: str | None = None, xlsx_fast: bool = True):
    """Open the right reader: ``(plan, offset, iterator of (columns, n, rows), estimate of the rows)``.

    ``header_plan(names, row)`` turns the header into a :class:`_Plan` (or raises) before any
    data row is parsed. ``encoding`` forces the encoding of a CSV file; ``xlsx_fast=False``
    reads a sheet with expat rather than the faster reader (which raises :class:`_Fallback`
    where it meets XML it does not take on).
    """
    name = source.name
    if source.kind == "csv":
        prefix = _read_prefix(source)
        if not prefix:
            raise DataError(f"{name}: the file is empty")
        if prefix.startswith(b"PK\x03\x04") and not source.regular:
            raise DataError(f"{name}: this is an Excel workbook, which cannot be read from a pipe or device; "
                            "save it as a file first, or export it as CSV")
        encoding, sep, names = _csv_header(prefix, name, encoding)
        plan = header_plan(names, 1)
        stream = _TextStream(source.handle, prefix, encoding, name, digest)

        def estimate(n: int) -> float | None:  # rows so far x file size / bytes so far (read ahead by a block)
            if not source.regular or not stream.consumed:
                return None
            return n * source.size / max(stream.consumed - _BLOCK, stream.consumed / 2)

        return plan, 2, _csv_batches(source, plan, stream, sep), estimate
    if source.kind == "xlsx":
        book = _Workbook(source, getattr(header_plan, "sheet", None))
        dimension_rows = book.check_dimension()
        strings = book.shared_strings()
        state: dict = {}

        def on_header(names, row):
            state["row"] = row
            state["plan"] = plan = header_plan(names, row)
            state["keys"] = list(plan.wanted)
            return [plan.wanted[key] + 1 for key in state["keys"]]

        reader = _xlsx_fast if xlsx_fast else _xlsx_rows
        rows = reader(book, strings, on_header, batch_rows=max(1000, CHUNK_CELLS // 100),
                      header_row=getattr(header_plan, "header_row", None) or 1)
        try:
            first = next(rows, None)  # parses up to the header (and the first batch)
        except _SheetProblem as exc:
            raise DataError(f"{name}: {exc}") from None
        if "plan" not in state:
            raise DataError(f"{name}: the file is empty (its first sheet has no cells)")
        keys = state["keys"]

        def batches():
            try:
                for columns, numbers in itertools.chain([first] if first else [], rows):
                    yield dict(zip(keys, columns, strict=True)), len(numbers), np.asarray(numbers, dtype=np.int64)
            except _SheetProblem as exc:
                raise DataError(f"{name}: {exc}") from None

        return state["plan"], state["row"] + 1, batches(), lambda n: dimension_rows
    _not_from_pipe(source, "an SPSS file")
    import pyreadstat

    path = source.name
    try:
        _, meta = pyreadstat.read_sav(path, metadataonly=True)
    except Exception as exc:  # pyreadstat.ReadstatError and friends
        raise DataError(f"{name}: cannot be read as an SPSS file ({_shorten(str(exc), 120)})") from exc
    plan = header_plan(list(meta.column_names), 1)
    chunk = max(1000, CHUNK_CELLS // max(len(plan.wanted), 1))
    names = list(meta.column_names)

    def sav_batches():
        usecols = [names[i] for i in plan.wanted.values()]
        try:
            for frame, _meta in pyreadstat.read_file_in_chunks(pyreadstat.read_sav, path, chunksize=chunk,
                                                               usecols=usecols, apply_value_formats=True):
                yield ({key: _texts(frame[names[index]]) for key, index in plan.wanted.items()}, len(frame), None)
        except Exception as exc:
            raise DataError(f"{name}: cannot be read as an SPSS file ({_shorten(str(exc), 120)})") from exc

    return plan, 1, sav_batches(), lambda n: meta.number_rows


def _load(path: Path, header_plan, encoding: str | None = None, xlsx_fast: bool = True):
    """Stream ``path`` into a :class:`_Collector`; returns it with the file's SHA-256."""
    source = _open(path)
    digest = hashlib.sha256()
    try:
        plan, offset, batches, estimate = _batches(source, header_plan, digest, encoding, xlsx_fast)
        mapping = getattr(header_plan, "mapping", None)
        if mapping is not None:  # drops the platform's extra header rows, recodes wordings (monitor.survey.mapping)
            offset, batches = mapping.adapt(offset, batches, header_plan.instrument)
        collector = _Collector(header_plan.instrument, plan, offset, source.name)
        collector.estimate = estimate
        for columns, n, rows in batches:
            collector.add(columns, n, rows)
    finally:
        source.handle.close()
    sha = digest.hexdigest() if source.kind == "csv" else file_fingerprint(path)
    return collector, sha


def _again_if_needed(path: Path, read):
    """``read()``, once more as cp1252 after a late encoding surprise, or once more with expat
    after XML the fast sheet reader does not take on."""
    try:
        return read()
    except _Reencode:
        # Non-ASCII UTF-8 first, then bytes that are not UTF-8: read it all again as cp1252.
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise DataError(f"{path}: the text is partly UTF-8 and partly another encoding, and a pipe cannot be "
                            "read twice; save it as UTF-8 (or as a file)") from None
        return read(encoding="cp1252")
    except _Fallback:
        return read(xlsx_fast=False)


def read_table(path: str | Path, text_columns: list[str] | None = None) -> tuple[pd.DataFrame, int]:
    """Read a CSV, Excel or SPSS file as text cells, within the limits of this module.

    Parameters
    ----------
    text_columns : list of str, optional
        Kept for compatibility; every column is read as text.

    Returns
    -------
    frame : DataFrame
        Cells as text (empty string for an empty cell); columns as in the file.
    row_offset : int
        What to add to a 0-based data row index to get the row number a user sees.
    """
    path = Path(path)
    found: dict = {}

    def everything(names, row):
        _check_header(names, str(path), row)
        found["names"] = list(names)
        return _Plan(width=len(names), wanted={f"\x00{i}": i for i in range(len(names))}, modules=[])

    def read(**options):
        source = _open(path)
        try:
            plan, offset, batches, _estimate = _batches(source, everything, hashlib.sha256(), **options)
            parts: dict[str, list] = {key: [] for key in plan.wanted}
            for columns, _n, _rows in batches:
                for key, values in columns.items():
                    parts[key].append(np.array(["" if not isinstance(v, str) else v for v in values], dtype=object))
        finally:
            source.handle.close()
        return parts, offset

    parts, offset = _again_if_needed(path, read)
    columns = [np.concatenate(p) if p else np.empty(0, dtype=object) for p in parts.values()]
    frame = pd.DataFrame(dict(enumerate(columns)))
    frame.columns = found["names"]
    return frame, offset


# -- validation helpers --------------------------------------------------------------------
def _number(series: pd.Series) -> pd.Series:
    """Parse numbers written with a decimal point or a Dutch decimal comma.

    Clean numbers are parsed in one vectorised pass; only the rest (spaces, decimal commas,
    labels) goes through the slower string operations.
    """
    if pd.api.types.is_numeric_dtype(series):
        return series.astype("float64")
    values = pd.to_numeric(series, errors="coerce").astype("float64")
    rest = values.isna() & series.ne("")
    if rest.any():
        cleaned = series[rest].astype(str).str.strip().str.replace(",", ".", regex=False)
        values[rest] = pd.to_numeric(cleaned.where(cleaned != ""), errors="coerce")
    return values


def load_responses(path: str | Path, instrument: Instrument | None = None, mapping=None,
                   sheet: str | int | None = None, header_row: int | None = None) -> pd.DataFrame:
    """Read a survey export and validate it against the instrument.

    Parameters
    ----------
    path : str or Path
        A ``.csv``, ``.xlsx`` or ``.sav`` file in wide layout: one row per respondent per wave,
        one column per background variable, item and open question (ids as in the instrument).
        A CSV may also come from a pipe (a FIFO, or ``/dev/fd/N`` from ``<(...)``): it is read
        once, front to back.
    instrument : Instrument, optional
        The questionnaire; default ``data/instrument.yaml``.
    mapping : path or monitor.survey.mapping.Mapping, optional
        A reviewed mapping file for a survey platform's export (``monitor mapping propose``):
        export columns to instrument ids, extra header rows, answer wordings, value recodes,
        a constant wave. Without one, a file that looks like a platform export gets a hint.
    sheet : str or int, optional
        Excel: the sheet to read (name or 1-based number; default the first, or the mapping's).
    header_row : int, optional
        Excel: the row of the column names (default the first non-blank row, or the mapping's).

    Returns
    -------
    DataFrame
        One row per respondent per wave: background variables (``respondent_id`` and text as
        ``string``, ``wave`` as ``Int64``, categories as ``category``, numbers as
        ``Float64``), items as ``Int8`` codes with ``<NA>`` for missing, open answers as
        ``string``. Only modules present in the file are included; ``frame.attrs`` holds the
        source path, its SHA-256, the modules found and the ignored columns.

    Raises
    ------
    DataError
        One line naming the file, the rows and the columns, for: a missing, unreadable or empty
        file, a folder, a symbolic link loop, an unreadable encoding, a file beyond the limits
        of this module (too many columns or cells, an overlong field, a zip bomb), missing
        required columns, unknown columns that look like items, values outside the scale, text
        in an answer column, unknown categories, duplicate ``respondent_id`` within a wave. The
        input file is only read.

    Examples
    --------
    >>> from monitor import load_responses
    >>> from monitor.core.config import DEMO_DATA
    >>> frame = load_responses(DEMO_DATA)
    >>> frame["nw1"].dtype
    Int8Dtype()
    """
    instrument = instrument or load_instrument()
    path = Path(path)
    name = str(path)
    if mapping is not None:
        from .mapping import mapping_from

        mapping = mapping_from(mapping, instrument)

    def header_plan(names, row):
        if mapping is not None:
            return mapping.plan(names, row, lambda renamed: _plan(renamed, instrument, name, row))
        return _plan(names, instrument, name, row)

    header_plan.instrument, header_plan.mapping = instrument, mapping
    header_plan.sheet = sheet if sheet is not None else (mapping.sheet if mapping else None)
    header_plan.header_row = header_row if header_row is not None else (mapping.header_row if mapping else None)
    if (header_plan.sheet is not None or (header_plan.header_row or 1) > 1) and \
            path.suffix.lower() not in EXCEL_SUFFIXES:
        raise DataError(f"{name}: --sheet and --header-row apply to Excel workbooks only")
    try:
        collector, sha = _again_if_needed(path, lambda **options: _load(path, header_plan, **options))
    except DataError as exc:
        if mapping is None and sheet is None and header_row is None and not isinstance(exc, _SheetProblem):
            from .platforms import layout_hint

            hint = layout_hint(path, instrument, str(exc))
            if hint:
                raise DataError(f"{name}: {hint}") from None
        raise
    if collector.n == 0:
        raise DataError(f"{name}: the file has a header but no respondents")
    problems = collector.problems()
    if problems:
        raise _error(name, problems)
    plan = collector.plan
    out = collector.frame()
    if mapping is not None:
        out = mapping.complete(out)
    if {"respondent_id", "wave"} <= set(out.columns):
        dup = out.duplicated(["respondent_id", "wave"], keep=False).to_numpy()
        if dup.any():
            positions = np.flatnonzero(dup)
            first = out.iloc[positions[0]]
            raise _error(name, [f"duplicate respondent_id within a wave in column respondent_id, "
                                f"{_rows(collector.user_rows(positions), 0)} (e.g. {_example(first['respondent_id'])} "
                                f"in wave {first['wave']})"])
    out.attrs.update(source=name, sha256=sha, modules=plan.modules, ignored_columns=plan.ignored,
                     instrument_version=instrument.version, mapping=str(mapping.path) if mapping else None)
    _release_freed_memory()
    return out


def item_matrix(frame: pd.DataFrame, items: list[str]) -> np.ndarray:
    """Items as a float array with NaN for missing, the form numerical code works on.

    Filled column by column into one array: no float copy of the whole selection on the way.
    """
    out = np.empty((len(frame), len(items)), dtype="float64")
    for j, item in enumerate(items):
        out[:, j] = frame[item].to_numpy(dtype="float64", na_value=np.nan)
    return out


def summarise_responses(frame: pd.DataFrame) -> str:
    """The short summary ``monitor check`` prints for good data."""
    lines = [f"{len(frame):,} respondents in {frame['wave'].nunique()} wave(s), "
             f"{frame['region'].nunique()} region(s); modules: {', '.join(frame.attrs.get('modules', []))}"]
    per_wave = frame.groupby("wave").size()
    lines.append("Respondents per wave: " + ", ".join(f"{w}: {n:,}" for w, n in per_wave.items()))
    if "organisation_type" in frame:
        table = pd.crosstab(frame["region"], frame["organisation_type"], margins=True,
                            margins_name="totaal", dropna=False)
        lines.append("Respondents per region and organisation type (all waves):")
        lines.append(table.to_string())
    ignored = frame.attrs.get("ignored_columns") or []
    if ignored:
        lines.append(f"Ignored columns (not in the instrument): {_listing(ignored, 30)}")
    return "\n".join(lines)
