"""Screened responses: which rows of a platform's export count as respondents.

A survey platform exports more than the respondents: the designer's previews and test runs,
responses flagged as spam, people who stopped half-way, and now and then one response twice.
Its own fields say which is which:

Qualtrics
    ``Status`` (the response type; as text, or as the code of a numeric export): ``IP Address``
    (0) a normal response, ``Survey Preview`` (1), ``Survey Test`` (2), ``Imported`` (4),
    ``Spam`` (8), ``Preview Spam`` (9), ``Imported Spam`` (12), ``Offline`` (16) and
    ``Offline Survey Preview`` (17); ``Finished`` (``True``/``False`` or 1/0) and ``Progress``
    (0-100, the share of the survey seen); ``ResponseId``.
SurveyMonkey
    No completion or test field in its exports (``Collector ID`` names the link the response
    came through): a row without a single answer to an item counts as unfinished;
    ``Respondent ID``.
LimeSurvey
    ``submitdate`` (empty: the response was not completed), ``lastpage`` (the last page seen);
    ``id``.

The ``rows:`` block of the mapping file (:mod:`monitor.survey.mapping`) names these columns
and says what to keep; ``monitor mapping propose`` writes it when it recognises them. By
default previews, tests, spam and unfinished responses are left out; ``min_progress: 80``
keeps partial responses from 80 % progress on (where the export has no progress field, the
share of the items answered stands in for it); ``drop_ids`` leaves out named responses; a
response id given twice is refused, or (``duplicates: drop``) every repeat after the first
is left out. The rows are screened as they are read, before they are validated, so a
preview row with made-up answers stops nothing (:class:`Screen`, applied by
:class:`monitor.survey.validation.Collector`). What was left out and why travels with the
responses as :class:`RowCounts`.

A platform's response id identifies a response in the platform, where its IP address, e-mail
and name are kept; mapped to ``respondent_id`` it is read as a pseudonym (:func:`pseudonym`),
and columns that identify a person are never mapped (:data:`IDENTIFYING`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .instrument import fold_label
from .sources import DataError, quote_value

__all__ = ["RowRules", "RowCounts", "Screen", "REASONS", "QUALTRICS_STATUS", "IDENTIFYING", "RESPONSE_IDS",
           "ROLES", "detect_fields", "row_rules", "pseudonym", "screening_lines"]

#: Why a row was left out, in the order the rules are applied (a row counts under the first).
REASONS = {
    "preview_test": "preview or test rows",
    "spam": "rows flagged as spam",
    "dropped_id": "responses named in drop_ids",
    "unfinished": "unfinished responses",
    "below_min_progress": "partial responses below min_progress",
    "duplicate": "repeats of a response id (the first is kept)",
}

#: Qualtrics' response types (folded text, and the codes of a numeric export) -> why the row is
#: left out (``None``: a response that counts).
QUALTRICS_STATUS = {
    "ip address": None, "0": None, "imported": None, "4": None, "offline": None, "16": None,
    "survey preview": "preview_test", "1": "preview_test", "survey test": "preview_test", "2": "preview_test",
    "offline survey preview": "preview_test", "17": "preview_test",
    "spam": "spam", "8": "spam", "preview spam": "spam", "9": "spam", "imported spam": "spam", "12": "spam",
}

#: The ``rows:`` keys that name an export column: the role each column plays.
ROLES = ("status", "finished", "progress", "submitted", "id")
#: Header names (folded) of each role, as the platforms write them.
_FIELDS = {
    "status": {"status"},
    "finished": {"finished"},
    "progress": {"progress"},
    "submitted": {"submitdate"},
}
#: Header names (folded) of a platform's response id (LimeSurvey's ``id`` only beside its own fields).
RESPONSE_IDS = frozenset({"responseid", "response id", "respondent id", "respondentid", "_recordid"})
_LIMESURVEY_FIELDS = {"submitdate", "lastpage", "startlanguage", "seed"}

#: Header names (folded) of platform columns that identify a person: never mapped to the instrument.
IDENTIFYING = frozenset({
    "ipaddress", "ip address", "ipaddr", "recipientemail", "recipientfirstname", "recipientlastname",
    "email address", "email", "e-mail", "first name", "last name", "firstname", "lastname",
    "locationlatitude", "locationlongitude", "location latitude", "location longitude", "token",
})

_TRUE = {"true", "1", "yes", "ja", "waar"}
_FALSE = {"false", "0", "no", "nee", "onwaar"}
_DUPLICATES = ("refuse", "drop")


@dataclass(frozen=True)
class RowRules:
    """The ``rows:`` block of a mapping file: the columns that say which rows count, and the rules."""

    columns: dict[str, str] = field(default_factory=dict)  # role -> export column
    min_progress: float | None = None
    drop_ids: tuple[str, ...] = ()
    duplicates: str = "refuse"


@dataclass(frozen=True)
class RowCounts:
    """What screening did: rows read, rows kept, rows left out per reason (keys of :data:`REASONS`).

    ``screened`` says whether any rule was applied (a file read without a ``rows:`` block is
    not screened: every row read is kept).
    """

    read: int
    kept: int
    excluded: dict[str, int] = field(default_factory=dict)
    screened: bool = False
    examples: dict[str, str] = field(default_factory=dict)  # duplicate -> a response id given twice


def detect_fields(keys: list[str]) -> dict[str, str]:
    """The export columns (mapping keys) that play a role in screening, from their names.

    >>> detect_fields(["StartDate", "Status", "Progress", "Finished", "ResponseId", "Q1_1"])
    {'status': 'Status', 'finished': 'Finished', 'progress': 'Progress', 'id': 'ResponseId'}
    >>> detect_fields(["id", "submitdate", "lastpage", "nw[SQ001]"])
    {'submitted': 'submitdate', 'id': 'id'}
    """
    folded = {str(k).strip().casefold(): k for k in keys}
    found = {}
    for role, names in _FIELDS.items():
        key = next((folded[n] for n in names if n in folded), None)
        if key is not None:
            found[role] = key
    ids = [folded[n] for n in sorted(RESPONSE_IDS) if n in folded]
    if not ids and "id" in folded and len(_LIMESURVEY_FIELDS & set(folded)) >= 1:
        ids = [folded["id"]]
    if ids:
        found["id"] = ids[0]
    return found


def row_rules(raw, fail) -> RowRules:
    """The ``rows:`` block as read from YAML -> :class:`RowRules`; ``fail(message)`` raises."""
    if not isinstance(raw, dict):
        fail("rows: must be a block of `key: value` lines (status:, finished:, progress:, submitted:, id:, "
             "min_progress:, drop_ids:, duplicates:)")
    allowed = (*ROLES, "min_progress", "drop_ids", "duplicates")
    unknown = [str(k) for k in raw if k not in allowed]
    if unknown:
        fail(f"rows: unknown key(s) {', '.join(repr(k) for k in unknown)}; allowed: {', '.join(allowed)}")
    columns = {role: _text(raw[role]) for role in ROLES if raw.get(role) is not None}
    minimum = raw.get("min_progress")
    if minimum is not None and (isinstance(minimum, bool) or not isinstance(minimum, int | float)
                                or not 0 <= minimum <= 100):
        fail(f"rows: min_progress must be a number from 0 to 100, not {minimum!r}")
    drop = raw.get("drop_ids") or []
    if not isinstance(drop, list):
        fail("rows: drop_ids must be a list of response ids, e.g. [R_abc123, R_def456]")
    duplicates = raw.get("duplicates") or "refuse"
    if duplicates not in _DUPLICATES:
        fail(f"rows: duplicates must be refuse or drop, not {duplicates!r}")
    if (drop or duplicates == "drop") and columns and "id" not in columns:
        fail("rows: drop_ids and duplicates need the response id column; name it with `id: <column>`")
    return RowRules(columns=columns, min_progress=None if minimum is None else float(minimum),
                    drop_ids=tuple(_text(i) for i in drop), duplicates=duplicates)


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def pseudonym(response_id: str) -> str:
    """A platform's response id as a pseudonym: stable (the same export gives the same ids),
    and not the key under which the platform keeps the respondent's IP address and e-mail.

    A hash, not a secret: ids that can be enumerated (LimeSurvey's 1, 2, 3 ...) can be found
    again by whoever hashes them all; the pseudonym hides no more than the data around it.

    >>> pseudonym("R_1abcDEF23ghIJk45")
    'p329317f1798a0c42'
    """
    return "p" + hashlib.sha256(f"samenwerkingsmonitor response id\x00{response_id}".encode()).hexdigest()[:16]


class Screen:
    """Screening of one read: which batch columns play which role, and the counts so far.

    ``keys`` maps each role to the key of its column in the batches (the instrument id where
    the column is mapped, else a private key the reader adds). ``pseudonymise`` names the
    batch column (``respondent_id``) whose platform response ids become pseudonyms.
    """

    def __init__(self, rules: RowRules | None, keys: dict[str, str], name: str, pseudonymise: str | None = None,
                 progress_from_items: bool = False):
        self.rules, self.keys, self.name, self.pseudonymise = rules, keys, name, pseudonymise
        self.progress_from_items = progress_from_items
        self.read = 0
        self.excluded = dict.fromkeys(REASONS, 0)
        self.examples: dict[str, str] = {}
        self.seen: dict[str, int] = {}
        self.drop = set(rules.drop_ids) if rules else set()

    @property
    def private_keys(self) -> list[str]:
        """Batch keys that only screening reads (dropped before validation)."""
        return [k for k in self.keys.values() if k.startswith("\x00")]

    def counts(self, kept: int) -> RowCounts:
        excluded = {reason: n for reason, n in self.excluded.items() if n}
        return RowCounts(read=self.read, kept=kept, excluded=excluded, screened=self.rules is not None,
                         examples=dict(self.examples))

    def keep(self, columns: dict[str, np.ndarray], n: int, rows: np.ndarray, items,
             name: str) -> tuple[dict, int, np.ndarray]:
        """The rows of one batch that count; columns that only screening reads are dropped.
        ``name`` is the file read, for the messages."""
        self.name = name
        self.read += n
        private = {k: columns.pop(k) for k in self.private_keys if k in columns}
        rules = self.rules
        if rules is None:
            self._pseudonymise(columns)
            return columns, n, rows

        def cells(role):
            key = self.keys.get(role)
            if key is None:
                return None
            values = private.get(key, columns.get(key))
            return np.array([fold_label(str(v)) for v in values], dtype=object)

        ids = None
        if "id" in self.keys:
            ids = np.array([str(v).strip() for v in private.get(self.keys["id"], columns.get(self.keys["id"]))],
                           dtype=object)
        reason = np.full(n, "", dtype=object)

        def mark(mask, why):
            mask = np.asarray(mask, dtype=bool) & (reason == "")
            reason[mask] = why
            if why == "duplicate" and mask.any() and why not in self.examples:
                self.examples[why] = ids[np.flatnonzero(mask)[0]]

        status = cells("status")
        if status is not None:
            raw_status = private.get(self.keys["status"], columns.get(self.keys["status"]))
            why = np.array([QUALTRICS_STATUS.get(s, "?") for s in status], dtype=object)
            unknown = np.flatnonzero(why == "?")
            if len(unknown):
                i = unknown[0]
                raise DataError(f"{self.name}: row {int(rows[i])}: unknown response type "
                                f"{quote_value(raw_status[i])} in column {self.rules.columns['status']}; expected "
                                "IP Address, Survey Preview, Survey Test, Imported, Spam or Offline (or their codes)")
            mark(why == "preview_test", "preview_test")
            mark(why == "spam", "spam")
        if ids is not None and self.drop:
            mark(np.isin(ids, list(self.drop)), "dropped_id")
        progress = self._progress(cells("progress"), columns, items, n)
        if rules.min_progress is not None:
            if progress is None:
                raise DataError(f"{self.name}: rows: min_progress needs a progress column (progress: <column>)")
            mark(progress < rules.min_progress, "below_min_progress")
        else:
            finished = cells("finished")
            submitted = cells("submitted")
            if finished is not None:
                bad = [v for v in set(finished) if v not in _TRUE | _FALSE]
                if bad:
                    raise DataError(f"{self.name}: column {self.rules.columns['finished']}: {quote_value(bad[0])} is "
                                    "not True/False or 1/0")
                mark(np.isin(finished, list(_FALSE)), "unfinished")
            elif submitted is not None:
                mark(submitted == "", "unfinished")
            elif progress is not None and "progress" in self.keys:
                mark(progress < 100, "unfinished")
            elif progress is not None:  # no completion field (SurveyMonkey): a row without answers
                mark(progress == 0, "unfinished")
        if ids is not None:
            self._duplicates(ids, reason, rows, mark)
        for why in REASONS:
            self.excluded[why] += int((reason == why).sum())
        kept = reason == ""
        if not kept.all():
            columns = {k: v[kept] for k, v in columns.items()}
            rows = rows[kept]
        self._pseudonymise(columns)
        return columns, int(kept.sum()), rows

    def _progress(self, progress, columns, items, n) -> np.ndarray | None:
        """Progress 0-100 per row: the platform's field, or the share of items answered."""
        if progress is not None:
            values = np.array([_number(p) for p in progress], dtype=float)
            bad = np.flatnonzero(np.isnan(values) | (values < 0) | (values > 100))
            if len(bad):
                raise DataError(f"{self.name}: column {self.rules.columns['progress']}: "
                                f"{quote_value(progress[bad[0]])} is not a progress from 0 to 100")
            return values
        present = [k for k in columns if k in items]
        if not self.progress_from_items or not present:
            return None
        answered = np.zeros(n)
        for key in present:
            answered += np.array([fold_label(str(v)) != "" for v in columns[key]], dtype=float)
        return 100.0 * answered / len(present)

    def _duplicates(self, ids, reason, rows, mark) -> None:
        """A response id met before (among the rows that count) is refused, or dropped."""
        repeat = np.zeros(len(ids), dtype=bool)
        for i in np.flatnonzero(reason == ""):
            key = ids[i]
            if not key:
                continue
            first = self.seen.get(key)
            if first is None:
                self.seen[key] = int(rows[i])
                continue
            if self.rules.duplicates == "refuse":
                raise DataError(f"{self.name}: response id {quote_value(key)} appears twice (rows {first} and "
                                f"{int(rows[i])}); leave one out with `drop_ids`, or set `duplicates: drop` under "
                                "rows: in the mapping to keep the first")
            repeat[i] = True
        mark(repeat, "duplicate")

    def _pseudonymise(self, columns) -> None:
        key = self.pseudonymise
        if key is not None and key in columns:
            values = columns[key]
            codes, uniques = pd.factorize(values, use_na_sentinel=False)
            columns[key] = np.array([pseudonym(str(u).strip()) if str(u).strip() else "" for u in uniques],
                                    dtype=object)[codes]


def _number(text: str) -> float:
    try:
        return float(str(text).replace(",", "."))
    except ValueError:
        return float("nan")


def screening_lines(counts: RowCounts | None) -> list[str]:
    """The lines ``monitor check`` prints: rows read and kept, and one line per reason left out."""
    if counts is None or not counts.screened:
        return []
    lines = [f"Rows: {counts.read:,} read, {counts.kept:,} kept, {counts.read - counts.kept:,} left out "
             "(rows: in the mapping)"]
    for reason, label in REASONS.items():
        n = counts.excluded.get(reason, 0)
        if n:
            example = f" (e.g. {counts.examples[reason]})" if reason in counts.examples else ""
            lines.append(f"Left out: {n:,} {label}{example}")
    return lines
