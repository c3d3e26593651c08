"""Reading the customer tables a trainee hands in (COURSE.md §6) — an account list, a prospect list, a
complaints log, as a DataFrame or a list of records — with the columns a formula needs and numbers where it
counts on them. Bad cells raise :class:`simlib.ScenarioError` naming each one as ``table[row].column`` (the
first :data:`MAX_ISSUES` of them).

    >>> try:
    ...     numeric_column(pd.DataFrame({"profit": [10, "x", None]}), "profit", "accounts")
    ... except ScenarioError as err:
    ...     print(err.paths)
    ['accounts[1].profit', 'accounts[2].profit']
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from simlib.base.schema import Issue, ScenarioError

__all__ = ["MAX_ISSUES", "as_floats", "as_table", "need_columns", "numeric_column", "shown"]

MAX_ISSUES = 20
"""A table with many bad cells reports the first ones."""


def as_table(data: Any, name: str) -> pd.DataFrame:
    """``data`` as a non-empty DataFrame: a DataFrame as it is, a list of records as rows; ``name`` is the
    field the issues name (``accounts``, ``complaints``)."""
    if isinstance(data, pd.DataFrame):
        df = data
    elif isinstance(data, Sequence) and not isinstance(data, str) and all(isinstance(r, Mapping) for r in data):
        df = pd.DataFrame(list(data))
    else:
        raise ScenarioError.at(name, "customers_table", input=type(data).__name__)
    if df.empty:
        raise ScenarioError.at(name, "too_short", min=1, max=None, actual=0)
    return df


def need_columns(df: pd.DataFrame, cols: Sequence[str], name: str) -> None:
    """Every column of ``cols`` is in ``df``, or one issue per missing column naming the columns there are."""
    missing = [c for c in cols if c not in df.columns]
    if missing:
        have = ", ".join(map(str, df.columns))
        raise ScenarioError([Issue(f"{name}.{c}", "customers_column", {"column": c, "columns": have})
                             for c in missing])


def as_floats(s: pd.Series) -> np.ndarray:
    """A column's cells as floats, with NaN for what is not a number (text, empty cells, true/false)."""
    vals = pd.to_numeric(s, errors="coerce") if s.dtype != bool else pd.Series(np.nan, index=s.index)
    return vals.to_numpy(dtype=float, na_value=np.nan)


def numeric_column(df: pd.DataFrame, col: str, name: str) -> np.ndarray:
    """A column as finite floats, or an issue naming its first bad rows."""
    s = df[col]
    arr = as_floats(s)
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise ScenarioError([Issue(f"{name}[{i}].{col}", "type_number", {"input": shown(s.iloc[i])})
                             for i in bad[:MAX_ISSUES]])
    return arr


def shown(v: Any) -> Any:
    """A bad value as an issue shows it: text quoted (``'x'``), anything else as it is."""
    return repr(v) if isinstance(v, str) else v
