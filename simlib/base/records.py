"""Validating records a trainee or a file hands in: forms (COIN feedback, a PIP, a self-check sheet),
account tables, case files — with every cross-field problem reported at once, localised, by field.

A model's ``model_validator`` collects its problems as ``(field, code, params)`` and calls
:func:`record_problems`; :func:`validate_record` turns them, and pydantic's own errors, into one
:class:`~simlib.base.schema.ScenarioError` whose issues name each field (``sheets[2].accuracy``).
"""
from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import PydanticCustomError

from simlib.base.i18n import t
from simlib.base.schema import Issue, ScenarioError, StrictModel, dedupe_issues, format_path, issue_from_error

__all__ = ["TextModel", "is_number", "join_path", "label_or_key", "native", "record_problems", "unknown_key_issue",
           "validate_record"]

_MULTI = "simlib_issues"


def record_problems(items: list[tuple[str, str, dict]]) -> None:
    """Raise every cross-field problem at once from inside a model validator: ``(field, code, params)``
    triples that :func:`validate_record` turns into localised issues (the text is only a fallback)."""
    if items:
        text = "; ".join(f"{p or '(record)'}: {c}" for p, c, _ in items).replace("{", "(").replace("}", ")")
        raise PydanticCustomError(_MULTI, text, {"issues": items})


def join_path(*parts: str) -> str:
    """Field paths joined: ``join_path("sheets[2]", "accuracy")`` -> ``sheets[2].accuracy``.

        >>> join_path("sheets[2]", "accuracy"), join_path("", "[0]", "name")
        ('sheets[2].accuracy', '[0].name')
    """
    out = ""
    for p in parts:
        if not p:
            continue
        out = p if not out else out + (p if p.startswith("[") else "." + p)
    return out


def unknown_key_issue(path: str, key: str, valid: Sequence[str]) -> tuple[str, str, dict]:
    """The problem of an unknown key, with the nearest valid one when there is one."""
    near = difflib.get_close_matches(key, list(valid), n=1, cutoff=0.5)
    if near:
        return (path, "unknown_key_suggest", {"key": key, "suggestion": near[0]})
    return (path, "unknown_key", {"key": key, "valid": ", ".join(valid)})


def validate_record(cls: type[BaseModel], data: Any, path: str = "") -> Any:
    """Validate ``data`` as ``cls`` like :func:`simlib.base.schema.validate_model`, and also turn the
    cross-field checks of the model (:func:`record_problems`) into localised issues. ``path`` prefixes every
    field's path (``sheets[2]`` -> ``sheets[2].accuracy``).

        >>> from simlib.formulas.appraisal import CoinFeedback
        >>> try:
        ...     validate_record(CoinFeedback, {"context": "上週的客戶演示", "observation": " ", "impact": "x",
        ...                                    "next": "y"})
        ... except ScenarioError as err:
        ...     print(err.message("zh-Hant"))
        observation 不能為空。
    """
    if not isinstance(data, Mapping):
        raise ScenarioError([Issue(path, "type_mapping", {"input": type(data).__name__})])
    try:
        return cls.model_validate(native(dict(data)))
    except ValidationError as exc:
        issues: list[Issue] = []
        for err in exc.errors():
            loc = tuple(err.get("loc", ()))
            ctx = dict(err.get("ctx") or {})
            if err["type"] == _MULTI:
                for p, code, params in ctx["issues"]:
                    issues.append(Issue(join_path(path, format_path(loc), p), code, dict(params)))
            elif err["type"].startswith(("date", "datetime")):
                value = err.get("input")
                issues.append(Issue(join_path(path, format_path(loc)), "appraisal_date",
                                    {"input": repr(value) if isinstance(value, str) else value}))
            else:
                issue = issue_from_error(err, cls)
                issues.append(Issue(join_path(path, issue.path), issue.code, issue.params))
        raise ScenarioError(dedupe_issues(issues)) from None


def native(x: Any) -> Any:
    """numpy scalars (from pandas) as Python numbers, so that strict models accept them."""
    if isinstance(x, Mapping):
        return {k: native(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [native(v) for v in x]
    if hasattr(x, "dtype") and hasattr(x, "item") and getattr(x, "ndim", 1) == 0:
        return x.item()
    return x


def label_or_key(key: str, lang: str | None) -> str:
    """The catalog text for ``key`` or, for a name the catalog does not know, the last part of the key.

        >>> label_or_key("no.such.key.tier_x", "en")
        'tier_x'
    """
    text = t(key, lang)
    return key.rsplit(".", 1)[-1] if text == key else text


def is_number(v: Any) -> bool:
    """A finite int or float (a numpy one too), not a bool."""
    return (isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)) or (
        hasattr(v, "dtype") and getattr(v.dtype, "kind", "") in "iuf" and math.isfinite(float(v)))


class TextModel(StrictModel):
    """Free-text forms: surrounding blanks are trimmed, so a blank part counts as empty."""
    model_config = ConfigDict(str_strip_whitespace=True)
