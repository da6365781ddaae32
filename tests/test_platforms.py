"""Survey-platform exports of the demo data: `monitor mapping propose` maps them, and the scores
read through the proposed mapping are exactly those of the demo data itself.

Each export is built here from ``data/demo/responses.csv`` in a platform's layout
(:func:`monitor.survey.platforms.write_export`): Qualtrics (three header rows) with text answers, with
numeric answers and with Qualtrics' default codes, SurveyMonkey (two header rows), LimeSurvey
codes, SPSS with variable and value labels, and an Excel workbook with a title block on its
second sheet and question texts as column names.
"""

from __future__ import annotations

import csv

import pytest

from monitor.cli import main
from monitor.core.config import DEMO_DATA
from monitor.survey.instrument import load_instrument
from monitor.survey.mapping import CHECK_MARK, load_mapping
from monitor.survey.platforms import read_export, write_export
from monitor.survey.propose import propose
from monitor.survey.responses import DataError, load_responses, read_responses

INSTRUMENT = load_instrument()


def _excel_codes() -> dict[str, str]:
    """A Dutch platform's Excel export: the question texts are the column names."""
    codes = {var.id: var.label["nl"] for var in INSTRUMENT.background}
    codes.update({item.id: item.text["nl"] for item in INSTRUMENT.items})
    codes.update({q["id"]: q["nl"] for q in INSTRUMENT.open_questions})
    return codes


def _spss_codes() -> dict[str, str]:
    """SPSS variables named V1, V2, ...: only the variable labels say what they are."""
    ids = INSTRUMENT.background_ids + INSTRUMENT.item_ids + INSTRUMENT.open_question_ids
    return {i: f"V{n}" for n, i in enumerate(ids, start=1)}


# name: (layout, file name, write_export options, has question texts)
LAYOUTS = {
    "qualtrics_text": ("qualtrics", "qualtrics_text.csv", {}, True),
    "qualtrics_numeric": ("qualtrics", "qualtrics_numeric.csv", {"answers": "numeric", "background_codes": True}, True),
    "qualtrics_default_codes": ("qualtrics", "qualtrics_codes.csv", {"platform_codes": True}, True),
    "surveymonkey": ("surveymonkey", "surveymonkey.csv", {}, True),
    "limesurvey_codes": ("limesurvey", "limesurvey.csv", {"answers": "numeric", "background_codes": True}, False),
    "spss_labels": ("spss", "export.sav", {"codes": _spss_codes()}, True),
    "excel_title_sheet2": ("excel", "export.xlsx", {"codes": _excel_codes(), "title": "Samenwerkingsmonitor - export"},
                           True),
}


@pytest.fixture(scope="module")
def demo():
    return load_responses(DEMO_DATA, INSTRUMENT)


@pytest.fixture(scope="module")
def reference_table(tmp_path_factory, capfd_module=None):
    """`monitor score data/demo/responses.csv --by region`, as printed."""
    return _score([str(DEMO_DATA)])


def _score(arguments: list[str]) -> str:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()) as err:
        code = main(["score", *arguments, "--by", "region"])
    assert code == 0, err.getvalue()
    return out.getvalue()


@pytest.fixture(scope="module")
def exports(demo, tmp_path_factory):
    """Every layout written once: name -> (path, true mapping, proposal, mapping file)."""
    folder = tmp_path_factory.mktemp("exports")
    built = {}
    for name, (layout, file_name, options, _texts) in LAYOUTS.items():
        path = folder / file_name
        truth = write_export(demo, INSTRUMENT, layout, path, **options)
        proposal = propose(read_export(path), INSTRUMENT)
        mapping = folder / f"{name}.yaml"
        mapping.write_text(proposal.text, encoding="utf-8")
        built[name] = (path, truth, proposal, mapping)
    return built


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_layout_is_recognised(exports, name):
    layout = LAYOUTS[name][0]
    proposal = exports[name][2]
    assert proposal.export.layout == layout
    assert proposal.export.skip_rows == {"qualtrics": 2, "surveymonkey": 1}.get(layout, 0)
    if layout == "excel":
        assert (proposal.export.sheet, proposal.export.header_row) == ("Data", 3)


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_propose_maps_every_column_correctly(exports, name):
    path, truth, proposal, _mapping = exports[name]
    assert proposal.mapping == truth
    item_lines = [c for c in proposal.columns if c.target in INSTRUMENT.item_by_id]
    assert len(item_lines) == len(INSTRUMENT.item_ids)
    checked = [c.key for c in item_lines if c.check]
    if LAYOUTS[name][3]:  # question texts in the export: no item needs a person's look
        assert checked == []
    else:  # codes only: right, but every item marked for review
        assert len(checked) == len(item_lines)
        text = proposal.text
        assert all(f"{CHECK_MARK}:" in line for line in text.splitlines() if line.strip().startswith('"nw['))


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_score_through_the_mapping_equals_the_demo(exports, reference_table, name):
    path, _truth, _proposal, mapping = exports[name]
    assert _score([str(path), "--mapping", str(mapping)]) == reference_table


def test_numeric_background_codes_are_marked_for_review(exports):
    proposal = exports["qualtrics_numeric"][2]
    lines = proposal.values["organisation_type"]
    assert [(c.key, c.target) for c in lines] == [("1", "gemeente"), ("2", "zorgaanbieder"), ("3", "anders")]
    assert all(c.check for c in lines)
    assert proposal.text.count(CHECK_MARK) == sum(len(v) for v in proposal.values.values())


def test_other_wordings_are_proposed_and_checked(demo, tmp_path, reference_table):
    """"Zeer mee eens" is an alias of the instrument; an unknown wording is proposed, marked CHECK."""
    path = tmp_path / "wording.csv"
    write_export(demo, INSTRUMENT, "qualtrics", path, platform_codes=True)
    text = path.read_text(encoding="utf-8")
    text = text.replace("Helemaal mee eens", "Zeer mee eens").replace("Helemaal mee oneens", "Zeer mee oneens")
    text = text.replace(",Mee eens,", ",4 - Mee eens,")  # numbered labels: no alias, a proposal
    path.write_text(text, encoding="utf-8")
    proposal = propose(read_export(path), INSTRUMENT)
    assert [(c.key, c.target, c.check) for c in proposal.answers] == [("4 - Mee eens", "4", True)]
    mapping = tmp_path / "m.yaml"
    mapping.write_text(proposal.text, encoding="utf-8")
    assert load_mapping(mapping, INSTRUMENT).unreviewed == 1
    assert _score([str(path), "--mapping", str(mapping)]) == reference_table


def test_nw_underscore_names_map_by_name(demo, tmp_path, reference_table):
    """`nw_1` columns: refused without a mapping (items look mistyped), mapped by name with one."""
    path = tmp_path / "underscore.csv"
    codes = {i: f"{i[:2]}_{i[2:]}" for i in INSTRUMENT.item_ids}
    truth = write_export(demo, INSTRUMENT, "plain", path, codes=codes)
    with pytest.raises(DataError, match="58 columns are item ids written otherwise \\('nw_1' for 'nw1'\\)"):
        load_responses(path, INSTRUMENT)
    proposal = propose(read_export(path), INSTRUMENT)
    assert proposal.mapping == truth and proposal.checks == 0
    mapping = tmp_path / "m.yaml"
    mapping.write_text(proposal.text, encoding="utf-8")
    assert _score([str(path), "--mapping", str(mapping)]) == reference_table


@pytest.mark.parametrize("name, expected", [
    ("qualtrics_text", "this looks like a Qualtrics export; run `monitor mapping propose"),
    ("surveymonkey", "this looks like a SurveyMonkey export"),
    ("limesurvey_codes", "this looks like a LimeSurvey export"),
    ("excel_title_sheet2", "the data seem to be on sheet 'Data' (only the first sheet, 'Toelichting', is read) and "
                           "under a title, with the header in row 3"),
])
def test_a_platform_export_without_mapping_gets_a_one_line_hint(exports, name, expected):
    with pytest.raises(DataError) as caught:
        load_responses(exports[name][0], INSTRUMENT)
    message = str(caught.value)
    assert expected in message and "\n" not in message and len(message) < 400


def test_sheet_and_header_row_options_read_the_workbook(exports, demo):
    path = exports["excel_title_sheet2"][0]
    responses = read_responses(path, INSTRUMENT, mapping=exports["excel_title_sheet2"][3])
    assert len(responses.frame) == len(demo) and responses.mapping
    with pytest.raises(DataError, match="no sheet 'Blad9'; the workbook has: Toelichting, Data"):
        load_responses(path, INSTRUMENT, sheet="Blad9")


def test_cli_propose_writes_the_file_and_summarises(exports, tmp_path, capsys):
    path = exports["surveymonkey"][0]
    out = tmp_path / "mapping.yaml"
    assert main(["mapping", "propose", str(path), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "surveymonkey layout; 67 column(s) mapped, 1 ignored, 0 line(s) marked CHECK" in err
    assert load_mapping(out, INSTRUMENT).columns == exports["surveymonkey"][2].mapping
    assert main(["mapping", "propose", str(path), "--out", str(out)]) == 2  # no overwrite without --force


def test_sheet_and_header_row_given_on_the_command_line(exports, reference_table):
    path = exports["excel_title_sheet2"][0]
    # The column names are question texts, so a mapping is still needed; the options alone pass the title.
    with pytest.raises(DataError, match="missing required column"):
        load_responses(path, INSTRUMENT, sheet="Data", header_row=3)
    with pytest.raises(DataError, match="apply to Excel workbooks only"):
        load_responses(exports["surveymonkey"][0], INSTRUMENT, sheet="Data")


def test_a_number_outside_the_scale_is_proposed_as_missing_and_checked(demo, tmp_path, reference_table):
    """Qualtrics numbers a sixth option "weet niet" 6: proposed as missing, marked CHECK."""
    frame = demo.copy()
    for item in INSTRUMENT.item_ids:
        frame[item] = frame[item].fillna(6)
    path = tmp_path / "six.csv"
    write_export(frame, INSTRUMENT, "qualtrics", path, platform_codes=True, answers="numeric")
    proposal = propose(read_export(path), INSTRUMENT)
    assert [(c.key, c.target, c.check) for c in proposal.answers] == [("6", None, True)]
    assert '"6": missing' in proposal.text
    mapping = tmp_path / "m.yaml"
    mapping.write_text(proposal.text, encoding="utf-8")
    assert _score([str(path), "--mapping", str(mapping)]) == reference_table


def test_render_takes_the_mapping_and_hands_every_notebook_instrument_and_mapping(exports, tmp_path, monkeypatch):
    """`monitor render --mapping`: the data are prepared through the mapping, every notebook gets
    ``instrument_path`` and ``mapping_path``, and the kernel comes from monitor.render.kernel."""
    import monitor.render.kernel
    import monitor.render.publish
    from monitor.core.config import INSTRUMENT_PATH

    seen = {}

    class Pool:  # stands in for the worker processes: records what they would run
        def __init__(self, workers, kernel, cwd):
            seen["kernel"] = kernel

        def start(self):
            seen["started"] = True

        def close(self):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def run(self, planned, out, feed=None, **options):
            latest = {}  # a job fed again under its name (a region rebuilt) supersedes the first
            for job in list(planned) + [job for more in (feed or ()) for job in more]:
                latest[job.name] = job
            seen["jobs"] = list(latest.values())
            return []

    monkeypatch.setattr(monitor.render.publish, "WorkerPool", Pool)
    monkeypatch.setattr(monitor.render.kernel, "ensure_kernel", lambda: "kernel-of-this-python")
    path, _truth, _proposal, mapping = exports["qualtrics_default_codes"]
    monitor.render.publish.render(data_path=str(path), mapping_path=str(mapping), instrument_path=str(INSTRUMENT_PATH),
                          include=("validity", "regions"), regions=["Regio Hoog-Heidezoom"], out_dir=tmp_path,
                          progress=False)
    assert seen["kernel"] == "kernel-of-this-python" and seen["started"]
    assert sorted(job.kind for job in seen["jobs"]) == ["region", "validity"]
    for job in seen["jobs"]:
        assert job.parameters["mapping_path"] == str(mapping.resolve())
        assert job.parameters["instrument_path"] == str(INSTRUMENT_PATH.resolve())


def test_export_texts_cannot_inject_lines_into_the_mapping(demo, tmp_path):
    """Column names and question texts from the export are quoted or made one-line comments:
    a name with a quote, a comment sign and U+2028, and a question text with line breaks and
    YAML lines, add no key to the mapping."""
    evil = 'Q9" # \u2028wave: 1999'
    path = tmp_path / "evil.csv"
    truth = write_export(demo.head(50), INSTRUMENT, "qualtrics", path, codes={"open_goed": evil})
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("nw1")
    rows[1][column] = rows[1][column].replace(" - ", "\nwave: 1999\n  Q9: nw1 # - ")
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    proposal = propose(read_export(path), INSTRUMENT)
    mapping = tmp_path / "m.yaml"
    mapping.write_text(proposal.text, encoding="utf-8")
    loaded = load_mapping(mapping, INSTRUMENT)
    assert loaded.wave is None and loaded.columns == truth and loaded.columns[evil] == "open_goed"
    assert len(load_responses(path, INSTRUMENT, mapping=loaded)) == 50
