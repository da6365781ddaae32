"""Names from data (regions, organisations, functions, municipalities) as a reader may see them.

A name typed into a survey platform or a spreadsheet reaches page titles, file names, the index
and the sidecars. :func:`clean_name` removes what no reader should get from it: control
characters and the invisible characters that reorder or hide text (bidi overrides and isolates,
zero-width characters), which can make a title read otherwise than it is stored ("Trojan
Source", Boucher & Anderson 2021). :func:`name_key` folds a name to the form under which
spellings of one name are the same: case, accents, punctuation and spacing.

References
----------
Boucher, N., & Anderson, R. (2021). Trojan Source: Invisible Vulnerabilities. arXiv:2111.00169.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["clean_name", "name_key", "INVISIBLE"]

#: Characters removed from a name: C0 and C1 controls and DEL, the bidi marks, embeddings,
#: overrides and isolates (U+200E/F, U+202A-E, U+2066-9, U+061C), zero-width characters
#: (U+200B-D, U+2060, U+FEFF) and the soft hyphen.
INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"\s+")


def clean_name(value: str) -> str:
    """A name without control and invisible characters, its white space single and trimmed.

    A tab or line break becomes a space; other controls, bidi overrides and zero-width
    characters are dropped, so a right-to-left override cannot turn ``Regio Noord`` round in
    a title.

    >>> clean_name("Regio \\u202eDROON\\u202c  Noord\\t")
    'Regio DROON Noord'
    >>> clean_name("Ge\\u200bmeente\\x00 Oss")
    'Gemeente Oss'
    """
    text = _SPACES.sub(" ", str(value))
    return INVISIBLE.sub("", text).strip()


def name_key(value: str) -> str:
    """The form under which two spellings are one name: without case, accents, punctuation and
    extra spaces (after :func:`clean_name`).

    >>> name_key("  Regio  HOOG-Heidezoom ") == name_key("regio hoog-heidezoom") == name_key("Régio Hoog-Heidezoom")
    True
    >>> name_key("Regio Hoog Heidezoom") == name_key("Regio Hoog-Heidezoom")  # a space more: near, not one
    False
    """
    text = unicodedata.normalize("NFKD", clean_name(value).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch) and not unicodedata.category(ch).startswith("P"))
    return " ".join(text.split())
