"""The drills' feedback cannot be gamed and does not punish what the decks teach (issue "Feedback can be gamed
and punishes what the decks teach"; simlib/content/drills, COURSE.md §1, §4, §7, §9).

One test per gaming attempt of the issue — each passed (or was misjudged) before the change: four LAER steps
reading "x"; COIN as "x / y / z / 1" and with "下週多學習" as the next step; a SMART target equal to last year's;
ticking all eight causes of drill 03; "我們不降價" read as a price concession; a 30-day plan with four targets;
a headline saying "Well done" over failed checks. Then the other side: the keys' sample answers and honest
answers in 繁體中文, 简体中文 and English still pass, and the new catalog texts are there in the three
languages (Chinese with full-width punctuation)."""
from __future__ import annotations

import copy
import re
import string

import pytest

from simlib.base import i18n
from simlib.content import drills as D
from simlib.content.drills.text_checks import (
    affirmed_mentions,
    is_placeholder,
    near_duplicate,
    negated,
    vague_action,
)

LANGS = ("zh-Hant", "zh-Hans", "en")


def sample(drill: str) -> dict:
    return copy.deepcopy(D.load_key(drill)["sample_answer"])


def keys_of(fb: D.Feedback, level: str | None = None) -> list[str]:
    return [i.key for i in fb.items if level is None or i.level == level]


def all_lines(fb: D.Feedback) -> str:
    return "\n".join(line for lang in LANGS for line in [*fb.lines(lang), fb.headline(lang)])


def assert_consistent(fb: D.Feedback) -> None:
    """Passed means no problem; a problem means a check failed; "Well done" only when every check passed; every
    line and the headline render in the three languages without a placeholder left."""
    if fb.passed:
        assert not fb.problems, fb.lines("en")
    if fb.problems:
        assert fb.done < fb.total, (fb.done, fb.total, fb.lines("en"))
    well_done = fb.passed and not fb.problems and fb.done == fb.total > 0
    for lang in LANGS:
        head = fb.headline(lang)
        assert head.startswith(("Well done", "做得好")) == well_done, (lang, head)
        assert f"{fb.done}" in head and f"{fb.total}" in head
        for line in [head, *fb.lines(lang)]:
            assert not re.search(r"\{[a-z_]+\}", line), (lang, line)


# ---------------------------------------------------------------------------------------------
# The shared text checks
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["x", "X", "...", "…", "無", "无", "test", "TEST", "同上", "n/a", "N/A", "ok", "12",
                                  "2025", "!!!", "？？", "  ", "xx", "ab", "最近", "x y z 1", "same as above",
                                  "哈哈哈哈", "xxxxxx", "沒有", "tbd"])
def test_placeholders_are_recognised(text):
    assert is_placeholder(text)


@pytest.mark.parametrize("text", ["多學習", "上週三下午在華達機械的產品演示中", "客户没有约下一次会议",
                                  "The customer booked no follow-up meeting.", "Call Mr Wang"])
def test_answers_are_not_placeholders(text):
    assert not is_placeholder(text)


def test_a_name_may_be_two_characters():
    assert not is_placeholder("王芳", min_chars=1) and not is_placeholder("各業務員", min_chars=1)
    assert is_placeholder("x", min_chars=1) and is_placeholder("無", min_chars=1)


def test_near_duplicates():
    assert near_duplicate("客戶沒有約下一次會議。", "客戶沒有約下一次會議")
    assert near_duplicate("Listen to the customer!", "listen to the customer")
    assert near_duplicate("我理解您的顧慮,比較價格很合理", "我理解您的顧慮,比較價格很合理。謝謝")
    assert not near_duplicate("上週三下午在華達機械的產品演示中",
                              "上週三下午在華達機械的產品演示中,客戶的設備主管問了 3 個技術問題,你有 2 個沒有回答出來")
    assert not near_duplicate("", "") and not near_duplicate("x", "")


@pytest.mark.parametrize(("text", "term"), [
    ("我們不降價", "降價"), ("我們不會降價", "降價"), ("我们不会降价", "降价"), ("我們絕不降價", "降價"),
    ("我們拒絕降價", "降價"), ("無需打折", "打折"), ("別打折", "打折"), ("我們沒有打折", "打折"),
    ("We won't cut the price.", "cut the price"), ("No discount.", "discount"), ("We don't discount.", "discount"),
    ("We refuse to lower the price", "lower the price"), ("We never offer a discount", "discount"),
    ("We will not match their price", "match their price"),
])
def test_negation_is_understood(text, term):
    assert negated(text, term)
    assert affirmed_mentions(text, [term]) == []


@pytest.mark.parametrize(("text", "term"), [
    ("我們可以降價", "降價"), ("不好意思,我們只能降價 5 %", "降價"), ("我們不降價,但可以打九折", "九折"),
    ("We can give you a discount", "discount"), ("Not only a discount: free delivery too", "discount"),
    ("No problem, we can cut the price", "cut the price"),
])
def test_an_offer_is_still_an_offer(text, term):
    assert not negated(text, term)
    assert affirmed_mentions(text, [term]) == [term]


def test_a_price_word_about_the_rival_is_no_concession():
    assert affirmed_mentions("A 公司確實便宜一些", ["便宜"], unless=["a 公司"]) == []
    assert affirmed_mentions("我們比 A 公司便宜", ["便宜"]) == ["便宜"]


@pytest.mark.parametrize("text", ["下週多學習", "下周多学习", "多努力", "Learn more next week.", "work harder",
                                  "下週多學習產品知識", "加強溝通", "improve", "以後多注意"])
def test_vague_next_steps(text):
    assert vague_action(text)


@pytest.mark.parametrize("text", ["下週參加產品技術培訓", "本週五前補上錯過的 2 次產品培訓",
                                  "Join the product training this Friday", "周四前把 3 个问题的答案发给客户",
                                  "Send the customer the answers by Tuesday"])
def test_concrete_next_steps(text):
    assert not vague_action(text)


# ---------------------------------------------------------------------------------------------
# Gaming attempts (each passed, or was misjudged, before the change)
# ---------------------------------------------------------------------------------------------
def test_four_laer_steps_reading_x_do_not_pass():
    a = {"model": "laer", "steps": [{"step": s, "text": "x"} for s in ("listen", "acknowledge", "explore", "respond")]}
    fb = D.check_objection_handling(a)
    assert not fb.passed
    assert keys_of(fb, "problem").count("drills.text.placeholder") == 4
    assert "drills.objection_handling.review" not in keys_of(fb)          # nothing to review yet
    assert_consistent(fb)


def test_four_laer_steps_saying_the_same_do_not_pass():
    same = "我理解您的顧慮,我們的故障率是行業最低,類似客戶 7 個月回本,可以先試點。"
    a = {"model": "laer", "steps": [{"step": s, "text": same} for s in ("listen", "acknowledge", "explore", "respond")]}
    fb = D.check_objection_handling(a)
    assert not fb.passed
    assert keys_of(fb, "problem").count("drills.text.repeat") == 3
    assert_consistent(fb)


@pytest.mark.parametrize("parts", [("x", "y", "z", "1"), ("...", "無", "test", "同上"), ("同上", "同上", "同上", "同上")])
def test_coin_placeholders_do_not_pass(parts):
    fb = D.check_coin_feedback(dict(zip(("context", "observation", "impact", "next"), parts, strict=True)))
    assert not fb.passed and fb.done == 0
    assert keys_of(fb, "problem").count("drills.text.placeholder") == 4
    assert "drills.coin_feedback.ok.quality" not in keys_of(fb)
    assert_consistent(fb)


def test_coin_part_copied_into_another_does_not_pass():
    a = sample("coin_feedback")
    a["impact"] = a["observation"]
    fb = D.check_coin_feedback(a)
    assert not fb.passed
    repeat = next(i for i in fb.items if i.key == "drills.text.repeat")
    assert repeat.params["part"].key.endswith("impact") and repeat.params["other"].key.endswith("observation")
    assert_consistent(fb)


@pytest.mark.parametrize(("lang", "vague"), [("zh-Hant", "下週多學習"), ("zh-Hant", "多努力"),
                                             ("zh-Hans", "下周多学习"), ("en", "Learn more next week.")])
def test_coin_vague_next_step_does_not_pass(lang, vague):
    a = coin_answer(lang)
    a["next"] = vague
    fb = D.check_coin_feedback(a)
    assert not fb.passed
    assert {"drills.coin_feedback.next_vague", "appraisal.coin.hint.next_vague"} & set(keys_of(fb, "problem"))
    assert_consistent(fb)


@pytest.mark.parametrize(("statement", "target", "unit"), [
    ("2025 年第三季度(9 月 30 日前),智能辦公設備產品線通過開發華東新客戶,實現銷售額 1,080,000 元,與去年同期持平。",
     1080000, "yuan"),
    ("2025 年第三季度(9 月 30 日前),智能办公设备产品线通过开发华东新客户,实现销售额 108 万元。", 108, "10k_yuan"),
    (("By September 30, 2025, the smart office product line reaches Q3 sales of 1.08 million yuan through new "
     "customers in East China."), 1.08, "million_yuan"),
])
def test_a_flat_target_is_too_low(statement, target, unit):
    fb = D.check_smart_target({"statement": statement, "target": target, "unit": unit, "deadline": "2025-09-30"},
                              simulate=False)
    assert not fb.passed
    assert "drills.smart_target.below_history" in keys_of(fb, "problem")
    assert "drills.smart_target.ok.growth" not in keys_of(fb)
    assert "跳一跳夠得著" in fb.lines("zh-Hant")[keys_of(fb).index("drills.smart_target.below_history")]
    assert_consistent(fb)


def test_a_flat_target_is_not_called_a_stretch_by_the_simulation_either():
    a = {"statement": "2025 年第三季度(9 月 30 日前),智能辦公設備產品線實現銷售額 1,080,000 元。",
         "target": 1080000, "unit": "yuan", "deadline": "2025-09-30"}
    fb = D.check_smart_target(a, n=40)
    assert not fb.passed and "smart.hint.achievable" not in keys_of(fb)
    assert "achievability" in fb.data


def test_a_placeholder_statement_is_no_statement():
    fb = D.check_smart_target({"statement": "x", "target": 1200000, "unit": "yuan", "deadline": "2025-09-30"},
                              simulate=False)
    assert not fb.passed and "drills.text.placeholder" in keys_of(fb, "problem")
    assert "drills.smart_target.mismatch" not in keys_of(fb)
    assert_consistent(fb)


def test_ticking_every_cause_scores_nothing_and_reveals_nothing():
    mat = D.load_material("mid_quarter_review")
    labels = [v["label"][lang] for v in mat["causes"].values() for lang in LANGS]
    fb = D.check_mid_quarter_review({"causes": list(mat["causes"]), "fixes": {}}, futures=0)
    assert not fb.passed and fb.done == 0
    assert "drills.mid_quarter_review.cause_right" not in keys_of(fb)
    wrong = next(i for i in fb.items if i.key == "drills.mid_quarter_review.cause_wrong")
    assert (wrong.params["picked"], wrong.params["right"], wrong.params["wrong"]) == (8, 2, 6)
    assert "drills.mid_quarter_review.cause_guess" in keys_of(fb, "hint")
    text = all_lines(fb)
    assert not [lab for lab in labels if lab in text]                     # no cause is named
    assert_consistent(fb)


def test_a_mixed_diagnosis_gives_counts_not_names():
    mat = D.load_material("mid_quarter_review")
    fb = D.check_mid_quarter_review({"causes": ["conversion:proposal", "leads"], "fixes": {}}, futures=0)
    assert "drills.mid_quarter_review.cause_right" not in keys_of(fb)
    text = all_lines(fb)
    assert not [lang for lang in LANGS if mat["causes"]["conversion:proposal"]["label"][lang] in text]
    actual = len(D.diagnose_review())
    assert (fb.done, fb.total) == (0, actual + 1)                           # 1 right − 1 wrong; the fixes' check


def test_a_diagnosis_without_a_wrong_pick_names_its_causes():
    fb = D.check_mid_quarter_review({"causes": ["conversion:proposal"], "fixes": {}}, futures=0)
    assert keys_of(fb, "ok") == ["drills.mid_quarter_review.cause_right"]
    assert "drills.mid_quarter_review.cause_missed" in keys_of(fb, "problem")
    assert fb.done == 1


@pytest.mark.parametrize(("lang", "refusal"), [
    ("zh-Hant", "我們不降價,"), ("zh-Hant", "我們不會降價,"), ("zh-Hans", "我们不降价,"), ("zh-Hans", "我们不会打折,"),
    ("en", "We won't cut the price. "), ("en", "There is no discount, but "),
])
def test_refusing_a_price_cut_is_no_concession(lang, refusal):
    a = objection_answer(lang)
    a["steps"][-1]["text"] = refusal + a["steps"][-1]["text"]
    fb = D.check_objection_handling(a)
    assert "drills.objection_handling.concede" not in keys_of(fb)
    assert fb.passed, fb.lines("en")
    assert_consistent(fb)


@pytest.mark.parametrize(("lang", "offer"), [("zh-Hant", "我們可以打九折。"), ("zh-Hans", "我们可以给您优惠。"),
                                             ("en", "We can give you a discount. ")])
def test_an_offered_price_cut_is_still_a_concession(lang, offer):
    a = objection_answer(lang)
    a["steps"][-1]["text"] = offer + a["steps"][-1]["text"]
    fb = D.check_objection_handling(a)
    assert "drills.objection_handling.concede" in keys_of(fb, "problem") and not fb.passed


def test_naming_the_rivals_lower_price_is_no_concession():
    a = objection_answer("zh-Hant")
    a["steps"][1]["text"] = "謝謝您這麼坦誠,A 公司確實便宜一些,比較價格很合理,我理解您的顧慮。"
    fb = D.check_objection_handling(a)
    assert fb.passed, fb.lines("en")


@pytest.mark.parametrize("extra", [
    [{"kind": "process", "text": "30 天內每週五前提交 2 份客製化方案"}],                                # 1 core + 3
    [{"kind": "result", "text": "30 天內方案→成交轉化率從 12 % 提高到 20 %"}],                         # 2 core + 2
    [{"kind": "result", "text": "30 天內方案→成交轉化率從 12 % 提高到 20 %"},
     {"kind": "process", "text": "30 天內每週五前提交 2 份客製化方案"}],                                # 2 core + 3
])
def test_a_plan_with_s3s_core_and_supporting_targets_passes(extra):
    a = sample("improvement_plan")
    a["targets"] += extra
    fb = D.check_improvement_plan(a)
    assert fb.passed, fb.lines("en")
    assert "drills.improvement_plan.target_count" not in keys_of(fb)
    assert_consistent(fb)


def test_a_plan_with_too_many_targets_or_core_ones_is_told_so():
    a = sample("improvement_plan")
    a["targets"] += [{"kind": "process", "text": f"30 天內每週完成 {n} 次客戶回訪"} for n in (3, 4, 5)]   # six
    fb = D.check_improvement_plan(a)
    assert "drills.improvement_plan.target_count" in keys_of(fb, "problem")
    count = next(i for i in fb.items if i.key == "drills.improvement_plan.target_count")
    assert count.params["max"] == 5
    a = sample("improvement_plan")
    a["targets"] = [{"kind": "result", "text": t} for t in ("30 天內銷售額達到 120,000 元", "30 天內簽下 3 個新客戶",
                                                             "30 天內客單價提高到 45,000 元")]
    fb = D.check_improvement_plan(a)
    mix = next(i for i in fb.items if i.key == "drills.improvement_plan.target_mix")
    assert mix.level == "hint" and (mix.params["core"], mix.params["supporting"]) == (3, 0)


def test_plan_placeholders_and_repeats_do_not_pass():
    a = sample("improvement_plan")
    a["phases"]["plan"]["actions"] = ["同上"]
    fb = D.check_improvement_plan(a)
    assert not fb.passed and "drills.text.placeholder" in keys_of(fb, "problem")
    a = sample("improvement_plan")
    a["phases"]["execution"]["actions"] = list(a["phases"]["plan"]["actions"])
    fb = D.check_improvement_plan(a)
    assert not fb.passed and "drills.text.repeat" in keys_of(fb, "problem")
    a = sample("improvement_plan")
    a["targets"][2] = {"kind": "process", "text": a["targets"][1]["text"]}
    a["targets"].append({"kind": "capability", "text": "x"})
    fb = D.check_improvement_plan(a)
    assert {"drills.text.repeat", "drills.text.placeholder"} <= set(keys_of(fb, "problem"))
    assert_consistent(fb)


def test_well_done_never_heads_failed_checks():
    fb = D.Feedback("demo", done=2, total=7, passed=True)
    for lang in LANGS:
        head = fb.headline(lang)
        assert not head.startswith(("Well done", "做得好")) and "2" in head and "7" in head
    assert fb.outcome == "passed_hints"
    fb.problem("drills.coin_feedback.empty", part="x")
    assert fb.outcome == "not_yet" and "1" in fb.headline("en").split(";")[-1]
    assert D.Feedback("demo", done=7, total=7, passed=True).headline("en").startswith("Well done: 7 of 7")
    assert D.Feedback("demo", done=0, total=3).outcome == "incomplete"


def test_a_real_answer_passed_with_a_hint_is_not_well_done():
    a = sample("improvement_plan")
    a["targets"] = a["targets"][:2]                                     # 1 core + 1 supporting: S3 suggests 2–3
    fb = D.check_improvement_plan(a)
    assert fb.passed and fb.done < fb.total and fb.outcome == "passed_hints"
    assert "drills.improvement_plan.target_mix" in keys_of(fb, "hint")
    assert_consistent(fb)


def test_free_text_left_to_a_person_is_said_so():
    for drill in ("coin_feedback", "objection_handling", "improvement_plan"):
        fb = D.check(drill, sample(drill))
        assert fb.review == [f"drills.{drill}.review"]
        assert fb.items[-1].key == f"drills.{drill}.review" and fb.items[-1].level == "hint"
        assert fb.as_dict()["review"] == fb.review
        assert fb.headline("en").endswith(i18n.t("drills.result.review", "en"))
    assert "drills.coin_feedback.ok.quality" in keys_of(D.check_coin_feedback(sample("coin_feedback")), "ok")
    assert "well-built" not in " ".join(D.check_coin_feedback(sample("coin_feedback")).lines("en"))


def test_self_check_and_decomposition_texts_must_be_answers():
    a = sample("self_check")
    a["action"] = "同上"
    fb = D.check_self_check(a)
    assert not fb.passed and "drills.text.placeholder" in keys_of(fb, "problem")
    a["action"] = "下週多學習"
    fb = D.check_self_check(a)
    assert "drills.self_check.action_vague" in keys_of(fb, "hint")
    a = sample("decomposition")
    a["metrics"][1]["owner"] = "x"
    a["metrics"][2]["standard"] = "無"
    a["metrics"][3]["standard"] = a["metrics"][0]["standard"]
    fb = D.check_decomposition(a)
    assert {"drills.decomposition.no_owner", "drills.decomposition.no_standard",
            "drills.text.repeat"} <= set(keys_of(fb, "problem"))
    assert_consistent(fb)


# ---------------------------------------------------------------------------------------------
# Honest answers keep passing, in the three languages
# ---------------------------------------------------------------------------------------------
def coin_answer(lang: str) -> dict:
    if lang == "zh-Hant":
        return sample("coin_feedback")
    if lang == "zh-Hans":
        return {"context": "上周三下午在华达机械的产品演示中,",
                "observation": "客户的设备主管问了 3 个技术问题,你有 2 个没有回答出来,只说回去再问问。",
                "impact": "客户没有约下一次会议,采购经理也对我们的产品熟悉度产生了疑虑。",
                "next": "请在本周五前补上错过的 2 次产品培训,并把这 3 个问题的答案整理成常见问题,下周二前回复客户。"}
    return {"context": "In last Wednesday's product demo at Huada Machinery,",
            "observation": "the equipment manager asked 3 technical questions and you could not answer 2 of them.",
            "impact": "The customer booked no follow-up meeting, and the purchasing manager now doubts we know our "
                      "product.",
            "next": "Join the 2 product trainings you missed by this Friday and send the customer the answers to "
                    "the 3 questions by Tuesday."}


def objection_answer(lang: str) -> dict:
    if lang == "zh-Hant":
        return sample("objection_handling")
    if lang == "zh-Hans":
        return {"model": "laer", "steps": [
            {"step": "listen", "text": "先不打断,让王总把话说完,点头并记下「比 A 公司高 15 %」。"},
            {"step": "acknowledge", "text": "谢谢您这么坦诚,比较价格很合理,我理解您的顾虑。"},
            {"step": "explore", "text": "除了价格,您在选系统时最关注哪些方面?"},
            {"step": "respond", "text": "我们的故障率是行业最低,类似客户平均 7 个月回本,可以先做一个仓库的试点。"}]}
    return {"model": "four_step", "steps": [
        {"step": "listen", "text": "I let Mr Wang finish without interrupting and note the 15 % gap."},
        {"step": "confirm", "text": "So your concern is that we are about 15 % above company A, is that right?"},
        {"step": "respond", "text": "our failure rate is the lowest in the industry and similar plants pay back in "
                                    "7 months; we can start with a pilot in one warehouse."},
        {"step": "verify", "text": "Does that answer your question about the price?"}]}


def plan_answer(lang: str) -> dict:
    if lang == "zh-Hant":
        return sample("improvement_plan")
    if lang == "zh-Hans":
        return {"phases": {
            "analysis": {"days": [1, 1], "actions": ["统计过去 3 个月的拜访、转化与客单价数据,与团队平均对比,做 SWOT 分析"]},
            "targets": {"days": [2, 3], "actions": ["按 SMART 设定 3 个 30 天目标,与主管确认"]},
            "plan": {"days": [4, 5], "actions": ["每天早上 9 点前排好当日拜访", "列出需要的产品资料与方案模板"]},
            "execution": {"days": [6, 29], "actions": ["每天记录拜访与结果到执行日志", "每周五复盘并调整下周计划"]},
            "review": {"days": [30, 30], "actions": ["对比计划前后的拜访量、转化率与销售额,总结经验"]}},
            "targets": [{"kind": "result", "text": "30 天内销售额达到 120,000 元(比现在提高 50 %)"},
                        {"kind": "process", "text": "30 天内每天完成 4 家新客户拜访"},
                        {"kind": "capability", "text": "30 天内通过产品知识考核 80 分以上,并为 5 个客户写定制化方案"}]}
    return {"phases": {
        "analysis": {"days": [1, 1], "actions": [("Pull the last 3 months' visits, conversion and deal-size data, "
                                                 "compare them with the team average and do a SWOT")]},
        "targets": {"days": [2, 3], "actions": ["Set 3 SMART targets for the 30 days and agree them with the manager"]},
        "plan": {"days": [4, 5], "actions": ["Plan each day's visits before 9 a.m.",
                                             "List the product material and proposal templates needed"]},
        "execution": {"days": [6, 29], "actions": ["Log every visit and its result daily",
                                                   "Every Friday, review the week and adjust next week's plan"]},
        "review": {"days": [30, 30], "actions": [("Compare visits, conversion and sales before and after the plan, "
                                                 "and draw the lessons")]}},
        "targets": [{"kind": "result", "text": "Within 30 days, reach 120,000 yuan in sales (50 % more than now)"},
                    {"kind": "process", "text": "Within 30 days, visit 4 new customers every day"},
                    {"kind": "capability", "text": "Within 30 days, pass the product-knowledge test with 80 points "
                                                   "and write tailored proposals for 5 customers"},
                    {"kind": "process", "text": "Within 30 days, submit 2 tailored proposals every Friday"}]}


@pytest.mark.parametrize("lang", LANGS)
def test_honest_coin_feedback_passes(lang):
    fb = D.check_coin_feedback(coin_answer(lang))
    assert fb.passed and fb.done == fb.total, fb.lines("en")
    assert fb.review == ["drills.coin_feedback.review"]
    assert_consistent(fb)


@pytest.mark.parametrize("lang", LANGS)
def test_honest_objection_handling_passes(lang):
    fb = D.check_objection_handling(objection_answer(lang))
    assert fb.passed and fb.done == fb.total, fb.lines("en")
    assert_consistent(fb)


@pytest.mark.parametrize("lang", LANGS)
def test_honest_improvement_plans_pass(lang):
    fb = D.check_improvement_plan(plan_answer(lang))
    assert fb.passed and fb.done == fb.total, fb.lines("en")
    assert_consistent(fb)


@pytest.mark.parametrize("statement", [
    "2025 年第三季度(9 月 30 日前),智能辦公設備產品線通過開發華東新客戶,實現銷售額 1,200,000 元,比去年同期增長 11 %。",
    "2025 年第三季度(9 月 30 日前),智能办公设备产品线通过开发华东新客户,实现销售额 1,200,000 元,比去年同期增长 11 %。",
    ("By September 30, 2025, the smart office product line reaches Q3 sales of 1,200,000 yuan through new customers "
    "in East China, 11 % above last year's same period."),
])
def test_honest_smart_targets_pass(statement):
    fb = D.check_smart_target({"statement": statement, "target": 1200000, "unit": "yuan", "deadline": "2025-09-30"},
                              simulate=False)
    assert fb.passed and "drills.smart_target.ok.growth" in keys_of(fb, "ok"), fb.lines("en")
    assert_consistent(fb)


@pytest.mark.parametrize("drill", D.DRILLS)
def test_every_sample_answer_is_well_done(drill):
    opts = {"n": 60} if drill == "smart_target" else {"futures": 0} if drill == "mid_quarter_review" else {}
    fb = D.check(drill, sample(drill), **opts)
    assert fb.passed and fb.outcome == "passed", fb.lines("en")
    assert_consistent(fb)


def test_the_right_diagnosis_names_its_causes():
    fb = D.check_mid_quarter_review(sample("mid_quarter_review"), futures=0)
    assert keys_of(fb, "ok").count("drills.mid_quarter_review.cause_right") == 2 and fb.passed


# ---------------------------------------------------------------------------------------------
# The new catalog texts
# ---------------------------------------------------------------------------------------------
NEW_KEYS = (
    "drills.result.passed", "drills.result.passed_hints", "drills.result.not_yet", "drills.result.incomplete",
    "drills.result.review", "drills.text.placeholder", "drills.text.repeat", "drills.text.part.statement",
    "drills.text.part.action", "drills.smart_target.below_history", "drills.mid_quarter_review.cause_wrong",
    "drills.mid_quarter_review.cause_guess", "drills.coin_feedback.ok.quality", "drills.coin_feedback.next_vague",
    "drills.coin_feedback.review", "drills.objection_handling.review", "drills.improvement_plan.target_label",
    "drills.improvement_plan.target_mix", "drills.improvement_plan.review",
)


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


@pytest.mark.parametrize("key", NEW_KEYS)
def test_new_texts_are_in_the_three_languages(key):
    texts = {lang: i18n.catalog(lang)[key] for lang in LANGS}
    assert len({frozenset(_fields(t)) for t in texts.values()}) == 1
    assert texts["zh-Hant"] != texts["en"] and texts["zh-Hans"] != texts["en"]
    for lang in ("zh-Hant", "zh-Hans"):
        bare = re.sub(r"\{[a-z_]+\}", "", texts[lang])
        assert not re.search(r"[,:;()!?]", bare), (lang, texts[lang])          # full-width punctuation only
    opencc = pytest.importorskip("opencc")
    assert opencc.OpenCC("t2s").convert(texts["zh-Hans"]) == texts["zh-Hans"]


def test_group_work_reads_a_refused_price_cut_as_no_concession_and_a_placeholder_as_no_answer():
    a = sample("group_work")
    a["objections"][0]["response"] = "我們不降價,但可以先試點一條產線,三個月回本,試點費 600,000 元。"
    fb = D.check_group_work(a)
    assert "drills.group_work.response_concede" not in keys_of(fb)
    a["objections"][0]["response"] = "我們可以給您打九折。"
    assert "drills.group_work.response_concede" in keys_of(D.check_group_work(a), "problem")
    a["objections"][0]["response"] = "x"
    fb = D.check_group_work(a)
    assert "drills.text.placeholder" in keys_of(fb, "problem") and not fb.passed
