"""Scenario files: the pydantic schema, YAML loading and localised validation errors (CONTRACT §1).

A scenario is the world a drill runs in: how many leads arrive, the funnel they pass through, and
the team whose limited hours do the work. Scenarios are validated where they enter — a file, a
dict, or a change from an app's slider — and every problem is reported with the path of the field,
in the user's language, with the nearest valid key when a key is unknown::

    >>> sc = load_scenario({"horizon_weeks": 4, "leads": {"per_week": 10},
    ...     "funnel": {"stages": [{"name": "lead", "conversion": 0.5, "work_hours": 1}],
    ...                "deal_value": {"mean": 1000}},
    ...     "team": {"reps": 2, "hours_per_week": 20}})
    >>> [r.name for r in sc.team.reps]
    ['R01', 'R02']
    >>> sc.with_changes({"leads.per_week": 30}).leads.per_week
    30.0
    >>> load_scenario({**sc.to_dict(), "horizon_week": 4})
    Traceback (most recent call last):
    ...
    simlib.ScenarioError: horizon_week: unknown key. Did you mean 'horizon_weeks'?
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from simlib.base.i18n import LANGUAGES, normalize_lang
from simlib.base.paths import scenarios_dir
from simlib.base.schema import (  # noqa: F401 (re-exported)
    Issue,
    ScenarioError,
    StrictModel,
    format_path,
    parse_yaml,
    read_source,
    validate_model,
)
from simlib.core.people import People, check_names
from simlib.formulas.behaviour import Behaviour
from simlib.formulas.incentives import CompPlan

__all__ = [
    "MAX_LEADS",
    "MAX_REPS",
    "DealValue",
    "Funnel",
    "Issue",
    "Leads",
    "Quotas",
    "Rep",
    "Scenario",
    "ScenarioError",
    "Stage",
    "Team",
    "check_labels",
    "load_scenario",
    "set_path",
    "validate_model",
]

#: A run larger than this many expected leads is refused: the server would stall for minutes.
MAX_LEADS = 2_000_000
MAX_REPS = 5_000


Labels = dict[str, str]


def check_labels(v: Labels | None) -> Labels | None:
    """A ``label:`` mapping's languages must be ones the workbook speaks (a validator shared with case files)."""
    if v is not None:
        for k in v:
            if k not in LANGUAGES:
                raise PydanticCustomError("bad_language", "unknown language {lang}",
                                          {"lang": k, "expected": ", ".join(LANGUAGES)})
    return v


class Stage(StrictModel):
    """One funnel stage: the rep spends ``work_hours`` on a deal, then it advances with ``conversion``."""
    name: str = Field(min_length=1, max_length=40)
    conversion: float = Field(ge=0, le=1)
    work_hours: float = Field(ge=0, le=200)
    wait_weeks: float = Field(0.0, ge=0, le=52, description="mean customer wait before the work (exponential)")
    label: Labels | None = None

    _labels = field_validator("label")(check_labels)

    def display(self, lang: str) -> str:
        """The stage's label in ``lang`` (its name when no label is given)."""
        if self.label:
            lang = normalize_lang(lang)
            for cand in (lang, "zh-Hant" if lang == "zh-Hans" else lang, "en"):
                if cand in self.label:
                    return self.label[cand]
        return self.name


class DealValue(StrictModel):
    """Lognormal value of a won deal, in yuan: ``mean`` and coefficient of variation ``cv``."""
    mean: float = Field(ge=0, le=1e10)
    cv: float = Field(0.0, ge=0, le=5)


class Funnel(StrictModel):
    stages: list[Stage] = Field(min_length=1, max_length=12)
    deal_value: DealValue

    @field_validator("stages")
    @classmethod
    def _unique_names(cls, v: list[Stage]) -> list[Stage]:
        seen: set[str] = set()
        for s in v:
            if s.name in seen:
                raise PydanticCustomError("duplicate_name", "duplicate name {name}", {"name": s.name})
            seen.add(s.name)
        return v


class Leads(StrictModel):
    per_week: float = Field(ge=0, le=100_000)


class Rep(StrictModel):
    """A sales rep; ``hours_per_week`` overrides the team's selling hours for this rep.

    ``skill`` scales the odds of passing each stage (1 = as the funnel says; 1.5 = odds × 1.5);
    ``tenure_months``, ``history`` (same-period sales, several years allowed) and ``potential`` feed
    target allocation (:func:`simlib.formulas.targets.allocate`); ``quota`` fixes this rep's quota per plan period.
    With a ``people:`` block, ``tenure_months`` also sets where the rep is on the new-hire ramp (none:
    fully ramped). ``role`` (hunter, farmer, consultant, key_account; COURSE.md §5) changes the rep's
    stage odds and how it splits its week between new leads and deals in progress
    (:data:`simlib.models.team.ROLE_EFFECTS`). ``lifts`` (``{stage: points}``, with team dynamics) is what
    past training added to the rep's stage conversions, as a ``people.training`` lift adds it.
    """
    name: str = Field(min_length=1, max_length=40)
    hours_per_week: float | None = Field(None, gt=0, le=80)
    skill: float = Field(1.0, gt=0, le=5)
    tenure_months: float | None = Field(None, ge=0, le=600)
    history: float | list[float] | None = None
    potential: float | None = Field(None, ge=0)
    quota: float | None = Field(None, gt=0, le=1e11)
    role: Literal["hunter", "farmer", "consultant", "key_account"] | None = None
    lifts: dict[str, Annotated[float, Field(ge=-1, le=1)]] | None = Field(None, max_length=12, description=(
        "percentage points past training already added to stages' conversion (a workshop's trained reps)"))


class Team(StrictModel):
    reps: list[Rep] = Field(min_length=1, max_length=MAX_REPS)
    hours_per_week: float = Field(gt=0, le=80)
    assignment: Literal["round_robin", "least_loaded", "random"] = "round_robin"
    work_order: Literal["fifo", "late_stage_first"] = "fifo"
    skill_cv: float = Field(0.0, ge=0, le=1, description="spread of skill across reps (lognormal, mean 1)")

    @field_validator("reps", mode="before")
    @classmethod
    def _count_to_reps(cls, v: Any) -> Any:
        if isinstance(v, bool):
            return v
        if isinstance(v, int):
            if not 1 <= v <= MAX_REPS:
                raise PydanticCustomError("rep_count", "reps must be 1..{max}", {"max": MAX_REPS, "input": v})
            width = max(2, len(str(v)))
            return [{"name": f"R{i + 1:0{width}d}"} for i in range(v)]
        return v

    @field_validator("reps")
    @classmethod
    def _unique_reps(cls, v: list[Rep]) -> list[Rep]:
        names = [r.name for r in v]
        dup = next((n for n in names if names.count(n) > 1), None)
        if dup is not None:
            raise PydanticCustomError("duplicate_name", "duplicate name {name}", {"name": dup})
        return v

    def hours(self) -> list[float]:
        """Selling hours per week of each rep, in order."""
        return [r.hours_per_week if r.hours_per_week is not None else self.hours_per_week for r in self.reps]


class Quotas(StrictModel):
    """Quotas per plan period: the same ``per_rep``, or a ``team`` total allocated by ``method``
    (:data:`simlib.formulas.targets.ALLOCATION_METHODS`); a rep's own ``quota`` wins over both."""
    per_rep: float | None = Field(None, gt=0, le=1e11)
    team: float | None = Field(None, gt=0, le=1e12)
    method: Literal["equal", "history", "capability", "potential", "blend"] = "equal"

    @model_validator(mode="after")
    def _one_source(self) -> Quotas:
        if (self.per_rep is None) == (self.team is None):
            raise PydanticCustomError("quota_source", "give per_rep or team", {})
        return self


class Scenario(StrictModel):
    """A validated scenario (CONTRACT §1). Build it with :func:`load_scenario`."""
    name: str = Field("", max_length=200)
    description: str | Labels | None = None
    horizon_weeks: int = Field(ge=1, le=520)
    leads: Leads
    funnel: Funnel
    team: Team
    incentives: CompPlan | None = None
    quotas: Quotas | None = None
    behaviour: Behaviour = Behaviour()
    people: People | None = None

    @model_validator(mode="after")
    def _people_names(self) -> Scenario:
        check_names(self)
        return self

    @model_validator(mode="after")
    def _plan_needs_quotas(self) -> Scenario:
        has_own = all(r.quota is not None for r in self.team.reps)
        if self.incentives is not None and self.quotas is None and not has_own:
            raise PydanticCustomError("quotas_needed", "a plan needs quotas", {"field": "quotas"})
        if self.behaviour.preset != "no_gaming" and self.incentives is None:
            raise PydanticCustomError("plan_needed", "behaviour needs a plan", {"field": "incentives"})
        return self

    @model_validator(mode="after")
    def _not_too_large(self) -> Scenario:
        expected = self.leads.per_week * self.horizon_weeks
        if expected > MAX_LEADS:
            raise PydanticCustomError("too_large", "run too large", {
                "leads": f"{expected:,.0f}", "max": f"{MAX_LEADS:,}", "field": "leads.per_week"})
        return self

    # -- convenience -------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A plain dict (YAML-ready) that :func:`load_scenario` turns back into this scenario."""
        return self.model_dump(mode="json", exclude_none=True)

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False)

    def with_changes(self, changes: dict[str, Any]) -> Scenario:
        """A validated copy with ``{"dotted.path": value}`` changes applied.

        Paths may index lists: ``"funnel.stages.2.conversion"`` or ``"funnel.stages[2].conversion"``.
        """
        data = self.to_dict()
        for path, value in changes.items():
            set_path(data, path, value)
        return load_scenario(data)

    @property
    def stage_names(self) -> list[str]:
        return [s.name for s in self.funnel.stages]


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------
def load_scenario(source: str | Path | dict | Scenario) -> Scenario:
    """A validated :class:`Scenario` from a YAML file path, YAML text, a dict or a scenario.

    Raises:
        ScenarioError: naming each bad field (path, problem, nearest valid key).
    """
    if isinstance(source, Scenario):
        return source
    data, origin = read_source(source)
    if isinstance(data, dict) and isinstance(data.get("incentives"), str):
        data = dict(data, incentives=_plan_file(data["incentives"], origin))
    return validate_model(Scenario, data, origin)


def _plan_file(ref: str, origin: str | None) -> Any:
    """``incentives: plans/s1_tiered_2_3_4.yaml`` — a plan kept in its own file, looked up beside the
    scenario, then under ``scenarios/`` (so one plan file serves many scenarios)."""
    here = Path(origin).parent if origin else Path.cwd()
    root = scenarios_dir()
    for base in (here, root, Path.cwd()):
        path = base / ref
        if path.is_file() and path.suffix in (".yaml", ".yml"):
            return parse_yaml(path.read_text(encoding="utf-8"), str(path))
    raise ScenarioError([Issue("incentives", "plan_file_not_found", {"file": ref})])


_INDEX = re.compile(r"\[(\d+)\]")


def set_path(data: dict, path: str, value: Any) -> None:
    """Set ``value`` at a dotted ``path`` (``funnel.stages[1].conversion``) in nested ``data``, in place."""
    parts = [p for p in _INDEX.sub(r".\1", path).split(".") if p]
    node: Any = data
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            try:
                idx = int(part)
                node[idx]
            except (ValueError, IndexError):
                raise ScenarioError([Issue(path, "bad_path", {"part": part})]) from None
            if last:
                node[idx] = value
            else:
                node = node[idx]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            else:
                if part == "reps" and isinstance(node.get(part), int):
                    node[part] = [{"name": f"R{k + 1:02d}"} for k in range(node[part])]
                node = node.setdefault(part, {})
        else:
            raise ScenarioError([Issue(path, "bad_path", {"part": part})])
