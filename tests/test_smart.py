"""SMART checker (COURSE.md §1) on the decks' own before/after examples, in zh and en."""
from __future__ import annotations

import pytest

import simlib
from simlib import targets

GOOD = ["下季度通過優化產品線,實現銷售額增長10%", "第二季度新客戶銷售額增加20%", "本季度簽約5個大型企業客戶",
        "6月30日前完成新產品在華東區域的推廣", "下季度将华东区新客户销售额提高15%",
        "Sign 5 new enterprise customers in the East region by June 30",
        "Grow new-product revenue in the South region 12% next quarter"]
VAGUE = ["提高銷售額", "增加銷售額", "提高客戶滿意度", "Increase sales", "提高销售额"]


@pytest.mark.parametrize("text", GOOD)
def test_the_decks_rewrites_pass(text):
    r = targets.smart_check(text)
    assert r.specific and r.measurable and r.time_bound, r.as_dict()
    assert r.achievable is None and r.passed


@pytest.mark.parametrize("text", VAGUE)
def test_vague_targets_fail_with_hints(text):
    r = targets.smart_check(text)
    assert r.measurable is False and r.time_bound is False and r.specific is False
    assert len(r.hints) >= 3 and not r.passed


def test_hints_come_in_the_texts_language():
    zh = targets.smart_check("提高客戶滿意度")
    hans = targets.smart_check("提高客户满意度")
    en = targets.smart_check("Increase sales")
    assert zh.lang == "zh-Hant" and hans.lang == "zh-Hans" and en.lang == "en"
    assert zh.hints[0] != hans.hints[0] != en.hints[0]
    no_cjk = lambda h: not any("\u4e00" <= ch <= "\u9fff" for ch in h)
    assert all(no_cjk(h) for h in en.hints)
    assert all(no_cjk(h) for h in targets.smart_check("提高客戶滿意度", lang="en").hints)


def test_partial_targets_name_what_is_missing():
    r = targets.smart_check("新增A類客戶10個")
    assert r.specific and r.measurable and r.time_bound is False
    assert any("期限" in h or "時限" in h or "時間" in h for h in r.hints)


def test_dict_style_access_and_relevance():
    r = targets.smart_check("本季度簽約5個大型企業客戶", priorities=["企業客戶", "大客戶"])
    assert r["relevant"] is True
    assert targets.smart_check("本季度簽約5個大型企業客戶", priorities=["電商"]).relevant is False


def test_achievable_is_judged_by_simulation(base):
    mean = simlib.expected(base)["revenue"]
    easy = targets.smart_check("本季度銷售額達到120萬", scenario=base, target=0.5 * mean, n=60)
    hard = targets.smart_check("本季度銷售額達到1億", scenario=base, target=5 * mean, n=60)
    assert easy.achievable is True and easy.probability["probability"] > 0.9
    assert hard.achievable is False and hard.probability["probability"] == 0
    p = hard.probability
    assert 0 <= p["low"] <= p["probability"] <= p["high"] <= 1


def test_empty_text_is_a_named_error():
    with pytest.raises(simlib.ScenarioError, match="text"):
        targets.smart_check("   ")
