"""Loading survey exports and validating them against the instrument.

:func:`load_responses` reads the files users really have (CSV with comma or semicolon,
UTF-8 with or without BOM or cp1252, Dutch decimal commas; Excel ``.xlsx``; SPSS ``.sav``
with value labels), in wide layout (one row per respondent per wave). Answers may be codes
(``4``) or labels (``Mee eens``); "weet niet / n.v.t." becomes missing.

Every problem with the input raises :class:`DataError` with one line that names the file and
the rows and columns concerned. Row numbers are those a user sees in a spreadsheet: row 1 is
the header, the first respondent is row 2 (for SPSS files: case numbers, from 1).

The checks are hand-written rather than done with a schema library such as pandera: the
messages must be single lines in the users' terms (rows as in the spreadsheet, an item id
that looks mistyped, the allowed labels), and the answer columns need parsing (labels and
codes, missing codes) before any schema could apply.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .instrument import Instrument, _fold, load_instrument

__all__ = ["DataError", "load_responses", "read_table", "item_matrix", "file_fingerprint",
           "summarise_responses"]

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
SPSS_SUFFIXES = {".sav", ".zsav"}
MAX_LISTED_ROWS = 5
ITEM_LIKE = re.compile(r"^[a-z]{2}[_\-. ]?\d{1,2}[a-z]?$", re.IGNORECASE)


class DataError(ValueError):
    """Survey data that cannot be used as it is. The message is one line for the user."""


def _rows(rows, offset: int) -> str:
    rows = [int(r) + offset for r in rows]
    shown = ", ".join(str(r) for r in rows[:MAX_LISTED_ROWS])
    more = f" and {len(rows) - MAX_LISTED_ROWS} more" if len(rows) > MAX_LISTED_ROWS else ""
    word = "row" if len(rows) == 1 else "rows"
    return f"{word} {shown}{more}"


def file_fingerprint(path: str | Path) -> str:
    """SHA-256 of a file's bytes, to trace every reported number to its data file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -- reading -------------------------------------------------------------------------------
def _decode(raw: bytes, name: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DataError(f"{name}: unreadable encoding (broken UTF-16 text)") from exc
    if b"\x00" in raw:
        raise DataError(f"{name}: unreadable encoding: the file is not text "
                        "(save it as CSV in UTF-8, or give the .xlsx or .sav file itself)")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataError(f"{name}: unreadable encoding: neither UTF-8 nor Windows-1252 (cp1252)")


def _as_text(value) -> str:
    """A cell as the text a user would see; integral floats lose their '.0'."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(path: str | Path, text_columns: list[str] | None = None) -> tuple[pd.DataFrame, int]:
    """Read a CSV, Excel or SPSS file as text cells.

    Parameters
    ----------
    text_columns : list of str, optional
        For CSV files: only these columns (matched case-insensitively) are read as text, and
        the C parser reads the others as numbers where they are clean numbers, which is much
        faster for the answer columns of a large file. Default: every column as text.

    Returns
    -------
    frame : DataFrame
        Cells as text (empty string for an empty cell), or numbers (NaN for an empty cell) in
        columns the parser could read as numbers; columns as in the file.
    row_offset : int
        What to add to a 0-based data row index to get the row number a user sees.
    """
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise DataError(f"{name}: file not found")
    if path.is_dir():
        raise DataError(f"{name}: is a folder, not a data file")
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        raise DataError(f"{name}: the file is empty")
    if suffix in CSV_SUFFIXES:
        text = _decode(path.read_bytes(), name)
        if not text.strip():
            raise DataError(f"{name}: the file is empty")
        header = text.lstrip("\ufeff").splitlines()[0]
        sep = max(["\t", ";", ","], key=header.count)
        if text_columns is None:
            options = {"dtype": str, "keep_default_na": False, "na_filter": False}
        else:
            wanted = {c.casefold() for c in text_columns}
            names = next(csv.reader([header], delimiter=sep))
            options = {"dtype": {n: str for n in names if n.strip().casefold() in wanted},
                       "keep_default_na": False, "na_values": [""]}
        try:
            frame = pd.read_csv(io.StringIO(text), sep=sep, quoting=csv.QUOTE_MINIMAL, skip_blank_lines=True,
                                **options)
            text_like = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
            frame[text_like] = frame[text_like].fillna("")
        except pd.errors.ParserError as exc:
            raise DataError(f"{name}: not a well-formed table: {str(exc).strip()}") from exc
        except pd.errors.EmptyDataError as exc:
            raise DataError(f"{name}: the file is empty") from exc
        return frame, 2
    if suffix in EXCEL_SUFFIXES:
        try:
            frame = pd.read_excel(path, dtype=object)
        except Exception as exc:  # openpyxl raises many types for a corrupt workbook
            raise DataError(f"{name}: cannot be read as an Excel workbook ({type(exc).__name__}: {exc})") from exc
        return frame.map(_as_text), 2
    if suffix in SPSS_SUFFIXES:
        import pyreadstat

        try:
            # Value labels are applied, so a file coded 0..4 with labels reads as its labels.
            frame, _meta = pyreadstat.read_sav(str(path), apply_value_formats=True)
        except Exception as exc:  # pyreadstat.ReadstatError and friends
            raise DataError(f"{name}: cannot be read as an SPSS file ({exc})") from exc
        return frame.map(_as_text), 1
    raise DataError(f"{name}: unsupported file type {suffix or '(none)'}; "
                    "use .csv, .xlsx or .sav")


# -- validation ----------------------------------------------------------------------------
def _as_text_column(column: pd.Series) -> pd.Series:
    """A column as text cells, whatever the reader made of it."""
    if pd.api.types.is_numeric_dtype(column):
        return column.map(_as_text)
    return column.astype(str)


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
        cleaned = series[rest].str.strip().str.replace(",", ".", regex=False)
        values[rest] = pd.to_numeric(cleaned.where(cleaned != ""), errors="coerce")
    return values


def _parse_answers(column: pd.Series, item: str, instrument: Instrument, offset: int,
                   problems: list[str]) -> pd.Series:
    scale = instrument.scale
    numbers = _number(column)
    rest = numbers.isna() & column.ne("") if not pd.api.types.is_numeric_dtype(column) else numbers.isna() & False
    if rest.any():
        text = column[rest].str.strip()
        text = text[text != ""]
        mapped = text.map(lambda v: scale.label_lookup.get(_fold(v), "?"))
        unknown = mapped == "?"
        if unknown.any():
            bad = text[unknown]
            problems.append(f"text in answer column {item}, {_rows(bad.index, offset)} "
                            f"(e.g. {bad.iloc[0]!r}); expected a code {scale.min}-{scale.max} or an answer label")
        numbers[mapped.index] = pd.to_numeric(mapped.where(~unknown), errors="coerce")
    numbers[numbers.isin(scale.missing_codes)] = np.nan
    present = numbers.notna()
    outside = present & ((numbers < scale.min) | (numbers > scale.max) | (numbers % 1 != 0))
    if outside.any():
        bad = _as_text_column(column[outside])
        problems.append(f"value outside the scale {scale.min}-{scale.max} in column {item}, "
                        f"{_rows(bad.index, offset)} (e.g. {bad.iloc[0].strip()!r})")
    return numbers.where(~outside).astype("Int8")


def _parse_category(column: pd.Series, var, offset: int, problems: list[str]) -> pd.Series:
    lookup = {}
    for key, texts in var.categories.items():
        lookup[_fold(key)] = key
        for text in texts.values():
            lookup[_fold(text)] = key
    text = column.str.strip()
    mapped = text.map(lambda v: lookup.get(_fold(v)) if v else None)
    unknown = text.ne("") & mapped.isna()
    if unknown.any():
        bad = text[unknown]
        allowed = ", ".join(var.categories)
        problems.append(f"unknown {var.id} {bad.iloc[0]!r} in {_rows(bad.index, offset)}; "
                        f"allowed: {allowed}")
    return pd.Categorical(mapped, categories=list(var.categories))


def _match_columns(frame: pd.DataFrame, instrument: Instrument, name: str) -> pd.DataFrame:
    """Map headers case-insensitively to instrument ids; reject duplicate headers."""
    known = instrument.background_ids + instrument.item_ids + instrument.open_question_ids
    by_fold = {k.casefold(): k for k in known}
    renamed = [by_fold.get(str(c).strip().lstrip("\ufeff").casefold(), str(c).strip()) for c in frame.columns]
    seen, dupes = set(), []
    for col in renamed:
        if col in seen:
            dupes.append(col)
        seen.add(col)
    if dupes:
        raise DataError(f"{name}: column(s) appear more than once: {', '.join(sorted(set(dupes)))}")
    frame.columns = renamed
    return frame


def load_responses(path: str | Path, instrument: Instrument | None = None) -> pd.DataFrame:
    """Read a survey export and validate it against the instrument.

    Parameters
    ----------
    path : str or Path
        A ``.csv``, ``.xlsx`` or ``.sav`` file in wide layout: one row per respondent per wave,
        one column per background variable, item and open question (ids as in the instrument).
    instrument : Instrument, optional
        The questionnaire; default ``data/instrument.yaml``.

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
        One line naming the file, the rows and the columns, for: a missing or empty file, an
        unreadable encoding, missing required columns, unknown columns that look like items,
        values outside the scale, text in an answer column, unknown categories, duplicate
        ``respondent_id`` within a wave. The input file is only read.

    Examples
    --------
    >>> from monitor import load_responses
    >>> from monitor.config import DEMO_DATA
    >>> frame = load_responses(DEMO_DATA)
    >>> frame["nw1"].dtype
    Int8Dtype()
    """
    instrument = instrument or load_instrument()
    path = Path(path)
    name = str(path)
    raw, offset = read_table(path, text_columns=instrument.background_ids + instrument.open_question_ids)
    raw = _match_columns(raw, instrument, name)
    problems: list[str] = []

    required = [b.id for b in instrument.background if b.required]
    missing = [c for c in required if c not in raw.columns]
    modules = []
    for module in instrument.modules:
        present = [i for i in module.item_ids if i in raw.columns]
        if present and len(present) < len(module.item_ids):
            missing += [i for i in module.item_ids if i not in raw.columns]
        if present:
            modules.append(module.id)
    if missing:
        problems.append(f"missing required column(s): {', '.join(missing)}")
    if not modules:
        problems.append("no item columns of any module of the instrument were found")

    known = set(instrument.background_ids + instrument.item_ids + instrument.open_question_ids)
    ignored = []
    for col in raw.columns:
        if col in known:
            continue
        close = difflib.get_close_matches(col.casefold(), instrument.item_ids, n=1, cutoff=0.75)
        if close or ITEM_LIKE.match(col):
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(f"unknown column {col!r} looks like an item but is not in the instrument{hint}")
        else:
            ignored.append(col)
    if problems:
        raise DataError(f"{name}: " + "; ".join(problems))
    if raw.empty:
        raise DataError(f"{name}: the file has a header but no respondents")

    out = pd.DataFrame(index=raw.index)
    for var in instrument.background:
        if var.id not in raw.columns:
            continue
        column = raw[var.id].astype(str)
        blank = column.str.strip() == ""
        if var.required and blank.any():
            problems.append(f"empty {var.id} in {_rows(raw.index[blank], offset)}")
        if var.type == "category":
            out[var.id] = _parse_category(column, var, offset, problems)
        elif var.type in ("year", "number"):
            values = _number(column)
            bad = values.isna() & ~blank
            if var.type == "year":
                bad |= values.notna() & ((values % 1 != 0) | (values < 1990) | (values > 2100))
            lo = -np.inf if var.min is None else var.min
            hi = np.inf if var.max is None else var.max
            bad |= values.notna() & ((values < lo) | (values > hi))
            if bad.any():
                what = "a year" if var.type == "year" else f"a number from {var.min} to {var.max}"
                problems.append(f"{var.id} must be {what}: {raw[var.id][bad].iloc[0]!r} in "
                                f"{_rows(raw.index[bad], offset)}")
            out[var.id] = values.where(~bad).astype("Int64" if var.type == "year" else "Float64")
        else:
            out[var.id] = column.str.strip().replace("", pd.NA).astype("string")

    for module_id in modules:
        for item in instrument.module(module_id).item_ids:
            column = raw[item] if pd.api.types.is_numeric_dtype(raw[item]) else raw[item].astype(str)
            out[item] = _parse_answers(column, item, instrument, offset, problems)
    for question in instrument.open_question_ids:
        if question in raw.columns:
            out[question] = raw[question].astype(str).str.strip().replace("", pd.NA).astype("string")

    if not problems and {"respondent_id", "wave"} <= set(out.columns):
        dup = out.duplicated(["respondent_id", "wave"], keep=False)
        if dup.any():
            first = out.loc[dup].iloc[0]
            problems.append(f"duplicate respondent_id within a wave in column respondent_id, "
                            f"{_rows(out.index[dup], offset)} (e.g. {first['respondent_id']!r} "
                            f"in wave {first['wave']})")
    if problems:
        raise DataError(f"{name}: " + "; ".join(problems))

    out.attrs.update(source=name, sha256=file_fingerprint(path), modules=modules,
                     ignored_columns=ignored, instrument_version=instrument.version)
    return out.reset_index(drop=True)


def item_matrix(frame: pd.DataFrame, items: list[str]) -> np.ndarray:
    """Items as a float array with NaN for missing, the form numerical code works on."""
    return frame[items].astype("float64").to_numpy(na_value=np.nan)


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
        lines.append(f"Ignored columns (not in the instrument): {', '.join(ignored)}")
    return "\n".join(lines)
