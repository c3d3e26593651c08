"""S3's drills on a rep's own work (COURSE.md §4, §9): the weekly self-check sheet filled from a week's CRM log,
judging the product-pitch contest with the rubric, and the 30-day personal improvement plan.

The sheets and scores come from :mod:`simlib.formulas.appraisal` (:func:`~simlib.formulas.appraisal.self_check`,
:func:`~simlib.formulas.appraisal.score_pitches`), the targets' SMART check from
:func:`simlib.formulas.smart.smart_check`; a trainee's figure is compared with the key's within its tolerance and
the hint names the row or criterion, never the expected value. S3's group work has a module of its own
(:mod:`simlib.content.drills.s3_group_work`).
"""
from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise

import numpy as np

from simlib.base.fmt import number
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
from simlib.formulas.appraisal import NUMBER_RE, PITCH_RUBRIC, TIME_RE, score_pitches, self_check
from simlib.formulas.smart import smart_check

__all__ = ["check_improvement_plan", "check_pitch_scoring", "check_self_check"]


# ---------------------------------------------------------------------------------------------
# S3: the weekly self-check sheet
# ---------------------------------------------------------------------------------------------
_SHARE_ROWS = ("satisfaction",)


def check_self_check(answer: Mapping, *, key: Mapping | None = None, material: Mapping | None = None) -> Feedback:
    """S3's weekly self-check sheet (COURSE.md §4, §9 drill 6), filled from a week's CRM log.

    ``answer``: ``{actuals: {row: number}, completion: {row: share} (optional), behind: [rows],
    focus: row, action: text}``. Checked: each actual against the log (recount hints name the row,
    not the number), the trainee's completion = actual ÷ target, the rows behind (from the trainee's
    own actuals, :func:`simlib.formulas.appraisal.self_check`), the focus row among them, and an action with a
    number and a time (a placeholder action — "x", "同上" — is a problem, an action that only asks for effort a
    hint: :mod:`~simlib.content.drills.text_checks`). Passed: no problem. ``data["sheet"]``: the sheet from the
    trainee's actuals.
    """
    key, mat = key_and_material("self_check", key, material)
    a = as_mapping(answer, "answer")
    reject_unknown_keys(a, ("actuals", "completion", "behind", "focus", "action"), "")
    targets = {k: float(v) for k, v in mat["targets"].items()}
    rows = list(targets)

    def row_label(r: str) -> Ref:
        return Ref(f"appraisal.selfcheck.item.{r}")

    fb = Feedback("self_check")
    actuals_in = as_mapping(a.get("actuals"), "actuals")
    reject_unknown_keys(actuals_in, rows, "actuals")
    actuals = {r: as_number(actuals_in.get(r), f"actuals.{r}") for r in rows}
    exp = key["expected"]["actuals"]
    tol = key.get("tolerance", {})
    complete = True
    for r in rows:
        v = actuals[r]
        if v is None:
            complete = False
            fb.check(False, None, "drills.self_check.missing_row", row=row_label(r))
            continue
        if v < 0:
            raise ScenarioError.at(f"actuals.{r}", "greater_than_equal", limit=0, input=number(v))
        if r in _SHARE_ROWS and v > 1:
            complete = False
            fb.check(False, None, "drills.self_check.share", row=row_label(r))
            continue
        t_r = float(tol.get(r, tol.get("actual", 0)))
        fb.check(abs(v - float(exp[r])) <= t_r + 1e-9, None, "drills.self_check.recount", row=row_label(r))
    if fb.done == len(rows):
        fb.ok("drills.self_check.ok.actuals")
    if not complete:
        fb.passed = False
        return fb
    sheet = self_check(actuals, targets)
    fb.data["sheet"] = sheet.rows
    comp = dict(zip(sheet.rows["item"], sheet.rows["completion"], strict=True))
    given = as_mapping(a.get("completion"), "completion")
    reject_unknown_keys(given, rows, "completion")
    ctol = float(tol.get("completion", 0.01))
    wrong_comp = 0
    for r, v in given.items():
        x = as_number(v, f"completion.{r}")
        if x is None:
            continue
        if x > 1.5 and x <= 150 and abs(x / 100 - comp[r]) <= ctol:
            x = x / 100          # written in percent: the same number
        if abs(x - comp[r]) > ctol + 1e-9:
            wrong_comp += 1
            fb.problem("drills.self_check.completion_wrong", row=row_label(r))
    if given:
        fb.check(wrong_comp == 0, "drills.self_check.ok.completion", "drills.self_check.completion_rule", level="hint")
    behind_in = [as_choice(r, f"behind[{i}]", rows) for i, r in enumerate(as_list(a.get("behind"), "behind"))]
    own = sheet.behind
    missed = [r for r in own if r not in behind_in]
    extra = [r for r in dict.fromkeys(behind_in) if r not in own]
    for r in extra:
        fb.problem("drills.self_check.not_behind", row=row_label(r))
    if missed:
        fb.problem("drills.self_check.behind_missed", n=len(missed))
    fb.check(not missed and not extra, "drills.self_check.ok.behind", "drills.self_check.behind_rule", level="hint")
    focus = a.get("focus")
    if focus in (None, ""):
        fb.check(False, None, "drills.self_check.no_focus")
    else:
        focus = as_choice(focus, "focus", rows)
        if focus not in own:
            fb.check(False, None, "drills.self_check.focus_not_behind", row=row_label(focus))
        else:
            lowest = min(comp[r] for r in own)
            fb.check(comp[focus] <= lowest + 1e-9, "drills.self_check.ok.focus", "drills.self_check.focus_not_lowest",
                     level="hint", row=row_label(focus))
    action = as_text(a.get("action"), "action")
    if not action:
        fb.check(False, None, "drills.self_check.no_action")
    elif is_placeholder(action):
        fb.check(False, None, "drills.text.placeholder", part=Ref("drills.text.part.action"))
    else:
        concrete = bool(NUMBER_RE.search(action)) and bool(TIME_RE.search(action)) and not vague_action(action)
        fb.check(concrete, "drills.self_check.ok.action", "drills.self_check.action_vague", level="hint")
    fb.passed = not fb.problems
    return fb


# ---------------------------------------------------------------------------------------------
# S3: scoring the pitch contest
# ---------------------------------------------------------------------------------------------
def check_pitch_scoring(answer: Mapping, *, key: Mapping | None = None, material: Mapping | None = None) -> Feedback:
    """S3's product-pitch contest (COURSE.md §4, §9 drill 5): a trainee judges the sample pitch.

    ``answer``: ``{scores: {accuracy, clarity, value, qa, presence}, weakest (optional)}``; scores are
    validated by :func:`simlib.formulas.appraisal.score_pitches` (0 to each criterion's maximum). Each score is
    compared with the trainers' panel within the key's tolerance: outside it, the hint says "more
    generous" or "stricter than the panel" and repeats the rubric's standard — never the panel's
    score. Passed: every criterion within tolerance and the weakest criterion found.
    """
    key, mat = key_and_material("pitch_scoring", key, material)
    a = as_mapping(answer, "answer")
    reject_unknown_keys(a, ("scores", "weakest"), "")
    rubric = {c: float(v["max"]) for c, v in mat["rubric"].items()} if "rubric" in mat else dict(PITCH_RUBRIC)
    scores = as_mapping(a.get("scores"), "scores")
    reject_unknown_keys(scores, list(rubric), "scores")
    blank = [c for c in rubric if scores.get(c) in (None, "")]
    if blank:
        fb = Feedback("pitch_scoring")
        for c in blank:
            fb.check(False, None, "drills.pitch_scoring.missing", criterion=Ref(f"appraisal.pitch.criterion.{c}"))
        return fb
    try:
        res = score_pitches([{"contestant": "sample", **scores}], rubric)
    except ScenarioError as err:     # name the field as the answer does: scores.<criterion>
        raise ScenarioError([Issue(i.path.replace("sheets[0].", "scores."), i.code, i.params)
                             for i in err.issues]) from None
    exp, tol = key["expected"]["scores"], key.get("tolerance", {})
    fb = Feedback("pitch_scoring")
    row = res.ranking.iloc[0]
    for c in rubric:
        crit = Ref(f"appraisal.pitch.criterion.{c}")
        diff = float(row[c]) - float(exp[c])
        tl = float(tol.get(c, 3))
        if abs(diff) <= tl + 1e-9:
            fb.check(True, "drills.pitch_scoring.close", "", criterion=crit)
        else:
            fb.check(False, None, "drills.pitch_scoring.too_generous" if diff > 0 else "drills.pitch_scoring.too_strict",
                     criterion=crit, standard=mat["rubric"][c]["standard"])
    total_diff = float(row["total"]) - sum(float(exp[c]) for c in rubric)
    if abs(total_diff) > float(key.get("total_tolerance", 8)) + 1e-9:
        fb.hint("drills.pitch_scoring.total_high" if total_diff > 0 else "drills.pitch_scoring.total_low",
                total=number(float(row["total"])))
    weakest = a.get("weakest")
    mine = [as_choice(weakest, "weakest", list(rubric))] if weakest not in (None, "") else res.weakest("sample")
    fb.check(key["expected"]["weakest"] in mine, "drills.pitch_scoring.ok.weakest", "drills.pitch_scoring.weakest_wrong",
             criterion=[Ref(f"appraisal.pitch.criterion.{c}") for c in mine])
    fb.passed = not fb.problems
    return fb


# ---------------------------------------------------------------------------------------------
# S3: the 30-day improvement plan
# ---------------------------------------------------------------------------------------------
_TARGET_KINDS = ("result", "process", "capability")
#: S3 (COURSE.md §9 drill 6): "1–2 core and 2–3 supporting targets" — core = result targets, supporting =
#: process and capability targets; so at most 5 in all
S3_CORE_TARGETS = (1, 2)
S3_SUPPORTING_TARGETS = (2, 3)


def check_improvement_plan(answer: Mapping, *, key: Mapping | None = None,
                           material: Mapping | None = None) -> Feedback:
    """S3's 30-day personal improvement plan (COURSE.md §9 drill 6).

    ``answer``: ``{phases: {analysis|targets|plan|execution|review: {days: [first, last], actions:
    [text]}}, targets: [{kind: result|process|capability, text}]}``. Checked: every part present
    with actions, days inside 1–30 covering each day once in the parts' order, each part's span
    against S3's rhythm, what the analysis, execution and review parts contain (data; a daily log and
    weekly check; before/after comparison), the number of targets — from the key's minimum up to S3's 1–2
    core plus 2–3 supporting ones, 5 in all (a key may allow more, never fewer); a mix other than S3's is a
    hint —, each specific, measurable and time-bound (:func:`simlib.formulas.smart.smart_check`), with a result
    and a process target.
    Free text is never right on its words alone: a placeholder action or target ("x", "同上") and a part or target
    that repeats another are problems (:mod:`~simlib.content.drills.text_checks`), and whether the plan fits the
    rep is left to the trainer (a review line). Passed: no problem.
    """
    key, mat = key_and_material("improvement_plan", key, material)
    a = as_mapping(answer, "answer")
    reject_unknown_keys(a, ("phases", "targets"), "")
    order = list(mat["phases"])
    days_total = int(mat.get("days", 30))
    phases = as_mapping(a.get("phases"), "phases")
    reject_unknown_keys(phases, order, "phases")
    fb = Feedback("improvement_plan")
    spans: dict[str, tuple[int, int]] = {}
    texts: dict[str, str] = {}
    real: dict[str, str] = {}          # the parts' texts without a placeholder among their actions
    for p in order:
        lab = mat["phases"][p]
        if p not in phases:
            fb.problem("drills.improvement_plan.phase_missing", phase=lab)
            continue
        ph = as_mapping(phases[p], f"phases.{p}")
        reject_unknown_keys(ph, ("days", "actions"), f"phases.{p}")
        days = [as_number(x, f"phases.{p}.days[{i}]") for i, x in enumerate(as_list(ph.get("days"), f"phases.{p}.days"))]
        actions = [as_text(x, f"phases.{p}.actions[{i}]")
                   for i, x in enumerate(as_list(ph.get("actions"), f"phases.{p}.actions"))]
        actions = [x for x in actions if x]
        texts[p] = " ".join(actions)
        if any(is_placeholder(x) for x in actions):
            fb.problem("drills.text.placeholder", part=lab)
        else:
            real[p] = texts[p]
        good_days = (len(days) == 2 and all(d is not None and float(d).is_integer() and 1 <= d <= days_total
                                            for d in days) and days[0] <= days[1])
        if not good_days:
            fb.problem("drills.improvement_plan.days_invalid", phase=lab, days=days_total)
        else:
            spans[p] = (int(days[0]), int(days[1]))
        if not actions:
            fb.problem("drills.improvement_plan.phase_empty", phase=lab)
    written = [p for p in order if real.get(p)]
    for i, p in enumerate(written):
        same = next((q for q in written[:i] if near_duplicate(real[p], real[q])), None)
        if same is not None:
            fb.problem("drills.text.repeat", part=mat["phases"][p], other=mat["phases"][same])
    fb.check(not fb.problems, "drills.improvement_plan.ok.parts", "drills.improvement_plan.parts", level="hint")
    # the calendar: each day once, in the parts' order
    if len(spans) == len(order):
        count = np.zeros(days_total + 1, dtype=int)
        for lo, hi in spans.values():
            count[lo:hi + 1] += 1
        gaps = [d for d in range(1, days_total + 1) if count[d] == 0]
        overlaps = [d for d in range(1, days_total + 1) if count[d] > 1]
        in_order = all(spans[p][0] > spans[q][1] for q, p in pairwise(order))
        if gaps:
            fb.problem("drills.improvement_plan.days_gap", days=_day_list(gaps))
        if overlaps:
            fb.problem("drills.improvement_plan.days_overlap", days=_day_list(overlaps))
        if not in_order and not overlaps:
            fb.problem("drills.improvement_plan.days_order")
        fb.check(not gaps and not overlaps and in_order, "drills.improvement_plan.ok.calendar",
                 "drills.improvement_plan.calendar")
        exp = key["expected"]["days"]
        off = [p for p in order if list(spans[p]) != [int(x) for x in exp[p]]]
        for p in off:
            fb.hint("drills.improvement_plan.span", phase=mat["phases"][p])
        fb.check(not off, "drills.improvement_plan.ok.rhythm", "drills.improvement_plan.rhythm", level="hint")
    for p, words in key.get("keywords", {}).items():
        if texts.get(p):
            fb.check(mentions_any(texts[p], words), None, f"drills.improvement_plan.content.{p}", level="hint")
    # the targets
    targets = as_list(a.get("targets"), "targets")
    cnt = key["expected"].get("targets_count", {"min": 2, "max": 3})
    lo = int(cnt.get("min", 2))
    hi = max(int(cnt.get("max", 0)), S3_CORE_TARGETS[1] + S3_SUPPORTING_TARGETS[1])
    fits = lo <= len(targets) <= hi
    fb.check(fits, "drills.improvement_plan.ok.target_count", "drills.improvement_plan.target_count",
             n=len(targets), min=lo, max=hi)
    kinds: list[str] = []
    seen: list[tuple[int, str]] = []
    for i, tg in enumerate(targets):
        tg = as_mapping(tg, f"targets[{i}]")
        reject_unknown_keys(tg, ("kind", "text"), f"targets[{i}]")
        kinds.append(as_choice(tg.get("kind", "result"), f"targets[{i}].kind", list(_TARGET_KINDS)))
        text = as_text(tg.get("text"), f"targets[{i}].text")
        label = Ref("drills.improvement_plan.target_label", {"n": i + 1})
        if not text:
            fb.check(False, None, "drills.improvement_plan.target_empty", n=i + 1)
            continue
        if is_placeholder(text):
            fb.check(False, None, "drills.text.placeholder", part=label)
            continue
        same = next((j for j, other in seen if near_duplicate(text, other)), None)
        seen.append((i, text))
        if same is not None:
            fb.check(False, None, "drills.text.repeat", part=label,
                     other=Ref("drills.improvement_plan.target_label", {"n": same + 1}))
            continue
        rep = smart_check(text)
        lacking = [Ref(f"smart.criterion.{c}") for c in ("specific", "measurable", "time_bound") if not rep[c]]
        fb.check(not lacking, "drills.improvement_plan.ok.target", "drills.improvement_plan.target_not_smart",
                 n=i + 1, missing=lacking)
    if targets:
        fb.check({"result", "process"} <= set(kinds), None, "drills.improvement_plan.target_kinds", level="hint")
    if fits:
        core = kinds.count("result")
        supporting = len(kinds) - core
        fb.check(S3_CORE_TARGETS[0] <= core <= S3_CORE_TARGETS[1]
                 and S3_SUPPORTING_TARGETS[0] <= supporting <= S3_SUPPORTING_TARGETS[1], None,
                 "drills.improvement_plan.target_mix", level="hint", core=core, supporting=supporting)
    if real or seen:
        fb.for_review("drills.improvement_plan.review")
    fb.passed = not fb.problems
    return fb


def _day_list(days: list[int]) -> str:
    """Days as ranges.

        >>> _day_list([4, 5, 6, 9])
        '4–6, 9'
    """
    runs: list[list[int]] = []
    for d in days:
        if runs and d == runs[-1][1] + 1:
            runs[-1][1] = d
        else:
            runs.append([d, d])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)
