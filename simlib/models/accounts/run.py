"""The monthly run of an account base (COURSE.md §6 "Customers"; §5's customer-success case).

A book of accounts — profits from :func:`simlib.formulas.customers.synthetic_accounts`, tiered A/B/C by
profit as :func:`simlib.formulas.customers.abc_tiers` does (A ≈ 20 % of the accounts and ≈ 80 % of the
profit, S0; a new account joins the tier its profit falls in) — is
served for a number of months by a team with limited visit hours and, optionally, by dedicated
account managers (S0's customer success). Each month, for every account, vectorised over accounts:

1. **Prospects.** Non-referral prospects arrive (Poisson, ``acquisition.prospects_per_month``) and
   referred ones come from promoters (step 6). A prospect is in the *attract* stage and converts at
   the end of each month with the source's ``conversion`` probability, or drops out after
   ``max_months``. A converted prospect becomes an account the next month (*convert* stage for
   ``lifecycle.onboarding_months``; it places its first order that month) with a new contract.
2. **Visits.** Each active account is planned visits by :func:`~simlib.models.accounts.visits.plan_visits`
   (dedicated managers, then the team's hours spread by the policy's ``visit_plan``: ``norm``,
   ``equal`` or ``focus``, S3's 80/20). Visits are a schedule, not a
   lottery: an account planned 0.25 visits a month gets one every fourth month. *Coverage* is the
   visits of the last ``renewal.window_months`` months ÷ the tier's norm over that window (months
   before the account's start count at the planned rate), capped at ``renewal.max_coverage``.
3. **Complaints.** Each account files Poisson(``complaints_per_month``) complaints (at most
   ``complaints.max_per_month``), each general / urgent / major with SLAs 24 h / 4 h / 1 h
   (:data:`simlib.formulas.customers.COMPLAINT_SLA_HOURS`, S2). The first response takes a lognormal time
   with the probability ``on_time`` (``manager_on_time`` for a managed account) of being within its
   SLA; a complaint answered late is resolved less often (``resolved_late``) than one answered in
   time (``resolved_on_time``). Unresolved complaints count against the next renewal.
4. **Satisfaction** is a state s on 0–10 that moves a share ``speed`` of the way to its target
   each month: ``target + visit·(coverage − 1) + manager·[managed] − complaint·complaints −
   breach·SLA breaches`` (plus noise). Every active account answers a monthly survey: NPS answer =
   round(s + noise), 0–10 (promoters 9–10, detractors 0–6) and CSAT answer = round(1 + 0.4·(s +
   the same noise)), 1–5 (satisfied ≥ 4), the definitions of :func:`simlib.formulas.customers.nps` and
   :func:`simlib.formulas.customers.csat`.
5. **Orders.** An account orders with its tier's monthly ``order_probability`` (raised by
   ``orders.visit_lift`` per unit of coverage above 1, lowered below). The mean order is the tier's
   ``order_value`` or, when that is null, the account's annual revenue ÷ (12 × probability), so an
   account served at its norm buys its revenue of the account table in a year; values are lognormal
   (``orders.value_cv``), ``orders.deepen_uplift`` higher in the *deepen* stage (cross-/up-sell).
6. **Referrals.** A promoter refers a prospect with its tier's ``referral_rate`` a month.
7. **Renewal.** A contract runs ``renewal.term_months``; in its last month the account renews with
   odds = odds(tier ``renewal``) × ``visit_odds`` ^ (coverage − 1) × ``manager_odds`` ^ [managed] ×
   ``unresolved_odds`` ^ (unresolved complaints in the term). With every effect at 1 the renewal
   probability is the tier's ``renewal`` (per term, or per year with ``basis: annual``). An account
   that does not renew churns; a churned account is won back with probability ``win_back.monthly``
   each month for ``win_back.months`` months, else it is lost.

The lifecycle stage of an account-month (:class:`simlib.formulas.customers.Lifecycle`, S0) follows:
*attract* (a prospect), *convert* (onboarding), *win back* (churned, won back this month, or at
risk: s < ``lifecycle.at_risk_below``), *deepen* (s ≥ ``lifecycle.deepen_at``), else *maintain*.

The model is monthly: every account is decided once a month, in the same order, so it is a plain
loop over months with numpy arrays over accounts. A discrete-event engine (SimPy, as in
:mod:`simlib.core.engine`) would add nothing but cost: no queue, no resource held between events, so
SimPy is not used. A 12-month run of 1,000 accounts takes 30–45 ms on the 2-core CI machine
(``tests/test_accounts.py`` measures it).

The run keeps one entry per account slot (:class:`MonthlyRun`): the starting book, then prospects in the
order they appear, each with its draws from :class:`~simlib.models.accounts.streams.SourceDraws`.
"""
from __future__ import annotations

import math
from enum import IntEnum
from statistics import NormalDist
from typing import Any

import numpy as np

from simlib.base.rng import Streams
from simlib.formulas.targets import split
from simlib.models.accounts.spec import SEVERITIES, SOURCES, TIERS, AccountPolicy, AccountsSpec
from simlib.models.accounts.streams import (
    ATTRIBUTES,
    DRAW_NAMES,
    PER_ACCOUNT,
    PER_COMPLAINT,
    PER_MONTH,
    SourceDraws,
)
from simlib.models.accounts.visits import plan_visits, visit_capacity

__all__ = ["STATUSES", "MonthlyRun", "Status"]


class Status(IntEnum):
    """An account slot's status; the run keeps the codes, :data:`STATUSES` their names."""
    NONE = 0
    PROSPECT = 1
    ACTIVE = 2
    CHURNED = 3
    LOST = 4
    DROPPED = 5


STATUSES: tuple[str, ...] = tuple(s.name.lower() for s in Status)
"""Status names by code: none, prospect, active, churned, lost, dropped."""
_ATTRACT, _CONVERT, _MAINTAIN, _DEEPEN, _WIN_BACK = range(5)         # codes of spec.STAGES


def _tiers_of(profit: np.ndarray, shares: tuple[float, float, float]) -> np.ndarray:
    """Tier indices (0 = A) by profit, best first, the counts split by largest remainder: exactly
    :func:`simlib.formulas.customers.abc_tiers` (``by="profit"``, ``method="accounts"``), without the tables."""
    counts = split(len(profit), dict(zip(TIERS, shares, strict=True)))
    order = np.argsort(-profit, kind="stable")
    tier = np.empty(len(profit), dtype=np.int64)
    tier[order] = np.repeat(np.arange(3), [int(counts[k]) for k in TIERS])
    return tier


def _logit(p: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.log(p) - np.log1p(-p)


def _delay(u: np.ndarray, p: float) -> np.ndarray:
    """Months a prospect stays before converting (geometric, 0 = converts at the end of its first
    month), from one uniform each; ∞ when it never would."""
    if p >= 1:
        return np.zeros_like(u)
    if p <= 0:
        return np.full_like(u, np.inf)
    return np.floor(np.log1p(-u) / math.log1p(-p))


def _z_on_time(p: float) -> float:
    return NormalDist().inv_cdf(min(max(p, 1e-12), 1 - 1e-12))


class MonthlyRun:
    """One run's state: one entry per account slot (the base, then prospects in creation order).

    Args:
        spec, policy: the scenario and the policy it runs under.
        streams: the run's :class:`~simlib.base.rng.Streams` over
            :data:`~simlib.models.accounts.streams.STREAM_NAMES`.
        months: months to run.

    Attributes:
        s: the slots' state and draws by name (the first :attr:`used` rows are slots).
        used: slots in use; slot_names: their names.
    """

    def __init__(self, spec: AccountsSpec, policy: AccountPolicy, streams: Streams, months: int):
        self.spec, self.pol, self.M = spec, policy, months
        n = spec.accounts.n
        self.banks = [SourceDraws(streams, s, spec, months) for s in SOURCES]
        self.acq_counts = streams["acquisition"].poisson(spec.acquisition.prospects_per_month, months)
        self.cap = 0
        self.used = 0
        self._rows_taken = [0, 0, 0]
        self.s: dict[str, np.ndarray] = {}
        self.slot_names: list[str] = []
        tp = [spec.tiers.of(k) for k in TIERS]
        self.q = np.array([x.order_probability for x in tp])
        self.norm = np.array([x.visits_per_month for x in tp])
        renew = np.array([x.renewal for x in tp])
        if spec.renewal.basis == "annual":
            renew = renew ** (spec.renewal.term_months / 12)
        self.renew_base = renew
        self.order_value = [x.order_value for x in tp]
        # the base and its tiers (A = the best-ranked share of the accounts by profit, S0)
        base = self.banks[0]
        base.ensure(n)
        prof = base.data["profit"][:n].astype(float)
        self.base_tier = _tiers_of(prof, tuple(x.share for x in tp))
        mins = [prof[self.base_tier == i].min() if (self.base_tier == i).any() else np.inf for i in range(3)]
        self.cut_a = mins[0]
        self.cut_b = mins[1] if np.isfinite(mins[1]) else mins[0]
        slots = self._new(0, n)
        self.s["tier"][slots] = self.base_tier
        self.s["order_mean"][slots] = self._order_mean(slots)
        self._activate(slots, -1)
        self.s["due"][slots] = np.floor(self.s["contract"][slots] * spec.renewal.term_months).astype(int)

    # -- slots ------------------------------------------------------------------------------------
    def _grow(self, need: int) -> None:
        if need <= self.cap:
            return
        cap = max(need, 2 * self.cap, 64)
        m, k = self.M, self.spec.complaints.max_per_month
        shapes: dict[str, tuple[tuple[int, ...], Any, Any]] = {
            **{c: ((), float, 0.0) for c in PER_ACCOUNT + ("profit", "margin", "revenue", "order_mean", "sat",
                                                          "cum_plan")},
            **{c: ((m,), float, 0.0) for c in PER_MONTH}, **{c: ((m, k), float, 0.0) for c in PER_COMPLAINT},
            **{c: ((), np.int64, -1) for c in ("source", "row", "tier", "status", "created", "joined", "convert_at",
                                               "drop_at", "due", "wb_until", "referred_by", "churned_at")},
            **{c: ((), np.int64, 0) for c in ("unresolved", "onboard_until", "won_back", "referrals_made")},
            "industry": ((), object, None), "region": ((), object, None), "vis_hist": ((m,), float, 0.0),
        }
        for c, (shape, dtype, fill) in shapes.items():
            arr = np.full((cap, *shape), fill, dtype=dtype)
            if c in self.s:
                arr[: self.used] = self.s[c][: self.used]
            self.s[c] = arr
        self.s["status"][self.used:] = Status.NONE
        self.cap = cap

    def _new(self, source: int, count: int) -> np.ndarray:
        """``count`` new slots from ``source``'s bank, in order."""
        bank = self.banks[source]
        first_row = self._rows_taken[source]
        rows = np.arange(first_row, first_row + count)
        self._rows_taken[source] += count
        bank.ensure(first_row + count)
        slots = np.arange(self.used, self.used + count)
        self._grow(self.used + count)
        self.used += count
        for c in DRAW_NAMES + ATTRIBUTES:
            self.s[c][slots] = bank.data[c][rows]
        self.s["source"][slots] = source
        self.s["row"][slots] = rows
        self.s["status"][slots] = Status.PROSPECT
        self.slot_names += [bank.names[r] for r in rows]
        if source:
            prof = self.s["profit"][slots]
            self.s["tier"][slots] = np.where(prof >= self.cut_a, 0, np.where(prof >= self.cut_b, 1, 2))
            self.s["order_mean"][slots] = self._order_mean(slots)
        return slots

    def _order_mean(self, slots: np.ndarray) -> np.ndarray:
        tier = self.s["tier"][slots]
        q = self.q[tier]
        own = self.s["revenue"][slots] / (12 * np.where(q > 0, q, 1.0))
        fixed = np.array([np.nan if v is None else v for v in self.order_value])[tier]
        return np.where(np.isnan(fixed), own, fixed)

    def _activate(self, slots: np.ndarray, month: int) -> None:
        s, sp = self.s, self.spec
        s["status"][slots] = Status.ACTIVE
        s["joined"][slots] = month
        s["sat"][slots] = np.clip(sp.satisfaction.start + sp.satisfaction.start_sd * s["z_start"][slots], 0, 10)
        s["unresolved"][slots] = 0
        if month >= 0:
            s["due"][slots] = month + sp.renewal.term_months - 1
            s["onboard_until"][slots] = month + sp.lifecycle.onboarding_months

    def _prospects(self, source: int, count: int, month: int, uniforms: np.ndarray | None = None,
                   referred_by: np.ndarray | None = None) -> np.ndarray:
        slots = self._new(source, count)
        sp = self.spec.referrals if source == 2 else self.spec.acquisition
        u = self.s["convert"][slots] if uniforms is None else uniforms
        d = _delay(u, sp.conversion)
        conv = d < sp.max_months
        self.s["created"][slots] = month
        self.s["convert_at"][slots] = np.where(conv, month + np.where(conv, d, 0), -1).astype(np.int64)
        self.s["drop_at"][slots] = month + sp.max_months - 1
        if referred_by is not None:
            self.s["referred_by"][slots] = referred_by
        return slots

    # -- the months -------------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        sp, pol, M = self.spec, self.pol, self.M
        s = self.s
        K = sp.complaints.max_per_month
        lam = np.array([sp.tiers.of(k).complaints_per_month for k in TIERS])
        pmf = np.array([[math.exp(-x) * x ** j / math.factorial(j) for j in range(K)] for x in lam])
        cdf = np.cumsum(pmf, axis=1)                                  # P(N ≤ j), j < K
        mix = sp.complaints.severity
        sev_cut = np.cumsum([mix.general, mix.urgent])
        sla_min = np.array([getattr(sp.complaints.sla_hours, v) for v in SEVERITIES]) * 60
        z_team, z_mgr = _z_on_time(sp.complaints.on_time), _z_on_time(sp.complaints.manager_on_time)
        managed_tier = np.array([k in pol.dedicated_managers for k in TIERS])
        rr = np.array([sp.tiers.of(k).referral_rate for k in TIERS])
        capacity = visit_capacity(sp)
        ren, sat, life, cx, orders = sp.renewal, sp.satisfaction, sp.lifecycle, sp.complaints, sp.orders
        lo_visit, lo_mgr, lo_unres = math.log(ren.visit_odds), math.log(ren.manager_odds), math.log(ren.unresolved_odds)
        base_logit = _logit(self.renew_base)
        sig_v = math.sqrt(math.log1p(orders.value_cv ** 2))
        rows: list[dict[str, np.ndarray]] = []
        comp: list[dict[str, np.ndarray]] = []
        team_visits = manager_visits = 0.0
        for m in range(M):
            used = self.used
            st = s["status"][:used]
            # start of the month: prospects convert or drop out; churned accounts are won back or lost
            conv = np.flatnonzero((st == Status.PROSPECT) & (s["convert_at"][:used] == m - 1)
                                  & (s["convert_at"][:used] >= 0))
            self._activate(conv, m)
            drop = (st == Status.PROSPECT) & (s["convert_at"][:used] < 0) & (s["drop_at"][:used] == m - 1)
            st[drop] = Status.DROPPED
            ch = st == Status.CHURNED
            lost = ch & (m > s["wb_until"][:used])
            st[lost] = Status.LOST
            back = np.flatnonzero(ch & ~lost & (s["u_winback"][:used, m] < sp.win_back.monthly))
            if back.size:
                joined = s["joined"][back].copy()
                self._activate(back, m)
                s["joined"][back] = joined
                s["onboard_until"][back] = 0
                s["won_back"][back] += 1
            if self.acq_counts[m]:
                self._prospects(1, int(self.acq_counts[m]), m)
            # the active accounts
            act = np.flatnonzero(s["status"][: self.used] == Status.ACTIVE)
            tr = s["tier"][act]
            man = managed_tier[tr]
            plan = plan_visits(tr, man, self.norm, pol, capacity)
            un = ~man
            prev = s["cum_plan"][act]
            cum = prev + plan
            phase = s["visit_phase"][act]
            visits = np.floor(cum + phase) - np.floor(prev + phase)
            s["cum_plan"][act] = cum
            s["vis_hist"][act, m] = visits
            team_visits += float(visits[un].sum())
            manager_visits += float(visits[man].sum())
            lo = max(0, m - ren.window_months + 1)
            first = np.maximum(lo, np.maximum(s["joined"][act], 0))
            missing = ren.window_months - (m - first + 1)
            seen = s["vis_hist"][act, lo:m + 1].sum(axis=1)
            nt = self.norm[tr]
            with np.errstate(divide="ignore", invalid="ignore"):
                cov = np.where(nt > 0, (seen + plan * missing) / (ren.window_months * nt), 1.0)
            cov = np.minimum(cov, ren.max_coverage)
            # complaints
            nc = (s["u_ncomp"][act, m][:, None] > cdf[tr]).sum(axis=1)
            valid = np.arange(K)[None, :] < nc[:, None]
            usev = s["u_sev"][act, m]
            sev = (usev > sev_cut[0]).astype(np.int64) + (usev > sev_cut[1])
            shift = np.where(man, z_mgr, z_team)[:, None]
            mins = np.clip(np.rint(sla_min[sev] * np.exp(cx.response_sd * (s["z_resp"][act, m] - shift))),
                           1, 90 * 1440)
            breached = mins > sla_min[sev]
            resolved = s["u_resolve"][act, m] < np.where(breached, cx.resolved_late, cx.resolved_on_time)
            n_breach = (breached & valid).sum(axis=1)
            n_unres = (~resolved & valid).sum(axis=1)
            s["unresolved"][act] += n_unres
            by_sev = [((sev == j) & valid).sum(axis=1) for j in range(3)]
            if valid.any():
                ai, ki = np.nonzero(valid)
                comp.append({"slot": act[ai], "month": np.full(ai.size, m), "severity": sev[ai, ki],
                             "when": s["u_when"][act[ai], m, ki], "minutes": mins[ai, ki],
                             "breached": breached[ai, ki], "resolved": resolved[ai, ki], "managed": man[ai]})
            # satisfaction and the survey
            target = (sat.target + sat.visit * (cov - 1) + sat.manager * man - sat.complaint * nc
                      - sat.breach * n_breach)
            cur = s["sat"][act]
            cur = np.clip(cur + sat.speed * (target - cur) + sat.noise * s["z_state"][act, m], 0, 10)
            s["sat"][act] = cur
            x = cur + sat.answer_sd * s["z_answer"][act, m]
            nps_ans = np.clip(np.rint(x), 0, 10).astype(np.int64)
            csat_ans = np.clip(np.rint(1 + 0.4 * x), 1, 5).astype(np.int64)
            # lifecycle stage
            stage = np.full(act.size, _MAINTAIN)
            stage[cur >= life.deepen_at] = _DEEPEN
            stage[cur < life.at_risk_below] = _WIN_BACK
            stage[m < s["onboard_until"][act]] = _CONVERT
            won_now = np.isin(act, back)
            stage[won_now] = _WIN_BACK
            # orders
            qe = np.clip(self.q[tr] * (1 + orders.visit_lift * (cov - 1)), 0, 1)
            first_order = (s["joined"][act] == m) & ~won_now
            ordered = (s["u_order"][act, m] < qe) | first_order
            value = s["order_mean"][act] * np.exp(sig_v * s["z_value"][act, m] - sig_v ** 2 / 2)
            value = value * np.where(stage == _DEEPEN, 1 + orders.deepen_uplift, 1.0)
            revenue = np.where(ordered, value, 0.0)
            # referrals from promoters
            refer = (nps_ans >= 9) & (s["u_refer"][act, m] < rr[tr])
            referrers = act[refer]
            s["referrals_made"][referrers] += 1
            if referrers.size:
                self._prospects(2, referrers.size, m, uniforms=s["u_refconv"][referrers, m],
                                referred_by=referrers)
            # renewals (decided at the end of the month)
            due = s["due"][act] == m
            logit = (base_logit[tr] + lo_visit * (cov - 1) + lo_mgr * man + lo_unres * s["unresolved"][act])
            b = self.renew_base[tr]
            with np.errstate(over="ignore"):
                p = np.where(b >= 1, 1.0, np.where(b <= 0, 0.0, 1 / (1 + np.exp(-logit))))
            renewed = due & (s["u_renew"][act, m] < p)
            churned = due & ~renewed
            # the month's rows: prospects, active and churned accounts
            used = self.used
            present = np.flatnonzero(np.isin(s["status"][:used],
                                             (Status.PROSPECT, Status.ACTIVE, Status.CHURNED)))
            full = {c: np.zeros(used, dtype=d) for c, d in (
                ("visits", float), ("orders", np.int64), ("revenue", float), ("complaints", np.int64),
                ("complaints_general", np.int64), ("complaints_urgent", np.int64), ("complaints_major", np.int64),
                ("sla_breaches", np.int64), ("unresolved", np.int64), ("renewal_due", bool), ("renewed", bool),
                ("churned", bool), ("won_back", bool), ("referrals", np.int64), ("managed", bool),
                ("promoter", bool))}
            full["stage"] = np.where(s["status"][:used] == Status.PROSPECT, _ATTRACT, _WIN_BACK)
            full["nps_score"] = np.full(used, -1)
            full["csat_score"] = np.full(used, -1)
            full["satisfaction"] = np.where(s["status"][:used] == Status.PROSPECT, np.nan, s["sat"][:used])
            full["visits"][act] = visits
            full["orders"][act] = ordered
            full["revenue"][act] = revenue
            full["complaints"][act] = nc
            for j, sv in enumerate(SEVERITIES):
                full[f"complaints_{sv}"][act] = by_sev[j]
            full["sla_breaches"][act] = n_breach
            full["unresolved"][act] = n_unres
            full["renewal_due"][act] = due
            full["renewed"][act] = renewed
            full["churned"][act] = churned
            full["won_back"][back] = True
            full["referrals"][referrers] = 1
            full["managed"][act] = man
            full["promoter"][act] = nps_ans >= 9
            full["stage"][act] = stage
            full["nps_score"][act] = nps_ans
            full["csat_score"][act] = csat_ans
            row = {c: v[present] for c, v in full.items()}
            row["slot"] = present
            row["month"] = np.full(present.size, m)
            row["status"] = s["status"][present].copy()
            rows.append(row)
            # end of the month: renew or churn
            ren_slots, ch_slots = act[renewed], act[churned]
            s["due"][ren_slots] += ren.term_months
            s["unresolved"][ren_slots] = 0
            s["status"][ch_slots] = Status.CHURNED
            s["churned_at"][ch_slots] = m
            s["wb_until"][ch_slots] = m + sp.win_back.months
        cols = {c: np.concatenate([r[c] for r in rows]) for c in rows[0]} if rows else {}
        ccols = ({c: np.concatenate([r[c] for r in comp]) for c in comp[0]} if comp else
                 {c: np.zeros(0, dtype=d) for c, d in (("slot", np.int64), ("month", np.int64),
                                                       ("severity", np.int64), ("when", float), ("minutes", float),
                                                       ("breached", bool), ("resolved", bool), ("managed", bool))})
        return {"rows": cols, "complaints": ccols, "team_visits": team_visits, "manager_visits": manager_visits}
