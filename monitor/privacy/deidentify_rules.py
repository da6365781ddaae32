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
* **Postcodes** get their own tag (DEDUCE files them under ``locatie``): ``[postcode]``; a street with a house
  number is ``[adres]``, a bare street name is kept (DEDUCE's choice). A town after a postcode is kept.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable

import docdeid as dd
import regex

__all__ = ["PLACEHOLDERS", "TITLES", "NOT_NAMES", "placeholder", "deduce_config", "IbanAnnotator", "OrganisationGuard",
           "PlaceNameFilter", "PlaceholderRedactor", "TokenRegexAnnotator"]

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
    "id": "number", "datum": "date", "leeftijd": "age", "plaats": "place", "ziekenhuis": "hospital",
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
_ARTICLE = r"(?:[Dd]e|[Hh]et|'[Tt]|[Tt]er|[Tt]en|[Oo]p[^\S\n]+[Dd]e|[Ii]n[^\S\n]+[Dd]e|[Vv]an[^\S\n]+[Dd]e|[Vv]oor)"
_GAP = r"[^\S\n]+"  # white space within a line
_TITLE_WORD = r"(?:Wethouder|Burgemeester|Mevrouw|Mevr|Mw|Meneer|Mijnheer|Dhr|Heer|Dr|Drs|Mr|Prof|Ir|Ing|Collega)\b"
_CAPWORD = rf"(?!{_TITLE_WORD})(?:\p{{Lu}}[\p{{L}}\p{{M}}'’]*(?:-\p{{L}}[\p{{L}}\p{{M}}'’]*)*)"
_ORG_PATTERN = (
    r"(?<![\p{L}\p{M}])(?:"
    + "|".join(f"[{h[0]}{h[0].lower()}]" + re.escape(h[1:]).replace(r"\ ", _GAP) for h in _ORG_HEADS)
    + rf")(?:{_GAP}{_ARTICLE})?(?:{_GAP}{_CAPWORD}){{1,3}}"
)

# DEDUCE's phone pattern, widened: optional space/hyphen after +31/0031 and an optional "(0)" trunk prefix.
_PHONE_REGEXP = (
    r"(?<!\d)(\(?(0031|\+31|0)[ -]?(?:\(0\)[ -]?)?(1[035]|2[0347]|3[03568]|4[03456]|5[0358]|6|7|88|800|91|90[069]"
    r"|[1-5]\d{2})\)?) ?-? ?((\d{2,4}[ -]?)+\d{2,4})"
)
_EMAIL_REGEXP = r"(?i)(?<![\w.%+-])([\w.%+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})*\.[a-z]{2,24})(?![\w-])"
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

    def annotate(self, doc: dd.Document) -> list[dd.Annotation]:
        out, text, end = [], doc.text, -1
        starts = doc.get_tokens().token_lookup(self._heads, matching_pipeline=list(self._lowercase))
        for token in sorted(starts, key=lambda t: t.start_char):  # match only where a head word starts
            match = self._pattern.match(text, token.start_char) if token.start_char >= end else None
            if match:
                end = match.end()
                out.append(dd.Annotation(text=match.group(), start_char=match.start(), end_char=end, tag=self.tag,
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


def deduce_config(base: dict) -> dict:
    """DEDUCE's configuration with the changes described in the module docstring.

    ``base`` is DEDUCE's own base configuration (its ``base_config.json``, read); it is not changed.
    """
    config = copy.deepcopy(base)
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
        "annotator_type": f"{__name__}.OrganisationGuard", "group": "names", "args": {"tag": "pseudo_name"}}
    annotators["iban"] = {
        "annotator_type": f"{__name__}.IbanAnnotator", "group": "identifiers", "args": {"tag": "iban", "priority": 100}}
    return config
