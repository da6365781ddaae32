"""What the disclosure audit found, and the lines that tell it.

A :class:`Recovery` is one hidden figure that follows from published ones (with the derivation), an
:class:`AuditResult` everything :func:`monitor.privacy.disclosure.audit` found in a publication, and
:func:`format_findings` writes it as one human-readable line per recovered figure (``monitor audit``, and the
message of a render whose audit failed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["Recovery", "AuditResult", "format_findings"]


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
