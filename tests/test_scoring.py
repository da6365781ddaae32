"""Reverse-keying, scale scores, group tables and small-group suppression."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from monitor import aggregate, reverse_key, suppress_small_groups, theme_scores
from monitor.survey.scoring import keyed_items


def _answers(instrument, rows: list[dict]) -> pd.DataFrame:
    """A response frame where every item is missing except those given."""
    base = {"respondent_id": "x", "wave": 2024, "region": "R", "organisation_type": "gemeente"}
    frame = pd.DataFrame([{**base, **{i: pd.NA for i in instrument.item_ids}, **r} for r in rows])
    frame["respondent_id"] = [f"r{i}" for i in range(len(frame))]
    for item in instrument.item_ids:
        frame[item] = frame[item].astype("Int8")
    return frame


def test_reverse_keying(instrument):
    assert instrument.reverse_items == ["nw4", "co4", "gw3", "cf3", "br3"]
    frame = _answers(instrument, [{"nw4": 1, "nw1": 1}, {"nw4": 5, "nw1": 5}, {"nw4": pd.NA}])
    keyed = reverse_key(frame, instrument)
    assert keyed["nw4"].tolist()[:2] == [5, 1] and keyed["nw4"].isna().iloc[2]
    assert keyed["nw1"].tolist()[:2] == [1, 5]
    assert frame["nw4"].tolist()[:2] == [1, 5], "the input frame must not change"


def test_items_keyed_once_serve_the_scores(small_sim, instrument):
    frame = small_sim.responses.copy()
    frame[instrument.item_ids] = frame[instrument.item_ids].mask(frame[instrument.item_ids] == 9)
    keyed = keyed_items(frame, instrument)
    assert list(keyed.columns) == instrument.item_ids, "the item columns only: no copy of the background"
    pd.testing.assert_frame_equal(keyed, reverse_key(frame, instrument)[instrument.item_ids])
    pd.testing.assert_frame_equal(theme_scores(frame, instrument, keyed=keyed), theme_scores(frame, instrument))


def test_theme_score_is_mean_of_keyed_items(instrument):
    frame = _answers(instrument, [{"nw1": 4, "nw2": 5, "nw3": 3, "nw4": 2}])
    scores = theme_scores(frame, instrument)
    assert scores.loc[0, "normen_waarden"] == pytest.approx((4 + 5 + 3 + (6 - 2)) / 4)


@pytest.mark.parametrize("answered, scored", [(4, True), (3, True), (2, False), (0, False)])
def test_minimum_answered_share_four_items(instrument, answered, scored):
    # 2/3 of 4 items is 2.67, so 3 answers are needed.
    answers = dict(zip(["pr1", "pr2", "pr3", "pr4"][:answered], [4, 2, 3, 5], strict=False))
    score = theme_scores(_answers(instrument, [answers]), instrument).loc[0, "professionaliteit"]
    if scored:  # the mean of the answered items only (none of pr1-pr4 is reverse-keyed)
        assert score == pytest.approx(sum(answers.values()) / answered)
    else:
        assert pd.isna(score)


def test_minimum_share_three_items_and_custom_share(instrument):
    frame = _answers(instrument, [{"av1": 2, "av2": 4}])
    assert theme_scores(frame, instrument).loc[0, "algemeen_vertrouwen"] == 3.0  # 2 of 3 suffices
    assert pd.isna(theme_scores(frame, instrument, min_share=1.0).loc[0, "algemeen_vertrouwen"])
    with pytest.raises(ValueError, match="min_share"):
        theme_scores(frame, instrument, min_share=0)


def test_trust_index_needs_most_themes(instrument):
    positive = [[i.id for i in theme.items if not i.reverse][:3] for theme in instrument.themes]
    four = {item: 4 for items in positive[:4] for item in items}
    three = {item: 4 for items in positive[:3] for item in items}
    scores = theme_scores(_answers(instrument, [four, three]), instrument)
    assert scores.loc[0, "trust_index"] == 4.0
    assert pd.isna(scores.loc[1, "trust_index"])  # 3 of 6 themes is less than 2/3


def test_scores_on_simulated_data_follow_the_model(small_sim, instrument):
    scores = theme_scores(small_sim.responses.replace({9: pd.NA}).astype(
        {i: "Int8" for i in instrument.item_ids}), instrument)
    themes = [t.id for t in instrument.themes]
    corr = scores[themes].astype("float64").corr().to_numpy()
    off = corr[~np.eye(len(themes), dtype=bool)]
    assert (off > 0.3).all(), "trust themes share general trust in the model"


def test_aggregate_figures_match_a_direct_computation(small_sim, instrument):
    frame = small_sim.responses.copy()
    frame[instrument.item_ids] = frame[instrument.item_ids].mask(frame[instrument.item_ids] == 9)
    scores = theme_scores(frame, instrument)
    table = aggregate(scores, by=["region"], measures=["communicatie"])
    region = table.loc[0, "region"]
    values = scores.loc[scores["region"] == region, "communicatie"].dropna().astype(float)
    n, mean, sd = len(values), values.mean(), values.std()
    half = stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n)
    row = table.iloc[0]
    assert row["n"] == n and row["mean"] == pytest.approx(mean)
    assert row["ci_low"] == pytest.approx(mean - half) and row["ci_high"] == pytest.approx(mean + half)
    assert row["pct_favourable"] == pytest.approx(100 * (values >= 4).mean())
    assert row["suppressed"] == ""


def _table(sizes: dict) -> pd.DataFrame:
    rows = [{"a": a, "b": b, "measure": "m", "n": n, "mean": 3.0} for (a, b), n in sizes.items()]
    return pd.DataFrame(rows)


def test_single_small_group_gets_a_complement():
    table = pd.DataFrame({"f": list("abcd"), "measure": "m", "n": [3, 40, 12, 25], "mean": [1.0, 2, 3, 4]})
    out = suppress_small_groups(table, by=["f"], min_group_size=5)
    assert out["suppressed"].tolist() == ["primary", "", "complementary", ""]
    assert out.loc[[0, 2], ["n", "mean"]].isna().all().all()
    assert out.loc[[1, 3], "mean"].tolist() == [2, 4]


def test_two_small_groups_that_sum_below_the_minimum_need_a_third():
    table = pd.DataFrame({"f": list("abcd"), "measure": "m", "n": [1, 2, 30, 9], "mean": 3.0})
    out = suppress_small_groups(table, by=["f"], min_group_size=5)
    assert out["suppressed"].tolist() == ["primary", "primary", "", "complementary"]


def _recoverable(out: pd.DataFrame, by: list[str], k: int) -> list:
    """Partitions (one dimension free) whose hidden cells a shown total would reveal."""
    bad = []
    hidden = out["suppressed"] != ""
    for dim in by:
        rest = [c for c in by if c != dim] + ["measure"]
        for key, part in out.assign(hidden=hidden).groupby(rest):
            sizes = part.loc[part["hidden"], "n_true"]
            sizes = sizes[sizes > 0]
            if len(sizes) == 1 or (len(sizes) > 1 and sizes.sum() < k):
                if (~part["hidden"] & (part["n_true"] > 0)).any():
                    bad.append((dim, key))
    return bad


@pytest.mark.parametrize("seed", range(25))
def test_no_small_group_shown_and_none_recoverable(seed):
    rng = np.random.default_rng(seed)
    a_levels, b_levels = rng.integers(2, 6), rng.integers(2, 6)
    sizes = {(a, b): int(rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 15, 40]))
             for a, b in itertools.product(range(a_levels), range(b_levels))}
    table = _table(sizes)
    table["n_true"] = table["n"]
    out = suppress_small_groups(table, by=["a", "b"], min_group_size=5)
    shown = out[out["suppressed"] == ""]
    assert (shown["n"].isna() | (shown["n"] >= 5) | (shown["n"] == 0)).all()
    assert ((out["n_true"] > 0) & (out["n_true"] < 5) <= (out["suppressed"] == "primary")).all()
    assert _recoverable(out, ["a", "b"], 5) == []


def test_aggregate_on_demo_hides_small_function_groups(small_sim, instrument):
    frame = small_sim.responses.copy()
    frame[instrument.item_ids] = frame[instrument.item_ids].mask(frame[instrument.item_ids] == 9)
    scores = theme_scores(frame, instrument)
    table = aggregate(scores, by=["region", "wave", "function"], min_group_size=10)
    assert (table["suppressed"] == "primary").any()
    shown = table[table["suppressed"] == ""]
    assert (shown["n"] >= 10).all()
    assert table.loc[table["suppressed"] != "", ["n", "mean", "ci_low", "pct_favourable"]].isna().all().all()
    with pytest.raises(KeyError, match="not in the data"):
        aggregate(scores, by=["gemeente"])


def _messy_scores(seed: int = 5) -> pd.DataFrame:
    """Scores with missing keys (category, string, Int64), missing values, small groups and an
    all-missing column: the cases the fast grouping must get right."""
    rng = np.random.default_rng(seed)
    size = 400
    frame = pd.DataFrame({
        "function": pd.Categorical(rng.choice(["manager", "bestuurder", "overig"], size),
                                   categories=["overig", "manager", "bestuurder", "unused"]),
        "organisation": pd.array(rng.choice(["Oss", "Aa", "Zeist", "Ede"], size, p=[.45, .45, .08, .02]),
                                 dtype="string"),
        "wave": pd.array(rng.choice([2025, 2024], size), dtype="Int64"),
        "score": pd.array(np.round(rng.uniform(1, 5, size), 1), dtype="Float64"),
        "empty": pd.array([pd.NA] * size, dtype="Float64"),
    })
    frame.loc[rng.choice(size, 40, replace=False), "score"] = pd.NA
    for column in ("function", "organisation", "wave"):
        frame.loc[rng.choice(size, 3, replace=False), column] = pd.NA
    return frame


@pytest.mark.parametrize("by", [["function"], ["organisation", "function"], ["wave", "organisation"]])
def test_fast_aggregate_equals_pandas_groupby(by):
    scores = _messy_scores()
    table = aggregate(scores, by=by, measures=["score", "empty"], min_group_size=5)
    # the reference: pandas' own groupby (missing keys a group of their own, sorted as pandas sorts)
    grouped = scores.groupby(by, dropna=False, observed=True, sort=True)
    values = scores.assign(score=scores["score"].astype("float64"), empty=scores["empty"].astype("float64"))
    values = values.groupby(by, dropna=False, observed=True, sort=True)
    expected_keys = grouped.size().index.to_frame(index=False)
    got_keys = table.loc[table["measure"] == "score", by].reset_index(drop=True)
    pd.testing.assert_frame_equal(got_keys, expected_keys, check_categorical=True)
    n = values["score"].count().to_numpy()
    mean, sd = values["score"].mean().to_numpy(), values["score"].std().to_numpy()
    fav = values["score"].apply(lambda s: 100 * (s.dropna() >= 4).mean()).to_numpy()
    half = stats.t.ppf(0.975, np.maximum(n - 1, 1)) * sd / np.sqrt(n)
    rows = table[table["measure"] == "score"]
    primary = (n > 0) & (n < 5)
    assert (rows["suppressed"].to_numpy() == "primary").tolist() == primary.tolist()
    assert primary.any() and (rows["suppressed"] == "complementary").any() and (rows["suppressed"] == "").any()
    shown = (rows["suppressed"] == "").to_numpy()
    np.testing.assert_array_equal(rows["n"].to_numpy()[shown], n[shown])
    for column, reference in (("mean", mean), ("sd", sd), ("ci_low", mean - half), ("ci_high", mean + half),
                              ("pct_favourable", fav)):
        np.testing.assert_allclose(rows[column].to_numpy()[shown], reference[shown], rtol=1e-12, atol=1e-12)
    assert rows.loc[~shown, ["n", "mean", "sd", "ci_low", "ci_high", "pct_favourable"]].isna().all().all()
    # the all-missing measure: n 0 in every group, no figure, nothing to hide
    empty = table[table["measure"] == "empty"]
    assert (empty["n"] == 0).all() and empty["mean"].isna().all() and (empty["suppressed"] == "").all()


def test_aggregate_columns_equal_aggregate():
    from monitor.survey.scoring import aggregate_columns

    scores = _messy_scores(seed=8)
    by = ["organisation", "function"]
    table = aggregate(scores, by=by, measures=["score", "empty"], min_group_size=5)
    columns = aggregate_columns(scores, by=by, measures=["score", "empty"], min_group_size=5)
    assert columns["suppressed"] == table["suppressed"].tolist()
    assert columns["measure"] == table["measure"].tolist()
    for b in by:  # keys as Python values: a missing string None, a missing category NaN
        expected = [None if v is pd.NA else v for v in table[b].tolist()]
        assert [str(v) for v in columns[b]] == [str(v) for v in expected]
    for name in ("n", "mean", "sd", "ci_low", "ci_high", "pct_favourable"):
        np.testing.assert_array_equal(np.array(columns[name]), table[name].to_numpy(dtype="float64"))
