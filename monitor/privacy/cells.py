"""Published cells: the sidecar schema, and reading it as the disclosure audit does.

The disclosure audit (:mod:`monitor.privacy.disclosure`) and the secondary suppression
(:mod:`monitor.privacy.suppression`) know nothing of the survey: they read *published cells* (the sidecar JSON
the report writer emits), plain dicts, into :class:`Cell` and the public knowledge about the attributes into a
:class:`Structure`.

Cell schema (``"schema": "samenwerkingsmonitor.sidecar/1"``, list ``"cells"``)::

    {"id": "regio-a/summary/trust_index/3",
     "group": {"wave": 2026, "region": "Regio A", "organisation_type": "gemeente"},
     "measure": "trust_index", "n": 12, "mean": 3.52, "decimals": 2, "hidden": false}

* ``group``: attribute -> value; an absent attribute means "all its values".
* ``measure``: a scale id, or ``null`` for a head count (``n`` only).
* ``n``: respondents of the group with a value on the measure; ``mean``: the mean shown, rounded to
  ``decimals`` (default 2). Either may be ``null`` (or NaN) when not published.
* ``hidden``: the group is non-empty but its figures are suppressed (``n``/``mean`` are ignored).
  ``n_range`` (e.g. ``[1, 4]``) may accompany it; it is not used.
* ``source`` (optional): the report or table family the cell belongs to (see *Knowledge* in
  :mod:`monitor.privacy.publication`); by default the sidecar it came from.
* A group and measure published several times must agree on ``n``; the most precise ``mean`` counts.
* An empty group published as a figure is a cell with ``n`` 0.

A sidecar may carry ``"structure"``: public knowledge about the attributes.

* ``"nesting": {"organisation": {"Gemeente X": {"organisation_type": "gemeente", "region": "Regio A"}}}``:
  a value implies values of other attributes (a municipality is a gemeente in one region).
* ``"domains": {"region": ["Regio A", ...]}`` (optional): values that exist, published or not.
* ``"open": ["organisation"]`` (optional): attributes whose list of values is not public, so
  values never named may exist. Nested attributes (keys of ``nesting``) are always open.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["SCHEMA", "Cell", "Structure", "read_cells", "read_sidecars", "sidecar_cells"]

SCHEMA = "samenwerkingsmonitor.sidecar/1"
_SCHEMA_FAMILY = SCHEMA.rsplit("/", 1)[0] + "/"


@dataclass
class Cell:
    id: str
    group: dict[str, str]  # normalised values, with the values nesting implies
    shown_group: dict
    measure: str | None
    n: int | None
    mean: float | None
    decimals: int
    hidden: bool
    scope: Any


@dataclass
class Structure:
    nesting: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    domains: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    open: set[str] = field(default_factory=set)

    def merge(self, raw: Mapping | None, where: str = "structure") -> None:
        if not raw:
            return
        if not isinstance(raw, Mapping):
            raise ValueError(f"{where or 'structure'}: must be an object")
        for attr, values in (raw.get("nesting") or {}).items():
            into = self.nesting.setdefault(str(attr), {})
            for value, implied in (values or {}).items():
                implied = {str(k): _value(v) for k, v in (implied or {}).items()}
                old = into.setdefault(_value(value), implied)
                for k, v in implied.items():
                    if old.setdefault(k, v) != v:  # said in the adviser's terms, with what to do
                        prefix = f"{where}: " if where else ""
                        raise ValueError(f"{prefix}{attr} {str(value)!r} is found in {k} {old[k]!r} and in {k} {v!r}; "
                                         f"the reports need each {attr} in one {k}: correct the {k} of its "
                                         f"respondents in the data, or, when one {k} is spelled two ways, rename "
                                         "one spelling in a mapping file's values: block (monitor check proposes it)")
        for attr, values in (raw.get("domains") or {}).items():
            self.domains[str(attr)].update(_value(v) for v in values)
        self.open.update(str(a) for a in raw.get("open") or ())

    def implied(self, group: dict[str, str], ident: str) -> dict[str, str]:
        group = dict(group)
        changed = True
        while changed:
            changed = False
            for attr, value in list(group.items()):
                for k, v in self.nesting.get(attr, {}).get(value, {}).items():
                    if k not in group:
                        group[k], changed = v, True
                    elif group[k] != v:
                        raise ValueError(f"cell {ident}: {attr}={value} implies {k}={v}, not {group[k]}")
        return group


def _value(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _number(value, ident: str, name: str, integer: bool = False):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None  # NaN (which Python's json writes) is read as null
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"cell {ident}: {name} must be a number or null, not {value!r}")
    if integer:
        if value < 0 or float(value) != int(value):
            raise ValueError(f"cell {ident}: n must be a whole number from 0 up, not {value!r}")
        return int(value)
    return float(value)


def _read_cell(raw, scope, structure: Structure) -> Cell:
    if not isinstance(raw, Mapping):
        raise ValueError(f"a cell must be an object, not {type(raw).__name__}")
    ident = raw.get("id")
    if not isinstance(ident, str) or not ident:
        raise ValueError(f"a cell needs a string id: {dict(raw)!r:.200}")
    group = raw.get("group") or {}
    if not isinstance(group, Mapping):
        raise ValueError(f"cell {ident}: group must be an object")
    measure = raw.get("measure")
    if measure is not None and not isinstance(measure, str):
        raise ValueError(f"cell {ident}: measure must be a string or null")
    hidden = bool(raw.get("hidden", False))
    decimals = raw.get("decimals", 2)
    if decimals is None:
        decimals = 2
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 12:
        raise ValueError(f"cell {ident}: decimals must be a whole number 0-12")
    n = None if hidden else _number(raw.get("n"), ident, "n", integer=True)
    mean = None if hidden else _number(raw.get("mean"), ident, "mean")
    norm = structure.implied({str(k): _value(v) for k, v in group.items()}, ident)
    source = raw.get("source", scope)
    if isinstance(source, list | dict):
        source = json.dumps(source, sort_keys=True)
    return Cell(ident, norm, dict(group), measure, n, mean, decimals, hidden, source)


def read_cells(items: Iterable[Mapping], structure: Structure, default_scope=None) -> list[Cell]:
    """Cells in the sidecar cell schema, read and checked, their groups completed by ``structure``'s nesting.

    ``default_scope`` is the scope of a cell without a ``source`` (see *Knowledge* in
    :mod:`monitor.privacy.publication`).

    Raises
    ------
    ValueError
        A cell that does not follow the schema, or whose group contradicts the nesting.
    """
    return [_read_cell(raw, default_scope, structure) for raw in items]


def sidecar_cells(sidecars: Iterable[Mapping]) -> tuple[list[Cell], Structure]:
    """Every cell of the sidecars, each sidecar its own default scope, and their structures merged.

    Raises
    ------
    ValueError
        Something that is not a sidecar of this schema, or a cell or structure that cannot be read.
    """
    sidecars = list(sidecars)
    structure = Structure()
    for i, sidecar in enumerate(sidecars):
        where = f"sidecar {i + 1}"
        if not isinstance(sidecar, Mapping) or sidecar.get("schema") != SCHEMA:
            raise ValueError(f"{where}: not a sidecar (\"schema\": \"{SCHEMA}\" missing)")
        if not isinstance(sidecar.get("cells"), list):
            raise ValueError(f"{where}: \"cells\" must be a list")
        structure.merge(sidecar.get("structure"), where)
    cells: list[Cell] = []
    for i, sidecar in enumerate(sidecars):
        cells.extend(read_cells(sidecar["cells"], structure, default_scope=("sidecar", i)))
    return cells, structure


def read_sidecars(folder: str | Path) -> list[dict]:
    """Every sidecar (``*.json`` with this module's schema) in ``folder``, sorted by file name.

    Other JSON files are skipped; a file that is not valid JSON, or that names another version of
    the sidecar schema, is an error (it might be a sidecar the audit would otherwise miss).

    Raises
    ------
    FileNotFoundError
        ``folder`` is not a folder.
    ValueError
        A file cannot be read as JSON, has an unknown sidecar version, or no sidecar was found.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: {'not a folder' if folder.exists() else 'no such folder'}")
    found = []
    for path in sorted(folder.glob("*.json")):
        if not path.is_file():
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{path}: not valid JSON ({exc})") from exc
        schema = data.get("schema") if isinstance(data, dict) else None
        if schema == SCHEMA:
            found.append(data)
        elif isinstance(schema, str) and schema.startswith(_SCHEMA_FAMILY):
            raise ValueError(f"{path}: sidecar schema {schema!r} is not supported (expected {SCHEMA!r})")
    if not found:
        raise ValueError(f"{folder}: no sidecar (*.json with \"schema\": \"{SCHEMA}\")")
    return found
