"""The words of the validity notebook's analyses: samples, suitability, factors, reliability, fit."""

from __future__ import annotations

__all__ = ["ANALYSES_TEXTS", "VALIDITY_TEXTS"]

ANALYSES_TEXTS: dict[str, dict[str, str]] = {
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
              "items load most on their intended factor; {weak:~no item loads|# item loads|# items load} below {primary_cut:.2f} on their "
              "main factor and {cross:~none cross-loads|# cross-loads|# cross-load} at {cross_cut:.2f} or more. RMSR = {rmsr:.3f}.",
        "nl": "{method}-extractie met {rotation}-rotatie op {correlation} correlaties: {matched} van de {items} "
              "items laden het hoogst op hun beoogde factor; {weak:~geen enkel item laadt|# item laadt|# items laden} lager dan {primary_cut:.2f} op "
              "hun hoofdfactor en {cross:~geen enkel item laadt|# item laadt|# items laden} {cross_cut:.2f} of meer op een andere factor. "
              "RMSR = {rmsr:.3f}.",
    },
    "reliability": {
        "en": "Cronbach's alpha ranges from {alpha_min:.2f} ({alpha_min_scale}) to {alpha_max:.2f} "
              "({alpha_max_scale}); {below:~no scale falls|# scale falls|# scales fall} below .70.",
        "nl": "Cronbachs alfa loopt van {alpha_min:.2f} ({alpha_min_scale}) tot {alpha_max:.2f} "
              "({alpha_max_scale}); {below:~geen enkele schaal blijft|# schaal blijft|# schalen blijven} onder .70.",
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

#: The validity notebook's sentences, notes and table captions (monitor.analyses.validity). Thresholds
#: are placeholders, filled in from the constants the code applies.
VALIDITY_TEXTS: dict[str, dict[str, str]] = {
    "note": {"en": "Note.", "nl": "Let op."},
    "yes": {"en": "yes", "nl": "ja"},
    "no": {"en": "no", "nl": "nee"},
    "sample_all": {
        "en": "{n:,} respondents answered the {module} items; {complete:,} ({complete_pct:.0f}%) answered every "
              "item. Item missingness ranges from {miss_min:.1f}% to {miss_max:.1f}%.",
        "nl": "{n:,} respondenten beantwoordden de items van {module}; {complete:,} ({complete_pct:.0f}%) "
              "beantwoordden alle items. Het aandeel ontbrekende antwoorden per item loopt van {miss_min:.1f}% "
              "tot {miss_max:.1f}%.",
    },
    "n_factors_used": {
        "en": "Parallel analysis ({n_iter} iterations, {correlation} correlations, {quantile:.0f}th percentile of "
              "resampled data) suggests {n_factors} factors and {n_components} components; the scales number "
              "{intended}. The analysis uses {used} factors ({choice}).",
        "nl": "Parallelle analyse ({n_iter} herhalingen, {correlation} correlaties, {quantile:.0f}e percentiel van "
              "hersamplede gegevens) wijst op {n_factors} factoren en {n_components} componenten; er zijn "
              "{intended} schalen. De analyse gebruikt {used} factoren ({choice}).",
    },
    "choice_scales": {"en": "one per scale", "nl": "één per schaal"},
    "choice_auto": {"en": "as parallel analysis suggests", "nl": "zoals de parallelle analyse aangeeft"},
    "choice_fixed": {"en": "as requested", "nl": "zoals gevraagd"},
    "reliability_cut": {
        "en": "Cronbach's alpha ranges from {alpha_min:.2f} ({alpha_min_scale}) to {alpha_max:.2f} "
              "({alpha_max_scale}); {below:~no scale falls|# scale falls|# scales fall} below {cut:.2f}.",
        "nl": "Cronbachs alfa loopt van {alpha_min:.2f} ({alpha_min_scale}) tot {alpha_max:.2f} "
              "({alpha_max_scale}); {below:~geen schaal blijft|# schaal blijft|# schalen blijven} onder {cut:.2f}.",
    },
    "omega_h_few": {
        "en": "Omega hierarchical needs at least three scales (group factors); there {k:~are none|is #|are #}.",
        "nl": "Omega hiërarchisch vraagt minstens drie schalen (groepsfactoren); er {k:~zijn er geen|is er #|zijn er #}.",
    },
    "listwise": {
        "en": "The CFA uses the {used:,} respondents who answered every item; {lost:,} ({pct:.1f}%) with a missing "
              "answer are left out (listwise).",
        "nl": "De CFA gebruikt de {used:,} respondenten die alle items beantwoordden; {lost:,} ({pct:.1f}%) met een "
              "ontbrekend antwoord vallen weg (listwise).",
    },
    "few_cases": {
        "en": "{n:,} respondents for {parameters} free parameters is fewer than {ratio} per parameter; the estimates "
              "may not replicate.",
        "nl": "{n:,} respondenten voor {parameters} vrije parameters is minder dan {ratio} per parameter; de "
              "schattingen zijn mogelijk niet stabiel.",
    },
    "cfa_failed": {"en": "The CFA could not be fitted: {reason}.", "nl": "De CFA kon niet worden geschat: {reason}."},
    "cfa_heywood": {
        "en": "{n:~No Heywood case|A Heywood case|# Heywood cases} in the CFA (standardized loading of about 1, "
              "residual variance of about 0): {items}.",
        "nl": "{n:~Geen Heywood-geval|Een Heywood-geval|# Heywood-gevallen} in de CFA (gestandaardiseerde lading "
              "rond 1, residuele variantie rond 0): {items}.",
    },
    "composite": {
        "en": "Composite reliability ranges from {cr_min:.2f} to {cr_max:.2f}; the average variance extracted is "
              "below {cut:.2f} for {below:~no scale|# scale|# scales} and below a squared factor correlation for "
              "{under_r2:~none|#|#} (Fornell and Larcker's criteria).",
        "nl": "De composietbetrouwbaarheid loopt van {cr_min:.2f} tot {cr_max:.2f}; de gemiddelde verklaarde variantie "
              "(AVE) ligt onder {cut:.2f} voor {below:~geen schaal|# schaal|# schalen} en onder een gekwadrateerde "
              "factorcorrelatie voor {under_r2:~geen|#|#} (criteria van Fornell en Larcker).",
    },
    "invariance_skipped": {
        "en": "Measurement invariance is not tested: no grouping column was named (parameter invariance_group).",
        "nl": "Meetinvariantie is niet getoetst: er is geen groeperingskolom opgegeven (parameter invariance_group).",
    },
    "invariance_failed": {"en": "Measurement invariance across {group} could not be tested: {reason}.",
                          "nl": "Meetinvariantie tussen {group} kon niet worden getoetst: {reason}."},
    "criteria_parallel": {
        "en": "Observed eigenvalues are compared with the {quantile:.0f}th percentile of eigenvalues of column-"
              "resampled data (psych::fa.parallel).",
        "nl": "Geobserveerde eigenwaarden worden vergeleken met het {quantile:.0f}e percentiel van de eigenwaarden "
              "van kolomsgewijs hersamplede gegevens (psych::fa.parallel).",
    },
    "criteria_efa": {
        "en": "Factors are matched to the scales and named after them; boxed cells mark main loadings below "
              "{primary:.2f} and cross-loadings of {cross:.2f} or more.",
        "nl": "Factoren worden aan de schalen gekoppeld en naar hen genoemd; omkaderde cellen markeren hoofdladingen "
              "onder {primary:.2f} en kruisladingen van {cross:.2f} of meer.",
    },
    "criteria_reliability": {
        "en": "Alpha of {alpha:.2f} or more is the usual minimum for comparing groups; an average variance extracted "
              "of {ave:.2f} or more means the factor explains at least half of its items' variance.",
        "nl": "Een alfa van {alpha:.2f} of hoger is het gebruikelijke minimum om groepen te vergelijken; een AVE van "
              "{ave:.2f} of meer betekent dat de factor minstens de helft van de variantie van zijn items verklaart.",
    },
    "criteria_cfa": {
        "en": "Usual cut-offs (Hu & Bentler, 1999): CFI ≥ {cfi:.2f}, TLI ≥ {tli:.2f}, RMSEA ≤ {rmsea:.2f}, "
              "SRMR ≤ {srmr:.2f}.",
        "nl": "Gebruikelijke grenzen (Hu & Bentler, 1999): CFI ≥ {cfi:.2f}, TLI ≥ {tli:.2f}, RMSEA ≤ {rmsea:.2f}, "
              "SRMR ≤ {srmr:.2f}.",
    },
    "criteria_invariance": {
        "en": "A step holds when CFI drops by at most {cfi:.3f} and RMSEA rises by at most {rmsea:.3f} (Chen, 2007).",
        "nl": "Een stap houdt stand als de CFI met hoogstens {cfi:.3f} daalt en de RMSEA met hoogstens {rmsea:.3f} "
              "stijgt (Chen, 2007).",
    },
    "criteria_reconsider": {
        "en": "An item is listed when its main loading is below {primary:.2f}, it cross-loads at {cross:.2f} or more "
              "or loads most on another scale, its item-rest correlation is below {item_rest:.2f}, alpha rises "
              "without it, more than {ceiling:.0%} chose the highest answer, more than {missing:.0%} did not answer, "
              "or a CFA modification index for a cross-loading reaches {mi:.0f}.",
        "nl": "Een item staat in de lijst als de hoofdlading onder {primary:.2f} ligt, het {cross:.2f} of meer op een "
              "andere factor laadt of het hoogst op een andere schaal, de item-restcorrelatie onder {item_rest:.2f} "
              "ligt, alfa zonder het item stijgt, meer dan {ceiling:.0%} het hoogste antwoord koos, meer dan "
              "{missing:.0%} niet antwoordde, of een modificatie-index voor een kruislading {mi:.0f} of meer is.",
    },
    "table_sample": {"en": "Respondents", "nl": "Respondenten"},
    "table_item_distributions": {"en": "Answer shares per item", "nl": "Verdeling van de antwoorden per item"},
    "table_suitability": {"en": "Sampling adequacy per item (MSA) and overall (KMO)",
                          "nl": "Geschiktheid per item (MSA) en in totaal (KMO)"},
    "table_parallel_analysis": {"en": "Eigenvalues: observed against random data",
                                "nl": "Eigenwaarden: geobserveerd tegenover toevalsgegevens"},
    "table_efa_loadings": {"en": "Factor loadings and communalities", "nl": "Factorladingen en communaliteiten"},
    "table_factor_correlations": {"en": "Factor correlations", "nl": "Factorcorrelaties"},
    "table_reliability": {"en": "Reliability per scale", "nl": "Betrouwbaarheid per schaal"},
    "table_item_statistics": {"en": "Item statistics", "nl": "Itemstatistieken"},
    "table_composite_reliability": {"en": "Composite reliability and average variance extracted",
                                    "nl": "Composietbetrouwbaarheid en gemiddelde verklaarde variantie"},
    "table_cfa_fit": {"en": "Fit of the theoretical model", "nl": "Fit van het theoretische model"},
    "table_modification_indices": {"en": "Largest modification indices", "nl": "Grootste modificatie-indices"},
    "table_invariance": {"en": "Measurement invariance", "nl": "Meetinvariantie"},
    "table_items_to_reconsider": {"en": "Items to reconsider", "nl": "Items om te heroverwegen"},
    "table_exports": {"en": "Exported files", "nl": "Geëxporteerde bestanden"},
    # Column headings of the tables the validity notebook shows (the CSV keeps the column names).
    "validity_col_alpha": {"en": "α", "nl": "α"},
    "validity_col_ci_low": {"en": "95% CI low", "nl": "95%-BI onder"},
    "validity_col_ci_high": {"en": "95% CI high", "nl": "95%-BI boven"},
    "validity_col_std_alpha": {"en": "α (std.)", "nl": "α (gest.)"},
    "validity_col_average_r": {"en": "mean r", "nl": "gem. r"},
    "validity_col_omega_total": {"en": "ω total", "nl": "ω totaal"},
    "validity_col_ordinal_alpha": {"en": "ordinal α", "nl": "ordinale α"},
    "validity_col_ordinal_omega_total": {"en": "ordinal ω", "nl": "ordinale ω"},
    "validity_col_missing_share": {"en": "missing", "nl": "ontbrekend"},
    "validity_col_mean": {"en": "M", "nl": "M"},
    "validity_col_sd": {"en": "SD", "nl": "SD"},
    "validity_col_skew": {"en": "skew", "nl": "scheefheid"},
    "validity_col_floor_share": {"en": "floor", "nl": "bodem"},
    "validity_col_ceiling_share": {"en": "ceiling", "nl": "plafond"},
    "validity_col_item_rest_r": {"en": "item-rest r", "nl": "item-rest r"},
    "validity_col_alpha_if_deleted": {"en": "α if deleted", "nl": "α zonder item"},
    "validity_col_scale": {"en": "scale", "nl": "schaal"},
    "validity_col_communality": {"en": "h²", "nl": "h²"},
    "validity_col_composite_reliability": {"en": "CR", "nl": "CR"},
    "validity_col_ave": {"en": "AVE", "nl": "AVE"},
    "validity_col_max_r2": {"en": "max. r²", "nl": "max. r²"},
    "validity_col_value": {"en": "value", "nl": "waarde"},
    "validity_col_cutoff": {"en": "cut-off", "nl": "grens"},
    "validity_col_acceptable": {"en": "acceptable", "nl": "acceptabel"},
    "validity_col_chi2": {"en": "χ²", "nl": "χ²"},
    "validity_col_p_value": {"en": "p", "nl": "p"},
    "validity_col_delta_chi2": {"en": "Δχ²", "nl": "Δχ²"},
    "validity_col_delta_df": {"en": "Δdf", "nl": "Δdf"},
    "validity_col_delta_cfi": {"en": "ΔCFI", "nl": "ΔCFI"},
    "validity_col_delta_rmsea": {"en": "ΔRMSEA", "nl": "ΔRMSEA"},
    "validity_col_delta_p": {"en": "Δp", "nl": "Δp"},
    "validity_col_parameter": {"en": "parameter", "nl": "parameter"},
    "validity_col_kind": {"en": "kind", "nl": "soort"},
    "validity_col_mi": {"en": "MI", "nl": "MI"},
    "validity_col_epc": {"en": "EPC", "nl": "EPC"},
    "validity_col_text": {"en": "text", "nl": "tekst"},
    "validity_col_reasons": {"en": "reasons", "nl": "redenen"},
    # The notebook's title, and a heading and introduction per section (validity.section).
    "val_head_title": {"en": "Questionnaire validity", "nl": "Validiteit van de vragenlijst"},
    "val_intro_title": {
        "en": "Does the questionnaire measure what it intends to, and reliably? This notebook takes one set of "
              "answers through the usual argument of a validation study: who answered; whether the items are fit "
              "for factor analysis; how many factors the data hold; whether the items group into the intended "
              "scales (exploratory factor analysis); how reliable each scale is; whether the theoretical model "
              "fits (confirmatory factor analysis); whether the scales measure the same thing across groups; and "
              "which items to reconsider.\n\n"
              "Every number comes from `monitor` and is checked against R `psych`, `lavaan` and `semTools`; the "
              "sentences are filled in from those numbers, and each threshold they state is the one the code "
              "applies. Caveats (an item without variance, a smoothed correlation matrix, a Heywood case, rows "
              "lost, few respondents per parameter) appear as notes under the step they concern.\n\n"
              "Any questionnaire can be validated, with or without an instrument file:\n\n"
              "```\npapermill notebooks/validity.ipynb out.ipynb -p data_path my.csv \\\n"
              "    -y \"scales: {{A: [-A1, A2, A3, A4, A5], C: [C1, C2, C3, -C4, -C5]}}\"\n```\n\n"
              "`scales` holds psych-style scoring keys: each scale with its items, a leading `-` for a "
              "reverse-keyed item. Without `scales`, the instrument file (`data/instrument.yaml`) defines the "
              "scales of the chosen module.",
        "nl": "Meet de vragenlijst wat hij beoogt te meten, en doet hij dat betrouwbaar? Dit notebook neemt één set "
              "antwoorden door de gebruikelijke stappen van een validatiestudie: wie er antwoordden; of de items "
              "geschikt zijn voor factoranalyse; hoeveel factoren de gegevens bevatten; of de items zich groeperen "
              "in de beoogde schalen (exploratieve factoranalyse); hoe betrouwbaar elke schaal is; of het "
              "theoretische model past (confirmatieve factoranalyse); of de schalen in verschillende groepen "
              "hetzelfde meten; en welke items heroverweging verdienen.\n\n"
              "Elk getal komt uit `monitor` en is gecontroleerd tegen R `psych`, `lavaan` en `semTools`; de zinnen "
              "worden met die getallen ingevuld, en elke drempel die ze noemen is de drempel die de code toepast. "
              "Kanttekeningen (een item zonder variantie, een gladgemaakte correlatiematrix, een Heywood-geval, "
              "weggevallen rijen, weinig respondenten per parameter) staan als noot onder de stap waar ze bij "
              "horen.\n\n"
              "Elke vragenlijst kan worden gevalideerd, met of zonder instrumentbestand:\n\n"
              "```\npapermill notebooks/validity.ipynb out.ipynb -p data_path my.csv \\\n"
              "    -y \"scales: {{A: [-A1, A2, A3, A4, A5], C: [C1, C2, C3, -C4, -C5]}}\"\n```\n\n"
              "`scales` bevat scoresleutels zoals in psych: elke schaal met haar items, met een `-` vooraan bij een "
              "omgekeerd gescoord item. Zonder `scales` bepaalt het instrumentbestand (`data/instrument.yaml`) de "
              "schalen van de gekozen module.",
    },
    "val_head_sample": {"en": "Sample and missingness", "nl": "Steekproef en ontbrekende antwoorden"},
    "val_intro_sample": {
        "en": "Validation rests on who answered and how completely: the number of respondents, how many answered "
              "every item, and the range of missingness per item.",
        "nl": "Een validatie staat of valt met wie er antwoordden en hoe volledig: het aantal respondenten, hoeveel "
              "van hen alle items beantwoordden, en hoeveel antwoorden er per item ontbreken.",
    },
    "val_head_item_distributions": {"en": "Item distributions", "nl": "Verdeling van de antwoorden"},
    "val_intro_item_distributions": {
        "en": "Items need spread to correlate. The shares of each answer per item (reverse-keyed items recoded, "
              "missing answers left out) show floor and ceiling effects at a glance.",
        "nl": "Items moeten spreiding hebben om te kunnen correleren. Het aandeel van elk antwoord per item "
              "(omgekeerd gescoorde items omgecodeerd, ontbrekende antwoorden weggelaten) laat bodem- en "
              "plafondeffecten in één oogopslag zien.",
    },
    "val_head_suitability": {"en": "Suitability for factor analysis", "nl": "Geschiktheid voor factoranalyse"},
    "val_intro_suitability": {
        "en": "Before extracting factors, the correlations must hold common variance: Kaiser's measure of "
              "sampling adequacy (KMO, overall and per item) and Bartlett's test that the correlation matrix is "
              "not an identity matrix, both on the correlations chosen by the `correlation` parameter.",
        "nl": "Voordat er factoren worden geëxtraheerd, moeten de correlaties gemeenschappelijke variantie bevatten: "
              "Kaisers maat voor steekproefgeschiktheid (KMO, in totaal en per item) en de toets van Bartlett dat "
              "de correlatiematrix geen identiteitsmatrix is, beide op de correlaties die de parameter "
              "`correlation` kiest.",
    },
    "val_head_n_factors": {"en": "Number of factors", "nl": "Aantal factoren"},
    "val_intro_n_factors": {
        "en": "Horn's parallel analysis asks how many factors stand out above what random data of the same shape "
              "would give. Its suggestion is reported beside the number the analysis uses: by default one factor "
              "per intended scale, so that the exploratory analysis tests the intended structure.",
        "nl": "De parallelle analyse van Horn gaat na hoeveel factoren boven toevalsgegevens van dezelfde omvang "
              "uitsteken. Haar uitkomst staat naast het aantal dat de analyse gebruikt: standaard één factor per "
              "beoogde schaal, zodat de exploratieve analyse de beoogde structuur toetst.",
    },
    "val_head_efa": {"en": "Exploratory factor analysis", "nl": "Exploratieve factoranalyse"},
    "val_intro_efa": {
        "en": "Do the items group as intended? Each factor is matched to the scale whose items load most on it, "
              "so the heat map reads scale by scale.",
        "nl": "Groeperen de items zich zoals beoogd? Elke factor wordt gekoppeld aan de schaal waarvan de items er "
              "het hoogst op laden, zodat de heatmap per schaal te lezen is.",
    },
    "val_head_reliability": {"en": "Reliability per scale", "nl": "Betrouwbaarheid per schaal"},
    "val_intro_reliability": {
        "en": "Cronbach's alpha with its Feldt confidence interval, standardized alpha and McDonald's omega total "
              "per scale; with polychoric correlations also ordinal alpha and omega, which estimate the "
              "reliability of the continuous responses behind Likert answers. Omega hierarchical asks how much "
              "of the total score one general factor explains. Item statistics follow.",
        "nl": "Per schaal Cronbachs alfa met het betrouwbaarheidsinterval van Feldt, de gestandaardiseerde alfa en "
              "McDonalds omega totaal; bij polychorische correlaties ook ordinale alfa en omega, die de "
              "betrouwbaarheid schatten van de continue antwoorden achter Likert-antwoorden. Omega hiërarchisch "
              "geeft aan hoeveel van de totaalscore één algemene factor verklaart. Daarna volgen de "
              "itemstatistieken.",
    },
    "val_head_cfa": {"en": "Confirmatory factor analysis", "nl": "Confirmatieve factoranalyse"},
    "val_intro_cfa": {
        "en": "The theoretical model (each item on its own scale, maximum likelihood) against the data, with a "
              "verdict per fit index; composite reliability and the average variance extracted (AVE) then come "
              "from its standardized solution.",
        "nl": "Het theoretische model (elk item op zijn eigen schaal, meest aannemelijke schatting) tegenover de "
              "gegevens, met een oordeel per fitmaat; de samengestelde betrouwbaarheid en de gemiddeld verklaarde "
              "variantie (AVE) komen daarna uit de gestandaardiseerde oplossing.",
    },
    "val_head_invariance": {"en": "Measurement invariance", "nl": "Meetinvariantie"},
    "val_intro_invariance": {
        "en": "Scale means can only be compared between groups when the scales measure the same thing in each: "
              "configural, metric (equal loadings) and scalar (equal intercepts) models, by the column named in "
              "`invariance_group`.",
        "nl": "Schaalgemiddelden zijn alleen tussen groepen te vergelijken als de schalen in elke groep hetzelfde "
              "meten: configurale, metrische (gelijke ladingen) en scalaire (gelijke intercepten) modellen, naar "
              "de kolom die `invariance_group` noemt.",
    },
    "val_head_items_to_reconsider": {"en": "Items to reconsider", "nl": "Items om te heroverwegen"},
    "val_intro_items_to_reconsider": {
        "en": "The findings above, item by item: each item that meets one of the criteria, with its reasons.",
        "nl": "De bevindingen hierboven, item voor item: elk item dat aan een van de criteria voldoet, met de "
              "redenen.",
    },
    "val_head_export": {"en": "Export", "nl": "Export"},
    "val_intro_export": {
        "en": "Every table as CSV (full precision), Markdown and LaTeX (APA style), for a paper or thesis.",
        "nl": "Elke tabel als CSV (volle precisie), Markdown en LaTeX (APA-stijl), voor een artikel of scriptie.",
    },
}
