"""Validation of a survey export against the instrument: the header first, then chunk by chunk.

:func:`match_header` matches the header to the instrument before a single data row is parsed
(a :class:`Plan`: the instrument's columns present and where, the modules found, the columns
ignored), or raises one line naming the missing, repeated or mistyped columns. A
:class:`Collector` then turns each chunk of text cells into compact columns (``int8`` codes,
categories, numbers, Arrow strings), recording the problems it meets (text in an answer
column, a value outside the scale, an unknown category, an empty required cell) with the
rows a user sees, so that all of them are reported at once (:meth:`Collector.problems`).

The checks are hand-written rather than done with a schema library such as pandera: the
messages must be single lines in the users' terms (rows as in the spreadsheet, an item id
that looks mistyped, the allowed labels), and the answer columns need parsing (labels and
codes, missing codes) before any schema could apply.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.names import clean_name, name_key
from .instrument import Instrument, fold_label
from .screening import RowCounts, Screen
from .sources import (
    MAX_CACHED_TEXTS,
    MAX_COLUMNS,
    MAX_FIELD_CHARS,
    MAX_LISTED_ROWS,
    MAX_SUGGESTIONS,
    DataError,
    listing,
    one_line_error,
    quote_value,
    row_list,
)

__all__ = ["Plan", "match_header", "Collector", "ITEM_LIKE", "MISSING_MARKERS", "is_missing_marker"]

#: An unknown column that looks like an item id (``nw1``, ``NW_01``, ``gv.3b``): refused rather
#: than ignored, since it is most likely a mistyped item.
ITEM_LIKE = re.compile(r"^[a-z]{2}[_\-. ]?\d{1,2}[a-z]?$", re.IGNORECASE)

#: Cells that mean "no answer" in any column, as statistics programs write them (folded): R's
#: ``NA``, ``N/A``, SPSS's and Stata's ``.``, and an empty cell. An instrument's own missing
#: codes and labels (``9``, "weet niet") are missing answers as well.
MISSING_MARKERS = frozenset({"", "na", "n/a", "."})


def is_missing_marker(text) -> bool:
    """Whether a cell is one of the :data:`MISSING_MARKERS` (case and spacing aside).

    >>> is_missing_marker(" NA "), is_missing_marker("n/a"), is_missing_marker("."), is_missing_marker("Nee")
    (True, True, True, False)
    """
    return fold_label(text) in MISSING_MARKERS


# -- header matching -----------------------------------------------------------------------
@dataclass
class Plan:
    """What the header says: the instrument columns present and where, and what is ignored."""

    width: int
    wanted: dict[str, int]
    modules: list[str]
    ignored: list[str] = field(default_factory=list)
    #: Which rows count (a mapping's ``rows:`` block, :mod:`monitor.survey.screening`), applied
    #: to each chunk before it is validated; ``None``: every row counts.
    screen: Screen | None = None


def _check_header(names: list[str], name: str, row: int = 1) -> None:
    if len(names) > MAX_COLUMNS:
        raise DataError(f"{name}: the header (row {row}) has {len(names):,} columns, more than the "
                        f"{MAX_COLUMNS:,} allowed; this is not a survey export")
    for i, value in enumerate(names):
        if len(value) > MAX_FIELD_CHARS:
            raise DataError(f"{name}: row {row}, column {i + 1}: a field of {len(value):,} characters, more than "
                            f"the {MAX_FIELD_CHARS:,} allowed (starts {quote_value(value[:20])})")


def match_header(names: list[str], instrument: Instrument, name: str, row: int = 1) -> Plan:
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
        raise one_line_error(name, [f"column(s) appear more than once: {listing(sorted(dupes))}"])
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
        hint = ("; when the file holds one wave, set `wave: <year>` in a mapping file given with --mapping"
                if "wave" in missing else "")
        problems.append(f"missing required column(s): {listing(missing, 20)}{hint}")
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
        problems.append(f"unknown column {quote_value(col)} looks like an item but is not in the instrument{hint}")
    elif suspects:
        shown = [quote_value(col) + (f" (did you mean {close!r}?)" if close else "") for col, close in suspects[:3]]
        more = f" and {len(suspects) - 3:,} more" if len(suspects) > 3 else ""
        problems.append(f"{len(suspects):,} unknown columns look like items but are not in the instrument: "
                        f"{', '.join(shown)}{more}")
    if problems:
        raise one_line_error(name, problems)
    return Plan(width=len(names), wanted=wanted, modules=modules, ignored=ignored)


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
        return row_list(self.first, self.count)


def _classify_answers(texts: list, instrument: Instrument, scale=None) -> np.ndarray:
    """Answer texts -> int8 codes, or the markers _NA, _TEXT (not an answer), _OUTSIDE."""
    scale = scale or instrument.scale  # an item's own answer scale, else the instrument's
    series = pd.Series(["" if not isinstance(t, str) else t for t in texts], dtype=object)
    numbers = _number(series)
    out = np.full(len(series), _NA, dtype=np.int16)
    for i in np.flatnonzero(numbers.isna().to_numpy() & series.ne("").to_numpy()):
        text = series.iat[i].strip()
        if text and not is_missing_marker(text):
            code = scale.label_lookup.get(fold_label(text), "?")
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


class Collector:
    """Turn chunks of text columns into the result, recording problems as they are met.

    ``estimate(n)``, if given, says how many rows to expect in all once the first ``n`` are in.
    """

    def __init__(self, instrument: Instrument, plan: Plan, offset: int, name: str):
        self.instrument, self.plan, self.offset, self.name = instrument, plan, offset, name
        self.n = 0  # rows kept
        self.read = 0  # rows read (before screening)
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
        screen = self.plan.screen
        if rows is None:
            rows = np.arange(self.read, self.read + n, dtype=np.int64) + self.offset
            numbered = screen is not None  # rows left out: the kept rows keep their own numbers
        else:  # the sheet's own row numbers (blank rows are left out)
            numbered = True
        self.read += n
        if screen is not None:  # screened before validated: a preview row's made-up answers stop nothing
            columns, n, rows = screen.keep(columns, n, rows, self.items, self.name)
        if numbered:
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
            if len(cache) < MAX_CACHED_TEXTS:
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
            self._text(var.id, values, rows, required=var.required, name=var.type == "text")
            return
        codes, uniques = self._factorize(values)
        self._too_long(var.id, uniques, codes, rows)
        # a category typed by people: control and bidi characters out, missing markers blank
        stripped = np.array(["" if is_missing_marker(u) else clean_name(u) for u in uniques], dtype=object)
        blank = stripped == ""
        if var.required and blank.any():
            self.finding(var.id, "empty").add(np.flatnonzero(blank[codes]), rows, lambda p: "")
        if var.type == "category":
            lookup = self.caches.get(var.id)
            if lookup is None:
                lookup = {}
                for i, (key, texts) in enumerate(var.categories.items()):
                    for text in (key, *texts.values()):  # however typed: case, accents, punctuation
                        lookup[name_key(text) or fold_label(text)] = i
                self.caches[var.id] = lookup
            lut = np.array([lookup.get(name_key(s) or fold_label(s), -2) if s else -1 for s in stripped],
                           dtype=np.int16)
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

    def _text(self, key: str, values: np.ndarray, rows: np.ndarray, required: bool, name: bool = False) -> None:
        if name:  # a name typed by people (few distinct values): control and bidi characters out
            codes, uniques = self._factorize(values)
            values = np.array([clean_name(u) for u in uniques], dtype=object)[codes]
        # As a string array at once (compact and vectorised with pyarrow), not str objects held.
        text = pd.Series(pd.array(values, dtype="string"), copy=False)
        lengths = text.str.len().to_numpy(dtype=np.int64, na_value=0)
        if len(lengths) and lengths.max() > MAX_FIELD_CHARS:
            first = int(np.argmax(lengths > MAX_FIELD_CHARS))
            raise DataError(f"{self.name}: row {int(rows[first])}, column {key}: a field of {int(lengths[first]):,} "
                            f"characters, more than the {MAX_FIELD_CHARS:,} allowed")
        stripped = text.str.strip()
        blank = stripped.eq("").to_numpy(dtype=bool, na_value=True)
        short = np.flatnonzero(~blank & (stripped.str.len().to_numpy(dtype=np.int64, na_value=0) <= 3))
        if len(short):  # NA, N/A, "." (only short cells are folded: open answers can be long)
            blank[short] = stripped.iloc[short].str.casefold().isin(sorted(MISSING_MARKERS)).to_numpy(dtype=bool)
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
                out.append(f"unknown {var.id} {quote_value(category.example)} in {category.rows()}; allowed: {allowed}")
            number = self.findings.get((var.id, "number"))
            if number:
                what = "a year" if var.type == "year" else f"a number from {var.min} to {var.max}"
                out.append(f"{var.id} must be {what}: {quote_value(number.example)} in {number.rows()}")
        for module in self.plan.modules:
            for item in self.instrument.module(module).item_ids:
                scale = self.instrument.answer_scale(item)
                text = self.findings.get((item, "text"))
                if text:
                    out.append(f"text in answer column {item}, {text.rows()} (e.g. {quote_value(text.example)}); "
                               f"expected a code {scale.min}-{scale.max} or an answer label")
                outside = self.findings.get((item, "outside"))
                if outside:
                    out.append(f"value outside the scale {scale.min}-{scale.max} in column {item}, "
                               f"{outside.rows()} (e.g. {quote_value(outside.example)})")
        return out

    def counts(self) -> RowCounts:
        """Rows read, kept, and left out per reason (:mod:`monitor.survey.screening`)."""
        if self.plan.screen is None:
            return RowCounts(read=self.read, kept=self.n)
        return self.plan.screen.counts(self.n)

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
