"""One BLAS thread for the statistics that work on small matrices.

EFA, omega, parallel analysis, KMO, Bartlett, polychoric correlations and the SEM engine multiply
and invert p × p matrices (p in the tens). A multithreaded BLAS gains little there, and when
another process holds a core each product waits for a descheduled thread: with one of two cores
busy, parallel analysis on 20,000 × 48 went from 0.44 s to 1.2 s (issue 22). With one thread a
busy machine slows a computation by at most the share of CPU it loses.

:func:`one_blas_thread` is both a context manager and a decorator. Nested uses cost nothing
(the limit is set once, by the outermost), so a public function may carry it even when another
limited function calls it in a loop.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from threadpoolctl import threadpool_limits

__all__ = ["one_blas_thread"]

# Whether this thread of execution is already inside a limit (threadpoolctl's limit is
# process-wide; this only spares the nested calls its library scan).
_LIMITED: ContextVar[bool] = ContextVar("one_blas_thread", default=False)


@contextmanager
def one_blas_thread():
    """Run the block (or the decorated function) with BLAS limited to one thread.

    Examples
    --------
    >>> from threadpoolctl import threadpool_info
    >>> with one_blas_thread():
    ...     all(pool["num_threads"] == 1 for pool in threadpool_info() if pool["user_api"] == "blas")
    True
    """
    if _LIMITED.get():
        yield
        return
    token = _LIMITED.set(True)
    try:
        with threadpool_limits(limits=1, user_api="blas"):
            yield
    finally:
        _LIMITED.reset(token)
