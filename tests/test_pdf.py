"""The PDF region report (monitor.reports.pdf): A4, what it says, its layout and its accessibility tags.

The PDF is read back with pdfplumber through its tagged structure (tests/pdf_reading.py): text
per paragraph, heading and table cell, the characters' positions, the figures' alt text.
"""

from __future__ import annotations

import dataclasses
import io

import pdfplumber
import pytest

from monitor import read_responses
from monitor.core.config import DEMO_DATA
from monitor.core.escaping import escape_typst
from monitor.reports.notebook import write_pdf
from monitor.reports.pdf import document, report_pdf
from monitor.reports.prepare import prepare
from monitor.reports.present import View
from monitor.reports.wave import region_report, wave_reports

from .pdf_reading import A4, FOOTER, assert_inside_and_apart, assert_reads_back, elements, squeeze, stream_text


@pytest.fixture(scope="module")
def reports():
    prepared = prepare(waves="latest")
    return wave_reports(prepared, prepared.waves[-1])


@pytest.fixture(scope="module")
def rendered(reports):
    """The first region's report in Dutch and English: the View, its document and the PDF read back."""
    report = reports[sorted(reports)[0]]
    out = {}
    for language in ("nl", "en"):
        view = View(report, language)
        data = report_pdf(view)
        out[language] = (view, document(view), pdfplumber.open(io.BytesIO(data)), data)
    yield out
    for _, _, pdf, _ in out.values():
        pdf.close()


def test_every_page_is_a4(rendered):
    for _, _, pdf, data in rendered.values():
        assert data.startswith(b"%PDF-")
        assert len(pdf.pages) >= 8
        for page in pdf.pages:
            assert page.width == pytest.approx(A4[0], abs=0.5) and page.height == pytest.approx(A4[1], abs=0.5)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_pdf_says_what_the_report_says(rendered, language):
    view, _, pdf, _ = rendered[language]
    report = view.report
    text = stream_text(pdf)
    assert_reads_back(report.region, text)
    assert_reads_back(str(report.wave), text)
    assert pdf.doc.catalog["Lang"].decode() == language
    assert pdf.metadata["Title"] == view.t("report_title", region=report.region, wave=report.wave)
    for section in report.sections:  # every heading, sentence and table cell, worded by the View
        assert_reads_back(view.t("heading_" + section.key), text)
        for sentence in section.sentences + section.notes:
            assert_reads_back(view.sentence_text(sentence), text)
        for table in section.tables:
            for row in table.rows:
                for value, column in zip(row, table.columns, strict=True):
                    assert_reads_back(view.cell_text(value, column.kind), text)
    # The key figures: the trust index (first row of the summary table) with its n, as worded.
    summary = report.section("summary")
    index_row = summary.tables[0].rows[0]
    assert summary.sentences[0].values["index"] == index_row[1]
    shown = [view.cell_text(v, c.kind) for v, c in zip(index_row, summary.tables[0].columns, strict=True)]
    assert_reads_back("".join(shown), text)  # the whole row, cell after cell


def test_cover_contents_running_header_and_page_numbers(rendered):
    view, doc, pdf, _ = rendered["nl"]
    cover = pdf.pages[0].extract_text()
    assert view.report.region in cover and "Meting 2026" in cover and "Rapportage van" in cover
    contents = pdf.pages[1].extract_text()
    assert contents.startswith(view.t("report_title", region=view.report.region, wave=2026)[:20])
    assert "Inhoud" in contents and all(s["heading"] in contents for s in doc["sections"][:5])
    total = len(pdf.pages) - 1  # the cover is not counted
    for number, page in enumerate(pdf.pages[1:], start=1):
        words = page.extract_text().splitlines()
        assert words[0].startswith("Samenwerkingsmonitor " + view.report.region)  # running header
        assert words[-1] == f"Pagina {number} van {total}"


def test_nothing_runs_past_the_text_block_or_into_the_next_column(rendered):
    for _, _, pdf, _ in rendered.values():
        for page in pdf.pages[1:]:
            assert_inside_and_apart(page)


def test_rows_are_never_split_and_headers_repeat(rendered):
    _, doc, pdf, _ = rendered["nl"]
    tables = [b for s in doc["sections"] for b in s["blocks"] if b["type"] == "table"]
    rows = [e for e in elements(pdf, {"TR"})]
    body = [r for r in rows if "TD" in r.children]
    # A row split over two pages would be tagged on both: one more body row than the tables hold.
    assert len(body) == sum(len(t["rows"]) for t in tables)
    header_rows = [r for r in rows if r.children and set(r.children) == {"TH"}]
    assert len(header_rows) >= len(tables)  # every table's header, repeated on a page it continues on


def test_no_heading_is_stranded_at_the_bottom_of_a_page(rendered):
    for _, _, pdf, _ in rendered.values():
        for heading in elements(pdf, {"H1", "H2"}):
            page = pdf.pages[heading.page]
            bottom = max(c["bottom"] for c in heading.chars)
            below = [c for c in page.chars if c["top"] > bottom + 2 and c["bottom"] < page.height - FOOTER]
            figures = [i for i in page.images] + [r for r in page.curves if r["top"] > bottom]
            assert below or figures, f"heading {heading.text!r} is the last thing on page {heading.page + 1}"


def test_figures_are_vectors_with_alt_text_from_their_data(rendered):
    for view, doc, pdf, _ in rendered.values():
        assert all(not page.images for page in pdf.pages), "a raster image: figures must be vectors"
        expected = [b["alt"] for s in doc["sections"] for b in s["blocks"] if b["type"] == "figure"]
        assert len(expected) >= 4
        found = [e.alt for e in elements(pdf, {"Figure"})]
        assert found == expected
        profile = view.figure_alt(view.report.section("summary"))
        assert view.num(view.report.section("summary").figures[0].data["rows"][0]["mean"]) in profile


def test_table_header_cells_are_tagged_as_headers(rendered):
    _, doc, pdf, _ = rendered["nl"]
    headers = elements(pdf, {"TH"})
    assert headers and all(h.attributes.get("Scope") == "Column" for h in headers)
    first = next(b for s in doc["sections"] for b in s["blocks"] if b["type"] == "table")
    assert [squeeze(h.text) for h in headers[:len(first["header"])]] == [squeeze(h) for h in first["header"]]


def test_a_small_region_gets_its_short_pdf():
    responses = read_responses(DEMO_DATA)
    frame = responses.frame
    region = sorted(frame["region"].unique())[0]
    latest = frame["wave"] == frame["wave"].max()
    drop = frame.index[(latest & (frame["region"] == region)).to_numpy()][3:]
    small = frame.drop(index=drop).reset_index(drop=True)
    prepared = prepare(responses=dataclasses.replace(responses, frame=small), waves="latest")
    report = region_report(prepared.region(region))
    assert report.small
    view = View(report, "nl")
    with pdfplumber.open(io.BytesIO(report_pdf(view))) as pdf:
        assert_reads_back(view.sentence_text(report.section("small").sentences[0]), stream_text(pdf))
        assert all(p.width == pytest.approx(A4[0], abs=0.5) for p in pdf.pages)


def test_typst_markup_in_data_is_printed_as_written(rendered):
    view, _, _, _ = rendered["nl"]
    payload = '#set page(width: 1cm) *vet* _x_ $y$ <a> @b [c] \\d = e\n- f\n+ g ~ "h" /* i'
    assert escape_typst(payload) == payload.replace("\n", " ")  # nothing to escape: data never is markup
    report = dataclasses.replace(view.report, region=payload)
    with pdfplumber.open(io.BytesIO(report_pdf(View(report, "nl")))) as pdf:
        assert_reads_back(payload, stream_text(pdf))
        assert pdf.pages[0].width == pytest.approx(A4[0], abs=0.5)  # "#set page(width: 1cm)" did nothing
    with pytest.raises(TypeError, match="needs the notebook's report View"):
        write_pdf(object(), "/nonexistent/x.pdf")
