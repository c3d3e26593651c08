"""The course's drills (simlib/content/drills, COURSE.md §9): for each drill a right answer passes, the typical
mistakes get their specific hint, the feedback never states the key's expected values, and every line
renders in 繁體中文, 简体中文 and English. Keys stay with trainers; material carries the three languages."""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import simlib
from simlib.content import drills as D
from simlib.content.drills import s1_review as R
from simlib.core.funnel import required_leads
from simlib.formulas.appraisal import self_check
from simlib.formulas.customers import abc_tiers
from simlib.formulas.targets import okr_score

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("zh-Hant", "zh-Hans", "en")


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------
def sample(drill: str) -> dict:
    return copy.deepcopy(D.load_key(drill)["sample_answer"])


def keys_of(fb: D.Feedback, level: str | None = None) -> list[str]:
    return [i.key for i in fb.items if level is None or i.level == level]


def assert_renders(fb: D.Feedback) -> None:
    """Every line renders in the three languages: a catalog text, no placeholder left, and the
    Chinese lines differ from the English ones (they are translated)."""
    for lang in LANGS:
        lines = fb.lines(lang)
        assert len(lines) == len(fb.items)
        for item, line in zip(fb.items, lines, strict=True):
            assert line and line != item.key, (lang, item.key)
            assert not re.search(r"\{[a-z_]+\}", line), (lang, line)
        assert fb.headline(lang)
    if fb.items:
        assert fb.lines("zh-Hant") != fb.lines("en")


def _values(node) -> list:
    """Every leaf (text or number) of a key's section or an answer."""
    if isinstance(node, dict):
        return [x for v in node.values() for x in _values(v)]
    if isinstance(node, list):
        return [x for v in node for x in _values(v)]
    return [] if isinstance(node, bool) or node is None else [node]


def _patterns(value) -> list[str]:
    """How a key's value would look in a line: free texts (with a space or a Chinese character, 4+
    characters) and numbers of 100 or more or with decimals, as whole numbers (not inside a longer one)."""
    if isinstance(value, str):
        return [re.escape(value)] if len(value) >= 4 and re.search(r"\s|[^\x00-\x7f]", value) else []
    x = float(value)
    if x.is_integer():
        return [rf"(?<![\d,.]){f'{x:,.0f}'}(?![\d,])", rf"(?<![\d,.]){x:.0f}(?![\d,])"] if abs(x) >= 100 else []
    return [rf"(?<![\d.]){x:g}(?!\d)", rf"(?<![\d.]){x:.0%}"] if abs(x) <= 1 else [rf"(?<![\d.]){x:g}(?!\d)"]


def assert_no_leak(fb: D.Feedback, drill: str, answer: dict) -> None:
    """No line (in any language) nor the stored record states one of the key's expected values or
    sample-answer texts — unless the trainee wrote that value in the answer (it may be echoed)."""
    key = D.load_key(drill)
    mine = set(_values(answer)) | {float(v) for v in _values(answer) if isinstance(v, (int, float))}
    secrets = [v for v in _values(key.get("expected", {})) + _values(key.get("sample_answer", {}))
               if v not in mine and not (isinstance(v, (int, float)) and float(v) in mine)]
    text = "\n".join(line for lang in LANGS for line in fb.lines(lang)) + json.dumps(fb.as_dict(), ensure_ascii=False)
    leaked = [v for v in secrets for pat in _patterns(v) if re.search(pat, text)]
    assert not leaked, f"{drill} feedback states key values: {leaked}"


# ---------------------------------------------------------------------------------------------
# keys and material
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("drill", D.DRILLS)
def test_every_drill_has_a_key_a_material_and_a_checker(drill):
    key, mat = D.load_key(drill), D.load_material(drill)
    assert key["drill"] == mat["drill"] == drill
    assert "sample_answer" in key and drill in D.CHECKERS
    # the trainee-visible material carries none of the key's parts
    assert not {"expected", "sample_answer", "trainer_notes", "tolerance", "keywords"} & set(mat)
    # every text of the material is in the three languages
    def walk(node, path=""):
        if isinstance(node, dict):
            langs = set(node) & set(LANGS)
            if langs:
                assert langs == set(LANGS), f"{drill}{path}: {sorted(langs)}"
            for k, v in node.items():
                walk(v, f"{path}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}[{i}]")
    walk(mat)
    for lang in LANGS:
        loc = D.load_material(drill, lang)
        assert isinstance(loc["title"], str) and isinstance(loc["task"], str)
    assert D.load_material(drill, "zh-Hans")["title"] != D.load_material(drill, "en")["title"]


def test_material_is_simplified_in_zh_hans():
    opencc = pytest.importorskip("opencc")
    t2s = opencc.OpenCC("t2s")

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("zh-Hans"), str):
                assert t2s.convert(node["zh-Hans"]) == node["zh-Hans"], node["zh-Hans"]
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    for drill in D.DRILLS:
        walk(D.load_material(drill))


def test_load_key_and_material_refuse_unknown_drills():
    with pytest.raises(simlib.ScenarioError) as err:
        D.load_key("smart")
    assert "drill" in err.value.paths
    with pytest.raises(simlib.ScenarioError):
        D.check("nope", {})


def test_keys_come_from_the_exercises_folder(tmp_path, monkeypatch):
    (tmp_path / "keys").mkdir()
    (tmp_path / "material").mkdir()
    monkeypatch.setenv("SDW_EXERCISES", str(tmp_path))
    assert D.exercises_dir() == tmp_path
    with pytest.raises(simlib.ScenarioError) as err:
        D.load_key("okr_scoring")
    assert "exercises/keys/okr_scoring.yaml" in err.value.message("en")


def test_the_apps_never_load_a_key():
    """Keys are read inside the checkers only: no app module or notebook reads them."""
    sources = [*sorted((ROOT / "simlib" / "ui").glob("*.py")), *sorted((ROOT / "notebooks").rglob("*.ipynb"))]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        assert "load_key" not in text and '_load("keys"' not in text, path


@pytest.mark.parametrize("drill", [d for d in D.DRILLS if d != "smart_target"])
def test_the_sample_answer_passes(drill):
    fb = D.check(drill, sample(drill))
    assert fb.passed, fb.lines("en")
    assert fb.score == 100.0 and fb.done == fb.total > 0
    assert not fb.problems
    assert_renders(fb)
    json.dumps(fb.as_dict(), ensure_ascii=False)      # what an answer store keeps


def test_feedback_renders_params_in_the_reader_language():
    fb = D.Feedback("demo")
    fb.problem("drills.decomposition.no_owner", metric=D.Ref("drills.decomposition.conversion_of",
                                                             {"stage": {"zh-Hant": "方案設計", "zh-Hans": "方案设计",
                                                                        "en": "Proposal"}}))
    assert fb.lines("en") == ["Conversion at Proposal: who owns it? Name a person or a role."]
    assert fb.lines("zh-Hans")[0].startswith("方案设计的转化率")
    assert fb.as_dict()["items"][0]["params"]["metric"]["key"] == "drills.decomposition.conversion_of"
    with pytest.raises(ValueError):
        fb.add("fatal", "x")


# ---------------------------------------------------------------------------------------------
# Drill 01: SMART target
# ---------------------------------------------------------------------------------------------
def test_smart_target_sample_passes_with_simulated_achievability():
    fb = D.check_smart_target(sample("smart_target"), n=100)
    assert fb.passed, fb.lines("en")
    assert 0.25 <= fb.data["achievability"]["probability"] <= 0.95
    assert "smart.hint.achievable" in keys_of(fb, "ok")
    assert_renders(fb)


def test_smart_target_vague_target_names_what_is_missing():
    a = {"statement": "提高銷售額"}
    fb = D.check_smart_target(a, simulate=False)
    assert not fb.passed
    assert {"smart.hint.specific", "smart.hint.measurable", "smart.hint.time_bound",
            "drills.smart_target.no_target", "drills.smart_target.no_deadline"} <= set(keys_of(fb, "problem"))
    assert_renders(fb)
    assert_no_leak(fb, "smart_target", a)


def test_smart_target_typical_mistakes():
    # the number in the sentence is not the target figure; a deadline after the quarter
    fb = D.check_smart_target({"statement": "2025 年第三季度智能辦公設備產品線銷售額達到 130 萬元", "target": 1_250_000,
                               "unit": "yuan", "deadline": "2025-12-31"}, simulate=False)
    assert {"drills.smart_target.mismatch", "drills.smart_target.deadline_outside"} <= set(keys_of(fb, "problem"))
    # below last year's same period: no stretch
    fb = D.check_smart_target({"statement": "Q3 sales of the smart office line reach 1 million yuan by September 30",
                               "target": 1, "unit": "million_yuan", "deadline": "2025-09-30"}, simulate=False)
    assert keys_of(fb, "problem") == ["drills.smart_target.below_history"]
    assert any("-7%" in line for line in fb.lines("en"))
    # a gut-feel +50 %: far off the trend, and the simulation says too hard
    a = {"statement": "下季度(9月30日前)智能辦公設備銷售額增長 50%", "target": 162, "unit": "10k_yuan",
         "deadline": "2025-09-30"}
    fb = D.check_smart_target(a, n=60)
    assert "drills.smart_target.above_trend" in keys_of(fb, "hint")
    assert "smart.hint.too_hard" in keys_of(fb, "problem")
    assert fb.data["achievability"]["probability"] < 0.25
    assert_renders(fb)
    assert_no_leak(fb, "smart_target", a)
    # no unit for the figure
    fb = D.check_smart_target({"statement": "Q3 sales 1.2 million yuan", "target": 1.2, "deadline": "2025-09-30"},
                              simulate=False)
    assert "drills.smart_target.no_unit" in keys_of(fb, "problem")


def test_smart_target_bad_input_is_an_error_naming_the_field():
    with pytest.raises(simlib.ScenarioError) as err:
        D.check_smart_target({"statement": "x", "target": "a lot"}, simulate=False)
    assert err.value.paths == ["target"]
    with pytest.raises(simlib.ScenarioError) as err:
        D.check_smart_target({"statement": "x", "deadline": "next June"}, simulate=False)
    assert err.value.paths == ["deadline"] and "2025-09-30" in err.value.message("zh-Hant")
    with pytest.raises(simlib.ScenarioError) as err:
        D.check_smart_target({"statment": "x"}, simulate=False)
    assert "statement" in err.value.message("en")
    with pytest.raises(simlib.ScenarioError):
        D.check_smart_target({"statement": "x", "target": 1, "unit": "dollars"}, simulate=False)


# ---------------------------------------------------------------------------------------------
# Drill 02: decomposition
# ---------------------------------------------------------------------------------------------
def test_decomposition_key_matches_the_reverse_funnel():
    key, mat = D.load_key("decomposition"), D.load_material("decomposition")
    sc = simlib.load_scenario(ROOT / mat["scenario"])
    won = mat["quarter_target"] / mat["deal_value"]
    assert won == key["expected"]["won_needed"]
    assert required_leads(sc, won) == pytest.approx(key["expected"]["per_quarter"])
    assert sum(mat["last_year_month_sales"].values()) == D.load_material("smart_target")["history"][-1]["sales"]


def test_decomposition_black_hole_and_week_sums():
    a = sample("decomposition")
    a["months"]["m3"] = 406000                       # 50,000 missing
    a["weeks"]["m1"] = [90000, 90000, 90000]         # a week short
    a["weeks"]["m2"][0] = 95000                      # weeks do not add up to the month
    fb = D.check_decomposition(a)
    probs = keys_of(fb, "problem")
    assert {"drills.decomposition.months_short", "drills.decomposition.week_count",
            "drills.decomposition.weeks_sum"} <= set(probs)
    line = next(i for i in fb.items if i.key == "drills.decomposition.months_short").text("en")
    assert "1,150,000" in line and "50,000 short" in line
    assert_renders(fb)
    # exact: floats that look equal but are not are caught, floats that are equal pass
    a = sample("decomposition")
    a["weeks"]["m3"] = [91200.1, 91200, 91200, 91200, 91199.9]
    assert "drills.decomposition.ok.weeks_sum" in keys_of(D.check_decomposition(a), "ok")


def test_decomposition_metrics_mistakes():
    a = sample("decomposition")
    a["months"] = {"m1": 400000, "m2": 400000, "m3": 400000}       # an equal split, unlike last year
    a["weeks"] = {"m1": [100000] * 4, "m2": [100000] * 4, "m3": [80000] * 5}
    a["metrics"] = [{"metric": "sales", "value": 400000, "per": "month", "owner": "經理", "standard": "每月 40 萬"},
                    {"metric": "deals", "value": 8, "per": "month", "owner": "", "standard": "每月 8 單"}]
    fb = D.check_decomposition(a)
    assert {"drills.decomposition.metric_count", "drills.decomposition.no_owner",
            "drills.decomposition.no_process"} <= set(keys_of(fb, "problem"))
    assert "drills.decomposition.seasonality" in keys_of(fb, "hint")
    assert_renders(fb)
    assert_no_leak(fb, "decomposition", a)


def test_decomposition_metrics_must_fit_the_funnel():
    a = sample("decomposition")
    a["metrics"][0]["value"] = 2                      # 2 visits per rep a week: 208 < 400 needed
    fb = D.check_decomposition(a)
    short = [i for i in fb.items if i.key == "drills.decomposition.funnel_short"]
    assert len(short) == 1 and "New-customer visits" in short[0].text("en")
    assert_no_leak(fb, "decomposition", a)
    # the group's own conversion standard counts: a higher opportunity conversion needs fewer visits …
    a = sample("decomposition")
    a["metrics"][0]["value"] = 3.5                    # 364 first visits: 9 % short of 400 …
    assert "drills.decomposition.ok.funnel" in keys_of(D.check_decomposition(a), "ok")
    a["metrics"][2]["value"] = 0.4                    # … but with a lower conversion standard it is too few
    assert "drills.decomposition.funnel_short" in keys_of(D.check_decomposition(a), "problem")
    # far more than needed: a hint (period or scope mixed up)
    a = sample("decomposition")
    a["metrics"][1].update(value=70, per="week", scope="per_rep")
    assert "drills.decomposition.funnel_excess" in keys_of(D.check_decomposition(a), "hint")
    # a conversion is a share
    a = sample("decomposition")
    a["metrics"][2]["value"] = 60
    with pytest.raises(simlib.ScenarioError) as err:
        D.check_decomposition(a)
    assert err.value.paths == ["metrics[2].value"]


# ---------------------------------------------------------------------------------------------
# Drill 03: the mid-quarter review
# ---------------------------------------------------------------------------------------------
def test_review_world_is_at_35_percent_with_the_keys_causes():
    d = D.review_dashboard(lang="zh-Hant")
    s = d["summary"]
    assert 0.33 <= s["completion"] <= 0.37 and s["elapsed"] == pytest.approx(6 / 13)
    assert s["target"] == pytest.approx(s["plan_revenue"])          # the target matches the plan
    assert len(d["weekly"]) == 6 and d["funnel"]["label"].iloc[0] == "線索獲取"
    assert D.diagnose_review() == D.load_key("mid_quarter_review")["expected"]["causes"]
    # the dashboard shows observations only: no field of the world's scenario
    shown = json.dumps({k: v.to_dict() if hasattr(v, "to_dict") else v for k, v in d.items()}, default=str)
    assert "work_hours" not in shown and "0.35" not in shown


def test_review_world_is_the_callers_own_copy():
    """The seeded run is simulated once and cached, but each caller gets its own copy: what one trainee's
    page does to its tables never reaches another's world."""
    key = D.load_key("mid_quarter_review")
    *_, first = R._world(key)
    deals, visits, weekly = first.deals.copy(), first.visits.copy(), first.weekly()
    first.deals["value"] = 0.0
    first.deals.loc[:, "outcome"] = "lost"
    first.visits["finished_at"] = np.nan
    *_, again = R._world(key)
    assert again is not first
    pd.testing.assert_frame_equal(again.deals, deals)
    pd.testing.assert_frame_equal(again.visits, visits)
    pd.testing.assert_frame_equal(again.weekly(), weekly)
    assert D.review_dashboard()["summary"]["completion"] > 0.3


def test_review_projection_keeps_the_quarter_so_far_and_moves_the_rest():
    base = D.project_quarter({})
    assert base["with_fixes"] == base["baseline"] and base["gain_pp"] == 0
    p = D.project_quarter({"hours_per_week": 8, "conversion_pp": {"proposal": 10}})
    t = p["table"]
    assert list(t["quarter_week"]) == list(range(1, 14))
    # the six weeks before the review are the same world, deal for deal
    np.testing.assert_allclose(t["with_fixes"][:6], t["baseline"][:6])
    np.testing.assert_allclose(t["actual"][:6], t["baseline"][:6])
    assert t["actual"][6:].isna().all()
    assert p["with_fixes"] > p["baseline"] + 0.15
    # more leads alone do not help a team with no hours to spare
    assert D.project_quarter({"leads_pct": 50})["gain_pp"] < 1
    # levers are bounded by the material
    with pytest.raises(simlib.ScenarioError) as err:
        D.project_quarter({"conversion_pp": {"proposal": 30}})
    assert err.value.paths == ["fixes.conversion_pp.proposal"]
    with pytest.raises(simlib.ScenarioError):
        D.project_quarter({"conversion_pp": {"lead": 2, "proposal": 2, "negotiation": 2}})


def test_review_pre_review_deals_are_unchanged_by_fixes():
    key, mat = D.load_key("mid_quarter_review"), D.load_material("mid_quarter_review")
    sc, seed, q0, base = R._world(key)
    fx = R._fixes({"leads_pct": 20, "conversion_pp": {"proposal": 10}, "hours_per_week": 4}, mat)
    fixed = R._run_with_fixes(sc, seed, q0 + 6, fx, base)
    start = q0 + 6
    b = base.deals[base.deals["closed_at"] < start].reset_index(drop=True)
    f = fixed.deals[fixed.deals["closed_at"] < start].reset_index(drop=True)
    assert len(b) == len(f) and (b["outcome"] == f["outcome"]).all()
    np.testing.assert_allclose(b["closed_at"], f["closed_at"])
    np.testing.assert_allclose(b["value"], f["value"])
    assert len(fixed.deals) > len(base.deals)       # the extra leads arrive after the review only
    assert fixed.deals["created_at"][len(b):].min() >= 0


def test_review_other_futures_keep_the_past_and_are_unbiased():
    """Another future keeps every week before the review as it was; over many pasts the seeded future
    sits anywhere among the others (its rank is not skewed), and the fixes' gain is measured on the
    same futures (common random numbers)."""
    from simlib.core import engine
    from simlib.core.results import SimResult
    key = D.load_key("mid_quarter_review")
    sc, seed, q0, base = R._world(key)
    start = q0 + 6
    w = R._future_world(sc, seed, start, base, 3)
    other = SimResult(sc, w, engine.run(sc, w))
    def before(r):
        w = r.weekly()
        return w.loc[w["week"] <= start, "revenue"].to_numpy()
    np.testing.assert_array_equal(before(other), before(base))
    assert not np.array_equal(R._quarter_cum(other, q0, 13), R._quarter_cum(base, q0, 13))
    ranks = []
    for s in range(1, 13):
        past = simlib.simulate(sc, s)
        final = R._quarter_cum(past, q0, 13)[-1]
        ends = [R._quarter_cum(SimResult(sc, fw, engine.run(sc, fw)), q0, 13)[-1]
                for fw in (R._future_world(sc, s, start, past, k) for k in range(20))]
        ranks.append(np.mean(np.array(ends) < final))
    assert 0.3 < np.mean(ranks) < 0.7, ranks
    p = D.project_quarter({"hours_per_week": 8}, futures=12)
    band, spread = p["band"], p["spread"]
    assert band.loc[band.quarter_week <= 6].drop(columns="quarter_week").isna().all().all()   # the past is known
    after = band.loc[band.quarter_week > 6]
    assert (after.baseline_low <= after.baseline_high).all() and (after.with_fixes_low <= after.with_fixes_high).all()
    assert spread["futures"] == 12 and spread["better"] >= 0.9
    assert D.project_quarter({"hours_per_week": 8}, futures=12)["spread"] == spread              # seeded
    with pytest.raises(simlib.ScenarioError):
        D.project_quarter({"hours_per_week": 8}, futures=2, level=1.5)


def test_review_wrong_diagnosis_and_weak_fixes():
    a = {"causes": ["leads", "target_too_high"], "fixes": {"leads_pct": 30}}
    fb = D.check_mid_quarter_review(a)
    assert not fb.passed
    probs, hints = keys_of(fb, "problem"), keys_of(fb, "hint")
    # judged as a set: one line with the counts (here none right, both wrong), no verdict per cause
    assert probs.count("drills.mid_quarter_review.cause_wrong") == 1
    wrong = next(i for i in fb.items if i.key == "drills.mid_quarter_review.cause_wrong")
    assert (wrong.params["right"], wrong.params["wrong"]) == (0, 2)
    assert "drills.mid_quarter_review.cause_missed" in probs and "drills.mid_quarter_review.fix_weak" in probs
    assert hints.count("drills.mid_quarter_review.look_again") == 2
    assert "drills.mid_quarter_review.lever_idle" in hints
    assert isinstance(fb.data["projection"], pd.DataFrame)
    assert_renders(fb)
    assert_no_leak(fb, "mid_quarter_review", a)
    # the missed cause is not named, only where to look
    en = "\n".join(fb.lines("en"))
    assert "proposal → negotiation" not in en.lower() and "selling hours" not in en.lower()


def test_review_half_right():
    a = {"causes": ["conversion:proposal"], "fixes": {"conversion_pp": {"proposal": 10}, "leads_pct": 20}}
    fb = D.check_mid_quarter_review(a)
    assert not fb.passed
    assert "drills.mid_quarter_review.cause_right" in keys_of(fb, "ok")
    assert "drills.mid_quarter_review.fix_unlinked" in keys_of(fb, "hint")
    assert set(fb.data["by_lever"]) == {"conversion:proposal", "leads"}
    assert_no_leak(fb, "mid_quarter_review", a)
    fb = D.check_mid_quarter_review({"causes": ["conversion:proposal", "capacity"]})
    assert "drills.mid_quarter_review.no_fixes" in keys_of(fb, "problem")
    with pytest.raises(simlib.ScenarioError) as err:
        D.check_mid_quarter_review({"causes": ["too few reps"]})
    assert err.value.paths == ["causes[0]"]


# ---------------------------------------------------------------------------------------------
# S3: self-check sheet, pitch scoring, 30-day plan
# ---------------------------------------------------------------------------------------------
def test_self_check_key_follows_the_sheet():
    key = D.load_key("self_check")
    sheet = self_check(key["expected"]["actuals"])
    assert set(sheet.behind) == set(key["expected"]["behind"])


def test_self_check_typical_mistakes():
    a = sample("self_check")
    a["actuals"]["satisfaction"] = 80
    fb = D.check_self_check(a)
    assert keys_of(fb, "problem") == ["drills.self_check.share"]
    a = sample("self_check")
    a["actuals"]["new_visits"] = 24                  # follow-ups counted as visits
    a["completion"] = {"new_visits": 2.4, "proposals": 0.5}
    a["behind"] = ["follow_ups", "proposals"]
    a["focus"] = "sales"
    a["action"] = "多拜訪客戶"
    fb = D.check_self_check(a)
    probs, hints = keys_of(fb, "problem"), keys_of(fb, "hint")
    assert {"drills.self_check.recount", "drills.self_check.completion_wrong", "drills.self_check.not_behind",
            "drills.self_check.behind_missed"} <= set(probs)
    assert {"drills.self_check.focus_not_lowest", "drills.self_check.action_vague"} <= set(hints)
    recount = next(i for i in fb.items if i.key == "drills.self_check.recount")
    assert recount.text("en") == "New-customer visits: recount it from the log."
    assert_renders(fb)
    assert_no_leak(fb, "self_check", a)
    assert fb.data["sheet"]["completion"].iloc[0] == pytest.approx(2.4)


def test_pitch_scoring_mistakes():
    a = {"scores": {"accuracy": 18, "clarity": 18, "value": 22, "qa": 17, "presence": 13}, "weakest": "presence"}
    fb = D.check_pitch_scoring(a)
    assert not fb.passed
    gen = [i for i in fb.items if i.key == "drills.pitch_scoring.too_generous"]
    assert {i.params["criterion"].key.rsplit(".", 1)[-1] for i in gen} == {"clarity", "value", "qa"}
    assert "drills.pitch_scoring.weakest_wrong" in keys_of(fb, "problem")
    assert "drills.pitch_scoring.total_high" in keys_of(fb, "hint")
    assert_renders(fb)
    assert_no_leak(fb, "pitch_scoring", a)
    # no number but the trainee's own total appears in the feedback: the panel's scores stay hidden
    numbers = {n for line in fb.lines("en") for n in re.findall(r"\d+", line)}
    assert numbers <= {"88"}
    fb = D.check_pitch_scoring({"scores": {"accuracy": 10, "clarity": 8, "value": 9, "qa": 11, "presence": 6}})
    assert "drills.pitch_scoring.too_strict" in keys_of(fb, "problem")
    with pytest.raises(simlib.ScenarioError) as err:
        D.check_pitch_scoring({"scores": {"accuracy": 18, "clarity": 18, "value": 30, "qa": 17, "presence": 13}})
    assert err.value.paths == ["scores.value"]
    fb = D.check_pitch_scoring({"scores": {"accuracy": 18, "clarity": 15}})
    assert keys_of(fb, "problem") == ["drills.pitch_scoring.missing"] * 3 and not fb.passed


def test_improvement_plan_mistakes():
    a = sample("improvement_plan")
    a["phases"]["analysis"]["days"] = [1, 2]              # overlaps the targets part
    a["phases"]["execution"]["days"] = [6, 28]            # day 29 in no part
    del a["phases"]["review"]
    a["targets"] = [{"kind": "result", "text": "提高業績"}]
    fb = D.check_improvement_plan(a)
    probs = keys_of(fb, "problem")
    assert {"drills.improvement_plan.phase_missing", "drills.improvement_plan.target_count",
            "drills.improvement_plan.target_not_smart"} <= set(probs)
    a["phases"]["review"] = {"days": [30, 30], "actions": ["總結"]}
    fb = D.check_improvement_plan(a)
    probs = keys_of(fb, "problem")
    assert {"drills.improvement_plan.days_gap", "drills.improvement_plan.days_overlap"} <= set(probs)
    gap = next(i for i in fb.items if i.key == "drills.improvement_plan.days_gap")
    assert gap.params["days"] == "29"
    assert "drills.improvement_plan.content.review" in keys_of(fb, "hint")
    assert keys_of(fb, "hint").count("drills.improvement_plan.span") == 2
    assert_renders(fb)
    assert_no_leak(fb, "improvement_plan", a)
    with pytest.raises(simlib.ScenarioError):
        D.check_improvement_plan({"targets": [{"kind": "dream", "text": "x"}]})


# ---------------------------------------------------------------------------------------------
# S0: 341 screening, A/B/C tiering, COIN, OKR
# ---------------------------------------------------------------------------------------------
def test_screening_mistakes():
    a = sample("screening_341")
    a["scores"]["jinggong"]["size"] = 4                   # 150 employees is 2
    a["scores"]["meijia"]["industry"] = 3                 # catering is not served
    a["good"] = ["huada", "qiming", "meijia"]             # jinggong (total 11) and yuanhang (8) left out
    fb = D.check_screening_341(a)
    off = [i for i in fb.items if i.key == "drills.screening_341.score_off"]
    assert {(i.params["prospect"]["en"], i.params["direction"].key.rsplit(".", 1)[-1]) for i in off} == {
        ("Jinggong Electronics", "higher"), ("Meijia Catering", "higher")}
    probs = keys_of(fb, "problem")
    assert probs.count("drills.screening_341.good_unmarked") == 2
    assert "drills.screening_341.good_wrong" in probs        # meijia: 9 by the trainee's scores, not good by the key
    assert_renders(fb)
    assert_no_leak(fb, "screening_341", a)
    a = sample("screening_341")
    a["scores"]["huada"]["pain"] = 5
    with pytest.raises(simlib.ScenarioError) as err:
        D.check_screening_341(a)
    assert err.value.paths == ["scores.huada.pain"]
    a = sample("screening_341")
    del a["scores"]["xiaolin"]["pain"]
    assert "drills.screening_341.incomplete" in keys_of(D.check_screening_341(a), "problem")


def test_abc_tiering_key_and_revenue_mistake():
    mat, key = D.load_material("abc_tiering"), D.load_key("abc_tiering")
    acc = pd.DataFrame(mat["accounts"]).drop(columns="name")
    right = abc_tiers(acc, by="profit")
    assert dict(zip(right.accounts["account"], right.accounts["tier"], strict=True)) == key["expected"]["tiers"]
    by_rev = abc_tiers(acc, by="revenue")
    a = {"tiers": dict(zip(by_rev.accounts["account"], by_rev.accounts["tier"], strict=True))}
    fb = D.check_abc_tiering(a)
    assert not fb.passed
    assert "drills.abc_tiering.by_revenue" in keys_of(fb, "hint")
    assert keys_of(fb, "problem").count("drills.abc_tiering.wrong") == 4
    assert_renders(fb)
    assert_no_leak(fb, "abc_tiering", a)
    tiers = dict(key["expected"]["tiers"], a4="A")                    # three A accounts
    fb = D.check_abc_tiering({"tiers": tiers})
    assert any(i.key == "drills.abc_tiering.count" and i.params["tier"] == "A" for i in fb.items)
    assert D.check_abc_tiering({"tiers": {k: v.lower() for k, v in key["expected"]["tiers"].items()}}).passed


def test_coin_mistakes():
    a = {"context": "最近", "observation": "你總是很懶,態度差", "impact": "不好", "next": "多學習"}
    fb = D.check_coin_feedback(a)
    probs, hints = keys_of(fb, "problem"), keys_of(fb, "hint")
    assert {"appraisal.coin.hint.judgement", "appraisal.coin.hint.generalisation",
            "appraisal.coin.hint.next_vague"} <= set(probs)
    assert "appraisal.coin.hint.no_time" in hints
    # a part without the situation's facts is a problem (not a hint), and "最近", "不好" are placeholders
    assert "drills.coin_feedback.off_topic" in probs and probs.count("drills.text.placeholder") == 2
    assert_renders(fb)
    assert_no_leak(fb, "coin_feedback", a)
    fb = D.check_coin_feedback({"context": "上週三的演示", "observation": " ", "impact": "x", "next": "y"})
    assert keys_of(fb, "problem") == ["drills.coin_feedback.empty"]
    assert fb.items[0].text("en") == "Observation: write this part."
    en = dict(sample("coin_feedback"))
    en.update(context="In last Wednesday's demo at Huada,",
              observation="the customer asked 3 technical questions and you could not answer 2 of them.",
              impact="The customer booked no follow-up meeting.",
              next="Join the product training this Friday and send the customer the answers by Tuesday.")
    assert D.check_coin_feedback(en).passed


def test_okr_key_matches_okr_score_and_mistakes():
    mat, key = D.load_material("okr_scoring"), D.load_key("okr_scoring")
    df = okr_score([{k: r[k] for k in ("baseline", "target", "actual")} | {"name": r["id"]}
                    for r in mat["key_results"]])
    assert dict(zip(df["key_result"], df["score"], strict=True)) == {**key["expected"]["scores"],
                                                                    "objective": key["expected"]["objective"]}
    a = {"scores": {"kr1": 0.93, "kr2": 0.86, "kr3": 1.3}, "objective": 1.03}
    fb = D.check_okr_scoring(a)
    probs = keys_of(fb, "problem")
    assert probs == ["drills.okr_scoring.from_baseline", "drills.okr_scoring.from_baseline",
                     "drills.okr_scoring.over_one", "drills.okr_scoring.objective_follows"]
    assert_renders(fb)
    assert_no_leak(fb, "okr_scoring", a)
    fb = D.check_okr_scoring({"scores": {"kr1": 0.7, "kr2": 0.3, "kr3": 1.0}, "objective": 0.9})
    assert keys_of(fb, "problem") == ["drills.okr_scoring.objective_mean"]
    fb = D.check_okr_scoring({"scores": {"kr1": 0.5}})
    assert "drills.okr_scoring.missing" in keys_of(fb, "problem") and "drills.okr_scoring.kr_off" in keys_of(fb)


# ---------------------------------------------------------------------------------------------
# Objection handling: LAER and the 5A objection steps
# ---------------------------------------------------------------------------------------------
def test_objection_order_missing_step_and_conceding():
    a = {"model": "laer", "steps": [{"step": "listen", "text": "嗯"}, {"step": "respond", "text": "我們可以打九折"},
                                    {"step": "explore", "text": "您覺得呢"}]}
    fb = D.check_objection_handling(a)
    probs, hints = keys_of(fb, "problem"), keys_of(fb, "hint")
    assert {"drills.objection_handling.missing", "drills.objection_handling.order",
            "drills.objection_handling.concede"} <= set(probs)
    order = next(i for i in fb.items if i.key == "drills.objection_handling.order")
    assert order.text("en") == "\"Respond\" comes too early: \"Explore\" should come before it."
    assert {"drills.objection_handling.tip.listen", "drills.objection_handling.respond_number"} <= set(hints)
    assert_renders(fb)
    assert_no_leak(fb, "objection_handling", a)


def test_objection_four_step_model_in_english_and_simplified():
    fb = D.check_objection_handling({"model": "four_step", "steps": [
        {"step": "listen", "text": "I let Mr Wang finish without interrupting and note the 15 % gap."},
        {"step": "confirm", "text": "So your concern is that we are about 15 % above company A, is that right?"},
        {"step": "respond", "text": "Our failure rate is the lowest in the industry and similar plants pay back in 7 months; "
                                    "we can start with a pilot in one warehouse."},
        {"step": "verify", "text": "Does that answer your question about the price?"}]})
    assert fb.passed, fb.lines("en")
    fb = D.check_objection_handling({"model": "laer", "steps": [
        {"step": "listen", "text": "先不打断,让王总把话说完,记下重点。"},
        {"step": "acknowledge", "text": "我理解您的顾虑,比较价格很合理。"},
        {"step": "explore", "text": "除了价格,您最关注哪些方面?"},
        {"step": "respond", "text": "我们的故障率是行业最低,类似客户平均 7 个月回本,可以先做一个仓库的试点。"}]})
    assert fb.passed, fb.lines("zh-Hans")
    with pytest.raises(simlib.ScenarioError) as err:
        D.check_objection_handling({"model": "laer", "steps": [{"step": "verify", "text": "x"}]})
    assert err.value.paths == ["steps[0].step"]


def test_the_leak_check_itself_catches_a_stated_value():
    fb = D.Feedback("okr_scoring")
    fb.hint("drills.smart_target.ok.consistent", amount="0.67")          # the key's objective score
    with pytest.raises(AssertionError):
        assert_no_leak(fb, "okr_scoring", {"scores": {}})
    fb = D.Feedback("decomposition")
    fb.hint("drills.smart_target.ok.consistent", amount="400")           # the key's first visits a quarter
    with pytest.raises(AssertionError):
        assert_no_leak(fb, "decomposition", {})
    assert_no_leak(fb, "decomposition", {"metrics": [{"value": 400}]})  # unless the trainee wrote it


# ---------------------------------------------------------------------------------------------
# S3 group work
# ---------------------------------------------------------------------------------------------
def group(**changes) -> dict:
    a = sample("group_work")
    for path, value in changes.items():
        node, *rest = path.split("__")
        if rest:
            a[node][rest[0]] = value
        else:
            a[node] = value
    return a


def test_group_work_payback_follows_the_offer():
    key, mat = D.load_key("group_work"), D.load_material("group_work", "en")
    exp = key["expected"]
    assert D.payback_months(exp["investment"], exp["monthly_gain"]) == exp["payback_months"]
    # the figures the payback uses are the trainee's to read in the material
    offer = " ".join(mat["offer"] + mat["notes"])
    for amount in (exp["investment"], exp["monthly_gain"], exp["pilot_cost"]):
        assert f"{amount:,}" in offer
    assert mat["pitch_minutes"] == exp["pitch_minutes"]
    assert set(exp["pains"]) | set(exp["traps"]) == set(mat["pains"])
    assert set(exp["counters"]) == {r["id"] for r in mat["competitors"]}
    assert all(set(v) <= set(mat["strengths"]) - {"price_match"} for v in exp["counters"].values())


@pytest.mark.parametrize(("changes", "expected", "level"), [
    ({"pains": ["capacity", "late_delivery", "complaints", "low_automation", "price_only"]},
     "drills.group_work.trap.stated_not_pain", "problem"),
    ({"pains": ["capacity", "late_delivery", "complaints", "low_automation", "quality"]},
     "drills.group_work.trap.contradicted", "problem"),
    ({"pains": ["capacity", "cash"]}, "drills.group_work.trap.unsupported", "problem"),
    ({"pains": ["capacity", "late_delivery"]}, "drills.group_work.pains_missed", "hint"),
    ({"deciders": ["wang", "li"]}, "drills.group_work.deciders_missed", "problem"),
    ({"counters__jindun": "price_match"}, "drills.group_work.counter_price", "problem"),
    ({"counters__integrator": "efficiency"}, "drills.group_work.counter_weak", "hint"),
    ({"value": "我們的產品品質一流,服務到位。"}, "drills.group_work.value_not_theirs", "hint"),
    ({"payback_months": 0.58}, "drills.group_work.payback_year", "problem"),
    ({"payback_months": 1.2}, "drills.group_work.payback_pilot", "problem"),
    ({"payback_months": 12}, "drills.group_work.payback_off", "problem"),
    ({"next_step": "discount"}, "drills.group_work.next.discount", "problem"),
    ({"next_step": "brochure"}, "drills.group_work.next.brochure", "hint"),
    ({"persona": "一家工廠,想買便宜的設備。"}, "drills.group_work.persona_vague", "hint"),
])
def test_group_work_typical_mistakes(changes, expected, level):
    answer = group(**changes)
    fb = D.check_group_work(answer)
    assert expected in keys_of(fb, level), fb.lines("en")
    assert fb.passed == (not fb.problems)
    assert_renders(fb)
    assert_no_leak(fb, "group_work", answer)


def test_group_work_payback_direction():
    lines = D.check_group_work(group(payback_months=12)).lines("en")
    assert any("longer than" in x for x in lines)
    lines = D.check_group_work(group(payback_months=4)).lines("zh-Hant")
    assert any("短" in x for x in lines)


def test_group_work_objections_count_voiced_and_concessions():
    a = sample("group_work")
    a["objections"] = [{"objection": "budget", "response": "可以先試點一條產線,600,000 元。"},
                       {"objection": "price", "response": "我們可以給您九折,比金盾更便宜。"}]
    fb = D.check_group_work(a)
    problems = keys_of(fb, "problem")
    assert "drills.group_work.objection_count" in problems                    # 2 < 3
    assert "drills.group_work.voiced_missing" in problems                     # implementation, payback
    assert "drills.group_work.response_concede" in problems
    voiced = next(i for i in fb.items if i.key == "drills.group_work.voiced_missing")
    assert voiced.params["n"] == 2
    assert_no_leak(fb, "group_work", a)
    # a row without its objection, and an answer without a figure
    a = sample("group_work")
    a["objections"].append({"response": "我們會跟進。"})
    a["objections"][1]["response"] = "我們的實施團隊會安排培訓。"
    fb = D.check_group_work(a)
    assert "drills.group_work.objection_unnamed" in keys_of(fb, "problem")
    assert "drills.group_work.response_number" in keys_of(fb, "hint")


def test_group_work_pitch_timing():
    a = sample("group_work")
    a["pitch"]["desire"]["minutes"] = 3.5                                     # 6.5 minutes in all
    fb = D.check_group_work(a)
    assert "drills.group_work.pitch_total" in keys_of(fb, "problem")
    assert "drills.group_work.pitch_long" in keys_of(fb, "hint")
    assert any("6.5" in x for x in fb.lines("en"))
    assert list(fb.data["pitch"]["part"]) == ["attention", "interest", "desire", "objections", "agreement"]
    assert fb.data["pitch"]["minutes"].sum() == pytest.approx(6.5)
    a = sample("group_work")
    a["pitch"]["attention"] = {"minutes": 2, "content": "大家好,我是智控產線的銷售顧問。"}
    a["pitch"]["desire"]["minutes"] = 0.5
    fb = D.check_group_work(a)
    assert {"drills.group_work.pitch_long", "drills.group_work.pitch_short",
            "drills.group_work.pitch_tip.attention"} <= set(keys_of(fb, "hint"))
    a["pitch"]["agreement"]["minutes"] = None
    fb = D.check_group_work(a)
    assert "drills.group_work.pitch_no_time" in keys_of(fb, "problem")
    del a["pitch"]["agreement"]
    fb = D.check_group_work(a)
    assert "drills.group_work.pitch_part_empty" in keys_of(fb, "problem")
    assert "drills.group_work.pitch_total" not in keys_of(fb)                # not judged until every part has time


def test_group_work_blank_sheet_is_feedback_not_an_error():
    fb = D.check_group_work({})
    assert not fb.passed and fb.done == 0
    for k in ("persona_empty", "pains_none", "deciders_none", "counter_missing", "value_empty", "payback_missing",
              "next_missing", "objection_count", "pitch_part_empty"):
        assert f"drills.group_work.{k}" in keys_of(fb), k
    assert_renders(fb)


@pytest.mark.parametrize(("answer", "path"), [
    ({"payback_months": "seven"}, "payback_months"),
    ({"payback_months": -7}, "payback_months"),
    ({"pains": ["capacity", "growth"]}, "pains[1]"),
    ({"counters": {"jindun": "cheaper"}}, "counters.jindun"),
    ({"counters": {"siemens": "pilot"}}, "counters.siemens"),
    ({"next_step": "wait"}, "next_step"),
    ({"objections": [{"objection": "price", "answer": "x"}]}, "objections[0].answer"),
    ({"pitch": {"desire": {"minutes": -1}}}, "pitch.desire.minutes"),
    ({"pitch": {"close": {"minutes": 1}}}, "pitch.close"),
    ({"persnoa": "x"}, "persnoa"),
])
def test_group_work_bad_input_names_the_field(answer, path):
    with pytest.raises(simlib.ScenarioError) as err:
        D.check_group_work(answer)
    assert err.value.paths == [path]
    for lang in LANGS:
        assert path in err.value.message(lang)


# ---------------------------------------------------------------------------------------------
# S1's target self-check and the four mistakes
# ---------------------------------------------------------------------------------------------
def test_target_check_is_judged_as_a_whole_and_names_no_right_option():
    mat = D.load_material("target_check")
    all_yes = {"checks": {q["id"]: "yes" for q in mat["questions"]}, "fix": "x",
               "mistakes": {s["id"]: "sound" for s in mat["statements"]}}
    fb = D.check("target_check", all_yes)
    assert not fb.passed
    assert fb.data == {"checks_right": 3, "checks": 6, "mistakes_right": 1, "statements": 6}
    hints = keys_of(fb, "hint")
    assert "drills.target_check.same_answer" in hints and "drills.target_check.one_kind" in hints
    assert "drills.text.placeholder" in keys_of(fb, "problem")
    labels = {lang: [m["label"] for m in D.load_material("target_check", lang)["mistakes"]] for lang in LANGS}
    for lang in LANGS:                                  # wrong answers point at the material, not at an option
        text = "\n".join(fb.lines(lang))
        assert not any(lab in text for lab in labels[lang]), lang
    assert_no_leak(fb, "target_check", all_yes)
    assert_renders(fb)


def test_target_check_wants_every_part_and_a_real_change():
    a = sample("target_check")
    a["mistakes"]["s4"] = "too_high"                    # +30 % is not the problem, the flat 2 % is
    fb = D.check("target_check", a)
    assert not fb.passed and "drills.target_check.look.incentive" in keys_of(fb, "problem")
    a = sample("target_check")
    del a["checks"]["q3"]
    a["fix"] = a["fix"][:0]
    fb = D.check("target_check", a)
    assert {"drills.target_check.check_missing", "drills.target_check.fix_missing"} <= set(keys_of(fb, "problem"))
    a = sample("target_check")
    a["fix"] = "激勵措施是否與目標難度相匹配?"            # the question copied is no answer
    assert "drills.text.placeholder" in keys_of(D.check("target_check", a), "problem")
    fb = D.check("target_check", sample("target_check"))
    assert fb.passed and fb.review == ["drills.target_check.review"]
    with pytest.raises(simlib.ScenarioError) as err:
        D.check("target_check", {"checks": {"q1": "maybe"}})
    assert "checks.q1" in err.value.paths


def test_target_check_says_same_answer_only_when_every_question_has_one():
    assert "drills.target_check.same_answer" not in keys_of(D.check("target_check", {"checks": {"q2": "no"}}))


# ---------------------------------------------------------------------------------------------
# S2's review form
# ---------------------------------------------------------------------------------------------
def test_review_form_an_honest_english_form_passes_too():
    a = {"strengths": [{"text": "22 visits and 9 new opportunities, both above the team; customers rate him 4.6"}],
         "improvements": [{"text": "Proposal-to-win is 17 % against the team's 35 %: no return on investment shown"},
                          {"text": "Only 40 % of quotes are followed up within 3 days (standard 90 %)"}],
         "actions": [{"action": "Add an ROI page built from the customer's figures to every proposal",
                      "due": "2025-07-31", "measure": "July proposal-to-win ≥ 25 %"},
                     {"action": "Set CRM reminders for day 2 and day 3 after each quote and log the call",
                      "due": "2025-07-15", "measure": "follow-up within 3 days ≥ 90 %"}]}
    fb = D.check("review_form", a)
    assert fb.passed, fb.lines("en")
    assert fb.review == ["drills.review_form.review"]


def test_review_form_cannot_be_passed_with_effort_words_and_no_dates():
    a = {"strengths": [{"text": "很努力"}], "improvements": [{"text": "達成率 72 %,太低"}],
         "actions": [{"action": "下個月多努力", "due": "2025-12-31", "measure": "更好"}]}
    fb = D.check("review_form", a)
    problems = keys_of(fb, "problem")
    assert not fb.passed
    assert {"drills.review_form.no_fact", "drills.review_form.main_gaps", "drills.review_form.action_vague",
            "drills.review_form.due_outside", "drills.review_form.no_measure"} <= set(problems), problems
    assert "drills.review_form.result_only" in keys_of(fb, "hint")        # 72 % is the result, not a cause
    a = sample("review_form")
    a["actions"] = a["actions"][:1]
    a["strengths"].append({"text": a["strengths"][0]["text"]})
    a["improvements"].append({"text": "x"})
    problems = keys_of(D.check("review_form", a), "problem")
    assert {"drills.review_form.fewer_actions", "drills.text.repeat", "drills.text.placeholder"} <= set(problems)


def test_review_form_reads_which_side_of_the_data_a_point_is_on():
    a = sample("review_form")
    a["strengths"] = [{"text": "方案轉成交 17 %"}]                   # a gap written as a strength
    a["improvements"].append({"text": "拜訪 22 次還可以更多"})         # a strength written as a gap
    hints = keys_of(D.check("review_form", a), "hint")
    assert "drills.review_form.strength_is_gap" in hints and "drills.review_form.gap_is_strength" in hints
