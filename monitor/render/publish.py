"""Rendering every report of a wave: plan, check, publish.

``monitor render`` (and ``make reports``) runs the validity notebook, the thesis notebook
(when the data hold its module) and one region report per region. Every argument is checked
before any work (:func:`check_arguments`); the data are loaded, validated, scored and
de-identified once (:func:`monitor.reports.prepare.prepare`); every region's sections are computed
with disclosure control across the whole wave and audited before anything is published
(:func:`monitor.reports.sections.wave_reports`, :mod:`monitor.privacy.disclosure`). The prepared sections live
in a private temporary folder outside the output folder and reach each notebook through a
hidden set-up cell, so a saved notebook records only the data file and its SHA-256. Notebooks
run in worker processes that keep one kernel each (:mod:`monitor.render.pool`, :mod:`monitor.render.worker`), each region's as
soon as its sections exist, into a private staging folder; only after the audit of the whole
wave are their files moved into the output folder. Outputs per
region: ``<name>.ipynb``, a self-contained ``<name>.html`` without code, the A4 ``<name>.pdf``
typeset from the same sections (:mod:`monitor.reports.pdf`) and the sidecar ``<name>.json``;
``index.html`` (sortable, in the report language) and ``status.json`` list every report of the wave.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import gc
import json
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

from ..core.config import NOTEBOOKS_DIR
from ..core.files import atomic_write, describe_os_error, ensure_folder, refuse_symlink
from .index import index_summary, write_index
from .jobs import Interrupted, Job, Result, claim, clean_leftovers, process_alive
from .plan import FORMATS, check_arguments, check_formats, other_jobs, output_names, region_job
from .pool import WorkerPool

__all__ = ["render", "AuditFailed", "WaveResults", "WORK_PREFIX"]













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
        if pid != os.getpid() and not process_alive(pid) and old.stat().st_uid == os.getuid():
            shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-"))
















# Sorting the index by a column: a few lines inline, nothing loaded. Each cell's data-sort holds
# its value (a number, or the text); empty cells sort last either way.




def _release_memory() -> None:
    """Give back what preparing the wave took: freed objects, Arrow's pool and (glibc) the heap's
    free pages, before the notebooks run beside this process. (The de-identifier never lives here:
    :func:`monitor.privacy.deidentify_isolated.scrub_texts_isolated`.)"""
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
                 formats: tuple[str, ...], mapping_path: str | None, store: str | None = None):
        self.prepared, self.wave, self.regions, self.include, self.names = prepared, wave, regions, include, names
        self.work, self.out, self.language, self.formats = work, out, language, formats
        self.paths = {"data_path": data_path, "instrument_path": instrument_path, "mapping_path": mapping_path}
        self.store = store
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
        # The audit (SciPy) and the sections (pandas): loaded by prepare already, named here where used
        from ..privacy.disclosure import audit
        from ..privacy.findings import format_findings
        from ..reports.sidecar import report_json
        from ..reports.wave import iter_wave_reports

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
                job = region_job(report, region, name, self.work, self.wave, sha, self.language,
                                  self.paths["data_path"], self.paths["instrument_path"], self.formats,
                                  self.paths["mapping_path"], stem=f"{name}-{step}", store=self.store)
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
        others = other_jobs(prepared, self.include, self.language, self.paths["data_path"], self.out, self.wave,
                             self.paths["instrument_path"], self.paths["mapping_path"], self.store)
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
           formats: tuple[str, ...] | str = FORMATS, mapping_path: str | None = None,
           store: str | Path | None = None) -> WaveResults:
    """Render the reports of one wave (default: the latest) in parallel; returns one result each.

    Arguments are checked first (:func:`check_arguments`); the data are prepared once
    (:func:`monitor.reports.prepare.prepare`); every region's sections are computed with disclosure
    control across the wave (:func:`monitor.reports.sections.iter_wave_reports`), each region's
    notebook rendering while the next region is computed, into a private staging folder; the
    audit of the whole wave (:func:`monitor.privacy.disclosure.audit`) decides whether anything is
    published (:class:`AuditFailed`: nothing is). Each region report gets its sidecar
    ``<name>.json``, and its PDF when ``formats`` holds ``"pdf"`` (default: ``("html", "pdf")``).

    ``store``: a wave store's folder (:mod:`monitor.survey.store`), read once instead of
    ``data_path``, so that trends span every stored wave; the notebooks get it as their ``store``
    parameter, and the sidecars record the store folder's name and its manifest's SHA-256.
    """
    from ..reports.prepare import prepare  # pandas and the readers (about 1 s): not before the arguments are checked

    formats = check_formats(formats)
    # Resolved once, here: the notebooks' kernels run in notebooks/, where a relative path means another file.
    data_path, instrument_path, mapping_path = (str(Path(p).resolve()) if p else None
                                                for p in (data_path, instrument_path, mapping_path))
    store = str(Path(store).resolve()) if store is not None else None
    if store is not None and mapping_path:
        raise ValueError("a mapping applies to a data file; the store's waves are mapped already")
    base = check_arguments(data_path, regions, language, min_group_size, min_comment_group_size, out_dir, store)
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
        # worker and kernel, and raises Interrupted (monitor.render.pool.WorkerPool); before,
        # Ctrl-C raises KeyboardInterrupt and the next render removes what a SIGTERM left (the
        # private work folder).
        from .kernel import ensure_kernel  # [mapping/kernel, issue 10] the project kernel on any install route

        pool = WorkerPool(workers, kernel=ensure_kernel(), cwd=NOTEBOOKS_DIR)
        try:
            prepared = prepare(data_path, instrument_path, min_group_size, min_comment_group_size,
                               waves="latest" if wave is None else [int(wave)], mapping=mapping_path, store=store,
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
            out = ensure_folder(base / str(wave))  # never through a planted link, nor the tables or the lock
            for inside in ("validity_tables", "thesis_tables", ".status.lock"):
                refuse_symlink(out / inside)
            feed = _WaveFeed(prepared, wave, regions, include, output_names(prepared.regions), work, out, language,
                             data_path, instrument_path, formats, mapping_path, store)
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
