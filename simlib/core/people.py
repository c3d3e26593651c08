"""The ``people:`` block of a scenario and what a run draws for it up front (COURSE.md §4–5).

The block's parts (:class:`Ramp`, :class:`Attrition`, :class:`Hiring`, :class:`Mentoring`, :class:`Training`,
:class:`Pip`), the rep roles (:data:`ROLES`, :data:`ROLE_EFFECTS`), each rep's conversions from its skill
(:func:`rep_conversions`) and the people stream's draws (:func:`draw_people`). What happens week by week —
seats, hires, leavers, ramps, PIPs — is :class:`simlib.models.team.TeamDynamics`, whose docstring
describes the model.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from pydantic import Field
from pydantic_core import PydanticCustomError

from simlib.base.i18n import t
from simlib.base.schema import StrictModel
from simlib.formulas.appraisal import PipRules
from simlib.formulas.behaviour import period_bounds
from simlib.formulas.odds import odds_scale

if TYPE_CHECKING:  # pragma: no cover
    from simlib.core.scenario import Scenario

__all__ = [
    "EVENTS", "EVENT_COLUMNS", "MAX_SEAT_HIRES", "PEOPLE_COLUMNS", "ROLES", "ROLE_EFFECTS", "STATES", "WEEK_MONTHS",
    "Attrition", "Hiring", "Mentoring", "People", "Pip", "Ramp", "Training", "active", "check_names", "draw_people",
    "empty_tables", "label", "mean_ramp", "ramp_curve", "rep_conversions",
]

ROLES: tuple[str, ...] = ("hunter", "farmer", "consultant", "key_account")

#: What a role changes (the workbook's assumptions; COURSE.md §5 names the roles, not their sizes):
#: odds multipliers for the funnel's ``first`` stage, its ``middle`` stages and its ``last`` stage,
#: and ``new_leads``: ``(share, first)`` — with ``first`` the rep gives new leads up to ``share`` of
#: the week's hours before deals in progress (a hunter prospects); without, new leads get at most
#: ``share`` of the hours while deals wait (a farmer advances and keeps what it has); ``None`` keeps
#: the scenario's work order.
ROLE_EFFECTS: dict[str, dict] = {
    "hunter": {"first": 1.25, "middle": 1.0, "last": 0.85, "new_leads": (0.40, True)},
    "farmer": {"first": 0.85, "middle": 1.10, "last": 1.10, "new_leads": (0.10, False)},
    "consultant": {"first": 0.90, "middle": 1.30, "last": 1.0, "new_leads": None},
    "key_account": {"first": 0.80, "middle": 1.0, "last": 1.30, "new_leads": (0.10, False)},
}

#: a seat-week's ``state`` in :attr:`simlib.core.results.SimResult.people`, by priority (a mentor in
#: training is "training")
STATES: tuple[str, ...] = ("vacant", "pip", "training", "mentee", "mentor", "active")
EVENTS: tuple[str, ...] = ("hire", "quit", "exit", "pip_start", "pip_end", "training")
#: most occupants a seat can have in one run (draws are made for this many)
MAX_SEAT_HIRES = 64

WEEK_MONTHS = 12 / 52
_RAMP_START, _RAMP_TAU, _MENTOR_SPEED = 0.23, 2.0, 3.4


def label(kind: str, key: str, lang: str | None = None) -> str:
    """The label of a role, state or event in ``lang`` (zh-Hant, zh-Hans, en).

        >>> label("role", "hunter", "zh-Hant"), label("state", "vacant", "en")
        ('獵人型（新客戶開發）', 'Vacant')
    """
    return t(f"team.{kind}.{key}", lang)


def ramp_curve(months, start: float = _RAMP_START, tau_months: float = _RAMP_TAU):
    """Productivity of a rep with ``months`` of experience, relative to a tenured rep.

        >>> round(float(ramp_curve(0)), 2), round(float(ramp_curve(6)), 3)
        (0.23, 0.962)
    """
    return 1.0 - (1.0 - start) * np.exp(-np.asarray(months, float) / tau_months)


def mean_ramp(months: float = 3.0, start: float = _RAMP_START, tau_months: float = _RAMP_TAU,
              speed: float = 1.0) -> float:
    """Mean productivity over a new hire's first ``months`` months, ramping ``speed`` times faster
    (mentored): the S0 calibration of the defaults (COURSE.md §5).

        >>> round(mean_ramp(), 3), round(mean_ramp(speed=_MENTOR_SPEED), 3)
        (0.601, 0.85)
    """
    k = months * speed / tau_months
    return 1.0 - (1.0 - start) * (1.0 - math.exp(-k)) / k


# ---------------------------------------------------------------------------------------------
# The ``people:`` block
# ---------------------------------------------------------------------------------------------
class Ramp(StrictModel):
    """New hires' ramp: ``ramp(e) = 1 − (1 − start)·exp(−e / tau_months)`` of a tenured rep's output."""
    start: float = Field(_RAMP_START, ge=0.01, le=1, description="productivity at 0 months")
    tau_months: float = Field(_RAMP_TAU, gt=0, le=60, description="time constant of the ramp, months")
    hours_share: float = Field(0.0, ge=0, le=1, description=(
        "how much of the ramp is fewer effective selling hours rather than lower conversion"))


class Attrition(StrictModel):
    """Reps leaving: a monthly hazard from an annual rate, with feedback multipliers."""
    annual_rate: float = Field(0.30, ge=0, le=5, description="leavers ÷ average headcount a year")
    low_pay_multiplier: float = Field(1.5, ge=0, le=20)
    low_pay_below: float = Field(0.8, ge=0, le=5, description="share of the pay at 100 % attainment")
    target_multiplier: float = Field(1.5, ge=0, le=20)
    target_below: float = Field(0.5, ge=0, le=5, description="attainment below which a target is unrealistic")


class Hiring(StrictModel):
    """Refilling empty seats."""
    backfill: bool = True
    vacancy_weeks: int = Field(6, ge=0, le=520)
    max_per_quarter: int | None = Field(None, ge=0, le=5000)
    tenure_months: float = Field(0.0, ge=0, le=600, description="tenure of a new hire (0: new to the job)")
    skill: float = Field(1.0, gt=0, le=5, description="a new hire's skill before the team's spread")


class Mentoring(StrictModel):
    """One-to-one mentoring of new hires (S0, COURSE.md §5)."""
    mentors: list[str] | None = Field(None, max_length=5000, description="rep names; default the most tenured")
    hours_per_week: float = Field(2.0, ge=0, le=40, description="a mentor's hours per mentee a week")
    months: float = Field(3.0, gt=0, le=60, description="a new hire is mentored in its first months")
    max_mentees: int = Field(2, ge=1, le=50)
    min_tenure_months: float = Field(12.0, ge=0, le=600, description="to be chosen as a mentor")
    ramp_speed: float = Field(_MENTOR_SPEED, ge=1, le=50)
    attrition_multiplier: float = Field(0.6, ge=0, le=5)


class Training(StrictModel):
    """A training event: trainees' hours in the training weeks, then a stage's conversion lifted."""
    stage: str = Field(min_length=1, max_length=40)
    lift: float = Field(ge=-1, le=1, description="percentage points added to the stage's conversion")
    hours: float = Field(8.0, ge=0, le=80, description="hours per trainee per training week")
    start_week: int = Field(1, ge=1, le=520)
    weeks: int = Field(1, ge=1, le=52)
    reps: list[str] | None = Field(None, max_length=5000, description="trainees by seat; default all")


class Pip(StrictModel):
    """Performance-improvement plans (S0, COURSE.md §4): entry, check-ins, :func:`evaluate_pip` rules."""
    threshold: float = Field(0.6, gt=0, le=5, description="attainment below which a period counts")
    periods: int = Field(2, ge=1, le=24, description="periods in a row below the threshold")
    weeks: int = Field(13, ge=4, le=52, description="length of the PIP (13 weeks ≈ 90 days)")
    target: float = Field(0.8, gt=0, le=5, description="weekly PIP target, share of the weekly quota")
    window_weeks: int = Field(4, ge=1, le=26, description="a check-in's sales: mean of the last weeks")
    checkin_hours: float = Field(1.0, ge=0, le=20)
    exempt_months: float = Field(3.0, ge=0, le=600, description="new hires are not put on a PIP before")
    rules: PipRules = PipRules()


class People(StrictModel):
    """The ``people:`` block of a scenario; a part left out is off (COURSE.md §5)."""
    period: Literal["month", "quarter"] = Field("quarter", description="appraisal period (PIP, targets)")
    ramp: Ramp | None = None
    attrition: Attrition | None = None
    hiring: Hiring = Hiring()
    mentoring: Mentoring | None = None
    training: list[Training] = Field(default_factory=list, max_length=50)
    pip: Pip | None = None


def check_names(sc: Scenario) -> None:
    """Cross-checks against the team and funnel (called from the scenario's validator)."""
    ppl = sc.people
    reps = [r.name for r in sc.team.reps]
    rep_set = set(reps)

    def bad(field: str, name: str, valid: list[str]) -> None:
        shown = ", ".join(valid[:12]) + (", …" if len(valid) > 12 else "")
        raise PydanticCustomError("unknown_name", "unknown name {name}",
                                  {"field": field, "name": name, "valid": shown})

    for i, rep in enumerate(sc.team.reps):
        for stage in rep.lifts or {}:
            if stage not in sc.stage_names:
                bad(f"team.reps[{i}].lifts.{stage}", stage, sc.stage_names)
    if ppl is None:
        return

    if ppl.mentoring is not None and ppl.mentoring.mentors is not None:
        for j, n in enumerate(ppl.mentoring.mentors):
            if n not in rep_set:
                bad(f"people.mentoring.mentors[{j}]", n, reps)
    if ppl.pip is not None and ppl.pip.rules.final_weeks > ppl.pip.weeks:
        raise PydanticCustomError("pip_final_weeks", "final weeks beyond the PIP", {
            "field": "people.pip.rules.final_weeks", "weeks": ppl.pip.weeks, "input": ppl.pip.rules.final_weeks})
    stages = sc.stage_names
    for i, tr in enumerate(ppl.training):
        if tr.stage not in stages:
            bad(f"people.training[{i}].stage", tr.stage, stages)
        for j, n in enumerate(tr.reps or []):
            if n not in rep_set:
                bad(f"people.training[{i}].reps[{j}]", n, reps)


def active(sc: Scenario) -> bool:
    """Whether ``sc`` uses team dynamics (a ``people:`` block, or any rep with a role or trained ``lifts``)."""
    return sc.people is not None or any(r.role is not None or r.lifts for r in sc.team.reps)


def draw_people(sc: Scenario, gen: np.random.Generator) -> dict:
    """The people stream's draws, made up front: one uniform per seat and month (leaving), one
    skill factor per seat and occupant (hires). Always the same shapes for a scenario's team and
    horizon, so switching one part on or off moves no other draw."""
    n = len(sc.team.reps)
    months = len(period_bounds("month", sc.horizon_weeks))
    quit_u = gen.random((n, months))
    hire_z = gen.standard_normal((n, MAX_SEAT_HIRES))
    return {"quit_u": quit_u, "hire_z": hire_z}


def rep_conversions(sc: Scenario, skills: np.ndarray) -> np.ndarray:
    """Per-rep stage conversions: a rep of skill ``s`` multiplies the odds of passing each of the
    funnel's ``n`` stages by ``s ** (1/n)``, so the odds of winning a lead move about ``s``-fold
    (1 = the funnel's rate).

        >>> from simlib.core.scenario import load_scenario
        >>> sc = load_scenario("scenarios/funnel_basics.yaml")
        >>> rep_conversions(sc, np.array([1.0, 2.0]))[:, 0].round(3).tolist()
        [0.5, 0.543]
    """
    p = np.array([s.conversion for s in sc.funnel.stages])
    s = np.asarray(skills, float)[:, None] ** (1.0 / max(len(p), 1))
    return odds_scale(p, s)


PEOPLE_COLUMNS = ("seat", "week", "occupant", "tenure_months", "ramp", "skill", "state", "hours", "role",
                  "mentor", "mentees", "training", "pip", "sales")
EVENT_COLUMNS = ("week", "seat", "person", "event", "detail", "tenure_months")


def empty_tables():
    """The ``(people, events)`` tables of a run without team dynamics: no rows, the same columns."""
    return pd.DataFrame(columns=list(PEOPLE_COLUMNS)), pd.DataFrame(columns=list(EVENT_COLUMNS))
