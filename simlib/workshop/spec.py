"""A workshop file (``scenarios/workshop/<name>.yaml``): the world the teams play in, the menus they choose
from, what their choices cost and the trainer's settings (CONTRACT §5).

A workshop is a base scenario (CONTRACT §1) played in rounds of one quarter each (``weeks_per_round``, 13 by
default): every round each team decides (:mod:`simlib.workshop.decisions`), the trainer closes the round and
each team's quarter is simulated (:mod:`simlib.workshop.market`). The file holds::

    name: {zh-Hant: …, zh-Hans: …, en: …}
    scenario: ../team/s0_it_company.yaml       # or the scenario inline; a path is relative to this file
    rounds: 4                                  # the default number of rounds (a workshop may choose others)
    weeks_per_round: 13
    margin: 0.40                               # gross margin on revenue: gross profit = revenue × margin − costs
    plans: {s1_tiered: plans/s1_tiered_2_3_4.yaml, linear: {base_pay: 18000, commission: …}}   # the menu
    costs: {hire: 30000, dismissal: 20000, training_per_point: 400, a_tier_manager: 45000}
    courses: [{stage: proposal, lift: 0.10, hours: 6, weeks: 2, cost_per_trainee: 6000}]
    hiring: {max_per_round: 3, vacancy_weeks: 6, tenure_months: 0, skill: 1.0}
    customers: {a_accounts: 24, accounts_per_manager: 8, max_managers: 4, a_revenue_share: 0.8}
    defaults: {target: 2200000, split: capability, plan: s1_tiered}      # round 1's decisions
    settings:                                  # the trainer's, each with a default
      market: parallel                         # parallel | shared
      demand: growing                          # flat | growing | saturating | declining | seasonal
      shocks: [{round: 3, kind: price_war, size: 0.1}]
      budget: null                             # yuan a round: pay at target + hiring + training + …
      score_weights: {gross_profit: 0.4, attainment: 0.2, fairness: 0.2, nps: 0.2}
      deadline_minutes: 20

:func:`load_workshop_spec` reads it from a path, YAML text or a dict and reports every problem with its
field's path in the reader's language, like :func:`simlib.core.scenario.load_scenario`. A loaded spec holds
the scenario and the plans themselves, so ``load_workshop_spec(spec.model_dump(mode="json"))`` is the same
spec (a workshop's store keeps it that way).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from simlib.base.i18n import normalize_lang, t
from simlib.base.paths import scenarios_dir
from simlib.base.records import record_problems, unknown_key_issue, validate_record
from simlib.base.schema import Issue, ScenarioError, StrictModel, parse_yaml, read_source
from simlib.core.scenario import Labels, Scenario, check_labels, load_scenario
from simlib.formulas.incentives import CompPlan
from simlib.workshop.decisions import first_round, validate_decisions

__all__ = [
    "DEMAND_PATTERNS", "METRIC_ALIASES", "SCORE_METRICS", "SHOCK_KINDS", "Attraction", "Costs", "Course",
    "CustomerBook", "Demand", "HiringRules", "Settings", "Shock", "WorkshopSpec", "label", "load_workshop_spec",
]

DEMAND_PATTERNS = ("flat", "growing", "saturating", "declining", "seasonal")
SHOCK_KINDS = ("key_account_lost", "price_war", "top_rep_resigns", "lead_source_dries_up")

#: what the leaderboard can weigh, and which way is better (+1: more is better; −1: less is better)
SCORE_METRICS: dict[str, int] = {
    "gross_profit": 1, "revenue": 1, "attainment": 1, "fairness": 1, "nps": 1, "satisfaction": 1,
    "win_rate": 1, "share": 1, "turnover": -1, "pay_cost": -1,
}
#: other names a trainer may write for a metric
METRIC_ALIASES = {"profit": "gross_profit"}


def label(kind: str, key: str, lang: str | None = None) -> str:
    """The label of a workshop's ``metric`` (a results column), ``decision``, ``split``, ``focus``,
    ``market``, ``demand`` pattern, ``shock`` or ``cost`` in ``lang``.

        >>> label("metric", "gross_profit", "zh-Hant"), label("focus", "closing", "en")
        ('毛利', 'Closing (late stages first)')
    """
    return t(f"workshop.{kind}.{key}", lang)


class Demand(StrictModel):
    """How the market's leads change from round to round (a factor on the scenario's ``leads.per_week``;
    :func:`simlib.workshop.market.demand_factor`). The patterns' sizes are the workbook's choice: the decks name
    seasons and trends, not rates. ``demand: growing`` is short for ``demand: {pattern: growing}``."""
    pattern: Literal["flat", "growing", "saturating", "declining", "seasonal"] = "flat"
    rate: float = Field(0.05, ge=0, le=0.5, description="growing / declining: change per round")
    ceiling: float = Field(0.3, ge=0, le=3, description="saturating: how much the market grows at most")
    speed: float = Field(0.5, gt=0, le=1, description="saturating: share of the way to the ceiling a round")
    calendar: Literal["cn_retail", "cn_b2b"] = Field("cn_retail", description="seasonal: the Chinese calendar")
    year: int = Field(2025, ge=2018, le=2032, description="seasonal: the year of round 1")
    first_quarter: int = Field(1, ge=1, le=4, description="seasonal: the quarter round 1 plays")

    @model_validator(mode="before")
    @classmethod
    def _short(cls, data: Any) -> Any:
        return {"pattern": data} if isinstance(data, str) else data


class Shock(StrictModel):
    """Something that happens to the teams in one round (the trainer's; COURSE.md §6 names churn and price
    wars among the problems a team meets). ``size``: the share lost (0–0.9) — of the mean deal for
    ``key_account_lost``, of the price for ``price_war``, of the leads for ``lead_source_dries_up`` — or, for
    ``top_rep_resigns``, how many of the best reps leave (a whole number). ``teams``: whom it hits (all)."""
    round: int = Field(ge=1, le=12)
    kind: Literal["key_account_lost", "price_war", "top_rep_resigns", "lead_source_dries_up"]
    size: float = Field(gt=0, le=20)
    teams: list[str] | None = Field(None, max_length=60)

    @model_validator(mode="after")
    def _size(self) -> Shock:
        if self.kind == "top_rep_resigns":
            if self.size != int(self.size):
                record_problems([("size", "type_integer", {"input": self.size})])
        elif self.size > 0.9:
            record_problems([("size", "less_than_equal", {"limit": 0.9, "input": self.size})])
        return self


class Attraction(StrictModel):
    """The exponents of the shared market's attraction model, ``A = hours^α · price^β · satisfaction^γ``
    (Bell, Keeney & Little 1975): α, β, γ are the workbook's choice."""
    hours: float = Field(0.5, ge=0, le=5, description="α: coverage hours")
    price: float = Field(1.0, ge=0, le=5, description="β: price attractiveness, 1 ÷ (1 − discount authority)")
    satisfaction: float = Field(1.0, ge=0, le=5, description="γ: last round's customer satisfaction")


class Settings(StrictModel):
    """The trainer's settings; each has a default, and a workshop may override any of them."""
    market: Literal["parallel", "shared"] = "parallel"
    demand: Demand = Demand()
    shocks: list[Shock] = Field(default_factory=list, max_length=50)
    budget: float | None = Field(None, gt=0, le=1e12, description="yuan a round, every cost of the choices")
    score_weights: dict[str, float] = Field(
        default_factory=lambda: {"gross_profit": 0.4, "attainment": 0.2, "fairness": 0.2, "nps": 0.2},
        min_length=1, max_length=len(SCORE_METRICS))
    deadline_minutes: int = Field(20, ge=1, le=600)
    attraction: Attraction = Attraction()

    @field_validator("score_weights", mode="before")
    @classmethod
    def _aliases(cls, v: Any) -> Any:
        if isinstance(v, Mapping):
            return {METRIC_ALIASES.get(k, k): w for k, w in v.items()}
        return v

    @model_validator(mode="after")
    def _weights(self) -> Settings:
        items = []
        for k, w in self.score_weights.items():
            if k not in SCORE_METRICS:
                items.append(unknown_key_issue(f"score_weights.{k}", k, list(SCORE_METRICS)))
            elif not math.isfinite(w) or w < 0:
                items.append((f"score_weights.{k}", "greater_than_equal", {"limit": 0, "input": w}))
        if not items and sum(self.score_weights.values()) <= 0:
            items.append(("score_weights", "workshop_weights_zero", {}))
        record_problems(items)
        return self


class Costs(StrictModel):
    """What choices cost, in yuan (the workbook's numbers: the decks price none of them)."""
    hire: float = Field(30_000, ge=0, le=1e8, description="per new rep: recruiting and onboarding")
    dismissal: float = Field(20_000, ge=0, le=1e8, description="per dismissed rep: severance")
    training_per_point: float = Field(400, ge=0, le=1e7, description=(
        "per trainee and percentage point of lift, for a course without its own price"))
    a_tier_manager: float = Field(45_000, ge=0, le=1e8, description="per dedicated A-account manager a round")


class Course(StrictModel):
    """A training course on the menu: the stage it lifts (percentage points, as ``people.training``), the hours
    it takes from each trainee's selling week, and its price per trainee."""
    stage: str = Field(min_length=1, max_length=40)
    lift: float = Field(gt=0, le=1)
    hours: float = Field(8.0, ge=0, le=80)
    weeks: int = Field(1, ge=1, le=12)
    cost_per_trainee: float | None = Field(None, ge=0, le=1e8)
    label: Labels | None = None

    _labels = field_validator("label")(check_labels)


class HiringRules(StrictModel):
    """New reps: at most ``max_per_round`` hired by decision; a seat someone leaves during a round is refilled
    after ``vacancy_weeks`` (or at the next round's start); a new rep's tenure and skill."""
    max_per_round: int = Field(3, ge=0, le=50)
    vacancy_weeks: int = Field(6, ge=0, le=26)
    tenure_months: float = Field(0.0, ge=0, le=600)
    skill: float = Field(1.0, gt=0, le=5)


class CustomerBook(StrictModel):
    """The team's account book as far as the workshop needs it (COURSE.md §6): how many A accounts there are,
    how many one dedicated manager looks after, the A accounts' share of revenue (S0: ≈ 80 % of profit) and
    satisfaction (0–10) at the start."""
    a_accounts: int = Field(20, ge=1, le=100_000)
    accounts_per_manager: int = Field(10, ge=1, le=10_000)
    max_managers: int = Field(5, ge=0, le=1000)
    a_revenue_share: float = Field(0.8, ge=0, le=1)
    satisfaction: float = Field(8.0, ge=0, le=10)


class WorkshopSpec(StrictModel):
    """A validated workshop file. Build it with :func:`load_workshop_spec`."""
    name: str | Labels = Field("", max_length=200)
    description: str | Labels | None = None
    scenario: Scenario
    rounds: int = Field(4, ge=1, le=12)
    weeks_per_round: int = Field(13, ge=4, le=26)
    margin: float = Field(ge=0, le=1, description="gross margin on revenue")
    plans: dict[str, CompPlan] = Field(min_length=1, max_length=12)
    costs: Costs = Costs()
    courses: list[Course] = Field(default_factory=list, max_length=20)
    hiring: HiringRules = HiringRules()
    customers: CustomerBook = CustomerBook()
    defaults: dict[str, Any] = Field(default_factory=dict)
    settings: Settings = Settings()

    @model_validator(mode="after")
    def _cross(self) -> WorkshopSpec:
        items = []
        for key, plan in self.plans.items():
            if plan.period == "year":
                items.append((f"plans.{key}.period", "workshop_plan_period", {"input": plan.period}))
        stages = self.scenario.stage_names
        for i, c in enumerate(self.courses):
            if c.stage not in stages:
                items.append((f"courses[{i}].stage", "unknown_name", {"name": c.stage, "valid": ", ".join(stages)}))
        record_problems(items)
        return self

    def title(self, lang: str | None = None) -> str:
        """The workshop's name in ``lang``."""
        if isinstance(self.name, str):
            return self.name
        lang = normalize_lang(lang)
        for k in (lang, "zh-Hant" if lang == "zh-Hans" else "en", "zh-Hant", "en"):
            if self.name.get(k):
                return self.name[k]
        return next(iter(self.name.values()), "")

    def with_settings(self, changes: Mapping[str, Any]) -> WorkshopSpec:
        """A validated copy with the trainer's ``settings`` changed (``{"market": "shared"}``)."""
        data = self.model_dump(mode="json")
        data["settings"] = data["settings"] | dict(changes)
        return load_workshop_spec(data)


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------
def _find(ref: str, here: Path | None) -> Path | None:
    """A file named in a workshop file: beside it, then under ``scenarios/``, then in the working folder."""
    for base in (here, scenarios_dir(), Path.cwd()):
        if base is not None and (base / ref).is_file():
            return base / ref
    return None


def _prefixed(err: ScenarioError, prefix: str) -> list[Issue]:
    return [Issue(f"{prefix}.{i.path}" if i.path else prefix, i.code, i.params) for i in err.issues]


def _scenario(ref: Any, here: Path | None) -> Scenario:
    if isinstance(ref, str) and ref.endswith((".yaml", ".yml")) and "\n" not in ref:
        path = _find(ref, here)
        if path is None:
            raise ScenarioError.at("scenario", "workshop_file_not_found", file=ref)
        ref = path
    try:
        return load_scenario(ref)
    except ScenarioError as err:
        raise ScenarioError(_prefixed(err, "scenario")) from None


def _plan(key: str, ref: Any, here: Path | None) -> Any:
    if isinstance(ref, str):
        path = _find(ref, here)
        if path is None:
            raise ScenarioError.at(f"plans.{key}", "workshop_file_not_found", file=ref)
        ref = parse_yaml(path.read_text(encoding="utf-8"), str(path))
        if isinstance(ref, dict) and "incentives" in ref and "commission" not in ref:
            ref = ref["incentives"]
    return validate_record(CompPlan, ref, f"plans.{key}") if isinstance(ref, Mapping) else ref


def load_workshop_spec(source: str | Path | Mapping | WorkshopSpec) -> WorkshopSpec:
    """A validated :class:`WorkshopSpec` from a YAML file path, YAML text, a dict or a spec.

    Raises:
        ScenarioError: naming each bad field (``settings.shocks[0].kind``, ``scenario.funnel.stages[1]…``,
            ``defaults.split.李明``), in the reader's language.

        >>> spec = load_workshop_spec("scenarios/workshop/b2b_quarter.yaml")
        >>> spec.weeks_per_round, len(spec.scenario.team.reps), spec.settings.market
        (13, 8, 'parallel')
        >>> load_workshop_spec(spec.model_dump(mode="json")) == spec
        True
    """
    if isinstance(source, WorkshopSpec):
        return source
    data, origin = read_source(source, search=(scenarios_dir(),))
    try:
        if not isinstance(data, Mapping):
            raise ScenarioError([Issue("", "type_mapping", {"input": type(data).__name__})])
        here = Path(origin).parent if origin else None
        data = dict(data)
        problems: list[Issue] = []
        if "scenario" in data:
            try:
                data["scenario"] = _scenario(data["scenario"], here)
            except ScenarioError as err:
                problems.extend(err.issues)
        if isinstance(data.get("plans"), Mapping):
            plans = {}
            for key, ref in data["plans"].items():
                try:
                    plans[str(key)] = _plan(str(key), ref, here)
                except ScenarioError as err:
                    problems.extend(err.issues)
            data["plans"] = plans
        if problems:
            raise ScenarioError(problems)
        spec = validate_record(WorkshopSpec, data)
        try:
            validate_decisions(spec, [], first_round(spec))
        except ScenarioError as err:
            raise ScenarioError([Issue("defaults" + i.path.removeprefix("decisions"), i.code, i.params)
                                 for i in err.issues]) from None
        return spec
    except ScenarioError as err:
        raise ScenarioError(err.issues, origin) from None
