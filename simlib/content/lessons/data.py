"""The lesson on sales data (COURSE.md §8): the funnel-health board, the weekly trend line, the attainment
board against an even pace, and the KPI families of one simulated quarter.

Every block simulates the Funnel Basics team (:data:`~simlib.content.lessons.funnel.FUNNEL`), as the funnel
lesson does.
"""
from __future__ import annotations

import math
from typing import Any

import pandas as pd

from simlib.analysis.simulation import simulate
from simlib.base.fmt import money, number, percent
from simlib.base.i18n import t
from simlib.content.lessons.funnel import FUNNEL, SEED
from simlib.content.lessons.registry import BlockList, Param, course_scenario, lesson_table
from simlib.viz.funnel import weekly_figure
from simlib.viz.lessons import pace_figure

__all__ = ["BLOCKS"]

BLOCKS = BlockList("data")


@BLOCKS.block("stages", "table", Param("seed", "lessons.param.seed", 7, 0, 50))
def _data_stages(lang: str, seed: int) -> pd.DataFrame:
    """COURSE.md §8 the funnel-health board (stage counts, conversion): one simulated quarter of the Funnel
    Basics team, :meth:`simlib.SimResult.stage_counts`, for the run with seed ``seed``."""
    sc = course_scenario(FUNNEL)
    c = simulate(sc, seed=seed).stage_counts()
    labels = {s.name: s.display(lang) for s in sc.funnel.stages}
    planned = {s.name: s.conversion for s in sc.funnel.stages}
    rows = [{"stage": labels[r.stage], "entered": r.entered, "passed": r.passed, "lost": r.lost, "open": r.open,
             "conversion": r.conversion, "planned": planned[r.stage], "expected": r.expected_entered}
            for r in c.itertuples()]
    return lesson_table(rows, lang, {"stage": "lessons.col.stage", "entered": "lessons.col.entered",
                                     "passed": "lessons.col.passed", "lost": "lessons.col.lost",
                                     "open": "lessons.col.open", "conversion": "lessons.col.observed",
                                     "planned": "lessons.col.planned", "expected": "lessons.col.expected_entered"},
                        {"entered": ",d", "passed": ",d", "lost": ",d", "open": ",d", "conversion": ".1%",
                         "planned": ".0%", "expected": ",.0f"}, note=t("lessons.data.stages.note", lang, seed=seed))


@BLOCKS.block("weekly", "figure", Param("leads", "lessons.param.leads_per_week", 60, 10, 150, 5))
def _data_weekly(lang: str, leads: int) -> Any:
    """COURSE.md §8 the trend line: wins and revenue week by week of one simulated quarter,
    :meth:`simlib.SimResult.weekly` drawn by :func:`simlib.viz.funnel.weekly_figure`."""
    return weekly_figure(simulate(course_scenario(FUNNEL).with_changes({"leads.per_week": leads}), seed=SEED), lang)


@BLOCKS.block("pace", "figure", Param("target", "lessons.param.quarter_target_m", 2.5, 1.0, 4.0, 0.1))
def _data_pace(lang: str, target: float) -> Any:
    """COURSE.md §8 the attainment board (target vs actual, warnings): cumulative simulated revenue
    (:meth:`simlib.SimResult.weekly`) against the even pace to a quarterly target of ``target`` M yuan,
    :func:`simlib.viz.lessons.pace_figure`."""
    return pace_figure(simulate(course_scenario(FUNNEL), seed=SEED).weekly(), target * 1_000_000, lang)


@BLOCKS.block("kpis", "table", Param("reps", "lessons.param.reps", 15, 4, 20))
def _data_kpis(lang: str, reps: int) -> pd.DataFrame:
    """COURSE.md §8 KPI families (results, conversion, process, efficiency) of one simulated quarter with
    ``reps`` reps, from :meth:`simlib.SimResult.summary` and :meth:`simlib.SimResult.rep_weeks`."""
    res = simulate(course_scenario(FUNNEL).with_changes({"team.reps": reps}), seed=SEED)
    s = res.summary()
    rw = res.rep_weeks
    touched = float(rw.groupby("rep").deals_touched.sum().mean()) / res.scenario.horizon_weeks
    rows = [("results", "revenue", money(s["revenue"], lang)),
            ("results", "won", number(s["won"], lang, digits=0)),
            ("results", "avg_won_value", money(s["avg_won_value"], lang)),
            ("conversion", "win_rate", percent(s["win_rate"], lang, digits=1, fixed=True)),
            ("conversion", "lead_to_won", percent(s["won"] / s["leads"] if s["leads"] else math.nan, lang,
                                                  digits=1, fixed=True)),
            ("process", "deals_touched", f"{touched:,.1f}"),
            ("process", "open", number(s["open"], lang, digits=0)),
            ("efficiency", "cycle", "—" if not math.isfinite(s["avg_cycle_weeks"])
             else f"{s['avg_cycle_weeks']:.1f}"),
            ("efficiency", "utilization", percent(s["utilization"], lang, digits=0))]
    out = [{"family": t(f"lessons.data.kpis.family.{f}", lang), "kpi": t(f"lessons.data.kpis.kpi.{k}", lang),
            "value": v} for f, k, v in rows]
    return lesson_table(out, lang, {"family": "lessons.col.family", "kpi": "lessons.col.kpi",
                                    "value": "lessons.col.value"},
                        note=t("lessons.data.kpis.note", lang, reps=reps))
