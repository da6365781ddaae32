"""The shared step of the region reports: load, validate, score and de-identify once.

Data flow one way: ``load -> score -> prepare -> sections -> outputs``. :func:`prepare` is the
only place where the instrument, ``min_group_size`` and ``min_comment_group_size`` are
decided; everything downstream (:mod:`monitor.reports.sections`, :mod:`monitor.reports.present`) receives a
:class:`Prepared` or a :class:`RegionData` and never loads anything itself. Open answers are
de-identified here, once for all regions, so no report ever holds a raw answer.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from .. import __version__
from ..core.config import DEFAULT_MIN_COMMENT_GROUP_SIZE, DEMO_DATA, INTERVENTIONS_PATH
from ..core.yaml_files import load_yaml
from ..stats.reliability import cronbach_alpha
from ..survey.instrument import Instrument, load_instrument
from ..survey.responses import Responses, read_responses
from ..survey.scoring import DEFAULT_MIN_GROUP_SIZE, aggregate, keyed_items, theme_scores
from ..survey.store import read_store
from ..survey.synthetic import simulation_seed

__all__ = ["Prepared", "RegionData", "prepare", "read_interventions", "check_group_sizes", "MIN_GROUP_SIZE_FLOOR",
           "DEFAULT_MIN_COMMENT_GROUP_SIZE"]

#: A group of one is a person; two is the smallest group size that can be called a group.
MIN_GROUP_SIZE_FLOOR = 2


def check_group_sizes(min_group_size: int, min_comment_group_size: int) -> None:
    """Refuse thresholds that would publish individuals, with a one-line ``ValueError``."""
    if int(min_group_size) != min_group_size or min_group_size < MIN_GROUP_SIZE_FLOOR:
        raise ValueError(f"min_group_size must be a whole number of at least {MIN_GROUP_SIZE_FLOOR}, "
                         f"not {min_group_size!r}")
    if int(min_comment_group_size) != min_comment_group_size or min_comment_group_size < min_group_size:
        raise ValueError(f"min_comment_group_size must be a whole number of at least min_group_size "
                         f"({min_group_size}), not {min_comment_group_size!r}")


@dataclass
class RegionData:
    """What one region's sections are computed from: its own rows (never displayed) and the
    all-regions aggregates. Built by :meth:`Prepared.region`."""

    region: str
    wave: int
    waves: list[int]
    instrument: Instrument
    frame: pd.DataFrame
    scores: pd.DataFrame
    benchmark: pd.DataFrame
    reliability_all: dict
    invariance: dict | None
    meta: dict
    min_group_size: int
    min_comment_group_size: int
    measures: list[str]
    interventions: dict = field(default_factory=dict)  # theme -> interventions (data/interventions.yaml)
    keyed: pd.DataFrame | None = None  # the item columns of ``frame``, reverse-keyed (keyed once by prepare)

    @cached_property
    def latest(self) -> pd.DataFrame:
        """Scores of this wave."""
        return self.scores[(self.scores["wave"] == self.wave).to_numpy()]

    @cached_property
    def latest_frame(self) -> pd.DataFrame:
        """Responses (open answers de-identified) of this wave."""
        return self.frame[(self.frame["wave"] == self.wave).to_numpy()]

    @cached_property
    def latest_keyed(self) -> pd.DataFrame:
        """The reverse-keyed items of this wave's responses."""
        return self.keyed[(self.frame["wave"] == self.wave).to_numpy()]


@dataclass
class Prepared:
    """Everything the region reports of one dataset share, computed once by :func:`prepare`."""

    instrument: Instrument
    frame: pd.DataFrame
    scores: pd.DataFrame
    benchmark: pd.DataFrame
    reliability: dict[int, dict[str, float]]
    invariance: dict[int, dict | None]
    meta: dict
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE
    min_comment_group_size: int = DEFAULT_MIN_COMMENT_GROUP_SIZE
    measures: list[str] = field(default_factory=list)
    interventions: dict = field(default_factory=dict)
    modules: tuple[str, ...] = ()
    keyed: pd.DataFrame | None = None  # the item columns, reverse-keyed once (survey.scoring.keyed_items)  # the instrument's modules found in the data (Responses.modules)

    @property
    def regions(self) -> list[str]:
        return sorted(str(r) for r in self.frame["region"].dropna().unique())

    @property
    def waves(self) -> list[int]:
        return sorted(int(w) for w in self.frame["wave"].dropna().unique())

    @cached_property
    def _region_rows(self) -> dict[str, np.ndarray]:
        """Row positions of each region, in row order: one grouping instead of a mask over every
        row per region (``frame`` is not changed after :func:`prepare`)."""
        groups = self.frame.groupby("region", sort=False, observed=True).indices
        return {str(r): np.asarray(rows) for r, rows in groups.items()}

    def region(self, region: str, wave: int | None = None) -> RegionData:
        """The rows of one region (all its waves up to ``wave``) with the shared aggregates."""
        rows = self._region_rows.get(region)
        if rows is None:
            raise ValueError(f"region {region!r} is not in the data; it holds: {', '.join(self.regions)}")
        all_waves = self.waves
        wave = all_waves[-1] if wave is None else int(wave)
        if wave not in all_waves:
            raise ValueError(f"wave {wave} is not in the data; it holds {', '.join(map(str, all_waves))}")
        row_waves = self.frame["wave"].to_numpy(dtype="float64", na_value=np.nan)[rows]
        mine = rows[row_waves <= wave]
        waves = sorted(int(w) for w in np.unique(row_waves[row_waves <= wave]))
        frame, scores = self.frame.take(mine), self.scores.take(mine)
        return RegionData(region=region, wave=wave, waves=waves, instrument=self.instrument,
                          frame=frame, scores=scores, benchmark=self.benchmark,
                          reliability_all=self.reliability, invariance=self.invariance.get(wave),
                          meta=self.meta, min_group_size=self.min_group_size,
                          min_comment_group_size=self.min_comment_group_size, measures=self.measures,
                          interventions=self.interventions, keyed=self.keyed.take(mine))


def _measures(instrument: Instrument, scores: pd.DataFrame) -> list[str]:
    themes = [t.id for t in instrument.themes]
    index = [m.index["id"] for m in instrument.modules if m.index]
    return [c for c in index + themes if c in scores]


def _deidentify(frame: pd.DataFrame, instrument: Instrument, waves: list[int] | None, scrub=None) -> pd.DataFrame:
    """Scrub the open answers of the reported waves once; drop the others (never shown).

    ``scrub``: the function that scrubs a list of answers (default
    :func:`monitor.privacy.deidentify.scrub_texts`, in this process).
    """
    from ..privacy.deidentify import scrub_texts  # DEDUCE's lookups (about 550 MB): only when answers are scrubbed here

    questions = [q for q in instrument.open_question_ids if q in frame]
    if not questions:
        return frame
    frame = frame.copy(deep=False)  # new columns replace the answers: the caller's frame keeps its own
    shown = frame["wave"].isin(waves) if waves is not None else pd.Series(True, index=frame.index)
    present = {q: frame[q].where(shown).dropna().astype(str) for q in questions}
    unique = list(dict.fromkeys(t for column in present.values() for t in pd.unique(column.to_numpy())))
    scrubbed = dict(zip(unique, (scrub or scrub_texts)(unique), strict=True)) if unique else {}
    for question, column in present.items():
        frame[question] = column.map(scrubbed).reindex(frame.index).astype("string")
    return frame


def prepare(data_path: str | Path | None = None, instrument: Instrument | str | Path | None = None,
            min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
            min_comment_group_size: int = DEFAULT_MIN_COMMENT_GROUP_SIZE,
            waves: list[int] | str | None = None, frame: pd.DataFrame | None = None, mapping=None,
            isolate_deidentification: bool = False, on_deidentified=None,
            interventions: str | Path | None = None, responses: Responses | None = None,
            store: str | Path | None = None) -> Prepared:
    """Load, validate, score and de-identify a dataset once, with the all-regions aggregates.

    Parameters
    ----------
    data_path : path, optional
        Survey export (default: the demo data).
    instrument : Instrument or path, optional
        The questionnaire (default: ``data/instrument.yaml``).
    min_group_size, min_comment_group_size : int
        No figure for a group with fewer respondents; open answers only for groups this large.
    waves : list of int or ``"latest"``, optional
        Waves whose reliability, invariance and open answers are prepared (default: all).
    frame : DataFrame, optional
        Responses already loaded (as from :func:`monitor.load_responses`), not from a file: no
        fingerprint, the modules those whose items are all columns; skips the load.
    mapping : path or monitor.survey.mapping.Mapping, optional
        The mapping file of a survey platform's export (``monitor mapping propose``).
    isolate_deidentification : bool
        De-identify in a child process (:class:`monitor.privacy.deidentify_isolated.IsolatedScrubber`), started
        before the data are read so that loading its lookups overlaps the reading and scoring:
        this process never holds them (``monitor render``).
    on_deidentified : callable, optional
        Called without arguments once the open answers are de-identified (and the child process
        has ended), while reliability and invariance are still to be computed: ``monitor render``
        starts its notebook workers then, so that they never hold memory at once with the
        de-identifier.
    interventions : path, optional
        The interventions per theme that flagged themes suggest (default:
        ``data/interventions.yaml``); read here, once, so that no section loads a file.
    responses : monitor.survey.responses.Responses, optional
        Responses already read (:func:`monitor.survey.responses.read_responses`), with their
        fingerprint and modules; skips the load.
    store : path, optional
        A wave store's folder (:mod:`monitor.survey.store`), read instead of ``data_path``: every
        stored wave, so that trends span them all. The fingerprint (``meta["sha256"]``) is then
        the SHA-256 of the store's manifest and ``meta["source"]`` the store folder's name.

    Returns
    -------
    Prepared
    """
    check_group_sizes(min_group_size, min_comment_group_size)
    if not isinstance(instrument, Instrument):
        instrument = load_instrument(instrument)
    if store is not None and data_path:
        raise ValueError("give a data file or a wave store (one of the two)")
    source = Path(os.path.abspath(store)) if store is not None else Path(data_path) if data_path else DEMO_DATA
    scrubber = None
    if isolate_deidentification and instrument.open_question_ids:
        from ..privacy.deidentify_isolated import IsolatedScrubber  # starts a child: only for an isolated scrub

        scrubber = IsolatedScrubber()  # loads its lookups while the data are read and scored
    try:
        if responses is None and store is not None:
            responses = read_store(source, instrument)
        elif responses is None:
            responses = (read_responses(source, instrument, mapping=mapping) if frame is None
                         else Responses.from_frame(frame, instrument))
        frame = responses.frame
        keyed = keyed_items(frame, instrument)  # the one reverse-keying of the render
        scores = theme_scores(frame, instrument, keyed=keyed)
        measures = _measures(instrument, scores)
        benchmark = aggregate(scores, by=["wave"], measures=measures, min_group_size=min_group_size)
        all_waves = sorted(int(w) for w in frame["wave"].dropna().unique())
        if waves == "latest":
            waves = all_waves[-1:]
        frame = _deidentify(frame, instrument, waves, scrubber)
    finally:
        if scrubber is not None:
            scrubber.close()  # the child ends here, also when no answer of these waves was left to scrub
    if on_deidentified is not None:
        on_deidentified()
    # Imported only now (SciPy's optimisers and statistics, some 45 MB): not while the de-identifier's
    # child, which holds far more, is alive.
    from ..stats.sem.measurement import invariance_holds, measurement_invariance
    from ..survey.instrument import cfa_model  # the domain wiring lives with the instrument, not in sem

    reliability, invariance = {}, {}
    vertrouwen = "vertrouwen" in responses.modules
    model = cfa_model(instrument, "vertrouwen") if vertrouwen else None
    for wave, rows in keyed.groupby(frame["wave"]):
        if waves is not None and int(wave) not in waves:
            continue
        reliability[int(wave)] = {t.id: float(cronbach_alpha(rows[t.item_ids])["alpha"])
                                  for t in instrument.themes if set(t.item_ids) <= set(rows.columns)}
        invariance[int(wave)] = None
        if model is None:
            continue
        data = rows[[i for items in model.values() for i in items]].astype("float64")
        data["organisation_type"] = frame.loc[rows.index, "organisation_type"].astype("object")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                table = measurement_invariance(data, model, "organisation_type", groups=["gemeente", "zorgaanbieder"])
            ok_metric, ok_scalar = invariance_holds(table, "metric"), invariance_holds(table, "scalar")
            invariance[int(wave)] = {"scalar": bool(ok_metric and ok_scalar), "metric": bool(ok_metric),
                                     "delta_cfi": float(table.loc["scalar", "delta_cfi"])}
        except (ValueError, np.linalg.LinAlgError):
            invariance[int(wave)] = None
    meta = {"source": source.name, "sha256": responses.sha256, "version": __version__,
            "instrument_version": instrument.version, "seed": None if store is not None else simulation_seed(source)}
    return Prepared(instrument=instrument, frame=frame, scores=scores, benchmark=benchmark, reliability=reliability,
                    invariance=invariance, meta=meta, min_group_size=int(min_group_size),
                    min_comment_group_size=int(min_comment_group_size), measures=measures,
                    interventions=read_interventions(interventions), modules=responses.modules, keyed=keyed)


def read_interventions(path: str | Path | None = None) -> dict:
    """The interventions per theme (``data/interventions.yaml`` by default): ``{theme: [...]}``."""
    path = Path(path) if path else INTERVENTIONS_PATH
    return load_yaml(path.read_text(encoding="utf-8")) or {}


