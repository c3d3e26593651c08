"""S0's "341" prospect screening (COURSE.md §6): **3** criteria (company size, industry fit, pain fit), each
scored **4** levels (1–4), and **1** minimum total for a good prospect — over a whole prospect list, and
explained for one prospect.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from simlib.base.i18n import t
from simlib.base.records import label_or_key
from simlib.base.schema import Issue, ScenarioError
from simlib.formulas.customers.input_tables import MAX_ISSUES, as_floats, as_table, need_columns, shown

__all__ = ["SCREEN_CRITERIA", "explain_prospect", "screen_prospects"]

SCREEN_CRITERIA: tuple[str, ...] = ("size", "industry", "pain")
"""S0's "341" method (COURSE.md §6): **3** criteria — company size, industry fit, pain fit —
each scored **4** levels (1–4), and **1** minimum total (e.g. ≥ 8) for a good prospect."""


def _check_screen(criteria: Sequence[str], minimum: Any) -> list[str]:
    crit = [str(c) for c in criteria]
    if not crit or len(set(crit)) != len(crit):
        raise ScenarioError.at("criteria", "customers_criteria", input=", ".join(crit))
    low, high = len(crit), 4 * len(crit)
    if isinstance(minimum, bool) or not isinstance(minimum, (int, np.integer)) or not low <= minimum <= high:
        raise ScenarioError.at("minimum", "customers_screen_minimum", low=low, high=high, input=minimum)
    return crit


def screen_prospects(prospects: Any, criteria: Sequence[str] = SCREEN_CRITERIA, *, minimum: int = 8) -> pd.DataFrame:
    """Screen a prospect list with the "341" method (S0, COURSE.md §6), vectorised over the table.

    Each criterion column holds whole scores 1–4; the result adds ``total``, ``good`` (total ≥
    ``minimum``) and ``weakest`` (the lowest-scored criterion, the first on ties).

    Raises:
        ScenarioError: a missing column, a score that is not a whole number 1–4 (each bad cell named
            ``prospects[row].criterion``, up to 20), a minimum outside the reachable totals.

        >>> df = pd.DataFrame({"name": ["甲公司", "乙公司", "丙公司"], "size": [4, 2, 3], "industry": [3, 2, 3],
        ...                    "pain": [2, 3, 2]})
        >>> screen_prospects(df)[["name", "total", "good", "weakest"]].values.tolist()
        [['甲公司', 9, True, 'pain'], ['乙公司', 7, False, 'size'], ['丙公司', 8, True, 'pain']]
    """
    df = as_table(prospects, "prospects")
    crit = _check_screen(criteria, minimum)
    need_columns(df, crit, "prospects")
    issues: list[Issue] = []
    cols = {}
    for c in crit:
        s = df[c]
        vals = as_floats(s)
        ok = np.isfinite(vals) & (vals == np.round(vals)) & (vals >= 1) & (vals <= 4)
        issues += [Issue(f"prospects[{i}].{c}", "customers_screen_score", {"input": shown(s.iloc[i])})
                   for i in np.flatnonzero(~ok)]
        cols[c] = vals
    if issues:
        raise ScenarioError(sorted(issues, key=lambda i: i.path)[:MAX_ISSUES])
    scores = np.column_stack([cols[c] for c in crit]).astype(int)
    out = df.copy()
    out["total"] = scores.sum(axis=1)
    out["good"] = out["total"] >= minimum
    out["weakest"] = [crit[j] for j in scores.argmin(axis=1)]
    return out


def explain_prospect(scores: Mapping[str, Any], criteria: Sequence[str] = SCREEN_CRITERIA, *, minimum: int = 8,
                     lang: str | None = None) -> list[str]:
    """Explanation lines for one prospect: each criterion's score, then the verdict.

        >>> print("\\n".join(explain_prospect({"size": 3, "industry": 1, "pain": 3}, lang="en")))
        Company size: 3 / 4
        Industry fit: 1 / 4
        Pain-point fit: 3 / 4
        Total 7 < 8: not a priority yet. Weakest: Industry fit (1 / 4).
    """
    row = screen_prospects(pd.DataFrame([dict(scores)]), criteria, minimum=minimum).iloc[0]
    crit = [str(c) for c in criteria]
    lines = [t("customers.screen.line", lang, criterion=label_or_key(f"customers.screen.criterion.{c}", lang),
               score=int(row[c])) for c in crit]
    key = "customers.screen.good" if row["good"] else "customers.screen.not_yet"
    w = row["weakest"]
    lines.append(t(key, lang, total=int(row["total"]), minimum=minimum,
                   weakest=label_or_key(f"customers.screen.criterion.{w}", lang), score=int(row[w])))
    return lines
