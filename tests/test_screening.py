"""Screened responses: previews, tests, spam, unfinished and repeated responses are left out by
the mapping's ``rows:`` block, before validation, and counted (:mod:`monitor.survey.screening`);
identifying platform columns never reach the frame.

The exports imitate the platforms with :func:`monitor.survey.platforms.write_export`'s
``previews``, ``partial`` and ``identifying`` options.
"""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from monitor.cli import main
from monitor.core.config import DEMO_DATA
from monitor.survey.instrument import load_instrument
from monitor.survey.mapping import MappingError, load_mapping
from monitor.survey.platforms import read_export, write_export
from monitor.survey.propose import propose
from monitor.survey.responses import DataError, load_responses, read_responses
from monitor.survey.screening import pseudonym

INSTRUMENT = load_instrument()
N = 120
PARTIAL = {5: 40, 9: 90, 20: 0}


@pytest.fixture(scope="module")
def demo():
    return load_responses(DEMO_DATA, INSTRUMENT).head(N)


def _export(demo, folder, layout="qualtrics", name="export.csv", **options):
    """An export and the mapping `monitor mapping propose` writes for it (not edited)."""
    path = folder / name
    write_export(demo, INSTRUMENT, layout, path, **options)
    proposal = propose(read_export(path), INSTRUMENT)
    mapping = folder / f"{name}.yaml"
    mapping.write_text(proposal.text, encoding="utf-8")
    return path, mapping


def _edit(mapping, **rows):
    """The mapping with keys of its ``rows:`` block changed."""
    content = yaml.safe_load(mapping.read_text(encoding="utf-8"))
    content["rows"].update(rows)
    edited = mapping.with_name("edited-" + mapping.name)
    edited.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return edited


@pytest.fixture(scope="module")
def qualtrics(demo, tmp_path_factory):
    return _export(demo, tmp_path_factory.mktemp("qualtrics"), previews=2, partial=PARTIAL, identifying=True)


def test_propose_writes_the_default_rows_block(qualtrics):
    text = qualtrics[1].read_text(encoding="utf-8")
    rows = yaml.safe_load(text)["rows"]
    assert rows == {"status": "Status", "finished": "Finished", "progress": "Progress", "id": "ResponseId",
                    "min_progress": None, "duplicates": "refuse", "drop_ids": []}
    assert "survey previews, tests and spam are left out" in text
    assert not yaml.safe_load(text)["answers"]  # the previews' "test" is no answer wording to map
    ignored = yaml.safe_load(text)["ignore"]
    assert {"IPAddress", "RecipientEmail", "RecipientFirstName", "RecipientLastName", "LocationLatitude",
            "LocationLongitude", "Status", "Progress", "Finished"} <= set(ignored)


def test_previews_and_unfinished_responses_are_left_out_and_counted(demo, qualtrics):
    path, mapping = qualtrics
    responses = read_responses(path, INSTRUMENT, mapping=mapping)
    frame = responses.frame
    kept = demo.drop(index=list(PARTIAL)).reset_index(drop=True)
    assert len(frame) == N - len(PARTIAL)
    counts = responses.screening
    assert (counts.read, counts.kept) == (N + 2, N - 3)
    assert counts.excluded == {"preview_test": 2, "unfinished": 3}
    # the preview rows' "test" answers (text in an item column) were never validated
    assert "test" not in set(frame["organisation"]) and not frame["open_goed"].eq("test test").any()
    pd.testing.assert_frame_equal(frame.drop(columns="respondent_id"), kept.drop(columns="respondent_id"),
                                  check_categorical=False)


def test_identifying_columns_and_response_ids_never_reach_the_frame(demo, qualtrics):
    path, mapping = qualtrics
    frame = load_responses(path, INSTRUMENT, mapping=mapping)
    cells = {str(c) for c in frame.to_numpy().ravel()}
    assert not any("@example.org" in c or c.startswith("192.0.2.") or c in ("Jansen", "Anna", "52.0907")
                   for c in cells)
    ids = demo.drop(index=list(PARTIAL))["respondent_id"].tolist()
    assert not set(ids) & set(frame["respondent_id"])
    assert frame["respondent_id"].tolist() == [pseudonym(i) for i in ids]
    content = yaml.safe_load(mapping.read_text(encoding="utf-8"))
    content["ignore"].remove("RecipientEmail")
    content["columns"]["RecipientEmail"] = "organisation"
    del content["columns"][next(k for k, v in content["columns"].items() if v == "organisation")]
    bad = mapping.with_name("email.yaml")
    bad.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    with pytest.raises(MappingError, match="'RecipientEmail' identifies a person"):
        load_mapping(bad, INSTRUMENT)


def test_min_progress_keeps_partial_responses_from_that_progress_on(qualtrics):
    path, mapping = qualtrics
    responses = read_responses(path, INSTRUMENT, mapping=_edit(mapping, min_progress=80))
    assert responses.screening.excluded == {"preview_test": 2, "below_min_progress": 2}
    assert responses.screening.kept == N - 2


def test_drop_ids_and_duplicates(demo, tmp_path):
    path, mapping = _export(demo, tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*lines, lines[3], lines[4]]), encoding="utf-8")  # the first two respondents again
    first, second = demo["respondent_id"].iloc[0], demo["respondent_id"].iloc[1]
    with pytest.raises(DataError) as caught:
        load_responses(path, INSTRUMENT, mapping=mapping)
    message = str(caught.value)
    assert f"response id '{first}' appears twice (rows 4 and {N + 4})" in message and "\n" not in message
    responses = read_responses(path, INSTRUMENT, mapping=_edit(mapping, duplicates="drop", drop_ids=[second]))
    assert responses.screening.excluded == {"dropped_id": 2, "duplicate": 1}
    assert responses.screening.kept == N - 1


def test_numeric_status_spam_and_unknown_types(demo, tmp_path):
    path, mapping = _export(demo, tmp_path, previews=1, partial={3: 50}, status_codes=True)
    responses = read_responses(path, INSTRUMENT, mapping=mapping)
    assert responses.screening.excluded == {"preview_test": 1, "unfinished": 1}
    text = path.read_text(encoding="utf-8").replace('\n2026-03-01 10:00:00,0,', '\n2026-03-01 10:00:00,8,', 1)
    path.write_text(text, encoding="utf-8")
    assert read_responses(path, INSTRUMENT, mapping=mapping).screening.excluded["spam"] == 1
    path.write_text(text.replace(",8,", ",Wrong,", 1), encoding="utf-8")
    with pytest.raises(DataError, match="unknown response type 'Wrong' in column Status"):
        load_responses(path, INSTRUMENT, mapping=mapping)


def test_limesurvey_submitdate_and_surveymonkey_rows_without_answers(demo, tmp_path):
    path, mapping = _export(demo, tmp_path, "limesurvey", "lime.csv", answers="numeric", background_codes=True,
                            partial={2: 50})
    assert yaml.safe_load(mapping.read_text(encoding="utf-8"))["rows"]["submitted"] == "submitdate"
    responses = read_responses(path, INSTRUMENT, mapping=mapping)
    assert responses.screening.excluded == {"unfinished": 1} and responses.screening.kept == N - 1
    path, mapping = _export(demo, tmp_path, "surveymonkey", "monkey.csv", partial={2: 0, 7: 50})
    responses = read_responses(path, INSTRUMENT, mapping=mapping)
    assert responses.screening.excluded == {"unfinished": 1}  # no completion field: only the row without answers
    responses = read_responses(path, INSTRUMENT, mapping=_edit(mapping, min_progress=80))
    assert responses.screening.excluded == {"below_min_progress": 2}


def test_without_a_rows_block_every_row_is_read(qualtrics):
    path, mapping = qualtrics
    content = yaml.safe_load(mapping.read_text(encoding="utf-8"))
    del content["rows"]
    old = mapping.with_name("old.yaml")
    old.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataError, match="text in answer column nw1, rows 4, 5"):
        load_responses(path, INSTRUMENT, mapping=old)


def test_check_prints_rows_kept_and_left_out(qualtrics, capsys):
    path, mapping = qualtrics
    assert main(["check", str(path), "--mapping", str(mapping)]) == 0
    out = capsys.readouterr().out
    assert f"Rows: {N + 2} read, {N - 3} kept, 5 left out (rows: in the mapping)" in out
    assert "Left out: 2 preview or test rows" in out and "Left out: 3 unfinished responses" in out
