"""Loading survey exports and validating them against the instrument.

:func:`read_responses` reads the files users really have (CSV with comma, semicolon or tab,
UTF-8 with or without BOM, cp1252 or UTF-16 with BOM, Dutch decimal commas; Excel ``.xlsx``;
SPSS ``.sav`` with value labels), in wide layout (one row per respondent per wave). Answers
may be codes (``4``) or labels (``Mee eens``); "weet niet / n.v.t." becomes missing. It
returns :class:`Responses`: the frame with the facts about where it came from (file, SHA-256,
modules found, columns ignored, mapping). :func:`load_responses` returns the frame alone, for
notebooks and users.

Every problem with the input raises :class:`DataError` with one line that names the file and
the rows and columns concerned. Row numbers are those a user sees in a spreadsheet: row 1 is
the header, the first respondent is row 2 (for SPSS files: case numbers, from 1).

The reading is streamed and bounded (:mod:`monitor.survey.sources`: limits, opening, encodings,
CSV; :mod:`monitor.survey.xlsx`; :mod:`monitor.survey.spss`), validated chunk by chunk
(:mod:`monitor.survey.validation`), and a platform's export is read through its mapping file
(:mod:`monitor.survey.mapping`).
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .categories import NearDuplicate, Spellings, near_duplicates, unify_spellings, values_block
from .instrument import Instrument, load_instrument
from .mapping import Mapping, mapping_from
from .platforms import layout_hint
from .screening import RowCounts, screening_lines
from .sources import (
    EXCEL_SUFFIXES,
    DataError,
    Reencode,
    csv_reader,
    file_fingerprint,
    listed_rows,
    listing,
    one_line_error,
    open_source,
    quote_value,
    shorten,
)
from .spss import sav_reader
from .validation import Collector, match_header
from .xlsx import Fallback, SheetProblem, xlsx_reader

__all__ = ["Responses", "read_responses", "load_responses", "summarise_responses", "present_modules", "DataError"]


@dataclass(frozen=True)
class Responses:
    """A survey export, read and validated: the frame and the facts about where it came from.

    Built by :func:`read_responses` (or :meth:`from_frame` for responses not read from a file).
    The facts travel with the frame as fields, never in ``DataFrame.attrs`` (which pandas copies
    on every operation and drops on some).

    Attributes
    ----------
    frame : DataFrame
        One row per respondent per wave, as :func:`load_responses` describes it.
    source : str
        The file read (``""`` for responses not read from a file).
    sha256 : str
        SHA-256 of the file's bytes, to trace every reported number to its data file (``""``
        for responses not read from a file).
    modules : tuple of str
        The instrument's modules found in the file, in the instrument's order.
    ignored_columns : tuple of str
        The file's columns that are not in the instrument (or that the mapping ignores).
    instrument_version : str
        The version of the instrument the file was validated against.
    mapping : str or None
        The mapping file the export was read through, if any.
    spellings : tuple of Spellings
        Spellings of one name read as one value (case, accents, punctuation, spacing), per
        text background variable (:mod:`monitor.survey.categories`).
    near_duplicates : tuple of NearDuplicate
        Values that may be one name typed twice, for a person to decide on (``monitor check``
        proposes a ``values:`` block for the mapping file).
    mapping_keys : dict
        The mapping file's key of each background variable (the export column), for that block.
    screening : RowCounts or None
        Rows read, kept, and left out per reason by the mapping's ``rows:`` block
        (:mod:`monitor.survey.screening`); ``None`` for responses not read from a file.
    """

    frame: pd.DataFrame
    source: str = ""
    sha256: str = ""
    modules: tuple[str, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    instrument_version: str = ""
    mapping: str | None = None
    spellings: tuple[Spellings, ...] = ()
    near_duplicates: tuple[NearDuplicate, ...] = ()
    mapping_keys: dict[str, str] = field(default_factory=dict)
    screening: RowCounts | None = None

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, instrument: Instrument) -> Responses:
        """Responses not read from a file (a simulation, rows chosen from another frame): no
        source or fingerprint; the modules are those whose items are all columns of ``frame``."""
        return cls(frame=frame, modules=present_modules(frame, instrument), instrument_version=instrument.version)


def present_modules(frame: pd.DataFrame, instrument: Instrument) -> tuple[str, ...]:
    """The ids of the instrument's modules whose items are all columns of ``frame``."""
    columns = set(frame.columns)
    return tuple(module.id for module in instrument.modules if set(module.item_ids) <= columns)


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


# -- reading -------------------------------------------------------------------------------
def _load(path: Path, instrument: Instrument, mapping: Mapping | None, header_plan, sheet, header_row,
          encoding: str | None = None, xlsx_fast: bool = True) -> tuple[Collector, str]:
    """Stream ``path`` into a :class:`~monitor.survey.validation.Collector`; returns it with the
    file's SHA-256.

    ``header_plan(names, row)`` turns the header into a plan (or raises) before any data row is
    parsed. ``encoding`` forces the encoding of a CSV file; ``xlsx_fast=False`` reads a sheet
    with expat rather than the faster reader.
    """
    source = open_source(path)
    digest = hashlib.sha256()
    try:
        if source.kind == "csv":
            reading = csv_reader(source, header_plan, digest, encoding)
        elif source.kind == "xlsx":
            reading = xlsx_reader(source, header_plan, sheet, header_row, fast=xlsx_fast)
        else:
            reading = sav_reader(source, header_plan)
        plan, offset, batches, estimate = reading
        if mapping is not None:  # drops the platform's extra header rows, recodes wordings (monitor.survey.mapping)
            offset, batches = mapping.adapt(offset, batches, instrument)
        collector = Collector(instrument, plan, offset, source.name)
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
    except Reencode:
        # Non-ASCII UTF-8 first, then bytes that are not UTF-8: read it all again as cp1252.
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise DataError(f"{path}: the text is partly UTF-8 and partly another encoding, and a pipe cannot be "
                            "read twice; save it as UTF-8 (or as a file)") from None
        return read(encoding="cp1252")
    except Fallback:
        return read(xlsx_fast=False)


def read_responses(path: str | Path, instrument: Instrument | None = None, mapping=None,
                   sheet: str | int | None = None, header_row: int | None = None) -> Responses:
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
    Responses
        The frame (see :func:`load_responses`) with the source path, its SHA-256, the modules
        found, the ignored columns, the instrument's version and the mapping file.

    Raises
    ------
    DataError
        One line naming the file, the rows and the columns, for: a missing, unreadable or empty
        file, a folder, a symbolic link loop, an unreadable encoding, a file beyond the limits
        of :mod:`monitor.survey.sources` (too many columns or cells, an overlong field, a zip
        bomb), missing required columns, unknown columns that look like items, values outside
        the scale, text in an answer column, unknown categories, duplicate ``respondent_id``
        within a wave. The input file is only read.

    Examples
    --------
    >>> from monitor.core.config import DEMO_DATA
    >>> responses = read_responses(DEMO_DATA)
    >>> responses.modules, len(responses.sha256)
    (('vertrouwen', 'samenwerking', 'levenscyclus'), 64)
    """
    instrument = instrument or load_instrument()
    path = Path(path)
    name = str(path)
    mapping = mapping_from(mapping, instrument)

    def header_plan(names, row):
        if mapping is not None:
            return mapping.plan(names, row, lambda renamed: match_header(renamed, instrument, name, row))
        return match_header(names, instrument, name, row)

    chosen_sheet = sheet if sheet is not None else (mapping.sheet if mapping else None)
    chosen_row = header_row if header_row is not None else (mapping.header_row if mapping else None)
    if (chosen_sheet is not None or (chosen_row or 1) > 1) and path.suffix.lower() not in EXCEL_SUFFIXES:
        raise DataError(f"{name}: --sheet and --header-row apply to Excel workbooks only")
    try:
        collector, sha = _again_if_needed(path, lambda **options: _load(
            path, instrument, mapping, header_plan, chosen_sheet, chosen_row, **options))
    except DataError as exc:
        if mapping is None and sheet is None and header_row is None and not isinstance(exc, SheetProblem):
            hint = layout_hint(path, instrument, str(exc))
            if hint:
                raise DataError(f"{name}: {hint}") from None
        raise
    if collector.n == 0:
        if collector.read:
            raise DataError(f"{name}: all {collector.read:,} rows are left out by the mapping's rows: block "
                            f"({', '.join(f'{n:,} {r}' for r, n in collector.counts().excluded.items())}); check it")
        raise DataError(f"{name}: the file has a header but no respondents")
    problems = collector.problems()
    if problems:
        raise one_line_error(name, problems)
    plan = collector.plan
    out = collector.frame()
    if mapping is not None:
        out = mapping.complete(out)
    names = [var.id for var in instrument.background if var.type == "text" and var.id in out]
    out, spellings = unify_spellings(out, names)
    if {"respondent_id", "wave"} <= set(out.columns):
        dup = out.duplicated(["respondent_id", "wave"], keep=False).to_numpy()
        if dup.any():
            positions = np.flatnonzero(dup)
            first = out.iloc[positions[0]]
            raise one_line_error(name, [f"duplicate respondent_id within a wave in column respondent_id, "
                                        f"{listed_rows(collector.user_rows(positions), 0)} "
                                        f"(e.g. {quote_value(first['respondent_id'])} in wave {first['wave']})"])
    _release_freed_memory()
    return Responses(frame=out, source=name, sha256=sha, modules=tuple(plan.modules),
                     ignored_columns=tuple(plan.ignored), instrument_version=instrument.version,
                     mapping=str(mapping.path) if mapping else None, spellings=spellings,
                     near_duplicates=near_duplicates(out, names),
                     mapping_keys=mapping.keys_of(names) if mapping else {}, screening=collector.counts())


def load_responses(path: str | Path, instrument: Instrument | None = None, mapping=None,
                   sheet: str | int | None = None, header_row: int | None = None) -> pd.DataFrame:
    """Read a survey export and validate it against the instrument: the frame alone.

    The convenience for notebooks and users; :func:`read_responses` takes the same arguments
    and raises the same :class:`DataError`, and also returns the file's facts (its SHA-256,
    the modules found, the ignored columns).

    Returns
    -------
    DataFrame
        One row per respondent per wave: background variables (``respondent_id`` and text as
        ``string``, ``wave`` as ``Int64``, categories as ``category``, numbers as
        ``Float64``), items as ``Int8`` codes with ``<NA>`` for missing, open answers as
        ``string``. Only modules present in the file are included.

    Examples
    --------
    >>> from monitor import load_responses
    >>> from monitor.core.config import DEMO_DATA
    >>> frame = load_responses(DEMO_DATA)
    >>> frame["nw1"].dtype
    Int8Dtype()
    """
    return read_responses(path, instrument, mapping=mapping, sheet=sheet, header_row=header_row).frame


def summarise_responses(responses: Responses) -> str:
    """The short summary ``monitor check`` prints for good data.

    Data without a wave column (an instrument that does not require one) is one wave: valid
    as it is, and the summary says how to name its year for reports and trends.
    """
    frame = responses.frame
    waves = f"{frame['wave'].nunique()} wave(s)" if "wave" in frame else "one wave (no wave column)"
    regions = f", {frame['region'].nunique()} region(s)" if "region" in frame else ""
    lines = [f"{len(frame):,} respondents in {waves}{regions}; modules: {', '.join(responses.modules)}"]
    if "wave" in frame:
        per_wave = frame.groupby("wave").size()
        lines.append("Respondents per wave: " + ", ".join(f"{w}: {n:,}" for w, n in per_wave.items()))
    else:
        lines.append("No wave column: region reports and trends need the year; add a wave column, or set "
                     "`wave: <year>` in a mapping file given with --mapping")
    if "organisation_type" in frame and "region" in frame:
        table = pd.crosstab(frame["region"], frame["organisation_type"], margins=True,
                            margins_name="totaal", dropna=False)
        lines.append("Respondents per region and organisation type (all waves):")
        lines.append(table.to_string())
    ignored = list(responses.ignored_columns)
    if ignored:
        lines.append(f"Ignored columns (not in the instrument): {listing(ignored, 30)}")
    lines += screening_lines(responses.screening)
    lines += spelling_notes(responses)
    return "\n".join(lines)


def spelling_notes(responses: Responses, limit: int = 10) -> list[str]:
    """Lines on the spellings read as one value, and a warning with a ``values:`` block to
    propose for values that may be one name typed twice."""
    lines = [f"{s.column}: {', '.join(repr(shorten(o)) for o in s.others[:5])}"
             f"{f' and {len(s.others) - 5} more' if len(s.others) > 5 else ''} read as {s.shown!r} "
             "(only case, accents, punctuation or spaces differ)" for s in responses.spellings[:limit]]
    if len(responses.spellings) > limit:
        lines.append(f"and {len(responses.spellings) - limit:,} more names typed in several ways")
    near = responses.near_duplicates
    for n in near[:limit]:
        lines.append(f"Warning: {n.column} {n.spelling!r} ({n.count:,} row{'s' if n.count != 1 else ''}) may be "
                     f"{n.like!r} ({n.like_count:,} rows) typed otherwise")
    if len(near) > limit:
        lines.append(f"Warning: and {len(near) - limit:,} more such pairs")
    if near:
        where = (f"the mapping file {responses.mapping}" if responses.mapping else
                 "a mapping file given with --mapping (a file with only this block will do)")
        lines.append(f"If they are one name, add this to {where}; if not, leave them as they are:")
        lines.append(values_block(near, responses.mapping_keys))
    return lines
