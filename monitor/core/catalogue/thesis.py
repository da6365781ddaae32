"""The words of the thesis-style analysis: chapters, captions and notes of its tables."""

from __future__ import annotations

__all__ = ["THESIS_TEXTS"]

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
        "en": "With only {clusters} regions as clusters, cluster-robust standard errors tend to be too small "
              "(Cameron & Miller, 2015); read the p-values with care.",
        "nl": "Met maar {clusters} regio's als clusters zijn clusterrobuuste standaardfouten vaak te klein "
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
    "th_path": {"en": "Path model (maximum likelihood, as lavaan's sem): χ²({df}) = {chi2:.2f}; the model is saturated, so its fit is perfect by "
                      "construction; {n_boot} bootstrap resamples by region.",
                "nl": "Padmodel (meest aannemelijke schatting, als lavaans sem): χ²({df}) = {chi2:.2f}; het model is verzadigd en past dus per definitie "
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
    "th_exported": {"en": "Tables written to `{folder}` (CSV with full precision, Markdown, LaTeX), with the references "
                          "as BibTeX (`{bib}`). The LaTeX needs "
                          "`\\usepackage{{booktabs}}`; the wide tables ({wide}) are longtables on landscape pages "
                          "and also need `\\usepackage{{longtable}}` and `\\usepackage{{pdflscape}}`.",
                    "nl": "Tabellen geschreven naar `{folder}` (CSV met volle precisie, Markdown, LaTeX), met de literatuur "
                          "als BibTeX (`{bib}`). De LaTeX "
                          "vraagt `\\usepackage{{booktabs}}`; de brede tabellen ({wide}) zijn longtables op liggende "
                          "pagina's en vragen ook `\\usepackage{{longtable}}` en `\\usepackage{{pdflscape}}`."},
}
