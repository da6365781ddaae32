"""The words of exported tables (APA captions, notes, column headers) and of the reference list."""

from __future__ import annotations

__all__ = ["TABLE_TEXTS", "REFERENCE_TEXTS", "HEADERS", "MISSING"]

#: The missing-value mark in a formatted table (explained in the note).
MISSING = "—"

#: Words of an exported table (``apa_*``); keys of :func:`monitor.core.texts.text`.
TABLE_TEXTS: dict[str, dict[str, str]] = {
    "apa_table": {"en": "Table", "nl": "Tabel"},
    "apa_note": {"en": "Note.", "nl": "Noot."},
    "apa_yes": {"en": "yes", "nl": "ja"},
    "apa_no": {"en": "no", "nl": "nee"},
    "apa_continued": {"en": "continued", "nl": "vervolg"},
    "apa_missing": {"en": f"{MISSING} = not applicable or not available.",
                      "nl": f"{MISSING} = niet van toepassing of niet beschikbaar."},
}

#: Words of the reference list that differ per language (APA 7 in Dutch uses "z.d." and
#: "Computersoftware"); ``ref_<term>`` fills the ``{term}`` placeholders of an entry.
REFERENCE_TEXTS: dict[str, dict[str, str]] = {
    "ref_heading": {"en": "References", "nl": "Literatuur"},
    "ref_nd": {"en": "n.d.", "nl": "z.d."},
    "ref_masters": {"en": "Master's thesis", "nl": "Masterthesis"},
    "ref_software": {"en": "Computer software", "nl": "Computersoftware"},
    "ref_r_package": {"en": "R package version", "nl": "R-pakket versie"},
    "ref_version": {"en": "Version", "nl": "Versie"},
}

#: Column headers of the statistics tables, in APA notation (symbols italic in print, here plain).
HEADERS: dict[str, dict[str, str]] = {
    "M": {"en": "M", "nl": "M"}, "SD": {"en": "SD", "nl": "SD"}, "mean": {"en": "M", "nl": "M"},
    "sd": {"en": "SD", "nl": "SD"}, "beta": {"en": "β", "nl": "β"}, "se": {"en": "SE", "nl": "SE"},
    "z": {"en": "z", "nl": "z"}, "t": {"en": "t", "nl": "t"}, "p": {"en": "p", "nl": "p"},
    "p_value": {"en": "p", "nl": "p"}, "ci_low": {"en": "95% CI lower", "nl": "95%-BI onder"},
    "ci_high": {"en": "95% CI upper", "nl": "95%-BI boven"}, "a": {"en": "a", "nl": "a"},
    "b": {"en": "b", "nl": "b"}, "indirect": {"en": "Indirect (a × b)", "nl": "Indirect (a × b)"},
    "direct": {"en": "Direct", "nl": "Direct"}, "total": {"en": "Total", "nl": "Totaal"},
    "difference": {"en": "Difference", "nl": "Verschil"}, "hedges_g": {"en": "Hedges' g", "nl": "Hedges' g"},
    "n": {"en": "n", "nl": "n"}, "k": {"en": "k", "nl": "k"}, "df": {"en": "df", "nl": "df"},
    "alpha": {"en": "α", "nl": "α"}, "std_alpha": {"en": "Standardized α", "nl": "Gestandaardiseerde α"},
    "average_r": {"en": "Mean r", "nl": "Gemiddelde r"}, "omega_total": {"en": "ω total", "nl": "ω totaal"},
    "omega_hierarchical": {"en": "ω hierarchical", "nl": "ω hiërarchisch"}, "MSA": {"en": "MSA", "nl": "MSA"},
    "position": {"en": "Factor", "nl": "Factor"},
    "observed_pc": {"en": "Observed (PC)", "nl": "Geobserveerd (PC)"},
    "simulated_pc": {"en": "Simulated (PC)", "nl": "Gesimuleerd (PC)"},
    "resampled_pc": {"en": "Resampled (PC)", "nl": "Hersteekproef (PC)"},
    "observed_fa": {"en": "Observed (FA)", "nl": "Geobserveerd (FA)"},
    "simulated_fa": {"en": "Simulated (FA)", "nl": "Gesimuleerd (FA)"},
    "resampled_fa": {"en": "Resampled (FA)", "nl": "Hersteekproef (FA)"},
    "model": {"en": "Model", "nl": "Model"}, "chi2": {"en": "χ²", "nl": "χ²"}, "cfi": {"en": "CFI", "nl": "CFI"},
    "tli": {"en": "TLI", "nl": "TLI"}, "rmsea": {"en": "RMSEA", "nl": "RMSEA"},
    "rmsea_low": {"en": "RMSEA 90% CI lower", "nl": "RMSEA 90%-BI onder"},
    "rmsea_high": {"en": "RMSEA 90% CI upper", "nl": "RMSEA 90%-BI boven"}, "srmr": {"en": "SRMR", "nl": "SRMR"},
    "delta_chi2": {"en": "Δχ²", "nl": "Δχ²"}, "delta_df": {"en": "Δdf", "nl": "Δdf"},
    "delta_cfi": {"en": "ΔCFI", "nl": "ΔCFI"}, "delta_rmsea": {"en": "ΔRMSEA", "nl": "ΔRMSEA"},
    "delta_p": {"en": "p (Δχ²)", "nl": "p (Δχ²)"}, "missing_share": {"en": "Missing", "nl": "Ontbrekend"},
    "skew": {"en": "Skewness", "nl": "Scheefheid"}, "floor_share": {"en": "Floor", "nl": "Bodem"},
    "ceiling_share": {"en": "Ceiling", "nl": "Plafond"},
    "item_rest_r": {"en": "Item-rest r", "nl": "Item-rest r"},
    "alpha_if_deleted": {"en": "α if deleted", "nl": "α zonder item"},
    "variable": {"en": "Variable", "nl": "Variabele"}, "measure": {"en": "Measure", "nl": "Maat"},
    "scale": {"en": "Scale", "nl": "Schaal"}, "item": {"en": "Item", "nl": "Item"},
    "factor": {"en": "Factor", "nl": "Factor"}, "wave": {"en": "Wave", "nl": "Meting"},
    "intended_scale": {"en": "Intended scale", "nl": "Beoogde schaal"},
    "top_items": {"en": "Highest loadings", "nl": "Hoogste ladingen"},
    "items_intended_here": {"en": "Intended items", "nl": "Beoogde items"},
}
