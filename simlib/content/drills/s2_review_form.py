"""S2's monthly review talk as a drill: the "strength – improvement – action plan" form (優勢-改進點-行動計劃,
COURSE.md §4; the form itself is :class:`simlib.formulas.appraisal.ReviewForm`).

The trainee, as the manager, reads a rep's month (figures against the team's average or standard) and the
manager's notes, and writes the form: strengths, improvement points, and one action for each with a due date and
a number that shows it worked. The checker asks what a form needs to be usable in a talk — each point resting on
a fact, strengths that are strengths and gaps that are gaps, the data's largest gaps among the improvement points,
actions that are concrete, dated within the next quarter and measured — and leaves whether it is fair and
convincing to a person (a line for the trainer's review). Material and key: ``exercises/{material,keys}/
review_form.yaml``.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from simlib.content.drills.feedback import Feedback, Ref
from simlib.content.drills.inputs import as_date, as_list, as_mapping, as_text, reject_unknown_keys
from simlib.content.drills.material import key_and_material
from simlib.content.drills.text_checks import affirmed_mentions, is_placeholder, near_duplicate, vague_action
from simlib.formulas.appraisal import ReviewForm

__all__ = ["check_review_form"]


def _texts(value, path: str) -> list[str]:
    """A list of ``{text}`` rows (the form's table) or of strings, as stripped texts (blank rows dropped)."""
    out = []
    for i, item in enumerate(as_list(value, path)):
        if isinstance(item, Mapping):
            reject_unknown_keys(item, ("text",), f"{path}[{i}]")
            item = item.get("text")
        text = as_text(item, f"{path}[{i}]")
        if text:
            out.append(text)
    return out


def _facts(text: str, words: Mapping[str, list], ids: list[str]) -> set[str]:
    """The facts of ``ids`` that ``text`` speaks of (a negated mention does not count)."""
    return {f for f in ids if affirmed_mentions(text, words.get(f, []))}


def check_review_form(answer: Mapping, *, key: Mapping | None = None, material: Mapping | None = None) -> Feedback:
    """Check ``{strengths: [{text}], improvements: [{text}], actions: [{action, due, measure}]}``
    (COURSE.md §4, S2's review form); ``data`` holds the form as :class:`ReviewForm` rows when it is complete.

        >>> from simlib.content.drills.material import load_key
        >>> check_review_form(load_key("review_form")["sample_answer"]).passed
        True
        >>> fb = check_review_form({"strengths": ["很努力"], "improvements": ["多跟進"],
        ...                         "actions": [{"action": "多努力", "due": "", "measure": ""}]})
        >>> fb.passed
        False
    """
    key, _mat = key_and_material("review_form", key, material)
    a = as_mapping(answer, "")
    reject_unknown_keys(a, ("strengths", "improvements", "actions"), "")
    exp, words = key["expected"], key.get("keywords", {})
    strengths = _texts(a.get("strengths"), "strengths")
    improvements = _texts(a.get("improvements"), "improvements")
    fb = Feedback("review_form")
    seen: list[tuple[str, Ref]] = []

    def usable(text: str, part: Ref) -> bool:
        if is_placeholder(text):
            fb.check(False, None, "drills.text.placeholder", part=part)
            return False
        same = next((p for other, p in seen if near_duplicate(text, other)), None)
        if same is not None:
            fb.check(False, None, "drills.text.repeat", part=part, other=same)
            return False
        seen.append((text, part))
        return True

    # strengths and improvement points: each on a fact, each on the right side of the data
    fb.check(bool(strengths), "drills.review_form.ok.strengths", "drills.review_form.no_strength")
    for n, text in enumerate(strengths, 1):
        part = Ref("drills.review_form.part.strength", {"n": n})
        if not usable(text, part):
            continue
        good = _facts(text, words, exp["strength_facts"])
        gaps = _facts(text, words, exp["improvement_facts"])
        if not good and not re.search(r"\d", text):
            fb.check(False, None, "drills.review_form.no_fact", part=part)
        elif gaps and not good:
            fb.hint("drills.review_form.strength_is_gap", part=part)
    fb.check(bool(improvements), None, "drills.review_form.no_improvement")
    covered: set[str] = set()
    for n, text in enumerate(improvements, 1):
        part = Ref("drills.review_form.part.improvement", {"n": n})
        if not usable(text, part):
            continue
        gaps = _facts(text, words, exp["improvement_facts"])
        good = _facts(text, words, exp["strength_facts"])
        covered |= gaps
        if not gaps and not good and not re.search(r"\d", text):
            fb.check(False, None, "drills.review_form.no_fact", part=part)
        elif good and not gaps:
            fb.hint("drills.review_form.gap_is_strength", part=part)
        elif gaps == {"attainment"}:
            fb.hint("drills.review_form.result_only", part=part)
    if improvements:
        fb.check(set(exp["main_gaps"]) <= covered, "drills.review_form.ok.improvements", "drills.review_form.main_gaps")

    # the actions: concrete, dated within the quarter after the talk, measured
    window = (date.fromisoformat(exp["due"]["from"]), date.fromisoformat(exp["due"]["to"]))
    actions = []
    for i, row in enumerate(as_list(a.get("actions"), "actions")):
        row = as_mapping(row, f"actions[{i}]")
        reject_unknown_keys(row, ("action", "due", "measure"), f"actions[{i}]")
        text = as_text(row.get("action"), f"actions[{i}].action")
        due = as_date(row.get("due"), f"actions[{i}].due")
        measure = as_text(row.get("measure"), f"actions[{i}].measure")
        if text or due or measure:
            actions.append((text, due, measure))
    if improvements and len(actions) < len(improvements):
        fb.check(False, None, "drills.review_form.fewer_actions", improvements=len(improvements), actions=len(actions))
    for n, (text, due, measure) in enumerate(actions, 1):
        part = Ref("drills.review_form.part.action", {"n": n})
        if not text or not usable(text, part):
            if not text:
                fb.check(False, None, "drills.text.placeholder", part=part)
            continue
        problems = len(fb.problems)
        if vague_action(text, effort_only=True):
            fb.check(False, None, "drills.review_form.action_vague", n=n)
        if due is None:
            fb.check(False, None, "drills.review_form.no_due", n=n)
        elif not window[0] <= due <= window[1]:
            fb.check(False, None, "drills.review_form.due_outside", n=n, start=window[0].isoformat(),
                     end=window[1].isoformat())
        if not measure or is_placeholder(measure) or not re.search(r"\d", measure):
            fb.check(False, None, "drills.review_form.no_measure", n=n)
        if len(fb.problems) == problems:
            fb.check(True, "drills.review_form.ok.action", None, n=n)
    if strengths or improvements or actions:
        fb.for_review("drills.review_form.review")
    fb.passed = not fb.problems
    if fb.passed:
        form = ReviewForm.from_dict({"strengths": strengths, "improvements": improvements,
                                     "actions": [{"action": t, "due": d.isoformat(), "measure": m}
                                                 for t, d, m in actions]})
        fb.data = {"rows": len(form.table("en"))}
    return fb

