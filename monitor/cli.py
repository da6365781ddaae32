"""The ``monitor`` command line.

``monitor check DATA``
    Validate a survey export; print a short summary (exit 0) or one error line (exit 2).
``monitor score DATA --by region,wave [--out FILE.csv]``
    Scale scores aggregated by background variables, small groups suppressed.
``monitor simulate OUT.csv --regions N --respondents N --waves N --seed S``
    Simulated responses from a known population model, with ``<stem>.truth.json`` beside.
``monitor render [--wave W] [--region R] [--jobs N]``
    Render the validity, thesis and region reports of a wave into ``reports/<wave>/``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import __version__
from .config import DEMO_SETTINGS, DEMO_TRUTH
from .data import DataError, load_responses, summarise_responses
from .instrument import InstrumentError, load_instrument
from .scoring import DEFAULT_MIN_GROUP_SIZE, DEFAULT_MIN_SHARE, aggregate, theme_scores

EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """A problem with the command's arguments or output files, reported in one line."""


def _instrument(args):
    return load_instrument(args.instrument)


def cmd_check(args) -> int:
    frame = load_responses(args.data, _instrument(args))
    print(f"{args.data}: OK")
    print(summarise_responses(frame))
    return 0


def _writable(path: Path, force: bool) -> Path:
    if path.exists() and not force:
        raise UsageError(f"{path} already exists; use --force to overwrite it")
    return path


def cmd_score(args) -> int:
    instrument = _instrument(args)
    frame = load_responses(args.data, instrument)
    by = [c.strip() for c in args.by.split(",") if c.strip()]
    unknown = [c for c in by if c not in frame.columns or c in instrument.item_ids]
    if unknown:
        raise UsageError(f"--by: not a background variable in the data: {', '.join(unknown)} "
                         f"(choose from {', '.join(c for c in instrument.background_ids if c in frame)})")
    scores = theme_scores(frame, instrument, min_share=args.min_share)
    table = aggregate(scores, by=by, min_group_size=args.min_group_size)
    if args.out:
        out = _writable(Path(args.out), args.force)
        tmp = out.with_name(out.name + ".tmp")
        table.to_csv(tmp, index=False)
        tmp.replace(out)
        print(f"wrote {len(table):,} rows to {out}", file=sys.stderr)
    else:
        table.to_csv(sys.stdout, index=False)
    return 0


def cmd_simulate(args) -> int:
    from .synthetic import simulate, write_simulation

    settings = dict(DEMO_SETTINGS) if args.preset == "demo" else {}
    for key in ("regions", "respondents", "waves", "seed", "first_wave"):
        value = getattr(args, key)
        if value is not None:
            settings[key] = value
    out = Path(args.out)
    truth = Path(args.truth) if args.truth else (DEMO_TRUTH if args.preset == "demo" and out.name == "responses.csv"
                                                  else out.with_name(out.stem + ".truth.json"))
    for path in (out, truth):
        _writable(path, args.force)
    start = time.perf_counter()
    total = settings.get("respondents", 1200) * settings.get("waves", 3)
    print(f"simulating {total:,} responses ...", file=sys.stderr)
    try:
        sim = simulate(instrument=_instrument(args), **settings)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    write_simulation(sim, out, truth, overwrite=True)
    print(f"wrote {out} and {truth} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


def cmd_render(args) -> int:
    from .render import render

    include = tuple(part.strip() for part in args.only.split(",")) if args.only else ("validity", "thesis", "regions")
    unknown = [part for part in include if part not in ("validity", "thesis", "regions")]
    if unknown:
        raise UsageError(f"--only: unknown part(s) {', '.join(unknown)}; choose from validity, thesis, regions")
    try:
        results = render(data_path=args.data, wave=args.wave, regions=args.region, jobs=args.jobs,
                         out_dir=Path(args.out) if args.out else None, timeout=args.timeout,
                         language=args.language,
                         include=include, progress=not args.quiet)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    failed = [r for r in results if not r.ok]
    ok = len(results) - len(failed)
    print(f"{ok} of {len(results)} report(s) rendered", file=sys.stderr)
    for r in failed:
        print(f"FAILED {r.title}: {r.error}", file=sys.stderr)
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="monitor", description="Samenwerkingsmonitor workbench.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--instrument", help="instrument file (default: data/instrument.yaml)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check", help="validate a survey export and summarise it")
    p.add_argument("data", help="a .csv, .xlsx or .sav file")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("score", help="aggregate scale scores by background variables")
    p.add_argument("data")
    p.add_argument("--by", required=True, help="comma-separated background variables, e.g. region,wave")
    p.add_argument("--out", help="CSV file to write (default: standard output)")
    p.add_argument("--min-group-size", type=int, default=DEFAULT_MIN_GROUP_SIZE,
                   help="hide groups with fewer answers (default %(default)s)")
    p.add_argument("--min-share", type=float, default=DEFAULT_MIN_SHARE,
                   help="share of a scale's items that must be answered (default 2/3)")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("simulate", help="simulate responses from a known population model")
    p.add_argument("out", help="CSV file to write; the truth goes to <stem>.truth.json beside it")
    p.add_argument("--regions", type=int)
    p.add_argument("--respondents", type=int, help="respondents per wave, all regions together")
    p.add_argument("--waves", type=int)
    p.add_argument("--seed", type=int)
    p.add_argument("--first-wave", type=int, dest="first_wave", help="year of the first wave")
    p.add_argument("--preset", choices=["demo"], help="the settings of the committed demo data")
    p.add_argument("--truth", help="where to write the true model parameters (JSON)")
    p.add_argument("--force", action="store_true", help="overwrite existing files")
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("render", help="render the validity, thesis and region reports of a wave")
    p.add_argument("--data", help="survey export (default: the demo data)")
    p.add_argument("--wave", type=int, help="wave to report (default: the latest)")
    p.add_argument("--region", action="append", help="a region to render (repeatable; default: all)")
    p.add_argument("--jobs", type=int, help="notebooks rendered at once (default: all cores)")
    p.add_argument("--out", help="output folder (default: reports/)")
    p.add_argument("--timeout", type=int, default=600, help="seconds per notebook cell (default %(default)s)")
    p.add_argument("--language", choices=["nl", "en"], default="nl", help="language of region reports")
    p.add_argument("--only", help="comma-separated: validity, thesis, regions (default: all)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_render)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (DataError, InstrumentError, UsageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
