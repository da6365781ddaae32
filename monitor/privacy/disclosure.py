"""Statistical disclosure control across everything a wave publishes.

Each group table suppresses its small groups on its own (:func:`monitor.survey.scoring.suppress_small_groups`),
but a figure hidden in one table may still follow from figures published in *other* tables, reports or
waves: a type table against the region total, a count table against its margins, a hidden region
against the all-regions total minus the other regions. This module audits the whole publication at
once, as an intruder with every report would, and names further cells to hide when something follows.

It knows nothing of the survey: it reads *published cells* (the sidecar JSON the report writer
emits), pure functions over plain dicts.

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
* ``source`` (optional): the report or table family the cell belongs to (see *Knowledge* below);
  by default the sidecar it came from.
* A group and measure published several times must agree on ``n``; the most precise ``mean`` counts.
* An empty group published as a figure is a cell with ``n`` 0.

A sidecar may carry ``"structure"``: public knowledge about the attributes.

* ``"nesting": {"organisation": {"Gemeente X": {"organisation_type": "gemeente", "region": "Regio A"}}}``:
  a value implies values of other attributes (a municipality is a gemeente in one region).
* ``"domains": {"region": ["Regio A", ...]}`` (optional): values that exist, published or not.
* ``"open": ["organisation"]`` (optional): attributes whose list of values is not public, so
  values never named may exist. Nested attributes (keys of ``nesting``) are always open.

Knowledge assumed of an intruder (and so of the audit)
------------------------------------------------------
* The values of a *closed* attribute (every attribute not open) are those named anywhere in the
  publication or in ``domains``: the list of regions, types, functions and waves is public. Audit
  the whole publication: a region left out of the input looks empty (a false alarm, never a miss);
  or declare the attribute open or list its ``domains``.
* Within one *scope* (the cells of one ``source``; else of one sidecar; for a bare list of cells
  without ``source``, those with one value of the attribute that partitions the publication,
  normally the region), the cells of one measure with the same set of attributes are read as one
  complete cross table over the attributes that vary among them: a combination of the table's
  values (or of any value of those attributes) that is not listed, not even as hidden, is empty
  (a table lists every non-empty group; a blank or omitted row is a zero). Nothing is concluded
  outside the table's constant context (the attributes with one value in it), and a table of one
  cell says nothing.
"""

from __future__ import annotations

import json
import math
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .derivation import _Model, _one_blas_thread, _partition_attribute

__all__ = ["SCHEMA", "Recovery", "AuditResult", "audit", "audit_folder", "format_findings",
           "secondary_suppression"]

SCHEMA = "samenwerkingsmonitor.sidecar/1"
DEFAULT_MEAN_TOLERANCE = 0.5
_SCHEMA_FAMILY = SCHEMA.rsplit("/", 1)[0] + "/"


# -- results ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Recovery:
    """A hidden cell whose count, or sum and hence mean, follows from published cells.

    Attributes
    ----------
    ids : tuple of str
        Every copy of the hidden cell (same group and measure).
    group : dict
        The group as published.
    measure : str or None
        The measure; ``None`` for a head count.
    what : {"n", "sum"}
        ``"n"``: the count is determined exactly. ``"sum"``: the count is determined and the sum
        is determined up to rounding, so the mean lies in a narrow interval.
    value : float
        The recovered count (``"n"``) or the implied mean (``"sum"``).
    low, high : float
        The interval of the count (``value`` twice) or of the implied mean.
    n : int
        The recovered count.
    used : tuple of (str, float)
        The published cells of the derivation with their coefficients: ``hidden = Σ coef · cell``
        (counts for ``"n"``, sums ``n · mean`` for ``"sum"``).
    """

    ids: tuple[str, ...]
    group: dict
    measure: str | None
    what: str
    value: float
    low: float
    high: float
    n: int
    used: tuple[tuple[str, float], ...]

    @property
    def cell(self) -> str:
        return self.ids[0]


@dataclass
class AuditResult:
    """What :func:`audit` found.

    Attributes
    ----------
    cells_checked : int
        Cells read (every copy).
    hidden_cells : int
        Hidden cells read (every copy).
    recoverable : list of Recovery
        One record per recovered figure (a hidden cell can have an ``"n"`` and a ``"sum"`` record).
    inconsistent : list of str
        Ids of non-empty cells that the assumed knowledge makes empty (a table that does not list a
        group that another cell shows to exist); they take no part in the audit. Empty normally.
    seconds : float
        Time the audit took.
    """

    cells_checked: int
    hidden_cells: int
    recoverable: list[Recovery] = field(default_factory=list)
    inconsistent: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when no hidden figure can be recovered."""
        return not self.recoverable

    @property
    def recoverable_cells(self) -> set[str]:
        """Ids of every hidden cell with a recovered figure."""
        return {i for r in self.recoverable for i in r.ids}


# -- reading cells -------------------------------------------------------------------------------
@dataclass
class _Cell:
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
class _Structure:
    nesting: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    domains: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    open: set[str] = field(default_factory=set)

    def merge(self, raw: Mapping | None, where: str = "structure") -> None:
        if not raw:
            return
        if not isinstance(raw, Mapping):
            raise ValueError(f"{where}: must be an object")
        for attr, values in (raw.get("nesting") or {}).items():
            into = self.nesting.setdefault(str(attr), {})
            for value, implied in (values or {}).items():
                implied = {str(k): _value(v) for k, v in (implied or {}).items()}
                old = into.setdefault(_value(value), implied)
                for k, v in implied.items():
                    if old.setdefault(k, v) != v:
                        raise ValueError(f"{where}: nesting of {attr}={value} gives {k}={old[k]!r} and {v!r}")
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


def _read_cell(raw, scope, structure: _Structure) -> _Cell:
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
    return _Cell(ident, norm, dict(group), measure, n, mean, decimals, hidden, source)


# -- a publication -------------------------------------------------------------------------------
class _Publication:
    """Every cell of a publication, merged into keys (group + measure), with one model per measure."""

    def __init__(self, cells: list[_Cell], structure: _Structure):
        self.cells = cells
        self.structure = structure
        index: dict[tuple, int] = {}
        self.key_cells: list[list[int]] = []
        for i, c in enumerate(cells):
            key = (c.measure, tuple(sorted(c.group.items())))
            if key not in index:
                index[key] = len(self.key_cells)
                self.key_cells.append([])
            self.key_cells[index[key]].append(i)
        n_keys = len(self.key_cells)
        self.key_measure = [cells[k[0]].measure for k in self.key_cells]
        self.key_group = [cells[k[0]].group for k in self.key_cells]
        self.key_n = np.full(n_keys, np.nan)
        self.key_mean = np.full(n_keys, np.nan)
        self.key_half = np.full(n_keys, np.nan)
        self.key_any_hidden = np.zeros(n_keys, dtype=bool)
        self.key_any_shown = np.zeros(n_keys, dtype=bool)
        for k, copies in enumerate(self.key_cells):
            best = -1
            for i in copies:
                c = cells[i]
                if c.hidden:
                    self.key_any_hidden[k] = True
                    continue
                self.key_any_shown[k] = True
                if c.n is not None:
                    if not np.isnan(self.key_n[k]) and self.key_n[k] != c.n:
                        raise ValueError(f"cells {cells[copies[0]].id} and {c.id}: one group and measure "
                                         f"published with n {int(self.key_n[k])} and {c.n}")
                    self.key_n[k] = c.n
                if c.mean is not None and c.decimals > best:
                    best = c.decimals
                    self.key_mean[k] = c.mean
                    self.key_half[k] = 0.5 * 10.0 ** -c.decimals
        domain = defaultdict(set)
        for c in cells:
            for a, v in c.group.items():
                domain[a].add(v)
        for attr, values in structure.nesting.items():
            for v, implied in values.items():
                domain[attr].add(v)
                for a, w in implied.items():
                    domain[a].add(w)
        for attr, values in structure.domains.items():
            domain[attr].update(values)
        self.domain = {a: sorted(v) for a, v in domain.items()}
        open_attrs = set(structure.open) | set(structure.nesting)
        # the attribute that partitions the publication into blocks (normally the region)
        self.partition = _partition_attribute(self.key_group, open_attrs)
        # tables: per measure, scope and attribute set, the attributes that vary and the constant rest
        listing = defaultdict(list)
        for c in cells:
            scope = c.scope if c.scope is not None else ("partition", c.group.get(self.partition))
            listing[(c.measure, scope, frozenset(c.group))].append(c.group)
        tables = defaultdict(set)
        for (measure, _scope, attrset), gs in listing.items():
            varying = {a for a in attrset if len({g[a] for g in gs}) > 1}
            if varying:
                context = tuple(sorted((a, gs[0][a]) for a in attrset - varying))
                tables[measure].add((context, attrset))
        self.models: dict[str | None, tuple[_Model, np.ndarray]] = {}
        by_measure = defaultdict(list)
        for k, m in enumerate(self.key_measure):
            by_measure[m].append(k)
        for m, keys in by_measure.items():
            keys = np.array(keys)
            zero = (self.key_n[keys] == 0) & self.key_any_shown[keys] & ~self.key_any_hidden[keys]
            model = _Model([self.key_group[k] for k in keys], [(dict(c), s) for c, s in tables[m]], zero,
                           self.domain, open_attrs, structure.nesting, self.partition)
            self.models[m] = (model, keys)
        self.inconsistent_keys = []
        for model, keys in self.models.values():
            bad = (model.key_block == -2) & ~((self.key_n[keys] == 0) & ~self.key_any_hidden[keys])
            self.inconsistent_keys.extend(keys[bad].tolist())

    def _first_id(self, k: int, shown: bool) -> str:
        for i in self.key_cells[k]:
            if self.cells[i].hidden != shown:
                return self.cells[i].id
        return self.cells[self.key_cells[k][0]].id

    def _hidden_ids(self, k: int, shown_mask: np.ndarray) -> tuple[str, ...]:
        if not shown_mask[k]:
            return tuple(self.cells[i].id for i in self.key_cells[k])
        return tuple(self.cells[i].id for i in self.key_cells[k] if self.cells[i].hidden)

    def analyse(self, shown: np.ndarray, tolerance: float, measures: Iterable | None = None
                ) -> dict[str | None, list[tuple[Recovery, set[int]]]]:
        """Recoveries per measure, each with the row keys it uses; ``shown`` marks published keys."""
        out = {}
        for m in (self.models if measures is None else measures):
            model, keys = self.models[m]
            out[m] = self._analyse_measure(model, keys, shown[keys], tolerance)
        return out

    def _analyse_measure(self, model: _Model, keys: np.ndarray, shown: np.ndarray, tolerance: float):
        found = []
        n = self.key_n[keys].copy()
        mean = self.key_mean[keys]
        half = self.key_half[keys]
        shown_global = np.zeros(len(self.key_cells), dtype=bool)
        shown_global[keys[shown]] = True
        # the same group and measure shown in one place and hidden in another
        for j in np.flatnonzero(shown & self.key_any_hidden[keys]):
            k = keys[j]
            ids = self._hidden_ids(k, shown_global)
            used = ((self._first_id(k, True), 1.0),)
            if not np.isnan(n[j]):
                found.append((self._record(k, ids, "n", n[j], n[j], n[j], int(n[j]), used), {int(j)}))
            if not np.isnan(mean[j]) and not np.isnan(n[j]) and n[j] > 0:
                found.append((self._record(k, ids, "sum", mean[j], mean[j] - half[j], mean[j] + half[j], int(n[j]),
                                           used), {int(j)}))
        hidden = ~shown
        valid = model.key_block != -2
        count_rows = shown & ~np.isnan(n) & (n > 0) & valid
        mean_only = shown & np.isnan(n) & ~np.isnan(mean)
        det, local = model.determined(count_rows, (hidden | mean_only) & valid)
        # weights of the sums' half-widths (a row without a mean: as if shown with 2 decimals), so
        # that a count derivation through cells with a mean is also the tightest sum derivation
        weights = np.nan_to_num(n * np.where(np.isnan(half), 0.005, half))
        n_hidden, count_routes, filled = {}, {}, False
        for j, coef in model.routes(count_rows, np.flatnonzero(det), weights, local).items():
            value = float(sum(c * n[r] for r, c in coef.items()))
            value = round(value) if abs(value - round(value)) < 1e-6 else value
            if mean_only[j]:
                n[j], filled = value, True
                continue
            n_hidden[int(j)] = value
            count_routes[int(j)] = coef
            k = keys[j]
            found.append((self._record(k, self._hidden_ids(k, shown_global), "n", value, value, value, int(value),
                                       tuple(self._used(keys, coef))), set(coef)))
        sum_rows = shown & ~np.isnan(n) & (n > 0) & ~np.isnan(mean) & valid
        sum_routes = {}
        targets = np.zeros(len(keys), dtype=bool)
        for j, value in n_hidden.items():
            if value <= 0:
                continue
            if not filled and all(sum_rows[r] for r in count_routes[j]):
                sum_routes[j] = count_routes[j]  # optimal among the count rows, which hold the sum rows
            else:
                targets[j] = True
        if targets.any() and sum_rows.any():
            det_s, local_s = model.determined(sum_rows, targets)
            sum_routes.update(model.routes(sum_rows, np.flatnonzero(det_s), np.where(sum_rows, weights, 0.0),
                                           local_s))
        for j, coef in sorted(sum_routes.items()):
            total = sum(c * n[r] * mean[r] for r, c in coef.items())
            spread = sum(abs(c) * n[r] * half[r] for r, c in coef.items())
            count = n_hidden[int(j)]
            if spread / count < tolerance:
                k = keys[j]
                found.append((self._record(k, self._hidden_ids(k, shown_global), "sum", total / count,
                                           (total - spread) / count, (total + spread) / count, int(count),
                                           tuple(self._used(keys, coef))), set(coef)))
        return found

    def _used(self, keys: np.ndarray, coef: dict[int, float]) -> list[tuple[str, float]]:
        used = [(self._first_id(keys[r], True), c) for r, c in coef.items()]
        return sorted(used, key=lambda ic: (ic[1] < 0, ic[0]))

    def _record(self, k, ids, what, value, low, high, count, used) -> Recovery:
        first = self.cells[self.key_cells[k][0]]
        return Recovery(ids, dict(first.shown_group), first.measure, what, float(value), float(low), float(high),
                        int(count), tuple(used))


def _cells_of(items: Iterable[Mapping], structure: _Structure, default_scope=None) -> list[_Cell]:
    return [_read_cell(raw, default_scope, structure) for raw in items]


# -- public API ----------------------------------------------------------------------------------
def audit(sidecars: Iterable[Mapping] | Mapping, mean_tolerance: float = DEFAULT_MEAN_TOLERANCE) -> AuditResult:
    """Find every hidden figure that follows from the published ones, across all sidecars.

    Parameters
    ----------
    sidecars : list of dict
        Sidecars (``"schema": "samenwerkingsmonitor.sidecar/1"``) of everything published together:
        every region report of a wave, with their benchmark and trend cells. A single sidecar is
        accepted as well.
    mean_tolerance : float
        A hidden mean counts as recovered when it is pinned down to within ``± mean_tolerance``
        scale points (default 0.5) and its count is known exactly.

    Returns
    -------
    AuditResult
        ``ok`` is true when nothing hidden can be recovered.

    Notes
    -----
    The audit follows the classical audit of linked tabular data (Hundepool et al. 2012, ch. 4):
    every published figure is a linear equation in unknown, non-negative figures of the *atoms*,
    the finest groups that the published groups are unions of, and a hidden figure is disclosed
    when the equations determine it.

    *Atoms.* Per measure (the counts of different measures differ: respondents can skip a scale;
    the head count is a measure of its own), the population is split by every attribute used,
    taking each value named anywhere (plus one value standing for all values never named, for open
    attributes), respecting nesting, and dropping combinations that the complete tables show to be
    empty (see the module notes). Only splits that some cell distinguishes are made, and atoms no
    cell separates are merged, which leaves the test below unchanged.

    *Counts.* Each published ``n`` is the sum of its atoms' counts. A hidden cell's count is
    determined exactly when its 0/1 indicator ``h`` over the atoms lies in the row space of the
    published counts' indicators (``h ∈ row(A) ⇔ h ⊥ null(A)``). The publication splits into
    blocks (the values of the attribute that partitions it best, normally the region): cells of one
    block touch only its atoms, and only the few cells without it (all-regions figures) couple
    blocks. Per block, a rank-revealing QR (column pivoting) of its own published rows gives an
    orthonormal basis ``Q_b`` of their row space and the projector ``P_b = I − Q_b Q_bᵀ`` onto
    their null space. A cell of block ``b`` is determined iff ``P_b h = 0`` (by its own block), or
    ``P_b h = P_b G_bᵀ μ`` for a ``μ`` with ``P_s G_sᵀ μ = 0`` in every other block ``s`` (``G``: the
    coupling rows; the condition on ``μ`` is an eigenproblem of the size of ``G``); a cell spanning
    blocks iff ``P_s h_s = P_s G_sᵀ μ`` is consistent for all ``s`` at once (least squares and its
    residual). This is the Schur complement of the block-diagonal system, exact up to the relative
    tolerance ``1e-7``; all matrices are 0/1 and no block matrix is larger than its own cells.

    *Derivation.* For every determined hidden cell the published cells of a derivation are found
    by a linear programme, ``min Σ w_k |c_k|`` subject to ``Σ c_k a_k = h`` (HiGHS; the optimum is
    sparse and, for these 0/1 systems, integer in practice; it is rounded when that is exact), over
    the block's own cells when they suffice, else over all. The count follows as ``Σ c_k n_k``.
    The weights are those of the sums below (``w_k = n_k ½·10^-d_k``; a cell without a mean as if
    with two decimals), so the derivation favours small cells, and a count derivation through
    cells with a mean is at once the tightest sum derivation.

    *Sums.* A published mean ``m_k`` with count ``n_k`` gives the sum ``n_k m_k`` to within
    ``± n_k · ½·10^-decimals`` (rounding of the mean). When a hidden cell's count is determined
    and its indicator lies in the row space of the cells with a published mean and known count
    (published, or determined as above), the sum follows as ``Σ c_k n_k m_k ± Σ |c_k| n_k ½·10^-d_k``
    with weights ``w_k = n_k ½·10^-d_k`` minimising that half-width. The implied mean is that sum
    divided by the count; the cell is reported when the implied mean's half-width is below
    ``mean_tolerance``. (A region total of 101 and parts of 80 and 20 with two-decimal means give a
    single respondent's score to within ± 1.0; a tester recovered 0.71 for a true 1.00 this way.)

    Non-negativity and the ``n_range`` of hidden cells are not used: the audit reports exact
    derivations only, not narrow intervals for counts.

    References
    ----------
    Hundepool, A., Domingo-Ferrer, J., Franconi, L., Giessing, S., Schulte Nordholt, E., Spicer, K.,
    & de Wolf, P.-P. (2012). *Statistical Disclosure Control*. Wiley. Chapter 4 (magnitude and
    frequency tables; linked tables; audit of a suppression pattern).

    Examples
    --------
    >>> cells = [{"id": "total", "group": {"region": "A"}, "measure": None, "n": 21, "mean": None},
    ...          {"id": "g", "group": {"region": "A", "type": "g"}, "measure": None, "n": 12, "mean": None},
    ...          {"id": "z", "group": {"region": "A", "type": "z"}, "measure": None, "n": 8, "mean": None},
    ...          {"id": "x", "group": {"region": "A", "type": "x"}, "measure": None, "hidden": True}]
    >>> result = audit({"schema": SCHEMA, "cells": cells})
    >>> [(r.cell, r.what, r.value) for r in result.recoverable]
    [('x', 'n', 1.0)]
    """
    start = time.perf_counter()
    if isinstance(sidecars, Mapping):
        sidecars = [sidecars]
    sidecars = list(sidecars)
    structure = _Structure()
    for i, sidecar in enumerate(sidecars):
        where = f"sidecar {i + 1}"
        if not isinstance(sidecar, Mapping) or sidecar.get("schema") != SCHEMA:
            raise ValueError(f"{where}: not a sidecar (\"schema\": \"{SCHEMA}\" missing)")
        if not isinstance(sidecar.get("cells"), list):
            raise ValueError(f"{where}: \"cells\" must be a list")
        structure.merge(sidecar.get("structure"), f"{where}: structure")
    cells: list[_Cell] = []
    for i, sidecar in enumerate(sidecars):
        cells.extend(_cells_of(sidecar["cells"], structure, default_scope=("sidecar", i)))
    return _audit_cells(cells, structure, mean_tolerance, start)


def _audit_cells(cells: list[_Cell], structure: _Structure, mean_tolerance: float, start: float) -> AuditResult:
    if not cells:
        return AuditResult(0, 0, seconds=time.perf_counter() - start)
    with _one_blas_thread():
        pub = _Publication(cells, structure)
        found = pub.analyse(pub.key_any_shown.copy(), mean_tolerance)
    records = [r for m in found for r, _ in found[m]]
    records.sort(key=lambda r: (r.ids[0], r.what != "n"))
    inconsistent = [pub.cells[i].id for k in pub.inconsistent_keys for i in pub.key_cells[k]]
    return AuditResult(len(cells), sum(c.hidden for c in cells), records, sorted(inconsistent),
                       time.perf_counter() - start)


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


def audit_folder(path: str | Path, mean_tolerance: float = DEFAULT_MEAN_TOLERANCE) -> AuditResult:
    """:func:`audit` every sidecar in a folder (see :func:`read_sidecars`; not recursive).

    Raises
    ------
    FileNotFoundError
        ``path`` is not a folder.
    ValueError
        No sidecar in it, or a file or cell that cannot be read.
    """
    return audit(read_sidecars(path), mean_tolerance=mean_tolerance)


def _describe(group: Mapping, measure) -> str:
    parts = ", ".join(f"{k}={v}" for k, v in group.items()) or "everyone"
    return f"{measure if measure is not None else 'head count'} [{parts}]"


def _fmt(x: float) -> str:
    return str(int(round(x))) if abs(x - round(x)) < 1e-9 else f"{x:.4g}"


def format_findings(result: AuditResult, max_terms: int = 8) -> str:
    """One human-readable line per recovered figure (empty string when there are none).

    Each line names the hidden cell, what follows and how: ``n = 1 = +1 total − 1 gemeente …``
    (``max_terms`` terms at most, then how many more). Cells the assumed knowledge makes
    empty are listed after, as warnings.
    """
    lines = []
    for r in result.recoverable:
        terms = []
        for ident, coef in r.used[:max_terms]:
            sign = "-" if coef < 0 else "+"
            mag = abs(coef)
            terms.append(f"{sign} {ident}" if abs(mag - 1) < 1e-9 else f"{sign} {_fmt(mag)}×{ident}")
        more = f" … and {len(r.used) - max_terms} more" if len(r.used) > max_terms else ""
        how = " ".join(terms).lstrip("+ ") + more
        copies = f" (and {len(r.ids) - 1} copies)" if len(r.ids) > 1 else ""
        what = _describe(r.group, r.measure)
        if r.what == "n":
            lines.append(f"{r.cell}{copies}: {what}: n = {_fmt(r.value)} from counts: {how}")
        else:
            lines.append(f"{r.cell}{copies}: {what}: mean {r.value:.2f} (in [{r.low:.2f}, {r.high:.2f}], n = {r.n}) "
                         f"from sums n·mean: {how}")
    lines += [f"warning: {ident}: a published cell that the complete tables show to be empty; not audited"
              for ident in result.inconsistent]
    return "\n".join(lines)


def secondary_suppression(cells: Sequence[Mapping], structure: Mapping | Sequence[Mapping] | None = None,
                          mean_tolerance: float = DEFAULT_MEAN_TOLERANCE, max_rounds: int = 100_000) -> set[str]:
    """Ids of further cells to hide so that :func:`audit` finds nothing recoverable.

    Parameters
    ----------
    cells : list of dict
        Every cell the publication would show, in the sidecar cell schema, with the true ``n`` and
        ``mean`` filled in for shown cells and ``hidden`` marking primary suppression. Give every cell
        a ``"source"`` (e.g. the report it belongs to) so that tables are read per report, as the
        audit of the sidecars reads them; without one, cells are grouped by the attribute that
        partitions the publication (normally the region), which suits one report per region.
    structure : dict or list of dict, optional
        Public knowledge, as a sidecar's ``"structure"`` (nesting, domains, open attributes), or the
        structures of every report (merged). Give the same as the sidecars will carry, or the audit
        of the sidecars may find more than was suppressed for.
    mean_tolerance : float
        As for :func:`audit`.

    Returns
    -------
    set of str
        Ids of cells to hide on top of the primary ones, every copy of a group and measure included
        (copies share one fate; a group hidden in one copy is hidden in all).

    Notes
    -----
    Greedy, as is usual for secondary suppression of linked tables when an optimal (integer
    programming) pattern is too costly (Hundepool et al. 2012, ch. 4): while the audit finds a
    recovery, hide the shown cell with the smallest ``n`` among the published cells its derivation
    uses (ties: the smaller id), which loses the least information; then audit again. Within one
    round the recoveries are taken smallest first, and one whose derivation uses a cell hidden
    earlier in the round is left for the next audit (hiding a cell breaks only derivations that use
    it, so this is the sequential greedy, batched); only the measures whose cells changed are
    audited again. Each round hides at least one cell, so the loop ends; the result passes
    :func:`audit` of the same cells with the same structure (and the same reports as scopes).
    Complementary suppression by :func:`monitor.survey.scoring.suppress_small_groups` is not assumed: the
    audit is the arbiter. The pattern is not minimal: a hidden cell is not shown again.

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley. Chapter 4.
    """
    st = _Structure()
    for i, part in enumerate([structure] if isinstance(structure, Mapping) else structure or []):
        st.merge(part, f"structure {i + 1}")
    read = _cells_of(cells, st)
    if not read:
        return set()
    with _one_blas_thread():
        return _suppress(_Publication(read, st), mean_tolerance, max_rounds)


def _suppress(pub: _Publication, mean_tolerance: float, max_rounds: int) -> set[str]:
    shown = pub.key_any_shown & ~pub.key_any_hidden
    extra = {c.id for k in np.flatnonzero(pub.key_any_shown & pub.key_any_hidden) for i in pub.key_cells[k]
             for c in [pub.cells[i]] if not c.hidden}
    pending = list(pub.models)
    found: dict = {}
    for _ in range(max_rounds):
        found.update(pub.analyse(shown, mean_tolerance, pending))
        if not any(found.values()):
            break
        pending = []
        for m, records in found.items():
            if not records:
                continue
            model, keys = pub.models[m]
            hidden_now: set[int] = set()
            size = np.nan_to_num(pub.key_n[keys], nan=np.inf)
            for _rec, used in sorted(records, key=lambda ru: min((size[j] for j in ru[1]), default=np.inf)):
                if used & hidden_now:
                    continue  # this round already broke the derivation; audit again
                candidates = [j for j in used if shown[keys[j]]]
                if not candidates:
                    continue
                j = min(candidates, key=lambda j: (size[j], pub._first_id(keys[j], True)))
                shown[keys[j]] = False
                extra.update(pub.cells[i].id for i in pub.key_cells[keys[j]])
                hidden_now.add(j)
            hid = bool(hidden_now)
            if hid:
                pending.append(m)
        if not pending:
            break  # nothing left that hiding could fix (should not happen)
    return extra

