"""A region report as the files that leave the renderer: the sidecar JSON and the kernel's pickle."""

from __future__ import annotations

import math
import os
import pickle
from dataclasses import asdict
from pathlib import Path

import numpy as np

from ..privacy.cells import SCHEMA
from .model import Label, RegionReport

__all__ = ["SCHEMA", "report_json", "save_report"]



def save_report(report: RegionReport, path: str | Path) -> Path:
    """Pickle a prepared report for a notebook's kernel (aggregates and de-identified answers only).

    The file is private (mode 0600, created new, never replacing one) and temporary: ``monitor
    render`` writes it in its private work folder before it hands the job to a worker and removes
    the folder after the run, so it is not synced to disk.
    """
    path = Path(path)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
        pickle.dump(report, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def report_json(report: RegionReport) -> dict:
    """The sidecar: every number, sentence, table and figure datum the report publishes."""

    def plain(value):
        if isinstance(value, Label):
            return {"label": value.kind, "id": value.id}
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        if isinstance(value, float) and math.isnan(value):
            return None
        if isinstance(value, np.generic):
            return plain(value.item())
        return value

    sections = []
    for s in report.sections:
        sections.append({"key": s.key, "sentences": [plain(asdict(x)) for x in s.sentences],
                         "notes": [plain(asdict(x)) for x in s.notes],
                         "tables": [{"key": t.key, "columns": [plain(asdict(c)) for c in t.columns],
                                     "rows": plain(t.rows), "row_header": t.row_header} for t in s.tables],
                         "figures": [{"key": f.key, "data": plain(f.data)} for f in s.figures]})
    return {"schema": SCHEMA, "kind": "region", "region": report.region, "wave": report.wave, "waves": report.waves,
            "n": report.n, "small": report.small, "labels": plain(report.labels), "min_group_size": report.min_group_size,
            "min_comment_group_size": report.min_comment_group_size, "meta": plain(report.meta),
            "sections": sections, "cells": [plain(c.as_dict()) for c in report.cells],
            "structure": plain(report.structure)}
