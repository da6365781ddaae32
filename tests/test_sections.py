"""Region report sections as data: suppression in every table, small regions, the sidecar,
wording in both languages, and that every number shown is a number published in the sidecar."""

from __future__ import annotations

import html as htmllib
import json
import re

import numpy as np
import pandas as pd
import pytest

from monitor import load_responses
from monitor.core.config import DEMO_DATA
from monitor.core.texts import TEXTS
from monitor.reports.model import Hider, Label
from monitor.reports.prepare import prepare
from monitor.reports.present import View
from monitor.reports.reading import band, trend_label
from monitor.reports.sidecar import report_json
from monitor.reports.wave import region_report, wave_reports


@pytest.fixture(scope="module")
def demo_frame():
    return load_responses(DEMO_DATA)


@pytest.fixture(scope="module")
def prepared(demo_frame):
    return prepare(frame=demo_frame, waves="latest")


@pytest.fixture(scope="module")
def strict(demo_frame):
    """Groups need 40 respondents, so many cells are hidden."""
    return prepare(frame=demo_frame, waves="latest", min_group_size=40, min_comment_group_size=60)


def _visible_text(page: str) -> str:
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)  # a style sheet is not shown
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", page))


def _full_html(report, language="nl") -> str:
    view = View(report, language)
    return view.title_html() + "\n".join(view.section_html(s) for s in report.sections)


def test_every_shown_count_and_mean_rests_on_enough_respondents(strict):
    rep = region_report(strict.region(strict.regions[0]))
    shown = [c for c in rep.cells if not c.hidden and c.n is not None]
    assert shown and all(c.n >= 40 for c in shown)
    hidden = [c for c in rep.cells if c.hidden]
    assert hidden and all(c.mean is None and c.n is None for c in hidden)
    counts = rep.section("respondents").tables[0]
    numbers = [v for row in counts.rows for v in row[1:] if isinstance(v, int)]
    assert all(v == 0 or v >= 40 for v in numbers) and any(v is None for row in counts.rows for v in row[1:])
    page = _visible_text(_full_html(rep))
    assert "< 40" in page


def test_within_table_and_heat_maps_hide_small_cells(strict):
    rep = region_report(strict.region(strict.regions[0]))
    within = rep.section("within").tables[0]
    values = [v for row in within.rows for v in row[1:] if not (isinstance(v, float) and np.isnan(v))]
    assert values and all(v is None for v in values)  # no municipality has 40 staff of one function
    heat = rep.section("functions")
    assert heat.sentences[0].values["n"] > 0


def test_a_small_region_gets_an_honest_short_page(demo_frame):
    frame = demo_frame.copy()
    region = sorted(frame["region"].unique())[0]
    latest = frame["wave"] == frame["wave"].max()
    drop = frame.index[latest & (frame["region"] == region)][3:]
    small = prepare(frame=frame.drop(drop), waves="latest")
    rep = wave_reports(small)[region]
    assert rep.small and [s.key for s in rep.sections] == ["small"]
    page = _visible_text(_full_html(rep))
    assert "3 respondenten" in page and "n = 0" not in page and "fase" not in page.lower()
    assert "zorgpunt" not in page and "Geen thema" not in page
    english = _visible_text(_full_html(rep, "en"))
    assert "3 respondents" in english and "at least 5" in english
    # Its respondents still count in the all-regions benchmark of the other reports.
    other = wave_reports(small)[sorted(small.regions)[1]]
    bench = [c for c in other.cells if c.group == {"wave": 2026} and c.measure == "trust_index"][0]
    assert bench.n == int(small.scores.loc[small.scores["wave"] == 2026, "trust_index"].notna().sum())


def test_hider_hides_one_cell_in_every_table_that_shows_it(prepared):
    data = prepared.region(prepared.regions[0])
    key = {"wave": 2026, "region": prepared.regions[0], "function": "manager"}
    rep = region_report(data, Hider({(tuple(sorted((k, str(v)) for k, v in key.items())), "trust_index")}))
    cells = [c for c in rep.cells if c.group == key and c.measure == "trust_index"]
    assert cells and all(c.hidden for c in cells)
    row = [r for r in rep.section("functions").tables[0].rows if r[0] == Label("function", "manager")][0]
    assert row[1] == 27 and row[2] is None and row[3] is not None  # n shown; the trust index hidden, the first theme shown


def test_sidecar_holds_every_number_the_report_shows(prepared):
    """Every number in the report's text is a number of its sidecar (or of the fixed wording)."""
    for region in prepared.regions[:2]:
        rep = region_report(prepared.region(region))
        sidecar = json.loads(json.dumps(report_json(rep)))
        for language in ("nl", "en"):
            page = _visible_text(_full_html(rep, language))
            allowed = _sidecar_numbers(sidecar, language) | _template_numbers(language)
            shown = {_normalise(t) for t in re.findall(r"(?:(?<![A-Za-z])[+−-])?\d[\d.,]*\d|\d", page)}
            missing = shown - allowed
            assert not missing, f"{region} ({language}) shows numbers not in its sidecar: {sorted(missing)[:10]}"


def _normalise(token: str) -> str:
    return token.replace("−", "-").lstrip("+").rstrip(".,")


def _sidecar_numbers(sidecar: dict, language: str) -> set[str]:
    out = set()

    def walk(value):
        if isinstance(value, bool) or value is None:
            return
        if isinstance(value, int | float):
            for decimals in (0, 1, 2):
                for v in (value, abs(value)):
                    text = f"{v:,.{decimals}f}"
                    if language == "nl":
                        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
                    out.add(text)
            out.add(str(int(value)) if float(value).is_integer() else str(value))
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, str):
            out.update(_normalise(t) for t in re.findall(r"\d[\d.,]*\d|\d", value))

    walk(sidecar)
    return out


def _template_numbers(language: str) -> set[str]:
    fixed = " ".join(entry.get(language, "") for entry in TEXTS.values())
    return {_normalise(t) for t in re.findall(r"\d[\d.,]*\d|\d", re.sub(r"\{[^}]*\}", " ", fixed))}


def test_sidecar_is_plain_json_with_cells_for_the_audit(prepared):
    sidecar = json.loads(json.dumps(report_json(region_report(prepared.region(prepared.regions[0])))))
    assert sidecar["schema"] == "samenwerkingsmonitor.sidecar/1"
    ids = [c["id"] for c in sidecar["cells"]]
    assert len(ids) == len(set(ids))
    index = [c for c in sidecar["cells"] if c["measure"] == "trust_index" and c["group"] == {
        "wave": 2026, "region": prepared.regions[0]}]
    truth = prepared.scores[(prepared.scores["region"] == prepared.regions[0]) & (prepared.scores["wave"] == 2026)]
    assert index and all(c["n"] == int(truth["trust_index"].notna().sum()) for c in index)
    assert all(abs(c["mean"] - float(truth["trust_index"].mean())) < 1e-9 for c in index)
    assert "frame" not in json.dumps(sidecar) and "respondent_id" not in json.dumps(sidecar)


def test_open_answers_only_for_large_groups(demo_frame):
    big = prepare(frame=demo_frame, waves="latest", min_comment_group_size=20)
    rep = region_report(big.region(big.regions[0]))
    groups = rep.section("open").figures[0].data["groups"]
    latest = big.frame[(big.frame["region"] == big.regions[0]) & (big.frame["wave"] == 2026)]
    sizes = latest.groupby("organisation_type", observed=True).size()
    for g in groups:
        assert g["shown"] == (sizes[g["type"]] >= 20)
        assert g["shown"] or g["answers"] == []
    none = prepare(frame=demo_frame, waves="latest", min_comment_group_size=10_000)
    assert not any(g["answers"] for g in region_report(none.region(none.regions[0])).section("open").figures[0]
                   .data["groups"])


def test_thresholds_below_two_are_refused(demo_frame):
    with pytest.raises(ValueError, match="min_group_size must be a whole number of at least 2"):
        prepare(frame=demo_frame, min_group_size=1)
    with pytest.raises(ValueError, match="min_comment_group_size"):
        prepare(frame=demo_frame, min_group_size=5, min_comment_group_size=3)


def test_trend_labels_account_for_group_size():
    rng = np.random.default_rng(1)
    big_a, big_b = pd.Series(rng.normal(3.5, 0.8, 5000)), pd.Series(rng.normal(3.55, 0.8, 5000))
    assert trend_label(big_a, big_b, 5)[0] == "stable"  # significant, but below 0.10 points
    assert trend_label(big_a, big_b + 0.2, 5)[0] == "rising"
    small_a, small_b = pd.Series(rng.normal(3.5, 0.8, 8)), pd.Series(rng.normal(3.8, 0.8, 8))
    assert trend_label(small_a, small_b, 5)[0] == "stable"  # large change, too uncertain
    assert trend_label(small_a.head(3), small_b, 5)[0] == "too_few"
    assert trend_label(big_a, big_b - 0.3, 5)[0] == "falling"


def test_bands_and_flags_with_interventions(prepared):
    assert [band(v) for v in (4.2, 3.5, 2.9, np.nan, None)] == ["strong", "attention", "concern", "suppressed",
                                                                 "suppressed"]
    from monitor.reports.reading import flagged_themes
    from monitor.reports.sections import summary

    data = prepared.region(prepared.regions[0])
    section = summary(data, Hider())
    for row in section.figures[0].data["rows"]:
        if row["measure"] == "gelijkwaardigheid":
            row.update(mean=2.5, band="concern")
    flags = flagged_themes(data, section, {"communicatie": "falling"})
    page = _visible_text(View(region_report(data), "nl").section_html(flags))
    assert "Mediation-sessies" in page and "dalende trend" in page and "lage score (2,50)" in page


def test_english_and_dutch_numbers(prepared):
    rep = region_report(prepared.region(prepared.regions[0]))
    mean = rep.section("summary").sentences[0].values["index"]
    nl = _visible_text(View(rep, "nl").section_html(rep.section("summary")))
    en = _visible_text(View(rep, "en").section_html(rep.section("summary")))
    assert f"De vertrouwensindex is {mean:.2f}".replace(".", ",") in nl
    assert f"The trust index is {mean:.2f}" in en
    with pytest.raises(ValueError, match="language"):
        View(rep, "de")


def test_figures_draw_nothing_for_hidden_groups(demo_frame):
    tiny = prepare(frame=demo_frame, waves="latest", min_group_size=100, min_comment_group_size=100)
    region = tiny.regions[0]
    rep = region_report(tiny.region(region))
    view = View(rep, "nl")
    gap = rep.section("gap")
    assert all(r["gemeente"] is None for r in gap.figures[0].data["rows"])
    assert view.figure(gap) is None
    profile = view.figure(rep.section("summary"))
    bars = [p for p in profile.axes[0].patches if hasattr(p, "get_width")]
    shown = [r for r in rep.section("summary").figures[0].data["rows"] if r["mean"] is not None]
    assert len([b for b in bars if b.get_width() > 0]) == len(shown)


def test_interventions_file_is_complete(instrument):
    import yaml

    from monitor.core.config import INTERVENTIONS_PATH

    data = yaml.safe_load(INTERVENTIONS_PATH.read_text(encoding="utf-8"))
    assert {t.id for t in instrument.themes} | {"trust_index"} <= set(data)
    for theme, entries in data.items():
        for entry in entries:
            for language in ("nl", "en"):
                assert entry[language]["title"], theme
                # A sentence cut short by YAML (an unquoted comma) would not end with a period.
                assert entry[language]["text"].endswith("."), (theme, entry[language]["text"])


def test_key_messages_come_from_the_sections(prepared):
    """Three to five messages, each repeating a figure the sections publish."""
    for region in prepared.regions:
        rep = region_report(prepared.region(region))
        if rep.small:
            continue
        messages = rep.section("key_messages").sentences
        assert 3 <= len(messages) <= 5, [m.key for m in messages]
        profile = rep.section("summary").figures[0].data["rows"]
        themes = [r for r in profile[1:] if r["mean"] is not None]
        ranged = next(m for m in messages if m.key == "km_range")
        assert ranged.values["low_mean"] == min(r["mean"] for r in themes)
        assert ranged.values["high_mean"] == max(r["mean"] for r in themes)
        gap = [m for m in messages if m.key.startswith("gap_")]
        rows = [r for r in rep.section("gap").tables[0].rows if r[3] is not None]
        if gap:
            largest = max(rows, key=lambda r: abs(r[3]))
            assert gap[0].values["diff"] == pytest.approx(abs(largest[3]))
            assert gap[0].key == ("gap_municipalities_higher" if largest[3] > 0 else "gap_providers_higher")


def test_the_lowest_theme_is_flagged_even_above_the_benchmark(prepared):
    data = prepared.region(prepared.regions[0])
    rep = region_report(data)
    profile = rep.section("summary").figures[0].data["rows"]
    lowest = min((r for r in profile[1:] if r["mean"] is not None), key=lambda r: r["mean"])
    flagged = {r["measure"]: [x["key"] for x in r["reasons"]] for r in rep.section("flags").figures[0].data["rows"]}
    assert "flag_lowest" in flagged[lowest["measure"]]
    assert sum("flag_lowest" in reasons for reasons in flagged.values()) == 1


def test_position_against_all_regions_follows_the_interval():
    from monitor.reports.reading import position

    assert position(3.3, 3.1, 3.5, 3.0) == "above"
    assert position(3.3, 3.1, 3.5, 3.5) == "level"  # the interval touches the benchmark
    assert position(3.3, 3.1, 3.49, 3.5) == "below"
    assert position(None, None, None, 3.5) is None


def test_no_report_text_shows_a_negative_zero_or_half_made_plural(prepared):
    reports = wave_reports(prepared)
    for rep in reports.values():
        for language in ("nl", "en"):
            page = _visible_text(_full_html(rep, language))
            assert not re.search(r"(?<![\d\w])[-−]0[.,]00(?!\d*[1-9])", page), rep.region
            assert not re.search(r"\((?:s|en|'s|len)\)", page), rep.region


def test_figures_have_alt_text_written_from_their_data(prepared):
    rep = region_report(prepared.region(prepared.regions[0]))
    view = View(rep, "nl")
    summary_section = rep.section("summary")
    html = view.figure_html(summary_section)
    index = summary_section.figures[0].data["rows"][0]
    alt = re.search(r'alt="([^"]*)"', html).group(1)
    assert alt.startswith("Staafdiagram van de gemiddelde score per thema")
    assert f"Vertrouwensindex {index['mean']:.2f}".replace(".", ",") in alt
    assert html.startswith('<figure class="sm-figure"><img src="data:image/svg+xml;base64,')
    items = rep.section("items")
    reversed_items = [b for b in items.figures[0].data["bars"] if b["reversed"]]
    assert reversed_items, "the demo instrument has negatively worded items"
    first = reversed_items[0]
    shares = np.array(first["shares"]) * 100
    favourable = f"{shares[:2].sum():.0f}% gunstig"  # disagreeing is favourable for a reversed item
    assert favourable in view.figure_alt(items)
    assert "(omgekeerd)" in view.label(Label("item", first["item"]))


def test_heat_maps_show_n_per_row_a_legend_and_vertical_headers(prepared):
    rep = region_report(prepared.region(prepared.regions[0]))
    section = rep.section("functions")
    table = section.tables[0]
    assert [c.key for c in table.columns[:2]] == ["col_function", "n"]
    counts = {r[0].id: r[-1] for r in rep.section("respondents").tables[0].rows if r[0].kind == "function"}
    shown = {r[0].id: r[1] for r in table.rows}
    assert {f: n for f, n in shown.items() if n is not None} == {f: counts[f] for f, n in shown.items()
                                                                  if n is not None}
    page = View(rep, "nl").section_html(section)
    assert "lager dan de regio" in page and "hoger dan de regio" in page
    assert page.count('class="sm-vertical"') == len(table.columns) - 2


def test_cell_as_dict_is_asdict(prepared):
    """The fast conversion the audit and the sidecar use holds every field of a cell."""
    from dataclasses import asdict

    cells = region_report(prepared.region(prepared.regions[0])).cells
    assert len(cells) > 100 and any(c.hidden for c in cells)
    assert [c.as_dict() for c in cells] == [asdict(c) for c in cells]


def test_key_messages_name_themes_not_the_index_among_flagged_themes(prepared):
    for region in prepared.regions:
        rep = region_report(prepared.region(region))
        if rep.small:
            continue
        index_id = rep.section("summary").figures[0].data["rows"][0]["measure"]
        flagged = [r["measure"] for r in rep.section("flags").figures[0].data["rows"]
                   if r["interventions"] and r["measure"] != index_id]
        message = [m for m in rep.section("key_messages").sentences if m.key in ("km_flags", "km_flags_none")]
        if flagged:
            assert message[0].values["n"] == len(flagged)
            assert [label.id for label in message[0].values["themes"]] == flagged
        else:
            assert not message or message[0].key == "km_flags_none"


def test_region_rows_are_the_rows_of_the_region_up_to_the_wave(prepared):
    """``Prepared.region`` slices by a grouping made once; it must give the rows a mask gives."""
    frame = prepared.frame
    first, last = prepared.waves[0], prepared.waves[-1]
    for region in prepared.regions[:3]:
        for wave in (first, last):
            data = prepared.region(region, wave)
            mask = ((frame["region"] == region) & (frame["wave"] <= wave)).to_numpy()
            pd.testing.assert_frame_equal(data.frame, frame[mask], check_flags=False)
            pd.testing.assert_frame_equal(data.scores, prepared.scores[mask], check_flags=False)
            assert data.waves == sorted(int(w) for w in frame.loc[mask, "wave"].unique())
            assert data.frame.attrs == {}, "region frames carry no attrs (pandas copies them on every step)"
    with pytest.raises(ValueError, match="not in the data"):
        prepared.region("Atlantis")
