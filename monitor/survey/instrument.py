"""The questionnaire definition (``data/instrument.yaml``) as Python objects.

The instrument is the single source of truth for item ids, themes, keying, the answer scale,
background variables and open questions, in Dutch and English.

Any questionnaire fits: texts may be given in one language only (the other language shows the
same text), background variables are optional (the analyses that need one, such as region
reports, say so with :meth:`Instrument.require_background`), and a scale or an item may have
its own answer scale (``answers:``, inline or the name of an entry in ``answer_scales:``).
:func:`instrument_from_keys` builds an instrument from psych-style scoring keys alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import yaml

from ..core.config import INSTRUMENT_PATH
from ..core.texts import LANGUAGES, check_language
from ..core.yaml_files import load_yaml

__all__ = ["Item", "Scale", "Module", "Background", "AnswerScale", "Instrument",
           "load_instrument", "instrument_from_keys", "cfa_model", "InstrumentError", "fold_label"]

ROLES = ("theme", "outcome", "factor", "stage", "scale")
#: The background variables a monitor wave needs (region reports, trends); other uses need none.
MONITOR_BACKGROUND = ("respondent_id", "wave", "region")
BACKGROUND_TYPES = ("identifier", "year", "text", "category", "number")


class InstrumentError(ValueError):
    """The instrument file is malformed."""


def _text(entry, where: str) -> dict[str, str]:
    """Texts per language; one language is enough (the other shows the same text)."""
    if isinstance(entry, (str, int, float)) and not isinstance(entry, bool) and str(entry).strip():
        return {lang: str(entry).strip() for lang in LANGUAGES}
    given = {lang: str(entry[lang]).strip() for lang in LANGUAGES
             if isinstance(entry, dict) and entry.get(lang) is not None and str(entry[lang]).strip()}
    if not given:
        raise InstrumentError(f"{where}: no text in any language ({', '.join(LANGUAGES)})")
    fallback = next(iter(given.values()))
    return {lang: given.get(lang, fallback) for lang in LANGUAGES}


@dataclass(frozen=True)
class Item:
    id: str
    scale: str
    module: str
    text: dict[str, str]
    reverse: bool = False
    answers: AnswerScale | None = None  # its own answer scale; None: the scale's or the instrument's


@dataclass(frozen=True)
class Scale:
    """A group of items scored together: a trust theme, an outcome, a factor or a stage."""

    id: str
    module: str
    role: str
    label: dict[str, str]
    items: tuple[Item, ...]
    stage: int | None = None
    answers: AnswerScale | None = None  # its own answer scale; None: the instrument's

    @property
    def item_ids(self) -> list[str]:
        return [item.id for item in self.items]


@dataclass(frozen=True)
class Module:
    id: str
    label: dict[str, str]
    referent: dict[str, str]
    scales: tuple[Scale, ...]
    index: dict | None = None

    @property
    def items(self) -> list[Item]:
        return [item for scale in self.scales for item in scale.items]

    @property
    def item_ids(self) -> list[str]:
        return [item.id for item in self.items]

    def scales_with_role(self, role: str) -> list[Scale]:
        return [scale for scale in self.scales if scale.role == role]


@dataclass(frozen=True)
class Background:
    id: str
    type: str
    label: dict[str, str]
    required: bool = True
    categories: dict[str, dict[str, str]] = field(default_factory=dict)
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class AnswerScale:
    min: int
    max: int
    labels: dict[int, dict[str, str]]
    aliases: dict[int, tuple[str, ...]]
    favourable_from: int
    missing_codes: tuple[int, ...]
    missing_labels: dict[str, tuple[str, ...]]

    @property
    def values(self) -> list[int]:
        return list(range(self.min, self.max + 1))

    @cached_property
    def label_lookup(self) -> dict[str, float]:
        """Case-folded answer label -> code; missing labels map to NaN."""
        lookup: dict[str, float] = {}
        for code, texts in self.labels.items():
            for text in texts.values():
                lookup[fold_label(text)] = float(code)
        for code, texts in self.aliases.items():
            for text in texts:
                lookup[fold_label(text)] = float(code)
        for texts in self.missing_labels.values():
            for text in texts:
                lookup[fold_label(text)] = float("nan")
        return lookup


def fold_label(text: str) -> str:
    """Normalise a label for matching: case, surrounding and repeated white space.

    The one folding of answer labels, category texts and mapping wordings, so that a label
    typed in a spreadsheet matches the instrument's however it is capitalised or spaced.

    >>> fold_label("  Mee   EENS ")
    'mee eens'
    """
    return " ".join(str(text).split()).casefold()


@dataclass(frozen=True)
class Instrument:
    """The whole questionnaire. Build it with :func:`load_instrument`."""

    name: str
    version: str
    scale: AnswerScale
    background: tuple[Background, ...]
    modules: tuple[Module, ...]
    open_questions: tuple[dict, ...]
    path: Path | None = None

    # -- look-ups ------------------------------------------------------------------------
    def module(self, module_id: str) -> Module:
        for module in self.modules:
            if module.id == module_id:
                return module
        known = ", ".join(m.id for m in self.modules)
        raise KeyError(f"unknown module {module_id!r}; the instrument has: {known}")

    @property
    def items(self) -> list[Item]:
        return [item for module in self.modules for item in module.items]

    @property
    def item_ids(self) -> list[str]:
        return [item.id for item in self.items]

    @cached_property
    def item_by_id(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}

    @property
    def scales(self) -> list[Scale]:
        return [scale for module in self.modules for scale in module.scales]

    def scale_by_id(self, scale_id: str) -> Scale:
        for scale in self.scales:
            if scale.id == scale_id:
                return scale
        raise KeyError(f"unknown scale {scale_id!r}")

    @property
    def themes(self) -> list[Scale]:
        """The trust themes (role ``theme``) in questionnaire order."""
        return [scale for scale in self.scales if scale.role == "theme"]

    @property
    def reverse_items(self) -> list[str]:
        return [item.id for item in self.items if item.reverse]

    @property
    def background_ids(self) -> list[str]:
        return [b.id for b in self.background]

    def answer_scale(self, item_id: str) -> AnswerScale:
        """The answer scale of an item: its own, else its scale's, else the instrument's."""
        item = self.item_by_id.get(item_id)
        if item is None:
            raise KeyError(f"unknown item {item_id!r}")
        return item.answers or self.scale_by_id(item.scale).answers or self.scale

    def require_background(self, *var_ids: str, purpose: str = "this analysis") -> None:
        """Raise a one-line :class:`InstrumentError` when a background variable is missing."""
        missing = [v for v in var_ids if v not in self.background_ids]
        if missing:
            raise InstrumentError(f"{purpose} needs the background variable(s) {', '.join(missing)}, "
                                  f"which the instrument {self.name or self.path or ''} does not define")

    def background_var(self, var_id: str) -> Background:
        for var in self.background:
            if var.id == var_id:
                return var
        raise KeyError(f"unknown background variable {var_id!r}")

    @property
    def open_question_ids(self) -> list[str]:
        return [q["id"] for q in self.open_questions]

    def label(self, key: str, language: str = "nl") -> str:
        """Label of a scale, module, index, item or background variable in ``language``."""
        check_language(language)
        for module in self.modules:
            if module.id == key:
                return module.label[language]
            if module.index and module.index["id"] == key:
                return module.index["label"][language]
        for scale in self.scales:
            if scale.id == key:
                return scale.label[language]
        for var in self.background:
            if var.id == key:
                return var.label[language]
        if key in self.item_by_id:
            return self.item_by_id[key].text[language]
        raise KeyError(f"no label for {key!r}")


def _parse_scale(raw: dict) -> AnswerScale:
    if not isinstance(raw, dict):
        raise InstrumentError("scale: an answer scale needs min, max and labels")
    try:
        lo, hi = int(raw["min"]), int(raw["max"])
        labels = {int(code): _text(texts, f"scale label {code}") for code, texts in raw["labels"].items()}
    except (KeyError, TypeError, ValueError) as exc:
        raise InstrumentError(f"scale: {exc}") from exc
    if sorted(labels) != list(range(lo, hi + 1)):
        raise InstrumentError(f"scale: labels must cover every value {lo}..{hi}")
    missing = raw.get("missing", {}) or {}
    codes = tuple(int(c) for c in missing.get("codes", []))
    if any(lo <= c <= hi for c in codes):
        raise InstrumentError("scale: a missing code lies inside the answer range")
    return AnswerScale(
        min=lo, max=hi, labels=labels,
        aliases={int(k): tuple(v) for k, v in (raw.get("aliases") or {}).items()},
        favourable_from=int(raw.get("favourable_from", hi - 1)),
        missing_codes=codes,
        missing_labels={lang: tuple(v) for lang, v in (missing.get("labels") or {}).items()},
    )


def _answers(raw, named: dict[str, AnswerScale], where: str) -> AnswerScale | None:
    """An ``answers:`` entry: None, the name of an ``answer_scales:`` entry, or an inline scale."""
    if raw is None:
        return None
    if isinstance(raw, str):
        if raw not in named:
            raise InstrumentError(f"{where}: unknown answer scale {raw!r}; answer_scales has: "
                                  f"{', '.join(named) or 'none'}")
        return named[raw]
    try:
        return _parse_scale(raw)
    except InstrumentError as exc:
        raise InstrumentError(f"{where}: {exc}") from exc


def load_instrument(path: str | Path | None = None) -> Instrument:
    """Read and check an instrument file (default: ``data/instrument.yaml``).

    Raises
    ------
    InstrumentError
        When the file is malformed: duplicate ids, a text in no language, unknown roles or
        answer scales.
    """
    path = Path(path) if path is not None else INSTRUMENT_PATH
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InstrumentError(f"{path}: cannot read the instrument: {exc}") from exc
    if not isinstance(raw, dict):
        raise InstrumentError(f"{path}: not an instrument definition")

    background = []
    for var in raw.get("background", []):
        if var.get("type") not in BACKGROUND_TYPES:
            raise InstrumentError(f"background {var.get('id')}: type must be one of {BACKGROUND_TYPES}")
        background.append(Background(
            id=var["id"], type=var["type"], label=_text(var["label"], f"background {var['id']}"),
            required=bool(var.get("required", True)),
            categories={k: _text(v, f"category {k}") for k, v in (var.get("categories") or {}).items()},
            min=var.get("min"), max=var.get("max"),
        ))

    named = {str(k): _answers(v, {}, f"answer scale {k}") for k, v in (raw.get("answer_scales") or {}).items()}
    if "scale" not in raw:
        raise InstrumentError(f"{path}: no answer scale ('scale:' with min, max and labels)")
    modules = []
    for mod in raw.get("modules", []):
        scales = []
        for sc in mod["scales"]:
            if sc.get("role") not in ROLES:
                raise InstrumentError(f"scale {sc.get('id')}: role must be one of {ROLES}")
            items = tuple(
                Item(id=it["id"], scale=sc["id"], module=mod["id"], text=_text(it, f"item {it['id']}"),
                     reverse=bool(it.get("reverse", False)),
                     answers=_answers(it.get("answers"), named, f"item {it['id']}"))
                for it in sc["items"]
            )
            scales.append(Scale(id=sc["id"], module=mod["id"], role=sc["role"],
                                label=_text(sc.get("label") or sc["id"], f"scale {sc['id']}"), items=items,
                                stage=sc.get("stage"), answers=_answers(sc.get("answers"), named, f"scale {sc['id']}")))
        index = mod.get("index")
        if index:
            index = {"id": index["id"], "label": _text(index["label"], f"index {index['id']}")}
        modules.append(Module(id=mod["id"], label=_text(mod.get("label") or mod["id"], f"module {mod['id']}"),
                              referent=_text(mod.get("referent") or "", f"module {mod['id']} referent")
                              if mod.get("referent") else {lang: "" for lang in LANGUAGES},
                              scales=tuple(scales), index=index))

    open_questions = tuple({"id": q["id"], **_text(q, f"open question {q['id']}")}
                           for q in raw.get("open_questions", []))
    instrument = Instrument(name=raw.get("name", ""), version=str(raw.get("version", "")),
                            scale=_parse_scale(raw["scale"]), background=tuple(background),
                            modules=tuple(modules), open_questions=open_questions, path=path)

    ids = (instrument.background_ids + instrument.item_ids + instrument.open_question_ids
           + [s.id for s in instrument.scales] + [m.id for m in instrument.modules])
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise InstrumentError(f"{path}: duplicate ids: {', '.join(duplicates)}")
    return instrument


def instrument_from_keys(scales: dict, low: int, high: int, name: str = "scales") -> Instrument:
    """An instrument made from psych-style scoring keys alone (no instrument file).

    One module ``items`` holds one scale (role ``scale``) per key; a leading ``-`` marks a
    reverse-keyed item; item texts are the item names; the answer scale runs from ``low`` to
    ``high`` with the codes as labels; there are no background variables.

    Examples
    --------
    >>> inst = instrument_from_keys({"A": ["-A1", "A2", "A3"]}, 1, 6)
    >>> inst.reverse_items, inst.scale.values
    (['A1'], [1, 2, 3, 4, 5, 6])
    """
    # monitor.stats.reliability brings SciPy and the factor code (some 0.6 s and 130 MB): only for
    # instruments made from keys, not for every reader of the instrument file.
    from ..stats.reliability import parse_keys

    try:
        items_per_scale, reversed_items = parse_keys(scales)
    except ValueError as exc:
        raise InstrumentError(f"scales: {exc}") from exc
    if not (isinstance(low, (int, np.integer)) and isinstance(high, (int, np.integer)) and low < high):
        raise InstrumentError(f"scales: answers must be whole numbers with at least two values, not {low}..{high}")
    answer = _parse_scale({"min": int(low), "max": int(high), "labels": {v: str(v) for v in range(low, high + 1)}})
    module_scales = tuple(
        Scale(id=scale, module="items", role="scale", label=_text(scale, scale),
              items=tuple(Item(id=i, scale=scale, module="items", text=_text(i, i), reverse=i in reversed_items)
                          for i in items))
        for scale, items in items_per_scale.items())
    module = Module(id="items", label=_text(name, name), referent={lang: "" for lang in LANGUAGES},
                    scales=module_scales)
    instrument = Instrument(name=name, version="", scale=answer, background=(), modules=(module,),
                            open_questions=())
    clash = sorted(set(items_per_scale) & set(instrument.item_ids))
    if clash or "items" in instrument.item_ids + list(items_per_scale):
        raise InstrumentError(f"scales: a scale and an item share a name: {', '.join(clash or ['items'])}")
    return instrument


def cfa_model(instrument: Instrument, module: str, roles: tuple[str, ...] = ("theme",)) -> dict[str, list[str]]:
    """The instrument's theoretical model: factor -> its items, for the scales of ``roles``
    (the input :func:`monitor.stats.sem.measurement.fit_cfa` and :func:`monitor.stats.sem.measurement.measurement_invariance` take)."""
    return {s.id: s.item_ids for s in instrument.module(module).scales if s.role in roles}
