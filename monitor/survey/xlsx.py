"""Excel workbooks (``.xlsx``): the zip checks, the sheet's parts, and two readers of its cells.

:class:`Workbook` checks the zip (total unpacked size at most :data:`~monitor.survey.sources.MAX_XLSX_BYTES`,
no member above 1 MiB compressed more than :data:`~monitor.survey.sources.MAX_COMPRESSION_RATIO` : 1)
and the sheet's ``<dimension>`` before anything is parsed. :func:`xlsx_reader` then streams the
sheet, counting cells as they come (at most :data:`~monitor.survey.sources.MAX_CELLS`) and
keeping only the instrument's columns. The sheet is read by a regular expression for the XML
that Excel, LibreOffice, openpyxl and XlsxWriter write (each chunk verified to hold nothing
else), and otherwise, after :class:`Fallback`, by expat; a DTD is refused.

Excel cells formatted as dates are read as their serial numbers (styles are not read); no
survey variable of the instrument is a date.
"""

from __future__ import annotations

import contextlib
import html
import itertools
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from xml.parsers import expat

import numpy as np
import pandas as pd

from .sources import (
    CHUNK_CELLS,
    MAX_CACHED_TEXTS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_COMPRESSION_RATIO,
    MAX_FIELD_CHARS,
    MAX_XLSX_BYTES,
    READ_BLOCK,
    DataError,
    Source,
    require_random_access,
    shorten,
)

__all__ = ["Workbook", "xlsx_reader", "sheet_name", "SheetProblem", "Fallback"]

_SMALL_MEMBER = 1 << 20


class SheetProblem(DataError):
    """A problem met inside a workbook part; the file name is put in front where it is caught."""


_CELL_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


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
    raise SheetProblem("the workbook's XML declares a document type (DTD), which Excel never writes")


def _expat() -> expat.XMLParserType:
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = 1 << 16
    parser.StartDoctypeDeclHandler = _reject_doctype
    return parser


def _parse_member(zf: zipfile.ZipFile, member: str, parser, name: str) -> None:
    with _workbook_errors(name, member), zf.open(member) as handle:
        while block := handle.read(READ_BLOCK):
            parser.Parse(block, False)
        parser.Parse(b"", True)


@contextlib.contextmanager
def _workbook_errors(name: str, where: str):
    """A sheet's problem, or a broken workbook (XML, zip, I/O), as one-line :class:`DataError`."""
    try:
        yield
    except SheetProblem as exc:
        raise DataError(f"{name}: {exc}") from None
    except DataError:
        raise
    except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise DataError(f"{name}: cannot be read as an Excel workbook ({type(exc).__name__}: "
                        f"{shorten(str(exc), 80)} in {where})") from exc


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


class Workbook:
    """The parts of an ``.xlsx`` needed to stream its first sheet, after the zip checks."""

    def __init__(self, source: Source, sheet: str | int | None = None):
        require_random_access(source, "an Excel workbook")
        self.name = name = source.name
        try:
            self.zip = zipfile.ZipFile(source.handle)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise DataError(f"{name}: cannot be read as an Excel workbook ({type(exc).__name__}: "
                            f"{shorten(str(exc), 80)})") from exc
        total = sum(info.file_size for info in infos)
        if total > MAX_XLSX_BYTES:
            raise DataError(f"{name}: the workbook unpacks to {total / 2**20:,.0f} MiB, more than the "
                            f"{MAX_XLSX_BYTES / 2**20:,.0f} MiB allowed (a zip bomb?); export it as CSV")
        for info in infos:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > _SMALL_MEMBER and ratio > MAX_COMPRESSION_RATIO:
                raise DataError(f"{name}: {shorten(info.filename, 60)} in the workbook is compressed "
                                f"{ratio:,.0f} : 1, more than the {MAX_COMPRESSION_RATIO} : 1 of any real sheet "
                                "(a zip bomb?)")
        self.members = {info.filename for info in infos}
        self.sheet, self.shared = self._locate(sheet)

    def _small_xml(self, member: str):
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
                            f"{shorten(str(exc), 80)})") from exc

        def member(target: str) -> str:
            return target.lstrip("/") if target.startswith("/") else "xl/" + target

        sheets = [el for el in book.iter() if _local(el.tag) == "sheet"]
        sheet = None
        if chosen is not None:  # --sheet (a mapping's sheet:)
            title = sheet_name([el.get("name", "") for el in sheets], chosen, Path(self.name))
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
            raise DataError(f"{self.name}: the sheet's used range {shorten(match.group(1), 30)} spans {rows:,} rows x "
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
                    raise SheetProblem(f"shared string {len(strings)} is longer than {MAX_FIELD_CHARS:,} characters")

        parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, chars
        _parse_member(self.zip, self.shared, parser, self.name)
        return strings


def _xlsx_rows(book: Workbook, strings: list[str], on_header, batch_rows, header_row: int = 1):
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
        raise SheetProblem(message)

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
                    if len(numbers) < MAX_CACHED_TEXTS:
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
                fail(f"cell {shorten(st['ref'], 12) or '?'} (row {st['row']}) holds more than "
                     f"{MAX_FIELD_CHARS:,} characters")

    def _cell_text(raw: str, kind: str | None) -> str:
        if kind == "s":
            try:
                return strings[int(raw)]
            except (ValueError, IndexError):
                fail(f"cell {st['ref'] or '?'} refers to shared string {shorten(raw, 12)!r}, which does not exist")
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
            block = handle.read(READ_BLOCK)
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


class Fallback(Exception):  # noqa: N818 - control flow, never shown
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


def _xlsx_fast(book: Workbook, strings: list[str], on_header, batch_rows: int, header_row: int = 1):
    """Like :func:`_xlsx_rows`, but a regular expression finds the cells, chunk by chunk, and
    numpy places them: several times faster than expat's one Python call per tag. Each chunk
    is verified (every ``<c`` matched, no comment or CDATA); otherwise :class:`Fallback`."""
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
                        if len(numbers) < MAX_CACHED_TEXTS:
                            numbers[raw] = text
                    lut[j] = text
                out[which] = lut[codes]
            elif kind == b"s":
                try:
                    index = values[which].astype("S").astype(np.int64)
                    out[which] = shared[index]
                except (ValueError, IndexError):
                    raise SheetProblem("a cell refers to a shared string that does not exist") from None
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
                        raise SheetProblem(f"cell {ref} holds more than {MAX_FIELD_CHARS:,} characters")
                out[which] = decoded
        return out

    def chunk(region: bytes) -> None:
        cells = _FAST_CELL.findall(region)
        # Every cell matched, and nothing the pattern could not see: comments, CDATA, prefixes.
        if len(cells) != region.count(b"<c") or b"<!" in region or b"<?" in region or _PREFIXED.search(region):
            raise Fallback
        if not cells:
            return
        state["cells"] += len(cells)
        if state["cells"] > MAX_CELLS:
            raise SheetProblem(f"the sheet holds more than {MAX_CELLS:,} cells; export it as CSV")
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
                raise SheetProblem(f"the header (row {row_numbers[header]}) has more than {MAX_COLUMNS:,} columns")
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
                        raise Fallback
                    continue
                if b"<worksheet" not in data[:at] or data.startswith(b"<sheetData/>", at):
                    raise Fallback  # a prefixed root, or no rows at all: expat says what it is
                if not data.startswith(b"<sheetData>", at):
                    raise Fallback
                data, started = data[at + len(b"<sheetData>"):], True
            end = data.find(b"</sheetData>")
            if end >= 0:
                chunk(data[:end])
                yield from flush(True)
                break
            if not block:
                raise Fallback  # truncated: expat reports it
            cut = data.rfind(b"</row>")
            if cut < 0:
                if len(data) > _MAX_FAST_ROW:
                    raise Fallback
                continue
            chunk(data[:cut + 6])
            data = data[cut + 6:]
            yield from flush(False)
    if state["slots"] is None:
        raise Fallback  # no cell with a value: let expat find the header or say the sheet is empty


def sheet_name(names: list[str], sheet: str | int, path: Path) -> str:
    """A sheet by name (case-insensitive) or 1-based number, or a one-line error.

    >>> sheet_name(["Toelichting", "Data"], "data", Path("export.xlsx")), sheet_name(["A", "B"], 1, Path("x.xlsx"))
    ('Data', 'A')
    """
    if isinstance(sheet, int) or str(sheet).isdigit():
        number = int(sheet)
        if 1 <= number <= len(names):
            return names[number - 1]
    else:
        for name in names:
            if name.casefold() == str(sheet).strip().casefold():
                return name
    raise DataError(f"{path}: no sheet {sheet!r}; the workbook has: {', '.join(names)}")


def xlsx_reader(source: Source, header_plan, sheet: str | int | None = None, header_row: int | None = None,
                fast: bool = True):
    """The reading of a workbook's sheet (see "A reader" in :mod:`monitor.survey.sources`).

    ``sheet``: the sheet to read (name or 1-based number; default the first); ``header_row``:
    the row of the column names (default the first non-blank row). ``fast=False`` reads the
    sheet with expat rather than the faster reader, which raises :class:`Fallback` where it
    meets XML it does not take on. The estimate of the rows is the sheet's used range.
    """
    name = source.name
    book = Workbook(source, sheet)
    dimension_rows = book.check_dimension()
    strings = book.shared_strings()
    state: dict = {}

    def on_header(names, row):
        state["row"] = row
        state["plan"] = plan = header_plan(names, row)
        state["keys"] = list(plan.wanted)
        return [plan.wanted[key] + 1 for key in state["keys"]]

    reader = _xlsx_fast if fast else _xlsx_rows
    rows = reader(book, strings, on_header, batch_rows=max(1000, CHUNK_CELLS // 100), header_row=header_row or 1)
    try:
        first = next(rows, None)  # parses up to the header (and the first batch)
    except SheetProblem as exc:
        raise DataError(f"{name}: {exc}") from None
    if "plan" not in state:
        raise DataError(f"{name}: the file is empty (its first sheet has no cells)")
    keys = state["keys"]

    def batches():
        try:
            for columns, numbers in itertools.chain([first] if first else [], rows):
                yield dict(zip(keys, columns, strict=True)), len(numbers), np.asarray(numbers, dtype=np.int64)
        except SheetProblem as exc:
            raise DataError(f"{name}: {exc}") from None

    return state["plan"], state["row"] + 1, batches(), lambda n: dimension_rows
