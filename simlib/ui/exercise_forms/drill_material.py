"""Every drill's material panel, below its task, declared as data (COURSE.md §9).

One tuple of :mod:`~simlib.ui.exercise_forms.material` blocks per drill, in :data:`MATERIAL`, plus the few
panels no generic block draws (the "341" scoring guide, the objection-handling models). Amounts and shares
are written by :mod:`simlib.base.fmt`.
"""
from __future__ import annotations

from collections.abc import Mapping

from simlib.base.fmt import money, number, percent
from simlib.base.i18n import t
from simlib.ui.base import esc
from simlib.ui.exercise_forms.material import MaterialBlock, bullets, facts, material_heading, para, table

__all__ = ["MATERIAL"]


def _guide(mat: dict, lang: str) -> str:
    """The "341" scoring guide: a criterion a row, a level a column."""
    head = f"<th>{esc(t('exercise.col.criterion', lang))}</th>" + "".join(f"<th>{k}</th>" for k in (1, 2, 3, 4))
    rows = "".join(
        f"<tr><td>{esc(g['label'])}</td>" + "".join(f"<td>{esc(g['levels'].get(k, g['levels'].get(str(k), '')))}</td>"
                                                    for k in (1, 2, 3, 4)) + "</tr>"
        for g in mat["guide"].values())
    return (material_heading("exercise.screening_341.guide", lang)
            + f'<table class="sdw-table sdw-material-table sdw-guide"><tr>{head}</tr>{rows}</table>'
            + f'<p class="sdw-muted">{esc(t("exercise.screening_341.minimum", lang, minimum=mat["minimum"]))}</p>')


def _models(mat: dict, lang: str) -> str:
    items = "".join(f"<li><b>{esc(m['label'])}</b>: {esc(' · '.join(str(s) for s in m['steps'].values()))}</li>"
                    for m in mat["models"].values())
    return material_heading("exercise.objection_handling.models", lang) + f'<ul class="sdw-material-list">{items}</ul>'


def _log(rec: Mapping, lang: str) -> str:
    return "\n".join(str(e) for e in rec["entries"])


def _quarter(mat: dict, lang: str) -> str:
    q = mat["quarter"]
    return f"{q['label']} ({q['start']} – {q['end']}, {t('exercise.unit.weeks', lang, n=q['weeks'])})"


def _share(rec: Mapping, lang: str) -> str:
    return percent(rec["conversion"], lang, digits=0)


MATERIAL: dict[str, tuple[MaterialBlock, ...]] = {
    "smart_target": (
        table("history", "exercise.smart_target.history",
              (("exercise.col.year", lambda r, lang: str(r["year"])),
               ("exercise.col.sales", lambda r, lang: money(r["sales"], lang)))),
        facts(None, (("exercise.smart_target.quarter", _quarter),
                     ("exercise.smart_target.market", lambda m, lang: m["market"]),
                     ("exercise.smart_target.team", lambda m, lang: m["team_note"]))),
    ),
    "decomposition": (
        facts(None, (("exercise.decomposition.quarter_target", lambda m, lang: money(m["quarter_target"], lang)),
                     ("exercise.decomposition.quarter",
                      lambda m, lang: f"{m['quarter']['label']} · {t('exercise.unit.weeks', lang, n=m['quarter']['weeks'])} "
                                      f"({' / '.join(str(x['weeks']) for x in m['months'])})"),
                     ("exercise.decomposition.team", lambda m, lang: f"{m['reps']} · {'、'.join(m['team'])}"),
                     ("exercise.decomposition.deal_value", lambda m, lang: money(m["deal_value"], lang)))),
        table("stages", "exercise.decomposition.funnel",
              (("exercise.col.stage", lambda r, lang: r["label"]),
               ("exercise.col.plan_conversion", _share))),
    ),
    "mid_quarter_review": (
        facts("exercise.mid_quarter_review.plan", (
            ("exercise.review.target", lambda m, lang: money(m["plan"]["quarter_target"], lang)),
            ("exercise.review.weeks", lambda m, lang: t("exercise.review.weeks_value", lang,
                                                        weeks=m["plan"]["weeks"], review=m["plan"]["review_week"])),
            ("exercise.review.plan_leads", lambda m, lang: number(m["plan"]["leads_per_week"], lang)),
            ("exercise.review.plan_team", lambda m, lang: t("exercise.review.team_value", lang, reps=m["plan"]["reps"],
                                                            hours=m["plan"]["hours_per_week"])),
            ("exercise.review.plan_value", lambda m, lang: money(m["plan"]["deal_value"], lang)))),
        table("plan.stages", None,
              (("exercise.col.stage", lambda r, lang: r["label"]),
               ("exercise.col.plan_conversion", _share),
               ("exercise.col.work_hours", lambda r, lang: number(r["work_hours"], lang))), cls="sdw-plan-stages"),
    ),
    "target_check": (para("plan", "exercise.target_check.plan_title", cls="sdw-material-text sdw-plan"),),
    "self_check": (
        table("log", "exercise.self_check.log",
              (("exercise.col.day", lambda r, lang: r["day"]), ("exercise.col.entries", _log)), cls="sdw-log"),
        para("survey", "exercise.self_check.survey"),
    ),
    "pitch_scoring": (
        facts(None, (("exercise.pitch_scoring.contestant", lambda m, lang: m["contestant"]),
                     ("exercise.pitch_scoring.product", lambda m, lang: m["product"]))),
        para("transcript", "exercise.pitch_scoring.transcript", cls="sdw-material-text sdw-transcript"),
    ),
    "improvement_plan": (
        bullets("facts", "exercise.improvement_plan.facts"),
    ),
    "review_form": (
        facts(None, (("exercise.review_form.employee", lambda m, lang: f"{m['employee']} · {m['period']}"),)),
        bullets("facts", "exercise.review_form.data"),
        para("notes", "exercise.review_form.notes"),
    ),
    "screening_341": (_guide,),
    "abc_tiering": (),
    "coin_feedback": (para("situation", "exercise.coin_feedback.situation"),),
    "okr_scoring": (para("objective", "exercise.okr_scoring.objective_title", cls="sdw-material-text sdw-objective"),),
    "objection_handling": (para("situation", "exercise.objection_handling.situation"), _models),
    "group_work": (para("customer", "exercise.group_work.customer"), bullets("notes", "exercise.group_work.notes"),
                   bullets("offer", "exercise.group_work.offer"), para("role_play", "exercise.group_work.role_play")),
}
"""Every drill's material panel, below its task."""
