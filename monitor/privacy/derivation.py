"""The linear algebra of one measure of a publication: what an intruder can derive.

The atoms (finest groups) of one measure, the published cells over them as 0/1 indicator rows,
and the tests :class:`monitor.privacy.publication.Publication` runs on them (:class:`MeasureModel`): whether
a hidden cell's count or sum lies in the row space of the published ones, and the sparsest derivation by
linear programming. :func:`partition_attribute` picks the attribute that splits a publication into blocks;
:func:`one_blas_thread` keeps BLAS to one thread while these small matrices are worked on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

import numpy as np
from scipy import linalg, sparse
from scipy.optimize import linprog
from threadpoolctl import ThreadpoolController

__all__ = ["MeasureModel", "partition_attribute", "one_blas_thread"]

_TOL = 1e-7
_OTHER = "\x00other"  # the value of an open attribute that stands for every value never named


# -- the model of one measure -------------------------------------------------------------------
class MeasureModel:
    """Atoms (finest groups) of one measure, the cells over them, and the linear algebra.

    ``keys`` are the distinct groups of the measure; row ``k`` of ``ind`` is the 0/1 indicator
    of key ``k`` over the atoms.

    Parameters
    ----------
    groups : list of dict
        The measure's distinct groups (attribute -> value), one per key.
    tables : list of (dict, frozenset)
        The complete tables read from the publication: each table's constant context and its set of
        attributes; a combination a table does not list is empty.
    zero : array of bool
        Keys published with ``n`` 0 (empty groups).
    domain : dict
        Every value of each attribute (named anywhere, or listed as its domain).
    open_attrs : set of str
        Attributes whose list of values is not public (one more value stands for all values never named).
    nesting : dict
        Values that imply values of other attributes (a municipality lies in one region).
    block_attr : str or None
        The attribute that partitions the publication (:func:`partition_attribute`); chosen anew when
        the measure does not use it.
    """

    def __init__(self, groups: list[dict[str, str]], tables: list[tuple[dict, frozenset]], zero: np.ndarray,
                 domain: dict[str, list[str]], open_attrs: set[str], nesting: dict, block_attr: str | None):
        self.groups = groups
        attrs = sorted({a for g in groups for a in g})
        self.attrs = attrs
        if block_attr not in attrs:
            block_attr = partition_attribute(groups, open_attrs)
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
            tab_by_block[context.get(block) if block in context else None].append((tuple(context.items()),
                                                                                  by_set[attrset]))
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
            for context, keys in cands:
                # the set test first: it is cheaper and rules out most tables
                if relevant.isdisjoint(keys) and all(asg.get(a) == v for a, v in context):
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
        # per block: the keys with an atom in it and their dense 0/1 rows over its atoms, straight
        # from the (key, atom) pairs (slicing the sparse matrix per block costs far more)
        self.block_keys = []
        self.block_dense = []
        entry_block = self.atom_block[cols]
        order = np.argsort(entry_block, kind="stable")
        bounds = np.searchsorted(entry_block[order], np.arange(len(self.block_atoms) + 1))
        for b, atoms in enumerate(self.block_atoms):
            entries = order[bounds[b]:bounds[b + 1]]
            keys = np.unique(rows[entries])
            dense = np.zeros((len(keys), len(atoms)), dtype=np.float64)
            dense[np.searchsorted(keys, rows[entries]), np.searchsorted(atoms, cols[entries])] = 1.0
            self.block_keys.append(keys)
            self.block_dense.append(dense)
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


def one_blas_thread():
    """A context manager that keeps BLAS to one thread: for the many small matrices here, threads only contend."""
    global _CONTROLLER
    if _CONTROLLER is None:
        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER.limit(limits=1, user_api="blas")


def partition_attribute(groups: Sequence[Mapping], open_attrs: set[str]) -> str | None:
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
