"""Team Lab (團隊實驗室): hire, mentor, train and assign roles, then watch ramp, attrition and
attainment — the trainee's team policy beside the scenario's own, in the same seeded world
(COURSE.md §5; :mod:`simlib.models.team`, :func:`simlib.analysis.whatif.compare_teams`).

In a notebook served by Voilà::

    from simlib.ui.team_lab import TeamLab
    TeamLab.from_query().show()

Without a browser the same object is driven through its widgets::

    >>> lab = TeamLab(lang="en", replications=1)
    >>> lab.mentoring.value = False                 # no mentors: new hires ramp slower
    >>> yours = lab.comparison.summary.loc["yours"]
    >>> bool(yours.new_hire_ramp < lab.comparison.summary.loc["scenario", "new_hire_ramp"])
    True
"""
from __future__ import annotations

import time
from pathlib import Path

import ipywidgets as W
import pandas as pd
import yaml

from simlib.analysis.whatif import TeamComparison, compare_teams
from simlib.base.fmt import money, number, percent
from simlib.base.i18n import t
from simlib.base.paths import content_root
from simlib.core.people import ROLES
from simlib.core.people import label as team_label
from simlib.core.scenario import Scenario, load_scenario
from simlib.ui.base import SectionedApp, card, data_link, esc, guarded, row
from simlib.ui.figures import DEFAULT_RENDERER, Renderer, make_view
from simlib.viz import team as VT

__all__ = ["DEFAULT_SCENARIO", "METRICS", "TeamLab"]

ROOT = content_root()
DEFAULT_SCENARIO = ROOT / "scenarios" / "team" / "s0_it_company.yaml"
SLOTS = ("scenario", "yours")
FIGURES = ("staffing", "ramp", "attainment")
NO_ROLE = "none"
#: the summary table's rows and how each is shown
METRICS = (("revenue", "money"), ("attainment_mean", "pct"), ("at_target_share", "pct"),
           ("turnover_annual", "pct"), ("hires", "count1"), ("quits", "count1"), ("exits", "count1"),
           ("pips", "count1"), ("vacant_share", "pct"), ("new_hire_ramp", "pct"), ("development_hours", "count"))
EXTRA_CSS = """
.sdw-app h3.sdw-section { border-top: 2px solid #dfe6ee; padding-top: 0.6em; margin: 1.1em 0 0.1em 0;
  font-size: 1.3em; }
.sdw-app p.sdw-explain { color: #444; margin: 0 0 0.5em 0; }
.sdw-app .sdw-roles { display: grid; grid-template-columns: repeat(auto-fill, minmax(16em, 1fr)); gap: 0 1em; }
.sdw-app .sdw-group { border-left: 3px solid #dfe6ee; padding-left: 0.6em; margin: 0.2em 0 0.6em 0; }
.sdw-app table.sdw-summary-table td.sdw-diff { color: #555; }
.sdw-app .sdw-reading { background: #f3f7fb; border-left: 4px solid #1f6fb2; padding: 0.4em 0.8em; margin: 0.4em 0; }
"""


def _pct_slider(value: float, high: int = 100, step: int = 5) -> W.IntSlider:
    return W.IntSlider(value=round(value * 100), min=0, max=high, step=step, continuous_update=False,
                       style={"description_width": "initial"}, layout=W.Layout(width="100%"))


class TeamLab(SectionedApp):
    """The Team Lab page (see the module's docstring).

    Attributes:
        base: the scenario as written (the "scenario" column). comparison: the last
        :class:`~simlib.analysis.whatif.TeamComparison` (policies ``scenario`` and ``yours``).
        roles: ``{seat: Dropdown}``. last_run_seconds: how long the last simulation took.
    """

    KEY = "team_lab"
    EXTRA_CSS = EXTRA_CSS

    def __init__(self, scenario: Scenario | dict | str | Path | None = None, lang: str = "zh-Hant", *,
                 seed: int = 1, replications: int = 2, run_now: bool = True, renderer: Renderer = DEFAULT_RENDERER):
        self.base = load_scenario(scenario if scenario is not None else DEFAULT_SCENARIO)
        super().__init__(lang)
        self.comparison: TeamComparison | None = None
        self.last_run_seconds: float | None = None
        self.figures = {name: make_view(name, renderer) for name in FIGURES}
        self._finish_page(self._build_team(), self._build_develop(), self._build_sim(seed, replications),
                          self._build_export(4))
        self._ready = True
        if run_now:
            self.run()

    # -- 1. hiring, attrition and roles -------------------------------------------------------------------
    def _people(self):
        from simlib.core.people import People
        return self.base.people or People()

    def _build_team(self) -> W.Widget:
        ppl = self._people()
        attrition = ppl.attrition.annual_rate if ppl.attrition is not None else 0.0
        self.attrition = _pct_slider(attrition, high=80)
        self.attrition.add_class("sdw-attrition")
        self._label(self.attrition, "team_lab.team.attrition")
        self.vacancy = W.IntSlider(value=ppl.hiring.vacancy_weeks, min=0, max=26, continuous_update=False,
                                   style={"description_width": "initial"}, layout=W.Layout(width="100%"))
        self.vacancy.add_class("sdw-vacancy")
        self._label(self.vacancy, "team_lab.team.vacancy")
        self.max_hires = W.IntSlider(value=ppl.hiring.max_per_quarter if ppl.hiring.max_per_quarter is not None else 6,
                                     min=0, max=10, continuous_update=False, style={"description_width": "initial"},
                                     layout=W.Layout(width="100%"))
        self.max_hires.add_class("sdw-max-hires")
        self._label(self.max_hires, "team_lab.team.max_hires")
        self.roles: dict[str, W.Dropdown] = {}
        for rep in self.base.team.reps:
            dd = W.Dropdown(options=self._role_options(self.lang), value=rep.role or NO_ROLE, description=rep.name,
                            style={"description_width": "4.5em"}, layout=W.Layout(width="100%"))
            dd.add_class("sdw-role")
            self.roles[rep.name] = dd
        self._relabel(self._relabel_roles)
        for w in (self.attrition, self.vacancy, self.max_hires, *self.roles.values()):
            self._on(w, self.run)
        grid = W.Box(list(self.roles.values()))
        grid.add_class("sdw-roles")
        return W.VBox([self._section(1, "team"),
                       row(card(self.attrition, self.vacancy, self.max_hires, basis="360px"),
                           card(self._text("team_lab.team.roles", "h4"), grid, basis="520px"))])

    def _role_options(self, lang: str) -> list[tuple[str, str]]:
        return [(t("team_lab.team.no_role", lang), NO_ROLE)] + [(team_label("role", r, lang), r) for r in ROLES]

    def _relabel_roles(self, lang: str) -> None:
        with self._mute():
            for dd in self.roles.values():
                value = dd.value
                dd.options = self._role_options(lang)
                dd.value = value

    # -- 2. mentoring, training, PIP ----------------------------------------------------------------------
    def _build_develop(self) -> W.Widget:
        ppl = self._people()
        style, wide = {"description_width": "initial"}, W.Layout(width="100%")
        m = ppl.mentoring
        self.mentoring = W.Checkbox(value=m is not None, indent=False)
        self.mentoring.add_class("sdw-mentoring")
        self._label(self.mentoring, "team_lab.develop.mentoring")
        self.mentor_hours = W.FloatSlider(value=m.hours_per_week if m else 2.0, min=0.5, max=6, step=0.5,
                                          continuous_update=False, style=style, layout=wide)
        self._label(self.mentor_hours, "team_lab.develop.mentor_hours")
        self.max_mentees = W.IntSlider(value=m.max_mentees if m else 2, min=1, max=4, continuous_update=False,
                                       style=style, layout=wide)
        self._label(self.max_mentees, "team_lab.develop.max_mentees")
        tr = ppl.training[0] if ppl.training else None
        self.training = W.Checkbox(value=tr is not None, indent=False)
        self.training.add_class("sdw-training")
        self._label(self.training, "team_lab.develop.training")
        stages = [(s.display(self.lang), s.name) for s in self.base.funnel.stages]
        self.train_stage = W.Dropdown(options=stages, value=tr.stage if tr else stages[0][1], style=style, layout=wide)
        self._label(self.train_stage, "team_lab.develop.stage")
        self._relabel(self._relabel_stages)
        self.train_lift = W.IntSlider(value=round((tr.lift if tr else 0.1) * 100), min=0, max=40,
                                      continuous_update=False, style=style, layout=wide)
        self.train_lift.add_class("sdw-lift")
        self._label(self.train_lift, "team_lab.develop.lift")
        self.train_hours = W.FloatSlider(value=tr.hours if tr else 6.0, min=1, max=16, step=1,
                                         continuous_update=False, style=style, layout=wide)
        self._label(self.train_hours, "team_lab.develop.hours")
        self.train_start = W.IntSlider(value=tr.start_week if tr else 5, min=1, max=40, continuous_update=False,
                                       style=style, layout=wide)
        self._label(self.train_start, "team_lab.develop.start")
        self.train_weeks = W.IntSlider(value=tr.weeks if tr else 2, min=1, max=8, continuous_update=False,
                                       style=style, layout=wide)
        self._label(self.train_weeks, "team_lab.develop.weeks")
        p = ppl.pip
        self.pip = W.Checkbox(value=p is not None, indent=False)
        self.pip.add_class("sdw-pip")
        self._label(self.pip, "team_lab.develop.pip")
        self.pip_threshold = _pct_slider(p.threshold if p else 0.6, high=100, step=5)
        self._label(self.pip_threshold, "team_lab.develop.pip_threshold")
        for w in (self.mentoring, self.mentor_hours, self.max_mentees, self.training, self.train_stage,
                  self.train_lift, self.train_hours, self.train_start, self.train_weeks, self.pip, self.pip_threshold):
            w.add_class("sdw-develop-control")
            self._on(w, self.run)
        mentoring = W.VBox([self.mentoring, self.mentor_hours, self.max_mentees,
                            self._text("team_lab.develop.mentoring_note", "p", "sdw-muted")])
        training = W.VBox([self.training, self.train_stage, self.train_lift, self.train_hours, self.train_start,
                           self.train_weeks])
        pip = W.VBox([self.pip, self.pip_threshold, self._text("team_lab.develop.pip_note", "p", "sdw-muted")])
        for box in (mentoring, training, pip):
            box.add_class("sdw-group")
        return W.VBox([self._section(2, "develop"),
                       row(card(mentoring, basis="300px"), card(training, basis="300px"), card(pip, basis="300px"))])

    def _relabel_stages(self, lang: str) -> None:
        with self._mute():
            value = self.train_stage.value
            self.train_stage.options = [(s.display(lang), s.name) for s in self.base.funnel.stages]
            self.train_stage.value = value

    def people_changes(self) -> dict:
        """The trainee's settings as changes to the scenario (dotted paths -> values)."""
        ppl = self._people()
        changes: dict = {
            "people.attrition": (ppl.attrition.model_dump() if ppl.attrition else {})
            | {"annual_rate": self.attrition.value / 100},
            "people.hiring.vacancy_weeks": int(self.vacancy.value),
            "people.hiring.max_per_quarter": int(self.max_hires.value),
            "people.mentoring": ({**(ppl.mentoring.model_dump() if ppl.mentoring else {}),
                                  "hours_per_week": float(self.mentor_hours.value),
                                  "max_mentees": int(self.max_mentees.value)} if self.mentoring.value else None),
            "people.training": ([{"stage": self.train_stage.value, "lift": self.train_lift.value / 100,
                                  "hours": float(self.train_hours.value), "start_week": int(self.train_start.value),
                                  "weeks": int(self.train_weeks.value)}] if self.training.value else []),
            "people.pip": ({**(ppl.pip.model_dump() if ppl.pip else {}),
                            "threshold": max(self.pip_threshold.value, 5) / 100} if self.pip.value else None),
        }
        for i, rep in enumerate(self.base.team.reps):
            role = self.roles[rep.name].value
            changes[f"team.reps[{i}].role"] = None if role == NO_ROLE else role
        if self.base.people is None:
            changes = {"people": {}} | changes
        return changes

    def yours(self) -> Scenario:
        """The scenario with the trainee's team policy."""
        return self.base.with_changes(self.people_changes())

    # -- 3. results -----------------------------------------------------------------------------------------
    def _build_sim(self, seed: int, replications: int) -> W.Widget:
        style, wide = {"description_width": "initial"}, W.Layout(width="100%")
        self.replications = W.IntSlider(value=replications, min=1, max=10, continuous_update=False, style=style,
                                        layout=wide)
        self.replications.add_class("sdw-replications")
        self._label(self.replications, "team_lab.sim.replications")
        self.seed = W.BoundedIntText(value=seed, min=0, max=999_999, style=style, layout=wide)
        self.seed.add_class("sdw-seed")
        self._label(self.seed, "team_lab.sim.seed")
        for w in (self.replications, self.seed):
            self._on(w, self.run)
        self.progress = W.IntProgress(value=0, min=0, max=1, layout=W.Layout(width="100%", visibility="hidden"))
        self.progress.add_class("sdw-progress")
        self.status = W.HTML()
        self.summary_view = W.HTML()
        self.summary_view.add_class("sdw-summary")
        controls = card(self.replications, self.seed, self.progress, self.status, basis="300px")
        return W.VBox([self._section(3, "sim"),
                       row(controls, card(self.summary_view, basis="560px")),
                       row(card(self.figures["staffing"].widget), card(self.figures["ramp"].widget)),
                       row(card(self.figures["attainment"].widget))])

    @guarded("run")
    def run(self) -> None:
        """Simulate the scenario's team policy and the trainee's on the same seeds, and redraw."""
        scenarios = {"scenario": self.base, "yours": self.yours()}
        n = int(self.replications.value)
        self.progress.max, self.progress.value = n * len(scenarios), 0
        self.progress.layout.visibility = "visible"

        def progress(done: int, total: int) -> None:
            self.progress.value = done
            self.status.value = f'<span class="sdw-muted">{esc(t("team_lab.sim.running", self.lang, done=done, total=total))}</span>'
        start = time.perf_counter()
        try:
            self.comparison = compare_teams(scenarios, seed=int(self.seed.value), replications=n, progress=progress)
        finally:
            self.progress.layout.visibility = "hidden"
            self.status.value = ""
        self.last_run_seconds = time.perf_counter() - start
        self._render_results()

    def names(self, lang: str | None = None) -> dict[str, str]:
        return {slot: t(f"team_lab.policy.{slot}", lang or self.lang) for slot in SLOTS}

    def _render_results(self) -> None:
        cmp, lang = self.comparison, self.lang
        if cmp is None:
            return
        names = self.names()
        s = cmp.summary
        fmt = {"pct": lambda v: percent(v, digits=1, fixed=True), "money": lambda v: money(v, lang),
               "count": lambda v: number(v, digits=0), "count1": lambda v: number(v, digits=1, fixed=True)}

        def diff(m: str, kind: str) -> str:
            a, b = float(s.loc["scenario", m]), float(s.loc["yours", m])
            d = b - a
            if kind == "pct":
                return f"{d * 100:+.1f} pp"
            if kind == "money":
                return f"{d / a:+.1%}" if a else "—"
            return f"{d:+,.1f}"
        head = "".join(f'<th data-policy="{slot}">{esc(names[slot])}</th>' for slot in SLOTS)
        body = "".join(
            f'<tr data-metric="{m}"><th>{esc(t(f"team_lab.metric.{m}", lang))}</th>'
            + "".join(f'<td data-policy="{slot}">{fmt[kind](float(s.loc[slot, m]))}</td>' for slot in SLOTS)
            + f'<td class="sdw-diff">{esc(diff(m, kind))}</td></tr>' for m, kind in METRICS)
        reading = t("team_lab.reading", lang, revenue=diff("revenue", "money"),
                    turnover=percent(float(s.loc["yours", "turnover_annual"]), digits=0, fixed=True),
                    ramp=percent(float(s.loc["yours", "new_hire_ramp"]), digits=0, fixed=True),
                    hours=number(float(s.loc["yours", "development_hours"]), digits=0))
        note = t("team_lab.summary.note", lang, replications=int(cmp.runs.replication.max()),
                 weeks=self.base.horizon_weeks, seconds=f"{self.last_run_seconds or 0:.1f}")
        self.summary_view.value = (
            f'<h4>{esc(t("team_lab.summary.title", lang))}</h4>'
            f'<table class="sdw-table sdw-summary-table"><tr><th></th>{head}<th>{esc(t("team_lab.summary.diff", lang))}</th></tr>{body}</table>'
            f'<div class="sdw-reading">{esc(reading)}</div><div class="sdw-muted">{esc(note)}</div>')
        yours = cmp.results["yours"]
        self.figures["staffing"].show(VT.staffing_figure(yours.people, lang))
        ppl = yours.scenario.people
        self.figures["ramp"].show(VT.ramp_figure(yours.people, lang, ppl.ramp if ppl else None,
                                                 ppl.mentoring if ppl else None))
        self.figures["attainment"].show(VT.attainment_figure(cmp.attainment, lang, names))
        self._withdraw_downloads()

    def _on_language(self) -> None:
        if self._ready:
            self._render_results()

    # -- 4. export -------------------------------------------------------------------------------------------
    def export_tables(self) -> dict[str, pd.DataFrame]:
        """``summary`` (one row per policy), ``runs`` (per replication), ``attainment`` (per seat and
        period), ``people`` (per seat and week, your policy, first replication) and ``events``."""
        cmp = self.comparison
        if cmp is None:
            return {}
        yours = cmp.results["yours"]
        return {"summary": cmp.summary.reset_index(), "runs": cmp.runs, "attainment": cmp.attainment,
                "people": yours.people, "events": yours.events}

    @guarded("export")
    def prepare_downloads(self) -> None:
        """Links: the summary, people and events as CSV, every table as Excel, your team as a scenario (YAML)."""
        tables = self.export_tables()
        if not tables:
            return
        links = self._table_links(f"team_lab_seed{int(self.seed.value)}", tables,
                                  {"summary": "summary", "people": "people", "events": "events"})
        text = yaml.safe_dump(self.yours().to_dict(), allow_unicode=True, sort_keys=False)
        links.append(data_link(t("team_lab.export.scenario_yaml", self.lang), "team_lab_scenario.yaml",
                               "application/x-yaml", text, "scenario"))
        self.downloads.value = " ".join(links)
