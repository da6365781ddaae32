"""The warning classes of the statistics wing, at its bottom so every module can raise them.

:class:`PsychometricWarning` is the project's class for a result that needs a caveat; the
notebooks collect it and print it beside the table it qualifies. :class:`CFAWarning` is the
kind the SEM engine (:mod:`monitor.stats.sem.cfa`) raises. Both are also importable from the
modules that raise them (``monitor.stats.factor``, ``monitor.stats.sem.cfa``).
"""

from __future__ import annotations

__all__ = ["PsychometricWarning", "CFAWarning"]


class PsychometricWarning(UserWarning):
    """A statistical result that needs a caveat: a dropped item, a smoothed matrix, a Heywood
    case, no convergence, rows lost or few cases per parameter."""


class CFAWarning(PsychometricWarning):
    """Something in a CFA/SEM fit deserves the user's attention (Heywood case, non-convergence,
    a saturated model, ...)."""
