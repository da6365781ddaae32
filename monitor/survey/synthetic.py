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
   Life-cycle stages depend on trust and on years of collaboration. Every scale of the
   instrument gets a latent variable: a scale outside this model (a new module, say) one
   related to trust and shifted by region (:data:`DEFAULT_LATENT`).
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
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.escaping import csv_safe
from ..core.files import FileExistsNoForce, atomic_writer
from .instrument import Instrument, load_instrument

__all__ = ["simulate", "Simulation", "write_simulation", "simulation_seed", "Latent", "TRUST_LATENTS", "DEFAULT_LATENT"]

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


@dataclass(frozen=True)
class Latent:
    """How one scale's latent variable is made: ``on_trust · g + on_familiarity · years + own · ε``,
    plus the group shifts (region, organisation type, trend) when ``shifted``.

    ``own`` is the weight of the scale's own standard-normal part; with ``on_trust² + own² = 1``
    the latent has unit variance apart from the shifts.
    """

    on_trust: float
    own: float
    on_familiarity: float = 0.0
    shifted: bool = False


#: The scales of the population model that depend on general trust (and years of collaboration),
#: in the order their own parts are drawn. The collaboration factors and the transformation results
#: are the structural model itself (:func:`_collaboration_factors`, :func:`_trust_and_results`).
TRUST_LATENTS = {
    **{theme: Latent(on_trust=lam, own=float(np.sqrt(1 - lam ** 2)), shifted=True)
       for theme, lam in THEME_ON_TRUST.items()},
    "algemeen_vertrouwen": Latent(on_trust=0.9, own=float(np.sqrt(1 - 0.81))),
    "bekendheid": Latent(on_trust=0.35, on_familiarity=0.45, own=0.75),
    "afspraken": Latent(on_trust=0.55, own=0.80),
    "openheid": Latent(on_trust=0.75, own=0.65),
}
RESULTS_SCALE = "transformatieresultaten"
_MODEL_SCALES = {*FACTORS, RESULTS_SCALE, *TRUST_LATENTS}
#: A scale the population model does not know (a new module or scale in the instrument): related
#: to general trust as moderately as the life-cycle stages, and shifted by region like the themes.
DEFAULT_LATENT = Latent(on_trust=0.6, own=0.8, shifted=True)


@dataclass
class Simulation:
    """Simulated responses and the population model they were drawn from."""

    responses: pd.DataFrame
    truth: dict


@dataclass
class _Respondents:
    """Who answers: per respondent the indices of region and wave, organisation type, organisation,
    function and years of collaboration."""

    region: np.ndarray
    wave: np.ndarray
    org_type: np.ndarray
    organisation: np.ndarray
    function: np.ndarray
    years: np.ndarray

    @property
    def n(self) -> int:
        return len(self.region)


@dataclass
class _GroupEffects:
    """Mean shifts of the latent variables: per region (drawn), per organisation (drawn), and
    the fixed effects of organisation type and wave (:data:`TYPE_EFFECTS`, :data:`TRENDS`)."""

    region: dict[str, np.ndarray]
    organisation: np.ndarray

    def shift(self, name: str, people: _Respondents) -> np.ndarray:
        """The shift of latent ``name`` for every respondent (region, trend, organisation type)."""
        s = self.region[name][people.region] + TRENDS.get(name, 0.0) * people.wave
        for t, effects in TYPE_EFFECTS.items():
            s = s + np.where(people.org_type == t, effects.get(name, 0.0), 0.0)
        return s


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

    Every scale of the instrument gets a latent variable: the scales of the population model
    their own (:data:`TRUST_LATENTS`, the collaboration factors, the transformation results),
    any other scale :data:`DEFAULT_LATENT`.

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
    # One generator for everything, drawn from in a fixed order: the same arguments give the same data.
    rng = np.random.default_rng(seed)
    if municipalities is None:
        municipalities = max(3 * regions, round(NATIONAL_MUNICIPALITIES * regions / NATIONAL_REGIONS))
    geography = _geography(rng, regions, municipalities)
    people = _respondents(rng, geography, respondents, waves)
    other = [s.id for s in instrument.scales if s.id not in _MODEL_SCALES]
    recipes = {**TRUST_LATENTS, **dict.fromkeys(other, DEFAULT_LATENT)}
    effects = _group_effects(rng, geography, people, FACTORS + [name for name, r in recipes.items() if r.shifted])
    factors, phi = _collaboration_factors(rng, people, effects)
    trust, results = _trust_and_results(rng, factors, phi, people, effects)
    latent = {**dict(zip(FACTORS, factors.T, strict=True)), RESULTS_SCALE: results,
              **_trust_latents(rng, trust, people, effects, recipes)}
    columns, item_truth = _items(rng, instrument, latent, people.n)
    straight = _careless_answers(rng, instrument, columns, people.n, missing_rate, straightliner_rate)
    frame = _response_frame(rng, geography, people, columns, first_wave, waves)
    settings = {"regions": regions, "respondents_per_wave": respondents, "waves": waves, "seed": seed,
                "first_wave": first_wave, "municipalities": municipalities, "missing_rate": missing_rate,
                "straightliner_rate": straightliner_rate}
    truth = _truth(settings, phi, effects, geography, item_truth, straight, other)
    return Simulation(responses=frame, truth=truth)


def _respondents(rng: np.random.Generator, geography: list[dict], respondents: int, waves: int) -> _Respondents:
    """Respondents per wave and region (in proportion to the region's organisations), their
    organisation type, function, organisation and years of collaboration."""
    regions = len(geography)
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
    return _Respondents(region=region_idx, wave=wave_idx, org_type=org_type, organisation=organisation,
                        function=function, years=years)


def _group_effects(rng: np.random.Generator, geography: list[dict], people: _Respondents,
                   shifted: list[str]) -> _GroupEffects:
    """A random effect per region on each latent in ``shifted``, and one per organisation on trust."""
    region_effect = {name: rng.normal(0, 0.20, len(geography)) for name in shifted}
    org_names = sorted({o for g in geography for t in TYPE_SHARES for o in g[t]})
    org_effect = dict(zip(org_names, rng.normal(0, 0.15, len(org_names)), strict=False))
    return _GroupEffects(region=region_effect, organisation=np.array([org_effect[o] for o in people.organisation]))


def _collaboration_factors(rng: np.random.Generator, people: _Respondents,
                           effects: _GroupEffects) -> tuple[np.ndarray, np.ndarray]:
    """The seven collaboration factors, correlated (the argumentative process against the others)
    and shifted by group; and their correlation matrix."""
    k = len(FACTORS)
    phi = np.full((k, k), 0.30)
    arg = FACTORS.index("argumentatief_proces")
    phi[arg, :] = phi[:, arg] = -0.25
    np.fill_diagonal(phi, 1.0)
    factors = rng.multivariate_normal(np.zeros(k), phi, size=people.n, method="cholesky")
    for j, name in enumerate(FACTORS):
        factors[:, j] += effects.shift(name, people)
    return factors, phi


def _trust_and_results(rng: np.random.Generator, factors: np.ndarray, phi: np.ndarray, people: _Respondents,
                       effects: _GroupEffects) -> tuple[np.ndarray, np.ndarray]:
    """General trust from the factors (paths a), organisation and function; transformation results
    from the factors (paths c) and trust (path b)."""
    n = people.n
    a = np.array([TRUST_PATHS[f] for f in FACTORS])
    c = np.array([RESULT_PATHS[f] for f in FACTORS])
    explained = float(a @ phi @ a)
    trust = factors @ a + rng.normal(0, np.sqrt(max(1 - explained, 0.05)), n)
    trust += effects.organisation + np.vectorize(FUNCTION_EFFECTS.get)(people.function)
    results_explained = float(np.r_[c, TRUST_TO_RESULTS] @ np.cov(np.c_[factors, trust].T) @ np.r_[c, TRUST_TO_RESULTS])
    results = factors @ c + TRUST_TO_RESULTS * trust + rng.normal(0, np.sqrt(max(1 - results_explained, 0.3)), n)
    return trust, results


def _trust_latents(rng: np.random.Generator, trust: np.ndarray, people: _Respondents, effects: _GroupEffects,
                   recipes: dict[str, Latent]) -> dict[str, np.ndarray]:
    """The latent variables made from trust (:class:`Latent`), their own parts drawn in the order given."""
    familiarity = (people.years - people.years.mean()) / people.years.std()
    out = {}
    for name, recipe in recipes.items():
        value = recipe.on_trust * trust
        if recipe.on_familiarity:
            value = value + recipe.on_familiarity * familiarity
        value = value + recipe.own * rng.normal(0, 1, people.n)
        out[name] = value + effects.shift(name, people) if recipe.shifted else value
    return out


def _items(rng: np.random.Generator, instrument: Instrument, latent: dict[str, np.ndarray],
           n: int) -> tuple[dict[str, np.ndarray], dict]:
    """Each item: ``y* = loading · latent + sqrt(1 - loading²) · ε`` cut by its thresholds into
    the answer categories, mirrored for a negatively worded item; and the items' true parameters."""
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
    return columns, item_truth


def _careless_answers(rng: np.random.Generator, instrument: Instrument, columns: dict[str, np.ndarray], n: int,
                      missing_rate: float, straightliner_rate: float) -> np.ndarray:
    """Straight-liners (every item alike, whatever the wording) and item non-response ("weet niet"
    as the missing code, or blank), written into ``columns``; returns who straight-lines."""
    straight = rng.random(n) < straightliner_rate
    same = rng.choice([3, 4, 5], size=n, p=[0.3, 0.5, 0.2])
    item_rates = rng.uniform(0.3, 1.7, len(columns)) * missing_rate
    for (_item_id, values), rate in zip(columns.items(), item_rates, strict=False):
        values[straight] = same[straight]
        draw = rng.random(n)
        values[draw < rate * 2 / 3] = instrument.scale.missing_codes[0] if instrument.scale.missing_codes else np.nan
        values[(draw >= rate * 2 / 3) & (draw < rate)] = np.nan
    return straight


def _response_frame(rng: np.random.Generator, geography: list[dict], people: _Respondents,
                    columns: dict[str, np.ndarray], first_wave: int, waves: int) -> pd.DataFrame:
    """The wide layout: respondent ids and background, the items as codes, the open answers."""
    waves_list = [first_wave + w for w in range(waves)]
    frame = pd.DataFrame({
        "respondent_id": _respondent_ids(rng, people.n),
        "wave": np.array(waves_list)[people.wave],
        "region": np.array([g["region"] for g in geography])[people.region],
        "organisation": people.organisation,
        "organisation_type": people.org_type,
        "function": people.function,
        "years_collaboration": people.years,
    })
    items = pd.DataFrame({k: pd.array(v, dtype="float64").astype("Int8") for k, v in
                          ((k, np.where(np.isnan(v), np.nan, v)) for k, v in columns.items())})
    frame = pd.concat([frame, items], axis=1)
    for question, share in (("open_goed", 0.35), ("open_anders", 0.30)):
        frame[question] = _open_answers(rng, question, people.n, share)
    return frame


def _truth(settings: dict, phi: np.ndarray, effects: _GroupEffects, geography: list[dict], item_truth: dict,
           straight: np.ndarray, other: list[str]) -> dict:
    """The model's parameters, JSON-serialisable, for tests that check analyses recover them."""
    structure = {
        "factor_correlation": {"matrix": np.round(phi, 3).tolist(), "order": FACTORS},
        "trust_paths": TRUST_PATHS, "result_paths": RESULT_PATHS, "trust_to_results": TRUST_TO_RESULTS,
        "indirect_effects": {f: round(TRUST_PATHS[f] * TRUST_TO_RESULTS, 4) for f in FACTORS},
        "theme_on_trust": THEME_ON_TRUST,
    }
    if other:  # scales outside the population model (the key is absent otherwise, as before)
        structure["other_scales"] = {name: asdict(DEFAULT_LATENT) for name in other}
    return {
        "settings": settings,
        "structure": structure,
        "effects": {"organisation_type": TYPE_EFFECTS, "function_on_trust": FUNCTION_EFFECTS,
                    "trend_per_wave": TRENDS,
                    "region": {name: dict(zip([g["region"] for g in geography], np.round(v, 4).tolist(), strict=False))
                               for name, v in effects.region.items()}},
        "items": item_truth,
        "straightliners": int(straight.sum()),
        "geography": geography,
    }


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
                    csv_safe(simulation.responses).to_csv(tmp_out, index=False, lineterminator="\n")
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
