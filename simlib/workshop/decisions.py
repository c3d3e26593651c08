"""A team's decisions for one round of a workshop: the levers of the decks, validated, with their costs.

The levers (COURSE.md §1 targets, §3 pay, §5 team, §6 customers) and how a round's run uses them
(:mod:`simlib.workshop.market`):

* ``target`` — the quarter's team target in whole yuan, split over the reps by ``split``: ``equal``,
  ``history`` (last round's sales) or ``capability`` (skill × ramp), :func:`simlib.formulas.targets.allocate`,
  or typed ``{rep: amount}`` summing exactly to the target (S3: no "black hole"). Each rep's share is its
  quota (for a monthly plan, a third of it a month).
* ``plan`` — a key of the workshop's pay-plan menu, or an edited plan: ``{based_on: key, mode, base_pay,
  tiers, bonus, cap}`` (CONTRACT §3); a part left out keeps the menu plan's.
* ``hires`` — new reps from the round's first week (tenure and skill from the file's ``hiring``), named
  ``H<round>-<n>`` (``H2-1`` is round 2's first hire); ``dismiss`` — reps who leave before the round starts.
* ``training`` — ``null`` or a course of the menu, ``{stage, lift}`` (and optionally ``reps``: the trainees;
  all by default), given in the round's first weeks (``people.training``); the lift stays with the rep.
* ``mentoring`` — new reps get one-to-one mentors (``people.mentoring``, S0).
* ``focus`` — how reps split their week, mapped onto what the engine has (the workbook's mapping):
  ``closing`` works later stages first (``team.work_order: late_stage_first``); ``balanced`` keeps the
  scenario's work order and roles; ``prospecting`` gives every rep without a role the hunter's week (new leads
  first, up to 40 % of the hours, and the hunter's stage odds: :data:`simlib.core.people.ROLE_EFFECTS`).
* ``discount_authority`` — 0–0.2, the behaviour's ``discount_authority``: a rep may pull a deal into the
  quarter at that discount (COURSE.md §3).
* ``a_tier_managers`` — dedicated managers for A accounts (S0's customer success, COURSE.md §6): they raise
  satisfaction and NPS (:mod:`simlib.workshop.service`) at a cost a round.

:func:`validate_decisions` checks a team's decisions against the workshop and the team's past rounds and
raises :class:`simlib.ScenarioError` naming each bad field (``decisions.split.李明``,
``decisions.plan.tiers[1].rate``, ``decisions`` for a round over budget); :func:`template` gives a round's
decisions with their current values; :func:`cost` prices each choice for the decision form.
"""
from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ConfigDict, Field, PrivateAttr, model_validator

from simlib.base.fmt import number
from simlib.base.records import is_number, record_problems, validate_record
from simlib.base.schema import Issue, ScenarioError, StrictModel
from simlib.formulas.apportion import as_fraction
from simlib.formulas.behaviour import period_bounds
from simlib.formulas.incentives import CompPlan
from simlib.formulas.targets import allocate

if TYPE_CHECKING:  # pragma: no cover
    from simlib.workshop.spec import Course, WorkshopSpec

__all__ = ["FOCUS", "SPLIT_METHODS", "Decisions", "PlanEdit", "TrainingChoice", "cost", "course_price",
           "first_round", "hire_name", "resolve_plan", "seats_after", "seats_before", "template",
           "validate_decisions"]

SPLIT_METHODS: tuple[str, ...] = ("equal", "history", "capability")
FOCUS: tuple[str, ...] = ("prospecting", "balanced", "closing")

#: a first round's decisions where the workshop file's ``defaults`` say nothing
FIRST_ROUND: dict[str, Any] = {"split": "capability", "hires": 0, "dismiss": [], "training": None,
                               "mentoring": False, "focus": "balanced", "discount_authority": 0.0,
                               "a_tier_managers": 0}
#: choices that hold for one round only: a template starts them afresh
ONE_OFF: dict[str, Any] = {"hires": 0, "dismiss": [], "training": None}


def hire_name(round_no: int, n: int) -> str:
    """The name of round ``round_no``'s ``n``-th hire.

        >>> hire_name(2, 1)
        'H2-1'
    """
    return f"H{round_no}-{n}"


class _ByAlias(StrictModel):
    model_config = ConfigDict(serialize_by_alias=True)


class PlanTier(_ByAlias):
    """A commission band of an edited plan (CONTRACT §3)."""
    from_: float = Field(alias="from", ge=0, le=100)
    rate: float = Field(ge=0, le=1)


class PlanBand(_ByAlias):
    """A bonus band of an edited plan."""
    from_: float = Field(alias="from", ge=0, le=100)
    x: float = Field(ge=0, le=100)


class PlanBonus(_ByAlias):
    target: float = Field(ge=0, le=1e9)
    bands: list[PlanBand] = Field(min_length=1, max_length=20)


class PlanCap(_ByAlias):
    attainment: float | None = Field(None, gt=0, le=100)
    amount: float | None = Field(None, ge=0, le=1e10)


class PlanEdit(_ByAlias):
    """A menu plan with some parts changed: ``based_on`` (a menu key; the menu's first by default), then any
    of ``mode``, ``base_pay``, ``tiers``, ``bonus``, ``cap``. A part left out (or null) keeps the menu plan's;
    ``bonus: false`` or ``cap: false`` removes the menu plan's bonus or cap."""
    based_on: str | None = Field(None, min_length=1, max_length=60)
    mode: Literal["marginal", "retroactive"] | None = None
    base_pay: float | None = Field(None, ge=0, le=1e8)
    tiers: list[PlanTier] | None = Field(None, min_length=1, max_length=20)
    bonus: PlanBonus | Literal[False] | None = None
    cap: PlanCap | Literal[False] | None = None


class TrainingChoice(StrictModel):
    """A course of the workshop's menu (by its ``stage`` and ``lift``) and its trainees (all reps if none)."""
    stage: str = Field(min_length=1, max_length=40)
    lift: float = Field(gt=0, le=1)
    reps: list[str] | None = Field(None, min_length=1, max_length=200)


class _Shape(StrictModel):
    """The decisions' fields with the three composite ones (split, plan, training) left for a closer look."""
    target: float = Field(gt=0, le=1e12)
    split: Any
    plan: Any
    hires: int = Field(0, ge=0, le=50)
    dismiss: list[str] = Field(default_factory=list, max_length=200)
    training: Any = None
    mentoring: bool = False
    focus: Literal["prospecting", "balanced", "closing"] = "balanced"
    discount_authority: float = Field(0.0, ge=0, le=0.2)
    a_tier_managers: int = Field(0, ge=0, le=1000)

    @model_validator(mode="after")
    def _whole_yuan(self) -> _Shape:
        if self.target != round(self.target):
            record_problems([("target", "workshop_whole_yuan", {"input": self.target})])
        return self


class Decisions(StrictModel):
    """One team's decisions for one round (see the module's docstring). Build with :func:`validate_decisions`,
    which also records the reps they apply to (:attr:`seats`)."""
    target: float = Field(gt=0, le=1e12)
    split: Literal["equal", "history", "capability"] | dict[str, float]
    plan: str | PlanEdit
    hires: int = Field(0, ge=0, le=50)
    dismiss: list[str] = Field(default_factory=list, max_length=200)
    training: TrainingChoice | None = None
    mentoring: bool = False
    focus: Literal["prospecting", "balanced", "closing"] = "balanced"
    discount_authority: float = Field(0.0, ge=0, le=0.2)
    a_tier_managers: int = Field(0, ge=0, le=1000)
    _seats: tuple[str, ...] | None = PrivateAttr(default=None)

    @property
    def seats(self) -> tuple[str, ...] | None:
        """The reps of the round these decisions were validated for (after hires and dismissals)."""
        return self._seats


# ---------------------------------------------------------------------------------------------
# The team's reps, from its past decisions
# ---------------------------------------------------------------------------------------------
def seats_after(seats: Sequence[str], decisions: Decisions, round_no: int) -> list[str]:
    """The reps of round ``round_no``: ``seats`` without the dismissed, then the round's hires.

    A rep who leaves during a round is replaced in the same place (:mod:`simlib.workshop.roster`), so the
    names depend on decisions only."""
    gone = set(decisions.dismiss)
    return [s for s in seats if s not in gone] + [hire_name(round_no, n) for n in range(1, decisions.hires + 1)]


def seats_before(spec: WorkshopSpec, past: Sequence[Decisions]) -> list[str]:
    """The reps at the start of round ``len(past) + 1``, before its decisions."""
    seats = [r.name for r in spec.scenario.team.reps]
    for k, d in enumerate(past, 1):
        seats = seats_after(seats, d, k)
    return seats


def _past(spec: WorkshopSpec, state: Any) -> list[Decisions]:
    """A team's past rounds' decisions, validated in order (a state is that list, or None for round 1)."""
    if state is None:
        return []
    if isinstance(state, (str, bytes, Mapping)) or not isinstance(state, Sequence):
        raise ScenarioError.at("state", "type_list", input=type(state).__name__)
    out: list[Decisions] = []
    for d in state:
        data = d.model_dump(mode="json") if isinstance(d, Decisions) else d
        out.append(_validate(spec, out, data, budget=False))
    return out


# ---------------------------------------------------------------------------------------------
# Plans and courses
# ---------------------------------------------------------------------------------------------
_PLAN_PATHS = (("commission.tiers", "tiers"), ("commission.mode", "mode"), ("commission", "tiers"))


def resolve_plan(spec: WorkshopSpec, plan: str | PlanEdit) -> CompPlan:
    """The pay plan a decision names: a menu plan, or a menu plan with the edited parts replaced."""
    if isinstance(plan, str):
        return spec.plans[plan]
    base = spec.plans[plan.based_on or next(iter(spec.plans))].model_dump(mode="json", by_alias=True,
                                                                          exclude_none=True)
    if plan.base_pay is not None:
        base["base_pay"] = plan.base_pay
    if plan.tiers is not None or plan.mode is not None:
        comm = dict(base.get("commission") or {"tiers": [{"from": 0.0, "rate": 0.0}]})
        if plan.tiers is not None:
            comm["tiers"] = [t.model_dump() for t in plan.tiers]
        if plan.mode is not None:
            comm["mode"] = plan.mode
        base["commission"] = comm
    if plan.bonus is False:
        base.pop("bonus", None)
    elif plan.bonus is not None:
        base["bonus"] = plan.bonus.model_dump()
    if plan.cap is False:
        base.pop("cap", None)
    elif plan.cap is not None:
        base["cap"] = plan.cap.model_dump(exclude_none=True)
    try:
        return CompPlan.from_dict(base)
    except ScenarioError as err:
        issues = []
        for i in err.issues:
            path = i.path
            for old, new in _PLAN_PATHS:
                if path == old or path.startswith((old + "[", old + ".")):
                    path = new + path[len(old):]
                    break
            issues.append(Issue(f"decisions.plan.{path}" if path else "decisions.plan", i.code, i.params))
        raise ScenarioError(issues) from None


def find_course(spec: WorkshopSpec, choice: TrainingChoice) -> Course | None:
    """The menu's course with the choice's stage and lift."""
    return next((c for c in spec.courses if c.stage == choice.stage and abs(c.lift - choice.lift) < 1e-9), None)


def course_price(spec: WorkshopSpec, course: Course) -> float:
    """A course's price per trainee: its own, else ``costs.training_per_point`` × the lift in points."""
    if course.cost_per_trainee is not None:
        return float(course.cost_per_trainee)
    return float(spec.costs.training_per_point * round(course.lift * 100, 9))


def _courses_text(spec: WorkshopSpec) -> str:
    return ", ".join(f"{{stage: {c.stage}, lift: {c.lift:g}}}" for c in spec.courses) or "—"


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------
def _unknown(path: str, name: str, valid: Sequence[str]) -> tuple[str, str, dict]:
    return (path, "unknown_name", {"name": name, "valid": ", ".join(valid) or "—"})


def _check_split(split: Any, target: float, seats: list[str]) -> list[tuple[str, str, dict]]:
    if isinstance(split, str):
        if split not in SPLIT_METHODS:
            return [("decisions.split", "choice", {"expected": ", ".join(SPLIT_METHODS), "input": repr(split)})]
        return []
    if not isinstance(split, Mapping):
        return [("decisions.split", "workshop_split_type", {"input": type(split).__name__})]
    items = []
    for name, amount in split.items():
        path = f"decisions.split.{name}"
        if name not in seats:
            items.append(_unknown(path, str(name), seats))
        elif not is_number(amount):
            items.append((path, "type_number", {"input": repr(amount) if isinstance(amount, str) else amount}))
        elif amount <= 0:
            items.append((path, "greater_than", {"limit": 0, "input": amount}))
    for name in seats:
        if name not in split:
            items.append((f"decisions.split.{name}", "workshop_split_missing", {"name": name}))
    if not items:
        total = sum((as_fraction(float(v)) for v in split.values()), Fraction(0))
        if total != as_fraction(float(target)):
            items.append(("decisions.split", "workshop_split_sum", {"total": number(float(total), digits=2),
                                                                   "target": number(target, digits=2)}))
    return items


def _check_plan(spec: WorkshopSpec, plan: Any) -> tuple[list, Any]:
    menu = list(spec.plans)
    if isinstance(plan, str):
        if plan not in spec.plans:
            near = difflib.get_close_matches(plan, menu, n=1, cutoff=0.5)
            if near:
                return [("decisions.plan", "workshop_plan_suggest", {"name": plan, "suggestion": near[0]})], None
            return [("decisions.plan", "workshop_unknown_plan", {"name": plan, "valid": ", ".join(menu)})], None
        return [], plan
    if not isinstance(plan, Mapping):
        return [("decisions.plan", "workshop_plan_type", {"input": type(plan).__name__})], None
    try:
        edit = validate_record(PlanEdit, plan, "decisions.plan")
    except ScenarioError as err:
        return [(i.path, i.code, i.params) for i in err.issues], None
    if edit.based_on is not None and edit.based_on not in spec.plans:
        return [("decisions.plan.based_on", "workshop_unknown_plan", {"name": edit.based_on,
                                                                     "valid": ", ".join(menu)})], None
    try:
        resolve_plan(spec, edit)
    except ScenarioError as err:
        return [(i.path, i.code, i.params) for i in err.issues], None
    return [], edit


def _check_training(spec: WorkshopSpec, training: Any, seats: list[str]) -> tuple[list, Any]:
    if training is None:
        return [], None
    try:
        choice = validate_record(TrainingChoice, training, "decisions.training")
    except ScenarioError as err:
        return [(i.path, i.code, i.params) for i in err.issues], None
    items = []
    if find_course(spec, choice) is None:
        items.append(("decisions.training", "workshop_unknown_course", {"stage": choice.stage,
                                                                        "lift": f"{choice.lift:g}",
                                                                        "valid": _courses_text(spec)}))
    for j, name in enumerate(choice.reps or []):
        if name not in seats:
            items.append(_unknown(f"decisions.training.reps[{j}]", name, seats))
    return items, choice


def _validate(spec: WorkshopSpec, past: list[Decisions], data: Any, *, budget: bool) -> Decisions:
    shape = validate_record(_Shape, data, "decisions")
    round_no = len(past) + 1
    before = seats_before(spec, past)
    items: list[tuple[str, str, dict]] = []
    if shape.hires > spec.hiring.max_per_round:
        items.append(("decisions.hires", "less_than_equal", {"limit": spec.hiring.max_per_round,
                                                             "input": shape.hires}))
    for j, name in enumerate(shape.dismiss):
        if name not in before:
            items.append(_unknown(f"decisions.dismiss[{j}]", name, before))
        elif shape.dismiss.index(name) != j:
            items.append((f"decisions.dismiss[{j}]", "duplicate_name", {"name": name}))
    if before and set(before) <= set(shape.dismiss) and shape.hires == 0:
        items.append(("decisions.dismiss", "workshop_dismiss_all", {}))
    if shape.a_tier_managers > spec.customers.max_managers:
        items.append(("decisions.a_tier_managers", "less_than_equal", {"limit": spec.customers.max_managers,
                                                                       "input": shape.a_tier_managers}))
    gone = set(shape.dismiss)
    seats = [s for s in before if s not in gone] + [hire_name(round_no, n) for n in range(1, shape.hires + 1)]
    items += _check_split(shape.split, shape.target, seats)
    plan_items, plan = _check_plan(spec, shape.plan)
    training_items, training = _check_training(spec, shape.training, seats)
    items += plan_items + training_items
    if items:
        raise ScenarioError([Issue(p, c, dict(params)) for p, c, params in items])
    out = Decisions.model_validate({
        **shape.model_dump(), "plan": plan,
        "split": shape.split if isinstance(shape.split, str) else {k: float(v) for k, v in shape.split.items()},
        "training": training})
    out._seats = tuple(seats)
    if budget and spec.settings.budget is not None:
        priced = cost(spec, out)
        if priced["total"] > spec.settings.budget + 1e-6:
            raise ScenarioError.at("decisions", "workshop_over_budget", total=number(priced["total"], digits=0),
                                   budget=number(spec.settings.budget, digits=0),
                                   pay=number(priced["pay"] + priced["managers"], digits=0),
                                   hiring=number(priced["hiring"] + priced["dismissal"], digits=0),
                                   training=number(priced["training"], digits=0))
    return out


def validate_decisions(spec: WorkshopSpec, state: Sequence[Decisions | Mapping] | None, data: Any, *,
                       budget: bool = True) -> Decisions:
    """``data`` as a team's :class:`Decisions` for the round after the rounds of ``state`` (the team's past
    decisions, oldest first; ``None`` or ``[]`` for round 1); ``budget=False`` skips the trainer's budget.

    Raises:
        ScenarioError: naming each bad field: ``decisions.target``, ``decisions.split.<rep>``,
            ``decisions.plan.tiers[1].rate``, ``decisions.training``, ``decisions.dismiss[0]``, … and
            ``decisions`` when the round's costs exceed the trainer's budget.

        >>> from simlib.workshop.spec import load_workshop_spec
        >>> spec = load_workshop_spec("scenarios/workshop/b2b_quarter.yaml")
        >>> d = validate_decisions(spec, [], template(spec, []))
        >>> d.focus, len(d.seats)
        ('balanced', 8)
        >>> try:
        ...     validate_decisions(spec, [], dict(template(spec, []), split={"李明": 100}))
        ... except ScenarioError as err:
        ...     print(err.issues[0].path, err.issues[0].code)
        decisions.split.張經理 workshop_split_missing
    """
    return _validate(spec, _past(spec, state), data, budget=budget)


def first_round(spec: WorkshopSpec) -> dict[str, Any]:
    """Round 1's decisions before validation: :data:`FIRST_ROUND`, the menu's first plan, the base scenario's
    quotas as the target (when it has them), then the workshop file's ``defaults``."""
    data: dict[str, Any] = dict(FIRST_ROUND, plan=next(iter(spec.plans)))
    q = spec.scenario.quotas
    if q is not None:
        data["target"] = q.team if q.team is not None else q.per_rep * len(spec.scenario.team.reps)
    return data | dict(spec.defaults)


def template(spec: WorkshopSpec, state: Sequence[Decisions | Mapping] | None) -> dict:
    """A round's decisions with their current values, as a form shows them: the previous round's (one-off
    choices — hires, dismissals, a training — start afresh), or round 1's defaults (:func:`first_round`).
    The dict validates as is, and is what ``validate_decisions(...).model_dump(mode="json")`` gives back.

        >>> from simlib.workshop.spec import load_workshop_spec
        >>> spec = load_workshop_spec("scenarios/workshop/b2b_quarter.yaml")
        >>> t = template(spec, None)
        >>> t["hires"], t["focus"], t == validate_decisions(spec, [], t).model_dump(mode="json")
        (0, 'balanced', True)
    """
    past = _past(spec, state)
    data = first_round(spec) if not past else past[-1].model_dump(mode="json") | ONE_OFF
    return _validate(spec, past, data, budget=False).model_dump(mode="json")


# ---------------------------------------------------------------------------------------------
# Costs
# ---------------------------------------------------------------------------------------------
def pay_at_target(spec: WorkshopSpec, plan: CompPlan, target: float, seats: Sequence[str]) -> float:
    """The round's pay if every rep sells exactly its share of an equal split of ``target``: base pay,
    commission and bonus at 100 % (how the split is drawn does not change it for the plans of CONTRACT §3,
    whose pay at quota is linear in the quota)."""
    if not seats:
        return 0.0
    periods = len(period_bounds(plan.period, spec.weeks_per_round))
    quotas = allocate(target, list(seats), "equal")
    total = 0.0
    for q in quotas.values():
        per = q / periods
        total += periods * (plan.payout(sales=per, quota=per).total if per > 0 else plan.base_pay)
    return round(total, 2)


def cost(spec: WorkshopSpec, decisions: Decisions, state: Sequence[Decisions | Mapping] | None = None) -> dict:
    """What each choice of ``decisions`` costs this round, in yuan, for the decision form:

    ``pay`` (the reps' pay at target, :func:`pay_at_target`), ``managers`` (A-account managers),
    ``hiring``, ``training``, ``dismissal``, ``total``, ``budget`` (the trainer's, or None) and
    ``within_budget``. The reps are those the decisions were validated for (else the team's after
    ``state``). What the round really costs — pay on actual sales, seats refilled after someone left — is
    in its results (:mod:`simlib.workshop.scoring`).
    """
    seats = decisions.seats
    if seats is None:
        past = _past(spec, state)
        seats = tuple(seats_after(seats_before(spec, past), decisions, len(past) + 1))
    plan = resolve_plan(spec, decisions.plan)
    training = 0.0
    if decisions.training is not None:
        course = find_course(spec, decisions.training)
        if course is not None:
            trainees = len(decisions.training.reps) if decisions.training.reps else len(seats)
            training = course_price(spec, course) * trainees
    out = {
        "pay": pay_at_target(spec, plan, decisions.target, seats),
        "managers": float(decisions.a_tier_managers * spec.costs.a_tier_manager),
        "hiring": float(decisions.hires * spec.costs.hire),
        "training": float(training),
        "dismissal": float(len(decisions.dismiss) * spec.costs.dismissal),
    }
    out["total"] = round(sum(out.values()), 2)
    budget = spec.settings.budget
    out["budget"] = budget
    out["within_budget"] = budget is None or out["total"] <= budget + 1e-6
    return out
