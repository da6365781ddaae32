"""The wave store: one survey export per year, kept in the instrument's form, read as one.

A yearly monitor gets one platform export a year. :func:`add_wave` stores the export that
:func:`~monitor.survey.responses.read_responses` has read, mapped and validated as one wave;
:func:`read_store` reads every stored wave back as one
:class:`~monitor.survey.responses.Responses`, so that ``check``, ``score`` and ``render`` take
``--store DIR`` where they took a data file, and trends span every wave.

Layout of a store folder (default :data:`monitor.core.config.STORE_DIR`, ``data/store/``,
which git ignores)::

    manifest.json            the waves: file, source and hashes, rows read and kept (below)
    waves/2024-1a2b3c4d.parquet
    pseudonym.key            the key of the respondent pseudonyms (mode 600)
    .lock                    one writer at a time

Why Parquet files and a JSON manifest rather than an embedded database such as DuckDB: a wave
is written once a year and read whole, which is what a columnar file does best; pyarrow is
already a dependency, and a Parquet file is read by pandas, R (``arrow``), DuckDB and Excel's
Power Query alike, so a researcher needs nothing of ours to open it. Replacing a wave must be
all or nothing: a new wave goes to a new file (through :func:`monitor.core.files.atomic_writer`),
then the manifest is replaced in one rename (:func:`~monitor.core.files.atomic_write`), then
the old file is removed; a failure at any step leaves the old manifest naming the old, intact
file. A database would give the same through transactions, at the cost of a dependency and a
file format only that database reads. Writers hold :func:`~monitor.core.files.locked`.

What is stored: only the instrument's columns (background variables, items, open questions),
never a platform's other columns (IP address, e-mail, names, coordinates, timings). A
background variable of type ``identifier`` (``respondent_id``, often the platform's response
id) is stored as a pseudonym: HMAC-SHA256 with the store's own random key, so the same
respondent keeps one pseudonym across waves and across a re-added export (the key to compare a
replaced wave row by row), while the platform's id is not in the store.

The manifest records per wave: the export's file name and SHA-256, the mapping file and its
SHA-256, the instrument's version and SHA-256, when it was added (UTC, ISO 8601), rows read,
kept and excluded by reason (when the reading screens rows), and the Parquet file with its
SHA-256, which :func:`read_store` checks before using it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import hmac
import io
import json
import secrets
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from ..core.config import STORE_DIR
from ..core.files import FileExistsNoForce, atomic_write, atomic_writer, ensure_folder, locked, refuse_symlink
from .categories import near_duplicates
from .instrument import Instrument
from .mapping import Mapping, mapping_from
from .responses import Responses, present_modules, read_responses
from .sources import DataError

__all__ = ["StoreError", "StoredWave", "WaveChange", "STORE_FORMAT", "FIRST_YEAR", "LAST_YEAR", "wave_of",
           "stored_frame", "add_wave", "remove_wave", "list_waves", "waves_table", "read_store", "compare_waves",
           "instrument_columns", "file_sha256", "read_export"]

#: Version of the manifest's layout; a store written by a later layout is refused, not misread.
STORE_FORMAT = 1
#: Years a wave may have (as a mapping file's ``wave:``).
FIRST_YEAR, LAST_YEAR = 1990, 2100
MANIFEST = "manifest.json"
LOCK = ".lock"
KEY = "pseudonym.key"
WAVES = "waves"


class StoreError(DataError):
    """A problem with the store or with what is asked of it, in one line."""


@dataclass(frozen=True)
class StoredWave:
    """One wave's line in the manifest."""

    wave: int
    file: str
    file_sha256: str
    source: str
    source_sha256: str
    mapping: str | None
    mapping_sha256: str | None
    instrument_version: str
    instrument_sha256: str
    added: str
    rows_read: int
    rows_kept: int
    excluded: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """``wave 2024 (400 rows from export-2024.csv)``."""
        return f"wave {self.wave} ({_rows(self.rows_kept)} from {self.source})"


@dataclass(frozen=True)
class WaveChange:
    """What adding a wave changed: rows added, removed and changed against the wave it replaced.

    With a respondent key (``respondent_id``, pseudonymised alike in both) rows are matched by
    it; without one only the counts are compared (``by_key`` is false, ``changed`` is None).
    """

    wave: int
    replaced: bool
    added: int
    removed: int
    changed: int | None = None
    unchanged: int | None = None
    by_key: bool = False
    columns_added: tuple[str, ...] = ()
    columns_removed: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line for the person who added the wave."""
        if not self.replaced:
            return f"wave {self.wave} added: {_rows(self.added)}"
        if self.by_key:
            text = (f"wave {self.wave} replaced: {_rows(self.added)} added, {self.removed:,} removed, "
                    f"{self.changed:,} changed, {self.unchanged:,} unchanged (matched by respondent_id)")
        else:
            text = (f"wave {self.wave} replaced: {_rows(self.added)} added, {self.removed:,} removed "
                    "(counts only: no respondent_id to match rows by)")
        if self.columns_added:
            text += f"; new columns: {', '.join(self.columns_added)}"
        if self.columns_removed:
            text += f"; columns gone: {', '.join(self.columns_removed)}"
        return text


def _rows(n: int) -> str:
    return f"{n:,} row{'' if n == 1 else 's'}"


def file_sha256(path: Path | str | None) -> str | None:
    """SHA-256 of a file's bytes (``None`` for no file)."""
    if path is None:
        return None
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def instrument_columns(instrument: Instrument) -> list[str]:
    """The instrument's column ids in its order: background variables, items, open questions."""
    return [*instrument.background_ids, *instrument.item_ids, *instrument.open_question_ids]


# -- the wave of an export -----------------------------------------------------------------
def wave_of(responses: Responses, wave: int | None = None) -> int:
    """The one year the export holds: ``wave`` when given, else its wave column's single value.

    Raises :class:`StoreError` when the export holds several years, a year other than
    ``wave``, rows without a year, or no wave column and no ``wave``.
    """
    name = responses.source or "the responses"
    if wave is not None and not FIRST_YEAR <= wave <= LAST_YEAR:
        raise StoreError(f"--wave must be a year ({FIRST_YEAR}-{LAST_YEAR}), not {wave}")
    frame = responses.frame
    if "wave" not in frame:
        if wave is None:
            raise StoreError(f"{name}: no wave column; give the year with --wave YEAR (or `wave: YEAR` in the mapping)")
        return wave
    column = frame["wave"]
    if column.isna().any():
        raise StoreError(f"{name}: {int(column.isna().sum()):,} row(s) without a wave; fill the wave column in, "
                         "or leave it out of the mapping and give --wave YEAR")
    years = sorted(int(y) for y in column.unique())
    if len(years) > 1:
        raise StoreError(f"{name}: holds waves {', '.join(map(str, years))}; a stored wave is one year: "
                         "export each year on its own (or split the file) and add them one by one")
    if wave is not None and years and years[0] != wave:
        raise StoreError(f"{name}: its wave column says {years[0]}, not --wave {wave}; leave --wave out or correct it")
    return years[0]


def read_export(path: Path | str, instrument: Instrument, wave: int | None = None, mapping=None,
                **options) -> Responses:
    """:func:`~monitor.survey.responses.read_responses` for one wave: ``wave`` is the year of an
    export without a wave column (as a mapping file's ``wave:``, which also gives it to a
    mapped export that has none). ``options``: ``sheet``, ``header_row``."""
    mapping = mapping_from(mapping, instrument)
    if wave is None:
        return read_responses(path, instrument, mapping=mapping, **options)
    if mapping is None:  # the file's columns are the instrument's ids; the year comes from --wave
        responses = read_responses(path, instrument, mapping=Mapping(columns={}, plain=True, wave=wave), **options)
        return dataclasses.replace(responses, mapping=None, mapping_keys={})
    if mapping.wave is None and "wave" not in mapping.columns.values():
        mapping = dataclasses.replace(mapping, wave=wave)
    return read_responses(path, instrument, mapping=mapping, **options)


# -- what is stored ------------------------------------------------------------------------
def _pseudonym(key: bytes, value: str) -> str:
    return "p" + hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:20]


def stored_frame(responses: Responses, instrument: Instrument, wave: int, key: bytes) -> pd.DataFrame:
    """The rows as stored: the instrument's columns only, identifiers pseudonymised with ``key``,
    the wave column set to ``wave``."""
    frame = responses.frame
    columns = [c for c in instrument_columns(instrument) if c in frame]
    out = frame[columns].copy()
    for var in instrument.background:
        if var.type == "identifier" and var.id in out:
            values = out[var.id]
            out[var.id] = pd.array([None if pd.isna(v) else _pseudonym(key, str(v)) for v in values], dtype="string")
    if "wave" in instrument.background_ids:
        wave_column = pd.array([wave] * len(out), dtype="Int64")
        if "wave" in out:
            out["wave"] = wave_column
        else:
            out.insert(1 if "respondent_id" in out else 0, "wave", wave_column)
    return out.reset_index(drop=True)


# -- the manifest ----------------------------------------------------------------------------
def _manifest_path(store: Path) -> Path:
    return store / MANIFEST


def _read_manifest(store: Path) -> tuple[list[StoredWave], bytes]:
    path = refuse_symlink(_manifest_path(store))
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return [], b""
    try:
        data = json.loads(raw)
        if data.get("format") != STORE_FORMAT:
            raise StoreError(f"{path}: store format {data.get('format')!r}; this version reads format "
                             f"{STORE_FORMAT} (update the workbench)")
        waves = [StoredWave(**entry) for entry in data["waves"]]
    except StoreError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise StoreError(f"{path}: not a wave store's manifest ({type(exc).__name__}); restore it from a backup") from None
    return sorted(waves, key=lambda w: w.wave), raw


def _write_manifest(store: Path, waves: list[StoredWave]) -> None:
    data = {"format": STORE_FORMAT, "waves": [asdict(w) for w in sorted(waves, key=lambda w: w.wave)]}
    atomic_write(_manifest_path(store), json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _key(store: Path) -> bytes:
    """The store's pseudonym key, made once (called under the lock)."""
    path = refuse_symlink(store / KEY)
    if not path.exists():
        with contextlib.suppress(FileExistsNoForce):
            atomic_write(path, secrets.token_hex(32) + "\n", overwrite=False, mode=0o600)
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def _store_folder(store: Path | str | None) -> Path:
    return Path(store) if store is not None else STORE_DIR


def list_waves(store: Path | str | None = None) -> tuple[StoredWave, ...]:
    """The stored waves, oldest first (none for a folder that is not a store yet)."""
    return tuple(_read_manifest(_store_folder(store))[0])


def _read_wave_file(store: Path, entry: StoredWave) -> pd.DataFrame:
    path = refuse_symlink(store / WAVES / entry.file)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise StoreError(f"{path}: wave {entry.wave}'s file is missing; add the wave again "
                         "(monitor waves add EXPORT --replace) or restore the store from a backup") from None
    if hashlib.sha256(data).hexdigest() != entry.file_sha256:
        raise StoreError(f"{path}: wave {entry.wave}'s file does not match its SHA-256 in the manifest; "
                         "add the wave again with --replace or restore the store from a backup")
    return pd.read_parquet(io.BytesIO(data), engine="pyarrow")


# -- adding and removing ---------------------------------------------------------------------
def compare_waves(old: pd.DataFrame, new: pd.DataFrame, wave: int, key: str = "respondent_id") -> WaveChange:
    """Rows added, removed and changed from ``old`` to ``new`` (matched by ``key`` when both have it)."""
    added_columns = tuple(c for c in new.columns if c not in old.columns)
    removed_columns = tuple(c for c in old.columns if c not in new.columns)
    if key not in old or key not in new or old[key].isna().any() or new[key].isna().any():
        return WaveChange(wave, True, added=max(len(new) - len(old), 0), removed=max(len(old) - len(new), 0),
                          columns_added=added_columns, columns_removed=removed_columns)
    before, after = old.set_index(key), new.set_index(key)
    common = before.index.intersection(after.index)
    shared = [c for c in after.columns if c in before.columns]

    def as_text(frame: pd.DataFrame) -> pd.DataFrame:  # one comparable form for every dtype, NA included
        return frame.loc[common, shared].astype("string").fillna("\x00")

    differs = (as_text(before) != as_text(after)).any(axis=1) if shared else pd.Series(False, index=common)
    changed = int(differs.sum())  # in the columns both have; a column added or gone is named apart
    return WaveChange(wave, True, added=len(after.index.difference(before.index)),
                      removed=len(before.index.difference(after.index)), changed=changed,
                      unchanged=len(common) - changed, by_key=True, columns_added=added_columns,
                      columns_removed=removed_columns)


def _excluded(responses: Responses) -> dict[str, int]:
    """Rows the reading excluded, by reason, when it screens rows (a ``screening`` field)."""
    screening = getattr(responses, "screening", None)
    if screening is None:
        return {}
    counts = getattr(screening, "excluded", screening)
    if isinstance(counts, dict):
        return {str(reason): int(n) for reason, n in counts.items() if n}
    return {}


def _rows_read(responses: Responses, excluded: dict[str, int]) -> int:
    read = getattr(getattr(responses, "screening", None), "read", None)
    return int(read) if read is not None else len(responses.frame) + sum(excluded.values())


def add_wave(responses: Responses, instrument: Instrument, store: Path | str | None = None, wave: int | None = None,
             replace: bool = False) -> tuple[StoredWave, WaveChange]:
    """Store ``responses`` (one export, read by ``read_responses``) as one wave.

    A wave already stored is replaced only with ``replace``: all or nothing, the old wave
    stays until the new one is complete. Returns the manifest line and what changed.
    """
    store = _store_folder(store)
    year = wave_of(responses, wave)
    ensure_folder(store)
    ensure_folder(store / WAVES)
    with locked(store / LOCK):
        waves, _ = _read_manifest(store)
        old = next((w for w in waves if w.wave == year), None)
        if old is not None and not replace:
            raise StoreError(f"wave {year} is already in {store} ({old.rows_kept:,} rows from {old.source}, "
                             f"added {old.added}); to replace it, add --replace")
        frame = stored_frame(responses, instrument, year, _key(store))
        name = f"{year}-{secrets.token_hex(4)}.parquet"
        with atomic_writer(store / WAVES / name, overwrite=False) as tmp:
            frame.to_parquet(tmp, engine="pyarrow", index=False)
        excluded = _excluded(responses)
        entry = StoredWave(
            wave=year, file=name, file_sha256=file_sha256(store / WAVES / name), source=Path(responses.source).name,
            source_sha256=responses.sha256, mapping=Path(responses.mapping).name if responses.mapping else None,
            mapping_sha256=file_sha256(responses.mapping), instrument_version=instrument.version,
            instrument_sha256=file_sha256(instrument.path) or "",
            added=datetime.now(UTC).isoformat(timespec="seconds"),
            rows_read=_rows_read(responses, excluded), rows_kept=len(frame), excluded=excluded)
        try:
            change = (compare_waves(_read_wave_file(store, old), frame, year) if old is not None
                      else WaveChange(year, False, added=len(frame), removed=0))
            _write_manifest(store, [w for w in waves if w.wave != year] + [entry])
        except BaseException:
            (store / WAVES / name).unlink(missing_ok=True)  # the old manifest still names the old file
            raise
        _remove_unlisted(store, [w for w in waves if w.wave != year] + [entry])
    return entry, change


def _remove_unlisted(store: Path, waves: list[StoredWave]) -> None:
    """Remove wave files the manifest does not name: the replaced file, and any left by a crash."""
    listed = {w.file for w in waves}
    for path in (store / WAVES).glob("*.parquet"):
        if path.name not in listed:
            path.unlink(missing_ok=True)


def remove_wave(year: int, store: Path | str | None = None) -> StoredWave:
    """Take wave ``year`` out of the store; returns its manifest line."""
    store = _store_folder(store)
    if not _manifest_path(store).exists():
        raise StoreError(f"{store}: no wave store here (monitor waves add EXPORT --store {store} makes one)")
    with locked(store / LOCK):
        waves, _ = _read_manifest(store)
        old = next((w for w in waves if w.wave == year), None)
        if old is None:
            raise StoreError(f"wave {year} is not in {store}; stored: {_years(waves)}")
        rest = [w for w in waves if w.wave != year]
        _write_manifest(store, rest)
        _remove_unlisted(store, rest)
    return old


def _years(waves) -> str:
    return ", ".join(str(w.wave) for w in waves) or "none"


# -- reading -----------------------------------------------------------------------------------
def _dtypes(instrument: Instrument) -> dict[str, object]:
    """The dtypes :func:`~monitor.survey.responses.read_responses` gives each column."""
    dtypes: dict[str, object] = {}
    for var in instrument.background:
        if var.type == "category":
            dtypes[var.id] = pd.CategoricalDtype(list(var.categories))
        elif var.type == "year":
            dtypes[var.id] = "Int64"
        elif var.type == "number":
            dtypes[var.id] = "Float64"
        else:
            dtypes[var.id] = "string"
    dtypes.update({item: "Int8" for item in instrument.item_ids})
    dtypes.update({question: "string" for question in instrument.open_question_ids})
    return dtypes


def read_store(store: Path | str | None, instrument: Instrument) -> Responses:
    """Every stored wave, oldest first, as one :class:`Responses`.

    ``sha256`` is the SHA-256 of the manifest (which holds each wave file's SHA-256, checked
    here), so a reported number traces to exactly these waves. Columns the instrument does not
    know are left out; a category value it does not list is an error naming the wave.
    """
    store = _store_folder(store)
    if not store.is_dir():
        raise StoreError(f"{store}: no such folder; add a wave first (monitor waves add EXPORT --store {store})")
    waves, raw = _read_manifest(store)
    if not waves:
        raise StoreError(f"{store}: no waves stored; add one with monitor waves add EXPORT --store {store}")
    dtypes = _dtypes(instrument)
    frames = []
    for entry in waves:
        frame = _read_wave_file(store, entry)
        frame = frame[[c for c in frame.columns if c in dtypes]]
        for column in frame.columns:
            dtype = dtypes[column]
            if isinstance(dtype, pd.CategoricalDtype):
                values = frame[column].astype("string")
                unknown = sorted(set(values.dropna()) - set(dtype.categories))
                if unknown:
                    raise StoreError(f"{store}: wave {entry.wave} has {column} value(s) the instrument does not "
                                     f"list: {', '.join(map(repr, unknown[:5]))}; add them to the instrument or "
                                     "re-add the wave with a mapping that recodes them")
                frame[column] = values.astype(dtype)
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    order = [c for c in instrument_columns(instrument) if c in out]
    out = out[order].astype({c: dtypes[c] for c in order})
    names = [var.id for var in instrument.background if var.type == "text" and var.id in out]
    return Responses(frame=out, source=str(store), sha256=hashlib.sha256(raw).hexdigest(),
                     modules=present_modules(out, instrument), instrument_version=instrument.version,
                     near_duplicates=near_duplicates(out, names))


def waves_table(waves) -> pd.DataFrame:
    """The manifest as a table for ``monitor waves list`` (hashes shortened to 12 characters)."""
    def short(value):
        return value[:12] if value else "-"

    rows = [{"wave": w.wave, "rows read": w.rows_read, "kept": w.rows_kept,
             "excluded": ", ".join(f"{reason} {n}" for reason, n in w.excluded.items()) or "-",
             "source": w.source, "source sha256": short(w.source_sha256), "mapping": w.mapping or "-",
             "mapping sha256": short(w.mapping_sha256), "instrument": w.instrument_version or "-",
             "instrument sha256": short(w.instrument_sha256), "added (UTC)": w.added} for w in waves]
    return pd.DataFrame(rows)
