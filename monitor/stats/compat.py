"""Deliberate work-arounds for known breakage in today's libraries.

factor_analyzer 0.5.1 calls ``sklearn.utils.check_array(..., force_all_finite=...)``;
scikit-learn 1.8 removed that keyword (renamed ``ensure_all_finite`` in 1.6), so every
``FactorAnalyzer.fit`` raises ``TypeError`` on current scikit-learn. Rather than pinning
scikit-learn below 1.8 (which would hold back the whole environment), :func:`factor_analyzer`
returns the package with its module-level ``check_array`` replaced by a wrapper that
translates the keyword. The shim is applied only when scikit-learn lacks the old keyword, and
``tests/test_compat.py`` shows both that it is needed and that it works.
"""

from __future__ import annotations

import functools
import inspect
from types import ModuleType

__all__ = ["factor_analyzer", "sklearn_accepts_force_all_finite"]


def sklearn_accepts_force_all_finite() -> bool:
    """Whether the installed scikit-learn still takes ``check_array(force_all_finite=...)``."""
    from sklearn.utils import check_array  # here, not on top: scikit-learn takes ~0.15 s to import

    return "force_all_finite" in inspect.signature(check_array).parameters


def _translating(check_array):
    @functools.wraps(check_array)
    def check_array_compat(*args, force_all_finite=None, **kwargs):
        if force_all_finite is not None:
            kwargs.setdefault("ensure_all_finite", force_all_finite)
        return check_array(*args, **kwargs)

    check_array_compat.__monitor_shim__ = True
    return check_array_compat


@functools.cache
def factor_analyzer() -> ModuleType:
    """Import factor_analyzer, patched for scikit-learn >= 1.8 when needed."""
    # Imported on first use, not on top: factor_analyzer loads scikit-learn (~0.15 s), which only
    # a rotated EFA needs.
    import factor_analyzer as package
    import factor_analyzer.confirmatory_factor_analyzer as cfa_module
    import factor_analyzer.factor_analyzer as efa_module

    if not sklearn_accepts_force_all_finite():
        for module in (efa_module, cfa_module):
            if not getattr(module.check_array, "__monitor_shim__", False):
                module.check_array = _translating(module.check_array)
    return package
