"""A workshop round, run for every team: the quarter each team's decisions make, on common random numbers.

:func:`run_round` is a **pure function** of the workshop spec, the seed, the round and every team's decisions
up to it: the same inputs give identical tables in any process. A team's state (its reps, their tenure and
training, its customers' satisfaction: :mod:`simlib.workshop.roster`) is derived by replaying the rounds
before (kept in a small in-process cache, which changes nothing but the time it takes).

One team's quarter: a :class:`~simlib.core.scenario.Scenario` built from the base scenario, the team's reps
(after hires, dismissals and shocks), its decisions (:mod:`simlib.workshop.decisions`: quotas from the
target and split, the pay plan, discount authority, focus, mentoring, the course), the round's demand
(:func:`demand_factor`) and shocks, run by :func:`simlib.analysis.simulation.simulate` for
``weeks_per_round`` weeks with :func:`round_seed` — **the same seed for every team**, so every team meets
the same leads with the same values and fates (common random numbers) and results differ by decisions only.

Markets (the trainer's ``settings.market``):

* ``parallel`` — every team has the whole market to itself: the scenario's leads × the round's demand factor.
* ``shared`` — one market of ``n_teams ×`` those leads a week, split between the teams by an attraction
  model: ``share_i = A_i / Σ_j A_j`` with ``A_i = hours_i^α · price_i^β · satisfaction_i^γ`` (Bell, Keeney &
  Little 1975, "A market share theorem", *J. Marketing Research* 12(2): 136–141; Kotler's "us / (us + them)"
  form of attraction). ``hours_i`` — the team's selling hours a week at the round's start, each rep's scaled
  by its ramp, × 1.25 when prospecting, × 0.75 when closing (hours spent finding customers); ``price_i`` —
  1 ÷ (1 − discount authority); ``satisfaction_i`` — the team's customer satisfaction at the end of the round
  before, ÷ 10. α = 0.5, β = 1, γ = 1 (``settings.attraction``) are the workbook's choice. Team *i*'s leads
  are the market's × its share for the whole round: shares are fixed within a round because ``A_i`` depends
  only on the round's decisions and the round before. Two teams with equal shares meet the same leads (the
  round's streams are common): the market is split by rates, and which customer goes to whom is not modelled.

Shocks (``settings.shocks``; COURSE.md §6 names churn and price wars): ``key_account_lost`` — the mean deal
is ``size`` smaller (the biggest buyer's orders are gone); ``price_war`` — prices fall by ``size`` (the mean
deal), and the last stage's conversion by ``size`` less the team's discount authority (a team allowed to match
keeps winning); ``top_rep_resigns`` — the ``size`` best reps leave as the round starts (new reps take their
seats); ``lead_source_dries_up`` — the team's leads fall by ``size``.
"""
from __future__ import annotations

import hashlib
import json
import math
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from simlib.analysis.simulation import simulate
from simlib.base.rng import replication_seeds
from simlib.base.schema import ScenarioError
from simlib.core.people import ramp_curve
from simlib.core.results import SimResult
from simlib.core.scenario import Scenario, load_scenario
from simlib.formulas.behaviour import period_bounds
from simlib.formulas.incentives import CompPlan
from simlib.formulas.seasonality import time_weights
from simlib.formulas.targets import allocate
from simlib.workshop import service
from simlib.workshop.decisions import Decisions, _validate, course_price, find_course, resolve_plan, template
from simlib.workshop.roster import RoundStart, Seat, TeamState, carry_over, initial_state, start_round
from simlib.workshop.scoring import RoundResult, jain_index, rep_frame, score_teams, team_frame
from simlib.workshop.spec import Demand, Shock, WorkshopSpec, load_workshop_spec

__all__ = ["FOCUS_PROSPECTING", "RoundResult", "demand_factor", "market_shares", "quotas_for_round",
           "round_scenario", "round_seed", "run_round", "states_before", "team_history"]

#: a team's selling hours that reach new customers under each focus, relative to a balanced week (shared
#: market's attraction; the workbook's choice)
FOCUS_PROSPECTING = {"prospecting": 1.25, "balanced": 1.0, "closing": 0.75}
_CACHE: OrderedDict[str, tuple] = OrderedDict()
_CACHE_SIZE = 64


def round_seed(seed: int, round_no: int) -> int:
    """The seed of round ``round_no`` (1-based): the ``round_no``-th of :func:`simlib.base.rng.replication_seeds`.

        >>> round_seed(3, 2) == round_seed(3, 2), round_seed(3, 1) == round_seed(3, 2)
        (True, False)
    """
    return replication_seeds(seed, round_no)[round_no - 1]


def demand_factor(demand: Demand, round_no: int) -> float:
    """The market's leads in round ``round_no`` relative to the scenario's (round 1 = 1 except when seasonal;
    the seasons of COURSE.md §1, the trends' sizes the workbook's).

    ``growing``: (1 + rate)^(r−1); ``declining``: (1 − rate)^(r−1); ``saturating``: 1 + ceiling·(1 − (1 −
    speed)^(r−1)) — fast growth that flattens; ``seasonal``: 4 × the quarter's share of the year's weight in the
    Chinese calendar of :func:`simlib.formulas.seasonality.time_weights` (``cn_retail``: Spring Festival trough
    in Q1, 618 in Q2, Double 11 in Q4), round 1 being ``first_quarter`` of ``year``.

        >>> [round(demand_factor(Demand(pattern="growing"), r), 4) for r in (1, 2, 3)]
        [1.0, 1.05, 1.1025]
        >>> [round(demand_factor(Demand(pattern="seasonal"), r), 2) for r in (1, 2, 3, 4)]
        [0.83, 1.1, 0.95, 1.12]
    """
    k = round_no - 1
    if demand.pattern == "growing":
        return (1 + demand.rate) ** k
    if demand.pattern == "declining":
        return (1 - demand.rate) ** k
    if demand.pattern == "saturating":
        return 1 + demand.ceiling * (1 - (1 - demand.speed) ** k)
    if demand.pattern == "seasonal":
        q = demand.first_quarter - 1 + k
        w = time_weights(demand.year + q // 4, demand.calendar)
        by_q = w.groupby(w.index.quarter).sum()
        return float(4 * by_q.loc[q % 4 + 1] / by_q.sum())
    return 1.0


def _shocks(spec: WorkshopSpec, round_no: int, team: str) -> list[Shock]:
    return [s for s in spec.settings.shocks if s.round == round_no and (s.teams is None or team in s.teams)]


def _hours(spec: WorkshopSpec, seats: Sequence[Seat]) -> list[float]:
    base = spec.scenario.team.hours_per_week
    return [s.hours_per_week if s.hours_per_week is not None else base for s in seats]


def market_shares(spec: WorkshopSpec, starts: Mapping[str, RoundStart], states: Mapping[str, TeamState],
                  decisions: Mapping[str, Decisions]) -> dict[str, float]:
    """Each team's share of the shared market for the round (see the module's docstring); they sum to 1."""
    a = spec.settings.attraction
    attraction = {}
    for team, start in starts.items():
        d = decisions[team]
        ramp = [1.0 if s.tenure_months is None else float(ramp_curve(s.tenure_months)) for s in start.seats]
        hours = sum(h * r for h, r in zip(_hours(spec, start.seats), ramp, strict=True)) * FOCUS_PROSPECTING[d.focus]
        price = 1.0 / (1.0 - d.discount_authority)
        sat = max(states[team].satisfaction, 0.01) / 10.0
        attraction[team] = hours ** a.hours * price ** a.price * sat ** a.satisfaction
    total = sum(attraction.values())
    n = len(attraction)
    return {t: (v / total if total > 0 else 1.0 / n) for t, v in attraction.items()}


def quotas_for_round(spec: WorkshopSpec, seats: Sequence[Seat], decisions: Decisions) -> dict[str, float]:
    """Each rep's quota for the round: the typed split, or the target allocated by the split's method
    (:func:`simlib.formulas.targets.allocate`). ``history`` uses each seat's last round's sales (the base
    scenario's ``history`` in round 1); a seat without it gets the others' mean × its ramp, and every seat at
    least 5 % of the mean (a seat always carries some target) — the workbook's choice."""
    if isinstance(decisions.split, Mapping):
        return {s.name: float(decisions.split[s.name]) for s in seats}
    recs = [{"name": s.name, "skill": s.skill, "tenure_months": s.tenure_months} for s in seats]
    method = decisions.split
    if method == "history":
        known = [s.history for s in seats if s.history is not None]
        if known and sum(known) > 0:
            mean = sum(known) / len(known)
            for rec, s in zip(recs, seats, strict=True):
                h = s.history if s.history is not None else mean * (
                    1.0 if s.tenure_months is None else float(ramp_curve(s.tenure_months)))
                rec["history"] = max(h, 0.05 * mean)
        else:
            method = "capability"
    return {k: float(v) for k, v in allocate(decisions.target, recs, method).items()}


def round_scenario(spec: WorkshopSpec, start: RoundStart, decisions: Decisions, plan: CompPlan,
                   quotas: Mapping[str, float], leads_per_week: float, shocks: Sequence[Shock],
                   attrition_factor: float = 1.0) -> Scenario:
    """The scenario of one team's quarter (see the module's docstring): the base scenario for
    ``weeks_per_round`` weeks with the team's reps (explicit skills, each rep's quota per plan period), plan,
    discount authority and focus, and a ``people:`` block of the base's ramp and attrition (× the team's
    multiplier), in-round refills after ``hiring.vacancy_weeks``, mentoring when decided (the base's settings)
    and the round's course from week 1. The base's own trainings and PIPs are not used: a workshop's trainings
    are decisions, and a PIP outlasts a round."""
    data = spec.scenario.to_dict()
    data["horizon_weeks"] = spec.weeks_per_round
    data["leads"] = {"per_week": leads_per_week}
    funnel = data["funnel"]
    for shock in shocks:
        if shock.kind in ("key_account_lost", "price_war"):
            funnel["deal_value"]["mean"] *= 1 - shock.size
        if shock.kind == "price_war":
            funnel["stages"][-1]["conversion"] *= 1 - max(0.0, shock.size - decisions.discount_authority)
    periods = len(period_bounds(plan.period, spec.weeks_per_round))
    reps = []
    for seat in start.seats:
        rep: dict[str, Any] = {"name": seat.name, "skill": seat.skill,
                               "quota": max(quotas[seat.name], 1.0) / periods}
        if seat.tenure_months is not None:
            rep["tenure_months"] = seat.tenure_months
        if seat.hours_per_week is not None:
            rep["hours_per_week"] = seat.hours_per_week
        role = seat.role or ("hunter" if decisions.focus == "prospecting" else None)
        if role is not None:
            rep["role"] = role
        if seat.lifts:
            rep["lifts"] = dict(seat.lifts)
        reps.append(rep)
    team = data["team"]
    team["reps"], team["skill_cv"] = reps, 0.0
    if decisions.focus == "closing":
        team["work_order"] = "late_stage_first"
    data["incentives"] = plan.model_dump(mode="json", by_alias=True, exclude_none=True)
    data.pop("quotas", None)
    data["behaviour"] = dict(data.get("behaviour") or {}, discount_authority=decisions.discount_authority)
    base = dict(data.get("people") or {})
    people: dict[str, Any] = {"period": "quarter", "ramp": base.get("ramp") or {},
                              "hiring": {"backfill": True, "vacancy_weeks": spec.hiring.vacancy_weeks,
                                         "tenure_months": spec.hiring.tenure_months, "skill": spec.hiring.skill}}
    if base.get("attrition") is not None:
        att = dict(base["attrition"])
        att["annual_rate"] = min(att.get("annual_rate", 0.3) * attrition_factor, 5.0)
        people["attrition"] = att
    if decisions.mentoring:
        people["mentoring"] = {k: v for k, v in (base.get("mentoring") or {}).items() if k != "mentors"}
    if decisions.training is not None:
        course = find_course(spec, decisions.training)
        people["training"] = [{"stage": course.stage, "lift": course.lift, "hours": course.hours, "start_week": 1,
                               "weeks": course.weeks, "reps": list(decisions.training.reps or
                                                                   [s.name for s in start.seats])}]
    data["people"] = people
    return load_scenario(data)


# ---------------------------------------------------------------------------------------------
# One round for every team
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Played:
    """What one round left: every team's state for the next round and the round's rows."""
    states: dict[str, TeamState]
    teams: list[dict]
    reps: list[dict]


def _vacant_base_pay(spec: WorkshopSpec, res: SimResult, plan: CompPlan) -> float:
    """Base pay not paid for the weeks a seat stood empty."""
    people = res.people
    if not plan.base_pay or people.empty:
        return 0.0
    vacant = people[people["state"] == "vacant"]
    total = 0.0
    for a, e in period_bounds(plan.period, spec.weeks_per_round):
        weeks = int(((vacant["week"] > a) & (vacant["week"] <= e)).sum())
        total += plan.base_pay * weeks / (e - a)
    return total


def _play_team(spec: WorkshopSpec, seed: int, round_no: int, team: str, state: TeamState, start: RoundStart,
               d: Decisions, leads: float, share: float) -> tuple[TeamState, dict, list[dict]]:
    plan = resolve_plan(spec, d.plan)
    quotas = quotas_for_round(spec, start.seats, d)
    shocks = _shocks(spec, round_no, team)
    sc = round_scenario(spec, start, d, plan, quotas, leads, shocks, state.attrition_factor)
    res = simulate(sc, round_seed(seed, round_no))
    s = res.summary()
    pay = res.pay()
    by_rep = pay.groupby("rep", sort=False)["sales"].sum()
    trained = None
    training_cost = 0.0
    if d.training is not None:
        course = find_course(spec, d.training)
        trainees = frozenset(d.training.reps or [x.name for x in start.seats])
        training_cost = course_price(spec, course) * len(trainees)
        if course.weeks <= spec.weeks_per_round:
            trained = (course.stage, course.lift, trainees)
    seats, factor = carry_over(spec, start, res, plan, quotas, trained)
    ev = res.events
    in_round_hires = int((ev["event"] == "hire").sum())
    left = set(ev.loc[ev["event"].isin(["quit", "exit"]), "seat"])
    hires = start.hired + start.refilled + start.replaced + in_round_hires
    pay_cost = float(pay["total"].sum()) - _vacant_base_pay(spec, res, plan) + d.a_tier_managers * spec.costs.a_tier_manager
    costs = {"pay_cost": pay_cost, "hiring_cost": hires * spec.costs.hire, "training_cost": training_cost,
             "dismissal_cost": start.dismissed * spec.costs.dismissal}
    hours = sum(_hours(spec, start.seats))
    base_hours = float(sum(spec.scenario.team.hours()))
    cov = service.coverage(hours, base_hours, d.focus)
    managed = service.managed_share(d.a_tier_managers, spec.customers.a_accounts,
                                    spec.customers.accounts_per_manager, spec.customers.a_revenue_share)
    sat = service.next_satisfaction(state.satisfaction, service.satisfaction_target(cov, managed),
                                    spec.weeks_per_round)
    attainments = [float(by_rep.get(x.name, 0.0)) / quotas[x.name] if quotas[x.name] > 0 else math.nan
                   for x in start.seats]
    row = {"round": round_no, "team": team, "target": d.target, "revenue": s["revenue"], **costs,
           "gross_profit": s["revenue"] * spec.margin - sum(costs.values()),
           "attainment": s["revenue"] / d.target, "share": share, "win_rate": s["win_rate"],
           "turnover": s["turnover_annual"], "nps": service.nps_of(sat), "satisfaction": sat,
           "fairness": jain_index(attainments), "headcount": len(start.seats), "hires": hires,
           "quits": s["quits"] + s["exits"], "leads": s["leads"], "won": s["won"],
           "hours_available": s["hours_available"], "leads_per_week": leads, "score": math.nan}
    reps = [{"round": round_no, "team": team, "rep": x.name, "quota": quotas[x.name],
             "sales": float(by_rep.get(x.name, 0.0)), "attainment": att,
             "tenure_months": math.nan if x.tenure_months is None else x.tenure_months,
             "new": x.name in start.newcomers, "left": x.name in left,
             "trained": trained is not None and x.name in trained[2]}
            for x, att in zip(start.seats, attainments, strict=True)]
    return TeamState(seats=seats, satisfaction=sat, attrition_factor=factor), row, reps


def _play(spec: WorkshopSpec, seed: int, round_no: int, states: Mapping[str, TeamState],
          decisions: Mapping[str, Decisions], progress: Callable[[int, int], None] | None = None) -> _Played:
    teams = list(decisions)
    starts = {t: start_round(spec, states[t], decisions[t], round_no, _shocks(spec, round_no, t)) for t in teams}
    rate = spec.scenario.leads.per_week * demand_factor(spec.settings.demand, round_no)
    if spec.settings.market == "shared":
        shares = market_shares(spec, starts, states, decisions)
        leads = {t: rate * len(teams) * shares[t] for t in teams}
    else:
        shares = dict.fromkeys(teams, math.nan)
        leads = dict.fromkeys(teams, rate)
    for t in teams:
        for shock in _shocks(spec, round_no, t):
            if shock.kind == "lead_source_dries_up":
                leads[t] *= 1 - shock.size
    new_states, team_rows, rep_rows = {}, [], []
    for i, t in enumerate(teams):
        new_states[t], row, reps = _play_team(spec, seed, round_no, t, states[t], starts[t], decisions[t],
                                              leads[t], shares[t])
        team_rows.append(row)
        rep_rows.extend(reps)
        if progress is not None:
            progress(i + 1, len(teams))
    frame = team_frame(team_rows)
    frame["score"] = score_teams(frame, spec.settings.score_weights).to_numpy()
    return _Played(new_states, frame.to_dict("records"), rep_rows)


def team_history(spec: WorkshopSpec, items: Sequence[Decisions | Mapping | None]) -> list[Decisions]:
    """A team's decisions for rounds 1, 2, … validated in order (``None``: the round's :func:`template`)."""
    out: list[Decisions] = []
    for item in items:
        if item is None:
            item = template(spec, out)
        elif isinstance(item, Decisions):
            item = item.model_dump(mode="json")
        out.append(_validate(spec, out, item, budget=False))
    return out


def _key(spec: WorkshopSpec, seed: int, decisions: Sequence[tuple[str, list[Decisions]]], upto: int) -> str:
    payload = [spec.model_dump(mode="json"), seed, upto,
               [[t, [d.model_dump(mode="json") for d in ds[:upto]]] for t, ds in decisions]]
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _replay(spec: WorkshopSpec, seed: int, decisions: Sequence[tuple[str, list[Decisions]]], upto: int,
            progress: Callable[[int, int], None] | None = None, *, cached: bool = True) -> _Played:
    """Every team's state after round ``upto`` and that round's rows, replaying rounds 1 … ``upto`` (with
    ``cached=False`` every round is simulated again, none is taken from this process's cache)."""
    key = _key(spec, seed, decisions, upto)
    hit = _CACHE.get(key) if cached else None
    if hit is not None:
        _CACHE.move_to_end(key)
        return hit
    if upto == 0:
        first = initial_state(spec, seed)
        played = _Played({t: first for t, _ in decisions}, [], [])
    else:
        before = _replay(spec, seed, decisions, upto - 1, cached=cached)
        played = _play(spec, seed, upto, before.states, {t: ds[upto - 1] for t, ds in decisions}, progress)
    _CACHE[key] = played
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return played


def _inputs(spec: Any, seed: Any, round_no: Any, history: Any, upto: int | None = None):
    """The checked inputs of :func:`run_round` and :func:`states_before`: ``(spec, seed, [(team, decisions)])``
    with each team's decisions of rounds 1 … ``upto`` (default ``round_no``)."""
    spec = load_workshop_spec(spec)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ScenarioError.at("seed", "greater_than_equal", limit=0, input=seed)
    if isinstance(round_no, bool) or not isinstance(round_no, int) or round_no < 1:
        raise ScenarioError.at("round", "greater_than_equal", limit=1, input=round_no)
    if not history:
        raise ScenarioError.at("history", "missing")
    upto = round_no if upto is None else upto
    teams = [str(t) for t in history]
    for i, shock in enumerate(spec.settings.shocks):
        for j, name in enumerate(shock.teams or []):
            if name not in teams:
                raise ScenarioError.at(f"settings.shocks[{i}].teams[{j}]", "unknown_name", name=name,
                                       valid=", ".join(teams))
    decisions = []
    for team, items in history.items():
        if len(items) < upto:
            raise ScenarioError.at(f"history.{team}", "workshop_history_short", rounds=len(items), round=round_no)
        decisions.append((str(team), team_history(spec, list(items)[:upto])))
    return spec, int(seed), decisions


def states_before(spec: WorkshopSpec | Mapping | str, seed: int, round_no: int,
                  history: Mapping[str, Sequence[Decisions | Mapping | None]]) -> dict[str, TeamState]:
    """Every team's state at the start of round ``round_no``, before its decisions: its reps (tenure, skill,
    trained lifts, last round's sales), its customers' satisfaction — for a decision form to show.
    ``history`` needs the decisions of rounds 1 … ``round_no − 1``."""
    spec, seed, decisions = _inputs(spec, seed, round_no, history, round_no - 1)
    return dict(_replay(spec, seed, decisions, round_no - 1).states)


def run_round(spec: WorkshopSpec | Mapping | str, seed: int, round_no: int,
              history: Mapping[str, Sequence[Decisions | Mapping | None]],
              progress: Callable[[int, int], None] | None = None, *, cached: bool = True) -> RoundResult:
    """Round ``round_no`` of the workshop for every team of ``history``.

    Args:
        history: ``{team: [decisions of round 1, …, round round_no]}`` (Decisions, their dicts, or ``None`` for
            a round a team left to its template); the teams' order is the rows' order.
        progress: called as ``progress(done, teams)`` after each team's quarter of this round.
        cached: take earlier rounds (and this one) from this process's cache when there; ``False`` simulates
            every round again (what a replay does).

    Returns:
        :class:`~simlib.workshop.scoring.RoundResult` with ``.teams`` and ``.reps``; the same inputs give equal
        tables (``DataFrame.equals``) in any process.

        >>> from simlib.workshop.spec import load_workshop_spec
        >>> spec = load_workshop_spec("scenarios/workshop/b2b_quarter.yaml")
        >>> d = template(spec, [])
        >>> res = run_round(spec, 7, 1, {"A": [d], "B": [d]})
        >>> res.teams[["team", "headcount"]].values.tolist()
        [['A', 8], ['B', 8]]
        >>> bool(res.teams.loc[0, "revenue"] == res.teams.loc[1, "revenue"])   # same decisions, same world
        True
    """
    spec, seed, decisions = _inputs(spec, seed, round_no, history)
    calls: list[int] = []

    def report(done: int, total: int) -> None:
        calls.append(done)
        if progress is not None:
            progress(done, total)

    played = _replay(spec, seed, decisions, round_no, report, cached=cached)
    if progress is not None and not calls:            # the round was in the cache: nothing left to do
        progress(len(decisions), len(decisions))
    return RoundResult(team_frame(played.teams), rep_frame(played.reps))
