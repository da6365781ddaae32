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
import subprocess
import sys
from pathlib import Path

import matplotlib

from ..core.escaping import BREAK, escape_typst
from ..core.files import atomic_write
from ..core.texts import text
from .model import Label, Section, Sentence, Table

__all__ = ["report_pdf", "write_pdf", "document", "cell_text", "MAX_CELL", "TEMPLATE", "FONT_DIRS"]

TEMPLATE = Path(__file__).parent / "templates" / "report.typ"
MAX_CELL = 300  # characters of a table cell shown in the PDF


def _font_dirs() -> list[str]:
    """DejaVu Sans (regular, bold, oblique) as shipped with matplotlib: the figures' own font,
    so that text in the SVG figures and in the PDF match, without any font of the system."""
    return [str(Path(matplotlib.get_data_path()) / "fonts" / "ttf")]


FONT_DIRS: list[str] = []  # filled on first use (matplotlib's folder)


_SVG_SIZE = re.compile(r'<svg[^>]*?\swidth="([\d.]+)pt"[^>]*?\sheight="([\d.]+)pt"')


def _aspect(svg: str) -> float:
    """Height over width of a matplotlib SVG (1 if it does not say)."""
    match = _SVG_SIZE.search(svg[:2000])
    return float(match.group(2)) / float(match.group(1)) if match and float(match.group(1)) else 1.0


def _plain(text: str) -> str:
    """Printable text without break marks: for the PDF's metadata and alt texts, which are not laid out."""
    return escape_typst(text).replace(BREAK, "")


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
    longest = [max([min(len(h.replace(BREAK, "")), 12)] + [min(len(r[j].replace(BREAK, "")), 24) for r in rows])
               for j, h in enumerate(header)]
    natural = [max([len(h.replace(BREAK, ""))] + [len(r[j].replace(BREAK, "")) for r in rows])
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
    return atomic_write(Path(path), report_pdf(view, figures))
