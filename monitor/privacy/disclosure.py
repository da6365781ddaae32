"""Statistical disclosure control across everything a wave publishes.

Each group table suppresses its small groups on its own (:func:`monitor.survey.scoring.suppress_small_groups`),
but a figure hidden in one table may still follow from figures published in *other* tables, reports or
waves: a type table against the region total, a count table against its margins, a hidden region
against the all-regions total minus the other regions. This module audits the whole publication at
once, as an intruder with every report would; :func:`monitor.privacy.suppression.secondary_suppression` names
further cells to hide when something follows, and :func:`monitor.privacy.findings.format_findings` tells what
:func:`audit` found.

It knows nothing of the survey: it reads *published cells* (the sidecar JSON the report writer emits; schema in
:mod:`monitor.privacy.cells`), pure functions over plain dicts. What an intruder is assumed to know is set out in
:mod:`monitor.privacy.publication`; the linear algebra is :mod:`monitor.privacy.derivation`'s.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from .cells import Cell, Structure, read_sidecars, sidecar_cells
from .derivation import one_blas_thread
from .findings import AuditResult
from .publication import DEFAULT_MEAN_TOLERANCE, Publication

__all__ = ["audit", "audit_folder"]


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
    empty (see :mod:`monitor.privacy.publication`). Only splits that some cell distinguishes are made, and atoms no
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
    >>> from monitor.privacy.cells import SCHEMA
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
    cells, structure = sidecar_cells(sidecars)
    return _audit_cells(cells, structure, mean_tolerance, start)


def _audit_cells(cells: list[Cell], structure: Structure, mean_tolerance: float, start: float) -> AuditResult:
    if not cells:
        return AuditResult(0, 0, seconds=time.perf_counter() - start)
    with one_blas_thread():
        pub = Publication(cells, structure)
        found = pub.analyse(pub.key_any_shown.copy(), mean_tolerance)
    records = [r for m in found for r, _ in found[m]]
    records.sort(key=lambda r: (r.ids[0], r.what != "n"))
    inconsistent = [pub.cells[i].id for k in pub.inconsistent_keys for i in pub.key_cells[k]]
    return AuditResult(len(cells), sum(c.hidden for c in cells), records, sorted(inconsistent),
                       time.perf_counter() - start)


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
