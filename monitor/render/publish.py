"""Rendering every report of a wave: plan, check, publish.

``monitor render`` (and ``make reports``) runs the validity notebook, the thesis notebook
(when the data hold its module) and one region report per region. Every argument is checked
before any work (:func:`check_arguments`); the data are loaded, validated, scored and
de-identified once (:func:`monitor.reports.prepare.prepare`); every region's sections are computed
with disclosure control across the whole wave and audited before anything is published
(:func:`monitor.reports.sections.wave_reports`, :mod:`monitor.privacy.disclosure`). The prepared sections live
in a private temporary folder outside the output folder and reach each notebook through a
hidden set-up cell, so a saved notebook records only the data file and its SHA-256. Notebooks
run in worker processes that keep one kernel each (:mod:`monitor.render.execution`), each region's as
soon as its sections exist, into a private staging folder; only after the audit of the whole
wave are their files moved into the output folder. Outputs per
region: ``<name>.ipynb``, a self-contained ``<name>.html`` without code, the A4 ``<name>.pdf``
typeset from the same sections (:mod:`monitor.reports.pdf`) and the sidecar ``<name>.json``;
``index.html`` (sortable, in the report language) and ``status.json`` list every report of the wave.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import html
import json
import os
import re
import shutil
import signal
import tempfile
import unicodedata
from pathlib import Path

from ..core.config import NOTEBOOKS_DIR, REPORTS_DIR
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
from ..core.files import atomic_write, describe_os_error, locked

__all__ = ["Job", "Result", "plan_jobs", "render", "check_arguments", "check_formats", "index_summary", "FORMATS", "output_names", "AuditFailed", "WaveResults", "render_one", "run_jobs", "write_index", "to_html", "external_resources", "slug"]

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
    from ..core.config import DEMO_DATA

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
    from ..reports.prepare import check_group_sizes
    from ..core.texts import LANGUAGES

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


def _other_jobs(prepared, include: tuple[str, ...], language: str, data_path: str | None, out: Path,
                wave: int, instrument_path: str | None, mapping_path: str | None) -> list[Job]:
    """The validity notebook and (when the data hold its module) the thesis notebook, reading the
    data through the same instrument and mapping as the region reports."""
    jobs = []
    if "validity" in include and (NOTEBOOKS_DIR / NOTEBOOKS["validity"]).exists():
        jobs.append(Job("validity", NOTEBOOKS_DIR / NOTEBOOKS["validity"],
                        {"data_path": data_path, "wave": wave, "output_dir": str(out / "validity_tables"),
                         "language": language, "invariance_group": "organisation_type"},  # the monitor's two perspectives
                        "validity", "Questionnaire validity"))
    modules = prepared.frame.attrs.get("modules", [])
    if "thesis" in include and (NOTEBOOKS_DIR / NOTEBOOKS["thesis"]).exists() and "samenwerking" in modules:
        jobs.append(Job("collaboration_factors", NOTEBOOKS_DIR / NOTEBOOKS["thesis"],
                        {"data_path": data_path, "output_dir": str(out / "thesis_tables"), "language": language},
                        "thesis", "Collaboration factors"))
    for job in jobs:
        job.parameters.update(instrument_path=instrument_path, mapping_path=mapping_path)
    return jobs


def _region_job(report, region: str, name: str, work: Path, wave: int, sha: str, language: str,
                data_path: str | None, instrument_path: str | None, formats: tuple[str, ...],
                mapping_path: str | None, stem: str | None = None) -> Job:
    """A region report's job: its prepared sections saved as ``<stem>.pkl`` in the private ``work``
    folder and handed over by the hidden set-up cell (never through a saved parameter)."""
    from ..reports.sections import save_report

    stem = stem or name
    path = save_report(report, work / f"{stem}.pkl")
    handed = {"path": str(path), "region": region, "wave": wave, "sha256": sha}
    setup = f"import monitor.reports.notebook as _report\n_report.PREPARED = {handed!r}\ndel _report"
    products = {"pdf": str(work / f"{stem}.pdf")} if "pdf" in formats else {}
    finish = (f"import monitor.reports.pdf as _pdf\n_pdf.write_notebook_pdf(globals(), {products['pdf']!r})\ndel _pdf"
              if products else "")
    return Job(name, NOTEBOOKS_DIR / NOTEBOOKS["region"],
               {"data_path": data_path, "data_sha256": sha, "instrument_path": instrument_path,
                "region": region, "wave": wave, "language": language,
                "min_group_size": report.min_group_size, "min_comment_group_size": report.min_comment_group_size,
                "mapping_path": mapping_path},
               "region", region, setup=setup, finish=finish, products=products, html="html" in formats)


def plan_jobs(prepared, reports: dict, names: dict[str, str], work: Path, wave: int, regions: list[str] | None,
              include: tuple[str, ...], language: str, data_path: str | None, out: Path,
              instrument_path: str | None = None, formats: tuple[str, ...] = FORMATS,
              mapping_path: str | None = None) -> list[Job]:
    """The notebooks to render for one wave; a region report gets its prepared sections
    through :attr:`Job.setup` (never through a saved parameter) and records the data file
    and its SHA-256, so the saved notebook re-runs with papermill as it is.

    With ``"pdf"`` in ``formats`` a region report's kernel typesets its PDF after the last
    cell (:func:`monitor.reports.pdf.write_notebook_pdf`, from the View the notebook showed, its
    figures drawn once). The validity and thesis notebooks are HTML only, whatever ``formats``.
    Every notebook reads the data through the same ``instrument_path`` and ``mapping_path``.
    """
    jobs = _other_jobs(prepared, include, language, data_path, out, wave, instrument_path, mapping_path)
    if "regions" in include:
        chosen = regions or sorted(reports)
        unknown = [r for r in chosen if r not in prepared.regions]
        if unknown:
            raise ValueError(f"unknown region(s): {', '.join(unknown)}; the data hold: {', '.join(prepared.regions)}")
        jobs += [_region_job(reports[r], r, names[r], work, wave, prepared.meta["sha256"], language, data_path,
                             instrument_path, formats, mapping_path)
                 for r in chosen if r in reports]  # a region without respondents in this wave has none
    return jobs


def index_summary(report) -> dict:
    """The figures the index shows for a region report, as the report publishes them: the
    number of respondents, the trust index (the first row of the summary table) and its
    change since the previous wave (the trends table); ``None`` where the report shows none."""
    from ..reports.sections import HIDDEN

    summary = {"n": None, "trust": None, "change": None}
    counts = [c for c in report.cells if c.measure is None and set(c.group) == {"region", "wave"}
              and c.group["wave"] == report.wave and not c.hidden]
    summary["n"] = counts[0].n if counts else (None if report.small else report.n)
    index = None
    for section_key, table_key, column, name in (("summary", "summary", "col_mean", "trust"),
                                                 ("trends", "trends", "col_change", "change")):
        try:
            tables = [t for t in report.section(section_key).tables if t.key == table_key and t.rows]
        except KeyError:
            continue
        keys = [c.key for c in tables[0].columns] if tables else []
        if column not in keys:
            continue
        index = index if index is not None else tables[0].rows[0][0]
        row = next((r for r in tables[0].rows if r[0] == index), None)
        value = row[keys.index(column)] if row else HIDDEN
        summary[name] = None if value is HIDDEN or value != value else float(value)
    return summary


def write_index(results: list[Result], out_dir: Path, wave: int, language: str = "nl") -> Path:
    """``index.html``: every report of the wave with its status, links to its HTML and PDF and,
    for a region, n, the trust index and its change since the previous wave; in ``language``.

    Statuses are kept in ``status.json`` and merged across runs, so rendering one region
    does not drop the others from the index; a report that failed now but rendered before
    is listed as failed, with its previous files still linked.
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
                r.outputs, r.summary = known[r.name].outputs, r.summary or known[r.name].summary
            known[r.name] = r
        results = list(known.values())
        atomic_write(status_path, json.dumps([r.__dict__ for r in results], indent=1, ensure_ascii=False))
        return _write_index_page(results, out_dir, wave, language)


# Sorting the index by a column: a few lines inline, nothing loaded. Each cell's data-sort holds
# its value (a number, or the text); empty cells sort last either way.
_SORT_SCRIPT = """
document.querySelectorAll("table.sortable th button").forEach(function (button, column) {
  button.addEventListener("click", function () {
    var th = button.parentNode, table = th.closest("table"), body = table.tBodies[0];
    var up = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", up ? "ascending" : "descending");
    var key = function (row) { var v = row.cells[column].dataset.sort; return v === "" ? null : v; };
    Array.from(body.rows).sort(function (a, b) {
      var x = key(a), y = key(b);
      if (x === null || y === null) { return (x === null) - (y === null); }
      var nx = Number(x), ny = Number(y);
      var c = (isNaN(nx) || isNaN(ny)) ? x.localeCompare(y) : nx - ny;
      return up ? c : -c;
    }).forEach(function (row) { body.appendChild(row); });
  });
});
"""


def _write_index_page(results: list[Result], out_dir: Path, wave: int, language: str = "nl") -> Path:
    from ..core.texts import number, text

    def t(key, **values):
        return html.escape(text(key, language, **values))

    def cell(shown: str, sort, numeric: bool = False) -> str:
        value = "" if sort is None else html.escape(str(sort))
        return f'<td{" class=num" if numeric else ""} data-sort="{value}">{shown}</td>'

    def link(r: Result, kind: str) -> str:
        name = r.outputs.get(kind)
        return cell(f'<a href="{html.escape(name)}">{kind.upper()}</a>' if name else "–", 1 if name else None)

    rows = []
    for r in sorted(results, key=lambda r: (r.kind != "validity", r.kind != "thesis", r.title)):
        title = html.escape(r.title) if r.kind == "region" else t(f"index_kind_{r.kind}")
        summary = getattr(r, "summary", None) or {}
        n, trust, change = summary.get("n"), summary.get("trust"), summary.get("change")
        status = t("index_ok") if r.ok else t(f"index_{r.status if r.status == 'cancelled' else 'failed'}",
                                               error=r.error)
        rows.append("<tr>" + cell(title, r.title) + cell(t(f"index_kind_{r.kind}"), r.kind)
                    + cell(number(n, ",d", language) if n is not None else "–", n, True)
                    + cell(number(trust, ".2f", language) if trust is not None else "–", trust, True)
                    + cell(number(change, "+.2f", language).replace("-", "−") if change is not None else "–",
                           change, True)
                    + link(r, "html") + link(r, "pdf") + link(r, "json")
                    + cell(status, int(r.ok)) + cell(f"{round(r.seconds):d} s", round(r.seconds), True) + "</tr>")
    heads = "".join(f'<th scope="col"><button type="button">{t(k)}</button></th>' for k in
                    ("index_report", "index_kind", "index_n", "index_trust", "index_change", "index_html", "index_pdf",
                     "index_json", "index_status", "index_time"))
    title = t("index_title", wave=int(wave))
    page = f"""<!DOCTYPE html>
<html lang="{html.escape(language)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
<style>body{{font-family:sans-serif;margin:2em;color:#1a1a1a}}table{{border-collapse:collapse}}
td,th{{padding:.3em .8em;text-align:left;border-bottom:1px solid #ccc}}td.num{{text-align:right}}
th button{{font:inherit;font-weight:bold;background:none;border:0;padding:0;cursor:pointer;color:#1f4e79}}
th[aria-sort=ascending] button::after{{content:" ▲"}}th[aria-sort=descending] button::after{{content:" ▼"}}
a{{color:#1f4e79}}tbody tr:nth-child(even){{background:#f4f4f4}}
@media print{{th button::after{{content:""}}a{{color:inherit}}}}</style></head>
<body><main><h1>{title}</h1>
<p>{t("index_intro")}</p>
<table class="sortable"><thead><tr>{heads}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table></main>
<script>{_SORT_SCRIPT}</script>
</body></html>
"""
    path = out_dir / "index.html"
    atomic_write(path, page)
    return path


def _release_memory() -> None:
    """Give back what preparing the wave took: freed objects, Arrow's pool and (glibc) the heap's
    free pages, before the notebooks run beside this process. (The de-identifier never lives here:
    :func:`monitor.privacy.deidentify.scrub_texts_isolated`.)"""
    import ctypes
    import gc
    import sys

    gc.collect()
    if "pyarrow" in sys.modules:  # pandas' CSV reader allocates through Arrow's own pool
        sys.modules["pyarrow"].default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the memory is reused by this process instead
        pass


class AuditFailed(RuntimeError):
    """The wave's publication would let a hidden cell be derived; nothing was published."""


class WaveResults(list):
    """The :class:`Result` of every report of one render, and ``folder``, the wave's folder they are in."""

    def __init__(self, results: list[Result], folder: Path):
        super().__init__(results)
        self.folder = folder


class _WaveFeed:
    """The jobs of one wave, made while the workers render (:meth:`WorkerPool.run`'s ``feed``).

    Each step builds one region's sections (:func:`monitor.reports.sections.iter_wave_reports`) and
    yields its job, so the first reports render while the next are computed. Every job writes
    into a private staging folder, never the output folder: a region rebuilt after the wave's
    secondary suppression is fed again (superseding its first job, in a second staging folder),
    and once every region is final the audit runs over all of them; only if it passes are the
    validity and thesis notebooks fed, and :meth:`publish` moves the files into the output
    folder. An audit that fails raises :class:`AuditFailed` from the feed: the run ends and
    nothing is published.
    """

    def __init__(self, prepared, wave: int, regions: list[str] | None, include: tuple[str, ...], names: dict[str, str],
                 work: Path, out: Path, language: str, data_path: str | None, instrument_path: str | None,
                 formats: tuple[str, ...], mapping_path: str | None):
        self.prepared, self.wave, self.regions, self.include, self.names = prepared, wave, regions, include, names
        self.work, self.out, self.language, self.formats = work, out, language, formats
        self.paths = {"data_path": data_path, "instrument_path": instrument_path, "mapping_path": mapping_path}
        self.audited = False
        self.sidecars: dict[str, str] = {}  # by output name, as text: one per region report of the wave
        self.summaries: dict[str, dict] = {}
        self.staged_in: dict[str, Path] = {}

    def _staged(self, job: Job, step: int) -> Job:
        folder = self.work / f"stage-{step}"
        folder.mkdir(mode=0o700, exist_ok=True)
        job.out = str(folder)
        self.staged_in[job.name] = folder  # a name's latest job is the one whose result counts
        return job

    def steps(self):
        from ..privacy.disclosure import audit, format_findings
        from ..reports.sections import iter_wave_reports, report_json

        prepared, sha = self.prepared, self.prepared.meta["sha256"]
        if "regions" in self.include:
            wanted = set(self.regions or prepared.regions)
            reports, builds = {}, {}
            for region, report in iter_wave_reports(prepared, self.wave):
                reports[region] = report
                builds[region] = step = builds.get(region, 0) + 1
                if region not in wanted:
                    yield []
                    continue
                name = self.names[region]
                job = _region_job(report, region, name, self.work, self.wave, sha, self.language,
                                  self.paths["data_path"], self.paths["instrument_path"], self.formats,
                                  self.paths["mapping_path"], stem=f"{name}-{step}")
                yield [self._staged(job, step)]
            sidecars = {r: report_json(rep) for r, rep in reports.items()}
            verdict = audit(list(sidecars.values())) if sidecars else None
            if verdict is not None and not verdict.ok:
                raise AuditFailed("the disclosure audit found recoverable cells; nothing was published:\n"
                                  + format_findings(verdict))
            for region, report in reports.items():
                if region in wanted:
                    name = self.names[region]
                    self.summaries[name] = index_summary(report)
                    # One line, by the C encoder (indenting takes Python's own, 10x slower: 1.3 s a wave).
                    self.sidecars[name] = json.dumps(sidecars[region], ensure_ascii=False)
            del reports, sidecars
        self.audited = True
        others = _other_jobs(prepared, self.include, self.language, self.paths["data_path"], self.out, self.wave,
                             self.paths["instrument_path"], self.paths["mapping_path"])
        for job in others:
            job.ahead = True  # the longest notebooks: started next, not last
        self.prepared = prepared = None  # the notebooks read their own files: the data go before the last reports
        _release_memory()
        yield [self._staged(job, 1) for job in others]

    def publish(self, results: list[Result]) -> None:
        """Move each report's files from its staging folder into the output folder (a rename; a
        copy, written whole, when the two are on different file systems), write each region's
        sidecar, and give each region's result the figures the index shows."""
        for result in results:
            staged = self.staged_in.get(result.name)
            if staged is None:
                continue
            files = list(result.outputs.values()) if result.ok else [f"{result.name}.failed.ipynb"]
            try:
                for file in files:
                    if (staged / file).exists():
                        _move(staged / file, self.out / file)
            except OSError as exc:  # a full disk, say: this report failed, the others are published
                result.ok, result.status, result.outputs = False, "failed", {}
                result.error = f"cannot publish {describe_os_error(exc, self.out / file)}"
                continue
            if result.ok:
                with contextlib.suppress(FileNotFoundError):
                    (self.out / f"{result.name}.failed.ipynb").unlink()
            if result.kind == "region" and result.name in self.sidecars:
                result.summary = self.summaries[result.name]
                if result.ok:
                    atomic_write(self.out / f"{result.name}.json", self.sidecars[result.name])
                    result.outputs["json"] = f"{result.name}.json"


def _move(source: Path, target: Path) -> None:
    try:
        os.replace(source, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        atomic_write(target, source.read_bytes())


def render(data_path: str | None = None, wave: int | None = None, regions: list[str] | None = None,
           jobs: int | None = None, out_dir: Path | None = None, timeout: int = 600, language: str = "nl",
           include: tuple[str, ...] = ("validity", "thesis", "regions"), progress: bool = True,
           instrument_path: str | None = None, min_group_size: int = 5, min_comment_group_size: int = 10,
           formats: tuple[str, ...] | str = FORMATS, mapping_path: str | None = None) -> WaveResults:
    """Render the reports of one wave (default: the latest) in parallel; returns one result each.

    Arguments are checked first (:func:`check_arguments`); the data are prepared once
    (:func:`monitor.reports.prepare.prepare`); every region's sections are computed with disclosure
    control across the wave (:func:`monitor.reports.sections.iter_wave_reports`), each region's
    notebook rendering while the next region is computed, into a private staging folder; the
    audit of the whole wave (:func:`monitor.privacy.disclosure.audit`) decides whether anything is
    published (:class:`AuditFailed`: nothing is). Each region report gets its sidecar
    ``<name>.json``, and its PDF when ``formats`` holds ``"pdf"`` (default: ``("html", "pdf")``).
    """
    from ..reports.prepare import prepare

    formats = check_formats(formats)
    base = check_arguments(data_path, regions, language, min_group_size, min_comment_group_size, out_dir)
    workers = max(1, jobs or os.cpu_count() or 1)
    work = _private_workdir()
    try:
        # The data are loaded, scored and de-identified first; the de-identifier loads in a child
        # process meanwhile and never enters this one. The workers start once that child has ended
        # (the two never hold memory at once), while this process still fits the invariance
        # models; their kernels start and import while it computes the first regions' sections.
        # From then on each region's notebook renders while the next region is computed
        # (_WaveFeed), into a private staging folder: the audit of the whole wave decides whether
        # anything is published. While the pool is open a signal cancels queued work, stops every
        # worker and kernel, and raises Interrupted (monitor.render.execution.WorkerPool); before,
        # Ctrl-C raises KeyboardInterrupt and the next render removes what a SIGTERM left (the
        # private work folder).
        from .kernel import ensure_kernel  # [mapping/kernel, issue 10] the project kernel on any install route

        pool = WorkerPool(workers, kernel=ensure_kernel(), cwd=NOTEBOOKS_DIR)
        try:
            prepared = prepare(data_path, instrument_path, min_group_size, min_comment_group_size,
                               waves="latest" if wave is None else [int(wave)], mapping=mapping_path,
                               isolate_deidentification=True,  # the de-identifier's 500 MB never enter this process
                               on_deidentified=pool.start)
        except BaseException:
            pool.close()
            raise
        with pool:
            wave = prepared.waves[-1] if wave is None else int(wave)
            if wave not in prepared.waves:
                raise ValueError(f"wave {wave} is not in the data; it holds {', '.join(map(str, prepared.waves))}")
            if regions:
                unknown = [r for r in regions if r not in prepared.regions]
                if unknown:
                    raise ValueError(f"unknown region(s): {', '.join(unknown)}; "
                                     f"the data hold: {', '.join(prepared.regions)}")
            _release_memory()
            out = base / str(wave)
            out.mkdir(parents=True, exist_ok=True)
            feed = _WaveFeed(prepared, wave, regions, include, output_names(prepared.regions), work, out, language,
                             str(Path(data_path).resolve()) if data_path else None,
                             str(Path(instrument_path).resolve()) if instrument_path else None, formats,
                             str(Path(mapping_path).resolve()) if mapping_path else None)
            del prepared  # the feed holds it until the last region is built
            clean_leftovers(out)
            with claim(out):
                try:
                    results = pool.run([], work / "stage-1", timeout=timeout, progress=progress,
                                       label=f"wave {wave}", clean=False, feed=feed.steps())
                except Interrupted as exc:
                    if feed.audited:  # what finished after the audit passed is published
                        feed.publish(exc.results)
                    else:  # the wave was not audited: nothing of it is published
                        for result in exc.results:
                            if result.ok:
                                result.error = f"cancelled by {signal.Signals(exc.signum).name} before the wave's audit"
                            result.ok, result.status, result.outputs = False, "cancelled", {}
                    write_index(exc.results, out, wave, language)
                    raise
                feed.publish(results)
                results.sort(key=lambda r: (r.kind != "validity", r.kind != "thesis"))  # as planned before
                write_index(results, out, wave, language)
                return WaveResults(results, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
