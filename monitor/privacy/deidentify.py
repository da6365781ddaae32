"""Keeping respondents unidentifiable: scrubbing open answers of personal details.

Open answers are only ever shown in aggregate (for groups of at least ``min_comment_group_size``), and before
that every personal detail in them is replaced by a plain-text Dutch placeholder such as ``[naam]`` or
``[telefoonnummer]`` (:data:`~monitor.privacy.deidentify_rules.PLACEHOLDERS`). A render calls :func:`scrub_texts`
once for all open answers (in a child process: :mod:`monitor.privacy.deidentify_isolated`); :func:`scrub_text`
scrubs one.

Detection is done by DEDUCE, a rule- and lookup-based de-identification method for Dutch text (Menger et al.
2018), adapted to survey answers in :mod:`monitor.privacy.deidentify_rules` (the method and every change to
DEDUCE are described there) and loaded once per process by :mod:`monitor.privacy.deidentify_engine` (the
one-time lookup build: ``python -m monitor.privacy.deidentify --prepare``).

Bounds and robustness
---------------------
Invisible format characters (zero-width and bidirectional marks, soft hyphens) and control characters are
removed and the text is NFC-normalised first, so that they cannot hide an identifier. Answers longer than
:data:`MAX_CHARS` characters are cut at a word boundary and end in ``" …"``. DEDUCE's context rules take time
cubic in the number of adjacent name-like words (4000 characters of "Jan Jansen Jan Jansen ..." took minutes), so
answers are scrubbed in pieces of at most :data:`CHUNK_CHARS` characters, cut between sentences where possible
(never after a title or an initial). Should DEDUCE fail on an answer, the whole answer becomes
``[antwoord verwijderd]``: no input raises, and none is shown unscrubbed.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import regex

from .deidentify_engine import deidentifier, prepare_deidentifier
from .deidentify_rules import PLACEHOLDERS, placeholder

__all__ = ["MAX_CHARS", "ELLIPSIS", "CHUNK_CHARS", "BATCH_CHARS", "scrub_text", "scrub_texts", "main"]

#: Answers longer than this are truncated (at a word boundary) and marked with " …" before scrubbing.
MAX_CHARS = 4000
#: What ends an answer cut at :data:`MAX_CHARS`.
ELLIPSIS = " …"
#: DEDUCE's context rules take time cubic in the number of adjacent name-like words ("Jan Jansen Jan Jansen ..."
#: of 4000 characters: minutes). Longer answers are therefore scrubbed in pieces of at most this many characters,
#: cut between sentences where possible; no piece takes more than a fraction of a second.
CHUNK_CHARS = 200
#: Distinct answers (or pieces) are scrubbed together in DEDUCE documents of about this many characters, joined by
#: a separator that no DEDUCE rule crosses; this saves DEDUCE's fixed cost per document.
BATCH_CHARS = 3000
# A line with only U+2063 (INVISIBLE SEPARATOR): cleaned answers cannot contain it (format characters are removed),
# it is no word character (so DEDUCE's age rule does not read past it) and newlines stop every DEDUCE pattern.
_SEPARATOR = "\n\u2063\n"
_PENDING: list[str] = []  # the pieces forked workers read (set just before the fork)
_SENTENCE_GAP = regex.compile(r"(?:(?<word>[\p{L}]+)\.|[!?;:)\n])\s+")
_COMMA_GAP = regex.compile(r",\s+")
_LOWER_GAP = regex.compile(r"\s+(?=\p{Ll})")
_ANY_GAP = regex.compile(r"\s+")
_ABBREVIATIONS = {"dhr", "mw", "mevr", "mvr", "hr", "mnr", "dr", "drs", "mr", "prof", "ir", "ing", "ds", "bc", "st",
                  "wethouder", "burgemeester", "mevrouw", "meneer", "heer", "collega", "juf", "zuster", "nr", "tel",
                  "bijv", "ca", "tav", "evt", "mob", "fam", "jhr", "mej", "mgr", "pastoor"}
_FORMAT_CHARS = re.compile(r"[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_LOG = logging.getLogger(__name__)


def _clean(answer: Any) -> str:
    """Coerce to str, drop invisible/control characters, normalise to NFC and bound the length."""
    if not isinstance(answer, str):
        try:
            import pandas as pd  # 0.3 s to import, for answers that are not str only (NaN, pd.NA, None)

            if answer is None or bool(pd.isna(answer)):
                return ""
        except (TypeError, ValueError):
            pass
        answer = str(answer)
    text = _SURROGATES.sub("", answer)
    text = _FORMAT_CHARS.sub("", text)
    text = _CONTROL_CHARS.sub(" ", text)
    text = unicodedata.normalize("NFC", text)
    if len(text) > MAX_CHARS:
        cut = text[:MAX_CHARS]
        space = cut.rfind(" ", MAX_CHARS - 200)
        text = (cut[:space] if space > 0 else cut).rstrip() + ELLIPSIS
    return text


def _cut(window: str) -> int:
    """Where to end a chunk within ``window``: after a sentence, else after a comma, else before a lower-case
    word, else at any space, else at the end. Never right after a title or an initial (``dhr. | Smit``)."""
    for pattern in (_SENTENCE_GAP, _COMMA_GAP, _LOWER_GAP, _ANY_GAP):
        for match in reversed(list(pattern.finditer(window, 1))):
            word = match.groupdict().get("word")
            if word is None or (len(word) > 1 and word.lower() not in _ABBREVIATIONS):
                return match.end()
    return len(window)


def _chunks(text: str) -> list[str]:
    """Split ``text`` into pieces of at most :data:`CHUNK_CHARS` characters that join back to ``text``."""
    out, start = [], 0
    while len(text) - start > CHUNK_CHARS:
        cut = _cut(text[start:start + CHUNK_CHARS])
        out.append(text[start:start + cut])
        start += cut
    out.append(text[start:])
    return out


def _redact(text: str, annotations: list, start: int, end: int) -> str:
    """The piece ``[start, end)`` of a batch document with its annotations replaced by placeholders."""
    parts, last = [], start
    for ann in annotations:
        a, b = max(ann.start_char, start), min(ann.end_char, end)
        if b <= a or a < last:
            continue
        parts += [text[last:a], placeholder(ann.tag)]
        last = b
    parts.append(text[last:end])
    return "".join(parts)


def _scrub_pieces(deid, pieces: list[str]) -> list[str | None]:
    """Scrub pieces (chunks of answers) in batch documents of about :data:`BATCH_CHARS` characters.

    The pieces of a document are joined by :data:`_SEPARATOR`, which no DEDUCE rule crosses (see
    :func:`scrub_texts`). A document that fails is retried piece by piece; a piece that fails gives ``None``.
    """
    out: list[str | None] = [None] * len(pieces)
    batch: list[int] = []

    def flush() -> None:
        if not batch:
            return
        starts, pos = [], 0
        for i in batch:
            starts.append(pos)
            pos += len(pieces[i]) + len(_SEPARATOR)
        text = _SEPARATOR.join(pieces[i] for i in batch)
        try:
            doc = deid.deidentify(text, disabled={"redactor"})
            annotations = sorted(doc.annotations, key=lambda a: (a.start_char, -a.end_char))
        except Exception:  # noqa: BLE001 - isolate the piece that fails
            if len(batch) > 1:
                for i in batch:
                    out[i] = _scrub_pieces(deid, [pieces[i]])[0]
            else:
                _LOG.warning("de-identification failed on an answer; replaced as a whole", exc_info=True)
            batch.clear()
            return
        k = 0
        for i, start in zip(batch, starts, strict=True):
            end = start + len(pieces[i])
            while k < len(annotations) and annotations[k].end_char <= start:
                k += 1
            mine = []
            for ann in annotations[k:]:
                if ann.start_char >= end:
                    break
                mine.append(ann)
            out[i] = _redact(text, mine, start, end)
        batch.clear()

    size = 0
    for i, piece in enumerate(pieces):
        if not piece.strip():
            out[i] = piece
            continue
        if batch and size + len(piece) > BATCH_CHARS:
            flush()
            size = 0
        batch.append(i)
        size += len(piece) + len(_SEPARATOR)
    flush()
    return out


def scrub_text(answer: str) -> str:
    """Replace the personal details in one open answer by Dutch placeholders (DEDUCE, Menger et al. 2018).

    Parameters
    ----------
    answer : str
        The answer. Non-str values are converted with ``str``; missing values (None, NaN) give ``""``.

    Returns
    -------
    str
        Plain text with :data:`~monitor.privacy.deidentify_rules.PLACEHOLDERS`; answers over :data:`MAX_CHARS` characters are cut and end in " …".

    Examples
    --------
    >>> scrub_text("Bel Jan de Vries op 06-12345678 of mail j.devries@voorbeeld.nl.")
    'Bel [naam] op [telefoonnummer] of mail [e-mail].'
    >>> scrub_text("Wethouder Bakker en Zorggroep De Linde spraken over de wachtlijst.")
    '[naam] en Zorggroep De Linde spraken over de wachtlijst.'
    >>> scrub_text("Het regionale overleg verloopt constructief.")
    'Het regionale overleg verloopt constructief.'
    """
    return scrub_texts([answer])[0]


def _scrub_range(bounds: tuple[int, int]) -> list[str | None]:
    """Worker side of :func:`_scrub_parallel`: the inherited DEDUCE instance scrubs its share of the pieces."""
    start, stop = bounds
    return _scrub_pieces(deidentifier(), _PENDING[start:stop])


def _scrub_parallel(deid, pieces: list[str], workers: int) -> list[str | None]:
    """Scrub ``pieces`` in ``workers`` forked processes that share the loaded DEDUCE instance (copy-on-write)."""
    global _PENDING
    parts = workers * 4
    bounds = [(i * len(pieces) // parts, (i + 1) * len(pieces) // parts) for i in range(parts)]
    _PENDING = pieces
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.map(_scrub_range, bounds, chunksize=1)
    except Exception:  # noqa: BLE001 - fall back to this process
        _LOG.warning("parallel de-identification failed; scrubbing in this process", exc_info=True)
        return _scrub_pieces(deid, pieces)
    finally:
        _PENDING = []
    return [piece for result in results for piece in result]


def _usable_workers(workers: int, n_pieces: int) -> int:
    """``workers``, or 1 where forking is impossible, forbidden (a daemon process) or not worth it."""
    if workers <= 1 or n_pieces < 2 * workers or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return 1 if multiprocessing.current_process().daemon else workers


def scrub_texts(answers: Iterable[str], workers: int = 1) -> list[str]:
    """Scrub many open answers at once; equal to ``[scrub_text(a) for a in answers]``, but faster.

    The batch form for a render, which calls it once for all open answers of all regions. DEDUCE (Menger et al.
    2018) has no batch interface of its own, and its cost is mostly per word (tokens, lookups), so:

    * identical answers (after cleaning) are scrubbed once;
    * distinct answers are joined into DEDUCE documents of about :data:`BATCH_CHARS` characters, separated by a
      line holding only U+2063, which no DEDUCE rule crosses (every token pattern stops at a newline token, the
      regular expressions match no newline, and the age rule's look at the neighbouring word stops at U+2063),
      and each answer is redacted from its own annotations; answers over :data:`CHUNK_CHARS` go in pieces;
    * one DEDUCE instance serves the process, and its lookup tries are exempted from garbage collection
      (``gc.freeze``), which halves the time per answer.

    About 0.3 ms of CPU per distinct answer (20,000 distinct answers: 6-7 s; ``python -m benchmarks.deidentify``).

    Parameters
    ----------
    answers : iterable of str
        The answers, e.g. all open answers of all regions of a render.
    workers : int
        Processes to scrub in: with more than 1, that many forked processes share the loaded DEDUCE instance
        (copy-on-write; Linux and macOS, not inside a daemon process). On the shared 2-core development machine
        two workers were slower than one (copied memory pages, busy cores), hence the default 1.

    Returns
    -------
    list of str
        The scrubbed answers, in the same order.

    Examples
    --------
    >>> scrub_texts(["Mail naar p.smit@gemeente.nl", "Prima.", "Mail naar p.smit@gemeente.nl"])
    ['Mail naar [e-mail]', 'Prima.', 'Mail naar [e-mail]']
    """
    cleaned = [_clean(a) for a in answers]
    distinct = list(dict.fromkeys(cleaned))
    if not any(t.strip() for t in distinct):
        return cleaned
    owners, pieces = [], []
    for j, text in enumerate(distinct):
        for chunk in _chunks(text):
            owners.append(j)
            pieces.append(chunk)
    deid = deidentifier()
    workers = _usable_workers(int(workers), len(pieces))
    scrubbed = _scrub_parallel(deid, pieces, workers) if workers > 1 else _scrub_pieces(deid, pieces)
    joined: list[list[str | None]] = [[] for _ in distinct]
    for j, piece in zip(owners, scrubbed, strict=True):
        joined[j].append(piece)
    done = {text: PLACEHOLDERS["answer"] if any(p is None for p in parts) else "".join(parts)
            for text, parts in zip(distinct, joined, strict=True)}
    return [done[t] for t in cleaned]


def main(argv: list[str] | None = None) -> int:
    """``python -m monitor.privacy.deidentify --prepare`` builds the lookup cache; ``--text`` scrubs one answer."""
    parser = argparse.ArgumentParser(prog="python -m monitor.privacy.deidentify", description=__doc__.splitlines()[0])
    parser.add_argument("--prepare", action="store_true", help="build the de-identification lookup cache once")
    parser.add_argument("--force", action="store_true", help="with --prepare: rebuild even when up to date")
    parser.add_argument("--text", help="scrub this answer and print the result")
    args = parser.parse_args(argv)
    if not (args.prepare or args.text is not None):
        parser.print_help()
        return 2
    if args.prepare:
        prepare_deidentifier(force=args.force, verbose=True)
    if args.text is not None:
        print(scrub_text(args.text))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
