"""Presentation of region report sections: wording, numbers, escaping, tables and figures.

Sections (:mod:`monitor.reports.sections`) hold data; this module shows them. Every text that comes
from data or from a user's instrument file (region, organisation, function and municipality
names, open answers, item texts, labels) passes through one escaping function per output
format — :func:`escape_html`, :func:`escape_markdown`, :func:`escape_latex`,
:func:`escape_mathtext` (figure labels) — and open answers are shown as plain text, never
interpreted as Markdown or HTML. A notebook shows a section with :meth:`View.show`.
"""

from __future__ import annotations

import base64
import functools
import io
import re
import textwrap
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import colormaps
from matplotlib.colors import Normalize, to_hex

from ..core.escaping import escape_html, escape_mathtext
from ..core.texts import check_language, number
from ..core.texts import text as _text
from ..stats import plotting
from .model import Column, Label, RegionReport, Section, Sentence, Table
from .reading import CONCERN_BELOW, STRONG_FROM

__all__ = ["View", "setup_figures"]

def setup_figures(dpi: int = 80) -> None:
    """Figure defaults for reports: a modest resolution and, in a notebook, inline figures
    saved as laid out (the report's figures set their own margins)."""
    plt.rcParams["figure.dpi"] = dpi
    plt.rcParams["svg.fonttype"] = "none"
    try:
        from IPython import get_ipython  # IPython: only when figures are set up in a notebook
        from matplotlib_inline.backend_inline import InlineBackend
    except ImportError:  # pragma: no cover - IPython comes with the notebook stack
        return
    if get_ipython() is not None:
        InlineBackend.instance().print_figure_kwargs = {"bbox_inches": None}


def _strong(text: str) -> str:
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)


class View:
    """One region report in one language: headings, sentences, tables and figures.

    Parameters
    ----------
    report : RegionReport
    language : ``"nl"`` or ``"en"``
    """

    def __init__(self, report: RegionReport, language: str = "nl"):
        self.report, self.language = report, check_language(language)

    # -- words and numbers -----------------------------------------------------------------
    def num(self, value, decimals: int = 2, sign: bool = False) -> str:
        if value is None:
            return self.t("too_few_short")
        text = number(value, f"{'+' if sign else ''}.{decimals}f", self.language)
        return text.replace("-", "−") if text.startswith("-") else text

    def t(self, key: str, **values) -> str:
        """A text template filled with values as given (no escaping: for plain output)."""
        return _text(key, self.language, **values)

    def label(self, value: Label) -> str:
        """The words of a label (untrusted when they come from the instrument: escape them)."""
        kind, ident = value.kind, value.id
        labels = self.report.labels
        if kind == "text":
            return self.t(ident)
        if kind in ("measure", "item", "function", "type"):
            entry = labels.get(kind, {}).get(ident)
            words = (entry.get(self.language) or next(iter(entry.values()))) if entry else ident
            if kind == "item" and ident in labels.get("reverse", ()):
                words = f"{words} {self.t('reversed_mark')}"
            return words
        if kind == "stage":
            stage, measure = ident.split("|", 1)
            return f"{stage}. {self.label(Label('measure', measure))}"
        if kind == "year":
            return ident
        if kind == "since":
            return self.t("col_since", year=ident)
        if kind == "n_wave":
            return f"n {ident}"
        return ident

    def _value_html(self, value: Any, kind: str) -> str:
        return escape_html(self.cell_text(value, kind))

    def cell_text(self, value: Any, kind: str) -> str:
        """A table value as plain text (unescaped: escape it for the output format)."""
        if isinstance(value, Label):
            return self.label(value)
        if kind in ("label", "text"):
            return "–" if value is None else str(value)
        if kind == "count":
            if value is None:
                return f"< {self.report.min_group_size}"
            return number(int(value), ",d", self.language) if not _nan(value) else "–"
        if kind == "year" or kind == "int":
            return "–" if value is None else str(int(value))
        if value is None:
            return self.t("too_few_short")
        if kind == "interval":
            low, high = value
            return "–" if low is None or high is None else f"{self.num(low)}–{self.num(high)}"
        if _nan(value):
            return "–"
        if kind == "pct":
            return f"{number(value, '.0f', self.language)}%"
        if kind == "signed":
            return self.num(value, sign=True)
        return self.num(value)

    def listing(self, words: list[str]) -> str:
        """``a``, ``a en b``, ``a, b en c`` (Dutch) / ``a, b and c`` (English)."""
        if len(words) <= 1:
            return "".join(words)
        return f"{', '.join(words[:-1])} {self.t('and')} {words[-1]}"

    def _sentence(self, sentence: Sentence, shown) -> str:
        """The sentence's template filled with its values, each text value passed through ``shown``."""
        values = {}
        for name, value in sentence.values.items():
            if isinstance(value, list):  # a list of labels or texts: "a, b en c"
                values[name] = _Shown(self.listing([shown(self.label(v) if isinstance(v, Label) else str(v))
                                                    for v in value]))
            elif isinstance(value, Label):
                values[name] = _Shown(shown(self.label(value)))
            elif isinstance(value, str):
                values[name] = _Shown(shown(value))
            elif value is None:
                values[name] = _Shown(shown(self.t("too_few_short")))
            else:
                values[name] = value
        return self.t(sentence.key, **values)

    def sentence_html(self, sentence: Sentence) -> str:
        return _strong(escape_html_template(self._sentence(sentence, lambda v: escape_html(v).replace("*", "&#42;"))))

    def sentence_text(self, sentence: Sentence) -> str:
        """A sentence as plain text: the template's ``**`` emphasis dropped, values as given (unescaped)."""
        return self._sentence(sentence, lambda v: v.replace("*", "\ue000")).replace("**", "").replace("\ue000", "*")

    def column_text(self, column: Column) -> str:
        """A column heading as plain text (unescaped)."""
        if isinstance(column.key, Label):
            return self.label(column.key)
        try:
            return self.t(column.key)
        except KeyError:
            return str(column.key)

    def column_html(self, column: Column) -> str:
        return escape_html(self.column_text(column))

    # -- HTML ------------------------------------------------------------------------------
    def table_html(self, table: Table) -> str:
        heat = table.key.startswith("heatmap_")
        # Heat-map headers run vertically, so that seven theme names fit the page width.
        head = "".join(f'<th scope="col" class="sm-vertical"><span>{self.column_html(c)}</span></th>'
                       if heat and c.kind == "signed" else f'<th scope="col">{self.column_html(c)}</th>'
                       for c in table.columns)
        body = []
        for row in table.rows:
            cells = []
            for j, (value, column) in enumerate(zip(row, table.columns, strict=True)):
                content = self._value_html(value, column.kind)
                if j == 0 and table.row_header:
                    cells.append(f'<th scope="row">{content}</th>')
                    continue
                style = _heat_style(value) if heat and column.kind == "signed" else ""
                align = "" if column.kind in ("label", "text") else ' class="num"'
                cells.append(f"<td{align}{style}>{content}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        return (f'<table class="sm-table sm-{escape_html(table.key)}"><thead><tr>{head}</tr></thead>'
                f"<tbody>{''.join(body)}</tbody></table>")

    def heat_legend_html(self) -> str:
        """The colour key of a heat map: swatches from lower to higher than the region."""
        swatches = "".join(f'<span style="display:inline-block;width:2.2em;height:1em;vertical-align:middle;'
                           f'background-color:{_heat_colour(v)[0]}"></span>' for v in (-0.6, -0.3, 0.0, 0.3, 0.6))
        return (f'<p class="sm-legend">{escape_html(self.t("heat_legend_low"))} {swatches} '
                f'{escape_html(self.t("heat_legend_high"))}</p>')

    def heading_html(self, key: str) -> str:
        return f"<h2>{escape_html(self.t('heading_' + key))}</h2>"

    def title_html(self) -> str:
        rep = self.report
        parts = [TABLE_STYLE, f"<h1>{escape_html(self.t('report_title', region=rep.region, wave=rep.wave))}</h1>"]
        if rep.meta.get("seed") is not None:
            parts.append(f"<blockquote><strong>{escape_html(self.t('simulated', seed=rep.meta['seed']))}"
                         f"</strong></blockquote>")
        parts.append(f"<p>{escape_html(self.t('report_intro'))}</p>")
        return "\n".join(parts)

    def section_html(self, section: Section) -> str:
        """Heading, sentences, tables and notes of a section (figures are drawn separately)."""
        parts = [self.heading_html(section.key)]
        if section.key == "key_messages":
            items = "".join(f"<li>{self.sentence_html(s)}</li>" for s in section.sentences)
            return "\n".join(parts + [f'<ul class="sm-key-messages">{items}</ul>'])
        parts += [f"<p>{self.sentence_html(s)}</p>" for s in section.sentences]
        if section.key == "flags":
            parts.append(self.flags_html(section))
        if section.key == "open":
            parts.append(self.open_answers_html(section))
        for t in section.tables:
            if t.rows:
                parts.append(self.table_html(t))
                if t.key.startswith("heatmap_"):
                    parts.append(self.heat_legend_html())
        parts += [f'<p class="note">{self.sentence_html(s)}</p>' for s in section.notes]
        return "\n".join(parts)

    def flags_html(self, section: Section) -> str:
        rows = section.figures[0].data["rows"] if section.figures else []
        if not rows:
            return ""
        out = []
        for row in rows:
            why = "; ".join(self.sentence_html(Sentence(r["key"], r["values"])) for r in row["reasons"])
            ideas = "".join(f"<li><strong>{escape_html(i[self.language]['title'])}</strong>: "
                            f"{escape_html(i[self.language]['text'])}</li>" for i in row["interventions"]
                            if self.language in i)
            out.append(f"<tr><th scope=\"row\">{escape_html(self.label(Label('measure', row['measure'])))}</th>"
                       f"<td>{why}</td><td><ul>{ideas}</ul></td></tr>")
        head = "".join(f'<th scope="col">{escape_html(self.t(k))}</th>' for k in ("col_theme", "col_why",
                                                                                    "col_interventions"))
        return f'<table class="sm-table sm-flags"><thead><tr>{head}</tr></thead><tbody>{"".join(out)}</tbody></table>'

    def open_answers(self, section: Section) -> list[tuple[str, Any]]:
        """The open answers section as plain parts (unescaped): ``("question", text)``,
        ``("group", text)`` and ``("answers", [text, ...])``, in order; every format shows these."""
        data = section.figures[0].data if section.figures else {"groups": []}
        out, current = [], None
        for group in data["groups"]:
            if group["question"] != current:
                current = group["question"]
                question = data["questions"].get(current, {})
                out.append(("question", question.get(self.language) or current))
            name = self.label(Label("type", group["type"]))
            if group["shown"]:
                out.append(("group", f"{name} ({number(group['n_answers'], ',d', self.language)})"))
                out.append(("answers", list(group["answers"])))
            else:
                out.append(("group", self.t("answers_hidden", group=name, k=self.report.min_comment_group_size)))
        return out

    def open_answers_html(self, section: Section) -> str:
        shown = {"question": lambda text: f"<h3>{escape_html(text)}</h3>",
                 "group": lambda text: f"<p><em>{escape_html(text)}</em></p>",
                 "answers": lambda answers: "<ul class=\"sm-open\">" + "".join(f"<li>{escape_html(a)}</li>"
                                                                           for a in answers) + "</ul>"}
        return "\n".join(shown[kind](part) for kind, part in self.open_answers(section))

    # -- figures ---------------------------------------------------------------------------
    def figure(self, section: Section):
        """The section's figure as a matplotlib Figure, or None."""
        for fig in section.figures:
            draw = getattr(self, f"_figure_{fig.key}", None)
            if draw is not None:
                return draw(fig.data)
        return None

    def figure_alt(self, section: Section) -> str:
        """The figure's alternative text, written from its data (plain text: escape it)."""
        for fig in section.figures:
            describe = getattr(self, f"_alt_{fig.key}", None)
            if describe is not None:
                return describe(fig.data)
        return ""

    def figure_svg(self, section: Section) -> str | None:
        """The section's figure as SVG text, drawn once per View (the HTML and the PDF share it)."""

        cache = self.__dict__.setdefault("_svg", {})
        if section.key not in cache:
            fig = self.figure(section)
            if fig is None:
                cache[section.key] = None
            else:
                buffer = io.StringIO()
                try:  # a fixed salt: the same figure gives the same SVG (ids), so a re-run reproduces it
                    with plt.rc_context({"svg.hashsalt": "samenwerkingsmonitor"}):
                        fig.savefig(buffer, format="svg", metadata={"Date": None})
                finally:
                    plt.close(fig)
                cache[section.key] = buffer.getvalue()
        return cache[section.key]

    def figure_html(self, section: Section) -> str:
        """The section's figure as an ``<img>`` (SVG: sharp on screen and in print) with alt text
        written from its data; "" when the section has no figure."""

        svg = self.figure_svg(section)
        if svg is None:
            return ""
        found = re.search(r'<svg[^>]*?\swidth="([\d.]+)pt"', svg[:2000])
        width = int(round(float(found.group(1)) * 96 / 72)) if found else 768
        source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
        return (f'<figure class="sm-figure"><img src="{source}" alt="{escape_html(self.figure_alt(section))}" '
                f'style="max-width:100%;width:{width}px"></figure>')

    def _name(self, measure: str) -> str:
        return self.label(Label("measure", measure))

    def _alt_profile(self, data: dict) -> str:
        parts = [self.t("alt_profile_value", name=self._name(r["measure"]), mean=r["mean"], bench=r["benchmark"])
                 if r["benchmark"] is not None else f"{self._name(r['measure'])} {self.num(r['mean'])}"
                 for r in data["rows"] if r["mean"] is not None]
        return self.t("alt_profile", values="; ".join(parts))

    def _alt_trends(self, data: dict) -> str:
        if len(data["waves"]) < 2:
            return ""
        parts = []
        for series in data["series"]:
            pts = [p for p in series["points"] if p["mean"] is not None]
            if len(pts) >= 2:
                parts.append(self.t("alt_trends_value", name=self._name(series["measure"]), start=pts[0]["mean"],
                                    end=pts[-1]["mean"]))
        return self.t("alt_trends", first=data["waves"][0], last=data["waves"][-1], values="; ".join(parts))

    def _alt_gap(self, data: dict) -> str:
        parts = [self.t("alt_gap_value", name=self._name(r["measure"]), a=r["gemeente"], b=r["zorgaanbieder"])
                 for r in data["rows"] if r["gemeente"] is not None]
        return self.t("alt_gap", values="; ".join(parts))

    def _alt_items(self, data: dict) -> str:
        values = np.array(data["values"], dtype=float)
        middle = (values.min() + values.max()) / 2
        parts = []
        for bar in data["bars"]:
            shares = np.array(bar["shares"]) * 100
            agree, disagree = shares[values > middle].sum(), shares[values < middle].sum()
            good, bad = (disagree, agree) if bar.get("reversed") else (agree, disagree)
            parts.append(self.t("alt_items_value", name=self.label(Label("item", bar["item"])), good=float(good),
                                bad=float(bad)))
        return self.t("alt_items", values="; ".join(parts))

    def _mlabel(self, measure: str) -> str:
        return escape_mathtext(self.label(Label("measure", measure)))

    def _figure_profile(self, data: dict):
        rows = [r for r in data["rows"]]
        if not any(r["mean"] is not None for r in rows):
            return None
        fig, ax = plt.subplots(figsize=(8, 0.5 * len(rows) + 1.2))
        y = np.arange(len(rows))[::-1]
        colours = {"strong": "#0571b0", "attention": "#f4a582", "concern": "#ca0020", "suppressed": "#d9d9d9"}
        means = np.array([r["mean"] if r["mean"] is not None else np.nan for r in rows], dtype=float)
        ax.barh(y, np.nan_to_num(means), color=[colours[r["band"]] for r in rows], height=0.6)
        low = np.array([r["ci_low"] if r["ci_low"] is not None else np.nan for r in rows], dtype=float)
        high = np.array([r["ci_high"] if r["ci_high"] is not None else np.nan for r in rows], dtype=float)
        ax.errorbar(means, y, xerr=np.vstack([means - low, high - means]), fmt="none", ecolor="black", capsize=3,
                    linewidth=1)
        bench = np.array([r["benchmark"] if r["benchmark"] is not None else np.nan for r in rows], dtype=float)
        ax.scatter(bench, y, marker="D", color="black", zorder=3, label=self.t("all_regions"))
        for cut in (CONCERN_BELOW, STRONG_FROM):
            ax.axvline(cut, color="grey", linestyle=":", linewidth=1)
        labels = [self._mlabel(r["measure"]) for r in rows]
        ax.set_yticks(y, labels)
        ax.set_xlim(1, 5)
        ax.set_xticks(range(1, 6))  # whole scale points: no decimal separator to localise
        ax.set_xlabel(self.t("mean_scale"))
        ax.legend(frameon=False, loc="lower right", fontsize="small")
        plotting.despine(ax)
        plotting.fit_margins(fig, labels, bottom=0.7 / fig.get_size_inches()[1])
        return fig

    def _figure_trends(self, data: dict):
        if len(data["waves"]) < 2:
            return None
        fig, ax = plt.subplots(figsize=(8, 4))
        for i, series in enumerate(data["series"]):
            pts = [p for p in series["points"] if p["mean"] is not None]
            if not pts:
                continue
            x = [p["wave"] for p in pts]
            m = np.array([p["mean"] for p in pts])
            err = np.vstack([m - np.array([p["ci_low"] for p in pts], dtype=float),
                             np.array([p["ci_high"] for p in pts], dtype=float) - m])
            ax.errorbar(x, m, yerr=np.nan_to_num(err), marker="o", capsize=2, label=self._mlabel(series["measure"]),
                        linewidth=2.5 if i == 0 else 1)
        ax.set_xticks(data["waves"])
        ax.set_ylim(1, 5)
        ax.set_yticks(range(1, 6))
        ax.set_ylabel(self.t("mean_scale"))
        ax.legend(frameon=False, fontsize="small", bbox_to_anchor=(1.01, 1), loc="upper left")
        plotting.despine(ax)
        fig.subplots_adjust(left=0.1, right=0.68, bottom=0.1, top=0.95)
        return fig

    def _figure_gap(self, data: dict):
        rows = data["rows"]
        if not any(r["gemeente"] is not None for r in rows):
            return None
        fig, ax = plt.subplots(figsize=(8, 0.45 * len(rows) + 1.2))
        y = np.arange(len(rows))[::-1]
        a = np.array([r["gemeente"] if r["gemeente"] is not None else np.nan for r in rows], dtype=float)
        b = np.array([r["zorgaanbieder"] if r["zorgaanbieder"] is not None else np.nan for r in rows], dtype=float)
        ax.scatter(a, y, color="#0571b0", label=escape_mathtext(self.label(Label("type", "gemeente"))), zorder=3)
        ax.scatter(b, y, color="#ca0020", label=escape_mathtext(self.label(Label("type", "zorgaanbieder"))), zorder=3)
        ax.hlines(y, np.fmin(a, b), np.fmax(a, b), color="grey")
        labels = [self._mlabel(r["measure"]) for r in rows]
        ax.set_yticks(y, labels)
        ax.set_xlim(1, 5)
        ax.set_xticks(range(1, 6))  # whole scale points: no decimal separator to localise
        ax.set_xlabel(self.t("mean_scale"))
        ax.legend(frameon=False, fontsize="small")
        plotting.despine(ax)
        plotting.fit_margins(fig, labels, bottom=0.7 / fig.get_size_inches()[1])
        return fig

    def _figure_items(self, data: dict):

        bars = data["bars"]
        if not bars:
            return None

        texts = ["\n".join(textwrap.wrap(self.label(Label("item", b["item"])), 48, max_lines=3, placeholder=" …"))
                 for b in bars]
        # Coloured by favourability: a reversed item's answers run from favourable to unfavourable.
        shares = np.array([b["shares"][::-1] if b.get("reversed") else b["shares"] for b in bars], dtype=float)
        scale = self.report.labels.get("scale", {})
        names = [escape_mathtext((scale.get(str(v)) or {}).get(self.language, str(v))) for v in data["values"]]
        lines = sum(t.count("\n") + 1 for t in texts)
        fig, ax = plt.subplots(figsize=(10, 0.22 * lines + 0.12 * len(texts) + 1.8))
        plotting.diverging_bars(shares, names, ax=ax, items=[escape_mathtext(t) for t in texts])
        ax.tick_params(axis="y", labelsize="small")
        ax.set_xlabel(f"← {self.t('unfavourable')} (%)   |   {self.t('favourable')} (%) →")
        plotting.fit_margins(fig, [t.split("\n")[0] for t in texts], bottom=1.2 / fig.get_size_inches()[1])
        return fig

    # -- the notebook ----------------------------------------------------------------------
    def show_title(self) -> None:
        from IPython.display import HTML, display  # IPython (0.2 s): only when a notebook shows the report

        display(HTML(self.title_html()))

    def show(self, key: str) -> None:
        """Display one section in a notebook: its text and tables as escaped HTML, then its figure."""
        from IPython.display import HTML, display  # IPython: as above

        try:
            section = self.report.section(key)
        except KeyError:
            return
        display(HTML(self.section_html(section) + self.figure_html(section)))


#: Screen and print layout of the report's own tables and figures (no external resource).
TABLE_STYLE = """<style>
.sm-table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.92em; }
.sm-table th, .sm-table td { padding: 0.25em 0.5em; vertical-align: top; }
.sm-table th[scope=row], .sm-table td:not(.num) { text-align: left; }
.sm-table th[scope=col] { vertical-align: bottom; text-align: left; }
.sm-table td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.sm-table th.sm-vertical { height: 9em; white-space: nowrap; padding: 0.25em 0.2em; }
.sm-table th.sm-vertical span { writing-mode: vertical-rl; transform: rotate(180deg); }
.sm-table thead th { border-bottom: 1px solid #333; }
.sm-items th[scope=row], .sm-flags td { font-weight: normal; max-width: 38em; }
.sm-figure { margin: 0.5em 0 1.5em; }
.sm-figure img { height: auto; }
.sm-key-messages li { margin-bottom: 0.3em; }
@media print {
  .sm-table, .sm-figure, .sm-legend { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
}
</style>"""


class _Shown(str):
    """Text already escaped for the output; any format spec of the template leaves it as is."""

    def __format__(self, spec: str) -> str:
        return str(self)


def _nan(value) -> bool:
    return isinstance(value, float) and value != value


def escape_html_template(text: str) -> str:
    """A filled text template for HTML: its values were escaped already; escape only what is
    left of ``<`` and ``>`` that is not an entity (the templates themselves hold no markup)."""
    return text.replace("<", "&lt;").replace(">", "&gt;")


@functools.lru_cache(maxsize=1)
def _heat_map():
    """The heat maps' colour map, made once (matplotlib hands out a fresh copy, whose lookup
    table is built on first use, at every ``colormaps[...]``)."""

    return colormaps["RdBu"], Normalize(-0.8, 0.8)


@functools.lru_cache(maxsize=4096)  # a report's cells repeat few values (means to 2 decimals)
def _heat_colour(value: float) -> tuple[str, str]:
    """Background and text colour of a heat-map cell (ColorBrewer RdBu: colour-blind safe;
    white text only on the dark ends, so the contrast stays above WCAG's 4.5:1)."""

    cmap, norm = _heat_map()
    return to_hex(cmap(norm(value))), "white" if abs(value) > 0.45 else "black"


def _heat_style(value) -> str:
    if value is None or _nan(value) or isinstance(value, Label | str):
        return ' style="background-color:#eeeeee;color:#555555"'
    background, text = _heat_colour(value)
    return f' style="background-color:{background};color:{text}"'
