"""Writes the programmatic part of ``deidentification_corpus.yaml``: the hard cases of issue 19 as variants.

Templates of open answers (collaboration, trust, jeugdzorg, Wmo) are filled, with a fixed seed, from lists of
fictional people (common Dutch first names and surnames in combinations made up here), numbers and codes; every
variant records the identifiers it holds and their kind. Run from the repository root; it replaces everything after
the marker line of the corpus file and leaves the hand-written part above it as it is:

    .venv/bin/python tests/data/deidentification_variants.py
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

CORPUS = Path(__file__).with_name("deidentification_corpus.yaml")
MARKER = "  # -- programmatic variants (tests/data/deidentification_variants.py; do not edit below by hand) --"
SEED = 19

FIRST = ["Jan", "Sanne", "Pieter", "Fatima", "Marieke", "Mohamed", "Eva", "Kees", "Anouk", "Youssef", "Lisa", "Henk",
         "Sarah", "Thomas", "Noor", "Bram", "Ingrid", "Ahmed", "Femke", "Ruud", "Esther", "Dennis", "Karin", "Wim"]
LAST = ["Jansen", "de Vries", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos",
        "Peters", "Hendriks", "van Dijk", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "van der Heijden",
        "Pietersen", "Kramer", "Postma", "Kuipers", "Willems", "van Leeuwen", "Koster", "Prins", "Huisman", "Veenstra"]
TITLES = ["mevrouw", "meneer", "dhr.", "mw.", "mevr.", "dr.", "de heer", "wethouder", "collega"]
ORG_HEADS = ["Wijkteam", "GGD", "Veilig Thuis", "wijkteam", "Jeugdteam", "Buurtteam", "Sociaal Team"]


def _case(text: str, how: str) -> str:
    return {"lower": text.lower(), "upper": text.upper(), "as is": text}[how]


def _entry(template: str, **slots: tuple[str, str]) -> dict:
    """``template`` with each ``{slot}`` filled by ``(text, kind)``; kind ``None`` is no identifier."""
    text = template.format(**{k: v[0] for k, v in slots.items()})
    pii = [{"text": v[0], "kind": v[1]} for v in slots.values() if v[1]]
    return {"text": text, "pii": pii}


def names(rng: random.Random) -> list[dict]:
    out = []
    titled = ["Het gesprek met {n} over de wachtlijst was prettig.", "Ik heb {n} drie keer gemaild, zonder antwoord.",
              "{n} van de gemeente denkt altijd mee.", "Volgens {n} is het budget op.",
              "Graag meer overleg met {n} over de tarieven.", "Sinds {n} erbij is, gaat het beter."]
    for i in range(54):
        how = ["lower", "upper", "lower"][i % 3]
        name = _case(f"{rng.choice(TITLES)} {rng.choice(LAST)}", how)
        template = titled[i % len(titled)]
        if template.startswith("{n}") and how == "lower":
            template = "Zeker: " + template
        out.append(_entry(template, n=(name, "name")))
    full = ["Bel {n} even, die weet hoe het zit.", "De casus is besproken met {n} van het wijkteam.",
            "{n} heeft de beschikking te laat verstuurd.", "Wij missen {n} in het regionale overleg.",
            "Het contact met {n} verloopt stroef."]
    for i in range(40):
        how = ["lower", "upper", "lower", "as is"][i % 4]
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name = _case(f"{first} {last}", how) if how != "as is" else f"{first} {last.lower()}"
        template = full[i % len(full)]
        if template.startswith("{n}") and how == "lower":
            template = "En " + template
        out.append(_entry(template, n=(name, "name")))
    orgs = ["{o} {n} reageert altijd snel.", "Bij {o} {n} kunnen we altijd terecht.",
            "De melding ging via {o} {n} naar de toegang.", "Complimenten voor {o} {n}!"]
    for i in range(32):
        head = ORG_HEADS[i % len(ORG_HEADS)]
        person = rng.choice(FIRST) if i % 3 == 0 else rng.choice(FIRST) + " " + rng.choice(LAST) if i % 3 == 1 else \
            rng.choice([n for n in LAST if " " not in n])
        out.append(_entry(orgs[i % len(orgs)], o=(head, None), n=(person, "name")))
    return out


def phones(rng: random.Random) -> list[dict]:
    def digits(k: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(k))

    shapes = [lambda: f"06.{digits(2)}.{digits(2)}.{digits(2)}.{digits(2)}", lambda: f"020.{digits(3)}.{digits(2)}.{digits(2)}",
              lambda: f"0591.{digits(6)}", lambda: f"06.{digits(8)}", lambda: f"+31.6.{digits(8)}",
              lambda: f"010 - {digits(3)} {digits(2)} {digits(2)}", lambda: f"06 {digits(2)} {digits(2)} {digits(2)} {digits(2)}",
              lambda: f"0031 6 {digits(4)} {digits(4)}", lambda: f"050.{digits(3)}.{digits(4)}"]
    templates = ["Bel me op {p} als er iets is.", "Mijn nummer is {p}, ook via WhatsApp.",
                 "De consulent was bereikbaar op {p} maar nam nooit op.", "Tel. {p} (alleen ochtenden)."]
    return [_entry(templates[i % len(templates)], p=(shapes[i % len(shapes)](), "phone")) for i in range(27)]


def emails(rng: random.Random) -> list[dict]:
    out = []
    for i in range(27):
        first, last = rng.choice(FIRST).lower(), rng.choice(LAST).lower().replace(" ", "")
        domain = rng.choice(["gemeente", "zorggroep", "wijkteam-noord", "hotmail", "gmail", "ggd"])
        tld = rng.choice(["nl", "com", "org"])
        forms = [f"{first} punt {last} at {domain} punt {tld}", f"{first[0]}.{last}(at){domain}.{tld}",
                 f"{first[0]}.{last}[at]{domain}.{tld}", f"{first}.{last} at {domain}.{tld}",
                 f"{first}{last} apenstaartje {domain} punt {tld}", f"{first} dot {last} at {domain} dot {tld}",
                 f"{first}.{last} @ {domain}.{tld}", f"{first[0]}.{last} (at) {domain} (punt) {tld}",
                 f"{first}_{last}{{at}}{domain}.{tld}"]
        templates = ["Mail gerust naar {e} voor een afspraak.", "Het adres is {e}, maar er komt nooit antwoord.",
                     "Stuur het verslag naar {e} graag."]
        out.append(_entry(templates[i % 3], e=(forms[i % len(forms)], "email")))
    return out


def handles(rng: random.Random) -> list[dict]:
    templates = ["Volg {h} op Instagram voor de activiteiten.", "De jongerenwerker ({h}) post alles op TikTok.",
                 "Op X reageerde {h} heel negatief over de gemeente.", "Stuur een DM naar {h}, dat werkt sneller."]
    out = []
    for i in range(24):
        first, last = rng.choice(FIRST).lower(), rng.choice(LAST).lower().replace(" ", "")
        handle = rng.choice([f"@{first}{last}", f"@{first}_{last}", f"@{first}.{last}{rng.randint(1, 99)}",
                             f"@{first[0]}{last}", f"@{first.capitalize()}{last.capitalize()}"])
        out.append(_entry(templates[i % len(templates)], h=(handle, "handle")))
    return out


def plates(rng: random.Random) -> list[dict]:
    codes = ["LL-DD-DD", "DD-DD-LL", "DD-LL-DD", "LL-DD-LL", "LL-LL-DD", "DD-LL-LL", "DD-LLL-D", "D-LLL-DD",
             "LL-DDD-L", "L-DDD-LL", "LLL-DD-L", "L-DD-LLL", "D-LL-DDD", "DDD-LL-D"]
    letters = "BDFGHJKLNPRSTVXZ"  # the RDW issues no vowels
    templates = ["De taxi met kenteken {k} kwam weer te laat.", "Het busje ({k}) van de zorgaanbieder stond er niet.",
                 "Een auto met nummerbord {k} stond elke dag voor de deur.", "Kenteken {k} is van de vervoerder."]
    out = []
    for i in range(28):
        plate = "".join(rng.choice(letters) if c == "L" else rng.choice("0123456789") if c == "D" else c
                        for c in codes[i % len(codes)])
        out.append(_entry(templates[i % len(templates)], k=(plate, "plate")))
    return out


def dossiers(rng: random.Random) -> list[dict]:
    def num(k: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(k))

    forms = [("dossiernummer", lambda: f"2024-{num(5)}"), ("zaaknummer", lambda: f"Z/23/{num(6)}"),
             ("cliëntnummer", lambda: num(6)), ("ons kenmerk", lambda: f"JZ-2024-{num(4)}"),
             ("beschikkingsnummer", lambda: f"2023/{num(4)}"), ("registratienummer:", lambda: f"R{num(5)}"),
             ("dossier", lambda: num(5)), ("casusnummer", lambda: f"C-{num(4)}"), ("kenmerk", lambda: f"23.{num(4)}"),
             ("", lambda: f"Z/24/{num(6)}"), ("", lambda: f"2023-{num(5)}")]
    templates = ["Over {w}{d} hebben we nog steeds geen besluit.", "Zie {w}{d}, daar staat alles in.",
                 "Het ging mis bij {w}{d}: de indicatie was verlopen."]
    out = []
    for i in range(33):
        word, make = forms[i % len(forms)]
        code = make()
        template = templates[i % len(templates)].replace("{w}", (word + " ") if word else "de zaak ")
        out.append(_entry(template, d=(code, "dossier")))
    return out


def negatives() -> list[dict]:
    lines = [
        "De GGD heeft de voorlichting op scholen goed georganiseerd.", "Veilig Thuis Drenthe reageert snel op meldingen.",
        "GGD Hollands Noorden en het wijkteam werken goed samen.", "Het Wijkteam Noord heeft een lange wachtlijst.",
        "Wij werken samen met GGZ Friesland en Veilig Thuis Groningen.", "Het schooljaar 2023-2024 was zwaar voor iedereen.",
        "COVID-19 heeft de samenwerking jaren vertraagd.", "De Wmo 2015 en de Jeugdwet schrijven dit zo voor.",
        "Artikel 2.3 van de Jeugdwet wordt verschillend uitgelegd.", "We zijn 24/7 bereikbaar voor crisissituaties.",
        "Mevrouw de voorzitter opende het overleg met een terugblik.", "Collega zorgaanbieders herkennen dit beeld.",
        "De wethouder van jeugd komt niet naar het overleg.", "Meneer van de thuiszorg kwam niet opdagen.",
        "DE SAMENWERKING MET DE GEMEENTE IS SLECHT.", "WIJ WILLEN MEER OVERLEG EN MINDER PAPIERWERK.",
        "De bakker op de hoek doet mee aan het buurtproject.", "Het dossier is op orde, de zaak is gesloten.",
        "De kentekenregistratie van de vervoerder laat te wensen over.", "We mailen elkaar via de beveiligde omgeving.",
        "Het kostte de regio 1.200.000 euro in 2023.", "Groep 7/8 van de basisschool deed mee.",
        "In de regio Twente werkt het wijkteam met een vast aanspreekpunt.", "De jeugdarts en de GGD-verpleegkundige trekken samen op.",
        "De Jeugdbescherming Noord en het Sociaal Team Oost hebben goede afspraken.", "Op X en Instagram deelt de gemeente nieuws.",
        "Het wijkteam is bereikbaar via het algemene nummer.", "Mevrouw van de toegang legde alles geduldig uit.",
        "De heer en mevrouw van de cliëntenraad waren kritisch.", "Bij het CJG en MEE kunnen ouders terecht.",
        "De toegang, de GGD en het AMW zaten samen aan tafel.", "Versie 2.1 van het contract is nog niet getekend.",
        "Wij hebben het overleg op 3 dinsdagen per kwartaal gezet.", "Een tarief van 65 euro per uur is niet reëel.",
        "De aanbesteding voor 2025-2028 loopt nog.", "Het jeugdteam Zuid en Veilig Thuis West-Brabant overleggen wekelijks.",
        "Zorg dat de zaak bij de juiste instantie komt.", "De klantmanager Wmo kent de cliënten goed.",
        "Het Centrum voor Jeugd en Gezin doet goed werk.", "De medewerkers van GGD Gelderland-Zuid zijn betrokken.",
    ]
    return [{"text": line, "pii": []} for line in lines]


def variants() -> list[dict]:
    rng = random.Random(SEED)
    return names(rng) + phones(rng) + emails(rng) + handles(rng) + plates(rng) + dossiers(rng) + negatives()


def _line(entry: dict) -> str:
    def quoted(text: str) -> str:
        return yaml.safe_dump(text, default_style='"', width=1000).strip()

    pii = ", ".join(f"{{text: {quoted(p['text'])}, kind: {p['kind']}}}" for p in entry["pii"])
    return f"  - text: {quoted(entry['text'])}\n    pii: [{pii}]\n"


def main() -> None:
    text = CORPUS.read_text(encoding="utf-8")
    head = text.split(MARKER)[0].rstrip("\n") + "\n\n"
    CORPUS.write_text(head + MARKER + "\n" + "".join(_line(e) for e in variants()), encoding="utf-8")


if __name__ == "__main__":
    main()
