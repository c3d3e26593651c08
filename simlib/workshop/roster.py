"""A team's state from round to round of a workshop: its reps (seats), their tenure, skill and trained lifts,
its customers' satisfaction and how restless its reps are — carried over by replaying the rounds (pure).

The reps are *seats*, as in the engine (:mod:`simlib.models.team`): a seat keeps its name, its territory and
its last round's sales while its occupant may change. Decisions add seats (hires, ``H<round>-<n>``) and
remove them (dismissals); everything else happens to occupants:

* **Between rounds** every occupant is three months older (13 weeks × 12/52) and keeps the lifts of the
  training it finished; a seat left empty during a round (someone quit and the vacancy outlasted the round)
  is refilled at the next round's start by a new rep (charged as a hire).
* **In a round** a rep may quit (the scenario's ``people.attrition``); the seat is refilled after the
  workshop's ``hiring.vacancy_weeks`` by a new rep (charged as a hire), who inherits the seat's deals.
* **Shocks** (``top_rep_resigns``): the best seats' occupants — by last round's sales, or in round 1 by
  skill × ramp — leave as the round starts and new reps take their seats (charged as hires).
* **Attrition** (COURSE.md §5) responds to pay and targets as :class:`simlib.core.people.Attrition` says (× 1.5 when a rep's
  pay was below 80 % of its pay at quota, × 1.5 when its attainment was below 50 %), but a quarter-long run
  ends where the engine would apply it; so the workshop applies the team's mean multiplier of the round just
  played to the next round's annual rate (the workbook's choice).

Skill: the base scenario's reps keep their ``skill`` (times a spread drawn once from the workshop's seed, on
the ``workshop`` stream, when the scenario has ``team.skill_cv``); a new rep has the workshop's
``hiring.skill``.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from simlib.base.rng import Streams
from simlib.core.people import WEEK_MONTHS, ramp_curve
from simlib.workshop.decisions import Decisions, hire_name

if TYPE_CHECKING:  # pragma: no cover
    from simlib.core.results import SimResult
    from simlib.formulas.incentives import CompPlan
    from simlib.workshop.spec import Shock, WorkshopSpec

__all__ = ["RoundStart", "Seat", "TeamState", "carry_over", "initial_state", "start_round"]


@dataclass(frozen=True)
class Seat:
    """A rep's place on the team and its current occupant."""
    name: str
    tenure_months: float | None      # None: a veteran, fully ramped
    skill: float
    hours_per_week: float | None = None
    role: str | None = None
    lifts: tuple[tuple[str, float], ...] = ()   # (stage, points) the occupant has been trained to
    history: float | None = None     # the seat's sales last round (or the scenario's history)
    vacant: bool = False             # emptied during the last round, refilled when the next starts


@dataclass(frozen=True)
class TeamState:
    """A team at the start of a round, before its decisions."""
    seats: tuple[Seat, ...]
    satisfaction: float
    attrition_factor: float = 1.0


@dataclass(frozen=True)
class RoundStart:
    """A team's seats for a round after its decisions and the round's shocks, with what changed."""
    seats: tuple[Seat, ...]
    hired: int          # new reps by decision
    refilled: int       # seats emptied last round, refilled now
    replaced: int       # occupants who left with a shock, replaced now
    dismissed: int      # occupied seats dismissed
    newcomers: frozenset[str] = frozenset()   # seats whose occupant starts the round new


def _history(v) -> float | None:
    """A rep's history as one number: several same-period years weighted 1 : 2 : 3 … (most recent last)."""
    if v is None:
        return None
    if isinstance(v, list):
        return float(sum((i + 1) * x for i, x in enumerate(v)) / sum(range(1, len(v) + 1))) if v else None
    return float(v)


def initial_state(spec: WorkshopSpec, seed: int) -> TeamState:
    """Every team's state before round 1: the base scenario's reps."""
    team = spec.scenario.team
    skills = np.array([r.skill for r in team.reps], float)
    if team.skill_cv > 0:
        s2 = math.log1p(team.skill_cv ** 2)
        skills = skills * Streams(seed)["workshop"].lognormal(-s2 / 2, math.sqrt(s2), len(skills))
    seats = tuple(Seat(name=r.name, tenure_months=r.tenure_months, skill=float(k), hours_per_week=r.hours_per_week,
                       role=r.role, history=_history(r.history))
                  for r, k in zip(team.reps, skills, strict=True))
    return TeamState(seats=seats, satisfaction=spec.customers.satisfaction)


def _newcomer(spec: WorkshopSpec, seat: Seat) -> Seat:
    """``seat`` with a new rep in it (untrained, new to the job)."""
    return replace(seat, tenure_months=spec.hiring.tenure_months, skill=spec.hiring.skill, lifts=(), vacant=False)


def _top(seats: Sequence[Seat], n: int) -> set[str]:
    """The ``n`` best seats: by last round's sales, else by skill × ramp; earlier seats first on ties."""
    def strength(s: Seat) -> float:
        if s.history is not None:
            return s.history
        ramp = 1.0 if s.tenure_months is None else float(ramp_curve(s.tenure_months))
        return s.skill * ramp
    order = sorted(range(len(seats)), key=lambda i: (-strength(seats[i]), i))
    return {seats[i].name for i in order[:n]}


def start_round(spec: WorkshopSpec, state: TeamState, decisions: Decisions, round_no: int,
                shocks: Sequence[Shock]) -> RoundStart:
    """The team's seats for round ``round_no``: dismissals, refills, the shocks' departures, then the hires."""
    gone = set(decisions.dismiss)
    dismissed = sum(1 for s in state.seats if s.name in gone and not s.vacant)
    seats = [s for s in state.seats if s.name not in gone]
    new = {s.name for s in seats if s.vacant}
    refilled = len(new)
    seats = [_newcomer(spec, s) if s.vacant else s for s in seats]
    replaced = 0
    for shock in shocks:
        if shock.kind == "top_rep_resigns":
            top = _top(seats, int(shock.size))
            replaced += len(top)
            new |= top
            seats = [_newcomer(spec, s) if s.name in top else s for s in seats]
    hires = [Seat(name=hire_name(round_no, n), tenure_months=spec.hiring.tenure_months, skill=spec.hiring.skill)
             for n in range(1, decisions.hires + 1)]
    new |= {s.name for s in hires}
    return RoundStart(tuple(seats + hires), decisions.hires, refilled, replaced, dismissed, frozenset(new))


def _merge(lifts: tuple[tuple[str, float], ...], stage: str, lift: float) -> tuple[tuple[str, float], ...]:
    out = dict(lifts)
    out[stage] = min(out.get(stage, 0.0) + lift, 1.0)
    return tuple(out.items())


def carry_over(spec: WorkshopSpec, start: RoundStart, res: SimResult, plan: CompPlan, quotas: dict[str, float],
               trained: tuple[str, float, frozenset[str]] | None) -> tuple[tuple[Seat, ...], float]:
    """The seats after the round ``res`` simulated, and the next round's attrition multiplier.

    Args:
        trained: ``(stage, lift, trainees)`` of the round's course, if any (its lift stays with trainees who
            were still in their seats at the round's end).
    """
    weeks = spec.weeks_per_round
    people, events = res.people, res.events
    last = people[people["week"] == weeks].set_index("seat")
    sales = people.groupby("seat", sort=False)["sales"].sum()
    changed = set(events.loc[events["event"].isin(["hire", "quit", "exit"]), "seat"])
    out = []
    for seat in start.seats:
        row = last.loc[seat.name]
        sold = float(sales.get(seat.name, 0.0))
        if not isinstance(row["occupant"], str):      # nobody in the seat at the round's end
            out.append(replace(seat, vacant=True, history=sold, lifts=()))
        elif seat.name in changed:       # a new rep took the seat during the round
            tenure = float(row["tenure_months"]) + WEEK_MONTHS
            out.append(replace(_newcomer(spec, seat), tenure_months=tenure, history=sold))
        else:
            tenure = None if seat.tenure_months is None else seat.tenure_months + weeks * WEEK_MONTHS
            lifts = seat.lifts
            if trained is not None and seat.name in trained[2]:
                lifts = _merge(lifts, trained[0], trained[1])
            out.append(replace(seat, tenure_months=tenure, lifts=lifts, history=sold))
    return tuple(out), _attrition_factor(spec, res, plan, quotas)


def _attrition_factor(spec: WorkshopSpec, res: SimResult, plan: CompPlan, quotas: dict[str, float]) -> float:
    """The team's mean attrition multiplier for the next round, from this round's pay and attainment."""
    people = spec.scenario.people
    att = people.attrition if people is not None else None
    if att is None or not quotas:
        return 1.0
    pay = res.pay().groupby("rep", sort=False)[["total", "sales"]].sum()
    periods = res.pay().groupby("rep", sort=False)["period"].count()
    mults = []
    for name, quota in quotas.items():
        n = int(periods.get(name, 1))
        per = quota / n
        normal = n * plan.payout(sales=per, quota=per).total
        m = 1.0
        if float(pay.loc[name, "total"]) < att.low_pay_below * normal:
            m *= att.low_pay_multiplier
        if float(pay.loc[name, "sales"]) < att.target_below * quota:
            m *= att.target_multiplier
        mults.append(m)
    return float(np.mean(mults))
