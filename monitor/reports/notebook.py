"""Region reports: the notebook's entry point into prepare -> sections -> presentation.

``notebooks/region_report.ipynb`` calls :func:`load_report` and shows the sections with
:class:`monitor.reports.present.View`. Under ``monitor render`` the report was computed once, with
every other region's, by the renderer (which applies the wave-wide disclosure control) and is
handed over through :data:`PREPARED`; run on its own (papermill with ``data_path``), the
notebook computes the same thing from the data file, after checking its SHA-256.
"""

from __future__ import annotations

import pickle

from ..core.config import DEFAULT_MIN_COMMENT_GROUP_SIZE, DEFAULT_MIN_GROUP_SIZE
from .present import View, setup_figures
from .sections import RegionReport, band, report_json, trend_label

__all__ = ["load_report", "View", "setup_figures", "band", "trend_label", "report_json", "PREPARED", "DataChanged"]

#: Set by ``monitor render`` in the kernel before the notebook runs (never saved in it):
#: ``{"path": ..., "region": ..., "wave": ..., "sha256": ...}`` of the prepared report.
PREPARED: dict | None = None


class DataChanged(ValueError):
    """The data file is not the one the report was rendered from."""


def load_report(data_path=None, instrument_path=None, region: str | None = None, wave: int | None = None,
                min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
                min_comment_group_size: int = DEFAULT_MIN_COMMENT_GROUP_SIZE,
                data_sha256: str | None = None, mapping_path=None) -> RegionReport:
    """One region's report (default: the first region, the latest wave).

    Uses the renderer's prepared report when it was handed over for this region, wave and
    data; otherwise prepares the data (every region of the wave, for the disclosure control
    across reports) and returns this region's. ``data_sha256`` (recorded by ``monitor
    render``) makes a re-run refuse a data file that changed since. ``mapping_path``: the
    mapping file of a survey platform's export (``monitor mapping propose``).
    """
    handed = PREPARED
    if handed and handed.get("region") == region and (wave is None or handed.get("wave") == int(wave)) \
            and (not data_sha256 or handed.get("sha256") == data_sha256):
        with open(handed["path"], "rb") as handle:
            return pickle.load(handle)
    from .prepare import prepare
    from .sections import wave_reports

    prepared = prepare(data_path, instrument_path, min_group_size, min_comment_group_size,
                       waves=None if wave is None else [int(wave)], mapping=mapping_path)
    if data_sha256 and prepared.meta["sha256"] != data_sha256:
        raise DataChanged(f"{data_path}: the data changed since the report was rendered (SHA-256 "
                          f"{prepared.meta['sha256'][:16]}…, expected {data_sha256[:16]}…)")
    wave = prepared.waves[-1] if wave is None else int(wave)
    region = region or prepared.regions[0]
    if region not in prepared.regions:
        raise ValueError(f"region {region!r} is not in the data; it holds: {', '.join(prepared.regions)}")
    reports = wave_reports(prepared, wave)
    if region not in reports:
        raise ValueError(f"region {region!r} has no respondents in wave {wave}")
    return reports[region]
