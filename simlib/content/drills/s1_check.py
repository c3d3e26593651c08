"""S1's target self-check and its four target-setting mistakes, as a drill (COURSE.md §1 and §10: the six
questions of S1's 自檢清單, the 誤區一–四 with their remedies — vague, too high or too low ("跳一跳夠得著"),
incentives not matched, process metrics ignored).

Part 1 reads a team's quarter plan against the six questions (yes / no each) and asks what the trainee would change
first; part 2 names the mistake each of six target statements makes, or none. Both parts are judged as a whole
after the answer is checked: a wrong answer points at what to read again in the material, never at the right
option; the "what I would change" text is for a person to judge (a trainer, or the trainee against the course's
remedies), the checker only refuses a placeholder. The material and the trainer's key are
``exercises/{material,keys}/target_check.yaml``.
"""
from __future__ import annotations

from collections.abc import Mapping

from simlib.content.drills.feedback import Feedback, Ref
from simlib.content.drills.inputs import as_choice, as_mapping, as_text, reject_unknown_keys
from simlib.content.drills.material import key_and_material
from simlib.content.drills.text_checks import is_placeholder, near_duplicate

__all__ = ["ANSWERS", "MISTAKES", "check_target_check"]

#: part 1's answers
ANSWERS: tuple[str, ...] = ("yes", "no")
#: part 2's options: S1's four mistakes (the second one in its two directions) and "none of them"
MISTAKES: tuple[str, ...] = ("vague", "too_high", "too_low", "incentive", "process", "sound")


def check_target_check(answer: Mapping, *, key: Mapping | None = None, material: Mapping | None = None) -> Feedback:
    """Check ``{checks: {q1: yes|no, …}, fix: text, mistakes: {s1: vague|…|sound, …}}`` (COURSE.md §10, S1).

    Passes when every question and every statement is answered rightly and the change to make is written (not a
    placeholder); ``data`` counts the right answers of each part. A question or statement answered wrongly gets a
    line saying what to read again (never the right option); a part left empty is counted, not guessed.

        >>> from simlib.content.drills.material import load_key
        >>> check_target_check(load_key("target_check")["sample_answer"]).passed
        True
        >>> fb = check_target_check({"checks": {q: "yes" for q in ("q1", "q2", "q3", "q4", "q5", "q6")}})
        >>> fb.passed, fb.done < fb.total
        (False, True)
    """
    key, mat = key_and_material("target_check", key, material)
    a = as_mapping(answer, "")
    reject_unknown_keys(a, ("checks", "fix", "mistakes"), "")
    fb = Feedback("target_check")
    exp = key["expected"]
    questions = {q["id"]: q["text"] for q in mat["questions"]}
    statements = {s["id"]: s["text"] for s in mat["statements"]}

    # part 1: the plan against the six questions
    checks = as_mapping(a.get("checks"), "checks")
    reject_unknown_keys(checks, tuple(questions), "checks")
    right_checks = 0
    for qid, text in questions.items():
        given = checks.get(qid)
        given = as_choice(given, f"checks.{qid}", list(ANSWERS)) if given not in (None, "") else None
        if given is None:
            fb.check(False, None, "drills.target_check.check_missing", question=text)
            continue
        ok = given == exp["checks"][qid]
        right_checks += ok
        fb.check(ok, "drills.target_check.ok.check", f"drills.target_check.reread.{qid}", question=text)
    given_all = [checks.get(q) for q in questions]
    if None not in given_all and "" not in given_all and len(set(given_all)) == 1:
        fb.hint("drills.target_check.same_answer")

    # the change the trainee would make first: a person judges it
    fix = as_text(a.get("fix"), "fix")
    if not fix:
        fb.check(False, None, "drills.target_check.fix_missing")
    elif is_placeholder(fix) or any(near_duplicate(fix, text) for q in questions.values()
                                    for text in (q.values() if isinstance(q, Mapping) else (q,))):
        fb.check(False, None, "drills.text.placeholder", part=Ref("drills.target_check.fix_part"))
    else:
        fb.check(True, "drills.target_check.ok.fix", None)
        fb.for_review("drills.target_check.review")

    # part 2: the mistake each statement makes
    picked = as_mapping(a.get("mistakes"), "mistakes")
    reject_unknown_keys(picked, tuple(statements), "mistakes")
    right_mistakes = 0
    for n, (sid, text) in enumerate(statements.items(), 1):
        given = picked.get(sid)
        given = as_choice(given, f"mistakes.{sid}", list(MISTAKES)) if given not in (None, "") else None
        label = Ref("drills.target_check.statement", {"n": n})
        if given is None:
            fb.check(False, None, "drills.target_check.mistake_missing", statement=label)
            continue
        truth = exp["mistakes"][sid]
        ok = given == truth
        right_mistakes += ok
        fb.check(ok, "drills.target_check.ok.mistake", f"drills.target_check.look.{truth}", statement=label)
    chosen = [picked.get(s) for s in statements if picked.get(s)]
    if len(chosen) == len(statements) and len(set(chosen)) == 1:
        fb.hint("drills.target_check.one_kind")

    fb.data = {"checks_right": right_checks, "checks": len(questions), "mistakes_right": right_mistakes,
               "statements": len(statements)}
    fb.passed = not fb.problems
    return fb
