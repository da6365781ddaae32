"""Rendering every report of a wave: plan, check, publish.

``monitor render`` (and ``make reports``) runs the validity notebook, the thesis notebook
(when the data hold its module) and one region report per region. Every argument is checked
before any work (:func:`check_arguments`); the data are loaded, validated, scored and
de-identified once (:func:`monitor.prepare.prepare`); every region's sections are computed
with disclosure control across the whole wave and audited before anything is published
(:func:`monitor.sections.wave_reports`, :mod:`monitor.disclosure`). The prepared sections live
in a private temporary folder outside the output folder and reach each notebook through a
hidden set-up cell, so a saved notebook records only the data file and its SHA-256. Notebooks
run in worker processes that keep one kernel each (:mod:`monitor.execution`). Outputs per
region: ``<name>.ipynb``, a self-contained ``<name>.html`` without code and the sidecar
``<name>.json``; ``index.html`` and ``status.json`` list every report of the wave.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path

from .config import NOTEBOOKS_DIR, REPORTS_DIR
from .execution import (
    Interrupted,
    Job,
    Result,
    WorkerPool,
    _alive,
    claim,
    clean_leftovers,
    external_resources,
    render_one,
    run_jobs,
    to_html,
)
from .files import atomic_write, describe_os_error, locked

__all__ = ["Job", "Result", "plan_jobs", "render", "check_arguments", "output_names", "AuditFailed", "render_one", "run_jobs", "write_index", "to_html", "external_resources", "slug"]

NOTEBOOKS = {"validity": "validity.ipynb", "thesis": "collaboration_factors.ipynb", "region": "region_report.ipynb"}


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
    from .config import DEMO_DATA

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


def check_arguments(data_path, regions, language, min_group_size, min_comment_group_size, out_dir) -> Path:
    """Every argument checked before data load and kernel start; one ``ValueError`` line each.

    Returns the output folder (created if missing). An unwritable folder, an unknown
    language or region, a ``min_group_size`` under 2 and region names that collide are
    refused here.
    """
    from .prepare import check_group_sizes
    from .texts import LANGUAGES

    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    check_group_sizes(min_group_size, min_comment_group_size)
    if data_path is not None and not Path(data_path).exists():
        raise ValueError(f"{data_path}: no such file")
    base = Path(out_dir or REPORTS_DIR)
    try:
        base.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=base, prefix=".probe-", delete=True)
        probe.close()
    except OSError as exc:
        raise ValueError(f"cannot write to the output folder {describe_os_error(exc, base)}") from None
    known = peek_regions(data_path)
    if known is not None and regions:
        unknown = [r for r in regions if r not in known]
        if unknown:
            raise ValueError(f"unknown region(s): {', '.join(unknown)}; the data hold: {', '.join(known)}")
    return base


WORK_PREFIX = "monitor-render-"


def _private_workdir() -> Path:
    """A private (0700) folder outside the output folder for the prepared reports; folders
    left by earlier renders that died (their pid is gone) are removed first."""
    root = Path(tempfile.gettempdir())
    for old in root.glob(f"{WORK_PREFIX}*"):
        try:
            pid = int(old.name[len(WORK_PREFIX):].split("-", 1)[0])
        except ValueError:
            continue
        if pid != os.getpid() and not _alive(pid) and old.stat().st_uid == os.getuid():
            shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-"))


def plan_jobs(prepared, reports: dict, names: dict[str, str], work: Path, wave: int, regions: list[str] | None,
              include: tuple[str, ...], language: str, data_path: str | None, out: Path,
              instrument_path: str | None = None) -> list[Job]:
    """The notebooks to render for one wave; a region report gets its prepared sections
    through :attr:`Job.setup` (never through a saved parameter) and records the data file
    and its SHA-256, so the saved notebook re-runs with papermill as it is."""
    from .report import save_report

    jobs = []
    if "validity" in include and (NOTEBOOKS_DIR / NOTEBOOKS["validity"]).exists():
        jobs.append(Job("validity", NOTEBOOKS_DIR / NOTEBOOKS["validity"],
                        {"data_path": data_path, "wave": wave, "output_dir": str(out / "validity_tables")}, "validity",
                        "Questionnaire validity"))
    modules = prepared.frame.attrs.get("modules", [])
    if "thesis" in include and (NOTEBOOKS_DIR / NOTEBOOKS["thesis"]).exists() and "samenwerking" in modules:
        jobs.append(Job("collaboration_factors", NOTEBOOKS_DIR / NOTEBOOKS["thesis"],
                        {"data_path": data_path, "output_dir": str(out / "thesis_tables")}, "thesis",
                        "Collaboration factors"))
    if "regions" in include:
        chosen = regions or sorted(reports)
        unknown = [r for r in chosen if r not in prepared.regions]
        if unknown:
            raise ValueError(f"unknown region(s): {', '.join(unknown)}; the data hold: {', '.join(prepared.regions)}")
        sha = prepared.meta["sha256"]
        for region in chosen:
            if region not in reports:
                continue  # no respondents in this wave
            path = save_report(reports[region], work / f"{names[region]}.pkl")
            handed = {"path": str(path), "region": region, "wave": wave, "sha256": sha}
            setup = f"import monitor.report as _report\n_report.PREPARED = {handed!r}\ndel _report"
            jobs.append(Job(names[region], NOTEBOOKS_DIR / NOTEBOOKS["region"],
                            {"data_path": data_path, "data_sha256": sha, "instrument_path": instrument_path,
                             "region": region, "wave": wave, "language": language,
                             "min_group_size": prepared.min_group_size,
                             "min_comment_group_size": prepared.min_comment_group_size},
                            "region", region, setup=setup))
    return jobs


def write_index(results: list[Result], out_dir: Path, wave: int) -> Path:
    """``index.html``: every report with its status, linking the HTML of those that rendered.

    Statuses are kept in ``status.json`` and merged across runs, so rendering one region
    does not drop the others from the index; a report that failed now but rendered before
    is listed as failed, with its previous HTML still linked.
    """
    status_path = out_dir / "status.json"
    with locked(out_dir / ".status.lock"):  # merge, then replace: concurrent renders lose nothing
        known = {}
        if status_path.exists():
            try:
                known = {r["name"]: Result(**r) for r in json.loads(status_path.read_text(encoding="utf-8"))}
            except (ValueError, TypeError):
                known = {}
        for r in results:
            if not r.ok and r.name in known and known[r.name].outputs:
                r.outputs = known[r.name].outputs
            known[r.name] = r
        results = list(known.values())
        atomic_write(status_path, json.dumps([r.__dict__ for r in results], indent=1, ensure_ascii=False))
        return _write_index_page(results, out_dir, wave)


def _write_index_page(results: list[Result], out_dir: Path, wave: int) -> Path:
    rows = []
    for r in sorted(results, key=lambda r: (r.kind != "validity", r.kind != "thesis", r.title)):
        link = (f'<a href="{html.escape(r.outputs["html"])}">{html.escape(r.title)}</a>' if r.outputs.get("html")
                else html.escape(r.title))
        status = "OK" if r.ok else f"mislukt / failed: {html.escape(r.error)}"
        data = (f' (<a href="{html.escape(r.outputs["json"])}">JSON</a>)' if r.outputs.get("json") else "")
        rows.append(f"<tr><td>{link}{data}</td><td>{html.escape(r.kind)}</td><td>{status}</td>"
                    f"<td>{r.seconds:.1f} s</td></tr>")
    page = f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>Samenwerkingsmonitor {int(wave)}</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:.3em 1em;text-align:left}}
tr:nth-child(even){{background:#f4f4f4}}</style></head>
<body><h1>Samenwerkingsmonitor — meting {int(wave)}</h1>
<table><tr><th>Rapport / report</th><th>Soort / kind</th><th>Status</th><th>Tijd / time</th></tr>
{''.join(rows)}
</table></body></html>
"""
    path = out_dir / "index.html"
    atomic_write(path, page)
    return path


class AuditFailed(RuntimeError):
    """The wave's publication would let a hidden cell be derived; nothing was published."""


def render(data_path: str | None = None, wave: int | None = None, regions: list[str] | None = None,
           jobs: int | None = None, out_dir: Path | None = None, timeout: int = 600, language: str = "nl",
           include: tuple[str, ...] = ("validity", "thesis", "regions"), progress: bool = True,
           instrument_path: str | None = None, min_group_size: int = 5, min_comment_group_size: int = 10
           ) -> list[Result]:
    """Render the reports of one wave (default: the latest) in parallel; returns one result each.

    Arguments are checked first (:func:`check_arguments`); the data are prepared once
    (:func:`monitor.prepare.prepare`), every region's sections are computed with disclosure
    control across the wave (:func:`monitor.sections.wave_reports`) and audited
    (:func:`monitor.disclosure.audit`) before anything is published; then the notebooks run
    and each region report gets its sidecar ``<name>.json``.
    """
    from .disclosure import audit, format_findings
    from .prepare import prepare
    from .sections import report_json, wave_reports

    base = check_arguments(data_path, regions, language, min_group_size, min_comment_group_size, out_dir)
    workers = max(1, jobs or os.cpu_count() or 1)
    work = _private_workdir()
    try:
        # Workers start their kernels and import while this process loads and prepares the data;
        # a signal at any moment cancels queued work, stops every worker and kernel, and raises
        # Interrupted (monitor.execution.WorkerPool).
        with WorkerPool(workers, cwd=NOTEBOOKS_DIR) as pool:
            prepared = prepare(data_path, instrument_path, min_group_size, min_comment_group_size,
                               waves="latest" if wave is None else [int(wave)])
            wave = prepared.waves[-1] if wave is None else int(wave)
            if wave not in prepared.waves:
                raise ValueError(f"wave {wave} is not in the data; it holds {', '.join(map(str, prepared.waves))}")
            names = output_names(prepared.regions)
            out = base / str(wave)
            out.mkdir(parents=True, exist_ok=True)
            reports = wave_reports(prepared, wave) if "regions" in include else {}
            sidecars = {r: report_json(rep) for r, rep in reports.items()}
            verdict = audit(list(sidecars.values())) if sidecars else None
            if verdict is not None and not verdict.ok:
                raise AuditFailed("the disclosure audit found recoverable cells; nothing was published:\n"
                                  + format_findings(verdict))
            clean_leftovers(out)
            with claim(out):
                planned = plan_jobs(prepared, reports, names, work, wave, regions, include, language,
                                    str(Path(data_path).resolve()) if data_path else None, out,
                                    str(Path(instrument_path).resolve()) if instrument_path else None)
                try:
                    results = pool.run(planned, out, timeout=timeout, progress=progress, label=f"wave {wave}",
                                       clean=False)
                except Interrupted as exc:
                    write_index(exc.results, out, wave)
                    raise
                by_name = {names[r]: r for r in reports}
                for result in results:
                    if result.ok and result.kind == "region" and result.name in by_name:
                        sidecar = f"{result.name}.json"
                        atomic_write(out / sidecar, json.dumps(sidecars[by_name[result.name]], ensure_ascii=False,
                                                               indent=1))
                        result.outputs["json"] = sidecar
                write_index(results, out, wave)
                return results
    finally:
        shutil.rmtree(work, ignore_errors=True)
