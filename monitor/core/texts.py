"""Texts in Dutch and English: the catalogue's words filled in, numbers formatted per language.

The words themselves are in :mod:`monitor.core.catalogue`; questionnaire wording (items,
scales, answer labels) lives in the instrument file.
"""

from __future__ import annotations

__all__ = ["text", "number", "plural", "dutch", "check_language", "LANGUAGES", "TEXTS"]

from .catalogue import TEXTS

#: The languages of every text, report and notebook.
LANGUAGES = ("nl", "en")


def check_language(language: str) -> str:
    """``language`` when it is one of :data:`LANGUAGES`, else a one-line ``ValueError``.

    >>> check_language("nl")
    'nl'
    """
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    return language

class _Number(float):
    """A float that formats for its language (Dutch: decimal comma, point between thousands)
    and never as a negative zero: ``-0.001`` with ``.2f`` is ``0.00``, not ``-0.00``."""

    language = "en"

    def __format__(self, spec: str) -> str:
        return _format_number(float(self), spec, self.language)


class _DutchNumber(_Number):
    language = "nl"


class _Count(int):
    """An int that formats for its language, and with a plural spec picks the words:
    ``{n:~# thema|# thema's}`` gives ``1 thema`` / ``3 thema's`` (``#`` is the number), and
    with three forms the first is for zero: ``{n:~geen cellen|# cel|# cellen}``."""

    language = "en"

    def __format__(self, spec: str) -> str:
        if spec.startswith("~"):
            forms = spec[1:].split("|")
            if len(forms) not in (2, 3):
                raise ValueError(f"a plural spec has two or three forms, not {spec!r}")
            n = int(self)
            form = forms[0] if len(forms) == 3 and n == 0 else forms[-2] if n == 1 else forms[-1]
            return form.replace("#", _format_number(n, ",d", self.language))
        return _format_number(int(self), spec, self.language)


class _DutchCount(_Count):
    language = "nl"



def _format_number(value, spec: str, language: str) -> str:
    formatted = format(value, spec)
    if formatted[:1] in "-+" and not any(ch in "123456789" for ch in formatted):
        formatted = formatted[1:]  # a value that rounds to zero has no sign
    return dutch(formatted) if language == "nl" else formatted


def dutch(formatted: str) -> str:
    """Swap the separators of a formatted number: ``1,234.5`` becomes ``1.234,5``."""
    return formatted.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def number(value: float, spec: str = ".2f", language: str = "en") -> str:
    """Format a number for ``language`` (Dutch: decimal comma); missing as an en dash; a value
    that rounds to zero never shows a sign.

    >>> number(-0.001, "+.2f", "nl"), number(1234.5, ",.1f", "nl"), number(float("nan"))
    ('0,00', '1.234,5', '–')
    """
    if value is None or value != value:
        return "–"
    return _format_number(value, spec, language)


def plural(n: int, forms: str, language: str = "en") -> str:
    """``forms`` as in a template's plural spec, for ``n``.

    >>> plural(1, "# thema|# thema's", "nl"), plural(0, "geen cellen|# cel|# cellen", "nl")
    ('1 thema', 'geen cellen')
    """
    return format((_DutchCount if language == "nl" else _Count)(n), "~" + forms)


def text(key: str, language: str = "en", **values) -> str:
    """The text ``key`` in ``language``, filled in with ``values``: numbers formatted for the
    language (Dutch decimal comma, no negative zero), counts with plural forms (``_Count``)."""
    check_language(language)
    try:
        template = TEXTS[key][language]
    except KeyError as exc:
        raise KeyError(f"no text {key!r}") from exc
    number_type, count_type = (_DutchNumber, _DutchCount) if language == "nl" else (_Number, _Count)
    values = {k: number_type(v) if isinstance(v, float) else
              count_type(v) if isinstance(v, int) and not isinstance(v, bool) else v
              for k, v in values.items()}
    return template.format(**values)
