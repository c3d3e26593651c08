"""The validation base every parameter model shares: strict pydantic models, YAML parsing, and
:class:`ScenarioError` — one localised message per problem, naming the field's path and, for an
unknown key, the nearest valid one (CONTRACT §1)."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from simlib.base.i18n import MESSAGE_LANGUAGE, t

__all__ = ["Issue", "ScenarioError", "StrictModel", "dedupe_issues", "format_path", "issue_from_error", "parse_yaml",
           "read_source", "validate_model"]


class StrictModel(BaseModel):
    """The base of every input model: unknown keys are errors, types are not coerced, values are frozen."""
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)


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

    ``str(err)`` is in :data:`simlib.base.i18n.MESSAGE_LANGUAGE` (English);
    apps call ``err.message(lang)``.
    """

    def __init__(self, issues: list[Issue], source: str | None = None):
        self.issues = list(issues)
        self.source = source
        super().__init__(self.message())

    @classmethod
    def at(cls, path: str, code: str, **params: Any) -> ScenarioError:
        """The error of one problem: ``raise ScenarioError.at("weights", "split_empty")``.

            >>> ScenarioError.at("team.reps", "greater_than_equal", limit=1, input=0).issues[0].path
            'team.reps'
        """
        return cls([Issue(path, code, params)])

    def message(self, lang: str | None = None) -> str:
        lines = [i.message(lang) for i in self.issues]
        if self.source:
            lines.insert(0, t("error.in_file", lang, source=self.source))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.message(MESSAGE_LANGUAGE)

    @property
    def paths(self) -> list[str]:
        return [i.path for i in self.issues]

    def __reduce__(self):  # survives pickling across worker processes
        return (ScenarioError, (self.issues, self.source))


ScenarioError.__module__ = "simlib"  # users meet it as simlib.ScenarioError


def format_path(loc: tuple) -> str:
    """``('funnel', 'stages', 2, 'conversion')`` -> ``'funnel.stages[2].conversion'``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _fields_at(loc: tuple, root: type[BaseModel]) -> list[str]:
    """The valid keys of the model that holds the field at ``loc`` (for 'did you mean')."""
    model: Any = root
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


def issue_from_error(err: dict, root: type[BaseModel]) -> Issue:
    """The localisable :class:`Issue` of one pydantic error of a ``root`` model."""
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
        fields = [_alias(root, loc, f) for f in _fields_at(loc, root)]
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
        expected = str(ctx.get("expected", "")).replace(" or ", ", ")   # no English "or" in zh messages
        return Issue(path, "choice", {"expected": expected, "input": shown})
    if kind in _TYPE_CODES:
        return Issue(path, "type_" + _TYPE_CODES[kind], {"input": shown})
    if kind in ("too_large", "quotas_needed", "plan_needed", "unknown_name", "pip_final_weeks"):
        return Issue(ctx.pop("field"), kind, ctx)
    if kind in ("duplicate_name", "rep_count", "bad_language", "quota_source", "bands_start", "bands_order",
                "cap_empty", "shares_sum"):
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
        raise ScenarioError(dedupe_issues([issue_from_error(e, cls) for e in exc.errors()]), source) from None


def dedupe_issues(issues: list[Issue]) -> list[Issue]:
    """``issues`` without repeats of the same path and code, in order."""
    seen, out = set(), []
    for i in issues:
        k = (i.path, i.code)
        if k not in seen:
            seen.add(k)
            out.append(i)
    return out



class _Loader(yaml.SafeLoader):
    """SafeLoader that also reads ``1e5`` and ``5_000`` as numbers (YAML 1.1 leaves them strings)."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def read_source(source: Any, search: tuple[Path, ...] = ()) -> tuple[Any, str | None]:
    """``(data, origin)`` from what a loader was given: a YAML file path (looked up as given, then
    under each folder of ``search``), YAML text, or data as is (``origin`` None). A missing file is a
    :class:`ScenarioError` naming it; every model's ``load_*`` reads its input through here.

        >>> read_source("a: 1")
        ({'a': 1}, None)
    """
    if not isinstance(source, (str, Path)):
        return source, None
    text = str(source)
    if not isinstance(source, Path) and ("\n" in text or not text.endswith((".yaml", ".yml"))):
        return parse_yaml(text), None
    path = Path(source)
    if not path.is_file() and not path.is_absolute():
        path = next((base / path for base in search if (base / path).is_file()), path)
    if not path.is_file():
        raise ScenarioError([Issue("", "file_not_found", {"file": str(source)})])
    return parse_yaml(path.read_text(encoding="utf-8"), str(path)), str(path)


def parse_yaml(text: str, source: str | None = None) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else "?"
        raise ScenarioError([Issue("", "yaml_syntax", {"line": line,
                                                       "detail": getattr(exc, "problem", str(exc))})],
                            source) from None


