"""Reading a trainee's answer to a drill (COURSE.md §9): a plain dict, as an app or a notebook collects it.

Each reader takes a value and the path of its field (``metrics[2].value``) and returns the value in the form
the checker uses; a blank is ``None`` (or empty), since an incomplete answer is feedback, not an error. Bad
input — a text where a number belongs, an unknown option or key — raises :class:`simlib.ScenarioError` naming
the field, with its own ``error.drills_*`` messages where the general ones do not fit::

    >>> as_number("1,200,000", "target"), as_number(" ", "target")
    (1200000.0, None)
    >>> try:
    ...     as_choice("dollars", "unit", ["yuan", "10k_yuan"])
    ... except ScenarioError as err:
    ...     print(err.message("en"))
    unit must be one of yuan, 10k_yuan; got 'dollars'.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from simlib.base.fmt import number
from simlib.base.records import is_number, join_path, unknown_key_issue
from simlib.base.schema import Issue, ScenarioError

__all__ = ["as_choice", "as_date", "as_list", "as_mapping", "as_number", "as_number_in", "as_text", "exact",
           "mentions_any", "reject_unknown_keys", "shown"]


def shown(v: Any) -> Any:
    """How a bad input is quoted in an error: a text in quotes, a mapping or list by its type, else itself."""
    return repr(v) if isinstance(v, str) else (type(v).__name__ if isinstance(v, (dict, list, tuple)) else v)


def as_mapping(v: Any, path: str) -> dict:
    """A mapping (``{}`` for a blank)."""
    if v is None:
        return {}
    if not isinstance(v, Mapping):
        raise ScenarioError.at(path, "type_mapping", input=type(v).__name__)
    return dict(v)


def reject_unknown_keys(d: Mapping, allowed: Sequence[str], path: str) -> None:
    """Raise one error naming every key of ``d`` not in ``allowed`` (with the nearest allowed one, if any)."""
    issues = []
    for k in d:
        if str(k) in allowed:
            continue
        where, code, params = unknown_key_issue(join_path(path, str(k)), str(k), allowed)
        issues.append(Issue(where, code, params))
    if issues:
        raise ScenarioError(issues)


def as_list(v: Any, path: str) -> list:
    """A list (``[]`` for a blank); a text or a mapping is not one."""
    if v is None:
        return []
    if isinstance(v, (str, bytes, Mapping)) or not isinstance(v, (Sequence, np.ndarray, pd.Series)):
        raise ScenarioError.at(path, "type_list", input=type(v).__name__)
    return list(v)


def as_text(v: Any, path: str) -> str:
    """A text without its surrounding blanks (``""`` for a blank)."""
    if v is None:
        return ""
    if not isinstance(v, str):
        raise ScenarioError.at(path, "type_text", input=shown(v))
    return v.strip()


def as_number(v: Any, path: str) -> float | None:
    """A finite number, or None for a blank; numeric text ("1,200,000") is read as a number."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, str):
        try:
            x = float(v.strip().replace(",", "").replace("，", ""))
        except ValueError:
            raise ScenarioError.at(path, "type_number", input=shown(v)) from None
    elif isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_)):
        x = float(v)
    else:
        raise ScenarioError.at(path, "type_number", input=shown(v))
    if not is_number(x):
        raise ScenarioError.at(path, "type_number", input=v)
    return x


def as_number_in(v: Any, path: str, low: float, high: float) -> float | None:
    """A number from ``low`` to ``high`` (a lever's bounds), or None for a blank."""
    x = as_number(v, path)
    if x is not None and not low <= x <= high:
        raise ScenarioError.at(path, "drills_range", low=number(low), high=number(high), input=number(x))
    return x


def as_choice(v: Any, path: str, valid: Sequence[str]) -> str:
    """One of ``valid`` (an option's id)."""
    if not isinstance(v, str) or v not in valid:
        raise ScenarioError.at(path, "choice", expected=", ".join(valid), input=shown(v))
    return v


def as_date(v: Any, path: str) -> date | None:
    """A date (an ISO text ``2025-09-30`` or a date), or None for a blank."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, str):
        try:
            return date.fromisoformat(v.strip())
        except ValueError:
            pass
    raise ScenarioError.at(path, "drills_date", input=shown(v))


def exact(x: float) -> Fraction:
    """A number as the exact fraction it was written as, so sums are compared without rounding.

        >>> exact(0.1) + exact(0.2) == exact(0.3)
        True
    """
    return Fraction(repr(float(x))) if isinstance(x, float) else Fraction(x)


def mentions_any(text: str, words: Sequence[str]) -> bool:
    """Whether ``text`` contains one of ``words`` (ignoring case): a key's words for what a part should say."""
    low = text.lower()
    return any(str(w).lower() in low for w in words)
