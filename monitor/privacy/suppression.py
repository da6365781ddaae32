"""Secondary suppression: further cells to hide until the disclosure audit finds nothing.

Primary suppression hides small groups table by table (:func:`monitor.survey.scoring.suppress_small_groups`);
:func:`secondary_suppression` looks at every cell a wave would publish, as :func:`monitor.privacy.disclosure.audit`
does, and names the cells to hide on top so that no hidden figure follows from the published ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .cells import Structure, read_cells
from .derivation import one_blas_thread
from .publication import DEFAULT_MEAN_TOLERANCE, Publication

__all__ = ["secondary_suppression"]


def secondary_suppression(cells: Sequence[Mapping], structure: Mapping | Sequence[Mapping] | None = None,
                          mean_tolerance: float = DEFAULT_MEAN_TOLERANCE, max_rounds: int = 100_000) -> set[str]:
    """Ids of further cells to hide so that :func:`~monitor.privacy.disclosure.audit` finds nothing recoverable.

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
        As for :func:`~monitor.privacy.disclosure.audit`.

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
    :func:`~monitor.privacy.disclosure.audit` of the same cells with the same structure (and the same reports as scopes).
    Complementary suppression by :func:`monitor.survey.scoring.suppress_small_groups` is not assumed: the
    audit is the arbiter. The pattern is not minimal: a hidden cell is not shown again.

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley. Chapter 4.
    """
    st = Structure()
    for part in [structure] if isinstance(structure, Mapping) else structure or []:
        st.merge(part, "")  # the reports' public facts; a conflict is said without their internal number
    read = read_cells(cells, st)
    if not read:
        return set()
    with one_blas_thread():
        return _suppress(Publication(read, st), mean_tolerance, max_rounds)


def _suppress(pub: Publication, mean_tolerance: float, max_rounds: int) -> set[str]:
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
                j = min(candidates, key=lambda j: (size[j], pub.first_id(keys[j], True)))
                shown[keys[j]] = False
                extra.update(pub.cells[i].id for i in pub.key_cells[keys[j]])
                hidden_now.add(j)
            hid = bool(hidden_now)
            if hid:
                pending.append(m)
        if not pending:
            break  # nothing left that hiding could fix (should not happen)
    return extra
