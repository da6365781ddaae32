"""Planning a wave's render: output names, checked arguments and the notebooks to run.

A region report's job hands its prepared report to the notebook's kernel through an unsaved
set-up cell that calls :func:`monitor.reports.notebook.use_prepared`, and (for a PDF) an
unsaved closing cell that passes the notebook's ``view`` to
:func:`monitor.reports.notebook.write_pdf`: the saved notebook records only the data file and its
SHA-256, and re-runs with papermill as it is.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path

from ..core.config import DEMO_DATA, NOTEBOOKS_DIR, REPORTS_DIR
from ..core.files import describe_os_error
from ..core.texts import check_language
from ..reports.sidecar import save_report
from .jobs import Job

__all__ = ["NOTEBOOKS", "NOTEBOOK_ENTRY", "VIEW_NAME", "FORMATS", "FILE_PARAMETERS", "slug", "output_names",
           "peek_regions", "check_arguments", "check_formats", "plan_jobs", "region_job", "other_jobs",
           "published_parameters"]

#: The template notebook of each kind of job, in ``notebooks/``.
NOTEBOOKS = {"validity": "validity.ipynb", "thesis": "collaboration_factors.ipynb", "region": "region_report.ipynb"}


#: The module a region notebook's unsaved set-up and closing cells call (``use_prepared``,
#: ``write_pdf``), and the name of the notebook's report View that the closing cell typesets.
NOTEBOOK_ENTRY = "monitor.reports.notebook"
VIEW_NAME = "view"


def slug(text: str) -> str:
    """A file-name-safe form, ``[a-z0-9-]`` only: ``Regio Noord-Veenstreek`` -> ``regio-noord-veenstreek``.

    Accents are folded (``Súdwest-Fryslân`` -> ``sudwest-fryslan``); a name with no letter or
    digit left gets ``regio-`` and a short hash of the name, so it is never empty or hidden.

    >>> slug("Regio/Noord"), slug("Súdwest-Fryslân"), slug("€€€")
    ('regio-noord', 'sudwest-fryslan', 'regio-aad2231c')
    """
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    name = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:80].strip("-")
    return name or f"regio-{_short_hash(text)}"


def _short_hash(text: str) -> str:
    return hashlib.sha256(str(text).encode("utf-8")).hexdigest()[:8]


def output_names(regions: list[str]) -> dict[str, str]:
    """A unique output name per region; regions whose names fold to the same name are told
    apart by a short hash of their full name (``regio-noord-1a2b3c4d``), deterministically."""
    by_slug: dict[str, list[str]] = {}
    for region in regions:
        by_slug.setdefault(slug(region), []).append(region)
    names = {}
    for name, group in by_slug.items():
        for region in group:
            names[region] = name if len(group) == 1 else f"{name}-{_short_hash(region)}"
    reserved = {"index", "status", "validity", "collaboration_factors"}
    return {r: (f"regio-{n}" if n in reserved else n) for r, n in names.items()}


def peek_regions(data_path: str | Path | None) -> list[str] | None:
    """The region names of a CSV export, read cheaply (one column) before the full load, so
    that an unknown region is refused before any work; ``None`` for other formats."""
    path = Path(data_path) if data_path else DEMO_DATA
    if path.suffix.lower() not in (".csv", ".txt") or not path.is_file():
        return None
    try:
        import pandas as pd

        # The delimiter from the header line, so that pandas' C parser reads the one column (the
        # python engine's sniffing would read a national file at a fraction of the speed).
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            header = handle.readline(1 << 20)
        sep = max(",;\t", key=header.count)
        column = pd.read_csv(path, usecols=["region"], sep=sep, dtype=str, encoding="utf-8-sig",
                             encoding_errors="replace")["region"]
    except Exception:  # noqa: BLE001 - the full load reports the real problem in one line
        return None
    return sorted(str(r).strip() for r in column.dropna().unique())


def check_arguments(data_path, regions, language, min_group_size, min_comment_group_size, out_dir,
                    store=None) -> Path:
    """Every argument checked before data load and kernel start; one ``ValueError`` line each.

    Returns the output folder (created if missing) as an absolute path: the notebooks' kernels
    run in ``notebooks/``, where a relative one would name another folder. An unwritable folder,
    an unknown language or region, a ``min_group_size`` under 2 and region names that collide
    are refused here. ``store``: a wave store's folder, read instead of ``data_path`` (not both).
    """
    from ..reports.prepare import check_group_sizes  # pandas and the scoring (about 0.5 s): not for --help

    check_language(language)
    check_group_sizes(min_group_size, min_comment_group_size)
    if data_path is not None and not Path(data_path).exists():
        raise ValueError(f"{data_path}: no such file")
    if store is not None:
        if data_path is not None:
            raise ValueError("give a data file or a wave store (one of the two)")
        if not Path(store).is_dir():
            raise ValueError(f"{store}: no such folder; add a wave first (monitor waves add EXPORT --store {store})")
    base = Path(os.path.abspath(out_dir or REPORTS_DIR))  # absolute, without following a link (resolve would)
    try:
        base.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=base, prefix=".probe-", delete=True)
        probe.close()
    except OSError as exc:
        raise ValueError(f"cannot write to the output folder {describe_os_error(exc, base)}") from None
    known = peek_regions(data_path) if store is None else None  # a store's regions: checked once it is read
    if known is not None and regions:
        unknown = [r for r in regions if r not in known]
        if unknown:
            raise ValueError(f"unknown region(s): {', '.join(unknown)}; the data hold: {', '.join(known)}")
    return base


FORMATS = ("html", "pdf")


def check_formats(formats) -> tuple[str, ...]:
    """``"html,pdf"`` or a sequence of format names, checked: a tuple of known formats, at least one.

    >>> check_formats("pdf, html")
    ('html', 'pdf')
    """
    chosen = [f.strip().lower() for f in (formats.split(",") if isinstance(formats, str) else formats) if f.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise ValueError(f"format must be one or more of {', '.join(FORMATS)} (comma-separated), "
                         f"not {','.join(unknown) or repr(formats)}")
    return tuple(f for f in FORMATS if f in chosen)


#: Parameters naming a file of the analyst's: the published notebook records the name only.
FILE_PARAMETERS = ("data_path", "instrument_path", "mapping_path", "store")


def published_parameters(parameters: dict, sha: str) -> dict:
    """What a published notebook records instead of the paths it ran with: each file's name
    without its folder (an analyst's folders are not published), and the data's SHA-256; a
    re-run passes the full paths with ``-p data_path /full/path/responses.csv`` (or ``-p store
    /full/path/store`` for a wave store's folder).

    >>> published_parameters({"data_path": "/home/an/data/wave.csv", "mapping_path": None}, "ab12")
    {'data_path': 'wave.csv', 'data_sha256': 'ab12'}
    """
    names = {key: Path(parameters[key]).name for key in FILE_PARAMETERS if parameters.get(key)}
    return {**names, "data_sha256": sha}


def other_jobs(prepared, include: tuple[str, ...], language: str, data_path: str | None, out: Path,
                wave: int, instrument_path: str | None, mapping_path: str | None, store: str | None = None) -> list[Job]:
    """The validity notebook and (when the data hold its module) the thesis notebook, reading the
    data (or the wave store, ``store``) through the same instrument and mapping as the region reports."""
    jobs = []
    if "validity" in include and (NOTEBOOKS_DIR / NOTEBOOKS["validity"]).exists():
        jobs.append(Job("validity", NOTEBOOKS_DIR / NOTEBOOKS["validity"],
                        {"data_path": data_path, "wave": wave, "output_dir": str(out / "validity_tables"),
                         "language": language, "invariance_group": "organisation_type"},  # the monitor's two perspectives
                        "validity", "Questionnaire validity"))
    modules = prepared.modules
    if "thesis" in include and (NOTEBOOKS_DIR / NOTEBOOKS["thesis"]).exists() and "samenwerking" in modules:
        jobs.append(Job("collaboration_factors", NOTEBOOKS_DIR / NOTEBOOKS["thesis"],
                        {"data_path": data_path, "output_dir": str(out / "thesis_tables"), "language": language},
                        "thesis", "Collaboration factors"))
    for job in jobs:
        job.parameters.update(instrument_path=instrument_path, mapping_path=mapping_path)
        if store is not None:  # only then: a render of a data file runs the notebooks as before
            job.parameters["store"] = store
        job.published = published_parameters(job.parameters, prepared.meta["sha256"])
    return jobs


def region_job(report, region: str, name: str, work: Path, wave: int, sha: str, language: str,
                data_path: str | None, instrument_path: str | None, formats: tuple[str, ...],
                mapping_path: str | None, stem: str | None = None, store: str | None = None) -> Job:
    """A region report's job: its prepared sections saved as ``<stem>.pkl`` in the private ``work``
    folder and handed over by the hidden set-up cell (never through a saved parameter)."""
    stem = stem or name
    path = save_report(report, work / f"{stem}.pkl")
    setup = (f"from {NOTEBOOK_ENTRY} import use_prepared\n"
             f"use_prepared({str(path)!r}, region={region!r}, wave={int(wave)!r}, sha256={sha!r})\ndel use_prepared")
    products = {"pdf": str(work / f"{stem}.pdf")} if "pdf" in formats else {}
    finish = (f"from {NOTEBOOK_ENTRY} import write_pdf\nwrite_pdf({VIEW_NAME}, {products['pdf']!r})\ndel write_pdf"
              if products else "")
    parameters = {"data_path": data_path, "data_sha256": sha, "instrument_path": instrument_path,
                  "region": region, "wave": wave, "language": language,
                  "min_group_size": report.min_group_size, "min_comment_group_size": report.min_comment_group_size,
                  "mapping_path": mapping_path}
    if store is not None:  # only then: a render of a data file runs the notebook as before
        parameters["store"] = store
    return Job(name, NOTEBOOKS_DIR / NOTEBOOKS["region"], parameters, "region", region, setup=setup, finish=finish,
               products=products, html="html" in formats, published=published_parameters(parameters, sha))


def plan_jobs(prepared, reports: dict, names: dict[str, str], work: Path, wave: int, regions: list[str] | None,
              include: tuple[str, ...], language: str, data_path: str | None, out: Path,
              instrument_path: str | None = None, formats: tuple[str, ...] = FORMATS,
              mapping_path: str | None = None, store: str | None = None) -> list[Job]:
    """The notebooks to render for one wave; a region report gets its prepared sections
    through :attr:`Job.setup` (never through a saved parameter) and records the data file
    and its SHA-256, so the saved notebook re-runs with papermill as it is.

    With ``"pdf"`` in ``formats`` a region report's kernel typesets its PDF after the last
    cell (:func:`monitor.reports.notebook.write_pdf`, from the notebook's ``view``, its
    figures drawn once). The validity and thesis notebooks are HTML only, whatever ``formats``.
    Every notebook reads the data through the same ``instrument_path`` and ``mapping_path`` (or
    the wave store ``store`` instead of ``data_path``).
    """
    jobs = other_jobs(prepared, include, language, data_path, out, wave, instrument_path, mapping_path, store)
    if "regions" in include:
        chosen = regions or sorted(reports)
        unknown = [r for r in chosen if r not in prepared.regions]
        if unknown:
            raise ValueError(f"unknown region(s): {', '.join(unknown)}; the data hold: {', '.join(prepared.regions)}")
        jobs += [region_job(reports[r], r, names[r], work, wave, prepared.meta["sha256"], language, data_path,
                             instrument_path, formats, mapping_path, store=store)
                 for r in chosen if r in reports]  # a region without respondents in this wave has none
    return jobs

