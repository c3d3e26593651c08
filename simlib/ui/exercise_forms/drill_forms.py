"""Every drill's answer form, declared as data (COURSE.md §9; the drills are :mod:`simlib.content.drills`).

One tuple of :class:`~simlib.ui.exercise_forms.specs.Field` per drill, in :data:`FORMS`; the
:class:`~simlib.ui.exercise_forms.form.Form` turns it into widgets, so twelve forms are twelve declarations,
not twelve copies of widget code. Info cells show the material's numbers through :mod:`simlib.base.fmt`.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from simlib.base.fmt import money, number, percent
from simlib.ui.base import esc
from simlib.ui.exercise_forms.specs import (
    Col,
    Field,
    Rows,
    cat_text,
    from_catalog,
    from_material,
    literal,
    mat_text,
)

if TYPE_CHECKING:
    from simlib.ui.exercise_forms.form import Form

__all__ = ["FORMS"]


def _row_value(fn: Callable[[Any], str]) -> Callable[[dict, Any, str, str], str]:
    return lambda mat, rec, rid, lang: esc(fn(rec))


def _step_options(mat: dict, lang: str, form: Form | None) -> list[tuple[str, Any]]:
    """Objection handling: the steps of the model chosen in the form (none before a model is chosen)."""
    model = form.value("model") if form is not None else None
    steps = (mat.get("models", {}).get(model) or {}).get("steps", {}) if model else {}
    return [(str(v), str(k)) for k, v in steps.items()]


def _selfcheck_target(mat: dict, rec: Any, rid: str, lang: str) -> str:
    if rid == "sales":
        return esc(money(rec, lang))
    return esc(percent(rec, lang, digits=0) if rid == "satisfaction" else number(rec, lang))


def _okr_value(name: str) -> Callable[[dict, Any, str, str], str]:
    return lambda mat, rec, rid, lang: (f"{esc(number(rec[name], lang))} "
                                        f"<span class=\"sdw-muted\">{esc(rec.get('unit', ''))}</span>")


def _levers(name: str, part: str) -> Callable[[dict], float]:
    return lambda raw: float(raw["levers"][name][part])


FORMS: dict[str, tuple[Field, ...]] = {
    "smart_target": (
        Field("statement", "long", help="exercise.smart_target.statement_help"),
        Field("target", "number", help="exercise.smart_target.target_help"),
        Field("unit", "choice", options=from_material("units")),
        Field("deadline", "date"),
    ),
    "decomposition": (
        Field("months", "grid", rows=Rows("months", key="id"), row_header="exercise.col.month",
              help=cat_text("exercise.decomposition.months_help", target=lambda m: number(m["quarter_target"])),
              columns=(Col("last_year", "info", info=lambda mat, rec, rid, lang: esc(money(
                           mat["last_year_month_sales"][rid], lang))),
                       Col("month_target", "number", "months.{row}"),
                       Col("weekly_targets", "numbers", "weeks.{row}", count=lambda rec: int(rec["weeks"]),
                           width="minmax(24em, 3fr)"))),
        Field("metrics", "table", help="exercise.decomposition.metrics_help", start_rows=3, max_rows=6,
              columns=(Col("metric", "choice", options=from_material("metrics"), width="minmax(10em, 1.4fr)"),
                       Col("stage", "choice", options=from_material("stages", key="name"),
                           width="minmax(9em, 1.2fr)"),
                       Col("value", "number", width="minmax(5em, 0.7fr)"),
                       Col("per", "choice", options=from_material("periods"), default="week",
                           width="minmax(6em, 0.8fr)"),
                       Col("scope", "choice", options=from_material("scopes"), default="team",
                           width="minmax(6em, 0.8fr)"),
                       Col("owner", "text", width="minmax(6em, 1fr)"),
                       Col("standard", "text", width="minmax(12em, 2fr)"))),
    ),
    "mid_quarter_review": (
        Field("causes", "multi", options=from_material("causes"), help="exercise.mid_quarter_review.causes_help"),
        Field("leads_pct", "slider", "fixes.leads_pct", label=mat_text("levers.leads_pct.label"),
              help=mat_text("levers.leads_pct.explain"), high=_levers("leads_pct", "max"),
              step=_levers("leads_pct", "step")),
        Field("conversion_pp", "grid", label=mat_text("levers.conversion_pp.label"),
              help=cat_text("exercise.mid_quarter_review.conversion_help",
                            explain=lambda m: m["levers"]["conversion_pp"]["explain"],
                            stages=lambda m: m["levers"]["conversion_pp"]["max_stages"],
                            max=lambda m: m["levers"]["conversion_pp"]["max"]),
              rows=Rows("plan.stages", key="name"), row_header="exercise.col.stage",
              columns=(Col("plan_conversion", "info",
                           info=_row_value(lambda rec: percent(rec["conversion"], digits=0))),
                       Col("points", "number", "fixes.conversion_pp.{row}"))),
        Field("hours_per_week", "slider", "fixes.hours_per_week", label=mat_text("levers.hours_per_week.label"),
              help=mat_text("levers.hours_per_week.explain"), high=_levers("hours_per_week", "max"),
              step=_levers("hours_per_week", "step")),
    ),
    "target_check": (
        Field("checks", "grid", rows=Rows("questions", key="id", label="text"), row_header="exercise.col.question",
              columns=(Col("answer", "choice", "checks.{row}", header="exercise.target_check.answer",
                           options=from_material("answers"), width="minmax(6em, 8em)"),)),
        Field("fix", "long", help="exercise.target_check.fix_help"),
        Field("mistakes", "grid", rows=Rows("statements", key="id", label="text"), row_header="exercise.col.statement",
              columns=(Col("mistake", "choice", "mistakes.{row}", header="exercise.target_check.mistake",
                           options=from_material("mistakes", key="id", label="label"), width="minmax(12em, 18em)"),)),
    ),
    "self_check": (
        Field("sheet", "grid", rows=Rows("targets", catalog="appraisal.selfcheck.item."),
              help="exercise.self_check.sheet_help",
              columns=(Col("target", "info", info=_selfcheck_target),
                       Col("actual", "number", "actuals.{row}"),
                       Col("completion", "number", "completion.{row}"))),
        Field("behind", "multi", options=from_catalog("appraisal.selfcheck.item.", "targets")),
        Field("focus", "choice", options=from_catalog("appraisal.selfcheck.item.", "targets")),
        Field("action", "long", help="exercise.self_check.action_help"),
    ),
    "pitch_scoring": (
        Field("scores", "grid", rows=Rows("rubric", catalog="appraisal.pitch.criterion."),
              row_header="exercise.col.criterion",
              columns=(Col("max", "info", info=_row_value(lambda rec: number(rec["max"])), width="minmax(4em, 5em)"),
                       Col("score", "number", "scores.{row}", width="minmax(5em, 7em)"),
                       Col("standard", "info", info=_row_value(lambda rec: rec["standard"]),
                           width="minmax(14em, 3fr)"))),
        Field("weakest", "choice", options=from_catalog("appraisal.pitch.criterion.", "rubric")),
    ),
    "improvement_plan": (
        Field("phases", "grid", rows=Rows("phases", label=None), row_header="exercise.col.phase",
              help="exercise.improvement_plan.phases_help",
              columns=(Col("first_day", "number", "phases.{row}.days.0", width="minmax(5em, 6em)"),
                       Col("last_day", "number", "phases.{row}.days.1", width="minmax(5em, 6em)"),
                       Col("actions", "lines", "phases.{row}.actions", width="minmax(18em, 3fr)"))),
        Field("targets", "table", help="exercise.improvement_plan.targets_help", start_rows=3, max_rows=5,
              columns=(Col("kind", "choice", options=from_material("target_kinds"), default="result",
                           width="minmax(8em, 10em)"),
                       Col("text", "long", width="minmax(18em, 3fr)"))),
    ),
    "review_form": (
        Field("strengths", "table", help="exercise.review_form.strengths_help", start_rows=2, max_rows=5,
              columns=(Col("text", "long", header="exercise.review_form.col_text", width="minmax(18em, 3fr)"),)),
        Field("improvements", "table", help="exercise.review_form.improvements_help", start_rows=2, max_rows=5,
              columns=(Col("text", "long", header="exercise.review_form.col_text", width="minmax(18em, 3fr)"),)),
        Field("actions", "table", help="exercise.review_form.actions_help", start_rows=2, max_rows=5,
              columns=(Col("action", "long", header="exercise.review_form.col_action", width="minmax(16em, 3fr)"),
                       Col("due", "text", header="exercise.review_form.col_due", width="minmax(8em, 10em)"),
                       Col("measure", "text", header="exercise.review_form.col_measure",
                           width="minmax(10em, 2fr)"))),
    ),
    "screening_341": (
        Field("scores", "grid", rows=Rows("prospects", key="id", label="name"), row_header="exercise.col.prospect",
              help="exercise.screening_341.scores_help",
              columns=(Col("note", "info", info=_row_value(lambda rec: rec["note"]), width="minmax(16em, 3fr)"),
                       *(Col(c, "choice", f"scores.{{row}}.{c}", header=mat_text(f"guide.{c}.label"),
                             options=literal(1, 2, 3, 4), width="minmax(6em, 8em)")
                         for c in ("size", "industry", "pain")))),
        Field("good", "multi", options=from_material("prospects", key="id", label="name")),
    ),
    "abc_tiering": (
        Field("tiers", "grid", rows=Rows("accounts", key="account", label="name"), row_header="exercise.col.account",
              columns=(Col("revenue", "info", info=lambda mat, rec, rid, lang: esc(money(rec["revenue"], lang))),
                       Col("profit", "info", info=lambda mat, rec, rid, lang: esc(money(rec["profit"], lang))),
                       Col("tier", "choice", "tiers.{row}", options=literal("A", "B", "C"), width="minmax(5em, 7em)"))),
    ),
    "coin_feedback": tuple(
        Field(p, "long", label=mat_text(f"parts.{p}"), help=f"exercise.coin_feedback.{p}_help")
        for p in ("context", "observation", "impact", "next")),
    "okr_scoring": (
        Field("scores", "grid", rows=Rows("key_results", key="id"), row_header="exercise.col.key_result",
              columns=(Col("baseline", "info", info=_okr_value("baseline")),
                       Col("target", "info", info=_okr_value("target")),
                       Col("actual", "info", info=_okr_value("actual")),
                       Col("score", "number", "scores.{row}", width="minmax(5em, 7em)"))),
        Field("objective", "number", help="exercise.okr_scoring.objective_help"),
    ),
    "objection_handling": (
        Field("model", "choice", options=from_material("models")),
        Field("steps", "table", help="exercise.objection_handling.steps_help", start_rows=4, max_rows=6,
              depends="model",
              columns=(Col("step", "choice", options=_step_options, width="minmax(10em, 12em)"),
                       Col("text", "long", width="minmax(20em, 4fr)"))),
    ),
    "group_work": (
        Field("persona", "long", help="exercise.group_work.persona_help"),
        Field("pains", "multi", options=from_material("pains")),
        Field("deciders", "multi", options=from_material("people")),
        Field("counters", "grid", rows=Rows("competitors", key="id"), row_header="exercise.col.rival",
              help="exercise.group_work.counters_help",
              columns=(Col("profile", "info", info=_row_value(lambda rec: rec["profile"]), width="minmax(16em, 3fr)"),
                       Col("counter", "choice", "counters.{row}", options=from_material("strengths"),
                           width="minmax(12em, 2fr)"))),
        Field("value", "long", help="exercise.group_work.value_help"),
        Field("payback_months", "number", help="exercise.group_work.payback_help"),
        Field("next_step", "choice", options=from_material("next_steps")),
        Field("objections", "table", help="exercise.group_work.objections_help", start_rows=3, max_rows=6,
              columns=(Col("objection", "choice", options=from_material("objections"), width="minmax(12em, 2fr)"),
                       Col("response", "long", width="minmax(20em, 4fr)"))),
        Field("pitch", "grid", rows=Rows("pitch_parts", label=None), row_header="exercise.col.part",
              help=cat_text("exercise.group_work.pitch_help", minutes=lambda m: m["pitch_minutes"]),
              columns=(Col("minutes", "number", "pitch.{row}.minutes", width="minmax(5em, 7em)"),
                       Col("content", "long", "pitch.{row}.content", width="minmax(20em, 4fr)"))),
    ),
}
"""Every drill's answer form."""
