"""Simulated monitor data drawn from a known population model.

The model, in the order responses are drawn:

1. Geography: regions, each with fictional municipalities (342 over 42 regions at national
   scale), care providers and a few other organisations, all with unique names.
2. Respondents per wave and region, their organisation type, organisation, function and
   years of collaboration.
3. Latent variables (standard-normal scale). The seven collaboration factors of the thesis
   are correlated normals, shifted by region, organisation type and wave. General trust
   ``g`` depends on the factors (paths ``a``); each trust theme is ``λ·g`` plus a theme-specific
   part, shifted by region, organisation type, function, organisation and a trend per wave.
   Perceived transformation results depend on the factors (direct paths ``c``) and on trust
   (path ``b``), so trust partly mediates the factors' effects (indirect effects ``a·b``).
   Life-cycle stages depend on trust and on years of collaboration.
4. Items: ``y* = loading · latent + sqrt(1 - loading²) · ε``, cut by item thresholds into
   the 5 answer categories (skewed towards agreement, as real agreement data are);
   negatively worded items are mirrored.
5. Item non-response ("weet niet / n.v.t." as code 9, or blank), a few straight-liners, and
   Dutch open answers drawn from templates (a few with an e-mail address, phone number or
   person's name, which reports must remove).

Everything is drawn from one ``numpy.random.Generator`` seeded by ``seed``: the same
arguments give identical output. :func:`simulate` returns the responses and the true model
parameters (JSON-serialisable), which tests use to check that analyses recover them.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.files import FileExistsNoForce, atomic_writer
from .instrument import Instrument, load_instrument

__all__ = ["simulate", "Simulation", "write_simulation", "simulation_seed"]

# -- fixed parts of the population model ---------------------------------------------------
FACTORS = ["contextuele_factoren", "betekenisgeving", "argumentatief_proces", "reflectief_proces",
           "balans_relatie", "partnerschap", "constructief_conflict"]
#: Paths from the collaboration factors to general trust (a) and to transformation results (c).
TRUST_PATHS = {"contextuele_factoren": 0.10, "betekenisgeving": 0.20, "argumentatief_proces": -0.20,
               "reflectief_proces": 0.15, "balans_relatie": 0.25, "partnerschap": 0.10,
               "constructief_conflict": 0.15}
RESULT_PATHS = {"contextuele_factoren": 0.05, "betekenisgeving": 0.10, "argumentatief_proces": -0.15,
                "reflectief_proces": 0.30, "balans_relatie": 0.0, "partnerschap": 0.0,
                "constructief_conflict": 0.10}
TRUST_TO_RESULTS = 0.30
#: Loading of each trust theme on general trust.
THEME_ON_TRUST = {"normen_waarden": 0.80, "professionaliteit": 0.70, "communicatie": 0.80,
                  "gelijkwaardigheid": 0.75, "gezamenlijkheid": 0.85, "rentmeesterschap": 0.75}
#: Mean shifts (latent SD units) by organisation type, against gemeente.
TYPE_EFFECTS = {
    "zorgaanbieder": {"gelijkwaardigheid": -0.45, "communicatie": -0.15, "balans_relatie": -0.40,
                      "argumentatief_proces": 0.30, "rentmeesterschap": -0.10},
    "anders": {"normen_waarden": 0.10, "gezamenlijkheid": 0.10},
}
FUNCTION_EFFECTS = {"bestuurder": 0.15, "manager": 0.05, "beleidsadviseur": 0.0, "contractmanager": -0.10,
                    "uitvoerend_professional": -0.15, "overig": 0.0}
#: Change per wave (latent SD units): some themes rise, some fall.
TRENDS = {"communicatie": 0.12, "gezamenlijkheid": 0.08, "gelijkwaardigheid": -0.10, "rentmeesterschap": -0.05,
          "reflectief_proces": 0.06}
TYPE_SHARES = {"gemeente": 0.42, "zorgaanbieder": 0.52, "anders": 0.06}
FUNCTION_SHARES = {
    "gemeente": [0.06, 0.14, 0.30, 0.22, 0.22, 0.06],
    "zorgaanbieder": [0.10, 0.24, 0.08, 0.14, 0.38, 0.06],
    "anders": [0.08, 0.22, 0.20, 0.05, 0.35, 0.10],
}
BASE_THRESHOLDS = np.array([-1.9, -1.05, -0.30, 0.95])
NATIONAL_MUNICIPALITIES, NATIONAL_REGIONS = 342, 42

# -- names ---------------------------------------------------------------------------------
_TOWN_HEADS = ["Aal", "Bern", "Dron", "Eem", "Gel", "Haar", "Hel", "Kes", "Lin", "Mar", "Nes", "Oos",
               "Ras", "Ren", "Sle", "Ter", "Ul", "Vel", "Wes", "Zan", "Bie", "Dor", "Ech", "Far",
               "Gie", "Hoo", "Lut", "Mid", "Nij", "Olde", "Pey", "Rode", "Sint", "Tol", "Wol", "Zui"]
_TOWN_TAILS = ["dam", "veen", "dijk", "hoven", "wijk", "horst", "lo", "mond", "hem", "sum", "rode",
               "zijl", "meer", "broek", "hout", "berg", "wolde", "beek", "gum", "schoten"]
_REAL_TOWNS = {"Helmond", "Sintbroek", "Nijmeer"}  # avoid the odd real or silly name
_REGION_HEADS = ["Noord", "Zuid", "Oost", "West", "Midden", "Hoog", "Laag"]
_REGION_TAILS = ["Veenstreek", "Zandstreek", "Beekdal", "Heidezoom", "Polderrand", "Duinstreek",
                 "Meerland", "Kleihoek"]
_PROVIDER_KINDS = ["Stichting", "Zorggroep", "Jeugdhulp", "Gezinshuis", "Zorgcentrum", "Coöperatie"]
_PROVIDER_CORES = ["De Linde", "Het Anker", "De Bron", "Kompas", "De Vlinder", "Horizon", "Elan",
                   "Het Baken", "De Waterlelie", "Perspectief", "De Brug", "Lichtpunt", "De Wissel",
                   "Samen Verder", "Het Kwadrant", "De Regenboog", "Opmaat", "De Hoeksteen"]
_OTHER_KINDS = ["GGD", "Veilig Thuis", "Wijkteam", "Sociaal Team"]
FIRST_NAMES = ["Jan", "Sanne", "Pieter", "Fatima", "Mohammed", "Lotte", "Kees", "Anouk", "Daan",
               "Eva", "Henk", "Naima", "Bram", "Ingrid", "Joost", "Yara"]
LAST_NAMES = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "de Boer", "Bos",
              "Yilmaz", "van Dijk", "Hendriks", "El Amrani", "Vermeulen"]

# -- open answers --------------------------------------------------------------------------
_OPEN = {
    "open_goed": (
        ["Het regionale overleg", "Het contact met de contractmanagers", "De samenwerking in het wijkteam",
         "Het gezamenlijke inkoopteam", "Het contact met de beleidsadviseurs van de gemeenten",
         "De werkgroep transformatie", "Het casusoverleg", "De afstemming over wachtlijsten"],
        ["verloopt constructief", "is het afgelopen jaar duidelijk verbeterd", "is open en eerlijk",
         "geeft ruimte om knelpunten te bespreken", "zorgt dat we elkaar snel weten te vinden",
         "helpt om samen naar de cliënt te kijken", "voelt als echt partnerschap"],
        ["", " Daar mogen we trots op zijn.", " Vooral de korte lijnen werken goed.",
         " Dat was twee jaar geleden nog anders.", " Ga zo door!"],
    ),
    "open_anders": (
        ["De verantwoordingslast", "De besluitvorming in het portefeuillehoudersoverleg",
         "De communicatie over wijzigingen in het contract", "De administratieve belasting",
         "Het aantal overlegtafels", "De rol van de kleinere gemeenten", "De doorlooptijd van toewijzingen",
         "De manier waarop tarieven worden vastgesteld"],
        ["moet echt anders", "is te weinig transparant", "kost ons te veel tijd", "mag wel wat eenvoudiger",
         "verdient meer aandacht", "zou gezamenlijk opgepakt moeten worden", "zorgt voor wantrouwen"],
        ["", " Graag meer tijd voor de inhoud in plaats van cijfers.", " Zorg dat de cliënt centraal blijft staan.",
         " Laten we vaker samen evalueren.", " Een onafhankelijke vertrouwensadviseur zou helpen."],
    ),
}


@dataclass
class Simulation:
    """Simulated responses and the population model they were drawn from."""

    responses: pd.DataFrame
    truth: dict


def _town_names(rng: np.random.Generator, count: int) -> list[str]:
    names = [h + t for h in _TOWN_HEADS for t in _TOWN_TAILS]
    names = [n for n in names if n not in _REAL_TOWNS and not n.endswith(("ll", "oo"))]
    if count > len(names):
        raise ValueError(f"at most {len(names)} municipalities can be named")
    return list(rng.choice(names, size=count, replace=False))


def _region_names(rng: np.random.Generator, count: int) -> list[str]:
    names = [f"Regio {h}-{t}" for h in _REGION_HEADS for t in _REGION_TAILS]
    if count > len(names):
        raise ValueError(f"at most {len(names)} regions can be simulated")
    return list(rng.choice(names, size=count, replace=False))


def _split(rng: np.random.Generator, total: int, parts: int, minimum: int) -> np.ndarray:
    """Split ``total`` into ``parts`` random sizes, each at least ``minimum``."""
    sizes = np.full(parts, minimum)
    extra = total - minimum * parts
    if extra > 0:
        sizes += rng.multinomial(extra, rng.dirichlet(np.full(parts, 2.0)))
    return sizes


def _geography(rng: np.random.Generator, n_regions: int, n_municipalities: int) -> list[dict]:
    regions = _region_names(rng, n_regions)
    towns = _town_names(rng, n_municipalities)
    sizes = _split(rng, n_municipalities, n_regions, 3)
    geography, start = [], 0
    for region, size in zip(regions, sizes, strict=False):
        municipalities = [f"Gemeente {t}" for t in towns[start:start + size]]
        places = towns[start:start + size]
        start += size
        n_providers = int(rng.integers(8, 21))
        combos = [(k, c) for k in _PROVIDER_KINDS for c in _PROVIDER_CORES]
        picks = rng.choice(len(combos), size=n_providers, replace=False)
        providers = [f"{combos[p][0]} {combos[p][1]} {places[i % len(places)]}" for i, p in enumerate(picks)]
        others = [f"{kind} {region.removeprefix('Regio ')}" for kind in
                  rng.choice(_OTHER_KINDS, size=int(rng.integers(1, 3)), replace=False)]
        geography.append({"region": region, "gemeente": municipalities, "zorgaanbieder": providers,
                          "anders": others})
    return geography


def _respondent_ids(rng: np.random.Generator, count: int) -> np.ndarray:
    alphabet = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ23456789"))
    numbers = rng.choice(32 ** 7, size=count, replace=False)
    digits = np.stack([(numbers // 32 ** k) % 32 for k in range(6, -1, -1)], axis=1)
    return np.array(["R" + "".join(row) for row in alphabet[digits]])


def _open_answers(rng: np.random.Generator, question: str, size: int, share: float) -> np.ndarray:
    subjects, predicates, tails = _OPEN[question]
    answers = np.array([s + " " + p + "." for s in subjects for p in predicates], dtype=object)
    out = np.full(size, None, dtype=object)
    given = rng.random(size) < share
    k = int(given.sum())
    text = answers[rng.integers(0, len(answers), k)] + np.array(tails, dtype=object)[rng.integers(0, len(tails), k)]
    # A few answers carry personal details, as real open answers do; reports must remove them.
    pii = rng.random(k) < 0.02
    for j in np.flatnonzero(pii):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        kind = rng.integers(0, 3)
        if kind == 0:
            mail = f"{first}.{last}".lower().replace(" ", "")
            text[j] += f" Neem gerust contact op via {mail}@voorbeeld.nl."
        elif kind == 1:
            text[j] += f" Bel mij gerust op 06-{rng.integers(10_000_000, 99_999_999)}."
        else:
            text[j] += f" Vraag het maar aan {first} {last}."
    out[given] = text
    return out


def simulate(regions: int = 6, respondents: int = 1200, waves: int = 3, seed: int = 0,
             first_wave: int = 2024, municipalities: int | None = None,
             instrument: Instrument | None = None, missing_rate: float = 0.03,
             straightliner_rate: float = 0.015) -> Simulation:
    """Draw monitor responses from a known population model (see the module docstring).

    Parameters
    ----------
    regions : int
        Number of regions (1-56; 42 is the national number of youth-care regions).
    respondents : int
        Respondents per wave, over all regions together.
    waves : int
        Number of yearly waves, starting at ``first_wave``.
    seed : int
        Seed of the random generator; the same arguments give identical output.
    municipalities : int, optional
        Number of municipalities; default 342 · regions / 42 (342 at national scale).
    missing_rate : float
        Average share of item answers that are "weet niet / n.v.t." or left blank.
    straightliner_rate : float
        Share of respondents who give the same answer to every item.

    Returns
    -------
    Simulation
        ``responses`` in the wide layout :func:`monitor.load_responses` reads (items as codes,
        9 for "weet niet / n.v.t."), and ``truth``, the model's parameters.

    Examples
    --------
    >>> from monitor.survey.synthetic import simulate
    >>> sim = simulate(regions=2, respondents=100, waves=2, seed=1)
    >>> len(sim.responses)
    200
    """
    if regions < 1 or respondents < 1 or waves < 1:
        raise ValueError("regions, respondents and waves must be at least 1")
    instrument = instrument or load_instrument()
    rng = np.random.default_rng(seed)
    if municipalities is None:
        municipalities = max(3 * regions, round(NATIONAL_MUNICIPALITIES * regions / NATIONAL_REGIONS))
    geography = _geography(rng, regions, municipalities)

    # Respondents per wave and region, in proportion to the region's organisations.
    weights = np.array([len(g["gemeente"]) + len(g["zorgaanbieder"]) for g in geography], dtype=float)
    weights *= rng.uniform(0.7, 1.3, regions)
    region_idx = np.concatenate([np.repeat(np.arange(regions), rng.multinomial(respondents, weights / weights.sum()))
                                 for _ in range(waves)])
    wave_idx = np.repeat(np.arange(waves), respondents)
    n = len(region_idx)

    types = np.array(list(TYPE_SHARES))
    org_type = types[rng.choice(len(types), size=n, p=list(TYPE_SHARES.values()))]
    functions = np.array(list(FUNCTION_EFFECTS))
    function = np.empty(n, dtype=object)
    organisation = np.empty(n, dtype=object)
    for t in types:
        rows = np.flatnonzero(org_type == t)
        function[rows] = functions[rng.choice(len(functions), size=len(rows), p=FUNCTION_SHARES[t])]
        for r in range(regions):
            sub = rows[region_idx[rows] == r]
            orgs = geography[r][t]
            organisation[sub] = np.array(orgs, dtype=object)[rng.choice(len(orgs), size=len(sub),
                                                                        p=rng.dirichlet(np.full(len(orgs), 3.0)))]
    years = np.round(np.clip(rng.gamma(2.0, 3.0, n), 0, 40) * 2) / 2

    # Group effects on the latent variables.
    latent_names = FACTORS + list(THEME_ON_TRUST)
    region_effect = {name: rng.normal(0, 0.20, regions) for name in latent_names}
    org_names = sorted({o for g in geography for t in types for o in g[t]})
    org_effect = dict(zip(org_names, rng.normal(0, 0.15, len(org_names)), strict=False))
    org_shift = np.array([org_effect[o] for o in organisation])

    def shift(name: str) -> np.ndarray:
        s = region_effect[name][region_idx] + TRENDS.get(name, 0.0) * wave_idx
        for t, effects in TYPE_EFFECTS.items():
            s = s + np.where(org_type == t, effects.get(name, 0.0), 0.0)
        return s

    # Collaboration factors: correlated, the argumentative process against the others.
    k = len(FACTORS)
    phi = np.full((k, k), 0.30)
    arg = FACTORS.index("argumentatief_proces")
    phi[arg, :] = phi[:, arg] = -0.25
    np.fill_diagonal(phi, 1.0)
    factors = rng.multivariate_normal(np.zeros(k), phi, size=n, method="cholesky")
    for j, name in enumerate(FACTORS):
        factors[:, j] += shift(name)
    a = np.array([TRUST_PATHS[f] for f in FACTORS])
    c = np.array([RESULT_PATHS[f] for f in FACTORS])
    explained = float(a @ phi @ a)
    trust = factors @ a + rng.normal(0, np.sqrt(max(1 - explained, 0.05)), n)
    trust += org_shift + np.vectorize(FUNCTION_EFFECTS.get)(function)
    results_explained = float(np.r_[c, TRUST_TO_RESULTS] @ np.cov(np.c_[factors, trust].T) @ np.r_[c, TRUST_TO_RESULTS])
    results = factors @ c + TRUST_TO_RESULTS * trust + rng.normal(0, np.sqrt(max(1 - results_explained, 0.3)), n)

    latent = {name: factors[:, j] for j, name in enumerate(FACTORS)}
    for theme, lam in THEME_ON_TRUST.items():
        latent[theme] = lam * trust + np.sqrt(1 - lam ** 2) * rng.normal(0, 1, n) + shift(theme)
    latent["algemeen_vertrouwen"] = 0.9 * trust + np.sqrt(1 - 0.81) * rng.normal(0, 1, n)
    latent["transformatieresultaten"] = results
    familiarity = (years - years.mean()) / years.std()
    latent["bekendheid"] = 0.35 * trust + 0.45 * familiarity + 0.75 * rng.normal(0, 1, n)
    latent["afspraken"] = 0.55 * trust + 0.80 * rng.normal(0, 1, n)
    latent["openheid"] = 0.75 * trust + 0.65 * rng.normal(0, 1, n)

    # Items.
    item_truth = {}
    columns: dict[str, np.ndarray] = {}
    for scale in instrument.scales:
        for item in scale.items:
            loading = float(np.round(rng.uniform(0.65, 0.85), 3))
            thresholds = np.sort(BASE_THRESHOLDS + rng.normal(-0.1 if item.reverse else 0.0, 0.15)
                                 + rng.normal(0, 0.08, 4))
            ystar = loading * latent[scale.id] + np.sqrt(1 - loading ** 2) * rng.normal(0, 1, n)
            category = 1 + (ystar[:, None] > thresholds[None, :]).sum(axis=1)
            if item.reverse:
                category = instrument.scale.min + instrument.scale.max - category
            columns[item.id] = category.astype(float)
            item_truth[item.id] = {"scale": scale.id, "loading": loading,
                                   "thresholds": [round(float(t), 4) for t in thresholds],
                                   "reverse": item.reverse}

    # Straight-liners answer every item alike, ignoring the wording.
    straight = rng.random(n) < straightliner_rate
    same = rng.choice([3, 4, 5], size=n, p=[0.3, 0.5, 0.2])
    item_rates = rng.uniform(0.3, 1.7, len(columns)) * missing_rate
    for (_item_id, values), rate in zip(columns.items(), item_rates, strict=False):
        values[straight] = same[straight]
        draw = rng.random(n)
        values[draw < rate * 2 / 3] = instrument.scale.missing_codes[0] if instrument.scale.missing_codes else np.nan
        values[(draw >= rate * 2 / 3) & (draw < rate)] = np.nan

    waves_list = [first_wave + w for w in range(waves)]
    frame = pd.DataFrame({
        "respondent_id": _respondent_ids(rng, n),
        "wave": np.array(waves_list)[wave_idx],
        "region": np.array([g["region"] for g in geography])[region_idx],
        "organisation": organisation,
        "organisation_type": org_type,
        "function": function,
        "years_collaboration": years,
    })
    items = pd.DataFrame({k: pd.array(v, dtype="float64").astype("Int8") for k, v in
                          ((k, np.where(np.isnan(v), np.nan, v)) for k, v in columns.items())})
    frame = pd.concat([frame, items], axis=1)
    for question, share in (("open_goed", 0.35), ("open_anders", 0.30)):
        frame[question] = _open_answers(rng, question, n, share)

    truth = {
        "settings": {"regions": regions, "respondents_per_wave": respondents, "waves": waves, "seed": seed,
                     "first_wave": first_wave, "municipalities": municipalities, "missing_rate": missing_rate,
                     "straightliner_rate": straightliner_rate},
        "structure": {
            "factor_correlation": {"matrix": np.round(phi, 3).tolist(), "order": FACTORS},
            "trust_paths": TRUST_PATHS, "result_paths": RESULT_PATHS, "trust_to_results": TRUST_TO_RESULTS,
            "indirect_effects": {f: round(TRUST_PATHS[f] * TRUST_TO_RESULTS, 4) for f in FACTORS},
            "theme_on_trust": THEME_ON_TRUST,
        },
        "effects": {"organisation_type": TYPE_EFFECTS, "function_on_trust": FUNCTION_EFFECTS,
                    "trend_per_wave": TRENDS,
                    "region": {name: dict(zip([g["region"] for g in geography], np.round(v, 4).tolist(), strict=False))
                               for name, v in region_effect.items()}},
        "items": item_truth,
        "straightliners": int(straight.sum()),
        "geography": geography,
    }
    return Simulation(responses=frame, truth=truth)


def simulation_seed(path: Path) -> int | None:
    """The seed of a simulated dataset (from its truth file beside it), or None for real data."""
    path = Path(path)
    for candidate in (path.with_name(path.stem + ".truth.json"), path.with_name("truth.json")):
        if candidate.exists():
            try:
                return json.loads(candidate.read_text(encoding="utf-8"))["settings"]["seed"]
            except (KeyError, ValueError):
                return None
    return None


def write_simulation(simulation: Simulation, out: str | Path, truth_path: str | Path | None = None,
                     overwrite: bool = False) -> tuple[Path, Path]:
    """Write the responses as CSV and the truth as JSON beside it (``<stem>.truth.json``).

    Both files are written whole or not at all (:func:`monitor.core.files.atomic_writer`): each goes
    to a temporary file beside its target, then the data are published and then the truth. If
    the truth cannot be published, data that this call created are removed again, so the pair is
    never left half. Without ``overwrite`` an existing file is refused
    (:class:`monitor.core.files.FileExistsNoForce`), also one that appears while the files are being
    written. Writers of the same folder take turns (a lock on the folder), so a pair written by
    concurrent runs comes from one run. An ``OSError`` names the target, not the temporary file.
    """
    out = Path(out)
    truth_path = Path(truth_path) if truth_path else out.with_name(out.stem + ".truth.json")
    if out.resolve() == truth_path.resolve():
        raise ValueError(f"{out}: the data and the truth cannot be the same file")
    if not overwrite:
        for path in (out, truth_path):
            if path.exists():
                raise FileExistsNoForce(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    truth_path.parent.mkdir(parents=True, exist_ok=True)
    truth_text = json.dumps(simulation.truth, indent=1, ensure_ascii=False) + "\n"
    ours = None  # (device, inode) of the data file, if this call creates it: the rename keeps the inode
    with _folder_turn(out.parent):
        try:
            with _naming(truth_path), atomic_writer(truth_path, overwrite=overwrite) as tmp_truth:
                tmp_truth.write_text(truth_text, encoding="utf-8")
                existed = out.exists() or out.is_symlink()
                with _naming(out), atomic_writer(out, overwrite=overwrite) as tmp_out:
                    simulation.responses.to_csv(tmp_out, index=False, lineterminator="\n")
                    if not existed:
                        info = tmp_out.stat()
                        ours = (info.st_dev, info.st_ino)
        except BaseException:  # the truth is not published: remove data this call published
            if ours is not None:
                with contextlib.suppress(OSError):
                    info = out.stat()
                    if (info.st_dev, info.st_ino) == ours:  # ours, not an older file or another run's
                        out.unlink()
            raise
    return out, truth_path


@contextlib.contextmanager
def _naming(path: Path) -> Iterator[None]:
    """Name ``path`` in an ``OSError`` raised while writing it, rather than no file or the temporary one."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None or str(exc.filename).endswith(".tmp"):
            exc.filename = str(path)
        raise


@contextlib.contextmanager
def _folder_turn(folder: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``folder`` itself (no lock file is left); best effort."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        yield
        return
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock
