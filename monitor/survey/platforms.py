"""Survey-platform exports: recognising their layout, reading a sample, writing demo exports.

Advisers get their data from a survey platform, not in the instrument's column names. The
platforms lay their exports out in a few ways, recognised here from the header and the first
rows:

``qualtrics``
    Row 1 the column codes (``ResponseId``, ``Q6_1`` or names chosen by the designer), row 2 the
    question texts (matrix statements as ``question - statement``), row 3 ``{"ImportId": ...}``
    (rows 2-3 hold no respondents). Answers as text ("Choice text") or as numbers.
``surveymonkey``
    Row 1 the question texts (blank over the further columns of a matrix question), row 2
    ``Response`` or the matrix statement of each column; the respondents start in row 3.
``limesurvey``
    Question codes such as ``nw[SQ001]``, with ``id``, ``submitdate``, ``lastpage``.
``spss``
    An ``.sav`` file: variable names, variable labels (the question texts) and value labels.
``excel``
    A workbook whose data may sit on another sheet than the first, under a title block.
``plain``
    None of these: one header row of column names.

:func:`read_export` reads the header, the question texts and a sample of the rows (enough for
``monitor mapping propose``; the full load is :func:`monitor.survey.responses.read_responses` with the
mapping). :func:`layout_hint` gives the one-line hint shown when a platform export is loaded
without a mapping. :func:`write_export` writes responses in a platform's layout, for tests,
benchmarks and for trying the mapping on the demo data.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .instrument import Instrument
from .sources import (
    CSV_SUFFIXES,
    EXCEL_SUFFIXES,
    MAX_FIELD_CHARS,
    SPSS_SUFFIXES,
    DataError,
    csv_header,
    open_source,
    read_prefix,
)
from .xlsx import Workbook, sheet_name

__all__ = ["Export", "LAYOUTS", "read_export", "column_keys", "layout_hint", "write_export", "id_form",
           "SAMPLE_ROWS", "QUALTRICS_META", "SURVEYMONKEY_META"]

LAYOUTS = ("plain", "qualtrics", "surveymonkey", "limesurvey", "spss", "excel")
#: Data rows read by :func:`read_export` (question texts and answer wordings come from these).
SAMPLE_ROWS = 20_000
#: Rows of a sheet searched for the header under a title block.
_HEADER_SEARCH_ROWS = 30

#: Qualtrics' own columns (folded header texts): the survey's metadata, never an instrument column.
QUALTRICS_META = {"startdate", "enddate", "status", "ipaddress", "progress", "duration (in seconds)", "finished",
                   "recordeddate", "responseid", "recipientlastname", "recipientfirstname", "recipientemail",
                   "externalreference", "locationlatitude", "locationlongitude", "distributionchannel",
                   "userlanguage"}
#: SurveyMonkey's own columns (folded header texts), as :data:`QUALTRICS_META`.
SURVEYMONKEY_META = {"respondent id", "collector id", "start date", "end date", "ip address", "email address",
                      "first name", "last name", "custom data 1"}
_SURVEYMONKEY_SECOND = {"response", "open-ended response", "antwoord", "open antwoord"}
_LIMESURVEY_META = {"submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp", "refurl"}
_LIMESURVEY_CODE = re.compile(r"^[A-Za-z][\w]*\[[\w]+\]$")


@dataclass
class Export:
    """What :func:`read_export` found: layout, column keys and texts, and a sample of the rows.

    ``keys`` name the columns as a mapping file does (:func:`column_keys`); ``texts`` hold each
    column's question text (``""`` where the export has none); ``sample`` holds up to
    :data:`SAMPLE_ROWS` data rows as text, one column per key.
    """

    path: Path
    layout: str
    keys: list[str]
    texts: list[str]
    sample: pd.DataFrame
    header_row: int = 1
    skip_rows: int = 0
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def column_keys(names: list[str]) -> list[str]:
    """How a mapping names each column: its header text, or ``#N`` (its 1-based position) where
    the header cell is blank or repeated (SurveyMonkey leaves matrix columns blank).

    >>> column_keys(["ResponseId", "", "Q1", "Q1"])
    ['ResponseId', '#2', '#3', '#4']
    """
    stripped = [str(n).strip().lstrip("\ufeff").strip() for n in names]
    counts: dict[str, int] = {}
    for name in stripped:
        counts[name] = counts.get(name, 0) + 1
    return [name if name and counts[name] == 1 else f"#{i + 1}" for i, name in enumerate(stripped)]


# -- reading -------------------------------------------------------------------------------
def _csv_rows(path: Path, nrows: int) -> list[list[str]]:
    """The first ``nrows`` rows of a CSV file as text (encoding and delimiter as the loader)."""
    source = open_source(path)
    try:
        prefix = read_prefix(source)
    finally:
        source.handle.close()
    if not prefix:
        raise DataError(f"{path}: the file is empty")
    encoding, sep, _names = csv_header(prefix, str(path))
    rows: list[list[str]] = []
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, MAX_FIELD_CHARS + 1))
    try:
        with open(path, encoding="utf-8-sig" if encoding == "utf-8" else encoding, errors="replace",
                  newline="") as handle:
            for row in csv.reader(handle, delimiter=sep):
                if any(row):
                    rows.append(row)
                if len(rows) >= nrows:
                    break
    except csv.Error as exc:
        raise DataError(f"{path}: not a well-formed table: {' '.join(str(exc).split())[:160]}") from exc
    finally:
        csv.field_size_limit(previous)
    width = max(len(r) for r in rows)
    return [r + [""] * (width - len(r)) for r in rows]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _excel_sheets(path: Path, nrows: int, only: str | None = None) -> dict[str, list[list[str]]]:
    """The first ``nrows`` rows of every sheet (or of the sheet ``only``; the others empty),
    after the loader's checks of the workbook."""
    # openpyxl (some 60 ms and 8 MB) only when a workbook is read for a proposal.
    from openpyxl import load_workbook

    source = open_source(path)
    try:
        Workbook(source)  # the zip-bomb and size checks of the loader, before openpyxl opens it
    finally:
        source.handle.close()
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheets = {}
        for sheet in book.worksheets:
            rows = []
            if only in (None, sheet.title):
                rows = [[_cell(v) for v in row] for row in sheet.iter_rows(max_row=nrows, values_only=True)]
            width = max((len(r) for r in rows), default=0)
            sheets[sheet.title] = [r + [""] * (width - len(r)) for r in rows]
        return sheets
    finally:
        book.close()


def _header_index(rows: list[list[str]]) -> int | None:
    """The header row under a title block: the first row about as wide as the table below it."""
    filled = [sum(1 for v in row if v) for row in rows[:_HEADER_SEARCH_ROWS]]
    if not filled or max(filled) == 0:
        return None
    widest = max(filled)
    return next(i for i, n in enumerate(filled) if n >= max(2, widest // 2))


def _second_rows(layout: str, rows: list[list[str]]) -> int:
    """Rows after the header that hold no respondents (the platform's extra header rows)."""
    if layout == "qualtrics":
        import_ids = len(rows) > 2 and sum(v.startswith('{"ImportId"') for v in rows[2]) > len(rows[2]) // 3
        return 2 if import_ids else 1
    if layout == "surveymonkey":
        return 1
    return 0


def _detect(names: list[str], rows: list[list[str]]) -> str:
    """The platform layout of a table from its header and the rows below it."""
    folded = {str(n).strip().casefold() for n in names}
    second = [str(v).strip() for v in rows[0]] if rows else []
    import_ids = len(rows) > 1 and sum(str(v).startswith('{"ImportId"') for v in rows[1]) > len(rows[1]) // 3
    if import_ids or (len(folded & QUALTRICS_META) >= 3 and "responseid" in folded):
        return "qualtrics"
    if "respondent id" in folded and len(folded & SURVEYMONKEY_META) >= 2 and \
            any(v.casefold() in _SURVEYMONKEY_SECOND for v in second):
        return "surveymonkey"
    if len(folded & _LIMESURVEY_META) >= 2 or sum(bool(_LIMESURVEY_CODE.match(str(n))) for n in names) >= 3:
        return "limesurvey"
    return "plain"


def _texts(layout: str, names: list[str], rows: list[list[str]]) -> list[str]:
    """Each column's question text, where the layout carries one."""
    if layout == "qualtrics" and rows:
        return [str(v).strip() for v in rows[0]]
    if layout == "surveymonkey" and rows:
        texts, question = [], ""
        for name, second in zip(names, rows[0], strict=True):
            question = str(name).strip() or question
            second = str(second).strip()
            texts.append(question if not second or second.casefold() in _SURVEYMONKEY_SECOND else second)
        return texts
    if layout == "limesurvey":
        return ["" for _ in names]
    # A plain header may itself be question texts (Dutch platforms' Excel exports).
    return [str(n).strip() for n in names]


def _table_export(path: Path, table: list[list[str]], header: int, sheet: str | None = None,
                  sheets: list[str] | None = None, excel: bool = False) -> Export:
    names = [str(v) for v in table[header]]
    below = table[header + 1:]
    layout = _detect(names, below)
    skip = _second_rows(layout, [names, *below])
    texts = _texts(layout, names, below)
    data = below[skip:]
    keys = column_keys(names)
    sample = pd.DataFrame(data, columns=keys, dtype=object) if data else pd.DataFrame(columns=keys, dtype=object)
    notes = []
    if excel and (layout == "plain"):
        layout = "excel"
    if sheets and len(sheets) > 1:
        notes.append(f"sheet {sheet!r} of {len(sheets)} ({', '.join(sheets)})")
    if header:
        notes.append(f"the header is row {header + 1}; rows above it hold a title")
    return Export(path=path, layout=layout, keys=keys, texts=texts, sample=sample, header_row=header + 1,
                  skip_rows=skip, sheet=sheet, sheets=list(sheets or []), notes=notes)


def read_export(path: str | Path, sheet: str | int | None = None, header_row: int | None = None,
                nrows: int = SAMPLE_ROWS) -> Export:
    """Read the header, question texts and first ``nrows`` respondents of a survey export.

    Parameters
    ----------
    path : path
        ``.csv``, ``.xlsx`` or ``.sav``.
    sheet : str or int, optional
        Excel: the sheet (name, or 1-based number); default: the sheet with the most filled
        cells in its first rows.
    header_row : int, optional
        Excel: the row of the column names (1-based); default: the first row about as wide as
        the table (a title block above it is passed over).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in SPSS_SUFFIXES:
        return _spss_export(path, nrows)
    if sheet is not None and suffix not in EXCEL_SUFFIXES:
        raise DataError(f"{path}: --sheet applies to Excel workbooks only")
    if suffix in EXCEL_SUFFIXES:
        heads = _excel_sheets(path, 50)
        names = list(heads)
        if sheet is not None:
            chosen = sheet_name(names, sheet, path)
        else:
            chosen = max(names, key=lambda s: sum(1 for row in heads[s] for v in row if v))
        table = _excel_sheets(path, nrows + _HEADER_SEARCH_ROWS + 2, only=chosen)[chosen]
        header = (header_row - 1) if header_row else _header_index(table)
        if header is None or header >= len(table):
            raise DataError(f"{path}: sheet {chosen!r} has no header row" +
                            (f" at row {header_row}" if header_row else " (it is empty)"))
        return _table_export(path, table, header, chosen, names, excel=True)
    if suffix not in CSV_SUFFIXES:
        raise DataError(f"{path}: unsupported file type {suffix or '(none)'}; use .csv, .xlsx or .sav")
    if header_row not in (None, 1):
        raise DataError(f"{path}: --header-row applies to Excel workbooks; in a CSV file the header is row 1")
    return _table_export(path, _csv_rows(path, nrows + 3), 0)


def _spss_export(path: Path, nrows: int) -> Export:
    # pyreadstat (some 25 ms and 5 MB) only when an SPSS file is read.
    import pyreadstat

    open_source(path).handle.close()  # one-line errors for a missing file, a folder, a pipe
    try:
        frame, meta = pyreadstat.read_sav(str(path), row_limit=nrows, apply_value_formats=True)
    except Exception as exc:  # pyreadstat.ReadstatError and friends
        raise DataError(f"{path}: cannot be read as an SPSS file ({' '.join(str(exc).split())[:120]})") from exc
    names = list(meta.column_names)
    labels = [str(label or "").strip() for label in meta.column_labels]
    sample = pd.DataFrame({key: [_cell(v) if not (isinstance(v, float) and np.isnan(v)) else "" for v in frame[name]]
                           for key, name in zip(column_keys(names), names, strict=True)}, dtype=object)
    return Export(path=path, layout="spss", keys=column_keys(names), texts=labels, sample=sample)


# -- the hint for a platform export loaded without a mapping ---------------------------------
_PLATFORM_NAMES = {"qualtrics": "a Qualtrics export", "surveymonkey": "a SurveyMonkey export",
                   "limesurvey": "a LimeSurvey export", "spss": "an SPSS file with its own variable names"}


#: Parts of the loader's messages that a platform's layout explains (columns and cells that are not
#: the instrument's); limits, encodings and unreadable files keep their own message.
_EXPLAINED = ("missing required column", "looks like an item", "look like items", "no item columns",
              "appear more than once", "text in answer column", "value outside the scale", "must be a",
              "unknown ", "empty ")


def layout_hint(path: str | Path, instrument: Instrument, error: str = "missing required column") -> str | None:
    """A one-line hint when ``path`` looks like a platform export, or the data sit elsewhere in a
    workbook than where the loader looks (sheet 1, row 1); ``None`` when nothing suggests so,
    or when the loader's ``error`` is one a layout does not explain (limits, encodings).

    Called only after the plain load failed, so its cost (a few rows read) never burdens a
    good file. Never raises.
    """
    if not Path(path).is_file() or not any(part in error for part in _EXPLAINED):
        return None  # (a pipe cannot be read a second time)
    try:
        export = read_export(path, nrows=5)
    except Exception:  # noqa: BLE001 - the loader's own error stands
        return None
    command = f"run `monitor mapping propose {Path(path).name} --out mapping.yaml`"
    if export.layout in _PLATFORM_NAMES:
        known = set(instrument.item_ids)
        if export.layout == "spss" and sum(k in known for k in export.keys) >= len(known) // 2:
            return None
        return f"this looks like {_PLATFORM_NAMES[export.layout]}; {command}, review it, and use --mapping mapping.yaml"
    if export.sheets and (export.sheet != export.sheets[0] or export.header_row > 1):
        where = []
        if export.sheet != export.sheets[0]:
            where.append(f"on sheet {export.sheet!r} (only the first sheet, {export.sheets[0]!r}, is read)")
        if export.header_row > 1:
            where.append(f"under a title, with the header in row {export.header_row} (row 1 is read as the header)")
        options = (f"--sheet {json.dumps(export.sheet)} " if export.sheet != export.sheets[0] else "") + \
            (f"--header-row {export.header_row}" if export.header_row > 1 else "")
        return f"the data seem to be {' and '.join(where)}; use {options.strip()}, or {command}"
    written = {id_form(k): k for k in export.keys if k not in instrument.item_by_id}
    renamed = [(written[id_form(i)], i) for i in instrument.item_ids if id_form(i) in written]
    if len(renamed) >= len(instrument.item_ids) // 2:
        column, item = renamed[0]
        return (f"{len(renamed)} columns are item ids written otherwise ({column!r} for {item!r}); {command}, "
                "review it, and use --mapping mapping.yaml")
    return None


def id_form(text: str) -> str:
    """An id without case and separators, to match ids written otherwise.

    >>> id_form("NW_1"), id_form("nw-1")
    ('nw1', 'nw1')
    """
    return re.sub(r"[\W_]+", "", str(text)).casefold()


# -- demo exports in a platform's layout ---------------------------------------------------
def write_export(frame: pd.DataFrame, instrument: Instrument, layout: str, path: str | Path, *,
                 codes: dict[str, str] | None = None, platform_codes: bool = False, answers: str = "text",
                 language: str = "nl",
                 background_codes: bool = False, title: str | None = None, sheet: str = "Data",
                 previews: int = 0, partial: dict[int, int] | None = None, identifying: bool = False,
                 status_codes: bool = False) -> dict[str, str]:
    """Write responses (columns named by instrument ids) in a survey platform's layout.

    For tests, benchmarks and for trying ``monitor mapping propose`` on the demo data.

    Parameters
    ----------
    layout : {"qualtrics", "surveymonkey", "limesurvey", "spss", "excel"}
    codes : dict, optional
        Export column name per instrument id (default: the ids themselves; SurveyMonkey leaves
        matrix columns blank; LimeSurvey names items ``<prefix>[SQ00n]``).
    platform_codes : bool
        Qualtrics: the platform's default codes (``Q<scale>_<n>`` for items, ``Q<n>`` for
        background questions, ``ResponseId``, embedded data ``jaar``).
    answers : {"text", "numeric"}
        Answers as the scale's labels in ``language`` (missing code as "Weet niet / n.v.t.")
        or as codes.
    background_codes : bool
        Organisation type and function as numbers (1, 2, ... in the instrument's order).
    title : str, optional
        Excel: a title row (and a blank row) above the header, and an empty first sheet.
    previews : int
        Qualtrics: that many preview rows first (``Status`` "Survey Preview", copies of the first
        respondents with organisation "test", open answers "test test" and the text "test" as the
        first item's answer, which validation would refuse).
    partial : dict, optional
        Row position -> progress (0-100): those respondents stopped there; the items after that
        share of the items (and the open answers) are left empty. Qualtrics writes ``Progress`` and
        ``Finished`` False for them, LimeSurvey ``submitdate`` (empty) and ``lastpage``,
        SurveyMonkey nothing (it has no such field).
    identifying : bool
        The platform's identifying columns as well (IP address, e-mail, names; Qualtrics' location).
    status_codes : bool
        Qualtrics: ``Status`` and ``Finished`` as the numbers of a numeric export (0, 1; 1, 0).

    Returns
    -------
    dict
        The true mapping: export column (as :func:`column_keys` names it) -> instrument id.
    """
    path = Path(path)
    scale = instrument.scale
    codes = dict(codes or {})
    out = pd.DataFrame(index=frame.index)
    texts: dict[str, str] = {}
    for var in instrument.background:
        if var.id not in frame:
            continue
        values = frame[var.id].astype("object")
        if background_codes and var.type == "category":
            order = {key: str(i + 1) for i, key in enumerate(var.categories)}
            values = values.map(lambda v, o=order: o.get(v, ""))
        out[var.id] = values
        texts[var.id] = var.label[language]
    number = 0
    for s, scale_obj in enumerate(instrument.scales, start=1):
        number = s
        for n, item in enumerate(scale_obj.items, start=1):
            if item.id not in frame:
                continue
            values = frame[item.id].astype("Float64")
            if answers == "text":
                labels = {float(c): t[language] for c, t in scale.labels.items()}
                labels.update({float(c): scale.missing_labels[language][0] for c in scale.missing_codes})
                column = values.map(lambda v, lab=labels: "" if pd.isna(v) else lab.get(float(v), str(v)))
            else:
                column = values.map(lambda v: "" if pd.isna(v) else str(int(v)))
            out[item.id] = column.astype(object)
            texts[item.id] = item.text[language]
            if layout == "qualtrics":
                if platform_codes:
                    codes.setdefault(item.id, f"Q{s}_{n}")
                texts[item.id] = f"{scale_obj.label[language]} - {item.text[language]}"
            elif layout == "limesurvey":
                stem = item.id.rstrip("0123456789")
                codes.setdefault(item.id, f"{stem}[SQ{int(item.id[len(stem):]):03d}]")
    if layout == "qualtrics" and platform_codes:
        codes.setdefault("wave", "jaar")
        for var in [*instrument.background_ids[2:], *instrument.open_question_ids]:
            number += 1
            codes.setdefault(var, f"Q{number}_TEXT" if var in instrument.open_question_ids else f"Q{number}")
    elif layout == "limesurvey":
        for var, code in (("respondent_id", "id"), ("wave", "jaar"), ("region", "regio"),
                          ("organisation_type", "typeorg"), ("function", "functie")):
            codes.setdefault(var, code)
    for q in instrument.open_questions:
        if q["id"] in frame:
            out[q["id"]] = frame[q["id"]].astype(object).where(frame[q["id"]].notna(), "")
            texts[q["id"]] = q[language]
    out = out.fillna("")
    partial = dict(partial or {})
    if layout != "qualtrics" and previews:
        raise ValueError("previews: only Qualtrics exports mark preview rows")
    item_columns = [c for c in out.columns if c in instrument.item_by_id]
    for position, progress in partial.items():
        seen = int(np.ceil(len(item_columns) * progress / 100))
        left = item_columns[seen:] + ([q for q in instrument.open_question_ids if q in out] if progress < 100 else [])
        out.iloc[position, [out.columns.get_loc(c) for c in left]] = ""
    if previews:
        preview = out.iloc[:previews].copy()
        for column, value in (("organisation", "test"), ("respondent_id", None), *((q, "test test") for q in
                                                                                  instrument.open_question_ids)):
            if column in preview:
                preview[column] = [f"R_preview{k + 1}" for k in range(previews)] if value is None else value
        if item_columns:
            preview[item_columns[0]] = "test"
        out = pd.concat([preview, out], ignore_index=True)
        partial = {position + previews: progress for position, progress in partial.items()}
    fields = _platform_fields(layout, len(out), previews, partial, identifying, status_codes)
    names = [codes.get(c, c) for c in out.columns]
    question_texts = [texts.get(c, c) for c in out.columns]
    rows = out.astype(str).to_numpy(dtype=object)
    if layout == "qualtrics":
        meta = [(name, text, json.dumps({"ImportId": import_id}, separators=(",", ":")))
                for name, text, import_id, _values in fields]
        names = [m[0] for m in meta] + [("ResponseId" if c == "respondent_id" else n) for c, n in zip(out.columns, names,
                                                                                                    strict=True)]
        second = [m[1] for m in meta] + question_texts
        third = [m[2] for m in meta] + [json.dumps({"ImportId": c}) for c in out.columns]
        body = np.column_stack([*(values for *_m, values in fields), rows]) if len(rows) else rows
        table = [names, second, third, *body.tolist()]
        ids = [None] * len(meta) + list(out.columns)
    elif layout == "surveymonkey":
        names, second, previous = [], [], None
        for c, text in zip(out.columns, question_texts, strict=True):
            if c in instrument.item_by_id:
                scale_id = instrument.item_by_id[c].scale
                names.append(instrument.scale_by_id(scale_id).label[language] if scale_id != previous else "")
                second.append(text)
                previous = scale_id
            else:
                names.append("Respondent ID" if c == "respondent_id" else text)
                second.append("Response" if c != "respondent_id" else "")
                previous = None
        names = ["Collector ID", *(name for name, *_rest in fields), *names]
        second = ["", *("" for _field in fields), *second]
        table = [names, second, *np.column_stack([np.full(len(rows), "431234567"),
                                                  *(values for *_m, values in fields), rows]).tolist()]
        ids = [None, *(None for _field in fields), *out.columns]
    else:
        table = [[*(name for name, *_rest in fields), *names],
                 *(np.column_stack([*(values for *_m, values in fields), rows]) if fields else rows).tolist()]
        ids = [*(None for _field in fields), *out.columns]
    if layout == "spss":
        names = _write_spss(out, names, question_texts, path, instrument, language)
        table = [names]
    truth = {key: c for key, c in zip(column_keys(table[0]), ids, strict=True) if c is not None}
    if layout == "excel" or path.suffix.lower() in EXCEL_SUFFIXES:
        # openpyxl (some 60 ms and 8 MB) only when a workbook is written.
        import openpyxl

        book = openpyxl.Workbook()
        first = book.active
        first.title = "Toelichting"
        first.append(["Export van de samenwerkingsmonitor; de gegevens staan op het blad " + sheet])
        data = book.create_sheet(sheet)
        if title:
            data.append([title])
            data.append([])
        for row in table:
            data.append([_number_or_text(v) for v in row])
        book.save(path)
    elif layout != "spss":
        pd.DataFrame(table).to_csv(path, header=False, index=False)
    return truth


def _platform_fields(layout: str, n: int, previews: int, partial: dict[int, int], identifying: bool,
                     status_codes: bool) -> list[tuple[str, str, str, np.ndarray]]:
    """A platform's own columns before the answers: (name, question text, ImportId, values).

    Without previews, partial responses or identifying columns, what the writer always wrote
    (Qualtrics: ``StartDate``, ``Status``, ``Finished``; the others none).
    """
    done = np.full(n, True)
    progress = np.full(n, 100)
    for position, value in partial.items():
        done[position], progress[position] = False, value
    fields = []
    if layout == "qualtrics":
        status = np.array(["1" if status_codes else "Survey Preview"] * previews +
                          ["0" if status_codes else "IP Address"] * (n - previews), dtype=object)
        fields += [("StartDate", "Start Date", "startDate", np.full(n, "2026-03-01 10:00:00")),
                   ("Status", "Response Type", "status", status)]
        if identifying:
            fields.append(("IPAddress", "IP Address", "ipAddress", np.array([f"192.0.2.{i % 250 + 1}" for i in range(n)])))
        if partial or previews:
            fields.append(("Progress", "Progress", "progress", progress.astype(str)))
        finished = np.where(done, "1" if status_codes else "True", "0" if status_codes else "False")
        fields.append(("Finished", "Finished", "finished", finished))
        if identifying:
            fields += [("RecipientLastName", "Recipient Last Name", "recipientLastName", np.full(n, "Jansen")),
                       ("RecipientFirstName", "Recipient First Name", "recipientFirstName", np.full(n, "Anna")),
                       ("RecipientEmail", "Recipient Email", "recipientEmail",
                        np.array([f"anna.jansen{i}@example.org" for i in range(n)])),
                       ("LocationLatitude", "Location Latitude", "locationLatitude", np.full(n, "52.0907")),
                       ("LocationLongitude", "Location Longitude", "locationLongitude", np.full(n, "5.1214"))]
    elif layout == "surveymonkey" and identifying:
        fields += [("IP Address", "", "", np.array([f"192.0.2.{i % 250 + 1}" for i in range(n)])),
                   ("Email Address", "", "", np.array([f"anna.jansen{i}@example.org" for i in range(n)])),
                   ("First Name", "", "", np.full(n, "Anna")), ("Last Name", "", "", np.full(n, "Jansen"))]
    elif layout == "limesurvey":
        if partial:
            pages = 6
            fields += [("submitdate", "", "", np.where(done, "2026-03-01 10:20:00", "")),
                       ("lastpage", "", "", np.array([str(int(np.ceil(pages * p / 100))) for p in progress]))]
        if identifying:
            fields.append(("ipaddr", "", "", np.array([f"192.0.2.{i % 250 + 1}" for i in range(n)])))
    return fields


def _number_or_text(value: str):
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 6 else value


def _write_spss(out: pd.DataFrame, names: list[str], texts: list[str], path: Path, instrument: Instrument,
                language: str) -> list[str]:
    """An ``.sav`` file with variable labels (the question texts) and value labels (the answers)."""
    # pyreadstat (some 25 ms and 5 MB) only when an SPSS file is written.
    import pyreadstat

    scale = instrument.scale
    frame = pd.DataFrame(index=out.index)
    value_labels = {}
    variable_names = [re.sub(r"\W", "_", n) for n in names]
    for column, name in zip(out.columns, variable_names, strict=True):
        if column in instrument.item_by_id:
            codes = {t[language]: float(c) for c, t in scale.labels.items()}
            codes[scale.missing_labels[language][0]] = float(scale.missing_codes[0])
            frame[name] = out[column].map(lambda v, c=codes: c.get(v, pd.to_numeric(v, errors="coerce")))
            value_labels[name] = {float(c): t[language] for c, t in scale.labels.items()} | \
                {float(scale.missing_codes[0]): scale.missing_labels[language][0]}
        else:
            frame[name] = out[column].astype(str)
    pyreadstat.write_sav(frame, str(path), column_labels=texts, variable_value_labels=value_labels)
    return variable_names
