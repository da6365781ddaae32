"""The text catalogue: every word the notebooks and reports print, in Dutch and English.

One module per audience; :data:`TEXTS` joins them. A key means one thing across the catalogue
(``tests/test_texts.py`` checks that no two parts define it). Questionnaire wording (items, scales, answer labels) lives in the instrument file.
"""

from __future__ import annotations

from .analyses import ANALYSES_TEXTS, VALIDITY_TEXTS
from .report import PDF_TEXTS, REPORT_TEXTS
from .tables import HEADERS, MISSING, REFERENCE_TEXTS, TABLE_TEXTS
from .thesis import THESIS_TEXTS

__all__ = ["TEXTS", "HEADERS", "MISSING"]

TEXTS: dict[str, dict[str, str]] = {}
for _part in (ANALYSES_TEXTS, REPORT_TEXTS, PDF_TEXTS, THESIS_TEXTS, VALIDITY_TEXTS, TABLE_TEXTS, REFERENCE_TEXTS):
    TEXTS.update(_part)
del _part
