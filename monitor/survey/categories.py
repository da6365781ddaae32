"""Categories as people type them: one value for the spellings of one name.

Region and organisation names are typed by respondents or by whoever keeps the export, so
``Regio Hoog-Heidezoom``, ``regio hoog-heidezoom`` and ``Regio  Hoog-Heidezoom`` all occur. Read
as three regions they would make three reports and break the nesting of organisations in
regions. :func:`unify_spellings` reads the spellings that differ only by case, accents,
punctuation or spacing (:func:`monitor.core.names.name_key`) as one value, shown in the spelling
most respondents used (ties: the one met first), so every consumer of the loaded frame sees one
value. :func:`near_duplicates` finds spellings that are close beyond that (an edit distance of
one or two on the folded form: ``Regio Hoog Heidezoom`` and ``Regio Hoog-Heidezoom``), which may
or may not be one name; a person decides, with the ``values:`` block of a mapping file that
:func:`values_block` proposes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import OSA, Indel, Levenshtein

from ..core.names import name_key

__all__ = ["Spellings", "NearDuplicate", "unify_spellings", "near_duplicates", "values_block", "is_near",
           "MAX_NEAR_VALUES"]

#: Distinct values of a column compared pairwise for near-duplicates (beyond it, none are sought).
MAX_NEAR_VALUES = 5_000


@dataclass(frozen=True)
class Spellings:
    """Spellings of one value in ``column`` read as one: ``shown``, and the ``others`` it replaced."""

    column: str
    shown: str
    others: tuple[str, ...]


@dataclass(frozen=True)
class NearDuplicate:
    """Two values of ``column`` that may be one: ``spelling`` (``count`` rows) looks like ``like``
    (``like_count`` rows), ``distance`` edits apart on the folded form."""

    column: str
    spelling: str
    count: int
    like: str
    like_count: int
    distance: int


def is_near(a: str, b: str) -> bool:
    """Whether two different folded names look like one name typed twice.

    Typing slips join or split words, add or drop a character, or swap two neighbours
    (``Hoog Heidezoom``, ``Hoog-Heidezoom``, ``Heidezom``, ``Hiedezoom``); names of different
    places and providers differ by letters in the same place (``Gemeente Ede``, ``Gemeente Epe``;
    ``Regio West-Beekdal``, ``Regio Oost-Beekdal``; ``De Linde``, ``De Vlinder``). So, ignoring
    spaces, a pair is near when the names are equal, or one has one character more, or two
    neighbours are swapped; never when a letter is replaced by another.

    >>> is_near("regio hoog heidezoom", "regio hoogheidezoom"), is_near("regio hiedezoom", "regio heidezoom")
    (True, True)
    >>> is_near("regio hoog heidezom", "regio hoogheidezoom")
    True
    >>> is_near("gemeente ede", "gemeente epe"), is_near("regio west beekdal", "regio oost beekdal")
    (False, False)
    """
    a, b = a.replace(" ", ""), b.replace(" ", "")
    if a == b or Indel.distance(a, b, score_cutoff=1) == 1:
        return True
    return Levenshtein.distance(a, b, score_cutoff=2) == 2 and OSA.distance(a, b, score_cutoff=1) == 1


def _counted(series: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    return codes, np.asarray(uniques, dtype=object), counts


def unify_spellings(frame: pd.DataFrame, columns: list[str]) -> tuple[pd.DataFrame, tuple[Spellings, ...]]:
    """Read the spellings of one name in each of ``columns`` as one value (see the module).

    Returns the frame (the columns replaced where spellings were merged) and what was merged.

    >>> frame = pd.DataFrame({"region": pd.array(["Regio Noord", "regio noord", "Regio Noord", "Regio  Zuid"],
    ...                                          dtype="string")})
    >>> frame, merged = unify_spellings(frame, ["region"])
    >>> frame["region"].tolist(), merged[0].others
    (['Regio Noord', 'Regio Noord', 'Regio Noord', 'Regio  Zuid'], ('regio noord',))
    """
    merged: list[Spellings] = []
    for column in columns:
        if column not in frame:
            continue
        codes, uniques, counts = _counted(frame[column])
        groups: dict[str, list[int]] = {}
        for i, value in enumerate(uniques):
            groups.setdefault(name_key(value) or str(value), []).append(i)
        shown = np.arange(len(uniques))
        for members in groups.values():
            if len(members) < 2:
                continue
            best = max(members, key=lambda i: (counts[i], -i))  # most rows; ties: met first
            shown[members] = best
            merged.append(Spellings(column, str(uniques[best]), tuple(str(uniques[i]) for i in members if i != best)))
        if (shown != np.arange(len(uniques))).any():
            values = uniques[shown][np.maximum(codes, 0)]
            values[codes < 0] = None
            frame[column] = pd.array(values, dtype=frame[column].dtype)
    return frame, tuple(merged)


def near_duplicates(frame: pd.DataFrame, columns: list[str]) -> tuple[NearDuplicate, ...]:
    """Pairs of values of each of ``columns`` that look like one name typed twice (:func:`is_near`,
    on the folded form): the rarer spelling first (ties: the one met later), as a rename to propose.

    >>> frame = pd.DataFrame({"region": ["Regio Hoog-Heidezoom"] * 3 + ["Regio Hoog Heidezoom"]})
    >>> [(n.spelling, n.like, n.distance) for n in near_duplicates(frame, ["region"])]
    [('Regio Hoog Heidezoom', 'Regio Hoog-Heidezoom', 1)]
    """
    out: list[NearDuplicate] = []
    for column in columns:
        if column not in frame:
            continue
        _codes, uniques, counts = _counted(frame[column])
        if not 2 <= len(uniques) <= MAX_NEAR_VALUES:
            continue
        keys = [name_key(u) or str(u) for u in uniques]
        distances = process.cdist(keys, keys, scorer=Levenshtein.distance, score_cutoff=2, dtype=np.int32, workers=1)
        for a, b in zip(*np.nonzero(np.triu(distances <= 2, k=1)), strict=True):
            a, b = int(a), int(b)
            distance = int(distances[a, b])
            if not is_near(keys[a], keys[b]):
                continue
            rare, common = (b, a) if counts[a] >= counts[b] else (a, b)  # ties: a was met first
            out.append(NearDuplicate(column, str(uniques[rare]), int(counts[rare]), str(uniques[common]),
                                     int(counts[common]), distance))
    return tuple(out)


def values_block(near: tuple[NearDuplicate, ...] | list[NearDuplicate], keys: dict[str, str] | None = None) -> str:
    """The ``values:`` block of a mapping file that renames each rarer spelling to the common one.

    ``keys`` gives the mapping file's key of a column (the export column mapped to it); by
    default the instrument id.

    >>> print(values_block([NearDuplicate("region", "Regio Hoog Heidezoom", 4, "Regio Hoog-Heidezoom", 230, 1)]))
    values:
      region:
        "Regio Hoog Heidezoom": "Regio Hoog-Heidezoom"
    """
    keys = keys or {}
    lines = ["values:"]
    by_column: dict[str, list[NearDuplicate]] = {}
    for pair in near:
        by_column.setdefault(pair.column, []).append(pair)
    for column, pairs in by_column.items():
        key = keys.get(column, column)
        lines.append(f"  {key if key.isidentifier() else _quoted(key)}:")
        lines += [f"    {_quoted(pair.spelling)}: {_quoted(pair.like)}" for pair in pairs]
    return "\n".join(lines)


def _quoted(text: str) -> str:
    """A double-quoted YAML scalar (JSON's string syntax is YAML's)."""
    return json.dumps(text, ensure_ascii=False)
