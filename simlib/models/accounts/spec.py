"""The account-base scenario (COURSE.md §6 "Customers"; §5's customer-success case): what a spec says.

The pydantic models of an :class:`AccountsSpec` — the starting book, tiers A/B/C (:data:`TIER_DEFAULTS`),
the team's visit hours, orders, renewal, satisfaction, lifecycle stages, complaints and their SLAs,
referrals, acquisition, win-back and CLV — every block with documented defaults, so ``{}`` is a valid
spec; what management decides (:class:`AccountPolicy`, with named alternatives in ``policies``); the
figures a scenario should reproduce (``calibration``, metrics from :data:`SUMMARY_KEYS`); and
:func:`load_accounts` and :func:`resolve_policy`, which read them with localised messages.
"""
from __future__ import annotations

import difflib
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from simlib.base.paths import content_root
from simlib.base.records import record_problems, validate_record
from simlib.base.schema import ScenarioError, StrictModel, read_source
from simlib.formulas.customers import COMPLAINT_SLA_HOURS, Lifecycle

__all__ = [
    "MAX_ACCOUNTS",
    "SEVERITIES",
    "SOURCES",
    "STAGES",
    "SUMMARY_KEYS",
    "TIERS",
    "TIER_DEFAULTS",
    "AccountPolicy",
    "AccountsSpec",
    "load_accounts",
    "resolve_policy",
]

TIERS: tuple[str, ...] = ("A", "B", "C")
SEVERITIES: tuple[str, ...] = ("general", "urgent", "major")
SOURCES: tuple[str, ...] = ("base", "acquisition", "referral")
"""Where an account comes from: the starting book, acquisition (non-referral prospects), a referral."""
STAGES: tuple[str, ...] = tuple(s.value for s in Lifecycle)   # attract, convert, maintain, deepen, win_back

MAX_ACCOUNTS = 20_000
"""Most accounts of a starting book."""

Tier = Literal["A", "B", "C"]

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
        tiers.A.renewal must be at most 1.0; got 1.3.
        tiers.A.renewal 不能大於 1.0；目前為 1.3。
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
        raise ScenarioError.at("policy", "accounts_unknown_policy", name=policy,
                               valid=", ".join(["default", *spec.policies]))
    if isinstance(policy, Mapping):
        return "custom", validate_record(AccountPolicy, policy, "policy")
    raise ScenarioError.at("policy", "type_mapping", input=type(policy).__name__)

