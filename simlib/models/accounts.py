"""An account base month by month (COURSE.md §6 "Customers"; §5's customer-success case).

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
2. **Visits.** Accounts with a dedicated manager get ``manager_visits`` × their tier's visit norm
   from the manager (outside the team's hours). The team's hours buy ``hours_per_month ÷
   hours_per_visit`` visits, spread by the policy's ``visit_plan``: ``norm`` (each tier's norm, all
   scaled down when the hours are short), ``equal`` (the same for every account) or ``focus`` (the
   hours split over the tiers by ``focus`` shares, S3's 80/20). Visits are a schedule, not a
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

Randomness (common random numbers): one ``numpy.random.SeedSequence`` per run is spawned into the
named streams of :data:`STREAM_NAMES`; each per-account stream is spawned again into one child per
source of accounts (base, acquisition, referral), and every account's uniforms and normals for every
month — order, order value, renewal, win-back, complaint count/severity/response/resolution/time,
satisfaction noise, referral — are drawn up front in fixed-size blocks. Every account of the
starting book, and the k-th prospect of each source, gets the same draws whatever the policy (and
non-referral prospects arrive in the same months), so changing the policy (dedicated managers, a
visit plan) changes what those draws are compared against, never the draws: two policies are
compared on one world (``tests/test_accounts.py`` checks it). Only who refers whom depends on the
policy, as it should.

    >>> spec = load_accounts({"accounts": {"n": 400}})
    >>> res = simulate_accounts(spec, seed=1)
    >>> res.accounts.columns.tolist()[:8]
    ['account', 'month', 'source', 'referred_by', 'tier', 'lifecycle', 'status', 'managed']
    >>> s = res.summary()
    >>> s["accounts_start"], round(s["account_share_A"], 2), round(s["profit_share_A"], 2)
    (400, 0.2, 0.79)
    >>> after = simulate_accounts(spec, seed=1, policy={"dedicated_managers": ["A"]})
    >>> after.summary()["renewal_rate_A"] > s["renewal_rate_A"]
    True

Scenarios: ``scenarios/customers/customer_success.yaml`` (S0's figures, before/after) and
``scenarios/customers/tiering.yaml`` (80/20, S3's focus). Texts: ``simlib/locales/accounts.<lang>.yaml``.
"""
from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache, partial
from pathlib import Path
from statistics import NormalDist
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from simlib.base.fmt import percent
from simlib.base.i18n import t
from simlib.base.paths import content_root
from simlib.base.records import label_or_key, record_problems, validate_record
from simlib.base.schema import Issue, ScenarioError, StrictModel, read_source
from simlib.formulas.customers import COMPLAINT_SLA_HOURS, Lifecycle, clv, synthetic_accounts
from simlib.formulas.targets import split

__all__ = [
    "MAX_ACCOUNT_MONTHS",
    "SOURCES",
    "STAGES",
    "STREAM_NAMES",
    "SUMMARY_KEYS",
    "TIERS",
    "TIER_DEFAULTS",
    "AccountPolicy",
    "AccountStreams",
    "AccountsResult",
    "AccountsSpec",
    "check_calibration",
    "load_accounts",
    "localise",
    "replicate_accounts",
    "resolve_policy",
    "simulate_accounts",
]

TIERS: tuple[str, ...] = ("A", "B", "C")
SEVERITIES: tuple[str, ...] = ("general", "urgent", "major")
SOURCES: tuple[str, ...] = ("base", "acquisition", "referral")
STAGES: tuple[str, ...] = tuple(s.value for s in Lifecycle)   # attract, convert, maintain, deepen, win_back
STATUSES: tuple[str, ...] = ("none", "prospect", "active", "churned", "lost", "dropped")
STREAM_NAMES: tuple[str, ...] = (
    "accounts", "orders", "renewals", "complaints", "referrals", "satisfaction", "visits", "acquisition",
)
"""The run's named random streams, in spawn order (new ones are appended, never inserted)."""

MAX_ACCOUNTS = 20_000
MAX_MONTHS = 60
MAX_ACCOUNT_MONTHS = 240_000
"""Largest accounts × months of one run (the draws are made up front: ~0.2 kB per account-month)."""
_CHUNK = 256                    # new accounts' draws are made in blocks of this many

Tier = Literal["A", "B", "C"]
_NONE, _PROSPECT, _ACTIVE, _CHURNED, _LOST, _DROPPED = range(6)
_ATTRACT, _CONVERT, _MAINTAIN, _DEEPEN, _WIN_BACK = range(5)


# ---------------------------------------------------------------------------------------------
# The spec
# ---------------------------------------------------------------------------------------------
TIER_DEFAULTS: dict[str, dict[str, Any]] = {
    "A": {"share": 0.2, "visits_per_month": 2.0, "order_probability": 0.8, "order_value": None, "renewal": 0.8,
          "complaints_per_month": 0.10, "referral_rate": 0.10},
    "B": {"share": 0.3, "visits_per_month": 1.0, "order_probability": 0.6, "order_value": None, "renewal": 0.75,
          "complaints_per_month": 0.06, "referral_rate": 0.06},
    "C": {"share": 0.5, "visits_per_month": 0.25, "order_probability": 0.4, "order_value": None, "renewal": 0.7,
          "complaints_per_month": 0.04, "referral_rate": 0.04},
}
"""Each tier's defaults; a spec overrides any field of any tier (``tiers: {A: {renewal: 0.85}}``).
Shares are S0's 20 / 30 / 50 % (COURSE.md §6); the rest are the workbook's assumptions."""


def _shares_sum(values: tuple[float, ...], dim: str) -> None:
    total = sum(values)
    if abs(total - 1) > 1e-9:
        raise PydanticCustomError("shares_sum", "shares must sum to 1", {"dim": dim, "total": f"{total:.4g}"})


class TierSpec(StrictModel):
    """One tier (COURSE.md §6). Unset fields take the tier's :data:`TIER_DEFAULTS`."""
    share: float = Field(ge=0, le=1, description="share of the accounts (A/B/C shares sum to 1)")
    visits_per_month: float = Field(ge=0, le=60, description="the tier's visit norm, visits a month")
    order_probability: float = Field(ge=0, le=1, description="probability of a (repeat) order in a month")
    order_value: float | None = Field(None, gt=0, le=1e10, description=(
        "mean order value, yuan; null: the account's annual revenue ÷ (12 × order_probability)"))
    renewal: float = Field(ge=0, le=1, description="base renewal probability (per term, or per year)")
    complaints_per_month: float = Field(ge=0, le=3, description="mean complaints per account a month")
    referral_rate: float = Field(ge=0, le=1, description="monthly probability that a promoter refers a prospect")


class Tiers(StrictModel):
    """Tiers A, B, C; their ``share`` of the accounts must add up to 1."""
    A: TierSpec
    B: TierSpec
    C: TierSpec

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        out = dict(data)
        for k, d in TIER_DEFAULTS.items():
            v = out.get(k, {})
            if isinstance(v, Mapping):
                out[k] = {**d, **v}
        return out

    @model_validator(mode="after")
    def _sum(self) -> Tiers:
        _shares_sum((self.A.share, self.B.share, self.C.share), "A/B/C")
        return self

    def of(self, key: str) -> TierSpec:
        return getattr(self, key)


def _tiers_default() -> Tiers:
    return Tiers.model_validate({})


class TierShares(StrictModel):
    """Shares of the team's visit hours per tier (``focus``); they add up to 1. Default S3's 80/20."""
    A: float = Field(0.8, ge=0, le=1)
    B: float = Field(0.15, ge=0, le=1)
    C: float = Field(0.05, ge=0, le=1)

    @model_validator(mode="after")
    def _sum(self) -> TierShares:
        _shares_sum((self.A, self.B, self.C), "A/B/C")
        return self


class AccountBase(StrictModel):
    """The starting account book, from :func:`simlib.formulas.customers.synthetic_accounts`."""
    n: int = Field(1000, ge=1, le=MAX_ACCOUNTS, description="accounts at the start")
    dist: Literal["lognormal", "pareto"] = "lognormal"
    sigma: float = Field(1.68, gt=0, le=5, description="lognormal σ of profit (1.68: top 20 % hold 80 %)")
    alpha: float = Field(1.16, gt=0, le=20, description="Pareto tail index")
    median_profit: float = Field(20_000, gt=0, le=1e9, description="yuan a year")
    seed: int | None = Field(None, ge=0, description="a fixed book; null: drawn from the run's seed")


class Team(StrictModel):
    """The team's visit capacity."""
    hours_per_month: float = Field(1200, ge=0, le=1e7, description="the team's hours for visits a month")
    hours_per_visit: float = Field(2.0, gt=0, le=100, description="hours a visit takes, travel included")


class Orders(StrictModel):
    value_cv: float = Field(0.3, ge=0, le=3, description="coefficient of variation of an order's value")
    visit_lift: float = Field(0.0, ge=0, le=5, description="relative change of order probability per unit of coverage")
    deepen_uplift: float = Field(0.15, ge=0, le=5, description="larger orders in the deepen stage (cross-/up-sell)")


class Renewal(StrictModel):
    term_months: int = Field(12, ge=1, le=60, description="contract term")
    basis: Literal["term", "annual"] = Field("term", description="the tiers' renewal is per term or per year")
    visit_odds: float = Field(2.0, gt=0, le=100, description="odds multiplier per unit of coverage")
    manager_odds: float = Field(2.5, gt=0, le=100, description="odds multiplier with a dedicated manager")
    unresolved_odds: float = Field(0.6, gt=0, le=100, description="odds multiplier per unresolved complaint")
    window_months: int = Field(6, ge=1, le=24, description="months over which coverage is measured")
    max_coverage: float = Field(1.5, ge=1, le=10, description="coverage above this has no further effect")


class Satisfaction(StrictModel):
    start: float = Field(8.0, ge=0, le=10, description="mean satisfaction (0–10) at the start")
    start_sd: float = Field(1.0, ge=0, le=5)
    target: float = Field(8.0, ge=0, le=10, description="satisfaction with norm service and no complaints")
    visit: float = Field(1.0, ge=0, le=10, description="points per unit of coverage")
    manager: float = Field(1.0, ge=0, le=10, description="points with a dedicated manager")
    complaint: float = Field(0.3, ge=0, le=10, description="points lost per complaint in the month")
    breach: float = Field(1.0, ge=0, le=10, description="further points lost per SLA breach")
    speed: float = Field(0.5, gt=0, le=1, description="share of the gap to the target closed each month")
    noise: float = Field(0.3, ge=0, le=5, description="sd of the monthly change")
    answer_sd: float = Field(1.0, ge=0, le=5, description="sd of a survey answer around the state")


class LifecycleSpec(StrictModel):
    onboarding_months: int = Field(3, ge=0, le=24, description="a new account's months in the convert stage")
    deepen_at: float = Field(8.5, ge=0, le=10, description="satisfaction from which an account is deepened")
    at_risk_below: float = Field(6.0, ge=0, le=10, description="satisfaction below which an account is at risk")


class SeverityMix(StrictModel):
    general: float = Field(0.70, ge=0, le=1)
    urgent: float = Field(0.25, ge=0, le=1)
    major: float = Field(0.05, ge=0, le=1)

    @model_validator(mode="after")
    def _sum(self) -> SeverityMix:
        _shares_sum((self.general, self.urgent, self.major), "general/urgent/major")
        return self


class SlaHours(StrictModel):
    general: float = Field(COMPLAINT_SLA_HOURS["general"], gt=0, le=720)
    urgent: float = Field(COMPLAINT_SLA_HOURS["urgent"], gt=0, le=720)
    major: float = Field(COMPLAINT_SLA_HOURS["major"], gt=0, le=720)


class Complaints(StrictModel):
    severity: SeverityMix = SeverityMix()
    sla_hours: SlaHours = SlaHours()
    on_time: float = Field(0.85, ge=0, le=1, description="share of first responses within the SLA")
    manager_on_time: float = Field(0.97, ge=0, le=1, description="the same for accounts with a dedicated manager")
    response_sd: float = Field(0.6, gt=0, le=5, description="lognormal σ of the response time")
    resolved_on_time: float = Field(0.95, ge=0, le=1, description="resolved when answered within the SLA")
    resolved_late: float = Field(0.6, ge=0, le=1, description="resolved when answered late")
    max_per_month: int = Field(4, ge=1, le=20, description="most complaints of one account in a month")


class Referrals(StrictModel):
    conversion: float = Field(0.3, ge=0, le=1, description="monthly probability a referred prospect converts")
    max_months: int = Field(6, ge=1, le=24, description="a prospect not converted by then drops out")


class Acquisition(StrictModel):
    prospects_per_month: float = Field(10.0, ge=0, le=10_000, description="non-referral prospects a month")
    conversion: float = Field(0.2, ge=0, le=1)
    max_months: int = Field(6, ge=1, le=24)


class WinBack(StrictModel):
    monthly: float = Field(0.05, ge=0, le=1, description="monthly probability a churned account is won back")
    months: int = Field(6, ge=0, le=60, description="months of win-back effort before an account is lost")


class ClvSpec(StrictModel):
    discount_rate: float = Field(0.1, ge=0, le=1)
    years: int | None = Field(None, ge=1, le=200, description="horizon; null: no end (retention capped at 0.99)")


class AccountPolicy(StrictModel):
    """What management decides (COURSE.md §6, S0 customer success, S3 80/20 focus)."""
    visit_plan: Literal["norm", "equal", "focus"] = Field("norm", description="how the team's hours are spread")
    focus: TierShares = TierShares()
    dedicated_managers: list[Tier] = Field(default_factory=list, max_length=3,
                                           description="tiers whose accounts get a dedicated account manager")
    manager_visits: float = Field(1.0, ge=0, le=10, description="a manager's visits, × the tier's norm")

    @field_validator("dedicated_managers")
    @classmethod
    def _unique(cls, v: list[str]) -> list[str]:
        seen: set[str] = set()
        for k in v:
            if k in seen:
                raise PydanticCustomError("duplicate_name", "duplicate tier {name}", {"name": k})
            seen.add(k)
        return v


class Check(StrictModel):
    """A figure the scenario should reproduce: the mean of ``metric`` over replications under
    ``policy`` (or its relative change against ``relative_to``) within ``tolerance`` of ``target``."""
    metric: str = Field(min_length=1, max_length=60)
    policy: str = Field("default", min_length=1, max_length=60)
    relative_to: str | None = Field(None, min_length=1, max_length=60)
    target: float = Field(ge=-1e12, le=1e12)
    tolerance: float = Field(gt=0, le=1e12)
    source: str = Field("", max_length=200)


_TIERED = ("account_share", "profit_share", "revenue", "revenue_share", "renewal_rate", "nps", "clv")
SUMMARY_KEYS: tuple[str, ...] = (
    "accounts_start", "accounts_end", "prospects", "referrals", "new_accounts", "new_from_referrals",
    "renewals_due", "renewed", "renewal_rate", "churned", "churn_rate", "won_back", "win_back_rate",
    "revenue", "profit", "profit_kept", "new_sales", "new_sales_referral_share", "new_accounts_referral_share",
    "nps", "csat", "promoters", "complaints", "sla_breaches", "sla_breach_rate", "unresolved",
    "visits", "team_visit_hours", "capacity_use", "manager_visits", "clv",
    *(f"{m}_{k}" for m in _TIERED for k in TIERS),
)
"""The keys of :meth:`AccountsResult.summary` (and the metrics a ``calibration`` entry may name)."""


class AccountsSpec(StrictModel):
    """An account-base scenario: every block has documented defaults, so ``{}`` is a valid spec.

        >>> spec = load_accounts({"tiers": {"A": {"renewal": 0.9}}})
        >>> spec.tiers.A.renewal, spec.tiers.A.visits_per_month, spec.renewal.term_months
        (0.9, 2.0, 12)
    """
    name: str = Field("accounts", min_length=1, max_length=200)
    description: str = Field("", max_length=4000)
    start: date = Field(date(2025, 1, 1), strict=False, description="first day of the first month")
    accounts: AccountBase = AccountBase()
    tiers: Tiers = Field(default_factory=_tiers_default)
    team: Team = Team()
    orders: Orders = Orders()
    renewal: Renewal = Renewal()
    satisfaction: Satisfaction = Satisfaction()
    lifecycle: LifecycleSpec = LifecycleSpec()
    complaints: Complaints = Complaints()
    referrals: Referrals = Referrals()
    acquisition: Acquisition = Acquisition()
    win_back: WinBack = WinBack()
    clv: ClvSpec = ClvSpec()
    policy: AccountPolicy = AccountPolicy()
    policies: dict[str, AccountPolicy] = Field(default_factory=dict, max_length=20,
                                               description="named alternatives to ``policy``")
    calibration: list[Check] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _references(self) -> AccountsSpec:
        names = ["default", *self.policies]
        items: list[tuple[str, str, dict]] = []
        for i, c in enumerate(self.calibration):
            if c.metric not in SUMMARY_KEYS:
                items.append(_unknown(f"calibration[{i}].metric", c.metric, SUMMARY_KEYS, "accounts_metric"))
            for part in ("policy", "relative_to"):
                v = getattr(c, part)
                if v is not None and v not in names:
                    items.append((f"calibration[{i}].{part}", "accounts_unknown_policy",
                                  {"name": v, "valid": ", ".join(names)}))
        record_problems(items)
        return self


def _unknown(path: str, name: str, valid: tuple[str, ...] | list[str], code: str) -> tuple[str, str, dict]:
    same = [v for v in valid if v.lower() == name.lower()]
    near = same or difflib.get_close_matches(name, list(valid), n=1, cutoff=0.6)
    if near:
        return (path, code + "_suggest", {"name": name, "suggestion": near[0]})
    return (path, code, {"name": name, "valid": ", ".join(valid)})


_ROOT = content_root()


def load_accounts(source: str | Path | Mapping | AccountsSpec) -> AccountsSpec:
    """A validated :class:`AccountsSpec` from a YAML file, YAML text, a dict or a spec.

    Raises:
        ScenarioError: naming each bad field, in the reader's language.

        >>> try:
        ...     load_accounts({"tiers": {"A": {"renewal": 1.3}}})
        ... except ScenarioError as err:
        ...     print(err.message("en")); print(err.message("zh-Hant"))   # doctest: +ELLIPSIS
        tiers.A.renewal must be at most 1...; got 1.3.
        tiers.A.renewal 不能大於 1...;目前為 1.3。
        >>> try:
        ...     load_accounts({"tiers": {"A": {"share": 0.3}}})
        ... except ScenarioError as err:
        ...     print(err.message("en"))
        tiers: the shares of 'A/B/C' add up to 1.1, not 1 (100 %).
    """
    if isinstance(source, AccountsSpec):
        return source
    data, origin = read_source(source, search=(_ROOT,))
    if data is None:
        data = {}
    try:
        return validate_record(AccountsSpec, data)
    except ScenarioError as err:
        raise ScenarioError(err.issues, origin) from None


def resolve_policy(spec: AccountsSpec, policy: Any = None) -> tuple[str, AccountPolicy]:
    """``(name, policy)``: ``None`` or ``"default"`` is the spec's ``policy``; another name one of its
    ``policies``; a dict or an :class:`AccountPolicy` is used as given (named ``"custom"``).

        >>> resolve_policy(load_accounts({}), {"visit_plan": "focus"})[1].focus.A
        0.8
    """
    if policy is None:
        return "default", spec.policy
    if isinstance(policy, AccountPolicy):
        return "custom", policy
    if isinstance(policy, str):
        if policy in spec.policies:
            return policy, spec.policies[policy]
        if policy == "default":
            return "default", spec.policy
        raise ScenarioError([Issue("policy", "accounts_unknown_policy",
                                   {"name": policy, "valid": ", ".join(["default", *spec.policies])})])
    if isinstance(policy, Mapping):
        return "custom", validate_record(AccountPolicy, policy, "policy")
    raise ScenarioError([Issue("policy", "type_mapping", {"input": type(policy).__name__})])


# ---------------------------------------------------------------------------------------------
# Random streams and the per-account draws
# ---------------------------------------------------------------------------------------------
class AccountStreams:
    """The named streams of one run: ``SeedSequence(seed)`` spawned into :data:`STREAM_NAMES`; each
    per-account stream spawned again into one child per source (:data:`SOURCES`).

        >>> a, b = AccountStreams(7), AccountStreams(7)
        >>> float(a.generator("orders", "base").random()) == float(b.generator("orders", "base").random())
        True
        >>> float(a.generator("orders", "referral").random()) == float(b.generator("orders", "base").random())
        False
    """

    def __init__(self, seed: int | None):
        root = np.random.SeedSequence(seed)
        self.seed: int = int(root.entropy)  # type: ignore[arg-type]
        children = dict(zip(STREAM_NAMES, root.spawn(len(STREAM_NAMES)), strict=True))
        self._by_source = {name: dict(zip(SOURCES, children[name].spawn(len(SOURCES)), strict=True))
                           for name in STREAM_NAMES if name != "acquisition"}
        self.acquisition = np.random.Generator(np.random.PCG64(children["acquisition"]))

    def generator(self, stream: str, source: str) -> np.random.Generator:
        """A fresh generator of ``stream`` for accounts of ``source``."""
        return np.random.Generator(np.random.PCG64(self._by_source[stream][source]))


_DRAWS_1D = ("contract", "convert", "visit_phase", "z_start")
_DRAWS_2D = ("u_order", "z_value", "u_renew", "u_winback", "u_ncomp", "z_state", "z_answer", "u_refer",
             "u_refconv")
_DRAWS_3D = ("u_sev", "z_resp", "u_resolve", "u_when")
DRAW_NAMES: tuple[str, ...] = _DRAWS_1D + _DRAWS_2D + _DRAWS_3D
_ATTRS = ("profit", "margin", "revenue", "industry", "region")


@lru_cache(maxsize=32)
def _book(n: int, seed: int, dist: str, sigma: float, alpha: float, median: float) -> pd.DataFrame:
    return synthetic_accounts(n, seed=seed, dist=dist, sigma=sigma, alpha=alpha, median_profit=median)


class _Bank:
    """The accounts of one source, with their draws, made in blocks: row k is the k-th account of the
    source and always gets the same draws."""

    def __init__(self, streams: AccountStreams, source: str, spec: AccountsSpec, months: int, first: int):
        self.gens = {s: streams.generator(s, source) for s in STREAM_NAMES if s != "acquisition"}
        self.spec, self.months, self.k = spec, months, spec.complaints.max_per_month
        self.source = source
        self.first = first
        self.size = 0
        self.data: dict[str, np.ndarray] = {}
        self.names: list[str] = []

    def ensure(self, rows: int) -> None:
        while self.size < rows:
            self._block(self.first if self.size == 0 else _CHUNK)

    def _block(self, r: int) -> None:
        g, m, k, acc = self.gens, self.months, self.k, self.spec.accounts
        seed = int(g["accounts"].integers(0, 2**31 - 1))
        if self.source == "base" and acc.seed is not None:
            seed = acc.seed
        book = _book(r, seed, acc.dist, acc.sigma, acc.alpha, acc.median_profit)
        new: dict[str, np.ndarray] = {c: book[c].to_numpy() for c in _ATTRS}
        new["contract"] = g["accounts"].random(r)
        new["convert"] = g["accounts"].random(r)
        new["visit_phase"] = g["visits"].random(r)
        new["u_order"] = g["orders"].random((r, m))
        new["z_value"] = g["orders"].standard_normal((r, m))
        new["u_renew"] = g["renewals"].random((r, m))
        new["u_winback"] = g["renewals"].random((r, m))
        new["u_ncomp"] = g["complaints"].random((r, m))
        new["u_sev"] = g["complaints"].random((r, m, k))
        new["z_resp"] = g["complaints"].standard_normal((r, m, k))
        new["u_resolve"] = g["complaints"].random((r, m, k))
        new["u_when"] = g["complaints"].random((r, m, k))
        new["z_start"] = g["satisfaction"].standard_normal(r)
        new["z_state"] = g["satisfaction"].standard_normal((r, m))
        new["z_answer"] = g["satisfaction"].standard_normal((r, m))
        new["u_refer"] = g["referrals"].random((r, m))
        new["u_refconv"] = g["referrals"].random((r, m))
        prefix = {"base": "C", "acquisition": "N", "referral": "R"}[self.source]
        width = max(4, len(str(self.spec.accounts.n))) if self.source == "base" else 4
        self.names += [f"{prefix}{i:0{width}d}" for i in range(self.size + 1, self.size + r + 1)]
        self.data = new if not self.data else {c: np.concatenate([self.data[c], new[c]]) for c in new}
        self.size += r


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------
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


class _Run:
    """One run's state: one entry per account slot (the base, then prospects in creation order)."""

    def __init__(self, spec: AccountsSpec, policy: AccountPolicy, streams: AccountStreams, months: int):
        self.spec, self.pol, self.M = spec, policy, months
        n = spec.accounts.n
        self.banks = [_Bank(streams, s, spec, months, n if s == "base" else _CHUNK) for s in SOURCES]
        self.acq_counts = streams.acquisition.poisson(spec.acquisition.prospects_per_month, months)
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
            **{c: ((), float, 0.0) for c in _DRAWS_1D + ("profit", "margin", "revenue", "order_mean", "sat",
                                                        "cum_plan")},
            **{c: ((m,), float, 0.0) for c in _DRAWS_2D}, **{c: ((m, k), float, 0.0) for c in _DRAWS_3D},
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
        self.s["status"][self.used:] = _NONE
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
        for c in DRAW_NAMES + _ATTRS:
            self.s[c][slots] = bank.data[c][rows]
        self.s["source"][slots] = source
        self.s["row"][slots] = rows
        self.s["status"][slots] = _PROSPECT
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
        s["status"][slots] = _ACTIVE
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
        capacity = sp.team.hours_per_month / sp.team.hours_per_visit
        focus = np.array([pol.focus.A, pol.focus.B, pol.focus.C])
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
            conv = np.flatnonzero((st == _PROSPECT) & (s["convert_at"][:used] == m - 1) & (s["convert_at"][:used] >= 0))
            self._activate(conv, m)
            drop = (st == _PROSPECT) & (s["convert_at"][:used] < 0) & (s["drop_at"][:used] == m - 1)
            st[drop] = _DROPPED
            ch = st == _CHURNED
            lost = ch & (m > s["wb_until"][:used])
            st[lost] = _LOST
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
            act = np.flatnonzero(s["status"][: self.used] == _ACTIVE)
            tr = s["tier"][act]
            man = managed_tier[tr]
            plan = np.zeros(act.size)
            plan[man] = self.norm[tr[man]] * pol.manager_visits
            un = ~man
            tu = tr[un]
            if tu.size:
                if pol.visit_plan == "norm":
                    ru = self.norm[tu].astype(float)
                    demand = ru.sum()
                    if demand > capacity:
                        ru *= capacity / demand
                elif pol.visit_plan == "equal":
                    ru = np.full(tu.size, capacity / tu.size)
                else:
                    counts = np.bincount(tu, minlength=3)
                    f = np.where(counts > 0, focus, 0.0)
                    f = f / f.sum() if f.sum() > 0 else counts / counts.sum()
                    ru = f[tu] * capacity / counts[tu]
                plan[un] = ru
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
            present = np.flatnonzero(np.isin(s["status"][:used], (_PROSPECT, _ACTIVE, _CHURNED)))
            full = {c: np.zeros(used, dtype=d) for c, d in (
                ("visits", float), ("orders", np.int64), ("revenue", float), ("complaints", np.int64),
                ("complaints_general", np.int64), ("complaints_urgent", np.int64), ("complaints_major", np.int64),
                ("sla_breaches", np.int64), ("unresolved", np.int64), ("renewal_due", bool), ("renewed", bool),
                ("churned", bool), ("won_back", bool), ("referrals", np.int64), ("managed", bool),
                ("promoter", bool))}
            full["stage"] = np.where(s["status"][:used] == _PROSPECT, _ATTRACT, _WIN_BACK)
            full["nps_score"] = np.full(used, -1)
            full["csat_score"] = np.full(used, -1)
            full["satisfaction"] = np.where(s["status"][:used] == _PROSPECT, np.nan, s["sat"][:used])
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
            s["status"][ch_slots] = _CHURNED
            s["churned_at"][ch_slots] = m
            s["wb_until"][ch_slots] = m + sp.win_back.months
        cols = {c: np.concatenate([r[c] for r in rows]) for c in rows[0]} if rows else {}
        ccols = ({c: np.concatenate([r[c] for r in comp]) for c in comp[0]} if comp else
                 {c: np.zeros(0, dtype=d) for c, d in (("slot", np.int64), ("month", np.int64),
                                                       ("severity", np.int64), ("when", float), ("minutes", float),
                                                       ("breached", bool), ("resolved", bool), ("managed", bool))})
        return {"rows": cols, "complaints": ccols, "team_visits": team_visits, "manager_visits": manager_visits}


# ---------------------------------------------------------------------------------------------
# Result
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class AccountsResult:
    """One seeded run of an account base.

    Attributes:
        spec, policy, policy_name, seed, months: what ran (``simulate_accounts(spec, seed, months,
            policy)`` reproduces it).
        draws: every account's random draws by name (rows in the order of :attr:`book`), drawn
            before the run: the same for every policy (common random numbers).
    """
    spec: AccountsSpec
    policy: AccountPolicy
    policy_name: str
    seed: int
    months: int
    _raw: dict
    _slots: dict
    _names: tuple
    draws: dict

    def __repr__(self) -> str:
        s = self.summary()
        return (f"<AccountsResult seed={self.seed} policy={self.policy_name} accounts={s['accounts_start']}→"
                f"{s['accounts_end']} renewal={s['renewal_rate']:.1%} revenue={s['revenue']:,.0f}>")

    # -- tables -----------------------------------------------------------------------------------
    @cached_property
    def accounts(self) -> pd.DataFrame:
        """One row per account-month (months from 1) while the account is a prospect, active or being
        won back: ``account, month, source, referred_by, tier, lifecycle, status, managed, visits,
        orders, revenue, profit, satisfaction`` (the 0–10 state), ``nps_score`` (0–10), ``csat_score``
        (1–5), ``promoter, complaints, complaints_general, complaints_urgent, complaints_major,
        sla_breaches, unresolved`` (complaints of the month left unresolved), ``renewal_due, renewed,
        churned, won_back, referrals`` (prospects referred this month)."""
        r, sl = self._raw["rows"], self._slots
        slot = r["slot"]
        names = np.asarray(self._names, dtype=object)
        ref = sl["referred_by"][slot]
        df = pd.DataFrame({
            "account": names[slot],
            "month": r["month"] + 1,
            "source": np.asarray(SOURCES, dtype=object)[sl["source"][slot]],
            "referred_by": np.where(ref >= 0, names[np.maximum(ref, 0)], None),
            "tier": np.asarray(TIERS, dtype=object)[sl["tier"][slot]],
            "lifecycle": np.asarray(STAGES, dtype=object)[r["stage"]],
            "status": np.asarray(STATUSES, dtype=object)[r["status"]],
            "managed": r["managed"],
            "visits": r["visits"].astype(np.int64),
            "orders": r["orders"],
            "revenue": np.round(r["revenue"], 2),
            "profit": np.round(r["revenue"] * sl["margin"][slot], 2),
            "satisfaction": np.round(r["satisfaction"], 2),
            "nps_score": pd.array(np.where(r["nps_score"] >= 0, r["nps_score"], 0), dtype="Int64"),
            "csat_score": pd.array(np.where(r["csat_score"] >= 0, r["csat_score"], 0), dtype="Int64"),
        })
        df.loc[r["nps_score"] < 0, "nps_score"] = pd.NA
        df.loc[r["csat_score"] < 0, "csat_score"] = pd.NA
        for c in ("promoter", "complaints", "complaints_general", "complaints_urgent", "complaints_major",
                  "sla_breaches", "unresolved", "renewal_due", "renewed", "churned", "won_back", "referrals"):
            df[c] = r[c]
        return df

    @cached_property
    def book(self) -> pd.DataFrame:
        """One row per account or prospect ever in the run (the starting book first): ``account, source,
        referred_by, tier, profit`` (a year), ``margin, revenue`` (a year), ``order_value`` (mean),
        ``industry, region, created`` (month; 0 for the starting book), ``joined`` (month it became an
        account; 0 for the starting book, <NA> for a prospect), ``status`` at the end, ``won_back`` and
        ``referrals`` (prospects it referred)."""
        sl = self._slots
        names = np.asarray(self._names, dtype=object)
        ref = sl["referred_by"]
        joined = pd.array(np.where(sl["joined"] >= 0, sl["joined"] + 1, 0), dtype="Int64")
        joined[(sl["joined"] < 0) & (sl["source"] > 0)] = pd.NA
        return pd.DataFrame({
            "account": names,
            "source": np.asarray(SOURCES, dtype=object)[sl["source"]],
            "referred_by": np.where(ref >= 0, names[np.maximum(ref, 0)], None),
            "tier": np.asarray(TIERS, dtype=object)[sl["tier"]],
            "profit": sl["profit"], "margin": sl["margin"], "revenue": sl["revenue"],
            "order_value": np.round(sl["order_mean"], 2),
            "industry": sl["industry"], "region": sl["region"],
            "created": np.where(sl["source"] > 0, sl["created"] + 1, 0),
            "joined": joined,
            "status": np.asarray(STATUSES, dtype=object)[sl["status"]],
            "won_back": sl["won_back"], "referrals": sl["referrals_made"],
        })

    @cached_property
    def complaints(self) -> pd.DataFrame:
        """One row per complaint: ``account, month, tier, managed, severity, received, responded``
        (timestamps to the minute), ``sla_hours, response_hours, breached, resolved``. Check it with
        :meth:`complaint_check` (:func:`simlib.formulas.customers.check_complaints`)."""
        c, sl = self._raw["complaints"], self._slots
        starts = np.array([np.datetime64(pd.Timestamp(self.spec.start) + pd.DateOffset(months=m), "m")
                           for m in range(self.months + 1)])
        length = (starts[1:] - starts[:-1]).astype(np.int64)
        month = c["month"].astype(np.int64)
        received = starts[month] + np.floor(c["when"] * length[month]).astype(np.int64).astype("timedelta64[m]")
        responded = received + c["minutes"].astype(np.int64).astype("timedelta64[m]")
        sla = np.array([getattr(self.spec.complaints.sla_hours, v) for v in SEVERITIES])
        names = np.asarray(self._names, dtype=object)
        return pd.DataFrame({
            "account": names[c["slot"]],
            "month": month + 1,
            "tier": np.asarray(TIERS, dtype=object)[sl["tier"][c["slot"]]],
            "managed": c["managed"],
            "severity": np.asarray(SEVERITIES, dtype=object)[c["severity"]],
            "received": received.astype("datetime64[ns]"),
            "responded": responded.astype("datetime64[ns]"),
            "sla_hours": sla[c["severity"]].astype(float),
            "response_hours": c["minutes"] / 60,
            "breached": c["breached"],
            "resolved": c["resolved"],
        })

    def complaint_check(self) -> pd.DataFrame:
        """:attr:`complaints` checked by :func:`simlib.formulas.customers.check_complaints` against the spec's SLAs."""
        from simlib.formulas.customers import check_complaints
        sla = self.spec.complaints.sla_hours
        return check_complaints(self.complaints, sla={v: getattr(sla, v) for v in SEVERITIES})

    # -- summaries --------------------------------------------------------------------------------
    def summary(self) -> dict[str, float | int]:
        """The run in numbers (keys: :data:`SUMMARY_KEYS`); shares are 0–1 (NaN when undefined).

        * ``renewal_rate`` (and ``_A/_B/_C``): renewed ÷ renewals due; ``churned``: accounts that did
          not renew; ``churn_rate``: churned ÷ accounts served (the starting book and new accounts);
          ``won_back``, ``win_back_rate`` (÷ churned).
        * ``revenue``, ``profit`` (orders × margin), ``revenue_X`` and ``revenue_share_X`` per tier;
          ``account_share_X`` and ``profit_share_X``: the starting book's shares (S0's 20 % / 80 %);
          ``profit_kept``: the share of the starting book's annual profit in accounts still active
          at the end.
        * ``new_sales``: revenue from accounts won in the run; ``new_sales_referral_share``: the part
          from referred accounts (S0: 35 %); ``new_accounts_referral_share`` the same by count;
          ``referrals``: prospects referred; ``new_from_referrals``: those that converted.
        * ``nps``, ``nps_X`` (−100…100), ``csat`` (share of answers ≥ 4 of 5), ``promoters``: over
          every monthly survey answer of active accounts (the definitions of
          :func:`simlib.formulas.customers.nps` and :func:`simlib.formulas.customers.csat`).
        * ``complaints``, ``sla_breaches``, ``sla_breach_rate``, ``unresolved``.
        * ``visits`` (all), ``team_visit_hours``, ``capacity_use`` (÷ the team's hours),
          ``manager_visits``.
        * ``clv`` and ``clv_X``: mean customer lifetime value (:func:`simlib.formulas.customers.clv`) of the
          accounts active at the end: expected annual revenue × margin with the tier's simulated
          renewal rate (a year) as retention and ``clv.discount_rate``.
        """
        return dict(self._summary)

    @cached_property
    def _summary(self) -> dict[str, float | int]:
        r, sl, sp = self._raw["rows"], self._slots, self.spec
        nan = float("nan")

        def ratio(a: float, b: float) -> float:
            return float(a) / float(b) if b else nan

        slot = r["slot"]
        tier_r = sl["tier"][slot]
        src = sl["source"]
        n = sp.accounts.n
        out: dict[str, float | int] = {}
        out["accounts_start"] = n
        out["accounts_end"] = int((sl["status"] == _ACTIVE).sum())
        out["prospects"] = int((src > 0).sum())
        out["referrals"] = int((src == 2).sum())
        new = (src > 0) & (sl["joined"] >= 0)
        out["new_accounts"] = int(new.sum())
        out["new_from_referrals"] = int((new & (src == 2)).sum())
        due, renewed = r["renewal_due"], r["renewed"]
        out["renewals_due"] = int(due.sum())
        out["renewed"] = int(renewed.sum())
        out["renewal_rate"] = ratio(renewed.sum(), due.sum())
        out["churned"] = int(r["churned"].sum())
        out["churn_rate"] = ratio(r["churned"].sum(), n + out["new_accounts"])
        out["won_back"] = int(r["won_back"].sum())
        out["win_back_rate"] = ratio(r["won_back"].sum(), r["churned"].sum())
        revenue = r["revenue"]
        profit = revenue * sl["margin"][slot]
        out["revenue"] = float(revenue.sum())
        out["profit"] = float(profit.sum())
        base_profit = sl["profit"][:n]
        active_end = sl["status"][:n] == _ACTIVE
        out["profit_kept"] = ratio(base_profit[active_end].sum(), base_profit.sum())
        is_new = src[slot] > 0
        out["new_sales"] = float(revenue[is_new].sum())
        out["new_sales_referral_share"] = ratio(revenue[src[slot] == 2].sum(), revenue[is_new].sum())
        out["new_accounts_referral_share"] = ratio(out["new_from_referrals"], out["new_accounts"])
        surveyed = r["nps_score"] >= 0
        ans = r["nps_score"][surveyed]
        out["nps"] = _nps(ans)
        out["csat"] = ratio((r["csat_score"][surveyed] >= 4).sum(), surveyed.sum())
        out["promoters"] = ratio((ans >= 9).sum(), ans.size)
        out["complaints"] = int(r["complaints"].sum())
        out["sla_breaches"] = int(r["sla_breaches"].sum())
        out["sla_breach_rate"] = ratio(r["sla_breaches"].sum(), r["complaints"].sum())
        out["unresolved"] = int(r["unresolved"].sum())
        out["visits"] = int(r["visits"].sum())
        hours = self._raw["team_visits"] * sp.team.hours_per_visit
        out["team_visit_hours"] = float(hours)
        out["capacity_use"] = ratio(hours, sp.team.hours_per_month * self.months)
        out["manager_visits"] = int(self._raw["manager_visits"])
        # CLV of the accounts active at the end, with each tier's simulated yearly retention
        retention = self._retention()
        act = np.flatnonzero(sl["status"] == _ACTIVE)
        values = np.zeros(0)
        if act.size:
            tr = sl["tier"][act]
            q = np.array([sp.tiers.of(k).order_probability for k in TIERS])[tr]
            annual = sl["order_mean"][act] * q * 12
            ret = retention[tr] if sp.clv.years is not None else np.minimum(retention[tr], 0.99)
            values = np.asarray(clv(annual, sl["margin"][act], ret, discount_rate=sp.clv.discount_rate,
                                    years=sp.clv.years), dtype=float).reshape(-1)
        out["clv"] = float(values.mean()) if values.size else nan
        base_tier = sl["tier"][:n]
        for i, k in enumerate(TIERS):
            in_tier = tier_r == i
            out[f"account_share_{k}"] = float((base_tier == i).sum() / n)
            out[f"profit_share_{k}"] = ratio(base_profit[base_tier == i].sum(), base_profit.sum())
            out[f"revenue_{k}"] = float(revenue[in_tier].sum())
            out[f"revenue_share_{k}"] = ratio(revenue[in_tier].sum(), revenue.sum())
            out[f"renewal_rate_{k}"] = ratio(renewed[in_tier].sum(), due[in_tier].sum())
            out[f"nps_{k}"] = _nps(r["nps_score"][surveyed & in_tier])
            out[f"clv_{k}"] = float(values[sl["tier"][act] == i].mean()) if (sl["tier"][act] == i).any() else nan
        return {k: out[k] for k in SUMMARY_KEYS}

    def _retention(self) -> np.ndarray:
        """Each tier's simulated renewal rate, as a yearly retention (the base rate when none was due)."""
        r, sl = self._raw["rows"], self._slots
        tier_r = sl["tier"][r["slot"]]
        term = self.spec.renewal.term_months
        out = []
        for i, k in enumerate(TIERS):
            d = r["renewal_due"] & (tier_r == i)
            rate = r["renewed"][d].mean() if d.any() else self.spec.tiers.of(k).renewal ** (
                1 if self.spec.renewal.basis == "term" else term / 12)
            out.append(float(rate) ** (12 / term))
        return np.array(out)

    def by_tier(self) -> pd.DataFrame:
        """Per tier: the starting book (``accounts``, ``account_share``, ``profit``, ``profit_share``),
        the run's ``revenue``, ``revenue_share``, ``renewals_due``, ``renewed``, ``renewal_rate``,
        ``churned``, ``visits_per_month`` (per active account-month), ``nps``, ``csat``,
        ``complaints``, ``sla_breach_rate`` and ``clv``."""
        r, sl, n = self._raw["rows"], self._slots, self.spec.accounts.n
        s = self._summary
        tier_r = sl["tier"][r["slot"]]
        active = r["nps_score"] >= 0
        rows = []
        for i, k in enumerate(TIERS):
            m = tier_r == i
            a = m & active
            comp = r["complaints"][m].sum()
            rows.append({
                "tier": k, "accounts": int((sl["tier"][:n] == i).sum()), "account_share": s[f"account_share_{k}"],
                "profit": float(sl["profit"][:n][sl["tier"][:n] == i].sum()), "profit_share": s[f"profit_share_{k}"],
                "revenue": s[f"revenue_{k}"], "revenue_share": s[f"revenue_share_{k}"],
                "renewals_due": int(r["renewal_due"][m].sum()), "renewed": int(r["renewed"][m].sum()),
                "renewal_rate": s[f"renewal_rate_{k}"], "churned": int(r["churned"][m].sum()),
                "visits_per_month": float(r["visits"][a].mean()) if a.any() else float("nan"),
                "nps": s[f"nps_{k}"],
                "csat": float((r["csat_score"][a] >= 4).mean()) if a.any() else float("nan"),
                "complaints": int(comp),
                "sla_breach_rate": float(r["sla_breaches"][m].sum() / comp) if comp else float("nan"),
                "clv": s[f"clv_{k}"],
            })
        return pd.DataFrame(rows).set_index("tier")

    def text(self, lang: str | None = None) -> str:
        """One line about the run in ``lang``.

            >>> print(simulate_accounts({"accounts": {"n": 200}}, seed=2).text("en"))  # doctest: +ELLIPSIS
            Renewal ...% (A ...%), NPS ..., CSAT ...%; ...% of new sales from referrals; ...% of complaints past their SLA.
        """
        s = self._summary

        def pct(x: float) -> str:
            return "–" if math.isnan(x) else percent(round(x, 3))
        return t("accounts.summary.text", lang, renewal=pct(s["renewal_rate"]), renewal_a=pct(s["renewal_rate_A"]),
                 nps="–" if math.isnan(s["nps"]) else f"{s['nps']:+.0f}", csat=pct(s["csat"]),
                 referral_share=pct(s["new_sales_referral_share"]), breach=pct(s["sla_breach_rate"]))


def _nps(ans: np.ndarray) -> float:
    if ans.size == 0:
        return float("nan")
    return round(float(((ans >= 9).sum() - (ans <= 6).sum()) / ans.size * 100), 10)


# ---------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------
def _check_int(name: str, value: Any, low: int, high: int, code: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise ScenarioError([Issue(name, code, {"max": high, "input": value, "low": low, "high": high})])
    return int(value)


def simulate_accounts(spec: AccountsSpec | Mapping | str | Path, seed: int | None = 0, months: int = 12,
                      policy: Any = None) -> AccountsResult:
    """Run the account base for ``months`` months under ``policy`` (COURSE.md §6).

    Args:
        spec: an :class:`AccountsSpec`, a dict, YAML text or a YAML file (:func:`load_accounts`).
        seed: one seed, one world (``None``: fresh entropy, recorded in the result's ``seed``).
        months: 1–60.
        policy: ``None`` (the spec's ``policy``), a name from its ``policies``, a dict or an
            :class:`AccountPolicy`. The policy never moves a random draw.

    Raises:
        ScenarioError: a bad spec, seed, number of months or policy name, naming the field.

        >>> res = simulate_accounts({"accounts": {"n": 100}}, seed=3, months=6)
        >>> int(res.accounts.groupby("month").size().iloc[0]) >= 100      # the book and the first prospects
        True
        >>> res.accounts.equals(simulate_accounts({"accounts": {"n": 100}}, seed=3, months=6).accounts)
        True
    """
    sp = load_accounts(spec)
    name, pol = resolve_policy(sp, policy)
    months = _check_int("months", months, 1, MAX_MONTHS, "accounts_months")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise ScenarioError([Issue("seed", "customers_seed", {"input": seed})])
    if sp.accounts.n * months > MAX_ACCOUNT_MONTHS:
        raise ScenarioError([Issue("accounts.n", "accounts_too_large",
                                   {"accounts": sp.accounts.n, "months": months, "max": f"{MAX_ACCOUNT_MONTHS:,}"})])
    streams = AccountStreams(None if seed is None else int(seed))
    run = _Run(sp, pol, streams, months)
    raw = run.run()
    used = run.used
    slots = {c: v[:used] for c, v in run.s.items() if c not in DRAW_NAMES}
    draws = {c: run.s[c][:used] for c in DRAW_NAMES}
    return AccountsResult(spec=sp, policy=pol, policy_name=name, seed=streams.seed, months=months, _raw=raw,
                          _slots=slots, _names=tuple(run.slot_names), draws=draws)


def _summary_row(sp: AccountsSpec, seed: int, months: int, policy: Any) -> dict:
    return simulate_accounts(sp, seed, months, policy).summary()


def replicate_accounts(spec: AccountsSpec | Mapping | str | Path, n: int = 100, seed: int | None = 0, *,
                       workers: int = 1, progress: Callable[[int, int], None] | None = None, months: int = 12,
                       policy: Any = None) -> pd.DataFrame:
    """``n`` independent runs, like :func:`simlib.replicate`: one row each with ``replication``,
    ``seed`` and the :meth:`AccountsResult.summary` keys. Replication ``i`` is exactly
    ``simulate_accounts(spec, row.seed, months, policy)``; the same ``seed`` gives the same seeds
    for every policy (paired comparisons). ``workers > 1`` runs them in processes (joblib's loky)
    and gives the same rows; ``progress(done, total)`` is called as they finish.

        >>> df = replicate_accounts({"accounts": {"n": 100}}, n=3, seed=1, months=3)
        >>> df[["replication", "accounts_start"]].values.tolist()
        [[1, 100], [2, 100], [3, 100]]
    """
    from simlib.core.replication import run_replications
    sp = load_accounts(spec)
    resolve_policy(sp, policy)
    return run_replications(partial(_summary_row, sp, months=months, policy=policy), n, seed,
                            workers=workers, progress=progress)


def check_calibration(spec: AccountsSpec | Mapping | str | Path, n: int = 200, seed: int | None = 0, *,
                      months: int = 12, workers: int = 1, z: float = 1.96) -> pd.DataFrame:
    """Run the spec's ``calibration`` entries: one row each with ``metric, policy, relative_to,
    target, tolerance, mean, se, low, high`` (a normal ``z`` interval of the mean over ``n``
    replications), ``within`` (|mean − target| ≤ tolerance) and ``source``. Every policy runs on the
    same seeds (paired); a ``relative_to`` entry is the relative change of the means,
    mean(policy) ÷ mean(relative_to) − 1, with a delta-method standard error over the pairs.

        >>> spec = {"accounts": {"n": 200}, "calibration": [{"metric": "account_share_A", "target": 0.2,
        ...                                                   "tolerance": 0.01}]}
        >>> check_calibration(spec, n=2, months=2)[["metric", "mean", "within"]].values.tolist()
        [['account_share_A', 0.2, True]]
    """
    from simlib.core.replication import ratio_change
    sp = load_accounts(spec)
    needed = list(dict.fromkeys(p for c in sp.calibration for p in (c.policy, c.relative_to) if p))
    runs = {p: replicate_accounts(sp, n, seed, workers=workers, months=months, policy=p) for p in needed}
    out = []
    for c in sp.calibration:
        x = runs[c.policy][c.metric].to_numpy(dtype=float)
        if c.relative_to:
            y = runs[c.relative_to][c.metric].to_numpy(dtype=float)
            ok = np.isfinite(x) & np.isfinite(y)
            mean, se = ratio_change(x[ok], y[ok])
        else:
            x = x[np.isfinite(x)]
            mean = float(x.mean())
            se = float(x.std(ddof=1) / math.sqrt(len(x))) if len(x) > 1 else float("nan")
        out.append({"metric": c.metric, "policy": c.policy, "relative_to": c.relative_to, "target": c.target,
                    "tolerance": c.tolerance, "mean": mean, "se": se, "low": mean - z * se, "high": mean + z * se,
                    "within": bool(abs(mean - c.target) <= c.tolerance), "source": c.source})
    return pd.DataFrame(out)


# ---------------------------------------------------------------------------------------------
# Trainee-facing tables
# ---------------------------------------------------------------------------------------------
_VALUE_LABELS = {"lifecycle": "customers.lifecycle", "status": "accounts.status", "source": "accounts.source",
                 "severity": "customers.severity"}


def localise(df: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """A copy of one of this module's tables for a trainee: column names (``accounts.col.*``) and
    values (lifecycle stage, status, source, severity) in ``lang``.

        >>> df = pd.DataFrame({"tier": ["A"], "lifecycle": ["deepen"], "renewal_rate": [0.93]})
        >>> localise(df, "zh-Hant").columns.tolist(), localise(df, "zh-Hant").iloc[0, 1]
        (['等級', '生命週期階段', '續約率'], '深度經營')
    """
    out = df.copy()
    for col, prefix in _VALUE_LABELS.items():
        if col in out.columns:
            out[col] = [label_or_key(f"{prefix}.{v}", lang) if isinstance(v, str) else v for v in out[col]]
    names = {}
    for c in out.columns:
        key = f"accounts.col.{c}"
        text = t(key, lang)
        if text != key:
            names[c] = text
    return out.rename(columns=names)
