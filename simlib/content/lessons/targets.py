"""The lesson on targets (COURSE.md §1): SMART targets, splitting a year's target over quarters and product
lines, allocating a team's target to people, and scoring OKRs.

The examples are the decks': the S3 electronics company's 100 M yuan for 2024, S1's product-line shares,
a four-person team with three years of same-period history plus a new hire, and S0's brand-influence OKR.
"""
from __future__ import annotations

import math
from typing import Any

import pandas as pd

from simlib.analysis.achievability import smart_check
from simlib.base.fmt import percent
from simlib.base.i18n import t
from simlib.content.lessons.registry import BlockList, Param, course_scenario, lesson_table, person_names
from simlib.formulas.seasonality import split_time
from simlib.formulas.smart import SmartReport
from simlib.formulas.targets import allocation_table, okr_score, split_matrix
from simlib.viz.targets import allocation_figure, matrix_figure

__all__ = ["BLOCKS", "PRODUCT_SHARES", "SMART_EXAMPLES", "TEAM", "TEAM_MONTH_TARGET", "team_reps"]

BLOCKS = BlockList("targets")
SMART_EXAMPLES = ("vague", "growth", "a_class", "enterprise")
PRODUCT_SHARES = {"core": 0.6, "new": 0.3, "accessories": 0.1}
TEAM_MONTH_TARGET = 2_000_000
TEAM = (  # (name key, same-period history of 3 years, most recent last; skill; months in the job)
    ("zhang", [560_000, 600_000, 640_000], 1.3, 60),
    ("li", [420_000, 450_000, 480_000], 1.15, 36),
    ("wang", [380_000, 400_000, 420_000], 1.0, 24),
    ("chen", [300_000, 360_000, 400_000], 1.0, 12),
)


def team_reps(lang: str, tenure: float) -> list[dict]:
    """The allocation block's team as :func:`simlib.formulas.targets.allocation_table` takes it: the four
    reps of :data:`TEAM` and a new hire (Hu Bin) ``tenure`` months in the job, named in ``lang``."""
    names = person_names(lang, "zhang", "li", "wang", "chen", "hu")
    reps = [{"name": names[k], "history": h, "skill": s, "tenure_months": m} for k, h, s, m in TEAM]
    return reps + [{"name": names["hu"], "history": [0], "skill": 1.0, "tenure_months": tenure}]


def _mark(v: bool | None) -> str:
    return "✓" if v is True else "✗" if v is False else "?"


@BLOCKS.block("smart", "table", Param("wins", "lessons.param.target_wins", 45, 0, 120))
def _targets_smart(lang: str, wins: int) -> pd.DataFrame:
    """COURSE.md §1 SMART: the decks' example targets through :func:`simlib.formulas.smart.smart_check`, and one
    target of ``wins`` deals next quarter whose "achievable" is simulated on the Funnel Basics team
    (``scenarios/funnel_basics.yaml``, 20 replications of a 13-week quarter)."""
    rows = []
    for k in SMART_EXAMPLES:
        r = smart_check(t(f"lessons.targets.smart.example.{k}", lang), lang)
        rows.append((r, False))
    own = smart_check(t("lessons.targets.smart.yours", lang, wins=wins), lang,
                      scenario=course_scenario("funnel_basics.yaml"), target=wins, metric="won", n=20, seed=0)
    rows.append((own, True))
    out = []
    for r, _ in rows:
        row = {"target": r.text} | {c: _mark(r[c]) for c in SmartReport.CRITERIA}
        row["hint"] = r.hints[0] if r.hints else ""
        out.append(row)
    cols = {"target": "lessons.col.target"} | {c: f"smart.criterion.{c}" for c in SmartReport.CRITERIA}
    cols["hint"] = "lessons.col.hint"
    p = own.probability or {}
    note = t("lessons.targets.smart.note", lang, wins=wins,
             probability=percent(p.get("probability", math.nan), lang, digits=0),
             mean=f"{p.get('mean', math.nan):.1f}")
    return lesson_table(out, lang, cols, note=note)


@BLOCKS.block("split", "figure", Param("annual", "lessons.param.annual_million", 100, 10, 500, 10))
def _targets_split(lang: str, annual: int) -> Any:
    """COURSE.md §1 decomposition (S3 electronics case: 100 M yuan for 2024; S1 product lines core 60 % /
    new 30 % / accessories 10 %): :func:`simlib.formulas.seasonality.split_time` gives the quarters on the B2B
    calendar, :func:`simlib.formulas.targets.split_matrix` splits them by product line, exactly; drawn by
    :func:`simlib.viz.targets.matrix_figure`."""
    total = int(annual) * 1_000_000
    quarters = split_time(total, 2024, "cn_b2b", unit=(10_000, 1_000, 1)).attrs["quarters"]
    q_dim, p_dim = t("lessons.dim.quarter", lang), t("target_setting.dim.product", lang)
    products = {t(f"target_setting.member.product.{k}", lang): s for k, s in PRODUCT_SHARES.items()}
    matrix = split_matrix(total, {q_dim: {q: v / total for q, v in quarters.items()}, p_dim: products}, unit=10_000)
    return matrix_figure(matrix, q_dim, p_dim, lang)


@BLOCKS.block("allocation", "figure", Param("tenure", "lessons.param.new_hire_months", 1, 0, 8))
def _targets_allocation(lang: str, tenure: int) -> Any:
    """COURSE.md §1 allocation to people (S1, S3): a team's monthly 2,000,000 split equally (一刀切), by
    three years of same-period history and by capability (skill × the new hire's ramp) with
    :func:`simlib.formulas.targets.allocation_table`; drawn by :func:`simlib.viz.targets.allocation_figure`."""
    methods = ("equal", "history", "capability")
    table = allocation_table(TEAM_MONTH_TARGET, team_reps(lang, tenure), methods=methods, unit=1_000)
    return allocation_figure(table, {m: t(f"target_setting.method.{m}", lang) for m in methods}, lang, bottom_up=None)


@BLOCKS.block("okr", "table", Param("followers", "lessons.param.followers_growth", 21, 0, 45))
def _targets_okr(lang: str, followers: int) -> pd.DataFrame:
    """COURSE.md §1 OKR (S0): the objective "raise brand influence with 18–25s" and its three key results
    (followers +30 %, engagement +25 %, brand mentions +40 %) scored 0–1 by
    :func:`simlib.formulas.targets.okr_score`."""
    krs = [{"name": "followers", "target": 30, "actual": followers},
           {"name": "engagement", "target": 25, "actual": 15},
           {"name": "mentions", "target": 40, "actual": 44}]
    df = okr_score(krs)
    rows = [{"kr": t(f"lessons.targets.okr.kr.{r.key_result}", lang),
             "target": r.target / 100 if r.key_result != "objective" else math.nan,
             "actual": r.actual / 100 if r.key_result != "objective" else math.nan,
             "progress": r.progress, "score": r.score} for r in df.itertuples()]
    overall = float(df.score.iloc[-1])
    return lesson_table(rows, lang, {"kr": "lessons.col.key_result", "target": "lessons.col.target_growth",
                                     "actual": "lessons.col.actual_growth", "progress": "lessons.col.progress",
                                     "score": "lessons.col.score"},
                        {"target": "+.0%", "actual": "+.0%", "progress": ".0%", "score": ".2f"},
                        note=t("lessons.targets.okr.note", lang, score=f"{overall:.2f}"))
