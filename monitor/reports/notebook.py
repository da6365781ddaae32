"""Region reports: the notebook's entry point into prepare -> sections -> presentation.

``notebooks/region_report.ipynb`` calls :func:`load_report` and shows the sections with
:class:`monitor.reports.present.View`. Under ``monitor render`` the report was computed once, with
every other region's, by the renderer (which applies the wave-wide disclosure control); the
renderer's set-up cell, which is not saved in the notebook, hands it over by calling
:func:`use_prepared`, and its closing cell typesets the PDF of the notebook's ``view`` with
:func:`write_pdf`. Run on its own (papermill with ``data_path``), the notebook computes the same
report from the data file (or the wave store, ``store``), after checking its SHA-256.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path

from ..core.config import DEFAULT_MIN_COMMENT_GROUP_SIZE, DEFAULT_MIN_GROUP_SIZE
from .model import RegionReport
from .present import View, setup_figures
from .reading import band, trend_label
from .sidecar import report_json

__all__ = ["load_report", "use_prepared", "write_pdf", "View", "setup_figures", "band", "trend_label",
           "report_json", "Handed", "DataChanged"]


class DataChanged(ValueError):
    """The data file is not the one the report was rendered from."""


@dataclass(frozen=True)
class Handed:
    """A report the renderer prepared for this kernel: its pickle and what it was made from."""

    path: str
    region: str
    wave: int
    sha256: str

    def serves(self, region: str | None, wave: int | None, data_sha256: str | None) -> bool:
        """Whether this is the report a :func:`load_report` call asks for."""
        return (self.region == region and (wave is None or self.wave == int(wave))
                and (not data_sha256 or self.sha256 == data_sha256))


# The one piece of state: what the renderer's set-up cell handed to this kernel (a kernel renders
# one report at a time; the set-up cell of the next report replaces it).
_handed: list[Handed] = []


def use_prepared(path: str | Path, region: str, wave: int, sha256: str) -> None:
    """Hand this kernel the report ``monitor render`` prepared (a pickle in its private work
    folder): the next :func:`load_report` for that region, wave and data reads it instead of
    computing the whole wave again."""
    _handed[:] = [Handed(str(path), region, int(wave), sha256)]


def load_report(data_path=None, instrument_path=None, region: str | None = None, wave: int | None = None,
                min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
                min_comment_group_size: int = DEFAULT_MIN_COMMENT_GROUP_SIZE,
                data_sha256: str | None = None, mapping_path=None, store=None) -> RegionReport:
    """One region's report (default: the first region, the latest wave).

    Uses the renderer's prepared report when it was handed over (:func:`use_prepared`) for this
    region, wave and data; otherwise prepares the data (every region of the wave, for the
    disclosure control across reports) and returns this region's. ``data_sha256`` (recorded by
    ``monitor render``) makes a re-run refuse a data file that changed since. ``mapping_path``:
    the mapping file of a survey platform's export (``monitor mapping propose``). ``store``: a
    wave store's folder (:mod:`monitor.survey.store`), read instead of ``data_path``; its
    fingerprint is the SHA-256 of the store's manifest.
    """
    if _handed and _handed[0].serves(region, wave, data_sha256):
        with open(_handed[0].path, "rb") as handle:
            return pickle.load(handle)
    # pandas, SciPy and the data readers (about 1 s): a kernel that shows a handed report never loads them
    from .prepare import prepare
    from .wave import wave_reports

    prepared = prepare(data_path, instrument_path, min_group_size, min_comment_group_size,
                       waves=None if wave is None else [int(wave)], mapping=mapping_path, store=store)
    if data_sha256 and prepared.meta["sha256"] != data_sha256:
        raise DataChanged(f"{store or data_path}: the data changed since the report was rendered (SHA-256 "
                          f"{prepared.meta['sha256'][:16]}…, expected {data_sha256[:16]}…)")
    wave = prepared.waves[-1] if wave is None else int(wave)
    region = region or prepared.regions[0]
    if region not in prepared.regions:
        raise ValueError(f"region {region!r} is not in the data; it holds: {', '.join(prepared.regions)}")
    reports = wave_reports(prepared, wave)
    if region not in reports:
        raise ValueError(f"region {region!r} has no respondents in wave {wave}")
    return reports[region]


def write_pdf(view: View, path: str | Path) -> Path:
    """Typeset the PDF of the report the notebook showed (its ``view``, with the figures it drew
    already), atomically. ``monitor render`` calls this after the notebook's last cell."""
    if not isinstance(view, View):
        raise TypeError(f"write_pdf needs the notebook's report View, not {type(view).__name__}")
    from .pdf import write_pdf as typeset  # Typst's wheel and the page template: only when a PDF is asked

    return typeset(view, path)
