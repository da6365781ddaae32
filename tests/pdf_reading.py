"""Reading a PDF report back for the tests: its tagged structure, text per element and geometry.

Typst writes a tagged PDF: every paragraph, heading, table cell and figure is a structure
element whose marked content (``mcid``) points at its characters. Reading text per element
(not per page line) keeps a table cell's wrapped text together instead of interleaving it
with the next column's, so a test can ask whether a name reads back whole.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

A4 = (595.276, 841.89)  # points
MM = 72 / 25.4
MARGIN = 20 * MM  # the template's left and right margin (the cover has 25 mm)
FOOTER = 20 * MM
BLOCKS = {"P", "TD", "TH", "LBody", "H1", "H2", "H3", "Caption", "Lbl"}


@dataclass
class Element:
    type: str
    page: int
    text: str
    chars: list = field(default_factory=list)
    alt: str | None = None
    attributes: dict = field(default_factory=dict)
    children: list[str] = field(default_factory=list)


def _mcids(node: dict) -> list[int]:
    found = list(node.get("mcids") or [])
    for child in node.get("children", []):
        found += _mcids(child)
    return found


def _attributed(chars: list[dict]) -> list[dict]:
    """The page's characters, those that Typst left untagged given to the text they belong to.

    Typst 0.14 leaves some characters untagged: a hyphenation hyphen, and after a hyphen at
    times the rest of that line. In content order such a character lies between tagged ones;
    it belongs to the neighbour it continues on the same line (no wider gap than a space), else
    to the nearer of the two lines above and below. Running headers and footers (artifacts, far
    from any text) stay untagged.
    """
    tagged = [i for i, c in enumerate(chars) if c.get("mcid") is not None]
    out = list(chars)
    for i, char in enumerate(chars):
        if char.get("mcid") is not None:
            continue
        k = bisect.bisect(tagged, i)
        before = chars[tagged[k - 1]] if k else None
        after = chars[tagged[k]] if k < len(tagged) else None
        owner = before if _adjacent(char, before) else after if _adjacent(char, after) else \
            min((before, after), key=lambda other: _distance(char, other))
        if owner is not None and _distance(char, owner) < 2.5 * char["size"]:
            out[i] = {**char, "mcid": owner["mcid"]}
    return out


def _adjacent(char: dict, other: dict | None) -> bool:
    """On the same line, no further apart than a space."""
    return other is not None and abs(other["top"] - char["top"]) < 0.5 * char["size"] and \
        min(abs(char["x0"] - other["x1"]), abs(other["x0"] - char["x1"])) < 0.6 * char["size"]


def _distance(char: dict, other: dict | None) -> float:
    return abs(other["top"] - char["top"]) if other is not None else float("inf")


def elements(pdf: pdfplumber.PDF, types: set[str] | None = None) -> list[Element]:
    """The structure elements of every page (in document order) with their text and characters.

    A block element (paragraph, cell, heading) gathers the characters of everything inside it;
    ``types`` selects which elements are returned (default: blocks, rows, figures, tables).
    """
    wanted = types or (BLOCKS | {"TR", "Figure", "Table"})
    out: list[Element] = []
    for number, page in enumerate(pdf.pages):
        by_mcid: dict[int, list[dict]] = {}
        for char in _attributed(page.chars):
            by_mcid.setdefault(char.get("mcid"), []).append(char)
        for node in page.structure_tree:
            _walk(node, number, by_mcid, wanted, out)
    return out


def _walk(node: dict, number: int, by_mcid: dict, wanted: set[str], out: list[Element]) -> None:
    kind = node.get("type")
    if kind in wanted:
        chars = [c for m in sorted(_mcids(node)) for c in by_mcid.get(m, [])]
        out.append(Element(kind, number, "".join(c["text"] for c in chars), chars, node.get("alt_text"),
                           node.get("attributes") or {}, [c.get("type") for c in node.get("children", [])]))
    if kind not in BLOCKS:
        for child in node.get("children", []):
            _walk(child, number, by_mcid, wanted, out)


def squeeze(text: str) -> str:
    """Text as a comparison sees it: no whitespace, no invisible or control characters, no
    hyphens (Typst hyphenates at line ends), Unicode-normalised (NFC)."""
    kept = "".join(ch for ch in unicodedata.normalize("NFC", text)
                   if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp", "Zs", "Co", "Cn")
                   and ch not in "-\u00ad\u2010\u2011\ufffd")
    return re.sub(r"\s+", "", kept)


def assert_inside_and_apart(page) -> None:
    """Every character lies within the text block, and no two overlap on a line: a table
    wider than the block, or a cell whose text runs into the next, fails here."""
    chars = [c for c in page.chars if c["text"].strip()]
    assert chars
    outside = [c["text"] for c in chars if c["x0"] < MARGIN - 1 or c["x1"] > page.width - MARGIN + 1]
    assert not outside, f"page {page.page_number}: {''.join(outside)[:60]!r} outside the text block"
    edges = [e for e in page.edges if e["orientation"] == "h"]
    assert all(e["x0"] >= MARGIN - 1 and e["x1"] <= page.width - MARGIN + 1 for e in edges)
    lines: dict[int, list] = {}
    for char in chars:  # combining marks are drawn over their letter by design: not an overlap
        if not char["text"].startswith("(cid:") and not any(unicodedata.category(ch) == "Mn" for ch in char["text"]):
            lines.setdefault(round(char["top"]), []).append(char)
    for line in lines.values():
        line.sort(key=lambda c: c["x0"])
        for a, b in zip(line, line[1:], strict=False):
            if a.get("mcid") != b.get("mcid"):  # characters of one text may touch (kerning)
                assert a["x1"] <= b["x0"] + 1.0, f"page {page.page_number}: {a['text']!r} runs into {b['text']!r}"


@functools.cache
def printable() -> frozenset[str]:
    """The characters the PDF's fonts (monitor.reports.pdf.FONT_DIRS) have a glyph for. Others are drawn
    as a missing-glyph box, whose text a PDF carries only as one shared code: not readable back."""
    from fontTools.ttLib import TTFont

    from monitor.reports.pdf import _font_dirs

    found: set[int] = set()
    for folder in _font_dirs():
        for path in Path(folder).glob("*.ttf"):
            if not path.name.startswith("LastResort"):  # one box per Unicode block: no glyph at all
                found |= set(TTFont(path, lazy=True).getBestCmap() or {})
    # Arabic letters join: DejaVu Sans has the isolated forms but few of the initial and medial
    # ones, which are drawn from the last-resort font, so whether a letter has a glyph depends on
    # its neighbours.
    return frozenset(chr(c) for c in found if unicodedata.bidirectional(chr(c)) != "AL")


def _shown(text: str) -> str:
    """The printable characters of ``text``, without combining marks: a PDF's text layer maps a
    glyph to one text for the whole document, so a letter drawn once with marks (the corpus's
    "Zalgo" line) reads back with those marks wherever else it is drawn."""
    keep = printable()
    return "".join(ch for ch in unicodedata.normalize("NFD", squeeze(text))
                   if unicodedata.category(ch) != "Mn" and unicodedata.normalize("NFC", ch) in keep)


def stream_text(pdf: pdfplumber.PDF) -> str:
    """The body text of every page in content order, printable and squeezed (:func:`_shown`).

    Content order keeps a table cell's wrapped lines together (Typst draws cell by cell), and a
    row or list item that goes on over a page break continues where it stopped; running headers
    and footers are left out, and so are repeated table headers (untagged, just above the rule
    under a table header).
    """
    parts = []
    for page in pdf.pages:
        rules = [e["top"] for e in page.edges if e["orientation"] == "h" and e.get("linewidth", 0) > 0.6]
        for char in page.chars:
            if char["top"] < 22 * MM - 8 or char["top"] > page.height - FOOTER + 5:  # header, footer
                continue
            if char.get("mcid") is None and any(0 <= rule - char["bottom"] < 15 for rule in rules):
                continue
            parts.append(char["text"])
    return _shown("".join(parts))


def _visual(text: str) -> str:
    """``text`` with each run of right-to-left letters reversed, as a PDF stores it."""
    return re.sub(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]+", lambda m: m.group(0)[::-1], text)


def assert_reads_back(value: str, text: str) -> None:
    """``value`` reads back from the PDF's :func:`stream_text`, as written.

    Characters without a glyph are left out of both sides (:func:`printable`), and combining
    marks (:func:`_shown`); right-to-left runs are compared in visual order. A glyph drawn with combining marks may read back with codes of unmapped mark glyphs after it: a value with
    marks that does not read back whole must have its letters in order, each within a few
    characters of the one before.
    """
    wanted = _visual(_shown(value))
    if not wanted or wanted in text:
        return
    marked = any(unicodedata.category(ch) == "Mn" for ch in unicodedata.normalize("NFD", value))
    assert marked and re.search(".{0,40}?".join(map(re.escape, wanted)), text), \
        f"{value[:80]!r} does not read back from the PDF"

