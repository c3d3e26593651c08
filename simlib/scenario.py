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
    simlib.scenario.ScenarioError: horizon_week: unknown key. Did you mean 'horizon_weeks'?
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .i18n import LANGUAGES, get_language, normalize_lang, t

__all__ = [
    "Scenario", "Stage", "Funnel", "DealValue", "Leads", "Rep", "Team",
    "ScenarioError", "Issue", "load_scenario", "validate_model", "MAX_LEADS", "MAX_REPS",
]

#: A run larger than this many expected leads is refused: the server would stall for minutes.
MAX_LEADS = 2_000_000
MAX_REPS = 5_000


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)


Labels = dict[str, str]


def _check_labels(v: Labels | None) -> Labels | None:
    if v is not None:
        for k in v:
            if k not in LANGUAGES:
                raise PydanticCustomError("bad_language", "unknown language {lang}",
                                          {"lang": k, "expected": ", ".join(LANGUAGES)})
    return v


class Stage(_Model):
    """One funnel stage: the rep spends ``work_hours`` on a deal, then it advances with ``conversion``."""
    name: str = Field(min_length=1, max_length=40)
    conversion: float = Field(ge=0, le=1)
    work_hours: float = Field(ge=0, le=200)
    wait_weeks: float = Field(0.0, ge=0, le=52, description="mean customer wait before the work (exponential)")
    label: Labels | None = None

    _labels = field_validator("label")(_check_labels)

    def display(self, lang: str) -> str:
        """The stage's label in ``lang`` (its name when no label is given)."""
        if self.label:
            lang = normalize_lang(lang)
            for cand in (lang, "zh-Hant" if lang == "zh-Hans" else lang, "en"):
                if cand in self.label:
                    return self.label[cand]
        return self.name


class DealValue(_Model):
    """Lognormal value of a won deal, in yuan: ``mean`` and coefficient of variation ``cv``."""
    mean: float = Field(ge=0, le=1e10)
    cv: float = Field(0.0, ge=0, le=5)


class Funnel(_Model):
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


class Leads(_Model):
    per_week: float = Field(ge=0, le=100_000)


class Rep(_Model):
    """A sales rep; ``hours_per_week`` overrides the team's selling hours for this rep."""
    name: str = Field(min_length=1, max_length=40)
    hours_per_week: float | None = Field(None, gt=0, le=80)


class Team(_Model):
    reps: list[Rep] = Field(min_length=1, max_length=MAX_REPS)
    hours_per_week: float = Field(gt=0, le=80)
    assignment: Literal["round_robin", "least_loaded", "random"] = "round_robin"
    work_order: Literal["fifo", "late_stage_first"] = "fifo"

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


class Scenario(_Model):
    """A validated scenario (CONTRACT §1). Build it with :func:`load_scenario`."""
    name: str = Field("", max_length=200)
    description: str | Labels | None = None
    horizon_weeks: int = Field(ge=1, le=520)
    leads: Leads
    funnel: Funnel
    team: Team

    @model_validator(mode="after")
    def _not_too_large(self) -> "Scenario":
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

    def with_changes(self, changes: dict[str, Any]) -> "Scenario":
        """A validated copy with ``{"dotted.path": value}`` changes applied.

        Paths may index lists: ``"funnel.stages.2.conversion"`` or ``"funnel.stages[2].conversion"``.
        """
        data = self.to_dict()
        for path, value in changes.items():
            _set_path(data, path, value)
        return load_scenario(data)

    @property
    def stage_names(self) -> list[str]:
        return [s.name for s in self.funnel.stages]


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Issue:
    """One problem in a scenario: where (``path``), what (``code``), and the details."""
    path: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str | None = None) -> str:
        params = {"path": self.path or "(scenario)", "detail": self.code, **self.params}
        text = t(f"error.{self.code}", lang, **params)
        if text == f"error.{self.code}":
            text = t("error.generic", lang, **params)
        return text


class ScenarioError(ValueError):
    """A scenario that cannot be used, with every problem found, each naming its field.

    ``str(err)`` is in the library's language (English unless :func:`simlib.i18n.set_language`);
    apps call ``err.message(lang)``.
    """

    def __init__(self, issues: list[Issue], source: str | None = None):
        self.issues = list(issues)
        self.source = source
        super().__init__(self.message())

    def message(self, lang: str | None = None) -> str:
        lines = [i.message(lang) for i in self.issues]
        if self.source:
            lines.insert(0, t("error.in_file", lang, source=self.source))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.message(get_language())

    @property
    def paths(self) -> list[str]:
        return [i.path for i in self.issues]


def format_path(loc: tuple) -> str:
    """``('funnel', 'stages', 2, 'conversion')`` -> ``'funnel.stages[2].conversion'``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _fields_at(loc: tuple, root: type[BaseModel] | None = None) -> list[str]:
    """The valid keys of the model that holds the field at ``loc`` (for 'did you mean')."""
    model: Any = root or Scenario
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part) if isinstance(model, type) and issubclass(model, BaseModel) else None
        if info is None:
            return []
        ann = info.annotation
        nxt = None
        for cand in (ann, *getattr(ann, "__args__", ())):
            for c in (cand, *getattr(cand, "__args__", ())):
                if isinstance(c, type) and issubclass(c, BaseModel):
                    nxt = c
        if nxt is None:
            return []
        model = nxt
    return list(model.model_fields) if isinstance(model, type) and issubclass(model, BaseModel) else []


_TYPE_CODES = {
    "float_type": "number", "float_parsing": "number", "int_type": "integer", "int_parsing": "integer",
    "int_from_float": "integer", "string_type": "text", "dict_type": "mapping", "model_type": "mapping",
    "model_attributes_type": "mapping", "list_type": "list", "bool_type": "boolean",
}


def _issue_from(err: dict, root: type[BaseModel] | None = None) -> Issue:
    loc = tuple(err.get("loc", ()))
    kind = err["type"]
    ctx = dict(err.get("ctx") or {})
    value = err.get("input")
    shown = repr(value) if isinstance(value, str) else value
    if isinstance(shown, (dict, list)):
        shown = type(value).__name__
    path = format_path(loc)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        fields = [_alias(root or Scenario, loc, f) for f in _fields_at(loc, root)]
        near = difflib.get_close_matches(key, fields, n=1, cutoff=0.5)
        if near:
            return Issue(path, "unknown_key_suggest", {"key": key, "suggestion": near[0]})
        valid = ", ".join(fields)
        return Issue(path, "unknown_key", {"key": key, "valid": valid})
    if kind == "missing":
        return Issue(path, "missing")
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        limit = next(iter(ctx.values()))
        return Issue(path, kind, {"limit": limit, "input": shown})
    if kind in ("too_short", "too_long"):
        return Issue(path, kind, {"min": ctx.get("min_length"), "max": ctx.get("max_length"),
                                  "actual": ctx.get("actual_length")})
    if kind in ("string_too_short", "string_too_long"):
        return Issue(path, kind, {"min": ctx.get("min_length"), "max": ctx.get("max_length")})
    if kind == "literal_error":
        return Issue(path, "choice", {"expected": ctx.get("expected"), "input": shown})
    if kind in _TYPE_CODES:
        return Issue(path, "type_" + _TYPE_CODES[kind], {"input": shown})
    if kind == "too_large":
        return Issue(ctx.pop("field"), "too_large", ctx)
    if kind in ("duplicate_name", "rep_count", "bad_language"):
        return Issue(path, kind, ctx)
    return Issue(path, "generic", {"detail": err.get("msg", kind)})


def _alias(root: type[BaseModel], loc: tuple, name: str) -> str:
    """A field's name as written in YAML (its alias, e.g. ``from`` for ``from_``)."""
    model: Any = root
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        if info is None:
            return name
        nxt = None
        for cand in (info.annotation, *getattr(info.annotation, "__args__", ())):
            for c in (cand, *getattr(cand, "__args__", ())):
                if isinstance(c, type) and issubclass(c, BaseModel):
                    nxt = c
        if nxt is None:
            return name
        model = nxt
    info = model.model_fields.get(name)
    return (info.alias or name) if info is not None else name


def validate_model(cls: type[BaseModel], data: Any, source: str | None = None) -> Any:
    """Validate ``data`` as ``cls``; any problem becomes a :class:`ScenarioError` naming its fields."""
    if not isinstance(data, dict):
        raise ScenarioError([Issue("", "type_mapping", {"input": type(data).__name__})], source)
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_dedupe([_issue_from(e, cls) for e in exc.errors()]), source) from None


def _dedupe(issues: list[Issue]) -> list[Issue]:
    seen, out = set(), []
    for i in issues:
        k = (i.path, i.code)
        if k not in seen:
            seen.add(k)
            out.append(i)
    return out


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------
class _Loader(yaml.SafeLoader):
    """SafeLoader that also reads ``1e5`` and ``5_000`` as numbers (YAML 1.1 leaves them strings)."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def parse_yaml(text: str, source: str | None = None) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 — a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else "?"
        raise ScenarioError([Issue("", "yaml_syntax", {"line": line,
                                                       "detail": getattr(exc, "problem", str(exc))})],
                            source) from None


def load_scenario(source: str | Path | dict | Scenario) -> Scenario:
    """A validated :class:`Scenario` from a YAML file path, YAML text, a dict or a scenario.

    Raises:
        ScenarioError: naming each bad field (path, problem, nearest valid key).
    """
    if isinstance(source, Scenario):
        return source
    origin = None
    if isinstance(source, (str, Path)):
        text = str(source)
        if isinstance(source, Path) or (("\n" not in text) and text.endswith((".yaml", ".yml"))):
            path = Path(source)
            if not path.is_file():
                raise ScenarioError([Issue("", "file_not_found", {"file": str(path)})])
            origin = str(path)
            data = parse_yaml(path.read_text(encoding="utf-8"), origin)
        else:
            data = parse_yaml(text)
    else:
        data = source
    if not isinstance(data, dict):
        raise ScenarioError([Issue("", "type_mapping", {"input": type(data).__name__})], origin)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_dedupe([_issue_from(e) for e in exc.errors()]), origin) from None


_INDEX = re.compile(r"\[(\d+)\]")


def _set_path(data: dict, path: str, value: Any) -> None:
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
