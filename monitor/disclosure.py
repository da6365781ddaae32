"""Statistical disclosure control across everything a wave publishes.

Each group table suppresses its small groups on its own (:func:`monitor.scoring.suppress_small_groups`),
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
from scipy import linalg, sparse
from scipy.optimize import linprog
from threadpoolctl import ThreadpoolController

__all__ = ["SCHEMA", "Recovery", "AuditResult", "audit", "audit_folder", "format_findings",
           "secondary_suppression", "benchmark_publication"]

SCHEMA = "samenwerkingsmonitor.sidecar/1"
DEFAULT_MEAN_TOLERANCE = 0.5
_SCHEMA_FAMILY = SCHEMA.rsplit("/", 1)[0] + "/"
_OTHER = "\x00other"  # the value of an open attribute that stands for every value never named
_TOL = 1e-7


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


# -- the model of one measure -------------------------------------------------------------------
class _Model:
    """Atoms (finest groups) of one measure, the cells over them, and the linear algebra.

    ``keys`` are the distinct groups of the measure; row ``k`` of ``ind`` is the 0/1 indicator
    of key ``k`` over the atoms.
    """

    def __init__(self, groups: list[dict[str, str]], tables: list[tuple[dict, frozenset]], zero: np.ndarray,
                 domain: dict[str, list[str]], open_attrs: set[str], nesting: dict, block_attr: str | None):
        self.groups = groups
        attrs = sorted({a for g in groups for a in g})
        self.attrs = attrs
        if block_attr not in attrs:
            block_attr = _partition_attribute(groups, open_attrs)
        self.block_attr = block_attr
        nested = [a for a in attrs if a in nesting and a != block_attr]
        rest = sorted((a for a in attrs if a != block_attr and a not in nested), key=lambda a: (len(domain[a]), a))
        order = ([block_attr] if block_attr else []) + rest + nested
        self._enumerate(order, domain, open_attrs, nesting, tables, zero)

    # atoms ------------------------------------------------------------------------------------
    def _enumerate(self, order, domain, open_attrs, nesting, tables, zero):
        groups = self.groups
        n_keys = len(groups)
        free = {a: frozenset(i for i, g in enumerate(groups) if a not in g) for a in order}
        by_val: dict[str, dict[str, frozenset]] = {}
        for a in order:
            acc = defaultdict(set)
            for i, g in enumerate(groups):
                if a in g:
                    acc[g[a]].add(i)
            by_val[a] = {v: frozenset(s) for v, s in acc.items()}
        by_set = defaultdict(set)
        for i, g in enumerate(groups):
            by_set[frozenset(g)].add(i)
        by_set = {s: frozenset(v) for s, v in by_set.items()}
        zero_keys = frozenset(np.flatnonzero(zero).tolist())
        block = self.block_attr
        tab_by_block = defaultdict(list)
        for context, attrset in tables:
            if attrset not in by_set:
                continue
            tab_by_block[context.get(block) if block in context else None].append((tuple(context.items()), attrset))
        values = {}
        for a in order:
            vals = sorted(domain.get(a, ()))
            if a in open_attrs:
                vals.append(_OTHER)
            values[a] = vals
        implied = {a: {v: {k: w for k, w in nesting[a].get(v, {}).items() if k in free and k != a}
                       for v in values[a]} for a in order if a in nesting}
        # values of a nested attribute by the block value they imply (a municipality lies in one region)
        by_block = {}
        for a, imp in implied.items():
            index = defaultdict(list)
            for v in values[a]:
                index[imp[v].get(block) if block else None].append(v)
            by_block[a] = index
        empty = frozenset()
        leaves: dict[tuple, int] = {}
        members: list[frozenset] = []
        blocks: list = []

        def is_zero(asg, relevant):
            cands = tab_by_block.get(None, [])
            if block in asg:
                cands = cands + tab_by_block.get(asg[block], [])
            for context, attrset in cands:
                if all(asg.get(a) == v for a, v in context) and relevant.isdisjoint(by_set[attrset]):
                    return True
            return False

        def visit(asg, relevant):
            if is_zero(asg, relevant):
                return
            nxt = None
            for a in order:
                if a not in asg and not relevant <= free[a]:
                    nxt = a
                    break
            if nxt is None:
                if relevant and relevant.isdisjoint(zero_keys):
                    sig = (asg.get(block), relevant)
                    if sig not in leaves:
                        leaves[sig] = len(members)
                        members.append(relevant)
                        blocks.append(asg.get(block))
                return
            base = relevant & free[nxt]
            vals = by_val[nxt]
            imp = implied.get(nxt)
            if imp is None:
                for v in values[nxt]:
                    new = dict(asg)
                    new[nxt] = v
                    visit(new, base | (relevant & vals.get(v, empty)))
                return
            index = by_block[nxt]
            choices = (index.get(None, []) + index.get(asg[block], []) if block in asg
                       else [v for vs in index.values() for v in vs])
            for v in choices:
                if any(asg.get(k, w) != w for k, w in imp[v].items()):
                    continue
                new = dict(asg)
                new[nxt] = v
                child = base | (relevant & vals.get(v, empty))
                for k, w in imp[v].items():
                    if k not in asg:
                        new[k] = w
                        child = (child & free[k]) | (child & by_val[k].get(w, empty))
                visit(new, child)

        visit({}, frozenset(range(n_keys)))
        rows = np.fromiter((k for m in members for k in m), dtype=np.int64, count=sum(len(m) for m in members))
        cols = np.repeat(np.arange(len(members)), [len(m) for m in members])
        self.n_atoms = len(members)
        self.ind = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_keys, len(members)))
        block_ids = {b: i for i, b in enumerate(sorted(set(blocks), key=lambda b: (b is None, str(b))))}
        self.block_names = list(block_ids)
        self.atom_block = np.array([block_ids[b] for b in blocks], dtype=np.int64)
        self.block_atoms = [np.flatnonzero(self.atom_block == i) for i in range(len(block_ids))]
        # the blocks each key touches: one (local key) or several (global key)
        touched = [set() for _ in range(n_keys)]
        csr = self.ind
        for k in range(n_keys):
            touched[k] = set(self.atom_block[csr.indices[csr.indptr[k]:csr.indptr[k + 1]]].tolist())
        self.key_block = np.array([next(iter(t)) if len(t) == 1 else (-1 if t else -2) for t in touched])
        self.block_keys = []
        self.block_dense = []
        csc = self.ind.tocsc()
        for atoms in self.block_atoms:
            sub = csc[:, atoms].tocsr()
            keys = np.flatnonzero(np.diff(sub.indptr))
            self.block_keys.append(keys)
            self.block_dense.append(sub[keys].toarray().astype(np.float64))
        self._row_cache: dict = {}
        self._route_cache: dict = {}

    # linear algebra -----------------------------------------------------------------------------
    def _rows_of(self, b: int, keys: np.ndarray) -> np.ndarray:
        pos = np.searchsorted(self.block_keys[b], keys)
        return self.block_dense[b][pos]

    def _rowspace(self, b: int, local_rows: np.ndarray) -> np.ndarray:
        """Orthonormal basis (atoms × rank) of the row space of block ``b``'s own published rows."""
        key = (b, local_rows.tobytes())
        hit = self._row_cache.get(key)
        if hit is None:
            if len(local_rows) == 0:
                hit = np.zeros((len(self.block_atoms[b]), 0))
            else:  # rank-revealing QR (column pivoting) of the rows' transpose
                q, r, _ = linalg.qr(self._rows_of(b, local_rows).T, mode="economic", pivoting=True)
                diag = np.abs(np.diag(r))
                tol = 100 * max(r.shape) * np.finfo(float).eps * (diag[0] if len(diag) else 0.0)
                hit = q[:, :int(np.sum(diag > tol))].copy()
            if len(self._row_cache) > 4 * len(self.block_atoms) + 64:
                self._row_cache.clear()
            self._row_cache[key] = hit
        return hit

    def determined(self, rows: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Which target keys lie in the row space of the ``rows`` keys (boolean masks over keys).

        Returns ``(determined, local)``: ``local`` marks targets determined by rows of their own
        block alone. With ``Q_b`` an orthonormal basis of block ``b``'s own rows and
        ``P_b = I - Q_b Q_bᵀ``, a target ``h`` of block ``b`` is determined iff ``P_b h = 0``, or
        ``P_b h = P_b G_bᵀ μ`` for some ``μ`` whose ``P_s G_sᵀ μ`` vanish in every other block ``s``
        (``G``: the rows spanning blocks); a target spanning blocks iff ``P_s h_s = P_s G_sᵀ μ`` for
        all ``s`` at once. (``P_b G_bᵀ`` is ``M_bᵀ`` of the notes in atom coordinates.)
        """
        n_keys = len(self.groups)
        det = np.zeros(n_keys, dtype=bool)
        local = np.zeros(n_keys, dtype=bool)
        kb = self.key_block
        rows = rows & (kb != -2)
        targets = np.flatnonzero(targets & (kb != -2))
        if len(targets) == 0:
            return det, local
        glob_rows = np.flatnonzero(rows & (kb == -1))
        glob_targets = targets[kb[targets] == -1]
        n_blocks = len(self.block_atoms)
        need_all = len(glob_rows) > 0 or len(glob_targets) > 0
        wanted = range(n_blocks) if need_all else sorted(set(kb[targets].tolist()))
        g = len(glob_rows)
        q, pg, basis = {}, {}, {}
        gram = np.zeros((g, g))

        def project(b, x):  # P_b x for x of shape (atoms_b, k)
            return x - q[b] @ (q[b].T @ x)

        for b in wanted:
            q[b] = self._rowspace(b, np.flatnonzero(rows & (kb == b)))
            if g:
                inside = np.isin(glob_rows, self.block_keys[b])
                gm = np.zeros((g, len(self.block_atoms[b])))
                gm[inside] = self._rows_of(b, glob_rows[inside])
                pg[b] = project(b, gm.T)
                _, sv, vt = np.linalg.svd(pg[b], full_matrices=False)
                basis[b] = vt[sv > 1e-9 * max(1.0, sv[0] if len(sv) else 0.0)].T
                gram += basis[b] @ basis[b].T
        for b in wanted:
            mine = targets[kb[targets] == b]
            if len(mine) == 0:
                continue
            h = self._rows_of(b, mine)
            r = project(b, h.T)
            norms = np.linalg.norm(h, axis=1)
            ok = np.linalg.norm(r, axis=0) <= _TOL * np.maximum(1.0, norms)
            det[mine[ok]] = True
            local[mine[ok]] = True
            if g and not ok.all():
                other = gram - basis[b] @ basis[b].T
                w, v = np.linalg.eigh((other + other.T) / 2)
                comp = v[:, w <= 1e-9 * max(1.0, float(w.max(initial=0.0)))]
                reach = _orth(pg[b] @ comp) if comp.shape[1] else np.zeros((r.shape[0], 0))
                rest = r[:, ~ok]
                res2 = np.linalg.norm(rest - reach @ (reach.T @ rest), axis=0)
                ok2 = res2 <= _TOL * np.maximum(1.0, norms[~ok])
                det[mine[~ok][ok2]] = True
        if len(glob_targets):
            parts = []
            for b in range(n_blocks):
                touching = np.isin(glob_targets, self.block_keys[b])
                hb = np.zeros((len(glob_targets), len(self.block_atoms[b])))
                hb[touching] = self._rows_of(b, glob_targets[touching])
                parts.append(project(b, hb.T))
            u = np.vstack(parts)
            norms = np.sqrt(np.asarray(self.ind[glob_targets].sum(axis=1)).ravel())
            if g:
                stack = np.vstack([pg[b] for b in range(n_blocks)])
                mu, *_ = np.linalg.lstsq(stack, u, rcond=None)
                res = np.linalg.norm(u - stack @ mu, axis=0)
            else:
                res = np.linalg.norm(u, axis=0)
            det[glob_targets[res <= _TOL * np.maximum(1.0, norms)]] = True
        return det, local

    def routes(self, rows: np.ndarray, targets: np.ndarray, weights: np.ndarray, local: np.ndarray
               ) -> dict[int, dict[int, float]]:
        """Per target key, coefficients ``c`` over row keys with ``Σ c_k · row_k = target``,
        minimising ``Σ w_k |c_k|``: over the target's own block when ``local``, else over all rows.
        All targets go into one linear programme (independent problems side by side)."""
        groups = defaultdict(list)
        for t in targets.tolist():
            groups[int(self.key_block[t]) if local[t] else -1].append(t)
        valid = np.flatnonzero(rows & (self.key_block != -2))
        out, problems = {}, []
        for b, ts in groups.items():
            cand = valid if b == -1 else valid[self.key_block[valid] == b]
            w = weights[cand]
            cache = self._route_cache.setdefault((b, cand.tobytes(), w.tobytes()), {}) if b >= 0 else {}
            todo = [t for t in ts if t not in cache]
            if todo:
                if b >= 0:
                    dense = self._rows_of(b, cand)
                    h = self._rows_of(b, np.array(todo))
                    cols = np.flatnonzero(dense.any(axis=0) | h.any(axis=0))
                    a_eq, rhs = dense[:, cols].T, h[:, cols]
                    one = sparse.csc_matrix(np.hstack([a_eq, -a_eq]))
                else:
                    sub = self.ind[cand]
                    cols = np.unique(np.concatenate([sub.indices] + [self.ind[t].indices for t in todo]))
                    a_eq = sub[:, cols].T.tocsc()
                    rhs = self.ind[todo][:, cols].toarray()
                    one = sparse.hstack([a_eq, -a_eq]).tocsc()
                for i, t in enumerate(todo):
                    problems.append((t, cand, w, a_eq, one, rhs[i], cache))
            out.update((t, cache[t]) for t in ts if t in cache)
        if problems:
            res = linprog(np.concatenate([np.concatenate([w, w]) for _, _, w, *_ in problems]),
                          A_eq=sparse.block_diag([p[4] for p in problems], format="csc"),
                          b_eq=np.concatenate([p[5] for p in problems]), bounds=(0, None), method="highs")
            start = 0
            for t, cand, _w, a_eq, _one, rhs, cache in problems:
                k = len(cand)
                if res.status == 0:
                    x = res.x[start:start + 2 * k]
                    lam = x[:k] - x[k:]
                else:  # pragma: no cover - numerical trouble only
                    lam = np.linalg.lstsq(a_eq.toarray() if sparse.issparse(a_eq) else a_eq, rhs, rcond=None)[0]
                start += 2 * k
                rounded = np.round(lam)
                if np.abs(a_eq @ rounded - rhs).max(initial=0.0) < 1e-9:
                    lam = rounded
                keep = np.abs(lam) > 1e-9
                cache[t] = out[t] = dict(zip(cand[keep].tolist(), lam[keep].tolist(), strict=True))
        if len(self._route_cache) > 8 * len(self.block_atoms) + 64:
            self._route_cache.clear()
        return out


_CONTROLLER = None


def _one_blas_thread():
    """Single-threaded BLAS for the many small matrices here (threads only contend)."""
    global _CONTROLLER
    if _CONTROLLER is None:
        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER.limit(limits=1, user_api="blas")


def _partition_attribute(groups: Sequence[Mapping], open_attrs: set[str]) -> str | None:
    """The attribute that splits the groups into the smallest blocks (normally the region).

    Cost of a choice: ``Σ_v k_v²`` over its values (``k_v`` groups naming value ``v``) plus
    ``k_0 · K`` for the ``k_0`` groups that do not name it (they couple every block); ``K`` groups.
    """
    total = len(groups)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for g in groups:
        for a, v in g.items():
            counts[a][v] += 1
    best, best_cost = None, float(total) * total
    for a in sorted(counts):
        per = counts[a]
        if len(per) + (a in open_attrs) < 2:
            continue
        named = sum(per.values())
        cost = sum(k * k for k in per.values()) + (total - named) * total
        if cost < best_cost:
            best, best_cost = a, cost
    return best


def _orth(m: np.ndarray) -> np.ndarray:
    if m.size == 0:
        return np.zeros((m.shape[0], 0))
    u, s, _ = np.linalg.svd(m, full_matrices=False)
    tol = max(m.shape) * np.finfo(float).eps * (s[0] if len(s) else 0.0) * 10
    return u[:, s > max(tol, 1e-10)]


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
    Complementary suppression by :func:`monitor.scoring.suppress_small_groups` is not assumed: the
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


# -- a synthetic national publication, for timing ------------------------------------------------
def benchmark_publication(regions: int = 42, waves: int = 5, measures: int = 8, respondents: int = 480,
                          functions: int = 10, items: int = 24, seed: int = 0, min_group_size: int = 5
                          ) -> list[dict]:
    """A synthetic national publication: one sidecar per region, primary suppression only.

    Every region report has, per scale (``measures``): its mean this wave, the all-regions
    benchmark, a trend over ``waves``, and means by organisation type, function, function × type,
    organisation and organisation × function (``n`` published with each); head counts by function
    × type with margins and per wave; and ``items`` item counts. Organisations nest in type and
    region (``structure.nesting``). Groups with ``0 < n < min_group_size`` are hidden. Shown cells
    carry their true figures, so the cells can go to :func:`secondary_suppression` as they are (see
    :func:`_benchmark`).
    """
    rng = np.random.default_rng(seed)
    types = ["gemeente", "zorgaanbieder", "anders"]
    funcs = [f"functie_{i:02d}" for i in range(functions)]
    fprob = rng.dirichlet(np.full(functions, 1.5))
    scales = ["trust_index"] + [f"theme_{i}" for i in range(1, measures)]
    item_ids = [f"item_{i:02d}" for i in range(items)]
    last = 2026
    wave_list = list(range(last - waves + 1, last + 1))
    people = []
    for r in range(regions):
        name = f"Regio {r + 1:02d}"
        orgs = {"gemeente": [f"Gemeente {r + 1:02d}-{j}" for j in range(rng.integers(5, 12))],
                "zorgaanbieder": [f"Zorg {r + 1:02d}-{j}" for j in range(rng.integers(12, 25))],
                "anders": [f"Anders {r + 1:02d}-{j}" for j in range(rng.integers(2, 6))]}
        size = max(3, int(rng.poisson(respondents * rng.uniform(0.3, 1.7))))
        t = rng.choice(3, size, p=[0.45, 0.45, 0.10])
        level = rng.normal(3.4, 0.3)
        for i in range(size):
            typ = types[t[i]]
            pool = orgs[typ]
            org = pool[min(int(rng.zipf(1.6)) - 1, len(pool) - 1)]
            scores = {m: (float(np.clip(rng.normal(level, 0.7), 1, 5)) if rng.random() < 0.93 else None)
                      for m in scales}
            answered = {it: rng.random() < 0.9 for it in item_ids}
            people.append((name, typ, funcs[rng.choice(functions, p=fprob)], org, scores, answered))
    by_region = defaultdict(list)
    for p in people:
        by_region[p[0]].append(p)

    def cell(ident, group, measure, rows, with_mean=True):
        if measure is None:
            n = len(rows)
            mean = None
        elif measure in scales:
            vals = [p[4][measure] for p in rows if p[4][measure] is not None]
            n, mean = len(vals), (float(np.mean(vals)) if vals else None)
        else:
            n, mean = sum(p[5][measure] for p in rows), None
        if n == 0:
            return None
        hidden = n < min_group_size
        return {"id": ident, "group": group, "measure": measure, "n": None if hidden else n,
                "mean": None if hidden or not with_mean or mean is None else round(mean, 2), "decimals": 2,
                "hidden": hidden, **({"n_range": [1, min_group_size - 1]} if hidden else {})}

    national = {}
    for m in scales:
        vals = [p[4][m] for p in people if p[4][m] is not None]
        national[m] = (len(vals), round(float(np.mean(vals)), 2))
    sidecars = []
    for name, rows in by_region.items():
        base = {"wave": last, "region": name}
        slug = name.lower().replace(" ", "-")
        cells = []

        def add(c, into=cells):
            if c is not None:
                into.append(c)

        def split(attr_rows, keyfn):
            acc = defaultdict(list)
            for p in attr_rows:
                acc[keyfn(p)].append(p)
            return acc

        for f, part in split(rows, lambda p: p[2]).items():
            for t, cellrows in split(part, lambda p: p[1]).items():
                add(cell(f"{slug}/respondents/{f}/{t}", {**base, "function": f, "organisation_type": t}, None,
                         cellrows))
            add(cell(f"{slug}/respondents/{f}", {**base, "function": f}, None, part))
        for t, part in split(rows, lambda p: p[1]).items():
            add(cell(f"{slug}/respondents/{t}", {**base, "organisation_type": t}, None, part))
        add(cell(f"{slug}/respondents", dict(base), None, rows))
        for w in wave_list[:-1]:
            n = int(len(rows) * rng.uniform(0.7, 1.2))
            cells.append({"id": f"{slug}/per_wave/{w}", "group": {"wave": w, "region": name}, "measure": None,
                          "n": n if n >= min_group_size else None, "mean": None, "hidden": n < min_group_size})
        for m in scales:
            add(cell(f"{slug}/summary/{m}", dict(base), m, rows))
            n_b, mean_b = national[m]
            cells.append({"id": f"{slug}/benchmark/{m}", "group": {"wave": last}, "measure": m, "n": n_b,
                          "mean": mean_b, "decimals": 2, "hidden": False})
            for w in wave_list[:-1]:
                n = int(len(rows) * rng.uniform(0.6, 1.1))
                small = n < min_group_size
                cells.append({"id": f"{slug}/trend/{m}/{w}", "group": {"wave": w, "region": name}, "measure": m,
                              "n": None if small else n, "mean": None if small else round(float(rng.normal(3.4, 0.2)), 2),
                              "decimals": 2, "hidden": small})
            for t, part in split(rows, lambda p: p[1]).items():
                add(cell(f"{slug}/gap/{m}/{t}", {**base, "organisation_type": t}, m, part))
            for f, part in split(rows, lambda p: p[2]).items():
                add(cell(f"{slug}/functions/{m}/{f}", {**base, "function": f}, m, part))
                for t, sub in split(part, lambda p: p[1]).items():
                    add(cell(f"{slug}/function_type/{m}/{f}/{t}", {**base, "function": f, "organisation_type": t},
                             m, sub))
            for o, part in split(rows, lambda p: p[3]).items():
                add(cell(f"{slug}/organisations/{m}/{o}", {**base, "organisation": o}, m, part))
                for f, sub in split(part, lambda p: p[2]).items():
                    add(cell(f"{slug}/within/{m}/{o}/{f}", {**base, "organisation": o, "function": f}, m, sub))
        for it in item_ids:
            add(cell(f"{slug}/items/{it}", dict(base), it, rows))
        nesting = {"organisation": {o: {"organisation_type": t, "region": name}
                                    for (_, t, _, o, _, _) in rows}}
        sidecars.append({"schema": SCHEMA, "kind": "region", "region": name, "cells": cells,
                         "structure": {"nesting": nesting}})
    return sidecars


def _benchmark(regions: int = 42, seed: int = 0) -> dict:
    """Time :func:`audit` and :func:`secondary_suppression` on :func:`benchmark_publication`.

    ``python -m monitor.disclosure [REGIONS]`` prints the result as JSON: the audit of the
    publication with primary suppression only (which finds many recoverable cells), secondary
    suppression over every cell (each report its own ``source``), and the audit of the result.
    """
    start = time.perf_counter()
    sidecars = benchmark_publication(regions=regions, seed=seed)
    built = time.perf_counter() - start
    first = audit(sidecars)
    flat = [{**c, "source": i} for i, s in enumerate(sidecars) for c in s["cells"]]
    structure = {"nesting": {"organisation": {k: v for s in sidecars
                                              for k, v in s["structure"]["nesting"]["organisation"].items()}}}
    start = time.perf_counter()
    extra = secondary_suppression(flat, structure=structure)
    suppress_seconds = time.perf_counter() - start
    for s in sidecars:
        for c in s["cells"]:
            if c["id"] in extra:
                c.update(hidden=True, n=None, mean=None)
    second = audit(sidecars)
    return {"regions": regions, "cells": first.cells_checked, "hidden_primary": first.hidden_cells,
            "build_seconds": round(built, 2), "audit_primary_only_seconds": round(first.seconds, 2),
            "recoverable_cells_before": len(first.recoverable_cells),
            "secondary_suppression_seconds": round(suppress_seconds, 2), "extra_hidden": len(extra),
            "audit_seconds": round(second.seconds, 2), "ok_after": second.ok}


if __name__ == "__main__":  # pragma: no cover
    import sys

    print(json.dumps(_benchmark(int(sys.argv[1]) if len(sys.argv) > 1 else 42), indent=1))
