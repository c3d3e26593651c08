"""The rows a trainee or a team hands in to the appraisal forms — the judges' pitch score sheets
(COURSE.md §4, §9 drill 5) and a PIP's weekly check-ins (COURSE.md §4) — read from a DataFrame or a list
of records into plain dicts, a wrong shape raising :class:`simlib.ScenarioError` naming the field.

    >>> sheet_rows(pd.DataFrame({"contestant": ["甲", "乙"], "judge": ["A", None]}), "sheets")
    [{'contestant': '甲', 'judge': 'A'}, {'contestant': '乙'}]
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from pydantic import BaseModel

from simlib.base.schema import ScenarioError

__all__ = ["sheet_rows"]


def sheet_rows(data: Any, name: str) -> list[dict]:
    """One dict per row of ``data``: a DataFrame (its empty cells left out, as if not filled in) or a
    list of mappings or pydantic models; ``name`` is the field the issues name (``sheets[2]``)."""
    if isinstance(data, pd.DataFrame):
        return [{k: v for k, v in r.items() if not (pd.api.types.is_scalar(v) and pd.isna(v))}   # empty cells
                for r in data.to_dict("records")]
    if isinstance(data, (Mapping, str)) or not isinstance(data, Sequence):
        raise ScenarioError.at(name, "type_list", input=type(data).__name__)
    out = []
    for i, r in enumerate(data):
        if isinstance(r, BaseModel):
            r = r.model_dump()
        if not isinstance(r, Mapping):
            raise ScenarioError.at(f"{name}[{i}]", "type_mapping", input=type(r).__name__)
        out.append(dict(r))
    return out
