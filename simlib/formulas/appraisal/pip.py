"""S0's performance-improvement plan (PIP, COURSE.md §4): diagnose, set weekly targets, support, track
weekly and evaluate after ~90 days — the plan, the workbook's documented decision rules and the
evaluation (passed, extended, or a fair exit).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal

import pandas as pd
from pydantic import Field, model_validator

from simlib.base.fmt import percent
from simlib.base.i18n import t
from simlib.base.records import TextModel, is_number, record_problems, unknown_key_issue, validate_record
from simlib.base.schema import Issue, ScenarioError, StrictModel, dedupe_issues
from simlib.formulas.appraisal.sheets import sheet_rows

__all__ = ["PipOutcome", "PipPlan", "PipResult", "PipRules", "evaluate_pip"]


class PipOutcome(StrEnum):
    """How a PIP ends (COURSE.md §4: "evaluate after ~90 days; then fair exit")."""
    PASSED = "passed"
    EXTENDED = "extended"
    EXIT = "exit"

    def label(self, lang: str | None = None) -> str:
        return t(f"appraisal.pip.outcome.{self.value}", lang)


class PipRules(StrictModel):
    """The documented decision rules of :func:`evaluate_pip` (the workbook's; S0 gives only the steps).

    A week's attainment is the mean over the plan's targets of min(actual ÷ target, 1) — beating
    one target does not make up for missing another. Over the last ``final_weeks`` weeks:

    * **passed**: mean attainment ≥ ``pass_level`` (90 %) and no week below ``floor`` (70 %);
    * **extended** (by ``extension_days``): not passed, mean ≥ ``extend_level`` (75 %) and fewer
      than ``max_extensions`` extensions used so far — close to the bar, one more chance;
    * **exit**: otherwise (a fair exit: documented, with the support given on record).

    The rules are monotone: better weekly numbers never lead to a worse outcome.
    """
    final_weeks: int = Field(4, ge=1, le=26)
    pass_level: float = Field(0.9, gt=0, le=1)
    floor: float = Field(0.7, ge=0, le=1)
    extend_level: float = Field(0.75, ge=0, le=1)
    extension_days: int = Field(30, ge=7, le=90)
    max_extensions: int = Field(1, ge=0, le=3)

    @model_validator(mode="after")
    def _order(self) -> PipRules:
        if self.extend_level > self.pass_level:
            record_problems([("extend_level", "pip_levels", {"extend": self.extend_level, "pass_": self.pass_level})])
        return self


class PipPlan(TextModel):
    """A performance-improvement plan (S0, COURSE.md §4): diagnose, set targets, support, track
    weekly, evaluate after ~90 days.

    ``targets`` are weekly, ``{metric: target}`` (e.g. ``{"sales": 25000, "visits": 10}``);
    ``cause`` is the diagnosed root cause (S0: skill, attitude or environment); weekly check-ins fall
    every 7 days from ``start`` up to the evaluation date ``start + days``.

        >>> plan = PipPlan.from_dict({"employee": "王五", "start": "2025-03-03", "cause": "skill",
        ...     "diagnosis": "新 CRM 系統不熟,方案轉化率 12%(團隊 35%)",
        ...     "targets": {"sales": 25000, "visits": 10}, "support": ["一對一導師", "CRM 培訓"]})
        >>> plan.weeks, plan.evaluation_date.isoformat(), plan.checkins[0].isoformat()
        (12, '2025-06-01', '2025-03-10')
    """
    employee: str = Field(min_length=1, max_length=80)
    start: date = Field(strict=False)
    days: int = Field(90, ge=28, le=365)
    cause: Literal["skill", "attitude", "environment", "other"] = "skill"
    diagnosis: str = Field(min_length=1, max_length=2000)
    targets: dict[str, Annotated[float, Field(gt=0)]] = Field(min_length=1, max_length=10)
    support: list[Annotated[str, Field(min_length=1, max_length=300)]] = Field(min_length=1, max_length=20)
    extensions_used: int = Field(0, ge=0, le=3)
    rules: PipRules = Field(default_factory=PipRules)

    @model_validator(mode="after")
    def _window(self) -> PipPlan:
        if self.rules.final_weeks > self.weeks:
            record_problems([("rules.final_weeks", "pip_final_weeks", {"input": self.rules.final_weeks,
                                                                  "weeks": self.weeks})])
        return self

    @classmethod
    def from_dict(cls, mapping: Mapping) -> PipPlan:
        return validate_record(cls, mapping)

    @property
    def evaluation_date(self) -> date:
        return self.start + timedelta(days=self.days)

    @property
    def weeks(self) -> int:
        """Weekly check-ins before the evaluation date (90 days -> 12)."""
        return self.days // 7

    @property
    def checkins(self) -> list[date]:
        return [self.start + timedelta(days=7 * k) for k in range(1, self.weeks + 1)]


@dataclass(frozen=True)
class PipResult:
    """The evaluation of a PIP: the ``outcome``, the weekly table (each metric's attainment and the
    week's ``attainment``), the ``final`` mean over the last weeks, the ``opening`` mean over the first
    weeks (for the trend), the lowest final week, and ``reasons`` (catalog key, params) in order."""
    outcome: PipOutcome
    weekly: pd.DataFrame
    final: float
    opening: float
    lowest_final: float
    next_date: date | None
    reasons: list[tuple[str, dict]]

    def text(self, lang: str | None = None) -> list[str]:
        """The outcome and the reasons for it, one a line."""
        head = t("appraisal.pip.result", lang, outcome=self.outcome.label(lang))
        return [head] + [t(f"appraisal.pip.reason.{k}", lang, **p) for k, p in self.reasons]


def evaluate_pip(plan: PipPlan | Mapping, records: Any) -> PipResult:
    """Evaluate a PIP at its evaluation date from the weekly check-in records (COURSE.md §4).

    Args:
        plan: a :class:`PipPlan` (or its dict).
        records: one record per weekly check-in, in order — a DataFrame or list of dicts with a
            number for each of the plan's targets (an optional ``week`` column 1, 2, … is checked).
            Exactly ``plan.weeks`` records: a plan is judged at its end, not before.

    Returns:
        :class:`PipResult` by the rules of :class:`PipRules`.

        >>> plan = PipPlan.from_dict({"employee": "王五", "start": "2025-03-03", "diagnosis": "轉化率低",
        ...                           "targets": {"sales": 25000, "visits": 10}, "support": ["導師"]})
        >>> weeks = [{"sales": 12000 + 1200 * w, "visits": 6 + w // 2} for w in range(12)]
        >>> r = evaluate_pip(plan, weeks)
        >>> r.outcome.value, round(r.final, 3), round(r.opening, 3)
        ('passed', 0.967, 0.601)
        >>> evaluate_pip(plan, [{"sales": 20000, "visits": 8}] * 12).outcome.value    # 80 %: close
        'extended'
        >>> evaluate_pip(plan, [{"sales": 10000, "visits": 6}] * 12).outcome.value    # 50 %
        'exit'
    """
    if not isinstance(plan, PipPlan):
        plan = PipPlan.from_dict(plan)
    recs = sheet_rows(records, "records")
    if len(recs) != plan.weeks:
        raise ScenarioError.at("records", "pip_weeks", weeks=plan.weeks, got=len(recs),
                               date=plan.evaluation_date.isoformat())
    metrics = list(plan.targets)
    issues: list[Issue] = []
    for i, r in enumerate(recs):
        if "week" in r and (not is_number(r["week"]) or float(r["week"]) != i + 1):
            issues.append(Issue(f"records[{i}].week", "pip_week_order", {"input": r["week"], "expected": i + 1}))
        for k in r:
            if k != "week" and k not in metrics:
                p, code, params = unknown_key_issue(f"records[{i}].{k}", str(k), metrics)
                issues.append(Issue(p, code, params))
        for m in metrics:
            v = r.get(m)
            if v is None:
                issues.append(Issue(f"records[{i}].{m}", "missing"))
            elif not is_number(v) or float(v) < 0:
                issues.append(Issue(f"records[{i}].{m}", "greater_than_equal", {"limit": 0, "input": v}))
    if issues:
        raise ScenarioError(dedupe_issues(issues))
    rules = plan.rules
    weekly = pd.DataFrame([{m: float(r[m]) for m in metrics} for r in recs])
    weekly.insert(0, "week", range(1, len(recs) + 1))
    att = pd.DataFrame({m: (weekly[m] / plan.targets[m]).clip(upper=1.0) for m in metrics})
    for m in metrics:
        weekly[f"{m}_attainment"] = att[m]
    weekly["attainment"] = att.mean(axis=1)
    final_window = weekly["attainment"].iloc[-rules.final_weeks:]
    final = float(final_window.mean())
    lowest = float(final_window.min())
    opening = float(weekly["attainment"].iloc[:rules.final_weeks].mean())
    eps = 1e-12
    p = {"final": percent(final), "n": rules.final_weeks, "pass_level": percent(rules.pass_level),
         "floor": percent(rules.floor), "lowest": percent(lowest), "extend_level": percent(rules.extend_level)}
    reasons: list[tuple[str, dict]] = [("trend", {"opening": percent(opening), "final": percent(final),
                                                  "n": rules.final_weeks})]
    next_date = None
    if final + eps >= rules.pass_level and lowest + eps >= rules.floor:
        outcome = PipOutcome.PASSED
        reasons.insert(0, ("passed", p))
    elif final + eps >= rules.extend_level and plan.extensions_used < rules.max_extensions:
        outcome = PipOutcome.EXTENDED
        next_date = plan.evaluation_date + timedelta(days=rules.extension_days)
        why = "extended_floor" if final + eps >= rules.pass_level else "extended"
        reasons.insert(0, (why, {**p, "days": rules.extension_days, "date": next_date.isoformat()}))
    else:
        outcome = PipOutcome.EXIT
        why = "exit_extensions" if final + eps >= rules.extend_level else "exit"
        reasons.insert(0, (why, {**p, "max": rules.max_extensions}))
    return PipResult(outcome=outcome, weekly=weekly, final=final, opening=opening, lowest_final=lowest,
                     next_date=next_date, reasons=reasons)
