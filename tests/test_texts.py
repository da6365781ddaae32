"""Every text key exists in every language and reads as written by a person for 0, 1 and many.

The templates of :mod:`monitor.core.texts` are filled with counts 0, 1 and 7 (plural forms), with
numbers that round to zero (no ``-0,00``) and with ordinary numbers, in Dutch and English.
"""

from __future__ import annotations

import re
import string

import pytest

from monitor.core.texts import LANGUAGES, TEXTS, number, plural, text

#: Half-made plurals and other machine-made wording that a reader should never see.
MACHINE_WORDING = re.compile(r"\((?:s|en|'s|len|n)\)|/schalen|schaal/|cel\(|\(\w+\)s\b")
NEGATIVE_ZERO = re.compile(r"(?<![\d\w])[-−]0(?:[.,]0+)?(?![\d.,]*[1-9])")


def _fields(template: str) -> dict[str, str]:
    """Placeholder name -> format spec (the last spec seen for that name)."""
    return {name: spec or "" for _, name, spec, _ in string.Formatter().parse(template) if name}


def _value(spec: str, count: int, small: bool):
    if spec.startswith("~") or spec.endswith("d") or spec in (",",):
        return count
    if spec.endswith("f") or spec.endswith("%") or spec.endswith("e"):
        return -0.0001 if small else 3.456
    return "Gelijkwaardigheid"


def _samples(key: str):
    fields = {}
    for language in LANGUAGES:
        for name, spec in _fields(TEXTS[key][language]).items():
            if spec.startswith("~") or name not in fields:
                fields[name] = spec
    for count in (0, 1, 7):
        for small in (False, True):
            yield count, small, {name: _value(spec, count, small) for name, spec in fields.items()}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_key_exists_in_every_language_with_the_same_placeholders(key):
    assert set(TEXTS[key]) == set(LANGUAGES), f"{key}: languages {sorted(TEXTS[key])}"
    names = {language: set(_fields(TEXTS[key][language])) for language in LANGUAGES}
    assert names["nl"] == names["en"], f"{key}: placeholders differ between languages: {names}"


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_key_renders_for_zero_one_and_many(key):
    for count, small, values in _samples(key):
        for language in LANGUAGES:
            shown = text(key, language, **values)
            unfilled = [name for name in _fields(TEXTS[key][language]) if "{" + name in shown]
            assert not unfilled, f"{key} ({language}): unfilled placeholder {unfilled} in {shown!r}"
            assert not MACHINE_WORDING.search(shown), f"{key} ({language}, n={count}): {shown!r}"
            assert not NEGATIVE_ZERO.search(shown), f"{key} ({language}): negative zero in {shown!r}"
            if language == "nl" and not small:
                assert "3.46" not in shown, f"{key}: Dutch text with a decimal point: {shown!r}"


def test_plural_forms_pick_the_word_for_the_count():
    shown = [text("trend_text", "nl", rising=n, stable=1, falling=0, prev=2025, last=2026, change=0.1)
             for n in (0, 1, 2)]
    assert shown[0].startswith("Van 2025 naar 2026: geen enkel thema stijgt, 1 is stabiel en geen daalt.")
    assert shown[1].startswith("Van 2025 naar 2026: 1 thema stijgt, 1 is stabiel en geen daalt.")
    assert shown[2].startswith("Van 2025 naar 2026: 2 thema's stijgen, 1 is stabiel en geen daalt.")
    assert text("flags_text", "en", n=1).startswith("1 theme calls for attention")
    assert text("flags_text", "en", n=3).startswith("3 themes call for attention")
    assert plural(1234, "# cel|# cellen", "nl") == "1.234 cellen"


def test_numbers_never_show_a_negative_zero():
    assert number(-0.004, "+.2f", "nl") == "0,00"
    assert number(-0.004, ".2f", "en") == "0.00"
    assert number(-0.006, "+.2f", "nl") == "-0,01"
    assert text("gap_municipalities_higher", "nl", theme="X", diff=-0.001, size="klein").count("0,00") == 1
    assert "-0" not in text("gap_municipalities_higher", "nl", theme="X", diff=-0.001, size="klein")


def test_a_plural_spec_needs_two_or_three_forms():
    with pytest.raises(ValueError, match="two or three forms"):
        plural(2, "thema", "nl")


def test_a_key_means_one_thing_across_the_catalogue():
    """Each part of the catalogue owns its keys: a key defined twice would show one part's words
    where the other part meant its own (the report's "Gemiddelde" column was once shown as the
    validity notebook's "M")."""
    from monitor.core.catalogue import analyses, report, tables, thesis

    parts = {"analyses": analyses.ANALYSES_TEXTS, "validity": analyses.VALIDITY_TEXTS, "report": report.REPORT_TEXTS,
             "pdf": report.PDF_TEXTS, "thesis": thesis.THESIS_TEXTS, "tables": tables.TABLE_TEXTS,
             "references": tables.REFERENCE_TEXTS}
    seen: dict[str, str] = {}
    for part, words in parts.items():
        for key in words:
            assert key not in seen, f"{key!r} is defined in both {seen[key]} and {part}"
            seen[key] = part
    assert set(seen) == set(TEXTS)
    assert text("col_mean", "nl") == "Gemiddelde" and text("validity_col_mean", "en") == "M"


def test_one_language_check_for_every_module():
    from monitor.analyses.references import reference_list
    from monitor.analyses.tables import apa_p
    from monitor.core.texts import check_language

    for call in (lambda: check_language("de"), lambda: text("col_mean", "de"), lambda: apa_p(0.5, "de"),
                 lambda: reference_list(["psych"], "de")):
        with pytest.raises(ValueError, match=r"^language must be one of nl, en, not 'de'$"):
            call()
