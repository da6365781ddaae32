"""The rules of de-identification: DEDUCE configured for the open answers of a collaboration survey.

What :func:`monitor.privacy.deidentify.scrub_texts` finds and what it writes instead: the Dutch placeholder per
kind of personal detail (:data:`PLACEHOLDERS`), the widened patterns, the lists added to DEDUCE's lookups
(:data:`TITLES`, :data:`NOT_NAMES`) and the annotators that adapt DEDUCE. Configuration and annotator classes only:
DEDUCE itself, its lookup cache and its one instance per process are :mod:`monitor.privacy.deidentify_engine`'s.

Method
------
Detection is done by DEDUCE, a rule- and lookup-based de-identification method for Dutch text (Menger et al.
2018, "DEDUCE: A pattern matching method for automatic de-identification of Dutch medical text", *Telematics
and Informatics* 35(4), 727-736; PyPI ``deduce`` 3.x on its framework ``docdeid``). DEDUCE finds persons
(first-name and surname lookup lists, initials, titles such as ``dhr.``/``mevrouw``/``dr.``, and context rules
that extend a name to neighbouring initials, interfixes and capitalised words), streets with house numbers,
postcodes, phone numbers, e-mail addresses, URLs, dates, ages, BSNs (with the 11-proof) and other long numbers
(``[nummer]``). It needs no language model and runs offline.

DEDUCE was written for medical records. For open answers of a collaboration survey its configuration is
adapted through DEDUCE's own extension mechanisms: its annotator configuration (which takes any importable
annotator class), its lookup lists (stored in the lookup cache of
:mod:`monitor.privacy.deidentify_engine`) and docdeid's processor groups.

* **Organisations are not persons.** DEDUCE's place-name, hospital and care-institution annotators are switched
  off (municipalities, regions and providers are the subject of the survey and the reports name them anyway).
  :class:`OrganisationGuard` marks ``Zorggroep De Linde``, ``Gemeente Veendam``, ``Stichting Jeugdzorg Noord``
  and the like (a head word from a list, an optional article, up to three capitalised words) as ``pseudo_name``:
  DEDUCE drops the part of any name that overlaps a ``pseudo`` annotation (its mechanism for eponymous diseases).
  Without it ``Linde`` (a first name) and ``Bron`` (a surname) became ``[naam]``. :class:`PlaceNameFilter` drops a
  "name" that is exactly a municipality, province or region (``Drenthe`` is in DEDUCE's surname list).
* **Titles of office** (supplementary list :data:`TITLES`): ``wethouder``, ``burgemeester``, ``raadslid`` ... are
  added to DEDUCE's ``prefix`` lookup list (which has ``dhr.``, ``mevrouw``, ``dr.``), so ``wethouder
  Oosterhuis`` is a name even though the surname is in no list. :data:`NOT_NAMES` (``Bel``, ``Vraag``, ``Graag``
  ...) are added to DEDUCE's whitelist, so that "Bel Jan de Vries" gives "Bel [naam]", not "[naam]".
* **Phone numbers**: DEDUCE's pattern allows no space after ``+31``/``0031`` nor the ``(0)`` of ``+31 (0)6``; the
  pattern is widened (same annotator, same digit-count checks).
* **BSN**: DEDUCE's 11-proof annotator only sees nine adjacent digits; widened to ``123.456.782`` and
  ``1234 56 782`` (the 11-proof still decides; nine digits that fail it are a ``[nummer]``).
* **IBAN**: DEDUCE has none (it redacts only the digits, leaving ``NL91ABNA[nummer]``); :class:`IbanAnnotator` adds
  one: the Dutch format always, other countries when the ISO 13616 mod-97 check holds.
* **E-mail and URLs**: DEDUCE knows only a dozen lower-case top-level domains (``jan@jansen.frl`` left a stray
  ``l``); both patterns are widened to any top-level domain in any case.
* **Dates**: ``1 jan. 2025`` (a period and a space after the month) is accepted.
* **Names not written with one capital** (issue 19): :class:`RecasedNameAnnotator` looks words up with one capital
  in DEDUCE's name lists: ``mevrouw jansen``, ``DHR. DE VRIES``, ``jan jansen``, ``JAN JANSEN`` are names.
* **An organisation word followed by a person** (``Wijkteam Fatima``, ``GGD Pietersen``, ``Veilig Thuis Marieke de
  Boer``): after a team or service word without an article, a word in the name lists that is no place or area
  ends the :class:`OrganisationGuard`, so DEDUCE's name rules see the person.
* **E-mail written out or disguised** (``jan punt jansen at gemeente punt nl``, ``j.jansen(at)gemeente.nl``),
  **social handles** (``@janjansen``, ``[account]``), **licence plates** (:class:`LicencePlateAnnotator`, the RDW
  side codes, ``[kenteken]``) and **dossier and case numbers** (:class:`DossierNumberAnnotator`, ``[nummer]``).
* **Phone numbers with dots** (``06.12.34.56.78``, ``020.123.45.67``): DEDUCE read the first digits as a date
  and left the rest; dots are now separators of the phone pattern.
* **Postcodes** get their own tag (DEDUCE files them under ``locatie``): ``[postcode]``; a street with a house
  number is ``[adres]``, a bare street name is kept (DEDUCE's choice). A town after a postcode is kept.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable

import docdeid as dd
import regex

__all__ = ["PLACEHOLDERS", "TITLES", "NOT_NAMES", "ADDRESS_FORMS", "ROLE_WORDS", "ACRONYMS", "placeholder",
           "deduce_config", "IbanAnnotator", "OrganisationGuard", "PlaceNameFilter", "PlaceholderRedactor",
           "TokenRegexAnnotator", "RecasedNameAnnotator", "LicencePlateAnnotator", "DossierNumberAnnotator"]

#: Dutch placeholder per kind of personal detail. Kinds marked "off" are detected by DEDUCE but switched off
#: here (see the module docstring); their placeholders are kept should a configuration switch them on.
PLACEHOLDERS: dict[str, str] = {
    "name": "[naam]",
    "phone": "[telefoonnummer]",
    "email": "[e-mail]",
    "url": "[url]",
    "address": "[adres]",
    "postcode": "[postcode]",
    "bsn": "[BSN]",
    "iban": "[IBAN]",
    "plate": "[kenteken]",
    "handle": "[account]",
    "number": "[nummer]",
    "date": "[datum]",
    "age": "[leeftijd]",
    "place": "[plaats]",  # off
    "hospital": "[ziekenhuis]",  # off
    "institution": "[zorginstelling]",  # off
    "other": "[verwijderd]",  # a tag without a kind of its own
    "answer": "[antwoord verwijderd]",  # the whole answer, should de-identification itself fail
}

# DEDUCE tag -> kind in PLACEHOLDERS.
_TAG_KIND = {
    "persoon": "name", "patient": "name", "telefoonnummer": "phone", "emailadres": "email", "url": "url",
    "locatie": "address", "postbus": "address", "postcode": "postcode", "bsn": "bsn", "iban": "iban",
    "id": "number", "dossiernummer": "number", "kenteken": "plate", "account": "handle", "datum": "date", "leeftijd": "age", "plaats": "place", "ziekenhuis": "hospital",
    "zorginstelling": "institution",
}

#: Titles of office and forms of address added to DEDUCE's ``prefix`` list (it already has dhr., mevrouw, dr. ...).
TITLES = ("wethouder", "burgemeester", "gedeputeerde", "raadslid", "commissaris", "juffrouw", "juf", "meester",
          "zuster", "broeder", "pastoor", "dominee", "mnr", "hr", "mvr", "heer")

#: Words added to DEDUCE's whitelist: capitalised at the start of a sentence they would otherwise be taken for part
#: of the name that follows them ("Bel Jan de Vries" -> "[naam]" instead of "Bel [naam]").
NOT_NAMES = ("bel", "bellen", "mail", "mailen", "app", "appen", "vraag", "vragen", "stuur", "neem", "zoek", "spreek",
             "informeer", "dank", "bedankt", "complimenten", "compliment", "groet", "groeten", "hulde", "helaas",
             "gelukkig", "zeker", "vooral", "zie", "graag", "contact", "contactpersoon", "tel", "telefoon", "mobiel",
             "email", "adres", "namens", "vanuit", "ook", "alleen", "nu", "toen", "daarna", "sindsdien", "jeugdzorg",
             "jeugdhulp", "wmo", "zorg", "welzijn", "participatiewet", "inkoop", "toegang", "regio", "gemeente")

# Words that start an organisation name (any case of the first letter); what follows them up to three capitalised
# words, optionally after an article, is an organisation and never a person.
_ORG_HEADS = (
    "Zorggroep", "Zorgaanbieder", "Zorgorganisatie", "Zorginstelling", "Zorgcentrum", "Zorgboerderij", "Stichting",
    "Gemeente", "Gemeenten", "Regio", "Jeugdregio", "Zorgregio", "Provincie", "Jeugdhulp", "Jeugdzorg",
    "Gezinshuis", "Coöperatie", "Cooperatie", "Vereniging", "Wijkteam", "Buurtteam", "Jeugdteam", "Sociaal Team",
    "Sociaal Wijkteam", "Veilig Thuis", "GGD", "GGZ", "Centrum", "Kliniek", "Ziekenhuis", "Woningcorporatie",
    "Woonstichting", "Welzijnsorganisatie", "Welzijn", "Thuiszorg", "Kinderopvang", "School", "Basisschool",
    "Scholengemeenschap", "Samenwerkingsverband", "Werkplein", "Sociale Dienst", "Instelling", "Organisatie",
    "Platform", "Netwerk", "Coalitie", "Alliantie", "Consortium", "Inkooporganisatie", "Inkoopbureau",
    "Expertisecentrum", "Jeugdbescherming",
)  # not "Praktijk", "Bureau", "Groep", "Holding": they are often followed by a person's surname
# Heads of a team or service that people are named after ("Wijkteam Fatima", "GGD Pietersen", "Veilig Thuis Marieke
# de Boer"): a known first name or surname right after one (no article) is a person, not part of the organisation.
_PERSON_AFTER_HEADS = frozenset({"wijkteam", "buurtteam", "jeugdteam", "sociaal team", "sociaal wijkteam", "veilig thuis",
                                 "ggd", "ggz", "jeugdbescherming", "sociale dienst", "werkplein", "thuiszorg",
                                 "jeugdhulp", "jeugdzorg", "welzijn", "kinderopvang", "school", "basisschool"})
# Words after such a head that name a part of the country, never a person (besides the municipalities, provinces
# and regions of DEDUCE's lists).
_AREA_WORDS = frozenset({"noord", "zuid", "oost", "west", "midden", "centrum", "centraal", "noorden", "zuiden", "oosten",
                         "westen", "hollands", "brabant", "holland", "limburg", "gelderland", "regio", "stad", "land",
                         "rivierenland", "fryslân", "ijsselland", "haaglanden", "kennemerland", "twente", "rijnmond"})

#: Forms of address after which the next word is a person's name in any case ("mevrouw jansen", "DHR. SMIT"), unless
#: it is a common word. After the other titles (``wethouder``, ``collega``, ``juf`` ...) the word must be in DEDUCE's
#: name lists.
ADDRESS_FORMS = frozenset({"mevrouw", "mevr", "mw", "mvr", "meneer", "mijnheer", "dhr", "hr", "heer", "mnr", "dr", "drs",
                           "mr", "prof", "ir", "ing", "ds", "mej", "juffrouw"})
#: Nouns for a role or a group that follow a title without being a name ("mevrouw de voorzitter", "collega
#: zorgaanbieders"); DEDUCE's whitelist lacks them.
ROLE_WORDS = frozenset({
    "voorzitter", "medewerker", "medewerkers", "directeur", "directie", "manager", "coördinator", "coordinator",
    "consulent", "consulenten", "jeugdconsulent", "gemeenten", "gemeente", "aanbieders", "zorgaanbieders",
    "wethouders", "wethouder", "professionals", "professional", "collega", "collega's", "beleidsmedewerker",
    "beleidsadviseur", "contractmanager", "accountmanager", "adviseur", "secretaris", "bestuurder", "ambtenaar",
    "ambtenaren", "teamleider", "regisseur", "casusregisseur", "jeugdarts", "huisarts", "psycholoog", "orthopedagoog",
    "gedragswetenschapper", "wijkverpleegkundige", "verpleegkundige", "burgemeester", "raadsleden", "gedeputeerde",
    "inkoper", "inkopers", "ouders", "ouder", "cliënt", "cliënten", "client", "clienten", "jongere", "jongeren",
    "kinderen", "kind", "gezin", "gezinnen", "moeder", "vader", "partner", "buurvrouw", "buurman", "dokter",
    "doctor", "doctorandus", "meester", "juf", "zuster", "broeder", "pastoor", "dominee",
})
#: Upper-case words that are abbreviations in this field, never a shouted name (some are in DEDUCE's name lists).
ACRONYMS = frozenset({
    "GGD", "GGZ", "WMO", "JGZ", "CJG", "AMW", "MEE", "VNG", "WLZ", "ZVW", "PGB", "ZZP", "BSN", "IBAN", "POH", "SAVE",
    "VT", "JB", "RvdK", "HR", "ICT", "AVG", "CEO", "CFO", "MT", "OR", "PO", "VO", "MBO", "HBO", "WO", "UWV", "SVB",
    "CAK", "DUO", "IND", "COA", "GI", "JR", "LVB", "ADHD", "ASS", "NAH", "GGZ-", "KPI", "SLA", "ROGplus", "BOPZ",
    "WVGGZ", "WZD", "WSNP", "JIT", "OTS", "SGLVG", "VIA", "DIS", "ZIN", "NZA", "NZa", "IGJ", "AP", "RIVM", "NJI",
    "SCP", "CBS", "EU", "NL", "OK", "ANNA", "ZORG", "TOP", "GOED", "SAMEN", "HELP", "LET", "WEL", "NIET", "NU", "ALLE",
})
_ARTICLE = r"(?:[Dd]e|[Hh]et|'[Tt]|[Tt]er|[Tt]en|[Oo]p[^\S\n]+[Dd]e|[Ii]n[^\S\n]+[Dd]e|[Vv]an[^\S\n]+[Dd]e|[Vv]oor)"
_GAP = r"[^\S\n]+"  # white space within a line
_TITLE_WORD = r"(?:Wethouder|Burgemeester|Mevrouw|Mevr|Mw|Meneer|Mijnheer|Dhr|Heer|Dr|Drs|Mr|Prof|Ir|Ing|Collega)\b"
_CAPWORD = rf"(?!{_TITLE_WORD})(?:\p{{Lu}}[\p{{L}}\p{{M}}'’]*(?:-\p{{L}}[\p{{L}}\p{{M}}'’]*)*)"
_ORG_PATTERN = (
    r"(?<![\p{L}\p{M}])(?P<head>"
    + "|".join(f"[{h[0]}{h[0].lower()}]" + re.escape(h[1:]).replace(r"\ ", _GAP) for h in _ORG_HEADS)
    + rf")(?:{_GAP}(?P<article>{_ARTICLE}))?(?P<words>(?:{_GAP}{_CAPWORD}){{1,3}})"
)

# DEDUCE's phone pattern, widened: optional space/hyphen/dot after +31/0031, an optional "(0)" trunk prefix, and dots
# as well as spaces and hyphens between digit groups (06.12.34.56.78, 020.123.45.67: DEDUCE left the last digits).
_PHONE_REGEXP = (
    r"(?<![\d.])(\(?(0031|\+31|0)[ .-]?(?:\(0\)[ .-]?)?(1[035]|2[0347]|3[03568]|4[03456]|5[0358]|6|7|88|800|91"
    r"|90[069]|[1-5]\d{2})\)?) ?[-.]? ?((\d{2,4}[ .-]?)+\d{2,4})(?![\d]|\.\d)"
)
_EMAIL_REGEXP = r"(?i)(?<![\w.%+-])([\w.%+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})*\.[a-z]{2,24})(?![\w-])"
# An e-mail address written out or disguised: "jan punt jansen at gemeente punt nl", "j.jansen(at)gemeente.nl",
# "j.jansen [at] gemeente.nl", "jansen apenstaartje hotmail punt com". A spelled-out "at" needs a domain that ends in
# a known top-level domain after a dot or "punt"/"dot"; a bracketed "(at)" takes any top-level domain.
_MAIL_DOT = r"(?:[^\S\n]*(?:\.|[(\[{](?:punt|dot)[)\]}])[^\S\n]*|[^\S\n]+(?:punt|dot)[^\S\n]+)"
_MAIL_WORD = r"[\w%+-]{1,64}"
_MAIL_TLD = r"(?:nl|com|org|net|eu|be|de|frl|info|nu|io|gov|edu|biz|online|email|me|uk|fr|amsterdam)"
_MAIL_WRITTEN_REGEXP = (
    rf"(?i)(?<![\w.%+-])({_MAIL_WORD}(?:{_MAIL_DOT}{_MAIL_WORD}){{0,4}}"
    rf"(?:[^\S\n]*(?:[(\[{{<](?:at|a|apenstaartje)[)\]}}>]|@)[^\S\n]*{_MAIL_WORD}(?:{_MAIL_DOT}{_MAIL_WORD}){{0,3}}"
    rf"{_MAIL_DOT}[a-z]{{2,24}}"
    rf"|[^\S\n]+(?:at|apenstaartje|apestaart)[^\S\n]+{_MAIL_WORD}(?:{_MAIL_DOT}{_MAIL_WORD}){{0,3}}{_MAIL_DOT}{_MAIL_TLD}))"
    r"(?![\w-])"
)
# A social-media handle: @ and 2-30 letters, digits, underscores or dots, not part of an e-mail address.
_HANDLE_REGEXP = r"(?<![\w@.%+-])(@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)(?![\w@]|\.\w)"
# Web addresses that start with http(s):// or www., any top-level domain (DEDUCE's own url annotator stays on).
_URL_REGEXP = r"(?i)(?<![\w@.])((?:https?://|www\.)[^\s<>\"'()\[\]]*[^\s<>\"'()\[\].,;:!?])"
# Nine digits, or 3-3-3 / 4-2-3 groups separated by a dot or a space; the 11-proof is applied to the digits.
_BSN_REGEXP = r"(?<![\d.])(\d{9}|\d{3}([. ])\d{3}\2\d{3}|\d{4}([. ])\d{2}\3\d{3})(?![\d]|\.\d)"


def placeholder(tag: str) -> str:
    """The placeholder for a DEDUCE annotation's tag (``persoon`` -> ``[naam]``; an unknown tag: ``[verwijderd]``).

    >>> placeholder("telefoonnummer"), placeholder("iets_nieuws")
    ('[telefoonnummer]', '[verwijderd]')
    """
    return PLACEHOLDERS[_TAG_KIND.get(tag, "other")]


class IbanAnnotator(dd.process.Annotator):
    """A DEDUCE annotator for IBANs (tag ``iban``), added through DEDUCE's configuration.

    Dutch IBANs (``NL`` + 2 check digits + 4 letters + 10 digits, with or without a space every four characters)
    are always annotated, even a mistyped one; other countries' IBANs only when their ISO 13616 mod-97 check holds.
    """

    _pattern = regex.compile(
        r"(?<![\p{L}\p{N}])((?i:NL)\s?\d{2}\s?[A-Za-z]{4}(?:\s?\d{4}){2}\s?\d{2}"
        r"|[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?)(?![\p{L}\p{N}])"
    )

    @staticmethod
    def mod97(iban: str) -> bool:
        """The ISO 13616 check: the rearranged IBAN, letters as 10..35, is 1 modulo 97."""
        compact = re.sub(r"\s", "", iban).upper()
        if not 15 <= len(compact) <= 34 or not compact.isascii() or not compact.isalnum():
            return False
        return int("".join(str(int(c, 36)) for c in compact[4:] + compact[:4])) % 97 == 1

    def annotate(self, doc: dd.Document) -> list[dd.Annotation]:
        out, text, end = [], doc.text, -1
        for token in doc.get_tokens():  # an IBAN starts a token with two letters and two digits: match only there
            word = token.text
            if token.start_char < end or not (word[:2].isalpha() and word[2:4].isdigit()):
                continue
            match = self._pattern.match(text, token.start_char)
            if match and (match.group(1)[:2].upper() == "NL" or self.mod97(match.group(1))):
                end = match.end(1)
                out.append(dd.Annotation(text=match.group(1), start_char=match.start(1), end_char=end, tag=self.tag,
                                         priority=self.priority))
        return out


class TokenRegexAnnotator(dd.process.Annotator):
    """DEDUCE's one-position ``TokenPatternAnnotator`` with a ``re_match`` pattern, with the regexp compiled once.

    DEDUCE's street pattern (``Dorpsstraat``, ``Beukenlaan``, ...) is such an annotator; it called ``re.match``
    through a generic pattern matcher on every token, a quarter of the time per answer. Same annotations (with
    their tokens, which the house-number rule extends), same tag and priority.
    """

    def __init__(self, pattern: list[dict], *args, **kwargs) -> None:
        if len(pattern) != 1 or set(pattern[0]) != {"re_match"}:
            raise ValueError("TokenRegexAnnotator takes one pattern position with 're_match'")
        self.regexp = re.compile(pattern[0]["re_match"])
        super().__init__(*args, **kwargs)

    def annotate(self, doc: dd.Document) -> list[dd.Annotation]:
        match = self.regexp.match
        return [dd.Annotation(text=t.text, start_char=t.start_char, end_char=t.end_char, tag=self.tag,
                              priority=self.priority, start_token=t, end_token=t)
                for t in doc.get_tokens() if match(t.text)]


class OrganisationGuard(dd.process.Annotator):
    """A DEDUCE ``pseudo_name`` annotator that shields organisation names from the name annotators.

    Matches a head word (``Zorggroep``, ``Gemeente``, ``Stichting``, ``Regio``, ...) followed by an optional
    article and one to three capitalised words. DEDUCE's ``PersonAnnotationConverter`` removes every name that
    overlaps a ``pseudo`` annotation, and then the pseudo annotation itself, so the organisation stays as it is.
    """

    _pattern = regex.compile(_ORG_PATTERN)
    _heads = frozenset(h.split()[0].lower() for h in _ORG_HEADS)
    _lowercase = (dd.str.LowercaseString(),)

    def __init__(self, ds: dd.ds.DsCollection | None = None, places: Iterable[str] = (), *args, **kwargs) -> None:
        self.names = (ds["first_name"], ds["surname"]) if ds is not None else ()
        self.plain = frozenset(w.lower() for w in ds["whitelist"].items()) if ds is not None else frozenset()
        self.places = frozenset(places)
        super().__init__(*args, **kwargs)

    def _person_follows(self, match: regex.Match) -> bool:
        """Whether the organisation word is a team or service followed directly by a person's name."""
        if match.group("article") or " ".join(match.group("head").lower().split()) not in _PERSON_AFTER_HEADS:
            return False
        word = match.group("words").split()[0]
        if word in self.places or word.lower() in _AREA_WORDS or word.lower() in self.plain:
            return False
        if any(part in self.places or part.lower() in _AREA_WORDS for part in word.split("-")):
            return False
        return any(lookup.longest_matching_prefix([word.split("-")[0]]) for lookup in self.names)

    def annotate(self, doc: dd.Document) -> list[dd.Annotation]:
        out, text, end = [], doc.text, -1
        starts = doc.get_tokens().token_lookup(self._heads, matching_pipeline=list(self._lowercase))
        for token in sorted(starts, key=lambda t: t.start_char):  # match only where a head word starts
            match = self._pattern.match(text, token.start_char) if token.start_char >= end else None
            if match and not self._person_follows(match):
                end = match.end()
                out.append(dd.Annotation(text=match.group(), start_char=match.start(), end_char=end, tag=self.tag,
                                         priority=self.priority))
        return out


class RecasedNameAnnotator(dd.process.Annotator):
    """Person names that DEDUCE misses because they are not written with one capital: ``mevrouw jansen``,
    ``DHR. DE VRIES``, ``jan jansen``, ``JAN JANSEN``, ``Fatima el amrani``.

    DEDUCE's name lookups and context rules expect ``Jansen``. Each word is looked up with one capital (``jansen`` and
    ``JANSEN`` as ``Jansen``) in DEDUCE's own first-name and surname lists, and three rules mark a name (tag
    ``naam_hoofdletters``; DEDUCE's name processors then treat it as any other name):

    * a title in any case, optional initials and interfixes, then a word: after a form of address
      (:data:`ADDRESS_FORMS`: ``mevrouw``, ``dhr.``, ``dr.`` ...) any word that is no common word (DEDUCE's
      whitelist, common and stop words, :data:`ROLE_WORDS`) or place; after another title (``wethouder``,
      ``collega``) only a word in the name lists;
    * a first name followed (after optional interfixes) by a surname, in any case;
    * a word in upper case that is in the name lists, not a common word and not one of :data:`ACRONYMS`.

    A name is extended to the right by a hyphen and a word, by interfixes and a word, and by further words in the
    surname list (``mevrouw el amrani-bakker``).
    """

    _initial = re.compile(r"^[A-Za-z](?:\.[A-Za-z])*\.?$")
    _word = regex.compile(r"^\p{L}[\p{L}\p{M}'’]*$")

    def __init__(self, ds: dd.ds.DsCollection, places: Iterable[str] = (), *args, **kwargs) -> None:
        self.first_names, self.surnames = ds["first_name"], ds["surname"]
        self.interfix_surnames = ds["interfix_surname"]  # "Heijden", "Wit": surnames that follow an interfix
        self.prefixes = frozenset(p.lower().rstrip(".") for p in ds["prefix"].items())
        self.interfixes = frozenset(i.lower() for i in ds["interfix"].items())
        self.plain = frozenset(w.lower() for name in ("whitelist", "common_word", "stop_word")
                               for w in ds[name].items()) | ROLE_WORDS | frozenset(NOT_NAMES)
        # Never a name, even when in the surname list ("Wel", "Ook"); other common words in it ("bos", "prins")
        # are names after a title or a first name.
        self.never = frozenset(w.lower() for w in ds["stop_word"].items()) | ROLE_WORDS | frozenset(NOT_NAMES)
        self.places = frozenset(p.lower() for p in places)
        super().__init__(*args, **kwargs)

    def _recased(self, word: str) -> str:
        return word[:1].upper() + word[1:].lower()

    def _in_lists(self, word: str) -> bool:
        recased = self._recased(word)
        return bool(self.first_names.longest_matching_prefix([recased]) or self.surnames.longest_matching_prefix([recased]))

    def _is_name_word(self, word: str, loose: bool, common: bool = False, interfix: bool = False) -> bool:
        """A word that can be (part of) a name: in the lists, or (``loose``) any word that is no common word.
        With ``common`` (after a title or a first name), a common word in the lists ("bos") is a name too; after
        an ``interfix``, DEDUCE's list of surnames that follow one ("van der heijden", "de wit") counts."""
        if not self._word.match(word) or len(word) < 2 or word in ACRONYMS:
            return False
        lower = word.lower()
        if lower in self.never or lower in self.places or lower in self.prefixes or lower in self.interfixes:
            return False
        listed = self._in_lists(word) or (interfix and self._recased(word) in self.interfix_surnames)
        if lower in self.plain:
            return common and listed
        return loose or listed

    @staticmethod
    def _adjacent(text: str, left, right) -> bool:
        gap = text[left.end_char:right.start_char]
        return len(gap) <= 2 and not gap.strip(" .") and "\n" not in gap

    def _extend(self, text: str, tokens: list, j: int) -> int:
        """The last token of a name whose last token so far is ``tokens[j]``."""
        while j + 1 < len(tokens) and self._adjacent(text, tokens[j], tokens[j + 1]):
            nxt = tokens[j + 1]
            if nxt.text == "-" and j + 2 < len(tokens) and self._is_name_word(tokens[j + 2].text, loose=True):
                j += 2
            elif (nxt.text.lower() in self.interfixes and j + 2 < len(tokens)
                  and self._adjacent(text, nxt, tokens[j + 2])
                  and self._is_name_word(tokens[j + 2].text, loose=False, common=True, interfix=True)):
                j += 2
            elif self._is_name_word(nxt.text, loose=False) and not nxt.text.islower():
                j += 1
            elif self._is_name_word(nxt.text, loose=False) and self.surnames.longest_matching_prefix(
                    [self._recased(nxt.text)]):
                j += 1
            else:
                break
        return j

    def _after_title(self, text: str, tokens: list, i: int) -> int | None:
        title = tokens[i].text.lower().rstrip(".")
        if title not in self.prefixes:
            return None
        loose = title in ADDRESS_FORMS
        j, interfix = i + 1, False
        while j < len(tokens) and self._adjacent(text, tokens[j - 1], tokens[j]):
            word = tokens[j].text
            if word == "." or (self._initial.match(word) and len(word.replace(".", "")) <= 3 and word[0].isupper()
                               and (word.endswith(".") or word.isupper())):
                j += 1
            elif word.lower() in self.interfixes:
                j, interfix = j + 1, True
            else:
                break
        if j >= len(tokens) or not self._adjacent(text, tokens[j - 1], tokens[j]):
            return None
        word = tokens[j].text
        # "mevrouw van der heijden" is a name, "mevrouw van de toegang" is not: after an interfix a word in lower
        # case must be in the name lists.
        loose = (loose and not interfix) or (interfix and not word.islower())
        if not self._is_name_word(word, loose=loose, common=True, interfix=interfix):
            return None
        return self._extend(text, tokens, j)

    def _first_and_surname(self, text: str, tokens: list, i: int) -> int | None:
        first = tokens[i].text
        if not self._is_name_word(first, loose=False) or not self.first_names.longest_matching_prefix(
                [self._recased(first)]):
            return None
        j, interfix = i + 1, False
        while j < len(tokens) and self._adjacent(text, tokens[j - 1], tokens[j]) and tokens[j].text.lower() in \
                self.interfixes:
            j, interfix = j + 1, True
        if j >= len(tokens) or not self._adjacent(text, tokens[j - 1], tokens[j]):
            return None
        word = tokens[j].text
        if word.istitle() and not interfix and first.istitle():
            return None  # "Jan Jansen": DEDUCE's own rules
        if not self._is_name_word(word, loose=False, common=True, interfix=interfix):
            return None
        if not interfix and not self.surnames.longest_matching_prefix([self._recased(word)]):
            return None
        return self._extend(text, tokens, j)

    def _shouted(self, text: str, tokens: list, i: int) -> int | None:
        word = tokens[i].text
        if len(word) < 3 or not word.isupper() or word in ACRONYMS or not self._is_name_word(word, loose=False):
            return None
        return self._extend(text, tokens, i)

    def annotate(self, doc: dd.Document) -> list[dd.Annotation]:
        text, tokens, out, i = doc.text, list(doc.get_tokens()), [], 0
        while i < len(tokens):
            j = None
            for rule in (self._after_title, self._first_and_surname, self._shouted):
                j = rule(text, tokens, i)
                if j is not None:
                    break
            if j is None:
                i += 1
                continue
            start, end = tokens[i].start_char, tokens[j].end_char
            out.append(dd.Annotation(text=text[start:end], start_char=start, end_char=end, tag=self.tag,
                                     priority=self.priority))
            i = j + 1
        return out


class LicencePlateAnnotator(dd.process.Annotator):
    """Dutch licence plates (``kenteken``, tag ``kenteken``): the fourteen side codes of the RDW, three groups of
    letters or digits with hyphens (``12-ABC-3``, ``AB-123-C``, ``XX-99-99``), six characters in all; after the word
    ``kenteken`` also without hyphens (``kenteken 12ABC3``)."""

    # RDW side codes 1-14: L a letter, D a digit.
    SIDE_CODES = frozenset({"LL-DD-DD", "DD-DD-LL", "DD-LL-DD", "LL-DD-LL", "LL-LL-DD", "DD-LL-LL", "DD-LLL-D",
                            "D-LLL-DD", "LL-DDD-L", "L-DDD-LL", "LLL-DD-L", "L-DD-LLL", "D-LL-DDD", "DDD-LL-D"})
    _pattern = regex.compile(
        r"(?<![\p{L}\p{N}-])((?:[A-Za-z]{1,3}|\d{1,3})-(?:[A-Za-z]{1,3}|\d{1,3})-(?:[A-Za-z]{1,3}|\d{1,3}))"
        r"(?![\p{L}\p{N}]|-[\p{L}\p{N}])"
        r"|(?i:kenteken(?:nummer)?)[^\S\n]*:?[^\S\n]*([A-Za-z0-9]{6})(?![\p{L}\p{N}])"
    )

    @classmethod
    def shape(cls, plate: str) -> str:
        """``12-ABC-3`` -> ``DD-LLL-D``."""
        return "".join("D" if c.isdigit() else "L" if c.isalpha() else c for c in plate)

    @classmethod
    def is_plate(cls, plate: str) -> bool:
        letters = [g for g in plate.split("-") if g.isalpha()]
        same_case = all(g.isupper() for g in letters) or all(g.islower() for g in letters)
        return same_case and cls.shape(plate) in cls.SIDE_CODES

    def annotate(self, doc: dd.Document) -> list[dd.Annotation]:
        out = []
        for match in self._pattern.finditer(doc.text):
            group = 1 if match.group(1) else 2
            plate = match.group(group)
            if self.is_plate(plate) if group == 1 else (any(c.isdigit() for c in plate)
                                                         and any(c.isalpha() for c in plate)):
                out.append(dd.Annotation(text=plate, start_char=match.start(group), end_char=match.end(group),
                                         tag=self.tag, priority=self.priority))
        return out


class DossierNumberAnnotator(dd.process.Annotator):
    """Dossier, case and client numbers (tag ``dossiernummer``, placeholder ``[nummer]``).

    After a word such as ``dossiernummer``, ``zaaknummer``, ``cliëntnummer``, ``kenmerk``, ``referentie`` or ``nr.``
    (optionally ``:``, ``#`` or ``is``): a code with at least three digits (``2024-00123``, ``Z/23/456789``,
    ``JZ.2024.0412``). Without such a word only codes shaped like a case number: letters, a separator, a year and a
    serial number (``Z/23/456789``, ``JZ-2024-0412``), or a year and a zero-padded serial (``2024-00123``).
    DEDUCE itself only removes runs of seven or more digits.
    """

    _code = r"(?:[A-Z]{1,4}[-/.]?)?\d\w*(?:[-/.]\w+)*"
    _pattern = regex.compile(
        r"(?i:(?<![\p{L}])(?:(?:dossier|zaak|cli[eë]nt|klant|casus|registratie|beschikkings?|aanvraag|meldings?|"
        r"referentie|factuur|verwijzings?|indicatie|toewijzings?|ticket|volg|inschrijf|polis)"
        r"(?:nummer|nr\.?|kenmerk|code|id)?|kenmerk|ref\.?|nr\.?|nummer|no\.?)(?![\p{L}]))"
        r"[^\S\n]*(?:[:#]|is|was|nummer|nr\.?)?[^\S\n]*(?:[:#][^\S\n]*)?"
        rf"(?P<code>{_code})"
        r"|(?<![\p{L}\p{N}/.-])(?P<shaped>[A-Z]{1,4}[-/.]?(?:19|20)?\d{2}[-/.]\d{3,8}"
        r"|(?:19|20)\d{2}[-/]0\d{3,7})(?![\p{L}\p{N}]|[-/.]\d)"
    )

    def annotate(self, doc: dd.Document) -> list[dd.Annotation]:
        out = []
        for match in self._pattern.finditer(doc.text):
            name = "code" if match.group("code") else "shaped"
            code = match.group(name).rstrip(".-/")
            if sum(c.isdigit() for c in code) < 3:
                continue
            start = match.start(name)
            out.append(dd.Annotation(text=code, start_char=start, end_char=start + len(code), tag=self.tag,
                                     priority=self.priority))
        return out


class PlaceNameFilter(dd.process.AnnotationProcessor):
    """Drops a person annotation whose whole text is a Dutch municipality, province or region.

    DEDUCE's surname list holds words such as ``Drenthe``; with DEDUCE's place-name annotator switched off, a
    lone ``Drenthe`` would otherwise become ``[naam]``. Only exact matches are dropped: ``Jan Emmen`` stays a name.
    The place names are DEDUCE's own lists (``lst_municipality``, ``lst_province``, ``lst_region``).
    """

    def __init__(self, places: Iterable[str]) -> None:
        self.places = frozenset(places)

    def process_annotations(self, annotations: dd.AnnotationSet, text: str) -> dd.AnnotationSet:
        return dd.AnnotationSet(a for a in annotations if not (a.tag == "persoon" and a.text.strip() in self.places))


class PlaceholderRedactor(dd.process.Redactor):
    """Replaces every annotation by the Dutch placeholder of its kind (plain text, no numbering)."""

    def redact(self, text: str, annotations: dd.AnnotationSet) -> str:
        parts, last = [], 0
        for ann in sorted(annotations, key=lambda a: (a.start_char, -a.end_char)):
            if ann.start_char < last:
                continue  # overlap was resolved before; never replace twice
            parts.append(text[last:ann.start_char])
            parts.append(placeholder(ann.tag))
            last = ann.end_char
        parts.append(text[last:])
        return "".join(parts)


def deduce_config(base: dict, places: Iterable[str] = ()) -> dict:
    """DEDUCE's configuration with the changes described in the module docstring.

    ``base`` is DEDUCE's own base configuration (its ``base_config.json``, read); it is not changed. ``places``
    are the municipality, province and region names that are never a person (DEDUCE's own lists).
    """
    config = copy.deepcopy(base)
    places = sorted(places)
    annotators = config["annotators"]
    for name in ("placename", "hospital", "institution"):
        annotators.pop(name, None)
    annotators["postal_code"]["args"]["tag"] = "postcode"
    annotators["postbus"]["args"]["tag"] = "postbus"
    annotators["phone"]["args"]["phone_regexp"] = _PHONE_REGEXP
    annotators["bsn"]["args"]["bsn_regexp"] = _BSN_REGEXP
    # E-mail: any top-level domain, in any case (DEDUCE knows only .com, .nl, ... in lower case).
    annotators["email"]["args"] = {"regexp_pattern": _EMAIL_REGEXP, "tag": "emailadres", "pre_match_words": None}
    annotators["url_prefixed"] = {"annotator_type": "docdeid.process.RegexpAnnotator", "group": "urls",
                                  "args": {"regexp_pattern": _URL_REGEXP, "tag": "url"}}
    # "1 jan. 2025": allow a period and a space between the month and the year.
    dmy = annotators["date_dmy_2"]["args"]
    dmy["regexp_pattern"] = dmy["regexp_pattern"].replace(r"[-/\. ]((19|20", r"[-/\. ]{1,2}((19|20")
    annotators["street_pattern"]["annotator_type"] = f"{__name__}.TokenRegexAnnotator"
    annotators["organisation_guard"] = {
        "annotator_type": f"{__name__}.OrganisationGuard", "group": "names",
        "args": {"tag": "pseudo_name", "places": places}}
    annotators["recased_name"] = {
        "annotator_type": f"{__name__}.RecasedNameAnnotator", "group": "names",
        "args": {"tag": "naam_hoofdletters", "places": places}}
    annotators["email_written"] = {
        "annotator_type": "docdeid.process.RegexpAnnotator", "group": "email_addresses",
        "args": {"regexp_pattern": _MAIL_WRITTEN_REGEXP, "tag": "emailadres", "priority": 10}}
    annotators["handle"] = {"annotator_type": "docdeid.process.RegexpAnnotator", "group": "email_addresses",
                            "args": {"regexp_pattern": _HANDLE_REGEXP, "tag": "account"}}
    annotators["licence_plate"] = {"annotator_type": f"{__name__}.LicencePlateAnnotator", "group": "identifiers",
                                   "args": {"tag": "kenteken", "priority": 50}}
    annotators["dossier_number"] = {"annotator_type": f"{__name__}.DossierNumberAnnotator", "group": "identifiers",
                                    "args": {"tag": "dossiernummer", "priority": 40}}
    annotators["iban"] = {
        "annotator_type": f"{__name__}.IbanAnnotator", "group": "identifiers", "args": {"tag": "iban", "priority": 100}}
    return config
