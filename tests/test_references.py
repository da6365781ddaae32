"""The reference list: every key in use exists, every entry renders, APA order, safe Markdown."""

from __future__ import annotations

import importlib
import pkgutil
import re
from html.parser import HTMLParser

import pytest

import monitor
from monitor.analyses.references import REFERENCES, bibtex, format_reference, reference_keys, reference_list
from monitor.analyses.tables import LATEX_LETTERS


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


#: Fields BibTeX's standard styles require of each entry type (and author, year for all).
REQUIRED = {"article": {"title", "journal", "volume", "pages"}, "book": {"title", "publisher"},
            "manual": {"title"}, "mastersthesis": {"title", "school"},
            "inproceedings": {"title", "booktitle"}}


def parse_bibtex(source: str) -> dict[str, tuple[str, dict[str, str]]]:
    """A small BibTeX reader: ``@type{key, name = {value}, ...}`` with balanced braces; fails on
    anything else (text between entries, an unbalanced brace, a key twice)."""
    entries, position = {}, 0
    for match in re.finditer(r"@(\w+)\{([A-Za-z0-9_:-]+),\n", source):
        assert not source[position:match.start()].strip(), source[position:match.start()]
        depth, end = 1, match.end()
        while depth:
            assert end < len(source), f"unbalanced braces in {match.group(2)}"
            depth += {"{": 1, "}": -1}.get(source[end], 0) if source[end - 1] != "\\" else 0
            end += 1
        body = source[match.end():end - 1]
        fields = {}
        for line in body.splitlines():
            name, value = re.fullmatch(r"  (\w+) = \{(.*)\},", line).groups()
            assert value.count("{") == value.count("}"), (match.group(2), name)
            fields[name] = value
        assert match.group(2) not in entries
        entries[match.group(2)] = (match.group(1), fields)
        position = end
    assert not source[position:].strip()
    return entries


@pytest.mark.parametrize("language", ["nl", "en"])
def test_bibtex_has_one_valid_entry_per_key_with_the_list_data(language):
    source = bibtex([*reference_keys(), "lavaan"], language)
    entries = parse_bibtex(source)
    assert list(entries) == reference_keys()  # each key once, in reference-list order
    assert {ch for ch in source if not ch.isascii() and ch not in LATEX_LETTERS} == set()
    for key, (kind, fields) in entries.items():
        ref = REFERENCES[key]
        assert kind in REQUIRED and REQUIRED[kind] | {"author", "year"} <= set(fields), key
        assert fields["title"].startswith("{") and fields["title"].endswith("}")  # sentence case kept
        assert fields.get("doi", "") == ref.doi and fields.get("url", "") == ref.url, key
        assert "–" not in fields.get("pages", "") and (ref.year in fields["year"] or "{" in ref.year), key
        entry = format_reference(key, language)
        for field in ("journal", "publisher", "school"):
            if field in fields:
                assert fields[field].replace("\\&", "&") in entry.replace("\\", ""), (key, field)
    assert entries["lavaan"][1]["pages"] == "1--36" and entries["lavaan"][1]["volume"] == "48"
    assert entries["hu_bentler1999"][1]["author"] == "Hu, L. and Bentler, P. M."
    assert entries["r_core"][1]["author"] == "{R Core Team}"  # a group, not a surname "Team"
    assert entries["mejres_thesis"][1]["year"] == ("z.d." if language == "nl" else "n.d.")
    assert "$\\alpha$" in entries["zinbarg2005"][1]["title"]
    with pytest.raises(ValueError, match="unknown reference"):
        bibtex(["nobody2099"])
