"""Customer Lab (客戶經營): an account base tiered A/B/C, the trainee's service policy — how the team's visit
hours are spread, dedicated managers, how fast complaints are answered — and a simulated year of it beside
the scenario's own policy on the same seeds: renewal by tier, profit kept, NPS, CSAT, referrals and
complaints past their SLA (COURSE.md §6).

In a notebook served by Voilà::

    from simlib.ui.customer_lab import CustomerLab
    CustomerLab.from_query().show()

Without a browser the same object is driven through its widgets. The page holds only widgets: every number
comes from :func:`simlib.models.accounts.replicate_policy` (the replications of
:func:`simlib.models.accounts.replicate_accounts`), the plan table from :func:`simlib.models.accounts.planned_visits`::

    >>> lab = CustomerLab(lang="en", replications=1)
    >>> lab.visit_plan.value = "focus"                        # S3: 80 % of the hours on A
    >>> bool(lab.means.loc["yours", "renewal_rate_A"] > lab.means.loc["base", "renewal_rate_A"])
    True
    >>> lab.shares["A"].value = 0.3                           # 0.3 + 0.3 + 0.5
    >>> print(lab.error_text())
    Share of accounts per tier (0–1) (tiers): the shares of 'A/B/C' add up to 1.1, not 1 (100 %).

Both columns run on the same seeds (common random numbers: the same accounts, orders, complaints and
luck), so they differ only by the trainee's changes. No input shows a traceback (:class:`~simlib.ui.base.AppBase`).
"""
from __future__ import annotations

import copy
import math
import time
from pathlib import Path
from typing import Any

import ipywidgets as W
import numpy as np
import pandas as pd

from simlib.base.fmt import money, number, percent
from simlib.base.i18n import catalog, t
from simlib.base.paths import content_root
from simlib.base.schema import Issue, ScenarioError, read_source
from simlib.formulas.customers import abc_tiers
from simlib.formulas.customers import localise as localise_customers
from simlib.models.accounts import (
    TIERS,
    AccountsSpec,
    PolicyRun,
    load_accounts,
    planned_visits,
    replicate_policy,
)
from simlib.models.accounts import localise as localise_accounts
from simlib.ui.base import SectionedApp, card, csv_link, esc, guarded, row
from simlib.ui.figures import DEFAULT_RENDERER, Renderer, make_view
from simlib.viz import customers as VC

# PolicyRun and planned_visits are the model's (simlib.models.accounts), named here for the page's callers
__all__ = ["ACCOUNT_COLUMNS", "MONTHS", "SCENARIO_DIR", "CustomerLab", "PolicyRun", "planned_visits",
           "scenario_library"]

ROOT = content_root()
SCENARIO_DIR = ROOT / "scenarios" / "customers"
MONTHS = 12
LABELS = ("base", "yours")
PLANS = ("norm", "equal", "focus")
MAX_REPLICATIONS = 20
FIGURES = ("pareto", "renewal", "complaints")
#: the columns of the exported accounts table (one row per account and policy)
ACCOUNT_COLUMNS = ("policy", "account", "source", "referred_by", "tier", "book_profit", "joined", "status", "managed",
                   "months_active", "visits", "orders", "run_revenue", "run_profit", "complaints", "sla_breaches",
                   "renewed", "churned", "won_back", "referrals", "end_satisfaction", "last_nps")
#: the summary table's rows and how each is shown
METRICS = (("renewal_rate", "pct"), ("renewal_rate_A", "pct"), ("renewal_rate_B", "pct"), ("renewal_rate_C", "pct"),
           ("revenue", "money"), ("profit", "money"), ("profit_kept", "pct"), ("nps", "nps"), ("csat", "pct"),
           ("referrals", "count"), ("new_sales_referral_share", "pct"), ("complaints", "count"),
           ("sla_breach_rate", "pct"))

EXTRA_CSS = """
.sdw-app h3.sdw-section { border-top: 2px solid #dfe6ee; padding-top: 0.6em; margin: 1.1em 0 0.1em 0;
  font-size: 1.3em; }
.sdw-app p.sdw-explain { color: #444; margin: 0 0 0.5em 0; max-width: 70em; }
.sdw-app .sdw-field { font-weight: 600; margin: 0.5em 0 0.1em 0; }
.sdw-app .sdw-scenario-info { color: #333; margin: 0.3em 0; max-width: 50em; }
.sdw-app .sdw-reading { background: #f3f7fb; border-left: 4px solid #1f6fb2; padding: 0.4em 0.8em; margin: 0.4em 0; }
.sdw-app table.sdw-table td.sdw-diff { font-weight: 600; }
.sdw-app table.sdw-table td.sdw-text { text-align: left; }
.sdw-app .sdw-describe { color: #444; margin: 0.15em 0; font-size: 0.95em; }
"""


def scenario_library(folder: str | Path = SCENARIO_DIR) -> dict[str, Path]:
    """The account bases the lab offers: ``{file stem: path}`` of ``folder/*.yaml``, tiering first."""
    paths = {p.stem: p for p in sorted(Path(folder).glob("*.yaml"))}
    first = [k for k in ("tiering", "customer_success") if k in paths]
    return {k: paths[k] for k in [*first, *(k for k in paths if k not in first)]}


def _signed(v: float, fmt) -> str:
    if v is None or not math.isfinite(v):
        return "—"
    return ("+" if v >= 0 else "−") + fmt(abs(v))


class CustomerLab(SectionedApp):
    """The Customer Lab app (see the module's docstring).

    Args:
        scenario: the account base at start: a file stem of ``scenarios/customers`` (``"tiering"``,
            ``"customer_success"``).
        lang: the page's language (``zh-Hant``, ``zh-Hans`` or ``en``).
        policy: the policy "your" column starts from: a name of the scenario's ``policies`` (``None``:
            the scenario's own ``policy``, so both columns start the same).
        seed, replications: the runs' seed and replications (1–20) per policy.
        run_now: simulate once at start (otherwise on the first change).
        renderer: ``"widget"`` or ``"output"`` (see :mod:`simlib.ui.figures`).

    Attributes:
        library: ``{stem: path}`` of the account bases. stem: the one in use. base_spec: its spec (the
        scenario's own policy); spec: the trainee's spec (the last valid one; its ``policy`` is theirs).
        runs: ``{"base" | "yours": PolicyRun}`` shown; means: their summary means (rows base, yours).
        shares, focus: ``{tier: FloatText}``; managers: ``{tier: Checkbox}``; visit_plan, hours, on_time,
        preset, choice, replications, seed: the other inputs. last_run_seconds: the last run's duration.
    """

    KEY = "customer_lab"
    EXTRA_CSS = EXTRA_CSS
    UNEXPECTED_KEY = "customer_lab.error.unexpected"

    def __init__(self, scenario: str = "tiering", lang: str = "zh-Hant", *, policy: str | None = None,
                 seed: int = 0, replications: int = 3, run_now: bool = True,
                 renderer: Renderer = DEFAULT_RENDERER):
        self.library = scenario_library()
        if scenario not in self.library:
            raise ScenarioError([Issue("scenario", "choice", {"expected": ", ".join(self.library),
                                                              "input": repr(scenario)})])
        self._data: dict[str, dict] = {}
        self._specs: dict[str, AccountsSpec] = {}
        self.stem = scenario
        self._load(scenario)
        super().__init__(lang)
        self.spec: AccountsSpec = self.base_spec
        self.runs: dict[str, PolicyRun] = {}
        self.means: pd.DataFrame | None = None
        self.last_run_seconds: float | None = None
        self._base_cache: dict[tuple, PolicyRun] = {}
        self._run_specs: dict[str, AccountsSpec] = {}
        self._run_info: dict[str, Any] = {}
        self._manager_visits = self.base_spec.policy.manager_visits
        self._run_now = run_now
        self.figures = {name: make_view(name, renderer) for name in FIGURES}
        self._finish_page(self._build_base(), self._build_policy(), self._build_sim(seed, replications),
                          self._build_export(4))
        self._fill_from_scenario()
        if policy is not None:
            if policy not in self.base_spec.policies:
                raise ScenarioError([Issue("policy", "accounts_unknown_policy",
                                           {"name": policy, "valid": ", ".join(["default", *self.base_spec.policies])})])
            with self._mute():
                self.preset.value = policy
            self._fill_policy(self.base_spec.policies[policy])
        self._ready = True
        self.update_inputs()
        self._render_scenario()
        if run_now:
            self.run()

    # -- scenarios ---------------------------------------------------------------------------------------
    def _load(self, stem: str) -> None:
        if stem not in self._specs:
            data, _ = read_source(self.library[stem])
            self._data[stem] = data or {}
            self._specs[stem] = load_accounts(self._data[stem])

    @property
    def base_spec(self) -> AccountsSpec:
        """The scenario in use as its file has it (its own ``policy``)."""
        return self._specs[self.stem]

    def _scenario_title(self, stem: str, lang: str) -> str:
        text = t(f"customer_lab.scenario.{stem}", lang)
        if text != f"customer_lab.scenario.{stem}":
            return text
        return self._specs[stem].name if stem in self._specs else stem

    def _preset_options(self, lang: str) -> list[tuple[str, str]]:
        out = [(t("customer_lab.preset.default", lang), "default")]
        for name in self.base_spec.policies:
            text = t(f"customer_lab.preset.{name}", lang)
            out.append((text if text != f"customer_lab.preset.{name}" else name, name))
        return out

    # -- 1. the account base ------------------------------------------------------------------------------
    def _build_base(self) -> W.Widget:
        style = {"description_width": "initial"}
        self.choice = W.Dropdown(options=[(self._scenario_title(k, self.lang), k) for k in self.library],
                                 value=self.stem, style=style, layout=W.Layout(width="100%"))
        self.choice.add_class("sdw-scenario")
        self._label(self.choice, "customer_lab.base.scenario")
        self._on(self.choice, self.choose_scenario)
        self.scenario_info = W.HTML()
        self.scenario_info.add_class("sdw-scenario-info")
        self.shares = {}
        for k in TIERS:
            w = W.FloatText(step=0.05, description=k, style={"description_width": "1.5em"},
                            layout=W.Layout(width="9em"))
            w.add_class(f"sdw-share-{k.lower()}")
            self._on(w, self._changed)
            self.shares[k] = w
        self.book_line = W.HTML()
        self.book_line.add_class("sdw-book-line")

        def relabel(lang: str) -> None:
            with self._mute():
                self.choice.options = [(self._scenario_title(k, lang), k) for k in self.library]
                self.choice.value = self.stem
        self._relabel(relabel)
        controls = card(self.choice, self.scenario_info, self._text("customer_lab.base.shares", "div", "sdw-field"),
                        W.HBox(list(self.shares.values())), basis="360px")
        return W.VBox([self._section(1, "base"),
                       row(controls, card(self.figures["pareto"].widget, self.book_line, basis="560px"))])

    @guarded("scenario")
    def choose_scenario(self) -> None:
        """Use the account base picked in the dropdown: every input back to its values, and run."""
        self.stem = self.choice.value
        self._load(self.stem)
        self._fill_from_scenario()
        self._render_scenario()
        self._changed()

    def _render_scenario(self) -> None:
        key = f"customer_lab.scenario_explain.{self.stem}"
        text = t(key, self.lang)
        self.scenario_info.value = f"<div>{esc(text if text != key else self.base_spec.description)}</div>"

    def _fill_from_scenario(self) -> None:
        """Every input as the scenario has it (its own policy)."""
        sp = self.base_spec
        with self._mute():
            for k in TIERS:
                self.shares[k].value = float(sp.tiers.of(k).share)
            self.hours.value = float(sp.team.hours_per_month)
            self.on_time.value = float(sp.complaints.on_time)
            self.preset.options = self._preset_options(self.lang)
            self.preset.value = "default"
        self._fill_policy(sp.policy)

    def _fill_policy(self, pol) -> None:
        with self._mute():
            self.visit_plan.value = pol.visit_plan
            for k in TIERS:
                self.focus[k].value = float(getattr(pol.focus, k))
                self.managers[k].value = k in pol.dedicated_managers
        self._manager_visits = pol.manager_visits
        self._show_focus()

    # -- 2. the policy ------------------------------------------------------------------------------------
    def _build_policy(self) -> W.Widget:
        style, wide = {"description_width": "initial"}, W.Layout(width="100%")
        self.preset = W.Dropdown(options=[("", "default")], value="default", style=style, layout=wide)
        self.preset.add_class("sdw-preset")
        self._label(self.preset, "customer_lab.policy.preset")
        self._on(self.preset, self.load_preset)
        self.visit_plan = W.Dropdown(options=[(t(f"accounts.plan.{p}", self.lang), p) for p in PLANS],
                                     value="norm", style=style, layout=wide)
        self.visit_plan.add_class("sdw-visit-plan")
        self._label(self.visit_plan, "customer_lab.policy.visit_plan")
        self._on(self.visit_plan, self._on_plan)
        self.focus = {}
        for k in TIERS:
            w = W.FloatText(step=0.05, description=k, style={"description_width": "1.5em"},
                            layout=W.Layout(width="9em"))
            w.add_class(f"sdw-focus-{k.lower()}")
            self._on(w, self._changed)
            self.focus[k] = w
        self.focus_box = W.VBox([self._text("customer_lab.policy.focus", "div", "sdw-field"),
                                 W.HBox(list(self.focus.values()))])
        self.hours = W.FloatText(step=50, style=style, layout=wide)
        self.hours.add_class("sdw-hours")
        self._label(self.hours, "customer_lab.policy.hours")
        self._on(self.hours, self._changed)
        self.managers = {}
        for k in TIERS:
            w = W.Checkbox(value=False, description=k, indent=False, layout=W.Layout(width="5em"))
            w.add_class(f"sdw-manager-{k.lower()}")
            self._on(w, self._changed)
            self.managers[k] = w
        self.on_time = W.FloatText(step=0.05, style=style, layout=wide)
        self.on_time.add_class("sdw-on-time")
        self._label(self.on_time, "customer_lab.policy.on_time")
        self._on(self.on_time, self._changed)
        self.reset_button = W.Button(icon="undo", layout=W.Layout(width="auto"))
        self.reset_button.add_class("sdw-reset")
        self._label(self.reset_button, "customer_lab.policy.reset")
        self.reset_button.on_click(lambda b: self.reset())
        self.plan_view = W.HTML()
        self.plan_view.add_class("sdw-plan")

        def relabel(lang: str) -> None:
            with self._mute():
                plan, preset = self.visit_plan.value, self.preset.value
                self.visit_plan.options = [(t(f"accounts.plan.{p}", lang), p) for p in PLANS]
                self.visit_plan.value = plan
                self.preset.options = self._preset_options(lang)
                self.preset.value = preset
        self._relabel(relabel)
        controls = card(self.preset, self.visit_plan, self.focus_box, self.hours,
                        self._text("customer_lab.policy.managers", "div", "sdw-field"),
                        W.HBox(list(self.managers.values())), self.on_time, W.HBox([self.reset_button]),
                        basis="360px")
        return W.VBox([self._section(2, "policy"), row(controls, card(self.plan_view, basis="560px"))])

    def _show_focus(self) -> None:
        self.focus_box.layout.display = "" if self.visit_plan.value == "focus" else "none"

    def _on_plan(self) -> None:
        self._show_focus()
        self._changed()

    @guarded("preset")
    def load_preset(self) -> None:
        """Fill the policy's inputs from the scenario's policy named in "start from", and run."""
        name = self.preset.value
        self._fill_policy(self.base_spec.policy if name == "default" else self.base_spec.policies[name])
        self._changed()

    @guarded("preset")
    def reset(self) -> None:
        """Every input back to the scenario's values, and run."""
        self._fill_from_scenario()
        self._changed()

    def policy_dict(self) -> dict[str, Any]:
        """The trainee's policy as the inputs hold it (focus shares only with the focus plan)."""
        pol: dict[str, Any] = {"visit_plan": self.visit_plan.value,
                               "dedicated_managers": [k for k in TIERS if self.managers[k].value],
                               "manager_visits": self._manager_visits}
        if self.visit_plan.value == "focus":
            pol["focus"] = {k: float(self.focus[k].value) for k in TIERS}
        return pol

    def spec_data(self) -> dict[str, Any]:
        """The scenario's data with the trainee's tier shares, visit hours, on-time rate and policy."""
        data = copy.deepcopy(self._data[self.stem])
        tiers = dict(data.get("tiers") or {})
        for k in TIERS:
            tiers[k] = {**(tiers.get(k) or {}), "share": float(self.shares[k].value)}
        data["tiers"] = tiers
        data["team"] = {**(data.get("team") or {}), "hours_per_month": float(self.hours.value)}
        data["complaints"] = {**(data.get("complaints") or {}), "on_time": float(self.on_time.value)}
        data["policy"] = self.policy_dict()
        return data

    def _field_names(self) -> dict[str, str]:
        lang = self.lang
        shares, focus = t("customer_lab.base.shares", lang), t("customer_lab.policy.focus", lang)
        names = {"tiers": shares, "policy.focus": focus, "team.hours_per_month": self.hours.description,
                 "complaints.on_time": self.on_time.description,
                 "policy.dedicated_managers": t("customer_lab.policy.managers", lang)}
        for k in TIERS:
            names[f"tiers.{k}.share"] = f"{shares} · {k}"
            names[f"policy.focus.{k}"] = f"{focus} · {k}"
        return names

    def current_spec(self) -> AccountsSpec:
        """The trainee's spec, validated; a bad input is a :class:`ScenarioError` naming the field as the
        page shows it, with the model's path (``Share of accounts per tier (0–1) (tiers): …``)."""
        try:
            return load_accounts(self.spec_data())
        except ScenarioError as exc:
            names = self._field_names()
            issues = [Issue(f"{names[i.path]} ({i.path})" if i.path in names else i.path, i.code, i.params)
                      for i in exc.issues]
            raise ScenarioError(issues) from None

    def _changed(self) -> None:
        self.update_inputs()
        if self._errors.get("inputs") is None and self._run_now:
            self.run()

    @guarded("inputs")
    def update_inputs(self) -> None:
        """Validate the inputs; on success they become :attr:`spec` (the last valid spec stays otherwise)."""
        self.spec = self.current_spec()
        self._render_plan()

    def _render_plan(self) -> None:
        lang, sp = self.lang, self.spec
        df = planned_visits(sp)
        head = "".join(f"<th>{esc(t(f'customer_lab.plan.{c}', lang))}</th>"
                       for c in ("tier", "accounts", "norm", "planned", "coverage", "by"))
        body = "".join(
            f'<tr data-tier="{r.tier}"><th>{r.tier}</th><td>{number(r.accounts, digits=0)}</td><td>{r.norm:g}</td>'
            f'<td class="sdw-planned">{number(r.planned, digits=2, fixed=True)}</td><td>{percent(r.coverage, digits=0)}</td>'
            f'<td class="sdw-text">{esc(t("customer_lab.plan.manager" if r.managed else "customer_lab.plan.team", lang))}'
            f'</td></tr>' for r in df.itertuples())
        per = sp.team.hours_per_visit
        if df.attrs["need"] > 0:
            cap = t("customer_lab.policy.capacity", lang, hours=number(sp.team.hours_per_month, digits=0),
                    visits=number(df.attrs["visits"], digits=0), per=f"{per:g}", need=number(df.attrs["need"], digits=0),
                    cover=percent(sp.team.hours_per_month / df.attrs["need"], digits=0))
        else:
            cap = t("customer_lab.policy.capacity_none", lang, hours=number(sp.team.hours_per_month, digits=0),
                    visits=number(df.attrs["visits"], digits=0), per=f"{per:g}")
        self.plan_view.value = (
            f'<div class="sdw-reading sdw-capacity">{esc(cap)}</div>'
            f'<table class="sdw-table sdw-plan-table"><tr>{head}</tr>{body}</table>'
            f'<p class="sdw-muted">{esc(t("customer_lab.policy.table_note", lang))}</p>')

    # -- 3. the simulation ----------------------------------------------------------------------------------
    def _build_sim(self, seed: int, replications: int) -> W.Widget:
        style, wide = {"description_width": "initial"}, W.Layout(width="100%")
        self.replications = W.IntSlider(value=replications, min=1, max=MAX_REPLICATIONS, continuous_update=False,
                                        style=style, layout=wide)
        self.replications.add_class("sdw-replications")
        self._label(self.replications, "customer_lab.sim.replications")
        self.seed = W.BoundedIntText(value=seed, min=0, max=999_999, style=style, layout=wide)
        self.seed.add_class("sdw-seed")
        self._label(self.seed, "customer_lab.sim.seed")
        for w in (self.replications, self.seed):
            self._on(w, self._changed)
        self.progress = W.IntProgress(value=0, min=0, max=1, layout=W.Layout(width="100%", visibility="hidden"))
        self.progress.add_class("sdw-progress")
        self.status = W.HTML()
        self.status.add_class("sdw-status")
        self.summary_view = W.HTML()
        self.summary_view.add_class("sdw-summary")
        controls = card(self.replications, self.seed, self.progress, self.status, basis="300px")
        return W.VBox([self._section(3, "sim"),
                       row(controls, card(self.summary_view, basis="620px")),
                       row(card(self.figures["renewal"].widget), card(self.figures["complaints"].widget))])

    @guarded("run")
    def run(self) -> None:
        """Simulate the scenario's policy (cached per seed) and the trainee's on the same seeds; redraw."""
        base, yours = self.base_spec, self.spec
        reps, seed = int(self.replications.value), int(self.seed.value)
        key = (self.stem, seed, reps)
        same = yours.model_dump() == base.model_dump()
        total = reps * ((key not in self._base_cache) + (not same))
        self.progress.max, self.progress.value = max(total, 1), 0
        self.progress.layout.visibility = "visible"

        def progress(done: int, of: int) -> None:          # one policy's runs done so far
            self.progress.value += 1
            self.status.value = (f'<span class="sdw-muted">'
                                 f'{esc(t("customer_lab.sim.running", self.lang, done=self.progress.value, total=total))}'
                                 f'</span>')
        start = time.perf_counter()
        try:
            if key not in self._base_cache:
                if len(self._base_cache) >= 4:
                    self._base_cache.pop(next(iter(self._base_cache)))
                self._base_cache[key] = replicate_policy(base, reps, seed, months=MONTHS, progress=progress)
            runs = {"base": self._base_cache[key]}
            runs["yours"] = runs["base"] if same else replicate_policy(yours, reps, seed, months=MONTHS,
                                                                       progress=progress)
        finally:
            self.progress.layout.visibility = "hidden"
            self.status.value = ""
        self.last_run_seconds = time.perf_counter() - start
        self.runs = runs
        self._run_specs = {"base": base, "yours": yours}
        self._run_info = {"same": same, "replications": reps, "seed": seed, "stem": self.stem}
        self.means = pd.DataFrame({label: r.means() for label, r in runs.items()}).T
        self._render_results()

    def names(self, lang: str | None = None) -> dict[str, str]:
        """What the page calls the two columns."""
        lang = lang or self.lang
        return {label: t(f"customer_lab.name.{label}", lang) for label in LABELS}

    def describe(self, spec: AccountsSpec, lang: str | None = None) -> str:
        """One line about a spec's policy: visit plan, hours, dedicated managers, complaints on time."""
        lang = lang or self.lang
        pol = spec.policy
        plan = t(f"accounts.plan.{pol.visit_plan}", lang)
        if pol.visit_plan == "focus":
            plan += " (" + " / ".join(f"{k} {getattr(pol.focus, k):.0%}" for k in TIERS) + ")"
        managers = ", ".join(pol.dedicated_managers) or t("customer_lab.summary.no_managers", lang)
        return t("customer_lab.summary.describe", lang, plan=plan, hours=number(spec.team.hours_per_month, digits=0),
                 managers=managers, on_time=percent(spec.complaints.on_time, digits=0))

    def _fmt(self, kind: str, v: float) -> str:
        lang = self.lang
        if kind == "pct":
            return percent(v, digits=1, fixed=True)
        if kind == "money":
            return money(v, lang)
        if kind == "nps":
            return _signed(v, lambda x: f"{x:.1f}")
        return number(v, digits=1, fixed=True)

    def _fmt_diff(self, kind: str, d: float) -> str:
        lang = self.lang
        if kind == "pct":
            return _signed(d, lambda x: t("customer_lab.unit.pp", lang, value=f"{x * 100:.1f}"))
        if kind == "money":
            return _signed(d, lambda x: money(x, lang))
        return _signed(d, lambda x: f"{x:,.1f}")

    def _render_results(self) -> None:
        if self.means is None:
            return
        lang, m, names = self.lang, self.means, self.names()
        head = "".join(f'<th data-policy="{label}">{esc(names[label])}</th>' for label in LABELS)
        head += f'<th data-policy="diff">{esc(t("customer_lab.name.diff", lang))}</th>'
        body = []
        for metric, kind in METRICS:
            b, y = float(m.loc["base", metric]), float(m.loc["yours", metric])
            body.append(f'<tr data-metric="{metric}"><th>{esc(t(f"customer_lab.metric.{metric}", lang))}</th>'
                        f'<td data-policy="base">{self._fmt(kind, b)}</td>'
                        f'<td data-policy="yours">{self._fmt(kind, y)}</td>'
                        f'<td data-policy="diff" class="sdw-diff">{self._fmt_diff(kind, y - b)}</td></tr>')
        info = self._run_info
        if info["same"]:
            reading = t("customer_lab.summary.same", lang)
        else:
            d = m.loc["yours"] - m.loc["base"]
            reading = t("customer_lab.summary.reading", lang, renewal=self._fmt_diff("pct", d["renewal_rate"]),
                        renewal_a=self._fmt_diff("pct", d["renewal_rate_A"]), kept=self._fmt_diff("pct", d["profit_kept"]),
                        profit=self._fmt_diff("money", d["profit"]), nps=self._fmt_diff("nps", d["nps"]))
        describe = "".join(f'<div class="sdw-describe" data-policy="{label}"><b>{esc(names[label])}</b>: '
                           f'{esc(self.describe(self._run_specs[label]))}</div>' for label in LABELS)
        note = t("customer_lab.summary.note", lang, replications=info["replications"],
                 seconds=f"{self.last_run_seconds or 0:.1f}")
        self.summary_view.value = (
            f'<h4>{esc(t("customer_lab.summary.title", lang))}</h4>'
            f'<table class="sdw-table sdw-summary-table"><tr><th></th>{head}</tr>{"".join(body)}</table>'
            f'<div class="sdw-reading">{esc(reading)}</div>{describe}<p class="sdw-muted">{esc(note)}</p>')
        self.figures["renewal"].show(VC.renewal_figure(m, lang, names))
        self.figures["complaints"].show(VC.complaints_figure({k: r.sla for k, r in self.runs.items()}, lang, names))
        profit = self.book_profit()
        shares = {"yours": self._shares(self._run_specs["yours"])}
        if shares["yours"] != self._shares(self._run_specs["base"]):
            shares["base"] = self._shares(self._run_specs["base"])
        self.figures["pareto"].show(VC.pareto_figure(profit, shares, lang, names))
        tiers = abc_tiers(pd.DataFrame({"profit": profit}), by="profit", shares=shares["yours"])
        self.book_line.value = (f'<div class="sdw-muted">{esc(t("customer_lab.base.book", lang, n=number(len(profit), digits=0)))}'
                                f'</div><div class="sdw-book-tiers">{esc(tiers.text(lang))}</div>')
        self._withdraw_downloads()

    @staticmethod
    def _shares(spec: AccountsSpec) -> tuple[float, float, float]:
        return tuple(float(spec.tiers.of(k).share) for k in TIERS)

    def book_profit(self) -> np.ndarray:
        """The starting book's annual profit per account (replication 1: the same for both policies)."""
        book = self.runs["yours"].first.book
        return book.loc[book.source == "base", "profit"].to_numpy(dtype=float)

    # -- 4. exports --------------------------------------------------------------------------------------------
    def _localised(self, df: pd.DataFrame, complaints: bool = False) -> pd.DataFrame:
        lang = self.lang
        cat = catalog(lang)
        out = df.rename(columns={c: cat[f"customer_lab.col.{c}"] for c in df.columns if f"customer_lab.col.{c}" in cat})
        if complaints:
            out = localise_customers(out, lang)
        return localise_accounts(out, lang)

    def account_year(self, label: str) -> pd.DataFrame:
        """Each account (a customer at some time) of the first replication under policy ``label``
        (``base``/``yours``) and its year: :data:`ACCOUNT_COLUMNS` — from the book its source, tier, annual
        profit (``book_profit``), the month it joined, its status at the end, win-backs and referrals; from
        the account-months the sums and flags of the year, the satisfaction at the end and the last NPS answer."""
        res = self.runs[label].first
        acc = res.accounts
        g = acc.assign(active=acc.status == "active").groupby("account", sort=False)
        year = g.agg(managed=("managed", "any"), months_active=("active", "sum"), visits=("visits", "sum"),
                     orders=("orders", "sum"), run_revenue=("revenue", "sum"), run_profit=("profit", "sum"),
                     complaints=("complaints", "sum"), sla_breaches=("sla_breaches", "sum"),
                     renewed=("renewed", "any"), churned=("churned", "any"),
                     end_satisfaction=("satisfaction", "last"), last_nps=("nps_score", "last"))
        book = res.book.rename(columns={"profit": "book_profit"})
        book = book.loc[book.joined.notna(), ["account", "source", "referred_by", "tier", "book_profit", "joined",
                                              "status", "won_back", "referrals"]]
        out = book.merge(year, left_on="account", right_index=True, how="left")
        out.insert(0, "policy", self.names()[label])
        return out[list(ACCOUNT_COLUMNS)].reset_index(drop=True)

    def export_tables(self) -> dict[str, pd.DataFrame]:
        """The tables the downloads hold, headers and values in the page's language: ``summary`` (each
        metric: both policies and the difference), ``by_tier`` (every replication), ``runs`` (every
        replication's summary, the library's keys), ``accounts`` (each account's year, replication 1),
        ``complaints`` (replication 1, checked against the SLAs) and ``sla`` (within the SLA by severity)."""
        if not self.runs:
            raise ScenarioError([Issue(t("customer_lab.export.title", self.lang), "generic",
                                       {"detail": t("customer_lab.export.no_run", self.lang)})])
        lang, names, m = self.lang, self.names(), self.means
        summary = pd.DataFrame({
            "metric": [k for k, _ in METRICS],
            "name": [t(f"customer_lab.metric.{k}", lang) for k, _ in METRICS],
            "base": [float(m.loc["base", k]) for k, _ in METRICS],
            "yours": [float(m.loc["yours", k]) for k, _ in METRICS],
        })
        summary["difference"] = summary.yours - summary.base

        def both(fn) -> pd.DataFrame:
            parts = []
            for label in LABELS:
                df = fn(label).copy()
                df.insert(0, "policy", names[label])
                parts.append(df)
            return pd.concat(parts, ignore_index=True)
        runs = both(lambda label: self.runs[label].runs)
        by_tier = both(lambda label: self.runs[label].by_tier)
        sla = both(lambda label: self.runs[label].sla)
        complaints = both(lambda label: self.runs[label].first.complaint_check())
        accounts = pd.concat([self.account_year(label) for label in LABELS], ignore_index=True)
        return {"summary": self._localised(summary), "by_tier": self._localised(by_tier), "runs": runs,
                "accounts": self._localised(accounts), "complaints": self._localised(complaints, complaints=True),
                "sla": self._localised(sla, complaints=True)}

    @guarded("export")
    def prepare_downloads(self) -> None:
        """Links: the summary and the accounts' year as CSV, all tables as one Excel workbook, and every
        account-month of your policy (replication 1) as CSV (too long for a quick workbook)."""
        self.downloads.value = f'<span class="sdw-muted">{esc(t("customer_lab.export.preparing", self.lang))}</span>'
        tables = self.export_tables()
        info = self._run_info
        stem = f"customer_lab_{info['stem']}_seed{info['seed']}"
        links = self._table_links(stem, tables, {"summary": "summary", "accounts": "accounts"})
        months = self._localised(self.runs["yours"].first.accounts)
        links.append(csv_link(t("customer_lab.export.months_csv", self.lang), f"{stem}_months.csv", months, "months"))
        self.downloads.value = " ".join(links)

    # -- language ----------------------------------------------------------------------------------------------
    def _on_language(self) -> None:
        if not self._ready:
            return
        self._render_scenario()
        if self._errors.get("inputs") is not None:
            self.update_inputs()          # the message names the field in the new language
        else:
            self._render_plan()
        self._render_results()
