"""SPSS files (``.sav``, ``.zsav``): the dictionary first, then the instrument's variables in chunks.

Value labels are applied (answers arrive as their labels, as a user sees them in SPSS), and
every cell becomes the text a user would see, so that validation is that of a CSV file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .sources import CHUNK_CELLS, DataError, Source, require_random_access, shorten

__all__ = ["sav_reader"]


def sav_reader(source: Source, header_plan):
    """The reading of an SPSS file (see "A reader" in :mod:`monitor.survey.sources`).

    The dictionary (variable names) is read first and matched by ``header_plan``; then only
    the wanted variables, in chunks of about :data:`~monitor.survey.sources.CHUNK_CELLS` cells.
    Cases are numbered from 1; the estimate of the rows is the file's own count.
    """
    require_random_access(source, "an SPSS file")
    # pyreadstat (some 25 ms and 5 MB) only when an SPSS file is read.
    import pyreadstat

    name = path = source.name
    try:
        _, meta = pyreadstat.read_sav(path, metadataonly=True)
    except Exception as exc:  # pyreadstat.ReadstatError and friends
        raise DataError(f"{name}: cannot be read as an SPSS file ({shorten(str(exc), 120)})") from exc
    plan = header_plan(list(meta.column_names), 1)
    chunk = max(1000, CHUNK_CELLS // max(len(plan.wanted), 1))
    names = list(meta.column_names)

    def sav_batches():
        usecols = [names[i] for i in plan.wanted.values()]
        try:
            for frame, _meta in pyreadstat.read_file_in_chunks(pyreadstat.read_sav, path, chunksize=chunk,
                                                               usecols=usecols, apply_value_formats=True):
                yield ({key: _texts(frame[names[index]]) for key, index in plan.wanted.items()}, len(frame), None)
        except Exception as exc:
            raise DataError(f"{name}: cannot be read as an SPSS file ({shorten(str(exc), 120)})") from exc

    return plan, 1, sav_batches(), lambda n: meta.number_rows


def _as_text(value) -> str:
    """A cell as the text a user would see; integral floats lose their '.0'."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def _texts(values: pd.Series) -> np.ndarray:
    """Cells as text (:func:`_as_text`), computed once per distinct value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    texts = np.array([_as_text(v) for v in uniques] + [""], dtype=object)
    return texts[codes]  # code -1 (missing) takes the "" at the end
