"""What-if: one seeded world replayed through several pay plans (or behaviours), side by side.

The same seed draws the same leads, deal values, fates and skills for every plan (common random
numbers, :mod:`simlib.base.rng`), so what differs between the columns is what the plan made reps do:
their hours, which deals they pulled in at a discount and which they pushed (COURSE.md §3).

    >>> from simlib.analysis.whatif import compare_plans
    >>> cmp = compare_plans("scenarios/pay/behaviour_base.yaml",
    ...                     {"linear": "scenarios/plans/linear.yaml",
    ...                      "2/3/4 %": "scenarios/plans/s1_tiered_2_3_4.yaml"}, seed=3, horizon_weeks=26)
    >>> list(cmp.summary.index)
    ['linear', '2/3/4 %']
    >>> {"revenue", "pay_cost_ratio", "period_end_share", "quota_reached_share"} <= set(cmp.summary.columns)
    True
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simlib.analysis.simulation import simulate
from simlib.base.schema import Issue, ScenarioError
from simlib.core.replication import paired_runs
from simlib.core.results import SimResult
from simlib.core.scenario import Scenario, load_scenario
from simlib.formulas.incentives import CompPlan

__all__ = ["PlanComparison", "TeamComparison", "compare_plans", "compare_teams", "period_end_share", "plan_cost",
           "seat_attainment", "with_plan"]

#: what-if runs answer while a trainee waits: at most this many replications per plan
MAX_WHATIF_REPLICATIONS = 200

PlanLike = CompPlan | Mapping | str | Path


def _simulate(sc: Scenario, seed: int | None) -> SimResult:
    return simulate(sc, seed=seed)


def _plan(plan: PlanLike) -> CompPlan:
    if isinstance(plan, CompPlan):
        return plan
    if isinstance(plan, (str, Path)):
        return CompPlan.from_yaml(plan)
    return CompPlan.from_dict(dict(plan))


def with_plan(scenario: Scenario | Mapping | str | Path, plan: PlanLike | None = None, *,
              behaviour: str | Mapping | None = None, **changes: Any) -> Scenario:
    """``scenario`` with another pay plan, behaviour preset (``"no_gaming"``, ``"rational"``,
    ``"myopic"``) or behaviour mapping, and any top-level changes (``horizon_weeks=26``), validated.

        >>> sc = with_plan("scenarios/pay/behaviour_base.yaml", "scenarios/plans/linear.yaml",
        ...                behaviour="myopic")
        >>> sc.behaviour.preset, sc.incentives.commission.tiers[0].rate
        ('myopic', 0.03)
    """
    sc = load_scenario(scenario)
    data = sc.to_dict()
    if plan is not None:
        data["incentives"] = _plan(plan).to_dict()
    if behaviour is not None:
        if isinstance(behaviour, str):
            keep = {k: v for k, v in data.get("behaviour", {}).items()
                    if k in ("discount_authority", "push_weeks")}
            data["behaviour"] = {"preset": behaviour, **keep}
        else:
            data["behaviour"] = dict(behaviour)
    data.update(changes)
    return load_scenario(data)


def period_end_share(result: SimResult, weeks: int = 2, by: str = "won") -> float:
    """Share of the deals won (``by="won"``) or of revenue (``by="revenue"``) booked in the last
    ``weeks`` weeks of each full plan period: the bunching measure of Oyer (1998) and Larkin (2014).
    With closes spread evenly over a 13-week quarter it is 2/13 ≈ 0.154."""
    plan = result.scenario.incentives
    from simlib.formulas.behaviour import period_bounds
    bounds = period_bounds(plan.period if plan is not None else "quarter", result.scenario.horizon_weeks)
    full = max(e - a for a, e in bounds)
    deals = result.deals
    won = deals[deals.outcome == "won"]
    week = (won.closed_week - 1).astype(int).to_numpy()
    keep = np.zeros(len(won), bool)
    last = np.zeros(len(won), bool)
    for a, e in bounds:
        if e - a < full:
            continue
        inside = (week >= a) & (week < e)
        keep |= inside
        last |= inside & (week >= e - weeks)
    if not keep.any():
        return math.nan
    if by == "won":
        return float(last.sum() / keep.sum())
    v = won.value.to_numpy()
    return float(v[last].sum() / v[keep].sum())


def _row(res: SimResult) -> dict:
    s = res.summary()
    pay = res.pay()
    full = pay[pay.weeks == pay.weeks.max()]
    att = full.attainment.to_numpy()
    deals = res.deals
    won = deals[deals.outcome == "won"]
    return {
        "revenue": s["revenue"], "won": s["won"],
        "pay_total": s["pay_total"], "pay_variable": s["pay_variable"], "pay_cost_ratio": s["pay_cost_ratio"],
        "quota_reached_share": s["quota_reached_share"], "attainment_median": s["attainment_median"],
        "attainment_p10": float(np.quantile(att, 0.1)) if len(att) else math.nan,
        "attainment_p90": float(np.quantile(att, 0.9)) if len(att) else math.nan,
        "effort_mean": float(res.rep_weeks.effort.mean()),
        "period_end_share": period_end_share(res),
        "discounted_share": float((won.discount > 0).mean()) if len(won) else math.nan,
        "pulled": s["pulled"], "pushed": s["pushed"],
    }


class PlanComparison:
    """The result of :func:`compare_plans`.

    Attributes:
        summary: one row per plan (index: the plan's label), means over replications.
        runs: one row per plan and replication (``plan, replication, seed`` + the summary columns).
        pay: one row per plan, replication, rep and period (:meth:`SimResult.pay`).
        closes: won deals by week within the period, per plan (summed over replications).
        results: the :class:`SimResult` of the first replication of each plan.
    """

    def __init__(self, runs: pd.DataFrame, pay: pd.DataFrame, closes: pd.DataFrame,
                 results: dict[str, SimResult]):
        self.runs, self.pay, self.closes, self.results = runs, pay, closes, results
        cols = [c for c in runs.columns if c not in ("plan", "replication", "seed")]
        self.summary = runs.groupby("plan", sort=False)[cols].mean()

    def __repr__(self) -> str:
        return f"PlanComparison({list(self.summary.index)}, replications={self.runs.replication.max()})"


def compare_plans(scenario: Scenario | Mapping | str | Path, plans: Mapping[str, PlanLike | Scenario],
                  seed: int | None = 0, replications: int = 1, *, behaviour: str | Mapping | None = None,
                  progress: Callable[[int, int], None] | None = None, **changes: Any) -> PlanComparison:
    """Replay the same seeded worlds through each plan of ``plans`` (label → plan, or → a whole
    scenario for comparing behaviours or targets) and collect pay cost, revenue and attainment.

    Replication ``i`` uses the same seed for every plan, so the columns differ only by what the plan
    changes. ``progress(done, total)`` is called after each run (an app's progress bar).
    """
    if not plans:
        raise ScenarioError([Issue("plans", "missing")])
    if isinstance(replications, bool) or not 1 <= int(replications) <= MAX_WHATIF_REPLICATIONS:
        raise ScenarioError([Issue("replications", "replications",
                                   {"max": MAX_WHATIF_REPLICATIONS, "input": replications})])
    scen = {}
    for label, plan in plans.items():
        if isinstance(plan, Scenario):
            scen[label] = with_plan(plan, behaviour=behaviour, **changes)
        else:
            scen[label] = with_plan(scenario, plan, behaviour=behaviour, **changes)
        if scen[label].incentives is None:
            raise ScenarioError([Issue(f"plans.{label}", "missing")])
    rows, pays, closes, first = [], [], [], {}
    for k, s, label, res in paired_runs(scen, _simulate, seed, int(replications), progress):
        first.setdefault(label, res)
        rows.append({"plan": label, "replication": k, "seed": s} | _row(res))
        pays.append(res.pay().assign(plan=label, replication=k))
        closes.append(res.closes_by_period_week().assign(plan=label))
    cl = pd.concat(closes, ignore_index=True).groupby(["plan", "week_in_period"], sort=False).sum().reset_index()
    pay = pd.concat(pays, ignore_index=True)
    pay = pay[["plan", "replication", *[c for c in pay.columns if c not in ("plan", "replication")]]]
    return PlanComparison(pd.DataFrame(rows), pay, cl, first)


def plan_cost(scenario: Scenario | Mapping | str | Path, plan: PlanLike | None = None, *,
              replications: int = 20, seed: int | None = 0, behaviour: str | Mapping | None = None,
              **changes: Any) -> dict:
    """The cost of a plan under a scenario: mean variable pay ÷ revenue over ``replications`` seeded
    runs, with a 95 % interval of the mean, and the mean pay, revenue and share of reps at quota."""
    sc = with_plan(scenario, plan, behaviour=behaviour, **changes)
    runs = compare_plans(sc, {"plan": sc}, seed=seed, replications=replications).runs
    ratio = runs.pay_cost_ratio.to_numpy()
    half = 1.96 * ratio.std(ddof=1) / math.sqrt(len(ratio)) if len(ratio) > 1 else math.nan
    return {"pay_cost_ratio": float(ratio.mean()), "ci_low": float(ratio.mean() - half),
            "ci_high": float(ratio.mean() + half), "pay_variable": float(runs.pay_variable.mean()),
            "pay_total": float(runs.pay_total.mean()), "revenue": float(runs.revenue.mean()),
            "quota_reached_share": float(runs.quota_reached_share.mean()), "replications": len(runs)}


# ---------------------------------------------------------------------------------------------
# Teams: the same world under different people policies (COURSE.md §5; Team Lab)
# ---------------------------------------------------------------------------------------------
def seat_attainment(res: SimResult) -> pd.DataFrame:
    """One row per seat and appraisal period (``people.period``, else a quarter): ``seat, period,
    weeks, sales, quota, attainment`` — sales ÷ the seat's quota for the period (quotas from
    ``quotas`` / the reps' ``quota``; without any, ÷ the team's mean sales per seat in the period)."""
    from simlib.core.quotas import quotas_for
    from simlib.formulas.behaviour import period_bounds
    sc = res.scenario
    period = sc.people.period if sc.people is not None else "quarter"
    if sc.incentives is not None:
        period = sc.incentives.period
    bounds = period_bounds(period, sc.horizon_weeks)
    names = [r.name for r in sc.team.reps]
    weekly = res.rep_weeks.pivot(index="rep", columns="week", values="revenue").reindex(names)
    has_quota = sc.quotas is not None or any(r.quota is not None for r in sc.team.reps)
    skills = res._world.skills if res._world.skills is not None else np.ones(len(names))
    quota = quotas_for(sc, np.asarray(skills, float)) if has_quota else None
    rows = []
    for k, (a, e) in enumerate(bounds):
        sales = weekly.iloc[:, a:e].sum(axis=1).to_numpy(float)
        q = quota if quota is not None else np.full(len(names), sales.mean())
        with np.errstate(divide="ignore", invalid="ignore"):
            att = np.where(q > 0, sales / q, np.nan)
        rows += [{"seat": n, "period": k + 1, "weeks": e - a, "sales": s, "quota": float(qq), "attainment": float(x)}
                 for n, s, qq, x in zip(names, sales, q, att)]
    return pd.DataFrame(rows)


def _team_row(res: SimResult) -> dict:
    s = res.summary()
    att = seat_attainment(res)
    full = att[att.weeks == att.weeks.max()]
    row = {"revenue": s["revenue"], "won": s["won"], "utilization": s["utilization"],
           "attainment_mean": float(full.attainment.mean()),
           "at_target_share": float((full.attainment >= 1).mean())}
    ppl = res.people
    if ppl.empty:
        return row | {k: math.nan for k in ("headcount_avg", "vacant_share", "hires", "quits", "exits",
                                            "turnover_annual", "pips", "new_hire_ramp", "development_hours")}
    base = {r.name: (r.hours_per_week or res.scenario.team.hours_per_week) for r in res.scenario.team.reps}
    occupied = ppl[ppl.state != "vacant"]
    given = (occupied.seat.map(base) - occupied.hours).clip(lower=0)
    new = occupied[occupied.tenure_months < 3]
    return row | {k: s[k] for k in ("headcount_avg", "vacant_share", "hires", "quits", "exits", "turnover_annual",
                                    "pips")} | {
        "new_hire_ramp": float(new.ramp.mean()) if len(new) else math.nan,
        "development_hours": float(given.sum())}


class TeamComparison:
    """The result of :func:`compare_teams`.

    Attributes:
        summary: one row per team policy (index: its label), means over replications.
        runs: one row per policy and replication (``policy, replication, seed`` + the summary columns).
        attainment: one row per policy, replication, seat and period (:func:`seat_attainment`).
        results: the :class:`SimResult` of the first replication of each policy (its people and events).
    """

    def __init__(self, runs: pd.DataFrame, attainment: pd.DataFrame, results: dict[str, SimResult]):
        self.runs, self.attainment, self.results = runs, attainment, results
        cols = [c for c in runs.columns if c not in ("policy", "replication", "seed")]
        self.summary = runs.groupby("policy", sort=False)[cols].mean()

    def __repr__(self) -> str:
        return f"TeamComparison({list(self.summary.index)}, replications={self.runs.replication.max()})"


def compare_teams(scenarios: Mapping[str, Scenario | Mapping | str | Path], seed: int | None = 0,
                  replications: int = 1, *, progress: Callable[[int, int], None] | None = None) -> TeamComparison:
    """Run each scenario of ``scenarios`` (label → the team under one people policy) on the same
    seeds and collect revenue, attainment, headcount, turnover, hires, PIPs, new hires' ramp and the
    selling hours given to mentoring, training and PIP check-ins.

        >>> sc = load_scenario("scenarios/team/s0_it_company.yaml")
        >>> cmp = compare_teams({"as is": sc, "no mentors": sc.with_changes({"people.mentoring": None})},
        ...                     seed=1, replications=1)
        >>> bool(cmp.summary.loc["no mentors", "development_hours"] < cmp.summary.loc["as is", "development_hours"])
        True
    """
    if not scenarios:
        raise ScenarioError([Issue("scenarios", "missing")])
    if isinstance(replications, bool) or not 1 <= int(replications) <= MAX_WHATIF_REPLICATIONS:
        raise ScenarioError([Issue("replications", "replications",
                                   {"max": MAX_WHATIF_REPLICATIONS, "input": replications})])
    scen = {k: load_scenario(v) for k, v in scenarios.items()}
    rows, atts, first = [], [], {}
    for k, s, label, res in paired_runs(scen, _simulate, seed, int(replications), progress):
        first.setdefault(label, res)
        rows.append({"policy": label, "replication": k, "seed": s} | _team_row(res))
        atts.append(seat_attainment(res).assign(policy=label, replication=k))
    att = pd.concat(atts, ignore_index=True)
    att = att[["policy", "replication", *[c for c in att.columns if c not in ("policy", "replication")]]]
    return TeamComparison(pd.DataFrame(rows), att, first)
