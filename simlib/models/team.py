"""Team dynamics inside a run (COURSE.md §5 "Team", §4 "PIP"): new hires ramping up, seats that
empty and are refilled, mentoring, training and performance-improvement plans, and rep roles.

Everything here is **off by default**: a scenario without a ``people:`` block and without rep
``role`` runs exactly as before (same draws, same code path, same deals). A ``people:`` block turns
on only the parts it names; each part has documented defaults::

    people:
      ramp: {}                 # new hires ramp up (calibrated to S0: 60 % of a tenured rep's output
                               #   in the first 3 months, 85 % with a mentor)
      attrition: {annual_rate: 0.30}      # reps leave; the seat stays empty, then a new hire takes it
      hiring: {vacancy_weeks: 6, max_per_quarter: 2}
      mentoring: {hours_per_week: 2}      # the most tenured reps mentor new hires (S0: attrition −40 %)
      training: [{stage: proposal, lift: 0.25, hours: 6, start_week: 3, weeks: 2}]   # S0: 20 % -> 45 %
      pip: {threshold: 0.6, periods: 2}   # below 60 % for 2 months -> a 13-week PIP (S0, ~90 days)

The model, week by week (the engine calls :meth:`TeamDynamics.begin_week` at the start of every
week, before any rep works in it, as it calls :meth:`simlib.models.policy.PlanPolicy.begin_week`; with
both, the people hook sets the hours a seat has and the plan policy scales them by the rep's effort):

* **Seats.** The engine's reps are *seats* (``team.reps``, by name). A seat has at most one
  occupant; the scenario's rep is the first, later ones are named ``<seat>.2``, ``<seat>.3``, …
  A seat keeps its book of business: while it is vacant its open deals, and new leads routed to it
  (round-robin or random assignment), **wait** for the next occupant, who inherits them (a
  territory without a rep — this is what makes a vacancy cost output). With ``least_loaded``
  assignment a vacant seat gets no new leads. ``res.deals.rep`` names the seat.
* **Ramp** (:class:`Ramp`). An occupant's productivity relative to a tenured rep is
  ``ramp(e) = 1 − (1 − start)·exp(−e / tau_months)``, where ``e`` is experience in months: the rep's
  ``tenure_months`` (a rep without one is fully ramped), growing 12/52 a week, ``ramp_speed`` times
  faster while mentored. ``ramp`` is an *output* ratio: the rep's stage odds are scaled by the one
  factor that makes the chance to win a lead ``ramp ** (1 − hours_share)`` times a tenured rep's with
  the same skill, and its selling hours are ``ramp ** hours_share`` of the seat's (default
  ``hours_share`` 0: all in conversion). Defaults (start 0.23, tau 2 months, mentoring speed 3.4)
  give a mean ramp over the first 3 months of 0.60 without and 0.85 with a mentor (S0's 60 % ->
  85 %); ``tests/test_team.py`` measures it in simulated sales.
* **Deal fates.** With dynamics on, a deal's fate at a stage is decided with the conversion of its
  seat's occupant *at the moment the stage's work starts* (the deal's own uniform for that stage,
  drawn up front, against that week's conversion). Without dynamics the engine decides the same
  thing up front (skill does not change), so the no-dynamics path is untouched.
* **Attrition** (:class:`Attrition`). At the start of each month (4-4-5 weeks) an occupant leaves
  during the month with probability ``annual_rate × weeks in month ÷ 52`` (so leavers ÷ average
  headcount ≈ ``annual_rate`` a year), times ``low_pay_multiplier`` when the pay of the plan period
  just ended was below ``low_pay_below`` × the pay at 100 % attainment (scenarios with a plan),
  times ``target_multiplier`` when the attainment of the appraisal period just ended was below
  ``target_below`` (scenarios with quotas: an unrealistic target), times mentoring's
  ``attrition_multiplier`` while mentored. The leave week is spread over the month.
* **Hiring** (:class:`Hiring`). A seat left empty (a quit, a PIP exit) stays vacant
  ``vacancy_weeks``, then a new hire (``tenure_months`` 0 by default) takes it, at most
  ``max_per_quarter`` hires per 13-week quarter (the rest wait for the next quarter). A new hire's
  skill is ``hiring.skill`` times the team's spread (``team.skill_cv``); the seat keeps its role.
* **Mentoring** (:class:`Mentoring`, S0). Occupants in their first ``months`` months are mentees;
  each gets a mentor (the named ``mentors``' original occupants, or else the most tenured reps with
  at least ``min_tenure_months``), at most ``max_mentees`` per mentor. A mentor gives
  ``hours_per_week`` per mentee (fewer selling hours); a mentee ramps ``ramp_speed`` times faster
  and quits ``attrition_multiplier`` times as often (S0: −40 %).
* **Training** (:class:`Training`). Each trainee spends ``hours`` a week for ``weeks`` weeks from
  ``start_week`` (fewer selling hours); afterwards the trained stage's conversion is raised by
  ``lift`` (percentage points, before skill and ramp: S0's case 20 % -> 45 % is ``lift: 0.25``).
  The lift stays with the person (a successor is untrained).
* **PIP** (:class:`Pip`, S0). At the end of each appraisal ``period`` an occupant's attainment is
  sales in the period ÷ quota (prorated to the weeks in the seat; without quotas, ÷ the team's mean
  sales per occupied seat-week). Below ``threshold`` for ``periods`` periods in a row (after the
  first ``exempt_months``) starts a ``weeks``-long PIP with weekly check-ins (``checkin_hours``).
  Each check-in records the rep's mean weekly sales over the last ``window_weeks`` weeks against a
  weekly target of ``target`` × quota; at the end :func:`simlib.formulas.appraisal.evaluate_pip` decides:
  passed (back to normal), extended (once, by the rules' ``extension_days``), or exit (the seat
  goes vacant and is refilled as above).
* **Roles** (:data:`ROLE_EFFECTS`, S0/S3: hunter / farmer / consultant / key account). A seat's
  ``role`` scales the odds of its first, middle and last stages and sets how it splits its week
  between new leads and deals in progress.

Randomness: every people decision draws from the ``people`` stream (:mod:`simlib.base.rng`), drawn up
front per seat and month, so a people decision never moves another lead's arrival, value or the
uniforms that decide its fate (common random numbers): turning mentoring on changes who works how
much and how well, not the world.
"""
from __future__ import annotations

import math
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from simlib.base.rng import Streams
from simlib.core.people import (
    MAX_SEAT_HIRES,
    ROLE_EFFECTS,
    STATES,
    WEEK_MONTHS,
    People,
    draw_people,
    ramp_curve,
)
from simlib.core.quotas import quotas_for
from simlib.formulas.appraisal import PipPlan, evaluate_pip
from simlib.formulas.behaviour import PERIOD_WEEKS, period_bounds
from simlib.formulas.odds import odds_scale, solve_odds

if TYPE_CHECKING:  # pragma: no cover
    from simlib.core.scenario import Scenario

__all__ = ["TeamDynamics"]


# ---------------------------------------------------------------------------------------------
# The weekly hook
# ---------------------------------------------------------------------------------------------
class TeamDynamics:
    """Seats, occupants and their states through one run; the engine's weekly people hook.

    The engine calls :meth:`begin_week` at the start of each week (it returns the seats' selling
    hours and updates :attr:`conv`, each seat's stage conversions for the week, in place) and
    :meth:`won` when a seat books a won deal. :meth:`tables` gives the seat-week and event tables.
    """

    def __init__(self, sc: Scenario, world, policy=None):
        self.sc = sc
        self.cfg = cfg = sc.people if sc.people is not None else People()
        self.policy = policy
        reps = sc.team.reps
        self.names = [r.name for r in reps]
        n = self.n = len(reps)
        H = self.horizon = sc.horizon_weeks
        stages = sc.funnel.stages
        self.n_st = n_st = len(stages)
        self.p = np.array([s.conversion for s in stages], float)
        self.values = world.values
        draws = getattr(world, "people", None)
        if draws is None:
            draws = draw_people(sc, Streams(world.seed)["people"])
        self.quit_u, self.hire_z = draws["quit_u"], draws["hire_z"]
        self.months = period_bounds("month", H)
        self.month_of_start = {a: (k, e - a) for k, (a, e) in enumerate(self.months)}
        self.appraisal_ends = {e: a for a, e in period_bounds(cfg.period, H)}
        plan = sc.incentives
        self.plan = plan
        self.pay_ends = {e: a for a, e in period_bounds(plan.period, H)} if plan is not None else {}
        has_quotas = sc.quotas is not None or all(r.quota is not None for r in reps)
        if has_quotas:
            period = plan.period if plan is not None else "quarter"
            weeks = PERIOD_WEEKS[period] or 13 / 3
            self.quota = quotas_for(sc, world.skills if world.skills is not None else np.ones(n))
            self.quota_week = self.quota / weeks
        else:
            self.quota = self.quota_week = None
        # roles: stage odds multipliers and the week's split between new leads and deals
        self.role_mult = np.ones((n, n_st))
        self.prospect: list = [None] * n
        for r, rep in enumerate(reps):
            if rep.role is not None:
                eff = ROLE_EFFECTS[rep.role]
                row = np.full(n_st, eff["middle"])
                row[0] = eff["first"]
                row[-1] = eff["last"] if n_st > 1 else eff["first"] * eff["last"]
                self.role_mult[r] = row
                self.prospect[r] = eff["new_leads"]
        # occupants
        skills = world.skills if world.skills is not None else np.ones(n)
        self.skill = np.asarray(skills, float).copy()
        self.occ = [1] * n                        # occupant number in the seat; 0 = vacant
        self.n_occ = [1] * n                      # occupants the seat has had
        self.occ_name: list[str | None] = list(self.names)
        ten = [r.tenure_months for r in reps]
        self.tenure = np.array([math.inf if t is None else float(t) for t in ten])
        self.exper = self.tenure.copy()
        self.lifts = np.zeros((n, n_st))              # trained lifts of the occupants (past training: rep.lifts)
        for r, rep in enumerate(reps):
            for stage, lift in (rep.lifts or {}).items():
                self.lifts[r, sc.stage_names.index(stage)] = lift
        self.hire_week = np.zeros(n, dtype=np.int64)
        self.vacant_since = np.full(n, -1, dtype=np.int64)
        self.leave_at = np.full(n, -1, dtype=np.int64)   # week a decided quit takes effect
        self.low_pay = np.zeros(n, dtype=bool)
        self.low_target = np.zeros(n, dtype=bool)
        self.low_count = np.zeros(n, dtype=np.int64)
        self.pip: dict[int, dict] = {}
        self.pip_done_week = np.full(n, -1, dtype=np.int64)
        self.mentor_of = np.full(n, -1, dtype=np.int64)   # mentee seat -> mentor seat, this week
        self.hires_q: dict[int, int] = {}
        self.training_now: dict[int, set] = {}            # training index -> {(seat, occupant)}
        # outputs
        self.sales = np.zeros((n, H))
        self.occ_week = np.zeros((n, H), dtype=np.int64)
        self.t_tenure = np.full((n, H), np.nan)
        self.t_ramp = np.full((n, H), np.nan)
        self.t_skill = np.full((n, H), np.nan)
        self.t_hours = np.zeros((n, H))
        self.t_state = np.zeros((n, H), dtype=np.int64)
        self.t_mentor = np.full((n, H), -1, dtype=np.int64)
        self.t_mentees = np.zeros((n, H), dtype=np.int64)
        self.t_training = np.zeros((n, H), dtype=bool)
        self.t_pip = np.zeros((n, H), dtype=bool)
        self.t_name: list[list] = [[None] * H for _ in range(n)]
        self.events: list[tuple] = []     # (week index, seat, person, event, detail, tenure)
        base = odds_scale(self.p, self.skill[:, None] ** (1.0 / max(n_st, 1)) * self.role_mult)
        self.conv: list[list[float]] = base.tolist()
        self.hours: list[float] = [0.0] * n

    # -- bookkeeping ------------------------------------------------------------------------------
    def _event(self, w: int, r: int, kind: str, detail: str = "", person: str | None = None) -> None:
        ten = self.tenure[r] if self.occ[r] else math.nan
        self.events.append((w, r, person if person is not None else self.occ_name[r], kind, detail, ten))

    def _in_seat_sales(self, r: int, a: int, e: int) -> tuple[float, int]:
        """Sales of the seat's current occupant in weeks [a, e) and the weeks it was there."""
        mine = self.occ_week[r, a:e] == self.occ[r]
        return float(self.sales[r, a:e][mine].sum()), int(mine.sum())

    def _team_rate(self, a: int, e: int) -> float:
        """The team's mean sales per occupied seat-week in weeks [a, e)."""
        occupied = self.occ_week[:, a:e] > 0
        weeks = occupied.sum()
        return float(self.sales[:, a:e][occupied].sum() / weeks) if weeks else 0.0

    def _leave(self, w: int, r: int, kind: str, detail: str = "") -> None:
        self._event(w, r, kind, detail)
        self.pip.pop(r, None)
        self.occ[r] = 0
        self.occ_name[r] = None
        self.vacant_since[r] = w
        self.leave_at[r] = -1
        self.mentor_of[r] = -1
        self.mentor_of[self.mentor_of == r] = -1

    def _hire(self, w: int, r: int) -> None:
        h = self.cfg.hiring
        k = self.n_occ[r] = self.n_occ[r] + 1
        self.occ[r] = k
        self.occ_name[r] = f"{self.names[r]}.{k}"
        self.tenure[r] = self.exper[r] = h.tenure_months
        cv = self.sc.team.skill_cv
        z = self.hire_z[r, min(k - 1, MAX_SEAT_HIRES - 1)]
        spread = math.exp(math.sqrt(math.log1p(cv * cv)) * z - math.log1p(cv * cv) / 2) if cv > 0 else 1.0
        self.skill[r] = h.skill * spread
        self.lifts[r] = 0.0
        self.hire_week[r] = w
        self.vacant_since[r] = -1
        self.low_pay[r] = self.low_target[r] = False
        self.low_count[r] = 0
        self._event(w, r, "hire")

    # -- engine hooks -------------------------------------------------------------------------------
    def won(self, r: int, when: float, i: int) -> None:
        """Seat ``r`` booked deal ``i`` at time ``when`` (weeks)."""
        w = int(when)
        if w < self.horizon:
            d = self.policy.discount.get(i, 0.0) if self.policy is not None else 0.0
            self.sales[r, w] += self.values[i] * (1 - d)

    def begin_week(self, w: int, caps: list[float]) -> list[float]:
        """Advance the team to the start of week ``w`` (0-based): tenure, check-ins and PIP outcomes,
        period-end appraisals, leavers, hires, training, mentoring and the month's leaving decisions;
        then set each seat's hours (``caps``: the seat's hours before people effects) and stage
        conversions for the week. Returns the hours."""
        cfg = self.cfg
        if w:
            self._advance(w)
        if cfg.pip is not None:
            self._pip_checkins(w)
        if w in self.appraisal_ends:
            self._appraise(w, self.appraisal_ends[w])
        if w in self.pay_ends and cfg.attrition is not None:
            self._pay_feedback(w, self.pay_ends[w])
        for r in range(self.n):
            if self.occ[r] and self.leave_at[r] == w:
                self._leave(w, r, "quit")
        self._hires(w)
        self._training(w)
        if cfg.mentoring is not None:
            self._mentoring(w)
        if cfg.attrition is not None and w in self.month_of_start and self._attrition(w):
            self._hires(w)            # someone left at once: refill (vacancy 0) and re-pair mentees
            if cfg.mentoring is not None:
                self._mentoring(w)
        return self._week(w, caps)

    # -- steps --------------------------------------------------------------------------------------
    def _advance(self, w: int) -> None:
        speed = self.cfg.mentoring.ramp_speed if self.cfg.mentoring is not None else 1.0
        mentored = self.mentor_of >= 0
        self.tenure += WEEK_MONTHS
        self.exper += np.where(mentored, speed, 1.0) * WEEK_MONTHS

    def _pip_checkins(self, w: int) -> None:
        pip = self.cfg.pip
        for r in sorted(self.pip):
            st = self.pip[r]
            if w - 1 < st["start"]:
                continue
            lo = max(int(self.hire_week[r]), w - pip.window_weeks)
            st["records"].append({"sales": float(self.sales[r, lo:w].mean())})
            if len(st["records"]) == st["weeks"]:
                self._pip_evaluate(w, r, st)

    def _pip_evaluate(self, w: int, r: int, st: dict) -> None:
        pip = self.cfg.pip
        plan = PipPlan(employee=self.occ_name[r], start=date(2025, 1, 6) + timedelta(weeks=st["start"]),
                       days=7 * st["weeks"], diagnosis="attainment below the threshold",
                       targets={"sales": st["target"]}, support=["weekly check-in"],
                       extensions_used=st["extensions"], rules=pip.rules)
        res = evaluate_pip(plan, st["records"])
        outcome = res.outcome.value
        if outcome == "extended":
            ext = max(-(-pip.rules.extension_days // 7), pip.rules.final_weeks, 4)
            self._event(w, r, "pip_end", "extended")
            self.pip[r] = {"start": w, "weeks": ext, "target": st["target"], "records": [],
                           "extensions": st["extensions"] + 1, "first": st["first"]}
            self._event(w, r, "pip_start", "extension")
            return
        self._event(w, r, "pip_end", outcome)
        del self.pip[r]
        self.pip_done_week[r] = w
        self.low_count[r] = 0
        if outcome == "exit":
            self._leave(w, r, "exit", "pip")

    def _appraise(self, w: int, a: int) -> None:
        """End of an appraisal period [a, w): attainment of each occupant; PIP entries; target flags."""
        cfg = self.cfg
        if cfg.pip is None and (cfg.attrition is None or self.quota_week is None):
            return
        rate = self._team_rate(a, w)
        for r in range(self.n):
            if not self.occ[r]:
                continue
            sales, weeks = self._in_seat_sales(r, a, w)
            if weeks == 0:
                continue
            if self.quota_week is not None:
                expect = self.quota_week[r] * weeks
            else:
                expect = rate * weeks
            if expect <= 0:
                continue
            att = sales / expect
            if cfg.attrition is not None and self.quota_week is not None:
                self.low_target[r] = att < cfg.attrition.target_below
            pip = cfg.pip
            if pip is None or r in self.pip:
                continue
            # only periods the rep began past the exempt months, and after its last PIP, count
            began = self.tenure[r] - (w - a) * WEEK_MONTHS
            eligible = began >= pip.exempt_months - 1e-9 and a >= self.pip_done_week[r]
            self.low_count[r] = self.low_count[r] + 1 if (att < pip.threshold and eligible) else 0
            if self.low_count[r] >= pip.periods:
                per_week = self.quota_week[r] if self.quota_week is not None else rate
                target = per_week * pip.target
                if target > 0:
                    self.pip[r] = {"start": w, "weeks": pip.weeks, "target": float(target), "records": [],
                                   "extensions": 0, "first": w}
                    self._event(w, r, "pip_start", f"{att:.2f}")
                self.low_count[r] = 0

    def _pay_feedback(self, w: int, a: int) -> None:
        """End of a plan period [a, w): was the occupant's pay below what it expected?"""
        plan, att = self.plan, self.cfg.attrition
        for r in range(self.n):
            if not self.occ[r] or self.quota is None:
                continue
            sales, weeks = self._in_seat_sales(r, a, w)
            if weeks == 0:
                continue
            q = float(self.quota[r]) * weeks / (w - a)
            if q <= 0:
                continue
            pay = plan.payout(sales=sales, quota=q).total
            normal = plan.payout(sales=q, quota=q).total
            self.low_pay[r] = pay < att.low_pay_below * normal

    def _hires(self, w: int) -> None:
        h = self.cfg.hiring
        if not h.backfill:
            return
        ready = [r for r in range(self.n) if not self.occ[r] and self.vacant_since[r] >= 0
                 and w >= self.vacant_since[r] + h.vacancy_weeks]
        ready.sort(key=lambda r: (self.vacant_since[r], r))
        q = w // 13
        for r in ready:
            used = self.hires_q.get(q, 0)
            if h.max_per_quarter is not None and used >= h.max_per_quarter:
                break
            self.hires_q[q] = used + 1
            self._hire(w, r)

    def _training(self, w: int) -> None:
        for k, tr in enumerate(self.cfg.training):
            s = tr.start_week - 1
            if w == s:
                who = set(tr.reps) if tr.reps is not None else None
                group = {(r, self.occ[r]) for r in range(self.n)
                         if self.occ[r] and (who is None or self.names[r] in who)}
                self.training_now[k] = group
                for r, _ in sorted(group):
                    self._event(w, r, "training", tr.stage)
            if w == s + tr.weeks:
                j = self.sc.stage_names.index(tr.stage)
                for r, o in self.training_now.pop(k, set()):
                    if self.occ[r] == o:
                        self.lifts[r, j] += tr.lift

    def _in_training(self, r: int) -> float:
        """Hours seat r's occupant spends in training this week."""
        hrs = 0.0
        for k, group in self.training_now.items():
            if (r, self.occ[r]) in group:
                hrs += self.cfg.training[k].hours
        return hrs

    def _mentoring(self, w: int) -> None:
        m = self.cfg.mentoring
        occupied = np.array([o > 0 for o in self.occ])
        mentee = occupied & (self.tenure < m.months - 1e-9)
        if m.mentors is not None:
            named = {self.names.index(x) for x in m.mentors}
            can = np.array([r in named and self.occ[r] == 1 for r in range(self.n)])
        else:
            can = occupied & (self.tenure >= m.min_tenure_months)
        can &= ~mentee & np.array([r not in self.pip for r in range(self.n)])
        # keep pairs that still hold; drop the rest
        for r in range(self.n):
            j = self.mentor_of[r]
            if j >= 0 and not (mentee[r] and can[j]):
                self.mentor_of[r] = -1
        load = np.bincount(self.mentor_of[self.mentor_of >= 0], minlength=self.n)
        order = sorted(np.flatnonzero(can), key=lambda j: (-self.tenure[j], j))
        for r in np.flatnonzero(mentee & (self.mentor_of < 0)):
            free = [j for j in order if load[j] < m.max_mentees]
            if not free:
                break
            j = min(free, key=lambda j: load[j])     # the least loaded, most tenured first
            self.mentor_of[r] = j
            load[j] += 1

    def _attrition(self, w: int) -> bool:
        """The month's leaving decisions; whether anyone left at once (in week ``w``)."""
        att = self.cfg.attrition
        now = False
        k, length = self.month_of_start[w]
        m = self.cfg.mentoring
        for r in range(self.n):
            if not self.occ[r] or self.leave_at[r] >= 0:
                continue
            p = att.annual_rate * length / 52
            if self.low_pay[r]:
                p *= att.low_pay_multiplier
            if self.low_target[r]:
                p *= att.target_multiplier
            if m is not None and self.mentor_of[r] >= 0:
                p *= m.attrition_multiplier
            u = self.quit_u[r, k]
            if u < p:     # leaves during the month: in week w + j, j spread evenly by the same draw
                leave = w + min(int(u / p * length), length - 1)
                if leave == w:
                    self._leave(w, r, "quit")
                    now = True
                else:
                    self.leave_at[r] = leave
        return now

    def _week(self, w: int, caps: list[float]) -> list[float]:
        cfg = self.cfg
        n = self.n
        ramp_cfg = cfg.ramp
        occupied = np.array([o > 0 for o in self.occ])
        if ramp_cfg is not None:
            # the week's productivity: the curve at the middle of the week (one value per week)
            speed = np.where(self.mentor_of >= 0, cfg.mentoring.ramp_speed, 1.0) if cfg.mentoring else 1.0
            mid = self.exper + 0.5 * WEEK_MONTHS * speed
            r_now = ramp_curve(np.where(np.isfinite(mid), mid, 1e9), ramp_cfg.start, ramp_cfg.tau_months)
            r_now = np.where(np.isfinite(self.exper) & (r_now < 1 - 1e-9), r_now, 1.0)
            h_share = ramp_cfg.hours_share
        else:
            r_now = np.ones(n)
            h_share = 0.0
        m = self.skill[:, None] ** (1.0 / max(self.n_st, 1)) * self.role_mult
        p = np.clip(self.p + self.lifts, 0.0, 1.0) if self.lifts.any() else self.p
        q = odds_scale(p, m)
        eff_skill = self.skill.copy()
        f = r_now ** (1.0 - h_share)
        low = occupied & (f < 1.0)
        if low.any():
            x = solve_odds(q[low], f[low])
            q[low] = odds_scale(p if p.ndim == 1 else p[low], m[low] * x[:, None])
            eff_skill[low] = self.skill[low] * x ** self.n_st
        for r in range(n):
            self.conv[r][:] = q[r].tolist()
        mentees = np.bincount(self.mentor_of[self.mentor_of >= 0], minlength=n)
        mh = cfg.mentoring.hours_per_week if cfg.mentoring is not None else 0.0
        pip_h = cfg.pip.checkin_hours if cfg.pip is not None else 0.0
        for r in range(n):
            if not occupied[r]:
                self.hours[r] = 0.0
                self.t_state[r, w] = 0
                continue
            train = self._in_training(r) if self.training_now else 0.0
            hrs = caps[r] * (r_now[r] ** h_share if h_share else 1.0) - mh * mentees[r] - train
            on_pip = r in self.pip
            if on_pip:
                hrs -= pip_h
            self.hours[r] = max(hrs, 0.0)
            self.occ_week[r, w] = self.occ[r]
            self.t_name[r][w] = self.occ_name[r]
            self.t_tenure[r, w] = self.tenure[r] if np.isfinite(self.tenure[r]) else np.nan
            self.t_ramp[r, w] = r_now[r]
            self.t_skill[r, w] = eff_skill[r]
            self.t_mentor[r, w] = self.mentor_of[r]
            self.t_mentees[r, w] = mentees[r]
            self.t_training[r, w] = train > 0
            self.t_pip[r, w] = on_pip
            self.t_state[r, w] = (1 if on_pip else 2 if train > 0 else 3 if self.mentor_of[r] >= 0
                                  else 4 if mentees[r] else 5)
        self.t_hours[:, w] = self.hours
        return self.hours

    # -- results --------------------------------------------------------------------------------------
    def tables(self):
        """``(people, events)`` DataFrames (see :attr:`simlib.core.results.SimResult.people`)."""
        n, H = self.n, self.horizon
        names = np.array(self.names, dtype=object)
        who = np.empty((n, H), dtype=object)
        for r in range(n):
            who[r, :] = self.t_name[r]
        mentor = np.where(self.t_mentor >= 0, self.t_mentor, 0)
        mentor_name = np.where(self.t_mentor >= 0, who[mentor, np.arange(H)[None, :]], None)
        roles = np.array([r.role for r in self.sc.team.reps], dtype=object)
        people = pd.DataFrame({
            "seat": np.repeat(names, H),
            "week": np.tile(np.arange(1, H + 1), n),
            "occupant": who.reshape(-1),
            "tenure_months": self.t_tenure.ravel(),
            "ramp": self.t_ramp.ravel(),
            "skill": self.t_skill.ravel(),
            "state": np.array(STATES, dtype=object)[self.t_state.ravel()],
            "hours": self.t_hours.ravel(),
            "role": np.repeat(roles, H),
            "mentor": mentor_name.reshape(-1),
            "mentees": self.t_mentees.ravel(),
            "training": self.t_training.ravel(),
            "pip": self.t_pip.ravel(),
            "sales": self.sales.ravel(),
        })
        ev = self.events
        events = pd.DataFrame({
            "week": np.array([e[0] + 1 for e in ev], dtype=np.int64),
            "seat": np.array([self.names[e[1]] for e in ev], dtype=object),
            "person": np.array([e[2] for e in ev], dtype=object),
            "event": np.array([e[3] for e in ev], dtype=object),
            "detail": np.array([e[4] for e in ev], dtype=object),
            "tenure_months": np.array([e[5] if np.isfinite(e[5]) else np.nan for e in ev], dtype=float),
        })
        return people, events
