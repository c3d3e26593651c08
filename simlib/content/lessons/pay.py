"""The lesson on pay and incentives (COURSE.md §3): a tiered plan read as marginal and as retroactive tiers,
a rep's payslip under S1's attainment-coefficient table, the decks' plans side by side, and what a plan
makes a simulated team do.

The plans are the files under ``scenarios/plans/``; the quota is a rep's quarterly quota in the Pay Plan
Lab's team (``scenarios/pay/behaviour_base.yaml``).
"""
from __future__ import annotations

import math
from functools import cache
from typing import Any

import pandas as pd

from simlib.analysis.whatif import compare_plans, with_plan
from simlib.base.fmt import money, percent
from simlib.base.i18n import t
from simlib.content.lessons.registry import (
    SCENARIOS,
    BlockList,
    Param,
    course_scenario,
    lesson_table,
    localised_table,
)
from simlib.formulas.incentives import CompPlan, pay_table
from simlib.viz.lessons import plan_outcome_figure
from simlib.viz.pay import pay_curve_figure

__all__ = ["BLOCKS", "PAY_TEAM", "PERIOD_QUARTERS", "PLANS", "QUOTA"]

BLOCKS = BlockList("pay")
QUOTA = 225_000             # a rep's quarterly quota in the Pay Plan Lab's team (scenarios/pay/behaviour_base.yaml)
PLANS = ("linear", "s1_tiered_2_3_4", "s1_coefficient_table", "s3_tiers")
PERIOD_QUARTERS = {"month": 1 / 3, "quarter": 1.0, "year": 4.0}
PAY_TEAM = (10, 174)        # reps and leads a week of the simulated pay block: 2/3 of the Pay Plan Lab's team


@cache
def _plan(key: str) -> CompPlan:
    return CompPlan.from_yaml(SCENARIOS / "plans" / f"{key}.yaml")


@BLOCKS.block("curve", "figure", Param("attainment", "lessons.param.attainment", 115, 0, 200, 5))
def _pay_curve(lang: str, attainment: int) -> Any:
    """COURSE.md §3 tiered commission (S1 "達標前2%,達標後3%,超額4%"): the plan read as marginal and as
    retroactive tiers, :func:`simlib.viz.pay.pay_curve_figure`, with a rep at ``attainment`` % of a
    225,000 quarterly quota."""
    marginal = _plan("s1_tiered_2_3_4")
    data = marginal.to_dict()
    retro = CompPlan.from_dict(data | {"commission": data["commission"] | {"mode": "retroactive"}})
    names = {k: t(f"lessons.pay.{k}", lang) for k in ("marginal", "retroactive")}
    return pay_curve_figure({"marginal": marginal, "retroactive": retro}, QUOTA, lang,
                            sales=attainment / 100 * QUOTA, names=names)


@BLOCKS.block("payout", "table", Param("attainment", "lessons.param.attainment", 110, 0, 200, 5))
def _pay_payout(lang: str, attainment: int) -> pd.DataFrame:
    """COURSE.md §3 attainment-coefficient table (S1): one rep's quarter under
    ``scenarios/plans/s1_coefficient_table.yaml``, :meth:`simlib.formulas.incentives.CompPlan.payout` line
    by line."""
    p = _plan("s1_coefficient_table").payout(sales=attainment / 100 * QUOTA, quota=QUOTA)
    df = p.table(lang).rename(columns={"item": t("lessons.col.item", lang), "amount": t("lessons.col.amount", lang)})
    note = t("lessons.pay.payout.note", lang, sales=money(attainment / 100 * QUOTA, lang), quota=money(QUOTA, lang),
             attainment=percent(p.attainment, lang, digits=1, fixed=True),
             variable=money(p.commission + p.bonus, lang))
    return localised_table(df, {t("lessons.col.amount", lang): ",.2f"}, note)


@BLOCKS.block("plans", "table", Param("attainment", "lessons.param.attainment", 110, 0, 200, 5))
def _pay_plans(lang: str, attainment: int) -> pd.DataFrame:
    """COURSE.md §3 pay mix (S1: fixed pay 40–60 % of the total) and the decks' plans side by side: each
    plan's pay for one period at the same attainment, :func:`simlib.formulas.incentives.pay_table`."""
    rows = []
    for key in PLANS:
        plan = _plan(key)
        quota = QUOTA * PERIOD_QUARTERS[plan.period]
        r = pay_table(plan, pd.Series({"rep": attainment / 100 * quota}), quota).iloc[0]
        rows.append({"plan": t(f"pay_lab.plan.{key}", lang), "period": t(f"lessons.period.{plan.period}", lang),
                     "quota": quota, "base": plan.base_pay, "variable": r.commission + r.bonus, "total": r.total,
                     "cost": r.cost_ratio, "fixed": plan.base_pay / r.total if r.total else math.nan})
    return lesson_table(rows, lang, {"plan": "lessons.col.plan", "period": "lessons.col.period",
                                     "quota": "lessons.col.quota", "base": "lessons.col.base",
                                     "variable": "lessons.col.variable", "total": "lessons.col.total",
                                     "cost": "lessons.col.cost_ratio", "fixed": "lessons.col.fixed_share"},
                        {"quota": ",.0f", "base": ",.0f", "variable": ",.0f", "total": ",.0f", "cost": ".1%",
                         "fixed": ".0%"}, note=t("lessons.pay.plans.note", lang))


@BLOCKS.block("simulated", "figure", Param("quota", "lessons.param.quota_k", 225, 150, 300, 25))
def _pay_simulated(lang: str, quota: int) -> Any:
    """COURSE.md §3 what a plan makes reps do: two thirds of the Pay Plan Lab's team (10 reps, 174 leads a week)
    for one quarter under the linear plan and the S1 coefficient table, same seed
    (:func:`simlib.analysis.whatif.compare_plans`, rational reps): revenue, pay cost ÷ revenue and reps at
    quota, :func:`simlib.viz.lessons.plan_outcome_figure`."""
    base = course_scenario("pay/behaviour_base.yaml").with_changes({"team.reps": PAY_TEAM[0],
                                                                    "leads.per_week": PAY_TEAM[1]})
    keys = ("linear", "s1_coefficient_table")
    scen = {k: with_plan(base, _plan(k), quotas={"per_rep": quota * 1000}) for k in keys}
    cmp = compare_plans(base, scen, seed=3, replications=1, behaviour="rational", horizon_weeks=13)
    return plan_outcome_figure(cmp.summary, lang, {k: t(f"pay_lab.plan.{k}", lang) for k in keys})
