"""The words of a region report, its PDF and the wave's index page."""

from __future__ import annotations

__all__ = ["REPORT_TEXTS", "PDF_TEXTS"]

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
