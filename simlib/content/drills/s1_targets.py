"""S1's first two drills (COURSE.md §1, §2, §9): a SMART target for next quarter (drill 01) and its
decomposition into months, weeks and action metrics (drill 02).

Drill 01 checks the sentence with :func:`simlib.formulas.smart.smart_check`, the figure against last year's same
period and — simulated — whether the team can reach it (:func:`simlib.analysis.achievability.achievability`).
Drill 02 checks that the parts add up *exactly* (no "black hole") and every count metric against the reverse
funnel (:func:`simlib.core.funnel.required_leads`).
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from simlib.analysis.achievability import achievability
from simlib.base.fmt import number, percent
from simlib.base.schema import ScenarioError
from simlib.content.drills.feedback import Feedback, Ref
from simlib.content.drills.inputs import (
    as_choice,
    as_date,
    as_list,
    as_mapping,
    as_number,
    as_text,
    exact,
    mentions_any,
    reject_unknown_keys,
    shown,
)
from simlib.content.drills.material import key_and_material, scenario_path
from simlib.content.drills.text_checks import is_placeholder, near_duplicate
from simlib.core.funnel import required_leads
from simlib.core.scenario import load_scenario
from simlib.formulas.smart import ACHIEVABLE_AT, TOO_EASY_ABOVE, smart_check

__all__ = ["check_decomposition", "check_smart_target"]


# ---------------------------------------------------------------------------------------------
# Drill 01: a SMART target (S1 drill 01)
# ---------------------------------------------------------------------------------------------
_UNITS = {"yuan": 1, "10k_yuan": 10_000, "million_yuan": 1_000_000}
_AMOUNT = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*(百萬|百万|萬|万|億|亿|千|million|mn|m\b|k\b|%|％|個百分點|个百分点|"
                     r"percent)?", re.IGNORECASE)
_MULT = {"百萬": 1e6, "百万": 1e6, "萬": 1e4, "万": 1e4, "億": 1e8, "亿": 1e8, "千": 1e3, "million": 1e6, "mn": 1e6,
         "m": 1e6, "k": 1e3}
_PERCENT = ("%", "％", "percent", "個百分點", "个百分点")
_UNIT_WORDS = ("元", "萬", "万", "億", "亿", "yuan", "rmb", "cny", "¥", "￥", "%", "％", "million", "百分點", "百分点",
               "percent", "個", "个", "家", "位", "件", "單", "单", "筆", "笔", "份", "台", "套", "customer", "client",
               "deal", "unit", "order", "account")


def _amounts(text: str) -> tuple[list[float], list[float]]:
    """Amounts (in yuan, 萬/million applied) and percentages written in a target's text.

        >>> _amounts("銷售額達到 130 萬元, 增長 8%")
        ([1300000.0], [8.0])
    """
    values, pcts = [], []
    for m in _AMOUNT.finditer(text):
        x = float(m.group(1).replace(",", ""))
        unit = (m.group(2) or "").lower()
        if unit in _PERCENT:
            pcts.append(x)
        else:
            values.append(x * _MULT.get(unit, 1))
    return values, pcts


def check_smart_target(answer: Mapping, *, key: Mapping | None = None, material: Mapping | None = None,
                       simulate: bool = True, n: int | None = None) -> Feedback:
    """S1 drill 01 (COURSE.md §1, §9): a SMART target for next quarter.

    ``answer``: ``{statement, target, unit, deadline}`` — the sentence, the number, its unit
    (``yuan``, ``10k_yuan``, ``million_yuan``) and an ISO date. Checked: specific, measurable and
    time-bound (:func:`simlib.formulas.smart.smart_check`; a placeholder sentence such as "x" or "同上" counts
    as none: :func:`~simlib.content.drills.text_checks.is_placeholder`), a number with its unit that matches the
    sentence, a deadline inside the quarter, the growth over last year's same period (flat or falling — ≤ 0 %
    as shown — or below the key's minimum is S1's "target too low", COURSE.md §1, §10: too high / too low →
    跳一跳夠得著), and — with ``simulate`` — whether the team's simulated quarter reaches it
    (:func:`simlib.analysis.achievability.achievability` on the material's scenario, ``n`` runs). Passed: no problem.

        >>> fb = check_smart_target({"statement": "提高銷售額"}, simulate=False)   # S1's vague target
        >>> fb.passed, fb.done, fb.total
        (False, 0, 5)
        >>> print("\\n".join(fb.lines("zh-Hant")[1:]))
        加上數字：金額、數量或百分比（例如「銷售額增長10%」「新增A類客戶10個」）。
        加上期限：「下季度」「第二季度」「6月30日前」。
        也請把目標填成數字，才能與去年同期比較並做模擬。
        請填寫完成期限（日期）。
    """
    key, mat = key_and_material("smart_target", key, material)
    a = as_mapping(answer, "answer")
    reject_unknown_keys(a, ("statement", "target", "unit", "deadline"), "")
    statement = as_text(a.get("statement"), "statement")
    target = as_number(a.get("target"), "target")
    unit = None if a.get("unit") in (None, "") else as_choice(a.get("unit"), "unit", list(_UNITS))
    deadline = as_date(a.get("deadline"), "deadline")
    fb = Feedback("smart_target")
    exp = key.get("expected", {})
    last = float(mat["history"][-1]["sales"])

    # -- the statement: S, M, T
    if not statement:
        fb.total += 3
        fb.problem("drills.smart_target.no_statement")
    elif is_placeholder(statement):
        fb.total += 3
        fb.problem("drills.text.placeholder", part=Ref("drills.text.part.statement"))
        statement = ""
    else:
        rep = smart_check(statement)
        fb.check(rep.specific, "drills.smart_target.ok.specific", "smart.hint.specific")
        fb.check(rep.measurable, "drills.smart_target.ok.measurable", "smart.hint.measurable")
        if rep.measurable and not rep.found["number"]:
            fb.hint("smart.hint.binary")
        fb.check(rep.time_bound, "drills.smart_target.ok.time_bound", "smart.hint.time_bound")
        if rep.found["number"] and not mentions_any(statement, _UNIT_WORDS):
            fb.hint("drills.smart_target.statement_unit")

    # -- the number, its unit, the growth and achievability
    if target is None:
        fb.check(False, None, "drills.smart_target.no_target")
    elif unit is None:
        fb.check(False, None, "drills.smart_target.no_unit")
    elif target <= 0:
        fb.check(False, None, "drills.smart_target.not_positive")
    else:
        yuan = target * _UNITS[unit]
        fb.check(True, None, "")
        growth = yuan / last - 1
        if statement:
            values, pcts = _amounts(statement)
            tol = float(key.get("number_tolerance", 0.01))
            tol_pp = float(key.get("growth_tolerance_pp", 1.0))
            same = (any(abs(v - yuan) <= tol * yuan for v in values)
                    or any(abs(p - growth * 100) <= tol_pp for p in pcts))
            fb.check(same, "drills.smart_target.ok.consistent", "drills.smart_target.mismatch",
                     amount=number(yuan))
        g = exp.get("growth", {})
        change = {"growth": percent(growth, digits=0, signed=True), "last": number(last)}
        # flat or falling — as the trainee sees it, "+0 %" included — is S1's "target too low"
        too_low = round(growth * 100) <= 0 or growth < float(g.get("min", 0.0)) - 1e-12
        if too_low:
            fb.check(False, None, "drills.smart_target.below_history", **change)
        elif growth > float(g.get("max", 0.25)) + 1e-12:
            fb.check(False, None, "drills.smart_target.above_trend", level="hint", **change)
        else:
            fb.check(True, "drills.smart_target.ok.growth", "", **change)
        if simulate:
            cfg = key.get("achievability", {})
            prob = achievability(load_scenario(scenario_path(mat["scenario"])), yuan,
                                 metric=cfg.get("metric", "revenue"), n=int(n or cfg.get("n", 200)),
                                 seed=int(cfg.get("seed", 0)))
            pct = {k: percent(prob[k], digits=0) for k in ("probability", "low", "high")}
            fb.data["achievability"] = prob
            if prob["probability"] < ACHIEVABLE_AT:
                fb.check(False, None, "smart.hint.too_hard", **pct)
            elif prob["probability"] > TOO_EASY_ABOVE:
                fb.check(False, None, "smart.hint.too_easy", level="hint", **pct)
            else:        # reachable — but a target that is too low is no "stretch": no line says it is
                fb.check(True, None if too_low else "smart.hint.achievable", "", **pct)

    # -- the deadline
    q = mat["quarter"]
    start, end = as_date(q["start"], "quarter.start"), as_date(q["end"], "quarter.end")
    if deadline is None:
        fb.check(False, None, "drills.smart_target.no_deadline")
    else:
        fb.check(start <= deadline <= end, "drills.smart_target.ok.deadline", "drills.smart_target.deadline_outside",
                 deadline=deadline.isoformat(), quarter=q["label"], start=start.isoformat(), end=end.isoformat())
    fb.passed = not fb.problems
    return fb


# ---------------------------------------------------------------------------------------------
# Drill 02: decomposition matrix and action metrics (S1 drill 02)
# ---------------------------------------------------------------------------------------------
def check_decomposition(answer: Mapping, *, key: Mapping | None = None, material: Mapping | None = None) -> Feedback:
    """S1 drill 02 (COURSE.md §1, §2, §9): quarter -> months -> weeks, and 3–5 action metrics.

    ``answer``: ``{quarter_target (optional), months: {m1: yuan, …}, weeks: {m1: [yuan, …], …},
    metrics: [{metric, value, per, scope, stage, owner, standard}, …]}``. Checked: the months add up
    *exactly* to the quarter and each month's weeks to the month (no "black hole"), the calendar's
    week count, the month split against last year's pattern, 3–5 metrics each with a value, an owner
    and a standard, at least one process metric, and every count metric against the reverse funnel
    (:func:`simlib.core.funnel.required_leads` from the target, with the group's own conversion standards
    where it sets them). An owner or a standard that is a placeholder ("x", "無", "同上") counts as missing, and
    a standard that repeats another metric's is a problem
    (:mod:`~simlib.content.drills.text_checks`). Passed: no problem.

        >>> fb = check_decomposition({"months": {"m1": 400000, "m2": 400000, "m3": 300000}})
        >>> fb.passed, fb.problems[0].text("en")
        (False, 'The months add up to 1,100,000: 100,000 short of the quarter target 1,200,000 — a "black hole".')
    """
    key, mat = key_and_material("decomposition", key, material)
    a = as_mapping(answer, "answer")
    reject_unknown_keys(a, ("quarter_target", "months", "weeks", "metrics"), "")
    fb = Feedback("decomposition")
    quarter = as_number(a.get("quarter_target", mat["quarter_target"]), "quarter_target")
    if quarter is None or quarter <= 0:
        raise ScenarioError.at("quarter_target", "greater_than", limit=0, input=shown(a.get("quarter_target")))
    months_mat = mat["months"]
    ids = [m["id"] for m in months_mat]
    label = {m["id"]: m["label"] for m in months_mat}
    months = as_mapping(a.get("months"), "months")
    reject_unknown_keys(months, ids, "months")
    values = {m: as_number(months[m], f"months.{m}") for m in ids if m in months}
    for m in ids:
        if values.get(m) is None:
            values.pop(m, None)
            fb.check(False, None, "drills.decomposition.month_missing", month=label[m])
        elif values[m] < 0:
            raise ScenarioError.at(f"months.{m}", "greater_than_equal", limit=0, input=number(values[m]))
    if len(values) == len(ids):
        total = sum(exact(v) for v in values.values())
        gap = exact(quarter) - total
        p = {"total": number(float(total)), "target": number(quarter), "gap": number(abs(float(gap)))}
        if gap > 0:
            fb.check(False, None, "drills.decomposition.months_short", **p)
        elif gap < 0:
            fb.check(False, None, "drills.decomposition.months_over", **p)
        else:
            fb.check(True, "drills.decomposition.ok.months_sum", "", **p)
        # the split against last year's monthly pattern
        ly = {m: float(v) for m, v in mat.get("last_year_month_sales", {}).items()}
        if ly and sum(ly.values()) > 0:
            dev = max(abs(values[m] / quarter - ly[m] / sum(ly.values())) for m in ids)
            fb.check(dev <= float(key.get("month_share_tolerance", 0.08)), "drills.decomposition.ok.seasonality",
                     "drills.decomposition.seasonality", level="hint")

    weeks = as_mapping(a.get("weeks"), "weeks")
    reject_unknown_keys(weeks, ids, "weeks")
    for spec in months_mat:
        m = spec["id"]
        if m not in weeks:
            fb.check(False, None, "drills.decomposition.weeks_missing", month=label[m])
            continue
        nums = [as_number(v, f"weeks.{m}[{i}]") for i, v in enumerate(as_list(weeks[m], f"weeks.{m}"))]
        if any(v is None for v in nums):
            fb.check(False, None, "drills.decomposition.week_blank", month=label[m])
            continue
        for i, v in enumerate(nums):
            if v < 0:
                raise ScenarioError.at(f"weeks.{m}[{i}]", "greater_than_equal", limit=0, input=number(v))
        if len(nums) != int(spec["weeks"]):
            fb.check(False, None, "drills.decomposition.week_count", month=label[m], n=len(nums),
                     expected=int(spec["weeks"]))
        elif m in values:
            total = sum(exact(v) for v in nums)
            fb.check(total == exact(values[m]), "drills.decomposition.ok.weeks_sum", "drills.decomposition.weeks_sum",
                     month=label[m], total=number(float(total)), value=number(values[m]))

    _check_metrics(fb, a.get("metrics"), key, mat, quarter, len(ids))
    fb.passed = not fb.problems
    return fb


def _check_metrics(fb: Feedback, raw: Any, key: Mapping, mat: Mapping, quarter: float, n_months: int) -> None:
    """Drill 02's action metrics: 3–5 of them, each complete, one of them a process metric, and every count
    metric enough for the reverse funnel of the quarter's target (the group's own conversions where it sets them)."""
    metrics = as_list(raw, "metrics")
    cnt = key.get("metrics_count", {"min": 3, "max": 5})
    lo, hi = int(cnt.get("min", 3)), int(cnt.get("max", 5))
    fb.check(lo <= len(metrics) <= hi, "drills.decomposition.ok.metric_count", "drills.decomposition.metric_count",
             n=len(metrics), min=lo, max=hi)
    spec = mat["metrics"]
    stages = [s["name"] for s in mat["stages"]]
    stage_label = {s["name"]: s["label"] for s in mat["stages"]}
    conv = {s["name"]: float(s["conversion"]) for s in mat["stages"]}
    seen: set[tuple] = set()
    standards: list[tuple[Any, str]] = []             # (metric's label, its standard) so far
    counted: list[tuple[str, Any, float, str]] = []   # (metric, its label, planned per quarter, stage)
    process = False
    for i, m in enumerate(metrics):
        path = f"metrics[{i}]"
        m = as_mapping(m, path)
        reject_unknown_keys(m, ("metric", "value", "per", "scope", "stage", "owner", "standard"), path)
        name = as_choice(m.get("metric"), f"{path}.metric", list(spec))
        lab = spec[name]["label"]
        per = as_choice(m.get("per", "week"), f"{path}.per", list(mat["periods"]))
        scope = as_choice(m.get("scope", "team"), f"{path}.scope", list(mat["scopes"]))
        value = as_number(m.get("value"), f"{path}.value")
        owner = as_text(m.get("owner"), f"{path}.owner")
        owner = "" if is_placeholder(owner, min_chars=1) else owner          # a name may be two characters
        standard = as_text(m.get("standard"), f"{path}.standard")
        standard = "" if is_placeholder(standard) else standard
        stage = m.get("stage")
        if name == "conversion":
            if stage in (None, ""):
                fb.check(False, None, "drills.decomposition.conversion_stage", metric=lab)
                stage = None
            else:
                stage = as_choice(stage, f"{path}.stage", stages)
                lab = Ref("drills.decomposition.conversion_of", {"stage": stage_label[stage]})
                if value is not None and not 0 < value <= 1:
                    raise ScenarioError.at(f"{path}.value", "drills_share", input=number(value))
        process = process or spec[name].get("kind") == "process"
        ident = (name, stage)
        if ident in seen:
            fb.hint("drills.decomposition.duplicate", metric=lab)
        seen.add(ident)
        missing = [k for k, v in (("value", value), ("owner", owner), ("standard", standard)) if v in (None, "")]
        fb.total += 1
        for k in missing:
            fb.problem(f"drills.decomposition.no_{k}", metric=lab)
        same = next((other for other, text in standards if standard and near_duplicate(standard, text)), None)
        if standard:
            standards.append((lab, standard))
        if same is not None:
            fb.problem("drills.text.repeat", part=lab, other=same)
        if not missing and same is None:
            fb.done += 1
            fb.ok("drills.decomposition.ok.metric", metric=lab, owner=owner)
        if value is None or value < 0:
            continue
        if name == "conversion" and stage is not None:
            conv[stage] = value                      # the group's own standard for that stage
        elif spec[name].get("stage"):
            periods = {"week": int(mat["quarter"]["weeks"]), "month": n_months, "quarter": 1}[per]
            reps = int(mat["reps"]) if scope == "per_rep" else 1
            counted.append((name, lab, value * periods * reps, spec[name]["stage"]))
    fb.check(process, "drills.decomposition.ok.process", "drills.decomposition.no_process")
    if not counted:
        fb.hint("drills.decomposition.no_funnel_metric")
        return
    sc = load_scenario(scenario_path(mat["scenario"]))
    sc = sc.with_changes({f"funnel.stages[{k}].conversion": conv[s] for k, s in enumerate(sc.stage_names)
                          if s in conv})
    won = quarter / float(mat["deal_value"])
    need = dict(required_leads(sc, won), won=won, revenue=quarter)
    tol = float(key.get("funnel_tolerance", 0.10))
    excess = float(key.get("funnel_excess", 3.0))
    for _name, lab, planned, stage in counted:
        ratio = planned / need[stage] if need[stage] > 0 else math.inf
        if ratio < 1 - tol - 1e-12:
            fb.check(False, None, "drills.decomposition.funnel_short", metric=lab)
        elif ratio > excess:
            fb.check(False, None, "drills.decomposition.funnel_excess", level="hint", metric=lab)
        else:
            fb.check(True, "drills.decomposition.ok.funnel", "", metric=lab)
