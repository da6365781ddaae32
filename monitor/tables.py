"""Exporting tables for papers and theses: CSV, Markdown and LaTeX in APA style.

APA style here means: numbers rounded to a fixed number of decimals, a leading zero dropped
for values that cannot exceed 1 (correlations, loadings, alpha, p), a numbered title in
italics above the table and horizontal rules only (booktabs) in LaTeX.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["apa_number", "apa_table", "export_table"]


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


def export_table(table: pd.DataFrame, name: str, out_dir: str | Path, title: str, number: int | None = None,
                 decimals: int = 2, bounded: tuple[str, ...] = (), note: str | None = None) -> dict[str, Path]:
    """Write ``table`` as ``<name>.csv`` (full precision), ``<name>.md`` and ``<name>.tex`` (APA).

    Files are written to a temporary name and renamed, so a failed export leaves no half file.
    Returns the paths written.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    formatted = apa_table(table, decimals, bounded)
    label = f"Table {number}" if number else "Table"
    markdown = f"**{label}**\n\n*{title}*\n\n{formatted.to_markdown()}\n"
    latex = formatted.to_latex(caption=title, label=f"tab:{name}", escape=True, position="htbp")
    if note:
        markdown += f"\n*Note.* {note}\n"
        latex = latex.replace("\\end{tabular}", f"\\end{{tabular}}\n\\par\\smallskip\\emph{{Note.}} {note}")
    paths = {}
    for suffix, text in (("csv", None), ("md", markdown), ("tex", latex)):
        path = out_dir / f"{name}.{suffix}"
        tmp = path.with_name(path.name + ".tmp")
        if text is None:
            table.to_csv(tmp)
        else:
            tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        paths[suffix] = path
    return paths
