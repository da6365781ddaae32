"""The wave's index page: every report with its status, its links and a few of its figures.

The page itself (HTML, CSS and the few lines that sort a column) is the template
``templates/index.html.j2``; this module gives it the rows, every value escaped by Jinja.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import jinja2

from ..core.files import atomic_write, locked
from ..core.texts import number, text
from ..reports.model import HIDDEN
from .jobs import Result

__all__ = ["index_summary", "index_page", "write_index", "TEMPLATE"]

#: The page's template, beside the notebook page's (``templates/offline``).
TEMPLATE = Path(__file__).parent / "templates" / "index.html.j2"


def index_summary(report) -> dict:
    """The figures the index shows for a region report, as the report publishes them: the
    number of respondents, the trust index (the first row of the summary table) and its
    change since the previous wave (the trends table); ``None`` where the report shows none."""
    summary = {"n": None, "trust": None, "change": None}
    counts = [c for c in report.cells if c.measure is None and set(c.group) == {"region", "wave"}
              and c.group["wave"] == report.wave and not c.hidden]
    summary["n"] = counts[0].n if counts else (None if report.small else report.n)
    index = None
    for section_key, table_key, column, name in (("summary", "summary", "col_mean", "trust"),
                                                 ("trends", "trends", "col_change", "change")):
        try:
            tables = [t for t in report.section(section_key).tables if t.key == table_key and t.rows]
        except KeyError:
            continue
        keys = [c.key for c in tables[0].columns] if tables else []
        if column not in keys:
            continue
        index = index if index is not None else tables[0].rows[0][0]
        row = next((r for r in tables[0].rows if r[0] == index), None)
        value = row[keys.index(column)] if row else HIDDEN
        summary[name] = None if value is HIDDEN or value != value else float(value)
    return summary


def write_index(results: list[Result], out_dir: Path, wave: int, language: str = "nl") -> Path:
    """``index.html``: every report of the wave with its status, links to its HTML and PDF and,
    for a region, n, the trust index and its change since the previous wave; in ``language``.

    Statuses are kept in ``status.json`` and merged across runs, so rendering one region
    does not drop the others from the index; a report that failed now but rendered before
    is listed as failed, with its previous files still linked.
    """
    status_path = out_dir / "status.json"
    with locked(out_dir / ".status.lock"):  # merge, then replace: concurrent renders lose nothing
        known = {}
        if status_path.exists():
            try:
                known = {r["name"]: Result(**r) for r in json.loads(status_path.read_text(encoding="utf-8"))}
            except (ValueError, TypeError):
                known = {}
        for r in results:
            if not r.ok and r.name in known and known[r.name].outputs:
                r.outputs, r.summary = known[r.name].outputs, r.summary or known[r.name].summary
            known[r.name] = r
        results = list(known.values())
        atomic_write(status_path, json.dumps([r.__dict__ for r in results], indent=1, ensure_ascii=False))
        return atomic_write(out_dir / "index.html", index_page(results, wave, language))



@functools.cache
def _template() -> jinja2.Template:
    environment = jinja2.Environment(autoescape=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    return environment.from_string(TEMPLATE.read_text(encoding="utf-8"))


def index_page(results: list[Result], wave: int, language: str = "nl") -> str:
    """The index page of ``results`` in ``language``: one row per report, validity and thesis first."""

    def t(key, **values):
        return text(key, language, **values)

    def cell(shown: str, sort, numeric: bool = False, href: str | None = None) -> dict:
        return {"shown": shown, "sort": "" if sort is None else str(sort), "numeric": numeric, "href": href}

    def link(r: Result, kind: str) -> dict:
        name = r.outputs.get(kind)
        return cell(kind.upper() if name else "–", 1 if name else None, href=name)

    rows = []
    for r in sorted(results, key=lambda r: (r.kind != "validity", r.kind != "thesis", r.title)):
        summary = getattr(r, "summary", None) or {}
        n, trust, change = summary.get("n"), summary.get("trust"), summary.get("change")
        status = t("index_ok") if r.ok else t(f"index_{r.status if r.status == 'cancelled' else 'failed'}",
                                               error=r.error)
        rows.append([cell(r.title if r.kind == "region" else t(f"index_kind_{r.kind}"), r.title),
                     cell(t(f"index_kind_{r.kind}"), r.kind),
                     cell(number(n, ",d", language) if n is not None else "–", n, True),
                     cell(number(trust, ".2f", language) if trust is not None else "–", trust, True),
                     cell(number(change, "+.2f", language).replace("-", "−") if change is not None else "–",
                          change, True),
                     link(r, "html"), link(r, "pdf"), link(r, "json"),
                     cell(status, int(r.ok)), cell(f"{round(r.seconds):d} s", round(r.seconds), True)])
    heads = [t(k) for k in ("index_report", "index_kind", "index_n", "index_trust", "index_change", "index_html",
                            "index_pdf", "index_json", "index_status", "index_time")]
    return _template().render(language=language, title=t("index_title", wave=int(wave)), intro=t("index_intro"),
                              heads=heads, rows=rows)
