"""Tidy results: one row per deal, per rep-week, per stage visit, per replication (CONTRACT §2).

:func:`simlib.analysis.simulation.simulate` returns a :class:`SimResult` whose tables are built on first use, so a caller that
needs only ``summary()`` — ``replicate`` doing a thousand runs, an app redrawing on a slider —
never pays for DataFrames it does not read.
"""
from __future__ import annotations

import math
from functools import cached_property

import numpy as np
import pandas as pd

from simlib.base.schema import Issue, ScenarioError
from simlib.core import engine
from simlib.core.funnel import expected
from simlib.core.people import empty_tables
from simlib.core.quotas import quotas_for
from simlib.core.scenario import Scenario
from simlib.formulas.behaviour import period_bounds

__all__ = ["OUTCOMES", "SimResult"]

OUTCOMES = np.array(["open", "won", "lost"], dtype=object)


class SimResult:
    """The outcome of one seeded run.

    Attributes:
        scenario: the scenario that ran.
        seed: the seed that reproduces it (``simulate(scenario, seed)``).
        deals: one row per lead (see :attr:`deals`).
        rep_weeks: one row per rep and week.
        visits: one row per stage a deal reached its rep's desk for.
    """

    def __init__(self, scenario: Scenario, world: engine.World, raw: dict, policy=None):
        self.scenario = scenario
        self.seed = world.seed
        self._world = world
        self._raw = raw
        self.policy = policy
        disc = np.zeros(len(world.values))
        if policy is not None and policy.discount:
            idx = np.fromiter(policy.discount, dtype=np.int64)
            disc[idx] = np.fromiter(policy.discount.values(), dtype=float)
            disc[raw["outcome"] != 1] = 0.0     # a pulled deal the customer still turned down: no discount
        self._discount = disc
        self._booked = world.values * (1 - disc)     # what a won deal brings in, after any discount

    def __repr__(self) -> str:
        s = self.summary()
        return (f"<SimResult seed={self.seed} leads={s['leads']} won={s['won']} lost={s['lost']} "
                f"open={s['open']} revenue={s['revenue']:,.0f} utilization={s['utilization']:.1%}>")

    # -- tables ---------------------------------------------------------------------------------
    @cached_property
    def deals(self) -> pd.DataFrame:
        """One row per lead: ``deal_id, rep, created_week, created_at, last_stage, stage_index, outcome,
        value, potential_value, closed_week, closed_at, cycle_weeks``.

        Weeks are numbered from 1; ``*_at`` columns are the exact time in weeks since the start.
        ``value`` is the deal's value if won, else 0; ``potential_value`` is what it would have been.
        """
        raw, w, sc = self._raw, self._world, self.scenario
        created = w.arrivals
        closed = raw["closed"]
        won = raw["outcome"] == 1
        names = np.array([r.name for r in sc.team.reps], dtype=object)
        stage_names = np.array(sc.stage_names, dtype=object)
        return pd.DataFrame({
            "deal_id": np.arange(1, len(created) + 1),
            "rep": names[raw["owner"]],
            "created_week": np.floor(created).astype(np.int64) + 1,
            "created_at": created,
            "last_stage": stage_names[raw["stage"]],
            "stage_index": raw["stage"],
            "outcome": OUTCOMES[raw["outcome"]],
            "value": np.where(won, self._booked, 0.0),
            "potential_value": w.values,
            "discount": self._discount,
            "pushed": raw.get("pushed", np.zeros(len(created), dtype=bool)),
            "closed_week": np.floor(closed) + 1,
            "closed_at": closed,
            "cycle_weeks": closed - created,
        })

    @cached_property
    def visits(self) -> pd.DataFrame:
        """One row per stage visit that started: ``deal_id, rep, stage, ready_at, started_at,
        finished_at, queue_weeks`` (time waiting for the rep) — the funnel-health board's dwell times."""
        d, k, ready, start, end = self._raw["visits"]
        names = np.array([r.name for r in self.scenario.team.reps], dtype=object)
        return pd.DataFrame({
            "deal_id": d + 1, "rep": names[self._raw["owner"][d]],
            "stage": np.array(self.scenario.stage_names, dtype=object)[k],
            "ready_at": ready, "started_at": start, "finished_at": end, "queue_weeks": start - ready,
        })

    @cached_property
    def rep_weeks(self) -> pd.DataFrame:
        """One row per rep and week: ``rep, week, hours_available, hours_worked, utilization,
        deals_touched, won, revenue, effort`` (hours available ÷ the rep's normal hours),
        ``prospecting_hours`` (hours begun on new leads, when reps plan their week) and
        ``outlook`` (when reps respond to a plan: the rep's forecast attainment for the period at the
        week's start, what its effort answered to; NaN otherwise)."""
        sc = self.scenario
        n_reps, horizon = len(sc.team.reps), sc.horizon_weeks
        raw = self._raw
        # deals touched: every week a visit's work overlapped
        d, _, _, start, end = raw["visits"]
        end = np.where(np.isnan(end), horizon, end)
        first = np.floor(start).astype(np.int64)
        last = np.maximum(first, np.ceil(end).astype(np.int64) - 1).clip(max=horizon - 1)
        span = last - first + 1
        rep_of = np.repeat(raw["owner"][d], span)
        deal_of = np.repeat(d, span)
        week_of = np.repeat(first, span) + (np.arange(span.sum()) - np.repeat(np.cumsum(span) - span, span))
        touched = np.zeros((n_reps, horizon), dtype=np.int64)
        if len(deal_of):
            key = np.unique((rep_of * horizon + week_of) * (len(raw["owner"]) + 1) + deal_of)
            cell = key // (len(raw["owner"]) + 1)
            np.add.at(touched.reshape(-1), cell, 1)
        won_mask = raw["outcome"] == 1
        won = np.zeros((n_reps, horizon), dtype=np.int64)
        rev = np.zeros((n_reps, horizon))
        if won_mask.any():
            cw = np.floor(raw["closed"][won_mask]).astype(np.int64)
            cell = raw["owner"][won_mask] * horizon + cw
            np.add.at(won.reshape(-1), cell, 1)
            np.add.at(rev.reshape(-1), cell, self._booked[won_mask])
        avail, worked = raw["caps"], raw["hours"]
        with np.errstate(invalid="ignore", divide="ignore"):
            util = np.where(avail > 0, worked / avail, 0.0)
        base = np.asarray(sc.team.hours(), float)[:, None]
        return pd.DataFrame({
            "rep": np.repeat(np.array([r.name for r in sc.team.reps], dtype=object), horizon),
            "week": np.tile(np.arange(1, horizon + 1), n_reps),
            "hours_available": avail.ravel(), "hours_worked": worked.ravel(),
            "utilization": util.ravel(), "deals_touched": touched.ravel(),
            "won": won.ravel(), "revenue": rev.ravel(),
            "effort": (avail / base).ravel(),
            "outlook": (self.policy.outlook.ravel() if self.policy is not None
                        else np.full(n_reps * horizon, np.nan)),
            "prospecting_hours": (raw["lead_hours"].ravel() if raw.get("lead_hours") is not None
                                  else np.full(n_reps * horizon, np.nan)),
        })

    @cached_property
    def _people_tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        dyn = self._raw.get("people")
        if dyn is None:
            return empty_tables()
        return dyn.tables()

    @property
    def people(self) -> pd.DataFrame:
        """Team dynamics (COURSE.md §5; :mod:`simlib.models.team`): one row per seat and week — ``seat, week,
        occupant`` (None while vacant), ``tenure_months`` (NaN for a rep without tenure: fully
        ramped), ``ramp`` (productivity relative to a tenured rep), ``skill`` (the occupant's odds
        multiplier this week, ramp included), ``state`` (one of :data:`simlib.models.team.STATES`: vacant,
        pip, training, mentee, mentor, active — the first that applies), ``hours`` (selling hours the
        seat has this week, before any plan effort), ``role``, ``mentor`` (a mentee's mentor),
        ``mentees`` (a mentor's), ``training``, ``pip`` and ``sales`` (booked that week). Empty
        without team dynamics."""
        return self._people_tables[0]

    @property
    def events(self) -> pd.DataFrame:
        """People events, in order: ``week, seat, person, event, detail, tenure_months``; ``event`` is
        ``hire``, ``quit``, ``exit`` (after a PIP), ``pip_start``, ``pip_end`` (``detail``: passed,
        extended or exit) or ``training`` (``detail``: the stage). Empty without team dynamics."""
        return self._people_tables[1]

    def weekly(self) -> pd.DataFrame:
        """One row per week for the whole team: ``week, leads, won, lost, revenue, hours_worked,
        hours_available, utilization, open_end`` (deals in progress at the week's end)."""
        h = self.scenario.horizon_weeks
        raw = self._raw
        weeks = np.arange(1, h + 1)
        created = np.floor(self._world.arrivals).astype(np.int64)
        leads = np.bincount(created, minlength=h)[:h]
        closed = raw["closed"]
        done = ~np.isnan(closed)
        cw = np.floor(closed[done]).astype(np.int64)
        oc = raw["outcome"][done]
        won = np.bincount(cw[oc == 1], minlength=h)[:h]
        lost = np.bincount(cw[oc == 2], minlength=h)[:h]
        rev = np.bincount(cw[oc == 1], weights=self._booked[done][oc == 1], minlength=h)[:h]
        worked = raw["hours"].sum(axis=0)
        avail = raw["caps"].sum(axis=0)
        open_end = np.cumsum(leads) - np.cumsum(won) - np.cumsum(lost)
        return pd.DataFrame({"week": weeks, "leads": leads, "won": won, "lost": lost, "revenue": rev,
                             "hours_worked": worked, "hours_available": avail,
                             "utilization": np.divide(worked, avail, out=np.zeros(h), where=avail > 0),
                             "open_end": open_end})

    def stage_counts(self) -> pd.DataFrame:
        """One row per stage: ``stage, entered, passed, lost, open, conversion`` (observed passed ÷
        decided there) and ``expected_entered`` from the analytic funnel."""
        raw = self._raw
        n_st = len(self.scenario.funnel.stages)
        st, oc = raw["stage"], raw["outcome"]
        reached = np.bincount(st, minlength=n_st)            # deals whose furthest stage is k
        entered = reached[::-1].cumsum()[::-1]
        lost = np.bincount(st[oc == 2], minlength=n_st)
        open_ = np.bincount(st[oc == 0], minlength=n_st)
        passed = entered - lost - open_
        decided = passed + lost
        exp = expected(self.scenario)["stages"]
        return pd.DataFrame({
            "stage": self.scenario.stage_names, "entered": entered, "passed": passed, "lost": lost,
            "open": open_,
            "conversion": np.divide(passed, decided, out=np.full(n_st, np.nan), where=decided > 0),
            "expected_entered": [exp[n] for n in self.scenario.stage_names],
        })

    # -- summary --------------------------------------------------------------------------------
    def summary(self) -> dict:
        """Headline numbers: ``leads, won, lost, open, revenue, win_rate`` (won ÷ decided, NaN if none
        decided), ``utilization`` (hours worked ÷ available, in [0, 1]), ``hours_worked,
        hours_available, avg_cycle_weeks`` (created → won), ``avg_won_value``, ``seed``."""
        raw = self._raw
        oc = raw["outcome"]
        won = int((oc == 1).sum())
        lost = int((oc == 2).sum())
        n = len(oc)
        wmask = oc == 1
        revenue = float(self._booked[wmask].sum())
        worked = float(raw["hours"].sum())
        avail = float(raw["caps"].sum())
        cycle = (raw["closed"][wmask] - self._world.arrivals[wmask])
        return {
            "leads": n, "won": won, "lost": lost, "open": n - won - lost, "revenue": revenue,
            "win_rate": won / (won + lost) if won + lost else math.nan,
            "utilization": min(1.0, worked / avail) if avail else 0.0,
            "hours_worked": worked, "hours_available": avail,
            "avg_cycle_weeks": float(cycle.mean()) if won else math.nan,
            "avg_won_value": revenue / won if won else math.nan,
            "seed": self.seed,
        } | (self._pay_summary() if self.scenario.incentives is not None else {}) | (
            self._people_summary() if raw.get("people") is not None else {})

    def _people_summary(self) -> dict:
        """Headcount and turnover with team dynamics: ``headcount_avg`` (occupied seats, mean over
        weeks), ``vacant_share`` (vacant seat-weeks ÷ seat-weeks), ``hires, quits, exits`` (PIP exits),
        ``turnover_annual`` ((quits + exits) ÷ average headcount, annualised: × 52 ÷ weeks),
        ``pips`` (PIPs started), ``trained`` (trainees)."""
        dyn = self._raw["people"]
        h = self.scenario.horizon_weeks
        occupied = float((dyn.t_state > 0).sum())
        head = occupied / h
        kinds = [e[3] for e in dyn.events]
        quits, exits = kinds.count("quit"), kinds.count("exit")
        pips = sum(1 for e in dyn.events if e[3] == "pip_start" and e[4] != "extension")
        return {"headcount_avg": head, "vacant_share": 1.0 - occupied / (dyn.n * h) if dyn.n else 0.0,
                "hires": kinds.count("hire"), "quits": quits, "exits": exits,
                "turnover_annual": (quits + exits) / head * 52 / h if head else math.nan,
                "pips": pips, "trained": kinds.count("training")}

    # -- pay ------------------------------------------------------------------------------------
    def pay(self) -> pd.DataFrame:
        """One row per rep and plan period (needs ``incentives`` in the scenario): ``rep, period,
        first_week, weeks, quota, sales, attainment, discount, rank, commission, bonus, total, effort,
        skill``. Sales are the values booked in the period, after discounts; ``discount`` is the rep's
        average discount (by list value), which the plan's quality gate checks; ``rank`` the rep's place
        by sales in the period, which contest prizes pay; ``effort`` mean hours ÷ normal hours."""
        sc = self.scenario
        plan = sc.incentives
        if plan is None:
            raise ScenarioError([Issue("incentives", "missing")])
        cached = self.__dict__.get("_pay")
        if cached is not None:
            return cached
        raw = self._raw
        skills = raw.get("skills", np.ones(len(sc.team.reps)))
        quota = self.policy.quota if self.policy is not None else quotas_for(sc, skills)
        periods = period_bounds(plan.period, sc.horizon_weeks)
        won = raw["outcome"] == 1
        cw = np.floor(raw["closed"][won]).astype(np.int64)
        owner = raw["owner"][won]
        vals = self._booked[won]
        listed_all = self._world.values[won]
        base = np.asarray(sc.team.hours(), float)
        rows = []
        for k, (a, e) in enumerate(periods):
            in_p = (cw >= a) & (cw < e)
            n_reps = len(sc.team.reps)
            sales = np.bincount(owner[in_p], weights=vals[in_p], minlength=n_reps)
            listed = np.bincount(owner[in_p], weights=listed_all[in_p], minlength=n_reps)
            effort = raw["caps"][:, a:e].mean(axis=1) / base
            # contest rank by the period's sales (1 = best; ties share the better rank)
            rank = pd.Series(sales).rank(ascending=False, method="min").astype(int).to_numpy()
            for r, rep in enumerate(sc.team.reps):
                # the average discount the rep gave, weighted by list value: what a quality gate checks
                disc = float(1 - sales[r] / listed[r]) if listed[r] > 0 else 0.0
                p = plan.payout(sales=float(sales[r]), quota=float(quota[r]), discount=max(disc, 0.0),
                                rank=int(rank[r]))
                rows.append({"rep": rep.name, "period": k + 1, "first_week": a + 1, "weeks": e - a,
                             "quota": float(quota[r]), "sales": float(sales[r]), "attainment": p.attainment,
                             "discount": max(disc, 0.0), "rank": int(rank[r]),
                             "commission": p.commission, "bonus": p.bonus, "total": p.total,
                             "effort": float(effort[r]), "skill": float(skills[r])})
        df = pd.DataFrame(rows)
        self.__dict__["_pay"] = df
        return df

    def _pay_summary(self) -> dict:
        df = self.pay()
        full = df[df.weeks == df.weeks.max()]          # a period cut short by the horizon is not judged
        variable = float((df.commission + df.bonus).sum())
        revenue = float(df.sales.sum())
        return {"pay_total": float(df.total.sum()), "pay_variable": variable,
                "pay_cost_ratio": variable / revenue if revenue else math.nan,
                "quota_reached_share": float((full.attainment >= 1 - 1e-9).mean()) if len(full) else math.nan,
                "attainment_median": float(full.attainment.median()) if len(full) else math.nan,
                "pulled": int((self._discount > 0).sum()), "pushed": int(self._raw.get("pushed", np.zeros(0)).sum())}

    def closes_by_period_week(self) -> pd.DataFrame:
        """Won value and count by week within the plan period (1 = first week): the bunching chart."""
        plan = self.scenario.incentives
        period = plan.period if plan is not None else "quarter"
        bounds = period_bounds(period, self.scenario.horizon_weeks)
        raw = self._raw
        won = raw["outcome"] == 1
        cw = np.floor(raw["closed"][won]).astype(np.int64)
        start = np.zeros(self.scenario.horizon_weeks + 1, dtype=np.int64)
        left = np.zeros(self.scenario.horizon_weeks + 1, dtype=np.int64)
        for a, e in bounds:
            start[a:e] = a
            left[a:e] = e - np.arange(a, e)
        df = pd.DataFrame({"week_in_period": cw - start[cw] + 1, "weeks_to_end": left[cw],
                           "value": self._booked[won], "discount": self._discount[won]})
        return df.groupby(["week_in_period"]).agg(won=("value", "size"), revenue=("value", "sum"),
                                                   discounted=("discount", lambda d: int((d > 0).sum()))).reset_index()
