"""A one-cell notebook on the project's kernel, for the tests that run notebooks."""

from __future__ import annotations

from pathlib import Path

import nbformat


def one_cell_notebook(path: Path, source: str) -> Path:
    """Write a notebook with one code cell, ``source``, on the ``samenwerkingsmonitor`` kernel."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {"name": "samenwerkingsmonitor", "display_name": "x", "language": "python"}
    nbformat.write(nb, path)
    return path
