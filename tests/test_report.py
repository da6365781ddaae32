"""Region reports: privacy by construction, suppression, rendering, atomic writes, offline HTML."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import papermill
import pytest

from monitor import report
from monitor.config import NOTEBOOKS_DIR
from monitor.privacy import scrub_text
from monitor.render import Job, external_resources, render, render_one, run_jobs, slug, write_index

DOCUMENTED_PARAMETERS = ["data_path", "instrument_path", "region", "wave", "language", "min_group_size",
                         "min_comment_group_size", "prepared_aggregates", "prepared_region"]


@pytest.fixture(scope="module")
def shared():
    return report.prepare_shared()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, shared):
    """Two regions rendered into a fresh folder (the demo data, latest wave) by one worker, so
    that one kernel renders both, one after the other: the second must hold nothing of the first."""
    out = tmp_path_factory.mktemp("reports")
    regions = sorted(shared["frame"]["region"].unique())[:2]
    results = render(regions=regions, jobs=1, out_dir=out, include=("regions",), progress=False)
    return out / "2026", regions, results


def test_parameters_match_the_documented_ones():
    params = papermill.inspect_notebook(str(NOTEBOOKS_DIR / "region_report.ipynb"))
    assert list(params) == DOCUMENTED_PARAMETERS
    readme = (NOTEBOOKS_DIR.parent / "README.md").read_text()
    for name in DOCUMENTED_PARAMETERS:
        assert f"`{name}`" in readme


def test_two_regions_render_privately(rendered, shared):
    folder, regions, results = rendered
    assert all(r.ok for r in results), [r.error for r in results]
    frame = shared["frame"]
    ids = set(frame["respondent_id"])
    for region in regions:
        others = frame.loc[frame["region"] != region, "organisation"].unique()
        other_regions = [r for r in frame["region"].unique() if r != region]
        for suffix in ("ipynb", "html"):
            content = (folder / f"{slug(region)}.{suffix}").read_text(encoding="utf-8")
            assert region in content
            leaked = [o for o in others if o in content]
            assert not leaked, f"{region} {suffix} names other regions' organisations: {leaked[:3]}"
            assert not [r for r in other_regions if r in content]
            found = set(re.findall(r"R[A-Z2-9]{7}", content)) & ids
            assert not found, f"respondent ids in the {suffix}: {sorted(found)[:3]}"


def test_reports_show_no_errors_or_warnings(rendered):
    folder, regions, _ = rendered
    for region in regions:
        notebook = nbformat.read(folder / f"{slug(region)}.ipynb", as_version=4)
        streams = [o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") in ("stream", "error")]
        assert not [o for o in streams if o.get("name") == "stderr" or o.get("output_type") == "error"], streams[:1]


def test_html_has_no_code_every_image_embedded_and_nothing_remote(rendered):
    folder, regions, _ = rendered
    page = (folder / f"{slug(regions[0])}.html").read_text(encoding="utf-8")
    assert 'class="jp-InputArea' not in page and "report.load_context" not in page
    images = re.findall(r"<img[^>]*src=\"([^\"]+)\"", page)
    assert len(images) >= 4
    assert all(src.startswith("data:image/png;base64,") for src in images)
    assert external_resources(page) == []
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{slug(r)}.html"' in index for r in regions)


def test_html_opens_in_headless_chromium(rendered, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("Chromium is not installed (Debian package chromium)")
    folder, regions, _ = rendered
    shot = tmp_path / "page.png"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
                    f"--screenshot={shot}", "--window-size=1200,3000", (folder / f"{slug(regions[0])}.html").as_uri()],
                   check=True, capture_output=True, timeout=120)
    assert shot.stat().st_size > 20_000  # a rendered page with figures, not a blank one


def _job(name: str, notebook: Path, parameters: dict | None = None) -> Job:
    return Job(name, notebook, parameters or {}, "region", name)


def _notebook(path: Path, source: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {"name": "samenwerkingsmonitor", "display_name": "x", "language": "python"}
    nbformat.write(nb, path)
    return path


def test_a_failing_report_does_not_stop_the_others(tmp_path):
    good = _notebook(tmp_path / "good.ipynb", "print('fine')")
    bad = _notebook(tmp_path / "bad.ipynb", "raise RuntimeError('region data broken')")
    results = run_jobs([_job("a", good), _job("b", bad), _job("c", good)], tmp_path / "out", jobs=2, progress=False)
    status = {r.name: r for r in results}
    assert status["a"].ok and status["c"].ok and not status["b"].ok
    assert "RuntimeError: region data broken" in status["b"].error
    assert (tmp_path / "out" / "a.html").exists() and not (tmp_path / "out" / "b.html").exists()
    write_index(results, tmp_path / "out", 2026)
    assert "region data broken" in (tmp_path / "out" / "index.html").read_text()


def test_writes_are_atomic_a_failed_rerender_keeps_the_good_report(tmp_path):
    out = tmp_path / "out"
    good = _notebook(tmp_path / "good.ipynb", "print('good report')")
    assert render_one(_job("x", good), out).ok
    before = (out / "x.html").read_bytes()
    bad = _notebook(tmp_path / "bad.ipynb", "raise ValueError('interrupted')")
    result = render_one(_job("x", bad), out)
    assert not result.ok
    assert (out / "x.html").read_bytes() == before
    assert "good report" in (out / "x.ipynb").read_text()
    assert (out / "x.failed.ipynb").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "no temporary files left behind"


# -- suppression in every table and figure -------------------------------------------------------
@pytest.fixture(scope="module")
def strict(shared):
    """A context where groups need 40 respondents, so many groups are hidden."""
    return report.region_context(shared, min_group_size=40, min_comment_group_size=60)


def test_respondent_counts_hide_small_numbers(strict):
    counts, _ = report.respondents(strict)
    values = counts.to_numpy().ravel()
    numbers = [int(v) for v in values if v.isdigit()]
    assert all(n >= 40 or n == 0 for n in numbers)
    assert any(v == "< 40" for v in values)


def test_heatmaps_and_tables_hide_small_groups(strict):
    _table, hidden = report.difference_heatmap(strict, "function")
    assert hidden > 0
    table = report.within_municipality(strict)
    assert set(table.to_numpy().ravel()) <= {"te weinig", ""}
    gap, _sentence, _fig = report.perspective_gap(strict)
    municipal = (strict.latest["organisation_type"] == "gemeente").sum()
    providers = (strict.latest["organisation_type"] == "zorgaanbieder").sum()
    hidden_gap = gap.iloc[:, 3] == "te weinig respondenten"
    assert hidden_gap.all() == (min(municipal, providers) < 40)
    trends, _s, _f = report.trends(strict)
    assert trends.filter(regex=r"^\d{4}$").map(lambda v: v == "te weinig respondenten" or "n=" in v).all().all()


def test_aggregates_never_show_a_group_below_the_minimum(strict):
    table = report.aggregate(strict.latest, by=["function"], measures=strict.measures, min_group_size=40)
    shown = table[table["suppressed"] == ""]
    assert (shown["n"] >= 40).all()
    assert table.loc[table["suppressed"] != "", ["n", "mean"]].isna().all().all()


def test_items_hidden_when_the_region_is_too_small(shared):
    tiny = report.region_context(shared, min_group_size=10_000)
    table, fig = report.item_answers(tiny)
    assert fig is None and (table.iloc[:, 2:] == "–").all().all()


def test_open_answers_only_for_large_groups_and_scrubbed(shared):
    ctx = report.region_context(shared, min_comment_group_size=20)
    for _question, group, answers in report.open_answers(ctx):
        if answers:
            assert not any(re.search(r"@|06-\d{8}", a) for a in answers)
        else:
            assert "niet getoond" in group
    none = report.region_context(shared, min_comment_group_size=10_000)
    assert all(not answers for _q, _g, answers in report.open_answers(none))


def test_every_personal_detail_in_simulated_answers_is_removed(small_sim):
    answers = pd.concat([small_sim.responses["open_goed"], small_sim.responses["open_anders"]]).dropna()
    with_pii = answers[answers.str.contains(r"@|06-\d|Vraag het maar aan", regex=True)]
    assert len(with_pii) > 0
    for answer in with_pii:
        clean = scrub_text(answer)
        assert "@" not in clean and not re.search(r"06-\d", clean)
        assert not re.search(r"aan [A-Z][a-z]+", clean), clean
    untouched = answers[~answers.index.isin(with_pii.index)].head(50)
    assert all(scrub_text(a) == a for a in untouched)


def test_trend_labels_account_for_group_size():
    rng = np.random.default_rng(1)
    big_a, big_b = pd.Series(rng.normal(3.5, 0.8, 5000)), pd.Series(rng.normal(3.55, 0.8, 5000))
    assert report.trend_label(big_a, big_b, 5)[0] == "stable"  # significant, but below 0.10 points
    assert report.trend_label(big_a, big_b + 0.2, 5)[0] == "rising"
    small_a, small_b = pd.Series(rng.normal(3.5, 0.8, 8)), pd.Series(rng.normal(3.8, 0.8, 8))
    assert report.trend_label(small_a, small_b, 5)[0] == "stable"  # large change, too uncertain
    assert report.trend_label(small_a.head(3), small_b, 5)[0] == "too_few"
    assert report.trend_label(big_a, big_b - 0.3, 5)[0] == "falling"


def test_bands_and_flags(shared):
    assert [report.band(v) for v in (4.2, 3.5, 2.9, np.nan)] == ["strong", "attention", "concern", "suppressed"]
    ctx = report.region_context(shared)
    summary, _ = report.theme_summary(ctx)
    low = summary.copy()
    low.loc["gelijkwaardigheid", ["mean", "band"]] = [2.5, "concern"]
    flags, _ = report.flagged_themes(ctx, low, {"communicatie": "falling"})
    text = " ".join(flags.astype(str).to_numpy().ravel())
    assert "Mediation-sessies" in text and "Visieworkshops" in text and "dalende trend" in text


def test_english_option(shared):
    ctx = report.region_context(shared, language="en")
    _table, sentence = report.theme_summary(ctx)
    assert sentence.startswith("The trust index is") and "." in sentence.split("is ")[1][:5]
    nl = report.region_context(shared)
    assert report.theme_summary(nl)[1].split("is ")[1][1] == ","


def test_render_command_rejects_unknown_region(tmp_path):
    from .conftest import run_cli

    result = run_cli("render", "--region", "Regio Nergens", "--out", tmp_path, "--only", "regions", "--quiet")
    assert result.returncode == 2 and "unknown region" in result.stderr


def test_interventions_file_is_complete(instrument):
    import yaml

    data = yaml.safe_load(report.INTERVENTIONS_PATH.read_text(encoding="utf-8"))
    assert {t.id for t in instrument.themes} | {"trust_index"} <= set(data)
    for theme, entries in data.items():
        for entry in entries:
            for language in ("nl", "en"):
                assert entry[language]["title"], theme
                # A sentence cut short by YAML (an unquoted comma) would not end with a period.
                assert entry[language]["text"].endswith("."), (theme, entry[language]["text"])


def test_figures_draw_nothing_for_suppressed_groups(shared):
    """The profile, trend and perspective figures are drawn from suppressed aggregates only."""
    tiny = report.region_context(shared, min_group_size=10_000)
    summary, _ = report.theme_summary(tiny)
    assert summary["mean"].isna().all() and (summary["band"] == "suppressed").all()
    fig = report.profile_figure(tiny, summary)
    bars = [p for p in fig.axes[0].patches if hasattr(p, "get_width")]
    assert bars and all(b.get_width() == 0 for b in bars)
    _table, _sentence, fig = report.trends(tiny)
    plotted = np.concatenate([line.get_ydata() for line in fig.axes[0].get_lines()]).astype(float)
    assert np.isnan(plotted).all()
    from matplotlib.collections import PathCollection

    gap, _sentence, fig = report.perspective_gap(tiny)
    points = [c for c in fig.axes[0].collections if isinstance(c, PathCollection)]
    assert len(points) == 2 and all(np.ma.getmaskarray(c.get_offsets()).all() for c in points)  # NaN: not drawn


def test_render_plans_only_what_the_data_support(tmp_path, instrument):
    from monitor.config import DEMO_DATA
    from monitor.render import plan_jobs

    frame = pd.read_csv(DEMO_DATA)
    path = tmp_path / "trust.csv"
    frame[instrument.background_ids + instrument.module("vertrouwen").item_ids].to_csv(path, index=False)
    shared = report.prepare_shared(path, waves="latest")
    jobs = plan_jobs(shared, tmp_path / "work", 2026, None, ("validity", "thesis", "regions"), "nl", str(path),
                     tmp_path / "out")
    kinds = [job.kind for job in jobs]
    assert "thesis" not in kinds and kinds.count("region") == 6 and "validity" in kinds
