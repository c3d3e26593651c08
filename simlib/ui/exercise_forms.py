"""The drills' answer forms and material panels, declared as data (COURSE.md §9; :mod:`simlib.content.drills`).

Each drill has a form — a tuple of :class:`Field` in :data:`FORMS` — and a material panel — a tuple of
blocks in :data:`MATERIAL`. :class:`Form` turns a drill's fields into widgets and back into the answer
dict its checker reads; the exercise page (:mod:`simlib.ui.exercise`) only places the form, so twelve
forms are twelve declarations, not twelve copies of widget code::

    >>> from simlib.content.drills import load_material
    >>> form = Form("okr_scoring", load_material("okr_scoring"), "en")
    >>> form.inputs["scores"].cells["kr1"]["score"].widget.value = "0.7"
    >>> form.inputs["objective"].input.widget.value = "0.67"
    >>> form.answer()
    {'scores': {'kr1': 0.7}, 'objective': 0.67}

A field's ``path`` says where its value goes in the answer (dotted; a number is a list position); a
grid column's path holds ``{row}``, the row's id. Field kinds:

* ``text``, ``long`` (several lines), ``number`` (a text box read as a number: ``1,200,000`` and
  ``80%`` are read as 1200000 and 80; other text is passed on, so the checker names the field),
  ``date`` (ISO text out), ``slider`` (a whole number between ``low`` and ``high``);
* ``choice`` (a dropdown, blank unless a ``default``), ``multi`` (a checkbox per option: a list of ids);
* ``grid`` — fixed rows (:class:`Rows`, from the material) × typed columns (:class:`Col`: ``info``
  shows material, ``number``, ``choice``, ``text``, ``long``, ``lines`` (a list, one item a line) and
  ``numbers`` (a row of number boxes, as many as the row asks)): a score grid for rubric criteria, a
  sheet, a phase plan;
* ``table`` — rows the trainee adds and removes (``+`` / ``×``), typed columns, a list of row dicts;
  a row left blank (its defaults aside) is not part of the answer.

Blank inputs are left out of mappings (a checker treats a missing value as "not answered yet"); a
list keeps its blanks in place (a blank week is a blank week). Labels are catalog keys
(``exercise.<drill>.<field>``, ``exercise.col.<column>``) or taken from the material in the page's
language, so the whole form relabels when the language changes. DOM classes: ``sdw-field-<name>``
on a field, ``sdw-cell-<row>-<column>`` on a grid or table cell (a table's rows are numbered from 0),
``sdw-option-<id>`` on a checkbox, ``sdw-add-row`` / ``sdw-remove-row`` on a table's buttons.
"""
from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any

import ipywidgets as W

from simlib.base.i18n import t
from simlib.content.drills import localize

__all__ = ["FORMS", "MATERIAL", "Col", "Field", "Form", "Rows", "get_path", "prune", "set_path"]

Options = Callable[[dict, str, "Form | None"], list[tuple[str, Any]]]
Text = str | Callable[[dict, str], str]     # a catalog key, or (localised material, lang) -> text
BLANK = ""


# ---------------------------------------------------------------------------------------------
# answer paths
# ---------------------------------------------------------------------------------------------
def _parts(path: str) -> list[str | int]:
    return [int(p) if p.isdigit() else p for p in path.split(".")]


def get_path(data: Any, path: str) -> Any:
    """The value at a dotted ``path`` of nested dicts and lists (None when absent)."""
    node = data
    for p in _parts(path):
        if isinstance(p, int) and isinstance(node, list):
            node = node[p] if p < len(node) else None
        elif isinstance(node, Mapping):
            node = node.get(str(p))
        else:
            return None
        if node is None:
            return None
    return node


def set_path(data: dict, path: str, value: Any) -> None:
    """Put ``value`` at a dotted ``path``, creating dicts (and lists for numeric parts) on the way."""
    parts = _parts(path)
    node: Any = data
    for here, nxt in pairwise(parts):
        empty: Any = [] if isinstance(nxt, int) else {}
        if isinstance(here, int):
            while len(node) <= here:
                node.append(None)
            if node[here] is None:
                node[here] = empty
            node = node[here]
        else:
            node = node.setdefault(str(here), empty)
    last = parts[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
        node[last] = value
    else:
        node[str(last)] = value


def _blank(v: Any) -> bool:
    if v is None or (isinstance(v, str) and not v.strip()):
        return True
    if isinstance(v, (list, tuple)):
        return all(_blank(x) for x in v)
    if isinstance(v, Mapping):
        return all(_blank(x) for x in v.values())
    return False


def prune(v: Any) -> Any:
    """Leave blank values out of mappings (a list keeps its blanks in place, unless all are blank)."""
    if isinstance(v, Mapping):
        return {k: prune(x) for k, x in v.items() if not _blank(x)}
    if isinstance(v, list):
        return [prune(x) if not _blank(x) else None for x in v]
    return v


# ---------------------------------------------------------------------------------------------
# where labels and options come from
# ---------------------------------------------------------------------------------------------
def mat_get(mat: Any, path: str) -> Any:
    """The material's node at a dotted path."""
    return get_path(mat, path) if path else mat


def _label_of(record: Any, label: str | None) -> str:
    if isinstance(record, Mapping) and label is not None:
        return str(record.get(label, ""))
    return str(record)


def mat_text(path: str) -> Callable[[dict, str], str]:
    """A text of the (localised) material: a field's label or help taken from the drill's material."""
    return lambda mat, lang: str(mat_get(mat, path) or "")


def cat_text(key: str, **params: Callable[[dict], Any]) -> Callable[[dict, str], str]:
    """A catalog text whose parameters come from the material."""
    return lambda mat, lang: t(key, lang, **{k: f(mat) for k, f in params.items()})


def from_material(path: str, key: str | None = None, label: str | None = "label") -> Options:
    """Options from a material mapping (its keys; the label is the value's ``label`` or the value itself)
    or list (each item's ``key`` field)."""
    def options(mat: dict, lang: str, form: Form | None = None) -> list[tuple[str, Any]]:
        node = mat_get(mat, path)
        if isinstance(node, Mapping):
            return [(_label_of(v, label if isinstance(v, Mapping) else None), str(k)) for k, v in node.items()]
        return [(_label_of(item, label), str(item[key])) for item in node or []]
    return options


def from_catalog(prefix: str, ids: Sequence[str] | str) -> Options:
    """Options ``ids`` (or the keys of the material mapping at path ``ids``) labelled by ``<prefix><id>``."""
    def options(mat: dict, lang: str, form: Form | None = None) -> list[tuple[str, Any]]:
        keys = list(mat_get(mat, ids)) if isinstance(ids, str) else list(ids)
        return [(t(f"{prefix}{k}", lang), str(k)) for k in keys]
    return options


def literal(*values: Any) -> Options:
    return lambda mat, lang, form=None: [(str(v), v) for v in values]


@dataclass(frozen=True)
class Rows:
    """A grid's rows from the material: the list or mapping at ``path``; each row's id (a list item's
    ``key`` field, a mapping's key), its label (the record's ``label`` field, the record itself when
    ``label`` is None, or the catalog text ``<catalog><id>``) and its record (for info columns)."""
    path: str
    key: str | None = None
    label: str | None = "label"
    catalog: str | None = None

    def items(self, mat: dict, lang: str) -> list[tuple[str, str, Any]]:
        node = mat_get(mat, self.path)
        pairs = list(node.items()) if isinstance(node, Mapping) else [(item[self.key], item) for item in node]
        return [(str(rid), t(f"{self.catalog}{rid}", lang) if self.catalog else _label_of(rec, self.label), rec)
                for rid, rec in pairs]


def _text(spec: Text | None, mat: dict, lang: str, **params: Any) -> str:
    if spec is None:
        return ""
    return spec(mat, lang) if callable(spec) else t(spec, lang, **params)


# ---------------------------------------------------------------------------------------------
# the declarations
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Col:
    """A column of a grid or a table.

    ``kind``: info | text | long | number | choice | lines | numbers. ``path``: where the cell's value
    goes (grid: an answer path with ``{row}``; table: the key in the row's dict; default ``name``).
    ``info(mat, row record, row id, lang) -> html`` fills an info cell. ``header``: a catalog key or
    a material text (default ``exercise.col.<name>``). ``count(record)``: boxes of a ``numbers`` cell.
    """
    name: str
    kind: str
    path: str = ""
    header: Text | None = None
    info: Callable[[dict, Any, str, str], str] | None = None
    options: Options | None = None
    default: Any = None
    count: Callable[[Any], int] | None = None
    width: str = "minmax(7em, 10em)"


@dataclass(frozen=True)
class Field:
    """One field of a drill's form (see the module's docstring for the kinds).

    ``label`` / ``help``: catalog keys or material texts (default label ``exercise.<drill>.<name>``; no
    help unless given). ``depends``: the name of a field whose value the options read (they are
    recomputed when it changes).
    """
    name: str
    kind: str
    path: str = ""
    label: Text | None = None
    help: Text | None = None
    options: Options | None = None
    default: Any = None
    rows: Rows | None = None
    columns: tuple[Col, ...] = ()
    row_header: str = "exercise.col.item"
    start_rows: int = 3
    max_rows: int = 6
    low: Callable[[dict], float] | float = 0
    high: Callable[[dict], float] | float = 10
    step: Callable[[dict], float] | float = 1
    depends: str | None = None

    @property
    def where(self) -> str:
        return self.path or self.name


def _money(v: Any, lang: str) -> str:
    return t("ui.unit.yuan", lang, value=f"{float(v):,.0f}")


def _num(v: Any) -> str:
    x = float(v)
    return f"{x:,.0f}" if x.is_integer() else f"{x:,.2f}".rstrip("0").rstrip(".")


def _pct(v: Any) -> str:
    return f"{float(v):.0%}"


def _esc(x: Any) -> str:
    return html.escape(str(x))


def _row_value(fn: Callable[[Any], str]) -> Callable[[dict, Any, str, str], str]:
    return lambda mat, rec, rid, lang: _esc(fn(rec))


def _step_options(mat: dict, lang: str, form: Form | None) -> list[tuple[str, Any]]:
    """Objection handling: the steps of the model chosen in the form (none before a model is chosen)."""
    model = form.value("model") if form is not None else None
    steps = (mat.get("models", {}).get(model) or {}).get("steps", {}) if model else {}
    return [(str(v), str(k)) for k, v in steps.items()]


def _selfcheck_target(mat: dict, rec: Any, rid: str, lang: str) -> str:
    if rid == "sales":
        return _esc(_money(rec, lang))
    return _esc(_pct(rec) if rid == "satisfaction" else _num(rec))


def _okr_value(name: str) -> Callable[[dict, Any, str, str], str]:
    return lambda mat, rec, rid, lang: f"{_esc(_num(rec[name]))} <span class=\"sdw-muted\">{_esc(rec.get('unit', ''))}</span>"


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
              help=cat_text("exercise.decomposition.months_help", target=lambda m: _num(m["quarter_target"])),
              columns=(Col("last_year", "info", info=lambda mat, rec, rid, lang: _esc(_money(
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
              columns=(Col("plan_conversion", "info", info=_row_value(lambda rec: _pct(rec["conversion"]))),
                       Col("points", "number", "fixes.conversion_pp.{row}"))),
        Field("hours_per_week", "slider", "fixes.hours_per_week", label=mat_text("levers.hours_per_week.label"),
              help=mat_text("levers.hours_per_week.explain"), high=_levers("hours_per_week", "max"),
              step=_levers("hours_per_week", "step")),
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
              columns=(Col("max", "info", info=_row_value(lambda rec: _num(rec["max"])), width="minmax(4em, 5em)"),
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
              columns=(Col("revenue", "info", info=lambda mat, rec, rid, lang: _esc(_money(rec["revenue"], lang))),
                       Col("profit", "info", info=lambda mat, rec, rid, lang: _esc(_money(rec["profit"], lang))),
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


# ---------------------------------------------------------------------------------------------
# material panels
# ---------------------------------------------------------------------------------------------
Block = Callable[[dict, str], str]     # (localised material, lang) -> html


def _h(key: str, lang: str) -> str:
    return f'<h4 class="sdw-material-title">{_esc(t(key, lang))}</h4>'


def para(path: str, title: str | None = None, cls: str = "sdw-material-text") -> Block:
    """A paragraph of the material (line breaks kept)."""
    def block(mat: dict, lang: str) -> str:
        return (_h(title, lang) if title else "") + f'<p class="{cls}">{_esc(mat_get(mat, path))}</p>'
    return block


def bullets(path: str, title: str | None = None) -> Block:
    def block(mat: dict, lang: str) -> str:
        items = "".join(f"<li>{_esc(x)}</li>" for x in mat_get(mat, path))
        return (_h(title, lang) if title else "") + f'<ul class="sdw-material-list">{items}</ul>'
    return block


def facts(title: str | None, rows: Sequence[tuple[str, Callable[[dict, str], str]]]) -> Block:
    """A two-column table: a catalog label and a value from the material per row."""
    def block(mat: dict, lang: str) -> str:
        body = "".join(f"<tr><th>{_esc(t(k, lang))}</th><td>{_esc(fn(mat, lang))}</td></tr>" for k, fn in rows)
        return (_h(title, lang) if title else "") + f'<table class="sdw-table sdw-material-table sdw-facts">{body}</table>'
    return block


def table(path: str, title: str | None, cols: Sequence[tuple[str, Callable[[Any, str], str]]],
          cls: str = "") -> Block:
    """A table of the material's list (or mapping: ``(key, value)`` pairs) at ``path``: one column per
    ``(catalog header, cell(record, lang))``."""
    def block(mat: dict, lang: str) -> str:
        node = mat_get(mat, path)
        recs = list(node.items()) if isinstance(node, Mapping) else list(node)
        head = "".join(f"<th>{_esc(t(h, lang))}</th>" for h, _ in cols)
        body = "".join("<tr>" + "".join(f"<td>{_esc(fn(r, lang))}</td>" for _, fn in cols) + "</tr>" for r in recs)
        return ((_h(title, lang) if title else "")
                + f'<table class="sdw-table sdw-material-table {cls}"><tr>{head}</tr>{body}</table>')
    return block


def _guide(mat: dict, lang: str) -> str:
    """The "341" scoring guide: a criterion a row, a level a column."""
    head = f"<th>{_esc(t('exercise.col.criterion', lang))}</th>" + "".join(f"<th>{k}</th>" for k in (1, 2, 3, 4))
    rows = "".join(
        f"<tr><td>{_esc(g['label'])}</td>" + "".join(f"<td>{_esc(g['levels'].get(k, g['levels'].get(str(k), '')))}</td>"
                                                     for k in (1, 2, 3, 4)) + "</tr>"
        for g in mat["guide"].values())
    return (_h("exercise.screening_341.guide", lang)
            + f'<table class="sdw-table sdw-material-table sdw-guide"><tr>{head}</tr>{rows}</table>'
            + f'<p class="sdw-muted">{_esc(t("exercise.screening_341.minimum", lang, minimum=mat["minimum"]))}</p>')


def _models(mat: dict, lang: str) -> str:
    items = "".join(f"<li><b>{_esc(m['label'])}</b>: {_esc(' · '.join(str(s) for s in m['steps'].values()))}</li>"
                    for m in mat["models"].values())
    return _h("exercise.objection_handling.models", lang) + f'<ul class="sdw-material-list">{items}</ul>'


def _log(rec: Mapping, lang: str) -> str:
    return "\n".join(str(e) for e in rec["entries"])


def _quarter(mat: dict, lang: str) -> str:
    q = mat["quarter"]
    return f"{q['label']} ({q['start']} – {q['end']}, {t('exercise.unit.weeks', lang, n=q['weeks'])})"


MATERIAL: dict[str, tuple[Block, ...]] = {
    "smart_target": (
        table("history", "exercise.smart_target.history",
              (("exercise.col.year", lambda r, lang: str(r["year"])),
               ("exercise.col.sales", lambda r, lang: _money(r["sales"], lang)))),
        facts(None, (("exercise.smart_target.quarter", _quarter),
                     ("exercise.smart_target.market", lambda m, lang: m["market"]),
                     ("exercise.smart_target.team", lambda m, lang: m["team_note"]))),
    ),
    "decomposition": (
        facts(None, (("exercise.decomposition.quarter_target", lambda m, lang: _money(m["quarter_target"], lang)),
                     ("exercise.decomposition.quarter",
                      lambda m, lang: f"{m['quarter']['label']} · {t('exercise.unit.weeks', lang, n=m['quarter']['weeks'])} "
                                      f"({' / '.join(str(x['weeks']) for x in m['months'])})"),
                     ("exercise.decomposition.team", lambda m, lang: f"{m['reps']} · {'、'.join(m['team'])}"),
                     ("exercise.decomposition.deal_value", lambda m, lang: _money(m["deal_value"], lang)))),
        table("stages", "exercise.decomposition.funnel",
              (("exercise.col.stage", lambda r, lang: r["label"]),
               ("exercise.col.plan_conversion", lambda r, lang: _pct(r["conversion"])))),
    ),
    "mid_quarter_review": (
        facts("exercise.mid_quarter_review.plan", (
            ("exercise.review.target", lambda m, lang: _money(m["plan"]["quarter_target"], lang)),
            ("exercise.review.weeks", lambda m, lang: t("exercise.review.weeks_value", lang,
                                                        weeks=m["plan"]["weeks"], review=m["plan"]["review_week"])),
            ("exercise.review.plan_leads", lambda m, lang: _num(m["plan"]["leads_per_week"])),
            ("exercise.review.plan_team", lambda m, lang: t("exercise.review.team_value", lang, reps=m["plan"]["reps"],
                                                            hours=m["plan"]["hours_per_week"])),
            ("exercise.review.plan_value", lambda m, lang: _money(m["plan"]["deal_value"], lang)))),
        table("plan.stages", None,
              (("exercise.col.stage", lambda r, lang: r["label"]),
               ("exercise.col.plan_conversion", lambda r, lang: _pct(r["conversion"])),
               ("exercise.col.work_hours", lambda r, lang: _num(r["work_hours"]))), cls="sdw-plan-stages"),
    ),
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
    "screening_341": (_guide,),
    "abc_tiering": (),
    "coin_feedback": (para("situation", "exercise.coin_feedback.situation"),),
    "okr_scoring": (para("objective", "exercise.okr_scoring.objective_title", cls="sdw-material-text sdw-objective"),),
    "objection_handling": (para("situation", "exercise.objection_handling.situation"), _models),
    "group_work": (para("customer", "exercise.group_work.customer"), bullets("notes", "exercise.group_work.notes"),
                   bullets("offer", "exercise.group_work.offer"), para("role_play", "exercise.group_work.role_play")),
}
"""Every drill's material panel, below its task."""


# ---------------------------------------------------------------------------------------------
# inputs: one value in, one value out
# ---------------------------------------------------------------------------------------------
_NUM_TEXT = re.compile(r"^[+-]?(\d[\d,，]*)?(\.\d+)?$")


def read_number(text: str) -> Any:
    """A number box's value: None when blank, a number when it reads as one (``1,200,000``, ``80%``,
    ``0.7``), else the text itself (the checker then names the field)."""
    s = str(text).strip().replace(" ", "").replace("\u00a0", "")
    if not s:
        return None
    s = s.rstrip("%％")
    if _NUM_TEXT.match(s) and any(c.isdigit() for c in s):
        x = float(s.replace(",", "").replace("，", ""))
        return int(x) if x.is_integer() and abs(x) < 1e15 else x
    return str(text).strip()


def show_number(v: Any) -> str:
    """A number as the box shows it again (``1200000``, ``0.7``); text as it was."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, float)):
        if isinstance(v, float) and not math.isfinite(v):
            return ""
        return str(int(v)) if float(v).is_integer() else repr(float(v))
    return str(v)


def _css(x: Any) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", str(x))


class Input:
    """One input widget of a form: ``get()`` its value for the answer, ``set(value)`` from an answer,
    ``relabel(mat, lang, form)`` its options or texts."""

    widget: W.Widget

    def get(self) -> Any:
        raise NotImplementedError

    def set(self, value: Any) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        self.set(None)

    def relabel(self, mat: dict, lang: str, form: Form | None) -> None:
        """Redraw what depends on the language (a hook)."""

    def all_widgets(self) -> list[W.Widget]:
        return [self.widget]


def _wide(**kw: Any) -> W.Layout:
    return W.Layout(width="100%", **kw)


class TextInput(Input):
    def __init__(self, long: bool = False, rows: int = 3):
        self.widget = W.Textarea(rows=rows, layout=_wide()) if long else W.Text(layout=_wide())

    def get(self) -> Any:
        return self.widget.value if self.widget.value.strip() else None

    def set(self, value: Any) -> None:
        self.widget.value = "" if value is None else str(value)


class LinesInput(TextInput):
    """A text box whose lines are a list (blank lines left out)."""

    def __init__(self):
        super().__init__(long=True, rows=3)

    def get(self) -> Any:
        return [line.strip() for line in self.widget.value.splitlines() if line.strip()]

    def set(self, value: Any) -> None:
        if isinstance(value, (list, tuple)):
            self.widget.value = "\n".join(str(v) for v in value if v is not None)
        else:
            super().set(value)


class NumberInput(Input):
    def __init__(self, width: str = "100%"):
        self.widget = W.Text(layout=W.Layout(width=width))
        self.widget.add_class("sdw-number")

    def get(self) -> Any:
        return read_number(self.widget.value)

    def set(self, value: Any) -> None:
        self.widget.value = show_number(value)


class NumbersInput(Input):
    """A row of ``n`` number boxes: a list of ``n`` values."""

    def __init__(self, n: int, cls: str = ""):
        self.boxes = [NumberInput("100%") for _ in range(n)]
        for i, b in enumerate(self.boxes):
            b.widget.add_class(f"{cls}-{i}" if cls else f"sdw-box-{i}")
            b.widget.layout.min_width = "4.5em"
        self.widget = W.Box([b.widget for b in self.boxes],
                            layout=W.Layout(display="grid", grid_template_columns=f"repeat({n}, minmax(4.5em, 1fr))",
                                            grid_gap="0 0.3em", width="100%"))

    def get(self) -> Any:
        return [b.get() for b in self.boxes]

    def set(self, value: Any) -> None:
        values = list(value) if isinstance(value, (list, tuple)) else []
        for i, b in enumerate(self.boxes):
            b.set(values[i] if i < len(values) else None)

    def all_widgets(self) -> list[W.Widget]:
        return [self.widget, *(b.widget for b in self.boxes)]


class DateInput(Input):
    def __init__(self):
        self.widget = W.DatePicker(layout=W.Layout(width="auto"))

    def get(self) -> Any:
        v = self.widget.value
        return v.isoformat() if isinstance(v, date) else None

    def set(self, value: Any) -> None:
        if isinstance(value, date):
            self.widget.value = value
            return
        try:
            self.widget.value = date.fromisoformat(str(value).strip()) if value else None
        except ValueError:
            self.widget.value = None


class SliderInput(Input):
    def __init__(self, low: float, high: float, step: float):
        whole = all(float(x).is_integer() for x in (low, high, step))
        cls = W.IntSlider if whole else W.FloatSlider
        kind = int if whole else float
        self.low = kind(low)
        self.widget = cls(value=self.low, min=kind(low), max=kind(high), step=kind(step), continuous_update=False,
                          layout=W.Layout(width="100%", max_width="36em"))

    def get(self) -> Any:
        return self.widget.value

    def set(self, value: Any) -> None:
        try:
            x = float(value)
        except (TypeError, ValueError):
            x = self.low
        if not math.isfinite(x):
            x = self.low
        x = min(max(x, self.widget.min), self.widget.max)
        self.widget.value = int(x) if isinstance(self.widget, W.IntSlider) else x


class ChoiceInput(Input):
    """A dropdown: a blank first option ("choose…") unless there is a default."""

    def __init__(self, options: Options, default: Any = None):
        self.options, self.default = options, default
        self.widget = W.Dropdown(options=[("—", BLANK)], value=BLANK, layout=W.Layout(width="100%"))
        self._values: list[Any] = []

    def relabel(self, mat: dict, lang: str, form: Form | None) -> None:
        value = self.widget.value
        opts = list(self.options(mat, lang, form))
        self._values = [v for _, v in opts]
        if self.default is None:
            opts = [(t("exercise.choose", lang), BLANK), *opts]
        self.widget.options = opts
        self.widget.value = value if value in self._values else (self.default if self.default is not None else BLANK)

    def get(self) -> Any:
        v = self.widget.value
        return None if v == BLANK else v

    def set(self, value: Any) -> None:
        if value in self._values:
            self.widget.value = value
        elif isinstance(value, str) and value.isdigit() and int(value) in self._values:
            self.widget.value = int(value)
        else:
            self.widget.value = self.default if self.default is not None else BLANK


class MultiInput(Input):
    """A checkbox per option: the list of the ids checked, in the options' order."""

    def __init__(self, options: Options):
        self.options = options
        self.boxes: dict[Any, W.Checkbox] = {}
        self.widget = W.VBox([])
        self.widget.add_class("sdw-multi")

    def relabel(self, mat: dict, lang: str, form: Form | None) -> None:
        opts = list(self.options(mat, lang, form))
        if [v for _, v in opts] != list(self.boxes):
            checked = set(self.get())
            self.boxes = {}
            for _, v in opts:
                box = W.Checkbox(value=v in checked, indent=False, layout=W.Layout(width="auto"))
                box.add_class(f"sdw-option-{_css(v)}")
                self.boxes[v] = box
            self.widget.children = list(self.boxes.values())
        for label, v in opts:
            self.boxes[v].description = label

    def get(self) -> Any:
        return [v for v, box in self.boxes.items() if box.value]

    def set(self, value: Any) -> None:
        chosen = set(value) if isinstance(value, (list, tuple)) else set()
        for v, box in self.boxes.items():
            box.value = v in chosen

    def all_widgets(self) -> list[W.Widget]:
        return [self.widget, *self.boxes.values()]


class InfoCell(Input):
    """A read-only cell showing the material (HTML)."""

    def __init__(self, col: Col, rid: str, record: Any):
        self.col, self.rid, self.record = col, rid, record
        self.widget = W.HTML()
        self.widget.add_class("sdw-info")

    def relabel(self, mat: dict, lang: str, form: Form | None) -> None:
        rec = self._record(mat)
        self.widget.value = f'<span class="sdw-info-text">{self.col.info(mat, rec, self.rid, lang)}</span>'

    def _record(self, mat: dict) -> Any:
        return self.record(mat) if callable(self.record) else self.record

    def get(self) -> Any:
        return None

    def set(self, value: Any) -> None:
        pass


def make_input(kind: str, *, options: Options | None = None, default: Any = None, count: int = 1,
               slider: tuple[float, float, float] = (0, 10, 1)) -> Input:
    """An :class:`Input` of ``kind``."""
    if kind in ("text", "long"):
        return TextInput(long=kind == "long")
    if kind == "lines":
        return LinesInput()
    if kind == "number":
        return NumberInput()
    if kind == "numbers":
        return NumbersInput(count)
    if kind == "date":
        return DateInput()
    if kind == "slider":
        return SliderInput(*slider)
    if kind == "choice":
        assert options is not None, "a choice needs options"
        return ChoiceInput(options, default)
    if kind == "multi":
        assert options is not None, "a multi-choice needs options"
        return MultiInput(options)
    raise ValueError(f"unknown field kind {kind!r}")


# ---------------------------------------------------------------------------------------------
# controls: a field's label, help and inputs
# ---------------------------------------------------------------------------------------------
class Control:
    """A field on the page: its label, its help and its input(s)."""

    def __init__(self, form: Form, spec: Field):
        self.form, self.spec = form, spec
        self.label = W.HTML()
        self.label.add_class("sdw-field-label")
        self.help = W.HTML()
        self.help.add_class("sdw-field-help")

    def box(self, body: W.Widget) -> W.VBox:
        parts = [self.label, *([self.help] if self.spec.help else []), body]
        box = W.VBox(parts, layout=W.Layout(width="100%", margin="0 0 0.6em 0"))
        box.add_class(f"sdw-field-{_css(self.spec.name)}")
        box.add_class(f"sdw-kind-{self.spec.kind}")
        box.add_class("sdw-field")
        return box

    def relabel(self, mat: dict, lang: str) -> None:
        spec = self.spec
        text = _text(spec.label, mat, lang) if spec.label else t(f"exercise.{self.form.drill}.{spec.name}", lang)
        self.label.value = f'<label class="sdw-field-name">{_esc(text)}</label>'
        if spec.help:
            self.help.value = f'<span class="sdw-muted">{_esc(_text(spec.help, mat, lang))}</span>'

    # the answer
    def collect(self, answer: dict) -> None:
        raise NotImplementedError

    def fill(self, answer: Mapping) -> None:
        raise NotImplementedError

    def all_widgets(self) -> list[W.Widget]:
        return [self.label, self.help]


class SimpleControl(Control):
    """A field of one input (text, long, number, date, slider, choice, multi)."""

    def __init__(self, form: Form, spec: Field):
        super().__init__(form, spec)
        raw = form.raw
        bounds = tuple(float(b(raw)) if callable(b) else float(b) for b in (spec.low, spec.high, spec.step))
        self.input = make_input(spec.kind, options=spec.options, default=spec.default, slider=bounds)
        widest = {"number": "16em", "date": "16em", "choice": "36em", "text": "48em"}.get(spec.kind)
        if widest:
            self.input.widget.layout.max_width = widest
        self.widget = self.box(self.input.widget)

    @property
    def value(self) -> Any:
        return self.input.get()

    def relabel(self, mat: dict, lang: str) -> None:
        super().relabel(mat, lang)
        self.input.relabel(mat, lang, self.form)

    def collect(self, answer: dict) -> None:
        set_path(answer, self.spec.where, self.input.get())

    def fill(self, answer: Mapping) -> None:
        self.input.set(get_path(answer, self.spec.where))

    def all_widgets(self) -> list[W.Widget]:
        return [*super().all_widgets(), self.widget, *self.input.all_widgets()]


def _header_text(col: Col, mat: dict, lang: str) -> str:
    return _text(col.header, mat, lang) if col.header else t(f"exercise.col.{col.name}", lang)


def _header_cell() -> W.HTML:
    w = W.HTML()
    w.add_class("sdw-grid-head")
    return w


class GridControl(Control):
    """Fixed rows from the material × typed columns; each cell's value at its column's path."""

    def __init__(self, form: Form, spec: Field):
        super().__init__(form, spec)
        assert spec.rows is not None, "a grid needs rows"
        mat = form.mat
        self.row_ids: list[str] = []
        self.row_labels: dict[str, W.HTML] = {}
        self.cells: dict[str, dict[str, Input]] = {}
        self.headers = [_header_cell() for _ in range(len(spec.columns) + 1)]
        children: list[W.Widget] = list(self.headers)
        for rid, _label, rec in spec.rows.items(mat, form.lang):
            self.row_ids.append(rid)
            lab = W.HTML()
            lab.add_class("sdw-row-label")
            self.row_labels[rid] = lab
            children.append(lab)
            row: dict[str, Input] = {}
            for col in spec.columns:
                if col.kind == "info":
                    cell: Input = InfoCell(col, rid, self._record_getter(rid))
                else:
                    cell = make_input(col.kind, options=col.options, default=col.default,
                                      count=col.count(rec) if col.count else 1)
                cell.widget.add_class(f"sdw-cell-{_css(rid)}-{_css(col.name)}")
                row[col.name] = cell
                children.append(cell.widget)
            self.cells[rid] = row
        columns = " ".join(["minmax(8em, 16em)", *(c.width for c in spec.columns)])
        self.grid = W.GridBox(children, layout=W.Layout(grid_template_columns=columns, grid_gap="0.25em 0.6em",
                                                        width="100%", align_items="center"))
        self.grid.add_class("sdw-grid")
        self.widget = self.box(self.grid)

    def _record_getter(self, rid: str) -> Callable[[dict], Any]:
        def record(mat: dict) -> Any:
            for r, _label, rec in self.spec.rows.items(mat, self.form.lang):
                if r == rid:
                    return rec
            return None
        return record

    def relabel(self, mat: dict, lang: str) -> None:
        super().relabel(mat, lang)
        self.headers[0].value = f"<b>{_esc(t(self.spec.row_header, lang))}</b>"
        for h, col in zip(self.headers[1:], self.spec.columns, strict=True):
            h.value = f"<b>{_esc(_header_text(col, mat, lang))}</b>"
        labels = {rid: label for rid, label, _ in self.spec.rows.items(mat, lang)}
        for rid in self.row_ids:
            self.row_labels[rid].value = f'<span class="sdw-row-name">{_esc(labels.get(rid, rid))}</span>'
            for cell in self.cells[rid].values():
                cell.relabel(mat, lang, self.form)

    def _path(self, col: Col, rid: str) -> str:
        return (col.path or f"{self.spec.where}.{{row}}.{col.name}").format(row=rid)

    def collect(self, answer: dict) -> None:
        for rid in self.row_ids:
            for col in self.spec.columns:
                if col.kind != "info":
                    set_path(answer, self._path(col, rid), self.cells[rid][col.name].get())

    def fill(self, answer: Mapping) -> None:
        for rid in self.row_ids:
            for col in self.spec.columns:
                if col.kind != "info":
                    self.cells[rid][col.name].set(get_path(answer, self._path(col, rid)))

    def all_widgets(self) -> list[W.Widget]:
        out = [*super().all_widgets(), self.widget, self.grid, *self.headers, *self.row_labels.values()]
        for row in self.cells.values():
            for cell in row.values():
                out.extend(cell.all_widgets())
        return out


class TableControl(Control):
    """Rows the trainee adds and removes; the answer is the list of the non-blank rows' dicts."""

    def __init__(self, form: Form, spec: Field):
        super().__init__(form, spec)
        self.rows: list[dict[str, Input]] = []
        self.headers = [_header_cell() for _ in range(len(spec.columns) + 1)]
        self.add_button = W.Button(icon="plus", layout=W.Layout(width="auto"))
        self.add_button.add_class("sdw-add-row")
        self.add_button.on_click(lambda b: self.add_row())
        self._remove_buttons: list[W.Button] = []
        columns = " ".join([*(c.width for c in spec.columns), "2.6em"])
        self.grid = W.GridBox([], layout=W.Layout(grid_template_columns=columns, grid_gap="0.25em 0.5em",
                                                  width="100%", align_items="center"))
        self.grid.add_class("sdw-grid")
        self.grid.add_class("sdw-table-rows")
        self.count_note = W.HTML()
        self.widget = self.box(W.VBox([self.grid, W.HBox([self.add_button, self.count_note])]))
        for _ in range(spec.start_rows):
            self._new_row()
        self._layout()

    def _new_row(self) -> dict[str, Input]:
        row = {col.name: make_input(col.kind, options=col.options, default=col.default) for col in self.spec.columns}
        for col in self.spec.columns:
            row[col.name].relabel(self.form.mat, self.form.lang, self.form)
        self.rows.append(row)
        return row

    def _layout(self) -> None:
        children: list[W.Widget] = list(self.headers)
        self._remove_buttons = []
        for i, row in enumerate(self.rows):
            for col in self.spec.columns:
                w = row[col.name].widget
                for c in [c for c in w._dom_classes if c.startswith("sdw-cell-")]:
                    w.remove_class(c)
                w.add_class(f"sdw-cell-{i}-{_css(col.name)}")
                children.append(w)
            rm = W.Button(icon="times", layout=W.Layout(width="2.4em"), disabled=len(self.rows) <= 1)
            rm.add_class("sdw-remove-row")
            rm.on_click(lambda b, r=row: self.remove_row(self.rows.index(r)))
            self._remove_buttons.append(rm)
            children.append(rm)
        self.grid.children = children
        self.add_button.disabled = len(self.rows) >= self.spec.max_rows
        self._relabel_buttons(self.form.lang)

    def _relabel_buttons(self, lang: str) -> None:
        self.add_button.description = t("exercise.add_row", lang)
        for b in self._remove_buttons:
            b.tooltip = t("exercise.remove_row", lang)
        self.count_note.value = (f'<span class="sdw-muted">'
                                 f'{_esc(t("exercise.rows_max", lang, n=self.spec.max_rows))}</span>')

    def add_row(self) -> None:
        if len(self.rows) < self.spec.max_rows:
            self._new_row()
            self._layout()

    def remove_row(self, index: int) -> None:
        if len(self.rows) > 1 and 0 <= index < len(self.rows):
            del self.rows[index]
            self._layout()

    def refresh_options(self) -> None:
        """Recompute the options of every choice cell (another field they depend on changed)."""
        for row in self.rows:
            for cell in row.values():
                cell.relabel(self.form.mat, self.form.lang, self.form)

    def relabel(self, mat: dict, lang: str) -> None:
        super().relabel(mat, lang)
        for h, col in zip(self.headers, self.spec.columns, strict=False):
            h.value = f"<b>{_esc(_header_text(col, mat, lang))}</b>"
        self.refresh_options()
        self._relabel_buttons(lang)

    def _row_value(self, row: dict[str, Input]) -> dict | None:
        values = {(col.path or col.name): row[col.name].get() for col in self.spec.columns}
        meaningful = [v for col, v in zip(self.spec.columns, values.values(), strict=True)
                      if not _blank(v) and (col.default is None or v != col.default)]
        return values if meaningful else None

    def collect(self, answer: dict) -> None:
        rows = [v for v in (self._row_value(r) for r in self.rows) if v is not None]
        set_path(answer, self.spec.where, rows)

    def fill(self, answer: Mapping) -> None:
        saved = get_path(answer, self.spec.where)
        saved = [r for r in saved if isinstance(r, Mapping)] if isinstance(saved, list) else []
        n = min(max(len(saved), self.spec.start_rows if not saved else len(saved), 1), self.spec.max_rows)
        self.rows = []
        for _ in range(n):
            self._new_row()
        for row, values in zip(self.rows, saved, strict=False):
            for col in self.spec.columns:
                row[col.name].set(values.get(col.path or col.name))
        self._layout()

    def all_widgets(self) -> list[W.Widget]:
        out = [*super().all_widgets(), self.widget, self.grid, self.add_button, self.count_note, *self.headers,
               *self._remove_buttons]
        for row in self.rows:
            for cell in row.values():
                out.extend(cell.all_widgets())
        return out


# ---------------------------------------------------------------------------------------------
# the form
# ---------------------------------------------------------------------------------------------
@dataclass
class Form:
    """A drill's answer form (:data:`FORMS`) as widgets: :meth:`answer` reads it, :meth:`fill` writes
    an answer into it, :meth:`relabel` redraws it in another language.

    Args:
        drill: the drill's name. raw: its material as the file has it (every text in three languages).
        lang: the form's language.
    """
    drill: str
    raw: dict
    lang: str = "zh-Hant"
    inputs: dict[str, Control] = field(default_factory=dict, init=False)
    widget: W.VBox = field(init=False)

    def __post_init__(self) -> None:
        self._muted = 0
        self.mat = localize(self.raw, self.lang)
        kinds = {"grid": GridControl, "table": TableControl}
        for spec in FORMS[self.drill]:
            self.inputs[spec.name] = kinds.get(spec.kind, SimpleControl)(self, spec)
        for spec in FORMS[self.drill]:
            if spec.depends:
                dep = self.inputs[spec.depends]
                dep.input.widget.observe(lambda ch, name=spec.name: self._dependency_changed(name), names="value")
        self.widget = W.VBox([c.widget for c in self.inputs.values()], layout=W.Layout(width="100%"))
        self.widget.add_class("sdw-form")
        self.relabel(self.lang)

    def _dependency_changed(self, name: str) -> None:
        if not self._muted:
            ctl = self.inputs[name]
            if isinstance(ctl, TableControl):
                ctl.refresh_options()

    def value(self, name: str) -> Any:
        """The current value of a one-input field (None for a blank or a grid/table)."""
        ctl = self.inputs.get(name)
        return ctl.value if isinstance(ctl, SimpleControl) else None

    def relabel(self, lang: str) -> None:
        """Every label, option and info cell in ``lang`` (values kept)."""
        self.lang = lang
        self.mat = localize(self.raw, lang)
        self._muted += 1
        try:
            for ctl in self.inputs.values():        # a field others depend on first
                if any(s.depends == ctl.spec.name for s in FORMS[self.drill]):
                    ctl.relabel(self.mat, lang)
            for ctl in self.inputs.values():
                if not any(s.depends == ctl.spec.name for s in FORMS[self.drill]):
                    ctl.relabel(self.mat, lang)
        finally:
            self._muted -= 1

    def answer(self) -> dict:
        """The answer the checker reads (blank inputs left out of mappings)."""
        out: dict = {}
        for ctl in self.inputs.values():
            ctl.collect(out)
        return prune(out)

    def fill(self, answer: Mapping | None) -> None:
        """Show ``answer`` in the form (every input not in it is cleared)."""
        answer = answer or {}
        self._muted += 1
        try:
            order = sorted(self.inputs.values(), key=lambda c: c.spec.depends is not None)
            for ctl in order:
                if isinstance(ctl, TableControl):
                    ctl.refresh_options()
                ctl.fill(answer)
        finally:
            self._muted -= 1

    def clear(self) -> None:
        self.fill({})

    def all_widgets(self) -> list[W.Widget]:
        """Every widget of the form (for tests that scan what a page shows)."""
        out: list[W.Widget] = [self.widget]
        for ctl in self.inputs.values():
            out.extend(ctl.all_widgets())
        return out
