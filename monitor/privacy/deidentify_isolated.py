"""De-identification in a child process: DEDUCE's lookups live and die with it.

:class:`IsolatedScrubber` starts a spawned child that loads the de-identifier
(:func:`monitor.privacy.deidentify_engine.deidentifier`, some 500 MB) at once and scrubs one list of answers
with :func:`monitor.privacy.deidentify.scrub_texts`; :func:`scrub_texts_isolated` is the one-call form.
``monitor render`` de-identifies this way (:func:`monitor.reports.prepare.prepare`), so that its own memory never
holds the lookups.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterable

from .deidentify import scrub_texts
from .deidentify_engine import deidentifier

__all__ = ["IsolatedScrubber", "scrub_texts_isolated"]


def _scrub_child(conn) -> None:
    """The child of :class:`IsolatedScrubber`: load the de-identifier, scrub one list, answer, end."""
    try:
        deidentifier()
        answers = conn.recv()
        conn.send(("ok", scrub_texts(answers)))
    except (EOFError, KeyboardInterrupt, BrokenPipeError):  # not needed after all, or stopped
        return
    except Exception as exc:  # noqa: BLE001 - handed to the parent, which raises it
        try:
            conn.send(("error", exc))
        except Exception:  # noqa: BLE001 - an exception that does not pickle: its message then
            conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
        return
    # Gone at once: tearing down two million lookup objects one by one takes 0.2 s more, the parent
    # waiting and the memory held meanwhile; the system takes it back whole.
    conn.close()
    sys.stderr.flush()
    os._exit(0)


class IsolatedScrubber:
    """:func:`scrub_texts` in a child process that starts loading the de-identifier at once.

    Loading DEDUCE's lookups takes about three seconds and some 500 MB. ``monitor render``
    starts this child before it reads the data, so the load runs beside the read, the scoring
    and the invariance fits; the lookups live and die with the child (spawned: it starts small
    and shares nothing), and the caller never holds them. One call scrubs one list; the child
    then ends. :meth:`close` (or leaving the ``with`` block) stops a child that was not needed.

    >>> with IsolatedScrubber() as scrub:
    ...     scrub(["Bel Jan de Vries op 06-12345678", "Prima."])
    ['Bel [naam] op [telefoonnummer]', 'Prima.']
    """

    def __init__(self):
        context = multiprocessing.get_context("spawn")
        self._conn, theirs = context.Pipe()
        self._process = context.Process(target=_scrub_child, args=(theirs,), daemon=True, name="monitor-deidentify")
        self._process.start()
        theirs.close()
        self._answered = False

    def __call__(self, answers: Iterable[str]) -> list[str]:
        answers = list(answers)
        try:
            self._conn.send(answers)
            kind, value = self._conn.recv()
            self._answered = True
        except (EOFError, BrokenPipeError, ConnectionResetError):
            self._process.join(5)
            raise RuntimeError("the de-identification process ended before it answered "
                               f"(exit code {self._process.exitcode})") from None
        finally:
            self.close()
        if kind == "error":
            raise value
        return value

    def close(self) -> None:
        """Stop the child (at once if it is still loading or scrubbing) and reap it."""
        self._conn.close()
        if self._answered and self._process.is_alive():
            self._process.join(1.0)  # after its answer it is on its way out
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()

    def __enter__(self) -> IsolatedScrubber:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def scrub_texts_isolated(answers: Iterable[str]) -> list[str]:
    """:func:`scrub_texts` in a short-lived child process (:class:`IsolatedScrubber`): the
    de-identifier's lookups (some 500 MB) live and die with the child. Costs an interpreter
    start and the lookups' load (about three seconds) on top of the scrub.

    >>> scrub_texts_isolated(["Bel Jan de Vries op 06-12345678", "Prima."])
    ['Bel [naam] op [telefoonnummer]', 'Prima.']
    """
    answers = list(answers)
    if not answers:
        return []
    with IsolatedScrubber() as scrub:
        return scrub(answers)
