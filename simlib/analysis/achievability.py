"""How likely a target is, simulated (COURSE.md §1, SMART's "A"): the share of seeded replications of a
scenario that reach it, with a Wilson interval — and the SMART check with that probability in it."""
from __future__ import annotations

import math
from typing import Any

from simlib.analysis.simulation import replicate
from simlib.base.schema import Issue, ScenarioError
from simlib.formulas import smart
from simlib.formulas.smart import ACHIEVABLE_AT, TOO_EASY_ABOVE, SmartReport, wilson_interval

__all__ = ["ACHIEVABLE_AT", "TOO_EASY_ABOVE", "achievability", "smart_check"]


def achievability(scenario: Any, target: float, metric: str = "revenue", n: int = 200, seed: int = 0,
                  workers: int = 1, progress: Any = None) -> dict:
    """Probability that ``metric`` reaches ``target`` over ``n`` seeded replications, with a 95 %
    Wilson interval: ``{"probability", "low", "high", "n", "mean", "target", "metric"}``.
    ``progress(done, total)`` is called as replications finish (an app's progress bar). A target is
    judged achievable at a probability of :data:`ACHIEVABLE_AT` or more, too easy above
    :data:`TOO_EASY_ABOVE`."""
    if metric not in ("revenue", "won"):
        raise ScenarioError([Issue("metric", "choice", {"expected": "revenue, won", "input": metric})])
    if isinstance(target, bool) or not isinstance(target, (int, float)) or not math.isfinite(target) or target < 0:
        raise ScenarioError([Issue("target", "greater_than_equal", {"limit": 0, "input": target})])
    df = replicate(scenario, n=n, seed=seed, workers=workers, progress=progress)
    hits = int((df[metric] >= target).sum())
    lo, hi = wilson_interval(hits, n)
    return {"probability": hits / n, "low": lo, "high": hi, "n": n, "mean": float(df[metric].mean()),
            "target": float(target), "metric": metric}


def smart_check(text: str, lang: str | None = None, *, scenario: Any = None, target: float | None = None,
                metric: str = "revenue", priorities: list[str] | None = None, n: int = 200,
                seed: int = 0) -> SmartReport:
    """:func:`simlib.formulas.smart.smart_check`, with "achievable" judged by simulation when ``scenario``
    and ``target`` are given: ``n`` replications of ``scenario``, the probability that ``metric``
    (``revenue`` or ``won``) reaches ``target`` (:func:`achievability`).

        >>> smart_check("提高客戶滿意度").achievable is None
        True
    """
    prob = None
    if scenario is not None and target is not None:
        prob = achievability(scenario, target, metric=metric, n=n, seed=seed)
    return smart.smart_check(text, lang, probability=prob, priorities=priorities)
