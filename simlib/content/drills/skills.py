"""Selling skills (COURSE.md §7): handling a customer's objection with LAER (S3: listen, acknowledge, explore,
respond) or the 5A method's four objection steps (S0: listen, confirm, respond, verify).

The checker looks at the steps' presence and order, what each step's text does (the key's words for it, in any of
the three languages — never shown), and the two classic slips: conceding on price before the value is made
(S3's sandwich) and a response without a fact or a number.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from simlib.content.drills.feedback import Feedback
from simlib.content.drills.inputs import (
    as_choice,
    as_list,
    as_mapping,
    as_text,
    mentions_any,
    reject_unknown_keys,
)
from simlib.content.drills.material import key_and_material

__all__ = ["check_objection_handling"]


def check_objection_handling(answer: Mapping, *, key: Mapping | None = None,
                             material: Mapping | None = None) -> Feedback:
    """Handling an objection with LAER (S3) or the 5A method's four objection steps (S0) (COURSE.md §7).

    ``answer``: ``{model: laer | four_step, steps: [{step, text}, …]}`` in the order the trainee
    would use them. Checked: each of the model's steps present once, in the model's order (a wrong
    order names two steps that are swapped, not the whole order), each step's text does that step's
    job (the key's words for it, in any of the three languages — never shown), no conceding on price
    before the value is made (S3's sandwich), and a fact with a number in the response. Passed: no
    problem.
    """
    key, mat = key_and_material("objection_handling", key, material)
    a = as_mapping(answer, "answer")
    reject_unknown_keys(a, ("model", "steps"), "")
    models = list(key["models"])
    model = as_choice(a.get("model"), "model", models)
    order = list(key["models"][model]["order"])
    labels = mat["models"][model]["steps"]
    fb = Feedback("objection_handling")
    steps: list[tuple[str, str]] = []
    for i, s in enumerate(as_list(a.get("steps"), "steps")):
        s = as_mapping(s, f"steps[{i}]")
        reject_unknown_keys(s, ("step", "text"), f"steps[{i}]")
        steps.append((as_choice(s.get("step"), f"steps[{i}].step", list(labels)),
                      as_text(s.get("text"), f"steps[{i}].text")))
    names = [s for s, _ in steps]
    for s in dict.fromkeys(names):
        if names.count(s) > 1:
            fb.problem("drills.objection_handling.duplicate", step=labels[s])
    missing = [s for s in order if s not in names]
    for s in missing:
        fb.problem("drills.objection_handling.missing", step=labels[s])
    fb.check(not missing, "drills.objection_handling.ok.steps", "drills.objection_handling.steps_incomplete",
             level="hint", n=len(order) - len(missing), total=len(order))
    seq = list(dict.fromkeys(names))
    want = [s for s in order if s in seq]
    if seq != want:
        first = next(i for i, (x, y) in enumerate(zip(seq, want, strict=True)) if x != y)
        fb.check(False, None, "drills.objection_handling.order", early=labels[seq[first]], late=labels[want[first]])
    elif len(seq) > 1:
        fb.check(True, "drills.objection_handling.ok.order", "")
    words = key.get("keywords", {})
    for s, text in steps:
        if not text:
            fb.check(False, None, "drills.objection_handling.empty", step=labels[s])
        else:
            fb.check(mentions_any(text, words.get(s, [])), None, f"drills.objection_handling.tip.{s}", level="hint",
                     step=labels[s])
    respond = " ".join(text for s, text in steps if s == "respond")
    all_text = " ".join(text for _, text in steps)
    if mentions_any(all_text, key.get("concede", [])):
        fb.check(False, None, "drills.objection_handling.concede")
    if respond and key.get("respond_needs_number", True):
        fb.check(bool(re.search(r"\d", respond)), None, "drills.objection_handling.respond_number", level="hint")
    fb.passed = not fb.problems
    return fb
