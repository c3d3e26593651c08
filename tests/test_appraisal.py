"""Appraisal and feedback (COURSE.md §4): weighted scores, the pitch rubric, COIN and the review form,
the weekly self-check sheet, the PIP — units, properties, and localised validation messages."""
from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import simlib
from simlib.formulas import appraisal as ap
from simlib.formulas.appraisal import (
    PITCH_RUBRIC,
    SELF_CHECK_TARGETS,
    WEIGHT_PRESETS,
    CoinFeedback,
    PipOutcome,
    PipPlan,
    ReviewForm,
    appraisal_score,
    evaluate_pip,
    score_pitches,
    self_check,
)

LANGS = ("zh-Hant", "zh-Hans", "en")
S3 = {"results": 82, "process": 90, "capability": 70, "teamwork": 85}


def messages(err: simlib.ScenarioError) -> dict[str, str]:
    return {lang: err.message(lang) for lang in LANGS}


def assert_names(err: simlib.ScenarioError, path: str) -> None:
    """The error names ``path`` in every language (and zh-Hant / en texts differ: they are translated)."""
    assert path in err.paths
    msg = messages(err)
    for lang in LANGS:
        assert path in msg[lang], (lang, msg[lang])
    assert msg["zh-Hant"] != msg["en"]


# ---------------------------------------------------------------------------------------------
# Weighted score
# ---------------------------------------------------------------------------------------------
def test_presets_are_the_decks_weights():
    assert WEIGHT_PRESETS["s3"] == {"results": 0.6, "process": 0.2, "capability": 0.1, "teamwork": 0.1}
    assert WEIGHT_PRESETS["s0"] == {"quantitative": 0.7, "qualitative": 0.3}
    for w in WEIGHT_PRESETS.values():
        assert math.isclose(sum(w.values()), 1.0)


def test_s3_and_s0_scores():
    r = appraisal_score(S3)
    assert (r.score, r.grade, r.focus) == (82.7, "B", "results")
    assert r.points == {"results": 49.2, "process": 18.0, "capability": 7.0, "teamwork": 8.5}
    assert appraisal_score({"quantitative": 88, "qualitative": 70}, "s0").score == 82.6
    assert appraisal_score({"quantitative": 88, "qualitative": 70}, "S0").score == 82.6


def test_grade_bands_are_inclusive_lower_bounds_and_exact():
    assert [ap.grade(x) for x in (100, 90, 89.999, 75, 74.99, 60, 59.99, 0)] == \
        ["A", "A", "B", "B", "C", "C", "D", "D"]
    # 0.6·90 + 0.2·90 + 0.1·90 + 0.1·90 is 90 exactly, not 89.99999…: grade A
    assert appraisal_score(dict.fromkeys(S3, 90)).grade == "A"
    assert appraisal_score({"a": 70, "b": 80}, {"a": 0.5, "b": 0.5}, bands={"pass": 60, "fail": 0}).grade == "pass"


def test_custom_weights_need_not_be_presets():
    r = appraisal_score({"sales": 90, "new_customers": 60, "attitude": 80},
                        {"sales": 0.5, "new_customers": 0.3, "attitude": 0.2})
    assert r.score == 79.0 and r.focus == "new_customers"


@pytest.mark.parametrize("lang, words", [("zh-Hant", ["業績指標", "過程指標", "能力指標", "團隊協作", "合計"]),
                                         ("zh-Hans", ["业绩指标", "过程指标", "能力指标", "团队协作", "合计"]),
                                         ("en", ["Results", "Process", "Capability", "Teamwork", "Total"])])
def test_table_reads_in_three_languages(lang, words):
    df = appraisal_score(S3).table(lang)
    assert len(df) == 5 and df.shape[1] == 4
    first = df.iloc[:, 0].tolist()
    for w, cell in zip(words, first, strict=True):
        assert w in cell
    assert df.iloc[-1, 3] == 82.7 and math.isclose(df.iloc[:-1, 3].sum(), 82.7)
    assert "B" in appraisal_score(S3).text(lang)


def test_custom_component_keeps_its_name_in_the_table():
    df = appraisal_score({"nps": 70}, {"nps": 1}).table("zh-Hant")
    assert df.iloc[0, 0] == "nps"


def test_weights_not_summing_to_one_are_refused_by_name():
    with pytest.raises(simlib.ScenarioError) as info:
        appraisal_score({"a": 80, "b": 90}, {"a": 0.5, "b": 0.4})
    assert_names(info.value, "weights")
    msg = messages(info.value)
    assert "0.9" in msg["en"] and "權重" in msg["zh-Hant"] and "权重" in msg["zh-Hans"]


def test_weights_in_percent_get_their_own_hint():
    with pytest.raises(simlib.ScenarioError) as info:
        appraisal_score(S3, {"results": 60, "process": 20, "capability": 10, "teamwork": 10})
    assert info.value.issues[0].code == "appraisal_weights_percent"
    assert "0.6" in info.value.message("en") and "百分數" in info.value.message("zh-Hant")


@pytest.mark.parametrize("scores, weights, path", [
    ({**S3, "process": 120}, "s3", "scores.process"),
    ({**S3, "results": -1}, "s3", "scores.results"),
    ({k: v for k, v in S3.items() if k != "teamwork"}, "s3", "scores.teamwork"),
    ({**S3, "teamwrok": 3}, "s3", "scores.teamwrok"),
    (S3, {"results": -0.1, "process": 1.1}, "weights.results"),
    (S3, "s9", "weights"),
])
def test_bad_appraisal_input_names_the_field(scores, weights, path):
    with pytest.raises(simlib.ScenarioError) as info:
        appraisal_score(scores, weights)
    assert_names(info.value, path)


def test_unknown_component_suggests_the_right_one():
    with pytest.raises(simlib.ScenarioError, match="'teamwork'"):
        appraisal_score({**{k: v for k, v in S3.items() if k != "teamwork"}, "teamwrok": 3})


def test_bad_bands_are_refused():
    for bands in ({"A": 50, "B": 60, "C": 0}, {"A": 90, "B": 10}, {}):
        with pytest.raises(simlib.ScenarioError) as info:
            appraisal_score(S3, bands=bands)
        assert info.value.paths == ["bands"]
    with pytest.raises(simlib.ScenarioError):
        ap.grade(101)


scores_st = st.floats(0, 100, allow_nan=False)


@st.composite
def weighted(draw):
    n = draw(st.integers(1, 6))
    raw = draw(st.lists(st.integers(1, 100), min_size=n, max_size=n))
    names = [f"c{i}" for i in range(n)]
    weights = {k: r / sum(raw) for k, r in zip(names, raw, strict=True)}
    scores = {k: draw(scores_st) for k in names}
    return weights, scores


@given(weighted())
def test_score_is_a_weighted_mean_within_the_component_range(case):
    weights, scores = case
    r = appraisal_score(scores, weights)
    assert min(scores.values()) - 0.01 <= r.score <= max(scores.values()) + 0.01
    assert math.isclose(r.score, sum(weights[k] * scores[k] for k in weights), abs_tol=0.006)
    if all(abs(r.score - band) > 0.01 for band in (90, 75, 60)):   # away from a band edge, rounding is harmless
        assert r.grade == ap.grade(r.score)


@given(weighted(), st.data())
def test_raising_a_component_never_lowers_the_score_or_grade(case, data):
    weights, scores = case
    key = data.draw(st.sampled_from(sorted(scores)))
    higher = {**scores, key: data.draw(st.floats(scores[key], 100))}
    a, b = appraisal_score(scores, weights), appraisal_score(higher, weights)
    assert b.score >= a.score
    assert "ABCD".index(b.grade) <= "ABCD".index(a.grade)


@given(st.dictionaries(st.sampled_from(list("abcdef")), st.floats(0, 2), min_size=1))
def test_weights_off_one_are_always_refused(weights):
    assume(abs(sum(weights.values()) - 1) > 1e-6)
    with pytest.raises(simlib.ScenarioError) as info:
        appraisal_score(dict.fromkeys(weights, 50.0), weights)
    assert info.value.paths == ["weights"]


# ---------------------------------------------------------------------------------------------
# Pitch rubric
# ---------------------------------------------------------------------------------------------
def sheet(who, judge=None, **scores):
    base = {"accuracy": 16, "clarity": 16, "value": 20, "qa": 16, "presence": 12}
    row = {"contestant": who, **base, **scores}
    if judge is not None:
        row["judge"] = judge
    return row


def test_rubric_is_the_s3_rubric():
    assert PITCH_RUBRIC == {"accuracy": 20, "clarity": 20, "value": 25, "qa": 20, "presence": 15}
    assert sum(PITCH_RUBRIC.values()) == 100


def test_several_judges_are_averaged_and_their_spread_shown():
    res = score_pitches([sheet("甲", "A", value=25), sheet("甲", "B", value=15), sheet("乙", "A")])
    row = res.ranking.set_index("contestant").loc["甲"]
    assert row["judges"] == 2 and row["value"] == 20 and row["total"] == 80 and row["spread"] == 10
    assert res.sheets["total"].tolist() == [85, 75, 80]


def test_ties_share_a_rank_and_the_next_rank_is_skipped():
    res = score_pitches([sheet("a"), sheet("b"), sheet("c", qa=10), sheet("d", qa=20)])
    ranks = dict(zip(res.ranking["contestant"], res.ranking["rank"], strict=True))
    assert ranks == {"d": 1, "a": 2, "b": 2, "c": 4}
    assert res.ranking["contestant"].tolist() == ["d", "a", "b", "c"]


def test_tiebreak_criteria_separate_equal_totals():
    res = score_pitches([sheet("a", value=21, qa=15), sheet("b", value=20, qa=16)], tiebreak=("value",))
    assert dict(zip(res.ranking["contestant"], res.ranking["rank"], strict=True)) == {"a": 1, "b": 2}
    with pytest.raises(simlib.ScenarioError, match="tiebreak"):
        score_pitches([sheet("a")], tiebreak=("charm",))


def test_unnamed_judges_are_numbered_per_contestant():
    res = score_pitches([sheet("a"), sheet("a"), sheet("b")])
    assert res.sheets["judge"].tolist() == ["1", "2", "1"]
    mixed = score_pitches([sheet("a", "銷售總監"), sheet("a"), sheet("b")])
    assert mixed.sheets["judge"].tolist() == ["銷售總監", "1", "1"]


def test_dataframe_and_records_agree():
    rows = [sheet("a", "x"), sheet("b", "x", qa=19), sheet("a", "y", clarity=11)]
    assert score_pitches(rows).ranking.equals(score_pitches(pd.DataFrame(rows)).ranking)


@pytest.mark.parametrize("lang, weakest", [("en", "Value translation"), ("zh-Hant", "價值轉化能力"),
                                           ("zh-Hans", "价值转化能力")])
def test_feedback_names_the_weakest_criterion(lang, weakest):
    res = score_pitches([sheet("a", value=10)])
    lines = res.feedback("a", lang)
    assert len(lines) == len(PITCH_RUBRIC) + 2
    assert weakest in lines[-2] and "40%" in lines[-2]
    assert "70 / 100" in lines[-1]
    assert res.weakest("a") == ["value"]


def test_feedback_lists_every_tied_weakest_criterion():
    res = score_pitches([sheet("a", accuracy=10, clarity=10)])
    assert res.weakest("a") == ["accuracy", "clarity"]
    assert "內容準確性、表達清晰度" in res.feedback("a", "zh-Hant")[-2]
    with pytest.raises(simlib.ScenarioError, match="zed"):
        res.feedback("zed")


def test_pitch_table_is_localised():
    cols = score_pitches([sheet("a")]).table("zh-Hant").columns.tolist()
    assert cols[:3] == ["名次", "參賽者", "評委數"] and "價值轉化能力 (25)" in cols


@pytest.mark.parametrize("rows, path", [
    ([sheet("a", accuracy=21)], "sheets[0].accuracy"),
    ([sheet("a", presence=-1)], "sheets[0].presence"),
    ([sheet("a", qa="good")], "sheets[0].qa"),
    ([{k: v for k, v in sheet("a").items() if k != "value"}], "sheets[0].value"),
    ([sheet("")], "sheets[0].contestant"),
    ([sheet("a", valeu=3)], "sheets[0].valeu"),
    ([sheet("a", "j"), sheet("a", "j")], "sheets[1].judge"),
])
def test_bad_sheets_name_the_field(rows, path):
    with pytest.raises(simlib.ScenarioError) as info:
        score_pitches(rows)
    assert_names(info.value, path)


def test_every_bad_cell_is_reported_at_once():
    with pytest.raises(simlib.ScenarioError) as info:
        score_pitches([sheet("a", accuracy=30, qa=99), sheet("b", clarity=-2)])
    assert info.value.paths == ["sheets[0].accuracy", "sheets[0].qa", "sheets[1].clarity"]


sheet_st = st.fixed_dictionaries({c: st.integers(0, int(m)) for c, m in PITCH_RUBRIC.items()})


@given(st.lists(st.tuples(st.sampled_from("abcde"), st.sampled_from("xyz"), sheet_st), min_size=1, max_size=15,
                unique_by=lambda r: (r[0], r[1])), st.randoms())
@settings(max_examples=60, deadline=None)
def test_pitch_properties(rows, rnd):
    records = [{"contestant": c, "judge": j, **s} for c, j, s in rows]
    res = score_pitches(records)
    assert (res.sheets["total"] <= 100).all()
    totals = {}
    for c, _, s in rows:
        totals.setdefault(c, []).append(sum(s.values()))
    for _, r in res.ranking.iterrows():
        judged = totals[r["contestant"]]
        assert min(judged) - 1e-9 <= r["total"] <= max(judged) + 1e-9
        assert math.isclose(r["total"], sum(judged) / len(judged))
        better = sum(1 for v in totals.values() if sum(v) / len(v) > r["total"] + 1e-9)
        assert r["rank"] == 1 + better
    shuffled = records[:]
    rnd.shuffle(shuffled)
    again = score_pitches(shuffled).ranking.set_index("contestant").sort_index()
    first = res.ranking.set_index("contestant").sort_index()
    pd.testing.assert_series_equal(again["rank"], first["rank"])
    pd.testing.assert_series_equal(again["total"], first["total"], check_exact=False)


# ---------------------------------------------------------------------------------------------
# COIN and the S2 review form
# ---------------------------------------------------------------------------------------------
DECK_COIN = {"context": "上週的客戶演示會議中", "observation": "我注意到你在回答客戶技術問題時有些猶豫",
             "impact": "這讓客戶對我們的技術實力產生了疑慮", "next": "建議你參加下週的產品技術培訓,並準備一份常見問題的標準回答"}


def codes(record):
    return [h.code for h in CoinFeedback.from_dict(record).check()]


def test_the_decks_own_example_is_behaviour_not_judgement():
    """S0's example states a behaviour (no judgement) and a time; it has no number, which is only a tip."""
    assert codes(DECK_COIN) == ["no_number"]


def test_a_factual_observation_has_no_hints():
    good = {**DECK_COIN, "observation": "客戶問了 3 個技術問題,你有 2 個沒有回答"}
    assert codes(good) == []


@pytest.mark.parametrize("text", ["你太懶了", "你态度差", "他工作不認真", "She is lazy", "a bad attitude all week",
                                  "Very unprofessional"])
def test_judgements_are_flagged(text):
    assert "judgement" in codes({**DECK_COIN, "observation": text})


@pytest.mark.parametrize("text", ["你總是遲到", "He never follows up", "从不准备方案"])
def test_generalisations_are_flagged(text):
    assert "generalisation" in codes({**DECK_COIN, "observation": text})


def test_missing_time_and_vague_next_step_are_flagged():
    c = codes({"context": "In the demo", "observation": "You answered 1 of 4 questions", "impact": "The client doubted us",
               "next": "Prepare better"})
    assert c == ["no_time", "next_vague"]
    assert codes({"context": "In last Tuesday's demo", "observation": "You answered 1 of 4 questions",
                  "impact": "x", "next": "Rehearse the FAQ by Friday"}) == []


@pytest.mark.parametrize("lang, word", [("en", "judge the person"), ("zh-Hant", "評判"), ("zh-Hans", "评判")])
def test_hints_read_in_three_languages(lang, word):
    fb = CoinFeedback.from_dict({**DECK_COIN, "observation": "他很懶"})
    hints = fb.hints(lang)
    assert word in hints[0] and "懶" in hints[0]
    assert len(fb.text(lang).splitlines()) == 4


@pytest.mark.parametrize("bad, path", [({"observation": ""}, "observation"), ({"impact": "   "}, "impact"),
                                       ({"next": None}, "next"), ({"nxt": "x"}, "nxt")])
def test_coin_parts_are_required_by_name(bad, path):
    record = {**DECK_COIN, **bad}
    if bad.get("next", 1) is None:
        del record["next"]
    with pytest.raises(simlib.ScenarioError) as info:
        CoinFeedback.from_dict(record)
    assert_names(info.value, path)


@given(st.text(max_size=20), st.sampled_from(["懶", "懒", "態度差", "态度差", "不認真", "lazy", "LAZY"]), st.text(max_size=20))
@settings(max_examples=60)
def test_a_judgement_word_anywhere_is_flagged(before, word, after):
    record = {**DECK_COIN, "observation": f"{before} {word} {after}"}
    assert "judgement" in codes(record)


REVIEW = {"employee": "張明", "strengths": ["每天 5 次拜訪"], "improvements": ["方案轉成交 15%"],
          "actions": [{"action": "方案附投資回報計算", "due": "2025-07-31", "measure": "轉化率 ≥ 25%"}]}


def test_review_form_reads_and_renders():
    form = ReviewForm.from_dict(REVIEW)
    assert form.actions[0].due == date(2025, 7, 31) and form.check() == []
    table = form.table("zh-Hant")
    assert table.iloc[:, 0].tolist() == ["優勢", "改進點", "行動計劃"]
    assert table.iloc[2, 2] == "2025-07-31"


def test_review_form_hints():
    form = ReviewForm.from_dict({**REVIEW, "improvements": ["a", "b"],
                                 "actions": [{"action": "x", "due": date(2025, 1, 1)}]})
    assert form.check() == ["fewer_actions", "no_measure"]
    assert "2" in form.hints("en")[0] and "改進點" in form.hints("zh-Hant")[0]


@pytest.mark.parametrize("bad, path", [({"strengths": []}, "strengths"), ({"improvements": [""]}, "improvements[0]"),
                                       ({"actions": [{"action": "x", "due": "next week"}]}, "actions[0].due"),
                                       ({"actions": [{"due": "2025-01-01"}]}, "actions[0].action")])
def test_review_form_errors_name_the_field(bad, path):
    with pytest.raises(simlib.ScenarioError) as info:
        ReviewForm.from_dict({**REVIEW, **bad})
    assert_names(info.value, path)


# ---------------------------------------------------------------------------------------------
# Weekly self-check sheet
# ---------------------------------------------------------------------------------------------
WEEK = {"new_visits": 8, "follow_ups": 15, "proposals": 5, "demos": 3, "orders": 1, "sales": 120_000,
        "satisfaction": 0.92}


def test_self_check_targets_are_s3s():
    assert SELF_CHECK_TARGETS == {"new_visits": 10, "follow_ups": 15, "proposals": 5, "demos": 3, "orders": 2,
                                  "sales": 100_000, "satisfaction": 0.9}


def test_completion_per_row_and_overall():
    s = self_check(WEEK)
    comp = dict(zip(s.rows["item"], s.rows["completion"], strict=True))
    assert comp["new_visits"] == 0.8 and comp["orders"] == 0.5 and comp["sales"] == 1.2
    assert math.isclose(s.overall, 6.3 / 7)                      # sales' 120 % counts as 100 %
    assert s.behind == ["orders", "new_visits"]
    assert math.isclose(self_check(WEEK, cap=2).overall, (0.8 + 1 + 1 + 1 + 0.5 + 1.2 + 0.92 / 0.9) / 7)


def test_all_done_and_custom_rows():
    s = self_check(SELF_CHECK_TARGETS)
    assert s.behind == [] and s.overall == 1.0
    assert "100%" in s.text("en")
    c = self_check({"calls": 30}, {"calls": 40})
    assert c.behind == ["calls"] and c.overall == 0.75


@pytest.mark.parametrize("lang, words", [("en", ["Orders closed 50%", "New-customer visits 80%"]),
                                         ("zh-Hant", ["成交訂單數 50%", "新客戶拜訪數 80%"]),
                                         ("zh-Hans", ["成交订单数 50%", "新客户拜访数 80%"])])
def test_self_check_reads_in_three_languages(lang, words):
    s = self_check(WEEK)
    text = s.text(lang)
    assert all(w in text for w in words)
    assert s.table(lang).shape == (7, 4)


@pytest.mark.parametrize("actuals, path", [
    ({k: v for k, v in WEEK.items() if k != "demos"}, "actuals.demos"),
    ({**WEEK, "satisfaction": 92}, "actuals.satisfaction"),
    ({**WEEK, "orders": -1}, "actuals.orders"),
    ({**WEEK, "demo": 2}, "actuals.demo"),
])
def test_self_check_errors_name_the_row(actuals, path):
    with pytest.raises(simlib.ScenarioError) as info:
        self_check(actuals)
    assert_names(info.value, path)


def test_self_check_target_must_be_positive():
    with pytest.raises(simlib.ScenarioError) as info:
        self_check({"calls": 1}, {"calls": 0})
    assert info.value.paths == ["targets.calls"]


@given(st.fixed_dictionaries({k: (st.floats(0, 1) if k == "satisfaction" else st.floats(0, 3 * v))
                              for k, v in SELF_CHECK_TARGETS.items()}))
@settings(deadline=None)   # a pandas table per example: slow on a loaded machine, not wrong
def test_self_check_properties(actuals):
    s = self_check(actuals)
    assert 0 <= s.overall <= 1 + 1e-12
    for _, r in s.rows.iterrows():
        assert math.isclose(r["completion"], actuals[r["item"]] / SELF_CHECK_TARGETS[r["item"]])
    assert set(s.behind) == {k for k, v in actuals.items() if v / SELF_CHECK_TARGETS[k] < 1 - 1e-12}
    comps = dict(zip(s.rows["item"], s.rows["completion"], strict=True))
    assert [comps[k] for k in s.behind] == sorted(comps[k] for k in s.behind)


# ---------------------------------------------------------------------------------------------
# PIP
# ---------------------------------------------------------------------------------------------
PLAN = {"employee": "王五", "start": "2025-03-03", "diagnosis": "新系統不熟,轉化率 12%", "cause": "skill",
        "targets": {"sales": 25_000, "visits": 10}, "support": ["一對一導師", "CRM 培訓"]}


def weeks(sales, visits=10):
    return [{"sales": s, "visits": visits} for s in sales]


def test_plan_dates_follow_the_90_days():
    plan = PipPlan.from_dict(PLAN)
    assert plan.weeks == 12 and plan.evaluation_date == date(2025, 6, 1)
    assert plan.checkins[0] == date(2025, 3, 10) and plan.checkins[-1] == date(2025, 5, 26)
    assert all(c <= plan.evaluation_date for c in plan.checkins)


def test_outcomes_follow_the_documented_rules():
    plan = PipPlan.from_dict(PLAN)
    assert evaluate_pip(plan, weeks([25_000] * 12)).outcome is PipOutcome.PASSED
    # a strong finish passes whatever the start
    assert evaluate_pip(plan, weeks([0] * 8 + [25_000] * 4)).outcome is PipOutcome.PASSED
    # 80 % in the last weeks: close to the bar -> extended by 30 days
    r = evaluate_pip(plan, weeks([15_000] * 12, visits=10))
    assert math.isclose(r.final, 0.8) and r.outcome is PipOutcome.EXTENDED
    assert r.next_date == date(2025, 7, 1)
    # a good mean with one collapsed week: not passed, extended
    r = evaluate_pip(plan, weeks([25_000] * 11 + [5_000]))
    assert r.outcome is PipOutcome.EXTENDED and r.reasons[0][0] == "extended_floor"
    # far below: exit; and an extension already used: exit
    assert evaluate_pip(plan, weeks([5_000] * 12, visits=5)).outcome is PipOutcome.EXIT
    used = PipPlan.from_dict({**PLAN, "extensions_used": 1})
    r = evaluate_pip(used, weeks([15_000] * 12))
    assert r.outcome is PipOutcome.EXIT and r.reasons[0][0] == "exit_extensions"


def test_over_delivering_one_target_does_not_hide_another():
    plan = PipPlan.from_dict(PLAN)
    r = evaluate_pip(plan, weeks([50_000] * 12, visits=5))   # 200 % sales, 50 % visits
    assert math.isclose(r.final, 0.75) and r.outcome is PipOutcome.EXTENDED


def test_rules_can_be_changed():
    strict = PipPlan.from_dict({**PLAN, "rules": {"pass_level": 1.0, "floor": 1.0, "max_extensions": 0}})
    assert evaluate_pip(strict, weeks([24_000] * 12)).outcome is PipOutcome.EXIT


@pytest.mark.parametrize("lang, word", [("en", "Extended"), ("zh-Hant", "延期"), ("zh-Hans", "延期")])
def test_pip_result_reads_in_three_languages(lang, word):
    r = evaluate_pip(PLAN, weeks([15_000] * 12))
    lines = r.text(lang)
    assert word in lines[0] and "2025-07-01" in lines[1] and len(lines) == 3


@pytest.mark.parametrize("bad, path", [
    ({"targets": {}}, "targets"), ({"targets": {"sales": 0}}, "targets.sales"), ({"support": []}, "support"),
    ({"start": "soon"}, "start"), ({"cause": "lazy"}, "cause"), ({"diagnosis": " "}, "diagnosis"),
    ({"days": 10}, "days"), ({"rules": {"extend_level": 0.95}}, "rules.extend_level"),
    ({"days": 28, "rules": {"final_weeks": 5}}, "rules.final_weeks"),
])
def test_bad_plans_name_the_field(bad, path):
    with pytest.raises(simlib.ScenarioError) as info:
        PipPlan.from_dict({**PLAN, **bad})
    assert_names(info.value, path)


@pytest.mark.parametrize("records, path", [
    (weeks([1] * 11), "records"),
    (weeks([1] * 11) + [{"sales": 1}], "records[11].visits"),
    (weeks([1] * 11) + [{"sales": -1, "visits": 1}], "records[11].sales"),
    ([{**w, "week": i + 2} for i, w in enumerate(weeks([1] * 12))], "records[0].week"),
    (weeks([1] * 11) + [{"sales": 1, "visits": 1, "vists": 2}], "records[11].vists"),
])
def test_bad_records_name_the_field(records, path):
    with pytest.raises(simlib.ScenarioError) as info:
        evaluate_pip(PLAN, records)
    assert_names(info.value, path)


def test_records_may_be_a_dataframe_with_weeks():
    df = pd.DataFrame(weeks([25_000] * 12)).assign(week=range(1, 13))
    assert evaluate_pip(PLAN, df).outcome is PipOutcome.PASSED


RANK = {PipOutcome.EXIT: 0, PipOutcome.EXTENDED: 1, PipOutcome.PASSED: 2}
week_st = st.tuples(st.integers(0, 40_000), st.integers(0, 15))


@given(st.lists(week_st, min_size=12, max_size=12), st.data())
@settings(max_examples=80, deadline=None)
def test_better_weeks_never_make_the_outcome_worse(rows, data):
    plan = PipPlan.from_dict(PLAN)
    base = [{"sales": s, "visits": v} for s, v in rows]
    i = data.draw(st.integers(0, 11))
    better = [dict(r) for r in base]
    better[i]["sales"] += data.draw(st.integers(0, 30_000))
    better[i]["visits"] += data.draw(st.integers(0, 10))
    a, b = evaluate_pip(plan, base), evaluate_pip(plan, better)
    assert RANK[b.outcome] >= RANK[a.outcome]
    assert 0 <= a.final <= 1 and a.lowest_final <= a.final + 1e-12
