"""Pay Plan Lab (薪酬方案實驗室): one or two pay plans side by side — their pay curves against attainment,
one rep's payout line by line, and, from a simulated team whose reps respond to the plan, pay cost ÷
revenue, how attainment falls and whether closes bunch at the end of the period (COURSE.md §3).

In a notebook served by Voilà::

    from simlib.ui.pay_lab import PayLab
    PayLab.from_query().show()

Without a browser the same object is driven through its widgets; every number comes from
:mod:`simlib.formulas.incentives` and :func:`simlib.analysis.whatif.compare_plans`::

    >>> lab = PayLab(lang="en", run_now=False)
    >>> lab.sales.value = 270_000
    >>> lab.payouts["A"].total, lab.payouts["A"].commission    # linear 3 % of 270,000 on 18,000 base pay
    (26100.0, 8100.0)
    >>> lab.forms["B"].tiers.value = "0: 2, 100: 300"          # a 300 % rate
    >>> "Plan B · commission.tiers[1].rate" in lab.error_text()
    True

The same seed gives every plan the same world (leads, deal values, fates, skills), so the columns differ
only by what each plan made the reps do. No input shows a traceback (:class:`~simlib.ui.base.AppBase`).
"""
from __future__ import annotations

import time
from pathlib import Path

import ipywidgets as W
import pandas as pd
import yaml

from simlib.analysis.whatif import PlanComparison, compare_plans, with_plan
from simlib.base.fmt import money, number, percent
from simlib.base.i18n import t
from simlib.base.paths import content_root
from simlib.base.schema import Issue, ScenarioError
from simlib.core.scenario import Scenario, load_scenario
from simlib.formulas.incentives import CompPlan, Payout
from simlib.ui.base import SectionedApp, card, data_link, esc, guarded, row
from simlib.ui.figures import DEFAULT_RENDERER, Renderer, make_view
from simlib.ui.plan_form import PlanForm, parse_number
from simlib.viz import pay as VP

__all__ = ["DEFAULT_SCENARIO", "METRICS", "PLANS_DIR", "PayLab", "plan_library"]

ROOT = content_root()
DEFAULT_SCENARIO = ROOT / "scenarios" / "pay" / "behaviour_base.yaml"
PLANS_DIR = ROOT / "scenarios" / "plans"
SCENARIO_PLAN, NONE = "scenario", "none"
SLOTS = ("A", "B")
PRESETS = ("no_gaming", "rational", "myopic")
#: a plan period in quarters: the simulated quota per quarter is scaled to the plan's period
PERIOD_QUARTERS = {"month": 1 / 3, "quarter": 1.0, "year": 4.0}
#: the summary table's rows and how each is shown
METRICS = (("pay_cost_ratio", "pct2"), ("revenue", "money"), ("pay_variable", "money"),
           ("quota_reached_share", "pct"), ("attainment_median", "pct"), ("period_end_share", "pct"),
           ("discounted_share", "pct"), ("effort_mean", "pct"), ("pulled", "count"), ("pushed", "count"))
FIGURES = ("curve", "cost", "closes", "attainment")

EXTRA_CSS = """
.sdw-app h3.sdw-section { border-top: 2px solid #dfe6ee; padding-top: 0.6em; margin: 1.1em 0 0.1em 0;
  font-size: 1.3em; }
.sdw-app p.sdw-explain { color: #444; margin: 0 0 0.5em 0; }
.sdw-app .sdw-slot { font-weight: 700; font-size: 1.1em; }
.sdw-app .sdw-plan-info { color: #444; margin: 0.2em 0 0.3em 0; }
.sdw-app .sdw-payouts { display: flex; flex-wrap: wrap; gap: 2.5em; margin: 0 0.5em; }
.sdw-app .sdw-payouts table.sdw-table td:first-child { text-align: left; }
.sdw-app table.sdw-table tr.sdw-total td { border-top: 2px solid #9aa7b4; font-weight: 600; }
.sdw-app .sdw-reading { background: #f3f7fb; border-left: 4px solid #1f6fb2; padding: 0.4em 0.8em; margin: 0.4em 0; }
.sdw-app .sdw-form { border-left: 3px solid #dfe6ee; padding-left: 0.6em; margin: 0.2em 0 0.4em 0; }
"""


def plan_library(folder: str | Path = PLANS_DIR) -> dict[str, CompPlan]:
    """Every plan in ``folder`` (``*.yaml``), keyed by file stem, in name order."""
    return {p.stem: CompPlan.from_yaml(p) for p in sorted(Path(folder).glob("*.yaml"))}


def _renamed(exc: ScenarioError, prefix: str = "", names: dict[str, str] | None = None) -> ScenarioError:
    """``exc`` with each issue's path prefixed (``Plan A · commission.tiers[1].rate``) or renamed."""
    issues = [Issue((names or {}).get(i.path, f"{prefix}{i.path}"), i.code, i.params) for i in exc.issues]
    return ScenarioError(issues, exc.source)


class PayLab(SectionedApp):
    """The Pay Plan Lab app: two plan slots, one rep's payout, a simulated team, and the charts between them.

    Args:
        scenario: the team the plans are tried on (15 reps, quarterly quotas; ``scenarios/pay/behaviour_base.yaml``).
        lang: the page's language (``zh-Hant``, ``zh-Hans`` or ``en``).
        plans_dir: where the plan files are (``scenarios/plans``); the scenario's own plan is offered too.
        plan_a, plan_b: the plans chosen at start (file stems, ``"scenario"``, or ``"none"`` for B).
        behaviour: the behaviour preset (``no_gaming``, ``rational``, ``myopic``).
        seed, weeks, replications: the simulation's seed, horizon and replications per plan.
        quota, sales: the single rep's quota and sales for the payout tables (default: the scenario's quota
            per rep and 120 % of it).
        run_now: simulate once at start (otherwise on the first change).
        renderer: ``"widget"`` or ``"output"`` (see :mod:`simlib.ui.figures`).

    Attributes:
        library: ``{key: CompPlan}`` the dropdowns offer. plans: ``{"A" | "B": CompPlan}`` now in use.
        payouts: ``{slot: Payout}`` of the single rep. comparison: the last :class:`PlanComparison`.
        choice, edit, forms: per slot, the plan dropdown, the "edit" checkbox and the :class:`PlanForm`.
        last_run_seconds: how long the last simulation took.
    """

    KEY = "pay_lab"
    EXTRA_CSS = EXTRA_CSS
    UNEXPECTED_KEY = "pay_lab.error.unexpected"

    def __init__(self, scenario: Scenario | dict | str | Path | None = None, lang: str = "zh-Hant", *,
                 plans_dir: str | Path = PLANS_DIR, plan_a: str = "linear", plan_b: str = "s1_tiered_2_3_4",
                 behaviour: str = "rational", seed: int = 3, weeks: int = 26, replications: int = 2,
                 quota: float | None = None, sales: float | None = None, run_now: bool = True,
                 renderer: Renderer = DEFAULT_RENDERER):
        self.base = load_scenario(scenario if scenario is not None else DEFAULT_SCENARIO)
        super().__init__(lang)
        self.library: dict[str, CompPlan] = {}
        if self.base.incentives is not None:
            self.library[SCENARIO_PLAN] = self.base.incentives
        self.library.update(plan_library(plans_dir))
        self.quota_quarter = self._scenario_quota()
        self.plans: dict[str, CompPlan] = {}
        self.payouts: dict[str, Payout] = {}
        self.comparison: PlanComparison | None = None
        self.last_run_seconds: float | None = None
        self._run_names: dict[str, tuple[str, bool]] = {}
        self._run_plans: dict[str, CompPlan] = {}
        self._edited = {slot: False for slot in SLOTS}
        self.figures = {name: make_view(name, renderer) for name in FIGURES}
        self._finish_page(
            self._build_plans(plan_a, plan_b),
            self._build_rep(quota if quota is not None else self.quota_quarter,
                            sales if sales is not None else round(1.2 * self.quota_quarter, -3)),
            self._build_sim(behaviour, seed, weeks, replications),
            self._build_export(4),
        )
        self._ready = True
        self.update_plans()
        self.update_payout()
        if run_now:
            self.run()

    def _scenario_quota(self) -> float:
        """The scenario's quota per rep per quarter (its plan period scaled to a quarter)."""
        q = self.base.quotas.per_rep if self.base.quotas is not None and self.base.quotas.per_rep else None
        if q is None:
            own = [r.quota for r in self.base.team.reps if r.quota is not None]
            q = sum(own) / len(own) if own else 100_000.0
        period = self.base.incentives.period if self.base.incentives is not None else "quarter"
        return float(q) / PERIOD_QUARTERS[period]

    # -- small builders --------------------------------------------------------------------------------
    def _options(self, slot: str, lang: str) -> list[tuple[str, str]]:
        opts = [(self._plan_title(key, lang), key) for key in self.library]
        return opts + [(t("pay_lab.plan.none", lang), NONE)] if slot == "B" else opts

    def _plan_title(self, key: str, lang: str) -> str:
        text = t(f"pay_lab.plan.{key}", lang)
        return text if text != f"pay_lab.plan.{key}" else (self.library[key].name or key)

    def plan_name(self, slot: str, lang: str | None = None, key: str | None = None,
                  edited: bool | None = None) -> str:
        """What the page calls the plan in ``slot``: ``A: Linear 3 %`` (``(edited)`` when the form changed it)."""
        lang = lang or self.lang
        key = key if key is not None else self.choice[slot].value
        edited = self._edited[slot] if edited is None else edited
        name = t("pay_lab.plan.slot_name", lang, slot=slot, plan=self._plan_title(key, lang))
        return t("pay_lab.plan.edited", lang, name=name) if edited else name

    # -- 1. plans ----------------------------------------------------------------------------------------
    def _build_plans(self, plan_a: str, plan_b: str) -> W.Widget:
        self.choice: dict[str, W.Dropdown] = {}
        self.edit: dict[str, W.Checkbox] = {}
        self.forms: dict[str, PlanForm] = {}
        self.plan_info: dict[str, W.HTML] = {}
        self.form_box: dict[str, W.VBox] = {}
        cards = []
        for slot, start in zip(SLOTS, (plan_a, plan_b), strict=True):
            if start not in self.library and not (slot == "B" and start == NONE):
                raise ScenarioError([Issue(f"plan_{slot.lower()}", "choice",
                                           {"expected": ", ".join(self.library), "input": repr(start)})])
            head = self._text("pay_lab.slot." + slot.lower(), "div", "sdw-slot")
            choice = W.Dropdown(options=self._options(slot, self.lang), value=start,
                                layout=W.Layout(width="100%"), style={"description_width": "initial"})
            choice.add_class(f"sdw-plan-{slot.lower()}")
            self._label(choice, "pay_lab.form.plan")
            self._on(choice, lambda slot=slot: self._on_choice(slot))
            self.choice[slot] = choice
            info = W.HTML()
            info.add_class("sdw-plan-info")
            self.plan_info[slot] = info
            form = PlanForm(lambda slot=slot: self._on_form(slot), self._label)
            self.forms[slot] = form
            reset = W.Button(icon="undo", layout=W.Layout(width="auto"))
            reset.add_class(f"sdw-reset-{slot.lower()}")
            self._label(reset, "pay_lab.form.reset")
            reset.on_click(lambda b, slot=slot: self._on_reset(slot))
            box = W.VBox([*form.widgets.values(), reset], layout=W.Layout(display="none"))
            box.add_class("sdw-form")
            self.form_box[slot] = box
            edit = W.Checkbox(value=False, indent=False)
            edit.add_class(f"sdw-edit-{slot.lower()}")
            self._label(edit, "pay_lab.form.edit")
            edit.observe(lambda change, slot=slot: self._show_form(slot, change["new"]), names="value")
            self.edit[slot] = edit
            if start != NONE:
                form.fill(self.library[start])
            cards.append(card(head, choice, info, edit, box))

        def relabel(lang: str) -> None:
            with self._mute():
                for slot in SLOTS:
                    current = self.choice[slot].value
                    self.choice[slot].options = self._options(slot, lang)
                    self.choice[slot].value = current
                    self.forms[slot].relabel_modes(lang)
        self._relabel(relabel)
        return W.VBox([self._section(1, "plans"), row(*cards)])

    def _show_form(self, slot: str, show: bool) -> None:
        self.form_box[slot].layout.display = "" if show and self.choice[slot].value != NONE else "none"

    def _on_choice(self, slot: str) -> None:
        key = self.choice[slot].value
        self._edited[slot] = False
        if key != NONE:
            self.forms[slot].fill(self.library[key])
        self._show_form(slot, self.edit[slot].value)
        self._plans_changed()

    def _on_form(self, slot: str) -> None:
        if self._ready and not self._muted:
            self._edited[slot] = True
            self._plans_changed()

    def _on_reset(self, slot: str) -> None:
        key = self.choice[slot].value
        if key != NONE:
            self.forms[slot].fill(self.library[key])
        self._edited[slot] = False
        self._plans_changed()

    def current_plans(self) -> dict[str, CompPlan]:
        """The plans the slots hold now (a slot's form when edited, else its file), validated."""
        out = {}
        for slot in SLOTS:
            key = self.choice[slot].value
            if key == NONE:
                continue
            base = self.library[key]
            if not self._edited[slot]:
                out[slot] = base
                continue
            try:
                out[slot] = self.forms[slot].plan(base)
            except ScenarioError as exc:
                raise _renamed(exc, prefix=f"{t(f'pay_lab.slot.{slot.lower()}', self.lang)} · ") from None
        return out

    def _plans_changed(self) -> None:
        self.update_plans()
        if self._errors.get("plans") is None:
            self.update_payout()
            self.run()

    @guarded("plans")
    def update_plans(self) -> None:
        """Validate the slots; on success they become :attr:`plans` (the last valid plans stay otherwise)."""
        self.plans = self.current_plans()
        self._render_plan_info()

    def _render_plan_info(self) -> None:
        lang = self.lang
        for slot in SLOTS:
            plan = self.plans.get(slot)
            if plan is None:
                self.plan_info[slot].value = ""
                continue
            parts = [t(f"pay_lab.period.{plan.period}", lang),
                     t("pay_lab.info.base", lang, base=money(plan.base_pay, lang))]
            if plan.commission:
                rates = " → ".join(f"{tr.rate:.1%}".replace(".0%", "%") for tr in plan.commission.tiers)
                parts.append(t(f"pay_lab.info.{plan.commission.mode}", lang, rates=rates))
            if plan.bonus:
                parts.append(t("pay_lab.info.bonus", lang, target=money(plan.bonus.target, lang)))
            if plan.cap and plan.cap.attainment is not None:
                parts.append(t("pay_lab.info.cap", lang, cap=percent(plan.cap.attainment, digits=0)))
            if plan.gates and (plan.gates.min_margin is not None or plan.gates.max_discount is not None):
                parts.append(t("pay_lab.info.gates", lang))
            self.plan_info[slot].value = f'<div data-slot="{slot}">{esc(" · ".join(parts))}</div>'

    # -- 2. one rep's pay ----------------------------------------------------------------------------------
    def _build_rep(self, quota: float, sales: float) -> W.Widget:
        style, wide = {"description_width": "initial"}, W.Layout(width="100%")
        self.quota = W.FloatText(value=float(quota), style=style, layout=wide)
        self.quota.add_class("sdw-quota")
        self._label(self.quota, "pay_lab.rep.quota")
        self.sales = W.FloatText(value=float(sales), style=style, layout=wide)
        self.sales.add_class("sdw-sales")
        self._label(self.sales, "pay_lab.rep.sales")
        for w in (self.quota, self.sales):
            self._on(w, self.update_payout)
        self.payout_view = W.HTML()
        self.payout_view.add_class("sdw-payout")
        return W.VBox([self._section(2, "rep"),
                       row(card(self.quota, self.sales, self._text("pay_lab.rep.hint", "p", "sdw-muted"), basis="300px"),
                           card(self.figures["curve"].widget, basis="640px")),
                       self.payout_view])

    def _rep_inputs(self) -> tuple[float, float]:
        names = {"quota": t("pay_lab.rep.quota", self.lang), "sales": t("pay_lab.rep.sales", self.lang)}
        quota, sales = float(self.quota.value), float(self.sales.value)
        issues = [Issue(names[k], "greater_than" if k == "quota" else "greater_than_equal", {"limit": 0, "input": v})
                  for k, v in (("quota", quota), ("sales", sales)) if (v <= 0 if k == "quota" else v < 0)]
        if issues:
            raise ScenarioError(issues)
        return quota, sales

    @guarded("payout")
    def update_payout(self) -> None:
        """The single rep's payout under each plan, line by line, and the pay curves with the rep on them."""
        lang = self.lang
        quota, sales = self._rep_inputs()
        self.payouts = {slot: plan.payout(sales=sales, quota=quota) for slot, plan in self.plans.items()}
        blocks = []
        for slot, p in self.payouts.items():
            period = t(f"pay_lab.period.{self.plans[slot].period}", lang)
            table = p.table(lang)
            total = ' class="sdw-total"'
            body = "".join(
                f'<tr{total if i == len(table) - 1 else ""}><td>{esc(r.item)}</td>'
                f'<td data-amount="{r.amount:.2f}">{r.amount:,.2f}</td></tr>'
                for i, r in enumerate(table.itertuples()))
            head = (f'<tr><th>{esc(t("pay_lab.rep.item", lang))}</th>'
                    f'<th>{esc(t("pay_lab.rep.amount", lang))}</th></tr>')
            blocks.append(
                f'<div data-slot="{slot}"><div class="sdw-slot">{esc(self.plan_name(slot))}</div>'
                f'<div class="sdw-muted">{esc(t("pay_lab.rep.attainment", lang, attainment=percent(p.attainment, digits=1, fixed=True), period=period))}'
                f'</div><table class="sdw-table sdw-payout-table" data-slot="{slot}">{head}{body}</table></div>')
        self.payout_view.value = f'<div class="sdw-payouts">{"".join(blocks)}</div>'
        names = {slot: self.plan_name(slot) for slot in self.plans}
        self.figures["curve"].show(VP.pay_curve_figure(self.plans, quota, lang, sales=sales, names=names))

    # -- 3. the simulated team -------------------------------------------------------------------------------
    def _build_sim(self, behaviour: str, seed: int, weeks: int, replications: int) -> W.Widget:
        style, wide = {"description_width": "initial"}, W.Layout(width="100%")
        self.behaviour = W.Dropdown(options=[(t(f"pay_lab.behaviour.{p}", self.lang), p) for p in PRESETS],
                                    value=behaviour, style=style, layout=wide)
        self.behaviour.add_class("sdw-behaviour")
        self._label(self.behaviour, "pay_lab.sim.behaviour")
        self.behaviour_note = W.HTML()
        self.quota_sim = W.FloatText(value=self.quota_quarter, style=style, layout=wide)
        self.quota_sim.add_class("sdw-quota-sim")
        self._label(self.quota_sim, "pay_lab.sim.quota")
        self.weeks = W.IntSlider(value=weeks, min=13, max=52, step=13, continuous_update=False, style=style,
                                 layout=wide)
        self._label(self.weeks, "pay_lab.sim.weeks")
        self.replications = W.IntSlider(value=replications, min=1, max=20, continuous_update=False, style=style,
                                        layout=wide)
        self._label(self.replications, "pay_lab.sim.replications")
        self.seed = W.BoundedIntText(value=seed, min=0, max=999_999, style=style, layout=wide)
        self._label(self.seed, "pay_lab.sim.seed")
        for w in (self.behaviour, self.quota_sim, self.weeks, self.replications, self.seed):
            w.add_class("sdw-sim-control")
            self._on(w, self.run)
        self.progress = W.IntProgress(value=0, min=0, max=1, layout=W.Layout(width="100%", visibility="hidden"))
        self.progress.add_class("sdw-progress")
        self.status = W.HTML()
        self.status.add_class("sdw-status")
        self.summary_view = W.HTML()
        self.summary_view.add_class("sdw-summary")

        def relabel(lang: str) -> None:
            with self._mute():
                current = self.behaviour.value
                self.behaviour.options = [(t(f"pay_lab.behaviour.{p}", lang), p) for p in PRESETS]
                self.behaviour.value = current
            self._render_behaviour_note()
        self._relabel(relabel)
        self._on(self.behaviour, self._render_behaviour_note)
        controls = card(self.behaviour, self.behaviour_note, self.quota_sim, self.weeks, self.replications,
                        self.seed, self.progress, self.status, basis="360px")
        return W.VBox([self._section(3, "sim"),
                       row(controls, card(self.summary_view, basis="520px")),
                       row(card(self.figures["cost"].widget), card(self.figures["closes"].widget)),
                       row(card(self.figures["attainment"].widget))])

    def _render_behaviour_note(self) -> None:
        self.behaviour_note.value = (f'<div class="sdw-muted">'
                                     f'{esc(t(f"pay_lab.behaviour_explain.{self.behaviour.value}", self.lang))}</div>')

    def scenarios(self) -> dict[str, Scenario]:
        """The team under each plan now in use: the scenario with the plan and the quota per rep, scaled from a
        quarter to the plan's period (``with_plan``); behaviour and horizon are set by :meth:`run`."""
        q = parse_number(self.quota_sim.value, "quota")
        if not q > 0:
            raise ScenarioError([Issue(t("pay_lab.sim.quota", self.lang), "greater_than", {"limit": 0, "input": q})])
        return {slot: with_plan(self.base, plan, quotas={"per_rep": q * PERIOD_QUARTERS[plan.period]})
                for slot, plan in self.plans.items()}

    @guarded("run")
    def run(self) -> None:
        """Simulate the team under each plan (same seeds: same world) and redraw the results."""
        if not self.plans:
            return
        scenarios = self.scenarios()
        reps, weeks = int(self.replications.value), int(self.weeks.value)
        total = reps * len(scenarios)
        self.progress.max, self.progress.value = total, 0
        self.progress.layout.visibility = "visible"

        def progress(done: int, n: int) -> None:
            self.progress.value = done
            self.status.value = f'<span class="sdw-muted">{esc(t("pay_lab.sim.running", self.lang, done=done, total=n))}</span>'
        start = time.perf_counter()
        try:
            cmp = compare_plans(self.base, scenarios, seed=int(self.seed.value), replications=reps,
                                behaviour=self.behaviour.value, progress=progress, horizon_weeks=weeks)
        finally:
            self.progress.layout.visibility = "hidden"
            self.status.value = ""
        self.last_run_seconds = time.perf_counter() - start
        self.comparison = cmp
        self._run_names = {slot: (self.choice[slot].value, self._edited[slot]) for slot in scenarios}
        self._run_plans = dict(self.plans)
        self._render_results()

    def run_names(self, lang: str | None = None) -> dict[str, str]:
        """``{slot: name}`` of the plans the shown results were simulated with."""
        return {slot: self.plan_name(slot, lang, key, edited) for slot, (key, edited) in self._run_names.items()}

    def _render_results(self) -> None:
        cmp, lang = self.comparison, self.lang
        if cmp is None:
            return
        names = self.run_names()
        s = cmp.summary
        fmt = {"pct": lambda v: percent(v, digits=1, fixed=True), "pct2": lambda v: percent(v, digits=2, fixed=True),
               "money": lambda v: money(v, lang), "count": lambda v: number(v, digits=1, fixed=True)}
        head = "".join(f'<th data-plan="{slot}">{esc(names[slot])}</th>' for slot in s.index)
        body = "".join(
            f'<tr data-metric="{m}"><th>{esc(t(f"pay_lab.metric.{m}", lang))}</th>'
            + "".join(f'<td data-plan="{slot}">{fmt[kind](float(s.loc[slot, m]))}</td>' for slot in s.index)
            + "</tr>" for m, kind in METRICS)
        even = 2 / max(int(cmp.closes.week_in_period.max()), 1) if len(cmp.closes) else 2 / 13
        reading = "".join(
            f'<div data-slot="{slot}">' + esc(t("pay_lab.reading", lang, name=names[slot],
                                                   cost=percent(s.loc[slot, "pay_cost_ratio"], digits=1, fixed=True),
                                                   late=percent(s.loc[slot, "period_end_share"], digits=0),
                                                   discounted=percent(s.loc[slot, "discounted_share"], digits=0),
                                                   reached=percent(s.loc[slot, "quota_reached_share"], digits=0)))
            + "</div>" for slot in s.index)
        reps = int(cmp.runs.replication.max())
        note = t("pay_lab.summary.note", lang, even=percent(even, digits=0), replications=reps,
                 weeks=int(self.weeks.value), seconds=f"{self.last_run_seconds or 0:.1f}")
        self.summary_view.value = (
            f'<h4>{esc(t("pay_lab.summary.title", lang))}</h4>'
            f'<table class="sdw-table sdw-summary-table"><tr><th></th>{head}</tr>{body}</table>'
            f'<div class="sdw-reading">{reading}</div><div class="sdw-muted">{esc(note)}</div>')
        self.figures["cost"].show(VP.cost_figure(s, lang, names, runs=cmp.runs))
        self.figures["closes"].show(VP.closes_figure(cmp.closes, lang, names))
        self.figures["attainment"].show(VP.attainment_figure(cmp.pay, lang, names))
        self._withdraw_downloads()

    # -- 4. exports ------------------------------------------------------------------------------------------
    def export_tables(self) -> dict[str, pd.DataFrame]:
        """The tables the downloads hold: ``summary`` (one row per plan), ``runs`` (per replication), ``pay``
        (per plan, replication, rep and period) and ``closes`` (wins by week of the period)."""
        cmp = self.comparison
        if cmp is None:
            raise ScenarioError([Issue(t("pay_lab.export.title", self.lang), "generic",
                                       {"detail": t("pay_lab.export.no_run", self.lang)})])
        names = self.run_names()
        summary = cmp.summary.rename_axis("plan").reset_index()
        summary.insert(1, "name", summary.plan.map(names))
        pay = cmp.pay.copy()
        pay.insert(1, "name", pay.plan.map(names))
        return {"summary": summary, "runs": cmp.runs, "pay": pay, "closes": cmp.closes}

    @guarded("export")
    def prepare_downloads(self) -> None:
        """Links: the summary and the pay table as CSV, every table as one Excel workbook, each plan as YAML."""
        lang = self.lang
        links = self._table_links(f"pay_lab_seed{int(self.seed.value)}", self.export_tables(),
                                  {"summary": "summary", "pay": "pay"})
        names = self.run_names()
        for slot, plan in self._run_plans.items():
            text = yaml.safe_dump(plan.to_dict(), allow_unicode=True, sort_keys=False)
            links.append(data_link(t("pay_lab.export.plan_yaml", lang, name=names[slot]),
                                   f"pay_lab_plan_{slot}.yaml", "application/x-yaml", text, f"plan_{slot.lower()}"))
        self.downloads.value = " ".join(links)

    # -- language ----------------------------------------------------------------------------------------------
    def _on_language(self) -> None:
        if not self._ready:
            return
        if self._errors.get("plans") is not None:
            self.update_plans()        # the message names the plan in the new language
        else:
            self._render_plan_info()
        self.update_payout()
        if isinstance(self._errors.get("run"), ScenarioError):
            self._check_sim()
        self._render_results()

    @guarded("run")
    def _check_sim(self) -> None:
        """Validate the simulation's inputs again (a message then names them in the page's language)."""
        self.scenarios()
