"""The course's drills with immediate feedback (COURSE.md §9): one checker per drill, answer keys for
trainers only.

Each checker takes a trainee's answer (a plain dict, as an app or a notebook collects it) and
returns a :class:`Feedback`: items ``(level, key, params)`` — ``ok``, ``hint`` or ``problem`` — that
:meth:`Feedback.lines` renders in 繁體中文, 简体中文 or English from the catalog
(``simlib/locales/drills.<lang>.yaml``), a score (done / total checks) and ``passed``::

    >>> fb = check_okr_scoring({"scores": {"kr1": 0.7, "kr2": 0.86, "kr3": 1.0}, "objective": 0.85})
    >>> fb.passed, fb.done, fb.total
    (False, 2, 4)
    >>> print("\\n".join(fb.lines("en")))
    Key result "Social-media followers +30 %": right.
    Key result "Engagement of 18–25s +25 %": that looks like actual ÷ target. Score the progress from the baseline to the target instead.
    Key result "Brand mentions in the target group +40 %": right.
    The objective's score follows from the key results: correct those first.

The feedback points at what is missing or wrong and never states the expected answer. The
expected answers, tolerances and sample answers live in ``exercises/keys/<drill>.yaml`` and are read
only by :func:`load_key` — inside the checkers, never handed to a page. What a trainee may see (the
background data, the sample pitch, the account list, the objection scenario) is in
``exercises/material/<drill>.yaml`` (:func:`load_material`), in the three languages.

The drills (COURSE.md §9): ``smart_target`` (S1 drill 01), ``decomposition`` (S1 drill 02),
``mid_quarter_review`` (S1 drill 03, simulated), ``self_check``, ``pitch_scoring`` and
``improvement_plan`` (S3), ``screening_341``, ``abc_tiering``, ``coin_feedback`` and ``okr_scoring``
(S0), ``objection_handling`` (LAER, S3; the 5A method's objection steps, S0) and ``group_work`` (S3's
60-minute group work: persona, competition, strategy, objections, a 5-minute pitch). Bad input (a text where
a number belongs, an unknown option) raises :class:`simlib.ScenarioError` naming the field, with
its own ``error.drills_*`` messages; an incomplete answer is feedback, not an error.

The modules, by deck and concept (their public names are re-exported here, so that
``from simlib.content.drills import check_smart_target`` works):

- :mod:`~simlib.content.drills.feedback` — :class:`Feedback`, :class:`FeedbackItem`, :class:`Ref`, the
  :data:`LEVELS`;
- :mod:`~simlib.content.drills.material` — the drills by name (:data:`DRILLS`), :func:`load_key`,
  :func:`load_material`, :func:`localize`, a material's scenario file;
- :mod:`~simlib.content.drills.inputs` — reading a trainee's answer (mappings, lists, texts, numbers, ranges,
  options, dates), bad input as an error naming the field;
- :mod:`~simlib.content.drills.text_checks` — what free text must be before a keyword counts: not a placeholder,
  not another field again, a negation read as one, a next step that names an action;
- :mod:`~simlib.content.drills.s1_targets` — S1 drill 01 (a SMART target) and drill 02 (the decomposition);
- :mod:`~simlib.content.drills.s1_check` — S1's target self-check (six questions) and its four target-setting
  mistakes;
- :mod:`~simlib.content.drills.s2_review_form` — S2's monthly review form (strength, improvement, action);
- :mod:`~simlib.content.drills.s1_review` — S1 drill 03, the mid-quarter review: :func:`review_dashboard`,
  :func:`diagnose_review`, :func:`project_quarter` with the trainee's fixes;
- :mod:`~simlib.content.drills.s3` — S3's self-check sheet, pitch scoring and 30-day improvement plan;
- :mod:`~simlib.content.drills.s3_group_work` — S3's group work and :func:`payback_months`;
- :mod:`~simlib.content.drills.s0` — S0's "341" screening, A/B/C tiering, COIN feedback and OKR scoring;
- :mod:`~simlib.content.drills.skills` — objection handling (LAER, the 5A method's objection steps, §7);
- this module — the registry of checkers (:data:`CHECKERS`) and :func:`check`, which dispatches to them.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from simlib.base.paths import exercises_dir
from simlib.base.schema import ScenarioError
from simlib.content.drills.feedback import LEVELS, Feedback, FeedbackItem, Ref
from simlib.content.drills.material import DRILLS, load_key, load_material, localize
from simlib.content.drills.s0 import (
    check_abc_tiering,
    check_coin_feedback,
    check_okr_scoring,
    check_screening_341,
)
from simlib.content.drills.s1_check import check_target_check
from simlib.content.drills.s1_review import (
    check_mid_quarter_review,
    diagnose_review,
    project_quarter,
    review_dashboard,
)
from simlib.content.drills.s1_targets import check_decomposition, check_smart_target
from simlib.content.drills.s2_review_form import check_review_form
from simlib.content.drills.s3 import check_improvement_plan, check_pitch_scoring, check_self_check
from simlib.content.drills.s3_group_work import check_group_work, payback_months
from simlib.content.drills.skills import check_objection_handling

__all__ = [
    "CHECKERS",
    "DRILLS",
    "LEVELS",
    "Feedback",
    "FeedbackItem",
    "Ref",
    "check",
    "check_abc_tiering",
    "check_coin_feedback",
    "check_decomposition",
    "check_group_work",
    "check_improvement_plan",
    "check_mid_quarter_review",
    "check_objection_handling",
    "check_okr_scoring",
    "check_pitch_scoring",
    "check_review_form",
    "check_screening_341",
    "check_self_check",
    "check_smart_target",
    "check_target_check",
    "diagnose_review",
    "exercises_dir",
    "load_key",
    "load_material",
    "localize",
    "payback_months",
    "project_quarter",
    "review_dashboard",
]

CHECKERS: dict[str, Callable[..., Feedback]] = {
    "smart_target": check_smart_target,
    "decomposition": check_decomposition,
    "mid_quarter_review": check_mid_quarter_review,
    "target_check": check_target_check,
    "self_check": check_self_check,
    "pitch_scoring": check_pitch_scoring,
    "improvement_plan": check_improvement_plan,
    "review_form": check_review_form,
    "screening_341": check_screening_341,
    "abc_tiering": check_abc_tiering,
    "coin_feedback": check_coin_feedback,
    "okr_scoring": check_okr_scoring,
    "objection_handling": check_objection_handling,
    "group_work": check_group_work,
}
"""Each drill of :data:`DRILLS` and its checker."""


def check(drill: str, answer: Mapping, **kwargs: Any) -> Feedback:
    """Check ``answer`` with ``drill``'s checker (``kwargs`` go to it).

        >>> check("abc_tiering", {"tiers": {"a1": "A"}}).passed
        False
    """
    if drill not in CHECKERS:
        raise ScenarioError.at("drill", "choice", expected=", ".join(DRILLS), input=repr(drill))
    return CHECKERS[drill](answer, **kwargs)
