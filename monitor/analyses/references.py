"""Reference list (APA 7) for the methods and software the notebooks use.

One entry per work, keyed by a short name (``"cronbach1951"``). A notebook asks for the keys of
what it actually used and gets a Markdown list: :func:`reference_list`. The entries cite only what
the code in :mod:`monitor` applies (its docstrings name the same sources) and the thesis whose
analysis :mod:`monitor.analyses.thesis` reproduces. Details of the thesis come from its summary (author
names and title; it gives neither a year nor an institution, hence "n.d." and the programme name).

Every text part is escaped for Markdown (:func:`monitor.core.escaping.escape_markdown`); only the italic
marks are added afterwards, so an entry cannot form a link or heading by accident.

The same entries, with the same data, are also a BibTeX file for a thesis written in LaTeX
(:func:`bibtex`): the exports write it as ``references.bib`` beside their tables.

References
----------
American Psychological Association (2020). *Publication manual of the American Psychological
Association* (7th ed.), ch. 9-10 (reference list format and order).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ..core.catalogue.tables import REFERENCE_TEXTS
from ..core.escaping import escape_markdown
from ..core.texts import check_language, text
from .tables import latex_text

__all__ = ["Reference", "REFERENCES", "reference_keys", "reference_list", "format_reference", "bibtex",
           "BIBTEX_FILE"]

#: The name of the BibTeX file the exports write beside their tables.
BIBTEX_FILE = "references.bib"


@dataclass(frozen=True)
class Reference:
    """One work in APA 7 form, kept in parts so each part is escaped on its own.

    ``year`` and ``parts`` may hold ``{term}`` placeholders from the catalogue's ``ref_<term>`` words. ``parts`` are
    ``(text, italic)`` pairs written after ``authors (year).``; ``sort_name`` orders the list
    (first author's surname, prefixes such as "van" ignored as in Dutch practice). ``kind`` and
    ``fields`` are the BibTeX entry type and its fields beyond author, year, doi and url (the
    same data as ``parts``, taken apart; values may hold the same placeholders).
    """

    authors: str
    year: str
    parts: tuple[tuple[str, bool], ...]
    doi: str = ""
    url: str = ""
    kind: str = "misc"
    fields: tuple[tuple[str, str], ...] = ()

    def sort_key(self) -> tuple[str, str]:
        surname = self.authors.split(",")[0]
        words = [w for w in surname.split() if w not in {"van", "de", "der", "den", "von"}] or [surname]
        plain = unicodedata.normalize("NFKD", " ".join(words)).encode("ascii", "ignore").decode().lower()
        return plain, self.authors.lower() + self.year


def _article(authors, year, title, journal, volume, pages, doi):
    """A journal article: ``Title. *Journal, volume*(issue), pages.`` (APA 7, 10.1)."""
    number, _, issue = volume.partition("(")
    fields = (("title", title), ("journal", journal), ("volume", number), ("number", issue.rstrip(")")),
              ("pages", pages))
    return Reference(authors, year, ((f"{title}. ", False), (f"{journal}, {number}", True),
                                     (f"({issue}, {pages}." if issue else f", {pages}.", False)), doi=doi,
                     kind="article", fields=tuple((k, v) for k, v in fields if v))


def _book(authors, year, title, rest, doi="", url="", *, kind="book", **fields):
    """A book or report: ``*Title* rest`` (APA 7, 10.2); ``kind`` and ``fields`` (publisher,
    school, organization, version, note) the same for BibTeX."""
    return Reference(authors, year, ((title, True), (rest, False)), doi=doi, url=url, kind=kind,
                     fields=(("title", title), *fields.items()))


REFERENCES: dict[str, Reference] = {
    "mejres_thesis": _book(
        "Mejres, R., van Erve, P. C., & van Veenendaal, J. M.", "{nd}",
        "Laveren binnen het Constructief Conflict: De samenwerkingsdynamiek tussen gemeenten en "
        "zorgaanbieders binnen de taakgerichte uitvoering in het sociaal domein",
        " [{masters}, Modulaire Executive MBA].", kind="mastersthesis", type="{masters}",
        school="Modulaire Executive MBA"),
    "r_core": _book("R Core Team", "2022", "R: A language and environment for statistical computing",
                    " (4.2.2) [{software}]. R Foundation for Statistical Computing.",
                    url="https://www.R-project.org/", kind="manual", version="4.2.2", note="{software}",
                    organization="R Foundation for Statistical Computing"),
    "psych": _book("Revelle, W.", "2022",
                   "psych: Procedures for psychological, psychometric, and personality research",
                   " ({r_package} 2.2.9) [{software}]. Northwestern University.",
                   url="https://CRAN.R-project.org/package=psych", kind="manual", version="2.2.9",
                   note="{r_package} 2.2.9", organization="Northwestern University"),
    "lavaan": _article("Rosseel, Y.", "2012", "lavaan: An R package for structural equation modeling",
                       "Journal of Statistical Software", "48(2)", "1–36", "10.18637/jss.v048.i02"),
    "factor_analyzer": _book("Biggs, J., & Madnani, N.", "2024", "factor_analyzer",
                             " ({version} 0.5.1) [{software}].",
                             url="https://github.com/EducationalTestingService/factor_analyzer", kind="manual",
                             version="0.5.1", note="{software}"),
    "statsmodels": Reference("Seabold, S., & Perktold, J.", "2010", (
        ("Statsmodels: Econometric and statistical modeling with Python. In S. van der Walt & J. Millman (Eds.), ",
         False),
        ("Proceedings of the 9th Python in Science Conference", True), (" (pp. 92–96).", False)),
        doi="10.25080/Majora-92bf1922-011", kind="inproceedings",
        fields=(("title", "Statsmodels: Econometric and statistical modeling with Python"),
                ("editor", "van der Walt, S. and Millman, J."),
                ("booktitle", "Proceedings of the 9th Python in Science Conference"), ("pages", "92–96"))),
    "bartlett1950": _article("Bartlett, M. S.", "1950", "Tests of significance in factor analysis",
                             "British Journal of Statistical Psychology", "3(2)", "77–85",
                             "10.1111/j.2044-8317.1950.tb00285.x"),
    "cameron_miller2015": _article("Cameron, A. C., & Miller, D. L.", "2015",
                                   "A practitioner's guide to cluster-robust inference",
                                   "Journal of Human Resources", "50(2)", "317–372", "10.3368/jhr.50.2.317"),
    "chen2007": _article("Chen, F. F.", "2007",
                         "Sensitivity of goodness of fit indexes to lack of measurement invariance",
                         "Structural Equation Modeling: A Multidisciplinary Journal", "14(3)", "464–504",
                         "10.1080/10705510701301834"),
    "cronbach1951": _article("Cronbach, L. J.", "1951", "Coefficient alpha and the internal structure of tests",
                             "Psychometrika", "16(3)", "297–334", "10.1007/BF02310555"),
    "feldt1965": _article("Feldt, L. S.", "1965",
                          "The approximate sampling distribution of Kuder-Richardson reliability coefficient twenty",
                          "Psychometrika", "30(3)", "357–370", "10.1007/BF02289499"),
    "genz2004": _article("Genz, A.", "2004",
                         "Numerical computation of rectangular bivariate and trivariate normal and t probabilities",
                         "Statistics and Computing", "14(3)", "251–260",
                         "10.1023/B:STCO.0000035304.20635.31"),
    "hedges_olkin1985": _book("Hedges, L. V., & Olkin, I.", "1985", "Statistical methods for meta-analysis",
                              ". Academic Press.", doi="10.1016/C2009-0-03396-0", publisher="Academic Press"),
    "horn1965": _article("Horn, J. L.", "1965", "A rationale and test for the number of factors in factor analysis",
                         "Psychometrika", "30(2)", "179–185", "10.1007/BF02289447"),
    "hu_bentler1999": _article("Hu, L., & Bentler, P. M.", "1999",
                               "Cutoff criteria for fit indexes in covariance structure analysis: Conventional "
                               "criteria versus new alternatives",
                               "Structural Equation Modeling: A Multidisciplinary Journal", "6(1)", "1–55",
                               "10.1080/10705519909540118"),
    "hundepool2012": _book("Hundepool, A., Domingo-Ferrer, J., Franconi, L., Giessing, S., Schulte Nordholt, E., "
                           "Spicer, K., & de Wolf, P.-P.", "2012", "Statistical disclosure control", ". Wiley.",
                           doi="10.1002/9781118348239", publisher="Wiley"),
    "kaiser1974": _article("Kaiser, H. F.", "1974", "An index of factorial simplicity", "Psychometrika", "39(1)",
                           "31–36", "10.1007/BF02291575"),
    "mcdonald1999": _book("McDonald, R. P.", "1999", "Test theory: A unified treatment",
                          ". Lawrence Erlbaum Associates.", publisher="Lawrence Erlbaum Associates"),
    "menger2018": _article("Menger, V., Scheepers, F., van Wijk, L. M., & Spruit, M.", "2018",
                           "DEDUCE: A pattern matching method for automatic de-identification of Dutch medical text",
                           "Telematics and Informatics", "35(4)", "727–736", "10.1016/j.tele.2017.08.002"),
    "olsson1979": _article("Olsson, U.", "1979",
                           "Maximum likelihood estimation of the polychoric correlation coefficient",
                           "Psychometrika", "44(4)", "443–460", "10.1007/BF02296207"),
    "preacher_hayes2008": _article("Preacher, K. J., & Hayes, A. F.", "2008",
                                   "Asymptotic and resampling strategies for assessing and comparing indirect "
                                   "effects in multiple mediator models",
                                   "Behavior Research Methods", "40(3)", "879–891", "10.3758/BRM.40.3.879"),
    "schmid_leiman1957": _article("Schmid, J., & Leiman, J. M.", "1957",
                                  "The development of hierarchical factor solutions", "Psychometrika", "22(1)",
                                  "53–61", "10.1007/BF02289209"),
    "velicer1976": _article("Velicer, W. F.", "1976",
                            "Determining the number of components from the matrix of partial correlations",
                            "Psychometrika", "41(3)", "321–327", "10.1007/BF02293557"),
    "welch1947": _article("Welch, B. L.", "1947",
                          "The generalization of \u201cStudent's\u201d problem when several different population "
                          "variances are involved", "Biometrika", "34(1–2)", "28–35", "10.1093/biomet/34.1-2.28"),
    "zinbarg2005": _article("Zinbarg, R. E., Revelle, W., Yovel, I., & Li, W.", "2005",
                            "Cronbach's α, Revelle's β, and McDonald's ωH: Their relations with each other and two "
                            "alternative conceptualizations of reliability",
                            "Psychometrika", "70(1)", "123–133", "10.1007/s11336-003-0974-7"),
}


def reference_keys() -> list[str]:
    """All keys of :data:`REFERENCES`, in reference-list order."""
    return sorted(REFERENCES, key=lambda key: REFERENCES[key].sort_key())


def _escape(text: str) -> str:
    """:func:`escape_markdown`, keeping the blanks around the text that join it to its neighbours."""
    core = text.strip(" ")
    if not core:
        return text
    start = text.index(core)
    return text[:start] + escape_markdown(core) + text[start + len(core):]


def _terms(language: str) -> dict[str, str]:
    """The ``{term}`` placeholders of the entries, in ``language``."""
    return {key.removeprefix("ref_"): words[check_language(language)] for key, words in REFERENCE_TEXTS.items()}


def _chosen(keys) -> list[str]:
    """``keys`` in reference-list order, each once; an unknown key is a one-line ``ValueError``."""
    chosen = set(keys)
    unknown = sorted(chosen - set(REFERENCES))
    if unknown:
        raise ValueError(f"unknown reference(s) {', '.join(unknown)}; known: {', '.join(reference_keys())}")
    return [key for key in reference_keys() if key in chosen]


def format_reference(key: str, language: str = "nl") -> str:
    """One entry as Markdown (APA 7): escaped text, italics for title or journal and volume.

    >>> print(format_reference("cronbach1951", "en"))  # doctest: +ELLIPSIS
    Cronbach, L\\. J\\. \\(1951\\)\\. Coefficient alpha ... tests\\. *Psychometrika, 16*\\(3\\), 297–334\\. https...
    """
    terms = _terms(language)
    if key not in REFERENCES:
        raise ValueError(f"unknown reference {key!r}; known: {', '.join(reference_keys())}")
    ref = REFERENCES[key]
    head = _escape(f"{ref.authors} ({ref.year.format(**terms)}). ")
    body = "".join(f"*{_escape(text.format(**terms))}*" if italic else _escape(text.format(**terms))
                   for text, italic in ref.parts)
    link = f"https://doi.org/{ref.doi}" if ref.doi else ref.url
    # A link is shown as text (escaped), never as a Markdown link: the list is read, not clicked through.
    return head + body + (" " + escape_markdown(link) if link else "")


def reference_list(keys, language: str = "nl") -> str:
    """The reference list of ``keys`` as Markdown: a heading, then one paragraph per work, in
    APA order (first author's surname, then year), each key once.

    Parameters
    ----------
    keys : iterable of str
        Keys of :data:`REFERENCES`; unknown keys raise a one-line ``ValueError``.
    language : {"nl", "en"}
        Heading ("Literatuur" / "References") and the few words APA translates.
    """
    check_language(language)
    entries = [format_reference(key, language) for key in _chosen(keys)]
    return "\n\n".join([f"## {text('ref_heading', language)}", *entries]) + "\n"


def _bib_authors(authors: str) -> str:
    """APA authors (``Biggs, J., & Madnani, N.``) as BibTeX's ``Biggs, J. and Madnani, N.``; a
    group author (no comma: ``R Core Team``) in braces, so BibTeX never splits it into names."""
    if "," not in authors:
        return "{" + latex_text(authors) + "}"
    parts = authors.replace(", & ", ", ").removeprefix("& ").split(", ")
    return " and ".join(latex_text(f"{surname}, {initials}") for surname, initials in zip(parts[::2], parts[1::2],
                                                                                             strict=True))


def bibtex(keys, language: str = "en") -> str:
    """The works of ``keys`` as a BibTeX file, in reference-list order, each key once and cited
    by its key (``\\cite{cronbach1951}``): the same authors, year, title, journal or publisher,
    volume, pages, DOI and URL as :func:`reference_list`.

    Values are LaTeX for pdfLaTeX (:func:`monitor.analyses.tables.latex_text`: ``--`` for page
    ranges, Greek as commands, ASCII but for accented letters); titles are braced twice so a
    style keeps their APA sentence case; DOI and URL stay as they are (the ``url`` package reads
    them verbatim). ``language`` fills the few words APA translates ("n.d.", "Computer software").

    >>> print(bibtex(["lavaan"]))  # doctest: +ELLIPSIS
    @article{lavaan,
      author = {Rosseel, Y.},
      year = {2012},
      title = {{lavaan: An R package for structural equation modeling}},
      journal = {Journal of Statistical Software},
      volume = {48},
      number = {2},
      pages = {1--36},
      doi = {10.18637/jss.v048.i02},
    }
    <BLANKLINE>
    """
    terms = _terms(language)
    entries = []
    for key in _chosen(keys):
        ref = REFERENCES[key]
        fields = [("author", _bib_authors(ref.authors)), ("year", latex_text(ref.year.format(**terms)))]
        for name, value in ref.fields:
            value = value if name == "editor" else latex_text(value.format(**terms))
            fields.append((name, "{" + value + "}" if name == "title" else value))
        fields += [(name, value) for name, value in (("doi", ref.doi), ("url", ref.url)) if value]
        entries.append(f"@{ref.kind}{{{key},\n" + "".join(f"  {name} = {{{value}}},\n" for name, value in fields)
                       + "}\n")
    return "\n".join(entries)
