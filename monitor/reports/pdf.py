"""Region reports as PDF, typeset by Typst from the report's sections.

:func:`report_pdf` turns a :class:`monitor.reports.present.View` (one region report in one language)
into an A4 PDF: a cover with region, wave and date, a table of contents, a running header,
page numbers, tables that are never wider than the text block and never split inside a row
(their header repeats on the next page), headings kept with what follows and figures as
vectors (SVG). The words and numbers are the View's own (:meth:`~monitor.reports.present.View.sentence_text`,
:meth:`~monitor.reports.present.View.cell_text`, :meth:`~monitor.reports.present.View.column_text`), so the PDF
says exactly what the HTML report says; nothing is computed here.

The layout lives in ``monitor/templates/report.typ``. Every text reaches it as JSON through
``sys.inputs`` and is shown as a string, never parsed as Typst markup, after
:func:`escape_typst` has made it printable. Typst (https://typst.app) is a pip-installed
compiler: no TeX, no browser; a report is typeset in about 0.2 s, in a short-lived child
process (:func:`_typeset`).
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any

from .sections import Section, Table

__all__ = ["report_pdf", "write_pdf", "write_notebook_pdf", "document", "escape_typst", "cell_text", "MAX_CELL", "TEMPLATE", "FONT_DIRS"]

TEMPLATE = Path(__file__).parent / "templates" / "report.typ"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_LINE_END = re.compile(r"\r\n?|\n|\u2028|\u2029")
_PUNCTUATION = re.compile(r"([/<>=\"&?.,;:()\[\]{}|\\_+@#*~^%!`$-])(?=[^\s\u200b])")
MAX_CELL = 300  # characters of a table cell shown in the PDF
_BREAK = "\u200b"  # marks a break opportunity; the template shows it as an empty one (no character)
# (shortest word that gets marks, letters in a run before a mark) in running text and in a table cell
_MARKED = {False: (25, 20), True: (8, 12)}


def _breakable(word: str, run: int) -> str:
    """A long word with break marks after its punctuation and after every ``run`` letters
    that 8 more follow (a word just over ``run`` is left to Typst's hyphenation)."""
    word = _PUNCTUATION.sub(r"\1" + _BREAK, word)
    return re.sub(rf"[^\u200b]{{{run}}}(?=[^\u200b]{{8}})", lambda m: m.group(0) + _BREAK, word)


def _font_dirs() -> list[str]:
    """DejaVu Sans (regular, bold, oblique) as shipped with matplotlib: the figures' own font,
    so that text in the SVG figures and in the PDF match, without any font of the system."""
    import matplotlib

    return [str(Path(matplotlib.get_data_path()) / "fonts" / "ttf")]


FONT_DIRS: list[str] = []  # filled on first use (matplotlib's folder)


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
    text = _CONTROL.sub("", _LINE_END.sub(" ", str(value)))
    shortest, run = _MARKED[cell]
    return re.sub(rf"[^\s\u200b]{{{shortest},}}", lambda m: _breakable(m.group(0), run), text)


_SVG_SIZE = re.compile(r'<svg[^>]*?\swidth="([\d.]+)pt"[^>]*?\sheight="([\d.]+)pt"')


def _aspect(svg: str) -> float:
    """Height over width of a matplotlib SVG (1 if it does not say)."""
    match = _SVG_SIZE.search(svg[:2000])
    return float(match.group(2)) / float(match.group(1)) if match and float(match.group(1)) else 1.0


def _plain(text: str) -> str:
    """Printable text without break marks: for the PDF's metadata and alt texts, which are not laid out."""
    return escape_typst(text).replace(_BREAK, "")


def _figure_alt(view, section: Section) -> str:
    return _plain(view.figure_alt(section) or view.t("heading_" + section.key))


def cell_text(text: str) -> str:
    """A table cell's text for the PDF: at most :data:`MAX_CELL` characters (then ``…``), so that
    no row is taller than a page and none breaks; printable (:func:`escape_typst`). The HTML
    report and the sidecar keep the whole text.

    >>> cell_text("A" * 400)[-3:], len(cell_text("A" * 400).replace("\u200b", ""))
    ('AA…', 301)
    """
    text = str(text)
    return escape_typst(text if len(text) <= MAX_CELL else text[:MAX_CELL] + "…", cell=True)


def _widths(header: list[str], rows: list[list[str]]) -> list[int] | None:
    """Relative column widths for a table too wide for its natural layout, else None (each
    column as wide as its content). A column's share follows its longest text (up to 24
    characters: longer texts wrap), so a name column is never squeezed to let numbers sit wide."""
    longest = [max([min(len(h.replace(_BREAK, "")), 12)] + [min(len(r[j].replace(_BREAK, "")), 24) for r in rows])
               for j, h in enumerate(header)]
    natural = [max([len(h.replace(_BREAK, ""))] + [len(r[j].replace(_BREAK, "")) for r in rows])
               for j, h in enumerate(header)]
    return None if sum(natural) + 2 * len(natural) <= _LINE_CHARACTERS else [max(4, n) for n in longest]


_LINE_CHARACTERS = 80  # characters of table text (8.5 pt) that fit the text block's width, roughly


def _table(view, table: Table) -> dict:
    numeric = [c.kind not in ("label", "text") for c in table.columns]
    header = [cell_text(view.column_text(c)) for c in table.columns]
    rows = [[cell_text(view.cell_text(v, c.kind)) for v, c in zip(row, table.columns, strict=True)]
            for row in table.rows]
    return {"type": "table", "header": header, "rows": rows, "widths": _widths(header, rows),
            "numeric": numeric, "row_header": bool(table.row_header),
            "caption": escape_typst(view.t(table.caption)) if table.caption else None}


def _flags(view, section: Section) -> list[dict]:
    from .sections import Label, Sentence

    rows = section.figures[0].data["rows"] if section.figures else []
    if not rows:
        return []
    body = []
    for row in rows:
        why = "; ".join(view.sentence_text(Sentence(r["key"], r["values"])) for r in row["reasons"])
        ideas = "\n".join(f"{i[view.language]['title']}: {i[view.language]['text']}" for i in row["interventions"]
                          if view.language in i)
        body.append([cell_text(view.label(Label("measure", row["measure"]))), cell_text(why),
                     "\n".join(cell_text(line) for line in ideas.split("\n"))])
    header = [cell_text(view.t(k)) for k in ("col_theme", "col_why", "col_interventions")]
    return [{"type": "table", "header": header, "rows": body, "widths": _widths(header, body),
             "numeric": [False, False, False], "row_header": True, "caption": None}]


def _open_answers(view, section: Section) -> list[dict]:
    kinds = {"question": "subheading", "group": "group"}
    return [{"type": "list", "items": [escape_typst(a) for a in part]} if kind == "answers"
            else {"type": kinds[kind], "text": escape_typst(part)} for kind, part in view.open_answers(section)]


def _section(view, section: Section, figures: dict[str, str | None] | None) -> dict:
    blocks: list[dict] = [{"type": "par", "text": escape_typst(view.sentence_text(s))} for s in section.sentences]
    if section.key == "flags":
        blocks += _flags(view, section)
    if section.key == "open":
        blocks += _open_answers(view, section)
    blocks += [_table(view, t) for t in section.tables if t.rows]
    blocks += [{"type": "note", "text": escape_typst(view.sentence_text(s))} for s in section.notes]
    if section.key not in ("flags", "open"):
        svg = figures.get(section.key) if figures is not None else view.figure_svg(section)
        if svg:
            blocks.append({"type": "figure", "svg": svg, "alt": _figure_alt(view, section), "ratio": _aspect(svg)})
    return {"key": section.key, "heading": escape_typst(view.t("heading_" + section.key)), "blocks": blocks}


def _date(day: datetime.date, language: str) -> str:
    from ..core.texts import text

    return f"{day.day} {text('month_' + str(day.month), language)} {day.year}"


def document(view, figures: dict[str, str | None] | None = None, day: datetime.date | None = None) -> dict:
    """The report as the JSON the template typesets: every text already worded and made printable.

    ``figures`` maps a section key to its SVG (``None``: no figure); by default each section's
    figure is the View's (:meth:`~monitor.reports.present.View.figure_svg`, drawn once per View).
    """
    report = view.report
    day = day or datetime.date.today()
    t = view.t
    return {
        "lang": view.language,
        "title": escape_typst(t("report_title", region=report.region, wave=report.wave)),
        "plain_title": _plain(t("report_title", region=report.region, wave=report.wave)),
        "region": escape_typst(report.region),
        "wave": int(report.wave),
        "notice": escape_typst(t("simulated", seed=report.meta["seed"])) if report.meta.get("seed") is not None else None,
        "intro": escape_typst(t("report_intro")),
        "words": {"product": t("pdf_product"), "author": t("pdf_product"), "contents": t("pdf_contents"),
                  "page": t("pdf_page", page="{page}", total="{total}"), "wave_line": t("pdf_wave", wave=report.wave),
                  "date_line": t("pdf_date", date=_date(day, view.language))},
        "sections": [_section(view, s, figures) for s in report.sections],
    }


# The typesetting process: Typst and nothing else (no pandas, no matplotlib), one report, then gone.
_CHILD = """import sys, typst
data = sys.stdin.buffer.read().decode("utf-8")
try:
    compiler = typst.Compiler(font_paths=sys.argv[2:], ignore_system_fonts=True)
    pdf = compiler.compile(sys.argv[1], format="pdf", sys_inputs={"data": data}, root=sys.argv[1].rsplit("/", 1)[0])
except typst.TypstError as exc:
    sys.exit(f"the PDF could not be typeset: {exc.message}")
sys.stdout.buffer.write(pdf)
"""


def _typeset(data: str, timeout: float = 120) -> bytes:
    """Typeset the report JSON with the template in a short-lived child process.

    Typst memoizes every compilation in a process-wide cache that its Python binding never
    empties (some 20 MB per report): a kernel that typesets 21 reports in itself would grow by
    400 MB. A child takes its cache with it, costs about 0.2 s and holds only Typst.
    """
    import subprocess
    import sys

    if not FONT_DIRS:
        FONT_DIRS.extend(_font_dirs())
    try:
        done = subprocess.run([sys.executable, "-I", "-c", _CHILD, str(TEMPLATE), *FONT_DIRS],
                              input=data.encode("utf-8"), capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"the PDF was not typeset within {timeout:.0f} s") from None
    if done.returncode != 0 or not done.stdout.startswith(b"%PDF-"):
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(said[-1] if said else f"the PDF could not be typeset (exit code {done.returncode})")
    return done.stdout


def report_pdf(view, figures: dict[str, str | None] | None = None, day: datetime.date | None = None) -> bytes:
    """The region report of ``view`` as PDF bytes (tagged PDF, A4).

    Raises
    ------
    RuntimeError
        If Typst cannot typeset the report (one line: its first error message).
    """
    return _typeset(json.dumps(document(view, figures, day), ensure_ascii=False))


def write_pdf(view, path: str | Path, figures: dict[str, str | None] | None = None) -> Path:
    """Write the PDF of ``view`` to ``path`` atomically (whole or not at all)."""
    from ..core.files import atomic_write

    return atomic_write(Path(path), report_pdf(view, figures))


def write_notebook_pdf(namespace: dict, path: str | Path) -> Path:
    """Write the PDF of the report a notebook showed: the last :class:`~monitor.reports.present.View` in
    its ``namespace`` (``globals()`` of the kernel), with the figures it drew already.

    ``monitor render`` runs this after the region notebook's last cell (the code is not kept
    in the saved notebook), so the PDF says what the notebook said, in its language.
    """
    from .present import View

    views = [value for value in namespace.values() if isinstance(value, View)]
    if not views:
        raise RuntimeError("the notebook made no report View, so there is nothing to typeset as PDF")
    return write_pdf(views[-1], path)
