"""The published pages around the reports: the index of a wave and the HTML document itself.

The index lists every report in the render's language with n, the trust index, its change and
links to HTML and PDF, sorts by a few lines of inline script (nothing loaded); the HTML page of
a notebook has the report's language and title, alt text on every image and print rules.
"""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

import nbformat
import pytest

from monitor.render.html import external_resources, to_html
from monitor.render.index import index_summary, write_index
from monitor.render.jobs import Result
from monitor.render.plan import check_formats
from monitor.reports.model import Column, Label, RegionReport, Section, Table

PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000" "1f15c4890000000d49444154789c6360f8ff3f0005fe02fea7d6a4"
    "5a0000000049454e44ae426082")).decode()


class Page(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags, self.cells, self._cell = [], [], None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _results() -> list[Result]:
    return [
        Result("regio-noord", "Regio Noord", "region", True, 61.6,
               outputs={"ipynb": "regio-noord.ipynb", "html": "regio-noord.html", "pdf": "regio-noord.pdf",
                        "json": "regio-noord.json"},
               summary={"n": 1234, "trust": 3.456, "change": -0.125}),
        Result("regio-zuid", "Regio Zuid", "region", False, 2.4, "ValueError: kapot", summary={"n": None}),
        Result("validity", "Questionnaire validity", "validity", True, 12.5,
               outputs={"ipynb": "validity.ipynb", "html": "validity.html"}),
    ]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_index_lists_every_report_with_its_figures_and_files(tmp_path, language):
    page = write_index(_results(), tmp_path, 2026, language).read_text(encoding="utf-8")
    parsed = Page(page)
    assert f'<html lang="{language}">' in page
    heads = {"nl": ["Rapportage", "Soort", "n", "Vertrouwensindex", "Verandering", "Webpagina", "PDF", "Gegevens",
                    "Status", "Rekentijd"],
             "en": ["Report", "Kind", "n", "Trust index", "Change", "Web page", "PDF", "Data", "Status",
                    "Render time"]}[language]
    assert parsed.cells[:10] == heads
    rows = [parsed.cells[i:i + 10] for i in range(10, len(parsed.cells), 10)]
    validity, noord, zuid = rows  # validity first, then the regions by name
    assert validity[0] == {"nl": "Validiteit van de vragenlijst", "en": "Questionnaire validity"}[language]
    if language == "nl":
        assert noord[:5] == ["Regio Noord", "Regiorapportage", "1.234", "3,46", "−0,12"]
        assert zuid[2:5] == ["–", "–", "–"] and zuid[8] == "mislukt: ValueError: kapot"
    else:
        assert noord[:5] == ["Regio Noord", "Region report", "1,234", "3.46", "−0.12"]
    assert noord[9] == "62 s" and validity[9] == "12 s"  # whole seconds
    links = [a["href"] for t, a in parsed.tags if t == "a"]
    assert {"regio-noord.html", "regio-noord.pdf", "regio-noord.json", "validity.html"} <= set(links)
    sort_keys = re.findall(r'data-sort="([^"]*)"', page)
    assert "1234" in sort_keys and "3.456" in sort_keys and "-0.125" in sort_keys  # numbers sort as numbers
    assert external_resources(page) == [] and "<script>" in page and "src=" not in page
    assert [t for t, _ in parsed.tags if t == "button"] and all(a.get("scope") == "col" for t, a in parsed.tags
                                                                 if t == "th")


def test_index_keeps_earlier_reports_and_their_figures(tmp_path):
    write_index(_results(), tmp_path, 2026)
    again = Result("regio-noord", "Regio Noord", "region", False, 1.0, "RuntimeError: weg")
    page = write_index([again], tmp_path, 2026).read_text(encoding="utf-8")
    cells = Page(page).cells
    row = cells[cells.index("Regio Noord"):][:10]
    assert row[2:5] == ["1.234", "3,46", "−0,12"] and 'href="regio-noord.pdf"' in page
    assert row[8] == "mislukt: RuntimeError: weg"
    assert "Regio Zuid" in cells  # rendering one region keeps the others listed


def test_index_summary_takes_the_published_numbers():
    summary = Table("summary", [Column("col_theme", "label"), Column("col_mean", "mean"), Column("n", "count")],
                    [[Label("measure", "trust_index"), 3.5, 120], [Label("measure", "communicatie"), 3.1, 118]])
    trends = Table("trends", [Column("col_theme", "label"), Column("col_change", "signed")],
                   [[Label("measure", "communicatie"), 0.3], [Label("measure", "trust_index"), -0.2]])
    report = RegionReport("R", 2026, [2025, 2026], 120, False, 5, 10, {}, [
        Section("summary", tables=[summary]), Section("trends", tables=[trends])])
    assert index_summary(report) == {"n": 120, "trust": 3.5, "change": -0.2}
    hidden = RegionReport("R", 2026, [2026], 3, True, 5, 10, {}, [Section("small")])
    assert index_summary(hidden) == {"n": None, "trust": None, "change": None}


def test_formats_are_checked():
    assert check_formats("html,pdf") == ("html", "pdf") == check_formats(["pdf", "html"])
    assert check_formats("pdf") == ("pdf",)
    for bad in ("docx", "", "html,,xml"):
        with pytest.raises(ValueError, match="format must be one or more of html, pdf"):
            check_formats(bad)


def _notebook(tmp_path, language: str | None):
    nb = nbformat.v4.new_notebook()
    explain = nbformat.v4.new_markdown_cell("# How this template works")
    explain.metadata["tags"] = ["notebook-only"]
    parameters = nbformat.v4.new_code_cell(f"language = {language!r}" if language else "x = 1")
    parameters.metadata["tags"] = ["injected-parameters"]
    title = nbformat.v4.new_code_cell("show_title()")
    title.outputs = [nbformat.v4.new_output("display_data", data={
        "text/html": "<h1>Samenwerkingsmonitor Regio &lt;Noord&gt; — meting 2026</h1>"})]
    figure = nbformat.v4.new_code_cell("plot()")
    figure.outputs = [nbformat.v4.new_output("display_data", data={
        "text/html": "<h2>Themaprofiel</h2><table><tr><th scope=\"col\">Thema</th></tr></table>"}),
        nbformat.v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})]
    nb.cells = [explain, parameters, title, figure]
    path = tmp_path / "report.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("language", ["nl", "en"])
def test_html_document_has_language_title_alt_text_and_print_rules(tmp_path, language):
    page = to_html(_notebook(tmp_path, language))
    assert f'<html lang="{language}">' in page
    assert "<title>Samenwerkingsmonitor Regio &lt;Noord&gt; — meting 2026</title>" in page
    assert "No description has been provided" not in page and "How this template works" not in page
    images = [a for t, a in Page(page).tags if t == "img"]
    alt = {"nl": "Figuur bij: Themaprofiel", "en": "Figure for: Themaprofiel"}[language]
    assert images and all(a.get("alt") == alt for a in images)
    for rule in ("@page { size: A4", "break-after: avoid", "break-inside: avoid", "thead { display: table-header-group",
                 "overflow-wrap: anywhere", "max-width: 100%"):
        assert rule in page, rule
    assert external_resources(page) == []


def test_html_language_follows_the_argument_then_the_parameter(tmp_path):
    path = _notebook(tmp_path, None)
    assert '<html lang="en">' in to_html(path) and '<html lang="nl">' in to_html(path, "nl")


def test_render_refuses_an_unknown_format_in_one_line(tmp_path, capsys):
    from monitor.cli import main

    assert main(["render", "--format", "html,docx", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "format must be one or more of html, pdf" in err and "docx" in err
    assert not any(tmp_path.iterdir())  # refused before any work
