"""One language end to end: the validity and thesis notebooks rendered with ``language: nl``
show Dutch headings, introductions, captions and notes, and with ``en`` English, with no
sentence of the other language (issue 21, item 5)."""

from __future__ import annotations

import json
import re

import papermill
import pytest

from monitor.analyses import thesis, validity
from monitor.core.config import NOTEBOOKS_DIR
from monitor.core.texts import LANGUAGES, TEXTS, text

#: Words that mark a sentence as English or Dutch (none is a word of the other language).
MARKERS = {
    "en": {"the", "and", "of", "which", "are", "with", "each", "for", "from", "when", "that", "this", "to", "by",
           "on", "its", "their", "than", "between", "factor analysis"},
    "nl": {"de", "het", "een", "van", "en", "met", "die", "dat", "voor", "bij", "naar", "wordt", "worden", "elke",
           "uit", "niet", "hun", "tussen", "dan", "factoranalyse", "betrouwbaarheid"},
}
NOTEBOOKS = {"validity": ("validity.ipynb", {}),
             "thesis": ("collaboration_factors.ipynb", {"n_boot": 50})}
#: The sections each notebook shows, with the prefix of their catalogue keys.
SECTIONS = {
    "validity": ("val", ["title", "sample", "item_distributions", "suitability", "n_factors", "efa", "reliability",
                         "cfa", "invariance", "items_to_reconsider", "export"]),
    "thesis": ("th", ["title", "question", "sample", "structure", "descriptives", "model", "perspectives",
                      "findings", "export"]),
}


def words(sentence: str) -> list[str]:
    return re.findall(r"[a-zà-ÿ]+", sentence.lower())


def language_of(sentence: str) -> dict[str, int]:
    """How many marker words of each language ``sentence`` holds."""
    found = words(sentence)
    lowered = " ".join(found)
    return {lang: sum(found.count(m) for m in marks if " " not in m)
            + sum(lowered.count(m) for m in marks if " " in m) for lang, marks in MARKERS.items()}


def other_language(sentences: list[str], language: str) -> list[str]:
    """The sentences that read as the other language: at least two of its marker words and more
    than of ``language``'s."""
    other = next(lang for lang in LANGUAGES if lang != language)
    return [s for s in sentences
            if (count := language_of(s))[other] >= 2 and count[other] > count[language]]


def prose(markdown: str) -> list[str]:
    """The sentences of displayed Markdown a reader reads as text: headings, paragraphs, captions,
    notes and a table's header row; not code, not table cells (data: item wording, names), not
    the reference list (titles of works stay in their own language)."""
    if re.match(r"#+ (References|Literatuur)\b", markdown.strip()):
        return []
    markdown = re.sub(r"```.*?```", " ", markdown, flags=re.S)
    markdown = re.sub(r"`[^`]*`", " ", markdown)
    kept, in_table = [], False
    for line in markdown.splitlines():
        if line.startswith("|"):
            if not in_table:
                kept.append(", ".join(cell.strip() for cell in line.strip("|").split("|")))  # the header row
            in_table = True
            continue
        in_table = False
        kept.append(line)
    text_ = re.sub(r"\\(.)", r"\1", "\n".join(kept))
    return [s.strip() for s in re.split(r"(?<=[.!?:;])\s+|\n+", text_) if s.strip()]


def displayed(notebook: dict) -> list[str]:
    """Every displayed Markdown text of a rendered notebook (HTML outputs reduced to their text),
    and the notebook's own Markdown cells."""
    shown = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            shown.append("".join(cell["source"]))
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/markdown" in data:
                shown.append("".join(data["text/markdown"]))
            elif "text/html" in data:
                shown.append(re.sub(r"<[^>]+>", " ", "".join(data["text/html"])))
            assert output.get("output_type") != "error", "".join(output.get("traceback", []))[-2000:]
    return shown


@pytest.fixture(scope="module", params=[(nb, lang) for nb in NOTEBOOKS for lang in LANGUAGES],
                ids=lambda p: f"{p[0]}-{p[1]}")
def rendered(request, tmp_path_factory):
    name, language = request.param
    file, extra = NOTEBOOKS[name]
    folder = tmp_path_factory.mktemp(f"{name}_{language}")
    out = folder / file
    papermill.execute_notebook(str(NOTEBOOKS_DIR / file), str(out), kernel_name="samenwerkingsmonitor",
                               progress_bar=False, cwd=str(folder),
                               parameters={"language": language, "output_dir": str(folder / "tables"), **extra})
    return name, language, folder, json.loads(out.read_text(encoding="utf-8"))


def test_the_sentence_markers_tell_the_languages_apart():
    assert other_language(["De schaal meet het vertrouwen van de respondenten."], "en")
    assert other_language(["The scale measures the trust of the respondents."], "nl")
    assert not other_language(["Mejres, Van Erve & Van Veenendaal: which factors shape the collaboration?"], "en")
    assert prose("## Literatuur\n\nBartlett, M. S. (1950). Tests of significance in factor analysis.") == []
    assert prose("*Caption*\n\n| a | the text of the item |\n|--|--|\n| x | the data of the row |") == [
        "*Caption*", "a, the text of the item"]


@pytest.mark.parametrize("name", list(SECTIONS))
def test_every_section_text_exists_in_both_languages(name):
    prefix, sections = SECTIONS[name]
    module = {"validity": validity, "thesis": thesis}[name]
    for section in sections:
        for kind in ("head", "intro"):
            key = f"{prefix}_{kind}_{section}"
            assert set(TEXTS[key]) == set(LANGUAGES), key
            assert not other_language(prose(TEXTS[key]["en"]), "en"), key
            assert not other_language(prose(TEXTS[key]["nl"]), "nl"), key
        heading, intro = module.section(section, "nl")
        assert heading.words == text(f"{prefix}_head_{section}", "nl") and intro.data


@pytest.mark.parametrize("name", list(SECTIONS))
def test_the_notebooks_hold_no_fixed_prose(name):
    """Headings and introductions come from the catalogue: no Markdown cell of fixed words."""
    file, _ = NOTEBOOKS[name]
    cells = json.loads((NOTEBOOKS_DIR / file).read_text(encoding="utf-8"))["cells"]
    fixed = [s for c in cells if c["cell_type"] == "markdown" for s in prose("".join(c["source"])) if words(s)]
    assert not fixed
    shown = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    prefix, sections = SECTIONS[name]
    module = "validity" if prefix == "val" else "thesis"
    assert all(f"{module}.section('{s}', language)" in shown for s in sections)


@pytest.mark.slow
def test_a_rendered_notebook_speaks_one_language(rendered):
    name, language, folder, notebook = rendered
    shown = displayed(notebook)
    sentences = [s for block in shown for s in prose(block)]
    assert len(sentences) > 40
    assert other_language(sentences, language) == []
    # Every heading and introduction is there in the notebook's language, none in the other.
    other = next(lang for lang in LANGUAGES if lang != language)
    joined = "\n".join(shown)
    prefix, sections = SECTIONS[name]
    for section in sections:
        heading = TEXTS[f"{prefix}_head_{section}"]
        assert heading[language] in joined.replace("\\", "")
        intro = TEXTS[f"{prefix}_intro_{section}"]
        first = intro[language].split("\n")[0][:60]
        assert first in joined and intro[other].split("\n")[0][:60] not in joined
    # The exported tables carry captions and headers in the language too.
    exported = {p.name: p.read_text(encoding="utf-8") for p in (folder / "tables").glob("*.md")}
    assert exported
    table_word = text("apa_table", language)
    for file, content in exported.items():
        assert content.startswith(f"**{table_word} "), file
        assert other_language(prose(content), language) == [], file
    if name == "validity":
        reliability = exported["reliability.md"]
        assert text("validity_col_ci_low", language).replace("-", "\\-") in reliability
        assert ("schaal" if language == "nl" else "scale") in reliability.lower()
