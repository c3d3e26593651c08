"""Selling skills (COURSE.md §7): handling a customer's objection with LAER (S3: listen, acknowledge, explore,
respond) or the 5A method's four objection steps (S0: listen, confirm, respond, verify).

The checker looks at the steps' presence and order, what each step's text does (the key's words for it, in any of
the three languages — never shown), and the two classic slips: conceding on price before the value is made
(S3's sandwich) and a response without a fact or a number. Words alone never make a step right: a placeholder
("x", "同上") or a step that repeats another is a problem, a refusal ("我們不降價", "no discount") or the rival's
price ("A 公司便宜 15 %") is not a concession (:mod:`~simlib.content.drills.text_checks`), and how the answer would
sound to the customer is left to the trainer.
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
from simlib.content.drills.text_checks import affirmed_mentions, is_placeholder, near_duplicate

__all__ = ["check_objection_handling"]

#: a price word in a clause with one of these speaks of the rival's price or of the total cost, not of a cut of
#: one's own (COURSE.md §7: 李明's talk moves from the sticker price to stability, service and TCO)
PRICE_CONTEXT = ("a 公司", "a公司", "company a", "competitor", "rival", "對手", "对手", "競品", "竞品", "他們的",
                 "他们的", "their price", "their quote", "總成本", "总成本", "總擁有成本", "总拥有成本", "tco",
                 "total cost")


def check_objection_handling(answer: Mapping, *, key: Mapping | None = None,
                             material: Mapping | None = None) -> Feedback:
    """Handling an objection with LAER (S3) or the 5A method's four objection steps (S0) (COURSE.md §7).

    ``answer``: ``{model: laer | four_step, steps: [{step, text}, …]}`` in the order the trainee
    would use them. Checked: each of the model's steps present once, in the model's order (a wrong
    order names two steps that are swapped, not the whole order), each step's text an answer (not a
    placeholder, not another step's text again), each step's text does that step's job (the key's words for
    it, in any of the three languages — never shown; a response without the situation's facts is a problem,
    another step without its words a hint), no conceding on price before the value is made (S3's sandwich; a
    refused cut or the rival's price is no concession: :data:`PRICE_CONTEXT`), and a fact with a number in the
    response. A last line leaves how it sounds to the trainer. Passed: no problem.
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
            fb.check(False, None, "drills.objection_handling.duplicate", step=labels[s])
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
    real: list[tuple[str, str]] = []          # (step, text) of the steps whose text is an answer
    for s, text in steps:
        if not text:
            fb.check(False, None, "drills.objection_handling.empty", step=labels[s])
            continue
        same = next((o for o, other in real if near_duplicate(text, other)), None)
        if is_placeholder(text):
            fb.check(False, None, "drills.text.placeholder", part=labels[s])
        elif same is not None:
            fb.check(False, None, "drills.text.repeat", part=labels[s], other=labels[same])
        else:
            real.append((s, text))
        fb.check(mentions_any(text, words.get(s, [])), None, f"drills.objection_handling.tip.{s}",
                 level="problem" if s == "respond" and (s, text) in real else "hint", step=labels[s])
    respond = " ".join(text for s, text in real if s == "respond")
    all_text = "\n".join(text for _, text in steps if text)
    if affirmed_mentions(all_text, key.get("concede", []), unless=PRICE_CONTEXT):
        fb.check(False, None, "drills.objection_handling.concede")
    if respond and key.get("respond_needs_number", True):
        fb.check(bool(re.search(r"\d", respond)), None, "drills.objection_handling.respond_number", level="hint")
    if real:
        fb.for_review("drills.objection_handling.review")
    fb.passed = not fb.problems
    return fb
