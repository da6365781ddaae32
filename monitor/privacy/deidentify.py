"""Keeping respondents unidentifiable: scrubbing open answers of personal details.

Open answers are only ever shown in aggregate (for groups of at least ``min_comment_group_size``), and before
that every personal detail in them is replaced by a plain-text Dutch placeholder such as ``[naam]`` or
``[telefoonnummer]`` (:data:`PLACEHOLDERS`). A render calls :func:`scrub_texts` once for all open answers;
:func:`scrub_text` scrubs one.

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
annotator class), its lookup lists (stored in the cache below) and docdeid's processor groups.

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

Bounds and robustness
---------------------
Invisible format characters (zero-width and bidirectional marks, soft hyphens) and control characters are
removed and the text is NFC-normalised first, so that they cannot hide an identifier. Answers longer than
:data:`MAX_CHARS` characters are cut at a word boundary and end in ``" …"``. DEDUCE's context rules take time
cubic in the number of adjacent name-like words (4000 characters of "Jan Jansen Jan Jansen ..." took minutes), so
answers are scrubbed in pieces of at most :data:`CHUNK_CHARS` characters, cut between sentences where possible
(never after a title or an initial). Should DEDUCE fail on an answer, the whole answer becomes
``[antwoord verwijderd]``: no input raises, and none is shown unscrubbed.

The one-time lookup build
-------------------------
DEDUCE builds its lookup structures (name, street and institution lists as tries) on first use, about two
minutes and 1.2 GB of memory, and pickles them into its own package folder
(``<site-packages>/deduce/data/lookup/cache/lookup_structs.pickle``, 77 MB, 6-10 s to load; rebuilt when the
DEDUCE version or its source lists change). :func:`prepare_deidentifier` (``python -m monitor.privacy.deidentify
--prepare``, meant for ``make install``) triggers that build and stores the subset this configuration uses, with
:data:`TITLES` and :data:`NOT_NAMES` added, in :func:`cache_dir` (40 MB, 2-3 s to load). A process that finds
no valid cache prints one line to stderr and builds it before scrubbing.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import logging
import os
import pickle
import re
import sys
import threading
import time
import unicodedata
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import docdeid as dd
import regex

__all__ = ["PLACEHOLDERS", "MAX_CHARS", "TITLES", "NOT_NAMES", "scrub_text", "scrub_texts", "prepare_deidentifier",
           "release_deidentifier", "scrub_texts_isolated", "IsolatedScrubber",
           "cache_dir", "IbanAnnotator", "OrganisationGuard", "PlaceNameFilter", "TokenRegexAnnotator"]

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

#: Answers longer than this are truncated (at a word boundary) and marked with " …" before scrubbing.
MAX_CHARS = 4000
ELLIPSIS = " …"
#: DEDUCE's context rules take time cubic in the number of adjacent name-like words ("Jan Jansen Jan Jansen ..."
#: of 4000 characters: minutes). Longer answers are therefore scrubbed in pieces of at most this many characters,
#: cut between sentences where possible; no piece takes more than a fraction of a second.
CHUNK_CHARS = 200
#: Distinct answers (or pieces) are scrubbed together in DEDUCE documents of about this many characters, joined by
#: a separator that no DEDUCE rule crosses; this saves DEDUCE's fixed cost per document.
BATCH_CHARS = 3000
# A line with only U+2063 (INVISIBLE SEPARATOR): cleaned answers cannot contain it (format characters are removed),
# it is no word character (so DEDUCE's age rule does not read past it) and newlines stop every DEDUCE pattern.
_SEPARATOR = "\n\u2063\n"
_PENDING: list[str] = []  # the pieces forked workers read (set just before the fork)
_SENTENCE_GAP = regex.compile(r"(?:(?<word>[\p{L}]+)\.|[!?;:)\n])\s+")
_COMMA_GAP = regex.compile(r",\s+")
_LOWER_GAP = regex.compile(r"\s+(?=\p{Ll})")
_ANY_GAP = regex.compile(r"\s+")
_ABBREVIATIONS = {"dhr", "mw", "mevr", "mvr", "hr", "mnr", "dr", "drs", "mr", "prof", "ir", "ing", "ds", "bc", "st",
                  "wethouder", "burgemeester", "mevrouw", "meneer", "heer", "collega", "juf", "zuster", "nr", "tel",
                  "bijv", "ca", "tav", "evt", "mob", "fam", "jhr", "mej", "mgr", "pastoor"}

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

_LOCK = threading.RLock()
_DEIDENTIFIER: Any = None
_RECIPE = 3  # bump when the reduced cache's content changes
_FORMAT_CHARS = re.compile(r"[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_LOG = logging.getLogger(__name__)


# -- DEDUCE import and configuration ---------------------------------------------------------------------------

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


def _deduce():
    """Import DEDUCE (and docdeid) without its side effects on logging and warnings."""
    if "deduce" not in sys.modules:
        with _quiet_global_state():
            import deduce  # noqa: F401
            import deduce.annotator  # noqa: F401
    import deduce

    return deduce


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
            parts.append(PLACEHOLDERS[_TAG_KIND.get(ann.tag, "other")])
            last = ann.end_char
        parts.append(text[last:])
        return "".join(parts)


def _config() -> dict:
    """DEDUCE's base configuration with the changes described in the module docstring."""
    deduce = _deduce()
    base = Path(deduce.__file__).parent / "base_config.json"
    config = json.loads(base.read_text(encoding="utf-8"))
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


# -- lookup cache -------------------------------------------------------------------------------------------------

_KEEP = ("first_name", "surname", "street", "eponymous_disease")  # lookup tries the configuration above uses


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


def _manifest() -> dict:
    return {"recipe": _RECIPE, "deduce": _deduce().__version__, "docdeid": getattr(dd, "__version__", "?"),
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
        deduce = _deduce()
        from deduce.deduce import _LOOKUP_LIST_PATH, Deduce
        from deduce.lookup_structs import cache_lookup_structs, get_lookup_structs

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


def _place_names() -> set[str]:
    """Municipalities, provinces and regions from DEDUCE's own lookup lists."""
    from deduce.deduce import _LOOKUP_LIST_PATH
    from deduce.lookup_structs import load_raw_itemset

    folder = _LOOKUP_LIST_PATH / "src" / "locations" / "lst_placename"
    places: set[str] = set()
    for kind in ("lst_municipality", "lst_province", "lst_region"):
        with contextlib.suppress(OSError, RuntimeError):
            places |= load_raw_itemset(folder / kind)
    return places


BUILD_MESSAGE = "building the de-identification lookup once (about 2 minutes) ..."


def _ensure_cache() -> Path:
    """The cache folder, built first (announced by :data:`BUILD_MESSAGE` on stderr) when missing or stale."""
    folder = cache_dir()
    if not _cache_ready(folder):
        print(BUILD_MESSAGE, file=sys.stderr, flush=True)
        prepare_deidentifier()
    return folder


def release_deidentifier() -> None:
    """Forget this process's DEDUCE instance (its lookup tries hold some 250 MB): ``monitor render``
    calls it once every answer of the wave is scrubbed; a later scrub loads it again."""
    global _DEIDENTIFIER
    with _LOCK:
        if _DEIDENTIFIER is not None:
            _DEIDENTIFIER = None
            gc.unfreeze()  # _deidentifier froze the tries out of the collector's sight
            gc.collect()


def _deidentifier():
    """The process's one DEDUCE instance, built on first use (announcing a lookup build on stderr)."""
    global _DEIDENTIFIER
    if _DEIDENTIFIER is not None:
        return _DEIDENTIFIER
    with _LOCK:
        if _DEIDENTIFIER is not None:
            return _DEIDENTIFIER
        folder = _ensure_cache()
        from deduce import Deduce

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


# -- scrubbing ------------------------------------------------------------------------------------------------------

def _clean(answer: Any) -> str:
    """Coerce to str, drop invisible/control characters, normalise to NFC and bound the length."""
    if not isinstance(answer, str):
        try:
            import pandas as pd

            if answer is None or bool(pd.isna(answer)):
                return ""
        except (TypeError, ValueError):
            pass
        answer = str(answer)
    text = _SURROGATES.sub("", answer)
    text = _FORMAT_CHARS.sub("", text)
    text = _CONTROL_CHARS.sub(" ", text)
    text = unicodedata.normalize("NFC", text)
    if len(text) > MAX_CHARS:
        cut = text[:MAX_CHARS]
        space = cut.rfind(" ", MAX_CHARS - 200)
        text = (cut[:space] if space > 0 else cut).rstrip() + ELLIPSIS
    return text


def _cut(window: str) -> int:
    """Where to end a chunk within ``window``: after a sentence, else after a comma, else before a lower-case
    word, else at any space, else at the end. Never right after a title or an initial (``dhr. | Smit``)."""
    for pattern in (_SENTENCE_GAP, _COMMA_GAP, _LOWER_GAP, _ANY_GAP):
        for match in reversed(list(pattern.finditer(window, 1))):
            word = match.groupdict().get("word")
            if word is None or (len(word) > 1 and word.lower() not in _ABBREVIATIONS):
                return match.end()
    return len(window)


def _chunks(text: str) -> list[str]:
    """Split ``text`` into pieces of at most :data:`CHUNK_CHARS` characters that join back to ``text``."""
    out, start = [], 0
    while len(text) - start > CHUNK_CHARS:
        cut = _cut(text[start:start + CHUNK_CHARS])
        out.append(text[start:start + cut])
        start += cut
    out.append(text[start:])
    return out


def _redact(text: str, annotations: list, start: int, end: int) -> str:
    """The piece ``[start, end)`` of a batch document with its annotations replaced by placeholders."""
    parts, last = [], start
    for ann in annotations:
        a, b = max(ann.start_char, start), min(ann.end_char, end)
        if b <= a or a < last:
            continue
        parts += [text[last:a], PLACEHOLDERS[_TAG_KIND.get(ann.tag, "other")]]
        last = b
    parts.append(text[last:end])
    return "".join(parts)


def _scrub_pieces(deid, pieces: list[str]) -> list[str | None]:
    """Scrub pieces (chunks of answers) in batch documents of about :data:`BATCH_CHARS` characters.

    The pieces of a document are joined by :data:`_SEPARATOR`, which no DEDUCE rule crosses (see
    :func:`scrub_texts`). A document that fails is retried piece by piece; a piece that fails gives ``None``.
    """
    out: list[str | None] = [None] * len(pieces)
    batch: list[int] = []

    def flush() -> None:
        if not batch:
            return
        starts, pos = [], 0
        for i in batch:
            starts.append(pos)
            pos += len(pieces[i]) + len(_SEPARATOR)
        text = _SEPARATOR.join(pieces[i] for i in batch)
        try:
            doc = deid.deidentify(text, disabled={"redactor"})
            annotations = sorted(doc.annotations, key=lambda a: (a.start_char, -a.end_char))
        except Exception:  # noqa: BLE001 - isolate the piece that fails
            if len(batch) > 1:
                for i in batch:
                    out[i] = _scrub_pieces(deid, [pieces[i]])[0]
            else:
                _LOG.warning("de-identification failed on an answer; replaced as a whole", exc_info=True)
            batch.clear()
            return
        k = 0
        for i, start in zip(batch, starts, strict=True):
            end = start + len(pieces[i])
            while k < len(annotations) and annotations[k].end_char <= start:
                k += 1
            mine = []
            for ann in annotations[k:]:
                if ann.start_char >= end:
                    break
                mine.append(ann)
            out[i] = _redact(text, mine, start, end)
        batch.clear()

    size = 0
    for i, piece in enumerate(pieces):
        if not piece.strip():
            out[i] = piece
            continue
        if batch and size + len(piece) > BATCH_CHARS:
            flush()
            size = 0
        batch.append(i)
        size += len(piece) + len(_SEPARATOR)
    flush()
    return out


def scrub_text(answer: str) -> str:
    """Replace the personal details in one open answer by Dutch placeholders (DEDUCE, Menger et al. 2018).

    Parameters
    ----------
    answer : str
        The answer. Non-str values are converted with ``str``; missing values (None, NaN) give ``""``.

    Returns
    -------
    str
        Plain text with :data:`PLACEHOLDERS`; answers over :data:`MAX_CHARS` characters are cut and end in " …".

    Examples
    --------
    >>> scrub_text("Bel Jan de Vries op 06-12345678 of mail j.devries@voorbeeld.nl.")
    'Bel [naam] op [telefoonnummer] of mail [e-mail].'
    >>> scrub_text("Wethouder Bakker en Zorggroep De Linde spraken over de wachtlijst.")
    '[naam] en Zorggroep De Linde spraken over de wachtlijst.'
    >>> scrub_text("Het regionale overleg verloopt constructief.")
    'Het regionale overleg verloopt constructief.'
    """
    return scrub_texts([answer])[0]


def _scrub_range(bounds: tuple[int, int]) -> list[str | None]:
    """Worker side of :func:`_scrub_parallel`: the inherited DEDUCE instance scrubs its share of the pieces."""
    start, stop = bounds
    return _scrub_pieces(_DEIDENTIFIER, _PENDING[start:stop])


def _scrub_parallel(deid, pieces: list[str], workers: int) -> list[str | None]:
    """Scrub ``pieces`` in ``workers`` forked processes that share the loaded DEDUCE instance (copy-on-write)."""
    global _PENDING
    import multiprocessing

    parts = workers * 4
    bounds = [(i * len(pieces) // parts, (i + 1) * len(pieces) // parts) for i in range(parts)]
    _PENDING = pieces
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.map(_scrub_range, bounds, chunksize=1)
    except Exception:  # noqa: BLE001 - fall back to this process
        _LOG.warning("parallel de-identification failed; scrubbing in this process", exc_info=True)
        return _scrub_pieces(deid, pieces)
    finally:
        _PENDING = []
    return [piece for result in results for piece in result]


def _usable_workers(workers: int, n_pieces: int) -> int:
    """``workers``, or 1 where forking is impossible, forbidden (a daemon process) or not worth it."""
    import multiprocessing

    if workers <= 1 or n_pieces < 2 * workers or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return 1 if multiprocessing.current_process().daemon else workers


def scrub_texts(answers: Iterable[str], workers: int = 1) -> list[str]:
    """Scrub many open answers at once; equal to ``[scrub_text(a) for a in answers]``, but faster.

    The batch form for a render, which calls it once for all open answers of all regions. DEDUCE (Menger et al.
    2018) has no batch interface of its own, and its cost is mostly per word (tokens, lookups), so:

    * identical answers (after cleaning) are scrubbed once;
    * distinct answers are joined into DEDUCE documents of about :data:`BATCH_CHARS` characters, separated by a
      line holding only U+2063, which no DEDUCE rule crosses (every token pattern stops at a newline token, the
      regular expressions match no newline, and the age rule's look at the neighbouring word stops at U+2063),
      and each answer is redacted from its own annotations; answers over :data:`CHUNK_CHARS` go in pieces;
    * one DEDUCE instance serves the process, and its lookup tries are exempted from garbage collection
      (``gc.freeze``), which halves the time per answer.

    About 0.3 ms of CPU per distinct answer (20,000 distinct answers: 6-7 s; ``python -m benchmarks.deidentify``).

    Parameters
    ----------
    answers : iterable of str
        The answers, e.g. all open answers of all regions of a render.
    workers : int
        Processes to scrub in: with more than 1, that many forked processes share the loaded DEDUCE instance
        (copy-on-write; Linux and macOS, not inside a daemon process). On the shared 2-core development machine
        two workers were slower than one (copied memory pages, busy cores), hence the default 1.

    Returns
    -------
    list of str
        The scrubbed answers, in the same order.

    Examples
    --------
    >>> scrub_texts(["Mail naar p.smit@gemeente.nl", "Prima.", "Mail naar p.smit@gemeente.nl"])
    ['Mail naar [e-mail]', 'Prima.', 'Mail naar [e-mail]']
    """
    cleaned = [_clean(a) for a in answers]
    distinct = list(dict.fromkeys(cleaned))
    if not any(t.strip() for t in distinct):
        return cleaned
    owners, pieces = [], []
    for j, text in enumerate(distinct):
        for chunk in _chunks(text):
            owners.append(j)
            pieces.append(chunk)
    deid = _deidentifier()
    workers = _usable_workers(int(workers), len(pieces))
    scrubbed = _scrub_parallel(deid, pieces, workers) if workers > 1 else _scrub_pieces(deid, pieces)
    joined: list[list[str | None]] = [[] for _ in distinct]
    for j, piece in zip(owners, scrubbed, strict=True):
        joined[j].append(piece)
    done = {text: PLACEHOLDERS["answer"] if any(p is None for p in parts) else "".join(parts)
            for text, parts in zip(distinct, joined, strict=True)}
    return [done[t] for t in cleaned]


def _scrub_child(conn) -> None:
    """The child of :class:`IsolatedScrubber`: load the de-identifier, scrub one list, answer, end."""
    try:
        _deidentifier()
        answers = conn.recv()
        conn.send(("ok", scrub_texts(answers)))
    except (EOFError, KeyboardInterrupt, BrokenPipeError):  # not needed after all, or stopped
        return
    except Exception as exc:  # noqa: BLE001 - handed to the parent, which raises it
        try:
            conn.send(("error", exc))
        except Exception:  # noqa: BLE001 - an exception that does not pickle: its message then
            conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
        return
    # Gone at once: tearing down two million lookup objects one by one takes 0.2 s more, the parent
    # waiting and the memory held meanwhile; the system takes it back whole.
    conn.close()
    sys.stderr.flush()
    os._exit(0)


class IsolatedScrubber:
    """:func:`scrub_texts` in a child process that starts loading the de-identifier at once.

    Loading DEDUCE's lookups takes about three seconds and some 500 MB. ``monitor render``
    starts this child before it reads the data, so the load runs beside the read, the scoring
    and the invariance fits; the lookups live and die with the child (spawned: it starts small
    and shares nothing), and the caller never holds them. One call scrubs one list; the child
    then ends. :meth:`close` (or leaving the ``with`` block) stops a child that was not needed.

    >>> with IsolatedScrubber() as scrub:
    ...     scrub(["Bel Jan de Vries op 06-12345678", "Prima."])
    ['Bel [naam] op [telefoonnummer]', 'Prima.']
    """

    def __init__(self):
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        self._conn, theirs = context.Pipe()
        self._process = context.Process(target=_scrub_child, args=(theirs,), daemon=True, name="monitor-deidentify")
        self._process.start()
        theirs.close()
        self._answered = False

    def __call__(self, answers: Iterable[str]) -> list[str]:
        answers = list(answers)
        try:
            self._conn.send(answers)
            kind, value = self._conn.recv()
            self._answered = True
        except (EOFError, BrokenPipeError, ConnectionResetError):
            self._process.join(5)
            raise RuntimeError("the de-identification process ended before it answered "
                               f"(exit code {self._process.exitcode})") from None
        finally:
            self.close()
        if kind == "error":
            raise value
        return value

    def close(self) -> None:
        """Stop the child (at once if it is still loading or scrubbing) and reap it."""
        self._conn.close()
        if self._answered and self._process.is_alive():
            self._process.join(1.0)  # after its answer it is on its way out
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()

    def __enter__(self) -> IsolatedScrubber:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def scrub_texts_isolated(answers: Iterable[str]) -> list[str]:
    """:func:`scrub_texts` in a short-lived child process (:class:`IsolatedScrubber`): the
    de-identifier's lookups (some 500 MB) live and die with the child. Costs an interpreter
    start and the lookups' load (about three seconds) on top of the scrub.

    >>> scrub_texts_isolated(["Bel Jan de Vries op 06-12345678", "Prima."])
    ['Bel [naam] op [telefoonnummer]', 'Prima.']
    """
    answers = list(answers)
    if not answers:
        return []
    with IsolatedScrubber() as scrub:
        return scrub(answers)


def main(argv: list[str] | None = None) -> int:
    """``python -m monitor.privacy.deidentify --prepare`` builds the lookup cache; ``--text`` scrubs one answer."""
    parser = argparse.ArgumentParser(prog="python -m monitor.privacy.deidentify", description=__doc__.splitlines()[0])
    parser.add_argument("--prepare", action="store_true", help="build the de-identification lookup cache once")
    parser.add_argument("--force", action="store_true", help="with --prepare: rebuild even when up to date")
    parser.add_argument("--text", help="scrub this answer and print the result")
    args = parser.parse_args(argv)
    if not (args.prepare or args.text is not None):
        parser.print_help()
        return 2
    if args.prepare:
        prepare_deidentifier(force=args.force, verbose=True)
    if args.text is not None:
        print(scrub_text(args.text))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
