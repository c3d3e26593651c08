"""simlib — the simulation library of the Sales Drill Workbook (銷售目標演練工作簿).

The package face re-exports what CONTRACT.md promises::

    import simlib
    sc = simlib.load_scenario("scenarios/funnel_basics.yaml")
    res = simlib.simulate(sc, seed=7)
    simlib.replicate(sc, n=200, seed=1); simlib.expected(sc); simlib.required_leads(sc, won=20)

Behind it the library is a house of floors; a floor imports only from the floors below it (an
import-linter contract in ``pyproject.toml`` checks it)::

    ui        widgets: the apps the notebooks show                     (ipywidgets)
    content   lessons and drills: the course as pages' content
    viz       every plotly figure                                      (plotly)
    workshop  a trainer, teams and rounds in one seeded world, kept in SQLite or PostgreSQL
    data      CRM exports, dashboards, the answer store
    analysis  simulate / replicate, what-if, achievability, case studies
    models    reps' response to pay, team dynamics, the account base
    core      scenario, people block, quotas, funnel, engine, results, replication
    formulas  the course's pure formulas: targets, pay, behaviour, appraisal, customers, odds
    base      i18n, formatting, validation schema, random streams, content paths

``simlib.targets``, ``simlib.incentives``, ``simlib.crm``, ``simlib.whatif``, ``simlib.accounts`` and
``simlib.cases`` keep their old import paths as thin re-exports; ``python -m simlib`` is the command line.
"""
from simlib.analysis.simulation import replicate, simulate
from simlib.base.schema import ScenarioError
from simlib.core.funnel import bottleneck, expected, hours_per_win, required_leads
from simlib.core.replication import describe
from simlib.core.results import SimResult
from simlib.core.scenario import Scenario, load_scenario

__all__ = [
    "Scenario", "ScenarioError", "SimResult", "bottleneck", "describe", "expected", "hours_per_win",
    "load_scenario", "replicate", "required_leads", "simulate",
]
__version__ = "0.2.0"
