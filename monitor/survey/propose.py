"""``monitor mapping propose``: a mapping file proposed from a survey export, for review.

Each export column is compared with every instrument id it could be: items (their Dutch and
English texts), background variables (their labels and the names platforms give them, e.g.
``ResponseId``) and open questions. Names are compared after folding case and separators
(``NW_1`` is ``nw1``); question texts with rapidfuzz's ``fuzz.ratio`` (normalised Indel
similarity, 0-100), and a question text that is a cut-off prefix of an item text with
``fuzz.partial_ratio``. Columns and ids are then paired one to one so that the total
similarity is largest (the assignment problem, solved by ``scipy.optimize.linear_sum_assignment``;
Kuhn 1955), so no id is proposed twice. Answer wordings not known to the instrument are
compared with the answer scale's labels and aliases, and category values with the categories.

Every choice is written with its score and the runner-up as a comment; a choice that is not
clearly right (score under :data:`SURE`, a runner-up within :data:`MARGIN`, a match by code
pattern only, a guessed order of numeric codes) is marked ``# CHECK``. Nothing is guessed
silently: a column that matches nothing goes under ``ignore:`` with its nearest id as a
comment, and an item of a module that was not found is listed at the top.

References
----------
Kuhn, H. W. (1955). The Hungarian method for the assignment problem. *Naval Research Logistics
Quarterly*, 2(1-2), 83-97.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process, utils
from scipy.optimize import linear_sum_assignment

from .instrument import Instrument, fold_label
from .mapping import CHECK_MARK
from .platforms import QUALTRICS_META, SURVEYMONKEY_META, Export, id_form
from .screening import QUALTRICS_STATUS, detect_fields

__all__ = ["Proposal", "Choice", "propose", "SURE", "MARGIN", "LOW"]

#: A choice at or above this score (0-100) needs no review, given the margin below.
SURE = 90.0
#: The runner-up must score at least this much lower for a choice to need no review.
MARGIN = 5.0
#: Below this score a column is not mapped at all (it is proposed for ``ignore:``).
LOW = 60.0
#: A question text at least this long may match an item text of which it is a cut-off prefix.
_PARTIAL_MIN_CHARS = 40
#: A match by code pattern only (``nw[SQ001]`` -> ``nw1``): plausible, never certain.
_CODE_SCORE = 85.0

#: Names that survey platforms give to background variables (the instrument's labels are used too).
SYNONYMS = {
    "respondent_id": ["ResponseId", "Response ID", "Respondent ID", "RespondentID", "id", "respondent",
                      "respondentnummer", "respondent nummer"],
    "wave": ["jaar", "year", "meting", "meetjaar", "wave"],
    "region": ["regio", "region", "jeugdregio"],
    "organisation": ["organisatie", "organisation", "organization", "naam organisatie"],
    "organisation_type": ["type organisatie", "soort organisatie", "organisation type", "organization type"],
    "function": ["functie", "function", "rol", "role"],
}
_PLATFORM_META = (QUALTRICS_META | SURVEYMONKEY_META | {"collector id", "submitdate", "lastpage", "startlanguage",
                                                        "seed", "datestamp", "refurl"}) - {"responseid", "respondent id"}
_LIMESURVEY_SUB = re.compile(r"^([A-Za-z]+)\[[A-Za-z]*0*(\d+)\]$")


@dataclass
class Choice:
    """One proposed line: an export column (or value) and what it becomes, with the evidence."""

    key: str
    target: str | None
    score: float
    basis: str
    runner_up: str | None = None
    runner_score: float = 0.0
    check: bool = False
    note: str = ""


@dataclass
class Proposal:
    """A proposed mapping: its choices and the YAML text that :func:`propose` writes."""

    export: Export
    columns: list[Choice]
    ignored: list[Choice]
    answers: list[Choice]
    values: dict[str, list[Choice]]
    wave_missing: bool
    problems: list[str] = field(default_factory=list)
    text: str = ""

    @property
    def mapping(self) -> dict[str, str]:
        return {c.key: c.target for c in self.columns}

    @property
    def checks(self) -> int:
        """Lines marked ``# CHECK``."""
        return self.text.count(CHECK_MARK)


def _tail(text: str) -> str:
    """A matrix statement after the question: ``Question - statement`` (Qualtrics) -> ``statement``."""
    for sep in (" - ", " – ", ": "):
        if sep in text:
            return text.rsplit(sep, 1)[1]
    return ""


def _targets(instrument: Instrument) -> tuple[list[str], list[list[str]]]:
    ids, strings = [], []
    for var in instrument.background:
        ids.append(var.id)
        strings.append([var.label["nl"], var.label["en"], *SYNONYMS.get(var.id, [])])
    for item in instrument.items:
        ids.append(item.id)
        strings.append([item.text["nl"], item.text["en"]])
    for question in instrument.open_questions:
        ids.append(question["id"])
        strings.append([question["nl"], question["en"]])
    return ids, strings


def _score_columns(export: Export, ids: list[str], target_strings: list[list[str]]):
    """Similarity (0-100) of each column to each id, and whether it came from the name, the
    question text or a code pattern."""
    n, m = len(export.keys), len(ids)
    name_score = np.zeros((n, m))
    text_score = np.zeros((n, m))
    code_score = np.zeros((n, m))
    id_forms = {id_form(i): t for t, i in enumerate(ids)}
    flat = [(t, s) for t, strings in enumerate(target_strings) for s in strings]
    flat_targets = np.array([t for t, _ in flat])
    flat_strings = [s for _, s in flat]

    def fill(out: np.ndarray, rows: list[tuple[int, str]], partial: bool) -> None:
        if not rows:
            return
        queries = [s for _, s in rows]
        scores = process.cdist(queries, flat_strings, scorer=fuzz.ratio, processor=utils.default_process,
                               dtype=np.float32, workers=1)
        if partial:
            long_q = np.array([len(q) >= _PARTIAL_MIN_CHARS for q in queries])
            long_t = np.array([len(s) >= _PARTIAL_MIN_CHARS for s in flat_strings])
            if long_q.any():
                extra = process.cdist([q for q, keep in zip(queries, long_q, strict=True) if keep], flat_strings,
                                      scorer=fuzz.partial_ratio, processor=utils.default_process,
                                      dtype=np.float32, workers=1) * 0.95
                extra[:, ~long_t] = 0
                scores[long_q] = np.maximum(scores[long_q], extra)
        for (column, _), row in zip(rows, scores, strict=True):
            np.maximum.at(out[column], flat_targets, row)

    names, texts = [], []
    for j, (key, text) in enumerate(zip(export.keys, export.texts, strict=True)):
        if not key.startswith("#"):
            names.append((j, key))
            exact = id_forms.get(id_form(key))
            if exact is not None:
                name_score[j, exact] = 100.0
            code = _LIMESURVEY_SUB.match(key)
            if code and id_form(code.group(1) + str(int(code.group(2)))) in id_forms:
                code_score[j, id_forms[id_form(code.group(1) + str(int(code.group(2))))]] = _CODE_SCORE
        if text and text != key:
            texts.append((j, text))
            if _tail(text):
                texts.append((j, _tail(text)))
    fill(name_score, names, partial=False)
    fill(text_score, texts, partial=True)
    return name_score, text_score, code_score


def _assign(export: Export, instrument: Instrument) -> tuple[list[Choice], list[Choice]]:
    ids, target_strings = _targets(instrument)
    name_score, text_score, code_score = _score_columns(export, ids, target_strings)
    score = np.maximum(np.maximum(name_score, text_score), code_score)
    meta = np.array([k.casefold() in _PLATFORM_META for k in export.keys])
    score[meta] = 0
    rows, cols = linear_sum_assignment(-np.where(score >= LOW, score, 0))
    assigned = {int(r): int(c) for r, c in zip(rows, cols, strict=True) if score[r, c] >= LOW}
    chosen, ignored = [], []
    for j, key in enumerate(export.keys):
        order = np.argsort(-score[j])
        best = int(order[0]) if len(order) else None
        if j not in assigned:
            near = ids[best] if best is not None and score[j, best] >= 30 and not meta[j] else None
            ignored.append(Choice(key, None, float(score[j, best]) if near else 0.0, "",
                                  runner_up=near, runner_score=float(score[j, best]) if near else 0.0,
                                  check=bool(near and score[j, best] >= 50),
                                  note="platform field" if meta[j] else ""))
            continue
        t = assigned[j]
        others = [int(o) for o in order if int(o) != t]
        runner = others[0] if others else None
        runner_score = float(score[j, runner]) if runner is not None else 0.0
        value = float(score[j, t])
        basis = ("name" if name_score[j, t] >= max(text_score[j, t], code_score[j, t]) else
                 "text" if text_score[j, t] >= code_score[j, t] else "code pattern")
        check = value < SURE or runner_score > value - MARGIN or basis == "code pattern" or t != best
        note = "no question text in the export to confirm it" if basis == "code pattern" else ""
        chosen.append(Choice(key, ids[t], value, basis, ids[runner] if runner is not None else None,
                             runner_score, check, note))
    return chosen, ignored


def _answer_choices(export: Export, instrument: Instrument, columns: list[Choice]) -> list[Choice]:
    """Answer wordings in the item columns that the instrument does not know."""
    scale = instrument.scale
    items = [c.key for c in columns if c.target in instrument.item_by_id]
    seen: set[str] = set()
    for key in items:
        seen.update(str(v).strip() for v in export.sample[key].unique())
    lookup = scale.label_lookup
    labels = list(lookup)
    choices = []
    for value in sorted(v for v in seen if v):
        number = _as_number(value)
        if number is not None:
            if number in scale.values or number in scale.missing_codes:
                continue
            choices.append(Choice(value, None, 0.0, "number", check=True,
                                  note=f"a number outside the scale {scale.min}-{scale.max}; is it 'weet niet'?"))
            continue
        if fold_label(value) in lookup:
            continue
        found = process.extract(fold_label(value), labels, scorer=fuzz.ratio, processor=utils.default_process, limit=2)
        (best, best_score, _), *rest = found
        code = lookup[best]
        runner = rest[0] if rest else None
        runner_code = lookup[runner[0]] if runner else None
        target = "missing" if np.isnan(code) else str(int(code))
        # "eens" and "oneens" are two letters apart: a runner-up with another code must be far behind.
        close_other = runner is not None and runner[1] > best_score - 3 * MARGIN and not _same(runner_code, code)
        choices.append(Choice(value, target, float(best_score), "wording",
                              runner_up=runner[0] if runner else None, runner_score=float(runner[1]) if runner else 0,
                              check=best_score < SURE or close_other, note=f"nearest label {best!r}"))
    return choices


def _same(a, b) -> bool:
    return (np.isnan(a) and np.isnan(b)) or a == b


def _as_number(text: str) -> float | None:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _value_choices(export: Export, instrument: Instrument, columns: list[Choice]) -> dict[str, list[Choice]]:
    """Category values that are not the instrument's keys or labels (numeric codes, other wordings)."""
    out = {}
    for choice in columns:
        if choice.target not in instrument.background_ids:
            continue
        var = instrument.background_var(choice.target)
        if var.type != "category":
            continue
        known = {}
        for key, texts in var.categories.items():
            known[fold_label(key)] = key
            known.update({fold_label(t): key for t in texts.values()})
        values = sorted({str(v).strip() for v in export.sample[choice.key].unique()} - {""})
        unknown = [v for v in values if fold_label(v) not in known]
        if not unknown:
            continue
        keys = list(var.categories)
        lines = []
        numeric = all(v.isdigit() for v in unknown)
        for value in unknown:
            if numeric:
                k = int(value)
                target = keys[k - 1] if 1 <= k <= len(keys) else None
                lines.append(Choice(value, target, 0.0, "order", check=True,
                                    note="a number without a label: the instrument's order is assumed"))
                continue
            (best, best_score, _), *rest = process.extract(fold_label(value), list(known), scorer=fuzz.ratio,
                                                           processor=utils.default_process, limit=2)
            runner = rest[0] if rest else None
            lines.append(Choice(value, known[best], float(best_score), f"wording {best!r}",
                                runner_up=known[runner[0]] if runner else None,
                                runner_score=float(runner[1]) if runner else 0.0, check=best_score < SURE))
        out[choice.key] = lines
    return out


def propose(export: Export, instrument: Instrument, source: str | None = None) -> Proposal:
    """Propose a mapping for ``export`` (from :func:`monitor.survey.platforms.read_export`).

    Returns
    -------
    Proposal
        The choices and, in ``text``, the mapping file to write and review.
    """
    columns, ignored = _assign(export, instrument)
    respondents = _without_previews(export)
    answers = _answer_choices(respondents, instrument, columns)
    values = _value_choices(respondents, instrument, columns)
    targets = {c.target for c in columns}
    problems = []
    for module in instrument.modules:
        present = [i for i in module.item_ids if i in targets]
        if present and len(present) < len(module.item_ids):
            missing = [i for i in module.item_ids if i not in targets]
            problems.append(f"module {module.id}: item(s) {', '.join(missing)} not found in the export; map them "
                            "by hand, or ignore the module's columns")
    proposal = Proposal(export, columns, ignored, answers, values, wave_missing="wave" not in targets,
                        problems=problems)
    proposal.text = _yaml(proposal, instrument, source or str(export.path))
    return proposal


def _without_previews(export: Export) -> Export:
    """The export with the sample's preview, test and spam rows left out, as the proposed
    ``rows:`` block leaves them out: their made-up answers ("test") are no wordings to map."""
    status = detect_fields(export.keys).get("status")
    if status is None:
        return export
    kept = [QUALTRICS_STATUS.get(fold_label(v), None) is None for v in export.sample[status]]
    return dataclasses.replace(export, sample=export.sample[kept].reset_index(drop=True))


# -- writing -------------------------------------------------------------------------------
_PLAIN = re.compile(r"^[A-Za-z_][\w.\-]*$")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}
_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


def _scalar(text: str) -> str:
    """A YAML scalar for any text: plain where safe, else double-quoted (JSON is valid YAML)."""
    text = str(text)
    if _PLAIN.match(text) and text.casefold() not in _YAML_WORDS:
        return text
    # Characters YAML would read as a line break (U+2028, U+0085) or refuse are escaped as well.
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}"
                   for c in json.dumps(text, ensure_ascii=False))


def _comment(text: str, limit: int = 110) -> str:
    """Text from the export, made safe for a YAML comment: one line, no control characters."""
    text = _BREAKS.sub(" ", str(text)).strip()
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _line(indent: str, key: str, value: str, comment: str, check: bool) -> str:
    body = f"{indent}{_scalar(key)}: {value}"
    note = f"{CHECK_MARK}: {comment}" if check else f"# {comment}"
    return f"{body:<40} {_comment(note)}" if comment or check else body


def _evidence(choice: Choice) -> str:
    if choice.basis in ("order", "number"):
        return choice.note
    runner = (f"; runner-up {choice.runner_up} ({choice.runner_score:.0f})" if choice.runner_up else "; no runner-up")
    note = f"; {choice.note}" if choice.note else ""
    return f"{choice.score:.0f} by {choice.basis}{runner}{note}"


def _rows_block(export: Export) -> list[str]:
    """The ``rows:`` block (:mod:`monitor.survey.screening`) for the platform fields found: by
    default previews, tests, spam and unfinished responses are left out."""
    found = detect_fields(export.keys)
    completion = {"status", "finished", "progress", "submitted"} & set(found)
    if not completion and not (found.get("id") and export.layout in ("qualtrics", "surveymonkey", "limesurvey")):
        return []
    notes = {
        "status": "the response type: survey previews, tests and spam are left out",
        "finished": "unfinished responses are left out (unless min_progress is set)",
        "progress": "0-100: what min_progress compares with",
        "submitted": "an empty submit date: not completed, left out (unless min_progress is set)",
        "id": "the response id: read as a pseudonym; a repeat is refused (see duplicates)",
    }
    out = ["", "rows:                                    # which rows count as respondents"]
    for role in ("status", "finished", "progress", "submitted", "id"):
        if role in found:
            out.append(_line("  ", role, _scalar(found[role]), notes[role], False))
    if not completion:
        out.append("  # no completion field in this export: a row without a single answer counts as unfinished")
    what = "the progress field" if "progress" in found else "the share of items answered"
    out.append(_line("  ", "min_progress", "null", f"e.g. 80: keep partial responses from 80 on ({what})", False))
    if "id" in found:
        out.append(_line("  ", "duplicates", "refuse", "or drop: keep the first response of an id, say how many "
                         "were left out", False))
        out.append(_line("  ", "drop_ids", "[]", "response ids to leave out, e.g. [R_abc123]", False))
    return out


def _yaml(proposal: Proposal, instrument: Instrument, source: str) -> str:
    export = proposal.export
    text_of = dict(zip(export.keys, export.texts, strict=True))
    today = dt.date.today().isoformat()
    out = [
        f"# Mapping of {_comment(source, 200)} to the instrument {_comment(instrument.name)} "
        f"{_comment(instrument.version)},",
        f"# proposed by `monitor mapping propose` on {today}. Review it before use: every choice shows its",
        "# score (0-100) and the runner-up; lines marked CHECK need a person's look (delete the mark",
        "# when checked). Use it with `--mapping` on monitor check, score and render.",
        f"# Answer wordings and values were read from the first {len(export.sample):,} respondents.",
    ]
    for note in export.notes:
        out.append(f"# Found: {_comment(note)}.")
    for problem in proposal.problems:
        out.append(f"{CHECK_MARK}: {_comment(problem, 200)}")
    out += ["", f"layout: {export.layout}", f"header_row: {export.header_row}"]
    skip = export.skip_rows
    what = {"qualtrics": "question texts and ImportIds", "surveymonkey": "the matrix statements"}.get(export.layout, "")
    out.append(_line("", "skip_rows", str(skip), f"rows after the header that hold {what}, not respondents"
                     if skip else "", False))
    out.append(f"sheet: {_scalar(export.sheet) if export.sheet else 'null'}")
    out.append(_line("", "wave", "null", "the export has no wave column: set the year of this wave"
                     if proposal.wave_missing else "", proposal.wave_missing))
    out += ["", "columns:"]
    for choice in proposal.columns:
        shown = text_of.get(choice.key, "")
        label = f' "{_comment(shown, 50)}"' if shown and shown != choice.key else ""
        out.append(_line("  ", choice.key, choice.target, f"{_evidence(choice)}{label}", choice.check))
    out.append("")
    out.append("ignore:" if proposal.ignored else "ignore: []")
    for choice in proposal.ignored:
        comment = (f"nearest id {choice.runner_up} ({choice.runner_score:.0f})" if choice.runner_up else choice.note)
        body = f"  - {_scalar(choice.key)}"
        note = f"{CHECK_MARK}: {comment}" if choice.check else (f"# {comment}" if comment else "")
        out.append(f"{body:<40} {_comment(note)}" if note else body)
    out += _rows_block(export)
    out.append("")
    out.append("answers:" if proposal.answers else "answers: {}")
    for choice in proposal.answers:
        out.append(_line("  ", choice.key, choice.target or "missing", _evidence(choice), choice.check))
    out.append("")
    out.append("values:" if proposal.values else "values: {}")
    for key, lines in proposal.values.items():
        out.append(f"  {_scalar(key)}:")
        for choice in lines:
            out.append(_line("    ", choice.key, choice.target or "null", _evidence(choice), choice.check))
    return "\n".join(out) + "\n"
