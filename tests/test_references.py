"""The reference list: every key in use exists, every entry renders, APA order, safe Markdown."""

from __future__ import annotations

import importlib
import pkgutil
from html.parser import HTMLParser

import pytest

import monitor
from monitor.analyses.references import REFERENCES, format_reference, reference_keys, reference_list


def keys_in_use() -> dict[str, tuple[str, ...]]:
    """Every ``REFERENCES`` / ``REFERENCE_KEYS`` tuple a module of :mod:`monitor` declares (the
    notebooks' lists)."""
    found = {}
    for info in pkgutil.walk_packages(monitor.__path__, "monitor."):
        leaf = info.name.rsplit(".", 1)[-1]
        if leaf == "references" or leaf.startswith("_"):  # __main__ would run the command line
            continue
        module = importlib.import_module(info.name)
        for attribute in ("REFERENCES", "REFERENCE_KEYS"):
            keys = getattr(module, attribute, None)
            if isinstance(keys, (tuple, list)):
                found[f"{leaf}.{attribute}"] = tuple(keys)
    return found


def test_every_key_in_use_exists_and_the_thesis_cites_its_sources():
    in_use = keys_in_use()
    assert "thesis.REFERENCES" in in_use
    for module, keys in in_use.items():
        assert set(keys) <= set(REFERENCES), (module, sorted(set(keys) - set(REFERENCES)))
    assert {"mejres_thesis", "psych", "lavaan"} <= set(in_use["thesis.REFERENCES"])


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_entry_renders(language):
    for key in reference_keys():
        entry = format_reference(key, language)
        assert entry.startswith(REFERENCES[key].authors.split(",")[0]) and "{" not in entry, key
        assert "*" in entry, key  # a title or a journal in italics


def test_thesis_entry_and_language_words():
    nl, en = format_reference("mejres_thesis", "nl"), format_reference("mejres_thesis", "en")
    assert nl.startswith("Mejres, R\\., van Erve, P\\. C\\., &amp; van Veenendaal, J\\. M\\. \\(z\\.d\\.\\)\\. ")
    assert "*Laveren binnen het Constructief Conflict\\: De samenwerkingsdynamiek" in nl
    assert nl.endswith("\\[Masterthesis, Modulaire Executive MBA\\]\\.")
    assert "\\(n\\.d\\.\\)" in en and "\\[Master's thesis, Modulaire Executive MBA\\]" in en
    assert "*Journal of Statistical Software, 48*\\(2\\), 1–36\\." in format_reference("lavaan", "en")


def test_list_is_sorted_by_surname_with_heading_and_each_key_once():
    text = reference_list(["psych", "cronbach1951", "mejres_thesis", "lavaan", "psych"], "nl")
    paragraphs = text.strip().split("\n\n")
    assert paragraphs[0] == "## Literatuur"
    assert [p.split(",")[0] for p in paragraphs[1:]] == ["Cronbach", "Mejres", "Revelle", "Rosseel"]
    assert reference_list(["lavaan"], "en").startswith("## References\n\n")
    with pytest.raises(ValueError, match="unknown reference"):
        reference_list(["nobody2099"])
    with pytest.raises(ValueError, match="language must be one of"):
        reference_list(["lavaan"], "de")


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag == "a":
            self.links.append(dict(attrs).get("href", ""))


def test_markdown_forms_no_link_or_markup_beyond_heading_and_italics():
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    parser = Tags()
    parser.feed(markdown2html_mistune(reference_list(reference_keys(), "en")))
    assert parser.tags <= {"h2", "p", "em", "a"}, parser.tags
    assert parser.links == ["#References"]  # only the heading's own anchor (nbconvert), no link from an entry


def test_citation_file_and_licence_match_the_package():
    import tomllib

    import yaml

    from monitor.core.config import PROJECT_ROOT

    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    citation = yaml.safe_load((PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0" and citation["version"] == project["version"]
    assert citation["license"] == project["license"]["text"] == "MIT"
    assert citation["authors"] == [{"name": "Samenwerkingsmonitor contributors"}]
    thesis = next(r for r in citation["references"] if r["type"] == "thesis")
    assert thesis["title"].startswith("Laveren binnen het Constructief Conflict")
    assert [a["family-names"] for a in thesis["authors"]] == ["Mejres", "Erve", "Veenendaal"]
    licence = (PROJECT_ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License\n\nCopyright (c) 2026 Samenwerkingsmonitor contributors\n")
