"""One escaping function per output format: untrusted text made safe to show, never to run.

Every text that comes from data or from a user's instrument file (region, organisation,
function and municipality names, open answers, item texts, labels) passes through the function
of the format it is written into: HTML (:func:`escape_html`), Markdown (:func:`escape_markdown`),
LaTeX (:func:`escape_latex`), matplotlib labels (:func:`escape_mathtext`), the PDF's Typst
template (:func:`escape_typst`) and spreadsheet cells of a CSV (:func:`escape_csv_cell`; every CSV
a command writes passes its table through :func:`csv_safe`). Each doctest shows an attack it
neutralises.
"""

from __future__ import annotations

import html
import re
from typing import Any

__all__ = ["escape_html", "escape_markdown", "escape_latex", "escape_mathtext", "escape_typst", "escape_csv_cell",
           "csv_safe", "FORMULA_START", "BREAK"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>$:])")  # `$`: math in Jupyter; `:`: bare-URL links
_LINE_END = re.compile(r"\r\n?|\n")  # CommonMark line endings; a lone CR ends a line too
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # invalid or active (^^K, ^^L) in TeX


def escape_html(value: Any) -> str:
    """Text for HTML element content or a quoted attribute: ``<``, ``>``, ``&`` and quotes
    become entities, so ``<script>`` is shown, never run.

    >>> escape_html('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    return html.escape(str(value), quote=True)


def escape_markdown(value: Any) -> str:
    """Text for a Markdown cell or output: HTML-escaped, on one line (line endings become
    spaces, leading blanks are dropped: no heading, table, list or indented code), and every
    Markdown punctuation backslash-escaped, with ``$`` (math) and ``:`` (bare-URL links), so
    no link, image, emphasis, math or heading can be formed.

    >>> escape_markdown("![x](http://evil.example/a.png) *hi*")
    '\\\\!\\\\[x\\\\]\\\\(http\\\\://evil\\\\.example/a\\\\.png\\\\) \\\\*hi\\\\*'
    """
    text = _LINE_END.sub(" ", html.escape(str(value), quote=False)).strip(" \t")
    return _MD_SPECIAL.sub(r"\\\1", text)


_LATEX = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{",
          "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}"}


def escape_latex(value: Any) -> str:
    r"""Text for LaTeX: the ten special characters (and ``<``, ``>``) as commands, line endings
    as spaces (a blank line would end a paragraph inside a table cell) and control characters
    dropped (TeX rejects them, or reads ``^^K``/``^^L`` as superscript and paragraph).

    >>> escape_latex(r"50% & \input{x}")
    '50\\% \\& \\textbackslash{}input\\{x\\}'
    """
    text = _CONTROL.sub("", _LINE_END.sub(" ", str(value)))
    return "".join(_LATEX.get(ch, ch) for ch in text)


def escape_mathtext(value: Any) -> str:
    r"""Text for a matplotlib label: a ``$`` would start mathtext (and can fail a figure), and a
    control character would make the figure's SVG invalid XML (a browser shows no image).

    Only ``$`` is escaped: outside math, matplotlib shows a backslash as it is and turns
    ``\$`` back into ``$``, so the label reads exactly as given.

    >>> escape_mathtext(r"$\frac{1}{0}$ \input")
    '\\$\\frac{1}{0}\\$ \\input'
    """
    return _CONTROL.sub("", str(value)).replace("$", r"\$")


# -- the PDF (Typst) ------------------------------------------------------------------------
_TYPST_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_TYPST_LINE_END = re.compile(r"\r\n?|\n|\u2028|\u2029")
_PUNCTUATION = re.compile(r"([/<>=\"&?.,;:()\[\]{}|\\_+@#*~^%!`$-])(?=[^\s\u200b])")
#: Marks a break opportunity; the PDF template shows it as an empty one (no character).
BREAK = "\u200b"
# (shortest word that gets marks, letters in a run before a mark) in running text and in a table cell
_MARKED = {False: (25, 20), True: (8, 12)}


def _breakable(word: str, run: int) -> str:
    """A long word with break marks after its punctuation and after every ``run`` letters
    that 8 more follow (a word just over ``run`` is left to Typst's hyphenation)."""
    word = _PUNCTUATION.sub(r"\1" + BREAK, word)
    return re.sub(rf"[^\u200b]{{{run}}}(?=[^\u200b]{{8}})", lambda m: m.group(0) + BREAK, word)


def escape_typst(value: Any, cell: bool = False) -> str:
    r"""Text from data made safe to print with the report template.

    The template never parses a text as markup (it receives JSON and shows strings), so
    Typst's markup characters (``# * _ ` $ < @ \ [ ] / = - + ~ "``) need no escaping and
    print as they are. What would still go wrong is handled here: control characters
    (invisible, and refused by PDF text extraction) are dropped, line endings become spaces
    (one paragraph per text, as in the HTML), and a long word gets break marks (U+200B) after
    its punctuation and within long runs of letters, which the template turns into empty break
    opportunities (no character enters the PDF's text): so ``<script>alert(1)</script>`` or a
    12,000-letter name wraps instead of running into the next column or past the text block.
    In a table ``cell`` (narrow columns) words from 8 characters get marks, in running text
    words from 25; ordinary words are left to Typst's hyphenation.

    >>> escape_typst("#set page(width: 1cm) *vet*\r\n$x$")
    '#set page(width: 1cm) *vet* $x$'
    >>> escape_typst("A" * 50).count("\u200b"), escape_typst("betrouwbaarheidsinterval")
    (2, 'betrouwbaarheidsinterval')
    >>> escape_typst("Rentmeesterschap", cell=True)  # hyphenated by Typst where it must break
    'Rentmeesterschap'
    >>> escape_typst("@SUM(1+1)*cmd", cell=True).replace("\u200b", "|")
    '@|SUM(|1+|1)|*|cmd'
    """
    text = _TYPST_CONTROL.sub("", _TYPST_LINE_END.sub(" ", str(value)))
    shortest, run = _MARKED[cell]
    return re.sub(rf"[^\s\u200b]{{{shortest},}}", lambda m: _breakable(m.group(0), run), text)


# -- CSV for spreadsheets -------------------------------------------------------------------
#: A cell starting with one of these is run as a formula by a spreadsheet (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: A lone CR ends a row for a spreadsheet, but the CSV writer (line terminator LF) leaves it
#: unquoted: line endings inside a cell become LF, which the writer quotes.
_CR = re.compile(r"\r\n?")


def escape_csv_cell(value: str) -> str:
    r"""A text cell that cannot start a spreadsheet formula or a row: text starting with ``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'`` (the OWASP rule), and
    CR LF and CR inside it become LF (quoted by the CSV writer).

    >>> escape_csv_cell("=HYPERLINK(\"http://evil.example\")"), escape_csv_cell("a\r\nb")
    ('\'=HYPERLINK("http://evil.example")', 'a\nb')
    """
    return ("'" if value.startswith(FORMULA_START) else "") + _CR.sub("\n", value)


def csv_safe(table):
    """A copy of a ``pandas.DataFrame`` whose text cells and labels (index, columns and their
    names) pass through :func:`escape_csv_cell`; numbers stay numbers (``-2.5`` is a number, not
    a formula). Every CSV a command writes goes through this before ``to_csv``.

    The table is duck-typed (pandas is not imported here: a region report's kernel loads none).

    >>> import pandas as pd
    >>> csv_safe(pd.DataFrame({"x": ["=1+1", "ok", -2.5], "n": [-1, 2, 3]})).to_csv(index=False).split()
    ['x,n', "'=1+1,-1", 'ok,2', '-2.5,3']
    """

    def one(value):
        return escape_csv_cell(value) if isinstance(value, str) else value

    def labels(index):
        mapped = index.map(lambda v: tuple(one(x) for x in v) if isinstance(v, tuple) else one(v))
        return mapped.set_names([one(n) for n in index.names])

    out = table.copy()
    for position, dtype in enumerate(table.dtypes):
        if dtype.kind == "O" or str(dtype) in ("string", "str", "category"):  # text may hide there; numbers not
            out.isetitem(position, table.iloc[:, position].map(one))
    out.index, out.columns = labels(table.index), labels(table.columns)
    return out
