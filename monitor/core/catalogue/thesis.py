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
    # The notebook's title, and a heading and introduction per chapter (thesis.section).
    "th_head_title": {"en": "Collaboration factors, trust and transformation results",
                      "nl": "Samenwerkingsfactoren, vertrouwen en transformatieresultaten"},
    "th_intro_title": {
        "en": "A thesis-style analysis of the samenwerkingsmonitor data, after the master's thesis *Laveren binnen "
              "het Constructief Conflict* (Mejres, Van Erve & Van Veenendaal): which factors shape the "
              "collaboration between municipalities and care providers in task-based contracting, and so the "
              "transformation results?\n\n"
              "The argument runs in seven steps. The sample (2) shows who answered. The factor structure (3) checks "
              "that the collaboration items measure the seven factors the thesis names, reliably. Descriptives and "
              "correlations (4) show how the factors, trust and the outcome move together. The explanatory model "
              "(5) asks which factors predict the perceived transformation results when taken together, and how "
              "much of that runs through trust. The perspectives (6) compare municipalities and care providers, as "
              "far as the measurement allows. The findings (7) link the strongest and weakest factors back to the "
              "thesis's recommendations.\n\n"
              "Every number, threshold and verdict in the text below the headings is computed by `monitor` from "
              "the data and the parameters; all text follows the `language` parameter (`nl` or `en`). Every table "
              "is shown in APA style and written to the output folder (CSV, Markdown, LaTeX), every figure as PNG "
              "and SVG. The LaTeX tables need `\\usepackage{{booktabs}}`; wide tables are longtables on landscape "
              "pages and also need `\\usepackage{{longtable}}` and `\\usepackage{{pdflscape}}`.",
        "nl": "Een analyse in de stijl van een scriptie van de gegevens van de samenwerkingsmonitor, naar de "
              "masterscriptie *Laveren binnen het Constructief Conflict* (Mejres, Van Erve & Van Veenendaal): welke "
              "factoren bepalen de samenwerking tussen gemeenten en zorgaanbieders bij taakgericht contracteren, en "
              "daarmee de transformatieresultaten?\n\n"
              "Het betoog loopt in zeven stappen. De steekproef (2) laat zien wie er antwoordden. De "
              "factorstructuur (3) gaat na of de samenwerkingsitems de zeven factoren uit de scriptie betrouwbaar "
              "meten. Beschrijvende statistiek en correlaties (4) laten zien hoe de factoren, het vertrouwen en de "
              "uitkomst samenhangen. Het verklarende model (5) gaat na welke factoren samen de ervaren "
              "transformatieresultaten voorspellen, en hoeveel daarvan via vertrouwen loopt. De perspectieven (6) "
              "vergelijken gemeenten en zorgaanbieders, voor zover de meting dat toelaat. De bevindingen (7) "
              "verbinden de sterkste en zwakste factoren met de aanbevelingen uit de scriptie.\n\n"
              "Elk getal, elke drempel en elk oordeel in de tekst onder de koppen berekent `monitor` uit de "
              "gegevens en de parameters; alle tekst volgt de parameter `language` (`nl` of `en`). Elke tabel "
              "staat in APA-stijl in het notebook en in de uitvoermap (CSV, Markdown, LaTeX), elke figuur als PNG "
              "en SVG. De LaTeX-tabellen vragen `\\usepackage{{booktabs}}`; brede tabellen zijn longtables op "
              "liggende pagina's en vragen ook `\\usepackage{{longtable}}` en `\\usepackage{{pdflscape}}`.",
    },
    "th_head_question": {"en": "1. Research question and method", "nl": "1. Onderzoeksvraag en methode"},
    "th_intro_question": {
        "en": "The thesis asks which factors influence how municipalities and care providers shape their "
              "collaboration. Here the question is put to the survey: the collaboration module measures each "
              "factor with several items, and the outcome is the respondents' view of the transformation results.",
        "nl": "De scriptie vraagt welke factoren beïnvloeden hoe gemeenten en zorgaanbieders hun samenwerking "
              "vormgeven. Hier gaat die vraag naar de enquête: de module samenwerking meet elke factor met "
              "meerdere items, en de uitkomst is het oordeel van de respondenten over de transformatieresultaten.",
    },
    "th_head_sample": {"en": "2. Sample", "nl": "2. Steekproef"},
    "th_intro_sample": {
        "en": "Who answered, by organisation type, function, region and wave: the basis for every later comparison.",
        "nl": "Wie er antwoordden, naar type organisatie, functie, regio en meting: de basis voor elke latere "
              "vergelijking.",
    },
    "th_head_structure": {"en": "3. Factor structure of the collaboration module",
                          "nl": "3. Factorstructuur van de module samenwerking"},
    "th_intro_structure": {
        "en": "Before the factors can explain anything, the items must measure them: the correlations must be "
              "suited to factor analysis, the number of factors must follow from the data (parallel analysis), "
              "each item must load on its own factor, and each scale must be reliable.",
        "nl": "Voordat de factoren iets kunnen verklaren, moeten de items ze meten: de correlaties moeten geschikt "
              "zijn voor factoranalyse, het aantal factoren moet uit de gegevens volgen (parallelle analyse), elk "
              "item moet op zijn eigen factor laden, en elke schaal moet betrouwbaar zijn.",
    },
    "th_head_descriptives": {"en": "4. Descriptives and correlations",
                             "nl": "4. Beschrijvende statistiek en correlaties"},
    "th_intro_descriptives": {
        "en": "How the factor scores, the trust index, its themes and the outcome move together. Correlations "
              "describe; they do not yet say which factor matters when the others are taken into account.",
        "nl": "Hoe de factorscores, de vertrouwensindex, haar thema's en de uitkomst samenhangen. Correlaties "
              "beschrijven; ze zeggen nog niet welke factor ertoe doet als de andere worden meegenomen.",
    },
    "th_head_model": {"en": "5. Explanatory model", "nl": "5. Verklarend model"},
    "th_intro_model": {
        "en": "A standardized regression of the outcome on all factors together, with standard errors that allow "
              "for respondents of one region sharing their context; then the path model from the factors through "
              "trust to the outcome, whose indirect effects show how much of each factor's effect runs through "
              "trust.",
        "nl": "Een gestandaardiseerde regressie van de uitkomst op alle factoren samen, met standaardfouten die "
              "rekening houden met respondenten uit één regio die hun context delen; daarna het padmodel van de "
              "factoren via vertrouwen naar de uitkomst, waarvan de indirecte effecten laten zien hoeveel van het "
              "effect van elke factor via vertrouwen loopt.",
    },
    "th_head_perspectives": {"en": "6. Perspectives: municipalities and care providers",
                             "nl": "6. Perspectieven: gemeenten en zorgaanbieders"},
    "th_intro_perspectives": {
        "en": "Do the two sides of the table see the collaboration differently? Means can only be compared if the "
              "items measure the same thing in both groups, so measurement invariance is tested first and its "
              "verdict qualifies the comparison.",
        "nl": "Kijken de twee kanten van de tafel verschillend naar de samenwerking? Gemiddelden zijn alleen te "
              "vergelijken als de items in beide groepen hetzelfde meten; daarom wordt eerst de meetinvariantie "
              "getoetst, en haar oordeel bepaalt hoe de vergelijking te lezen is.",
    },
    "th_head_findings": {"en": "7. Findings and recommendations", "nl": "7. Bevindingen en aanbevelingen"},
    "th_intro_findings": {
        "en": "What the numbers say, factor by factor, and the recommendations of the thesis that belong to the "
              "factors that score lowest or weigh most.",
        "nl": "Wat de getallen zeggen, factor voor factor, en de aanbevelingen uit de scriptie bij de factoren die "
              "het laagst scoren of het zwaarst wegen.",
    },
    "th_head_export": {"en": "Export", "nl": "Export"},
    "th_intro_export": {
        "en": "Every table above, numbered as shown, as CSV (full precision), Markdown and LaTeX.",
        "nl": "Elke tabel hierboven, genummerd zoals getoond, als CSV (volle precisie), Markdown en LaTeX.",
    },
}
