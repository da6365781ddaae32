"""Texts and labels in Dutch and English: the one place for words the notebooks print.

Questionnaire wording (items, scales, answer labels) lives in the instrument file; this
module holds the words of the analyses around it.
"""

from __future__ import annotations

__all__ = ["text", "LANGUAGES"]

LANGUAGES = ("nl", "en")

TEXTS: dict[str, dict[str, str]] = {
    "sample": {
        "en": "{n:,} respondents answered the {module} module in wave {wave}; {complete:,} ({complete_pct:.0f}%) "
              "answered every item. Item missingness ranges from {miss_min:.1f}% to {miss_max:.1f}%.",
        "nl": "{n:,} respondenten beantwoordden de module {module} in meting {wave}; {complete:,} "
              "({complete_pct:.0f}%) beantwoordden alle items. Het aandeel ontbrekende antwoorden per item loopt "
              "van {miss_min:.1f}% tot {miss_max:.1f}%.",
    },
    "simulated": {
        "en": "These are simulated data (seed {seed}), not real respondents.",
        "nl": "Dit zijn gesimuleerde gegevens (seed {seed}), geen echte respondenten.",
    },
    "suitability": {
        "en": "Sampling adequacy is {kmo_label} (KMO = {kmo:.2f}; lowest item MSA {msa_min:.2f}, {msa_item}); "
              "Bartlett's test rejects an identity correlation matrix, χ²({df:.0f}) = {chi2:,.1f}, p {p}.",
        "nl": "De geschiktheid voor factoranalyse is {kmo_label} (KMO = {kmo:.2f}; laagste item-MSA {msa_min:.2f}, "
              "{msa_item}); de toets van Bartlett verwerpt een identiteitsmatrix, χ²({df:.0f}) = {chi2:,.1f}, p {p}.",
    },
    "n_factors": {
        "en": "Parallel analysis ({n_iter} iterations, {correlation} correlations) suggests {n_factors} factors "
              "and {n_components} components; the instrument intends {intended} scales. The analysis uses "
              "{used} factors.",
        "nl": "Parallelle analyse ({n_iter} herhalingen, {correlation} correlaties) wijst op {n_factors} factoren "
              "en {n_components} componenten; het instrument beoogt {intended} schalen. De analyse gebruikt "
              "{used} factoren.",
    },
    "efa": {
        "en": "{method} extraction with {rotation} rotation on {correlation} correlations: {matched} of {items} "
              "items load most on their intended factor; {weak} item(s) load below {primary_cut:.2f} on their "
              "main factor and {cross} item(s) cross-load at {cross_cut:.2f} or more. RMSR = {rmsr:.3f}.",
        "nl": "{method}-extractie met {rotation}-rotatie op {correlation} correlaties: {matched} van de {items} "
              "items laden het hoogst op hun beoogde factor; {weak} item(s) laden lager dan {primary_cut:.2f} op "
              "hun hoofdfactor en {cross} item(s) laden {cross_cut:.2f} of meer op een andere factor. "
              "RMSR = {rmsr:.3f}.",
    },
    "reliability": {
        "en": "Cronbach's alpha ranges from {alpha_min:.2f} ({alpha_min_scale}) to {alpha_max:.2f} "
              "({alpha_max_scale}); {below} scale(s) fall below .70.",
        "nl": "Cronbachs alfa loopt van {alpha_min:.2f} ({alpha_min_scale}) tot {alpha_max:.2f} "
              "({alpha_max_scale}); {below} schaal/schalen blijven onder .70.",
    },
    "omega_h": {
        "en": "For the module as a whole (Schmid-Leiman with {k} group factors), omega hierarchical is "
              "{omega_h:.2f} and omega total {omega_t:.2f}: the share of total score variance due to one general "
              "factor, and due to all factors.",
        "nl": "Voor de module als geheel (Schmid-Leiman met {k} groepsfactoren) is omega hiërarchisch "
              "{omega_h:.2f} en omega totaal {omega_t:.2f}: het deel van de variantie van de totaalscore dat één "
              "algemene factor verklaart, en dat alle factoren samen verklaren.",
    },
    "cfa": {
        "en": "The theoretical model fits {verdict}: χ²({df}) = {chi2:,.1f}, p {p}; CFI = {cfi:.3f}, "
              "TLI = {tli:.3f}, RMSEA = {rmsea:.3f} (90% CI {rmsea_low:.3f}-{rmsea_high:.3f}), SRMR = {srmr:.3f}; "
              "{ok} of 4 indices meet the usual cut-offs.",
        "nl": "Het theoretische model past {verdict}: χ²({df}) = {chi2:,.1f}, p {p}; CFI = {cfi:.3f}, "
              "TLI = {tli:.3f}, RMSEA = {rmsea:.3f} (90%-BI {rmsea_low:.3f}-{rmsea_high:.3f}), SRMR = {srmr:.3f}; "
              "{ok} van de 4 indices voldoen aan de gebruikelijke grenzen.",
    },
    "fit_good": {"en": "well", "nl": "goed"},
    "fit_mixed": {"en": "acceptably on some indices", "nl": "op een deel van de indices acceptabel"},
    "fit_poor": {"en": "poorly", "nl": "slecht"},
    "invariance": {
        "en": "Across {group} ({groups}): {conclusion}",
        "nl": "Tussen {group} ({groups}): {conclusion}",
    },
    "invariance_scalar": {
        "en": "scalar invariance holds (ΔCFI {dcfi:+.3f}, ΔRMSEA {drmsea:+.3f} from metric), so means can be "
              "compared between groups.",
        "nl": "scalaire invariantie houdt stand (ΔCFI {dcfi:+.3f}, ΔRMSEA {drmsea:+.3f} ten opzichte van metrisch), "
              "dus gemiddelden zijn tussen de groepen te vergelijken.",
    },
    "invariance_metric": {
        "en": "metric but not scalar invariance holds (ΔCFI {dcfi:+.3f} from metric to scalar): relations can be "
              "compared between groups, means only with caution.",
        "nl": "metrische maar geen scalaire invariantie (ΔCFI {dcfi:+.3f} van metrisch naar scalair): verbanden zijn "
              "tussen groepen te vergelijken, gemiddelden alleen met voorzichtigheid.",
    },
    "invariance_none": {
        "en": "not even metric invariance holds (ΔCFI {dcfi:+.3f} from configural to metric): group comparisons "
              "of these scales are not valid.",
        "nl": "zelfs metrische invariantie houdt geen stand (ΔCFI {dcfi:+.3f} van configuraal naar metrisch): "
              "groepsvergelijkingen op deze schalen zijn niet geldig.",
    },
    "reconsider_none": {"en": "No item meets any of the criteria for reconsideration.",
                        "nl": "Geen enkel item voldoet aan een van de criteria om te heroverwegen."},
    "reason_weak": {"en": "weak loading on its main factor ({value:.2f})",
                    "nl": "zwakke lading op de hoofdfactor ({value:.2f})"},
    "reason_cross": {"en": "cross-loads on {factor} ({value:.2f})", "nl": "laadt ook op {factor} ({value:.2f})"},
    "reason_misplaced": {"en": "loads most on {factor}, not on its own scale",
                         "nl": "laadt het hoogst op {factor}, niet op de eigen schaal"},
    "reason_item_rest": {"en": "low item-rest correlation ({value:.2f})",
                         "nl": "lage item-restcorrelatie ({value:.2f})"},
    "reason_alpha": {"en": "alpha rises to {value:.2f} without it", "nl": "alfa stijgt zonder dit item tot {value:.2f}"},
    "reason_ceiling": {"en": "ceiling effect: {value:.0%} chose the highest answer",
                       "nl": "plafondeffect: {value:.0%} koos het hoogste antwoord"},
    "reason_missing": {"en": "{value:.0%} did not answer", "nl": "{value:.0%} gaf geen antwoord"},
    "reason_mi": {"en": "modification index {value:.1f} for {parameter}",
                  "nl": "modificatie-index {value:.1f} voor {parameter}"},
    "corr_polychoric": {"en": "polychoric", "nl": "polychorische"},
    "corr_pearson": {"en": "Pearson", "nl": "Pearson-"},
    "kmo_marvelous": {"en": "marvelous", "nl": "uitstekend"},
    "kmo_meritorious": {"en": "meritorious", "nl": "goed"},
    "kmo_middling": {"en": "middling", "nl": "redelijk"},
    "kmo_mediocre": {"en": "mediocre", "nl": "matig"},
    "kmo_miserable": {"en": "miserable", "nl": "zwak"},
    "kmo_unacceptable": {"en": "unacceptable", "nl": "onvoldoende"},
    "observed_pc": {"en": "components, observed", "nl": "componenten, geobserveerd"},
    "observed_fa": {"en": "factors, observed", "nl": "factoren, geobserveerd"},
    "resampled_pc": {"en": "components, resampled (95th pct.)", "nl": "componenten, hersampled (95e pct.)"},
    "resampled_fa": {"en": "factors, resampled (95th pct.)", "nl": "factoren, hersampled (95e pct.)"},
    "position": {"en": "factor / component", "nl": "factor / component"},
    "eigenvalue": {"en": "eigenvalue", "nl": "eigenwaarde"},
}


def text(key: str, language: str = "en", **values) -> str:
    """The text ``key`` in ``language``, filled in with ``values``."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    try:
        template = TEXTS[key][language]
    except KeyError as exc:
        raise KeyError(f"no text {key!r}") from exc
    return template.format(**values)
