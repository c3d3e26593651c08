"""The funnel on paper: expected flow, the reverse funnel and the bottleneck (COURSE.md §2).

These are the analytic counterparts of :func:`simlib.simulate`: what the funnel yields when
every rep has all the hours they need. The simulation converges to them when hours are ample
(tests/test_validation.py) and falls short of them — by a predictable amount — when not.
"""
from __future__ import annotations

import math

from simlib.core.scenario import Issue, Scenario, ScenarioError

__all__ = ["bottleneck", "expected", "hours_per_win", "required_leads", "reverse_funnel"]


def reverse_funnel(won: float, conversions: list[float]) -> list[float]:
    """Deals needed entering each stage to end with ``won`` wins (COURSE.md §2, S3's reverse calculation).

    "If negotiation → won is 20 %, you need 5× as many negotiations as target deals; work
    backwards through every stage."

        >>> reverse_funnel(12, [0.5, 0.6, 0.5, 0.4])
        [200.0, 100.0, 60.0, 30.0]
        >>> reverse_funnel(10, [0.2])
        [50.0]
    """
    need = float(won)
    out = []
    for p in reversed(conversions):
        need = need / p if p > 0 else math.inf
        out.append(need)
    return out[::-1]


def expected(sc: Scenario) -> dict:
    """Analytic expectations ignoring capacity (CONTRACT §2).

    Returns ``leads``, ``won``, ``revenue``, ``stages`` (expected deals entering each stage),
    ``hours_demanded``, ``hours_available`` and ``utilization`` = demanded ÷ available (may exceed 1),
    plus ``won_capacity_limited``: the wins the team's hours can carry at most,
    ``min(won, available hours ÷ hours per win)``.

        >>> from simlib.core.scenario import load_scenario
        >>> sc = load_scenario({"horizon_weeks": 10, "leads": {"per_week": 10},
        ...   "funnel": {"stages": [{"name": "a", "conversion": 0.5, "work_hours": 2},
        ...                         {"name": "b", "conversion": 0.5, "work_hours": 4}],
        ...              "deal_value": {"mean": 1000}}, "team": {"reps": 1, "hours_per_week": 40}})
        >>> e = expected(sc)
        >>> e["won"], e["revenue"], e["stages"], e["utilization"]
        (25.0, 25000.0, {'a': 100.0, 'b': 50.0}, 1.0)
    """
    leads = sc.leads.per_week * sc.horizon_weeks
    stages: dict[str, float] = {}
    flow = float(leads)
    demanded = 0.0
    for s in sc.funnel.stages:
        stages[s.name] = flow
        demanded += flow * s.work_hours
        flow *= s.conversion
    won = flow
    available = sum(sc.team.hours()) * sc.horizon_weeks
    hpw = hours_per_win(sc)
    limited = won if demanded <= available or hpw == 0 else min(won, available / hpw)
    return {
        "leads": float(leads),
        "won": won,
        "revenue": won * sc.funnel.deal_value.mean,
        "stages": stages,
        "hours_demanded": demanded,
        "hours_available": float(available),
        "utilization": demanded / available if available else math.inf,
        "won_capacity_limited": limited,
    }


def hours_per_win(sc: Scenario) -> float:
    """Rep hours the funnel consumes per won deal, losses included (∞ if nothing can be won).

        >>> from simlib.core.scenario import load_scenario
        >>> sc = load_scenario({"horizon_weeks": 1, "leads": {"per_week": 1},
        ...   "funnel": {"stages": [{"name": "a", "conversion": 0.5, "work_hours": 2},
        ...                         {"name": "b", "conversion": 0.5, "work_hours": 4}],
        ...              "deal_value": {"mean": 1}}, "team": {"reps": 1, "hours_per_week": 1}})
        >>> hours_per_win(sc)  # per lead: 2 + 0.5·4 = 4 hours, and 1 lead in 4 wins
        16.0
    """
    flow, hours = 1.0, 0.0
    for s in sc.funnel.stages:
        hours += flow * s.work_hours
        flow *= s.conversion
    return hours / flow if flow > 0 else math.inf


def required_leads(sc: Scenario, won: float) -> dict[str, float]:
    """Reverse funnel for ``won`` wins: ``{stage: deals needed entering it}`` (COURSE.md §2).

    Raises:
        ScenarioError: when ``won`` is negative, or a stage converts 0 % and ``won`` > 0.
    """
    if won < 0:
        raise ScenarioError([Issue("won", "won_target", {"input": won})])
    convs = [s.conversion for s in sc.funnel.stages]
    if won > 0:
        for i, s in enumerate(sc.funnel.stages):
            if s.conversion == 0:
                raise ScenarioError([Issue(f"funnel.stages[{i}].conversion", "zero_conversion",
                                           {"stage": s.name, "won": won})])
    return dict(zip(sc.stage_names, reverse_funnel(won, convs), strict=True))


def bottleneck(sc: Scenario) -> dict:
    """What limits output, for the sentence an app shows (COURSE.md §2: "a sudden narrowing marks
    the bottleneck"; capacity, not only conversion, limits output).

    Returns ``kind`` = ``"capacity"`` when the funnel demands more hours than the team has, else
    ``"conversion"``; ``stage``: the narrowest stage (lowest conversion) or, for capacity, the stage
    consuming the most hours; ``share``: that stage's share of demanded hours; ``utilization``.
    """
    e = expected(sc)
    hours = {s.name: e["stages"][s.name] * s.work_hours for s in sc.funnel.stages}
    total = sum(hours.values()) or 1.0
    heaviest = max(hours, key=hours.get)
    narrowest = min(sc.funnel.stages, key=lambda s: s.conversion).name
    kind = "capacity" if e["utilization"] > 1 else "conversion"
    stage = heaviest if kind == "capacity" else narrowest
    conv = {s.name: s.conversion for s in sc.funnel.stages}
    return {"kind": kind, "stage": stage, "share": hours[stage] / total, "utilization": e["utilization"],
            "conversion": conv[stage], "heaviest": heaviest, "narrowest": narrowest}
