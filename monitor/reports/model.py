"""The region report as typed data: labels, columns, tables, sentences, figures, cells, sections.

A section builder (:mod:`monitor.reports.sections`) returns these; the presentation
(:mod:`monitor.reports.present`), the PDF (:mod:`monitor.reports.pdf`), the sidecar
(:mod:`monitor.reports.sidecar`) and the disclosure audit read them. Nothing here computes,
draws or loads, so a kernel that only shows a report needs neither pandas nor the statistics.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Label", "Column", "Table", "Sentence", "Figure", "Cell", "Section", "RegionReport", "Hider", "HIDDEN",
           "DECIMALS", "cell_key", "finite", "measure_label"]

#: Decimals of a published mean.
DECIMALS = 2


@dataclass(frozen=True)
class Label:
    """A trusted label, translated by the presentation: ``kind`` is ``text`` (a key of
    :mod:`monitor.core.texts`), ``measure`` (an instrument id), ``function`` or ``type``."""

    kind: str
    id: str


@dataclass
class Column:
    """A table column: ``key`` is a text key (or a :class:`Label`); ``kind`` says how its
    values are shown: ``label``, ``text``, ``mean``, ``signed``, ``count``, ``int``, ``pct``,
    ``interval``, ``year``."""

    key: str | Label
    kind: str


#: A hidden figure (suppressed): shown as "too few", never as a number.
HIDDEN = None


@dataclass
class Table:
    key: str
    columns: list[Column]
    rows: list[list[Any]]
    row_header: bool = False  # the first column names the row (a <th scope="row">)
    caption: str | None = None  # a text key


@dataclass
class Sentence:
    key: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Figure:
    key: str
    data: dict[str, Any]


@dataclass
class Cell:
    """One published group figure, for the sidecar and the disclosure audit.

    ``n`` is the number of respondents with a value (published, or implied by a published
    head count of the same group); ``mean`` the mean shown (``DECIMALS`` decimals). A hidden
    cell exists but shows nothing. ``measure`` ``None`` is a head count.
    """

    id: str
    group: dict[str, Any]
    measure: str | None
    n: int | None
    mean: float | None
    hidden: bool = False
    decimals: int = DECIMALS
    n_range: list[int] | None = None

    @property
    def key(self) -> tuple:
        return cell_key(self.group, self.measure)

    def as_dict(self) -> dict:
        """The cell as a plain dict (``dataclasses.asdict`` without its deep copy, which is slow)."""
        return {"id": self.id, "group": dict(self.group), "measure": self.measure, "n": self.n, "mean": self.mean,
                "hidden": self.hidden, "decimals": self.decimals,
                "n_range": None if self.n_range is None else list(self.n_range)}


def cell_key(group: dict, measure: str | None) -> tuple:
    """The key of a (group, measure) cell, the same for every table and report of a wave."""
    return (tuple(sorted((k, str(v)) for k, v in group.items())), measure)


@dataclass
class Section:
    key: str
    sentences: list[Sentence] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)
    notes: list[Sentence] = field(default_factory=list)  # shown after the tables


@dataclass
class RegionReport:
    """Every section of one region's report, with what identifies the data and the rules."""

    region: str
    wave: int
    waves: list[int]
    n: int
    small: bool
    min_group_size: int
    min_comment_group_size: int
    meta: dict
    sections: list[Section]
    structure: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)  # kind -> id -> {language: text}, from the instrument

    def section(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(f"no section {key!r}; the report has: {', '.join(s.key for s in self.sections)}")

    @property
    def cells(self) -> list[Cell]:
        return [c for s in self.sections for c in s.cells]


class Hider:
    """Which (group, measure) cells a wave's disclosure control hides on top of primary
    suppression; one decision for every table, report and format."""

    def __init__(self, hidden: set[tuple] | None = None):
        self.hidden = set(hidden or ())

    def __call__(self, group: dict, measure: str | None) -> bool:
        return cell_key(group, measure) in self.hidden


def finite(value) -> float | None:
    """A number as a float, or None when it is missing (None or NaN)."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def measure_label(measure: str) -> Label:
    return Label("measure", measure)
