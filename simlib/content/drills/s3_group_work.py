"""S3's 60-minute group work (COURSE.md §7, §9 drill 4): one worksheet for the customer visit of the material —
the customer's persona and pains, the people whose yes the deal needs, an edge against each rival, the value
proposition and its payback, the next step, the objections and their answers, and a 5-minute pitch in the five
parts of the 5A method (S0).

The payback is :func:`payback_months` of the offer (S3's visit: "about 7 months"); the usual slips — a year's
gain, the pilot's cost — get their own hint, as do the traps among the pains and a discount as the next step.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping

import pandas as pd

from simlib.base.fmt import number
from simlib.base.schema import ScenarioError
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
from simlib.content.drills.skills import PRICE_CONTEXT
from simlib.content.drills.text_checks import affirmed_mentions, is_placeholder

__all__ = ["check_group_work", "payback_months"]

_GROUP_PARTS = ("persona", "pains", "deciders", "counters", "value", "payback_months", "next_step",
                "objections", "pitch")


def payback_months(investment: float, monthly_gain: float) -> float:
    """Months until an investment pays back from a steady monthly gain (S3's visit: "about 7 months",
    COURSE.md §7): ``investment ÷ monthly gain``; infinite when nothing is gained.

        >>> payback_months(3_500_000, 500_000)
        7.0
        >>> payback_months(600_000, 0)
        inf
    """
    if investment < 0:
        raise ValueError("investment must be ≥ 0")
    return math.inf if monthly_gain <= 0 else float(investment) / float(monthly_gain)


def check_group_work(answer: Mapping, *, key: Mapping | None = None, material: Mapping | None = None) -> Feedback:
    """S3's group work (COURSE.md §9 drill 4): one worksheet for the visit of the material.

    ``answer``: ``{persona, pains: [ids], deciders: [ids], counters: {rival: strength}, value,
    payback_months, next_step, objections: [{objection, response}], pitch: {part: {minutes, content}}}``
    (ids from the material's lists; any part may be missing while the group works). Checked, part by
    part: the persona uses the notes' figures; every pain the notes support is picked and no trap (a
    trap names why it is one: what the customer says is not what hurts, the notes contradict it, or
    they say nothing of it); everyone whose yes the deal needs (the number missing, never who);
    against each rival an edge that answers it — never "cut our price"; a value proposition in the
    customer's terms with a number; the payback in months (:func:`payback_months` of the offer; the
    usual slips — a year's gain, the pilot's cost — get their own hint); a next step that lowers the
    risk, not a discount; at least the key's number of objections, the ones the notes already voice
    among them (how many are missing), each answered with a fact, a number and no concession; the
    pitch's five 5A parts (S0) in the material's minutes (±¼), each part's share sensible and its
    content there, the close naming when. Passed: no problem. ``data["pitch"]``: the trainee's
    minutes per part (a chart).
    """
    key, mat = key_and_material("group_work", key, material)
    a = as_mapping(answer, "answer")
    reject_unknown_keys(a, _GROUP_PARTS, "")
    fb = Feedback("group_work")
    _check_customer(fb, a, key, mat)
    _check_competition(fb, a, key, mat)
    _check_strategy(fb, a, key, mat)
    _check_objections(fb, a, key, mat)
    _check_pitch(fb, a, key, mat)
    fb.passed = not fb.problems
    return fb


def _check_customer(fb: Feedback, a: Mapping, key: Mapping, mat: Mapping) -> None:
    """The persona, the pains (and the traps among them) and the people whose yes the deal needs."""
    exp, words = key["expected"], key.get("keywords", {})
    persona = as_text(a.get("persona"), "persona")
    if not persona:
        fb.check(False, None, "drills.group_work.persona_empty")
    else:
        fb.check(bool(re.search(r"\d", persona)) and mentions_any(persona, words.get("persona", [])),
                 "drills.group_work.ok.persona", "drills.group_work.persona_vague", level="hint")
    pains = [as_choice(p, f"pains[{i}]", list(mat["pains"])) for i, p in enumerate(as_list(a.get("pains"), "pains"))]
    if not pains:
        fb.check(False, None, "drills.group_work.pains_none")
    else:
        for p in dict.fromkeys(pains):
            if p in exp["traps"]:
                fb.check(False, None, f"drills.group_work.trap.{exp['traps'][p]}", pain=mat["pains"][p])
        missed = [p for p in exp["pains"] if p not in pains]
        fb.check(not missed, "drills.group_work.ok.pains", "drills.group_work.pains_missed", level="hint", n=len(missed))
    deciders = [as_choice(p, f"deciders[{i}]", list(mat["people"]))
                for i, p in enumerate(as_list(a.get("deciders"), "deciders"))]
    missed = [p for p in exp["deciders"] if p not in deciders]
    if not deciders:
        fb.check(False, None, "drills.group_work.deciders_none")
    else:
        fb.check(not missed, "drills.group_work.ok.deciders", "drills.group_work.deciders_missed", n=len(missed))


def _check_competition(fb: Feedback, a: Mapping, key: Mapping, mat: Mapping) -> None:
    """Against each rival an edge that answers it — never a price match."""
    exp = key["expected"]
    rivals = {r["id"]: r for r in mat["competitors"]}
    counters = as_mapping(a.get("counters"), "counters")
    reject_unknown_keys(counters, list(rivals), "counters")
    for rid, rival in rivals.items():
        raw = counters.get(rid)
        if raw in (None, ""):
            fb.check(False, None, "drills.group_work.counter_missing", rival=rival["label"])
            continue
        edge = as_choice(raw, f"counters.{rid}", list(mat["strengths"]))
        if edge == "price_match":
            fb.check(False, None, "drills.group_work.counter_price", rival=rival["label"])
        else:
            fb.check(edge in exp["counters"][rid], "drills.group_work.ok.counter", "drills.group_work.counter_weak",
                     level="hint", rival=rival["label"], edge=mat["strengths"][edge])


def _check_strategy(fb: Feedback, a: Mapping, key: Mapping, mat: Mapping) -> None:
    """The value proposition, the payback in months and the next step."""
    exp, words, tol = key["expected"], key.get("keywords", {}), key.get("tolerance", {})
    value = as_text(a.get("value"), "value")
    if not value:
        fb.check(False, None, "drills.group_work.value_empty")
    else:
        fb.check(mentions_any(value, words.get("value", [])), None, "drills.group_work.value_not_theirs", level="hint")
        fb.check(bool(re.search(r"\d", value)), "drills.group_work.ok.value", "drills.group_work.value_number",
                 level="hint")
    months = as_number(a.get("payback_months"), "payback_months")
    if months is None:
        fb.check(False, None, "drills.group_work.payback_missing")
    elif months <= 0:
        raise ScenarioError.at("payback_months", "greater_than", limit=0, input=number(months))
    else:
        right = payback_months(exp["investment"], exp["monthly_gain"])
        within = float(tol.get("payback_months", 0.5)) + 1e-9

        def close(x: float) -> bool:
            return abs(months - x) <= within
        if close(right):
            fb.check(True, "drills.group_work.ok.payback", "")
        elif close(payback_months(exp["investment"], 12 * exp["monthly_gain"])):
            fb.check(False, None, "drills.group_work.payback_year")
        elif close(payback_months(exp.get("pilot_cost", 0), exp["monthly_gain"])):
            fb.check(False, None, "drills.group_work.payback_pilot")
        else:
            fb.check(False, None, "drills.group_work.payback_off",
                     direction=Ref(f"drills.group_work.{'longer' if months > right else 'shorter'}"))
    step = a.get("next_step")
    if step in (None, ""):
        fb.check(False, None, "drills.group_work.next_missing")
    else:
        step = as_choice(step, "next_step", list(mat["next_steps"]))
        if step in exp["next_steps"]:
            fb.check(True, "drills.group_work.ok.next", "")
        else:
            fb.check(False, None, f"drills.group_work.next.{step}",
                     level="problem" if step == "discount" else "hint")


def _check_objections(fb: Feedback, a: Mapping, key: Mapping, mat: Mapping) -> None:
    """Enough objections, the voiced ones among them, each answered with a fact, a number and no concession."""
    exp, words = key["expected"], key.get("keywords", {})
    rows = []
    for i, r in enumerate(as_list(a.get("objections"), "objections")):
        r = as_mapping(r, f"objections[{i}]")
        reject_unknown_keys(r, ("objection", "response"), f"objections[{i}]")
        if not r:
            continue
        obj = r.get("objection")
        obj = as_choice(obj, f"objections[{i}].objection", list(mat["objections"])) if obj not in (None, "") else None
        rows.append((i, obj, as_text(r.get("response"), f"objections[{i}].response")))
    named = [o for _, o, _ in rows if o]
    need = int(exp.get("objections_min", 3))
    fb.check(len(set(named)) >= need, "drills.group_work.ok.objection_count", "drills.group_work.objection_count",
             n=len(set(named)), min=need)
    for o in dict.fromkeys(named):
        if named.count(o) > 1:
            fb.hint("drills.group_work.objection_twice", objection=mat["objections"][o])
    voiced = [o for o in exp["objections"] if o not in named]
    fb.check(not voiced, "drills.group_work.ok.voiced", "drills.group_work.voiced_missing", n=len(voiced))
    for i, obj, resp in rows:
        label = mat["objections"][obj] if obj else Ref("drills.group_work.row", {"n": i + 1})
        if not obj:
            fb.check(False, None, "drills.group_work.objection_unnamed", n=i + 1)
        if not resp:
            fb.check(False, None, "drills.group_work.response_empty", objection=label)
            continue
        if is_placeholder(resp):
            fb.check(False, None, "drills.text.placeholder", part=label)
            continue
        if affirmed_mentions(resp, key.get("concede", []), unless=PRICE_CONTEXT):  # "不降價" is no concession
            fb.check(False, None, "drills.group_work.response_concede", objection=label)
            continue
        if obj:
            fb.check(mentions_any(resp, words.get("responses", {}).get(obj, [])), None,
                     "drills.group_work.response_off", level="hint", objection=label)
        fb.check(bool(re.search(r"\d", resp)), None, "drills.group_work.response_number", level="hint",
                 objection=label)


def _check_pitch(fb: Feedback, a: Mapping, key: Mapping, mat: Mapping) -> None:
    """The 5-minute pitch: every 5A part with its time and content, the total and each part's share."""
    exp, words, tol = key["expected"], key.get("keywords", {}), key.get("tolerance", {})
    parts = list(mat["pitch_parts"])
    pitch = as_mapping(a.get("pitch"), "pitch")
    reject_unknown_keys(pitch, parts, "pitch")
    minutes: dict[str, float] = {}
    for p in parts:
        cell = as_mapping(pitch.get(p), f"pitch.{p}")
        reject_unknown_keys(cell, ("minutes", "content"), f"pitch.{p}")
        m = as_number(cell.get("minutes"), f"pitch.{p}.minutes")
        if m is not None and m < 0:
            raise ScenarioError.at(f"pitch.{p}.minutes", "greater_than_equal", limit=0, input=number(m))
        content = as_text(cell.get("content"), f"pitch.{p}.content")
        label = mat["pitch_parts"][p]
        if not m and not content:
            fb.check(False, None, "drills.group_work.pitch_part_empty", part=label)
            continue
        if not m:
            fb.check(False, None, "drills.group_work.pitch_no_time", part=label)
        else:
            minutes[p] = m
        if not content:
            fb.check(False, None, "drills.group_work.pitch_no_content", part=label)
        elif p in words.get("pitch", {}):
            fb.check(mentions_any(content, words["pitch"][p]), None, f"drills.group_work.pitch_tip.{p}", level="hint",
                     part=label)
    fb.data["pitch"] = pd.DataFrame({"part": list(minutes), "minutes": list(minutes.values())})
    if len(minutes) == len(parts):
        total, limit = sum(minutes.values()), float(mat.get("pitch_minutes", exp["pitch_minutes"]))
        fb.check(abs(total - limit) <= float(tol.get("pitch_total", 0.25)) + 1e-9, "drills.group_work.ok.pitch_total",
                 "drills.group_work.pitch_total", total=number(total), limit=number(limit))
        off = False
        for p, (low, high) in exp.get("pitch_ranges", {}).items():
            if not float(low) - 1e-9 <= minutes[p] <= float(high) + 1e-9:
                off = True
                fb.hint(f"drills.group_work.pitch_{'long' if minutes[p] > high else 'short'}",
                        part=mat["pitch_parts"][p], minutes=number(minutes[p]))
        if not off:
            fb.check(True, "drills.group_work.ok.pitch_shares", "")
