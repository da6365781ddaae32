"""The ``monitor`` command line.

``monitor check DATA``
    Validate a survey export; print a short summary (exit 0) or one error line (exit 2).
``monitor score DATA --by region,wave [--out FILE.csv] [--full-precision]``
    Scale scores aggregated by background variables, small groups suppressed; counts as whole
    numbers, other figures to 2 decimals unless ``--full-precision``; % favourable only for
    measures on the answer scale (not for ``years_collaboration``).
``monitor simulate OUT.csv --regions N --respondents N --waves N --seed S``
    Simulated responses from a known population model, with ``<stem>.truth.json`` beside.
``monitor render [--wave W] [--region R] [--jobs N]``
    Render the validity, thesis and region reports of a wave into ``reports/<wave>/``
    (exit 130/143/129 when interrupted by SIGINT/SIGTERM/SIGHUP, after stopping every worker).
``monitor waves add EXPORT [--wave YEAR] [--store DIR] [--replace]``, ``monitor waves list``, ``monitor waves remove YEAR``
    The wave store (default ``data/store/``): one export per year in the instrument's form;
    ``check --store DIR`` and ``score --store DIR`` read every stored wave instead of a file.
``monitor audit DIR``
    Prove from the sidecars of a rendered wave that no hidden cell can be derived (exit 1 if one can).

Every command takes ``--instrument FILE``, ``--quiet`` (only errors on standard error: no progress,
no final line) and ``--verbose`` (also each step with its time), before or after the command's
name; a progress bar is drawn only on a terminal. A command that writes ends with one line on
standard error saying what it wrote where (``wrote … to …``); results meant for a pipe go to
standard output.

Exit codes: 0 success; 1 some report failed (``render``); 2 a problem with the user's
arguments, data or environment (bad option value, file exists without ``--force``, missing or
read-only folder, permission denied, disk full), reported as one line ``error: <path>: <cause>``
(argparse's own usage errors also exit 2); 130 interrupted (Ctrl-C); 141 (128 + SIGPIPE, what
``cat`` or ``seq`` give) when the reader of standard output went away, e.g. ``monitor score … | head``:
nothing is printed then, and ``set -o pipefail`` scripts see the same status as for other tools.
Every file is written through :mod:`monitor.core.files`: whole or not at all, no temporary file left.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

from . import __version__
from .core.config import DEMO_SETTINGS, DEMO_TRUTH, REPORTS_DIR, STORE_DIR
from .core.escaping import csv_safe
from .core.files import FileExistsNoForce, atomic_writer, describe_os_error
from .survey.instrument import InstrumentError, load_instrument
from .survey.responses import read_responses, summarise_responses
from .survey.scoring import DEFAULT_MIN_GROUP_SIZE, DEFAULT_MIN_SHARE, aggregate, theme_scores
from .survey.sources import DataError
from .survey.store import add_wave, list_waves, read_export, read_store, remove_wave, waves_table

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as for coreutils killed by SIGPIPE


class UsageError(Exception):
    """A problem with the command's arguments or output files, reported in one line."""


QUIET, NORMAL, VERBOSE = 0, 1, 2
#: Columns of ``monitor score`` rounded to this many decimals unless ``--full-precision``.
SCORE_DECIMALS = 2


def _say(args, message: str, level: int = NORMAL) -> None:
    """A message for the person at the terminal, on standard error, shown from verbosity ``level`` up."""
    if getattr(args, "verbosity", NORMAL) >= level:
        print(message, file=sys.stderr)


def _is_terminal(stream) -> bool:
    """Whether ``stream`` is a terminal: a progress bar redrawn in place belongs there, not in a log file."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _instrument(args):
    instrument = load_instrument(args.instrument)
    _say(args, f"instrument {args.instrument or 'data/instrument.yaml'} (version {instrument.version})", VERBOSE)
    return instrument


def _load(args, instrument):
    """Load and validate ``args.data``, or every wave of ``--store``
    (:class:`~monitor.survey.responses.Responses`); with ``--verbose``, say how long it took."""
    start = time.perf_counter()
    if _data_or_store(args) == "store":
        responses = read_store(args.store, instrument)
    else:
        responses = read_responses(args.data, instrument, **_mapping_arguments(args, instrument))
    _say(args, f"loaded {len(responses.frame):,} responses from {responses.source} in "
               f"{time.perf_counter() - start:.1f} s", VERBOSE)
    return responses


def _data_or_store(args) -> str:
    """``"data"`` or ``"store"``: which one the command reads; exactly one of them is given."""
    store = getattr(args, "store", None)
    if (args.data is None) == (store is None):
        raise UsageError("give a data file or --store DIR (one of the two)")
    if store is not None and getattr(args, "mapping", None):
        raise UsageError("--mapping applies to a data file; the store's waves are mapped already")
    return "store" if store is not None else "data"


def cmd_check(args) -> int:
    responses = _load(args, _instrument(args))
    print(f"{responses.source}: OK")
    print(summarise_responses(responses))
    return 0


def _writable(path: Path, force: bool) -> Path:
    """Check that ``path`` can be written, before any slow work; raise a one-line error if not.

    The folder must exist and take a new file: a temporary file is created there and removed
    again, which finds read-only file systems and missing permissions where ``os.access`` and
    the mode bits cannot (root, ACLs, read-only mounts). An existing file needs ``force``; one
    that appears later is still refused, race-free, when the output is published
    (``atomic_writer(overwrite=False)``). A full disk shows only when writing.
    """
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"{folder}: {'not a folder' if folder.exists() else 'no such folder'}")
    if path.is_dir():
        raise UsageError(f"{path}: is a folder")
    if not force and (path.exists() or path.is_symlink()):
        raise FileExistsNoForce(path)
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UsageError(describe_os_error(exc, folder)) from exc
    try:
        os.close(fd)
    finally:
        os.unlink(probe)
    return path


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (also through links, or before either exists)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


@contextlib.contextmanager
def _write_errors(path: Path):
    """Report an ``OSError`` while writing ``path`` in one line naming ``path`` (not a temporary file)."""
    try:
        yield
    except (FileExistsNoForce, BrokenPipeError):
        raise
    except OSError as exc:
        raise UsageError(describe_os_error(exc, path)) from exc


def _positive(text: str) -> int:
    """``type=`` for counts: an integer of at least 1."""
    return _integer_from(text, 1)


def _seed(text: str) -> int:
    """``type=`` for ``--seed``: an integer of at least 0 (what numpy accepts)."""
    return _integer_from(text, 0)


def _integer_from(text: str, minimum: int, why: str = "") -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"must be at least {minimum}{why}, not {value}")
    return value


def _group_size(text: str) -> int:
    """``type=`` for ``--min-group-size``: at least 2, as a group of 1 is a person."""
    return _integer_from(text, 2, " (a group of 1 is a person)")


def _share(text: str) -> float:
    """``type=`` for ``--min-share``: a number in (0, 1]."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must lie in (0, 1], not {text}")
    return value


def cmd_score(args) -> int:
    out = Path(args.out) if args.out else None
    if out is not None:  # before the (slow) load
        if args.data is not None and _same_file(out, Path(args.data)):
            raise UsageError(f"{out}: --out is the input file; choose another name")
        _writable(out, args.force)
    instrument = _instrument(args)
    frame = _load(args, instrument).frame
    by = [c.strip() for c in args.by.split(",") if c.strip()]
    unknown = [c for c in by if c not in frame.columns or c in instrument.item_ids]
    if unknown:
        raise UsageError(f"--by: not a background variable in the data: {', '.join(unknown)} "
                         f"(choose from {', '.join(c for c in instrument.background_ids if c in frame)})")
    scores = theme_scores(frame, instrument, min_share=args.min_share)
    on_answer_scale = [s.id for s in instrument.scales] + [m.index["id"] for m in instrument.modules if m.index]
    table = score_table(aggregate(scores, by=by, min_group_size=args.min_group_size, favourable=on_answer_scale),
                        full_precision=args.full_precision)
    table = csv_safe(table)  # a group named "=HYPERLINK(...)" is text in a spreadsheet, never a formula
    if out is not None:
        with _write_errors(out), atomic_writer(out, overwrite=args.force) as tmp:
            table.to_csv(tmp, index=False)
    else:
        table.to_csv(sys.stdout, index=False)
        sys.stdout.flush()  # a closed pipe shows here, inside main, not at interpreter exit
    _say(args, f"wrote {len(table):,} rows ({table['measure'].nunique()} measures by {', '.join(by)}) to "
               f"{out if out is not None else 'standard output'}")
    return 0


def score_table(table, full_precision: bool = False):
    """``monitor score``'s CSV: counts as whole numbers (blank where suppressed), figures rounded.

    Means, SDs, CI bounds and % favourable are rounded to :data:`SCORE_DECIMALS` decimals (a
    mean of 1-5 answers is not known to more), unless ``full_precision``.
    """
    table = table.copy()
    table["n"] = table["n"].round().astype("Int64")
    if not full_precision:
        figures = [c for c in ("mean", "sd", "ci_low", "ci_high", "pct_favourable") if c in table]
        table[figures] = table[figures].round(SCORE_DECIMALS)
    return table


def cmd_simulate(args) -> int:
    from .survey.synthetic import simulate, write_simulation

    settings = dict(DEMO_SETTINGS) if args.preset == "demo" else {}
    for key in ("regions", "respondents", "waves", "seed", "first_wave"):
        value = getattr(args, key)
        if value is not None:
            settings[key] = value
    out = Path(args.out)
    truth = Path(args.truth) if args.truth else (DEMO_TRUTH if args.preset == "demo" and out.name == "responses.csv"
                                                  else out.with_name(out.stem + ".truth.json"))
    if _same_file(out, truth):
        raise UsageError(f"{out}: the data and --truth cannot be the same file; choose another name")
    for path in (out, truth):  # before the (slow) simulation
        _writable(path, args.force)
    start = time.perf_counter()
    total = settings.get("respondents", 1200) * settings.get("waves", 3)
    _say(args, f"simulating {total:,} responses ...")
    _say(args, "settings: " + ", ".join(f"{k}={v}" for k, v in sorted(settings.items())), VERBOSE)
    try:
        sim = simulate(instrument=_instrument(args), **settings)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    try:
        write_simulation(sim, out, truth, overwrite=args.force)
    except (FileExistsNoForce, BrokenPipeError):
        raise
    except OSError as exc:  # write_simulation names the target (data or truth) in the error
        raise UsageError(describe_os_error(exc)) from exc
    _say(args, f"wrote {total:,} responses to {out} and the true model to {truth} in {time.perf_counter() - start:.1f} s")
    return 0


def cmd_render(args) -> int:
    from .render.publish import render

    include = tuple(part.strip() for part in args.only.split(",")) if args.only else ("validity", "thesis", "regions")
    unknown = [part for part in include if part not in ("validity", "thesis", "regions")]
    if unknown:
        raise UsageError(f"--only: unknown part(s) {', '.join(unknown)}; choose from validity, thesis, regions")
    if args.store is not None and args.mapping:
        raise UsageError("--mapping applies to a data file; the store's waves are mapped already")
    if args.mapping:  # checked before any kernel starts; says what is still to review
        _mapping_arguments(args, _instrument(args))
    from .render.jobs import Interrupted
    from .render.publish import AuditFailed

    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, not {args.jobs}")
    if args.timeout < 1:
        raise UsageError(f"--timeout must be at least 1 second, not {args.timeout}")
    try:
        results = render(data_path=args.data, wave=args.wave, regions=args.region, jobs=args.jobs,
                         out_dir=Path(args.out) if args.out else None, timeout=args.timeout,
                         language=args.language, include=include,
                         progress=args.verbosity >= NORMAL and _is_terminal(sys.stderr),
                         instrument_path=args.instrument, min_group_size=args.min_group_size,
                         min_comment_group_size=args.min_comment_group_size, formats=args.formats,
                         mapping_path=args.mapping, store=args.store)
    except AuditFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Interrupted as exc:
        print(f"interrupted ({exc}): {sum(r.ok for r in exc.results)} rendered, "
              f"{sum(r.status == 'cancelled' for r in exc.results)} cancelled; see index.html", file=sys.stderr)
        return exc.exit_code
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    failed = [r for r in results if not r.ok]
    folder = getattr(results, "folder", Path(args.out or REPORTS_DIR))
    for r in results:
        if r.ok:
            _say(args, f"  {r.title}: {', '.join(str(folder / name) for name in r.outputs.values())} ({r.seconds:.1f} s)",
                 VERBOSE)
    for r in failed:  # failures show even with --quiet: the exit status alone does not say which
        print(f"FAILED {r.title}: {r.error}", file=sys.stderr)
    _say(args, f"wrote {len(results) - len(failed)} of {len(results)} report(s) to {folder}{os.sep} "
               f"(open {folder / 'index.html'})")
    return 1 if failed else 0


def _mapping_arguments(args, instrument) -> dict:
    """``--mapping/--sheet/--header-row`` for the loader; says when a mapping still has lines to review."""
    from .survey.mapping import CHECK_MARK, load_mapping

    mapping = getattr(args, "mapping", None)
    if mapping is not None:
        mapping = load_mapping(mapping, instrument)
        if mapping.unreviewed:
            _say(args, f"{mapping.path}: {mapping.unreviewed} line(s) still marked {CHECK_MARK}; review them")
    return {"mapping": mapping, "sheet": getattr(args, "sheet", None), "header_row": getattr(args, "header_row", None)}


def cmd_mapping(args) -> int:
    """``monitor mapping propose EXPORT --out mapping.yaml``: a mapping proposed for review."""
    from .survey.platforms import read_export
    from .survey.propose import propose

    out = Path(args.out) if args.out else None
    if out is not None:
        if _same_file(out, Path(args.export)):
            raise UsageError(f"{out}: --out is the export; choose another name")
        _writable(out, args.force)
    instrument = _instrument(args)
    start = time.perf_counter()
    proposal = propose(read_export(args.export, sheet=args.sheet, header_row=args.header_row), instrument,
                       source=args.export)
    if out is None:
        sys.stdout.write(proposal.text)
    else:
        with _write_errors(out), atomic_writer(out, overwrite=args.force) as tmp:
            Path(tmp).write_text(proposal.text, encoding="utf-8")
    _say(args, f"{args.export}: {proposal.export.layout} layout; {len(proposal.columns)} column(s) mapped, "
               f"{len(proposal.ignored)} ignored, {proposal.checks} line(s) marked CHECK "
               f"({time.perf_counter() - start:.1f} s)" + (f"; wrote {out}" if out else ""))
    return 0


def _add_mapping_options(p, sheet: bool = True) -> None:
    p.add_argument("--mapping", help="mapping file of a survey platform's export (monitor mapping propose)")
    if sheet:
        p.add_argument("--sheet", help="Excel: the sheet with the data (name or number; default the first)")
        p.add_argument("--header-row", type=_positive, dest="header_row",
                       help="Excel: the row of the column names (default the first row with cells)")


def cmd_audit(args) -> int:
    from .privacy.disclosure import audit_folder
    from .privacy.findings import format_findings

    try:
        result = audit_folder(args.folder)
    except (FileNotFoundError, ValueError) as exc:
        raise UsageError(str(exc)) from exc
    print(f"{result.cells_checked:,} cells checked, {result.hidden_cells:,} hidden, "
          f"{len(result.recoverable_cells):,} recoverable")
    findings = format_findings(result)
    if findings:
        print(findings)
    return 1 if result.recoverable else 0


def cmd_waves(args) -> int:
    """``monitor waves add|list|remove``: the wave store (:mod:`monitor.survey.store`)."""
    store = Path(args.store) if args.store else STORE_DIR
    if args.waves_command == "list":
        waves = list_waves(store)
        if not waves:
            _say(args, f"no waves stored in {store}")
            return 0
        print(waves_table(waves).to_string(index=False))
        return 0
    if args.waves_command == "remove":
        removed = remove_wave(args.year, store)
        _say(args, f"removed {removed.summary()} from {store}")
        return 0
    instrument = _instrument(args)
    start = time.perf_counter()
    responses = read_export(args.export, instrument, wave=args.wave, **_mapping_arguments(args, instrument))
    entry, change = add_wave(responses, instrument, store, wave=args.wave, replace=args.replace)
    _say(args, change.describe())
    excluded = "".join(f", {n:,} excluded ({reason})" for reason, n in entry.excluded.items())
    _say(args, f"wrote {entry.summary()} to {store}{os.sep}: {entry.rows_read:,} read, {entry.rows_kept:,} kept"
               f"{excluded} ({time.perf_counter() - start:.1f} s)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="monitor", description="Samenwerkingsmonitor workbench.",
                                     parents=[_common_options(top=True)])
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    common = [_common_options()]  # every command: --instrument, --quiet / --verbose, also after its name

    p = sub.add_parser("check", help="validate a survey export and summarise it", parents=common)
    p.add_argument("data", nargs="?", help="a .csv, .xlsx or .sav file (or --store)")
    p.add_argument("--store", metavar="DIR", help="read every wave of a wave store instead of a data file")
    _add_mapping_options(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("score", help="aggregate scale scores by background variables", parents=common)
    p.add_argument("data", nargs="?", help="a .csv, .xlsx or .sav file (or --store)")
    p.add_argument("--store", metavar="DIR", help="read every wave of a wave store instead of a data file")
    p.add_argument("--by", required=True, help="comma-separated background variables, e.g. region,wave")
    p.add_argument("--out", help="CSV file to write (default: standard output)")
    p.add_argument("--min-group-size", type=_group_size, default=DEFAULT_MIN_GROUP_SIZE,
                   help="hide groups with fewer answers, at least 2 (default %(default)s)")
    p.add_argument("--min-share", type=_share, default=DEFAULT_MIN_SHARE,
                   help="share of a scale's items that must be answered (default 2/3)")
    p.add_argument("--full-precision", action="store_true",
                   help=f"every digit of the figures (default: {SCORE_DECIMALS} decimals)")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    _add_mapping_options(p)
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("simulate", help="simulate responses from a known population model", parents=common)
    p.add_argument("out", help="CSV file to write; the truth goes to <stem>.truth.json beside it")
    p.add_argument("--regions", type=_positive)
    p.add_argument("--respondents", type=_positive, help="respondents per wave, all regions together")
    p.add_argument("--waves", type=_positive)
    p.add_argument("--seed", type=_seed)
    p.add_argument("--first-wave", type=int, dest="first_wave", help="year of the first wave")
    p.add_argument("--preset", choices=["demo"], help="the settings of the committed demo data")
    p.add_argument("--truth", help="where to write the true model parameters (JSON)")
    p.add_argument("--force", action="store_true", help="overwrite existing files")
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("render", help="render the validity, thesis and region reports of a wave", parents=common)
    source = p.add_mutually_exclusive_group()
    source.add_argument("--data", help="survey export (default: the demo data)")
    source.add_argument("--store", metavar="DIR", help="read every wave of a wave store instead of a data file")
    p.add_argument("--wave", type=int, help="wave to report (default: the latest)")
    p.add_argument("--region", action="append", help="a region to render (repeatable; default: all)")
    p.add_argument("--jobs", type=int, help="notebooks rendered at once (default: all cores)")
    p.add_argument("--out", help="output folder (default: reports/)")
    p.add_argument("--timeout", type=int, default=600, help="seconds per notebook cell (default %(default)s)")
    p.add_argument("--language", choices=["nl", "en"], default="nl", help="language of region reports")
    p.add_argument("--only", help="comma-separated: validity, thesis, regions (default: all)")
    p.add_argument("--format", default="html,pdf", dest="formats",
                   help="region report formats, comma-separated: html, pdf (default %(default)s)")
    p.add_argument("--min-group-size", type=int, default=5, dest="min_group_size",
                   help="no figure for a group with fewer respondents (at least 2; default %(default)s)")
    p.add_argument("--min-comment-group-size", type=int, default=10, dest="min_comment_group_size",
                   help="open answers only for groups this large (default %(default)s)")
    _add_mapping_options(p, sheet=False)
    p.set_defaults(func=cmd_render)

    # --quiet/--verbose on the subcommands only: argparse lets a subcommand's defaults override the group's.
    p = sub.add_parser("mapping", help="map a survey platform's export to the instrument")
    mapping = p.add_subparsers(dest="mapping_command", required=True)
    p = mapping.add_parser("propose", help="propose a mapping file for review", parents=common)
    p.add_argument("export", help="the platform's export: .csv, .xlsx or .sav")
    p.add_argument("--out", help="mapping file to write (default: standard output)")
    p.add_argument("--sheet", help="Excel: the sheet with the data (default: the fullest)")
    p.add_argument("--header-row", type=_positive, dest="header_row",
                   help="Excel: the row of the column names (default: found below a title block)")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.set_defaults(func=cmd_mapping)

    p = sub.add_parser("audit", help="check published sidecars for hidden figures that can be derived", parents=common)
    p.add_argument("folder", metavar="DIR", help="folder with the sidecar JSON files published together (a wave)")
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("waves", help="the wave store: one export per year, read as one by --store")
    waves = p.add_subparsers(dest="waves_command", required=True)
    store_help = "the store's folder (default: data/store/)"
    p = waves.add_parser("add", help="read, map and validate an export and store it as one wave", parents=common)
    p.add_argument("export", help="the export of one wave: .csv, .xlsx or .sav")
    p.add_argument("--wave", type=int, help="its year (default: the export's wave column, which must hold one)")
    p.add_argument("--store", metavar="DIR", help=store_help)
    p.add_argument("--replace", action="store_true", help="replace the wave if it is stored already")
    _add_mapping_options(p)
    p.set_defaults(func=cmd_waves)
    p = waves.add_parser("list", help="the stored waves: source, hashes, rows read and kept", parents=common)
    p.add_argument("--store", metavar="DIR", help=store_help)
    p.set_defaults(func=cmd_waves)
    p = waves.add_parser("remove", help="take a wave out of the store", parents=common)
    p.add_argument("year", type=int, help="the wave's year")
    p.add_argument("--store", metavar="DIR", help=store_help)
    p.set_defaults(func=cmd_waves)
    return parser


def _common_options(top: bool = False) -> argparse.ArgumentParser:
    """``--instrument`` and ``--quiet``/``--verbose``: given before the command (the ``top``
    parser, which holds the defaults) or after it (every command, argparse's ``parents=``).

    A command's copies default to ``SUPPRESS``: argparse copies a command's values over the
    top parser's, so a default there would undo ``monitor -q check …``.
    """
    def default(value):
        return value if top else argparse.SUPPRESS

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--instrument", default=default(None), help="instrument file (default: data/instrument.yaml)")
    loudness = common.add_mutually_exclusive_group()
    loudness.add_argument("-q", "--quiet", dest="verbosity", action="store_const", const=QUIET, default=default(NORMAL),
                          help="only errors on standard error: no progress bar, no final line")
    loudness.add_argument("-v", "--verbose", dest="verbosity", action="store_const", const=VERBOSE,
                          default=default(NORMAL), help="also each step, with its time")
    return common


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here rather than as a message at interpreter exit
        return code
    except (DataError, InstrumentError, UsageError) as exc:
        return _fail(f"error: {exc}")
    except FileExistsNoForce as exc:
        return _fail(f"error: {exc.path}: already exists; use --force to overwrite it")
    except BrokenPipeError:  # the reader went away (`monitor score … | head`): stop quietly
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as exc:
        return _fail(f"error: {describe_os_error(exc)}")
    except KeyboardInterrupt:  # atomic_writer has removed its temporary file on the way out
        return _fail("interrupted", EXIT_INTERRUPTED)


def _fail(line: str, code: int = EXIT_BAD_INPUT) -> int:
    """Print one line to standard error (a closed stderr is ignored) and return ``code``."""
    with contextlib.suppress(OSError):
        print(line, file=sys.stderr)
    return code


def _silence_stdout() -> None:
    """Point standard output at /dev/null so the final flush at exit cannot fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):  # AttributeError/ValueError: no real fd
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


if __name__ == "__main__":
    sys.exit(main())
