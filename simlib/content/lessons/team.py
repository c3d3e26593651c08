"""The lesson on the team (COURSE.md §5): a new hire's ramp with and without a mentor, the S0 IT company's
half-year with and without mentors, and its seats under turnover.

The team is the S0 IT company (``scenarios/team/s0_it_company.yaml``: 15 reps, 30 % turnover).
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from simlib.analysis.simulation import simulate
from simlib.analysis.whatif import compare_teams
from simlib.base.fmt import money, percent
from simlib.base.i18n import t
from simlib.content.lessons.registry import BlockList, Param, course_scenario, lesson_table
from simlib.viz.lessons import ramp_figure
from simlib.viz.team import staffing_figure

__all__ = ["BLOCKS", "TEAM_SCENARIO"]

BLOCKS = BlockList("team")
TEAM_SCENARIO = "team/s0_it_company.yaml"


@BLOCKS.block("ramp", "figure", Param("speed", "lessons.param.mentor_speed", 3.4, 1.0, 5.0, 0.1))
def _team_ramp(lang: str, speed: float) -> Any:
    """COURSE.md §5 mentoring (S0: new hires' 3-month attainment 60 % → 85 % with a mentor): the ramp curve
    :func:`simlib.models.team.ramp_curve` without and with a mentor who speeds learning ``speed`` times, and
    the 3-month means :func:`simlib.models.team.mean_ramp`; :func:`simlib.viz.lessons.ramp_figure`."""
    return ramp_figure(speed, lang)


@BLOCKS.block("mentoring", "table", Param("attrition", "lessons.param.attrition", 30, 0, 80, 5))
def _team_mentoring(lang: str, attrition: int) -> pd.DataFrame:
    """COURSE.md §5 the S0 IT company (15 reps, 30 % turnover): half a year with and without one-to-one
    mentors, same seed, :func:`simlib.analysis.whatif.compare_teams`."""
    sc = course_scenario(TEAM_SCENARIO).with_changes({"horizon_weeks": 26,
                                                      "people.attrition.annual_rate": attrition / 100})
    cmp = compare_teams({"with": sc, "without": sc.with_changes({"people.mentoring": None})}, seed=1)
    s = cmp.summary

    def share(v: float) -> str:
        return percent(v, lang, digits=0)

    def count(v: float) -> str:
        return f"{v:,.0f}"

    fmt = {"revenue": lambda v: money(v, lang), "attainment_mean": share, "new_hire_ramp": share,
           "turnover_annual": share, "quits": count, "hires": count, "development_hours": count}
    rows = [{"metric": t(f"team_lab.metric.{m}", lang), "with": f(float(s.loc["with", m])),
             "without": f(float(s.loc["without", m]))} for m, f in fmt.items()]
    return lesson_table(rows, lang, {"metric": "lessons.col.metric", "with": "lessons.team.with_mentors",
                                     "without": "lessons.team.without_mentors"},
                        note=t("lessons.team.mentoring.note", lang, weeks=26))


@BLOCKS.block("staffing", "figure", Param("vacancy", "lessons.param.vacancy_weeks", 6, 0, 16))
def _team_staffing(lang: str, vacancy: int) -> Any:
    """COURSE.md §5 turnover: a year of the S0 IT company's 15 seats (30 % turnover, mentors, training, PIPs)
    with seats left empty ``vacancy`` weeks before a new hire, :func:`simlib.simulate` and
    :func:`simlib.viz.team.staffing_figure`."""
    sc = course_scenario(TEAM_SCENARIO).with_changes({"people.hiring.vacancy_weeks": vacancy})
    fig = staffing_figure(simulate(sc, seed=1).people, lang)
    fig.layout.title.text = t("lessons.team.staffing.figure", lang, weeks=vacancy)
    return fig
