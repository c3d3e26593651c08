"""Section 4 of Target Setting: a written target checked against SMART, with "achievable" judged by
simulating the team (COURSE.md §1, SMART; :func:`simlib.formulas.smart.smart_check`, Wilson 95 % interval).

The text is checked as it is typed; the simulation runs on the button, its progress shown, and its
verdict counts only while the numeric target, metric, horizon and replications it ran with are unchanged.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable

import ipywidgets as W

from simlib.analysis.simulation import replicate
from simlib.base.fmt import money, number, percent
from simlib.base.i18n import catalog, t
from simlib.base.schema import ScenarioError
from simlib.core.scenario import Scenario
from simlib.formulas.smart import ACHIEVABLE_AT, TOO_EASY_ABOVE, SmartReport, smart_check, wilson_interval
from simlib.ui.base import SectionedApp, card, esc, row
from simlib.ui.figures import FigureView
from simlib.ui.target_setting.panel import Panel, amount, check_mark
from simlib.viz import targets as VT

__all__ = ["HORIZONS", "METRICS", "SmartPanel"]

HORIZONS = {"quarter": 13, "half": 26, "year": 52}
METRICS = ("revenue", "won")


def _template(text: str) -> re.Pattern:
    """A regular expression matching catalog ``text`` with any value in its ``{placeholders}``."""
    parts = re.split(r"\{\w+\}", text)
    return re.compile(".+?".join(re.escape(p) for p in parts), re.DOTALL)


class SmartPanel(Panel):
    """The target's text and the team's priorities, the SMART report, and the achievability simulation.

    Args:
        app: the page. figure: where the simulated outcomes are drawn. scenario: the team simulated.
        smart_target, smart_n, seed: the numeric target, replications and seed of the simulation.
        on_change: called when the text, the priorities or a simulation input changes. on_simulate: on the button.

    Attributes:
        report: the :class:`~simlib.formulas.smart.SmartReport` shown (None while the text needs fixing).
        achievability: the last simulation (``probability``, ``low``, ``high``, ``n``, ``mean``, ``target``,
            ``metric``), None before the first.
        smart_text, priorities, smart_target, smart_metric, smart_horizon, smart_n, smart_button, progress,
        progress_text: the inputs and the simulation's progress. view: the report.
    """

    def __init__(self, app: SectionedApp, figure: FigureView, scenario: Scenario, smart_target: float,
                 smart_n: int, seed: int, on_change: Callable[[], None], on_simulate: Callable[[], None]):
        super().__init__(app)
        self.figure, self.scenario, self.seed = figure, scenario, int(seed)
        self.report: SmartReport | None = None
        self.achievability: dict | None = None
        self._sim_values: list[float] = []
        self._sim_key: tuple | None = None
        self._examples_lang = self.lang
        self.smart_text = W.Textarea(value=t("target_setting.smart.example", self.lang), rows=2,
                                     continuous_update=False, layout=W.Layout(width="100%"))
        self.smart_text.add_class("sdw-smart-text")
        self.label(self.smart_text, "target_setting.smart.placeholder", "placeholder")
        self.priorities = W.Text(value=t("target_setting.smart.priorities_example", self.lang),
                                 continuous_update=False, layout=W.Layout(width="100%"),
                                 style={"description_width": "initial"})
        self.label(self.priorities, "target_setting.smart.priorities")
        self.relabel(self._swap_examples, now=False)
        self.smart_target = self.number("target_setting.smart.target", smart_target, width="22em")
        self.smart_target.add_class("sdw-smart-target")
        self.smart_metric = self.choice(W.Dropdown, "target_setting.smart.metric", METRICS,
                                        lambda v, lang: t(f"target_setting.metric.{v}", lang), "revenue")
        self.smart_horizon = self.choice(W.Dropdown, "target_setting.smart.horizon", tuple(HORIZONS),
                                         lambda v, lang: t(f"target_setting.horizon.{v}", lang), "quarter")
        self.smart_n = self.label(W.IntSlider(value=smart_n, min=50, max=500, step=50, continuous_update=False,
                                              style={"description_width": "initial"}),
                                  "target_setting.smart.n")
        self.smart_button = W.Button(icon="play", button_style="primary", layout=W.Layout(width="auto"))
        self.smart_button.add_class("sdw-simulate")
        self.label(self.smart_button, "target_setting.smart.simulate")
        self.smart_button.on_click(lambda b: on_simulate())
        self.progress = W.IntProgress(value=0, min=0, max=smart_n, layout=W.Layout(width="14em", visibility="hidden"))
        self.progress.add_class("sdw-progress")
        self.progress_text = W.HTML()
        for w in (self.smart_text, self.priorities, self.smart_target, self.smart_metric, self.smart_horizon,
                  self.smart_n):
            self.on(w, on_change)
        self.view = W.HTML()
        self.view.add_class("sdw-smart")
        sim_box = W.VBox([self.smart_target, self.smart_metric, self.smart_horizon, self.smart_n,
                          W.HBox([self.smart_button, self.progress, self.progress_text],
                                 layout=W.Layout(align_items="center"))])
        self.widget = W.VBox([self.section(4, "smart"), self.smart_text, self.priorities,
                              row(card(self.view, basis="520px"), card(sim_box, figure.widget, basis="440px"))])

    def _swap_examples(self, lang: str) -> None:
        """Untouched example texts follow the page's language; a trainee's own text is never replaced."""
        old = self._examples_lang
        with self.mute():
            for w, key in ((self.smart_text, "target_setting.smart.example"),
                           (self.priorities, "target_setting.smart.priorities_example")):
                if w.value == t(key, old):
                    w.value = t(key, lang)
        self._examples_lang = lang

    def _sim_inputs(self) -> tuple:
        return (amount(self.smart_target.value), self.smart_metric.value, self.smart_horizon.value,
                int(self.smart_n.value), self.seed)

    def _sim_scenario(self) -> Scenario:
        weeks = HORIZONS[self.smart_horizon.value]
        return self.scenario if weeks == self.scenario.horizon_weeks else \
            self.scenario.with_changes({"horizon_weeks": weeks})

    def simulate(self) -> None:
        """Simulate the team ``n`` times and count how often the numeric target is reached (Wilson 95 % CI).

        The same numbers as :func:`simlib.analysis.achievability.achievability`, computed through
        :func:`simlib.replicate` so the progress bar can follow the replications.
        """
        target, metric, _, n, seed = key = self._sim_inputs()
        if isinstance(target, bool) or not math.isfinite(target) or target < 0:
            raise ScenarioError.at(t("target_setting.smart.target", self.lang), "greater_than_equal",
                                   limit=0, input=target)
        sc = self._sim_scenario()
        self.progress.max, self.progress.value = n, 0
        self.progress.layout.visibility = "visible"
        self.smart_button.disabled = True
        step = max(1, n // 40)

        def progress(done: int, total: int) -> None:
            if done % step == 0 or done == total:
                self.progress.value = done
                self.progress_text.value = (f'<span class="sdw-muted">'
                                            f'{esc(t("target_setting.smart.running", self.lang, done=done, n=total))}'
                                            f"</span>")
        try:
            df = replicate(sc, n=n, seed=seed, progress=progress)
        finally:
            self.smart_button.disabled = False
            self.progress.layout.visibility = "hidden"
            self.progress_text.value = ""
        hits = int((df[metric] >= target).sum())
        lo, hi = wilson_interval(hits, n)
        self.achievability = {"probability": hits / n, "low": lo, "high": hi, "n": n,
                              "mean": float(df[metric].mean()), "target": float(target), "metric": metric}
        self._sim_values = [float(v) for v in df[metric]]
        self._sim_key = key
        self.draw()

    def draw(self) -> None:
        """The simulated outcomes against the target (after a simulation)."""
        if self.achievability is not None:
            label = t(f"target_setting.metric.{self.achievability['metric']}", self.lang)
            self.figure.show(VT.achievability_figure(self._sim_values, self.achievability["target"],
                                                     label, self.lang))

    def priority_list(self) -> list[str]:
        """The team's priorities as typed (separated by commas or 、)."""
        text = self.priorities.value.replace("、", ",").replace("，", ",")
        return [p.strip() for p in text.split(",") if p.strip()]

    def current_report(self) -> SmartReport:
        """The SMART report of the text in the page's language; "achievable" from the simulation when it is current."""
        report = smart_check(self.smart_text.value, self.lang, priorities=self.priority_list() or None)
        if self.achievability is not None and self._sim_key == self._sim_inputs():
            prob = self.achievability
            # smart_check with a scenario replaces these two text-only hints with the simulation's verdict
            ambitious = _template(catalog(self.lang)["smart.hint.ambitious"])
            unknown = t("smart.hint.achievable_unknown", self.lang)
            report.hints = [h for h in report.hints if h != unknown and not ambitious.fullmatch(h)]
            report.achievable = prob["probability"] >= ACHIEVABLE_AT
            key = "smart.hint.too_hard" if not report.achievable else (
                "smart.hint.too_easy" if prob["probability"] > TOO_EASY_ABOVE else "smart.hint.achievable")
            report.hints.append(t(key, self.lang, **{k: f"{prob[k]:.0%}" for k in ("probability", "low", "high")}))
            report.probability = prob
        return report

    def update(self) -> None:
        """Check the written target and show the report (per letter ✓ / ✗ / ? and the hints)."""
        self.report = None
        self.view.value = self.placeholder()
        report = self.current_report()
        self.report = report
        lang = self.lang
        letters = dict(zip(report.CRITERIA, "SMART", strict=True))
        sep = ", " if lang == "en" else "、"
        found = {"specific": report.found.get("metric", []) + report.found.get("scope", []),
                 "measurable": report.found.get("number", []), "time_bound": report.found.get("deadline", [])}
        rows = []
        for c in report.CRITERIA:
            ok = report[c]
            if c == "achievable":
                if report.probability:
                    p = report.probability
                    detail = t("target_setting.smart.probability", lang,
                               probability=percent(p["probability"], digits=0),
                               low=percent(p["low"], digits=0), high=percent(p["high"], digits=0), n=p["n"],
                               mean=self._metric_value(p["mean"], p["metric"]),
                               target=self._metric_value(p["target"], p["metric"]))
                else:
                    detail = t("target_setting.smart.press_simulate", lang)
            elif c == "relevant":
                detail = t("target_setting.smart.no_priorities", lang) if ok is None else sep.join(self.priority_list())
            else:
                detail = sep.join(found.get(c, []))
            verdict = t("target_setting.smart." + ("unknown" if ok is None else "pass" if ok else "fail"), lang)
            rows.append(f'<tr data-criterion="{c}" data-ok="{"none" if ok is None else str(ok).lower()}">'
                        f"<th>{letters[c]} · {esc(t(f'smart.criterion.{c}', lang))}</th>"
                        f'<td style="text-align:left">{check_mark(ok)} {esc(verdict)}</td>'
                        f'<td style="text-align:left" class="sdw-muted">{esc(detail)}</td></tr>')
        hints = "".join(f"<li>{esc(h)}</li>" for h in report.hints)
        overall = t("target_setting.smart.passed" if report.passed else "target_setting.smart.not_passed", lang)
        self.view.value = (f'<table class="sdw-table sdw-smart-report">{"".join(rows)}</table>'
                           f'<div class="sdw-verdict" data-passed="{str(report.passed).lower()}">'
                           f"{esc(overall)}</div><ul class=\"sdw-hints\">{hints}</ul>")

    def _metric_value(self, v: float, metric: str) -> str:
        return money(v, self.lang) if metric == "revenue" else number(v, digits=1, fixed=True)
