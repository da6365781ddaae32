r"""Exporting tables for papers and theses: CSV, Markdown and LaTeX in APA style.

APA style (APA 7, ch. 7) here means: numbers rounded to a fixed number of decimals (2, or 3 for
p), a leading zero dropped for values that cannot exceed 1 (correlations, loadings, alpha, p),
p below .001 as ``< .001``, counts and degrees of freedom as integers, never ``-0.00``, no
booleans (``yes``/``no``) and no ``NaN`` (an em dash, explained in the note), a numbered title
in italics above the table, a note below it, and horizontal rules only.

The LaTeX needs ``\usepackage{booktabs}``; a wide table (more than :data:`WIDE_COLUMNS` columns)
is a ``longtable`` on a ``landscape`` page (``\usepackage{longtable}``, ``\usepackage{pdflscape}``).
Each ``.tex`` file says so in its first lines. Words (Table/Tabel, Note./Noot., yes/ja) follow
``language``; Dutch numbers take a decimal comma, as the notebooks' prose does.

The LaTeX is for pdfLaTeX without extra packages: a negative number has a true minus sign
(``$-$``, not a hyphen), dashes are ``--``/``---``, Greek letters and math symbols (β, χ², Δ, ×,
≥, →) are commands, quotes are TeX quotes, and the only characters beyond ASCII left in a file
are the accented Latin letters of :data:`LATEX_LETTERS` (é, ë, ü: UTF-8, LaTeX's default input
encoding since 2018); any other accented letter becomes an accent command (``\v{c}``)
(:func:`latex_text`).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from ..core import texts
from ..core.catalogue import HEADERS, MISSING
from ..core.config import PROJECT_ROOT
from ..core.escaping import csv_safe, escape_latex, escape_markdown
from ..core.files import atomic_write, atomic_writer, ensure_folder
from ..core.texts import check_language, dutch

__all__ = ["apa_number", "apa_p", "apa_bounded", "apa_table", "apa_markdown", "apa_latex", "latex_text",
           "export_table", "header_labels", "relative_path", "WIDE_COLUMNS", "PAGE_WIDTH_PT", "LANDSCAPE_WIDTH_PT",
           "HEADERS", "LATEX_LETTERS"]

#: More columns than this (index included) make a table wide: longtable on a landscape page.
WIDE_COLUMNS = 8
#: Columns shown as p-values (``< .001``, three decimals) and as integers, unless the caller says otherwise.
P_COLUMNS = ("p", "p_value", "p-value", "pvalue", "delta_p")
INTEGER_COLUMNS = ("n", "N", "k", "df", "delta_df", "position", "items_intended_here", "clusters")

#: Characters beyond ASCII a ``.tex`` file may hold: the accented Latin letters of Latin-1
#: (pdfLaTeX reads them as UTF-8 without a package; ``\usepackage[T1]{fontenc}`` sets them best).
LATEX_LETTERS = frozenset(chr(c) for c in range(0xC0, 0x100) if chr(c) not in "×÷")
#: Every other character the exports can contain, as a command pdfLaTeX knows without packages.
_TEX_SYMBOLS = {
    "α": r"$\alpha$", "β": r"$\beta$", "γ": r"$\gamma$", "δ": r"$\delta$", "ε": r"$\varepsilon$",
    "η": r"$\eta$", "θ": r"$\theta$", "κ": r"$\kappa$", "λ": r"$\lambda$", "μ": r"$\mu$", "µ": r"$\mu$",
    "ν": r"$\nu$", "π": r"$\pi$", "ρ": r"$\rho$", "σ": r"$\sigma$", "τ": r"$\tau$", "φ": r"$\phi$",
    "χ": r"$\chi$", "ψ": r"$\psi$", "ω": r"$\omega$", "Γ": r"$\Gamma$", "Δ": r"$\Delta$", "Θ": r"$\Theta$",
    "Λ": r"$\Lambda$", "Π": r"$\Pi$", "Σ": r"$\Sigma$", "Φ": r"$\Phi$", "Ψ": r"$\Psi$", "Ω": r"$\Omega$",
    "¹": r"\textsuperscript{1}", "²": r"\textsuperscript{2}", "³": r"\textsuperscript{3}",
    "₀": r"$_0$", "₁": r"$_1$", "₂": r"$_2$", "₃": r"$_3$", "ₕ": r"$_h$",
    "×": r"$\times$", "÷": r"$\div$", "±": r"$\pm$", "−": r"$-$", "≥": r"$\geq$", "≤": r"$\leq$",
    "≠": r"$\neq$", "≈": r"$\approx$", "∞": r"$\infty$", "√": r"$\surd$", "·": r"$\cdot$", "°": r"$^\circ$",
    "→": r"$\rightarrow$", "←": r"$\leftarrow$", "↔": r"$\leftrightarrow$", "⇒": r"$\Rightarrow$",
    "↑": r"$\uparrow$", "↓": r"$\downarrow$", "•": r"$\bullet$",
    "–": "--", "—": "---", "‐": "-", "‑": "-", "‘": "`", "’": "'", "‚": ",", "“": "``", "”": "''", "„": ",,",
    "«": "<<", "»": ">>", "…": r"\ldots{}", "\u00a0": "~", "\u202f": "~", "\u2009": r"\,", "\u200b": "",
    "\u00ad": "", "§": r"\S{}", "¶": r"\P{}", "©": r"\copyright{}", "†": r"\dag{}", "‡": r"\ddag{}",
    "œ": r"\oe{}", "Œ": r"\OE{}", "ł": r"\l{}", "Ł": r"\L{}",
    "ı": r"\i{}", "€": "EUR", "£": r"\pounds{}", "¿": "?`", "¡": "!`", "ª": "a", "º": "o",
}
_TEX_SYMBOL = re.compile("|".join(map(re.escape, sorted(_TEX_SYMBOLS, key=len, reverse=True))))
#: Combining accents (after Unicode decomposition) as LaTeX accent commands.
_TEX_ACCENTS = {"\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=", "\u0306": "u",
                "\u0307": ".", "\u0308": '"', "\u030a": "r", "\u030b": "H", "\u030c": "v", "\u0323": "d",
                "\u0327": "c", "\u0328": "k"}
#: A hyphen that is a minus sign: before a digit (or a decimal point and a digit), not inside a
#: word or a range (``Kuder-Richardson``, ``2025-2026`` keep their hyphen).
_MINUS = re.compile(r"(?<![\w.,)\]}])-(?=[.,]?\d)")


def _missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, (float, np.floating))
                                                                  and np.isnan(value))


def apa_number(value, decimals: int = 2, bounded: bool = False, language: str = "en") -> str:
    """Format a number as APA does; ``bounded`` drops the leading zero (e.g. ``.87``).

    A value that rounds to zero has no sign; booleans are words; Dutch takes a decimal comma.

    >>> apa_number(-0.001), apa_number(0.8712, bounded=True), apa_number(1200, language="nl"), apa_number(True, language="nl")
    ('0.00', '.87', '1.200', 'ja')
    """
    language = check_language(language)
    if _missing(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return texts.text('apa_yes' if value else 'apa_no', language)
    if isinstance(value, (int, np.integer)):
        text = f"{value:,}"
    elif isinstance(value, (float, np.floating)):
        text = f"{value:.{decimals}f}"
        if text.startswith("-") and not any(ch in "123456789" for ch in text):
            text = text[1:]  # -0.001 is 0.00, not -0.00
        if bounded and abs(float(text)) < 1:
            text = text.replace("0.", ".", 1)
    else:
        return str(value)
    return dutch(text) if language == "nl" else text


class _Bounded:
    """A statistic that cannot exceed 1, for a text template: any float format spec of the
    template (``{kmo:.2f}``, ``{dcfi:+.3f}``) as APA writes it, without the leading zero when the
    value is below 1 in size; Dutch decimal comma; never a negative zero. Not a float, so
    :func:`monitor.core.texts.text` leaves its formatting here."""

    def __init__(self, value, language: str):
        self.value, self.language = float(value), check_language(language)

    def __format__(self, spec: str) -> str:
        written = format(self.value, spec or ".2f")
        if written[:1] in "+-" and not any(ch in "123456789" for ch in written):
            written = written[1:]  # rounds to zero: no sign
        if spec.endswith("f") and abs(self.value) < 1:
            written = re.sub(r"^([ +-]?)0\.", r"\1.", written)
        return dutch(written) if self.language == "nl" else written

    def __str__(self) -> str:
        return format(self, "")


def apa_bounded(value, language: str = "en") -> _Bounded:
    """``value`` for a text template as a statistic that cannot exceed 1 (R², KMO, α, ω, r, p,
    a standardized β, CFI, RMSEA): the template's own format spec, without the leading zero.

    >>> "R² = {r2:.3f}, ΔCFI {d:+.3f}".format(r2=apa_bounded(0.4567), d=apa_bounded(-0.0042, "nl"))
    'R² = .457, ΔCFI -,004'
    """
    return _Bounded(value, language)


def apa_p(p, language: str = "en") -> str:
    """A p-value as APA reports it: three decimals, no leading zero, ``< .001`` below .001.

    >>> [apa_p(x) for x in (0.0, 0.0004, 0.0312, 0.5, 1.0, float("nan"))]
    ['< .001', '< .001', '.031', '.500', '1.000', '']
    >>> apa_p(0.0312, "nl")
    ',031'
    """
    if _missing(p):
        return ""
    p = float(p)
    text = "< .001" if p < 0.001 else f"{p:.3f}" if p >= 1 else f"{p:.3f}".replace("0.", ".", 1)
    return dutch(text) if check_language(language) == "nl" else text


def header_labels(columns, language: str = "en", extra: dict[str, str] | None = None) -> dict[str, str]:
    """Readable headers for ``columns``: ``extra`` first, then :data:`HEADERS`, then
    ``mean_<group>`` / ``n_<group>`` as ``M <group>`` / ``n <group>``, else the name with
    spaces for underscores and a capital (``items_here`` → ``Items here``): never snake_case."""
    language = check_language(language)
    extra = extra or {}
    labels = {}
    for column in columns:
        name = str(column)
        if column in extra:
            labels[column] = extra[column]
        elif name in HEADERS:
            labels[column] = HEADERS[name][language]
        elif name.startswith(("mean_", "n_")):
            prefix, group = name.split("_", 1)
            labels[column] = f"{'M' if prefix == 'mean' else 'n'} {extra.get(group, group)}"
        else:
            words = name.replace("_", " ").strip()
            labels[column] = words[:1].upper() + words[1:]
    return labels


def apa_table(table: pd.DataFrame, decimals: int = 2, bounded: tuple[str, ...] = (), *, language: str = "en",
              p_columns: tuple[str, ...] | None = None, integer_columns: tuple[str, ...] | None = None,
              missing: str = "") -> pd.DataFrame:
    """A copy of ``table`` with every cell formatted as text, APA style.

    Parameters
    ----------
    decimals, bounded
        Decimals of the numbers; columns whose values cannot exceed 1 (no leading zero).
    p_columns, integer_columns
        Columns shown as p-values and as integers (``14``, not ``14.000``); None: the usual
        names (:data:`P_COLUMNS`, :data:`INTEGER_COLUMNS`, and every ``n_...``).
    missing
        What a missing value shows (``""``, or :data:`MISSING` with a note saying what it means).
    """
    p_columns = P_COLUMNS if p_columns is None else p_columns
    integer_columns = INTEGER_COLUMNS if integer_columns is None else integer_columns
    out = table.copy().astype(object)
    for column in out.columns:
        name = str(column)
        if name in p_columns:
            def fmt(v):
                return apa_p(v, language)
        elif name in integer_columns or name.startswith("n_"):
            def fmt(v):  # a whole float (df 14.0) as 14; a fractional one (a scaled df) keeps its decimals
                whole = isinstance(v, (float, np.floating)) and float(v).is_integer()
                return apa_number(int(v) if whole else v, decimals, False, language)
        else:
            def fmt(v, bounded_column=column in bounded):
                return apa_number(v, decimals, bounded_column, language)
        out[column] = [missing if _missing(v) else fmt(v) for v in table[column]]
    return out


def _prepared(table: pd.DataFrame, language: str, headers: dict | None, **options):
    """The formatted cells, the header row (index name first), the numeric columns, whether a
    missing value was marked, and the row labels: everything the Markdown and LaTeX share."""
    check_language(language)
    formatted = apa_table(table, language=language, missing=MISSING, **options)
    has_missing = bool(table.isna().to_numpy().any())
    labels = {} if headers is None else headers
    names = [labels.get(c, str(c)) for c in table.columns]
    index_name = table.index.name if table.index.name is not None else ""
    index_header = labels.get(index_name, str(index_name)) if index_name != "" else ""
    numeric = [pd.api.types.is_numeric_dtype(table[c]) and not pd.api.types.is_bool_dtype(table[c])
               for c in table.columns]
    rows = [str(v) if not isinstance(v, tuple) else " / ".join(map(str, v)) for v in table.index]
    return formatted, [index_header, *names], numeric, has_missing, rows


def _caption(number: int | None, language: str) -> str:
    word = texts.text('apa_table', language)
    return f"{word} {number}" if number else word


def _note_text(note: str | None, has_missing: bool, language: str) -> str:
    parts = [note] if note else []
    if has_missing:
        parts.append(texts.text('apa_missing', language))
    return " ".join(parts)


def apa_markdown(table: pd.DataFrame, title: str, number: int | None = None, note: str | None = None, *,
                 language: str = "en", headers: dict | None = None, **options) -> str:
    """The table as APA Markdown: ``**Table n**``, the title in italics, the table, ``*Note.*``.

    Every label and text cell is escaped (:func:`monitor.core.escaping.escape_markdown`); ``options``
    go to :func:`apa_table`. The notebooks display this text and export it as ``.md``.
    """
    formatted, header, numeric, has_missing, rows = _prepared(table, language, headers, **options)
    body = pd.DataFrame(formatted.to_numpy(), index=[escape_markdown(r) for r in rows],
                        columns=[escape_markdown(h) for h in header[1:]])
    body = body.map(escape_markdown)
    body.index.name = escape_markdown(header[0])
    grid = body.to_markdown(disable_numparse=True,
                            colalign=["left", *("right" if n else "left" for n in numeric)])
    text = f"**{_caption(number, language)}**\n\n*{escape_markdown(title)}*\n\n{grid}\n"
    note_text = _note_text(note, has_missing, language)
    if note_text:
        text += f"\n*{texts.text('apa_note', language)}* {escape_markdown(note_text)}\n"
    return text


def _tex_letter(char: str) -> str:
    """An accented letter outside :data:`LATEX_LETTERS` as accent commands on its base letter
    (``č`` -> ``\\v{c}``); a character that is neither becomes ``?``, never raw Unicode."""
    base, *marks = unicodedata.normalize("NFD", char)
    if not base.isascii() or not marks or any(m not in _TEX_ACCENTS for m in marks):
        return "?"
    for mark in marks:
        base = f"\\{_TEX_ACCENTS[mark]}{{{base}}}"
    return base


def latex_text(value) -> str:
    r"""Text for a pdfLaTeX document: escaped (:func:`monitor.core.escaping.escape_latex`), a
    hyphen before a number as a true minus, symbols and Greek as commands, and no character
    beyond ASCII except the accented letters of :data:`LATEX_LETTERS`.

    >>> latex_text("β = -.25 → χ² ≥ 3 — Kuder-Richardson, Dvořák")
    '$\\beta$ = $-$.25 $\\rightarrow$ $\\chi$\\textsuperscript{2} $\\geq$ 3 --- Kuder-Richardson, Dvo\\v{r}ák'
    """
    text = _MINUS.sub("$-$", escape_latex(unicodedata.normalize("NFC", str(value))))
    text = _TEX_SYMBOL.sub(lambda m: _TEX_SYMBOLS[m.group(0)], text)
    return "".join(ch if ch.isascii() or ch in LATEX_LETTERS else _tex_letter(ch) for ch in text)


#: Text widths (pt) of LaTeX's article class, the narrowest common page: portrait, and a
#: landscape page (its text height). A table wider than the first goes landscape.
PAGE_WIDTH_PT, LANDSCAPE_WIDTH_PT = 345.0, 550.0
#: Font size -> (width of a digit, column separation) in pt, for the width estimate.
_SIZES = {"normalsize": (5.0, 6.0), "small": (4.5, 4.0), "footnotesize": (4.0, 3.0), "scriptsize": (3.5, 2.0)}
_HEADER_CHARS = 9  # a header wraps into lines of about this many characters
_TEXT_CHARS = 20  # a longer text column (or row label) wraps in a paragraph column


def _wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap (a word longer than ``width`` keeps its own line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _ems(text: str) -> float:
    """Width of ``text`` in digit widths (Computer Modern: capitals wider, punctuation narrower),
    with a small margin; an estimate that errs on the wide side."""
    return 1.08 * sum(2.0 if c == "—" else 1.4 if c.isupper() or c == "%" else 0.55 if c in " .,:;'()[]-|!" else 1.0 for c in text)


def _latex_layout(header: list[str], rows: list[str], formatted: pd.DataFrame, numeric: list[bool]):
    """Per column: its header lines, its alignment (``r``, ``l`` or a paragraph ``p{..}``) and
    its width in digit widths; then the first font size that fits: portrait (normal, small),
    else landscape (small, footnote, script size). More than :data:`WIDE_COLUMNS` columns is
    always landscape."""
    columns = [rows, *(list(formatted[c]) for c in formatted.columns)]
    kinds = [False, *numeric]
    layout = []
    for title, cells, is_number in zip(header, columns, kinds, strict=True):
        lines = _wrap(title, _HEADER_CHARS)
        longest = max((_ems(str(c)) for c in cells), default=0.0)
        paragraph = not is_number and longest > _TEXT_CHARS
        width = max(max(_ems(line) for line in lines), _TEXT_CHARS if paragraph else longest)
        layout.append((lines, "r" if is_number else "p" if paragraph else "l", width))

    def fits(size: str, page: float) -> bool:
        digit, sep = _SIZES[size]
        return sum(width * digit + 2 * sep for _, _, width in layout) <= page

    if len(header) <= WIDE_COLUMNS:
        for size in ("normalsize", "small"):
            if fits(size, PAGE_WIDTH_PT):
                return layout, size, False
    size = next((size for size in ("small", "footnotesize") if fits(size, LANDSCAPE_WIDTH_PT)), "scriptsize")
    return layout, size, True


def apa_latex(table: pd.DataFrame, name: str, title: str, note: str | None = None, *, language: str = "en",
              headers: dict | None = None, **options) -> str:
    r"""The table as LaTeX with booktabs rules. A table that does not fit a portrait page (more
    than :data:`WIDE_COLUMNS` columns, or wider than :data:`PAGE_WIDTH_PT` by an estimate from
    its longest cells) is a ``longtable`` on a ``landscape`` page, in a smaller font, whose
    header repeats on every page. Headers wrap into lines; long text columns are paragraph
    columns. Labels and cells are escaped (:func:`monitor.core.escaping.escape_latex`); ``options``
    go to :func:`apa_table`. The first lines (comments) name the packages the table needs.
    """
    formatted, header, numeric, has_missing, rows = _prepared(table, language, headers, **options)
    layout, size, wide = _latex_layout(header, rows, formatted, numeric)
    digit = _SIZES[size][0]
    spec = "".join(rf"p{{{width * digit:.0f}pt}}" if align == "p" else align for _, align, width in layout)

    def head_cell(lines, align):
        cells = [latex_text(line) for line in lines]
        if len(cells) == 1:
            return cells[0]
        return rf"\begin{{tabular}}[b]{{@{{}}{'l' if align == 'p' else align}@{{}}}}" + r" \\ ".join(cells) + \
            r"\end{tabular}"

    head = " & ".join(head_cell(lines, align) for lines, align, _ in layout) + r" \\"
    lines = [rf"{latex_text(r)} & " + " & ".join(latex_text(v) for v in values) + r" \\"
             for r, values in zip(rows, formatted.to_numpy(), strict=True)]
    note_text = _note_text(note, has_missing, language)
    note_line = rf"\raggedright\emph{{{texts.text('apa_note', language)}}} {latex_text(note_text)}" if note_text else ""
    packages = r"\usepackage{booktabs}" + (r", \usepackage{longtable} and \usepackage{pdflscape}" if wide else "")
    out = [f"% Table '{re.sub(r'[^A-Za-z0-9_-]', '', name)}', APA style. Needs {packages} in the preamble.",
           "% Compiles with pdflatex: ASCII but for accented Latin letters (UTF-8, LaTeX's default input; "
           "\\usepackage[T1]{fontenc} sets them best); Dutch documents: \\usepackage[dutch]{babel} for 'Tabel'."]
    if wide:
        continued = (rf"\multicolumn{{{len(header)}}}{{l}}{{\emph{{\tablename\ \thetable\ "
                     rf"({texts.text('apa_continued', language)})}}}} \\")
        out += [r"\begin{landscape}", f"\\{size}", rf"\setlength{{\tabcolsep}}{{{_SIZES[size][1]:.0f}pt}}",
                rf"\begin{{longtable}}{{{spec}}}", rf"\caption{{{latex_text(title)}}}\label{{tab:{name}}} \\", r"\toprule",
                head, r"\midrule", r"\endfirsthead", continued, r"\toprule", head, r"\midrule", r"\endhead",
                r"\bottomrule", r"\endfoot", *lines, r"\end{longtable}"]
        out += [rf"{{{note_line}\par}}"] if note_line else []
        out += [r"\end{landscape}"]
    else:
        fit = [] if size == "normalsize" else [f"\\{size}", rf"\setlength{{\tabcolsep}}{{{_SIZES[size][1]:.0f}pt}}"]
        out += [r"\begin{table}[htbp]", r"\centering", *fit, rf"\caption{{{latex_text(title)}}}", rf"\label{{tab:{name}}}",
                rf"\begin{{tabular}}{{{spec}}}", r"\toprule", head, r"\midrule", *lines, r"\bottomrule",
                r"\end{tabular}"]
        out += [r"\par\smallskip", rf"{{\small {note_line}\par}}"] if note_line else []
        out += [r"\end{table}"]
    return "\n".join(out) + "\n"


def export_table(table: pd.DataFrame, name: str, out_dir: str | Path, title: str, number: int | None = None,
                 decimals: int = 2, bounded: tuple[str, ...] = (), note: str | None = None, *,
                 language: str = "en", headers: dict | None = None, p_columns: tuple[str, ...] | None = None,
                 integer_columns: tuple[str, ...] | None = None) -> dict[str, Path]:
    """Write ``table`` as ``<name>.csv`` (full precision), ``<name>.md`` and ``<name>.tex`` (APA).

    ``title`` and ``note`` are the caption and the table note in ``language``; ``headers`` maps
    column (and index) names to the printed headers (see :func:`header_labels`); the CSV keeps
    the names and full precision for further analysis. Each file is written whole or not at all
    (:mod:`monitor.core.files`): a failed export leaves no half file and no temporary file. Returns
    the paths written.
    """
    out_dir = ensure_folder(out_dir)  # a symbolic link planted as the tables folder is refused, never followed
    options = {"language": language, "headers": headers, "decimals": decimals, "bounded": bounded,
               "p_columns": p_columns, "integer_columns": integer_columns}
    markdown = apa_markdown(table, title, number, note, **options)
    latex = apa_latex(table, name, title, note, **options)
    table = csv_safe(table)  # the CSV keeps full precision; its text cannot start a formula
    paths = {}
    for suffix, text in (("csv", None), ("md", markdown), ("tex", latex)):
        path = out_dir / f"{name}.{suffix}"
        if text is None:
            with atomic_writer(path) as tmp:
                table.to_csv(tmp)
        else:
            atomic_write(path, text)
        paths[suffix] = path
    return paths


def relative_path(path: str | Path, start: str | Path | None = None) -> str:
    """``path`` as shown to a reader: relative to ``start`` (the working directory by default)
    when below it, else relative to the project root, else only the file name; never a
    server's absolute path."""
    path = Path(path).resolve()
    for base in (Path(start or Path.cwd()).resolve(), PROJECT_ROOT):
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return path.name
