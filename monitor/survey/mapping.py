"""The mapping file: which export column is which instrument item, reviewed by a person.

A survey platform names its columns its own way (``Q6_1``, ``nw[SQ001]``, question texts) and
words its answers its own way (``Zeer mee eens``). A mapping file, kept by the adviser next to
the export, says once how to read it::

    layout: qualtrics          # as recognised by monitor mapping propose (information only)
    header_row: 1              # the row of the column names (Excel: below a title block)
    skip_rows: 2               # rows after the header that hold no respondents (question texts, ImportIds)
    sheet: null                # Excel: the sheet with the data
    wave: null                 # the year, when the export has no wave column
    columns:                   # export column -> instrument id (items, background, open questions)
      ResponseId: respondent_id
      Q1_1: nw1
    ignore: [StartDate, Status]    # export columns that are not in the instrument
    answers:                   # answer wording -> code, for every item ("missing": weet niet)
      Zeer mee eens: 5
    item_answers:              # answer wording -> code for one export column (overrides answers)
      Q1_4: {Nooit: 1, Altijd: 5}
    values:                    # background values: export value -> instrument value
      typeorg: {1: gemeente, 2: zorgaanbieder, 3: anders}
      region: {"Regio Hoog Heidezoom": "Regio Hoog-Heidezoom"}   # export column or instrument id
    rows:                      # which rows count (monitor.survey.screening); without it, every row
      status: Status           # previews, tests and spam are left out
      finished: Finished       # unfinished responses are left out ...
      progress: Progress
      min_progress: null       # ... unless this is set: keep partial responses from this progress on
      id: ResponseId           # the response id: read as a pseudonym; duplicates and drop_ids
      duplicates: refuse       # or drop: keep the first, and say so
      drop_ids: []             # responses to leave out

Columns are named as :func:`monitor.survey.platforms.column_keys` names them (the header text, or
``#N`` for a blank or repeated header cell). Every export column must be mapped or ignored,
so that nothing is silently dropped; a column that identifies a person (IP address, e-mail, names,
coordinates) is never mapped, and a platform's response id mapped to ``respondent_id`` is read as
a pseudonym. A file without ``columns:`` and ``ignore:`` is for an export
in the instrument's own form: its blocks (``values:``, ``answers:``, ``wave:``) name instrument
ids. A ``values:`` line matches a cell however it is typed (case, accents, punctuation, spacing:
:func:`monitor.core.names.name_key`), so one line renames every spelling of a name, and a region
may be renamed between waves.

:func:`load_mapping` reads and validates a file with one-line errors (:class:`MappingError`).
:func:`monitor.survey.responses.read_responses` applies it while streaming the export: the header is
renamed before it is matched to the instrument (:meth:`Mapping.plan`), the extra header rows
are dropped and the wordings recoded chunk by chunk (:meth:`Mapping.adapt`), so validation,
limits and error messages are those of a plain export. :func:`propose` writes a mapping for a
person to review (:mod:`monitor.survey.propose`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..core.files import describe_os_error
from ..core.names import name_key
from ..core.yaml_files import BoundedSafeLoader, YAMLBoundExceeded, load_yaml
from .instrument import Instrument, fold_label
from .platforms import column_keys
from .screening import IDENTIFYING, RowRules, Screen, detect_fields, row_rules
from .sources import DataError

__all__ = ["Mapping", "MappingError", "load_mapping", "mapping_from", "MAPPING_KEYS", "CHECK_MARK"]

MAPPING_KEYS = ("layout", "header_row", "skip_rows", "sheet", "wave", "columns", "ignore", "answers",
                "item_answers", "values", "rows")
#: The comment that marks a choice for review in a proposed mapping.
CHECK_MARK = "# CHECK"
MISSING_WORDS = ("missing", "ontbreekt", "weet niet")
_MAX_SKIP_ROWS = 10


class MappingError(DataError):
    """A mapping file that cannot be used as it is; the message is one line for the user."""


class _UniqueKeyLoader(BoundedSafeLoader):
    """YAML's safe loader (aliases bounded), refusing a key given twice (YAML would keep the last silently)."""


def _unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    seen = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise MappingError(f"line {key_node.start_mark.line + 1}: {key!r} is given twice")
        seen.add(key)
    return loader.construct_mapping(node, deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def _text(value) -> str:
    """A YAML key or value as the export's cell text (YAML reads ``1`` as a number, ``1.0`` as a float)."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass
class Mapping:
    """A validated mapping file. Build it with :func:`load_mapping`."""

    columns: dict[str, str]
    ignore: list[str] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)
    item_answers: dict[str, dict[str, str]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    wave: int | None = None
    layout: str = "plain"
    header_row: int | None = None
    skip_rows: int = 0
    sheet: str | None = None
    path: Path | None = None
    unreviewed: int = 0
    plain: bool = False  # no columns: or ignore: the export's columns are the instrument's ids
    rows: RowRules | None = None  # which rows count (monitor.survey.screening); None: every row

    @property
    def name(self) -> str:
        return str(self.path) if self.path else "mapping"

    def target(self, key: str) -> str | None:
        """The instrument id an export column is read as."""
        return key if self.plain else self.columns.get(key)

    def keys_of(self, ids: list[str]) -> dict[str, str]:
        """The mapping file's key (the export column) of each of the instrument ``ids`` mapped."""
        if self.plain:
            return {i: i for i in ids}
        return {target: key for key, target in self.columns.items() if target in ids}

    # -- the header ------------------------------------------------------------------------
    def plan(self, names: list[str], row: int, plan_header):
        """Rename the export's header to instrument ids, then match it (``plan_header(names)``).

        Every mapped column must be in the header, and every header column mapped or ignored.
        A constant ``wave`` enters the plan as a column the file does not have; it is added
        by :meth:`complete`.
        """
        if self.plain:
            extra = ["wave"] if self.wave is not None and "wave" not in names else []
            plan = plan_header(list(names) + extra)
            for key in extra:
                plan.wanted.pop(key, None)
            plan.width = len(names)
            plan.screen = self._screen(column_keys(names), plan, row)
            return plan
        keys = column_keys(names)
        present = set(keys)
        absent = [key for key in [*self.columns, *self.ignore] if key not in present]
        if absent:
            raise MappingError(f"{self.name}: column(s) {_listing(absent)} are not in the export's header "
                               f"(row {row}); is this the export the mapping was made for?")
        unmapped = [key for key in keys if key not in self.columns and key not in self.ignore]
        if unmapped:
            raise MappingError(f"{self.name}: export column(s) {_listing(unmapped)} are neither mapped nor ignored; "
                               "add each under columns: or ignore:")
        renamed = [self.columns.get(key, "") for key in keys]
        extra = ["wave"] if self.wave is not None else []
        plan = plan_header(renamed + extra)
        for key in extra:
            plan.wanted.pop(key, None)
        plan.width = len(names)
        plan.ignored = list(self.ignore)
        plan.screen = self._screen(keys, plan, row)
        return plan

    def _screen(self, keys: list[str], plan, row: int) -> Screen | None:
        """The screening of this read (:mod:`monitor.survey.screening`): the ``rows:`` rules with
        the batch key of each column they read, and the response id read as a pseudonym."""
        found = detect_fields(keys)
        id_key = self.keys_of(["respondent_id"]).get("respondent_id")
        pseudonymise = "respondent_id" if not self.plain and id_key is not None and found.get("id") == id_key else None
        if self.rows is None:
            return Screen(None, {}, self.name, pseudonymise) if pseudonymise else None
        columns = self.rows.columns or found
        absent = [c for c in columns.values() if c not in keys]
        if absent:
            raise MappingError(f"{self.name}: rows: column(s) {_listing(absent)} are not in the export's header "
                               f"(row {row})")
        batch_keys = {}
        for role, column in columns.items():
            target = self.target(column)
            if target is not None and target in plan.wanted:
                batch_keys[role] = target
            else:  # an ignored column that only screening reads
                batch_keys[role] = f"\x00rows:{role}"
                plan.wanted[batch_keys[role]] = keys.index(column)
        rules = self.rows if self.rows.columns else RowRules(columns=columns, min_progress=self.rows.min_progress,
                                                              drop_ids=self.rows.drop_ids,
                                                              duplicates=self.rows.duplicates)
        if (rules.drop_ids or rules.duplicates == "drop") and "id" not in columns:
            raise MappingError(f"{self.name}: rows: drop_ids and duplicates need the response id column; name it "
                               "with `id: <column>`")
        return Screen(rules, batch_keys, self.name, pseudonymise, progress_from_items=True)

    # -- the rows --------------------------------------------------------------------------
    def _lookups(self, instrument: Instrument) -> dict[str, dict[str, str]]:
        """Per instrument id: folded export value -> the text the loader reads."""
        target = {v: k for k, v in self.columns.items()} if not self.plain else {i: i for i in instrument.item_ids}
        out = {}
        general = {fold_label(w): c for w, c in self.answers.items()}
        for item in instrument.item_ids:
            key = target.get(item)
            if key is None:
                continue
            table = dict(general)
            table.update({fold_label(w): c for w, c in self.item_answers.get(key, {}).items()})
            if table:
                out[item] = table
        for key, table in self.values.items():
            out[self.target(key)] = {_value_key(v): t for v, t in table.items()}
        return out

    def adapt(self, offset: int, batches, instrument: Instrument):
        """Drop the platform's extra header rows and recode wordings and values, chunk by chunk.

        Returns the new row offset (for files without row numbers) and the adapted batches.
        """
        lookups = self._lookups(instrument)
        valid = self._answer_texts(instrument)
        items = set(instrument.item_ids)

        def adapted():
            remaining = self.skip_rows
            for columns, n, rows in batches:
                if remaining:
                    k = min(remaining, n)
                    self._check_skipped({c: v[:k] for c, v in columns.items() if c in items}, valid,
                                        rows[:k] if rows is not None else offset + self.skip_rows - remaining
                                        + np.arange(k))
                    columns = {c: v[k:] for c, v in columns.items()}
                    rows = rows[k:] if rows is not None else None
                    n, remaining = n - k, remaining - k
                    if n == 0:
                        continue
                for column, table in lookups.items():
                    if column in columns:
                        fold = fold_label if column in items else _value_key
                        columns[column] = _recode(columns[column], table, fold)
                yield columns, n, rows

        return offset + self.skip_rows, adapted()

    def _answer_texts(self, instrument: Instrument) -> set[str]:
        scale = instrument.scale
        texts = {str(c) for c in [*scale.values, *scale.missing_codes]} | set(scale.label_lookup)
        texts |= {fold_label(w) for w in self.answers}
        for table in self.item_answers.values():
            texts |= {fold_label(w) for w in table}
        return texts | {""}

    def _check_skipped(self, columns: dict[str, np.ndarray], valid: set[str], rows) -> None:
        """A skipped row must not look like a respondent: refuse to drop answers silently."""
        if not columns:
            return
        for i, row in enumerate(rows):
            cells = [fold_label(str(values[i])) for values in columns.values()]
            if any(cells) and all(cell in valid for cell in cells):
                raise MappingError(f"{self.name}: row {int(row)} holds answers, but skip_rows: {self.skip_rows} drops "
                                   "it as a header row; set skip_rows to the export's extra header rows")

    def complete(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Add the constant wave, where the mapping gives one."""
        if self.wave is not None and "wave" not in frame:
            at = 1 if "respondent_id" in frame else 0
            frame.insert(at, "wave", pd.array(np.full(len(frame), self.wave), dtype="Int64"))
        return frame


def _value_key(value) -> str:
    """A background value as a ``values:`` line matches it: however it is typed."""
    return name_key(str(value)) or fold_label(value)


def _recode(values: np.ndarray, table: dict[str, str], fold=fold_label) -> np.ndarray:
    """Replace the cells whose folded text (``fold``) is in ``table``; computed once per distinct value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if not len(uniques):
        return values
    replaced = np.array([table.get(fold(str(u)), u) for u in uniques], dtype=object)
    out = replaced[np.maximum(codes, 0)]
    if (codes < 0).any():
        out[codes < 0] = ""
    return out


def _listing(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(repr(str(n)[:40]) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


# -- reading and validating ----------------------------------------------------------------
def load_mapping(path: str | Path, instrument: Instrument) -> Mapping:
    """Read and validate a mapping file against the instrument.

    Raises
    ------
    MappingError
        One line naming the file and the problem: unreadable YAML, an unknown key, an unknown
        instrument id, two columns mapped to one id, a column both mapped and ignored, items of
        a module left unmapped, an answer code outside the scale, an unknown category.
    """
    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise MappingError(f"cannot read the mapping: {describe_os_error(exc, path)}") from exc
    except UnicodeDecodeError:
        raise MappingError(f"{name}: not a text file in UTF-8") from None
    try:
        raw = load_yaml(text, _UniqueKeyLoader)
    except (MappingError, YAMLBoundExceeded) as exc:
        raise MappingError(f"{name}: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise MappingError(f"{name}: {where}not valid YAML ({getattr(exc, 'problem', None) or 'syntax'})") from None
    if not isinstance(raw, dict):
        raise MappingError(f"{name}: not a mapping file (expected keys such as columns:, ignore:, answers:)")
    unknown = [k for k in raw if k not in MAPPING_KEYS]
    if unknown:
        raise MappingError(f"{name}: unknown key(s) {_listing(unknown)}; allowed: {', '.join(MAPPING_KEYS)}")
    mapping = Mapping(columns={}, path=path, unreviewed=text.count(CHECK_MARK),
                      plain="columns" not in raw and "ignore" not in raw)

    def fail(message: str):
        raise MappingError(f"{name}: {message}")

    def table(key: str) -> dict:
        value = raw.get(key) or {}
        if not isinstance(value, dict):
            fail(f"{key}: must be a list of `name: value` lines")
        return value

    ids = instrument.background_ids + instrument.item_ids + instrument.open_question_ids
    targets: dict[str, str] = {}
    for column, target in table("columns").items():
        column, target = _text(column), _text(target) if target is not None else ""
        if target not in ids:
            close = difflib.get_close_matches(target, ids, n=1, cutoff=0.6)
            fail(f"columns: {column!r} -> {target!r}: not an instrument id" +
                 (f" (did you mean {close[0]!r}?)" if close else ""))
        if column.casefold() in IDENTIFYING:
            fail(f"columns: {column!r} identifies a person (a platform field); it is never read: move it under "
                 "ignore:")
        if target in targets:
            fail(f"columns: {targets[target]!r} and {column!r} are both mapped to {target}")
        targets[target] = column
        mapping.columns[column] = target
    ignore = raw.get("ignore") or []
    if not isinstance(ignore, list):
        fail("ignore: must be a list of export columns")
    mapping.ignore = [_text(c) for c in ignore]
    both = [c for c in mapping.ignore if c in mapping.columns]
    if both:
        fail(f"column(s) {_listing(both)} are both mapped and ignored")
    for module in instrument.modules if not mapping.plain else ():
        present = [i for i in module.item_ids if i in targets]
        if present and len(present) < len(module.item_ids):
            left = [i for i in module.item_ids if i not in targets]
            fail(f"item(s) {', '.join(left)} of module {module.id} are left unmapped; map them, or leave the "
                 "whole module out")
    if not mapping.plain and not any(i in targets for i in instrument.item_ids):
        fail("no column is mapped to an item of the instrument")

    mapping.answers = _answer_table(table("answers"), instrument, "answers", fail)
    for column, wordings in table("item_answers").items():
        column = _text(column)
        if instrument.item_by_id.get(mapping.target(column) or "") is None:
            fail(f"item_answers: {column!r} is not a column mapped to an item")
        if not isinstance(wordings, dict):
            fail(f"item_answers: {column}: must be a list of `wording: code` lines")
        mapping.item_answers[column] = _answer_table(wordings, instrument, f"item_answers: {column}", fail)
    for column, recode in table("values").items():
        column = _text(column)
        target = mapping.target(column)
        if target is None and column in targets:  # an instrument id: the export column mapped to it
            column, target = targets[column], column
        if target not in instrument.background_ids:
            fail(f"values: {column!r} is not a column mapped to a background variable")
        if not isinstance(recode, dict):
            fail(f"values: {column}: must be a list of `export value: instrument value` lines")
        var = instrument.background_var(target)
        out = {}
        for value, new in recode.items():
            new = _text(new) if new is not None else ""
            if var.type == "category" and new and new not in var.categories:
                fail(f"values: {column}: {_text(value)!r} -> {new!r}: not a category of {target} "
                     f"({', '.join(var.categories)})")
            out[_text(value)] = new
        if column in mapping.values:
            fail(f"values: {column!r} is given twice (as the export column and as the instrument id)")
        mapping.values[column] = out

    wave = raw.get("wave")
    if wave is not None:
        if isinstance(wave, bool) or not isinstance(wave, int) or not 1990 <= wave <= 2100:
            fail(f"wave: must be a year (1990-2100), not {wave!r}")
        if "wave" in targets:
            fail(f"wave: {wave} is given, but column {targets['wave']!r} is mapped to wave as well; keep one")
        mapping.wave = int(wave)
    elif "wave" not in targets and not mapping.plain:
        fail("no column is mapped to wave; set `wave: <year>` when the export holds one wave")
    for key, low, high in (("header_row", 1, 1000), ("skip_rows", 0, _MAX_SKIP_ROWS)):
        value = raw.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            fail(f"{key}: must be a whole number from {low} to {high}, not {value!r}")
        setattr(mapping, key, value)
    if "rows" in raw:
        mapping.rows = row_rules(raw.get("rows") or {}, fail)
    sheet = raw.get("sheet")
    mapping.sheet = None if sheet is None else _text(sheet)
    mapping.layout = _text(raw.get("layout") or "plain")
    return mapping


def _answer_table(raw: dict, instrument: Instrument, where: str, fail) -> dict[str, str]:
    """``wording: code`` lines -> wording -> the code's text (``""`` for missing)."""
    scale = instrument.scale
    out = {}
    for wording, code in raw.items():
        wording = _text(wording)
        if code is None or (isinstance(code, str) and fold_label(code) in MISSING_WORDS):
            out[wording] = ""
            continue
        number = code if isinstance(code, int) and not isinstance(code, bool) else None
        if number is None or not (scale.min <= number <= scale.max or number in scale.missing_codes):
            fail(f"{where}: {wording!r} -> {code!r}: a code must be {scale.min}-{scale.max}, a missing code "
                 f"({', '.join(map(str, scale.missing_codes))}) or `missing`")
        out[wording] = str(number)
    return out


def mapping_from(value, instrument: Instrument) -> Mapping | None:
    """A :class:`Mapping` from a path or a mapping (``None`` stays ``None``)."""
    if value is None or isinstance(value, Mapping):
        return value
    return load_mapping(value, instrument)

