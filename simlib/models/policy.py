"""Reps responding to plan and target inside a run: the bridge between :mod:`simlib.formulas.behaviour`
(pure decisions) and :mod:`simlib.core.engine` (the clock).

The engine calls :meth:`PlanPolicy.begin_week` at the start of every week, before any rep works
in it, to set each rep's selling hours and to collect the deals reps pull in; and
:meth:`PlanPolicy.on_win` when a deal passes its last stage, to learn when it is booked (now, or
at the start of the next period when the rep pushes it). Reps never see a deal's fate: they plan
with each stage's conversion; whether a pulled deal really closes is the deal's own draw.
"""
from __future__ import annotations

import numpy as np

from simlib.core.people import rep_conversions
from simlib.core.quotas import quotas_for
from simlib.core.scenario import Scenario
from simlib.formulas.behaviour import curve_for, effort_factor, forecast_sd, period_bounds

__all__ = ["PlanPolicy"]

#: a rep pushes a deal to the next period only when it is worth this much more there (asking a
#: customer to wait has a cost the model does not price)
PUSH_MARGIN = 1.5


class PlanPolicy:
    """Weekly effort, pull-ins and push-outs of every rep under the scenario's plan and quotas."""

    def __init__(self, sc: Scenario, values: np.ndarray, skills: np.ndarray):
        self.sc = sc
        self.b = sc.behaviour
        self.rules = self.b.rules
        self.curve = curve_for(sc.incentives)
        self.values = values
        self.horizon = sc.horizon_weeks
        self.periods = period_bounds(sc.incentives.period, self.horizon)
        self.period_of = np.zeros(self.horizon + 1, dtype=np.int64)
        for k, (a, e) in enumerate(self.periods):
            self.period_of[a:e] = k
        self.period_of[self.horizon] = len(self.periods)
        self.quota = quotas_for(sc, skills)
        n_reps = len(sc.team.reps)
        self.base = np.asarray(sc.team.hours(), float)
        conv = rep_conversions(sc, skills)                       # (reps, stages)
        work = np.array([s.work_hours for s in sc.funnel.stages])
        reach = np.hstack([np.ones((n_reps, 1)), np.cumprod(conv, axis=1)])   # P(reach stage k)
        self.p_win_from = np.cumprod(conv[:, ::-1], axis=1)[:, ::-1]         # P(win | at stage k)
        hours_per_lead = (reach[:, :-1] * work).sum(axis=1)
        # the share of a rep's hours new leads take in steady state: its normal prospecting share
        self.lead_share = float(np.mean(np.where(hours_per_lead > 0, work[0] / hours_per_lead, 1.0)))
        dv = sc.funnel.deal_value
        self.mean_value, self.cv = dv.mean, dv.cv
        with np.errstate(divide="ignore", invalid="ignore"):
            self.per_hour = np.where(hours_per_lead > 0, dv.mean * reach[:, -1] / hours_per_lead, 0.0)
        waits = sum(s.wait_weeks for s in sc.funnel.stages)
        # expected weeks to close from each stage: on the desk (this stage's wait is over) or waiting
        wk = np.array([s.wait_weeks for s in sc.funnel.stages], float)
        hrs = work / max(float(self.base.mean()), 1e-9)
        tail_work = np.cumsum(hrs[::-1])[::-1]
        tail_wait = np.cumsum(wk[::-1])[::-1]
        self.rem_wait = tail_wait + tail_work
        self.rem_desk = self.rem_wait - wk
        self.lag = waits + float(work.sum()) / max(float(self.base.mean()), 1e-9)   # weeks lead -> close
        # normal effort: the marginal pay of a rep on track for quota at a period's start
        self.ref = np.ones(n_reps)
        for r, q in enumerate(self.quota):
            if self.b.reference_rate:
                self.ref[r] = self.b.reference_rate
            elif q > 0:
                a, e = self.periods[0]
                sd = forecast_sd(q, self.mean_value, self.cv, q)
                self.ref[r] = self.curve.reference_rate(q, sd)
        self.n_st = len(sc.funnel.stages)
        self.booked = np.zeros((n_reps, len(self.periods) + 1))
        self.effort = np.ones((n_reps, self.horizon))
        self.prospect = np.ones((n_reps, self.horizon))    # value of prospecting ÷ advancing, per week
        self.outlook = np.full((n_reps, self.horizon), np.nan)   # forecast attainment at each week's start
        self.discount = {}                                       # deal -> discount given to pull it in
        self.pushed: set[int] = set()

    # -- forecasts ------------------------------------------------------------------------------
    def _pipeline(self, r: int, deals, stage, now: float, end: float) -> float:
        if not self.rules["pipeline"]:
            return 0.0
        # the weighted pipeline of a CRM: qualified deals (past the lead stage; raw leads are the
        # fresh production of :meth:`_forecast`), each at its chance to win, discounted when the time
        # left is shorter than it usually takes from its stage to a signature
        left = max(end - now, 0.0)
        pw, rem = self.p_win_from[r], self.rem_wait
        total = 0.0
        for i in deals:
            k = stage[i]
            if k:
                total += self.values[i] * pw[k] * (min(1.0, left / rem[k]) if rem[k] > 0 else 1.0)
        return total

    def _forecast(self, r: int, w: int, factor: float, pipeline: float) -> tuple[float, float, int]:
        k = self.period_of[w]
        e = self.periods[k][1]
        left = e - w
        new_weeks = max(0.0, left - self.lag) if self.rules["pipeline"] else float(left)
        fresh = self.per_hour[r] * self.base[r] * factor * new_weeks
        mean = self.booked[r, k] + pipeline + fresh
        sd = forecast_sd(pipeline + fresh, self.mean_value, self.cv, self.quota[r])
        return mean, sd, k

    def _next_marginal(self, r: int, k: int) -> float:
        """What a yuan is worth to rep r in the period after k (a fresh start at normal effort)."""
        if k + 1 >= len(self.periods):
            a, e = self.periods[k]
            length = e - a
        else:
            a, e = self.periods[k + 1]
            length = e - a
        mean = self.per_hour[r] * self.base[r] * max(length - self.lag, 1.0)
        sd = forecast_sd(mean, self.mean_value, self.cv, self.quota[r])
        return float(self.curve.marginal(mean, sd, self.quota[r]))

    # -- engine hooks ---------------------------------------------------------------------------
    def begin_week(self, w: int, r: int, desk: list[int], waiting: list[int], stage: list[int],
                   now: float) -> tuple[float, list[int], tuple[float, bool] | None]:
        """Hours for rep ``r`` in week ``w``, the deals it pulls into this period at a discount, and
        the share of its hours it gives new leads (prospecting) while deals wait to be advanced.

        ``desk`` are the rep's open deals ready for work, ``waiting`` those waiting on the customer.
        Effort follows the marginal pay of the output an hour makes. A rational rep knows that output
        lands about ``lag`` weeks later, so late in a period it weighs next period's pay; a myopic rep
        only sees this period's. A late-stage deal that would close after the period ends is pulled
        in when what the discounted deal adds to this period's expected pay beats what the whole deal
        is worth next period: the rule pulls more as the end nears and the rep's position firms up."""
        k = self.period_of[w]
        e = self.periods[k][1]
        deals = desk + waiting
        pipe = self._pipeline(r, deals, stage, now, e)
        mean, sd, _ = self._forecast(r, w, 1.0, pipe)
        q = self.quota[r]
        self.outlook[r, w] = mean / q if q > 0 else np.nan
        m_now = float(self.curve.marginal(mean, sd, q))
        here = min(1.0, max(0.0, e - now - self.lag + 0.5))   # share of a new lead's output landing now
        m_next = self._next_marginal(r, k) if here < 1.0 else m_now
        m = m_now
        if self.rules["push"]:            # rational: the hour's output may land next period
            m = here * m_now + (1.0 - here) * m_next
        factor = effort_factor(m, self.ref[r], self.b)
        # prospecting against advancing: an hour on a new lead pays when that lead closes (this period
        # or, late in it, the next), an hour on a deal in progress pays this period. A myopic rep
        # counts only this period's pay, so it stops prospecting as the end nears.
        v_lead = here * m_now + (1.0 - here) * (m_next if self.rules["push"] else 0.0)
        v_deal = m_now
        ratio = v_lead / v_deal if v_deal > 1e-12 else (2.0 if v_lead > 0 else 1.0)
        ratio = min(2.0, max(0.0, ratio))
        # ``None`` keeps the scenario's work order (a linear plan changes nothing); otherwise a cap on
        # prospecting hours while deals wait (ratio < 1) or hours kept for it first (ratio > 1)
        prospect = None if abs(ratio - 1.0) < 0.05 else (min(1.0, self.lead_share * ratio), ratio > 1.0)
        self.prospect[r, w] = ratio
        self.effort[r, w] = factor
        pulls: list[int] = []
        d = self.b.discount_authority
        left = e - now
        if self.rules["timing"] and d > 0 and deals and left <= self.b.pull_weeks + 1e-9:
            first = self.n_st - 2                 # the customer is near a decision: proposal on
            late = [i for i in desk if stage[i] >= first and self.rem_desk[stage[i]] > left]
            late += [i for i in waiting if stage[i] >= first and self.rem_wait[stage[i]] > left]
            late = [i for i in late if i not in self.discount]
            if late:
                next_m = self._next_marginal(r, k)
                mean, sd, _ = self._forecast(r, w, factor, pipe)
                for i in sorted(late, key=lambda i: -self.values[i]):
                    x = self.values[i]
                    gain = float(self.curve.expected(mean + x * (1 - d), sd, q) - self.curve.expected(mean, sd, q))
                    if gain > next_m * x:
                        pulls.append(i)
                        self.discount[i] = d
                        mean += x * (1 - d)
        return self.base[r] * factor, pulls, prospect

    def on_win(self, i: int, r: int, now: float) -> float:
        """When deal ``i``, just won by rep ``r``, is booked: now, or pushed to the next period."""
        w = min(int(now), self.horizon - 1)
        k = self.period_of[w]
        e = self.periods[k][1]
        x = self.values[i] * (1 - self.discount.get(i, 0.0))
        book = now
        if self.rules["push"] and e - now <= self.b.push_weeks and i not in self.discount:
            q = self.quota[r]
            sd = forecast_sd(0.0, self.mean_value, self.cv, q)
            now_gain = float(self.curve.expected(self.booked[r, k] + x, sd, q)
                             - self.curve.expected(self.booked[r, k], sd, q))
            if self._next_marginal(r, k) * x > now_gain * PUSH_MARGIN + 1e-9:
                book = float(e)
                self.pushed.add(i)
        kb = self.period_of[min(int(book), self.horizon)] if book < self.horizon else len(self.periods)
        self.booked[r, kb] += x
        return book


