"""Appraisal and feedback (COURSE.md §4), one concept a module:

- :mod:`~simlib.formulas.appraisal.score` — weighted appraisal scores with the decks' weights (S3 60/20/10/10,
  S0 70/30) and the grade bands: :func:`appraisal_score`, :func:`grade`;
- :mod:`~simlib.formulas.appraisal.pitch` — the S3 product-pitch rubric: :func:`score_pitches`;
- :mod:`~simlib.formulas.appraisal.feedback` — COIN feedback (S0) and the S2 review form with its action
  items: :class:`CoinFeedback`, :class:`ReviewForm`;
- :mod:`~simlib.formulas.appraisal.self_check_sheet` — the S3 weekly self-check sheet: :func:`self_check`;
- :mod:`~simlib.formulas.appraisal.pip` — the S0 performance-improvement plan (PIP): :class:`PipPlan`,
  :class:`PipRules`, :func:`evaluate_pip`;
- :mod:`~simlib.formulas.appraisal.sheets` — the rows handed in (judges' sheets, weekly check-ins) as dicts.

Pure functions and pydantic models — no simulation, no widgets. Bad input raises
:class:`simlib.ScenarioError` naming the field, in the reader's language; nothing is silently fixed::

    >>> from simlib import ScenarioError
    >>> r = appraisal_score({"results": 82, "process": 90, "capability": 70, "teamwork": 85})   # S3 60/20/10/10
    >>> r.score, r.grade, r.focus
    (82.7, 'B', 'results')
    >>> appraisal_score({"quantitative": 88, "qualitative": 70}, weights="s0").score           # S0 70/30
    82.6
    >>> try:
    ...     appraisal_score({"a": 80, "b": 90}, weights={"a": 0.5, "b": 0.4})
    ... except ScenarioError as err:
    ...     print(err.message("en")); print(err.message("zh-Hant"))
    weights: the weights add up to 0.9, not 1 (100 %).
    weights：權重合計為 0.9，而不是 1（100%）。

Every text a trainee reads (tables, feedback lines, hints) comes from the catalog
``simlib/locales/appraisal.<lang>.yaml`` in 繁體中文, 简体中文 and English. The public names of the modules
are re-exported here: ``from simlib.formulas.appraisal import appraisal_score``.
"""
from simlib.base.records import validate_record
from simlib.formulas.appraisal.feedback import (
    COIN_PARTS,
    NUMBER_RE,
    TIME_RE,
    ActionItem,
    CoinFeedback,
    CoinHint,
    ReviewForm,
)
from simlib.formulas.appraisal.pip import PipOutcome, PipPlan, PipResult, PipRules, evaluate_pip
from simlib.formulas.appraisal.pitch import PITCH_RUBRIC, PitchResults, score_pitches
from simlib.formulas.appraisal.score import (
    GRADE_BANDS,
    WEIGHT_PRESETS,
    AppraisalResult,
    appraisal_score,
    grade,
)
from simlib.formulas.appraisal.self_check_sheet import SELF_CHECK_TARGETS, SelfCheck, self_check

__all__ = [
    "COIN_PARTS",
    "GRADE_BANDS",
    "NUMBER_RE",
    "PITCH_RUBRIC",
    "SELF_CHECK_TARGETS",
    "TIME_RE",
    "WEIGHT_PRESETS",
    "ActionItem",
    "AppraisalResult",
    "CoinFeedback",
    "CoinHint",
    "PipOutcome",
    "PipPlan",
    "PipResult",
    "PipRules",
    "PitchResults",
    "ReviewForm",
    "SelfCheck",
    "appraisal_score",
    "evaluate_pip",
    "grade",
    "score_pitches",
    "self_check",
    "validate_record",   # simlib.base.records's, re-exported for the appraisal forms
]
