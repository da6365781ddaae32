"""ICC(1), ICC(2) and rwg(J) against R: ``psych::statsBy`` and ``aov`` for the ICCs, ``multilevel::rwg.j``.

References from tests/r/agreement_reference.R (outputs in tests/expected/agreement_*.csv). These are
closed forms, so the tolerance is 1e-8: absolute for ICCs, their intervals, mean squares, variances and
rwg(J); relative for F and p (p runs down to 1e-19). The measured differences are below 1e-10 (relative 3e-12).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from monitor.psychometrics import PsychometricWarning, icc, rwg_j

from .conftest import DATA, EXPECTED

TOLERANCE = 1e-8
ICC_ABSOLUTE = ["mean_cluster_size", "ms_between", "ms_within", "df_between", "df_within", "icc1", "icc1_ci_low",
                "icc1_ci_high", "icc2", "icc2_ci_low", "icc2_ci_high"]
ICC_RELATIVE = ["F", "p"]

ICC_EXPECTED = pd.read_csv(EXPECTED / "agreement_icc.csv")
RWG_EXPECTED = pd.read_csv(EXPECTED / "agreement_rwg_j.csv", keep_default_na=False, na_values=["NA"])
ICC_CASES = sorted(ICC_EXPECTED.groupby(["dataset", "cluster"]).groups)
RWG_CASES = sorted(RWG_EXPECTED.groupby(["dataset", "cluster_column", "scale", "options"]).groups)


def _dataset(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / f"{name}.csv", keep_default_na=False, na_values=[""])


@pytest.mark.parametrize(("dataset", "cluster"), ICC_CASES, ids=[f"{d}-{c}" for d, c in ICC_CASES])
def test_icc_matches_psych_statsby(dataset, cluster):
    expected = ICC_EXPECTED[(ICC_EXPECTED.dataset == dataset) & (ICC_EXPECTED.cluster == cluster)]
    ours = icc(_dataset(dataset), list(expected.column), cluster).set_index("column")
    for _, ref in expected.iterrows():
        row = ours.loc[ref.column]
        assert row["n"] == ref.n and row["n_clusters"] == ref.n_clusters, ref.column
        for key in ICC_ABSOLUTE:
            assert row[key] == pytest.approx(ref[key], abs=TOLERANCE), (ref.column, key)
        for key in ICC_RELATIVE:
            assert row[key] == pytest.approx(ref[key], rel=TOLERANCE), (ref.column, key)
        # psych and multilevel (from aov) agree on the ICCs: one mean cluster size for unequal clusters
        assert ref.icc1 == pytest.approx(ref.icc1_multilevel, rel=1e-9)
        assert ref.icc2 == pytest.approx(ref.icc2_multilevel, rel=1e-9)


@pytest.mark.parametrize(("dataset", "cluster", "scale", "options"), RWG_CASES,
                         ids=[f"{c}-{s}-A{a}" for _, c, s, a in RWG_CASES])
def test_rwg_j_matches_multilevel(dataset, cluster, scale, options):
    expected = RWG_EXPECTED[(RWG_EXPECTED.dataset == dataset) & (RWG_EXPECTED.cluster_column == cluster)
                            & (RWG_EXPECTED.scale == scale) & (RWG_EXPECTED.options == options)]
    items = [f"{scale}{k}" for k in range(1, 5)]
    ours = rwg_j(_dataset(dataset), items, cluster, options=options).set_index(cluster)
    expected = expected.set_index("cluster")
    assert sorted(ours.index) == sorted(expected.index)
    ours = ours.loc[expected.index]
    assert (ours["n"] == expected["n"]).all() and (ours["n_items"] == expected["n_items"]).all()
    for key in ["mean_item_variance", "rwg_j"]:
        np.testing.assert_allclose(ours[key], expected[key], rtol=0, atol=TOLERANCE, equal_nan=True, err_msg=key)
    null_variance = (options ** 2 - 1) / 12
    assert (ours["truncated"] == (expected["mean_item_variance"] > null_variance)).all()


def test_the_references_hold_the_edge_cases_they_are_meant_to():
    """A cluster of one (NaN rwg), truncated rwg, missing answers, unequal clusters."""
    rwg = RWG_EXPECTED
    assert ((rwg.n == 1) & rwg.rwg_j.isna()).any()
    assert ((rwg.options == 5) & (rwg.rwg_j == 0)).any()  # an organisation disagrees beyond chance
    items = _dataset("demo_items_clusters")
    assert items[[f"nw{k}" for k in range(1, 5)]].isna().any().all()
    assert items.groupby("organisation").size().min() == 1
    assert ICC_EXPECTED.mean_cluster_size.mod(1).gt(0).any()


# -- edge cases -------------------------------------------------------------------------------------
@pytest.fixture
def teams() -> pd.DataFrame:
    return pd.DataFrame({"team": list("aaabbbbccd"), "x": [1, 2, 3, 3, 4, 5, 4, 5, 5, 2],
                         "y": [2, 2, 3, 3, 3, 5, 4, 5, 4, 1], "z": [1, 2, 2, 4, 5, 4, 3, 4, 4, 5]})


def test_a_cluster_of_one_adds_to_the_between_part_only(teams):
    result = icc(teams, ["x"], "team").iloc[0]
    assert result["n_clusters"] == 4 and result["mean_cluster_size"] == 2.5
    assert result["df_within"] == 10 - 4  # the lone respondent of d adds no within variance
    without = icc(teams[teams.team != "d"], ["x"], "team").iloc[0]  # within: the same sum of squares and df
    assert result["ms_within"] == pytest.approx(without["ms_within"]) and result["ms_between"] != without["ms_between"]
    rwg = rwg_j(teams, ["x", "y", "z"], "team").set_index("team")
    assert rwg.loc["d", "n"] == 1 and np.isnan(rwg.loc["d", "rwg_j"]) and np.isnan(rwg.loc["d", "mean_item_variance"])
    assert not rwg.loc["d", "truncated"]


def test_missing_answers_icc_per_column_rwg_listwise(teams):
    holed = teams.astype({"x": "Int8", "y": "Int8", "z": "Int8"})
    holed.loc[0, "x"] = pd.NA
    holed.loc[5, "team"] = None
    result = icc(holed, ["x", "y"], "team").set_index("column")
    assert result.loc["x", "n"] == 8 and result.loc["y", "n"] == 9
    alone = icc(teams.drop(index=[0, 5]), ["x"], "team").iloc[0]
    pd.testing.assert_series_equal(result.loc["x"], alone.drop("column"), check_names=False, check_dtype=False)
    rwg = rwg_j(holed, ["x", "y", "z"], "team").set_index("team")
    listwise = rwg_j(teams.drop(index=[0, 5]), ["x", "y", "z"], "team").set_index("team")
    pd.testing.assert_frame_equal(rwg, listwise)
    assert rwg.loc["a", "n"] == 2 and rwg.loc["b", "n"] == 3


def test_a_cluster_whose_answers_are_all_missing_is_not_listed(teams):
    teams.loc[teams.team == "d", "x"] = np.nan
    assert list(rwg_j(teams, ["x", "y"], "team")["team"]) == ["a", "b", "c"]
    assert icc(teams, ["x"], "team").iloc[0]["n_clusters"] == 3


def test_constant_item(teams):
    teams["k"] = 3
    with pytest.warns(PsychometricWarning, match="without variance: k"):
        result = icc(teams, ["x", "k"], "team").set_index("column")
    assert np.isnan(result.loc["k", "icc1"]) and np.isnan(result.loc["k", "icc2"]) and np.isnan(result.loc["k", "F"])
    assert result.loc["x", "icc1"] == pytest.approx(icc(teams, ["x"], "team").iloc[0]["icc1"])
    # a constant item adds a variance of 0 to the mean, as in multilevel::rwg.j
    rwg = rwg_j(teams, ["x", "k"], "team").set_index("team")
    single = rwg_j(teams, ["x"], "team").set_index("team")
    assert rwg.loc["a", "mean_item_variance"] == pytest.approx(single.loc["a", "mean_item_variance"] / 2)
    same = pd.DataFrame({"team": list("aabb"), "q1": [4, 4, 2, 2], "q2": [3, 3, 5, 5]})
    assert list(rwg_j(same, ["q1", "q2"], "team")["rwg_j"]) == [1.0, 1.0]


def test_no_variance_within_clusters_gives_icc_one_as_r():
    # statsBy on this frame: F Inf, ICC1 1, ICC2 1, ci1 NaN, ci2 1 to 1
    frame = pd.DataFrame({"team": list("aaabbbbcc"), "x": [1, 1, 1, 2, 2, 2, 2, 3, 3]})
    row = icc(frame, "x", "team").iloc[0]
    assert row["F"] == np.inf and row["p"] == 0 and row["icc1"] == 1 and row["icc2"] == 1
    assert np.isnan(row["icc1_ci_low"]) and row["icc2_ci_low"] == 1 and row["icc2_ci_high"] == 1


def test_one_item_is_the_single_item_rwg():
    frame = pd.DataFrame({"team": list("aaaa"), "q": [1, 2, 2, 3]})
    variance = np.var([1, 2, 2, 3], ddof=1)
    assert rwg_j(frame, "q", "team", options=5).iloc[0]["rwg_j"] == pytest.approx(1 - variance / 2)


def test_the_null_variance_follows_the_options():
    frame = pd.DataFrame({"team": list("aaaa"), "q1": [1, 2, 2, 3], "q2": [2, 2, 3, 3]})
    for options in (3, 5, 7, 11):
        s2 = np.mean([np.var([1, 2, 2, 3], ddof=1), np.var([2, 2, 3, 3], ddof=1)])
        ratio = min(s2 / ((options ** 2 - 1) / 12), 1)
        assert rwg_j(frame, ["q1", "q2"], "team", options=options).iloc[0]["rwg_j"] == pytest.approx(
            2 * (1 - ratio) / (2 * (1 - ratio) + ratio))


@pytest.mark.parametrize(("call", "message"), [
    (lambda t: icc(t, ["x", "nope"], "team"), r"column\(s\) not in the data: nope"),
    (lambda t: icc(t, ["x"], "ploeg"), "cluster column 'ploeg' is not in the data"),
    (lambda t: rwg_j(t, ["x", "nope"], "team"), r"column\(s\) not in the data: nope"),
    (lambda t: rwg_j(t, ["x"], "ploeg"), "cluster column 'ploeg' is not in the data"),
    (lambda t: rwg_j(t, ["x", "y"], "team", options=1), "options must be a whole number .* at least 2; got 1"),
    (lambda t: rwg_j(t, ["x", "y"], "team", options=0), "at least 2; got 0"),
    (lambda t: rwg_j(t, ["x", "y"], "team", options=4.5), "whole number"),
    (lambda t: rwg_j(t, ["x", "y"], "team", options=True), "whole number"),
    (lambda t: rwg_j(t, ["x", "y"], "team", options=3), "the answers run from 1 to 5, more than options=3 values"),
    (lambda t: icc(t, [], "team"), "columns is empty"),
    (lambda t: icc(t, ["x", "x"], "team"), "named twice"),
    (lambda t: icc(t, ["x", "team"], "team"), "cluster column 'team' is also one of the columns"),
    (lambda t: icc(t.assign(w="hoog"), ["w"], "team"), "column 'w' is not numeric"),
    (lambda t: icc(t.assign(x=np.inf), ["x"], "team"), "column 'x' holds an infinite value"),
    (lambda t: icc(t.assign(team="a"), ["x"], "team"), "fewer than two clusters"),
    (lambda t: icc(t.to_numpy(), ["x"], "team"), "data must be a pandas DataFrame"),
])
def test_bad_input_is_a_one_line_value_error(teams, call, message):
    with pytest.raises(ValueError, match=message):
        call(teams)
