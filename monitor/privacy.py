"""Keeping respondents unidentifiable: scrubbing open answers of personal details.

Open answers are only ever shown in aggregate (for groups of at least
``min_comment_group_size``), and before that e-mail addresses, phone numbers and names of
persons are replaced by placeholders. Names are found without a language model: a known
Dutch first name, or a capitalised word pair (with an optional tussenvoegsel such as "van
der") that does not start a sentence. This errs on the side of removing too much.
"""

from __future__ import annotations

import re

__all__ = ["scrub_text", "PLACEHOLDERS"]

PLACEHOLDERS = {"email": "[e-mail]", "phone": "[telefoonnummer]", "name": "[naam]"}

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Dutch numbers: 06-12345678, 06 1234 5678, 0612345678, +31 6 12345678, 010-1234567, 0031...
_PHONE = re.compile(r"(?<![\w])(?:\+31|0031|0)[\s-]?(?:\d[\s-]?){8,10}(?!\w)")
_FIRST_NAMES = {
    "jan", "piet", "pieter", "kees", "henk", "sanne", "lotte", "anouk", "daan", "eva", "bram", "joost", "ingrid",
    "yara", "naima", "fatima", "mohammed", "mohamed", "ahmed", "emma", "sophie", "julia", "lisa", "anna", "sara",
    "thomas", "lucas", "sem", "noah", "finn", "mark", "peter", "willem", "johan", "marieke", "linda", "monique",
    "ellen", "karin", "petra", "wim", "gerrit", "hans", "ruud", "erik", "martijn", "jeroen", "sander", "bas",
}
_TUSSEN = r"(?:van der|van den|van de|van|de|der|den|ter|ten|el|al)"
_CAP = r"[A-ZÀ-Ý][a-zà-ÿ'-]+"
_PAIR = re.compile(rf"(?<![.!?]\s)(?<!^)\b{_CAP}(?:\s{_TUSSEN})?\s{_CAP}\b")
_FIRST = re.compile(r"\b([A-ZÀ-Ý][a-zà-ÿ]+)((?:\s" + _TUSSEN + r")?\s" + _CAP + r")?\b")


def scrub_text(answer: str) -> str:
    """Replace e-mail addresses, phone numbers and names of persons in an open answer.

    Examples
    --------
    >>> scrub_text("Bel Jan de Vries op 06-12345678 of mail j.devries@voorbeeld.nl.")
    'Bel [naam] op [telefoonnummer] of mail [e-mail].'
    >>> scrub_text("Het regionale overleg verloopt constructief.")
    'Het regionale overleg verloopt constructief.'
    """
    text = _EMAIL.sub(PLACEHOLDERS["email"], answer)
    text = _PHONE.sub(PLACEHOLDERS["phone"], text)

    def first_name(match: re.Match) -> str:
        return PLACEHOLDERS["name"] if match.group(1).lower() in _FIRST_NAMES else match.group(0)

    text = _FIRST.sub(first_name, text)
    return _PAIR.sub(PLACEHOLDERS["name"], text)
