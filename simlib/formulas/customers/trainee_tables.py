"""Trainee-facing customer tables (COURSE.md §6): the formulas' tables keep English column names and
values for machines; :func:`localise` writes a copy in the trainee's language (``customers.col.*`` and the
names of severities, statuses and lifecycle stages from ``simlib/locales/customers.<lang>.yaml``).
"""
from __future__ import annotations

import pandas as pd

from simlib.base.i18n import t
from simlib.base.records import label_or_key

__all__ = ["localise"]

_VALUE_COLUMNS = {"severity": "customers.severity", "status": "customers.status", "lifecycle": "customers.lifecycle"}


def localise(df: pd.DataFrame, lang: str | None = None, *, value: str | None = None) -> pd.DataFrame:
    """A copy of one of this module's tables for a trainee: known column names (``customers.col.*``)
    and known values (severity, status, lifecycle stage) in ``lang``; ``value`` names the column
    whose totals a tier summary reports (``profit`` -> 利潤).

        >>> from simlib.formulas.customers.complaints import root_causes
        >>> localise(root_causes(pd.DataFrame({"cause": ["x", "y", "x"]})), "zh-Hant").columns.tolist()
        ['原因', '件數', '占比', '累計占比', '關鍵少數']
    """
    out = df.copy()
    for col, prefix in _VALUE_COLUMNS.items():
        if col in out.columns:
            out[col] = [label_or_key(f"{prefix}.{v}", lang) if isinstance(v, str) else v for v in out[col]]
    names = {}
    what = label_or_key(f"customers.value.{value}", lang) if value else ""
    for c in out.columns:
        key = f"customers.col.{c}"
        text = t(key, lang, value=what)
        if text != key:
            names[c] = text
    return out.rename(columns=names)
