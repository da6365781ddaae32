"""Texts and labels in Dutch and English: the one place for words the notebooks print.

Questionnaire wording (items, scales, answer labels) lives in the instrument file; this
module holds the words of the analyses around it.
"""

from __future__ import annotations

__all__ = ["text", "number", "dutch", "LANGUAGES"]

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
    "heading_summary": {"nl": "Samenvatting", "en": "Summary"},
    "heading_profile": {"nl": "Themaprofiel", "en": "Theme profile"},
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
    "respondents_text": {"nl": "In meting {wave} deden {n} respondenten mee. Het aantal uitgenodigden is niet bekend, "
                               "dus een responspercentage is niet te berekenen.",
                         "en": "{n} respondents took part in wave {wave}. The number invited is not known, so no "
                               "response rate can be computed."},
    "summary_text": {"nl": "De vertrouwensindex is {index:.2f} (95%-BI {low:.2f}–{high:.2f}, n = {n}); alle regio's "
                           "samen: {bench:.2f}.",
                     "en": "The trust index is {index:.2f} (95% CI {low:.2f}–{high:.2f}, n = {n}); all regions "
                           "together: {bench:.2f}."},
    "summary_hidden": {"nl": "De vertrouwensindex van deze regio wordt niet getoond, om kleine groepen te beschermen.",
                       "en": "This region's trust index is not shown, to protect small groups."},
    "small_region": {"nl": "In meting {wave} deden in deze regio {n} respondenten mee. Dat is minder dan {k}: bij zo "
                           "weinig respondenten zou een cijfer iets zeggen over personen, dus deze rapportage toont "
                           "geen cijfers en geen open antwoorden. Zodra minstens {k} respondenten uit de regio "
                           "meedoen, volgt een volledige rapportage. De antwoorden tellen wel mee in het gemiddelde "
                           "van alle regio's.",
                     "en": "{n} respondents from this region took part in wave {wave}. That is fewer than {k}: with "
                           "so few respondents a figure would say something about persons, so this report shows no "
                           "figures and no open answers. A full report follows as soon as at least {k} respondents "
                           "from the region take part. Their answers do count in the mean of all regions."},
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
    "col_change": {"nl": "Verandering (95%-BI)", "en": "Change (95% CI)"},
    "col_gap": {"nl": "Verschil gemeente − zorgaanbieder (95%-BI)", "en": "Difference municipality − provider (95% CI)"},
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
    "bands_note": {"nl": "De duiding is een vuistregel, geen norm: ≥ {strong:.1f} sterk punt, {concern:.1f}–{strong:.1f} "
                         "aandachtspunt, < {concern:.1f} zorgpunt.",
                   "en": "The reading is a rule of thumb, not a norm: ≥ {strong:.1f} strength, {concern:.1f}–{strong:.1f} "
                         "point of attention, < {concern:.1f} concern."},
    "all_regions": {"nl": "alle regio's", "en": "all regions"},
    "this_region": {"nl": "deze regio", "en": "this region"},
    "mean_scale": {"nl": "gemiddelde (1–5)", "en": "mean (1–5)"},
    "too_few": {"nl": "te weinig respondenten", "en": "too few respondents"},
    "too_few_short": {"nl": "te weinig", "en": "too few"},
    "trend_rising": {"nl": "stijgend", "en": "rising"},
    "trend_stable": {"nl": "stabiel", "en": "stable"},
    "trend_falling": {"nl": "dalend", "en": "falling"},
    "trend_too_few": {"nl": "te weinig respondenten", "en": "too few respondents"},
    "trend_text": {"nl": "Van {prev} naar {last}: {rising} thema('s) stijgend, {stable} stabiel, {falling} dalend. Een "
                         "verandering telt als die minstens 0,10 punt is én het 95%-betrouwbaarheidsinterval nul "
                         "uitsluit; bij kleine groepen is dus een grotere verandering nodig.",
                   "en": "From {prev} to {last}: {rising} theme(s) rising, {stable} stable, {falling} falling. A change "
                         "counts when it is at least 0.10 points and its 95% confidence interval excludes zero; small "
                         "groups therefore need a larger change."},
    "trend_none": {"nl": "Er is maar één meting; trends volgen vanaf de tweede meting.",
                   "en": "There is only one wave; trends follow from the second wave."},
    "diff_from_region": {"nl": "verschil met regiogemiddelde", "en": "difference from regional mean"},
    "heatmap_note": {"nl": "Cellen tonen het verschil met het regiogemiddelde; {n} cel(len) met te weinig respondenten "
                           "(of nodig om die te beschermen) zijn leeg gelaten.",
                     "en": "Cells show the difference from the regional mean; {n} cell(s) with too few respondents (or "
                           "needed to protect those) are left empty."},
    "municipality": {"nl": "Gemeente", "en": "Municipality"},
    "gap_text": {"nl": "Het grootste verschil tussen gemeenten en zorgaanbieders zit bij {theme} ({diff:+.2f}, "
                       "Hedges' g = {g:.2f}).",
                 "en": "The largest difference between municipalities and providers is on {theme} ({diff:+.2f}, "
                       "Hedges' g = {g:.2f})."},
    "invariance_ok": {"nl": "De vragenlijst meet bij gemeenten en zorgaanbieders hetzelfde (scalaire invariantie over "
                            "alle regio's), dus de gemiddelden zijn vergelijkbaar.",
                      "en": "The questionnaire measures the same for municipalities and providers (scalar invariance "
                            "over all regions), so the means are comparable."},
    "invariance_partial": {"nl": "Alleen metrische invariantie is vastgesteld: vergelijk de gemiddelden met voorzichtigheid.",
                           "en": "Only metric invariance holds: compare the means with caution."},
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
    "flags_text": {"nl": "{n} thema('s) vragen om aandacht. De interventies zijn suggesties voor het gesprek.",
                   "en": "{n} theme(s) call for attention. The interventions are suggestions for the conversation."},
    "stages_missing": {"nl": "De levenscyclusvragen zijn niet afgenomen.", "en": "The life-cycle items were not asked."},
    "stage_text": {"nl": "De samenwerking heeft fase {stage} ({name}) bereikt: alle fasen tot en met deze scoren "
                         "gemiddeld minstens {cut:.1f}.",
                   "en": "The collaboration has reached stage {stage} ({name}): every stage up to it scores at least "
                         "{cut:.1f} on average."},
    "stage_none": {"nl": "Ook de eerste fase (bekendheid) scoort gemiddeld onder {cut:.1f}.",
                   "en": "Even the first stage (familiarity) scores below {cut:.1f} on average."},
    "spiral_rising": {"nl": "Het vertrouwen stijgt: een opwaartse spiraal.", "en": "Trust is rising: an upward spiral."},
    "spiral_falling": {"nl": "Het vertrouwen daalt: let op een neerwaartse spiraal.",
                       "en": "Trust is falling: watch for a downward spiral."},
    "answers_hidden": {"nl": "{group}: niet getoond (groep kleiner dan {k} respondenten)",
                       "en": "{group}: not shown (group smaller than {k} respondents)"},
    "method_text": {
        "nl": "Meting {wave}, n = {n}. De betrouwbaarheid (Cronbachs alfa) per thema staat in de tabel hieronder. "
              "Groepen met minder dan {k} respondenten tonen geen cijfer, en zo nodig wordt ook een andere groep "
              "verborgen zodat een verborgen groep niet uit een totaal is terug te rekenen. Open antwoorden alleen "
              "voor groepen van minstens {kc} respondenten, zonder e-mailadressen, telefoonnummers en namen. "
              "Duiding: ≥ {strong:.1f} sterk punt, < {concern:.1f} zorgpunt (vuistregel). Trend: verandering ≥ "
              "{change:.2f} en 95%-BI zonder nul. Databestand SHA-256 {sha}…; samenwerkingsmonitor {version}, "
              "vragenlijst {instrument}.",
        "en": "Wave {wave}, n = {n}. The reliability (Cronbach's alpha) per theme is in the table below. Groups with "
              "fewer than {k} respondents show no figure, and where needed another group is hidden too, so that a "
              "hidden group cannot be recovered from a total. Open answers only for groups of at least {kc} "
              "respondents, without e-mail addresses, phone numbers and names. Reading: ≥ {strong:.1f} strength, "
              "< {concern:.1f} concern (rule of thumb). Trend: change ≥ {change:.2f} and 95% CI excluding zero. Data "
              "file SHA-256 {sha}…; samenwerkingsmonitor {version}, questionnaire {instrument}."},
    "type_gemeente": {"nl": "Gemeente", "en": "Municipality"},
    "type_zorgaanbieder": {"nl": "Zorgaanbieder", "en": "Care provider"},
    "type_anders": {"nl": "Anders", "en": "Other"},
    "function_bestuurder": {"nl": "Bestuurder", "en": "Executive"},
    "function_manager": {"nl": "Manager", "en": "Manager"},
    "function_beleidsadviseur": {"nl": "Beleidsadviseur", "en": "Policy adviser"},
    "function_contractmanager": {"nl": "Contractmanager / inkoper", "en": "Contract manager / buyer"},
    "function_uitvoerend_professional": {"nl": "Uitvoerend professional", "en": "Front-line professional"},
    "function_overig": {"nl": "Overig", "en": "Other"},
}
TEXTS.update(REPORT_TEXTS)

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
              "(Cameron & Miller 2015); read the p-values with care.",
        "nl": " Met maar {clusters} regio's als clusters zijn clusterrobuuste standaardfouten vaak te klein "
              "(Cameron & Miller 2015); lees de p-waarden met voorzichtigheid."},
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
                       "(mean {high_mean:.2f}; for the argumentative process a high score is unfavourable).",
                 "nl": "- De laagst scorende factor is **{low}** (gemiddelde {low_mean:.2f}), de hoogst scorende "
                       "**{high}** (gemiddelde {high_mean:.2f}; bij het argumentatieve proces is een hoge score "
                       "ongunstig)."},
    "th_predictor": {"en": "- The strongest predictor of the {outcome} is **{name}** (β = {beta:.2f}, p {p}); {k} of "
                           "{total} factors predict it significantly.",
                     "nl": "- De sterkste voorspeller van de {outcome} is **{name}** (β = {beta:.2f}, p {p}); {k} van de "
                           "{total} factoren voorspellen die significant."},
    "th_negative": {"en": "- **{name}** works against the outcome (β = {beta:.2f}).",
                    "nl": "- **{name}** werkt de uitkomst tegen (β = {beta:.2f})."},
    "th_mediated": {"en": "- Trust mediates part of the effect of {k} factor(s): {parts}.",
                    "nl": "- Vertrouwen medieert een deel van het effect van {k} factor(en): {parts}."},
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
}
TEXTS.update(THESIS_TEXTS)


class _DutchNumber(float):
    """A float that formats with a decimal comma (and a point between thousands)."""

    def __format__(self, spec: str) -> str:
        return dutch(format(float(self), spec))


class _DutchInteger(int):
    """An int that formats with a point between thousands (``{n:,}`` gives ``3.600``)."""

    def __format__(self, spec: str) -> str:
        return dutch(format(int(self), spec))


def dutch(formatted: str) -> str:
    """Swap the separators of a formatted number: ``1,234.5`` becomes ``1.234,5``."""
    return formatted.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def number(value: float, spec: str = ".2f", language: str = "en") -> str:
    """Format a number for ``language`` (Dutch: decimal comma); missing as an en dash."""
    if value is None or value != value:
        return "–"
    formatted = format(value, spec)
    return dutch(formatted) if language == "nl" else formatted


def text(key: str, language: str = "en", **values) -> str:
    """The text ``key`` in ``language``, filled in with ``values`` (Dutch numbers for ``nl``)."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    try:
        template = TEXTS[key][language]
    except KeyError as exc:
        raise KeyError(f"no text {key!r}") from exc
    if language == "nl":
        values = {k: _DutchNumber(v) if isinstance(v, float) else
                  _DutchInteger(v) if isinstance(v, int) and not isinstance(v, bool) else v
                  for k, v in values.items()}
    return template.format(**values)
