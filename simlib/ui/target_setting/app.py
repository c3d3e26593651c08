"""The Target Setting app (目標設定, COURSE.md §1): five panels and the downloads, wired together.

Each section is a panel (:mod:`~simlib.ui.target_setting.time_split`, :mod:`~simlib.ui.target_setting.matrix`,
:mod:`~simlib.ui.target_setting.allocation`, :mod:`~simlib.ui.target_setting.smart_check`,
:mod:`~simlib.ui.target_setting.adjustment`); the app builds them, passes section 1's annual target and
monthly split on to the matrix and the adjustment months, records each section's errors under its own
name (:func:`~simlib.ui.base.guarded`), and writes the downloads.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from simlib.base.i18n import t
from simlib.base.paths import scenarios_dir
from simlib.base.schema import ScenarioError
from simlib.core.scenario import Scenario, load_scenario
from simlib.formulas.smart import SmartReport
from simlib.ui.base import SectionedApp, guarded
from simlib.ui.figures import Renderer, make_view
from simlib.ui.target_setting.adjustment import CUSTOM, AdjustmentPanel
from simlib.ui.target_setting.allocation import AllocationPanel
from simlib.ui.target_setting.matrix import MatrixPanel
from simlib.ui.target_setting.smart_check import SmartPanel
from simlib.ui.target_setting.time_split import TimeSplitPanel

__all__ = ["DEFAULT_SCENARIO", "EXTRA_CSS", "TargetSetting"]

DEFAULT_SCENARIO = scenarios_dir() / "target_setting.yaml"

EXTRA_CSS = """
.sdw-app h3.sdw-section { border-top: 2px solid #dfe6ee; padding-top: 0.7em; margin: 1.3em 0 0.1em 0;
  font-size: 1.3em; }
.sdw-app p.sdw-explain { color: #444; margin: 0 0 0.5em 0; }
.sdw-app .sdw-ok { color: #1e7b34; font-weight: 600; }
.sdw-app .sdw-bad { color: #b3261e; font-weight: 600; }
.sdw-app .sdw-unknown { color: #7a6400; font-weight: 600; }
.sdw-app table.sdw-table tr.sdw-total td, .sdw-app table.sdw-table tr.sdw-total th { border-top: 2px solid #9aa7b4;
  font-weight: 600; }
.sdw-app table.sdw-table td.sdw-off { background: #fdecea; }
.sdw-app ul.sdw-checks { list-style: none; padding-left: 0; margin: 0.3em 0; }
.sdw-app ul.sdw-checks li { margin: 0.1em 0; }
.sdw-app .sdw-grid .widget-text input { text-align: right; }
.sdw-app .sdw-cell { padding: 0.2em 0.3em; font-weight: 600; }
.sdw-app .sdw-verdict { background: #f3f7fb; border-left: 4px solid #1f6fb2; padding: 0.5em 0.8em; margin: 0.3em 0; }
.sdw-app .sdw-verdict.sdw-adjust { border-left-color: #c0392b; background: #fdf3f2; }
.sdw-app ul.sdw-hints { margin: 0.3em 0; padding-left: 1.2em; }
.sdw-app table.sdw-smart-report th { white-space: nowrap; }
"""


class TargetSetting(SectionedApp):
    """The Target Setting app: five sections, each a few inputs and what simlib makes of them.

    Args:
        scenario: the team (reps with history, skill, tenure, potential) and the funnel that the SMART
            checker simulates; ``scenarios/target_setting.yaml`` by default.
        lang: the page's language (``zh-Hant``, ``zh-Hans`` or ``en``).
        annual: the year's target (section 1, and the matrix of section 2).
        year: the calendar year of the split (seasonality follows its Spring Festival).
        team_target: the target section 3 allocates to the reps.
        smart_target: the numeric target the SMART checker simulates.
        smart_n, seed: replications and seed of the achievability simulation.
        simulate_now: run the achievability simulation once at start (otherwise on the button).
        renderer: ``"output"`` (default) or ``"widget"`` (see :mod:`simlib.ui.figures`). With five charts
            that change only when an input is edited, redrawing in an Output costs little, and it spares the
            page five FigureWidgets, each of which ships the 5 MB plotly.js bundle to the browser and
            must initialise within anywidget's 2 s limit (on a loaded machine some do not, and then stop
            updating). ``?renderer=widget`` picks the other.

    Attributes:
        time_split, matrix_panel, allocation_panel, smart_panel, adjustment_panel: the five sections' panels.
        split: :func:`simlib.formulas.seasonality.split_time` frame (one row per day; ``attrs`` quarters and months).
        matrix: :func:`simlib.formulas.targets.split_matrix` frame (localised dimension columns, ``share``, ``target``).
        allocation: :func:`simlib.formulas.targets.allocation_table` frame with the bottom-up gap.
        report: the :class:`simlib.formulas.smart.SmartReport` shown; ``achievability``: the last simulation.
        adjustment: ``{"needs", "attainment", "current", "proposed", "new"}`` of section 5.
        shares: ``{dimension: {member: input}}`` in percent; rep_inputs: ``{rep: {field: input}}``;
        adj_target, adj_actual: the twelve monthly inputs of section 5. The other inputs and views keep the
        names they have in their panels (``annual``, ``team_target``, ``smart_text``, ``adj_preset``, …;
        ``split_view``, ``matrix_view``, ``alloc_view``, ``smart_view``, ``adjust_view``).
    """

    KEY = "target_setting"
    EXTRA_CSS = EXTRA_CSS
    UNEXPECTED_KEY = "target_setting.error.unexpected"

    def __init__(self, scenario: Scenario | dict | str | Path | None = None, lang: str = "zh-Hant", *,
                 annual: float = 100_000_000, year: int = 2026, team_target: float = 5_000_000,
                 smart_target: float = 1_320_000, smart_n: int = 200, seed: int = 0,
                 simulate_now: bool = True, renderer: Renderer = "output"):
        self.scenario = load_scenario(scenario if scenario is not None else DEFAULT_SCENARIO)
        super().__init__(lang)
        self.seed = int(seed)
        self.figures = {name: make_view(name, renderer)
                        for name in ("split", "matrix", "allocation", "smart", "adjustment")}
        self.time_split = TimeSplitPanel(self, self.figures["split"], annual, year, on_change=self.update_split,
                                         on_level=self._draw_split)
        self.matrix_panel = MatrixPanel(self, self.figures["matrix"], on_change=self.update_matrix)
        self.allocation_panel = AllocationPanel(self, self.figures["allocation"], self.scenario, team_target,
                                                on_change=self.update_allocation,
                                                on_gap_method=self._render_allocation)
        self.smart_panel = SmartPanel(self, self.figures["smart"], self.scenario, smart_target, smart_n, self.seed,
                                      on_change=self.update_smart, on_simulate=self.simulate)
        self.adjustment_panel = AdjustmentPanel(self, self.figures["adjustment"], on_preset=self._on_adjust_preset,
                                                on_change=self.update_adjustment)
        self._name_inputs()
        self._finish_page(self.time_split.widget, self.matrix_panel.widget, self.allocation_panel.widget,
                          self.smart_panel.widget, self.adjustment_panel.widget, self._build_export(6))
        self._ready = True
        self.update_split()          # also fills the matrix and the adjustment months
        self.update_allocation()
        self.update_smart()
        if simulate_now:
            self.simulate()

    def _name_inputs(self) -> None:
        """The panels' inputs and views as the app's own attributes (the names the page has always had)."""
        ts, mx, al, sm, ad = (self.time_split, self.matrix_panel, self.allocation_panel, self.smart_panel,
                              self.adjustment_panel)
        self.annual, self.year, self.preset, self.unit, self.level = ts.annual, ts.year, ts.preset, ts.unit, ts.level
        self.split_view = ts.view
        self.shares, self.share_sums, self.use_customer, self.matrix_view = (mx.shares, mx.share_sums,
                                                                             mx.use_customer, mx.view)
        self.team_target, self.rep_inputs, self.gap_method, self.methods_note, self.alloc_view = (
            al.team_target, al.rep_inputs, al.gap_method, al.methods_note, al.view)
        self.smart_text, self.priorities, self.smart_target = sm.smart_text, sm.priorities, sm.smart_target
        self.smart_metric, self.smart_horizon, self.smart_n = sm.smart_metric, sm.smart_horizon, sm.smart_n
        self.smart_button, self.progress, self.progress_text, self.smart_view = (sm.smart_button, sm.progress,
                                                                                 sm.progress_text, sm.view)
        self.adj_preset, self.adj_months, self.adjust_view = ad.adj_preset, ad.adj_months, ad.view
        self.adj_target, self.adj_actual, self.adj_att = ad.adj_target, ad.adj_actual, ad.adj_att

    # -- what the panels computed ---------------------------------------------------------------------------
    @property
    def split(self) -> pd.DataFrame | None:
        return self.time_split.split

    @property
    def matrix(self) -> pd.DataFrame | None:
        return self.matrix_panel.matrix

    @property
    def allocation(self) -> pd.DataFrame | None:
        return self.allocation_panel.allocation

    @property
    def report(self) -> SmartReport | None:
        return self.smart_panel.report

    @property
    def achievability(self) -> dict | None:
        return self.smart_panel.achievability

    @property
    def adjustment(self) -> dict | None:
        return self.adjustment_panel.adjustment

    # -- 1. time split ---------------------------------------------------------------------------------
    def update_split(self) -> None:
        """Split the annual target over time, then refresh what follows from it (matrix, adjustment months)."""
        self._update_split()
        self.update_matrix()
        if self.adj_preset.value != CUSTOM:
            self.adjustment_panel.apply_preset(self._split_months())
        self.update_adjustment()

    def _split_months(self) -> dict[int, float] | None:
        return self.split.attrs["months"] if self.split is not None else None

    @guarded("split")
    def _update_split(self) -> None:
        self._withdraw_downloads()
        self.time_split.update()
        self._draw_split()

    @guarded("split_chart")
    def _draw_split(self) -> None:
        self.time_split.draw()

    # -- 2. matrix ----------------------------------------------------------------------------------------
    @guarded("matrix")
    def update_matrix(self) -> None:
        """Decompose the annual target over the matrix; shares that do not add up to 100 % are named."""
        self._withdraw_downloads()
        self.matrix_panel.update(self.time_split.total(), self.unit.value)

    # -- 3. allocation ------------------------------------------------------------------------------------
    def rep_records(self) -> tuple[list[dict], dict[str, float]]:
        """The rep table as :func:`simlib.formulas.targets.allocate` takes it, and the reps' own commitments."""
        return self.allocation_panel.rep_records()

    @guarded("allocation")
    def update_allocation(self) -> None:
        """Allocate the team target by every method side by side, with the gap to the reps' own commitments."""
        self._withdraw_downloads()
        self.allocation_panel.update()

    @guarded("allocation_view")
    def _render_allocation(self) -> None:
        if self.allocation is not None:
            self.allocation_panel.render()

    # -- 4. SMART ------------------------------------------------------------------------------------------
    def priority_list(self) -> list[str]:
        """The team's priorities as typed (separated by commas or 、)."""
        return self.smart_panel.priority_list()

    def current_report(self) -> SmartReport:
        """The SMART report of the text in the page's language; "achievable" from the simulation when it is current."""
        return self.smart_panel.current_report()

    @guarded("simulate")
    def simulate(self) -> None:
        """Simulate the team ``n`` times and count how often the numeric target is reached (Wilson 95 % CI),
        then show the report with that verdict (:meth:`SmartPanel.simulate`)."""
        self.smart_panel.simulate()
        self.update_smart()

    @guarded("smart")
    def update_smart(self) -> None:
        """Check the written target and show the report (per letter ✓ / ✗ / ? and the hints)."""
        self.smart_panel.update()

    # -- 5. adjustment -------------------------------------------------------------------------------------
    def _on_adjust_preset(self) -> None:
        self.adjustment_panel.apply_preset(self._split_months())
        self.update_adjustment()

    @guarded("adjust")
    def update_adjustment(self) -> None:
        """S1's rule: 3 months in a row more than 30 % off target ⇒ adjust, by at most ±20 %."""
        self.adjustment_panel.update()

    # -- exports ---------------------------------------------------------------------------------------------
    def export_tables(self) -> dict[str, pd.DataFrame]:
        """The tables the downloads hold: ``quarters, months, weeks, days`` (the split), ``matrix``, ``allocation``."""
        if self.split is None or self.matrix is None or self.allocation is None:
            raise ScenarioError.at(t("target_setting.export.title", self.lang), "generic",
                                   detail=t("target_setting.fix_inputs", self.lang))
        return self.time_split.tables() | {"matrix": self.matrix, "allocation": self.allocation}

    @guarded("export")
    def prepare_downloads(self) -> None:
        """Links to the split (days, with quarter/month/week), the matrix and the allocation as CSV, and all
        of them as one Excel workbook (a sheet each)."""
        links = self._table_links(f"target_setting_{self.year.value}", self.export_tables(),
                                  {"split": "days", "matrix": "matrix", "allocation": "allocation"})
        self.downloads.value = " ".join(links)

    # -- language ----------------------------------------------------------------------------------------------
    def _on_language(self) -> None:
        if not self._ready:
            return
        self.update_split()
        self.update_allocation()
        self.smart_panel.draw()
        self.update_smart()
