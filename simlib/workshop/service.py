"""How well a team serves its accounts from round to round: customer satisfaction (0–10) and the NPS it
shows (COURSE.md §6: dedicated managers for A accounts; NPS as S2 defines it).

The workshop keeps one number per team, its book's satisfaction ``s``, and moves it each round the way the
account model (:mod:`simlib.models.accounts`) moves each account's, with that model's defaults
(:class:`simlib.models.accounts.spec.Satisfaction`): towards the target

    target = 8 + 1·(coverage − 1) + 1·managed                     (points on 0–10)

by ``speed`` = 0.5 of the gap a month (three months a 13-week round close 87.5 % of it). ``coverage`` is the
team's selling hours for the round ÷ the base scenario's, × 0.8 under a prospecting focus (the reps'
time goes to new leads), capped at 1.5 as the account model caps it. ``managed`` is the share of the A
accounts a dedicated manager looks after (``a_tier_managers × accounts_per_manager ÷ a_accounts``, at most
1) times the A accounts' share of revenue (S0: ≈ 80 %): the workbook weighs satisfaction by revenue, since
the course's customer-success case is about A accounts — the workbook's choice, as is leaving the account
model's complaints and visits per account out. The NPS is that of the answers the account model's survey
gives: round(s + noise) with noise ~ Normal(0, √(1² + 1²)) (the spread of accounts around the book's mean
and of an answer around its account), promoters 9–10, detractors 0–6
(:func:`simlib.formulas.customers.nps`).

    >>> round(nps_of(8.0), 1), round(nps_of(9.0), 1)
    (21.7, 60.0)
    >>> round(next_satisfaction(7.0, 9.0, 13), 3)      # 7 -> 9 over a quarter: most of the way
    8.75
"""
from __future__ import annotations

import math

from scipy.special import ndtr

from simlib.models.accounts.spec import Renewal, Satisfaction

__all__ = ["FOCUS_SERVICE", "coverage", "managed_share", "next_satisfaction", "nps_of", "satisfaction_target"]

_SAT = Satisfaction()
_MAX_COVERAGE = Renewal().max_coverage
_ANSWER_SD = math.hypot(_SAT.start_sd, _SAT.answer_sd)

#: the share of a rep's time that serves existing accounts under each focus, relative to a balanced week
#: (the workbook's choice)
FOCUS_SERVICE = {"prospecting": 0.8, "balanced": 1.0, "closing": 1.0}


def coverage(hours: float, base_hours: float, focus: str) -> float:
    """The team's service coverage: its selling hours ÷ the base team's, × :data:`FOCUS_SERVICE`, in [0, 1.5].

        >>> coverage(280, 224, "balanced"), coverage(224, 224, "prospecting")
        (1.25, 0.8)
    """
    if base_hours <= 0:
        return 1.0
    return float(min(max(hours / base_hours * FOCUS_SERVICE[focus], 0.0), _MAX_COVERAGE))


def managed_share(managers: int, a_accounts: int, per_manager: int, a_revenue_share: float) -> float:
    """The revenue-weighted share of the book that has a dedicated manager.

        >>> managed_share(1, 20, 10, 0.8), managed_share(5, 20, 10, 0.8)
        (0.4, 0.8)
    """
    return float(min(1.0, managers * per_manager / a_accounts) * a_revenue_share)


def satisfaction_target(cov: float, managed: float) -> float:
    """Where satisfaction heads with this coverage and managed share (0–10)."""
    return float(min(max(_SAT.target + _SAT.visit * (cov - 1) + _SAT.manager * managed, 0.0), 10.0))


def next_satisfaction(s: float, target: float, weeks: int) -> float:
    """Satisfaction after a round of ``weeks`` weeks, starting at ``s`` and heading for ``target``."""
    months = weeks * 12 / 52
    moved = s + (1 - (1 - _SAT.speed) ** months) * (target - s)
    return float(min(max(moved, 0.0), 10.0))


def nps_of(s: float) -> float:
    """The expected NPS (−100 … 100) of a book whose mean satisfaction is ``s``."""
    promoters = 1.0 - float(ndtr((8.5 - s) / _ANSWER_SD))
    detractors = float(ndtr((6.5 - s) / _ANSWER_SD))
    return 100.0 * (promoters - detractors)
