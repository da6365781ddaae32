"""Texts and labels in Dutch and English: the one place for words the notebooks print.

Questionnaire wording (items, scales, answer labels) lives in the instrument file; this
module holds the words of the analyses around it.
"""

from __future__ import annotations

__all__ = ["text", "number", "plural", "dutch", "LANGUAGES"]

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

REPORT_TEXTS: dict[str, dict[str, str]] = {
    "report_title": {"nl": "Samenwerkingsmonitor {region} — meting {wave}",
                     "en": "Collaboration monitor {region} — wave {wave}"},
    "report_intro": {
        "nl": "Deze rapportage is het startpunt van een gesprek tussen de partijen aan tafel, geen oordeel. "
              "Alle cijfers zijn gemiddelden op een schaal van 1 (helemaal mee oneens) tot 5 (helemaal mee eens); "
              "groepen met te weinig respondenten tonen geen cijfer.",
        "en": "This report is the start of a conversation between the parties at the table, not a verdict. "
              "All figures are means on a scale from 1 (strongly disagree) to 5 (strongly agree); groups with too "
              "few respondents show no figure."},
    "total": {"nl": "totaal", "en": "total"},
    "heading_respondents": {"nl": "Wie deden mee", "en": "Who took part"},
    "heading_small": {"nl": "Te weinig respondenten voor een rapportage", "en": "Too few respondents for a report"},
    "heading_trends": {"nl": "Ontwikkeling door de jaren", "en": "Trends across waves"},
    "heading_functions": {"nl": "Verschillen tussen functies", "en": "Differences between functions"},
    "heading_municipalities": {"nl": "Verschillen tussen gemeenten", "en": "Differences between municipalities"},
    "heading_within": {"nl": "Binnen de gemeenten: vertrouwensindex per functie",
                       "en": "Within municipalities: trust index by function"},
    "heading_gap": {"nl": "Perspectieven van gemeenten en zorgaanbieders",
                    "en": "Perspectives of municipalities and care providers"},
    "heading_items": {"nl": "Antwoorden per stelling", "en": "Answers per statement"},
    "heading_flags": {"nl": "Aandachtspunten en mogelijke interventies", "en": "Points of attention and possible interventions"},
    "heading_lifecycle": {"nl": "Levenscyclus van de samenwerking", "en": "Life cycle of the collaboration"},
    "heading_open": {"nl": "Open antwoorden", "en": "Open answers"},
    "heading_method": {"nl": "Verantwoording", "en": "Method"},
    "summary_text": {"nl": "De vertrouwensindex is {index:.2f} (95%-BI {low:.2f}–{high:.2f}, n = {n}); alle regio's "
                           "samen: {bench:.2f}.",
                     "en": "The trust index is {index:.2f} (95% CI {low:.2f}–{high:.2f}, n = {n}); all regions "
                           "together: {bench:.2f}."},
    "summary_hidden": {"nl": "De vertrouwensindex van deze regio wordt niet getoond, om kleine groepen te beschermen.",
                       "en": "This region's trust index is not shown, to protect small groups."},
    "col_function": {"nl": "Functie", "en": "Function"},
    "col_wave": {"nl": "Meting", "en": "Wave"},
    "col_respondents": {"nl": "Respondenten", "en": "Respondents"},
    "col_alpha": {"nl": "Cronbachs alfa", "en": "Cronbach's alpha"},
    "col_source": {"nl": "Berekend over", "en": "Computed over"},
    "dash": {"nl": "–", "en": "–"},
    "stage_unknown": {"nl": "Welke fase de samenwerking heeft bereikt, is niet te zeggen: een fase heeft te weinig "
                            "respondenten.",
                      "en": "Which stage the collaboration has reached cannot be said: a stage has too few "
                            "respondents."},
    "open_note": {"nl": "Open antwoorden staan er letterlijk, als platte tekst, alleen voor groepen van minstens {kc} "
                        "respondenten; namen, adressen, telefoonnummers, e-mailadressen en andere persoonsgegevens "
                        "zijn vervangen door een aanduiding tussen haken, zoals [naam].",
                  "en": "Open answers are shown verbatim, as plain text, only for groups of at least {kc} "
                        "respondents; names, addresses, phone numbers, e-mail addresses and other personal details "
                        "are replaced by a placeholder in brackets, such as [naam]."},
    "col_theme": {"nl": "Thema", "en": "Theme"},
    "col_mean": {"nl": "Gemiddelde", "en": "Mean"},
    "col_ci": {"nl": "95%-BI", "en": "95% CI"},
    "col_favourable": {"nl": "% (helemaal) eens", "en": "% (strongly) agree"},
    "col_benchmark": {"nl": "Alle regio's", "en": "All regions"},
    "col_band": {"nl": "Duiding", "en": "Reading"},
    "col_trend": {"nl": "Trend", "en": "Trend"},
    "col_change": {"nl": "Verandering", "en": "Change"},
    "col_gap": {"nl": "Verschil gemeente − zorgaanbieder", "en": "Difference municipality − provider"},
    "col_statement": {"nl": "Stelling", "en": "Statement"},
    "col_agree": {"nl": "% eens", "en": "% agree"},
    "col_disagree": {"nl": "% oneens", "en": "% disagree"},
    "col_why": {"nl": "Waarom", "en": "Why"},
    "col_interventions": {"nl": "Mogelijke interventies", "en": "Possible interventions"},
    "col_stage": {"nl": "Fase", "en": "Stage"},
    "band_strong": {"nl": "sterk punt", "en": "strength"},
    "band_attention": {"nl": "aandachtspunt", "en": "point of attention"},
    "band_concern": {"nl": "zorgpunt", "en": "concern"},
    "band_suppressed": {"nl": "te weinig respondenten", "en": "too few respondents"},
    "all_regions": {"nl": "alle regio's", "en": "all regions"},
    "this_region": {"nl": "deze regio", "en": "this region"},
    "mean_scale": {"nl": "gemiddelde (1–5)", "en": "mean (1–5)"},
    "too_few": {"nl": "te weinig respondenten", "en": "too few respondents"},
    "too_few_short": {"nl": "te weinig", "en": "too few"},
    "trend_too_few": {"nl": "te weinig respondenten", "en": "too few respondents"},
    "trend_none": {"nl": "Er is maar één meting; trends volgen vanaf de tweede meting.",
                   "en": "There is only one wave; trends follow from the second wave."},
    "diff_from_region": {"nl": "verschil met regiogemiddelde", "en": "difference from regional mean"},
    "municipality": {"nl": "Gemeente", "en": "Municipality"},
    "invariance_not": {"nl": "De vragenlijst meet bij gemeenten en zorgaanbieders niet aantoonbaar hetzelfde; "
                             "vergelijk de gemiddelden niet rechtstreeks.",
                       "en": "The questionnaire does not demonstrably measure the same for municipalities and "
                             "providers; do not compare the means directly."},
    "invariance_unknown": {"nl": "Of de vergelijking geldig is (meetinvariantie), kon niet worden bepaald.",
                           "en": "Whether the comparison is valid (measurement invariance) could not be determined."},
    "flag_low": {"nl": "lage score ({mean:.2f})", "en": "low score ({mean:.2f})"},
    "flag_falling": {"nl": "dalende trend", "en": "falling trend"},
    "flag_below": {"nl": "onder het gemiddelde van alle regio's ({bench:.2f})", "en": "below all regions ({bench:.2f})"},
    "flags_none": {"nl": "Geen thema scoort laag, daalt of ligt onder het gemiddelde van alle regio's.",
                   "en": "No theme scores low, falls or lies below the mean of all regions."},
    "stages_missing": {"nl": "De levenscyclusvragen zijn niet afgenomen.", "en": "The life-cycle items were not asked."},
    "stage_none": {"nl": "Ook de eerste fase (bekendheid) scoort gemiddeld onder {cut:.1f}.",
                   "en": "Even the first stage (familiarity) scores below {cut:.1f} on average."},
    "spiral_rising": {"nl": "Het vertrouwen stijgt: een opwaartse spiraal.", "en": "Trust is rising: an upward spiral."},
    "spiral_falling": {"nl": "Het vertrouwen daalt: let op een neerwaartse spiraal.",
                       "en": "Trust is falling: watch for a downward spiral."},
    "answers_hidden": {"nl": "{group}: niet getoond (groep kleiner dan {k} respondenten)",
                       "en": "{group}: not shown (group smaller than {k} respondents)"},
    "type_gemeente": {"nl": "Gemeente", "en": "Municipality"},
    "type_zorgaanbieder": {"nl": "Zorgaanbieder", "en": "Care provider"},
    "type_anders": {"nl": "Anders", "en": "Other"},
    "function_bestuurder": {"nl": "Bestuurder", "en": "Executive"},
    "function_manager": {"nl": "Manager", "en": "Manager"},
    "function_beleidsadviseur": {"nl": "Beleidsadviseur", "en": "Policy adviser"},
    "function_contractmanager": {"nl": "Contractmanager / inkoper", "en": "Contract manager / buyer"},
    "function_uitvoerend_professional": {"nl": "Uitvoerend professional", "en": "Front-line professional"},
    "function_overig": {"nl": "Overig", "en": "Other"},
    # -- region report: plural-aware, no jargon in the main text (jargon is explained in the method note) --
    "heading_key_messages": {"nl": "Samenvatting", "en": "Summary"},
    "heading_summary": {"nl": "Scores per thema", "en": "Scores per theme"},
    "respondents_text": {"nl": "In meting {wave} deden {n:~geen respondenten|# respondent|# respondenten} mee. Het "
                               "aantal uitgenodigden is niet bekend, dus een responspercentage is niet te berekenen.",
                         "en": "{n:~No respondents|# respondent|# respondents} took part in wave {wave}. The number "
                               "invited is not known, so no response rate can be computed."},
    "small_region": {"nl": "In meting {wave} deden in deze regio {n:~geen respondenten|# respondent|# respondenten} mee. "
                           "Dat is minder dan {k}: bij zo weinig respondenten zou een cijfer iets zeggen over personen, "
                           "dus deze rapportage toont geen cijfers en geen open antwoorden. Zodra minstens {k} "
                           "respondenten uit de regio meedoen, volgt een volledige rapportage. De antwoorden tellen wel "
                           "mee in het gemiddelde van alle regio's.",
                     "en": "{n:~No respondents|# respondent|# respondents} from this region took part in wave {wave}. "
                           "That is fewer than {k}: with so few respondents a figure would say something about persons, "
                           "so this report shows no figures and no open answers. A full report follows as soon as at "
                           "least {k} respondents from the region take part. Their answers do count in the mean of all "
                           "regions."},
    "bands_note": {"nl": "De duiding is een vuistregel, geen norm: ≥ {strong:.1f} sterk punt, {concern:.1f}–{strong:.1f} "
                         "aandachtspunt, < {concern:.1f} zorgpunt. De kolom ‘{position}’ zegt of het 95%-"
                         "betrouwbaarheidsinterval van de regio boven of onder het gemiddelde van alle regio's ligt.",
                   "en": "The reading is a rule of thumb, not a norm: ≥ {strong:.1f} strength, {concern:.1f}–{strong:.1f} "
                         "point of attention, < {concern:.1f} concern. The column ‘{position}’ says whether the "
                         "region's 95% confidence interval lies above or below the mean of all regions."},
    "col_position": {"nl": "Ten opzichte van alle regio's", "en": "Compared with all regions"},
    "position_above": {"nl": "hoger", "en": "higher"},
    "position_level": {"nl": "vergelijkbaar", "en": "similar"},
    "position_below": {"nl": "lager", "en": "lower"},
    "trend_rising": {"nl": "↑ stijgend", "en": "↑ rising"},
    "trend_stable": {"nl": "→ stabiel", "en": "→ stable"},
    "trend_falling": {"nl": "↓ dalend", "en": "↓ falling"},
    "col_since": {"nl": "Sinds {year}", "en": "Since {year}"},
    "trend_text": {"nl": "Van {prev} naar {last}: {rising:~geen enkel thema stijgt|# thema stijgt|# thema's stijgen}, "
                         "{stable:~geen is stabiel|# is stabiel|# zijn stabiel} en {falling:~geen daalt|# daalt|# dalen}. "
                         "Een verandering telt als die minstens {change:.2f} punt is én het 95%-"
                         "betrouwbaarheidsinterval nul uitsluit; bij kleine groepen is dus een grotere verandering nodig.",
                   "en": "From {prev} to {last}: {rising:~no theme rises|# theme rises|# themes rise}, "
                         "{stable:~none is stable|# is stable|# are stable} and {falling:~none falls|# falls|# fall}. "
                         "A change counts when it is at least {change:.2f} points and its 95% confidence interval "
                         "excludes zero; small groups therefore need a larger change."},
    "trend_since_text": {"nl": "De kolom ‘Sinds {first}’ vergelijkt meting {last} op dezelfde manier met de eerste "
                               "meting, {first}.",
                         "en": "The column ‘Since {first}’ compares wave {last} in the same way with the first wave, "
                               "{first}."},
    "heatmap_note": {"nl": "Cellen tonen het verschil met het regiogemiddelde: blauw is hoger, rood lager, hoe donkerder "
                           "hoe groter. {n:~Geen enkele cel is leeg gelaten|# cel is leeg gelaten|# cellen zijn leeg "
                           "gelaten} omdat de groep te weinig respondenten had (of om zo’n groep te beschermen).",
                     "en": "Cells show the difference from the regional mean: blue is higher, red lower, darker is "
                           "larger. {n:~No cell is left empty|# cell is left empty|# cells are left empty} because the "
                           "group had too few respondents (or to protect such a group)."},
    "heat_legend_low": {"nl": "lager dan de regio", "en": "lower than the region"},
    "heat_legend_high": {"nl": "hoger dan de regio", "en": "higher than the region"},
    "gap_municipalities_higher": {
        "nl": "Het grootste verschil tussen gemeenten en zorgaanbieders zit bij {theme}: gemeenten scoren {diff:.2f} "
              "punt hoger dan zorgaanbieders, een {size} verschil.",
        "en": "The largest difference between municipalities and providers is on {theme}: municipalities score "
              "{diff:.2f} points higher than providers, a {size} difference."},
    "gap_providers_higher": {
        "nl": "Het grootste verschil tussen gemeenten en zorgaanbieders zit bij {theme}: zorgaanbieders scoren "
              "{diff:.2f} punt hoger dan gemeenten, een {size} verschil.",
        "en": "The largest difference between municipalities and providers is on {theme}: providers score {diff:.2f} "
              "points higher than municipalities, a {size} difference."},
    "gap_none": {"nl": "Gemeenten en zorgaanbieders scoren op alle thema's gelijk.",
                 "en": "Municipalities and providers score the same on every theme."},
    "size_negligible": {"nl": "verwaarloosbaar", "en": "negligible"},
    "size_small": {"nl": "klein", "en": "small"},
    "size_medium": {"nl": "middelgroot", "en": "medium"},
    "size_large": {"nl": "groot", "en": "large"},
    "col_effect": {"nl": "Effectgrootte (g)", "en": "Effect size (g)"},
    "invariance_ok": {"nl": "De vragenlijst meet bij gemeenten en zorgaanbieders hetzelfde, dus hun gemiddelden zijn te "
                            "vergelijken (zie de verantwoording).",
                      "en": "The questionnaire measures the same for municipalities and providers, so their means can "
                            "be compared (see the method note)."},
    "invariance_partial": {"nl": "De vragenlijst meet bij gemeenten en zorgaanbieders niet helemaal hetzelfde: vergelijk "
                                 "hun gemiddelden met voorzichtigheid (zie de verantwoording).",
                           "en": "The questionnaire does not measure quite the same for municipalities and providers: "
                                 "compare their means with caution (see the method note)."},
    "flags_text": {"nl": "{n:~# thema vraagt|# thema's vragen} om aandacht. De interventies zijn suggesties voor het "
                         "gesprek.",
                   "en": "{n:~# theme calls|# themes call} for attention. The interventions are suggestions for the "
                         "conversation."},
    "flag_lowest": {"nl": "laagste thema van deze regio", "en": "lowest theme of this region"},
    "stage_text": {"nl": "De samenwerking heeft fase {stage} ({name}) bereikt: {stage:~fase 1 scoort|fase 1 tot en met # "
                         "scoren elk} gemiddeld minstens {cut:.1f}.",
                   "en": "The collaboration has reached stage {stage} ({name}): {stage:~stage 1 scores|stages 1 to # "
                         "each score} at least {cut:.1f} on average."},
    "items_note": {"nl": "De balken zijn gekleurd naar gunstig (blauw) en ongunstig (rood). Stellingen met "
                         "‘{mark}’ zijn negatief geformuleerd: daar is oneens het gunstige antwoord.",
                   "en": "The bars are coloured by favourable (blue) and unfavourable (red). Statements marked "
                         "‘{mark}’ are worded negatively: there, disagreeing is the favourable answer."},
    "reversed_mark": {"nl": "(omgekeerd)", "en": "(reversed)"},
    "favourable": {"nl": "gunstig", "en": "favourable"},
    "unfavourable": {"nl": "ongunstig", "en": "unfavourable"},
    "method_text": {
        "nl": "Meting {wave}, n = {n}. De betrouwbaarheid (Cronbachs alfa) per thema staat in de tabel hieronder. "
              "Groepen met minder dan {k} respondenten tonen geen cijfer, en zo nodig wordt ook een andere groep "
              "verborgen zodat een verborgen groep niet uit een totaal is terug te rekenen. Open antwoorden alleen "
              "voor groepen van minstens {kc} respondenten, zonder e-mailadressen, telefoonnummers en namen. "
              "Duiding: ≥ {strong:.1f} sterk punt, < {concern:.1f} zorgpunt (vuistregel). Trend: verandering ≥ "
              "{change:.2f} en 95%-betrouwbaarheidsinterval zonder nul. De effectgrootte (Hedges' g) is een verschil "
              "gemeten in standaarddeviaties: vanaf 0,2 klein, vanaf 0,5 middelgroot, vanaf 0,8 groot (Cohen, 1988). "
              "Of gemiddelden van gemeenten en zorgaanbieders te vergelijken zijn, is getoetst met meetinvariantie "
              "over alle regio's (scalaire invariantie: dezelfde ladingen en intercepten in beide groepen). "
              "Samenwerkingsmonitor {version}, vragenlijst {instrument}; het databestand heeft de vingerafdruk "
              "(SHA-256) {sha}…, waarmee te controleren is dat een herhaling dezelfde gegevens gebruikt.",
        "en": "Wave {wave}, n = {n}. The reliability (Cronbach's alpha) per theme is in the table below. Groups with "
              "fewer than {k} respondents show no figure, and where needed another group is hidden too, so that a "
              "hidden group cannot be recovered from a total. Open answers only for groups of at least {kc} "
              "respondents, without e-mail addresses, phone numbers and names. Reading: ≥ {strong:.1f} strength, "
              "< {concern:.1f} concern (rule of thumb). Trend: change ≥ {change:.2f} and 95% confidence interval "
              "excluding zero. The effect size (Hedges' g) is a difference measured in standard deviations: from 0.2 "
              "small, from 0.5 medium, from 0.8 large (Cohen, 1988). Whether the means of municipalities and "
              "providers can be compared was tested with measurement invariance over all regions (scalar "
              "invariance: the same loadings and intercepts in both groups). Samenwerkingsmonitor {version}, "
              "questionnaire {instrument}; the data file has the fingerprint (SHA-256) {sha}…, with which a "
              "repetition can be checked to use the same data."},
    "km_index": {"nl": "De vertrouwensindex is {index:.2f} op een schaal van 1 tot 5; alle regio's samen: {bench:.2f}.",
                 "en": "The trust index is {index:.2f} on a scale from 1 to 5; all regions together: {bench:.2f}."},
    "km_index_change": {"nl": "De vertrouwensindex is {index:.2f} op een schaal van 1 tot 5 ({trend} sinds {prev}); alle "
                              "regio's samen: {bench:.2f}.",
                        "en": "The trust index is {index:.2f} on a scale from 1 to 5 ({trend} since {prev}); all "
                              "regions together: {bench:.2f}."},
    "km_range": {"nl": "Het sterkste thema is {high} ({high_mean:.2f}), het zwakste {low} ({low_mean:.2f}).",
                 "en": "The strongest theme is {high} ({high_mean:.2f}), the weakest {low} ({low_mean:.2f})."},
    "km_rising": {"nl": "Duidelijk gestegen sinds {prev}: {themes}.", "en": "Clearly risen since {prev}: {themes}."},
    "km_falling": {"nl": "Duidelijk gedaald sinds {prev}: {themes}.", "en": "Clearly fallen since {prev}: {themes}."},
    "km_changes": {"nl": "Duidelijk veranderd sinds {prev}: gestegen {up}; gedaald {down}.",
                   "en": "Clearly changed since {prev}: risen {up}; fallen {down}."},
    "km_stable": {"nl": "Sinds {prev} is geen thema duidelijk gestegen of gedaald.",
                  "en": "Since {prev}, no theme has clearly risen or fallen."},
    "km_flags": {"nl": "{n:~# thema vraagt|# thema's vragen} om aandacht, met mogelijke interventies: {themes}.",
                 "en": "{n:~# theme calls|# themes call} for attention, with possible interventions: {themes}."},
    "km_flags_none": {"nl": "Geen thema vraagt om bijzondere aandacht.", "en": "No theme calls for particular attention."},
    "and": {"nl": "en", "en": "and"},
    "alt_profile": {"nl": "Staafdiagram van de gemiddelde score per thema op een schaal van 1 tot 5, met het "
                          "gemiddelde van alle regio's als ruit: {values}.",
                    "en": "Bar chart of the mean score per theme on a scale from 1 to 5, with the mean of all regions "
                          "as a diamond: {values}."},
    "alt_profile_value": {"nl": "{name} {mean:.2f} (alle regio's {bench:.2f})", "en": "{name} {mean:.2f} (all regions {bench:.2f})"},
    "alt_trends": {"nl": "Lijndiagram van de gemiddelde score per thema per meting, {first} tot {last}: {values}.",
                   "en": "Line chart of the mean score per theme per wave, {first} to {last}: {values}."},
    "alt_trends_value": {"nl": "{name} van {start:.2f} naar {end:.2f}", "en": "{name} from {start:.2f} to {end:.2f}"},
    "alt_gap": {"nl": "Puntdiagram van de gemiddelde score per thema van gemeenten en van zorgaanbieders: {values}.",
                "en": "Dot plot of the mean score per theme of municipalities and of providers: {values}."},
    "alt_gap_value": {"nl": "{name}: gemeenten {a:.2f}, zorgaanbieders {b:.2f}",
                      "en": "{name}: municipalities {a:.2f}, providers {b:.2f}"},
    "alt_items": {"nl": "Gestapelde staafdiagram van de antwoorden per stelling, van ongunstig (rood) tot gunstig "
                        "(blauw): {values}.",
                  "en": "Stacked bar chart of the answers per statement, from unfavourable (red) to favourable (blue): "
                        "{values}."},
    "alt_items_value": {"nl": "{name}: {good:.0f}% gunstig, {bad:.0f}% ongunstig",
                        "en": "{name}: {good:.0f}% favourable, {bad:.0f}% unfavourable"},
}
TEXTS.update(REPORT_TEXTS)

# The PDF's cover, contents and page numbers (monitor.reports.pdf) and the index of a rendered wave (monitor.render.publish).
PDF_TEXTS: dict[str, dict[str, str]] = {
    "pdf_product": {"nl": "Samenwerkingsmonitor", "en": "Collaboration monitor"},
    "pdf_contents": {"nl": "Inhoud", "en": "Contents"},
    "pdf_page": {"nl": "Pagina {page} van {total}", "en": "Page {page} of {total}"},
    "pdf_wave": {"nl": "Meting {wave}", "en": "Wave {wave}"},
    "pdf_date": {"nl": "Rapportage van {date}", "en": "Report of {date}"},
    "index_title": {"nl": "Samenwerkingsmonitor — meting {wave}", "en": "Collaboration monitor — wave {wave}"},
    "index_intro": {"nl": "Alle rapportages van deze meting. Klik op een kolomkop om op die kolom te sorteren.",
                    "en": "Every report of this wave. Click a column heading to sort by that column."},
    "index_report": {"nl": "Rapportage", "en": "Report"},
    "index_kind": {"nl": "Soort", "en": "Kind"},
    "index_n": {"nl": "n", "en": "n"},
    "index_trust": {"nl": "Vertrouwensindex", "en": "Trust index"},
    "index_change": {"nl": "Verandering", "en": "Change"},
    "index_html": {"nl": "Webpagina", "en": "Web page"},
    "index_pdf": {"nl": "PDF", "en": "PDF"},
    "index_json": {"nl": "Gegevens", "en": "Data"},
    "index_status": {"nl": "Status", "en": "Status"},
    "index_time": {"nl": "Rekentijd", "en": "Render time"},
    "index_ok": {"nl": "gelukt", "en": "done"},
    "index_failed": {"nl": "mislukt: {error}", "en": "failed: {error}"},
    "index_cancelled": {"nl": "afgebroken: {error}", "en": "cancelled: {error}"},
    "index_kind_region": {"nl": "Regiorapportage", "en": "Region report"},
    "index_kind_validity": {"nl": "Validiteit van de vragenlijst", "en": "Questionnaire validity"},
    "index_kind_thesis": {"nl": "Samenwerkingsfactoren (scriptie-analyse)", "en": "Collaboration factors (thesis analysis)"},
    **{f"month_{i}": {"nl": nl, "en": en} for i, (nl, en) in enumerate(zip(
        "januari februari maart april mei juni juli augustus september oktober november december".split(),
        "January February March April May June July August September October November December".split(),
        strict=True), start=1)},
}
TEXTS.update(PDF_TEXTS)

THESIS_TEXTS: dict[str, dict[str, str]] = {
    "th_question": {
        "en": "**Research question.** Which collaboration factors shape how municipalities and care providers work "
              "together, and so the {outcome}?\n\n**Method.** {n:,} responses from {regions} regions, waves {waves}. "
              "The {k} collaboration factors of the questionnaire are examined with exploratory factor analysis "
              "({correlation} correlations, {rotation} rotation, number of factors: {n_factors}); factor scores are "
              "the scale means. The explanatory model regresses the {outcome} on the factors (standardized, with "
              "standard errors clustered by region), and a path model tests whether trust ({mediator}) mediates "
              "their effect, with bootstrap confidence intervals for the indirect effects.",
        "nl": "**Onderzoeksvraag.** Welke samenwerkingsfactoren bepalen hoe gemeenten en zorgaanbieders samenwerken, "
              "en daarmee de {outcome}?\n\n**Methode.** {n:,} antwoorden uit {regions} regio's, metingen {waves}. "
              "De {k} samenwerkingsfactoren van de vragenlijst worden onderzocht met exploratieve factoranalyse "
              "({correlation} correlaties, {rotation}-rotatie, aantal factoren: {n_factors}); factorscores zijn de "
              "schaalgemiddelden. Het verklarende model regresseert de {outcome} op de factoren (gestandaardiseerd, "
              "met standaardfouten geclusterd per regio), en een padmodel toetst of vertrouwen ({mediator}) hun "
              "effect medieert, met bootstrap-betrouwbaarheidsintervallen voor de indirecte effecten."},
    "th_model": {"en": "n = {n:,} in {clusters} regions; R² = {r2:.3f} (adjusted {adj:.3f}).",
                 "nl": "n = {n:,} in {clusters} regio's; R² = {r2:.3f} (gecorrigeerd {adj:.3f})."},
    "th_few_clusters": {
        "en": " With only {clusters} regions as clusters, cluster-robust standard errors tend to be too small "
              "(Cameron & Miller, 2015); read the p-values with care.",
        "nl": " Met maar {clusters} regio's als clusters zijn clusterrobuuste standaardfouten vaak te klein "
              "(Cameron & Miller, 2015); lees de p-waarden met voorzichtigheid."},
    "th_inv_none": {"en": "Measurement invariance was not tested, so the comparison of means is descriptive only.",
                    "nl": "Meetinvariantie is niet getoetst; de vergelijking van gemiddelden is alleen beschrijvend."},
    "th_inv_ok": {"en": "Scalar invariance holds for the collaboration factors across the groups, so the means can be "
                        "compared.",
                  "nl": "Scalaire invariantie houdt stand voor de samenwerkingsfactoren, dus de gemiddelden zijn te "
                        "vergelijken."},
    "th_inv_not": {"en": "Scalar invariance does not hold for the collaboration factors across the groups: compare the "
                         "means with caution.",
                   "nl": "Scalaire invariantie houdt geen stand voor de samenwerkingsfactoren: vergelijk de gemiddelden "
                         "met voorzichtigheid."},
    "th_range": {"en": "- The lowest-scoring factor is **{low}** (mean {low_mean:.2f}), the highest-scoring **{high}** "
                       "(mean {high_mean:.2f}).",
                 "nl": "- De laagst scorende factor is **{low}** (gemiddelde {low_mean:.2f}), de hoogst scorende "
                       "**{high}** (gemiddelde {high_mean:.2f})."},
    "th_range_unfavourable": {"en": " For **{name}** a high score is unfavourable.",
                              "nl": " Bij **{name}** is een hoge score ongunstig."},
    "th_predictor": {"en": "- The strongest predictor of the {outcome} is **{name}** (β = {beta:.2f}, p {p}); {k} of "
                           "{total} factors predict it significantly.",
                     "nl": "- De sterkste voorspeller van de {outcome} is **{name}** (β = {beta:.2f}, p {p}); {k} van de "
                           "{total} factoren voorspellen die significant."},
    "th_negative": {"en": "- **{name}** works against the outcome (β = {beta:.2f}).",
                    "nl": "- **{name}** werkt de uitkomst tegen (β = {beta:.2f})."},
    "th_mediated": {"en": "- Trust mediates part of the effect of {k:~# factor|# factors}: {parts}.",
                    "nl": "- Vertrouwen medieert een deel van het effect van {k:~# factor|# factoren}: {parts}."},
    "th_mediated_part": {"en": "{name} ({indirect:+.3f}, 95% CI {low:.3f} to {high:.3f})",
                         "nl": "{name} ({indirect:+.3f}, 95%-BI {low:.3f} tot {high:.3f})"},
    "th_no_mediation": {"en": "- No indirect effect through trust is distinguishable from zero.",
                        "nl": "- Geen enkel indirect effect via vertrouwen is van nul te onderscheiden."},
    "th_gap": {"en": "- The groups differ most on **{name}** (difference {diff:+.2f}, Hedges' g = {g:.2f}).",
               "nl": "- De groepen verschillen het meest op **{name}** (verschil {diff:+.2f}, Hedges' g = {g:.2f})."},
    "th_path": {"en": "Path model (semopy): χ²({df}) = {chi2:.2f}; the model is saturated, so its fit is perfect by "
                      "construction; {n_boot} bootstrap resamples by region.",
                "nl": "Padmodel (semopy): χ²({df}) = {chi2:.2f}; het model is verzadigd en past dus per definitie "
                      "perfect; {n_boot} bootstrap-steekproeven per regio."},
    "th_recommendations": {"en": "**Recommendations linked to these factors (from the thesis):**",
                           "nl": "**Aanbevelingen bij deze factoren (uit de scriptie):**"},
    # Captions (th_tab_*) and notes (th_note_*) of the thesis tables (monitor.analyses.thesis.TABLES).
    "th_tab_sample_type_wave": {"en": "Respondents by organisation type and wave",
                                "nl": "Respondenten naar type organisatie en meting"},
    "th_tab_sample_function_type": {"en": "Respondents by function and organisation type",
                                    "nl": "Respondenten naar functie en type organisatie"},
    "th_tab_sample_region_wave": {"en": "Respondents by region and wave", "nl": "Respondenten naar regio en meting"},
    "th_tab_suitability": {"en": "Sampling adequacy per item (MSA) and overall (KMO)",
                           "nl": "Geschiktheid voor factoranalyse per item (MSA) en in totaal (KMO)"},
    "th_tab_parallel_analysis": {"en": "Eigenvalues of the observed data against random data (parallel analysis)",
                                 "nl": "Eigenwaarden van de waargenomen data tegenover toevalsdata (parallelle analyse)"},
    "th_tab_efa_loadings": {"en": "Factor loadings of the collaboration items",
                            "nl": "Factorladingen van de samenwerkingsitems"},
    "th_tab_factor_names": {"en": "Extracted factors, their intended scale and highest loadings",
                            "nl": "Gevonden factoren, hun beoogde schaal en hoogste ladingen"},
    "th_tab_reliability": {"en": "Reliability per scale", "nl": "Betrouwbaarheid per schaal"},
    "th_tab_item_statistics": {"en": "Item statistics", "nl": "Itemstatistieken"},
    "th_tab_correlations": {"en": "Means, standard deviations and correlations",
                            "nl": "Gemiddelden, standaarddeviaties en correlaties"},
    "th_tab_regression": {"en": "Standardized regression of the {outcome} on the collaboration factors",
                          "nl": "Gestandaardiseerde regressie van de {outcome} op de samenwerkingsfactoren"},
    "th_tab_indirect_effects": {"en": "Direct and indirect effects through the {mediator}",
                                "nl": "Directe en indirecte effecten via de {mediator}"},
    "th_tab_invariance": {"en": "Measurement invariance of the collaboration factors across {group}",
                          "nl": "Meetinvariantie van de samenwerkingsfactoren tussen {group}"},
    "th_tab_perspectives": {"en": "{first} and {second} compared", "nl": "{first} en {second} vergeleken"},
    "th_note_sample": {"en": "Counts of respondents; waves {waves}.", "nl": "Aantallen respondenten; metingen {waves}."},
    "th_note_suitability": {"en": "Computed from {correlations} (Kaiser, 1974).",
                            "nl": "Berekend uit {correlations} (Kaiser, 1974)."},
    "th_note_parallel_analysis": {
        "en": "PC: principal components; FA: common factors. Random data: simulated and resampled data of the same "
              "size (Horn, 1965).",
        "nl": "PC: hoofdcomponenten; FA: gemeenschappelijke factoren. Toevalsdata: gesimuleerde en hersteekproefde "
              "data van dezelfde omvang (Horn, 1965)."},
    "th_note_efa_loadings": {"en": "Minimum residual extraction, {rotation} rotation, {correlations}.",
                             "nl": "Minimum-residu-extractie, {rotation}-rotatie, {correlations}."},
    "th_note_factor_names": {"en": "Intended items: items of the intended scale that load highest on this factor.",
                             "nl": "Beoogde items: items van de beoogde schaal die het hoogst op deze factor laden."},
    "th_note_reliability": {"en": "α with its 95% confidence interval (Cronbach, 1951; Feldt, 1965); ω total after "
                                  "McDonald (1999); k: number of items.",
                            "nl": "α met het 95%-betrouwbaarheidsinterval (Cronbach, 1951; Feldt, 1965); ω totaal naar "
                                  "McDonald (1999); k: aantal items."},
    "th_note_item_statistics": {"en": "Missing, floor, ceiling and p1 to p5 are proportions; item-rest r and α if "
                                      "deleted are computed within the item's scale.",
                                "nl": "Ontbrekend, bodem, plafond en p1 tot p5 zijn proporties; item-rest r en α zonder "
                                      "item zijn berekend binnen de schaal van het item."},
    "th_note_correlations": {"en": "Pearson correlations, pairwise; n = {n_min:,} to {n_max:,}. {marks}.",
                             "nl": "Pearson-correlaties, paarsgewijs; n = {n_min:,} tot {n_max:,}. {marks}."},
    "th_note_regression": {"en": "Ordinary least squares on z-scores; n = {n:,}; standard errors clustered by region "
                                 "({clusters} regions; Cameron & Miller, 2015); R² = {r2:.3f}.",
                           "nl": "Kleinste-kwadratenregressie op z-scores; n = {n:,}; standaardfouten geclusterd per "
                                 "regio ({clusters} regio's; Cameron & Miller, 2015); R² = {r2:.3f}."},
    "th_note_indirect_effects": {
        "en": "a: factor → {mediator}; b: {mediator} → outcome; standardized. Percentile bootstrap {level:.0f}% "
              "confidence interval of a × b from {n_boot:,} resamples of whole regions (Preacher & Hayes, 2008).",
        "nl": "a: factor → {mediator}; b: {mediator} → uitkomst; gestandaardiseerd. Percentiel-bootstrap-{level:.0f}%-"
              "betrouwbaarheidsinterval van a × b uit {n_boot:,} hersteekproeven van hele regio's (Preacher & Hayes, "
              "2008)."},
    "th_note_invariance": {"en": "Δ: change from the previous model. A step holds when CFI drops by no more than "
                                 "{cfi:.3f} and RMSEA rises by no more than {rmsea:.3f} (Chen, 2007).",
                           "nl": "Δ: verandering ten opzichte van het vorige model. Een stap houdt stand als de CFI met "
                                 "niet meer dan {cfi:.3f} daalt en de RMSEA met niet meer dan {rmsea:.3f} stijgt "
                                 "(Chen, 2007)."},
    "th_note_perspectives": {
        "en": "Difference: {first} minus {second}, with its Welch 95% confidence interval (Welch, 1947); Hedges' g "
              "(Hedges & Olkin, 1985); p from Welch's t-test. Not computed when a group has fewer than {min_n} "
              "answers.",
        "nl": "Verschil: {first} min {second}, met het Welch-95%-betrouwbaarheidsinterval (Welch, 1947); Hedges' g "
              "(Hedges & Olkin, 1985); p uit de t-toets van Welch. Niet berekend als een groep minder dan {min_n} "
              "antwoorden heeft."},
    "th_total": {"en": "Total", "nl": "Totaal"},
    "th_coefficient_axis": {"en": "standardized coefficient (β) with 95% CI",
                            "nl": "gestandaardiseerde coëfficiënt (β) met 95%-BI"},
    "th_inv_configural": {"en": "Configural", "nl": "Configuraal"},
    "th_inv_metric": {"en": "Metric", "nl": "Metrisch"},
    "th_inv_scalar": {"en": "Scalar", "nl": "Scalair"},
    "th_exported": {"en": "Tables written to `{folder}` (CSV with full precision, Markdown, LaTeX). The LaTeX needs "
                          "`\\usepackage{{booktabs}}`; the wide tables ({wide}) are longtables on landscape pages "
                          "and also need `\\usepackage{{longtable}}` and `\\usepackage{{pdflscape}}`.",
                    "nl": "Tabellen geschreven naar `{folder}` (CSV met volle precisie, Markdown, LaTeX). De LaTeX "
                          "vraagt `\\usepackage{{booktabs}}`; de brede tabellen ({wide}) zijn longtables op liggende "
                          "pagina's en vragen ook `\\usepackage{{longtable}}` en `\\usepackage{{pdflscape}}`."},
}
TEXTS.update(THESIS_TEXTS)

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
    "col_alpha": {"en": "α", "nl": "α"},
    "col_ci_low": {"en": "95% CI low", "nl": "95%-BI onder"},
    "col_ci_high": {"en": "95% CI high", "nl": "95%-BI boven"},
    "col_std_alpha": {"en": "α (std.)", "nl": "α (gest.)"},
    "col_average_r": {"en": "mean r", "nl": "gem. r"},
    "col_omega_total": {"en": "ω total", "nl": "ω totaal"},
    "col_ordinal_alpha": {"en": "ordinal α", "nl": "ordinale α"},
    "col_ordinal_omega_total": {"en": "ordinal ω", "nl": "ordinale ω"},
    "col_missing_share": {"en": "missing", "nl": "ontbrekend"},
    "col_mean": {"en": "M", "nl": "M"},
    "col_sd": {"en": "SD", "nl": "SD"},
    "col_skew": {"en": "skew", "nl": "scheefheid"},
    "col_floor_share": {"en": "floor", "nl": "bodem"},
    "col_ceiling_share": {"en": "ceiling", "nl": "plafond"},
    "col_item_rest_r": {"en": "item-rest r", "nl": "item-rest r"},
    "col_alpha_if_deleted": {"en": "α if deleted", "nl": "α zonder item"},
    "col_scale": {"en": "scale", "nl": "schaal"},
    "col_communality": {"en": "h²", "nl": "h²"},
    "col_composite_reliability": {"en": "CR", "nl": "CR"},
    "col_ave": {"en": "AVE", "nl": "AVE"},
    "col_max_r2": {"en": "max. r²", "nl": "max. r²"},
    "col_value": {"en": "value", "nl": "waarde"},
    "col_cutoff": {"en": "cut-off", "nl": "grens"},
    "col_acceptable": {"en": "acceptable", "nl": "acceptabel"},
    "col_chi2": {"en": "χ²", "nl": "χ²"},
    "col_p_value": {"en": "p", "nl": "p"},
    "col_delta_chi2": {"en": "Δχ²", "nl": "Δχ²"},
    "col_delta_df": {"en": "Δdf", "nl": "Δdf"},
    "col_delta_cfi": {"en": "ΔCFI", "nl": "ΔCFI"},
    "col_delta_rmsea": {"en": "ΔRMSEA", "nl": "ΔRMSEA"},
    "col_delta_p": {"en": "Δp", "nl": "Δp"},
    "col_parameter": {"en": "parameter", "nl": "parameter"},
    "col_kind": {"en": "kind", "nl": "soort"},
    "col_mi": {"en": "MI", "nl": "MI"},
    "col_epc": {"en": "EPC", "nl": "EPC"},
    "col_text": {"en": "text", "nl": "tekst"},
    "col_reasons": {"en": "reasons", "nl": "redenen"},
}
TEXTS.update(VALIDITY_TEXTS)


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
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    try:
        template = TEXTS[key][language]
    except KeyError as exc:
        raise KeyError(f"no text {key!r}") from exc
    number_type, count_type = (_DutchNumber, _DutchCount) if language == "nl" else (_Number, _Count)
    values = {k: number_type(v) if isinstance(v, float) else
              count_type(v) if isinstance(v, int) and not isinstance(v, bool) else v
              for k, v in values.items()}
    return template.format(**values)
