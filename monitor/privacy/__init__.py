"""Keeping respondents unidentifiable: de-identification of texts, disclosure control of published figures."""
