"""The lesson on the sales funnel (COURSE.md §2): the reverse calculation from wins to leads, a simulated
quarter beside the analytic flow, the reps' capacity, and the electronics case's bottleneck.

The blocks run the Funnel Basics team (``scenarios/funnel_basics.yaml``, the S1 funnel, seed 7) and the
``electronics_bottleneck`` case.
"""
from __future__ import annotations

import math
from functools import cache
from typing import Any

import pandas as pd

from simlib.analysis.cases import load_case
from simlib.analysis.simulation import simulate
from simlib.base.fmt import number, percent
from simlib.base.i18n import t
from simlib.content.lessons.registry import BlockList, Param, course_scenario, lesson_table
from simlib.core.funnel import bottleneck, expected, required_leads
from simlib.core.scenario import Scenario
from simlib.viz.funnel import funnel_figure, utilization_figure

__all__ = ["BLOCKS", "FUNNEL", "SEED"]

BLOCKS = BlockList("funnel")
#: the scenario (under ``scenarios/``) of the funnel and data lessons, and the seed of their one simulated quarter
FUNNEL = "funnel_basics.yaml"
SEED = 7


@cache
def _case_scenario(case: str) -> Scenario:
    return load_case(case).base_scenario


@BLOCKS.block("reverse", "table", Param("wins", "lessons.param.target_wins", 60, 0, 200))
def _funnel_reverse(lang: str, wins: int) -> pd.DataFrame:
    """COURSE.md §2 reverse calculation (S3): deals needed entering each stage of the S1 funnel for
    ``wins`` wins, :func:`simlib.required_leads`, against the 60 leads a week the team gets."""
    sc = course_scenario(FUNNEL)
    need = required_leads(sc, wins)
    weeks = sc.horizon_weeks
    rows = [{"stage": s.display(lang), "conversion": s.conversion, "need": need[s.name], "week": need[s.name] / weeks}
            for s in sc.funnel.stages]
    rows.append({"stage": t("viz.won", lang), "conversion": math.nan, "need": float(wins), "week": wins / weeks})
    first = need[sc.stage_names[0]]
    note = t("lessons.funnel.reverse.note", lang, leads=f"{first / weeks:,.1f}",
             have=number(sc.leads.per_week, lang), weeks=weeks)
    return lesson_table(rows, lang, {"stage": "lessons.col.stage", "conversion": "lessons.col.conversion",
                                     "need": "lessons.col.needed", "week": "lessons.col.per_week"},
                        {"conversion": ".0%", "need": ",.1f", "week": ",.1f"}, note=note)


@BLOCKS.block("simulated", "figure", Param("leads", "lessons.param.leads_per_week", 60, 10, 150, 5))
def _funnel_simulated(lang: str, leads: int) -> Any:
    """COURSE.md §2 the funnel: one simulated quarter (:func:`simlib.simulate`, seed 7) of the S1 funnel
    beside the analytic flow, :func:`simlib.viz.funnel.funnel_figure`."""
    return funnel_figure(simulate(course_scenario(FUNNEL).with_changes({"leads.per_week": leads}), seed=SEED), lang)


@BLOCKS.block("capacity", "figure", Param("reps", "lessons.param.reps", 15, 4, 20))
def _funnel_capacity(lang: str, reps: int) -> Any:
    """COURSE.md §2 capacity: each rep's share of hours worked in a simulated quarter against the hours the
    funnel demands (:func:`simlib.viz.funnel.utilization_figure`)."""
    return utilization_figure(simulate(course_scenario(FUNNEL).with_changes({"team.reps": reps}), seed=SEED), lang)


@BLOCKS.block("bottleneck", "table", Param("conversion", "lessons.param.visit_proposal", 45, 10, 80, 5))
def _funnel_bottleneck(lang: str, conversion: int) -> pd.DataFrame:
    """COURSE.md §2 and §5 the electronics case (S0): visit → proposal 20 % → 45 % yet sales only +30 %.
    :func:`simlib.expected` and :func:`simlib.bottleneck` of the case's team (``electronics_bottleneck``)
    before training and at ``conversion`` %."""
    base = _case_scenario("electronics_bottleneck")
    now = base.with_changes({"funnel.stages[0].conversion": conversion / 100})
    h = base.horizon_weeks
    cols = {}
    for name, sc in (("before", base), ("now", now)):
        e, b = expected(sc), bottleneck(sc)
        stage = next(s for s in sc.funnel.stages if s.name == b["stage"]).display(lang)
        cols[name] = {"won": e["won"] / h, "demanded": e["hours_demanded"] / h, "available": e["hours_available"] / h,
                      "utilization": e["utilization"], "carried": e["won_capacity_limited"] / h,
                      "bottleneck": t(f"lessons.funnel.bottleneck.{b['kind']}", lang, stage=stage)}
    change = cols["now"]["carried"] / cols["before"]["carried"] - 1
    fmt = {"won": lambda v: f"{v:,.2f}", "demanded": lambda v: f"{v:,.0f}", "available": lambda v: f"{v:,.0f}",
           "utilization": lambda v: percent(v, lang, digits=0), "carried": lambda v: f"{v:,.2f}", "bottleneck": str}
    rows = [{"metric": t(f"lessons.funnel.bottleneck.row.{k}", lang), "before": f(cols["before"][k]),
             "now": f(cols["now"][k])} for k, f in fmt.items()]
    note = t("lessons.funnel.bottleneck.note", lang, change=f"{change:+.0%}",
             naive=f"{cols['now']['won'] / cols['before']['won'] - 1:+.0%}")
    return lesson_table(rows, lang, {"metric": "lessons.col.metric", "before": "lessons.funnel.bottleneck.before",
                                     "now": "lessons.funnel.bottleneck.now"}, note=note)
