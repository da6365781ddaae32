"""DEDUCE in this process: imported without its side effects, its lookups built once, one instance.

:func:`deidentifier` is the process's one DEDUCE instance (Menger et al. 2018), configured by
:mod:`monitor.privacy.deidentify_rules` and loaded from the reduced lookup cache; :func:`release_deidentifier`
lets it go. :mod:`monitor.privacy.deidentify` scrubs with it.

The one-time lookup build
-------------------------
DEDUCE builds its lookup structures (name, street and institution lists as tries) on first use, about two
minutes and 1.2 GB of memory, and pickles them into its own package folder
(``<site-packages>/deduce/data/lookup/cache/lookup_structs.pickle``, 77 MB, 6-10 s to load; rebuilt when the
DEDUCE version or its source lists change). :func:`prepare_deidentifier` (``python -m monitor.privacy.deidentify
--prepare``, meant for ``make install``) triggers that build and stores the subset this configuration uses, with
:data:`~monitor.privacy.deidentify_rules.TITLES` and :data:`~monitor.privacy.deidentify_rules.NOT_NAMES` added, in
:func:`cache_dir` (40 MB, 2-3 s to load). A process that finds no valid cache prints one line to stderr
(:data:`BUILD_MESSAGE`) and builds it before scrubbing.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import json
import logging
import os
import pickle
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import docdeid as dd

from .deidentify_rules import NOT_NAMES, TITLES, PlaceholderRedactor, PlaceNameFilter, deduce_config

__all__ = ["BUILD_MESSAGE", "cache_dir", "prepare_deidentifier", "ensure_cache", "deidentifier",
           "release_deidentifier"]


@contextlib.contextmanager
def _quiet_global_state():
    """Undo what importing DEDUCE does to the process: a root logger at DEBUG level on stdout, and a global
    ``warnings.simplefilter("default")``."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    with warnings.catch_warnings():
        yield
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


# DEDUCE sets up logging and warnings as it is imported (a root logger at DEBUG level on stdout, a global
# warnings.simplefilter("default")): imported here, once, with that undone.
with _quiet_global_state():
    import deduce  # noqa: E402
    import deduce.annotator  # noqa: E402, F401 - the annotators the configuration names
    from deduce.deduce import _LOOKUP_LIST_PATH, Deduce  # noqa: E402
    from deduce.lookup_structs import cache_lookup_structs, get_lookup_structs, load_raw_itemset  # noqa: E402

_LOCK = threading.RLock()
_DEIDENTIFIER: Any = None
_RECIPE = 3  # bump when the reduced cache's content changes

_KEEP = ("first_name", "surname", "street", "eponymous_disease")  # lookup tries the configuration uses


def cache_dir() -> Path:
    """Folder of the reduced lookup cache: ``$MONITOR_DEIDENTIFIER_CACHE``, else ``<venv>/share/samenwerkingsmonitor
    /deduce-lookup``, else ``~/.cache/samenwerkingsmonitor/deduce-lookup`` when the venv is not writable."""
    env = os.environ.get("MONITOR_DEIDENTIFIER_CACHE")
    if env:
        return Path(env)
    venv = Path(sys.prefix) / "share" / "samenwerkingsmonitor" / "deduce-lookup"
    probe = next((p for p in (venv, *venv.parents) if p.exists()), None)
    if probe is not None and os.access(probe, os.W_OK):
        return venv
    return Path.home() / ".cache" / "samenwerkingsmonitor" / "deduce-lookup"


def _config() -> dict:
    """DEDUCE's base configuration (its ``base_config.json``) as :mod:`monitor.privacy.deidentify_rules` adapts it."""
    base = Path(deduce.__file__).parent / "base_config.json"
    return deduce_config(json.loads(base.read_text(encoding="utf-8")), places=_place_names())


def _manifest() -> dict:
    return {"recipe": _RECIPE, "deduce": deduce.__version__, "docdeid": getattr(dd, "__version__", "?"),
            "titles": list(TITLES), "not_names": list(NOT_NAMES), "keep": list(_KEEP)}


def _cache_ready(folder: Path) -> bool:
    try:
        stored = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return stored == _manifest() and (folder / "cache" / "lookup_structs.pickle").is_file()


def prepare_deidentifier(force: bool = False, verbose: bool = False) -> Path:
    """Build DEDUCE's lookup structures once and store the subset used here; return the cache folder.

    DEDUCE (Menger et al. 2018) builds its lookup structures (name, street and institution lists as tries) on first
    use, which takes about two minutes, and pickles them to ``deduce/data/lookup/cache/lookup_structs.pickle``
    inside its package (rebuilt when its version or source lists change). This function triggers that build (or
    loads that cache), adds :data:`TITLES` to the ``prefix`` list and :data:`NOT_NAMES` to the whitelist, drops the
    structures this configuration does not use (place names, hospitals, care institutions) and writes the rest to
    :func:`cache_dir` in DEDUCE's own cache format, with a manifest (DEDUCE and docdeid versions, the lists added).
    Loading that takes 2-3 s instead of 6-10 s. Nothing happens when the cache is up to date, unless ``force``.

    Parameters
    ----------
    force : bool
        Rebuild even when the cache is up to date (DEDUCE's own cache is rebuilt too).
    verbose : bool
        Print progress lines to stdout.
    """
    folder = cache_dir()
    with _LOCK:
        if not force and _cache_ready(folder):
            if verbose:
                print(f"de-identification lookup is up to date in {folder}", flush=True)
            return folder
        start = time.perf_counter()
        if verbose:
            print("building DEDUCE's lookup structures (about 2 minutes on first use) ...", flush=True)
        tokenizer = Deduce._initialize_tokenizer(_LOOKUP_LIST_PATH)
        gc.disable()
        try:
            full = get_lookup_structs(lookup_path=_LOOKUP_LIST_PATH, cache_path=_LOOKUP_LIST_PATH, tokenizer=tokenizer,
                                      deduce_version=deduce.__version__, build=force)
        finally:
            gc.enable()
        if verbose:
            print(f"  DEDUCE's lookup structures ready after {time.perf_counter() - start:.0f} s", flush=True)
        reduced = dd.ds.DsCollection()
        for name, struct in full.items():
            if isinstance(struct, dd.ds.LookupSet) or name in _KEEP:
                reduced[name] = struct
        reduced["prefix"].add_items_from_iterable(TITLES)
        reduced["prefix"].add_items_from_iterable(t[0].upper() + t[1:] for t in TITLES)
        reduced["whitelist"].add_items_from_iterable(NOT_NAMES)
        (folder / "cache").mkdir(parents=True, exist_ok=True)
        tmp = folder / f".tmp-{os.getpid()}"
        cache_lookup_structs(reduced, cache_path=tmp, deduce_version=deduce.__version__)
        os.replace(tmp / "cache" / "lookup_structs.pickle", folder / "cache" / "lookup_structs.pickle")
        for leftover in (tmp / "cache", tmp):
            with contextlib.suppress(OSError):
                leftover.rmdir()
        manifest = folder / "manifest.json"
        manifest.with_suffix(".tmp").write_text(json.dumps(_manifest(), indent=1), encoding="utf-8")
        os.replace(manifest.with_suffix(".tmp"), manifest)
        if verbose:
            print(f"de-identification lookup ready in {folder} ({time.perf_counter() - start:.0f} s)", flush=True)
        return folder


@functools.cache
def _place_names() -> frozenset[str]:
    """Municipalities, provinces and regions from DEDUCE's own lookup lists."""
    folder = _LOOKUP_LIST_PATH / "src" / "locations" / "lst_placename"
    places: set[str] = set()
    for kind in ("lst_municipality", "lst_province", "lst_region"):
        with contextlib.suppress(OSError, RuntimeError):
            places |= load_raw_itemset(folder / kind)
    return frozenset(places)


BUILD_MESSAGE = "building the de-identification lookup once (about 2 minutes) ..."


def ensure_cache() -> Path:
    """The cache folder, built first (announced by :data:`BUILD_MESSAGE` on stderr) when missing or stale."""
    folder = cache_dir()
    if not _cache_ready(folder):
        print(BUILD_MESSAGE, file=sys.stderr, flush=True)
        prepare_deidentifier()
    return folder


def release_deidentifier() -> None:
    """Forget this process's DEDUCE instance (its lookup tries hold some 250 MB), for a caller that scrubbed in
    its own process and is done; a later scrub loads it again."""
    global _DEIDENTIFIER
    with _LOCK:
        if _DEIDENTIFIER is not None:
            _DEIDENTIFIER = None
            gc.unfreeze()  # deidentifier() froze the tries out of the collector's sight
            gc.collect()


def deidentifier():
    """The process's one DEDUCE instance, built on first use (announcing a lookup build on stderr).

    Configured by :func:`~monitor.privacy.deidentify_rules.deduce_config`, with the place-name filter and the
    placeholder redactor of :mod:`monitor.privacy.deidentify_rules` in DEDUCE's processor groups. A forked child
    shares it (copy-on-write).
    """
    global _DEIDENTIFIER
    if _DEIDENTIFIER is not None:
        return _DEIDENTIFIER
    with _LOCK:
        if _DEIDENTIFIER is not None:
            return _DEIDENTIFIER
        folder = ensure_cache()
        # The lookup tries are millions of long-lived objects. The cyclic collector is kept off while they load
        # (unpickling is twice as fast without it) and they are then moved out of its sight (gc.freeze) before it
        # runs again: a full collection walking them costs a second or more, and scrubbing with them in sight
        # was twice as slow. Nothing is collected first: a collection would walk them once more, to find the
        # little garbage the load leaves (kept for the process's lifetime: some kB; see the test).
        gc.disable()
        try:
            try:
                with _quiet_global_state():
                    deid = Deduce(load_base_config=False, config=_config(), cache_path=folder)
            except (OSError, EOFError, pickle.UnpicklingError, AttributeError, KeyError):  # a damaged cache
                print("rebuilding the damaged de-identification lookup ...", file=sys.stderr, flush=True)
                (folder / "manifest.json").unlink(missing_ok=True)
                prepare_deidentifier()
                with _quiet_global_state():
                    deid = Deduce(load_base_config=False, config=_config(), cache_path=folder)
            deid.processors["names"].add_processor("place_name_filter", PlaceNameFilter(_place_names()))
            post = deid.processors["post_processing"]
            post.remove_processor("redactor")
            post.add_processor("redactor", PlaceholderRedactor())
            gc.freeze()
        finally:
            gc.enable()
        _DEIDENTIFIER = deid
        return deid
