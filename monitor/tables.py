"""Exporting tables for papers and theses: CSV, Markdown and LaTeX in APA style.

APA style here means: numbers rounded to a fixed number of decimals, a leading zero dropped
for values that cannot exceed 1 (correlations, loadings, alpha, p), a numbered title in
italics above the table and horizontal rules only (booktabs) in LaTeX.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .files import atomic_write, atomic_writer

__all__ = ["apa_number", "apa_table", "export_table", "csv_safe"]


def apa_number(value, decimals: int = 2, bounded: bool = False) -> str:
    """Format a number as APA does; ``bounded`` drops the leading zero (e.g. ``.87``)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return f"{value:,}"
    if not isinstance(value, (float, np.floating)):
        return str(value)
    text = f"{value:.{decimals}f}"
    if bounded and abs(value) < 1:
        text = text.replace("0.", ".", 1)
    return text


def apa_table(table: pd.DataFrame, decimals: int = 2, bounded: tuple[str, ...] = ()) -> pd.DataFrame:
    """A copy of ``table`` with every cell formatted as text, APA style."""
    out = table.copy()
    for column in out.columns:
        out[column] = [apa_number(v, decimals, column in bounded) for v in out[column]]
    return out


#: A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: A lone CR ends a row for a spreadsheet, but the CSV writer (line terminator LF) leaves it
#: unquoted: line endings inside a cell become LF, which the writer quotes.
_CR = re.compile(r"\r\n?")


def _escaped(table: pd.DataFrame, escape, cells: np.ndarray | None = None) -> pd.DataFrame:
    """A copy with every text label (index, columns, their names) and every text cell (only
    where ``cells`` is true, when given) passed through ``escape``; numbers stay numbers."""

    def one(value):
        return escape(value) if isinstance(value, str) else value

    def labels(index: pd.Index) -> pd.Index:
        mapped = index.map(lambda v: tuple(one(x) for x in v) if isinstance(v, tuple) else one(v))
        return mapped.set_names([one(n) for n in index.names])

    values = table.to_numpy(dtype=object)
    chosen = np.ones(values.shape, dtype=bool) if cells is None else cells
    out = np.array([[one(v) if c else v for v, c in zip(row, keep, strict=True)]
                    for row, keep in zip(values, chosen, strict=True)], dtype=object).reshape(values.shape)
    return pd.DataFrame(out, index=labels(table.index), columns=labels(table.columns))


def csv_safe(table: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells and labels cannot start a spreadsheet formula: text starting with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'`` (the OWASP rule),
    and cannot start a row: CR LF and CR inside a cell become LF (quoted by the writer).

    >>> csv_safe(pd.DataFrame({"x": ["=1+1", "ok", -2.5]})).to_csv(index=False).split()
    ['x', "'=1+1", 'ok', '-2.5']
    """
    return _escaped(table, lambda v: ("'" if v.startswith(FORMULA_START) else "") + _CR.sub("\n", v))


def export_table(table: pd.DataFrame, name: str, out_dir: str | Path, title: str, number: int | None = None,
                 decimals: int = 2, bounded: tuple[str, ...] = (), note: str | None = None) -> dict[str, Path]:
    """Write ``table`` as ``<name>.csv`` (full precision), ``<name>.md`` and ``<name>.tex`` (APA).

    Each file is written whole or not at all (:mod:`monitor.files`): a failed export leaves no
    half file and no temporary file. Returns the paths written.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    from .present import escape_latex, escape_markdown

    formatted = apa_table(table, decimals, bounded)
    label = f"Table {number}" if number else "Table"
    # Labels and text cells come from the instrument and the data: escaped, never markup (numbers as formatted).
    words = table.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    markdown = (f"**{label}**\n\n*{title}*\n\n"
                f"{_escaped(formatted, escape_markdown, words).to_markdown()}\n")
    latex = _escaped(formatted, escape_latex).to_latex(caption=title, label=f"tab:{name}", escape=False,
                                                       position="htbp")
    table = csv_safe(table)  # the CSV keeps full precision; its text cannot start a formula
    if note:
        markdown += f"\n*Note.* {note}\n"
        latex = latex.replace("\\end{tabular}", f"\\end{{tabular}}\n\\par\\smallskip\\emph{{Note.}} {note}")
    paths = {}
    for suffix, text in (("csv", None), ("md", markdown), ("tex", latex)):
        path = out_dir / f"{name}.{suffix}"
        if text is None:
            with atomic_writer(path) as tmp:
                table.to_csv(tmp)
        else:
            atomic_write(path, text)
        paths[suffix] = path
    return paths
