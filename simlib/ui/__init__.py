"""The apps' thin layer over :mod:`simlib`: widgets declared as data, the page language, app assemblies.

Only this package imports ipywidgets; the core modules never do. Notebooks stay a few lines::

    from simlib.ui.funnel_lab import FunnelLab
    FunnelLab.from_query("../scenarios/funnel_basics.yaml").show()

Modules: :mod:`~simlib.ui.base` (what every app shares: header, language switch, guarded callbacks,
messages, downloads), :mod:`~simlib.ui.controls` (slider declarations, ranges from the scenario
schema), :mod:`~simlib.ui.lang` (``?lang=`` and the language switch), :mod:`~simlib.ui.figures` (how a
figure is redrawn), the apps :mod:`~simlib.ui.funnel_lab` (Funnel Lab), :mod:`~simlib.ui.target_setting`
(Target Setting), :mod:`~simlib.ui.pay_lab` (Pay Plan Lab), :mod:`~simlib.ui.team_lab` (Team Lab),
:mod:`~simlib.ui.customer_lab` (Customer Lab), :mod:`~simlib.ui.case_study` (Case Studies),
:mod:`~simlib.ui.dashboards` (Dashboards), :mod:`~simlib.ui.lesson` (the module lessons), :mod:`~simlib.ui.hub`
(the landing page), the workshop's pages :mod:`~simlib.ui.workshop_trainer` (the trainer console, its panels in
:mod:`~simlib.ui.workshop_board`) and :mod:`~simlib.ui.workshop_team` (a team's page), and
:mod:`~simlib.ui.serve` (starting Voilà for the browser tests and the latency benchmark).
"""
import importlib

__all__ = ["CaseStudy", "CustomerLab", "DashboardsApp", "FunnelLab", "Hub", "LessonPage", "PayLab", "TargetSetting",
           "TeamLab", "TeamPage", "TrainerConsole"]

_HOME = {"CaseStudy": "case_study", "CustomerLab": "customer_lab", "DashboardsApp": "dashboards", "FunnelLab": "funnel_lab",
         "Hub": "hub", "LessonPage": "lesson", "PayLab": "pay_lab", "TargetSetting": "target_setting",
         "TeamLab": "team_lab", "TeamPage": "workshop_team", "TrainerConsole": "workshop_trainer"}


def __getattr__(name: str):
    if name in _HOME:       # imported on first use: an app's module pulls in plotly and the widgets
        return getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
    raise AttributeError(name)
