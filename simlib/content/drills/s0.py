"""S0's drills (COURSE.md §1, §4, §6, §9 drill 7): "341" prospect screening, A/B/C tiering of an account list,
COIN feedback on a situation and scoring an OKR.

The right answers come from the course's formulas — :func:`simlib.formulas.customers.screen_prospects`,
:func:`simlib.formulas.customers.abc_tiers`, :meth:`simlib.formulas.appraisal.CoinFeedback.check` and
:func:`simlib.formulas.targets.okr_score` — or from the key within its tolerance; the typical mistakes (tiering
by revenue, scoring actual ÷ target) get their own hint, and no line states the expected answer.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping

import pandas as pd

from simlib.base.fmt import number, percent
from simlib.base.schema import Issue, ScenarioError
from simlib.content.drills.feedback import Feedback, Ref
from simlib.content.drills.inputs import (
    as_choice,
    as_list,
    as_mapping,
    as_number,
    as_text,
    mentions_any,
    reject_unknown_keys,
)
from simlib.content.drills.material import key_and_material
from simlib.content.drills.text_checks import is_placeholder, near_duplicate, vague_action
from simlib.formulas.appraisal import COIN_PARTS, CoinFeedback
from simlib.formulas.customers import abc_tiers, screen_prospects
from simlib.formulas.targets import okr_score, split

__all__ = ["check_abc_tiering", "check_coin_feedback", "check_okr_scoring", "check_screening_341"]


# ---------------------------------------------------------------------------------------------
# S0: "341" screening and A/B/C tiering
# ---------------------------------------------------------------------------------------------
def check_screening_341(answer: Mapping, *, key: Mapping | None = None, material: Mapping | None = None) -> Feedback:
    """S0's "341" prospect screening (COURSE.md §6, §9 drill 7).

    ``answer``: ``{scores: {prospect id: {size, industry, pain}}, good: [prospect ids]}``; scores are
    validated by :func:`simlib.formulas.customers.screen_prospects` (whole numbers 1–4). Each score is compared
    with the key within its tolerance (the hint names the prospect and criterion and says "higher" or
    "lower than the guide supports"); the good prospects are checked against the trainee's own totals
    (total ≥ minimum) and then against the key. Passed: no problem. ``data["table"]``: the screened
    table of the trainee's scores.
    """
    key, mat = key_and_material("screening_341", key, material)
    a = as_mapping(answer, "answer")
    reject_unknown_keys(a, ("scores", "good"), "")
    ids = [p["id"] for p in mat["prospects"]]
    name = {p["id"]: p["name"] for p in mat["prospects"]}
    crit = [str(c) for c in mat["criteria"]]
    minimum = int(mat["minimum"])
    scores = as_mapping(a.get("scores"), "scores")
    reject_unknown_keys(scores, ids, "scores")
    fb = Feedback("screening_341")
    present = []
    for pid in ids:
        if pid not in scores:
            fb.check(False, None, "drills.screening_341.missing", prospect=name[pid])
        else:
            sc = as_mapping(scores[pid], f"scores.{pid}")
            reject_unknown_keys(sc, crit, f"scores.{pid}")
            blank = [c for c in crit if sc.get(c) in (None, "")]
            if blank:
                fb.check(False, None, "drills.screening_341.incomplete", prospect=name[pid],
                         criterion=[Ref(f"customers.screen.criterion.{c}") for c in blank])
            else:
                present.append({"id": pid, **sc})
    good_in = list(dict.fromkeys(as_choice(g, f"good[{i}]", ids) for i, g in enumerate(as_list(a.get("good"), "good"))))
    if not present:
        fb.passed = False
        return fb
    try:
        table = screen_prospects(pd.DataFrame(present), crit, minimum=minimum)
    except ScenarioError as err:     # name the prospect's field as the answer does: scores.<id>.<criterion>
        raise ScenarioError([Issue(_answer_path(i.path, present), i.code, i.params) for i in err.issues]) from None
    fb.data["table"] = table
    exp, tol = key["expected"]["scores"], key.get("tolerance", {})
    for r in table.itertuples(index=False):
        pid = r.id
        off = False
        for c in crit:
            diff = int(getattr(r, c)) - int(exp[pid][c])
            if abs(diff) > int(tol.get(c, 0)):
                off = True
                fb.problem("drills.screening_341.score_off", prospect=name[pid],
                           criterion=Ref(f"customers.screen.criterion.{c}"),
                           direction=Ref(f"drills.screening_341.{'higher' if diff > 0 else 'lower'}"))
        fb.total += 1
        if not off:
            fb.done += 1
            fb.ok("drills.screening_341.ok.scores", prospect=name[pid])
    own_good = set(table.loc[table["good"], "id"])
    totals = dict(zip(table["id"], table["total"], strict=True))
    for pid in table["id"]:
        mine = pid in good_in
        if mine != (pid in own_good):
            key_ = "drills.screening_341.good_below" if mine else "drills.screening_341.good_unmarked"
            fb.check(False, None, key_, prospect=name[pid], total=int(totals[pid]), minimum=minimum)
        else:
            fb.check(mine == (pid in key["expected"]["good"]), None, "drills.screening_341.good_wrong",
                     prospect=name[pid])
    fb.passed = not fb.problems and len(present) == len(ids)
    return fb


def _answer_path(path: str, present: list[dict]) -> str:
    """A screening table's field (``prospects[1].pain``) as the answer names it (``scores.<id>.pain``)."""
    m = re.match(r"prospects\[(\d+)\]\.(.+)", path)
    return f"scores.{present[int(m.group(1))]['id']}.{m.group(2)}" if m else path


def check_abc_tiering(answer: Mapping, *, key: Mapping | None = None, material: Mapping | None = None) -> Feedback:
    """S0's A/B/C tiering (COURSE.md §6, §9 drill 7) of the material's account list.

    ``answer``: ``{tiers: {account id: "A" | "B" | "C"}}``. The right tiers come from
    :func:`simlib.formulas.customers.abc_tiers` with the material's rule (by profit, 20 / 30 / 50 % of
    accounts). Checked: every account tiered, each tier (a wrong one is named, its right tier is
    not), the number of accounts per tier against the rule, and the typical mistake of ranking by
    revenue. ``data``: the trainee's share of profit per tier. Passed: every tier right.
    """
    key, mat = key_and_material("abc_tiering", key, material)
    a = as_mapping(answer, "answer")
    reject_unknown_keys(a, ("tiers",), "")
    acc = pd.DataFrame([{k: v for k, v in r.items() if k != "name"} for r in mat["accounts"]])
    name = {r["account"]: r["name"] for r in mat["accounts"]}
    rule = mat["rule"]
    right = abc_tiers(acc, by=rule["by"], method=rule["method"], shares=rule["shares"])
    expected = dict(zip(right.accounts["account"], right.accounts["tier"], strict=True))
    tiers_in = as_mapping(a.get("tiers"), "tiers")
    reject_unknown_keys(tiers_in, list(expected), "tiers")
    tiers = {k: as_choice(str(v).strip().upper() if isinstance(v, str) else v, f"tiers.{k}", ["A", "B", "C"])
             for k, v in tiers_in.items()}
    fb = Feedback("abc_tiering")
    for acc_id, right_tier in expected.items():
        if acc_id not in tiers:
            fb.check(False, None, "drills.abc_tiering.missing", account=name[acc_id])
        else:
            fb.check(tiers[acc_id] == right_tier, None, "drills.abc_tiering.wrong", account=name[acc_id])
    if fb.done == len(expected):
        fb.ok("drills.abc_tiering.ok.all")
    n = len(expected)
    want = split(n, dict(zip("ABC", rule["shares"], strict=True)))
    have = {k: sum(1 for v in tiers.values() if v == k) for k in "ABC"}
    if len(tiers) == n:
        for k in "ABC":
            if have[k] != want[k]:
                fb.hint("drills.abc_tiering.count", tier=k, n=have[k], total=n,
                        share=percent(rule["shares"]["ABC".index(k)]))
        by_rev = abc_tiers(acc, by="revenue", method=rule["method"], shares=rule["shares"])
        rev = dict(zip(by_rev.accounts["account"], by_rev.accounts["tier"], strict=True))
        if tiers == rev and tiers != expected:
            fb.hint("drills.abc_tiering.by_revenue")
        profit = dict(zip(acc["account"], acc[rule["by"]], strict=True))
        total = sum(profit.values())
        share = {k: sum(profit[i] for i, v in tiers.items() if v == k) / total for k in "ABC"}
        fb.data["profit_share"] = share
        fb.ok("drills.abc_tiering.a_share", share=percent(round(share["A"], 3)))
    fb.passed = not fb.problems
    return fb


# ---------------------------------------------------------------------------------------------
# S0: COIN feedback and OKR scoring
# ---------------------------------------------------------------------------------------------
_COIN_PROBLEMS = ("judgement", "generalisation", "next_vague")
#: each of CoinFeedback.check's codes and the parts it reads
_COIN_CODE_PARTS = {"judgement": ("observation",), "generalisation": ("observation",),
                    "no_time": ("context", "observation"), "no_number": ("observation",), "next_vague": ("next",)}


def check_coin_feedback(answer: Mapping, *, key: Mapping | None = None, material: Mapping | None = None) -> Feedback:
    """S0's COIN feedback (COURSE.md §4, §9 drill 7) on the material's situation.

    ``answer``: ``{context, observation, impact, next}``. Every part must be written — and be an answer: a
    placeholder ("x", "無", "同上", one or two characters) or a part that repeats another is a problem
    (:mod:`~simlib.content.drills.text_checks`); then :meth:`simlib.formulas.appraisal.CoinFeedback.check`'s
    hints (judging words and generalisations in the observation and a next step without a date or number are
    problems; no time and no number are hints); a next step that only asks for effort ("下週多學習", "learn more
    next week": :func:`~simlib.content.drills.text_checks.vague_action`) is a problem too, and each part must
    use the situation's facts (the key's words for the part). Whether the feedback is fair and helps the rep,
    no check can say: a last line hands it to the trainer. Passed: no problem.
    """
    key, _mat = key_and_material("coin_feedback", key, material)
    a = as_mapping(answer, "answer")
    reject_unknown_keys(a, COIN_PARTS, "")
    parts = {p: as_text(a.get(p), p) for p in COIN_PARTS}
    fb = Feedback("coin_feedback")

    def part(p: str) -> Ref:
        return Ref(f"appraisal.coin.part.{p}")

    if not all(parts.values()):
        for p in COIN_PARTS:
            fb.check(bool(parts[p]), None, "drills.coin_feedback.empty", part=part(p))
        fb.passed = False
        return fb
    # each part an answer: not a placeholder, not another part again
    junk: set[str] = set()
    for i, p in enumerate(COIN_PARTS):
        same = next((q for q in COIN_PARTS[:i] if q not in junk and near_duplicate(parts[p], parts[q])), None)
        if is_placeholder(parts[p]):
            fb.check(False, None, "drills.text.placeholder", part=part(p))
        elif same is not None:
            fb.check(False, None, "drills.text.repeat", part=part(p), other=part(same))
        else:
            fb.check(True, None, "")
            continue
        junk.add(p)
    # what the record says: judged on the parts that are answers
    judged = [c for c, on in _COIN_CODE_PARTS.items() if not set(on) <= junk]
    found = [h for h in CoinFeedback.from_dict(parts).check() if h.code in judged]
    for h in found:
        fb.add("problem" if h.code in _COIN_PROBLEMS else "hint", f"appraisal.coin.hint.{h.code}",
               part=part(h.part), **h.params)
    failed = {h.code for h in found}
    if "next_vague" not in failed and "next" not in junk and vague_action(parts["next"]):
        failed.add("next_vague")
        fb.problem("drills.coin_feedback.next_vague", part=part("next"))
    fb.total += len(judged)
    fb.done += sum(1 for c in judged if c not in failed)
    if not failed and not junk:
        fb.ok("drills.coin_feedback.ok.quality")
    # the situation's facts
    for p, words in key.get("keywords", {}).items():
        if p not in junk:
            fb.check(mentions_any(parts[p], words), None, "drills.coin_feedback.off_topic", part=part(p))
    if len(junk) < len(COIN_PARTS):
        fb.for_review("drills.coin_feedback.review")
    fb.passed = not fb.problems
    return fb


def check_okr_scoring(answer: Mapping, *, key: Mapping | None = None, material: Mapping | None = None) -> Feedback:
    """S0's OKR scoring (COURSE.md §1, §9 drill 7): each key result 0–1, the objective their mean.

    ``answer``: ``{scores: {kr id: score}, objective: score}``. The right scores come from
    :func:`simlib.formulas.targets.okr_score` (progress from baseline to target, capped at 1, to 0.1). Typical
    mistakes get their own hint: actual ÷ target instead of progress from the baseline, a score above
    1, an objective that is not the mean of the trainee's own key results. Passed: every score right.

        >>> check_okr_scoring({"scores": {"kr1": 0.7, "kr2": 0.3, "kr3": 1.0}, "objective": 0.67}).passed
        True
    """
    key, mat = key_and_material("okr_scoring", key, material)
    a = as_mapping(answer, "answer")
    reject_unknown_keys(a, ("scores", "objective"), "")
    krs = mat["key_results"]
    ids = [k["id"] for k in krs]
    df = okr_score([{"name": k["id"], "baseline": k["baseline"], "target": k["target"], "actual": k["actual"]}
                    for k in krs])
    right = dict(zip(df["key_result"], df["score"], strict=True))
    tol = key.get("tolerance", {})
    scores_in = as_mapping(a.get("scores"), "scores")
    reject_unknown_keys(scores_in, ids, "scores")
    fb = Feedback("okr_scoring")
    given = {}
    for k in krs:
        kid, lab = k["id"], k["label"]
        s = as_number(scores_in.get(kid), f"scores.{kid}")
        if s is None:
            fb.check(False, None, "drills.okr_scoring.missing", kr=lab)
            continue
        if s < 0:
            raise ScenarioError.at(f"scores.{kid}", "greater_than_equal", limit=0, input=number(s))
        given[kid] = s
        e = float(right[kid])
        ratio = float(k["actual"]) / float(k["target"]) if float(k["target"]) else math.nan
        if abs(s - e) <= float(tol.get("kr", 0.05)) + 1e-9:
            fb.check(True, "drills.okr_scoring.kr_right", "", kr=lab)
        elif s > 1 + 1e-9:
            fb.check(False, None, "drills.okr_scoring.over_one", kr=lab)
        elif abs(s - min(ratio, 1.0)) <= 0.05 + 1e-9 and float(k.get("baseline", 0)) != 0:
            fb.check(False, None, "drills.okr_scoring.from_baseline", kr=lab)
        else:
            fb.check(False, None, "drills.okr_scoring.kr_off", kr=lab,
                     direction=Ref(f"drills.okr_scoring.{'higher' if s > e else 'lower'}"))
    obj = as_number(a.get("objective"), "objective")
    otol = float(tol.get("objective", 0.05))
    if obj is None:
        fb.check(False, None, "drills.okr_scoring.no_objective")
    elif len(given) == len(ids) and abs(obj - sum(given.values()) / len(given)) > otol + 1e-9:
        fb.check(False, None, "drills.okr_scoring.objective_mean")
    elif abs(obj - float(right["objective"])) > otol + 1e-9:
        fb.check(False, None, "drills.okr_scoring.objective_follows")
    else:
        fb.check(True, "drills.okr_scoring.objective_right", "")
    fb.passed = not fb.problems
    return fb
