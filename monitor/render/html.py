"""The executed notebook as a web page: self-contained, accessible and fit to print.

:func:`to_html` turns an executed notebook into one HTML page without code: every image
embedded, nothing loaded from the network (:func:`external_resources` is the guard), the page
in the report's language and titled with its first heading, alt text on every image (a figure
the notebook showed without one is named after the heading it belongs to, never nbconvert's
"No description has been provided"), and print rules for A4 (``templates/offline``): no row
split over two pages, headings kept with what follows, wide tables wrapped within the page.
Used by :mod:`monitor.render.worker` for every report it publishes (:func:`notebook_page`).
"""

from __future__ import annotations

import ast
import contextlib
import functools
import re
from html.parser import HTMLParser
from pathlib import Path

__all__ = ["to_html", "notebook_page", "external_resources", "TEMPLATES"]

TEMPLATES = Path(__file__).parent / "templates"

_CSS_URL = re.compile(r"(?:url\(\s*[\"']?|@import\s+[\"'])\s*([^\"')\s]+)", re.IGNORECASE)
_JS_IMPORT = re.compile(r"import\s*\(?\s*[\"']([^\"']+)")
_REFRESH = re.compile(r"^\s*\d*\s*;\s*url\s*=\s*[\"']?([^\"'\s]+)", re.IGNORECASE)
_LOADING = {"script", "link", "img", "image", "iframe", "frame", "source", "track", "embed", "object", "video", "audio",
            "input", "use", "base"}


class _Fetches(HTMLParser):
    """The addresses in a page's markup: element attributes, ``<style>`` and ``style=`` CSS, ``<script>``
    imports and a refresh. Text is never looked at: a report may show any address as text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._raw = None

    def handle_starttag(self, tag, attrs):
        self.handle_startendtag(tag, attrs)
        self._raw = tag if tag in ("style", "script") else None

    def handle_startendtag(self, tag, attrs):
        for name, value in attrs:
            value = value or ""
            if tag in _LOADING and name in ("src", "href", "xlink:href", "data", "poster", "srcset"):
                self.found += [part.split()[0] for part in value.split(",") if part.split()]
            elif name == "style":
                self.found += _CSS_URL.findall(value)
            elif tag == "meta" and name == "content":
                self.found += _REFRESH.findall(value)

    def handle_endtag(self, tag):
        self._raw = None

    def handle_data(self, data):
        if self._raw == "style":
            self.found += _CSS_URL.findall(data)
        elif self._raw == "script":
            self.found += _JS_IMPORT.findall(data)


def external_resources(page: str) -> list[str]:
    """Addresses of scripts, style sheets, images, frames, objects, CSS imports, a ``<base>`` or
    a refresh an HTML page would fetch from the network (in its markup, not its text).

    >>> external_resources('<link rel=stylesheet href=http://x.example/a.css><p>url(http://y.example/)</p>')
    ['http://x.example/a.css']
    """
    parser = _Fetches()
    parser.feed(page)
    parser.close()
    return [u for u in parser.found if re.match(r"(?:https?:)?//", u)]


def to_html(notebook_path: Path, language: str | None = None) -> str:
    """The executed notebook as one self-contained HTML page: no code, images embedded.

    The page is in ``language`` (default: the notebook's ``language`` parameter, else
    English), titled with the report's first heading, every image has alt text, and it
    prints on A4 without cutting tables or stranding headings (the ``offline`` template).
    """
    import nbformat  # 0.9 s to import: not at a render worker's start (monitor.render.worker)

    return notebook_page(nbformat.read(notebook_path, as_version=4), language)


class _Headings(HTMLParser):
    """The text of the first ``<h1>`` (else ``<h2>``) of an HTML fragment."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.level, self.found, self._open, self._text = 9, "", None, []

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2") and int(tag[1]) < self.level:
            self._open, self._text = tag, []

    def handle_endtag(self, tag):
        if tag == self._open:
            self.level, self.found, self._open = int(tag[1]), " ".join("".join(self._text).split()), None

    def handle_data(self, data):
        if self._open:
            self._text.append(data)


def _parameter(notebook, name: str):
    """A parameter's value as papermill injected it (the ``injected-parameters`` cell), or None."""
    for cell in notebook.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
                    with contextlib.suppress(ValueError):
                        return ast.literal_eval(node.value)
    return None


_HIDDEN_TAG = "notebook-only"  # cells that explain the template to a reader of the notebook, not the report
_ALT_FALLBACK = {"nl": "Figuur bij: {heading}", "en": "Figure for: {heading}"}


def _describe(notebook, language: str) -> str:
    """Give every image without alt text one that names the heading it belongs to, and return
    the page's title (its first heading), from Markdown cells and HTML outputs alike."""
    title, heading = "", ""
    for cell in notebook.cells:
        if _HIDDEN_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        found = []
        if cell.cell_type == "markdown":
            found = [line.lstrip("#").strip() for line in cell.source.splitlines() if re.match(r"#{1,2} ", line)]
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:
                parser = _Headings()
                parser.feed(data["text/html"] if isinstance(data["text/html"], str) else "".join(data["text/html"]))
                found += [parser.found] if parser.found else []
                heading = found[-1] if found else heading
            for kind in ("image/png", "image/jpeg"):
                meta = output.setdefault("metadata", {}).setdefault(kind, {}) if kind in data else {}
                if kind in data and not meta.get("alt"):
                    meta["alt"] = _ALT_FALLBACK.get(language, _ALT_FALLBACK["en"]).format(heading=heading or title)
        title = title or (found[0] if found else "")
        heading = found[-1] if found else heading
    return title


_OUTPUT_AREA = re.compile(r'<div class="([^"<>]*\bjp-OutputArea-output\b[^"<>]*)"')


def _exporter_class():
    # nbconvert: 1.5 s to import, not at a render worker's start (monitor.render.worker)
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class PageExporter(HTMLExporter):
        """nbconvert's HTML exporter without its last step, which parses the whole page again with
        BeautifulSoup (two thirds of the page's time) to give an image without alt text a placeholder
        (every image here has its own: :func:`_describe` and the ``offline`` template) and to make
        each output area focusable (``tabindex="0"``: done here on the template's own markup)."""

        def from_notebook_node(self, nb, resources=None, **kw):
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter("highlight_code", self.filters.get("highlight_code",
                                                                     Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return _OUTPUT_AREA.sub(r'<div class="\1" tabindex="0"', page), resources

    return PageExporter


@functools.lru_cache(maxsize=4)
def _exporter(language: str):
    """The page exporter for ``language``, made once per process: its templates are compiled on
    first use (some 0.15 s), and a render worker makes many pages."""
    from nbconvert.preprocessors import TagRemovePreprocessor  # nbconvert: see _exporter_class

    exporter = _exporter_class()(extra_template_basedirs=[str(TEMPLATES)], template_name="offline",
                                 language_code=language)
    exporter.optimistic_validation = True  # validate the notebook once, not after each of 13 preprocessors
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    # Cells tagged "notebook-only" explain the template to a reader of the notebook, not the report.
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={_HIDDEN_TAG}), enabled=True)
    return exporter


def notebook_page(notebook, language: str | None = None) -> str:
    """:func:`to_html` of a notebook already read (an ``nbformat`` node); its metadata get the page's title.

    Raises
    ------
    RuntimeError
        The page would load something from the network (:func:`external_resources`).
    """
    language = language or _parameter(notebook, "language") or "en"
    title = _describe(notebook, language)
    if title:
        notebook.metadata["title"] = title
    page, _resources = _exporter(language if language in ("nl", "en") else "en").from_notebook_node(notebook)
    found = external_resources(page)
    if found:
        raise RuntimeError(f"HTML would load from the network: {found[:3]}")
    return page
