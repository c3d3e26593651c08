"""A workshop's team page (工作坊小組頁; CONTRACT §5): join with the code, then decide each round's quarter,
see what it costs against the trainer's budget, submit, and read the team's own results once published.

In a notebook served by Voilà (``notebooks/workshop/team.ipynb``; the trainer's QR code opens it with
``?ws=<workshop>&code=<join code>``)::

    from simlib.ui.workshop_team import TeamPage
    TeamPage.from_query().show()

The workshop's database is ``$SDW_DB`` if set, else the store's default (:func:`simlib.workshop.store.default_url`).
Everything the page shows comes from the team's handle (:class:`simlib.workshop.Team`): its template, the cost of
its choices (:meth:`~simlib.workshop.Team.cost`), its submissions and its own published rows; the team's
situation — its reps, their tenure and training, last round's sales — is
:meth:`simlib.workshop.api.Team.situation`. A wrong code shows the localised
:class:`~simlib.workshop.AccessDenied` message; a page that keeps trying is slowed down (its ``client`` id).
Every few seconds the page checks whether the round has moved on (closed, published, the next one open) and then
reads the round and its results again by itself (:class:`~simlib.ui.workshop_common.Poller`); **Refresh** does it now.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import ipywidgets as W
import pandas as pd

from simlib.base.fmt import money, number
from simlib.base.i18n import t
from simlib.ui.base import AppBase, card, esc, row
from simlib.ui.figures import DEFAULT_RENDERER, Renderer, make_view
from simlib.ui.lang import lang_from_query
from simlib.ui.plan_editor import PlanEditor
from simlib.ui.workshop_common import (
    CSS,
    Notice,
    Poller,
    attempt,
    due_text,
    fmt_metric,
    metric_table,
    new_client,
    query_value,
)
from simlib.viz.workshop import team_rounds_figure
from simlib.workshop import Team, Workshop
from simlib.workshop.decisions import FOCUS, SPLIT_METHODS, PlanEdit, course_price, hire_name, resolve_plan
from simlib.workshop.spec import label

__all__ = ["RESULT_COLUMNS", "TeamPage"]

#: the team's own results table
RESULT_COLUMNS = ("round", "target", "revenue", "attainment", "gross_profit", "share", "win_rate", "turnover",
                  "nps", "fairness", "headcount", "hires", "quits", "score")
CUSTOM, NO_COURSE = "__custom__", "__none__"
#: how often a joined team page checks whether its round has moved on
POLL_SECONDS = 6.0
_WIDE = {"layout": W.Layout(width="100%"), "style": {"description_width": "14em"}}


class TeamPage(AppBase):
    """The team page (see the module's docstring).

    Attributes:
        team: the team's handle once joined (None before). client: this page's id for the slow-down.
        join_notice, cost_notice, submit_notice: the outcomes shown beside the join form, the cost and Submit.
        last_version: the version number of the last submission from this page.
    """

    KEY = "workshop_team"
    EXTRA_CSS = CSS

    def __init__(self, lang: str = "zh-Hant", *, db: str | None = None, workshop_id: str = "", code: str = "",
                 client: str | None = None, renderer: Renderer = DEFAULT_RENDERER):
        super().__init__(lang)
        self.db, self.client = db, client or new_client()
        self.workshop: Workshop | None = None
        self.team: Team | None = None
        self.last_version: int | None = None
        self._template: dict = {}
        self._loading = False
        self.figures = {"team": make_view("workshop_team", renderer)}
        self.state = None
        self.results = self.rep_results = pd.DataFrame()
        self._seen: tuple | None = None
        self.poller = Poller(self.poll, POLL_SECONDS)
        self._finish_page(self._build_join(workshop_id, code), self._build_team())

    @classmethod
    def from_query(cls, *args: Any, **kwargs: Any) -> TeamPage:
        """The page in the URL's language, its workshop and code filled from ``?ws=…&code=…``."""
        kwargs.setdefault("workshop_id", query_value("ws"))
        kwargs.setdefault("code", query_value("code"))
        return cls(*args, lang=lang_from_query(), **kwargs)

    # -- joining ---------------------------------------------------------------------------------------
    def _build_join(self, workshop_id: str, code: str) -> W.Widget:
        self.ws_id = W.Text(value=workshop_id, **_WIDE)
        self.ws_id.add_class("sdw-ws-id")
        self._label(self.ws_id, "workshop_pages.team.join.workshop")
        self.code = W.Text(value=code, **_WIDE)
        self.code.add_class("sdw-code")
        self._label(self.code, "workshop_pages.team.join.code")
        self._label(self.code, "workshop_pages.team.join.code_hint", "placeholder")
        self.display_name = W.Text(**_WIDE)
        self.display_name.add_class("sdw-display-name")
        self._label(self.display_name, "workshop_pages.team.join.name")
        self.join_button = W.Button(icon="sign-in", button_style="primary", layout=W.Layout(width="auto"))
        self.join_button.add_class("sdw-join")
        self._label(self.join_button, "workshop_pages.team.join.button")
        self.join_button.on_click(lambda b: self.join())
        self.join_notice = Notice("sdw-join-notice")
        self._relabel(self.join_notice.render)
        self.join_form = W.VBox([self._text("workshop_pages.team.join.title", "h3", "sdw-section"),
                                 self._text("workshop_pages.team.join.hint", "p", "sdw-muted"),
                                 card(self.ws_id, self.code, self.display_name, W.HBox([self.join_button]),
                                      basis="420px")])
        self.join_box = W.VBox([self.join_form, self.join_notice.widget])
        return self.join_box

    def join(self, code: str | None = None) -> bool:
        """Join the workshop with ``code`` (else the code typed); a wrong one shows why, never a traceback."""
        if code is not None:
            self.code.value = code

        def act() -> None:
            ws = Workshop.open(self.db, self.ws_id.value.strip())
            self.team = ws.join(self.code.value, client=self.client)
            self.workshop = ws
        self.join_notice.clear()
        if not attempt(self, self.join_notice, act):
            return False
        self.join_notice.ok("workshop_pages.team.join.done", team=self.team.name)
        self.join_notice.render(self.lang)
        self.join_form.layout.display = "none"      # joined: the form has done its work
        self.team_box.layout.display = None
        self.refresh()
        self.poller.start()
        return True

    # -- the team's round ------------------------------------------------------------------------------
    def _build_team(self) -> W.Widget:
        self.header_view = W.HTML()
        self.header_view.add_class("sdw-team-header")
        self.due_view = W.HTML()
        self.due_view.add_class("sdw-due-view")
        self.deadline = None
        self.refresh_button = W.Button(icon="refresh", layout=W.Layout(width="auto"))
        self.refresh_button.add_class("sdw-refresh")
        self._label(self.refresh_button, "workshop_pages.refresh")
        self.refresh_button.on_click(lambda b: self.refresh())
        self.situation_view = W.HTML()
        self.situation_view.add_class("sdw-situation")
        self.results_view = W.HTML()
        self.results_view.add_class("sdw-results")
        self.form_box = self._build_form()
        self.team_box = W.VBox([
            W.HBox([self.header_view, self.refresh_button], layout=W.Layout(align_items="center",
                                                                            flex_flow="row wrap")),
            self.due_view, self._text("workshop_pages.refresh_note", "p", "sdw-muted"),
            self._text("workshop_pages.team.situation.title", "h3", "sdw-section"), self.situation_view,
            self.form_box,
            self._text("workshop_pages.team.results.title", "h3", "sdw-section"), self.results_view,
            self.figures["team"].widget], layout=W.Layout(display="none"))
        return self.team_box

    def _build_form(self) -> W.Widget:
        self.f_target = W.IntText(**_WIDE)
        self.f_split = W.Dropdown(**_WIDE)
        self.f_plan = W.Dropdown(**_WIDE)
        self.f_edit_plan = W.Checkbox(indent=False)
        self.f_hires = W.IntSlider(min=0, max=1, continuous_update=False, **_WIDE)
        self.f_dismiss = W.SelectMultiple(rows=4, **_WIDE)
        self.f_training = W.Dropdown(**_WIDE)
        self.f_mentoring = W.Checkbox(indent=False)
        self.f_focus = W.Dropdown(**_WIDE)
        self.f_discount = W.IntSlider(min=0, max=20, continuous_update=False, **_WIDE)
        self.f_managers = W.IntSlider(min=0, max=1, continuous_update=False, **_WIDE)
        self.fields = {"target": self.f_target, "split": self.f_split, "plan": self.f_plan, "hires": self.f_hires,
                       "dismiss": self.f_dismiss, "training": self.f_training, "mentoring": self.f_mentoring,
                       "focus": self.f_focus, "discount_authority": self.f_discount,
                       "a_tier_managers": self.f_managers}
        for name, w in self.fields.items():
            w.add_class(f"sdw-field-{name}")
            self._relabel(lambda lang, w=w, name=name: setattr(
                w, "description", label("decision", name, lang) + (" (%)" if name == "discount_authority" else "")))
            w.observe(lambda change: self.update_cost(), names="value")
        # the split: each rep's quota under the method, or a box per rep to type it
        self.split_inputs: dict[str, W.IntText] = {}
        self._quotas: dict[str, float] = {}
        self.quota_view = W.HTML()
        self.quota_view.add_class("sdw-quotas")
        self.split_box = W.VBox(layout=W.Layout(display="none"))
        self.split_box.add_class("sdw-split-typed")
        self.split_sum = W.HTML()
        self.split_sum.add_class("sdw-split-sum")
        self.f_split.observe(self._split_method_changed, names="value")
        # the pay plan: a menu plan, or that plan edited (tiers, bonus, cap)
        self.f_edit_plan.add_class("sdw-field-edit-plan")
        self._label(self.f_edit_plan, "workshop_pages.team.form.edit_plan")
        self.plan_editor = PlanEditor(on_change=self.update_cost)
        self.plan_editor.widget.layout.display = "none"
        self._relabel(self.plan_editor.relabel)
        self.f_plan.observe(self._plan_changed, names="value")
        self.f_edit_plan.observe(self._edit_plan_changed, names="value")
        self.cost_view = W.HTML()
        self.cost_view.add_class("sdw-cost")
        self.cost_notice = Notice("sdw-cost-notice")
        self.submit_button = W.Button(icon="paper-plane", button_style="primary", layout=W.Layout(width="auto"))
        self.submit_button.add_class("sdw-submit")
        self._label(self.submit_button, "workshop_pages.team.submit.button")
        self.submit_button.on_click(lambda b: self.submit())
        self.submit_notice = Notice("sdw-submit-notice")
        self._relabel(self.cost_notice.render)
        self._relabel(self.submit_notice.render)
        f = self.fields
        form = card(f["target"], f["split"], self.quota_view, self.split_box, self.split_sum, f["plan"],
                    self.f_edit_plan, self.plan_editor.widget,
                    *(f[k] for k in ("hires", "dismiss", "training", "mentoring", "focus", "discount_authority",
                                     "a_tier_managers")), basis="460px")
        side = card(self._text("workshop_pages.team.cost.title", "h4"), self.cost_view, self.cost_notice.widget,
                    W.HBox([self.submit_button]), self.submit_notice.widget, basis="360px")
        self.form_title = self._text("workshop_pages.team.form.title", "h3", "sdw-section")
        return W.VBox([self.form_title, self._text("workshop_pages.team.form.hint", "p", "sdw-muted"),
                       row(form, side)])

    # -- the split and the plan's editor ---------------------------------------------------------------
    def round_seats(self) -> list[str]:
        """The reps this form's split is over: the team's now, less the dismissed, plus the hires."""
        if self.state is None or self.team is None:
            return []
        gone = set(self.f_dismiss.value)
        return ([s.name for s in self.state.seats if s.name not in gone]
                + [hire_name(self.team.round, n) for n in range(1, int(self.f_hires.value) + 1)])

    def _sync_split_inputs(self, fill: dict[str, float] | None = None) -> None:
        """One whole-yuan box per rep of :meth:`round_seats` (values kept by name; ``fill`` sets them)."""
        seats = self.round_seats()
        old = {k: w.value for k, w in self.split_inputs.items()}
        if fill is not None:
            old = {k: round(v) for k, v in fill.items()}
        inputs = {}
        for name in seats:
            w = self.split_inputs.get(name) or W.IntText(description=name, layout=W.Layout(width="100%"),
                                                         style={"description_width": "14em"})
            if name not in self.split_inputs:
                w.add_class("sdw-split-rep")
                w.observe(lambda change: self.update_cost(), names="value")
            w.value = int(old.get(name, 0))
            inputs[name] = w
        self.split_inputs = inputs
        self.split_box.children = list(inputs.values())

    def _split_method_changed(self, change) -> None:
        typed = change["new"] == CUSTOM
        if typed and not self._loading:          # start from what the method gave each rep
            self._loading = True
            try:
                self._sync_split_inputs(self._quotas)
            finally:
                self._loading = False
        self.split_box.layout.display = None if typed else "none"
        self.update_cost()

    def _plan_changed(self, change) -> None:
        if not self._loading and self.workshop is not None and change["new"] in self.workshop.spec.plans:
            self.plan_editor.load(self.workshop.spec.plans[change["new"]])

    def _edit_plan_changed(self, change) -> None:
        self.plan_editor.widget.layout.display = None if change["new"] else "none"
        self.update_cost()

    def _options(self, lang: str) -> None:
        """The form's choices in ``lang`` (the workshop's menus), keeping the values chosen."""
        if self.workshop is None:
            return
        spec = self.workshop.spec
        split = [(label("split", m, lang), m) for m in SPLIT_METHODS]
        split.append((t("workshop_pages.team.form.custom_split", lang), CUSTOM))
        plans = [(f"{p.name or key} [{key}]", key) for key, p in spec.plans.items()]
        courses = [(t("workshop_pages.team.form.no_training", lang), NO_COURSE)] + [
            (t("workshop_pages.team.form.course", lang, course=_course_label(c, lang), price=money(
                course_price(spec, c), lang), points=number(c.lift * 100, lang, digits=1)), str(i))
            for i, c in enumerate(spec.courses)]
        focus = [(label("focus", f, lang), f) for f in FOCUS]
        was, self._loading = self._loading, True
        try:
            for w, opts in ((self.f_split, split), (self.f_plan, plans), (self.f_training, courses),
                            (self.f_focus, focus)):
                value = w.value
                w.options = opts
                if value in dict(opts).values():
                    w.value = value
        finally:
            self._loading = was

    def _load_form(self, tpl: dict) -> None:
        """Fill the form with a round's decisions (the team's template)."""
        spec = self.workshop.spec
        self._template = tpl
        self._loading = True
        try:
            self._options(self.lang)
            seats = [s.name for s in self.state.seats] if self.state is not None else []
            self.f_target.value = int(tpl["target"])
            self.f_hires.max = spec.hiring.max_per_round
            self.f_hires.value = int(tpl["hires"])
            self.f_dismiss.options = seats
            self.f_dismiss.value = tuple(d for d in tpl["dismiss"] if d in seats)
            typed = isinstance(tpl["split"], dict)
            self._sync_split_inputs(tpl["split"] if typed else {})
            self.f_split.value = CUSTOM if typed else tpl["split"]
            edited = isinstance(tpl["plan"], dict)
            base = (tpl["plan"].get("based_on") or next(iter(spec.plans))) if edited else tpl["plan"]
            self.f_plan.value = base
            self.plan_editor.load(resolve_plan(spec, PlanEdit.model_validate(tpl["plan"])) if edited
                                  else spec.plans[base])
            self.f_edit_plan.value = edited
            tr = tpl.get("training")
            idx = next((str(i) for i, c in enumerate(spec.courses) if tr and c.stage == tr["stage"]
                        and abs(c.lift - tr["lift"]) < 1e-9), NO_COURSE)
            self.f_training.value = idx
            self.f_mentoring.value = bool(tpl["mentoring"])
            self.f_focus.value = tpl["focus"]
            self.f_discount.value = round(float(tpl["discount_authority"]) * 100)
            self.f_managers.max = spec.customers.max_managers
            self.f_managers.value = int(tpl["a_tier_managers"])
        finally:
            self._loading = False

    def decisions(self) -> dict:
        """The form as the team's decisions for the round (what Submit sends)."""
        spec = self.workshop.spec
        training = None
        if self.f_training.value not in (None, NO_COURSE):
            course = spec.courses[int(self.f_training.value)]
            training = {"stage": course.stage, "lift": course.lift}
        if self.f_split.value == CUSTOM:
            self._sync_split_inputs()
            split = {name: int(w.value) for name, w in self.split_inputs.items()}
        else:
            split = self.f_split.value
        return {"target": int(self.f_target.value), "split": split,
                "plan": self.plan_editor.edit(self.f_plan.value) if self.f_edit_plan.value else self.f_plan.value,
                "hires": int(self.f_hires.value), "dismiss": list(self.f_dismiss.value), "training": training,
                "mentoring": bool(self.f_mentoring.value), "focus": self.f_focus.value,
                "discount_authority": round(self.f_discount.value / 100, 4),
                "a_tier_managers": int(self.f_managers.value)}

    # -- reading the round -----------------------------------------------------------------------------
    def _round_state(self) -> tuple[int, str]:
        ws = self.workshop
        r = ws.round
        return r, ws.store.round_status(ws.id, r) if r <= ws.rounds else "done"

    def poll(self) -> None:
        """Read everything again only when the round has moved on since the last read (so a form being
        filled in is left alone); else only the minutes left until the decisions are due."""
        if self.team is None:
            return
        if self._round_state() != self._seen:
            self.refresh()
        else:
            self._render_due()

    def _render_due(self) -> None:
        text = due_text(self.deadline, self.lang) if getattr(self, "open", False) else ""
        self.due_view.value = f'<p class="sdw-due">{esc(text)}</p>' if text else ""

    def refresh(self) -> None:
        """Read the round, the team's situation, its template and its published results again."""
        if self.team is None:
            return
        self.cost_notice.clear()

        def act() -> None:
            ws, team = self.workshop, self.team
            self._seen = self._round_state()
            self.deadline = ws.deadline()
            self.round = team.round
            self.open = self.round <= ws.rounds and self._seen[1] == "open"
            self.state = team.situation()
            self.results = team.results()
            self.rep_results = team.rep_results()
            if self.open:
                self._load_form(team.template())
        if attempt(self, self.cost_notice, act):
            self.form_box.layout.display = None if self.open else "none"
            self._redraw()
            if self.open:
                self.update_cost()

    def _redraw(self) -> None:
        if self.team is None or not hasattr(self, "round"):
            return
        lang, ws = self.lang, self.workshop
        if self.round > ws.rounds:
            head = t("workshop_pages.team.finished", lang, team=self.team.name, rounds=ws.rounds)
        elif self.open:
            head = t("workshop_pages.team.header", lang, team=self.team.name, round=self.round, rounds=ws.rounds)
        else:
            head = t("workshop_pages.team.waiting", lang, team=self.team.name, round=self.round, rounds=ws.rounds)
        self.header_view.value = f"<h3>{esc(head)}</h3>"
        self._render_due()
        self._options(lang)
        self.situation_view.value = self._situation_html(lang)
        if len(self.results):
            cols = [c for c in RESULT_COLUMNS if c in self.results.columns]
            self.results_view.value = metric_table(self.results, cols, lang, "sdw-team-results")
        else:
            self.results_view.value = f'<p class="sdw-muted">{esc(t("workshop_pages.team.results.empty", lang))}</p>'
        self.figures["team"].show(team_rounds_figure(self.results, lang))
        self.cost_notice.render(lang)
        self.submit_notice.render(lang)
        if self.open and not self._loading and self.cost_notice.error is None:
            self._render_cost()

    def _situation_html(self, lang: str) -> str:
        """The team's reps at the round's start (tenure, training, last round's quota and sales) and last
        round's results."""
        if self.state is None:
            return ""
        last = int(self.results["round"].max()) if len(self.results) else None
        reps = self.rep_results[self.rep_results["round"] == last] if last is not None else pd.DataFrame()
        by_rep = {r["rep"]: r for _, r in reps.iterrows()} if len(reps) else {}
        head = [t("workshop_pages.team.situation.rep", lang), label("metric", "tenure_months", lang),
                t("workshop_pages.team.situation.trained", lang), label("metric", "quota", lang),
                t("workshop_pages.team.situation.last_sales", lang), label("metric", "attainment", lang)]
        rows = []
        for s in self.state.seats:
            tenure = (t("workshop_pages.team.situation.veteran", lang) if s.tenure_months is None
                      else number(s.tenure_months, lang, digits=1))
            trained = ", ".join(f"{_stage(self.workshop, st, lang)} +{number(p * 100, lang, digits=1)}"
                                for st, p in s.lifts) or "—"
            r = by_rep.get(s.name)
            quota = money(r["quota"], lang) if r is not None else "—"
            attain = fmt_metric("attainment", r["attainment"], lang) if r is not None else "—"
            rows.append(f'<tr data-rep="{esc(s.name)}"><td class="sdw-text">{esc(s.name)}</td><td>{esc(tenure)}</td>'
                        f'<td class="sdw-text">{esc(trained)}</td><td>{esc(quota)}</td>'
                        f"<td>{esc(money(s.history, lang))}</td><td>{esc(attain)}</td></tr>")
        table = ('<table class="sdw-table sdw-reps"><tr>' + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr>"
                 + "".join(rows) + "</table>")
        note = t("workshop_pages.team.situation.summary", lang, reps=len(self.state.seats),
                 satisfaction=number(self.state.satisfaction, lang, digits=1))
        out = f'<p>{esc(note)}</p>{table}'
        if last is not None:
            mine = self.results[self.results["round"] == last]
            out += (f'<h4>{esc(t("workshop_pages.team.situation.last_round", lang, round=last))}</h4>'
                    + metric_table(mine, ["revenue", "attainment", "gross_profit", "nps", "quits"], lang,
                                   "sdw-last-round"))
        return out

    # -- cost and submission ---------------------------------------------------------------------------
    def update_cost(self) -> None:
        """Price the form's choices (:meth:`simlib.workshop.Team.cost`) against the budget; a choice the
        round will not take shows why, beside the form."""
        if self._loading or self.team is None or not getattr(self, "open", False):
            return
        self.cost_notice.clear()
        self._cost: dict | None = None

        def act() -> None:
            data = self.decisions()
            self._quotas = self.team.quotas(data, self.state)
            self._cost = self.team.cost(data)
        attempt(self, self.cost_notice, act)
        self._render_cost()

    def _render_quotas(self) -> None:
        """Each rep's quota under the chosen method; for a typed split, the sum against the target."""
        lang = self.lang
        typed = self.f_split.value == CUSTOM
        if typed:
            total = sum(int(w.value) for w in self.split_inputs.values())
            diff = total - int(self.f_target.value)
            key = "workshop_pages.team.form.split_sum_ok" if diff == 0 else "workshop_pages.team.form.split_sum_off"
            self.split_sum.value = (f'<p class="sdw-muted" data-diff="{diff}">'
                                    f'{esc(t(key, lang, total=money(total, lang), target=money(self.f_target.value, lang), diff=money(abs(diff), lang)))}</p>')
            self.quota_view.value = ""
            return
        self.split_sum.value = ""
        if not self._quotas:
            self.quota_view.value = ""
            return
        rows = "".join(f'<tr data-rep="{esc(k)}"><td class="sdw-text">{esc(k)}</td><td>{esc(money(v, lang))}</td></tr>'
                       for k, v in self._quotas.items())
        self.quota_view.value = (f'<details class="sdw-quota-details"><summary>'
                                 f'{esc(t("workshop_pages.team.form.quotas", lang))}</summary>'
                                 f'<table class="sdw-table sdw-quota-table"><tr><th class="sdw-text">'
                                 f'{esc(t("workshop_pages.team.situation.rep", lang))}</th>'
                                 f'<th>{esc(label("metric", "quota", lang))}</th></tr>{rows}</table></details>')

    def _render_cost(self) -> None:
        lang, c = self.lang, getattr(self, "_cost", None)
        self._render_quotas()
        if c is None:
            self.cost_view.value = ""
            return
        items = "".join(f'<tr data-cost="{k}"><th>{esc(label("cost", k, lang))}</th><td>{esc(money(c[k], lang))}</td></tr>'
                        for k in ("pay", "managers", "hiring", "training", "dismissal", "total"))
        if c["budget"] is None:
            verdict = t("workshop_pages.team.cost.no_budget", lang)
        else:
            items += (f'<tr data-cost="budget"><th>{esc(label("cost", "budget", lang))}</th>'
                      f'<td>{esc(money(c["budget"], lang))}</td></tr>')
            verdict = t("workshop_pages.team.cost.within" if c["within_budget"] else "workshop_pages.team.cost.over",
                        lang)
        self.cost_view.value = (f'<table class="sdw-table sdw-cost-table">{items}</table>'
                                f'<p class="sdw-muted sdw-budget">{esc(verdict)}</p>')

    def submit(self, decisions: dict | None = None) -> int | None:
        """Submit the form's decisions (or ``decisions``); the version number, or None with the reason shown
        beside the form in the page's language."""
        if self.team is None:
            return None
        data = self.decisions() if decisions is None else decisions
        by = self.display_name.value.strip()
        self.submit_notice.clear()
        out: dict = {}

        def act() -> None:
            out["version"] = self.team.submit(data, by=by)
            subs = self.team.submissions()
            mine = subs[(subs["round"] == self.team.round) & (subs["version"] == out["version"])]
            out["at"] = mine["submitted_at"].iloc[0] if len(mine) else pd.Timestamp.now(tz="UTC")
        if not attempt(self, self.submit_notice, act):
            return None
        self.last_version = out["version"]
        when = pd.Timestamp(out["at"]).tz_convert(datetime.now().astimezone().tzinfo)
        self.submit_notice.ok("workshop_pages.team.submit.done", version=out["version"], round=self.team.round,
                              time=when.strftime("%Y-%m-%d %H:%M:%S %Z"),
                              by=by or (lambda lang: t("workshop_pages.team.submit.anonymous", lang)))
        self.submit_notice.render(self.lang)
        return self.last_version

    def _on_language(self) -> None:
        if self.team is not None:
            self._redraw()


def _course_label(course, lang: str) -> str:
    if course.label:
        for cand in (lang, "zh-Hant" if lang == "zh-Hans" else lang, "en"):
            if cand in course.label:
                return course.label[cand]
    return course.stage


def _stage(ws: Workshop, name: str, lang: str) -> str:
    stage = next((s for s in ws.spec.scenario.funnel.stages if s.name == name), None)
    return stage.display(lang) if stage is not None else name
