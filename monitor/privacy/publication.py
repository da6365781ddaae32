"""A publication as an intruder reads it: every published cell merged per group and measure, and what follows.

:class:`Publication` merges the cells of a publication (:mod:`monitor.privacy.cells`) into keys (a group and a
measure), reads its tables as the knowledge below says, builds one :class:`~monitor.privacy.derivation.MeasureModel`
per measure and finds every hidden figure that follows from the published ones (:meth:`Publication.analyse`,
:class:`~monitor.privacy.findings.Recovery` records). :func:`monitor.privacy.disclosure.audit` and
:func:`monitor.privacy.suppression.secondary_suppression` run it.

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

from collections import defaultdict
from collections.abc import Iterable

import numpy as np

from .cells import Cell, Structure
from .derivation import MeasureModel, partition_attribute
from .findings import Recovery

__all__ = ["Publication", "DEFAULT_MEAN_TOLERANCE"]

#: A hidden mean counts as recovered when it is pinned down to within this many scale points (and its count is
#: known exactly).
DEFAULT_MEAN_TOLERANCE = 0.5


class Publication:
    """Every cell of a publication, merged into keys (group + measure), with one model per measure."""

    def __init__(self, cells: list[Cell], structure: Structure):
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
        self.partition = partition_attribute(self.key_group, open_attrs)
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
        self.models: dict[str | None, tuple[MeasureModel, np.ndarray]] = {}
        by_measure = defaultdict(list)
        for k, m in enumerate(self.key_measure):
            by_measure[m].append(k)
        for m, keys in by_measure.items():
            keys = np.array(keys)
            zero = (self.key_n[keys] == 0) & self.key_any_shown[keys] & ~self.key_any_hidden[keys]
            model = MeasureModel([self.key_group[k] for k in keys], [(dict(c), s) for c, s in tables[m]], zero,
                           self.domain, open_attrs, structure.nesting, self.partition)
            self.models[m] = (model, keys)
        self.inconsistent_keys = []
        for model, keys in self.models.values():
            bad = (model.key_block == -2) & ~((self.key_n[keys] == 0) & ~self.key_any_hidden[keys])
            self.inconsistent_keys.extend(keys[bad].tolist())

    def first_id(self, k: int, shown: bool) -> str:
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

    def _analyse_measure(self, model: MeasureModel, keys: np.ndarray, shown: np.ndarray, tolerance: float):
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
            used = ((self.first_id(k, True), 1.0),)
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
        used = [(self.first_id(keys[r], True), c) for r, c in coef.items()]
        return sorted(used, key=lambda ic: (ic[1] < 0, ic[0]))

    def _record(self, k, ids, what, value, low, high, count, used) -> Recovery:
        first = self.cells[self.key_cells[k][0]]
        return Recovery(ids, dict(first.shown_group), first.measure, what, float(value), float(low), float(high),
                        int(count), tuple(used))
